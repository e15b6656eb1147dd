/**
 * A character-level GPT: a decoder-only Transformer (Vaswani et al. 2017, "Attention is all you
 * need") in the GPT-2 arrangement (Radford et al. 2019) as Karpathy's nanoGPT writes it — token and
 * learned position embeddings, pre-norm blocks of causal multi-head self-attention and a GELU MLP,
 * a final LayerNorm, and an output head that shares its weights with the token embedding (Press &
 * Wolf 2017). Trained by AdamW with linear warm-up, cosine decay and gradient clipping on random
 * windows of the first 90% of a text; the loss on the held-out last 10% is reported in nats per
 * character. Generation samples on the host with ardiff's seeded RNG and keeps a key/value cache,
 * so each new token costs one position's forward pass.
 *
 * Shapes: B batch, T positions (≤ blockSize), C = dModel, H heads of size D = C / H, V vocabulary.
 * The tensor ops with hand-written gradients (linear, layerNorm, gelu, embedding, crossEntropy)
 * are in ./ops/.
 *
 * @example
 * await initEngine();
 * const gpt = trainGPT(text, { preset: 'small', seed: 1 });
 * gpt.generate('ROMEO:', { tokens: 300, temperature: 0.8, rng: createRng(1) });
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { checkBudget, checkPositiveInt } from '../core/validate.js';
import { createRng, type Rng } from '../core/rng.js';
import { requireEngine, withHeapGuard } from './engine/init.js';
import { tf, type Tensor } from './engine/tf.js';
import { crossEntropy, hostCrossEntropy } from './ops/cross-entropy.js';
import { embedding } from './ops/embedding.js';
import { checkTextModelConfig, initTextModelParams, readTextModelFile, trunk, trunkLayerNorm, trunkLinear, trunkMlp, trunkShapes } from './transformer.js';
import { AdamW, trainStep, warmupCosine } from './optim.js';
import { ParamStore, type ParamJSON } from './params.js';
import { buildTokenizer, CharTokenizer, type TokenizerJSON, type UnknownChars } from './tokenizer.js';

/** Version of the model file format written by {@link GPT.toJSON}; {@link gptFromJSON} reads only this one. */
export const GPT_FORMAT_VERSION = 1;

/** Architecture. */
export interface GPTConfig {
  readonly vocabSize: number;
  readonly nLayer: number;
  readonly nHead: number;
  /** Width of the residual stream (C); a multiple of nHead. */
  readonly dModel: number;
  /** Longest context (number of learned positions). */
  readonly blockSize: number;
}

/** Optimisation settings (a preset fills those not given). */
export interface GPTTrainSettings {
  batchSize: number;
  steps: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warm-up steps. */
  warmup: number;
  /** Final learning rate as a fraction of the peak (cosine decay floor). */
  minLrRatio: number;
  weightDecay: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  beta2: number;
  /** Run a (sub-sampled) evaluation every this many steps; 0: only at the end. */
  evalEvery: number;
  /** Tokens per split in the periodic evaluations (the final one reads up to `finalEvalTokens`). */
  evalTokens: number;
  /** Held-out tokens scored by the final evaluation (all of them when fewer), and as many training tokens. */
  finalEvalTokens: number;
}

export type GPTPresetName = 'tiny' | 'small';

/**
 * `tiny`: one block of width 48 that trains in a few seconds (tests, examples). `small`: two blocks
 * of width 128, four heads, context 64, 2000 steps of 32 windows (4.1M tokens): on tiny
 * Shakespeare it reaches 1.66 nats/char on the held-out 10% (1.47 on the training part), at about
 * 0.6 s a step on one CPU core with the wasm backend — ~21 minutes with the evaluations.
 */
