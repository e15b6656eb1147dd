/**
 * ARIMA(p,d,q) and seasonal ARIMA(p,d,q)(P,D,Q)_s with regression effects (regression with
 * SARIMA errors): y_t = x_t'β + u_t,  φ(L)Φ(L^s)(1−L)^d(1−L^s)^D u_t = θ(L)Θ(L^s) ε_t,
 * ε_t ~ N(0, σ²). Box, Jenkins, Reinsel & Ljung (2015) ch. 4–9; Durbin & Koopman (2012) §3.4.
 *
 * Estimation is exact Gaussian maximum likelihood by the Kalman filter
 * (see `estimators/kalman.ts`): the differencing states get an exact diffuse prior, so the
 * log-likelihood is that of the differenced data — R `arima(method = "ML")` convention — and
 * missing values in y are skipped by the filter. σ² and β are concentrated out (β by GLS on the
 * filtered innovations), so the optimiser only sees the ARMA coefficients, which are mapped to the
 * stationary/invertible region by the PACF (tanh + Durbin–Levinson) reparametrisation.
 * Start values come from conditional sum of squares (CSS); the ML search is restarted from
 * zero coefficients when it did not converge cleanly, and the better optimum is kept.
 *
 * @example
 * const fit = fitARIMA(logAir, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } });
 * fit.params; fit.llf; fit.forecast(24).interval(95);
 */
import { ArgumentError, DataError, ConvergenceError, SingularMatrixError } from '../core/errors.js';
import { GaussianForecast } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions, FutureRegressors } from '../core/model.js';
import type { Rng } from '../core/rng.js';
import type { AutoARIMASelection } from './auto-arima.js';
import { lbfgs, numericHessian } from '../core/optimize.js';
import { invertSPD, inverse, choleskySolve, leastSquares, symmetricEigen, type Matrix } from '../core/linalg.js';
import { normalSf, normalQuantile, LOG2PI } from '../core/distributions.js';
import { extent, ljungBox, jarqueBera } from '../core/stats.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';
import {
  expandAR, expandMA, difference, differencingPolynomial,
  fromStationary, fromInvertible, isStationary, isInvertible, polyRoots, invertMA,
} from './estimators/polynomial.js';
import { splitArma, transformArma, transformArR, polynomials, type Layout } from './estimators/layout.js';
import { fitCss, cssResiduals, olsIgnoringNaN, olsScales } from './estimators/css.js';
import { vmmin } from './estimators/vmmin.js';
import { checkHorizon, checkMagnitude, checkNotPerfect, checkPaths, historyJSON, nameRecord, checkModelJSON, MODEL_JSON_VERSION, checkForecastFinite } from '../core/validate.js';
import { vectorWithLegacy, type VectorWithLegacy } from '../core/deprecated.js';
import { z, parseIntList, type SeriesModelEntry } from '../core/model-entry.js';
import {
  armaFilter, armaCrossProducts, diffuseFilter, kappaFilter, sarimaStateSpace, sparseRows, sparseMatVec, sparsePredictCov, type SparseRows, type CrossProducts,
} from './estimators/kalman.js';
import { diffuseSmoother } from './estimators/kalman-smoother.js';

export type Trend = 'n' | 'c' | 't' | 'ct';
export type ARIMAMethod = 'ml' | 'css-ml' | 'css';

export interface SeasonalOrder {
  order: readonly [number, number, number];
  period: number;
}

export interface ARIMAOptions {
  /** Non-seasonal order (p, d, q). */
  order: readonly [number, number, number];
  /** Seasonal order (P, D, Q) and period s. Default none. */
  seasonal?: SeasonalOrder;
  /**
   * Deterministic terms in the regression: 'c' a constant (the process mean when d + D = 0),
   * 't' a linear time trend t = 1..n named 'drift' (the drift of the differenced series),
   * 'ct' both, 'n' none. Default 'c' when d + D = 0, else 'n' (R's default).
   */
  trend?: Trend;
  /** Exogenous regressors by name, each of length n (complete). */
  exog?: Readonly<Record<string, ArrayLike<number>>>;
  /**
   * 'ml' (default): exact ML from CSS start values, restarted from zeros if needed;
   * 'css-ml': exact ML from CSS start values only (R's default); 'css': conditional sum of squares.
   */
  method?: ARIMAMethod;
  /**
   * Relative decrease of the objective below which the optimiser stops. Default 1e-14 (tight);
   * auto-ARIMA's search uses 1e-10, still stricter than R's optim reltol of 1e-8.
   */
  ftol?: number;
  /**
   * Restart the ML search from further start values (a pure-AR CSS fit and zero coefficients)
   * and keep the best optimum. Default true for 'ml', false for 'css-ml' (R's single start).
   */
  restarts?: boolean;
}

/** Plain-data parameters of a (S)ARIMA model with regression. */
export interface ARIMAParams {
  order: [number, number, number];
  seasonalOrder: [number, number, number, number];
  trend: Trend;
  exogNames: string[];
  /** Regression coefficients, trend terms first then exog, in {@link ARIMAParams.regressionNames} order. */
  beta: number[];
  ar: number[];
  ma: number[];
  seasonalAr: number[];
  seasonalMa: number[];
  sigma2: number;
}

/** Names of the deterministic and exogenous regressors in parameter order. */
function regressionNames(trend: Trend, exogNames: readonly string[]): string[] {
  const out: string[] = [];
  if (trend === 'c' || trend === 'ct') out.push('const');
  if (trend === 't' || trend === 'ct') out.push('drift');
  return out.concat(exogNames);
}

/** Parameter names in statsmodels' convention (sigma2 last). */
export function arimaParamNames(p: ARIMAParams): string[] {
  const s = p.seasonalOrder[3];
  return [
    ...regressionNames(p.trend, p.exogNames),
    ...p.ar.map((_, i) => `ar.L${i + 1}`),
    ...p.ma.map((_, i) => `ma.L${i + 1}`),
    ...p.seasonalAr.map((_, i) => `ar.S.L${s * (i + 1)}`),
    ...p.seasonalMa.map((_, i) => `ma.S.L${s * (i + 1)}`),
    'sigma2',
  ];
}

/** Regressor columns for time points t = start+1 … start+len (1-based time index). */
function regressionColumns(
  trend: Trend, exogNames: readonly string[], exog: FutureRegressors | undefined, start: number, len: number, argument: string,
): Float64Array[] {
  const cols: Float64Array[] = [];
  if (trend === 'c' || trend === 'ct') cols.push(new Float64Array(len).fill(1));
  if (trend === 't' || trend === 'ct') cols.push(Float64Array.from({ length: len }, (_, i) => start + i + 1));
  for (const name of exogNames) {
    const x = exog?.[name];
    if (!x) throw new ArgumentError(`${argument} is missing regressor '${name}'; give ${len} values for it`, argument);
    if (x.length !== len) {
      throw new DataError(`${argument} '${name}' has ${x.length} values; expected ${len}`, argument);
    }
    const col = Float64Array.from(x);
    col.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new DataError(`${argument} '${name}' has a missing or non-finite value at row ${i + 1}; regressors must be complete`, argument);
    });
    cols.push(col);
  }
  return cols;
}

const MAX_ORDER = 50;

function checkOrder(o: readonly number[] | undefined, len: number, argument: string): void {
  if (!Array.isArray(o) || o.length !== len || !o.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ArgumentError(`${argument} must be ${len} non-negative integers; got ${JSON.stringify(o)}`, argument);
  }
  if (o.some((v) => v > MAX_ORDER)) {
    throw new ArgumentError(`${argument} ${JSON.stringify(o)} is absurdly large (each order must be at most ${MAX_ORDER})`, argument);
  }
}

/** Data prepared for the likelihood: either differenced (fast path) or raw with a diffuse prior. */
interface Prepared {
  /** ys[0] = y, ys[1..] = regressors; differenced when `differenced`. */
  ys: Float64Array[];
  differenced: boolean;
  delta: number[];
}

