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
 * All run in units of σ² (the innovation variance is concentrated out, as in R) and filter
 * several series at once with one gain sequence: y and every regressor column. The gains do not
 * depend on the data, so the GLS regression coefficients given the ARMA parameters follow from
 * the standardised innovations by least squares — the exact profile likelihood in β.
 */
import { scratch } from '../../core/scratch.js';

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
 * (Brockwell & Davis 1991 §3.3, method 2: a (p+1)-dimensional linear system, then recursion).
 */
export function armaAutocovariance(phi: readonly number[], theta: readonly number[], maxLag: number): number[] {
  const p = phi.length, q = theta.length;
  const psi = psiWeights(phi, theta, q);
  // rhs_k = Σ_{j=k}^{q} θ_j ψ_{j−k} with θ_0 = 1
  const rhs = new Float64Array(Math.max(maxLag, p) + 1);
  for (let k = 0; k <= q && k < rhs.length; k++) {
    let s = 0;
    for (let j = k; j <= q; j++) s += (j === 0 ? 1 : theta[j - 1]) * psi[j - k];
    rhs[k] = s;
  }
  const g = new Array<number>(rhs.length).fill(0);
  if (p === 0) {
    for (let k = 0; k < g.length; k++) g[k] = rhs[k];
    return g.slice(0, maxLag + 1);
  }
  // (p+1)×(p+1) system γ(k) − Σ φ_i γ(|k−i|) = rhs_k, by Gaussian elimination with partial
  // pivoting in place (this runs once per likelihood evaluation).
  const m = p + 1;
  const A = new Float64Array(m * (m + 1));
  for (let k = 0; k < m; k++) {
    A[k * (m + 1) + k] += 1;
    for (let i = 1; i <= p; i++) A[k * (m + 1) + Math.abs(k - i)] -= phi[i - 1];
    A[k * (m + 1) + m] = rhs[k];
  }
  for (let c = 0; c < m; c++) {
    let piv = c, best = Math.abs(A[c * (m + 1) + c]);
    for (let r = c + 1; r < m; r++) { const v = Math.abs(A[r * (m + 1) + c]); if (v > best) { best = v; piv = r; } }
    if (!(best > 1e-300)) throw new RangeError('armaAutocovariance: AR polynomial on the unit circle');
    if (piv !== c) for (let j = c; j <= m; j++) { const t = A[c * (m + 1) + j]; A[c * (m + 1) + j] = A[piv * (m + 1) + j]; A[piv * (m + 1) + j] = t; }
    const d = A[c * (m + 1) + c];
    for (let r = c + 1; r < m; r++) {
      const f = A[r * (m + 1) + c] / d;
      if (f === 0) continue;
      for (let j = c; j <= m; j++) A[r * (m + 1) + j] -= f * A[c * (m + 1) + j];
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let v = A[r * (m + 1) + m];
    for (let j = r + 1; j < m; j++) v -= A[r * (m + 1) + j] * g[j];
    g[r] = v / A[r * (m + 1) + r];
  }
  for (let k = m; k < g.length; k++) {
    let v = rhs[k];
    for (let i = 1; i <= p; i++) v += phi[i - 1] * g[k - i];
    g[k] = v;
  }
  return g.slice(0, maxLag + 1);
}

/**
 * Unconditional state covariance P₀ (σ² = 1) of Harvey's ARMA form, solving P = TPT' + RR' in
 * O(r²): the first row from autocovariances and ψ weights, the rest by the diagonal recursion
 * P[i][j] = P[i+1][j+1] + φ_{i+1}φ_{j+1}P[0][0] + φ_{i+1}P[0][j+1] + φ_{j+1}P[i+1][0] + R_iR_j.
 * Returns a flat row-major r×r array.
 */
export function armaInitialCovariance(phi: readonly number[], theta: readonly number[], r: number, out?: Float64Array): Float64Array {
  const ph = (i: number) => (i >= 1 && i <= phi.length ? phi[i - 1] : 0);
  const Rv = (i: number) => (i === 0 ? 1 : i <= theta.length ? theta[i - 1] : 0);
  const gamma = armaAutocovariance(phi, theta, r);
  const psi = psiWeights(phi, theta, r);
  const P = out ?? new Float64Array(r * r);
  P[0] = gamma[0];
  for (let k = 1; k < r; k++) {
    let s = 0;
    for (let m = k; m < r; m++) s += ph(m + 1) * gamma[m - k + 1] + Rv(m) * psi[m - k];
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
 */
export function diffuseFilter(ss: StateSpace, ys: readonly Float64Array[], keepState = false): FilterResult & { state?: FullState } {
  const { Z, T, R, m } = ss;
  const n = ys[0].length, ns = ys.length;
  const a = ys.map(() => new Float64Array(m));
  let Pinf: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < ss.nd; i++) Pinf[i * m + i] = 1;
  let Pst: Float64Array = ss.Pstar.slice();
  let diffuse = ss.nd > 0;
  const v = ys.map(() => new Float64Array(n));
  const F = new Float64Array(n);
  const index = new Int32Array(n);
  let used = 0, sumLogF = 0;
  const Minf = new Float64Array(m), Mst = new Float64Array(m);
  const Ts = sparseRows(T, m);
  const predictMean = (x: Float64Array) => x.set(sparseMatVec(Ts, x));
  for (let t = 0; t < n; t++) {
    if (!Number.isNaN(ys[0][t])) {
      for (let i = 0; i < m; i++) {
        let si = 0, ss2 = 0;
        for (let l = 0; l < m; l++) { si += Pinf[i * m + l] * Z[l]; ss2 += Pst[i * m + l] * Z[l]; }
        Minf[i] = si; Mst[i] = ss2;
      }
      let Finf = 0, Fst = 0;
      for (let i = 0; i < m; i++) { Finf += Z[i] * Minf[i]; Fst += Z[i] * Mst[i]; }
      const vs = a.map((ai, s) => {
        let za = 0;
        for (let i = 0; i < m; i++) za += Z[i] * ai[i];
        return ys[s][t] - za;
      });
      if (diffuse && Finf > 1e-8) {
        for (let s = 0; s < ns; s++) for (let i = 0; i < m; i++) a[s][i] += (Minf[i] * vs[s]) / Finf;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < m; j++) {
            Pst[i * m + j] += (Minf[i] * Minf[j] * Fst) / (Finf * Finf) - (Mst[i] * Minf[j] + Minf[i] * Mst[j]) / Finf;
            Pinf[i * m + j] -= (Minf[i] * Minf[j]) / Finf;
          }
        }
      } else if (Fst > 0) {
        F[used] = Fst;
        index[used] = t;
        for (let s = 0; s < ns; s++) {
          v[s][used] = vs[s];
          for (let i = 0; i < m; i++) a[s][i] += (Mst[i] * vs[s]) / Fst;
        }
        sumLogF += Math.log(Fst);
        used++;
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) Pst[i * m + j] -= (Mst[i] * Mst[j]) / Fst;
      }
    }
    for (const ai of a) predictMean(ai);
    if (diffuse) {
      Pinf = sparsePredictCov(Ts, Pinf);
      let mx = 0;
      for (let i = 0; i < m * m; i++) mx = Math.max(mx, Math.abs(Pinf[i]));
      if (mx < 1e-10) diffuse = false;
    }
    Pst = sparsePredictCov(Ts, Pst, R);
  }
  const result: FilterResult & { state?: FullState } = trimmed(v, F, index, used, sumLogF);
  if (keepState) {
    if (diffuse) throw new RangeError('diffuseFilter: the diffuse states were never identified (too few observations)');
    result.state = { a, P: Pst };
  }
  return result;
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

/** T P T' (+ R R' when R is given) for sparse T and dense symmetric P; O(nnz·m). */
export function sparsePredictCov(T: SparseRows, P: Float64Array, R?: Float64Array): Float64Array {
  const m = T.m;
  const tmp = new Float64Array(m * m), out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const c = T.cols[i], v = T.vals[i];
    for (let k = 0; k < c.length; k++) {
      const t = v[k], row = c[k] * m;
      for (let j = 0; j < m; j++) tmp[i * m + j] += t * P[row + j];
    }
  }
  for (let j = 0; j < m; j++) {
    const c = T.cols[j], v = T.vals[j];
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < c.length; k++) s += tmp[i * m + c[k]] * v[k];
      out[i * m + j] = R ? s + R[i] * R[j] : s;
    }
  }
  return out;
}