export const GPT_PRESETS: Readonly<Record<GPTPresetName, Omit<GPTConfig, 'vocabSize'> & GPTTrainSettings>> = {
  tiny: {
    nLayer: 1, nHead: 2, dModel: 48, blockSize: 32,
    batchSize: 16, steps: 150, lr: 5e-3, warmup: 20, minLrRatio: 0.1, weightDecay: 0.01, clipNorm: 1, beta2: 0.99,
    evalEvery: 0, evalTokens: 2048, finalEvalTokens: 4096,
  },
  small: {
    nLayer: 2, nHead: 4, dModel: 128, blockSize: 64,
    batchSize: 32, steps: 2000, lr: 3e-3, warmup: 100, minLrRatio: 0.1, weightDecay: 0.1, clipNorm: 1, beta2: 0.99,
    evalEvery: 250, evalTokens: 16384, finalEvalTokens: 1 << 20,
  },
};

export interface GPTStepInfo {
  /** Steps done (1-based). */
  step: number;
  steps: number;
  /** Training loss of this step's batch (nats per token). */
  loss: number;
  /** Learning rate used. */
  lr: number;
}

export interface GPTEvalInfo {
  step: number;
  /** Nats per character on (a sample of) the first 90%. */
  trainLoss: number;
  /** Nats per character on (a sample of) the held-out last 10%. */
  valLoss: number;
}

export interface TrainGPTOptions extends Partial<Omit<GPTConfig, 'vocabSize'>>, Partial<GPTTrainSettings> {
  /** Default 'small'. */
  preset?: GPTPresetName;
  /** Seed of the initial weights and of the batch sampling. Default 0. */
  seed?: number;
  /** Give the vocabulary the 256 byte tokens (any UTF-8 prompt can then be encoded). Default true. */
  byteFallback?: boolean;
  /** With byteFallback: the most frequent characters that get their own token. Default 512. */
  maxChars?: number;
  onStep?: (info: GPTStepInfo) => void;
  onEval?: (info: GPTEvalInfo) => void;
}

/** What training did. Losses in nats per character (per token when every character has a token). */
export interface GPTTrainingReport {
  steps: number;
  trainLoss: number;
  valLoss: number;
  seconds: number;
  /** Per-step batch losses (nats per token). */
  losses: number[];
  evals: GPTEvalInfo[];
  seed: number;
  settings: GPTTrainSettings;
}

export interface GenerateOptions {
  /** Tokens to sample. Default 200. */
  tokens?: number;
  /** Softmax temperature, > 0. Default 1. */
  temperature?: number;
  /** Sample only among the k most probable tokens (integer ≥ 1). */
  topK?: number;
  /** Nucleus sampling (Holtzman et al. 2020): the smallest set with probability ≥ p, p in (0, 1]. */
  topP?: number;
  /** Random numbers for sampling. Default createRng(0). */
  rng?: Rng;
  /** Prompt characters outside the vocabulary: 'error' (default) or spell them in byte tokens. */
  unknown?: UnknownChars;
}

/** Serialised model (`kind: 'gpt'`). */
export interface GPTJSON {
  kind: 'gpt';
  version: number;
  config: GPTConfig;
  tokenizer: TokenizerJSON;
  params: ParamJSON[];
  training?: Omit<GPTTrainingReport, 'losses'> | null;
}

/**
 * Cached keys and values of the positions fed so far (one [H, t, D] pair per block), so a new
 * position attends to the past without recomputing it. Made by {@link GPT.createCache}.
 */
export class KVCache {
  /** Positions cached. */
  length = 0;
  /** @internal */ keys: Tensor[] = [];
  /** @internal */ values: Tensor[] = [];

  dispose(): void {
    for (const t of [...this.keys, ...this.values]) t.dispose();
    this.keys = [];
    this.values = [];
    this.length = 0;
  }
}

function checkConfig(c: GPTConfig): GPTConfig {
  return checkTextModelConfig(c);
}

/** Checks sampling options up front, before any work. */
function checkSampling(o: GenerateOptions): { tokens: number; temperature: number; topK: number | undefined; topP: number | undefined } {
  const tokens = o.tokens ?? 200;
  if (!Number.isInteger(tokens) || tokens < 0) throw new ArgumentError(`tokens must be an integer ≥ 0, got ${tokens}`, 'tokens');
  // Each token is kept as a number and then as text (up to a few bytes): 16 bytes a token.
  checkBudget(tokens, 16, 'tokens', 'tokens');
  const temperature = o.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) throw new ArgumentError(`temperature must be a finite number > 0 (1 samples the model as trained, lower is more conservative), got ${temperature}`, 'temperature');
  const topK = o.topK;
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new ArgumentError(`topK must be an integer ≥ 1 (1 is greedy decoding), got ${topK}`, 'topK');
  const topP = o.topP;
  if (topP !== undefined && (typeof topP !== 'number' || !(topP > 0 && topP <= 1))) throw new ArgumentError(`topP must be in (0, 1] (1 keeps every token), got ${topP}`, 'topP');
  return { tokens, temperature, topK, topP };
}

