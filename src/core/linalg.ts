/**
 * Small dense linear algebra on `number[][]` (row-major, rows are plain arrays).
 *
 * Hand-written rather than a library: the matrices here are small (k ≲ 50), the hot loops
 * (Kalman filter, Hessians) need allocation-free code on plain arrays, and every routine is a
 * textbook algorithm (Golub & Van Loan, "Matrix Computations", 4th ed.) tested against fixtures.
 */
import { SingularMatrixError, ConvergenceError } from './errors.js';

export type Matrix = number[][];

/** A new `rows × cols` matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  const m: Matrix = new Array(rows);
  for (let i = 0; i < rows; i++) m[i] = new Array<number>(cols).fill(0);
  return m;
}

/** Identity matrix of size n. */
export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m[i][i] = 1;
  return m;
}

export function transpose(a: Matrix): Matrix {
  const r = a.length, c = r ? a[0].length : 0;
  const t = zeros(c, r);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j][i] = a[i][j];
  return t;
}

/** Matrix product a·b. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  const n = a.length, k = b.length, m = k ? b[0].length : 0;
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i], oi = out[i];
    for (let l = 0; l < k; l++) {
      const v = ai[l];
      if (v === 0) continue;
      const bl = b[l];
      for (let j = 0; j < m; j++) oi[j] += v * bl[j];
    }
  }
  return out;
}

/** Matrix–vector product a·x. */
export function matvec(a: Matrix, x: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) {
    let s = 0;
    const ai = a[i];
    for (let j = 0; j < ai.length; j++) s += ai[j] * x[j];
    out[i] = s;
  }
  return out;
}

/** X'X for an n×k matrix X. */
export function crossprod(x: Matrix): Matrix {
  const k = x.length ? x[0].length : 0;
  const out = zeros(k, k);
  for (const row of x) {
    for (let i = 0; i < k; i++) {
      const v = row[i];
      if (v === 0) continue;
      const oi = out[i];
      for (let j = i; j < k; j++) oi[j] += v * row[j];
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) out[i][j] = out[j][i];
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Cholesky factor L (lower) with A = L L'. Throws {@link SingularMatrixError} if A is not
 * positive definite.
 */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = zeros(n, n);
  for (let j = 0; j < n; j++) {
    let d = a[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > 0)) throw new SingularMatrixError(`cholesky: matrix is not positive definite (pivot ${j} = ${d})`);
    const ljj = Math.sqrt(d);
    l[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / ljj;
    }
  }
  return l;
}

/** Solves A x = b for symmetric positive definite A by Cholesky (throws if not positive definite). */
export function choleskySolve(a: Matrix, b: ArrayLike<number>): number[] {
  const l = cholesky(a);
  const n = l.length;
  const z = Array.from(b);
  for (let i = 0; i < n; i++) { for (let k = 0; k < i; k++) z[i] -= l[i][k] * z[k]; z[i] /= l[i][i]; }
  for (let i = n - 1; i >= 0; i--) { for (let k = i + 1; k < n; k++) z[i] -= l[k][i] * z[k]; z[i] /= l[i][i]; }
  return z;
}

/**
 * log det(A) of a symmetric positive definite matrix from its Cholesky factor A = L L':
 * 2 Σ log L_ii (Golub & Van Loan §4.2), without forming the determinant (no overflow or
 * underflow for large or badly scaled A). Throws {@link SingularMatrixError} if A is not positive
 * definite.
 */
export function logDetSPD(a: Matrix): number {
  const l = cholesky(a);
  let s = 0;
  for (let i = 0; i < l.length; i++) s += Math.log(l[i][i]);
  return 2 * s;
}

/** Inverse of a symmetric positive definite matrix through its Cholesky factor. */
export function invertSPD(a: Matrix): Matrix {
  const n = a.length;
  const l = cholesky(a);
  // Linv by forward substitution, then A^-1 = Linv' Linv.
  const li = zeros(n, n);
  for (let i = 0; i < n; i++) {
    li[i][i] = 1 / l[i][i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i][k] * li[k][j];
      li[i][j] = s / l[i][i];
    }
  }
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k][i] * li[k][j];
      out[i][j] = s;
      out[j][i] = s;
    }
  }
  return out;
}

