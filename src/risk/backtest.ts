/**
 * Rolling one-day-ahead VaR and ES backtest of return models.
 *
 * For returns r_1..r_n, a training `window` W and a refit interval K, the test days are
 * t = W+1..n (T = n − W days). Each model, on each test day t:
 *
 * 1. at days t = W+1, W+1+K, W+1+2K, … is fitted afresh on the W returns r_{t−W}..r_{t−1};
 * 2. on the other days keeps its parameters and is applied to the latest W returns (a registered
 *    model's `apply(y)`: no refit; a model without `apply` is refitted every day);
 * 3. gives its one-step predictive distribution of r_t: a Gaussian forecast as it is (closed-form
 *    VaR and ES), a simulation model's `sample(1, { paths, rng })` draws, or any other forecast's
 *    quantile function (see `risk/var-tests.ts`, eq. 1);
 * 4. at each tail probability α of `levels`: VaR_t, ES_t and the exceedance I_t = 1{r_t < −VaR_t}.
 *
 * Then, per model and level, over the T days: exceedance count and rate against αT, Kupiec's
 * POF test, Christoffersen's independence and conditional-coverage tests, Acerbi–Szekely's Z2
 * ES test with its simulated p-value, the mean VaR and ES, the quantile (tick) and FZ0 losses
 * (lower is better), and at α = 1% the Basel traffic-light zone of the last 250 days.
 *
 * Models: registered models of one series by name (`ar` is the Gaussian AR; `garch` once it is
 * registered), the same model under another label with other options (`{ label, model,
 * options }`), `historical` (historical simulation: the empirical distribution of the last W
 * returns, built in here), and any {@link RiskModel} (`{ name, fit(train) }`), which is how a
 * generator outside the registry (the diffusion scenario generator) joins the comparison.
 *
 * Historical simulation is built in rather than registered as a forecasting model: it has no
 * parameters to fit, apply or serialise, its multi-step "forecast" (an i.i.d. bootstrap) is not
 * a model anyone would forecast with, and as a {@link RiskModel} it exercises the same hook the
 * diffusion generator uses. The name `historical` therefore always means this built-in.
 *
 * Randomness: every model's sample paths come from `createRng(seed)` (a fresh stream per model,
 * so a model's numbers do not depend on the others in the list), the ES tests' simulations from
 * `createRng(seed + 1)` (the same stream for every model and level: common random numbers).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { SampleForecast, type Forecast } from '../core/forecast.js';
import type { Forecaster } from '../core/model.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkIntAtLeast, checkPaths } from '../core/validate.js';
import { parseOptions, type SeriesModelEntry } from '../core/model-entry.js';
import { findModel, modelNames } from '../registry.js';
import {
  MAX_SIMS, acerbiSzekelyTest, checkAlpha, christoffersenTest, exceedances, fz0Loss, oneStepPredictive, quantileLoss, riskMeasures, trafficLight,
  type EsTest, type LRTest, type OneStepPredictive, type TrafficLightZone,
} from './var-tests.js';

/** Options given to a {@link RiskFit}'s forecast. */
export interface RiskForecastOptions {
  /** Seeded random source for simulation. */
  rng: Rng;
  /** Sample paths for a simulated forecast. */
  paths: number;
}

/** A model fitted on one training window. */
export interface RiskFit {
  /**
   * The predictive distribution of the return after `history` (the latest W returns, ending
   * the day before), with the parameters of the fit (no refit): a {@link Forecast} (its first
   * step is used) or a {@link OneStepPredictive}.
   */
  forecast(history: Float64Array, options: RiskForecastOptions): Forecast | OneStepPredictive | Promise<Forecast | OneStepPredictive>;
  /**
   * Optional: the forecasts after each of several histories at once — the consecutive days up to
   * the next refit, each history the previous one moved on by a day — for a model that draws many
   * origins in one batch (the diffusion scenario generator). Used instead of `forecast` when present.
   */
  forecastMany?(histories: readonly Float64Array[], options: RiskForecastOptions): (Forecast | OneStepPredictive)[] | Promise<(Forecast | OneStepPredictive)[]>;
}

