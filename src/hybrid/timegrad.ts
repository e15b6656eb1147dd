/**
 * TimeGrad (Rasul, Seward, Schuster & Vollgraf 2021, "Autoregressive denoising diffusion models for
 * multivariate probabilistic time series forecasting", ICML): an autoregressive recurrent network
 * reads the past of D series and, at each future step, a denoising diffusion model conditioned on
 * its state draws the D values of the step jointly; each draw is fed back as the next step's input.
 *
 *   h_t = RNN(h_{t−1}, x_t),  x_t = [y_{t−l}/ν for l in lags; sin, cos of the season position; log ν]
 *   y_t/ν ~ p_θ(· | h_t), a K-step diffusion model with denoiser ε_θ(x^k, k, h_t)   (paper eq. 7–9)
 *
 * It is DeepAR's network (neural/ar-rnn.ts: the same features, windows, mean scaling, training
 * loop, roll-out) with D values per step and the diffusion head (./diffusion-head.ts) in place of
 * the Gaussian one. Training minimises the ε-loss at random diffusion steps over every time step
 * of the windows (Algorithm 1); forecasts are ancestral sample paths (Algorithm 3), with DDPM over
 * all K steps by default, or DDIM / DPM-Solver++ over fewer (`sampler`, `samplerSteps`). x̂⁰ is
 * never clipped (scaled series are unbounded).
 *
 * The defaults are the paper's diffusion (K = 100, linear β from 1e-4 to 0.1) and pytorch-ts'
 * networks (2 LSTM layers of 40 units; ε-network of 8 residual layers × 8 channels), AdamW at
 * lr 1e-3, batches of 64 windows; every setting is saved with the model and printed by `summary()`.
 *
 * @example
 * await initEngine();
 * const fit = fitTimeGrad({ names: ['a', 'b', 'c'], columns }, { seasonalPeriod: 12, epochs: 20 });
 * fit.forecast(12).interval(90);            // marginal intervals from 100 joint sample paths
 * fit.sample(12, { paths: 100, rng: createRng(1), sampler: 'dpm++', samplerSteps: 20 });
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { MultiForecaster, MultiForecastOptions, MultiSampleOptions, MultiSeriesData } from '../core/model.js';
import { SampleMultiForecast } from '../core/multi-forecast.js';
import { createRng, type Rng } from '../core/rng.js';
import { fmt, keyValueBlock, settingsSummary } from '../core/format.js';
import { checkHorizon, checkPositiveInt, checkRng, historyJSON } from '../core/validate.js';
import { requireEngine, withHeapGuard } from '../neural/engine/init.js';
import { ParamStore, type ParamJSON } from '../neural/params.js';
import { CELL_TYPES, type CellType } from '../neural/rnn.js';
import {
  Layout, attachNet, createNet, fitScaling, legacyScaling, makeWindows, netShapes, readScaling, resolveARNetConfig, rollOut, trainNet,
  type ARNetConfig, type ARNetScaling, type ARNetDefaults, type ARNetEpoch, type ARNetOptions, type ARNetTraining, type Net,
} from '../neural/ar-rnn.js';
import { provideHybridModels } from './lazy.js';
import { DIFFUSION_HEAD_DEFAULTS, DIFFUSION_SAMPLERS, DiffusionHead, diffusionHeadSettings, type DiffusionHeadSettings, type DiffusionSamplerName, type DiffusionSampling } from './diffusion-head.js';

/** Version of the JSON layout written by {@link FittedTimeGrad.toJSON}. */
export const TIMEGRAD_JSON_VERSION = 2;

/** Options of {@link fitTimeGrad}. */
export interface TimeGradOptions extends Omit<ARNetOptions, 'likelihood'>, Partial<DiffusionHeadSettings> {
  /** Seed of the initial weights, the windows, the diffusion noise and `forecast`'s paths. Default 0. */
  seed?: number;
  /** Default sample paths of `forecast`. Default 100. */
  paths?: number;
  /** Default reverse-process sampler. Default 'ddpm' (all K steps, as the paper). */
  sampler?: DiffusionSamplerName;
  /** Default reverse steps of the sampler (default K for ddpm, 20 for ddim and dpm++). */
  samplerSteps?: number;
  /** Called after every epoch. */
  onEpoch?: (info: ARNetEpoch) => void;
}

