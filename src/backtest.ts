/**
 * Hold-out backtest of registered models: the last `horizon` points of a series are held out,
 * each model is fitted on the rest (its `prepare` hook awaited first), forecasts `horizon` steps,
 * and is scored on the original scale of the data by
 *
 * - MASE of the mean forecast, scaled by the in-sample seasonal naive MAE of the training part
 *   with the seasonal period (Hyndman & Koehler 2006; {@link mase}),
 * - sMAPE of the mean forecast (M4; {@link smape}),
 * - CRPS averaged over the steps: in closed form for Gaussian forecasts (Gaussian on the data
 *   scale, log-normal when the model was fitted to log or log10 data), otherwise the exact
 *   sample estimator from `paths` (default 1000) sample paths drawn with `createRng(seed)`
 *   ({@link crpsSample}); each result says which in `crpsMethod`,
 * - empirical coverage of the central 80% and 95% prediction intervals.
 *
 * With a log/log10 transform the models see the transformed series and their forecasts are
 * mapped back before scoring: Gaussian quantiles transform exactly, the mean forecast is the
 * log-normal mean exp(μ + σ²/2) (on the natural-log scale), and sample paths are back-transformed
 * path by path. For sample-based scoring the mean forecast and the intervals (type-7 quantiles)
 * come from the same back-transformed paths as the CRPS.
 */
import { ArgumentError, DataError } from './core/errors.js';
import { GaussianForecast, SampleForecast } from './core/forecast.js';
import type { Forecaster } from './core/model.js';
import { createRng } from './core/rng.js';
import { applyTransform, type Transform } from './core/series.js';
import { crpsGaussian, crpsLogNormal, intervalCoverage, mase, maseScale, meanCrpsSample, smape } from './core/metrics.js';
import { findModel, modelNames as registeredNames } from './registry.js';
import { parseOptions, type SeriesModelEntry } from './core/model-entry.js';

/** How the CRPS of a result was computed. */
export type CrpsMethod = 'gaussian' | 'lognormal' | 'sample';

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Registered model names (see `MODELS`), in the order of the results. */
  models: readonly string[];
  /** Number of final points held out and forecast (1 ≤ horizon < series length). */
  horizon: number;
  /**
   * Seasonal period m: the MASE scaling period, and the period given to seasonal-naive,
   * auto-arima, arima and lstm/gru. Default 1.
   */
  seasonalPeriod?: number;
  /** Seed of the sample paths (and, when given, of the models that take one). Default 0. */
  seed?: number;
  /** Training epochs for the neural models (lstm, gru) when given. */
  epochs?: number;
  /** Context length of the neural models (lstm, gru) when given. */
  context?: number;
  /** Transform applied before fitting; scores are on the original scale. Default 'none'. */
  transform?: Transform;
  /** Sample paths for sample-based scoring. Default 1000. */
  paths?: number;
  /** 'auto': closed-form CRPS and intervals for Gaussian forecasts, samples otherwise; 'sample': samples for every model. Default 'auto'. */
  scoring?: 'auto' | 'sample';
  /** Options per model name merged over {@link backtestModelOptions}. */
  modelOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Called after each model is scored, in order (for progress reports). */
  onModel?: (info: BacktestProgress) => void;
}

/** What {@link BacktestOptions.onModel} is told after each model. */
export interface BacktestProgress {
  model: string;
  /** Models scored so far (1-based). */
  done: number;
  total: number;
  /** Wall time of this model, seconds. */
  seconds: number;
}

/** The scores of one model. */
export interface BacktestResult {
  model: string;
  /** Mean absolute scaled error of the mean forecast. */
  mase: number;
  /** sMAPE (M4) of the mean forecast, per cent. */
  smape: number;
  /** CRPS averaged over the held-out steps (data units). */
  crps: number;
  /** Share of held-out points inside the 80% interval. */
  coverage80: number;
  /** Share of held-out points inside the 95% interval. */
  coverage95: number;
  crpsMethod: CrpsMethod;
  /** Wall time of fit, forecast and scoring, seconds. */
  seconds: number;
  /** Mean forecast on the original scale. */
  mean: Float64Array;
  lower80: Float64Array;
  upper80: Float64Array;
  lower95: Float64Array;
  upper95: Float64Array;
  /** The options the model was fitted with. */
  options: Record<string, unknown>;
}

/** A backtest: the split, the held-out values and one result per model. */
export interface Backtest {
  horizon: number;
  seasonalPeriod: number;
  transform: Transform;
  /** Length of the training part (series length − horizon). */
  trainLength: number;
  /** The held-out values (original scale). */
  actual: Float64Array;
  /** In-sample seasonal naive MAE of the training part (the MASE denominator). */
  maseScale: number;
  results: BacktestResult[];
}

