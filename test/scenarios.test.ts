// The diffusion generator of return scenarios: the scales and states it conditions on against a
// recomputation by hand, what it learns on simulated returns with a known conditional
// distribution (regimes of volatility), seeds, JSON, apply, the volatility-model hook and typed
// errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine } from '../src/neural/engine/index.js';
import { fitScenarioDiffusion, scenarioDiffusionFromJSON, resolveScenarioSettings, type ScenarioDiffusion, type VolatilityModelFactory } from '../src/hybrid/scenarios.js';
import { createRng } from '../src/core/rng.js';
import { scenarioRiskModel } from '../src/hybrid/scenario-risk.js';
import { riskBacktest } from '../src/risk/backtest.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliJson } from './cli-helpers.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

/** Returns σ_t·ε_t with ε ~ N(0, 1) and σ_t alternating between 0.5 and 2 every 120 days. */
function regimes(n: number, seed: number): { r: Float64Array; sigma: Float64Array } {
  const rng = createRng(seed);
  const sigma = Float64Array.from({ length: n }, (_, t) => (Math.floor(t / 120) % 2 === 0 ? 0.5 : 2));
  return { r: Float64Array.from(sigma, (s) => s * rng.normal()), sigma };
}

const SMALL = { window: 5, steps: 400, batchSize: 64, diffusionSteps: 20, residualLayers: 2, residualChannels: 8, paths: 200, seed: 3 } as const;

let gen: ScenarioDiffusion;
const { r, sigma } = regimes(1440, 1);

beforeAll(async () => {
  await initEngine();
  gen = fitScenarioDiffusion(r, SMALL);
});

const rmsBefore = (t: number) => { let s = 0; for (let i = t - 22; i < t; i++) s += r[i] ** 2; return Math.sqrt(s / 22); };
const sd = (v: ArrayLike<number>) => { let m = 0, s = 0; for (const x of Array.from(v)) m += x / v.length; for (const x of Array.from(v)) s += (x - m) ** 2 / v.length; return Math.sqrt(s); };

describe('what the generator conditions on', () => {
  it('scales the window by the RMS of the last longDays returns', () => {
    const s = gen.scenarios({ paths: 2, rng: createRng(1) });
    let ss = 0;
    for (let i = r.length - 22; i < r.length; i++) ss += r[i] * r[i];
    const want = Math.sqrt(ss / 22);
    expect(s.scales.length).toBe(5);
    for (const v of s.scales) expect(Math.abs(v / want - 1)).toBeLessThan(1e-12);
  });

  it('uses a volatility model\'s h-step standard deviations when volatility is garch', () => {
    // A volatility model with a known forecast: σ_{t+h} = (h + 1)·RMS of the last 5 returns.
    const calls: number[] = [];
    const factory: VolatilityModelFactory = {
      fit: () => ({ label: 'test', toJSON: () => ({}), sdForecast: (hist, L) => { calls.push(hist.length); let s = 0; for (let i = hist.length - 5; i < hist.length; i++) s += hist[i] ** 2; return Float64Array.from({ length: L }, (_, h) => (h + 1) * Math.sqrt(s / 5)); } }),
      fromJSON: () => { throw new Error('unused'); },
    };
    const g = fitScenarioDiffusion(r, { ...SMALL, steps: 2, volatility: 'garch', volatilityModel: factory });
    const s = g.scenarios({ paths: 1, rng: createRng(1) });
    let ss = 0;
    for (let i = r.length - 5; i < r.length; i++) ss += r[i] ** 2;
    for (let h = 0; h < 5; h++) expect(s.scales[h]).toBeCloseTo((h + 1) * Math.sqrt(ss / 5), 12);
    expect(calls.at(-1)).toBe(r.length); // the whole history, nothing after it
    expect(calls[0]).toBe(22); // the first training origin sees longDays returns
    g.dispose();
  });
});

