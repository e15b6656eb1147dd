/**
 * A trained diffusion model of rows of numbers — points, tabular rows, windows of a series, audio
 * frames, images (one image per row, NHWC): the denoiser, the noise schedule and parameterisation it
 * was trained with, the scaling of the data, the range x̂₀ is clipped to while sampling, and the
 * column and class names — everything needed to sample with any scheduler and to save and restore
 * the model as plain JSON.
 */
import { ArdiffError, ArgumentError, DataError } from '../core/errors.js';
import { checkBudget, checkPositiveInt } from '../core/validate.js';
import { meanSd } from '../core/stats.js';
import type { Rng } from '../core/rng.js';
import { clipPrediction } from './clip.js';
import { MLPDenoiser, type MLPDenoiserConfig } from './denoisers/mlp.js';
import type { Denoiser } from './denoisers/types.js';
import { UNet1DDenoiser, type UNet1DDenoiserConfig } from './denoisers/unet1d.js';
import { UNet2DDenoiser, type UNet2DDenoiserConfig } from './denoisers/unet2d.js';
import { contextGuidedPredict, guidedPredict, plainPredict, type PredictFn } from './guidance.js';
import { inpaintLoop } from './inpaint.js';
import { sampleLoop, type SampleLoopResult, type Scheduler } from './sample.js';
import { sdeditLoop } from './sdedit.js';
import { alphasCumprod, alphasFromBetas, makeBetas, resolveScheduleConfig, type ResolvedScheduleConfig, type ScheduleConfig } from './schedules.js';
import { DDIMScheduler } from './schedulers/ddim.js';
import { DDPMScheduler } from './schedulers/ddpm.js';
import { DPMSolverMultistepScheduler } from './schedulers/dpm-solver.js';
import { EulerDiscreteScheduler } from './schedulers/euler.js';
import type { PredictionType } from './schedulers/common.js';
import { trainDenoiser, type TrainDenoiserOptions } from './train.js';
import type { ParamJSON } from '../neural/params.js';

import { SCHEDULER_NAMES, type SchedulerName } from './scheduler-names.js';
export { SCHEDULER_NAMES, type SchedulerName };

const VERSION = 1;

/** Which denoiser to train, and its size; `numClasses` and `seed` come from the fit's options. */
export type DenoiserChoice =
  | ({ kind?: 'mlp' } & Pick<MLPDenoiserConfig, 'width' | 'blocks' | 'timeEmbedding'>)
  | ({ kind: 'unet1d' } & Omit<UNet1DDenoiserConfig, 'length' | 'numClasses' | 'contextSize' | 'seed'>)
  | ({ kind: 'unet2d' } & Omit<UNet2DDenoiserConfig, 'numClasses' | 'contextSize' | 'seed'>);

/**
 * How rows are put on the model's scale: 'column' standardises each column (tabular rows, points),
 * 'global' uses one mean and sd for all values (windows of a series, audio frames: every position
 * is alike), and `{ center, scale }` is a fixed map z = (x − center)/scale (images: pixels in
 * [0, 1] with center 0.5 and scale 0.5 give [−1, 1]).
 */
export type DiffusionScaling = 'column' | 'global' | { center: number; scale: number };

/** Height, width and channels of image rows (stored NHWC, one image per row). */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export interface FitDiffusionOptions extends Omit<TrainDenoiserOptions, 'labels' | 'context'> {
  /** Column names (default x1, x2, …). */
  columns?: readonly string[];
  /** Denoiser kind and size (default the MLP). A 'unet2d' needs height·width·channels = dim. */
  denoiser?: DenoiserChoice;
  /** How the data are scaled for the network (default 'column'). */
  scaling?: DiffusionScaling;
  /**
   * Clip x̂₀ at ±range (on the model's scale) at every sampling step: 'auto' (the default) takes the
   * largest |value| of the scaled training data, a number sets it, false turns clipping off.
   */
  clipSample?: number | 'auto' | false;
  /** Class label per row (integers 0..K−1) for a conditional model. */
  labels?: ArrayLike<number>;
  /** Names of the classes (default '0', '1', …). */
  classNames?: readonly string[];
  /** The rows are audio frames at this sample rate (Hz); kept with the model for restoration. */
  sampleRate?: number;
  /**
   * A context vector per row to condition on (rows × K row-major, or an array of rows): the
   * denoiser (a U-Net) adds a linear map of it, standardised per entry, to its time embedding.
   * Sampling then takes `context` too.
   */
  context?: ArrayLike<number> | readonly ArrayLike<number>[];
  /** How the contexts were made (kept with the model, e.g. { kind: 'lpc', order: 16 }), for code that makes them again. */
  contextSource?: ContextSource;
  /**
   * How contexts are put on the network's scale: 'entry' (the default) standardises each entry over
   * the rows; `{ center, scale }` maps every entry by (c − center)/scale — image contexts (previous
   * frames), where a per-pixel sd would blow up pixels that are rarely inked.
   */
  contextScaling?: 'entry' | { center: number; scale: number };
}

