// The airline model SARIMA(0,1,1)(0,1,1)12 on log(AirPassengers): exact ML, forecasts, paths.
import { fitARIMA, readTable, numericColumn, applyTransform, createRng } from 'ardiff';

const y = applyTransform(numericColumn(readTable('air-passengers'), 'AirPassengers'), 'log');
const fit = fitARIMA(y, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } });
console.log(fit.summary());
const fc = fit.forecast(12);
const i95 = fc.interval(95);
console.log('h  mean(log)  lower95  upper95');
fc.mean().forEach((m, h) => console.log(h + 1, m.toFixed(4), i95.lower[h].toFixed(4), i95.upper[h].toFixed(4)));
const paths = fit.sample(12, { paths: 1000, rng: createRng(2024) });
console.log('mean of 1000 paths at h=12:', (paths.reduce((s, p) => s + p[11], 0) / paths.length).toFixed(4));
const saved = JSON.stringify(fit.toJSON());
console.log('saved model:', saved.length, 'bytes');
