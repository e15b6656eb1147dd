/**
 * Fixed-interval state smoothing for the (S)ARIMA state space of `kalman.ts`: E[α_t | y_1..n] and
 * Var[α_t | y_1..n] for every t, observed or missing, with the exact diffuse initialisation of the
 * nd = d + D·s differencing states.
 *
 * Model (σ² units, no measurement noise): y_t = Z α_t, α_{t+1} = T α_t + R ε_t, ε_t ~ N(0, 1),
 * α_1 ~ N(0, κ P∞ + P*) with κ → ∞ (P∞ = identity on the differencing block, P* = the stationary
 * ARMA covariance; {@link sarimaStateSpace}).
 *
 * 1. Forward pass: the exact diffuse filter in its univariate form (Koopman 1997; Durbin & Koopman
 *    2012 §5.2 and §6.4, Koopman & Durbin 2000), the same recursion and thresholds as
 *    {@link diffuseFilter}, storing for each t the predicted a_t, P*_t, P∞_t, the innovation v_t
 *    and F*_t = Z P*_t Z', F∞_t = Z P∞_t Z', M*_t = P*_t Z', M∞_t = P∞_t Z'. A step is
 *    - missing (NaN): no update;
 *    - diffuse (F∞_t > 0): a_{t|t} = a_t + M∞ v/F∞,
 *      P*_{t|t} = P* + M∞M∞' F* / F∞² − (M*M∞' + M∞M*')/F∞, P∞_{t|t} = P∞ − M∞M∞'/F∞;
 *    - regular (F∞_t = 0, inside the diffuse period or after it): a_{t|t} = a_t + M* v/F*,
 *      P*_{t|t} = P* − M*M*'/F*; F*_t ≥ 1 exactly, and a value below {@link F_FLOOR} throws
 *      (as in the filter, an observation is never skipped);
 *    then a_{t+1} = T a_{t|t}, P∞_{t+1} = T P∞_{t|t} T', P*_{t+1} = T P*_{t|t} T' + R R'.
 * 2. Backward pass (Durbin & Koopman 2012 §4.4.4 and, for the diffuse period, §5.3.1–5.3.2 eqs
 *    5.21–5.23, written with the filtered gains of the univariate form): with r_n = 0, N_n = 0 and
 *    ρ = T' r_t, Ñ = T' N_t T,
 *    - missing: r^(j)_{t−1} = ρ^(j), N^(j)_{t−1} = Ñ^(j);
 *    - regular: K = M* / F*, L = I − K Z,
 *      r^(0)_{t−1} = Z' v/F* + L'ρ^(0), r^(1)_{t−1} = L'ρ^(1),
 *      N^(0)_{t−1} = Z'Z/F* + L'Ñ^(0)L, N^(j)_{t−1} = L'Ñ^(j)L (j = 1, 2);
 *    - diffuse: K₀ = M∞/F∞, K₁ = M* / F∞ − M∞F* / F∞², L₀ = I − K₀Z, L₁ = −K₁Z,
 *      r^(0)_{t−1} = L₀'ρ^(0),  r^(1)_{t−1} = Z' v/F∞ + L₀'ρ^(1) + L₁'ρ^(0),
 *      N^(0)_{t−1} = L₀'Ñ^(0)L₀,
 *      N^(1)_{t−1} = Z'Z/F∞ + L₀'Ñ^(1)L₀ + L₁'Ñ^(0)L₀ + L₀'Ñ^(0)L₁,
 *      N^(2)_{t−1} = −Z'Z F* / F∞² + L₀'Ñ^(2)L₀ + L₀'Ñ^(1)L₁ + L₁'Ñ^(1)L₀ + L₁'Ñ^(0)L₁.
 *    These are the κ⁰, κ⁻¹ and κ⁻² coefficients of the ordinary recursion
 *    r_{t−1} = Z'v/F + (I − KZ)'T'r_t under P_1 = κP∞ + P* (F⁻¹ = F∞⁻¹/κ − F*F∞⁻²/κ² + …). In the
 *    regular steps of the diffuse period the book uses L = T − TKZ on one side only
 *    (N^(1)_{t−1} = T'N^(1)L), which equals the symmetric form here once multiplied by P∞ because
 *    P∞Z' = 0 there; the symmetric form keeps every N^(j) symmetric.
 * 3. Smoothed state and variance (eqs 5.24, 5.26; 4.39, 4.43 after the diffuse period, where
 *    P∞ = 0 and r^(1), N^(1), N^(2) vanish):
 *      α̂_t = a_t + P*_t r^(0)_{t−1} + P∞_t r^(1)_{t−1},
 *      V_t = P*_t − P*N^(0)P* − P∞N^(1)P* − P*N^(1)P∞ − P∞N^(2)P∞,
 *    and for the signal Z α_t: Z V_t Z' = F* − M*'N^(0)M* − 2 M∞'N^(1)M* − M∞'N^(2)M∞ (O(m²), so
 *    the m×m state covariances are only formed when asked for).
 *
 * Cost: O(n·m²) for means and signal variances (T is sparse), plus O(n·m³) for the state
 * covariances; memory n·m² for the stored P*_t.
 */
