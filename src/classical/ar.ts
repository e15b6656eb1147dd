/**
 * Univariate autoregression AR(p): y_t = c + φ_1 y_{t−1} + … + φ_p y_{t−p} + ε_t, ε_t ~ N(0, σ²).
 * Box, Jenkins, Reinsel & Ljung (2015) ch. 3 and 7; Brockwell & Davis, "Introduction to Time
 * Series and Forecasting" (3rd ed., 2016) §5.1 (Yule–Walker, Burg) and §3.3 (prediction).
 *
 * Four estimators, each matching its statsmodels reference:
 * - 'ols' (default): conditional least squares on t = p+1..n, statsmodels `AutoReg`;
 * - 'yule-walker': method of moments from the sample autocovariances, statsmodels `yule_walker`;
 * - 'burg': Burg's lattice recursion, statsmodels `burg`;
 * - 'mle': exact Gaussian maximum likelihood through {@link fitARIMA} (ARIMA(p,0,0)), which also
 *   handles missing values.
 * Forecasts are the plug-in AR recursion with se_h = σ (Σ_{j<h} ψ_j²)^{1/2}, as `AutoReg`.
 *
 * @example
 * const fit = fitAR(y, { order: 2 });                 // AutoReg(y, lags=2, trend='c')
 * fit.params; fit.bse; fit.forecast(10).interval(95); console.log(fit.summary());
 * const { selected, model } = selectAROrder(y, { maxLag: 10, ic: 'bic' });
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { GaussianForecast } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { leastSquares, solve, invertSPD, cholesky, type Matrix } from '../core/linalg.js';
import { normalSf, normalQuantile, LOG2PI } from '../core/distributions.js';
import { extent, mean as sampleMean } from '../core/stats.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';
import { polyRoots, isStationary } from './estimators/polynomial.js';
import { fitARIMA, FittedARIMA, type ARIMAJSON } from './arima.js';
import { checkHorizon, checkMagnitude, checkNoExog, checkNotPerfect, checkPaths, historyJSON, checkModelJSON, MODEL_JSON_VERSION, checkForecastFinite } from '../core/validate.js';
import { vectorWithLegacy, type VectorWithLegacy } from '../core/deprecated.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';

/** Estimation method of {@link fitAR}. */
export type ARMethod = 'ols' | 'yule-walker' | 'burg' | 'mle';
/** Deterministic term: 'c' a constant, 'n' none (zero-mean process). */
export type ARTrend = 'c' | 'n';
/** Autocovariance denominator for Yule–Walker: n ('mle') or n − k ('adjusted'). */
export type YuleWalkerMethod = 'mle' | 'adjusted';
/** Information criterion for {@link selectAROrder}. */
export type ARCriterion = 'aic' | 'bic' | 'hqic';

/** Options of {@link fitAR}. */
export interface AROptions {
  /** Autoregressive order p (integer ≥ 0). */
  order: number;
  /** Estimator. Default 'ols' (conditional least squares, statsmodels AutoReg). */
  method?: ARMethod;
  /** 'c' (default) estimates a constant; 'n' fits a zero-mean process. */
  trend?: ARTrend;
  /** Autocovariance flavour for method 'yule-walker'. Default 'mle' (denominator n). */
  yuleWalkerMethod?: YuleWalkerMethod;
}

/** Estimated coefficients with their names and standard errors (undefined when unavailable). */
export interface ARParamTable {
  names: string[];
  values: number[];
  stdErrors: number[] | undefined;
}

/** A root of the AR polynomial 1 − φ_1 z − … − φ_p z^p (stationary when all moduli exceed 1). */
export interface ARRoot {
  real: number;
  imag: number;
  modulus: number;
  /** arg(z)/(2π) in (−0.5, 0.5], as statsmodels' `arfreq`. */
  frequency: number;
}

/** Plain-JSON form of a {@link FittedAR} (parameters, fit statistics and the data). */
export interface ARJSON {
  kind: 'ar';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  method: ARMethod;
  order: number;
  trend: ARTrend;
  yuleWalkerMethod: YuleWalkerMethod | null;
  /** The series (null for missing values, which only method 'mle' accepts). */
  y: (number | null)[];
  params: { names: string[]; values: number[]; stdErrors: number[] | null };
  ar: number[];
  intercept: number;
  mean: number;
  sigma2: number;
  nobs: number;
  llf: number | null;
  /** Parameters counted by the information criteria (σ² included). */
  nParams: number | null;
  /** The underlying ARIMA(p,0,0) fit of method 'mle'. */
  arima: ARIMAJSON | null;
}

const METHODS: readonly ARMethod[] = ['ols', 'yule-walker', 'burg', 'mle'];

/**
 * Fits an AR(p) model by conditional least squares (statsmodels `AutoReg`), Yule–Walker or Burg
 * (Brockwell & Davis §5.1.1–5.1.2) or exact Gaussian ML (Box–Jenkins §7.1 via {@link fitARIMA}).
 */