function prepare(y: Float64Array, X: Float64Array[], L: Layout): Prepared {
  const nd = L.d + L.D * L.s;
  const delta = differencingPolynomial(L.d, L.D, L.s);
  const hasNaN = y.some(Number.isNaN);
  if (nd > 0 && !hasNaN) {
    return { ys: [y, ...X].map((c) => difference(c, L.d, L.D, L.s)), differenced: true, delta };
  }
  return { ys: [y, ...X], differenced: nd === 0, delta };
}

function runFilter(prep: Prepared, L: Layout, c: readonly number[], keepState = false) {
  const { phi, theta } = polynomials(L, c);
  if (prep.differenced) return armaFilter(phi, theta, prep.ys, keepState);
  return diffuseFilter(sarimaStateSpace(phi, theta, prep.delta), prep.ys, keepState);
}

/** The likelihood's sufficient statistics Σ v v'/F (y first, then regressors) and Σ log F. */
function crossProducts(prep: Prepared, L: Layout, c: readonly number[]): CrossProducts {
  const { phi, theta } = polynomials(L, c);
  if (prep.differenced) return armaCrossProducts(phi, theta, prep.ys);
  const f = diffuseFilter(sarimaStateSpace(phi, theta, prep.delta), prep.ys);
  const ns = prep.ys.length;
  const cross = new Float64Array(ns * ns);
  for (let i = 0; i < f.nUsed; i++) {
    for (let a = 0; a < ns; a++) for (let b = 0; b < ns; b++) cross[a * ns + b] += (f.v[a][i] * f.v[b][i]) / f.F[i];
  }
  return { cross, nUsed: f.nUsed, sumLogF: f.sumLogF };
}

/** {@link crossProducts} by R's approximate diffuse filter ({@link kappaFilter}). */
function kappaCrossProducts(prep: Prepared, L: Layout, c: readonly number[]): CrossProducts {
  const { phi, theta } = polynomials(L, c);
  const f = kappaFilter(sarimaStateSpace(phi, theta, prep.delta), prep.ys);
  const ns = prep.ys.length;
  const cross = new Float64Array(ns * ns);
  for (let i = 0; i < f.nUsed; i++) {
    for (let a = 0; a < ns; a++) for (let b = 0; b < ns; b++) cross[a * ns + b] += (f.v[a][i] * f.v[b][i]) / f.F[i];
  }
  return { cross, nUsed: f.nUsed, sumLogF: f.sumLogF };
}

/**
 * GLS of y on the regressors given the ARMA coefficients (the exact profile in β): solve
 * Σ v_X v_X'/F · β = Σ v_X v_y/F, equilibrated by the diagonal; SSR = Σ v_y²/F − β'Σ v_X v_y/F.
 * The caller centres y by a preliminary β so that this difference does not cancel.
 */
function profileBeta(cp: CrossProducts): { beta: number[]; ssr: number } {
  const ns = Math.round(Math.sqrt(cp.cross.length));
  const k = ns - 1;
  const C = cp.cross;
  if (k === 0) return { beta: [], ssr: C[0] };
  const c = new Float64Array(k);
  for (let j = 0; j < k; j++) c[j] = Math.sqrt(C[(j + 1) * ns + j + 1]) || 1;
  const A: Matrix = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => C[(a + 1) * ns + b + 1] / (c[a] * c[b])));
  const rhs = Array.from({ length: k }, (_, a) => C[(a + 1) * ns] / c[a]);
  let z: number[];
  try {
    z = choleskySolve(A, rhs);
  } catch {
    return { beta: new Array<number>(k).fill(NaN), ssr: NaN };
  }
  let fit = 0;
  for (let j = 0; j < k; j++) fit += z[j] * rhs[j];
  return { beta: z.map((v, j) => v / c[j]), ssr: Math.max(C[0] - fit, 0) };
}

/** Concentrated log-likelihood (σ², β profiled) and the profiled values. */
function concentrated(prep: Prepared, L: Layout, c: readonly number[]) {
  const cp = crossProducts(prep, L, c);
  const { beta, ssr } = profileBeta(cp);
  const n = cp.nUsed;
  const sigma2 = ssr / n;
  const llf = -0.5 * (n * (LOG2PI + Math.log(sigma2) + 1) + cp.sumLogF);
  return { llf, sigma2, beta, nUsed: n };
}

/** The same data with y replaced by y − Xβ₀, so profiled coefficients are small corrections. */
function centred(prep: Prepared, beta0: readonly number[]): Prepared {
  if (!beta0.length) return prep;
  const y = prep.ys[0].map((v, t) => {
    let u = v;
    for (let j = 0; j < beta0.length; j++) u -= beta0[j] * prep.ys[j + 1][t];
    return u;
  });
  return { ...prep, ys: [y, ...prep.ys.slice(1)] };
}

/** Fits an ARIMA/SARIMA model with optional trend and exogenous regressors. */
export function fitARIMA(data: ArrayLike<number>, options: ARIMAOptions): FittedARIMA {
  checkOrder(options?.order, 3, 'order');
  const [p, d, q] = options.order;
  const seasonal = options.seasonal;
  let P = 0, D = 0, Q = 0, s = 0;
  if (seasonal) {
    checkOrder(seasonal.order, 3, 'seasonal');
    [P, D, Q] = seasonal.order;
    s = seasonal.period;
    if (!Number.isInteger(s) || s < 2) {
      if (P + D + Q > 0 || s !== 0) {
        throw new ArgumentError(`seasonal period must be an integer of at least 2; got ${s}`, 'seasonal');
      }
    }
    if (P + D + Q === 0) s = 0;
  }
  const L: Layout = { p, q, P, Q, s: s || 1, d, D };
  const method = options.method ?? 'ml';
  if (!['ml', 'css-ml', 'css'].includes(method)) throw new ArgumentError(`method must be ml, css-ml or css; got '${method}'`, 'method');
  const nd = d + D * (s || 0);
  const trend: Trend = options.trend ?? (nd === 0 ? 'c' : 'n');
  if (!['n', 'c', 't', 'ct'].includes(trend)) throw new ArgumentError(`trend must be n, c, t or ct; got '${trend as string}'`, 'trend');
  if ((trend === 'c' || trend === 'ct') && nd > 0) {
    throw new ArgumentError(`trend '${trend}' includes a constant, which differencing (d + D = ${d + D}) removes; use trend 't' for a drift or 'n'`, 'trend');
  }
  if ((trend === 't' || trend === 'ct') && nd > 0 && d + D > 1) {
    throw new ArgumentError(`a linear trend vanishes under ${d + D} differences; use trend 'n'`, 'trend');
  }
  const y = Float64Array.from(data);
  const n = y.length;
  const observed = y.filter((v) => !Number.isNaN(v));
  if (y.some((v) => !Number.isNaN(v) && !Number.isFinite(v))) throw new DataError('y contains infinite values', 'y');
  if (observed.length === 0) throw new DataError('y has no observed values (all missing)', 'y');
  if (nd >= n) throw new DataError(`differencing d + D·s = ${nd} needs more than ${nd} observations; got ${n}`, 'order');
  const exogNames = options.exog ? Object.keys(options.exog) : [];
  const regNames = regressionNames(trend, exogNames);
  const X = regressionColumns(trend, exogNames, options.exog, 0, n, 'exog');
  const nArma = p + q + P + Q;
  const k = nArma + regNames.length + 1;
  const nEff = observed.length - nd;
  if (nEff < k + 1) {
    throw new DataError(
      `the series is too short for this model: ${observed.length} observations, ${nd} lost to differencing, ${k} parameters; it needs at least ${k + 1 + nd} observations`,
      'y',
    );
  }
  // A lag longer than the differenced series leaves its coefficient without a single pair of
  // observations: the fit would report it as 0 with no standard error.
  const span = Math.max(p + P * (s || 0), q + Q * (s || 0));
  if (span >= nEff) {
    const what = P + Q > 0 && Math.max(P, Q) * (s || 0) >= nEff ? `the seasonal lag ${Math.max(P, Q)}·${s} = ${Math.max(P, Q) * s}` : `lag ${span}`;
    throw new DataError(
      `the series is too short for this model: ${what} reaches past the ${nEff} observations left after differencing; it needs more than ${span + nd} observations (several seasons for seasonal terms), or a smaller order`,
      'y',
    );
  }
  const [lo, hi] = extent(observed);
  checkMagnitude(lo, hi, 'y', 'an ARIMA model');
  if (lo === hi) {
    throw new DataError('y is constant; an ARIMA model needs variation in the series', 'y');
  }
  const prep = prepare(y, X, L);
  // Regressors that differencing wipes out cannot be estimated.
  if (prep.differenced && nd > 0) {
    prep.ys.slice(1).forEach((c, j) => {
      if (c.every((v) => Math.abs(v) < 1e-12)) {
        throw new ArgumentError(`regressor '${regNames[j]}' is constant after differencing and cannot be estimated; drop it`, regNames[j] === 'drift' ? 'trend' : 'exog');
      }
    });
  }
  checkRegressorRank(prep, L, regNames);
  const ftol = options.ftol ?? 1e-14;
  if (!(ftol > 0 && ftol < 1)) throw new ArgumentError(`ftol must lie in (0, 1); got ${ftol}`, 'ftol');
  const fit = estimate(y, X, prep, L, { trend, exogNames, method, ftol, restarts: options.restarts ?? method === 'ml' });
  checkNotPerfect(fit.arimaParams.sigma2, lo, hi, 'an ARIMA model');
  return fit;
}

