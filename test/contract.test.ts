// The contracts every registered model must meet, one suite per data shape, iterating the registry
// so no model escapes them: shapes, JSON round trip through the root fromJSON, seeded sampling,
// the sample mean against a value computed independently of the sampler, documented option
// defaults equal to the actual defaults, and a summary without NaN.
import { describe, it, expect, beforeAll } from 'vitest';
import { MODELS, modelsOf, fromJSON, type ModelJSON } from '../src/registry.js';
import { createRng } from '../src/core/rng.js';
import { numericColumn, columnExpression, applyTransform, findDataset, transformColumns } from '../src/core/series.js';
import { readTable, dataPath } from '../src/node/data.js';
import type { Forecaster, MultiForecaster } from '../src/core/model.js';
import type { FittedRegression, ModelEntry, MultiSeriesData, SpatialData } from '../src/core/model-entry.js';
import { optionSpecs } from '../src/core/model-entry.js';
import { GaussianForecast, SampleForecast } from '../src/core/forecast.js';
import { GaussianMultiForecast, SampleMultiForecast } from '../src/core/multi-forecast.js';

const H = 12;
const PATHS = 4000;

/** Mean and sd of step h over paths. */
function stats(values: readonly number[]): { m: number; sd: number } {
  let m = 0, v = 0;
  for (const x of values) m += x;
  m /= values.length;
  for (const x of values) v += (x - m) ** 2;
  return { m, sd: Math.sqrt(v / (values.length - 1)) };
}

/**
 * The exact one-step predictive mean of a simulation-based model, computed without its sampler:
 * the conjugate posterior predictive (bayes-ar), the noise-free skeleton (lstar, nar: the shock
 * is additive with mean zero), the network's head (lstm, gru). A sample-based model without an
 * entry here fails the contract: add its independent value.
 */
const ONE_STEP_MEAN: Record<string, (fit: Forecaster) => number> = {
  'bayes-ar': (f) => (f as unknown as { oneStep(): { location: number } }).oneStep().location,
  lstar: (f) => (f as unknown as { skeleton(h: number): Float64Array }).skeleton(1)[0],
  nar: (f) => (f as unknown as { skeleton(h: number): Float64Array }).skeleton(1)[0],
  lstm: (f) => (f as unknown as { oneStep(): Record<string, number> }).oneStep().mu,
  gru: (f) => (f as unknown as { oneStep(): Record<string, number> }).oneStep().mu,
};

/** JSON without wall-clock fields (a neural model records its training time). */
function timeless(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json, (k, v: unknown) => (k === 'seconds' ? undefined : v)));
}

/** The example options with every option equal to its documented default left out. */
function withoutDefaults(entry: ModelEntry, options: unknown): Record<string, unknown> {
  const specs = new Map(optionSpecs(entry.options).map((s) => [s.name, s]));
  return Object.fromEntries(Object.entries(options as Record<string, unknown>).filter(([k, v]) => {
    const d = specs.get(k)?.default;
    return d === undefined || JSON.stringify(d) !== JSON.stringify(v);
  }));
}

it('the registry has models of every data shape, with unique names', () => {
  expect(modelsOf('series').length).toBeGreaterThanOrEqual(10);
  expect(modelsOf('multiseries').length).toBeGreaterThanOrEqual(3);
  expect(modelsOf('regression').length).toBeGreaterThanOrEqual(1);
  expect(modelsOf('spatial').length).toBeGreaterThanOrEqual(2);
  expect(new Set(MODELS.map((m) => m.name)).size).toBe(MODELS.length);
});

