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

/** The magnitudes of data that the scale-equivariant models (AR, ARIMA, Bayesian AR) accept: 1e-100 to 1e100. */
export const MAGNITUDE_RANGE = [1e-100, 1e100] as const;

/**
 * Refuses a series whose largest magnitude lies outside {@link MAGNITUDE_RANGE}: its variance (of
 * the order of y²) and likelihood overflow or underflow double precision, and the fit would report
 * null or zero σ², log-likelihood and intervals. `lo`, `hi` are the smallest and largest values
 * (missing ones skipped); an all-zero series is left to the constant-series check.
 */
export function checkMagnitude(lo: number, hi: number, argument = 'y', model = 'this model'): void {
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (big === 0 || !Number.isFinite(big)) return;
  const [min, max] = MAGNITUDE_RANGE;
  if (big > max || big < min) {
    const factor = `1e${Math.round(Math.log10(big))}`;
    throw new DataError(
      `${argument} has values of magnitude ${big.toExponential(2)}; ${model} works with values between ${min} and ${max} in magnitude (its variance, about ${argument}², would ${big > max ? 'overflow' : 'underflow'} double precision): divide the series by ${factor} and scale the constant, σ and the forecasts back (AR and MA coefficients do not change)`,
      argument,
    );
  }
}

/**
 * Refuses a fit whose innovation variance is zero at double precision (σ² ≤ 1e-26·max|y|²: residuals
 * below 1e-13 of the data's size, i.e. rounding): the series is fitted exactly (an exact linear
 * trend under ARIMA(0,1,0) with drift, an exact AR recursion), the Gaussian likelihood is unbounded
 * and every interval would be empty. `lo`, `hi` are the data's smallest and largest values.
 */
export function checkNotPerfect(sigma2: number, lo: number, hi: number, model = 'the model', argument = 'y'): void {
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(sigma2 > 1e-26 * big * big)) {
    throw new DataError(
      `${model} fits ${argument} exactly (innovation variance ${sigma2 === 0 ? '0' : sigma2.toExponential(2)}): the series is deterministic under this model (an exact trend or recursion), so its likelihood is unbounded and its intervals empty; model the deterministic part directly or use a model with fewer terms`,
      argument,
    );
  }
}

/**
 * A Gaussian forecast's means and standard errors must be finite: an explosive fit (an AR root
 * inside the unit circle) or coefficients that overflow (data spanning hundreds of orders of
 * magnitude) would otherwise print null or Infinity. A first step that is not finite is the
 * model's fault (DataError naming 'model'); a later one is the horizon's (ArgumentError naming
 * `argument`, with the longest horizon that stays finite).
 */
export function checkForecastFinite(mean: ArrayLike<number>, se: ArrayLike<number>, argument = 'horizon'): void {
  for (let i = 0; i < mean.length; i++) {
    if (Number.isFinite(mean[i]) && Number.isFinite(se[i])) continue;
    if (i === 0) {
      throw new DataError(`the model's one-step forecast is not finite (mean ${mean[0]}, se ${se[0]}): its estimates overflow double precision; check the data for values of wildly different magnitudes, or use a smaller order`, 'model');
    }
    throw new ArgumentError(`${argument}: the forecasts overflow double precision from step ${i + 1} on (an explosive model); ask for at most ${i} steps`, argument);
  }
}

/** The format version of the classical models' JSON (written by `toJSON` as `version: 1`). */
export const MODEL_JSON_VERSION = 1;

/**
 * The first infinite number of a model file's JSON tree (`Infinity` from a literal such as 1e999,
 * or ±Infinity in an object passed directly), as its path (`params.values[2]`), else undefined.
 * NaN is what a file's null reads as in memory (a statistic that does not exist, such as the
 * standard error at a bound), so it is left, like strings, booleans and null, to the model's own
 * checks and to the root fromJSON's check that the restored model forecasts finite numbers.
 * `skip` names top-level fields that may be infinite (an AR's mean at a unit root).
 */
export function nonFinitePath(value: unknown, path = '', skip: readonly string[] = []): string | undefined {
  // An explicit stack: model files hold long series, and deep trees must not recurse without bound.
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') {
      if (v === Infinity || v === -Infinity) return at || '(the value)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = v as unknown as ArrayLike<number>;
      for (let i = 0; i < a.length; i++) if (a[i] === Infinity || a[i] === -Infinity) return `${at}[${i}]`;
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) if (at || !skip.includes(k)) stack.push([(v as Record<string, unknown>)[k], at ? `${at}.${k}` : k]);
    }
  }
  return undefined;
}

/**
 * The checks every classical model's `fromJSON` makes before reading its fields: an object, a
 * supported `version` (files written before the field existed have none and read as version 1),
 * and no infinite number (but in the top-level fields `skip` names). Failures are {@link DataError}s naming 'model' that say what is
 * wrong and where.
 */
export function checkModelJSON(json: unknown, kind: string, version = MODEL_JSON_VERSION, skip: readonly string[] = []): void {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new DataError(`model file: a ${kind} model must be a JSON object as written by toJSON`, 'model');
  const v = (json as { version?: unknown }).version;
  if (v !== undefined && v !== version) {
    throw new DataError(`model file: ${kind} model version ${JSON.stringify(v)} is not supported (this ardiff reads version ${version}); fit the model again with this release and save it`, 'model');
  }
  const bad = nonFinitePath(json, '', skip);
  if (bad !== undefined) throw new DataError(`model file: ${bad} of the ${kind} model is not a finite number; the file is corrupt — fit the model again or restore a good copy`, 'model');
}

/**
 * An empty object for values keyed by user text (column, series or regressor names): without a
 * prototype, so a name such as `__proto__`, `constructor` or `toString` is an ordinary key instead
 * of reaching Object.prototype (a plain `{}` silently drops a column named `__proto__`).
 */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** An integer of at least `min` (a window, a number of workers…); returns it. */
export function checkIntAtLeast(v: unknown, argument: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${argument} must be an integer ≥ ${min}; got ${String(v)}`, argument);
  return v;
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
