/**
 * A character-level masked diffusion language model: the absorbing-state discrete diffusion of
 * D3PM (Austin et al. 2021) in the continuous-time form of MDLM (Sahoo et al. 2024, "Simple and
 * Effective Masked Diffusion Language Models"), with the GPT's Transformer blocks without the
 * causal mask (./neural/transformer.ts), a [MASK] token and learned positions.
 *
 * Forward process, linear schedule α_t = 1 − t (t ∈ [0, 1]): each token of x is replaced by [MASK]
 * independently with probability t, giving z_t. The model x_θ(z_t) predicts, at every masked
 * position, a distribution over the V real tokens (the [MASK] logit is never produced: MDLM's
 * "zero masking"; unmasked tokens are carried over).
 *
 * 1. Loss (MDLM eq. 10 with α'_t = −1): the negative ELBO per token
 *      L = E_{t ~ U(0, 1)} E_{z_t} [ (1/t) · (1/T) Σ_{i: z_t,i = MASK} −log x_θ(z_t)_i[x_i] ],
 *    an upper bound on the negative log-likelihood in nats per token. Estimated by conditioning on
 *    the number k of masked tokens: under t ~ U(0, 1) with independent masks, k is uniform on
 *    0…T, the masked set is a uniform k-subset, and E[1/t | k] = (T + 1)/k, so
 *      L = E_{k ~ U{1…T}} E_{|S| = k} [ (1/k) Σ_{i ∈ S} −log x_θ(z_S)_i[x_i] ]
 *    (the any-order autoregressive form of the same bound: Hoogeboom et al. 2022; Ou et al. 2024,
 *    "λ-DCE"). It has the same mean as MDLM's estimator without its 1/t weights (which reach 10³
 *    at MDLM's ε = 10⁻³ and stall training at this size); k is drawn stratified over a batch.
 * 2. Sampling (MDLM §3.2, ancestral): start from all [MASK]; on the grid t_k = k/K, step k → k − 1
 *    unmasks each still-masked position with probability (t_k − t_{k−1})/t_k = 1/k, drawing its token
 *    from x_θ(z_{t_k}) (softmax at `temperature`, optionally top-k/top-p); after K steps none is left.
 *    Each step is one forward pass over the whole sequence, so K steps cost K passes whatever the
 *    length (the GPT needs one per token).
 * 3. Infilling: the given characters are never masked, the blanks start masked, and the same sampler
 *    fills them — the model sees both sides of a blank.
 *
 * @example
 * await initEngine();
 * const m = trainTextDiffusion(text, { preset: 'small', seed: 1 });
 * m.infill('To be, or ______ to be', { rng: createRng(1) });
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkPositiveInt } from '../core/validate.js';
import { requireEngine, withHeapGuard } from '../neural/engine/init.js';
import { tf, type Tensor } from '../neural/engine/tf.js';
import { sampleLogits, resolveSettings, splitText, type GPTPresetName, type GPTTrainSettings, type TrainGPTOptions } from '../neural/gpt.js';
import { embedding } from '../neural/ops/embedding.js';
import { hostWeightedCrossEntropy, logSoftmaxAt, weightedCrossEntropy } from '../neural/ops/cross-entropy.js';
import { AdamW, trainStep, warmupCosine } from '../neural/optim.js';
import { ParamStore, type ParamJSON } from '../neural/params.js';
import { CharTokenizer, type TokenizerJSON, type UnknownChars } from '../neural/tokenizer.js';
import { RelativeBias, checkTextModelConfig, initTextModelParams, readTextModelFile, relativeBiasShapes, trunk, trunkShapes, type TextModelConfig } from '../neural/transformer.js';

/** Version of the model file format written by {@link TextDiffusion.toJSON}. */
export const TEXT_DIFFUSION_FORMAT_VERSION = 1;

/** Architecture: the GPT's, read as a bidirectional model (V real tokens; [MASK] is token V). */
export type TextDiffusionConfig = TextModelConfig;

/** Training options: the GPT's (presets, sizes, optimiser), so both families train alike. */
export interface TrainTextDiffusionOptions extends TrainGPTOptions {
  /** Masks drawn per held-out window in the final ELBO estimate. Default 4. */
  evalSamples?: number;
}

/** What training did. Losses are negative ELBOs in nats per character (upper bounds on the NLL). */
export interface TextDiffusionTrainingReport {
  steps: number;
  trainElbo: number;
  valElbo: number;
  seconds: number;
  losses: number[];
  seed: number;
  settings: GPTTrainSettings;
}

