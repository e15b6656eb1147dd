/**
 * DeepAR: a probabilistic forecaster built from an autoregressive recurrent network (Salinas,
 * Flunkert, Gasthaus & Januschowski 2020, "DeepAR: Probabilistic forecasting with autoregressive
 * recurrent networks", International Journal of Forecasting 36(3)), with an LSTM or a GRU body
 * ({@link RNN}) and an injected likelihood head ({@link LikelihoodHead}: Gaussian or Student-t).
 *
 * Model (paper §3, eq. 1–2): at each time t the network reads the previous values and covariates
 * and emits the parameters of p(y_t | y_{<t}):
 *
 *   h_t = RNN(h_{t−1}, x_t),   x_t = [y_{t−l}/ν for l in lags; sin, cos of 2π(t mod s)/s; log ν]
 *   y_t/ν ~ head(h_t)
 *
 * with the mean scale ν = 1 + mean |y| over the conditioning range (§3.3), lags {1} ∪ {s} ∪ `lags`
 * (s = `seasonalPeriod`; the seasonal lag and position covariates only when s > 1) and log ν as a
 * static covariate (as GluonTS' DeepAR). The head models y/ν, which is the paper's μ·ν, σ·ν.
 *
 * Training (§3.1–3.4): teacher forcing on random windows of `contextLength` + `predictionLength`
 * steps cut from one or many series (every window that fits, drawn without replacement from
 * successive shuffles; an epoch is one pass, or `batchesPerEpoch` batches when there are more
 * windows), ν from the window's context part, loss the mean negative log-likelihood over the whole
 * window, AdamW with linear warm-up and cosine decay, gradients clipped to global norm 10 (GluonTS'
 * default). The head's output weights start at zero and its biases at the scaled targets' mean and
 * the spread of their one-step changes, so training starts from a sensible likelihood instead of
 * a unit-variance one (which on log data is a hundred times too wide). The last
 * `validationFraction` of every series is held out; after each epoch the one-step NLL of the
 * held-out values (conditioned on the values before them) decides early stopping with `patience`,
 * and the best epoch's weights are restored.
 *
 * Forecasts (§3.2): the network runs over the last `contextLength` observations of a series, then
 * `paths` sample paths are drawn ancestrally — each step's draw is fed back as the next step's
 * lagged input — all paths in one batch per step. `forecast(h)` draws them from a generator seeded
 * with the model's `seed` (so it is reproducible and identical after a JSON round trip);
 * `sample(h, {rng})` draws independent paths from the same distribution.
 *
 * @example
 * await initEngine();
 * const fit = fitDeepAR(y, { cell: 'lstm', seasonalPeriod: 12 });
 * fit.forecast(12).interval(80); fit.sample(12, { paths: 100, rng: createRng(1) });
 */
import { provideNeuralForecasters } from './lazy.js';
import { ArgumentError, DataError } from '../core/errors.js';
import { SampleForecast } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { createRng, type Rng } from '../core/rng.js';
import { fmt, keyValueBlock, rule } from '../core/format.js';
import { checkHorizon, checkNoExog, checkPositiveInt, checkRng, historyJSON } from '../core/validate.js';
import { requireEngine, withHeapGuard } from './engine/init.js';
import { tf, type Tensor } from './engine/tf.js';
import { attachHead, checkHeadKind, createHead, headShapes, type LikelihoodHead } from './heads.js';
import { AdamW, trainStep, warmupCosine } from './optim.js';
import { ParamStore, type ParamJSON } from './params.js';
import { CELL_TYPES, RNN, disposeState, rnnShapes, type CellType, type RNNState } from './rnn.js';

/** Version of the JSON layout written by {@link FittedDeepAR.toJSON}. */
export const DEEPAR_JSON_VERSION = 1;

/**
 * Distribution of the next value: a registered likelihood head ('gaussian', 'student-t', or one
 * added with `registerHead`).
 */
export type DeepARLikelihood = 'gaussian' | 'student-t' | (string & NonNullable<unknown>);

/** Progress after each epoch. */
export interface DeepAREpoch {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training NLL (scaled units) over the epoch's batches. */
  trainLoss: number;
  /** Validation NLL (NaN without a validation split). */
  valLoss: number;
}