/** Options of {@link FittedTimeGrad.forecast} and {@link FittedTimeGrad.sample}. */
export interface TimeGradSampleOptions {
  /** Sample paths (forecast: the model's `paths`; sample: 1000). */
  paths?: number;
  /** Random source (forecast: a generator seeded with the model's seed). */
  rng?: Rng;
  /** Reverse-process sampler for this call (default the model's). */
  sampler?: DiffusionSamplerName;
  /** Its number of steps. */
  samplerSteps?: number;
}

/** Plain-JSON form of a fitted TimeGrad model. */
export interface TimeGradJSON {
  kind: 'timegrad';
  version: number;
  names: string[];
  config: ARNetConfig;
  diffusion: DiffusionHeadSettings;
  sampling: DiffusionSampling;
  columns: number[][];
  /** How targets are scaled (format 2; format 1 files have none and scale by 1 + mean |y|). */
  scaling?: ARNetScaling;
  params: ParamJSON[];
  seed: number;
  paths: number;
  training: ARNetTraining;
}

/** TimeGrad's network defaults (pytorch-ts'). */
const TIMEGRAD_DEFAULTS: ARNetDefaults = { likelihood: 'diffusion', cell: 'lstm', hiddenSize: 40, layers: 2, epochs: 40, lr: 1e-3, batchSize: 64, batchesPerEpoch: 50, validationFraction: 0.1, patience: 10, clipNorm: 10 };

/** The resolved network settings {@link fitTimeGrad} would use. */
export function resolveTimeGradConfig(options: TimeGradOptions = {}): ARNetConfig {
  return resolveARNetConfig({ ...options, likelihood: 'diffusion' }, TIMEGRAD_DEFAULTS);
}

/** The columns of the data, checked: at least two series, equal lengths, finite values. */
function readColumns(data: MultiSeriesData | Readonly<Record<string, ArrayLike<number>>>): { names: string[]; columns: Float64Array[] } {
  if (!data || typeof data !== 'object') throw new DataError('data must be { names, columns } or a record of named columns', 'data');
  const multi = Array.isArray((data as MultiSeriesData).names) && Array.isArray((data as MultiSeriesData).columns);
  const names = multi ? (data as MultiSeriesData).names.slice() : Object.keys(data);
  const raw = multi ? (data as MultiSeriesData).columns : names.map((n) => (data as Record<string, ArrayLike<number>>)[n]);
  if (names.length < 2) throw new DataError(`TimeGrad models several series jointly: give at least two columns; got ${names.length} (D = ${names.length})`, 'data');
  if (raw.length !== names.length) throw new DataError(`data has ${names.length} names but ${raw.length} columns`, 'data');
  const n = raw[0]?.length;
  const columns = raw.map((c, j) => {
    if (!c || typeof c.length !== 'number') throw new DataError(`column '${names[j]}' is not an array of numbers`, 'data');
    if (c.length !== n) throw new DataError(`column '${names[j]}' has ${c.length} values but '${names[0]}' has ${n}; all series must have the same length`, 'data');
    const out = Float64Array.from(c);
    out.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new DataError(`column '${names[j]}' has a ${Number.isNaN(v) ? 'missing' : 'non-finite'} value at row ${i + 1}; TimeGrad trains on complete series: fill the gap first (ardiff impute)`, 'data');
    });
    return out;
  });
  return { names, columns };
}

function checkSampler(name: DiffusionSamplerName | undefined, fallback: DiffusionSamplerName): DiffusionSamplerName {
  const v = name ?? fallback;
  if (!DIFFUSION_SAMPLERS.includes(v)) throw new ArgumentError(`sampler must be one of ${DIFFUSION_SAMPLERS.join(', ')}; got '${String(v)}'`, 'sampler');
  return v;
}

/**
 * Fits TimeGrad to D ≥ 2 aligned series (see the module notes). Needs the tensor engine:
 * `await initEngine()` from 'ardiff/neural' first.
 */
