// The multivariate scores against closed forms, and the backtest of several series against a
// direct recomputation from the same seeded sample paths (one fit, windows applied without
// refitting, per-column models with independent seeds), its typed errors and `ardiff backtest
// --columns --json` (the pinned output of the hybrid issue's protocol).
import { describe, it, expect } from 'vitest';
import { CRPS_QUANTILES, crpsSample, energyScore, quantileLoss, weightedQuantileLoss } from '../src/core/metrics.js';
import { quantileSorted } from '../src/core/forecast.js';
import { backtestMulti } from '../src/backtest-multi.js';
import { fitVAR } from '../src/classical/var.js';
import { fitSeasonalNaive } from '../src/classical/naive.js';
import { numericColumn, transformColumns } from '../src/core/series.js';
import { readTable } from '../src/node/data.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { runCli, runCliJson } from './cli-helpers.js';
import { expectRel } from './fixtures.js';

const macro = readTable('macrodata');
const NAMES = ['realgdp', 'realcons', 'realinv'];
const DATA = { names: NAMES, columns: transformColumns(NAMES.map((n) => numericColumn(macro, n)), NAMES, 'dlog') };

describe('multivariate scores', () => {
  it('quantile loss: 2 Σ |(y − q)(1{y ≤ q} − τ)|', () => {
    expect(quantileLoss([1, 2, 3], [2, 2, 2], 0.9)).toBeCloseTo(2 * (1 * 0.1 + 0 + 1 * 0.9), 14);
    expect(quantileLoss([1, NaN], [0, 5], 0.5)).toBeCloseTo(2 * 0.5, 14);
  });

  it('weighted quantile loss of a point mass c is |y − c| / |y| (the CRPS of a point mass over Σ|y|)', () => {
    const paths = [Float64Array.of(3, -1), Float64Array.of(3, -1)];
    // symmetric levels average to τ̄ = 0.5: mean over τ of 2|y − c|·w(τ) = |y − c|
    expectRel(weightedQuantileLoss(paths, [5, -2]), (2 + 1) / (5 + 2), 1e-14);
    expect(CRPS_QUANTILES.length).toBe(19);
    expect(CRPS_QUANTILES[0]).toBe(0.05);
    expect(CRPS_QUANTILES[18]).toBe(0.95);
  });

  it('energy score in one dimension equals the sample CRPS, and in two dimensions a hand computation', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 50 }, () => rng.normal());
    expectRel(energyScore(xs.map((v) => [v]), [0.3]), crpsSample(xs, 0.3), 1e-12);
    // two points (0,0) and (3,4) against y = (0,0): (0 + 5)/2 − (5 + 5)/(2·4) = 1.25
    expectRel(energyScore([[0, 0], [3, 4]], [0, 0]), 1.25, 1e-14);
  });
});

describe('backtestMulti', () => {
  it('VAR: one fit on the rows before the first window, each window from the applied model, scores from its seeded paths', async () => {
    const H = 4, W = 3, P = 50, seed = 2;
    const bt = await backtestMulti(DATA, { models: ['var'], horizon: H, windows: W, paths: P, seed });
    const n = DATA.columns[0].length;
    expect(bt.origins).toEqual([n - 12, n - 8, n - 4]);
    const rows = (end: number) => ({ names: NAMES, columns: DATA.columns.map((c) => c.slice(0, end)) });
    const fit = fitVAR(rows(bt.origins[0]), { ic: 'aic' });
    let qlNum = 0, abs = 0, energy = 0;
    const perTau = new Float64Array(19);
    bt.origins.forEach((o, k) => {
      const draws = fit.apply(rows(o)).sample(H, { paths: P, rng: createRng(seed + 7919 * k) });
      const ySum = Array.from({ length: H }, (_, s) => NAMES.reduce((a, _n, j) => a + DATA.columns[j][o + s], 0));
      const sums = Array.from({ length: H }, (_, s) => Float64Array.from(draws, (p) => p[s].reduce((a, b) => a + b, 0)).sort());
      CRPS_QUANTILES.forEach((tau, q) => { perTau[q] += quantileLoss(ySum, sums.map((c) => quantileSorted(c, tau)), tau); });
      abs += ySum.reduce((a, v) => a + Math.abs(v), 0);
      const flat = (rowsOf: ArrayLike<number>[]) => rowsOf.flatMap((r) => Array.from(r));
      energy += energyScore(draws.map((p) => flat(p)), flat(Array.from({ length: H }, (_, s) => NAMES.map((_n, j) => DATA.columns[j][o + s]))));
    });
    qlNum = perTau.reduce((a, v) => a + v / abs, 0) / 19;
    const [r] = bt.results;
    expectRel(r.crpsSum, qlNum, 1e-12, 0, 'CRPS-sum');
    expectRel(r.energy, energy / W, 1e-12, 0, 'energy');
    expect(r.coverage80).toBeGreaterThan(0);
    expect(r.coverage90).toBeGreaterThanOrEqual(r.coverage80);
  });

  it('a model of one series is fitted to each column, its paths drawn with seed + column', async () => {
    const H = 4, P = 40;
    const bt = await backtestMulti(DATA, { models: ['seasonal-naive'], horizon: H, paths: P, seed: 5, seasonalPeriod: 4 });
    const o = bt.origins[0];
    const per = DATA.columns.map((c, j) => fitSeasonalNaive(c.slice(0, o), { period: 4 }).sample(H, { paths: P, rng: createRng(5 + j) }));
    const ySum = Array.from({ length: H }, (_, s) => DATA.columns.reduce((a, c) => a + c[o + s], 0));
    const sums = Array.from({ length: H }, (_, s) => Float64Array.from({ length: P }, (_, i) => per.reduce((a, p) => a + p[i][s], 0)).sort());
    const abs = ySum.reduce((a, v) => a + Math.abs(v), 0);
    const crpsSum = CRPS_QUANTILES.reduce((a, tau) => a + quantileLoss(ySum, sums.map((c) => quantileSorted(c, tau)), tau) / abs, 0) / 19;
    expectRel(bt.results[0].crpsSum, crpsSum, 1e-12);
  });

  it('is repeatable from its seed', async () => {
    const a = await backtestMulti(DATA, { models: ['lasso-var'], horizon: 4, windows: 2, paths: 30, seed: 9 });
    const b = await backtestMulti(DATA, { models: ['lasso-var'], horizon: 4, windows: 2, paths: 30, seed: 9 });
    expect({ ...a.results[0], fitSeconds: 0, forecastSeconds: 0 }).toEqual({ ...b.results[0], fitSeconds: 0, forecastSeconds: 0 });
  });

  it('bad input: typed errors naming the option, before any fit', async () => {
    const err = async (o: Parameters<typeof backtestMulti>[1], data = DATA) => {
      try { await backtestMulti(data, o); } catch (e) { return e as ArgumentError; }
      throw new Error('expected an error');
    };
    expect((await err({ models: ['var'], horizon: 50, windows: 5 })).argument).toBe('windows');
    expect((await err({ models: ['var'], horizon: 0 })).argument).toBe('horizon');
    expect((await err({ models: ['nope'], horizon: 4 })).argument).toBe('models');
    expect((await err({ models: ['ols'], horizon: 4 })).argument).toBe('models');
    expect((await err({ models: ['var'], horizon: 4, paths: 1 })).argument).toBe('paths');
    const empty = await err({ models: ['var'], horizon: 4 }, { names: [], columns: [] });
    expect(empty).toBeInstanceOf(DataError);
    expect(empty.message).toMatch(/D = 0/);
  });
});

