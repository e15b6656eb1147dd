/**
 * Column sums of a matrix as a matrix product: the reduction behind every bias gradient of the
 * custom-gradient ops (linear, layer norm).
 */
import { tf, type Tensor } from '../engine/tf.js';

/**
 * Column sums of t [N, C] → [C] as a [1, N]·[N, C] product: the wasm backend's Sum over axis 0
 * goes through a transpose and costs ~8× more (it is every bias gradient).
 */
export function sumRows(t: Tensor): Tensor {
  const [n, c] = t.shape;
  return tf.reshape(tf.matMul(tf.ones([1, n]), t), [c]);
}
