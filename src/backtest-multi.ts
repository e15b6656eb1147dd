/**
 * Backtest of several series (rolling origin, the protocol of GluonTS' multivariate evaluation as
 * used for TimeGrad): W non-overlapping test windows of H rows at the end of the data, window k
 * starting at row n − H·(W − k) (k = 0..W−1). Each model is fitted once, on the rows before the
 * first window; every window is then forecast from all actual rows before it (the fitted model
 * applied to the longer history with its `apply`, no refit). Models of several series forecast
 * the columns jointly; a model of one series is fitted to each column on its own (independent
 * columns). Every model is scored from `paths` joint sample paths per window (seeded) by
 *
 * - CRPS-sum: the mean weighted quantile loss (19 levels) of the sum over the D series
 *   ({@link weightedQuantileLoss}; GluonTS' `m_sum_mean_wQuantileLoss`),
 * - wQL: the mean weighted quantile loss of each series, averaged over the series,
 * - energy score of the h × D window ({@link energyScore}), averaged over windows,
 * - coverage of the marginal central 80% and 90% intervals (type-7 quantiles of the paths),
 *
 * on the scale the models see (after any transform of the columns). Scores of all windows are
 * pooled: quantile losses and |targets| are summed over windows before dividing.
 */
import { ArgumentError, DataError } from './core/errors.js';
import { createRng } from './core/rng.js';
import { parseOptions, type MultiSeriesData, type ModelEntry, type BacktestSettings } from './core/model-entry.js';
import { CRPS_QUANTILES, energyScore, quantileLoss } from './core/metrics.js';
import { quantileSorted } from './core/forecast.js';
import { findModel, modelNames } from './registry.js';
import type { BacktestProgress } from './backtest.js';

/** Options of {@link backtestMulti}. */
export interface MultiBacktestOptions {
  /** Registered models: of several series, or of one series (fitted to each column). */
  models: readonly string[];
  /** Rows of each test window (forecast horizon). */
  horizon: number;
  /** Number of test windows at the end of the data. Default 1. */
  windows?: number;
  /** Joint sample paths per window. Default 100. */
  paths?: number;
  /** Seed of the sample paths (and of the models that take one, when given). Default 0. */
  seed?: number;
  /** Seasonal period of the data (for seasonal models). Default 1. */
  seasonalPeriod?: number;
  /** Training epochs of the neural models, when given. */
  epochs?: number;
  /** Context length (conditioning range) of the neural models, when given (default: each model's own). */
  context?: number;
  /** Options per model name merged over the entry's backtest options. */
  modelOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Called after each model is scored, in order (for progress reports). */
  onModel?: (info: BacktestProgress) => void;
}

/** The scores of one model. */
export interface MultiBacktestResult {
  model: string;
  crpsSum: number;
  wql: number;
  energy: number;
  coverage80: number;
  coverage90: number;
  /** Wall time of fitting (the one fit, or the per-column fits), seconds. */
  fitSeconds: number;
  /** Wall time of forecasting and scoring every window, seconds. */
  forecastSeconds: number;
  options: Record<string, unknown>;
}

export interface MultiBacktest {
  horizon: number;
  windows: number;
  /** First row of each test window. */
  origins: number[];
  names: string[];
  results: MultiBacktestResult[];
}

/** A model fitted for the backtest: joint sample paths from a history. */
interface Fitted {
  samples(history: MultiSeriesData, h: number, paths: number, seed: number): Float64Array[][];
  dispose(): void;
}

function sliceRows(data: MultiSeriesData, end: number): MultiSeriesData {
  return { names: data.names, columns: data.columns.map((c) => c.slice(0, end)) };
}

/** What both shapes of fitted model share here. */
interface Sampler<D> {
  sample(h: number, options: { paths: number; rng: ReturnType<typeof createRng> }): Float64Array[] | Float64Array[][];
  apply?(data: D): Sampler<D>;
  dispose?(): void;
}

/**
 * Paths of `fit` applied to `history` (the fit itself for the training history): a model without
 * `apply` cannot be moved to a later window without refitting, which this protocol does not do.
 * An applied copy is disposed after sampling (neural models hold weights).
 */
