/**
 * GARCH(p,q) and ARMA(u,v)-GARCH(p,q) with Gaussian ('norm'), standardized Student t ('std') or
 * standardized skewed t ('sstd') innovations, by exact maximum likelihood as R fGarch's
 * `garchFit` computes it (Wuertz, Chalabi & Luksan, fGarch 4022.89; Bollerslev 1986, "Generalized
 * autoregressive conditional heteroskedasticity", J. Econometrics 31; Fernández & Steel 1998 for
 * the skewing):
 *
 *   x_t = μ + Σ_{i≤u} ar_i x_{t−i} + Σ_{j≤v} ma_j z_{t−j} + z_t,   z_t = σ_t η_t,  η_t iid f(·; skew, shape),
 *   σ_t² = h_t = ω + Σ_{i≤p} α_i z_{t−i}² + Σ_{j≤q} β_j h_{t−j},
 *
 * with f standardized to mean 0 and variance 1 (fGarch's `dnorm`, `dstd(nu = shape)`,
 * `dsstd(nu = shape, xi = skew)`). Parameters are named and ordered as fGarch's: mu, ar1…, ma1…,
 * omega, alpha1…, beta1…, skew, shape. `order: [p, q]` is fGarch's `~garch(p, q)` (p ARCH terms
 * alpha, q GARCH terms beta) and `meanOrder: [u, v]` its `~arma(u, v)`.
 *
 * Estimation, step by step as `garchFit` with its defaults (init.rec = "mci", algorithm = "nlminb",
 * hessian = "ropt"):
 * 1. The series is divided by its standard deviation s (fGarch's `xscale`); everything up to
 *    step 5 runs in those units.
 * 2. The variance recursion starts as fGarch's "mci" (`.aparchLLH.internal` → Fortran GARCHLLH):
 *      z_t = 0 for t ≤ max(u, v);  h_t = ω + (Σα + Σβ)·(1/N) Σ_{s=1}^N z_s²  for t ≤ max(p, q),
 *    and the negative log-likelihood LLH = −Σ_{t=1}^N log(f(z_t/σ_t)/σ_t) sums over every t
 *    (estimators/garch-likelihood.ts writes the recursion out).
 * 3. Start values (`.garchInitParameters`): the ARMA coefficients and mean of R's `arima` on the
 *    scaled series (here {@link fitARIMA}), ω = 0.1·var, α_i = 0.1/p, β_j = 0.8/q, skew = 1,
 *    shape = 4; box constraints |μ| ≤ 10|mean|, |ar|, |ma| ≤ 1 − 10⁻⁸, 10⁻⁶ var ≤ ω ≤ 100 var,
 *    10⁻⁸ ≤ α, β ≤ 1 − 10⁻⁸, 0.1 ≤ skew ≤ 10, 1 ≤ shape ≤ 10 (the t law needs shape > 2: below it the
 *    likelihood is undefined and the search backs off). No stationarity constraint: Σα + Σβ ≥ 1
 *    is allowed, and reported in `warnings`.
 * 4. LLH is minimised over the box with its analytic gradient by a projected Newton method
 *    (`minimizeBox`; fGarch uses PORT's `nlminb` with rel.tol = 10⁻¹⁴ — both end at the same
 *    optimum, to the tolerances stated in test/garch.test.ts).
 * 5. Standard errors: fGarch's Hessian, R's `optimHess` (central differences of central
 *    differences, step 10⁻³) of LLH at the optimum in the scaled units, its μ row and column
 *    divided by s and ω's by s²; cov = H⁻¹, se = √diag. (A finite-difference Hessian with a
 *    fixed step: it differs from the exact one by O(10⁻³²) relative terms — ardiff reproduces
 *    fGarch's numbers, not the exact derivative.)
 * 6. μ ← s·μ, ω ← s²·ω; the filter is rerun on the data: `resid` = z_t, `conditionalVolatility` = σ_t.
 *
 * Reported on fGarch's scale: `llf` = −LLH (the "Log Likelihood" fGarch prints; `fit@fit$llh` and
 * `fit@fit$value` are LLH itself), and the information criteria of `fit@fit$ics`, which fGarch
 * DIVIDES BY n: AIC = (−2ℓ + 2k)/n, BIC = (−2ℓ + k log n)/n, SIC = −2ℓ/n + log((n + 2k)/n),
 * HQIC = (−2ℓ + 2k log log n)/n (k estimated parameters). `aic` and `bic` are these per-observation
 * values; −2ℓ + 2k is `n·aic`.
 *
 * Forecasts (fGarch's `predict`, mse = "cond"):
 * - the mean by the ARMA recursion ŷ_{n+h} = μ + Σ ar_i ŷ_{n+h−i} + Σ_{j≥h} ma_j z_{n+h−j} (ŷ = x in
 *   the sample). fGarch runs R's `arima` Kalman filter at the fitted coefficients instead; the two
 *   agree exactly without MA terms and, with them, up to terms of order |ma|^n;
 * - the conditional variance σ²_{n+h|n} = ω + Σ α_i E[z²_{n+h−i}] + Σ β_j σ²_{n+h−j|n} (E[z²] = z² in the
 *   sample, σ² after it): {@link FittedGARCH.varianceForecast};
 * - the mean error (the sd of y_{n+h} given the data) √(Σ_{k=1}^h ψ²_{h−k} σ²_{n+k|n}) with ψ the MA(∞)
 *   weights of the ARMA mean. fGarch's `predict` computes ψ with a recursion that drops terms for
 *   AR orders ≥ 2; ardiff uses the exact ψ (equal to fGarch's for u ≤ 1).
 * - intervals: mean ± meanError · q_η(level), q_η the quantile of the standardized innovation law
 *   (normal, std or sstd) — fGarch's `predict(plot = TRUE)` bands. For h = 1 this is the exact
 *   predictive law (y_{n+1} = ŷ_{n+1} + σ_{n+1}η); for h > 1 the predictive law is a scale mixture
 *   and the band is an approximation with the exact mean and variance (use `sample` for the
 *   exact law). Gaussian innovations give a {@link GaussianForecast}, the t laws a
 *   {@link StandardizedForecast}.
 *
 * @example
 * const r = dax.slice(1).map((v, i) => 100 * Math.log(v / dax[i]));   // percent log returns
 * const fit = fitGARCH(r, { order: [1, 1], dist: 'std' });           // garchFit(~garch(1,1), cond.dist = "std")
 * fit.paramNames; fit.params; fit.bse; fit.llf; fit.predict(10); console.log(fit.summary());
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { BaseForecast, GaussianForecast, DEFAULT_JSON_LEVELS, type Forecast, type ForecastJSON } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { inverse, type Matrix } from '../core/linalg.js';
import { normalSf } from '../core/distributions.js';
import { mean as sampleMean, variance as sampleVariance } from '../core/stats.js';
import { fmt, table } from '../core/format.js';
import { checkCompleteSeries, checkHorizon, checkNoExog, checkPaths, checkRng, historyJSON } from '../core/validate.js';
import { z, parseIntList, type SeriesModelEntry } from '../core/model-entry.js';
import { fitARIMA } from './arima.js';
import {
  garchLayout, garchFilter, garchNegLogLik, garchNegLogLikGrad, innovationLaw, minimizeBox,
  type GarchDist, type GarchLayout, type GarchSpec, type InnovationLaw,
} from './estimators/garch-likelihood.js';
import { optimHess } from './estimators/optimhess.js';

export type { GarchDist } from './estimators/garch-likelihood.js';

/** Options of {@link fitGARCH}. */
export interface GARCHOptions {
  /** GARCH order [p, q]: p ARCH terms (alpha1..alpha_p, p ≥ 1), q GARCH terms (beta1..beta_q). Default [1, 1]. */
  order?: readonly [number, number];
  /** ARMA order [u, v] of the mean. Default [0, 0] (a constant mean). */
  meanOrder?: readonly [number, number];
  /** Innovation law: 'norm' (default), 'std' (standardized t, `shape`), 'sstd' (skewed t, `skew`, `shape`). */
  dist?: GarchDist;
  /** Estimate the constant mu (default true; false fixes it at 0, fGarch's include.mean = FALSE). */
  includeMean?: boolean;
}

