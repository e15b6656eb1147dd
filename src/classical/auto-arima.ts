/**
 * Automatic ARIMA order selection — the Hyndman–Khandakar algorithm as R `forecast::auto.arima`
 * (forecast 8.20) runs it (Hyndman & Khandakar 2008, "Automatic time series forecasting: the
 * forecast package for R", J. Stat. Softw. 27(3)). Every rule, default and tie-break follows
 * docs/auto-arima-spec.md, which cites the R sources line by line:
 *
 * 1. d by repeated KPSS tests (α = 0.05), D by the STL seasonal-strength heuristic (> 0.64).
 *    With gaps, as R: the seasonal test fills them by `na.interp` and measures the strength on
 *    the observed times; KPSS runs on the observed values of the (seasonally) differenced series
 *    (see {@link differencingOrders}).
 * 2. Stepwise search from four (five) initial models over the neighbourhood moves of the spec,
 *    minimising AICc (or AIC/BIC); exhaustive search over p + q + P + Q ≤ maxOrder on request.
 * 3. Long or high-frequency series (n > 150 or s > 12) are searched with CSS fits and an IC
 *    offset, then the best models are refitted without approximation: the stepwise search in
 *    CSS-IC order until one succeeds, the exhaustive one its best model only, searching again
 *    without approximation when that refit fails (R's search.arima).
 * 4. Candidates whose AR or MA polynomial has a root with modulus < 1.01, or whose coefficient
 *    variances are negative (forecast's checkarima), are rejected.
 *
 * Every candidate is fitted as R's `stats::arima` fits it for myarima ({@link rArima}): "CSS" by
 * optim's BFGS with its numerical gradient and parameter scales, "CSS-ML" from there by BFGS on
 * R's likelihood (κ = 10⁶ diffuse prior) in R's coordinates, variances from R's `optimhess`. On
 * multimodal CSS surfaces and flat likelihoods which local optimum a fit reaches, and so whether
 * the candidate wins, is rejected or makes the refit fail, depends on that path: with ardiff's own
 * optimisers the exhaustive search chose other orders than R on log realdpi, log pop (macrodata),
 * log VanKilled (Seatbelts), with a worse AICc (fixture r_auto_arima_exhaustive.json).
 *
 * The chosen orders are finally fitted by {@link fitARIMA}'s exact ML with restarts.
 *
 * @example
 * const fit = fitAutoARIMA(logAir, { period: 12 });
 * fit.params.order; fit.selection?.tried.length; fit.forecast(24);
 */
import { ArgumentError, DataError, ConvergenceError } from '../core/errors.js';
import { LOG2PI } from '../core/distributions.js';
import { fitARIMA, FittedARIMA, arimaLabel, arimaReport, arimaDefaultHorizon, type ARIMAJSON, type Trend } from './arima.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';
import { autoARIMADiffs, isConstant, diffLag, ndiffs, SEASONAL_STRENGTH_THRESHOLD, type AutoARIMADiffs } from './unit-root.js';
import { polyRoots, expandAR, expandMA, toStationary, invertMA, difference, differencingPolynomial } from './estimators/polynomial.js';
import { splitArma, type Layout } from './estimators/layout.js';
import { olsIgnoringNaN, olsScales } from './estimators/css.js';
import { vmmin } from './estimators/vmmin.js';
import { optimHess } from './estimators/optimhess.js';
import { armaInitialCovariance, armaCrossProducts } from './estimators/kalman.js';
import { seasonalStrengthWithGaps } from './estimators/na-interp.js';

export type InformationCriterion = 'aicc' | 'aic' | 'bic';

export interface AutoARIMAOptions {
  /** Seasonal period (observations per cycle). Default 1 (non-seasonal). */
  period?: number;
  /** Fix d instead of testing. */
  d?: number;
  /** Fix D instead of testing. */
  D?: number;
  maxP?: number;
  maxQ?: number;
  maxSeasonalP?: number;
  maxSeasonalQ?: number;
  /** Bound on p + q + P + Q in the exhaustive search. Default 5. */
  maxOrder?: number;
  maxD?: number;
  maxSeasonalD?: number;
  /** Only stationary models (d = D = 0). */
  stationary?: boolean;
  /** Consider seasonal models. Default true. */
  seasonal?: boolean;
  /** Criterion to minimise. Default 'aicc'. */
  ic?: InformationCriterion;
  /** Stepwise (default) or exhaustive search. */
  stepwise?: boolean;
  /** Maximum number of models the stepwise search fits. Default 94. */
  nmodels?: number;
  /** Search with CSS fits. Default n > 150 or period > 12. */
  approximation?: boolean;
  allowDrift?: boolean;
  allowMean?: boolean;
  /** Receives one line per fitted candidate, like R's trace = TRUE. */
  trace?: (line: string) => void;
}

/** One model tried during the search. */
export interface Candidate {
  order: [number, number, number];
  seasonal: [number, number, number, number];
  constant: boolean;
  /** The criterion value used in the search (CSS-based while approximating); Infinity if rejected or failed. */
  ic: number;
}

/** What the search did, attached to the returned model as `selection`. */
export interface AutoARIMASelection {
  d: number;
  D: number;
  period: number;
  ic: InformationCriterion;
  stepwise: boolean;
  approximation: boolean;
  tried: Candidate[];
}

interface Orders { p: number; q: number; P: number; Q: number }

interface Context {
  y: Float64Array;
  n: number;
  m: number;
  d: number;
  D: number;
  ic: InformationCriterion;
  trace?: (line: string) => void;
  /**
   * Fit candidates exactly as R's `stats::arima` does for forecast's myarima ({@link rArima}):
   * the exhaustive search, whose choices on long series hinge on where R's optimiser stops. The
   * stepwise search (the default) fits them with ardiff's own ARIMA, about ten times faster on
   * short series, and chooses R's orders in every reference case.
   */
  faithful: boolean;
}

interface Scored {
  /** The criterion; Infinity when the fit failed or was rejected. */
  ic: number;
  /** Whether R's arima returned a fit (myarima's result has `arma`), rejected or not. */
  ok: boolean;
}

function label(o: Orders, c: Context, constant: boolean): string {
  const base = `ARIMA(${o.p},${c.d},${o.q})` + (c.m > 1 && o.P + c.D + o.Q > 0 ? `(${o.P},${c.D},${o.Q})[${c.m}]` : '');
  const diffs = c.d + c.D;
  return base + (constant ? (diffs === 0 ? ' with non-zero mean' : diffs === 1 ? ' with drift' : '') : '');
}

/**
 * Fits one candidate and scores it as forecast's `myarima` (spec §5–6), the fit being R's
 * `stats::arima` as myarima calls it ({@link rArima}): method "CSS" while approximating (the
 * criterion offset + n*·log σ²_CSS + 2k), "CSS-ML" otherwise (R's −2 log L + 2k).
 */
