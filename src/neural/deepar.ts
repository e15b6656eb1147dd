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
 * with the mean scale ν = mean |y| over the conditioning range (§3.3; without the paper's 1 +, as
 * GluonTS, so that the model does not depend on the data's unit), lags {1} ∪ {s} ∪ `lags`
 * (s = `seasonalPeriod`; the seasonal lag and position covariates only when s > 1) and log ν, less
 * its mean over the training windows, as a static covariate (as GluonTS' DeepAR). The head models y/ν, which is the paper's μ·ν, σ·ν.
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
import { fmt, keyValueBlock, settingsSummary } from '../core/format.js';
import { checkHorizon, checkNoExog, checkPaths, checkPositiveInt, checkRng, historyJSON } from '../core/validate.js';
import { requireEngine, withHeapGuard } from './engine/init.js';
import { ParamStore, type ParamJSON } from './params.js';
import { CELL_TYPES, type CellType } from './rnn.js';
import { Layout, attachNet, createNet, fitScaling, legacyScaling, makeWindows, netShapes, readScaling, resolveARNetConfig, rollOut, targetStats, trainNet, type ARNetConfig, type ARNetScaling, type ARNetDefaults, type ARNetEpoch, type ARNetTraining, type Net } from './ar-rnn.js';

/** Version of the JSON layout written by {@link FittedDeepAR.toJSON}. */
export const DEEPAR_JSON_VERSION = 2;

/**
 * Distribution of the next value: a registered likelihood head ('gaussian', 'student-t', or one
 * added with `registerHead`).
 */
export type DeepARLikelihood = 'gaussian' | 'student-t' | (string & NonNullable<unknown>);

/** Progress after each epoch (mean training NLL in scaled units; validation NLL, NaN without a split). */
export type DeepAREpoch = ARNetEpoch;

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
export interface DeepARConfig extends ARNetConfig {
  likelihood: DeepARLikelihood;
}

/** What training did (losses are NLLs per observation on the scale of y/ν). */
export type DeepARTraining = ARNetTraining;

/** DeepAR's defaults (GluonTS' where it has them). */
const DEEPAR_DEFAULTS: ARNetDefaults = { likelihood: 'gaussian', hiddenSize: 40, layers: 2, epochs: 100, lr: 3e-3, batchSize: 32, batchesPerEpoch: 50, validationFraction: 0.1, patience: 20, clipNorm: 10 };

/** Plain-JSON form of a fitted model. */
export interface DeepARJSON {
  kind: CellType;
  version: number;
  config: DeepARConfig;
  series: number[][];
  /** How targets are scaled (format 2; format 1 files have none and scale by 1 + mean |y|). */
  scaling?: ARNetScaling;
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
  const items = series.map((s) => [s]);
  const { train, val } = makeWindows(items, config, new Layout(config));
  const scaling = fitScaling(train, items, config);
  const layout = new Layout(config, 1, scaling);

  const rng = createRng(seed);
  const params = new ParamStore();
  try {
    const net = createNet(params, { config, dim: 1 }, layout, rng);
    net.head.initFromData?.(...targetStats(train, items, config, layout));
    const t0 = performance.now();
    const training = withHeapGuard('fitDeepAR', () => trainNet(net, params, items, config, layout, train, val, rng, options.onEpoch));
    training.seconds = (performance.now() - t0) / 1000;
    return new FittedDeepAR({ config, series, scaling, params, seed, paths, training });
  } catch (e) {
    params.dispose();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The fitted model

interface FittedInit {
  config: DeepARConfig;
  series: Float64Array[];
  scaling: ARNetScaling;
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
  private readonly net: Net;
  private readonly layout: Layout;

  constructor(init: FittedInit) {
    this.kind = init.config.cell;
    this.config = init.config;
    this.series = init.series;
    this.seed = init.seed;
    this.paths = init.paths;
    this.training = init.training;
    this.params = init.params;
    this.layout = new Layout(init.config, 1, init.scaling);
    this.net = attachNet(init.params, { config: init.config, dim: 1 }, this.layout);
  }

  /** Number of trainable weights. */
  get nWeights(): number {
    return this.params.count();
  }

  /** Lowest validation NLL (NaN without validation). */
  get bestValLoss(): number {
    return this.training.valLoss.length ? this.training.valLoss.reduce((m, v) => Math.min(m, v), Infinity) : NaN;
  }

  /**
   * Monte Carlo forecast for steps 1..h of series `series` (default 0): a {@link SampleForecast}
   * of `paths` ancestral sample paths. Without `rng` the generator is seeded with the model's
   * `seed`, so repeated calls (and a restored model) give identical forecasts.
   */
  forecast(h: number, options: DeepARForecastOptions = {}): SampleForecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'a DeepAR model');
    const paths = checkPaths(options.paths ?? this.paths, h);
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
    const paths = checkPaths(options.paths ?? 1000, h);
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
      rollOut(this.net, this.layout, this.config, [this.series[k]], P, h, (hidden, j, nu) => {
        const z = this.net.head.sample(hidden, rng);
        for (let i = 0; i < P; i++) draws[i][j] = z[i] * nu[0];
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
      rollOut(this.net, this.layout, this.config, [this.series[k]], 1, 1, (hidden, _j, nu) => {
        const d = this.net.head.distribution(hidden);
        out = Object.fromEntries(Object.entries(d).map(([name, v]) => [name, name === 'mu' || name === 'sigma' ? v[0] * nu[0] : v[0]]));
      }, () => NaN);
    });
    return out;
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
      ['head', this.net.head.describe()],
      ['optimiser', `AdamW, lr ${c.lr}, batch ${c.batchSize}, clip ${c.clipNorm}, warm-up + cosine`],
      ['early stopping', c.validationFraction > 0 ? `on the last ${c.validationFraction} of each series, patience ${c.patience}` : 'off'],
    ];
    return settingsSummary('DeepAR Probabilistic Forecaster Results', head, rows, [
      'y(t)/nu ~ head(h(t)), h(t) = RNN(h(t-1), [y(t-l)/nu for l in lags, covariates]), nu = mean|y| over the context.',
      'NLL is per observation on the scale of y/nu; forecasts are ancestral sample paths (Salinas et al. 2020).',
    ]);
  }

  toJSON(): DeepARJSON {
    return {
      kind: this.kind,
      version: DEEPAR_JSON_VERSION,
      config: { ...this.config, lags: this.config.lags.slice() },
      series: this.series.map((s) => Array.from(s)),
      scaling: { offset: this.layout.scaling.offset, logCentre: this.layout.scaling.logCentre.slice() },
      params: this.params.toJSON(),
      seed: this.seed,
      paths: this.paths,
      training: { ...this.training, trainLoss: this.training.trainLoss.slice(), valLoss: this.training.valLoss.slice() },
    };
  }

  /** Frees the model's weights (the object is unusable afterwards). */
  dispose(): void {
    this.net.head.dispose?.();
    this.params.dispose();
  }

  /** Restores a model saved with {@link FittedDeepAR.toJSON} (needs the engine started). */
  static fromJSON(json: DeepARJSON): FittedDeepAR {
    requireEngine('deepARFromJSON');
    if (!json || typeof json !== 'object' || !CELL_TYPES.includes(json.kind)) {
      throw new DataError(`model file: expected kind 'lstm' or 'gru'; got '${String((json as { kind?: unknown })?.kind)}'`, 'model');
    }
    if (json.version !== DEEPAR_JSON_VERSION && json.version !== 1) {
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
    // Format 1 scaled by 1 + mean |y| with an uncentred log-scale covariate.
    const scaling = json.version === 1 ? legacyScaling(1) : readScaling(json.scaling, 1);
    if (!scaling) throw new DataError('model file: "scaling" must be { offset: 0 or 1, logCentre: [one finite number] }; the file is corrupt', 'model');
    const expected = netShapes({ config, dim: 1 }, new Layout(config));
    const params = ParamStore.fromJSON(json.params, expected);
    return new FittedDeepAR({
      config,
      series: json.series.map((s) => Float64Array.from(s)),
      scaling,
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

/** The configuration `fitDeepAR` would use for `options` (defaults filled in, options checked). */
export function resolveDeepARConfig(options: DeepAROptions = {}): DeepARConfig {
  return resolveConfig(options);
}

function resolveConfig(o: DeepAROptions | DeepARConfig): DeepARConfig {
  return resolveARNetConfig(o, DEEPAR_DEFAULTS);
}

// The model registry reaches these through neural/lazy.ts, so that importing ardiff does
// not load the tensor engine.
provideNeuralForecasters({ fitDeepAR, deepARFromJSON, resolveDeepARConfig });
