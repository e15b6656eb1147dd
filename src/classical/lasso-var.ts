/**
 * Sparse high-dimensional vector autoregression by equation-wise penalised least squares.
 *
 * Each equation i of a VAR(p) in k variables, y_{i,t} = b0 + Σ_l Σ_j A_l[i, j] y_{j,t−l} + e,
 * is a separate regression of y_i on the kp lagged values, fitted by
 *
 * - LASSO on glmnet's scale (Tibshirani 1996; Friedman, Hastie & Tibshirani 2010, "Regularization
 *   paths for generalized linear models via coordinate descent", J. Stat. Softw. 33(1)):
 *   minimise (1/2n)·RSS + λ·Σ_j w_j |b_j| with the intercept unpenalised, w_j = 1
 *   (glmnet `standardize=FALSE`) or w_j = s_j, the 1/n standard deviation of column j
 *   (glmnet's default `standardize=TRUE`, coefficients on the original scale). Solved exactly
 *   (KKT) by cyclic coordinate descent with covariance updates, active-set cycling and warm starts
 *   along glmnet's λ path: nlambda = 100 log-spaced values from λ_max = max_j |x_jc'(y − ȳ)|/(n w_j)
 *   down to lambda.min.ratio·λ_max (1e-4 when n ≥ #columns, else 1e-2), stopping early as glmnet
 *   does (from the 5th λ on, when the deviance ratio grows by less than 1e-5 relative or
 *   exceeds 0.999). Where the path stops depends on glmnet's own approximate (thresh = 1e-7)
 *   solutions, so {@link glmnetPath} re-runs glmnet's algorithm step by step to place it.
 * - group LASSO (Yuan & Lin 2006, J. R. Stat. Soc. B 68, 49–67) with one group per variable's p
 *   lags in each equation (Nicholson, Matteson & Bien 2017, "VARX-L", Int. J. Forecasting 33):
 *   minimise (1/2n)·RSS + λ·Σ_g √|g|·‖b_g‖₂, by FISTA (Beck & Teboulle 2009, SIAM J. Imaging Sci.
 *   2, 183–202) with the exact Lipschitz constant L = λ_max(Xc'Xc/n) (so no backtracking is
 *   needed) and gradient-based adaptive restart (O'Donoghue & Candès 2015), to a KKT violation
 *   far below 1e-9.
 *
 * λ is one number for all equations, one per equation, or chosen per equation by BIC
 * (n·log(RSS/n) + log(n)·df, df = number of nonzero lag coefficients; Zou, Hastie & Tibshirani
 * 2007) or by rolling-origin cross-validation of one-step forecasts (deterministic, no random
 * folds). The recovered Granger graph has an edge j → i (j ≠ i) when any lag of variable j has a
 * nonzero coefficient in equation i. Forecasts are the plug-in recursion of the fitted VAR.
 *
 * @example
 * const fit = fitLassoVAR({ gdp, cons, inv }, { lags: 4, select: 'bic' });
 * fit.granger(); fit.forecast(8).mean.gdp; console.log(fit.summary());
 */
import { ArgumentError, DataError, ConvergenceError } from '../core/errors.js';
import { symmetricEigen, type Matrix } from '../core/linalg.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';

export type LassoPenalty = 'lasso' | 'group';
export type LassoSelect = 'bic' | 'cv';
/**
 * Per-variable transform applied before the VAR design: `log`, `diff` (x_t − x_{t−1}),
 * `dlog` (log x_t − log x_{t−1}) or `dlog100` (100·(log x_t − log x_{t−1}), growth in per cent).
 */
export type VarTransform = 'none' | 'log' | 'diff' | 'dlog' | 'dlog100';

const PENALTIES: readonly LassoPenalty[] = ['lasso', 'group'];
const SELECTS: readonly LassoSelect[] = ['bic', 'cv'];
const TRANSFORMS: readonly VarTransform[] = ['none', 'log', 'diff', 'dlog', 'dlog100'];

/** Data for {@link fitLassoVAR}: named columns (key order = variable order) or rows with `names`. */
export type LassoVARData = Readonly<Record<string, ArrayLike<number>>> | readonly (readonly number[])[];

