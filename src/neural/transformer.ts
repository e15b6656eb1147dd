/**
 * The Transformer trunk shared by the character GPT (causal) and the masked diffusion language
 * model (bidirectional): pre-norm blocks of multi-head self-attention and a GELU MLP in the GPT-2
 * arrangement (Radford et al. 2019; nanoGPT's parameter names), over B sequences of T positions.
 *
 * Shapes: B batch, T positions, C = dModel, H heads of size D = C / H.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkPositiveInt } from '../core/validate.js';
import { tf, type Tensor } from './engine/tf.js';
import { ParamStore, type ParamJSON } from './params.js';
import { CharTokenizer } from './tokenizer.js';
import { gelu } from './ops/activations.js';
import { embedding } from './ops/embedding.js';
import { layerNorm } from './ops/layer-norm.js';
import { linear } from './ops/linear.js';

/** The trunk's size. */
export interface TrunkConfig {
  readonly nLayer: number;
  readonly nHead: number;
  readonly dModel: number;
}

/** Parameter name → shape of the blocks `h.0.` … and the final LayerNorm `ln_f` (nanoGPT's names). */
export function trunkShapes(config: TrunkConfig, into = new Map<string, number[]>()): Map<string, number[]> {
  const { nLayer, dModel: C } = config;
  for (let l = 0; l < nLayer; l++) {
    const p = `h.${l}.`;
    into.set(`${p}ln_1.g`, [C]).set(`${p}ln_1.b`, [C]);
    into.set(`${p}attn.c_attn.w`, [C, 3 * C]).set(`${p}attn.c_attn.b`, [3 * C]);
    into.set(`${p}attn.c_proj.w`, [C, C]).set(`${p}attn.c_proj.b`, [C]);
    into.set(`${p}ln_2.g`, [C]).set(`${p}ln_2.b`, [C]);
    into.set(`${p}mlp.c_fc.w`, [C, 4 * C]).set(`${p}mlp.c_fc.b`, [4 * C]);
    into.set(`${p}mlp.c_proj.w`, [4 * C, C]).set(`${p}mlp.c_proj.b`, [C]);
  }
  return into.set('ln_f.g', [C]).set('ln_f.b', [C]);
}

/** Looks a parameter up by name. */
export type ParamLookup = (name: string) => Tensor;

export function trunkLayerNorm(p: ParamLookup, x: Tensor, name: string): Tensor {
  return layerNorm(x, p(`${name}.g`), p(`${name}.b`));
}

export function trunkLinear(p: ParamLookup, x: Tensor, name: string): Tensor {
  return linear(x, p(`${name}.w`), p(`${name}.b`));
}

/** MLP of block l: C → 4C → GELU → C. x [N, C]. */
export function trunkMlp(p: ParamLookup, x: Tensor, l: number): Tensor {
  return trunkLinear(p, gelu(trunkLinear(p, x, `h.${l}.mlp.c_fc`)), `h.${l}.mlp.c_proj`);
}

/**
 * Multi-head self-attention of block l over B sequences of T positions, x [B·T, C] → [B·T, C]:
 * softmax(Q Kᵀ/√D + M) V per head (Vaswani et al. 2017, eq. 1). M: the additive mask [T, T]
 * (−1e9 above the diagonal for a causal model), or none (every position sees every other).
 */