/** How a model's context vectors are made from raw data, as plain JSON (read by the code that made them). */
export type ContextSource = Readonly<Record<string, string | number>>;

/** A context-conditioned model's context: its size, standardisation, and where it comes from. */
export interface ContextInfo {
  readonly size: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly source?: ContextSource;
}

export interface DiffusionSampleOptions {
  /** Scheduler (default 'ddim'). */
  scheduler?: SchedulerName;
  /** Inference steps (default 1000 for ddpm, 50 for ddim and euler, 20 for dpm++). */
  steps?: number;
  rng: Rng;
  /** Generate this class (conditional models). */
  classLabel?: number;
  /** Classifier-free guidance scale (default 1: no extra guidance). Needs a conditional model. */
  guidance?: number;
  /** DDIM η (default 0: deterministic given the starting noise). */
  eta?: number;
  /** Context vectors (context-conditioned models): one row of the model's context size shared by all rows, or one per row. */
  context?: ArrayLike<number>;
  /** Keep the intermediate samples (on the data scale). */
  trajectory?: boolean;
  /** Clip x̂₀ to the model's range (default true when the model has one). */
  clip?: boolean;
}

/** What a model holds besides its weights and scaling. */
export interface DiffusionModelExtras {
  /** x̂₀ is clipped at ±clipRange (model scale) while sampling. */
  readonly clipRange?: number;
  /** Rows are images of this shape. */
  readonly image?: ImageShape;
  /** Rows are frames of audio at this sample rate (Hz). */
  readonly audio?: { readonly sampleRate: number };
  /** Rows are conditioned on a context vector. */
  readonly context?: ContextInfo;
}

export interface DiffusionModelJSON {
  readonly kind: 'diffusion';
  readonly version: number;
  readonly columns: readonly string[];
  readonly classNames: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly schedule: { numTrainTimesteps: number; betaStart: number; betaEnd: number; betaSchedule: string };
  readonly prediction: PredictionType;
  readonly trainLoss: number;
  readonly clipRange?: number;
  readonly image?: ImageShape;
  readonly audio?: { readonly sampleRate: number };
  readonly context?: ContextInfo;
  readonly denoiser: { readonly kind: string; readonly config: Readonly<Record<string, unknown>>; readonly params: readonly ParamJSON[] };
}

/** Denoisers a model file may hold, by `kind`. */
const DENOISERS: Record<string, (json: DiffusionModelJSON['denoiser']) => Denoiser> = {
  mlp: (json) => MLPDenoiser.fromJSON(json),
  unet1d: (json) => UNet1DDenoiser.fromJSON(json),
  unet2d: (json) => UNet2DDenoiser.fromJSON(json),
};

export class DiffusionModel {
  readonly kind = 'diffusion' as const;
  constructor(
    readonly denoiser: Denoiser,
    readonly schedule: ResolvedScheduleConfig,
    readonly prediction: PredictionType,
    readonly columns: readonly string[],
    readonly classNames: readonly string[],
    readonly mean: Float64Array,
    readonly std: Float64Array,
    /** Mean training loss over the last 10% of steps. */
    readonly trainLoss: number,
    readonly extras: DiffusionModelExtras = {},
  ) {}

  /** x̂₀ is clipped at ±clipRange while sampling (undefined: no clipping). */
  get clipRange(): number | undefined {
    return this.extras.clipRange;
  }

  /** The image shape of image models. */
  get image(): ImageShape | undefined {
    return this.extras.image;
  }

  /** Frees the denoiser's tensors (the model cannot be used afterwards). */
  dispose(): void {
    this.denoiser.params.dispose();
  }

  get conditional(): boolean {
    return this.classNames.length > 0;
  }

