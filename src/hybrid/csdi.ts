/**
 * CSDI (Tashiro, Song, Song & Ermon 2021, "CSDI: Conditional score-based diffusion models for
 * probabilistic time series imputation", NeurIPS): a diffusion model of the missing entries of K
 * aligned series given the observed ones. The denoiser (./csdi-net.ts) sees the conditional
 * observations, the noisy targets and side information (time and feature embeddings, the
 * conditional mask) and attends along time and across the features.
 *
 *   q(x^t | x^0) = N(√ᾱ_t x^0, (1 − ᾱ_t) I),  loss = ‖(ε − ε_θ(x^t_ta, t | x^co_0))·m_target‖² / Σ m_target
 *
 * As the reference implementation (github.com/ermongroup/CSDI, main_model.py `CSDI_base`, utils.py
 * `train`, config/base.yaml):
 * - each column is standardised by the mean and (population) sd of its observed values;
 * - training samples are windows of L consecutive rows (every start, shuffled each epoch); the
 *   "random" target strategy hides, per window, round(r·n_obs) of its n_obs observed entries with
 *   r ~ U(0, 1); the loss covers the hidden ones (Algorithm 1 with self-supervised targets);
 * - the diffusion has T = 50 steps, "quad" betas (√β linear from √1e-4 to √0.5); ε-prediction;
 * - the network: 4 residual layers, 64 channels, 8 heads, step embedding 128, time embedding 128,
 *   feature embedding 16; the transformer layers drop 0.1 while training (PyTorch's default);
 * - optimiser: weight decay 1e-6, lr 1e-3 cut ×0.1 at 75% and again at 90% of the epochs
 *   (MultiStepLR), batches of 16; no gradient clipping. ardiff's optimiser is AdamW, so the decay
 *   is decoupled (the reference's torch.optim.Adam adds it to the gradient; at 1e-6 the two agree
 *   to far below the noise of training);
 * - imputation: consecutive windows of L rows (the last one ending at the last row), each
 *   conditioned on all its observed entries; n ancestral DDPM paths over all T steps (Algorithm 2)
 *   per window; the point estimate is the median of the paths and the bands their quantiles.
 *
 * Differences from the reference, by necessity: the reference trains 200 epochs (about 50 000
 * steps on PhysioNet) on a GPU; on the wasm backend a step of the default network on 16 windows
 * of 4 × 36 takes about 0.6 s on one core, so the default here is 50 epochs of at most 40 batches
 * (2000 steps) — give `epochs`/`batchesPerEpoch` for more. Imputation costs T = 50 forward passes
 * per batch of (window, path) pairs (about 0.6 s for 64 windows of 4 × 36 with the default
 * network), so 100 paths for a few thousand rows take minutes. Every random draw (weights,
 * windows, masks, steps, noise, dropout, sampling) comes from the seed.
 *
 * @example
 * await initEngine();
 * const fit = fitCSDI({ names: ['a', 'b'], columns: [a, b] }, { epochs: 20, seed: 1 }); // NaN = missing
 * const { columns, quantiles } = fit.impute(undefined, { samples: 50 });            // medians, bands
 */
import { ArgumentError, ConvergenceError, DataError } from '../core/errors.js';
import { fmt, keyValueBlock, settingsSummary } from '../core/format.js';
import { createRng, shuffle, type Rng } from '../core/rng.js';
import { makeBetas } from '../diffusion/schedules.js';
import { requireEngine, withHeapGuard } from '../neural/engine/init.js';
import { tf } from '../neural/engine/tf.js';
import { AdamW } from '../neural/optim.js';
import { ParamStore, type ParamJSON } from '../neural/params.js';
import { addCSDINet, checkCSDINetConfig, CSDI_NET_DEFAULTS, CSDINet, csdiNetShapes, type CSDINetConfig } from './csdi-net.js';

/** Version of the JSON layout written by {@link FittedCSDI.toJSON}. */
export const CSDI_JSON_VERSION = 1;

/** The beta schedules of the reference: "quad" (√β linear) and "linear". */
export type CSDISchedule = 'quad' | 'linear';

/** Data: K named columns of equal length, NaN (or null) marking a missing value. */
export interface CSDIData {
  readonly names: readonly string[];
  readonly columns: readonly ArrayLike<number | null>[];
}

