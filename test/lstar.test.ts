import { describe, it, expect } from 'vitest';
import { fitLSTAR, lstarProfileSSR, lstarProfile, lstarSkeleton, lstarFromJSON, FittedLSTAR } from '../src/classical/lstar.js';
import { ArgumentError, DataError, type ArdiffError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { fixturesOfKind, fixtureSeries, expectRel, expectAbs, parseTol, type Fixture } from './fixtures.js';

/** Runs `f`, asserts it throws `cls` naming `argument`, and returns the error. */
function expectThrows(f: () => unknown, cls: typeof ArgumentError | typeof DataError, argument: string): ArdiffError {
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

const specOf = (fx: Fixture) => ({ order: fx.model.lags as number, delay: fx.model.transition_delay_d as number });

describe('LSTAR against the NLS fixtures', () => {
  const fixtures = fixturesOfKind('nar_lstar');
  it('has fixtures to test', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(1);
  });
  for (const fx of fixtures as Fixture[]) {
    const y = () => fixtureSeries(fx);
    const fits = new Map<string, FittedLSTAR>();
    const fit = () => {
      if (!fits.has(fx.id)) fits.set(fx.id, fitLSTAR(y(), specOf(fx)));
      return fits.get(fx.id)!;
    };

    it(`${fx.id}: profile points (OLS at fixed gamma, c) exactly`, () => {
      expect(y().length).toBe(fx.dataset.n);
      const tol = parseTol(fx.tolerance.profile_points).value;
      for (const pt of fx.profile_points) {
        const r = lstarProfile(y(), specOf(fx), pt.gamma, pt.c);
        expectRel(r.ssr, pt.ssr, tol, 0, `ssr at gamma ${pt.gamma}`);
        expectRel(r.coef, pt.ols_coef_a0_a1_a2_b0_b1_b2, tol, 0, `coef at gamma ${pt.gamma}`);
        expect(lstarProfileSSR(y(), specOf(fx), pt.gamma, pt.c)).toBe(r.ssr);
      }
    });

    it(`${fx.id}: NLS optimum — SSR at least as low, parameters within tolerance`, () => {
      const f = fit();
      const ssrTol = parseTol(fx.tolerance['ssr at optimum']).value;
      expect(f.kind).toBe('lstar');
      expect(f.nobs).toBe(fx.n_eff);
      expect(f.params.names).toEqual(fx.params.names);
      expect(f.ssr).toBeLessThanOrEqual(fx.ssr * (1 + ssrTol));
      expect(f.ssr).toBeLessThanOrEqual(fx.profile_ssr_nelder_mead * (1 + ssrTol));
      // "abs 1e-3 for a0..b2, rel 1e-2 for gamma and c".
      const k = fx.params.values.length - 2;
      expectAbs(f.params.values.slice(0, k), fx.params.values.slice(0, k), 1e-3, 'a, b');
      expectRel(f.params.values.slice(k), fx.params.values.slice(k), 1e-2, 0, 'gamma, c');
      expectRel(f.gammaScaled, fx.gamma_x_sd_s, 1e-2, 0, 'gamma * sd(s)');
      expect(f.gammaAtBound).toBe(false);
      // Statistics that follow from the SSR.
      expectRel(f.sigma2, fx.sigma2, ssrTol, 0, 'sigma2');
      expectRel(f.llf, fx.llf, ssrTol, 0, 'llf');
      expectRel(f.aic, fx.aic, ssrTol, 0, 'aic');
      expectRel(f.bic, fx.bic, ssrTol, 0, 'bic');
      expectRel(f.linearSSR, fx.linear_ar2_ssr_same_sample, 1e-9, 0, 'linear AR SSR');
      // Gauss–Newton standard errors (README: standard errors rel 2e-2).
      expectRel(f.params.stdErrors, fx.params.bse_gauss_newton, 2e-2, 0, 'bse');
      const rep = JSON.parse(JSON.stringify(f.report()));
      expect(rep.params.names).toEqual(fx.params.names);
      expect(rep.params.values).toEqual(f.params.values);
      expect(rep.ssr).toBe(f.ssr);
    });

    it(`${fx.id}: skeleton forecast (exact at the reference params, abs 1e-3 at the fit)`, () => {
      const h = fx.forecast.h;
      expectRel(lstarSkeleton(y(), specOf(fx), fx.params.values, h), fx.forecast.skeleton, 1e-10, 0, 'skeleton at reference params');
      expectAbs(fit().skeleton(h), fx.forecast.skeleton, 1e-3, 'skeleton at fitted params');
    });

    it(`${fx.id}: Monte Carlo forecast (abs 0.01)`, () => {
      const mc = fx.forecast.monte_carlo;
      const tol = parseTol(fx.tolerance.monte_carlo).value;
      // 2.5× the reference's paths, so our own Monte Carlo error stays well inside the tolerance.
      const fc = fit().forecast(fx.forecast.h, { rng: createRng(mc.seed), paths: 500000 });
      expectAbs(fc.mean(), mc.mean, tol, 'MC mean');
      expectAbs(fc.quantile(0.5), mc.median, tol, 'MC median');
      expectAbs(fc.quantile(0.025), mc.q025, tol, 'MC q025');
      expectAbs(fc.quantile(0.975), mc.q975, tol, 'MC q975');
    });

    it(`${fx.id}: a looser gamma bound finds the threshold-like fit with a lower SSR and flags it`, () => {
      const loose = fitLSTAR(y(), { ...specOf(fx), maxGammaScaled: 1000 });
      expect(loose.ssr).toBeLessThan(fx.ssr);
      expect(loose.gammaAtBound).toBe(true);
      expect(loose.summary()).toMatch(/at its bound/);
      expect(loose.report().gammaAtBound).toBe(true);
    });
  }
});

describe('FittedLSTAR behaviour', () => {
  const fx = fixturesOfKind('nar_lstar')[0] as Fixture;
  const y = fixtureSeries(fx);
  const fit = fitLSTAR(y, { ...specOf(fx), paths: 500, seed: 3 });

  it('sample(): deterministic for a seed, differs across seeds, shapes', () => {
    const a = fit.sample(6, { paths: 25, rng: createRng(7) });
    const b = fit.sample(6, { paths: 25, rng: createRng(7) });
    const c = fit.sample(6, { paths: 25, rng: createRng(8) });
    expect(a.length).toBe(25);
    expect(a[0].length).toBe(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('forecast() without rng is reproducible (seeded by the model)', () => {
    const f1 = fit.forecast(5), f2 = fit.forecast(5);
    expect(f1.paths.length).toBe(500);
    expect(f1.toJSON()).toEqual(f2.toJSON());
    expect(Array.from(fit.forecast(5, { rng: createRng(3) }).mean())).toEqual(Array.from(f1.mean()));
    expect(fit.forecast(5, { rng: createRng(4), paths: 50 }).paths.length).toBe(50);
  });

  it('one step ahead the paths are N(skeleton, sigma2); later steps drift from the skeleton', () => {
    const N = 40000;
    const paths = fit.sample(3, { paths: N, rng: createRng(2024) });
    const sk = fit.skeleton(3);
    const sd = Math.sqrt(fit.sigma2);
    let s = 0, s2 = 0;
    for (const p of paths) { s += p[0]; s2 += p[0] * p[0]; }
    const m = s / N, v = Math.sqrt(s2 / N - m * m);
    expect(Math.abs(m - sk[0])).toBeLessThan((4 * sd) / Math.sqrt(N));
    expect(Math.abs(v / sd - 1)).toBeLessThan(0.03);
    // The nonlinear map: the mean at step 3 differs from the skeleton by more than Monte Carlo noise.
    let s3 = 0;
    for (const p of paths) s3 += p[2];
    expect(Math.abs(s3 / N - sk[2])).toBeGreaterThan(0.01);
  });

  it('skeleton iterates the fitted map (first step by hand)', () => {
    const [a0, a1, a2, b0, b1, b2, g, c] = fit.params.values;
    const n = y.length;
    const G = 1 / (1 + Math.exp(-g * (y[n - 2] - c)));
    expectRel(fit.skeleton(1), [a0 + a1 * y[n - 1] + a2 * y[n - 2] + (b0 + b1 * y[n - 1] + b2 * y[n - 2]) * G], 1e-14, 0, 'step 1');
    expectRel(fit.transition(c), 0.5, 1e-15, 0, 'G(c)');
  });

  it('toJSON/fromJSON round trip: equal parameters, summary, report, forecasts and samples', () => {
    const back = lstarFromJSON(JSON.parse(JSON.stringify(fit.toJSON())));
    expect(back.kind).toBe('lstar');
    expect(back.params).toEqual(fit.params);
    expect(back.ssr).toBe(fit.ssr);
    expect(back.summary()).toBe(fit.summary());
    expect(back.report()).toEqual(fit.report());
    expect(Array.from(back.skeleton(8))).toEqual(Array.from(fit.skeleton(8)));
    expect(back.forecast(4).toJSON()).toEqual(fit.forecast(4).toJSON());
    expect(back.sample(4, { paths: 5, rng: createRng(1) })).toEqual(fit.sample(4, { paths: 5, rng: createRng(1) }));
  });

  it('summary prints the coefficient table without NaN', () => {
    const s = fit.summary();
    expect(s).toMatch(/Smooth-Transition/);
    expect(s).toMatch(/gamma/);
    expect(s).not.toMatch(/nan|NaN/);
  });

  it('recovers a simulated LSTAR(1): SSR no higher than at the true (gamma, c), estimates near the truth', () => {
    const rng = createRng(17);
    const n = 800;
    // Regimes y = 1 + 0.5y (mean 2) and y = −1 − 0.3y (mean −0.77), switching around c = 0.5.
    const [a0, a1, b0, b1, g, c] = [1, 0.5, -2, -0.8, 10, 0.5];
    const z = new Float64Array(n);
    z[0] = 1;
    for (let t = 1; t < n; t++) {
      const G = 1 / (1 + Math.exp(-g * (z[t - 1] - c)));
      z[t] = a0 + a1 * z[t - 1] + (b0 + b1 * z[t - 1]) * G + 0.5 * rng.normal();
    }
    const f = fitLSTAR(z, { order: 1 });
    expect(f.params.names).toEqual(['a0', 'a1', 'b0', 'b1', 'gamma', 'c']);
    expect(f.ssr).toBeLessThanOrEqual(lstarProfileSSR(z, { order: 1 }, g, c));
    expectAbs(f.params.values.slice(0, 4), [a0, a1, b0, b1], 0.3, 'a, b');
    expectAbs(f.c, c, 0.1, 'c');
    expect(f.gamma).toBeGreaterThan(5);
    expect(f.gamma).toBeLessThan(20);
    expect(f.gammaAtBound).toBe(false);
  });
});

describe('fitLSTAR input validation', () => {
  const fx = fixturesOfKind('nar_lstar')[0] as Fixture;
  const y = fixtureSeries(fx);

  it('rejects a series with no transition variation (constant, two values, mostly one value)', () => {
    const e = expectThrows(() => fitLSTAR(new Float64Array(60).fill(2), { order: 1 }), DataError, 'y');
    expect(e.message).toMatch(/no transition variation/);
    expectThrows(() => fitLSTAR(Float64Array.from({ length: 60 }, (_, i) => i % 2), { order: 1 }), DataError, 'y');
    const mostly = Float64Array.from({ length: 60 }, (_, i) => (i % 10 === 0 ? i : 5));
    expect(expectThrows(() => fitLSTAR(mostly, { order: 1 }), DataError, 'y').message).toMatch(/quantiles coincide/);
  });

  it('rejects a too-short series with the numbers', () => {
    const e = expectThrows(() => fitLSTAR(y.subarray(0, 17), { order: 2, delay: 2 }), DataError, 'y');
    expect(e.message).toMatch(/at least .* = 18 observations; got 17/);
  });

  it('rejects missing and infinite values, naming the row', () => {
    const z = Float64Array.from(y);
    z[30] = NaN;
    expect(expectThrows(() => fitLSTAR(z, { order: 2 }), DataError, 'y').message).toMatch(/row 31/);
    z[30] = Infinity;
    expectThrows(() => fitLSTAR(z, { order: 2 }), DataError, 'y');
    expectThrows(() => lstarProfileSSR(z, { order: 2 }, 1, 3), DataError, 'y');
  });

  it('rejects invalid order, delay and gamma bound', () => {
    expectThrows(() => fitLSTAR(y, { order: -1 }), ArgumentError, 'order');
    expectThrows(() => fitLSTAR(y, { order: 1.5 }), ArgumentError, 'order');
    expectThrows(() => fitLSTAR(y, { order: 2, delay: 0 }), ArgumentError, 'delay');
    expectThrows(() => fitLSTAR(y, { order: 2, delay: 1.5 }), ArgumentError, 'delay');
    expectThrows(() => fitLSTAR(y, { order: 2, maxGammaScaled: 0.05 }), ArgumentError, 'maxGammaScaled');
    expectThrows(() => fitLSTAR(y, { order: 2, paths: 0 }), ArgumentError, 'paths');
  });

  it('rejects bad profile and skeleton arguments', () => {
    expectThrows(() => lstarProfileSSR(y, { order: 2, delay: 2 }, 0, 3), ArgumentError, 'gamma');
    expectThrows(() => lstarProfileSSR(y, { order: 2, delay: 2 }, 1, NaN), ArgumentError, 'c');
    expectThrows(() => lstarSkeleton(y, { order: 2, delay: 2 }, [1, 2, 3], 5), ArgumentError, 'params');
    expectThrows(() => lstarSkeleton(y, { order: 2, delay: 2 }, fx.params.values, 0), ArgumentError, 'horizon');
  });

  it('rejects bad forecast/sample options and foreign JSON', () => {
    const f = FittedLSTAR.fromJSON({
      kind: 'lstar', order: 2, delay: 2, y: Array.from(y),
      params: { names: fx.params.names, values: fx.params.values, stdErrors: fx.params.bse_gauss_newton },
      ssr: fx.ssr, nobs: fx.n_eff, linearSSR: fx.linear_ar2_ssr_same_sample, sdTransition: 0.5554860399254286, maxGammaScaled: 100, seed: 0, paths: 100,
    });
    expectAbs(f.llf, fx.llf, 1e-9, 'llf from JSON');
    expectThrows(() => f.forecast(0), ArgumentError, 'horizon');
    expectThrows(() => f.forecast(3, { paths: -2 }), ArgumentError, 'paths');
    expectThrows(() => f.sample(3, {} as never), ArgumentError, 'rng');
    expectThrows(() => f.forecast(3, { exog: { x: [1, 2, 3] } }), ArgumentError, 'exog');
    expectThrows(() => FittedLSTAR.fromJSON({ kind: 'ar' } as never), ArgumentError, 'json');
  });
});
