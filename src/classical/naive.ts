/**
 * Naive and seasonal naive forecasts, as R forecast's `naive` / `snaive` (Hyndman &
 * Athanasopoulos, "Forecasting: Principles and Practice", §5.2; forecast:::lagwalk):
 *
 *   ŷ_{T+h} = y_{T+h−m·k},  k = ⌊(h − 1)/m⌋ + 1,
 *
 * with lag m = 1 (naive, the random walk) or the seasonal period m (seasonal naive). The model is
 * the (seasonal) random walk y_t = y_{t−m} + ε_t, ε_t ~ N(0, σ²); σ² is the mean of the squared
 * in-sample residuals e_t = y_t − y_{t−m} over the residuals present (not centred, no degrees-of-
 * freedom correction: R's `sigma2`), and the h-step standard error is
 *
 *   se_h = σ·√k   (seasonal naive, k = ⌊(h − 1)/m⌋ + 1;  naive: σ·√h).
 *
 * Intervals are Gaussian (mean ± z·se). Missing values follow R: where y_{t−m} is missing the
 * value one season earlier is used (filled forwards season by season), both for the fitted
 * values and for the last season that the forecasts repeat. Sample paths simulate the seasonal
 * random walk with N(0, σ²) shocks, so their spread is se_h.
 *
 * @example
 * const fit = fitSeasonalNaive(y, { period: 12 });
 * fit.forecast(24).interval(95); fit.sample(24, { paths: 1000, rng: createRng(1) });
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { GaussianForecast } from '../core/forecast.js';
import type { Forecaster, ForecastOptions, SampleOptions } from '../core/model.js';
import { fmt, keyValueBlock, rule } from '../core/format.js';
import { ljungBox } from '../core/stats.js';
import { checkHorizon, checkNoExog, checkPaths, checkRng, checkModelJSON, MODEL_JSON_VERSION, checkForecastFinite } from '../core/validate.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';

/** Options of {@link fitNaive}: none (the lag is 1). */
export type NaiveOptions = Record<string, never>;

/** Options of {@link fitSeasonalNaive}. */
export interface SeasonalNaiveOptions {
  /** Seasonal period m (integer ≥ 1; 12 for monthly, 4 for quarterly data; 1 gives the naive forecast). */
  period: number;
}

/** Plain-JSON form of a {@link FittedNaive}; missing values are null. */
export interface NaiveJSON {
  kind: 'naive' | 'seasonal-naive';
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  period: number;
  y: (number | null)[];
}

function checkSeries(y: ArrayLike<number>): Float64Array {
  if (!y || typeof y.length !== 'number') throw new DataError('y must be an array of numbers', 'y');
  const out = Float64Array.from(y as ArrayLike<number>, (v) => (v === null ? NaN : Number(v)));
  out.forEach((v, i) => {
    if (!Number.isNaN(v) && !Number.isFinite(v)) throw new DataError(`y has a non-finite value (${v}) at row ${i + 1}; remove or replace it`, 'y');
  });
  return out;
}

/** Fits the naive (random walk) forecast of R forecast's `naive`: ŷ_{T+h} = y_T, se_h = σ√h. */
export function fitNaive(y: ArrayLike<number>, _options: NaiveOptions = {}): FittedNaive {
  return new FittedNaive('naive', checkSeries(y), 1);
}

/**
 * Fits the seasonal naive forecast of R forecast's `snaive` with period m: ŷ_{T+h} = the value of
 * the same season in the last observed year, se_h = σ√(⌊(h − 1)/m⌋ + 1).
 */
export function fitSeasonalNaive(y: ArrayLike<number>, options: SeasonalNaiveOptions): FittedNaive {
  const period = options?.period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
    throw new ArgumentError(`period must be a positive integer (the seasonal period: 12 for monthly, 4 for quarterly data); got ${String(period)}`, 'period');
  }
  return new FittedNaive('seasonal-naive', checkSeries(y), period);
}

/** A fitted naive or seasonal naive forecaster (see the module notes). */
export class FittedNaive implements Forecaster {
  readonly kind: 'naive' | 'seasonal-naive';
  /** The lag m: 1 for naive, the seasonal period for seasonal naive. */
  readonly period: number;
  /** The data (missing values NaN). */
  readonly y: Float64Array;
  /** In-sample (seasonal) naive fitted values ŷ_t = y_{t−m} (NaN for the first m). */
  readonly fittedValues: Float64Array;
  /** Residuals y_t − ŷ_t (NaN where either is missing). */
  readonly resid: Float64Array;
  /** The last season that the forecasts repeat (length m). */
  readonly lastSeason: Float64Array;
  /** σ² = mean of the squared residuals present (R's `sigma2`). */
  readonly sigma2: number;
  /** Number of residuals present (the observations σ² averages over). */
  readonly nobs: number;