/**
 * Draws a token id from `logits` (one position, length V): softmax at `temperature`, restricted to
 * the `topK` most probable and then to the nucleus of mass `topP`, by inverse CDF on `rng.uniform()`.
 * Exactly one uniform is used per draw, so a seed fixes the text.
 */
export function sampleLogits(logits: ArrayLike<number>, options: Omit<GenerateOptions, 'tokens' | 'unknown'> = {}, rng: Rng = options.rng ?? createRng(0)): number {
  const { temperature, topK, topP } = checkSampling({ ...options, tokens: 0 });
  const V = logits.length;
  // Ids by decreasing logit (stable: ties keep the lower id first).
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const keep = Math.min(V, topK ?? V);
  const max = logits[order[0]];
  const p = new Float64Array(keep);
  let z = 0;
  for (let r = 0; r < keep; r++) z += p[r] = Math.exp((logits[order[r]] - max) / temperature);
  let n = keep;
  if (topP !== undefined && topP < 1) {
    // Smallest prefix of the sorted distribution whose probability reaches topP.
    let c = 0;
    for (n = 0; n < keep; ) { c += p[n++] / z; if (c >= topP) break; }
  }
  let mass = 0;
  for (let r = 0; r < n; r++) mass += p[r];
  let u = rng.uniform() * mass;
  for (let r = 0; r < n; r++) { u -= p[r]; if (u < 0) return order[r]; }
  return order[n - 1];
}

/** A trained (or restored) character-level GPT. Call {@link GPT.dispose} to free its tensors. */
export class GPT {
  readonly kind = 'gpt';
  readonly config: GPTConfig;
  readonly tokenizer: CharTokenizer;
  readonly params: ParamStore;
  training: GPTTrainingReport | undefined;
  /** Causal masks by length, [T, T] with −1e9 above the diagonal; kept across calls. */
  private readonly masks = new Map<number, Tensor>();

  /** Use {@link trainGPT}, {@link gptFromJSON} or {@link GPT.create}. */
  constructor(config: GPTConfig, tokenizer: CharTokenizer, params: ParamStore) {
    this.config = checkConfig(config);
    if (tokenizer.vocabSize !== config.vocabSize) throw new ArgumentError(`GPT: the tokenizer has ${tokenizer.vocabSize} tokens, the config says vocabSize ${config.vocabSize}`, 'vocabSize');
    this.tokenizer = tokenizer;
    this.params = params;
  }

  /** Parameter name → shape for `config` (nanoGPT's names). */
  static shapes(config: GPTConfig): Map<string, number[]> {
    const { vocabSize: V, dModel: C, blockSize } = config;
    return trunkShapes(config, new Map<string, number[]>([['wte', [V, C]], ['wpe', [blockSize, C]]]));
  }

  /**
   * A freshly initialised model, as GPT-2/nanoGPT: weights N(0, 0.02²), the projections into the
   * residual stream N(0, (0.02/√(2·nLayer))²) so the stream's variance does not grow with depth,
   * biases 0, LayerNorm gains 1.
   */
  static create(config: GPTConfig, tokenizer: CharTokenizer, rng: Rng): GPT {
    requireEngine('GPT');
    const c = checkConfig(config);
    return new GPT(c, tokenizer, initTextModelParams(GPT.shapes(c), c.nLayer, rng));
  }

  private p(name: string): Tensor {
    return this.params.get(name);
  }