/** fGarch's information criteria (`fit@fit$ics`), each divided by the number of observations. */
export interface GARCHCriteria {
  AIC: number;
  BIC: number;
  SIC: number;
  HQIC: number;
}

/** fGarch's `predict`: mean forecasts, their standard errors and the conditional sd forecasts. */
export interface GARCHPrediction {
  /** ŷ_{n+h|n}. */
  meanForecast: Float64Array;
  /** sd of y_{n+h} given the data: √(Σ ψ² σ²). */
  meanError: Float64Array;
  /** σ_{n+h|n}, the square root of {@link FittedGARCH.varianceForecast}. */
  standardDeviation: Float64Array;
}

/** Plain-JSON form of a {@link FittedGARCH} (version 1). */
export interface GARCHJSON {
  kind: 'garch';
  version: 1;
  order: [number, number];
  meanOrder: [number, number];
  includeMean: boolean;
  dist: GarchDist;
  /** The series the model conditions on. */
  y: number[];
  /** Estimates with fGarch's names; standard errors null where fGarch's are NaN. */
  params: { names: string[]; values: number[]; stdErrors: (number | null)[] };
  llf: number;
  ics: GARCHCriteria;
  nobs: number;
  converged: boolean;
  warnings: string[];
}

const DISTS: readonly GarchDist[] = ['norm', 'std', 'sstd'];
const DIST_LABEL: Record<GarchDist, string> = { norm: 'norm', std: 'std (standardized Student t)', sstd: 'sstd (standardized skewed Student t)' };

