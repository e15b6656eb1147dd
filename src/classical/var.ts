/**
 * Vector autoregression VAR(p): y_t = ν + δ t + A_1 y_{t−1} + … + A_p y_{t−p} + u_t,
 * u_t ~ N(0, Σ_u), for K time series observed together. Lütkepohl, "New Introduction to Multiple
 * Time Series Analysis" (2005), ch. 2–4 (estimation, causality, forecasting, order selection);
 * Hamilton, "Time Series Analysis" (1994), ch. 11.
 *
 * Every number reproduces statsmodels 0.13.5 `VAR(Y).fit(p, trend)` and its results methods:
 * equation-wise OLS (Lütkepohl §3.2), Σ_u with the degrees-of-freedom correction T − Kp − k_trend,
 * bse from Σ_u ⊗ (Z'Z)⁻¹ with normal p-values, the log-likelihood and criteria from the ML
 * covariance Σ̃_u = U'U/T (§4.3), order selection on a common sample, Granger and instantaneous
 * causality tests (§3.6) and forecasts with MSE matrices that ignore parameter uncertainty
 * (§2.2.2); plus the report for the CLI, the summary and the JSON round trip.
 *
 * The impulse responses, their standard errors, the FEVD and the bootstrap bands are computed in
 * var-irf.ts from the fitted parameters ({@link FittedVAR} keeps them as methods); structural VARs
 * (the A/B model, {@link fitSVAR}, and {@link StructuralVAR}) live in svar.ts.
 *
 * @example
 * const fit = fitVAR({ gdp, cons, inv }, { lags: 2 });              // VAR(Y).fit(2)
 * fit.params; fit.testCausality('gdp', 'cons'); fit.irf(10).orthogonalized;
 * const auto = fitVAR({ gdp, cons, inv }, { maxLags: 8, ic: 'aic' }); // VAR(Y).fit(8, ic='aic')
 * fit.forecast(8).interval(95); console.log(fit.summary());
 */
import { ArgumentError, DataError, SingularMatrixError } from '../core/errors.js';
import {
  cholesky, choleskySolve, logDetSPD, matmul, transpose, identity, zeros, type Matrix,
} from '../core/linalg.js';
import { normalSf, fSf, chisqSf, chisqQuantile, LOG2PI } from '../core/distributions.js';
import { GaussianForecast } from '../core/forecast.js';
import { GaussianMultiForecast } from '../core/multi-forecast.js';
import { checkPaths, nameRecord, checkModelJSON, MODEL_JSON_VERSION } from '../core/validate.js';
import type { MultiForecaster, MultiForecastOptions, MultiSampleOptions } from '../core/model.js';
import { z, type MultiSeriesModelEntry } from '../core/model-entry.js';
import { irfChartSvg, grangerGraphSvg } from '../charts/var-charts.js';
import {
  eigenvalues, multiLeastSquares, companionMatrix, checkHorizon, type Complex,
} from './estimators/var-helpers.js';
import {
  varMARepresentation, varImpulseResponses, varIrfStdErrors, varFevd, varIrfBootstrap,
  type VARImpulseResponses, type IRFBootstrapOptions, type IRFBands, type VARIrfParameters,
} from './var-irf.js';
// svar.ts imports FittedVAR back (for fitSVAR's instanceof check): see the note there.
import { StructuralVAR } from './svar.js';

// The impulse-response types and the structural VARs were defined here before they got files of
// their own; these re-exports keep imports from './var.js' working.
export type { VARImpulseResponses, IRFBootstrapOptions, IRFBands } from './var-irf.js';
export { fitSVAR, StructuralVAR, type SVARType, type SVARPattern, type SVAROptions } from './svar.js';

/** Deterministic terms: 'n' none, 'c' a constant, 'ct' a constant and a linear trend t = 1..n. */
export type VARTrend = 'n' | 'c' | 'ct';
/** Information criterion for the lag order (Lütkepohl 2005 §4.3). */
export type VARCriterion = 'aic' | 'bic' | 'hqic' | 'fpe';
/** Test flavour of {@link FittedVAR.testCausality}: F (statsmodels default) or χ² Wald. */
export type CausalityKind = 'f' | 'wald';

/**
 * The K series of a VAR: a record of named columns, or names with their columns. All columns must
 * have the same length and no missing values.
 */
export type VARData =
  | Readonly<Record<string, ArrayLike<number>>>
  | { readonly names: readonly string[]; readonly columns: readonly ArrayLike<number>[] };

/** Options of {@link fitVAR}. */
export interface VAROptions {
  /** Lag order p ≥ 1. Default: chosen by `ic` when `ic` or `maxLags` is given, else 1 (statsmodels). */
  lags?: number;
  /**
   * Largest order for the selection table (every p = 0..maxLags fitted on a common sample).
   * Default when selecting: round(12 (n/100)^{1/4}), capped at the largest estimable order.
   * With `lags` given, the table is computed for the report but the order stays `lags`.
   */
  maxLags?: number;
  /** Criterion that chooses p when `lags` is not given. Default 'aic'. */
  ic?: VARCriterion;
  /** Deterministic terms. Default 'c'. */
  trend?: VARTrend;
}

/** Options of {@link selectVAROrder}. */
export interface VARSelectOptions {
  /** Largest order considered (default round(12 (n/100)^{1/4}), capped at the largest estimable order). */
  maxLags?: number;
  /** Deterministic terms. Default 'c'. */
  trend?: VARTrend;
}

/** Criteria of one candidate order, all on the common sample t = maxLags+1..n. */
export interface VARSelectionRow {
  p: number;
  aic: number;
  bic: number;
  hqic: number;
  fpe: number;
}

/** Result of {@link selectVAROrder} (statsmodels `VAR.select_order`). */
export interface VARSelection {
  maxLags: number;
  trend: VARTrend;
  /** Observations in the common sample: n − maxLags. */
  nobs: number;
  /** One row per order p = p_min..maxLags (p_min = 0, or 1 with trend 'n'). */
  table: VARSelectionRow[];
  /** The minimising order per criterion (the smaller order on ties). */
  selected: Record<VARCriterion, number>;
}

/** Coefficients of one equation with their standard errors, z statistics and normal p-values. */
export interface VAREquation {
  names: string[];
  values: number[];
  stdErrors: number[];
  tvalues: number[];
  pvalues: number[];
}

/** Result of a Granger or instantaneous causality test. */
export interface CausalityTest {
  test: 'granger' | 'instantaneous';
  kind: CausalityKind;
  caused: string[];
  causing: string[];
  /** F = W/q for kind 'f', the Wald statistic W for kind 'wald'. */
  statistic: number;
  pValue: number;
  /** [q, K(T − Kp − k_trend)] for the F test; q for the χ² test. */
  df: number | [number, number];
  /** Critical value at the 5% level. */
  criticalValue: number;
}

/** Plain JSON for the command-line interface. */
export interface VARReport {
  params: Record<string, { names: string[]; values: number[]; stdErrors: number[] }>;
  selection?: { aic: number; bic: number; hqic: number; fpe: number; table: VARSelectionRow[] };
  granger: { caused: string; causing: string; F: number; df: [number, number]; p: number }[];
  irf: { plain: number[][][]; orthogonalized: number[][][] };
  fevd: number[][][];
}

