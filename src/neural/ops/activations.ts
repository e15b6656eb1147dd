/**
 * Elementwise activations: GELU (Hendrycks & Gimpel 2016, GPT-2's tanh form) and SiLU / swish
 * (Elfwing et al. 2018).
 */
import { tf, type Tensor } from '../engine/tf.js';
import type { Op, OpOptions, SaveFn } from './types.js';

const GELU_A = 0.044715, GELU_C = 2 * Math.sqrt(2 / Math.PI);

let geluOp: Op | undefined;

/**
 * GELU in GPT-2's tanh form, 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). `impl: 'custom'` (default):
 * written as x·σ(u) with u = 2√(2/π)(x + 0.044715x³) by the identity 0.5(1 + tanh z) = σ(2z) — the
 * wasm sigmoid is ~15× faster than its tanh — with the gradient written out:
 * σ(u) + x·σ(u)(1 − σ(u))·u′. `impl: 'tape'`: the tanh formula itself, differentiated by tfjs.
 * Same function; the float32 rounding differs.
 */
export function gelu(x: Tensor, options: OpOptions = {}): Tensor {
  if (options.impl === 'tape') {
    const c = Math.sqrt(2 / Math.PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), c))));
  }
  geluOp ??= tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const xi = args[0] as Tensor;
    const save = args[1] as SaveFn;
    const s = tf.sigmoid(tf.mul(tf.add(xi, tf.mul(tf.mul(tf.square(xi), xi), GELU_A)), GELU_C));
    save([xi, s]);
    return {
      value: tf.mul(xi, s),
      gradFunc: (dy: Tensor, [xs, ss]: Tensor[]) => {
        const du = tf.add(tf.mul(tf.square(xs), 3 * GELU_A * GELU_C), GELU_C); //  u′ = c(1 + 3a·x²)
        const ds = tf.mul(tf.mul(ss, tf.sub(1, ss)), tf.mul(xs, du));
        return tf.mul(dy, tf.add(ss, ds));
      },
    };
  }) as Op;
  return geluOp(x);
}

/** SiLU / swish, x·σ(x) (Elfwing et al. 2018), differentiated by tfjs. */
export function silu(x: Tensor): Tensor {
  return tf.mul(x, tf.sigmoid(x));
}