export interface LassoVAROptions {
  /** VAR order p (number of lags), an integer ≥ 1. */
  lags: number;
  /** Fixed penalty: one λ ≥ 0 for all equations, or one per equation (keyed by variable). */
  lambda?: number | Readonly<Record<string, number>>;
  /** Choose λ per equation along the path: 'bic' (default when `lambda` is absent) or 'cv'. */
  select?: LassoSelect;
  /** 'lasso' (default) or 'group' (one group per variable's lags in each equation). */
  penalty?: LassoPenalty;
  /** Transform of every variable, or per variable; default 'none'. */
  transform?: VarTransform | Readonly<Record<string, VarTransform>>;
  /** Variable names when `data` is given as rows. Default y1, y2, … */
  names?: readonly string[];
  /** Number of λ values on the selection path. Default 100 (glmnet). */
  nlambda?: number;
  /** Smallest λ on the selection path as a fraction of λ_max. Default glmnet's rule. */
  lambdaMinRatio?: number;
  /** Number of rolling-origin folds for `select: 'cv'`. Default 5. */
  folds?: number;
}

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

// ---------------------------------------------------------------------------------------------
// The VAR design.

/** The lagged design of a VAR(p): response rows t = p+1..T and regressors [y_{t−1}', …, y_{t−p}']. */
export interface VarDesign {
  variables: string[];
  /** Coefficient names of every equation, statsmodels style: const, L1.v1, …, L1.vk, L2.v1, … */
  names: string[];
  /** The (transformed) series, T × k rows. */
  series: number[][];
  /** Regressor rows (lag-major: all variables at lag 1, then lag 2, …), without the intercept. */
  x: Matrix;
  /** Response rows, one column per equation. */
  y: Matrix;
}

function transformOf(spec: LassoVAROptions['transform'], name: string): VarTransform {
  const t = spec === undefined ? 'none' : typeof spec === 'string' ? spec : spec[name] ?? 'none';
  if (!TRANSFORMS.includes(t)) throw new ArgumentError(`transform of '${name}' must be one of ${TRANSFORMS.join(', ')}; got '${t as string}'`, 'transform');
  return t;
}

/**
 * Builds the VAR(p) design from named columns: checks lengths and missing values, applies the
 * transforms (differencing transforms drop the first observation of every variable so that all
 * stay aligned), and stacks the lags.
 */