/** Plain-JSON form of a {@link FittedVAR}: data, order, estimates (no refitting on restore). */
export interface VARJSON {
  kind: 'var';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  names: string[];
  /** The series, one array per variable. */
  data: number[][];
  lags: number;
  trend: VARTrend;
  /** Coefficients, rows = regressors (statsmodels order), columns = equations. */
  params: number[][];
  /** (Z'Z)⁻¹ of the regressors. */
  xtxInv: number[][];
  /** Σ_u with the degrees-of-freedom correction. */
  sigmaU: number[][];
  selection: VARSelection | null;
}

const TRENDS: readonly VARTrend[] = ['n', 'c', 'ct'];
const CRITERIA: readonly VARCriterion[] = ['aic', 'bic', 'hqic', 'fpe'];

// ---------------------------------------------------------------------------------------------
// Input checks

interface Series {
  names: string[];
  cols: Float64Array[];
}

function isNamedColumns(d: VARData): d is { readonly names: readonly string[]; readonly columns: readonly ArrayLike<number>[] } {
  const o = d as { names?: unknown; columns?: unknown };
  return Array.isArray(o.names) && o.names.every((v) => typeof v === 'string') && Array.isArray(o.columns);
}

/** Copies the data into columns, rejecting ragged, missing and non-finite values by column and row. */
function readSeries(data: VARData): Series {
  if (!data || typeof data !== 'object') {
    throw new DataError('data must be a record of named columns ({ gdp: [...], cons: [...] }) or { names, columns }', 'data');
  }
  let names: string[];
  let raw: ArrayLike<number>[];
  if (isNamedColumns(data)) {
    names = data.names.slice();
    raw = data.columns.slice();
    if (names.length !== raw.length) {
      throw new DataError(`data has ${names.length} names but ${raw.length} columns; give one name per column`, 'data');
    }
  } else {
    const rec = data as Readonly<Record<string, ArrayLike<number>>>;
    names = Object.keys(rec);
    raw = names.map((k) => rec[k]);
  }
  if (names.length === 0) throw new DataError('data has no columns; a VAR needs at least one series', 'data');
  if (new Set(names).size !== names.length) throw new DataError(`data has duplicate column names (${names.join(', ')}); names must be unique`, 'data');
  raw.forEach((c, j) => {
    if (!c || typeof c.length !== 'number') throw new DataError(`data column '${names[j]}' is not an array of numbers`, 'data');
  });
  const n = raw[0].length;
  raw.forEach((c, j) => {
    if (c.length !== n) throw new DataError(`data column '${names[j]}' has ${c.length} values but '${names[0]}' has ${n}; all series must have the same length`, 'data');
  });
  const cols = raw.map((c, j) => {
    const x = Float64Array.from(c);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(x[i])) {
        throw new DataError(`data column '${names[j]}' has a missing value (NaN) at row ${i + 1}; a VAR needs complete series: drop the incomplete rows or fill the gap first`, 'data');
      }
      if (!Number.isFinite(x[i])) throw new DataError(`data column '${names[j]}' has a non-finite value (${x[i]}) at row ${i + 1}; remove or replace it`, 'data');
    }
    return x;
  });
  return { names, cols };
}

function checkTrend(trend: VARTrend | undefined): VARTrend {
  const t = trend ?? 'c';
  if (!TRENDS.includes(t)) throw new ArgumentError(`trend must be 'n' (none), 'c' (constant) or 'ct' (constant and linear trend); got '${String(t)}'`, 'trend');
  return t;
}

function trendOrder(trend: VARTrend): number {
  return trend === 'n' ? 0 : trend === 'c' ? 1 : 2;
}

/** statsmodels' largest estimable order for selection: ⌊(n − K − k_trend)/(1 + K)⌋. */
function maxEstimable(n: number, k: number, trend: VARTrend): number {
  return Math.floor((n - k - trendOrder(trend)) / (1 + k));
}

/** Rows a VAR(p) needs so that every equation has at least one residual degree of freedom. */
function rowsNeeded(k: number, p: number, trend: VARTrend): number {
  return (k + 1) * p + trendOrder(trend) + 1;
}

