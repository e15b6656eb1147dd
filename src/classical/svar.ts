/**
 * Structural vector autoregressions (Lütkepohl, "New Introduction to Multiple Time Series
 * Analysis" (2005), ch. 9; Amisano & Giannini, "Topics in Structural VAR Econometrics" (1997);
 * Hamilton, "Time Series Analysis" (1994), §11.6): the A/B model A u_t = B ε_t, ε_t ~ N(0, I), on
 * the reduced-form residuals u_t of a fitted VAR(p), estimated by maximum likelihood from Σ_u as
 * statsmodels 0.13.5 `SVAR(Y, svar_type, A=…, B=…).fit(p, trend)`, with statsmodels' order and
 * rank (identification Jacobian) checks; and the identified model's structural impulse responses
 * Φ_h A⁻¹B and FEVD. The recursive (Cholesky) identification is `FittedVAR.recursiveSVAR`
 * (var.ts), which returns a {@link StructuralVAR} too.
 *
 * @example
 * const fit = fitVAR({ gdp, cons, inv }, { lags: 2 });
 * const s = fitSVAR(fit, { type: 'AB', A: [[1, 0, 0], ['E', 1, 0], ['E', 'E', 1]], B: [['E', 0, 0], [0, 'E', 0], [0, 0, 'E']] });
 * s.impact; s.irf(10); s.fevd(8);
 */
import { ArgumentError, SingularMatrixError, ConvergenceError } from '../core/errors.js';
import { solve, matmul, transpose, identity, zeros, qrPivoted, type Matrix } from '../core/linalg.js';
import { LOG2PI } from '../core/distributions.js';
import { lbfgs } from '../core/optimize.js';
// FittedVAR's recursiveSVAR builds a StructuralVAR, so var.ts and this module import each other;
// neither uses the other's bindings while it is being evaluated, which ES modules allow.
import { FittedVAR } from './var.js';
import { varFevd } from './var-irf.js';
import { vechPairs, invertOrNull, checkHorizon } from './estimators/var-helpers.js';

/** Which matrices of the A/B model carry free parameters (Lütkepohl §9.1). */
export type SVARType = 'A' | 'B' | 'AB';
/** A K×K restriction pattern: numbers are fixed values, 'E' marks a parameter to estimate. */
export type SVARPattern = readonly (readonly (number | 'E' | 'e')[])[];

/** Options of {@link fitSVAR}. */
export interface SVAROptions {
  /** 'A': A u_t = ε_t (B = I); 'B': u_t = B ε_t (A = I); 'AB': A u_t = B ε_t. */
  type: SVARType;
  /** Pattern of A (required for 'A' and 'AB'). */
  A?: SVARPattern;
  /** Pattern of B (required for 'B' and 'AB'). */
  B?: SVARPattern;
  /** Start values of the free entries of A, row by row. Default 0.1 each (statsmodels). */
  aStart?: readonly number[];
  /** Start values of the free entries of B, row by row. Default 0.1 each (statsmodels). */
  bStart?: readonly number[];
  /** Maximum L-BFGS iterations. Default 2000. */
  maxIter?: number;
}

interface StructuralInit {
  type: 'recursive' | SVARType;
  shocks: string[];
  A: Matrix;
  B: Matrix;
  aFree: [number, number][];
  bFree: [number, number][];
  converged: boolean;
  iterations: number;
  gradientNorm: number;
}

/**
 * An identified structural VAR: A u_t = B ε_t with ε_t ~ N(0, I), so u_t = A⁻¹B ε_t and the
 * structural impulse responses are Φ_h A⁻¹B (statsmodels `SVARResults.svar_ma_rep`; Lütkepohl
 * §9.1–9.3).
 */
