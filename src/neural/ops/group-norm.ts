/**
 * Group normalisation (Wu & He 2018, eq. 1–3), alone or fused with the SiLU that follows it in a
 * U-Net's residual blocks, as a custom-gradient op on tensor arguments. The ParamStore-level
 * `groupNorm` / `groupNormSilu` of layers.ts call it with a layer's gain and shift.
 *
 * Shapes: x [B, …, C] (positions P = product of the middle axes), g [C], b [C] → y of x's shape;
 * internally [B, P, C].
 */
import { ArgumentError } from '../../core/errors.js';
import { tf, type Tensor } from '../engine/tf.js';
import type { SaveFn } from './types.js';

type NormOp = (x: Tensor, g: Tensor, b: Tensor) => Tensor;

export interface GroupNormOptions {
  /** Groups G; C must be a multiple of G. */
  groups: number;
  /** ε added to the variance. Default 1e-5 (PyTorch's nn.GroupNorm). */
  eps?: number;
  /** Apply SiLU to the result, in the same op. Default false. */
  silu?: boolean;
  /** Layer name for error messages. */
  name?: string;
}

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
 * as for LayerNorm in layer-norm.ts: with x̂ = (x − μ)·r, z = x̂·γ + β and dz = dy (after SiLU,
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

/** Throws an ArgumentError unless the channels (last axis) of x split into `groups` groups. */
export function checkGroups(x: Tensor, groups: number, name?: string): void {
  const c = x.shape[x.shape.length - 1];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new ArgumentError(`groupNorm${name === undefined ? '' : ` '${name}'`}: ${c} channels cannot be split into ${groups} groups`, 'groups');
  }
}

/** The ops made so far, by groups, ε and SiLU. */
const normOps = new Map<string, NormOp>();

/**
 * Group normalisation of x [B, …, C] with gain g and shift b [C]: the channels (last axis) are
 * split into G groups of C/G; each sample's group is standardised over its positions and channels
 * (biased variance), then scaled and shifted per channel, and with `silu` passed through SiLU.
 * G = 1 is layer norm over everything but the batch; G = C is instance norm. Gradient written out
 * ({@link makeGroupNormOp}). Named with "Op" to keep it apart from layers.ts' groupNorm(store, …).
 */
export function groupNormOp(x: Tensor, g: Tensor, b: Tensor, options: GroupNormOptions): Tensor {
  const { groups, eps = 1e-5, silu = false } = options;
  checkGroups(x, groups, options.name);
  const shape = x.shape, c = shape[shape.length - 1];
  const key = `${groups}|${eps}|${silu}`;
  let op = normOps.get(key);
  if (!op) { op = makeGroupNormOp(groups, eps, silu); normOps.set(key, op); }
  const positions = shape.slice(1, -1).reduce((p, d) => p * d, 1);
  const y = op(tf.reshape(x, [shape[0], positions, c]), g, b);
  return tf.reshape(y, shape);
}