function checkRows(s: Series, p: number, trend: VARTrend): void {
  const n = s.cols[0].length, k = s.names.length, need = rowsNeeded(k, p, trend);
  if (n < need) {
    throw new DataError(
      `data has ${n} rows, too few for a VAR(${p}) in ${k} variables with trend '${trend}': each equation estimates ${k * p + trendOrder(trend)} coefficients from n − p rows, so it needs at least ${need} rows. Use fewer lags or variables, or more data`,
      'data',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Estimation

/** Regressor names in statsmodels' order: const, trend, L1.y1 … L1.yK, L2.y1 … (`make_lag_names`). */
function regressorNames(names: readonly string[], p: number, trend: VARTrend): string[] {
  const out: string[] = [];
  if (trend !== 'n') out.push('const');
  if (trend === 'ct') out.push('trend');
  for (let l = 1; l <= p; l++) for (const nm of names) out.push(`L${l}.${nm}`);
  return out;
}

/** Regressor row z_t = [1, t+1, y_{t−1}', …, y_{t−p}'] for the 0-based observation t. */
function regressorRow(cols: readonly Float64Array[], t: number, p: number, trend: VARTrend): number[] {
  const row: number[] = [];
  if (trend !== 'n') row.push(1);
  if (trend === 'ct') row.push(t + 1);
  for (let l = 1; l <= p; l++) for (const c of cols) row.push(c[t - l]);
  return row;
}

interface OLSFit {
  params: Matrix;
  xtxInv: Matrix;
  resid: Matrix;
}

/**
 * Steps 1–2 of the estimation (Lütkepohl 2005 §3.2.1, eq. 3.2.10): with Z the T × (Kp + k_trend)
 * regressor matrix for t = start..n−1 and Y the T × K targets, B̂ = (Z'Z)⁻¹Z'Y for all equations
 * from one pivoted Householder QR of Z (statsmodels uses `lstsq`; both are backward stable),
 * Û = Y − ZB̂.
 */
function varOLS(cols: readonly Float64Array[], names: readonly string[], p: number, trend: VARTrend, start: number): OLSFit {
  const n = cols[0].length, T = n - start;
  const rowNames = regressorNames(names, p, trend);
  const Z: Matrix = new Array(T);
  for (let t = start; t < n; t++) Z[t - start] = regressorRow(cols, t, p, trend);
  let fit: { coefs: number[][]; xtxInv: Matrix };
  try {
    fit = multiLeastSquares(Z, cols.map((c) => c.subarray(start)), rowNames);
  } catch (err) {
    if (err instanceof SingularMatrixError) {
      throw new SingularMatrixError(
        `the VAR regressors are collinear, so the coefficients are not identified: ${err.message.replace(/^design matrix is singular/, 'the lagged design matrix is singular')} Collinear lags come from collinear variables (or a constant variable with trend 'c'): drop or combine those columns of data`,
        'data',
      );
    }
    throw err;
  }
  const params = rowNames.map((_, j) => fit.coefs.map((c) => c[j]));
  const xtxInv = fit.xtxInv;
  const resid = residuals(cols, params, p, trend, start);
  return { params, xtxInv, resid };
}

/** Û = Y − Z B̂ for t = start..n−1. */
function residuals(cols: readonly Float64Array[], params: Matrix, p: number, trend: VARTrend, start: number): Matrix {
  const n = cols[0].length, k = cols.length;
  const out: Matrix = [];
  for (let t = start; t < n; t++) {
    const z = regressorRow(cols, t, p, trend);
    const row = new Array<number>(k);
    for (let e = 0; e < k; e++) {
      let s = cols[e][t];
      for (let j = 0; j < z.length; j++) s -= z[j] * params[j][e];
      row[e] = s;
    }
    out.push(row);
  }
  return out;
}

/** U'U / d. */
function residualCovariance(resid: Matrix, d: number): Matrix {
  const k = resid.length ? resid[0].length : 0;
  const s = zeros(k, k);
  for (const u of resid) for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) s[i][j] += u[i] * u[j];
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) { s[i][j] /= d; s[j][i] = s[i][j]; }
  return s;
}

/**
 * Information criteria of Lütkepohl (2005) §4.3.1–4.3.2 (eqs. 4.3.1, 4.3.5, 4.3.8, 4.3.9) as
 * statsmodels `info_criteria`: with Σ̃_u = U'U/T, M = pK² + K k_trend free parameters,
 * AIC = log|Σ̃_u| + 2M/T, BIC = log|Σ̃_u| + M log T / T, HQ = log|Σ̃_u| + 2M log log T / T,
 * FPE = ((T + Kp + k_trend)/(T − Kp − k_trend))^K |Σ̃_u|.
 */
function infoCriteria(logDetMle: number, T: number, k: number, p: number, kTrend: number): Omit<VARSelectionRow, 'p'> {
  const free = p * k * k + k * kTrend;
  const dfModel = k * p + kTrend, dfResid = T - dfModel;
  return {
    aic: logDetMle + (2 / T) * free,
    bic: logDetMle + (Math.log(T) / T) * free,
    hqic: logDetMle + ((2 * Math.log(Math.log(T))) / T) * free,
    fpe: ((T + dfModel) / dfResid) ** k * Math.exp(logDetMle),
  };
}

function selectOn(s: Series, maxLagsOpt: number | undefined, trend: VARTrend): VARSelection {
  const n = s.cols[0].length, k = s.names.length;
  const cap = maxEstimable(n, k, trend);
  const pMin = trend === 'n' ? 1 : 0;
  let maxLags: number;
  if (maxLagsOpt === undefined) {
    maxLags = Math.min(Math.round(12 * (n / 100) ** 0.25), cap);
  } else {
    if (typeof maxLagsOpt !== 'number' || !Number.isInteger(maxLagsOpt) || maxLagsOpt < pMin) {
      throw new ArgumentError(`maxLags must be an integer ≥ ${pMin}${trend === 'n' ? " with trend 'n'" : ''}; got ${String(maxLagsOpt)}`, 'maxLags');
    }
    if (maxLagsOpt > cap) {
      throw new ArgumentError(
        `maxLags ${maxLagsOpt} is too large for ${n} observations of ${k} variables: the largest model could not be estimated on the common sample; use maxLags ≤ ${Math.max(cap, 0)}`,
        'maxLags',
      );
    }
    maxLags = maxLagsOpt;
  }
  if (maxLags < pMin) {
    throw new DataError(`data has ${n} rows, too few to compare any lag orders for ${k} variables with trend '${trend}'; it needs at least ${pMin * (1 + k) + k + trendOrder(trend)} rows`, 'data');
  }
  const kTrend = trendOrder(trend);
  const table: VARSelectionRow[] = [];
  const T = n - maxLags;
  // Every order is fitted on the same sample t = maxLags+1..n (statsmodels: offset = maxLags − p).
  for (let p = pMin; p <= maxLags; p++) {
    const f = varOLS(s.cols, s.names, p, trend, maxLags);
    const dfResid = T - (k * p + kTrend);
    const sigmaMle = residualCovariance(f.resid, dfResid).map((r) => r.map((v) => (v * dfResid) / T));
    table.push({ p, ...infoCriteria(logDetSPD(sigmaMle), T, k, p, kTrend) });
  }
  const selected = {} as Record<VARCriterion, number>;
  for (const c of CRITERIA) {
    let best = 0;
    for (let i = 1; i < table.length; i++) if (table[i][c] < table[best][c]) best = i;
    selected[c] = table[best].p;
  }
  return { maxLags, trend, nobs: T, table, selected };
}

/**
 * Lag-order selection exactly as statsmodels `VAR(Y).select_order(maxlags, trend)` (Lütkepohl 2005
 * §4.3): every p = 0..maxLags (1..maxLags with trend 'n') is fitted by OLS on the same sample
 * t = maxLags+1..n, so that the criteria compare like with like; ties go to the smaller order.
 */
export function selectVAROrder(data: VARData, options: VARSelectOptions = {}): VARSelection {
  const s = readSeries(data);
  return selectOn(s, options.maxLags, checkTrend(options.trend));
}

/**
 * Fits a VAR(p) by equation-wise OLS exactly as statsmodels `VAR(Y).fit(p, trend=trend)`
 * (Lütkepohl 2005 §3.2). With `ic` (or `maxLags`) and no `lags`, the order is chosen by
 * {@link selectVAROrder} first, as `VAR(Y).fit(maxlags, ic=ic)` (which selects with trend 'c'
 * whatever the trend; here the selection uses the fit's trend). A selected order of 0 gives a
 * VAR(0) (constant means), as in statsmodels.
 *
 * Step 1 checks the data (equal lengths, no missing values) and the options; step 2 runs the
 * selection when asked; step 3 checks that n ≥ (K + 1)p + k_trend + 1 rows; step 4 estimates
 * B̂ by OLS and Σ_u = Û'Û/(T − Kp − k_trend) (Lütkepohl eq. 3.2.19 with statsmodels' df).
 */
export function fitVAR(data: VARData, options: VAROptions = {}): FittedVAR {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitVAR options must be an object such as { lags: 2 }', 'options');
  const s = readSeries(data);
  const trend = checkTrend(options.trend);
  const n = s.cols[0].length;
  if (options.ic !== undefined && !CRITERIA.includes(options.ic)) {
    throw new ArgumentError(`ic must be one of ${CRITERIA.join(', ')}; got '${String(options.ic)}'`, 'ic');
  }
  if (options.lags !== undefined && options.ic !== undefined) {
    throw new ArgumentError('give either lags (a fixed order) or ic (select the order by a criterion), not both', 'lags');
  }
  let selection: VARSelection | null = null;
  if (options.ic !== undefined || options.maxLags !== undefined) selection = selectOn(s, options.maxLags, trend);
  let p: number;
  if (options.lags !== undefined) {
    p = options.lags;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) {
      throw new ArgumentError(`lags must be an integer ≥ 1; got ${String(p)}`, 'lags');
    }
    if (p >= n) {
      throw new ArgumentError(`lags ${p} is absurd for ${n} observations: a VAR(p) needs more than p rows; use lags ≤ ${Math.max(1, maxEstimable(n, s.names.length, trend))}`, 'lags');
    }
  } else {
    p = selection ? selection.selected[options.ic ?? 'aic'] : 1;
  }
  checkRows(s, p, trend);
  const f = varOLS(s.cols, s.names, p, trend, p);
  const dfResid = n - p - (s.names.length * p + trendOrder(trend));
  return new FittedVAR({
    names: s.names, cols: s.cols, p, trend, params: f.params, xtxInv: f.xtxInv,
    sigmaU: residualCovariance(f.resid, dfResid), selection,
  });
}

