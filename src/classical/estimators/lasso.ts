/**
 * Penalised least-squares path solvers with an unpenalised intercept, the engines of the sparse
 * VAR (lasso-var.ts):
 *
 * - LASSO on glmnet's scale (Tibshirani 1996; Friedman, Hastie & Tibshirani 2010, "Regularization
 *   paths for generalized linear models via coordinate descent", J. Stat. Softw. 33(1)):
 *   minimise (1/2n)·RSS + λ·Σ_j w_j |b_j| with w_j = 1 (glmnet `standardize=FALSE`) or w_j = s_j,
 *   the 1/n standard deviation of column j (glmnet's default `standardize=TRUE`, coefficients on
 *   the original scale). Solved exactly (KKT) by cyclic coordinate descent with covariance
 *   updates, active-set cycling and warm starts along glmnet's λ path ({@link lassoPath}):
 *   nlambda = 100 log-spaced values from λ_max = max_j |x_jc'(y − ȳ)|/(n w_j) down to
 *   lambda.min.ratio·λ_max (1e-4 when n ≥ #columns, else 1e-2; {@link glmnetLambdaSequence}),
 *   stopping early as glmnet does (from the 5th λ on, when the deviance ratio grows by less than
 *   1e-5 relative or exceeds 0.999). Where the path stops depends on glmnet's own approximate
 *   (thresh = 1e-7) solutions, so {@link glmnetPath} re-runs glmnet's algorithm step by step to
 *   place it.
 * - group LASSO (Yuan & Lin 2006, J. R. Stat. Soc. B 68, 49–67): minimise
 *   (1/2n)·RSS + λ·Σ_g √|g|·‖b_g‖₂ by FISTA (Beck & Teboulle 2009, SIAM J. Imaging Sci. 2,
 *   183–202) with the exact Lipschitz constant L = λ_max(Xc'Xc/n) (so no backtracking is needed)
 *   and gradient-based adaptive restart (O'Donoghue & Candès 2015), to a KKT violation far below
 *   1e-9 ({@link groupLassoPath}).
 *
 * @example
 * const path = lassoPath(x, y, { standardize: true });          // glmnet(x, y)'s λ values, exact solutions
 * const g = glmnetPath(x, y);                                    // glmnet's own approximate path
 * const grp = groupLassoPath(x, y, { groups: [[0, 2], [1, 3]] });
 */
import { ArgumentError, DataError, ConvergenceError } from '../../core/errors.js';
import { symmetricEigen, type Matrix } from '../../core/linalg.js';

/** Options of {@link lassoPath} and {@link groupLassoPath}. */
export interface PathOptions {
  /** λ values to solve at (warm starts in the order given). Default: glmnet's sequence. */
  lambda?: readonly number[];
  /** Length of the generated sequence. Default 100. */
  nlambda?: number;
  /** Smallest generated λ / λ_max. Default 1e-4 when n ≥ #columns, else 1e-2 (glmnet). */
  lambdaMinRatio?: number;
  /**
   * Stop along a generated sequence as glmnet does (from the 5th λ on, when the deviance ratio
   * grows by less than 1e-5 relative or exceeds 0.999). Default true. The LASSO path then takes
   * glmnet's own λ values and length ({@link glmnetPath}); the group path applies the rule to its
   * exact solutions.
   */
  stopEarly?: boolean;
  /** KKT tolerance relative to max(λ_max, 1e-300)·w. Default 1e-12. */
  tol?: number;
  /** Iteration cap (coordinate sweeps or FISTA steps) per λ. Default 1e6. */
  maxIter?: number;
}

/** Options of {@link lassoPath}. */
export interface LassoPathOptions extends PathOptions {
  /** glmnet `standardize`: penalty weights s_j = 1/n standard deviation of column j. Default false. */
  standardize?: boolean;
}

/** Options of {@link groupLassoPath}. */
export interface GroupLassoPathOptions extends PathOptions {
  /** Column indices of each group (a partition of the columns). */
  groups: readonly (readonly number[])[];
}

