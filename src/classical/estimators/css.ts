/**
 * Conditional sum of squares (CSS) estimation of regression with (S)ARMA errors, as R's
 * `arima(method = "CSS")` (Box, Jenkins, Reinsel & Ljung 2015 §7.1.2): residuals of the ARMA
 * recursion conditional on zero pre-sample innovations, minimised jointly over regression and
 * ARMA coefficients without constraints. Used on its own, for start values of exact ML, and for
 * auto-ARIMA's approximate search.
 */
import { lbfgs } from '../../core/optimize.js';
import { ConvergenceError, DataError } from '../../core/errors.js';
import { scratch } from '../../core/scratch.js';
import { qrPivoted, qrQtVec, qrR, invertUpper, invertSPD, crossprod } from '../../core/linalg.js';
import { LOG2PI } from '../../core/distributions.js';
import { splitArma, polynomials, type Layout } from './layout.js';

/** Lags k (1-based) with c_k ≠ 0 and their coefficients, ascending. */
function nonZeroLags(c: readonly number[]): [Int32Array, Float64Array] {
  const lags: number[] = [], vals: number[] = [];
  c.forEach((v, i) => { if (v !== 0) { lags.push(i + 1); vals.push(v); } });
  return [Int32Array.from(lags), Float64Array.from(vals)];
}

/** Lags i + j·s (i ≤ p, j ≤ P, not both 0) that a multiplicative polynomial can occupy. */
function structuralLags(p: number, P: number, s: number): Int32Array {
  const set = new Set<number>();
  for (let i = 0; i <= p; i++) for (let j = 0; j <= P; j++) if (i + j * s > 0) set.add(i + j * s);
  return Int32Array.from([...set].sort((a, b) => a - b));
}

/**
 * Conditional residuals of the ARMA recursion on (differenced, regression-corrected) w:
 * e_t = w_t − Σ φ_i w_{t−i} − Σ θ_j e_{t−j} for t ≥ p + P·s, earlier e_t = 0 (R's ARIMA_CSS).
 * ν counts the finite residuals. Missing values propagate exactly as in R's C loop, which runs
 * over every lag of the expanded polynomials, zero coefficients included (0·NaN = NaN):
 * 1. e_t is missing when any of w_t, w_{t−1}, …, w_{t−p−P·s} is;
 * 2. and when any of e_{t−1}, …, e_{t−min(t−p−P·s, q+Q·s)} is — so with an MA part a gap leaves
 *    every later residual missing (CSS is only defined on the data before the first gap).
 * The arithmetic then runs over the non-zero lags only (seasonal polynomials are mostly zeros).
 */
export function cssResiduals(w: Float64Array, phi: readonly number[], theta: readonly number[]): { ssr: number; nu: number } {
  const pp = phi.length, qq = theta.length;
  const [pl, pv] = nonZeroLags(phi), [ql, qv] = nonZeroLags(theta);
  const e = scratch('css.e', w.length);
  let ssr = 0, nu = 0;
  // Last index at or before t with a missing w, and before t with a missing residual.
  let lastW = -Infinity, lastE = -Infinity;
  for (let t = 0; t < pp && t < w.length; t++) if (Number.isNaN(w[t])) lastW = t;
  for (let t = pp; t < w.length; t++) {
    if (Number.isNaN(w[t])) lastW = t;
    if (lastW >= t - pp || (qq > 0 && lastE >= t - Math.min(t - pp, qq))) {
      e[t] = NaN; // steps 1–2
      lastE = t;
      continue;
    }
    let v = w[t];
    for (let i = 0; i < pl.length; i++) v -= pv[i] * w[t - pl[i]];
    for (let j = 0; j < ql.length && ql[j] <= t; j++) v -= qv[j] * e[t - ql[j]];
    e[t] = v;
    if (Number.isNaN(v)) { lastE = t; continue; }
    nu++;
    ssr += v * v;
  }
  return { ssr, nu };
}

/**
 * Conditional sum of squares fit as R's `arima(method = "CSS")`: regression coefficients and
 * ARMA coefficients jointly, unconstrained (no stationarity transform), started at the OLS
 * regression on the differenced data and zero ARMA coefficients. Returns the raw coefficients,
 * σ²_CSS = SSR / (n − d − D·s − p − P·s) and R's CSS log-likelihood over n_used = n − d − D·s
 * (here the non-missing differenced values; with gaps the caller counts R's n_used = #observed − d − D·s).
 */
