/**
 * Noise schedules for discrete-time diffusion models: the betas β_t of the forward process
 * q(x_t | x_{t−1}) = N(√(1−β_t) x_{t−1}, β_t I) (Ho et al. 2020, eq. 2), α_t = 1 − β_t,
 * ᾱ_t = ∏_{s≤t} α_s (eq. 4) and the signal-to-noise ratio SNR(t) = ᾱ_t / (1 − ᾱ_t).
 *
 * The numbers follow the diffusers library (schedulers/scheduling_ddpm.py and friends), which
 * stores all of these as torch.float32 tensors: every schedule here returns a Float32Array whose
 * entries are the float32 values diffusers computes, op by op (`Math.fround` after each float32
 * operation), so that the samplers built on them reproduce diffusers' reference loops.
 *
 * @example
 * const betas = makeBetas({ betaSchedule: 'linear', numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02 });
 * const abar = alphasCumprod(alphasFromBetas(betas));   // ᾱ_t, float32
 * snr(abar)[999];                                       // ≈ 4.0e-5
 */
import { ArgumentError } from '../core/errors.js';
import { checkBudget } from '../core/validate.js';

/** The beta schedules of diffusers: `linear`, `scaled_linear`, `squaredcos_cap_v2` (cosine) and `sigmoid`. */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2' | 'sigmoid';

/** The schedules {@link makeBetas} knows. */
export const BETA_SCHEDULES: readonly BetaSchedule[] = ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'];

/** The options every scheduler shares (diffusers' names in camelCase). */
export interface ScheduleConfig {
  /** Number of diffusion steps the model was trained with, T (default 1000). */
  numTrainTimesteps?: number;
  /** β of the first training step (default 1e-4). Not used by `squaredcos_cap_v2`. */
  betaStart?: number;
  /** β of the last training step (default 0.02). Not used by `squaredcos_cap_v2`. */
  betaEnd?: number;
  /** The beta schedule (default `linear`). */
  betaSchedule?: BetaSchedule;
  /** Betas to use as given (diffusers' `trained_betas`), overriding the schedule. */
  trainedBetas?: ArrayLike<number>;
}

/** A {@link ScheduleConfig} with every field resolved. */
export interface ResolvedScheduleConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  trainedBetas: Float32Array | undefined;
}

const f32 = Math.fround;

/**
 * Checks and completes a schedule configuration; throws {@link ArgumentError} naming the option
 * (`numTrainTimesteps`, `betaSchedule`, `betaStart`, `betaEnd`, `trainedBetas`) when it is impossible.
 */
export function resolveScheduleConfig(config: ScheduleConfig = {}): ResolvedScheduleConfig {
  const numTrainTimesteps = config.numTrainTimesteps ?? 1000;
  if (typeof numTrainTimesteps !== 'number' || !Number.isInteger(numTrainTimesteps) || numTrainTimesteps < 1) {
    throw new ArgumentError(`numTrainTimesteps must be an integer ≥ 1; got ${String(numTrainTimesteps)}`, 'numTrainTimesteps');
  }
  // The schedule's arrays (β, α, ᾱ and the schedulers' tables, ~16 values a timestep) must fit the memory budget.
  checkBudget(numTrainTimesteps, 16 * 8, 'numTrainTimesteps', 'training timesteps');
  const betaSchedule = config.betaSchedule ?? 'linear';
  if (!BETA_SCHEDULES.includes(betaSchedule)) {
    throw new ArgumentError(`betaSchedule must be one of ${BETA_SCHEDULES.join(', ')}; got '${String(betaSchedule)}'`, 'betaSchedule');
  }
  const betaStart = config.betaStart ?? 0.0001;
  const betaEnd = config.betaEnd ?? 0.02;
  if (typeof betaStart !== 'number' || !Number.isFinite(betaStart) || betaStart < 0) {
    throw new ArgumentError(`betaStart must be a finite number ≥ 0; got ${String(betaStart)}`, 'betaStart');
  }
  if (typeof betaEnd !== 'number' || !Number.isFinite(betaEnd) || betaEnd >= 1) {
    throw new ArgumentError(`betaEnd must be a finite number < 1; got ${String(betaEnd)}`, 'betaEnd');
  }
  if (betaStart >= betaEnd) {
    throw new ArgumentError(`betaStart must be smaller than betaEnd; got betaStart ${betaStart} ≥ betaEnd ${betaEnd}`, 'betaStart');
  }
  let trainedBetas: Float32Array | undefined;
  if (config.trainedBetas !== undefined) {
    trainedBetas = Float32Array.from(config.trainedBetas);
    if (trainedBetas.length !== numTrainTimesteps) {
      throw new ArgumentError(`trainedBetas must hold numTrainTimesteps = ${numTrainTimesteps} values; got ${trainedBetas.length}`, 'trainedBetas');
    }
    if (!trainedBetas.every((b) => b >= 0 && b < 1)) throw new ArgumentError('trainedBetas must lie in [0, 1)', 'trainedBetas');
  }
  return { numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas };
}

/**
 * `torch.linspace(start, end, steps, dtype=torch.float32)` as PyTorch's CPU kernel computes it:
 * step = (end − start)/(steps − 1) in float32, the first half counted up from `start`, the second
 * half down from `end` (so both ends are exact). PyTorch's vectorised path may differ by one ulp.
 */
