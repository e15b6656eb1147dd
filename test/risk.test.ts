// The risk backtest (issue 12 §3): VaR/ES of predictive distributions, Kupiec, Christoffersen,
// Acerbi–Szekely Z2, losses and the Basel zones against base-R values of the same formulas
// (test/fixtures/risk/generate.R) and hand-computed values; the degenerate cases; the ES test's
// size and power by seeded simulation; the rolling backtest's refit/apply schedule, determinism
// and typed errors; the CLI end to end.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, expectRel } from './fixtures.js';
import { runCli, runCliJson } from './cli-helpers.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { GaussianForecast, SampleForecast, type Forecast, type Interval, type ForecastJSON } from '../src/core/forecast.js';
import { tQuantile, gammaVariate } from '../src/core/distributions.js';
import { createRng } from '../src/core/rng.js';
import { fitAR } from '../src/classical/ar.js';
import {
  acerbiSzekelyTest, christoffersenTest, exceedances, fz0Loss, kupiecTest, oneStepPredictive, quantileLoss, riskMeasures, trafficLight, z2Statistic,
  riskBacktest, historicalSimulation, forecasterRiskModel, type OneStepPredictive, type RiskModel,
} from '../src/risk/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const FX: any = JSON.parse(readFileSync(`${ROOT}test/fixtures/risk/var-tests.json`, 'utf8'));

/** A forecast known only through its quantile function (what GARCH-t's forecast looks like to the risk code). */
class QuantileForecast implements Forecast {
  readonly horizon = 1;
  constructor(private readonly q: (u: number) => number, private readonly mu = 0) {}
  mean(): Float64Array { return Float64Array.of(this.mu); }
  quantile(u: number): Float64Array { return Float64Array.of(this.q(u)); }
  interval(level: number): Interval { const a = (1 - level / 100) / 2; return { level, lower: this.quantile(a), upper: this.quantile(1 - a) }; }
  toJSON(): ForecastJSON { return { mean: [this.mu], lower: [], upper: [], level: [] }; }
}

