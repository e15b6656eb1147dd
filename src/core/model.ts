/**
 * The contract every forecasting model answers (after statsforecast: one interface for all).
 * Fitting is a plain function `fitX(data, options)`; the fitted object forecasts, samples,
 * summarises and serialises itself; `fromJSON` of the model restores it exactly.
 */
import type { Forecast } from './forecast.js';
import type { Rng } from './rng.js';

/** Values of future regressors by name (each of length h). */
export type FutureRegressors = Readonly<Record<string, ArrayLike<number>>>;

export interface ForecastOptions {
  /** Interval levels (per cent) for `toJSON`; intervals at any level are available from the forecast. */
  levels?: readonly number[];
  /** Future values of exogenous regressors, by name, each of length h. */
  exog?: FutureRegressors;
}

export interface SampleOptions {
  /** Number of sample paths. Default 1000. */
  paths?: number;
  /** Seeded random source (required: no hidden randomness). */
  rng: Rng;
  exog?: FutureRegressors;
}

/** A fitted model that forecasts the next values of a series. */
export interface Forecaster {
  /** Registry key of the model ('ar', 'arima', …). */
  readonly kind: string;
  /** Probabilistic forecast for steps 1..h after the data. */
  forecast(h: number, options?: ForecastOptions): Forecast;
  /** Sample paths (`paths × h`) from the predictive distribution, conditional on the data. */
  sample(h: number, options: SampleOptions): Float64Array[];
  /** Plain-text summary in the style of statsmodels. */
  summary(): string;
  /** Plain JSON that `fromJSON` of the same model turns back into an equal model. */
  toJSON(): { readonly kind: string };
}
