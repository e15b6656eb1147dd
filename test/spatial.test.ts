import { describe, it, expect } from 'vitest';
import { fitSAR, fitSEM, type FittedSAR, type FittedSEM } from '../src/classical/spatial.js';
import { spatialWeights, SpatialWeights } from '../src/classical/spatial-weights.js';
import { spatialDiagnostics } from '../src/classical/spatial-diagnostics.js';
import { DataError, SingularMatrixError, ArgumentError } from '../src/core/errors.js';
import { symmetricEigen } from '../src/core/linalg.js';
import { fixturesOfKind, loadColumn, expectRel, expectAbs, parseTol, type Fixture } from './fixtures.js';

interface Problem {
  y: Float64Array;
  x: Record<string, Float64Array>;
  W: SpatialWeights;
}

/** Data, regressors and weights of a fixture's dataset (or of its alternative files). */
function loadProblem(fx: Fixture, file: string = fx.dataset.file, edgesFile: string = fx.dataset.edges): Problem {
  const y = loadColumn(file, fx.dataset.y);
  const x: Record<string, Float64Array> = {};
  for (const c of fx.dataset.x as string[]) x[c] = loadColumn(file, c);
  const ids = loadColumn(file, 'id');
  const W = spatialWeights({ from: loadColumn(edgesFile, 'from'), to: loadColumn(edgesFile, 'to') }, y.length, { ids });
  return { y, x, W };
}

/** 'data/spatial_columbus.csv + data/spatial_columbus_edges.csv' named in the alternative's description. */
function alternativeFiles(fx: Fixture): { file: string; edges: string } {
  const desc = String(fx.alternative_weights.desc);
  const files = desc.match(/data\/[\w.]+\.csv/g);
  // The SEM fixture's description omits the file names; both fixtures use the same spData files.
  return files && files.length >= 2
    ? { file: files[0], edges: files[1] }
    : { file: 'data/spatial_columbus.csv', edges: 'data/spatial_columbus_edges.csv' };
}

const tolOf = (fx: Fixture, key: string) => parseTol(fx.tolerance[key]).value;

/** Checks the common OLS diagnostics block (R lm + lm.morantest + lm.LMtests) of a fixture. */
function checkOlsBlock(fx: Fixture, fit: FittedSAR | FittedSEM, p: Problem): void {
  const R = fx.ols.R;
  const mt = tolOf(fx, 'moran/LM');
  expectRel(fit.moranI.statistic, R.moran_I, mt, 0, 'moran I');
  expectRel(fit.moranI.statistic, fx.ols.moran_I_resid, mt, 0, 'moran I (python)');
  expectRel(fit.moranI.expectation, R.moran_expect, mt, 0, 'moran E[I]');
  expectRel(fit.moranI.variance, R.moran_var, mt, 0, 'moran Var[I]');
  expectRel(fit.moranI.z, R.moran_z.flat(), mt, 0, 'moran z');
  for (const name of ['LMerr', 'LMlag', 'RLMerr', 'RLMlag', 'SARMA'] as const) {
    const got = fit.lmTests[name], want = R.LM[name];
    expectRel(got.statistic, want.stat, mt, 0, `${name} statistic`);
    expect(got.df, `${name} df`).toBe(want.df);
    expectRel(got.pValue, want.p, mt, 0, `${name} p`);
  }
  // OLS log-likelihood (R logLik(lm)) is the LR test's reference; the LR statistic follows.
  expectAbs(fit.lrTest.logLikOLS, R.loglik, tolOf(fx, 'loglik'), 'OLS loglik');
  expectAbs(fit.lrTest.statistic, 2 * (fx.loglik - R.loglik), 2 * tolOf(fx, 'loglik'), 'LR statistic');
  const d = spatialDiagnostics(p.y, p.x, p.W);
  expect(d.names).toEqual(R.names);
  expectRel(d.coef, R.coef, tolOf(fx, 'beta'), 0, 'OLS coef');
  expectRel(d.coef, fx.ols.coef, tolOf(fx, 'beta'), 0, 'OLS coef (python)');
  expectRel(d.moran.statistic, R.moran_I, mt, 0, 'diagnostics moran I');
}