/** Checks an order pair of non-negative integers; `minFirst` is the least first entry. */
function checkPair(o: unknown, argument: string, minFirst: number, example: string): [number, number] {
  if (!Array.isArray(o) || o.length !== 2 || !o.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ArgumentError(`${argument} must be two non-negative integers, e.g. ${example}; got ${JSON.stringify(o)}`, argument);
  }
  if (o[0] < minFirst) throw new ArgumentError(`${argument}[0] must be at least ${minFirst} (fGarch needs an ARCH term: garch(p, q) with p ≥ 1); got ${o[0]}`, argument);
  if (o[0] > 20 || o[1] > 20) throw new ArgumentError(`${argument} ${JSON.stringify(o)} is absurdly large (each order at most 20)`, argument);
  return [o[0], o[1]];
}

function specOf(options: GARCHOptions): GarchSpec {
  const [p, q] = checkPair(options.order ?? [1, 1], 'order', 1, '[1, 1]');
  const [u, v] = checkPair(options.meanOrder ?? [0, 0], 'meanOrder', 0, '[1, 0]');
  const dist = options.dist ?? 'norm';
  if (!DISTS.includes(dist)) throw new ArgumentError(`dist must be one of ${DISTS.join(', ')}; got '${String(dist)}'`, 'dist');
  const includeMean = options.includeMean ?? true;
  if (typeof includeMean !== 'boolean') throw new ArgumentError(`includeMean must be true or false; got ${String(includeMean)}`, 'includeMean');
  return { u, v, p, q, includeMean, dist };
}

/** The smallest series length accepted: the start values plus three observations per parameter. */
function minLength(spec: GarchSpec, L: GarchLayout): number {
  return Math.max(spec.u, spec.v, spec.p, spec.q) + 3 * L.k;
}

/** Box constraints of fGarch's `.garchInitParameters` for a series with mean m and variance 1. */
function bounds(L: GarchLayout, spec: GarchSpec, m: number): { lower: number[]; upper: number[] } {
  const TINY = 1e-8;
  const lower = new Array<number>(L.k), upper = new Array<number>(L.k);
  if (L.mu >= 0) { lower[L.mu] = -10 * Math.abs(m); upper[L.mu] = 10 * Math.abs(m); }
  for (let i = 0; i < spec.u + spec.v; i++) { lower[L.ar + i] = -1 + TINY; upper[L.ar + i] = 1 - TINY; }
  lower[L.omega] = 1e-6; upper[L.omega] = 100;
  for (let i = 0; i < spec.p + spec.q; i++) { lower[L.alpha + i] = TINY; upper[L.alpha + i] = 1 - TINY; }
  if (L.skew >= 0) { lower[L.skew] = 0.1; upper[L.skew] = 10; }
  if (L.shape >= 0) { lower[L.shape] = 1; upper[L.shape] = 10; }
  return { lower, upper };
}

/** fGarch's start values (see the file header, step 3) on the scaled series xs. */
function startValues(xs: Float64Array, spec: GarchSpec, L: GarchLayout): number[] {
  const theta = new Array<number>(L.k).fill(0);
  if (spec.u + spec.v > 0) {
    try {
      const a = fitARIMA(xs, { order: [spec.u, 0, spec.v], trend: spec.includeMean ? 'c' : 'n' }).arimaParams;
      for (let i = 0; i < spec.u; i++) theta[L.ar + i] = a.ar[i];
      for (let i = 0; i < spec.v; i++) theta[L.ma + i] = a.ma[i];
      if (L.mu >= 0) theta[L.mu] = a.beta[0];
    } catch {
      if (L.mu >= 0) theta[L.mu] = sampleMean(xs);
    }
  } else if (L.mu >= 0) theta[L.mu] = sampleMean(xs);
  theta[L.omega] = sampleVariance(xs) * (1 - 0.1 - 0.8);
  for (let i = 0; i < spec.p; i++) theta[L.alpha + i] = 0.1 / spec.p;
  for (let j = 0; j < spec.q; j++) theta[L.beta + j] = 0.8 / spec.q;
  if (L.skew >= 0) theta[L.skew] = 1;
  if (L.shape >= 0) theta[L.shape] = 4;
  return theta;
}

/**
 * Fits ARMA(u,v)-GARCH(p,q) by exact ML as R `fGarch::garchFit(~arma(u,v) + garch(p,q),
 * cond.dist = dist, include.mean)` (file header: steps 1–6).
 */