function fitCandidate(c: Context, o: Orders, constant: boolean, approximation: boolean, offset: number, bestIc = -Infinity): Scored {
  if (!c.faithful) return fitCandidateFast(c, o, constant, approximation, offset, bestIc);
  const nstar = c.n - c.d - c.D * c.m;
  let r: RFit;
  try {
    r = rArima(rProblem(c, o, constant), approximation ? 'css' : 'css-ml');
  } catch {
    c.trace?.(`${label(o, c, constant)} : Inf`);
    return { ic: Infinity, ok: false };
  }
  const npar = r.nCoef + 1; // coefficients + σ²
  const aic = approximation ? offset + nstar * Math.log(r.sigma2) + 2 * npar : r.aic;
  const bic = aic + npar * (Math.log(nstar) - 2);
  const aicc = aic + (2 * npar * (npar + 1)) / (nstar - npar - 1);
  let ic = c.ic === 'aic' ? aic : c.ic === 'bic' ? bic : aicc;
  if (!Number.isFinite(aic)) ic = Infinity; // R: is.na(fit$aic) gives Inf; an infinite aic is Inf already
  // Rejection checks (spec §6.5): roots near the unit circle, coefficient variances whose square
  // root is NaN (forecast's checkarima).
  let minRoot = 2;
  if (o.p + o.P > 0) minRoot = Math.min(minRoot, minModulus(r.phi.map((v) => -v)));
  if (o.q + o.Q > 0 && ic < Infinity) minRoot = Math.min(minRoot, minModulus(r.theta));
  // The variances need R's numerical Hessian. A model that does not beat the incumbent cannot
  // change the exhaustive search nor the stepwise path whether it is rejected or not, so only
  // contenders pay for it — except CSS fits, which the stepwise refit loop orders by their
  // criterion (R's rejected ones last): those are always checked (their Hessian is cheap).
  if (minRoot < 1.01 || ((ic < bestIc || approximation) && ic < Infinity && badVariances(r))) ic = Infinity;
  c.trace?.(`${label(o, c, constant)} : ${Number.isFinite(ic) ? ic.toFixed(4) : 'Inf'}`);
  return { ic, ok: true };
}

/**
 * A candidate fitted by ardiff's {@link fitARIMA} (CSS while approximating, else CSS-ML) and
 * scored as myarima scores it: the stepwise search's fitter. The variance check (a numerical
 * Hessian) is paid only by contenders: a model that does not beat the incumbent cannot change the
 * path whether it is rejected or not.
 */
function fitCandidateFast(c: Context, o: Orders, constant: boolean, approximation: boolean, offset: number, bestIc: number): Scored {
  const diffs = c.d + c.D;
  const trend: Trend = constant ? (diffs === 0 ? 'c' : diffs === 1 ? 't' : 'n') : 'n';
  const seasonal = c.m > 1 && o.P + c.D + o.Q > 0 ? { order: [o.P, c.D, o.Q] as [number, number, number], period: c.m } : undefined;
  let fit: FittedARIMA;
  try {
    fit = fitARIMA(c.y, { order: [o.p, c.d, o.q], seasonal, trend, method: approximation ? 'css' : 'css-ml', ftol: 1e-10 });
  } catch {
    c.trace?.(`${label(o, c, constant)} : Inf`);
    return { ic: Infinity, ok: false };
  }
  const nstar = c.n - c.d - c.D * c.m;
  const npar = fit.nParams; // coefficients + σ²
  const aic = approximation ? offset + nstar * Math.log(fit.sigma2) + 2 * npar : -2 * fit.llf + 2 * npar;
  const bic = aic + npar * (Math.log(nstar) - 2);
  const aicc = aic + (2 * npar * (npar + 1)) / (nstar - npar - 1);
  let ic = c.ic === 'aic' ? aic : c.ic === 'bic' ? bic : aicc;
  if (!Number.isFinite(aic)) ic = Infinity;
  const { phi, theta } = fit.polynomials();
  let minRoot = 2;
  if (o.p + o.P > 0) minRoot = Math.min(minRoot, minModulus(phi.map((v) => -v)));
  if (o.q + o.Q > 0 && ic < Infinity) minRoot = Math.min(minRoot, minModulus(theta));
  if (minRoot < 1.01 || (ic < bestIc && badVariancesFast(fit))) ic = Infinity;
  c.trace?.(`${label(o, c, constant)} : ${Number.isFinite(ic) ? ic.toFixed(4) : 'Inf'}`);
  return { ic, ok: true };
}

/** forecast's checkarima on ardiff's fit: some coefficient variance is negative or undefined. */
function badVariancesFast(fit: FittedARIMA): boolean {
  const nCoef = fit.nParams - 1;
  if (nCoef === 0) return false;
  const cov = fit.cov();
  if (!cov) return true;
  for (let i = 0; i < nCoef; i++) if (!(cov[i][i] >= 0)) return true;
  return false;
}

/** Smallest root modulus of 1 + Σ a_k z^k after dropping trailing |a_k| ≤ 1e-8. */
function minModulus(a: number[]): number {
  let k = a.length;
  while (k > 0 && Math.abs(a[k - 1]) <= 1e-8) k--;
  if (k === 0) return Infinity;
  return Math.min(...polyRoots(a.slice(0, k)).map(([r, i]) => Math.hypot(r, i)));
}

/**
 * forecast's checkarima: `any(is.nan(sqrt(diag(var.coef))))`, some coefficient variance negative
 * (or NaN). A Hessian R's `solve` cannot invert is an error of `arima` itself: rejected too.
 */
function badVariances(r: RFit): boolean {
  let v: number[] | null;
  try {
    v = r.varDiag();
  } catch {
    return true;
  }
  if (!v) return true;
  return v.some((x) => Number.isNaN(x) || x < 0);
}

// ---------------------------------------------------------------------------------------------
// R's stats::arima (R 4.2) as forecast's myarima calls it during the search

/**
 * One candidate as R sets it up: the series (leading gaps dropped), the regressor myarima adds
 * (an intercept when d + D = 0, `drift = 1:n` when d + D = 1, with a constant), the layout, and
 * R's start and scales for the regression coefficients (`lm(dx ~ dxreg - 1)` on the differenced
 * data: its coefficients, parscale 10·se).
 */
interface RProblem {
  x: Float64Array;
  X: Float64Array[];
  L: Layout;
  delta: number[];
  /** R's n.used: observed values minus d + D·s. */
  nUsed: number;
  complete: boolean;
  beta0: number[];
  parscale: number[];
}

function rProblem(c: Context, o: Orders, constant: boolean): RProblem {
  const x = c.y, n = x.length;
  const diffs = c.d + c.D;
  const X: Float64Array[] = [];
  if (constant && diffs === 0) X.push(new Float64Array(n).fill(1));
  if (constant && diffs === 1) X.push(Float64Array.from({ length: n }, (_, t) => t + 1));
  const L: Layout = { p: o.p, q: o.q, P: o.P, Q: o.Q, s: c.m, d: c.d, D: c.D };
  const nArma = o.p + o.q + o.P + o.Q;
  let beta0: number[] = [], ses: number[] = [];
  if (X.length) {
    const dx = difference(x, c.d, c.D, c.m), dX = X.map((col) => difference(col, c.d, c.D, c.m));
    beta0 = olsIgnoringNaN(dx, dX);
    ses = olsScales(dx, dX, beta0);
  }
  let observed = 0;
  for (const v of x) if (!Number.isNaN(v)) observed++;
  const nd = c.d + c.D * c.m;
  const nUsed = observed - nd;
  if (nUsed <= 0) throw new DataError('too few non-missing observations', 'y');
  return {
    x, X, L, delta: differencingPolynomial(c.d, c.D, c.m), nUsed, complete: observed === n, beta0,
    parscale: [...new Array<number>(nArma).fill(1), ...ses.map((v) => 10 * v)],
  };
}

