/**
 * Bayesian autoregression AR(p) with the conjugate Normal–Inverse-Gamma prior.
 *
 * The model is the conditional AR regression y_t = β_0 + β_1 y_{t−1} + … + β_p y_{t−p} + ε_t,
 * ε_t ~ N(0, σ²), t = p+1..n (the first p observations condition), with design rows
 * x_t = [1, y_{t−1}, …, y_{t−p}] and the prior
 *
 *   β | σ² ~ N(m0, σ² V0),   σ² ~ InvGamma(a0, b0)   (density ∝ σ^{−2(a0+1)} exp(−b0/σ²)).
 *
 * The posterior is again Normal–Inverse-Gamma (Zellner 1971 §4; Koop 2003 ch. 3; Murphy 2007,
 * "Conjugate Bayesian analysis of the Gaussian distribution" §7):
 *
 *   Vn = (V0⁻¹ + X'X)⁻¹,  mn = Vn (V0⁻¹ m0 + X'y),  an = a0 + n/2,
 *   bn = b0 + ½ (y'y + m0'V0⁻¹m0 − mn'Vn⁻¹mn) = b0 + ½ (‖y − X mn‖² + (mn − m0)'V0⁻¹(mn − m0)),
 *
 * (the second form, used here, avoids the cancellation of the first), the marginal posterior of β
 * is multivariate t_{2an}(mn, (bn/an) Vn), E[σ² | y] = bn/(an − 1), the log marginal likelihood is
 *
 *   log p(y) = −n/2 log 2π + ½ (log|Vn| − log|V0|) + a0 log b0 − an log bn + log Γ(an) − log Γ(a0),
 *
 * and the one-step predictive is Student t with 2an degrees of freedom, location x*'mn and scale²
 * (bn/an)(1 + x*'Vn x*), x* = [1, y_n, …, y_{n−p+1}]. Forecasts further ahead have no closed form:
 * they are simulated by seeded Monte Carlo — draw σ² ~ IG(an, bn), β | σ² ~ N(mn, σ² Vn), then one
 * path of the AR recursion with N(0, σ²) shocks — so they include parameter uncertainty.
 *
 * Random numbers come only from an injected {@link Rng}: gamma variates by Marsaglia & Tsang
 * (2000), multivariate normals through the Cholesky factor of Vn.
 *
 * @example
 * const fit = fitBayesAR(y, { order: 2, prior: { m0: [0, 0, 0], V0: 10, a0: 3, b0: 0.2 } });
 * fit.oneStep();                               // { location, scale, df }
 * fit.forecast(10, { rng: createRng(1), draws: 20000 }).interval(95);
 * compareBayesAROrders(y, { maxOrder: 6 }).best;
 */
import { ArgumentError, DataError, SingularMatrixError } from '../core/errors.js';
import { SampleForecast, checkLevel } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { cholesky, invertSPD, identity, logDetSPD, type Matrix } from '../core/linalg.js';
import { gammaVariate, tQuantile, chisqQuantile, logGamma, LOG2PI } from '../core/distributions.js';
import { extent, variance } from '../core/stats.js';
import { createRng, type Rng } from '../core/rng.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';
import { checkHorizon, checkMagnitude, checkPaths, checkPositiveInt, checkNoExog, checkRng, checkCompleteSeries, historyJSON, checkModelJSON, MODEL_JSON_VERSION } from '../core/validate.js';

/**
 * Normal–Inverse-Gamma prior β | σ² ~ N(m0, σ² V0), σ² ~ InvGamma(a0, b0). Every field is
 * optional; missing ones take the defaults of {@link defaultBayesARPrior}.
 */
export interface BayesARPrior {
  /** Prior mean of β = [const, y.L1, …, y.L{p}] (length p + 1). Default zeros. */
  m0?: readonly number[];
  /** Prior scale matrix of β (times σ²), symmetric positive definite; a number v means v·I. Default 100·I. */
  V0?: readonly (readonly number[])[] | number;
  /** Inverse-gamma shape a0 > 0. Default 1. */
  a0?: number;
  /** Inverse-gamma scale b0 > 0. Default 0.01·var(y) (0.01 for a constant series). */
  b0?: number;
}

/** A fully specified Normal–Inverse-Gamma prior (or posterior) in plain arrays. */
export interface BayesARNIG {
  m: number[];
  V: number[][];
  a: number;
  b: number;
}

/** Options of {@link fitBayesAR}. */
export interface BayesAROptions {
  /** Autoregressive order p (integer ≥ 0); the regression has p + 1 coefficients (const first). */
  order: number;
  /** Conjugate prior; see {@link BayesARPrior} for the defaults. */
  prior?: BayesARPrior;
  /** Seed of the Monte Carlo forecasts when `forecast` is called without an rng. Default 0. */
  seed?: number;
  /** Monte Carlo draws of `forecast` when not given there. Default 10000. */
  draws?: number;
}

