/**
 * Text → image with both families (Imagen's arrangement, Saharia et al. 2022, at digit scale): an
 * autoregressive character Transformer (ardiff's GPT), trained on the captions with its own
 * next-character loss and then frozen, encodes a caption; a diffusion U-Net is conditioned on its
 * final states. Captions are dropped (the zero context) with probability `captionDropout` in
 * training, so sampling can guide towards the text (classifier-free guidance).
 *
 * 1. Encoder: a GPT given, or trained here on the captions (one per line; byte fallback, so any
 *    prompt can be encoded).
 * 2. Context, by `conditioning`:
 *    - 'cross-attention' (the default; Imagen §2.2, Rombach et al. 2022 §3.3): per character, its
 *      final state and its own embedding (see encodeCaptionTokens), padded to the encoder's context
 *      with flags marking real tokens, are attended to by a cross-attention block after every
 *      residual block of the U-Net, and their means (the pooled embedding) are added to the time
 *      embedding; used as given (a zero context is "no text").
 *    - 'pooled': the mean of the final states over the caption's characters alone, added to the
 *      time embedding; standardised by fitDiffusion like any context.
 * 3. The U-Net (fitDiffusion with `context`, images scaled to [−1, 1]) and sampling with
 *    `guidance` on the text.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkBudget, checkPositiveInt } from '../core/validate.js';
import { DiffusionModel, fitDiffusion, type DiffusionModelJSON, type FitDiffusionOptions, type SchedulerName } from '../diffusion/model.js';
import { GPT, gptFromJSON, trainGPT, type GPTJSON, type TrainGPTOptions } from '../neural/gpt.js';

export const TEXT_TO_IMAGE_VERSION = 1;

export interface TextToImageOptions extends Omit<FitDiffusionOptions, 'context' | 'contextSource' | 'labels' | 'classNames' | 'contextDropout' | 'columns'> {
  /** A trained encoder, or the options of one to train on the captions (default: the tiny preset, 600 steps, context 48). */
  encoder?: GPT | TrainGPTOptions;
  /** Probability of training an image without its caption (default 0.1). */
  captionDropout?: number;
  /**
   * How the text conditions the U-Net: 'cross-attention' over the per-token states plus the pooled
   * embedding (default), or 'pooled' alone.
   */
  conditioning?: TextConditioning;
  /** Image height and width (default: square). */
  height?: number;
  width?: number;
}

export type TextConditioning = 'cross-attention' | 'pooled';

export interface TextToImageSampleOptions {
  rng: Rng;
  /** Classifier-free guidance towards the text (default 1: none). */
  guidance?: number;
  scheduler?: SchedulerName;
  steps?: number;
}

export interface TextToImageJSON {
  kind: 'text-to-image';
  version: number;
  encoder: GPTJSON;
  diffusion: DiffusionModelJSON;
}

export class TextToImage {
  readonly kind = 'text-to-image';
  /** Tokens the U-Net attends to (0: pooled conditioning alone). */
  readonly tokens: number;
  constructor(readonly encoder: GPT, readonly model: DiffusionModel) {
    const tokens = model.extras.context?.source?.tokens ?? 0;
    if (!Number.isInteger(tokens) || typeof tokens !== 'number' || tokens < 0 || tokens > encoder.config.blockSize) throw new ArgumentError(`the model's context names ${String(tokens)} tokens; the encoder reads 0 to ${encoder.config.blockSize}`, 'model');
    this.tokens = tokens;
    const D = encoder.config.dModel, W = captionTokenWidth(encoder), size = tokens > 0 ? W + tokens * (W + 1) : D;
    if (model.extras.context?.size !== size) throw new ArgumentError(`the U-Net takes a context of ${model.extras.context?.size ?? 0} values; the encoder's states make ${size}`, 'model');
  }

  /** How the text conditions the U-Net. */
  get conditioning(): TextConditioning {
    return this.tokens > 0 ? 'cross-attention' : 'pooled';
  }

  /** Step 2: the context row of each caption (see {@link encodeCaptions}, {@link encodeCaptionTokens}). */
  encode(captions: readonly string[]): Float32Array {
    return this.tokens > 0 ? encodeCaptionTokens(this.encoder, captions, this.tokens) : encodeCaptions(this.encoder, captions);
  }

