/**
 * Kalman filters for (S)ARIMA models with regression effects.
 *
 * One likelihood, three forms:
 * 1. {@link armaCrossProducts} — the optimiser's inner loop on differenced, complete data:
 *    Chandrasekhar recursions, O(r) a step, accumulating only the likelihood's sufficient
 *    statistics.
 * 2. {@link armaFilter} — the stationary ARMA(p, q) in Harvey's state-space form (Harvey 1989
 *    §3.3; R's `arima`): state dimension r = max(p, q + 1), Z = e₁, T = [φ | I; 0],
 *    R = (1, θ₁, …, θ_{r−1})'. Because y_t is the first state, exactly observed, the filtered
 *    covariance has an empty first row and the covariance recursion collapses to
 *    P_{t+1}[i][j] = P_t[i+1][j+1] − P_t[i+1][0] P_t[0][j+1] / F_t + R_i R_j, O(r²) a step, and
 *    to O(r) once P has converged. Missing observations skip the update. It keeps the
 *    innovations (residuals, scores) and the final state (forecasts).
 * 3. {@link diffuseFilter} — the general path, for differenced models whose data have gaps: the
 *    full state [u_{t−1}, …, u_{t−nd}, ARMA state] with the exact diffuse initialisation of the
 *    nd = d + D·s differencing states (Koopman 1997; Durbin & Koopman 2012 §5.2, univariate form).
 *    For complete data its likelihood equals the ARMA likelihood of the differenced series, i.e.
 *    R's `arima(method = "ML")` convention.
 *
 * Near the stationarity boundary the stationary covariance P₀ of the ARMA block is huge and nearly
 * singular; its autocovariances are solved with refinement in double-double
 * ({@link armaAutocovarianceDD}) so that the filters stay exact there, and no filter skips an
 * observation: a prediction variance below {@link F_FLOOR} (F_t ≥ 1 exactly) rejects the
 * evaluation. {@link kappaFilter} is R's approximate diffuse filter, used only to follow R's
 * optimiser path.
 *
 * All run in units of σ² (the innovation variance is concentrated out, as in R) and filter
 * several series at once with one gain sequence: y and every regressor column. The gains do not
 * depend on the data, so the GLS regression coefficients given the ARMA parameters follow from
 * the standardised innovations by least squares — the exact profile likelihood in β.
 */
import { scratch } from '../../core/scratch.js';
import { Dot2 } from './double-double.js';

/** Output of a filter run: innovations per series at the used time points, and their variances. */
export interface FilterResult {
  /** v[s][i]: innovation of series s at the i-th used observation. */
  v: Float64Array[];
  /** F_i in units of σ². */
  F: Float64Array;
  /** Index t (in the filtered data) of each used observation. */
  index: Int32Array;
  /** Number of used (non-missing, non-diffuse) observations. */
  nUsed: number;
  /** Σ log F_i over the used observations. */
  sumLogF: number;
}

/** A filter result cut to the `used` observations (missing and diffuse steps leave the arrays short). */
function trimmed(v: Float64Array[], F: Float64Array, index: Int32Array, used: number, sumLogF: number): FilterResult {
  return { v: v.map((x) => x.subarray(0, used)), F: F.subarray(0, used), index: index.subarray(0, used), nUsed: used, sumLogF };
}

/**
 * Floor on the prediction variance F_t (σ² units) of every observation the likelihood uses. The
 * ARMA innovation enters each observation with weight Z·R = 1 and is independent of the past, so
 * F_t ≥ 1 exactly (Durbin & Koopman 2012 §4.3: F_t = Z P_t Z' with P_t ⪰ R R'). A computed F_t
 * below the floor means the covariance recursion has lost its accuracy (a state covariance many
 * orders of magnitude above 1 at an AR root on the unit circle): the evaluation is rejected rather
 * than the observation skipped — skipping it shrinks n_used and lets the concentrated likelihood
 * of the remaining observations climb without bound (117 → 1 observations: log-likelihood −3.03).
 */
export const F_FLOOR = 0.99;

/** The RangeError of a prediction variance below {@link F_FLOOR} at time t. */
function brokenVariance(f: number, t: number): RangeError {
  return new RangeError(`Kalman filter: prediction variance ${f} < 1 (σ² units) at t = ${t}; the state covariance is numerically singular (an AR root on the unit circle)`);
}

/** ψ weights ψ₀ … ψ_n of ARMA(φ, θ): ψ_j = θ_j + Σ φ_i ψ_{j−i}. */
export function psiWeights(phi: readonly number[], theta: readonly number[], n: number): number[] {
  const psi = new Array<number>(n + 1).fill(0);
  psi[0] = 1;
  for (let j = 1; j <= n; j++) {
    let v = j <= theta.length ? theta[j - 1] : 0;
    for (let i = 1; i <= Math.min(j, phi.length); i++) v += phi[i - 1] * psi[j - i];
    psi[j] = v;
  }
  return psi;
}

