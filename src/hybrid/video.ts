/**
 * Video from both families: next-frame prediction by a conditional diffusion model (MCVD, Voleti,
 * Jolicoeur-Martineau & Pal 2022, "Masked conditional video diffusion for prediction, generation,
 * and interpolation"), and the hybrid that refines the autoregressive ConvGRU's prediction by it.
 *
 * 1. The model: a 2-D U-Net denoising frame t given an image context of `past` + 1 channels — the
 *    `past` frames before t and the frame after t (MCVD's past and future frames, concatenated as
 *    input channels, §3). Frames are scaled to [−1, 1]; so is the context.
 * 2. Future masking (MCVD §3.1): in a share `futureDropout` of the training rows the frame after t
 *    is hidden — replaced by mid-grey, 0 on the network's scale, which no real frame is — so one
 *    model both predicts (future hidden) and interpolates (future given).
 * 3. Prediction: autoregressive in frames — frame t is drawn given the last `past` frames (given or
 *    drawn) and a hidden future, then appended; each frame is a full reverse process.
 * 4. Interpolation: a hidden frame between known ones is drawn given the `past` frames before it and
 *    the one after it.
 * 5. The hybrid: the ConvGRU rolls out as usual (neural/conv-gru.ts), but each frame it predicts is
 *    refined before it is fed back: SDEdit (Meng et al. 2022) noises the prediction `strength` of the
 *    way up the schedule and denoises it conditioned on the previous frames — the AR model supplies
 *    where the digits go, the diffusion model sharp digits there.
 * 6. The hybrid conditioned on the AR prediction (`condition: 'ar'`): the last context channel holds
 *    the ConvGRU's one-step prediction of frame t instead of the frame after it (trained on the
 *    ConvGRU's teacher-forced predictions of the training sequences), so the diffusion model learns
 *    what the AR model's blurred frame means — the residual-refinement idea of CorrDiff (Mardani et
 *    al. 2024) with the prediction as a condition rather than subtracted. Sampling then starts from
 *    noise (strength 1) or from the prediction (SDEdit).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { checkBudget, checkPositiveInt, checkRng } from '../core/validate.js';
import { createRng, type Rng } from '../core/rng.js';
import { ssim } from '../core/ssim.js';
import { DiffusionModel, fitDiffusion, type DiffusionModelJSON, type FitDiffusionOptions, type SchedulerName } from '../diffusion/model.js';
import type { ConvGRUPredictor } from '../neural/conv-gru.js';

/** What the last context channel holds: the frame after the predicted one (MCVD), or the AR prediction of it. */
export type VideoCondition = 'future' | 'ar';

export const VIDEO_DIFFUSION_VERSION = 1;
/** A hidden frame, in grey levels: mid-grey, 0 on the network's [−1, 1] scale. */
const HIDDEN = 0.5;

/** Sequences of frames: count × length × size² grey levels in [0, 1] (what movingDigits makes). */
export interface FrameSequences {
  readonly frames: ArrayLike<number>;
  readonly count: number;
  readonly length: number;
  readonly size: number;
}

/**
 * Training options; steps, batch size, learning rate and EMA decay default to 2000, 16, 5e-4 and
 * 0.999, the prediction to v (Salimans & Ho 2022): with ε-prediction the high-noise steps, which place
 * the digit, carry almost no weight, and draws from noise ignored the frames before (next-frame MSE
 * 0.246 against 0.026 with v, same training).
 */
export interface VideoDiffusionOptions extends Pick<FitDiffusionOptions, 'steps' | 'batchSize' | 'lr' | 'emaDecay' | 'onStep' | 'schedule' | 'prediction' | 'minSnrGamma'> {
  /** Frames before the predicted one it is conditioned on (default 2). */
  past?: number;
  /** Share of training rows whose next frame is hidden (default 0.5; 1: prediction only; 'future' models). */
  futureDropout?: number;
  /** The last context channel: 'future' (default; the frame after, hidden by futureDropout) or 'ar'. */
  condition?: VideoCondition;
  /** The ConvGRU whose one-step predictions a 'ar' model is conditioned on. */
  ar?: ConvGRUPredictor;
  /** Training frames drawn from each sequence (default 8). */
  framesPerSequence?: number;
  /** U-Net base channels (default 16) and per-level multipliers (default [1, 2, 2]: 28 → 14 → 7). */
  baseChannels?: number;
  channelMults?: readonly number[];
  /** Seed of the weights, the rows drawn and the batches (default 0). */
  seed?: number;
}

