// Hold-out backtests: naive / seasonal naive scores against R (test/fixtures/classical/r_snaive.json:
// forecast::accuracy MASE, M4 sMAPE, CRPS of the Gaussian / log-normal predictive by numerical
// integration, interval coverage), the sample-based path against a direct recomputation and the
// closed form (Monte Carlo tolerance), model options, typed errors, and `ardiff backtest --json`.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { backtest, backtestModelOptions, formatBacktestTable, modelNames } from '../src/backtest.js';
import { meanCrpsSample, mase, smape, intervalCoverage, crpsGaussian } from '../src/core/metrics.js';
import { fitARIMA } from '../src/classical/arima.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { runCli, runCliJson } from './cli-helpers.js';
import { FIXTURE_DIR, expectRel, loadColumn, type Fixture } from './fixtures.js';

const fx: Fixture = JSON.parse(readFileSync(`${FIXTURE_DIR}r_snaive.json`, 'utf8'));
const NAME: Record<string, string> = { naive: 'naive', snaive: 'seasonal-naive' };

describe('backtest of naive / seasonal naive against R', () => {
  for (const c of fx.holdout) {
    it(`${c.method} on ${c.column} (${c.transform}), H = ${c.H}: MASE, sMAPE, coverage rel 1e-10; CRPS rel 1e-8`, async () => {
      const y = loadColumn(c.file, c.column);
      const bt = await backtest(y, { models: [NAME[c.method]], horizon: c.H, seasonalPeriod: c.frequency, transform: c.transform });
      const [r] = bt.results;
      expect(bt.trainLength).toBe(c.n - c.H);
      expect(Array.from(bt.actual)).toEqual(c.test);
      expectRel(r.mean, c.point, 1e-10, 0, 'mean forecast');
      expectRel(r.mase, c.mase, 1e-10, 0, 'mase');
      if (c.mase_accuracy != null) expectRel(r.mase, c.mase_accuracy, 1e-10, 0, 'mase vs accuracy()');
      expectRel(r.smape, c.smape, 1e-10, 0, 'smape');
      expectRel(r.crps, c.crps, 1e-8, 0, 'crps');
      expect(r.crpsMethod).toBe(c.transform === 'log' ? 'lognormal' : 'gaussian');
      expectRel(r.coverage80, c.coverage80, 1e-10, 0, 'coverage80');
      expectRel(r.coverage95, c.coverage95, 1e-10, 0, 'coverage95');
    });
  }
});

