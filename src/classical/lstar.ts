/**
 * Logistic smooth-transition autoregression LSTAR(p) (Teräsvirta 1994, "Specification, estimation,
 * and evaluation of smooth transition autoregressive models", JASA 89; van Dijk, Teräsvirta &
 * Franses 2002, Econometric Reviews 21):
 *
 *   y_t = (a_0 + a_1 y_{t−1} + … + a_p y_{t−p}) + (b_0 + b_1 y_{t−1} + … + b_p y_{t−p}) G(s_t; γ, c) + ε_t,
 *   G(s; γ, c) = 1 / (1 + exp(−γ (s − c))),   s_t = y_{t−d},   ε_t ~ N(0, σ²),
 *
 * with γ > 0 on the raw scale of s (`gammaScaled` = γ·sd(s) is reported too) and the sample
 * t = max(p, d)+1..n (conditional on the first max(p, d) observations).
 *
 * Estimation is nonlinear least squares (= conditional Gaussian ML). Given (γ, c) the model is
 * linear in a and b, so the concentrated (profile) SSR(γ, c) comes from one OLS fit
 * ({@link lstarProfileSSR}); the global search evaluates it on a grid — γ·sd(s) on a log grid
 * 10^−1..10^3 (81 points) × c at the 10%..90% quantiles of s (41 points) — then refines the best
 * local minima of the grid by Nelder–Mead and L-BFGS on (log γ, c). At the optimum of the profile
 * the linear parameters are their OLS values, so this is the joint least-squares optimum of all
 * 2(p+1) + 2 parameters. Standard errors are Gauss–Newton, √diag(σ̂²(J'J)⁻¹) with J the Jacobian of
 * the regression function in all parameters (γ and c are typically poorly determined).
 *
 * Forecasts: the skeleton (the fitted map iterated without noise, {@link FittedLSTAR.skeleton})
 * and, because the conditional mean beyond one step is not the skeleton for a nonlinear map,
 * Monte Carlo paths with N(0, σ̂²) shocks from an injected {@link Rng} ({@link FittedLSTAR.forecast}
 * returns their {@link SampleForecast}).
 *
 * @example
 * const fit = fitLSTAR(y, { order: 2, delay: 2 });
 * fit.params; fit.ssr; fit.skeleton(10); fit.forecast(10, { rng: createRng(1) }).interval(95);
 */
import { ArgumentError, DataError, SingularMatrixError } from '../core/errors.js';
import { SampleForecast, quantileSorted } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { leastSquares, leastSquaresSSR, invertSPD, type Matrix } from '../core/linalg.js';
import { nelderMead, lbfgs } from '../core/optimize.js';
import { normalSf, normalQuantile, LOG2PI } from '../core/distributions.js';
import { createRng, type Rng } from '../core/rng.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';
import { vectorWithLegacy, type VectorWithLegacy } from '../core/deprecated.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';
import { checkHorizon, checkPaths, checkPositiveInt, checkNoExog, checkCompleteSeries, historyJSON, checkModelJSON, MODEL_JSON_VERSION } from '../core/validate.js';

/** Options of {@link fitLSTAR}. */
export interface LSTAROptions {
  /** Autoregressive order p of both regimes (integer ≥ 0). */
  order: number;
  /** Delay d of the transition variable s_t = y_{t−d} (integer ≥ 1). Default 1. */
  delay?: number;
  /** Seed of the Monte Carlo forecasts when `forecast` is called without an rng. Default 0. */
  seed?: number;
  /** Monte Carlo paths of `forecast` when not given there. Default 5000. */
  paths?: number;
  /**
   * Upper bound on the scale-free transition speed γ·sd(s) (> 0.1). Default 100, at which G moves
   * from 0.27 to 0.73 within ±0.01·sd(s): beyond it the logistic is numerically a step, the model
   * a threshold AR, and γ is not identified (the SSR typically keeps creeping down as γ → ∞ with c
   * pinned between two data points). A fit on the bound is flagged by `gammaAtBound`.
   */
  maxGammaScaled?: number;
}

/** Order and delay of an LSTAR model (for {@link lstarProfileSSR} and {@link lstarSkeleton}). */
export interface LSTARSpec {
  order: number;
  /** Default 1. */
  delay?: number;
}

