// Checks src/classical/stl.ts and src/classical/unit-root.ts against R (stats::stl, forecast 8.20,
// urca 1.3-3) reference values in test/fixtures/classical/r_stl_kpss.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mstl, stl, type StlOptions } from '../src/classical/stl.js';
import { ArgumentError, DataError, type ArdiffError } from '../src/core/errors.js';
import {
  autoARIMADiffs,
  isConstant,
  kpssPValue,
  kpssTest,
  ndiffs,
  nsdiffs,
  seasonalStrength,
} from '../src/classical/unit-root.js';

const root = new URL('../', import.meta.url);

interface SeriesSpec {
  id: string;
  file: string;
  column: string;
  transform: 'none' | 'log' | 'log10';
  frequency: number;
  n: number;
}
type RArgValue = number | string | boolean;
interface StlCase {
  id: string;
  series: string;
  args: Record<string, RArgValue>;
  win: { s: number; t: number; l: number };
  deg: { s: number; t: number; l: number };
  jump: { s: number; t: number; l: number };
  inner: number;
  outer: number;
  seasonal: number[];
  trend: number[];
  remainder: number[];
  weights: number[];
}
interface MstlCase {
  series: string;
  trend: number[];
  seasonal: number[];
  remainder: number[];
}
interface KpssRow {
  series: string;
  variant: string;
  type: 'mu' | 'tau';
  n: number;
  lag: number;
  statistic: number;
  pvalue: number;
}
interface NdiffsRow {
  series: string;
  variant: string;
  alpha: number;
  maxD: number;
  ndiffs: number;
  warnings: string[];
}
interface NsdiffsRow {
  series: string;
  variant: string;
  maxD: number;
  nsdiffs: number;
  warnings: string[];
}
interface StrengthRow {
  series: string;
  variant: string;
  strength: number;
}
interface AutoRow {
  series: string;
  frequency: number;
  d: number;
  D: number;
  seasonal_false_d: number;
}
interface EdgeRow {
  id: string;
  x: number[];
  is_constant: boolean;
  period: number;
  ndiffs: { alpha: number; maxD: number; ndiffs: number; warnings: string[] }[];
  kpss?: { n: number; lag: number; statistic: number; pvalue: number };
  nsdiffs: { maxD: number; nsdiffs: number; warnings: string[] };
  strength?: number;
}
interface Fixture {
  provenance: string;
  tolerance: {
    stl: { rel: number; abs: number };
    kpss_statistic: { rel: number };
    kpss_pvalue: { rel: number; abs: number };
    seasonal_strength: { rel: number; abs: number };
  };
  series: SeriesSpec[];
  stl: StlCase[];
  mstl: MstlCase[];
  kpss: KpssRow[];
  ndiffs: NdiffsRow[];
  seasonal_strength: StrengthRow[];
  nsdiffs: NsdiffsRow[];
  auto_arima_diffs: AutoRow[];
  edge_cases: EdgeRow[];
  nsdiffs_nonseasonal_error: string;
}

const fx = JSON.parse(readFileSync(new URL('test/fixtures/classical/r_stl_kpss.json', root), 'utf8')) as Fixture;

function loadColumn(file: string, column: string): number[] {
  const text = readFileSync(new URL(file, root), 'utf8').trim().split(/\r?\n/);
  const header = text[0].split(',').map((h) => h.replace(/"/g, ''));
  const col = header.indexOf(column);
  if (col < 0) throw new Error(`column ${column} not in ${file}`);
  return text.slice(1).map((line) => Number(line.split(',')[col]));
}

const seriesById = new Map<string, { spec: SeriesSpec; y: number[] }>();
for (const spec of fx.series) {
  const raw = loadColumn(spec.file, spec.column);
  const y = spec.transform === 'log' ? raw.map(Math.log) : spec.transform === 'log10' ? raw.map(Math.log10) : raw;
  seriesById.set(spec.id, { spec, y });
}
function getSeries(id: string): { spec: SeriesSpec; y: number[] } {
  const s = seriesById.get(id);
  if (!s) throw new Error(`unknown series ${id}`);
  return s;
}
function diff(x: readonly number[], lag = 1): number[] {
  const out: number[] = [];
  for (let i = lag; i < x.length; i++) out.push(x[i] - x[i - lag]);
  return out;
}
function variant(id: string, v: string): number[] {
  const { spec, y } = getSeries(id);
  const m = spec.frequency;
  switch (v) {
    case 'level':
      return y;
    case 'diff1':
      return diff(y);
    case 'diff2':
      return diff(diff(y));
    case 'sdiff':
      return diff(y, m);
    case 'sdiff_diff1':
      return diff(diff(y, m));
    default:
      throw new Error(`unknown variant ${v}`);
  }
}

/** max_i |a_i - b_i| / (rel |b_i| + abs * scale), must be <= 1. */
function worstRatio(a: ArrayLike<number>, b: readonly number[], rel: number, abs: number, scale: number): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const r = Math.abs(a[i] - b[i]) / (rel * Math.abs(b[i]) + abs * scale);
    if (!(r <= worst)) worst = r; // NaN propagates as failure
  }
  return worst;
}
function expectClose(a: number, b: number, rel: number, abs = 0): void {
  const ok = Math.abs(a - b) <= rel * Math.abs(b) + abs;
  if (!ok) expect.fail(`expected ${a} to be within rel ${rel} / abs ${abs} of ${b}`);
}

