/**
 * Embedding lookup (Bengio et al. 2003's shared word features): rows of a table picked by integer
 * ids, done on the host, with the scatter-add gradient.
 */
import { tf, type Tensor } from '../engine/tf.js';
import type { Op, SaveFn } from './types.js';

/**
 * Rows `ids` of `table` [V, C] → [N, C]. The lookup is done on the host (the wasm backend's gather
 * costs ~90 ns per element, a whole matrix product's worth); the gradient scatters dy back into
 * the rows with a segment sum (Bengio et al. 2003's shared embedding).
 */
export function embedding(table: Tensor, ids: Int32Array): Tensor {
  const [V, C] = table.shape;
  const op = tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const w = (args[0] as Tensor).dataSync() as Float32Array;
    const out = new Float32Array(ids.length * C);
    for (let i = 0; i < ids.length; i++) out.set(w.subarray(ids[i] * C, (ids[i] + 1) * C), i * C);
    const idx = tf.tensor1d(ids, 'int32');
    (args[1] as SaveFn)([idx]);
    return {
      value: tf.tensor2d(out, [ids.length, C]),
      gradFunc: (dy: Tensor, [ix]: Tensor[]) => tf.unsortedSegmentSum(dy, ix as tf.Tensor1D, V),
    };
  }) as Op;
  return op(table);
}