/** Options of {@link FittedBayesAR.forecast}: the common options plus the Monte Carlo source. */
export interface BayesARForecastOptions extends ForecastOptions {
  /** Random source; default a fresh generator seeded with the model's `seed` (so forecasts are reproducible). */
  rng?: Rng;
  /** Number of joint posterior draws (one path each). Default the model's `draws`. */
  draws?: number;
}

/** A Student t predictive or marginal distribution: location + scale·T_df. */
export interface BayesARStudentT {
  location: number;
  scale: number;
  df: number;
}

/** Plain-JSON form of a {@link FittedBayesAR}. */
export interface BayesARJSON {
  kind: 'bayes-ar';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  order: number;
  y: number[];
  names: string[];
  prior: BayesARNIG;
  posterior: BayesARNIG;
  nobs: number;
  logMarginalLikelihood: number;
  seed: number;
  draws: number;
}

/** The CLI report of a Bayesian AR fit. */
export interface BayesARReport {
  model: string;
  order: number;
  nobs: number;
  names: string[];
  prior: { mean: number[]; cov: number[][]; a: number; b: number };
  /**
   * The Normal–Inverse-Gamma posterior (mn, Vn, an, bn): `cov` is Vn, the scale matrix with
   * Cov(β | σ², y) = σ² Vn (the fixture's `Vn`); `betaCov` is the marginal posterior covariance
   * of β, bn/(an − 1)·Vn (the covariance of the t_{2an}(mn, (bn/an) Vn) law).
   */
  posterior: {
    mean: number[];
    cov: number[][];
    a: number;
    b: number;
    betaCov: number[][];
    betaScale: number[];
    df: number;
    sigma2Mean: number;
    sigma2Mode: number;
  };
  logMarginalLikelihood: number;
  oneStep: { location: number; scale: number; df: number; lower95: number; upper95: number };
}

/** Options of {@link compareBayesAROrders}. */
export interface BayesAROrderOptions {
  /** Largest order; p = minOrder..maxOrder are all fitted on the common sample t = maxOrder+1..n. */
  maxOrder: number;
  /** Smallest order compared. Default 1 (as the reference fixture); 0 adds the mean-only model. */
  minOrder?: number;
  /** The prior family m0 = 0, V0 = v0·I_{p+1}, σ² ~ IG(a0, b0). Defaults as {@link defaultBayesARPrior}. */
  prior?: { v0?: number; a0?: number; b0?: number };
}

/** One row of {@link compareBayesAROrders}. */
export interface BayesAROrderRow {
  order: number;
  logMarginalLikelihood: number;
  /** Posterior probability of the order under a uniform prior over the orders compared. */
  posteriorProbability: number;
}

/** Result of {@link compareBayesAROrders}. */
export interface BayesAROrderComparison {
  /** Order with the largest marginal likelihood (ties: the smaller order). */
  best: number;
  table: BayesAROrderRow[];
  /** Observations in the common sample, n − maxOrder. */
  nobs: number;
  /** First observation (1-based) of the common sample, maxOrder + 1. */
  sampleStart: number;
}

/** The default prior for order p: m0 = 0, V0 = 100·I, a0 = 1, b0 = 0.01·var(y) (weak, scale-aware). */
export function defaultBayesARPrior(y: ArrayLike<number>, order: number): BayesARNIG {
  const k = order + 1;
  const v = y.length > 1 ? variance(y) : 0;
  return { m: new Array<number>(k).fill(0), V: identity(k).map((r) => r.map((x) => 100 * x)), a: 1, b: v > 0 && Number.isFinite(v) ? 0.01 * v : 0.01 };
}

/**
 * Fits a Bayesian AR(p) with intercept under the conjugate Normal–Inverse-Gamma prior: exact
 * posterior, marginal likelihood and one-step Student-t predictive, Monte Carlo forecasts beyond.
 */