export function fitAR(y: ArrayLike<number>, options: AROptions): FittedAR {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitAR needs options with an order, e.g. { order: 2 }', 'order');
  const method = options.method ?? 'ols';
  if (!METHODS.includes(method)) {
    throw new ArgumentError(`method must be one of ${METHODS.join(', ')}; got '${String(method)}'`, 'method');
  }
  const trend = checkTrend(options.trend);
  const ywMethod = options.yuleWalkerMethod ?? 'mle';
  if (ywMethod !== 'mle' && ywMethod !== 'adjusted') {
    throw new ArgumentError(`yuleWalkerMethod must be 'mle' or 'adjusted'; got '${String(ywMethod)}'`, 'yuleWalkerMethod');
  }
  const data = checkSeries(y, method === 'mle');
  const p = checkOrder(options.order, data);
  const observed = data.filter((v) => !Number.isNaN(v));
  const [lo, hi] = extent(observed);
  checkMagnitude(lo, hi, 'y', 'an AR model');
  if (lo === hi) {
    throw new DataError(`y is constant (every value is ${observed[0]}); an autoregression needs variation in the series`, 'y');
  }
  const fit = method === 'ols' ? fitConditionalOLS(data, p, trend)
    : method === 'yule-walker' ? fitYuleWalker(data, p, trend, ywMethod)
      : method === 'burg' ? fitBurg(data, p, trend)
        : fitExactML(data, p, trend);
  checkNotPerfect(fit.sigma2, lo, hi, 'an AR model');
  return fit;
}

function checkTrend(trend: ARTrend | undefined): ARTrend {
  const t = trend ?? 'c';
  if (t !== 'c' && t !== 'n') throw new ArgumentError(`trend must be 'c' (constant) or 'n' (none); got '${String(t)}'`, 'trend');
  return t;
}

/** Copies y, rejecting infinities and (unless `allowMissing`) NaN, naming the first bad row. */
function checkSeries(y: ArrayLike<number>, allowMissing: boolean): Float64Array {
  if (!y || typeof y.length !== 'number') throw new DataError('y must be an array of numbers', 'y');
  const data = Float64Array.from(y);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v) && !allowMissing) {
      throw new DataError(
        `y has a missing value (NaN) at row ${i + 1}; AR estimation by OLS, Yule-Walker or Burg needs a complete series. Use method 'mle', which handles gaps, or fill the gap first`,
        'y',
      );
    }
    if (!Number.isNaN(v) && !Number.isFinite(v)) throw new DataError(`y has a non-finite value (${v}) at row ${i + 1}; remove or replace it`, 'y');
  }
  return data;
}

/** Validates p: an integer ≥ 0, with at least p + 2 observations and p ≤ n/2. */
function checkOrder(order: number, y: Float64Array): number {
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) {
    throw new ArgumentError(`order must be a non-negative integer; got ${String(order)}`, 'order');
  }
  const n = y.length;
  const half = Math.floor(n / 2);
  if (n < order + 2) {
    throw new DataError(
      `y is too short for an AR(${order}): it needs at least order + 2 = ${order + 2} observations; got ${n}` +
        (n >= 2 ? `. Use order ≤ ${Math.max(0, Math.min(n - 2, half))}` : ''),
      'y',
    );
  }
  if (order > half) {
    throw new ArgumentError(`order ${order} is absurdly large for ${n} observations; use order ≤ n/2 = ${half}`, 'order');
  }
  return order;
}

/** Names of the mean parameters in statsmodels AutoReg's convention ('const', 'y.L1', …). */
function arNames(p: number, trend: ARTrend): string[] {
  const names = trend === 'c' ? ['const'] : [];
  for (let i = 1; i <= p; i++) names.push(`y.L${i}`);
  return names;
}

/**
 * Conditional least squares of y_t on [1, y_{t−1}, …, y_{t−p}] for t = holdBack+1..n (1-based):
 * β̂ = (X'X)⁻¹X'y by pivoted QR, σ̂² = SSR/nobs (the conditional MLE, no df correction).
 */
function conditionalOLS(y: Float64Array, p: number, holdBack: number, trend: ARTrend) {
  const n = y.length;
  const nobs = n - holdBack;
  const names = arNames(p, trend);
  const k = names.length;
  const target = y.subarray(holdBack);
  if (k === 0) {
    let ssr = 0;
    for (const v of target) ssr += v * v;
    return { coef: [] as number[], xtxInv: [] as Matrix, ssr, nobs, names };
  }
  if (nobs <= k) {
    throw new DataError(
      `y is too short for conditional least squares: ${nobs} usable observations for ${k} coefficients; it needs at least ${holdBack + k + 1} observations`,
      'y',
    );
  }
  const X: Matrix = new Array(nobs);
  for (let t = holdBack; t < n; t++) {
    const row = trend === 'c' ? [1] : [];
    for (let i = 1; i <= p; i++) row.push(y[t - i]);
    X[t - holdBack] = row;
  }
  const { coef, xtxInv } = leastSquares(X, target, names);
  let ssr = 0;
  for (let r = 0; r < nobs; r++) {
    let e = target[r];
    for (let j = 0; j < k; j++) e -= X[r][j] * coef[j];
    ssr += e * e;
  }
  return { coef, xtxInv, ssr, nobs, names };
}

/** Conditional Gaussian log-likelihood at σ̂² = SSR/nobs: −nobs/2 (log 2πσ̂² + 1). */
function conditionalLlf(ssr: number, nobs: number): number {
  return (-nobs / 2) * (LOG2PI + Math.log(ssr / nobs) + 1);
}