  private mask(T: number): Tensor {
    let m = this.masks.get(T);
    if (!m) {
      const v = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) v[i * T + j] = -1e9;
      m = tf.keep(tf.tensor2d(v, [T, T]));
      this.masks.set(T, m);
    }
    return m;
  }

  private layerNorm(x: Tensor, name: string): Tensor {
    return trunkLayerNorm(this.lookup, x, name);
  }

  private linear(x: Tensor, name: string): Tensor {
    return trunkLinear(this.lookup, x, name);
  }

  private readonly lookup = (name: string): Tensor => this.p(name);

  /** The final (layer-normed) states [B·T, C] of every position of `ids` (B rows of T), attending only to the past. */
  private states(ids: Int32Array, B: number, T: number): Tensor {
    const C = this.config.dModel;
    const tok = embedding(this.p('wte'), ids); //                                [B·T, C]
    const pos = tf.slice(this.p('wpe'), [0, 0], [T, C]); //                       [T, C]
    const x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [B * T, C]);
    return trunk(this.lookup, this.config, x, B, T, this.mask(T));
  }

  /** Logits [B·T, V] of every position of `ids` (B rows of T), attending only to the past. */
  private forward(ids: Int32Array, B: number, T: number): Tensor {
    // Weight tying: the output head is the token embedding, logits = LN(x) · wteᵀ.
    return tf.matMul(this.states(ids, B, T), this.p('wte'), false, true); //  [B·T, V]
  }

  /**
   * The final states of one sequence, row-major [T × dModel] (what the head reads): the model as a
   * text encoder. T ≤ blockSize.
   */
  hiddenStates(ids: ArrayLike<number>): Float32Array {
    requireEngine('GPT.hiddenStates');
    const T = this.checkIds(ids, 0);
    return withHeapGuard('GPT.hiddenStates', () => tf.tidy(() => this.states(Int32Array.from(ids), 1, T).dataSync() as Float32Array));
  }

  /** Mean cross-entropy (nats per token) of predicting `targets` from `inputs`, both [B·T] ids. */
  loss(inputs: Int32Array, targets: Int32Array, B: number, T: number): tf.Scalar {
    return crossEntropy(this.forward(inputs, B, T), targets);
  }

  /** Summed negative log-likelihood (nats) of `targets` given `inputs`, no gradient (evaluation). */
  nll(inputs: Int32Array, targets: Int32Array, B: number, T: number): number {
    const z = withHeapGuard('GPT.nll', () => tf.tidy(() => this.forward(inputs, B, T).dataSync() as Float32Array));
    return hostCrossEntropy(z, targets, this.config.vocabSize);
  }

  /**
   * Logits of every position of one sequence by the plain forward pass (no cache), row-major
   * [T × V]; T ≤ blockSize. The reference that cached generation must reproduce.
   */
  logits(ids: ArrayLike<number>): Float32Array {
    requireEngine('GPT.logits');
    const T = this.checkIds(ids, 0);
    return withHeapGuard('GPT.logits', () => tf.tidy(() => this.forward(Int32Array.from(ids), 1, T).dataSync() as Float32Array));
  }

  private checkIds(ids: ArrayLike<number>, offset: number): number {
    const T = ids.length;
    if (T < 1) throw new ArgumentError('GPT: give at least one token', 'ids');
    if (offset + T > this.config.blockSize) throw new ArgumentError(`GPT: ${offset + T} positions exceed the context of ${this.config.blockSize}`, 'ids');
    for (let i = 0; i < T; i++) {
      if (!Number.isInteger(ids[i]) || ids[i] < 0 || ids[i] >= this.config.vocabSize) throw new ArgumentError(`GPT: token id ${ids[i]} is outside 0 … ${this.config.vocabSize - 1}`, 'ids');
    }
    return T;
  }

  /** An empty key/value cache for {@link GPT.feed}. */
  createCache(): KVCache {
    return new KVCache();
  }

  /**
   * Runs the next `ids` (t of them) through the model after the `cache.length` positions already
   * in `cache`, appends their keys and values, and returns their logits, row-major [t × V]. With
   * t = 1 this is one position's work: the query of the new position against the cached keys.
   */
  feed(cache: KVCache, ids: ArrayLike<number>): Float32Array {
    requireEngine('GPT.feed');
    const p0 = cache.length;
    const t = this.checkIds(ids, p0);
    const { nLayer, nHead: H, dModel: C } = this.config;
    const D = C / H;
    return withHeapGuard('GPT.feed', () => tf.tidy(() => {
      const tok = embedding(this.p('wte'), Int32Array.from(ids)); //                   [t, C]
      let x = tf.add(tok, tf.slice(this.p('wpe'), [p0, 0], [t, C]));
      // New position i (absolute p0 + i) may see cached positions 0 … p0 + i.
      let mask: Tensor | undefined;
      if (t > 1) {
        const m = new Float32Array(t * (p0 + t));
        for (let i = 0; i < t; i++) for (let j = p0 + i + 1; j < p0 + t; j++) m[i * (p0 + t) + j] = -1e9;
        mask = tf.tensor2d(m, [t, p0 + t]);
      }
      for (let l = 0; l < nLayer; l++) {
        const h = this.layerNorm(x, `h.${l}.ln_1`);
        const qkv = tf.reshape(this.linear(h, `h.${l}.attn.c_attn`), [t, 3 * H, D]);
        const [q, k, v] = tf.unstack(tf.reshape(tf.transpose(qkv, [1, 0, 2]), [3, H, t, D]), 0); // [H, t, D]
        const keys = p0 > 0 ? tf.concat([cache.keys[l], k], 1) : k; //                   [H, p0+t, D]
        const values = p0 > 0 ? tf.concat([cache.values[l], v], 1) : v;
        let scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(D)), keys, false, true); //       [H, t, p0+t]
        if (mask) scores = tf.add(scores, mask);
        const y = tf.matMul(tf.softmax(scores), values); //                              [H, t, D]
        const merged = tf.reshape(tf.transpose(y, [1, 0, 2]), [t, C]);
        x = tf.add(x, this.linear(merged, `h.${l}.attn.c_proj`));
        x = tf.add(x, trunkMlp(this.lookup, this.layerNorm(x, `h.${l}.ln_2`), l));
        if (p0 > 0) { cache.keys[l].dispose(); cache.values[l].dispose(); }
        cache.keys[l] = tf.keep(keys);
        cache.values[l] = tf.keep(values);
      }
      cache.length = p0 + t;
      return tf.matMul(this.layerNorm(x, 'ln_f'), this.p('wte'), false, true).dataSync() as Float32Array;
    }));
  }

  /**
   * Continues `prompt` by `tokens` sampled tokens and returns the continuation (without the prompt).
   * The prompt is fed in one pass (its last blockSize tokens), then each token costs one cached
   * position. Learned positions stop at blockSize, so when the cache is full it is rebuilt from the
   * last blockSize/2 tokens (one batched pass per blockSize/2 new tokens) and sampling goes on.
   * An empty prompt starts from a newline (nanoGPT's convention) or, without one, from token 0.
   */
  generate(prompt: string, options: GenerateOptions = {}): string {
    requireEngine('GPT.generate');
    const { tokens } = checkSampling(options);
    if (typeof prompt !== 'string') throw new ArgumentError('prompt must be a string', 'prompt');
    const rng = options.rng ?? createRng(0);
    const { blockSize, vocabSize: V } = this.config;
    let context = Array.from(this.tokenizer.encode(prompt, { unknown: options.unknown ?? 'error', argument: 'prompt' }));
    if (context.length === 0) context = [this.tokenizer.has('\n') ? this.tokenizer.encode('\n')[0] : 0];
    if (tokens === 0) return '';
    const out: number[] = [];
    const cache = this.createCache();
    try {
      let window = context.slice(-blockSize);
      let logits = this.feed(cache, window);
      let last = logits.subarray(logits.length - V);
      for (let n = 0; n < tokens; n++) {
        const id = sampleLogits(last, options, rng);
        out.push(id);
        if (n === tokens - 1) break;
        window.push(id);
        if (cache.length === blockSize) {
          cache.dispose();
          window = window.slice(-Math.max(1, Math.floor(blockSize / 2)));
          logits = this.feed(cache, window);
        } else {
          logits = this.feed(cache, [id]);
        }
        last = logits.subarray(logits.length - V);
      }
    } finally {
      cache.dispose();
    }
    return this.tokenizer.decode(out);
  }

  /**
   * `text` with every `maskChar` (default '_') replaced by a sampled character, left to right: each
   * blank is drawn given the text before it (the last blockSize tokens, blanks already filled) — a
   * causal model never sees what follows a blank. One forward pass per blank.
   */
  infill(text: string, options: Omit<GenerateOptions, 'tokens'> & { maskChar?: string } = {}): string {
    requireEngine('GPT.infill');
    checkSampling({ ...options, tokens: 0 });
    const rng = options.rng ?? createRng(0);
    const ids = this.tokenizer.encodeBlanks(text, -1, options);
    const V = this.config.vocabSize;
    const start = this.tokenizer.has('\n') ? this.tokenizer.encode('\n')[0] : 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== -1) continue;
      // A blank at the very start is drawn after the start token (as generation from an empty prompt).
      const context = i === 0 ? [start] : Array.from(ids.subarray(Math.max(0, i - this.config.blockSize), i));
      const logits = this.logits(context);
      ids[i] = sampleLogits(logits.subarray(logits.length - V), options, rng);
    }
    return this.tokenizer.decode(ids);
  }

  /** Total number of weights. */
  parameterCount(): number {
    return this.params.count();
  }

  summary(): string {
    const c = this.config;
    const tk = this.tokenizer;
    const lines = [
      'Character-level GPT (decoder-only Transformer, pre-norm, GELU MLP, tied output head)',
      `  layers ${c.nLayer}   heads ${c.nHead}   d_model ${c.dModel}   context ${c.blockSize}   parameters ${this.parameterCount().toLocaleString('en-US')}`,
      `  vocabulary ${c.vocabSize}: ${tk.chars.length} characters${tk.byteFallback ? ' + 256 byte tokens' : ''}`,
    ];
    const r = this.training;
    if (r) {
      lines.push(`  trained ${r.steps} steps (batch ${r.settings.batchSize}, peak lr ${r.settings.lr}, seed ${r.seed}) in ${r.seconds.toFixed(1)} s`);
      lines.push(`  loss (nats/char): train ${r.trainLoss.toFixed(4)}   validation (last 10%) ${r.valLoss.toFixed(4)}   ln(V) = ${Math.log(c.vocabSize).toFixed(4)}`);
    }
    return lines.join('\n');
  }

  toJSON(): GPTJSON {
    const training = this.training ? (({ losses: _losses, ...rest }) => rest)(this.training) : null;
    return { kind: 'gpt', version: GPT_FORMAT_VERSION, config: { ...this.config }, tokenizer: this.tokenizer.toJSON(), params: this.params.toJSON(), training };
  }

  /** Frees the weights and the cached masks. */
  dispose(): void {
    this.params.dispose();
    for (const m of this.masks.values()) m.dispose();
    this.masks.clear();
  }
}