export function fitGARCH(y: ArrayLike<number>, options: GARCHOptions = {}): FittedGARCH {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitGARCH options must be an object, e.g. { order: [1, 1] }', 'options');
  const spec = specOf(options);
  const L = garchLayout(spec);
  const data = checkCompleteSeries(y, 'GARCH estimation needs a complete series of returns');
  const n = data.length;
  const need = minLength(spec, L);
  if (n < need) {
    throw new DataError(
      `y is too short for ${modelLabel(spec)}: ${L.k} parameters need at least max(u, v, p, q) + 3·${L.k} = ${need} observations; got ${n}`,
      'y',
    );
  }
  if (data.every((v) => v === data[0])) {
    throw new DataError(`y is constant (every value is ${data[0]}); a GARCH model needs a series whose variance can be estimated`, 'y');
  }
  // 1. Scale.
  const s = Math.sqrt(sampleVariance(data));
  const xs = data.map((v) => v / s);
  // 3. Start values and bounds.
  const x0 = startValues(xs, spec, L);
  const { lower, upper } = bounds(L, spec, sampleMean(xs));
  // 4. Minimise LLH over the box.
  const fg = (th: readonly number[]) => {
    const r = garchNegLogLikGrad(xs, th, spec, L);
    return Number.isFinite(r.f) ? r : { f: Infinity, g: r.g };
  };
  const opt = minimizeBox(fg, x0, lower, upper);
  const thetaS = opt.x;
  // 5. fGarch's Hessian in scaled units, then mapped to the data's units.
  const unit = L.names.map((_, i) => (i === L.mu ? s : i === L.omega ? s * s : 1));
  let stdErrors: number[];
  const warnings: string[] = [];
  try {
    // (A non-finite difference is R's error there: the standard errors are NaN, as fGarch's.)
    const H = optimHess((th) => garchNegLogLik(xs, th, spec, L), thetaS);
    const Hd: Matrix = H.map((row, i) => row.map((v, j) => v / (unit[i] * unit[j])));
    const cov = inverse(Hd);
    stdErrors = cov.map((row, i) => Math.sqrt(row[i]));
  } catch {
    stdErrors = new Array<number>(L.k).fill(NaN);
  }
  // 6. Back to the data's units.
  const theta = thetaS.map((v, i) => v * unit[i]);
  const llh = garchNegLogLik(data, theta, spec, L);
  const llf = -llh;
  const ics = criteria(llf, n, L.k);
  if (!opt.converged) warnings.push(`the optimiser stopped before convergence (${opt.message}); the estimates may not be the maximum`);
  for (let i = 0; i < L.k; i++) {
    if (thetaS[i] === lower[i] || thetaS[i] === upper[i]) {
      const which = thetaS[i] === lower[i] ? 'lower' : 'upper';
      warnings.push(`${L.names[i]} = ${fmt(theta[i])} is on fGarch's ${which} bound; its standard error and the likelihood's curvature there are unreliable`);
    }
  }
  if (stdErrors.some((v) => !Number.isFinite(v))) {
    warnings.push(`the Hessian is not positive definite at the estimates: standard errors of ${L.names.filter((_, i) => !Number.isFinite(stdErrors[i])).join(', ')} are NaN (as fGarch reports them)`);
  }
  const fit = new FittedGARCH({ spec, y: data, theta, stdErrors, llf, ics, converged: opt.converged, warnings });
  const P = fit.persistence;
  if (P >= 1) {
    warnings.push(
      `the estimates are on or beyond the stationarity boundary: ${persistenceLabel(spec)} = ${P.toFixed(6)} ≥ 1, so the variance process is not covariance-stationary (an integrated GARCH or worse) and variance forecasts do not revert to a finite unconditional variance`,
    );
  }
  return fit;
}

function persistenceLabel(spec: GarchSpec): string {
  const terms = [...Array.from({ length: spec.p }, (_, i) => `alpha${i + 1}`), ...Array.from({ length: spec.q }, (_, j) => `beta${j + 1}`)];
  return terms.join(' + ');
}

/** fGarch's `fit@fit$ics` (file header): criteria divided by n. */
function criteria(llf: number, n: number, k: number): GARCHCriteria {
  const v = -llf; // fGarch's fit$value, the negative log-likelihood
  return {
    AIC: (2 * v) / n + (2 * k) / n,
    BIC: (2 * v) / n + (k * Math.log(n)) / n,
    SIC: (2 * v) / n + Math.log((n + 2 * k) / n),
    HQIC: (2 * v) / n + (2 * k * Math.log(Math.log(n))) / n,
  };
}

/** fGarch's formula of the model: '~arma(1, 0) + garch(1, 1)' or '~garch(1, 1)'. */
function modelLabel(spec: GarchSpec): string {
  const garch = `garch(${spec.p}, ${spec.q})`;
  return spec.u + spec.v > 0 ? `~arma(${spec.u}, ${spec.v}) + ${garch}` : `~${garch}`;
}

/**
 * A forecast whose step-h law is mean_h + scale_h·η with η a standardized innovation law (std or
 * sstd): the exact predictive law at h = 1 of a GARCH model with t innovations, and fGarch's
 * approximation beyond (see {@link fitGARCH}). `se` is the scale (the sd of each step).
 */
