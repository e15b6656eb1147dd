// Bad input gets a typed error that names the argument and says what to do — never NaN.
// One test per case, through the API and through the CLI (exit code 2, JSON error object).
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitARIMA } from '../src/classical/arima.js';
import { fitAutoARIMA } from '../src/classical/auto-arima.js';
import { fitAR } from '../src/classical/ar.js';
import { fitOLS } from '../src/classical/ols.js';
import { parseCsv, numericColumn, applyTransform } from '../src/core/series.js';
import { ArgumentError, DataError, SingularMatrixError, ArdiffError } from '../src/core/errors.js';
import { runCliJson } from './cli-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ardiff-bad-'));
function csv(name: string, text: string): string {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
}
function caught(fn: () => unknown): ArdiffError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ArdiffError) return e;
    throw e;
  }
  throw new Error('expected an error');
}
async function cliError(args: string[]) {
  const { code, json } = await runCliJson(args);
  expect(code).toBe(2);
  const err = (json as { error: { type: string; argument: string; message: string } }).error;
  expect(err.message).not.toMatch(/NaN/);
  return err;
}
const series = Array.from({ length: 60 }, (_, i) => 10 + Math.sin(i / 3) + 0.1 * ((i * 7919) % 13));
const good = csv('good.csv', ['y,x,z', ...series.map((v, i) => `${v},${i % 5},${(i * 37) % 11}`)].join('\n'));