/** Restores a model saved by {@link GPT.toJSON}; a corrupt or other-version file is a {@link DataError}. */
export function gptFromJSON(json: unknown): GPT {
  requireEngine('gptFromJSON');
  const f = readTextModelFile<GPTConfig, Omit<GPTTrainingReport, 'losses'>>(json, {
    kind: 'gpt', version: GPT_FORMAT_VERSION, label: 'GPT', source: 'GPT.toJSON (ardiff train gpt)', command: 'ardiff train gpt',
    shapes: (c) => GPT.shapes(c), lossKeys: ['trainLoss', 'valLoss'],
  });
  const model = new GPT(f.config, f.tokenizer, f.params);
  if (f.training) model.training = { ...f.training, losses: [] };
  return model;
}

/** The model's settings: the preset's, overridden by `options` (shared with the masked diffusion language model). */
export function resolveSettings(options: TrainGPTOptions): { arch: Omit<GPTConfig, 'vocabSize'>; train: GPTTrainSettings } {
  const presetName = options.preset ?? 'small';
  const preset = GPT_PRESETS[presetName];
  if (!preset) throw new ArgumentError(`preset must be 'tiny' or 'small', got '${String(presetName)}'`, 'preset');
  const pick = <K extends keyof typeof preset>(k: K) => (options[k] ?? preset[k]) as (typeof preset)[K];
  const arch = { nLayer: pick('nLayer'), nHead: pick('nHead'), dModel: pick('dModel'), blockSize: pick('blockSize') };
  const train: GPTTrainSettings = {
    batchSize: pick('batchSize'), steps: pick('steps'), lr: pick('lr'), warmup: pick('warmup'), minLrRatio: pick('minLrRatio'),
    weightDecay: pick('weightDecay'), clipNorm: pick('clipNorm'), beta2: pick('beta2'), evalEvery: pick('evalEvery'),
    evalTokens: pick('evalTokens'), finalEvalTokens: pick('finalEvalTokens'),
  };
  for (const k of ['batchSize', 'steps', 'evalTokens', 'finalEvalTokens'] as const) checkPositiveInt(train[k], k);
  // Each step's loss is kept (the report's `losses`): an absurd step count is refused up front.
  checkBudget(train.steps, 8, 'steps', 'training steps (a recorded loss each)');
  for (const k of ['warmup', 'evalEvery'] as const) if (!Number.isInteger(train[k]) || train[k] < 0) throw new ArgumentError(`${k} must be an integer ≥ 0, got ${train[k]}`, k);
  for (const k of ['lr', 'clipNorm'] as const) if (!(train[k] > 0)) throw new ArgumentError(`${k} must be > 0, got ${train[k]}`, k);
  if (!(train.minLrRatio >= 0 && train.minLrRatio <= 1)) throw new ArgumentError(`minLrRatio must be in [0, 1], got ${train.minLrRatio}`, 'minLrRatio');
  if (!(train.beta2 > 0 && train.beta2 < 1)) throw new ArgumentError(`beta2 must be in (0, 1), got ${train.beta2}`, 'beta2');
  return { arch, train };
}

