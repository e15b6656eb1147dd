/**
 * The numerical core of {@link fitGARCH} (classical/garch.ts): the ARMA(u,v)-GARCH(p,q) filter and
 * negative log-likelihood of R fGarch (`garchFit`, Fortran `GARCHLLH` of src/llhGarch.f with
 * `init.rec = "mci"`), its analytic gradient, the standardized innovation laws of fGarch (normal,
 * Student t `std`, Fernández–Steel skewed t `sstd`: densities, quantiles, draws) and a box-constrained projected Newton
 * minimiser (Bertsekas 1982) standing in for fGarch's `nlminb`.
 *
 * Parameter vector θ (fGarch's order and names): [mu], ar1..ar_u, ma1..ma_v, omega,
 * alpha1..alpha_p, beta1..beta_q, [skew], [shape].
 *
 * The filter, exactly as GARCHLLH (t = 1..N, m = max(u, v), r = max(p, q)):
 *   z_t = 0                                                  (t ≤ m)
 *   z_t = x_t − μ − Σ_i ar_i x_{t−i} − Σ_j ma_j z_{t−j}      (t > m)
 *   V   = (1/N) Σ_{t=1}^N z_t²     ("mci": the mean of the squared residuals, zeros included)
 *   h_t = ω + (Σα + Σβ) V                                    (t ≤ r)
 *   h_t = ω + Σ_i α_i z_{t−i}² + Σ_j β_j h_{t−j}              (t > r)
 * and the negative log-likelihood sums over every t = 1..N, the first m included:
 *   LLH = −Σ_t log( f(z_t/σ_t; skew, shape) / σ_t ),  σ_t = |h_t|^{1/2},
 * with f the standardized (mean 0, variance 1) innovation density.
 */
import { LOG2PI, logGamma, normalQuantile, tQuantile, gammaVariate } from '../../core/distributions.js';
import { choleskySolve, symmetrizeInPlace, type Matrix } from '../../core/linalg.js';
import type { Rng } from '../../core/rng.js';

/** Innovation law: Gaussian, fGarch's standardized Student t, fGarch's standardized skewed t. */
export type GarchDist = 'norm' | 'std' | 'sstd';

/** Orders and terms of an ARMA(u,v)-GARCH(p,q) model. */
export interface GarchSpec {
  /** AR order u of the mean. */
  readonly u: number;
  /** MA order v of the mean. */
  readonly v: number;
  /** ARCH order p (alpha1..alpha_p). */
  readonly p: number;
  /** GARCH order q (beta1..beta_q). */
  readonly q: number;
  readonly includeMean: boolean;
  readonly dist: GarchDist;
}

/** Positions of each block in θ (−1 when absent). */
export interface GarchLayout {
  readonly names: string[];
  readonly k: number;
  readonly mu: number;
  readonly ar: number;
  readonly ma: number;
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
  readonly skew: number;
  readonly shape: number;
  /** Number of mean parameters (μ, ar, ma): the first `nMean` entries of θ. */
  readonly nMean: number;
}

/** fGarch's names and positions of the parameters of `spec`. */
export function garchLayout(spec: GarchSpec): GarchLayout {
  const names: string[] = [];
  const mu = spec.includeMean ? names.push('mu') - 1 : -1;
  const ar = names.length;
  for (let i = 1; i <= spec.u; i++) names.push(`ar${i}`);
  const ma = names.length;
  for (let i = 1; i <= spec.v; i++) names.push(`ma${i}`);
  const nMean = names.length;
  const omega = names.push('omega') - 1;
  const alpha = names.length;
  for (let i = 1; i <= spec.p; i++) names.push(`alpha${i}`);
  const beta = names.length;
  for (let i = 1; i <= spec.q; i++) names.push(`beta${i}`);
  const skew = spec.dist === 'sstd' ? names.push('skew') - 1 : -1;
  const shape = spec.dist === 'std' || spec.dist === 'sstd' ? names.push('shape') - 1 : -1;
  return { names, k: names.length, mu, ar, ma, omega, alpha, beta, skew, shape, nMean };
}