/** Options of {@link fitDeepAR}. */
export interface DeepAROptions {
  /** Recurrent cell. Default 'lstm'. */
  cell?: CellType;
  /** Maximum number of passes over the training windows. Default 100. */
  epochs?: number;
  /** Seed of the initial weights, the window order and `forecast`'s paths. Default 0. */
  seed?: number;
  /**
   * Season length s > 1 adds the lag s and sin/cos covariates of the position in the season, t mod s
   * with t counted from each series' first value (several series are taken to start in the same
   * season). Default 1 (none).
   */
  seasonalPeriod?: number;
  /** Conditioning range: steps the network reads before forecasting. Default max(2·predictionLength, 16). */
  contextLength?: number;
  /** Prediction range of a training window (forecasts may be longer). Default s when s > 1, else 10. */
  predictionLength?: number;
  /** Units per recurrent layer. Default 40. */
  hiddenSize?: number;
  /** Stacked recurrent layers. Default 2 (as GluonTS' DeepAR). */
  layers?: number;
  /** Likelihood head. Default 'gaussian'. */
  likelihood?: DeepARLikelihood;
  /** Peak learning rate of AdamW. Default 3e-3. */
  lr?: number;
  /** Windows per training step. Default 32. */
  batchSize?: number;
  /**
   * Most optimiser steps per epoch (GluonTS' num_batches_per_epoch). An epoch is one pass over
   * the training windows, or this many batches when there are more windows. Default 50.
   */
  batchesPerEpoch?: number;
  /** Fraction of every series (its end) held out for early stopping; 0 turns it off. Default 0.1. */
  validationFraction?: number;
  /** Epochs without a better validation loss before stopping. Default 20. */
  patience?: number;
  /** Default number of sample paths of `forecast`. Default 1000. */
  paths?: number;
  /** Extra lag indices (positive integers) fed to the network besides 1 and s. */
  lags?: readonly number[];
  /** Global gradient-norm clip. Default 10. */
  clipNorm?: number;
  /** Called after every epoch (progress bars, logging). */
  onEpoch?: (info: DeepAREpoch) => void;
}

/** The resolved configuration of a fitted model (everything the network needs). */
export interface DeepARConfig {
  cell: CellType;
  likelihood: DeepARLikelihood;
  hiddenSize: number;
  layers: number;
  contextLength: number;
  predictionLength: number;
  /** Seasonal period (1 when there is none). */
  seasonalPeriod: number;
  /** All lags, sorted: 1, s and the extra ones. */
  lags: number[];
  epochs: number;
  lr: number;
  batchSize: number;
  batchesPerEpoch: number;
  validationFraction: number;
  patience: number;
  clipNorm: number;
}

/** What training did. */
export interface DeepARTraining {
  /** Epochs run (≤ `epochs`; fewer when early stopping triggered). */
  epochsRun: number;
  /** Epoch whose weights were kept (the last one without validation). */
  bestEpoch: number;
  /** Optimiser steps. */
  steps: number;
  /** Training windows per epoch. */
  windows: number;
  /** Mean training NLL per epoch. */
  trainLoss: number[];
  /** Validation NLL per epoch (empty without validation). */
  valLoss: number[];
  /** Wall-clock seconds of training. */
  seconds: number;
}

/** Plain-JSON form of a fitted model. */
export interface DeepARJSON {
  kind: CellType;
  version: number;
  config: DeepARConfig;
  series: number[][];
  params: ParamJSON[];
  seed: number;
  paths: number;
  training: DeepARTraining;
}

/** Options of {@link FittedDeepAR.forecast}. */
export interface DeepARForecastOptions extends ForecastOptions {
  /** Sample paths; default the model's `paths`. */
  paths?: number;
  /** Random source; default a generator seeded with the model's `seed`. */
  rng?: Rng;
  /** Which training series to continue (0-based). Default 0. */
  series?: number;
}

/** Options of {@link FittedDeepAR.sample}. */
export interface DeepARSampleOptions extends SampleOptions {
  /** Which training series to continue (0-based). Default 0. */
  series?: number;
}

/**
 * Fits a DeepAR forecaster to one series or a list of series (see the module notes). Needs the
 * tensor engine: `await initEngine()` first.
 */