/**
 * Mean negative log-likelihood (nats per token) of `tokens` under the model, on up to `maxTokens`
 * predictions: windows of blockSize + 1 tokens spread evenly over the sequence (all of it when it
 * is short enough), each scoring its blockSize next-token predictions, as nanoGPT's estimate does.
 */
export function evaluateGPT(model: GPT, tokens: Int32Array, maxTokens = Infinity, batchSize = 32): number {
  requireEngine('evaluateGPT');
  const T = Math.min(model.config.blockSize, tokens.length - 1);
  if (T < 1) throw new DataError('evaluation text needs at least 2 tokens', 'text');
  const available = Math.floor((tokens.length - 1) / T);
  const nWindows = Math.max(1, Math.min(available, Math.floor(maxTokens / T)));
  // Evenly spaced starts over the whole sequence (stride T when every window is used).
  const span = tokens.length - 1 - T;
  const starts = Array.from({ length: nWindows }, (_, w) => (nWindows === 1 ? 0 : Math.round((w * span) / (nWindows - 1))));
  let total = 0;
  for (let b0 = 0; b0 < nWindows; b0 += batchSize) {
    const B = Math.min(batchSize, nWindows - b0);
    const x = new Int32Array(B * T), y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = starts[b0 + b];
      x.set(tokens.subarray(s, s + T), b * T);
      y.set(tokens.subarray(s + 1, s + T + 1), b * T);
    }
    total += model.nll(x, y, B, T);
  }
  return total / (nWindows * T);
}

