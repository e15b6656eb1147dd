/**
 * The `ardiff` command line: thin commands over the public API (parse, call, print).
 *
 *   ardiff fit --data FILE.csv --column NAME --model arima --order p,d,q [...] [--json]
 *   ardiff fit --data FILE.csv --column NAME --model auto-arima [--seasonal-period s] [--exhaustive]
 *   ardiff fit --data FILE.csv --column NAME --model ar --order p [--method ols|yule-walker|burg|mle]
 *   ardiff fit --data FILE.csv --model ols --y NAME --x a,b,c
 *   ardiff datasets
 *   ardiff demo
 */
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ArdiffError, ArgumentError, DataError } from '../core/errors.js';
import { readTable, columnExpression, applyTransform, findDataset, DATASETS, numericColumn, inverseTransform, type Transform, type Table } from '../core/series.js';
import { checkLevel, type Forecast } from '../core/forecast.js';
import { fitOLS } from '../classical/ols.js';
import { fitAR, type ARMethod } from '../classical/ar.js';
import { fitArima, type FittedArima, type Trend, type ArimaMethod } from '../classical/arima.js';
import { autoArima } from '../classical/auto-arima.js';
import { fanChartSvg } from './fan-chart.js';
import { type Json } from './json.js';
import { runSpatial } from './commands/spatial.js';
import { runUnivariateExtra, runLassoVar } from './commands/more-models.js';
import { runVar } from './commands/var.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDiffusionCommands } from './commands/diffusion.js';
import { registerGptCommands } from './commands/gpt.js';


/** Numbers for JSON: NaN/±Infinity become null (never print NaN). */
function num(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}
const nums = (a: ArrayLike<number>): (number | null)[] => Array.from(a, (v) => num(v));

function parseIntList(s: string, n: number, flag: string): number[] {
  const parts = s.split(',').map((x) => x.trim());
  const vals = parts.map(Number);
  if (parts.length !== n || vals.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ArgumentError(`${flag} needs ${n} comma-separated non-negative integers (e.g. ${n === 3 ? '1,1,1' : '0,1,1,12'}); got '${s}'`, flag);
  }
  return vals;
}