function stlOptionsFromR(args: Record<string, RArgValue>): StlOptions {
  const num = (k: string): number | undefined => (k in args ? Number(args[k]) : undefined);
  const sw = args['s.window'];
  return {
    sWindow: sw === 'periodic' ? 'periodic' : Number(sw),
    sDegree: num('s.degree'),
    tWindow: num('t.window'),
    tDegree: num('t.degree'),
    lWindow: num('l.window'),
    lDegree: num('l.degree'),
    sJump: num('s.jump'),
    tJump: num('t.jump'),
    lJump: num('l.jump'),
    robust: args.robust === true,
    inner: num('inner'),
    outer: num('outer'),
  };
}

describe('fixture', () => {
  it('has provenance and data', () => {
    expect(fx.provenance).toMatch(/forecast 8\.20/);
    for (const s of fx.series) expect(getSeries(s.id).y.length).toBe(s.n);
  });
});

describe('stl matches R stats::stl', () => {
  const tol = fx.tolerance.stl;
  for (const c of fx.stl) {
    it(c.id, () => {
      const { spec, y } = getSeries(c.series);
      const fit = stl(y, spec.frequency, stlOptionsFromR(c.args));
      expect(fit.win).toEqual(c.win);
      expect(fit.deg).toEqual(c.deg);
      expect(fit.jump).toEqual(c.jump);
      expect(fit.inner).toBe(c.inner);
      expect(fit.outer).toBe(c.outer);
      const scale = Math.max(...y.map(Math.abs));
      expect(worstRatio(fit.seasonal, c.seasonal, tol.rel, tol.abs, scale)).toBeLessThanOrEqual(1);
      expect(worstRatio(fit.trend, c.trend, tol.rel, tol.abs, scale)).toBeLessThanOrEqual(1);
      expect(worstRatio(fit.remainder, c.remainder, tol.rel, tol.abs, scale)).toBeLessThanOrEqual(1);
      expect(worstRatio(fit.weights, c.weights, tol.rel, tol.abs, 1)).toBeLessThanOrEqual(1);
    });
  }

  it('rejects series with fewer than two full periods and missing values', () => {
    expect(() => stl([1, 2, 3, 4, 5, 6, 7, 8], 4, { sWindow: 7 })).toThrow(/less than two periods/);
    expect(() => stl([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, { sWindow: 7 })).toThrow(/not periodic/);
    expect(() => stl([1, Number.NaN, 3, 4, 5, 6, 7, 8, 9], 4, { sWindow: 7 })).toThrow(/NaN/);
  });

  it('throws typed errors that name the argument and say what to do', () => {
    const y = Array.from({ length: 24 }, (_, i) => Math.sin(i) + i / 10);
    expectTyped(() => stl([1, 2, 3, 4, 5, 6, 7, 8], 4, { sWindow: 7 }), DataError, 'y', /less than two periods.*more than 2·period = 8 values/);
    expectTyped(() => stl(y, 1, { sWindow: 7 }), ArgumentError, 'period', /not periodic.*give the seasonal period/);
    expectTyped(() => stl(y, Number.NaN, { sWindow: 7 }), ArgumentError, 'period', /finite/);
    expectTyped(() => stl([1, Number.NaN, ...y], 4, { sWindow: 7 }), DataError, 'y', /NaN\) at index 1; .*fill the gap/);
    expectTyped(() => stl([Infinity, ...y], 4, { sWindow: 7 }), DataError, 'y', /non-finite value at index 0/);
    expectTyped(() => stl(y, 4, { sWindow: Number.NaN }), ArgumentError, 'sWindow', /"periodic"/);
    expectTyped(() => stl(y, 4.5, { sWindow: 'periodic' }), ArgumentError, 'period', /integer period/);
    expectTyped(() => stl(y, 4, { sWindow: 7, sDegree: 2 }), ArgumentError, 'sDegree', /must be 0 or 1 .*; got 2/);
    expectTyped(() => stl(y, 4, { sWindow: 7, tJump: 0 }), ArgumentError, 'tJump', /jumps must be >= 1; tJump is 0/);
    expectTyped(() => stl(y, 4, { sWindow: 7, inner: Number.NaN }), ArgumentError, 'inner', /finite number/);
    expectTyped(() => mstl(y, 1), ArgumentError, 'period', /seasonal period > 1/);
  });

  it('decomposes exactly: seasonal + trend + remainder = y', () => {
    const { y } = getSeries('co2');
    const fit = stl(y, 12, { sWindow: 7, robust: true });
    for (let i = 0; i < y.length; i++) {
      expect(Math.abs(fit.seasonal[i] + fit.trend[i] + fit.remainder[i] - y[i])).toBeLessThan(1e-9);
    }
  });
});

