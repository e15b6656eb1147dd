/**
 * `ardiff fit`: fits any registered model to the data the flags name and prints its summary and
 * forecast (or, with --json, one JSON object). Everything model-specific comes from the registry
 * entry: the flags (from its options schema), the data shape, the report, the default horizon.
 *
 *   ardiff fit --data FILE.csv --column NAME --model arima --order p,d,q [--seasonal P,D,Q,s] [--json]
 *   ardiff fit --data FILE.csv --columns a,b,c --model var --lags p [--transform dlog] [--charts DIR]
 *   ardiff fit --data FILE.csv --model ols --y NAME --x a,b,c
 *   ardiff fit --data FILE.csv --model sar --y NAME --x a,b --weights EDGES.csv
 *
 * `--json` prints `{"model", …the entry's report…, "forecast": {"mean", "se", "lower", "upper",
 * "level"}}` (plus `forecastOriginalScale` with --transform log|log10, `names` for several
 * series, and the keys of the entry's `forecastExtras`, e.g. garch's `variance`); with one --level
 * the intervals are flat arrays, with several one array per level. A fit's `warnings` go to stderr,
 * and so does the progress of long fits (a bar on a terminal, a line per ~10% otherwise).
 */
import { Option, type Command } from 'commander';
import { ArgumentError } from '../../core/errors.js';
import { nameRecord } from '../../core/validate.js';
import { columnExpression, findDataset, inverseTransform, type Transform } from '../../core/series.js';
import type { Forecast } from '../../core/forecast.js';
import type { MultiForecast } from '../../core/multi-forecast.js';
import { hasEstimates, type Forecaster, type MultiForecaster } from '../../core/model.js';
import type { ModelEntry, MultiSeriesData, SeriesModelEntry } from '../../core/model-entry.js';
import { MODELS, findModel, fitEntry, modelNames, type FittedModel } from '../../registry.js';
import { readTable } from '../../node/data.js';
import { writeFileAtomic, checkOutputDir } from '../../node/files.js';
import { checkLayerSize, jsonRequested, jsonSafe, progress, type Json } from '../json.js';
import { asFlagError, fail, intFlag, levelsFlag, namesFlag } from '../flags.js';
import { addModelFlags, flagMapper, modelOptionsFromFlags } from '../model-flags.js';
import { futureRegressors, multiSeriesData, regressionData, seriesData, spatialData, type DataFlags } from '../data.js';
import { multiFanChartSvg } from '../../charts/multi-charts.js';

interface FitFlags extends DataFlags {
  model: string;
  horizon?: string;
  level: string;
  charts?: string;
  json?: boolean;
  [flag: string]: unknown;
}

/** The univariate forecast as CLI JSON: one level gives flat arrays, several one array per level. */
export function forecastOutput(fc: Forecast, levels: readonly number[]): Record<string, Json> {
  const j = fc.toJSON(levels);
  return jsonSafe({ mean: j.mean, se: j.se ?? null, ...byLevel(levels, j.lower, j.upper) }) as Record<string, Json>;
}

/** Interval bounds as the CLI prints them: flat for one level, one array per level for several. */
function byLevel<T>(levels: readonly number[], lower: T[], upper: T[]): { lower: T | T[]; upper: T | T[]; level: number | readonly number[] } {
  const single = levels.length === 1;
  return { lower: single ? lower[0] : lower, upper: single ? upper[0] : upper, level: single ? levels[0] : levels };
}

/** Quantiles mapped back through the inverse of a log/log10 transform (the median is exp of the median). */
function originalScale(fc: Forecast, levels: readonly number[], transform: Transform): Record<string, Json> {
  const inv = (a: Float64Array) => Array.from(a, (v) => inverseTransform(v, transform));
  const ints = levels.map((l) => fc.interval(l));
  return jsonSafe({ median: inv(fc.quantile(0.5)), ...byLevel(levels, ints.map((i) => inv(i.lower)), ints.map((i) => inv(i.upper))) }) as Record<string, Json>;
}

/** The multivariate forecast as CLI JSON (same level rule; values `[step][column]`). */
export function multiForecastOutput(fc: MultiForecast, levels: readonly number[]): Record<string, Json> {
  const j = fc.toJSON(levels);
  return jsonSafe({ names: j.names, mean: j.mean, se: j.se ?? null, ...byLevel(levels, j.lower, j.upper) }) as Record<string, Json>;
}

