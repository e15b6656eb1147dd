// Naive and seasonal naive forecasts against R forecast::naive / forecast::snaive
// (test/fixtures/classical/r_snaive.json, scripts/r_snaive.R; forecast 8.20): point forecasts,
// sigma², standard errors, 80/95% intervals and fitted values at rel 1e-10 (closed form), raw and
// log scale, with missing values; sample paths against the analytic mean and spread.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fitNaive, fitSeasonalNaive, FittedNaive, type NaiveJSON } from '../src/classical/naive.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { FIXTURE_DIR, expectRel, loadColumn, type Fixture } from './fixtures.js';

const fx: Fixture = JSON.parse(readFileSync(`${FIXTURE_DIR}r_snaive.json`, 'utf8'));
const REL = 1e-10;

function fitCase(c: Fixture): FittedNaive {
  const y = loadColumn(c.file, c.column, c.transform);
  return c.method === 'naive' ? fitNaive(y) : fitSeasonalNaive(y, { period: c.frequency });
}

describe('naive / seasonal naive against R forecast', () => {
  for (const c of fx.forecasts) {
    it(`${c.call} on ${c.column} (${c.transform}${c.n_missing ? `, ${c.n_missing} missing` : ''})`, () => {
      const fit = fitCase(c);
      expect(fit.kind).toBe(c.method === 'naive' ? 'naive' : 'seasonal-naive');
      expectRel(fit.sigma2, c.sigma2, REL, 0, 'sigma2');
      const fc = fit.forecast(c.h);
      expectRel(fc.mean(), c.mean, REL, 0, 'mean');
      expectRel(fc.se, c.se, 1e-9, 0, 'se'); // R's se is recovered from its rounded interval: rel 1e-9
      const i80 = fc.interval(80), i95 = fc.interval(95);
      expectRel(i80.lower, c.lower80, REL, 0, 'lower80');
      expectRel(i80.upper, c.upper80, REL, 0, 'upper80');
      expectRel(i95.lower, c.lower95, REL, 0, 'lower95');
      expectRel(i95.upper, c.upper95, REL, 0, 'upper95');
      const tail = Array.from(fit.fitted.slice(-c.fitted_tail.length));
      c.fitted_tail.forEach((v: number | null, i: number) => {
        if (v === null) expect(tail[i]).toBeNaN();
        else expectRel(tail[i], v, REL, 0, `fitted[${i}]`);
      });
    });
  }

  it('se_h = σ√(⌊(h − 1)/m⌋ + 1) for seasonal naive and σ√h for naive', () => {
    const y = loadColumn('data/r_UKgas.csv', 'UKgas');
    const s = fitSeasonalNaive(y, { period: 4 }), n = fitNaive(y);
    const ses = s.forecast(9).se, sen = n.forecast(9).se;
    for (let h = 1; h <= 9; h++) {
      expectRel(ses[h - 1], Math.sqrt(s.sigma2 * (Math.floor((h - 1) / 4) + 1)), 1e-15);
      expectRel(sen[h - 1], Math.sqrt(n.sigma2 * h), 1e-15);
    }
    expect(Array.from(s.forecast(9).mean())).toEqual([...Array.from(y.slice(-4)), ...Array.from(y.slice(-4)), y[y.length - 4]]);
  });

  it('seasonal naive with period 1 is the naive forecast', () => {
    const y = loadColumn('data/r_Nile.csv', 'Nile');
    expect(fitSeasonalNaive(y, { period: 1 }).forecast(5).toJSON()).toEqual(fitNaive(y).forecast(5).toJSON());
  });
});

