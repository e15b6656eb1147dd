// Forecast-accuracy metrics against references: R (test/fixtures/classical/r_snaive.json, scripts/
// r_snaive.R): CRPS of the Gaussian and log-normal laws by numerical integration, the sample CRPS
// by the direct O(n²) sum, MASE by forecast::accuracy; an independent O(n²) sample CRPS here; the
// Gaussian and log-normal closed forms as the limit of the sample CRPS with many draws; hand cases.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  mase, maseScale, smape, crpsGaussian, crpsLogNormal, crpsSample, meanCrpsSample, intervalCoverage,
} from '../src/core/metrics.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { FIXTURE_DIR, expectRel, loadColumn, type Fixture } from './fixtures.js';

const fx: Fixture = JSON.parse(readFileSync(`${FIXTURE_DIR}r_snaive.json`, 'utf8'));

/** The direct O(n²) definition E|X − y| − ½E|X − X′| over the empirical distribution. */
function crpsDirect(x: ArrayLike<number>, y: number): number {
  const n = x.length;
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    a += Math.abs(x[i] - y);
    for (let j = 0; j < n; j++) b += Math.abs(x[i] - x[j]);
  }
  return a / n - b / (2 * n * n);
}

describe('CRPS closed forms against numerical integration in R', () => {
  it('Gaussian: rel 1e-9', () => {
    for (const c of fx.crps_gaussian) expectRel(crpsGaussian(c.mu, c.sigma, c.y), c.crps, 1e-9, 0, `N(${c.mu}, ${c.sigma}) at ${c.y}`);
  });
  it('log-normal: rel 1e-8', () => {
    for (const c of fx.crps_lognormal) expectRel(crpsLogNormal(c.meanlog, c.sdlog, c.y), c.crps, 1e-8, 0, `logN(${c.meanlog}, ${c.sdlog}) at ${c.y}`);
  });
  it('hand values and degenerate laws', () => {
    // at the mean of N(0, 1): 2φ(0) − 1/√π
    expect(crpsGaussian(0, 1, 0)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI) - 1 / Math.sqrt(Math.PI), 15);
    // location-scale: CRPS(N(μ, σ²), y) = σ CRPS(N(0, 1), (y − μ)/σ)
    expectRel(crpsGaussian(5, 3, 11), 3 * crpsGaussian(0, 1, 2), 1e-14);
    expect(crpsGaussian(2, 0, -1)).toBe(3);
    // far tails: CRPS → |y − μ| − σ/√π
    expectRel(crpsGaussian(0, 1, 40), 40 - 1 / Math.sqrt(Math.PI), 1e-14);
    expectRel(crpsGaussian(0, 1, -40), 40 - 1 / Math.sqrt(Math.PI), 1e-14);
    // log-normal at y ≤ 0: E X − y − ½E|X − X′| with E|X − X′| = 2e^{μ+σ²/2} erf(σ/2); continuity at 0+
    const [mu, s] = [0.3, 0.7];
    expectRel(crpsLogNormal(mu, s, 0), Math.exp(mu + s * s / 2) * (1 - erf(s / 2)), 1e-14);
    expectRel(crpsLogNormal(mu, s, -2), crpsLogNormal(mu, s, 0) + 2, 1e-14);
    expectRel(crpsLogNormal(mu, s, 1e-300), crpsLogNormal(mu, s, 0), 1e-12);
    expectRel(crpsLogNormal(1, 0, 5), Math.abs(5 - Math.E), 1e-15);
  });
  it('rejects a negative or non-finite scale', () => {
    expect(() => crpsGaussian(0, -1, 0)).toThrow(ArgumentError);
    expect(() => crpsGaussian(0, NaN, 0)).toThrow(ArgumentError);
    expect(() => crpsLogNormal(0, -0.1, 1)).toThrow(ArgumentError);
  });
});

