// Hold-out backtest: the last 24 months of AirPassengers held out, naive, seasonal naive and
// auto-ARIMA fitted on the log scale and scored on the original scale (MASE, sMAPE, CRPS,
// interval coverage); then the metrics on their own.
import {
  backtest, formatBacktestTable, fitSeasonalNaive, crpsSample, crpsGaussian, mase,
  readTable, numericColumn, createRng,
} from 'ardiff';

const y = numericColumn(readTable('air-passengers'), 'AirPassengers');
const bt = await backtest(y, { models: ['naive', 'seasonal-naive', 'auto-arima'], horizon: 24, seasonalPeriod: 12, transform: 'log' });
console.log(formatBacktestTable(bt));

// The metrics directly: seasonal naive on the raw series with the last 12 months held out.
const train = y.slice(0, 132), test = y.slice(132);
const fit = fitSeasonalNaive(train, { period: 12 });
const fc = fit.forecast(12);
const paths = fit.sample(1, { paths: 1000, rng: createRng(1) }).map((p) => p[0]);
console.log(`\nseasonal naive, last 12 months: MASE ${mase(test, fc.mean(), train, 12).toFixed(3)}`);
console.log(`CRPS at h = 1: closed form ${crpsGaussian(fc.mean()[0], fc.se[0], test[0]).toFixed(3)}, from 1000 sample paths ${crpsSample(paths, test[0]).toFixed(3)}`);