/** A table of the univariate forecast: step, mean and the interval bounds. */
function forecastTable(fc: Forecast, levels: readonly number[]): string {
  const ints = levels.map((l) => fc.interval(l));
  const header = ['h', 'mean', ...levels.flatMap((l) => [`lo ${l}`, `hi ${l}`])];
  const rows = Array.from(fc.mean(), (m, i) => [String(i + 1), m.toPrecision(6), ...ints.flatMap((iv) => [iv.lower[i].toPrecision(6), iv.upper[i].toPrecision(6)])]);
  return alignRight([header, ...rows]);
}

/** A table of the multivariate forecast means (one column per series) with the widest interval. */
function multiForecastTable(fc: MultiForecast, levels: readonly number[]): string {
  const level = Math.max(...levels);
  const iv = fc.interval(level), mean = fc.mean();
  const header = ['h', ...fc.names.flatMap((n) => [n, `lo ${level}`, `hi ${level}`])];
  const rows = mean.map((r, s) => [String(s + 1), ...Array.from(r, (m, j) => [m.toPrecision(6), iv.lower[s][j].toPrecision(6), iv.upper[s][j].toPrecision(6)]).flat()]);
  return alignRight([header, ...rows]);
}

function alignRight(rows: string[][]): string {
  const w = rows[0].map((_, j) => rows.reduce((m, r) => Math.max(m, r[j].length), 0));
  return rows.map((r) => r.map((c, j) => c.padStart(w[j])).join('  ')).join('\n');
}

/** The {@link Estimates} of a fit as the CLI's JSON (`params: {names, values, stdErrors}`, `logLik`, …). */
export function estimatesReport(fit: object): Record<string, unknown> {
  if (!hasEstimates(fit)) return {};
  return {
    params: { names: fit.paramNames, values: fit.params, stdErrors: fit.bse ?? null },
    logLik: fit.llf, aic: fit.aic, bic: fit.bic, nobs: fit.nobs,
  };
}

const DATA_FLAGS: Record<ModelEntry['shape'], readonly (keyof DataFlags)[]> = {
  series: ['column', 'transform', 'exog', 'exogFuture'],
  multiseries: ['columns', 'transform'],
  regression: ['y', 'x'],
  spatial: ['y', 'x', 'weights'],
};
const FLAG_NAME: Record<string, string> = { column: '--column', columns: '--columns', transform: '--transform', exog: '--exog', exogFuture: '--exog-future', y: '--y', x: '--x', weights: '--weights' };

/** Rejects data flags that the model's data shape does not use. */
function checkDataFlags(entry: ModelEntry, flags: FitFlags): void {
  const allowed = new Set<string>(DATA_FLAGS[entry.shape]);
  for (const key of Object.keys(FLAG_NAME)) {
    if (flags[key] !== undefined && !allowed.has(key)) {
      const what = { series: 'one series', multiseries: 'several series', regression: 'a regression table', spatial: 'a spatial regression table' }[entry.shape];
      throw new ArgumentError(`${FLAG_NAME[key]} does not apply to --model ${entry.name}, which fits ${what} (${DATA_FLAGS[entry.shape].map((k) => FLAG_NAME[k]).join(', ')})`, FLAG_NAME[key]);
    }
  }
  if (entry.shape === 'series' && flags.exog !== undefined && !(entry as SeriesModelEntry).exog) {
    const withExog = MODELS.filter((m) => m.shape === 'series' && m.exog).map((m) => m.name);
    throw new ArgumentError(`--exog is supported by models with regressors (${withExog.join(', ')}), not --model ${entry.name}`, '--exog');
  }
}

