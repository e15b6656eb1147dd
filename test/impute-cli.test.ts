// `ardiff impute` through the source (in-process, test/cli-helpers.ts): the written table, the
// JSON summary and the error contract (typed error, exit code 2, {"error": {type, argument, message}}).
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliJson } from './cli-helpers.js';
import { parseCsv } from '../src/core/series.js';
import { imputeKalman, imputeLinear } from '../src/classical/impute.js';

const dir = mkdtempSync(join(tmpdir(), 'ardiff-impute-cli-'));

// 48 rows: `a` an AR(1)-like series with gaps written as empty cells, NA and NaN; `b` a trending
// series with a run of gaps and a trailing gap; `label` text and `c` numbers that must be copied as they are.
const n = 48;
const a = Array.from({ length: n }, (_, t) => 10 + 3 * Math.sin(t / 2.5) + 0.8 * Math.cos(t * 1.3));
const b = Array.from({ length: n }, (_, t) => 100 + 2 * t + 5 * Math.sin(t * 0.9));
const gapA: Record<number, string> = { 3: '', 10: 'NA', 11: 'NaN', 30: '', 47: 'NA' };
const gapB = [0, 20, 21, 22, 23, 46, 47];
const rows = Array.from({ length: n }, (_, t) => [
  String(t + 1),
  t in gapA ? gapA[t] : a[t].toFixed(4),
  gapB.includes(t) ? '' : b[t].toFixed(3),
  t % 2 ? 'odd, "quoted"' : 'even',
  (t * 0.5).toFixed(1),
]);
const csv = ['t,a,b,label,c', ...rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join('\n') + '\n';
const data = join(dir, 'data.csv');
writeFileSync(data, csv);
const column = (name: string) => Float64Array.from(rows, (r) => {
  const cell = r[['t', 'a', 'b', 'label', 'c'].indexOf(name)];
  return cell === '' || cell === 'NA' || cell === 'NaN' ? NaN : Number(cell);
});

describe('ardiff impute --model kalman', () => {
  const out = join(dir, 'kalman.csv');
  it('writes the table with the gaps of the named columns filled, q05/q95 columns, and a JSON summary', async () => {
    const { code, json, stderr } = await runCliJson(['impute', '--data', data, '--columns', 'a,b', '--model', 'kalman', '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(json.model).toBe('kalman');
    expect(json.rows).toBe(n);
    const cols = json.columns as { column: string; model: string; gapsFilled: number; order: number[]; seasonalOrder: number[]; label: string }[];
    expect(cols.map((c) => [c.column, c.model, c.gapsFilled])).toEqual([['a', 'kalman', 5], ['b', 'kalman', 7]]);
    for (const c of cols) {
      expect(c.order).toHaveLength(3);
      expect(c.seasonalOrder).toHaveLength(4);
      expect(c.label).toMatch(/^ARIMA\(/);
    }

    const t = parseCsv(readFileSync(out, 'utf8'));
    expect(t.columns).toEqual(['t', 'a', 'b', 'label', 'c', 'a_q05', 'a_q95', 'b_q05', 'b_q95']);
    expect(t.rows.length).toBe(n);
    for (const name of ['a', 'b']) {
      const y = column(name);
      const lib = imputeKalman(y, { period: 1, level: 90 });
      const j = t.columns.indexOf(name), jl = t.columns.indexOf(`${name}_q05`), ju = t.columns.indexOf(`${name}_q95`);
      let gaps = 0;
      t.rows.forEach((r, i) => {
        if (Number.isNaN(y[i])) {
          gaps++;
          // the written value is the library's, to the last bit
          expect(Number(r[j])).toBe(lib.filled[i]);
          expect(Number(r[jl])).toBe(lib.intervals[0].lower[i]);
          expect(Number(r[ju])).toBe(lib.intervals[0].upper[i]);
          expect(Number(r[jl])).toBeLessThan(Number(r[j]));
          expect(Number(r[ju])).toBeGreaterThan(Number(r[j]));
        } else {
          expect(r[j]).toBe(rows[i][['t', 'a', 'b', 'label', 'c'].indexOf(name)]);
          expect(Number(r[jl])).toBe(y[i]);
          expect(Number(r[ju])).toBe(y[i]);
        }
      });
      expect(gaps).toBeGreaterThan(0);
    }
    // columns not named are copied unchanged (text, quotes and all)
    t.rows.forEach((r, i) => {
      expect(r[0]).toBe(rows[i][0]);
      expect(r[3]).toBe(rows[i][3]);
      expect(r[4]).toBe(rows[i][4]);
    });
  });

  it('prints a text summary without --json', async () => {
    const r = await runCli(['impute', '--data', data, '--columns', 'a', '--model', 'kalman', '--out', join(dir, 'kalman-a.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/a\s+5\s+ARIMA\(/);
    expect(r.stdout).toMatch(/48 rows written to/);
  });
});

describe('ardiff impute --model linear', () => {
  it('fills with straight lines (the library\'s values) and adds no quantile columns', async () => {
    const out = join(dir, 'linear.csv');
    const { code, json } = await runCliJson(['impute', '--data', data, '--columns', 'b', '--model', 'linear', '--out', out]);
    expect(code).toBe(0);
    expect(json.columns).toEqual([{ column: 'b', model: 'linear', gapsFilled: 7, label: null, order: null, seasonalOrder: null }]);
    const t = parseCsv(readFileSync(out, 'utf8'));
    expect(t.columns).toEqual(['t', 'a', 'b', 'label', 'c']);
    const lib = imputeLinear(column('b')).filled;
    t.rows.forEach((r, i) => expect(Number(r[2])).toBe(lib[i]));
    // column a was not named: its gaps stay gaps, as written
    t.rows.forEach((r, i) => expect(r[1]).toBe(rows[i][1]));
  });
});

describe('ardiff impute --model diffusion (CSDI, a small network so it trains in seconds)', () => {
  const small = ['--epochs', '2', '--layers', '1', '--channels', '8', '--samples', '8', '--window', '16'];
  it('fills the gaps of both columns jointly, observed values as written, q05 ≤ value ≤ q95, the same file for the same seed', async () => {
    const out1 = join(dir, 'csdi1.csv'), out2 = join(dir, 'csdi2.csv');
    const { code, json } = await runCliJson(['impute', '--data', data, '--columns', 'a,b', '--model', 'diffusion', ...small, '--seed', '3', '--out', out1]);
    expect(code).toBe(0);
    const cols = json.columns as { column: string; model: string; gapsFilled: number; label: string }[];
    expect(cols.map((c) => [c.column, c.model, c.gapsFilled])).toEqual([['a', 'diffusion', 5], ['b', 'diffusion', 7]]);
    expect(cols[0].label).toMatch(/^CSDI\(1 layers × 8 channels, window 16, 2 epochs, 8 samples\)$/);
    const t = parseCsv(readFileSync(out1, 'utf8'));
    expect(t.columns).toEqual(['t', 'a', 'b', 'label', 'c', 'a_q05', 'a_q95', 'b_q05', 'b_q95']);
    let gaps = 0;
    for (const name of ['a', 'b']) {
      const y = column(name), j = t.columns.indexOf(name), jl = t.columns.indexOf(`${name}_q05`), ju = t.columns.indexOf(`${name}_q95`);
      t.rows.forEach((r, i) => {
        const v = Number(r[j]), lo = Number(r[jl]), hi = Number(r[ju]);
        expect(Number.isFinite(v) && Number.isFinite(lo) && Number.isFinite(hi)).toBe(true);
        if (Number.isNaN(y[i])) {
          gaps++;
          expect(lo).toBeLessThanOrEqual(v);
          expect(v).toBeLessThanOrEqual(hi);
        } else {
          expect(r[j]).toBe(rows[i][['t', 'a', 'b'].indexOf(name)]);
          expect([lo, hi]).toEqual([y[i], y[i]]);
        }
      });
    }
    expect(gaps).toBe(12);
    expect((await runCliJson(['impute', '--data', data, '--columns', 'a,b', '--model', 'diffusion', ...small, '--seed', '3', '--out', out2])).code).toBe(0);
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out1, 'utf8'));
  });
});

describe('ardiff impute: error contract (exit code 2, typed JSON error)', () => {
  const noObs = join(dir, 'noobs.csv');
  writeFileSync(noObs, 'x,y\n1,\n2,NA\n3,NaN\n4,\n');
  const notDir = join(dir, 'a-file');
  writeFileSync(notDir, 'not a folder');
  mkdirSync(join(dir, 'a-folder'), { recursive: true });

  const cases: [string, string[], string, string, RegExp][] = [
    ['a column the table does not have', ['--data', data, '--columns', 'a,zz', '--model', 'linear', '--out', join(dir, 'x1.csv')], 'DataError', '--columns', /has no column 'zz'; available columns: t, a, b, label, c/],
    ['--out under a regular file (cannot be created)', ['--data', data, '--columns', 'a', '--model', 'kalman', '--out', join(notDir, 'out.csv')], 'ArgumentError', '--out', /cannot create the folder of --out/],
    ['--out is a folder', ['--data', data, '--columns', 'a', '--model', 'kalman', '--out', join(dir, 'a-folder')], 'ArgumentError', '--out', /is a folder; give a file path/],
    ['--out is the --data file', ['--data', data, '--columns', 'a', '--model', 'linear', '--out', data], 'ArgumentError', '--out', /--out is the --data file/],
    ['a column with no observed values', ['--data', noObs, '--columns', 'y', '--model', 'kalman', '--out', join(dir, 'x2.csv')], 'DataError', '--columns', /column 'y' has no observed values \(all 4 rows are empty, NA or NaN\)/],
    ['an unknown --model', ['--data', data, '--columns', 'a', '--model', 'csdi', '--out', join(dir, 'x4.csv')], 'ArgumentError', '--model', /unknown model 'csdi' for --model; choose one of kalman, linear, diffusion/],
    ['a training flag of the diffusion model with --model linear', ['--data', data, '--columns', 'a', '--model', 'linear', '--epochs', '2', '--out', join(dir, 'x9.csv')], 'ArgumentError', '--epochs', /--epochs applies to the trained models \(diffusion\), not --model linear/],
    ['a diffusion window longer than the data', ['--data', data, '--columns', 'a,b', '--model', 'diffusion', '--window', '100', '--out', join(dir, 'x10.csv')], 'ArgumentError', '--window', /window \(100\) is longer than the data \(48 rows\)/],
    ['a bad --channels', ['--data', data, '--columns', 'a,b', '--model', 'diffusion', '--channels', '0', '--out', join(dir, 'x11.csv')], 'ArgumentError', '--channels', /--channels must be a positive integer/],
    ['a bad --seed', ['--data', data, '--columns', 'a', '--model', 'linear', '--seed', '-1', '--out', join(dir, 'x5.csv')], 'ArgumentError', '--seed', /--seed must be a non-negative integer/],
    ['a missing --data file', ['--data', join(dir, 'nope.csv'), '--columns', 'a', '--model', 'linear', '--out', join(dir, 'x6.csv')], 'DataError', '--data', /does not exist/],
  ];
  it(`covers ${cases.length} cases`, () => expect(cases.length).toBeGreaterThan(5));
  for (const [name, args, type, argument, message] of cases) {
    it(name, async () => {
      const { code, json, stderr } = await runCliJson(['impute', ...args]);
      expect(code).toBe(2);
      const err = json.error as { type: string; argument: string; message: string };
      expect(err.type).toBe(type);
      expect(err.argument).toBe(argument);
      expect(err.message).toMatch(message);
      expect(stderr).toMatch(/^error: /);
    });
  }

  it('a column with one observed value: the library\'s "too few observed values" error, naming the column', async () => {
    const one = join(dir, 'one.csv');
    writeFileSync(one, 'x\n1\nNA\n\n');
    const { code, json } = await runCliJson(['impute', '--data', one, '--columns', 'x', '--model', 'linear', '--out', join(dir, 'x7.csv')]);
    expect(code).toBe(2);
    expect(json.error).toMatchObject({ type: 'DataError', argument: '--columns' });
    expect((json.error as { message: string }).message).toMatch(/^column 'x': y has 1 observed value; linear interpolation needs at least 2/);
  });

  it('checks --out before any model runs: with a column the model would reject too, the error is about --out', async () => {
    const two = join(dir, 'two.csv');
    writeFileSync(two, 'x\n1\nNA\n2\n');
    const bad = await runCliJson(['impute', '--data', two, '--columns', 'x', '--model', 'kalman', '--out', join(notDir, 'o.csv')]);
    expect(bad.json.error).toMatchObject({ type: 'ArgumentError', argument: '--out' });
    const good = await runCliJson(['impute', '--data', two, '--columns', 'x', '--model', 'kalman', '--out', join(dir, 'x8.csv')]);
    expect(good.json.error).toMatchObject({ type: 'DataError', argument: '--columns' });
    expect((good.json.error as { message: string }).message).toMatch(/^column 'x': y has 2 observed values; Kalman imputation needs at least 3/);
  });

  it('writes nothing when it fails', () => {
    for (const f of ['x1.csv', 'x2.csv', 'x4.csv', 'x5.csv', 'x7.csv', 'x8.csv', 'x9.csv', 'x10.csv', 'x11.csv']) expect(existsSync(join(dir, f))).toBe(false);
  });
});