/** A training text tokenised and split: the first 90% for training, the last 10% held out. */
export interface SplitText {
  tokenizer: CharTokenizer;
  trainTokens: Int32Array;
  valTokens: Int32Array;
  /** Tokens per character of each part (nats per token × this = nats per character). */
  trainPerChar: number;
  valPerChar: number;
}

/**
 * The vocabulary from the whole text, then the text split on characters (code points) at 90% and
 * each part tokenised (rare characters as bytes). DataErrors when the training part is shorter than
 * a context of `blockSize` + 2 tokens or the held-out part has fewer than 2.
 */
export function splitText(text: string, blockSize: number, options: { byteFallback?: boolean; maxChars?: number } = {}): SplitText {
  const tokenizer = buildTokenizer(text, { byteFallback: options.byteFallback, maxChars: options.maxChars });
  const chars = [...text];
  const cut = Math.floor(chars.length * 0.9);
  const trainText = chars.slice(0, cut).join(''), valText = chars.slice(cut).join('');
  const trainTokens = tokenizer.encode(trainText, { unknown: tokenizer.byteFallback ? 'bytes' : 'error' });
  const valTokens = tokenizer.encode(valText, { unknown: tokenizer.byteFallback ? 'bytes' : 'error' });
  const T = blockSize;
  if (trainTokens.length < T + 2) {
    throw new DataError(`the training text is too short: its first 90% has ${trainTokens.length} tokens and a context of ${T} needs at least ${T + 2}; give a longer text or a smaller blockSize`, 'text');
  }
  if (valTokens.length < 2) throw new DataError(`the text's last 10% (held out for validation) has ${valTokens.length} token(s); give a longer text`, 'text');
  // Nats per token → nats per character (the same when every character has its own token).
  return { tokenizer, trainTokens, valTokens, trainPerChar: trainTokens.length / countChars(trainText), valPerChar: valTokens.length / countChars(valText) };
}

