/**
 * SDEdit (Meng, He, Song, Song, Wu, Zhu & Ermon 2022, "SDEdit: Guided Image Synthesis and Editing
 * with Stochastic Differential Equations", Algorithm 1): to make a rough or out-of-distribution
 * input realistic while keeping its overall shape, noise it part of the way up the forward process,
 * x_{t₀} = √ᾱ_{t₀} x + √(1 − ᾱ_{t₀}) ε, and run the reverse process from t₀ down. The fraction of the
 * schedule, `strength` ∈ (0, 1], trades faithfulness (small) for realism (large) — the paper's t₀.
 *
 * The grid follows diffusers' img2img pipelines: set the scheduler to `steps` timesteps, run the
 * last init = min(⌊steps · strength⌋, steps) of them (from timesteps[steps − init]), and noise the
 * input with the scheduler's own `addNoise` at that timestep — VP for DDPM, DDIM and DPM-Solver,
 * x + σ ε in σ-space for Euler. Starting mid-schedule needs no `set_begin_index` here: Euler and
 * DPM-Solver take their step index from the first timestep they are given (their
 * `indexForTimestep`), and DPM-Solver's multistep history starts empty, so its first step is first
 * order as at the top of the schedule. strength 1 starts from pure noise × initNoiseSigma, exactly
 * as {@link sampleLoop} (diffusers' `is_strength_max`): same seed, same samples.
 */
import { ArgumentError } from '../core/errors.js';
import { checkRng } from '../core/validate.js';
import type { PredictFn } from './guidance.js';
import { checkRows, noisingScheduler } from './inpaint.js';
import { checkCount, initialNoise, stepOptions, type SampleLoopOptions, type SampleLoopResult, type Scheduler } from './sample.js';

export interface SdeditOptions extends SampleLoopOptions {
  /** The rows to edit, n × sampleSize row-major, on the model's scale. */
  input: ArrayLike<number>;
  /** Fraction of the noise schedule to go back, in (0, 1]: 1 ignores the input (plain sampling). */
  strength: number;
  /**
   * The input already carries white Gaussian noise of the starting level's σ_t/α_t (restoration of
   * noisy data): scale it onto x_t (√ᾱ·input; σ-space: the input itself) instead of adding more
   * noise — the noisy row is then exactly a draw of x_t given the clean one, and denoising from t
   * estimates the clean row rather than a variation of the noisy one.
   */
  noisy?: boolean;
}

/**
 * SDEdit: noises `input` to the timestep `strength` of the way up the schedule and denoises it
 * with `scheduler`. Same result as {@link sampleLoop}; the trajectory covers the steps run.
 *
 * @example
 * const r = sdeditLoop(new DDIMScheduler({ clipSample: false }), predict, { input, n, sampleSize: 4, strength: 0.5, steps: 50, rng: createRng(7) });
 */
export function sdeditLoop(scheduler: Scheduler, predict: PredictFn, options: SdeditOptions): SampleLoopResult {
  const n = checkCount(options.n, 'n');
  const sampleSize = checkCount(options.sampleSize, 'sampleSize');
  const steps = checkCount(options.steps, 'steps');
  const strength = options.strength;
  if (typeof strength !== 'number' || !(strength > 0 && strength <= 1)) {
    throw new ArgumentError(`strength must be a number in (0, 1] (the fraction of the noise schedule to go back); got ${String(strength)}`, 'strength');
  }
  const rng = options.rng;
  checkRng(rng);
  checkRows(options.input, n, sampleSize, 'input');
  const s = noisingScheduler(scheduler);
  s.setTimesteps(steps);
  const ts = Array.from(s.timesteps);
  const N = ts.length;
  // diffusers' get_timesteps: init_timestep = min(int(steps · strength), steps).
  const init = Math.min(Math.trunc(N * strength), N);
  if (init < 1) {
    throw new ArgumentError(`strength ${strength} × ${N} steps leaves no step to run; use strength ≥ 1/${N} = ${(1 / N).toPrecision(3)} or more steps`, 'strength');
  }
  const start = N - init;
  let x: Float32Array;
  if (init === N) x = initialNoise(rng, n * sampleSize, s.initNoiseSigma);
  else if (options.noisy) x = s.addNoise(Float32Array.from(options.input), new Float32Array(n * sampleSize), ts[start]);
  else x = s.addNoise(Float32Array.from(options.input), initialNoise(rng, n * sampleSize, 1), ts[start]);
  const traj: Float32Array[] | undefined = options.trajectory ? [] : undefined;
  const x0s: Float32Array[] | undefined = options.trajectory ? [] : undefined;
  const tRow = new Float32Array(n);
  const opts = stepOptions(rng, options.eta);
  for (let i = start; i < N; i++) {
    const t = ts[i];
    tRow.fill(t);
    const out = predict(s.scaleModelInput(x, t), tRow);
    const r = scheduler.step(out, t, x, opts); // through the common interface: DPM-Solver's step takes no options
    x = r.prevSample;
    traj?.push(x);
    x0s?.push(r.predOriginal);
  }
  return traj ? { samples: x, trajectory: traj, predOriginal: x0s } : { samples: x };
}