export function trunkAttention(p: ParamLookup, config: TrunkConfig, x: Tensor, l: number, B: number, T: number, mask: Tensor | null, relative?: RelativeBias): Tensor {
  const { nHead: H, dModel: C } = config;
  const D = C / H;
  const qkv = trunkLinear(p, x, `h.${l}.attn.c_attn`); //                        [B·T, 3C]
  // [B, T, 3, H, D] → [B, 3, H, T, D] would need a slow 5-D transpose; the 4-D one is fast.
  const heads = tf.transpose(tf.reshape(qkv, [B, T, 3 * H, D]), [0, 2, 1, 3]); // [B, 3H, T, D]
  const [q, k, v] = tf.unstack(tf.reshape(heads, [B, 3, H, T, D]), 1).map((t) => tf.reshape(t, [B * H, T, D]));
  let scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(D)), k, false, true); //        [B·H, T, T]
  if (mask) scores = tf.add(scores, mask);
  if (relative) {
    // b[h, j − i] per head and offset (T5's relative bias without buckets): [2L − 1, H] rows by offset.
    const bias = tf.reshape(tf.transpose(embedding(p(`h.${l}.attn.rel_b`), relative.offsets(T))), [1, H, T, T]);
    scores = tf.reshape(tf.add(tf.reshape(scores, [B, H, T, T]), bias), [B * H, T, T]);
  }
  const y = tf.matMul(tf.softmax(scores), v); //                                [B·H, T, D]
  const merged = tf.reshape(tf.transpose(tf.reshape(y, [B, H, T, D]), [0, 2, 1, 3]), [B * T, C]);
  return trunkLinear(p, merged, `h.${l}.attn.c_proj`);
}

/**
 * A learned relative-position bias of the attention scores (Shaw et al. 2018; Raffel et al. 2020,
 * T5, without buckets): one scalar per head and offset j − i, parameter `h.l.attn.rel_b`
 * [2·blockSize − 1, H], initialised at 0. Its gradient is first order, so a bidirectional model
 * learns to look at its neighbours at once (with absolute positions alone, a masked position has no
 * content to query with and the pattern emerges only after a long plateau).
 */
export class RelativeBias {
  private readonly cache = new Map<number, Int32Array>();
  constructor(readonly blockSize: number) {}

  /** Row index (j − i) + blockSize − 1 of every pair (i, j) of T positions, row-major. */
  offsets(T: number): Int32Array {
    let o = this.cache.get(T);
    if (!o) {
      o = new Int32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) o[i * T + j] = j - i + this.blockSize - 1;
      this.cache.set(T, o);
    }
    return o;
  }
}

/** Shapes of the relative biases of every block (for {@link RelativeBias}). */
export function relativeBiasShapes(config: TrunkConfig & { blockSize: number }, into: Map<string, number[]>): Map<string, number[]> {
  for (let l = 0; l < config.nLayer; l++) into.set(`h.${l}.attn.rel_b`, [2 * config.blockSize - 1, config.nHead]);
  return into;
}

/** The blocks and the final LayerNorm: x [B·T, C] (embeddings) → normalised states [B·T, C]. */
export function trunk(p: ParamLookup, config: TrunkConfig, x: Tensor, B: number, T: number, mask: Tensor | null, relative?: RelativeBias): Tensor {
  for (let l = 0; l < config.nLayer; l++) {
    x = tf.add(x, trunkAttention(p, config, trunkLayerNorm(p, x, `h.${l}.ln_1`), l, B, T, mask, relative)); // pre-norm residual blocks
    x = tf.add(x, trunkMlp(p, trunkLayerNorm(p, x, `h.${l}.ln_2`), l));
  }
  return trunkLayerNorm(p, x, 'ln_f');
}

/** The size of a character model on the trunk (the GPT, the masked diffusion language model). */
export interface TextModelConfig extends TrunkConfig {
  readonly vocabSize: number;
  /** Longest context (number of learned positions). */
  readonly blockSize: number;
}

/** A checked copy of a character model's size (positive integers, dModel a multiple of nHead). */
export function checkTextModelConfig(c: TextModelConfig): TextModelConfig {
  for (const k of ['vocabSize', 'nLayer', 'nHead', 'dModel', 'blockSize'] as const) checkPositiveInt(c[k], k);
  if (c.dModel % c.nHead !== 0) throw new ArgumentError(`dModel (${c.dModel}) must be a multiple of nHead (${c.nHead})`, 'dModel');
  return { vocabSize: c.vocabSize, nLayer: c.nLayer, nHead: c.nHead, dModel: c.dModel, blockSize: c.blockSize };
}