describe('bad input', () => {
  it('missing column', async () => {
    const e = caught(() => numericColumn(parseCsv('a,b\n1,2\n3,4', 'f.csv'), 'c'));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/no column 'c'; available columns: a, b/);
    const c = await cliError(['fit', '--data', good, '--column', 'nope', '--model', 'arima', '--order', '1,0,0']);
    expect(c.type).toBe('DataError');
    expect(c.argument).toBe('--column');
  });

  it('non-numeric cells name the row and column', async () => {
    const e = caught(() => numericColumn(parseCsv('y\n1\n2\nabc\n4', 'f.csv'), 'y'));
    expect(e.message).toMatch(/column 'y', row 3 holds 'abc'/);
    const f = csv('text.csv', 'y\n1\n2\nthree\n4\n5\n6\n7\n8\n9\n10');
    const c = await cliError(['fit', '--data', f, '--column', 'y', '--model', 'arima', '--order', '1,0,0']);
    expect(c.message).toMatch(/row 3 holds 'three'/);
  });

  it('all-missing series', async () => {
    expect(caught(() => fitARIMA([NaN, NaN, NaN, NaN], { order: [1, 0, 0] }))).toBeInstanceOf(DataError);
    expect(caught(() => fitAutoARIMA([NaN, NaN, NaN]))).toBeInstanceOf(DataError);
    const f = csv('na.csv', 'y\nNA\nNA\n\nNA');
    const c = await cliError(['fit', '--data', f, '--column', 'y', '--model', 'arima', '--order', '0,0,0']);
    expect(c.message).toMatch(/all missing/);
  });

  it('constant series', async () => {
    const flat = new Array(30).fill(5);
    expect(caught(() => fitARIMA(flat, { order: [1, 0, 0] })).message).toMatch(/constant/);
    expect(caught(() => fitAutoARIMA(flat)).message).toMatch(/constant/);
    expect(caught(() => fitAR(flat, { order: 1 })).argument).toBe('y');
    const f = csv('flat.csv', ['y', ...flat].join('\n'));
    const c = await cliError(['fit', '--data', f, '--column', 'y', '--model', 'auto-arima']);
    expect(c.argument).toBe('--column');
  });

  it('series shorter than the model needs', async () => {
    const e = caught(() => fitARIMA([1, 3, 2, 4, 3], { order: [3, 0, 2] }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/too short.*needs at least \d+ observations/);
    const f = csv('short.csv', 'y\n1\n3\n2\n4\n3');
    expect((await cliError(['fit', '--data', f, '--column', 'y', '--model', 'ar', '--order', '4'])).type).toMatch(/Error/);
  });

  it('d + D·s ≥ n', async () => {
    const e = caught(() => fitARIMA(series.slice(0, 12), { order: [0, 1, 0], seasonal: { order: [0, 1, 0], period: 12 } }));
    expect(e.argument).toBe('order');
    expect(e.message).toMatch(/d \+ D·s = 13 needs more than 13 observations; got 12/);
    const f = csv('twelve.csv', ['y', ...series.slice(0, 12)].join('\n'));
    expect((await cliError(['fit', '--data', f, '--column', 'y', '--model', 'arima', '--order', '0,1,0', '--seasonal', '0,1,0,12'])).argument).toBe('--order');
  });

  it('negative or absurd orders', async () => {
    expect(caught(() => fitARIMA(series, { order: [-1, 0, 0] }))).toBeInstanceOf(ArgumentError);
    expect(caught(() => fitARIMA(series, { order: [1.5, 0, 0] })).argument).toBe('order');
    expect(caught(() => fitARIMA(series, { order: [500, 0, 0] })).message).toMatch(/absurdly large/);
    expect(caught(() => fitAR(series, { order: -2 })).argument).toBe('order');
    expect((await cliError(['fit', '--data', good, '--column', 'y', '--model', 'arima', '--order', '1,-1,0'])).argument).toBe('--order');
    expect((await cliError(['fit', '--data', good, '--column', 'y', '--model', 'arima', '--order', '99,0,0'])).argument).toBe('--order');
  });

  it('seasonal period < 2', async () => {
    const e = caught(() => fitARIMA(series, { order: [0, 0, 0], seasonal: { order: [1, 0, 0], period: 1 } }));
    expect(e.argument).toBe('seasonal');
    expect(caught(() => fitAutoARIMA(series, { period: 0 })).argument).toBe('period');
    expect((await cliError(['fit', '--data', good, '--column', 'y', '--model', 'arima', '--order', '0,0,0', '--seasonal', '1,0,0,1'])).argument).toBe('--seasonal');
  });

  it('log of non-positive values', async () => {
    const e = caught(() => applyTransform([1, 2, 0, 3], 'log'));
    expect(e.message).toMatch(/observation 3 is 0/);
    const f = csv('neg.csv', 'y\n1\n2\n-1\n3\n4\n5\n6\n7');
    const c = await cliError(['fit', '--data', f, '--column', 'y', '--transform', 'log', '--model', 'ar', '--order', '1']);
    expect(c.argument).toBe('--transform');
  });

  it('exog with missing rows', async () => {
    const x = series.map((_, i) => (i === 10 ? NaN : i % 3));
    const e = caught(() => fitARIMA(series, { order: [1, 0, 0], exog: { x } }));
    expect(e.argument).toBe('exog');
    expect(e.message).toMatch(/'x' has a missing or non-finite value at row 11/);
    const f = csv('exogna.csv', ['y,x', ...series.map((v, i) => `${v},${i === 10 ? 'NA' : i % 3}`)].join('\n'));
    const fut = csv('fut3.csv', 'x\n1\n2\n3');
    expect((await cliError(['fit', '--data', f, '--column', 'y', '--model', 'arima', '--order', '1,0,0', '--exog', 'x', '--exog-future', fut])).argument).toBe('exog');
  });

  it('exog future of the wrong length', async () => {
    const fit = fitARIMA(series, { order: [1, 0, 0], exog: { x: series.map((_, i) => i % 5) } });
    const e = caught(() => fit.forecast(5, { exog: { x: [1, 2, 3] } }));
    expect(e.argument).toBe('exog-future');
    expect(e.message).toMatch(/has 3 values; expected 5/);
    expect(caught(() => fit.forecast(5)).message).toMatch(/missing regressor 'x'/);
    const fut = csv('fut3b.csv', 'x\n1\n2\n3');
    const c = await cliError(['fit', '--data', good, '--column', 'y', '--model', 'arima', '--order', '1,0,0', '--exog', 'x', '--exog-future', fut, '--horizon', '5']);
    expect(c.argument).toBe('--exog-future');
  });

  it('singular OLS design names the collinear columns', async () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8], b = [2, 1, 4, 3, 6, 5, 8, 7];
    const c2 = a.map((v, i) => 2 * v - b[i]);
    const e = caught(() => fitOLS([3, 1, 4, 1, 5, 9, 2, 6], { a, b, c: c2 }));
    expect(e).toBeInstanceOf(SingularMatrixError);
    expect(e.message).toMatch(/collinear column\(s\) c \(c = 2·a \+ -1·b\)|collinear column\(s\) (a|b) /);
    const f = csv('collinear.csv', ['y,a,b,c', ...a.map((v, i) => `${[3, 1, 4, 1, 5, 9, 2, 6][i]},${v},${b[i]},${c2[i]}`)].join('\n'));
    const c = await cliError(['fit', '--data', f, '--model', 'ols', '--y', 'y', '--x', 'a,b,c']);
    expect(c.type).toBe('SingularMatrixError');
    expect(c.message).toMatch(/collinear/);
  });

  it('unknown model, trend with differencing, bad level', async () => {
    expect((await cliError(['fit', '--data', good, '--column', 'y', '--model', 'prophet'])).argument).toBe('--model');
    expect(caught(() => fitARIMA(series, { order: [0, 1, 1], trend: 'c' })).argument).toBe('trend');
    expect((await cliError(['fit', '--data', good, '--column', 'y', '--model', 'ar', '--order', '1', '--level', '120'])).argument).toBe('--level');
  });
});

describe('fitModel checks options against the registry schema', () => {
  it('an unknown option, a wrong type or a value out of range is an ArgumentError naming the option', async () => {
    const { fitModel } = await import('../src/registry.js');
    const y = Array.from({ length: 60 }, (_, i) => Math.sin(i / 3) + i / 10);
    const err = async (name: string, o: Record<string, unknown>) => {
      try { await fitModel(name, y, o); } catch (e) { return e as ArgumentError; }
      throw new Error('expected an error');
    };
    const typo = await err('ar', { oder: 2 });
    expect(typo).toBeInstanceOf(ArgumentError);
    expect(typo.argument).toBe('oder');
    expect(typo.message).toMatch(/ar has no option 'oder'.*order, method, trend/);
    expect((await err('ar', { order: 'two' })).argument).toBe('order');
    expect((await err('ar', {})).message).toMatch(/ar needs order/);
    expect((await err('arima', { order: [1, 1] })).argument).toBe('order');
    expect((await err('nar', { order: 2, noise: 'laplace' })).argument).toBe('noise');
    expect((await err('nope', {})).argument).toBe('model');
    const fit = await fitModel('ar', y, { order: 2 });
    expect(fit.kind).toBe('ar');
  });
});