describe.each(modelsOf('series').map((m) => [m.name, m] as const))('contract (one series): %s', (_name, entry) => {
  const ds = findDataset(entry.example.dataset)!;
  const raw = numericColumn(readTable(ds.name), ds.column);
  const y = entry.example.transform === 'dlog' ? transformColumns([raw], [ds.column], 'dlog')[0] : applyTransform(raw, entry.example.transform ?? 'none');
  let fit: Forecaster;
  beforeAll(async () => {
    await entry.prepare?.();
    fit = entry.fit(y, entry.options.parse(entry.example.options));
  });

  it('fits to the kind it declares', () => {
    expect(fit.kind).toBe(entry.producesKind);
    expect(fit.toJSON().kind).toBe(entry.producesKind);
  });

  it('documents its option defaults: leaving them out fits the same model', () => {
    const again = entry.fit(y, withoutDefaults(entry, entry.example.options));
    expect(timeless(again.toJSON())).toEqual(timeless(fit.toJSON()));
    (again as { dispose?: () => void }).dispose?.();
  });

  it('forecasts h steps with ordered, finite intervals', () => {
    const fc = fit.forecast(H);
    expect(fc.horizon).toBe(H);
    const mean = fc.mean();
    expect(mean.length).toBe(H);
    const i80 = fc.interval(80), i95 = fc.interval(95);
    for (let h = 0; h < H; h++) {
      expect(Number.isFinite(mean[h])).toBe(true);
      expect(i95.lower[h]).toBeLessThan(i80.lower[h]);
      expect(i80.lower[h]).toBeLessThan(mean[h]);
      expect(mean[h]).toBeLessThan(i80.upper[h]);
      expect(i80.upper[h]).toBeLessThan(i95.upper[h]);
    }
    const median = fc.quantile(0.5);
    if (fc instanceof GaussianForecast) expect(median).toEqual(mean);
    else for (let h = 0; h < H; h++) expect(median[h] > i80.lower[h] && median[h] < i80.upper[h]).toBe(true);
  });

  it('restores from the root fromJSON with identical forecasts and samples', () => {
    const restored = fromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as ModelJSON) as Forecaster;
    expect(restored.kind).toBe(fit.kind);
    expect(restored.forecast(H).toJSON([80, 95])).toEqual(fit.forecast(H).toJSON([80, 95]));
    expect(restored.sample(H, { paths: 5, rng: createRng(3) })).toEqual(fit.sample(H, { paths: 5, rng: createRng(3) }));
    expect(restored.summary()).toBe(fit.summary());
  });

  it('applies to another history without refitting: the same history gives the same forecasts, a longer one moves the origin', () => {
    expect(typeof fit.apply).toBe('function');
    const same = fit.apply!(y);
    expect(same.forecast(H).toJSON([80, 95])).toEqual(fit.forecast(H).toJSON([80, 95]));
    const shorter = fit.apply!(y.slice(0, y.length - 3));
    const ahead = shorter.sample(H, { paths: 3, rng: createRng(1) });
    expect(ahead.length).toBe(3);
    expect(ahead[0].length).toBe(H);
    expect(shorter.forecast(H).toJSON([80])).not.toEqual(fit.forecast(H).toJSON([80]));
    for (const m of [same, shorter]) if (m !== fit) (m as { dispose?: () => void }).dispose?.();
  });

  it('samples deterministically from a seed', () => {
    const a = fit.sample(H, { paths: 20, rng: createRng(42) });
    const b = fit.sample(H, { paths: 20, rng: createRng(42) });
    const c = fit.sample(H, { paths: 20, rng: createRng(43) });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBe(20);
    expect(a[0].length).toBe(H);
  });

  it('sample paths have the predictive mean and spread, checked against values independent of the sampler', () => {
    const fc = fit.forecast(H);
    const paths = fit.sample(H, { paths: PATHS, rng: createRng(7) });
    if (fc instanceof GaussianForecast) {
      // Closed-form mean and se (a recursion, not the simulator): mean within 4 Monte Carlo
      // standard errors, spread within 6% (4000 paths: the sd of a sample sd is ≈ 1.1%).
      for (let h = 0; h < H; h++) {
        const s = stats(paths.map((p) => p[h]));
        const se = fc.se[h];
        expect(Math.abs(s.m - fc.mean()[h])).toBeLessThan((4 * se) / Math.sqrt(PATHS));
        expect(Math.abs(s.sd / se - 1)).toBeLessThan(0.06);
      }
      return;
    }
    expect(fc).toBeInstanceOf(SampleForecast);
    // 1. The one-step mean against its exact value computed without the sampler.
    const exact = ONE_STEP_MEAN[entry.name];
    expect(exact, `${entry.name}: add an independent one-step mean to ONE_STEP_MEAN`).toBeDefined();
    const s1 = stats(paths.map((p) => p[0]));
    expect(Math.abs(s1.m - exact(fit))).toBeLessThan((4 * s1.sd) / Math.sqrt(PATHS));
    // 2. Every step: the forecast's own paths and an independent draw agree within Monte Carlo
    // error (two samples: √2 × 4 standard errors; spreads within 8%).
    const own = (fc as SampleForecast).paths;
    for (let h = 0; h < H; h++) {
      const s = stats(paths.map((p) => p[h])), r = stats(own.map((p) => p[h]));
      expect(Math.abs(s.m - r.m)).toBeLessThan(4 * Math.SQRT2 * s.sd / Math.sqrt(Math.min(own.length, PATHS)));
      expect(Math.abs(s.sd / r.sd - 1)).toBeLessThan(0.08);
    }
  });

  it('prints a summary without NaN', () => {
    const s = fit.summary();
    expect(s.length).toBeGreaterThan(100);
    expect(s).not.toMatch(/NaN/);
  });
});