// ---------------------------------------------------------------------------------------------
// Special functions

/** log Γ(x) (core/distributions' Lanczos approximation). */
export const lgamma = logGamma;

/**
 * ψ(x) = d log Γ(x)/dx for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the
 * asymptotic series ln x − 1/(2x) − Σ B_{2k}/(2k x^{2k}) (Abramowitz & Stegun 6.3.18), error < 1e-15.
 */
export function digamma(x: number): number {
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  return acc + Math.log(x) - 0.5 / x - r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132)))));
}

// ---------------------------------------------------------------------------------------------
// The standardized innovation laws of fGarch (dnorm, dstd, dsstd with mean 0, sd 1)

/**
 * What the log-density of one innovation law needs, fixed for given (skew, shape): constants and
 * their derivatives in shape ν and skew ξ.
 */
export interface InnovationLaw {
  readonly dist: GarchDist;
  readonly skew: number;
  readonly shape: number;
  /** log f(e). */
  logDensity(e: number): number;
  /**
   * log f(e) with ψ = ∂ log f/∂e, and ∂ log f/∂ξ, ∂ log f/∂ν (0 where the law has no such
   * parameter).
   */
  derivs(e: number, out: { logf: number; psi: number; dSkew: number; dShape: number }): void;
  /** Quantile of the standardized law. */
  quantile(prob: number): number;
  /** One draw from the standardized law. */
  draw(rng: Rng): number;
}

const HALF_LOG2PI = 0.5 * LOG2PI;

/** The standard normal law. */
function normalLaw(): InnovationLaw {
  return {
    dist: 'norm', skew: 1, shape: NaN,
    logDensity: (e) => -HALF_LOG2PI - 0.5 * e * e,
    derivs(e, out) {
      out.logf = -HALF_LOG2PI - 0.5 * e * e;
      out.psi = -e;
      out.dSkew = 0;
      out.dShape = 0;
    },
    quantile: (p) => normalQuantile(p),
    draw: (rng) => rng.normal(),
  };
}

/**
 * fGarch's standardized Student t (`dstd`): f(e) = s·t_ν(s e), s = (ν/(ν−2))^{1/2}, so that
 * log f(e) = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(π(ν−2)) − (ν+1)/2 · log(1 + e²/(ν−2)).
 */
class StdParts {
  readonly c0: number;
  readonly dc0: number;
  constructor(readonly nu: number) {
    this.c0 = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2));
    this.dc0 = 0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2) - 0.5 / (nu - 2);
  }
  logf(e: number): number {
    return this.c0 - 0.5 * (this.nu + 1) * Math.log1p((e * e) / (this.nu - 2));
  }
  psi(e: number): number {
    return (-(this.nu + 1) * e) / (this.nu - 2 + e * e);
  }
  /** ∂ log f(e)/∂ν at fixed e. */
  dnu(e: number): number {
    const nu2 = this.nu - 2, e2 = e * e;
    return this.dc0 - 0.5 * Math.log1p(e2 / nu2) + ((this.nu + 1) * e2) / (2 * nu2 * (nu2 + e2));
  }
}

/** One draw of fGarch's standardized t: a Student t_ν (Z/√(χ²_ν/ν)) times √((ν−2)/ν). */
function drawStd(rng: Rng, nu: number): number {
  const chi2 = 2 * gammaVariate(rng, nu / 2);
  return (rng.normal() / Math.sqrt(chi2 / nu)) * Math.sqrt((nu - 2) / nu);
}

function stdLaw(nu: number): InnovationLaw {
  const s = new StdParts(nu);
  return {
    dist: 'std', skew: 1, shape: nu,
    logDensity: (e) => s.logf(e),
    derivs(e, out) {
      out.logf = s.logf(e);
      out.psi = s.psi(e);
      out.dSkew = 0;
      out.dShape = s.dnu(e);
    },
    // qstd(p, nu) = qt(p, nu) · √((ν−2)/ν)
    quantile: (p) => tQuantile(p, nu) * Math.sqrt((nu - 2) / nu),
    draw: (rng) => drawStd(rng, nu),
  };
}