describe('risk: fixtures from base R (test/fixtures/risk/generate.R)', () => {
  it('has the expected number of cases', () => {
    expect(FX.provenance).toMatch(/Rscript test\/fixtures\/risk\/generate.R/);
    expect([FX.kupiec.length, FX.christoffersen.length, FX.gaussian.length, FX.student.length, FX.sample.cases.length, FX.z2.cases.length, FX.basel.length])
      .toEqual([8, 10, 5, 4, 3, 3, 13]);
  });

  it('Kupiec POF: LR to 1e-10 relative, p to 1e-8 relative', () => {
    for (const c of FX.kupiec) {
      const k = kupiecTest(c.x, c.T, c.alpha);
      expectRel(k.lr, c.lr, 1e-10, 1e-12, `kupiec ${c.x}/${c.T}`);
      expectRel(k.pValue, c.p, 1e-8, 1e-300, `kupiec p ${c.x}/${c.T}`);
    }
  });

  it('Christoffersen: counts exactly, LRs to 1e-10, p-values to 1e-8 (degenerate cases included)', () => {
    for (const c of FX.christoffersen) {
      const hits = Array.isArray(c.hits) ? c.hits : [c.hits];
      const r = christoffersenTest(hits, c.alpha);
      expect(r.counts).toEqual({ n00: c.n00, n01: c.n01, n10: c.n10, n11: c.n11 });
      expectRel(r.unconditional.lr, c.lruc, 1e-10, 1e-12, 'uc');
      expectRel(r.independence.lr, c.lrind, 1e-10, 1e-12, 'ind');
      expectRel(r.conditional.lr, c.lrcc, 1e-10, 1e-12, 'cc');
      expectRel(r.independence.pValue, c.pind, 1e-8, 1e-300, 'p ind');
      expectRel(r.conditional.pValue, c.pcc, 1e-8, 1e-300, 'p cc');
      expect(r.conditional.df).toBe(2);
    }
  });

  it('Gaussian VaR to 1e-12 and ES to 1e-9 (R integrates the quantile function); the quantile-integration path to 1e-9', () => {
    for (const c of FX.gaussian) {
      const m = riskMeasures(oneStepPredictive(new GaussianForecast([c.mu], [c.sd])), c.alpha);
      expectRel(m.var, c.var, 1e-12, 1e-14, 'var');
      expectRel(m.es, c.es, 1e-9, 1e-12, 'es');
      const viaQuantile = riskMeasures(oneStepPredictive(new QuantileForecast((u) => new GaussianForecast([c.mu], [c.sd]).quantile(u)[0])), c.alpha);
      expect(oneStepPredictive(new QuantileForecast((u) => u)).type).toBe('quantile');
      expectRel(viaQuantile.es, c.es, 1e-9, 1e-12, 'es by quadrature');
    }
  });

  it('Student t ES by quadrature of the quantile function to 1e-8 (3 to 10 degrees of freedom; measured ≤ 3e-10)', () => {
    for (const c of FX.student) {
      const m = riskMeasures(oneStepPredictive(new QuantileForecast((u) => c.loc + c.scale * tQuantile(u, c.df))), c.alpha);
      expectRel(m.var, c.var, 1e-10, 1e-12, 'var');
      expectRel(m.es, c.es, 1e-8, 0, `es t(${c.df})`);
    }
  });

  it('sample VaR (type-7 quantile) and ES (mean at or below it) exactly', () => {
    const paths = FX.sample.x.map((v: number) => Float64Array.of(v));
    const pred = oneStepPredictive(new SampleForecast(paths));
    for (const c of FX.sample.cases) {
      const m = riskMeasures(pred, c.alpha);
      expectRel(m.var, c.var, 1e-13, 1e-15, 'var');
      expectRel(m.es, c.es, 1e-13, 1e-15, 'es');
    }
  });

  it('Z2, tick and FZ0 losses to 1e-10 with Gaussian forecasts', () => {
    const { r, mu, sd } = FX.z2;
    for (const c of FX.z2.cases) {
      const risk = mu.map((m: number, t: number) => riskMeasures({ type: 'gaussian', mean: m, sd: sd[t] }, c.alpha));
      const VaR = risk.map((x: { var: number }) => x.var), ES = risk.map((x: { es: number }) => x.es);
      expect(exceedances(r, VaR).reduce((a, b) => a + b, 0)).toBe(c.exceedances);
      expectRel(z2Statistic(r, VaR, ES, c.alpha), c.z2, 1e-10, 1e-12, 'z2');
      expectRel(quantileLoss(r, VaR, c.alpha), c.tick, 1e-10, 0, 'tick');
      expectRel(fz0Loss(r, VaR, ES, c.alpha), c.fz0, 1e-10, 0, 'fz0');
    }
  });

  it('Basel zones and binomial probabilities (250 days at 1%: green 0-4, yellow 5-9, red 10+)', () => {
    for (const c of FX.basel) {
      const z = trafficLight(c.x, c.T, c.alpha);
      expect(z.zone).toBe(c.zone);
      expectRel(z.cumulativeProbability, c.p, 1e-10, 0, `basel ${c.x}`);
    }
    expect(FX.basel.filter((c: { zone: string }) => c.zone === 'green').length).toBe(5);
  });
});

