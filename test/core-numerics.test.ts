// Shared numeric routines of src/core against closed forms: Brent's zero finder (optimize.ts),
// the symmetric eigensolver and logDetSPD (linalg.ts), and the LOG2PI constant (distributions.ts).
import { describe, it, expect } from 'vitest';
import { brentZero } from '../src/core/optimize.js';
import { symmetricEigen, logDetSPD, matmul, transpose, type Matrix } from '../src/core/linalg.js';
import { LOG2PI } from '../src/core/distributions.js';
import { SingularMatrixError } from '../src/core/errors.js';

/** Max |a − b| over two matrices of the same shape. */
function maxDiff(a: Matrix, b: Matrix): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

describe('brentZero (Brent 1973)', () => {
  it('finds √2 as the zero of x² − 2 on [0, 2] to machine precision', () => {
    const f = (x: number) => x * x - 2;
    const x = brentZero(f, 0, 2, f(0), f(2));
    expect(Math.abs(x - Math.SQRT2)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.SQRT2);
  });

  it('finds the Dottie number, the fixed point of cos (cos x − x = 0), and π as the zero of sin on [3, 4]', () => {
    const g = (x: number) => Math.cos(x) - x;
    const d = brentZero(g, 0, 1, g(0), g(1));
    expect(Math.abs(d - 0.7390851332151607)).toBeLessThan(1e-15);
    expect(Math.abs(Math.cos(d) - d)).toBeLessThan(1e-15);
    const p = brentZero(Math.sin, 3, 4, Math.sin(3), Math.sin(4));
    expect(Math.abs(p - Math.PI)).toBeLessThan(1e-15);
  });

  it('accepts the bracket in either order and returns an end that is already a zero', () => {
    const f = (x: number) => Math.exp(x) - 3;
    const x = brentZero(f, 2, 0, f(2), f(0));
    expect(Math.abs(x - Math.log(3))).toBeLessThan(1e-15);
    const lin = (x: number) => x - 1;
    expect(brentZero(lin, 1, 5, 0, 4)).toBe(1);
    expect(brentZero(lin, -3, 1, -4, 0)).toBe(1);
  });

  it('stops at the absolute tolerance it is given', () => {
    let calls = 0;
    const f = (x: number) => { calls++; return x * x * x - 0.5; };
    const x = brentZero(f, 0, 1, f(0), f(1), 1e-3);
    expect(Math.abs(x - Math.cbrt(0.5))).toBeLessThan(1e-3);
    const coarse = calls;
    calls = 0;
    brentZero(f, 0, 1, f(0), f(1));
    expect(calls).toBeGreaterThan(coarse);
  });
});

describe('symmetricEigen (Householder tridiagonalisation + implicit QL)', () => {
  it('gives the known eigenpairs of [[2, 1], [1, 2]]: 3 with (1, 1)/√2 and 1 with (1, −1)/√2, descending', () => {
    const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
    expect(Math.abs(values[0] - 3)).toBeLessThan(1e-15);
    expect(Math.abs(values[1] - 1)).toBeLessThan(1e-15);
    const s = Math.SQRT1_2;
    // Columns are the eigenvectors; the first entry of largest magnitude of each is positive.
    expect(maxDiff(vectors, [[s, s], [s, -s]])).toBeLessThan(1e-15);
  });

  it('gives the closed-form spectrum of the second-difference matrix tridiag(−1, 2, −1)', () => {
    // λ_k = 2 − 2cos(kπ/(n+1)), v_k[i] ∝ sin(ikπ/(n+1)), k, i = 1..n.
    const n = 12;
    const A: Matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0)));
    const { values, vectors } = symmetricEigen(A);
    for (let c = 0; c < n; c++) {
      const k = n - c; // descending order: the largest eigenvalue belongs to k = n
      const lambda = 2 - 2 * Math.cos((k * Math.PI) / (n + 1));
      expect(Math.abs(values[c] - lambda)).toBeLessThan(1e-14);
      const v = Array.from({ length: n }, (_, i) => Math.sin(((i + 1) * k * Math.PI) / (n + 1)));
      const norm = Math.hypot(...v);
      // Sign rule: the first entry within 1e-8 of the largest magnitude is positive.
      const top = Math.max(...v.map(Math.abs));
      const sign = Math.sign(v[v.findIndex((x) => Math.abs(x) >= (1 - 1e-8) * top)]);
      for (let i = 0; i < n; i++) expect(Math.abs(vectors[i][c] - (sign * v[i]) / norm)).toBeLessThan(1e-13);
    }
  });

  it('reconstructs A = V Λ V′ with orthonormal V; ascending order on request; diagonal input gives the identity', () => {
    const A: Matrix = [[4, 1, -2, 2], [1, 2, 0, 1], [-2, 0, 3, -2], [2, 1, -2, -1]];
    const { values, vectors } = symmetricEigen(A);
    for (let i = 1; i < 4; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    const VL = vectors.map((r) => r.map((v, k) => v * values[k]));
    expect(maxDiff(matmul(VL, transpose(vectors)), A)).toBeLessThan(1e-13);
    const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    expect(maxDiff(matmul(transpose(vectors), vectors), I)).toBeLessThan(1e-14);
    // tr A = Σλ, ‖A‖_F² = Σλ².
    expect(Math.abs(values.reduce((s, v) => s + v, 0) - 8)).toBeLessThan(1e-13);
    expect(Math.abs(values.reduce((s, v) => s + v * v, 0) - A.flat().reduce((s, v) => s + v * v, 0))).toBeLessThan(1e-12);
    const asc = symmetricEigen(A, 'ascending');
    expect(asc.values).toEqual(values.slice().reverse());
    expect(maxDiff(asc.vectors, vectors.map((r) => r.slice().reverse()))).toBe(0);
    const D = symmetricEigen([[1, 0, 0], [0, 3, 0], [0, 0, 2]]);
    expect(D.values).toEqual([3, 2, 1]);
    expect(D.vectors).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(symmetricEigen([])).toEqual({ values: [], vectors: [] });
    expect(symmetricEigen([[-2]])).toEqual({ values: [-2], vectors: [[1]] });
  });
});

describe('logDetSPD', () => {
  it('matches closed forms: det [[a, b], [b, c]] = ac − b², the Hilbert matrix of order 4, a scaled identity', () => {
    expect(Math.abs(logDetSPD([[4, 2], [2, 3]]) - Math.log(8))).toBeLessThan(1e-15);
    // det H_4 = 1/6048000.
    const H: Matrix = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => 1 / (i + j + 1)));
    expect(Math.abs(logDetSPD(H) + Math.log(6048000))).toBeLessThan(1e-11);
    // det(s I_n) = sⁿ, far outside the range of the determinant itself (1e-400).
    const n = 200, s = 1e-2;
    const I = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? s : 0)));
    expect(Math.abs(logDetSPD(I) - n * Math.log(s))).toBeLessThan(1e-10);
  });

  it('throws SingularMatrixError for a matrix that is not positive definite', () => {
    expect(() => logDetSPD([[1, 2], [2, 1]])).toThrow(SingularMatrixError);
  });
});

describe('LOG2PI', () => {
  it('is log(2π)', () => {
    expect(LOG2PI).toBe(Math.log(2 * Math.PI));
    expect(Math.abs(LOG2PI - 1.8378770664093453)).toBeLessThan(1e-15);
  });
});