export class StandardizedForecast extends BaseForecast {
  readonly horizon: number;
  private readonly mu: Float64Array;
  /** Standard deviation of each step (the law has variance 1). */
  readonly se: Float64Array;
  private readonly law: InnovationLaw;
  constructor(mean: ArrayLike<number>, se: ArrayLike<number>, law: InnovationLaw) {
    super();
    if (mean.length !== se.length) throw new ArgumentError('StandardizedForecast: mean and se must have equal length', 'se');
    this.mu = Float64Array.from(mean);
    this.se = Float64Array.from(se);
    this.law = law;
    this.horizon = this.mu.length;
  }
  mean(): Float64Array {
    return this.mu.slice();
  }
  quantile(q: number): Float64Array {
    if (!(q > 0 && q < 1)) throw new ArgumentError(`quantile probability must lie in (0, 1); got ${q}`, 'q');
    const zq = this.law.quantile(q);
    return this.mu.map((m, i) => m + zq * this.se[i]);
  }
  override toJSON(levels: readonly number[] = DEFAULT_JSON_LEVELS): ForecastJSON {
    return { ...super.toJSON(levels), se: Array.from(this.se) };
  }
}

interface FittedGARCHInit {
  spec: GarchSpec;
  y: Float64Array;
  theta: number[];
  stdErrors: number[];
  llf: number;
  ics: GARCHCriteria;
  converged: boolean;
  warnings: string[];
}

/**
 * A fitted ARMA-GARCH model: fGarch's estimates, standard errors, likelihood and criteria, the
 * residuals and conditional volatilities, fGarch's forecasts and sample paths of the recursion.
 */
export class FittedGARCH implements Forecaster {
  readonly kind = 'garch';
  /** GARCH order [p, q]. */
  readonly order: [number, number];
  /** ARMA order [u, v] of the mean. */
  readonly meanOrder: [number, number];
  readonly includeMean: boolean;
  readonly dist: GarchDist;
  /** The series the model conditions on. */
  readonly y: Float64Array;
  /** Log-likelihood ℓ = −LLH (what fGarch prints as "Log Likelihood"; fit@fit$llh is −ℓ). */
  readonly llf: number;
  /** fGarch's information criteria, divided by n (`fit@fit$ics`). */
  readonly ics: GARCHCriteria;
  /** Observations (all of them: fGarch's likelihood sums over t = 1..n). */
  readonly nobs: number;
  /** Whether the optimiser met its convergence test. */
  readonly converged: boolean;
  /** Problems with the estimates: stationarity boundary, parameters on bounds, NaN standard errors. */
  readonly warnings: string[];
  private readonly spec: GarchSpec;
  private readonly L: GarchLayout;
  private readonly theta: number[];
  private readonly se: number[];
  private readonly z: Float64Array;
  private readonly h: Float64Array;

  constructor(init: FittedGARCHInit) {
    this.spec = init.spec;
    this.L = garchLayout(init.spec);
    this.order = [init.spec.p, init.spec.q];
    this.meanOrder = [init.spec.u, init.spec.v];
    this.includeMean = init.spec.includeMean;
    this.dist = init.spec.dist;
    this.y = init.y;
    this.theta = init.theta;
    this.se = init.stdErrors;
    this.llf = init.llf;
    this.ics = init.ics;
    this.nobs = init.y.length;
    this.converged = init.converged;
    this.warnings = init.warnings;
    const f = garchFilter(this.y, this.theta, this.spec, this.L);
    this.z = f.z;
    this.h = f.h;
  }

  /** fGarch's parameter names: mu, ar1…, ma1…, omega, alpha1…, beta1…, skew, shape. */
  get paramNames(): string[] {
    return this.L.names.slice();
  }

  /** Estimates in {@link FittedGARCH.paramNames} order (fGarch's `coef`). */
  get params(): number[] {
    return this.theta.slice();
  }

  /** Standard errors (fGarch's `se.coef`, from its numerical Hessian; NaN where fGarch's are). */
  get bse(): number[] {
    return this.se.slice();
  }

  /** t statistics estimate/se. */
  get tvalues(): number[] {
    return this.theta.map((v, i) => v / this.se[i]);
  }

  /** Two-sided normal p-values of the t statistics (fGarch's Pr(>|t|)). */
  get pvalues(): number[] {
    return this.tvalues.map((t) => 2 * normalSf(Math.abs(t)));
  }

  /** fGarch's AIC divided by n: (−2ℓ + 2k)/n. */
  get aic(): number {
    return this.ics.AIC;
  }

  /** fGarch's BIC divided by n: (−2ℓ + k log n)/n. */
  get bic(): number {
    return this.ics.BIC;
  }

  /** Residuals z_t = y_t − ŷ_t of the mean equation (fGarch's `residuals(fit)`, zero for t ≤ max(u, v)). */
  get resid(): Float64Array {
    return this.z.slice();
  }

  /** Fitted means y_t − z_t. */
  get fittedValues(): Float64Array {
    return this.y.map((v, t) => v - this.z[t]);
  }

  /** Conditional standard deviations σ_t (fGarch's `fit@sigma.t`, `volatility(fit)`). */
  get conditionalVolatility(): Float64Array {
    return this.h.map((v) => Math.sqrt(Math.abs(v)));
  }

