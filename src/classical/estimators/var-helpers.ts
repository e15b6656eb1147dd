/**
 * Matrix helpers for vector autoregressions: equation-wise least squares from one QR, Kronecker
 * products, the vec/vech operators with their elimination, duplication and commutation matrices
 * (Magnus & Neudecker 1980; Lütkepohl 2005, Appendix A.12), the companion matrix of a VAR(p) and
 * its eigenvalues by the Hessenberg QR algorithm for a general real (nonsymmetric) matrix (Golub &
 * Van Loan 2013, §7.4–7.5; Wilkinson & Reinsch 1971, EISPACK `balanc`/`elmhes`/`hqr`), and the
 * horizon check shared by var.ts, var-irf.ts and svar.ts. Hand-written: the matrices are small and
 * no maintained npm package offers a nonsymmetric eigenvalue solver on plain arrays.
 */
import { ArgumentError, ConvergenceError } from '../../core/errors.js';
import { zeros, leastSquares, qrPivoted, qrQtVec, qrR, invertUpper, type Matrix } from '../../core/linalg.js';

/**
 * Least squares for several right-hand sides with one pivoted Householder QR of X (Golub & Van
 * Loan §5.4.2), the same arithmetic as `leastSquares` in core/linalg for each column of Y, whose
 * SingularMatrixError (naming the collinear columns by `names`) it raises when X is rank
 * deficient. Returns the coefficients per right-hand side and (X'X)⁻¹ in the original column order.
 */
export function multiLeastSquares(x: Matrix, ys: readonly ArrayLike<number>[], names?: readonly string[]): { coefs: number[][]; xtxInv: Matrix } {
  const f = qrPivoted(x);
  const k = f.k;
  if (f.rank < k) leastSquares(x, ys[0], names); // throws the descriptive error
  const rinv = invertUpper(qrR(f));
  const coefs = ys.map((y) => {
    const qty = qrQtVec(f, y);
    const coef = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = i; j < k; j++) s += rinv[i][j] * qty[j];
      coef[f.perm[i]] = s;
    }
    return coef;
  });
  const xtxInv = zeros(k, k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = Math.max(i, j); l < k; l++) s += rinv[i][l] * rinv[j][l];
      xtxInv[f.perm[i]][f.perm[j]] = s;
    }
  }
  return { coefs, xtxInv };
}

/** Kronecker product a ⊗ b (Lütkepohl 2005, A.11). */
export function kron(a: Matrix, b: Matrix): Matrix {
  const ra = a.length, ca = ra ? a[0].length : 0, rb = b.length, cb = rb ? b[0].length : 0;
  const out = zeros(ra * rb, ca * cb);
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < ca; j++) {
      const v = a[i][j];
      if (v === 0) continue;
      for (let k = 0; k < rb; k++) {
        const row = out[i * rb + k], bk = b[k];
        for (let l = 0; l < cb; l++) row[j * cb + l] = v * bk[l];
      }
    }
  }
  return out;
}

/**
 * The (row, column) pairs of vech(M) in order: the lower triangle stacked column by column
 * (Lütkepohl 2005, A.12.1), i.e. (0,0), (1,0), …, (k−1,0), (1,1), (2,1), ….
 */
export function vechPairs(k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < k; j++) for (let i = j; i < k; i++) out.push([i, j]);
  return out;
}

/** vech(M) of a square matrix (lower triangle, column by column). */
export function vech(m: Matrix): number[] {
  return vechPairs(m.length).map(([i, j]) => m[i][j]);
}

/** vec(M): the columns of M stacked; element (i, j) lands at j·rows + i. */
export function vec(m: Matrix): number[] {
  const r = m.length, c = r ? m[0].length : 0;
  const out = new Array<number>(r * c);
  for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out[j * r + i] = m[i][j];
  return out;
}

/** Inverse of {@link vec} for a k×k matrix. */
export function unvec(v: ArrayLike<number>, k: number): Matrix {
  const m = zeros(k, k);
  for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) m[i][j] = v[j * k + i];
  return m;
}

/** Elimination matrix L_k with vech(M) = L_k vec(M) (Lütkepohl 2005, A.12.2). */
export function eliminationMatrix(k: number): Matrix {
  const pairs = vechPairs(k);
  const out = zeros(pairs.length, k * k);
  pairs.forEach(([i, j], r) => { out[r][j * k + i] = 1; });
  return out;
}