/** Information criteria −2ℓ + penalty·k with k parameters and nobs observations (Lütkepohl 2005 §4.3). */
function criteria(llf: number, nobs: number, k: number): { aic: number; bic: number; hqic: number } {
  return {
    aic: -2 * llf + 2 * k,
    bic: -2 * llf + Math.log(nobs) * k,
    hqic: -2 * llf + 2 * Math.log(Math.log(nobs)) * k,
  };
}

/** Statsmodels AutoReg(y, lags=p, trend): OLS on t = p+1..n, bse from σ̂²(X'X)⁻¹ with σ̂² = SSR/(n−p). */
function fitConditionalOLS(y: Float64Array, p: number, trend: ARTrend): FittedAR {
  const r = conditionalOLS(y, p, p, trend);
  const sigma2 = r.ssr / r.nobs;
  const stdErrors = r.coef.map((_, j) => Math.sqrt(sigma2 * r.xtxInv[j][j]));
  const intercept = trend === 'c' ? r.coef[0] : 0;
  const ar = r.coef.slice(trend === 'c' ? 1 : 0);
  const llf = conditionalLlf(r.ssr, r.nobs);
  return new FittedAR({
    method: 'ols', order: p, trend, yuleWalkerMethod: null, y,
    params: { names: r.names, values: r.coef, stdErrors },
    ar, intercept, mean: processMean(intercept, ar), sigma2, nobs: r.nobs, llf,
    // AutoReg counts df_model = #mean parameters, plus one for σ².
    nParams: r.names.length + 1, arima: null,
  });
}

/** μ = c/(1 − Σφ) (infinite for a unit root). */
function processMean(intercept: number, ar: readonly number[]): number {
  const s = 1 - ar.reduce((a, b) => a + b, 0);
  return intercept === 0 ? 0 : intercept / s;
}

/** Centres x at its sample mean (trend 'c') or leaves it (trend 'n'). */
function centred(y: Float64Array, trend: ARTrend): { x: Float64Array; mu: number } {
  const mu = trend === 'c' ? sampleMean(y) : 0;
  return { x: y.map((v) => v - mu), mu };
}

/** Sample autocovariances γ̂(0..p) of centred x, Σ_t x_t x_{t+k} / (n − k·adjusted). */
function autocovariances(x: Float64Array, p: number, adjusted: boolean): number[] {
  const n = x.length;
  const r: number[] = [];
  for (let k = 0; k <= p; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += x[t] * x[t + k];
    r.push(s / (n - (adjusted ? k : 0)));
  }
  return r;
}

function toeplitz(r: readonly number[], p: number): Matrix {
  return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => r[Math.abs(i - j)]));
}

/**
 * Asymptotic standard errors of the moment-type estimators (Yule–Walker, Burg): Var(φ̂) ≈ σ²Γ_p⁻¹/n
 * (Brockwell & Davis §5.1.1, eq. 5.1.13, which §5.1.2 extends to Burg); for the intercept
 * c = x̄(1 − Σφ), with x̄ asymptotically independent of φ̂ and Var(x̄) ≈ σ²/(n(1−Σφ)²) (B&D §2.4),
 * the delta method gives Var(ĉ) ≈ σ²/n + x̄² 1'Var(φ̂)1.
 */
function momentStdErrors(gamma: readonly number[], p: number, sigma2: number, n: number, mu: number, trend: ARTrend): number[] | undefined {
  let cov: Matrix = [];
  if (p > 0) {
    try {
      cov = invertSPD(toeplitz(gamma, p)).map((row) => row.map((v) => (sigma2 * v) / n));
    } catch {
      return undefined;
    }
  }
  const se = cov.map((row, i) => Math.sqrt(row[i]));
  if (trend === 'n') return se;
  let total = 0;
  for (const row of cov) for (const v of row) total += v;
  return [Math.sqrt(sigma2 / n + mu * mu * total), ...se];
}

/**
 * Yule–Walker estimates (Brockwell & Davis §5.1.1): solve Γ̂_p φ̂ = γ̂_p (eq. 5.1.6) with the sample
 * autocovariances of the demeaned series, σ̂² = γ̂(0) − φ̂'γ̂_p (eq. 5.1.7); statsmodels `yule_walker`.
 */
function fitYuleWalker(y: Float64Array, p: number, trend: ARTrend, ywMethod: YuleWalkerMethod): FittedAR {
  const n = y.length;
  const { x, mu } = centred(y, trend);
  const r = autocovariances(x, p, ywMethod === 'adjusted');
  let ar: number[] = [];
  if (p > 0) {
    try {
      ar = solve(toeplitz(r, p), r.slice(1));
    } catch {
      throw new DataError(`the ${ywMethod} autocovariance matrix of y is singular; use yuleWalkerMethod 'mle' or method 'burg'`, 'yuleWalkerMethod');
    }
  }
  const sigma2 = r[0] - ar.reduce((s, phi, i) => s + phi * r[i + 1], 0);
  if (!(sigma2 > 0)) {
    throw new DataError(
      `Yule-Walker with ${ywMethod} autocovariances gives a non-positive innovation variance (${sigma2}); use yuleWalkerMethod 'mle' (always positive definite) or method 'burg'`,
      'yuleWalkerMethod',
    );
  }
  const gamma = ywMethod === 'mle' ? r : autocovariances(x, p, false);
  return momentFit('yule-walker', y, p, trend, ywMethod, ar, sigma2, mu, momentStdErrors(gamma, p, sigma2, n, mu, trend));
}

