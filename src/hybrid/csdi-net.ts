/**
 * CSDI's denoiser ε_θ(x^t_ta, t | x^co_0, side) (Tashiro, Song, Song & Ermon 2021, "CSDI:
 * Conditional score-based diffusion models for probabilistic time series imputation", NeurIPS;
 * §4 and Appendix E; the network of the reference implementation, github.com/ermongroup/CSDI,
 * diff_models.py `diff_CSDI` / `ResidualBlock` / `DiffusionEmbedding`, and the side information of
 * main_model.py `CSDI_base.get_side_info`).
 *
 * Shapes (B samples, K features, L time steps, N = B·K·L entries, C channels, R residual layers,
 * H heads of Dh = C/H, S = side channels = T_e + F_e + 1):
 *
 *   1. input [N, 2] = [conditional observations, noisy targets] → 1×1 conv to C, ReLU → x [N, C]
 *   2. t → table[t] = [sin(t·10^{4i/(E/2−1)}), cos(…)]_{i<E/2} → Linear, SiLU, Linear, SiLU → [B, E]
 *   3. side info [N, S] = [sinusoidal embedding of the position l in the window (T_e, sin/cos
 *      interleaved), learned embedding of the feature k (F_e), conditional mask (1)]
 *   4. per residual layer i:
 *        y = x + Linear(E → C)(emb)                           (broadcast over K·L)
 *        y = TransformerEncoderLayer along time    on [B·K, L, C]   (skipped when L = 1)
 *        y = TransformerEncoderLayer along features on [B·L, K, C]  (skipped when K = 1)
 *        y = conv1×1(y → 2C) + conv1×1(side → 2C)
 *        g = σ(y_gate)·tanh(y_filter) → conv1×1(g → 2C) → residual, skip [N, C]
 *        x = (x + residual)/√2
 *   5. Σ skip/√R → conv1×1 (C → C), ReLU → conv1×1 (C → 1) → ε̂ [B, K, L]
 *
 * The transformer layers are PyTorch's nn.TransformerEncoderLayer(d_model = C, nhead = H,
 * dim_feedforward = 64, activation = "gelu") as the reference builds them: post-norm,
 * x = LN₁(x + MHA(x)), x = LN₂(x + W₂·GELU(W₁x)), exact (erf) GELU, LayerNorm ε = 1e-5, dropout
 * 0.1 on the attention weights, after the activation and on both residual branches while training
 * (the reference trains in `model.train()` mode).
 *
 * Weights are stored so that a PyTorch state dict maps onto them (bench/peers/torch_csdi.py
 * `linear_pairs` is the mapping): every nn.Linear and 1×1 nn.Conv1d as W [in, out] (PyTorch's
 * weight transposed, the conv's kernel axis dropped) and b [out]; the attention's in_proj as
 * [C, 3C] with columns q | k | v and head h at channels h·Dh … (h+1)·Dh − 1 of each; the feature
 * embedding (`CSDI_base.embed_layer`) as [K, F_e]. Names under the prefix: `feature`, `embed1/2`
 * (diffusion_embedding.projection1/2), `input`, `output1/2`, and per layer `res{i}.step`
 * (diffusion_projection), `.cond`, `.mid`, `.out`, `.time.*` / `.feature.*` (`attn.in`,
 * `attn.out`, `ff1`, `ff2`, `norm1`, `norm2`).
 *
 * Initialisation as PyTorch's: nn.Embedding N(0, 1); nn.Linear U(±1/√fan_in) for weight and bias;
 * the reference's `Conv1d_with_init` Kaiming normal (std √(2/fan_in)) weights with U(±1/√fan_in)
 * biases, except the last projection's weight, zero (ε̂ starts at its bias); attention in_proj
 * Xavier uniform (±√(6/(C + 3C))) with zero bias, out_proj U(±1/√C) with zero bias (as
 * nn.MultiheadAttention._reset_parameters); LayerNorm gains 1, shifts 0.
 *
 * For the wasm backend (where a kernel launch costs tens of µs) the work is arranged in few large
 * products: the 1×1 convolutions act on [N, C] rows; the side information's projection is split by
 * its parts, time [L, T_e]·W and feature [K, F_e]·W computed once and broadcast, plus the mask
 * column (so it is never materialised as [N, S]); it does not depend on the diffusion step, so
 * {@link CSDINet.side} computes it once per batch and sampling reuses it over all steps. Attention
 * over long sequences (time) uses batched products per head (expanding the heads into one product
 * per sequence, with zeros outside each head's channels, measured 10–30% slower); over short ones
 * (the K features, where a batched product would be thousands of tiny calls) it is computed for
 * all heads at once as an elementwise product q_i ⊙ k_j summed per head by a [C, H] indicator
 * product.
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor } from '../neural/engine/tf.js';
import { addLinear } from '../neural/layers.js';
import { silu } from '../neural/ops/activations.js';
import { layerNorm } from '../neural/ops/layer-norm.js';
import { linear } from '../neural/ops/linear.js';
import type { Op, SaveFn } from '../neural/ops/types.js';
import type { ParamStore } from '../neural/params.js';

/** The denoiser's sizes (the reference's config/base.yaml in parentheses). */
export interface CSDINetConfig {
  /** Number of features K (the series imputed jointly). */
  features: number;
  /** Residual layers (4). */
  layers: number;
  /** Residual channels C (64). */
  channels: number;
  /** Attention heads (8); `channels` must be a multiple. */
  heads: number;
  /** Width of the transformer's feed-forward layer (64, fixed in the reference's get_torch_trans). */
  feedForward: number;
  /** Width E of the diffusion-step embedding (128). */
  diffusionEmbedding: number;
  /** Diffusion steps T, the rows of the step embedding table (50). */
  diffusionSteps: number;
  /** Width of the time (position) embedding of the side information (128). */
  timeEmbedding: number;
  /** Width of the learned feature embedding of the side information (16). */
  featureEmbedding: number;
}