describe('ardiff backtest --columns', () => {
  it('--json prints {horizon, windows, results: [{model, crpsSum, wql, energy, coverage80, coverage90, fitSeconds}]}', async () => {
    const { code, json } = await runCliJson(['backtest', '--data', 'macrodata', '--columns', NAMES.join(','), '--transform', 'dlog',
      '--models', 'var,seasonal-naive', '--horizon', '4', '--windows', '2', '--paths', '30', '--seed', '1']);
    expect(code).toBe(0);
    expect(json.horizon).toBe(4);
    expect(json.windows).toBe(2);
    const results = json.results as Record<string, unknown>[];
    expect(results.map((r) => r.model)).toEqual(['var', 'seasonal-naive']);
    for (const r of results) {
      expect(Object.keys(r).sort()).toEqual(['coverage80', 'coverage90', 'crpsSum', 'energy', 'fitSeconds', 'model', 'wql']);
      for (const k of ['crpsSum', 'wql', 'energy', 'coverage80', 'coverage90', 'fitSeconds']) expect(Number.isFinite(r[k])).toBe(true);
    }
  });

  it('the issue\'s command: var, timegrad, deepar-gru and seasonal naive with --context, --epochs, --paths and --seed; the context reaches the neural models', async () => {
    const args = ['backtest', '--data', 'macrodata', '--columns', NAMES.join(','), '--transform', 'dlog', '--models', 'var,timegrad,deepar-gru,seasonal-naive',
      '--horizon', '4', '--windows', '2', '--context', '8', '--epochs', '1', '--paths', '20', '--seed', '3', '--json'];
    const { code, json } = await runCliJson(args);
    expect(code).toBe(0);
    expect([json.horizon, json.windows]).toEqual([4, 2]);
    const results = json.results as Record<string, unknown>[];
    expect(results.map((r) => r.model)).toEqual(['var', 'timegrad', 'deepar-gru', 'seasonal-naive']);
    for (const r of results) for (const k of ['crpsSum', 'wql', 'energy', 'coverage80', 'coverage90', 'fitSeconds']) expect(Number.isFinite(r[k]), `${String(r.model)} ${k}`).toBe(true);
    const { backtestModelOptions } = await import('../src/backtest.js');
    const { findModel } = await import('../src/registry.js');
    expect(findModel('timegrad').backtestOptions!({ seasonalPeriod: 4, context: 8 })).toMatchObject({ contextLength: 8 });
    expect(backtestModelOptions('gru', { seasonalPeriod: 4, context: 8 })).toMatchObject({ contextLength: 8 });
    const bad = await runCliJson([...args.slice(0, -9), '--context', '0', '--json']);
    expect(bad.code).toBe(2);
    expect((bad.json.error as { argument: string }).argument).toBe('--context');
  });

  it('a table by default; typed errors with exit 2', async () => {
    const r = await runCli(['backtest', '--data', 'macrodata', '--columns', 'realgdp,realcons', '--transform', 'dlog', '--models', 'var', '--horizon', '4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CRPS-sum +wQL +energy/);
    const bad = await runCliJson(['backtest', '--data', 'macrodata', '--columns', 'realgdp,realcons', '--models', 'var', '--horizon', '100', '--windows', '3']);
    expect(bad.code).toBe(2);
    expect((bad.json.error as { argument: string }).argument).toBe('--windows');
    const both = await runCliJson(['backtest', '--data', 'macrodata', '--column', 'realgdp', '--columns', 'realgdp,realcons', '--models', 'var', '--horizon', '4']);
    expect(both.code).toBe(2);
  });
});