/** What myarima takes from R's fit: coefficients, σ², aic and (lazily) the variances. */
interface RFit {
  nCoef: number;
  /** Expanded AR and MA polynomials of the estimates (R's `fit$model$phi`, `theta`). */
  phi: number[];
  theta: number[];
  /** CSS: SSR/ν at the estimates; CSS-ML: Σ v²/F / n.used (R's `sigma2`). */
  sigma2: number;
  /** −2 log L + 2(k + 1) with R's likelihood (CSS-ML only; NaN for CSS). */
  aic: number;
  /** diag(var.coef); throws when R's `solve` would fail (singular Hessian). */
  varDiag: () => number[] | null;
}

/** R's ARIMA_transPars: expanded φ and θ of [ar, ma, sar, sma], AR parts through partrans when trans. */
function transPars(L: Layout, arma: readonly number[], trans: boolean): { phi: number[]; theta: number[] } {
  const { ar, ma, sar, sma } = splitArma(L, arma);
  return {
    phi: expandAR(trans ? toStationary(ar) : ar, trans ? toStationary(sar) : sar, L.s),
    theta: expandMA(ma, sma, L.s),
  };
}

/** x − Xβ (R: `x <- x - xreg %*% par[narma + 1:ncxreg]`). */
function regressionResidual(pr: RProblem, beta: readonly number[]): Float64Array {
  if (!pr.X.length) return pr.x;
  const out = Float64Array.from(pr.x);
  for (let t = 0; t < out.length; t++) {
    let v = 0;
    for (let j = 0; j < beta.length; j++) v += pr.X[j][t] * beta[j];
    out[t] -= v;
  }
  return out;
}

/**
 * R's ARIMA_CSS (src/library/stats/src/arima.c): differences in place (d lag-1, then D lag-s
 * passes), then from t = ncond = d + D·s + p + P·s the residuals e_t = w_t − Σ φ_j w_{t−j} −
 * Σ_{j ≤ min(t − ncond, q)} θ_j e_{t−j}; returns SSR/ν over the finite ones. With complete data the
 * loops skip zero coefficients (exactly the same sums); with gaps they run over every lag, as R's,
 * so that a missing value spreads exactly as there (0·NaN = NaN).
 */
function cssValue(pr: RProblem, phi: readonly number[], theta: readonly number[], beta: readonly number[]): number {
  const { L } = pr;
  const w = Float64Array.from(regressionResidual(pr, beta));
  const n = w.length;
  for (let i = 0; i < L.d; i++) for (let l = n - 1; l > 0; l--) w[l] -= w[l - 1];
  for (let i = 0; i < L.D; i++) for (let l = n - 1; l >= L.s; l--) w[l] -= w[l - L.s];
  const p = phi.length, q = theta.length;
  const ncond = L.d + L.D * L.s + p;
  const pl: number[] = [], pv: number[] = [], ql: number[] = [], qv: number[] = [];
  for (let j = 0; j < p; j++) if (!pr.complete || phi[j] !== 0) { pl.push(j + 1); pv.push(phi[j]); }
  for (let j = 0; j < q; j++) if (!pr.complete || theta[j] !== 0) { ql.push(j + 1); qv.push(theta[j]); }
  const e = new Float64Array(n);
  let ssq = 0, nu = 0;
  for (let l = ncond; l < n; l++) {
    let tmp = w[l];
    for (let k = 0; k < pl.length; k++) tmp -= pv[k] * w[l - pl[k]];
    const lim = l - ncond;
    for (let k = 0; k < ql.length && ql[k] <= lim; k++) tmp -= qv[k] * e[l - ql[k]];
    e[l] = tmp;
    if (!Number.isNaN(tmp)) { nu++; ssq += tmp * tmp; }
  }
  return ssq / nu;
}

/** R's `armaCSS`: ½ log(SSR/ν) at par = [ar, ma, sar, sma, β] (no transformation). */
function cssObjective(pr: RProblem, par: readonly number[]): number {
  const nArma = pr.L.p + pr.L.q + pr.L.P + pr.L.Q;
  const { phi, theta } = transPars(pr.L, par.slice(0, nArma), false);
  return 0.5 * Math.log(cssValue(pr, phi, theta, par.slice(nArma)));
}

/**
 * R's `armafn` with transform.pars: ½(log(SSR/ν) + Σ log F_t/ν) of x − Xβ by R's approximate
 * diffuse filter ({@link arimaLike}, κ = 10⁶), AR parts in partrans coordinates; the largest
 * double where the model cannot be set up (R: `.Machine$double.xmax`).
 */
function mlObjective(pr: RProblem, par: readonly number[]): number {
  try {
    const { ssq, nu, sumLogF } = mlSums(pr, par, true);
    return 0.5 * (Math.log(ssq / nu) + sumLogF / nu);
  } catch {
    return Number.MAX_VALUE;
  }
}

/** R's ARIMA_Like sums (Σ v²/F, ν, Σ log F) at par, AR parts transformed when trans. */
function mlSums(pr: RProblem, par: readonly number[], trans: boolean): { ssq: number; nu: number; sumLogF: number } {
  const nArma = pr.L.p + pr.L.q + pr.L.P + pr.L.Q;
  const { phi, theta } = transPars(pr.L, par.slice(0, nArma), trans);
  return arimaLike(phi, theta, pr.delta, regressionResidual(pr, par.slice(nArma)));
}

/**
 * R's `ARIMA_Like` (src/library/stats/src/arima.c, R 4.2) with `makeARIMA`'s start: states
 * [ARMA part in Harvey's form (r), the last d values of the series], a = 0, P = Q₀ ⊕ κI (κ = 10⁶;
 * Q₀ the stationary covariance, R's Gardner et al. algorithm computes the same matrix), the
 * time-invariant Kalman filter in R's order of operations, an observation counted only while its
 * prediction variance is below 10⁴.
 *
 * With complete data the last d = d + D·s states are lagged observations: once the first d values
 * are filtered they are known exactly (no observation noise), with zero variance and no
 * covariance with the ARMA states, so from there R's (r + d)-state filter is the r-state ARMA
 * filter of the differenced series w_t = y_t − Σ δ_k y_{t−k} started from the ARMA block of R's
 * state after the first d steps — the κ prior's whole effect — at a fraction of the cost (R's
 * own arithmetic leaves ~κ·ε ≈ 10⁻¹⁰ of rounding in those zeros). Without differencing it is the
 * exact stationary filter, computed by Chandrasekhar recursions.
 */