export interface VideoSampleOptions {
  /** Scheduler (default 'dpm++') and its steps (default 20 for dpm++, 50 ddim, 1000 ddpm). */
  scheduler?: SchedulerName;
  steps?: number;
  rng: Rng;
}

export interface VideoDiffusionJSON {
  kind: 'video-diffusion';
  version: number;
  past: number;
  size: number;
  condition?: VideoCondition;
  model: DiffusionModelJSON;
}

/** Checks frame data: whole frames of size², finite grey levels in [0, 1]; returns the frame count. */
function checkFrames(frames: ArrayLike<number>, size: number, argument: string, per = 1): number {
  const px = size * size * per;
  if (!frames || frames.length === 0 || frames.length % px !== 0) throw new DataError(`${argument} has ${frames?.length} values, not whole ${per > 1 ? `groups of ${per} ` : ''}${size}×${size} frames`, argument);
  for (let i = 0; i < frames.length; i++) if (!(frames[i] >= 0 && frames[i] <= 1)) throw new DataError(`${argument} value ${i} is ${frames[i]}; frames hold grey levels in [0, 1]`, argument);
  return frames.length / px;
}

/**
 * The image context of one row: channel c < past is the c-th of the past frames (oldest first),
 * channel `past` the frame after, the AR prediction or mid-grey; interleaved per pixel (NHWC).
 */
function writeContext(out: Float32Array, row: number, px: number, channels: number, frame: (c: number, p: number) => number): void {
  const o = row * px * channels;
  for (let p = 0; p < px; p++) for (let c = 0; c < channels; c++) out[o + p * channels + c] = frame(c, p);
}

export class VideoDiffusion {
  readonly kind = 'video-diffusion';

  /** Use {@link fitVideoDiffusion} or {@link videoDiffusionFromJSON}. */
  constructor(readonly model: DiffusionModel, readonly past: number, readonly size: number, readonly condition: VideoCondition = 'future') {
    if (condition !== 'future' && condition !== 'ar') throw new ArgumentError(`VideoDiffusion: condition must be 'future' or 'ar', got '${String(condition)}'`, 'condition');
    const img = model.image;
    if (!img || img.height !== size || img.width !== size || img.channels !== 1) throw new ArgumentError(`VideoDiffusion: the diffusion model must draw ${size}×${size} one-channel frames`, 'model');
    if (model.extras.context?.size !== size * size * (past + 1)) throw new ArgumentError(`VideoDiffusion: the diffusion model must be conditioned on ${past + 1} frames`, 'model');
  }

  /** Pixels per frame. */
  get pixels(): number {
    return this.size * this.size;
  }

