/**
 * ardiff — autoregressive and diffusion generative models for TypeScript.
 * This entry exports the core (errors, RNG, forecasts, data loading) and the classical models;
 * `ardiff/classical` exports the classical family alone.
 */
export * from './core/errors.js';
export { createRng, type Rng, type RngState } from './core/rng.js';
export { GaussianForecast, SampleForecast, type Forecast, type Interval, type ForecastJSON } from './core/forecast.js';
export type { Forecaster, ForecastOptions, SampleOptions, FutureRegressors } from './core/model.js';
export { readTable, parseCsv, numericColumn, columnExpression, applyTransform, DATASETS, findDataset, type Table, type DatasetInfo, type Transform } from './core/series.js';
export { readWav, writeWav, encodeWav, SUPPORTED_WAV_FORMATS, type WavAudio, type WavSampleFormat, type WavWriteOptions } from './core/wav.js';
export { imageGridPng, writeImageGrid, type ImageGridOptions } from './core/png.js';
export { acf, acovf, ljungBox, jarqueBera, durbinWatson } from './core/stats.js';
export { mase, maseScale, smape, crpsGaussian, crpsLogNormal, crpsSample, meanCrpsSample, intervalCoverage } from './core/metrics.js';
export { backtest, backtestModelOptions, formatBacktestTable, modelNames, type Backtest, type BacktestOptions, type BacktestResult, type CrpsMethod } from './core/backtest.js';
export * from './classical/index.js';
export { MODELS, fromJSON, type ModelEntry, type ModelJSON } from './registry.js';
export { fanChartSvg, type FanChartData } from './cli/fan-chart.js';
export { irfChartSvg, grangerGraphSvg, type IrfChartData, type GrangerEdge } from './cli/var-charts.js';
