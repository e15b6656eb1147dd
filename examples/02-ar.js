// AR(p): conditional least squares, Yule-Walker, Burg and exact ML, and lag-order selection.
import { fitAR, selectAROrder, readTable, numericColumn, applyTransform, createRng } from 'ardiff';

const y = applyTransform(numericColumn(readTable('lynx'), 'lynx'), 'log10');
for (const method of ['ols', 'yule-walker', 'burg', 'mle']) {
  const fit = fitAR(y, { order: 2, method });
  console.log(method.padEnd(12), fit.ar.map((v) => v.toFixed(4)).join('  '), 'sigma2', fit.sigma2.toFixed(5));
}
const sel = selectAROrder(y, { maxLag: 10, ic: 'bic' });
console.log('BIC selects p =', sel.selected);
const paths = sel.model.sample(5, { paths: 3, rng: createRng(1) });
for (const p of paths) console.log('seeded sample path:', Array.from(p, (v) => v.toFixed(2)).join(' '));