/**
 * fGarch's standardized skewed t (`dsstd`, Fernández & Steel 1998 skewing of the standardized t,
 * recentred and rescaled to mean 0, variance 1):
 *   m1 = 2√(ν−2) / ((ν−1) B(½, ν/2)),  μ_ξ = m1 (ξ − 1/ξ),  σ_ξ² = (1 − m1²)(ξ² + ξ⁻²) + 2m1² − 1,
 *   f(e) = 2/(ξ + 1/ξ) · σ_ξ · f_std((σ_ξ e + μ_ξ)/ξ^{sign(σ_ξ e + μ_ξ)}; ν).
 */
function sstdLaw(xi: number, nu: number): InnovationLaw {
  const s = new StdParts(nu);
  const logB = lgamma(0.5) + lgamma(nu / 2) - lgamma((nu + 1) / 2);
  const m1 = (2 * Math.sqrt(nu - 2)) / (nu - 1) / Math.exp(logB);
  const dm1 = m1 * (0.5 / (nu - 2) - 1 / (nu - 1) + 0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2));
  const mu = m1 * (xi - 1 / xi);
  const sigma = Math.sqrt((1 - m1 * m1) * (xi * xi + 1 / (xi * xi)) + 2 * m1 * m1 - 1);
  const g = 2 / (xi + 1 / xi);
  const logConst = Math.log(g) + Math.log(sigma);
  const dMuXi = m1 * (1 + 1 / (xi * xi));
  const dMuNu = dm1 * (xi - 1 / xi);
  const dSigXi = ((1 - m1 * m1) * (xi - 1 / (xi * xi * xi))) / sigma;
  const dSigNu = (m1 * dm1 * (2 - xi * xi - 1 / (xi * xi))) / sigma;
  const dLogGXi = -(1 - 1 / (xi * xi)) / (xi + 1 / xi);
  const split = (e: number) => {
    const zz = e * sigma + mu;
    const sgn = zz > 0 ? 1 : zz < 0 ? -1 : 0;
    const Xi = sgn > 0 ? xi : sgn < 0 ? 1 / xi : 1;
    return { zz, sgn, Xi, w: zz / Xi };
  };
  return {
    dist: 'sstd', skew: xi, shape: nu,
    logDensity: (e) => logConst + s.logf(split(e).w),
    derivs(e, out) {
      const { sgn, Xi, w } = split(e);
      const pw = s.psi(w);
      out.logf = logConst + s.logf(w);
      out.psi = (pw * sigma) / Xi;
      out.dSkew = dLogGXi + dSigXi / sigma + pw * ((e * dSigXi + dMuXi) / Xi - (w * sgn) / xi);
      out.dShape = dSigNu / sigma + pw * ((e * dSigNu + dMuNu) / Xi) + s.dnu(w);
    },
    // fGarch's .qsstd
    quantile(p) {
      const pxi = p - 1 / (1 + xi * xi);
      const sig = pxi > 0 ? 1 : pxi < 0 ? -1 : 0;
      const Xi = Math.pow(xi, sig);
      const heaviside = pxi >= 0 ? 1 : 0;
      const pp = (heaviside - sig * p) / (g * Xi);
      // qstd(pp, sd = Xi, nu)
      const q = tQuantile(pp, nu) * Xi * Math.sqrt((nu - 2) / nu);
      return (-sig * q - mu) / sigma;
    },
    // fGarch's .rsstd: a uniform picks the side, |t| is scaled by ξ^{±1}, then standardized.
    draw(rng) {
      const weight = xi / (xi + 1 / xi);
      const zu = rng.uniform() - weight;
      const sgn = zu > 0 ? 1 : zu < 0 ? -1 : 0;
      const Xi = Math.pow(xi, sgn);
      const r = (-Math.abs(drawStd(rng, nu)) / Xi) * sgn;
      return (r - mu) / sigma;
    },
  };
}