export class StructuralVAR {
  readonly type: 'recursive' | SVARType;
  /** Shock names (for 'recursive' the variables in the chosen order; else 'e1'..'eK'). */
  readonly shocks: string[];
  readonly A: number[][];
  readonly B: number[][];
  /** A⁻¹B: the impact of one-standard-deviation structural shocks. */
  readonly impact: number[][];
  /** Positions (row, column) of the estimated entries of A and B, row by row. */
  readonly aFree: [number, number][];
  readonly bFree: [number, number][];
  /**
   * Structural log-likelihood at the estimate (statsmodels `SVAR.loglike`):
   * −T/2 [K log 2π − log|A|² + log|B|² + tr(A'B'⁻¹B⁻¹A Σ_u)] with the df-corrected Σ_u.
   */
  readonly llf: number;
  readonly converged: boolean;
  readonly iterations: number;
  /** Largest |∂(−ℓ/T)/∂x_i| × max|entry| of the matrix (A or B) holding x_i, at the estimate (scale-free). */
  readonly gradientNorm: number;
  private readonly model: FittedVAR;

  constructor(model: FittedVAR, init: StructuralInit) {
    this.model = model;
    this.type = init.type;
    this.shocks = init.shocks;
    this.A = init.A;
    this.B = init.B;
    this.aFree = init.aFree;
    this.bFree = init.bFree;
    const Ai = invertOrNull(init.A);
    if (!Ai) throw new SingularMatrixError('the estimated A is singular, so the structural shocks are not defined; change the restrictions or start values', 'A');
    this.impact = matmul(Ai, init.B);
    this.llf = -model.nobs * svarObjective(init.A, init.B, model.sigmaU);
    this.converged = init.converged;
    this.iterations = init.iterations;
    this.gradientNorm = init.gradientNorm;
  }

  /** Structural impulse responses Φ_h A⁻¹B for h = 0..H, `[h][response][shock]`. */
  irf(H: number): number[][][] {
    checkHorizon(H, 'H', 0);
    return this.model.maRep(H).map((m) => matmul(m, this.impact));
  }

  /**
   * FEVD with the structural shocks for h = 0..H−1, `[h][variable][shock]` (Lütkepohl eq. 9.4.5):
   * shares of the forecast-error variance implied by the structural model, Σ_{s≤h} Θ_s Θ_s' with
   * Θ_s = Φ_s A⁻¹B, so that they sum to one also for an over-identified model.
   */
  fevd(H: number): number[][][] {
    checkHorizon(H, 'H', 1);
    return varFevd(this.model.maRep(H - 1), this.impact);
  }
}

function parsePattern(pattern: SVARPattern | undefined, k: number, argument: 'A' | 'B'): { fixed: Matrix; free: [number, number][] } {
  if (pattern === undefined) return { fixed: identity(k), free: [] };
  if (!Array.isArray(pattern) || pattern.length !== k || !pattern.every((r) => Array.isArray(r) && r.length === k)) {
    throw new ArgumentError(`${argument} must be a ${k} × ${k} array of numbers and 'E' (estimate)`, argument);
  }
  const fixed = zeros(k, k);
  const free: [number, number][] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v: unknown = pattern[i][j];
      if (v === 'E' || v === 'e') free.push([i, j]);
      else if (typeof v === 'number' && Number.isFinite(v)) fixed[i][j] = v;
      else throw new ArgumentError(`${argument}[${i}][${j}] is '${String(v)}'; entries must be finite numbers or 'E'`, argument);
    }
  }
  return { fixed, free };
}

/** −ℓ/T of the A/B model: ½[K log 2π − log|A|² + log|B|² + tr(W'W Σ_u)], W = B⁻¹A (Lütkepohl eq. 9.3.2). */
function svarObjective(A: Matrix, B: Matrix, sigma: Matrix): number {
  const k = A.length;
  const la = logAbsDet(A), lb = logAbsDet(B), Bi = invertOrNull(B);
  if (!Number.isFinite(la) || !Number.isFinite(lb) || !Bi) return Infinity;
  const W = matmul(Bi, A);
  const WtW = matmul(transpose(W), W);
  let tr = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) tr += WtW[i][j] * sigma[j][i];
  return 0.5 * (k * LOG2PI - 2 * la + 2 * lb + tr);
}

/** log|det M| by LU (−∞ for a singular matrix). */
function logAbsDet(m: Matrix): number {
  const k = m.length;
  const a = m.map((r) => r.slice());
  let s = 0;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (a[piv][c] === 0) return -Infinity;
    [a[piv], a[c]] = [a[c], a[piv]];
    s += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < k; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j < k; j++) a[r][j] -= f * a[c][j];
    }
  }
  return s;
}

