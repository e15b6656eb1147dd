/**
 * `ardiff/diffusion`: noise schedules and samplers of discrete-time diffusion models, as pure math on
 * typed arrays (no tensor library). The schedulers follow diffusers' classes of the same names —
 * configuration in camelCase, `setTimesteps(n)`, `timesteps`, `step(modelOutput, t, sample, options)`,
 * `addNoise`, `scaleModelInput`, `initNoiseSigma` — and reproduce its float32 numbers; randomness
 * only through an injected `createRng(seed)`.
 */
export {
  BETA_SCHEDULES,
  alphasCumprod,
  alphasFromBetas,
  betasForAlphaBar,
  linspaceF32,
  makeBetas,
  noiseSchedule,
  resolveScheduleConfig,
  sigmasFromAlphasCumprod,
  snr,
  type AlphaTransform,
  type BetaSchedule,
  type NoiseSchedule,
  type ResolvedScheduleConfig,
  type ScheduleConfig,
} from './schedules.js';
export {
  PREDICTION_TYPES,
  TIMESTEP_SPACINGS,
  type NoiseTimesteps,
  type PredictionType,
  type SchedulerOutput,
  type StepOptions,
  type TimestepSpacing,
} from './schedulers/common.js';
export { alphaTimesteps, type AlphaSchedulerConfig } from './schedulers/base.js';
export { DDPMScheduler, DDPM_VARIANCE_TYPES, splitLearnedVariance, type DDPMConfig, type DDPMStepOptions, type DDPMVarianceType } from './schedulers/ddpm.js';
export { DDIMScheduler, type DDIMConfig, type DDIMStepOptions } from './schedulers/ddim.js';
export {
  DPMSolverMultistepScheduler,
  dpmSolverTimesteps,
  type DPMAlgorithmType,
  type DPMSolverConfig,
  type DPMSolverType,
  type FinalSigmasType,
} from './schedulers/dpm-solver.js';
export { EulerDiscreteScheduler, eulerTimesteps, type EulerConfig, type EulerStepOptions } from './schedulers/euler.js';