/**
 * Burg's algorithm (Brockwell & Davis §5.1.2, eqs. 5.1.20–5.1.22) exactly as statsmodels
 * `burg(y, p, demean=True)`: `pacf_burg` gives the partial autocorrelations φ_kk from the forward
 * and backward prediction errors u, v with d_{k+1} = (1 − φ_kk²) d_k − v_k² − u_{n−1}²,
 * φ_{k+1,k+1} = 2 v'u / d_{k+1}; σ̂² = (1 − φ_pp²) d_p / (2(n − p)); the AR coefficients follow by
 * the Durbin–Levinson recursion φ_{k,j} = φ_{k−1,j} − φ_kk φ_{k−1,k−j} (B&D eq. 2.5.16).
 */
function fitBurg(y: Float64Array, p: number, trend: ARTrend): FittedAR {
  const n = y.length;
  const { x: x0, mu } = centred(y, trend);
  // statsmodels demeans once in `burg` and again in `pacf_burg` (a no-op up to rounding).
  const { x } = centred(x0, trend);
  const d = new Float64Array(p + 1);
  const pacf = new Float64Array(p + 1);
  let xx = 0;
  for (const v of x) xx += v * v;
  d[0] = 2 * xx;
  if (p > 0) {
    // u, v are the reversed series: u[t] = x[n−1−t].
    let u = Float64Array.from(x).reverse();
    let v = u.slice();
    let s = 0, uv = 0;
    for (let t = 0; t < n - 1; t++) { s += u[t] * u[t] + v[t + 1] * v[t + 1]; uv += v[t + 1] * u[t]; }
    d[1] = s;
    pacf[1] = (2 / d[1]) * uv;
    for (let i = 1; i < p; i++) {
      const lastU = u, lastV = v;
      u = lastU.slice();
      v = lastV.slice();
      for (let t = 1; t < n; t++) {
        u[t] = lastU[t - 1] - pacf[i] * lastV[t];
        v[t] = lastV[t] - pacf[i] * lastU[t - 1];
      }
      d[i + 1] = (1 - pacf[i] ** 2) * d[i] - v[i] ** 2 - u[n - 1] ** 2;
      let dot = 0;
      for (let t = i + 1; t < n; t++) dot += v[t] * u[t - 1];
      pacf[i + 1] = (2 / d[i + 1]) * dot;
    }
  }
  const sigma2 = ((1 - pacf[p] ** 2) * d[p]) / (2 * (n - p));
  const ar = levinsonFromPacf(Array.from(pacf.subarray(1)));
  const gamma = autocovariances(x0, p, false);
  return momentFit('burg', y, p, trend, null, ar, sigma2, mu, momentStdErrors(gamma, p, sigma2, n, mu, trend));
}

/** AR coefficients from partial autocorrelations by Durbin–Levinson (B&D eq. 2.5.16; statsmodels `levinson_durbin_pacf`). */
function levinsonFromPacf(pacf: readonly number[]): number[] {
  let phi: number[] = [];
  for (let k = 0; k < pacf.length; k++) {
    const a = pacf[k];
    phi = [...phi.map((v, j) => v - a * phi[k - 1 - j]), a];
  }
  return phi;
}

function momentFit(
  method: 'yule-walker' | 'burg', y: Float64Array, p: number, trend: ARTrend, ywMethod: YuleWalkerMethod | null,
  ar: number[], sigma2: number, mu: number, stdErrors: number[] | undefined,
): FittedAR {
  // With the sample mean as the estimate of μ, the intercept is c = μ(1 − Σφ).
  const intercept = trend === 'c' ? mu * (1 - ar.reduce((a, b) => a + b, 0)) : 0;
  const values = trend === 'c' ? [intercept, ...ar] : ar.slice();
  return new FittedAR({
    method, order: p, trend, yuleWalkerMethod: ywMethod, y,
    params: { names: arNames(p, trend), values, stdErrors },
    ar, intercept, mean: mu, sigma2, nobs: y.length, llf: undefined, nParams: undefined, arima: null,
  });
}

/** Exact Gaussian ML as ARIMA(p,0,0) (Box–Jenkins §7.1.4); const is the process mean μ. */
function fitExactML(y: Float64Array, p: number, trend: ARTrend): FittedAR {
  const arima = fitARIMA(y, { order: [p, 0, 0], trend });
  return fromArima(y, p, trend, arima);
}

function fromArima(y: Float64Array, p: number, trend: ARTrend, arima: FittedARIMA): FittedAR {
  const ar = arima.arimaParams.ar.slice();
  const mu = trend === 'c' ? arima.arimaParams.beta[0] : 0;
  const se = arima.stdErrors;
  return new FittedAR({
    method: 'mle', order: p, trend, yuleWalkerMethod: null, y,
    params: { names: arima.paramNames, values: Array.from(arima.params), stdErrors: se.every(Number.isFinite) ? se : undefined },
    ar, intercept: mu * (1 - ar.reduce((a, b) => a + b, 0)), mean: mu, sigma2: arima.sigma2,
    nobs: arima.nobs, llf: arima.llf, nParams: arima.nParams, arima,
  });
}

