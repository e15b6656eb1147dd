/**
 * Neural-network (sigmoid) nonlinear autoregression NAR(p, H): one hidden layer of H sigmoid
 * units fed by the last p values, plus an optional linear AR "skip" connection (Lapedes & Farber
 * 1987; Ripley 1996, "Pattern Recognition and Neural Networks" §5; Teräsvirta, Tjøstheim &
 * Granger 2010, "Modelling Nonlinear Economic Time Series" §3.8; the model of R's `nnet` with
 * `skip = TRUE` and of tsDyn's `nnetTs`):
 *
 *   y_t = b + Σ_{k=1..H} v_k σ(c_k + Σ_{i=1..p} w_{k,i} y_{t−i}) + Σ_{i=1..p} φ_i y_{t−i} + ε_t,
 *
 * with σ the logistic 1/(1 + e^{−a}) (default) or tanh, the φ terms only with `skip` (default),
 * ε_t ~ N(0, σ²), and the sample t = p+1..n (conditional on the first p observations).
 *
 * Estimation is penalised nonlinear least squares on the standardised series z = (y − μ)/s
 * (μ, s the mean and population standard deviation of y), which is the same model with
 * rescaled parameters:
 *
 *   E(θ) = Σ_t (z_t − f(z_{t−1..t−p}; θ))² + λ (Σ w_{k,i}² + Σ v_k²),
 *
 * weight decay λ (`decay`) on the standardised hidden and output weights only — not on the biases
 * b, c_k nor on the linear part φ, so that with H = 0 (or λ → ∞, where w = v = 0 is the minimum)
 * the fit is the ordinary least squares AR(p) on the same sample. The gradient is analytic
 * (backpropagation by hand, {@link narLoss}); the minimiser is L-BFGS from `restarts` seeded random
 * starts: w_{k,i} ~ N(0, 1/p), c_k ~ N(0, 1), and the output layer (b, v, φ), in which E is a ridge
 * regression, solved exactly for the drawn hidden layer. After L-BFGS the output layer is solved
 * exactly once more (this can only lower E), and the start with the lowest E is kept. Reported
 * parameters are on the original scale of y (they satisfy the equation above); σ̂² = SSR/nobs.
 *
 * The weights are not identified (units can be permuted; for tanh, (w_k, c_k, v_k) ↦ −(w_k, c_k, v_k)
 * leaves the map unchanged), so no standard errors are reported. AIC/BIC count every weight and
 * bias plus σ² — a heuristic for a penalised, non-identified model.
 *
 * Forecasts: the skeleton (the fitted map iterated without noise, {@link FittedNAR.skeleton})
 * and, because the conditional mean beyond one step is not the skeleton for a nonlinear map,
 * Monte Carlo paths ({@link FittedNAR.forecast} returns their {@link SampleForecast}) with either
 * N(0, σ̂²) shocks or shocks resampled from the fitted residuals (residual bootstrap), drawn from
 * an injected {@link Rng}.
 *
 * @example
 * const fit = fitNAR(y, { order: 2, hidden: 3 });
 * fit.params; fit.ssr; fit.skeleton(10); fit.forecast(10, { rng: createRng(1), noise: 'bootstrap' }).interval(95);
 */
import { ArgumentError, ConvergenceError, DataError, SingularMatrixError } from '../core/errors.js';
import { SampleForecast } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { leastSquares, leastSquaresSSR, type Matrix } from '../core/linalg.js';
import { lbfgs } from '../core/optimize.js';
import { LOG2PI } from '../core/distributions.js';
import { createRng, type Rng } from '../core/rng.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';
import { vectorWithLegacy, type VectorWithLegacy } from '../core/deprecated.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';
import { checkHorizon, checkPaths, checkPositiveInt, checkNoExog, checkCompleteSeries, historyJSON, checkModelJSON, MODEL_JSON_VERSION } from '../core/validate.js';

/** The hidden units' activation: the logistic 1/(1 + e^{−a}) or tanh(a). */
export type NARActivation = 'logistic' | 'tanh';

/** Shocks of the simulated forecast paths: N(0, σ̂²) or resampled fitted residuals. */
export type NARNoise = 'gaussian' | 'bootstrap';

const ACTIVATIONS: readonly NARActivation[] = ['logistic', 'tanh'];
const NOISES: readonly NARNoise[] = ['gaussian', 'bootstrap'];

/** The architecture of a NAR model (for {@link narLoss}, {@link narSSR} and {@link narSkeleton}). */
export interface NARSpec {
  /** Autoregressive order p: the number of lagged values fed to the network (integer ≥ 1). */
  order: number;
  /** Hidden units H (integer ≥ 0; 0 only with `skip`, giving a linear AR). Default 3. */
  hidden?: number;
  /** Activation of the hidden units. Default 'logistic'. */
  activation?: NARActivation;
  /** Include the linear AR part Σ φ_i y_{t−i} (skip connection). Default true. */
  skip?: boolean;
}

