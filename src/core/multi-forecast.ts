/**
 * The forecast contract of models that forecast D series jointly (VAR, sparse VAR, TimeGrad), as
 * {@link Forecast} is for one series: a {@link MultiForecast} has `mean()` (h × D), marginal
 * `quantile(q)` and `interval(level)` (h × D), the column `names`, one column as a univariate
 * {@link Forecast} (`column(name)`), and `toJSON`. Closed-form models return a
 * {@link GaussianMultiForecast} (mean and one D × D covariance per step); simulation and neural
 * models return a {@link SampleMultiForecast} (sample paths, paths × h × D).
 *
 * Shapes: a step is a `Float64Array` of D values, so `mean()[s][j]` is variable j at step s + 1,
 * and a sample path is `Float64Array[]` of h steps.
 */
import { ArgumentError } from './errors.js';
import { normalQuantile } from './distributions.js';
import { checkLevel, GaussianForecast, SampleForecast, quantileSorted, jsonLevels, DEFAULT_JSON_LEVELS, type Forecast } from './forecast.js';

/** A central prediction interval per step and variable (`lower[s][j]`). */
export interface MultiInterval {
  readonly level: number;
  readonly lower: Float64Array[];
  readonly upper: Float64Array[];
}

/** Plain-JSON view of a multivariate forecast: `mean[s][j]`, `lower[l][s][j]` for level l. */
export interface MultiForecastJSON {
  names: string[];
  mean: number[][];
  /** Standard errors, for Gaussian forecasts. */
  se?: number[][];
  level: number[];
  lower: number[][][];
  upper: number[][][];
}

export interface MultiForecast {
  /** Number of steps ahead. */
  readonly horizon: number;
  /** The D column names, in the order of the values of each step. */
  readonly names: readonly string[];
  /** Predictive mean, h steps of D values. */
  mean(): Float64Array[];
  /** Marginal predictive quantile at probability q ∈ (0, 1), h × D. */
  quantile(q: number): Float64Array[];
  /** Marginal central interval at `level` per cent, h × D. */
  interval(level: number): MultiInterval;
  /** One column's marginal forecast, by name or index. */
  column(name: string | number): Forecast;
  /** Mean, intervals at `levels` (default 80 and 95) and, when known, standard errors. */
  toJSON(levels?: readonly number[]): MultiForecastJSON;
}

function checkProb(q: number): void {
  if (!(q > 0 && q < 1)) throw new ArgumentError(`quantile probability must lie in (0, 1); got ${q}`, 'q');
}

const toRows = (a: readonly Float64Array[]): number[][] => a.map((r) => Array.from(r));

abstract class BaseMultiForecast implements MultiForecast {
  abstract readonly horizon: number;
  readonly names: readonly string[];
  constructor(names: readonly string[]) {
    if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
      throw new ArgumentError('a multivariate forecast needs the column names (strings), at least one', 'names');
    }
    this.names = names.slice();
  }
  abstract mean(): Float64Array[];
  abstract quantile(q: number): Float64Array[];
  abstract column(name: string | number): Forecast;
  interval(level: number): MultiInterval {
    checkLevel(level);
    const a = (1 - level / 100) / 2;
    return { level, lower: this.quantile(a), upper: this.quantile(1 - a) };
  }
  /** The index of a column given by name or index (typed error naming the known columns). */
  protected index(name: string | number): number {
    const j = typeof name === 'number' ? name : this.names.indexOf(name);
    if (!Number.isInteger(j) || j < 0 || j >= this.names.length) {
      throw new ArgumentError(`unknown column ${typeof name === 'number' ? `index ${name}` : `'${name}'`}; the forecast has ${this.names.join(', ')}`, 'name');
    }
    return j;
  }
  toJSON(levels: readonly number[] = DEFAULT_JSON_LEVELS): MultiForecastJSON {
    levels = jsonLevels(levels);
    const ints = levels.map((l) => this.interval(l));
    return {
      names: this.names.slice(),
      mean: toRows(this.mean()),
      level: levels.slice(),
      lower: ints.map((i) => toRows(i.lower)),
      upper: ints.map((i) => toRows(i.upper)),
    };
  }
}

