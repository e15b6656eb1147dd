// The shared contract every registered model must meet: shapes, JSON round trip, seeded
// sampling, sample mean ≈ analytic mean, and sample spread ≈ analytic standard error.
import { describe, it, expect } from 'vitest';
import { MODELS, fromJSON, type ModelJSON } from '../src/registry.js';
import { createRng } from '../src/core/rng.js';
import { readTable, numericColumn, applyTransform, findDataset } from '../src/core/series.js';
import type { Forecaster } from '../src/core/model.js';

const H = 12;
const PATHS = 4000;

describe.each(MODELS.map((m) => [m.name, m] as const))('contract: %s', (_name, entry) => {
  const ds = findDataset(entry.example.dataset)!;
  const y = applyTransform(numericColumn(readTable(ds.name), ds.column), entry.example.transform ?? 'none');
  // The registry's entries have different option types; each is fitted with its own example.
  const fit = (entry.fit as (y: ArrayLike<number>, o: unknown) => Forecaster)(y, entry.example.options);

  it('fits to the kind it declares', () => {
    expect(fit.kind).toBe(entry.producesKind);
    expect(fit.toJSON().kind).toBe(entry.producesKind);
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
    expect(fc.quantile(0.5)).toEqual(mean);
  });

  it('restores from JSON with identical forecasts and samples', () => {
    const restored = fromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as ModelJSON);
    expect(restored.kind).toBe(fit.kind);
    expect(restored.forecast(H).toJSON([80, 95])).toEqual(fit.forecast(H).toJSON([80, 95]));
    expect(restored.sample(H, { paths: 5, rng: createRng(3) })).toEqual(fit.sample(H, { paths: 5, rng: createRng(3) }));
    expect(restored.summary()).toBe(fit.summary());
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

  it('sample paths have the analytic mean and standard error', () => {
    const fc = fit.forecast(H);
    const mean = fc.mean();
    const se = Float64Array.from({ length: H }, (_, h) => (fc.quantile(0.975)[h] - mean[h]) / 1.959963984540054);
    const paths = fit.sample(H, { paths: PATHS, rng: createRng(7) });
    for (let h = 0; h < H; h++) {
      let m = 0, v = 0;
      for (const p of paths) m += p[h];
      m /= PATHS;
      for (const p of paths) v += (p[h] - m) ** 2;
      const sd = Math.sqrt(v / (PATHS - 1));
      // Mean within 4 Monte Carlo standard errors; spread within 6% (4000 paths: sd of sd ≈ 1.1%).
      expect(Math.abs(m - mean[h])).toBeLessThan((4 * se[h]) / Math.sqrt(PATHS));
      expect(Math.abs(sd / se[h] - 1)).toBeLessThan(0.06);
    }
  });

  it('prints a summary without NaN', () => {
    const s = fit.summary();
    expect(s.length).toBeGreaterThan(100);
    expect(s).not.toMatch(/NaN/);
  });
});
