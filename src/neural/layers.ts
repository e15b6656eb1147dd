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

type SaveFn = (tensors: Tensor[]) => void;
type NormOp = (x: Tensor, g: Tensor, b: Tensor) => Tensor;

/**
 * Per-(sample, group) means of t [B, P, C] over positions and the group's channels, broadcast back
 * to [B, 1, C]: position sums per channel (a reduction over the middle axis only), then the small
 * [B, G, C/G] step.
 */
function groupMeanC(t: Tensor, groups: number): Tensor {
  const [B, P, C] = t.shape;
  const perGroup = tf.sum(tf.reshape(tf.sum(t, 1), [B, groups, C / groups]), 2, true); //  [B, G, 1]
  return tf.reshape(tf.mul(tf.div(perGroup, P * (C / groups)), tf.ones([1, 1, C / groups])), [B, 1, C]);
}

/**
 * The group norm op (with or without the SiLU after it) on x [B, P, C]. Its gradient is written out,
 * as for LayerNorm in gpt.ts: with x̂ = (x − μ)·r, z = x̂·γ + β and dz = dy (after SiLU,
 * dy·σ(z)(1 + z(1 − σ(z)))), dβ = Σ dz, dγ = Σ dz·x̂ over samples and positions, and per (sample,
 * group) dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = dz·γ. Every full-size operation is an
 * elementwise one between tensors of one shape or with a [B, 1, C] or [C] factor, and every
 * reduction is over positions per channel (or over the leading axes): what the wasm backend does
 * fast. tfjs' own gradient of the composed ops (moments over axes [1, 3] of [B, P, G, C/G] and
 * arithmetic broadcast from [B, 1, G, 1]) costs about three times as much.
 */
function makeGroupNormOp(groups: number, eps: number, silu: boolean): NormOp {
  return tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const [x, g, b] = args as Tensor[];
    const save = args[3] as SaveFn;
    const xc = tf.sub(x, groupMeanC(x, groups));
    const rstd = tf.rsqrt(tf.add(groupMeanC(tf.square(xc), groups), eps)); //  [B, 1, C]
    const xhat = tf.mul(xc, rstd);
    const z = tf.add(tf.mul(xhat, g), b);
    const sg = silu ? tf.sigmoid(z) : undefined;
    save(sg ? [xhat, rstd, g, z, sg] : [xhat, rstd, g]);
    return {
      value: sg ? tf.mul(z, sg) : z,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xh, rs, gs, zs, ss] = saved;
        // σ′-weighted: d(z·σ(z))/dz = σ + z·σ(1 − σ) = σ·(1 + z·(1 − σ)).
        const dz = ss ? tf.mul(dy, tf.mul(ss, tf.add(tf.mul(zs, tf.sub(1, ss)), 1))) : dy;
        const [B, P, C] = dz.shape;
        const dg = tf.sum(tf.reshape(tf.mul(dz, xh), [B * P, C]), 0);
        const db = tf.sum(tf.reshape(dz, [B * P, C]), 0);
        const dxhat = tf.mul(dz, gs);
        const dx = tf.mul(tf.sub(tf.sub(dxhat, groupMeanC(dxhat, groups)), tf.mul(xh, groupMeanC(tf.mul(dxhat, xh), groups))), rs);
        return [dx, dg, db];
      },
    };
  }) as unknown as NormOp;
}

const normOps = new Map<string, NormOp>();

/** x [B, …, C] through the (cached) group norm op, as [B, P, C] and back. */
function applyGroupNorm(store: ParamStore, name: string, x: Tensor, groups: number, eps: number, silu: boolean): Tensor {
  const key = `${groups}|${eps}|${silu}`;
  let op = normOps.get(key);
  if (!op) { op = makeGroupNormOp(groups, eps, silu); normOps.set(key, op); }
  const shape = x.shape, c = shape[shape.length - 1];
  const positions = shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const y = op(tf.reshape(x, [shape[0], positions, c]), store.get(`${name}.g`), store.get(`${name}.b`));
  return tf.reshape(y, shape);
}

function checkGroups(name: string, x: Tensor, groups: number): void {
  const c = x.shape[x.shape.length - 1];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) throw new ArgumentError(`groupNorm '${name}': ${c} channels cannot be split into ${groups} groups`, 'groups');
}

/**
 * Group normalisation (Wu & He 2018, eq. 1–3): the channels (last axis) of x [B, …, C] are split
 * into `groups` groups of C/G; each sample's group is standardised over its positions and channels
 * (biased variance, ε = 1e-5 as PyTorch's nn.GroupNorm), then scaled and shifted per channel.
 * groups = 1 is layer norm over everything but the batch; groups = C is instance norm. Gradient
 * written out ({@link makeGroupNormOp}).
 */
export function groupNorm(store: ParamStore, name: string, x: Tensor, groups: number, eps = 1e-5): Tensor {
  checkGroups(name, x, groups);
  return applyGroupNorm(store, name, x, groups, eps, false);
}

/** SiLU(groupNorm(x)) as one op (the pair that opens every residual block of a U-Net). */
export function groupNormSilu(store: ParamStore, name: string, x: Tensor, groups: number, eps = 1e-5): Tensor {
  checkGroups(name, x, groups);
  return applyGroupNorm(store, name, x, groups, eps, true);
}
