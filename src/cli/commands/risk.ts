/**
 * `ardiff risk`: the rolling one-day VaR/ES backtest of src/risk/backtest.ts on one column of
 * returns (or of prices, turned into per-cent returns), with the coverage and ES tests, an
 * optional exceedance chart and a plain verdict of which model wins at each level.
 *
 *   ardiff risk --data F.csv --column r [--returns log|simple|none] --models historical,ar,garch
 *               [--levels 1,5] [--window 1000] [--refit-every 50] [--paths N] [--sims M] [--seed S]
 *               [--model-options JSON] [--chart out/risk.svg] [--json]
 *
 * `--returns log` turns prices p_t into 100·log(p_t/p_{t−1}) (per cent), `simple` into
 * 100·(p_t/p_{t−1} − 1); `none` (the default) takes the column as returns, in its own units, and
 * refuses a column whose values are all positive (prices given by mistake). A model given as
 * `label=model` runs a registered model under its own label, with `--model-options
 * '{"label": {...}}'` (e.g. `arma-garch=garch`). The chart path is checked before any model
 * runs and the SVG is written atomically.
 *
 * `--json` prints {"returns", "window", "refitEvery", "days", "levels", "results": [{"model",
 * "refits", "method", "seconds", "levels": [{"level", "exceedances", "expected", "rate", "kupiec",
 * "independence", "conditionalCoverage" ({"lr", "df", "pValue"}), "esTest" ({"statistic",
 * "pValue", "sims"}), "meanVaR", "meanES", "quantileLoss", "fz0Loss", "trafficLight"}]}],
 * "verdict": [lines], "chart"}. Typed errors exit with code 2 and, with --json, print
 * {"error": {"type", "argument", "message"}}.
 */
import { Option, type Command } from 'commander';
import { ArgumentError, DataError } from '../../core/errors.js';
import { columnExpression, findDataset, numericColumn } from '../../core/series.js';
import { readTable } from '../../node/data.js';
import { checkOutputPath, writeFileAtomic } from '../../node/files.js';
import { riskBacktest, formatRiskTable, riskVerdict, type RiskModelSpec } from '../../risk/backtest.js';
import { riskChartSvg } from '../../charts/risk-chart.js';
import { jsonSafe, progress, type Json } from '../json.js';
import { asFlagError, choiceFlag, fail, intFlag, levelsFlag, namesFlag } from '../flags.js';

export interface RiskFlags {
  data: string;
  column?: string;
  returns?: string;
  models: string;
  levels?: string;
  window?: string;
  refitEvery?: string;
  paths?: string;
  sims?: string;
  seed?: string;
  modelOptions?: string;
  chart?: string;
  json?: boolean;
}

/** Library option names → the flags that set them. */
const FLAG: Record<string, string> = {
  window: '--window', refitEvery: '--refit-every', levels: '--levels', models: '--models', paths: '--paths', sims: '--sims',
  seed: '--seed', returns: '--column',
};

/** Per-cent returns of prices (log or simple), or the column as it is. */
function toReturns(v: Float64Array, kind: 'log' | 'simple' | 'none', column: string): Float64Array {
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new DataError(`row ${bad + 1} of '${column}' is missing or not finite; the risk backtest needs a complete series`, '--column');
  if (kind === 'none') {
    if (v.every((x) => x > 0)) throw new DataError(`every value of '${column}' is positive: these look like prices, not returns; give --returns log or --returns simple`, '--returns');
    return v;
  }
  const i = v.findIndex((x) => !(x > 0));
  if (i >= 0) throw new DataError(`--returns ${kind} needs positive prices; row ${i + 1} of '${column}' is ${v[i]}`, '--returns');
  return Float64Array.from({ length: v.length - 1 }, (_, t) => (kind === 'log' ? 100 * Math.log(v[t + 1] / v[t]) : 100 * (v[t + 1] / v[t] - 1)));
}

/** The diffusion scenario generator's names in --models, and the volatility each conditions on. */
const DIFFUSION_MODELS: Record<string, 'realised' | 'garch'> = { diffusion: 'realised', 'diffusion-garch': 'garch' };

