/** Argument checks shared by the models' public methods (typed errors naming the argument). */
import { ArgumentError, DataError } from './errors.js';
import type { FutureRegressors } from './model.js';
import type { Rng } from './rng.js';

/**
 * The memory one result of the library may take: 1 GiB (2^30 bytes). Requests whose output
 * cannot fit (a horizon of 10^9 steps, 10^8 sample paths, a diffusion schedule of 10^9 steps)
 * are refused up front by {@link checkBudget} with an {@link ArgumentError} that states this
 * limit, instead of running for minutes and aborting the process when V8 runs out of memory.
 */
export const MEMORY_BUDGET_BYTES = 2 ** 30;

/** Bytes of one stored value (a float64). */
export const BYTES_PER_VALUE = 8;

/**
 * Per step of a forecast horizon, the values a forecast keeps (mean, standard error, the bounds
 * of a few interval levels, and the working arrays of the recursion): a horizon may have at most
 * MEMORY_BUDGET_BYTES / (8 values · 8 bytes) = 16,777,216 steps ({@link MAX_HORIZON}).
 */
export const VALUES_PER_HORIZON_STEP = 8;

/** The longest forecast horizon accepted: 2^24 = 16,777,216 steps (see {@link VALUES_PER_HORIZON_STEP}). */
export const MAX_HORIZON = MEMORY_BUDGET_BYTES / (VALUES_PER_HORIZON_STEP * BYTES_PER_VALUE);

/** Overhead of one typed array object (a sample path), counted with its values. */
const BYTES_PER_ARRAY = 128;

function gib(bytes: number): string {
  const g = bytes / 2 ** 30;
  return g >= 1e6 ? `${g.toExponential(1)} GiB` : g >= 10 ? `${Math.round(g)} GiB` : `${g.toPrecision(2)} GiB`;
}

/**
 * Refuses a request whose result would not fit in the memory budget ({@link MEMORY_BUDGET_BYTES},
 * 1 GiB): `count` items of `bytesPer` bytes each. The {@link ArgumentError} names `argument` and
 * states the limit and the largest count that fits. `what` describes the items ("sample paths of
 * 12 steps").
 */
export function checkBudget(count: number, bytesPer: number, argument: string, what = 'values'): void {
  const bytes = count * bytesPer;
  if (bytes <= MEMORY_BUDGET_BYTES) return;
  const most = Math.max(0, Math.floor(MEMORY_BUDGET_BYTES / bytesPer));
  throw new ArgumentError(
    `${argument} asks for ${count.toLocaleString('en-US')} ${what}, which would take ${gib(bytes)}; ardiff refuses results over its 1 GiB memory limit (at most ${most.toLocaleString('en-US')} here): ask for fewer`,
    argument,
  );
}

/**
 * A forecast horizon: an integer ≥ 1 and at most {@link MAX_HORIZON} (2^24) steps, or fewer when
 * each step holds `valuesPerStep` values (several series, sample paths kept per step).
 */
export function checkHorizon(h: number, argument = 'horizon', valuesPerStep = VALUES_PER_HORIZON_STEP): void {
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1) throw new ArgumentError(`${argument} must be a positive integer; got ${String(h)}`, argument);
  checkBudget(h, valuesPerStep * BYTES_PER_VALUE, argument, 'forecast steps');
}

/**
 * A number of sample paths of `valuesPerPath` values each, stored in `arraysPerPath` typed arrays
 * (1 for one series; h for a path of several series, one array a step): a positive integer whose
 * paths fit in the memory budget (values plus each array's overhead). Returns it.
 */
export function checkPaths(paths: number, valuesPerPath: number, argument = 'paths', arraysPerPath = 1): number {
  checkPositiveInt(paths, argument);
  checkBudget(paths, valuesPerPath * BYTES_PER_VALUE + BYTES_PER_ARRAY * arraysPerPath, argument, `sample paths of ${valuesPerPath.toLocaleString('en-US')} value${valuesPerPath === 1 ? '' : 's'}`);
  return paths;
}

/**
 * An empty object for values keyed by user text (column, series or regressor names): without a
 * prototype, so a name such as `__proto__`, `constructor` or `toString` is an ordinary key instead
 * of reaching Object.prototype (a plain `{}` silently drops a column named `__proto__`).
 */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A count (paths, draws, restarts…): an integer ≥ 1; returns it. */
export function checkPositiveInt(v: number, argument: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${argument} must be a positive integer; got ${String(v)}`, argument);
  return v;
}

/** Rejects future regressors for a model that has none; `model` reads like "an AR model". */
export function checkNoExog(exog: FutureRegressors | undefined, model: string, hint = ''): void {
  if (exog && Object.keys(exog).length) throw new ArgumentError(`${model} has no exogenous regressors; drop exog${hint}`, 'exog');
}

/** A seeded generator from createRng. */
export function checkRng(rng: Rng | undefined): asserts rng is Rng {
  if (!rng || typeof rng.normal !== 'function' || typeof rng.uniform !== 'function') {
    throw new ArgumentError('rng must be a generator from createRng(seed)', 'rng');
  }
}

/**
 * A complete series `y` as a Float64Array: missing (NaN) and infinite values are rejected with a
 * DataError naming the row; `need` says why, e.g. "NAR estimation needs a complete series".
 */
export function checkCompleteSeries(y: ArrayLike<number>, need: string): Float64Array {
  if (!y || typeof y.length !== 'number') throw new DataError('y must be an array of numbers', 'y');
  const data = Float64Array.from(y);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) throw new DataError(`y has a missing value (NaN) at row ${i + 1}; ${need}: fill the gap or drop the rows first`, 'y');
    if (!Number.isFinite(v)) throw new DataError(`y has a non-finite value (${v}) at row ${i + 1}; remove or replace it`, 'y');
  }
  return data;
}

/**
 * A new history for `apply` as plain JSON numbers (missing values as null, or rejected when the
 * model needs complete data): the models' `apply(y)` restore themselves from their JSON with this
 * history, so the estimates and their statistics stay those of the fit and only the data the
 * forecasts condition on changes.
 */
export function historyJSON(y: ArrayLike<number>, allowMissing: false, minLength?: number, need?: string): number[];
export function historyJSON(y: ArrayLike<number>, allowMissing: boolean, minLength?: number, need?: string): (number | null)[];
export function historyJSON(y: ArrayLike<number>, allowMissing: boolean, minLength = 1, need = 'the model needs a complete history'): (number | null)[] {
  if (!y || typeof y.length !== 'number') throw new DataError('apply needs y, an array of numbers', 'y');
  if (y.length < minLength) throw new DataError(`apply needs at least ${minLength} observations for this model; got ${y.length}`, 'y');
  return Array.from(y, (v, i) => {
    if (Number.isNaN(v)) {
      if (allowMissing) return null;
      throw new DataError(`y has a missing value (NaN) at row ${i + 1}; ${need}: fill the gap first`, 'y');
    }
    if (!Number.isFinite(v)) throw new DataError(`y has a non-finite value (${v}) at row ${i + 1}; remove or replace it`, 'y');
    return v;
  });
}