  /** A scheduler of the given kind for this model's schedule and parameterisation. */
  scheduler(name: SchedulerName = 'ddim'): Scheduler {
    const base = { numTrainTimesteps: this.schedule.numTrainTimesteps, betaStart: this.schedule.betaStart, betaEnd: this.schedule.betaEnd, betaSchedule: this.schedule.betaSchedule, predictionType: this.prediction };
    switch (name) {
      // The data are standardised, not scaled to [−1, 1]: no clipping of x̂₀.
      case 'ddpm': return new DDPMScheduler({ ...base, clipSample: false });
      case 'ddim': return new DDIMScheduler({ ...base, clipSample: false });
      // With the cosine schedule ᾱ at the last step is ~0 and λ = log(α/σ) → −∞; diffusers clips λ
      // at −5.1 for such schedules (its `lambda_min_clipped`), without which the first steps blow up.
      case 'dpm++': return new DPMSolverMultistepScheduler({ ...base, solverOrder: 2, ...(this.schedule.betaSchedule === 'squaredcos_cap_v2' ? { lambdaMinClipped: -5.1 } : {}) });
      case 'euler': return new EulerDiscreteScheduler(base);
      default: throw new ArgumentError(`unknown scheduler '${String(name)}'; use ${SCHEDULER_NAMES.join(', ')}`, 'scheduler');
    }
  }

  /** n new rows on the data's scale (row-major, `columns.length` per row). */
  sample(n: number, options: DiffusionSampleOptions): { samples: Float64Array; trajectory?: Float64Array[] } {
    const { scheduler, steps, predict } = this.sampler(n, options);
    const r = sampleLoop(scheduler, predict, { n, sampleSize: this.columns.length, steps, rng: options.rng, trajectory: options.trajectory, eta: options.eta });
    return this.result(r);
  }

  /**
   * Fills in the values where `mask` is 0 (RePaint, inpaint.ts): `known` holds n rows on the data's
   * scale (only the mask-1 values are read), `mask` one 0/1 per value, or one row shared by all.
   * `jumps` > 1 resamples each step (DDPM and DDIM only).
   */
  inpaint(known: ArrayLike<number>, mask: Uint8Array | Float32Array, options: DiffusionSampleOptions & { jumps?: number; jumpLength?: number }): { samples: Float64Array; trajectory?: Float64Array[] } {
    const d = this.columns.length;
    const n = this.rowCount(known, 'inpaint', 'known');
    const { scheduler, steps, predict } = this.sampler(n, options);
    // Values under mask 0 may be anything (NaN for "missing"); only the known ones are scaled.
    const z = this.scale(Array.from(known, (v, i) => ((mask.length === d ? mask[i % d] : mask[i]) === 1 ? v : 0)));
    const r = inpaintLoop(scheduler, predict, { n, sampleSize: d, steps, rng: options.rng, trajectory: options.trajectory, eta: options.eta, known: z, mask, jumps: options.jumps, jumpLength: options.jumpLength });
    return this.result(r);
  }

  /**
   * SDEdit (sdedit.ts): noise the rows `input` (data scale) to `strength`·T and denoise them again
   * (a variation of the input). With `noisy: true` the input's own noise is taken as the noise of
   * that level (see {@link strengthForNoise}) and nothing is added: restoration of noisy data.
   */
  restore(input: ArrayLike<number>, options: DiffusionSampleOptions & { strength: number; noisy?: boolean }): { samples: Float64Array; trajectory?: Float64Array[] } {
    const d = this.columns.length;
    const n = this.rowCount(input, 'restore', 'input');
    const { scheduler, steps, predict } = this.sampler(n, options);
    const r = sdeditLoop(scheduler, predict, { n, sampleSize: d, steps, rng: options.rng, trajectory: options.trajectory, eta: options.eta, input: this.scale(input), strength: options.strength, noisy: options.noisy });
    return this.result(r);
  }

  /**
   * The training timestep whose noise level σ_t/α_t = √((1−ᾱ)/ᾱ) equals `noiseSd` on the data's
   * scale (per-column scalings: their mean), as a strength for {@link restore}: white Gaussian noise
   * of that sd turns a clean row, scaled by α_t, into exactly a draw of x_t.
   */
  strengthForNoise(noiseSd: number): number {
    if (!(noiseSd > 0) || !Number.isFinite(noiseSd)) throw new ArgumentError(`noise sd must be a finite number > 0, got ${noiseSd}`, 'noiseSd');
    const sd = noiseSd / (this.std.reduce((a, b) => a + b, 0) / this.std.length);
    const abar = this.alphasCumprod();
    let t = 0;
    while (t < abar.length - 1 && Math.sqrt((1 - abar[t]) / abar[t]) < sd) t++;
    return (t + 1) / abar.length;
  }

