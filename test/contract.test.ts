// The shared contract every registered model must meet: shapes, JSON round trip, seeded
// sampling, sample mean ≈ analytic mean, and sample spread ≈ analytic standard error.
import { describe, it, expect, beforeAll } from 'vitest';
import { MODELS, fromJSON, type ModelJSON } from '../src/registry.js';
import { createRng } from '../src/core/rng.js';
import { readTable, numericColumn, applyTransform, findDataset } from '../src/core/series.js';
import type { Forecaster } from '../src/core/model.js';
import { GaussianForecast, SampleForecast } from '../src/core/forecast.js';

const H = 12;
const PATHS = 4000;

describe.each(MODELS.map((m) => [m.name, m] as const))('contract: %s', (_name, entry) => {
  const ds = findDataset(entry.example.dataset)!;
  const y = applyTransform(numericColumn(readTable(ds.name), ds.column), entry.example.transform ?? 'none');
  // The registry's entries have different option types; each is fitted with its own example.
  let fit: Forecaster;
  beforeAll(async () => {
    await entry.prepare?.();
    fit = (entry.fit as (y: ArrayLike<number>, o: unknown) => Forecaster)(y, entry.example.options);
  });

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
    const median = fc.quantile(0.5);
    if (fc instanceof GaussianForecast) expect(median).toEqual(mean);
    else for (let h = 0; h < H; h++) expect(median[h] > i80.lower[h] && median[h] < i80.upper[h]).toBe(true);
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

  it('sample paths have the predictive mean and spread', () => {
    const fc = fit.forecast(H);
    const paths = fit.sample(H, { paths: PATHS, rng: createRng(7) });
    const stats = (ps: readonly Float64Array[], h: number) => {
      let m = 0, v = 0;
      for (const p of ps) m += p[h];
      m /= ps.length;
      for (const p of ps) v += (p[h] - m) ** 2;
      return { m, sd: Math.sqrt(v / (ps.length - 1)) };
    };
    for (let h = 0; h < H; h++) {
      const s = stats(paths, h);
      if (fc instanceof GaussianForecast) {
        // Analytic mean and se: mean within 4 Monte Carlo standard errors, spread within 6%
        // (4000 paths: the sd of a sample sd is ≈ 1.1%).
        const se = fc.se[h];
        expect(Math.abs(s.m - fc.mean()[h])).toBeLessThan((4 * se) / Math.sqrt(PATHS));
        expect(Math.abs(s.sd / se - 1)).toBeLessThan(0.06);
      } else {
        // Simulation-based forecast: its own paths and an independent draw agree within Monte
        // Carlo error (two samples: √2 × 4 standard errors; spreads within 8%).
        expect(fc).toBeInstanceOf(SampleForecast);
        const r = stats((fc as SampleForecast).paths, h);
        const n = (fc as SampleForecast).paths.length;
        expect(Math.abs(s.m - r.m)).toBeLessThan(4 * Math.SQRT2 * s.sd / Math.sqrt(Math.min(n, PATHS)));
        expect(Math.abs(s.sd / r.sd - 1)).toBeLessThan(0.08);
      }
    }
  });

  it('prints a summary without NaN', () => {
    const s = fit.summary();
    expect(s.length).toBeGreaterThan(100);
    expect(s).not.toMatch(/NaN/);
  });
});