/**
 * The regressors (constant, drift, exog) of the differenced data must have full rank: the start
 * regression (R's `lm(dx ~ dxreg - 1)`) would otherwise give no coefficients and the fit null ones.
 * A {@link SingularMatrixError} names the collinear columns (an exog equal to a multiple of the
 * constant, a linear exog with drift under differencing).
 */
function checkRegressorRank(prep: Prepared, L: Layout, regNames: readonly string[]): void {
  const k = regNames.length;
  if (k < 2) return; // one column: an all-zero one is caught as wiped out by differencing, or is the constant
  const w = prep.differenced ? prep.ys : prep.ys.map((c) => difference(c, L.d, L.D, L.s));
  const rows: number[][] = [], target: number[] = [];
  for (let t = 0; t < w[0].length; t++) {
    if (Number.isNaN(w[0][t])) continue;
    const row = new Array<number>(k);
    let ok = true;
    for (let j = 0; j < k; j++) { row[j] = w[j + 1][t]; if (!Number.isFinite(row[j])) ok = false; }
    if (!ok) continue;
    rows.push(row);
    target.push(w[0][t]);
  }
  try {
    leastSquares(rows, target, regNames);
  } catch (e) {
    if (e instanceof SingularMatrixError) {
      throw new SingularMatrixError(`the regressors of the${L.d + L.D > 0 ? ' differenced' : ''} series are collinear: ${e.message}`, regNames.some((n) => n !== 'const' && n !== 'drift') ? 'exog' : 'trend');
    }
    throw e;
  }
}

function estimate(
  y: Float64Array, X: Float64Array[], prep: Prepared, L: Layout,
  o: { trend: Trend; exogNames: string[]; method: ARIMAMethod; ftol: number; restarts: boolean },
): FittedARIMA {
  const nArma = L.p + L.q + L.P + L.Q;
  const wData = prep.differenced ? prep.ys : prep.ys.map((c) => difference(c, L.d, L.D, L.s));
  // 1. CSS (R's first stage): the fit itself for method 'css', start values otherwise. Like R,
  //    CSS-ML on data with gaps skips CSS and starts ML from zero coefficients.
  const hasGaps = y.some(Number.isNaN);
  if (o.method === 'css') {
    const css = fitCss(wData, L, Math.max(o.ftol, 1e-12));
    const params = makeParams(L, o, css.beta, css.coef, css.sigma2);
    // R's n.used = #observed − d − D·s, with gaps too (where the differenced series has more of them).
    let nObs = 0;
    for (const v of y) if (!Number.isNaN(v)) nObs++;
    const nUsed = nObs - (L.d + L.D * L.s);
    const llf = -0.5 * nUsed * (LOG2PI + 1 + Math.log(css.sigma2));
    return new FittedARIMA(params, y, X, { llf, nUsed, method: 'css', converged: css.converged });
  }
  let cssCoef: number[] | null = null;
  if (!(o.method === 'css-ml' && hasGaps)) {
    try {
      cssCoef = fitCss(wData, L, Math.max(o.ftol, 1e-12)).coef;
    } catch (e) {
      if (!(e instanceof ConvergenceError)) throw e;
    }
  }
  const { ar, ma, sar, sma } = splitArma(L, cssCoef ?? new Array<number>(nArma).fill(0));
  const cssStationary = isStationary(ar) && isStationary(sar);
  if (o.method === 'css-ml' && !cssStationary) {
    throw new ConvergenceError(
      `the CSS estimates have a non-stationary ${isStationary(ar) ? 'seasonal ' : ''}AR part, so CSS-ML cannot start; use method 'ml'`,
      'method',
    );
  }
  const zeros = new Array<number>(nArma).fill(0);
  // Coordinates: 'ml' keeps AR stationary and MA invertible by the PACF transform of each;
  // 'css-ml' follows R (AR transformed, MA free, inverted after the fit) so that from the same
  // CSS start the search takes R's path to R's optimum.
  const rCoords = o.method === 'css-ml';
  const toCoef = (x: readonly number[]) => (rCoords ? transformArR(L, x) : transformArma(L, x));
  // CSS estimates as ML start: AR mapped to PACF coordinates, MA reflected to invertibility.
  const maStart = (m: number[]) => (rCoords ? invertMA(m) : fromInvertible(invertMA(m)));
  const cssStart = cssStationary
    ? [...fromStationary(ar), ...maStart(ma), ...fromStationary(sar), ...maStart(sma)]
    : zeros;

  // 2. Exact ML on the concentrated likelihood in the unconstrained coordinates.
  const beta0 = olsIgnoringNaN(wData[0], wData.slice(1));
  const prepC = centred(prep, beta0);
  const objective = (x: readonly number[]) => {
    try {
      const r = concentrated(prepC, L, toCoef(x));
      return -r.llf / Math.max(1, r.nUsed);
    } catch {
      return Infinity; // numerically on the stationarity boundary: reject the step
    }
  };
  const run = (x0: number[]) => lbfgs(objective, x0, { gtol: 1e-7, ftol: o.ftol, maxIter: 400 });
  // R's arima(method = "CSS-ML") on data with gaps runs "ML" from zero coefficients by optim's
  // BFGS; on a multimodal likelihood the optimum it reaches (and so what auto-ARIMA keeps or
  // rejects) depends on that path, so it is followed: estimates from R's path.
  let best = o.method === 'css-ml' && hasGaps ? rPathML(prepC, L, wData, beta0, toCoef) : run(cssStart.map((v) => (Number.isFinite(v) ? v : 0)));
  if (o.restarts && nArma > 0) {
    // ARMA likelihoods are often multimodal (near-cancelling AR and MA factors). Screen further
    // starts with a few iterations each — a pure-AR CSS fit (MA zero), zero coefficients (R's
    // start for method "ML") and the optimum with its signs flipped (the mirror mode of a
    // near-cancelling pair) — and run to convergence only those whose basin is competitive
    // (within one log-likelihood unit) and not the one already explored; keep the best optimum.
    const starts: number[][] = [];
    const mixed = L.p + L.P > 0 && L.q + L.Q > 0;
    if (mixed) {
      const arL: Layout = { ...L, q: 0, Q: 0 };
      try {
        const a = splitArma(arL, fitCss(wData, arL, Math.max(o.ftol, 1e-12)).coef);
        if (isStationary(a.ar) && isStationary(a.sar)) {
          starts.push([...fromStationary(a.ar), ...new Array<number>(L.q).fill(0), ...fromStationary(a.sar), ...new Array<number>(L.Q).fill(0)]);
        }
      } catch (e) {
        if (!(e instanceof ConvergenceError)) throw e;
      }
    }
    starts.push(zeros);
    if (mixed) {
      const m = mirrored(L, toCoef(best.x));
      if (m) starts.push(m);
    }
    const margin = 1 / Math.max(1, prepC.ys[0].length);
    for (const x0 of starts) {
      if (x0.every((v, i) => Math.abs(v - cssStart[i]) < 1e-8)) continue;
      const screen = lbfgs(objective, x0, { gtol: 1e-5, ftol: 1e-8, maxIter: 4 });
      if (!(screen.fx < best.fx + margin)) continue;
      // Heading into the basin already explored: not worth converging again.
      const dist = Math.max(...screen.x.map((v, i) => Math.abs(v - best.x[i])));
      if (dist < 0.1 && !(screen.fx < best.fx - 1e-10)) continue;
      const alt = run(screen.x);
      if (alt.fx < best.fx - 1e-12) best = alt;
    }
  }
  let c = toCoef(best.x);
  if (rCoords) {
    const parts = splitArma(L, c);
    c = [...parts.ar, ...invertMA(parts.ma), ...parts.sar, ...invertMA(parts.sma)];
  }
  const r = concentrated(prepC, L, c);
  const params = makeParams(L, o, r.beta.map((b, j) => b + beta0[j]), c, r.sigma2);
  return new FittedARIMA(params, y, X, { llf: r.llf, nUsed: r.nUsed, method: o.method, converged: best.converged, prep, layout: L });
}