/** Options of {@link fitNAR}. */
export interface NAROptions extends NARSpec {
  /** Weight decay λ ≥ 0 on the standardised weights w, v (see the module notes). Default 1e-3. */
  decay?: number;
  /** Random starts of the optimiser (integer ≥ 1); the best is kept. Default 5. */
  restarts?: number;
  /** Seed of the random starts and of `forecast` without an rng. Default 0. */
  seed?: number;
  /** Monte Carlo paths of `forecast` when not given there. Default 5000. */
  paths?: number;
  /** Default shocks of `forecast` and `sample`. Default 'gaussian'. */
  noise?: NARNoise;
  /** L-BFGS iterations per start. Default 2000. */
  maxIter?: number;
}

/** Options of {@link FittedNAR.forecast}: the common options plus the Monte Carlo source. */
export interface NARForecastOptions extends ForecastOptions {
  /** Random source; default a fresh generator seeded with the model's `seed` (reproducible forecasts). */
  rng?: Rng;
  /** Number of simulated paths. Default the model's `paths`. */
  paths?: number;
  /** Shocks; default the model's `noise`. */
  noise?: NARNoise;
}

/** Options of {@link FittedNAR.sample}. */
export interface NARSampleOptions extends SampleOptions {
  /** Shocks; default the model's `noise`. */
  noise?: NARNoise;
}

/** Parameters on the scale of y, named w[k,i], c[k] (unit k), v[k], b, phi[i]. */
export interface NARParamTable {
  names: string[];
  values: number[];
}

/** Outcome of one random start of the optimiser. */
export interface NARRestart {
  /** Penalised objective E at the end of the start (standardised scale). */
  objective: number;
  /** L-BFGS iterations. */
  iterations: number;
  /** Whether L-BFGS met its tolerance. */
  converged: boolean;
}

/** Plain-JSON form of a {@link FittedNAR}. */
export interface NARJSON {
  kind: 'nar';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  order: number;
  hidden: number;
  activation: NARActivation;
  skip: boolean;
  decay: number;
  y: number[];
  params: { names: string[]; values: number[] };
  scale: { mean: number; sd: number };
  objective: number;
  restarts: NARRestart[];
  linearSSR: number | null;
  seed: number;
  paths: number;
  noise: NARNoise;
}

/** The CLI report of a NAR fit. */
export interface NARReport {
  model: string;
  order: number;
  hidden: number;
  activation: NARActivation;
  skip: boolean;
  decay: number;
  nobs: number;
  params: { names: string[]; values: number[] };
  ssr: number;
  sigma2: number;
  llf: number;
  aic: number;
  bic: number;
  /** Weights and biases counted by AIC/BIC (σ² adds one more). */
  nWeights: number;
  /** Penalised objective on the standardised scale at the optimum. */
  objective: number;
  restarts: NARRestart[];
  converged: boolean;
  linearSSR: number | null;
}

/** Internal: the checked architecture. */
interface Arch {
  p: number;
  H: number;
  act: NARActivation;
  skip: boolean;
}

/** Internal: the standardised regression data. */
interface NarData {
  arch: Arch;
  /** Number of rows n − p. */
  nobs: number;
  /** z_t, t = p..n−1 (0-based). */
  target: Float64Array;
  /** lags[i−1][r] = z_{t−i} for row r. */
  lags: Float64Array[];
  mean: number;
  sd: number;
}

/**
 * Fits a NAR(p, H) by weight-decay penalised least squares with seeded random restarts and L-BFGS
 * on an analytic gradient (see the module notes).
 */
export function fitNAR(y: ArrayLike<number>, options: NAROptions): FittedNAR {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitNAR needs options with an order, e.g. { order: 2, hidden: 3 }', 'order');
  const arch = checkSpec(options);
  const decay = options.decay ?? 1e-3;
  if (typeof decay !== 'number' || !Number.isFinite(decay) || decay < 0) throw new ArgumentError(`decay must be a finite number ≥ 0; got ${String(decay)}`, 'decay');
  const restarts = checkPositiveInt(options.restarts ?? 5, 'restarts');
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  const paths = checkPositiveInt(options.paths ?? 5000, 'paths');
  const noise = checkNoise(options.noise ?? 'gaussian');
  const maxIter = checkPositiveInt(options.maxIter ?? 2000, 'maxIter');
  const series = checkSeries(y);
  const data = prepare(series, arch);
  const m = nParamsOf(arch);

  const rng = createRng(seed);
  const runs: NARRestart[] = [];
  let best: { theta: number[]; fx: number } | null = null;
  const grad = new Array<number>(m);
  for (let r = 0; r < restarts; r++) {
    const theta0 = randomStart(data, decay, rng);
    // Value and gradient come from one pass; the gradient call reuses it when x is the last point.
    let lastX: readonly number[] | null = null;
    let lastG: number[] = [];
    const f = (x: readonly number[]) => {
      const v = lossAndGradient(data, x, decay, grad);
      lastX = x; lastG = grad.slice();
      return v;
    };
    const g = (x: readonly number[]) => {
      if (lastX !== x) { lossAndGradient(data, x, decay, grad); return grad.slice(); }
      return lastG.slice();
    };
    const res = lbfgs(f, theta0, { gradient: g, gtol: 1e-9, ftol: 1e-15, maxIter });
    let theta = res.x, fx = res.fx;
    const polished = solveOutputLayer(data, theta, decay);
    if (polished) {
      const fp = lossAndGradient(data, polished, decay, null);
      if (fp <= fx) { theta = polished; fx = fp; }
    }
    runs.push({ objective: fx, iterations: res.iterations, converged: res.converged });
    if (Number.isFinite(fx) && (!best || fx < best.fx)) best = { theta, fx };
  }
  if (!best) throw new ConvergenceError('the NAR objective is not finite at any random start; check the series for extreme values', 'y');
  return new FittedNAR({
    order: arch.p, hidden: arch.H, activation: arch.act, skip: arch.skip, decay, y: series,
    params: { names: paramNames(arch), values: toRaw(arch, best.theta, data.mean, data.sd) },
    scale: { mean: data.mean, sd: data.sd }, objective: best.fx, restarts: runs,
    linearSSR: linearSSR(series, arch.p), seed, paths, noise,
  });
}