  /** Conditional variances h_t = σ_t² (fGarch's `fit@h.t`). */
  get conditionalVariance(): Float64Array {
    return this.h.slice();
  }

  /** Standardized residuals z_t/σ_t. */
  get standardizedResid(): Float64Array {
    return this.z.map((v, t) => v / Math.sqrt(Math.abs(this.h[t])));
  }

  /** Σα + Σβ: below 1 the variance process is covariance-stationary. */
  get persistence(): number {
    const { p, q } = this.spec;
    let s = 0;
    for (let i = 0; i < p + q; i++) s += this.theta[this.L.alpha + i];
    return s;
  }

  /** ω/(1 − Σα − Σβ), the variance the forecasts revert to; Infinity when persistence ≥ 1. */
  get unconditionalVariance(): number {
    const P = this.persistence;
    return P < 1 ? this.theta[this.L.omega] / (1 - P) : Infinity;
  }

  private value(name: string): number {
    const i = this.L.names.indexOf(name);
    return i >= 0 ? this.theta[i] : 0;
  }

  /** The standardized innovation law at the estimates. */
  innovationLaw(): InnovationLaw {
    return innovationLaw(this.dist, this.L.skew >= 0 ? this.theta[this.L.skew] : 1, this.L.shape >= 0 ? this.theta[this.L.shape] : 4);
  }

  /** σ²_{n+k|n}, k = 1..h, by fGarch's recursion (file header). */
  varianceForecast(h: number): Float64Array {
    checkHorizon(h);
    const { p, q } = this.spec, N = this.y.length;
    const omega = this.value('omega');
    const hh = new Float64Array(N + h);
    hh.set(this.h);
    for (let i = 1; i <= h; i++) {
      const t = N + i - 1;
      let s = omega;
      for (let j = 1; j <= q; j++) s += this.theta[this.L.beta + j - 1] * hh[t - j];
      for (let j = 1; j <= p; j++) s += this.theta[this.L.alpha + j - 1] * (i - j > 0 ? hh[t - j] : this.z[t - j] * this.z[t - j]);
      hh[t] = s;
    }
    return hh.slice(N);
  }

  /** ψ_0..ψ_{h−1} of the ARMA mean: ψ_0 = 1, ψ_j = ma_j + Σ_{i=1}^{min(j,u)} ar_i ψ_{j−i}. */
  psiWeights(h: number): Float64Array {
    const { u, v } = this.spec;
    const psi = new Float64Array(h);
    psi[0] = 1;
    for (let j = 1; j < h; j++) {
      let s = j <= v ? this.theta[this.L.ma + j - 1] : 0;
      for (let i = 1; i <= Math.min(j, u); i++) s += this.theta[this.L.ar + i - 1] * psi[j - i];
      psi[j] = s;
    }
    return psi;
  }

  /** ŷ_{n+k|n}, k = 1..h, by the ARMA recursion (file header). */
  private meanForecast(h: number): Float64Array {
    const { u, v } = this.spec, N = this.y.length;
    const mu = this.value('mu');
    const yy = new Float64Array(N + h);
    yy.set(this.y);
    for (let k = 1; k <= h; k++) {
      let s = mu;
      for (let i = 1; i <= u; i++) s += this.theta[this.L.ar + i - 1] * yy[N + k - 1 - i];
      for (let j = k; j <= v; j++) s += this.theta[this.L.ma + j - 1] * this.z[N + k - 1 - j];
      yy[N + k - 1] = s;
    }
    return yy.slice(N);
  }