describe('mstl matches forecast::mstl (single seasonal period)', () => {
  const tol = fx.tolerance.stl;
  for (const c of fx.mstl) {
    it(c.series, () => {
      const { spec, y } = getSeries(c.series);
      const fit = mstl(y, spec.frequency);
      const scale = Math.max(...y.map(Math.abs));
      expect(worstRatio(fit.trend, c.trend, tol.rel, tol.abs, scale)).toBeLessThanOrEqual(1);
      expect(worstRatio(fit.seasonal, c.seasonal, tol.rel, tol.abs, scale)).toBeLessThanOrEqual(1);
      expect(worstRatio(fit.remainder, c.remainder, tol.rel, tol.abs, scale)).toBeLessThanOrEqual(1);
    });
  }
});

describe('KPSS as forecast::ndiffs calls urca::ur.kpss', () => {
  for (const r of fx.kpss) {
    it(`${r.series} ${r.variant} ${r.type}`, () => {
      const x = variant(r.series, r.variant);
      expect(x.length).toBe(r.n);
      const k = kpssTest(x, { type: r.type });
      expect(k.lag).toBe(r.lag);
      expect(k.n).toBe(r.n);
      expectClose(k.statistic, r.statistic, fx.tolerance.kpss_statistic.rel);
      expectClose(k.pValue, r.pvalue, fx.tolerance.kpss_pvalue.rel, fx.tolerance.kpss_pvalue.abs);
    });
  }

  it('p-value interpolation and clamping', () => {
    expect(kpssPValue(0.1)).toBe(0.1);
    expect(kpssPValue(0.347)).toBe(0.1);
    expect(kpssPValue(0.463)).toBe(0.05);
    expect(kpssPValue(5)).toBe(0.01);
    expectClose(kpssPValue((0.463 + 0.574) / 2), 0.0375, 1e-12);
    expect(kpssPValue(Number.NaN)).toBeNaN();
    expect(kpssPValue(0.146, 'tau')).toBe(0.05);
  });
});

describe('ndiffs matches forecast::ndiffs (KPSS)', () => {
  for (const r of fx.ndiffs) {
    it(`${r.series} ${r.variant} alpha=${r.alpha} max.d=${r.maxD}`, () => {
      const x = variant(r.series, r.variant);
      expect(ndiffs(x, { alpha: r.alpha, maxD: r.maxD })).toBe(r.ndiffs);
    });
  }
});

describe('seasonal strength matches forecast:::seas.heuristic', () => {
  const tol = fx.tolerance.seasonal_strength;
  for (const r of fx.seasonal_strength) {
    it(`${r.series} ${r.variant}`, () => {
      const x = variant(r.series, r.variant);
      expectClose(seasonalStrength(x, getSeries(r.series).spec.frequency), r.strength, tol.rel, tol.abs);
    });
  }
});