describe('spatial weights of the fixtures', () => {
  for (const fx of fixturesOfKind('spatial_sar', 'spatial_sem')) {
    it(`${fx.id}: links and eigenvalue range of W`, () => {
      const { W } = loadProblem(fx);
      expect(W.nLinks).toBe(fx.weights.n_links);
      expect(W.style).toBe('W');
      expect(W.components).toBe(1);
      const ev = W.eigenvalues();
      expect(ev.length).toBe(fx.dataset.n);
      expectAbs(ev[0], fx.weights.eigen_min, 1e-10, 'eigen min');
      expectAbs(ev[ev.length - 1], fx.weights.eigen_max, 1e-10, 'eigen max');
      // Row sums of a row-standardised W are 1; the eigenvalues sum to tr(W) = 0.
      const ones = W.lag(new Float64Array(W.n).fill(1));
      expectAbs(ones, new Float64Array(W.n).fill(1), 1e-15, 'row sums');
      expectAbs(ev.reduce((s, v) => s + v, 0), 0, 1e-10, 'trace');
    });
  }
});

describe('SAR (spatialreg lagsarlm, method eigen) against fixtures', () => {
  const fixtures = fixturesOfKind('spatial_sar');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(0));
  for (const fx of fixtures) {
    it(fx.id, () => {
      const p = loadProblem(fx);
      const fit = fitSAR(p.y, p.x, p.W, { yName: fx.dataset.y });
      expect(fit.names).toEqual(fx.coef_names);
      expectAbs(fit.rho, fx.rho, tolOf(fx, 'rho/lambda'), 'rho');
      expectRel(fit.params, fx.coef, tolOf(fx, 'beta'), 0, 'beta');
      expectAbs(fit.logLik, fx.loglik, tolOf(fx, 'loglik'), 'loglik');
      expectAbs(fit.aic, fx.aic, 2 * tolOf(fx, 'loglik'), 'aic');
      expectRel(fit.sigma2, fx.sigma2, tolOf(fx, 'sigma2'), 0, 'sigma2');
      const se = tolOf(fx, 'asymptotic se');
      expectRel(fit.stdErrors, fx.coef_se, se, 0, 'coef se');
      expectRel(fit.rhoStdError, fx.rho_se, se, 0, 'rho se');
      expectRel(fit.covariance.flat(), fx.resvar_R_order_sigma2_rho_betas.flat(), se, 0, 'resvar');
      const it_ = tolOf(fx, 'impacts');
      expect(fit.impacts.names).toEqual(fx.coef_names.slice(1));
      expectRel(fit.impacts.direct, fx.impacts.direct.flat(), it_, 0, 'direct');
      expectRel(fit.impacts.indirect, fx.impacts.indirect.flat(), it_, 0, 'indirect');
      expectRel(fit.impacts.total, fx.impacts.total.flat(), it_, 0, 'total');
      checkOlsBlock(fx, fit, p);
    });

    if (fx.alternative_weights) {
      it(`${fx.id}: alternative weights (${fx.alternative_weights.desc})`, () => {
        const files = alternativeFiles(fx);
        const p = loadProblem(fx, files.file, files.edges);
        const alt = fx.alternative_weights;
        const fit = fitSAR(p.y, p.x, p.W);
        expectAbs(fit.rho, alt.rho, tolOf(fx, 'rho/lambda'), 'alt rho');
        expectRel(fit.params, alt.coef, tolOf(fx, 'beta'), 0, 'alt beta');
        expectAbs(fit.logLik, alt.loglik, tolOf(fx, 'loglik'), 'alt loglik');
        expectRel(fit.sigma2, alt.sigma2, tolOf(fx, 'sigma2'), 0, 'alt sigma2');
        expectRel(fit.rhoStdError, alt.rho_se, tolOf(fx, 'asymptotic se'), 0, 'alt rho se');
      });
    }
  }
});