/** Options of {@link FittedLSTAR.forecast}: the common options plus the Monte Carlo source. */
export interface LSTARForecastOptions extends ForecastOptions {
  /** Random source; default a fresh generator seeded with the model's `seed` (reproducible forecasts). */
  rng?: Rng;
  /** Number of simulated paths. Default the model's `paths`. */
  paths?: number;
}

/** Parameters with names a0..ap, b0..bp, gamma, c and Gauss–Newton standard errors. */
export interface LSTARParamTable {
  names: string[];
  values: number[];
  /** √diag(σ̂²(J'J)⁻¹); NaN where J'J is singular. */
  stdErrors: number[];
}

/** The profile fit at fixed (γ, c): OLS coefficients [a0..ap, b0..bp] and the SSR. */
export interface LSTARProfile {
  gamma: number;
  c: number;
  /** [a0, a1..ap, b0, b1..bp]. */
  coef: number[];
  ssr: number;
}

/** Plain-JSON form of a {@link FittedLSTAR}. */
export interface LSTARJSON {
  kind: 'lstar';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  order: number;
  delay: number;
  y: number[];
  params: { names: string[]; values: number[]; stdErrors: (number | null)[] };
  ssr: number;
  nobs: number;
  linearSSR: number;
  sdTransition: number;
  maxGammaScaled: number;
  seed: number;
  paths: number;
}

/** The CLI report of an LSTAR fit. */
export interface LSTARReport {
  model: string;
  order: number;
  delay: number;
  nobs: number;
  params: { names: string[]; values: number[]; stdErrors: (number | null)[] };
  ssr: number;
  sigma2: number;
  llf: number;
  aic: number;
  bic: number;
  gammaScaled: number;
  gammaAtBound: boolean;
  linearSSR: number;
}

/** Internal: the regression data of an LSTAR with order p and delay d. */
interface LstarData {
  p: number;
  d: number;
  /** First used index (0-based) = max(p, d). */
  start: number;
  /** y_t, t = start..n−1. */
  target: Float64Array;
  /** lags[i−1][r] = y_{t−i} for row r (i = 1..p). */
  lags: Float64Array[];
  /** s_t = y_{t−d}. */
  s: Float64Array;
}

/**
 * Fits an LSTAR(p) with delay d by nonlinear least squares with a global (γ, c) grid search and
 * local refinement of the concentrated SSR (see the module notes).
 */
