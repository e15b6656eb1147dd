/**
 * DDPM ancestral sampling (Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models"),
 * after diffusers' `DDPMScheduler`.
 *
 * Each reverse step samples x_{t−1} ~ N(μ̃_t(x_t, x̂_0), σ_t² I), where x̂_0 is the model's estimate of
 * the clean sample (eq. 15), μ̃_t the mean of the forward-process posterior q(x_{t−1} | x_t, x_0)
 * (eq. 6–7) and σ_t² one of the variances of §3.2 (β̃_t "fixed_small" or β_t "fixed_large"), or
 * the learned interpolation of Nichol & Dhariwal 2021 (eq. 15 there, "learned_range").
 *
 * @example
 * const s = new DDPMScheduler({ betaSchedule: 'linear' });
 * s.setTimesteps(50);
 * const rng = createRng(0);
 * let x = Float32Array.from({ length: 3 * 32 * 32 }, () => rng.normal());   // x_T ~ N(0, I)
 * for (const t of s.timesteps) x = s.step(model(x, t), t, x, { rng }).prevSample;
 */
import { ArgumentError } from '../../core/errors.js';
import { alphaTimesteps, AlphaScheduler, f32, type AlphaSchedulerConfig } from './base.js';
import { checkInferenceSteps, checkOneOf, checkSameLength, drawNormal, requireRng, type SchedulerOutput, type StepOptions } from './common.js';

/**
 * The reverse-process variance (diffusers' `variance_type`):
 * - `fixed_small`: β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t (Ho et al. 2020, eq. 7), floored at 1e-20;
 * - `fixed_small_log`: the same, through exp(½ log β̃_t);
 * - `fixed_large`: β_t (Ho et al. 2020, §3.2);
 * - `learned`: the model's own variance output, used as σ_t²;
 * - `learned_range`: exp(v log β_t + (1 − v) log β̃_t), v = (output + 1)/2 (Nichol & Dhariwal 2021, eq. 15).
 */
export type DDPMVarianceType = 'fixed_small' | 'fixed_small_log' | 'fixed_large' | 'learned' | 'learned_range';
export const DDPM_VARIANCE_TYPES: readonly DDPMVarianceType[] = ['fixed_small', 'fixed_small_log', 'fixed_large', 'learned', 'learned_range'];

/** Options of {@link DDPMScheduler} (diffusers' names, camelCase). */
export interface DDPMConfig extends AlphaSchedulerConfig {
  /** The reverse-process variance (default `fixed_small`). */
  varianceType?: DDPMVarianceType;
}

/** Options of {@link DDPMScheduler.step}. */
export interface DDPMStepOptions extends StepOptions {
  /**
   * The model's variance output for `learned` / `learned_range` (same length as the sample); use
   * {@link splitLearnedVariance} to split a [B, 2C, ...] model output.
   */
  predictedVariance?: Float32Array;
  /** The standard normal noise z of this step, instead of drawing it from `rng`. */
  varianceNoise?: Float32Array;
}

/**
 * Splits a model output of layout [B, 2C, ...] (the first C channels the prediction, the last C
 * the variance, as diffusers' `torch.split(model_output, C, dim=1)`) into its two halves.
 */
export function splitLearnedVariance(modelOutput: Float32Array, batchSize: number): { output: Float32Array; predictedVariance: Float32Array } {
  if (!Number.isInteger(batchSize) || batchSize < 1 || modelOutput.length % (2 * batchSize) !== 0) {
    throw new ArgumentError(`batchSize must be an integer ≥ 1 dividing half the model output length ${modelOutput.length}; got ${batchSize}`, 'batchSize');
  }
  const per = modelOutput.length / batchSize;
  const half = per / 2;
  const output = new Float32Array(modelOutput.length / 2);
  const predictedVariance = new Float32Array(modelOutput.length / 2);
  for (let b = 0; b < batchSize; b++) {
    output.set(modelOutput.subarray(b * per, b * per + half), b * half);
    predictedVariance.set(modelOutput.subarray(b * per + half, (b + 1) * per), b * half);
  }
  return { output, predictedVariance };
}

/** diffusers' `DDPMScheduler`: ancestral sampling with the DDPM posterior. */
export class DDPMScheduler extends AlphaScheduler {
  readonly varianceType: DDPMVarianceType;