// ---------------------------------------------------------------------------------------------
// The fitted model

interface FittedVARInit {
  names: string[];
  cols: Float64Array[];
  p: number;
  trend: VARTrend;
  params: Matrix;
  xtxInv: Matrix;
  sigmaU: Matrix;
  selection: VARSelection | null;
}

/** A root of det(I − A_1 z − … − A_p z^p) (the inverse of a companion eigenvalue). */
export interface VARRoot {
  real: number;
  imag: number;
  modulus: number;
}

/**
 * A fitted VAR(p) with the results of statsmodels' `VARResults`: coefficients and inference,
 * Σ_u, likelihood and criteria, stability, causality tests, impulse responses, FEVD, forecasts,
 * structural identification, a report for the CLI, summary and JSON round trip.
 */
export class FittedVAR implements MultiForecaster {
  readonly kind = 'var';
  /** Variable (= equation) names. */
  readonly names: string[];
  /** Number of variables K. */
  readonly k: number;
  /** Lag order p. */
  readonly lags: number;
  readonly trend: VARTrend;
  /** Number of deterministic regressors (0, 1 or 2). */
  readonly kTrend: number;
  /** Total observations n. */
  readonly nTotal: number;
  /** Observations used, T = n − p. */
  readonly nobs: number;
  /** Regressors per equation, Kp + k_trend. */
  readonly dfModel: number;
  /** T − Kp − k_trend. */
  readonly dfResid: number;
  /** Regressor names (statsmodels `exog_names`): const, trend, L1.y1, …. */
  readonly paramNames: string[];
  /** Coefficients, `[regressor][equation]` (statsmodels `params`). */
  readonly params: number[][];
  /** Standard errors, `[regressor][equation]`. */
  readonly bse: number[][];
  /** z statistics params/bse. */
  readonly tvalues: number[][];
  /** Two-sided normal p-values (statsmodels VAR uses the normal law, not Student t). */
  readonly pvalues: number[][];
  /** A_1..A_p: `coefs[l−1][i][j]` is the effect of y_{j,t−l} on y_{i,t}. */
  readonly coefs: number[][][];
  /** ν (zeros when trend is 'n'). */
  readonly intercept: number[];
  /** (Z'Z)⁻¹. */
  readonly xtxInv: number[][];
  /** Σ_u = Û'Û/(T − Kp − k_trend). */
  readonly sigmaU: number[][];
  /** Σ̃_u = Û'Û/T, the ML estimate. */
  readonly sigmaUMle: number[][];
  /** Residuals `[t][variable]` for t = p+1..n. */
  readonly resid: number[][];
  readonly llf: number;
  readonly aic: number;
  readonly bic: number;
  readonly hqic: number;
  readonly fpe: number;
  /** det Σ_u (df-corrected, statsmodels `detomega`). */
  readonly detomega: number;
  private readonly cols: Float64Array[];
  private selectionResult: VARSelection | null;
  private cholCache: Matrix | undefined;

  constructor(init: FittedVARInit) {
    this.names = init.names.slice();
    this.cols = init.cols;
    this.k = init.names.length;
    this.lags = init.p;
    this.trend = init.trend;
    this.kTrend = trendOrder(init.trend);
    this.nTotal = init.cols[0].length;
    this.nobs = this.nTotal - init.p;
    this.dfModel = this.k * init.p + this.kTrend;
    this.dfResid = this.nobs - this.dfModel;
    this.paramNames = regressorNames(init.names, init.p, init.trend);
    this.params = init.params.map((r) => r.slice());
    this.xtxInv = init.xtxInv.map((r) => r.slice());
    this.sigmaU = init.sigmaU.map((r) => r.slice());
    this.selectionResult = init.selection;
    const k = this.k;
    // Standard errors from Cov(vec B̂) = (Z'Z)⁻¹ ⊗ Σ_u (Lütkepohl eq. 3.2.21 with the df-corrected Σ_u).
    this.bse = this.params.map((row, j) => row.map((_, e) => Math.sqrt(this.xtxInv[j][j] * this.sigmaU[e][e])));
    this.tvalues = this.params.map((row, j) => row.map((b, e) => b / this.bse[j][e]));
    this.pvalues = this.tvalues.map((row) => row.map((z) => 2 * normalSf(Math.abs(z))));
    this.coefs = coefsFrom(this.params, k, init.p, this.kTrend);
    this.intercept = this.trend === 'n' ? new Array<number>(k).fill(0) : this.params[0].slice();
    this.resid = residuals(this.cols, this.params, init.p, init.trend, init.p);
    this.sigmaUMle = this.sigmaU.map((r) => r.map((v) => (v * this.dfResid) / this.nobs));
    // Log-likelihood at the ML covariance (Lütkepohl eq. 3.4.5 concentrated): −TK/2 log 2π − T/2 log|Σ̃_u| − TK/2.
    const ld = logDetSPD(this.sigmaUMle);
    this.llf = -(this.nobs * k / 2) * LOG2PI - (this.nobs / 2) * (ld + k);
    const ic = infoCriteria(ld, this.nobs, k, init.p, this.kTrend);
    this.aic = ic.aic;
    this.bic = ic.bic;
    this.hqic = ic.hqic;
    this.fpe = ic.fpe;
    this.detomega = Math.exp(logDetSPD(this.sigmaU));
  }

  /** The series the model was fitted to, `[variable][t]`. */
  get data(): number[][] {
    return this.cols.map((c) => Array.from(c));
  }

  /** The order-selection table, when selection was run (by `ic`/`maxLags` or {@link FittedVAR.selectOrder}). */
  get selection(): VARSelection | null {
    return this.selectionResult;
  }

  /**
   * Runs statsmodels `select_order(maxlags, trend)` on this model's data (see {@link selectVAROrder})
   * and records the result for {@link FittedVAR.report}. The fitted order is not changed.
   */
  selectOrder(options: VARSelectOptions = {}): VARSelection {
    const sel = selectOn({ names: this.names, cols: this.cols }, options.maxLags, checkTrend(options.trend ?? this.trend));
    this.selectionResult = sel;
    return sel;
  }