/** Solutions along a λ path; coefficients on the original scale, zeros included. */
export interface PenalizedPath {
  lambda: number[];
  /** Smallest λ with all coefficients zero. */
  lambdaMax: number;
  intercept: number[];
  /** coef[m][j]: coefficient of column j at lambda[m]. */
  coef: number[][];
  /** Number of nonzero coefficients (intercept excluded). */
  df: number[];
  /** 1 − RSS/TSS (glmnet's `dev.ratio`). */
  devRatio: number[];
  /** Residual sum of squares. */
  rss: number[];
  /** (1/2n)·RSS + λ·penalty at each solution. */
  objective: number[];
  /** Largest violation of the optimality (KKT) conditions at each solution. */
  kktViolation: number[];
  /** Iterations (coordinate sweeps or FISTA steps) spent at each λ. */
  iterations: number[];
}

/** A group-LASSO path; `activeGroups[m]` lists the groups with a nonzero coefficient. */
export interface GroupPenalizedPath extends PenalizedPath {
  activeGroups: number[][];
}

/**
 * glmnet's λ sequence: `nlambda` values λ_max·r^((m−1)/(nlambda−1)), m = 1..nlambda, formed by
 * repeated multiplication as glmnet's Fortran does; r = `lambdaMinRatio`, by default 1e-4 when
 * `nobs` ≥ `nvars` and 1e-2 otherwise.
 */
export function glmnetLambdaSequence(lambdaMax: number, nobs: number, nvars: number, nlambda = 100, lambdaMinRatio?: number): number[] {
  if (!Number.isInteger(nlambda) || nlambda < 1) throw new ArgumentError(`nlambda must be an integer ≥ 1; got ${nlambda}`, 'nlambda');
  const ratio = lambdaMinRatio ?? (nobs < nvars ? 1e-2 : 1e-4);
  if (!(ratio > 0 && ratio < 1)) throw new ArgumentError(`lambdaMinRatio must lie in (0, 1); got ${ratio}`, 'lambdaMinRatio');
  if (nlambda === 1) return [lambdaMax];
  const alf = ratio ** (1 / (nlambda - 1));
  const out = [lambdaMax];
  let alm = lambdaMax;
  for (let m = 1; m < nlambda; m++) { alm *= alf; out.push(alm); }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The centred problem: intercept unpenalised, so b0 = ȳ − x̄'b and the rest solves a problem in
// the centred Gram matrix G = Xc'Xc/n and c = Xc'(y − ȳ)/n.

interface Centered {
  n: number;
  p: number;
  x: Matrix;
  y: Float64Array;
  xbar: Float64Array;
  ybar: number;
  /** Row-major p×p Gram matrix Xc'Xc/n. */
  G: Float64Array;
  c: Float64Array;
  /** Σ (y − ȳ)². */
  tss: number;
}

function center(x: Matrix, y: ArrayLike<number>): Centered {
  const n = x.length, p = n ? x[0].length : 0;
  const xbar = new Float64Array(p);
  let ybar = 0;
  for (let i = 0; i < n; i++) {
    ybar += y[i];
    for (let j = 0; j < p; j++) xbar[j] += x[i][j];
  }
  ybar /= n;
  for (let j = 0; j < p; j++) xbar[j] /= n;
  const G = new Float64Array(p * p), c = new Float64Array(p);
  const xc = new Float64Array(p);
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const yc = y[i] - ybar;
    tss += yc * yc;
    for (let j = 0; j < p; j++) xc[j] = x[i][j] - xbar[j];
    for (let j = 0; j < p; j++) {
      const v = xc[j];
      c[j] += v * yc;
      const row = j * p;
      for (let l = j; l < p; l++) G[row + l] += v * xc[l];
    }
  }
  for (let j = 0; j < p; j++) {
    c[j] /= n;
    for (let l = j; l < p; l++) { G[j * p + l] /= n; G[l * p + j] = G[j * p + l]; }
  }
  return { n, p, x, y: Float64Array.from(y), xbar, ybar, G, c, tss };
}

/** r = c − G b. */
function gradient(P: Centered, b: Float64Array, out: Float64Array): Float64Array {
  const { p, G, c } = P;
  for (let j = 0; j < p; j++) {
    let s = 0;
    const row = j * p;
    for (let l = 0; l < p; l++) s += G[row + l] * b[l];
    out[j] = c[j] - s;
  }
  return out;
}