  /**
   * Draws one frame per row given its context (n rows of past + 1 channels, see writeContext): a
   * full reverse process, or with `start` SDEdit from those frames at `strength`.
   */
  private draw(context: Float32Array, n: number, options: VideoSampleOptions, start?: { frames: Float32Array; strength: number }): Float32Array {
    const sampleOptions = { scheduler: options.scheduler ?? 'dpm++', steps: options.steps, rng: options.rng, context };
    const r = start
      ? this.model.restore(start.frames, { ...sampleOptions, strength: start.strength })
      : this.model.sample(n, sampleOptions);
    const out = new Float32Array(r.samples.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, r.samples[i]));
    return out;
  }

  private needs(condition: VideoCondition, method: string): void {
    if (this.condition !== condition) {
      throw new ArgumentError(condition === 'future'
        ? `${method}: this model is conditioned on a ConvGRU's predictions; use refineRollout with that ConvGRU`
        : `${method}: this model is not conditioned on an AR prediction (trained with condition 'future')`, 'model');
    }
  }

  private checkOptions(options: VideoSampleOptions): void {
    if (!options || typeof options !== 'object') throw new ArgumentError('give options with a seeded rng', 'options');
    checkRng(options.rng);
  }

  /**
   * Rolls out `horizon` frames after the `k` context frames of each of n sequences (context:
   * n × k × size², k ≥ past), each frame drawn given the last `past` frames. Returns n × horizon × size².
   */
  predict(context: ArrayLike<number>, k: number, horizon: number, options: VideoSampleOptions): Float32Array {
    this.checkOptions(options);
    this.needs('future', 'predict');
    checkPositiveInt(k, 'k');
    checkPositiveInt(horizon, 'horizon');
    if (k < this.past) throw new ArgumentError(`the model is conditioned on ${this.past} past frames; give at least ${this.past} context frames, got ${k}`, 'k');
    const n = checkFrames(context, this.size, 'context', k);
    checkBudget(n * (k + horizon), this.pixels * 4 * (this.past + 3), 'horizon', 'frames');
    const history = this.history(context, n, k, horizon);
    for (let t = k; t < k + horizon; t++) history.set(t, this.draw(history.contextAt(t), n, options));
    return history.future();
  }

  /**
   * The frames of a rollout, which prediction and the hybrid share: the k context frames of n
   * sequences, then each new frame as it is set; `contextAt(t)` is the image context of frame t (the
   * `past` frames before it, a hidden future).
   */
  private history(context: ArrayLike<number>, n: number, k: number, horizon: number): { contextAt(t: number, last?: Float32Array): Float32Array; set(t: number, frames: Float32Array): void; future(): Float32Array } {
    const px = this.pixels, P = this.past, C = P + 1, T = k + horizon;
    const frames = new Float32Array(n * T * px);
    for (let s = 0; s < n; s++) for (let j = 0; j < k * px; j++) frames[s * T * px + j] = context[s * k * px + j];
    const ctx = new Float32Array(n * px * C);
    return {
      contextAt: (t, last) => {
        for (let s = 0; s < n; s++) writeContext(ctx, s, px, C, (c, p) => (c < P ? frames[(s * T + t - P + c) * px + p] : last ? last[s * px + p] : HIDDEN));
        return ctx;
      },
      set: (t, next) => {
        for (let s = 0; s < n; s++) frames.set(next.subarray(s * px, (s + 1) * px), (s * T + t) * px);
      },
      future: () => {
        const out = new Float32Array(n * horizon * px);
        for (let s = 0; s < n; s++) out.set(frames.subarray((s * T + k) * px, (s + 1) * T * px), s * horizon * px);
        return out;
      },
    };
  }

  /**
   * Fills one hidden frame per sequence between `before` (n × past × size², the frames just before
   * it) and `after` (n × size², the frame just after it). Returns n × size².
   */
  interpolate(before: ArrayLike<number>, after: ArrayLike<number>, options: VideoSampleOptions): Float32Array {
    this.checkOptions(options);
    this.needs('future', 'interpolate');
    const px = this.pixels, P = this.past, C = P + 1;
    const n = checkFrames(before, this.size, 'before', P);
    if (checkFrames(after, this.size, 'after') !== n) throw new DataError(`after holds ${after.length / px} frames for ${n} sequences; give one frame after each gap`, 'after');
    checkBudget(n, px * 4 * (C + 2), 'before', 'frames');
    const ctx = new Float32Array(n * px * C);
    for (let s = 0; s < n; s++) writeContext(ctx, s, px, C, (c, p) => (c < P ? before[(s * P + c) * px + p] : after[s * px + p]));
    return this.draw(ctx, n, options);
  }

  /**
   * The hybrid: `ar` rolls out `horizon` frames after the k context frames, each of its predictions
   * refined by SDEdit at `strength` ∈ (0, 1] conditioned on the previous `past` frames (themselves
   * refined) — and, for an 'ar' model, on the prediction itself — before it is fed back. Strength
   * defaults to 1 for an 'ar' model (drawn from noise given the prediction) and must be given for a
   * 'future' one. Returns n × horizon × size².
   */
  refineRollout(ar: ConvGRUPredictor, context: ArrayLike<number>, k: number, horizon: number, options: VideoSampleOptions & { strength?: number }): Float32Array {
    this.checkOptions(options);
    if (ar.size !== this.size) throw new ArgumentError(`the ConvGRU predicts ${ar.size}×${ar.size} frames, the diffusion model ${this.size}×${this.size}`, 'ar');
    if (options.strength === undefined && this.condition === 'future') throw new ArgumentError("give a strength in (0, 1]: how far up the noise schedule each ConvGRU frame is sent (a model conditioned on the future frame sees the prediction only through it)", 'strength');
    const strength = options.strength ?? 1;
    if (!(strength > 0 && strength <= 1)) throw new ArgumentError(`strength must be in (0, 1] (the share of the noise schedule the AR prediction is sent back up), got ${strength}`, 'strength');
    checkPositiveInt(k, 'k');
    checkPositiveInt(horizon, 'horizon');
    if (k < this.past) throw new ArgumentError(`the diffusion model is conditioned on ${this.past} past frames; give at least ${this.past} context frames, got ${k}`, 'k');
    const n = checkFrames(context, this.size, 'context', k);
    checkBudget(n * (k + horizon), this.pixels * 4 * (this.past + 3), 'horizon', 'frames');
    // The ConvGRU calls refine once per future frame, in order; the refined frames are what it is
    // fed and what conditions the next refinement.
    const history = this.history(context, n, k, horizon);
    ar.predict(context, k, horizon, (pred, step) => {
      const t = k + step - 1;
      const ctx = history.contextAt(t, this.condition === 'ar' ? pred : undefined);
      const frame = strength === 1 ? this.draw(ctx, n, options) : this.draw(ctx, n, options, { frames: pred, strength });
      history.set(t, frame);
      return frame;
    });
    return history.future();
  }

  /** Frees the U-Net's tensors. */
  dispose(): void {
    this.model.dispose();
  }

  toJSON(): VideoDiffusionJSON {
    return { kind: 'video-diffusion', version: VIDEO_DIFFUSION_VERSION, past: this.past, size: this.size, condition: this.condition, model: this.model.toJSON() };
  }
}

