// Issue 13 (reliability): bad or extreme input gets a typed error naming the argument and saying
// what to do, or a right answer — never a stack trace, a silent NaN/null, the wrong column or a
// runaway process. Table-driven through the library API and the CLI's parsers; the generated
// cases (fast-check) are in robust-input.property.test.ts.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { ArdiffError, ArgumentError, ConvergenceError, DataError, SingularMatrixError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { extent, maxOf, minOf } from '../src/core/stats.js';
import { checkBudget, checkHorizon, checkMagnitude, checkModelJSON, checkPaths, MAX_HORIZON, MEMORY_BUDGET_BYTES, nameRecord, nonFinitePath } from '../src/core/validate.js';
import { columnExpression, findDataset, numericColumn, parseCsv, parseDecimal } from '../src/core/series.js';
import { parseFlagValue, parseIntList, parseOptions, type OptionSpec } from '../src/core/model-entry.js';
import { intFlag, levelsFlag, namesFlag, numberFlag } from '../src/cli/flags.js';
import { regressionData } from '../src/cli/data.js';
import { readTable } from '../src/node/data.js';
import { fitAR, FittedAR } from '../src/classical/ar.js';
import { fitARIMA, FittedARIMA } from '../src/classical/arima.js';
import { fitBayesAR, bayesArEntry, compareBayesAROrders } from '../src/classical/bayes-ar.js';
import { fitOLS } from '../src/classical/ols.js';
import { fitVAR, FittedVAR } from '../src/classical/var.js';
import { fitLassoVAR } from '../src/classical/lasso-var.js';
import { fitNaive } from '../src/classical/naive.js';
import { fromJSON, fitModel, type ModelJSON } from '../src/registry.js';
import { resolveScheduleConfig } from '../src/diffusion/schedules.js';
import { toyData } from '../src/diffusion/data/toy-data.js';
import { DDIMScheduler } from '../src/diffusion/schedulers/ddim.js';
import { ParamStore } from '../src/neural/params.js';
import { DiffusionModel, fitDiffusion } from '../src/diffusion/model.js';
import { initEngine } from '../src/neural/engine/index.js';
import { runCliJson } from './cli-helpers.js';

/** The error `f` throws (or undefined). */
function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** `f` throws an error of class `cls` naming `argument`. */
function expectTyped(f: () => unknown, cls: typeof ArdiffError, argument: string | undefined, message?: RegExp): void {
  const e = caught(f);
  expect(e, `expected a ${cls.name}`).toBeInstanceOf(cls);
  expect((e as ArdiffError).argument).toBe(argument);
  if (message) expect((e as Error).message).toMatch(message);
}

/** A seeded AR(1) path y_t = φ y_{t−1} + ε_t. */
function ar1(n: number, phi: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  const y = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev = phi * prev + rng.normal();
    y[i] = prev * scale;
  }
  return y;
}

const csv = (text: string) => parseCsv(text, 'test.csv');

describe('1. long series: no data-sized spreads into arguments', () => {
  it('extent, minOf and maxOf handle arrays far beyond the argument limit (NaN skipped)', () => {
    const x = Float64Array.from({ length: 500_000 }, (_, i) => Math.sin(i));
    x[123] = -7; x[4567] = 9; x[8] = NaN;
    expect(extent(x)).toEqual([-7, 9]);
    expect(minOf(x)).toBe(-7);
    expect(maxOf(x)).toBe(9);
    expect(extent([])).toEqual([Infinity, -Infinity]);
  });

  it('fitAR and fitARIMA(1,0,1) fit 1e6 points of a seeded AR(1) and recover φ within 0.01', () => {
    const y = ar1(1_000_000, 0.6, 11);
    const ar = fitAR(y, { order: 1 });
    expect(Math.abs(ar.ar[0] - 0.6)).toBeLessThan(0.01);
    const arma = fitARIMA(y, { order: [1, 0, 1] });
    expect(Math.abs(arma.arimaParams.ar[0] - 0.6)).toBeLessThan(0.01);
    expect(Math.abs(arma.arimaParams.ma[0])).toBeLessThan(0.01);
    expect(Number.isFinite(arma.llf)).toBe(true);
  }, 60_000);

  it.each([
    ['AR', () => fitAR(ar1(300, 0.5, 2), { order: 2 })],
    ['ARIMA', () => fitARIMA(ar1(300, 0.5, 2), { order: [1, 1, 1] })],
  ])('%s forecasts a horizon of 200000 steps (no recursion, no stack overflow)', (_, fit) => {
    const fc = fit().forecast(200_000);
    const mean = fc.mean();
    expect(mean.length).toBe(200_000);
    expect(Number.isFinite(mean[199_999])).toBe(true);
    expect(Number.isFinite(fc.interval(95).upper[199_999])).toBe(true);
  });
});