export function fitDeepAR(y: ArrayLike<number> | readonly ArrayLike<number>[], options: DeepAROptions = {}): FittedDeepAR {
  requireEngine('fitDeepAR');
  if (!options || typeof options !== 'object') throw new ArgumentError('fitDeepAR: options must be an object', 'options');
  const config = resolveConfig(options);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  const paths = checkPositiveInt(options.paths ?? 1000, 'paths');
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') throw new ArgumentError('onEpoch must be a function ({ epoch, trainLoss, valLoss }) => void', 'onEpoch');
  const series = checkSeriesList(y);
  const layout = new Layout(config);
  const { train, val } = makeWindows(series, config, layout);

  const rng = createRng(seed);
  const params = new ParamStore();
  try {
    const rnn = RNN.create(params, { cell: config.cell, inputSize: layout.features, hiddenSize: config.hiddenSize, layers: config.layers }, rng, 'rnn');
    const head = createHead(config.likelihood, params, config.hiddenSize, rng, 'head');
    head.initFromData?.(...targetStats(train, series, config));
    const t0 = performance.now();
    const training = withHeapGuard('fitDeepAR', () => train_({ rnn, head }, params, series, config, layout, train, val, rng, options.onEpoch));
    training.seconds = (performance.now() - t0) / 1000;
    return new FittedDeepAR({ config, series, params, seed, paths, training });
  } catch (e) {
    params.dispose();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Features and windows

/** Where each input feature sits in x_t, and how to build inputs on the host. */
class Layout {
  readonly features: number;
  readonly maxLag: number;
  private readonly lags: readonly number[];
  private readonly s: number;
  private readonly sin: Float32Array;
  private readonly cos: Float32Array;

  constructor(config: DeepARConfig) {
    this.lags = config.lags;
    this.maxLag = Math.max(...config.lags);
    this.s = config.seasonalPeriod;
    this.features = this.lags.length + (this.s > 1 ? 2 : 0) + 1;
    this.sin = new Float32Array(this.s);
    this.cos = new Float32Array(this.s);
    for (let k = 0; k < this.s; k++) {
      this.sin[k] = Math.sin((2 * Math.PI * k) / this.s);
      this.cos[k] = Math.cos((2 * Math.PI * k) / this.s);
    }
  }

  /**
   * Writes x_t for target index t of `y` (observed values; `value(t − l)` supplies the others)
   * at `out[off..off + features)`.
   */
  write(out: Float32Array, off: number, t: number, value: (i: number) => number, invScale: number, logScale: number): void {
    let j = off;
    for (const l of this.lags) out[j++] = value(t - l) * invScale;
    if (this.s > 1) {
      const k = t % this.s;
      out[j++] = this.sin[k];
      out[j++] = this.cos[k];
    }
    out[j] = logScale;
  }
}

/** A training or validation window: series k, first target index `start`, optional loss mask start. */
interface Window {
  k: number;
  start: number;
  /** Targets at window positions ≥ maskFrom count in the loss (0: all). */
  maskFrom: number;
}

/** ν = 1 + mean |y| over y[a..a+C). */
function meanScale(y: Float64Array, a: number, C: number): number {
  let s = 0;
  for (let i = a; i < a + C; i++) s += Math.abs(y[i]);
  return 1 + s / C;
}

function makeWindows(series: Float64Array[], config: DeepARConfig, layout: Layout): { train: Window[]; val: Window[] } {
  const C = config.contextLength, P = config.predictionLength, T = C + P, L = layout.maxLag;
  const train: Window[] = [], val: Window[] = [];
  let longest = 0;
  series.forEach((y, k) => {
    const n = y.length;
    longest = Math.max(longest, n);
    if (n < L + C) {
      throw new DataError(
        `series ${k + 1} has ${n} values; a forecast conditions on contextLength = ${C} values plus ${L} lagged ones, so every series needs at least ${L + C}: lower contextLength${L > 1 ? ' or the lags' : ''}, or drop the series`,
        'contextLength',
      );
    }
    const v = Math.floor(config.validationFraction * n);
    const end = n - v; // training targets are y[0..end)
    for (let a = L; a + T <= end; a++) train.push({ k, start: a, maskFrom: 0 });
    // Validation: the held-out targets y[end..n), in chunks of at most P, each predicted after
    // the C (and more) values before it — a full-length window with the loss on its last chunk.
    for (let a = end; a < n; a += P) {
      const len = Math.min(P, n - a);
      const start = a + len - T;
      if (start >= L) val.push({ k, start, maskFrom: T - len });
    }
  });
  if (!train.length) {
    const need = L + T;
    throw new DataError(
      `no training window fits: a window needs ${L} lagged values + contextLength ${C} + predictionLength ${P} = ${need} values before the validation part (validationFraction ${config.validationFraction}), the longest series has ${longest}; lower contextLength, predictionLength or validationFraction`,
      'contextLength',
    );
  }
  return { train, val };
}

/**
 * Location and spread of the scaled targets y_t/ν over the training windows: their mean, and the
 * standard deviation of their one-step changes (a rough conditional spread), for the head's start.
 */
function targetStats(windows: readonly Window[], series: Float64Array[], config: DeepARConfig): [number, number] {
  const C = config.contextLength, T = C + config.predictionLength;
  let n = 0, sum = 0, nd = 0, sd = 0, sd2 = 0;
  for (const w of windows) {
    const y = series[w.k];
    const inv = 1 / meanScale(y, w.start, C);
    for (let p = 0; p < T; p++) {
      const z = y[w.start + p] * inv;
      sum += z;
      n++;
      if (p > 0) {
        const d = z - y[w.start + p - 1] * inv;
        sd += d;
        sd2 += d * d;
        nd++;
      }
    }
  }
  const mean = sum / n;
  const v = nd > 1 ? (sd2 - (sd * sd) / nd) / (nd - 1) : NaN;
  return [mean, Math.sqrt(Math.max(v, 0))];
}

/** Host tensors x [T, B, F], target [T, B] (scaled) and mask [T, B] for a list of windows. */
function batchArrays(windows: readonly Window[], series: Float64Array[], config: DeepARConfig, layout: Layout): { x: Float32Array; target: Float32Array; mask: Float32Array | null; B: number; T: number } {
  const C = config.contextLength, T = C + config.predictionLength, F = layout.features, B = windows.length;
  const x = new Float32Array(T * B * F), target = new Float32Array(T * B);
  const masked = windows.some((w) => w.maskFrom > 0);
  const mask = masked ? new Float32Array(T * B) : null;
  windows.forEach((w, b) => {
    const y = series[w.k];
    const nu = meanScale(y, w.start, C);
    const inv = 1 / nu, logNu = Math.log(nu);
    const value = (i: number) => y[i];
    for (let p = 0; p < T; p++) {
      const t = w.start + p;
      layout.write(x, (p * B + b) * F, t, value, inv, logNu);
      target[p * B + b] = y[t] * inv;
      if (mask) mask[p * B + b] = p >= w.maskFrom ? 1 : 0;
    }
  });
  return { x, target, mask, B, T };
}

// ---------------------------------------------------------------------------------------------
// Training

interface Net {
  rnn: RNN;
  head: LikelihoodHead;
}

function batchLoss(net: Net, x: Tensor, target: Tensor, mask: Tensor | null, train: boolean): tf.Scalar {
  const [T, B] = target.shape;
  const out = train ? net.rnn.forwardTrain(x) : net.rnn.forward(x).output;
  const hidden = tf.reshape(out, [T * B, net.rnn.spec.hiddenSize]);
  return net.head.loss(tf.reshape(target, [T * B]), hidden, mask ? { weights: tf.reshape(mask, [T * B]) } : {});
}

function train_(net: Net, params: ParamStore, series: Float64Array[], config: DeepARConfig, layout: Layout, windows: Window[], val: Window[], rng: Rng, onEpoch?: (e: DeepAREpoch) => void): DeepARTraining {
  const opt = new AdamW(params, { lr: config.lr });
  const B = config.batchSize;
  const stepsPerEpoch = Math.min(Math.ceil(windows.length / B), config.batchesPerEpoch);
  const total = stepsPerEpoch * config.epochs;
  const warmup = Math.max(1, Math.min(100, Math.round(0.05 * total)));
  const useVal = val.length > 0 && config.validationFraction > 0;
  // The validation batch never changes: upload it once.
  const valArrays = useVal ? batchArrays(val, series, config, layout) : null;
  const valX = valArrays ? tf.tensor3d(valArrays.x, [valArrays.T, valArrays.B, layout.features]) : null;
  const valY = valArrays ? tf.tensor2d(valArrays.target, [valArrays.T, valArrays.B]) : null;
  const valM = valArrays?.mask ? tf.tensor2d(valArrays.mask, [valArrays.T, valArrays.B]) : null;
  const vars = params.variables();
  let best: Tensor[] | null = null;
  let bestVal = Infinity, bestEpoch = 0, since = 0, steps = 0, epoch = 0;
  const trainLoss: number[] = [], valLoss: number[] = [];
  // Windows are drawn from successive shuffles; a pass ends with a short batch, never a reused window.
  const order = windows.map((_, i) => i);
  let cursor = order.length;
  const nextBatch = (): Window[] => {
    if (cursor >= order.length) {
      shuffle(order, rng);
      cursor = 0;
    }
    const idx = order.slice(cursor, cursor + B);
    cursor += B;
    return idx.map((i) => windows[i]);
  };
  try {
    for (epoch = 1; epoch <= config.epochs; epoch++) {
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const chosen = nextBatch();
        const a = batchArrays(chosen, series, config, layout);
        const x = tf.tensor3d(a.x, [a.T, a.B, layout.features]);
        const yT = tf.tensor2d(a.target, [a.T, a.B]);
        try {
          const r = trainStep(params, opt, () => batchLoss(net, x, yT, null, true), { clipNorm: config.clipNorm, lrScale: warmupCosine(steps, warmup, total) });
          sum += r.loss;
        } finally {
          x.dispose();
          yT.dispose();
        }
        steps++;
      }
      trainLoss.push(sum / stepsPerEpoch);
      let v = NaN;
      if (useVal) {
        v = tf.tidy(() => batchLoss(net, valX as Tensor, valY as Tensor, valM, false).dataSync()[0]);
        valLoss.push(v);
        if (v < bestVal) {
          bestVal = v;
          bestEpoch = epoch;
          since = 0;
          if (best) for (const t of best) t.dispose();
          best = vars.map((w) => tf.clone(w));
        } else {
          since++;
        }
      } else {
        bestEpoch = epoch;
      }
      onEpoch?.({ epoch, trainLoss: trainLoss[trainLoss.length - 1], valLoss: v });
      if (useVal && since >= config.patience) break;
    }
    const bestWeights = best as Tensor[] | null;
    if (bestWeights) vars.forEach((w, i) => w.assign(bestWeights[i]));
  } finally {
    opt.dispose();
    for (const t of [valX, valY, valM, ...(best ?? [])]) t?.dispose();
  }
  return { epochsRun: Math.min(epoch, config.epochs), bestEpoch, steps, windows: windows.length, trainLoss, valLoss, seconds: 0 };
}

/** Fisher–Yates shuffle from the model's generator. */
function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

// ---------------------------------------------------------------------------------------------
// The fitted model

interface FittedInit {
  config: DeepARConfig;
  series: Float64Array[];
  params: ParamStore;
  seed: number;
  paths: number;
  training: DeepARTraining;
}

/** A fitted DeepAR forecaster (LSTM or GRU body); see {@link fitDeepAR}. */
export class FittedDeepAR implements Forecaster {
  /** 'lstm' or 'gru': the registry key of the model. */
  readonly kind: CellType;
  readonly config: DeepARConfig;
  /** The series the model was trained on and conditions its forecasts on. */
  readonly series: readonly Float64Array[];
  /** Seed of the fit and of `forecast` without an rng. */
  readonly seed: number;
  /** Default number of sample paths of `forecast`. */
  readonly paths: number;
  readonly training: DeepARTraining;
  private readonly params: ParamStore;
  private readonly rnn: RNN;
  private readonly head: LikelihoodHead;
  private readonly layout: Layout;

  constructor(init: FittedInit) {
    this.kind = init.config.cell;
    this.config = init.config;
    this.series = init.series;
    this.seed = init.seed;
    this.paths = init.paths;
    this.training = init.training;
    this.params = init.params;
    this.layout = new Layout(init.config);
    this.rnn = RNN.attach(init.params, { cell: init.config.cell, inputSize: this.layout.features, hiddenSize: init.config.hiddenSize, layers: init.config.layers }, 'rnn');
    this.head = attachHead(init.config.likelihood, init.params, init.config.hiddenSize, 'head');
  }

  /** Number of trainable weights. */
  get nWeights(): number {
    return this.params.count();
  }

  /** Lowest validation NLL (NaN without validation). */
  get bestValLoss(): number {
    return this.training.valLoss.length ? Math.min(...this.training.valLoss) : NaN;
  }

  /**
   * Monte Carlo forecast for steps 1..h of series `series` (default 0): a {@link SampleForecast}
   * of `paths` ancestral sample paths. Without `rng` the generator is seeded with the model's
   * `seed`, so repeated calls (and a restored model) give identical forecasts.
   */
  forecast(h: number, options: DeepARForecastOptions = {}): SampleForecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'a DeepAR model');
    const paths = checkPositiveInt(options.paths ?? this.paths, 'paths');
    const rng = options.rng ?? createRng(this.seed);
    checkRng(rng);
    return new SampleForecast(this.simulate(h, paths, rng, this.seriesIndex(options.series)));
  }

  /** `paths` sample paths (paths × h) of series `series` (default 0) from `rng`. */
  sample(h: number, options: DeepARSampleOptions): Float64Array[] {
    checkHorizon(h);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkRng(options.rng);
    checkNoExog(options.exog, 'a DeepAR model');
    const paths = checkPositiveInt(options.paths ?? 1000, 'paths');
    return this.simulate(h, paths, options.rng, this.seriesIndex(options.series));
  }

  private seriesIndex(k: number | undefined): number {
    const i = k ?? 0;
    if (!Number.isInteger(i) || i < 0 || i >= this.series.length) throw new ArgumentError(`series must be an integer in 0..${this.series.length - 1}; got ${String(k)}`, 'series');
    return i;
  }

  /**
   * Ancestral sampling (DeepAR §3.2): condition on the last C observations with teacher forcing,
   * copy the state to every path, then per step build the inputs of all paths on the host (lags
   * from the observations or from the path's own draws), advance the network once for the batch
   * and draw each path's next value from the head.
   */
  private simulate(h: number, P: number, rng: Rng, k: number): Float64Array[] {
    requireEngine('DeepAR forecast');
    const draws = Array.from({ length: P }, () => new Float64Array(h));
    return withHeapGuard('DeepAR forecast', () => {
      this.rollOut(k, P, h, (hidden, j, nu) => {
        const z = this.head.sample(hidden, rng);
        for (let i = 0; i < P; i++) draws[i][j] = z[i] * nu;
      }, (i, u) => draws[i][u]);
      return draws;
    });
  }

  /**
   * The predictive distribution of the first step after the data of series `series` (default 0),
   * in data units: the head's parameters (gaussian: mu, sigma; student-t: mu, sigma, df) with the
   * location and scale multiplied by the series' mean scale. Its `mu` is the exact one-step
   * predictive mean (for student-t when df > 1), a check on the sample paths independent of them.
   */
  oneStep(series?: number): Record<string, number> {
    requireEngine('DeepAR oneStep');
    const k = this.seriesIndex(series);
    let out: Record<string, number> = {};
    withHeapGuard('DeepAR oneStep', () => {
      this.rollOut(k, 1, 1, (hidden, _j, nu) => {
        const d = this.head.distribution(hidden);
        out = Object.fromEntries(Object.entries(d).map(([name, v]) => [name, name === 'mu' || name === 'sigma' ? v[0] * nu : v[0]]));
      }, () => NaN);
    });
    return out;
  }

  /**
   * The recurrent roll-out shared by sampling and the one-step distribution: condition on the last
   * C observations with teacher forcing, copy the state to `P` rows, then per step j build the
   * inputs on the host (lags from the observations, or from `drawn(row, step)` past the data),
   * advance the network once and hand the top layer's output to `visit` (with the mean scale ν).
   */
  private rollOut(k: number, P: number, h: number, visit: (hidden: Tensor, j: number, nu: number) => void, drawn: (row: number, step: number) => number): void {
    const y = this.series[k];
    const n = y.length, C = this.config.contextLength, F = this.layout.features;
    const nu = meanScale(y, n - C, C);
    const inv = 1 / nu, logNu = Math.log(nu);
    // Conditioning range: targets n−C..n−1, one sequence.
    const xc = new Float32Array(C * F);
    const obs = (i: number) => y[i];
    for (let p = 0; p < C; p++) this.layout.write(xc, p * F, n - C + p, obs, inv, logNu);
    let state: RNNState = tf.tidy(() => {
      const { state: s } = this.rnn.forward(tf.tensor3d(xc, [C, 1, F]));
      return { h: s.h.map((t) => tf.tile(t, [P, 1])), c: s.c?.map((t) => tf.tile(t, [P, 1])) };
    });
    if (!state.c) state = { h: state.h };
    const x = new Float32Array(P * F);
    try {
      for (let j = 0; j < h; j++) {
        const t = n + j;
        for (let i = 0; i < P; i++) this.layout.write(x, i * F, t, (u) => (u < n ? y[u] : drawn(i, u - n)), inv, logNu);
        const prev = state;
        const out = tf.tidy(() => this.rnn.step(tf.tensor2d(x, [P, F]), prev));
        disposeState(prev);
        state = out.state;
        // out.output is the top layer's h, owned by the state (freed with it).
        visit(out.output, j, nu);
      }
    } finally {
      disposeState(state);
    }
  }

  /**
   * The trained network applied to another history (one series, or as many as it was fitted to):
   * forecasts and samples start after it; no training. The returned model holds its own copy of
   * the weights (dispose each model you create).
   */
  apply(y: ArrayLike<number> | readonly ArrayLike<number>[]): FittedDeepAR {
    const list = isSeriesList(y) ? y : [y as ArrayLike<number>];
    if (list.length !== this.series.length) throw new DataError(`apply needs ${this.series.length} series, as the model was fitted to; got ${list.length}`, 'y');
    // The network reads the last C observations: at least the context length of each series.
    const series = list.map((s) => historyJSON(s, false, this.config.contextLength));
    return deepARFromJSON({ ...this.toJSON(), series });
  }

  /** Plain JSON for the CLI: configuration, training record and size. */
  report(): Record<string, unknown> {
    return {
      model: this.kind,
      config: { ...this.config, lags: this.config.lags.slice() },
      nWeights: this.nWeights,
      series: this.series.length,
      nobs: this.series.reduce((a, s) => a + s.length, 0),
      training: { ...this.training, trainLoss: this.training.trainLoss.slice(), valLoss: this.training.valLoss.slice() },
      bestValLoss: this.bestValLoss,
      seed: this.seed,
      paths: this.paths,
    };
  }

  private modelName(): string {
    return `DeepAR-${this.kind.toUpperCase()}(${this.config.layers}x${this.config.hiddenSize})`;
  }

  summary(): string {
    const c = this.config, tr = this.training;
    const opt = (v: number) => (Number.isFinite(v) ? fmt(v) : '-');
    const head = keyValueBlock(
      [['Model:', this.modelName()], ['Likelihood:', c.likelihood], ['Series:', String(this.series.length)], ['Observations:', String(this.series.reduce((a, s) => a + s.length, 0))], ['Context length:', String(c.contextLength)], ['Prediction length:', String(c.predictionLength)], ['Weights:', String(this.nWeights)]],
      [['Epochs run:', `${tr.epochsRun} of ${c.epochs}`], ['Best epoch:', String(tr.bestEpoch)], ['Steps:', String(tr.steps)], ['Train NLL:', opt(tr.trainLoss[tr.bestEpoch - 1] ?? NaN)], ['Valid. NLL:', opt(this.bestValLoss)], ['Train windows:', String(tr.windows)], ['Seconds:', tr.seconds.toFixed(1)]],
    );
    const rows: [string, string][] = [
      ['cell', `${c.cell}${c.cell === 'gru' ? ' (reset-after)' : ''}, ${c.layers} layer${c.layers > 1 ? 's' : ''} of ${c.hiddenSize} units`],
      ['lags', c.lags.join(', ')],
      ['covariates', `${c.seasonalPeriod > 1 ? `sin/cos of the position in the season (s = ${c.seasonalPeriod}), ` : ''}log scale`],
      ['head', this.head.describe()],
      ['optimiser', `AdamW, lr ${c.lr}, batch ${c.batchSize}, clip ${c.clipNorm}, warm-up + cosine`],
      ['early stopping', c.validationFraction > 0 ? `on the last ${c.validationFraction} of each series, patience ${c.patience}` : 'off'],
    ];
    return [
      '                  DeepAR Probabilistic Forecaster Results', rule(), head, rule(),
      ...rows.map(([k, v]) => `${k.padEnd(16)}${v}`), rule(),
      'y(t)/nu ~ head(h(t)), h(t) = RNN(h(t-1), [y(t-l)/nu for l in lags, covariates]), nu = 1 + mean|y| over the context.',
      'NLL is per observation on the scale of y/nu; forecasts are ancestral sample paths (Salinas et al. 2020).',
    ].join('\n');
  }

  toJSON(): DeepARJSON {
    return {
      kind: this.kind,
      version: DEEPAR_JSON_VERSION,
      config: { ...this.config, lags: this.config.lags.slice() },
      series: this.series.map((s) => Array.from(s)),
      params: this.params.toJSON(),
      seed: this.seed,
      paths: this.paths,
      training: { ...this.training, trainLoss: this.training.trainLoss.slice(), valLoss: this.training.valLoss.slice() },
    };
  }

  /** Frees the model's weights (the object is unusable afterwards). */
  dispose(): void {
    this.params.dispose();
  }

  /** Restores a model saved with {@link FittedDeepAR.toJSON} (needs the engine started). */
  static fromJSON(json: DeepARJSON): FittedDeepAR {
    requireEngine('deepARFromJSON');
    if (!json || typeof json !== 'object' || !CELL_TYPES.includes(json.kind)) {
      throw new DataError(`model file: expected kind 'lstm' or 'gru'; got '${String((json as { kind?: unknown })?.kind)}'`, 'model');
    }
    if (json.version !== DEEPAR_JSON_VERSION) {
      throw new DataError(`model file: DeepAR format version ${String(json.version)}; this ardiff reads version ${DEEPAR_JSON_VERSION}: refit the model with this version`, 'model');
    }
    let config: DeepARConfig;
    try {
      config = resolveConfig({ ...json.config, cell: json.kind });
      if (json.config.cell !== json.kind || JSON.stringify(config.lags) !== JSON.stringify(json.config.lags)) throw new ArgumentError('cell or lags disagree with the stored ones', 'config');
    } catch (e) {
      if (e instanceof ArgumentError) throw new DataError(`model file: bad config (${e.message}); the file is corrupt`, 'model');
      throw e;
    }
    if (!Array.isArray(json.series) || !json.series.length || !json.series.every((s) => Array.isArray(s) && s.length >= config.contextLength + Math.max(...config.lags) && s.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
      throw new DataError('model file: "series" must be a list of finite series, each at least context + largest lag long; the file is corrupt', 'model');
    }
    const seed = json.seed, paths = json.paths;
    if (typeof seed !== 'number' || !Number.isFinite(seed) || !Number.isInteger(paths) || paths < 1) throw new DataError('model file: seed and paths must be numbers; the file is corrupt', 'model');
    const tr = json.training;
    if (!tr || !Array.isArray(tr.trainLoss) || !Array.isArray(tr.valLoss)) throw new DataError('model file: "training" record is missing; the file is corrupt', 'model');
    const features = new Layout(config).features;
    const expected = new Map([...rnnShapes({ cell: config.cell, inputSize: features, hiddenSize: config.hiddenSize, layers: config.layers }, 'rnn'), ...headShapes(config.likelihood, config.hiddenSize, 'head')]);
    const params = ParamStore.fromJSON(json.params, expected);
    return new FittedDeepAR({
      config,
      series: json.series.map((s) => Float64Array.from(s)),
      params,
      seed,
      paths,
      training: { ...tr, trainLoss: tr.trainLoss.map(Number), valLoss: tr.valLoss.map(Number) },
    });
  }
}

