/**
 * Impulse responses of a vector autoregression y_t = ν + A_1 y_{t−1} + … + A_p y_{t−p} + u_t,
 * u_t ~ N(0, Σ_u), as functions of its parameters (A_1..A_p, Σ_u, (Z'Z)⁻¹): the MA(∞)
 * representation, plain and orthogonalised impulse responses, their asymptotic standard errors,
 * the forecast error variance decomposition and residual / Gaussian bootstrap bands. Lütkepohl,
 * "New Introduction to Multiple Time Series Analysis" (2005), §2.3.2–2.3.3 (responses, FEVD),
 * §3.7 (asymptotic distribution) and Appendix D.3 (bootstrap); Runkle (1987), "Vector
 * autoregressions and reality", JBES 5. Every number reproduces statsmodels 0.13.5 `VARResults`
 * (`ma_rep`, `irf`, `irf(H).stderr`, `fevd`); the bootstrap is a Monte Carlo approximation of
 * `irf_errband_mc` (see {@link varIrfBootstrap}).
 *
 * {@link FittedVAR} (var.ts) exposes these as its methods `maRep`, `irf`, `irfStdErrors`, `fevd`
 * and `irfBootstrap`; {@link StructuralVAR} (svar.ts) uses the MA representation and the FEVD.
 *
 * @example
 * const fit = fitVAR({ gdp, cons, inv }, { lags: 2 });
 * fit.irf(10).orthogonalized; fit.irfStdErrors(10); fit.fevd(8);
 * fit.irfBootstrap(10, { rng: createRng(1), reps: 500 }).orthogonalized.lower;
 */
import { ArgumentError } from '../core/errors.js';
import { cholesky, inverse, matmul, transpose, identity, zeros, type Matrix } from '../core/linalg.js';
import { checkLevel, quantileSorted } from '../core/forecast.js';
import type { Rng } from '../core/rng.js';
import {
  kron, eliminationMatrix, commutationMatrix, vechPairs, companionMatrix, checkHorizon,
} from './estimators/var-helpers.js';

/** Impulse responses for h = 0..H, each `[h][response][shock]` (Lütkepohl §2.3.2). */
export interface VARImpulseResponses {
  horizon: number;
  /** Φ_h: responses to a unit shock in u_t (MA(∞) coefficients). */
  plain: number[][][];
  /** Θ_h = Φ_h P, P = chol(Σ_u): responses to one-standard-deviation orthogonal shocks. */
  orthogonalized: number[][][];
  /** Σ_{s≤h} Φ_s. */
  cumulativePlain: number[][][];
  /** Σ_{s≤h} Θ_s. */
  cumulativeOrthogonalized: number[][][];
  /** The impact matrix P (lower-triangular Cholesky factor of Σ_u). */
  impact: number[][];
}

/** Options of {@link FittedVAR.irfBootstrap} and {@link varIrfBootstrap}. */
export interface IRFBootstrapOptions {
  /** Replications. Default 1000. */
  reps?: number;
  /** Seeded random source (required). */
  rng: Rng;
  /** Band coverage in per cent. Default 95. */
  level?: number;
  /** 'residual' (default) resamples the centred residuals; 'gaussian' draws N(0, Σ_u) shocks. */
  method?: 'residual' | 'gaussian';
}

/** Pointwise bootstrap bands `[h][response][shock]` for the plain and orthogonalised responses. */
export interface IRFBands {
  level: number;
  reps: number;
  method: 'residual' | 'gaussian';
  plain: { lower: number[][][]; upper: number[][][] };
  orthogonalized: { lower: number[][][]; upper: number[][][] };
}

/** The parameters of a fitted VAR(p) that its impulse-response statistics depend on. */
export interface VARIrfParameters {
  /** A_1..A_p: `coefs[l−1][i][j]` is the effect of y_{j,t−l} on y_{i,t}. */
  readonly coefs: number[][][];
  /** Σ_u (K × K; statsmodels uses the df-corrected estimate). */
  readonly sigmaU: number[][];
  /** The lower-triangular P with P P' = Σ_u. */
  readonly chol: number[][];
  /** The lag block Γ of (Z'Z)⁻¹ (rows and columns of the deterministic terms removed), Kp × Kp. */
  readonly lagXtxInv: number[][];
  /** Observations T used in the fit. */
  readonly nobs: number;
}

/**
 * What {@link varIrfBootstrap} needs from a fitted VAR(p): its dimensions, residuals and impact
 * matrix, the one-step recursion with fixed parameters, and the refit of a simulated series.
 */
