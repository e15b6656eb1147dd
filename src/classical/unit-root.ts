// Unit-root / differencing-order selection as R forecast 8.20 does it for auto.arima:
//  * KPSS level (or trend) stationarity test of Kwiatkowski, Phillips, Schmidt & Shin (1992),
//    computed like urca::ur.kpss (urca 1.3-3) with the lag forecast::ndiffs passes,
//    use.lag = trunc(3 * sqrt(n) / 13), and forecast's p-value rule (linear interpolation in the
//    critical-value table, clamped to [0.01, 0.10]);
//  * forecast::ndiffs(test = "kpss"), forecast:::seas.heuristic (seasonal strength of
//    Wang, Smith & Hyndman 2006, from an STL fit) and forecast::nsdiffs(test = "seas");
//  * the (d, D) choice made by forecast::auto.arima for a series without regressors.
//
// Errors are typed (core/errors.ts): R's message first, then what to do; the argument is named.

import { ArgumentError, DataError } from '../core/errors.js';
import { mstl, rMean } from './stl.js';

/** Options shared by the differencing-order functions. */
export interface WarningSink {
  /** Receives the warnings R would emit (alpha clamped, test errors); ignored when absent. */
  onWarning?: (message: string) => void;
}

/** Result of `kpssTest`. */
export interface KpssResult {
  /** KPSS statistic eta = sum(S_t^2) / n^2 / s^2(l). */
  statistic: number;
  /** Bartlett-window truncation lag l that was used. */
  lag: number;
  /** Number of observations used. */
  n: number;
  /** forecast 8.20 p-value: interpolated in the critical-value table, clamped to [0.01, 0.10]. */
  pValue: number;
  /** Critical values at 10%, 5%, 2.5%, 1% (Kwiatkowski et al. 1992, table 1). */
  criticalValues: { '10pct': number; '5pct': number; '2.5pct': number; '1pct': number };
}

/** Options of `kpssTest`. */
export interface KpssOptions {
  /** 'mu' = level stationarity (default, what ndiffs uses); 'tau' = trend stationarity. */
  type?: 'mu' | 'tau';
  /** Truncation lag; default trunc(3 * sqrt(n) / 13) as forecast::ndiffs passes to urca::ur.kpss. */
  lag?: number;
}

const KPSS_CVAL_MU = [0.347, 0.463, 0.574, 0.739] as const;
const KPSS_CVAL_TAU = [0.119, 0.146, 0.176, 0.216] as const;
// levels as forecast computes them: as.numeric(sub("pct", "", c("10pct","5pct","2.5pct","1pct"))) / 100
const KPSS_LEVELS = [10 / 100, 5 / 100, 2.5 / 100, 1 / 100] as const;

/** The `sqrt(.Machine$double.eps)` default tolerance of R `all.equal`. */
const ALL_EQUAL_TOL = Math.sqrt(2.220446049250313e-16);

function checkInput(y: readonly number[], what: string): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new DataError(`${what}: missing value (NaN) at index ${i}; the unit-root tests need a complete series: fill the gap or drop the rows first`, 'y');
    }
    if (!Number.isFinite(v)) throw new DataError(`${what}: non-finite value at index ${i} (${v}); remove or replace it`, 'y');
  }
}

/** Sample variance (denominator n - 1) as R `var`: NaN for n < 2. */
function rVar(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mu = rMean(x);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mu;
    ss += d * d;
  }
  return ss / (n - 1);
}

/** Lagged differences x[i + lag] - x[i], as R `diff(x, lag)`. */
export function diffLag(x: readonly number[], lag = 1, differences = 1): number[] {
  let out = x.slice();
  for (let d = 0; d < differences; d++) {
    const next: number[] = [];
    for (let i = lag; i < out.length; i++) next.push(out[i] - out[i - lag]);
    out = next;
  }
  return out;
}

/** forecast 8.20 `is.constant`: isTRUE(all.equal(x, rep(x[1], n))) with R's default tolerance 1.5e-8. */
export function isConstant(x: readonly number[]): boolean {
  const n = x.length;
  if (n === 0) return true;
  const x0 = x[0];
  // all.equal.numeric: drop the positions that are exactly equal, then
  // mean relative difference = sum(|x - x0| / (N * scale)), scale = sum(|x| / N) (absolute if scale <= tol)
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i]) !== Number.isNaN(x0)) return false;
    if (!(Number.isNaN(x[i]) || x[i] === x0)) keep.push(x[i]);
  }
  const N = keep.length;
  if (N === 0) return true;
  let scale = 0;
  for (const v of keep) scale += Math.abs(v) / N;
  if (!(Number.isFinite(scale) && scale > ALL_EQUAL_TOL)) scale = 1;
  let xy = 0;
  for (const v of keep) xy += Math.abs(v - x0) / (N * scale);
  return !(Number.isNaN(xy) || xy > ALL_EQUAL_TOL);
}

