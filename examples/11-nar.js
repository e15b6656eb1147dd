// Sigmoid neural-network autoregression NAR(2) with 3 hidden units on log10(lynx), seeded.
import { fitNAR, fitAR, readTable, numericColumn, applyTransform } from 'ardiff';

const y = applyTransform(numericColumn(readTable('lynx'), 'lynx'), 'log10');
const nar = fitNAR(y, { order: 2, hidden: 3, seed: 1 });
const ar = fitAR(y, { order: 2 });
console.log(`NAR SSR ${nar.ssr.toFixed(4)} vs linear AR(2) SSR ${(ar.sigma2 * ar.nobs).toFixed(4)}; AIC ${nar.aic.toFixed(2)}`);
console.log('skeleton forecast:', Array.from(nar.skeleton(6), (v) => v.toFixed(3)).join(' '));
const fc = nar.forecast(6);
console.log('simulated 80% interval at h = 6:', fc.interval(80).lower[5].toFixed(3), '..', fc.interval(80).upper[5].toFixed(3));