/**
 * Fits the A/B structural model A u_t = B ε_t by maximum likelihood given the reduced-form Σ_u,
 * as statsmodels `SVAR(Y, svar_type, A=…, B=…).fit(p, trend)` (Lütkepohl 2005 §9.3; Amisano &
 * Giannini 1997): minimises −ℓ/T with analytic gradients
 * ∂/∂A = B'⁻¹B⁻¹AΣ_u − A'⁻¹ and ∂/∂B = B'⁻¹ − B'⁻¹B⁻¹AΣ_uA'B'⁻¹ by L-BFGS and Newton polishing,
 * from statsmodels' start (0.1 for every free entry) and from a start on the data's scale,
 * keeping the higher likelihood. Step 1 checks the order condition (free ≤ K(K+1)/2) and the rank condition of
 * statsmodels' Jacobian J at the start (Hamilton 1994 §11.6); step 3 flips the sign of a shock
 * whose impact A⁻¹B has a negative diagonal entry when the restrictions allow it (the likelihood
 * does not identify signs; statsmodels leaves them where the optimiser stops).
 * statsmodels evaluates log|B∘B| (elementwise square) where the likelihood has log|B|²; the two
 * agree for triangular or diagonal B. Uses the df-corrected Σ_u and T = n − p as statsmodels.
 */