/** R `approx(x, y, xout, rule = 2)` for increasing x (linear interpolation, constant extrapolation). */
function approxRule2(xs: readonly number[], ys: readonly number[], v: number): number {
  if (Number.isNaN(v)) return Number.NaN;
  const n = xs.length;
  if (v < xs[0]) return ys[0];
  if (v > xs[n - 1]) return ys[n - 1];
  let i = 0;
  let j = n - 1;
  while (i < j - 1) {
    const ij = Math.trunc((i + j) / 2);
    if (v < xs[ij]) j = ij;
    else i = ij;
  }
  if (v === xs[j]) return ys[j];
  if (v === xs[i]) return ys[i];
  return ys[i] + (ys[j] - ys[i]) * ((v - xs[i]) / (xs[j] - xs[i]));
}

/** p-value of a KPSS statistic as forecast 8.20 `ndiffs` computes it (`urca_pval`: approx(cval, level, rule = 2)). */
export function kpssPValue(statistic: number, type: 'mu' | 'tau' = 'mu'): number {
  return approxRule2(type === 'mu' ? KPSS_CVAL_MU : KPSS_CVAL_TAU, KPSS_LEVELS, statistic);
}

/** Residuals of the least-squares line y ~ 1 + t, t = 1..n (the 'tau' detrending of urca::ur.kpss). */
function detrendLinear(y: readonly number[]): number[] {
  const n = y.length;
  const tbar = (n + 1) / 2;
  const ybar = rMean(y);
  let sty = 0;
  let stt = 0;
  for (let i = 0; i < n; i++) {
    const dt = i + 1 - tbar;
    sty += dt * (y[i] - ybar);
    stt += dt * dt;
  }
  const slope = sty / stt;
  return y.map((v, i) => v - ybar - slope * (i + 1 - tbar));
}

/** KPSS stationarity test (Kwiatkowski et al. 1992) as urca::ur.kpss with forecast::ndiffs' lag trunc(3*sqrt(n)/13). */
export function kpssTest(y: readonly number[], options: KpssOptions = {}): KpssResult {
  checkInput(y, 'kpssTest');
  const n = y.length;
  if (n < 1) throw new DataError('kpssTest: empty series; give at least one observation', 'y');
  const type = options.type ?? 'mu';
  let lmax = options.lag ?? Math.trunc((3 * Math.sqrt(n)) / 13);
  lmax = Math.trunc(lmax);
  if (lmax < 0) lmax = Math.trunc(4 * Math.pow(n / 100, 0.25)); // urca: negative use.lag -> 'short'
  let res: number[];
  if (type === 'mu') {
    const mu = rMean(y);
    res = y.map((v) => v - mu);
  } else {
    res = detrendLinear(y);
  }
  let s = 0;
  let sumS2 = 0;
  let sumE2 = 0;
  for (let i = 0; i < n; i++) {
    s += res[i];
    sumS2 += s * s;
    sumE2 += res[i] * res[i];
  }
  const numerator = sumS2 / (n * n);
  const s2 = sumE2 / n;
  let denominator = s2;
  if (lmax > 0) {
    let acc = 0;
    for (let l = 1; l <= lmax; l++) {
      let cov = 0;
      for (let i = l; i < n; i++) cov += res[i] * res[i - l];
      acc += (1 - l / (lmax + 1)) * cov;
    }
    denominator = s2 + (2 / n) * acc;
  }
  const statistic = numerator / denominator;
  const cv = type === 'mu' ? KPSS_CVAL_MU : KPSS_CVAL_TAU;
  return {
    statistic,
    lag: lmax,
    n,
    pValue: kpssPValue(statistic, type),
    criticalValues: { '10pct': cv[0], '5pct': cv[1], '2.5pct': cv[2], '1pct': cv[3] },
  };
}

