// Logistic smooth-transition AR(2) on log10(lynx), transition variable y(t-2).
import { fitLSTAR, readTable, numericColumn, applyTransform, createRng } from 'ardiff';

const y = applyTransform(numericColumn(readTable('lynx'), 'lynx'), 'log10');
const fit = fitLSTAR(y, { order: 2, delay: 2 });
console.log(fit.summary());
const paths = fit.sample(6, { paths: 2000, rng: createRng(5) });
console.log('mean of 2000 simulated paths:', Array.from({ length: 6 }, (_, h) => (paths.reduce((s, p) => s + p[h], 0) / paths.length).toFixed(3)).join(' '));
