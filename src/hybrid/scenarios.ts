/**
 * A conditional diffusion generator of return scenarios: windows of L future daily returns of one
 * or several assets, drawn by a denoising diffusion model conditioned on the volatility the
 * returns before the window show — the autoregressive model of volatility (realised volatility,
 * or GARCH's variance forecast: the hybrid) sets the scale and the state, the diffusion model
 * supplies the shape of the window (fat tails, volatility clustering within it, co-movement of
 * the assets) that Gaussian and GARCH paths miss.
 *
 * For an origin t (returns r_1..r_{t−1} known; the window is r_t..r_{t+L−1}):
 * 1. Scales. `volatility: 'realised'`: s_{a,t+h} = s^long_{a,t}, the root mean square of asset a's
 *    last `longDays` returns, for every day h of the window. `volatility: 'garch'`: s_{a,t+h} =
 *    σ̂_{a,t+h|t−1}, the h-step standard deviation forecast of a GARCH model of asset a fitted to
 *    the training returns (the filtered historical simulation of Barone-Adesi et al. 1999, with the
 *    bootstrap of standardised residuals replaced by a learnt joint distribution of the window).
 * 2. Conditioning c_t (per asset, standardised with the training origins' mean and sd): log
 *    s^long, log(s^short/s^long) (the short-term volatility state), the last return over s^long
 *    (its sign: the leverage effect), and with GARCH log(σ̂_{t|t−1}/s^long).
 * 3. Target x⁰ = the window's returns divided by their scales, day-major (day h, asset a at
 *    h·A + a), standardised by one global mean and sd of the training windows.
 * 4. The diffusion model is TimeGrad's conditional head ({@link DiffusionHead}: pytorch-ts'
 *    EpsilonTheta — dilated convolutions over the L·A values conditioned on c_t and the step
 *    embedding — K = 100 steps of a linear β from 1e-4 to 0.1, the ε-loss at uniform random steps;
 *    Ho et al. 2020, Rasul et al. 2021), trained by AdamW with warm-up and cosine decay on windows
 *    at every origin of the training returns.
 * 5. Scenarios: the reverse process (DDPM over all K steps by default; DDIM or DPM-Solver++ in
 *    fewer) for each row of c_t, then the scales and standardisation undone. x̂⁰ is never clipped.
 *
 * @example
 * await initEngine();
 * const gen = fitScenarioDiffusion({ names: ['DAX', 'FTSE'], columns: [dax, ftse] }, { window: 10, seed: 1 });
 * const s = gen.scenarios({ paths: 1000, rng: createRng(2) });   // after the training data
 * s.paths;                                                        // 1000 × 10 × 2 returns
 * gen.checks(...).kurtosis                                        // distribution checks
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { SampleForecast } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { createRng, shuffle, type Rng } from '../core/rng.js';
import { fmt, keyValueBlock, settingsSummary } from '../core/format.js';
import { checkBudget, checkHorizon, checkPaths, checkPositiveInt, checkRng, historyJSON } from '../core/validate.js';
import { windowStats, type WindowStats } from '../diffusion/windows.js';
import { tf } from '../neural/engine/tf.js';
import { requireEngine, withHeapGuard } from '../neural/engine/init.js';
import { AdamW, trainStep, warmupCosine } from '../neural/optim.js';
import { ParamStore, type ParamJSON } from '../neural/params.js';
import { DIFFUSION_HEAD_DEFAULTS, DIFFUSION_SAMPLERS, diffusionHeadFactory, diffusionHeadSettings, type DiffusionHead, type DiffusionHeadSettings, type DiffusionSamplerName } from './diffusion-head.js';

/** Version of the JSON layout written by {@link ScenarioDiffusion.toJSON}. */
export const SCENARIO_JSON_VERSION = 1;

/** Where the scale and the volatility state come from. */
export type ScenarioVolatility = 'realised' | 'garch';
export const SCENARIO_VOLATILITIES: readonly ScenarioVolatility[] = ['realised', 'garch'];

/**
 * A volatility model for `volatility: 'garch'`: fitted once to each asset's training returns,
 * it gives, for any history, the standard deviations of the next L returns. `fitScenarioDiffusion`
 * uses a GARCH(1,1) with Student-t innovations unless one is given.
 */
export interface VolatilityModel {
  /** A short name for summaries ('GARCH(1,1)-t'). */
  readonly label: string;
  /** The standard deviations of returns t..t+L−1 given the history r_1..r_{t−1} (its whole length). */
  sdForecast(history: Float64Array, L: number): Float64Array;
  /** Plain JSON from which {@link VolatilityModelFactory.fromJSON} restores it. */
  toJSON(): unknown;
}

