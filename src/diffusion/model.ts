/**
 * A trained diffusion model of rows of numbers (points, tabular rows): the denoiser, the noise
 * schedule and parameterisation it was trained with, the per-column standardisation of the data,
 * and the column and class names — everything needed to sample with any scheduler and to save and
 * restore the model as plain JSON.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { MLPDenoiser, type MLPDenoiserConfig } from './denoisers/mlp.js';
import type { Denoiser } from './denoisers/types.js';
import { UNet1DDenoiser } from './denoisers/unet1d.js';
import { UNet2DDenoiser } from './denoisers/unet2d.js';
import { guidedPredict, plainPredict } from './guidance.js';
import { sampleLoop, type Scheduler } from './sample.js';
import { resolveScheduleConfig, type ResolvedScheduleConfig, type ScheduleConfig } from './schedules.js';
import { DDIMScheduler } from './schedulers/ddim.js';
import { DDPMScheduler } from './schedulers/ddpm.js';
import { DPMSolverMultistepScheduler } from './schedulers/dpm-solver.js';
import { EulerDiscreteScheduler } from './schedulers/euler.js';
import type { PredictionType } from './schedulers/common.js';
import { trainDenoiser, type TrainDenoiserOptions } from './train.js';
import type { ParamJSON } from '../neural/params.js';

export type SchedulerName = 'ddpm' | 'ddim' | 'dpm++' | 'euler';
export const SCHEDULER_NAMES: readonly SchedulerName[] = ['ddpm', 'ddim', 'dpm++', 'euler'];

const VERSION = 1;

export interface FitDiffusionOptions extends Omit<TrainDenoiserOptions, 'labels'> {
  /** Column names (default x1, x2, …). */
  columns?: readonly string[];
  /** Denoiser size: width, blocks, timeEmbedding (the MLP denoiser). */
  denoiser?: Pick<MLPDenoiserConfig, 'width' | 'blocks' | 'timeEmbedding'>;
  /** Class label per row (integers 0..K−1) for a conditional model. */
  labels?: ArrayLike<number>;
  /** Names of the classes (default '0', '1', …). */
  classNames?: readonly string[];
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
  /** Keep the intermediate samples (on the data scale). */
  trajectory?: boolean;
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
  readonly denoiser: { readonly kind: string; readonly config: Readonly<Record<string, unknown>>; readonly params: readonly ParamJSON[] };
}

/** Denoisers a model file may hold, by `kind`. */
const DENOISERS: Record<string, (json: DiffusionModelJSON['denoiser']) => Denoiser> = {
  mlp: (json) => MLPDenoiser.fromJSON(json),
  unet1d: (json) => UNet1DDenoiser.fromJSON(json),
  unet2d: (json) => UNet2DDenoiser.fromJSON(json),
};

export class DiffusionModel {
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
  ) {}

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
    const name = options.scheduler ?? 'ddim';
    const scheduler = this.scheduler(name);
    const steps = options.steps ?? (name === 'ddpm' ? this.schedule.numTrainTimesteps : name === 'dpm++' ? 20 : 50);
    let predict = plainPredict(this.denoiser);
    const guidance = options.guidance;
    if (options.classLabel !== undefined || guidance !== undefined) {
      if (!this.conditional) throw new ArgumentError('class and guidance need a conditional model (train with labels / --conditional); this model is unconditional', options.classLabel !== undefined ? 'class' : 'guidance');
      const c = options.classLabel;
      if (c === undefined) throw new ArgumentError('guidance needs a class to guide towards', 'class');
      predict = guidedPredict(this.denoiser, new Int32Array(n).fill(c), guidance ?? 1);
    }
    if (options.eta !== undefined && name !== 'ddim') throw new ArgumentError(`eta applies to the ddim scheduler only, not '${name}'`, 'eta');
    const r = sampleLoop(scheduler, predict, { n, sampleSize: this.columns.length, steps, rng: options.rng, trajectory: options.trajectory, eta: options.eta });
    const out = { samples: this.unscale(r.samples) } as { samples: Float64Array; trajectory?: Float64Array[] };
    if (r.trajectory) out.trajectory = r.trajectory.map((x) => this.unscale(x));
    return out;
  }

  private unscale(x: Float32Array): Float64Array {
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
      denoiser: this.denoiser.toJSON(),
    };
  }

  static fromJSON(json: DiffusionModelJSON): DiffusionModel {
    if (json?.kind !== 'diffusion') throw new DataError(`model file: expected a diffusion model, got kind '${(json as { kind?: string })?.kind}'`, 'model');
    if (json.version !== VERSION) throw new DataError(`model file: version ${json.version} is not supported by this ardiff (it reads version ${VERSION}); retrain the model`, 'model');
    const d = json.columns?.length ?? 0;
    if (d < 1 || json.mean?.length !== d || json.std?.length !== d) throw new DataError('model file: columns, mean and std must have one entry per column; the file is corrupt', 'model');
    const kind = json.denoiser?.kind;
    const restore = typeof kind === 'string' && Object.hasOwn(DENOISERS, kind) ? DENOISERS[kind] : undefined;
    if (!restore) throw new DataError(`model file: unknown denoiser '${json.denoiser?.kind}'`, 'model');
    const denoiser = restore(json.denoiser);
    if (denoiser.sampleSize !== d) throw new DataError(`model file: the denoiser takes ${denoiser.sampleSize} values per sample, the model has ${d} columns; the file is corrupt`, 'model');
    return new DiffusionModel(denoiser, resolveScheduleConfig(json.schedule as ScheduleConfig), json.prediction, json.columns, json.classNames, Float64Array.from(json.mean), Float64Array.from(json.std), json.trainLoss);
  }
}

/**
 * Standardises each column, builds an MLP denoiser and trains it. `data` is row-major with
 * `columns` values per row (or an array of rows).
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
  const mean = new Float64Array(dim), std = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += flat[i * dim + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) std[j] += (flat[i * dim + j] - mean[j]) ** 2 / (n - 1);
  for (let j = 0; j < dim; j++) {
    std[j] = Math.sqrt(std[j]);
    if (!(std[j] > 0)) throw new DataError(`fitDiffusion: column '${columns[j]}' is constant; drop it`, 'data');
  }
  const z = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) z[i] = (flat[i] - mean[i % dim]) / std[i % dim];

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
  const prediction = options.prediction ?? 'epsilon';
  const schedule = resolveScheduleConfig(options.schedule);
  const denoiser = new MLPDenoiser({ sampleSize: dim, ...options.denoiser, numClasses: classNames.length, seed: options.seed ?? 0 });
  const { losses } = trainDenoiser(denoiser, z, { ...options, schedule, prediction, labels });
  const tail = losses.subarray(Math.floor(losses.length * 0.9));
  const trainLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
  return new DiffusionModel(denoiser, schedule, prediction, columns, classNames, mean, std, trainLoss);
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