function arimaLike(phi: readonly number[], theta: readonly number[], delta: readonly number[], y: Float64Array, kappa = 1e6): { ssq: number; nu: number; sumLogF: number } {
  const p = phi.length, q = theta.length, d = delta.length;
  const r = Math.max(p, q + 1), rd = r + d;
  const a = new Float64Array(rd), anew = new Float64Array(rd), M = new Float64Array(rd);
  const P = new Float64Array(rd * rd), Pnew = new Float64Array(rd * rd);
  const mm = d > 0 ? new Float64Array(rd * rd) : null;
  if (r > 1) {
    const Q0 = armaInitialCovariance(phi, theta, r);
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pnew[i + rd * j] = Q0[i * r + j];
  } else Pnew[0] = p > 0 ? 1 / (1 - phi[0] * phi[0]) : 1;
  for (let i = 0; i < d; i++) Pnew[r + i + rd * (r + i)] = kappa;
  const n = y.length;
  const complete = !y.some(Number.isNaN);
  if (d === 0 && complete) {
    // No diffuse states: R's filter is the exact stationary one (Chandrasekhar recursions, O(r) a step).
    const cp = armaCrossProducts(phi, theta, [y]);
    return { ssq: cp.cross[0], nu: cp.nUsed, sumLogF: cp.sumLogF };
  }
  let ssq = 0, sumLogF = 0, nu = 0;
  const split = d > 0 && complete ? Math.min(d, n) : n;
  for (let l = 0; l < split; l++) {
    for (let i = 0; i < r; i++) {
      let tmp = i < r - 1 ? a[i + 1] : 0;
      if (i < p) tmp += phi[i] * a[0];
      anew[i] = tmp;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1];
      let tmp = a[0];
      for (let i = 0; i < d; i++) tmp += delta[i] * a[r + i];
      anew[r] = tmp;
    }
    if (l > 0) predictCovariance(P, Pnew, mm, phi, theta, delta, p, q, r, d, rd);
    if (!Number.isNaN(y[l])) {
      let resid0 = y[l] - anew[0];
      for (let i = 0; i < d; i++) resid0 -= delta[i] * anew[r + i];
      let gain = M[0] = Pnew[0];
      for (let i = 0; i < d; i++) gain += delta[i] * Pnew[r + i];
      for (let i = 0; i < rd; i++) {
        let tmp = Pnew[i];
        for (let k = 0; k < d; k++) tmp += Pnew[i + rd * (r + k)] * delta[k];
        M[i] = tmp;
      }
      for (let i = 0; i < d; i++) gain += delta[i] * M[r + i];
      if (gain < 1e4) {
        nu++;
        ssq += (resid0 * resid0) / gain;
        sumLogF += Math.log(gain);
      }
      for (let i = 0; i < rd; i++) a[i] = anew[i] + (M[i] * resid0) / gain;
      for (let j = 0; j < rd; j++) for (let i = 0; i < rd; i++) P[i + rd * j] = Pnew[i + rd * j] - (M[i] * M[j]) / gain;
    } else {
      a.set(anew);
      P.set(Pnew);
    }
  }
  if (split === n) return { ssq, nu, sumLogF };
  // The ARMA filter of w from the ARMA block of R's filtered state (R's d = 0 branch, by the
  // symmetry of P on one triangle, zero-padded so that out-of-range terms add exact zeros).
  const r1 = r + 1;
  const ph = new Float64Array(r1), v = new Float64Array(r1);
  for (let i = 0; i < p; i++) ph[i] = phi[i];
  v[0] = 1;
  for (let i = 1; i <= q; i++) v[i] = theta[i - 1];
  const b = new Float64Array(r1), bnew = new Float64Array(r);
  b.set(a.subarray(0, r));
  const Pb = new Float64Array(r1 * r1), Pn = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pb[i * r1 + j] = P[i + rd * j];
  for (let l = split; l < n; l++) {
    const b0 = b[0], P00 = Pb[0];
    for (let i = 0; i < r; i++) bnew[i] = b[i + 1] + ph[i] * b0;
    for (let i = 0; i < r; i++) {
      const phi_i = ph[i], v_i = v[i], pi0 = Pb[(i + 1) * r1], row = (i + 1) * r1 + 1;
      for (let j = i; j < r; j++) {
        const t = v_i * v[j] + phi_i * ph[j] * P00 + Pb[row + j] + phi_i * Pb[(j + 1) * r1] + ph[j] * pi0;
        Pn[i * r + j] = t;
        Pn[j * r + i] = t;
      }
    }
    let w = y[l];
    for (let k = 0; k < d; k++) w -= delta[k] * y[l - 1 - k];
    const resid0 = w - bnew[0];
    const gain = Pn[0];
    if (gain < 1e4) {
      nu++;
      ssq += (resid0 * resid0) / gain;
      sumLogF += Math.log(gain);
    }
    for (let i = 0; i < r; i++) b[i] = bnew[i] + (Pn[i] * resid0) / gain;
    for (let i = 0; i < r; i++) {
      const mi = Pn[i] / gain;
      for (let j = i; j < r; j++) {
        const t = Pn[i * r + j] - mi * Pn[j];
        Pb[i * r1 + j] = t;
        Pb[j * r1 + i] = t;
      }
    }
  }
  return { ssq, nu, sumLogF };
}

/** R's ARIMA_Like prediction step Pnew = T P T' + V (V = (1, θ)(1, θ)' on the ARMA block). */
function predictCovariance(
  P: Float64Array, Pnew: Float64Array, mm: Float64Array | null, phi: readonly number[], theta: readonly number[], delta: readonly number[],
  p: number, q: number, r: number, d: number, rd: number,
): void {
  if (d === 0) {
    for (let i = 0; i < r; i++) {
      const vi = i === 0 ? 1 : i - 1 < q ? theta[i - 1] : 0;
      for (let j = 0; j < r; j++) {
        let tmp = j === 0 ? vi : j - 1 < q ? vi * theta[j - 1] : 0;
        if (i < p && j < p) tmp += phi[i] * phi[j] * P[0];
        if (i < r - 1 && j < r - 1) tmp += P[i + 1 + r * (j + 1)];
        if (i < p && j < r - 1) tmp += phi[i] * P[j + 1];
        if (j < p && i < r - 1) tmp += phi[j] * P[i + 1];
        Pnew[i + r * j] = tmp;
      }
    }
    return;
  }
  const m = mm as Float64Array;
  // mm = T P
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < rd; j++) {
      let tmp = 0;
      if (i < p) tmp += phi[i] * P[rd * j];
      if (i < r - 1) tmp += P[i + 1 + rd * j];
      m[i + rd * j] = tmp;
    }
  }
  for (let j = 0; j < rd; j++) {
    let tmp = P[rd * j];
    for (let k = 0; k < d; k++) tmp += delta[k] * P[r + k + rd * j];
    m[r + rd * j] = tmp;
  }
  for (let i = 1; i < d; i++) for (let j = 0; j < rd; j++) m[r + i + rd * j] = P[r + i - 1 + rd * j];
  // Pnew = mm T'
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < rd; j++) {
      let tmp = 0;
      if (i < p) tmp += phi[i] * m[j];
      if (i < r - 1) tmp += m[rd * (i + 1) + j];
      Pnew[j + rd * i] = tmp;
    }
  }
  for (let j = 0; j < rd; j++) {
    let tmp = m[j];
    for (let k = 0; k < d; k++) tmp += delta[k] * m[rd * (r + k) + j];
    Pnew[j + rd * r] = tmp;
  }
  for (let i = 1; i < d; i++) for (let j = 0; j < rd; j++) Pnew[j + rd * (r + i)] = m[rd * (r + i - 1) + j];
  // Pnew += (1, θ)(1, θ)'
  for (let i = 0; i <= q; i++) {
    const vi = i === 0 ? 1 : theta[i - 1];
    for (let j = 0; j <= q; j++) Pnew[i + rd * j] += vi * (j === 0 ? 1 : theta[j - 1]);
  }
}

/**
 * R's `solve(A)` for the variances: LU with partial pivoting (LAPACK dgesv), an error when a
 * pivot is exactly zero or the reciprocal 1-norm condition number is below machine epsilon
 * ("system is computationally singular").
 */