/** LU factorisation with partial pivoting (in a copy). */
export function lu(a: Matrix): { lu: Matrix; perm: number[]; sign: number } {
  const n = a.length;
  const m = a.map((r) => r.slice());
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  const scale = Math.max(1e-300, ...m.map((r) => Math.max(...r.map(Math.abs))));
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(m[k][k]);
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > best) { best = Math.abs(m[i][k]); p = i; }
    if (best <= 1e-14 * scale) throw new SingularMatrixError(`lu: matrix is singular (column ${k})`);
    if (p !== k) {
      [m[p], m[k]] = [m[k], m[p]];
      [perm[p], perm[k]] = [perm[k], perm[p]];
      sign = -sign;
    }
    const pivot = m[k][k];
    for (let i = k + 1; i < n; i++) {
      const f = (m[i][k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) m[i][j] -= f * m[k][j];
    }
  }
  return { lu: m, perm, sign };
}

/** Solves A x = b for square A by LU with partial pivoting. */
export function solve(a: Matrix, b: ArrayLike<number>): number[] {
  const { lu: m, perm } = lu(a);
  return luSolve(m, perm, b);
}

function luSolve(m: Matrix, perm: number[], b: ArrayLike<number>): number[] {
  const n = m.length;
  const x = perm.map((p) => b[p]);
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) x[i] -= m[i][k] * x[k];
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= m[i][k] * x[k];
    x[i] /= m[i][i];
  }
  return x;
}

/** Inverse of a square matrix by LU. */
export function inverse(a: Matrix): Matrix {
  const n = a.length;
  const { lu: m, perm } = lu(a);
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    cols.push(luSolve(m, perm, e));
  }
  return transpose(cols);
}

/**
 * Householder QR with column pivoting (Golub & Van Loan §5.4.2) of an n×k matrix, n ≥ k.
 * `rank` counts the pivots above `tol·|R11|`; `perm[j]` is the original column at position j.
 */
export interface QR {
  readonly qr: Matrix;
  readonly rdiag: number[];
  readonly beta: number[];
  readonly perm: number[];
  readonly rank: number;
  /** Original indices of columns found (numerically) in the span of the other columns. */
  readonly dependent: number[];
  readonly n: number;
  readonly k: number;
}

export function qrPivoted(x: Matrix, tol = 1e-10): QR {
  const n = x.length, k = n ? x[0].length : 0;
  const a = x.map((r) => r.slice());
  const perm = Array.from({ length: k }, (_, i) => i);
  const norms0 = new Array<number>(k).fill(0);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) norms0[j] += a[i][j] * a[i][j];
  const rdiag = new Array<number>(k).fill(0);
  const beta = new Array<number>(k).fill(0);
  let rank = 0;
  const dependent: number[] = [];
  for (let j = 0; j < Math.min(n, k); j++) {
    // Pivot: the remaining column with the largest remaining norm (recomputed for accuracy).
    let p = j, best = -1;
    for (let c = j; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += a[i][c] * a[i][c];
      if (s > best) { best = s; p = c; }
    }
    if (p !== j) {
      for (let i = 0; i < n; i++) { const t = a[i][p]; a[i][p] = a[i][j]; a[i][j] = t; }
      [perm[p], perm[j]] = [perm[j], perm[p]];
    }
    const alpha = Math.sqrt(best);
    // Scale-free rank test: the part of the pivot column not explained by earlier columns,
    // relative to the column's own norm (a column in the span of the others leaves ~1e-16).
    if (alpha > tol * Math.sqrt(norms0[perm[j]])) rank++;
    else dependent.push(perm[j]);
    if (alpha === 0) { rdiag[j] = 0; beta[j] = 0; continue; }
    const sign = a[j][j] >= 0 ? 1 : -1;
    const v0 = a[j][j] + sign * alpha;
    // Householder vector v = [v0, a[j+1..n][j]], H = I - beta v v'.
    a[j][j] = v0;
    beta[j] = 1 / (alpha * Math.abs(v0)); // 2/‖v‖² with ‖v‖² = 2·alpha·|v0|
    for (let c = j + 1; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += a[i][j] * a[i][c];
      s *= beta[j];
      for (let i = j; i < n; i++) a[i][c] -= s * a[i][j];
    }
    rdiag[j] = -sign * alpha;
  }
  return { qr: a, rdiag, beta, perm, rank, dependent, n, k };
}

/** Applies Q' (from {@link qrPivoted}) to a vector. */
export function qrQtVec(f: QR, y: ArrayLike<number>): number[] {
  const b = Array.from(y);
  for (let j = 0; j < Math.min(f.n, f.k); j++) {
    if (f.beta[j] === 0) continue;
    let s = 0;
    for (let i = j; i < f.n; i++) s += f.qr[i][j] * b[i];
    s *= f.beta[j];
    for (let i = j; i < f.n; i++) b[i] -= s * f.qr[i][j];
  }
  return b;
}