/**
 * Autocovariances γ(0..maxLag) of a stationary ARMA(φ, θ) with unit innovation variance
 * (Brockwell & Davis 1991 §3.3, method 2: a (p+1)-dimensional linear system, then recursion),
 * accurate up to the stationarity boundary. See {@link armaAutocovarianceDD}.
 */
export function armaAutocovariance(phi: readonly number[], theta: readonly number[], maxLag: number): number[] {
  return Array.from(armaAutocovarianceDD(phi, theta, maxLag, 0).g.subarray(0, maxLag + 1));
}

/** γ(0..maxLag) and ψ₀…ψ_nPsi as double-double pairs (high part, low part). */
interface AcovDD { g: Float64Array; gLo: Float64Array; psi: Float64Array; psiLo: Float64Array }

/** Largest number of refinement sweeps of the autocovariance solve (each halves the error at worst). */
const MAX_REFINE = 60;
/** Smallest LU pivot relative to max|A_ij|, per dimension, for a matrix regular to working precision (2⁻⁵⁰). */
const PIVOT_EPS = 2 ** -50;
/** 2⁻⁵⁶, below half an ulp relative to any double in [1, 2). */
const HALF_ULP = 2 ** -56;

/**
 * The autocovariances of {@link armaAutocovariance} and the ψ weights, in double-double:
 *
 * 1. ψ_j = θ_j + Σ φ_i ψ_{j−i} (j ≤ max(q, nPsi)) and rhs_k = Σ_{j=k}^{q} θ_j ψ_{j−k} (θ₀ = 1),
 *    as compensated dot products ({@link Dot2}).
 * 2. The system A γ = rhs, A_{kj} = δ_{kj} − Σ_{i: |k−i| = j} φ_i (k, j = 0..p): LU with partial
 *    pivoting in double, then iterative refinement γ ← γ + A⁻¹(rhs − A γ) with the residual in
 *    double-double from the exact φ (Wilkinson 1963; Higham 2002, "Accuracy and Stability of
 *    Numerical Algorithms" §12.1). Each sweep multiplies the error by about κ(A)·u (u = 2⁻⁵³),
 *    so γ reaches double-double accuracy whenever κ(A)·u < 1/2.
 * 3. γ(k) = rhs_k + Σ φ_i γ(k−i) for p < k ≤ maxLag, in double-double.
 *
 * Why step 2 refines: κ(A) grows like 1/dist(AR roots, unit circle), and where an AR root near
 * the circle is (nearly) cancelled by an MA root, γ stays moderate while κ(A) does not. A plain
 * double solve then returns γ with an absolute error ≈ u·κ(A)·|γ|, which lands in the O(1) part
 * of a state covariance that is otherwise a huge near-rank-one matrix, and the filter's
 * prediction variances F_t come out below 1 or negative (ML searches drift there along the flat
 * common factor: on AirPassengers with 14 gaps, ARIMA(2,1,1)(0,1,0)12 at φ = (4.4e−6, 0.9999956),
 * θ = −1 made 116 of 117 F_t ≤ 0).
 * Throws a RangeError when the sweeps stop contracting before γ is accurate to double precision:
 * the AR polynomial is numerically on the unit circle (κ(A)·u ≳ 1).
 */
