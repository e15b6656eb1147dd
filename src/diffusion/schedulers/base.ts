/**
 * The part DDPM and DDIM share: a discrete ᾱ schedule, the forward process q(x_t | x_0)
 * (Ho et al. 2020, eq. 4), the conversions from a model output to x̂_0 and ε̂ for each prediction
 * type, sample clipping and the "leading / trailing / linspace" timestep grids of
 * diffusers' DDPMScheduler and DDIMScheduler.
 *
 * Arithmetic mirrors diffusers' float32 tensors: `f32` (Math.fround) after every operation that
 * diffusers performs in torch.float32.
 */
import { ArgumentError } from '../../core/errors.js';
import { noiseSchedule, type ResolvedScheduleConfig, type ScheduleConfig } from '../schedules.js';
import {
  checkBool,
  checkInt,
  checkNoiseShapes,
  checkNumber,
  checkOneOf,
  checkTrainTimestep,
  forEachBatchBlock,
  npArange,
  npLinspace,
  PREDICTION_TYPES,
  roundHalfEven,
  TIMESTEP_SPACINGS,
  type NoiseTimesteps,
  type PredictionType,
  type TimestepSpacing,
} from './common.js';

export const f32 = Math.fround;

/** Options shared by the ᾱ-parameterised schedulers (DDPM, DDIM). */
export interface AlphaSchedulerConfig extends ScheduleConfig {
  /** What the model predicts (default `epsilon`). */
  predictionType?: PredictionType;
  /** Clip x̂_0 to [−clipSampleRange, clipSampleRange] (default true, as in diffusers). */
  clipSample?: boolean;
  /** The clipping bound (default 1). */
  clipSampleRange?: number;
  /** How `setTimesteps` spaces the steps (default `leading`). */
  timestepSpacing?: TimestepSpacing;
  /** An offset added to the `leading` timesteps (default 0; Stable Diffusion uses 1). */
  stepsOffset?: number;
}

/**
 * diffusers' DDPM/DDIM `set_timesteps` grids (NumPy, ints), T = numTrainTimesteps, n steps:
 * - `linspace`: `round(linspace(0, T − 1, n))` reversed;
 * - `leading`:  r = T // n; `round(arange(0, n) · r)` reversed, plus stepsOffset;
 * - `trailing`: r = T / n; `round(arange(T, 0, −r)) − 1`.
 * NumPy rounds halves to even.
 */
export function alphaTimesteps(spacing: TimestepSpacing, numTrainTimesteps: number, n: number, stepsOffset = 0): Int32Array {
  const T = numTrainTimesteps;
  if (spacing === 'linspace') return Int32Array.from(npLinspace(0, T - 1, n).map(roundHalfEven).reverse());
  if (spacing === 'leading') {
    const ratio = Math.floor(T / n);
    return Int32Array.from({ length: n }, (_, i) => roundHalfEven((n - 1 - i) * ratio) + stepsOffset);
  }
  return Int32Array.from(npArange(T, 0, -T / n), (v) => roundHalfEven(v) - 1);
}

/** x̂_0 and ε̂ from a model output, for one timestep. */
export interface Prediction {
  predOriginal: Float32Array;
  /** ε̂, computed only when asked for. */
  predEpsilon: Float32Array | undefined;
}

/** Base class of {@link DDPMScheduler} and {@link DDIMScheduler}. */
export abstract class AlphaScheduler {
  /** The resolved schedule options. */
  readonly schedule: ResolvedScheduleConfig;
  /** β_t, t = 0..T−1 (float32). */
  readonly betas: Float32Array;
  /** α_t = 1 − β_t (float32). */
  readonly alphas: Float32Array;
  /** ᾱ_t = ∏ α_s (float32). */
  readonly alphasCumprod: Float32Array;
  readonly numTrainTimesteps: number;
  readonly predictionType: PredictionType;
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  /** The standard deviation of the initial noise x_T ~ N(0, σ²I): 1 for variance-preserving schedulers. */
  readonly initNoiseSigma = 1;
  /** The inference timesteps, descending (T−1..0 until `setTimesteps` is called). */
  timesteps: Int32Array;
  /** The n of the last `setTimesteps(n)`, undefined before. */
  numInferenceSteps: number | undefined;

  constructor(config: AlphaSchedulerConfig) {
    const s = noiseSchedule(config);
    this.schedule = s.config;
    this.betas = s.betas;
    this.alphas = s.alphas;
    this.alphasCumprod = s.alphasCumprod;
    this.numTrainTimesteps = s.config.numTrainTimesteps;
    this.predictionType = checkOneOf(config.predictionType, PREDICTION_TYPES, 'epsilon', 'predictionType');
    this.clipSample = checkBool(config.clipSample, true, 'clipSample');
    this.clipSampleRange = checkNumber(config.clipSampleRange, 1, 'clipSampleRange', 0);
    this.timestepSpacing = checkOneOf(config.timestepSpacing, TIMESTEP_SPACINGS, 'leading', 'timestepSpacing');
    this.stepsOffset = checkInt(config.stepsOffset, 0, 'stepsOffset', 0);
    this.timesteps = Int32Array.from({ length: this.numTrainTimesteps }, (_, i) => this.numTrainTimesteps - 1 - i);
    this.numInferenceSteps = undefined;
  }