/**
 * Gaussian predictive distribution per step: mean μ_s (D values) and covariance Σ_s (D × D), so
 * marginal quantiles are μ_sj + z_q √Σ_s[j][j]. Steps are not jointly described (a VAR's steps
 * are correlated); joint sample paths come from the model's `sample`.
 */
export class GaussianMultiForecast extends BaseMultiForecast {
  readonly horizon: number;
  private readonly mu: Float64Array[];
  /** Covariance matrix of each step's prediction error, `cov[s][i][j]`. */
  readonly cov: readonly (readonly Float64Array[])[];
  /** Standard errors `se[s][j]` = √cov[s][j][j]. */
  readonly se: Float64Array[];
  constructor(names: readonly string[], mean: readonly ArrayLike<number>[], cov: readonly (readonly ArrayLike<number>[])[]) {
    super(names);
    const D = this.names.length;
    if (mean.length !== cov.length) throw new ArgumentError(`GaussianMultiForecast: ${mean.length} mean steps but ${cov.length} covariance matrices`, 'cov');
    mean.forEach((m, s) => {
      if (m.length !== D) throw new ArgumentError(`GaussianMultiForecast: step ${s + 1} of the mean has ${m.length} values for ${D} columns`, 'mean');
      if (cov[s].length !== D || cov[s].some((r) => r.length !== D)) throw new ArgumentError(`GaussianMultiForecast: the covariance of step ${s + 1} must be ${D} × ${D}`, 'cov');
    });
    this.mu = mean.map((m) => Float64Array.from(m));
    this.cov = cov.map((m) => m.map((r) => Float64Array.from(r)));
    this.se = this.cov.map((m) => Float64Array.from(m, (r, j) => Math.sqrt(r[j])));
    this.horizon = this.mu.length;
  }
  mean(): Float64Array[] {
    return this.mu.map((r) => r.slice());
  }
  quantile(q: number): Float64Array[] {
    checkProb(q);
    const z = normalQuantile(q);
    return this.mu.map((r, s) => r.map((m, j) => m + z * this.se[s][j]));
  }
  column(name: string | number): GaussianForecast {
    const j = this.index(name);
    return new GaussianForecast(this.mu.map((r) => r[j]), this.se.map((r) => r[j]));
  }
  override toJSON(levels: readonly number[] = DEFAULT_JSON_LEVELS): MultiForecastJSON {
    return { ...super.toJSON(levels), se: toRows(this.se) };
  }
}

/**
 * Forecast from joint sample paths `paths[i][s][j]` (path i, step s, column j). Marginal quantiles
 * are type-7 (Hyndman & Fan 1996, the R and NumPy default), as {@link SampleForecast}'s.
 */
export class SampleMultiForecast extends BaseMultiForecast {
  readonly horizon: number;
  readonly paths: readonly (readonly Float64Array[])[];
  private sorted: Float64Array[][] | undefined;
  constructor(names: readonly string[], paths: readonly (readonly Float64Array[])[]) {
    super(names);
    if (!paths.length) throw new ArgumentError('SampleMultiForecast needs at least one path', 'paths');
    const h = paths[0].length, D = this.names.length;
    for (const p of paths) {
      if (p.length !== h || p.some((r) => r.length !== D)) throw new ArgumentError(`SampleMultiForecast: every path must have ${h} steps of ${D} values`, 'paths');
    }
    this.paths = paths;
    this.horizon = h;
  }
  mean(): Float64Array[] {
    const D = this.names.length, n = this.paths.length;
    const m = Array.from({ length: this.horizon }, () => new Float64Array(D));
    for (const p of this.paths) for (let s = 0; s < this.horizon; s++) for (let j = 0; j < D; j++) m[s][j] += p[s][j];
    for (const r of m) for (let j = 0; j < D; j++) r[j] /= n;
    return m;
  }
  quantile(q: number): Float64Array[] {
    checkProb(q);
    if (!this.sorted) {
      this.sorted = Array.from({ length: this.horizon }, (_, s) =>
        this.names.map((_n, j) => Float64Array.from(this.paths, (p) => p[s][j]).sort()));
    }
    return this.sorted.map((step) => Float64Array.from(step, (col) => quantileSorted(col, q)));
  }
  column(name: string | number): SampleForecast {
    const j = this.index(name);
    return new SampleForecast(this.paths.map((p) => Float64Array.from(p, (r) => r[j])));
  }
}
