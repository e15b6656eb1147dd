/**
 * Small building blocks shared by the networks, over parameters kept in a {@link ParamStore} under
 * a name prefix: dense layers and convolutions with PyTorch's default initialisation
 * (U(±1/√fan_in) for weight and bias, so results compare with PyTorch peers), layer norm and group
 * norm. The tensor ops themselves live in ./ops/ (linear, layerNorm, groupNormOp); these helpers
 * add a layer's parameters and apply the op to them.
 */
import type { Rng } from '../core/rng.js';
import { tf, type Tensor } from './engine/tf.js';
import { checkGroups, groupNormOp } from './ops/group-norm.js';
import { layerNorm } from './ops/layer-norm.js';
import { linear } from './ops/linear.js';
import type { OpImpl } from './ops/types.js';
import type { ParamStore } from './params.js';

/** Adds `${name}.w` [fanIn, fanOut] and `${name}.b` [fanOut] with PyTorch's nn.Linear init. */
export function addLinear(store: ParamStore, name: string, fanIn: number, fanOut: number, rng: Rng, bias = true): void {
  const bound = 1 / Math.sqrt(fanIn);
  store.add(`${name}.w`, [fanIn, fanOut], { uniform: bound }, rng);
  if (bias) store.add(`${name}.b`, [fanOut], { uniform: bound }, rng);
}

/**
 * The dense layer `name` (made by {@link addLinear}): x [N, fanIn] → x·W + b [N, fanOut] by the
 * {@link linear} op (2-D: tfjs' matMul gradient needs unbroadcast shapes). `impl` defaults to
 * 'tape' (tfjs' gradient, as the denoisers and the classifier were trained); 'custom' is the
 * GPT's hand-written gradient.
 */
export function dense(store: ParamStore, name: string, x: Tensor, bias = true, impl: OpImpl = 'tape'): Tensor {
  return linear(x, store.get(`${name}.w`), bias ? store.get(`${name}.b`) : undefined, { impl });
}

/** Adds `${name}.g` (ones) and `${name}.b` (zeros) for {@link layerNormLayer}. */
export function addLayerNorm(store: ParamStore, name: string, dim: number, rng: Rng): void {
  store.add(`${name}.g`, [dim], { ones: true }, rng);
  store.add(`${name}.b`, [dim], { zeros: true }, rng);
}

/**
 * The layer norm `name` (made by {@link addLayerNorm}) over the last axis of x (Ba et al. 2016),
 * ε = 1e-5 as PyTorch, by the {@link layerNorm} op. `impl` defaults to 'tape' (tf.moments and
 * tfjs' gradient, any rank); 'custom' is the GPT's op (x 2-D).
 */
export function layerNormLayer(store: ParamStore, name: string, x: Tensor, eps = 1e-5, impl: OpImpl = 'tape'): Tensor {
  return layerNorm(x, store.get(`${name}.g`), store.get(`${name}.b`), { eps, impl });
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
 * The group norm `name` (made by {@link addGroupNorm}) of x [B, …, C] (Wu & He 2018, eq. 1–3):
 * the channels are split into `groups` groups of C/G; each sample's group is standardised over its
 * positions and channels (biased variance, ε = 1e-5 as PyTorch's nn.GroupNorm), then scaled and
 * shifted per channel. groups = 1 is layer norm over everything but the batch; groups = C is
 * instance norm. By the {@link groupNormOp} op, whose gradient is written out.
 */
export function groupNorm(store: ParamStore, name: string, x: Tensor, groups: number, eps = 1e-5): Tensor {
  checkGroups(x, groups, name);
  return groupNormOp(x, store.get(`${name}.g`), store.get(`${name}.b`), { groups, eps, silu: false, name });
}

/** SiLU(groupNorm(x)) as one op (the pair that opens every residual block of a U-Net). */
export function groupNormSilu(store: ParamStore, name: string, x: Tensor, groups: number, eps = 1e-5): Tensor {
  checkGroups(x, groups, name);
  return groupNormOp(x, store.get(`${name}.g`), store.get(`${name}.b`), { groups, eps, silu: true, name });
}

/**
 * Nearest-neighbour upsampling by integer factors: each value repeated fh × fw times, as copies
 * concatenated along a new axis — columns first, then whole rows. (The stock wasm Tile kernel is
 * ~10× slower, and tfjs has tile gradients up to rank 4 only; the concat's gradient is slices.)
 */
export function upsampleNearest(x: Tensor, fh: number, fw: number): Tensor {
  const [b, h, w, c] = x.shape;
  const repeat = (t: Tensor, k: number) => tf.concat(new Array<Tensor>(k).fill(t), 2);
  let y = fw === 1 ? x : repeat(tf.reshape(x, [b * h, w, 1, c]), fw);
  if (fh !== 1) y = repeat(tf.reshape(y, [b, h, 1, w * fw * c]), fh);
  return tf.reshape(y, [b, h * fh, w * fw, c]);
}