/** How a volatility model is fitted and restored. */
export interface VolatilityModelFactory {
  fit(returns: Float64Array, name: string): VolatilityModel;
  fromJSON(json: unknown): VolatilityModel;
}

let garchFactory: VolatilityModelFactory | undefined;
/** Registers the GARCH volatility model (called by the GARCH module's hybrid adapter). */
export function provideGarchVolatility(factory: VolatilityModelFactory): void {
  garchFactory = factory;
}

/** Options of {@link fitScenarioDiffusion}. */
export interface ScenarioOptions extends Partial<DiffusionHeadSettings> {
  /** Days per scenario L. Default 10. */
  window?: number;
  /** Scale and volatility state: 'realised' (default) or 'garch' (the hybrid). */
  volatility?: ScenarioVolatility;
  /** The volatility model of `volatility: 'garch'` (default GARCH(1,1)-t per asset). */
  volatilityModel?: VolatilityModelFactory;
  /** Days of the long realised volatility. Default 22 (a month of trading days). */
  longDays?: number;
  /** Days of the short realised volatility. Default 5 (a week). */
  shortDays?: number;
  /** Optimiser steps. Default 2000. */
  steps?: number;
  /** Windows per step. Default 128. */
  batchSize?: number;
  /** Peak learning rate of AdamW (warm-up over 5% of the steps, cosine decay to 10%). Default 1e-3. */
  lr?: number;
  /** Global gradient-norm clip. Default 10. */
  clipNorm?: number;
  /** Seed of the weights, the batches, the diffusion noise and `forecast`'s paths. Default 0. */
  seed?: number;
  /** Default reverse-process sampler. Default 'ddpm' (all K steps). */
  sampler?: DiffusionSamplerName;
  /** Its steps (default K for ddpm, 20 for ddim and dpm++). */
  samplerSteps?: number;
  /** Default paths of `forecast`. Default 500. */
  paths?: number;
  /** Called every 100 steps and at the end. */
  onStep?: (info: { step: number; steps: number; loss: number; seconds: number }) => void;
}

/** The resolved settings (saved with the model). */
export interface ScenarioSettings {
  window: number;
  volatility: ScenarioVolatility;
  longDays: number;
  shortDays: number;
  steps: number;
  batchSize: number;
  lr: number;
  clipNorm: number;
  seed: number;
  sampler: DiffusionSamplerName;
  samplerSteps: number | undefined;
  paths: number;
  diffusion: DiffusionHeadSettings;
}

/** Options of {@link ScenarioDiffusion.scenarios}. */
export interface ScenarioSampleOptions {
  /** Scenarios per origin. Default the model's `paths`. */
  paths?: number;
  /** Random source (default a generator seeded with the model's seed). */
  rng?: Rng;
  sampler?: DiffusionSamplerName;
  samplerSteps?: number;
}

/** Scenarios at one origin: `paths[p][h·A + a]` is the return of asset a on day h of path p. */
export interface Scenarios {
  names: string[];
  window: number;
  /** One row of L·A returns per path, day-major. */
  paths: Float64Array[];
  /** The scale of each day and asset (L·A, day-major) the model used. */
  scales: Float64Array;
}

/** What {@link ScenarioDiffusion.checks} returns. */
export interface ScenarioChecks {
  origins: number;
  /** Scenarios per origin. */
  paths: number;
  /** Per asset: statistics of the real windows, the generated ones and Gaussian windows of the same scales. */
  assets: { asset: string; data: WindowStats; diffusion: WindowStats; gaussian: WindowStats }[];
  /** Same-day correlation matrices (A × A) of the assets' returns. */
  correlation: { data: number[][]; diffusion: number[][]; gaussian: number[][] };
}

/** Training record. */
export interface ScenarioTraining {
  steps: number;
  windows: number;
  /** Mean loss over each block of 100 steps. */
  loss: number[];
  seconds: number;
}

/** Plain-JSON form. */
export interface ScenarioJSON {
  kind: 'scenario-diffusion';
  version: number;
  names: string[];
  settings: ScenarioSettings;
  columns: number[][];
  featureMean: number[];
  featureSd: number[];
  targetMean: number;
  targetSd: number;
  volatilityModels: unknown[] | null;
  params: ParamJSON[];
  training: ScenarioTraining;
}

/** The data: one series of returns, or several aligned ones with names. */
export type ScenarioData = ArrayLike<number> | { names: readonly string[]; columns: readonly ArrayLike<number>[] };

const DEFAULTS = { window: 10, volatility: 'realised' as ScenarioVolatility, longDays: 22, shortDays: 5, steps: 2000, batchSize: 128, lr: 1e-3, clipNorm: 10, seed: 0, sampler: 'ddpm' as DiffusionSamplerName, paths: 500 };