function samplesFrom<D, P>(fit: Sampler<D>, history: D, atTrainEnd: boolean, model: string, draw: (m: Sampler<D>) => P): P {
  if (atTrainEnd) return draw(fit);
  if (typeof fit.apply !== 'function') {
    throw new ArgumentError(`model '${model}' cannot be applied to a longer history without refitting; use one window (windows = 1)`, 'windows');
  }
  const moved = fit.apply(history);
  try {
    return draw(moved);
  } finally {
    if (moved !== fit) moved.dispose?.();
  }
}

/** Fits one entry on the training rows (jointly, or column by column); returns a sampler of joint paths. */
function fitFor(entry: ModelEntry, train: MultiSeriesData, options: unknown): { fitted: Fitted; seconds: number } {
  if (entry.shape !== 'multiseries' && entry.shape !== 'series') {
    throw new ArgumentError(`model '${entry.name}' fits a regression table; a backtest of series takes ${[...modelNames('multiseries'), ...modelNames('series')].join(', ')}`, 'models');
  }
  const t0 = performance.now();
  const trainEnd = train.columns[0].length;
  const joint = entry.shape === 'multiseries' ? entry.fit(train, options) as unknown as Sampler<MultiSeriesData> : undefined;
  const perColumn = entry.shape === 'series' ? train.columns.map((col) => entry.fit(col, options) as unknown as Sampler<ArrayLike<number>>) : [];
  const seconds = (performance.now() - t0) / 1000;
  const all: Sampler<never>[] = joint ? [joint as Sampler<never>] : perColumn as Sampler<never>[];
  return {
    seconds,
    fitted: {
      samples: (history, h, paths, seed) => {
        const atEnd = history.columns[0].length === trainEnd;
        if (joint) return samplesFrom(joint, history, atEnd, entry.name, (m) => m.sample(h, { paths, rng: createRng(seed) }) as Float64Array[][]);
        // Columns are independent: each column's model draws its own paths (seed + column).
        const per = perColumn.map((f, j) => samplesFrom(f, history.columns[j], atEnd, entry.name, (m) => m.sample(h, { paths, rng: createRng(seed + j) }) as Float64Array[]));
        return Array.from({ length: paths }, (_, i) => Array.from({ length: h }, (_, s) => Float64Array.from(per, (p) => p[i][s])));
      },
      dispose: () => all.forEach((f) => f.dispose?.()),
    },
  };
}

/**
 * Runs the backtest (see the module notes). Model names, horizon, windows and paths are checked
 * before any model is fitted; every error is an {@link ArgumentError} or {@link DataError} naming
 * the option.
 */