export function armaAutocovarianceDD(phi: readonly number[], theta: readonly number[], maxLag: number, nPsi: number): AcovDD {
  const p = phi.length, q = theta.length;
  const acc = new Dot2();
  const th = (j: number) => (j === 0 ? 1 : theta[j - 1]);
  // Non-zero AR lags (seasonal polynomials are mostly zeros).
  const lags: number[] = [];
  for (let i = 1; i <= p; i++) if (phi[i - 1] !== 0) lags.push(i);
  // 1. ψ weights and right-hand sides.
  const np = Math.max(q, nPsi);
  const psi = new Float64Array(np + 1), psiLo = new Float64Array(np + 1);
  psi[0] = 1;
  for (let j = 1; j <= np; j++) {
    acc.reset(j <= q ? theta[j - 1] : 0);
    for (const i of lags) if (i <= j) acc.addProdDD(phi[i - 1], psi[j - i], psiLo[j - i]);
    acc.store(psi, psiLo, j);
  }
  const L = Math.max(maxLag, p) + 1;
  const rhs = new Float64Array(L), rhsLo = new Float64Array(L);
  for (let k = 0; k <= q && k < L; k++) {
    acc.reset();
    for (let j = k; j <= q; j++) acc.addProdDD(th(j), psi[j - k], psiLo[j - k]);
    acc.store(rhs, rhsLo, k);
  }
  const g = new Float64Array(L), gLo = new Float64Array(L);
  if (p === 0) {
    g.set(rhs);
    gLo.set(rhsLo);
    return { g, gLo, psi, psiLo };
  }
  // 2. LU of A (m = p + 1) with partial pivoting, in place, then refinement.
  const m = p + 1;
  const A = scratch('acov.A', m * m);
  const perm = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    perm[k] = k;
    A[k * m + k] += 1;
    for (const i of lags) A[k * m + Math.abs(k - i)] -= phi[i - 1];
  }
  let aMax = 0;
  for (let i = 0; i < m * m; i++) aMax = Math.max(aMax, Math.abs(A[i]));
  // A pivot at the rounding level of the elimination: A is singular to working precision (an AR
  // root within ~1e-15 of the unit circle). Refinement cannot tell a singular but consistent
  // system (an exactly cancelled unit root) from a regular one and would converge to an
  // arbitrary solution, so such points are rejected as on the boundary.
  const tiny = m * PIVOT_EPS * aMax;
  for (let c = 0; c < m; c++) {
    let piv = c, best = Math.abs(A[c * m + c]);
    for (let r = c + 1; r < m; r++) { const v = Math.abs(A[r * m + c]); if (v > best) { best = v; piv = r; } }
    if (!(best > tiny && Number.isFinite(best))) throw new RangeError('armaAutocovariance: AR polynomial numerically on the unit circle');
    if (piv !== c) {
      for (let j = 0; j < m; j++) { const t = A[c * m + j]; A[c * m + j] = A[piv * m + j]; A[piv * m + j] = t; }
      const t = perm[c]; perm[c] = perm[piv]; perm[piv] = t;
    }
    const d = A[c * m + c];
    for (let r = c + 1; r < m; r++) {
      const f = (A[r * m + c] /= d);
      if (f === 0) continue;
      for (let j = c + 1; j < m; j++) A[r * m + j] -= f * A[c * m + j];
    }
  }
  const z = scratch('acov.z', m);
  const solve = (b: Float64Array) => { // z ← A⁻¹ b from the LU factors
    for (let k = 0; k < m; k++) {
      let v = b[perm[k]];
      for (let j = 0; j < k; j++) v -= A[k * m + j] * z[j];
      z[k] = v;
    }
    for (let k = m - 1; k >= 0; k--) {
      let v = z[k];
      for (let j = k + 1; j < m; j++) v -= A[k * m + j] * z[j];
      z[k] = v / A[k * m + k];
    }
    return z;
  };
  const res = scratch('acov.res', m);
  for (let k = 0; k < m; k++) res[k] = rhs[k];
  g.set(solve(res).subarray(0, m));
  let prev = Infinity;
  for (let sweep = 0; ; sweep++) {
    // Residual rhs − A γ = rhs_k − γ_k + Σ φ_i γ_{|k−i|}, in double-double.
    for (let k = 0; k < m; k++) {
      acc.reset(rhs[k], rhsLo[k]).add(-g[k]);
      acc.lo -= gLo[k];
      for (const i of lags) acc.addProdDD(phi[i - 1], g[Math.abs(k - i)], gLo[Math.abs(k - i)]);
      res[k] = acc.value();
    }
    const dz = solve(res);
    let dn = 0, xn = 0;
    for (let k = 0; k < m; k++) {
      acc.reset(g[k], gLo[k]).add(dz[k]).store(g, gLo, k);
      dn = Math.max(dn, Math.abs(dz[k]));
      xn = Math.max(xn, Math.abs(g[k]));
    }
    if (!Number.isFinite(dn) || !Number.isFinite(xn)) throw new RangeError('armaAutocovariance: AR polynomial on the unit circle');
    if (dn <= HALF_ULP * xn) break; // below half an ulp: γ is exact to double precision
    if (dn > 0.5 * prev || sweep >= MAX_REFINE) {
      // Not contracting (κ(A)·u ≳ 1/2). Accept only a γ already accurate to a few ulps.
      if (dn <= 1e-15 * xn) break;
      throw new RangeError('armaAutocovariance: AR polynomial numerically on the unit circle');
    }
    prev = dn;
  }
  // 3. Higher lags by the recursion.
  for (let k = m; k < L; k++) {
    acc.reset(rhs[k], rhsLo[k]);
    for (const i of lags) acc.addProdDD(phi[i - 1], g[k - i], gLo[k - i]);
    acc.store(g, gLo, k);
  }
  return { g, gLo, psi, psiLo };
}

/**
 * Unconditional state covariance P₀ (σ² = 1) of Harvey's ARMA form, solving P = TPT' + RR' in
 * O(r²): the first row from autocovariances and ψ weights,
 * P[0][k] = Σ_{m=k}^{r−1} φ_{m+1} γ(m−k+1) + R_m ψ_{m−k} (compensated, from the double-double
 * γ and ψ of {@link armaAutocovarianceDD}), the rest by the diagonal recursion
 * P[i][j] = P[i+1][j+1] + φ_{i+1}φ_{j+1}P[0][0] + φ_{i+1}P[0][j+1] + φ_{j+1}P[i+1][0] + R_iR_j.
 * Returns a flat row-major r×r array.
 */