/**
 * Exact Gaussian log-likelihood of a stationary AR(p) with mean μ at given parameters
 * (Box–Jenkins §7.1.4; Hamilton 1994 §5.3): with x_t = y_t − μ and V_p = Γ_p/σ² the
 * autocovariance matrix of (x_1..x_p) in units of σ²,
 * ℓ = −½ [n log(2πσ²) + log|V_p| + (x_p'V_p⁻¹x_p + Σ_{t>p} (x_t − Σ φ_i x_{t−i})²)/σ²].
 * Needs a complete series; throws for a non-stationary φ.
 */
export function arLoglike(y: ArrayLike<number>, params: { ar: readonly number[]; mean: number; sigma2: number }): number {
  const x = checkSeries(y, false).map((v) => v - params.mean);
  const phi = params.ar, p = phi.length, n = x.length, s2 = params.sigma2;
  if (!(s2 > 0)) throw new ArgumentError(`sigma2 must be positive; got ${s2}`, 'sigma2');
  if (!isStationary(phi)) throw new ArgumentError('ar is not stationary: the exact likelihood needs all roots of 1 − Σ φ_i z^i outside the unit circle', 'ar');
  if (n < p + 1) throw new DataError(`y needs more than ${p} observations; got ${n}`, 'y');
  let logDet = 0, quad = 0;
  if (p > 0) {
    // γ(0..p)/σ² from γ(k) − Σ_i φ_i γ(|k − i|) = δ_{k0} (Box–Jenkins eq. 3.2.5 with σ² = 1).
    const A: Matrix = Array.from({ length: p + 1 }, (_, k) => {
      const row = new Array<number>(p + 1).fill(0);
      row[k] += 1;
      for (let i = 1; i <= p; i++) row[Math.abs(k - i)] -= phi[i - 1];
      return row;
    });
    const g = solve(A, [1, ...new Array<number>(p).fill(0)]);
    const L = cholesky(toeplitz(g, p));
    // x_p'V⁻¹x_p = ‖L⁻¹x_p‖², log|V| = 2 Σ log L_ii.
    const z = new Array<number>(p);
    for (let i = 0; i < p; i++) {
      let v = x[i];
      for (let j = 0; j < i; j++) v -= L[i][j] * z[j];
      z[i] = v / L[i][i];
      quad += z[i] * z[i];
      logDet += 2 * Math.log(L[i][i]);
    }
  }
  for (let t = p; t < n; t++) {
    let e = x[t];
    for (let i = 1; i <= p; i++) e -= phi[i - 1] * x[t - i];
    quad += e * e;
  }
  return -0.5 * (n * (LOG2PI + Math.log(s2)) + logDet + quad / s2);
}

interface FittedARInit {
  method: ARMethod;
  order: number;
  trend: ARTrend;
  yuleWalkerMethod: YuleWalkerMethod | null;
  y: Float64Array;
  params: ARParamTable;
  ar: number[];
  intercept: number;
  mean: number;
  sigma2: number;
  nobs: number;
  llf: number | undefined;
  nParams: number | undefined;
  arima: FittedARIMA | null;
}

/**
 * A fitted AR(p) model (Box–Jenkins ch. 3): coefficients with standard errors, σ², the
 * likelihood and criteria where the estimator defines them, roots, forecasts, sample paths.
 */
export class FittedAR implements Forecaster {
  readonly kind = 'ar';
  readonly method: ARMethod;
  /** Autoregressive order p. */
  readonly order: number;
  readonly trend: ARTrend;
  /** Autocovariance flavour when method is 'yule-walker', else null. */
  readonly yuleWalkerMethod: YuleWalkerMethod | null;
  /** The series the model conditions on. */
  readonly y: Float64Array;
  /** Names, estimates and standard errors of the parameters. */
  private readonly table: ARParamTable;
  /** φ_1..φ_p. */
  readonly ar: number[];
  /** c in y_t = c + Σ φ_i y_{t−i} + ε_t. */
  readonly intercept: number;
  /** Process mean μ = c/(1 − Σφ). */
  readonly mean: number;
  /** Innovation variance σ². */
  readonly sigma2: number;
  /** Observations behind the estimates (n − p for ols; n for yule-walker/burg; non-missing n for mle). */
  readonly nobs: number;
  /** Log-likelihood: conditional (ols) or exact (mle); undefined for yule-walker and burg. */
  readonly llf: number | undefined;
  private readonly nParams: number | undefined;
  private readonly arima: FittedARIMA | null;

  constructor(init: FittedARInit) {
    this.method = init.method;
    this.order = init.order;
    this.trend = init.trend;
    this.yuleWalkerMethod = init.yuleWalkerMethod;
    this.y = init.y;
    this.table = init.params;
    this.ar = init.ar;
    this.intercept = init.intercept;
    this.mean = init.mean;
    this.sigma2 = init.sigma2;
    this.nobs = init.nobs;
    this.llf = init.llf;
    this.nParams = init.nParams;
    this.arima = init.arima;
  }

  /** Parameter names: 'const', 'y.L1'… (ols, yule-walker, burg) or 'const' (= μ), 'ar.L1'…, 'sigma2' (mle). */
  get paramNames(): string[] {
    return this.table.names.slice();
  }

  /**
   * Estimated parameters in {@link FittedAR.paramNames} order (statsmodels' `params`). For one
   * release the vector also answers 0.1's `params.names`, `.values` and `.stdErrors` (deprecated:
   * use `paramNames`, `params`, `bse`).
   */
  get params(): VectorWithLegacy<ARParamTable> {
    return vectorWithLegacy(this.table.values, () => this.table);
  }