const OPTION_KEYS = new Set([
  'window', 'volatility', 'volatilityModel', 'longDays', 'shortDays', 'steps', 'batchSize', 'lr', 'clipNorm', 'seed', 'sampler', 'samplerSteps', 'paths', 'onStep',
  ...Object.keys(DIFFUSION_HEAD_DEFAULTS),
]);

/** The settings of `options`, defaults filled in and checked. */
export function resolveScenarioSettings(options: ScenarioOptions = {}): ScenarioSettings {
  if (!options || typeof options !== 'object') throw new ArgumentError('the scenario options must be an object, e.g. { window: 10 }', 'options');
  const unknown = Object.keys(options).find((k) => !OPTION_KEYS.has(k));
  if (unknown !== undefined) throw new ArgumentError(`unknown scenario option '${unknown}'; the options are ${[...OPTION_KEYS].join(', ')}`, unknown);
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS & ScenarioOptions;
  const window = checkPositiveInt(o.window, 'window');
  if (window < 2) throw new ArgumentError(`window must be at least 2 days; got ${window}`, 'window');
  if (!SCENARIO_VOLATILITIES.includes(o.volatility)) throw new ArgumentError(`volatility must be one of ${SCENARIO_VOLATILITIES.join(', ')}; got '${String(o.volatility)}'`, 'volatility');
  const longDays = checkPositiveInt(o.longDays, 'longDays'), shortDays = checkPositiveInt(o.shortDays, 'shortDays');
  if (longDays < 2 || shortDays < 1 || shortDays > longDays) throw new ArgumentError(`need 1 ≤ shortDays ≤ longDays and longDays ≥ 2; got ${shortDays} and ${longDays}`, 'shortDays');
  if (!(typeof o.lr === 'number' && o.lr > 0 && o.lr < 1)) throw new ArgumentError(`lr must be in (0, 1); got ${String(o.lr)}`, 'lr');
  if (!(typeof o.clipNorm === 'number' && o.clipNorm > 0)) throw new ArgumentError(`clipNorm must be > 0; got ${String(o.clipNorm)}`, 'clipNorm');
  if (!(typeof o.seed === 'number' && Number.isInteger(o.seed) && o.seed >= 0)) throw new ArgumentError(`seed must be an integer ≥ 0; got ${String(o.seed)}`, 'seed');
  if (!DIFFUSION_SAMPLERS.includes(o.sampler)) throw new ArgumentError(`sampler must be one of ${DIFFUSION_SAMPLERS.join(', ')}; got '${String(o.sampler)}'`, 'sampler');
  const diffusion = diffusionHeadSettings(options as Record<string, unknown>);
  const samplerSteps = o.samplerSteps === undefined ? undefined : checkPositiveInt(o.samplerSteps, 'samplerSteps');
  if (samplerSteps !== undefined && samplerSteps > diffusion.diffusionSteps) throw new ArgumentError(`samplerSteps must be at most the diffusion steps (${diffusion.diffusionSteps}); got ${samplerSteps}`, 'samplerSteps');
  return {
    window, volatility: o.volatility, longDays, shortDays, steps: checkPositiveInt(o.steps, 'steps'), batchSize: checkPositiveInt(o.batchSize, 'batchSize'),
    lr: o.lr, clipNorm: o.clipNorm, seed: o.seed, sampler: o.sampler, samplerSteps, paths: checkPositiveInt(o.paths, 'paths'), diffusion,
  };
}

function readData(data: ScenarioData): { names: string[]; columns: Float64Array[] } {
  if (data && typeof data === 'object' && 'columns' in data && !('length' in data)) {
    const { names, columns } = data;
    if (!Array.isArray(names) || !Array.isArray(columns) || names.length !== columns.length || !columns.length) {
      throw new DataError('data must be a series of returns or { names, columns } with one name per column', 'data');
    }
    if (new Set(names).size !== names.length) throw new DataError(`data has repeated column names (${names.join(', ')})`, 'data');
    const cols = columns.map((c) => Float64Array.from(c));
    if (cols.some((c) => c.length !== cols[0].length)) throw new DataError('data columns must have the same length', 'data');
    return { names: names.map(String), columns: cols };
  }
  if (!data || typeof (data as ArrayLike<number>).length !== 'number') throw new DataError('data must be a series of returns or { names, columns }', 'data');
  return { names: ['y'], columns: [Float64Array.from(data as ArrayLike<number>)] };
}

function checkReturns(columns: readonly Float64Array[], names: readonly string[], argument: string): void {
  columns.forEach((c, a) => {
    for (let i = 0; i < c.length; i++) {
      if (!Number.isFinite(c[i])) throw new DataError(`${names[a]} has a missing or non-finite value at row ${i + 1}; scenarios need complete returns`, argument);
    }
  });
}