describe('SEM (spatialreg errorsarlm, method eigen) against fixtures', () => {
  const fixtures = fixturesOfKind('spatial_sem');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(0));
  for (const fx of fixtures) {
    it(fx.id, () => {
      const p = loadProblem(fx);
      const fit = fitSEM(p.y, p.x, p.W, { yName: fx.dataset.y });
      expect(fit.names).toEqual(fx.coef_names);
      expectAbs(fit.lambda, fx.lambda, tolOf(fx, 'rho/lambda'), 'lambda');
      expectRel(fit.params, fx.coef, tolOf(fx, 'beta'), 0, 'beta');
      expectAbs(fit.logLik, fx.loglik, tolOf(fx, 'loglik'), 'loglik');
      expectAbs(fit.aic, fx.aic, 2 * tolOf(fx, 'loglik'), 'aic');
      expectRel(fit.sigma2, fx.sigma2, tolOf(fx, 'sigma2'), 0, 'sigma2');
      const se = tolOf(fx, 'asymptotic se');
      expectRel(fit.stdErrors, fx.coef_se, se, 0, 'coef se');
      expectRel(fit.lambdaStdError, fx.lambda_se, se, 0, 'lambda se');
      // The exact zeros of the block-diagonal information matrix need an absolute floor.
      expectRel(fit.covariance.flat(), fx.resvar_R_order_sigma2_lambda_betas.flat(), se, 1e-12, 'resvar');
      checkOlsBlock(fx, fit, p);
    });

    if (fx.alternative_weights) {
      it(`${fx.id}: alternative weights (${fx.alternative_weights.desc})`, () => {
        const files = alternativeFiles(fx);
        const p = loadProblem(fx, files.file, files.edges);
        const alt = fx.alternative_weights;
        const fit = fitSEM(p.y, p.x, p.W);
        expectAbs(fit.lambda, alt.lambda, tolOf(fx, 'rho/lambda'), 'alt lambda');
        expectRel(fit.params, alt.coef, tolOf(fx, 'beta'), 0, 'alt beta');
        expectAbs(fit.logLik, alt.loglik, tolOf(fx, 'loglik'), 'alt loglik');
        expectRel(fit.sigma2, alt.sigma2, tolOf(fx, 'sigma2'), 0, 'alt sigma2');
        expectRel(fit.lambdaStdError, alt.lambda_se, tolOf(fx, 'asymptotic se'), 0, 'alt lambda se');
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Internal consistency (no external reference): style 'B', the profile optimum, the report
// ---------------------------------------------------------------------------------------------

const oldcol = fixturesOfKind('spatial_sar')[0];

/** Dense (I − aW)⁻¹ by Gauss–Jordan elimination, for cross-checks. */
function denseInverseIminusAW(W: SpatialWeights, a: number): number[][] {
  const n = W.n, m = W.toMatrix();
  const A = m.map((row, i) => [...row.map((v, j) => (i === j ? 1 : 0) - a * v), ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    const piv = A[c][c];
    for (let j = 0; j < 2 * n; j++) A[c][j] /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c || A[r][c] === 0) continue;
      const f = A[r][c];
      for (let j = 0; j < 2 * n; j++) A[r][j] -= f * A[c][j];
    }
  }
  return A.map((row) => row.slice(n));
}

/** Concentrated SAR log-likelihood by brute force: log det by dense LU, β by normal equations. */
function sarLogLikDense(p: Problem, rho: number): number {
  const n = p.W.n, m = p.W.toMatrix();
  const Ainv = m.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) - rho * v));
  // log|I − ρW| by LU with partial pivoting.
  let logdet = 0;
  const a = Ainv.map((r) => r.slice());
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    logdet += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j < n; j++) a[r][j] -= f * a[c][j];
    }
  }
  const Wy = p.W.lag(p.y);
  const ry = Array.from(p.y, (v, i) => v - rho * Wy[i]);
  const cols = [new Array<number>(n).fill(1), ...Object.values(p.x).map((c) => Array.from(c))];
  const k = cols.length;
  const xtx = cols.map((ci) => cols.map((cj) => ci.reduce((s, v, i) => s + v * cj[i], 0)));
  const xty = cols.map((ci) => ci.reduce((s, v, i) => s + v * ry[i], 0));
  // Solve by Gaussian elimination.
  const aug = xtx.map((r, i) => [...r, xty[i]]);
  for (let c = 0; c < k; c++) {
    for (let r = c + 1; r < k; r++) {
      const f = aug[r][c] / aug[c][c];
      for (let j = c; j <= k; j++) aug[r][j] -= f * aug[c][j];
    }
  }
  const b = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) b[i] = (aug[i][k] - b.slice(i + 1).reduce((s, v, j) => s + v * aug[i][i + 1 + j], 0)) / aug[i][i];
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ry[i] - cols.reduce((s, c, j) => s + c[i] * b[j], 0)) ** 2;
  return -n / 2 * (Math.log(2 * Math.PI) + Math.log(sse / n) + 1) + logdet;
}

