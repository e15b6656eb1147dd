/**
 * Euler sampling of the probability-flow ODE in σ-space (Karras, Aittala, Aila & Laine 2022,
 * "Elucidating the Design Space of Diffusion-Based Generative Models"), after diffusers'
 * `EulerDiscreteScheduler`.
 *
 * A variance-preserving model trained on ᾱ_t is run in the variance-exploding variable
 * x = x_t/√ᾱ_t, whose noise level is σ_t = √((1 − ᾱ_t)/ᾱ_t). The ODE dx/dσ = (x − D(x; σ))/σ
 * (Karras et al. 2022, eq. 3 with σ(t) = t, Table 1) is integrated with Euler steps
 * (Algorithm 2 without the Heun correction): x_{i+1} = x_i + (σ_{i+1} − σ̂_i) · d_i,
 * d_i = (x_i − x̂_0)/σ̂_i, where σ̂_i = σ_i(1 + γ_i) adds optional "churn" noise (Alg. 2, lines 4–6).
 * The model expects the VP input x/√(σ² + 1) (`scaleModelInput`), and x_T starts at
 * N(0, initNoiseSigma² I).
 *
 * @example
 * const s = new EulerDiscreteScheduler();
 * s.setTimesteps(30);
 * let x = Float32Array.from({ length: n }, () => rng.normal() * s.initNoiseSigma);
 * for (const t of s.timesteps) x = s.step(model(s.scaleModelInput(x, t), t), t, x).prevSample;
 */
import { ArgumentError } from '../../core/errors.js';
import { noiseSchedule, sigmasFromAlphasCumprod, type ResolvedScheduleConfig, type ScheduleConfig } from '../schedules.js';
import {
  checkInt,
  checkNoiseShapes,
  checkOneOf,
  checkSameLength,
  drawNormal,
  forEachBatchBlock,
  interpIndex,
  npArange,
  npLinspace,
  PREDICTION_TYPES,
  requireRng,
  roundHalfEven,
  TIMESTEP_SPACINGS,
  type NoiseTimesteps,
  type PredictionType,
  type SchedulerOutput,
  type StepOptions,
  type TimestepSpacing,
} from './common.js';
import type { FinalSigmasType } from './dpm-solver.js';

const f32 = Math.fround;

/** Options of {@link EulerDiscreteScheduler} (diffusers' names, camelCase). */
export interface EulerConfig extends ScheduleConfig {
  /** What the model predicts (default `epsilon`). */
  predictionType?: PredictionType;
  /** How `setTimesteps` spaces the steps (default `linspace`). */
  timestepSpacing?: TimestepSpacing;
  /** An offset added to the `leading` timesteps (default 0). */
  stepsOffset?: number;
  /** σ after the last step: 0 (default) or σ at t = 0. */
  finalSigmasType?: FinalSigmasType;
}

/** Options of {@link EulerDiscreteScheduler.step}: Karras et al.'s stochastic "churn" (Alg. 2). */
export interface EulerStepOptions extends StepOptions {
  /** S_churn ≥ 0 (default 0: the deterministic ODE step); γ = min(S_churn/N, √2 − 1). */
  sChurn?: number;
  /** Churn only for σ in [sTmin, sTmax] (defaults 0, ∞). */
  sTmin?: number;
  sTmax?: number;
  /** S_noise, the scale of the churn noise (default 1). */
  sNoise?: number;
}

/**
 * diffusers' `EulerDiscreteScheduler.set_timesteps` grid (NumPy, float32 values), T = numTrainTimesteps:
 * - `linspace`: `linspace(0, T − 1, n)` reversed (not rounded);
 * - `leading`:  r = T // n; `round(arange(0, n) · r)` reversed, plus stepsOffset;
 * - `trailing`: r = T / n; `round(arange(T, 0, −r)) − 1`.
 */
export function eulerTimesteps(spacing: TimestepSpacing, numTrainTimesteps: number, n: number, stepsOffset = 0): number[] {
  const T = numTrainTimesteps;
  if (spacing === 'linspace') return Array.from(npLinspace(0, T - 1, n), f32).reverse();
  if (spacing === 'leading') {
    const ratio = Math.floor(T / n);
    return Array.from({ length: n }, (_, i) => f32(roundHalfEven((n - 1 - i) * ratio) + stepsOffset));
  }
  return Array.from(npArange(T, 0, -T / n), (v) => f32(roundHalfEven(v) - 1));
}

