/**
 * Pieces the schedulers share: option checks with typed errors, NumPy's `linspace`/`arange`/`round`
 * semantics (diffusers builds its timestep grids with NumPy), the step result type and
 * `addNoise`'s per-batch broadcasting.
 */
import { ArgumentError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';

/** What the denoising model predicts (diffusers' `prediction_type`). */
export type PredictionType = 'epsilon' | 'sample' | 'v_prediction';
export const PREDICTION_TYPES: readonly PredictionType[] = ['epsilon', 'sample', 'v_prediction'];

/** How `setTimesteps(n)` spreads n steps over the training timesteps (Lin et al. 2024, Table 2). */
export type TimestepSpacing = 'linspace' | 'leading' | 'trailing';
export const TIMESTEP_SPACINGS: readonly TimestepSpacing[] = ['linspace', 'leading', 'trailing'];

/** The result of one reverse step. */
export interface SchedulerOutput {
  /** x_{t−1}: the sample at the previous (less noisy) timestep. */
  prevSample: Float32Array;
  /** The model's estimate of the clean sample x̂_0 at this step. */
  predOriginal: Float32Array;
}

/** Options of `step` common to the schedulers. */
export interface StepOptions {
  /** Generator for the step's noise (`createRng(seed)`); required whenever the step draws noise. */
  rng?: Rng;
}

/** Timesteps for `addNoise`: one timestep for the whole sample, or one per batch item. */
export type NoiseTimesteps = number | ArrayLike<number>;

/** Throws an ArgumentError naming `argument` unless `value` is one of `allowed`; returns it typed. */
export function checkOneOf<T extends string>(value: T | undefined, allowed: readonly T[], fallback: T, argument: string): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) throw new ArgumentError(`${argument} must be one of ${allowed.join(', ')}; got '${String(v)}'`, argument);
  return v;
}

/** Throws an ArgumentError naming `argument` unless `value` is a boolean; returns it (or the fallback). */
export function checkBool(value: boolean | undefined, fallback: boolean, argument: string): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean') throw new ArgumentError(`${argument} must be true or false; got ${String(v)}`, argument);
  return v;
}

/** A finite number (≥ min when given), or the fallback. */
export function checkNumber(value: number | undefined, fallback: number, argument: string, min = -Infinity): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || (!Number.isFinite(v) && v !== -Infinity)) {
    throw new ArgumentError(`${argument} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}; got ${String(v)}`, argument);
  }
  return v;
}

/** An integer ≥ min, or the fallback. */
export function checkInt(value: number | undefined, fallback: number, argument: string, min = 0): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${argument} must be an integer ≥ ${min}; got ${String(v)}`, argument);
  return v;
}

/** `setTimesteps(n)`: n an integer in [1, numTrainTimesteps]. */
export function checkInferenceSteps(n: number, numTrainTimesteps: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`numInferenceSteps must be an integer ≥ 1; got ${String(n)}`, 'numInferenceSteps');
  }
  if (n > numTrainTimesteps) {
    throw new ArgumentError(
      `numInferenceSteps (${n}) cannot be larger than numTrainTimesteps (${numTrainTimesteps}): the model was trained on ${numTrainTimesteps} timesteps only`,
      'numInferenceSteps',
    );
  }
}

/** modelOutput and sample of equal length. */
export function checkSameLength(modelOutput: ArrayLike<number>, sample: ArrayLike<number>): void {
  if (modelOutput.length !== sample.length) {
    throw new ArgumentError(`modelOutput has ${modelOutput.length} values but sample has ${sample.length}; they must match`, 'modelOutput');
  }
}

/** The rng of a step that must draw noise, or a typed error saying why one is needed. */
export function requireRng(rng: Rng | undefined, why: string): Rng {
  if (!rng || typeof rng.normal !== 'function') throw new ArgumentError(`${why}: pass { rng: createRng(seed) }`, 'rng');
  return rng;
}

/** A train timestep index 0 ≤ t < T. */
export function checkTrainTimestep(t: number, numTrainTimesteps: number, argument = 't'): void {
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= numTrainTimesteps) {
    throw new ArgumentError(`${argument} must be an integer timestep in [0, ${numTrainTimesteps - 1}]; got ${String(t)}`, argument);
  }
}

/** `np.round` / `np.rint`: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `np.linspace(start, stop, num)` in double: start + i·step with step = (stop − start)/(num − 1), last = stop. */
export function npLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * `np.arange(start, stop, step)` for doubles: length ⌈(stop − start)/step⌉, value i = start + i·δ with
 * δ = (start + step) − start (NumPy fills from the first two entries).
 */
export function npArange(start: number, stop: number, step: number): Float64Array {
  const len = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(len);
  if (len === 0) return out;
  out[0] = start;
  if (len === 1) return out;
  out[1] = start + step;
  const delta = out[1] - start;
  for (let i = 2; i < len; i++) out[i] = start + i * delta;
  return out;
}

/** `np.interp(x, arange(len(ys)), ys)` for x within [0, len − 1] (clamped outside). */
export function interpIndex(x: number, ys: ArrayLike<number>): number {
  if (x <= 0) return ys[0];
  const last = ys.length - 1;
  if (x >= last) return ys[last];
  const i = Math.floor(x);
  const w = x - i;
  return w === 0 ? ys[i] : ys[i] + (ys[i + 1] - ys[i]) * w;
}

/**
 * Per-element coefficient lookup for `addNoise`: with a single timestep every element gets
 * `coef(t)`; with one timestep per batch item the sample is read as `timesteps.length` equal
 * contiguous blocks (batch-major layout [B, ...]) and block b gets `coef(timesteps[b])`.
 */
export function forEachBatchBlock(
  length: number,
  timesteps: NoiseTimesteps,
  visit: (t: number, from: number, to: number) => void,
): void {
  if (typeof timesteps === 'number') {
    visit(timesteps, 0, length);
    return;
  }
  const b = timesteps.length;
  if (b < 1 || length % b !== 0) {
    throw new ArgumentError(`timesteps must be one number or one per batch item (a divisor of the sample length ${length}); got ${b}`, 'timesteps');
  }
  const per = length / b;
  for (let i = 0; i < b; i++) visit(timesteps[i], i * per, (i + 1) * per);
}

/** x0 and noise of equal length for addNoise. */
export function checkNoiseShapes(x0: ArrayLike<number>, noise: ArrayLike<number>): void {
  if (x0.length !== noise.length) throw new ArgumentError(`noise has ${noise.length} values but the sample has ${x0.length}; they must match`, 'noise');
}

/** Fills `out` with standard normal draws from `rng` (float32), in index order. */
export function drawNormal(rng: Rng, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal();
  return out;
}