/**
 * Fresh weights as GPT-2/nanoGPT initialise them: N(0, 0.02²), the projections into the residual
 * stream N(0, (0.02/√(2·nLayer))²) so the stream's variance does not grow with depth, biases 0,
 * LayerNorm gains 1; a parameter named in `fixed` takes those values (drawing nothing).
 */
export function initTextModelParams(shapes: ReadonlyMap<string, number[]>, nLayer: number, rng: Rng, fixed: ReadonlyMap<string, Float32Array> = new Map()): ParamStore {
  const params = new ParamStore();
  const residualStd = 0.02 / Math.sqrt(2 * nLayer);
  for (const [name, shape] of shapes) {
    const last = name.slice(name.lastIndexOf('.') + 1);
    const values = fixed.get(name);
    if (values) params.set(name, shape, values);
    else if (name.endsWith('.g')) params.add(name, shape, { ones: true }, rng);
    else if (last === 'b') params.add(name, shape, { zeros: true }, rng);
    else params.add(name, shape, { normal: name.endsWith('c_proj.w') ? residualStd : 0.02 }, rng);
  }
  return params;
}

/** What distinguishes one character model's file from another's, for {@link readTextModelFile}. */
export interface TextModelFileSpec<C extends TextModelConfig> {
  kind: string;
  version: number;
  /** The model's name in messages ('GPT'). */
  label: string;
  /** Where its files come from ('GPT.toJSON (ardiff train gpt)'). */
  source: string;
  /** The command that trains one ('ardiff train gpt'). */
  command: string;
  shapes: (config: C) => Map<string, number[]>;
  /** The training report's loss fields, checked finite with steps and seconds. */
  lossKeys: readonly [string, string];
}

/**
 * The checked parts of a saved character model (`kind`, `version`, `config`, `tokenizer`,
 * `params`, optional `training`): DataErrors (argument 'model') for anything else, the file's
 * weights freed when its training report is malformed.
 */
export function readTextModelFile<C extends TextModelConfig, T extends object>(json: unknown, spec: TextModelFileSpec<C>): { config: C; tokenizer: CharTokenizer; params: ParamStore; training: T | null } {
  const j = json as { kind?: unknown; version?: unknown; config?: unknown; tokenizer?: unknown; params?: unknown; training?: unknown } | null;
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new DataError(`model file: expected a JSON object saved by ${spec.source}`, 'model');
  if (j.kind !== spec.kind) throw new DataError(`model file: kind is ${JSON.stringify(j.kind ?? null)}, expected "${spec.kind}"; this is not a ${spec.label} model file`, 'model');
  if (j.version !== spec.version) {
    throw new DataError(`model file: format version ${JSON.stringify(j.version ?? null)}, this ardiff reads ${spec.label} model files of version ${spec.version}; retrain the model with this version (${spec.command})`, 'model');
  }
  let config: C;
  try {
    config = checkTextModelConfig(j.config as C) as C;
  } catch (e) {
    throw new DataError(`model file: bad "config" (${(e as Error).message}); the file is corrupt`, 'model');
  }
  const tokenizer = CharTokenizer.fromJSON(j.tokenizer);
  if (tokenizer.vocabSize !== config.vocabSize) throw new DataError(`model file: the tokenizer has ${tokenizer.vocabSize} tokens but config.vocabSize is ${config.vocabSize}; the file is corrupt`, 'model');
  const params = ParamStore.fromJSON(j.params as ParamJSON[], spec.shapes(config));
  if (j.training === undefined || j.training === null) return { config, tokenizer, params, training: null };
  const t = j.training as Record<string, unknown>;
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (typeof t !== 'object' || !['steps', ...spec.lossKeys, 'seconds'].every((k) => finite(t[k])) || typeof t.settings !== 'object' || t.settings === null) {
    params.dispose();
    throw new DataError(`model file: "training" must hold the training report {steps, ${spec.lossKeys.join(', ')}, seconds, settings, …}; the file is corrupt`, 'model');
  }
  return { config, tokenizer, params, training: t as T };
}