export function varDesign(data: LassoVARData, lags: number, transform?: LassoVAROptions['transform'], names?: readonly string[]): VarDesign {
  if (!Number.isInteger(lags) || lags < 1) throw new ArgumentError(`lags must be an integer ≥ 1; got ${lags}`, 'lags');
  let variables: string[];
  let cols: ArrayLike<number>[];
  if (Array.isArray(data)) {
    const rows = data as readonly (readonly number[])[];
    const k = rows.length ? rows[0].length : 0;
    variables = names ? names.slice() : Array.from({ length: k }, (_, j) => `y${j + 1}`);
    if (variables.length !== k) throw new ArgumentError(`names has ${variables.length} entries for ${k} columns`, 'names');
    rows.forEach((r, i) => {
      if (r.length !== k) throw new DataError(`row ${i + 1} of data has ${r.length} values; expected ${k}`, 'data');
    });
    cols = variables.map((_, j) => rows.map((r) => r[j]));
  } else {
    const rec = data as Readonly<Record<string, ArrayLike<number>>>;
    variables = Object.keys(rec);
    cols = variables.map((v) => rec[v]);
  }
  const k = variables.length;
  if (k === 0) throw new DataError('data has no variables; give at least one named column', 'data');
  if (new Set(variables).size !== k) throw new ArgumentError(`variable names must be distinct; got ${variables.join(', ')}`, 'names');
  if (typeof transform === 'object') {
    for (const key of Object.keys(transform)) {
      if (!variables.includes(key)) throw new ArgumentError(`transform names '${key}', which is not a variable (${variables.join(', ')})`, 'transform');
    }
  }
  const T0 = cols[0].length;
  cols.forEach((c, j) => {
    if (c.length !== T0) throw new DataError(`variable '${variables[j]}' has ${c.length} values but '${variables[0]}' has ${T0}; give columns of equal length`, 'data');
    for (let t = 0; t < T0; t++) {
      if (!Number.isFinite(c[t])) {
        throw new DataError(`variable '${variables[j]}' has a missing or non-finite value at row ${t + 1}; a VAR needs complete data, so drop or fill the gap first`, 'data');
      }
    }
  });
  const kinds = variables.map((v) => transformOf(transform, v));
  const differenced = kinds.some((t) => t === 'diff' || t === 'dlog' || t === 'dlog100');
  const series: number[][] = [];
  const tcols = cols.map((c, j) => {
    const kind = kinds[j];
    if (kind === 'log' || kind === 'dlog' || kind === 'dlog100') {
      for (let t = 0; t < T0; t++) {
        if (!(c[t] > 0)) {
          throw new DataError(`transform ${kind} of '${variables[j]}' needs positive values; row ${t + 1} is ${c[t]}. Use 'diff' or 'none' for this variable`, 'transform');
        }
      }
    }
    const out: number[] = [];
    for (let t = differenced ? 1 : 0; t < T0; t++) {
      switch (kind) {
        case 'none': out.push(c[t]); break;
        case 'log': out.push(Math.log(c[t])); break;
        case 'diff': out.push(c[t] - c[t - 1]); break;
        case 'dlog': out.push(Math.log(c[t]) - Math.log(c[t - 1])); break;
        case 'dlog100': out.push(100 * (Math.log(c[t]) - Math.log(c[t - 1]))); break;
      }
    }
    return out;
  });
  const T = tcols[0].length;
  tcols.forEach((c, j) => {
    if (c.every((v) => v === c[0])) {
      throw new DataError(`variable '${variables[j]}' is constant${kinds[j] === 'none' ? '' : ` after the ${kinds[j]} transform`}; a constant series has no dynamics to model, so drop it`, 'data');
    }
  });
  for (let t = 0; t < T; t++) series.push(tcols.map((c) => c[t]));
  if (T - lags < 2) {
    throw new DataError(
      `a VAR(${lags}) needs at least ${lags + 2} rows after transforms (lags + 2); got ${T}${differenced ? ` (${T0} before differencing)` : ''}. Give more data or fewer lags`,
      'data',
    );
  }
  const x: Matrix = [], y: Matrix = [];
  for (let t = lags; t < T; t++) {
    const row: number[] = [];
    for (let l = 1; l <= lags; l++) for (let j = 0; j < k; j++) row.push(series[t - l][j]);
    x.push(row);
    y.push(series[t].slice());
  }
  const coefNames = ['const'];
  for (let l = 1; l <= lags; l++) for (const v of variables) coefNames.push(`L${l}.${v}`);
  return { variables, names: coefNames, series, x, y };
}

// ---------------------------------------------------------------------------------------------
// Fitting.

/** How λ was set: given ('fixed') or chosen per equation. */
export type LassoSelection = 'fixed' | LassoSelect;

/** The criterion along the selection path of one equation (BIC or mean squared CV error). */
export interface SelectionTrace {
  lambda: number[];
  criterion: number[];
  df: number[];
  /** Index of the chosen λ. */
  chosen: number;
}

/** A Granger-causal edge recovered from the sparsity pattern: a lag of `causing` enters `caused`. */
export interface LassoGrangerEdge {
  caused: string;
  causing: string;
}

/** Point forecasts on the (transformed) scale of the fitted series. */
export interface LassoVARForecast {
  h: number;
  variables: string[];
  /** mean[variable][s] is the forecast s+1 steps after the data. */
  mean: Record<string, number[]>;
}

/** Plain JSON for the CLI. */
export interface LassoVARReport {
  kind: 'lasso_var';
  penalty: LassoPenalty;
  lags: number;
  nobs: number;
  variables: string[];
  selection: LassoSelection;
  params: Record<string, { names: string[]; values: number[]; stdErrors: null }>;
  lambda: number | Record<string, number>;
  granger: LassoGrangerEdge[];
}

/** What `toJSON` stores: enough to forecast again. */
export interface LassoVARJSON {
  kind: 'lasso_var';
  penalty: LassoPenalty;
  lags: number;
  nobs: number;
  variables: string[];
  names: string[];
  selection: LassoSelection;
  lambda: Record<string, number>;
  lambdaMax: Record<string, number>;
  /** Coefficients per equation in the order of `names` (const first), zeros included. */
  params: Record<string, number[]>;
  /** Residual sum of squares per equation. */
  rss: Record<string, number>;
  /** The last `lags` rows of the (transformed) series, oldest first. */
  lastObservations: number[][];
}