export interface VARBootstrapModel {
  /** Number of variables K. */
  readonly k: number;
  /** Lag order p. */
  readonly lags: number;
  /** Total observations n of the series. */
  readonly nTotal: number;
  /** The first p observations `[t][variable]`, the start of every simulated series. */
  readonly initial: readonly (readonly number[])[];
  /** Residuals `[t][variable]` for t = p+1..n (T = n − p rows). */
  readonly resid: readonly (readonly number[])[];
  /** The lower-triangular P with P P' = Σ_u (the Gaussian shocks are P z). */
  readonly chol: Matrix;
  /** Deterministic terms plus Σ_l A_l y_{t−l} from the time-ordered `hist`, for the 0-based index t. */
  step(hist: readonly number[][], t: number): number[];
  /** Refits the VAR(p) with the same trend to simulated columns: A_1..A_p and Σ_u. */
  refit(cols: Float64Array[]): { coefs: number[][][]; sigmaU: Matrix };
}

/**
 * MA(∞) coefficients Φ_0..Φ_H of a VAR(p) in K variables: Φ_0 = I, Φ_h = Σ_{l=1}^{min(h,p)} Φ_{h−l} A_l
 * (Lütkepohl eq. 2.1.22; statsmodels `ma_rep`), `[h][response][shock]`.
 */
export function varMARepresentation(coefs: readonly Matrix[], H: number, k: number): number[][][] {
  const phi: number[][][] = [identity(k)];
  for (let h = 1; h <= H; h++) {
    const m = zeros(k, k);
    for (let l = 1; l <= Math.min(h, coefs.length); l++) {
      const prod = matmul(phi[h - l], coefs[l - 1]);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i][j] += prod[i][j];
    }
    phi.push(m);
  }
  return phi;
}

/**
 * Impulse responses for h = 0..H (statsmodels `irf(H)`): Φ_h, Θ_h = Φ_h P with P = chol(Σ_u)
 * (Lütkepohl §2.3.2, eq. 2.3.27; variable order = column order) and their cumulative sums.
 */
export function varImpulseResponses(params: Pick<VARIrfParameters, 'coefs' | 'chol'>, H: number): VARImpulseResponses {
  checkHorizon(H, 'H', 0);
  const P = params.chol;
  const plain = varMARepresentation(params.coefs, H, P.length);
  const orth = plain.map((m) => matmul(m, P));
  return {
    horizon: H,
    plain,
    orthogonalized: orth,
    cumulativePlain: cumsum(plain),
    cumulativeOrthogonalized: cumsum(orth),
    impact: P.map((r) => r.slice()),
  };
}

/**
 * Asymptotic standard errors of the impulse responses for h = 0..H, `[h][response][shock]`
 * (statsmodels `irf(H).stderr(orth)`; Lütkepohl §3.7.1, Prop. 3.6):
 * plain: Σ_Φ(h) = G_h Σ_α G_h' with G_h = Σ_{m<h} J(A')^{h−1−m} ⊗ Φ_m (eq. 3.7.4–3.7.5);
 * orthogonalised: Σ_Θ(h) = C_h Σ_α C_h' + C̄_h Σ_σ C̄_h'/T with C_h = (P' ⊗ I_K) G_h,
 * C̄_h = (I_K ⊗ Φ_h) H, H = L_K'{L_K[(I_K ⊗ P)K_KK + (P ⊗ I_K)]L_K'}⁻¹ (eq. 3.7.8), where
 * Σ_α = Γ ⊗ Σ_u (Γ the lag block of (Z'Z)⁻¹) and Σ_σ = 2D⁺_K(Σ_u ⊗ Σ_u)D⁺_K' (Prop. 3.4).
 */
