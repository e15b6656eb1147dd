/**
 * An autoregressive image model in the manner of ImageGPT (Chen et al. 2020, "Generative
 * pretraining from pixels"): the project's decoder-only Transformer (gpt.ts) over the pixels of an
 * image in raster order, each pixel quantised to a few grey levels, with the class as the first
 * token (class-conditional, as ImageGPT's conditional variant and PixelCNN's).
 *
 * 1. Tokens: grey level v ∈ [0, 1] → level ⌊v·L⌋ (L − 1 at v = 1), a token each; class c a token
 *    after the levels, and one more token for "no class". The sequence of an image is
 *    [class, p₁, …, p_{H·W}].
 * 2. Training: next-token cross-entropy of p₁…p_{H·W} given the class and the pixels before
 *    (teacher forcing), AdamW with warm-up and cosine decay, batches of whole images; the class is
 *    replaced by "no class" with probability `classDropout` (as the diffusion models' label
 *    dropout), so one model also draws and completes images without a label.
 * 3. Likelihood: exact — Σ log p(p_i | class, p_{<i}) — reported in bits per pixel.
 * 4. Sampling: one cached forward position per pixel (H·W sequential network calls), each pixel
 *    drawn among the L levels; completion keeps a known prefix (the top rows) and draws the rest —
 *    a raster-order model can be conditioned only on a prefix.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { checkBudget, checkPositiveInt, checkRng } from '../core/validate.js';
import { createRng, type Rng } from '../core/rng.js';
import { requireEngine, withHeapGuard } from './engine/init.js';
import { GPT, gptFromJSON, sampleLogits, type GPTJSON } from './gpt.js';
import { AdamW, trainStep, warmupCosine } from './optim.js';
import { CharTokenizer } from './tokenizer.js';
import { checkLevels, dequantizePixels, quantizePixels, MAX_LEVELS } from '../core/quantize.js';

export { quantizePixels, dequantizePixels };

export const IMAGE_GPT_VERSION = 1;
/** Level tokens are the hexadecimal digits, class tokens the capital letters. */
const LEVEL_CHARS = '0123456789abcdef'.slice(0, MAX_LEVELS);
const CLASS_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface ImageGPTOptions {
  /** Image height and width (default: square images, from the number of pixels per image). */
  height?: number;
  width?: number;
  /** Grey levels each pixel is quantised to (2…16; default 4). */
  levels?: number;
  /** Number of classes (default: the largest label + 1; at most 26). */
  classes?: number;
  /** Probability of training an image without its class (default 0.1). */
  classDropout?: number;
  /** Transformer size (default 2 blocks of width 64, 4 heads). */
  nLayer?: number;
  nHead?: number;
  dModel?: number;
  /** Training steps (default 1500), images per step (default 16), peak learning rate (default 3e-3). */
  steps?: number;
  batchSize?: number;
  lr?: number;
  /** Linear warm-up steps (default 5% of the steps). */
  warmup?: number;
  weightDecay?: number;
  /** Seed of the weights and the batches (default 0). */
  seed?: number;
  onStep?: (info: { step: number; steps: number; loss: number }) => void;
}

export interface ImageGPTTraining {
  steps: number;
  seconds: number;
  seed: number;
  /** Per-step loss in bits per pixel. */
  losses: number[];
}

export interface ImageGPTJSON {
  kind: 'image-gpt';
  version: number;
  height: number;
  width: number;
  levels: number;
  classes: number;
  gpt: GPTJSON;
  training?: Omit<ImageGPTTraining, 'losses'> | null;
}

export interface ImageGPTSampleOptions {
  /** The class of every image, or one per image; omitted: no class. */
  classLabel?: number | ArrayLike<number>;
  rng: Rng;
  /** Softmax temperature (default 1: the model's own distribution). */
  temperature?: number;
}

export class ImageGPT {
  readonly kind = 'image-gpt';
  training: ImageGPTTraining | undefined;