describe('backtest scoring', () => {
  it('arima: the scores of a direct fit on the training part (rel 1e-12)', async () => {
    const y = loadColumn('data/r_UKgas.csv', 'UKgas');
    const H = 8;
    const bt = await backtest(y, { models: ['arima'], horizon: H, seasonalPeriod: 4 });
    const train = y.slice(0, y.length - H), test = y.slice(y.length - H);
    const fc = fitARIMA(train, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 4 } }).forecast(H);
    const mu = fc.mean(), i80 = fc.interval(80), i95 = fc.interval(95);
    const [r] = bt.results;
    expectRel(r.mase, mase(test, mu, train, 4), 1e-12);
    expectRel(r.smape, smape(test, mu), 1e-12);
    expectRel(r.crps, Array.from(test, (v, i) => crpsGaussian(mu[i], fc.se[i], v)).reduce((a, b) => a + b) / H, 1e-12);
    expect(r.coverage80).toBe(intervalCoverage(test, i80.lower, i80.upper));
    expect(r.coverage95).toBe(intervalCoverage(test, i95.lower, i95.upper));
  });

  it('sample scoring: exactly the scores of the seeded, back-transformed paths', async () => {
    const y = loadColumn('data/r_AirPassengers.csv', 'AirPassengers');
    const H = 12;
    const bt = await backtest(y, { models: ['seasonal-naive'], horizon: H, seasonalPeriod: 12, transform: 'log', scoring: 'sample', seed: 5, paths: 400 });
    const [r] = bt.results;
    expect(r.crpsMethod).toBe('sample');
    const { fitSeasonalNaive } = await import('../src/classical/naive.js');
    const train = y.slice(0, y.length - H), test = y.slice(y.length - H);
    const paths = fitSeasonalNaive(train.map(Math.log), { period: 12 }).sample(H, { paths: 400, rng: createRng(5) }).map((p) => p.map(Math.exp));
    const mean = Float64Array.from({ length: H }, (_, h) => paths.reduce((s, p) => s + p[h], 0) / paths.length);
    expectRel(r.crps, meanCrpsSample(paths, test), 1e-12);
    expectRel(r.mase, mase(test, mean, train, 12), 1e-12);
    expectRel(r.smape, smape(test, mean), 1e-12);
  });

  it('sample scoring tends to the closed form (20 000 paths: CRPS within 1%, MASE within 1%)', async () => {
    const y = loadColumn('data/r_co2.csv', 'co2');
    const opts = { models: ['seasonal-naive'], horizon: 24, seasonalPeriod: 12 };
    const exact = (await backtest(y, opts)).results[0];
    const mc = (await backtest(y, { ...opts, scoring: 'sample', paths: 20_000, seed: 1 })).results[0];
    expectRel(mc.crps, exact.crps, 0.01);
    expectRel(mc.mase, exact.mase, 0.01);
  });

  it('is deterministic from the seed and scores models in the given order', async () => {
    const y = loadColumn('data/r_lynx.csv', 'lynx');
    const opts = { models: ['nar', 'naive'], horizon: 6, transform: 'log10' as const, seed: 3, paths: 200 };
    const a = await backtest(y, opts), b = await backtest(y, opts);
    expect(a.results.map((r) => r.model)).toEqual(['nar', 'naive']);
    expect(a.results[0].crpsMethod).toBe('sample');
    expect(a.results[1].crpsMethod).toBe('lognormal');
    expect(a.results.map((r) => [r.mase, r.smape, r.crps])).toEqual(b.results.map((r) => [r.mase, r.smape, r.crps]));
    expect(a.results[0].options.seed).toBe(3);
  });

  it('formats an aligned table', async () => {
    const y = loadColumn('data/r_UKgas.csv', 'UKgas');
    const text = formatBacktestTable(await backtest(y, { models: ['naive', 'seasonal-naive'], horizon: 8, seasonalPeriod: 4 }));
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('model'));
    expect(lines[head]).toMatch(/model\s+MASE\s+sMAPE\s+CRPS\s+cover80\s+cover95\s+seconds\s+CRPS by/);
    expect(lines[head + 1]).toMatch(/^naive\s+10\.049\s+38\.450\s+188\.3198\s+0\.875\s+1\.000\s+\d+\.\d\d\s+closed form \(Gaussian\)$/);
    expect(lines[head + 2].indexOf('3.627') + 5).toBe(lines[head].indexOf('MASE') + 4); // right-aligned columns
  });
});