export function fitCss(wData: Float64Array[], L: Layout, ftol = 1e-12) {
  const nArma = L.p + L.q + L.P + L.Q;
  const regs = wData.slice(1);
  const nb = regs.length;
  const beta0 = olsIgnoringNaN(wData[0], regs);
  // Scale the regression coordinates by their OLS standard errors (R: parscale = 10·se).
  const scale = olsScales(wData[0], regs, beta0);
  const w = new Float64Array(wData[0].length);
  const objective0 = (x: readonly number[]) => { const r = resid(x); return 0.5 * Math.log(r.ssr / r.nu); };
  const resid = (x: readonly number[]) => {
    for (let t = 0; t < w.length; t++) {
      let v = wData[0][t];
      for (let j = 0; j < nb; j++) v -= (beta0[j] + scale[j] * x[nArma + j]) * regs[j][t];
      w[t] = v;
    }
    const { phi, theta } = polynomials(L, x.slice(0, nArma));
    return cssResiduals(w, phi, theta);
  };
  const x0 = new Array<number>(nArma + nb).fill(0);
  const r0 = resid(x0);
  if (r0.nu > 0 && r0.ssr === 0) {
    throw new DataError('the model fits y exactly at its start (every residual is 0): the series is deterministic under this model (an exact trend or recursion), so its likelihood is unbounded; model the deterministic part directly or use a model with fewer terms', 'y');
  }
  if (!Number.isFinite(objective0(x0))) {
    throw new ConvergenceError('conditional sum of squares is undefined here (missing values leave no complete stretch for the recursion); use method ml', 'method');
  }
  // Quasi-Newton from zero ARMA coefficients with at most 100 iterations, like R's BFGS (optim's
  // maxit = 100): which CSS minimum is found matters to auto-ARIMA's search path, so the search
  // mirrors R's rather than a different method's.
  const objective = (x: readonly number[]) => {
    const { ssr, nu } = resid(x);
    return 0.5 * Math.log(ssr / nu);
  };
  // Exact gradient by the adjoint recursion when the data are complete (one backward pass).
  const gradient = wData[0].some(Number.isNaN) ? undefined : (x: readonly number[]) => cssGradient(wData, L, beta0, scale, x);
  const opt = nArma + nb > 0 ? lbfgs(objective, x0, { gtol: 1e-6, ftol, maxIter: 100, gradient }) : { x: x0, converged: true };
  const { ssr, nu } = resid(opt.x);
  const sigma2 = ssr / nu;
  const nUsed = wData[0].filter((v) => !Number.isNaN(v)).length;
  return {
    coef: opt.x.slice(0, nArma),
    beta: beta0.map((b, j) => b + scale[j] * opt.x[nArma + j]),
    sigma2,
    nUsed,
    llf: -0.5 * nUsed * (LOG2PI + 1 + Math.log(sigma2)),
    converged: opt.converged,
  };
}

/**
 * Gradient of ½·log(SSR/ν) for {@link fitCss}'s coordinates [ar, ma, sar, sma, scaled β], by the
 * adjoint of the residual recursion: λ_t = 2e_t − Σ_j θ_j λ_{t+j} backwards, then
 * ∂SSR/∂φ_i = −Σ λ_t w_{t−i}, ∂SSR/∂θ_j = −Σ λ_t e_{t−j}, and the chain rule through the
 * multiplicative polynomials φ(L)Φ(L^s), θ(L)Θ(L^s) and the regression w = y − Xβ.
 */
