/**
 * The dense (fully connected) op, y = x·W + b, on tensor arguments. The one implementation behind
 * the GPT's projections and the ParamStore-level dense layers (`dense` in layers.ts).
 *
 * Shapes: x [N, in], W [in, out], b [out] → y [N, out]. 2-D, since tfjs' matMul gradient does not
 * sum over broadcast batch dims.
 */
import { tf, type Tensor } from '../engine/tf.js';
import { sumRows } from './sum-rows.js';
import type { Op, OpOptions, SaveFn } from './types.js';

let linearOp: Op | undefined;

/**
 * x [N, in] · W [in, out] + b [out]. With `impl: 'custom'` (default) the gradient is written out,
 * dx = dy·Wᵀ, dW = xᵀ·dy, db = {@link sumRows}(dy) — tfjs' own products, and the bias gradient as
 * one product instead of tfjs' Sum; with `impl: 'tape'` it is tf.add(tf.matMul(x, W), b) on tfjs'
 * tape (bias gradient by tf.sum). The forward values are the same; the bias gradients may differ
 * by float rounding. Without `b` it is x·W (tfjs' matMul and its gradient) whatever `impl`.
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor, options: OpOptions = {}): Tensor {
  if (!b) return tf.matMul(x, w);
  if (options.impl === 'tape') return tf.add(tf.matMul(x, w), b);
  linearOp ??= tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const [xi, wi, bi] = args as Tensor[];
    (args[3] as SaveFn)([xi, wi]);
    return {
      value: tf.add(tf.matMul(xi, wi), bi),
      gradFunc: (dy: Tensor, [xs, ws]: Tensor[]) => [tf.matMul(dy, ws, false, true), tf.matMul(xs, dy, true, false), sumRows(dy)],
    };
  }) as Op;
  return linearOp(x, w, b);
}