  /** n images (rows of height·width grey levels in [0, 1]) for one prompt, or one image per prompt. */
  sample(prompt: string | readonly string[], n: number, options: TextToImageSampleOptions): Float64Array {
    // Before the prompts and their encodings are made: the rows' buffers as DiffusionModel.sample counts them.
    checkPositiveInt(n, 'n');
    // Each image's context row is encoded, standardised and doubled under guidance.
    checkBudget(n, this.model.columns.length * 8 * 16 + (this.model.extras.context?.size ?? 0) * 4 * 4, 'n', `images of ${this.model.columns.length} pixels`);
    const prompts = typeof prompt === 'string' ? new Array<string>(n).fill(prompt) : prompt;
    if (prompts.length !== n) throw new ArgumentError(`${prompts.length} prompts for ${n} images; give one prompt, or one per image`, 'prompt');
    const context = this.encode(prompts);
    return this.model.sample(n, { rng: options.rng, context, ...(options.guidance === undefined ? {} : { guidance: options.guidance }), ...(options.scheduler ? { scheduler: options.scheduler } : {}), ...(options.steps === undefined ? {} : { steps: options.steps }) }).samples;
  }

  toJSON(): TextToImageJSON {
    return { kind: 'text-to-image', version: TEXT_TO_IMAGE_VERSION, encoder: this.encoder.toJSON(), diffusion: this.model.toJSON() };
  }

  /** Frees the encoder's and the U-Net's tensors. */
  dispose(): void {
    this.encoder.dispose();
    this.model.dispose();
  }
}

/**
 * One row of `width` values per caption, written by `write` from the caption's token ids and final
 * states [ids.length × dModel] (byte fallback for characters outside the vocabulary); a caption
 * that occurs several times is encoded once.
 */
function encodeEach(encoder: GPT, captions: readonly string[], width: number, maxTokens: number, write: (ids: Int32Array, h: Float32Array, row: Float32Array) => void): Float32Array {
  const out = new Float32Array(captions.length * width);
  const done = new Map<string, number>();
  captions.forEach((caption, i) => {
    const seen = done.get(caption);
    if (seen !== undefined) { out.copyWithin(i * width, seen * width, (seen + 1) * width); return; }
    if (typeof caption !== 'string' || caption.trim().length === 0) throw new DataError(`caption ${i} is empty; give some text`, 'prompt');
    const ids = Int32Array.from(encoder.tokenizer.encode(caption, { unknown: encoder.tokenizer.byteFallback ? 'bytes' : 'error', argument: 'prompt' }));
    if (ids.length > maxTokens) throw new ArgumentError(`caption ${i} is ${ids.length} tokens long; the encoder reads at most ${maxTokens}`, 'prompt');
    write(ids, encoder.hiddenStates(ids), out.subarray(i * width, (i + 1) * width));
    done.set(caption, i);
  });
  return out;
}

/** Mean final state over each caption's characters: n × dModel row-major (the pooled embedding). */
export function encodeCaptions(encoder: GPT, captions: readonly string[]): Float32Array {
  const C = encoder.config.dModel;
  return encodeEach(encoder, captions, C, encoder.config.blockSize, (ids, h, row) => {
    const T = ids.length;
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) row[c] += h[t * C + c] / T;
  });
}

/** Width of one context token of {@link encodeCaptionTokens}: the final state and the character's embedding. */
export function captionTokenWidth(encoder: GPT): number {
  return 2 * encoder.config.dModel;
}

/**
 * The token context of each caption for a U-Net with `tokens` context tokens (UNetSpec.contextTokens).
 * Each character is described by its final state h_t and by its own input embedding e_t (the GPT's
 * `wte` row, scaled to unit root mean square): a causal character model's final state is shaped to
 * predict the next character and keeps little of which digit was named (a nearest-centroid probe
 * reads the digit from the state at the end of its word 55% of the time), while the embedding is the
 * character itself. Per caption W + tokens·(W + 1) values, W = 2·dModel: the means of h and e over
 * the characters (the pooled vector), [h_t, e_t] per character padded with zeros to `tokens`, and
 * one flag per token (1 real, 0 padding).
 */
export function encodeCaptionTokens(encoder: GPT, captions: readonly string[], tokens: number): Float32Array {
  const C = encoder.config.dModel, W = captionTokenWidth(encoder);
  checkPositiveInt(tokens, 'tokens');
  if (tokens > encoder.config.blockSize) throw new ArgumentError(`tokens ${tokens} is more than the encoder's context of ${encoder.config.blockSize}`, 'tokens');
  const wte = encoder.params.get('wte').dataSync() as Float32Array;
  const scale = new Float64Array(encoder.config.vocabSize).map((_, v) => {
    let ss = 0;
    for (let c = 0; c < C; c++) ss += wte[v * C + c] ** 2;
    return ss > 0 ? 1 / Math.sqrt(ss / C) : 0;
  });
  return encodeEach(encoder, captions, W + tokens * (W + 1), tokens, (ids, h, row) => {
    const T = ids.length;
    for (let t = 0; t < T; t++) {
      const at = W + t * W, v = ids[t];
      for (let c = 0; c < C; c++) {
        const e = wte[v * C + c] * scale[v];
        row[at + c] = h[t * C + c];
        row[at + C + c] = e;
        row[c] += h[t * C + c] / T;
        row[C + c] += e / T;
      }
    }
    row.fill(1, W + tokens * W, W + tokens * W + T);
  });
}