  /** How many whole rows `x` holds (a DataError naming the method and argument otherwise). */
  private rowCount(x: ArrayLike<number>, method: string, argument: string): number {
    const d = this.columns.length;
    if (x.length === 0 || x.length % d !== 0) throw new DataError(`${method}: ${argument} has ${x.length} values, not whole rows of ${d}`, argument);
    return x.length / d;
  }

  /** Scheduler, step count and (guided, clipped) prediction for a run of n rows. */
  private sampler(n: number, options: DiffusionSampleOptions): { scheduler: Scheduler; steps: number; predict: PredictFn } {
    if (!options || typeof options !== 'object') throw new ArgumentError('sampling needs options with a seeded rng: { rng: createRng(seed) }', 'rng');
    const name = options.scheduler ?? 'ddim';
    const scheduler = this.scheduler(name);
    const steps = options.steps ?? (name === 'ddpm' ? this.schedule.numTrainTimesteps : name === 'dpm++' ? 20 : 50);
    checkPositiveInt(n, 'n');
    // Each row's values live in a handful of float32/float64 buffers (x_t, the prediction, the
    // scheduler's terms, the unscaled result), and once per step more with a trajectory.
    const d = this.columns.length;
    const perRow = d * 8 * (16 + (options.trajectory && Number.isInteger(steps) && steps > 0 ? 2 * steps : 0));
    checkBudget(n, perRow, 'n', options.trajectory ? `rows with a trajectory of ${steps} steps` : `rows of ${d} value${d === 1 ? '' : 's'}`);
    const context = this.contextRows(n, options.context);
    let predict = plainPredict(this.denoiser, undefined, context);
    const guidance = options.guidance;
    if (options.classLabel === undefined && guidance !== undefined && context) {
      // Guidance towards the context (a model trained with context dropout).
      predict = contextGuidedPredict(this.denoiser, context, guidance);
    } else if (options.classLabel !== undefined || guidance !== undefined) {
      if (!this.conditional) throw new ArgumentError('class and guidance need a conditional model (train with labels / --conditional, or with a context); this model is unconditional', options.classLabel !== undefined ? 'class' : 'guidance');
      const c = options.classLabel;
      if (c === undefined) throw new ArgumentError('guidance needs a class to guide towards', 'class');
      predict = guidedPredict(this.denoiser, new Int32Array(n).fill(c), guidance ?? 1, context);
    }
    if (options.eta !== undefined && name !== 'ddim') throw new ArgumentError(`eta applies to the ddim scheduler only, not '${name}'`, 'eta');
    return { scheduler, steps, predict: this.clipped(predict, options.clip) };
  }

  /** The standardised context of n rows from options (one shared row or one per row), or a typed error. */
  private contextRows(n: number, given: ArrayLike<number> | undefined): Float32Array | undefined {
    const info = this.extras.context;
    if (!info) {
      if (given !== undefined) throw new ArgumentError('context needs a context-conditioned model (fitDiffusion with context); this model takes none', 'context');
      return undefined;
    }
    const k = info.size;
    if (given === undefined || given === null) throw new ArgumentError(`this model is conditioned on a context of ${k} values per row; give options.context (one row, or one per sample)`, 'context');
    if (given.length !== k && given.length !== n * k) throw new ArgumentError(`context has ${given.length} values; give one row of ${k} or ${n} rows (${n * k} values)`, 'context');
    const out = new Float32Array(n * k);
    for (let i = 0; i < n * k; i++) {
      const v = given.length === k ? given[i % k] : given[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`context value ${i % given.length} is not a finite number (${String(v)})`, 'context');
      out[i] = (v - info.mean[i % k]) / info.std[i % k];
    }
    return out;
  }

  private result(r: SampleLoopResult): { samples: Float64Array; trajectory?: Float64Array[] } {
    const out = { samples: this.unscale(r.samples) } as { samples: Float64Array; trajectory?: Float64Array[] };
    if (r.trajectory) out.trajectory = r.trajectory.map((x) => this.unscale(x));
    return out;
  }

