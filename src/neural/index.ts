/**
 * `ardiff/neural`: the tensor engine (TensorFlow.js with faster WebAssembly kernels) and the
 * neural autoregressive models. Start the engine once with `await initEngine()` before fitting.
 */
export { initEngine, engineInfo, requireEngine, withHeapGuard, PATCHED_KERNELS, type BackendName, type EngineInfo, type EngineOptions } from './engine/index.js';
export { ParamStore, variablesToJSON, assignFromJSON, type Init, type ParamJSON } from './params.js';
export { AdamW, EMA, clipByGlobalNorm, trainStep, warmupCosine, type AdamWOptions, type AdamWState, type TrainStepOptions } from './optim.js';
export { fitDeepAR, deepARFromJSON, resolveDeepARConfig, FittedDeepAR, DEEPAR_JSON_VERSION, type DeepAROptions, type DeepARConfig, type DeepARJSON, type DeepAREpoch, type DeepARTraining, type DeepARLikelihood, type DeepARForecastOptions, type DeepARSampleOptions } from './deepar.js';
export { RNN, CELL_TYPES, checkRNNSpec, rnnShapes, disposeState, type CellType, type RNNSpec, type RNNState } from './rnn.js';
export { registerHead, createHead, attachHead, headShapes, headKinds, checkHeadKind, lgammaHalfStep, gammaVariate, type LikelihoodHead, type HeadFactory, type HeadLossOptions } from './heads.js';
export { GPT, KVCache, trainGPT, gptFromJSON, evaluateGPT, sampleLogits, GPT_PRESETS, GPT_FORMAT_VERSION, type GPTConfig, type GPTJSON, type GPTTrainSettings, type GPTPresetName, type GPTStepInfo, type GPTEvalInfo, type GPTTrainingReport, type TrainGPTOptions, type GenerateOptions } from './gpt.js';
export { ImageGPT, trainImageGPT, imageGPTFromJSON, quantizePixels, dequantizePixels, IMAGE_GPT_VERSION, type ImageGPTOptions, type ImageGPTJSON, type ImageGPTTraining, type ImageGPTSampleOptions } from './image-gpt.js';
export { ConvGRUPredictor, trainConvGRU, convGRUFromJSON, CONV_GRU_VERSION, type ConvGRUOptions, type ConvGRUJSON, type ConvGRUTraining } from './conv-gru.js';
export { CharTokenizer, buildTokenizer, type BuildTokenizerOptions, type TokenizerJSON, type UnknownChars } from './tokenizer.js';
export { Classifier, trainClassifier, type ClassifierJSON, type TrainClassifierOptions } from './classifier.js';