  /** fGarch's `predict(fit, n.ahead = h)`: meanForecast, meanError, standardDeviation. */
  predict(h: number): GARCHPrediction {
    checkHorizon(h);
    const meanForecast = this.meanForecast(h);
    const sigma2 = this.varianceForecast(h);
    const psi = this.psiWeights(h);
    const meanError = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      let s = 0;
      for (let i = 0; i <= k; i++) s += psi[k - i] * psi[k - i] * sigma2[i];
      meanError[k] = Math.sqrt(s);
    }
    return { meanForecast, meanError, standardDeviation: sigma2.map(Math.sqrt) };
  }

  /**
   * Forecast of y for steps 1..h: mean ± meanError·q_η (see {@link fitGARCH}); a
   * {@link GaussianForecast} for 'norm', a {@link StandardizedForecast} for 'std' and 'sstd'.
   */
  forecast(h: number, options: ForecastOptions = {}): Forecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'a GARCH model');
    const { meanForecast, meanError } = this.predict(h);
    return this.dist === 'norm' ? new GaussianForecast(meanForecast, meanError) : new StandardizedForecast(meanForecast, meanError, this.innovationLaw());
  }

  /**
   * Sample paths (paths × h) of the fitted recursion after the data: σ²_{n+k} from the past
   * shocks and variances, z_{n+k} = σ_{n+k} η with η drawn from the fitted innovation law by
   * `rng`, y_{n+k} = μ + Σ ar_i y_{n+k−i} + Σ ma_j z_{n+k−j} + z_{n+k} (parameters at their estimates).
   */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    if (!options) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkRng(options.rng);
    checkNoExog(options.exog, 'a GARCH model');
    const paths = checkPaths(options.paths ?? 1000, h);
    const rng = options.rng, law = this.innovationLaw();
    const { u, v, p, q } = this.spec, N = this.y.length;
    const mu = this.value('mu'), omega = this.value('omega');
    const ar = this.theta.slice(this.L.ar, this.L.ar + u), ma = this.theta.slice(this.L.ma, this.L.ma + v);
    const alpha = this.theta.slice(this.L.alpha, this.L.alpha + p), beta = this.theta.slice(this.L.beta, this.L.beta + q);
    const out: Float64Array[] = [];
    const yy = new Float64Array(N + h), zz = new Float64Array(N + h), hh = new Float64Array(N + h);
    yy.set(this.y);
    zz.set(this.z);
    hh.set(this.h);
    for (let k = 0; k < paths; k++) {
      for (let t = N; t < N + h; t++) {
        let s2 = omega;
        for (let i = 1; i <= p; i++) s2 += alpha[i - 1] * zz[t - i] * zz[t - i];
        for (let j = 1; j <= q; j++) s2 += beta[j - 1] * hh[t - j];
        hh[t] = s2;
        const shock = Math.sqrt(Math.abs(s2)) * law.draw(rng);
        zz[t] = shock;
        let m = mu;
        for (let i = 1; i <= u; i++) m += ar[i - 1] * yy[t - i];
        for (let j = 1; j <= v; j++) m += ma[j - 1] * zz[t - j];
        yy[t] = m + shock;
      }
      out.push(yy.slice(N));
    }
    return out;
  }

  /**
   * The fitted parameters applied to another history `y` (the data extended by new observations):
   * the filter reruns on `y` and forecasts and samples start after it; no refit, and the
   * estimates and their statistics stay those of the fit.
   */
  apply(y: ArrayLike<number>): FittedGARCH {
    const history = historyJSON(y, false, Math.max(this.spec.u, this.spec.v, this.spec.p, this.spec.q) + 1, 'a GARCH model needs a complete history');
    return FittedGARCH.fromJSON({ ...this.toJSON(), y: history });
  }

  /** A report in the layout of fGarch's `summary(fit)` / `show(fit)`. */
  summary(): string {
    const N = this.nobs;
    const rows = this.L.names.map((nm, i) => {
      const b = this.theta[i], se = this.se[i];
      const t = b / se;
      const ok = Number.isFinite(se);
      return [nm, fmt(b, 6), ok ? fmt(se, 6) : 'nan', ok ? t.toFixed(3) : 'nan', ok ? fmtP(2 * normalSf(Math.abs(t))) : 'nan'];
    });
    const ics = table(['', 'AIC', 'BIC', 'SIC', 'HQIC'], [['', ...(['AIC', 'BIC', 'SIC', 'HQIC'] as const).map((k) => this.ics[k].toFixed(6))]], 0);
    const lines = [
      'Title:', ' GARCH Modelling', '',
      'Mean and Variance Equation:', ` data ${modelLabel(this.spec)}${this.includeMean ? '' : ' (include.mean = FALSE)'}`, '',
      'Conditional Distribution:', ` ${DIST_LABEL[this.dist]}`, '',
      'Error Analysis:',
      table(['', ' Estimate', ' Std. Error', ' t value', 'Pr(>|t|)'], rows, 8), '',
      'Log Likelihood:', ` ${fmt(this.llf, 6)}    normalized:  ${fmt(this.llf / N, 6)}    (n = ${N})`, '',
      'Information Criterion Statistics (divided by n, as fGarch):', ics, '',
      `Persistence (${persistenceLabel(this.spec)}): ${this.persistence.toFixed(6)}`,
      'Std. Errors: based on the Hessian (R optimHess, as fGarch)',
    ];
    if (!this.converged) lines.push('Note: the optimiser did not converge.');
    for (const w of this.warnings) lines.push(`Warning: ${w}`);
    return lines.join('\n');
  }

  /** Plain JSON (version 1); {@link FittedGARCH.fromJSON} restores an equal model. */
  toJSON(): GARCHJSON {
    return {
      kind: 'garch',
      version: 1,
      order: [this.spec.p, this.spec.q],
      meanOrder: [this.spec.u, this.spec.v],
      includeMean: this.spec.includeMean,
      dist: this.spec.dist,
      y: Array.from(this.y),
      params: { names: this.paramNames, values: this.params, stdErrors: this.se.map((v) => (Number.isFinite(v) ? v : null)) },
      llf: this.llf,
      ics: { ...this.ics },
      nobs: this.nobs,
      converged: this.converged,
      warnings: this.warnings.slice(),
    };
  }

  /** Restores a model saved by {@link FittedGARCH.toJSON}, checking its fields (typed errors naming `json`). */
  static fromJSON(json: GARCHJSON): FittedGARCH {
    const bad = (what: string): never => { throw new ArgumentError(`fromJSON (garch): ${what}`, 'json'); };
    if (!json || json.kind !== 'garch') bad(`expected kind 'garch'; got '${String(json?.kind)}'`);
    if (json.version !== 1) bad(`unsupported version ${String(json.version)} (this release reads version 1)`);
    let spec: GarchSpec;
    try {
      spec = specOf({ order: json.order, meanOrder: json.meanOrder, dist: json.dist, includeMean: json.includeMean });
    } catch (e) {
      return bad((e as Error).message);
    }
    const L = garchLayout(spec);
    const finite = (a: unknown, len?: number): a is number[] => Array.isArray(a) && (len === undefined || a.length === len) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!finite(json.y) || json.y.length < Math.max(spec.u, spec.v, spec.p, spec.q) + 1) bad('y must be an array of finite numbers longer than the orders');
    const p = json.params;
    if (!p || !Array.isArray(p.names) || p.names.join(',') !== L.names.join(',')) bad(`params.names must be ${L.names.join(', ')}`);
    if (!finite(p.values, L.k)) bad(`params.values must hold ${L.k} finite numbers`);
    if (!Array.isArray(p.stdErrors) || p.stdErrors.length !== L.k || !p.stdErrors.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) {
      bad(`params.stdErrors must hold ${L.k} finite numbers or nulls`);
    }
    if (typeof json.llf !== 'number' || !Number.isFinite(json.llf)) bad('llf must be a finite number');
    const ics = json.ics;
    if (!ics || !(['AIC', 'BIC', 'SIC', 'HQIC'] as const).every((k) => typeof ics[k] === 'number' && Number.isFinite(ics[k]))) bad('ics must hold finite AIC, BIC, SIC and HQIC');
    return new FittedGARCH({
      spec,
      y: Float64Array.from(json.y),
      theta: p.values.slice(),
      stdErrors: p.stdErrors.map((v) => (v === null ? NaN : v)),
      llf: json.llf,
      ics: { AIC: ics.AIC, BIC: ics.BIC, SIC: ics.SIC, HQIC: ics.HQIC },
      converged: json.converged !== false,
      warnings: Array.isArray(json.warnings) ? json.warnings.map(String) : [],
    });
  }
}