describe('SAR / SEM internal consistency', () => {
  it('the fitted rho maximises the brute-force concentrated log-likelihood', () => {
    const p = loadProblem(oldcol);
    const fit = fitSAR(p.y, p.x, p.W);
    const at = sarLogLikDense(p, fit.rho);
    expectAbs(at, fit.logLik, 1e-9, 'loglik by dense LU');
    for (const h of [1e-3, 1e-4]) {
      expect(sarLogLikDense(p, fit.rho + h)).toBeLessThan(at);
      expect(sarLogLikDense(p, fit.rho - h)).toBeLessThan(at);
    }
    // Symmetric quadratic interpolation: the vertex lies within O(h²) of the fitted rho.
    const h = 1e-4, fm = sarLogLikDense(p, fit.rho - h), fp = sarLogLikDense(p, fit.rho + h);
    const vertex = fit.rho - (h * (fp - fm)) / (2 * (fp - 2 * at + fm));
    expectAbs(vertex, fit.rho, 1e-8, 'vertex');
  });

  it('binary weights (style B): impacts and information matrix agree with dense (I − ρW)⁻¹', () => {
    const fx = oldcol;
    const file = fx.dataset.file, edges = fx.dataset.edges;
    const y = loadColumn(file, fx.dataset.y);
    const x: Record<string, Float64Array> = {};
    for (const c of fx.dataset.x as string[]) x[c] = loadColumn(file, c);
    const W = spatialWeights({ from: loadColumn(edges, 'from'), to: loadColumn(edges, 'to') }, y.length, { style: 'B' });
    expect(W.s0).toBe(fx.weights.n_links);
    const fit = fitSAR(y, x, W);
    const ev = W.eigenvalues();
    expect(fit.rho).toBeGreaterThan(1 / ev[0]);
    expect(fit.rho).toBeLessThan(1 / ev[ev.length - 1]);
    const n = W.n;
    const A = denseInverseIminusAW(W, fit.rho);
    let trA = 0, sumA = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { sumA += A[i][j]; if (i === j) trA += A[i][j]; }
    const b = fit.params.slice(1);
    expectRel(fit.impacts.direct, b.map((v) => (v * trA) / n), 1e-10, 0, 'B direct');
    expectRel(fit.impacts.total, b.map((v) => (v * sumA) / n), 1e-10, 0, 'B total');
    // Information matrix entries of ρ from dense WA (spatialreg lagsarlm's own formula).
    const Wm = W.toMatrix();
    const WA = Wm.map((row) => A[0].map((_, j) => row.reduce((s, v, l) => s + v * A[l][j], 0)));
    let trWA = 0, trWAWA = 0, trWAtWA = 0;
    for (let i = 0; i < n; i++) {
      trWA += WA[i][i];
      for (let j = 0; j < n; j++) { trWAWA += WA[i][j] * WA[j][i]; trWAtWA += WA[i][j] * WA[i][j]; }
    }
    const X = Array.from(y, (_, i) => [1, ...Object.values(x).map((c) => c[i])]);
    const xb = X.map((r) => r.reduce((s, v, j) => s + v * fit.params[j], 0));
    const waxb = WA.map((row) => row.reduce((s, v, j) => s + v * xb[j], 0));
    const s2 = fit.sigma2, k = X[0].length;
    const info = Array.from({ length: k + 2 }, () => new Array<number>(k + 2).fill(0));
    info[0][0] = n / (2 * s2 * s2);
    info[0][1] = info[1][0] = trWA / s2;
    info[1][1] = trWAWA + trWAtWA + waxb.reduce((s, v) => s + v * v, 0) / s2;
    for (let a = 0; a < k; a++) {
      info[1][a + 2] = info[a + 2][1] = X.reduce((s, r, i) => s + r[a] * waxb[i], 0) / s2;
      for (let c = 0; c < k; c++) info[a + 2][c + 2] = X.reduce((s, r) => s + r[a] * r[c], 0) / s2;
    }
    // covariance · info = I.
    const prod = fit.covariance.map((row) => info[0].map((_, j) => row.reduce((s, v, l) => s + v * info[l][j], 0)));
    for (let i = 0; i < k + 2; i++) expectAbs(prod[i], prod[i].map((_, j) => (i === j ? 1 : 0)), 1e-8, `cov·info row ${i}`);
  });

  it('eigenpairs of D^{-1/2} B D^{-1/2}: S v = λ v, orthonormal, traces, ascending = core symmetricEigen reversed', () => {
    const { W } = loadProblem(oldcol);
    const n = W.n;
    const S = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => W.weight(i, j) === 0 ? 0 : 1 / Math.sqrt(W.cardinality[i] * W.cardinality[j])));
    const { values, vectors } = W.eigen();
    expect(values).toEqual(W.eigenvalues());
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    for (let k = 0; k < n; k++) {
      const v = vectors.map((r) => r[k]);
      const Sv = S.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
      expectAbs(Sv, v.map((x) => values[k] * x), 1e-12, `S v = λ v (${k})`);
      for (let l = 0; l <= k; l++) {
        const dot = vectors.reduce((s, r) => s + r[k] * r[l], 0);
        expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    // tr S = 0 (no self-links) and tr S² = Σ_ij S_ij², independent of any eigensolver.
    expect(Math.abs(values.reduce((s, l) => s + l, 0))).toBeLessThan(1e-12);
    const trS2 = S.reduce((s, row) => s + row.reduce((t, x) => t + x * x, 0), 0);
    expect(Math.abs(values.reduce((s, l) => s + l * l, 0) - trS2)).toBeLessThan(1e-12);
    expectAbs(W.eigenvalues(), symmetricEigen(S).values.slice().reverse(), 1e-12, 'eigenvalues');
  });

  it('report(), summary() and toJSON() are plain and complete', () => {
    const p = loadProblem(oldcol);
    const sar = fitSAR(p.y, p.x, p.W, { yName: 'CRIME' });
    const r = sar.report();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(Object.keys(r).sort()).toEqual(['aic', 'impacts', 'logLik', 'lrTest', 'model', 'moranI', 'nobs', 'params', 'rho', 'sigma2']);
    expect(r.params.names).toEqual(['(Intercept)', 'INC', 'HOVAL']);
    expect(r.params.stdErrors.length).toBe(3);
    expect(r.rho?.value).toBe(sar.rho);
    expect(r.impacts?.names).toEqual(['INC', 'HOVAL']);
    expect(sar.summary()).toContain('Rho:');
    expect(sar.summary()).toContain('CRIME');
    expect(sar.toJSON().kind).toBe('sar');
    const sem = fitSEM(p.y, p.x, p.W);
    const q = sem.report();
    expect(JSON.parse(JSON.stringify(q))).toEqual(q);
    expect(q.lambda?.value).toBe(sem.lambda);
    expect(q.impacts).toBeUndefined();
    expect(q.rho).toBeUndefined();
    expect(sem.summary()).toContain('Lambda:');
    expect(sem.toJSON().covariance.length).toBe(5);
    // Residual Moran's I is much smaller after modelling the spatial dependence.
    expect(Math.abs(sar.residualMoranI)).toBeLessThan(sar.moranI.statistic);
    expect(Math.abs(sem.residualMoranI)).toBeLessThan(sem.moranI.statistic);
    // Rows + names give the same fit as a record of columns.
    const rows = Array.from(p.y, (_, i) => [p.x.INC[i], p.x.HOVAL[i]]);
    const byRows = fitSAR(p.y, rows, p.W, { names: ['INC', 'HOVAL'] });
    expect(byRows.names).toEqual(sar.names);
    expectRel(byRows.params, sar.params, 1e-12, 0, 'rows vs columns');
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input: one typed error each, naming what is wrong
// ---------------------------------------------------------------------------------------------

/** A ring of n units 1-2-…-n-1 (both directions). */
function ring(n: number): { from: number[]; to: number[] } {
  const from: number[] = [], to: number[] = [];
  for (let i = 1; i <= n; i++) {
    const j = (i % n) + 1;
    from.push(i, j);
    to.push(j, i);
  }
  return { from, to };
}

function expectThrowsTyped(fn: () => unknown, cls: typeof DataError | typeof SingularMatrixError | typeof ArgumentError, pattern: RegExp, argument?: string): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'expected an error').toBeInstanceOf(cls);
  const err = caught as DataError;
  expect(err.message).toMatch(pattern);
  if (argument !== undefined) expect(err.argument).toBe(argument);
}

describe('spatial bad input', () => {
  it('fewer rows than parameters', () => {
    const W = spatialWeights(ring(4), 4);
    const y = [1, 2, 3, 5];
    const x = { a: [1, 0, 2, 1], b: [3, 1, 4, 1] }; // 3 coefficients + rho + sigma2 = 5 > 4 rows
    expectThrowsTyped(() => fitSAR(y, x, W), DataError, /more observations than parameters; got 4 rows for 5 parameters/, 'y');
    expectThrowsTyped(() => fitSEM(y, x, W), DataError, /got 4 rows for 5 parameters/, 'y');
  });

  it('collinear columns (named by core leastSquares)', () => {
    const p = loadProblem(oldcol);
    const x = { INC: p.x.INC, HOVAL: p.x.HOVAL, INC2: p.x.INC.map((v) => 2 * v) };
    expectThrowsTyped(() => fitSAR(p.y, x, p.W), SingularMatrixError, /collinear column\(s\) .*INC/, 'x');
    expectThrowsTyped(() => fitSEM(p.y, x, p.W), SingularMatrixError, /collinear column\(s\) .*INC/, 'x');
  });

  it('asymmetric edge list: names a link without its reverse', () => {
    const e = ring(5);
    // Drop 3 → 2 (the reverse of 2 → 3).
    const k = e.from.findIndex((f, i) => f === 3 && e.to[i] === 2);
    e.from.splice(k, 1);
    e.to.splice(k, 1);
    expectThrowsTyped(() => spatialWeights(e, 5), DataError, /asymmetric: link 2 → 3 has no reverse 3 → 2/, 'edges');
  });

  it('island: names the unit without neighbours', () => {
    const e = ring(4); // units 1..4 linked; unit 5 has no links
    expectThrowsTyped(() => spatialWeights(e, 5), DataError, /no neighbours \(islands\): id 5/, 'edges');
  });

  it("ids missing from the data's id column (and outside 1..n): names the id", () => {
    const e = ring(4);
    e.from.push(4, 99);
    e.to.push(99, 4);
    expectThrowsTyped(() => spatialWeights(e, 4, { ids: [1, 2, 3, 4] }), DataError, /id 99, which is not in the data's id column/, 'edges');
    expectThrowsTyped(() => spatialWeights(e, 4), DataError, /id 99, which is outside 1\.\.4/, 'edges');
    // Ids that are not row numbers are mapped through the id column.
    const W = spatialWeights({ from: [10, 20, 20, 30], to: [20, 10, 30, 20] }, 3, { ids: [30, 20, 10] });
    expect(W.neighbours).toEqual([[1], [0, 2], [1]]);
  });

  it('disconnected graph: typed error unless allowDisconnected', () => {
    // Two rings 1-2-3 and 4-5-6.
    const a = ring(3), b = ring(3);
    const e = { from: [...a.from, ...b.from.map((v) => v + 3)], to: [...a.to, ...b.to.map((v) => v + 3)] };
    expectThrowsTyped(() => spatialWeights(e, 6), DataError, /disconnected \(2 components; e\.g\. id 1 and id 4/, 'edges');
    const W = spatialWeights(e, 6, { allowDisconnected: true });
    expect(W.components).toBe(2);
    // Two components: the eigenvalue 1 of a row-standardised W is double.
    const ev = W.eigenvalues();
    expectAbs(ev.slice(-2), [1, 1], 1e-12, 'double unit eigenvalue');
  });
});

describe('spatial bad input (continued)', () => {
  it('y fitted exactly by X', () => {
    const p = loadProblem(oldcol);
    const y = p.x.INC.map((v, i) => 2 + 3 * v - p.x.HOVAL[i]);
    expectThrowsTyped(() => fitSAR(y, p.x, p.W), DataError, /fitted exactly/, 'y');
  });

  it('weights of another size than the data', () => {
    const p = loadProblem(oldcol);
    expectThrowsTyped(() => fitSEM(p.y.slice(1), { INC: p.x.INC.slice(1) }, p.W), DataError, /48 values but the weights have 49 units/, 'y');
  });
});