function rSolveInverse(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = a.map((r) => r.slice());
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    if (m[p][k] === 0 || Number.isNaN(m[p][k])) throw new RangeError('Lapack routine dgesv: system is exactly singular');
    if (p !== k) { [m[p], m[k]] = [m[k], m[p]]; [perm[p], perm[k]] = [perm[k], perm[p]]; }
    for (let i = k + 1; i < n; i++) {
      const f = (m[i][k] /= m[k][k]);
      for (let j = k + 1; j < n; j++) m[i][j] -= f * m[k][j];
    }
  }
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const col = perm.map((pi) => (pi === j ? 1 : 0));
    for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) col[i] -= m[i][k] * col[k];
    for (let i = n - 1; i >= 0; i--) {
      for (let k = i + 1; k < n; k++) col[i] -= m[i][k] * col[k];
      col[i] /= m[i][i];
    }
    for (let i = 0; i < n; i++) inv[i][j] = col[i];
  }
  const norm1 = (b: readonly (readonly number[])[]) => {
    let best = 0;
    for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < n; i++) s += Math.abs(b[i][j]); best = Math.max(best, s); }
    return best;
  };
  const rcond = 1 / (norm1(a) * norm1(inv));
  if (!(rcond >= 2.220446049250313e-16)) throw new RangeError(`system is computationally singular: reciprocal condition number = ${rcond}`);
  return inv;
}

/** R's arCheck: every root of 1 − Σ φ_k z^k (trailing exact zeros dropped) outside the unit circle. */
function arCheck(ar: readonly number[]): boolean {
  let p = ar.length;
  while (p > 0 && ar[p - 1] === 0) p--;
  if (p === 0) return true;
  return polyRoots(ar.slice(0, p).map((v) => -v)).every(([r, i]) => Math.hypot(r, i) > 1);
}

/** R's ARIMA_Gradtrans: forward differences (step 10⁻³) of partrans on the AR blocks, identity elsewhere. */
function gradTrans(L: Layout, raw: readonly number[]): number[][] {
  const n = raw.length;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  const eps = 1e-3;
  const block = (start: number, len: number) => {
    if (len === 0) return;
    const w1 = raw.slice(start, start + len);
    const w2 = toStationary(w1);
    for (let i = 0; i < len; i++) {
      w1[i] += eps;
      const w3 = toStationary(w1);
      for (let j = 0; j < len; j++) A[start + i][start + j] = (w3[j] - w2[j]) / eps;
      w1[i] -= eps;
    }
  };
  block(0, L.p);
  block(L.p + L.q, L.P);
  return A;
}

/**
 * R's `arima(x, order, seasonal, xreg, method)` as myarima calls it, reduced to what myarima uses.
 *
 * - "CSS": optim's BFGS ({@link vmmin}: numerical gradient, parscale) on `armaCSS` from zero ARMA
 *   coefficients and the `lm` regression coefficients; var.coef = solve(H·n.used) with H R's
 *   `optimhess` at the estimates.
 * - "CSS-ML": the same CSS fit, whose estimates start ML only if it converged (else the start
 *   stays at zero); an AR part that is not stationary there is R's error ("non-stationary AR
 *   part from CSS"). With gaps, R runs "ML" from the zero start instead. Then BFGS on `armafn`
 *   (AR parts in partrans coordinates, MA parts inverted to invertibility at the start), the MA
 *   parts inverted again after the fit (R's Hessian is then taken at the inverted point),
 *   var.coef = A' solve(H·n.used) A (A: R's Gradtrans), aic = 2·n.used·f + n.used(1 + log 2π) + 2(k + 1).
 *
 * Every error of R's (a non-finite difference quotient, a non-finite start) is thrown here.
 */
function rArima(pr: RProblem, method: 'css' | 'css-ml'): RFit {
  const { L } = pr;
  const nArma = L.p + L.q + L.P + L.Q;
  const nCoef = nArma + pr.X.length;
  const fCss = (par: readonly number[]) => cssObjective(pr, par);
  let init = [...new Array<number>(nArma).fill(0), ...pr.beta0];
  const cssFit = (hessian: boolean) => {
    if (nCoef === 0) return { par: [] as number[], convergence: 0 };
    const r = vmmin(fCss, init, { parscale: pr.parscale });
    return hessian ? r : { par: r.par, convergence: r.convergence };
  };
  if (method === 'css') {
    const r = cssFit(true);
    const { phi, theta } = transPars(L, r.par.slice(0, nArma), false);
    const sigma2 = cssValue(pr, phi, theta, r.par.slice(nArma));
    return {
      nCoef, phi, theta, sigma2, aic: NaN,
      varDiag: () => {
        if (nCoef === 0) return [];
        const H = optimHess(fCss, r.par, pr.parscale);
        const inv = rSolveInverse(H.map((row) => row.map((v) => v * pr.nUsed)));
        return inv.map((row, i) => row[i]);
      },
    };
  }
  // CSS-ML (ML from zero coefficients with gaps).
  if (pr.complete) {
    const r = cssFit(false);
    if (r.convergence === 0) init = r.par.slice();
    const { ar, sar } = splitArma(L, init.slice(0, nArma));
    if (!arCheck(ar)) throw new ConvergenceError('non-stationary AR part from CSS', 'method');
    if (!arCheck(sar)) throw new ConvergenceError('non-stationary seasonal AR part from CSS', 'method');
  }
  {
    const { ar, ma, sar, sma } = splitArma(L, init.slice(0, nArma));
    init = [...invPartrans(ar), ...invertMA(ma), ...invPartrans(sar), ...invertMA(sma), ...init.slice(nArma)];
  }
  const fMl = (par: readonly number[]) => mlObjective(pr, par);
  let par: number[], value: number;
  if (nCoef === 0) {
    par = [];
    value = fMl([]);
  } else {
    const r = vmmin(fMl, init, { parscale: pr.parscale });
    par = r.par;
    value = r.value;
  }
  // Invertibility enforced after the fit; R re-evaluates (optim with maxit = 0) where it changed.
  const parts = splitArma(L, par.slice(0, nArma));
  const coef = [...parts.ar, ...invertMA(parts.ma), ...parts.sar, ...invertMA(parts.sma), ...par.slice(nArma)];
  if (coef.some((v, i) => v !== par[i])) value = fMl(coef);
  const natural = [...toStationary(parts.ar), ...coef.slice(L.p, L.p + L.q), ...toStationary(parts.sar), ...coef.slice(L.p + L.q + L.P)];
  const { phi, theta } = transPars(L, natural.slice(0, nArma), false);
  const n = pr.nUsed;
  const minus2LogLik = 2 * n * value + n + n * LOG2PI;
  return {
    nCoef, phi, theta, sigma2: mlSums(pr, natural, false).ssq / n, aic: minus2LogLik + 2 * nCoef + 2,
    varDiag: () => {
      if (nCoef === 0) return [];
      const H = optimHess(fMl, coef, pr.parscale);
      const inv = rSolveInverse(H.map((row) => row.map((v) => v * n)));
      const A = gradTrans(L, coef); // A[i][j] = ∂new_j/∂raw_i
      return coef.map((_, j) => {
        let s = 0;
        for (let i = 0; i < coef.length; i++) for (let k = 0; k < coef.length; k++) s += A[i][j] * inv[i][k] * A[k][j];
        return s;
      });
    },
  };
}