/** Names of the registered models of one series (those the univariate backtest takes). */
export function modelNames(): string[] {
  return registeredNames('series');
}

function findEntry(name: string): SeriesModelEntry {
  const entry = findModel(name, 'models');
  if (entry.shape !== 'series') {
    throw new ArgumentError(`model '${name}' fits ${entry.shape === 'multiseries' ? 'several series' : 'a regression table'}; the backtest of one series takes ${modelNames().join(', ')}`, 'models');
  }
  return entry;
}

/**
 * The options a backtest fits a model with: its registry entry's `backtestOptions` for the
 * seasonal period, seed and epochs (seasonal-naive and auto-arima get the period; arima the
 * airline orders (0,1,1)(0,1,1)_m, or (0,1,1) without a season; lstm and gru the period, epochs
 * and seed when given; bayes-ar, lstar and nar order 2 and the seed when given), else its example's options.
 */
export function backtestModelOptions(name: string, settings: { seasonalPeriod?: number; epochs?: number; seed?: number; context?: number } = {}): Record<string, unknown> {
  const entry = findEntry(name);
  const s = { seasonalPeriod: settings.seasonalPeriod ?? 1, epochs: settings.epochs, seed: settings.seed, context: settings.context };
  return { ...((entry.backtestOptions?.(s) ?? entry.example.options) as Record<string, unknown>) };
}

function inverse(transform: Transform): (v: number) => number {
  return transform === 'log' ? Math.exp : transform === 'log10' ? (v: number) => 10 ** v : (v: number) => v;
}

interface Scored {
  mean: Float64Array;
  lower80: Float64Array; upper80: Float64Array;
  lower95: Float64Array; upper95: Float64Array;
  crps: number;
  crpsMethod: CrpsMethod;
}

/** Closed-form scoring of a Gaussian forecast on the (transformed) model scale. */
function scoreGaussian(fc: GaussianForecast, actual: Float64Array, transform: Transform): Scored {
  const mu = fc.mean(), se = fc.se, h = actual.length;
  const inv = inverse(transform);
  const i80 = fc.interval(80), i95 = fc.interval(95);
  const c = transform === 'log10' ? Math.LN10 : 1; // log10 scale → natural-log scale
  const mean = new Float64Array(h);
  let s = 0, k = 0;
  for (let i = 0; i < h; i++) {
    const y = actual[i];
    if (transform === 'none') mean[i] = mu[i];
    else mean[i] = Math.exp(c * mu[i] + 0.5 * (c * se[i]) ** 2);
    if (Number.isNaN(y)) continue;
    s += transform === 'none' ? crpsGaussian(mu[i], se[i], y) : crpsLogNormal(c * mu[i], c * se[i], y);
    k++;
  }
  if (k === 0) throw new DataError('every held-out value is missing; nothing to score', 'horizon');
  return {
    mean,
    lower80: i80.lower.map(inv), upper80: i80.upper.map(inv),
    lower95: i95.lower.map(inv), upper95: i95.upper.map(inv),
    crps: s / k,
    crpsMethod: transform === 'none' ? 'gaussian' : 'lognormal',
  };
}

/** Sample-based scoring from back-transformed paths. */
function scoreSamples(paths: Float64Array[], actual: Float64Array, transform: Transform): Scored {
  const inv = inverse(transform);
  const back = transform === 'none' ? paths : paths.map((p) => p.map(inv));
  const sf = new SampleForecast(back);
  const i80 = sf.interval(80), i95 = sf.interval(95);
  return {
    mean: sf.mean(),
    lower80: i80.lower, upper80: i80.upper, lower95: i95.lower, upper95: i95.upper,
    crps: meanCrpsSample(back, actual),
    crpsMethod: 'sample',
  };
}

/**
 * Runs the hold-out backtest of `options.models` on `y` (original scale; NaN = missing). See the
 * module notes for the scores. Unknown model names and impossible horizons throw an
 * {@link ArgumentError} before any model is fitted.
 */