/**
 * The penalised objective E(θ) the fit minimises and its analytic gradient, with θ in the
 * standardised parametrisation (z = (y − μ)/s, μ and s the mean and population sd of y) and the
 * layout of {@link narParamNames}: per unit k the weights w[k,1..p] then c[k]; then v[1..H], b,
 * and phi[1..p] with `skip`.
 */
export function narLoss(y: ArrayLike<number>, spec: NARSpec, theta: readonly number[], decay = 1e-3): { value: number; gradient: number[] } {
  const arch = checkSpec(spec);
  if (typeof decay !== 'number' || !Number.isFinite(decay) || decay < 0) throw new ArgumentError(`decay must be a finite number ≥ 0; got ${String(decay)}`, 'decay');
  checkParams(arch, theta, 'theta');
  const data = prepare(checkSeries(y), arch);
  const gradient = new Array<number>(theta.length);
  const value = lossAndGradient(data, theta, decay, gradient);
  return { value, gradient };
}

/** Residual sum of squares over t = p+1..n of the NAR with parameters `params` on the scale of y. */
export function narSSR(y: ArrayLike<number>, spec: NARSpec, params: readonly number[]): number {
  const arch = checkSpec(spec);
  checkParams(arch, params, 'params');
  const series = checkSeries(y);
  if (series.length <= arch.p) throw new DataError(`y needs more than order = ${arch.p} observations; got ${series.length}`, 'y');
  let ssr = 0;
  for (const e of residualsOf(series, arch, params)) ssr += e * e;
  return ssr;
}

/** The skeleton: the NAR map with `params` (scale of y) iterated h steps from the end of y without noise. */
export function narSkeleton(y: ArrayLike<number>, spec: NARSpec, params: readonly number[], h: number): Float64Array {
  const arch = checkSpec(spec);
  checkParams(arch, params, 'params');
  checkHorizon(h);
  const series = checkSeries(y);
  if (series.length < arch.p) throw new DataError(`y needs at least order = ${arch.p} observations to start the recursion; got ${series.length}`, 'y');
  return iterate(series, arch, params, h, () => 0);
}

/** Parameter names of a NAR: w[k,i], c[k] for each unit k, then v[1..H], b, phi[1..p] (with skip). */
export function narParamNames(spec: NARSpec): string[] {
  return paramNames(checkSpec(spec));
}

interface FittedNARInit {
  order: number;
  hidden: number;
  activation: NARActivation;
  skip: boolean;
  decay: number;
  y: Float64Array;
  params: NARParamTable;
  scale: { mean: number; sd: number };
  objective: number;
  restarts: NARRestart[];
  linearSSR: number;
  seed: number;
  paths: number;
  noise: NARNoise;
}

/** A fitted NAR(p, H): parameters, fit statistics, skeleton and Monte Carlo forecasts. */
export class FittedNAR implements Forecaster {
  readonly kind = 'nar';
  /** Autoregressive order p. */
  readonly order: number;
  /** Hidden units H. */
  readonly hidden: number;
  readonly activation: NARActivation;
  /** Whether the linear AR part is included. */
  readonly skip: boolean;
  /** Weight decay λ of the fit. */
  readonly decay: number;
  /** The series the model conditions on. */
  readonly y: Float64Array;
  /** Parameters on the scale of y. */
  /** Names and estimates of the network weights (original scale). */
  private readonly table: NARParamTable;
  /** Mean and population sd of y used to standardise it for the fit. */
  readonly scale: { readonly mean: number; readonly sd: number };
  /** Penalised objective E at the optimum (standardised scale). */
  readonly objective: number;
  /** One entry per random start. */
  readonly restarts: readonly NARRestart[];
  /** SSR of the linear AR(p) with constant (OLS) on the same sample, for comparison (NaN if singular). */
  readonly linearSSR: number;
  /** Seed of the fit and of `forecast` without an rng. */
  readonly seed: number;
  /** Default number of Monte Carlo paths of `forecast`. */
  readonly paths: number;
  /** Default shocks of `forecast` and `sample`. */
  readonly noise: NARNoise;
  /** Fitted residuals y_t − ŷ_t, t = p+1..n. */
  readonly resid: Float64Array;
  /** Residual sum of squares. */
  readonly ssr: number;
  private readonly arch: Arch;

