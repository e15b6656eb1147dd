/**
 * The forecast contract shared by every model (after GluonTS / statsforecast): a forecast is an
 * object with `mean()`, `quantile(q)`, `interval(level)` and, for sample-based forecasts, the
 * paths themselves. Classical models return closed-form {@link GaussianForecast}s; simulation and
 * neural models return {@link SampleForecast}s.
 */
import { ArgumentError } from './errors.js';
import { normalQuantile } from './distributions.js';

/** A prediction interval at a nominal coverage `level` (per cent, e.g. 95). */
export interface Interval {
  readonly level: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Plain-JSON view of a forecast (what the CLI prints with --json). */
export interface ForecastJSON {
  mean: number[];
  se?: number[];
  lower: number[][];
  upper: number[][];
  level: number[];
}

export interface Forecast {
  /** Number of steps ahead. */
  readonly horizon: number;
  /** Point forecast (the predictive mean) per step. */
  mean(): Float64Array;
  /** Predictive quantile at probability q ∈ (0, 1) per step. */
  quantile(q: number): Float64Array;
  /** Central prediction interval at `level` per cent. */
  interval(level: number): Interval;
  /** Mean, intervals at `levels` (default 80 and 95) and, when known, standard errors. */
  toJSON(levels?: readonly number[]): ForecastJSON;
}

/** Checks a confidence level given in per cent. */
export function checkLevel(level: number, argument = 'level'): number {
  if (!Number.isFinite(level) || level <= 0 || level >= 100) {
    throw new ArgumentError(`${argument} must be a percentage strictly between 0 and 100; got ${level}`, argument);
  }
  return level;
}

function checkProb(q: number): void {
  if (!(q > 0 && q < 1)) throw new ArgumentError(`quantile probability must lie in (0, 1); got ${q}`, 'q');
}

/** A forecast's intervals and JSON from its mean and quantiles (subclass it for a new predictive law). */
export abstract class BaseForecast implements Forecast {
  abstract readonly horizon: number;
  abstract mean(): Float64Array;
  abstract quantile(q: number): Float64Array;
  interval(level: number): Interval {
    checkLevel(level);
    const a = (1 - level / 100) / 2;
    return { level, lower: this.quantile(a), upper: this.quantile(1 - a) };
  }
  toJSON(levels: readonly number[] = DEFAULT_JSON_LEVELS): ForecastJSON {
    levels = jsonLevels(levels);
    const ints = levels.map((l) => this.interval(l));
    return {
      mean: Array.from(this.mean()),
      lower: ints.map((i) => Array.from(i.lower)),
      upper: ints.map((i) => Array.from(i.upper)),
      level: levels.slice(),
    };
  }
}

/**
 * Gaussian predictive distribution per step: mean ± z·se. Optionally on a transformed scale:
 * `inverse` maps the log/log10 scale back (quantiles transform exactly; the mean is reported on
 * the model's scale unless the caller back-transforms).
 */
export class GaussianForecast extends BaseForecast {
  readonly horizon: number;
  private readonly mu: Float64Array;
  /** Standard error of each step's prediction. */
  readonly se: Float64Array;
  constructor(mean: ArrayLike<number>, se: ArrayLike<number>) {
    super();
    if (mean.length !== se.length) throw new ArgumentError('GaussianForecast: mean and se must have equal length', 'se');
    this.mu = Float64Array.from(mean);
    this.se = Float64Array.from(se);
    this.horizon = this.mu.length;
  }
  mean(): Float64Array {
    return this.mu.slice();
  }
  quantile(q: number): Float64Array {
    checkProb(q);
    const z = normalQuantile(q);
    return this.mu.map((m, i) => m + z * this.se[i]);
  }
  override toJSON(levels: readonly number[] = DEFAULT_JSON_LEVELS): ForecastJSON {
    return { ...super.toJSON(levels), se: Array.from(this.se) };
  }
}

/**
 * Forecast from simulated sample paths (`paths[i][h]`). Quantiles use linear interpolation
 * between order statistics (Hyndman & Fan 1996 type 7, the R and NumPy default).
 */
export class SampleForecast extends BaseForecast {
  readonly horizon: number;
  readonly paths: readonly Float64Array[];
  private sorted: Float64Array[] | undefined;
  constructor(paths: readonly Float64Array[]) {
    super();
    if (!paths.length) throw new ArgumentError('SampleForecast needs at least one path', 'paths');
    this.paths = paths;
    this.horizon = paths[0].length;
  }
  mean(): Float64Array {
    const m = new Float64Array(this.horizon);
    for (const p of this.paths) for (let h = 0; h < this.horizon; h++) m[h] += p[h];
    for (let h = 0; h < this.horizon; h++) m[h] /= this.paths.length;
    return m;
  }
  quantile(q: number): Float64Array {
    checkProb(q);
    if (!this.sorted) {
      this.sorted = [];
      for (let h = 0; h < this.horizon; h++) {
        this.sorted.push(Float64Array.from(this.paths, (p) => p[h]).sort());
      }
    }
    return Float64Array.from(this.sorted, (col) => quantileSorted(col, q));
  }
}

/** The interval levels of a forecast's JSON when none are given. */
export const DEFAULT_JSON_LEVELS: readonly number[] = [80, 95];

/**
 * The levels argument of a forecast's `toJSON`: an array of levels, or the defaults for anything
 * else — `JSON.stringify(forecast)` calls `toJSON(key)` with a string key.
 */
export function jsonLevels(levels: unknown): readonly number[] {
  return Array.isArray(levels) ? (levels as number[]) : DEFAULT_JSON_LEVELS;
}

/** Type-7 quantile of sorted data. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