describe('risk: hand-computed values and degenerate cases', () => {
  it('Kupiec with no exceedance is −2T log(1−α); with all days exceeding −2T log α', () => {
    expect(kupiecTest(0, 250, 0.01).lr).toBeCloseTo(-500 * Math.log(0.99), 12);
    expect(kupiecTest(0, 250, 0.01).lr).toBeCloseTo(5.0251679267507, 10);
    expect(kupiecTest(10, 10, 0.05).lr).toBeCloseTo(-20 * Math.log(0.05), 12);
    expect(kupiecTest(5, 100, 0.05).lr).toBeCloseTo(0, 12); // exactly the expected rate
    expect(kupiecTest(5, 100, 0.05).pValue).toBeCloseTo(1, 6);
  });

  it('Christoffersen by hand: 0,1,1,0 at α = 0.5', () => {
    // pairs (0,1),(1,1),(1,0): n01 = n11 = n10 = 1; π = 2/3, π01 = 1, π11 = 1/2
    const r = christoffersenTest([0, 1, 1, 0], 0.5);
    expect(r.counts).toEqual({ n00: 0, n01: 1, n10: 1, n11: 1 });
    const ll0 = Math.log(1 / 3) + 2 * Math.log(2 / 3), ll1 = 0 + 2 * Math.log(0.5);
    expect(r.independence.lr).toBeCloseTo(-2 * (ll0 - ll1), 12);
    expect(r.unconditional.lr).toBe(0);
  });

  it('no exceedance, a lone last-day exceedance, one day: LR_ind = 0 and p = 1', () => {
    for (const hits of [new Array(50).fill(0), [...new Array(49).fill(0), 1], [1], [0]]) {
      const r = christoffersenTest(hits, 0.01);
      expect(r.independence.lr).toBe(0);
      expect(r.independence.pValue).toBe(1);
      expect(r.conditional.lr).toBeCloseTo(r.unconditional.lr, 14);
    }
  });

  it('Z2 by hand: two days, one exceedance', () => {
    // r = (−3, 1), VaR = (2, 2), ES = (2.5, 2.5), α = 0.1: Z2 = 1 + (−3/2.5)/(2·0.1) = −5
    expect(z2Statistic([-3, 1], [2, 2], [2.5, 2.5], 0.1)).toBeCloseTo(-5, 12);
    expect(z2Statistic([0, 1], [2, 2], [2.5, 2.5], 0.1)).toBe(1); // no exceedance: Z2 = 1
  });

  it('rejects bad input with typed errors naming the argument', () => {
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e as ArgumentError; } throw new Error('no error'); };
    expect(err(() => kupiecTest(3, 100, 0)).argument).toBe('level');
    expect(err(() => kupiecTest(3, 100, 1)).argument).toBe('level');
    expect(err(() => kupiecTest(101, 100, 0.01)).argument).toBe('exceedances');
    expect(err(() => christoffersenTest([0, 2], 0.01))).toBeInstanceOf(DataError);
    expect(err(() => christoffersenTest([], 0.01))).toBeInstanceOf(DataError);
    expect(err(() => riskMeasures({ type: 'gaussian', mean: 0, sd: 1 }, 1.5)).argument).toBe('level');
    expect(err(() => exceedances([1, 2], [1])).argument).toBe('var');
    expect(err(() => oneStepPredictive(new GaussianForecast([0], [0])))).toBeInstanceOf(DataError);
  });
});

/** Unit-variance Student t(3) draws. */
function t3(rng: ReturnType<typeof createRng>): number {
  return rng.normal() / Math.sqrt((2 * gammaVariate(rng, 1.5)) / 3) / Math.sqrt(3);
}