describe('2. size limits: a typed error stating the limit instead of running out of memory', () => {
  const fitted = fitAR(ar1(200, 0.5, 3), { order: 1 });
  const arima = fitARIMA(ar1(200, 0.5, 3), { order: [1, 0, 0] });
  const naive = fitNaive(ar1(50, 0.5, 3));
  const v = ar1(120, 0.5, 4), w = ar1(120, 0.3, 5);
  const varFit = fitVAR({ names: ['a', 'b'], columns: [v, w] }, { lags: 1 });
  const rng = () => createRng(1);
  it.each([
    ['checkHorizon 1e9', () => checkHorizon(1e9), 'horizon'],
    ['checkHorizon beyond 2^24', () => checkHorizon(MAX_HORIZON + 1), 'horizon'],
    ['AR forecast(1e9)', () => fitted.forecast(1e9), 'horizon'],
    ['ARIMA forecast(1e9)', () => arima.forecast(1e9), 'horizon'],
    ['AR sample 1e8 paths', () => fitted.sample(10, { paths: 1e8, rng: rng() }), 'paths'],
    ['ARIMA sample 1e6 paths × 1000 steps', () => arima.sample(1000, { paths: 1e6, rng: rng() }), 'paths'],
    ['naive sample 1e8 paths', () => naive.sample(1, { paths: 1e8, rng: rng() }), 'paths'],
    ['VAR sample 1e7 paths × 100 steps', () => varFit.sample(100, { paths: 1e7, rng: rng() }), 'paths'],
    ['checkPaths', () => checkPaths(1e8, 1), 'paths'],
    ['diffusion schedule of 1e9 timesteps', () => resolveScheduleConfig({ numTrainTimesteps: 1e9 }), 'numTrainTimesteps'],
    ['toy data of 1e9 rows', () => toyData('moons', 1e9, rng()), 'n'],
  ])('%s → ArgumentError', (_, f, argument) => {
    expectTyped(f, ArgumentError, argument, /1 GiB/);
  });

  it('states the limit and the largest count that fits', () => {
    const e = caught(() => checkBudget(2 ** 30, 8, 'paths', 'values')) as ArgumentError;
    expect(e.message).toMatch(/^paths asks for 1,073,741,824 values, which would take 8\.0 GiB; .*1 GiB .*at most 134,217,728/);
    expect(() => checkBudget(MEMORY_BUDGET_BYTES / 8, 8, 'x')).not.toThrow();
    expect(MAX_HORIZON).toBe(2 ** 24);
    expect(() => checkHorizon(MAX_HORIZON)).not.toThrow();
    expectTyped(() => checkHorizon(0), ArgumentError, 'horizon', /positive integer/);
    expectTyped(() => checkHorizon(2.5, 'h'), ArgumentError, 'h');
  });

  it('diffusion: sampling 1e9 rows (or a long trajectory of many) → ArgumentError naming n, before any work', async () => {
    await initEngine({ backend: 'wasm' });
    const data = toyData('moons', 64, createRng(2));
    const model = fitDiffusion(data, 2, { steps: 2, denoiser: { width: 8, blocks: 0 } });
    expectTyped(() => model.sample(1e9, { rng: createRng(1) }), ArgumentError, 'n', /1 GiB/);
    expectTyped(() => model.sample(1e6, { rng: createRng(1), steps: 1000, scheduler: 'ddim', trajectory: true }), ArgumentError, 'n', /trajectory/);
    expectTyped(() => model.sample(0, { rng: createRng(1) }), ArgumentError, 'n');
    expect(model.sample(3, { rng: createRng(1), steps: 2 }).samples.length).toBe(6);
    const restored = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.columns).toEqual(model.columns);
  });

  it('a model file with numTrainTimesteps 1e9 is a DataError naming the model, not an out-of-memory abort', () => {
    const json = fakeDiffusionJSON({ schedule: { numTrainTimesteps: 1e9, betaStart: 1e-4, betaEnd: 0.02, betaSchedule: 'linear' } });
    expectTyped(() => DiffusionModel.fromJSON(json), DataError, 'model', /numTrainTimesteps/);
  });
});

