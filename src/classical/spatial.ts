/**
 * Spatial regression by maximum likelihood: the spatial lag model (SAR, "spatial autoregressive")
 * y = ρWy + Xβ + ε and the spatial error model (SEM) y = Xβ + u, u = λWu + ε, ε ~ N(0, σ²I),
 * with the eigenvalue method for the Jacobian log|I − ρW| = Σ log(1 − ρ w_i) (Ord 1975), as
 * R spatialreg `lagsarlm` / `errorsarlm` with `method = "eigen"`; their reports, summaries and
 * JSON.
 *
 * References: Anselin, "Spatial Econometrics: Methods and Models" (1988) ch. 6 and 12
 * (concentrated likelihood, analytic information matrix); Ord (1975), "Estimation methods for
 * models of spatial interaction", JASA 70; LeSage & Pace, "Introduction to Spatial Econometrics"
 * (2009) §2.7 (direct / indirect / total impacts); Brent (1973) for the root of the score.
 *
 * The weights and their eigenvalues live in spatial-weights.ts ({@link spatialWeights}); the OLS
 * diagnostics (Moran's I, LM tests) that every fit reports, and the shared input handling, in
 * spatial-diagnostics.ts ({@link spatialDiagnostics}).
 *
 * @example
 * const W = spatialWeights({ from, to }, 49);              // style 'W' (row-standardised)
 * const sar = fitSAR(crime, { INC: inc, HOVAL: hoval }, W); // intercept '(Intercept)' added
 * sar.rho; sar.params; sar.impacts; console.log(sar.summary());
 * const sem = fitSEM(crime, { INC: inc, HOVAL: hoval }, W);
 */
import { ArgumentError, DataError, SingularMatrixError, ConvergenceError } from '../core/errors.js';
import { checkModelJSON, MODEL_JSON_VERSION } from '../core/validate.js';
import { z, type SpatialModelEntry } from '../core/model-entry.js';
import { leastSquares, invertSPD, inverse, matvec, crossprod, type Matrix } from '../core/linalg.js';
import { normalSf, chisqSf } from '../core/distributions.js';
import { brentZero } from '../core/optimize.js';
import { fmt, table, rule } from '../core/format.js';
import { SpatialWeights, spatialWeights, type WeightsStyle } from './spatial-weights.js';
import {
  prepareSpatialDesign, olsDiagnostics, moranOf, residuals, sumSq, dotArr, gaussLogLik,
  type RegressorInput, type SpatialRegressionOptions, type MoranTest, type LMTests,
} from './spatial-diagnostics.js';

// The weights and the diagnostics were defined here before they got files of their own; these
// re-exports keep imports from './spatial.js' (the CLI's spatial command among them) working.
export {
  spatialWeights, SpatialWeights, type WeightsStyle, type EdgeList, type SpatialWeightsOptions, type WeightsEigen,
} from './spatial-weights.js';
export {
  spatialDiagnostics, type SpatialRegressionOptions, type MoranTest, type ChiSquareTest, type LMTests, type SpatialDiagnostics,
} from './spatial-diagnostics.js';


// ---------------------------------------------------------------------------------------------
// 1-D optimisation: grid + Brent's root finder on the analytic score
// ---------------------------------------------------------------------------------------------

/**
 * Maximises a smooth concentrated log-likelihood `ll` on the open interval (lo, hi) given its
 * analytic derivative `score`: a grid of `gridSize` points (including points just inside the
 * ends, where ll → −∞) locates every sign change + → − of the score, Brent's method finds each
 * root to machine precision, and the root with the highest ll wins (so a multimodal profile
 * cannot trap the search in a local maximum that the grid sees as lower).
 */
