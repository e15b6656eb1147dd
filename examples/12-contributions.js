// What drives a forecast: per-lag contributions of an AR(2) forecast and per-variable parts of a
// VAR(2) forecast. The parts add up to the point forecast.
import { fitAR, fitVAR, forecastContributions, readTable, numericColumn, applyTransform } from 'ardiff';

const y = applyTransform(numericColumn(readTable('lynx'), 'lynx'), 'log10');
const ar = forecastContributions(fitAR(y, { order: 2 }), 3);
for (const p of ar.parts) console.log(p.name.padEnd(10), p.values.map((v) => v.toFixed(4)).join('  '));
console.log('total'.padEnd(10), ar.total.map((v) => v.toFixed(4)).join('  '));

const t = readTable('macrodata');
const data = Object.fromEntries(['realgdp', 'realcons', 'realinv'].map((n) => {
  const x = numericColumn(t, n).map(Math.log);
  return [n, x.subarray(1).map((v, i) => v - x[i])];
}));
const v = forecastContributions(fitVAR(data, { lags: 2 }), 2);
console.log('\nrealinv growth forecast by source:');
for (const p of v.byVariable.realinv) console.log(p.name.padEnd(24), p.values.map((x) => x.toFixed(5)).join('  '));
