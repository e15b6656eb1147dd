// simulateARIMA: seeded, and its output has the process's autocorrelation and variance.
import { describe, it, expect } from 'vitest';
import { simulateARIMA, fitARIMA } from '../src/classical/arima.js';
import { createRng } from '../src/core/rng.js';
import { acf, variance } from '../src/core/stats.js';
import { difference } from '../src/classical/estimators/polynomial.js';

const base = { seasonalOrder: [0, 0, 0, 0] as [number, number, number, number], seasonalAr: [], seasonalMa: [] };

describe('simulateARIMA', () => {
  it('is deterministic for a seed', () => {
    const p = { ...base, order: [1, 0, 1] as [number, number, number], ar: [0.5], ma: [0.3], sigma2: 2 };
    expect(simulateARIMA(p, 50, createRng(9))).toEqual(simulateARIMA(p, 50, createRng(9)));
    expect(simulateARIMA(p, 50, createRng(9))).not.toEqual(simulateARIMA(p, 50, createRng(10)));
  });

  it('AR(1): lag-1 autocorrelation φ and variance σ²/(1−φ²)', () => {
    const p = { ...base, order: [1, 0, 0] as [number, number, number], ar: [0.7], ma: [], sigma2: 1, mean: 5 };
    const y = simulateARIMA(p, 40000, createRng(1));
    // Standard errors: acf ≈ sqrt((1−φ²)/n) ≈ 0.0036; variance ≈ 1.96·sqrt(2(1+φ²)/((1−φ²)n)) relative.
    expect(Math.abs(acf(y, 1)[1] - 0.7)).toBeLessThan(0.015);
    expect(Math.abs(variance(y) / (1 / (1 - 0.49)) - 1)).toBeLessThan(0.05);
    expect(Math.abs(y.reduce((a, b) => a + b, 0) / y.length - 5)).toBeLessThan(0.05);
  });

  it('integrated SARIMA: refitting the simulated series recovers the parameters', () => {
    const p = { order: [0, 1, 1] as [number, number, number], seasonalOrder: [0, 1, 1, 12] as [number, number, number, number], ar: [], ma: [-0.4], seasonalAr: [], seasonalMa: [-0.6], sigma2: 0.01 };
    const y = simulateARIMA(p, 1200, createRng(3));
    const w = difference(y, 1, 1, 12);
    // MA(13) at lag 1 of the differenced series: θ1/(1+θ1²) = −0.345 when Θ is independent.
    expect(Math.abs(acf(w, 1)[1] - -0.4 / 1.16)).toBeLessThan(0.06);
    const fit = fitARIMA(y, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } });
    const se = fit.stdErrors;
    expect(Math.abs(fit.values[0] - -0.4)).toBeLessThan(4 * se[0]);
    expect(Math.abs(fit.values[1] - -0.6)).toBeLessThan(4 * se[1]);
  });

  it('rejects non-stationary or non-invertible parameters', () => {
    expect(() => simulateARIMA({ ...base, order: [1, 0, 0], ar: [1.2], ma: [], sigma2: 1 }, 10, createRng(1))).toThrow(/not stationary/);
    expect(() => simulateARIMA({ ...base, order: [0, 0, 1], ar: [], ma: [-1.5], sigma2: 1 }, 10, createRng(1))).toThrow(/not invertible/);
  });
});