export function fitTimeGrad(data: MultiSeriesData | Readonly<Record<string, ArrayLike<number>>>, options: TimeGradOptions = {}): FittedTimeGrad {
  requireEngine('fitTimeGrad');
  if (!options || typeof options !== 'object') throw new ArgumentError('fitTimeGrad: options must be an object', 'options');
  const config = resolveTimeGradConfig(options);
  const diffusion = diffusionHeadSettings({ ...options });
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  const paths = checkPositiveInt(options.paths ?? 100, 'paths');
  const sampling: DiffusionSampling = { scheduler: checkSampler(options.sampler, 'ddpm'), ...(options.samplerSteps !== undefined ? { steps: options.samplerSteps } : {}) };
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') throw new ArgumentError('onEpoch must be a function ({ epoch, trainLoss, valLoss }) => void', 'onEpoch');
  const { names, columns } = readColumns(data);
  const D = columns.length;
  const items = [columns];
  const { train, val } = makeWindows(items, config, new Layout(config, D));
  const scaling = fitScaling(train, items, config);
  const layout = new Layout(config, D, scaling);
  const rng = createRng(seed);
  const params = new ParamStore();
  let net: Net | undefined;
  try {
    net = createNet(params, { config, dim: D, headOptions: { ...diffusion } }, layout, rng);
    (net.head as DiffusionHead).scheduler(sampling); // checks the sampler's steps before training
    const t0 = performance.now();
    const training = withHeapGuard('fitTimeGrad', () => trainNet(net as Net, params, items, config, layout, train, val, rng, options.onEpoch));
    training.seconds = (performance.now() - t0) / 1000;
    net.head.dispose?.();
    return new FittedTimeGrad({ names, columns, config, scaling, diffusion, sampling, params, seed, paths, training });
  } catch (e) {
    net?.head.dispose?.();
    params.dispose();
    throw e;
  }
}

/**
 * The weights `fitTimeGrad` starts training from for `data` and `options` (same seed, same draws),
 * without training: what a peer implementation loads to start from the same network.
 */
export function timeGradInitialParams(data: MultiSeriesData | Readonly<Record<string, ArrayLike<number>>>, options: TimeGradOptions = {}): ParamJSON[] {
  requireEngine('timeGradInitialParams');
  const config = resolveTimeGradConfig(options);
  const diffusion = diffusionHeadSettings({ ...options });
  const { columns } = readColumns(data);
  const layout = new Layout(config, columns.length);
  const params = new ParamStore();
  try {
    const net = createNet(params, { config, dim: columns.length, headOptions: { ...diffusion } }, layout, createRng(options.seed ?? 0));
    net.head.dispose?.();
    return params.toJSON();
  } finally {
    params.dispose();
  }
}

interface FittedInit {
  names: string[];
  columns: Float64Array[];
  config: ARNetConfig;
  scaling: ARNetScaling;
  diffusion: DiffusionHeadSettings;
  sampling: DiffusionSampling;
  params: ParamStore;
  seed: number;
  paths: number;
  training: ARNetTraining;
}

/** A fitted TimeGrad model (see {@link fitTimeGrad}): the multivariate forecast contract. */
export class FittedTimeGrad implements MultiForecaster {
  readonly kind = 'timegrad';
  readonly names: readonly string[];
  /** The series the model was trained on and conditions its forecasts on. */
  readonly columns: readonly Float64Array[];
  readonly config: ARNetConfig;
  readonly diffusion: DiffusionHeadSettings;
  /** The default sampler of `forecast` and `sample`. */
  readonly sampling: DiffusionSampling;
  readonly seed: number;
  readonly paths: number;
  readonly training: ARNetTraining;
  private readonly params: ParamStore;
  private readonly net: Net;
  private readonly layout: Layout;

  constructor(init: FittedInit) {
    this.names = init.names;
    this.columns = init.columns;
    this.config = init.config;
    this.diffusion = init.diffusion;
    this.sampling = init.sampling;
    this.seed = init.seed;
    this.paths = init.paths;
    this.training = init.training;
    this.params = init.params;
    this.layout = new Layout(init.config, init.columns.length, init.scaling);
    this.net = attachNet(init.params, this.spec(), this.layout);
  }

  private spec() {
    return { config: this.config, dim: this.columns.length, headOptions: { ...this.diffusion } };
  }

  /** Number of trainable weights. */
  get nWeights(): number {
    return this.params.count();
  }

  /** Joint forecast of steps 1..h from `paths` ancestral sample paths (seeded with the model's seed unless `rng` is given). */
  forecast(h: number, options: MultiForecastOptions & TimeGradSampleOptions = {}): SampleMultiForecast {
    checkHorizon(h);
    const paths = checkPositiveInt(options.paths ?? this.paths, 'paths');
    const rng = options.rng ?? createRng(this.seed);
    checkRng(rng);
    return new SampleMultiForecast(this.names, this.simulate(h, paths, rng, options));
  }

  /** Joint sample paths `[path][step][series]` (Algorithm 3). */
  sample(h: number, options: MultiSampleOptions & TimeGradSampleOptions): Float64Array[][] {
    checkHorizon(h);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkRng(options.rng);
    return this.simulate(h, checkPositiveInt(options.paths ?? 1000, 'paths'), options.rng, options);
  }