/** Restores a {@link FittedDeepAR} from its JSON (same as `FittedDeepAR.fromJSON`). */
export function deepARFromJSON(json: DeepARJSON): FittedDeepAR {
  return FittedDeepAR.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Input handling

function isSeriesList(y: unknown): y is readonly ArrayLike<number>[] {
  return Array.isArray(y) && y.length > 0 && typeof y[0] === 'object' && y[0] !== null && typeof (y[0] as ArrayLike<number>).length === 'number';
}

function checkSeriesList(y: ArrayLike<number> | readonly ArrayLike<number>[]): Float64Array[] {
  if (!y || typeof (y as ArrayLike<unknown>).length !== 'number') throw new DataError('y must be an array of numbers or a list of such arrays', 'y');
  const list = isSeriesList(y) ? y : [y as ArrayLike<number>];
  return list.map((s, k) => {
    const name = list.length > 1 ? `series ${k + 1}` : 'y';
    if (!s || typeof s.length !== 'number') throw new DataError(`${name} must be an array of numbers`, 'y');
    const out = Float64Array.from(s);
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (Number.isNaN(v)) throw new DataError(`${name} has a missing value (NaN) at row ${i + 1}; DeepAR training needs complete series: impute the gap (e.g. interpolate) or remove the rows first`, 'y');
      if (!Number.isFinite(v)) throw new DataError(`${name} has a non-finite value (${v}) at row ${i + 1}; remove or replace it`, 'y');
    }
    return out;
  });
}

function posInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${name} must be a positive integer; got ${String(v)}`, name);
  return v;
}

function posNum(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ArgumentError(`${name} must be a positive number; got ${String(v)}`, name);
  return v;
}

/** The configuration `fitDeepAR` would use for `options` (defaults filled in, options checked). */
export function resolveDeepARConfig(options: DeepAROptions = {}): DeepARConfig {
  return resolveConfig(options);
}

function resolveConfig(o: DeepAROptions | DeepARConfig): DeepARConfig {
  const cell = o.cell ?? 'lstm';
  if (!CELL_TYPES.includes(cell)) throw new ArgumentError(`cell must be one of ${CELL_TYPES.join(', ')}; got '${String(cell)}'`, 'cell');
  const likelihood = checkHeadKind(o.likelihood ?? 'gaussian', 'likelihood');
  const sp = o.seasonalPeriod ?? 1;
  if (typeof sp !== 'number' || !Number.isInteger(sp) || sp < 1) throw new ArgumentError(`seasonalPeriod must be a positive integer (1 for none); got ${String(sp)}`, 'seasonalPeriod');
  const predictionLength = posInt(o.predictionLength ?? (sp > 1 ? sp : 10), 'predictionLength');
  const contextLength = posInt(o.contextLength ?? Math.max(2 * predictionLength, 16), 'contextLength');
  const extra = o.lags ?? [];
  if (!Array.isArray(extra)) throw new ArgumentError('lags must be an array of positive integers, e.g. [2, 3, 24]', 'lags');
  for (const l of extra) posInt(l, 'lags');
  const lags = [...new Set([1, ...(sp > 1 ? [sp] : []), ...extra])].sort((a, b) => a - b);
  const vf = o.validationFraction ?? 0.1;
  if (typeof vf !== 'number' || !(vf >= 0 && vf < 1)) throw new ArgumentError(`validationFraction must be in [0, 1); got ${String(vf)}`, 'validationFraction');
  return {
    cell,
    likelihood,
    hiddenSize: posInt(o.hiddenSize ?? 40, 'hiddenSize'),
    layers: posInt(o.layers ?? 2, 'layers'),
    contextLength,
    predictionLength,
    seasonalPeriod: sp,
    lags,
    epochs: posInt(o.epochs ?? 100, 'epochs'),
    lr: posNum(o.lr ?? 3e-3, 'lr'),
    batchSize: posInt(o.batchSize ?? 32, 'batchSize'),
    batchesPerEpoch: posInt(o.batchesPerEpoch ?? 50, 'batchesPerEpoch'),
    validationFraction: vf,
    patience: posInt(o.patience ?? 20, 'patience'),
    clipNorm: posNum(o.clipNorm ?? 10, 'clipNorm'),
  };
}

// The model registry reaches these through neural/lazy.ts, so that importing ardiff does
// not load the tensor engine.
provideNeuralForecasters({ fitDeepAR, deepARFromJSON, resolveDeepARConfig });