/**
 * R's `arima(method = "ML")` search as `CSS-ML` runs it on data with gaps: optim's BFGS
 * ({@link vmmin}: numerical gradient, step 10⁻³, reltol √ε, at most 100 iterations) over
 * [ARMA in R's coordinates, regression coefficients], from zero ARMA coefficients and the
 * regression of the differenced data (R: `lm(dx ~ dxreg - 1)`, parscale 10·se), minimising R's
 * `armafn` 0.5·(log(SSR(β)/n) + Σ log F_t / n) evaluated as R does, with the κ = 10⁶ prior of
 * {@link kappaFilter} (the stationary block is exact here, Gardner's Q0 in R). The fit's reported
 * log-likelihood is then the exact one at these estimates. A non-finite difference quotient (R's
 * "non-finite finite-difference value") is a ConvergenceError, as the error is R's. `prepC` is
 * the data centred at β₀ (the regression coefficients enter as β₀ + δ).
 */
function rPathML(
  prepC: Prepared, L: Layout, wData: Float64Array[], beta0: readonly number[], toCoef: (x: readonly number[]) => number[],
): { x: number[]; fx: number; converged: boolean } {
  const nArma = L.p + L.q + L.P + L.Q;
  const nb = beta0.length, ns = nb + 1;
  const ses = olsScales(wData[0], wData.slice(1), beta0);
  const parscale = [...new Array<number>(nArma).fill(1), ...ses.map((v) => 10 * v)];
  const armafn = (par: readonly number[]) => {
    try {
      const cp = kappaCrossProducts(prepC, L, toCoef(par.slice(0, nArma)));
      // SSR(β) = [1, −δ]' C [1, −δ] with δ = β − β₀ (C: cross products of centred y and X).
      const C = cp.cross;
      let ssr = C[0];
      for (let j = 0; j < nb; j++) {
        const dj = par[nArma + j] - beta0[j];
        ssr -= 2 * dj * C[j + 1];
        for (let k = 0; k < nb; k++) ssr += dj * (par[nArma + k] - beta0[k]) * C[(j + 1) * ns + k + 1];
      }
      const v = 0.5 * (Math.log(ssr / cp.nUsed) + cp.sumLogF / cp.nUsed);
      return Number.isFinite(v) ? v : Number.MAX_VALUE;
    } catch {
      return Number.MAX_VALUE; // R: armafn returns .Machine$double.xmax when the model cannot be set up
    }
  };
  try {
    const r = vmmin(armafn, [...new Array<number>(nArma).fill(0), ...beta0], { parscale });
    return { x: r.par.slice(0, nArma), fx: r.value, converged: r.convergence === 0 };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ConvergenceError(`maximum likelihood from zero coefficients failed as R's would (${e.message}); use method 'ml'`, 'method');
  }
}

/**
 * Start values with every coefficient's sign flipped (φ ← −φ, θ ← −θ), in 'ml' coordinates;
 * null if not stationary and invertible. A near-cancelling pair φ ≈ −θ leaves the likelihood
 * with a second mode of the opposite signs (e.g. ARMA(1,1) at (0.84, −0.92) and (−0.62, 0.82)).
 */
function mirrored(L: Layout, c: readonly number[]): number[] | null {
  const { ar, ma, sar, sma } = splitArma(L, c);
  const neg = (v: readonly number[]) => v.map((x) => -x);
  const [ar2, ma2, sar2, sma2] = [neg(ar), neg(ma), neg(sar), neg(sma)];
  if (!isStationary(ar2) || !isStationary(sar2) || !isInvertible(ma2) || !isInvertible(sma2)) return null;
  return [...fromStationary(ar2), ...fromInvertible(ma2), ...fromStationary(sar2), ...fromInvertible(sma2)];
}

function makeParams(L: Layout, o: { trend: Trend; exogNames: string[] }, beta: number[], c: number[], sigma2: number): ARIMAParams {
  const { ar, ma, sar, sma } = splitArma(L, c);
  return {
    order: [L.p, L.d, L.q],
    seasonalOrder: [L.P, L.D, L.Q, L.P + L.D + L.Q > 0 ? L.s : 0],
    trend: o.trend,
    exogNames: o.exogNames.slice(),
    beta: beta.slice(),
    ar, ma, seasonalAr: sar, seasonalMa: sma,
    sigma2,
  };
}

function layoutOf(p: ARIMAParams): Layout {
  const [P, D, Q, s] = p.seasonalOrder;
  return { p: p.order[0], d: p.order[1], q: p.order[2], P, D, Q, s: s || 1 };
}

interface FitInfo {
  llf: number;
  nUsed: number;
  method: ARIMAMethod;
  converged: boolean;
  prep?: Prepared;
  layout?: Layout;
}

/** The output of {@link FittedARIMA.smooth}: the smoothed signal and states given all the data. */
export interface ARIMASmoothed {
  /** E[y_t | y_1..n] for every t: y_t where observed, the smoothed value x_t'β̂ + Z α̂_t where missing. */
  mean: Float64Array;
  /** Var[y_t | y_1..n]: 0 where observed, Z V_t Z' σ² where missing (β̂ and σ² held fixed). */
  variance: Float64Array;
  /**
   * E[α_t | y_1..n] of the error process u = y − Xβ̂ in the state layout of
   * `sarimaStateSpace`: [u_{t−1}, …, u_{t−nd}, ARMA state (Harvey form)], one array per t.
   */
  states: Float64Array[];
  /** Var[α_t | y_1..n] (m×m, row-major, in the data's units) per t; absent with `stateCov: false`. */
  stateCov?: Float64Array[];
}

/** JSON form of a fitted ARIMA (parameters plus the data it conditions on). */
export interface ARIMAJSON {
  kind: 'arima';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  params: ARIMAParams;
  y: (number | null)[];
  exog: Record<string, number[]>;
  fit: { llf: number; nUsed: number; method: ARIMAMethod; converged: boolean };
}

/**
 * A fitted (S)ARIMA model: parameters, evidence (log-likelihood, information criteria, standard
 * errors) and the data it conditions forecasts on.
 */
