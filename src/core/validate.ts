/** Argument checks shared by the models' public methods (typed errors naming the argument). */
import { ArgumentError } from './errors.js';
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