export function fitLSTAR(y: ArrayLike<number>, options: LSTAROptions): FittedLSTAR {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitLSTAR needs options with an order, e.g. { order: 2, delay: 1 }', 'order');
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  const paths = checkPositiveInt(options.paths ?? 5000, 'paths');
  const maxGS = options.maxGammaScaled ?? 100;
  if (typeof maxGS !== 'number' || !Number.isFinite(maxGS) || !(maxGS > 0.1)) {
    throw new ArgumentError(`maxGammaScaled must be a finite number above 0.1 (the bottom of the gamma grid); got ${String(maxGS)}`, 'maxGammaScaled');
  }
  const series = checkSeries(y);
  const data = prepare(series, options);
  const sdS = sdPop(data.s);

  // 1. Grid: γ·sd(s) = 10^(−1 + 0.05 i) up to maxGammaScaled (i = 0..80 for the bound 1000);
  //    c = 10%, 12%, …, 90% quantiles of s.
  const sorted = Float64Array.from(data.s).sort();
  const nG = Math.floor((Math.log10(maxGS) + 1) / 0.05 + 1e-9) + 1, nC = 41;
  const gammas = Array.from({ length: nG }, (_, i) => 10 ** (-1 + 0.05 * i) / sdS);
  const cs = Array.from({ length: nC }, (_, j) => quantileSorted(sorted, 0.1 + 0.02 * j));
  const grid: number[][] = [];
  for (let i = 0; i < nG; i++) {
    const row: number[] = [];
    for (let j = 0; j < nC; j++) row.push(profileOrInf(data, gammas[i], cs[j]));
    grid.push(row);
  }
  // 2. Local minima of the grid (≤ all 8 neighbours), best first; refine the best few.
  const minima: { i: number; j: number; v: number }[] = [];
  for (let i = 0; i < nG; i++) {
    for (let j = 0; j < nC; j++) {
      const v = grid[i][j];
      if (!Number.isFinite(v)) continue;
      let isMin = true;
      for (let di = -1; di <= 1 && isMin; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          const a = i + di, b = j + dj;
          if ((di || dj) && a >= 0 && a < nG && b >= 0 && b < nC && grid[a][b] < v) { isMin = false; break; }
        }
      }
      if (isMin) minima.push({ i, j, v });
    }
  }
  if (!minima.length) {
    throw new DataError('the LSTAR regression is singular at every grid point of (gamma, c); the series has too little variation for a smooth transition model', 'y');
  }
  minima.sort((u, w) => u.v - w.v);
  // Keep γ·sd(s) within [0.01, maxGammaScaled] (below, G is linear in s and the design near-singular).
  const logLo = Math.log(0.01 / sdS), logHi = Math.log(maxGS / sdS);
  const obj = (x: readonly number[]) => (x[0] < logLo || x[0] > logHi ? Infinity : profileOrInf(data, Math.exp(x[0]), x[1]));
  let best = { x: [Math.log(gammas[minima[0].i]), cs[minima[0].j]], fx: minima[0].v };
  for (const m of minima.slice(0, 5)) {
    const x0 = [Math.log(gammas[m.i]), cs[m.j]];
    const nm = nelderMead(obj, x0, { step: [0.1, 0.05 * sdS], ftol: 1e-15, xtol: 1e-11, maxIter: 4000 });
    let cand = nm.fx < m.v ? { x: nm.x, fx: nm.fx } : { x: x0, fx: m.v };
    const lb = lbfgs(obj, cand.x, { gtol: 1e-12, ftol: 1e-16, maxIter: 200 });
    if (lb.fx < cand.fx) cand = { x: lb.x, fx: lb.fx };
    // A second simplex from the polished point guards against a stalled line search.
    const nm2 = nelderMead(obj, cand.x, { step: [0.01, 0.005 * sdS], ftol: 1e-16, xtol: 1e-12, maxIter: 2000 });
    if (nm2.fx < cand.fx) cand = { x: nm2.x, fx: nm2.fx };
    if (cand.fx < best.fx) best = cand;
  }
  const gamma = Math.exp(best.x[0]), c = best.x[1];
  const prof = profile(data, gamma, c);
  const values = [...prof.coef, gamma, c];
  const stdErrors = gaussNewtonSE(data, values, prof.ssr / data.target.length);
  return new FittedLSTAR({
    order: data.p, delay: data.d, y: series,
    params: { names: paramNames(data.p), values, stdErrors },
    ssr: prof.ssr, nobs: data.target.length, linearSSR: linearSSR(data), sdTransition: sdS, seed, paths,
    maxGammaScaled: maxGS,
  });
}

/**
 * The concentrated SSR of an LSTAR at fixed (γ, c): OLS of y_t on [1, y_{t−1..t−p}, G_t,
 * G_t y_{t−1..t−p}] over t = max(p, d)+1..n. Throws {@link SingularMatrixError} if that design is
 * singular.
 */
export function lstarProfileSSR(y: ArrayLike<number>, spec: LSTARSpec, gamma: number, c: number): number {
  return lstarProfile(y, spec, gamma, c).ssr;
}

/** As {@link lstarProfileSSR}, with the OLS coefficients [a0..ap, b0..bp]. */
export function lstarProfile(y: ArrayLike<number>, spec: LSTARSpec, gamma: number, c: number): LSTARProfile {
  const data = prepare(checkSeries(y), spec);
  checkGammaC(gamma, c);
  return profile(data, gamma, c);
}

/**
 * The skeleton: the LSTAR map with parameters [a0..ap, b0..bp, γ, c] iterated h steps from the
 * end of y without noise.
 */
