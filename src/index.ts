/**
 * ardiff — autoregressive and diffusion generative models for TypeScript.
 * This entry exports the core (errors, RNG, forecasts, CSV parsing, metrics), the model registry
 * with the root `fromJSON`, the backtest, the charts and the classical models; it is pure and
 * bundles for browsers. In Node, `ardiff` also exports the file adapters of `ardiff/node`
 * (see index.node.ts). `ardiff/classical`, `ardiff/neural` and `ardiff/diffusion` export each
 * family alone.
 */
export * from './core/errors.js';
export { createRng, type Rng, type RngState } from './core/rng.js';
export { GaussianForecast, SampleForecast, type Forecast, type Interval, type ForecastJSON } from './core/forecast.js';
export { GaussianMultiForecast, SampleMultiForecast, type MultiForecast, type MultiInterval, type MultiForecastJSON } from './core/multi-forecast.js';
export { hasEstimates, type Forecaster, type ForecastOptions, type SampleOptions, type FutureRegressors, type MultiForecaster, type MultiForecastOptions, type MultiSampleOptions, type Estimates } from './core/model.js';
export {
  optionSpecs, parseOptions, type ModelEntry, type SeriesModelEntry, type MultiSeriesModelEntry, type RegressionModelEntry, type SpatialModelEntry,
  type DataShape, type MultiSeriesData, type RegressionData, type SpatialData, type FittedRegression, type OptionSpec, type BacktestSettings,
} from './core/model-entry.js';
export { parseCsv, numericColumn, columnExpression, applyTransform, inverseTransform, transformColumns, DATASETS, findDataset, type Table, type DatasetInfo, type Transform, type ColumnsTransform } from './core/series.js';
export { decodeWav, encodeWav, SUPPORTED_WAV_FORMATS, type WavAudio, type WavSampleFormat, type WavWriteOptions } from './core/wav.js';
export { acf, acovf, ljungBox, jarqueBera, durbinWatson } from './core/stats.js';
export { mase, maseScale, smape, crpsGaussian, crpsLogNormal, crpsSample, meanCrpsSample, intervalCoverage } from './core/metrics.js';
export { ssim, ssimBatch, type SsimOptions } from './core/ssim.js';
export { backtest, backtestModelOptions, formatBacktestTable, type Backtest, type BacktestOptions, type BacktestProgress, type BacktestResult, type CrpsMethod } from './backtest.js';
export { backtestMulti, multiBacktestModelOptions, scoreWindows, formatMultiBacktestTable, type MultiBacktest, type MultiBacktestOptions, type MultiBacktestResult, type WindowScores } from './backtest-multi.js';
export * from './classical/index.js';
export * from './risk/index.js';
export { MODELS, fromJSON, fitModel, findModel, modelNames, modelsOf, type ModelJSON, type FittedModel } from './registry.js';
export { GENERATIVE_MODELS, loadModel, modelKinds, findGenerative, type GenerativeModel, type GenerativeEntry } from './generative.js';
export * from './charts/index.js';