export class FittedARIMA implements Forecaster {
  readonly kind = 'arima';
  /** Log-likelihood in R's convention (differenced data, n_used observations). */
  readonly llf: number;
  /** Observations in the likelihood: non-missing values minus d + D·s. */
  readonly nobs: number;
  readonly method: ARIMAMethod;
  readonly converged: boolean;
  /** How the orders were chosen, when the model came from {@link fitAutoARIMA}. */
  selection?: AutoARIMASelection;
  private readonly prep: Prepared;
  private readonly layout: Layout;
  private cache: { cov?: Matrix | null; filter?: ReturnType<typeof runFilter>; resid?: Float64Array; centred?: Prepared } = {};

  constructor(
    /** The process parameters (orders, trend, regression, ARMA coefficients, σ²) as plain data. */
    readonly arimaParams: ARIMAParams,
    readonly y: Float64Array,
    private readonly X: Float64Array[],
    info: FitInfo,
  ) {
    this.llf = info.llf;
    this.nobs = info.nUsed;
    this.method = info.method;
    this.converged = info.converged;
    this.layout = info.layout ?? layoutOf(arimaParams);
    this.prep = info.prep ?? prepare(y, X, this.layout);
  }

  /** Parameter names, statsmodels style (`const`, `drift`, exog, `ar.L1`, …, `sigma2`). */
  get paramNames(): string[] {
    return arimaParamNames(this.arimaParams);
  }

  /**
   * Estimated parameters in {@link FittedARIMA.paramNames} order (statsmodels' `params`). For one
   * release the vector also answers the fields of 0.1's `params` object (`order`, `ar`, `beta`,
   * …; deprecated: read them from {@link FittedARIMA.arimaParams}).
   */
  get params(): VectorWithLegacy<ARIMAParams> {
    return vectorWithLegacy(this.vector(), () => this.arimaParams);
  }

  /** Non-seasonal order (p, d, q). */
  get order(): [number, number, number] {
    return [...this.arimaParams.order];
  }

  /** Seasonal order (P, D, Q, s); all zero without a season. */
  get seasonalOrder(): [number, number, number, number] {
    return [...this.arimaParams.seasonalOrder];
  }

  /** @deprecated renamed {@link FittedARIMA.paramNames} (statsmodels' names); kept for one release. */
  get names(): string[] {
    return this.paramNames;
  }

  /** @deprecated renamed {@link FittedARIMA.params}; kept for one release. */
  get values(): number[] {
    return this.vector();
  }

  /** The estimates [β, AR, MA, seasonal AR, seasonal MA, σ²] as a fresh array. */
  private vector(): number[] {
    const p = this.arimaParams;
    return [...p.beta, ...p.ar, ...p.ma, ...p.seasonalAr, ...p.seasonalMa, p.sigma2];
  }

  get sigma2(): number {
    return this.arimaParams.sigma2;
  }

  /** Number of estimated parameters including σ². */
  get nParams(): number {
    return this.vector().length;
  }

  get aic(): number {
    return -2 * this.llf + 2 * this.nParams;
  }

  /** AICc = AIC + 2k(k+1)/(n − k − 1) (R forecast convention, k counts σ²). */
  get aicc(): number {
    const k = this.nParams, n = this.nobs;
    return n - k - 1 > 0 ? this.aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
  }

  get bic(): number {
    return -2 * this.llf + this.nParams * Math.log(this.nobs);
  }

  get hqic(): number {
    return -2 * this.llf + 2 * this.nParams * Math.log(Math.log(this.nobs));
  }

  /** Full (non-concentrated) log-likelihood at natural parameters [β, ARMA, σ²]. */
  private fullLlf(v: readonly number[]): number {
    const nb = this.arimaParams.beta.length;
    const beta = v.slice(0, nb);
    const c = v.slice(nb, v.length - 1);
    const sigma2 = v[v.length - 1];
    if (!(sigma2 > 0)) return -Infinity;
    const { ar, ma, sar, sma } = splitArma(this.layout, c);
    if (!isStationary(ar) || !isStationary(sar) || !isInvertible(ma) || !isInvertible(sma)) return -Infinity;
    // Sufficient statistics of y − Xβ̂ (centred at the estimate, so the quadratic form below
    // does not cancel): SSR(β) = C₀₀ − 2δ'C_X0 + δ'C_XX δ with δ = β − β̂.
    this.cache.centred ??= centred(this.prep, this.arimaParams.beta);
    const cp = crossProducts(this.cache.centred, this.layout, c);
    const ns = nb + 1, C = cp.cross;
    let ssr = C[0];
    for (let j = 0; j < nb; j++) {
      const dj = beta[j] - this.arimaParams.beta[j];
      ssr -= 2 * dj * C[j + 1];
      for (let k = 0; k < nb; k++) ssr += dj * (beta[k] - this.arimaParams.beta[k]) * C[(j + 1) * ns + k + 1];
    }
    return -0.5 * (cp.nUsed * (LOG2PI + Math.log(sigma2)) + cp.sumLogF + ssr / sigma2);
  }

  /**
   * Covariance of the estimates from the numerical Hessian of the log-likelihood in the natural
   * parameters (what R reports as var.coef, extended to σ²). null when the Hessian is not
   * positive definite (an optimum on the boundary).
   */
  cov(): Matrix | null {
    if (this.cache.cov !== undefined) return this.cache.cov;
    let cov: Matrix | null = null;
    try {
      if (this.method === 'css') {
        // R's var.coef for CSS: inverse Hessian of n_used · ½log(SSR/ν) in [β, ARMA]; no σ² row.
        const v = this.vector().slice(0, -1);
        const wData = this.prep.differenced ? this.prep.ys : this.prep.ys.map((c) => difference(c, this.layout.d, this.layout.D, this.layout.s));
        const nb = this.arimaParams.beta.length;
        const f = (x: readonly number[]) => {
          const w = wData[0].map((yv, t) => yv - x.slice(0, nb).reduce((acc, b, j) => acc + b * wData[j + 1][t], 0));
          const { phi, theta } = polynomials(this.layout, x.slice(nb));
          const { ssr, nu } = cssResiduals(w, phi, theta);
          return 0.5 * this.nobs * Math.log(ssr / nu);
        };
        cov = inverse(numericHessian(f, v, v.map((x) => 1e-4 * Math.max(Math.abs(x), 1e-2))));
      } else {
        const v = this.vector();
        cov = inverse(numericHessian((x) => -this.fullLlf(x), v, this.hessianSteps(v, 1e-4)));
      }
    } catch {
      cov = null;
    }
    this.cache.cov = cov;
    return cov;
  }

  /**
   * Finite-difference steps for [β, ARMA, σ²]: relative to the coefficient (at least rel·0.01),
   * and purely relative for σ², which can be tiny (log data: σ² ~ 1e-6) and must stay positive.
   */
  private hessianSteps(v: readonly number[], rel: number): number[] {
    return v.map((x, i) => (i === v.length - 1 ? rel * Math.abs(x) : rel * Math.max(Math.abs(x), 1e-2)));
  }

  /**
   * Standard errors from the observed information (numerical Hessian, inverted like R's
   * `solve`). An entry is NaN when the Hessian is singular or its inverse has a negative
   * diagonal there (an optimum on the boundary); the CLI prints those as null.
   */
  get bse(): number[] {
    const cov = this.cov();
    const out = this.vector().map(() => NaN);
    if (cov) cov.forEach((r, i) => { out[i] = r[i] >= 0 ? Math.sqrt(r[i]) : NaN; });
    return out;
  }

  /** @deprecated renamed {@link FittedARIMA.bse} (statsmodels' names); kept for one release. */
  get stdErrors(): number[] {
    return this.bse;
  }

  /** Expanded AR and MA polynomials: φ(L)Φ(L^s) = 1 − Σ phi_k L^k, θ(L)Θ(L^s) = 1 + Σ theta_k L^k. */
  polynomials(): { phi: number[]; theta: number[] } {
    return polynomials(this.layout, this.armaCoefficients());
  }