  /** Standard errors of {@link FittedAR.params}; undefined where the estimator gives none. */
  get bse(): number[] | undefined {
    return this.table.stdErrors?.slice();
  }

  private ic(which: ARCriterion): number | undefined {
    if (this.llf === undefined || this.nParams === undefined) return undefined;
    return criteria(this.llf, this.nobs, this.nParams)[which];
  }

  /** AIC = −2ℓ + 2k, k counting the mean parameters and σ² (statsmodels AutoReg / ARIMA). */
  get aic(): number | undefined {
    return this.ic('aic');
  }

  /** BIC = −2ℓ + log(nobs)·k. */
  get bic(): number | undefined {
    return this.ic('bic');
  }

  /** HQIC = −2ℓ + 2 log(log(nobs))·k. */
  get hqic(): number | undefined {
    return this.ic('hqic');
  }

  /** z statistics value/se (undefined without standard errors). */
  get tvalues(): number[] | undefined {
    const se = this.table.stdErrors;
    return se ? this.table.values.map((v, i) => v / se[i]) : undefined;
  }

  /** Two-sided normal p-values of the z statistics (statsmodels AutoReg uses the normal law). */
  get pvalues(): number[] | undefined {
    return this.tvalues?.map((z) => 2 * normalSf(Math.abs(z)));
  }

  /** Roots of 1 − φ_1 z − … − φ_p z^p, sorted by modulus then argument (statsmodels `roots`). */
  roots(): ARRoot[] {
    return polyRoots(this.ar.map((v) => -v))
      .map(([re, im]) => ({ real: re, imag: im, modulus: Math.hypot(re, im), frequency: Math.atan2(im, re) / (2 * Math.PI) }))
      .sort((a, b) => a.modulus - b.modulus || a.frequency - b.frequency);
  }

  /** MA(∞) weights ψ_0..ψ_{h−1} of the fitted AR: ψ_0 = 1, ψ_j = Σ_{i=1}^{min(j,p)} φ_i ψ_{j−i} (B&D eq. 3.1.7). */
  psiWeights(h: number): Float64Array {
    const psi = new Float64Array(h);
    psi[0] = 1;
    for (let j = 1; j < h; j++) {
      let s = 0;
      for (let i = 1; i <= Math.min(j, this.order); i++) s += this.ar[i - 1] * psi[j - i];
      psi[j] = s;
    }
    return psi;
  }

