/**
 * Filling the gaps of a series (missing values: NaN or null).
 *
 * - {@link imputeKalman}: fits a (S)ARIMA model by exact maximum likelihood on the series with its
 *   gaps (the Kalman filter skips them), then fills each gap with the smoothed value
 *   E[y_t | all observed values] from the fixed-interval smoother ({@link FittedARIMA.smooth}),
 *   with Gaussian intervals from the smoothed variance. The orders are given or chosen by
 *   {@link fitAutoARIMA}.
 * - {@link imputeLinear}: straight lines between the observed neighbours of each gap.
 *
 * @example
 * const y = [112, 118, NaN, 129, 121, NaN, NaN, 148, 148, 136, 119, 104, 118, 115, 126];
 * imputeLinear(y).filled;                      // 123.5 at index 2, …
 * const k = imputeKalman(y, { order: [1, 1, 0] });
 * k.filled; k.intervals[0];                    // 90% interval: { level: 90, lower, upper }
 * k.quantile(0.05); k.fit.summary();
 */
import { ArgumentError, ConvergenceError, DataError } from '../core/errors.js';
import { checkLevel } from '../core/forecast.js';
import { normalQuantile } from '../core/distributions.js';
import { fitARIMA, type FittedARIMA, type SeasonalOrder, type Trend } from './arima.js';
import { fitAutoARIMA } from './auto-arima.js';

/** Options of {@link imputeKalman}. */
export interface ImputeKalmanOptions {
  /** ARIMA order (p, d, q). Without it the orders are chosen automatically (`auto`). */
  order?: readonly [number, number, number];
  /** Seasonal order (P, D, Q) with `period`, or {order, period} as {@link fitARIMA} takes it. Needs `order`. */
  seasonal?: readonly [number, number, number] | SeasonalOrder;
  /** Seasonal period: of `seasonal`, or the period auto-ARIMA considers. Default 1 (none). */
  period?: number;
  /** Deterministic terms with a given `order` ({@link fitARIMA}'s `trend`); auto-ARIMA chooses its own. */
  trend?: Trend;
  /** Choose the orders with {@link fitAutoARIMA}. Default: true when `order` is not given. */
  auto?: boolean;
  /** Central interval levels in per cent. Default [90] (the 5% and 95% quantiles). */
  level?: number | readonly number[];
}

/** A central interval around the filled values (degenerate, lower = upper = y, where observed). */
export interface ImputeInterval {
  level: number;
  lower: Float64Array;
  upper: Float64Array;
}

/** What every imputation returns. */
export interface Imputation {
  /** The series with every gap filled; observed values unchanged. */
  filled: Float64Array;
  /** 0-based indices of the gaps that were filled. */
  missing: Int32Array;
}

/** The result of {@link imputeKalman}. */
export interface KalmanImputation extends Imputation {
  /** E[y_t | observed values] for every t: y_t where observed, the smoothed value in the gaps. */
  mean: Float64Array;
  /** Its standard deviation: 0 where observed (model parameters held at their estimates). */
  sd: Float64Array;
  /** Gaussian intervals mean ± z·sd at each requested level. */
  intervals: ImputeInterval[];
  /** The Gaussian quantile at probability p ∈ (0, 1) for every t (y_t where observed). */
  quantile(p: number): Float64Array;
  /** The fitted model whose smoother filled the gaps. */
  fit: FittedARIMA;
}

/** Minimum observed values: a straight line needs two points; a model needs a little more. */
const MIN_OBSERVED_LINEAR = 2;
const MIN_OBSERVED_KALMAN = 3;

/**
 * Validates a series with gaps at the API boundary: an array of numbers where NaN or null marks a
 * gap; ±Infinity and non-numbers are errors. Returns the values and the gap positions.
 */
function seriesWithGaps(y: ArrayLike<number | null> | undefined, minObserved: number, what: string): { y: Float64Array; missing: Int32Array } {
  if (y === null || y === undefined || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new ArgumentError(`y must be an array of numbers (NaN or null for the gaps); got ${y === null ? 'null' : typeof y}`, 'y');
  }
  const n = y.length;
  if (n === 0) throw new DataError('y is empty; give the series with NaN (or null) at the gaps', 'y');
  const out = new Float64Array(n);
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      out[i] = NaN;
      missing.push(i);
      continue;
    }
    if (typeof v !== 'number') throw new DataError(`y[${i}] is ${JSON.stringify(v)}, not a number; give numbers, with NaN or null at the gaps`, 'y');
    if (!Number.isFinite(v)) throw new DataError(`y[${i}] is ${v}; values must be finite: mark a gap with NaN (or null), or correct the value`, 'y');
    out[i] = v;
  }
  const nObs = n - missing.length;
  if (nObs === 0) throw new DataError(`y has no observed values (all ${n} are missing); there is nothing to fill the gaps from`, 'y');
  if (nObs < minObserved) {
    throw new DataError(`y has ${nObs} observed value${nObs === 1 ? '' : 's'}; ${what} needs at least ${minObserved}: give a longer series or fewer gaps`, 'y');
  }
  return { y: out, missing: Int32Array.from(missing) };
}