/** Residual sum of squares of y − b0 − Xb, computed from the data (no cancellation). */
function residualSS(P: Centered, b0: number, b: ArrayLike<number>): number {
  let rss = 0;
  for (let i = 0; i < P.n; i++) {
    const xi = P.x[i];
    let f = b0;
    for (let j = 0; j < P.p; j++) f += xi[j] * b[j];
    rss += (P.y[i] - f) ** 2;
  }
  return rss;
}

function interceptOf(P: Centered, b: ArrayLike<number>): number {
  let s = P.ybar;
  for (let j = 0; j < P.p; j++) s -= P.xbar[j] * b[j];
  return s;
}

function checkLambdas(lambda: readonly number[]): void {
  lambda.forEach((l, m) => {
    if (!Number.isFinite(l) || l < 0) throw new ArgumentError(`lambda must be finite and ≥ 0; lambda[${m}] is ${l}`, 'lambda');
  });
}

function toMatrix(x: Matrix | readonly (readonly number[])[], y: ArrayLike<number>): Matrix {
  const n = x.length;
  if (n !== y.length) throw new DataError(`x has ${n} rows but y has ${y.length} values; give one row per observation`, 'x');
  if (n < 2) throw new DataError(`a penalised regression needs at least 2 observations; got ${n}`, 'y');
  const p = x[0].length;
  return x.map((r, i) => {
    if (r.length !== p) throw new DataError(`row ${i + 1} of x has ${r.length} values; expected ${p}`, 'x');
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(r[j])) throw new DataError(`x has a missing or non-finite value at row ${i + 1}, column ${j + 1}; remove the row first`, 'x');
    }
    if (!Number.isFinite(y[i])) throw new DataError(`y has a missing or non-finite value at row ${i + 1}; remove the row first`, 'y');
    return Array.from(r);
  });
}

const soft = (z: number, t: number): number => (z > t ? z - t : z < -t ? z + t : 0);

/**
 * Exact weighted LASSO at one λ by cyclic coordinate descent with covariance updates (Friedman,
 * Hastie & Tibshirani 2010, §2.2): full sweeps alternate with sweeps over the active set until no
 * coordinate moves, then the gradient is recomputed from scratch and the KKT conditions checked.
 * `b` holds the warm start and receives the solution.
 */
function lassoCD(P: Centered, lambda: number, w: Float64Array, b: Float64Array, tolKkt: number, maxIter: number): { iterations: number; kkt: number } {
  const { p, G } = P;
  const r = gradient(P, b, new Float64Array(p));
  const diag = Float64Array.from({ length: p }, (_, j) => G[j * p + j]);
  const scale = Math.sqrt(P.tss / P.n) || 1;
  const stepTol = 1e-15 * scale;
  const sweep = (idx: ArrayLike<number>): number => {
    let maxMove = 0;
    for (let a = 0; a < idx.length; a++) {
      const j = idx[a];
      const gjj = diag[j];
      if (!(gjj > 0)) continue;
      const old = b[j];
      const nb = soft(r[j] + gjj * old, lambda * w[j]) / gjj;
      if (nb === old) continue;
      const d = nb - old;
      b[j] = nb;
      const col = j * p;
      for (let l = 0; l < p; l++) r[l] -= d * G[col + l];
      const move = Math.abs(d) * Math.sqrt(gjj);
      if (move > maxMove) maxMove = move;
    }
    return maxMove;
  };
  const all = Array.from({ length: p }, (_, j) => j);
  let iterations = 0;
  let kkt = Infinity;
  for (let outer = 0; outer < 1000; outer++) {
    // Active-set cycling (glmnet): full sweep, then iterate on the nonzero coordinates.
    let move = sweep(all);
    iterations++;
    while (move > stepTol && iterations < maxIter) {
      const active = all.filter((j) => b[j] !== 0);
      let inner = sweep(active);
      iterations++;
      while (inner > stepTol && iterations < maxIter) { inner = sweep(active); iterations++; }
      move = sweep(all);
      iterations++;
    }
    gradient(P, b, r); // drop accumulated rounding of the incremental updates
    kkt = lassoKkt(r, b, lambda, w, diag);
    if (kkt <= tolKkt) return { iterations, kkt };
    if (iterations >= maxIter) break;
  }
  throw new ConvergenceError(
    `LASSO coordinate descent did not reach the KKT tolerance ${tolKkt.toExponential(1)} at lambda = ${lambda} (violation ${kkt.toExponential(2)} after ${iterations} sweeps); raise maxIter or the tolerance`,
    'maxIter',
  );
}