function clampAlpha(alpha: number, warn: (m: string) => void): number {
  if (alpha < 0.01) {
    warn('Specified alpha value is less than the minimum, setting alpha=0.01');
    return 0.01;
  }
  if (alpha > 0.1) {
    warn('Specified alpha value is larger than the maximum, setting alpha=0.1');
    return 0.1;
  }
  return alpha;
}

/** Options of `ndiffs`. */
export interface NdiffsOptions extends WarningSink {
  /** Test level, clamped to [0.01, 0.1] (default 0.05). */
  alpha?: number;
  /** Maximum number of differences (R: max.d, default 2). */
  maxD?: number;
  /** 'level' (KPSS type mu, default) or 'trend' (KPSS type tau). */
  type?: 'level' | 'trend';
}

/**
 * Number of first differences, R forecast 8.20 `ndiffs(x, test = "kpss")`: difference while the
 * KPSS p-value < alpha, at most maxD times; 0 for a constant series, stop early when a difference is constant.
 */
export function ndiffs(y: readonly number[], options: NdiffsOptions = {}): number {
  checkInput(y, 'ndiffs');
  const warn = options.onWarning ?? ((): void => undefined);
  const alpha = clampAlpha(options.alpha ?? 0.05, warn);
  const maxD = options.maxD ?? 2;
  const kpssType = (options.type ?? 'level') === 'level' ? 'mu' : 'tau';
  let x = y.slice();
  let d = 0;
  if (isConstant(x)) return d;
  // true/false = difference or not; null = NA (statistic not computable)
  const runTest = (z: number[]): boolean | null => {
    try {
      const p = kpssTest(z, { type: kpssType }).pValue;
      if (Number.isNaN(p)) return null;
      return p < alpha;
    } catch (e) {
      const which = d === 0 ? 'first' : d === 1 ? 'second' : d === 2 ? 'third' : `${d + 1}th`;
      warn(
        `The chosen unit root test encountered an error when testing for the ${which} difference.\n` +
          `From ur.kpss(): ${(e as Error).message}\n${d} differences will be used. Consider using a different unit root test.`,
      );
      return false;
    }
  };
  let dodiff = runTest(x);
  if (dodiff === null) return d;
  while (dodiff && d < maxD) {
    d += 1;
    x = diffLag(x, 1);
    if (isConstant(x)) return d;
    dodiff = runTest(x);
    if (dodiff === null) return d - 1;
  }
  return d;
}

/**
 * Seasonal strength max(0, min(1, 1 - var(R) / var(R + S))) from `mstl` (STL with s.window = 11),
 * R forecast 8.20 `seas.heuristic` (Wang, Smith & Hyndman 2006); NaN when undefined.
 */
export function seasonalStrength(y: readonly number[], period: number): number {
  checkInput(y, 'seasonalStrength');
  const fit = mstl(y, period);
  const n = y.length;
  const rs = new Float64Array(n);
  for (let i = 0; i < n; i++) rs[i] = fit.remainder[i] + fit.seasonal[i];
  const vare = rVar(fit.remainder);
  // R: max(0, min(1, v)) propagates NaN
  const v = 1 - vare / rVar(rs);
  return Math.max(0, Math.min(1, v));
}

/** Options of `nsdiffs`. */
export interface NsdiffsOptions extends WarningSink {
  /** Only the default seasonal-strength heuristic of forecast 8.20 is implemented. */
  test?: 'seas';
  /** Maximum number of seasonal differences (R: max.D, default 1). */
  maxD?: number;
  /** Accepted and clamped like R, but unused by the 'seas' heuristic (default 0.05). */
  alpha?: number;
}

/** Threshold on the seasonal strength above which forecast 8.20 `nsdiffs(test = "seas")` differences. */
export const SEASONAL_STRENGTH_THRESHOLD = 0.64;

/**
 * Number of seasonal differences, R forecast 8.20 `nsdiffs(x, test = "seas")`: difference while the
 * seasonal strength > 0.64 (test repeated only while D < maxD and length >= 2 * period).
 */