function parsePositiveInt(s: string | undefined, flag: string): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${flag} must be a positive integer; got '${s}'`, flag);
  return v;
}

function parseLevels(s: string): number[] {
  return s.split(',').map((x) => {
    const v = Number(x.trim());
    checkLevel(v, '--level');
    return v;
  });
}

interface FitFlags {
  data: string;
  column?: string;
  transform?: string;
  model: string;
  order?: string;
  seasonal?: string;
  seasonalPeriod?: string;
  trend?: string;
  exog?: string;
  exogFuture?: string;
  horizon?: string;
  level: string;
  method?: string;
  exhaustive?: boolean;
  y?: string;
  x?: string;
  weights?: string;
  columns?: string;
  lags?: string;
  lambda?: string;
  select?: string;
  delay?: string;
  priorJson?: string;
  seed?: string;
  maxLags?: string;
  ic?: string;
  irf?: string;
  charts?: string;
  hidden?: string;
  epochs?: string;
  context?: string;
  likelihood?: string;
  json?: boolean;
}

function loadY(table: Table, flags: FitFlags): { y: Float64Array; column: string; transform: Transform } {
  const ds = findDataset(flags.data);
  const column = flags.column ?? ds?.column;
  if (!column) throw new ArgumentError('--column is required with a CSV file: name the column to model', '--column');
  const transform = (flags.transform ?? 'none') as Transform;
  if (!['none', 'log', 'log10'].includes(transform)) throw new ArgumentError(`--transform ${transform} applies to multivariate models only; for one series use log or log10 (and difference in the model)`, '--transform');
  const raw = columnExpression(table, column, '--column');
  return { y: applyTransform(raw, transform, '--transform'), column, transform };
}

function forecastJson(fc: Forecast & { se?: Float64Array }, levels: number[]): Record<string, Json> {
  const ints = levels.map((l) => fc.interval(l));
  const single = levels.length === 1;
  return {
    mean: nums(fc.mean()),
    se: fc.se ? nums(fc.se) : null,
    lower: single ? nums(ints[0].lower) : ints.map((i) => nums(i.lower)),
    upper: single ? nums(ints[0].upper) : ints.map((i) => nums(i.upper)),
    level: single ? levels[0] : levels,
  };
}

function backTransformed(fc: Forecast, levels: number[], transform: Transform): Record<string, Json> | null {
  if (transform === 'none') return null;
  const inv = (a: Float64Array) => nums(a.map((v) => inverseTransform(v, transform)));
  const ints = levels.map((l) => fc.interval(l));
  const single = levels.length === 1;
  return {
    median: inv(fc.mean()),
    lower: single ? inv(ints[0].lower) : ints.map((i) => inv(i.lower)),
    upper: single ? inv(ints[0].upper) : ints.map((i) => inv(i.upper)),
    level: single ? levels[0] : levels,
  };
}

function forecastTable(fc: Forecast, levels: number[]): string {
  const ints = levels.map((l) => fc.interval(l));
  const header = ['h', 'mean', ...levels.flatMap((l) => [`lo ${l}`, `hi ${l}`])];
  const mean = fc.mean();
  const rows = Array.from(mean, (m, i) => [String(i + 1), m.toPrecision(6), ...ints.flatMap((iv) => [iv.lower[i].toPrecision(6), iv.upper[i].toPrecision(6)])]);
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  return [header, ...rows].map((r) => r.map((c, j) => c.padStart(w[j])).join('  ')).join('\n');
}

function arimaJson(fit: FittedArima, modelName: string): Record<string, Json> {
  const [P, D, Q, s] = fit.params.seasonalOrder;
  return {
    model: modelName,
    label: arimaLabel(fit),
    order: fit.params.order,
    seasonalOrder: [P, D, Q, s],
    params: { names: fit.names, values: nums(fit.values), stdErrors: nums(fit.stdErrors) },
    sigma2: num(fit.sigma2),
    logLik: num(fit.llf),
    aic: num(fit.aic),
    aicc: num(fit.aicc),
    bic: num(fit.bic),
    nobs: fit.nobs,
    nobsTotal: fit.y.length,
    method: fit.method,
    converged: fit.converged,
  };
}

function arimaLabel(fit: FittedArima): string {
  const [p, d, q] = fit.params.order;
  const [P, D, Q, s] = fit.params.seasonalOrder;
  const names = fit.names;
  const extra = names.includes('const') ? ' with non-zero mean' : names.includes('drift') ? ' with drift' : '';
  return `ARIMA(${p},${d},${q})` + (s ? `(${P},${D},${Q})[${s}]` : '') + extra;
}

function readFuture(file: string, names: string[], horizon: number | undefined): { exog: Record<string, Float64Array>; h: number } {
  const table = readTable(file, '--exog-future');
  const exog: Record<string, Float64Array> = {};
  for (const n of names) exog[n] = columnExpression(table, n, '--exog-future');
  const h = table.rows.length;
  if (horizon !== undefined && horizon !== h) {
    throw new DataError(`--exog-future has ${h} rows but --horizon is ${horizon}; give one future row per forecast step`, '--exog-future');
  }
  return { exog, h };
}

async function runFit(flags: FitFlags): Promise<{ json: Record<string, Json>; text: string }> {
  const table = readTable(flags.data, '--data');
  const levels = parseLevels(flags.level);
  const horizonFlag = parsePositiveInt(flags.horizon, '--horizon');
  const model = flags.model;
  if (model === 'sar' || model === 'sem') return runSpatial(table, flags);
  if (model === 'var') return runVar(table, flags);
  if (model === 'lasso-var' || model === 'group-lasso-var') return runLassoVar(table, flags, horizonFlag ?? 10);
  if (model === 'ols') {
    if (!flags.y) throw new ArgumentError('--model ols needs --y NAME (the dependent variable)', '--y');
    if (!flags.x) throw new ArgumentError('--model ols needs --x a,b,c (the regressors)', '--x');
    const y = columnExpression(table, flags.y, '--y');
    const x: Record<string, Float64Array> = {};
    for (const c of flags.x.split(',').map((v) => v.trim())) x[c] = columnExpression(table, c, '--x');
    const fit = fitOLS(y, x, { yName: flags.y });
    const json: Record<string, Json> = {
      model: 'ols',
      params: { names: fit.names, values: nums(fit.params), stdErrors: nums(fit.bse()) },
      tvalues: nums(fit.tvalues()), pvalues: nums(fit.pvalues()),
      sigma2: num(fit.scale), logLik: num(fit.llf), aic: num(fit.aic), bic: num(fit.bic), nobs: fit.nobs,
      rsquared: num(fit.rsquared), rsquaredAdj: num(fit.rsquaredAdj), fvalue: num(fit.fvalue), fPvalue: num(fit.fPvalue),
      durbinWatson: num(fit.durbinWatson), conditionNumber: num(fit.conditionNumber),
      bseHC: Object.fromEntries((['HC0', 'HC1', 'HC2', 'HC3'] as const).map((t) => [t, nums(fit.bse(t))])),
    };
    return { json, text: fit.summary() };
  }
  const { y, transform } = loadY(table, flags);
  const ds = findDataset(flags.data);
  if (model === 'bayes-ar' || model === 'lstar' || model === 'nar') return runUnivariateExtra(y, flags, horizonFlag ?? 10, levels);
  // Loaded on demand: only the neural models need the tensor library.
  if (model === 'lstm' || model === 'gru') return (await import('./commands/neural-fit.js')).runNeuralFit(y, flags, { horizon: horizonFlag, levels, transform, frequency: ds?.frequency });
  if (model === 'ar') {
    if (!flags.order) throw new ArgumentError('--model ar needs --order p', '--order');
    const p = Number(flags.order);
    if (!Number.isInteger(p) || p < 0) throw new ArgumentError(`--order must be a non-negative integer for ar; got '${flags.order}'`, '--order');
    const method = (flags.method ?? 'ols') as ARMethod;
    const fit = fitAR(y, { order: p, method });
    const h = horizonFlag ?? 10;
    const fc = fit.forecast(h);
    const json: Record<string, Json> = {
      model: 'ar', method, order: [p, 0, 0], seasonalOrder: [0, 0, 0, 0],
      params: { names: fit.params.names, values: nums(fit.params.values), stdErrors: fit.params.stdErrors ? nums(fit.params.stdErrors) : null },
      sigma2: num(fit.sigma2), logLik: num(fit.llf), aic: num(fit.aic), aicc: null, bic: num(fit.bic), hqic: num(fit.hqic), nobs: fit.nobs,
      forecast: forecastJson(fc, levels),
    };
    const bt = backTransformed(fc, levels, transform);
    if (bt) json.forecastOriginalScale = bt;
    return { json, text: `${fit.summary()}\n\nForecast (${transform === 'none' ? 'data scale' : `${transform} scale`}):\n${forecastTable(fc, levels)}` };
  }
  if (model !== 'arima' && model !== 'auto-arima') {
    throw new ArgumentError(`--model must be one of arima, auto-arima, ar, ols, sar, sem, var, bayes-ar, lstar, nar, lstm, gru, lasso-var, group-lasso-var; got '${model}'`, '--model');
  }
  const exogNames = flags.exog ? flags.exog.split(',').map((v) => v.trim()).filter(Boolean) : [];
  let exog: Record<string, Float64Array> | undefined;
  let future: { exog: Record<string, Float64Array>; h: number } | undefined;
  if (exogNames.length) {
    if (model === 'auto-arima') throw new ArgumentError('--exog is supported with --model arima only', '--exog');
    exog = {};
    for (const n of exogNames) exog[n] = columnExpression(table, n, '--exog');
    if (!flags.exogFuture) throw new ArgumentError('--exog needs --exog-future FUTURE.csv with the regressors\' future values (one row per forecast step)', '--exog-future');
    future = readFuture(flags.exogFuture, exogNames, horizonFlag);
  } else if (flags.exogFuture) {
    throw new ArgumentError('--exog-future given without --exog; name the regressors with --exog a,b', '--exog');
  }
  let fit: FittedArima;
  if (model === 'arima') {
    if (!flags.order) throw new ArgumentError('--model arima needs --order p,d,q', '--order');
    const [p, d, q] = parseIntList(flags.order, 3, '--order');
    let seasonal: { order: [number, number, number]; period: number } | undefined;
    if (flags.seasonal) {
      const [P, D, Q, s] = parseIntList(flags.seasonal, 4, '--seasonal');
      if (s < 2 && P + D + Q > 0) throw new ArgumentError(`the seasonal period (4th value of --seasonal) must be at least 2; got ${s}`, '--seasonal');
      seasonal = { order: [P, D, Q], period: s };
    }
    fit = fitArima(y, {
      order: [p, d, q], seasonal, exog,
      trend: flags.trend as Trend | undefined,
      method: flags.method as ArimaMethod | undefined,
    });
  } else {
    const period = parsePositiveInt(flags.seasonalPeriod, '--seasonal-period') ?? ds?.frequency ?? 1;
    fit = autoArima(y, { period, stepwise: !flags.exhaustive });
  }
  const s = fit.params.seasonalOrder[3];
  const h = future?.h ?? horizonFlag ?? (s > 1 ? 2 * s : 10);
  const fc = fit.forecast(h, { exog: future?.exog });
  const json = arimaJson(fit, model);
  json.forecast = forecastJson(fc, levels);
  const bt = backTransformed(fc, levels, transform);
  if (bt) json.forecastOriginalScale = bt;
  const lb = fit.ljungBox(Math.min(10, Math.max(2, fit.residuals.length - 1)));
  json.ljungBox = { statistic: num(lb.statistic), df: lb.df, pValue: num(lb.pValue) };
  const text = [
    model === 'auto-arima' ? `Selected ${arimaLabel(fit)} (${fit.selection?.tried.length ?? 0} models tried, ${fit.selection?.stepwise ? 'stepwise' : 'exhaustive'} search)` : arimaLabel(fit),
    fit.summary(),
    '',
    `Forecast (${transform === 'none' ? 'data scale' : `${transform} scale`}):`,
    forecastTable(fc, levels),
  ].join('\n');
  return { json, text };
}

async function runDemo(outDir: string): Promise<void> {
  const ds = findDataset('air-passengers')!;
  const table = readTable(ds.name);
  const raw = numericColumn(table, ds.column);
  const time = numericColumn(table, 'time');
  const y = applyTransform(raw, 'log');
  console.log(`Auto-ARIMA on AirPassengers (log scale), monthly 1949-1960, n = ${y.length}\n`);
  const t0 = performance.now();
  const fit = autoArima(y, { period: ds.frequency });
  const ms = performance.now() - t0;
  console.log(`Selected ${arimaLabel(fit)} from ${fit.selection?.tried.length} candidate models in ${ms.toFixed(0)} ms\n`);
  console.log(fit.summary());
  const h = 24;
  const fc = fit.forecast(h);
  const i80 = fc.interval(80), i95 = fc.interval(95);
  const mean = fc.mean();
  const step = 1 / ds.frequency;
  const lastT = time[time.length - 1];
  console.log('\nForecast, passengers (thousands; back-transformed median and intervals):');
  const header = ['month', 'forecast', 'lo 80', 'hi 80', 'lo 95', 'hi 95'];
  const rows: string[][] = [];
  const points: { t: number; mean: number; lo80: number; hi80: number; lo95: number; hi95: number }[] = [];
  for (let i = 0; i < h; i++) {
    const t = lastT + (i + 1) * step;
    const year = Math.floor(t + 1e-9), month = Math.round((t - year) * 12) + 1;
    const p = { t, mean: Math.exp(mean[i]), lo80: Math.exp(i80.lower[i]), hi80: Math.exp(i80.upper[i]), lo95: Math.exp(i95.lower[i]), hi95: Math.exp(i95.upper[i]) };
    points.push(p);
    rows.push([`${year}-${String(month).padStart(2, '0')}`, p.mean.toFixed(1), p.lo80.toFixed(1), p.hi80.toFixed(1), p.lo95.toFixed(1), p.hi95.toFixed(1)]);
  }
  const w = header.map((hd, j) => Math.max(hd.length, ...rows.map((r) => r[j].length)));
  console.log([header, ...rows].map((r) => r.map((c, j) => c.padStart(w[j])).join('  ')).join('\n'));
  const svg = await fanChartSvg({
    title: `AirPassengers: ${arimaLabel(fit)} on log scale, 80% and 95% intervals`,
    yLabel: 'passengers (thousands)',
    history: Array.from(raw, (v, i) => ({ t: time[i], y: v })),
    forecast: points,
  });
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir.replace(/\/$/, '')}/air-passengers-forecast.svg`;
  writeFileSync(file, svg);
  console.log(`\nFan chart written to ${file}`);
}

