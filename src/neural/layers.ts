/**
 * Small building blocks shared by the networks: dense layers with PyTorch's default
 * initialisation (U(±1/√fan_in) for weight and bias, so results compare with PyTorch peers),
 * layer norm and the usual activations. Each layer's parameters live in a {@link ParamStore}
 * under a name prefix.
 */
import type { Rng } from '../core/rng.js';
import { tf, type Tensor } from './engine/tf.js';
import type { ParamStore } from './params.js';

/** Adds `${name}.w` [fanIn, fanOut] and `${name}.b` [fanOut] with PyTorch's nn.Linear init. */
export function addLinear(store: ParamStore, name: string, fanIn: number, fanOut: number, rng: Rng, bias = true): void {
  const bound = 1 / Math.sqrt(fanIn);
  store.add(`${name}.w`, [fanIn, fanOut], { uniform: bound }, rng);
  if (bias) store.add(`${name}.b`, [fanOut], { uniform: bound }, rng);
}

/** x [N, fanIn] → x·W + b [N, fanOut] (2-D: tfjs' matMul gradient needs unbroadcast shapes). */
export function linear(store: ParamStore, name: string, x: Tensor, bias = true): Tensor {
  const y = tf.matMul(x, store.get(`${name}.w`));
  return bias ? tf.add(y, store.get(`${name}.b`)) : y;
}

/** Adds `${name}.g` (ones) and `${name}.b` (zeros) for {@link layerNorm}. */
export function addLayerNorm(store: ParamStore, name: string, dim: number, rng: Rng): void {
  store.add(`${name}.g`, [dim], { ones: true }, rng);
  store.add(`${name}.b`, [dim], { zeros: true }, rng);
}

/** Layer normalisation over the last axis (Ba et al. 2016), ε = 1e-5 as PyTorch. */
export function layerNorm(store: ParamStore, name: string, x: Tensor, eps = 1e-5): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const xhat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(xhat, store.get(`${name}.g`)), store.get(`${name}.b`));
}

/** SiLU / swish, x·σ(x) (Elfwing et al. 2018). */
export function silu(x: Tensor): Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** GELU, tanh approximation (Hendrycks & Gimpel 2016), as GPT-2. */
export function gelu(x: Tensor): Tensor {
  const c = Math.sqrt(2 / Math.PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), c))));
}