  /** Coefficients of one equation (by name) with standard errors, z and p-values. */
  equation(name: string): VAREquation {
    const e = this.index(name, 'name');
    return {
      names: this.paramNames.slice(),
      values: this.params.map((r) => r[e]),
      stdErrors: this.bse.map((r) => r[e]),
      tvalues: this.tvalues.map((r) => r[e]),
      pvalues: this.pvalues.map((r) => r[e]),
    };
  }

  /** Centred residual correlation matrix (statsmodels `resid_corr`). */
  get residCorr(): number[][] {
    const T = this.resid.length, k = this.k;
    const mu = new Array<number>(k).fill(0);
    for (const u of this.resid) for (let i = 0; i < k; i++) mu[i] += u[i] / T;
    const c = zeros(k, k);
    for (const u of this.resid) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) c[i][j] += (u[i] - mu[i]) * (u[j] - mu[j]);
    return c.map((r, i) => r.map((v, j) => v / Math.sqrt(c[i][i] * c[j][j])));
  }

  /** Companion matrix of the VAR(1) form (Lütkepohl eq. 2.1.8): [A_1 … A_p; I 0]. */
  companion(): number[][] {
    return companionMatrix(this.coefs, this.k);
  }

  /** Eigenvalues of the companion matrix (Hessenberg QR), as [re, im]. */
  companionEigenvalues(): Complex[] {
    return eigenvalues(this.companion());
  }

  /**
   * Roots of det(I − A_1 z − … − A_p z^p) = the inverses of the companion eigenvalues, sorted by
   * decreasing modulus (statsmodels `roots`); the VAR is stable when all moduli exceed 1.
   */
  roots(): VARRoot[] {
    return this.companionEigenvalues()
      .map(([re, im]) => {
        const d = re * re + im * im;
        const root = d === 0 ? { real: Infinity, imag: 0 } : { real: re / d, imag: -im / d };
        return { ...root, modulus: d === 0 ? Infinity : 1 / Math.sqrt(d) };
      })
      .sort((a, b) => b.modulus - a.modulus);
  }

  /** Stability (Lütkepohl §2.1.1): every companion eigenvalue has modulus ≤ 1 (statsmodels `is_stable`). */
  isStable(): boolean {
    return this.companionEigenvalues().every(([re, im]) => Math.hypot(re, im) <= 1);
  }

  /** Lower-triangular P with P P' = Σ_u. */
  private chol(): Matrix {
    if (!this.cholCache) this.cholCache = cholesky(this.sigmaU);
    return this.cholCache;
  }

  /** The parameters the impulse-response statistics of var-irf.ts depend on. */
  private irfParameters(): VARIrfParameters {
    return {
      coefs: this.coefs,
      sigmaU: this.sigmaU,
      chol: this.chol(),
      lagXtxInv: this.xtxInv.slice(this.kTrend).map((r) => r.slice(this.kTrend)),
      nobs: this.nobs,
    };
  }

  /** MA coefficients Φ_0..Φ_H: Φ_0 = I, Φ_h = Σ_{l=1}^{min(h,p)} Φ_{h−l} A_l (Lütkepohl eq. 2.1.22; {@link varMARepresentation}). */
  maRep(H: number): number[][][] {
    return varMARepresentation(this.coefs, H, this.k);
  }

  /**
   * Impulse responses for h = 0..H (statsmodels `irf(H)`): Φ_h, Θ_h = Φ_h P with P = chol(Σ_u)
   * (Lütkepohl §2.3.2, eq. 2.3.27; the df-corrected Σ_u, variable order = column order) and their
   * cumulative sums ({@link varImpulseResponses}).
   */
  irf(H: number): VARImpulseResponses {
    return varImpulseResponses({ coefs: this.coefs, chol: this.chol() }, H);
  }

  /**
   * Asymptotic standard errors of the impulse responses for h = 0..H, `[h][response][shock]`
   * (statsmodels `irf(H).stderr(orth)`; Lütkepohl §3.7.1, Prop. 3.6; {@link varIrfStdErrors}),
   * with Σ_α = (Z'Z)⁻¹_lags ⊗ Σ_u.
   */
  irfStdErrors(H: number, orthogonalized = true): number[][][] {
    return varIrfStdErrors(this.irfParameters(), H, orthogonalized);
  }

  /**
   * Forecast error variance decomposition for h = 0..H−1 (statsmodels `fevd(H)`; Lütkepohl
   * eq. 2.3.37): `[h][variable][shock]` = Σ_{s≤h} Θ_s[i][j]² / MSE_h[i][i], Θ_s = Φ_s P.
   * (statsmodels' `decomp` is the same array in the order `[variable][h][shock]`.)
   */
  fevd(H: number): number[][][] {
    checkHorizon(H, 'H', 1);
    return varFevd(this.maRep(H - 1), this.chol(), this.sigmaU);
  }

  /** MSE matrices Σ_y(h) = Σ_{j<h} Φ_j Σ_u Φ_j' for h = 1..H (Lütkepohl eq. 2.2.11). */
  mse(H: number): number[][][] {
    checkHorizon(H, 'h', 1);
    const phi = this.maRep(H - 1);
    const out: number[][][] = [];
    let acc = zeros(this.k, this.k);
    for (let h = 0; h < H; h++) {
      const term = matmul(matmul(phi[h], this.sigmaU), transpose(phi[h]));
      acc = acc.map((r, i) => r.map((v, j) => v + term[i][j]));
      out.push(acc.map((r) => r.slice()));
    }
    return out;
  }

  /** Deterministic part ν + δ t for the 0-based observation index t. */
  private deterministic(t: number): number[] {
    return Array.from({ length: this.k }, (_, e) => {
      let v = 0;
      if (this.trend !== 'n') v += this.params[0][e];
      if (this.trend === 'ct') v += this.params[1][e] * (t + 1);
      return v;
    });
  }

  /** One step of the recursion: deterministic terms plus Σ_l A_l y_{t−l} from `hist` (time-ordered). */
  private step(hist: readonly number[][], t: number): number[] {
    const y = this.deterministic(t);
    const m = hist.length;
    for (let l = 1; l <= this.lags; l++) {
      const prev = hist[m - l];
      const A = this.coefs[l - 1];
      for (let i = 0; i < this.k; i++) for (let j = 0; j < this.k; j++) y[i] += A[i][j] * prev[j];
    }
    return y;
  }

  /**
   * Forecasts h steps ahead (statsmodels `forecast`/`forecast_interval`; Lütkepohl §2.2.2):
   * the recursion ŷ_{n+h} = ν + δ(n+h) + Σ A_l ŷ_{n+h−l} from the last p observations, with MSE
   * matrices Σ_{j<h} Φ_j Σ_u Φ_j' (parameter uncertainty ignored) and Gaussian intervals.
   */
  forecast(h: number, _options: MultiForecastOptions = {}): VARForecast {
    checkHorizon(h, 'h', 1);
    const hist: number[][] = [];
    for (let t = this.nTotal - this.lags; t < this.nTotal; t++) hist.push(this.cols.map((c) => c[t]));
    const mean: number[][] = [];
    for (let s = 0; s < h; s++) {
      const y = this.step(hist, this.nTotal + s);
      hist.push(y);
      mean.push(y);
    }
    return new VARForecast(this.names, mean, this.mse(h));
  }

  /**
   * The fitted parameters applied to another history of the same variables (typically the data
   * extended by new rows): forecasts and samples start after it; no refit (statsmodels' `apply`).
   */
  apply(data: VARData): FittedVAR {
    const s = readSeries(data);
    if (s.names.length !== this.names.length || s.names.some((n, j) => n !== this.names[j])) {
      throw new DataError(`apply needs the model's variables in its order (${this.names.join(', ')}); got ${s.names.join(', ')}`, 'data');
    }
    if (s.cols[0].length <= this.lags) throw new DataError(`apply needs more than ${this.lags} rows (the VAR order); got ${s.cols[0].length}`, 'data');
    return new FittedVAR({
      names: s.names, cols: s.cols, p: this.lags, trend: this.trend, params: this.params, xtxInv: this.xtxInv, sigmaU: this.sigmaU, selection: this.selectionResult,
    });
  }

  /**
   * Sample paths `[path][step][variable]` of y_{n+1..n+h} given the data: the recursion with
   * Gaussian shocks P z, z ~ N(0, I), P = chol(Σ_u), drawn from `rng` (parameters held fixed).
   */
  sample(h: number, options: MultiSampleOptions): Float64Array[][] {
    checkHorizon(h, 'h', 1);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    const paths = checkPaths(options.paths ?? 1000, h * this.k, 'paths', h);
    const P = this.chol(), rng = options.rng;
    const out: Float64Array[][] = [];
    for (let r = 0; r < paths; r++) {
      const hist: number[][] = [];
      for (let t = this.nTotal - this.lags; t < this.nTotal; t++) hist.push(this.cols.map((c) => c[t]));
      const path: Float64Array[] = [];
      for (let s = 0; s < h; s++) {
        const y = this.step(hist, this.nTotal + s);
        const z = Array.from({ length: this.k }, () => rng.normal());
        for (let i = 0; i < this.k; i++) for (let j = 0; j <= i; j++) y[i] += P[i][j] * z[j];
        hist.push(y);
        path.push(Float64Array.from(y));
      }
      out.push(path);
    }
    return out;
  }

  private index(name: string, argument: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new ArgumentError(`unknown variable '${String(name)}' in ${argument}; the model's variables are ${this.names.join(', ')}`, argument);
    return i;
  }

  private indices(v: string | readonly string[], argument: string): number[] {
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
    if (!list || list.length === 0) throw new ArgumentError(`${argument} must be a variable name or a non-empty list of names (${this.names.join(', ')})`, argument);
    const idx = list.map((nm) => this.index(nm, argument));
    if (new Set(idx).size !== idx.length) throw new ArgumentError(`${argument} names a variable twice (${list.join(', ')})`, argument);
    return idx;
  }

  /**
   * Granger causality test (statsmodels `test_causality(caused, causing, kind)`; Lütkepohl §3.6.1,
   * eq. 3.6.5 and §7.6.3): H0 the lags of `causing` have zero coefficients in the equations of
   * `caused`. W = (Cβ̂)'[C ((Z'Z)⁻¹ ⊗ Σ_u) C']⁻¹(Cβ̂) with β̂ = vec(B̂'), q = p·|causing|·|caused|
   * restrictions; kind 'f': F = W/q ~ F(q, K(T − Kp − k_trend)) (statsmodels' system df);
   * kind 'wald': W ~ χ²(q). `causing` defaults to all other variables.
   */
  testCausality(caused: string | readonly string[], causing?: string | readonly string[], options: { kind?: CausalityKind } = {}): CausalityTest {
    const kind = options.kind ?? 'f';
    if (kind !== 'f' && kind !== 'wald') throw new ArgumentError(`kind must be 'f' or 'wald'; got '${String(kind)}'`, 'kind');
    const ed = this.indices(caused, 'caused');
    const ing = causing === undefined ? this.names.map((_, i) => i).filter((i) => !ed.includes(i)) : this.indices(causing, 'causing');
    if (ing.length === 0) throw new ArgumentError('causing is empty: with every variable caused, give the causing variables explicitly', 'causing');
    if (this.lags === 0) throw new ArgumentError('a VAR(0) has no lags, so Granger causality cannot be tested; fit with lags ≥ 1', 'lags');
    const k = this.k;
    // Restricted coefficients: regressor L(j+1).ing in equation ed, for each lag j.
    const rc: [number, number][] = [];
    for (let j = 0; j < this.lags; j++) for (const a of ing) for (const e of ed) rc.push([this.kTrend + j * k + a, e]);
    const q = rc.length;
    const cb = rc.map(([r, e]) => this.params[r][e]);
    const V = rc.map(([r, e]) => rc.map(([s, f]) => this.xtxInv[r][s] * this.sigmaU[e][f]));
    const w = quadraticForm(V, cb, 'the covariance of the restricted coefficients');
    const names = (idx: number[]) => idx.map((i) => this.names[i]);
    if (kind === 'wald') {
      return { test: 'granger', kind, caused: names(ed), causing: names(ing), statistic: w, pValue: chisqSf(w, q), df: q, criticalValue: chisqQuantile(0.95, q) };
    }
    const d2 = k * this.dfResid;
    const F = w / q;
    return { test: 'granger', kind, caused: names(ed), causing: names(ing), statistic: F, pValue: fSf(F, q, d2), df: [q, d2], criticalValue: fCritical(q, d2) };
  }

  /**
   * Test for instantaneous causality between `causing` and the other variables (statsmodels
   * `test_inst_causality`; Lütkepohl §3.6.3, eq. 3.6.13): H0 the covariances σ_ij between the two
   * groups are zero; W = T σ̂'[C Σ_σ C']⁻¹σ̂ with Σ_σ the covariance of vech(Σ_u),
   * Cov(σ_ij, σ_kl) = σ_ik σ_jl + σ_il σ_jk; χ² with |causing|·(K − |causing|) df.
   * (statsmodels pairs the indices element by element, which differs from this when several
   * variables are causing and several caused; with one causing variable both agree.)
   */
  testInstCausality(causing: string | readonly string[]): CausalityTest {
    const ing = this.indices(causing, 'causing');
    const ed = this.names.map((_, i) => i).filter((i) => !ing.includes(i));
    if (ed.length === 0) throw new ArgumentError('causing lists every variable; leave at least one variable out to test instantaneous causality', 'causing');
    const pairs: [number, number][] = [];
    for (const a of ing) for (const b of ed) pairs.push([Math.max(a, b), Math.min(a, b)]);
    const s = this.sigmaU;
    const sv = pairs.map(([i, j]) => s[i][j]);
    const V = pairs.map(([i, j]) => pairs.map(([a, b]) => s[i][a] * s[j][b] + s[i][b] * s[j][a]));
    const w = this.nobs * quadraticForm(V, sv, 'the covariance of the residual covariances');
    const q = pairs.length;
    return {
      test: 'instantaneous', kind: 'wald', caused: ed.map((i) => this.names[i]), causing: ing.map((i) => this.names[i]),
      statistic: w, pValue: chisqSf(w, q), df: q, criticalValue: chisqQuantile(0.95, q),
    };
  }

  /** Granger tests for every ordered pair (caused ≠ causing), caused-major in variable order; none for a VAR(0). */
  grangerPairs(kind: CausalityKind = 'f'): CausalityTest[] {
    const out: CausalityTest[] = [];
    if (this.lags === 0) return out;
    for (const ed of this.names) for (const ing of this.names) if (ed !== ing) out.push(this.testCausality(ed, ing, { kind }));
    return out;
  }

  /**
   * Bootstrap bands for the impulse responses h = 0..H (Lütkepohl 2005 Appendix D.3; Runkle 1987;
   * {@link varIrfBootstrap}): each replication rebuilds the series from the first p observations
   * with the fitted coefficients and resampled centred residuals ('residual') or N(0, Σ_u) draws
   * ('gaussian', the shocks of statsmodels `irf_errband_mc`), refits the VAR(p) with the same trend
   * and records Φ_h and Θ_h; the bands are pointwise type-7 quantiles at (1 ± level/100)/2.
   */
  irfBootstrap(H: number, options: IRFBootstrapOptions): IRFBands {
    const k = this.k, p = this.lags;
    return varIrfBootstrap({
      k, lags: p, nTotal: this.nTotal,
      initial: Array.from({ length: p }, (_, t) => this.cols.map((c) => c[t])),
      resid: this.resid,
      chol: this.chol(),
      step: (hist, t) => this.step(hist, t),
      refit: (cols) => {
        const f = varOLS(cols, this.names, p, this.trend, p);
        return { coefs: coefsFrom(f.params, k, p, this.kTrend), sigmaU: residualCovariance(f.resid, this.dfResid) };
      },
    }, H, options);
  }

  /**
   * Recursive structural VAR: orthogonal shocks identified by the Cholesky factor of Σ_u in the
   * variable order `ordering` (Lütkepohl §9.1.1 with A = I, B lower triangular in that order).
   * The impact matrix has rows = variables in the model's order and columns = shocks in `ordering`.
   */
  recursiveSVAR(ordering: readonly string[] = this.names): StructuralVAR {
    if (!Array.isArray(ordering) || ordering.length !== this.k) {
      throw new ArgumentError(`ordering must list all ${this.k} variables once (${this.names.join(', ')})`, 'ordering');
    }
    const idx = this.indices(ordering, 'ordering');
    const Lp = cholesky(idx.map((i) => idx.map((j) => this.sigmaU[i][j])));
    const impact = zeros(this.k, this.k);
    idx.forEach((i, r) => { for (let c = 0; c < this.k; c++) impact[i][c] = Lp[r][c]; });
    return new StructuralVAR(this, {
      type: 'recursive', shocks: idx.map((i) => this.names[i]), A: identity(this.k), B: impact,
      aFree: [], bFree: [], converged: true, iterations: 0, gradientNorm: 0,
    });
  }

  /**
   * Plain JSON for the CLI: coefficients per equation, the selection table (when run), Granger F
   * tests for every ordered pair, plain and orthogonalised impulse responses `[h][response][shock]`
   * for h = 0..H and the FEVD `[h][variable][shock]` for h = 0..H−1.
   */
  report(H = 10): VARReport {
    checkHorizon(H, 'H', 1);
    const params: VARReport['params'] = nameRecord();
    for (const nm of this.names) {
      const e = this.equation(nm);
      params[nm] = { names: e.names, values: e.values, stdErrors: e.stdErrors };
    }
    const ir = this.irf(H);
    const granger = this.grangerPairs('f').map((g) => ({ caused: g.caused[0], causing: g.causing[0], F: g.statistic, df: g.df as [number, number], p: g.pValue }));
    const sel = this.selectionResult;
    const irf = { plain: ir.plain, orthogonalized: ir.orthogonalized };
    const fevd = this.fevd(H);
    if (!sel) return { params, granger, irf, fevd };
    return { params, selection: { ...sel.selected, table: sel.table.map((r) => ({ ...r })) }, granger, irf, fevd };
  }

  /** A plain-text summary in the layout of statsmodels' `VARResults.summary()` (without date and time). */
  summary(): string {
    const g = (v: number) => (Number.isFinite(v) ? v.toPrecision(6) : String(v));
    const head = [
      '  Summary of Regression Results   ',
      '==================================',
      `Model:${'VAR'.padStart(28)}`,
      `Method:${'OLS'.padStart(27)}`,
      `Trend:${this.trend.padStart(28)}`,
      `Lags:${String(this.lags).padStart(29)}`,
    ];
    const left: [string, string][] = [['No. of Equations:', g(this.k)], ['Nobs:', g(this.nobs)], ['Log likelihood:', g(this.llf)], ['AIC:', g(this.aic)]];
    const right: [string, string][] = [['BIC:', g(this.bic)], ['HQIC:', g(this.hqic)], ['FPE:', g(this.fpe)], ['Det(Omega_mle):', g(this.detomega)]];
    const stats = ['-'.repeat(68)];
    for (let i = 0; i < 4; i++) stats.push(`${left[i][0].padEnd(18)}${left[i][1].padStart(12)}    ${right[i][0].padEnd(18)}${right[i][1].padStart(12)}`);
    stats.push('-'.repeat(68));
    const width = Math.max(...this.paramNames.map((s) => s.length), 10) + 2;
    const eqs: string[] = [];
    this.names.forEach((nm, e) => {
      eqs.push(`Results for equation ${nm}`);
      eqs.push('='.repeat(width + 67));
      eqs.push(`${''.padEnd(width)}${'coefficient'.padStart(17)}${'std. error'.padStart(17)}${'t-stat'.padStart(17)}${'prob'.padStart(16)}`);
      eqs.push('-'.repeat(width + 67));
      this.paramNames.forEach((rn, j) => {
        eqs.push(`${rn.padEnd(width)}${this.params[j][e].toFixed(6).padStart(17)}${this.bse[j][e].toFixed(6).padStart(17)}${this.tvalues[j][e].toFixed(3).padStart(17)}${this.pvalues[j][e].toFixed(3).padStart(16)}`);
      });
      eqs.push('='.repeat(width + 67));
      eqs.push('');
    });
    const corr = this.residCorr;
    const rw = Math.max(...this.names.map((s) => s.length)) + 2;
    const cw = this.names.map((s) => Math.max(s.length + 2, 10));
    const corrLines = ['Correlation matrix of residuals', ''.padEnd(rw) + this.names.map((s, j) => s.padStart(cw[j])).join('')];
    this.names.forEach((nm, i) => corrLines.push(nm.padEnd(rw) + corr[i].map((v, j) => v.toFixed(6).padStart(cw[j])).join('')));
    return [...head, ...stats, ...eqs, ...corrLines, ''].join('\n');
  }

  /** Plain JSON with data, order and estimates; {@link FittedVAR.fromJSON} restores an equal model. */
  toJSON(): VARJSON {
    return {
      kind: 'var',
      version: MODEL_JSON_VERSION,
      names: this.names.slice(),
      data: this.cols.map((c) => Array.from(c)),
      lags: this.lags,
      trend: this.trend,
      params: this.params.map((r) => r.slice()),
      xtxInv: this.xtxInv.map((r) => r.slice()),
      sigmaU: this.sigmaU.map((r) => r.slice()),
      selection: this.selectionResult ? JSON.parse(JSON.stringify(this.selectionResult)) as VARSelection : null,
    };
  }

  /** Restores a model saved with {@link FittedVAR.toJSON} (no refitting: forecasts are identical). */
  static fromJSON(json: VARJSON): FittedVAR {
    if (!json || json.kind !== 'var') throw new ArgumentError(`fromJSON: expected kind 'var'; got '${String(json?.kind)}'`, 'json');
    checkModelJSON(json, 'var');
    const s = readSeries({ names: json.names, columns: json.data });
    const trend = checkTrend(json.trend);
    const p = json.lags;
    if (!Number.isInteger(p) || p < 0) throw new ArgumentError(`fromJSON: lags must be a non-negative integer; got ${String(p)}`, 'json');
    const rows = regressorNames(s.names, p, trend).length, k = s.names.length;
    const square = (m: unknown, size: number) => Array.isArray(m) && m.length === size && m.every((r) => Array.isArray(r) && r.length === size);
    if (!Array.isArray(json.params) || json.params.length !== rows || !json.params.every((r) => Array.isArray(r) && r.length === k)) {
      throw new ArgumentError(`fromJSON: params must be a ${rows} × ${k} array (regressors × equations)`, 'json');
    }
    if (!square(json.xtxInv, rows)) throw new ArgumentError(`fromJSON: xtxInv must be ${rows} × ${rows}`, 'json');
    if (!square(json.sigmaU, k)) throw new ArgumentError(`fromJSON: sigmaU must be ${k} × ${k}`, 'json');
    return new FittedVAR({ names: s.names, cols: s.cols, p, trend, params: json.params, xtxInv: json.xtxInv, sigmaU: json.sigmaU, selection: json.selection ?? null });
  }
}

