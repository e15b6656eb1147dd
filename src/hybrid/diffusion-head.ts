/**
 * The denoising-diffusion head of TimeGrad (Rasul, Seward, Schuster & Vollgraf 2021, "Autoregressive
 * denoising diffusion models for multivariate probabilistic time series forecasting", ICML): the
 * distribution of the next D values given the recurrent state h_t is a diffusion model conditioned
 * on h_t, plugged into the recurrent forecasters through the head interface (`registerHead`), so
 * DeepAR's network serves Gaussian, Student-t and diffusion heads alike.
 *
 * - Forward process (paper eq. 2–3): K steps (default 100) of a linear β schedule from 1e-4 to
 *   0.1, ᾱ_k = Π_{i≤k}(1 − β_i), x^k = √ᾱ_k x⁰ + √(1 − ᾱ_k) ε.
 * - Training (paper Algorithm 1): for every row (every time step of every window) draw k uniform
 *   on {0, …, K−1} and ε ~ N(0, I); the loss is the mean of ‖ε − ε_θ(x^k, k, h)‖² over rows and
 *   values (the simplified objective of Ho et al. 2020, eq. 14). k and ε come from the model's
 *   seeded generator.
 * - Sampling (paper Algorithm 2): x^K ~ N(0, I), then the scheduler's reverse steps: DDPM
 *   ancestral steps with the posterior variance β̃_k (diffusers' `fixed_small`, as TimeGrad) over
 *   all K steps by default, or the fast DDIM / DPM-Solver++ samplers over fewer steps.
 *   x̂⁰ is never clipped: the values are mean-scaled series, not images in [−1, 1].
 *
 * The denoiser is {@link EpsilonTheta}.
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor } from '../neural/engine/tf.js';
import { registerHead, type HeadFactory, type HeadLossOptions, type HeadOptions, type LikelihoodHead } from '../neural/heads.js';
import type { ParamStore } from '../neural/params.js';
import { noiseSchedule, type NoiseSchedule } from '../diffusion/schedules.js';
import { DDPMScheduler } from '../diffusion/schedulers/ddpm.js';
import { DDIMScheduler } from '../diffusion/schedulers/ddim.js';
import { DPMSolverMultistepScheduler } from '../diffusion/schedulers/dpm-solver.js';
import { initialNoise, type Scheduler } from '../diffusion/sample.js';
import { EPSILON_THETA_DEFAULTS, EpsilonTheta, addEpsilonTheta, checkEpsilonThetaConfig, epsilonThetaShapes, type EpsilonThetaConfig } from './epsilon-theta.js';

/** The reverse-process samplers the head can use. */
export type DiffusionSamplerName = 'ddpm' | 'ddim' | 'dpm++';
export const DIFFUSION_SAMPLERS: readonly DiffusionSamplerName[] = ['ddpm', 'ddim', 'dpm++'];

/** The head's settings (saved with the model). */
export interface DiffusionHeadSettings {
  /** Diffusion steps K. Default 100 (the paper's). */
  diffusionSteps: number;
  /** β_1 of the linear schedule. Default 1e-4. */
  betaStart: number;
  /** β_K of the linear schedule. Default 0.1 (the paper's). */
  betaEnd: number;
  residualLayers: number;
  residualChannels: number;
  dilationCycle: number;
  timeEmbedding: number;
  residualHidden: number;
}

/** The paper's settings and pytorch-ts' network. */
export const DIFFUSION_HEAD_DEFAULTS: DiffusionHeadSettings = { diffusionSteps: 100, betaStart: 1e-4, betaEnd: 0.1, ...EPSILON_THETA_DEFAULTS };

/** How the head samples: the scheduler, its number of steps, DDIM's η. */
export interface DiffusionSampling {
  scheduler: DiffusionSamplerName;
  /** Reverse steps (default: all K for ddpm, 20 for ddim and dpm++). */
  steps?: number;
  /** DDIM's η (0 deterministic, the default). */
  eta?: number;
}