export async function backtest(y: ArrayLike<number>, options: BacktestOptions): Promise<Backtest> {
  if (!y || typeof y.length !== 'number') throw new DataError('y must be an array of numbers', 'y');
  const n = y.length;
  const H = options.horizon;
  if (typeof H !== 'number' || !Number.isInteger(H) || H < 1) throw new ArgumentError(`horizon must be a positive integer; got ${String(H)}`, 'horizon');
  if (H >= n) throw new ArgumentError(`horizon must be smaller than the series length (${n}) to leave data to fit on; got ${H}`, 'horizon');
  const m = options.seasonalPeriod ?? 1;
  if (!Number.isInteger(m) || m < 1) throw new ArgumentError(`seasonalPeriod must be a positive integer; got ${m}`, 'seasonalPeriod');
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${seed}`, 'seed');
  const paths = options.paths ?? 1000;
  if (!Number.isInteger(paths) || paths < 1) throw new ArgumentError(`paths must be a positive integer; got ${paths}`, 'paths');
  const scoring = options.scoring ?? 'auto';
  if (scoring !== 'auto' && scoring !== 'sample') throw new ArgumentError(`scoring must be 'auto' or 'sample'; got '${String(scoring)}'`, 'scoring');
  const transform = options.transform ?? 'none';
  if (!options.models || !options.models.length) throw new ArgumentError(`name at least one model; known models: ${modelNames().join(', ')}`, 'models');
  const entries = options.models.map(findEntry);
  if (options.onModel !== undefined && typeof options.onModel !== 'function') throw new ArgumentError('onModel must be a function ({ model, done, total, seconds }) => void', 'onModel');

  const data = Float64Array.from(y);
  const train = data.slice(0, n - H);
  const actual = data.slice(n - H);
  if (actual.every((v) => Number.isNaN(v))) throw new DataError('every held-out value is missing; nothing to score', 'horizon');
  const scale = maseScale(train, m);
  // the whole series is transformed so that a non-positive held-out value is reported too
  const trainModel = applyTransform(data, transform).slice(0, n - H);

  const results: BacktestResult[] = [];
  for (const entry of entries) {
    const fitOptions = {
      ...backtestModelOptions(entry.name, { seasonalPeriod: m, epochs: options.epochs, seed: options.seed, context: options.context }),
      ...(options.modelOptions?.[entry.name] ?? {}),
    };
    const checked = parseOptions(entry, fitOptions);
    await entry.prepare?.();
    const t0 = performance.now();
    const fit: Forecaster = entry.fit(trainModel, checked);
    const fc = fit.forecast(H);
    const scored = scoring === 'auto' && fc instanceof GaussianForecast
      ? scoreGaussian(fc, actual, transform)
      : scoreSamples(fit.sample(H, { paths, rng: createRng(seed) }), actual, transform);
    const result: BacktestResult = {
      model: entry.name,
      mase: mase(actual, scored.mean, train, m),
      smape: smape(actual, scored.mean),
      crps: scored.crps,
      coverage80: intervalCoverage(actual, scored.lower80, scored.upper80),
      coverage95: intervalCoverage(actual, scored.lower95, scored.upper95),
      crpsMethod: scored.crpsMethod,
      seconds: 0,
      mean: scored.mean,
      lower80: scored.lower80, upper80: scored.upper80,
      lower95: scored.lower95, upper95: scored.upper95,
      options: fitOptions,
    };
    result.seconds = (performance.now() - t0) / 1000;
    results.push(result);
    options.onModel?.({ model: entry.name, done: results.length, total: entries.length, seconds: result.seconds });
  }
  return { horizon: H, seasonalPeriod: m, transform, trainLength: n - H, actual, maseScale: scale, results };
}

const CRPS_LABEL: Record<CrpsMethod, string> = {
  gaussian: 'closed form (Gaussian)',
  lognormal: 'closed form (log-normal)',
  sample: 'sample paths',
};

/** The backtest as an aligned text table, with a header line describing the split. */
export function formatBacktestTable(bt: Backtest, options: { paths?: number; seed?: number } = {}): string {
  const f = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const header = ['model', 'MASE', 'sMAPE', 'CRPS', 'cover80', 'cover95', 'seconds', 'CRPS by'];
  const rows = bt.results.map((r) => [
    r.model, f(r.mase, 3), f(r.smape, 3), f(r.crps, 4), f(r.coverage80, 3), f(r.coverage95, 3), f(r.seconds, 2),
    r.crpsMethod === 'sample' ? `${CRPS_LABEL.sample} (${options.paths ?? 1000}, seed ${options.seed ?? 0})` : CRPS_LABEL[r.crpsMethod],
  ]);
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 || j === cells.length - 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ').trimEnd();
  const n = bt.trainLength + bt.horizon;
  const intro = `Backtest: last ${bt.horizon} of ${n} points held out, models fitted on ${bt.trainLength}; seasonal period ${bt.seasonalPeriod}` +
    (bt.transform === 'none' ? '' : `; fitted on the ${bt.transform} scale, scored on the original scale`) +
    `\nMASE and sMAPE (%) of the mean forecast; MASE scale (in-sample ${bt.seasonalPeriod > 1 ? 'seasonal ' : ''}naive MAE) ${bt.maseScale.toPrecision(6)}; coverage of the 80% and 95% intervals`;
  return [intro, '', line(header), ...rows.map(line)].join('\n');
}