  /**
   * Forecasts h steps ahead: the plug-in recursion ŷ_{n+h} = c + Σ φ_i ŷ_{n+h−i} (ŷ = y inside the
   * sample) with se_h = σ (Σ_{j<h} ψ_j²)^{1/2} (Box–Jenkins §5.2; parameter uncertainty ignored, as
   * statsmodels AutoReg). Method 'mle' forecasts through its Kalman filter, which also conditions
   * correctly on missing values (identical to the recursion for a complete series).
   */
  forecast(h: number, options: ForecastOptions = {}): GaussianForecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'an AR model', ' (use fitARIMA with exog for regression effects)');
    if (this.arima) return this.arima.forecast(h);
    const mean = this.recursion(h, () => 0);
    const psi = this.psiWeights(h);
    const se = new Float64Array(h);
    let acc = 0;
    for (let j = 0; j < h; j++) {
      acc += psi[j] * psi[j];
      se[j] = Math.sqrt(this.sigma2 * acc);
    }
    checkForecastFinite(mean, se);
    return new GaussianForecast(mean, se);
  }

  /** y_{n+1..n+h} = c + Σ φ_i y_{n+h−i} + shock(), from the last p observations. */
  private recursion(h: number, shock: () => number): Float64Array {
    const n = this.y.length, p = this.order;
    const hist = new Float64Array(p + h);
    for (let i = 0; i < p; i++) hist[i] = this.y[n - p + i];
    for (let j = 0; j < h; j++) {
      let v = this.intercept;
      for (let i = 1; i <= p; i++) v += this.ar[i - 1] * hist[p + j - i];
      hist[p + j] = v + shock();
    }
    return hist.slice(p);
  }

  /**
   * Sample paths (paths × h) from the predictive distribution given the data: the recursion with
   * Gaussian shocks ε ~ N(0, σ²) drawn from `rng` (parameters held at their estimates).
   */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkNoExog(options.exog, 'an AR model', ' (use fitARIMA with exog for regression effects)');
    const paths = checkPaths(options.paths ?? 1000, h);
    if (this.arima) return this.arima.sample(h, { paths, rng: options.rng });
    const sd = Math.sqrt(this.sigma2);
    const rng = options.rng;
    const out: Float64Array[] = [];
    for (let k = 0; k < paths; k++) out.push(this.recursion(h, () => sd * rng.normal()));
    return out;
  }

  /**
   * The fitted parameters applied to another history `y` (the data extended by new observations):
   * forecasts and samples start after `y`; no refit, and the estimates and their statistics stay
   * those of the fit.
   */
  apply(y: ArrayLike<number>): FittedAR {
    const history = historyJSON(y, this.method === 'mle', this.order + 1, 'an AR fitted by ols, yule-walker or burg needs a complete history');
    const json = this.toJSON();
    return FittedAR.fromJSON({ ...json, y: history, arima: json.arima ? this.arima!.apply(y).toJSON() : null });
  }

  /** A results table in the layout of statsmodels' `AutoRegResults.summary()`. */
  summary(): string {
    const p = this.order, n = this.y.length;
    const label: Record<ARMethod, string> = {
      ols: 'Conditional MLE',
      'yule-walker': `Yule-Walker (${this.yuleWalkerMethod})`,
      burg: 'Burg',
      mle: 'Exact MLE',
    };
    const opt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));
    const sampleStart = this.method === 'ols' ? p : 0;
    const head = keyValueBlock(
      [['Dep. Variable:', 'y'], ['Model:', this.method === 'ols' ? `AutoReg(${p})` : `AR(${p})`], ['Method:', label[this.method]], ['Trend:', this.trend === 'c' ? 'constant' : 'none'], ['Sample:', String(sampleStart)], ['', String(n)]],
      [['No. Observations:', String(n)], ['Log Likelihood', opt(this.llf)], ['S.D. of innovations', Math.sqrt(this.sigma2).toFixed(3)], ['AIC', opt(this.aic)], ['BIC', opt(this.bic)], ['HQIC', opt(this.hqic)]],
    );
    const se = this.table.stdErrors;
    const z975 = normalQuantile(0.975);
    const dash = (v: number, digits = 4) => (Number.isFinite(v) ? fmt(v, digits) : '-');
    const rows = this.table.names.map((nm, i) => {
      const b = this.table.values[i];
      if (!se) return [nm, fmt(b), '-', '-', '-', '-', '-'];
      const z = b / se[i];
      return [nm, fmt(b), dash(se[i]), dash(z, 3), Number.isFinite(z) ? (2 * normalSf(Math.abs(z))).toFixed(3) : '-', dash(b - z975 * se[i]), dash(b + z975 * se[i])];
    });
    const coef = table(['', 'coef', 'std err', 'z', 'P>|z|', '[0.025', '0.975]'], rows, 12);
    const roots = this.roots();
    const rootTable = roots.length
      ? table(
        ['', 'Real', 'Imaginary', 'Modulus', 'Frequency'],
        roots.map((r, i) => [`AR.${i + 1}`, r.real.toFixed(4), `${r.imag >= 0 ? '+' : '-'}${Math.abs(r.imag).toFixed(4)}j`, r.modulus.toFixed(4), r.frequency.toFixed(4)]),
        12,
      )
      : '(no AR roots: order 0)';
    const notes: string[] = [];
    if (this.method === 'yule-walker' || this.method === 'burg') {
      notes.push('Standard errors are asymptotic: sigma2 Gamma_p^-1 / n (Brockwell & Davis 5.1); const = mean (1 - sum ar).');
    }
    if (this.method === 'mle') notes.push('const is the process mean; standard errors from the numerical Hessian of the exact log-likelihood.');
    return [
      '                            AutoReg Model Results', rule(), head, rule(), coef,
      '                                    Roots', rule(), rootTable, rule(), ...notes,
    ].join('\n');
  }

  /** Plain JSON with the parameters and the series; {@link FittedAR.fromJSON} restores an equal model. */
  toJSON(): ARJSON {
    const se = this.table.stdErrors;
    return {
      kind: 'ar',
      version: MODEL_JSON_VERSION,
      method: this.method,
      order: this.order,
      trend: this.trend,
      yuleWalkerMethod: this.yuleWalkerMethod,
      y: Array.from(this.y, (v) => (Number.isNaN(v) ? null : v)),
      params: { names: this.table.names.slice(), values: this.table.values.slice(), stdErrors: se ? se.slice() : null },
      ar: this.ar.slice(),
      intercept: this.intercept,
      mean: this.mean,
      sigma2: this.sigma2,
      nobs: this.nobs,
      llf: this.llf ?? null,
      nParams: this.nParams ?? null,
      arima: this.arima ? this.arima.toJSON() : null,
    };
  }

  /** Restores a model saved with {@link FittedAR.toJSON} (no refitting: forecasts are identical). */
  static fromJSON(json: ARJSON): FittedAR {
    if (!json || json.kind !== 'ar') throw new ArgumentError(`fromJSON: expected kind 'ar'; got '${String(json?.kind)}'`, 'json');
    checkModelJSON(json, 'ar', MODEL_JSON_VERSION, ['mean']); // the mean c/(1 − Σφ) is infinite at a unit root
    if (!METHODS.includes(json.method)) throw new ArgumentError(`fromJSON: unknown method '${String(json.method)}'`, 'json');
    if (!Array.isArray(json.ar) || json.ar.length !== json.order) throw new ArgumentError(`fromJSON: ar must hold order = ${json.order} coefficients`, 'json');
    return new FittedAR({
      method: json.method,
      order: json.order,
      trend: json.trend,
      yuleWalkerMethod: json.yuleWalkerMethod,
      y: Float64Array.from(json.y, (v) => (v === null ? NaN : v)),
      params: { names: json.params.names.slice(), values: json.params.values.slice(), stdErrors: json.params.stdErrors ? json.params.stdErrors.slice() : undefined },
      ar: json.ar.slice(),
      intercept: json.intercept,
      mean: json.mean,
      sigma2: json.sigma2,
      nobs: json.nobs,
      llf: json.llf ?? undefined,
      nParams: json.nParams ?? undefined,
      arima: json.arima ? FittedARIMA.fromJSON(json.arima) : null,
    });
  }
}