export function armaInitialCovariance(phi: readonly number[], theta: readonly number[], r: number, out?: Float64Array): Float64Array {
  const ph = (i: number) => (i >= 1 && i <= phi.length ? phi[i - 1] : 0);
  const Rv = (i: number) => (i === 0 ? 1 : i <= theta.length ? theta[i - 1] : 0);
  const { g, gLo, psi, psiLo } = armaAutocovarianceDD(phi, theta, r, r);
  const P = out ?? new Float64Array(r * r);
  P[0] = g[0];
  const acc = new Dot2();
  for (let k = 1; k < r; k++) {
    acc.reset();
    for (let m = k; m < r; m++) {
      acc.addProdDD(ph(m + 1), g[m - k + 1], gLo[m - k + 1]);
      acc.addProdDD(Rv(m), psi[m - k], psiLo[m - k]);
    }
    const s = acc.value();
    P[k] = s;
    P[k * r] = s;
  }
  const at = (i: number, j: number) => (i >= r || j >= r ? 0 : P[i * r + j]);
  for (let i = r - 1; i >= 1; i--) {
    for (let j = r - 1; j >= i; j--) {
      const v = at(i + 1, j + 1) + ph(i + 1) * ph(j + 1) * P[0] + ph(i + 1) * at(0, j + 1) + ph(j + 1) * at(i + 1, 0) + Rv(i) * Rv(j);
      P[i * r + j] = v;
      P[j * r + i] = v;
    }
  }
  return P;
}

/** Predicted state of the last filter step, for forecasting. */
export interface ArmaState {
  /** a_{n+1|n} per series (flat, r per series). */
  a: Float64Array;
  /** P_{n+1|n} (r×r, row-major, σ² units). */
  P: Float64Array;
  r: number;
}

/**
 * Filters ys[0] (may contain NaN = missing) and regressors ys[1..] (complete) through the
 * stationary ARMA(φ, θ) in Harvey's form. See the module comment for the recursions.
 */
export function armaFilter(
  phi: readonly number[],
  theta: readonly number[],
  ys: readonly Float64Array[],
  keepState = false,
): FilterResult & { state?: ArmaState } {
  return armaFilterRiccati(phi, theta, ys, keepState);
}

/** Sufficient statistics of the Gaussian likelihood: Σ v_a v_b / F_t over used steps, Σ log F_t. */
export interface CrossProducts {
  /** ns×ns row-major (upper triangle filled, symmetric): series 0 is y, then the regressors. */
  cross: Float64Array;
  nUsed: number;
  sumLogF: number;
}

/**
 * The likelihood's sufficient statistics without storing innovations (the optimiser's inner
 * loop). Complete data, time-invariant system: Chandrasekhar recursions (Morf, Sidhu & Kailath
 * 1974; Herbst 2015) propagate ΔP_t = P_{t+1} − P_t = W_t M_t W_t' instead of P_t. With the
 * stationary start P₁ = P₀, ΔP₁ = −K̄₁K̄₁'/F₁ has rank one, so each step is O(r):
 *   F_{t+1} = F_t + M_t (Z W_t)²,            K̄_{t+1} = K̄_t + T W_t M_t (Z W_t)   (K̄ = T P Z'),
 *   W_{t+1} = (T − K_{t+1} Z) W_t,           M_{t+1} = M_t + M_t² (Z W_t)² / F_t.
 * Data with gaps: the Riccati filter's output reduced to the same statistics.
 */
export function armaCrossProducts(phi: readonly number[], theta: readonly number[], ys: readonly Float64Array[]): CrossProducts {
  const ns = ys.length;
  const cross = new Float64Array(ns * ns);
  if (ys[0].some(Number.isNaN)) {
    const f = armaFilterRiccati(phi, theta, ys, false);
    for (let i = 0; i < f.nUsed; i++) {
      const w = 1 / f.F[i];
      for (let a = 0; a < ns; a++) for (let b = a; b < ns; b++) cross[a * ns + b] += f.v[a][i] * f.v[b][i] * w;
    }
    for (let a = 0; a < ns; a++) for (let b = 0; b < a; b++) cross[a * ns + b] = cross[b * ns + a];
    return { cross, nUsed: f.nUsed, sumLogF: f.sumLogF };
  }
  const p = phi.length, q = theta.length;
  const r = Math.max(p, q + 1);
  const n = ys[0].length;
  const ph = new Float64Array(r + 1);
  for (let i = 0; i < p; i++) ph[i + 1] = phi[i];
  const P0 = armaInitialCovariance(phi, theta, r, scratch('cross.P0', r * r));
  const Kbar = new Float64Array(r), W = new Float64Array(r), TW = new Float64Array(r);
  for (let i = 0; i < r; i++) Kbar[i] = ph[i + 1] * P0[0] + (i + 1 < r ? P0[i + 1] : 0);
  let f = P0[0];
  if (!(f >= F_FLOOR)) throw brokenVariance(f, 0);
  W.set(Kbar);
  let M = -1 / f;
  const a = scratch('cross.a', ns * r);
  const vt = new Float64Array(ns);
  // Σ log F_t through running products (one log per 32 steps; F_t ≥ 1 in σ² units cannot
  // overflow over 32 steps of a stationary model), then n·log F once steady.
  let sumLogF = 0, prodF = 1, inProd = 0, logSteady = 0;
  let steady = false;
  for (let t = 0; t < n; t++) {
    if (steady) sumLogF += logSteady;
    else {
      prodF *= f;
      if (++inProd === 32) { sumLogF += Math.log(prodF); prodF = 1; inProd = 0; }
    }
    const invF = 1 / f;
    for (let s = 0; s < ns; s++) {
      const o = s * r;
      const a0 = a[o];
      const v = ys[s][t] - a0;
      vt[s] = v;
      const g = v * invF;
      for (let i = 0; i < r - 1; i++) a[o + i] = ph[i + 1] * a0 + a[o + i + 1] + Kbar[i] * g;
      a[o + r - 1] = ph[r] * a0 + Kbar[r - 1] * g;
    }
    for (let s = 0; s < ns; s++) {
      const vs = vt[s] * invF;
      for (let b = s; b < ns; b++) cross[s * ns + b] += vs * vt[b];
    }
    if (steady) continue;
    const zw = W[0];
    const mzw = M * zw;
    const fNext = f + mzw * zw;
    if (!(fNext >= F_FLOOR)) throw brokenVariance(fNext, t + 1);
    for (let i = 0; i < r; i++) TW[i] = ph[i + 1] * W[0] + (i + 1 < r ? W[i + 1] : 0);
    for (let i = 0; i < r; i++) Kbar[i] += TW[i] * mzw;
    const invFNext = 1 / fNext;
    for (let i = 0; i < r; i++) W[i] = TW[i] - Kbar[i] * invFNext * zw;
    M += (mzw * mzw) / f;
    if (Math.abs(mzw * zw) < 1e-15 * fNext && Math.abs(M) * maxAbsArr(W) ** 2 < 1e-15 * fNext) {
      steady = true;
      logSteady = Math.log(fNext);
    }
    f = fNext;
  }
  sumLogF += Math.log(prodF);
  for (let s = 0; s < ns; s++) for (let b = 0; b < s; b++) cross[s * ns + b] = cross[b * ns + s];
  return { cross, nUsed: n, sumLogF };
}

