/**
 * The one module that imports the tensor library: TensorFlow.js (ops, gradients, optimisers and
 * the cpu backend) with its WebAssembly backend, pinned to 4.22.0 because `kernels.ts` re-registers
 * kernels against that version's internal signatures. Everything in `src/neural`, `src/diffusion`
 * and `src/hybrid` imports `tf` from here, so the tensor library can be swapped in one place.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