/** Steps 1–3: the encoder (given or trained on the captions), the captions' encodings, the U-Net. */
export function fitTextToImage(images: ArrayLike<number>, captions: readonly string[], options: TextToImageOptions = {}): TextToImage {
  const n = captions.length;
  if (!Array.isArray(captions) || n < 2) throw new DataError('give at least two images and their captions', 'captions');
  const P = images.length / n;
  if (!Number.isInteger(P) || P < 1) throw new DataError(`${images.length} pixels are not ${n} whole images`, 'images');
  const height = options.height ?? Math.round(Math.sqrt(P)), width = options.width ?? height;
  if (height * width !== P) throw new DataError(`images of ${P} pixels are not ${height}×${width}; give height and width`, 'height');
  const dropout = options.captionDropout ?? 0.1;
  if (!(dropout >= 0 && dropout < 1)) throw new ArgumentError(`captionDropout must be in [0, 1), got ${dropout}`, 'captionDropout');
  // The options first: a typo should not wait for the encoder's training.
  const conditioning = options.conditioning ?? 'cross-attention';
  if (conditioning !== 'cross-attention' && conditioning !== 'pooled') throw new ArgumentError(`conditioning must be 'cross-attention' or 'pooled', got '${String(conditioning)}'`, 'conditioning');
  const { encoder: _e, captionDropout: _d, height: _h, width: _w, conditioning: _c, ...fit } = options;
  if (fit.denoiser !== undefined && fit.denoiser.kind !== 'unet2d') throw new ArgumentError(`text → image needs a 2-D U-Net denoiser (kind 'unet2d'), got '${String(fit.denoiser.kind)}'`, 'denoiser');
  const longest = captions.reduce((m, c) => Math.max(m, [...c].length), 0);
  const encoder = options.encoder instanceof GPT ? options.encoder
    : trainGPT(captions.join('\n') + '\n', { preset: 'tiny', steps: 600, blockSize: Math.max(48, longest + 1), byteFallback: true, ...(options.encoder ?? {}) });
  // Cross-attention reads every position the encoder can read, so unseen prompts up to its context fit.
  const tokens = conditioning === 'cross-attention' ? encoder.config.blockSize : 0;
  // The contexts as encoded (float32), standardised (float64) and in the training batches.
  const tokenWidth = captionTokenWidth(encoder), rowSize = tokens > 0 ? tokenWidth + tokens * (tokenWidth + 1) : encoder.config.dModel;
  checkBudget(n, rowSize * 16, 'captions', `caption contexts of ${rowSize} values (an encoder context of ${encoder.config.blockSize} tokens of width ${tokenWidth})`);
  const context = tokens > 0 ? encodeCaptionTokens(encoder, captions, tokens) : encodeCaptions(encoder, captions);
  const unet = { kind: 'unet2d' as const, height, width, baseChannels: 16, channelMults: [1, 2], ...(fit.denoiser?.kind === 'unet2d' ? fit.denoiser : {}), ...(tokens > 0 ? { contextTokens: tokens } : {}) };
  const model = fitDiffusion(images, P, {
    scaling: { center: 0.5, scale: 0.5 }, batchSize: 32, lr: 5e-4,
    ...fit, denoiser: unet, context, contextDropout: dropout,
    contextSource: { kind: 'text', encoder: 'gpt', pooling: 'mean', ...(tokens > 0 ? { tokens } : {}) },
    columns: Array.from({ length: P }, (_, i) => `p${i}`),
  });
  return new TextToImage(encoder, model);
}

/** Restores a model saved by {@link TextToImage.toJSON}. */
export function textToImageFromJSON(json: unknown): TextToImage {
  const j = json as Partial<TextToImageJSON> | null;
  if (j?.kind !== 'text-to-image') throw new DataError(`model file: expected a text-to-image model, got kind '${String(j?.kind)}'`, 'model');
  if (j.version !== TEXT_TO_IMAGE_VERSION) throw new DataError(`model file: text-to-image version ${String(j.version)} is not supported (this ardiff reads version ${TEXT_TO_IMAGE_VERSION})`, 'model');
  const encoder = gptFromJSON(j.encoder);
  try {
    return new TextToImage(encoder, DiffusionModel.fromJSON(j.diffusion as DiffusionModelJSON));
  } catch (e) {
    encoder.dispose();
    throw e instanceof ArgumentError ? new DataError(`model file: ${e.message}; the file is corrupt`, 'model') : e;
  }
}