function lassoKkt(r: Float64Array, b: Float64Array, lambda: number, w: Float64Array, diag: Float64Array): number {
  let v = 0;
  for (let j = 0; j < b.length; j++) {
    if (!(diag[j] > 0)) continue;
    const t = lambda * w[j];
    const e = b[j] !== 0 ? Math.abs(r[j] - t * Math.sign(b[j])) : Math.max(0, Math.abs(r[j]) - t);
    if (e > v) v = e;
  }
  return v;
}

function stopsEarly(devRatio: readonly number[]): boolean {
  // glmnet (elnet, `fdev = 1e-5`, `devmax = 0.999`, `mnlam = 5`): checked after solution m ≥ 5.
  const m = devRatio.length;
  if (m < 5) return false;
  const rsq = devRatio[m - 1], rsq0 = devRatio[m - 2];
  return rsq - rsq0 < 1e-5 * rsq || rsq > 0.999;
}

/**
 * The LASSO path of y on the columns of x with an unpenalised intercept, glmnet's objective
 * (1/2n)·RSS + λ·Σ_j w_j|b_j| (w_j = 1, or the column's 1/n standard deviation with
 * `standardize`), solved exactly at each λ (KKT violation ≤ tol·λ_max) with warm starts.
 * Without `lambda` the λ values are exactly glmnet's default path for the same data and
 * `standardize` (its sequence and its early exit, which depends on glmnet's own approximate
 * solutions: see {@link glmnetPath}); with `stopEarly: false`, the full generated sequence.
 */
export function lassoPath(x: Matrix | readonly (readonly number[])[], y: ArrayLike<number>, options: LassoPathOptions = {}): PenalizedPath {
  const X = toMatrix(x, y);
  const P = center(X, y);
  const w = new Float64Array(P.p).fill(1);
  if (options.standardize) for (let j = 0; j < P.p; j++) w[j] = Math.sqrt(P.G[j * P.p + j]);
  let lambdaMax = 0;
  for (let j = 0; j < P.p; j++) {
    if (!(P.G[j * P.p + j] > 0)) continue; // constant column: never enters (glmnet's ju = 0)
    lambdaMax = Math.max(lambdaMax, Math.abs(P.c[j]) / w[j]);
  }
  let opts: PathOptions = options;
  if (options.lambda === undefined && (options.stopEarly ?? true)) {
    const g = glmnetPath(X, y, { standardize: options.standardize ?? false, nlambda: options.nlambda, lambdaMinRatio: options.lambdaMinRatio });
    opts = { ...options, lambda: g.lambda, stopEarly: false };
  }
  return solvePath(P, lambdaMax, opts, (lambda, b, tolKkt, maxIter) => {
    const { iterations, kkt } = lassoCD(P, lambda, w, b, tolKkt, maxIter);
    let pen = 0;
    for (let j = 0; j < P.p; j++) pen += w[j] * Math.abs(b[j]);
    return { iterations, kkt, penalty: lambda * pen };
  });
}

/** Options of {@link glmnetPath}. */
export interface GlmnetOptions {
  /** glmnet `standardize`. Default true (glmnet's default). */
  standardize?: boolean;
  nlambda?: number;
  lambdaMinRatio?: number;
  /** glmnet `thresh`: convergence when max_j xv_j·Δ_j² < thresh (scaled problem). Default 1e-7. */
  thresh?: number;
  /** glmnet `maxit` (total coordinate passes). Default 1e5. */
  maxit?: number;
}

/** glmnet's own (approximate) path: its λ values, coefficients and deviance ratios. */
export interface GlmnetPathResult {
  lambda: number[];
  intercept: number[];
  coef: number[][];
  devRatio: number[];
  /** Total coordinate passes (glmnet's `npasses`). */
  passes: number;
}

