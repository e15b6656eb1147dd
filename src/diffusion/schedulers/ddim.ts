/**
 * DDIM sampling (Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models"), after diffusers'
 * `DDIMScheduler`. The generalised reverse step (eq. 12)
 *
 *   x_{t−1} = √ᾱ_{t−1} · x̂_0 + √(1 − ᾱ_{t−1} − σ_t²) · ε̂ + σ_t z,
 *   σ_t(η) = η · √((1 − ᾱ_{t−1})/(1 − ᾱ_t)) · √(1 − ᾱ_t/ᾱ_{t−1})      (eq. 16)
 *
 * is deterministic for η = 0 (DDIM) and DDPM-like for η = 1. Here "t − 1" is the previous timestep
 * of the inference grid, t − T//n.
 *
 * @example
 * const s = new DDIMScheduler({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, clipSample: false });
 * s.setTimesteps(50);
 * for (const t of s.timesteps) x = s.step(model(x, t), t, x).prevSample;                 // η = 0
 * for (const t of s.timesteps) x = s.step(model(x, t), t, x, { eta: 1, rng }).prevSample; // η = 1
 */
import { ArgumentError } from '../../core/errors.js';
import { alphaTimesteps, AlphaScheduler, f32, type AlphaSchedulerConfig } from './base.js';
import { checkBool, checkInferenceSteps, checkSameLength, drawNormal, requireRng, type SchedulerOutput, type StepOptions } from './common.js';

/** Options of {@link DDIMScheduler} (diffusers' names, camelCase). */
export interface DDIMConfig extends AlphaSchedulerConfig {
  /**
   * ᾱ used past the last step (t − T//n < 0): 1 if true (default, as diffusers), else ᾱ_0.
   */
  setAlphaToOne?: boolean;
}

/** Options of {@link DDIMScheduler.step}. */
export interface DDIMStepOptions extends StepOptions {
  /** η ≥ 0, the weight of the added noise (default 0: deterministic DDIM). η > 0 needs `rng` or `varianceNoise`. */
  eta?: number;
  /** Recompute ε̂ from the clipped x̂_0 (diffusers' `use_clipped_model_output`, default false). */
  useClippedModelOutput?: boolean;
  /** The standard normal noise z of this step, instead of drawing it from `rng`. */
  varianceNoise?: Float32Array;
}

/** diffusers' `DDIMScheduler`. */
export class DDIMScheduler extends AlphaScheduler {
  readonly setAlphaToOne: boolean;
  /** ᾱ past the end of the chain: 1 (setAlphaToOne) or ᾱ_0. */
  readonly finalAlphaCumprod: number;

