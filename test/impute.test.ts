// imputeKalman / imputeLinear (src/classical/impute.ts): values, intervals, the typed errors at the
// boundary, and the exports of the package root.
import { describe, it, expect } from 'vitest';
import { imputeKalman, imputeLinear } from '../src/classical/impute.js';
import { fitARIMA } from '../src/classical/arima.js';
import { fitAutoARIMA } from '../src/classical/auto-arima.js';
import { ArgumentError, DataError, type ArdiffError } from '../src/core/errors.js';
import * as root from '../src/index.js';
import * as classical from '../src/classical/index.js';
import { fixturesOfKind, fixtureSeries, loadColumn, expectAbs } from './fixtures.js';

/** The typed error `f` throws. */
function thrown(f: () => unknown): ArdiffError {
  try {
    f();
  } catch (e) {
    return e as ArdiffError;
  }
  throw new Error('expected an error');
}

describe('imputeLinear', () => {
  it('interpolates interior gaps on straight lines and extends the ends with the nearest observed value', () => {
    const r = imputeLinear([NaN, null, 1, NaN, NaN, 4, 5, NaN]);
    expect(Array.from(r.filled)).toEqual([1, 1, 1, 2, 3, 4, 5, 5]);
    expect(Array.from(r.missing)).toEqual([0, 1, 3, 4, 7]);
  });
  it('leaves a complete series as it is', () => {
    const y = [3, 1, 4, 1, 5];
    const r = imputeLinear(Float64Array.from(y));
    expect(Array.from(r.filled)).toEqual(y);
    expect(r.missing.length).toBe(0);
  });
});

describe('imputeKalman', () => {
  const nile = loadColumn('data/r_Nile.csv', 'Nile');
  const gaps = [0, 10, 11, 12, 40, 41, 70, 99];
  const y = nile.slice();
  for (const t of gaps) y[t] = NaN;

  it('with a given order: the gaps hold fitARIMA(...).smooth().mean, observed values are untouched, 90% intervals by default', () => {
    const k = imputeKalman(y, { order: [0, 1, 1], trend: 't' });
    const s = fitARIMA(y, { order: [0, 1, 1], trend: 't' }).smooth({ stateCov: false });
    expect(Array.from(k.missing)).toEqual(gaps);
    for (let t = 0; t < y.length; t++) {
      if (gaps.includes(t)) {
        expect(k.filled[t]).toBeCloseTo(s.mean[t], 8);
        expect(k.sd[t]).toBeGreaterThan(0);
      } else {
        expect(k.filled[t]).toBe(y[t]);
        expect(k.sd[t]).toBe(0);
      }
    }
    expect(k.intervals.map((i) => i.level)).toEqual([90]);
    expectAbs(k.intervals[0].lower, k.quantile(0.05), 1e-9, 'q05');
    expectAbs(k.intervals[0].upper, k.quantile(0.95), 1e-9, 'q95');
    for (const t of gaps) {
      expect(k.intervals[0].lower[t]).toBeLessThan(k.filled[t]);
      expect(k.intervals[0].upper[t] - k.filled[t]).toBeCloseTo(1.6448536269514722 * k.sd[t], 8);
    }
    expect(k.fit.order).toEqual([0, 1, 1]);
  });

  it('agrees with the statsmodels smoother fixture on Nile with drift (same data, fitted here): gaps within 0.01σ', () => {
    const fx = fixturesOfKind('kalman_smoother').find((f) => f.id === 'smoother_arima011_nile_drift');
    expect(fx).toBeDefined();
    const yf = fixtureSeries(fx);
    const k = imputeKalman(yf, { order: [0, 1, 1], trend: 't', level: [80, 95] });
    const sigma = Math.sqrt(fx.params.values[fx.params.names.indexOf('sigma2')]);
    const missing: number[] = fx.dataset.missing_indices;
    expect(missing.length).toBeGreaterThan(0);
    for (const t of missing) expect(Math.abs(k.filled[t] - fx.smoothed.signal_mean[t])).toBeLessThan(0.01 * sigma);
    expect(k.intervals.map((i) => i.level)).toEqual([80, 95]);
  });

  it('auto (the default without an order): auto-ARIMA on the data with gaps, with seasonal orders given as a tuple and a period', () => {
    const k = imputeKalman(y);
    expect(k.fit.selection).toBeDefined();
    expect(k.fit.order[1]).toBe(1);
    for (const t of gaps) expect(Number.isFinite(k.filled[t])).toBe(true);
    const air = loadColumn('data/r_AirPassengers.csv', 'log(AirPassengers)');
    const hide = [5, ...Array.from({ length: 12 }, (_, k) => 84 + k), 120];
    for (const t of hide) air[t] = NaN;
    const s = imputeKalman(air, { order: [0, 1, 1], seasonal: [0, 1, 1], period: 12 });
    expect(s.fit.seasonalOrder).toEqual([0, 1, 1, 12]);
    // a seasonal model fills a year-long gap far better than a straight line
    const truth = loadColumn('data/r_AirPassengers.csv', 'log(AirPassengers)');
    const lin = imputeLinear(air).filled;
    const err = (f: Float64Array) => hide.reduce((a, t) => a + Math.abs(f[t] - truth[t]), 0);
    expect(err(s.filled)).toBeLessThan(0.25 * err(lin));
  });
});