/** diffusers' `EulerDiscreteScheduler` (linear σ interpolation, discrete timesteps). */
export class EulerDiscreteScheduler {
  readonly schedule: ResolvedScheduleConfig;
  readonly betas: Float32Array;
  readonly alphas: Float32Array;
  readonly alphasCumprod: Float32Array;
  readonly numTrainTimesteps: number;
  readonly predictionType: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  readonly finalSigmasType: FinalSigmasType;
  /** The timesteps (float32 values, descending); the training grid T−1..0 until `setTimesteps`. */
  timesteps: number[];
  /** σ of each timestep plus the final σ (float32). */
  sigmas: Float32Array;
  numInferenceSteps: number | undefined;
  /** Index into `timesteps` of the next step (undefined before the first call). */
  stepIndex: number | undefined;
  private readonly trainSigmas: Float32Array;

  constructor(config: EulerConfig = {}) {
    const s = noiseSchedule(config);
    this.schedule = s.config;
    this.betas = s.betas;
    this.alphas = s.alphas;
    this.alphasCumprod = s.alphasCumprod;
    this.numTrainTimesteps = s.config.numTrainTimesteps;
    this.predictionType = checkOneOf(config.predictionType, PREDICTION_TYPES, 'epsilon', 'predictionType');
    this.timestepSpacing = checkOneOf(config.timestepSpacing, TIMESTEP_SPACINGS, 'linspace', 'timestepSpacing');
    this.stepsOffset = checkInt(config.stepsOffset, 0, 'stepsOffset', 0);
    this.finalSigmasType = checkOneOf<FinalSigmasType>(config.finalSigmasType, ['zero', 'sigma_min'], 'zero', 'finalSigmasType');
    this.trainSigmas = sigmasFromAlphasCumprod(this.alphasCumprod);
    const T = this.numTrainTimesteps;
    this.timesteps = Array.from({ length: T }, (_, i) => T - 1 - i);
    this.sigmas = new Float32Array(T + 1);
    for (let i = 0; i < T; i++) this.sigmas[i] = this.trainSigmas[T - 1 - i];
    this.numInferenceSteps = undefined;
    this.stepIndex = undefined;
  }

  /**
   * The standard deviation of x_T: max σ for `linspace`/`trailing` spacing, √(σ_max² + 1) for
   * `leading` (as diffusers).
   */
  get initNoiseSigma(): number {
    let max = 0;
    for (const s of this.sigmas) max = Math.max(max, s);
    return this.timestepSpacing === 'leading' ? f32(Math.sqrt(f32(f32(max * max) + 1))) : max;
  }

  /**
   * Chooses n timesteps (see {@link eulerTimesteps}), interpolates σ linearly in t from the training
   * σ_t = √((1 − ᾱ_t)/ᾱ_t), and appends the final σ (0 or σ_0).
   */
  setTimesteps(numInferenceSteps: number): void {
    if (typeof numInferenceSteps !== 'number' || !Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > this.numTrainTimesteps) {
      throw new ArgumentError(`numInferenceSteps must be an integer in [1, numTrainTimesteps = ${this.numTrainTimesteps}]; got ${String(numInferenceSteps)}`, 'numInferenceSteps');
    }
    const timesteps = eulerTimesteps(this.timestepSpacing, this.numTrainTimesteps, numInferenceSteps, this.stepsOffset);
    const sigmas = new Float32Array(timesteps.length + 1);
    timesteps.forEach((t, i) => (sigmas[i] = interpIndex(t, this.trainSigmas)));
    sigmas[timesteps.length] = this.finalSigmasType === 'sigma_min' ? this.trainSigmas[0] : 0;
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
  }

  /** The index of t in `timesteps` (the second match when t occurs twice); ArgumentError('t') if absent. */
  indexForTimestep(t: number): number {
    const first = this.timesteps.indexOf(t);
    if (first < 0) throw new ArgumentError(`t = ${t} is not one of the scheduler's timesteps; pass the values of scheduler.timesteps`, 't');
    const second = this.timesteps.indexOf(t, first + 1);
    return second >= 0 ? second : first;
  }