/** Root mean square of r[from..to). */
function rms(r: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += r[i] * r[i];
  return Math.sqrt(s / (to - from));
}

/** What the model reads at origin t of each asset: the L scales and the raw features. */
interface OriginState {
  scales: Float64Array; // L·A, day-major
  features: Float64Array; // F
}

/** Features per asset. */
function featuresPerAsset(volatility: ScenarioVolatility): number {
  return volatility === 'garch' ? 4 : 3;
}

/**
 * The fitted generator (see the module notes). Also a one-series {@link Forecaster} (`kind`
 * 'scenario-diffusion'): `forecast(h)` for h ≤ L gives the sample paths of the next h returns.
 */
export class ScenarioDiffusion implements Forecaster {
  readonly kind = 'scenario-diffusion';
  readonly names: string[];
  readonly settings: ScenarioSettings;
  readonly training: ScenarioTraining;
  /** The returns the model was fitted to, or the history given to `apply`. */
  readonly columns: Float64Array[];
  private readonly params: ParamStore;
  private readonly head: DiffusionHead;
  private readonly featureMean: Float64Array;
  private readonly featureSd: Float64Array;
  private readonly targetMean: number;
  private readonly targetSd: number;
  private readonly vol: VolatilityModel[] | null;

  /** @internal */
  constructor(init: {
    names: string[]; columns: Float64Array[]; settings: ScenarioSettings; params: ParamStore; featureMean: Float64Array; featureSd: Float64Array;
    targetMean: number; targetSd: number; vol: VolatilityModel[] | null; training: ScenarioTraining;
  }) {
    this.names = init.names;
    this.columns = init.columns;
    this.settings = init.settings;
    this.params = init.params;
    this.featureMean = init.featureMean;
    this.featureSd = init.featureSd;
    this.targetMean = init.targetMean;
    this.targetSd = init.targetSd;
    this.vol = init.vol;
    this.training = init.training;
    const F = this.names.length * featuresPerAsset(this.settings.volatility);
    this.head = diffusionHeadFactory.attach(this.params, F, 'scenario', { ...this.settings.diffusion, dim: this.settings.window * this.names.length }) as DiffusionHead;
  }

  /** Number of weights of the denoiser. */
  get nWeights(): number {
    return this.params.count();
  }

  /** Scenarios for the L days after the history (the training returns unless given). */
  scenarios(options: ScenarioSampleOptions = {}, history: readonly ArrayLike<number>[] = this.columns): Scenarios {
    const cols = this.readHistory(history);
    const paths = checkPositiveInt(options.paths ?? this.settings.paths, 'paths');
    const rng = options.rng ?? createRng(this.settings.seed);
    checkRng(rng);
    const n = cols[0].length;
    const state = originState(cols, n, this.settings, this.vol);
    const rows = this.draw([state], paths, rng, options);
    return { names: [...this.names], window: this.settings.window, paths: rows, scales: state.scales };
  }

  /**
   * Scenarios at many origins of one history in a single batch: for each origin t (the returns
   * before index t known, t ≥ longDays), `paths` windows of the L returns from t on. What a rolling
   * risk backtest needs without refitting.
   */
  scenariosAt(history: readonly ArrayLike<number>[], origins: readonly number[], options: ScenarioSampleOptions = {}): Float64Array[][] {
    const cols = this.readHistory(history);
    const paths = checkPositiveInt(options.paths ?? this.settings.paths, 'paths');
    const rng = options.rng ?? createRng(this.settings.seed);
    checkRng(rng);
    const states = this.statesAt(cols, origins);
    const all = this.draw(states, paths, rng, options);
    return states.map((_, i) => all.slice(i * paths, (i + 1) * paths));
  }

  /** The scales and conditioning at each origin of `cols` (checked history). */
  private statesAt(cols: readonly Float64Array[], origins: readonly number[]): OriginState[] {
    return origins.map((t) => {
      if (!Number.isInteger(t) || t < this.settings.longDays || t > cols[0].length) {
        throw new ArgumentError(`origins must be integers in ${this.settings.longDays}..${cols[0].length} (the returns before them are the history); got ${t}`, 'origins');
      }
      return originState(cols, t, this.settings, this.vol);
    });
  }