  constructor(config: DDPMConfig = {}) {
    super(config);
    this.varianceType = checkOneOf(config.varianceType, DDPM_VARIANCE_TYPES, 'fixed_small', 'varianceType');
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

  /**
   * The timestep after t in the chain: t − 1 before `setTimesteps`, else the next entry of
   * `timesteps` (−1 after the last one).
   */
  previousTimestep(t: number): number {
    if (this.numInferenceSteps === undefined) return t - 1;
    const i = this.timesteps.indexOf(t);
    if (i < 0) throw new ArgumentError(`t = ${t} is not one of the scheduler's timesteps`, 't');
    return i === this.timesteps.length - 1 ? -1 : this.timesteps[i + 1];
  }

  /**
   * The posterior variance at t for the fixed variance types (float32, as diffusers'
   * `_get_variance`): β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t floored at 1e-20 (`fixed_small`,
   * Ho et al. 2020 eq. 7), or β_t = 1 − ᾱ_t/ᾱ_{t−1} (`fixed_large`). `varianceType` defaults to the
   * scheduler's; the learned types depend on the model output and are computed in `step`.
   */
  getVariance(t: number, varianceType: DDPMVarianceType = this.varianceType): number {
    if (!Number.isInteger(t) || t < 0 || t >= this.numTrainTimesteps) {
      throw new ArgumentError(`t must be an integer timestep in [0, ${this.numTrainTimesteps - 1}]; got ${t}`, 't');
    }
    const { small, beta } = this.varianceParts(t);
    if (varianceType === 'fixed_large') return beta;
    if (varianceType === 'fixed_small' || varianceType === 'fixed_small_log') return small;
    throw new ArgumentError(`getVariance computes the fixed variances only; '${varianceType}' depends on the model output`, 'varianceType');
  }

  private varianceParts(t: number): { small: number; beta: number } {
    const prevT = this.previousTimestep(t);
    const aT = this.alphasCumprod[t];
    const aPrev = this.alphaProd(prevT, 1);
    const beta = f32(1 - f32(aT / aPrev));
    const small = Math.max(f32(f32(f32(1 - aPrev) / f32(1 - aT)) * beta), 1e-20);
    return { small, beta };
  }

  /**
   * One reverse step x_t → x_{t−1}.
   *
   * 1. t' = the previous timestep; ᾱ_t, ᾱ_{t'} (1 past the end), α_t = ᾱ_t/ᾱ_{t'}, β_t = 1 − α_t.
   * 2. x̂_0 from the model output (eq. 15 for ε; sample; v), clipped to ±clipSampleRange if clipSample.
   * 3. Posterior mean (eq. 7): μ̃_t = √ᾱ_{t'} β_t/(1 − ᾱ_t) · x̂_0 + √α_t (1 − ᾱ_{t'})/(1 − ᾱ_t) · x_t.
   * 4. For t > 0 add σ_t z, z ~ N(0, I) from `rng` (Algorithm 2, line 4) — σ_t² per `varianceType`;
   *    t = 0 returns the mean. A step that needs noise and has no `rng` throws ArgumentError('rng').
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: DDPMStepOptions = {}): SchedulerOutput {
    checkSameLength(modelOutput, sample);
    if (!Number.isInteger(t) || t < 0 || t >= this.numTrainTimesteps) {
      throw new ArgumentError(`t must be an integer timestep in [0, ${this.numTrainTimesteps - 1}]; got ${t}`, 't');
    }
    const n = sample.length;
    // 1. timesteps and schedule values
    const prevT = this.previousTimestep(t);
    const aT = this.alphasCumprod[t];
    const aPrev = this.alphaProd(prevT, 1);
    const betaProdT = f32(1 - aT);
    const betaProdPrev = f32(1 - aPrev);
    const curAlpha = f32(aT / aPrev);
    const curBeta = f32(1 - curAlpha);
    // 2. x̂_0
    const { predOriginal } = this.predict(modelOutput, sample, aT, false);
    // 3. posterior mean μ̃_t (eq. 7)
    const c0 = f32(f32(f32(Math.sqrt(aPrev)) * curBeta) / betaProdT);
    const c1 = f32(f32(f32(Math.sqrt(curAlpha)) * betaProdPrev) / betaProdT);
    const prev = new Float32Array(n);
    for (let i = 0; i < n; i++) prev[i] = f32(c0 * predOriginal[i]) + f32(c1 * sample[i]);
    // 4. noise for t > 0
    if (t > 0) {
      const z = options.varianceNoise ?? drawNormal(requireRng(options.rng, `DDPM step at t = ${t} > 0 adds noise`), n);
      if (z.length !== n) throw new ArgumentError(`varianceNoise has ${z.length} values, the sample ${n}`, 'varianceNoise');
      const { small, beta } = this.varianceParts(t);
      const vt = this.varianceType;
      if (vt === 'learned' || vt === 'learned_range') {
        const pv = options.predictedVariance;
        if (!pv || pv.length !== n) {
          throw new ArgumentError(`varianceType '${vt}' needs the model's variance output (predictedVariance, ${n} values)`, 'predictedVariance');
        }
        const minLog = f32(Math.log(small));
        const maxLog = f32(Math.log(beta));
        for (let i = 0; i < n; i++) {
          let std: number;
          if (vt === 'learned') std = f32(Math.sqrt(pv[i]));
          else {
            const frac = f32(f32(pv[i] + 1) / 2);
            std = f32(Math.exp(f32(0.5 * f32(f32(frac * maxLog) + f32(f32(1 - frac) * minLog)))));
          }
          prev[i] = prev[i] + f32(std * z[i]);
        }
      } else {
        const std =
          vt === 'fixed_large' ? f32(Math.sqrt(beta)) : vt === 'fixed_small_log' ? f32(Math.exp(f32(0.5 * f32(Math.log(small))))) : f32(Math.sqrt(small));
        for (let i = 0; i < n; i++) prev[i] = prev[i] + f32(std * z[i]);
      }
    }
    return { prevSample: prev, predOriginal };
  }
}