/** The standardized innovation law of `dist` at (skew, shape). */
export function innovationLaw(dist: GarchDist, skew = 1, shape = 4): InnovationLaw {
  return dist === 'norm' ? normalLaw() : dist === 'std' ? stdLaw(shape) : sstdLaw(skew, shape);
}

// ---------------------------------------------------------------------------------------------
// Filter, likelihood and gradient

/** Residuals z_t and conditional variances h_t of the filter (fGarch's `residuals` and `h.t`). */
export interface GarchFilterResult {
  z: Float64Array;
  h: Float64Array;
}

/** The law of θ's distribution parameters. */
export function lawOf(theta: ArrayLike<number>, spec: GarchSpec, L: GarchLayout): InnovationLaw {
  return innovationLaw(spec.dist, L.skew >= 0 ? theta[L.skew] : 1, L.shape >= 0 ? theta[L.shape] : 4);
}

/** Residuals z_t of the ARMA mean (zero for t ≤ max(u, v), as GARCHLLH). */
export function garchResiduals(x: ArrayLike<number>, theta: ArrayLike<number>, spec: GarchSpec, L: GarchLayout): Float64Array {
  const N = x.length, m = Math.max(spec.u, spec.v);
  const z = new Float64Array(N);
  const mu = L.mu >= 0 ? theta[L.mu] : 0;
  for (let t = m; t < N; t++) {
    let e = x[t] - mu;
    for (let i = 1; i <= spec.u; i++) e -= theta[L.ar + i - 1] * x[t - i];
    for (let j = 1; j <= spec.v; j++) e -= theta[L.ma + j - 1] * z[t - j];
    z[t] = e;
  }
  return z;
}

/** The fGarch "mci" variance recursion (file header) on residuals z. */
export function garchVariance(z: Float64Array, theta: ArrayLike<number>, spec: GarchSpec, L: GarchLayout): Float64Array {
  const N = z.length, r = Math.max(spec.p, spec.q);
  let persistence = 0;
  for (let i = 0; i < spec.p; i++) persistence += theta[L.alpha + i];
  for (let j = 0; j < spec.q; j++) persistence += theta[L.beta + j];
  let v = 0;
  for (let t = 0; t < N; t++) v += z[t] * z[t];
  v /= N;
  const omega = theta[L.omega];
  const h = new Float64Array(N);
  for (let t = 0; t < Math.min(r, N); t++) h[t] = omega + persistence * v;
  for (let t = r; t < N; t++) {
    let s = omega;
    for (let i = 1; i <= spec.p; i++) s += theta[L.alpha + i - 1] * z[t - i] * z[t - i];
    for (let j = 1; j <= spec.q; j++) s += theta[L.beta + j - 1] * h[t - j];
    h[t] = s;
  }
  return h;
}

/** z and h of the filter at θ. */
export function garchFilter(x: ArrayLike<number>, theta: ArrayLike<number>, spec: GarchSpec, L: GarchLayout): GarchFilterResult {
  const z = garchResiduals(x, theta, spec, L);
  return { z, h: garchVariance(z, theta, spec, L) };
}

/** fGarch's negative log-likelihood LLH (file header); NaN where the law is undefined (ν ≤ 2). */
export function garchNegLogLik(x: ArrayLike<number>, theta: ArrayLike<number>, spec: GarchSpec, L: GarchLayout): number {
  const { z, h } = garchFilter(x, theta, spec, L);
  const law = lawOf(theta, spec, L);
  let llh = 0;
  for (let t = 0; t < z.length; t++) {
    const s = Math.sqrt(Math.abs(h[t]));
    llh -= law.logDensity(z[t] / s) - Math.log(s);
  }
  return llh;
}