  /** `predict` with x̂₀ clipped to the model's range (unless turned off or the model has none). */
  private clipped(predict: PredictFn, clip = true): PredictFn {
    const range = this.extras.clipRange;
    if (!clip || range === undefined) return predict;
    return clipPrediction(predict, this.alphasCumprod(), this.prediction, range);
  }

  private alphasCumprod(): Float32Array {
    return alphasCumprod(alphasFromBetas(makeBetas(this.schedule)));
  }

  /** Rows on the data's scale → the model's scale. */
  scale(x: ArrayLike<number>): Float32Array {
    const d = this.columns.length;
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i] - this.mean[i % d]) / this.std[i % d];
    return out;
  }

  /** Rows on the model's scale → the data's scale. */
  unscale(x: Float32Array): Float64Array {
    const d = this.columns.length;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] * this.std[i % d] + this.mean[i % d];
    return out;
  }

  toJSON(): DiffusionModelJSON {
    const s = this.schedule;
    return {
      kind: 'diffusion',
      version: VERSION,
      columns: [...this.columns],
      classNames: [...this.classNames],
      mean: Array.from(this.mean),
      std: Array.from(this.std),
      schedule: { numTrainTimesteps: s.numTrainTimesteps, betaStart: s.betaStart, betaEnd: s.betaEnd, betaSchedule: s.betaSchedule },
      prediction: this.prediction,
      trainLoss: this.trainLoss,
      ...(this.extras.clipRange === undefined ? {} : { clipRange: this.extras.clipRange }),
      ...(this.extras.image ? { image: { ...this.extras.image } } : {}),
      ...(this.extras.audio ? { audio: { ...this.extras.audio } } : {}),
      ...(this.extras.context ? { context: contextJSON(this.extras.context) } : {}),
      denoiser: this.denoiser.toJSON(),
    };
  }

  static fromJSON(json: DiffusionModelJSON): DiffusionModel {
    if (json?.kind !== 'diffusion') throw new DataError(`model file: expected a diffusion model, got kind '${(json as { kind?: string })?.kind}'`, 'model');
    if (json.version !== VERSION) throw new DataError(`model file: version ${json.version} is not supported by this ardiff (it reads version ${VERSION}); retrain the model`, 'model');
    const d = json.columns?.length ?? 0;
    if (d < 1 || json.mean?.length !== d || json.std?.length !== d) throw new DataError('model file: columns, mean and std must have one entry per column; the file is corrupt', 'model');
    if (!json.columns.every((c) => typeof c === 'string')) throw new DataError('model file: columns must be names (strings); the file is corrupt', 'model');
    if (!json.mean.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new DataError('model file: mean holds a value that is not a finite number; the file is corrupt', 'model');
    if (!json.std.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new DataError('model file: std must hold finite numbers > 0; the file is corrupt', 'model');
    let schedule: ResolvedScheduleConfig;
    try {
      schedule = resolveScheduleConfig(json.schedule as ScheduleConfig);
    } catch (e) {
      if (e instanceof ArdiffError) throw new DataError(`model file: schedule: ${e.message}; the file is corrupt`, 'model');
      throw e;
    }
    const kind = json.denoiser?.kind;
    const restore = typeof kind === 'string' && Object.hasOwn(DENOISERS, kind) ? DENOISERS[kind] : undefined;
    if (!restore) throw new DataError(`model file: unknown denoiser '${json.denoiser?.kind}'`, 'model');
    const denoiser = restore(json.denoiser);
    if (denoiser.sampleSize !== d) throw new DataError(`model file: the denoiser takes ${denoiser.sampleSize} values per sample, the model has ${d} columns; the file is corrupt`, 'model');
    if (json.clipRange !== undefined && !(json.clipRange > 0)) throw new DataError(`model file: clipRange must be > 0, got ${json.clipRange}; the file is corrupt`, 'model');
    const im = json.image;
    if (im !== undefined && !(im.height * im.width * im.channels === d)) throw new DataError(`model file: image ${im.height}×${im.width}×${im.channels} does not match ${d} columns; the file is corrupt`, 'model');
    if (json.audio !== undefined && !(json.audio.sampleRate > 0)) throw new DataError(`model file: audio sample rate must be > 0, got ${json.audio.sampleRate}; the file is corrupt`, 'model');
    const ctx = json.context;
    if ((ctx?.size ?? 0) !== denoiser.contextSize) throw new DataError(`model file: the denoiser takes a context of ${denoiser.contextSize} values, the model's context has ${ctx?.size ?? 0}; the file is corrupt`, 'model');
    if (ctx && !(Array.isArray(ctx.mean) && Array.isArray(ctx.std) && ctx.mean.length === ctx.size && ctx.std.length === ctx.size
      && ctx.mean.every((v) => Number.isFinite(v)) && ctx.std.every((v) => Number.isFinite(v) && v > 0))) {
      throw new DataError('model file: the context\'s mean and std must hold one finite number per entry (std > 0); the file is corrupt', 'model');
    }
    const extras: DiffusionModelExtras = {
      ...(json.clipRange === undefined ? {} : { clipRange: json.clipRange }),
      ...(im ? { image: { height: im.height, width: im.width, channels: im.channels } } : {}),
      ...(json.audio ? { audio: { sampleRate: json.audio.sampleRate } } : {}),
      ...(ctx ? { context: contextJSON(ctx) } : {}),
    };
    return new DiffusionModel(denoiser, schedule, json.prediction, json.columns, json.classNames, Float64Array.from(json.mean), Float64Array.from(json.std), json.trainLoss, extras);
  }
}

/**
 * Scales the data (per column by default), builds the chosen denoiser (an MLP by default) and
 * trains it. `data` is row-major with `dim` values per row (or an array of rows).
 */
export function fitDiffusion(data: ArrayLike<number> | readonly ArrayLike<number>[], dim: number, options: FitDiffusionOptions = {}): DiffusionModel {
  if (!Number.isInteger(dim) || dim < 1) throw new ArgumentError(`fitDiffusion: dim must be a positive integer, got ${dim}`, 'dim');
  const flat = isRows(data) ? flatten(data, dim) : Float64Array.from(data);
  if (flat.length === 0 || flat.length % dim !== 0) throw new DataError(`fitDiffusion: ${flat.length} values are not whole rows of ${dim}`, 'data');
  const n = flat.length / dim;
  if (n < 2) throw new DataError('fitDiffusion: need at least two rows', 'data');
  for (let i = 0; i < flat.length; i++) if (!Number.isFinite(flat[i])) throw new DataError(`fitDiffusion: row ${Math.floor(i / dim) + 1}, column ${(i % dim) + 1} is not a finite number (${flat[i]}); remove or impute it`, 'data');
  const columns = options.columns ?? Array.from({ length: dim }, (_, j) => `x${j + 1}`);
  if (columns.length !== dim) throw new ArgumentError(`fitDiffusion: ${columns.length} column names for ${dim} columns`, 'columns');
  const { mean, std } = scalingOf(flat, dim, columns, options.scaling ?? 'column');
  const z = new Float32Array(flat.length);
  let maxAbs = 0;
  for (let i = 0; i < flat.length; i++) {
    z[i] = (flat[i] - mean[i % dim]) / std[i % dim];
    maxAbs = Math.max(maxAbs, Math.abs(z[i]));
  }
  const clip = options.clipSample ?? 'auto';
  if (typeof clip === 'number' && !(clip > 0 && Number.isFinite(clip))) throw new ArgumentError(`fitDiffusion: clipSample must be 'auto', false or a number > 0, got ${clip}`, 'clipSample');
  const clipRange = clip === false ? undefined : clip === 'auto' ? maxAbs : clip;

  let labels: Int32Array | undefined;
  let classNames: readonly string[] = [];
  if (options.labels) {
    labels = Int32Array.from(options.labels);
    if (labels.length !== n) throw new DataError(`fitDiffusion: ${labels.length} labels for ${n} rows`, 'labels');
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(options.labels[i]) || options.labels[i] < 0) throw new DataError(`fitDiffusion: label of row ${i + 1} is ${options.labels[i]}; labels are integers 0..K−1`, 'labels');
      k = Math.max(k, labels[i] + 1);
    }
    classNames = options.classNames ?? Array.from({ length: k }, (_, i) => String(i));
    if (classNames.length < k) throw new ArgumentError(`fitDiffusion: ${classNames.length} class names for ${k} classes`, 'classNames');
  }
  // A token context (cross-attention) carries padding flags and a zero "no text" row that a
  // per-entry standardisation would shift: it is used as given.
  const tokenContext = ((options.denoiser as { contextTokens?: number } | undefined)?.contextTokens ?? 0) > 0;
  const cs = options.contextScaling as unknown;
  if (tokenContext && cs !== undefined && !(typeof cs === 'object' && cs !== null && (cs as { center?: unknown }).center === 0 && (cs as { scale?: unknown }).scale === 1)) {
    throw new ArgumentError('fitDiffusion: a token context (contextTokens > 0) is used as given; leave contextScaling out or give { center: 0, scale: 1 }', 'contextScaling');
  }
  const context = options.context === undefined ? undefined : contextOf(options.context, n, options.contextSource, options.contextScaling ?? (tokenContext ? { center: 0, scale: 1 } : 'entry'));
  const prediction = options.prediction ?? 'epsilon';
  const schedule = resolveScheduleConfig(options.schedule);
  const { denoiser, image } = buildDenoiser(options.denoiser ?? {}, dim, classNames.length, options.seed ?? 0, context?.info.size ?? 0);
  // Convolutional denoisers cost far more per row than the MLP: smaller default batches.
  const batchSize = options.batchSize ?? (denoiser.kind === 'mlp' ? 256 : 32);
  const { losses } = trainDenoiser(denoiser, z, { ...options, batchSize, schedule, prediction, labels, context: context?.z });
  const tail = losses.subarray(Math.floor(losses.length * 0.9));
  const trainLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
  const sr = options.sampleRate;
  if (sr !== undefined && !(sr > 0 && Number.isFinite(sr))) throw new ArgumentError(`fitDiffusion: sampleRate must be a positive number of Hz, got ${sr}`, 'sampleRate');
  const extras: DiffusionModelExtras = {
    ...(clipRange === undefined ? {} : { clipRange }), ...(image ? { image } : {}), ...(sr === undefined ? {} : { audio: { sampleRate: sr } }),
    ...(context ? { context: context.info } : {}),
  };
  return new DiffusionModel(denoiser, schedule, prediction, columns, classNames, mean, std, trainLoss, extras);
}