export function linspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32((e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < halfway ? f32(s + f32(step * i)) : f32(e - f32(step * (steps - i - 1)));
  return out;
}

/** The ᾱ(t) transforms of {@link betasForAlphaBar} (diffusers' `alpha_transform_type`). */
export type AlphaTransform = 'cosine' | 'exp' | 'laplace';

/**
 * Betas that discretise a continuous ᾱ(t), t ∈ [0, 1]: β_i = min(1 − ᾱ((i+1)/T) / ᾱ(i/T), maxBeta)
 * (diffusers' `betas_for_alpha_bar`, computed in double and stored as float32). The default
 * `cosine` transform is the schedule of Nichol & Dhariwal 2021 (eq. 17):
 * ᾱ(t) = cos²(((t + 0.008)/1.008) · π/2).
 */
export function betasForAlphaBar(numDiffusionTimesteps: number, maxBeta = 0.999, alphaTransform: AlphaTransform = 'cosine'): Float32Array {
  let alphaBar: (t: number) => number;
  if (alphaTransform === 'cosine') alphaBar = (t) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  else if (alphaTransform === 'exp') alphaBar = (t) => Math.exp(t * -12.0);
  else if (alphaTransform === 'laplace') {
    alphaBar = (t) => {
      const lmb = -0.5 * Math.sign(0.5 - t || 1) * Math.log(1 - 2 * Math.abs(0.5 - t) + 1e-6);
      const snrT = Math.exp(lmb);
      return Math.sqrt(snrT / (1 + snrT));
    };
  } else throw new ArgumentError(`alphaTransform must be cosine, exp or laplace; got '${String(alphaTransform)}'`, 'alphaTransform');
  const betas = new Float32Array(numDiffusionTimesteps);
  for (let i = 0; i < numDiffusionTimesteps; i++) {
    const t1 = i / numDiffusionTimesteps;
    const t2 = (i + 1) / numDiffusionTimesteps;
    betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), maxBeta);
  }
  return betas;
}

/**
 * The betas of a schedule, as diffusers builds them in float32:
 * - `linear`: `linspace(betaStart, betaEnd, T)` (Ho et al. 2020, §4);
 * - `scaled_linear`: `linspace(√betaStart, √betaEnd, T)²` (latent diffusion / Stable Diffusion);
 * - `squaredcos_cap_v2`: {@link betasForAlphaBar} with the cosine ᾱ (Nichol & Dhariwal 2021);
 * - `sigmoid`: `sigmoid(linspace(−6, 6, T)) · (betaEnd − betaStart) + betaStart` (GeoDiff).
 */
export function makeBetas(config: ScheduleConfig = {}): Float32Array {
  const c = resolveScheduleConfig(config);
  if (c.trainedBetas) return c.trainedBetas;
  const n = c.numTrainTimesteps;
  switch (c.betaSchedule) {
    case 'linear':
      return linspaceF32(c.betaStart, c.betaEnd, n);
    case 'scaled_linear':
      return linspaceF32(Math.sqrt(c.betaStart), Math.sqrt(c.betaEnd), n).map((b) => f32(b * b));
    case 'squaredcos_cap_v2':
      return betasForAlphaBar(n);
    case 'sigmoid': {
      const range = f32(c.betaEnd - c.betaStart);
      const start = f32(c.betaStart);
      return linspaceF32(-6, 6, n).map((x) => f32(f32(f32(1 / f32(1 + f32(Math.exp(-x)))) * range) + start));
    }
  }
}

/** α_t = 1 − β_t in float32. */
export function alphasFromBetas(betas: ArrayLike<number>): Float32Array {
  return Float32Array.from(betas, (b) => 1 - b);
}

/**
 * ᾱ_t = ∏_{s≤t} α_s (Ho et al. 2020, eq. 4). Like `torch.cumprod` on the CPU for a float32 tensor,
 * the running product is accumulated in double and each entry rounded to float32.
 */
export function alphasCumprod(alphas: ArrayLike<number>): Float32Array {
  const out = new Float32Array(alphas.length);
  let acc = 1;
  for (let i = 0; i < alphas.length; i++) {
    acc *= alphas[i];
    out[i] = acc;
  }
  return out;
}

/** Signal-to-noise ratio SNR(t) = ᾱ_t / (1 − ᾱ_t) (Kingma et al. 2021), in double. */
export function snr(alphasCumprodValues: ArrayLike<number>): Float64Array {
  return Float64Array.from(alphasCumprodValues, (a) => a / (1 - a));
}

/** The Karras/EDM noise level σ_t = √((1 − ᾱ_t)/ᾱ_t) = 1/√SNR(t), in float32 as diffusers computes it. */
export function sigmasFromAlphasCumprod(alphasCumprodValues: ArrayLike<number>): Float32Array {
  return Float32Array.from(alphasCumprodValues, (a) => f32(Math.sqrt(f32(f32(1 - a) / a))));
}

/** Betas, alphas, ᾱ and the resolved configuration of one schedule. */
export interface NoiseSchedule {
  readonly config: ResolvedScheduleConfig;
  readonly betas: Float32Array;
  readonly alphas: Float32Array;
  readonly alphasCumprod: Float32Array;
}

/** Builds the full schedule (betas, alphas, ᾱ) of a configuration. */
export function noiseSchedule(config: ScheduleConfig = {}): NoiseSchedule {
  const resolved = resolveScheduleConfig(config);
  const betas = makeBetas(config);
  const alphas = alphasFromBetas(betas);
  return { config: resolved, betas, alphas, alphasCumprod: alphasCumprod(alphas) };
}