describe.each(modelsOf('multiseries').map((m) => [m.name, m] as const))('contract (several series): %s', (_name, entry) => {
  const ds = findDataset(entry.example.dataset)!;
  const table = readTable(ds.name);
  const names = entry.example.columns.slice();
  const data: MultiSeriesData = { names, columns: transformColumns(names.map((n) => numericColumn(table, n)), names, entry.example.transform ?? 'none') };
  const D = names.length;
  let fit: MultiForecaster;
  beforeAll(async () => {
    await entry.prepare?.();
    fit = entry.fit(data, entry.options.parse(entry.example.options));
  });

  it('fits to the kind it declares, with the column names', () => {
    expect(fit.kind).toBe(entry.producesKind);
    expect(fit.toJSON().kind).toBe(entry.producesKind);
    expect(fit.names).toEqual(names);
  });

  it('documents its option defaults: leaving them out fits the same model', () => {
    const again = entry.fit(data, withoutDefaults(entry, entry.example.options));
    expect(timeless(again.toJSON())).toEqual(timeless(fit.toJSON()));
    (again as { dispose?: () => void }).dispose?.();
  });

  it('forecasts h × D with ordered, finite marginal intervals and per-column forecasts', () => {
    const fc = fit.forecast(H);
    expect(fc.horizon).toBe(H);
    expect(fc.names).toEqual(names);
    const mean = fc.mean();
    expect(mean.length).toBe(H);
    const i80 = fc.interval(80), i95 = fc.interval(95);
    for (let h = 0; h < H; h++) {
      expect(mean[h].length).toBe(D);
      for (let j = 0; j < D; j++) {
        expect(Number.isFinite(mean[h][j])).toBe(true);
        expect(i95.lower[h][j]).toBeLessThan(i80.lower[h][j]);
        expect(i80.lower[h][j]).toBeLessThan(mean[h][j]);
        expect(mean[h][j]).toBeLessThan(i80.upper[h][j]);
        expect(i80.upper[h][j]).toBeLessThan(i95.upper[h][j]);
      }
    }
    names.forEach((n, j) => {
      const col = fc.column(n);
      expect(Array.from(col.mean())).toEqual(mean.map((r) => r[j]));
      expect(Array.from(col.quantile(0.9))).toEqual(fc.quantile(0.9).map((r) => r[j]));
    });
    const json = fc.toJSON([90]);
    expect(json.names).toEqual(names);
    expect(json.lower[0].length).toBe(H);
    expect(json.lower[0][0].length).toBe(D);
  });

  it('restores from the root fromJSON with identical forecasts and samples', () => {
    const restored = fromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as ModelJSON) as MultiForecaster;
    expect(restored.kind).toBe(fit.kind);
    expect(restored.names).toEqual(fit.names);
    expect(restored.forecast(H).toJSON([80, 95])).toEqual(fit.forecast(H).toJSON([80, 95]));
    expect(restored.sample(H, { paths: 5, rng: createRng(3) })).toEqual(fit.sample(H, { paths: 5, rng: createRng(3) }));
    expect(restored.summary()).toBe(fit.summary());
  });

  it('applies to another history without refitting: the same history gives the same forecasts, a longer one moves the origin', () => {
    expect(typeof fit.apply).toBe('function');
    const same = fit.apply!(data);
    expect(same.forecast(H).toJSON([80, 95])).toEqual(fit.forecast(H).toJSON([80, 95]));
    const shorter = fit.apply!({ names, columns: data.columns.map((c) => c.slice(0, c.length - 3)) });
    expect(shorter.forecast(H).toJSON([80])).not.toEqual(fit.forecast(H).toJSON([80]));
    for (const m of [same, shorter]) if (m !== fit) (m as { dispose?: () => void }).dispose?.();
  });

  it('samples paths × h × D deterministically from a seed', () => {
    const a = fit.sample(H, { paths: 20, rng: createRng(42) });
    expect(a).toEqual(fit.sample(H, { paths: 20, rng: createRng(42) }));
    expect(a).not.toEqual(fit.sample(H, { paths: 20, rng: createRng(43) }));
    expect(a.length).toBe(20);
    expect(a[0].length).toBe(H);
    expect(a[0][0].length).toBe(D);
  });

  it('sample paths have the predictive mean and spread: the closed form (recursion and MSE matrices), or the forecast\'s own paths', () => {
    const fc = fit.forecast(H);
    if (fc instanceof GaussianMultiForecast) {
      const paths = fit.sample(H, { paths: PATHS, rng: createRng(7) });
      for (let h = 0; h < H; h++) {
        for (let j = 0; j < D; j++) {
          const s = stats(paths.map((p) => p[h][j]));
          const se = fc.se[h][j];
          expect(Math.abs(s.m - fc.mean()[h][j])).toBeLessThan((4 * se) / Math.sqrt(PATHS));
          expect(Math.abs(s.sd / se - 1)).toBeLessThan(0.06);
        }
      }
      return;
    }
    // A diffusion model has no closed form: its sampler is checked against exact moments with an
    // analytic denoiser in its own suite; here the forecast's paths and an independent draw agree
    // within Monte Carlo error (√2 × 4 standard errors; spreads within 25% at this sample size).
    expect(fc).toBeInstanceOf(SampleMultiForecast);
    const own = (fc as SampleMultiForecast).paths;
    const n = 400;
    const paths = fit.sample(H, { paths: n, rng: createRng(7) });
    for (let h = 0; h < H; h++) {
      for (let j = 0; j < D; j++) {
        const s = stats(paths.map((p) => p[h][j])), r = stats(own.map((p) => p[h][j]));
        expect(Math.abs(s.m - r.m)).toBeLessThan(4 * Math.SQRT2 * s.sd / Math.sqrt(Math.min(own.length, n)));
        expect(Math.abs(s.sd / r.sd - 1)).toBeLessThan(0.25);
      }
    }
  });

  it('prints a summary without NaN', () => {
    const s = fit.summary();
    expect(s.length).toBeGreaterThan(100);
    expect(s).not.toMatch(/NaN/);
  });
});