// erf by its Maclaurin series (independent of the normal CDF used by the metrics; |x| < 1 here)
function erf(x: number): number {
  let s = 0, term = x;
  for (let k = 0; k < 60; k++) {
    s += term / (2 * k + 1);
    term *= (-x * x) / (k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
}

describe('sample CRPS (exact estimator, O(n log n) by sorting)', () => {
  it('matches the direct O(n²) sum computed in R: rel 1e-12', () => {
    for (const set of fx.crps_sample) {
      const x = Array.isArray(set.samples) ? set.samples : [set.samples];
      set.y.forEach((y: number, i: number) => expectRel(crpsSample(x, y), set.crps[i], 1e-12, 1e-15, `${set.name} at ${y}`));
    }
  });
  it('matches an independent O(n²) sum here on random data with ties: rel 1e-12', () => {
    const rng = createRng(11);
    for (const n of [1, 2, 3, 10, 101, 400]) {
      const x = Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 2 + 10);
      for (const y of [9, 10.25, 14, -3]) expectRel(crpsSample(x, y), crpsDirect(x, y), 1e-12, 1e-15, `n ${n}, y ${y}`);
    }
  });
  it('hand cases', () => {
    expect(crpsSample([4], 1)).toBe(3);
    // {0, 1} at 0.5: E|X − y| = 0.5, E|X − X′| = 0.5 → 0.25
    expect(crpsSample([1, 0], 0.5)).toBeCloseTo(0.25, 15);
    // does not reorder the caller's samples
    const x = new Float64Array([3, 1, 2]);
    crpsSample(x, 0);
    expect(Array.from(x)).toEqual([3, 1, 2]);
  });
  it('tends to the Gaussian and log-normal closed forms with many draws (abs 0.01·σ, about 7 Monte Carlo standard errors at n = 100 000)', () => {
    const rng = createRng(2024);
    const n = 100_000;
    const z = Float64Array.from({ length: n }, () => rng.normal());
    for (const [mu, sigma, y] of [[0, 1, 0], [3, 2, -1], [10, 5, 18]]) {
      const x = z.map((v) => mu + sigma * v);
      expect(Math.abs(crpsSample(x, y) - crpsGaussian(mu, sigma, y))).toBeLessThan(0.01 * sigma);
    }
    // log-normal logN(5, 0.1²) (the scale of log AirPassengers forecasts): abs 0.01·sd(X)
    const [ml, sl] = [5, 0.1];
    const sdX = Math.exp(ml + sl * sl / 2) * Math.sqrt(Math.exp(sl * sl) - 1);
    const x = z.map((v) => Math.exp(ml + sl * v));
    for (const y of [120, 148, 200]) expect(Math.abs(crpsSample(x, y) - crpsLogNormal(ml, sl, y))).toBeLessThan(0.01 * sdX);
  });
  it('meanCrpsSample averages the per-step scores and skips missing actual values', () => {
    const rng = createRng(5);
    const paths = Array.from({ length: 50 }, () => Float64Array.from({ length: 4 }, () => rng.normal()));
    const actual = [0.1, NaN, -1, 2];
    const steps = [0, 2, 3].map((h) => crpsDirect(paths.map((p) => p[h]), actual[h]));
    expectRel(meanCrpsSample(paths, actual), (steps[0] + steps[1] + steps[2]) / 3, 1e-12);
    expect(() => meanCrpsSample(paths, [NaN, NaN, NaN, NaN])).toThrow(DataError);
    expect(() => meanCrpsSample(paths, [1, 2])).toThrow(ArgumentError);
  });
  it('rejects empty or non-finite samples', () => {
    expect(() => crpsSample([], 0)).toThrow(ArgumentError);
    expect(() => crpsSample([1, NaN], 0)).toThrow(DataError);
  });
});

describe('MASE (Hyndman & Koehler 2006) and sMAPE (M4)', () => {
  it('hand cases, seasonal and non-seasonal scaling', () => {
    const train = [1, 2, 4, 7];
    // naive scale: mean(1, 2, 3) = 2; MAE of [8, 9] vs [7, 7] = 1.5
    expect(maseScale(train, 1)).toBe(2);
    expect(mase([8, 9], [7, 7], train, 1)).toBe(0.75);
    // period 2: mean(|4 − 1|, |7 − 2|) = 4
    expect(mase([8, 9], [7, 7], train, 2)).toBe(0.375);
    // missing values: pairs with a NaN and missing actual values are skipped
    expect(maseScale([1, NaN, 4, 7], 1)).toBe(3);
    expect(mase([8, NaN], [7, 0], train, 1)).toBe(0.5);
  });
  it('sMAPE hand values', () => {
    expect(smape([100], [110])).toBeCloseTo(200 * 10 / 210, 13);
    expect(smape([0, 100], [0, 100])).toBe(0);
    expect(smape([1, NaN], [-1, 5])).toBe(200);
  });
  it('MASE and sMAPE of R hold-out forecasts: rel 1e-10 against forecast::accuracy and the fixture', () => {
    for (const c of fx.holdout) {
      const raw = loadColumn(c.file, c.column);
      const train = raw.slice(0, c.n - c.H);
      const label = `${c.column} ${c.method} ${c.transform}`;
      expectRel(maseScale(train, c.frequency), c.mase_scale, 1e-12, 0, `${label} scale`);
      expectRel(mase(c.test, c.point, train, c.frequency), c.mase, 1e-10, 0, `${label} mase`);
      if (c.mase_accuracy !== null && c.mase_accuracy !== undefined) expectRel(mase(c.test, c.point, train, c.frequency), c.mase_accuracy, 1e-10, 0, `${label} accuracy()`);
      expectRel(smape(c.test, c.point), c.smape, 1e-10, 0, `${label} smape`);
    }
  });
  it('throws typed errors for undefined scaling and bad arguments', () => {
    expect(() => mase([1], [1], [5, 5, 5], 1)).toThrow(DataError);
    expect(() => mase([1], [1], [5, 6], 2)).toThrow(DataError);
    expect(() => mase([1], [1], [5, 6], 0)).toThrow(ArgumentError);
    expect(() => mase([1, 2], [1], [5, 6], 1)).toThrow(ArgumentError);
    expect(() => smape([NaN], [1])).toThrow(DataError);
  });
});

describe('interval coverage', () => {
  it('counts the actual values inside [lower, upper], bounds included, missing skipped', () => {
    expect(intervalCoverage([1, 2, 3, 4], [0, 2, 3.5, 0], [1, 5, 4, 3])).toBe(0.5);
    expect(intervalCoverage([1, NaN, 3], [0, 0, 4], [2, 2, 5])).toBe(0.5);
    expect(() => intervalCoverage([1], [0, 0], [2])).toThrow(ArgumentError);
    expect(() => intervalCoverage([NaN], [0], [2])).toThrow(DataError);
  });
});