/** Mean and sd per column for the chosen scaling (constant data cannot be scaled: a DataError). */
function scalingOf(flat: Float64Array, dim: number, columns: readonly string[], scaling: DiffusionScaling): { mean: Float64Array; std: Float64Array } {
  const n = flat.length / dim;
  const mean = new Float64Array(dim), std = new Float64Array(dim);
  if (typeof scaling === 'object' && scaling !== null) {
    const { center, scale } = scaling;
    if (!Number.isFinite(center) || !(scale > 0 && Number.isFinite(scale))) throw new ArgumentError(`fitDiffusion: scaling needs a finite center and a scale > 0, got ${center} and ${scale}`, 'scaling');
    return { mean: mean.fill(center), std: std.fill(scale) };
  }
  // meanSd: data near ±1e308 or 1e-300 once gave an infinite or zero sd (a model that could not
  // be loaded, or "constant" columns). The tests are relative: rounding leaves a constant's sd at
  // ~1e-16 of its mean rather than 0.
  if (scaling === 'global') {
    const { mean: m, sd } = meanSd(flat);
    if (!(sd > 1e-12 * Math.abs(m))) throw new DataError('fitDiffusion: every value is the same; there is nothing to model', 'data');
    return { mean: mean.fill(m), std: std.fill(sd) };
  }
  if (scaling !== 'column') throw new ArgumentError(`fitDiffusion: scaling must be 'column', 'global' or { center, scale }, got '${String(scaling)}'`, 'scaling');
  const col = new Float64Array(n);
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) col[i] = flat[i * dim + j];
    ({ mean: mean[j], sd: std[j] } = meanSd(col));
    if (!(std[j] > 1e-12 * Math.abs(mean[j]))) throw new DataError(`fitDiffusion: column '${columns[j]}' is constant; drop it or use scaling 'global'`, 'data');
  }
  return { mean, std };
}