describe('nsdiffs matches forecast::nsdiffs (seas)', () => {
  for (const r of fx.nsdiffs) {
    it(`${r.series} ${r.variant} max.D=${r.maxD}`, () => {
      const x = variant(r.series, r.variant);
      const warnings: string[] = [];
      const D = nsdiffs(x, getSeries(r.series).spec.frequency, { maxD: r.maxD, onWarning: (m) => warnings.push(m) });
      expect(D).toBe(r.nsdiffs);
      expect(warnings.length).toBe(r.warnings.length);
    });
  }

  it('errors on non-seasonal data like R', () => {
    expect(fx.nsdiffs_nonseasonal_error).toBe('Non seasonal data');
    expect(() => nsdiffs([1, 3, 2, 5, 4, 6, 5, 8], 1)).toThrow('Non seasonal data');
  });
});

describe("auto.arima's (d, D) choice", () => {
  for (const r of fx.auto_arima_diffs) {
    it(r.series, () => {
      const { y } = getSeries(r.series);
      const res = autoARIMADiffs(y, r.frequency);
      expect({ d: res.d, D: res.D }).toEqual({ d: r.d, D: r.D });
      const ns = autoARIMADiffs(y, r.frequency, { seasonal: false });
      expect({ d: ns.d, D: ns.D, m: ns.m }).toEqual({ d: r.seasonal_false_d, D: 0, m: 1 });
    });
  }

  it('respects fixed orders and stationary', () => {
    const { y } = getSeries('AirPassengers');
    expect(autoARIMADiffs(y, 12, { stationary: true })).toEqual({ d: 0, D: 0, m: 12 });
    expect(autoARIMADiffs(y, 12, { d: 2, D: 0 })).toEqual({ d: 2, D: 0, m: 12 });
  });
});

describe('edge cases (synthetic series)', () => {
  for (const r of fx.edge_cases) {
    it(r.id, () => {
      expect(isConstant(r.x)).toBe(r.is_constant);
      for (const nd of r.ndiffs) {
        const warnings: string[] = [];
        expect(ndiffs(r.x, { alpha: nd.alpha, maxD: nd.maxD, onWarning: (m) => warnings.push(m) })).toBe(nd.ndiffs);
        expect(warnings).toEqual(nd.warnings);
      }
      if (r.kpss) {
        const k = kpssTest(r.x);
        expect(k.lag).toBe(r.kpss.lag);
        expectClose(k.statistic, r.kpss.statistic, fx.tolerance.kpss_statistic.rel);
        expectClose(k.pValue, r.kpss.pvalue, fx.tolerance.kpss_pvalue.rel, fx.tolerance.kpss_pvalue.abs);
      }
      const warnings: string[] = [];
      expect(nsdiffs(r.x, r.period, { maxD: r.nsdiffs.maxD, onWarning: (m) => warnings.push(m) })).toBe(r.nsdiffs.nsdiffs);
      expect(warnings.length).toBe(r.nsdiffs.warnings.length);
      if (r.strength !== undefined) {
        const tol = fx.tolerance.seasonal_strength;
        expectClose(seasonalStrength(r.x, r.period), r.strength, tol.rel, tol.abs);
      }
    });
  }

  it('rejects missing values', () => {
    expect(() => ndiffs([1, Number.NaN, 3])).toThrow(/NaN/);
    expect(() => kpssTest([1, Number.NaN, 3])).toThrow(/NaN/);
    expect(() => nsdiffs([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9], 4)).toThrow(/NaN/);
  });

  it('throws typed errors that name the argument and say what to do', () => {
    expectTyped(() => ndiffs([1, Number.NaN, 3]), DataError, 'y', /NaN\) at index 1; .*fill the gap/);
    expectTyped(() => kpssTest([1, 2, -Infinity]), DataError, 'y', /non-finite value at index 2/);
    expectTyped(() => kpssTest([]), DataError, 'y', /empty series/);
    expectTyped(() => nsdiffs([1, 3, 2, 5, 4, 6, 5, 8], 1), ArgumentError, 'period', /^Non seasonal data.*use ndiffs/);
    expectTyped(() => nsdiffs([1, 3, 2, 5, 4, 6, 5, 8], Number.NaN), ArgumentError, 'period', /finite/);
    // @ts-expect-error testing an unsupported test at run time
    expectTyped(() => nsdiffs([1, 3, 2, 5, 4, 6, 5, 8], 4, { test: 'ocsb' }), ArgumentError, 'test', /only test = 'seas'.*got 'ocsb'/);
  });
});

/** Runs `fn`, expecting an error of class `cls` about `argument` whose message matches `message`. */
function expectTyped(fn: () => unknown, cls: typeof ArgumentError | typeof DataError, argument: string, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  expect((err as ArdiffError).argument).toBe(argument);
  expect((err as ArdiffError).message).toMatch(message);
}