describe('imputeKalman with auto-ARIMA on a seasonal series with gaps', () => {
  it('chooses the seasonal difference, as R does, through fitAutoARIMA (its tests no longer run the observed values together)', () => {
    const ukgas = loadColumn('data/r_UKgas.csv', 'UKgas');
    let s = 12345;
    for (let i = 0; i < ukgas.length; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      if (s / 2147483648 < 0.1) ukgas[i] = NaN;
    }
    const gaps = ukgas.filter(Number.isNaN).length;
    expect(gaps).toBeGreaterThan(5);
    const auto = fitAutoARIMA(ukgas, { period: 4 });
    expect(auto.seasonalOrder[1]).toBe(1); // R forecast::nsdiffs on these data: 1 (r_auto_arima_gaps.json, ukgas_lcg)
    const k = imputeKalman(ukgas, { period: 4 });
    expect(k.fit.seasonalOrder[1]).toBe(1);
    expect(k.fit.seasonalOrder[3]).toBe(4);
    expect(k.fit.llf).toBeCloseTo(auto.llf, 8);
  });
});

describe('imputeKalman where maximum likelihood used to land on the stationarity boundary', () => {
  it('smooths with the exact ML fit, now clear of the boundary (AirPassengers, ARIMA(2,1,1)(0,1,0)12, 14 gaps)', () => {
    // With these gaps exact ML (method 'ml', with restarts) used to converge to φ ≈ (0, 1), θ = −1: AR roots ±1, where
    // the likelihood was evaluated over 1 of 117 observations (−3.03) and the smoother returned ±1e7 with zero variance.
    // The likelihood is now exact there (arima-boundary.test.ts) and ML ends at or above R's optimum (−448.84).
    const truth = loadColumn('data/r_AirPassengers.csv', 'AirPassengers');
    const hide = [11, 18, 23, 40, 45, 48, 57, 58, 60, 61, 96, 97, 126, 134];
    const y = truth.slice();
    for (const t of hide) y[t] = NaN;
    const ml = fitARIMA(y, { order: [2, 1, 1], seasonal: { order: [0, 1, 0], period: 12 } });
    expect(Math.min(...ml.roots().ar.map(([re, im]) => Math.hypot(re, im)))).toBeGreaterThan(1.01);
    expect(ml.llf).toBeGreaterThan(-448.841);
    const k = imputeKalman(y, { order: [2, 1, 1], seasonal: [0, 1, 0], period: 12 });
    expect(k.fit.method).toBe('ml');
    expect(k.fit.llf).toBeCloseTo(ml.llf, 8);
    const mae = hide.reduce((a, t) => a + Math.abs(k.filled[t] - truth[t]), 0) / hide.length;
    expect(mae).toBeLessThan(15);
    for (const t of hide) expect(k.sd[t]).toBeGreaterThan(1);
  });
});

describe('typed errors at the boundary (each names the argument and says what to do)', () => {
  const cases: [string, () => unknown, typeof ArgumentError | typeof DataError, string, RegExp][] = [
    ['all missing (linear)', () => imputeLinear([NaN, NaN, null]), DataError, 'y', /no observed values.*nothing to fill/],
    ['all missing (kalman)', () => imputeKalman([NaN, NaN, NaN, NaN]), DataError, 'y', /no observed values/],
    ['one observed value (linear needs 2)', () => imputeLinear([NaN, 3, NaN]), DataError, 'y', /1 observed value; linear interpolation needs at least 2: give a longer series/],
    ['two observed values (kalman needs 3)', () => imputeKalman([1, NaN, 2, NaN]), DataError, 'y', /2 observed values; Kalman imputation needs at least 3/],
    ['+Infinity', () => imputeLinear([1, Infinity, 3]), DataError, 'y', /y\[1\] is Infinity; values must be finite: mark a gap with NaN/],
    ['-Infinity (kalman)', () => imputeKalman([1, 2, -Infinity, 4, 5]), DataError, 'y', /y\[2\] is -Infinity/],
    ['not an array', () => imputeLinear(undefined as unknown as number[]), ArgumentError, 'y', /y must be an array of numbers/],
    ['a string value', () => imputeLinear([1, '2' as unknown as number, 3]), DataError, 'y', /y\[1\] is "2", not a number/],
    ['empty', () => imputeKalman([]), DataError, 'y', /y is empty/],
    ['constant (kalman)', () => imputeKalman([2, 2, NaN, 2, 2]), DataError, 'y', /constant.*imputeLinear/],
    ['order and auto', () => imputeKalman([1, 2, NaN, 4, 3, 5, 4, 6], { order: [1, 0, 0], auto: true }), ArgumentError, 'auto', /either order or auto/],
    ['auto false without order', () => imputeKalman([1, 2, NaN, 4, 3, 5, 4, 6], { auto: false }), ArgumentError, 'order', /needs an order/],
    ['seasonal tuple without period', () => imputeKalman([1, 2, NaN, 4, 3, 5, 4, 6], { order: [0, 1, 1], seasonal: [0, 1, 1] }), ArgumentError, 'period', /seasonal needs period/],
    ['bad level', () => imputeKalman([1, 2, NaN, 4, 3, 5, 4, 6], { level: 120 }), ArgumentError, 'level', /strictly between 0 and 100/],
    ['order too large for the data', () => imputeKalman([1, 2, NaN, 4, 3, 5], { order: [2, 1, 2] }), DataError, 'y', /too short for this model/],
  ];
  it(`covers ${cases.length} cases`, () => expect(cases.length).toBeGreaterThan(10));
  for (const [name, f, type, argument, message] of cases) {
    it(name, () => {
      const e = thrown(f);
      expect(e).toBeInstanceOf(type);
      expect(e.argument).toBe(argument);
      expect(e.message).toMatch(message);
    });
  }
});

describe('exports', () => {
  it('imputeKalman and imputeLinear reach ardiff/classical and the package root', () => {
    expect(classical.imputeKalman).toBe(imputeKalman);
    expect(classical.imputeLinear).toBe(imputeLinear);
    expect(root.imputeKalman).toBe(imputeKalman);
    expect(root.imputeLinear).toBe(imputeLinear);
  });
});