  /** Use {@link trainImageGPT} or {@link imageGPTFromJSON}. */
  constructor(readonly gpt: GPT, readonly height: number, readonly width: number, readonly levels: number, readonly classes: number) {
    if (gpt.config.blockSize !== height * width) throw new ArgumentError(`ImageGPT: the Transformer's context is ${gpt.config.blockSize} positions, the images have ${height * width} pixels`, 'gpt');
    if (gpt.config.vocabSize !== levels + classes + 1) throw new ArgumentError(`ImageGPT: the Transformer has ${gpt.config.vocabSize} tokens, ${levels} levels, ${classes} classes and "no class" need ${levels + classes + 1}`, 'gpt');
  }

  get pixels(): number {
    return this.height * this.width;
  }

  /** The token of class c; undefined: "no class". */
  classToken(c: number | undefined, argument = 'classLabel'): number {
    if (c === undefined) return this.levels + this.classes;
    if (!Number.isInteger(c) || c < 0 || c >= this.classes) throw new ArgumentError(`class ${c} is outside 0…${this.classes - 1}`, argument);
    return this.levels + c;
  }

  /**
   * Teacher-forcing inputs [class, p₁…p_{P−1}] and targets [p₁…p_P] of images `rows` of `tokens`
   * into x, y (one row each); `labels` undefined: "no class".
   */
  teacherForcing(tokens: Int32Array, labels: ArrayLike<number> | undefined, rows: readonly number[], x: Int32Array, y: Int32Array, drop?: (b: number) => boolean): void {
    const P = this.pixels;
    rows.forEach((r, b) => {
      x[b * P] = this.classToken(labels === undefined || drop?.(b) ? undefined : labels[r], 'labels');
      x.set(tokens.subarray(r * P, r * P + P - 1), b * P + 1);
      y.set(tokens.subarray(r * P, (r + 1) * P), b * P);
    });
  }

  /**
   * Exact negative log-likelihood of the images (quantised as the model's levels) in bits per
   * pixel, given their labels (or, without labels, given "no class": log p(x) of the unconditional model).
   */
  bitsPerPixel(images: ArrayLike<number>, labels?: ArrayLike<number>, batchSize = 32): number {
    requireEngine('ImageGPT.bitsPerPixel');
    const P = this.pixels;
    const n = checkImages(images, labels, P);
    const tokens = quantizePixels(images, this.levels);
    let nats = 0;
    for (let r0 = 0; r0 < n; r0 += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, n - r0) }, (_, i) => r0 + i);
      const x = new Int32Array(rows.length * P), y = new Int32Array(rows.length * P);
      this.teacherForcing(tokens, labels, rows, x, y);
      nats += this.gpt.nll(x, y, rows.length, P);
    }
    return nats / (n * P) / Math.LN2;
  }

  /**
   * Draws images pixel by pixel (one cached forward position each), every pixel among the levels
   * only. Returns grey levels (dequantizePixels) and the level tokens, n × pixels each.
   */
  sample(n: number, options: ImageGPTSampleOptions): { images: Float32Array; tokens: Int32Array; networkCalls: number } {
    // Checked before the blank images are made (complete checks the same for images it is given).
    this.checkCount(n);
    return this.complete(new Float32Array(n * this.pixels), 0, options);
  }

  /** Throws unless n images can be drawn (a positive integer within the memory budget). */
  checkCount(n: number, argument = 'n'): void {
    checkPositiveInt(n, argument);
    checkBudget(n, this.pixels * 12, argument, `images of ${this.pixels} pixels`);
  }

  /**
   * Keeps the first `known` pixels (raster order) of each image in `images` (quantised) and draws the
   * rest given them and the class — what an autoregressive model can condition on: a prefix.
   */
  complete(images: ArrayLike<number>, known: number, options: ImageGPTSampleOptions): { images: Float32Array; tokens: Int32Array; networkCalls: number } {
    requireEngine('ImageGPT.complete');
    const P = this.pixels, L = this.levels;
    if (!options || typeof options !== 'object') throw new ArgumentError('give options with classLabel and a seeded rng', 'options');
    checkRng(options.rng);
    if (!Number.isInteger(known) || known < 0 || known >= P) throw new ArgumentError(`known must be an integer in 0…${P - 1} (pixels kept from the top, in raster order), got ${known}`, 'known');
    if (images.length === 0 || images.length % P !== 0) throw new DataError(`images has ${images.length} values, not whole images of ${P} pixels`, 'images');
    const n = images.length / P;
    this.checkCount(n);
    const given = options.classLabel;
    const labelOf = (i: number) => (given === undefined || typeof given === 'number' ? given : given[i]);
    if (given !== undefined && typeof given !== 'number' && given?.length !== n) throw new ArgumentError(`classLabel holds ${given?.length} classes for ${n} images; give one, or one per image`, 'classLabel');
    const temperature = options.temperature ?? 1;
    if (!(temperature > 0 && Number.isFinite(temperature))) throw new ArgumentError(`temperature must be a finite number > 0, got ${temperature}`, 'temperature');
    const tokens = quantizePixels(images, L);
    let calls = 0;
    for (let i = 0; i < n; i++) {
      const cls = this.classToken(labelOf(i));
      const cache = this.gpt.createCache();
      try {
        // The class and the known prefix in one pass; then one position per drawn pixel.
        const prefix = [cls, ...tokens.subarray(i * P, i * P + known)];
        let logits = this.gpt.feed(cache, prefix);
        calls++;
        const V = this.gpt.config.vocabSize;
        for (let j = known; j < P; j++) {
          const last = logits.subarray(logits.length - V, logits.length - V + L);
          const id = sampleLogits(last, { temperature }, options.rng);
          tokens[i * P + j] = id;
          if (j === P - 1) break;
          logits = this.gpt.feed(cache, [id]);
          calls++;
        }
      } finally {
        cache.dispose();
      }
    }
    return { images: dequantizePixels(tokens, L), tokens, networkCalls: calls / n };
  }

  parameterCount(): number {
    return this.gpt.parameterCount();
  }

  toJSON(): ImageGPTJSON {
    const training = this.training ? (({ losses: _l, ...rest }) => rest)(this.training) : null;
    return { kind: 'image-gpt', version: IMAGE_GPT_VERSION, height: this.height, width: this.width, levels: this.levels, classes: this.classes, gpt: this.gpt.toJSON(), training };
  }

  dispose(): void {
    this.gpt.dispose();
  }
}