describe('risk: the Acerbi–Szekely test by simulation', () => {
  const T = 250, alpha = 0.025, reps = 200, sims = 200;
  const N01: OneStepPredictive[] = new Array(T).fill({ type: 'gaussian', mean: 0, sd: 1 });

  function rejectionRate(draw: (rng: ReturnType<typeof createRng>) => number, preds: OneStepPredictive[]): number {
    const data = createRng(11), simRng = createRng(12);
    let rejected = 0;
    for (let k = 0; k < reps; k++) {
      const r = Float64Array.from({ length: T }, () => draw(data));
      if (acerbiSzekelyTest(r, preds, alpha, { sims, rng: simRng }).pValue <= 0.05) rejected++;
    }
    return rejected / reps;
  }

  it('has size near 5% under the correct model (200 seeded replications: within [0.01, 0.10])', () => {
    const size = rejectionRate((rng) => rng.normal(), N01);
    expect(size).toBeGreaterThanOrEqual(0.01);
    expect(size).toBeLessThanOrEqual(0.10);
  });

  it('has power against a volatility 30% above the model\'s (≥ 0.8) and against unit-variance t(3) tails (above the size)', () => {
    const size = rejectionRate((rng) => rng.normal(), N01);
    const power = rejectionRate((rng) => 1.3 * rng.normal(), N01);
    const powerT = rejectionRate(t3, N01);
    expect(power).toBeGreaterThanOrEqual(0.8);
    expect(powerT).toBeGreaterThan(size);
  });

  it('has size near 5% with sample-path predictive distributions too', () => {
    const rng = createRng(3);
    const sorted = Float64Array.from({ length: 2000 }, () => rng.normal()).sort();
    const preds: OneStepPredictive[] = new Array(T).fill({ type: 'sample', sorted });
    const size = rejectionRate((g) => sorted[Math.floor(g.uniform() * sorted.length)], preds);
    expect(size).toBeGreaterThanOrEqual(0.01);
    expect(size).toBeLessThanOrEqual(0.10);
  });

  it('is seeded: the same rng seed gives the same p-value', () => {
    const r = Float64Array.from({ length: T }, (_, i) => Math.sin(i) * 2);
    const a = acerbiSzekelyTest(r, N01, alpha, { sims: 300, rng: createRng(5) });
    const b = acerbiSzekelyTest(r, N01, alpha, { sims: 300, rng: createRng(5) });
    expect(a).toEqual(b);
    expect(a.pValue).toBeGreaterThan(0);
    expect(a.pValue).toBeLessThanOrEqual(1);
  });
});

/** Gaussian AR(1)-like returns with GARCH-ish volatility clusters, seeded. */
function syntheticReturns(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const r = new Float64Array(n);
  let s2 = 1, prev = 0;
  for (let t = 0; t < n; t++) {
    s2 = 0.05 + 0.1 * prev * prev + 0.85 * s2;
    prev = Math.sqrt(s2) * rng.normal();
    r[t] = 0.02 + prev;
  }
  return r;
}