describe('backtest options and errors', () => {
  it('gives each model its options', () => {
    expect(backtestModelOptions('seasonal-naive', { seasonalPeriod: 12 })).toEqual({ period: 12 });
    expect(backtestModelOptions('auto-arima', { seasonalPeriod: 4 })).toEqual({ period: 4 });
    expect(backtestModelOptions('arima', { seasonalPeriod: 12 })).toEqual({ order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } });
    expect(backtestModelOptions('arima', {})).toEqual({ order: [0, 1, 1] });
    expect(backtestModelOptions('naive', { seasonalPeriod: 12, seed: 1 })).toEqual({});
    expect(backtestModelOptions('nar', { seed: 7 })).toMatchObject({ order: 2, seed: 7 });
    expect(() => backtestModelOptions('nope')).toThrow(ArgumentError);
  });
  it('throws typed errors before fitting', async () => {
    const y = loadColumn('data/r_Nile.csv', 'Nile');
    await expect(backtest(y, { models: ['naive', 'prophet'], horizon: 5 })).rejects.toThrow(new RegExp(`unknown model 'prophet'; known models: ${modelNames().join(', ')}`));
    await expect(backtest(y, { models: [], horizon: 5 })).rejects.toThrow(ArgumentError);
    await expect(backtest(y, { models: ['naive'], horizon: 100 })).rejects.toThrow(/smaller than the series length \(100\)/);
    await expect(backtest(y, { models: ['naive'], horizon: 0 })).rejects.toThrow(ArgumentError);
    await expect(backtest(y, { models: ['naive'], horizon: 2.5 })).rejects.toThrow(ArgumentError);
    await expect(backtest(y, { models: ['naive'], horizon: 5, seasonalPeriod: 0 })).rejects.toThrow(ArgumentError);
    await expect(backtest(y, { models: ['naive'], horizon: 98, seasonalPeriod: 2 })).rejects.toThrow(DataError); // no MASE scale
    await expect(backtest([1, 2, 3, -1, 5], { models: ['naive'], horizon: 1, transform: 'log' })).rejects.toThrow(DataError);
  });
});

describe('ardiff backtest', () => {
  it('--json on uk-gas with naive, seasonal-naive, auto-arima (frequency 4 from the data set)', async () => {
    const { code, json } = await runCliJson(['backtest', '--data', 'uk-gas', '--models', 'naive,seasonal-naive,auto-arima', '--horizon', '8']);
    expect(code).toBe(0);
    expect(Object.keys(json)).toEqual(['horizon', 'results']);
    expect(json.horizon).toBe(8);
    const results = json.results as Record<string, unknown>[];
    expect(results.map((r) => r.model)).toEqual(['naive', 'seasonal-naive', 'auto-arima']);
    for (const r of results) {
      expect(Object.keys(r).slice(0, 6)).toEqual(['model', 'mase', 'smape', 'crps', 'coverage80', 'coverage95']);
      for (const k of ['mase', 'smape', 'crps', 'coverage80', 'coverage95']) expect(Number.isFinite(r[k])).toBe(true);
      expect(r.crpsMethod).toBe('gaussian');
    }
    for (const [i, method] of [[0, 'naive'], [1, 'snaive']] as const) {
      const ref = fx.holdout.find((c: Fixture) => c.column === 'UKgas' && c.method === method);
      expectRel(results[i].mase as number, ref.mase_accuracy, 1e-10, 0, `${method} mase`);
      expectRel(results[i].crps as number, ref.crps, 1e-8, 0, `${method} crps`);
      expect(results[i].coverage80).toBe(ref.coverage80);
    }
    // auto-arima forecasts UKgas better than the seasonal naive forecast
    expect(results[2].mase as number).toBeLessThan(results[1].mase as number);
  });
  it('text table, and typed errors with exit code 2', async () => {
    const r = await runCli(['backtest', '--data', 'nile', '--models', 'naive', '--horizon', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^naive\s+0\.968\s+14\.629\s+117\.2322/m);
    const bad = await runCliJson(['backtest', '--data', 'nile', '--models', 'naive,lstmx', '--horizon', '10']);
    expect(bad.code).toBe(2);
    expect((bad.json.error as Record<string, unknown>).argument).toBe('--models');
    expect((bad.json.error as Record<string, unknown>).message).toMatch(/known models: .*seasonal-naive/);
    const long = await runCliJson(['backtest', '--data', 'nile', '--models', 'naive', '--horizon', '100']);
    expect(long.code).toBe(2);
    expect(long.json.error).toMatchObject({ type: 'ArgumentError', argument: '--horizon' });
    const zero = await runCli(['backtest', '--data', 'nile', '--models', 'naive', '--horizon', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--horizon must be a positive integer/);
  });
});