  /** Rows of L·A returns: `paths` per state, in state order. Batches of at most ~50k values per denoiser call. */
  private draw(states: readonly OriginState[], paths: number, rng: Rng, options: ScenarioSampleOptions): Float64Array[] {
    requireEngine('ScenarioDiffusion.scenarios');
    const A = this.names.length, L = this.settings.window, D = L * A, F = this.featureMean.length;
    const scheduler = options.sampler ?? this.settings.sampler;
    const steps = options.samplerSteps ?? (scheduler === this.settings.sampler ? this.settings.samplerSteps : undefined);
    this.head.sampling = { scheduler, steps };
    this.head.scheduler(); // checks the sampler and its steps before any work
    const total = states.length * paths;
    checkPaths(total, D); // every origin's scenarios are held at once
    const chunk = Math.max(1, Math.floor(65536 / D));
    const out: Float64Array[] = [];
    for (let start = 0; start < total; start += chunk) {
      const N = Math.min(chunk, total - start);
      const cond = new Float32Array(N * F);
      for (let i = 0; i < N; i++) {
        const s = states[Math.floor((start + i) / paths)];
        for (let f = 0; f < F; f++) cond[i * F + f] = (s.features[f] - this.featureMean[f]) / this.featureSd[f];
      }
      const hidden = tf.tensor2d(cond, [N, F]);
      let x: Float64Array;
      try {
        x = this.head.sample(hidden, rng);
      } finally {
        hidden.dispose();
      }
      for (let i = 0; i < N; i++) {
        const s = states[Math.floor((start + i) / paths)];
        const row = new Float64Array(D);
        for (let j = 0; j < D; j++) row[j] = (x[i * D + j] * this.targetSd + this.targetMean) * s.scales[j];
        out.push(row);
      }
    }
    return out;
  }

  private readHistory(history: readonly ArrayLike<number>[]): Float64Array[] {
    if (!Array.isArray(history) || history.length !== this.names.length) {
      throw new DataError(`the history needs one column of returns per asset (${this.names.join(', ')}); got ${Array.isArray(history) ? history.length : typeof history}`, 'history');
    }
    const cols = history.map((c) => Float64Array.from(c));
    if (cols.some((c) => c.length !== cols[0].length)) throw new DataError('the history columns must have the same length', 'history');
    if (cols[0].length < this.settings.longDays) throw new DataError(`the history needs at least longDays = ${this.settings.longDays} returns; got ${cols[0].length}`, 'history');
    checkReturns(cols, this.names, 'history');
    return cols;
  }

  // --- The one-series Forecaster contract (the first asset when there are several) ---

  /** Sample paths of the next h ≤ L returns of the first asset (`paths` of the model, seeded with its seed unless `rng`). */
  forecast(h: number, options: ForecastOptions & { paths?: number; rng?: Rng } = {}): SampleForecast {
    checkHorizon(h);
    return new SampleForecast(this.sample(h, { paths: options.paths ?? this.settings.paths, rng: options.rng ?? createRng(this.settings.seed) }));
  }

