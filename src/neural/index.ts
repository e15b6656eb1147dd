/**
 * `ardiff/neural`: the tensor engine (TensorFlow.js with faster WebAssembly kernels) and the
 * neural autoregressive models. Start the engine once with `await initEngine()` before fitting.
 */
export { initEngine, engineInfo, requireEngine, withHeapGuard, PATCHED_KERNELS, type BackendName, type EngineInfo, type EngineOptions } from './engine/index.js';
export { ParamStore, type Init, type ParamJSON } from './params.js';
export { AdamW, EMA, clipByGlobalNorm, trainStep, warmupCosine, type AdamWOptions, type TrainStepOptions } from './optim.js';
