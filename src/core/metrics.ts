/**
 * Forecast-accuracy metrics for point and probabilistic forecasts.
 *
 * - MASE, the mean absolute scaled error of Hyndman & Koehler (2006), "Another look at measures
 *   of forecast accuracy", IJF 22(4): the mean absolute forecast error divided by the in-sample
 *   mean absolute error of the seasonal naive forecast, (1/(n−m)) Σ_{t=m+1..n} |y_t − y_{t−m}|,
 *   with seasonal period m (m = 1: the one-step naive forecast). This is R forecast's
 *   `accuracy()` scaling (seasonal differences for seasonal data).
 * - sMAPE as in the M4 competition (Makridakis, Spiliotis & Assimakopoulos 2020):
 *   (1/h) Σ 200·|y − ŷ| / (|y| + |ŷ|), in per cent (a step with y = ŷ = 0 counts 0).
 * - CRPS, the continuous ranked probability score (Gneiting & Raftery 2007, JASA 102(477), eq. 21):
 *   CRPS(F, y) = E|X − y| − ½ E|X − X′| with X, X′ independent draws from F. For a sample the
 *   exact score of its empirical distribution (denominator n², as scoringRules' `crps_sample`),
 *   computed in O(n log n) by sorting: Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i).
 *   Closed forms for the Gaussian (Gneiting et al. 2005) and the log-normal (Baran & Lerch 2015).
 * - Empirical coverage of prediction intervals.
 *
 * Missing actual values (NaN) are skipped by every metric; a metric with no usable step throws.
 */
import { ArgumentError, DataError } from './errors.js';
import { normalCdf, normalSf } from './distributions.js';

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, nameA: string, nameB: string): void {
  if (a.length !== b.length) throw new ArgumentError(`${nameA} and ${nameB} must have the same length; got ${a.length} and ${b.length}`, nameB);
}

function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new ArgumentError(`period must be a positive integer; got ${period}`, 'period');
}

/**
 * The MASE denominator: the in-sample mean absolute error of the seasonal naive forecast,
 * mean |y_t − y_{t−m}| over the pairs where both values are present.
 */
export function maseScale(train: ArrayLike<number>, period = 1): number {
  checkPeriod(period);
  let s = 0, k = 0;
  for (let t = period; t < train.length; t++) {
    const d = train[t] - train[t - period];
    if (Number.isNaN(d)) continue;
    s += Math.abs(d);
    k++;
  }
  if (k === 0) {
    throw new DataError(`MASE needs at least one pair of training values ${period} step(s) apart; the training part has ${train.length} values`, 'train');
  }
  const scale = s / k;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new DataError(`MASE is undefined: the in-sample ${period === 1 ? 'naive' : `seasonal naive (period ${period})`} errors of the training part are all zero`, 'train');
  }
  return scale;
}

/** Mean absolute error over the steps with a present actual value. */
function meanAbsError(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkSameLength(actual, forecast, 'actual', 'forecast');
  let s = 0, k = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    s += Math.abs(actual[i] - forecast[i]);
    k++;
  }
  if (k === 0) throw new DataError('every actual value is missing; nothing to score', 'actual');
  return s / k;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006) of a point forecast of the values that
 * follow `train`, scaled by the in-sample seasonal naive MAE with period `period` (1: naive).
 */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, train: ArrayLike<number>, period = 1): number {
  const scale = maseScale(train, period);
  return meanAbsError(actual, forecast) / scale;
}

/** Symmetric MAPE of the M4 competition, in per cent: mean of 200·|y − ŷ| / (|y| + |ŷ|). */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkSameLength(actual, forecast, 'actual', 'forecast');
  let s = 0, k = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i], f = forecast[i];
    if (Number.isNaN(y)) continue;
    const den = Math.abs(y) + Math.abs(f);
    s += den === 0 ? 0 : (200 * Math.abs(y - f)) / den;
    k++;
  }
  if (k === 0) throw new DataError('every actual value is missing; nothing to score', 'actual');
  return s / k;
}

function checkScale(v: number, name: string): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new ArgumentError(`${name} must be a finite number ≥ 0; got ${v}`, name);
}