/** Prints a typed error (as JSON too with --json) and exits with code 2; rethrows anything else. */
export function fail(e: unknown, json: boolean): never {
  if (e instanceof ArdiffError) {
    if (json) console.log(JSON.stringify({ error: { type: e.name, argument: e.argument ?? null, message: e.message } }));
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  throw e;
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('ardiff').description('Autoregressive and diffusion models: fit, forecast and compare on your data').exitOverride();
  program
    .command('fit')
    .description('fit a model to a series and forecast it')
    .requiredOption('--data <file>', 'CSV file with a header row, or a bundled data set name (see `ardiff datasets`)')
    .option('--column <name>', 'column to model (default: the bundled data set\'s main column)')
    .addOption(new Option('--transform <t>', 'transform applied before fitting (dlog, diff: multivariate models, per column)').choices(['log', 'log10', 'dlog', 'diff']))
    .requiredOption('--model <m>', 'arima | auto-arima | ar | ols | sar | sem | var | bayes-ar | lstar | nar | lstm | gru | lasso-var | group-lasso-var')
    .option('--order <p,d,q>', 'ARIMA order (or p for ar)')
    .option('--seasonal <P,D,Q,s>', 'seasonal order and period')
    .option('--seasonal-period <s>', 'seasonal period for auto-arima, lstm, gru (default: the data set\'s frequency, else 1)')
    .option('--trend <t>', 'arima: n | c | t | ct (default c without differencing, else n); var: n | c | ct (default c)')
    .option('--exog <a,b>', 'exogenous regressor columns (regression with ARIMA errors)')
    .option('--exog-future <file>', 'CSV with the regressors\' future values, one row per forecast step')
    .option('--horizon <h>', 'forecast steps (default 2 seasons or 10)')
    .option('--level <levels>', 'prediction interval level(s) in per cent, e.g. 95 or 80,95', '95')
    .option('--method <m>', 'arima: ml | css-ml | css; ar: ols | yule-walker | burg | mle')
    .option('--exhaustive', 'auto-arima: search all orders instead of stepwise')
    .option('--y <name>', 'ols, sar, sem: dependent variable')
    .option('--x <a,b,c>', 'ols, sar, sem: regressors')
    .option('--weights <edges.csv>', 'sar, sem: neighbour edge list (columns from,to: 1-based ids)')
    .option('--columns <a,b,c>', 'var, lasso-var, group-lasso-var: the variables')
    .option('--lags <p>', 'var, lasso-var, group-lasso-var: VAR order')
    .option('--max-lags <m>', 'var: largest order considered by --ic')
    .option('--ic <c>', 'var: order selection criterion aic | bic | hqic | fpe (common sample)')
    .option('--irf <H>', 'var: impulse-response and FEVD horizon (default 10)')
    .option('--charts <dir>', 'var: write the impulse-response grid and the Granger graph as SVG to dir')
    .option('--lambda <L>', 'lasso-var, group-lasso-var: penalty on glmnet\'s scale (default: chosen by --select)')
    .option('--select <s>', 'lasso-var, group-lasso-var: bic | cv (per equation)')
    .option('--delay <d>', 'lstar: delay of the transition variable (default 1)')
    .option('--prior-json <file>', 'bayes-ar: prior {m0, V0, a0, b0}: beta | s2 ~ N(m0, s2 V0), s2 ~ IG(a0, b0)')
    .option('--hidden <k>', 'nar: hidden sigmoid units (default 3); lstm, gru: units per layer (default 40)')
    .option('--epochs <n>', 'lstm, gru: most passes over the training windows (default 100; early stopping may end sooner)')
    .option('--context <n>', 'lstm, gru: conditioning range in steps (default two seasons but at least 16; 20 without a season)')
    .option('--likelihood <l>', 'lstm, gru: gaussian | student-t, the distribution of the next value (default gaussian)')
    .option('--seed <s>', 'bayes-ar, lstar, nar, lstm, gru: seed of the fit\'s restarts/weights and Monte Carlo forecasts (default 0)')
    .option('--json', 'print one JSON object instead of tables')
    .action(async (flags: FitFlags) => {
      try {
        const { json, text } = await runFit(flags);
        console.log(flags.json ? JSON.stringify(json) : text);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
  program
    .command('datasets')
    .description('list the bundled data sets')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        console.log(JSON.stringify(DATASETS));
        return;
      }
      const w = Math.max(...DATASETS.map((d) => d.name.length));
      for (const d of DATASETS) console.log(`${d.name.padEnd(w)}  ${d.description} [column ${d.column}, period ${d.frequency}]`);
    });
  program
    .command('demo')
    .description('the main job: auto-ARIMA on AirPassengers (log), summary, forecast table and an SVG fan chart')
    .option('--out <dir>', 'output folder for the chart', 'out')
    .action(async (flags: { out: string }) => {
      try {
        await runDemo(flags.out);
      } catch (e) {
        fail(e, false);
      }
    });
  registerBacktest(program);
  registerDiffusionCommands(program, fail);
  registerGptCommands(program);
  return program;
}