function maximizeProfile(
  ll: (x: number) => number,
  score: (x: number) => number,
  lo: number,
  hi: number,
  parameter: string,
  gridSize = 100,
): { x: number; value: number } {
  const width = hi - lo;
  const pts: number[] = [lo + 1e-10 * width, lo + 1e-6 * width];
  for (let i = 1; i < gridSize; i++) pts.push(lo + (i / gridSize) * width);
  pts.push(hi - 1e-6 * width, hi - 1e-10 * width);
  const sc = pts.map(score);
  let best = { x: NaN, value: -Infinity };
  const consider = (x: number) => {
    const v = ll(x);
    if (v > best.value) best = { x, value: v };
  };
  for (let i = 0; i + 1 < pts.length; i++) {
    if (sc[i] > 0 && sc[i + 1] <= 0) consider(brentZero(score, pts[i], pts[i + 1], sc[i], sc[i + 1]));
  }
  if (!Number.isFinite(best.value)) {
    // No sign change seen (a profile rising to an end): fall back to the best grid point.
    pts.forEach(consider);
  }
  if (!Number.isFinite(best.value)) {
    throw new ConvergenceError(`the concentrated log-likelihood of ${parameter} is not finite anywhere on (${lo}, ${hi}); check y and X for degenerate (constant or exactly fitted) values`);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Information-matrix pieces from the eigen-decomposition
// ---------------------------------------------------------------------------------------------

/**
 * Traces and products with WA, A = (I − aW)⁻¹, through W = D^{-1/2} V Λ V' D^{1/2}:
 * WA = D^{-1/2} V diag(γ) V' D^{1/2} with γ_k = λ_k/(1 − aλ_k), so tr(WA) = Σγ, tr(WAWA) = Σγ²
 * and tr((WA)'WA) = Σ_ij M_ij² d_j/d_i with M = V diag(γ) V' (Anselin 1988 ch. 6).
 */
function waPieces(W: SpatialWeights, a: number): { trWA: number; trWAWA: number; trWAtWA: number; applyWA: (v: ArrayLike<number>) => Float64Array } {
  const { values, vectors } = W.eigen();
  const sd = W.similarityScale();
  const n = W.n;
  const gamma = values.map((l) => l / (1 - a * l));
  let trWA = 0, trWAWA = 0;
  for (const g of gamma) { trWA += g; trWAWA += g * g; }
  // M = V diag(γ) V' (symmetric).
  const M: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const vg: Matrix = vectors.map((row) => row.map((v, k) => v * gamma[k]));
  for (let i = 0; i < n; i++) {
    const vi = vg[i], mi = M[i];
    for (let j = i; j < n; j++) {
      const vj = vectors[j];
      let s = 0;
      for (let k = 0; k < n; k++) s += vi[k] * vj[k];
      mi[j] = s;
      M[j][i] = s;
    }
  }
  let trWAtWA = 0;
  for (let i = 0; i < n; i++) {
    const di = sd[i] * sd[i];
    for (let j = 0; j < n; j++) trWAtWA += (M[i][j] * M[i][j] * sd[j] * sd[j]) / di;
  }
  const applyWA = (v: ArrayLike<number>) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += M[i][j] * sd[j] * v[j];
      out[i] = s / sd[i];
    }
    return out;
  };
  return { trWA, trWAWA, trWAtWA, applyWA };
}