  private simulate(h: number, P: number, rng: Rng, options: TimeGradSampleOptions): Float64Array[][] {
    requireEngine('TimeGrad forecast');
    const head = this.net.head as DiffusionHead;
    const sampling: DiffusionSampling = options.sampler || options.samplerSteps !== undefined
      ? { scheduler: checkSampler(options.sampler, this.sampling.scheduler), ...(options.samplerSteps !== undefined ? { steps: options.samplerSteps } : {}) }
      : this.sampling;
    head.scheduler(sampling); // checks the steps
    const D = this.columns.length;
    const draws = Array.from({ length: P }, () => Array.from({ length: h }, () => new Float64Array(D)));
    const previous = head.sampling;
    head.sampling = sampling;
    try {
      return withHeapGuard('TimeGrad forecast', () => {
        rollOut(this.net, this.layout, this.config, this.columns, P, h, (hidden, j, nu) => {
          const z = head.sample(hidden, rng);
          for (let i = 0; i < P; i++) for (let d = 0; d < D; d++) draws[i][j][d] = z[i * D + d] * nu[d];
        }, (i, step, d) => draws[i][step][d]);
        return draws;
      });
    } finally {
      head.sampling = previous;
    }
  }

  /**
   * The trained network applied to another history of the same series (the data extended by new
   * rows): forecasts and samples start after it; no training. The returned model holds its own
   * copy of the weights (dispose each model you create).
   */
  apply(data: MultiSeriesData | Readonly<Record<string, ArrayLike<number>>>): FittedTimeGrad {
    const { names, columns } = readColumns(data);
    if (names.length !== this.names.length || names.some((n, j) => n !== this.names[j])) {
      throw new DataError(`apply needs the model's series in its order (${this.names.join(', ')}); got ${names.join(', ')}`, 'data');
    }
    const need = this.config.contextLength + Math.max(...this.config.lags);
    return fittedTimeGradFromJSON({ ...this.toJSON(), columns: columns.map((c) => historyJSON(c, false, need)) });
  }

  summary(): string {
    const c = this.config, tr = this.training, s = this.diffusion;
    const opt = (v: number) => (Number.isFinite(v) ? fmt(v) : '-');
    const bestVal = tr.valLoss.length ? Math.min(...tr.valLoss) : NaN;
    const head = keyValueBlock(
      [['Model:', `TimeGrad-${c.cell.toUpperCase()}(${c.layers}x${c.hiddenSize})`], ['Series (D):', String(this.names.length)], ['Observations:', String(this.columns[0].length)],
        ['Context length:', String(c.contextLength)], ['Prediction length:', String(c.predictionLength)], ['Weights:', String(this.nWeights)]],
      [['Epochs run:', `${tr.epochsRun} of ${c.epochs}`], ['Best epoch:', String(tr.bestEpoch)], ['Steps:', String(tr.steps)],
        ['Train loss:', opt(tr.trainLoss[tr.bestEpoch - 1] ?? NaN)], ['Valid. loss:', opt(bestVal)], ['Seconds:', tr.seconds.toFixed(1)]],
    );
    const rows: [string, string][] = [
      ['series', this.names.join(', ')],
      ['cell', `${c.cell}, ${c.layers} layer${c.layers > 1 ? 's' : ''} of ${c.hiddenSize} units`],
      ['lags', c.lags.join(', ')],
      ['covariates', `${c.seasonalPeriod > 1 ? `sin/cos of the position in the season (s = ${c.seasonalPeriod}), ` : ''}log scale of each series`],
      ['diffusion', `K = ${s.diffusionSteps}, linear beta ${s.betaStart}..${s.betaEnd}, epsilon-loss, no x0 clipping`],
      ['eps network', `${s.residualLayers} residual layers x ${s.residualChannels} channels, dilation cycle ${s.dilationCycle}, step embedding ${s.timeEmbedding}->${s.residualHidden}`],
      ['sampler', `${this.sampling.scheduler}${this.sampling.steps ? `, ${this.sampling.steps} steps` : this.sampling.scheduler === 'ddpm' ? `, ${s.diffusionSteps} steps` : ', 20 steps'}`],
      ['optimiser', `AdamW, lr ${c.lr}, batch ${c.batchSize}, clip ${c.clipNorm}, warm-up + cosine`],
      ['early stopping', c.validationFraction > 0 ? `on the last ${c.validationFraction} of the series, patience ${c.patience}` : 'off'],
    ];
    return settingsSummary('TimeGrad: Autoregressive Denoising Diffusion Results', head, rows, [
      'y(t)/nu ~ diffusion(h(t)), h(t) = RNN(h(t-1), [y(t-l)/nu, covariates]); loss: mean |eps - eps_theta(x^k, k, h)|^2',
      'over random diffusion steps k (Rasul et al. 2021); forecasts are ancestral sample paths.',
    ]);
  }