/** Every setting of a fitted model (resolved defaults included); the defaults in brackets. */
export interface CSDISettings {
  /** Window length L of training and imputation [36, or the series' length when shorter]. */
  window: number;
  /** Epochs [50; the reference: 200]. */
  epochs: number;
  /** Windows per batch [16, the reference's]. */
  batchSize: number;
  /** Most batches per epoch, drawn from successive shuffles of the windows [40; the reference: a full pass]. */
  batchesPerEpoch: number;
  /** Peak learning rate [1e-3], cut ×0.1 at 75% and at 90% of the epochs. */
  lr: number;
  /** Weight decay of every parameter (decoupled, AdamW) [1e-6]. */
  weightDecay: number;
  /** Dropout of the transformer layers while training [0.1, PyTorch's default that the reference keeps]. */
  dropout: number;
  /** Beta schedule ['quad']. */
  schedule: CSDISchedule;
  /** β of the first and last diffusion step [1e-4, 0.5]. */
  betaStart: number;
  betaEnd: number;
  /** Default sample paths of `impute` [100, the reference's nsample]. */
  samples: number;
  /** Network sizes (see CSDINetConfig; the features K are the data's) [4 layers, 64 channels, 8 heads, feed-forward 64, step embedding 128, T = 50 steps, time embedding 128, feature embedding 16]. */
  layers: number;
  channels: number;
  heads: number;
  feedForward: number;
  diffusionEmbedding: number;
  diffusionSteps: number;
  timeEmbedding: number;
  featureEmbedding: number;
}

/** Options of {@link fitCSDI}; every one has a default (the reference's config/base.yaml where it has one). */
export interface CSDIOptions extends Partial<CSDISettings> {
  /** Seed of the weights, windows, masks, steps, noise, dropout and of `impute`'s paths. Default 0. */
  seed?: number;
  /** Called after every epoch. */
  onEpoch?: (info: CSDIEpoch) => void;
}

/** Progress after an epoch. */
export interface CSDIEpoch {
  /** 1-based. */
  epoch: number;
  /** Mean training loss of the epoch's batches. */
  loss: number;
  /** Learning rate of the epoch. */
  lr: number;
  /** Seconds since training started. */
  seconds: number;
}

/** What training did. */
export interface CSDITraining {
  epochs: number;
  steps: number;
  /** Training windows available. */
  windows: number;
  /** Mean loss per epoch. */
  trainLoss: number[];
  seconds: number;
}

/** Options of {@link FittedCSDI.impute}. */
export interface CSDIImputeOptions {
  /** Sample paths per window (default the model's `samples`, 100 unless set at fit). */
  samples?: number;
  /** Seed of the paths (default the model's seed). */
  seed?: number;
  /** Quantile levels in (0, 1) to report. Default [0.05, 0.5, 0.95]. */
  quantiles?: readonly number[];
  /** Sequences denoised together (windows × paths per forward pass). Default 64. */
  batch?: number;
  /** Also return every path (`draws`). Default false. */
  keepSamples?: boolean;
}

/** The result of {@link FittedCSDI.impute}, in the data's units. */
export interface CSDIImputation {
  names: string[];
  /** The data with each missing value replaced by the median of its paths (observed values unchanged). */
  columns: Float64Array[];
  /** Per requested level, the columns with each missing value replaced by that quantile of its paths. */
  quantiles: { level: number; columns: Float64Array[] }[];
  /** Missing entries imputed. */
  missing: number;
  /** Paths per entry. */
  samples: number;
  seconds: number;
  /** With `keepSamples`: `draws[column][path]`, the data with the path's values at the missing entries. */
  draws?: Float64Array[][];
}

/** Plain-JSON form of a fitted model. */
export interface CSDIJSON {
  kind: 'csdi';
  version: number;
  names: string[];
  /** The training data (null = missing). */
  columns: (number | null)[][];
  mean: number[];
  sd: number[];
  settings: CSDISettings;
  seed: number;
  params: ParamJSON[];
  training: CSDITraining;
}

const DEFAULT_WINDOW = 36;
const DEFAULT_QUANTILES = [0.05, 0.5, 0.95] as const;
/** Default settings other than the window (which depends on the data). */
const CSDI_DEFAULTS = {
  epochs: 50, batchSize: 16, batchesPerEpoch: 40, lr: 1e-3, weightDecay: 1e-6, dropout: 0.1,
  schedule: 'quad' as CSDISchedule, betaStart: 1e-4, betaEnd: 0.5, samples: 100, ...CSDI_NET_DEFAULTS,
};

function posInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${name} must be a positive integer; got ${String(v)}`, name);
  return v;
}

/** Checks the options and resolves every setting for series of `n` rows. */
export function resolveCSDISettings(options: CSDIOptions, n: number): CSDISettings {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitCSDI: options must be an object', 'options');
  const o = { ...CSDI_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as CSDISettings & CSDIOptions;
  const window = posInt(options.window ?? Math.min(DEFAULT_WINDOW, n), 'window');
  if (window > n) throw new ArgumentError(`window (${window}) is longer than the data (${n} rows); use a window of at most ${n} rows`, 'window');
  for (const k of ['epochs', 'batchSize', 'batchesPerEpoch', 'samples'] as const) posInt(o[k], k);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) throw new ArgumentError(`lr must be a positive number; got ${String(o.lr)}`, 'lr');
  if (typeof o.weightDecay !== 'number' || !(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new ArgumentError(`weightDecay must be a number ≥ 0; got ${String(o.weightDecay)}`, 'weightDecay');
  if (typeof o.dropout !== 'number' || !(o.dropout >= 0 && o.dropout < 1)) throw new ArgumentError(`dropout must be in [0, 1); got ${String(o.dropout)}`, 'dropout');
  if (o.schedule !== 'quad' && o.schedule !== 'linear') throw new ArgumentError(`schedule must be 'quad' or 'linear'; got '${String(o.schedule)}'`, 'schedule');
  const settings: CSDISettings = {
    window, epochs: o.epochs, batchSize: o.batchSize, batchesPerEpoch: o.batchesPerEpoch, lr: o.lr, weightDecay: o.weightDecay, dropout: o.dropout,
    schedule: o.schedule, betaStart: o.betaStart, betaEnd: o.betaEnd, samples: o.samples,
    layers: o.layers, channels: o.channels, heads: o.heads, feedForward: o.feedForward, diffusionEmbedding: o.diffusionEmbedding,
    diffusionSteps: o.diffusionSteps, timeEmbedding: o.timeEmbedding, featureEmbedding: o.featureEmbedding,
  };
  checkCSDINetConfig(netConfig(settings, 1));
  schedule(settings); // checks betaStart, betaEnd
  return settings;
}

function netConfig(s: CSDISettings, K: number): CSDINetConfig {
  return {
    features: K, layers: s.layers, channels: s.channels, heads: s.heads, feedForward: s.feedForward, diffusionEmbedding: s.diffusionEmbedding,
    diffusionSteps: s.diffusionSteps, timeEmbedding: s.timeEmbedding, featureEmbedding: s.featureEmbedding,
  };
}

/** β_t, α_t = 1 − β_t and ᾱ_t (products in double over diffusers-style float32 betas; "quad" is diffusers' scaled_linear). */
function schedule(s: CSDISettings): { beta: Float64Array; alpha: Float64Array; alphaBar: Float64Array } {
  const betas = makeBetas({ betaSchedule: s.schedule === 'quad' ? 'scaled_linear' : 'linear', numTrainTimesteps: s.diffusionSteps, betaStart: s.betaStart, betaEnd: s.betaEnd });
  const beta = Float64Array.from(betas);
  const alpha = beta.map((b) => 1 - b);
  const alphaBar = new Float64Array(beta.length);
  let acc = 1;
  for (let t = 0; t < beta.length; t++) alphaBar[t] = acc *= alpha[t];
  return { beta, alpha, alphaBar };
}

/**
 * The columns of `data` as Float64Arrays with NaN for missing values (null accepted as missing),
 * checked: at least one column, equal lengths, no infinite or non-numeric values.
 */
function readData(data: CSDIData, what = 'data'): { names: string[]; columns: Float64Array[] } {
  if (!data || typeof data !== 'object' || !Array.isArray(data.names) || !Array.isArray(data.columns)) {
    throw new DataError(`${what} must be { names: string[], columns: number[][] } with NaN for missing values`, 'data');
  }
  const names = data.names.map(String);
  if (names.length === 0) throw new DataError(`${what} has no columns (K = 0); give at least one series`, 'data');
  if (data.columns.length !== names.length) throw new DataError(`${what} has ${names.length} names but ${data.columns.length} columns`, 'data');
  const n = data.columns[0]?.length;
  const columns = data.columns.map((c, j) => {
    if (!c || typeof c.length !== 'number') throw new DataError(`column '${names[j]}' is not an array of numbers`, 'data');
    if (c.length !== n) throw new DataError(`column '${names[j]}' has ${c.length} values but '${names[0]}' has ${n}; all series must have the same length`, 'data');
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (v === null) out[i] = NaN;
      else if (typeof v !== 'number') throw new DataError(`column '${names[j]}' has a non-numeric value (${String(v)}) at row ${i + 1}; use NaN for a missing value`, 'data');
      else if (!Number.isFinite(v) && !Number.isNaN(v)) throw new DataError(`column '${names[j]}' has an infinite value at row ${i + 1}; only NaN may mark a missing value: remove or replace it`, 'data');
      else out[i] = v;
    }
    return out;
  });
  if (n < 2) throw new DataError(`${what} has ${n ?? 0} rows; CSDI needs at least 2`, 'data');
  return { names, columns };
}

/** Mean and population sd of each column's observed values (sd 1 for a constant column). */
function columnScales(columns: readonly Float64Array[], names: readonly string[]): { mean: Float64Array; sd: Float64Array } {
  const K = columns.length, mean = new Float64Array(K), sd = new Float64Array(K);
  columns.forEach((c, k) => {
    let s = 0, m = 0;
    for (const v of c) if (!Number.isNaN(v)) { s += v; m++; }
    if (m === 0) throw new DataError(`column '${names[k]}' has no observed values; CSDI scales each column by its observed values: drop the column or give it observations`, 'data');
    mean[k] = s / m;
    let q = 0;
    for (const v of c) if (!Number.isNaN(v)) q += (v - mean[k]) ** 2;
    sd[k] = Math.sqrt(q / m) > 0 ? Math.sqrt(q / m) : 1;
  });
  return { mean, sd };
}

/** Standardised values [K][n] (0 where missing) and the observed mask. */
function standardise(columns: readonly Float64Array[], mean: Float64Array, sd: Float64Array): { z: Float32Array[]; obs: Uint8Array[] } {
  const z = columns.map((c, k) => Float32Array.from(c, (v) => (Number.isNaN(v) ? 0 : (v - mean[k]) / sd[k])));
  const obs = columns.map((c) => Uint8Array.from(c, (v) => (Number.isNaN(v) ? 0 : 1)));
  return { z, obs };
}


/** One training batch, built on the host: [B, K, L] row-major arrays. */
interface Batch {
  input: Float32Array;
  cond: Float32Array;
  noise: Float32Array;
  target: Float32Array;
  count: number;
  t: Int32Array;
}

/**
 * The batch of windows starting at `starts`: the reference's random-strategy conditional masks
 * (per window r ~ U(0, 1), round(r·n_obs) observed entries hidden, chosen uniformly), steps
 * t ~ U{0 … T−1}, noise ε ~ N(0, I), x^t = √ᾱ_t x⁰ + √(1 − ᾱ_t) ε, and the network input
 * [cond·x⁰, (1 − cond)·x^t].
 */
function makeBatch(starts: readonly number[], z: readonly Float32Array[], obs: readonly Uint8Array[], L: number, alphaBar: Float64Array, rng: Rng): Batch {
  const B = starts.length, K = z.length, per = K * L, N = B * per;
  const input = new Float32Array(2 * N), cond = new Float32Array(N), noise = new Float32Array(N), target = new Float32Array(N);
  const t = new Int32Array(B);
  let count = 0;
  const observed: number[] = [];
  for (let b = 0; b < B; b++) {
    const a = starts[b];
    observed.length = 0;
    for (let k = 0; k < K; k++) for (let l = 0; l < L; l++) if (obs[k][a + l]) observed.push(k * L + l);
    for (const i of observed) cond[b * per + i] = 1;
    const hide = Math.round(observed.length * rng.uniform());
    for (let h = 0; h < hide; h++) { // partial Fisher–Yates: the first `hide` of a random order
      const j = h + Math.floor(rng.uniform() * (observed.length - h));
      const tmp = observed[h]; observed[h] = observed[j]; observed[j] = tmp;
      cond[b * per + observed[h]] = 0;
      target[b * per + observed[h]] = 1;
    }
    count += hide;
    t[b] = Math.min(alphaBar.length - 1, Math.floor(rng.uniform() * alphaBar.length));
    const sa = Math.sqrt(alphaBar[t[b]]), sn = Math.sqrt(1 - alphaBar[t[b]]);
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < L; l++) {
        const i = b * per + k * L + l, x0 = z[k][a + l];
        const e = rng.normal();
        noise[i] = e;
        input[2 * i] = cond[i] * x0;
        input[2 * i + 1] = (1 - cond[i]) * (sa * x0 + sn * e);
      }
    }
  }
  return { input, cond, noise, target, count, t };
}

/** MultiStepLR of the reference: ×0.1 from epoch ⌊0.75·E⌋ and again from ⌊0.9·E⌋ (0-based epochs). */
function lrScale(epoch0: number, epochs: number): number {
  return epoch0 >= Math.floor(0.9 * epochs) ? 0.01 : epoch0 >= Math.floor(0.75 * epochs) ? 0.1 : 1;
}

/** One AdamW step; parameters the loss does not reach (a transformer skipped when K = 1 or L = 1) get a zero gradient. */
function trainStep(params: ParamStore, opt: AdamW, loss: () => tf.Scalar, scale: number): number {
  const vars = params.variables();
  const { value, grads } = tf.variableGrads(loss, vars);
  const v = value.dataSync()[0];
  value.dispose();
  const list = vars.map((w) => grads[w.name] ?? tf.zerosLike(w));
  try {
    if (!Number.isFinite(v)) throw new ConvergenceError(`fitCSDI: the loss became ${v}; lower the learning rate (lr) or check the data for extreme values`, 'lr');
    opt.apply(list, scale);
  } finally {
    for (const g of list) g.dispose();
  }
  return v;
}

/** Training (see the module notes); the weights in `params` are updated in place. */
function train(net: CSDINet, params: ParamStore, s: CSDISettings, z: Float32Array[], obs: Uint8Array[], rng: Rng, onEpoch?: (e: CSDIEpoch) => void): CSDITraining {
  const n = z[0].length, L = s.window, K = z.length;
  const { alphaBar } = schedule(s);
  const starts = Array.from({ length: n - L + 1 }, (_, i) => i);
  const perEpoch = Math.min(s.batchesPerEpoch, Math.ceil(starts.length / s.batchSize));
  const opt = new AdamW(params, { lr: s.lr, weightDecay: s.weightDecay, decay: () => true });
  const drop = s.dropout > 0 ? { p: s.dropout, rng } : undefined;
  const trainLoss: number[] = [];
  let cursor = starts.length, steps = 0;
  const t0 = performance.now();
  try {
    for (let e = 0; e < s.epochs; e++) {
      let sum = 0;
      const scale = lrScale(e, s.epochs);
      for (let b = 0; b < perEpoch; b++) {
        if (cursor >= starts.length) { shuffle(starts, rng); cursor = 0; }
        const chosen = starts.slice(cursor, cursor + s.batchSize);
        cursor += s.batchSize;
        const batch = makeBatch(chosen, z, obs, L, alphaBar, rng);
        const B = chosen.length, N = B * K * L;
        sum += tf.tidy(() => {
          const input = tf.tensor2d(batch.input, [N, 2]), cond = tf.tensor1d(batch.cond), noise = tf.tensor1d(batch.noise), target = tf.tensor1d(batch.target), t = tf.tensor1d(batch.t, 'int32');
          return trainStep(params, opt, () => net.loss(input, t, net.side(cond, B, L), noise, target, batch.count, drop), scale);
        });
        steps++;
      }
      trainLoss.push(sum / perEpoch);
      onEpoch?.({ epoch: e + 1, loss: sum / perEpoch, lr: s.lr * scale, seconds: (performance.now() - t0) / 1000 });
    }
  } finally {
    opt.dispose();
  }
  return { epochs: s.epochs, steps, windows: starts.length, trainLoss, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Fits CSDI to K ≥ 1 aligned series with missing values (NaN) — see the module notes. Needs the
 * tensor engine: `await initEngine()` from 'ardiff/neural' first.
 */
export function fitCSDI(data: CSDIData, options: CSDIOptions = {}): FittedCSDI {
  requireEngine('fitCSDI');
  const { names, columns } = readData(data);
  const settings = resolveCSDISettings(options, columns[0].length);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') throw new ArgumentError('onEpoch must be a function ({ epoch, loss, lr, seconds }) => void', 'onEpoch');
  const { mean, sd } = columnScales(columns, names);
  const { z, obs } = standardise(columns, mean, sd);
  const rng = createRng(seed);
  const params = new ParamStore();
  const config = netConfig(settings, columns.length);
  let net: CSDINet | undefined;
  try {
    addCSDINet(params, config, 'csdi', rng);
    net = new CSDINet(params, config, 'csdi');
    const training = withHeapGuard('fitCSDI', () => train(net as CSDINet, params, settings, z, obs, rng, options.onEpoch));
    net.dispose();
    return new FittedCSDI({ names, columns, mean, sd, settings, seed, params, training });
  } catch (e) {
    net?.dispose();
    params.dispose();
    throw e;
  }
}

/** The weights `fitCSDI` starts from for K series and `options` (same seed, same draws), untrained: what a peer loads to start from the same network. */
export function csdiInitialParams(K: number, options: CSDIOptions = {}): ParamJSON[] {
  requireEngine('csdiInitialParams');
  const settings = resolveCSDISettings({ window: 1, ...options }, options.window ?? 1);
  const params = new ParamStore();
  try {
    addCSDINet(params, netConfig(settings, posInt(K, 'features')), 'csdi', createRng(options.seed ?? 0));
    return params.toJSON();
  } finally {
    params.dispose();
  }
}

/** Value at level q of sorted values by linear interpolation (R type 7, numpy's and torch.quantile's default). */
function quantileSorted(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q, lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

interface FittedInit {
  names: string[];
  columns: Float64Array[];
  mean: Float64Array;
  sd: Float64Array;
  settings: CSDISettings;
  seed: number;
  params: ParamStore;
  training: CSDITraining;
}

/** A fitted CSDI model (see {@link fitCSDI}). Call `dispose()` to free its weights. */
export class FittedCSDI {
  readonly kind = 'csdi';
  readonly names: readonly string[];
  /** The training data (NaN = missing), what `impute()` fills by default. */
  readonly columns: readonly Float64Array[];
  /** Mean and sd of each column's observed values (the standardisation). */
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  readonly settings: CSDISettings;
  readonly seed: number;
  readonly training: CSDITraining;
  private readonly params: ParamStore;
  private readonly net: CSDINet;

  constructor(init: FittedInit) {
    this.names = init.names;
    this.columns = init.columns;
    this.mean = init.mean;
    this.sd = init.sd;
    this.settings = init.settings;
    this.seed = init.seed;
    this.training = init.training;
    this.params = init.params;
    this.net = new CSDINet(init.params, netConfig(init.settings, init.names.length), 'csdi');
  }

  /** Number of trainable weights. */
  get nWeights(): number {
    return this.params.count();
  }

  /**
   * Fills the missing values of `data` (default: the training data; else the same columns, in
   * order, of any length ≥ 2) by `samples` ancestral paths per window: the median as the value
   * and the requested quantiles as bands. Observed values are returned unchanged.
   */
  impute(data?: CSDIData, options: CSDIImputeOptions = {}): CSDIImputation {
    requireEngine('CSDI impute');
    if (!options || typeof options !== 'object') throw new ArgumentError('impute: options must be an object', 'options');
    let columns = this.columns as Float64Array[];
    if (data !== undefined) {
      const read = readData(data);
      if (read.names.length !== this.names.length || read.names.some((n, j) => n !== this.names[j])) {
        throw new DataError(`impute needs the model's columns in its order (${this.names.join(', ')}); got ${read.names.join(', ')}`, 'data');
      }
      columns = read.columns;
    }
    const S = posInt(options.samples ?? this.settings.samples, 'samples');
    const seed = options.seed ?? this.seed;
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
    const levels = options.quantiles ?? DEFAULT_QUANTILES;
    if (!Array.isArray(levels) || levels.some((q) => typeof q !== 'number' || !(q > 0 && q < 1))) throw new ArgumentError('quantiles must be an array of levels in (0, 1), e.g. [0.05, 0.5, 0.95]', 'quantiles');
    const chunk = posInt(options.batch ?? 64, 'batch');
    const t0 = performance.now();
    const K = columns.length, n = columns[0].length;
    const { z, obs } = standardise(columns, this.mean, this.sd);
    // Windows: consecutive runs of Lw rows, the last one ending at row n; window w owns rows own[w] … start + Lw − 1.
    const Lw = Math.min(this.settings.window, n);
    const windows: { start: number; own: number }[] = [];
    for (let a = 0; a < n; ) {
      const start = Math.min(a, n - Lw);
      let missing = false;
      for (let k = 0; k < K && !missing; k++) for (let i = a; i < start + Lw; i++) if (!obs[k][i]) { missing = true; break; }
      if (missing) windows.push({ start, own: a });
      a = start + Lw;
    }
    // Paths of the missing entries: draws[k][s][i] in standardised units (observed entries unused).
    const draws = Array.from({ length: K }, () => Array.from({ length: S }, () => new Float64Array(n)));
    const rng = createRng(seed);
    withHeapGuard('CSDI impute', () => {
      const jobs: { w: number; s: number }[] = [];
      for (let w = 0; w < windows.length; w++) for (let s = 0; s < S; s++) jobs.push({ w, s });
      for (let j0 = 0; j0 < jobs.length; j0 += chunk) {
        const part = jobs.slice(j0, j0 + chunk);
        const x = this.sampleWindows(part.map((j) => windows[j.w].start), z, obs, Lw, rng);
        part.forEach(({ w, s }, b) => {
          const { start, own } = windows[w];
          for (let k = 0; k < K; k++) for (let i = own; i < start + Lw; i++) draws[k][s][i] = x[(b * K + k) * Lw + (i - start)];
        });
      }
    });
    // Medians and quantiles per missing entry, back in the data's units.
    const median = columns.map((c) => Float64Array.from(c));
    const bands = levels.map((level) => ({ level, columns: columns.map((c) => Float64Array.from(c)) }));
    const sorted = new Float64Array(S);
    let missing = 0;
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) {
        if (obs[k][i]) continue;
        missing++;
        for (let s = 0; s < S; s++) sorted[s] = draws[k][s][i] * this.sd[k] + this.mean[k];
        sorted.sort();
        median[k][i] = quantileSorted(sorted, 0.5);
        bands.forEach((b) => { b.columns[k][i] = quantileSorted(sorted, b.level); });
      }
    }
    const out: CSDIImputation = { names: this.names.slice(), columns: median, quantiles: bands, missing, samples: S, seconds: 0 };
    if (options.keepSamples) {
      out.draws = columns.map((c, k) => draws[k].map((d) => Float64Array.from(c, (v, i) => (obs[k][i] ? v : d[i] * this.sd[k] + this.mean[k]))));
    }
    out.seconds = (performance.now() - t0) / 1000;
    return out;
  }

  /**
   * One ancestral DDPM path (Algorithm 2; the reference's `impute`) for each window start in
   * `starts`, conditioned on every observed entry: x^T ~ N(0, I), then for t = T−1 … 0
   * x ← (x − (1 − α_t)/√(1 − ᾱ_t)·ε̂)/√α_t + σ_t z, σ_t² = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t) (no noise at t = 0).
   * Returns x⁰ [B, K, L] (standardised).
   */
  private sampleWindows(starts: readonly number[], z: readonly Float32Array[], obs: readonly Uint8Array[], L: number, rng: Rng): Float64Array {
    const B = starts.length, K = z.length, per = K * L, N = B * per;
    const { beta, alpha, alphaBar } = schedule(this.settings);
    const T = beta.length;
    const cond = new Float32Array(N), input = new Float32Array(2 * N), x = new Float64Array(N);
    starts.forEach((a, b) => {
      for (let k = 0; k < K; k++) for (let l = 0; l < L; l++) {
        const i = b * per + k * L + l;
        cond[i] = obs[k][a + l];
        input[2 * i] = cond[i] * z[k][a + l];
      }
    });
    for (let i = 0; i < N; i++) x[i] = rng.normal();
    const side = tf.tidy(() => {
      const s = this.net.side(tf.tensor1d(cond), B, L);
      return { B: s.B, L: s.L, gate: s.gate.map((g) => tf.keep(g)), filter: s.filter.map((f) => tf.keep(f)) };
    });
    try {
      for (let t = T - 1; t >= 0; t--) {
        for (let i = 0; i < N; i++) input[2 * i + 1] = (1 - cond[i]) * x[i];
        const eps = tf.tidy(() => this.net.predict(tf.tensor2d(input, [N, 2]), tf.fill([B], t, 'int32'), side).dataSync());
        const c1 = 1 / Math.sqrt(alpha[t]), c2 = (1 - alpha[t]) / Math.sqrt(1 - alphaBar[t]);
        const sigma = t > 0 ? Math.sqrt(((1 - alphaBar[t - 1]) / (1 - alphaBar[t])) * beta[t]) : 0;
        for (let i = 0; i < N; i++) x[i] = c1 * (x[i] - c2 * eps[i]) + (t > 0 ? sigma * rng.normal() : 0);
      }
    } finally {
      tf.dispose([...side.gate, ...side.filter]);
    }
    return x;
  }

  summary(): string {
    const s = this.settings, tr = this.training;
    const n = this.columns[0].length;
    let missing = 0;
    for (const c of this.columns) for (const v of c) if (Number.isNaN(v)) missing++;
    const head = keyValueBlock(
      [['Model:', 'CSDI'], ['Series (K):', String(this.names.length)], ['Observations:', String(n)], ['Missing:', `${missing} (${fmt((100 * missing) / (n * this.names.length), 3)}%)`],
        ['Window (L):', String(s.window)], ['Weights:', String(this.nWeights)]],
      [['Epochs:', String(tr.epochs)], ['Steps:', String(tr.steps)], ['Windows:', String(tr.windows)],
        ['First loss:', fmt(tr.trainLoss[0] ?? NaN)], ['Last loss:', fmt(tr.trainLoss[tr.trainLoss.length - 1] ?? NaN)], ['Seconds:', tr.seconds.toFixed(1)]],
    );
    const rows: [string, string][] = [
      ['series', this.names.join(', ')],
      ['network', `${s.layers} residual layers x ${s.channels} channels, ${s.heads} heads, feed-forward ${s.feedForward}, time + feature transformers`],
      ['side info', `time embedding ${s.timeEmbedding}, feature embedding ${s.featureEmbedding}, conditional mask`],
      ['diffusion', `T = ${s.diffusionSteps}, ${s.schedule} beta ${s.betaStart}..${s.betaEnd}, step embedding ${s.diffusionEmbedding}, epsilon-loss`],
      ['masks', 'random strategy: a U(0,1) fraction of each window\'s observed entries hidden'],
      ['optimiser', `AdamW, lr ${s.lr} (x0.1 at 75% and 90% of the epochs), weight decay ${s.weightDecay}, batch ${s.batchSize}, dropout ${s.dropout}`],
      ['imputation', `${s.samples} DDPM paths per window, median and quantiles`],
    ];
    return settingsSummary('CSDI: Conditional Score-based Diffusion Imputation', head, rows, [
      'x(missing) ~ p(x | x(observed)) by a K x L transformer denoiser; loss: mean |eps - eps_theta(x^t, t | x^co)|^2',
      'over the hidden entries (Tashiro et al. 2021); imputations are ancestral sample paths.',
    ]);
  }

  toJSON(): CSDIJSON {
    return {
      kind: 'csdi',
      version: CSDI_JSON_VERSION,
      names: this.names.slice(),
      columns: this.columns.map((c) => Array.from(c, (v) => (Number.isNaN(v) ? null : v))),
      mean: Array.from(this.mean),
      sd: Array.from(this.sd),
      settings: { ...this.settings },
      seed: this.seed,
      params: this.params.toJSON(),
      training: { ...this.training, trainLoss: this.training.trainLoss.slice() },
    };
  }

  /** Frees the model's weights (the object is unusable afterwards). */
  dispose(): void {
    this.net.dispose();
    this.params.dispose();
  }
}

