/**
 * Small building blocks shared by the networks: dense layers with PyTorch's default
 * initialisation (U(±1/√fan_in) for weight and bias, so results compare with PyTorch peers),
 * layer norm and the usual activations. Each layer's parameters live in a {@link ParamStore}
 * under a name prefix.
 */
import { ArgumentError } from '../core/errors.js';
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

/**
 * Adds `${name}.w` [kh, kw, cin, cout] (tfjs' HWIO filter layout) and `${name}.b` [cout] with
 * PyTorch's nn.Conv2d init: U(±1/√fan_in), fan_in = cin·kh·kw, for weight and bias.
 */
export function addConv(store: ParamStore, name: string, kh: number, kw: number, cin: number, cout: number, rng: Rng, bias = true): void {
  const bound = 1 / Math.sqrt(cin * kh * kw);
  store.add(`${name}.w`, [kh, kw, cin, cout], { uniform: bound }, rng);
  if (bias) store.add(`${name}.b`, [cout], { uniform: bound }, rng);
}

export interface ConvOptions {
  /** Stride, one number or [height, width] (default 1). */
  stride?: number | [number, number];
  /** 'same' (default; TensorFlow's rule: output ⌈size/stride⌉, extra padding at the end) or 'valid'. */
  pad?: 'same' | 'valid';
}

/**
 * x [B, H, W, cin] (NHWC) → convolution with `${name}.w` plus `${name}.b` [B, H', W', cout]. A 1-D
 * convolution is this with H = 1 and a 1×k filter (tfjs' conv1d is the same kernel).
 */
export function conv(store: ParamStore, name: string, x: Tensor, options: ConvOptions = {}, bias = true): Tensor {
  const y = tf.conv2d(x as tf.Tensor4D, store.get(`${name}.w`) as tf.Tensor4D, options.stride ?? 1, options.pad ?? 'same');
  return bias ? tf.add(y, store.get(`${name}.b`)) : y;
}

/** Adds `${name}.g` (ones) and `${name}.b` (zeros) [channels] for {@link groupNorm}. */
export function addGroupNorm(store: ParamStore, name: string, channels: number, rng: Rng): void {
  store.add(`${name}.g`, [channels], { ones: true }, rng);
  store.add(`${name}.b`, [channels], { zeros: true }, rng);
}

/**
 * Group normalisation (Wu & He 2018, eq. 1–3): the channels (last axis) of x [B, …, C] are split
 * into `groups` groups of C/G; each sample's group is standardised over its positions and channels
 * (biased variance, ε = 1e-5 as PyTorch's nn.GroupNorm), then scaled and shifted per channel.
 * groups = 1 is layer norm over everything but the batch; groups = C is instance norm.
 */
export function groupNorm(store: ParamStore, name: string, x: Tensor, groups: number, eps = 1e-5): Tensor {
  const shape = x.shape;
  const c = shape[shape.length - 1];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) throw new ArgumentError(`groupNorm '${name}': ${c} channels cannot be split into ${groups} groups`, 'groups');
  const positions = shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const g = tf.reshape(x, [shape[0], positions, groups, c / groups]);
  const { mean, variance } = tf.moments(g, [1, 3], true);
  const xhat = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, eps))), shape);
  return tf.add(tf.mul(xhat, store.get(`${name}.g`)), store.get(`${name}.b`));
}
