import { describe, it, expect } from 'vitest';
import { fitBayesAR, compareBayesAROrders, bayesARFromJSON, FittedBayesAR, type BayesARPrior } from '../src/classical/bayes-ar.js';
import { ArgumentError, DataError, type ArdiffError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { tQuantile } from '../src/core/distributions.js';
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

const fixturePrior = (fx: Fixture): BayesARPrior => ({ m0: fx.prior.m0, V0: fx.prior.V0, a0: fx.prior.a0, b0: fx.prior.b0 });

describe('Bayesian AR (conjugate NIG) against the closed-form fixtures', () => {
  const fixtures = fixturesOfKind('bayes_ar_nig');
  it('has fixtures to test', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(1);
  });
  for (const fx of fixtures as Fixture[]) {
    const tol = parseTol(fx.tolerance['posterior (mn, Vn, an, bn), lml, one-step']).value;
    const fit = () => fitBayesAR(fixtureSeries(fx), { order: fx.model.p, prior: fixturePrior(fx) });

    it(`${fx.id}: posterior mn, Vn, an, bn and the log marginal likelihood`, () => {
      expect(fixtureSeries(fx).length).toBe(fx.dataset.n);
      const f = fit();
      const post = fx.posterior;
      expect(f.kind).toBe('bayes-ar');
      expect(f.names).toEqual(post.names);
      expect(f.nobs).toBe(post.n_used);
      expectRel(f.posterior.m, post.mn, tol, 0, 'mn');
      post.Vn.forEach((row: number[], i: number) => expectRel(f.posterior.V[i], row, tol, 0, `Vn[${i}]`));
      expectRel(f.posterior.a, post.an, tol, 0, 'an');
      expectRel(f.posterior.b, post.bn, tol, 0, 'bn');
      expectRel(f.logMarginalLikelihood, post.log_marginal_likelihood, tol, 0, 'log marginal likelihood');
    });

    it(`${fx.id}: marginal t of beta, credible intervals, sigma2 summaries`, () => {
      const f = fit();
      const post = fx.posterior;
      expectRel(f.df, post.beta_marginal_t_dof, tol, 0, 'dof');
      expectRel(f.betaMarginals().map((t) => t.scale), post.beta_marginal_t_scale, tol, 0, 'beta t scale');
      const ci = f.credibleIntervals(95);
      expectRel(ci.lower, post.beta_ci95_lower, tol, 0, 'beta ci lower');
      expectRel(ci.upper, post.beta_ci95_upper, tol, 0, 'beta ci upper');
      expectRel(f.sigma2Mean, post.sigma2_mean, tol, 0, 'sigma2 mean');
      expectRel(f.sigma2Mode, post.sigma2_mode, tol, 0, 'sigma2 mode');
      expectRel(f.sigma2Interval(95), post.sigma2_ci95, tol, 0, 'sigma2 ci95');
    });

    it(`${fx.id}: exact one-step Student-t predictive`, () => {
      const f = fit();
      const ref = fx.predictive.one_step_exact;
      const x = [1, ...Array.from({ length: fx.model.p }, (_, i) => f.y[f.y.length - 1 - i])];
      expectRel(x, ref.x_star, 1e-15, 0, 'x*');
      const one = f.oneStep();
      expectRel(one.df, ref.dof, tol, 0, 'dof');
      expectRel(one.location, ref.loc, tol, 0, 'loc');
      expectRel(one.scale, ref.scale, tol, 0, 'scale');
      const i95 = f.oneStepInterval(95);
      expectRel(i95.lower, ref.lower95, tol, 0, 'lower95');
      expectRel(i95.upper, ref.upper95, tol, 0, 'upper95');
      const rep = f.report();
      expect(rep.oneStep.location).toBe(one.location);
      expect(rep.oneStep.scale).toBe(one.scale);
      expect(rep.oneStep.df).toBe(one.df);
    });

    it(`${fx.id}: report() carries the posterior as the fixture defines it (cov = Vn)`, () => {
      const rep = JSON.parse(JSON.stringify(fit().report()));
      const post = fx.posterior;
      expectRel(rep.posterior.mean, post.mn, tol, 0, 'report mean');
      post.Vn.forEach((row: number[], i: number) => expectRel(rep.posterior.cov[i], row, tol, 0, `report cov[${i}]`));
      expectRel(rep.posterior.a, post.an, tol, 0, 'report a');
      expectRel(rep.posterior.b, post.bn, tol, 0, 'report b');
      // betaCov = bn/(an−1) Vn: its diagonal is the variance of the marginal t, scale²·ν/(ν−2).
      const nu = post.beta_marginal_t_dof;
      expectRel(rep.posterior.betaCov.map((r: number[], i: number) => r[i]), post.beta_marginal_t_scale.map((s: number) => (s * s * nu) / (nu - 2)), tol, 0, 'betaCov diag');
      expectRel(rep.logMarginalLikelihood, post.log_marginal_likelihood, tol, 0, 'report lml');
      expectRel(rep.oneStep.location, fx.predictive.one_step_exact.loc, tol, 0, 'report loc');
      expectRel(rep.oneStep.scale, fx.predictive.one_step_exact.scale, tol, 0, 'report scale');
      expectRel(rep.oneStep.df, fx.predictive.one_step_exact.dof, tol, 0, 'report df');
    });

    if (fx.order_comparison) {
      it(`${fx.id}: order comparison by marginal likelihood on the common sample`, () => {
        const oc = fx.order_comparison;
        const m = /V0=([0-9.eE+-]+)\*I, a0=([0-9.eE+-]+), b0=([0-9.eE+-]+)/.exec(fx.prior.order_comparison_prior);
        expect(m, 'order_comparison_prior').not.toBeNull();
        const [v0, a0, b0] = [Number(m![1]), Number(m![2]), Number(m![3])];
        const res = compareBayesAROrders(fixtureSeries(fx), { maxOrder: oc.pmax, prior: { v0, a0, b0 } });
        expect(res.sampleStart).toBe(oc.common_sample_start_t);
        expect(res.nobs).toBe(fx.dataset.n - oc.pmax);
        expect(res.table.map((r) => r.order)).toEqual(oc.table.map((r: { p: number }) => r.p));
        expectRel(res.table.map((r) => r.logMarginalLikelihood), oc.table.map((r: { log_marginal_likelihood: number }) => r.log_marginal_likelihood), tol, 0, 'lml table');
        const bestRef = oc.table.reduce((a: { p: number; log_marginal_likelihood: number }, b: { p: number; log_marginal_likelihood: number }) => (b.log_marginal_likelihood > a.log_marginal_likelihood ? b : a));
        expect(res.best).toBe(bestRef.p);
        expectRel(res.table.reduce((s, r) => s + r.posteriorProbability, 0), 1, 1e-12, 0, 'probabilities sum');
      });
    }

    it(`${fx.id}: multi-step Monte Carlo predictive (abs 0.005 mean, 0.01 quantiles)`, () => {
      const mc = fx.predictive.monte_carlo;
      const f = fit();
      const fc = f.forecast(mc.h, { rng: createRng(20240601), draws: mc.draws });
      expect(fc.horizon).toBe(mc.h);
      expect(fc.paths.length).toBe(mc.draws);
      expectAbs(fc.mean(), mc.mean, 0.005, 'MC mean');
      expectAbs(fc.quantile(0.5), mc.median, 0.01, 'MC median');
      expectAbs(fc.quantile(0.025), mc.q025, 0.01, 'MC q025');
      expectAbs(fc.quantile(0.975), mc.q975, 0.01, 'MC q975');
      // Step 1 against the exact Student t predictive.
      const one = f.oneStep();
      expectAbs(fc.mean()[0], one.location, 0.005, 'MC step-1 mean vs exact');
      const q = tQuantile(0.975, one.df);
      expectAbs(fc.quantile(0.975)[0], one.location + q * one.scale, 0.01, 'MC step-1 q975 vs exact');
    });
  }
});