function checkImages(images: ArrayLike<number>, labels: ArrayLike<number> | undefined, P: number): number {
  if (!images || images.length === 0 || images.length % P !== 0) throw new DataError(`images has ${images?.length} values, not whole images of ${P} pixels`, 'images');
  const n = images.length / P;
  if (labels !== undefined && labels.length !== n) throw new DataError(`${labels?.length} labels for ${n} images`, 'labels');
  return n;
}

/** The tokenizer of an image model: level digits, class letters, then '?' for "no class" (no byte tokens). */
function imageTokenizer(levels: number, classes: number): CharTokenizer {
  return new CharTokenizer([...LEVEL_CHARS.slice(0, levels), ...CLASS_CHARS.slice(0, classes), '?'], false);
}

/**
 * Trains an ImageGPT on `images` (n × height·width grey levels in [0, 1], row-major) with class
 * `labels` (integers 0…classes − 1).
 */
export function trainImageGPT(images: ArrayLike<number>, labels: ArrayLike<number>, options: ImageGPTOptions = {}): ImageGPT {
  requireEngine('trainImageGPT');
  const levels = options.levels ?? 4;
  checkLevels(levels);
  let height = options.height, width = options.width;
  if (height === undefined || width === undefined) {
    if (!labels || labels.length < 1) throw new DataError('give at least one image and its label', 'labels');
    const side = Math.round(Math.sqrt(images.length / labels.length));
    height ??= side;
    width ??= side;
  }
  checkPositiveInt(height, 'height');
  checkPositiveInt(width, 'width');
  const P = height * width;
  if (P < 2 || P > 4096) throw new ArgumentError(`images of ${P} pixels: give 2…4096 pixels per image (the Transformer attends over all of them)`, 'height');
  if (!labels) throw new DataError('give one class label per image', 'labels');
  const n = checkImages(images, labels, P);
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0) throw new DataError(`label ${i} is ${labels[i]}; labels are integers 0…classes − 1`, 'labels');
    maxLabel = Math.max(maxLabel, labels[i]);
  }
  const classes = options.classes ?? maxLabel + 1;
  const classDropout = options.classDropout ?? 0.1;
  if (!(classDropout >= 0 && classDropout < 1)) throw new ArgumentError(`classDropout must be in [0, 1), got ${classDropout}`, 'classDropout');
  if (!Number.isInteger(classes) || classes < 1 || classes > CLASS_CHARS.length) throw new ArgumentError(`classes must be an integer in 1…${CLASS_CHARS.length}, got ${classes}`, 'classes');
  if (maxLabel >= classes) throw new DataError(`label ${maxLabel} is outside 0…${classes - 1}`, 'labels');
  const tokens = quantizePixels(images, levels);
  const steps = checkPositiveInt(options.steps ?? 1500, 'steps');
  checkBudget(steps, 8, 'steps', 'training steps (a recorded loss each)');
  const B = Math.min(checkPositiveInt(options.batchSize ?? 16, 'batchSize'), n);
  const lr = options.lr ?? 3e-3;
  if (!(lr > 0 && Number.isFinite(lr))) throw new ArgumentError(`lr must be a finite number > 0, got ${lr}`, 'lr');
  const warmup = options.warmup ?? Math.max(1, Math.round(0.05 * steps));
  const seed = options.seed ?? 0;
  const rng = createRng(seed);
  const gpt = GPT.create({ vocabSize: levels + classes + 1, nLayer: options.nLayer ?? 2, nHead: options.nHead ?? 4, dModel: options.dModel ?? 64, blockSize: P }, imageTokenizer(levels, classes), rng);
  const model = new ImageGPT(gpt, height, width, levels, classes);
  const opt = new AdamW(gpt.params, { lr, beta2: 0.99, weightDecay: options.weightDecay ?? 0.01 });
  const x = new Int32Array(B * P), y = new Int32Array(B * P);
  const losses: number[] = [];
  const t0 = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      const rows = Array.from({ length: B }, () => Math.floor(rng.uniform() * n));
      const dropped = rows.map(() => classDropout > 0 && rng.uniform() < classDropout);
      model.teacherForcing(tokens, labels, rows, x, y, (b) => dropped[b]);
      const lrScale = warmupCosine(step, warmup, steps, 0.1);
      const { loss } = withHeapGuard('trainImageGPT', () => trainStep(gpt.params, opt, () => gpt.loss(x, y, B, P), { clipNorm: 1, lrScale }));
      losses.push(loss / Math.LN2);
      options.onStep?.({ step: step + 1, steps, loss: loss / Math.LN2 });
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    opt.dispose();
  }
  model.training = { steps, seconds: (performance.now() - t0) / 1000, seed, losses };
  return model;
}

