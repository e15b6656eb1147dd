/**
 * Softmax cross-entropy of logits against integer targets, computed on the host in float64 (the
 * loss and its gradient in one pass), as a custom-gradient op and as a plain host function for
 * evaluation.
 *
 * Shapes: logits [N, V], targets N ids in 0 … V − 1.
 */
import { ArgumentError } from '../../core/errors.js';
import { tf, type Tensor } from '../engine/tf.js';
import type { Op, SaveFn } from './types.js';

/**
 * Log-softmax of logits [N, V] (row-major values) at `targets`, computed on the host in float64:
 * returns the summed negative log-likelihood and, when `grad` is given, fills it with
 * (softmax − onehot)/N, the gradient of the mean. One pass instead of the ~10 wasm ops (with two
 * slow exponentials) of logSoftmax and its gradient.
 */
export function hostCrossEntropy(z: Float32Array, targets: Int32Array, V: number, grad?: Float32Array): number {
  return weightedHostCrossEntropy(z, targets, V, null, grad);
}

/**
 * Σ_i w_i · (−log softmax(z_i)[target_i]) with its gradient w_i (softmax − onehot) in `grad`;
 * weights null: the plain sum with gradient of the mean (w_i = 1/N in the gradient only, as
 * {@link hostCrossEntropy}). Rows of weight 0 are skipped (no exponentials, zero gradient).
 */
function weightedHostCrossEntropy(z: Float32Array, targets: Int32Array, V: number, weights: Float64Array | null, grad?: Float32Array): number {
  let total = 0;
  const N = targets.length;
  const e = grad ?? new Float32Array(V);
  for (let i = 0; i < N; i++) {
    if (weights && weights[i] === 0) continue;
    const o = i * V, eo = grad ? o : 0;
    let max = -Infinity;
    for (let j = 0; j < V; j++) if (z[o + j] > max) max = z[o + j];
    let sum = 0;
    for (let j = 0; j < V; j++) sum += e[eo + j] = Math.exp(z[o + j] - max);
    const w = weights ? weights[i] : 1;
    total += w * (max + Math.log(sum) - z[o + targets[i]]);
    if (grad) {
      const gw = weights ? w : 1 / N;
      const scale = gw / sum;
      for (let j = 0; j < V; j++) grad[o + j] *= scale;
      grad[o + targets[i]] -= gw;
    }
  }
  return total;
}

/** Mean cross-entropy (nats) of logits [N, V] against `targets` (N ids), with its gradient. */
export function crossEntropy(logits: Tensor, targets: Int32Array): tf.Scalar {
  const [N] = logits.shape;
  if (targets.length !== N) throw new ArgumentError(`crossEntropy: ${targets.length} targets for ${N} rows of logits`, 'targets');
  return crossEntropyOp(logits, targets, null, N);
}

/** The op of both losses: the (weighted) sum divided by `divisor`, with the host-computed gradient. */
function crossEntropyOp(logits: Tensor, targets: Int32Array, weights: Float64Array | null, divisor: number): tf.Scalar {
  const [N, V] = logits.shape;
  const op = tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const grad = new Float32Array(N * V);
    const total = weightedHostCrossEntropy((args[0] as Tensor).dataSync() as Float32Array, targets, V, weights, grad);
    const g = tf.tensor2d(grad, [N, V]);
    (args[1] as SaveFn)([g]);
    return { value: tf.scalar(total / divisor), gradFunc: (dy: Tensor, [gs]: Tensor[]) => tf.mul(gs, dy) };
  }) as Op;
  return op(logits) as tf.Scalar;
}

/**
 * Weighted cross-entropy Σ_i w_i · CE_i of logits [N, V] against `targets`, with its gradient (rows
 * of weight 0 cost nothing): the masked diffusion language model's loss, where only masked
 * positions count, each weighted by its ELBO weight.
 */
export function weightedCrossEntropy(logits: Tensor, targets: Int32Array, weights: Float64Array): tf.Scalar {
  const [N] = logits.shape;
  if (targets.length !== N || weights.length !== N) throw new ArgumentError(`weightedCrossEntropy: ${targets.length} targets and ${weights.length} weights for ${N} rows of logits`, 'targets');
  return crossEntropyOp(logits, targets, weights, 1);
}

/** Σ_i w_i · CE_i on the host (evaluation, no gradient). */
export function hostWeightedCrossEntropy(z: Float32Array, targets: Int32Array, V: number, weights: Float64Array): number {
  return weightedHostCrossEntropy(z, targets, V, weights);
}

/** log softmax(row)[id] in float64: the log-probability of token `id` under logits `row`. */
export function logSoftmaxAt(row: ArrayLike<number>, id: number): number {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) if (row[j] > max) max = row[j];
  let s = 0;
  for (let j = 0; j < row.length; j++) s += Math.exp(row[j] - max);
  return row[id] - max - Math.log(s);
}