/** Sampling options. */
export interface TextSampleOptions {
  /** Unmasking steps K (forward passes). Default: the number of positions to fill (one per step on average). */
  steps?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  rng?: Rng;
  /** The character that marks a blank in {@link TextDiffusion.infill}. Default '_'. */
  maskChar?: string;
  /** Given characters outside the vocabulary: 'error' (default) or spell them in byte tokens. */
  unknown?: UnknownChars;
}

/** Serialised model (`kind: 'text-diffusion'`). */
export interface TextDiffusionJSON {
  kind: 'text-diffusion';
  version: number;
  config: TextDiffusionConfig;
  tokenizer: TokenizerJSON;
  params: ParamJSON[];
  training?: Omit<TextDiffusionTrainingReport, 'losses'> | null;
}

/**
 * Start values of a relative bias [2L − 1, H]: −|j − i|·m_h with slopes m_h = 2^(−h) (h = 0 … H−1),
 * ALiBi's form (Press et al. 2022) with steeper slopes for characters, learnt from there. Each head
 * starts by looking at the neighbourhood of its own width, which a masked position (no content of
 * its own to query with) otherwise finds only after a long plateau at the character frequencies.
 */
function localityBias(L: number, H: number): Float32Array {
  const v = new Float32Array((2 * L - 1) * H);
  for (let o = 0; o < 2 * L - 1; o++) for (let h = 0; h < H; h++) v[o * H + h] = -Math.abs(o - (L - 1)) * 2 ** -h;
  return v;
}

/** A trained (or restored) masked diffusion language model. Call {@link TextDiffusion.dispose} to free it. */
export class TextDiffusion {
  readonly kind = 'text-diffusion';
  readonly config: TextDiffusionConfig;
  readonly tokenizer: CharTokenizer;
  readonly params: ParamStore;
  training: TextDiffusionTrainingReport | undefined;

  constructor(config: TextDiffusionConfig, tokenizer: CharTokenizer, params: ParamStore) {
    this.config = checkTextModelConfig(config);
    if (tokenizer.vocabSize !== config.vocabSize) throw new ArgumentError(`TextDiffusion: the tokenizer has ${tokenizer.vocabSize} tokens, the config says vocabSize ${config.vocabSize}`, 'vocabSize');
    this.tokenizer = tokenizer;
    this.params = params;
    this.relative = new RelativeBias(this.config.blockSize);
  }

  /** The id of [MASK] (one past the real tokens). */
  get maskId(): number {
    return this.config.vocabSize;
  }

  /** Parameter name → shape: `wte` [V + 1, C] (the last row is [MASK]), `wpe`, the trunk's. */
  static shapes(config: TextDiffusionConfig): Map<string, number[]> {
    const { vocabSize: V, dModel: C, blockSize } = config;
    return relativeBiasShapes(config, trunkShapes(config, new Map<string, number[]>([['wte', [V + 1, C]], ['wpe', [blockSize, C]]])));
  }

  /** A freshly initialised model (the GPT's initialisation). */
  static create(config: TextDiffusionConfig, tokenizer: CharTokenizer, rng: Rng): TextDiffusion {
    requireEngine('TextDiffusion');
    const c = checkTextModelConfig(config);
    const local = localityBias(c.blockSize, c.nHead);
    const fixed = new Map(Array.from({ length: c.nLayer }, (_, l) => [`h.${l}.attn.rel_b`, local] as const));
    return new TextDiffusion(c, tokenizer, initTextModelParams(TextDiffusion.shapes(c), c.nLayer, rng, fixed));
  }

  private readonly lookup = (name: string): Tensor => this.params.get(name);
  private readonly relative: RelativeBias;