  /**
   * Standard errors from the outer product of per-observation scores (statsmodels' default
   * cov_type='opg'), by central differences of each observation's log-density.
   */
  bseOPG(): number[] {
    const v = this.vector();
    const k = v.length;
    const contributions = (x: readonly number[]): Float64Array | null => {
      const nb = this.arimaParams.beta.length;
      const sigma2 = x[k - 1];
      const c = x.slice(nb, k - 1);
      const { ar, ma, sar, sma } = splitArma(this.layout, c);
      if (!(sigma2 > 0) || !isStationary(ar) || !isStationary(sar) || !isInvertible(ma) || !isInvertible(sma)) return null;
      const f = runFilter(this.prep, this.layout, c);
      const out = new Float64Array(f.nUsed);
      for (let i = 0; i < f.nUsed; i++) {
        let e = f.v[0][i];
        for (let j = 0; j < nb; j++) e -= x[j] * f.v[j + 1][i];
        out[i] = -0.5 * (LOG2PI + Math.log(sigma2 * f.F[i]) + (e * e) / (sigma2 * f.F[i]));
      }
      return out;
    };
    const scores: Float64Array[] = [];
    for (let j = 0; j < k; j++) {
      const h = this.hessianSteps(v, 1e-5)[j];
      const xp = v.slice(), xm = v.slice();
      xp[j] += h; xm[j] -= h;
      const lp = contributions(xp), lm = contributions(xm);
      if (!lp || !lm) return v.map(() => NaN);
      scores.push(lp.map((a, i) => (a - lm[i]) / (2 * h)));
    }
    const opg: Matrix = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
      let s = 0;
      for (let i = 0; i < scores[a].length; i++) s += scores[a][i] * scores[b][i];
      return s;
    }));
    try {
      const cov = invertSPD(opg);
      return cov.map((r, i) => Math.sqrt(r[i]));
    } catch {
      return v.map(() => NaN);
    }
  }

  /** Standardised one-step prediction errors e_t/√F_t (variance σ²) at the used time points. */
  get resid(): Float64Array {
    if (!this.cache.resid) {
      const f = this.filter();
      const b = this.arimaParams.beta;
      const out = new Float64Array(f.nUsed);
      for (let i = 0; i < f.nUsed; i++) {
        let e = f.v[0][i];
        for (let j = 0; j < b.length; j++) e -= b[j] * f.v[j + 1][i];
        out[i] = e / Math.sqrt(f.F[i]);
      }
      this.cache.resid = out;
    }
    return this.cache.resid;
  }

  /** @deprecated renamed {@link FittedARIMA.resid} (statsmodels' names); kept for one release. */
  get residuals(): Float64Array {
    return this.resid;
  }

  /** @deprecated renamed {@link FittedARIMA.bseOPG}; kept for one release. */
  stdErrorsOPG(): number[] {
    return this.bseOPG();
  }

  private filter() {
    if (!this.cache.filter) this.cache.filter = runFilter(this.prep, this.layout, this.armaCoefficients());
    return this.cache.filter;
  }

  private armaCoefficients(): number[] {
    const p = this.arimaParams;
    return [...p.ar, ...p.ma, ...p.seasonalAr, ...p.seasonalMa];
  }

  /** Ljung–Box test on the residuals (df reduced by the number of ARMA coefficients, as R's tsdiag/checkresiduals). */
  ljungBox(lags = 10): { statistic: number; df: number; pValue: number } {
    const fitdf = this.armaCoefficients().length;
    return ljungBox(this.resid, lags, Math.min(fitdf, lags - 1));
  }

  /** Roots of the AR and MA polynomials (full, with seasonal factors), as [re, im] pairs. */
  roots(): { ar: [number, number][]; ma: [number, number][] } {
    const L = this.layout;
    const { phi, theta } = polynomials(L, this.armaCoefficients());
    return { ar: polyRoots(phi.map((v) => -v)), ma: polyRoots(theta) };
  }

  /**
   * Fixed-interval smoother (Durbin & Koopman 2012 §4.4, exact diffuse §5.3; see
   * `estimators/kalman-smoother.ts`): E[y_t | y_1..n] and its variance for every t — the
   * observation itself (variance 0) where observed, the interpolation where missing — and the
   * smoothed states. Regression effects enter as in the fit: u_t = y_t − x_t'β̂ is smoothed with β̂
   * held fixed (its estimation error is not in the variances, as in statsmodels' SARIMAX and R's
   * `KalmanSmooth`), and added back to the signal.
   *
   * @example
   * const s = fitARIMA(yWithGaps, { order: [0, 1, 1] }).smooth();
   * s.mean[t]; Math.sqrt(s.variance[t]);
   */
  smooth(options: { stateCov?: boolean } = {}): ARIMASmoothed {
    const L = this.layout;
    const { phi, theta } = polynomials(L, this.armaCoefficients());
    const ss = sarimaStateSpace(phi, theta, differencingPolynomial(L.d, L.D, L.s));
    const beta = this.arimaParams.beta, sigma2 = this.arimaParams.sigma2;
    const reg = this.y.map((_, t) => beta.reduce((acc, b, j) => acc + b * this.X[j][t], 0));
    const s = diffuseSmoother(ss, this.y.map((v, t) => v - reg[t]), { stateCov: options.stateCov ?? true });
    const observed = (t: number) => !Number.isNaN(this.y[t]);
    return {
      mean: reg.map((r, t) => (observed(t) ? this.y[t] : r + s.signal[t])),
      variance: s.signalVar.map((v, t) => (observed(t) ? 0 : v * sigma2)),
      states: s.state,
      stateCov: s.stateCov?.map((V) => V.map((v) => v * sigma2)),
    };
  }

  /**
   * State-space system and the predicted state after the last observation, for forecasting
   * and simulation: [u_n, …, u_{n−nd+1}, ARMA state] with covariance in σ² units.
   */
  private finalState(): { T: SparseRows; Z: Float64Array; R: Float64Array; m: number; x: Float64Array; P: Float64Array } {
    try {
      return this.filteredState();
    } catch (e) {
      // The filter's RangeError (a state covariance that is not positive: a non-stationary AR part,
      // which CSS estimates may have) as a typed error that says what to do.
      if (e instanceof RangeError) {
        throw new ConvergenceError(`the fitted model cannot forecast: its ARMA part is ${this.method === 'css' ? 'not stationary (CSS does not keep it so)' : 'numerically on the stationarity boundary'} and the Kalman filter breaks down (${e.message}); refit with method 'ml', or with a smaller order`, 'method');
      }
      throw e;
    }
  }

  private filteredState(): { T: SparseRows; Z: Float64Array; R: Float64Array; m: number; x: Float64Array; P: Float64Array } {
    const L = this.layout;
    const { phi, theta } = polynomials(L, this.armaCoefficients());
    const delta = differencingPolynomial(L.d, L.D, L.s);
    const ss = sarimaStateSpace(phi, theta, delta);
    const n = this.y.length;
    const u = this.y.map((v, t) => v - this.arimaParams.beta.reduce((acc, b, j) => acc + b * this.X[j][t], 0));
    const nd = delta.length;
    if (this.prep.differenced) {
      const w = nd > 0 ? difference(u, L.d, L.D, L.s) : u;
      const f = armaFilter(phi, theta, [w], true);
      const st = f.state!;
      const x = new Float64Array(ss.m);
      for (let k = 0; k < nd; k++) x[k] = u[n - 1 - k];
      for (let i = 0; i < st.r; i++) x[nd + i] = st.a[i];
      const P = new Float64Array(ss.m * ss.m);
      for (let i = 0; i < st.r; i++) for (let j = 0; j < st.r; j++) P[(nd + i) * ss.m + nd + j] = st.P[i * st.r + j];
      return { T: sparseRows(ss.T, ss.m), Z: ss.Z, R: ss.R, m: ss.m, x, P };
    }
    const f = diffuseFilter(ss, [u], true);
    return { T: sparseRows(ss.T, ss.m), Z: ss.Z, R: ss.R, m: ss.m, x: f.state!.a[0], P: f.state!.P };
  }

  private futureRegression(h: number, exog: FutureRegressors | undefined): Float64Array {
    const cols = regressionColumns(this.arimaParams.trend, this.arimaParams.exogNames, exog, this.y.length, h, 'exog-future');
    const out = new Float64Array(h);
    cols.forEach((c, j) => { for (let i = 0; i < h; i++) out[i] += this.arimaParams.beta[j] * c[i]; });
    return out;
  }

  /** Forecasts h steps ahead with Gaussian prediction intervals (innovation uncertainty only). */
  forecast(h: number, options: ForecastOptions = {}): GaussianForecast {
    checkHorizon(h);
    const reg = this.futureRegression(h, options.exog);
    const { T, Z, R, m, x: x0, P: P0 } = this.finalState();
    let x = x0, P = P0;
    const mean = new Float64Array(h), se = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      let mu = 0, v = 0;
      for (let a = 0; a < m; a++) {
        mu += Z[a] * x[a];
        let s = 0;
        for (let b = 0; b < m; b++) s += P[a * m + b] * Z[b];
        v += Z[a] * s;
      }
      mean[i] = mu + reg[i];
      se[i] = Math.sqrt(Math.max(0, v) * this.arimaParams.sigma2);
      x = sparseMatVec(T, x);
      P = sparsePredictCov(T, P, R);
    }
    checkForecastFinite(mean, se);
    return new GaussianForecast(mean, se);
  }

  /** Sample paths from the predictive distribution given the data (state drawn from its filtered law). */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    const paths = checkPaths(options.paths ?? 1000, h);
    const rng = options.rng;
    if (!rng) throw new ArgumentError('sample needs a seeded rng (createRng(seed))', 'rng');
    const reg = this.futureRegression(h, options.exog);
    const { T, Z, R, m, x, P } = this.finalState();
    const factor = psdFactor(P, m);
    const sd = Math.sqrt(this.arimaParams.sigma2);
    const out: Float64Array[] = [];
    const z = new Float64Array(m);
    for (let k = 0; k < paths; k++) {
      for (let i = 0; i < m; i++) z[i] = rng.normal();
      let st: Float64Array = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = x[i];
        for (let j = 0; j < m; j++) s += factor[i * m + j] * z[j] * sd;
        st[i] = s;
      }
      const path = new Float64Array(h);
      for (let i = 0; i < h; i++) {
        // y_{n+i} = Z x_{n+i}; the shock ε_{n+i} is already part of the state's law at i = 0
        // and is added by the transition afterwards.
        let yv = 0;
        for (let a = 0; a < m; a++) yv += Z[a] * st[a];
        path[i] = yv + reg[i];
        st = sparseMatVec(T, st);
        const e = rng.normal() * sd;
        for (let a = 0; a < m; a++) st[a] += R[a] * e;
      }
      out.push(path);
    }
    return out;
  }

  /**
   * The fitted parameters applied to another history `y` (the data extended by new observations):
   * forecasts and samples start after `y`; no refit, and the estimates and their statistics stay
   * those of the fit.
   */
  apply(y: ArrayLike<number>): FittedARIMA {
    if (this.arimaParams.exogNames.length) {
      throw new ArgumentError(`apply cannot extend a model with exogenous regressors (${this.arimaParams.exogNames.join(', ')}) without their new values; refit with fitARIMA on the longer data`, 'y');
    }
    return FittedARIMA.fromJSON({ ...this.toJSON(), y: historyJSON(y, true) });
  }

  /** A statsmodels-style SARIMAX results table. */
  summary(): string {
    const p = this.arimaParams;
    const names = this.paramNames, vals = this.vector(), se = this.bse;
    const [P, D, Q, s] = p.seasonalOrder;
    const model = s ? `SARIMA(${p.order.join(', ')})x(${[P, D, Q, s].join(', ')})` : `ARIMA(${p.order.join(', ')})`;
    const lb = this.ljungBox(Math.min(10, Math.max(1, this.resid.length - 1)));
    const jb = jarqueBera(this.resid);
    const head = keyValueBlock(
      [['Model:', model + (p.beta.length ? ' + regression' : '')], ['Method:', this.method.toUpperCase()], ['No. Observations:', String(this.y.length)], ['Used (n - d - sD):', String(this.nobs)], ['Converged:', String(this.converged)]],
      [['Log Likelihood', fmt(this.llf, 3)], ['AIC', fmt(this.aic, 3)], ['AICc', fmt(this.aicc, 3)], ['BIC', fmt(this.bic, 3)], ['HQIC', fmt(this.hqic, 3)]],
    );
    const z = normalQuantile(0.975);
    const rows = names.map((nm, i) => {
      const zval = vals[i] / se[i];
      return [nm, fmt(vals[i]), fmtOpt(se[i]), fmtOpt(zval, 3), fmtOpt(2 * normalSf(Math.abs(zval)), 3), fmtOpt(vals[i] - z * se[i]), fmtOpt(vals[i] + z * se[i])];
    });
    const coef = table(['', 'coef', 'std err', 'z', 'P>|z|', '[0.025', '0.975]'], rows, 12);
    const tail = keyValueBlock(
      [[`Ljung-Box (L${lb.df + this.armaCoefficients().length}) (Q):`, fmt(lb.statistic, 3)], ['Prob(Q):', fmtOpt(lb.pValue, 3)]],
      [['Jarque-Bera (JB):', fmt(jb.statistic, 3)], ['Prob(JB):', fmt(jb.pValue, 3)], ['Skew:', fmt(jb.skew, 3)], ['Kurtosis:', fmt(jb.kurtosis, 3)]],
    );
    return [rule(), '                               SARIMAX Results', rule(), head, rule(), coef, rule(), tail, rule(),
      'Standard errors from the numerical Hessian of the exact log-likelihood.'].join('\n');
  }

  toJSON(): ARIMAJSON {
    const exog = nameRecord<number[]>();
    const offset = regressionNames(this.arimaParams.trend, []).length;
    this.arimaParams.exogNames.forEach((nm, j) => { exog[nm] = Array.from(this.X[offset + j]); });
    return {
      kind: 'arima',
      version: MODEL_JSON_VERSION,
      params: structuredClone(this.arimaParams),
      y: Array.from(this.y, (v) => (Number.isNaN(v) ? null : v)),
      exog,
      fit: { llf: this.llf, nUsed: this.nobs, method: this.method, converged: this.converged },
    };
  }

  /** Restores a fitted model saved with {@link FittedARIMA.toJSON}. */
  static fromJSON(json: ARIMAJSON): FittedARIMA {
    if (json?.kind !== 'arima') throw new ArgumentError(`fromJSON: expected kind 'arima'; got '${json?.kind}'`, 'json');
    checkModelJSON(json, 'arima');
    const y = Float64Array.from(json.y, (v) => (v === null ? NaN : v));
    const X = regressionColumns(json.params.trend, json.params.exogNames, json.exog, 0, y.length, 'exog');
    return new FittedARIMA(json.params, y, X, json.fit);
  }
}