function maxAbsArr(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) { const v = Math.abs(x[i]); if (v > m) m = v; }
  return m;
}

function armaFilterRiccati(
  phi: readonly number[],
  theta: readonly number[],
  ys: readonly Float64Array[],
  keepState: boolean,
): FilterResult & { state?: ArmaState } {
  const p = phi.length, q = theta.length;
  const r = Math.max(p, q + 1);
  const n = ys[0].length;
  const ns = ys.length;
  const ph = new Float64Array(r + 1); // ph[i] = φ_i, zero beyond p
  for (let i = 0; i < p; i++) ph[i + 1] = phi[i];
  const R = new Float64Array(r);
  R[0] = 1;
  for (let i = 1; i < r; i++) R[i] = i <= q ? theta[i - 1] : 0;
  const P = armaInitialCovariance(phi, theta, r);
  const a = new Float64Array(ns * r);
  const k = new Float64Array(r + 1);
  const v = ys.map(() => new Float64Array(n));
  const F = new Float64Array(n);
  const index = new Int32Array(n);
  const y0 = ys[0];
  let used = 0, sumLogF = 0;
  let steady = false;
  const tmp = new Float64Array(r * r);
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(y0[t])) {
      // No observation: a ← T a, P ← T P T' + R R' (full form, φ enters).
      for (let s = 0; s < ns; s++) {
        const o = s * r;
        const a0 = a[o];
        for (let i = 0; i < r; i++) a[o + i] = ph[i + 1] * a0 + (i + 1 < r ? a[o + i + 1] : 0);
      }
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < r; j++) {
          const pi1j1 = i + 1 < r && j + 1 < r ? P[(i + 1) * r + j + 1] : 0;
          const p0j1 = j + 1 < r ? P[j + 1] : 0;
          const pi10 = i + 1 < r ? P[(i + 1) * r] : 0;
          tmp[i * r + j] = ph[i + 1] * ph[j + 1] * P[0] + ph[i + 1] * p0j1 + ph[j + 1] * pi10 + pi1j1 + R[i] * R[j];
        }
      }
      P.set(tmp);
      steady = false;
      continue;
    }
    const f = P[0];
    if (!(f >= F_FLOOR)) throw brokenVariance(f, t);
    F[used] = f;
    index[used] = t;
    sumLogF += Math.log(f);
    for (let i = 0; i < r; i++) k[i] = P[i * r] / f;
    k[r] = 0;
    for (let s = 0; s < ns; s++) {
      const o = s * r;
      const ys_t = ys[s][t];
      const vt = ys_t - a[o];
      v[s][used] = vt;
      // a_{t+1,i} = φ_{i+1} y_t + a_{t,i+1} + k_{i+1} v_t  (filtered a_0 equals y_t).
      for (let i = 0; i < r; i++) {
        a[o + i] = ph[i + 1] * ys_t + (i + 1 < r ? a[o + i + 1] + k[i + 1] * vt : 0);
      }
    }
    used++;
    if (!steady) {
      let change = 0;
      for (let i = 0; i < r; i++) {
        for (let j = i; j < r; j++) {
          const nv = (i + 1 < r && j + 1 < r ? P[(i + 1) * r + j + 1] - k[i + 1] * k[j + 1] * f : 0) + R[i] * R[j];
          const d = Math.abs(nv - P[i * r + j]);
          if (d > change) change = d;
          P[i * r + j] = nv;
        }
      }
      for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) P[i * r + j] = P[j * r + i];
      if (change < 1e-13 * P[0]) steady = true;
    }
  }
  const result: FilterResult & { state?: ArmaState } = trimmed(v, F, index, used, sumLogF);
  if (keepState) result.state = { a: a.slice(), P: P.slice(), r };
  return result;
}

