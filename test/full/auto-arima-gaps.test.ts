// Full tier: the gapped auto-ARIMA searches against R take ~25 s (seasonal monthly series with gaps run the exact diffuse filter in every candidate).
// auto-ARIMA on seasonal series with missing values against R forecast 8.20 (fixture r_auto_arima_gaps.json,
// scripts/r_auto_arima_gaps.R): na.interp, the seasonal strength nsdiffs tests, the orders of differencing, CSS
// and CSS-ML fits with gaps, and the orders auto.arima chooses.
import { describe, it, expect } from 'vitest';
import { fitAutoARIMA } from '../../src/classical/auto-arima.js';
import { fitARIMA } from '../../src/classical/arima.js';
import { seasonalStrength } from '../../src/classical/unit-root.js';
import { naInterp, seasonalStrengthWithGaps } from '../../src/classical/estimators/na-interp.js';
import { fixturesOfKind, loadColumn } from '../fixtures.js';

interface GapSeries {
  id: string; file: string; column: string; transform: string; frequency: number; missing_indices: number[];
  na_interp: number[]; seasonal_strength: number; seasonal_strength_joined: number; nsdiffs: number; ndiffs: number;
  auto_arima: { order: number[]; seasonal: number[]; coef_names: string[]; loglik: number };
  fits?: { order: [number, number, number]; seasonal: [number, number, number]; method: string; coef: number[]; sigma2: number; loglik: number }[];
}
const fx = fixturesOfKind('auto_arima_gaps')[0];
const series: GapSeries[] = fx.series;
const data = (s: GapSeries) => {
  const y = loadColumn(s.file, s.column, s.transform);
  for (const t of s.missing_indices) y[t] = NaN;
  return y;
};
/** Where R's own choice depends on its approximate likelihood (see the note in the last test). */
const PATH_DEPENDENT = new Set(['co2_block']);

describe('the differencing tests on a series with gaps, as R runs them', () => {
  it('covers UKgas, log AirPassengers and co2 with random and contiguous gaps', () => {
    expect(series.map((s) => s.id)).toEqual(['ukgas_lcg', 'ukgas_log_lcg', 'ukgas_rand', 'ukgas_log_rand', 'air_log_rand', 'air_log_block', 'air_log_14', 'air_14', 'co2_rand', 'co2_block']);
  });

  it.each(series.map((s) => [s.id, s] as const))('%s: na.interp at the gaps (abs 1e-8) and the seasonal strength of nsdiffs (abs 1e-8)', (_, s) => {
    const y = data(s);
    const filled = naInterp(y, s.frequency);
    s.missing_indices.forEach((t, k) => expect(Math.abs(filled[t] - s.na_interp[k]), `t=${t}`).toBeLessThan(1e-8));
    const first = y.findIndex((v) => !Number.isNaN(v));
    const x = Array.from(y.subarray(first));
    expect(Math.abs(seasonalStrengthWithGaps(x, s.frequency) - s.seasonal_strength)).toBeLessThan(1e-8);
    // The observed values joined together (the former test input) shift the seasons after every gap.
    expect(Math.abs(seasonalStrength(x.filter((v) => !Number.isNaN(v)), s.frequency) - s.seasonal_strength_joined)).toBeLessThan(1e-8);
  });

  it.each(series.map((s) => [s.id, s] as const))('%s: d and D equal R (nsdiffs on the series with gaps, ndiffs on the observed seasonal differences)', (_, s) => {
    // A one-model search is enough to read the orders of differencing.
    const f = fitAutoARIMA(data(s), { period: s.frequency, maxP: 0, maxQ: 0, maxSeasonalP: 0, maxSeasonalQ: 0 });
    expect([f.selection!.d, f.selection!.D]).toEqual([s.ndiffs, s.nsdiffs]);
    expect(s.seasonal_strength).toBeGreaterThan(0.64);
    expect(s.nsdiffs).toBe(1);
  });
});

describe('single fits with gaps', () => {
  it('CSS: a missing value voids every residual whose AR window reaches it, zero lags included (R ARIMA_CSS): co2, coefficients abs 1e-4, σ² rel 1e-4', () => {
    const s = series.find((q) => q.id === 'co2_rand')!;
    for (const r of s.fits!) {
      const f = fitARIMA(data(s), { order: r.order, seasonal: { order: r.seasonal, period: s.frequency }, method: 'css' });
      const c = [...f.params.ar, ...f.params.ma, ...f.params.seasonalAr, ...f.params.seasonalMa];
      r.coef.forEach((v, i) => expect(Math.abs(c[i] - v)).toBeLessThan(1e-4));
      expect(Math.abs(f.sigma2 / r.sigma2 - 1)).toBeLessThan(1e-4);
      expect(Math.abs(f.llf - r.loglik)).toBeLessThan(1e-3);
    }
  });

  it("CSS-ML: R's ML from zero coefficients by optim's BFGS reaches R's (local) optimum on UKgas (2,1,2)(1,1,1)4, coefficients abs 1e-3", () => {
    const s = series.find((q) => q.id === 'ukgas_lcg')!;
    const r = s.fits![0];
    const f = fitARIMA(data(s), { order: r.order, seasonal: { order: r.seasonal, period: s.frequency }, method: 'css-ml' });
    const c = [...f.params.ar, ...f.params.ma, ...f.params.seasonalAr, ...f.params.seasonalMa];
    r.coef.forEach((v, i) => expect(Math.abs(c[i] - v), `coef ${i}`).toBeLessThan(1e-3));
    expect(Math.abs(f.llf - r.loglik)).toBeLessThan(1e-3);
  });
});

describe('the orders auto.arima chooses on series with gaps', () => {
  it.each(series.filter((s) => !PATH_DEPENDENT.has(s.id)).map((s) => [s.id, s] as const))('%s: orders equal R, log-likelihood at least R (abs 1e-2)', (_, s) => {
    const f = fitAutoARIMA(data(s), { period: s.frequency });
    const a = s.auto_arima;
    expect(f.order).toEqual(a.order);
    expect(f.seasonalOrder).toEqual(a.seasonal);
    expect(f.arimaParams.trend !== 'n').toBe(a.coef_names.includes('drift') || a.coef_names.includes('intercept'));
    expect(f.llf).toBeGreaterThanOrEqual(a.loglik - 1e-2);
    // The same optimum as R, except on air_14 where the multi-start ML finds a higher mode (arima-boundary.test.ts).
    if (s.id !== 'air_14') expect(Math.abs(f.llf - a.loglik)).toBeLessThan(1e-2);
  }, 120_000);

  // co2_block: d, D and the whole CSS search equal R's; in the ML refit of the best CSS candidates R rejects
  // ARIMA(3,1,2)(2,1,1)12 for negative variances from its finite-difference Hessian at the point where its
  // BFGS stops on its approximate likelihood (kappa = 1e6 and Gardner's Q0, 3e-3 from the exact one here),
  // while the exact likelihood's optimum (log-likelihood −82.42 against R's −83.62) has positive variances.
  // R then takes ARIMA(3,1,2)(2,1,0)12; ardiff keeps (3,1,2)(2,1,1)12. Not asserted.
});
