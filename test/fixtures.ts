// Test helpers: iterate the fixture files of one kind and compare numbers at stated tolerances.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { columnExpression, applyTransform, type Transform } from '../src/core/series.js';
import { readTable } from '../src/node/data.js';
import { createRng } from '../src/core/rng.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const FIXTURE_DIR = `${ROOT}test/fixtures/classical/`;

// Fixtures are JSON documents of varying shape; tests read fields by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fixture = any;

/** All fixture files whose `kind` is one of `kinds`, sorted by id. */
export function fixturesOfKind(...kinds: string[]): Fixture[] {
  const all = readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'INDEX.json')
    .map((f) => JSON.parse(readFileSync(FIXTURE_DIR + f, 'utf8')) as Fixture);
  // A loop over fixtures must never run zero cases: a kind that matches nothing (renamed,
  // deleted) fails the suite at collection instead of passing silently.
  for (const k of kinds) {
    if (!all.some((d) => d.kind === k)) throw new Error(`no fixture of kind '${k}' in ${FIXTURE_DIR}; was the kind renamed?`);
  }
  return all.filter((d) => kinds.includes(d.kind)).sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** Loads `column` (or an expression such as log(x)) from a fixture's data file (data/...). */
export function loadColumn(file: string, column: string, transform: Transform | string = 'none'): Float64Array {
  const table = readTable(ROOT + file);
  return applyTransform(columnExpression(table, column), (transform || 'none') as Transform);
}

/** Asserts |a − e| ≤ tol·|e| elementwise (relative), with a floor `abs` for values near zero. */
export function expectRel(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, rel: number, abs = 0, label = ''): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${label} length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i] - e[i]);
    const ok = err <= rel * Math.abs(e[i]) || err <= abs;
    if (!ok) expect.fail(`${label}[${i}]: got ${a[i]}, expected ${e[i]} (rel err ${(err / Math.abs(e[i])).toExponential(2)} > ${rel})`);
  }
}

/** Asserts |a − e| ≤ tol elementwise (absolute). */
export function expectAbs(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, tol: number, label = ''): void {
  expectRel(actual, expected, 0, tol, label);
}

/** Parses the leading 'rel 1e-9' / 'abs 1e-4' of a fixture tolerance string. */
export function parseTol(s: string): { kind: 'rel' | 'abs'; value: number } {
  const m = /(rel|abs)\s*([0-9.eE+-]+)/.exec(s);
  if (!m) throw new Error(`cannot parse tolerance '${s}'`);
  return { kind: m[1] as 'rel' | 'abs', value: Number(m[2]) };
}

/** A fixture's series (dataset.file/column/transform) with its `missing_indices` (0-based) set to NaN. */
export function fixtureSeries(fx: Fixture): Float64Array {
  const y = loadColumn(fx.dataset.file, fx.dataset.column, fx.dataset.transform);
  for (const i of (fx.dataset.missing_indices ?? []) as number[]) y[i] = NaN;
  return y;
}

/** A regression column of a fixture at t = 1..n: 'const' = 1, 'drift' = t, else the data column. */
export function fixtureRegressor(fx: Fixture, name: string, n: number): Float64Array {
  if (name === 'const') return new Float64Array(n).fill(1);
  if (name === 'drift') return Float64Array.from({ length: n }, (_, i) => i + 1);
  return loadColumn(fx.dataset.file, name);
}

/** n standard normal draws from a seeded ardiff RNG. */
export function randn(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** The largest |a[i] − b[i]| (the lengths must agree). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
