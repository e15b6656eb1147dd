// Helpers of the exhaustive auto-ARIMA tests against R (test/auto-arima-exhaustive.test.ts and
// test/full/auto-arima-exhaustive.test.ts): the fixture's series and R's search trace.
import { expect } from 'vitest';
import type { Candidate } from '../src/classical/auto-arima.js';
import { numericColumn, applyTransform, type Transform } from '../src/core/series.js';
import { readTable } from '../src/node/data.js';
import { loadColumn, ROOT } from './fixtures.js';

/** One model of R's trace: its orders, constant, and criterion ('Inf': failed or rejected). */
export interface TraceRow { order: number[]; seasonal: number[]; constant: boolean; ic: number | 'Inf' }

/** One case of r_auto_arima_exhaustive.json. */
export interface ExhaustiveCase {
  file: string; column: string; transform: string; frequency: number; window?: [number, number];
  n: number; approximation: boolean; order: number[]; seasonal: number[]; constant: boolean;
  coef_names: string[] | string; aicc: number; aicc_exact: number; trace: TraceRow[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The case's series: a column (or, for column ROWS, a year-by-month table read row by row), transformed, windowed. */
export function exhaustiveCaseSeries(s: ExhaustiveCase): Float64Array {
  let y: Float64Array;
  if (s.column === 'ROWS') {
    const table = readTable(ROOT + s.file);
    const cols = MONTHS.map((c) => numericColumn(table, c));
    const v: number[] = [];
    for (let i = 0; i < cols[0].length; i++) for (const c of cols) v.push(c[i]);
    y = applyTransform(Float64Array.from(v), s.transform as Transform);
  } else y = loadColumn(s.file, s.column, s.transform);
  if (s.window) y = y.slice(s.window[0] - 1, s.window[1]);
  expect(y.length, 'series length').toBe(s.n);
  return y;
}

export function exhaustiveCaseLabel(s: ExhaustiveCase): string {
  const name = s.column === 'ROWS' ? s.file.replace(/^data\/|\.csv$/g, '') : s.column;
  return `${name}${s.window ? `[${s.window.join(':')}]` : ''}${s.transform === 'log' ? ' (log)' : ''} n=${s.n}: ARIMA(${s.order})(${s.seasonal})${s.constant ? ' + constant' : ''}`;
}

const key = (order: readonly number[], seasonal: readonly number[], constant: boolean) => `${order.join(',')}|${seasonal.slice(0, 3).join(',')}|${constant}`;

/** Index where R's trace starts again (the search rerun without approximation), or its length. */
export function secondPass(trace: readonly TraceRow[]): number {
  const first = key(trace[0].order, trace[0].seasonal, trace[0].constant);
  const i = trace.findIndex((r, k) => k > 0 && key(r.order, r.seasonal, r.constant) === first);
  return i < 0 ? trace.length : i;
}

/**
 * ardiff's search against R's trace: the same models in the same order (so the same passes), each
 * criterion within `tol` (relative to 1 + |ic|) where both are finite, rejected where R rejects it —
 * except a model that does not beat the best so far in its pass: ardiff skips the variance check
 * (a numerical Hessian) of exact-ML fits that cannot change the search, so those may stay finite.
 * The models at the indices `pathDependent` (R's optimiser path not reproduced: see the full-tier
 * test) are only required to be out of the running in both searches. Returns the largest
 * relative difference.
 */
export function compareTrace(s: ExhaustiveCase, tried: readonly Candidate[], tol = 1e-6, pathDependent: readonly number[] = []): number {
  expect(tried.map((c) => key(c.order, c.seasonal, c.constant)), 'models searched').toEqual(s.trace.map((r) => key(r.order, r.seasonal, r.constant)));
  const split = secondPass(s.trace);
  let worst = 0, best = Infinity, bestR = Infinity;
  s.trace.forEach((r, i) => {
    if (i === split) { best = Infinity; bestR = Infinity; }
    const ours = tried[i].ic;
    const theirs = r.ic === 'Inf' ? Infinity : r.ic;
    const at = `model ${i} ${key(r.order, r.seasonal, r.constant)}`;
    if (pathDependent.includes(i)) {
      expect(ours >= best && theirs >= bestR, `${at}: ardiff ${ours}, R ${theirs} must not lead either search`).toBe(true);
    } else if (theirs === Infinity) {
      const cssPass = s.approximation && i < split;
      if (Number.isFinite(ours)) expect(!cssPass && ours >= best, `${at}: R rejects it, ardiff has ${ours}`).toBe(true);
    } else {
      expect(Number.isFinite(ours), `${at}: R has ${theirs}, ardiff rejects it`).toBe(true);
      const rel = Math.abs(ours - theirs) / (1 + Math.abs(theirs));
      worst = Math.max(worst, rel);
      expect(rel, `${at}: ardiff ${ours}, R ${theirs}`).toBeLessThanOrEqual(tol);
    }
    if (Number.isFinite(ours)) best = Math.min(best, ours);
    bestR = Math.min(bestR, theirs);
  });
  return worst;
}