/** Inverse of an information matrix (SPD by construction; LU fallback), naming the model on failure. */
function invertInformation(info: Matrix, fn: string): Matrix {
  try {
    return invertSPD(info);
  } catch {
    try {
      return inverse(info);
    } catch {
      throw new SingularMatrixError(`${fn}: the asymptotic information matrix is singular; the spatial parameter or a coefficient is not identified (check for collinear columns or a degenerate W)`, 'X');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fitted models
// ---------------------------------------------------------------------------------------------

/** Likelihood-ratio test of the spatial parameter = 0 against OLS (χ², 1 df). */
export interface SpatialLRTest {
  statistic: number;
  df: number;
  pValue: number;
  /** Log-likelihood of the OLS model y = Xβ + ε (ML variance). */
  logLikOLS: number;
}

/** Direct, indirect and total impacts of each non-intercept regressor (LeSage & Pace 2009). */
export interface SpatialImpacts {
  names: string[];
  direct: number[];
  indirect: number[];
  total: number[];
}

/** Plain JSON for the command line ({@link FittedSAR.report}, {@link FittedSEM.report}). */
export interface SpatialReport {
  model: 'SAR' | 'SEM';
  params: { names: string[]; values: number[]; stdErrors: number[] };
  rho?: { value: number; stdError: number };
  lambda?: { value: number; stdError: number };
  sigma2: number;
  logLik: number;
  aic: number;
  nobs: number;
  lrTest: { statistic: number; df: number; pValue: number; logLikOLS: number };
  impacts?: SpatialImpacts;
  /** Moran's I test of the OLS residuals (the diagnostic that motivates the spatial model). */
  moranI?: MoranTest;
}

/** Plain-data content of a fitted spatial model (what `toJSON` stores). */
export interface SpatialModelJSON {
  kind: 'sar' | 'sem';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  yName: string;
  names: string[];
  coef: number[];
  stdErrors: number[];
  /** ρ (SAR) or λ (SEM). */
  spatial: number;
  spatialStdError: number;
  sigma2: number;
  logLik: number;
  aic: number;
  nobs: number;
  /** Asymptotic covariance ordered (σ², ρ|λ, β…), R's `resvar`. */
  covariance: number[][];
  interval: [number, number];
  weightsStyle: WeightsStyle;
  /** Residuals and fitted values, the OLS diagnostics and log-likelihood (absent in files of 0.1). */
  resid?: number[];
  fitted?: number[];
  moranI?: MoranTest;
  lmTests?: LMTests;
  logLikOLS?: number;
  residualMoran?: number;
}

abstract class FittedSpatial {
  readonly nobs: number;
  /** Asymptotic standard errors of the coefficients (analytic information matrix). */
  readonly bse: number[];
  /** Asymptotic standard error of the spatial parameter. */
  readonly spatialStdError: number;
  /** AIC = −2 logLik + 2(k + 2), counting σ² and the spatial parameter (R `AIC(lagsarlm)`). */
  readonly aic: number;
  readonly lrTest: SpatialLRTest;
  private readonly residualMoran: number;

  constructor(
    /** Coefficient names ('(Intercept)' first when added). */
    readonly paramNames: string[],
    /** β̂. */
    readonly params: number[],
    /** ρ̂ or λ̂. */
    readonly spatial: number,
    /** ML residual variance σ̂² = e'e/n. */
    readonly sigma2: number,
    /** Maximised log-likelihood. */
    readonly llf: number,
    /** Asymptotic covariance of (σ², ρ|λ, β…) (R's `resvar`). */
    readonly covariance: Matrix,
    /** Residuals ε̂ (of the filtered regression, as R's `residuals()`). */
    readonly resid: Float64Array,
    /** y − ε̂ (R's `fitted()`). */
    readonly fittedValues: Float64Array,
    /** Search interval (1/λmin, 1/λmax) of the spatial parameter. */
    readonly interval: [number, number],
    /** Moran's I test of the OLS residuals. */
    readonly moranI: MoranTest,
    /** Lagrange multiplier tests on the OLS residuals. */
    readonly lmTests: LMTests,
    logLikOLS: number,
    readonly yName: string,
    readonly weightsStyle: WeightsStyle,
    residualMoran: number,
  ) {
    this.residualMoran = residualMoran;
    this.nobs = resid.length;
    this.bse = paramNames.map((_, j) => Math.sqrt(covariance[j + 2][j + 2]));
    this.spatialStdError = Math.sqrt(covariance[1][1]);
    this.aic = -2 * llf + 2 * (paramNames.length + 2);
    const lr = 2 * (llf - logLikOLS);
    this.lrTest = { statistic: lr, df: 1, pValue: chisqSf(lr, 1), logLikOLS };
  }

  /** BIC = −2 llf + (k + 2) log n, counting σ² and the spatial parameter. */
  get bic(): number {
    return -2 * this.llf + (this.paramNames.length + 2) * Math.log(this.nobs);
  }

  /** @deprecated renamed {@link FittedSpatial.paramNames} (statsmodels' names); kept for one release. */
  get names(): string[] {
    return this.paramNames;
  }

  /** @deprecated renamed {@link FittedSpatial.bse} (statsmodels' names); kept for one release. */
  get stdErrors(): number[] {
    return this.bse;
  }

  /** @deprecated renamed {@link FittedSpatial.llf} (statsmodels' names); kept for one release. */
  get logLik(): number {
    return this.llf;
  }

  /** @deprecated renamed {@link FittedSpatial.fittedValues} (statsmodels' names); kept for one release. */
  get fitted(): Float64Array {
    return this.fittedValues;
  }

  /** The report fields both models share (the model-specific coefficient is added by each). */
  protected commonReport(model: 'SAR' | 'SEM'): SpatialReport {
    return {
      model,
      params: { names: this.paramNames.slice(), values: this.params.slice(), stdErrors: this.bse.slice() },
      sigma2: this.sigma2, logLik: this.llf, aic: this.aic, nobs: this.nobs,
      lrTest: { ...this.lrTest },
      moranI: { ...this.moranI },
    };
  }

  /** Moran's I (n/S0) ε̂'Wε̂/ε̂'ε̂ of the model's residuals (no test: its null moments differ from OLS). */
  get residualMoranI(): number {
    return this.residualMoran;
  }

  /** z statistics β̂/se (statsmodels' `tvalues`; R prints them as z values). */
  get tvalues(): number[] {
    return this.params.map((b, j) => b / this.bse[j]);
  }

  /** Two-sided normal p-values of the coefficients. */
  get pvalues(): number[] {
    return this.tvalues.map((z) => 2 * normalSf(Math.abs(z)));
  }

  /** @deprecated renamed {@link FittedSpatial.tvalues}; kept for one release. */
  zValues(): number[] {
    return this.tvalues;
  }

  /** @deprecated renamed {@link FittedSpatial.pvalues}; kept for one release. */
  pValues(): number[] {
    return this.pvalues;
  }

  protected coefTable(): string {
    const z = this.tvalues, p = this.pvalues;
    return table(
      ['', 'Estimate', 'Std. Error', 'z value', 'Pr(>|z|)'],
      this.paramNames.map((nm, j) => [nm, fmt(this.params[j]), fmt(this.bse[j]), z[j].toFixed(4), fmtP(p[j])]),
      14,
    );
  }

  protected baseJSON(kind: 'sar' | 'sem'): SpatialModelJSON {
    return {
      kind, version: MODEL_JSON_VERSION, yName: this.yName, names: this.paramNames.slice(), coef: this.params.slice(), stdErrors: this.bse.slice(),
      spatial: this.spatial, spatialStdError: this.spatialStdError, sigma2: this.sigma2, logLik: this.llf,
      aic: this.aic, nobs: this.nobs, covariance: this.covariance.map((r) => r.slice()), interval: [this.interval[0], this.interval[1]],
      weightsStyle: this.weightsStyle,
      resid: Array.from(this.resid), fitted: Array.from(this.fittedValues), moranI: { ...this.moranI }, lmTests: structuredClone(this.lmTests),
      logLikOLS: this.lrTest.logLikOLS, residualMoran: this.residualMoran,
    };
  }
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

/**
 * A fitted spatial lag model y = ρWy + Xβ + ε (R spatialreg `lagsarlm`, method "eigen").
 * `covariance`/`stdErrors`/`rhoStdError` come from the analytic information matrix of
 * (σ², ρ, β) (Anselin 1988, eq. 6.5; spatialreg's `resvar`).
 */
export class FittedSAR extends FittedSpatial {
  readonly kind = 'sar';
  /** Direct, indirect and total impacts (LeSage & Pace 2009 §2.7). */
  readonly impacts: SpatialImpacts;

  constructor(
    names: string[], params: number[], rho: number, sigma2: number, logLik: number, covariance: Matrix,
    resid: Float64Array, fitted: Float64Array, interval: [number, number], moranI: MoranTest, lmTests: LMTests,
    logLikOLS: number, yName: string, weightsStyle: WeightsStyle, residualMoran: number, impacts: SpatialImpacts,
  ) {
    super(names, params, rho, sigma2, logLik, covariance, resid, fitted, interval, moranI, lmTests, logLikOLS, yName, weightsStyle, residualMoran);
    this.impacts = impacts;
  }

  /** ρ̂, the spatial autoregressive coefficient of Wy. */
  get rho(): number {
    return this.spatial;
  }

  /** Asymptotic standard error of ρ̂. */
  get rhoStdError(): number {
    return this.spatialStdError;
  }

  /** Plain JSON for the CLI. */
  report(): SpatialReport {
    return {
      ...this.commonReport('SAR'),
      rho: { value: this.rho, stdError: this.rhoStdError },
      impacts: { names: this.impacts.names.slice(), direct: this.impacts.direct.slice(), indirect: this.impacts.indirect.slice(), total: this.impacts.total.slice() },
    };
  }

  /** A plain-text summary in the layout of R's `summary(lagsarlm(...))`. */
  summary(): string {
    const z = this.rho / this.rhoStdError;
    const imp = table(
      ['', 'Direct', 'Indirect', 'Total'],
      this.impacts.names.map((nm, j) => [nm, fmt(this.impacts.direct[j]), fmt(this.impacts.indirect[j]), fmt(this.impacts.total[j])]),
      14,
    );
    return [
      rule(),
      'Spatial lag model (SAR) by maximum likelihood, eigenvalue Jacobian',
      rule(),
      `Dep. variable: ${this.yName}    Observations: ${this.nobs}    Weights style: ${this.weightsStyle}`,
      '',
      'Coefficients: (asymptotic standard errors)',
      this.coefTable(),
      '',
      `Rho: ${fmt(this.rho)}, LR test value: ${fmt(this.lrTest.statistic)}, p-value: ${fmtP(this.lrTest.pValue)}`,
      `Asymptotic standard error: ${fmt(this.rhoStdError)}`,
      `    z-value: ${fmt(z)}, p-value: ${fmtP(2 * normalSf(Math.abs(z)))}`,
      `Log likelihood: ${fmt(this.llf)} for lag model`,
      `ML residual variance (sigma squared): ${fmt(this.sigma2)}, (sigma: ${fmt(Math.sqrt(this.sigma2))})`,
      `Number of parameters estimated: ${this.paramNames.length + 2}`,
      `AIC: ${fmt(this.aic)}, (AIC for lm: ${fmt(-2 * this.lrTest.logLikOLS + 2 * (this.paramNames.length + 1))})`,
      `Moran's I of OLS residuals: ${fmt(this.moranI.statistic)}, z = ${fmt(this.moranI.z)}, p-value: ${fmtP(this.moranI.pValue)}`,
      '',
      'Impacts (LeSage & Pace 2009):',
      imp,
      rule(),
    ].join('\n');
  }

  toJSON(): SpatialModelJSON & { impacts: SpatialImpacts } {
    return { ...this.baseJSON('sar'), impacts: { ...this.impacts } };
  }
}

/**
 * A fitted spatial error model y = Xβ + u, u = λWu + ε (R spatialreg `errorsarlm`, method
 * "eigen"). The information matrix is block-diagonal between (σ², λ) and β (Anselin 1988 §12.2).
 */
export class FittedSEM extends FittedSpatial {
  readonly kind = 'sem';

  /** λ̂, the autoregressive coefficient of the errors. */
  get lambda(): number {
    return this.spatial;
  }

  /** Asymptotic standard error of λ̂. */
  get lambdaStdError(): number {
    return this.spatialStdError;
  }

  /** Plain JSON for the CLI. */
  report(): SpatialReport {
    return { ...this.commonReport('SEM'), lambda: { value: this.lambda, stdError: this.lambdaStdError } };
  }

  /** A plain-text summary in the layout of R's `summary(errorsarlm(...))`. */
  summary(): string {
    const z = this.lambda / this.lambdaStdError;
    return [
      rule(),
      'Spatial error model (SEM) by maximum likelihood, eigenvalue Jacobian',
      rule(),
      `Dep. variable: ${this.yName}    Observations: ${this.nobs}    Weights style: ${this.weightsStyle}`,
      '',
      'Coefficients: (asymptotic standard errors)',
      this.coefTable(),
      '',
      `Lambda: ${fmt(this.lambda)}, LR test value: ${fmt(this.lrTest.statistic)}, p-value: ${fmtP(this.lrTest.pValue)}`,
      `Asymptotic standard error: ${fmt(this.lambdaStdError)}`,
      `    z-value: ${fmt(z)}, p-value: ${fmtP(2 * normalSf(Math.abs(z)))}`,
      `Log likelihood: ${fmt(this.llf)} for error model`,
      `ML residual variance (sigma squared): ${fmt(this.sigma2)}, (sigma: ${fmt(Math.sqrt(this.sigma2))})`,
      `Number of parameters estimated: ${this.paramNames.length + 2}`,
      `AIC: ${fmt(this.aic)}, (AIC for lm: ${fmt(-2 * this.lrTest.logLikOLS + 2 * (this.paramNames.length + 1))})`,
      `Moran's I of OLS residuals: ${fmt(this.moranI.statistic)}, z = ${fmt(this.moranI.z)}, p-value: ${fmtP(this.moranI.pValue)}`,
      rule(),
    ].join('\n');
  }

  toJSON(): SpatialModelJSON {
    return this.baseJSON('sem');
  }
}

/** (1/λmin, 1/λmax): the interval on which I − aW is non-singular with a positive determinant. */
function spatialInterval(values: readonly number[], fn: string): [number, number] {
  const lmin = values[0], lmax = values[values.length - 1];
  if (!(lmin < 0 && lmax > 0)) throw new DataError(`${fn}: the eigenvalues of W do not straddle 0 (min ${lmin}, max ${lmax}); W is degenerate`, 'W');
  return [1 / lmin, 1 / lmax];
}

function logDet(values: readonly number[], a: number): number {
  let s = 0;
  for (const l of values) s += Math.log(1 - a * l);
  return s;
}

function traceGamma(values: readonly number[], a: number): number {
  let s = 0;
  for (const l of values) s += l / (1 - a * l);
  return s;
}

/**
 * Fits the spatial lag (SAR) model y = ρWy + Xβ + ε, ε ~ N(0, σ²I) by maximum likelihood,
 * as R spatialreg `lagsarlm(..., method = "eigen")`.
 *
 * ρ maximises the concentrated log-likelihood (Anselin 1988 eq. 6.21)
 * l(ρ) = −n/2 (log 2π + 1) − n/2 log(e(ρ)'e(ρ)/n) + Σ log(1 − ρ w_i) on (1/w_min, 1/w_max),
 * e(ρ) = e₀ − ρ e_L with e₀, e_L the OLS residuals of y and Wy on X; the analytic score is solved
 * by Brent's method after a grid search. Then β = OLS of (I − ρW)y on X, σ² = e'e/n, standard
 * errors from the analytic information matrix, the LR test of ρ = 0, and the impacts
 * direct = β tr((I − ρW)⁻¹)/n, total = β 1'(I − ρW)⁻¹1/n (= β/(1 − ρ) for row-standardised W).
 *
 * @param X a record of named columns, or n rows (with `options.names`); '(Intercept)' is added.
 * @throws DataError (too few rows, missing values, length mismatch), SingularMatrixError (collinear columns).
 */
export function fitSAR(y: ArrayLike<number>, X: RegressorInput, W: SpatialWeights, options: SpatialRegressionOptions = {}): FittedSAR {
  const d = prepareSpatialDesign('fitSAR', y, X, W, options, 2);
  const { X: Xm, names } = d;
  const yv = d.y;
  const n = yv.length, k = names.length;
  const diag = olsDiagnostics(d, W); // also rejects collinear columns, naming them
  const Wy = W.lag(yv);
  const c0 = diag.coef;
  const cL = leastSquares(Xm, Wy, names).coef;
  const e0 = residuals(Xm, yv, c0), eL = residuals(Xm, Wy, cL);
  const values = W.eigen().values;
  const interval = spatialInterval(values, 'fitSAR');
  const sse = (rho: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) { const e = e0[i] - rho * eL[i]; s += e * e; }
    return s;
  };
  const ll = (rho: number) => gaussLogLik(sse(rho), n) + logDet(values, rho);
  const score = (rho: number) => {
    let b = 0, s = 0;
    for (let i = 0; i < n; i++) { const e = e0[i] - rho * eL[i]; s += e * e; b += e * eL[i]; }
    return (n * b) / s - traceGamma(values, rho);
  };
  const { x: rho, value: logLik } = maximizeProfile(ll, score, interval[0], interval[1], 'rho');
  const ry = Float64Array.from(yv, (v, i) => v - rho * Wy[i]);
  const { coef } = leastSquares(Xm, ry, names);
  const resid = residuals(Xm, ry, coef);
  const sigma2 = sumSq(resid) / n;
  // Analytic information matrix of (σ², ρ, β) (Anselin 1988 eq. 6.5; spatialreg lagsarlm).
  const { trWA, trWAWA, trWAtWA, applyWA } = waPieces(W, rho);
  const xb = matvec(Xm, coef);
  const waxb = applyWA(xb);
  const info: Matrix = Array.from({ length: k + 2 }, () => new Array<number>(k + 2).fill(0));
  info[0][0] = n / (2 * sigma2 * sigma2);
  info[0][1] = info[1][0] = trWA / sigma2;
  info[1][1] = trWAWA + trWAtWA + sumSq(waxb) / sigma2;
  const xtx = crossprod(Xm);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xm[i][a] * waxb[i];
    info[1][a + 2] = info[a + 2][1] = s / sigma2;
    for (let b = 0; b < k; b++) info[a + 2][b + 2] = xtx[a][b] / sigma2;
  }
  const covariance = invertInformation(info, 'fitSAR');
  // Impacts (LeSage & Pace 2009 §2.7): tr(A)/n = mean 1/(1 − ρ w_i); 1'A1/n = 1/(1 − ρ) for W.
  let trA = 0;
  for (const l of values) trA += 1 / (1 - rho * l);
  const directFactor = trA / n;
  const totalFactor = W.style === 'W' ? 1 / (1 - rho) : totalMultiplier(W, rho);
  const keep = names.map((nm, j) => ({ nm, j })).filter((c) => c.nm !== '(Intercept)');
  const impacts: SpatialImpacts = {
    names: keep.map((c) => c.nm),
    direct: keep.map((c) => coef[c.j] * directFactor),
    indirect: keep.map((c) => coef[c.j] * (totalFactor - directFactor)),
    total: keep.map((c) => coef[c.j] * totalFactor),
  };
  const fitted = Float64Array.from(yv, (v, i) => v - resid[i]);
  return new FittedSAR(names, coef, rho, sigma2, logLik, covariance, resid, fitted, interval, diag.moran, diag.lm, diag.logLik, d.yName, W.style, moranOf(W, resid), impacts);
}

/** 1'(I − ρW)⁻¹1 / n through the eigen-decomposition (any style). */
function totalMultiplier(W: SpatialWeights, rho: number): number {
  const { values, vectors } = W.eigen();
  const sd = W.similarityScale();
  const n = W.n;
  let s = 0;
  for (let k = 0; k < n; k++) {
    let left = 0, right = 0;
    for (let i = 0; i < n; i++) { left += vectors[i][k] / sd[i]; right += vectors[i][k] * sd[i]; }
    s += (left * right) / (1 - rho * values[k]);
  }
  return s / n;
}

/**
 * Fits the spatial error (SEM) model y = Xβ + u, u = λWu + ε, ε ~ N(0, σ²I) by maximum
 * likelihood, as R spatialreg `errorsarlm(..., method = "eigen")`.
 *
 * λ maximises l(λ) = −n/2 (log 2π + 1) − n/2 log(s²(λ)) + Σ log(1 − λ w_i) (Anselin 1988 §12.2),
 * s²(λ) the mean squared residual of the GLS regression of (I − λW)y on (I − λW)X; the score
 * n e'Wu/e'e − Σ w_i/(1 − λ w_i) (envelope theorem) is solved by Brent's method after a grid
 * search. Standard errors from the block-diagonal analytic information matrix.
 *
 * @param X a record of named columns, or n rows (with `options.names`); '(Intercept)' is added.
 * @throws DataError (too few rows, missing values, length mismatch), SingularMatrixError (collinear columns).
 */
export function fitSEM(y: ArrayLike<number>, X: RegressorInput, W: SpatialWeights, options: SpatialRegressionOptions = {}): FittedSEM {
  const d = prepareSpatialDesign('fitSEM', y, X, W, options, 2);
  const { X: Xm, names } = d;
  const yv = d.y;
  const n = yv.length, k = names.length;
  const diag = olsDiagnostics(d, W);
  const Wy = W.lag(yv);
  const WX: Matrix = (() => {
    const cols = names.map((_, j) => W.lag(Xm.map((r) => r[j])));
    return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
  })();
  const values = W.eigen().values;
  const interval = spatialInterval(values, 'fitSEM');
  const gls = (lambda: number) => {
    const yl = Float64Array.from(yv, (v, i) => v - lambda * Wy[i]);
    const xl: Matrix = Xm.map((r, i) => r.map((v, j) => v - lambda * WX[i][j]));
    const fit = leastSquares(xl, yl, names);
    const e = residuals(xl, yl, fit.coef);
    return { coef: fit.coef, xtxInv: fit.xtxInv, e, sse: sumSq(e) };
  };
  const ll = (lambda: number) => gaussLogLik(gls(lambda).sse, n) + logDet(values, lambda);
  const score = (lambda: number) => {
    const g = gls(lambda);
    const u = residuals(Xm, yv, g.coef);
    return (n * dotArr(g.e, W.lag(u))) / g.sse - traceGamma(values, lambda);
  };
  const { x: lambda, value: logLik } = maximizeProfile(ll, score, interval[0], interval[1], 'lambda');
  const g = gls(lambda);
  const sigma2 = g.sse / n;
  const { trWA, trWAWA, trWAtWA } = waPieces(W, lambda);
  const info: Matrix = Array.from({ length: k + 2 }, () => new Array<number>(k + 2).fill(0));
  info[0][0] = n / (2 * sigma2 * sigma2);
  info[0][1] = info[1][0] = trWA / sigma2;
  info[1][1] = trWAWA + trWAtWA;
  const s2 = invertInformation([[info[0][0], info[0][1]], [info[1][0], info[1][1]]], 'fitSEM');
  const covariance: Matrix = Array.from({ length: k + 2 }, () => new Array<number>(k + 2).fill(0));
  covariance[0][0] = s2[0][0]; covariance[0][1] = s2[0][1]; covariance[1][0] = s2[1][0]; covariance[1][1] = s2[1][1];
  // β block: σ² (X_λ'X_λ)⁻¹ from the QR of the filtered design (no explicit X'X inversion).
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) covariance[a + 2][b + 2] = sigma2 * g.xtxInv[a][b];
  const fitted = Float64Array.from(yv, (v, i) => v - g.e[i]);
  return new FittedSEM(names, g.coef, lambda, sigma2, logLik, covariance, g.e, fitted, interval, diag.moran, diag.lm, diag.logLik, d.yName, W.style, moranOf(W, g.e));
}

/**
 * Restores a fitted SAR or SEM model saved with `toJSON` (no refitting). Files written by 0.1
 * lack the residuals and OLS diagnostics and are refused with a message saying so.
 */
export function spatialFromJSON(json: SpatialModelJSON & { impacts?: SpatialImpacts }): FittedSAR | FittedSEM {
  if (!json || (json.kind !== 'sar' && json.kind !== 'sem')) {
    throw new ArgumentError(`fromJSON: expected kind 'sar' or 'sem'; got '${String((json as { kind?: unknown })?.kind)}'`, 'json');
  }
  checkModelJSON(json, json.kind);
  const k = Array.isArray(json.names) ? json.names.length : 0;
  if (!(k > 0 && Array.isArray(json.coef) && json.coef.length === k && Array.isArray(json.covariance) && json.covariance.length === k + 2)) {
    throw new ArgumentError('fromJSON: a spatial model needs names, coef (k) and covariance ((k + 2) × (k + 2)) as saved by toJSON', 'json');
  }
  if (!Array.isArray(json.resid) || !Array.isArray(json.fitted) || !json.moranI || !json.lmTests || json.logLikOLS === undefined || json.residualMoran === undefined) {
    throw new ArgumentError('fromJSON: this spatial model file has no residuals and OLS diagnostics (written by ardiff 0.1); fit the model again and save it', 'json');
  }
  const args = [
    json.names.slice(), json.coef.slice(), json.spatial, json.sigma2, json.logLik, json.covariance.map((r) => r.slice()),
    Float64Array.from(json.resid), Float64Array.from(json.fitted), [json.interval[0], json.interval[1]] as [number, number],
    { ...json.moranI }, structuredClone(json.lmTests), json.logLikOLS, json.yName, json.weightsStyle, json.residualMoran,
  ] as const;
  if (json.kind === 'sem') return new FittedSEM(...args);
  if (!json.impacts) throw new ArgumentError('fromJSON: a SAR model needs its impacts as saved by toJSON', 'json');
  return new FittedSAR(...args, structuredClone(json.impacts));
}

// ---------------------------------------------------------------------------------------------
// Registry entries

/** The options schema of {@link fitSAR} and {@link fitSEM} for the registry (the data come as a table with edges). */
export const spatialOptionsSchema = z.strictObject({
  intercept: z.boolean().default(true).describe('add the (Intercept) column').meta({ cli: { flag: '--without-intercept', parse: () => false } }),
  style: z.enum(['W', 'B']).default('W').describe('weights style: W row-standardised, B binary'),
});

function spatialEntry(kind: 'sar' | 'sem'): SpatialModelEntry<z.output<typeof spatialOptionsSchema>, FittedSAR | FittedSEM> {
  return {
    name: kind,
    shape: 'spatial',
    description: kind === 'sar'
      ? 'spatial lag regression y = rho W y + X b + e by ML (eigenvalue Jacobian), as R spatialreg lagsarlm'
      : 'spatial error regression y = X b + u, u = lambda W u + e by ML, as R spatialreg errorsarlm',
    producesKind: kind,
    options: spatialOptionsSchema,
    fit: (data, options) => {
      const W = spatialWeights(data.edges.map(([a, b]) => [a, b] as [number, number]), data.y.length, { ids: data.ids, style: options.style });
      const fitOptions = { yName: data.yName, intercept: options.intercept };
      return kind === 'sar' ? fitSAR(data.y, data.X, W, fitOptions) : fitSEM(data.y, data.X, W, fitOptions);
    },
    fromJSON: (json) => spatialFromJSON(json as SpatialModelJSON),
    report: (fit) => ({ ...fit.report() }),
    example: { file: 'spatial_columbus.csv', y: 'CRIME', x: ['INC', 'HOVAL'], edges: 'spatial_columbus_edges.csv', options: spatialOptionsSchema.parse({}) },
  };
}

/** Registry entries of {@link fitSAR} and {@link fitSEM}. */
export const sarEntry = spatialEntry('sar');
export const semEntry = spatialEntry('sem');