/**
 * LLH and its analytic gradient. With e_t = z_t/σ_t and ψ = ∂ log f/∂e, each term
 * ℓ_t = −log f(e_t) + ½ log h_t has ∂ℓ_t/∂z_t = −ψ(e_t)/σ_t and ∂ℓ_t/∂h_t = (1 + e_t ψ(e_t))/(2h_t);
 * the chain rule runs through the derivative recursions of the filter:
 *   ∂z_t/∂μ = −1 − Σ ma_j ∂z_{t−j}/∂μ,  ∂z_t/∂ar_i = −x_{t−i} − Σ ma_j ∂z_{t−j}/∂ar_i,
 *   ∂z_t/∂ma_i = −z_{t−i} − Σ ma_j ∂z_{t−j}/∂ma_i,
 *   ∂h_t/∂θ = ∂ω/∂θ + (∂P/∂θ) V + P ∂V/∂θ  (t ≤ r; P = Σα + Σβ, ∂V/∂θ = (2/N) Σ z_s ∂z_s/∂θ),
 *   ∂h_t/∂θ = ∂ω/∂θ + Σ_i (∂α_i/∂θ) z²_{t−i} + 2 α_i z_{t−i} ∂z_{t−i}/∂θ + Σ_j (∂β_j/∂θ) h_{t−j} + β_j ∂h_{t−j}/∂θ  (t > r),
 * plus the direct derivatives of log f in skew and shape.
 */
export function garchNegLogLikGrad(x: ArrayLike<number>, theta: ArrayLike<number>, spec: GarchSpec, L: GarchLayout): { f: number; g: Float64Array } {
  const N = x.length, k = L.k, nm = L.nMean, m = Math.max(spec.u, spec.v), r = Math.max(spec.p, spec.q);
  const { p, q } = spec;
  const z = garchResiduals(x, theta, spec, L);
  // 1. Derivatives of the residuals in the mean parameters (row-major N × nm).
  const dz = new Float64Array(N * nm);
  for (let t = m; t < N; t++) {
    const row = t * nm;
    if (L.mu >= 0) dz[row + L.mu] = -1;
    for (let i = 1; i <= spec.u; i++) dz[row + L.ar + i - 1] = -x[t - i];
    for (let i = 1; i <= spec.v; i++) dz[row + L.ma + i - 1] = -z[t - i];
    for (let j = 1; j <= spec.v; j++) {
      const c = theta[L.ma + j - 1], prev = (t - j) * nm;
      if (c !== 0) for (let a = 0; a < nm; a++) dz[row + a] -= c * dz[prev + a];
    }
  }
  // 2. V and ∂V.
  let V = 0;
  const dV = new Float64Array(nm);
  for (let t = 0; t < N; t++) {
    V += z[t] * z[t];
    for (let a = 0; a < nm; a++) dV[a] += 2 * z[t] * dz[t * nm + a];
  }
  V /= N;
  for (let a = 0; a < nm; a++) dV[a] /= N;
  let P = 0;
  for (let i = 0; i < p; i++) P += theta[L.alpha + i];
  for (let j = 0; j < q; j++) P += theta[L.beta + j];
  // 3. h, ∂h (N × k) and the accumulation of the gradient.
  const law = lawOf(theta, spec, L);
  const h = new Float64Array(N);
  const dh = new Float64Array(N * k);
  const g = new Float64Array(k);
  const out = { logf: 0, psi: 0, dSkew: 0, dShape: 0 };
  const omega = theta[L.omega];
  let f = 0;
  for (let t = 0; t < N; t++) {
    const row = t * k;
    if (t < r) {
      h[t] = omega + P * V;
      dh[row + L.omega] = 1;
      for (let i = 0; i < p; i++) dh[row + L.alpha + i] = V;
      for (let j = 0; j < q; j++) dh[row + L.beta + j] = V;
      for (let a = 0; a < nm; a++) dh[row + a] = P * dV[a];
    } else {
      let s = omega;
      dh[row + L.omega] = 1;
      for (let i = 1; i <= p; i++) {
        const al = theta[L.alpha + i - 1], zi = z[t - i];
        s += al * zi * zi;
        dh[row + L.alpha + i - 1] += zi * zi;
        const zrow = (t - i) * nm;
        for (let a = 0; a < nm; a++) dh[row + a] += 2 * al * zi * dz[zrow + a];
      }
      for (let j = 1; j <= q; j++) {
        const be = theta[L.beta + j - 1], prev = (t - j) * k;
        s += be * h[t - j];
        dh[row + L.beta + j - 1] += h[t - j];
        for (let a = 0; a < k; a++) dh[row + a] += be * dh[prev + a];
      }
      h[t] = s;
    }
    const ht = h[t], sd = Math.sqrt(Math.abs(ht)), e = z[t] / sd;
    law.derivs(e, out);
    f -= out.logf - Math.log(sd);
    const dZ = -out.psi / sd, dH = (1 + e * out.psi) / (2 * ht);
    for (let a = 0; a < nm; a++) g[a] += dZ * dz[t * nm + a];
    for (let a = 0; a < k; a++) g[a] += dH * dh[row + a];
    if (L.skew >= 0) g[L.skew] -= out.dSkew;
    if (L.shape >= 0) g[L.shape] -= out.dShape;
  }
  return { f, g };
}