export function fitBayesAR(y: ArrayLike<number>, options: BayesAROptions): FittedBayesAR {
  if (!options || typeof options !== 'object') throw new ArgumentError('fitBayesAR needs options with an order, e.g. { order: 2 }', 'order');
  const data = checkSeries(y);
  const p = checkOrder(options.order, data.length);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number; got ${String(seed)}`, 'seed');
  const draws = checkPositiveInt(options.draws ?? 10000, 'draws');
  const prior = resolvePrior(options.prior, data, p);
  const { X, target } = design(data, p, p);
  const post = nigPosterior(X, target, prior);
  return new FittedBayesAR({
    order: p, y: data, names: coefNames(p), prior, posterior: post.posterior, nobs: target.length,
    logMarginalLikelihood: post.logMarginalLikelihood, seed, draws,
  });
}

/**
 * Log marginal likelihoods of AR(p), p = minOrder..maxOrder, all on the same sample
 * t = maxOrder+1..n with the prior family m0 = 0, V0 = v0·I_{p+1}, σ² ~ IG(a0, b0), and the
 * posterior order probabilities under a uniform prior over the orders.
 */
export function compareBayesAROrders(y: ArrayLike<number>, options: BayesAROrderOptions): BayesAROrderComparison {
  if (!options || typeof options !== 'object') throw new ArgumentError('compareBayesAROrders needs options with maxOrder, e.g. { maxOrder: 6 }', 'maxOrder');
  const data = checkSeries(y);
  const maxOrder = options.maxOrder;
  if (typeof maxOrder !== 'number' || !Number.isInteger(maxOrder) || maxOrder < 0) {
    throw new ArgumentError(`maxOrder must be a non-negative integer; got ${String(maxOrder)}`, 'maxOrder');
  }
  const minOrder = options.minOrder ?? Math.min(1, maxOrder);
  if (typeof minOrder !== 'number' || !Number.isInteger(minOrder) || minOrder < 0 || minOrder > maxOrder) {
    throw new ArgumentError(`minOrder must be an integer in 0..maxOrder = ${maxOrder}; got ${String(minOrder)}`, 'minOrder');
  }
  checkOrder(maxOrder, data.length, 'maxOrder');
  const pr = options.prior ?? {};
  if (pr === null || typeof pr !== 'object' || Array.isArray(pr)) throw new ArgumentError('prior must be an object { v0, a0, b0 }', 'prior');
  checkPriorKeys(pr, ['v0', 'a0', 'b0']);
  const def = defaultBayesARPrior(data, 0);
  const v0 = pr.v0 ?? 100;
  if (typeof v0 !== 'number' || !(v0 > 0) || !Number.isFinite(v0)) throw new ArgumentError(`prior.v0 must be a positive finite number; got ${String(v0)}`, 'prior.v0');
  const a0 = checkPositive(pr.a0 ?? def.a, 'prior.a0');
  const b0 = checkPositive(pr.b0 ?? def.b, 'prior.b0');
  const rows: { order: number; logMarginalLikelihood: number }[] = [];
  let nobs = 0;
  for (let p = minOrder; p <= maxOrder; p++) {
    const k = p + 1;
    const prior: BayesARNIG = { m: new Array<number>(k).fill(0), V: identity(k).map((r) => r.map((x) => v0 * x)), a: a0, b: b0 };
    const { X, target } = design(data, p, maxOrder);
    nobs = target.length;
    rows.push({ order: p, logMarginalLikelihood: nigPosterior(X, target, prior).logMarginalLikelihood });
  }
  const top = Math.max(...rows.map((r) => r.logMarginalLikelihood));
  const w = rows.map((r) => Math.exp(r.logMarginalLikelihood - top));
  const total = w.reduce((s, v) => s + v, 0);
  let best = rows[0];
  for (const r of rows) if (r.logMarginalLikelihood > best.logMarginalLikelihood) best = r;
  return {
    best: best.order,
    table: rows.map((r, i) => ({ ...r, posteriorProbability: w[i] / total })),
    nobs,
    sampleStart: maxOrder + 1,
  };
}

interface FittedBayesARInit {
  order: number;
  y: Float64Array;
  names: string[];
  prior: BayesARNIG;
  posterior: BayesARNIG;
  nobs: number;
  logMarginalLikelihood: number;
  seed: number;
  draws: number;
}

/**
 * A fitted Bayesian AR(p): the exact Normal–Inverse-Gamma posterior, marginal likelihood,
 * one-step Student-t predictive, credible intervals and Monte Carlo forecasts.
 */
export class FittedBayesAR implements Forecaster {
  readonly kind = 'bayes-ar';
  /** Autoregressive order p. */
  readonly order: number;
  /** The series the model conditions on. */
  readonly y: Float64Array;
  /** Coefficient names 'const', 'y.L1', …, 'y.L{p}'. */
  readonly paramNames: string[];
  /** The prior (m0, V0, a0, b0), defaults filled in. */
  readonly prior: BayesARNIG;
  /** The posterior (mn, Vn, an, bn). */
  readonly posterior: BayesARNIG;
  /** Observations in the likelihood, n − p. */
  readonly nobs: number;
  /** log p(y_{p+1..n} | y_{1..p}) under the prior. */
  readonly logMarginalLikelihood: number;
  /** Seed of `forecast` when no rng is passed. */
  readonly seed: number;
  /** Default number of Monte Carlo draws of `forecast`. */
  readonly draws: number;
  private cholVn: Matrix | undefined;

  constructor(init: FittedBayesARInit) {
    this.order = init.order;
    this.y = init.y;
    this.paramNames = init.names;
    this.prior = init.prior;
    this.posterior = init.posterior;
    this.nobs = init.nobs;
    this.logMarginalLikelihood = init.logMarginalLikelihood;
    this.seed = init.seed;
    this.draws = init.draws;
  }

  /** Degrees of freedom 2an of the marginal posterior of β and of the one-step predictive. */
  get df(): number {
    return 2 * this.posterior.a;
  }

  /** Posterior mean of β (= mn). */
  get coefficients(): number[] {
    return this.posterior.m.slice();
  }

  /** The point estimates: the posterior mean of β (statsmodels' `params`; = `coefficients`). */
  get params(): number[] {
    return this.posterior.m.slice();
  }

  /** Posterior standard deviations of β, √diag(bn/(an − 1)·Vn) (infinite when an ≤ 1). */
  get bse(): number[] {
    return this.betaCovariance().map((r, j) => Math.sqrt(r[j]));
  }

  /** A Bayesian fit reports the marginal likelihood (`logMarginalLikelihood`), not a maximised one. */
  get llf(): undefined {
    return undefined;
  }

  get aic(): undefined {
    return undefined;
  }

  get bic(): undefined {
    return undefined;
  }

  /** @deprecated renamed {@link FittedBayesAR.paramNames} (statsmodels' names); kept for one release. */
  get names(): string[] {
    return this.paramNames;
  }

  /** Marginal posterior covariance of β: bn/(an − 1)·Vn (infinite when an ≤ 1). */
  betaCovariance(): number[][] {
    const { V, a, b } = this.posterior;
    const f = a > 1 ? b / (a - 1) : Infinity;
    return V.map((r) => r.map((v) => f * v));
  }

  /** Marginal posterior of each β_j: Student t_{2an}(mn_j, √((bn/an) Vn_jj)). */
  betaMarginals(): BayesARStudentT[] {
    const { m, V, a, b } = this.posterior;
    return m.map((mj, j) => ({ location: mj, scale: Math.sqrt((b / a) * V[j][j]), df: 2 * a }));
  }

  /** Equal-tailed credible intervals of β at `level` per cent (from the marginal t laws). */
  credibleIntervals(level = 95): { lower: number[]; upper: number[] } {
    checkLevel(level);
    const q = tQuantile(1 - (1 - level / 100) / 2, this.df);
    const marg = this.betaMarginals();
    return { lower: marg.map((t) => t.location - q * t.scale), upper: marg.map((t) => t.location + q * t.scale) };
  }

  /** Posterior mean of σ², bn/(an − 1) (infinite when an ≤ 1). */
  get sigma2Mean(): number {
    const { a, b } = this.posterior;
    return a > 1 ? b / (a - 1) : Infinity;
  }

  /** Posterior mode of σ², bn/(an + 1). */
  get sigma2Mode(): number {
    return this.posterior.b / (this.posterior.a + 1);
  }

  /** Equal-tailed credible interval of σ² at `level` per cent: 2bn / χ²_{2an} quantiles. */
  sigma2Interval(level = 95): [number, number] {
    checkLevel(level);
    const alpha = (1 - level / 100) / 2;
    const nu = this.df, b2 = 2 * this.posterior.b;
    return [b2 / chisqQuantile(1 - alpha, nu), b2 / chisqQuantile(alpha, nu)];
  }

  /** Regressor x* = [1, y_n, …, y_{n−p+1}] of the first forecast. */
  private nextRegressor(): number[] {
    const n = this.y.length;
    const x = [1];
    for (let i = 1; i <= this.order; i++) x.push(this.y[n - i]);
    return x;
  }

  /** The exact one-step predictive: Student t_{2an}(x*'mn, √((bn/an)(1 + x*'Vn x*))). */
  oneStep(): BayesARStudentT {
    const { m, V, a, b } = this.posterior;
    const x = this.nextRegressor();
    let loc = 0, quad = 0;
    for (let i = 0; i < x.length; i++) {
      loc += x[i] * m[i];
      for (let j = 0; j < x.length; j++) quad += x[i] * V[i][j] * x[j];
    }
    return { location: loc, scale: Math.sqrt((b / a) * (1 + quad)), df: 2 * a };
  }

  /** Central one-step predictive interval at `level` per cent (exact Student t). */
  oneStepInterval(level = 95): { lower: number; upper: number } {
    checkLevel(level);
    const t = this.oneStep();
    const q = tQuantile(1 - (1 - level / 100) / 2, t.df);
    return { lower: t.location - q * t.scale, upper: t.location + q * t.scale };
  }

  private chol(): Matrix {
    if (!this.cholVn) this.cholVn = cholesky(this.posterior.V);
    return this.cholVn;
  }

  /** One joint posterior draw: σ² ~ IG(an, bn), then β | σ² ~ N(mn, σ² Vn). */
  private drawParams(rng: Rng, beta: number[], z: number[]): number {
    const { m, a, b } = this.posterior;
    const L = this.chol();
    const sigma2 = b / gammaVariate(rng, a);
    const sd = Math.sqrt(sigma2);
    const k = m.length;
    for (let i = 0; i < k; i++) z[i] = rng.normal();
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += L[i][j] * z[j];
      beta[i] = m[i] + sd * s;
    }
    return sigma2;
  }

  /** `count` joint posterior draws of (σ², β) from `rng`. */
  posteriorDraws(count: number, rng: Rng): { sigma2: Float64Array; beta: Float64Array[] } {
    checkPaths(count, this.order + 2, 'count');
    checkRng(rng);
    const k = this.order + 1;
    const sigma2 = new Float64Array(count);
    const beta: Float64Array[] = [];
    const b = new Array<number>(k), z = new Array<number>(k);
    for (let d = 0; d < count; d++) {
      sigma2[d] = this.drawParams(rng, b, z);
      beta.push(Float64Array.from(b));
    }
    return { sigma2, beta };
  }

  /**
   * Paths (paths × h) from the posterior predictive: for each path a joint draw of (σ², β) from
   * the posterior, then the AR recursion with N(0, σ²) shocks from the last p observations.
   */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    if (!options || !options.rng) throw new ArgumentError('sample needs a seeded rng: sample(h, { rng: createRng(seed) })', 'rng');
    checkNoExog(options.exog, 'a Bayesian AR model');
    const paths = checkPaths(options.paths ?? 1000, h);
    return this.simulate(h, paths, options.rng);
  }

  private simulate(h: number, paths: number, rng: Rng): Float64Array[] {
    const p = this.order, n = this.y.length, k = p + 1;
    const beta = new Array<number>(k), z = new Array<number>(k);
    const hist = new Float64Array(p + h);
    const out: Float64Array[] = new Array(paths);
    for (let d = 0; d < paths; d++) {
      const sd = Math.sqrt(this.drawParams(rng, beta, z));
      for (let i = 0; i < p; i++) hist[i] = this.y[n - p + i];
      for (let j = 0; j < h; j++) {
        let v = beta[0];
        for (let i = 1; i <= p; i++) v += beta[i] * hist[p + j - i];
        hist[p + j] = v + sd * rng.normal();
      }
      out[d] = hist.slice(p);
    }
    return out;
  }

  /**
   * Posterior predictive forecast for steps 1..h by Monte Carlo ({@link SampleForecast}): `draws`
   * joint posterior draws, one simulated path each. Without `rng` the generator is seeded with the
   * model's `seed`, so repeated calls (and a model restored from JSON) give identical forecasts.
   */
  forecast(h: number, options: BayesARForecastOptions = {}): SampleForecast {
    checkHorizon(h);
    checkNoExog(options.exog, 'a Bayesian AR model');
    const draws = checkPaths(options.draws ?? this.draws, h, 'draws');
    const rng = options.rng ?? createRng(this.seed);
    checkRng(rng);
    return new SampleForecast(this.simulate(h, draws, rng));
  }

  /** Plain JSON for the CLI: prior, posterior (mean, cov = Vn, a, b, …), marginal likelihood, one-step predictive. */
  /**
   * The fitted parameters applied to another history `y` (the data extended by new observations):
   * forecasts and samples start after `y`; no refit, and the estimates and their statistics stay
   * those of the fit.
   */
  apply(y: ArrayLike<number>): FittedBayesAR {
    return FittedBayesAR.fromJSON({ ...this.toJSON(), y: historyJSON(y, false, this.order + 1) });
  }

  report(): BayesARReport {
    const { m, V, a, b } = this.posterior;
    const one = this.oneStep();
    const i95 = this.oneStepInterval(95);
    return {
      model: `BayesAR(${this.order})`,
      order: this.order,
      nobs: this.nobs,
      names: this.paramNames.slice(),
      prior: { mean: this.prior.m.slice(), cov: copyMatrix(this.prior.V), a: this.prior.a, b: this.prior.b },
      posterior: {
        mean: m.slice(), cov: copyMatrix(V), a, b,
        betaCov: this.betaCovariance(),
        betaScale: this.betaMarginals().map((t) => t.scale),
        df: this.df,
        sigma2Mean: this.sigma2Mean,
        sigma2Mode: this.sigma2Mode,
      },
      logMarginalLikelihood: this.logMarginalLikelihood,
      oneStep: { location: one.location, scale: one.scale, df: one.df, lower95: i95.lower, upper95: i95.upper },
    };
  }

  /** A text table of the posterior: means, standard deviations, 95% credible intervals. */
  summary(): string {
    const ci = this.credibleIntervals(95);
    const cov = this.betaCovariance();
    const rows = this.paramNames.map((nm, j) => [nm, fmt(this.posterior.m[j]), fmt(Math.sqrt(cov[j][j])), fmt(ci.lower[j]), fmt(ci.upper[j])]);
    const s2 = this.sigma2Interval(95);
    rows.push(['sigma2', fmt(this.sigma2Mean), '-', fmt(s2[0]), fmt(s2[1])]);
    const one = this.oneStep();
    const head = keyValueBlock(
      [['Dep. Variable:', 'y'], ['Model:', `BayesAR(${this.order})`], ['Prior:', 'Normal-Inv-Gamma'], ['Sample:', `${this.order + 1}..${this.y.length}`]],
      [['No. Observations:', String(this.nobs)], ['Log marg. lik.', this.logMarginalLikelihood.toFixed(3)], ['Posterior a, b', `${fmt(this.posterior.a)}, ${fmt(this.posterior.b)}`], ['t dof (2a)', fmt(this.df)]],
    );
    const coef = table(['', 'mean', 'sd', '[0.025', '0.975]'], rows, 12);
    return [
      '                       Bayesian AR Posterior (conjugate NIG)', rule(), head, rule(), coef, rule(),
      `One-step predictive: Student t(df ${fmt(this.df)}), location ${fmt(one.location)}, scale ${fmt(one.scale)}`,
      'beta | y ~ t_{2a}(mean, (b/a) Vn); sd is sqrt(b/(a-1) Vn_jj); sigma2 interval from the inverse gamma.',
    ].join('\n');
  }

  /** Plain JSON; {@link FittedBayesAR.fromJSON} restores an equal model (no refitting). */
  toJSON(): BayesARJSON {
    return {
      kind: 'bayes-ar',
      version: MODEL_JSON_VERSION,
      order: this.order,
      y: Array.from(this.y),
      names: this.paramNames.slice(),
      prior: copyNIG(this.prior),
      posterior: copyNIG(this.posterior),
      nobs: this.nobs,
      logMarginalLikelihood: this.logMarginalLikelihood,
      seed: this.seed,
      draws: this.draws,
    };
  }

  /** Restores a model saved with {@link FittedBayesAR.toJSON}. */
  static fromJSON(json: BayesARJSON): FittedBayesAR {
    if (!json || json.kind !== 'bayes-ar') throw new ArgumentError(`fromJSON: expected kind 'bayes-ar'; got '${String(json?.kind)}'`, 'json');
    checkModelJSON(json, 'bayes-ar');
    const k = json.order + 1;
    const ok = (q: BayesARNIG | undefined) => !!q && Array.isArray(q.m) && q.m.length === k && Array.isArray(q.V) && q.V.length === k && q.V.every((r) => Array.isArray(r) && r.length === k);
    if (!Number.isInteger(json.order) || json.order < 0 || !ok(json.prior) || !ok(json.posterior) || !Array.isArray(json.y)) {
      throw new ArgumentError(`fromJSON: a bayes-ar model needs order, y, and prior/posterior with m of length order + 1 and V of size (order + 1)²`, 'json');
    }
    return new FittedBayesAR({
      order: json.order,
      y: Float64Array.from(json.y),
      names: json.names.slice(),
      prior: copyNIG(json.prior),
      posterior: copyNIG(json.posterior),
      nobs: json.nobs,
      logMarginalLikelihood: json.logMarginalLikelihood,
      seed: json.seed,
      draws: json.draws,
    });
  }
}

/** Restores a {@link FittedBayesAR} from its JSON (same as `FittedBayesAR.fromJSON`). */
export function bayesARFromJSON(json: BayesARJSON): FittedBayesAR {
  return FittedBayesAR.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Posterior algebra

/** The conjugate update of {@link fitBayesAR} for a design X (rows x_t) and target y. */
function nigPosterior(X: Matrix, y: Float64Array, prior: BayesARNIG): { posterior: BayesARNIG; logMarginalLikelihood: number } {
  const n = y.length, k = prior.m.length;
  const V0inv = invertSPD(prior.V);
  // Precision Λn = V0⁻¹ + X'X and right-hand side V0⁻¹m0 + X'y.
  const prec = V0inv.map((r) => r.slice());
  const rhs = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) rhs[i] += V0inv[i][j] * prior.m[j];
  for (let t = 0; t < n; t++) {
    const x = X[t];
    for (let i = 0; i < k; i++) {
      rhs[i] += x[i] * y[t];
      for (let j = 0; j < k; j++) prec[i][j] += x[i] * x[j];
    }
  }
  const Vn = invertSPD(prec);
  const mn = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) mn[i] += Vn[i][j] * rhs[j];
  // bn = b0 + ½(‖y − X mn‖² + (mn − m0)'V0⁻¹(mn − m0)), algebraically equal to the textbook form.
  let ssr = 0;
  for (let t = 0; t < n; t++) {
    let e = y[t];
    for (let i = 0; i < k; i++) e -= X[t][i] * mn[i];
    ssr += e * e;
  }
  let pen = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) pen += (mn[i] - prior.m[i]) * V0inv[i][j] * (mn[j] - prior.m[j]);
  const an = prior.a + n / 2;
  const bn = prior.b + 0.5 * (ssr + pen);
  // log|Vn| = −log|Λn|.
  const logDetVn = -logDetSPD(prec);
  const logDetV0 = logDetSPD(prior.V);
  const lml = -0.5 * n * LOG2PI + 0.5 * (logDetVn - logDetV0) + prior.a * Math.log(prior.b) - an * Math.log(bn) + logGamma(an) - logGamma(prior.a);
  return { posterior: { m: mn, V: symmetrise(Vn), a: an, b: bn }, logMarginalLikelihood: lml };
}

function symmetrise(a: Matrix): Matrix {
  return a.map((r, i) => r.map((v, j) => 0.5 * (v + a[j][i])));
}


// ---------------------------------------------------------------------------------------------
// Input handling

/** Design rows [1, y_{t−1}, …, y_{t−p}] and targets y_t for t = holdBack+1..n (1-based). */
function design(y: Float64Array, p: number, holdBack: number): { X: Matrix; target: Float64Array } {
  const n = y.length;
  const X: Matrix = [];
  for (let t = holdBack; t < n; t++) {
    const row = [1];
    for (let i = 1; i <= p; i++) row.push(y[t - i]);
    X.push(row);
  }
  return { X, target: y.slice(holdBack) };
}

function coefNames(p: number): string[] {
  const names = ['const'];
  for (let i = 1; i <= p; i++) names.push(`y.L${i}`);
  return names;
}

function checkSeries(y: ArrayLike<number>): Float64Array {
  const data = checkCompleteSeries(y, 'the Bayesian AR conditions on a complete series');
  const [lo, hi] = extent(data);
  checkMagnitude(lo, hi, 'y', 'a Bayesian AR model');
  return data;
}

/** p must be an integer ≥ 0 with at least p + 2 observations (two in the likelihood). */
function checkOrder(order: number, n: number, argument = 'order'): number {
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) {
    throw new ArgumentError(`${argument} must be a non-negative integer; got ${String(order)}`, argument);
  }
  if (n < order + 2) {
    throw new DataError(`y is too short for a Bayesian AR(${order}): it needs at least ${argument} + 2 = ${order + 2} observations; got ${n}`, 'y');
  }
  return order;
}

function checkPositive(v: number, argument: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new ArgumentError(`${argument} must be a positive finite number (an improper prior has no marginal likelihood); got ${String(v)}`, argument);
  }
  return v;
}

/** A prior's keys are among `keys` (a misspelt one would silently leave its default in place). */
function checkPriorKeys(prior: object | undefined, keys: readonly string[]): void {
  if (prior === undefined) return;
  const bad = Object.keys(prior).find((key) => !keys.includes(key));
  if (bad !== undefined) throw new ArgumentError(`prior has no field '${bad}'; its fields are ${keys.join(', ')}`, `prior.${bad}`);
}

/** Fills the defaults and checks the prior: dimensions, finiteness, symmetry, positive definiteness, a0, b0 > 0. */
function resolvePrior(prior: BayesARPrior | undefined, y: Float64Array, p: number): BayesARNIG {
  const k = p + 1;
  const def = defaultBayesARPrior(y, p);
  if (prior !== undefined && (prior === null || typeof prior !== 'object' || Array.isArray(prior))) throw new ArgumentError('prior must be an object { m0, V0, a0, b0 }', 'prior');
  checkPriorKeys(prior, ['m0', 'V0', 'a0', 'b0']);
  const pr = prior ?? {};
  let m = def.m;
  if (pr.m0 !== undefined) {
    if (!Array.isArray(pr.m0 as unknown) || pr.m0.length !== k) {
      throw new ArgumentError(`prior.m0 must have order + 1 = ${k} entries (const, y.L1..y.L${p}); got ${Array.isArray(pr.m0) ? pr.m0.length : String(pr.m0)}`, 'prior.m0');
    }
    if (!pr.m0.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new ArgumentError('prior.m0 must hold finite numbers', 'prior.m0');
    m = pr.m0.slice();
  }
  let V = def.V;
  if (pr.V0 !== undefined) {
    if (typeof pr.V0 === 'number') {
      if (!(pr.V0 > 0) || !Number.isFinite(pr.V0)) throw new ArgumentError(`prior.V0 as a number means V0·I and must be positive and finite; got ${pr.V0}`, 'prior.V0');
      const v0 = pr.V0;
      V = identity(k).map((r) => r.map((x) => v0 * x));
    } else {
      const V0 = pr.V0;
      if (!Array.isArray(V0 as unknown) || V0.length !== k || !V0.every((r) => Array.isArray(r as unknown) && r.length === k)) {
        throw new ArgumentError(`prior.V0 must be a ${k}×${k} matrix (order + 1 rows and columns)`, 'prior.V0');
      }
      if (!V0.every((r) => r.every((v) => typeof v === 'number' && Number.isFinite(v)))) throw new ArgumentError('prior.V0 must hold finite numbers', 'prior.V0');
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < i; j++) {
          if (Math.abs(V0[i][j] - V0[j][i]) > 1e-10 * Math.max(1, Math.abs(V0[i][j]), Math.abs(V0[j][i]))) {
            throw new ArgumentError(`prior.V0 must be symmetric; V0[${i}][${j}] = ${V0[i][j]} but V0[${j}][${i}] = ${V0[j][i]}`, 'prior.V0');
          }
        }
      }
      V = V0.map((r) => r.slice());
      try {
        cholesky(V);
      } catch (e) {
        if (e instanceof SingularMatrixError) throw new ArgumentError('prior.V0 must be positive definite (a proper prior); it is not', 'prior.V0');
        throw e;
      }
    }
  }
  const a = checkPositive(pr.a0 ?? def.a, 'prior.a0');
  const b = checkPositive(pr.b0 ?? def.b, 'prior.b0');
  return { m, V, a, b };
}





function copyMatrix(a: readonly (readonly number[])[]): number[][] {
  return a.map((r) => r.slice());
}

function copyNIG(q: BayesARNIG): BayesARNIG {
  return { m: q.m.slice(), V: copyMatrix(q.V), a: q.a, b: q.b };
}

// ---------------------------------------------------------------------------------------------
// Registry entry

/** The options schema of {@link fitBayesAR} (see {@link BayesAROptions}). */
export const bayesAROptionsSchema = z.strictObject({
  order: z.number().int().min(0).describe('autoregressive order p').meta({ cli: { value: 'p' } }),
  prior: z.strictObject({
    m0: z.array(z.number()).optional(),
    V0: z.union([z.number().positive(), z.array(z.array(z.number()))]).optional(),
    a0: z.number().positive().optional(),
    b0: z.number().positive().optional(),
  }).refine((o) => Object.keys(o).length > 0, 'the prior sets no field: give at least one of m0, V0, a0, b0, or leave the prior out for the defaults')
    .optional().describe('prior {m0, V0, a0, b0}: beta | s2 ~ N(m0, s2 V0), s2 ~ IG(a0, b0) (default: m0 = 0, V0 = 100 I, a0 = 1, b0 = 0.01 var(y))')
    .meta({ cli: { flag: '--prior-json', jsonFile: true } }),
  seed: z.number().int().min(0).default(0).describe('seed of the Monte Carlo forecasts'),
  draws: z.number().int().min(1).default(10000).describe('Monte Carlo draws of forecast()'),
});

/** Registry entry of {@link fitBayesAR}. */
export const bayesArEntry: SeriesModelEntry<z.output<typeof bayesAROptionsSchema>, FittedBayesAR> = {
  name: 'bayes-ar',
  shape: 'series',
  description: 'Bayesian AR(p) with the conjugate Normal-Inverse-Gamma prior; Monte Carlo predictive',
  producesKind: 'bayes-ar',
  options: bayesAROptionsSchema,
  fit: (y, options) => fitBayesAR(y, options),
  fromJSON: (json) => FittedBayesAR.fromJSON(json as BayesARJSON),
  report: (fit) => ({ ...fit.report() }),
  backtestOptions: ({ seed }) => ({ order: 2, draws: 4000, ...(seed !== undefined ? { seed } : {}) }),
  example: { dataset: 'lynx', transform: 'log10', options: bayesAROptionsSchema.parse({ order: 2, draws: 4000 }) },
};