/** A model for the risk backtest outside the registry (e.g. the diffusion scenario generator). */
export interface RiskModel {
  readonly name: string;
  /** This model's own refit interval in test days, overriding the backtest's (Infinity: fit once, on the first window). */
  readonly refitEvery?: number;
  /** Fits on a training window of W returns; called at every refit. */
  fit(train: Float64Array): RiskFit | Promise<RiskFit>;
}

/** A registered model under its own label, with options (e.g. ARMA-GARCH as `garch` with a mean model). */
export interface LabelledModel {
  readonly label: string;
  /** Registered model name. */
  readonly model: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A model of the risk backtest: a registered name, `historical`, a labelled registered model or a {@link RiskModel}. */
export type RiskModelSpec = string | LabelledModel | RiskModel;

/** Options of {@link riskBacktest}. */
export interface RiskBacktestOptions {
  models: readonly RiskModelSpec[];
  /** Training window W (returns per fit; also historical simulation's sample). Default 1000. */
  window?: number;
  /** Refit every K test days (1: every day). Default 50. */
  refitEvery?: number;
  /** Tail probabilities α, each in (0, 1). Default [0.01, 0.05]. */
  levels?: readonly number[];
  /** Sample paths per day for simulation models. Default 1000. */
  paths?: number;
  /** Simulations of the ES test's p-value. Default 1000. */
  sims?: number;
  /** Seed of all randomness (and of the registered models that take one). Default 0. */
  seed?: number;
  /** Options per registered model name (or label), merged over its backtest options. */
  modelOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Called after each test day of each model (for progress bars). */
  onProgress?: (model: string, done: number, total: number) => void;
}

/** The backtest of one model at one tail probability. */
export interface RiskLevelResult {
  /** Tail probability α. */
  level: number;
  days: number;
  exceedances: number;
  /** Expected exceedances αT. */
  expected: number;
  /** Exceedances / T. */
  rate: number;
  kupiec: LRTest;
  independence: LRTest;
  conditionalCoverage: LRTest;
  /** Acerbi–Szekely Z2 with its simulated p-value. */
  esTest: EsTest;
  meanVaR: number;
  meanES: number;
  /** Mean quantile (tick) loss of the VaR (lower is better). */
  quantileLoss: number;
  /** Mean FZ0 loss of (VaR, ES) (lower is better). */
  fz0Loss: number;
  /** Basel zone of the last 250 days (α = 1% and T ≥ 250 only). */
  trafficLight: { days: number; exceedances: number; zone: TrafficLightZone } | null;
  /** Per test day: VaR, ES (positive losses) and the exceedance indicator. */
  var: Float64Array;
  es: Float64Array;
  hits: Uint8Array;
}

/** The backtest of one model. */
export interface RiskModelResult {
  model: string;
  /** Fits made (refits; every day for a model without `apply`). */
  refits: number;
  /** How the VaR and ES were computed (of the first test day). */
  method: OneStepPredictive['type'];
  /** Wall time of fitting, forecasting and testing, seconds. */
  seconds: number;
  levels: RiskLevelResult[];
}

/** A risk backtest. */
export interface RiskBacktest {
  window: number;
  refitEvery: number;
  levels: number[];
  /** Index (0-based, into the returns) of the first test day: W. */
  testStart: number;
  /** Test days T. */
  days: number;
  /** The returns of the test days. */
  returns: Float64Array;
  paths: number;
  sims: number;
  seed: number;
  results: RiskModelResult[];
}

/** The name `historical`: historical simulation, built in (see the module notes). */
export const HISTORICAL = 'historical';

/** Historical simulation: the empirical distribution of the latest W returns. */
export const historicalSimulation: RiskModel = {
  name: HISTORICAL,
  fit: () => ({ forecast: (history) => ({ type: 'sample', sorted: Float64Array.from(history).sort() }) }),
};

function isRiskModel(s: RiskModelSpec): s is RiskModel {
  return typeof s === 'object' && s !== null && typeof (s as RiskModel).fit === 'function';
}

function isLabelled(s: RiskModelSpec): s is LabelledModel {
  return typeof s === 'object' && s !== null && typeof (s as LabelledModel).model === 'string';
}

/** The names the risk backtest takes: `historical` and the registered models of one series. */
export function riskModelNames(): string[] {
  return [HISTORICAL, ...modelNames('series')];
}

function seriesEntry(name: string): SeriesModelEntry {
  const entry = findModel(name, 'models');
  if (entry.shape !== 'series') throw new ArgumentError(`model '${name}' does not fit one series; the risk backtest takes ${riskModelNames().join(', ')}`, 'models');
  return entry;
}

/**
 * Any model that fits a {@link Forecaster} as a {@link RiskModel}: `fit(train)` at each refit,
 * `apply(history)` on the other days (a forecaster without `apply` is refitted on the history,
 * counted in `refits`), and each day's forecast used as it is, except that a simulated
 * ({@link SampleForecast}) one is redrawn by `sample(1, { paths, rng })` with the backtest's
 * paths and seeded stream. The one-line hook for a generator outside the registry:
 *
 * @example
 * riskBacktest(r, { models: ['historical', forecasterRiskModel('diffusion', (train) => fitScenarioDiffusion(train, { seed: 1 }))] });
 */
export function forecasterRiskModel(name: string, fit: (train: Float64Array) => Forecaster | Promise<Forecaster>): RiskModel & { extraFits: number } {
  const model = {
    name,
    extraFits: 0,
    fit: async (train: Float64Array): Promise<RiskFit> => {
      const fitted = await fit(train.slice());
      let fresh = true;
      return {
        forecast: async (history, { rng, paths }) => {
          let f = fitted;
          if (!fresh && fitted.apply) f = fitted.apply(history.slice());
          else if (!fresh) { f = await fit(history.slice()); model.extraFits++; }
          fresh = false;
          const fc = f.forecast(1);
          return fc instanceof SampleForecast ? new SampleForecast(f.sample(1, { paths, rng })) : fc;
        },
      };
    },
  };
  return model;
}

/** A registered model as a {@link RiskModel} (see {@link forecasterRiskModel}), its `prepare` awaited first. */
function registryRiskModel(label: string, entry: SeriesModelEntry, options: Record<string, unknown>): RegistryModel {
  const checked = parseOptions(entry, options);
  return Object.assign(forecasterRiskModel(label, (train) => entry.fit(train, checked)), { prepare: async () => { await entry.prepare?.(); } });
}

/** A model ready to run: fits made outside the refit schedule (daily refits) are counted. */
type ResolvedModel = RiskModel & { prepare?(): Promise<void>; extraFits?: number };
type RegistryModel = RiskModel & { prepare(): Promise<void>; extraFits: number };

/**
 * Runs the rolling VaR/ES backtest of `options.models` on `returns` (see the module notes).
 * Bad options (unknown model, window not shorter than the series, level outside (0, 1)) throw an
 * {@link ArgumentError} naming the option before any model is fitted; missing or non-finite
 * returns a {@link DataError}.
 */
export async function riskBacktest(returns: ArrayLike<number>, options: RiskBacktestOptions): Promise<RiskBacktest> {
  if (!returns || typeof returns.length !== 'number') throw new DataError('returns must be an array of numbers', 'returns');
  const r = Float64Array.from(returns);
  const bad = r.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new DataError(`return ${bad + 1} is ${r[bad]}; the risk backtest needs a complete series of finite returns`, 'returns');
  const n = r.length;
  const window = checkIntAtLeast(options.window ?? 1000, 'window', 2);
  if (window >= n) throw new ArgumentError(`window must be smaller than the number of returns (${n}) to leave days to test; got ${window}`, 'window');
  const refitEvery = checkIntAtLeast(options.refitEvery ?? 50, 'refitEvery', 1);
  const paths = checkIntAtLeast(options.paths ?? 1000, 'paths', 1);
  // The simulation models' predictive samples of every test day are held until the tests: days × paths values.
  checkPaths(paths, n - window);
  const sims = checkIntAtLeast(options.sims ?? 1000, 'sims', 1);
  if (sims > MAX_SIMS) throw new ArgumentError(`sims must be at most ${MAX_SIMS.toLocaleString('en-US')} (a p-value to 1e-5; each simulation draws every test day); got ${sims}`, 'sims');
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  const levels = [...(options.levels ?? [0.01, 0.05])];
  if (!levels.length) throw new ArgumentError('levels must name at least one tail probability, e.g. [0.01, 0.05]', 'levels');
  for (const a of levels) checkAlpha(a, 'levels');
  if (!options.models || !options.models.length) throw new ArgumentError(`name at least one model; known models: ${riskModelNames().join(', ')}`, 'models');

  // Resolve every model before fitting any, so that a bad name fails at once.
  const models = options.models.map((spec): ResolvedModel => {
    if (isRiskModel(spec)) {
      if (typeof spec.name !== 'string' || !spec.name) throw new ArgumentError('a custom risk model needs a name', 'models');
      const every = spec.refitEvery;
      if (every !== undefined && every !== Infinity && !(Number.isInteger(every) && every >= 1)) {
        throw new ArgumentError(`${spec.name}: refitEvery must be an integer ≥ 1 or Infinity (fit once); got ${String(every)}`, 'models');
      }
      return spec;
    }
    if (isLabelled(spec)) {
      const entry = seriesEntry(spec.model);
      return registryRiskModel(spec.label, entry, { ...defaultOptions(entry, seed), ...(spec.options ?? {}), ...(options.modelOptions?.[spec.label] ?? {}) });
    }
    if (typeof spec !== 'string') throw new ArgumentError('each model is a name, { label, model, options } or { name, fit }', 'models');
    if (spec === HISTORICAL) return historicalSimulation;
    const entry = seriesEntry(spec);
    return registryRiskModel(spec, entry, { ...defaultOptions(entry, seed), ...(options.modelOptions?.[spec] ?? {}) });
  });
  const labels = models.map((m) => m.name);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw new ArgumentError(`models names '${dup}' twice; give one a label ({ label, model, options })`, 'models');

  const T = n - window;
  const test = r.slice(window);
  const results: RiskModelResult[] = [];
  for (const model of models) {
    await model.prepare?.();
    const t0 = performance.now();
    const rng = createRng(seed);
    const preds: OneStepPredictive[] = [];
    let fitted: RiskFit | undefined;
    let refits = 0;
    const every = model.refitEvery ?? refitEvery;
    for (let k = 0; k < T;) {
      const history = r.subarray(k, k + window);
      if (k % every === 0 || !fitted) {
        fitted = await model.fit(history.slice());
        refits++;
      }
      if (fitted.forecastMany) {
        // Every day up to the next refit in one call.
        const end = Number.isFinite(every) ? Math.min(T, (Math.floor(k / every) + 1) * every) : T;
        const histories = Array.from({ length: end - k }, (_, j) => r.slice(k + j, k + j + window));
        const fcs = await fitted.forecastMany(histories, { rng, paths });
        if (!Array.isArray(fcs) || fcs.length !== histories.length) throw new ArgumentError(`${model.name}: forecastMany must return one forecast per history (${histories.length})`, 'models');
        for (const fc of fcs) preds.push(isPredictive(fc) ? fc : oneStepPredictive(fc));
        k = end;
      } else {
        const fc = await fitted.forecast(history.slice(), { rng, paths });
        preds.push(isPredictive(fc) ? fc : oneStepPredictive(fc));
        k++;
      }
      options.onProgress?.(model.name, k, T);
    }
    const levelResults = levels.map((alpha) => scoreLevel(test, preds, alpha, sims, seed));
    results.push({
      model: model.name,
      refits: refits + (model.extraFits ?? 0),
      method: preds[0].type,
      seconds: (performance.now() - t0) / 1000,
      levels: levelResults,
    });
  }
  return { window, refitEvery, levels, testStart: window, days: T, returns: test, paths, sims, seed, results };
}

function defaultOptions(entry: SeriesModelEntry, seed: number): Record<string, unknown> {
  return { ...((entry.backtestOptions?.({ seasonalPeriod: 1, seed }) ?? entry.example.options) as Record<string, unknown>) };
}

function isPredictive(v: Forecast | OneStepPredictive): v is OneStepPredictive {
  const t = (v as OneStepPredictive).type;
  return t === 'gaussian' || t === 'sample' || t === 'quantile';
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function scoreLevel(test: Float64Array, preds: readonly OneStepPredictive[], alpha: number, sims: number, seed: number): RiskLevelResult {
  const T = test.length;
  const risk = preds.map((p) => riskMeasures(p, alpha));
  const VaR = Float64Array.from(risk, (x) => x.var), ES = Float64Array.from(risk, (x) => x.es);
  const hits = exceedances(test, VaR);
  const ch = christoffersenTest(hits, alpha);
  let x = 0;
  for (const h of hits) x += h;
  let traffic: RiskLevelResult['trafficLight'] = null;
  if (Math.abs(alpha - 0.01) < 1e-12 && T >= 250) {
    let x250 = 0;
    for (let t = T - 250; t < T; t++) x250 += hits[t];
    traffic = { days: 250, exceedances: x250, zone: trafficLight(x250, 250, 0.01).zone };
  }
  return {
    level: alpha,
    days: T,
    exceedances: x,
    expected: alpha * T,
    rate: x / T,
    kupiec: ch.unconditional,
    independence: ch.independence,
    conditionalCoverage: ch.conditional,
    esTest: acerbiSzekelyTest(test, preds, alpha, { sims, rng: createRng(seed + 1) }),
    meanVaR: mean(VaR),
    meanES: mean(ES),
    quantileLoss: quantileLoss(test, VaR, alpha),
    fz0Loss: fz0Loss(test, VaR, ES, alpha),
    trafficLight: traffic,
    var: VaR,
    es: ES,
    hits,
  };
}

function pct(a: number): string {
  return `${+(a * 100).toPrecision(4)}%`;
}

/** The backtest as an aligned text table (one row per model and level), with a header line. */
export function formatRiskTable(bt: RiskBacktest): string {
  const f = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const header = ['model', 'level', 'exceed', 'expected', 'Kupiec p', 'ind p', 'cc p', 'Z2', 'Z2 p', 'mean VaR', 'mean ES', 'tick loss', 'FZ0 loss', 'Basel 250d'];
  const rows: string[][] = [];
  for (const res of bt.results) {
    for (const l of res.levels) {
      rows.push([
        res.model, pct(l.level), String(l.exceedances), f(l.expected, 1), f(l.kupiec.pValue, 3), f(l.independence.pValue, 3), f(l.conditionalCoverage.pValue, 3),
        f(l.esTest.statistic, 3), f(l.esTest.pValue, 3), f(l.meanVaR, 4), f(l.meanES, 4), f(l.quantileLoss, 5), f(l.fz0Loss, 4),
        l.trafficLight ? `${l.trafficLight.zone} (${l.trafficLight.exceedances})` : '-',
      ]);
    }
  }
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 || j === cells.length - 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ').trimEnd();
  const intro = `Risk backtest: ${bt.days} one-day-ahead forecasts after a window of ${bt.window} returns, refitted every ${bt.refitEvery} days\n` +
    `VaR and ES as positive losses; p-values: Kupiec POF, Christoffersen independence and conditional coverage, Acerbi–Szekely Z2 (${bt.sims} simulations, seed ${bt.seed}); tick and FZ0 losses: lower is better`;
  return [intro, '', line(header), ...rows.map(line), '', ...riskVerdict(bt)].join('\n');
}

/**
 * Plain statements of which model wins at each level: the lowest FZ0 (joint VaR/ES) and tick
 * losses, and the models no test rejects at 5% (Kupiec, Christoffersen conditional coverage, Z2).
 */
export function riskVerdict(bt: RiskBacktest, size = 0.05): string[] {
  const lines: string[] = [];
  bt.levels.forEach((alpha, j) => {
    const rs = bt.results.map((r) => ({ model: r.model, l: r.levels[j] }));
    const best = (key: 'fz0Loss' | 'quantileLoss') => rs.filter((x) => Number.isFinite(x.l[key])).sort((a, b) => a.l[key] - b.l[key])[0]?.model ?? '-';
    const pass = rs.filter((x) => x.l.kupiec.pValue >= size && x.l.conditionalCoverage.pValue >= size && !(x.l.esTest.pValue < size)).map((x) => x.model);
    lines.push(`At ${pct(alpha)}: lowest FZ0 loss ${best('fz0Loss')}, lowest tick loss ${best('quantileLoss')}; not rejected at ${pct(size)} by Kupiec, conditional coverage or Z2: ${pass.length ? pass.join(', ') : 'none'}`);
  });
  return lines;
}