// ---------------------------------------------------------------------------------------------
// Box-constrained minimisation

/** Result of {@link minimizeBox}. */
export interface BoxResult {
  x: number[];
  f: number;
  iterations: number;
  /** True when the projected Newton decrement fell below the tolerance. */
  converged: boolean;
  message: string;
}

/**
 * Minimises f over the box lower ≤ x ≤ upper by the projected Newton method of Bertsekas (1982,
 * "Projected Newton methods for optimization problems with simple constraints", SIAM J. Control
 * Optim. 20(2)), with the Hessian from central differences of the analytic gradient:
 *
 * 1. g = ∇f(x); the ε-active set A holds the coordinates within ε = min(10⁻³, ‖x − P(x − g)‖) of a
 *    bound whose gradient points outward; the others are free (F).
 * 2. H_FF by central differences of g (steps 10⁻⁶·max(|x_i|, 10⁻²)), symmetrised; a multiple of the
 *    identity is added until its Cholesky factor exists (Levenberg shift); d_F = −H_FF⁻¹ g_F and
 *    d_A = −g_A / H_ii (a diagonally scaled gradient step).
 * 3. Armijo search along the projection arc x(α) = P(x + α d), α = 1, ½, ¼, …, accepting
 *    f(x) − f(x(α)) ≥ 10⁻⁴ (−α g_F'd_F + g_A'(x_A − x_A(α))) (Bertsekas' eq. 19).
 * 4. Stop when the Newton decrement −g_F'd_F falls below `tol`·max(1, |f|) with every active
 *    coordinate on its bound, when no step decreases f, or after `maxit` iterations.
 */