/**
 * A step-by-step re-implementation of glmnet 4.1's gaussian fit with `type.gaussian =
 * "covariance"` (Fortran `standard` + `elnet1`, kept unchanged in its C++ port glmnetpp), alpha = 1,
 * unit weights, intercept: the data are centred and scaled by 1/√n (and by the column standard
 * deviations when `standardize`), y by its standard deviation; coordinate descent with covariance
 * updates runs until max_j xv_j·Δ_j² < thresh, alternating full and active-set passes; λ_1 = ∞ is
 * reported as exp(2 log λ_2 − log λ_3) (R's `fix.lam`), λ_m = λ_max·alf^(m−1); the path stops
 * after solution m ≥ 5 when the deviance ratio grew by less than 1e-5 relative or exceeds 0.999.
 * Reproduces glmnet's default λ path exactly, including where it stops; its coefficients are
 * glmnet's approximate ones (use {@link lassoPath} for exact solutions at these λ values).
 */
export function glmnetPath(x: Matrix | readonly (readonly number[])[], y: ArrayLike<number>, options: GlmnetOptions = {}): GlmnetPathResult {
  const X = toMatrix(x, y);
  const no = X.length, ni = X[0].length;
  const isd = options.standardize ?? true;
  const nlam = options.nlambda ?? 100;
  if (!Number.isInteger(nlam) || nlam < 1) throw new ArgumentError(`nlambda must be an integer ≥ 1; got ${nlam}`, 'nlambda');
  const flmin = options.lambdaMinRatio ?? (no < ni ? 1e-2 : 1e-4);
  if (!(flmin > 0 && flmin < 1)) throw new ArgumentError(`lambdaMinRatio must lie in (0, 1); got ${flmin}`, 'lambdaMinRatio');
  const thr = options.thresh ?? 1e-7;
  const maxit = options.maxit ?? 100000;
  // standard(): weights w = 1/n, v = √w.
  const w = 1 / no, v = Math.sqrt(w);
  const ju = Array.from({ length: ni }, (_, j) => X.some((r) => r[j] !== X[0][j]));
  if (!ju.some(Boolean)) throw new DataError('every column of x is constant; nothing to fit', 'x');
  const xm = new Float64Array(ni), xs = new Float64Array(ni).fill(1), xv = new Float64Array(ni);
  const cols: Float64Array[] = [];
  for (let j = 0; j < ni; j++) {
    const col = new Float64Array(no);
    cols.push(col);
    if (!ju[j]) continue;
    let m = 0;
    for (let i = 0; i < no; i++) m += w * X[i][j];
    xm[j] = m;
    let s = 0;
    for (let i = 0; i < no; i++) { col[i] = v * (X[i][j] - m); s += col[i] * col[i]; }
    xv[j] = s;
    if (isd) xs[j] = Math.sqrt(s);
  }
  if (isd) {
    for (let j = 0; j < ni; j++) if (ju[j]) for (let i = 0; i < no; i++) cols[j][i] /= xs[j];
    xv.fill(1);
  }
  let ym = 0;
  for (let i = 0; i < no; i++) ym += w * y[i];
  const yt = new Float64Array(no);
  let ys = 0;
  for (let i = 0; i < no; i++) { yt[i] = v * (y[i] - ym); ys += yt[i] * yt[i]; }
  ys = Math.sqrt(ys);
  if (!(ys > 0)) throw new DataError('y is constant; nothing to fit', 'y');
  for (let i = 0; i < no; i++) yt[i] /= ys;
  const dotc = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < no; i++) s += a[i] * b[i]; return s; };
  const g = new Float64Array(ni);
  for (let j = 0; j < ni; j++) if (ju[j]) g[j] = dotc(yt, cols[j]);
  // elnet1 with beta = 1, vp = 1, no box constraints.
  const big = 9.9e35, sml = 1e-5, rsqmax = 0.999, mnl = Math.min(5, nlam);
  const eqs = Math.max(1e-6, flmin);
  const alf = eqs ** (1 / (nlam - 1));
  const a = new Float64Array(ni);
  const mm = new Int32Array(ni).fill(-1); // position in the active list, −1 if never active
  const ia: number[] = [];
  const c: Float64Array[] = []; // c[l][j] = x_j'x_{ia[l]}
  let rsq = 0, nlp = 0, iz = false, alm = 0;
  const out: GlmnetPathResult = { lambda: [], intercept: [], coef: [], devRatio: [], passes: 0 };
  const almo: number[] = [];
  const tooMany = () => new ConvergenceError(`glmnet path: more than maxit = ${maxit} coordinate passes; raise maxit`, 'maxit');
  for (let m = 1; m <= nlam; m++) {
    if (m > 2) alm *= alf;
    else if (m === 1) alm = big;
    else {
      alm = 0;
      for (let j = 0; j < ni; j++) if (ju[j]) alm = Math.max(alm, Math.abs(g[j]));
      alm = alf * alm;
    }
    const ab = alm;
    const rsq0 = rsq;
    let jz = true;
    for (;;) {
      if (!(iz && jz)) {
        nlp++;
        let dlx = 0;
        for (let k = 0; k < ni; k++) {
          if (!ju[k]) continue;
          const ak = a[k];
          const u = g[k] + ak * xv[k];
          const vv = Math.abs(u) - ab;
          a[k] = vv > 0 ? (u >= 0 ? vv : -vv) / xv[k] : 0;
          if (a[k] === ak) continue;
          if (mm[k] < 0) {
            const col = new Float64Array(ni);
            for (let j = 0; j < ni; j++) {
              if (!ju[j]) continue;
              col[j] = mm[j] >= 0 ? c[mm[j]][k] : j === k ? xv[j] : dotc(cols[j], cols[k]);
            }
            mm[k] = ia.length;
            ia.push(k);
            c.push(col);
          }
          const del = a[k] - ak;
          rsq += del * (2 * g[k] - del * xv[k]);
          dlx = Math.max(xv[k] * del * del, dlx);
          const ck = c[mm[k]];
          for (let j = 0; j < ni; j++) if (ju[j]) g[j] -= ck[j] * del;
        }
        if (dlx < thr) break;
        if (nlp > maxit) throw tooMany();
      }
      iz = true;
      const da = ia.map((k) => a[k]);
      for (;;) {
        nlp++;
        let dlx = 0;
        for (let l = 0; l < ia.length; l++) {
          const k = ia[l];
          const ak = a[k];
          const u = g[k] + ak * xv[k];
          const vv = Math.abs(u) - ab;
          a[k] = vv > 0 ? (u >= 0 ? vv : -vv) / xv[k] : 0;
          if (a[k] === ak) continue;
          const del = a[k] - ak;
          rsq += del * (2 * g[k] - del * xv[k]);
          dlx = Math.max(xv[k] * del * del, dlx);
          const ck = c[mm[k]];
          for (let j = 0; j < ia.length; j++) g[ia[j]] -= ck[ia[j]] * del;
        }
        if (dlx < thr) break;
        if (nlp > maxit) throw tooMany();
      }
      for (let l = 0; l < ia.length; l++) da[l] = a[ia[l]] - da[l];
      for (let j = 0; j < ni; j++) {
        if (mm[j] >= 0 || !ju[j]) continue;
        let s = 0;
        for (let l = 0; l < ia.length; l++) s += da[l] * c[l][j];
        g[j] -= s;
      }
      jz = false;
    }
    // Store solution m on the original scale.
    const coef = new Array<number>(ni).fill(0);
    let a0 = ym;
    for (const k of ia) {
      coef[k] = (ys * a[k]) / xs[k];
      a0 -= coef[k] * xm[k];
    }
    out.coef.push(coef);
    out.intercept.push(a0);
    out.devRatio.push(rsq);
    almo.push(ys * alm);
    if (m < mnl) continue;
    if (rsq - rsq0 < sml * rsq) break;
    if (rsq > rsqmax) break;
  }
  out.passes = nlp;
  // R's fix.lam: the first λ (∞ inside glmnet) extrapolated from the next two.
  if (almo.length > 2) almo[0] = Math.exp(2 * Math.log(almo[1]) - Math.log(almo[2]));
  out.lambda = almo;
  return out;
}