  constructor(config: DDIMConfig = {}) {
    super(config);
    this.setAlphaToOne = checkBool(config.setAlphaToOne, true, 'setAlphaToOne');
    this.finalAlphaCumprod = this.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  /**
   * Chooses n inference timesteps (see {@link alphaTimesteps} for the `linspace` / `leading` /
   * `trailing` formulas); n must lie in [1, numTrainTimesteps].
   */
  setTimesteps(numInferenceSteps: number): void {
    checkInferenceSteps(numInferenceSteps, this.numTrainTimesteps);
    this.numInferenceSteps = numInferenceSteps;
    this.timesteps = alphaTimesteps(this.timestepSpacing, this.numTrainTimesteps, numInferenceSteps, this.stepsOffset);
  }

  /** The previous timestep of the grid: always t − T//n, whatever the spacing (as diffusers). */
  previousTimestep(t: number): number {
    return t - Math.floor(this.numTrainTimesteps / this.requireTimesteps());
  }

  /**
   * σ_t²/η² of eq. 16: (1 − ᾱ_{t'})/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_{t'}), in float32 (diffusers' `_get_variance`).
   */
  getVariance(t: number, prevT: number): number {
    const aT = this.alphasCumprod[t];
    const aPrev = this.alphaProd(prevT, this.finalAlphaCumprod);
    return f32(f32(f32(1 - aPrev) / f32(1 - aT)) * f32(1 - f32(aT / aPrev)));
  }

  /**
   * One reverse step x_t → x_{t'} (Song et al. 2021, eq. 12), t' = t − T//n.
   *
   * 1. t' = t − T//n; ᾱ_t and ᾱ_{t'} (`finalAlphaCumprod` when t' < 0).
   * 2. x̂_0 ("predicted x_0") and ε̂ from the model output per prediction type.
   * 3. Clip x̂_0 to ±clipSampleRange if clipSample.
   * 4. σ_t = η · √(getVariance(t, t')) (eq. 16).
   * 5. With useClippedModelOutput, ε̂ = (x_t − √ᾱ_t x̂_0)/√(1 − ᾱ_t).
   * 6. "Direction pointing to x_t": √(1 − ᾱ_{t'} − σ_t²) · ε̂.
   * 7. x_{t'} = √ᾱ_{t'} · x̂_0 + direction.
   * 8. For η > 0 add σ_t z, z ~ N(0, I) from `rng` (or `varianceNoise`); ArgumentError('rng') if neither.
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: DDIMStepOptions = {}): SchedulerOutput {
    checkSameLength(modelOutput, sample);
    const eta = options.eta ?? 0;
    // η interpolates between DDIM (0) and DDPM's posterior noise (1) (Song et al. 2021, eq. 16).
    // diffusers takes any η, but above 1 the direction term √(1 − ᾱ_{t−1} − σ_t²) is the root of a
    // negative number at the coarse steps and every sample turns NaN: refuse it.
    if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0 || eta > 1) throw new ArgumentError(`eta must be a number in [0, 1] (0: deterministic DDIM, 1: DDPM-like noise); got ${String(eta)}`, 'eta');
    if (!Number.isInteger(t) || t < 0 || t >= this.numTrainTimesteps) {
      throw new ArgumentError(`t must be an integer timestep in [0, ${this.numTrainTimesteps - 1}]; got ${t}`, 't');
    }
    const n = sample.length;
    // 1. previous timestep and ᾱ values
    const prevT = this.previousTimestep(t);
    const aT = this.alphasCumprod[t];
    const aPrev = this.alphaProd(prevT, this.finalAlphaCumprod);
    const betaProdT = f32(1 - aT);
    // 2–3. x̂_0 (clipped) and ε̂
    const pred = this.predict(modelOutput, sample, aT, true);
    const x0 = pred.predOriginal;
    let eps = pred.predEpsilon as Float32Array;
    // 4. σ_t(η)
    const std = f32(eta * f32(Math.sqrt(this.getVariance(t, prevT))));
    // 5. ε̂ from the clipped x̂_0
    if (options.useClippedModelOutput) {
      const sa = f32(Math.sqrt(aT));
      const sb = f32(Math.sqrt(betaProdT));
      eps = new Float32Array(n);
      for (let i = 0; i < n; i++) eps[i] = f32(sample[i] - f32(sa * x0[i])) / sb;
    }
    // 6–7. direction to x_t and the deterministic part of x_{t'}
    const cDir = f32(Math.sqrt(f32(f32(1 - aPrev) - f32(std * std))));
    const cX0 = f32(Math.sqrt(aPrev));
    const prev = new Float32Array(n);
    for (let i = 0; i < n; i++) prev[i] = f32(cX0 * x0[i]) + f32(cDir * eps[i]);
    // 8. stochastic part for η > 0
    if (eta > 0) {
      const z = options.varianceNoise ?? drawNormal(requireRng(options.rng, `DDIM step with eta = ${eta} > 0 adds noise`), n);
      if (z.length !== n) throw new ArgumentError(`varianceNoise has ${z.length} values, the sample ${n}`, 'varianceNoise');
      for (let i = 0; i < n; i++) prev[i] = prev[i] + f32(std * z[i]);
    }
    return { prevSample: prev, predOriginal: x0 };
  }
}