/** R's invpartrans: the backward Durbin–Levinson recursion to partial autocorrelations, then atanh. */
function invPartrans(phi: readonly number[]): number[] {
  const p = phi.length;
  const nw = phi.slice(), work = phi.slice();
  for (let j = p - 1; j > 0; j--) {
    const a = nw[j];
    for (let k = 0; k < j; k++) work[k] = (nw[k] + a * nw[j - k - 1]) / (1 - a * a);
    for (let k = 0; k < j; k++) nw[k] = work[k];
  }
  return nw.map(Math.atanh);
}

/** Selects and fits an ARIMA model automatically (see the module comment). */
export function fitAutoARIMA(data: ArrayLike<number>, options: AutoARIMAOptions = {}): FittedARIMA {
  const y = Float64Array.from(data);
  const period = options.period ?? 1;
  if (!(Number.isFinite(period) && period >= 1)) {
    throw new ArgumentError(`period must be at least 1 (1 = non-seasonal); got ${period}`, 'period');
  }
  if (options.period !== undefined && period !== 1 && period < 2) {
    throw new ArgumentError(`seasonal period must be at least 2; got ${period}`, 'period');
  }
  for (const [name, v] of Object.entries({ d: options.d, D: options.D, maxP: options.maxP, maxQ: options.maxQ, maxSeasonalP: options.maxSeasonalP, maxSeasonalQ: options.maxSeasonalQ, maxOrder: options.maxOrder, maxD: options.maxD, maxSeasonalD: options.maxSeasonalD })) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 50)) {
      throw new ArgumentError(`${name} must be an integer between 0 and 50; got ${v}`, name);
    }
  }
  const ic: InformationCriterion = options.ic ?? 'aicc';
  if (!['aicc', 'aic', 'bic'].includes(ic)) throw new ArgumentError(`ic must be aicc, aic or bic; got '${ic}'`, 'ic');
  // Leading missing values are not part of the series (spec §2; R: subset(x, start = firstnonmiss)).
  // Trailing ones stay in what the differencing tests and the approximation rule see, as in R;
  // the search fits the observed stretch.
  let first = 0, last = y.length - 1;
  while (first < y.length && Number.isNaN(y[first])) first++;
  while (last >= first && Number.isNaN(y[last])) last--;
  if (first > last) throw new DataError('y has no observed values (all missing)', 'y');
  const xr = y.subarray(first);
  const x = y.subarray(first, last + 1);
  const observed = Array.from(x).filter((v) => !Number.isNaN(v));
  if (observed.some((v) => !Number.isFinite(v))) throw new DataError('y contains infinite values', 'y');
  if (isConstant(observed)) {
    throw new DataError('y is constant; there is nothing for an ARIMA model to fit (the forecast is the constant itself)', 'y');
  }
  const serieslength = observed.length;

  // 1. Orders of differencing (spec §3), on the series with its gaps in place.
  const { d, D, m } = differencingOrders(xr, period, {
    d: options.d, D: options.D, maxD: options.maxD, maxSeasonalD: options.maxSeasonalD,
    seasonal: options.seasonal, stationary: options.stationary,
  });
  let dx = D > 0 ? diffLag(Array.from(xr), m, D) : Array.from(xr);
  if (d > 0) dx = diffLag(dx, 1, d);
  dx = dx.filter((v) => !Number.isNaN(v));
  if (dx.length === 0) throw new DataError(`not enough data: ${serieslength} observations leave nothing after d = ${d}, D = ${D} differences`, 'y');
  if (isConstant(dx)) {
    throw new DataError(
      `y follows a deterministic ${D > 0 ? 'seasonal ' : ''}polynomial exactly after differencing (d = ${d}, D = ${D}); there is no noise for an ARIMA model to describe`,
      'y',
    );
  }

  // 2. Bounds (spec §2.5, §3.2, §4.1).
  let maxP = Math.min(options.maxP ?? 5, Math.floor(serieslength / 3));
  let maxQ = Math.min(options.maxQ ?? 5, Math.floor(serieslength / 3));
  let maxSP = Math.min(options.maxSeasonalP ?? 2, Math.floor(serieslength / 3 / m));
  let maxSQ = Math.min(options.maxSeasonalQ ?? 2, Math.floor(serieslength / 3 / m));
  if (m === 1) { maxSP = 0; maxSQ = 0; }
  const icUsed: InformationCriterion = serieslength <= 3 ? 'aic' : ic;
  if (m > 1) {
    if (maxSP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  const approximation = options.approximation ?? (xr.length > 150 || period > 12);
  const ctx: Context = { y: Float64Array.from(x), n: serieslength, m, d, D, ic: icUsed, trace: options.trace, faithful: !(options.stepwise ?? true) };

  // 3. IC offset for CSS fits (spec §4.2): R's `stats::arima(x, order = c(0, d, 0), seasonal =
  //    c(0, D, 0))` (CSS-ML, a mean when d + D = 0), offset = −2 log L − n·log σ² with R's
  //    likelihood and σ². It shifts every CSS criterion alike.
  let offset = 0;
  if (approximation) {
    try {
      const r = rArima(rProblem(ctx, { p: 0, q: 0, P: 0, Q: 0 }, d + D === 0), 'css-ml');
      offset = r.aic - 2 * (r.nCoef + 1) - serieslength * Math.log(r.sigma2);
    } catch {
      offset = 0;
    }
  }
  const allowDrift = (options.allowDrift ?? true) && d + D === 1;
  const allowMean = (options.allowMean ?? true) && d + D === 0;
  const tried: Candidate[] = [];
  const record = (o: Orders, constant: boolean, s: Scored) => {
    tried.push({ order: [o.p, d, o.q], seasonal: [o.P, D, o.Q, m], constant, ic: s.ic });
  };

  let chosen: { o: Orders; constant: boolean } | null = null;
  const stepwise = options.stepwise ?? true;
  if (stepwise) {
    chosen = stepwiseSearch(ctx, { maxP, maxQ, maxSP, maxSQ }, allowDrift || allowMean, approximation, offset, options.nmodels ?? 94, record);
  } else {
    chosen = exhaustiveSearch(ctx, { maxP, maxQ, maxSP, maxSQ }, options.maxOrder ?? 5, allowDrift || allowMean, approximation, offset, record);
  }
  if (!chosen) throw new DataError('no suitable ARIMA model found: every candidate failed or was rejected', 'y');

  // 4. Final model: exact ML with restarts at the chosen orders.
  const { o, constant } = chosen;
  const trend: Trend = constant ? (d + D === 0 ? 'c' : 't') : 'n';
  const fit = fitARIMA(y, {
    order: [o.p, d, o.q],
    seasonal: m > 1 && o.P + D + o.Q > 0 ? { order: [o.P, D, o.Q], period: m } : undefined,
    trend,
    method: 'ml',
  });
  fit.selection = { d, D, period: m, ic: icUsed, stepwise, approximation, tried };
  return fit;
}

interface Bounds { maxP: number; maxQ: number; maxSP: number; maxSQ: number }

/** The differencing options of {@link fitAutoARIMA} (R: d, D, max.d, max.D, seasonal, stationary). */
interface DiffOptions { d?: number; D?: number; maxD?: number; maxSeasonalD?: number; seasonal?: boolean; stationary?: boolean }

/**
 * d and D as R forecast 8.20 `auto.arima` chooses them for x (leading gaps dropped, trailing ones
 * kept, as R keeps them). Without gaps: {@link autoARIMADiffs}. With gaps, R's own handling of NA:
 *
 * 1. m = round(period) (1 when not seasonal); D = 0 when m = 1 or length(x) ≤ 2m (gaps counted).
 * 2. Otherwise D = `nsdiffs(x)` on the series with its gaps ({@link nsdiffsWithGaps}); D drops by
 *    one if the seasonal difference is all missing.
 * 3. d = `ndiffs(diff(x, m, D))`, whose first line is `x <- na.omit(x)`: the KPSS tests run on
 *    the observed values of the seasonally differenced series — a difference across a gap is
 *    missing, not a difference of the values either side of it. d drops by one if the
 *    differenced series is all missing.
 *
 * Testing the observed values joined together instead shifts every season after a gap by one
 * position (UKgas with 7 of 108 quarters hidden: seasonal strength 0.41 against 0.97, D = 0 against R's 1).
 */
function differencingOrders(x: Float64Array, period: number, o: DiffOptions): AutoARIMADiffs {
  if (!x.some(Number.isNaN)) {
    return autoARIMADiffs(Array.from(x), period, { d: o.d, D: o.D, maxD: o.maxD, maxSeasonalD: o.maxSeasonalD, seasonal: o.seasonal, stationary: o.stationary });
  }
  const xs = Array.from(x);
  const allMissing = (v: readonly number[]) => v.every(Number.isNaN);
  // 1. The period and the fixed orders.
  let m = (o.seasonal ?? true) ? period : 1;
  m = m < 1 ? 1 : Math.round(m);
  let d = o.d, D = o.D;
  if (o.stationary) { d = 0; D = 0; }
  // 2. Seasonal differences.
  if (m === 1) D = 0;
  else if (D === undefined && xs.length <= 2 * m) D = 0;
  else if (D === undefined) {
    D = nsdiffsWithGaps(xs, period, o.maxSeasonalD ?? 1);
    if (D > 0 && allMissing(diffLag(xs, m, D))) D -= 1;
  }
  // 3. First differences, on the observed values of the seasonally differenced series.
  const dx = D > 0 ? diffLag(xs, m, D) : xs;
  if (d === undefined) {
    d = ndiffs(dx.filter((v) => !Number.isNaN(v)), { maxD: o.maxD ?? 2 });
    if (d > 0 && allMissing(diffLag(dx, 1, d))) d -= 1;
  }
  return { d, D, m };
}

/**
 * R forecast 8.20 `nsdiffs(x, test = "seas")` for x with gaps: difference while the seasonal
 * strength ({@link seasonalStrengthWithGaps}) exceeds 0.64, at most maxD times, testing again
 * only while D < maxD and length ≥ 2·period; a failed test counts as "no difference" (R's
 * tryCatch). `isConstant` is R's `is.constant`, false while values are missing.
 */
function nsdiffsWithGaps(y: readonly number[], period: number, maxD: number): number {
  let D = 0;
  let x = y.slice();
  if (isConstant(x) || period >= x.length) return D;
  let m = period;
  const runTest = (z: readonly number[]): boolean => {
    try {
      return seasonalStrengthWithGaps(z, m) > SEASONAL_STRENGTH_THRESHOLD; // NaN: false, as R's stopifnot
    } catch {
      return false;
    }
  };
  let dodiff = runTest(x);
  if (dodiff && !Number.isInteger(m)) m = Math.round(m);
  while (dodiff && D < maxD) {
    D += 1;
    x = diffLag(x, m);
    if (isConstant(x)) return D;
    dodiff = x.length >= 2 * m && D < maxD ? runTest(x) : false;
  }
  return D;
}

/** Refits candidates with exact ML in order of their CSS criterion until one succeeds (spec §7.4). */
function refitApproximated(ctx: Context, rows: { o: Orders; constant: boolean; ic: number }[]): { o: Orders; constant: boolean } | null {
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => (a.r.ic === b.r.ic ? a.i - b.i : a.r.ic < b.r.ic ? -1 : 1));
  for (const { r } of order) {
    const s = fitCandidate(ctx, r.o, r.constant, false, 0, Infinity);
    if (s.ic < Infinity) return { o: r.o, constant: r.constant };
  }
  return null;
}