  constructor(kind: 'naive' | 'seasonal-naive', y: Float64Array, period: number) {
    this.kind = kind;
    this.period = period;
    this.y = y;
    const n = y.length, m = period;
    if (n <= m) {
      throw new DataError(`the ${this.label()} forecast needs more than ${m} observation${m > 1 ? 's' : ''} (one residual at least); got ${n}`, 'y');
    }
    // forecast:::lagwalk: fill a missing value with the value one lag earlier (t > m only)
    const filled = Float64Array.from(y);
    for (let t = m; t < n; t++) if (Number.isNaN(filled[t])) filled[t] = filled[t - m];
    this.fittedValues = new Float64Array(n).fill(NaN);
    for (let t = m; t < n; t++) this.fittedValues[t] = filled[t - m];
    this.resid = y.map((v, t) => v - this.fittedValues[t]);
    let ss = 0, k = 0;
    for (const e of this.resid) {
      if (Number.isNaN(e)) continue;
      ss += e * e;
      k++;
    }
    if (k === 0) throw new DataError(`the ${this.label()} forecast has no residual: every pair of values ${m} step(s) apart has a missing value`, 'y');
    this.sigma2 = ss / k;
    this.nobs = k;
    this.lastSeason = filled.slice(n - m);
    const gap = this.lastSeason.findIndex((v) => Number.isNaN(v));
    if (gap >= 0) {
      throw new DataError(`the last ${m > 1 ? 'season' : 'value'} of y is missing (observation ${n - m + gap + 1}) and cannot be filled from an earlier one; drop the trailing missing values`, 'y');
    }
  }

  /** The same model on another history `y` (for the naive forecasts, that is a refit; no parameters carry over). */
  apply(y: ArrayLike<number>): FittedNaive {
    if (!y || typeof y.length !== 'number') throw new DataError('apply needs y, an array of numbers', 'y');
    return new FittedNaive(this.kind, Float64Array.from(y), this.period);
  }

  /** @deprecated renamed {@link FittedNaive.fittedValues} (statsmodels' names); kept for one release. */
  get fitted(): Float64Array {
    return this.fittedValues;
  }

  /** @deprecated renamed {@link FittedNaive.resid} (statsmodels' names); kept for one release. */
  get residuals(): Float64Array {
    return this.resid;
  }

  private label(): string {
    return this.kind === 'naive' ? 'naive' : `seasonal naive (period ${this.period})`;
  }

  /** Point forecasts ŷ_{T+h} and standard errors se_h for h = 1..horizon. */
  private meanAndSe(h: number): { mean: Float64Array; se: Float64Array } {
    const m = this.period, sigma = Math.sqrt(this.sigma2);
    const mean = new Float64Array(h), se = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      mean[i] = this.lastSeason[i % m];
      se[i] = sigma * Math.sqrt(Math.floor(i / m) + 1);
    }
    return { mean, se };
  }

  forecast(h: number, options: ForecastOptions = {}): GaussianForecast {
    checkHorizon(h);
    checkNoExog(options.exog, `a ${this.label()} model`);
    const { mean, se } = this.meanAndSe(h);
    checkForecastFinite(mean, se);
    return new GaussianForecast(mean, se);
  }

  /** Paths of the (seasonal) random walk: x_{T+h} = x_{T+h−m} + σ ε, started from the last season. */
  sample(h: number, options: SampleOptions): Float64Array[] {
    checkHorizon(h);
    checkRng(options?.rng);
    checkNoExog(options.exog, `a ${this.label()} model`);
    const paths = checkPaths(options.paths ?? 1000, h);
    const m = this.period, sigma = Math.sqrt(this.sigma2), rng = options.rng;
    const out: Float64Array[] = [];
    for (let p = 0; p < paths; p++) {
      const x = new Float64Array(h);
      for (let i = 0; i < h; i++) x[i] = (i < m ? this.lastSeason[i] : x[i - m]) + sigma * rng.normal();
      out.push(x);
    }
    return out;
  }

  /** A text summary: the model, σ², residual checks and the last season repeated by the forecasts. */
  summary(): string {
    const m = this.period;
    const res = Array.from(this.resid).filter((e) => !Number.isNaN(e));
    const mae = res.reduce((s, e) => s + Math.abs(e), 0) / res.length;
    const me = res.reduce((s, e) => s + e, 0) / res.length;
    const lags = Math.min(m > 1 ? 2 * m : 10, Math.floor(res.length / 5));
    const lb = lags >= 1 && this.sigma2 > 0 ? ljungBox(res, lags) : undefined;
    const missing = this.y.reduce((c, v) => c + (Number.isNaN(v) ? 1 : 0), 0);
    const head = keyValueBlock(
      [
        ['Dep. Variable:', 'y'],
        ['Model:', this.kind === 'naive' ? 'Naive (random walk)' : `Seasonal naive [${m}]`],
        ['Method:', this.kind === 'naive' ? 'R forecast::naive' : 'R forecast::snaive'],
        ['Sample:', `1..${this.y.length}`],
        ['Missing values:', String(missing)],
      ],
      [
        ['No. Observations:', String(this.y.length)],
        ['Residuals used:', String(this.nobs)],
        ['sigma2', fmt(this.sigma2)],
        ['Residual ME', fmt(me)],
        ['Residual MAE', fmt(mae)],
      ],
    );
    const shown = Array.from(this.lastSeason.slice(-Math.min(m, 12)), (v) => fmt(v));
    return [
      `                       ${this.kind === 'naive' ? 'Naive' : 'Seasonal Naive'} Forecast Results`,
      rule(), head, rule(),
      `Forecast origin (last ${m > 1 ? `season, ${m} values` : 'value'}): ${shown.join(' ')}${m > 12 ? ' (last 12 shown)' : ''}`,
      lb ? `Ljung-Box Q(${lags}) of the residuals: ${fmt(lb.statistic)}, p = ${lb.pValue.toFixed(4)}` : 'Ljung-Box test: too few residuals',
      rule(),
      m > 1
        ? `y(T+h) = y(T+h-${m}k), k = floor((h-1)/${m}) + 1; se(h) = sigma sqrt(k); sigma2 = mean of squared in-sample residuals y(t) - y(t-${m}).`
        : 'y(T+h) = y(T); se(h) = sigma sqrt(h); sigma2 = mean of squared in-sample residuals y(t) - y(t-1).',
    ].join('\n');
  }

  /** Plain JSON; {@link FittedNaive.fromJSON} restores an equal model. */
  toJSON(): NaiveJSON {
    return { kind: this.kind, version: MODEL_JSON_VERSION, period: this.period, y: Array.from(this.y, (v) => (Number.isNaN(v) ? null : v)) };
  }

  /** Restores a model saved with {@link FittedNaive.toJSON}. */
  static fromJSON(json: NaiveJSON): FittedNaive {
    if (!json || (json.kind !== 'naive' && json.kind !== 'seasonal-naive')) {
      throw new ArgumentError(`fromJSON: expected kind 'naive' or 'seasonal-naive'; got '${String((json as { kind?: unknown })?.kind)}'`, 'json');
    }
    checkModelJSON(json, json.kind);
    if (!Array.isArray(json.y) || !Number.isInteger(json.period) || json.period < 1 || (json.kind === 'naive' && json.period !== 1)) {
      throw new ArgumentError('fromJSON: a naive model needs y (array) and period (integer ≥ 1; 1 for naive)', 'json');
    }
    return new FittedNaive(json.kind, Float64Array.from(json.y, (v) => (v === null ? NaN : v)), json.period);
  }
}