/** The reference's sizes (config/base.yaml). */
export const CSDI_NET_DEFAULTS = { layers: 4, channels: 64, heads: 8, feedForward: 64, diffusionEmbedding: 128, diffusionSteps: 50, timeEmbedding: 128, featureEmbedding: 16 } as const;

/** Checks a config (every size a positive integer; C a multiple of the heads; E ≥ 4 and even; T_e even). */
export function checkCSDINetConfig(c: CSDINetConfig): CSDINetConfig {
  for (const [name, v, min] of [['features', c.features, 1], ['layers', c.layers, 1], ['channels', c.channels, 1], ['heads', c.heads, 1], ['feedForward', c.feedForward, 1],
    ['diffusionEmbedding', c.diffusionEmbedding, 4], ['diffusionSteps', c.diffusionSteps, 1], ['timeEmbedding', c.timeEmbedding, 2], ['featureEmbedding', c.featureEmbedding, 1]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${name} of the CSDI network must be an integer ≥ ${min}; got ${String(v)}`, name);
  }
  if (c.channels % c.heads !== 0) throw new ArgumentError(`channels (${c.channels}) must be a multiple of heads (${c.heads})`, 'heads');
  if (c.diffusionEmbedding % 2 !== 0) throw new ArgumentError(`diffusionEmbedding must be even (half sines, half cosines); got ${c.diffusionEmbedding}`, 'diffusionEmbedding');
  if (c.timeEmbedding % 2 !== 0) throw new ArgumentError(`timeEmbedding must be even (sines and cosines interleaved); got ${c.timeEmbedding}`, 'timeEmbedding');
  return c;
}

/** Number of side-information channels: time embedding, feature embedding and the conditional mask. */
export function csdiSideChannels(c: CSDINetConfig): number {
  return c.timeEmbedding + c.featureEmbedding + 1;
}

const TRANSFORMER_PARTS = (C: number, F: number): [string, number[]][] => [
  ['attn.in.w', [C, 3 * C]], ['attn.in.b', [3 * C]], ['attn.out.w', [C, C]], ['attn.out.b', [C]],
  ['ff1.w', [C, F]], ['ff1.b', [F]], ['ff2.w', [F, C]], ['ff2.b', [C]],
  ['norm1.g', [C]], ['norm1.b', [C]], ['norm2.g', [C]], ['norm2.b', [C]],
];

/** Parameter names and shapes under `prefix`. */
export function csdiNetShapes(c: CSDINetConfig, prefix: string): Map<string, number[]> {
  const C = c.channels, E = c.diffusionEmbedding, S = csdiSideChannels(c);
  const m = new Map<string, number[]>();
  const lin = (name: string, i: number, o: number) => { m.set(`${prefix}.${name}.w`, [i, o]); m.set(`${prefix}.${name}.b`, [o]); };
  m.set(`${prefix}.feature.w`, [c.features, c.featureEmbedding]);
  lin('embed1', E, E);
  lin('embed2', E, E);
  lin('input', 2, C);
  lin('output1', C, C);
  lin('output2', C, 1);
  for (let i = 0; i < c.layers; i++) {
    lin(`res${i}.step`, E, C);
    lin(`res${i}.cond`, S, 2 * C);
    lin(`res${i}.mid`, C, 2 * C);
    lin(`res${i}.out`, C, 2 * C);
    for (const part of ['time', 'feature']) for (const [name, shape] of TRANSFORMER_PARTS(C, c.feedForward)) m.set(`${prefix}.res${i}.${part}.${name}`, shape);
  }
  return m;
}

/** Adds freshly initialised parameters (PyTorch's schemes; see the module notes), in {@link csdiNetShapes}' order. */
export function addCSDINet(store: ParamStore, c: CSDINetConfig, prefix: string, rng: Rng): void {
  checkCSDINetConfig(c);
  const C = c.channels, E = c.diffusionEmbedding, S = csdiSideChannels(c), F = c.feedForward;
  /** The reference's Conv1d_with_init: Kaiming-normal weight, PyTorch's default U(±1/√fan_in) bias. */
  const kaiming = (name: string, fanIn: number, o: number) => {
    store.add(`${prefix}.${name}.w`, [fanIn, o], { normal: Math.sqrt(2 / fanIn) }, rng);
    store.add(`${prefix}.${name}.b`, [o], { uniform: 1 / Math.sqrt(fanIn) }, rng);
  };
  store.add(`${prefix}.feature.w`, [c.features, c.featureEmbedding], { normal: 1 }, rng);
  addLinear(store, `${prefix}.embed1`, E, E, rng);
  addLinear(store, `${prefix}.embed2`, E, E, rng);
  kaiming('input', 2, C);
  kaiming('output1', C, C);
  store.add(`${prefix}.output2.w`, [C, 1], { zeros: true }, rng);
  store.add(`${prefix}.output2.b`, [1], { uniform: 1 / Math.sqrt(C) }, rng);
  for (let i = 0; i < c.layers; i++) {
    addLinear(store, `${prefix}.res${i}.step`, E, C, rng);
    kaiming(`res${i}.cond`, S, 2 * C);
    kaiming(`res${i}.mid`, C, 2 * C);
    kaiming(`res${i}.out`, C, 2 * C);
    for (const part of ['time', 'feature']) {
      const p = `${prefix}.res${i}.${part}`;
      store.add(`${p}.attn.in.w`, [C, 3 * C], { uniform: Math.sqrt(6 / (C + 3 * C)) }, rng);
      store.add(`${p}.attn.in.b`, [3 * C], { zeros: true }, rng);
      store.add(`${p}.attn.out.w`, [C, C], { uniform: 1 / Math.sqrt(C) }, rng);
      store.add(`${p}.attn.out.b`, [C], { zeros: true }, rng);
      addLinear(store, `${p}.ff1`, C, F, rng);
      addLinear(store, `${p}.ff2`, F, C, rng);
      store.add(`${p}.norm1.g`, [C], { ones: true }, rng);
      store.add(`${p}.norm1.b`, [C], { zeros: true }, rng);
      store.add(`${p}.norm2.g`, [C], { ones: true }, rng);
      store.add(`${p}.norm2.b`, [C], { zeros: true }, rng);
    }
  }
}

const f32 = Math.fround;

/**
 * The diffusion-step embedding table [steps, E] of the reference's DiffusionEmbedding:
 * [sin(t·f_i), cos(t·f_i)] with f_i = 10^{4i/(E/2 − 1)}, i < E/2, computed in float32 op by op as
 * PyTorch does (the arguments reach 10⁴·t, so the float32 rounding of t·f_i matters).
 */
export function csdiStepTable(steps: number, E: number): Float32Array {
  const half = E / 2;
  const out = new Float32Array(steps * E);
  const freq = Array.from({ length: half }, (_, i) => f32(10 ** f32(f32(i / (half - 1)) * 4)));
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < half; i++) {
      const a = f32(t * freq[i]);
      out[t * E + i] = Math.sin(a);
      out[t * E + half + i] = Math.cos(a);
    }
  }
  return out;
}

/**
 * The time embedding [L, d] of the side information (the reference's `CSDI_base.time_embedding`
 * of the positions 0 … L − 1): pe[l][2i] = sin(l/10000^{2i/d}), pe[l][2i+1] = cos(l/10000^{2i/d}).
 */
export function csdiTimeTable(L: number, d: number): Float32Array {
  const out = new Float32Array(L * d);
  for (let i = 0; i < d / 2; i++) {
    const div = f32(1 / f32(10000 ** f32((2 * i) / d)));
    for (let l = 0; l < L; l++) {
      const a = f32(l * div);
      out[l * d + 2 * i] = Math.sin(a);
      out[l * d + 2 * i + 1] = Math.cos(a);
    }
  }
  return out;
}

let geluErfOp: Op | undefined;

/**
 * GELU in its exact form x·Φ(x) = 0.5x(1 + erf(x/√2)) (PyTorch's F.gelu, what the transformer
 * layers of the reference use; ops/activations' `gelu` is GPT-2's tanh approximation), with the
 * gradient written out: Φ(x) + x·φ(x).
 */
export function geluExact(x: Tensor): Tensor {
  geluErfOp ??= tf.customGrad((...args: (Tensor | SaveFn)[]) => {
    const xi = args[0] as Tensor;
    const save = args[1] as SaveFn;
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(xi, Math.SQRT1_2)), 1), 0.5);
    save([xi, cdf]);
    return {
      value: tf.mul(xi, cdf),
      gradFunc: (dy: Tensor, [xs, c]: Tensor[]) => tf.mul(dy, tf.add(c, tf.mul(xs, tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), 1 / Math.sqrt(2 * Math.PI))))),
    };
  }) as Op;
  return geluErfOp(x);
}

/** Dropout while training: probability `p`, masks drawn from `rng` (so a seed fixes them). */
export interface CSDIDropout {
  p: number;
  rng: Rng;
}

/**
 * x ⊙ m with m = 0 with probability p, else 1/(1 − p). The masks hold millions of entries per
 * training step, so each is drawn from a 32-bit stream (mulberry32) seeded by one draw of the
 * model's generator: a seed still fixes every mask.
 */
function dropout(x: Tensor, d: CSDIDropout | undefined): Tensor {
  if (!d || d.p <= 0) return x;
  const n = x.size, keep = 1 / (1 - d.p), cut = d.p * 4294967296;
  let a = Math.floor(d.rng.uniform() * 4294967296) >>> 0;
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    m[i] = ((r ^ (r >>> 14)) >>> 0) < cut ? 0 : keep;
  }
  return tf.mul(x, tf.tensor(m, x.shape));
}

/**
 * The side information projected for every layer, split in the gate and filter halves
 * ([N, C] each, the conditioner's and the mid projection's biases included): what
 * {@link CSDINet.predict} adds after the mid projection. Made by {@link CSDINet.side}.
 */
export interface CSDISide {
  /** Samples B and window length L it was made for. */
  readonly B: number;
  readonly L: number;
  readonly gate: readonly Tensor[];
  readonly filter: readonly Tensor[];
}

/** Sequences up to this long attend through the all-heads elementwise form; longer ones through batched products. */
const SHORT_SEQUENCE = 12;

/** The denoiser as a function of tensors (see the module notes). */
export class CSDINet {
  private readonly stepTable: Tensor;
  private readonly timeTables = new Map<number, Tensor>();
  /** [C, H] 0/1 head indicator scaled by 1/√Dh, and its unscaled transpose [H, C] (short-sequence attention). */
  private readonly headSum: Tensor;
  private readonly headSpread: Tensor;

  constructor(private readonly store: ParamStore, readonly config: CSDINetConfig, private readonly prefix: string) {
    checkCSDINetConfig(config);
    const { channels: C, heads: H } = config, Dh = C / H;
    this.stepTable = tf.tensor2d(csdiStepTable(config.diffusionSteps, config.diffusionEmbedding), [config.diffusionSteps, config.diffusionEmbedding]);
    const ind = new Float32Array(C * H);
    for (let c = 0; c < C; c++) ind[c * H + Math.floor(c / Dh)] = 1 / Math.sqrt(Dh);
    this.headSum = tf.tensor2d(ind, [C, H]);
    const spread = new Float32Array(H * C);
    for (let c = 0; c < C; c++) spread[Math.floor(c / Dh) * C + c] = 1;
    this.headSpread = tf.tensor2d(spread, [H, C]);
  }

  private p(name: string): Tensor {
    return this.store.get(`${this.prefix}.${name}`);
  }

  private lin(x: Tensor, name: string): Tensor {
    return linear(x, this.p(`${name}.w`), this.p(`${name}.b`));
  }

  private timeTable(L: number): Tensor {
    let t = this.timeTables.get(L);
    if (!t) {
      t = tf.keep(tf.tensor2d(csdiTimeTable(L, this.config.timeEmbedding), [L, this.config.timeEmbedding]));
      this.timeTables.set(L, t);
    }
    return t;
  }

  /**
   * The side information of conditional masks `mask` (B windows of K × L, 1 = conditioned on,
   * row-major [B, K, L]) projected by every layer's conditioner: per layer
   * timePart[l] + featurePart[k] + mask·w_mask + biases, split in gate and filter halves.
   */
  side(mask: Tensor, B: number, L: number): CSDISide {
    const c = this.config, C = c.channels, K = c.features, Te = c.timeEmbedding, Fe = c.featureEmbedding, S = csdiSideChannels(c);
    const m = tf.reshape(mask, [B, K * L, 1]);
    const time = this.timeTable(L), feature = this.p('feature.w');
    const gate: Tensor[] = [], filter: Tensor[] = [];
    for (let i = 0; i < c.layers; i++) {
      const W = this.p(`res${i}.cond.w`);
      const bias = tf.add(this.p(`res${i}.cond.b`), this.p(`res${i}.mid.b`));
      for (const [half, out] of [[0, gate], [1, filter]] as const) {
        const cols = (r0: number, rows: number) => tf.slice(W, [r0, half * C], [rows, C]);
        const tp = tf.add(tf.matMul(time, cols(0, Te)), tf.slice(bias, [half * C], [C])); //   [L, C]
        const fp = tf.matMul(feature, cols(Te, Fe)); //                                         [K, C]
        const base = tf.reshape(tf.add(tf.reshape(fp, [K, 1, C]), tf.reshape(tp, [1, L, C])), [1, K * L * C]);
        const masked = tf.reshape(tf.mul(m, tf.reshape(cols(S - 1, 1), [1, 1, C])), [B, K * L * C]);
        out.push(tf.reshape(tf.add(masked, base), [B * K * L, C]));
      }
    }
    return { B, L, gate, filter };
  }

  /**
   * Multi-head self-attention core over S sequences of T positions: q, k, v [S·T, C] →
   * softmax(q kᵀ/√Dh) v per head, [S·T, C].
   */
  private attend(q: Tensor, k: Tensor, v: Tensor, S: number, T: number, drop: CSDIDropout | undefined): Tensor {
    const { channels: C, heads: H } = this.config, Dh = C / H;
    if (T <= SHORT_SEQUENCE) {
      // All heads at once: e[s,i,j,c] = q[s,i,c]·k[s,j,c]; scores[s,i,j,h] = Σ_{c∈h} e/√Dh.
      const e = tf.mul(tf.reshape(q, [S, T, 1, C]), tf.reshape(k, [S, 1, T, C]));
      const scores = tf.reshape(tf.matMul(tf.reshape(e, [S * T * T, C]), this.headSum), [S, T, T, H]);
      let p = tf.transpose(tf.softmax(tf.transpose(scores, [0, 1, 3, 2])), [0, 1, 3, 2]); //   softmax over j
      p = dropout(p, drop);
      const pc = tf.reshape(tf.matMul(tf.reshape(p, [S * T * T, H]), this.headSpread), [S, T, T, C]);
      return tf.reshape(tf.sum(tf.mul(pc, tf.reshape(v, [S, 1, T, C])), 2), [S * T, C]);
    }
    const heads = (t: Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [S, T, H, Dh]), [0, 2, 1, 3]), [S * H, T, Dh]);
    let p = tf.softmax(tf.matMul(tf.mul(heads(q), 1 / Math.sqrt(Dh)), heads(k), false, true)); // [S·H, T, T]
    p = dropout(p, drop);
    const y = tf.matMul(p, heads(v)); //                                                            [S·H, T, Dh]
    return tf.reshape(tf.transpose(tf.reshape(y, [S, H, T, Dh]), [0, 2, 1, 3]), [S * T, C]);
  }

  /** PyTorch's TransformerEncoderLayer (post-norm, GELU) `name` over S sequences of T positions, x [S·T, C]. */
  private encoderLayer(x: Tensor, name: string, S: number, T: number, drop: CSDIDropout | undefined): Tensor {
    const C = this.config.channels;
    const qkv = this.lin(x, `${name}.attn.in`); //                                            [S·T, 3C]
    const [q, k, v] = tf.split(qkv, 3, 1);
    const a = this.lin(this.attend(q, k, v, S, T, drop), `${name}.attn.out`);
    const norm = (t: Tensor, n: string) => layerNorm(t, this.p(`${name}.${n}.g`), this.p(`${name}.${n}.b`));
    const x1 = norm(tf.add(x, dropout(a, drop)), 'norm1');
    const f = this.lin(dropout(geluExact(this.lin(x1, `${name}.ff1`)), drop), `${name}.ff2`);
    return tf.reshape(norm(tf.add(x1, dropout(f, drop)), 'norm2'), [S * T, C]);
  }

  /**
   * ε̂ [B·K·L] (row-major [B, K, L]) for `input` [B·K·L, 2] = [conditional observations, noisy
   * targets] (the reference's `total_input`), integer diffusion steps `t` [B] (0-based) and the
   * side information of the same masks; `drop` turns on the training-mode dropout.
   */
  predict(input: Tensor, t: Tensor, side: CSDISide, drop?: CSDIDropout): Tensor {
    const c = this.config, C = c.channels, K = c.features, R = c.layers;
    const { B, L } = side;
    const N = B * K * L;
    let x = tf.relu(this.lin(input, 'input')); //                                                [N, C]
    let e = silu(this.lin(tf.gather(this.stepTable, t), 'embed1'));
    e = silu(this.lin(e, 'embed2')); //                                                         [B, E]
    // Every layer's step projection in one product: [B, R·C].
    const steps = tf.add(tf.matMul(e, tf.concat(Array.from({ length: R }, (_, i) => this.p(`res${i}.step.w`)), 1)), tf.concat(Array.from({ length: R }, (_, i) => this.p(`res${i}.step.b`))));
    const gates: Tensor[] = [];
    for (let i = 0; i < R; i++) {
      let y = tf.reshape(tf.add(tf.reshape(x, [B, K * L, C]), tf.reshape(tf.slice(steps, [0, i * C], [B, C]), [B, 1, C])), [N, C]);
      if (L > 1) y = this.encoderLayer(y, `res${i}.time`, B * K, L, drop); //                  sequences (b, k) over l
      if (K > 1) {
        const yt = tf.reshape(tf.transpose(tf.reshape(y, [B, K, L, C]), [0, 2, 1, 3]), [N, C]); // (b, l) over k
        const z = this.encoderLayer(yt, `res${i}.feature`, B * L, K, drop);
        y = tf.reshape(tf.transpose(tf.reshape(z, [B, L, K, C]), [0, 2, 1, 3]), [N, C]);
      }
      const mid = this.p(`res${i}.mid.w`);
      const gate = tf.add(tf.matMul(y, tf.slice(mid, [0, 0], [C, C])), side.gate[i]);
      const filt = tf.add(tf.matMul(y, tf.slice(mid, [0, C], [C, C])), side.filter[i]);
      const g = tf.mul(tf.sigmoid(gate), tf.tanh(filt));
      const out = this.p(`res${i}.out.w`), outB = this.p(`res${i}.out.b`);
      x = tf.mul(tf.add(x, tf.add(tf.matMul(g, tf.slice(out, [0, 0], [C, C])), tf.slice(outB, [0], [C]))), Math.SQRT1_2);
      gates.push(g);
    }
    // Σ_i skip_i = [g_0 … g_{R−1}] · [W_skip,0; …] + Σ b_skip,i, one product.
    const skipW = tf.concat(Array.from({ length: R }, (_, i) => tf.slice(this.p(`res${i}.out.w`), [0, C], [C, C])), 0);
    const skipB = tf.addN(Array.from({ length: R }, (_, i) => tf.slice(this.p(`res${i}.out.b`), [C], [C])));
    const skip = tf.mul(tf.add(tf.matMul(R > 1 ? tf.concat(gates, 1) : gates[0], skipW), skipB), 1 / Math.sqrt(R));
    const o = tf.relu(this.lin(skip, 'output1'));
    return tf.reshape(this.lin(o, 'output2'), [N]);
  }

  /**
   * The reference's `calc_loss` for given draws: Σ ((ε − ε̂)·target)² / max(Σ target, 1), with
   * `noise` ε [B·K·L], `target` the 0/1 mask of the hidden observed entries (observed − conditional)
   * and `count` its sum.
   */
  loss(input: Tensor, t: Tensor, side: CSDISide, noise: Tensor, target: Tensor, count: number, drop?: CSDIDropout): tf.Scalar {
    const r = tf.mul(tf.sub(noise, this.predict(input, t, side, drop)), target);
    return tf.div(tf.sum(tf.square(r)), Math.max(count, 1)) as tf.Scalar;
  }

  /** Frees the constant tables (not the parameters, which the store owns). */
  dispose(): void {
    for (const t of [this.stepTable, this.headSum, this.headSpread, ...this.timeTables.values()]) t.dispose();
    this.timeTables.clear();
  }
}