  constructor(init: FittedNARInit) {
    this.order = init.order;
    this.hidden = init.hidden;
    this.activation = init.activation;
    this.skip = init.skip;
    this.decay = init.decay;
    this.y = init.y;
    this.table = init.params;
    this.scale = init.scale;
    this.objective = init.objective;
    this.restarts = init.restarts;
    this.linearSSR = init.linearSSR;
    this.seed = init.seed;
    this.paths = init.paths;
    this.noise = init.noise;
    this.arch = { p: init.order, H: init.hidden, act: init.activation, skip: init.skip };
    this.resid = residualsOf(this.y, this.arch, this.table.values);
    let ssr = 0;
    for (const e of this.resid) ssr += e * e;
    this.ssr = ssr;
  }

  /** Parameter names (the network's weights and biases). */
  get paramNames(): string[] {
    return this.table.names.slice();
  }

  /**
   * Estimates in {@link FittedNAR.paramNames} order (statsmodels' `params`). For one release the
   * vector also answers 0.1's `params.names` and `.values` (deprecated).
   */
  get params(): VectorWithLegacy<NARParamTable> {
    return vectorWithLegacy(this.table.values, () => this.table);
  }

  /** A penalised network fit has no standard errors. */
  get bse(): undefined {
    return undefined;
  }

  /** @deprecated renamed {@link FittedNAR.resid} (statsmodels' names); kept for one release. */
  get residuals(): Float64Array {
    return this.resid;
  }

  /** Observations in the fit, n − p. */
  get nobs(): number {
    return this.resid.length;
  }

  /** ML innovation variance SSR/nobs. */
  get sigma2(): number {
    return this.ssr / this.nobs;
  }

  /** Conditional Gaussian log-likelihood −nobs/2 (log 2πσ̂² + 1). */
  get llf(): number {
    return (-this.nobs / 2) * (LOG2PI + Math.log(this.sigma2) + 1);
  }

  /** Weights and biases: H(p + 2) + 1 (+ p with skip). */
  get nWeights(): number {
    return this.table.values.length;
  }

  /** Parameters counted by the criteria: every weight and bias plus σ². */
  get nParams(): number {
    return this.nWeights + 1;
  }

  /** AIC = −2ℓ + 2k. */
  get aic(): number {
    return -2 * this.llf + 2 * this.nParams;
  }

  /** BIC = −2ℓ + log(nobs)·k. */
  get bic(): number {
    return -2 * this.llf + Math.log(this.nobs) * this.nParams;
  }

  /** Whether the kept start's L-BFGS met its tolerance. */
  get converged(): boolean {
    let best = 0;
    for (let i = 1; i < this.restarts.length; i++) if (this.restarts[i].objective < this.restarts[best].objective) best = i;
    return this.restarts.length > 0 && this.restarts[best].converged;
  }

  /** The fitted map ŷ = f(y_{t−1}, …, y_{t−p}) at a vector of p lagged values [y_{t−1}, …, y_{t−p}]. */
  predict(lags: ArrayLike<number>): number {
    if (!lags || lags.length !== this.order) throw new ArgumentError(`lags must hold order = ${this.order} values [y(t-1), ..., y(t-p)]`, 'lags');
    const hist = new Float64Array(this.order);
    for (let i = 0; i < this.order; i++) hist[this.order - 1 - i] = lags[i];
    return evalMap(this.arch, this.table.values, hist, this.order);
  }

  /** The skeleton: the fitted map iterated h steps from the end of the data without noise. */
  skeleton(h: number): Float64Array {
    checkHorizon(h);
    return iterate(this.y, this.arch, this.table.values, h, () => 0);
  }

  /** Sample paths (paths × h): the fitted map with shocks (`noise`, default the model's) from `rng`. */
  sample(h: number, options: NARSampleOptions): Float64Array[] {
    checkHorizon(h);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkNoExog(options.exog, 'a NAR model');
    const paths = checkPaths(options.paths ?? 1000, h);
    return this.simulate(h, paths, options.rng, checkNoise(options.noise ?? this.noise));
  }

  private simulate(h: number, paths: number, rng: Rng, noise: NARNoise): Float64Array[] {
    let shock: () => number;
    if (noise === 'gaussian') {
      const sd = Math.sqrt(this.sigma2);
      shock = () => sd * rng.normal();
    } else {
      const res = this.resid, n = res.length;
      shock = () => res[Math.min(n - 1, Math.floor(rng.uniform() * n))];
    }
    const out: Float64Array[] = new Array(paths);
    for (let k = 0; k < paths; k++) out[k] = iterate(this.y, this.arch, this.table.values, h, shock);
    return out;
  }

