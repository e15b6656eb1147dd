import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { fitVAR, selectVAROrder, varFromJSON, FittedVAR, type VARCriterion, type VARTrend } from '../src/classical/var.js';
import { fitSVAR, type SVARPattern } from '../src/classical/svar.js';
import { varMARepresentation, varImpulseResponses, varIrfStdErrors, varFevd, varIrfBootstrap } from '../src/classical/var-irf.js';
import { eigenvalues, kron, vec, unvec, vech, duplicationMatrix, eliminationMatrix, commutationMatrix } from '../src/classical/estimators/var-helpers.js';
import { ArgumentError, DataError, SingularMatrixError, type ArdiffError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { matmul, transpose } from '../src/core/linalg.js';
import { fixturesOfKind, loadColumn, expectRel, parseTol, FIXTURE_DIR, type Fixture } from './fixtures.js';

// Largest errors seen per quantity (printed at the end for the record): the relative error over
// entries that are not near zero (|expected| > 1e4 × the absolute floor), and the absolute error.
const worst = new Map<string, { rel: number; abs: number }>();
function track(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, floor: number): void {
  const m = worst.get(label) ?? { rel: 0, abs: 0 };
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], err = Math.abs(actual[i] - e);
    m.abs = Math.max(m.abs, err);
    if (e !== 0 && Math.abs(e) > 1e4 * floor) m.rel = Math.max(m.rel, err / Math.abs(e));
  }
  worst.set(label, m);
}
/** expectRel on flattened nested arrays, recording the worst relative error. */
function close(actual: unknown, expected: unknown, rel: number, abs: number, label: string): void {
  const a = flat(actual), e = flat(expected);
  track(label, a, e, abs);
  expectRel(a, e, rel, abs, label);
}
function flat(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return Array.from(x as ArrayLike<unknown>).flatMap(flat);
  throw new Error(`not numeric: ${String(x)}`);
}
afterAll(() => {
  const rows = [...worst.entries()].sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k.padEnd(40)} rel ${v.rel.toExponential(2)}  abs ${v.abs.toExponential(2)}`);
  console.log(`largest errors per quantity:\n${rows.join('\n')}`);
});

/** Runs `f`, asserts it throws `cls` naming `argument`, and returns the error. */
function expectThrows(f: () => unknown, cls: typeof ArgumentError | typeof DataError | typeof SingularMatrixError, argument: string): ArdiffError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  expect((err as ArdiffError).argument).toBe(argument);
  return err as ArdiffError;
}

/** The fixture's data: dataset.columns of dataset.file with dataset.transform ('none' or 'y = diff(log(x)) …'). */
function fixtureData(fx: Fixture): Record<string, Float64Array> {
  const tr = String(fx.dataset.transform);
  const out: Record<string, Float64Array> = {};
  for (const c of fx.dataset.columns as string[]) {
    if (/diff\(log\(x\)\)/.test(tr)) {
      const l = loadColumn(fx.dataset.file, c, 'log');
      out[c] = l.slice(1).map((v, i) => v - l[i]);
    } else if (tr === 'none') {
      out[c] = loadColumn(fx.dataset.file, c);
    } else {
      throw new Error(`unknown transform '${tr}'`);
    }
  }
  return out;
}

/** 'rel 1e-9 (abs 1e-12 near 0)' → { rel, abs }. */
function tolOf(s: string): { rel: number; abs: number } {
  const t = parseTol(s);
  const m = /abs\s*([0-9.eE+-]+)/.exec(s.slice(s.indexOf(t.kind) + 3));
  return { rel: t.kind === 'rel' ? t.value : 0, abs: m ? Number(m[1]) : t.kind === 'abs' ? t.value : 0 };
}

const Z975 = 1.959963984540054;

describe('VAR against the statsmodels fixtures (kind var)', () => {
  const fixtures = fixturesOfKind('var');
  it('has fixtures to test', () => {
    expect(fixtures.map((f) => f.id)).toEqual(['var_danish4', 'var_macrodata_dlog3']);
  });

  for (const fx of fixtures) {
    const data = fixtureData(fx);
    const names = fx.model.variables as string[];
    const tolP = tolOf(fx.tolerance['params/bse/sigma_u/llf/ics']);
    const tolG = tolOf(fx.tolerance['granger/inst']);
    const tolI = tolOf(fx.tolerance['irf/fevd/forecast']);
    const fit = () => fitVAR(data, { lags: fx.model.p, trend: fx.model.trend, maxLags: fx.lag_selection.maxlags });

    it(`${fx.id}: data and layout`, () => {
      for (const c of names) expect(data[c].length).toBe(fx.dataset.n);
      const f = fit();
      expect(f.kind).toBe('var');
      expect(f.names).toEqual(names);
      expect(f.k).toBe(fx.model.k);
      expect(f.lags).toBe(fx.model.p);
      expect(f.nobs).toBe(fx.nobs);
      expect(f.dfResid).toBe(fx.df_resid);
      expect(f.paramNames).toEqual(fx.params.row_names);
      expect(names).toEqual(fx.params.equations);
    });

    it(`${fx.id}: coefficients, standard errors, z and p-values`, () => {
      const f = fit();
      close(f.params, fx.params.values, tolP.rel, 0, 'params');
      close(f.bse, fx.params.bse, tolP.rel, 0, 'bse');
      close(f.tvalues, fx.params.tvalues, 2 * tolP.rel, 0, 'tvalues');
      // Normal p-values: a relative error δ in z moves the tail by ≈ z²δ.
      const z = flat(fx.params.tvalues), pv = flat(fx.params.pvalues), got = flat(f.pvalues);
      pv.forEach((p, i) => close(got[i], p, Math.max(1e-12, 2 * tolP.rel * (1 + z[i] * z[i])), 0, 'pvalues (normal)'));
      close(f.coefs, fx.coefs_A, tolP.rel, 0, 'coefs A_l');
      close(f.intercept, fx.intercept, tolP.rel, 0, 'intercept');
      // Per-equation view.
      const eq = f.equation(names[1]);
      expect(eq.names).toEqual(fx.params.row_names);
      close(eq.values, fx.params.values.map((r: number[]) => r[1]), tolP.rel, 0, 'params');
    });

    it(`${fx.id}: sigma_u, likelihood, criteria, stability, residual correlation`, () => {
      const f = fit();
      close(f.sigmaU, fx.sigma_u, tolP.rel, 0, 'sigma_u');
      close(f.sigmaUMle, fx.sigma_u_mle, tolP.rel, 0, 'sigma_u_mle');
      close(f.llf, fx.llf, tolP.rel, 0, 'llf');
      close(f.aic, fx.aic, tolP.rel, 0, 'aic');
      close(f.bic, fx.bic, tolP.rel, 0, 'bic');
      close(f.hqic, fx.hqic, tolP.rel, 0, 'hqic');
      close(f.fpe, fx.fpe, tolP.rel, 0, 'fpe');
      close(f.detomega, fx.detomega, tolP.rel, 0, 'detomega');
      expect(f.isStable()).toBe(fx.is_stable);
      close(f.roots().map((r) => r.modulus), fx.roots_modulus, tolP.rel, 0, 'roots modulus');
      close(f.residCorr, fx.resid_corr, tolP.rel, 1e-15, 'resid_corr');
    });

    it(`${fx.id}: lag-order selection on the common sample`, () => {
      const ls = fx.lag_selection;
      const f = fit();
      const sel = f.selection!;
      expect(sel).not.toBeNull();
      expect(sel.maxLags).toBe(ls.maxlags);
      expect(sel.nobs).toBe(ls.nobs_used_for_selection);
      expect(sel.table.map((r) => r.p)).toEqual(ls.orders);
      for (const c of ['aic', 'bic', 'hqic', 'fpe'] as VARCriterion[]) {
        close(sel.table.map((r) => r[c]), ls.ics[c], tolP.rel, 0, `selection ${c}`);
        expect(sel.selected[c]).toBe(ls.selected[c]);
        // VAR(Y).fit(maxlags, ic=c) refits with the selected order on its own sample.
        const auto = fitVAR(data, { maxLags: ls.maxlags, ic: c, trend: fx.model.trend });
        expect(auto.lags).toBe(ls.selected[c]);
        expect(auto.nobs).toBe(fx.dataset.n - ls.selected[c]);
      }
      expect(selectVAROrder(data, { maxLags: ls.maxlags, trend: fx.model.trend })).toEqual(sel);
      const plain = fitVAR(data, { lags: fx.model.p });
      expect(plain.selection).toBeNull();
      expect(plain.selectOrder({ maxLags: ls.maxlags })).toEqual(sel);
      expect(plain.selection).toEqual(sel);
    });

    it(`${fx.id}: Granger (F and Wald) and instantaneous causality`, () => {
      const f = fit();
      expect(fx.granger.length).toBeGreaterThanOrEqual(names.length * (names.length - 1));
      for (const g of fx.granger) {
        const label = `${g.causing.join('+')} -> ${g.caused}`;
        const t = f.testCausality(g.caused, g.causing, { kind: 'f' });
        expect(t.df, label).toEqual(g.F_df);
        close(t.statistic, g.F, tolG.rel, 0, 'granger F');
        close(t.pValue, g.F_pvalue, tolG.rel, 0, 'granger F p');
        if (g.wald !== undefined) {
          const w = f.testCausality(g.caused, g.causing, { kind: 'wald' });
          expect(w.df).toBe(g.wald_df);
          close(w.statistic, g.wald, tolG.rel, 0, 'granger Wald');
          close(w.pValue, g.wald_pvalue, tolG.rel, 0, 'granger Wald p');
        }
        if (g.causing.length === names.length - 1) {
          // causing defaults to all other variables (statsmodels causing=None).
          expect(f.testCausality(g.caused).statistic).toBe(t.statistic);
        }
      }
      for (const ic of fx.instantaneous_causality) {
        const t = f.testInstCausality(ic.causing);
        expect(t.df).toBe(ic.df);
        close(t.statistic, ic.wald, tolG.rel, 0, 'instantaneous Wald');
        close(t.pValue, ic.pvalue, tolG.rel, 0, 'instantaneous p');
      }
    });

    it(`${fx.id}: impulse responses, cumulative effects and asymptotic standard errors`, () => {
      const f = fit();
      const H = fx.irf.horizons;
      const ir = f.irf(H);
      expect(ir.plain.length).toBe(H + 1);
      close(ir.plain, fx.irf.irfs, tolI.rel, tolI.abs, 'irf plain');
      close(ir.orthogonalized, fx.irf.orth_irfs, tolI.rel, tolI.abs, 'irf orthogonalised');
      close(ir.impact, fx.irf.cholesky_P, tolI.rel, tolI.abs, 'cholesky P');
      close(ir.cumulativePlain, fx.irf.cum_effects, tolI.rel, tolI.abs, 'cumulative irf');
      close(ir.cumulativeOrthogonalized, fx.irf.orth_cum_effects, tolI.rel, tolI.abs, 'cumulative orth irf');
      close(f.irfStdErrors(H, true), fx.irf.orth_irfs_asymptotic_stderr, tolI.rel, tolI.abs, 'orth irf asymptotic se');
    });

    it(`${fx.id}: forecast error variance decomposition`, () => {
      const f = fit();
      const H = fx.fevd.horizons;
      const fe = f.fevd(H);
      expect(fe.length).toBe(H);
      // The fixture (statsmodels `decomp`) is [variable][h][shock]; ours is [h][variable][shock].
      const ref = Array.from({ length: H }, (_, h) => names.map((_, i) => fx.fevd.decomp[i][h]));
      close(fe, ref, tolI.rel, tolI.abs, 'fevd');
      for (const row of fe.flat()) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });

    it(`${fx.id}: forecasts with MSE matrices and 95% intervals`, () => {
      const f = fit();
      const fc = f.forecast(fx.forecast.h);
      close(fc.mean(), fx.forecast.mean, tolI.rel, tolI.abs, 'forecast mean');
      close(fc.se, fx.forecast.se, tolI.rel, tolI.abs, 'forecast se');
      close(fc.mse, fx.forecast.mse, tolI.rel, tolI.abs, 'forecast mse');
      const i95 = fc.interval(95);
      close(i95.lower, fx.forecast.lower95, tolI.rel, tolI.abs, 'forecast lower95');
      close(i95.upper, fx.forecast.upper95, tolI.rel, tolI.abs, 'forecast upper95');
      // The univariate view agrees with the matrix.
      const g = fc.variable(names[0]);
      expectRel(g.mean(), fc.mean().map((r) => r[0]), 0, 0, 'variable mean');
      expectRel(g.interval(95).upper, i95.upper.map((r) => r[0]), 1e-15, 0, 'variable upper');
      // Bands are mean ± 1.96 se as the fixture notes say.
      expectRel(flat(fx.forecast.upper95), flat(fx.forecast.mean).map((m, i) => m + Z975 * flat(fx.forecast.se)[i]), 1e-12, 1e-15, 'fixture bands');
    });

    it(`${fx.id}: report() for the CLI`, () => {
      const f = fit();
      const H = fx.irf.horizons;
      const rep = f.report(H);
      expect(Object.keys(rep)).toEqual(['params', 'selection', 'granger', 'irf', 'fevd']);
      expect(Object.keys(rep.params)).toEqual(names);
      for (const [e, nm] of names.entries()) {
        expect(Object.keys(rep.params[nm])).toEqual(['names', 'values', 'stdErrors']);
        expect(rep.params[nm].names).toEqual(fx.params.row_names);
        close(rep.params[nm].values, fx.params.values.map((r: number[]) => r[e]), tolP.rel, 0, 'params');
        close(rep.params[nm].stdErrors, fx.params.bse.map((r: number[]) => r[e]), tolP.rel, 0, 'bse');
      }
      expect(Object.keys(rep.selection!)).toEqual(['aic', 'bic', 'hqic', 'fpe', 'table']);
      expect(rep.selection!.aic).toBe(fx.lag_selection.selected.aic);
      expect(rep.granger.length).toBe(names.length * (names.length - 1));
      for (const g of rep.granger) {
        expect(Object.keys(g)).toEqual(['caused', 'causing', 'F', 'df', 'p']);
        const ref = fx.granger.find((r: Fixture) => r.caused === g.caused && r.causing.length === 1 && r.causing[0] === g.causing);
        expect(ref, `${g.causing} -> ${g.caused}`).toBeDefined();
        close(g.F, ref.F, tolG.rel, 0, 'granger F');
        close(g.p, ref.F_pvalue, tolG.rel, 0, 'granger F p');
        expect(g.df).toEqual(ref.F_df);
      }
      close(rep.irf.plain, fx.irf.irfs, tolI.rel, tolI.abs, 'irf plain');
      close(rep.irf.orthogonalized, fx.irf.orth_irfs, tolI.rel, tolI.abs, 'irf orthogonalised');
      expect(rep.fevd.length).toBe(H);
      expect(rep.fevd[H - 1][1]).toEqual(f.fevd(H)[H - 1][1]);
      // Plain JSON: survives a JSON round trip unchanged; no selection key without selection.
      expect(JSON.parse(JSON.stringify(rep))).toEqual(rep);
      expect(Object.keys(fitVAR(data, { lags: fx.model.p }).report(3))).toEqual(['params', 'granger', 'irf', 'fevd']);
    });

    it(`${fx.id}: toJSON/fromJSON round trip and summary`, () => {
      const f = fit();
      const json = JSON.parse(JSON.stringify(f.toJSON()));
      const g = FittedVAR.fromJSON(json);
      expect(varFromJSON(json).params).toEqual(f.params);
      expect(g.forecast(8).mean()).toEqual(f.forecast(8).mean());
      expect(g.forecast(8).mse).toEqual(f.forecast(8).mse);
      expect(g.params).toEqual(f.params);
      expect(g.bse).toEqual(f.bse);
      expect(g.llf).toBe(f.llf);
      expect(g.selection).toEqual(f.selection);
      expect(g.report(5)).toEqual(f.report(5));
      const s = f.summary();
      expect(s).toContain('Summary of Regression Results');
      expect(s).toContain(`Results for equation ${names[0]}`);
      expect(s).toContain('Correlation matrix of residuals');
      expect(s).toContain(f.llf.toPrecision(6));
      for (const rn of fx.params.row_names as string[]) expect(s).toContain(rn);
    });
  }
});

describe('nonsymmetric eigenvalues (Hessenberg QR)', () => {
  const sortC = (z: [number, number][]) => z.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  it('finds the roots of a companion matrix with real, complex and repeated roots', () => {
    // Roots 2, 0.5 ± 1.5i, −1, −1, 0.25 (one repeated): monic polynomial coefficients via products.
    const roots: [number, number][] = [[2, 0], [0.5, 1.5], [0.5, -1.5], [-1, 0], [-1, 0], [0.25, 0]];
    let poly: [number, number][] = [[1, 0]];
    for (const [rr, ri] of roots) {
      const next: [number, number][] = poly.map(() => [0, 0]);
      next.push([0, 0]);
      poly.forEach(([a, b], i) => {
        next[i][0] += a; next[i][1] += b;
        next[i + 1][0] -= a * rr - b * ri; next[i + 1][1] -= a * ri + b * rr;
      });
      poly = next;
    }
    const c = poly.map(([re]) => re); // z^6 + c1 z^5 + … + c6
    const n = roots.length;
    const comp = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === 0 ? -c[j + 1] : i === j + 1 ? 1 : 0)));
    const got = sortC(eigenvalues(comp));
    const want = sortC(roots);
    got.forEach(([re, im], i) => {
      // A double root is only determined to ~√ε.
      const tol = Math.abs(want[i][0] + 1) < 1e-12 ? 1e-7 : 1e-12;
      expect(Math.abs(re - want[i][0])).toBeLessThan(tol);
      expect(Math.abs(im - want[i][1])).toBeLessThan(tol);
    });
  });

  it('satisfies trace and determinant identities on random matrices up to 40 × 40', () => {
    const rng = createRng(7);
    for (const n of [1, 2, 3, 7, 15, 40]) {
      const a = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
      const ev = eigenvalues(a);
      expect(ev.length).toBe(n);
      let tr = 0;
      for (let i = 0; i < n; i++) tr += a[i][i];
      expect(Math.abs(ev.reduce((s, [re]) => s + re, 0) - tr)).toBeLessThan(1e-11 * n);
      expect(Math.abs(ev.reduce((s, [, im]) => s + im, 0))).toBeLessThan(1e-11 * n);
      // Each eigenvalue makes A − λI singular: the smallest singular value of the 2n × 2n real form is ~0.
      for (const [re, im] of ev.slice(0, 3)) {
        const m = Array.from({ length: 2 * n }, (_, i) => Array.from({ length: 2 * n }, (_, j) => {
          const bi = i < n ? 0 : 1, bj = j < n ? 0 : 1, r = i % n, c = j % n;
          const v = a[r][c] - (r === c ? re : 0);
          if (bi === bj) return v;
          const w = r === c ? im : 0;
          return bi === 0 ? w : -w;
        }));
        const det = Math.abs(luDet(m));
        expect(det).toBeLessThan(1e-8 * Math.max(1, scaleDet(m)));
      }
    }
  });

  it('handles zero, diagonal and already-triangular matrices', () => {
    expect(eigenvalues([[0, 0], [0, 0]])).toEqual([[0, 0], [0, 0]]);
    expect(sortC(eigenvalues([[3, 1, 2], [0, -1, 5], [0, 0, 2]]))).toEqual([[-1, 0], [2, 0], [3, 0]]);
    expect(eigenvalues([])).toEqual([]);
    const rot = eigenvalues([[0, -1], [1, 0]]);
    expect(sortC(rot).map(([r, i]) => [Math.abs(r), i])).toEqual([[0, -1], [0, 1]]);
  });
});

function luDet(m: number[][]): number {
  const a = m.map((r) => r.slice());
  const n = a.length;
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (a[p][c] === 0) return 0;
    if (p !== c) { [a[p], a[c]] = [a[c], a[p]]; det = -det; }
    det *= a[c][c];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j < n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return det;
}
/** Hadamard's bound Π‖row‖, the scale of |det|. */
function scaleDet(m: number[][]): number {
  return m.reduce((s, r) => s * Math.hypot(...r), 1);
}

describe('vec/vech helpers', () => {
  it('satisfy the defining identities of D, L and K', () => {
    const rng = createRng(3);
    const k = 3;
    const m = Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal()));
    const s = m.map((r, i) => r.map((v, j) => v + m[j][i]));
    const D = duplicationMatrix(k), L = eliminationMatrix(k), K = commutationMatrix(k, k);
    expectRel(matmul(D, vech(s).map((v) => [v])).map((r) => r[0]), vec(s), 1e-15, 1e-15, 'D vech = vec');
    expectRel(matmul(L, vec(m).map((v) => [v])).map((r) => r[0]), vech(m), 0, 0, 'L vec = vech');
    expectRel(matmul(K, vec(m).map((v) => [v])).map((r) => r[0]), vec(transpose(m)), 0, 0, 'K vec = vec transpose');
    expect(unvec(vec(m), k)).toEqual(m);
    // vec(ABC) = (C' ⊗ A) vec(B).
    const b = Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal()));
    const c = Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal()));
    const lhs = vec(matmul(matmul(m, b), c));
    const rhs = matmul(kron(transpose(c), m), vec(b).map((v) => [v])).map((r) => r[0]);
    expectRel(lhs, rhs, 1e-12, 1e-12, 'vec(ABC)');
  });
});

// ---------------------------------------------------------------------------------------------
// Structural VARs and statsmodels trend variants (generated fixture)

interface SVARCase {
  id: string;
  svar_type: 'A' | 'B' | 'AB';
  A_pattern: SVARPattern | null;
  B_pattern: SVARPattern | null;
  statsmodels: { A: number[][]; B: number[][]; loglike: number; A_normalised: number[][]; B_normalised: number[][] };
  refined: { A: number[][]; B: number[][]; impact: number[][]; llf: number; irf: number[][][] };
  closed_form?: { A: number[][]; B: number[][] };
}

describe('structural VAR (generated statsmodels fixture svar_macrodata_ab.json)', () => {
  const fx = JSON.parse(readFileSync(`${FIXTURE_DIR}svar_macrodata_ab.json`, 'utf8')) as Fixture;
  const data = fixtureData(fx);
  const base = fitVAR(data, { lags: fx.model.p, trend: fx.model.trend });

  it('fits the same reduced form', () => {
    expect(fx.kind).toBe('svar');
    expect(base.nobs).toBe(fx.model.nobs);
    close(base.sigmaU, fx.sigma_u, 1e-9, 0, 'svar sigma_u');
  });

  for (const c of fx.cases as SVARCase[]) {
    it(`${c.id}: ML estimate of A and B, impact, log-likelihood and structural IRFs`, () => {
      const opts = { type: c.svar_type, ...(c.A_pattern ? { A: c.A_pattern } : {}), ...(c.B_pattern ? { B: c.B_pattern } : {}) };
      const s = fitSVAR(base, opts);
      expect(s.converged).toBe(true);
      close(s.A, c.refined.A, 1e-6, 1e-9, 'svar A');
      close(s.B, c.refined.B, 1e-6, 1e-9, 'svar B');
      close(s.impact, c.refined.impact, 1e-6, 1e-9, 'svar impact');
      close(s.llf, c.refined.llf, 1e-10, 0, 'svar llf');
      close(s.irf(10), c.refined.irf, 1e-6, 1e-9, 'svar irf');
      if (c.closed_form) {
        close(s.A, c.closed_form.A, 1e-6, 1e-9, 'svar A closed form');
        close(s.B, c.closed_form.B, 1e-6, 1e-9, 'svar B closed form');
      }
      // statsmodels' own BFGS stopping point is close to the optimum (and slightly below it).
      close(s.A, c.statsmodels.A_normalised, 1e-3, 1e-9, 'svar A vs statsmodels');
      close(s.B, c.statsmodels.B_normalised, 1e-3, 1e-9, 'svar B vs statsmodels');
      close(s.llf, c.statsmodels.loglike, 1e-9, 0, 'svar llf vs statsmodels');
      expect(s.llf).toBeGreaterThanOrEqual(c.statsmodels.loglike - 1e-9);
      // The implied covariance reproduces Σ_u exactly when just identified.
      if (c.closed_form) close(matmul(s.impact, transpose(s.impact)), fx.sigma_u, 1e-7, 1e-14, 'svar implied sigma');
      const fe = s.fevd(5);
      for (const row of fe.flat()) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
  }

  it('A/B estimates do not depend on the scale of the data (start on the data scale as well as at 0.1)', () => {
    const c = (fx.cases as SVARCase[]).find((x) => x.id === 'ab_overidentified')!;
    for (const scale of [1e-4, 1e3]) {
      const scaled = fitVAR(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.map((x) => scale * x)])), { lags: 2 });
      const s = fitSVAR(scaled, { type: 'AB', A: c.A_pattern!, B: c.B_pattern! });
      expect(s.converged).toBe(true);
      close(s.A, c.refined.A, 1e-6, 1e-9, 'svar A (scaled data)');
      close(s.B, c.refined.B.map((r) => r.map((v) => scale * v)), 1e-6, 1e-9 * scale, 'svar B (scaled data)');
      // ℓ shifts by −T K log(scale) under y → scale·y.
      close(s.llf, c.refined.llf - scaled.nobs * 3 * Math.log(scale), 1e-10, 0, 'svar llf (scaled data)');
    }
  });

  it('recursive SVAR: the natural order is the Cholesky IRF; another order equals the VAR fitted on reordered columns', () => {
    const rec = base.recursiveSVAR();
    expect(rec.shocks).toEqual(base.names);
    expect(rec.irf(6)).toEqual(base.irf(6).orthogonalized);
    const order = ['realinv', 'realgdp', 'realcons'];
    const re = base.recursiveSVAR(order);
    expect(re.shocks).toEqual(order);
    const reordered = fitVAR(Object.fromEntries(order.map((n) => [n, data[n]])), { lags: 2 });
    const want = reordered.irf(6).orthogonalized; // rows and columns in `order`
    const got = re.irf(6);
    for (let h = 0; h <= 6; h++) {
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        close(got[h][base.names.indexOf(order[i])][j], want[h][i][j], 1e-9, 1e-15, 'recursive svar reordered');
      }
    }
    close(matmul(re.impact, transpose(re.impact)), base.sigmaU, 1e-12, 1e-18, 'recursive impact');
    // The structural likelihood of a just-identified model equals −T/2 (K log 2π + log|Σ_u| + K).
    const ld = Math.log(base.detomega);
    close(re.llf, -base.nobs / 2 * (3 * Math.log(2 * Math.PI) + ld + 3), 1e-12, 0, 'recursive llf');
    expectThrows(() => base.recursiveSVAR(['realgdp', 'realgdp', 'realinv']), ArgumentError, 'ordering');
    expectThrows(() => base.recursiveSVAR(['realgdp', 'gdp', 'realinv']), ArgumentError, 'ordering');
  });

  it('rejects unidentified and malformed A/B models', () => {
    const E = 'E' as const;
    expectThrows(() => fitSVAR(base, { type: 'B', B: [[E, E, E], [E, E, E], [E, E, E]] }), ArgumentError, 'B');
    expectThrows(() => fitSVAR(base, { type: 'AB', A: [[1, 0, 0], [E, 1, 0], [E, E, 1]] }), ArgumentError, 'B');
    expectThrows(() => fitSVAR(base, { type: 'A', A: [[E, 0], [0, E]] }), ArgumentError, 'A');
    expectThrows(() => fitSVAR(base, { type: 'A', A: [[E, 0, 0], [E, E, 0], [E, E, Number.NaN]] }), ArgumentError, 'A');
    // Order condition: 7 free parameters for 6 distinct elements of Σ_u.
    expect(expectThrows(() => fitSVAR(base, { type: 'AB', A: [[1, E, 0], [E, 1, 0], [0, 0, 1]], B: [[E, E, 0], [E, E, 0], [0, 0, E]] }), ArgumentError, 'A').message)
      .toContain('order condition');
    // Rank condition: the 2 × 2 block of B has 4 parameters for 3 moments (any rotation fits).
    expect(expectThrows(() => fitSVAR(base, { type: 'B', B: [[E, E, 0], [E, E, 0], [0, 0, E]] }), ArgumentError, 'B').message)
      .toContain('rank condition');
  });

  for (const v of fx.var_trend_variants as Fixture[]) {
    it(`VAR with trend '${v.trend}' (${v.call})`, () => {
      const f = fitVAR(data, { lags: fx.model.p, trend: v.trend as VARTrend });
      expect(f.paramNames).toEqual(v.row_names);
      expect(f.nobs).toBe(v.nobs);
      expect(f.dfResid).toBe(v.df_resid);
      close(f.params, v.params, 1e-9, 0, `trend ${v.trend} params`);
      close(f.bse, v.bse, 1e-9, 0, `trend ${v.trend} bse`);
      close(f.sigmaU, v.sigma_u, 1e-9, 0, `trend ${v.trend} sigma_u`);
      for (const key of ['llf', 'aic', 'bic', 'hqic', 'fpe'] as const) close(f[key], v[key], 1e-9, 0, `trend ${v.trend} ${key}`);
      const fc = f.forecast(v.forecast.h);
      close(fc.mean(), v.forecast.mean, 1e-9, 1e-12, `trend ${v.trend} forecast mean`);
      const i95 = fc.interval(95);
      close(i95.lower, v.forecast.lower95, 1e-9, 1e-12, `trend ${v.trend} lower95`);
      close(i95.upper, v.forecast.upper95, 1e-9, 1e-12, `trend ${v.trend} upper95`);
      const g = f.testCausality('realinv', ['realcons']);
      expect(g.df).toEqual(v.granger_realcons_to_realinv.df);
      close(g.statistic, v.granger_realcons_to_realinv.F, 1e-8, 0, `trend ${v.trend} granger F`);
      close(g.pValue, v.granger_realcons_to_realinv.pvalue, 1e-8, 0, `trend ${v.trend} granger p`);
      const ic = f.testInstCausality('realgdp');
      expect(ic.df).toBe(v.inst_causality_realgdp.df);
      close(ic.statistic, v.inst_causality_realgdp.wald, 1e-8, 0, `trend ${v.trend} instantaneous Wald`);
      close(ic.pValue, v.inst_causality_realgdp.pvalue, 1e-8, 0, `trend ${v.trend} instantaneous p`);
      // Without a constant the residual means are not zero: the correlation is centred (statsmodels).
      close(f.residCorr, v.resid_corr, 1e-9, 1e-15, `trend ${v.trend} resid_corr`);
      close(f.roots().map((r) => r.modulus), v.roots_modulus, 1e-9, 0, `trend ${v.trend} roots modulus`);
      expect(f.isStable()).toBe(v.is_stable);
      close(f.irf(10).orthogonalized, v.orth_irfs, 1e-9, 1e-12, `trend ${v.trend} orth irf`);
      close(f.irfStdErrors(10, true), v.orth_irfs_asymptotic_stderr, 1e-9, 1e-12, `trend ${v.trend} orth irf se`);
      close(f.irfStdErrors(10, false), v.irfs_asymptotic_stderr, 1e-9, 1e-12, `trend ${v.trend} plain irf se`);
      const sel = selectVAROrder(data, { maxLags: 6, trend: v.trend as VARTrend });
      for (const c of ['aic', 'bic', 'hqic', 'fpe'] as VARCriterion[]) {
        close(sel.table.map((r) => r[c]), v.lag_selection.ics[c], 1e-9, 0, `trend ${v.trend} selection ${c}`);
        expect(sel.selected[c]).toBe(v.lag_selection.selected[c]);
      }
      expect(sel.table[0].p).toBe(v.trend === 'n' ? 1 : 0);
    });
  }
});

describe('VAR(0) chosen by a criterion on white noise', () => {
  it('fits constant means, forecasts them and reports without Granger tests', () => {
    const rng = createRng(21);
    const data = { a: Array.from({ length: 120 }, () => rng.normal()), b: Array.from({ length: 120 }, () => 5 + 2 * rng.normal()) };
    const f = fitVAR(data, { maxLags: 4, ic: 'bic' });
    expect(f.selection!.selected.bic).toBe(0);
    expect(f.lags).toBe(0);
    expect(f.paramNames).toEqual(['const']);
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expectRel(f.intercept, [mean(data.a), mean(data.b)], 1e-12, 0, 'VAR(0) intercept');
    const fc = f.forecast(3);
    expectRel(fc.mean().flatMap((r) => Array.from(r)), [0, 1, 2].flatMap(() => f.intercept), 1e-15, 0, 'VAR(0) forecast');
    expectRel(fc.mse[2].flat(), f.sigmaU.flat(), 1e-15, 0, 'VAR(0) mse');
    expect(f.roots()).toEqual([]);
    expect(f.isStable()).toBe(true);
    expect(f.irfStdErrors(3, true)[2]).toEqual([[0, 0], [0, 0]]);
    const rep = f.report(3);
    expect(rep.granger).toEqual([]);
    expect(rep.irf.plain[1]).toEqual([[0, 0], [0, 0]]);
    expectThrows(() => f.testCausality('a', 'b'), ArgumentError, 'lags');
    expect(f.summary()).toContain('Results for equation b');
  });
});

// ---------------------------------------------------------------------------------------------
// Bootstrap bands, sampling

describe('var-irf: impulse responses as functions of the parameters', () => {
  const fx = fixturesOfKind('var').find((f) => f.id === 'var_macrodata_dlog3');
  const f = fitVAR(fixtureData(fx), { lags: 2, trend: 'ct' });
  const chol = f.irf(0).impact;
  const lagXtxInv = f.xtxInv.slice(f.kTrend).map((r) => r.slice(f.kTrend));

  it('give exactly what the FittedVAR methods give', () => {
    expect(varMARepresentation(f.coefs, 7, f.k)).toEqual(f.maRep(7));
    expect(varImpulseResponses({ coefs: f.coefs, chol }, 7)).toEqual(f.irf(7));
    const params = { coefs: f.coefs, sigmaU: f.sigmaU, chol, lagXtxInv, nobs: f.nobs };
    expect(varIrfStdErrors(params, 7, true)).toEqual(f.irfStdErrors(7, true));
    expect(varIrfStdErrors(params, 7, false)).toEqual(f.irfStdErrors(7, false));
    expect(varFevd(f.maRep(4), chol, f.sigmaU)).toEqual(f.fevd(5));
    // With P P' = Σ_u the shock-implied MSE (no sigma) gives the same shares.
    const a = varFevd(f.maRep(4), chol).flat(2), b = f.fevd(5).flat(2);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-13);
  });

  it('bootstrap from a model description: the fitted recursion with zero shocks reproduces the point responses', () => {
    const data = f.data;
    const model = {
      k: f.k, lags: f.lags, nTotal: f.nTotal,
      initial: [0, 1].map((t) => data.map((c) => c[t])),
      resid: f.resid.map((r) => r.map(() => 0)),
      chol,
      step: (hist: readonly number[][], t: number) => f.coefs.reduce((y, A, l) => y.map((v, i) => v + A[i].reduce((s, a, j) => s + a * hist[hist.length - 1 - l][j], 0)), f.intercept.map((c, i) => c + f.params[1][i] * (t + 1))),
      refit: () => ({ coefs: f.coefs, sigmaU: f.sigmaU }),
    };
    const bands = varIrfBootstrap(model, 3, { reps: 5, rng: createRng(1) });
    expect(bands.plain.lower).toEqual(f.irf(3).plain);
    expect(bands.orthogonalized.upper).toEqual(f.irf(3).orthogonalized);
    expectThrows(() => varIrfBootstrap(model, 3, { reps: 5, rng: createRng(1), method: 'wild' as 'gaussian' }), ArgumentError, 'method');
  });
});

describe('impulse-response bootstrap bands', () => {
  const fx = fixturesOfKind('var').find((f) => f.id === 'var_macrodata_dlog3');
  const data = fixtureData(fx);
  const f = fitVAR(data, { lags: 2 });

  it('is deterministic for a seed, differs between seeds and brackets the point estimates', () => {
    const a = f.irfBootstrap(6, { reps: 200, rng: createRng(11) });
    const b = f.irfBootstrap(6, { reps: 200, rng: createRng(11) });
    const c = f.irfBootstrap(6, { reps: 200, rng: createRng(12) });
    expect(a).toEqual(b);
    expect(c.orthogonalized.lower).not.toEqual(a.orthogonalized.lower);
    expect(a.level).toBe(95);
    expect(a.method).toBe('residual');
    const ir = f.irf(6);
    for (const [kind, point] of [['plain', ir.plain], ['orthogonalized', ir.orthogonalized]] as const) {
      const band = a[kind];
      for (let h = 0; h <= 6; h++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        const lo = band.lower[h][i][j], hi = band.upper[h][i][j], p = point[h][i][j];
        expect(lo, `${kind} lower ≤ upper at ${h},${i},${j}`).toBeLessThanOrEqual(hi);
        expect(p, `${kind} point inside the band at ${h},${i},${j}`).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(p, `${kind} point inside the band at ${h},${i},${j}`).toBeLessThanOrEqual(hi + 1e-12);
      }
    }
    // Impact of the plain IRF is the identity in every replication; the orthogonal impact is not.
    expect(a.plain.lower[0]).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(a.orthogonalized.upper[0][0][0]).toBeGreaterThan(a.orthogonalized.lower[0][0][0]);
    // Band width shrinks with a lower level.
    const narrow = f.irfBootstrap(6, { reps: 200, rng: createRng(11), level: 50 });
    expect(narrow.orthogonalized.upper[1][2][1] - narrow.orthogonalized.lower[1][2][1])
      .toBeLessThan(a.orthogonalized.upper[1][2][1] - a.orthogonalized.lower[1][2][1]);
  });

  it('gaussian draws give bands of similar width to the asymptotic ±1.96 se', () => {
    const g = f.irfBootstrap(4, { reps: 400, rng: createRng(5), method: 'gaussian' });
    const se = f.irfStdErrors(4, true);
    const width = g.orthogonalized.upper[1][0][0] - g.orthogonalized.lower[1][0][0];
    expect(width / (2 * Z975 * se[1][0][0])).toBeGreaterThan(0.7);
    expect(width / (2 * Z975 * se[1][0][0])).toBeLessThan(1.4);
  });

  it('rejects a missing rng and bad settings', () => {
    // @ts-expect-error testing the missing rng at run time
    expectThrows(() => f.irfBootstrap(4, {}), ArgumentError, 'rng');
    expectThrows(() => f.irfBootstrap(4, { rng: createRng(1), reps: 1 }), ArgumentError, 'reps');
    expectThrows(() => f.irfBootstrap(4, { rng: createRng(1), level: 120 }), ArgumentError, 'level');
    expectThrows(() => f.irfBootstrap(-1, { rng: createRng(1) }), ArgumentError, 'H');
  });

  it('samples forecast paths whose spread matches the forecast standard errors', () => {
    const paths = f.sample(3, { paths: 4000, rng: createRng(9) });
    expect(f.sample(3, { paths: 5, rng: createRng(9) })).toEqual(f.sample(3, { paths: 5, rng: createRng(9) }));
    const fc = f.forecast(3);
    for (let i = 0; i < 3; i++) {
      const xs = paths.map((p) => p[2][i]);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
      expect(Math.abs(m - fc.mean()[2][i])).toBeLessThan(4 * fc.se[2][i] / Math.sqrt(xs.length));
      expect(Math.abs(sd / fc.se[2][i] - 1)).toBeLessThan(0.06);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input: one test each, typed errors naming the argument

describe('VAR bad input', () => {
  const fx = fixturesOfKind('var').find((f) => f.id === 'var_macrodata_dlog3');
  const data = fixtureData(fx);
  const short = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.slice(0, 8)]));

  it('fewer rows than parameters: says how many rows are needed', () => {
    const e = expectThrows(() => fitVAR(short, { lags: 2 }), DataError, 'data');
    expect(e.message).toContain('8 rows');
    expect(e.message).toContain('at least 10 rows');
  });

  it('collinear columns: SingularMatrixError naming the collinear lags', () => {
    const dup = { ...data, copy: data.realgdp.map((v) => 2 * v) };
    const e = expectThrows(() => fitVAR(dup, { lags: 1 }), SingularMatrixError, 'data');
    expect(e.message).toMatch(/L1\.copy|L1\.realgdp/);
    expect(e.message).toContain('collinear');
  });

  it('missing values: DataError naming column and row', () => {
    const gap = { ...data, realinv: data.realinv.slice() };
    gap.realinv[17] = NaN;
    const e = expectThrows(() => fitVAR(gap, { lags: 2 }), DataError, 'data');
    expect(e.message).toContain("'realinv'");
    expect(e.message).toContain('row 18');
  });

  it('lags < 1, non-integer or absurd', () => {
    expectThrows(() => fitVAR(data, { lags: 0 }), ArgumentError, 'lags');
    expectThrows(() => fitVAR(data, { lags: 1.5 }), ArgumentError, 'lags');
    expect(expectThrows(() => fitVAR(data, { lags: 5000 }), ArgumentError, 'lags').message).toContain('absurd');
    expectThrows(() => fitVAR(data, { lags: 2, ic: 'aic' }), ArgumentError, 'lags');
    expect(expectThrows(() => fitVAR(data, { maxLags: 60 }), ArgumentError, 'maxLags').message).toContain('maxLags ≤ 49');
  });

  it('unknown variable in a causality test', () => {
    const f = fitVAR(data, { lags: 2 });
    expect(expectThrows(() => f.testCausality('gdp', 'realcons'), ArgumentError, 'caused').message).toContain('realgdp, realcons, realinv');
    expectThrows(() => f.testCausality('realgdp', ['realcons', 'm1']), ArgumentError, 'causing');
    expectThrows(() => f.testInstCausality('m1'), ArgumentError, 'causing');
  });

  it('other options and shapes', () => {
    // @ts-expect-error testing a bad trend at run time
    expectThrows(() => fitVAR(data, { lags: 1, trend: 'ctt' }), ArgumentError, 'trend');
    // @ts-expect-error testing a bad criterion at run time
    expectThrows(() => fitVAR(data, { ic: 'aicc' }), ArgumentError, 'ic');
    expectThrows(() => fitVAR({ a: [1, 2, 3], b: [1, 2] }, { lags: 1 }), DataError, 'data');
    expectThrows(() => fitVAR({ names: ['a', 'b'], columns: [[1, 2, 3]] }, { lags: 1 }), DataError, 'data');
    expectThrows(() => fitVAR({ a: data.realgdp, b: data.realcons.map(() => Infinity) }, { lags: 1 }), DataError, 'data');
    const f = fitVAR({ names: ['x', 'y'], columns: [data.realgdp, data.realcons] }, { lags: 1 });
    expect(f.names).toEqual(['x', 'y']);
    expectThrows(() => f.forecast(0), ArgumentError, 'h');
    expectThrows(() => FittedVAR.fromJSON({ ...f.toJSON(), params: [[1]] }), ArgumentError, 'json');
  });
});