export function fitSVAR(model: FittedVAR, options: SVAROptions): StructuralVAR {
  if (!(model instanceof FittedVAR)) throw new ArgumentError('fitSVAR needs a fitted VAR from fitVAR', 'model');
  if (!options || typeof options !== 'object') throw new ArgumentError("fitSVAR needs options such as { type: 'AB', A, B }", 'options');
  const type = options.type;
  if (type !== 'A' && type !== 'B' && type !== 'AB') throw new ArgumentError(`type must be 'A', 'B' or 'AB'; got '${String(type)}'`, 'type');
  const k = model.k;
  if ((type === 'A' || type === 'AB') && options.A === undefined) throw new ArgumentError(`an SVAR of type '${type}' needs the pattern A (numbers and 'E')`, 'A');
  if ((type === 'B' || type === 'AB') && options.B === undefined) throw new ArgumentError(`an SVAR of type '${type}' needs the pattern B (numbers and 'E')`, 'B');
  const a = parsePattern(type === 'B' ? undefined : options.A, k, 'A');
  const b = parsePattern(type === 'A' ? undefined : options.B, k, 'B');
  if (type === 'B' && options.A !== undefined) throw new ArgumentError("type 'B' fixes A = I; drop A or use type 'AB'", 'A');
  if (type === 'A' && options.B !== undefined) throw new ArgumentError("type 'A' fixes B = I; drop B or use type 'AB'", 'B');
  const nA = a.free.length, nB = b.free.length, nFree = nA + nB;
  if (nFree === 0) throw new ArgumentError("the patterns have no 'E' entries: nothing to estimate", type === 'B' ? 'B' : 'A');
  const moments = (k * (k + 1)) / 2;
  if (nFree > moments) {
    throw new ArgumentError(`order condition not met: ${nFree} free parameters but Σ_u has only K(K+1)/2 = ${moments} distinct elements; fix more entries of A or B`, type === 'B' ? 'B' : 'A');
  }
  const start = (given: readonly number[] | undefined, n: number, argument: string) => {
    if (given === undefined) return new Array<number>(n).fill(0.1);
    if (!Array.isArray(given) || given.length !== n || !given.every(Number.isFinite)) {
      throw new ArgumentError(`${argument} must hold ${n} finite start values (one per 'E', row by row)`, argument);
    }
    return given.slice();
  };
  const x0 = [...start(options.aStart, nA, 'aStart'), ...start(options.bStart, nB, 'bStart')];
  const sigma = model.sigmaU;
  const build = (x: readonly number[]) => {
    const A = a.fixed.map((r) => r.slice()), B = b.fixed.map((r) => r.slice());
    a.free.forEach(([i, j], t) => { A[i][j] = x[t]; });
    b.free.forEach(([i, j], t) => { B[i][j] = x[nA + t]; });
    return { A, B };
  };
  // Step 1: identification (statsmodels `_compute_J`, `check_order`, `check_rank`) at the start.
  const s0 = build(x0);
  if (Number.isFinite(logAbsDet(s0.A))) {
    const J = identificationJacobian(s0.A, sigma, a.free, b.free);
    if (qrPivoted(J).rank < nFree) {
      throw new ArgumentError('rank condition not met: the restrictions do not identify A and B locally (statsmodels check_rank); change the pattern', type === 'B' ? 'B' : 'A');
    }
  }
  // Step 2: maximum likelihood.
  const f = (x: readonly number[]) => {
    const { A, B } = build(x);
    return svarObjective(A, B, sigma);
  };
  const grad = (x: readonly number[]) => {
    const { A, B } = build(x);
    const Bi = invertOrNull(B), Ai = invertOrNull(A);
    if (!Bi || !Ai) return new Array<number>(nFree).fill(NaN);
    const Bit = transpose(Bi);
    const M = matmul(Bit, Bi);
    const gA = matmul(matmul(M, A), sigma).map((r, i) => r.map((v, j) => v - Ai[j][i]));
    const S = matmul(matmul(A, sigma), transpose(A));
    const core = matmul(matmul(M, S), Bit);
    const gB = Bit.map((r, i) => r.map((v, j) => v - core[i][j]));
    return [...a.free.map(([i, j]) => gA[i][j]), ...b.free.map(([i, j]) => gB[i][j])];
  };
  // From statsmodels' start (0.1) and, unless start values were given, also from a start on the
  // data's scale (diagonal B = standard deviations, A = I, off-diagonals 0): keep the better optimum.
  const starts = [x0];
  if (options.aStart === undefined && options.bStart === undefined) {
    const sd = sigma.map((r, i) => Math.sqrt(r[i]));
    const bDiagFree = (i: number) => b.free.some(([r, c]) => r === i && c === i);
    starts.push([
      ...a.free.map(([i, j]) => (i !== j ? 0 : bDiagFree(i) ? 1 : (b.fixed[i][i] || 1) / sd[i])),
      ...b.free.map(([i, j]) => (i === j ? sd[i] : 0)),
    ]);
  }
  let best: { x: number[]; fx: number; iterations: number } | null = null;
  for (const s of starts) {
    const res = lbfgs(f, s, { gradient: (x) => grad(x), maxIter: options.maxIter ?? 2000, gtol: 1e-11, ftol: 0 });
    if (!Number.isFinite(res.fx)) continue;
    const x = newtonPolish(f, grad, res.x);
    const fx = f(x);
    if (!best || fx < best.fx) best = { x, fx, iterations: res.iterations };
  }
  if (!best) throw new ConvergenceError('the SVAR likelihood is not finite at the start values (singular A or B); give aStart/bStart', 'aStart');
  const x = best.x;
  const est = build(x);
  // Scale-free convergence measure: ∂(−ℓ/T)/∂x_i times the size of the matrix x_i lives in.
  const scaleA = Math.max(...est.A.flat().map(Math.abs)), scaleB = Math.max(...est.B.flat().map(Math.abs));
  const gnorm = Math.max(...grad(x).map((v, i) => Math.abs(v) * (i < nA ? scaleA : scaleB)));
  // Step 3: sign normalisation of the shocks.
  normaliseSigns(est.A, est.B, a, b);
  const shocks = Array.from({ length: k }, (_, i) => `e${i + 1}`);
  return new StructuralVAR(model, {
    type, shocks, A: est.A, B: est.B, aFree: a.free, bFree: b.free,
    converged: gnorm < 1e-6, iterations: best.iterations, gradientNorm: gnorm,
  });
}

/**
 * Newton steps x ← x − H⁻¹g with H from central differences of the analytic gradient, kept while
 * they lower f (within rounding) and the gradient norm: takes the L-BFGS point to full precision.
 */