/** CRPS of N(mu, sigma²) at y: σ [z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ; |y − μ| when σ = 0. */
export function crpsGaussian(mu: number, sigma: number, y: number): number {
  checkScale(sigma, 'sigma');
  if (sigma === 0) return Math.abs(y - mu);
  const z = (y - mu) / sigma;
  const pdf = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  // 2Φ(z) − 1 through the survival function keeps precision in both tails
  const twoCdfMinus1 = z >= 0 ? 1 - 2 * normalSf(z) : 2 * normalCdf(z) - 1;
  return sigma * (z * twoCdfMinus1 + 2 * pdf - INV_SQRT_PI);
}

/**
 * CRPS of the log-normal law logN(meanlog, sdlog²) at y (Baran & Lerch 2015, eq. 5): with
 * z = (log y − μ)/σ, y(2Φ(z) − 1) − 2e^{μ+σ²/2}[Φ(z − σ) + Φ(σ/√2) − 1]; for y ≤ 0 it is
 * E X − y − ½E|X − X′| = 2e^{μ+σ²/2}(1 − Φ(σ/√2)) − y.
 */
export function crpsLogNormal(meanlog: number, sdlog: number, y: number): number {
  checkScale(sdlog, 'sdlog');
  const ex = Math.exp(meanlog + 0.5 * sdlog * sdlog);
  if (sdlog === 0) return Math.abs(y - ex);
  const tail = normalSf(sdlog / Math.SQRT2); // 1 − Φ(σ/√2)
  if (!(y > 0)) return 2 * ex * tail - y;
  const z = (Math.log(y) - meanlog) / sdlog;
  const twoCdfMinus1 = z >= 0 ? 1 - 2 * normalSf(z) : 2 * normalCdf(z) - 1;
  return y * twoCdfMinus1 - 2 * ex * (normalCdf(z - sdlog) - tail);
}

/**
 * CRPS of the empirical distribution of `samples` at y, exactly E|X − y| − ½E|X − X′| with the
 * n² denominator, in O(n log n): the pair term from the sorted sample, Σ_{i<j}(x_(j) − x_(i)) =
 * Σ_i (2i − n − 1) x_(i) (1-based i).
 */
export function crpsSample(samples: ArrayLike<number>, y: number): number {
  const n = samples.length;
  if (n === 0) throw new ArgumentError('crpsSample needs at least one sample', 'samples');
  const x = Float64Array.from(samples);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new DataError(`sample ${i + 1} is ${x[i]}; the CRPS needs finite samples`, 'samples');
  }
  x.sort();
  return crpsSorted(x, y);
}

function crpsSorted(sorted: Float64Array, y: number): number {
  const n = sorted.length;
  let abs = 0, pair = 0;
  for (let i = 0; i < n; i++) {
    abs += Math.abs(sorted[i] - y);
    pair += (2 * i + 1 - n) * sorted[i];
  }
  return abs / n - pair / (n * n);
}

/**
 * Mean over steps of the sample CRPS, for sample paths `paths[i][h]` (paths × horizon) and the
 * actual values of the horizon; steps with a missing actual value are skipped.
 */
export function meanCrpsSample(paths: readonly ArrayLike<number>[], actual: ArrayLike<number>): number {
  if (!paths.length) throw new ArgumentError('meanCrpsSample needs at least one path', 'paths');
  for (const p of paths) checkSameLength(actual, p, 'actual', 'paths');
  let s = 0, k = 0;
  const col = new Float64Array(paths.length);
  for (let h = 0; h < actual.length; h++) {
    if (Number.isNaN(actual[h])) continue;
    for (let i = 0; i < paths.length; i++) col[i] = paths[i][h];
    s += crpsSample(col, actual[h]);
    k++;
  }
  if (k === 0) throw new DataError('every actual value is missing; nothing to score', 'actual');
  return s / k;
}

/**
 * Share of the present actual values that lie inside their prediction interval
 * (lower ≤ y ≤ upper): the empirical coverage, in [0, 1].
 */
export function intervalCoverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  checkSameLength(actual, lower, 'actual', 'lower');
  checkSameLength(actual, upper, 'actual', 'upper');
  let inside = 0, k = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    if (Number.isNaN(y)) continue;
    if (y >= lower[i] && y <= upper[i]) inside++;
    k++;
  }
  if (k === 0) throw new DataError('every actual value is missing; nothing to score', 'actual');
  return inside / k;
}