  /** Identity: DDPM and DDIM feed the sample to the model unscaled (kept for a common interface). */
  scaleModelInput(sample: Float32Array, _t?: number): Float32Array {
    return sample;
  }

  /**
   * The forward process q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I) (Ho et al. 2020, eq. 4):
   * x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise.
   *
   * `t` is one training timestep for the whole sample, or one per batch item: then the sample is
   * read as `t.length` equal contiguous blocks (layout [B, ...]) and block b is noised to t[b].
   */
  addNoise(x0: Float32Array, noise: Float32Array, t: NoiseTimesteps): Float32Array {
    checkNoiseShapes(x0, noise);
    const out = new Float32Array(x0.length);
    forEachBatchBlock(x0.length, t, (ti, from, to) => {
      checkTrainTimestep(ti, this.numTrainTimesteps);
      const a = this.alphasCumprod[ti];
      const sa = f32(Math.sqrt(a));
      const sb = f32(Math.sqrt(f32(1 - a)));
      for (let i = from; i < to; i++) out[i] = f32(sa * x0[i]) + f32(sb * noise[i]);
    });
    return out;
  }

  /**
   * The v-prediction target v = √ᾱ_t · ε − √(1 − ᾱ_t) · x0 (Salimans & Ho 2022, §4); `t` as in
   * {@link addNoise}.
   */
  getVelocity(x0: Float32Array, noise: Float32Array, t: NoiseTimesteps): Float32Array {
    checkNoiseShapes(x0, noise);
    const out = new Float32Array(x0.length);
    forEachBatchBlock(x0.length, t, (ti, from, to) => {
      checkTrainTimestep(ti, this.numTrainTimesteps);
      const a = this.alphasCumprod[ti];
      const sa = f32(Math.sqrt(a));
      const sb = f32(Math.sqrt(f32(1 - a)));
      for (let i = from; i < to; i++) out[i] = f32(sa * noise[i]) - f32(sb * x0[i]);
    });
    return out;
  }

  /** ᾱ at a timestep, or `final` for t < 0 (the step past the end of the chain). */
  protected alphaProd(t: number, final: number): number {
    return t >= 0 ? this.alphasCumprod[t] : final;
  }

  /**
   * x̂_0 (and ε̂ when `withEpsilon`) from the model output at ᾱ_t, then clipping:
   * - epsilon: x̂_0 = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t (Ho et al. 2020, eq. 15; Song et al. 2021, eq. 12 "predicted x_0");
   * - sample:  x̂_0 = output, ε̂ = (x_t − √ᾱ_t x̂_0)/√(1−ᾱ_t);
   * - v:       x̂_0 = √ᾱ_t x_t − √(1−ᾱ_t) v, ε̂ = √ᾱ_t v + √(1−ᾱ_t) x_t (Salimans & Ho 2022).
   * ε̂ is computed before clipping, as diffusers does.
   */
  protected predict(modelOutput: Float32Array, sample: Float32Array, alphaProdT: number, withEpsilon: boolean): Prediction {
    const n = sample.length;
    const x0 = new Float32Array(n);
    const eps = withEpsilon ? new Float32Array(n) : undefined;
    const sa = f32(Math.sqrt(alphaProdT));
    const sb = f32(Math.sqrt(f32(1 - alphaProdT)));
    switch (this.predictionType) {
      case 'epsilon':
        for (let i = 0; i < n; i++) x0[i] = f32(sample[i] - f32(sb * modelOutput[i])) / sa;
        if (eps) eps.set(modelOutput);
        break;
      case 'sample':
        x0.set(modelOutput);
        if (eps) for (let i = 0; i < n; i++) eps[i] = f32(sample[i] - f32(sa * x0[i])) / sb;
        break;
      case 'v_prediction':
        for (let i = 0; i < n; i++) x0[i] = f32(sa * sample[i]) - f32(sb * modelOutput[i]);
        if (eps) for (let i = 0; i < n; i++) eps[i] = f32(sa * modelOutput[i]) + f32(sb * sample[i]);
        break;
    }
    if (this.clipSample) {
      const r = this.clipSampleRange;
      for (let i = 0; i < n; i++) x0[i] = Math.min(r, Math.max(-r, x0[i]));
    }
    return { predOriginal: x0, predEpsilon: eps };
  }

  /** Throws unless `setTimesteps` has been called (named after its argument). */
  protected requireTimesteps(): number {
    if (this.numInferenceSteps === undefined) {
      throw new ArgumentError('call setTimesteps(numInferenceSteps) before step', 'numInferenceSteps');
    }
    return this.numInferenceSteps;
  }
}