/**
 * Trains the frame-conditional diffusion model on `video` (sequences of frames in [0, 1], at least
 * past + 1 frames each): `framesPerSequence` target frames drawn per sequence, each with its
 * `past` frames before and the frame after (hidden in a share `futureDropout` of the rows).
 */
export function fitVideoDiffusion(video: FrameSequences, options: VideoDiffusionOptions = {}): VideoDiffusion {
  if (!video || typeof video !== 'object') throw new ArgumentError('video must be { frames, count, length, size }', 'video');
  const size = checkPositiveInt(video.size, 'size');
  const length = checkPositiveInt(video.length, 'length');
  const past = checkPositiveInt(options.past ?? 2, 'past');
  if (length < past + 1) throw new DataError(`sequences of ${length} frames are shorter than the ${past} past frames and the frame to predict; give longer sequences or a smaller past`, 'length');
  const count = checkFrames(video.frames, size, 'frames', length);
  if (video.count !== undefined && video.count !== count) throw new DataError(`count is ${video.count}, the frames hold ${count} sequences`, 'count');
  const condition = options.condition ?? 'future';
  if (condition !== 'future' && condition !== 'ar') throw new ArgumentError(`condition must be 'future' or 'ar', got '${String(condition)}'`, 'condition');
  if (condition === 'ar' && !options.ar) throw new ArgumentError("condition 'ar' needs the ConvGRU whose predictions the model is conditioned on: give options.ar", 'ar');
  if (condition === 'future' && options.ar) throw new ArgumentError("options.ar is for condition 'ar'; this model is conditioned on the future frame", 'ar');
  if (options.ar && options.ar.size !== size) throw new ArgumentError(`the ConvGRU predicts ${options.ar.size}×${options.ar.size} frames, the sequences are ${size}×${size}`, 'ar');
  const futureDropout = options.futureDropout ?? 0.5;
  if (!(futureDropout >= 0 && futureDropout <= 1)) throw new ArgumentError(`futureDropout must be in [0, 1], got ${futureDropout}`, 'futureDropout');
  const per = checkPositiveInt(options.framesPerSequence ?? 8, 'framesPerSequence');
  const px = size * size, C = past + 1, rows = count * per;
  checkBudget(rows, px * (C + 1) * 12, 'framesPerSequence', 'training frames');
  const seed = options.seed ?? 0;
  const rng = createRng(seed + 7919);
  const data = new Float32Array(rows * px), context = new Float32Array(rows * px * C);
  const f = video.frames;
  const arFrames = condition === 'ar' ? options.ar!.oneStepPredictions(f, length) : undefined;
  for (let s = 0; s < count; s++) {
    for (let j = 0; j < per; j++) {
      const row = s * per + j;
      const t = past + Math.floor(rng.uniform() * (length - past));
      const hide = t === length - 1 || rng.uniform() < futureDropout;
      const frame = (u: number, p: number) => f[(s * length + u) * px + p];
      for (let p = 0; p < px; p++) data[row * px + p] = frame(t, p);
      const last = arFrames ? (p: number) => arFrames[(s * length + t) * px + p] : (p: number) => (hide ? HIDDEN : frame(t + 1, p));
      writeContext(context, row, px, C, (c, p) => (c < past ? frame(t - past + c, p) : last(p)));
    }
  }
  const model = fitDiffusion(data, px, {
    steps: options.steps ?? 2000, batchSize: options.batchSize ?? 16, lr: options.lr ?? 5e-4, emaDecay: options.emaDecay ?? 0.999,
    schedule: options.schedule, onStep: options.onStep, seed, prediction: options.prediction ?? 'v_prediction', minSnrGamma: options.minSnrGamma,
    scaling: { center: 0.5, scale: 0.5 }, clipSample: 1,
    denoiser: { kind: 'unet2d', height: size, width: size, channels: 1, baseChannels: options.baseChannels ?? 16, channelMults: options.channelMults ?? [1, 2, 2], contextChannels: C },
    context, contextScaling: { center: 0.5, scale: 0.5 }, contextSource: { kind: 'video-frames', past, condition },
  });
  return new VideoDiffusion(model, past, size, condition);
}