import { F_FLOOR, sparseMatVec, sparsePredictCov, sparseRows, type SparseRows, type StateSpace } from './kalman.js';

/** The smoother's output, in σ² units (multiply variances by σ²). */
export interface SmoothedStates {
  /** α̂_t = E[α_t | y_1..n] for t = 0..n−1, m values each. */
  state: Float64Array[];
  /** V_t = Var[α_t | y_1..n] (m×m, row-major) for each t; only when `stateCov` was asked for. */
  stateCov?: Float64Array[];
  /** Z α̂_t: the smoothed signal (the observation itself where observed, up to rounding). */
  signal: Float64Array;
  /** Z V_t Z': the smoothed signal's variance (0 where observed, up to rounding). */
  signalVar: Float64Array;
  /** Number of diffuse steps (F∞ > 0); d + D·s when the data identify the differencing states. */
  nDiffuse: number;
}

/** Options of {@link diffuseSmoother}. */
export interface SmootherOptions {
  /** Also return the m×m smoothed state covariances (O(n·m³) time, n·m² memory). Default true. */
  stateCov?: boolean;
}

const MISSING = 0, REGULAR = 1, DIFFUSE = 2;
/** Thresholds of {@link diffuseFilter}: a step is diffuse while F∞ > 1e-8; the diffuse period ends when max|P∞| < 1e-10. */
const F_INF_TOL = 1e-8, P_INF_END = 1e-10;

/** The transpose of a dense m×m row-major matrix. */
function transpose(A: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[j * m + i] = A[i * m + j];
  return out;
}

/** T' N T for sparse T' (rows of T') and symmetric N; O(nnz·m). `out` may be N itself. */
function congruence(Tt: SparseRows, N: Float64Array, out: Float64Array): Float64Array {
  const m = Tt.m;
  // tmp = T' N (row i of T' combines rows of N), then out = tmp T = (T' tmp')' = T' (T' N)' .
  const tmp = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const c = Tt.cols[i], v = Tt.vals[i];
    for (let k = 0; k < c.length; k++) {
      const w = v[k], row = c[k] * m;
      for (let j = 0; j < m; j++) tmp[i * m + j] += w * N[row + j];
    }
  }
  for (let j = 0; j < m; j++) {
    const c = Tt.cols[j], v = Tt.vals[j];
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < c.length; k++) s += tmp[i * m + c[k]] * v[k];
      out[i * m + j] = s;
    }
  }
  return out;
}

/** A x for dense symmetric A. */
function symMatVec(A: Float64Array, x: Float64Array, m: number, out: Float64Array = new Float64Array(m)): Float64Array {
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += A[i * m + j] * x[j];
    out[i] = s;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * In place: A ← L'AL with L = I − K Z and A symmetric, i.e. A − Z'w' − wZ + (K'AK) Z'Z with w = AK.
 */
function sandwich(A: Float64Array, K: Float64Array, Z: Float64Array, m: number, w: Float64Array): void {
  symMatVec(A, K, m, w);
  const c = dot(K, w);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) A[i * m + j] += -Z[i] * w[j] - w[i] * Z[j] + c * Z[i] * Z[j];
  }
}

/**
 * In place: A ← A + L₁'BL₀ + L₀'BL₁ for symmetric B, L₀ = I − K₀Z, L₁ = −K₁Z:
 * −Z'(BK₁)' − (BK₁)Z + 2(K₁'BK₀) Z'Z.
 */
function crossTerm(A: Float64Array, B: Float64Array, K0: Float64Array, K1: Float64Array, Z: Float64Array, m: number, w: Float64Array): void {
  symMatVec(B, K1, m, w);
  const c = 2 * dot(w, K0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) A[i * m + j] += -Z[i] * w[j] - w[i] * Z[j] + c * Z[i] * Z[j];
  }
}

/** Per-time-step record of the forward pass. */
interface Step {
  kind: number;
  a: Float64Array;
  Pst: Float64Array;
  /** P∞_t while the diffuse period lasts, else null. */
  Pinf: Float64Array | null;
  v: number;
  Fst: number;
  Finf: number;
  Mst: Float64Array;
  Minf: Float64Array;
}

