/**
 * Types shared by the tensor ops of this folder: the shape of a tfjs custom-gradient op and the
 * choice between an op's hand-written gradient and tfjs' automatic one.
 */
import type { tf, Tensor } from '../engine/tf.js';

/** A custom-gradient op as `tf.customGrad` returns it, over tensor arguments. */
export type Op = (...args: Tensor[]) => Tensor;

/** The `save` callback tfjs hands to a custom-gradient forward. */
export type SaveFn = tf.GradSaveFunc;

/**
 * How an op is computed and differentiated:
 * - 'custom': the op's own forward (arranged for the wasm backend's fast kernels) with its gradient
 *   written out, one tape entry (the GPT's ops);
 * - 'tape': the textbook composition of tfjs ops, differentiated by tfjs' tape (the layer helpers
 *   of layers.ts, the diffusion denoisers and the classifier).
 * Both compute the same function; their float32 rounding differs, so each model keeps the one it
 * was built and tested with.
 */
export type OpImpl = 'custom' | 'tape';

export interface OpOptions {
  /** Default 'custom'. */
  impl?: OpImpl;
}