export function lstarSkeleton(y: ArrayLike<number>, spec: LSTARSpec, params: readonly number[], h: number): Float64Array {
  const series = checkSeries(y);
  const { p, d } = checkSpec(spec);
  checkHorizon(h);
  if (!Array.isArray(params) || params.length !== 2 * (p + 1) + 2 || !params.every(Number.isFinite)) {
    throw new ArgumentError(`params must hold 2(order + 1) + 2 = ${2 * (p + 1) + 2} finite numbers [a0..ap, b0..bp, gamma, c]`, 'params');
  }
  if (series.length < Math.max(p, d)) throw new DataError(`y needs at least max(order, delay) = ${Math.max(p, d)} observations to start the recursion`, 'y');
  return iterate(series, p, d, params, h, () => 0);
}

interface FittedLSTARInit {
  order: number;
  delay: number;
  y: Float64Array;
  params: LSTARParamTable;
  ssr: number;
  nobs: number;
  linearSSR: number;
  sdTransition: number;
  maxGammaScaled: number;
  seed: number;
  paths: number;
}

/** A fitted LSTAR(p) model: parameters, fit statistics, skeleton and Monte Carlo forecasts. */
export class FittedLSTAR implements Forecaster {
  readonly kind = 'lstar';
  /** Autoregressive order p. */
  readonly order: number;
  /** Delay d of the transition variable y_{t−d}. */
  readonly delay: number;
  /** The series the model conditions on. */
  readonly y: Float64Array;
  /** a0..ap, b0..bp, gamma, c with Gauss–Newton standard errors. */
  /** Names, estimates and Gauss–Newton standard errors of the parameters. */
  private readonly table: LSTARParamTable;
  /** Residual sum of squares at the optimum. */
  readonly ssr: number;
  /** Observations in the fit, n − max(p, d). */
  readonly nobs: number;
  /** SSR of the linear AR(p) (with constant) on the same sample, for comparison. */
  readonly linearSSR: number;
  /** Population standard deviation of s_t over the sample (the grid's scale for γ). */
  readonly sdTransition: number;
  /** The bound on γ·sd(s) of the search. */
  readonly maxGammaScaled: number;
  /** Seed of `forecast` without an rng. */
  readonly seed: number;
  /** Default number of Monte Carlo paths of `forecast`. */
  readonly paths: number;

  constructor(init: FittedLSTARInit) {
    this.order = init.order;
    this.delay = init.delay;
    this.y = init.y;
    this.table = init.params;
    this.ssr = init.ssr;
    this.nobs = init.nobs;
    this.linearSSR = init.linearSSR;
    this.sdTransition = init.sdTransition;
    this.maxGammaScaled = init.maxGammaScaled;
    this.seed = init.seed;
    this.paths = init.paths;
  }

  /** Parameter names a0..ap, b0..bp, gamma, c. */
  get paramNames(): string[] {
    return this.table.names.slice();
  }

  /**
   * Estimates in {@link FittedLSTAR.paramNames} order (statsmodels' `params`). For one release the
   * vector also answers 0.1's `params.names`, `.values`, `.stdErrors` (deprecated).
   */
  get params(): VectorWithLegacy<LSTARParamTable> {
    return vectorWithLegacy(this.table.values, () => this.table);
  }

  /** Gauss–Newton standard errors √diag(σ̂²(J'J)⁻¹); NaN where J'J is singular. */
  get bse(): number[] {
    return this.table.stdErrors.slice();
  }

  /** Linear-regime coefficients a0..ap. */
  get a(): number[] {
    return this.table.values.slice(0, this.order + 1);
  }

  /** Transition-regime coefficients b0..bp (added in full when G = 1). */
  get b(): number[] {
    return this.table.values.slice(this.order + 1, 2 * (this.order + 1));
  }

  /** Transition speed γ on the raw scale of s. */
  get gamma(): number {
    return this.table.values[2 * (this.order + 1)];
  }

  /** Transition location c. */
  get c(): number {
    return this.table.values[2 * (this.order + 1) + 1];
  }

  /** γ·sd(s), the scale-free speed. */
  get gammaScaled(): number {
    return this.gamma * this.sdTransition;
  }

  /**
   * True when the estimate sits on the bound γ·sd(s) = maxGammaScaled: the data prefer an abrupt
   * (threshold) switch, and γ, c and their standard errors are not meaningful.
   */
  get gammaAtBound(): boolean {
    return this.gammaScaled >= this.maxGammaScaled * (1 - 1e-3);
  }

  /** ML innovation variance SSR/nobs. */
  get sigma2(): number {
    return this.ssr / this.nobs;
  }

