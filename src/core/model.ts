/**
 * The contract every forecasting model answers (after statsforecast: one interface for all).
 * Fitting is a plain function `fitX(data, options)`; the fitted object forecasts, samples,
 * summarises and serialises itself; `fromJSON` of the model restores it exactly.
 */
import type { Forecast } from './forecast.js';
import type { MultiForecast } from './multi-forecast.js';
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
  /**
   * The fitted parameters applied to another history `y` (typically the data extended by new
   * observations): forecasts and samples then start after `y`. No refit (statsmodels' `apply`).
   */
  apply?(y: ArrayLike<number>): Forecaster;
}

/** Options of {@link MultiForecaster.forecast}. */
export interface MultiForecastOptions {
  /** Interval levels (per cent) for `toJSON`; intervals at any level are available from the forecast. */
  levels?: readonly number[];
}

/** Options of {@link MultiForecaster.sample}. */
export interface MultiSampleOptions {
  /** Number of sample paths. Default 1000. */
  paths?: number;
  /** Seeded random source (required: no hidden randomness). */
  rng: Rng;
}

/** Several aligned series: names and one column each (all of the same length). */
export interface MultiSeriesData {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

/**
 * A fitted model that forecasts D series jointly (VAR, sparse VAR, TimeGrad): the multivariate
 * counterpart of {@link Forecaster}.
 */
export interface MultiForecaster {
  /** Registry key of the model ('var', 'lasso-var', …). */
  readonly kind: string;
  /** The D column names, in the order of each step's values. */
  readonly names: readonly string[];
  /** Joint probabilistic forecast for steps 1..h after the data. */
  forecast(h: number, options?: MultiForecastOptions): MultiForecast;
  /** Joint sample paths `[path][step][column]` from the predictive distribution. */
  sample(h: number, options: MultiSampleOptions): Float64Array[][];
  /** Plain-text summary in the style of statsmodels. */
  summary(): string;
  /** Plain JSON that the root `fromJSON` turns back into an equal model. */
  toJSON(): { readonly kind: string };
  /** The fitted parameters applied to another history of the same columns (no refit); see {@link Forecaster.apply}. */
  apply?(data: MultiSeriesData): MultiForecaster;
}

/**
 * The names every fitted model with estimated parameters answers to (statsmodels' names):
 * parameter names and values, standard errors, log-likelihood, information criteria, sample size.
 * A quantity the model does not have is `undefined` (an AR fitted by Burg has no standard errors).
 */
export interface Estimates {
  /** Parameter names, in the order of {@link Estimates.params}. */
  readonly paramNames: readonly string[];
  /** Estimated parameters. */
  readonly params: ArrayLike<number>;
  /** Standard errors of {@link Estimates.params}, when the estimator gives them. */
  readonly bse: ArrayLike<number> | undefined;
  /** Maximised log-likelihood. */
  readonly llf: number | undefined;
  readonly aic: number | undefined;
  readonly bic: number | undefined;
  /** Observations used in estimation. */
  readonly nobs: number;
}

/** Whether a fitted object carries the {@link Estimates} names. */
export function hasEstimates(fit: object): fit is Estimates {
  const f = fit as Partial<Estimates>;
  return Array.isArray(f.paramNames) && f.params !== undefined && typeof f.nobs === 'number';
}
