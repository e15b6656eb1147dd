// Automatic order selection (Hyndman-Khandakar, as R forecast::auto.arima) on three series.
import { fitAutoARIMA, readTable, numericColumn, applyTransform } from 'ardiff';

for (const [name, column, period, transform] of [['nile', 'Nile', 1, 'none'], ['www-usage', 'WWWusage', 1, 'none'], ['uk-gas', 'UKgas', 4, 'log']]) {
  const y = applyTransform(numericColumn(readTable(name), column), transform);
  const fit = fitAutoARIMA(y, { period });
  const [p, d, q] = fit.params.order;
  const [P, D, Q, s] = fit.params.seasonalOrder;
  const constant = fit.paramNames.includes('drift') ? ' with drift' : fit.paramNames.includes('const') ? ' with mean' : '';
  const label = `ARIMA(${p},${d},${q})` + (s ? `(${P},${D},${Q})[${s}]` : '') + constant;
  console.log(`${name.padEnd(10)} ${label.padEnd(34)} AICc ${fit.aicc.toFixed(2)}  ${fit.selection.tried.length} models tried`);
}