describe('risk: the rolling backtest', () => {
  const r = syntheticReturns(460, 1);

  it('refits on schedule and applies the fit between refits (ar: VaR equal to a manual fit + apply)', async () => {
    const bt = await riskBacktest(r, { models: ['ar', 'historical'], window: 300, refitEvery: 40, levels: [0.05], sims: 50 });
    expect(bt.days).toBe(160);
    expect(bt.results.map((x) => x.refits)).toEqual([4, 4]);
    expect(bt.results.map((x) => x.method)).toEqual(['gaussian', 'sample']);
    const ar = bt.results[0].levels[0];
    for (const k of [0, 1, 39, 40, 41, 159]) {
      const start = Math.floor(k / 40) * 40;
      const fit = fitAR(r.slice(start, start + 300), { order: 2 });
      const f = k === start ? fit : fit.apply(r.slice(k, k + 300));
      expect(ar.var[k]).toBeCloseTo(-f.forecast(1).quantile(0.05)[0], 12);
    }
    // historical simulation: the type-7 5% quantile of the last 300 returns
    const hs = bt.results[1].levels[0];
    const last = Float64Array.from(r.subarray(159, 459)).sort();
    const pos = 299 * 0.05, lo = Math.floor(pos);
    expect(hs.var[159]).toBeCloseTo(-(last[lo] + (pos - lo) * (last[lo + 1] - last[lo])), 12);
    // the exceedances and the tests agree with the per-day series
    expect(ar.exceedances).toBe(ar.hits.reduce((a, b) => a + b, 0));
    expect(ar.kupiec.pValue).toBeCloseTo(kupiecTest(ar.exceedances, 160, 0.05).pValue, 14);
    expect(ar.trafficLight).toBeNull();
  });

  it('takes custom models (the hook of the diffusion generator) and labelled registry models; seeded', async () => {
    const custom: RiskModel = {
      name: 'sampler',
      fit: (train) => {
        const m = train.reduce((a, b) => a + b, 0) / train.length;
        const sd = Math.sqrt(train.reduce((a, b) => a + (b - m) ** 2, 0) / train.length);
        return { forecast: (_h, { rng, paths }) => new SampleForecast(Array.from({ length: paths }, () => Float64Array.of(m + sd * rng.normal()))) };
      },
    };
    const options = { models: [custom, { label: 'ar1', model: 'ar', options: { order: 1 } }, historicalSimulation], window: 250, refitEvery: 30, paths: 200, sims: 100, seed: 9 };
    const a = await riskBacktest(r, options);
    const b = await riskBacktest(r, options);
    const strip = (bt: typeof a) => bt.results.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(a.results.map((x) => x.model)).toEqual(['sampler', 'ar1', 'historical']);
    expect(a.results[0].method).toBe('sample');
    const c = await riskBacktest(r, { ...options, seed: 10 });
    expect(c.results[0].levels[0].var).not.toEqual(a.results[0].levels[0].var);
    expect(c.results[1].levels[0].var).toEqual(a.results[1].levels[0].var); // ar1 is Gaussian: no randomness in its VaR
  });

  it('wraps any forecaster (forecasterRiskModel); one without apply is refitted every day', async () => {
    const noApply = forecasterRiskModel('ar-daily', (train) => {
      const f = fitAR(train, { order: 1 });
      return { kind: f.kind, forecast: (h) => f.forecast(h), sample: (h, o) => f.sample(h, o), summary: () => f.summary(), toJSON: () => f.toJSON() };
    });
    const bt = await riskBacktest(r.subarray(0, 330), { models: [noApply, { label: 'ar1', model: 'ar', options: { order: 1 } }], window: 300, refitEvery: 10, levels: [0.05], sims: 20 });
    expect(bt.results.map((x) => x.refits)).toEqual([30, 3]);
    // day 0 of each block is the same fit; later days differ (daily refit against apply)
    expect(bt.results[0].levels[0].var[10]).toBeCloseTo(bt.results[1].levels[0].var[10], 12);
    expect(bt.results[0].levels[0].var[11]).not.toBeCloseTo(bt.results[1].levels[0].var[11], 12);
  });

  it('calls forecastMany once per refit block with consecutive histories; a model\'s own refitEvery overrides the backtest\'s', async () => {
    // A Gaussian model with the window's mean and sd, answered one day at a time and in blocks.
    const gauss = (train: Float64Array) => {
      const m = train.reduce((a, b) => a + b, 0) / train.length;
      return Math.sqrt(train.reduce((a, b) => a + (b - m) ** 2, 0) / train.length);
    };
    const calls: number[][] = [];
    const daily: RiskModel = { name: 'daily', fit: () => ({ forecast: (h) => new GaussianForecast([0], [gauss(h)]) }) };
    const batched: RiskModel = {
      name: 'batched',
      fit: () => ({
        forecast: () => { throw new Error('forecastMany should be used'); },
        forecastMany: (hs) => {
          calls.push([hs.length, hs[0].length]);
          hs.forEach((h, j) => { if (j > 0) expect(Array.from(h.subarray(0, h.length - 1))).toEqual(Array.from(hs[j - 1].subarray(1))); });
          return hs.map((h) => new GaussianForecast([0], [gauss(h)]));
        },
      }),
    };
    let fits = 0;
    const once: RiskModel = { name: 'once', refitEvery: Infinity, fit: () => { fits++; return { forecast: (h) => new GaussianForecast([0], [gauss(h)]) }; } };
    const bt = await riskBacktest(r, { models: [daily, batched, once], window: 300, refitEvery: 70, levels: [0.05], sims: 20 });
    expect(calls).toEqual([[70, 300], [70, 300], [20, 300]]);
    expect(bt.results[1].levels[0].var).toEqual(bt.results[0].levels[0].var);
    expect(bt.results.map((x) => x.refits)).toEqual([3, 3, 1]);
    expect(fits).toBe(1);
    await expect(riskBacktest(r, { models: [{ ...once, refitEvery: 0 }], window: 300 })).rejects.toThrow(ArgumentError);
  });

  it('rejects bad options with typed errors before fitting', async () => {
    const err = async (o: object, data: ArrayLike<number> = r) => {
      try { await riskBacktest(data, { models: ['historical'], window: 300, ...o }); } catch (e) { return e as ArgumentError; }
      throw new Error('no error');
    };
    expect((await err({ window: 460 })).argument).toBe('window');
    expect((await err({ window: 1 })).argument).toBe('window');
    expect((await err({ levels: [0.01, 0] })).argument).toBe('levels');
    expect((await err({ levels: [5] })).argument).toBe('levels');
    expect((await err({ levels: [] })).argument).toBe('levels');
    expect((await err({ refitEvery: 0 })).argument).toBe('refitEvery');
    expect((await err({ paths: 1.5 })).argument).toBe('paths');
    expect((await err({ paths: 1e9 })).argument).toBe('paths'); // 160 days × 1e9 values: over the 1 GiB budget, refused before any fit
    expect((await err({ sims: 100_001 })).message).toMatch(/at most 100,000/); // each simulation draws every test day: 1e9 sims ran for hours
    expect((await err({ sims: 0 })).argument).toBe('sims');
    expect((await err({ models: [] })).argument).toBe('models');
    expect((await err({ models: ['no-such-model'] })).argument).toBe('models');
    expect((await err({ models: ['var'] })).argument).toBe('models');
    expect((await err({ models: ['historical', 'historical'] })).argument).toBe('models');
    const gap = Float64Array.from(r); gap[10] = NaN;
    const e = await err({}, gap);
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('returns');
  });
});