/**
 * Fits a sparse VAR(p) equation by equation with a LASSO (default) or group-LASSO penalty.
 * `lambda` fixes the penalty (one for all equations, or per equation); otherwise `select`
 * ('bic', the default, or 'cv') chooses it per equation along glmnet's λ path. References in the
 * module comment.
 */
export function fitLassoVAR(data: LassoVARData, options: LassoVAROptions): FittedLassoVAR {
  if (options === null || typeof options !== 'object') throw new ArgumentError('fitLassoVAR needs options with at least { lags }', 'options');
  const penalty = options.penalty ?? 'lasso';
  if (!PENALTIES.includes(penalty)) throw new ArgumentError(`penalty must be one of ${PENALTIES.join(', ')}; got '${penalty as string}'`, 'penalty');
  if (options.select !== undefined && !SELECTS.includes(options.select)) {
    throw new ArgumentError(`select must be one of ${SELECTS.join(', ')}; got '${options.select as string}'`, 'select');
  }
  if (options.select !== undefined && options.lambda !== undefined) {
    throw new ArgumentError('give either lambda (a fixed penalty) or select (choose lambda per equation), not both', 'select');
  }
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new ArgumentError(`folds must be an integer ≥ 2; got ${folds}`, 'folds');
  const design = varDesign(data, options.lags, options.transform, options.names);
  const { variables, x, y } = design;
  const k = variables.length, n = x.length;
  const fixed = options.lambda !== undefined;
  let lambdaFor: (eq: string) => number = () => NaN;
  if (fixed) {
    const spec = options.lambda as number | Readonly<Record<string, number>>;
    const check = (v: unknown, where: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ArgumentError(`lambda must be a finite number ≥ 0${where}; got ${String(v)}`, 'lambda');
      }
      return v;
    };
    if (typeof spec === 'number') {
      const l = check(spec, '');
      lambdaFor = () => l;
    } else if (spec !== null && typeof spec === 'object') {
      for (const key of Object.keys(spec)) {
        if (!variables.includes(key)) throw new ArgumentError(`lambda names '${key}', which is not an equation (${variables.join(', ')})`, 'lambda');
      }
      for (const v of variables) {
        if (!(v in spec)) throw new ArgumentError(`lambda gives no value for equation '${v}'; give one per equation or a single number`, 'lambda');
        check(spec[v], ` (equation '${v}')`);
      }
      lambdaFor = (eq) => spec[eq];
    } else {
      throw new ArgumentError(`lambda must be a number or an object with one number per equation; got ${String(spec)}`, 'lambda');
    }
  }
  const selection: LassoSelection = fixed ? 'fixed' : options.select ?? 'bic';
  if (selection === 'cv' && n < 2 * folds + 2) {
    throw new DataError(`cross-validation with ${folds} folds needs at least ${2 * folds + 2} rows in the VAR design; got ${n}. Use fewer folds, select: 'bic' or more data`, 'data');
  }
  const groups = Array.from({ length: k }, (_, j) => Array.from({ length: options.lags }, (_, l) => l * k + j));
  const path = (yy: ArrayLike<number>, xx: Matrix, o: PathOptions): PenalizedPath =>
    penalty === 'group' ? groupLassoPath(xx, yy, { ...o, groups }) : lassoPath(xx, yy, o);
  const pathOpts: PathOptions = { nlambda: options.nlambda, lambdaMinRatio: options.lambdaMinRatio };

  const params: Record<string, number[]> = {};
  const lambda: Record<string, number> = {};
  const lambdaMax: Record<string, number> = {};
  const rss: Record<string, number> = {};
  const traces: Record<string, SelectionTrace> = {};
  variables.forEach((eq, i) => {
    const yi = y.map((r) => r[i]);
    let res: PenalizedPath;
    let m: number;
    if (fixed) {
      res = path(yi, x, { lambda: [lambdaFor(eq)] });
      m = 0;
    } else {
      res = path(yi, x, pathOpts);
      const crit = selection === 'bic'
        ? res.rss.map((s, q) => n * Math.log(s / n) + Math.log(n) * res.df[q])
        : cvErrors(x, yi, res.lambda, folds, path);
      m = 0;
      for (let q = 1; q < crit.length; q++) if (crit[q] < crit[m]) m = q;
      traces[eq] = { lambda: res.lambda, criterion: crit, df: res.df, chosen: m };
    }
    params[eq] = [res.intercept[m], ...res.coef[m]];
    lambda[eq] = res.lambda[m];
    lambdaMax[eq] = res.lambdaMax;
    rss[eq] = res.rss[m];
  });
  const commonLambda = fixed && typeof options.lambda === 'number' ? options.lambda : undefined;
  return new FittedLassoVAR(penalty, options.lags, n, variables, design.names, selection, lambda, lambdaMax, params, rss,
    design.series.slice(-options.lags), traces, commonLambda);
}