/** A plain copy of a context description (numbers in arrays, the source as given). */
function contextJSON(c: ContextInfo): ContextInfo {
  return { size: c.size, mean: Array.from(c.mean), std: Array.from(c.std), ...(c.source ? { source: { ...c.source } } : {}) };
}

/**
 * The training contexts, checked and standardised per entry (an entry constant over the rows keeps
 * sd 1: it carries no information, and is merely centred).
 */
function contextOf(given: ArrayLike<number> | readonly ArrayLike<number>[], n: number, source: ContextSource | undefined, scaling: 'entry' | { center: number; scale: number }): { z: Float32Array; info: ContextInfo } {
  if (isRows(given) && given.length !== n) throw new DataError(`fitDiffusion: ${given.length} context rows for ${n} rows of data`, 'context');
  const k = isRows(given) ? given[0].length : given.length / n;
  if (!Number.isInteger(k) || k < 1) throw new DataError(`fitDiffusion: context has ${isRows(given) ? 'empty rows' : `${given.length} values, not whole rows for ${n} rows of data`}`, 'context');
  const flat = isRows(given) ? flatten(given, k) : Float64Array.from(given);
  for (let i = 0; i < flat.length; i++) if (!Number.isFinite(flat[i])) throw new DataError(`fitDiffusion: context row ${Math.floor(i / k) + 1}, entry ${(i % k) + 1} is not a finite number (${flat[i]})`, 'context');
  const mean = new Array<number>(k), std = new Array<number>(k);
  if (typeof scaling === 'object' && scaling !== null) {
    if (!Number.isFinite(scaling.center) || !(scaling.scale > 0 && Number.isFinite(scaling.scale))) throw new ArgumentError(`fitDiffusion: contextScaling needs a finite center and a scale > 0, got ${scaling.center} and ${scaling.scale}`, 'contextScaling');
    mean.fill(scaling.center);
    std.fill(scaling.scale);
  } else {
    if (scaling !== 'entry') throw new ArgumentError(`fitDiffusion: contextScaling must be 'entry' or { center, scale }, got '${String(scaling)}'`, 'contextScaling');
    const col = new Float64Array(n);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < n; i++) col[i] = flat[i * k + j];
      const m = meanSd(col);
      mean[j] = m.mean;
      std[j] = m.sd > 1e-12 * Math.max(1, Math.abs(m.mean)) ? m.sd : 1;
    }
  }
  const z = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) z[i] = (flat[i] - mean[i % k]) / std[i % k];
  return { z, info: { size: k, mean, std, ...(source ? { source: { ...source } } : {}) } };
}