/** The settings of a head's options object, defaults filled in and checked. */
export function diffusionHeadSettings(options: HeadOptions | undefined): DiffusionHeadSettings {
  const o = (options ?? {}) as Partial<DiffusionHeadSettings>;
  const s: DiffusionHeadSettings = { ...DIFFUSION_HEAD_DEFAULTS };
  for (const key of Object.keys(DIFFUSION_HEAD_DEFAULTS) as (keyof DiffusionHeadSettings)[]) {
    if (o[key] !== undefined) s[key] = o[key] as number;
  }
  if (!Number.isInteger(s.diffusionSteps) || s.diffusionSteps < 2) throw new ArgumentError(`diffusionSteps must be an integer ≥ 2; got ${String(s.diffusionSteps)}`, 'diffusionSteps');
  if (!(s.betaStart > 0 && s.betaEnd > s.betaStart && s.betaEnd < 1)) throw new ArgumentError(`the β schedule needs 0 < betaStart < betaEnd < 1; got ${s.betaStart}, ${s.betaEnd}`, 'betaEnd');
  return s;
}

function denoiserConfig(s: DiffusionHeadSettings, dim: number, condSize: number): EpsilonThetaConfig {
  return checkEpsilonThetaConfig({
    dim, condSize, residualLayers: s.residualLayers, residualChannels: s.residualChannels, dilationCycle: s.dilationCycle,
    timeEmbedding: s.timeEmbedding, residualHidden: s.residualHidden, maxSteps: s.diffusionSteps,
  });
}

/**
 * The reverse process over `size` values: x^K ~ N(0, σ_init²), then one scheduler step per
 * timestep with the prediction ε̂ = predict(scaled x, t). Pure host code over the injected
 * predictor, so it is tested with an analytic denoiser.
 */
export function reverseProcess(sampler: { scheduler: Scheduler; steps: number; eta?: number }, size: number, rng: Rng, predict: (x: Float32Array, t: number) => Float32Array): Float64Array {
  const { scheduler, steps, eta } = sampler;
  scheduler.setTimesteps(steps);
  let x = initialNoise(rng, size, scheduler.initNoiseSigma);
  const opts = eta === undefined ? { rng } : { rng, eta };
  for (const t of Array.from(scheduler.timesteps)) x = scheduler.step(predict(scheduler.scaleModelInput(x, t), t), t, x, opts).prevSample;
  return Float64Array.from(x);
}

/** The diffusion head (see the module notes). */
export class DiffusionHead implements LikelihoodHead {
  readonly kind = 'diffusion';
  readonly net: EpsilonTheta;
  readonly schedule: NoiseSchedule;
  /** How {@link DiffusionHead.sample} samples (set by the forecaster per call). */
  sampling: DiffusionSampling = { scheduler: 'ddpm' };
  private readonly sqrtAb: Float32Array;
  private readonly sqrt1mAb: Float32Array;

  constructor(params: ParamStore, readonly inputSize: number, readonly dim: number, readonly settings: DiffusionHeadSettings, prefix: string) {
    this.net = new EpsilonTheta(params, denoiserConfig(settings, dim, inputSize), prefix);
    this.schedule = noiseSchedule({ numTrainTimesteps: settings.diffusionSteps, betaStart: settings.betaStart, betaEnd: settings.betaEnd, betaSchedule: 'linear' });
    this.sqrtAb = this.schedule.alphasCumprod.map(Math.sqrt);
    this.sqrt1mAb = this.schedule.alphasCumprod.map((a) => Math.sqrt(1 - a));
  }