/** {@link fitLassoVAR} with `penalty: 'group'`: one group per variable's lags in each equation. */
export function fitGroupLassoVAR(data: LassoVARData, options: Omit<LassoVAROptions, 'penalty'>): FittedLassoVAR {
  return fitLassoVAR(data, { ...options, penalty: 'group' });
}

/**
 * Rolling-origin cross-validation of one-step forecasts (Tashman 2000): the last half of the rows
 * is cut into `folds` consecutive blocks; each block is predicted from the path fitted (at the
 * full-data λ values) on all rows before it. Returns the mean squared error per λ.
 */
function cvErrors(
  x: Matrix, y: readonly number[], lambdas: readonly number[], folds: number,
  path: (yy: ArrayLike<number>, xx: Matrix, o: PathOptions) => PenalizedPath,
): number[] {
  const n = x.length;
  const start = n - Math.floor(n / 2);
  const sse = new Array<number>(lambdas.length).fill(0);
  let count = 0;
  for (let f = 0; f < folds; f++) {
    const a = start + Math.floor(((n - start) * f) / folds), z = start + Math.floor(((n - start) * (f + 1)) / folds);
    if (z <= a) continue;
    const fit = path(y.slice(0, a), x.slice(0, a), { lambda: lambdas, stopEarly: false });
    for (let t = a; t < z; t++) {
      for (let q = 0; q < lambdas.length; q++) {
        let pred = fit.intercept[q];
        const b = fit.coef[q];
        for (let j = 0; j < b.length; j++) pred += b[j] * x[t][j];
        sse[q] += (y[t] - pred) ** 2;
      }
      count++;
    }
  }
  return sse.map((s) => s / count);
}

/** A fitted sparse VAR: coefficients of every equation (zeros included), λ, Granger graph, forecasts. */
export class FittedLassoVAR {
  readonly kind = 'lasso_var';

  constructor(
    readonly penalty: LassoPenalty,
    readonly lags: number,
    /** Rows of the VAR design (T − p after transforms). */
    readonly nobs: number,
    readonly variables: string[],
    /** Coefficient names of each equation: const, L1.v1, …, Lp.vk. */
    readonly names: string[],
    readonly selection: LassoSelection,
    /** λ used in each equation. */
    readonly lambda: Record<string, number>,
    /** Smallest λ that zeroes every lag coefficient of each equation. */
    readonly lambdaMax: Record<string, number>,
    /** Coefficients per equation in the order of `names`. */
    readonly params: Record<string, number[]>,
    readonly rss: Record<string, number>,
    /** The last `lags` rows of the transformed series (oldest first), the forecast origin. */
    readonly lastObservations: number[][],
    /** The criterion along the path of each equation when λ was selected. */
    readonly selectionTrace: Record<string, SelectionTrace> = {},
    /** The single λ given for all equations, if one was. */
    readonly commonLambda?: number,
  ) {}

  /** Lag matrices A_1..A_p with A_l[i][j] the coefficient of variable j at lag l in equation i. */
  coefMatrices(): number[][][] {
    const k = this.variables.length;
    return Array.from({ length: this.lags }, (_, l) =>
      this.variables.map((eq) => Array.from({ length: k }, (_, j) => this.params[eq][1 + l * k + j])));
  }

  /** Intercepts per equation. */
  get intercepts(): number[] {
    return this.variables.map((eq) => this.params[eq][0]);
  }

