// Regression with SARIMA errors: the 1983 seat-belt law's effect on log(drivers killed or injured).
import { fitARIMA, readTable, numericColumn, applyTransform } from 'ardiff';

const t = readTable('seatbelts');
const y = applyTransform(numericColumn(t, 'drivers'), 'log');
const law = numericColumn(t, 'law');
const fit = fitARIMA(y, { order: [1, 0, 0], seasonal: { order: [0, 1, 1], period: 12 }, trend: 'n', exog: { law } });
const i = fit.paramNames.indexOf('law');
console.log(`law effect: ${fit.params[i].toFixed(4)} (se ${fit.bse[i].toFixed(4)}) -> ${(100 * (Math.exp(fit.params[i]) - 1)).toFixed(1)}% casualties`);
const fc = fit.forecast(6, { exog: { law: [1, 1, 1, 1, 1, 1] } });
console.log('next 6 months (log):', Array.from(fc.mean(), (v) => v.toFixed(3)).join(' '));