describe('learning a known conditional distribution (volatility regimes 0.5 and 2)', () => {
  it('draws windows with the regime\'s volatility at origins in calm and in turbulent regimes', () => {
    // Origins 40 days into a regime: the last 22 returns are all of that regime.
    const calm = [280, 520, 760], wild = [160, 400, 640];
    for (const t of calm) expect([sigma[t - 22], sigma[t + 4]]).toEqual([0.5, 0.5]);
    for (const t of wild) expect([sigma[t - 22], sigma[t + 4]]).toEqual([2, 2]);
    const at = gen.scenariosAt([r], [...calm, ...wild], { paths: 300, rng: createRng(5) });
    const sds = at.map((rows) => sd(rows.flatMap((row) => Array.from(row))));
    const scales = [...calm, ...wild].map(rmsBefore);
    // Within a regime r/s has sd ≈ √(1 + 2/22) ≈ 1.045 (s, the RMS of 22 returns, is itself an
    // estimate): the generated sd is the scale times that, within 20% for 300 paths of 5 days.
    for (let i = 0; i < 6; i++) {
      expect(sds[i] / scales[i]).toBeGreaterThan(0.85);
      expect(sds[i] / scales[i]).toBeLessThan(1.25);
    }
    // Pooled over the three origins of each regime, the ratio is the regimes' 4 within 25%.
    const ratio = (sds[3] + sds[4] + sds[5]) / (sds[0] + sds[1] + sds[2]);
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5);
  });

  it('has the data\'s marginal spread and near-zero mean in its distribution checks', () => {
    const c = gen.checks({ paths: 10, rng: createRng(8) });
    expect(c.assets.length).toBe(1);
    const { data, diffusion, gaussian } = c.assets[0];
    expect(Math.abs(diffusion.sd / data.sd - 1)).toBeLessThan(0.2);
    expect(Math.abs(gaussian.sd / data.sd - 1)).toBeLessThan(0.2);
    expect(Math.abs(diffusion.mean)).toBeLessThan(0.1);
    expect(c.correlation.diffusion[0][0]).toBeCloseTo(1, 12);
  });
});

describe('seeds, JSON and apply', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = gen.scenarios({ paths: 4, rng: createRng(11) }).paths, b = gen.scenarios({ paths: 4, rng: createRng(11) }).paths, c = gen.scenarios({ paths: 4, rng: createRng(12) }).paths;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const row of a) expect(row.every(Number.isFinite)).toBe(true);
  });

  it('restores from JSON with identical scenarios; apply moves the origin', () => {
    const back = scenarioDiffusionFromJSON(JSON.parse(JSON.stringify(gen.toJSON())));
    expect(back.scenarios({ paths: 3, rng: createRng(2) })).toEqual(gen.scenarios({ paths: 3, rng: createRng(2) }));
    expect(back.summary()).toBe(gen.summary());
    const same = gen.apply(r), shorter = gen.apply(r.subarray(0, r.length - 100));
    expect(same.scenarios({ paths: 3, rng: createRng(2) })).toEqual(gen.scenarios({ paths: 3, rng: createRng(2) }));
    expect(shorter.scenarios({ paths: 3, rng: createRng(2) }).scales).not.toEqual(gen.scenarios({ paths: 3, rng: createRng(2) }).scales);
    for (const m of [back, same, shorter]) m.dispose();
  });

  it('forecasts up to its window as a one-series model', () => {
    const fc = gen.forecast(3, { paths: 50 });
    expect(fc.horizon).toBe(3);
    const i = fc.interval(90);
    for (let h = 0; h < 3; h++) expect(i.lower[h]).toBeLessThan(i.upper[h]);
    expect(() => gen.forecast(6)).toThrow(ArgumentError);
    expect(gen.sample(2, { paths: 7, rng: createRng(1) }).length).toBe(7);
  });
});