  /** Conditional Gaussian log-likelihood −nobs/2 (log 2πσ̂² + 1). */
  get llf(): number {
    return (-this.nobs / 2) * (LOG2PI + Math.log(this.sigma2) + 1);
  }

  /** Parameters counted by the criteria: 2(p+1) + 2 plus σ². */
  get nParams(): number {
    return this.table.values.length + 1;
  }

  /** AIC = −2ℓ + 2k (σ² counted). */
  get aic(): number {
    return -2 * this.llf + 2 * this.nParams;
  }

  /** BIC = −2ℓ + log(nobs)·k. */
  get bic(): number {
    return -2 * this.llf + Math.log(this.nobs) * this.nParams;
  }

  /** Transition function G(s) = 1/(1 + exp(−γ(s − c))) at the estimates. */
  transition(s: number): number {
    return logistic(this.gamma, this.c, s);
  }

  /** The skeleton: the fitted map iterated h steps from the end of the data without noise. */
  skeleton(h: number): Float64Array {
    checkHorizon(h);
    return iterate(this.y, this.order, this.delay, this.table.values, h, () => 0);
  }

  /** Sample paths (paths × h): the fitted map with N(0, σ̂²) shocks from `rng` (parameters fixed). */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkNoExog(options.exog, 'an LSTAR model');
    const paths = checkPaths(options.paths ?? 1000, h);
    return this.simulate(h, paths, options.rng);
  }

  private simulate(h: number, paths: number, rng: Rng): Float64Array[] {
    const sd = Math.sqrt(this.sigma2);
    const shock = () => sd * rng.normal();
    const out: Float64Array[] = new Array(paths);
    for (let k = 0; k < paths; k++) out[k] = iterate(this.y, this.order, this.delay, this.table.values, h, shock);
    return out;
  }

  /**
   * Monte Carlo forecast for steps 1..h ({@link SampleForecast}): `paths` simulated paths. Without
   * `rng` the generator is seeded with the model's `seed`, so repeated calls (and a model restored
   * from JSON) give identical forecasts. The one-step forecast is exactly Gaussian around the
   * skeleton; later steps are not (the map is nonlinear).
   */
  forecast(h: number, options: LSTARForecastOptions = {}): SampleForecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'an LSTAR model');
    const paths = checkPaths(options.paths ?? this.paths, h);
    const rng = options.rng ?? createRng(this.seed);
    if (typeof rng.normal !== 'function') throw new ArgumentError('rng must be a generator from createRng(seed)', 'rng');
    return new SampleForecast(this.simulate(h, paths, rng));
  }

  /** Plain JSON for the CLI: parameters, SSR and fit statistics. */
  /**
   * The fitted parameters applied to another history `y` (the data extended by new observations):
   * forecasts and samples start after `y`; no refit, and the estimates and their statistics stay
   * those of the fit.
   */
  apply(y: ArrayLike<number>): FittedLSTAR {
    return FittedLSTAR.fromJSON({ ...this.toJSON(), y: historyJSON(y, false, Math.max(this.order, this.delay) + 1) });
  }

  report(): LSTARReport {
    return {
      model: `LSTAR(${this.order}), delay ${this.delay}`,
      order: this.order,
      delay: this.delay,
      nobs: this.nobs,
      params: { names: this.table.names.slice(), values: this.table.values.slice(), stdErrors: this.table.stdErrors.map(nullIfNaN) },
      ssr: this.ssr,
      sigma2: this.sigma2,
      llf: this.llf,
      aic: this.aic,
      bic: this.bic,
      gammaScaled: this.gammaScaled,
      gammaAtBound: this.gammaAtBound,
      linearSSR: this.linearSSR,
    };
  }

  /** A results table: coefficients with Gauss–Newton standard errors, SSR, likelihood, criteria. */
  summary(): string {
    const z975 = normalQuantile(0.975);
    const dash = (v: number, digits = 4) => (Number.isFinite(v) ? fmt(v, digits) : '-');
    const rows = this.table.names.map((nm, i) => {
      const v = this.table.values[i], se = this.table.stdErrors[i];
      const z = v / se;
      return [nm, fmt(v), dash(se), dash(z, 3), Number.isFinite(z) ? (2 * normalSf(Math.abs(z))).toFixed(3) : '-', dash(v - z975 * se), dash(v + z975 * se)];
    });
    const head = keyValueBlock(
      [['Dep. Variable:', 'y'], ['Model:', `LSTAR(${this.order})`], ['Transition:', `y(t-${this.delay})`], ['Method:', 'NLS'], ['Sample:', `${Math.max(this.order, this.delay) + 1}..${this.y.length}`]],
      [['No. Observations:', String(this.nobs)], ['SSR', fmt(this.ssr)], ['Log Likelihood', this.llf.toFixed(3)], ['AIC', this.aic.toFixed(3)], ['BIC', this.bic.toFixed(3)]],
    );
    const coef = table(['', 'coef', 'std err', 'z', 'P>|z|', '[0.025', '0.975]'], rows, 12);
    return [
      '                  Logistic Smooth-Transition AR Results', rule(), head, rule(), coef, rule(),
      `G(s) = 1/(1 + exp(-gamma (s - c))), s = y(t-${this.delay}); gamma * sd(s) = ${fmt(this.gammaScaled)}; linear AR(${this.order}) SSR on the same sample ${fmt(this.linearSSR)}.`,
      'Standard errors: Gauss-Newton sqrt(diag(sigma2 (J\'J)^-1)); those of gamma and c are often unreliable.',
      ...(this.gammaAtBound ? [`Warning: gamma * sd(s) is at its bound ${fmt(this.maxGammaScaled)}; the transition is a step (threshold AR) and gamma, c are not identified.`] : []),
    ].join('\n');
  }

  /** Plain JSON; {@link FittedLSTAR.fromJSON} restores an equal model (no refitting). */
  toJSON(): LSTARJSON {
    return {
      kind: 'lstar',
      version: MODEL_JSON_VERSION,
      order: this.order,
      delay: this.delay,
      y: Array.from(this.y),
      params: { names: this.table.names.slice(), values: this.table.values.slice(), stdErrors: this.table.stdErrors.map(nullIfNaN) },
      ssr: this.ssr,
      nobs: this.nobs,
      linearSSR: this.linearSSR,
      sdTransition: this.sdTransition,
      maxGammaScaled: this.maxGammaScaled,
      seed: this.seed,
      paths: this.paths,
    };
  }

  /** Restores a model saved with {@link FittedLSTAR.toJSON}. */
  static fromJSON(json: LSTARJSON): FittedLSTAR {
    if (!json || json.kind !== 'lstar') throw new ArgumentError(`fromJSON: expected kind 'lstar'; got '${String(json?.kind)}'`, 'json');
    checkModelJSON(json, 'lstar');
    const k = 2 * (json.order + 1) + 2;
    if (!Number.isInteger(json.order) || json.order < 0 || !Number.isInteger(json.delay) || json.delay < 1 || !json.params || !Array.isArray(json.params.values) || json.params.values.length !== k || !Array.isArray(json.y)) {
      throw new ArgumentError(`fromJSON: an lstar model needs order, delay ≥ 1, y and params.values with 2(order + 1) + 2 = ${k} entries`, 'json');
    }
    return new FittedLSTAR({
      order: json.order,
      delay: json.delay,
      y: Float64Array.from(json.y),
      params: {
        names: json.params.names.slice(),
        values: json.params.values.slice(),
        stdErrors: (json.params.stdErrors ?? []).map((v) => (v === null ? NaN : v)),
      },
      ssr: json.ssr,
      nobs: json.nobs,
      linearSSR: json.linearSSR,
      sdTransition: json.sdTransition,
      maxGammaScaled: json.maxGammaScaled,
      seed: json.seed,
      paths: json.paths,
    });
  }
}