  /**
   * The model input x/√(σ² + 1) at the current step (the VP-scaled sample the network was trained
   * on). On the first call it fixes the step index from t, as `step` does.
   */
  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    if (this.stepIndex === undefined) this.stepIndex = this.indexForTimestep(t);
    const sigma = this.sigmas[this.stepIndex];
    const c = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
    return sample.map((v) => v / c);
  }

  /**
   * x = x0 + σ(t) · noise (the VE forward process, Karras et al. 2022 §2), with σ(t) the σ of
   * timestep t in `timesteps`; `t` one timestep or one per batch item (blocks of the batch-major
   * sample).
   */
  addNoise(x0: Float32Array, noise: Float32Array, t: NoiseTimesteps): Float32Array {
    checkNoiseShapes(x0, noise);
    const out = new Float32Array(x0.length);
    forEachBatchBlock(x0.length, t, (ti, from, to) => {
      const sigma = this.sigmas[this.indexForTimestep(ti)];
      for (let i = from; i < to; i++) out[i] = x0[i] + f32(noise[i] * sigma);
    });
    return out;
  }

  /**
   * One Euler step from σ_i to σ_{i+1} (Karras et al. 2022, Algorithm 2 without the 2nd-order correction).
   *
   * 1. On the first call find the step index of t; later calls advance a counter (as diffusers).
   * 2. γ = min(S_churn/N, √2 − 1) if σ_i ∈ [S_tmin, S_tmax], else 0; σ̂ = σ_i(1 + γ) (Alg. 2, line 4).
   * 3. If γ > 0: x̂ = x + √(σ̂² − σ_i²) · S_noise · z, z ~ N(0, I) from `rng` (line 6); ArgumentError('rng') without one.
   * 4. x̂_0 = D(x̂; σ̂): x̂ − σ̂ ε̂ (epsilon), the output (sample), or −σ/√(σ²+1) · v + x̂/(σ²+1) (v).
   * 5. d = (x̂ − x̂_0)/σ̂ (eq. 3 / line 7).
   * 6. x_{i+1} = x̂ + (σ_{i+1} − σ̂) · d (line 8).
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: EulerStepOptions = {}): SchedulerOutput {
    checkSameLength(modelOutput, sample);
    // 1. step index
    if (this.stepIndex === undefined) this.stepIndex = this.indexForTimestep(t);
    const i = this.stepIndex;
    if (i >= this.sigmas.length - 1) throw new ArgumentError(`all ${this.sigmas.length - 1} steps have been taken; call setTimesteps again`, 't');
    const n = sample.length;
    const sigma = this.sigmas[i];
    // 2. churn
    const sChurn = options.sChurn ?? 0;
    const sTmin = options.sTmin ?? 0;
    const sTmax = options.sTmax ?? Infinity;
    const sNoise = options.sNoise ?? 1;
    if (!(sChurn >= 0) || !Number.isFinite(sChurn)) throw new ArgumentError(`sChurn must be a finite number ≥ 0; got ${sChurn}`, 'sChurn');
    const gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (this.sigmas.length - 1), Math.SQRT2 - 1) : 0;
    const sigmaHat = f32(sigma * (gamma + 1));
    // 3. churn noise
    let x = sample;
    if (gamma > 0) {
      const z = drawNormal(requireRng(options.rng, `Euler step with sChurn = ${sChurn} adds noise`), n);
      const c = f32(Math.sqrt(f32(f32(sigmaHat * sigmaHat) - f32(sigma * sigma))));
      x = sample.map((v, k) => v + f32(f32(z[k] * sNoise) * c));
    }
    // 4. x̂_0
    let x0: Float32Array;
    if (this.predictionType === 'sample') x0 = Float32Array.from(modelOutput);
    else if (this.predictionType === 'epsilon') x0 = x.map((v, k) => v - f32(sigmaHat * modelOutput[k]));
    else {
      const q = f32(f32(sigma * sigma) + 1);
      const c = f32(-sigma / f32(Math.sqrt(q)));
      x0 = x.map((v, k) => f32(modelOutput[k] * c) + f32(v / q));
    }
    // 5–6. derivative and Euler step
    const dt = f32(this.sigmas[i + 1] - sigmaHat);
    const prev = x.map((v, k) => v + f32(f32(f32(v - x0[k]) / sigmaHat) * dt));
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginal: x0 };
  }
}