function countChars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Trains a character-level GPT on `text`: the vocabulary comes from the whole text, training
 * windows from its first 90%, validation loss from the last 10%. Call `await initEngine()` first.
 */
export function trainGPT(text: string, options: TrainGPTOptions = {}): GPT {
  requireEngine('trainGPT');
  if (typeof text !== 'string') throw new ArgumentError('trainGPT: text must be a string', 'text');
  if (text.length === 0) throw new DataError('the training text is empty; give a text file with some characters in it', 'text');
  const { arch, train } = resolveSettings(options);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number, got ${seed}`, 'seed');
  const { tokenizer, trainTokens, valTokens, trainPerChar, valPerChar } = splitText(text, arch.blockSize, options);
  const T = arch.blockSize;

  const rng = createRng(seed);
  const model = GPT.create({ vocabSize: tokenizer.vocabSize, ...arch }, tokenizer, rng);
  const opt = new AdamW(model.params, { lr: train.lr, beta2: train.beta2, weightDecay: train.weightDecay });
  const { batchSize: B, steps } = train;
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  const losses: number[] = [];
  const evals: GPTEvalInfo[] = [];
  // The training part is scored on as many tokens as the held-out part, spread over all of it.
  const evaluate = (step: number, maxTokens: number): GPTEvalInfo => ({
    step,
    trainLoss: evaluateGPT(model, trainTokens, Math.min(maxTokens, valTokens.length)) * trainPerChar,
    valLoss: evaluateGPT(model, valTokens, maxTokens) * valPerChar,
  });
  const t0 = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      // B random windows of T + 1 tokens from the training part.
      for (let b = 0; b < B; b++) {
        const s = Math.floor(rng.uniform() * (trainTokens.length - T));
        x.set(trainTokens.subarray(s, s + T), b * T);
        y.set(trainTokens.subarray(s + 1, s + T + 1), b * T);
      }
      const lrScale = warmupCosine(step, train.warmup, steps, train.minLrRatio);
      const { loss } = withHeapGuard('trainGPT', () => trainStep(model.params, opt, () => model.loss(x, y, B, T), { clipNorm: train.clipNorm, lrScale }));
      losses.push(loss);
      options.onStep?.({ step: step + 1, steps, loss, lr: train.lr * lrScale });
      if (train.evalEvery > 0 && (step + 1) % train.evalEvery === 0 && step + 1 < steps) {
        const e = evaluate(step + 1, train.evalTokens);
        evals.push(e);
        options.onEval?.(e);
      }
    }
    const final = evaluate(steps, train.finalEvalTokens);
    evals.push(final);
    options.onEval?.(final);
    model.training = { steps, trainLoss: final.trainLoss, valLoss: final.valLoss, seconds: (performance.now() - t0) / 1000, losses, evals, seed, settings: train };
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    opt.dispose();
  }
}