function fmtOpt(v: number, digits = 4): string {
  return Number.isFinite(v) ? fmt(v, digits) : '-';
}


/** A factor F with F F' = P for a positive semi-definite P (eigen-decomposition, negatives clipped). */
function psdFactor(P: Float64Array, m: number): Float64Array {
  const A: Matrix = Array.from({ length: m }, (_, i) => Array.from(P.subarray(i * m, (i + 1) * m)));
  const { values, vectors } = symmetricEigen(A);
  const F = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const s = Math.sqrt(Math.max(0, values[j]));
    for (let i = 0; i < m; i++) F[i * m + j] = vectors[i][j] * s;
  }
  return F;
}

/** Validates a natural-parameter ARMA set (stationary AR, invertible MA); used by simulation. */
export function checkArmaParams(p: Pick<ARIMAParams, 'ar' | 'ma' | 'seasonalAr' | 'seasonalMa'>): void {
  if (!isStationary(p.ar) || !isStationary(p.seasonalAr)) throw new ArgumentError('AR coefficients are not stationary (a root of the AR polynomial lies on or inside the unit circle)', 'ar');
  if (!isInvertible(p.ma) || !isInvertible(p.seasonalMa)) throw new ArgumentError('MA coefficients are not invertible (a root of the MA polynomial lies on or inside the unit circle)', 'ma');
}

