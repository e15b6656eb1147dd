/** Argument checks shared by the models' public methods (typed errors naming the argument). */
import { ArgumentError, DataError } from './errors.js';
import type { FutureRegressors } from './model.js';
import type { Rng } from './rng.js';

/** A forecast horizon: an integer ≥ 1. */
export function checkHorizon(h: number, argument = 'horizon'): void {
  if (!Number.isInteger(h) || h < 1) throw new ArgumentError(`${argument} must be a positive integer; got ${h}`, argument);
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