export function minimizeBox(
  fg: (x: readonly number[]) => { f: number; g: ArrayLike<number> },
  x0: readonly number[], lower: readonly number[], upper: readonly number[],
  options: { maxit?: number; tol?: number } = {},
): BoxResult {
  const n = x0.length, maxit = options.maxit ?? 200, tol = options.tol ?? 1e-15;
  const clamp = (v: number, i: number) => Math.min(upper[i], Math.max(lower[i], v));
  let x = x0.map(clamp);
  let cur = fg(x);
  if (!Number.isFinite(cur.f)) return { x, f: cur.f, iterations: 0, converged: false, message: 'the objective is not finite at the start' };
  let iter = 0;
  for (; iter < maxit; iter++) {
    const g = Array.from(cur.g);
    let pgNorm = 0;
    for (let i = 0; i < n; i++) pgNorm = Math.max(pgNorm, Math.abs(x[i] - clamp(x[i] - g[i], i)));
    if (pgNorm === 0) return { x, f: cur.f, iterations: iter, converged: true, message: 'projected gradient is zero' };
    const eps = Math.min(1e-3, pgNorm);
    const active = x.map((v, i) => (v - lower[i] <= eps && g[i] > 0) || (upper[i] - v <= eps && g[i] < 0));
    const free = [...Array(n).keys()].filter((i) => !active[i]);
    // 2. Hessian on the free coordinates (and its diagonal on the active ones).
    const H = fdHessian(fg, x, g);
    const d = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) if (active[i]) d[i] = -g[i] / (H[i][i] > 0 ? H[i][i] : 1);
    let dec = 0;
    if (free.length) {
      const Hf = free.map((i) => free.map((j) => H[i][j]));
      const gf = free.map((i) => g[i]);
      const df = newtonStep(Hf, gf);
      free.forEach((i, a) => { d[i] = df[a]; });
      dec = -gf.reduce((s, v, a) => s + v * df[a], 0);
    }
    const onBounds = x.every((v, i) => !active[i] || v === lower[i] || v === upper[i]);
    if (dec < tol * Math.max(1, Math.abs(cur.f)) && onBounds) {
      return { x, f: cur.f, iterations: iter, converged: true, message: 'Newton decrement below tolerance' };
    }
    // 3. Armijo search along the projection arc.
    let alpha = 1, accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      const xn = x.map((v, i) => clamp(v + alpha * d[i], i));
      let pred = 0;
      for (let i = 0; i < n; i++) pred += active[i] ? g[i] * (x[i] - xn[i]) : -alpha * g[i] * d[i];
      const next = fg(xn);
      if (Number.isFinite(next.f) && cur.f - next.f >= 1e-4 * pred && next.f <= cur.f) {
        const change = xn.reduce((s, v, i) => Math.max(s, Math.abs(v - x[i])), 0);
        const fOld = cur.f;
        x = xn;
        cur = next;
        accepted = true;
        if (change === 0 || (fOld - next.f <= tol * Math.max(1, Math.abs(fOld)) && dec < 1e-10 * Math.max(1, Math.abs(fOld)))) {
          return { x, f: cur.f, iterations: iter + 1, converged: true, message: 'no further decrease' };
        }
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) return { x, f: cur.f, iterations: iter, converged: dec < 1e-8 * Math.max(1, Math.abs(cur.f)), message: 'line search found no decrease' };
  }
  return { x, f: cur.f, iterations: iter, converged: false, message: `no convergence in ${maxit} iterations` };
}

/** Hessian by central differences of the gradient, falling back to one side where f is undefined. */
function fdHessian(fg: (x: readonly number[]) => { f: number; g: ArrayLike<number> }, x: number[], g0: readonly number[]): Matrix {
  const n = x.length;
  const H: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const y = x.slice();
  for (let i = 0; i < n; i++) {
    const h = 1e-6 * Math.max(Math.abs(x[i]), 1e-2);
    y[i] = x[i] + h;
    const a = fg(y);
    y[i] = x[i] - h;
    const b = fg(y);
    y[i] = x[i];
    const okA = Number.isFinite(a.f), okB = Number.isFinite(b.f);
    for (let j = 0; j < n; j++) {
      H[i][j] = okA && okB ? (a.g[j] - b.g[j]) / (2 * h) : okA ? (a.g[j] - g0[j]) / h : okB ? (g0[j] - b.g[j]) / h : 0;
    }
  }
  return symmetrizeInPlace(H);
}

/** −(H + λI)⁻¹ g with the smallest λ ∈ {0, 10⁻⁸·s, 10⁻⁷·s, …} (s the largest |H_ii|) that makes H + λI positive definite. */
function newtonStep(H: Matrix, g: readonly number[]): number[] {
  const scale = Math.max(1e-12, ...H.map((r, i) => Math.abs(r[i])));
  for (let lambda = 0, k = -8; k <= 12; k++) {
    try {
      const A = H.map((r, i) => r.map((v, j) => (i === j ? v + lambda : v)));
      const d = choleskySolve(A, g).map((v) => -v);
      if (d.every(Number.isFinite)) return d;
    } catch {
      // not positive definite: shift more
    }
    lambda = scale * 10 ** k;
  }
  return g.map((v) => -v / scale);
}