  /** `paths × h` returns of the first asset, h ≤ L. */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    if (h > this.settings.window) throw new ArgumentError(`the scenario model draws windows of ${this.settings.window} days; horizon ${h} is longer (fit with window ≥ ${h})`, 'horizon');
    checkRng(options.rng);
    const A = this.names.length;
    return this.scenarios({ paths: options.paths ?? 1000, rng: options.rng }).paths.map((row) => Float64Array.from({ length: h }, (_, d) => row[d * A]));
  }

  /** The fitted generator on another history (new returns after the training data), no refit. */
  apply(y: ArrayLike<number> | readonly ArrayLike<number>[]): ScenarioDiffusion {
    const cols = typeof (y as ArrayLike<unknown>)[0] === 'number' ? [y as ArrayLike<number>] : (y as readonly ArrayLike<number>[]);
    const history = this.readHistory(cols);
    return scenarioDiffusionFromJSON({ ...this.toJSON(), columns: history.map((c) => historyJSON(c, false, this.settings.longDays)) });
  }

  /**
   * Distribution checks of the generator against the data: scenarios drawn at `origins` (default
   * every `window`-th origin of the history) pooled per asset, against the real windows at the
   * same origins, and against Gaussian windows of the same scales — quantiles, excess kurtosis and
   * the mean autocorrelation of returns and of absolute returns within windows.
   */
  checks(options: ScenarioSampleOptions & { origins?: number[] } = {}): ScenarioChecks {
    const L = this.settings.window, A = this.names.length, n = this.columns[0].length;
    const origins = options.origins ?? Array.from({ length: Math.floor((n - L - this.settings.longDays) / L) + 1 }, (_, i) => this.settings.longDays + i * L);
    if (!origins.length || origins.some((t) => !Number.isInteger(t) || t < this.settings.longDays || t + L > n)) {
      throw new ArgumentError(`origins must be integers ≥ longDays (${this.settings.longDays}) that leave a full window of ${L} days of data after them`, 'origins');
    }
    const rng = options.rng ?? createRng(this.settings.seed);
    checkRng(rng);
    const paths = checkPositiveInt(options.paths ?? 20, 'paths');
    const states = this.statesAt(this.columns, origins);
    const gen = this.draw(states, paths, rng, options);
    const gaussRng = createRng(this.settings.seed + 1);
    // Rows of L·A values per window for each source, day-major as the scenarios.
    const data: number[] = [], diff: number[] = [], gauss: number[] = [];
    origins.forEach((t, i) => {
      for (let h = 0; h < L; h++) for (let a = 0; a < A; a++) data.push(this.columns[a][t + h]);
      const { scales } = states[i];
      for (const row of gen.slice(i * paths, (i + 1) * paths)) {
        for (const v of row) diff.push(v);
        for (let j = 0; j < L * A; j++) gauss.push(scales[j] * gaussRng.normal());
      }
    });
    const asset = (rows: number[], a: number) => { const out: number[] = []; for (let j = a; j < rows.length; j += A) out.push(rows[j]); return out; };
    return {
      origins: origins.length, paths,
      assets: this.names.map((name, a) => ({ asset: name, data: windowStats(asset(data, a), L), diffusion: windowStats(asset(diff, a), L), gaussian: windowStats(asset(gauss, a), L) })),
      correlation: { data: sameDayCorrelation(data, A), diffusion: sameDayCorrelation(diff, A), gaussian: sameDayCorrelation(gauss, A) },
    };
  }

  summary(): string {
    const s = this.settings, d = s.diffusion;
    const last = this.training.loss[this.training.loss.length - 1];
    return settingsSummary('Diffusion return scenarios', keyValueBlock(
      [['Assets:', this.names.join(', ')], ['Window:', `${s.window} days`], ['Volatility:', this.vol ? `${s.volatility} (${this.vol[0].label})` : s.volatility], ['Weights:', String(this.nWeights)]],
      [['Windows:', String(this.training.windows)], ['Steps:', String(this.training.steps)], ['Final loss:', fmt(last, 4)], ['Seconds:', fmt(this.training.seconds, 1)]],
    ), [
      ['realised volatility', `RMS of the last ${s.longDays} and ${s.shortDays} returns`],
      ['diffusion', `K = ${d.diffusionSteps}, linear beta ${d.betaStart}..${d.betaEnd}, eps network ${d.residualLayers} x ${d.residualChannels}`],
      ['optimiser', `AdamW lr ${s.lr} (warm-up, cosine), batch ${s.batchSize}, clip ${s.clipNorm}`],
      ['sampler', `${s.sampler}${s.samplerSteps ? ` ${s.samplerSteps} steps` : ''}; ${s.paths} paths per forecast`],
    ], ['Windows of returns divided by their volatility scale, drawn by a conditional denoising diffusion model.']);
  }

  toJSON(): ScenarioJSON {
    return {
      kind: 'scenario-diffusion', version: SCENARIO_JSON_VERSION, names: [...this.names], settings: this.settings,
      columns: this.columns.map((c) => Array.from(c)), featureMean: Array.from(this.featureMean), featureSd: Array.from(this.featureSd),
      targetMean: this.targetMean, targetSd: this.targetSd, volatilityModels: this.vol ? this.vol.map((v) => v.toJSON()) : null,
      params: this.params.toJSON(), training: this.training,
    };
  }

  /** Frees the weights. */
  dispose(): void {
    this.head.dispose?.();
    this.params.dispose();
  }
}

/** Correlation matrix of the A interleaved columns of `values` (rows of A values). */
function sameDayCorrelation(values: readonly number[], A: number): number[][] {
  const n = values.length / A, m = new Float64Array(A), c = Array.from({ length: A }, () => new Float64Array(A));
  for (let i = 0; i < n; i++) for (let a = 0; a < A; a++) m[a] += values[i * A + a] / n;
  for (let i = 0; i < n; i++) for (let a = 0; a < A; a++) for (let b = 0; b < A; b++) c[a][b] += (values[i * A + a] - m[a]) * (values[i * A + b] - m[b]);
  return c.map((row, a) => Array.from(row, (v, b) => v / Math.sqrt(c[a][a] * c[b][b])));
}