const tableModels = [...modelsOf('regression'), ...modelsOf('spatial')];
describe.each(tableModels.map((m) => [m.name, m] as const))('contract (regression table): %s', (_name, entry) => {
  const ex = entry.example;
  const table = readTable(dataPath(ex.file));
  const X = Object.fromEntries(ex.x.map((c) => [c, columnExpression(table, c)]));
  const reg = { y: columnExpression(table, ex.y), yName: ex.y, X };
  let fit: FittedRegression;
  beforeAll(() => {
    if (entry.shape === 'spatial') {
      const edges = readTable(dataPath(ex.edges!));
      const from = numericColumn(edges, 'from'), to = numericColumn(edges, 'to');
      const data: SpatialData = { ...reg, edges: Array.from(from, (f, i) => [f, to[i]] as const), ids: numericColumn(table, 'id') };
      fit = entry.fit(data, entry.options.parse(ex.options));
    } else {
      fit = entry.fit(reg, entry.options.parse(ex.options));
    }
  });

  it('fits to the kind it declares and restores from the root fromJSON', () => {
    expect(fit.kind).toBe(entry.producesKind);
    const restored = fromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as ModelJSON) as FittedRegression;
    expect(restored.kind).toBe(fit.kind);
    expect(restored.toJSON()).toEqual(fit.toJSON());
    expect(restored.summary()).toBe(fit.summary());
    expect(fit.summary()).not.toMatch(/NaN/);
  });
});