describe('sample paths', () => {
  it('have the forecast mean and standard error per step (20 000 paths: mean within 4 MC s.e., sd within 3%)', () => {
    const fit = fitSeasonalNaive(loadColumn('data/r_AirPassengers.csv', 'AirPassengers', 'log'), { period: 12 });
    const H = 30, P = 20_000;
    const paths = fit.sample(H, { paths: P, rng: createRng(9) });
    const fc = fit.forecast(H);
    for (let h = 0; h < H; h++) {
      let m = 0, v = 0;
      for (const p of paths) m += p[h];
      m /= P;
      for (const p of paths) v += (p[h] - m) ** 2;
      const sd = Math.sqrt(v / (P - 1));
      expect(Math.abs(m - fc.mean()[h])).toBeLessThan((4 * fc.se[h]) / Math.sqrt(P));
      expect(Math.abs(sd / fc.se[h] - 1)).toBeLessThan(0.03);
    }
  });
  it('follow the seasonal random walk: x(h) − x(h − m) are independent N(0, σ²) shocks', () => {
    const fit = fitSeasonalNaive(loadColumn('data/r_UKgas.csv', 'UKgas'), { period: 4 });
    const paths = fit.sample(8, { paths: 5000, rng: createRng(4) });
    let c = 0, v1 = 0, v2 = 0;
    for (const p of paths) {
      const a = p[1] - fit.lastSeason[1], b = p[5] - p[1];
      c += a * b; v1 += a * a; v2 += b * b;
    }
    // correlation of two independent shocks: |r| < 4/√5000
    expect(Math.abs(c / Math.sqrt(v1 * v2))).toBeLessThan(4 / Math.sqrt(5000));
    expectRel(v2 / 5000, fit.sigma2, 0.06);
  });
  it('are deterministic from the seed', () => {
    const fit = fitNaive(loadColumn('data/r_Nile.csv', 'Nile'));
    expect(fit.sample(5, { paths: 3, rng: createRng(1) })).toEqual(fit.sample(5, { paths: 3, rng: createRng(1) }));
    expect(fit.sample(5, { paths: 3, rng: createRng(1) })).not.toEqual(fit.sample(5, { paths: 3, rng: createRng(2) }));
  });
});

describe('JSON, summary and errors', () => {
  it('round-trips through JSON with missing values', () => {
    const fit = fitSeasonalNaive(loadColumn('data/r_presidents.csv', 'presidents'), { period: 4 });
    const json = JSON.parse(JSON.stringify(fit.toJSON())) as NaiveJSON;
    expect(json.y.filter((v) => v === null).length).toBe(6);
    const back = FittedNaive.fromJSON(json);
    expect(back.forecast(8).toJSON()).toEqual(fit.forecast(8).toJSON());
    expect(back.summary()).toBe(fit.summary());
    expect(back.sample(4, { paths: 3, rng: createRng(2) })).toEqual(fit.sample(4, { paths: 3, rng: createRng(2) }));
    expect(() => FittedNaive.fromJSON({ kind: 'naive', period: 4, y: [1, 2, 3, 4, 5, 6] })).toThrow(ArgumentError);
    expect(() => FittedNaive.fromJSON({ kind: 'ar' } as unknown as NaiveJSON)).toThrow(ArgumentError);
  });
  it('prints a summary', () => {
    const s = fitSeasonalNaive(loadColumn('data/r_AirPassengers.csv', 'AirPassengers'), { period: 12 }).summary();
    expect(s).toMatch(/Seasonal naive \[12\]/);
    expect(s).toMatch(/Ljung-Box Q\(24\)/);
    expect(s).not.toMatch(/NaN/);
    expect(fitNaive(loadColumn('data/r_Nile.csv', 'Nile')).summary()).toMatch(/Naive \(random walk\)/);
  });
  it('throws typed errors', () => {
    expect(() => fitSeasonalNaive([1, 2, 3, 4, 5], { period: 0 })).toThrow(ArgumentError);
    expect(() => fitSeasonalNaive([1, 2, 3, 4, 5], {} as { period: number })).toThrow(ArgumentError);
    expect(() => fitSeasonalNaive([1, 2, 3, 4], { period: 4 })).toThrow(DataError);
    expect(() => fitNaive([1, Infinity, 3])).toThrow(DataError);
    // a trailing missing value is filled from one lag earlier (R); one with nothing to fill from is an error
    expect(Array.from(fitNaive([1, 2, NaN]).forecast(2).mean())).toEqual([2, 2]);
    expect(() => fitSeasonalNaive([1, NaN, 3, 4, 5, NaN], { period: 4 })).toThrow(/last season of y is missing \(observation 6\)/);
    expect(() => fitNaive([NaN, NaN, 3])).toThrow(/has no residual/);
    const fit = fitNaive([1, 3, 2, 5]);
    expect(() => fit.forecast(0)).toThrow(ArgumentError);
    expect(() => fit.forecast(2, { exog: { x: [1, 2] } })).toThrow(ArgumentError);
    expect(() => fit.sample(2, {} as never)).toThrow(ArgumentError);
  });
});