/** Scales and raw features at origin t (returns before index t known). */
function originState(cols: readonly Float64Array[], t: number, s: ScenarioSettings, vol: readonly VolatilityModel[] | null): OriginState {
  const A = cols.length, L = s.window, per = featuresPerAsset(s.volatility);
  const scales = new Float64Array(L * A), features = new Float64Array(A * per);
  for (let a = 0; a < A; a++) {
    const r = cols[a];
    const long = rms(r, t - s.longDays, t), short = rms(r, t - s.shortDays, t);
    if (!(long > 0)) throw new DataError(`${a === 0 && A === 1 ? 'the series' : `asset ${a + 1}`} has ${s.longDays} zero returns before row ${t + 1}: its volatility is zero there; scenarios need varying returns`, 'data');
    const shortSafe = Math.max(short, 1e-3 * long);
    let sd: Float64Array | undefined;
    if (vol) {
      sd = vol[a].sdForecast(r.subarray(0, t), L);
      if (sd.length !== L || !sd.every((v) => v > 0 && Number.isFinite(v))) throw new DataError(`the volatility model gave a non-positive or non-finite forecast at row ${t + 1}`, 'volatilityModel');
    }
    for (let h = 0; h < L; h++) scales[h * A + a] = sd ? sd[h] : long;
    features[a * per] = Math.log(long);
    features[a * per + 1] = Math.log(shortSafe / long);
    features[a * per + 2] = Math.max(-10, Math.min(10, r[t - 1] / long));
    if (sd) features[a * per + 3] = Math.log(sd[0] / long);
  }
  return { scales, features };
}

/**
 * Fits the generator to daily returns (one series, or several aligned ones) — see the module
 * notes. Needs the tensor engine: `await initEngine()` from 'ardiff/neural' first.
 */
export function fitScenarioDiffusion(data: ScenarioData, options: ScenarioOptions = {}): ScenarioDiffusion {
  requireEngine('fitScenarioDiffusion');
  const { names, columns } = readData(data);
  const s = resolveScenarioSettings(options);
  checkReturns(columns, names, 'data');
  if (options.onStep !== undefined && typeof options.onStep !== 'function') throw new ArgumentError('onStep must be a function ({ step, steps, loss, seconds }) => void', 'onStep');
  const n = columns[0].length, L = s.window, A = names.length, D = L * A;
  const origins = n - L - s.longDays + 1;
  if (origins < 2 * s.batchSize && origins < 200) {
    throw new DataError(`${n} returns give ${Math.max(0, origins)} training windows of ${L} days after ${s.longDays} days of volatility; need at least ${Math.min(2 * s.batchSize, 200)} (more data, or a smaller window or longDays)`, 'data');
  }
  // The denoiser's size and the training windows must fit in memory (checked before any work).
  diffusionHeadFactory.shapes(A * featuresPerAsset(s.volatility), 'scenario', { ...s.diffusion, dim: D });
  checkBudget(origins * D, 8, 'window', `values of the ${origins} training windows of ${L} days × ${A} assets`);
  // 1. The volatility models (GARCH per asset) for the hybrid.
  let vol: VolatilityModel[] | null = null;
  if (s.volatility === 'garch') {
    const factory = options.volatilityModel ?? garchFactory;
    if (!factory) throw new ArgumentError("volatility 'garch' needs a volatility model: pass volatilityModel, or import 'ardiff/hybrid' whose GARCH adapter provides GARCH(1,1)-t", 'volatilityModel');
    vol = columns.map((c, a) => factory.fit(c, names[a]));
  }
  // 2. States, targets and their standardisation over every training origin.
  const F = A * featuresPerAsset(s.volatility);
  const feats = new Float64Array(origins * F), target = new Float64Array(origins * D);
  for (let o = 0; o < origins; o++) {
    const t = s.longDays + o;
    const st = originState(columns, t, s, vol);
    feats.set(st.features, o * F);
    for (let h = 0; h < L; h++) for (let a = 0; a < A; a++) target[o * D + h * A + a] = columns[a][t + h] / st.scales[h * A + a];
  }
  const featureMean = new Float64Array(F), featureSd = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let m = 0, v = 0;
    for (let o = 0; o < origins; o++) m += feats[o * F + f];
    m /= origins;
    for (let o = 0; o < origins; o++) v += (feats[o * F + f] - m) ** 2;
    featureMean[f] = m;
    featureSd[f] = Math.sqrt(v / origins) || 1;
  }
  let targetMean = 0, targetVar = 0;
  for (const v of target) targetMean += v / target.length;
  for (const v of target) targetVar += (v - targetMean) ** 2 / target.length;
  const targetSd = Math.sqrt(targetVar) || 1;
  // 3. The denoiser and its training.
  const rng = createRng(s.seed);
  const params = new ParamStore();
  try {
    const head = diffusionHeadFactory.create(params, F, rng, 'scenario', { ...s.diffusion, dim: D }) as DiffusionHead;
    const training = withHeapGuard('fitScenarioDiffusion', () => train(head, params, s, feats, target, featureMean, featureSd, targetMean, targetSd, origins, F, D, rng, options.onStep));
    head.dispose();
    return new ScenarioDiffusion({ names, columns, settings: s, params, featureMean, featureSd, targetMean, targetSd, vol, training });
  } catch (e) {
    params.dispose();
    throw e;
  }
}