/** A univariate linear Gaussian state-space model with dense system matrices (σ² units). */
export interface StateSpace {
  /** Observation vector Z (m). */
  Z: Float64Array;
  /** Transition T (m×m, row-major). */
  T: Float64Array;
  /** Shock loading R (m); state noise R R' σ². */
  R: Float64Array;
  /** Number of leading diffuse states (their initial P∞ block is the identity). */
  nd: number;
  /** Initial P* (m×m) — zero on the diffuse block, P₀ of the ARMA block. */
  Pstar: Float64Array;
  m: number;
}

/**
 * State-space form of the SARIMA error process u_t (y_t = x_t'β + u_t): state
 * [u_{t−1}, …, u_{t−nd}, ARMA state], u_t = Σ δ_k u_{t−k} + w_t with δ from the differencing
 * polynomial and w_t the first ARMA state (statsmodels' SARIMAX layout without simple differencing).
 */
export function sarimaStateSpace(phi: readonly number[], theta: readonly number[], delta: readonly number[]): StateSpace {
  const p = phi.length, q = theta.length;
  const r = Math.max(p, q + 1);
  const nd = delta.length;
  const m = nd + r;
  const Z = new Float64Array(m);
  for (let k = 0; k < nd; k++) Z[k] = delta[k];
  Z[nd] = 1;
  const T = new Float64Array(m * m);
  if (nd > 0) {
    for (let j = 0; j < m; j++) T[j] = Z[j]; // u_t = Z x_t becomes the first state
    for (let i = 1; i < nd; i++) T[i * m + (i - 1)] = 1;
  }
  for (let i = 0; i < r; i++) {
    const row = (nd + i) * m;
    if (i < p) T[row + nd] = phi[i];
    if (i + 1 < r) T[row + nd + i + 1] = 1;
  }
  const R = new Float64Array(m);
  R[nd] = 1;
  for (let i = 1; i < r; i++) R[nd + i] = i <= q ? theta[i - 1] : 0;
  const P0 = armaInitialCovariance(phi, theta, r);
  const Pstar = new Float64Array(m * m);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pstar[(nd + i) * m + nd + j] = P0[i * r + j];
  return { Z, T, R, nd, Pstar, m };
}

/** Filtered state after the last observation, predicted one step ahead. */
export interface FullState {
  a: Float64Array[];
  P: Float64Array;
}

/**
 * Exact diffuse Kalman filter (univariate treatment, Koopman 1997) over ys[0] (NaN = missing)
 * and complete regressor series ys[1..]. Diffuse steps (F∞ > 0) contribute nothing and are not
 * counted in nUsed — R's `arima` convention, which for complete data is the likelihood of the
 * differenced series. (The exact diffuse likelihood of Durbin & Koopman adds −½ log F∞ per diffuse
 * step; the sum is 0 for complete data but not for gaps among the first d + D·s values.)
 *
 * 1. Diffuse step (F∞ > 1e-8): Koopman (1997) eq. 10, a += M∞ v / F∞,
 *    P* += M∞M∞' F* / F∞² − (M* M∞' + M∞ M*') / F∞, P∞ −= M∞M∞' / F∞.
 * 2. Regular step: a += M* v / F*, P* −= M* M*' / F*; every observed value past the diffuse steps is
 *    used, so nUsed = #observed − #diffuse steps whatever the parameters (a prediction variance
 *    below {@link F_FLOOR} throws instead).
 * 3. Prediction: a ← T a, P∞ ← T P∞ T', P* ← T P* T' + R R'.
 */