/** Runs `ardiff fit` for parsed flags; returns the JSON object, the text and the fit's warnings (a model's `warnings: string[]`). */
export async function runFit(flags: FitFlags, attrs: Map<string, string>): Promise<{ json: Record<string, Json>; text: string; warnings: string[] }> {
  const entry = findModel(flags.model, '--model');
  checkDataFlags(entry, flags);
  const levels = levelsFlag(flags.level);
  const horizonFlag = intFlag(flags.horizon, '--horizon');
  if (horizonFlag !== undefined && (entry.shape === 'regression' || entry.shape === 'spatial')) {
    throw new ArgumentError(`--horizon does not apply to --model ${entry.name}, which does not forecast`, '--horizon');
  }
  if (flags.charts !== undefined && !entry.charts && entry.shape !== 'multiseries') {
    throw new ArgumentError(`--model ${entry.name} draws no charts; --charts applies to the models of several series (${modelNames('multiseries').join(', ')})${MODELS.some((m) => m.charts && m.shape !== 'multiseries') ? ` and ${MODELS.filter((m) => m.charts && m.shape !== 'multiseries').map((m) => m.name).join(', ')}` : ''}`, '--charts');
  }
  const ds = findDataset(flags.data);
  const table = readTable(flags.data, '--data');
  const { options, report: reportOptions } = modelOptionsFromFlags(entry, flags, attrs, ds?.frequency);
  const optionFlag = flagMapper(entry);
  // A library error about the series itself (argument 'y') is about the column the flag chose.
  const toFlag = (name: string): string | undefined => optionFlag(name) ?? (name === 'y' && entry.shape === 'series' ? '--column' : undefined);
  // Networks of the tensor engine (entries that load it): a width that cannot fit in its memory is refused before any work.
  if (entry.prepare && attrs.has('--hidden') && flags[attrs.get('--hidden')!] !== undefined) checkLayerSize(Number(flags[attrs.get('--hidden')!]), '--hidden');

  // 1. The data of the model's shape.
  let data: Parameters<typeof fitEntry>[1];
  let transform: Transform = 'none';
  let future: { exog: Record<string, Float64Array>; h: number } | undefined;
  let fitOptions = options as Record<string, unknown>;
  if (entry.shape === 'series') {
    const s = seriesData(table, flags, ds);
    data = s.y;
    transform = s.transform;
    if (flags.exog !== undefined) {
      const names = namesFlag(flags.exog, '--exog');
      const exog = nameRecord<Float64Array>(); // a regressor may be named '__proto__'
      for (const n of names) exog[n] = columnExpression(table, n, '--exog');
      fitOptions = { ...fitOptions, exog };
      future = futureRegressors(flags, names, horizonFlag);
    } else if (flags.exogFuture !== undefined) {
      throw new ArgumentError('--exog-future given without --exog; name the regressors with --exog a,b', '--exog');
    }
  } else if (entry.shape === 'multiseries') data = multiSeriesData(table, flags, entry.name);
  else if (entry.shape === 'regression') data = regressionData(table, flags, entry.name);
  else data = spatialData(table, flags, entry.name);
  if (flags.charts !== undefined) checkOutputDir(flags.charts, '--charts');

  // 2. Fit (with a progress bar on a terminal for long fits).
  await entry.prepare?.();
  let fit: FittedModel;
  const bar = entry.progress ? progress(`fit ${entry.name}`, entry.progress.total(fitOptions), !flags.json, entry.progress.format) : undefined;
  try {
    const withProgress = entry.progress && bar ? entry.progress.attach(fitOptions, bar.update) : fitOptions;
    fit = fitEntry(entry, data, withProgress);
  } catch (e) {
    throw asFlagError(e, toFlag);
  } finally {
    bar?.stop();
  }

  try {
    // 3. Report and forecast.
    const ctx = { horizon: horizonFlag ?? 10, options: reportOptions };
    const report = (entry.report as ((f: FittedModel, c: typeof ctx) => Record<string, unknown>) | undefined)?.(fit, ctx) ?? estimatesReport(fit);
    const json: Record<string, unknown> = { ...report, model: entry.name };
    const text: string[] = [];
    const headline = (entry.headline as ((f: FittedModel) => string) | undefined)?.(fit);
    if (headline) text.push(headline);
    text.push(fit.summary());
    const defaultHorizon = (entry.defaultHorizon as ((f: FittedModel) => number) | undefined)?.(fit) ?? 10;
    const charts: Record<string, string> = {};
    if (entry.shape === 'series') {
      const f = fit as Forecaster;
      const h = future?.h ?? horizonFlag ?? defaultHorizon;
      const fc = f.forecast(h, { exog: future?.exog });
      const extras = (entry as SeriesModelEntry<unknown, Forecaster>).forecastExtras?.(f, h);
      json.forecast = { ...forecastOutput(fc, levels), ...(extras ? jsonSafe(extras) as Record<string, Json> : {}) };
      if (transform !== 'none') json.forecastOriginalScale = originalScale(fc, levels, transform);
      text.push('', `Forecast (${transform === 'none' ? 'data scale' : `${transform} scale`}):`, forecastTable(fc, levels));
    } else if (entry.shape === 'multiseries') {
      const f = fit as MultiForecaster;
      const fc = f.forecast(horizonFlag ?? defaultHorizon);
      json.forecast = multiForecastOutput(fc, levels);
      const t = (data as { transform?: string }).transform ?? 'none';
      text.push('', `Forecast (${t === 'none' ? 'data scale' : `${t} scale`}):`, multiForecastTable(fc, levels));
      if (flags.charts !== undefined) {
        // The forecast's fan chart per series, after the last few seasons (or 48 rows) of history.
        const columns = (data as MultiSeriesData).columns, n = columns[0].length, tail = Math.min(n, Math.max(4 * fc.horizon, 48));
        charts['forecast.svg'] = await multiFanChartSvg({ title: `${entry.name} forecast (${t === 'none' ? 'data scale' : `${t} scale`}), 80% and 95% bands`, history: columns.map((c) => c.slice(n - tail)), start: n - tail + 1, forecast: fc });
      }
    }
    // 4. Charts.
    if (flags.charts !== undefined) {
      const dir = flags.charts.replace(/\/$/, '');
      if (entry.charts) Object.assign(charts, await (entry.charts as (f: FittedModel, o: Record<string, unknown>) => Promise<Record<string, string>>)(fit, reportOptions));
      for (const [file, svg] of Object.entries(charts)) writeFileAtomic(`${dir}/${file}`, svg, '--charts');
      text.push('', `Charts written to ${dir}: ${Object.keys(charts).join(', ')}`);
    }
    const warnings = (fit as { warnings?: unknown }).warnings;
    return { json: jsonSafe(json) as Record<string, Json>, text: text.join('\n'), warnings: Array.isArray(warnings) ? warnings.map(String) : [] };
  } catch (e) {
    // The forecast's arguments (horizon, paths) named by their flags.
    throw asFlagError(e, (name) => (name === 'horizon' ? '--horizon' : toFlag(name)));
  } finally {
    (fit as { dispose?: () => void }).dispose?.();
  }
}