type Solver = (lambda: number, b: Float64Array, tolKkt: number, maxIter: number) => { iterations: number; kkt: number; penalty: number };

function solvePath(P: Centered, lambdaMax: number, options: PathOptions, solve: Solver): PenalizedPath {
  const given = options.lambda !== undefined;
  const lambdas = given ? Array.from(options.lambda as readonly number[]) : glmnetLambdaSequence(lambdaMax, P.n, P.p, options.nlambda ?? 100, options.lambdaMinRatio);
  checkLambdas(lambdas);
  const stopEarly = options.stopEarly ?? !given;
  const tol = options.tol ?? 1e-12;
  if (!(tol > 0)) throw new ArgumentError(`tol must be > 0; got ${tol}`, 'tol');
  const maxIter = options.maxIter ?? 1_000_000;
  const tolKkt = tol * Math.max(lambdaMax, 1e-300);
  const out: PenalizedPath = { lambda: [], lambdaMax, intercept: [], coef: [], df: [], devRatio: [], rss: [], objective: [], kktViolation: [], iterations: [] };
  const b = new Float64Array(P.p);
  for (const lambda of lambdas) {
    // At λ ≥ λ_max the solution is exactly zero; solving would leave rounding-level coefficients
    // (λ_max·w_j vs |c_j| differ in the last bit) and noise edges in the Granger graph.
    let res = { iterations: 0, kkt: 0, penalty: 0 };
    if (lambda >= lambdaMax) b.fill(0);
    else res = solve(lambda, b, tolKkt, maxIter);
    const { iterations, kkt, penalty } = res;
    const b0 = interceptOf(P, b);
    const rss = residualSS(P, b0, b);
    out.lambda.push(lambda);
    out.intercept.push(b0);
    out.coef.push(Array.from(b));
    out.df.push(b.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0));
    out.devRatio.push(P.tss > 0 ? 1 - rss / P.tss : 0);
    out.rss.push(rss);
    out.objective.push(rss / (2 * P.n) + penalty);
    out.kktViolation.push(kkt);
    out.iterations.push(iterations);
    if (stopEarly && stopsEarly(out.devRatio)) break;
  }
  return out;
}

