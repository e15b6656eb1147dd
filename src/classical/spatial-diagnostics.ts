/**
 * OLS spatial diagnostics: Moran's I test of regression residuals (Cliff & Ord, "Spatial
 * Processes" (1981) p. 203; R spdep `lm.morantest`) and the Lagrange multiplier tests LMerr,
 * LMlag, robust RLMerr / RLMlag and SARMA (Anselin, Bera, Florax & Yoon 1996, "Simple diagnostic
 * tests for spatial dependence", Reg. Sci. Urban Econ. 26; R spdep `lm.LMtests`), plus the
 * regression input handling that the spatial models (spatial.ts) share with them.
 *
 * @example
 * const W = spatialWeights({ from, to }, 49);
 * const d = spatialDiagnostics(crime, { INC: inc, HOVAL: hoval }, W); // '(Intercept)' added
 * d.moran.pValue; d.lm.RLMlag.statistic;
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { leastSquares, matvec, type Matrix } from '../core/linalg.js';
import { normalSf, chisqSf, LOG2PI } from '../core/distributions.js';
import { SpatialWeights } from './spatial-weights.js';

// ---------------------------------------------------------------------------------------------
// Shared input handling
// ---------------------------------------------------------------------------------------------

/** Options of {@link fitSAR} and {@link fitSEM}. */
export interface SpatialRegressionOptions {
  /** Column names when X is given as rows. Default x1, x2, … */
  names?: readonly string[];
  /** Add an intercept column named '(Intercept)' first (as R). Default true. */
  intercept?: boolean;
  /** Name of the dependent variable, for the summary. Default 'y'. */
  yName?: string;
}

/** @internal A checked regression problem: y, the design X (with the intercept column), names. */
export interface Design {
  y: Float64Array;
  X: Matrix;
  names: string[];
  intercept: boolean;
  yName: string;
}

/** Regressors: a record of named columns, or n rows (names from `options.names`). */
export type RegressorInput = Readonly<Record<string, ArrayLike<number>>> | readonly (readonly number[])[];

/**
 * @internal Checks and assembles the regression problem of `fn` (spatialDiagnostics, fitSAR,
 * fitSEM): W built by spatialWeights with one unit per observation, X as named columns or rows,
 * the intercept added first, complete data, more rows than the k coefficients plus `extra`
 * parameters. Throws ArgumentError / DataError naming the argument.
 */
export function prepareSpatialDesign(fn: string, y: ArrayLike<number>, x: RegressorInput, W: SpatialWeights, options: SpatialRegressionOptions, extra: number): Design {
  if (!(W instanceof SpatialWeights)) throw new ArgumentError(`${fn}: W must be built by spatialWeights(edges, n)`, 'W');
  const intercept = options.intercept ?? true;
  const n = y.length;
  if (n !== W.n) throw new DataError(`${fn}: y has ${n} values but the weights have ${W.n} units; give one weights unit per observation`, 'y');
  let names: string[];
  let cols: ArrayLike<number>[];
  if (Array.isArray(x)) {
    const rows = x as readonly (readonly number[])[];
    if (rows.length !== n) throw new DataError(`${fn}: X has ${rows.length} rows but y has ${n}`, 'X');
    const k = rows.length ? rows[0].length : 0;
    names = options.names ? options.names.slice() : Array.from({ length: k }, (_, j) => `x${j + 1}`);
    if (names.length !== k) throw new ArgumentError(`${fn}: names has ${names.length} entries for ${k} columns of X`, 'names');
    rows.forEach((r, i) => {
      if (r.length !== k) throw new DataError(`${fn}: row ${i + 1} of X has ${r.length} values; expected ${k}`, 'X');
    });
    cols = names.map((_, j) => rows.map((r) => r[j]));
  } else {
    const rec = x as Readonly<Record<string, ArrayLike<number>>>;
    names = Object.keys(rec);
    if (options.names) {
      if (options.names.length !== names.length) throw new ArgumentError(`${fn}: names has ${options.names.length} entries for ${names.length} columns of X`, 'names');
      names = options.names.slice();
    }
    cols = Object.keys(rec).map((k) => rec[k]);
  }
  cols.forEach((c, j) => {
    if (c.length !== n) throw new DataError(`${fn}: column '${names[j]}' has ${c.length} values but y has ${n}`, 'X');
  });
  if (intercept) {
    if (names.includes('(Intercept)')) throw new ArgumentError(`${fn}: a column is named '(Intercept)' and intercept is on; drop one`, 'X');
    names = ['(Intercept)', ...names];
    cols = [new Float64Array(n).fill(1), ...cols];
  }
  const k = names.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new DataError(`${fn}: y has a missing or non-finite value at row ${i + 1}; spatial models need complete data (drop the unit from data and weights)`, 'y');
    for (let j = 0; j < k; j++) {
      if (!Number.isFinite(cols[j][i])) throw new DataError(`${fn}: column '${names[j]}' has a missing or non-finite value at row ${i + 1}; spatial models need complete data`, 'X');
    }
  }
  if (k === 0) throw new ArgumentError(`${fn} needs at least one regressor or the intercept`, 'X');
  if (n <= k + extra) {
    throw new DataError(`${fn} needs more observations than parameters; got ${n} rows for ${k + extra} parameters (${k} coefficients, σ² and the spatial parameter)`, 'y');
  }
  const X: Matrix = Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
  return { y: Float64Array.from(y), X, names, intercept, yName: options.yName ?? 'y' };
}