export function nsdiffs(y: readonly number[], period: number, options: NsdiffsOptions = {}): number {
  checkInput(y, 'nsdiffs');
  const warn = options.onWarning ?? ((): void => undefined);
  if ((options.test ?? 'seas') !== 'seas') throw new ArgumentError(`nsdiffs: only test = 'seas' is implemented; got '${String(options.test)}': drop test or pass 'seas'`, 'test');
  clampAlpha(options.alpha ?? 0.05, warn);
  const maxD = options.maxD ?? 1;
  let D = 0;
  let x = y.slice();
  if (isConstant(x)) return D;
  if (!Number.isFinite(period)) throw new ArgumentError(`nsdiffs: period must be a finite number; got ${period}`, 'period');
  if (period === 1) throw new ArgumentError('Non seasonal data: nsdiffs needs a seasonal period > 1 (got 1); use ndiffs for non-seasonal differencing', 'period');
  if (period < 1) {
    warn("I can't handle data with frequency less than 1. Seasonality will be ignored.");
    return 0;
  }
  if (period >= x.length) return 0;
  let m = period;
  const runTest = (z: number[]): boolean => {
    try {
      const s = seasonalStrength(z, m);
      // R: `NA > 0.64` fails stopifnot() inside the tryCatch -> warning, no difference
      if (Number.isNaN(s)) throw new DataError('diff %in% c(0, 1) is not TRUE', 'y'); // R's text: it becomes the warning below
      return s > SEASONAL_STRENGTH_THRESHOLD;
    } catch (e) {
      const which = D === 0 ? 'first' : D === 1 ? 'second' : D === 2 ? 'third' : `${D + 1}th`;
      warn(
        `The chosen seasonal unit root test encountered an error when testing for the ${which} difference.\n` +
          `From stl(): ${(e as Error).message}\n${D} seasonal differences will be used. Consider using a different unit root test.`,
      );
      return false;
    }
  };
  let dodiff = runTest(x);
  if (dodiff && !Number.isInteger(m)) {
    warn('The time series frequency has been rounded to support seasonal differencing.');
    m = Math.round(m);
  }
  while (dodiff && D < maxD) {
    D += 1;
    x = diffLag(x, m);
    if (isConstant(x)) return D;
    if (x.length >= 2 * m && D < maxD) dodiff = runTest(x);
    else dodiff = false;
  }
  return D;
}

/** Options of `autoARIMADiffs`. */
export interface AutoARIMADiffsOptions extends WarningSink {
  /** Fixed d (R: d); chosen by ndiffs when absent. */
  d?: number;
  /** Fixed D (R: D); chosen by nsdiffs when absent. */
  D?: number;
  /** R: max.d (default 2). */
  maxD?: number;
  /** R: max.D (default 1). */
  maxSeasonalD?: number;
  /** R: seasonal (default true); false forces m = 1. */
  seasonal?: boolean;
  /** R: stationary (default false); true forces d = D = 0. */
  stationary?: boolean;
  /** KPSS level for ndiffs (R: test.args = list(alpha = ...), default 0.05). */
  alpha?: number;
}

/** Differencing orders chosen by `autoARIMADiffs`, with the seasonal period m auto.arima uses. */
export interface AutoARIMADiffs {
  d: number;
  D: number;
  m: number;
}

/**
 * The (d, D) choice of R forecast 8.20 `auto.arima` for a series without xreg: m = round(frequency)
 * (1 if !seasonal or frequency < 1); D = nsdiffs(x) unless m = 1 or n <= 2m; then d = ndiffs(diff(x, m, D)).
 */
export function autoARIMADiffs(y: readonly number[], frequency: number, options: AutoARIMADiffsOptions = {}): AutoARIMADiffs {
  checkInput(y, 'autoARIMADiffs');
  const seasonal = options.seasonal ?? true;
  let m = seasonal ? frequency : 1;
  m = m < 1 ? 1 : Math.round(m);
  let d: number | undefined = options.d;
  let D: number | undefined = options.D;
  if (options.stationary) {
    d = 0;
    D = 0;
  }
  if (m === 1) D = 0;
  else if (D === undefined && y.length <= 2 * m) D = 0;
  else if (D === undefined) {
    // nsdiffs sees the series with its original (unrounded) frequency
    D = nsdiffs(y, frequency, { maxD: options.maxSeasonalD ?? 1, onWarning: options.onWarning });
    if (D > 0 && diffLag(y, m, D).length === 0) D -= 1; // R: all(is.na(dx)) -> D - 1
  }
  const dx = D > 0 ? diffLag(y, m, D) : y.slice();
  if (d === undefined) {
    d = ndiffs(dx, { alpha: options.alpha, maxD: options.maxD ?? 2, onWarning: options.onWarning });
    if (d > 0 && diffLag(dx, 1, d).length === 0) d -= 1;
  }
  return { d, D, m };
}