function newtonPolish(f: (x: readonly number[]) => number, grad: (x: readonly number[]) => number[], start: number[]): number[] {
  let x = start.slice();
  let fx = f(x), g = grad(x), gn = Math.max(...g.map(Math.abs));
  const n = x.length;
  for (let it = 0; it < 10 && gn > 0; it++) {
    const Hm = zeros(n, n);
    for (let i = 0; i < n; i++) {
      const h = 1e-6 * Math.max(Math.abs(x[i]), 1e-8);
      const xp = x.slice(), xm = x.slice();
      xp[i] += h; xm[i] -= h;
      const gp = grad(xp), gm = grad(xm);
      for (let j = 0; j < n; j++) Hm[j][i] = (gp[j] - gm[j]) / (2 * h);
    }
    const sym = Hm.map((r, i) => r.map((v, j) => 0.5 * (v + Hm[j][i])));
    let d: number[];
    try {
      d = solve(sym, g);
    } catch {
      break;
    }
    const xn = x.map((v, i) => v - d[i]);
    const fn = f(xn);
    if (!(fn <= fx + 1e-15 * Math.abs(fx))) break;
    const gnew = grad(xn), gnn = Math.max(...gnew.map(Math.abs));
    if (!(gnn < gn)) break;
    x = xn; fx = fn; g = gnew; gn = gnn;
  }
  return x;
}

/**
 * statsmodels' identification Jacobian (Hamilton 1994 eq. 11.6.44 form): columns
 * 2 D⁺ vec(A⁻¹ E_ij Σ_u) for free A entries and D⁺ vec(A⁻¹ E_ij A⁻¹') for free B entries, with
 * D⁺ vec(M) = vech((M + M')/2).
 */
function identificationJacobian(A: Matrix, sigma: Matrix, aFree: [number, number][], bFree: [number, number][]): Matrix {
  const k = A.length;
  const Ai = invertOrNull(A) ?? identity(k), Ait = transpose(Ai);
  const pairs = vechPairs(k);
  const col = (M: Matrix, scale: number) => pairs.map(([i, j]) => (scale * (M[i][j] + M[j][i])) / 2);
  const cols: number[][] = [];
  for (const [r, c] of aFree) {
    // A⁻¹ E_rc Σ: column r of A⁻¹ times row c of Σ.
    const M = Ai.map((row) => sigma[c].map((s) => row[r] * s));
    cols.push(col(M, 2));
  }
  for (const [r, c] of bFree) {
    const M = Ai.map((row) => Ait[c].map((s) => row[r] * s));
    cols.push(col(M, 1));
  }
  return pairs.map((_, i) => cols.map((c) => c[i]));
}

/** Makes diag(A⁻¹B) positive by flipping column j of B, or row j of A (with B → D B D), when the fixed entries allow. */
function normaliseSigns(A: Matrix, B: Matrix, a: { fixed: Matrix; free: [number, number][] }, b: { fixed: Matrix; free: [number, number][] }): void {
  const k = A.length;
  const isFree = (free: [number, number][], i: number, j: number) => free.some(([r, c]) => r === i && c === j);
  for (let j = 0; j < k; j++) {
    const Ai = invertOrNull(A);
    if (!Ai) return;
    const P = matmul(Ai, B);
    if (!(P[j][j] < 0)) continue;
    const colB = Array.from({ length: k }, (_, i) => isFree(b.free, i, j) || b.fixed[i][j] === 0);
    if (colB.every(Boolean)) { for (let i = 0; i < k; i++) B[i][j] = -B[i][j]; continue; }
    const rowA = Array.from({ length: k }, (_, c) => isFree(a.free, j, c) || a.fixed[j][c] === 0);
    const crossB = Array.from({ length: k }, (_, i) => i === j || ((isFree(b.free, i, j) || b.fixed[i][j] === 0) && (isFree(b.free, j, i) || b.fixed[j][i] === 0)));
    if (rowA.every(Boolean) && crossB.every(Boolean)) {
      for (let c = 0; c < k; c++) A[j][c] = -A[j][c];
      for (let i = 0; i < k; i++) if (i !== j) { B[i][j] = -B[i][j]; B[j][i] = -B[j][i]; }
    }
  }
}
