/**
 * `ardiff/diffusion`: noise schedules and samplers of discrete-time diffusion models, as pure math on
 * typed arrays (no tensor library). The schedulers follow diffusers' classes of the same names —
 * configuration in camelCase, `setTimesteps(n)`, `timesteps`, `step(modelOutput, t, sample, options)`,
 * `addNoise`, `scaleModelInput`, `initNoiseSigma` — and reproduce its float32 numbers; randomness
 * only through an injected `createRng(seed)`. Denoisers (tensor code; start the engine with
 * `initEngine()` from 'ardiff/neural' first), training, the sampling loop, classifier-free
 * guidance, inpainting (RePaint) and SDEdit restoration, training presets by kind of data
 * (presets.ts), sample-quality and signal metrics sit beside them, and the demo data — 2-D test
 * distributions, MNIST digits, audio frames, series returns — in data/.
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
export { timestepEmbedding } from './denoisers/embedding.js';
export { MLPDenoiser, type MLPDenoiserConfig } from './denoisers/mlp.js';
export type { Denoiser, DenoiserJSON } from './denoisers/types.js';
export { trainDenoiser, type TrainDenoiserOptions, type TrainDenoiserResult, type TrainCheckpoint } from './train.js';
export { sampleLoop, type Scheduler, type SampleLoopOptions, type SampleLoopResult } from './sample.js';
export { guidedPredict, contextGuidedPredict, plainPredict, type PredictFn } from './guidance.js';
export { diffusionBitsPerDim, type BitsPerDimOptions, type BitsPerDim } from './likelihood.js';
export { fitDiffusion, DiffusionModel, SCHEDULER_NAMES, type SchedulerName, type FitDiffusionOptions, type DiffusionSampleOptions, type DiffusionModelJSON, type DiffusionModelExtras, type ContextInfo, type ContextSource, type DiffusionScaling, type DenoiserChoice, type ImageShape } from './model.js';
export { clipPrediction } from './clip.js';
export { inpaintLoop, noisingScheduler, type InpaintOptions, type NoisingScheduler } from './inpaint.js';
export { sdeditLoop, type SdeditOptions } from './sdedit.js';
export { mnistImages, type DigitImages, type LoadMnistOptions, type MnistDigit } from './data/mnist.js';
export { digitAttributes, attributeBins, binOf, captionDigits, mentionedBins, type DigitAttributes, type AttributeBins, type CaptionOptions, type Captions, type CaptionSplit } from './data/captions.js';
export { movingDigits, type MovingDigitsOptions, type MovingDigits } from './data/moving-digits.js';
export { quantizePixels, dequantizePixels } from '../core/quantize.js';
export { addWhiteNoise, peakNormalise, frameCount, frameSignal, frameRecordings, hannWindow, overlapAdd, type Signal } from './data/audio.js';
export { snrDb, estimateNoiseSd, logSpectralDistance } from './audio.js';
export { restoreAudio, type RestoreAudioOptions, type RestoredAudio } from './restore-audio.js';
export { toyData, toyDataLabelled, TOY_DATASETS, type ToyDataset } from './data/toy-data.js';
export { seriesReturns, windowColumns, SERIES_RETURNS, type SeriesReturns } from './data/series.js';
export { slicedWasserstein, mmd, gaussianBaseline, frechetDistance, type SlicedWassersteinOptions } from './metrics.js';
export { slidingWindows, windowStats, type WindowStats } from './windows.js';
export { UNet1DDenoiser, type UNet1DDenoiserConfig } from './denoisers/unet1d.js';
export { UNet2DDenoiser, UNET2D_PRESETS, type UNet2DDenoiserConfig } from './denoisers/unet2d.js';
export {
  diffusionPreset,
  DIFFUSION_DATA_KINDS,
  type DiffusionDataKind,
  type DiffusionPreset,
  type DiffusionPresetOverrides,
  type DiffusionFitPreset,
  type DiffusionDataPresets,
  PRESET_OVERRIDE_KINDS,
} from './presets.js';
export {
  TextDiffusion, trainTextDiffusion, textDiffusionFromJSON, TEXT_DIFFUSION_FORMAT_VERSION,
  type TextDiffusionConfig, type TextDiffusionJSON, type TextDiffusionTrainingReport, type TextSampleOptions, type TrainTextDiffusionOptions,
} from './text.js';