/** R (k×k upper triangular, in pivoted column order) from a full-rank {@link QR}. */
export function qrR(f: QR): Matrix {
  const r = zeros(f.k, f.k);
  for (let i = 0; i < f.k; i++) {
    r[i][i] = f.rdiag[i];
    for (let j = i + 1; j < f.k; j++) r[i][j] = f.qr[i][j];
  }
  return r;
}

/** Inverse of an upper-triangular matrix. */
export function invertUpper(r: Matrix): Matrix {
  const k = r.length;
  const inv = zeros(k, k);
  for (let i = k - 1; i >= 0; i--) {
    inv[i][i] = 1 / r[i][i];
    for (let j = i + 1; j < k; j++) {
      let s = 0;
      for (let l = i + 1; l <= j; l++) s += r[i][l] * inv[l][j];
      inv[i][j] = -s / r[i][i];
    }
  }
  return inv;
}

/**
 * Least squares min ‖y − Xb‖ by pivoted QR. Throws {@link SingularMatrixError} when X has
 * deficient rank, naming the dependent columns (by `names` when given).
 * Returns the coefficients and (X'X)⁻¹ in the original column order.
 */
export function leastSquares(
  x: Matrix,
  y: ArrayLike<number>,
  names?: readonly string[],
): { coef: number[]; xtxInv: Matrix; rank: number } {
  const f = qrPivoted(x);
  const k = f.k;
  if (f.rank < k) throw new SingularMatrixError(describeCollinearity(x, f, names), 'x');
  const qty = qrQtVec(f, y);
  const rinv = invertUpper(qrR(f));
  const bp = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = i; j < k; j++) s += rinv[i][j] * qty[j];
    bp[i] = s;
  }
  const coef = new Array<number>(k);
  const xtxInv = zeros(k, k);
  for (let i = 0; i < k; i++) coef[f.perm[i]] = bp[i];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = Math.max(i, j); l < k; l++) s += rinv[i][l] * rinv[j][l];
      xtxInv[f.perm[i]][f.perm[j]] = s;
    }
  }
  return { coef, xtxInv, rank: f.rank };
}

/** Residual sum of squares of the least-squares fit of y on X (throws as {@link leastSquares}). */
export function leastSquaresSSR(x: Matrix, y: ArrayLike<number>): number {
  const { coef } = leastSquares(x, y);
  let ssr = 0;
  for (let r = 0; r < x.length; r++) {
    let e = y[r];
    for (let j = 0; j < coef.length; j++) e -= x[r][j] * coef[j];
    ssr += e * e;
  }
  return ssr;
}

function describeCollinearity(x: Matrix, f: QR, names?: readonly string[]): string {
  const label = (j: number) => (names && names[j] !== undefined ? names[j] : `column ${j}`);
  const independent = f.perm.filter((j) => !f.dependent.includes(j));
  const parts: string[] = [];
  for (const dep of f.dependent) {
    // Express the dependent column through the independent ones to name the relation.
    const sub = x.map((row) => independent.map((j) => row[j]));
    const target = x.map((row) => row[dep]);
    let relation = '';
    try {
      const g = qrPivoted(sub);
      const qty = qrQtVec(g, target);
      const rinv = invertUpper(qrR(g));
      const c = new Array<number>(independent.length).fill(0);
      for (let i = 0; i < independent.length; i++) {
        let s = 0;
        for (let j = i; j < independent.length; j++) s += rinv[i][j] * qty[j];
        c[g.perm[i]] = s;
      }
      const terms = c
        .map((v, i) => ({ v, name: label(independent[i]) }))
        .filter((t) => Math.abs(t.v) > 1e-8)
        .map((t) => `${+t.v.toPrecision(6)}·${t.name}`);
      relation = ` (${label(dep)} = ${terms.join(' + ') || '0'})`;
    } catch {
      relation = '';
    }
    parts.push(`${label(dep)}${relation}`);
  }
  return `design matrix is singular (rank ${f.rank} < ${f.k} columns): collinear column(s) ${parts.join('; ')}. Drop or combine the collinear columns.`;
}

/** Order of the eigenvalues returned by {@link symmetricEigen}. */
export type EigenOrder = 'descending' | 'ascending';

/** H ← (H + Hᵀ)/2 in place (a finite-difference Hessian); returns H. */
export function symmetrizeInPlace(H: Matrix): Matrix {
  for (let i = 0; i < H.length; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (H[i][j] + H[j][i]);
      H[i][j] = s;
      H[j][i] = s;
    }
  }
  return H;
}