  /** Logits [B·T, V] over the real tokens at every position of `ids` (B rows of T; [MASK] = V). */
  private forward(ids: Int32Array, B: number, T: number): Tensor {
    const { dModel: C, vocabSize: V } = this.config;
    const wte = this.lookup('wte');
    const tok = embedding(wte, ids);
    const pos = tf.slice(this.lookup('wpe'), [0, 0], [T, C]);
    const x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [B * T, C]);
    // Tied head over the V real tokens only: [MASK] is never predicted (zero masking).
    return tf.matMul(trunk(this.lookup, this.config, x, B, T, null, this.relative), tf.slice(wte, [0, 0], [V, C]), false, true);
  }

  /** Σ_i w_i · (−log x_θ(z)_i[x_i]) over B rows of T (the training loss when w is the ELBO weight). */
  loss(z: Int32Array, x: Int32Array, w: Float64Array, B: number, T: number): tf.Scalar {
    return weightedCrossEntropy(this.forward(z, B, T), x, w);
  }

  /** Logits of every position of one sequence (may hold [MASK]), row-major [T × V]; no gradient. */
  logits(ids: ArrayLike<number>): Float32Array {
    requireEngine('TextDiffusion.logits');
    const T = ids.length;
    if (T < 1 || T > this.config.blockSize) throw new ArgumentError(`TextDiffusion: give 1 to ${this.config.blockSize} tokens, got ${T}`, 'ids');
    for (let i = 0; i < T; i++) {
      if (!Number.isInteger(ids[i]) || ids[i] < 0 || ids[i] > this.maskId) throw new ArgumentError(`TextDiffusion: token id ${ids[i]} is outside 0 … ${this.maskId} (the last is [MASK])`, 'ids');
    }
    return withHeapGuard('TextDiffusion.logits', () => tf.tidy(() => this.forward(Int32Array.from(ids), 1, T).dataSync() as Float32Array));
  }

  /** Weighted negative log-likelihood on the host (evaluation). */
  private weightedNll(z: Int32Array, x: Int32Array, w: Float64Array, B: number, T: number): number {
    const logits = withHeapGuard('TextDiffusion.elbo', () => tf.tidy(() => this.forward(z, B, T).dataSync() as Float32Array));
    return hostWeightedCrossEntropy(logits, x, this.config.vocabSize, w);
  }

  /**
   * The negative ELBO in nats per token of `tokens` (an upper bound on the model's NLL), estimated
   * as in step 1 on windows of blockSize tokens spread evenly over the sequence (up to `maxTokens`
   * tokens), `samples` masks per window with stratified numbers of masked tokens. Seeded by `rng`.
   */
  elbo(tokens: Int32Array, options: { maxTokens?: number; samples?: number; rng?: Rng; batchSize?: number } = {}): number {
    requireEngine('TextDiffusion.elbo');
    const rng = options.rng ?? createRng(0);
    const samples = checkPositiveInt(options.samples ?? 4, 'samples');
    const batchSize = options.batchSize ?? 32;
    const T = Math.min(this.config.blockSize, tokens.length);
    if (T < 1) throw new DataError('evaluation text needs at least 1 token', 'text');
    const available = Math.floor(tokens.length / T);
    const nWindows = Math.max(1, Math.min(available, Math.floor((options.maxTokens ?? Infinity) / T)));
    const span = tokens.length - T;
    const starts = Array.from({ length: nWindows }, (_, w) => (nWindows === 1 ? 0 : Math.round((w * span) / (nWindows - 1))));
    const rows = nWindows * samples;
    let total = 0;
    for (let r0 = 0; r0 < rows; r0 += batchSize) {
      const B = Math.min(batchSize, rows - r0);
      const z = new Int32Array(B * T), x = new Int32Array(B * T), w = new Float64Array(B * T);
      for (let b = 0; b < B; b++) {
        const r = r0 + b, s = starts[Math.floor(r / samples)];
        const k = 1 + Math.floor((((r % samples) + rng.uniform()) / samples) * T);
        this.maskRow(tokens.subarray(s, s + T), k, rng, z, x, w, b * T, 1 / k);
      }
      total += this.weightedNll(z, x, w, B, T);
    }
    return total / rows;
  }

  /**
   * Fills row o… of z (`src` with a uniformly random set of k positions masked, by a partial
   * Fisher–Yates shuffle), x (targets) and w (`weight` at the masked positions, 0 elsewhere).
   */
  private maskRow(src: Int32Array, k: number, rng: Rng, z: Int32Array, x: Int32Array, w: Float64Array, o: number, weight: number): void {
    const T = src.length;
    const order = Array.from({ length: T }, (_, i) => i);
    for (let i = 0; i < T; i++) { x[o + i] = src[i]; z[o + i] = src[i]; w[o + i] = 0; }
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng.uniform() * (T - i));
      const p = order[j]; order[j] = order[i]; order[i] = p;
      z[o + p] = this.maskId;
      w[o + p] = weight;
    }
  }

  /**
   * One training batch: B windows with k_b = 1 + ⌊((u + b/B) mod 1)·T⌋ masked tokens (stratified),
   * weights 1/(k_b·B): the loss is the batch's mean negative ELBO per token (step 1).
   */
  batch(windows: readonly Int32Array[], rng: Rng): { z: Int32Array; x: Int32Array; w: Float64Array; B: number; T: number } {
    const B = windows.length, T = windows[0].length;
    const z = new Int32Array(B * T), x = new Int32Array(B * T), w = new Float64Array(B * T);
    const u = rng.uniform();
    for (let b = 0; b < B; b++) {
      const k = 1 + Math.floor(((u + b / B) % 1) * T);
      this.maskRow(windows[b], k, rng, z, x, w, b * T, 1 / (k * B));
    }
    return { z, x, w, B, T };
  }

  /**
   * Step 2's sampler on `ids` (some [MASK]): fills every masked position in `steps` unmasking steps
   * and returns the ids. Positions that are not [MASK] never change.
   */
  unmask(ids: Int32Array, options: TextSampleOptions = {}): Int32Array {
    requireEngine('TextDiffusion.unmask');
    const rng = options.rng ?? createRng(0);
    const masked: number[] = [];
    ids.forEach((v, i) => { if (v === this.maskId) masked.push(i); });
    const K = options.steps ?? Math.max(1, masked.length);
    if (!Number.isInteger(K) || K < 1) throw new ArgumentError(`steps must be an integer ≥ 1 (forward passes of the sampler), got ${K}`, 'steps');
    const V = this.config.vocabSize;
    const z = ids.slice();
    let left = masked;
    for (let k = K; k >= 1 && left.length; k--) {
      // Which masked positions this step reveals (probability 1/k each; all at k = 1).
      const reveal = left.filter(() => k === 1 || rng.uniform() < 1 / k);
      if (!reveal.length) continue;
      const logits = this.logits(z);
      for (const i of reveal) z[i] = sampleLogits(logits.subarray(i * V, (i + 1) * V), options, rng);
      left = left.filter((i) => z[i] === this.maskId);
    }
    return z;
  }

  /** Unconditional text of `length` characters (≤ blockSize) from all-[MASK] in `steps` passes. */
  generate(length: number, options: TextSampleOptions = {}): string {
    requireEngine('TextDiffusion.generate');
    if (!Number.isInteger(length) || length < 1 || length > this.config.blockSize) {
      throw new ArgumentError(`length must be an integer from 1 to the context of ${this.config.blockSize}, got ${length}`, 'tokens');
    }
    return this.tokenizer.decode(this.unmask(new Int32Array(length).fill(this.maskId), options));
  }

  /**
   * The ids of `text` with each `maskChar` as [MASK] (other characters encoded, unknown ones per
   * `unknown`), checked: at least one blank and one given character, at most blockSize tokens.
   */
  encodeBlanks(text: string, options: Pick<TextSampleOptions, 'maskChar' | 'unknown'> = {}): Int32Array {
    const ids = this.tokenizer.encodeBlanks(text, this.maskId, options);
    if (ids.length > this.config.blockSize) throw new ArgumentError(`the text is ${ids.length} tokens long; this model sees at most ${this.config.blockSize} at once; shorten the text around the blanks`, 'text');
    return ids;
  }

  /** Step 3: `text` with every `maskChar` (default '_') replaced by a sampled character. */
  infill(text: string, options: TextSampleOptions = {}): string {
    requireEngine('TextDiffusion.infill');
    return this.tokenizer.decode(this.unmask(this.encodeBlanks(text, options), options));
  }

  /**
   * log p of `truth` at the [MASK] positions of `ids`, revealing them one at a time from left to
   * right (each conditional sees both sides and the blanks already revealed): an exact
   * log-likelihood of the blanks under that order. One forward pass per blank.
   */
  blankLogLikelihood(ids: Int32Array, truth: Int32Array): number {
    requireEngine('TextDiffusion.blankLogLikelihood');
    if (truth.length !== ids.length) throw new ArgumentError(`truth has ${truth.length} tokens for ${ids.length} positions`, 'truth');
    const V = this.config.vocabSize;
    const z = ids.slice();
    let ll = 0;
    for (let i = 0; i < z.length; i++) {
      if (z[i] !== this.maskId) continue;
      ll += logSoftmaxAt(this.logits(z).subarray(i * V, (i + 1) * V), truth[i]);
      z[i] = truth[i];
    }
    return ll;
  }

  parameterCount(): number {
    return this.params.count();
  }

  summary(): string {
    const c = this.config;
    const lines = [
      'Character-level masked diffusion language model (MDLM: absorbing-state diffusion, bidirectional Transformer)',
      `  layers ${c.nLayer}   heads ${c.nHead}   d_model ${c.dModel}   context ${c.blockSize}   parameters ${this.parameterCount().toLocaleString('en-US')}`,
      `  vocabulary ${c.vocabSize} + [MASK]: ${this.tokenizer.chars.length} characters${this.tokenizer.byteFallback ? ' + 256 byte tokens' : ''}`,
    ];
    const r = this.training;
    if (r) {
      lines.push(`  trained ${r.steps} steps (batch ${r.settings.batchSize}, peak lr ${r.settings.lr}, seed ${r.seed}) in ${r.seconds.toFixed(1)} s`);
      lines.push(`  negative ELBO (nats/char, ≥ NLL): train ${r.trainElbo.toFixed(4)}   validation (last 10%) ${r.valElbo.toFixed(4)}   ln(V) = ${Math.log(c.vocabSize).toFixed(4)}`);
    }
    return lines.join('\n');
  }

  toJSON(): TextDiffusionJSON {
    const training = this.training ? (({ losses: _losses, ...rest }) => rest)(this.training) : null;
    return { kind: 'text-diffusion', version: TEXT_DIFFUSION_FORMAT_VERSION, config: { ...this.config }, tokenizer: this.tokenizer.toJSON(), params: this.params.toJSON(), training };
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Restores a model saved by {@link TextDiffusion.toJSON}; a corrupt or other-version file is a DataError. */
export function textDiffusionFromJSON(json: unknown): TextDiffusion {
  requireEngine('textDiffusionFromJSON');
  const f = readTextModelFile<TextDiffusionConfig, Omit<TextDiffusionTrainingReport, 'losses'>>(json, {
    kind: 'text-diffusion', version: TEXT_DIFFUSION_FORMAT_VERSION, label: 'text-diffusion', source: 'TextDiffusion.toJSON (ardiff train text-diffusion)',
    command: 'ardiff train text-diffusion', shapes: (c) => TextDiffusion.shapes(c), lossKeys: ['trainElbo', 'valElbo'],
  });
  const model = new TextDiffusion(f.config, f.tokenizer, f.params);
  if (f.training) model.training = { ...f.training, losses: [] };
  return model;
}

/**
 * Trains a masked diffusion language model on `text` with the GPT's presets and optimiser (AdamW,
 * warm-up + cosine, clipping): random windows of blockSize tokens from the first 90%, the loss of
 * step 1; the held-out last 10% is scored by the ELBO at the end. Call `await initEngine()` first.
 */
export function trainTextDiffusion(text: string, options: TrainTextDiffusionOptions = {}): TextDiffusion {
  requireEngine('trainTextDiffusion');
  if (typeof text !== 'string') throw new ArgumentError('trainTextDiffusion: text must be a string', 'text');
  if (text.length === 0) throw new DataError('the training text is empty; give a text file with some characters in it', 'text');
  const { arch, train } = resolveSettings(options);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number, got ${seed}`, 'seed');
  const evalSamples = checkPositiveInt(options.evalSamples ?? 4, 'evalSamples');
  const { tokenizer, trainTokens, valTokens, trainPerChar, valPerChar } = splitText(text, arch.blockSize, options);
  const T = arch.blockSize;
  const rng = createRng(seed);
  const model = TextDiffusion.create({ vocabSize: tokenizer.vocabSize, ...arch }, tokenizer, rng);
  const opt = new AdamW(model.params, { lr: train.lr, beta2: train.beta2, weightDecay: train.weightDecay });
  const { batchSize: B, steps } = train;
  const losses: number[] = [];
  const t0 = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      const windows = Array.from({ length: B }, () => {
        const s = Math.floor(rng.uniform() * (trainTokens.length - T));
        return trainTokens.subarray(s, s + T);
      });
      const b = model.batch(windows, rng);
      const lrScale = warmupCosine(step, train.warmup, steps, train.minLrRatio);
      const { loss } = withHeapGuard('trainTextDiffusion', () => trainStep(model.params, opt, () => model.loss(b.z, b.x, b.w, b.B, b.T), { clipNorm: train.clipNorm, lrScale }));
      losses.push(loss);
      options.onStep?.({ step: step + 1, steps, loss, lr: train.lr * lrScale });
    }
    const evalRng = createRng(seed + 1);
    const valElbo = model.elbo(valTokens, { maxTokens: train.finalEvalTokens, samples: evalSamples, rng: evalRng }) * valPerChar;
    const trainElbo = model.elbo(trainTokens, { maxTokens: Math.min(train.finalEvalTokens, valTokens.length), samples: evalSamples, rng: evalRng }) * trainPerChar;
    options.onEval?.({ step: steps, trainLoss: trainElbo, valLoss: valElbo });
    model.training = { steps, trainElbo, valElbo, seconds: (performance.now() - t0) / 1000, losses, seed, settings: train };
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    opt.dispose();
  }
}

export type { GPTPresetName };