  /** Number of nonzero lag coefficients per equation. */
  get nonzero(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const eq of this.variables) out[eq] = this.params[eq].slice(1).filter((v) => v !== 0).length;
    return out;
  }

  /** Edges causing → caused (causing ≠ caused) where some lag of `causing` is nonzero in `caused`'s equation. */
  granger(): LassoGrangerEdge[] {
    const k = this.variables.length;
    const edges: LassoGrangerEdge[] = [];
    this.variables.forEach((caused, i) => {
      const b = this.params[caused];
      this.variables.forEach((causing, j) => {
        if (i === j) return;
        for (let l = 0; l < this.lags; l++) {
          if (b[1 + l * k + j] !== 0) { edges.push({ caused, causing }); return; }
        }
      });
    });
    return edges;
  }

  /** Point forecasts 1..h steps after the data by the plug-in recursion of the fitted VAR. */
  forecast(h: number): LassoVARForecast {
    if (!Number.isInteger(h) || h < 1) throw new ArgumentError(`h must be an integer ≥ 1; got ${h}`, 'h');
    const k = this.variables.length;
    const hist = this.lastObservations.map((r) => r.slice());
    const mean: Record<string, number[]> = {};
    for (const v of this.variables) mean[v] = [];
    for (let s = 0; s < h; s++) {
      const T = hist.length;
      const next = this.variables.map((eq) => {
        const b = this.params[eq];
        let f = b[0];
        for (let l = 1; l <= this.lags; l++) for (let j = 0; j < k; j++) f += b[1 + (l - 1) * k + j] * hist[T - l][j];
        return f;
      });
      hist.push(next);
      this.variables.forEach((v, j) => mean[v].push(next[j]));
    }
    return { h, variables: this.variables.slice(), mean };
  }

  /** Plain JSON for the CLI: params per equation (no standard errors), λ and the Granger edges. */
  report(): LassoVARReport {
    const params: LassoVARReport['params'] = {};
    for (const eq of this.variables) params[eq] = { names: this.names.slice(), values: this.params[eq].slice(), stdErrors: null };
    return {
      kind: 'lasso_var',
      penalty: this.penalty,
      lags: this.lags,
      nobs: this.nobs,
      variables: this.variables.slice(),
      selection: this.selection,
      params,
      lambda: this.commonLambda ?? { ...this.lambda },
      granger: this.granger(),
    };
  }

  /** A plain-text summary: the setup, each equation's nonzero coefficients, the Granger graph. */
  summary(): string {
    const k = this.variables.length;
    const title = this.penalty === 'group' ? 'Sparse VAR (group LASSO) Results' : 'Sparse VAR (LASSO) Results';
    const head = keyValueBlock(
      [['Model:', `VAR(${this.lags})`], ['Penalty:', this.penalty], ['Variables:', String(k)]],
      [['No. Observations:', String(this.nobs)], ['Lambda:', this.selection === 'fixed' ? 'given' : `selected by ${this.selection.toUpperCase()}`],
        ['Granger edges:', String(this.granger().length)]],
    );
    const blocks = this.variables.map((eq) => {
      const b = this.params[eq];
      const rows = this.names.flatMap((nm, q) => (q === 0 || b[q] !== 0 ? [[nm, fmt(b[q])]] : []));
      const nz = b.length - 1 - b.slice(1).filter((v) => v === 0).length;
      return [
        `Equation ${eq}: lambda = ${fmt(this.lambda[eq])} (lambda_max = ${fmt(this.lambdaMax[eq])}), nonzero lag coefficients ${nz} of ${b.length - 1}`,
        rule(78, '-'),
        table(['', 'coef'], rows, 16),
      ].join('\n');
    });
    const edges = this.granger();
    const graph = edges.length ? edges.map((e) => `  ${e.causing} -> ${e.caused}`).join('\n') : '  (none)';
    const center = (s: string) => ' '.repeat(Math.max(0, Math.floor((78 - s.length) / 2))) + s;
    return [
      rule(), center(title), rule(), head, rule(), blocks.join('\n' + rule() + '\n'), rule(),
      'Granger graph (causing -> caused; zero coefficients omitted above):', graph, rule(),
    ].join('\n');
  }

  toJSON(): LassoVARJSON {
    return {
      kind: 'lasso_var',
      penalty: this.penalty,
      lags: this.lags,
      nobs: this.nobs,
      variables: this.variables.slice(),
      names: this.names.slice(),
      selection: this.selection,
      lambda: { ...this.lambda },
      lambdaMax: { ...this.lambdaMax },
      params: Object.fromEntries(this.variables.map((v) => [v, this.params[v].slice()])),
      rss: { ...this.rss },
      lastObservations: this.lastObservations.map((r) => r.slice()),
    };
  }
}