function train(
  head: DiffusionHead, params: ParamStore, s: ScenarioSettings, feats: Float64Array, target: Float64Array, featureMean: Float64Array, featureSd: Float64Array,
  targetMean: number, targetSd: number, origins: number, F: number, D: number, rng: Rng, onStep?: ScenarioOptions['onStep'],
): ScenarioTraining {
  const opt = new AdamW(params, { lr: s.lr });
  const B = Math.min(s.batchSize, origins);
  const order = Array.from({ length: origins }, (_, i) => i);
  let cursor = origins, block = 0, blockN = 0;
  const loss: number[] = [];
  const t0 = performance.now();
  const warmup = Math.max(1, Math.round(0.05 * s.steps));
  try {
    for (let step = 0; step < s.steps; step++) {
      const x = new Float32Array(B * D), c = new Float32Array(B * F);
      for (let b = 0; b < B; b++) {
        if (cursor >= origins) {
          shuffle(order, rng);
          cursor = 0;
        }
        const o = order[cursor++];
        for (let j = 0; j < D; j++) x[b * D + j] = (target[o * D + j] - targetMean) / targetSd;
        for (let f = 0; f < F; f++) c[b * F + f] = (feats[o * F + f] - featureMean[f]) / featureSd[f];
      }
      const v = tf.tidy(() => {
        const xt = tf.tensor2d(x, [B, D]), ct = tf.tensor2d(c, [B, F]);
        return trainStep(params, opt, () => head.loss(xt, ct, { rng }), { clipNorm: s.clipNorm, lrScale: warmupCosine(step, warmup, s.steps) }).loss;
      });
      block += v;
      blockN++;
      if (blockN === 100 || step === s.steps - 1) {
        loss.push(block / blockN);
        onStep?.({ step: step + 1, steps: s.steps, loss: block / blockN, seconds: (performance.now() - t0) / 1000 });
        block = 0;
        blockN = 0;
      }
    }
  } finally {
    opt.dispose();
  }
  return { steps: s.steps, windows: origins, loss, seconds: (performance.now() - t0) / 1000 };
}

/** Restores a generator saved with {@link ScenarioDiffusion.toJSON} (needs the engine started). */
export function scenarioDiffusionFromJSON(json: ScenarioJSON): ScenarioDiffusion {
  requireEngine('scenarioDiffusionFromJSON');
  if (!json || json.kind !== 'scenario-diffusion') throw new DataError(`model file: expected kind 'scenario-diffusion'; got '${String(json?.kind)}'`, 'model');
  if (json.version !== SCENARIO_JSON_VERSION) throw new DataError(`model file: version ${String(json.version)} of the scenario model; this ardiff reads version ${SCENARIO_JSON_VERSION}`, 'model');
  if (!json.settings || typeof json.settings !== 'object') throw new DataError('model file: the settings are missing', 'model');
  const { diffusion, ...saved } = json.settings;
  const settings = resolveScenarioSettings({ ...saved, ...diffusion });
  const names = json.names.map(String);
  const columns = json.columns.map((c) => Float64Array.from(c));
  checkReturns(columns, names, 'model');
  const F = names.length * featuresPerAsset(settings.volatility);
  const featureMean = Float64Array.from(json.featureMean), featureSd = Float64Array.from(json.featureSd);
  if (featureMean.length !== F || featureSd.length !== F || ![...featureMean, ...featureSd, json.targetMean, json.targetSd].every(Number.isFinite)) {
    throw new DataError('model file: the feature and target standardisation is missing or not finite', 'model');
  }
  let vol: VolatilityModel[] | null = null;
  if (settings.volatility === 'garch') {
    if (!garchFactory) throw new ArgumentError("this scenario model uses GARCH volatility: import 'ardiff/hybrid' to load it", 'model');
    if (!Array.isArray(json.volatilityModels) || json.volatilityModels.length !== names.length) throw new DataError('model file: one volatility model per asset is missing', 'model');
    const factory = garchFactory;
    vol = json.volatilityModels.map((v) => factory.fromJSON(v));
  }
  const shapes = diffusionHeadFactory.shapes(F, 'scenario', { ...settings.diffusion, dim: settings.window * names.length });
  const params = ParamStore.fromJSON(json.params, shapes);
  return new ScenarioDiffusion({ names, columns, settings, params, featureMean, featureSd, targetMean: json.targetMean, targetSd: json.targetSd, vol, training: json.training });
}