/**
 * Eigen-decomposition A = V diag(values) V' of a real symmetric matrix by Householder reduction to
 * tridiagonal form and the implicit QL algorithm with Wilkinson shifts (EISPACK tred2/tql2:
 * Bowdler, Martin, Reinsch & Wilkinson 1968, "The QR and QL algorithms for symmetric matrices",
 * Numer. Math. 11; as in the public-domain JAMA library; Golub & Van Loan §8.3). O(n³) with a
 * small constant: about 30 times faster than cyclic Jacobi at n = 500, to the same accuracy.
 *
 * Output contract (what the callers rely on):
 * - `values` sorted in `order` (default descending, largest first); equal eigenvalues keep the
 *   order in which the QL iteration delivers them;
 * - column i of `vectors` (`vectors[r][i]`, r = 0..n−1) is a unit-norm eigenvector of `values[i]`,
 *   and the columns are mutually orthogonal (to rounding);
 * - signs are deterministic: in each column the first entry whose absolute value is within 1e-8
 *   (relative) of the column's largest is positive (so a near-diagonal A gives vectors near the
 *   identity's columns, as Jacobi rotations from the identity did).
 *   Within a repeated eigenvalue the basis is still arbitrary: use sign- and basis-free functions
 *   such as V f(Λ) V' when eigenvalues may coincide.
 *
 * Throws {@link ConvergenceError} if an eigenvalue needs more than 100 QL iterations (never seen for
 * finite input; non-finite input gives NaN results).
 */
export function symmetricEigen(a: Matrix, order: EigenOrder = 'descending'): { values: number[]; vectors: Matrix } {
  const n = a.length;
  const V: Matrix = a.map((r) => r.slice());
  const d = new Array<number>(n).fill(0), e = new Array<number>(n).fill(0);
  if (n === 0) return { values: [], vectors: [] };
  // tred2: Householder tridiagonalisation, accumulating the transformations in V.
  for (let j = 0; j < n; j++) d[j] = V[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) { d[j] = V[i - 1][j]; V[i][j] = 0; V[j][i] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j][i] = f;
        g = e[j] + V[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) { g += V[k][j] * d[k]; e[k] += V[k][j] * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        for (let k = j; k <= i - 1; k++) V[k][j] -= f * e[k] + g * d[k];
        d[j] = V[i - 1][j];
        V[i][j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[n - 1][i] = V[i][i];
    V[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k][i + 1] * V[k][j];
        for (let k = 0; k <= i; k++) V[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = V[n - 1][j]; V[n - 1][j] = 0; }
  V[n - 1][n - 1] = 1;
  e[0] = 0;
  // tql2: implicit QL iterations on the tridiagonal matrix (d, e).
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) throw new ConvergenceError(`symmetric eigensolver: no convergence for eigenvalue ${l + 1} of ${n}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = V[k];
            h = row[i + 1];
            row[i + 1] = s * row[i] + c * h;
            row[i] = c * row[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // Sort, then fix each eigenvector's sign: the first entry of (nearly) largest magnitude is
  // positive; "nearly" (within 1e-8 relative) so that entries equal in exact arithmetic, as in
  // symmetric or antisymmetric vectors, do not let rounding pick the sign.
  const idx = d.map((_, k) => k).sort(order === 'ascending' ? (p, q) => d[p] - d[q] : (p, q) => d[q] - d[p]);
  const values = idx.map((k) => d[k]);
  const vectors = V.map((row) => idx.map((k) => row[k]));
  for (let k = 0; k < n; k++) {
    let big = 0;
    for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(vectors[i][k]));
    let at = 0;
    while (at < n - 1 && !(Math.abs(vectors[at][k]) >= (1 - 1e-8) * big)) at++;
    if (vectors[at][k] < 0) for (let i = 0; i < n; i++) vectors[i][k] = -vectors[i][k];
  }
  return { values, vectors };
}

/**
 * Singular values of an n×k matrix (n ≥ k) by one-sided Jacobi rotations (Hestenes 1958;
 * Demmel & Veselić 1992), descending. Accurate to high relative precision even for the smallest
 * singular values of ill-conditioned matrices, unlike eigenvalues of X'X.
 */
export function singularValues(x: Matrix): number[] {
  const n = x.length, k = n ? x[0].length : 0;
  // Work on columns.
  const cols = Array.from({ length: k }, (_, j) => Float64Array.from(x, (r) => r[j]));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const a = cols[p], b = cols[q];
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < n; i++) { alpha += a[i] * a[i]; beta += b[i] * b[i]; gamma += a[i] * b[i]; }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < n; i++) {
          const ai = a[i], bi = b[i];
          a[i] = c * ai - sn * bi;
          b[i] = sn * ai + c * bi;
        }
      }
    }
    if (!rotated) break;
  }
  return cols.map((c) => Math.sqrt(c.reduce((acc, v) => acc + v * v, 0))).sort((a, b) => b - a);
}