/** Adds `ardiff fit` to the program, with one flag per model option of the registry. */
export function registerFit(program: Command): void {
  const command = program
    .command('fit')
    .description('fit a model to data and forecast it (ardiff models lists the models and their options)')
    .requiredOption('--data <file>', 'CSV file with a header row, or a bundled data set name (see `ardiff datasets`)')
    .requiredOption('--model <m>', modelNames().join(' | '))
    .option('--column <name>', 'models of one series: the column (default: the bundled data set\'s main column)')
    .option('--columns <a,b,c>', 'models of several series: the columns')
    .addOption(new Option('--transform <t>', 'transform applied before fitting: log | log10 for one series; log | diff | dlog per column for several').choices(['log', 'log10', 'diff', 'dlog']))
    .option('--exog <a,b>', 'exogenous regressor columns (regression with ARIMA errors)')
    .option('--exog-future <file>', 'CSV with the regressors\' future values, one row per forecast step')
    .option('--y <name>', 'regression models: dependent variable')
    .option('--x <a,b,c>', 'regression models: regressors')
    .option('--weights <edges.csv>', 'spatial models: neighbour edge list (columns from,to: 1-based ids)')
    .option('--horizon <h>', 'forecast steps (default: the model\'s, e.g. two seasons, else 10)')
    .option('--level <levels>', 'prediction interval level(s) in per cent, e.g. 95 or 80,95', '95')
    .option('--charts <dir>', 'write charts as SVG to dir: models of several series a fan chart per series (forecast.svg); var also impulse responses and the Granger graph')
    .option('--json', 'print one JSON object instead of tables');
  const attrs = addModelFlags(command);
  command.action(async (flags: FitFlags) => {
    try {
      const { json, text, warnings } = await runFit(flags, attrs);
      for (const w of warnings) console.error(`warning: ${w}`);
      console.log(flags.json ? JSON.stringify(json) : text);
    } catch (e) {
      fail(e, jsonRequested(flags.json));
    }
  });
}