function fmtP(p: number): string {
  return p < 1e-16 ? '< 2e-16' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

/** Restores a {@link FittedGARCH} from its JSON (same as `FittedGARCH.fromJSON`). */
export function garchFromJSON(json: GARCHJSON): FittedGARCH {
  return FittedGARCH.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Registry entry

const pairParser = (example: string) => (s: string, flag: string) => parseIntList(s, 2, flag, example);

/** The options schema of {@link fitGARCH} (see {@link GARCHOptions}). */
export const garchOptionsSchema = z.strictObject({
  order: z.tuple([z.number().int().min(1), z.number().int().min(0)]).default([1, 1])
    .describe('GARCH order (p, q): p ARCH terms alpha, q GARCH terms beta (fGarch ~garch(p, q))')
    .meta({ cli: { value: 'p,q', parse: pairParser('1,1') } }),
  meanOrder: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 0])
    .describe('ARMA order (u, v) of the mean (fGarch ~arma(u, v))')
    .meta({ cli: { value: 'u,v', parse: pairParser('1,0') } }),
  dist: z.enum(['norm', 'std', 'sstd']).default('norm')
    .describe('innovation law: norm, std (standardized t: shape), sstd (skewed t: skew, shape)'),
  includeMean: z.boolean().default(true).describe('estimate the constant mu (fGarch include.mean)')
    .meta({ cli: { flag: '--zero-mean', parse: () => false } }),
});

/** Registry entry of {@link fitGARCH}. */
export const garchEntry: SeriesModelEntry<z.output<typeof garchOptionsSchema>, FittedGARCH> = {
  name: 'garch',
  shape: 'series',
  description: 'ARMA-GARCH(p,q) with normal, t or skewed-t innovations, exact ML as R fGarch::garchFit',
  producesKind: 'garch',
  options: garchOptionsSchema,
  fit: (y, options) => fitGARCH(y, options),
  fromJSON: (json) => FittedGARCH.fromJSON(json as GARCHJSON),
  report: (fit) => ({
    order: fit.order, meanOrder: fit.meanOrder, dist: fit.dist, includeMean: fit.includeMean,
    params: { names: fit.paramNames, values: fit.params, stdErrors: fit.bse },
    logLik: fit.llf, aic: fit.aic, bic: fit.bic, ics: fit.ics, nobs: fit.nobs,
    persistence: fit.persistence, converged: fit.converged, warnings: fit.warnings,
  }),
  forecastExtras: (fit, h) => ({ variance: Array.from(fit.varianceForecast(h)) }),
  example: { dataset: 'eu-stock-markets', transform: 'dlog', options: garchOptionsSchema.parse({ order: [1, 1], dist: 'norm' }) },
};