/** Restores a {@link FittedNaive} from its JSON (same as `FittedNaive.fromJSON`). */
export function naiveFromJSON(json: NaiveJSON): FittedNaive {
  return FittedNaive.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------
// Registry entries

/** Options schema of {@link fitNaive}: none. */
export const naiveOptionsSchema = z.strictObject({});

/** Options schema of {@link fitSeasonalNaive}. */
export const seasonalNaiveOptionsSchema = z.strictObject({
  period: z.number().int().min(1).describe('seasonal period m (12 monthly, 4 quarterly; the CLI uses the data set\'s period)')
    .meta({ cli: { flag: '--seasonal-period', fromDataFrequency: true } }),
});

const naiveReport = (fit: FittedNaive): Record<string, unknown> => ({ period: fit.period, sigma2: fit.sigma2, nobs: fit.nobs });

/** Registry entry of {@link fitNaive}. */
export const naiveEntry: SeriesModelEntry<z.output<typeof naiveOptionsSchema>, FittedNaive> = {
  name: 'naive',
  shape: 'series',
  description: 'naive (random walk) forecast as R forecast::naive; sigma from the in-sample one-step naive residuals',
  producesKind: 'naive',
  options: naiveOptionsSchema,
  fit: (y) => fitNaive(y),
  fromJSON: (json) => FittedNaive.fromJSON(json as NaiveJSON),
  report: naiveReport,
  backtestOptions: () => ({}),
  example: { dataset: 'nile', options: {} },
};

/** Registry entry of {@link fitSeasonalNaive}. */
export const seasonalNaiveEntry: SeriesModelEntry<z.output<typeof seasonalNaiveOptionsSchema>, FittedNaive> = {
  name: 'seasonal-naive',
  shape: 'series',
  description: 'seasonal naive forecast as R forecast::snaive; se_h = sigma sqrt(floor((h-1)/m) + 1)',
  producesKind: 'seasonal-naive',
  options: seasonalNaiveOptionsSchema,
  fit: (y, options) => fitSeasonalNaive(y, options),
  fromJSON: (json) => FittedNaive.fromJSON(json as NaiveJSON),
  report: naiveReport,
  defaultHorizon: (fit) => (fit.period > 1 ? 2 * fit.period : 10),
  backtestOptions: ({ seasonalPeriod }) => ({ period: seasonalPeriod }),
  example: { dataset: 'air-passengers', transform: 'log', options: { period: 12 } },
};