/** @internal Σ e_i². */
export function sumSq(e: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < e.length; i++) s += e[i] * e[i];
  return s;
}

/** @internal Σ a_i b_i. */
export function dotArr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** @internal y − Xβ. */
export function residuals(X: Matrix, y: ArrayLike<number>, coef: readonly number[]): Float64Array {
  const fit = matvec(X, coef);
  return Float64Array.from(y, (v, i) => v - fit[i]);
}

/** @internal Gaussian log-likelihood at the ML variance SSE/n: −n/2 (log 2π + log(SSE/n) + 1). */
export function gaussLogLik(sse: number, n: number): number {
  return -0.5 * n * (LOG2PI + Math.log(sse / n) + 1);
}

// ---------------------------------------------------------------------------------------------
// OLS spatial diagnostics (Moran's I of residuals, LM tests)
// ---------------------------------------------------------------------------------------------

/** Moran's I test of OLS residuals (R spdep `lm.morantest`, alternative "greater"). */
export interface MoranTest {
  /** Observed I = (n/S0) e'We / e'e. */
  statistic: number;
  /** E[I] under no spatial autocorrelation, Cliff & Ord (1981) p. 203. */
  expectation: number;
  variance: number;
  /** Standard deviate (I − E[I])/√Var[I]. */
  z: number;
  /** Upper-tail normal p-value (alternative "greater"). */
  pValue: number;
}

/** A χ² Lagrange multiplier (Rao score) test. */
export interface ChiSquareTest {
  statistic: number;
  df: number;
  pValue: number;
}

/** Lagrange multiplier diagnostics for spatial dependence of OLS residuals (R spdep `lm.LMtests`). */
export interface LMTests {
  LMerr: ChiSquareTest;
  LMlag: ChiSquareTest;
  RLMerr: ChiSquareTest;
  RLMlag: ChiSquareTest;
  SARMA: ChiSquareTest;
}

/** OLS fit with its spatial diagnostics ({@link spatialDiagnostics}). */
export interface SpatialDiagnostics {
  names: string[];
  coef: number[];
  logLik: number;
  moran: MoranTest;
  lm: LMTests;
}

/**
 * @internal OLS fit of a prepared problem with Moran's I and the LM tests of its residuals (the
 * body of {@link spatialDiagnostics}; fitSAR and fitSEM report it too).
 */