/** A minimal diffusion model file (an MLP denoiser's weights are checked only after these fields). */
function fakeDiffusionJSON(over: Record<string, unknown>): never {
  return {
    kind: 'diffusion', version: 1, columns: ['x1', 'x2'], classNames: [], mean: [0, 0], std: [1, 1],
    schedule: { numTrainTimesteps: 10, betaStart: 1e-4, betaEnd: 0.02, betaSchedule: 'linear' }, prediction: 'epsilon', trainLoss: 0.5,
    denoiser: { kind: 'mlp', config: {}, params: [] }, ...over,
  } as never;
}

describe('3. columns: exact names, duplicates, names that are also Object.prototype keys', () => {
  const table = csv('__proto__,b,y,log(x),x,constructor\n' + Array.from({ length: 14 }, (_, i) => {
    const a = Math.sin(i) + i / 3, b = Math.cos(2 * i), x = i + 1;
    return [a, b, 2 * a - b + 0.1 * Math.sin(7 * i), 100 + i, x, Math.cos(i)].map((z) => z.toFixed(6)).join(',');
  }).join('\n'));

  it("a column literally named 'log(x)' is that column, not the log of x", () => {
    expect(Array.from(columnExpression(table, 'log(x)')).slice(0, 2)).toEqual([100, 101]);
    expect(columnExpression(table, 'sqrt(x)')[3]).toBe(2); // no such column: still an expression
    expect(columnExpression(table, 'exp(x)')[0]).toBeCloseTo(Math.E, 5);
  });

  it.each([
    ['two y columns', 'y,b,y\n1,2,3\n4,5,6\n', /'y' twice \(columns 1 and 3\)/],
    ['two empty names', ',\n1,2\n', /'' twice/],
  ])('a header naming a column twice (%s) is a DataError naming the duplicate', (_, text, message) => {
    expectTyped(() => parseCsv(text, 'dup.csv'), DataError, 'data', message);
  });

  it.each(['__proto__', 'constructor'])("a column named '%s' stays a regressor of OLS (CLI data) and of ARIMA's exog", (name) => {
    const data = regressionData(table, { data: 'test.csv', y: 'y', x: `${name},b` }, 'ols');
    expect(Object.keys(data.X)).toEqual([name, 'b']);
    const ols = fitOLS(data.y, data.X);
    expect(ols.paramNames).toEqual(['const', name, 'b']);
    const exog = nameRecord<Float64Array>();
    exog[name] = numericColumn(table, name);
    const arima = fitARIMA(numericColumn(table, 'y'), { order: [0, 0, 0], exog });
    expect(arima.paramNames).toContain(name);
  });

  it("registry fits keep a '__proto__' regressor (the ARIMA schema does not drop it) and VAR/LASSO VAR keep its equation", async () => {
    const y = numericColumn(table, 'y');
    const exog = JSON.parse(`{"__proto__": [${Array.from(numericColumn(table, '__proto__')).join(',')}]}`) as Record<string, ArrayLike<number>>;
    const fit = await fitModel('arima', y, { order: [0, 0, 0], exog }) as FittedARIMA;
    expect(fit.paramNames).toContain('__proto__');
    const names = ['__proto__', 'b'];
    const columns = names.map((n) => numericColumn(table, n));
    const report = fitVAR({ names, columns }, { lags: 1 }).report(2);
    expect(Object.keys(report.params)).toEqual(names);
    const record = JSON.parse(`{${names.map((nm, j) => `"${nm}": [${Array.from(columns[j]).join(',')}]`).join(',')}}`) as Record<string, number[]>;
    const lasso = fitLassoVAR(record, { lags: 1 });
    expect(Object.keys(lasso.params)).toEqual(names);
    const restored = FittedVAR.fromJSON(JSON.parse(JSON.stringify(fitVAR({ names, columns }, { lags: 1 }).toJSON())));
    expect(restored.names).toEqual(names);
  });

  it.each([
    ['--columns a,a', () => namesFlag('a,a', '--columns', 1), ArgumentError, '--columns'],
    ['--columns " a ,a"', () => namesFlag(' a ,a', '--columns', 1), ArgumentError, '--columns'],
    ['fitVAR with names a, a', () => fitVAR({ names: ['a', 'a'], columns: [ar1(50, 0.5, 1), ar1(50, 0.5, 2)] }), DataError, 'data'],
    ['fitLassoVAR with a repeated name', () => fitLassoVAR([[1, 2], [2, 3], [3, 5]] as never, { lags: 1, names: ['a', 'a'] } as never), ArgumentError, 'names'],
  ])('%s: a repeated series is refused, never a one-variable model reported as two', (_, f, cls, argument) => {
    expectTyped(f, cls as typeof ArdiffError, argument);
  });

  it("a data-set name that is also a local file is a DataError naming both; './NAME' and 'dataset:NAME' say which", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-shadow-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      writeFileSync(join(dir, 'lynx'), 'v\n1\n2\n3\n');
      expectTyped(() => readTable('lynx', '--data'), DataError, '--data', /\.\/lynx .*dataset:lynx/);
      expect(readTable('./lynx').columns).toEqual(['v']);
      expect(readTable('dataset:lynx').rows.length).toBe(114);
      expect(findDataset('dataset:lynx')?.column).toBe('lynx');
      expect(findDataset('./lynx')).toBeUndefined();
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(readTable('lynx').rows.length).toBe(114); // no such file here: the data set
  });
});