/** Restores a model saved by {@link ImageGPT.toJSON}; a corrupt or other-version file is a DataError. */
export function imageGPTFromJSON(json: unknown): ImageGPT {
  const j = json as Partial<ImageGPTJSON> | null;
  if (j?.kind !== 'image-gpt') throw new DataError(`model file: expected an image GPT (kind 'image-gpt'), got kind '${String(j?.kind)}'`, 'model');
  if (j.version !== IMAGE_GPT_VERSION) throw new DataError(`model file: image GPT version ${String(j.version)} is not supported (this ardiff reads version ${IMAGE_GPT_VERSION}); retrain the model`, 'model');
  for (const k of ['height', 'width', 'levels', 'classes'] as const) {
    if (!Number.isInteger(j[k]) || (j[k] as number) < 1) throw new DataError(`model file: ${k} must be a positive integer; the file is corrupt`, 'model');
  }
  checkLevels(j.levels!);
  const gpt = gptFromJSON(j.gpt);
  const expected = imageTokenizer(j.levels!, j.classes!).chars.join('');
  if (gpt.tokenizer.chars.join('') !== expected || gpt.tokenizer.byteFallback) throw new DataError('model file: the image GPT\'s tokens do not match its levels and classes; the file is corrupt', 'model');
  let model: ImageGPT;
  try {
    model = new ImageGPT(gpt, j.height!, j.width!, j.levels!, j.classes!);
  } catch (e) {
    gpt.dispose();
    throw new DataError(`model file: ${(e as Error).message}; the file is corrupt`, 'model');
  }
  if (j.training) model.training = { ...j.training, losses: [] };
  return model;
}