/**
 * Simulates n values of a (S)ARIMA process with known parameters (no regression), starting the
 * integration at zero after a burn-in of the stationary ARMA part.
 */
export function simulateARIMA(params: Omit<ARIMAParams, 'beta' | 'exogNames' | 'trend'> & { mean?: number }, n: number, rng: Rng, burn = 100): Float64Array {
  checkArmaParams(params);
  const [, D, , s] = params.seasonalOrder;
  const phi = expandAR(params.ar, params.seasonalAr, s || 1);
  const theta = expandMA(params.ma, params.seasonalMa, s || 1);
  const sd = Math.sqrt(params.sigma2);
  const total = n + burn;
  const e = new Float64Array(total), w = new Float64Array(total);
  for (let t = 0; t < total; t++) {
    e[t] = rng.normal() * sd;
    let v = e[t];
    for (let i = 0; i < phi.length && i < t; i++) v += phi[i] * w[t - 1 - i];
    for (let j = 0; j < theta.length && j < t; j++) v += theta[j] * e[t - 1 - j];
    w[t] = v;
  }
  const delta = differencingPolynomial(params.order[1], D, s || 1);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    // A mean only makes sense for the undifferenced process.
    let v = w[burn + t] + (delta.length ? 0 : params.mean ?? 0);
    for (let k = 0; k < delta.length && k < t; k++) v += delta[k] * out[t - 1 - k];
    out[t] = v;
  }
  return out;
}

/** The model's label as R prints it: `ARIMA(p,d,q)(P,D,Q)[s] with drift`. */
export function arimaLabel(fit: FittedARIMA): string {
  const [p, d, q] = fit.order;
  const [P, D, Q, s] = fit.seasonalOrder;
  const names = fit.paramNames;
  const extra = names.includes('const') ? ' with non-zero mean' : names.includes('drift') ? ' with drift' : '';
  return `ARIMA(${p},${d},${q})` + (s ? `(${P},${D},${Q})[${s}]` : '') + extra;
}

// ---------------------------------------------------------------------------------------------
// Registry entry

const order3 = z.tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0)]);

/** The options schema of `fitARIMA` (see {@link ARIMAOptions}). */
export const arimaOptionsSchema = z.strictObject({
  order: order3.describe('non-seasonal order (p, d, q)')
    .meta({ cli: { value: 'p,d,q', parse: (s: string, flag: string) => parseIntList(s, 3, flag, '1,1,1') } }),
  seasonal: z.strictObject({ order: order3, period: z.number().int().min(1) }).optional()
    .describe('seasonal order (P, D, Q) and period s')
    .meta({
      cli: {
        value: 'P,D,Q,s',
        parse: (s: string, flag: string) => {
          const [P, D, Q, period] = parseIntList(s, 4, flag, '0,1,1,12');
          if (period < 2 && P + D + Q > 0) throw new ArgumentError(`the seasonal period (4th value of ${flag}) must be at least 2; got ${period}`, flag);
          return { order: [P, D, Q], period };
        },
      },
    }),
  trend: z.enum(['n', 'c', 't', 'ct']).optional().describe('deterministic terms: c constant, t drift, ct both, n none (default c without differencing, else n)'),
  // Not z.record: zod drops a key named '__proto__', and regressors are keyed by column names.
  exog: z.custom<Readonly<Record<string, ArrayLike<number>>>>((v) => !!v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
    && Object.values(v).every((c) => Array.isArray(c) || ArrayBuffer.isView(c)), { message: 'exog must be an object of named regressors, each an array of numbers' }).optional()
    .describe('exogenous regressors by name (the CLI reads them with --exog)'),
  method: z.enum(['ml', 'css-ml', 'css']).default('ml').describe('ml: exact ML from CSS starts with restarts; css-ml: R\'s default; css: conditional sum of squares'),
  ftol: z.number().positive().default(1e-14).describe('relative decrease of the objective at which the optimiser stops'),
  restarts: z.boolean().optional().describe('restart the ML search from further starts (default: on for ml, off for css-ml)')
    .meta({ cli: { flag: '--single-start', parse: () => false } }),
});

/** What `ardiff fit --json` reports of an ARIMA model. */
export function arimaReport(fit: FittedARIMA): Record<string, unknown> {
  const lb = fit.ljungBox(Math.min(10, Math.max(2, fit.resid.length - 1)));
  return {
    label: arimaLabel(fit),
    order: fit.order,
    seasonalOrder: fit.seasonalOrder,
    params: { names: fit.paramNames, values: Array.from(fit.params), stdErrors: fit.bse },
    sigma2: fit.sigma2, logLik: fit.llf, aic: fit.aic, aicc: fit.aicc, bic: fit.bic,
    nobs: fit.nobs, nobsTotal: fit.y.length, method: fit.method, converged: fit.converged,
    ljungBox: { statistic: lb.statistic, df: lb.df, pValue: lb.pValue },
  };
}

/** Two seasons ahead for seasonal models, else 10 steps. */
export function arimaDefaultHorizon(fit: FittedARIMA): number {
  const s = fit.seasonalOrder[3];
  return s > 1 ? 2 * s : 10;
}

/** Registry entry of `fitARIMA`. */
export const arimaEntry: SeriesModelEntry<z.output<typeof arimaOptionsSchema>, FittedARIMA> = {
  name: 'arima',
  shape: 'series',
  description: 'ARIMA / SARIMA with trend and exogenous regressors, exact ML by Kalman filter',
  producesKind: 'arima',
  exog: true,
  options: arimaOptionsSchema,
  fit: (y, options) => fitARIMA(y, options),
  fromJSON: (json) => FittedARIMA.fromJSON(json as ARIMAJSON),
  report: arimaReport,
  headline: arimaLabel,
  defaultHorizon: arimaDefaultHorizon,
  // The airline model (0,1,1)(0,1,1)_m, or (0,1,1) without a season.
  backtestOptions: ({ seasonalPeriod: m }) => (m > 1 ? { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: m } } : { order: [0, 1, 1] }),
  example: { dataset: 'air-passengers', transform: 'log', options: arimaOptionsSchema.parse({ order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } }) },
};

// ---------------------------------------------------------------------------------------------
// Names of 0.1, kept for one release (one convention now: acronyms in capitals, `fitX` for every model)

/** @deprecated renamed {@link fitARIMA}; kept for one release. */
export const fitArima = fitARIMA;
/** @deprecated renamed {@link FittedARIMA}; kept for one release. */
export const FittedArima = FittedARIMA;
/** @deprecated renamed {@link FittedARIMA}; kept for one release. */
export type FittedArima = FittedARIMA;
/** @deprecated renamed {@link simulateARIMA}; kept for one release. */
export const simulateArima = simulateARIMA;
/** @deprecated renamed {@link ARIMAParams}; kept for one release. */
export type ArimaParams = ARIMAParams;
/** @deprecated renamed {@link ARIMAMethod}; kept for one release. */
export type ArimaMethod = ARIMAMethod;
/** @deprecated renamed {@link ARIMAJSON}; kept for one release. */
export type ArimaJSON = ARIMAJSON;
/** @deprecated renamed {@link ARIMAOptions}; kept for one release. */
export type ArimaOptions = ARIMAOptions;