/**
 * FISTA for the group LASSO at one λ, warm-started from `b`: step 1/L with L the largest
 * eigenvalue of G (exact Lipschitz constant, so backtracking never triggers), group
 * soft-thresholding prox, gradient-based adaptive restart. Stops at KKT violation ≤ `tolKkt`.
 */
function groupFista(
  P: Centered, lambda: number, groups: readonly (readonly number[])[], weights: Float64Array, L: number,
  b: Float64Array, tolKkt: number, maxIter: number,
): { iterations: number; kkt: number } {
  const { p, G, c } = P;
  const t = 1 / L;
  const z = Float64Array.from(b), v = new Float64Array(p), bNew = new Float64Array(p);
  const r = new Float64Array(p);
  let theta = 1;
  let kkt = groupKkt(gradient(P, b, r), b, lambda, groups, weights);
  if (kkt <= tolKkt) return { iterations: 0, kkt };
  for (let it = 1; it <= maxIter; it++) {
    // v = z + t (c − G z)
    for (let j = 0; j < p; j++) {
      let s = 0;
      const row = j * p;
      for (let l = 0; l < p; l++) s += G[row + l] * z[l];
      v[j] = z[j] + t * (c[j] - s);
    }
    groups.forEach((g, gi) => {
      let nv = 0;
      for (const j of g) nv += v[j] * v[j];
      nv = Math.sqrt(nv);
      const thr = t * lambda * weights[gi];
      const f = nv > thr ? 1 - thr / nv : 0;
      for (const j of g) bNew[j] = f * v[j];
    });
    // Restart when the momentum points uphill: (z − bNew)'(bNew − b) > 0.
    let dir = 0;
    for (let j = 0; j < p; j++) dir += (z[j] - bNew[j]) * (bNew[j] - b[j]);
    if (dir > 0) {
      theta = 1;
      for (let j = 0; j < p; j++) { b[j] = bNew[j]; z[j] = bNew[j]; }
    } else {
      const thetaNew = (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
      const mom = (theta - 1) / thetaNew;
      for (let j = 0; j < p; j++) { z[j] = bNew[j] + mom * (bNew[j] - b[j]); b[j] = bNew[j]; }
      theta = thetaNew;
    }
    if (it % 10 === 0 || it === maxIter) {
      kkt = groupKkt(gradient(P, b, r), b, lambda, groups, weights);
      if (kkt <= tolKkt) return { iterations: it, kkt };
    }
  }
  throw new ConvergenceError(
    `group LASSO (FISTA) did not reach the KKT tolerance ${tolKkt.toExponential(1)} at lambda = ${lambda} (violation ${kkt.toExponential(2)} after ${maxIter} steps); raise maxIter or the tolerance`,
    'maxIter',
  );
}

function groupKkt(r: Float64Array, b: Float64Array, lambda: number, groups: readonly (readonly number[])[], weights: Float64Array): number {
  let v = 0;
  groups.forEach((g, gi) => {
    const t = lambda * weights[gi];
    let nb = 0, nr = 0;
    for (const j of g) { nb += b[j] * b[j]; nr += r[j] * r[j]; }
    nb = Math.sqrt(nb);
    let e: number;
    if (nb > 0) {
      let s = 0;
      for (const j of g) s += (r[j] - (t * b[j]) / nb) ** 2;
      e = Math.sqrt(s);
    } else {
      e = Math.max(0, Math.sqrt(nr) - t);
    }
    if (e > v) v = e;
  });
  return v;
}

/**
 * The group-LASSO path of y on the columns of x with an unpenalised intercept:
 * (1/2n)·RSS + λ·Σ_g √|g|·‖b_g‖₂, λ_max = max_g ‖X_gc'(y − ȳ)‖/(n√|g|), solved by FISTA with warm
 * starts to KKT violation ≤ tol·λ_max. Without `lambda`, glmnet's sequence and early exit.
 */
export function groupLassoPath(x: Matrix | readonly (readonly number[])[], y: ArrayLike<number>, options: GroupLassoPathOptions): GroupPenalizedPath {
  const X = toMatrix(x, y);
  const P = center(X, y);
  const groups = options.groups;
  const seen = new Array<number>(P.p).fill(0);
  for (const g of groups) {
    if (g.length === 0) throw new ArgumentError('groups must not contain an empty group', 'groups');
    for (const j of g) {
      if (!Number.isInteger(j) || j < 0 || j >= P.p) throw new ArgumentError(`groups: column index ${j} is outside 0..${P.p - 1}`, 'groups');
      seen[j]++;
    }
  }
  const bad = seen.findIndex((s) => s !== 1);
  if (bad >= 0) throw new ArgumentError(`groups must partition the ${P.p} columns; column ${bad} is in ${seen[bad]} groups`, 'groups');
  const weights = Float64Array.from(groups, (g) => Math.sqrt(g.length));
  let lambdaMax = 0;
  groups.forEach((g, gi) => {
    let s = 0;
    for (const j of g) s += P.c[j] * P.c[j];
    lambdaMax = Math.max(lambdaMax, Math.sqrt(s) / weights[gi]);
  });
  const gm: Matrix = Array.from({ length: P.p }, (_, j) => Array.from(P.G.subarray(j * P.p, (j + 1) * P.p)));
  const L = P.p ? Math.max(symmetricEigen(gm).values[0], 1e-300) : 1;
  const path = solvePath(P, lambdaMax, options, (lambda, b, tolKkt, maxIter) => {
    const { iterations, kkt } = groupFista(P, lambda, groups, weights, L, b, tolKkt, maxIter);
    let pen = 0;
    groups.forEach((g, gi) => {
      let s = 0;
      for (const j of g) s += b[j] * b[j];
      pen += weights[gi] * Math.sqrt(s);
    });
    return { iterations, kkt, penalty: lambda * pen };
  });
  const activeGroups = path.coef.map((b) => groups.flatMap((g, gi) => (g.some((j) => b[j] !== 0) ? [gi] : [])));
  return { ...path, activeGroups };
}