describe('4. lenient parsing: decimal numbers only, priors checked by key', () => {
  it.each([
    ['12', 12], ['-3.5', -3.5], ['+.5', 0.5], ['1e-3', 0.001], ['2.', 2], [' 7 ', 7], ['1E5', 1e5],
    ['', NaN], [' ', NaN], ['0x10', NaN], ['0b1', NaN], ['0o7', NaN], ['1_000', NaN], ['Infinity', NaN], ['1e', NaN], ['.', NaN], ['--1', NaN], ['1,5', NaN],
  ])('parseDecimal(%j) = %s', (text, want) => {
    expect(parseDecimal(text)).toBe(want);
  });

  it.each([
    ['--horizon 0x3', () => intFlag('0x3', '--horizon'), '--horizon'],
    ['--horizon ""', () => intFlag('', '--horizon'), '--horizon'],
    ['--horizon " "', () => intFlag(' ', '--horizon'), '--horizon'],
    ['--paths 1e9.5', () => intFlag('1e9.5', '--paths'), '--paths'],
    ['--alpha 0x10', () => numberFlag('0x10', '--alpha'), '--alpha'],
    ['--alpha ""', () => numberFlag('', '--alpha'), '--alpha'],
    ['--level " ,95"', () => levelsFlag(' ,95'), '--level'],
    ['--level 0x50', () => levelsFlag('0x50'), '--level'],
    ['--order ,,', () => parseIntList(',,', 3, '--order', '1,1,1'), '--order'],
    ['--order " "', () => parseIntList(' ', 3, '--order', '1,1,1'), '--order'],
    ['--order 0x1,0,0', () => parseIntList('0x1,0,0', 3, '--order', '1,1,1'), '--order'],
    ['--seed ""', () => parseFlagValue({ name: 'seed', type: 'integer', flag: '--seed' } as OptionSpec, ''), '--seed'],
    ['--seed 0x2', () => parseFlagValue({ name: 'seed', type: 'integer', flag: '--seed' } as OptionSpec, '0x2'), '--seed'],
    ['--lags 1,0x2', () => parseFlagValue({ name: 'lags', type: 'list', flag: '--lags' } as OptionSpec, '1,0x2'), '--lags'],
  ])('%s → ArgumentError naming the flag', (_, f, flag) => {
    expectTyped(f, ArgumentError, flag);
  });

  it('decimal flags still parse', () => {
    expect(intFlag('+3', '--horizon')).toBe(3);
    expect(intFlag('1e3', '--horizon')).toBe(1000);
    expect(numberFlag('-2.5e-1', '--alpha')).toBe(-0.25);
    expect(levelsFlag('80, 95')).toEqual([80, 95]);
    expect(parseIntList(' 1, 0 ,2', 3, '--order', '1,1,1')).toEqual([1, 0, 2]);
  });

  it.each([
    ['a hex cell', 'y\n1\n0x10\n3\n', /row 2 holds '0x10', which is not a number \(cells take decimal numbers/],
    ['a binary cell', 'y\n1\n0b11\n', /'0b11'/],
    ['an infinite cell', 'y\n1\nInfinity\n', /'Infinity'/],
  ])('%s in a CSV is a DataError naming row and column', (_, text, message) => {
    expectTyped(() => numericColumn(csv(text), 'y', '--column'), DataError, '--column', message);
  });

  it('decimal cells, signs, exponents and the missing markers parse', () => {
    const y = numericColumn(csv('y\n+1.5e3\n-.25\nNA\n\n7\n.\n'), 'y');
    expect(Array.from(y)).toEqual([1500, -0.25, NaN, 7, NaN]);
  });

  const y = ar1(80, 0.5, 9);
  it.each([
    ['an array', [1, 2, 3], 'prior'],
    ['a misspelt field (v0 for V0)', { v0: 5 }, 'prior.v0'],
    ['a field of the order-selection prior', { m0: [0, 0], v0: 1 }, 'prior.v0'],
    ['a string', 'weak', 'prior'],
  ])('fitBayesAR with a prior of %s → ArgumentError naming it', (_, prior, argument) => {
    expectTyped(() => fitBayesAR(y, { order: 1, prior: prior as never }), ArgumentError, argument);
  });

  it.each([
    ['[1,2,3]', [1, 2, 3], /expected object/],
    ['{}', {}, /sets no field/],
    ['{"v0": 5}', { v0: 5 }, /prior has no field 'v0'/],
    ['{"V0": 5, "b": 1}', { V0: 5, b: 1 }, /no field 'b'/],
  ])('the bayes-ar prior %s through the registry schema → ArgumentError naming the prior', (_, prior, message) => {
    expectTyped(() => parseOptions(bayesArEntry, { order: 1, prior }, (n) => (n === 'prior' ? '--prior-json' : n)), ArgumentError, '--prior-json', message);
  });

  it('compareBayesAROrders refuses a misspelt prior field; a good prior still fits', () => {
    expectTyped(() => compareBayesAROrders(y, { maxOrder: 2, prior: { V0: 3 } as never }), ArgumentError, 'prior.V0');
    expect(fitBayesAR(y, { order: 1, prior: { V0: 10, a0: 2 } }).order).toBe(1);
  });
});

describe('5. silent wrong answers and extreme scales', () => {
  const n = 60;
  const y = ar1(n, 0.5, 21);
  it.each([
    ['an exog equal to 5 × the constant', { order: [1, 0, 0] as [number, number, number], exog: { c: new Float64Array(n).fill(5) } }, 'exog'],
    ['an exog of 0.3 with method css', { order: [1, 0, 0] as [number, number, number], method: 'css' as const, exog: { c: new Float64Array(n).fill(0.3) } }, 'exog'],
    ['a linear exog with drift under d = 1', { order: [1, 1, 0] as [number, number, number], trend: 't' as const, exog: { c: Float64Array.from({ length: n }, (_, i) => 2 * i) } }, 'exog'],
  ])('ARIMA with %s → SingularMatrixError naming the columns (not null estimates)', (_, options, argument) => {
    expectTyped(() => fitARIMA(y, options), SingularMatrixError, argument, /collinear/);
  });

  it.each([5, 0.1, 1e-8, 1e8])('OLS with a constant regressor %s collinear with the constant → SingularMatrixError', (c) => {
    expectTyped(() => fitOLS(y, { c: new Float64Array(n).fill(c) }), SingularMatrixError, 'x', /collinear/);
  });

  const base = ar1(200, 0.5, 22);
  it.each([
    ['AR', (s: Float64Array) => fitAR(s, { order: 1 })],
    ['AR (mle)', (s: Float64Array) => fitAR(s, { order: 1, method: 'mle' })],
    ['ARIMA', (s: Float64Array) => fitARIMA(s, { order: [1, 0, 0] })],
    ['ARIMA (css)', (s: Float64Array) => fitARIMA(s, { order: [1, 0, 0], method: 'css' })],
    ['Bayesian AR', (s: Float64Array) => fitBayesAR(s, { order: 1 })],
  ])('%s: a series ×1e300 or ×1e-300 is a DataError saying how to rescale (not null or zero σ²)', (_, fit) => {
    for (const scale of [1e300, 1e-300, -1e200, 1e-120]) {
      expectTyped(() => fit(base.map((v) => v * scale)), DataError, 'y', /divide the series by 1e/);
    }
  });

  it.each([
    ['AR', (s: Float64Array) => fitAR(s, { order: 1 }).ar[0]],
    ['ARIMA', (s: Float64Array) => fitARIMA(s, { order: [1, 0, 0] }).arimaParams.ar[0]],
    ['ARIMA (css)', (s: Float64Array) => fitARIMA(s, { order: [1, 0, 0], method: 'css' }).arimaParams.ar[0]],
  ])('%s: the AR coefficient does not depend on the scale of the series (1e-90 … 1e90)', (_, phi) => {
    const ref = phi(base);
    for (const scale of [1e-90, 1e-60, 1e-20, 1e20, 1e60, 1e90]) expect(phi(base.map((v) => v * scale))).toBeCloseTo(ref, 5);
  });

  it('σ² and the log-likelihood scale as they should (σ² × s², llf − n·log s)', () => {
    const f1 = fitARIMA(base, { order: [1, 0, 0] });
    const s = 1e40;
    const f2 = fitARIMA(base.map((v) => v * s), { order: [1, 0, 0] });
    expect(f2.sigma2 / (s * s)).toBeCloseTo(f1.sigma2, 6);
    expect(f2.llf).toBeCloseTo(f1.llf - base.length * Math.log(s), 4);
    expect(Number.isFinite(f2.forecast(3).interval(95).upper[2])).toBe(true);
  });

  const trend = Float64Array.from({ length: 50 }, (_, i) => 3 + 2 * i);
  const geometric = Float64Array.from({ length: 50 }, (_, i) => 0.9 ** i);
  it.each([
    ['ARIMA(0,1,0) with drift on an exact linear trend', () => fitARIMA(trend, { order: [0, 1, 0], trend: 't' })],
    ['the same by CSS', () => fitARIMA(trend, { order: [0, 1, 0], trend: 't', method: 'css' })],
    ['AR(1) on an exact linear trend', () => fitAR(trend, { order: 1 })],
    ['AR(1) without constant on an exact geometric decay', () => fitAR(geometric, { order: 1, trend: 'n' })],
  ])('%s → DataError: a perfect fit (not σ² 0 and a null likelihood)', (_, f) => {
    expectTyped(f, DataError, 'y', /exactly/);
  });

  it.each([
    ['SAR(1)[40] on 30 points', { order: [0, 0, 0] as [number, number, number], seasonal: { order: [1, 0, 0] as [number, number, number], period: 40 } }, /seasonal lag 1·40 = 40/],
    ['SMA(1)[30] on 30 points', { order: [0, 0, 0] as [number, number, number], seasonal: { order: [0, 0, 1] as [number, number, number], period: 30 } }, /seasonal lag/],
    ['AR(1) with SAR(2)[12] on 30 points, D = 1', { order: [1, 0, 0] as [number, number, number], seasonal: { order: [2, 1, 0] as [number, number, number], period: 12 } }, /too short/],
  ])('%s → DataError: too short (not a zero coefficient with a null SE)', (_, options, message) => {
    expectTyped(() => fitARIMA(ar1(30, 0.3, 8), options), DataError, 'y', message);
  });

  it('a seasonal lag shorter than the series still fits', () => {
    const f = fitARIMA(ar1(30, 0.3, 8), { order: [1, 0, 0], seasonal: { order: [1, 0, 0], period: 20 } });
    expect(f.bse.every(Number.isFinite)).toBe(true);
  });

  it('DDIM: η outside [0, 1] → ArgumentError naming eta (above 1 every sample was NaN); η = 1 stays finite', () => {
    const s = new DDIMScheduler();
    s.setTimesteps(10);
    const x = Float32Array.from({ length: 6 }, (_, i) => Math.sin(i)), out = Float32Array.from({ length: 6 }, (_, i) => Math.cos(i));
    for (const eta of [1.5, 2, -0.1, NaN, Infinity]) expectTyped(() => s.step(out, s.timesteps[0], x, { eta, rng: createRng(1) }), ArgumentError, 'eta', /\[0, 1\]/);
    for (const t of s.timesteps) expect(s.step(out, t, x, { eta: 1, rng: createRng(1) }).prevSample.every(Number.isFinite)).toBe(true);
  });

  it('a CSS fit with a non-stationary AR part cannot forecast: ConvergenceError naming method (was the Kalman filter\'s RangeError)', () => {
    const y = [0.12177618600477014, 0.49342493394909925, -0.5381877552332646, 1.6753298369058043, -0.8954710778463916, 1.9756085313260416, 0.0618780693076951, 0.8492636535101414, -0.9226108817458228];
    const fit = fitARIMA(y, { order: [1, 0, 2], method: 'css' });
    expectTyped(() => fit.forecast(3), ConvergenceError, 'method', /method 'ml'/);
  });

  it('forecasts that overflow are typed: the model at step 1, the horizon later (with the longest finite one)', () => {
    const wild = fitAR([0, -1.8426080037034097e-167, 6.514854795608762e-155, 0, 1e100, 0], { order: 2 });
    expectTyped(() => wild.forecast(3), DataError, 'model', /one-step forecast is not finite/);
    const rng = createRng(5);
    let prev = 1;
    const explosive = Array.from({ length: 80 }, () => (prev = 1.3 * prev + rng.normal()));
    const fit = fitAR(explosive, { order: 1 });
    expect(fit.ar[0]).toBeGreaterThan(1.2);
    const e = caught(() => fit.forecast(5000)) as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('horizon');
    const most = Number(/at most (\d+) steps/.exec(e.message)![1]);
    expect(fit.forecast(most).mean().every(Number.isFinite)).toBe(true);
  });

  it('a diffusion model of columns near 1e307 and 1e-300 has their true scales and loads from its JSON (it was written with sd Infinity, or called the tiny column constant)', () => {
    const rng = createRng(4);
    const rows = Array.from({ length: 200 }, () => [rng.normal() * 1e307, rng.normal() * 1e-300, rng.normal()]);
    const model = fitDiffusion(rows, 3, { steps: 2, denoiser: { width: 8, blocks: 0 } });
    const std = Array.from(model.toJSON().std);
    expect(std[0] / 1e307).toBeGreaterThan(0.8);
    expect(std[0] / 1e307).toBeLessThan(1.2);
    expect(std[1] / 1e-300).toBeGreaterThan(0.8);
    expect(std[1] / 1e-300).toBeLessThan(1.2);
    const back = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.toJSON().std).toEqual(model.toJSON().std);
    expectTyped(() => fitDiffusion(Array.from({ length: 50 }, (_, i) => [i, 7e-300]), 2, { steps: 1 }), DataError, 'data', /column '.*' is constant/);
  });

  it('checkMagnitude leaves an all-zero series to the constant check and accepts 1e±100', () => {
    expect(() => checkMagnitude(0, 0)).not.toThrow();
    expect(() => checkMagnitude(-1e100, 1e-100)).not.toThrow();
    expectTyped(() => checkMagnitude(0, 2e100, 'x'), DataError, 'x', /overflow/);
  });
});