export function diffuseFilter(ss: StateSpace, ys: readonly Float64Array[], keepState = false): FilterResult & { state?: FullState } {
  const { Z, T, R, m } = ss;
  const n = ys[0].length, ns = ys.length;
  const a = ys.map(() => new Float64Array(m));
  // Covariances in preallocated buffers, swapped with their predictions every step.
  let Pinf = new Float64Array(m * m), Pst = ss.Pstar.slice();
  let PinfNext = new Float64Array(m * m), PstNext = new Float64Array(m * m);
  const tmp = new Float64Array(m * m), aNext = new Float64Array(m);
  for (let i = 0; i < ss.nd; i++) Pinf[i * m + i] = 1;
  let diffuse = ss.nd > 0;
  const v = ys.map(() => new Float64Array(n));
  const F = new Float64Array(n);
  const index = new Int32Array(n);
  let used = 0, sumLogF = 0;
  const Minf = new Float64Array(m), Mst = new Float64Array(m);
  const vs = new Float64Array(ns);
  const Ts = sparseRows(T, m);
  // Z is sparse too (the differencing lags and the first ARMA state).
  const zIdx: number[] = [], zVal: number[] = [];
  for (let i = 0; i < m; i++) if (Z[i] !== 0) { zIdx.push(i); zVal.push(Z[i]); }
  const nz = zIdx.length;
  const timesZ = (P: Float64Array, out: Float64Array) => {
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let k = 0; k < nz; k++) acc += P[i * m + zIdx[k]] * zVal[k];
      out[i] = acc;
    }
  };
  const zDot = (x: Float64Array) => {
    let acc = 0;
    for (let k = 0; k < nz; k++) acc += zVal[k] * x[zIdx[k]];
    return acc;
  };
  for (let t = 0; t < n; t++) {
    if (!Number.isNaN(ys[0][t])) {
      if (diffuse) timesZ(Pinf, Minf);
      timesZ(Pst, Mst);
      const Finf = diffuse ? zDot(Minf) : 0, Fst = zDot(Mst);
      for (let s = 0; s < ns; s++) vs[s] = ys[s][t] - zDot(a[s]);
      if (diffuse && Finf > 1e-8) {
        // 1. A diffuse step: it identifies a differencing state and adds nothing to the likelihood.
        for (let s = 0; s < ns; s++) for (let i = 0; i < m; i++) a[s][i] += (Minf[i] * vs[s]) / Finf;
        const c = Fst / (Finf * Finf);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j <= i; j++) {
            const dst = Minf[i] * Minf[j] * c - (Mst[i] * Minf[j] + Minf[i] * Mst[j]) / Finf;
            Pst[i * m + j] += dst;
            if (j !== i) Pst[j * m + i] += dst;
            const dinf = (Minf[i] * Minf[j]) / Finf;
            Pinf[i * m + j] -= dinf;
            if (j !== i) Pinf[j * m + i] -= dinf;
          }
        }
      } else {
        // 2. A regular step (Koopman 1997 eq. 8 with F∞ = 0): never skipped — see F_FLOOR.
        if (!(Fst >= F_FLOOR)) throw brokenVariance(Fst, t);
        F[used] = Fst;
        index[used] = t;
        for (let s = 0; s < ns; s++) {
          v[s][used] = vs[s];
          for (let i = 0; i < m; i++) a[s][i] += (Mst[i] * vs[s]) / Fst;
        }
        sumLogF += Math.log(Fst);
        used++;
        for (let i = 0; i < m; i++) {
          const mi = Mst[i] / Fst;
          for (let j = 0; j <= i; j++) {
            const d = mi * Mst[j];
            Pst[i * m + j] -= d;
            if (j !== i) Pst[j * m + i] -= d;
          }
        }
      }
    }
    // 3. Prediction.
    for (const ai of a) { sparseMatVec(Ts, ai, aNext); ai.set(aNext); }
    if (diffuse) {
      sparsePredictCov(Ts, Pinf, undefined, PinfNext, tmp);
      [Pinf, PinfNext] = [PinfNext, Pinf];
      let mx = 0;
      for (let i = 0; i < m * m; i++) mx = Math.max(mx, Math.abs(Pinf[i]));
      if (mx < 1e-10) diffuse = false;
    }
    sparsePredictCov(Ts, Pst, R, PstNext, tmp);
    [Pst, PstNext] = [PstNext, Pst];
  }
  const result: FilterResult & { state?: FullState } = trimmed(v, F, index, used, sumLogF);
  if (keepState) {
    if (diffuse) throw new RangeError('diffuseFilter: the diffuse states were never identified (too few observations)');
    result.state = { a, P: Pst };
  }
  return result;
}

/**
 * R's approximate diffuse filter (`stats:::ARIMA_Like`, R 4.2): the same state space started
 * from P₁ = P* + κ·P∞ (κ = 10⁶ in R's `arima`) and run as an ordinary Kalman filter, where an
 * observation enters the likelihood only when its prediction variance is below 10⁴ (σ² units).
 * It is not the exact likelihood — for a series whose level is ~√κ innovation s.d. (co2: 315 ppm
 * with σ ≈ 0.3) it differs from {@link diffuseFilter} in the third decimal — and serves only to
 * follow R's optimiser path where R's choices depend on it (arima.ts `rPathML`).
 */