function buildDenoiser(choice: DenoiserChoice, dim: number, numClasses: number, seed: number, contextSize = 0): { denoiser: Denoiser; image?: ImageShape } {
  const kind = choice.kind ?? 'mlp';
  if (contextSize > 0 && kind === 'mlp') throw new ArgumentError('fitDiffusion: a context needs a U-Net denoiser (kind unet1d or unet2d); the MLP takes none', 'context');
  switch (kind) {
    case 'mlp': {
      const { kind: _k, ...config } = choice as { kind?: 'mlp' } & Pick<MLPDenoiserConfig, 'width' | 'blocks' | 'timeEmbedding'>;
      return { denoiser: new MLPDenoiser({ ...config, sampleSize: dim, numClasses, seed }) };
    }
    case 'unet1d': {
      const { kind: _k, ...config } = choice as { kind: 'unet1d' } & Omit<UNet1DDenoiserConfig, 'length'>;
      return { denoiser: new UNet1DDenoiser({ ...config, length: dim, numClasses, contextSize, seed }) };
    }
    case 'unet2d': {
      const { kind: _k, ...config } = choice as { kind: 'unet2d' } & UNet2DDenoiserConfig;
      const denoiser = new UNet2DDenoiser({ ...config, numClasses, contextSize, seed });
      const { height, width, channels } = denoiser.config;
      if (denoiser.sampleSize !== dim) throw new ArgumentError(`fitDiffusion: a ${height}×${width}×${channels} U-Net takes ${denoiser.sampleSize} values per row, the data have ${dim}; set height, width and channels to the images' shape`, 'denoiser');
      return { denoiser, image: { height, width, channels } };
    }
    default:
      throw new ArgumentError(`fitDiffusion: unknown denoiser kind '${String(choice.kind)}'; use mlp, unet1d or unet2d`, 'denoiser');
  }
}

function isRows(data: ArrayLike<number> | readonly ArrayLike<number>[]): data is readonly ArrayLike<number>[] {
  return data.length > 0 && typeof data[0] === 'object';
}

function flatten(rows: readonly ArrayLike<number>[], dim: number): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => {
    if (r.length !== dim) throw new DataError(`fitDiffusion: row ${i + 1} has ${r.length} values, expected ${dim}`, 'data');
    for (let j = 0; j < dim; j++) out[i * dim + j] = r[j];
  });
  return out;
}