/** Restores a {@link FittedLSTAR} from its JSON (same as `FittedLSTAR.fromJSON`). */
export function lstarFromJSON(json: LSTARJSON): FittedLSTAR {
  return FittedLSTAR.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Model algebra

function logistic(gamma: number, c: number, s: number): number {
  return 1 / (1 + Math.exp(-gamma * (s - c)));
}

function paramNames(p: number): string[] {
  const names: string[] = [];
  for (const r of ['a', 'b']) for (let i = 0; i <= p; i++) names.push(`${r}${i}`);
  return [...names, 'gamma', 'c'];
}

/** OLS at fixed (γ, c) on the design [1, lags, G, G·lags]. */
function profile(data: LstarData, gamma: number, c: number): LSTARProfile {
  const { target, lags, s, p } = data;
  const n = target.length;
  const X: Matrix = new Array(n);
  for (let r = 0; r < n; r++) {
    const g = logistic(gamma, c, s[r]);
    const row = new Array<number>(2 * (p + 1));
    row[0] = 1;
    row[p + 1] = g;
    for (let i = 0; i < p; i++) {
      row[1 + i] = lags[i][r];
      row[p + 2 + i] = g * lags[i][r];
    }
    X[r] = row;
  }
  const { coef } = leastSquares(X, target, paramNames(p).slice(0, 2 * (p + 1)));
  let ssr = 0;
  for (let r = 0; r < n; r++) {
    let e = target[r];
    const row = X[r];
    for (let j = 0; j < row.length; j++) e -= row[j] * coef[j];
    ssr += e * e;
  }
  return { gamma, c, coef, ssr };
}

function profileOrInf(data: LstarData, gamma: number, c: number): number {
  if (!(gamma > 0) || !Number.isFinite(gamma) || !Number.isFinite(c)) return Infinity;
  try {
    return profile(data, gamma, c).ssr;
  } catch (e) {
    if (e instanceof SingularMatrixError) return Infinity;
    throw e;
  }
}

/** SSR of the linear AR(p) with constant on the LSTAR sample. */
function linearSSR(data: LstarData): number {
  const { target, lags } = data;
  const X: Matrix = Array.from(target, (_, r) => [1, ...lags.map((l) => l[r])]);
  try {
    return leastSquaresSSR(X, target);
  } catch {
    return NaN;
  }
}

/**
 * Gauss–Newton standard errors √diag(σ²(J'J)⁻¹) with J = ∂f/∂θ of the regression function:
 * ∂f/∂a_i = x_i, ∂f/∂b_i = x_i G, ∂f/∂γ = (b'x) G(1−G)(s − c), ∂f/∂c = −(b'x) G(1−G) γ.
 */
function gaussNewtonSE(data: LstarData, theta: readonly number[], sigma2: number): number[] {
  const { target, lags, s, p } = data;
  const k = p + 1, m = theta.length;
  const gamma = theta[2 * k], c = theta[2 * k + 1];
  const jtj: Matrix = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const row = new Array<number>(m);
  for (let r = 0; r < target.length; r++) {
    const g = logistic(gamma, c, s[r]);
    let bx = theta[k];
    row[0] = 1;
    row[k] = g;
    for (let i = 0; i < p; i++) {
      const x = lags[i][r];
      row[1 + i] = x;
      row[k + 1 + i] = g * x;
      bx += theta[k + 1 + i] * x;
    }
    const dg = g * (1 - g);
    row[2 * k] = bx * dg * (s[r] - c);
    row[2 * k + 1] = -bx * dg * gamma;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) jtj[i][j] += row[i] * row[j];
  }
  try {
    const inv = invertSPD(jtj);
    return inv.map((rw, i) => Math.sqrt(sigma2 * rw[i]));
  } catch {
    return new Array<number>(m).fill(NaN);
  }
}