  /** The ε-loss at random steps k (Algorithm 1), averaged over rows (weighted) and values. */
  loss(target: Tensor, hidden: Tensor, options: HeadLossOptions = {}): tf.Scalar {
    const rng = options.rng;
    if (!rng) throw new ArgumentError('the diffusion head draws noise levels and noise in training: pass a seeded rng', 'rng');
    const N = hidden.shape[0], D = this.dim, K = this.settings.diffusionSteps;
    const k = new Int32Array(N), a = new Float32Array(N), b = new Float32Array(N), eps = new Float32Array(N * D);
    for (let i = 0; i < N; i++) {
      k[i] = Math.min(K - 1, Math.floor(rng.uniform() * K));
      a[i] = this.sqrtAb[k[i]];
      b[i] = this.sqrt1mAb[k[i]];
    }
    for (let i = 0; i < eps.length; i++) eps[i] = rng.normal();
    return tf.tidy(() => {
      const e = tf.tensor2d(eps, [N, D]);
      const x0 = tf.reshape(target, [N, D]);
      const xk = tf.add(tf.mul(x0, tf.tensor2d(a, [N, 1])), tf.mul(e, tf.tensor2d(b, [N, 1])));
      const err = tf.mean(tf.square(tf.sub(this.net.predict(xk, tf.tensor1d(k, 'int32'), hidden), e)), 1); // [N]
      if (!options.weights) return tf.mean(err);
      const w = tf.reshape(options.weights, [-1]);
      return tf.div(tf.sum(tf.mul(err, w)), tf.maximum(tf.sum(w), 1e-12));
    }) as tf.Scalar;
  }

  /** A scheduler for `sampling` over this head's schedule (ε-prediction, no clipping). */
  scheduler(sampling: DiffusionSampling = this.sampling): { scheduler: Scheduler; steps: number; eta?: number } {
    const K = this.settings.diffusionSteps;
    const base = { numTrainTimesteps: K, betaStart: this.settings.betaStart, betaEnd: this.settings.betaEnd, betaSchedule: 'linear' as const, predictionType: 'epsilon' as const };
    const steps = sampling.steps ?? (sampling.scheduler === 'ddpm' ? K : 20);
    if (!Number.isInteger(steps) || steps < 1 || steps > K) throw new ArgumentError(`sampling steps must be an integer in 1..${K} (the diffusion steps); got ${String(steps)}`, 'steps');
    switch (sampling.scheduler) {
      case 'ddpm': return { scheduler: new DDPMScheduler({ ...base, clipSample: false, varianceType: 'fixed_small' }), steps };
      case 'ddim': return { scheduler: new DDIMScheduler({ ...base, clipSample: false }), steps, eta: sampling.eta ?? 0 };
      case 'dpm++': return { scheduler: new DPMSolverMultistepScheduler({ ...base, solverOrder: 2 }), steps };
      default: throw new ArgumentError(`scheduler must be one of ${DIFFUSION_SAMPLERS.join(', ')}; got '${String(sampling.scheduler)}'`, 'scheduler');
    }
  }

  /** One draw per row of `hidden` (N·D values, row-major): the reverse process (Algorithm 2). */
  sample(hidden: Tensor, rng: Rng): Float64Array {
    const N = hidden.shape[0], D = this.dim;
    // What does not change over the reverse process (weights, conditioning) is computed once.
    const net = this.net.prepare(hidden);
    try {
      return reverseProcess(this.scheduler(), N * D, rng, (x, t) => tf.tidy(() => net.predict(tf.tensor2d(x, [N, D]), t).dataSync() as Float32Array));
    } finally {
      net.dispose();
    }
  }

  /** A diffusion model has no closed-form parameters per row. */
  distribution(): Record<string, Float32Array> {
    throw new ArgumentError('the diffusion head has no closed-form distribution parameters; draw samples instead', 'likelihood');
  }

  describe(): string {
    const s = this.settings;
    return `denoising diffusion: K = ${s.diffusionSteps}, linear beta ${s.betaStart}..${s.betaEnd}; eps network ${s.residualLayers} residual layers x ${s.residualChannels} channels`;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** The head's factory, registered as 'diffusion'. */
export const diffusionHeadFactory: HeadFactory = {
  kind: 'diffusion',
  shapes(inputSize, prefix, options) {
    return epsilonThetaShapes(denoiserConfig(diffusionHeadSettings(options), options?.dim ?? 1, inputSize), prefix);
  },
  create(params, inputSize, rng, prefix, options) {
    addEpsilonTheta(params, denoiserConfig(diffusionHeadSettings(options), options?.dim ?? 1, inputSize), prefix, rng);
    return this.attach(params, inputSize, prefix, options);
  },
  attach(params, inputSize, prefix, options) {
    return new DiffusionHead(params, inputSize, options?.dim ?? 1, diffusionHeadSettings(options), prefix);
  },
};

registerHead(diffusionHeadFactory);