/** Restores a model saved with {@link FittedCSDI.toJSON} (needs the engine started). */
export function fittedCSDIFromJSON(json: CSDIJSON): FittedCSDI {
  requireEngine('fittedCSDIFromJSON');
  if (!json || typeof json !== 'object' || json.kind !== 'csdi') throw new DataError(`model file: expected kind 'csdi'; got '${String((json as { kind?: unknown })?.kind)}'`, 'model');
  if (json.version !== CSDI_JSON_VERSION) throw new DataError(`model file: CSDI format version ${String(json.version)}; this ardiff reads version ${CSDI_JSON_VERSION}: refit the model with this version`, 'model');
  let names: string[], columns: Float64Array[], settings: CSDISettings;
  try {
    ({ names, columns } = readData({ names: json.names, columns: json.columns }, 'model file'));
    settings = resolveCSDISettings({ ...json.settings }, columns[0].length);
  } catch (e) {
    if (e instanceof ArgumentError || e instanceof DataError) throw new DataError(`model file: ${e.message}; the file is corrupt`, 'model');
    throw e;
  }
  const K = names.length;
  const vec = (v: unknown, positive: boolean) => Array.isArray(v) && v.length === K && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!vec(json.mean, false) || !vec(json.sd, true)) throw new DataError('model file: "mean" and "sd" must hold one finite number per column (sd > 0); the file is corrupt', 'model');
  if (typeof json.seed !== 'number' || !Number.isFinite(json.seed)) throw new DataError('model file: seed must be a number; the file is corrupt', 'model');
  const tr = json.training;
  if (!tr || !Array.isArray(tr.trainLoss)) throw new DataError('model file: "training" record is missing; the file is corrupt', 'model');
  const params = ParamStore.fromJSON(json.params, csdiNetShapes(netConfig(settings, K), 'csdi'));
  return new FittedCSDI({
    names, columns, mean: Float64Array.from(json.mean), sd: Float64Array.from(json.sd), settings, seed: json.seed, params,
    training: { epochs: Number(tr.epochs), steps: Number(tr.steps), windows: Number(tr.windows), trainLoss: tr.trainLoss.map(Number), seconds: Number(tr.seconds) },
  });
}

