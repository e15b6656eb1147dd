export { initEngine, engineInfo, requireEngine, withHeapGuard, type BackendName, type EngineInfo, type EngineOptions } from './init.js';
export { PATCHED_KERNELS } from './kernels.js';
export { tf, type Tensor, type Variable } from './tf.js';