/** Restores a {@link FittedVAR} from its JSON (same as `FittedVAR.fromJSON`; named apart for barrel exports). */
export function varFromJSON(json: VARJSON): FittedVAR {
  return FittedVAR.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Forecasts

/**
 * A VAR forecast (statsmodels `forecast`/`forecast_interval`): the {@link GaussianMultiForecast}
 * contract — `mean()` `[h][variable]`, marginal `quantile`/`interval`, `column(name)` — with the
 * MSE matrices `[h][K][K]` as `mse` and standard errors as `se`.
 */
export class VARForecast extends GaussianMultiForecast {
  /** MSE matrices Σ_{j<h} Φ_j Σ_u Φ_j' of each step (the covariance of the forecast error). */
  get mse(): number[][][] {
    return this.cov.map((m) => m.map((r) => Array.from(r)));
  }

  /** @deprecated renamed {@link VARForecast.column} (the multivariate forecast contract); kept for one release. */
  variable(name: string): GaussianForecast {
    return this.column(name);
  }
}
// ---------------------------------------------------------------------------------------------
// Shared helpers

/** A_1..A_p from the coefficient table: A_l[i][j] = params[k_trend + (l−1)K + j][i] (statsmodels `coefs`). */
function coefsFrom(params: Matrix, k: number, p: number, kTrend: number): number[][][] {
  return Array.from({ length: p }, (_, l) =>
    Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => params[kTrend + l * k + j][i])));
}