/** Duplication matrix D_k with vec(S) = D_k vech(S) for symmetric S (Lütkepohl 2005, A.12.2). */
export function duplicationMatrix(k: number): Matrix {
  const pairs = vechPairs(k);
  const out = zeros(k * k, pairs.length);
  pairs.forEach(([i, j], c) => { out[j * k + i][c] = 1; out[i * k + j][c] = 1; });
  return out;
}

/** Commutation matrix K_{m,n} with vec(M') = K_{m,n} vec(M) for an m×n matrix M (Lütkepohl 2005, A.12.2). */
export function commutationMatrix(m: number, n: number): Matrix {
  const out = zeros(m * n, m * n);
  // vec(M)[j·m + i] = M[i][j] = M'[j][i] = vec(M')[i·n + j].
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j][j * m + i] = 1;
  return out;
}

/**
 * Companion matrix of the VAR(1) form of a VAR(p) (Lütkepohl 2005, eq. 2.1.8): the Kp × Kp block
 * matrix [A_1 … A_p; I 0] from `coefs[l−1] = A_l` (K × K each); 0 × 0 for a VAR(0).
 */
export function companionMatrix(coefs: readonly (readonly (readonly number[])[])[], k: number): Matrix {
  const p = coefs.length, kp = k * p;
  const a = zeros(kp, kp);
  for (let l = 0; l < p; l++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i][l * k + j] = coefs[l][i][j];
  for (let i = k; i < kp; i++) a[i][i - k] = 1;
  return a;
}

/** A VAR horizon: an integer in min..10000, else an ArgumentError naming `argument`. */
export function checkHorizon(h: number, argument: string, min: number): void {
  if (typeof h !== 'number' || !Number.isInteger(h) || h < min || h > 10000) {
    throw new ArgumentError(`${argument} must be an integer between ${min} and 10000; got ${String(h)}`, argument);
  }
}

/**
 * Inverse of a square matrix by Gauss–Jordan elimination with partial pivoting, or null when a
 * pivot is exactly zero or the result is not finite. Unlike `inverse` in core/linalg it applies no
 * relative singularity threshold, so badly scaled but regular matrices (a triangular B with
 * entries of very different size) are inverted.
 */
export function invertOrNull(m: Matrix): Matrix | null {
  const n = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    const piv = a[p][c];
    if (piv === 0 || !Number.isFinite(piv)) return null;
    if (p !== c) [a[p], a[c]] = [a[c], a[p]];
    const row = a[c];
    for (let j = 0; j < 2 * n; j++) row[j] /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f === 0) continue;
      const ar = a[r];
      for (let j = 0; j < 2 * n; j++) ar[j] -= f * row[j];
    }
  }
  const out = a.map((r) => r.slice(n));
  return out.every((r) => r.every(Number.isFinite)) ? out : null;
}

/** A complex number as [re, im]. */
export type Complex = [number, number];

/**
 * Eigenvalues of a real square matrix: balancing (Parlett & Reinsch 1969), reduction to upper
 * Hessenberg form by stabilised elementary similarity transformations, then the Francis
 * double-shift QR iteration with Wilkinson's exceptional shifts (Golub & Van Loan 2013,
 * Alg. 7.5.1–7.5.2; EISPACK `hqr`). Complex eigenvalues come in conjugate pairs.
 * Throws {@link ConvergenceError} when an eigenvalue needs more than 60 iterations.
 */
export function eigenvalues(matrix: Matrix): Complex[] {
  const n = matrix.length;
  if (n === 0) return [];
  for (const row of matrix) {
    if (row.length !== n) throw new RangeError('eigenvalues: the matrix must be square');
    for (const v of row) if (!Number.isFinite(v)) throw new RangeError('eigenvalues: the matrix has a non-finite entry');
  }
  // 1-based working copy, so that the classical algorithms read as published.
  const a: number[][] = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? new Array<number>(n + 1).fill(0) : [0, ...matrix[i - 1]]));
  balance(a, n);
  hessenberg(a, n);
  for (let i = 3; i <= n; i++) for (let j = 1; j <= i - 2; j++) a[i][j] = 0;
  return hessenbergQR(a, n);
}

/** Step 1: balancing by powers of 2, so that row and column norms are comparable (exact in floating point). */
function balance(a: number[][], n: number): void {
  const RADIX = 2, sqrdx = RADIX * RADIX;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 1; i <= n; i++) {
      let r = 0, c = 0;
      for (let j = 1; j <= n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j][i]);
        r += Math.abs(a[i][j]);
      }
      if (c === 0 || r === 0) continue;
      let g = r / RADIX, f = 1;
      const s = c + r;
      while (c < g) { f *= RADIX; c *= sqrdx; }
      g = r * RADIX;
      while (c > g) { f /= RADIX; c /= sqrdx; }
      if ((c + r) / f < 0.95 * s) {
        done = false;
        g = 1 / f;
        for (let j = 1; j <= n; j++) a[i][j] *= g;
        for (let j = 1; j <= n; j++) a[j][i] *= f;
      }
    }
  }
}