  toJSON(): TimeGradJSON {
    return {
      kind: 'timegrad',
      version: TIMEGRAD_JSON_VERSION,
      names: this.names.slice(),
      config: { ...this.config, lags: this.config.lags.slice() },
      diffusion: { ...this.diffusion },
      sampling: { ...this.sampling },
      columns: this.columns.map((c) => Array.from(c)),
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
}

/** Restores a model saved with {@link FittedTimeGrad.toJSON} (needs the engine started). */
export function fittedTimeGradFromJSON(json: TimeGradJSON): FittedTimeGrad {
  requireEngine('timeGradFromJSON');
  if (!json || typeof json !== 'object' || json.kind !== 'timegrad') {
    throw new DataError(`model file: expected kind 'timegrad'; got '${String((json as { kind?: unknown })?.kind)}'`, 'model');
  }
  if (json.version !== TIMEGRAD_JSON_VERSION && json.version !== 1) {
    throw new DataError(`model file: TimeGrad format version ${String(json.version)}; this ardiff reads version ${TIMEGRAD_JSON_VERSION}: refit the model with this version`, 'model');
  }
  let config: ARNetConfig, diffusion: DiffusionHeadSettings;
  try {
    if (!CELL_TYPES.includes(json.config?.cell as CellType)) throw new ArgumentError('unknown cell', 'config');
    config = resolveTimeGradConfig({ ...json.config });
    if (JSON.stringify(config.lags) !== JSON.stringify(json.config.lags)) throw new ArgumentError('lags disagree with the stored ones', 'config');
    diffusion = diffusionHeadSettings({ ...DIFFUSION_HEAD_DEFAULTS, ...json.diffusion });
  } catch (e) {
    if (e instanceof ArgumentError) throw new DataError(`model file: bad config (${e.message}); the file is corrupt`, 'model');
    throw e;
  }
  const D = Array.isArray(json.names) ? json.names.length : 0;
  const need = config.contextLength + Math.max(...config.lags);
  if (D < 2 || !Array.isArray(json.columns) || json.columns.length !== D || !json.columns.every((c) => Array.isArray(c) && c.length >= need && c.length === json.columns[0].length && c.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new DataError('model file: "columns" must hold one finite series per name, equally long, each at least context + largest lag long; the file is corrupt', 'model');
  }
  if (typeof json.seed !== 'number' || !Number.isInteger(json.paths) || json.paths < 1) throw new DataError('model file: seed and paths must be numbers; the file is corrupt', 'model');
  const tr = json.training;
  if (!tr || !Array.isArray(tr.trainLoss) || !Array.isArray(tr.valLoss)) throw new DataError('model file: "training" record is missing; the file is corrupt', 'model');
  const sampling: DiffusionSampling = { scheduler: checkSampler(json.sampling?.scheduler, 'ddpm'), ...(json.sampling?.steps !== undefined ? { steps: json.sampling.steps } : {}) };
  // Format 1 scaled by 1 + mean |y| with uncentred log-scale covariates.
  const scaling = json.version === 1 ? legacyScaling(D) : readScaling(json.scaling, D);
  if (!scaling) throw new DataError(`model file: "scaling" must be { offset: 0 or 1, logCentre: [${D} finite numbers] }; the file is corrupt`, 'model');
  const layout = new Layout(config, D);
  const params = ParamStore.fromJSON(json.params, netShapes({ config, dim: D, headOptions: { ...diffusion } }, layout));
  return new FittedTimeGrad({
    names: json.names.slice(), columns: json.columns.map((c) => Float64Array.from(c)), config, scaling, diffusion, sampling, params,
    seed: json.seed, paths: json.paths, training: { ...tr, trainLoss: tr.trainLoss.map(Number), valLoss: tr.valLoss.map(Number) },
  });
}

// The model registry reaches these through hybrid/lazy.ts, so that importing ardiff does not load
// the tensor engine.
provideHybridModels({ fitTimeGrad, fittedTimeGradFromJSON, resolveTimeGradConfig });