describe('FittedBayesAR behaviour', () => {
  const fx = fixturesOfKind('bayes_ar_nig')[0] as Fixture;
  const y = fixtureSeries(fx);
  const fit = fitBayesAR(y, { order: 2, prior: fixturePrior(fx), draws: 2000, seed: 5 });

  it('posterior draws: sigma2 ~ IG(an, bn) and beta ~ t(mn, (bn/an) Vn) (Marsaglia-Tsang gamma, Cholesky normal)', () => {
    const N = 100000;
    const { sigma2, beta } = fit.posteriorDraws(N, createRng(11));
    const { m, a, b } = fit.posterior;
    let s = 0, s2 = 0;
    for (const v of sigma2) { s += v; s2 += v * v; }
    const mean = s / N, sd = Math.sqrt(s2 / N - mean * mean);
    const sdExact = b / ((a - 1) * Math.sqrt(a - 2));
    expect(Math.abs(mean - b / (a - 1))).toBeLessThan((4 * sdExact) / Math.sqrt(N));
    expect(Math.abs(sd / sdExact - 1)).toBeLessThan(0.02);
    const cov = fit.betaCovariance();
    for (let j = 0; j < m.length; j++) {
      let bs = 0, bs2 = 0;
      for (const bb of beta) { bs += bb[j]; bs2 += bb[j] * bb[j]; }
      const bm = bs / N, bsd = Math.sqrt(bs2 / N - bm * bm);
      expect(Math.abs(bm - m[j]), `beta[${j}] mean`).toBeLessThan((4 * Math.sqrt(cov[j][j])) / Math.sqrt(N));
      expect(Math.abs(bsd / Math.sqrt(cov[j][j]) - 1), `beta[${j}] sd`).toBeLessThan(0.02);
    }
    // Cross-correlation of beta1 and beta2 follows Vn.
    let c12 = 0;
    for (const bb of beta) c12 += (bb[1] - m[1]) * (bb[2] - m[2]);
    expect(Math.abs(c12 / N / cov[1][2] - 1)).toBeLessThan(0.05);
  });

  it('gamma sampler handles shape < 1 (small a): draws of sigma2 have the inverse-gamma median', () => {
    const small = fitBayesAR(y.subarray(0, 4), { order: 0, prior: { a0: 0.1, b0: 0.2 } });
    expect(small.posterior.a).toBeCloseTo(0.1 + 2, 12);
    const json = small.toJSON();
    const tiny = bayesARFromJSON({ ...json, posterior: { ...json.posterior, a: 0.3 } });
    const { sigma2 } = tiny.posteriorDraws(20000, createRng(3));
    expect(Array.from(sigma2).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    // b/σ² ~ Gamma(0.3, 1), whose median is 0.0731311 (root of the regularised incomplete gamma).
    const g = Array.from(sigma2, (v) => small.posterior.b / v).sort((p, q) => p - q);
    expect(Math.abs(g[10000] - 0.0731311) / 0.0731311).toBeLessThan(0.05);
  });

  it('sample(): deterministic for a seed, differs across seeds, shapes', () => {
    const a = fit.sample(6, { paths: 30, rng: createRng(7) });
    const b = fit.sample(6, { paths: 30, rng: createRng(7) });
    const c = fit.sample(6, { paths: 30, rng: createRng(8) });
    expect(a.length).toBe(30);
    expect(a[0].length).toBe(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('forecast() without rng is reproducible (seeded by the model), with rng it follows the rng', () => {
    const f1 = fit.forecast(5), f2 = fit.forecast(5);
    expect(f1.paths.length).toBe(2000);
    expect(Array.from(f1.mean())).toEqual(Array.from(f2.mean()));
    expect(f1.toJSON()).toEqual(f2.toJSON());
    const f3 = fit.forecast(5, { rng: createRng(5) });
    expect(Array.from(f3.mean())).toEqual(Array.from(f1.mean()));
    const f4 = fit.forecast(5, { rng: createRng(6), draws: 100 });
    expect(f4.paths.length).toBe(100);
    expect(Array.from(f4.mean())).not.toEqual(Array.from(f1.mean()));
  });

  it('the mean of sample paths matches the exact one-step mean and the t variance', () => {
    const N = 50000;
    const paths = fit.sample(1, { paths: N, rng: createRng(99) });
    const one = fit.oneStep();
    let s = 0, s2 = 0;
    for (const p of paths) { s += p[0]; s2 += p[0] * p[0]; }
    const mean = s / N, sd = Math.sqrt(s2 / N - mean * mean);
    const sdExact = one.scale * Math.sqrt(one.df / (one.df - 2));
    expect(Math.abs(mean - one.location)).toBeLessThan((4 * sdExact) / Math.sqrt(N));
    expect(Math.abs(sd / sdExact - 1)).toBeLessThan(0.02);
  });

  it('toJSON/fromJSON round trip: equal posterior, summary, report, forecasts and samples', () => {
    const back = bayesARFromJSON(JSON.parse(JSON.stringify(fit.toJSON())));
    expect(back.kind).toBe('bayes-ar');
    expect(back.posterior).toEqual(fit.posterior);
    expect(back.prior).toEqual(fit.prior);
    expect(back.logMarginalLikelihood).toBe(fit.logMarginalLikelihood);
    expect(back.summary()).toBe(fit.summary());
    expect(back.report()).toEqual(fit.report());
    expect(back.forecast(4).toJSON()).toEqual(fit.forecast(4).toJSON());
    expect(back.sample(4, { paths: 5, rng: createRng(1) })).toEqual(fit.sample(4, { paths: 5, rng: createRng(1) }));
  });

  it('summary prints the posterior table without NaN', () => {
    const s = fit.summary();
    expect(s).toMatch(/Bayesian AR/);
    expect(s).toMatch(/y\.L2/);
    expect(s).toMatch(/sigma2/);
    expect(s).not.toMatch(/nan|NaN/);
  });

  it('a flat-ish prior approaches OLS on the same sample', () => {
    const f = fitBayesAR(y, { order: 2, prior: { V0: 1e8, a0: 1e-6, b0: 1e-6 } });
    expectRel(f.posterior.m, fx.ols_same_sample, 1e-6, 0, 'mn → OLS');
  });

  it('default prior: zero mean, 100·I, a0 = 1, b0 = 0.01·var(y)', () => {
    const f = fitBayesAR(y, { order: 1 });
    expect(f.prior.m).toEqual([0, 0]);
    expect(f.prior.V).toEqual([[100, 0], [0, 100]]);
    expect(f.prior.a).toBe(1);
    const ybar = y.reduce((a, b) => a + b, 0) / y.length;
    expectRel(f.prior.b, (0.01 * y.reduce((a, v) => a + (v - ybar) ** 2, 0)) / (y.length - 1), 1e-12, 0, 'b0');
    expect(Number.isFinite(f.logMarginalLikelihood)).toBe(true);
  });
});

describe('fitBayesAR input validation', () => {
  const fx = fixturesOfKind('bayes_ar_nig')[0] as Fixture;
  const y = fixtureSeries(fx);

  it('rejects a V0 that is not positive definite, not symmetric or of the wrong size', () => {
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { V0: [[1, 0, 0], [0, 1, 0], [0, 0, -1]] } }), ArgumentError, 'prior.V0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { V0: [[1, 2, 0], [2, 1, 0], [0, 0, 1]] } }), ArgumentError, 'prior.V0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { V0: [[1, 0.5, 0], [0, 1, 0], [0, 0, 1]] } }), ArgumentError, 'prior.V0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { V0: [[1, 0], [0, 1]] } }), ArgumentError, 'prior.V0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { V0: 0 } }), ArgumentError, 'prior.V0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { V0: [[1, 0, 0], [0, NaN, 0], [0, 0, 1]] } }), ArgumentError, 'prior.V0');
  });

  it('rejects a0 ≤ 0 and b0 ≤ 0 (improper inverse gamma)', () => {
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { a0: 0 } }), ArgumentError, 'prior.a0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { a0: -1 } }), ArgumentError, 'prior.a0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { b0: 0 } }), ArgumentError, 'prior.b0');
    expectThrows(() => fitBayesAR(y, { order: 2, prior: { b0: Infinity } }), ArgumentError, 'prior.b0');
  });

  it('rejects an m0 of the wrong dimension', () => {
    const e = expectThrows(() => fitBayesAR(y, { order: 2, prior: { m0: [0, 0] } }), ArgumentError, 'prior.m0');
    expect(e.message).toMatch(/3 entries/);
  });

  it('rejects bad orders, a too-short series, missing and infinite values', () => {
    expectThrows(() => fitBayesAR(y, { order: -1 }), ArgumentError, 'order');
    expectThrows(() => fitBayesAR(y, { order: 1.5 }), ArgumentError, 'order');
    const e = expectThrows(() => fitBayesAR([1, 2, 3], { order: 2 }), DataError, 'y');
    expect(e.message).toMatch(/at least order \+ 2 = 4 observations; got 3/);
    const z = Float64Array.from(y);
    z[20] = NaN;
    expect(expectThrows(() => fitBayesAR(z, { order: 2 }), DataError, 'y').message).toMatch(/row 21/);
    z[20] = -Infinity;
    expectThrows(() => fitBayesAR(z, { order: 2 }), DataError, 'y');
  });

  it('rejects bad forecast/sample options and foreign JSON', () => {
    const f = fitBayesAR(y, { order: 2 });
    expectThrows(() => f.forecast(0), ArgumentError, 'horizon');
    expectThrows(() => f.forecast(3, { draws: 0 }), ArgumentError, 'draws');
    expectThrows(() => f.sample(3, {} as never), ArgumentError, 'rng');
    expectThrows(() => f.sample(3, { rng: createRng(1), paths: 0 }), ArgumentError, 'paths');
    expectThrows(() => f.forecast(3, { exog: { x: [1, 2, 3] } }), ArgumentError, 'exog');
    expectThrows(() => fitBayesAR(y, { order: 2, draws: 1.5 }), ArgumentError, 'draws');
    expectThrows(() => FittedBayesAR.fromJSON({ kind: 'ar' } as never), ArgumentError, 'json');
  });

  it('rejects bad order-comparison options', () => {
    expectThrows(() => compareBayesAROrders(y, { maxOrder: -1 }), ArgumentError, 'maxOrder');
    expectThrows(() => compareBayesAROrders(y, { maxOrder: 3, minOrder: 4 }), ArgumentError, 'minOrder');
    expectThrows(() => compareBayesAROrders(y, { maxOrder: 3, prior: { v0: -1 } }), ArgumentError, 'prior.v0');
    expectThrows(() => compareBayesAROrders(y, { maxOrder: 3, prior: { a0: 0 } }), ArgumentError, 'prior.a0');
    expectThrows(() => compareBayesAROrders(y.subarray(0, 5), { maxOrder: 4 }), DataError, 'y');
  });
});