describe('6. model files: version, finite numbers, typed errors through the root fromJSON', () => {
  const y = ar1(80, 0.5, 31);
  const fits: [string, () => { toJSON(): object }][] = [
    ['ar', () => fitAR(y, { order: 2 })],
    ['arima', () => fitARIMA(y, { order: [1, 0, 1] })],
    ['bayes-ar', () => fitBayesAR(y, { order: 1 })],
    ['naive', () => fitNaive(y)],
    ['var', () => fitVAR({ names: ['a', 'b'], columns: [y, ar1(80, 0.2, 32)] }, { lags: 1 })],
    ['ols', () => fitOLS(y, { x: ar1(80, 0.2, 33) })],
  ];

  it.each(fits)('%s: written with version 1; a file without version still loads as 1', (kind, fit) => {
    const json = JSON.parse(JSON.stringify(fit().toJSON())) as Record<string, unknown>;
    expect(json.version).toBe(1);
    delete json.version;
    expect(() => fromJSON(json as unknown as ModelJSON)).not.toThrow();
    expect((fromJSON(json as unknown as ModelJSON) as { kind: string }).kind).toBe(kind === 'naive' ? 'naive' : kind);
  });

  it.each(fits)('%s: version 999 or Infinity (1e999) → DataError naming the model', (_, fit) => {
    const json = JSON.parse(JSON.stringify(fit().toJSON())) as Record<string, unknown>;
    expectTyped(() => fromJSON({ ...json, version: 999 } as unknown as ModelJSON), DataError, 'model', /version 999/);
    expectTyped(() => fromJSON({ ...json, version: '1' } as unknown as ModelJSON), DataError, 'model', /version "1"/);
    const withInf = JSON.parse(JSON.stringify(json).replace(/\[-?\d[0-9.e+-]*/, '[1e999')) as ModelJSON;
    expectTyped(() => fromJSON(withInf), DataError, 'model', /not a finite number/);
  });

  it.each([
    ['ar: params of the wrong type', () => ({ ...fitAR(y, { order: 1 }).toJSON(), params: 'x' })],
    ['ar: y of strings', () => ({ ...fitAR(y, { order: 1 }).toJSON(), y: ['a', 'b'] })],
    ['ar: sigma2 negative', () => ({ ...fitAR(y, { order: 1 }).toJSON(), sigma2: -1 })],
    ['arima: params missing', () => ({ ...fitARIMA(y, { order: [1, 0, 0] }).toJSON(), params: undefined })],
    ['arima: sigma2 a string', () => { const j = fitARIMA(y, { order: [1, 0, 0] }).toJSON(); return { ...j, params: { ...j.params, sigma2: 'big' } }; }],
    ['naive: y of strings', () => ({ ...fitNaive(y).toJSON(), y: ['1', 'x'] })],
    ['not an object', () => [1, 2, 3]],
    ['null', () => null],
  ])('tampered: %s → a typed error (DataError or ArgumentError), never a TypeError or a NaN forecast', (_, make) => {
    const e = caught(() => fromJSON(make() as unknown as ModelJSON));
    expect(e).toBeInstanceOf(ArdiffError);
  });

  it('checkModelJSON and nonFinitePath name the place', () => {
    expect(nonFinitePath({ a: [1, 2, { b: [0, Infinity] }] })).toBe('a[2].b[1]');
    expect(nonFinitePath({ y: [1, null, 2] })).toBeUndefined();
    expect(nonFinitePath({ w: Float64Array.of(1, -Infinity) })).toBe('w[1]');
    expect(nonFinitePath({ se: [1, NaN] })).toBeUndefined(); // NaN is a file's null: a missing statistic
    expect(nonFinitePath({ mean: Infinity, x: 1 }, '', ['mean'])).toBeUndefined();
    expectTyped(() => checkModelJSON({ kind: 'ar', version: 2 }, 'ar'), DataError, 'model', /version 2/);
    expectTyped(() => checkModelJSON('x', 'ar'), DataError, 'model');
    expect(() => checkModelJSON({ kind: 'ar', y: [1, null] }, 'ar')).not.toThrow();
    expect(() => FittedAR.fromJSON({ ...fitAR(y, { order: 1 }).toJSON(), version: 7 })).toThrow(/version 7/);
    expect(() => FittedARIMA.fromJSON({ ...fitARIMA(y, { order: [1, 0, 0] }).toJSON(), version: 7 })).toThrow(/version 7/);
  });

  it('NaN or infinite weights in a tensor model file → DataError naming the model (DeepAR, GPT, diffusion share ParamStore)', () => {
    const enc = (values: number[]) => Buffer.from(new Uint8Array(Float32Array.from(values).buffer)).toString('base64');
    for (const bad of [NaN, Infinity, -Infinity]) {
      expectTyped(() => ParamStore.fromJSON([{ name: 'w', shape: [2], data: enc([1, bad]) }]), DataError, 'model', /non-finite/);
    }
    expectTyped(() => ParamStore.fromJSON([{ name: 'w', shape: [-2], data: enc([1, 2]) }] as never), DataError, 'model');
    expectTyped(() => ParamStore.fromJSON([{ name: 'w', shape: ['2'], data: enc([1, 2]) }] as never), DataError, 'model');
  });

  it.each([
    ['a NaN mean', { mean: [NaN, 0] }, /mean/],
    ['a zero std', { std: [1, 0] }, /std/],
    ['a string column', { columns: ['x1', 2] }, /columns/],
    ['version 999', { version: 999 }, /version 999/],
  ])('a diffusion model file with %s → DataError naming the model', (_, over, message) => {
    expectTyped(() => DiffusionModel.fromJSON(fakeDiffusionJSON(over)), DataError, 'model', message);
  });
});

describe('through the in-process CLI: typed errors with exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ardiff-robust-'));
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const series = Array.from(ar1(40, 0.5, 41), (v) => v.toFixed(4));
  it.each([
    ['a hex cell', () => ['fit', '--data', file('hex.csv', `y\n${series.slice(0, 10).join('\n')}\n0x10\n${series.slice(10).join('\n')}\n`), '--column', 'y', '--model', 'ar', '--order', '1'], 'DataError', /0x10/],
    ['a duplicated header', () => ['fit', '--data', file('dup.csv', `y,y\n${series.map((v) => `${v},${v}`).join('\n')}\n`), '--column', 'y', '--model', 'ar', '--order', '1'], 'DataError', /twice/],
    ['--horizon 0x3', () => ['fit', '--data', 'lynx', '--model', 'ar', '--order', '1', '--horizon', '0x3'], 'ArgumentError', /--horizon/],
    ['--horizon 1e9', () => ['fit', '--data', 'lynx', '--model', 'ar', '--order', '1', '--horizon', '1e9'], 'ArgumentError', /1 GiB/],
    ['--order ,,', () => ['fit', '--data', 'lynx', '--model', 'arima', '--order', ',,'], 'ArgumentError', /--order/],
  ])('%s', async (_, args, type, message) => {
    const r = await runCliJson(args());
    expect(r.code).toBe(2);
    const err = r.json.error as { type: string; message: string };
    expect(err.type).toBe(type);
    expect(err.message).toMatch(message);
  });
});