/** x'V⁻¹x for symmetric positive definite V. */
function quadraticForm(V: Matrix, x: readonly number[], what: string): number {
  let sol: number[];
  try {
    sol = choleskySolve(V, x);
  } catch {
    throw new SingularMatrixError(`${what} is singular, so the Wald statistic is undefined`, 'data');
  }
  return sol.reduce((s, v, i) => s + v * x[i], 0);
}

/** 95% quantile of F(d1, d2) by bisection on the survival function (no F quantile in core). */
function fCritical(d1: number, d2: number): number {
  let lo = 0, hi = 1;
  while (fSf(hi, d1, d2) > 0.05) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (fSf(mid, d1, d2) > 0.05) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

// ---------------------------------------------------------------------------------------------
// Registry entry

/** The options schema of {@link fitVAR} (see {@link VAROptions}). */
export const varOptionsSchema = z.strictObject({
  lags: z.number().int().min(1).optional().describe('VAR order p (default: chosen by ic when ic or max lags is given, else 1)').meta({ cli: { value: 'p' } }),
  maxLags: z.number().int().min(1).optional().describe('largest order of the selection table (common sample)'),
  ic: z.enum(['aic', 'bic', 'hqic', 'fpe']).optional().describe('criterion that chooses the order (default aic when selecting)'),
  trend: z.enum(['n', 'c', 'ct']).default('c').describe('deterministic terms: c constant, ct constant and trend, n none'),
});

/** Report options of the VAR: the impulse-response and FEVD horizon. */
export const varReportSchema = z.strictObject({
  irf: z.number().int().min(1).default(10).describe('impulse-response and FEVD horizon'),
});

/** Registry entry of {@link fitVAR}. */
export const varEntry: MultiSeriesModelEntry<z.output<typeof varOptionsSchema>, FittedVAR> = {
  name: 'var',
  shape: 'multiseries',
  description: 'vector autoregression by OLS with order selection, Granger tests, impulse responses and FEVD, as statsmodels VAR',
  producesKind: 'var',
  options: varOptionsSchema,
  reportOptions: varReportSchema,
  fit: (data, options) => fitVAR(data, options),
  fromJSON: (json) => FittedVAR.fromJSON(json as VARJSON),
  report: (fit, { options }) => ({
    variables: fit.names, lags: fit.lags, trend: fit.trend, nobs: fit.nobs,
    logLik: fit.llf, aic: fit.aic, bic: fit.bic, hqic: fit.hqic, fpe: fit.fpe, stable: fit.isStable(),
    ...fit.report((options.irf as number | undefined) ?? 10),
  }),
  charts: async (fit, options) => {
    const report = fit.report((options.irf as number | undefined) ?? 10);
    const edges = report.granger.filter((g) => g.p < 0.05).map((g) => ({ causing: g.causing, caused: g.caused, p: g.p }));
    return {
      'var-irf.svg': await irfChartSvg({ title: `VAR(${fit.lags}) orthogonalised impulse responses`, names: fit.names, irf: report.irf.orthogonalized }),
      'var-granger.svg': await grangerGraphSvg(fit.names, edges, 'Granger causality, F test p < 0.05'),
    };
  },
  backtestOptions: () => ({ ic: 'aic' }),
  example: { dataset: 'macrodata', columns: ['realgdp', 'realcons', 'realinv'], transform: 'dlog', options: varOptionsSchema.parse({ lags: 2 }) },
};