export function varIrfStdErrors(params: VARIrfParameters, H: number, orthogonalized = true): number[][][] {
  checkHorizon(H, 'H', 0);
  const sigma = params.sigmaU, P = params.chol, gamma = params.lagXtxInv, T = params.nobs;
  const k = sigma.length, kp = k * params.coefs.length;
  const phi = varMARepresentation(params.coefs, H, k);
  // Step 1: J(A')^d, the first K rows of (A')^d, premultiplied by P' for the orthogonal case.
  const At = transpose(companionMatrix(params.coefs, k));
  const Q: Matrix[] = [];
  let pow = identity(kp);
  for (let d = 0; d < H; d++) {
    const top = kp ? pow.slice(0, k) : Array.from({ length: k }, () => [] as number[]);
    Q.push(orthogonalized ? matmul(transpose(P), top) : top);
    pow = matmul(pow, At);
  }
  const R = Q.map((q) => (kp ? matmul(q, gamma) : q));
  // Step 2: diagonals of the Kronecker blocks, X(d1,d2)[a] = (Q_{d1} Γ Q_{d2}')[a][a] and
  // Y(m,n)[b] = (Φ_m Σ_u Φ_n')[b][b]; diag(kron(X, Y))[aK + b] = X[a][a] Y[b][b].
  const X = (d1: number, d2: number) => Array.from({ length: k }, (_, a) => {
    let s = 0;
    for (let c = 0; c < kp; c++) s += R[d1][a][c] * Q[d2][a][c];
    return s;
  });
  const phiSigma = phi.map((m) => matmul(m, sigma));
  const Y = (m: number, n: number) => Array.from({ length: k }, (_, b) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += phiSigma[m][b][c] * phi[n][b][c];
    return s;
  });
  const Xc = new Map<number, number[]>(), Yc = new Map<number, number[]>();
  const cached = (map: Map<number, number[]>, i: number, j: number, f: (i: number, j: number) => number[]) => {
    const key = i * (H + 1) + j;
    let v = map.get(key);
    if (!v) { v = f(i, j); map.set(key, v); }
    return v;
  };
  // Step 3 (orthogonal case): the Σ_σ term through H and the covariance of vech(Σ_u).
  let Hmat: Matrix = [], covSigma: Matrix = [];
  if (orthogonalized) {
    const L = eliminationMatrix(k), Kkk = commutationMatrix(k, k), I = identity(k);
    const ikp = matmul(kron(I, P), Kkk), pik = kron(P, I);
    const sum = ikp.map((r, i) => r.map((v, j) => v + pik[i][j]));
    const Bm = matmul(matmul(L, sum), transpose(L));
    Hmat = matmul(transpose(L), inverse(Bm));
    const pairs = vechPairs(k);
    covSigma = pairs.map(([i, j]) => pairs.map(([a, b]) => sigma[i][a] * sigma[j][b] + sigma[i][b] * sigma[j][a]));
  }
  // Step 4: var(vec Θ_h) = Σ_{m,n<h} X(h−1−m, h−1−n) ⊗ Y(m, n) on the diagonal, plus the Σ_σ term.
  const out: number[][][] = [];
  for (let h = 0; h <= H; h++) {
    const v = new Array<number>(k * k).fill(0);
    for (let m = 0; m < h; m++) {
      for (let n = 0; n < h; n++) {
        const x = cached(Xc, h - 1 - m, h - 1 - n, X), y = cached(Yc, m, n, Y);
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v[a * k + b] += x[a] * y[b];
      }
    }
    if (orthogonalized) {
      const cbar = matmul(kron(identity(k), phi[h]), Hmat);
      const cs = matmul(cbar, covSigma);
      for (let r = 0; r < k * k; r++) {
        let s = 0;
        for (let c = 0; c < cs[r].length; c++) s += cs[r][c] * cbar[r][c];
        v[r] += s / T;
      }
    }
    // unvec: element aK + b is (response b, shock a).
    out.push(Array.from({ length: k }, (_, b) => Array.from({ length: k }, (_, a) => Math.sqrt(Math.max(0, v[a * k + b])))));
  }
  return out;
}

/**
 * Forecast error variance decomposition `[h][variable][shock]` for the MA coefficients
 * `phi` = Φ_0..Φ_{H−1} and impact matrix P: Σ_{s≤h} (Φ_s P)[i][j]² / MSE_h[i][i] with
 * MSE_h = Σ_{s≤h} Φ_s Σ Φ_s' (statsmodels `FEVD`; Lütkepohl eq. 2.3.37), or, without `sigma`, the
 * MSE implied by the shocks, Σ_{s≤h} Σ_j (Φ_s P)[i][j]² (Lütkepohl eq. 9.4.5; the two agree when
 * P P' = Σ_u, i.e. unless a structural VAR is over-identified).
 */