function stepwiseSearch(
  ctx: Context, b: Bounds, allowConstant: boolean, approximation: boolean, offset: number, nmodels: number,
  record: (o: Orders, constant: boolean, s: Scored) => void,
): { o: Orders; constant: boolean } | null {
  let constant = allowConstant;
  // 7.1 Start values.
  let sp = 2, sq = 2, sP = 1, sQ = 1;
  if (ctx.n < 10) { sp = Math.min(sp, 1); sq = Math.min(sq, 1); sP = 0; sQ = 0; }
  let p = Math.min(sp, b.maxP), q = Math.min(sq, b.maxQ), P = Math.min(sP, b.maxSP), Q = Math.min(sQ, b.maxSQ);
  const rows: { o: Orders; constant: boolean; ic: number }[] = [];
  let best: { o: Orders; constant: boolean; ic: number; ok: boolean } | null = null;
  const fitRow = (o: Orders, c: boolean): Scored => {
    const s = fitCandidate(ctx, o, c, approximation, offset, best ? best.ic : Infinity);
    rows.push({ o, constant: c, ic: s.ic });
    record(o, c, s);
    return s;
  };
  const isNew = (o: Orders, c: boolean) => !rows.some((r) => r.o.p === o.p && r.o.q === o.q && r.o.P === o.P && r.o.Q === o.Q && r.constant === c);

  // 7.2 Initial models.
  let s = fitRow({ p, q, P, Q }, constant);
  best = { o: { p, q, P, Q }, constant, ic: s.ic, ok: s.ok };
  s = fitRow({ p: 0, q: 0, P: 0, Q: 0 }, constant);
  if (s.ic < best.ic) { best = { o: { p: 0, q: 0, P: 0, Q: 0 }, constant, ic: s.ic, ok: true }; p = q = P = Q = 0; }
  if (b.maxP > 0 || b.maxSP > 0) {
    const o = { p: b.maxP > 0 ? 1 : 0, q: 0, P: ctx.m > 1 && b.maxSP > 0 ? 1 : 0, Q: 0 };
    s = fitRow(o, constant);
    if (s.ic < best.ic) { best = { o, constant, ic: s.ic, ok: true }; ({ p, q, P, Q } = o); }
  }
  if (b.maxQ > 0 || b.maxSQ > 0) {
    const o = { p: 0, q: b.maxQ > 0 ? 1 : 0, P: 0, Q: ctx.m > 1 && b.maxSQ > 0 ? 1 : 0 };
    s = fitRow(o, constant);
    if (s.ic < best.ic) { best = { o, constant, ic: s.ic, ok: true }; ({ p, q, P, Q } = o); }
  }
  if (constant) {
    const o = { p: 0, q: 0, P: 0, Q: 0 };
    s = fitRow(o, false);
    // The best model changes but the search keeps the constant flag (spec §7.2 step 5).
    if (s.ic < best.ic) { best = { o, constant: false, ic: s.ic, ok: true }; p = q = P = Q = 0; }
  }

  // 7.3 Neighbourhood moves.
  let k = rows.length;
  let startk = 0;
  outer: while (startk < k && k < nmodels) {
    startk = k;
    const moves: [boolean, Orders][] = [
      [P > 0, { p, q, P: P - 1, Q }],
      [Q > 0, { p, q, P, Q: Q - 1 }],
      [P < b.maxSP, { p, q, P: P + 1, Q }],
      [Q < b.maxSQ, { p, q, P, Q: Q + 1 }],
      [Q > 0 && P > 0, { p, q, P: P - 1, Q: Q - 1 }],
      [Q < b.maxSQ && P > 0, { p, q, P: P - 1, Q: Q + 1 }],
      [Q > 0 && P < b.maxSP, { p, q, P: P + 1, Q: Q - 1 }],
      [Q < b.maxSQ && P < b.maxSP, { p, q, P: P + 1, Q: Q + 1 }],
      [p > 0, { p: p - 1, q, P, Q }],
      [q > 0, { p, q: q - 1, P, Q }],
      [p < b.maxP, { p: p + 1, q, P, Q }],
      [q < b.maxQ, { p, q: q + 1, P, Q }],
      [q > 0 && p > 0, { p: p - 1, q: q - 1, P, Q }],
      [q < b.maxQ && p > 0, { p: p - 1, q: q + 1, P, Q }],
      [q > 0 && p < b.maxP, { p: p + 1, q: q - 1, P, Q }],
      [q < b.maxQ && p < b.maxP, { p: p + 1, q: q + 1, P, Q }],
    ];
    for (const [ok, o] of moves) {
      if (!ok || !isNew(o, constant)) continue;
      k++;
      if (k > nmodels) continue;
      const r = fitRow(o, constant);
      if (r.ic < best.ic) {
        best = { o, constant, ic: r.ic, ok: true };
        ({ p, q, P, Q } = o);
        continue outer;
      }
    }
    if (allowConstant) {
      const o = { p, q, P, Q };
      if (isNew(o, !constant)) {
        k++;
        if (k > nmodels) continue;
        const r = fitRow(o, !constant);
        if (r.ic < best.ic) {
          best = { o, constant: !constant, ic: r.ic, ok: true };
          constant = !constant;
        }
      }
    }
  }
  if (approximation && best.ok) {
    const refit = refitApproximated(ctx, rows);
    if (refit) return refit;
    return best.ic < Infinity ? { o: best.o, constant: best.constant } : null;
  }
  return best.ic < Infinity ? { o: best.o, constant: best.constant } : null;
}

