/**
 * Layer normalisation (Ba et al. 2016) over the last axis, y = x̂·g + b with x̂ = (x − μ)/√(σ² + ε)
 * (biased variance, ε = 1e-5 as PyTorch). The one implementation behind the GPT's LayerNorms and
 * the ParamStore-level `layerNormLayer` of layers.ts.
 *
 * Shapes: x [N, C] ('custom'; [..., C] with 'tape'), g [C], b [C] → y of x's shape.
 */
import { tf, type Tensor } from '../engine/tf.js';
import { sumRows } from './sum-rows.js';
import type { Op, OpOptions, SaveFn } from './types.js';

export interface LayerNormOptions extends OpOptions {
  /** ε added to the variance. Default 1e-5. */
  eps?: number;
}

/** The custom-gradient op for each ε used (one in practice). */
const layerNormOps = new Map<number, Op>();

/**
 * The op with its gradient written out, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂))/√(σ² + ε)
 * with dx̂ = dy·g, dg = Σ dy ⊙ x̂, db = Σ dy over rows, because tfjs' automatic gradient of the
 * forward ops costs four times as much.
 */
function makeLayerNormOp(eps: number): Op {
  return tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const [xi, gi, bi] = args as Tensor[];
    const save = args[3] as SaveFn;
    const xc = tf.sub(xi, tf.mean(xi, -1, true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); //   [N, 1]
    const xhat = tf.mul(xc, rstd);
    save([xhat, rstd, gi]);
    return {
      value: tf.add(tf.mul(xhat, gi), bi),
      gradFunc: (dy: Tensor, [xh, rs, gs]: Tensor[]) => {
        const dxhat = tf.mul(dy, gs);
        const dx = tf.mul(tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), -1, true))), rs);
        return [dx, sumRows(tf.mul(dy, xh)), sumRows(dy)];
      },
    };
  }) as Op;
}

/**
 * LayerNorm over the last axis of x with gain g and shift b. `impl: 'custom'` (default; x 2-D):
 * x̂ = (x − μ)·rsqrt(σ² + ε) and the hand-written gradient of {@link makeLayerNormOp}. `impl: 'tape'`
 * (any rank): tf.moments, x̂ = (x − μ)/√(σ² + ε), differentiated by tfjs. Same function; the
 * float32 rounding differs.
 */
export function layerNorm(x: Tensor, g: Tensor, b: Tensor, options: LayerNormOptions = {}): Tensor {
  const eps = options.eps ?? 1e-5;
  if (options.impl === 'tape') {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(xhat, g), b);
  }
  let op = layerNormOps.get(eps);
  if (!op) { op = makeLayerNormOp(eps); layerNormOps.set(eps, op); }
  return op(x, g, b);
}