// ---------------------------------------------------------------------------------------------
// Multivariate probabilistic scores (GluonTS' conventions)

/** The 19 quantile levels 0.05, 0.10, …, 0.95 of GluonTS' CRPS approximation. */
export const CRPS_QUANTILES: readonly number[] = Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100);

/**
 * Quantile (pinball) loss of GluonTS: 2 Σ_t |(y_t − q̂_t)(1{y_t ≤ q̂_t} − τ)| over the steps
 * present (NaN actual values are skipped).
 */
export function quantileLoss(actual: ArrayLike<number>, quantile: ArrayLike<number>, tau: number): number {
  checkSameLength(actual, quantile, 'actual', 'quantile');
  if (!(tau > 0 && tau < 1)) throw new ArgumentError(`tau must lie in (0, 1); got ${tau}`, 'tau');
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    if (Number.isNaN(y)) continue;
    const q = quantile[i];
    s += Math.abs((y - q) * ((y <= q ? 1 : 0) - tau));
  }
  return 2 * s;
}

/**
 * Mean weighted quantile loss of sample paths `paths[i][t]` (one series): the quantile losses at
 * `levels` (default {@link CRPS_QUANTILES}) from the paths' type-7 quantiles, each divided by
 * Σ_t |y_t|, averaged over the levels — GluonTS' `mean_wQuantileLoss`, its CRPS approximation
 * (Gneiting & Raftery 2007: CRPS = 2 ∫ pinball loss dτ).
 */
export function weightedQuantileLoss(paths: readonly ArrayLike<number>[], actual: ArrayLike<number>, levels: readonly number[] = CRPS_QUANTILES): number {
  if (!paths.length) throw new ArgumentError('weightedQuantileLoss needs at least one sample path', 'paths');
  const h = actual.length;
  let denom = 0;
  for (let t = 0; t < h; t++) if (!Number.isNaN(actual[t])) denom += Math.abs(actual[t]);
  if (!(denom > 0)) throw new DataError('the weighted quantile loss divides by Σ|actual|, which is 0 (or every value is missing)', 'actual');
  const sorted = Array.from({ length: h }, (_, t) => Float64Array.from(paths, (p) => p[t]).sort());
  let total = 0;
  for (const tau of levels) {
    const q = sorted.map((col) => {
      const pos = (col.length - 1) * tau, lo = Math.floor(pos), hi = Math.min(col.length - 1, lo + 1);
      return col[lo] + (pos - lo) * (col[hi] - col[lo]);
    });
    total += quantileLoss(actual, q, tau) / denom;
  }
  return total / levels.length;
}

/**
 * Energy score (Gneiting & Raftery 2007, eq. 22) of joint sample paths `paths[i]` (each a vector
 * of the same length as `actual`): (1/n) Σ_i ‖x_i − y‖ − 1/(2n²) Σ_i Σ_j ‖x_i − x_j‖, the
 * multivariate CRPS (equal to {@link crpsSample} in one dimension). Entries with a NaN actual
 * value are left out of every norm.
 */
export function energyScore(paths: readonly ArrayLike<number>[], actual: ArrayLike<number>): number {
  const n = paths.length;
  if (!n) throw new ArgumentError('energyScore needs at least one sample path', 'paths');
  const keep: number[] = [];
  for (let k = 0; k < actual.length; k++) if (!Number.isNaN(actual[k])) keep.push(k);
  if (!keep.length) throw new DataError('every actual value is missing; nothing to score', 'actual');
  for (const p of paths) checkSameLength(actual, p, 'actual', 'paths');
  const dist = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let s = 0;
    for (const k of keep) s += (a[k] - b[k]) ** 2;
    return Math.sqrt(s);
  };
  let toY = 0, pairs = 0;
  for (let i = 0; i < n; i++) {
    toY += dist(paths[i], actual);
    for (let j = i + 1; j < n; j++) pairs += dist(paths[i], paths[j]);
  }
  return toY / n - pairs / (n * n);
}