  /**
   * Monte Carlo forecast for steps 1..h ({@link SampleForecast}): `paths` simulated paths. Without
   * `rng` the generator is seeded with the model's `seed`, so repeated calls (and a model restored
   * from JSON) give identical forecasts.
   */
  forecast(h: number, options: NARForecastOptions = {}): SampleForecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'a NAR model');
    const paths = checkPaths(options.paths ?? this.paths, h);
    const noise = checkNoise(options.noise ?? this.noise);
    const rng = options.rng ?? createRng(this.seed);
    if (typeof rng.normal !== 'function' || typeof rng.uniform !== 'function') throw new ArgumentError('rng must be a generator from createRng(seed)', 'rng');
    return new SampleForecast(this.simulate(h, paths, rng, noise));
  }

  /** Plain JSON for the CLI: parameters, SSR and fit statistics. */
  /**
   * The fitted parameters applied to another history `y` (the data extended by new observations):
   * forecasts and samples start after `y`; no refit, and the estimates and their statistics stay
   * those of the fit.
   */
  apply(y: ArrayLike<number>): FittedNAR {
    return FittedNAR.fromJSON({ ...this.toJSON(), y: historyJSON(y, false, this.order + 1) });
  }

  report(): NARReport {
    return {
      model: this.modelName(),
      order: this.order,
      hidden: this.hidden,
      activation: this.activation,
      skip: this.skip,
      decay: this.decay,
      nobs: this.nobs,
      params: { names: this.table.names.slice(), values: this.table.values.slice() },
      ssr: this.ssr,
      sigma2: this.sigma2,
      llf: this.llf,
      aic: this.aic,
      bic: this.bic,
      nWeights: this.nWeights,
      objective: this.objective,
      restarts: this.restarts.map((r) => ({ ...r })),
      converged: this.converged,
      linearSSR: nullIfNaN(this.linearSSR),
    };
  }

  private modelName(): string {
    return `NAR(${this.order}, ${this.hidden})${this.skip ? ' with skip' : ''}`;
  }

  /** A results table: the weights (no standard errors: they are not identified), SSR, likelihood, criteria. */
  summary(): string {
    const rows = this.table.names.map((nm, i) => [nm, fmt(this.table.values[i])]);
    const head = keyValueBlock(
      [['Dep. Variable:', 'y'], ['Model:', this.modelName()], ['Activation:', this.activation], ['Method:', 'penalised NLS'], ['Decay:', fmt(this.decay)], ['Sample:', `${this.order + 1}..${this.y.length}`]],
      [['No. Observations:', String(this.nobs)], ['SSR', fmt(this.ssr)], ['Log Likelihood', this.llf.toFixed(3)], ['AIC', this.aic.toFixed(3)], ['BIC', this.bic.toFixed(3)], ['Restarts', String(this.restarts.length)]],
    );
    const coef = table(['', 'value'], rows, 12);
    const sig = this.activation === 'logistic' ? '1/(1 + exp(-a))' : 'tanh(a)';
    return [
      '               Neural Network Autoregression (NAR) Results', rule(), head, rule(), coef, rule(),
      `y(t) = b + sum_k v[k] s(c[k] + sum_i w[k,i] y(t-i))${this.skip ? ' + sum_i phi[i] y(t-i)' : ''}, s(a) = ${sig}.`,
      `Weights are on the scale of y; decay applies to w and v on the standardised scale (mean ${fmt(this.scale.mean)}, sd ${fmt(this.scale.sd)}).`,
      `Weights are not identified (units can be permuted), so no standard errors; AIC/BIC count ${this.nWeights} weights + sigma2.`,
      `Linear AR(${this.order}) SSR on the same sample ${fmt(this.linearSSR)}; ${this.converged ? 'the kept start converged' : 'Warning: the kept start did not meet the L-BFGS tolerance'}.`,
    ].join('\n');
  }

  /** Plain JSON; {@link FittedNAR.fromJSON} restores an equal model (no refitting). */
  toJSON(): NARJSON {
    return {
      kind: 'nar',
      version: MODEL_JSON_VERSION,
      order: this.order,
      hidden: this.hidden,
      activation: this.activation,
      skip: this.skip,
      decay: this.decay,
      y: Array.from(this.y),
      params: { names: this.table.names.slice(), values: this.table.values.slice() },
      scale: { mean: this.scale.mean, sd: this.scale.sd },
      objective: this.objective,
      restarts: this.restarts.map((r) => ({ ...r })),
      linearSSR: nullIfNaN(this.linearSSR),
      seed: this.seed,
      paths: this.paths,
      noise: this.noise,
    };
  }

  /** Restores a model saved with {@link FittedNAR.toJSON}. */
  static fromJSON(json: NARJSON): FittedNAR {
    if (!json || json.kind !== 'nar') throw new ArgumentError(`fromJSON: expected kind 'nar'; got '${String(json?.kind)}'`, 'json');
    checkModelJSON(json, 'nar');
    let arch: Arch;
    try {
      arch = checkSpec({ order: json.order, hidden: json.hidden, activation: json.activation, skip: json.skip });
    } catch (e) {
      if (e instanceof ArgumentError) throw new ArgumentError(`fromJSON: ${e.message}`, 'json');
      throw e;
    }
    const k = nParamsOf(arch);
    if (!json.params || !Array.isArray(json.params.values) || json.params.values.length !== k || !Array.isArray(json.y) || json.y.length <= arch.p) {
      throw new ArgumentError(`fromJSON: a nar model needs y (more than order values) and params.values with ${k} entries`, 'json');
    }
    return new FittedNAR({
      order: arch.p,
      hidden: arch.H,
      activation: arch.act,
      skip: arch.skip,
      decay: json.decay,
      y: Float64Array.from(json.y),
      params: { names: Array.isArray(json.params.names) ? json.params.names.slice() : paramNames(arch), values: json.params.values.slice() },
      scale: { mean: json.scale?.mean ?? NaN, sd: json.scale?.sd ?? NaN },
      objective: json.objective,
      restarts: (json.restarts ?? []).map((r) => ({ ...r })),
      linearSSR: json.linearSSR === null ? NaN : json.linearSSR,
      seed: json.seed,
      paths: json.paths,
      noise: checkNoise(json.noise ?? 'gaussian'),
    });
  }
}