/** y_{n+1..n+h} by the LSTAR map with parameters θ = [a, b, γ, c] plus shock(). */
function iterate(y: Float64Array, p: number, d: number, theta: readonly number[], h: number, shock: () => number): Float64Array {
  const n = y.length, m = Math.max(p, d), k = p + 1;
  const gamma = theta[2 * k], c = theta[2 * k + 1];
  const hist = new Float64Array(m + h);
  for (let i = 0; i < m; i++) hist[i] = y[n - m + i];
  for (let j = 0; j < h; j++) {
    const t = m + j;
    let lin = theta[0], nl = theta[k];
    for (let i = 1; i <= p; i++) {
      lin += theta[i] * hist[t - i];
      nl += theta[k + i] * hist[t - i];
    }
    hist[t] = lin + nl * logistic(gamma, c, hist[t - d]) + shock();
  }
  return hist.slice(m);
}

function sdPop(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / x.length);
}

// ---------------------------------------------------------------------------------------------
// Input handling

function checkSeries(y: ArrayLike<number>): Float64Array {
  return checkCompleteSeries(y, 'LSTAR estimation needs a complete series');
}

function checkSpec(spec: LSTARSpec | undefined): { p: number; d: number } {
  if (!spec || typeof spec !== 'object') throw new ArgumentError('an LSTAR needs { order, delay }', 'order');
  const p = spec.order;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) throw new ArgumentError(`order must be a non-negative integer; got ${String(p)}`, 'order');
  const d = spec.delay ?? 1;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new ArgumentError(`delay must be a positive integer (s_t = y_{t-delay}); got ${String(d)}`, 'delay');
  return { p, d };
}