/** Fills NaN by linear interpolation between observed neighbours, leading/trailing gaps by the nearest observed value. In place. */
function linearFill(x: Float64Array): Float64Array {
  const n = x.length;
  let prev = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && Number.isNaN(x[i])) continue;
    // x[prev] and x[i] observed (prev = −1: none before; i = n: none after); fill prev+1 … i−1.
    for (let k = prev + 1; k < i; k++) {
      if (prev < 0) x[k] = x[i];
      else if (i === n) x[k] = x[prev];
      else x[k] = x[prev] + ((x[i] - x[prev]) * (k - prev)) / (i - prev);
    }
    prev = i;
  }
  return x;
}

/**
 * Linear interpolation: each gap is filled on the straight line between its observed neighbours;
 * gaps before the first or after the last observation take the nearest observed value (constant
 * extrapolation, as R's `approx(rule = 2)`). Needs at least two observed values.
 */
export function imputeLinear(y: ArrayLike<number | null>): Imputation {
  const { y: x, missing } = seriesWithGaps(y, MIN_OBSERVED_LINEAR, 'linear interpolation');
  return { filled: linearFill(x), missing };
}

function seasonalOf(options: ImputeKalmanOptions): SeasonalOrder | undefined {
  const s = options.seasonal;
  if (s === undefined) return undefined;
  if (Array.isArray(s)) {
    const period = options.period;
    if (period === undefined) throw new ArgumentError('seasonal needs period (the number of observations per season), e.g. { seasonal: [0, 1, 1], period: 12 }', 'period');
    return { order: [s[0], s[1], s[2]], period };
  }
  const so = s as SeasonalOrder;
  if (options.period !== undefined && options.period !== so.period) {
    throw new ArgumentError(`period ${options.period} contradicts seasonal.period ${so.period}; give one`, 'period');
  }
  return so;
}

/**
 * Fills the gaps of `y` with the Kalman smoother of a (S)ARIMA model fitted to it. With `order`,
 * {@link fitARIMA} fits that model; otherwise {@link fitAutoARIMA} chooses the orders on the series
 * with its gaps (its differencing tests handle them as R's `auto.arima` does) and the search and
 * the final fit use the exact likelihood of the data with gaps. Gaps before the first or after
 * the last observation are back- or forecast by the same smoother (wider intervals). The
 * intervals hold the ARIMA parameters at their estimates (no parameter uncertainty).
 */
export function imputeKalman(y: ArrayLike<number | null>, options: ImputeKalmanOptions = {}): KalmanImputation {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options must be an object such as { order: [1, 1, 1] }', 'options');
  const { y: x, missing } = seriesWithGaps(y, MIN_OBSERVED_KALMAN, 'Kalman imputation');
  const levels = (options.level === undefined ? [90] : typeof options.level === 'number' ? [options.level] : Array.from(options.level));
  if (levels.length === 0) throw new ArgumentError('level must name at least one interval level in per cent, e.g. [90]', 'level');
  levels.forEach((l) => checkLevel(l, 'level'));
  const auto = options.auto ?? options.order === undefined;
  if (auto && options.order !== undefined) throw new ArgumentError('give either order or auto: true, not both', 'auto');
  if (!auto && options.order === undefined) throw new ArgumentError('auto: false needs an order, e.g. { order: [1, 1, 1] }', 'order');
  const observed = x.filter((v) => !Number.isNaN(v));
  if (observed.every((v) => v === observed[0])) {
    throw new DataError(`y is constant (${observed[0]}) where observed; no model can be fitted: fill the gaps with that value or use imputeLinear`, 'y');
  }
  let fit: FittedARIMA;
  if (auto) {
    if (options.seasonal !== undefined) throw new ArgumentError('seasonal orders are chosen by auto-ARIMA; give period alone, or order with seasonal', 'seasonal');
    if (options.trend !== undefined) throw new ArgumentError('auto-ARIMA chooses the deterministic terms itself; give trend with an order', 'trend');
    const period = options.period ?? 1;
    if (!Number.isInteger(period) || period < 1) throw new ArgumentError(`period must be a positive integer (1 = non-seasonal); got ${period}`, 'period');
    fit = fitAutoARIMA(x, { period });
  } else {
    fit = fitARIMA(x, { order: options.order!, seasonal: seasonalOf(options), trend: options.trend });
  }
  const s = fit.smooth({ stateCov: false });
  for (const t of missing) {
    if (!Number.isFinite(s.mean[t]) || !(s.variance[t] > 0 && Number.isFinite(s.variance[t]))) {
      throw new ConvergenceError(`the smoother of the fitted ARIMA(${fit.order.join(',')}) model gives no finite value or variance at index ${t}; give another order or use imputeLinear`, 'y');
    }
  }
  const mean = s.mean;
  const sd = s.variance.map(Math.sqrt);
  const quantile = (p: number): Float64Array => {
    if (!(typeof p === 'number' && p > 0 && p < 1)) throw new ArgumentError(`quantile probability must lie in (0, 1); got ${p}`, 'p');
    const z = normalQuantile(p);
    return mean.map((m, t) => m + z * sd[t]);
  };
  const intervals = levels.map((level) => {
    const a = (1 - level / 100) / 2;
    return { level, lower: quantile(a), upper: quantile(1 - a) };
  });
  return { filled: mean.slice(), missing, mean, sd, intervals, quantile, fit };
}