function exhaustiveSearch(
  ctx: Context, b: Bounds, maxOrder: number, allowConstant: boolean, approximation: boolean, offset: number,
  record: (o: Orders, constant: boolean, s: Scored) => void,
): { o: Orders; constant: boolean } | null {
  const maxK = allowConstant ? 1 : 0;
  let best: { o: Orders; constant: boolean; ic: number } | null = null;
  for (let p = 0; p <= b.maxP; p++) for (let q = 0; q <= b.maxQ; q++) for (let P = 0; P <= b.maxSP; P++) for (let Q = 0; Q <= b.maxSQ; Q++) {
    if (p + q + P + Q > maxOrder) continue;
    for (let K = 0; K <= maxK; K++) {
      const o = { p, q, P, Q };
      const s = fitCandidate(ctx, o, K === 1, approximation, offset, best?.ic ?? Infinity);
      record(o, K === 1, s);
      if (s.ic < (best?.ic ?? Infinity)) best = { o, constant: K === 1, ic: s.ic };
    }
  }
  if (!best) return null;
  if (approximation) {
    const refit = fitCandidate(ctx, best.o, best.constant, false, 0, Infinity);
    if (refit.ic === Infinity) return exhaustiveSearch(ctx, b, maxOrder, allowConstant, false, 0, record);
  }
  return { o: best.o, constant: best.constant };
}

// ---------------------------------------------------------------------------------------------
// Registry entry

const bound = () => z.number().int().min(0).max(50);
/** A switch flag that turns a default-on option off. */
const off = (flag: string) => ({ cli: { flag, parse: () => false } });

/** The options schema of `fitAutoARIMA` (see {@link AutoARIMAOptions}). */
export const autoARIMAOptionsSchema = z.strictObject({
  period: z.number().int().min(1).default(1).describe('seasonal period (1: non-seasonal; the CLI uses the data set\'s period)')
    .meta({ cli: { flag: '--seasonal-period', fromDataFrequency: true } }),
  d: bound().optional().describe('fix d instead of testing (KPSS)').meta({ cli: { flag: '--d' } }),
  D: bound().optional().describe('fix D instead of testing (seasonal strength)').meta({ cli: { flag: '--seasonal-d' } }),
  maxP: bound().default(5).describe('largest p'),
  maxQ: bound().default(5).describe('largest q'),
  maxSeasonalP: bound().default(2).describe('largest P'),
  maxSeasonalQ: bound().default(2).describe('largest Q'),
  maxOrder: bound().default(5).describe('bound on p + q + P + Q in the exhaustive search'),
  maxD: bound().default(2).describe('largest d'),
  maxSeasonalD: bound().default(1).describe('largest D'),
  stationary: z.boolean().default(false).describe('only stationary models (d = D = 0)'),
  seasonal: z.boolean().default(true).describe('consider seasonal models').meta(off('--non-seasonal')),
  ic: z.enum(['aicc', 'aic', 'bic']).default('aicc').describe('criterion to minimise'),
  stepwise: z.boolean().default(true).describe('stepwise search (the exhaustive one fits every order)').meta(off('--exhaustive')),
  nmodels: z.number().int().min(1).default(94).describe('most models the stepwise search fits'),
  approximation: z.boolean().optional().describe('search with CSS fits (default: n > 150 or period > 12)').meta(off('--exact-search')),
  allowDrift: z.boolean().default(true).describe('consider a drift term').meta(off('--without-drift')),
  allowMean: z.boolean().default(true).describe('consider a non-zero mean').meta(off('--without-mean')),
  trace: z.custom<(line: string) => void>((v) => typeof v === 'function').optional().describe('receives one line per fitted candidate'),
});

/** Registry entry of `fitAutoARIMA` (it produces an 'arima' model). */
export const autoARIMAEntry: SeriesModelEntry<z.output<typeof autoARIMAOptionsSchema>, FittedARIMA> = {
  name: 'auto-arima',
  shape: 'series',
  description: 'automatic (S)ARIMA order selection, Hyndman-Khandakar as R forecast::auto.arima',
  producesKind: 'arima',
  options: autoARIMAOptionsSchema,
  fit: (y, options) => fitAutoARIMA(y, options),
  fromJSON: (json) => FittedARIMA.fromJSON(json as ARIMAJSON),
  report: (fit) => ({ ...arimaReport(fit), selection: { tried: fit.selection?.tried.length ?? 0, stepwise: fit.selection?.stepwise ?? true } }),
  headline: (fit) => `Selected ${arimaLabel(fit)} (${fit.selection?.tried.length ?? 0} models tried, ${fit.selection?.stepwise ? 'stepwise' : 'exhaustive'} search)`,
  defaultHorizon: arimaDefaultHorizon,
  backtestOptions: ({ seasonalPeriod }) => ({ period: seasonalPeriod }),
  example: { dataset: 'www-usage', options: autoARIMAOptionsSchema.parse({}) },
};

// ---------------------------------------------------------------------------------------------
// Names of 0.1, kept for one release

/** @deprecated renamed {@link fitAutoARIMA} (every model is fitted by a `fitX` function); kept for one release. */
export const autoArima = fitAutoARIMA;
/** @deprecated renamed {@link AutoARIMAOptions}; kept for one release. */
export type AutoArimaOptions = AutoARIMAOptions;
/** @deprecated renamed {@link AutoARIMASelection}; kept for one release. */
export type AutoArimaSelection = AutoARIMASelection;
