// Sparse VAR (LASSO and group LASSO) against the sparse_var_lasso / sparse_var_group_lasso
// fixtures: exact coordinate-descent / FISTA solutions, glmnet's default path, the design.
import { describe, it, expect } from 'vitest';
import { fitLassoVAR, fitGroupLassoVAR, varDesign, type VarTransform, type FittedLassoVAR } from '../src/classical/lasso-var.js';
import { lassoPath, groupLassoPath, glmnetPath, glmnetLambdaSequence } from '../src/classical/estimators/lasso.js';
import { fitOLS } from '../src/classical/ols.js';
import { ArgumentError, DataError, ArdiffError } from '../src/core/errors.js';
import { fixturesOfKind, loadColumn, expectRel, expectAbs, parseTol, type Fixture } from './fixtures.js';

const LASSO = fixturesOfKind('sparse_var_lasso');
const GROUP = fixturesOfKind('sparse_var_group_lasso');

/**
 * The fixture's data: `dl_X = 100*diff(log(X))`, `d_X = diff(X)` (dataset.transform), as raw
 * columns keyed by the fixture's variable names plus the matching transform of each.
 */
function fixtureData(fx: Fixture): { data: Record<string, Float64Array>; transform: Record<string, VarTransform> } {
  expect(fx.dataset.transform).toMatch(/dl_X = 100\*diff\(log\(X\)\).*d_X = diff\(X\)/);
  const data: Record<string, Float64Array> = {};
  const transform: Record<string, VarTransform> = {};
  for (const v of fx.dataset.variables as string[]) {
    const m = /^(dl|d)_(.+)$/.exec(v);
    if (!m) throw new Error(`unexpected variable name ${v}`);
    data[v] = loadColumn(fx.dataset.file, m[2]);
    transform[v] = m[1] === 'dl' ? 'dlog100' : 'diff';
  }
  return { data, transform };
}

/** statsmodels-style name of a fixture column: 'dl_realgdp.L2' -> 'L2.dl_realgdp'. */
const smName = (c: string): string => c.replace(/^(.*)\.L(\d+)$/, 'L$2.$1');

const support = (b: readonly number[], thr = 1e-6): number[] => b.flatMap((v, j) => (Math.abs(v) > thr ? [j] : []));

/** Granger edges implied by coefficient vectors (const first, lag-major) with |coef| > thr. */
function edgesOf(variables: readonly string[], coefs: Record<string, readonly number[]>, lags: number, thr: number): string[] {
  const k = variables.length;
  const out: string[] = [];
  variables.forEach((caused, i) => variables.forEach((causing, j) => {
    if (i === j) return;
    for (let l = 0; l < lags; l++) if (Math.abs(coefs[caused][1 + l * k + j]) > thr) { out.push(`${causing}->${caused}`); return; }
  }));
  return out.sort();
}

function caught(fn: () => unknown): ArdiffError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ArdiffError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

/** Largest errors seen, printed once at the end for the record. */
const worst: Record<string, number> = {};
const track = (key: string, a: ArrayLike<number>, e: ArrayLike<number>) => {
  for (let i = 0; i < e.length; i++) worst[key] = Math.max(worst[key] ?? 0, Math.abs(a[i] - e[i]));
};
const trackRel = (key: string, a: ArrayLike<number>, e: ArrayLike<number>) => {
  for (let i = 0; i < e.length; i++) worst[key] = Math.max(worst[key] ?? 0, Math.abs(a[i] - e[i]) / Math.abs(e[i]));
};

describe('sparse VAR design', () => {
  for (const fx of [...LASSO, ...GROUP]) {
    it(`${fx.id}: transforms and lag-major design match the fixture`, () => {
      const { data, transform } = fixtureData(fx);
      const d = varDesign(data, fx.dataset.p, transform);
      expect(d.variables).toEqual(fx.dataset.variables);
      expect(d.x.length).toBe(fx.dataset.n_rows);
      expect(d.names).toEqual(['const', ...(fx.dataset.x_columns as string[]).map(smName)]);
      expectAbs(d.x[0], fx.dataset.x_first_row, 1e-12, 'x_first_row');
      expectAbs(d.x[d.x.length - 1], fx.dataset.x_last_row, 1e-12, 'x_last_row');
      expectAbs(d.y[0], fx.dataset.y_first_row, 1e-12, 'y_first_row');
      const means = d.variables.map((_, i) => d.y.reduce((s, r) => s + r[i], 0) / d.y.length);
      expectRel(means, fx.dataset.y_col_means, 1e-12, 1e-15, 'y_col_means');
    });
  }
});