function parseModelOptions(s: string | undefined): Record<string, Record<string, unknown>> {
  if (s === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (e) {
    throw new ArgumentError(`--model-options must be JSON such as '{"ar": {"order": 1}}' (${(e as Error).message})`, '--model-options');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((o) => !o || typeof o !== 'object' || Array.isArray(o))) {
    throw new ArgumentError('--model-options must be a JSON object of option objects by model name, e.g. \'{"ar": {"order": 1}}\'', '--model-options');
  }
  return v as Record<string, Record<string, unknown>>;
}

/** Runs the risk backtest for parsed flags; returns the JSON object and the text. */
export async function runRisk(flags: RiskFlags): Promise<{ json: Record<string, Json>; text: string }> {
  const returnsKind = choiceFlag(flags.returns, '--returns', ['log', 'simple', 'none'] as const, 'none')!;
  const models: RiskModelSpec[] = namesFlag(flags.models, '--models').map((m) => {
    const eq = m.indexOf('=');
    if (eq < 0) return m;
    const label = m.slice(0, eq).trim(), model = m.slice(eq + 1).trim();
    if (!label || !model) throw new ArgumentError(`--models: '${m}' must be label=model, e.g. arma-garch=garch`, '--models');
    return { label, model };
  });
  const levels = (flags.levels === undefined ? [1, 5] : levelsFlag(flags.levels, '--levels')).map((l) => l / 100);
  const window = intFlag(flags.window, '--window', 2) ?? 1000;
  const refitEvery = intFlag(flags.refitEvery, '--refit-every', 1) ?? 50;
  const paths = intFlag(flags.paths, '--paths', 1) ?? 1000;
  const sims = intFlag(flags.sims, '--sims', 1) ?? 1000;
  const seed = intFlag(flags.seed, '--seed', 0) ?? 0;
  const modelOptions = parseModelOptions(flags.modelOptions);
  // The diffusion scenario generator (realised-volatility or GARCH scales) loads the tensor engine.
  for (let i = 0; i < models.length; i++) {
    const m = models[i];
    if (typeof m === 'string' && m in DIFFUSION_MODELS) {
      const { initEngine } = await import('../../neural/engine/init.js');
      await initEngine();
      const { scenarioRiskModel } = await import('../../hybrid/index.js');
      models[i] = scenarioRiskModel(m, { seed, volatility: DIFFUSION_MODELS[m], ...(modelOptions[m] ?? {}) });
    }
  }
  const chart = flags.chart === undefined ? undefined : checkOutputPath(flags.chart, '--chart');

  const table = readTable(flags.data, '--data');
  const ds = findDataset(flags.data);
  const column = flags.column ?? ds?.column;
  if (!column) throw new ArgumentError('--column is required with a CSV file: name the column of returns (or prices, with --returns log)', '--column');
  const returns = toReturns(columnExpression(table, column, '--column'), returnsKind, column);
  const time = table.columns.includes('time') ? numericColumn(table, 'time') : undefined;
  const times = time ? (returnsKind === 'none' ? time : time.subarray(1)) : undefined;

  let bar: ReturnType<typeof progress> | undefined;
  let current = '';
  let bt;
  try {
    bt = await riskBacktest(returns, {
      models, levels, window, refitEvery, paths, sims, seed, modelOptions,
      onProgress: (model, done, total) => {
        if (model !== current) {
          bar?.stop();
          bar = progress(model.padEnd(12), total, !flags.json, '{value}/{total} days');
          current = model;
        }
        if (done % 10 === 0 || done === total) bar?.update(done);
      },
    });
  } catch (e) {
    // an option of a model given by --model-options is named by that flag
    const modelOptionNames = new Set(Object.values(modelOptions).flatMap((o) => Object.keys(o)));
    if (e instanceof ArgumentError && e.argument && !FLAG[e.argument] && modelOptionNames.has(e.argument)) {
      throw new ArgumentError(`--model-options: ${e.message}`, '--model-options');
    }
    throw asFlagError(e, (name) => FLAG[name]);
  } finally {
    bar?.stop();
  }
  const units = returnsKind === 'none' ? `'${column}' as given` : `${returnsKind} returns of '${column}', per cent`;
  if (chart) {
    const alpha = bt.levels[0];
    const svg = await riskChartSvg({
      title: `${ds ? ds.name : flags.data} ${column}: one-day ${+(alpha * 100).toPrecision(4)}% VaR and exceedances (window ${bt.window}, refit every ${bt.refitEvery})`,
      returns: bt.returns,
      time: times ? times.subarray(bt.testStart) : undefined,
      models: bt.results.map((r) => ({ name: r.model, var: r.levels[0].var })),
      yLabel: returnsKind === 'none' ? 'return' : 'return (%)',
    });
    writeFileAtomic(chart, svg, '--chart');
  }
  const json = {
    returns: returnsKind,
    units,
    window: bt.window,
    refitEvery: bt.refitEvery,
    days: bt.days,
    levels: bt.levels,
    results: bt.results.map((r) => jsonSafe({
      model: r.model, refits: r.refits, method: r.method, seconds: r.seconds,
      levels: r.levels.map((l) => ({
        level: l.level, exceedances: l.exceedances, expected: l.expected, rate: l.rate,
        kupiec: l.kupiec, independence: l.independence, conditionalCoverage: l.conditionalCoverage, esTest: l.esTest,
        meanVaR: l.meanVaR, meanES: l.meanES, quantileLoss: l.quantileLoss, fz0Loss: l.fz0Loss, trafficLight: l.trafficLight,
      })),
    })),
    verdict: riskVerdict(bt),
    chart: flags.chart ?? null,
  };
  const text = `Returns: ${units}\n${formatRiskTable(bt)}${flags.chart ? `\n\nExceedance chart (${+(bt.levels[0] * 100).toPrecision(4)}% VaR) written to ${flags.chart}` : ''}`;
  return { json, text };
}

/** Adds `ardiff risk` to the program. */
export function registerRisk(program: Command): void {
  program
    .command('risk')
    .description('rolling one-day VaR and expected-shortfall backtest: Kupiec, Christoffersen and Acerbi–Szekely tests, losses, exceedance chart')
    .requiredOption('--data <file>', 'CSV file with a header row, or a bundled data set name (see `ardiff datasets`)')
    .option('--column <name>', 'the column of returns, or of prices with --returns log|simple (default: the bundled data set\'s main column)')
    .addOption(new Option('--returns <kind>', 'log | simple: per-cent returns of a price column; none: the column is returns (default)').choices(['log', 'simple', 'none']))
    .requiredOption('--models <a,b>', 'historical (historical simulation), registered models of one series (ar, garch, …), label=model, diffusion or diffusion-garch (the diffusion scenario generator with realised-volatility or GARCH(1,1)-t scales; fitted once, on the first window)')
    .option('--levels <a,b>', 'VaR tail probabilities in per cent (default 1,5)')
    .option('--window <W>', 'training window in returns (default 1000)')
    .option('--refit-every <K>', 'refit every K test days; between refits the fitted parameters are applied to the new data (default 50)')
    .option('--paths <n>', 'sample paths per day for simulation models (default 1000)')
    .option('--sims <M>', 'simulations of the expected-shortfall test\'s p-value (default 1000)')
    .option('--seed <S>', 'seed of the sample paths, the ES test and the models that take one (default 0)')
    .option('--model-options <json>', 'options by model name or label, e.g. \'{"ar": {"order": 1}}\'')
    .option('--chart <file.svg>', 'write the exceedance chart of the first level as SVG')
    .option('--json', 'print {"window", "days", "levels", "results": [{"model", "levels": [{"level", "exceedances", "kupiec", "independence", "conditionalCoverage", "esTest", "meanVaR", "meanES", "quantileLoss", "fz0Loss", "trafficLight", …}]}], "verdict"}')
    .action(async (flags: RiskFlags) => {
      try {
        const { json, text } = await runRisk(flags);
        console.log(flags.json ? JSON.stringify(json) : text);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
}