/** Restores a {@link FittedNAR} from its JSON (same as `FittedNAR.fromJSON`). */
export function narFromJSON(json: NARJSON): FittedNAR {
  return FittedNAR.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Model algebra. Parameter layout (standardised θ and raw parameters alike), with s = p + 1:
// unit k (0-based): w at k·s + i (i < p), c at k·s + p; v at H·s + k; b at H(p+2); φ_i after b.

function nParamsOf(a: Arch): number {
  return a.H * (a.p + 2) + 1 + (a.skip ? a.p : 0);
}

function paramNames(a: Arch): string[] {
  const names: string[] = [];
  for (let k = 1; k <= a.H; k++) {
    for (let i = 1; i <= a.p; i++) names.push(`w[${k},${i}]`);
    names.push(`c[${k}]`);
  }
  for (let k = 1; k <= a.H; k++) names.push(`v[${k}]`);
  names.push('b');
  if (a.skip) for (let i = 1; i <= a.p; i++) names.push(`phi[${i}]`);
  return names;
}

function sigmoid(act: NARActivation, a: number): number {
  return act === 'logistic' ? 1 / (1 + Math.exp(-a)) : Math.tanh(a);
}

/** σ'(a) from σ(a). */
function sigmoidSlope(act: NARActivation, s: number): number {
  return act === 'logistic' ? s * (1 - s) : 1 - s * s;
}

/**
 * E(θ) = Σ_r (z_r − f_r)² + λ(Σw² + Σv²) on the standardised data; writes ∂E/∂θ into `grad`
 * (backpropagation) unless it is null.
 */
function lossAndGradient(data: NarData, theta: readonly number[], decay: number, grad: number[] | null): number {
  const { arch, nobs, target, lags } = data;
  const { p, H, act, skip } = arch;
  const st = p + 1, vOff = H * st, bOff = vOff + H, phiOff = bOff + 1;
  if (grad) grad.fill(0, 0, theta.length);
  const hid = new Float64Array(H);
  const x = new Float64Array(p);
  let sse = 0;
  for (let r = 0; r < nobs; r++) {
    for (let i = 0; i < p; i++) x[i] = lags[i][r];
    let out = theta[bOff];
    for (let k = 0; k < H; k++) {
      const o = k * st;
      let a = theta[o + p];
      for (let i = 0; i < p; i++) a += theta[o + i] * x[i];
      const s = sigmoid(act, a);
      hid[k] = s;
      out += theta[vOff + k] * s;
    }
    if (skip) for (let i = 0; i < p; i++) out += theta[phiOff + i] * x[i];
    const e = target[r] - out;
    sse += e * e;
    if (!grad) continue;
    const g = -2 * e; // ∂(e²)/∂out
    grad[bOff] += g;
    for (let k = 0; k < H; k++) {
      grad[vOff + k] += g * hid[k];
      const da = g * theta[vOff + k] * sigmoidSlope(act, hid[k]);
      const o = k * st;
      grad[o + p] += da;
      for (let i = 0; i < p; i++) grad[o + i] += da * x[i];
    }
    if (skip) for (let i = 0; i < p; i++) grad[phiOff + i] += g * x[i];
  }
  let pen = 0;
  for (let k = 0; k < H; k++) {
    const o = k * st;
    for (let i = 0; i < p; i++) {
      const w = theta[o + i];
      pen += w * w;
      if (grad) grad[o + i] += 2 * decay * w;
    }
    const v = theta[vOff + k];
    pen += v * v;
    if (grad) grad[vOff + k] += 2 * decay * v;
  }
  return sse + decay * pen;
}

/** Hidden-unit outputs at the standardised data for the hidden layer of θ: hid[k][r]. */
function hiddenOutputs(data: NarData, theta: readonly number[]): Float64Array[] {
  const { arch, nobs, lags } = data;
  const { p, H, act } = arch;
  const st = p + 1;
  return Array.from({ length: H }, (_, k) => {
    const col = new Float64Array(nobs);
    const o = k * st;
    for (let r = 0; r < nobs; r++) {
      let a = theta[o + p];
      for (let i = 0; i < p; i++) a += theta[o + i] * lags[i][r];
      col[r] = sigmoid(act, a);
    }
    return col;
  });
}

/**
 * Given the hidden layer of θ, E is a ridge regression in the output layer (v penalised by λ,
 * b and φ not): solves it exactly by least squares on the design augmented with √λ·I rows for v.
 * Returns θ with the output layer replaced, or null if that design is singular.
 */
function solveOutputLayer(data: NarData, theta: readonly number[], decay: number): number[] | null {
  const { arch, nobs, target, lags } = data;
  const { p, H, skip } = arch;
  const hid = hiddenOutputs(data, theta);
  const cols = H + 1 + (skip ? p : 0);
  const X: Matrix = [];
  const z: number[] = [];
  for (let r = 0; r < nobs; r++) {
    const row = new Array<number>(cols);
    for (let k = 0; k < H; k++) row[k] = hid[k][r];
    row[H] = 1;
    if (skip) for (let i = 0; i < p; i++) row[H + 1 + i] = lags[i][r];
    X.push(row);
    z.push(target[r]);
  }
  const sq = Math.sqrt(decay);
  if (sq > 0) {
    for (let k = 0; k < H; k++) {
      const row = new Array<number>(cols).fill(0);
      row[k] = sq;
      X.push(row);
      z.push(0);
    }
  }
  let coef: number[];
  try {
    coef = leastSquares(X, z).coef;
  } catch (e) {
    if (e instanceof SingularMatrixError) return null;
    throw e;
  }
  if (!coef.every(Number.isFinite)) return null;
  const out = theta.slice();
  const vOff = H * (p + 1);
  for (let j = 0; j < cols; j++) out[vOff + j] = coef[j];
  return out;
}

/** A random start: hidden weights w ~ N(0, 1/p), c ~ N(0, 1); the output layer by ridge regression. */
function randomStart(data: NarData, decay: number, rng: Rng): number[] {
  const { p, H } = data.arch;
  const theta = new Array<number>(nParamsOf(data.arch)).fill(0);
  const sw = 1 / Math.sqrt(p);
  for (let k = 0; k < H; k++) {
    const o = k * (p + 1);
    for (let i = 0; i < p; i++) theta[o + i] = sw * rng.normal();
    theta[o + p] = rng.normal();
  }
  // A little ridge keeps the start defined when hidden outputs are nearly collinear (decay 0).
  return solveOutputLayer(data, theta, Math.max(decay, 1e-6)) ?? theta;
}

/**
 * Standardised θ → parameters on the scale of y: with z = (y − μ)/s,
 * w ↦ w/s, c ↦ c − (μ/s)Σw, v ↦ s·v, φ ↦ φ, b ↦ μ + s·b − μΣφ.
 */
function toRaw(a: Arch, theta: readonly number[], mu: number, s: number): number[] {
  const { p, H, skip } = a;
  const out = theta.slice();
  const st = p + 1, vOff = H * st, bOff = vOff + H;
  for (let k = 0; k < H; k++) {
    const o = k * st;
    let sw = 0;
    for (let i = 0; i < p; i++) { out[o + i] = theta[o + i] / s; sw += theta[o + i]; }
    out[o + p] = theta[o + p] - (mu / s) * sw;
    out[vOff + k] = s * theta[vOff + k];
  }
  let sphi = 0;
  if (skip) for (let i = 0; i < p; i++) sphi += theta[bOff + 1 + i];
  out[bOff] = mu + s * theta[bOff] - mu * sphi;
  return out;
}

/** The NAR map at time t of `hist` (values hist[t−1], …, hist[t−p]) with raw parameters. */
function evalMap(a: Arch, params: readonly number[], hist: ArrayLike<number>, t: number): number {
  const { p, H, act, skip } = a;
  const st = p + 1, vOff = H * st, bOff = vOff + H;
  let out = params[bOff];
  for (let k = 0; k < H; k++) {
    const o = k * st;
    let s = params[o + p];
    for (let i = 0; i < p; i++) s += params[o + i] * hist[t - 1 - i];
    out += params[vOff + k] * sigmoid(act, s);
  }
  if (skip) for (let i = 0; i < p; i++) out += params[bOff + 1 + i] * hist[t - 1 - i];
  return out;
}

/** Residuals y_t − f(y_{t−1..t−p}), t = p..n−1 (0-based), with raw parameters. */
function residualsOf(y: Float64Array, a: Arch, params: readonly number[]): Float64Array {
  const n = y.length;
  const res = new Float64Array(Math.max(0, n - a.p));
  for (let t = a.p; t < n; t++) res[t - a.p] = y[t] - evalMap(a, params, y, t);
  return res;
}

/** y_{n+1..n+h} by the NAR map with raw parameters plus shock(). */
function iterate(y: Float64Array, a: Arch, params: readonly number[], h: number, shock: () => number): Float64Array {
  const n = y.length, p = a.p;
  const hist = new Float64Array(p + h);
  for (let i = 0; i < p; i++) hist[i] = y[n - p + i];
  for (let j = 0; j < h; j++) hist[p + j] = evalMap(a, params, hist, p + j) + shock();
  return hist.slice(p);
}

/** SSR of the OLS AR(p) with constant on t = p+1..n (NaN when its design is singular). */
function linearSSR(y: Float64Array, p: number): number {
  const n = y.length;
  const X: Matrix = [];
  const target: number[] = [];
  for (let t = p; t < n; t++) {
    const row = [1];
    for (let i = 1; i <= p; i++) row.push(y[t - i]);
    X.push(row);
    target.push(y[t]);
  }
  try {
    return leastSquaresSSR(X, target);
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// Input handling

function checkSeries(y: ArrayLike<number>): Float64Array {
  return checkCompleteSeries(y, 'NAR estimation needs a complete series');
}

function checkSpec(spec: NARSpec | undefined): Arch {
  if (!spec || typeof spec !== 'object') throw new ArgumentError('a NAR needs { order, hidden }', 'order');
  const p = spec.order;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) throw new ArgumentError(`order must be a positive integer (the number of lags fed to the network); got ${String(p)}`, 'order');
  const H = spec.hidden ?? 3;
  if (typeof H !== 'number' || !Number.isInteger(H) || H < 0) throw new ArgumentError(`hidden must be a non-negative integer (number of hidden units); got ${String(H)}`, 'hidden');
  const act = spec.activation ?? 'logistic';
  if (!ACTIVATIONS.includes(act)) throw new ArgumentError(`activation must be one of ${ACTIVATIONS.join(', ')}; got '${String(act)}'`, 'activation');
  const skip = spec.skip ?? true;
  if (typeof skip !== 'boolean') throw new ArgumentError(`skip must be true or false; got ${String(skip)}`, 'skip');
  if (H === 0 && !skip) throw new ArgumentError('hidden = 0 without skip leaves only a constant; use hidden ≥ 1 or skip = true (a linear AR)', 'hidden');
  return { p, H, act, skip };
}

function checkParams(a: Arch, params: readonly number[], argument: string): void {
  const k = nParamsOf(a);
  if (!Array.isArray(params) || params.length !== k || !params.every(Number.isFinite)) {
    throw new ArgumentError(`${argument} must hold ${k} finite numbers in the order of narParamNames: ${paramNames(a).join(', ')}`, argument);
  }
}

/**
 * Builds the standardised regression data, requiring more observations n − p than weights and a
 * non-constant series.
 */
function prepare(y: Float64Array, arch: Arch): NarData {
  const { p } = arch;
  const n = y.length;
  const k = nParamsOf(arch);
  if (n - p <= k) {
    throw new DataError(
      `y is too short for a NAR(${p}, ${arch.H})${arch.skip ? ' with skip' : ''}: it has ${k} weights and needs at least order + weights + 1 = ${p + k + 1} observations; got ${n}`,
      'y',
    );
  }
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of y) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / n);
  let min = y[0], max = y[0];
  for (const v of y) { if (v < min) min = v; if (v > max) max = v; }
  if (min === max || !(sd > 0)) throw new DataError(`y is constant (every value is ${y[0]}); a nonlinear autoregression needs variation in the series`, 'y');
  const z = y.map((v) => (v - mean) / sd);
  return {
    arch,
    nobs: n - p,
    target: z.slice(p),
    lags: Array.from({ length: p }, (_, i) => z.slice(p - i - 1, n - i - 1)),
    mean,
    sd,
  };
}


