/**
 * The sampling loop (Ho et al. 2020, Algorithm 2, with any scheduler): start from noise scaled by
 * the scheduler's `initNoiseSigma`, and for each of its timesteps ask the model for a prediction
 * and let the scheduler take one reverse step. Seeded: the starting noise and every step's noise
 * come from one injected RNG. With `trajectory: true` it also returns x_t after every step (and
 * the model's x̂₀ estimates), for animations of the denoising.
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkRng } from '../core/validate.js';
import type { PredictFn } from './guidance.js';
import type { SchedulerOutput } from './schedulers/common.js';

/** What the loop needs of a scheduler (all four schedulers have it). */
export interface Scheduler {
  readonly timesteps: ArrayLike<number>;
  readonly initNoiseSigma: number;
  setTimesteps(n: number): void;
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: { rng?: Rng; eta?: number }): SchedulerOutput;
}

export interface SampleLoopOptions {
  /** Number of samples (rows). */
  n: number;
  /** Values per sample. */
  sampleSize: number;
  /** Inference steps given to `setTimesteps`. */
  steps: number;
  rng: Rng;
  /** Keep every intermediate x_t and x̂₀. */
  trajectory?: boolean;
  /** DDIM's η (0: deterministic DDIM, 1: DDPM-like); only the DDIM scheduler reads it. */
  eta?: number;
}

export interface SampleLoopResult {
  /** Final samples, n × sampleSize row-major. */
  samples: Float32Array;
  /** x_t after each step (when asked). */
  trajectory?: Float32Array[];
  /** The model's x̂₀ at each step (when asked). */
  predOriginal?: Float32Array[];
}

/** A positive integer option, or an ArgumentError naming it (shared by the loops here and in inpaint.ts, sdedit.ts). */
export function checkCount(v: number, argument: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${argument} must be a positive integer; got ${String(v)}`, argument);
  return v;
}

/** `length` standard normal draws times `scale`, in index order: the x_T of every loop. */
export function initialNoise(rng: Rng, length: number, scale: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal() * scale;
  return x;
}

/** The options every loop passes to `step` (η only when given). */
export function stepOptions(rng: Rng, eta: number | undefined): { rng: Rng; eta?: number } {
  return eta === undefined ? { rng } : { rng, eta };
}

export function sampleLoop(scheduler: Scheduler, predict: PredictFn, options: SampleLoopOptions): SampleLoopResult {
  const { sampleSize, steps } = options;
  const n = checkCount(options.n, 'n');
  const rng = options.rng;
  checkRng(rng);
  scheduler.setTimesteps(steps);
  let x = initialNoise(rng, n * sampleSize, scheduler.initNoiseSigma);
  const opts = stepOptions(rng, options.eta);
  const traj: Float32Array[] | undefined = options.trajectory ? [] : undefined;
  const x0s: Float32Array[] | undefined = options.trajectory ? [] : undefined;
  const tRow = new Float32Array(n);
  for (const t of Array.from(scheduler.timesteps)) {
    tRow.fill(t);
    const out = predict(scheduler.scaleModelInput(x, t), tRow);
    const r = scheduler.step(out, t, x, opts);
    x = r.prevSample;
    traj?.push(x);
    x0s?.push(r.predOriginal);
  }
  return traj ? { samples: x, trajectory: traj, predOriginal: x0s } : { samples: x };
}