/** Step 2: upper Hessenberg form by Gaussian elimination with pivoting (similarity transforms). */
function hessenberg(a: number[][], n: number): void {
  for (let m = 2; m < n; m++) {
    let x = 0, i = m;
    for (let j = m; j <= n; j++) {
      if (Math.abs(a[j][m - 1]) > Math.abs(x)) { x = a[j][m - 1]; i = j; }
    }
    if (i !== m) {
      for (let j = m - 1; j <= n; j++) { const t = a[i][j]; a[i][j] = a[m][j]; a[m][j] = t; }
      for (let j = 1; j <= n; j++) { const t = a[j][i]; a[j][i] = a[j][m]; a[j][m] = t; }
    }
    if (x === 0) continue;
    for (i = m + 1; i <= n; i++) {
      let y = a[i][m - 1];
      if (y === 0) continue;
      y /= x;
      a[i][m - 1] = y;
      for (let j = m; j <= n; j++) a[i][j] -= y * a[m][j];
      for (let j = 1; j <= n; j++) a[j][m] += y * a[j][i];
    }
  }
}

/** Step 3: Francis double-shift QR on the Hessenberg matrix, deflating 1×1 and 2×2 blocks. */
function hessenbergQR(a: number[][], n: number): Complex[] {
  const wr = new Array<number>(n + 1).fill(0), wi = new Array<number>(n + 1).fill(0);
  let anorm = 0;
  for (let i = 1; i <= n; i++) for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i][j]);
  let nn = n, t = 0;
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, z = 0;
  while (nn >= 1) {
    let its = 0, l: number;
    do {
      // Look for a single small subdiagonal element.
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l][l - 1]) + s === s) { a[l][l - 1] = 0; break; }
      }
      x = a[nn][nn];
      if (l === nn) {
        // One root found.
        wr[nn] = x + t; wi[nn] = 0; nn--;
      } else {
        y = a[nn - 1][nn - 1];
        w = a[nn][nn - 1] * a[nn - 1][nn];
        if (l === nn - 1) {
          // Two roots found.
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? Math.abs(z) : -Math.abs(z));
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -z; wi[nn] = z;
          }
          nn -= 2;
        } else {
          if (its === 60) throw new ConvergenceError('eigenvalues: the Hessenberg QR iteration did not converge in 60 iterations for one eigenvalue');
          if (its > 0 && its % 10 === 0) {
            // Exceptional (ad hoc) shift.
            t += x;
            for (let i = 1; i <= nn; i++) a[i][i] -= x;
            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          its++;
          // Form the shift and look for two consecutive small subdiagonal elements.
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a[m][m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
            q = a[m + 1][m + 1] - z - r - s;
            r = a[m + 2][m + 1];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s; q /= s; r /= s;
            if (m === l) break;
            const u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i][i - 2] = 0;
            if (i !== m + 2) a[i][i - 3] = 0;
          }
          // Double QR step on rows l..nn and columns m..nn.
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k][k - 1];
              q = a[k + 1][k - 1];
              r = 0;
              if (k !== nn - 1) r = a[k + 2][k - 1];
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) { p /= x; q /= x; r /= x; }
            }
            const norm = Math.sqrt(p * p + q * q + r * r);
            s = p >= 0 ? norm : -norm;
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) a[k][k - 1] = -a[k][k - 1];
            } else {
              a[k][k - 1] = -s * x;
            }
            p += s;
            x = p / s; y = q / s; z = r / s;
            q /= p; r /= p;
            for (let j = k; j <= nn; j++) {
              p = a[k][j] + q * a[k + 1][j];
              if (k !== nn - 1) {
                p += r * a[k + 2][j];
                a[k + 2][j] -= p * z;
              }
              a[k + 1][j] -= p * y;
              a[k][j] -= p * x;
            }
            const mmin = nn < k + 3 ? nn : k + 3;
            for (let i = l; i <= mmin; i++) {
              p = x * a[i][k] + y * a[i][k + 1];
              if (k !== nn - 1) {
                p += z * a[i][k + 2];
                a[i][k + 2] -= p * r;
              }
              a[i][k + 1] -= p * q;
              a[i][k] -= p;
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  const out: Complex[] = [];
  for (let i = 1; i <= n; i++) out.push([wr[i], wi[i]]);
  return out;
}