describe('LASSO VAR against the exact coordinate-descent fixture', () => {
  for (const fx of LASSO) {
    const tol = fx.tolerance;
    const coefTol = parseTol(tol['coef (fixed grid, vs exact)']).value;
    const lmTol = parseTol(tol.lambda_max).value;
    const pathTol = parseTol(tol['default_path lambda']).value;
    const objTol = parseTol(tol['objective value']).value;
    const supportThr = Number(/\|coef\| > ([0-9.eE+-]+)/.exec(tol['support (nonzero pattern)'])![1]);
    const glmnetTol = Number(/glmnet's own coef_at_picked: abs ([0-9.eE+-]+)/.exec(tol['default_path coef vs exact_at_picked'])![1]);
    const { data, transform } = fixtureData(fx);
    const d = varDesign(data, fx.dataset.p, transform);

    it(`${fx.id}: lambda_max, coefficients and support on the fixed grid (every equation)`, () => {
      d.variables.forEach((eq, i) => {
        const e = fx.equations[eq];
        expect(e.coef_names).toEqual(['(Intercept)', ...(fx.dataset.x_columns as string[])]);
        const yi = d.y.map((r) => r[i]);
        const path = lassoPath(d.x, yi, { lambda: e.lambda });
        expectRel(path.lambdaMax, e.lambda_max, lmTol, 0, `${eq} lambda_max`);
        trackRel('lasso lambda_max (rel)', [path.lambdaMax], [e.lambda_max]);
        expect(path.lambda.length).toBe(e.lambda.length);
        e.lambda.forEach((_: number, m: number) => {
          const got = [path.intercept[m], ...path.coef[m]];
          expectAbs(got, e.coef[m], coefTol, `${eq} coef at lambda[${m}]`);
          track('lasso coef fixed grid', got, e.coef[m]);
          expect(support(got.slice(1), supportThr), `${eq} support at lambda[${m}]`).toEqual(support(e.coef[m].slice(1), supportThr));
          // glmnet(thresh=1e-16) agrees with the exact solution only to its own accuracy (worst_checks.cd_vs_glmnet).
          expectAbs(got, e.coef_glmnet[m], 2 * fx.worst_checks.cd_vs_glmnet, `${eq} vs glmnet at lambda[${m}]`);
          expectAbs(path.devRatio[m], e.dev_ratio_glmnet[m], 1e-8, `${eq} dev ratio at lambda[${m}]`);
          expect(path.kktViolation[m]).toBeLessThan(1e-12 * e.lambda_max);
        });
      });
    });

    it(`${fx.id}: glmnet's default path (standardize=TRUE): lambda sequence, early stop, picked solutions`, () => {
      d.variables.forEach((eq, i) => {
        const dp = fx.equations[eq].default_path;
        const yi = d.y.map((r) => r[i]);
        const path = lassoPath(d.x, yi, { standardize: true });
        const glm = glmnetPath(d.x, yi);
        // Same length: glmnet's early exit (deviance ratio of its own thresh=1e-7 solutions grows
        // by < 1e-5 relative), reproduced by re-running glmnet's algorithm step by step.
        expect(glm.lambda.length, `${eq} default path length`).toBe(dp.lambda.length);
        expect(path.lambda).toEqual(glm.lambda);
        expectRel(path.lambda, dp.lambda, pathTol, 0, `${eq} default path lambda`);
        trackRel('default path lambda (rel)', path.lambda, dp.lambda);
        expectAbs(glm.devRatio, dp.dev_ratio, 1e-10, `${eq} glmnet dev ratio`);
        track('glmnet dev ratio', glm.devRatio, dp.dev_ratio);
        expect(glm.coef.map((b) => b.filter((v) => v !== 0).length), `${eq} glmnet df`).toEqual(dp.df);
        (dp.picked_index_1based as number[]).forEach((m1, q) => {
          const m = m1 - 1;
          const got = [path.intercept[m], ...path.coef[m]];
          const ex = dp.exact_at_picked[q];
          expectAbs(got, ex.coef, coefTol, `${eq} default path coef at ${m1}`);
          track('default path coef vs exact', got, ex.coef);
          // glmnet's own approximate coefficients (thresh=1e-7): the stated abs 5e-3 is met by the
          // re-run of glmnet's algorithm, in fact to 1e-9. (The exact solution itself is up to
          // 1.5e-2 away from glmnet's in the fixture, e.g. dl_realinv at index 30, so that
          // tolerance cannot be meant for it.)
          const gl = [glm.intercept[m], ...glm.coef[m]];
          expectAbs(gl, dp.coef_at_picked[q], glmnetTol, `${eq} glmnet coef at ${m1}`);
          expectAbs(gl, dp.coef_at_picked[q], 1e-9, `${eq} re-run glmnet coef at ${m1}`);
          track('re-run glmnet coef vs glmnet', gl, dp.coef_at_picked[q]);
          expect(support(got.slice(1), supportThr), `${eq} default path support at ${m1}`).toEqual(support(ex.coef.slice(1), supportThr));
          expectRel(path.objective[m], ex.objective_exact, objTol, 0, `${eq} objective at ${m1}`);
          // The exact minimiser is never worse than glmnet's approximate solution.
          expect(path.objective[m]).toBeLessThanOrEqual(ex.objective_glmnet * (1 + 1e-14));
          trackRel('default path objective (rel)', [path.objective[m]], [ex.objective_exact]);
        });
      });
    });

    it(`${fx.id}: fitLassoVAR with per-equation lambda gives the fixture's coefficients and Granger graph`, () => {
      const nGrid = fx.equations[d.variables[0]].lambda.length;
      for (let m = 0; m < nGrid; m++) {
        const lambda = Object.fromEntries(d.variables.map((eq) => [eq, fx.equations[eq].lambda[m] as number]));
        const fit = fitLassoVAR(data, { lags: fx.dataset.p, transform, lambda });
        expect(fit.paramNames).toEqual(d.names);
        expect(fit.names).toEqual(d.variables);
        const expected: Record<string, number[]> = {};
        for (const eq of d.variables) {
          expected[eq] = fx.equations[eq].coef[m];
          expectAbs(fit.params[eq], expected[eq], coefTol, `fit ${eq} lambda[${m}]`);
          expect(fit.lambda[eq]).toBe(lambda[eq]);
        }
        const got = fit.granger().map((e) => `${e.causing}->${e.caused}`).sort();
        const gotThr = edgesOf(d.variables, fit.params, fx.dataset.p, supportThr);
        expect(gotThr).toEqual(edgesOf(d.variables, expected, fx.dataset.p, supportThr));
        // Exact zeros from soft-thresholding: the graph on nonzeros equals the thresholded one
        // except for noise-level coefficients at lambda = lambda_max (printed to 15 digits).
        if (m > 0) expect(got).toEqual(gotThr);
        const rep = fit.report();
        expect(rep.lambda).toEqual(lambda);
        expect(rep.params[d.variables[0]].stdErrors).toBeNull();
        expect(rep.params[d.variables[0]].names).toEqual(d.names);
        expect(rep.granger.length).toBe(got.length);
      }
    });
  }
});

describe('group LASSO VAR against the FISTA fixture', () => {
  for (const fx of GROUP) {
    const coefTol = parseTol(fx.tolerance.coef).value;
    const lmTol = parseTol(fx.tolerance.lambda_max).value;
    const { data, transform } = fixtureData(fx);
    const d = varDesign(data, fx.dataset.p, transform);
    const k = d.variables.length, p = fx.dataset.p as number;
    const groups = Array.from({ length: k }, (_, j) => Array.from({ length: p }, (_, l) => l * k + j));
    const groupNorms = (b: readonly number[]) => groups.map((g) => Math.hypot(...g.map((j) => b[j])));
    // Active = group norm above 1e-6. At lambda = lambda_max the fixture lists the arg-max group with
    // a norm of ~1e-17 (rounding at the kink); every other active group has norm > 1e-3.
    const active = (b: readonly number[]) => groupNorms(b).flatMap((nv, g) => (nv > 1e-6 ? [d.variables[g]] : []));

    it(`${fx.id}: lambda_max, coefficients and active groups along the grid (every equation)`, () => {
      d.variables.forEach((eq, i) => {
        const e = fx.equations[eq];
        const yi = d.y.map((r) => r[i]);
        const path = groupLassoPath(d.x, yi, { groups, lambda: e.path.map((q: Fixture) => q.lambda) });
        expectRel(path.lambdaMax, e.lambda_max, lmTol, 0, `${eq} lambda_max`);
        trackRel('group lambda_max (rel)', [path.lambdaMax], [e.lambda_max]);
        e.path.forEach((q: Fixture, m: number) => {
          expectAbs(path.intercept[m], q.intercept, coefTol, `${eq} intercept at ${m}`);
          expectAbs(path.coef[m], q.coef, coefTol, `${eq} coef at ${m}`);
          track('group coef', [path.intercept[m], ...path.coef[m]], [q.intercept, ...q.coef]);
          const fxActive = (q.active_groups as string[]).filter((g) => groupNorms(q.coef)[d.variables.indexOf(g)] > 1e-6);
          expect(active(path.coef[m]), `${eq} active groups at ${m}`).toEqual(fxActive);
          expect(path.kktViolation[m]).toBeLessThan(1e-11);
          worst['group KKT'] = Math.max(worst['group KKT'] ?? 0, path.kktViolation[m]);
        });
      });
    });

    it(`${fx.id}: fitLassoVAR(penalty 'group') with per-equation lambda`, () => {
      for (const m of [1, 3, 6]) {
        const lambda = Object.fromEntries(d.variables.map((eq) => [eq, fx.equations[eq].path[m].lambda as number]));
        const fit = fitGroupLassoVAR(data, { lags: p, transform, lambda });
        expect(fit.penalty).toBe('group');
        const expected: Record<string, number[]> = {};
        for (const eq of d.variables) {
          const q = fx.equations[eq].path[m];
          expected[eq] = [q.intercept, ...q.coef];
          expectAbs(fit.params[eq], expected[eq], coefTol, `fit ${eq} at ${m}`);
        }
        const got = fit.granger().map((e) => `${e.causing}->${e.caused}`).sort();
        expect(got).toEqual(edgesOf(d.variables, expected, p, 1e-6));
      }
    });
  }
});

describe('sparse VAR behaviour', () => {
  const fx = LASSO[0];
  const { data, transform } = fixtureData(fx);
  const d = varDesign(data, 2, transform);

  it('lambda = 0 reproduces OLS equation by equation (LASSO and group LASSO)', () => {
    for (const penalty of ['lasso', 'group'] as const) {
      const fit = fitLassoVAR(data, { lags: 2, transform, lambda: 0, penalty });
      d.variables.forEach((eq, i) => {
        const ols = fitOLS(d.y.map((r) => r[i]), d.x, { names: d.names.slice(1) });
        expectAbs(fit.params[eq], ols.params, 1e-7, `${penalty} ${eq} vs OLS`);
        track(`lambda=0 vs OLS (${penalty})`, fit.params[eq], ols.params);
      });
      expect(fit.report().lambda).toBe(0);
    }
  });

  it('lambda >= lambda_max zeroes every lag: empty graph, forecasts equal the means', () => {
    const fit = fitLassoVAR(data, { lags: 2, transform, lambda: 1e3 });
    expect(fit.granger()).toEqual([]);
    const f = fit.forecast(3);
    d.variables.forEach((eq, i) => {
      const mean = d.y.reduce((s, r) => s + r[i], 0) / d.y.length;
      expect(fit.params[eq].slice(1).every((v) => v === 0)).toBe(true);
      expectRel(f.mean().map((r) => r[i]), [mean, mean, mean], 1e-12, 1e-14, `${eq} forecast`);
    });
  });

  it('forecasts follow the plug-in VAR recursion', () => {
    const fit = fitLassoVAR(data, { lags: 2, transform, lambda: 0.05 });
    const A = fit.coefMatrices();
    const c = fit.intercepts;
    const hist = d.series.slice(-2).map((r) => r.slice());
    for (let s = 0; s < 4; s++) {
      const T = hist.length;
      hist.push(c.map((ci, i) => ci + A[0][i].reduce((acc, a, j) => acc + a * hist[T - 1][j], 0) + A[1][i].reduce((acc, a, j) => acc + a * hist[T - 2][j], 0)));
    }
    const f = fit.forecast(4);
    d.variables.forEach((eq, i) => expectRel(f.mean().map((r) => r[i]), hist.slice(2).map((r) => r[i]), 1e-12, 1e-14, `${eq} forecast`));
  });

  it('select: bic picks the BIC minimiser of the glmnet path per equation', () => {
    const fit = fitLassoVAR(data, { lags: 2, transform, select: 'bic' });
    expect(fit.selection).toBe('bic');
    const n = d.x.length;
    d.variables.forEach((eq, i) => {
      const path = lassoPath(d.x, d.y.map((r) => r[i]));
      const bic = path.rss.map((s, m) => n * Math.log(s / n) + Math.log(n) * path.df[m]);
      const best = bic.indexOf(Math.min(...bic));
      expect(fit.lambda[eq]).toBe(path.lambda[best]);
      expectAbs(fit.params[eq], [path.intercept[best], ...path.coef[best]], 1e-12, `${eq} bic coef`);
      expect(fit.selectionTrace[eq].chosen).toBe(best);
    });
    expect(typeof fit.report().lambda).toBe('object');
    // The default selection is BIC.
    expect(fitLassoVAR(data, { lags: 2, transform }).lambda).toEqual(fit.lambda);
  });

  it('select: cv is deterministic rolling-origin CV and picks a lambda from the path', () => {
    const a = fitLassoVAR(data, { lags: 2, transform, select: 'cv', folds: 4 });
    const b = fitLassoVAR(data, { lags: 2, transform, select: 'cv', folds: 4 });
    expect(a.toJSON()).toEqual(b.toJSON());
    d.variables.forEach((eq) => {
      const tr = a.selectionTrace[eq];
      expect(tr.lambda[tr.chosen]).toBe(a.lambda[eq]);
      expect(Math.min(...tr.criterion)).toBe(tr.criterion[tr.chosen]);
    });
    const g = fitLassoVAR(data, { lags: 2, transform, select: 'bic', penalty: 'group' });
    expect(g.selection).toBe('bic');
    expect(Object.keys(g.lambda)).toEqual(d.variables);
  });

  it('summary, report and toJSON are plain, complete and serialisable', () => {
    const fit: FittedLassoVAR = fitLassoVAR(data, { lags: 2, transform, lambda: 0.1 });
    const s = fit.summary();
    expect(s).toContain('Sparse VAR (LASSO) Results');
    for (const eq of d.variables) expect(s).toContain(`Equation ${eq}`);
    const rep = fit.report();
    expect(JSON.parse(JSON.stringify(rep))).toEqual(rep);
    expect(rep.lambda).toBe(0.1);
    expect(Object.keys(rep.params)).toEqual(d.variables);
    for (const e of rep.granger) expect(e.caused).not.toBe(e.causing);
    const js = fit.toJSON();
    expect(JSON.parse(JSON.stringify(js))).toEqual(js);
    expect(js.params[d.variables[0]].length).toBe(1 + 2 * d.variables.length);
    expect(js.lastObservations).toEqual(d.series.slice(-2));
  });

  it('glmnet lambda sequence: log-spaced, ratio 1e-4 when n >= p, 1e-2 otherwise', () => {
    const a = glmnetLambdaSequence(2, 100, 10);
    expect(a.length).toBe(100);
    expectRel(a[99], 2e-4, 1e-12, 0, 'n >= p end');
    expectRel(glmnetLambdaSequence(2, 10, 100)[99], 2e-2, 1e-12, 0, 'n < p end');
  });
});

describe('sparse VAR bad input', () => {
  const good = { a: [1, 2, 3, 2, 1, 2, 3, 4, 3, 2, 3, 4], b: [2, 1, 2, 3, 2, 1, 1, 2, 3, 2, 1, 2] };

  it('lambda < 0 is an ArgumentError naming lambda', () => {
    const e = caught(() => fitLassoVAR(good, { lags: 1, lambda: -0.1 }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('lambda');
    expect(e.message).toMatch(/≥ 0/);
  });

  it('too few rows for the lags is a DataError naming data', () => {
    const e = caught(() => fitLassoVAR({ a: [1, 2, 3], b: [3, 1, 2] }, { lags: 2, lambda: 0.1 }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('data');
    expect(e.message).toMatch(/needs at least 4 rows/);
  });

  it('a missing value is a DataError naming data, the variable and the row', () => {
    const e = caught(() => fitLassoVAR({ a: good.a, b: [...good.b.slice(0, 5), NaN, ...good.b.slice(6)] }, { lags: 1, lambda: 0.1 }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('data');
    expect(e.message).toMatch(/'b'.*row 6/);
  });

  it('a non-positive value under a dlog transform is a DataError naming transform', () => {
    const e = caught(() => fitLassoVAR({ a: good.a, b: [...good.b.slice(0, 3), 0, ...good.b.slice(4)] }, { lags: 1, lambda: 0.1, transform: { b: 'dlog' } }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('transform');
    expect(e.message).toMatch(/positive.*row 4/);
  });

  it('an unknown select is an ArgumentError naming select', () => {
    const e = caught(() => fitLassoVAR(good, { lags: 1, select: 'aic' as 'bic' }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('select');
    expect(e.message).toMatch(/bic, cv/);
  });
});

describe('largest errors', () => {
  it('are within the stated tolerances (logged)', () => {
    console.log('lasso-var largest errors', JSON.stringify(worst, (_, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v)));
    expect(Object.keys(worst).length).toBeGreaterThan(0);
  });
});