export function cssGradient(wData: Float64Array[], L: Layout, beta0: readonly number[], scale: readonly number[], x: readonly number[]): number[] {
  const nArma = L.p + L.q + L.P + L.Q;
  const regs = wData.slice(1), nb = regs.length;
  const n = wData[0].length;
  const w = scratch('cssGradient.w', n);
  for (let t = 0; t < n; t++) {
    let v = wData[0][t];
    for (let j = 0; j < nb; j++) v -= (beta0[j] + scale[j] * x[nArma + j]) * regs[j][t];
    w[t] = v;
  }
  const { ar, ma, sar, sma } = splitArma(L, x.slice(0, nArma));
  const { phi, theta } = polynomials(L, x.slice(0, nArma));
  const pp = phi.length, qq = theta.length;
  const e = scratch('cssGradient.e', n);
  let S = 0;
  const pLags = structuralLags(L.p, L.P, L.s), qLags = structuralLags(L.q, L.Q, L.s);
  for (let t = pp; t < n; t++) {
    let v = w[t];
    for (const k of pLags) v -= phi[k - 1] * w[t - k];
    for (const k of qLags) { if (k > t) break; v -= theta[k - 1] * e[t - k]; }
    e[t] = v;
    S += v * v;
  }
  const lam = scratch('cssGradient.lam', n);
  for (let t = n - 1; t >= pp; t--) {
    let v = 2 * e[t];
    for (const k of qLags) { if (t + k >= n) break; v -= theta[k - 1] * lam[t + k]; }
    lam[t] = v;
  }
  // Only the structurally non-zero coefficients have non-zero derivatives down the chain.
  const dPhi = new Float64Array(pp), dTheta = new Float64Array(qq);
  for (let t = pp; t < n; t++) {
    const l = lam[t];
    if (l === 0) continue;
    for (const k of pLags) dPhi[k - 1] -= l * w[t - k];
    for (const k of qLags) { if (k > t) break; dTheta[k - 1] -= l * e[t - k]; }
  }
  const s = L.s;
  // Factors: A = 1 − Σ ar_i L^i, SA = 1 − Σ sar_j L^{js}; φ_k = −(A·SA)_k.
  const A = [1, ...ar.map((v) => -v)];
  const SA = new Array<number>(L.P * s + 1).fill(0); SA[0] = 1;
  sar.forEach((v, j) => { SA[(j + 1) * s] = -v; });
  const B = [1, ...ma];
  const SB = new Array<number>(L.Q * s + 1).fill(0); SB[0] = 1;
  sma.forEach((v, j) => { SB[(j + 1) * s] = v; });
  const g = new Array<number>(nArma + nb).fill(0);
  let o = 0;
  for (let i = 1; i <= L.p; i++, o++) { let v = 0; for (let k = i; k <= pp; k++) v += dPhi[k - 1] * (SA[k - i] ?? 0); g[o] = v; }
  for (let i = 1; i <= L.q; i++, o++) { let v = 0; for (let k = i; k <= qq; k++) v += dTheta[k - 1] * (SB[k - i] ?? 0); g[o] = v; }
  for (let j = 1; j <= L.P; j++, o++) { let v = 0; for (let k = j * s; k <= pp; k++) v += dPhi[k - 1] * (A[k - j * s] ?? 0); g[o] = v; }
  for (let j = 1; j <= L.Q; j++, o++) { let v = 0; for (let k = j * s; k <= qq; k++) v += dTheta[k - 1] * (B[k - j * s] ?? 0); g[o] = v; }
  if (nb > 0) {
    // ∂SSR/∂w_u = λ_u − Σ_i φ_i λ_{u+i}; w depends on β through −x_{b,u}·scale_b.
    for (let u = 0; u < n; u++) {
      let dw = u >= pp ? lam[u] : 0;
      for (const k of pLags) { if (u + k >= n) break; if (u + k >= pp) dw -= phi[k - 1] * lam[u + k]; }
      if (dw === 0) continue;
      for (let b = 0; b < nb; b++) g[nArma + b] -= dw * regs[b][u] * scale[b];
    }
  }
  return g.map((v) => v / (2 * S));
}

export function olsIgnoringNaN(y: Float64Array, X: Float64Array[]): number[] {
  if (!X.length) return [];
  const rows: number[][] = [], yy: number[] = [];
  for (let t = 0; t < y.length; t++) {
    if (Number.isNaN(y[t])) continue;
    rows.push(X.map((c) => c[t]));
    yy.push(y[t]);
  }
  const qr = qrPivoted(rows);
  if (qr.rank < X.length) return new Array<number>(X.length).fill(0);
  const qty = qrQtVec(qr, yy);
  const rinv = invertUpper(qrR(qr));
  const b = new Array<number>(X.length);
  for (let i = 0; i < X.length; i++) {
    let s = 0;
    for (let j = i; j < X.length; j++) s += rinv[i][j] * qty[j];
    b[qr.perm[i]] = s;
  }
  return b;
}

/** Standard errors of the OLS coefficients (floored, for scaling optimiser coordinates). */
export function olsScales(y: Float64Array, X: Float64Array[], beta: readonly number[]): number[] {
  if (!X.length) return [];
  const rows: number[][] = [];
  let ssr = 0, n = 0;
  for (let t = 0; t < y.length; t++) {
    if (Number.isNaN(y[t])) continue;
    const row = X.map((c) => c[t]);
    rows.push(row);
    const e = y[t] - row.reduce((acc, v, j) => acc + v * beta[j], 0);
    ssr += e * e;
    n++;
  }
  const s2 = ssr / Math.max(1, n - X.length);
  // The floors are in the coefficient's own units (y's RMS over the column's RMS), not absolute:
  // an absolute floor of 1e-8 makes the coordinate of a series of size 1e-20 useless (CSS then
  // stops at zero coefficients). For series of ordinary size (RMS about 1) the floors are unchanged.
  let yy = 0;
  for (let t = 0; t < y.length; t++) if (!Number.isNaN(y[t])) yy += y[t] * y[t];
  const yRms = n ? Math.sqrt(yy / n) : 1;
  const unit = X.map((_, j) => {
    let xx = 0;
    for (const row of rows) xx += row[j] * row[j];
    const u = xx > 0 && yRms > 0 ? yRms / Math.sqrt(xx / n) : 1;
    return Number.isFinite(u) && u > 0 && (u < 1e-6 || u > 1e6) ? u : 1;
  });
  try {
    const inv = invertSPD(crossprod(rows));
    return inv.map((r, i) => Math.max(Math.sqrt(Math.max(0, s2 * r[i])), 1e-8 * Math.max(unit[i], Math.abs(beta[i]))));
  } catch {
    return beta.map((b, i) => Math.max(unit[i], Math.abs(b)));
  }
}