describe('bad input gets a typed error', () => {
  it('rejects bad options, gaps, zero volatility and too little data', () => {
    expect(() => resolveScenarioSettings({ window: 1 })).toThrow(ArgumentError);
    expect(() => resolveScenarioSettings({ volatility: 'ewma' as never })).toThrow(ArgumentError);
    expect(() => resolveScenarioSettings({ shortDays: 30, longDays: 22 })).toThrow(ArgumentError);
    expect(() => resolveScenarioSettings({ sampler: 'euler' as never })).toThrow(ArgumentError);
    expect(() => resolveScenarioSettings({ samplerSteps: 500 })).toThrow(ArgumentError);
    const gap = r.slice(); gap[50] = NaN;
    expect(() => fitScenarioDiffusion(gap, SMALL)).toThrow(DataError);
    const flat = r.slice(); flat.fill(0, 300, 330);
    expect(() => fitScenarioDiffusion(flat, SMALL)).toThrow(/volatility is zero/);
    expect(() => fitScenarioDiffusion(r.subarray(0, 100), SMALL)).toThrow(DataError);
    expect(() => gen.scenariosAt([r], [10])).toThrow(ArgumentError);
    expect(() => gen.scenarios({}, [r, r])).toThrow(DataError);
    expect(() => scenarioDiffusionFromJSON({ ...gen.toJSON(), version: 99 })).toThrow(DataError);
    expect(() => scenarioDiffusionFromJSON({ ...gen.toJSON(), featureSd: [NaN, 1, 1] })).toThrow(DataError);
  });

  it('asks for a volatility model when volatility is garch and none is registered', () => {
    expect(() => fitScenarioDiffusion(r, { ...SMALL, steps: 1, volatility: 'garch' })).toThrow(/volatility model/);
  });
});

describe('options are checked by name', () => {
  it('an unknown option is an ArgumentError naming it', () => {
    expect(() => resolveScenarioSettings({ windw: 5 } as never)).toThrow(ArgumentError);
    try { resolveScenarioSettings({ windw: 5 } as never); } catch (e) { expect((e as ArgumentError).argument).toBe('windw'); }
  });
});

describe('as a model of the risk backtest', () => {
  it('is fitted once and draws every test day in one batch; its VaR follows the volatility regime', async () => {
    const model = scenarioRiskModel('diffusion', { ...SMALL, steps: 150 });
    const bt = await riskBacktest(r.subarray(0, 600), { models: [model], window: 400, levels: [0.05], paths: 100, sims: 20, seed: 2 });
    const res = bt.results[0];
    expect(res.refits).toBe(1);
    expect(res.method).toBe('sample');
    const v = res.levels[0].var; // day k forecasts return 400 + k
    const avg = (from: number, to: number) => { let s = 0; for (let k = from; k < to; k++) s += v[k]; return s / (to - from); };
    // Days 400–479 lie in a regime of sd 2, days 502–599 (22 days after the switch) in one of sd 0.5.
    expect(avg(0, 80) / avg(102, 200)).toBeGreaterThan(2.5);
    expect(avg(0, 80)).toBeGreaterThan(1.645 * 2 * 0.7);
    expect(avg(0, 80)).toBeLessThan(1.645 * 2 * 1.4);
  });
});

describe('ardiff risk --models diffusion', () => {
  it('runs the generator beside historical simulation; a misspelt generator option names --model-options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-scen-'));
    const file = join(dir, 'r.csv');
    writeFileSync(file, `r\n${Array.from(r.subarray(0, 480)).join('\n')}\n`);
    const small = JSON.stringify({ diffusion: { window: 3, steps: 20, batchSize: 32, diffusionSteps: 10, residualLayers: 1, residualChannels: 4 } });
    const { code, json } = await runCliJson(['risk', '--data', file, '--column', 'r', '--models', 'historical,diffusion', '--window', '400', '--levels', '5', '--paths', '50', '--sims', '20', '--model-options', small, '--json']);
    expect(code).toBe(0);
    const results = json.results as { model: string; refits: number; method: string; levels: { exceedances: number }[] }[];
    expect(results.map((x) => [x.model, x.refits, x.method])).toEqual([['historical', 2, 'sample'], ['diffusion', 1, 'sample']]);
    expect(results[1].levels[0].exceedances).toBeGreaterThanOrEqual(0);
    const bad = await runCliJson(['risk', '--data', file, '--column', 'r', '--models', 'diffusion', '--window', '400', '--model-options', '{"diffusion":{"windw":3}}', '--json']);
    expect(bad.code).toBe(2);
    expect((bad.json.error as { argument: string }).argument).toBe('--model-options');
  });
});

describe('size limits', () => {
  it('a window whose denoiser cannot fit in memory is refused before training', () => {
    const long = Float64Array.from({ length: 20000 }, (_, i) => Math.sin(i) + 0.1 * Math.cos(3 * i));
    expect(() => fitScenarioDiffusion(long, { window: 5000, steps: 1 })).toThrow(/memory limit/);
  });
});