export function varFevd(phi: readonly Matrix[], P: Matrix, sigma?: Matrix): number[][][] {
  const k = P.length;
  const num = zeros(k, k), den = new Array<number>(k).fill(0);
  const out: number[][][] = [];
  for (const m of phi) {
    const th = matmul(m, P);
    const ms = sigma ? matmul(matmul(m, sigma), transpose(m)) : null;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) num[i][j] += th[i][j] * th[i][j];
      den[i] += ms ? ms[i][i] : th[i].reduce((a, v) => a + v * v, 0);
    }
    out.push(num.map((r, i) => r.map((v) => v / den[i])));
  }
  return out;
}

/**
 * Bootstrap bands for the impulse responses h = 0..H (Lütkepohl 2005 Appendix D.3; Runkle 1987):
 * step 1 checks the options; step 2, in each replication, rebuilds the series from the first p
 * observations with the fitted recursion and resampled centred residuals ('residual') or N(0, Σ_u)
 * draws P z ('gaussian', the shocks of statsmodels `irf_errband_mc`); step 3 refits the VAR(p)
 * with the same trend and records Φ_h and Θ_h = Φ_h chol(Σ̂_u*); step 4 reads the bands off as
 * pointwise type-7 quantiles at (1 ± level/100)/2. (statsmodels starts each simulated series at
 * the intercept with a burn-in of 100 and reads the bands off single order statistics; both are
 * Monte Carlo approximations of the same sampling law.)
 */
export function varIrfBootstrap(model: VARBootstrapModel, H: number, options: IRFBootstrapOptions): IRFBands {
  // Step 1: options.
  checkHorizon(H, 'H', 0);
  if (!options || !options.rng) throw new ArgumentError('irfBootstrap needs a seeded rng: irfBootstrap(H, { rng: createRng(seed) })', 'rng');
  const reps = options.reps ?? 1000;
  if (!Number.isInteger(reps) || reps < 2) throw new ArgumentError(`reps must be an integer ≥ 2; got ${reps}`, 'reps');
  const level = checkLevel(options.level ?? 95);
  const method = options.method ?? 'residual';
  if (method !== 'residual' && method !== 'gaussian') throw new ArgumentError(`method must be 'residual' or 'gaussian'; got '${String(method)}'`, 'method');
  const rng = options.rng, k = model.k, T = model.resid.length, n = model.nTotal, p = model.lags;
  const P = model.chol;
  const mu = new Array<number>(k).fill(0);
  for (const u of model.resid) for (let i = 0; i < k; i++) mu[i] += u[i] / T;
  const centred = model.resid.map((u) => u.map((v, i) => v - mu[i]));
  const draws: { plain: number[][][]; orth: number[][][] }[] = [];
  for (let r = 0; r < reps; r++) {
    // Step 2: a simulated series with the fitted parameters.
    const hist: number[][] = [];
    for (let t = 0; t < p; t++) hist.push(model.initial[t].slice());
    for (let t = p; t < n; t++) {
      const y = model.step(hist, t);
      if (method === 'residual') {
        const u = centred[Math.min(T - 1, Math.floor(rng.uniform() * T))];
        for (let i = 0; i < k; i++) y[i] += u[i];
      } else {
        const z = Array.from({ length: k }, () => rng.normal());
        for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) y[i] += P[i][j] * z[j];
      }
      hist.push(y);
    }
    // Step 3: refit and record the responses.
    const cols = Array.from({ length: k }, (_, i) => Float64Array.from(hist, (row) => row[i]));
    const f = model.refit(cols);
    const plain = varMARepresentation(f.coefs, H, k);
    const Ps = cholesky(f.sigmaU);
    draws.push({ plain, orth: plain.map((m) => matmul(m, Ps)) });
  }
  // Step 4: pointwise quantiles.
  const alpha = (1 - level / 100) / 2;
  const band = (pick: (d: { plain: number[][][]; orth: number[][][] }) => number[][][], q: number) =>
    Array.from({ length: H + 1 }, (_, h) => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) =>
      quantileSorted(Float64Array.from(draws, (d) => pick(d)[h][i][j]).sort(), q))));
  return {
    level, reps, method,
    plain: { lower: band((d) => d.plain, alpha), upper: band((d) => d.plain, 1 - alpha) },
    orthogonalized: { lower: band((d) => d.orth, alpha), upper: band((d) => d.orth, 1 - alpha) },
  };
}

function cumsum(ms: number[][][]): number[][][] {
  const out: number[][][] = [];
  let acc: number[][] | null = null;
  for (const m of ms) {
    const prev: number[][] | null = acc;
    acc = m.map((r, i) => r.map((v, j) => v + (prev ? prev[i][j] : 0)));
    out.push(acc);
  }
  return out;
}