/**
 * Builds the regression data, requiring n − max(p, d) ≥ 2·(2p + 4) observations and a transition
 * variable with variation (at least three distinct values and distinct 10% and 90% quantiles).
 */
function prepare(y: Float64Array, spec: LSTARSpec): LstarData {
  const { p, d } = checkSpec(spec);
  const n = y.length, start = Math.max(p, d);
  const k = 2 * (p + 1) + 2;
  if (n - start < 2 * k) {
    throw new DataError(
      `y is too short for an LSTAR(${p}) with delay ${d}: it needs at least max(order, delay) + 2·(2·order + 4) = ${start + 2 * k} observations; got ${n}`,
      'y',
    );
  }
  const target = y.slice(start);
  const lags = Array.from({ length: p }, (_, i) => y.slice(start - i - 1, n - i - 1));
  const s = y.slice(start - d, n - d);
  const sorted = Float64Array.from(s).sort();
  let distinct = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct < 3 || quantileSorted(sorted, 0.1) === quantileSorted(sorted, 0.9)) {
    throw new DataError(
      `no transition variation: the transition variable y(t-${d}) takes ${distinct === 1 ? 'a single value' : `only ${distinct} distinct values`} ` +
        `(or its 10% and 90% quantiles coincide); a smooth transition cannot be located. Use a linear AR instead`,
      'y',
    );
  }
  return { p, d, start, target, lags, s };
}

function checkGammaC(gamma: number, c: number): void {
  if (typeof gamma !== 'number' || !Number.isFinite(gamma) || !(gamma > 0)) throw new ArgumentError(`gamma must be a positive finite number; got ${String(gamma)}`, 'gamma');
  if (typeof c !== 'number' || !Number.isFinite(c)) throw new ArgumentError(`c must be a finite number; got ${String(c)}`, 'c');
}




function nullIfNaN(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

// ---------------------------------------------------------------------------------------------
// Registry entry

/** The options schema of {@link fitLSTAR} (see {@link LSTAROptions}). */
export const lstarOptionsSchema = z.strictObject({
  order: z.number().int().min(0).describe('autoregressive order p of both regimes').meta({ cli: { value: 'p' } }),
  delay: z.number().int().min(1).default(1).describe('delay d of the transition variable y(t-d)'),
  seed: z.number().int().min(0).default(0).describe('seed of the Monte Carlo forecasts'),
  paths: z.number().int().min(1).default(5000).describe('Monte Carlo paths of forecast()'),
  maxGammaScaled: z.number().gt(0.1).default(100).describe('upper bound on the scale-free transition speed'),
});

/** Registry entry of {@link fitLSTAR}. */
export const lstarEntry: SeriesModelEntry<z.output<typeof lstarOptionsSchema>, FittedLSTAR> = {
  name: 'lstar',
  shape: 'series',
  description: 'logistic smooth-transition AR by nonlinear least squares; forecasts by simulation',
  producesKind: 'lstar',
  options: lstarOptionsSchema,
  fit: (y, options) => fitLSTAR(y, options),
  fromJSON: (json) => FittedLSTAR.fromJSON(json as LSTARJSON),
  report: (fit) => ({ ...fit.report() }),
  backtestOptions: ({ seed }) => ({ order: 2, paths: 4000, ...(seed !== undefined ? { seed } : {}) }),
  example: { dataset: 'lynx', transform: 'log10', options: lstarOptionsSchema.parse({ order: 2, paths: 4000 }) },
};