function checkNoise(v: NARNoise): NARNoise {
  if (!NOISES.includes(v)) throw new ArgumentError(`noise must be one of ${NOISES.join(', ')}; got '${String(v)}'`, 'noise');
  return v;
}



function nullIfNaN(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

// ---------------------------------------------------------------------------------------------
// Registry entry

/** The options schema of {@link fitNAR} (see {@link NAROptions}). */
export const narOptionsSchema = z.strictObject({
  order: z.number().int().min(1).describe('lagged values fed to the network').meta({ cli: { value: 'p' } }),
  hidden: z.number().int().min(0).default(3).describe('hidden sigmoid units (0 only with the linear part)'),
  activation: z.enum(['logistic', 'tanh']).default('logistic').describe('activation of the hidden units'),
  skip: z.boolean().default(true).describe('include the linear AR part (skip connection)').meta({ cli: { flag: '--without-linear', parse: () => false } }),
  decay: z.number().min(0).default(1e-3).describe('weight decay on the standardised weights'),
  restarts: z.number().int().min(1).default(5).describe('random starts of the optimiser (the best is kept)'),
  seed: z.number().int().min(0).default(0).describe('seed of the random starts and the Monte Carlo forecasts'),
  paths: z.number().int().min(1).default(5000).describe('Monte Carlo paths of forecast()'),
  noise: z.enum(['gaussian', 'bootstrap']).default('gaussian').describe('shocks of forecast() and sample()'),
  maxIter: z.number().int().min(1).default(2000).describe('L-BFGS iterations per start'),
});

/** Registry entry of {@link fitNAR}. */
export const narEntry: SeriesModelEntry<z.output<typeof narOptionsSchema>, FittedNAR> = {
  name: 'nar',
  shape: 'series',
  description: 'sigmoid neural-network autoregression (one hidden layer) by penalised least squares; forecasts by simulation',
  producesKind: 'nar',
  options: narOptionsSchema,
  fit: (y, options) => fitNAR(y, options),
  fromJSON: (json) => FittedNAR.fromJSON(json as NARJSON),
  report: (fit) => ({ ...fit.report() }),
  backtestOptions: ({ seed }) => ({ order: 2, paths: 4000, ...(seed !== undefined ? { seed } : {}) }),
  example: { dataset: 'lynx', transform: 'log10', options: narOptionsSchema.parse({ order: 2, paths: 4000 }) },
};