export async function backtestMulti(data: MultiSeriesData, options: MultiBacktestOptions): Promise<MultiBacktest> {
  if (!data || !Array.isArray(data.names) || !Array.isArray(data.columns) || data.names.length !== data.columns.length) {
    throw new DataError('data must be { names, columns } with one column per name', 'data');
  }
  const D = data.names.length;
  if (D < 1) throw new DataError('data has no series (D = 0); give at least one column', 'data');
  const n = data.columns[0].length;
  if (data.columns.some((c) => c.length !== n)) throw new DataError('every column must have the same length', 'data');
  const H = options.horizon, W = options.windows ?? 1;
  if (!Number.isInteger(H) || H < 1) throw new ArgumentError(`horizon must be a positive integer; got ${String(H)}`, 'horizon');
  if (!Number.isInteger(W) || W < 1) throw new ArgumentError(`windows must be a positive integer; got ${String(W)}`, 'windows');
  if (H * W >= n) throw new ArgumentError(`${W} window(s) of ${H} rows need more than ${H * W} rows to leave data to fit on; the data has ${n}`, 'windows');
  const paths = options.paths ?? 100;
  if (!Number.isInteger(paths) || paths < 2) throw new ArgumentError(`paths must be an integer ≥ 2; got ${String(paths)}`, 'paths');
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${seed}`, 'seed');
  const m = options.seasonalPeriod ?? 1;
  if (!Number.isInteger(m) || m < 1) throw new ArgumentError(`seasonalPeriod must be a positive integer; got ${m}`, 'seasonalPeriod');
  if (!options.models?.length) throw new ArgumentError(`name at least one model; known models: ${[...modelNames('multiseries'), ...modelNames('series')].join(', ')}`, 'models');
  const entries = options.models.map((name) => {
    const e = findModel(name, 'models');
    if (e.shape !== 'multiseries' && e.shape !== 'series') throw new ArgumentError(`model '${name}' fits a regression table, not series`, 'models');
    return { entry: e, name };
  });
  if (options.onModel !== undefined && typeof options.onModel !== 'function') throw new ArgumentError('onModel must be a function ({ model, done, total, seconds }) => void', 'onModel');
  const origins = Array.from({ length: W }, (_, k) => n - H * (W - k));
  const train = sliceRows(data, origins[0]);
  if (options.context !== undefined && !(Number.isInteger(options.context) && options.context >= 1)) throw new ArgumentError(`context must be a positive integer; got ${String(options.context)}`, 'context');
  const settings: BacktestSettings = { seasonalPeriod: m, seed: options.seed, epochs: options.epochs, context: options.context };

  const results: MultiBacktestResult[] = [];
  for (const { entry, name } of entries) {
    const opts = {
      ...entryBacktestOptions(entry, settings),
      ...(options.modelOptions?.[name] ?? options.modelOptions?.[entry.name] ?? {}),
    };
    const checked = parseOptions(entry, opts);
    await entry.prepare?.();
    const { fitted, seconds } = fitFor(entry, train, checked);
    const t0 = performance.now();
    try {
      const actual: Float64Array[][] = [], draws: Float64Array[][][] = [];
      for (let k = 0; k < W; k++) {
        actual.push(Array.from({ length: H }, (_, s) => Float64Array.from(data.columns, (c) => c[origins[k] + s])));
        draws.push(fitted.samples(sliceRows(data, origins[k]), H, paths, seed + 7919 * k));
      }
      results.push({ model: name, ...scoreWindows(actual, draws), fitSeconds: seconds, forecastSeconds: (performance.now() - t0) / 1000, options: opts });
      options.onModel?.({ model: name, done: results.length, total: entries.length, seconds: seconds + (performance.now() - t0) / 1000 });
    } finally {
      fitted.dispose();
    }
  }
  return { horizon: H, windows: W, origins, names: data.names.slice(), results };
}

/** The scores of sample paths against the actual values of the test windows (see the module notes). */
export interface WindowScores {
  crpsSum: number;
  wql: number;
  energy: number;
  coverage80: number;
  coverage90: number;
}

/**
 * Scores joint sample paths of W windows: `actual[k]` holds window k's rows [H][D], `draws[k]` its
 * paths [paths][H][D]. Quantile losses and |targets| are pooled over the windows before dividing;
 * the energy score is averaged over windows. Used by {@link backtestMulti}, and by anything that
 * must score paths from elsewhere (another implementation's) exactly the same way.
 */
/** The options a model's entry gives for a backtest (its `backtestOptions`, else its example's). */
function entryBacktestOptions(entry: ModelEntry, settings: BacktestSettings): Record<string, unknown> {
  return { ...((entry.backtestOptions?.(settings) ?? entry.example.options) as Record<string, unknown>) };
}

/**
 * The options {@link backtestMulti} fits a model of several series (or of one series, per column)
 * with, for the seasonal period, seed, epochs and context given: what the studio and scripts use
 * to fit the same model outside a backtest.
 */
export function multiBacktestModelOptions(name: string, settings: { seasonalPeriod?: number; epochs?: number; seed?: number; context?: number } = {}): Record<string, unknown> {
  const entry = findModel(name, 'models');
  if (entry.shape !== 'multiseries' && entry.shape !== 'series') throw new ArgumentError(`model '${name}' fits a regression table, not series`, 'models');
  return entryBacktestOptions(entry, { seasonalPeriod: settings.seasonalPeriod ?? 1, epochs: settings.epochs, seed: settings.seed, context: settings.context });
}

export function scoreWindows(actual: readonly (readonly Float64Array[])[], draws: readonly (readonly Float64Array[][])[]): WindowScores {
  const W = actual.length;
  if (W < 1 || draws.length !== W) throw new ArgumentError(`scoreWindows needs the same number (≥ 1) of actual windows and path sets; got ${W} and ${draws.length}`, 'draws');
  const H = actual[0].length, D = actual[0][0]?.length ?? 0;
  const qlSum = new Float64Array(CRPS_QUANTILES.length), qlCol = Array.from({ length: D }, () => new Float64Array(CRPS_QUANTILES.length));
  let absSum = 0;
  const absCol = new Float64Array(D);
  let energy = 0, in80 = 0, in90 = 0, count = 0;
  for (let k = 0; k < W; k++) {
    const rows = actual[k], paths = draws[k];
    if (rows.length !== H || paths.some((p) => p.length !== H || p.some((r) => r.length !== D))) {
      throw new ArgumentError(`window ${k + 1}: paths must be [paths][${H}][${D}] like the actual rows`, 'draws');
    }
    // 1. CRPS-sum: quantiles of Σ_j x_sj against Σ_j y_sj.
    const ySum = rows.map((r) => r.reduce((a, b) => a + b, 0));
    const sums = Array.from({ length: H }, (_, s) => Float64Array.from(paths, (p) => p[s].reduce((a, b) => a + b, 0)).sort());
    CRPS_QUANTILES.forEach((tau, q) => { qlSum[q] += quantileLoss(ySum, sums.map((col) => quantileSorted(col, tau)), tau); });
    absSum += ySum.reduce((a, v) => a + Math.abs(v), 0);
    // 2. Per series: quantile losses and interval coverage.
    for (let j = 0; j < D; j++) {
      const yj = rows.map((r) => r[j]);
      const cols = Array.from({ length: H }, (_, s) => Float64Array.from(paths, (p) => p[s][j]).sort());
      CRPS_QUANTILES.forEach((tau, q) => { qlCol[j][q] += quantileLoss(yj, cols.map((col) => quantileSorted(col, tau)), tau); });
      absCol[j] += yj.reduce((a, v) => a + Math.abs(v), 0);
      cols.forEach((col, s) => {
        const y = yj[s];
        if (y >= quantileSorted(col, 0.1) && y <= quantileSorted(col, 0.9)) in80++;
        if (y >= quantileSorted(col, 0.05) && y <= quantileSorted(col, 0.95)) in90++;
        count++;
      });
    }
    // 3. Energy score of the window's h × D vector.
    energy += energyScore(paths.map((p) => concat(p)), concat(rows));
  }
  return {
    crpsSum: absSum > 0 ? mean(Array.from(qlSum, (v) => v / absSum)) : NaN,
    wql: mean(qlCol.map((ql, j) => (absCol[j] > 0 ? mean(Array.from(ql, (v) => v / absCol[j])) : NaN))),
    energy: energy / W,
    coverage80: in80 / count,
    coverage90: in90 / count,
  };
}

function concat(rows: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(rows.length * (rows[0]?.length ?? 0));
  rows.forEach((r, s) => out.set(r, s * r.length));
  return out;
}

function mean(a: readonly number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}

/** The multivariate backtest as an aligned text table with a header line describing the split. */
export function formatMultiBacktestTable(bt: MultiBacktest, options: { paths?: number; seed?: number } = {}): string {
  const f = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const header = ['model', 'CRPS-sum', 'wQL', 'energy', 'cover80', 'cover90', 'fit s'];
  const rows = bt.results.map((r) => [r.model, f(r.crpsSum, 4), f(r.wql, 4), f(r.energy, 4), f(r.coverage80, 3), f(r.coverage90, 3), f(r.fitSeconds, 2)]);
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ').trimEnd();
  const intro = `Backtest of ${bt.names.length} series (${bt.names.join(', ')}): ${bt.windows} window(s) of ${bt.horizon} rows from row ${bt.origins[0] + 1}; ` +
    `models fitted once on the rows before; ${options.paths ?? 100} sample paths per window, seed ${options.seed ?? 0}`;
  return [intro, '', line(header), ...rows.map(line)].join('\n');
}