/** Restores a {@link FittedAR} from its JSON (same as `FittedAR.fromJSON`; named apart for barrel exports). */
export function arFromJSON(json: ARJSON): FittedAR {
  return FittedAR.fromJSON(json);
}



/** Options of {@link selectAROrder}. */
export interface ARSelectOptions {
  /** Largest order considered; every p = 0..maxLag is fitted on t = maxLag+1..n. */
  maxLag: number;
  /** Criterion to minimise. Default 'aic'. */
  ic?: ARCriterion;
  trend?: ARTrend;
}

/** One candidate order with its criteria (all on the common sample). */
export interface ARSelectionRow {
  p: number;
  aic: number;
  bic: number;
  hqic: number;
}

/** Result of {@link selectAROrder}. */
export interface ARSelection {
  /** The selected order p (lags 1..p). */
  selected: number;
  ic: ARCriterion;
  /** Criteria for p = 0..maxLag, in order of p. */
  table: ARSelectionRow[];
  /** The selected AR(p) refitted by conditional OLS on its own sample t = p+1..n. */
  model: FittedAR;
}

/**
 * AR order selection exactly as statsmodels `ar_select_order(y, maxlag, ic, trend, glob=False)`
 * (Lütkepohl 2005 §4.3): every p = 0..maxLag is fitted by conditional OLS on the same sample
 * t = maxLag+1..n (hold_back = maxlag), so the criteria are comparable; ties go to the smaller p.
 */
export function selectAROrder(y: ArrayLike<number>, options: ARSelectOptions): ARSelection {
  if (!options || typeof options !== 'object') throw new ArgumentError('selectAROrder needs options with maxLag, e.g. { maxLag: 10 }', 'maxLag');
  const ic = options.ic ?? 'aic';
  if (!['aic', 'bic', 'hqic'].includes(ic)) throw new ArgumentError(`ic must be 'aic', 'bic' or 'hqic'; got '${String(ic)}'`, 'ic');
  const trend = checkTrend(options.trend);
  const data = checkSeries(y, false);
  const maxLag = options.maxLag;
  if (typeof maxLag !== 'number' || !Number.isInteger(maxLag) || maxLag < 0) {
    throw new ArgumentError(`maxLag must be a non-negative integer; got ${String(maxLag)}`, 'maxLag');
  }
  const n = data.length;
  const k = maxLag + (trend === 'c' ? 1 : 0);
  if (n - maxLag <= k) {
    throw new DataError(
      `y is too short to compare orders up to maxLag = ${maxLag}: the common sample has ${Math.max(0, n - maxLag)} observations for up to ${k} coefficients; it needs at least ${maxLag + k + 1} observations (or use a smaller maxLag)`,
      'y',
    );
  }
  const [lo, hi] = extent(data);
  checkMagnitude(lo, hi, 'y', 'an AR model');
  if (lo === hi) throw new DataError('y is constant; an autoregression needs variation in the series', 'y');
  const rows: ARSelectionRow[] = [];
  for (let p = 0; p <= maxLag; p++) {
    const r = conditionalOLS(data, p, maxLag, trend);
    // statsmodels takes df_model from the OLS results, which excludes the constant: k = p + 1
    // (lags plus σ²) whatever the trend — unlike the AutoReg results (const + lags + σ²).
    rows.push({ p, ...criteria(conditionalLlf(r.ssr, r.nobs), r.nobs, p + 1) });
  }
  let best = 0;
  for (let p = 1; p <= maxLag; p++) if (rows[p][ic] < rows[best][ic]) best = p;
  return { selected: best, ic, table: rows, model: fitAR(data, { order: best, trend, method: 'ols' }) };
}

// ---------------------------------------------------------------------------------------------
// Registry entry

/** The options schema of {@link fitAR} (see {@link AROptions}). */
export const arOptionsSchema = z.strictObject({
  order: z.number().int().min(0).describe('autoregressive order p').meta({ cli: { value: 'p' } }),
  method: z.enum(['ols', 'yule-walker', 'burg', 'mle']).default('ols').describe('estimator (ols: statsmodels AutoReg)'),
  trend: z.enum(['c', 'n']).default('c').describe('c estimates a constant, n fits a zero-mean process'),
  yuleWalkerMethod: z.enum(['mle', 'adjusted']).default('mle').describe('autocovariance denominator of yule-walker (mle: n)'),
});

/** Registry entry of {@link fitAR}. */
export const arEntry: SeriesModelEntry<z.output<typeof arOptionsSchema>, FittedAR> = {
  name: 'ar',
  shape: 'series',
  description: 'AR(p) by conditional OLS, Yule-Walker, Burg or exact ML',
  producesKind: 'ar',
  options: arOptionsSchema,
  fit: (y, options) => fitAR(y, options),
  fromJSON: (json) => FittedAR.fromJSON(json as ARJSON),
  report: (fit) => ({
    method: fit.method, order: [fit.order, 0, 0], seasonalOrder: [0, 0, 0, 0],
    params: { names: fit.paramNames, values: Array.from(fit.params), stdErrors: fit.bse ?? null },
    sigma2: fit.sigma2, logLik: fit.llf, aic: fit.aic, aicc: null, bic: fit.bic, hqic: fit.hqic, nobs: fit.nobs,
  }),
  example: { dataset: 'lynx', transform: 'log10', options: arOptionsSchema.parse({ order: 2 }) },
};