/**
 * Smooths the series `y` (NaN = missing; regression effects already subtracted) through the
 * state space `ss` with the exact diffuse prior on its first `ss.nd` states. See the module
 * comment for the equations.
 */
export function diffuseSmoother(ss: StateSpace, y: ArrayLike<number>, options: SmootherOptions = {}): SmoothedStates {
  const { Z, T, R, m } = ss;
  const n = y.length;
  const wantCov = options.stateCov ?? true;
  const Ts = sparseRows(T, m), Tt = sparseRows(transpose(T, m), m);

  // 1. Forward pass.
  const steps: Step[] = new Array<Step>(n);
  let a: Float64Array = new Float64Array(m);
  let Pinf: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < ss.nd; i++) Pinf[i * m + i] = 1;
  let Pst: Float64Array = ss.Pstar.slice();
  let diffuse = ss.nd > 0;
  let nDiffuse = 0;
  for (let t = 0; t < n; t++) {
    const Mst = symMatVec(Pst, Z, m);
    const Minf = diffuse ? symMatVec(Pinf, Z, m) : new Float64Array(m);
    const Fst = dot(Z, Mst), Finf = diffuse ? dot(Z, Minf) : 0;
    const yt = y[t];
    const v = Number.isNaN(yt) ? NaN : yt - dot(Z, a);
    let kind = MISSING;
    if (!Number.isNaN(yt)) {
      if (diffuse && Finf > F_INF_TOL) kind = DIFFUSE;
      else if (Fst >= F_FLOOR) kind = REGULAR;
      else throw new RangeError(`diffuseSmoother: prediction variance ${Fst} < 1 (σ² units) at t = ${t}; the state covariance is numerically singular (an AR root on the unit circle)`);
    }
    steps[t] = { kind, a: a.slice(), Pst: Pst.slice(), Pinf: diffuse ? Pinf.slice() : null, v, Fst, Finf, Mst, Minf };
    if (kind === DIFFUSE) {
      nDiffuse++;
      for (let i = 0; i < m; i++) a[i] += (Minf[i] * v) / Finf;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          Pst[i * m + j] += (Minf[i] * Minf[j] * Fst) / (Finf * Finf) - (Mst[i] * Minf[j] + Minf[i] * Mst[j]) / Finf;
          Pinf[i * m + j] -= (Minf[i] * Minf[j]) / Finf;
        }
      }
    } else if (kind === REGULAR) {
      for (let i = 0; i < m; i++) a[i] += (Mst[i] * v) / Fst;
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) Pst[i * m + j] -= (Mst[i] * Mst[j]) / Fst;
    }
    a = sparseMatVec(Ts, a);
    if (diffuse) {
      Pinf = sparsePredictCov(Ts, Pinf);
      let mx = 0;
      for (let i = 0; i < m * m; i++) mx = Math.max(mx, Math.abs(Pinf[i]));
      if (mx < P_INF_END) diffuse = false;
    }
    Pst = sparsePredictCov(Ts, Pst, R);
  }

  // 2.–3. Backward pass and smoothed quantities.
  let r0: Float64Array = new Float64Array(m), r1: Float64Array = new Float64Array(m);
  let N0: Float64Array = new Float64Array(m * m), N1: Float64Array = new Float64Array(m * m), N2: Float64Array = new Float64Array(m * m);
  // r^(1), N^(1), N^(2) stay zero until the backward pass reaches the last diffuse-period step.
  let inDiffuse = false;
  const state: Float64Array[] = new Array<Float64Array>(n);
  const stateCov: Float64Array[] | undefined = wantCov ? new Array<Float64Array>(n) : undefined;
  const signal = new Float64Array(n), signalVar = new Float64Array(n);
  const w = new Float64Array(m), K0 = new Float64Array(m), K1 = new Float64Array(m);
  const tmpN0 = new Float64Array(m * m), tmpN1 = new Float64Array(m * m), tmpN2 = new Float64Array(m * m);
  for (let t = n - 1; t >= 0; t--) {
    const st = steps[t];
    // ρ = T' r_t, Ñ = T' N_t T (the transition from t to t + 1).
    r0 = sparseMatVec(Tt, r0);
    N0 = congruence(Tt, N0, tmpN0);
    if (inDiffuse) {
      r1 = sparseMatVec(Tt, r1);
      N1 = congruence(Tt, N1, tmpN1);
      N2 = congruence(Tt, N2, tmpN2);
    }
    if (st.Pinf) inDiffuse = true;
    if (st.kind === REGULAR) {
      for (let i = 0; i < m; i++) K0[i] = st.Mst[i] / st.Fst;
      const kr = dot(K0, r0);
      for (let i = 0; i < m; i++) r0[i] += Z[i] * (st.v / st.Fst - kr);
      sandwich(N0, K0, Z, m, w);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) N0[i * m + j] += (Z[i] * Z[j]) / st.Fst;
      if (inDiffuse) {
        const kr1 = dot(K0, r1);
        for (let i = 0; i < m; i++) r1[i] -= Z[i] * kr1;
        sandwich(N1, K0, Z, m, w);
        sandwich(N2, K0, Z, m, w);
      }
    } else if (st.kind === DIFFUSE) {
      const { Fst, Finf, Mst, Minf, v } = st;
      for (let i = 0; i < m; i++) {
        K0[i] = Minf[i] / Finf;
        K1[i] = Mst[i] / Finf - (Minf[i] * Fst) / (Finf * Finf);
      }
      // r^(1) first: it needs ρ^(0) before r^(0) is overwritten.
      const k0r1 = dot(K0, r1), k1r0 = dot(K1, r0), k0r0 = dot(K0, r0);
      for (let i = 0; i < m; i++) {
        r1[i] += Z[i] * (v / Finf - k0r1 - k1r0);
        r0[i] -= Z[i] * k0r0;
      }
      // N^(2) = −Z'Z F*/F∞² + L₀'Ñ²L₀ + (L₀'Ñ¹L₁ + L₁'Ñ¹L₀) + L₁'Ñ⁰L₁
      symMatVec(N0, K1, m, w);
      const k1n0k1 = dot(K1, w);
      sandwich(N2, K0, Z, m, w);
      crossTerm(N2, N1, K0, K1, Z, m, w);
      const c2 = -Fst / (Finf * Finf) + k1n0k1;
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) N2[i * m + j] += c2 * Z[i] * Z[j];
      // N^(1) = Z'Z/F∞ + L₀'Ñ¹L₀ + (L₁'Ñ⁰L₀ + L₀'Ñ⁰L₁)
      sandwich(N1, K0, Z, m, w);
      crossTerm(N1, N0, K0, K1, Z, m, w);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) N1[i * m + j] += (Z[i] * Z[j]) / Finf;
      // N^(0) = L₀'Ñ⁰L₀
      sandwich(N0, K0, Z, m, w);
    }
    // α̂_t = a_t + P*_t r^(0) + P∞_t r^(1)
    const alpha = st.a.slice();
    const Pr = symMatVec(st.Pst, r0, m);
    for (let i = 0; i < m; i++) alpha[i] += Pr[i];
    if (st.Pinf && inDiffuse) {
      symMatVec(st.Pinf, r1, m, Pr);
      for (let i = 0; i < m; i++) alpha[i] += Pr[i];
    }
    state[t] = alpha;
    signal[t] = dot(Z, alpha);
    // Z V_t Z' = F* − M*'N⁰M* − 2 M∞'N¹M* − M∞'N²M∞
    let sv = st.Fst - dot(st.Mst, symMatVec(N0, st.Mst, m, w));
    if (st.Pinf) {
      const Minf = symMatVec(st.Pinf, Z, m);
      sv -= 2 * dot(Minf, symMatVec(N1, st.Mst, m, w)) + dot(Minf, symMatVec(N2, Minf, m, w));
    }
    signalVar[t] = Math.max(0, sv);
    if (stateCov) stateCov[t] = smoothedCov(st, N0, N1, N2, m);
  }
  return { state, stateCov, signal, signalVar, nDiffuse };
}

/** Dense A B (m×m). */
function matMul(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = A[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * B[k * m + j];
    }
  }
  return out;
}

/** V_t = P* − P*N⁰P* − P∞N¹P* − P*N¹P∞ − P∞N²P∞, symmetrised. */
function smoothedCov(st: Step, N0: Float64Array, N1: Float64Array, N2: Float64Array, m: number): Float64Array {
  const V = st.Pst.slice();
  const PsN0 = matMul(st.Pst, N0, m);
  const a = matMul(PsN0, st.Pst, m);
  for (let i = 0; i < m * m; i++) V[i] -= a[i];
  if (st.Pinf) {
    const b = matMul(matMul(st.Pinf, N1, m), st.Pst, m);
    const c = matMul(matMul(st.Pinf, N2, m), st.Pinf, m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) V[i * m + j] -= b[i * m + j] + b[j * m + i] + c[i * m + j];
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (V[i * m + j] + V[j * m + i]);
      V[i * m + j] = s;
      V[j * m + i] = s;
    }
  }
  return V;
}
