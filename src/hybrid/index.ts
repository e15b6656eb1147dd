/**
 * `ardiff/hybrid`: models that join the autoregressive and the diffusion families — TimeGrad
 * (an autoregressive recurrent network whose next-step distribution is a diffusion model), its
 * diffusion head and denoiser, CSDI imputation, TSDiff refinement, the diffusion generator of return
 * scenarios conditioned on realised or GARCH volatility, text refinement, text → image, speech
 * restoration from linear prediction, and video (frame-conditional diffusion and the ConvGRU
 * refined by it). They run on the tensor engine: `await initEngine()` from 'ardiff/neural' first.
 */
export { fitTimeGrad, timeGradInitialParams, FittedTimeGrad, fittedTimeGradFromJSON, resolveTimeGradConfig, TIMEGRAD_JSON_VERSION, type TimeGradOptions, type TimeGradSampleOptions, type TimeGradJSON } from './timegrad.js';
export { DiffusionHead, diffusionHeadFactory, diffusionHeadSettings, DIFFUSION_HEAD_DEFAULTS, DIFFUSION_SAMPLERS, type DiffusionHeadSettings, type DiffusionSamplerName, type DiffusionSampling } from './diffusion-head.js';
export { EpsilonTheta, addEpsilonTheta, epsilonThetaShapes, stepEmbeddingTable, EPSILON_THETA_DEFAULTS, type EpsilonThetaConfig } from './epsilon-theta.js';
export { fitCSDI, FittedCSDI, fittedCSDIFromJSON, csdiInitialParams, resolveCSDISettings, CSDI_JSON_VERSION, type CSDIData, type CSDIOptions, type CSDISettings, type CSDISchedule, type CSDIEpoch, type CSDITraining, type CSDIImputeOptions, type CSDIImputation, type CSDIJSON } from './csdi.js';
export { CSDINet, addCSDINet, csdiNetShapes, checkCSDINetConfig, csdiStepTable, csdiTimeTable, csdiSideChannels, geluExact, CSDI_NET_DEFAULTS, type CSDINetConfig, type CSDISide, type CSDIDropout } from './csdi-net.js';
export { fitRefiner, refinerFromJSON, Refiner, REFINER_JSON_VERSION, REFINER_SCALINGS, REFINER_DIFFUSION_DEFAULTS, REFINE_DEFAULTS, type RefinerOptions, type RefinerDiffusionOptions, type ResolvedRefinerDiffusion, type RefinerSchedule, type RefinerScaling, type RefinerConfig, type RefinerTraining, type RefinerJSON, type RefineOptions, type SdeditRefineOptions, type EnergyRefineOptions, type RefineScheduler, type RefineRegularizer } from './refine.js';
export {
  fitScenarioDiffusion, scenarioDiffusionFromJSON, resolveScenarioSettings, provideGarchVolatility, ScenarioDiffusion, SCENARIO_JSON_VERSION, SCENARIO_VOLATILITIES,
  type ScenarioOptions, type ScenarioSettings, type ScenarioSampleOptions, type Scenarios, type ScenarioChecks, type ScenarioTraining, type ScenarioJSON, type ScenarioData,
  type ScenarioVolatility, type VolatilityModel, type VolatilityModelFactory,
} from './scenarios.js';
export { garchVolatility } from './garch-volatility.js';
export { scenarioRiskModel, SCENARIO_RISK_DEFAULTS, type ScenarioRiskOptions } from './scenario-risk.js';
export { refineText, type TextRefineOptions, type RefinedText } from './text-refine.js';
export { fitTextToImage, textToImageFromJSON, encodeCaptions, encodeCaptionTokens, captionTokenWidth, TextToImage, TEXT_TO_IMAGE_VERSION, type TextConditioning, type TextToImageOptions, type TextToImageSampleOptions, type TextToImageJSON } from './text-to-image.js';
export { lpcContext, lpcTrainingRows, fitLpcRestorer, restoreSpeech, LPC_CONTEXT_DEFAULTS, type LpcContextOptions, type LpcContext, type LpcTrainingOptions, type FitLpcRestorerOptions, type RestoredSpeech, type RestoreSpeechOptions } from './lpc-restore.js';
export { fitVideoDiffusion, videoDiffusionFromJSON, frameScores, copyLastFrame, VideoDiffusion, VIDEO_DIFFUSION_VERSION, type FrameSequences, type VideoDiffusionOptions, type VideoSampleOptions, type VideoDiffusionJSON, type FrameScores } from './video.js';