export function olsDiagnostics(d: Design, W: SpatialWeights): SpatialDiagnostics {
  const { y, X, names } = d;
  const n = y.length, k = names.length;
  const { coef, xtxInv } = leastSquares(X, y, names);
  const u = residuals(X, y, coef);
  const uu = sumSq(u);
  if (!(uu > 1e-24 * sumSq(y))) {
    throw new DataError('y is fitted exactly by the columns of X (zero residuals); there is no error variance to model — check that y is not one of the regressors', 'y');
  }
  const Wu = W.lag(u);
  const uWu = dotArr(u, Wu);
  // Moran's I with the symmetrised weights U = (W + W')/2 (spdep listw2U), Cliff & Ord p. 203.
  const S0 = W.s0;
  let S1 = 0;
  for (let i = 0; i < n; i++) {
    for (const j of W.neighbours[i]) {
      const s = W.weight(i, j) + W.weight(j, i);
      S1 += s * s;
    }
  }
  S1 *= 0.5;
  const I = (n / S0) * (uWu / uu);
  const Z: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const col = X.map((r) => r[j]);
    const a = W.lag(col), b = W.lagTransposed(col);
    Z.push(a.map((v, i) => 0.5 * (v + b[i])));
  }
  const C1: Matrix = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[i][a] * Z[b][i];
    return s;
  }));
  const C2: Matrix = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => dotArr(Z[a], Z[b])));
  const C3 = mat(xtxInv, C1);
  const trA = trace(C3);
  const EI = -(n * trA) / ((n - k) * S0);
  const trA2 = trace(mat(C3, C3));
  const trB = 4 * trace(mat(xtxInv, C2));
  const VI = ((n * n) / (S0 * S0 * (n - k) * (n - k + 2))) * (S1 + 2 * trA2 - trB - (2 * trA * trA) / (n - k));
  const zI = (I - EI) / Math.sqrt(VI);
  const moran: MoranTest = { statistic: I, expectation: EI, variance: VI, z: zI, pValue: normalSf(zI) };
  // LM tests (Anselin et al. 1996; spdep lm.LMtests).
  const sigma2 = uu / n;
  const TrW = W.traceWtWplusWW();
  const yhat = matvec(X, coef);
  const Wy = W.lag(y), Wyhat = W.lag(yhat);
  const XtWyhat = Array.from({ length: k }, (_, a) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[i][a] * Wyhat[i];
    return s;
  });
  const quadForm = dotArr(XtWyhat, matvec(xtxInv, XtWyhat));
  const J = (1 / (n * sigma2)) * (sumSq(Wyhat) - quadForm + TrW * sigma2);
  const dutWu = uWu / sigma2, dutWy = dotArr(u, Wy) / sigma2;
  const nJ = n * J;
  const chi = (statistic: number, df: number): ChiSquareTest => ({ statistic, df, pValue: chisqSf(statistic, df) });
  const resa = (dutWu * dutWu) / TrW;
  const rlmLag = (dutWy - dutWu) ** 2 / (nJ - TrW);
  const lm: LMTests = {
    LMerr: chi(resa, 1),
    LMlag: chi((dutWy * dutWy) / nJ, 1),
    RLMerr: chi((dutWu - (TrW / nJ) * dutWy) ** 2 / (TrW * (1 - TrW / nJ)), 1),
    RLMlag: chi(rlmLag, 1),
    SARMA: chi(rlmLag + resa, 2),
  };
  return { names: names.slice(), coef, logLik: gaussLogLik(uu, n), moran, lm };
}

function mat(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, l) => s + v * b[l][j], 0)));
}

function trace(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i][i];
  return s;
}

/**
 * OLS of y on X with the spatial diagnostics of its residuals for weights W: Moran's I test
 * (Cliff & Ord 1981; R spdep `lm.morantest`) and the Lagrange multiplier tests LMerr, LMlag,
 * robust RLMerr, RLMlag and SARMA (Anselin, Bera, Florax & Yoon 1996; R spdep `lm.LMtests`).
 * X as in {@link fitSAR} (intercept '(Intercept)' added by default).
 */
export function spatialDiagnostics(
  y: ArrayLike<number>,
  X: RegressorInput,
  W: SpatialWeights,
  options: SpatialRegressionOptions = {},
): SpatialDiagnostics {
  return olsDiagnostics(prepareSpatialDesign('spatialDiagnostics', y, X, W, options, 0), W);
}

/** @internal Moran's I = (n/S0) e'We/e'e of any residual vector (no test). */
export function moranOf(W: SpatialWeights, e: ArrayLike<number>): number {
  return (W.n / W.s0) * (dotArr(e, W.lag(e)) / sumSq(e));
}