describe('ardiff risk', () => {
  it('runs on a bundled data set with --json and writes the chart; bad flags exit 2 naming the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-risk-'));
    try {
      const chart = join(dir, 'sub', 'risk.svg');
      const { code, json } = await runCliJson(['risk', '--data', 'eu-stock-markets', '--column', 'FTSE', '--returns', 'log', '--models', 'historical,ar1=ar',
        '--model-options', '{"ar1":{"order":1}}', '--levels', '1,5', '--window', '1500', '--refit-every', '120', '--sims', '100', '--chart', chart]);
      expect(code).toBe(0);
      expect(json.days).toBe(359);
      const results = json.results as { model: string; levels: { level: number; exceedances: number; kupiec: { pValue: number } }[] }[];
      expect(results.map((x) => x.model)).toEqual(['historical', 'ar1']);
      expect(results[0].levels.map((l) => l.level)).toEqual([0.01, 0.05]);
      expect(results[1].levels[1].kupiec.pValue).toBeGreaterThanOrEqual(0);
      expect((json.verdict as string[]).length).toBe(2);
      expect(readFileSync(chart, 'utf8')).toMatch(/^<svg/);

      const bad = await runCliJson(['risk', '--data', 'eu-stock-markets', '--returns', 'log', '--models', 'historical', '--window', '5000']);
      expect(bad.code).toBe(2);
      expect(bad.json.error).toMatchObject({ type: 'ArgumentError', argument: '--window' });
      const prices = await runCliJson(['risk', '--data', 'eu-stock-markets', '--models', 'historical']);
      expect(prices.code).toBe(2);
      expect(prices.json.error).toMatchObject({ type: 'DataError', argument: '--returns' });
      const level = await runCli(['risk', '--data', 'eu-stock-markets', '--returns', 'log', '--models', 'historical', '--levels', '0']);
      expect(level.code).toBe(2);
      expect(level.stderr).toMatch(/--levels/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