/** Per future frame: mean squared error and mean SSIM over the sequences (index 0: the first predicted frame). */
export interface FrameScores {
  readonly mse: number[];
  readonly ssim: number[];
}

/**
 * Scores predicted frames against the truth, both n × horizon × size² in [0, 1]: the MSE per pixel
 * and the SSIM (Wang et al. 2004, 11×11 Gaussian window, data range 1) of each future frame, averaged
 * over the n sequences.
 */
export function frameScores(predicted: ArrayLike<number>, truth: ArrayLike<number>, horizon: number, size: number): FrameScores {
  checkPositiveInt(horizon, 'horizon');
  const n = checkFrames(truth, size, 'truth', horizon);
  if (predicted?.length !== truth.length) throw new DataError(`predicted has ${predicted?.length} values, the truth ${truth.length}`, 'predicted');
  for (let i = 0; i < predicted.length; i++) if (!Number.isFinite(predicted[i])) throw new DataError(`predicted value ${i} is not finite (${predicted[i]})`, 'predicted');
  const px = size * size;
  const mse = new Array<number>(horizon).fill(0), sim = new Array<number>(horizon).fill(0);
  const a = new Float64Array(px), b = new Float64Array(px);
  for (let s = 0; s < n; s++) {
    for (let f = 0; f < horizon; f++) {
      const o = (s * horizon + f) * px;
      let e = 0;
      for (let p = 0; p < px; p++) {
        a[p] = predicted[o + p];
        b[p] = truth[o + p];
        e += (a[p] - b[p]) ** 2;
      }
      mse[f] += e / px / n;
      sim[f] += ssim(a, b, size, size) / n;
    }
  }
  return { mse, ssim: sim };
}

/** The floor every video model must beat: the last context frame repeated `horizon` times (n × horizon × size²). */
export function copyLastFrame(context: ArrayLike<number>, k: number, horizon: number, size: number): Float32Array {
  checkPositiveInt(k, 'k');
  checkPositiveInt(horizon, 'horizon');
  const n = checkFrames(context, size, 'context', k);
  const px = size * size;
  checkBudget(n * horizon, px * 4, 'horizon', 'frames');
  const out = new Float32Array(n * horizon * px);
  for (let s = 0; s < n; s++) {
    const last = (s * k + k - 1) * px;
    for (let f = 0; f < horizon; f++) for (let p = 0; p < px; p++) out[(s * horizon + f) * px + p] = context[last + p];
  }
  return out;
}

/** Restores a model saved by {@link VideoDiffusion.toJSON}; a corrupt or other-version file is a DataError. */
export function videoDiffusionFromJSON(json: unknown): VideoDiffusion {
  const j = json as Partial<VideoDiffusionJSON> | null;
  if (j?.kind !== 'video-diffusion') throw new DataError(`model file: expected a video diffusion model (kind 'video-diffusion'), got kind '${String(j?.kind)}'`, 'model');
  if (j.version !== VIDEO_DIFFUSION_VERSION) throw new DataError(`model file: video diffusion version ${String(j.version)} is not supported (this ardiff reads version ${VIDEO_DIFFUSION_VERSION}); retrain the model`, 'model');
  if (!Number.isInteger(j.past) || (j.past as number) < 1 || !Number.isInteger(j.size) || (j.size as number) < 1) throw new DataError('model file: past and size must be positive integers; the file is corrupt', 'model');
  const model = DiffusionModel.fromJSON(j.model as DiffusionModelJSON);
  try {
    return new VideoDiffusion(model, j.past as number, j.size as number, j.condition ?? 'future');
  } catch (e) {
    throw new DataError(`model file: ${(e as Error).message}; the file is corrupt`, 'model');
  }
}