export function kappaFilter(ss: StateSpace, ys: readonly Float64Array[], kappa = 1e6): FilterResult {
  const { T, R, m } = ss;
  const n = ys[0].length, ns = ys.length;
  const a = ys.map(() => new Float64Array(m));
  let P = ss.Pstar.slice(), Pnext = new Float64Array(m * m);
  const tmp = new Float64Array(m * m), aNext = new Float64Array(m), M = new Float64Array(m), vs = new Float64Array(ns);
  for (let i = 0; i < ss.nd; i++) P[i * m + i] += kappa;
  const v = ys.map(() => new Float64Array(n));
  const F = new Float64Array(n);
  const index = new Int32Array(n);
  let used = 0, sumLogF = 0;
  const Ts = sparseRows(T, m);
  const zIdx: number[] = [], zVal: number[] = [];
  for (let i = 0; i < m; i++) if (ss.Z[i] !== 0) { zIdx.push(i); zVal.push(ss.Z[i]); }
  for (let t = 0; t < n; t++) {
    if (!Number.isNaN(ys[0][t])) {
      let gain = 0;
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let k = 0; k < zIdx.length; k++) acc += P[i * m + zIdx[k]] * zVal[k];
        M[i] = acc;
      }
      for (let k = 0; k < zIdx.length; k++) gain += zVal[k] * M[zIdx[k]];
      for (let s = 0; s < ns; s++) {
        let za = 0;
        for (let k = 0; k < zIdx.length; k++) za += zVal[k] * a[s][zIdx[k]];
        vs[s] = ys[s][t] - za;
      }
      if (gain < 1e4) {
        F[used] = gain;
        index[used] = t;
        for (let s = 0; s < ns; s++) v[s][used] = vs[s];
        sumLogF += Math.log(gain);
        used++;
      }
      for (let s = 0; s < ns; s++) for (let i = 0; i < m; i++) a[s][i] += (M[i] * vs[s]) / gain;
      for (let i = 0; i < m; i++) {
        const mi = M[i] / gain;
        for (let j = 0; j <= i; j++) {
          const d = mi * M[j];
          P[i * m + j] -= d;
          if (j !== i) P[j * m + i] -= d;
        }
      }
    }
    for (const ai of a) { sparseMatVec(Ts, ai, aNext); ai.set(aNext); }
    sparsePredictCov(Ts, P, R, Pnext, tmp);
    [P, Pnext] = [Pnext, P];
  }
  return trimmed(v, F, index, used, sumLogF);
}

/** Rows of a sparse square matrix: column indices and values of the non-zeros of each row. */
export interface SparseRows {
  m: number;
  cols: Int32Array[];
  vals: Float64Array[];
}

/** Compresses a dense m×m row-major matrix (transition matrices are mostly zeros). */
export function sparseRows(T: Float64Array, m: number): SparseRows {
  const cols: Int32Array[] = [], vals: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const c: number[] = [], v: number[] = [];
    for (let j = 0; j < m; j++) if (T[i * m + j] !== 0) { c.push(j); v.push(T[i * m + j]); }
    cols.push(Int32Array.from(c));
    vals.push(Float64Array.from(v));
  }
  return { m, cols, vals };
}

/** T x for sparse T. */
export function sparseMatVec(T: SparseRows, x: Float64Array, out = new Float64Array(T.m)): Float64Array {
  for (let i = 0; i < T.m; i++) {
    const c = T.cols[i], v = T.vals[i];
    let s = 0;
    for (let k = 0; k < c.length; k++) s += v[k] * x[c[k]];
    out[i] = s;
  }
  return out;
}

/**
 * T P T' (+ R R' when R is given) for sparse T and dense symmetric P; O(nnz·m). `out` and the
 * workspace `tmp` (m×m each, distinct from P) may be passed to avoid allocating.
 */
export function sparsePredictCov(T: SparseRows, P: Float64Array, R?: Float64Array, out?: Float64Array, tmp?: Float64Array): Float64Array {
  const m = T.m;
  const w = tmp ?? new Float64Array(m * m);
  const o = out ?? new Float64Array(m * m);
  // w = T P (row i of T combines rows of P).
  for (let i = 0; i < m; i++) {
    const c = T.cols[i], v = T.vals[i];
    const wi = i * m;
    if (c.length === 0) { w.fill(0, wi, wi + m); continue; }
    const r0 = c[0] * m, t0 = v[0];
    for (let j = 0; j < m; j++) w[wi + j] = t0 * P[r0 + j];
    for (let k = 1; k < c.length; k++) {
      const t = v[k], row = c[k] * m;
      for (let j = 0; j < m; j++) w[wi + j] += t * P[row + j];
    }
  }
  // o = w T', row i: o[i][j] = Σ_k T[i][k] w[j][k] (symmetric: j ≤ i, then mirrored).
  for (let i = 0; i < m; i++) {
    const c = T.cols[i], v = T.vals[i];
    const oi = i * m;
    if (c.length === 0) o.fill(0, oi, oi + i + 1);
    else {
      const c0 = c[0], t0 = v[0];
      for (let j = 0; j <= i; j++) o[oi + j] = t0 * w[j * m + c0];
      for (let k = 1; k < c.length; k++) {
        const ck = c[k], t = v[k];
        for (let j = 0; j <= i; j++) o[oi + j] += t * w[j * m + ck];
      }
    }
    if (R) { const ri = R[i]; if (ri !== 0) for (let j = 0; j <= i; j++) o[oi + j] += ri * R[j]; }
    for (let j = 0; j < i; j++) o[j * m + i] = o[oi + j];
  }
  return o;
}
