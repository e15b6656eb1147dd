// VAR(2) on US growth rates: lag selection, Granger causality, impulse responses, FEVD,
// forecasts, a recursive structural VAR, and the two charts (written to out/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fitVAR, irfChartSvg, grangerGraphSvg, readTable, numericColumn, createRng } from 'ardiff';

const t = readTable('macrodata');
const names = ['realgdp', 'realcons', 'realinv'];
// Growth rates: first differences of logs.
const data = Object.fromEntries(names.map((n) => {
  const x = numericColumn(t, n).map(Math.log);
  return [n, x.subarray(1).map((v, i) => v - x[i])];
}));
const fit = fitVAR(data, { maxLags: 8, ic: 'aic' });
console.log(`AIC selects p = ${fit.lags}; stable: ${fit.isStable()}`);
const fit2 = fitVAR(data, { lags: 2 });
for (const g of fit2.grangerPairs('f')) {
  if (g.pValue < 0.05) console.log(`${g.causing[0]} Granger-causes ${g.caused[0]}: F = ${g.statistic.toFixed(2)}, p = ${g.pValue.toExponential(2)}`);
}
const irf = fit2.irf(10);
console.log('orthogonalised response of realinv to a realgdp shock, h = 0..4:', irf.orthogonalized.slice(0, 5).map((m) => m[2][0].toFixed(4)).join(' '));
const bands = fit2.irfBootstrap(10, { reps: 200, rng: createRng(1), level: 95 });
const ob = bands.orthogonalized;
console.log('95% bootstrap band at h = 1:', ob.lower[1][2][0].toFixed(4), '..', ob.upper[1][2][0].toFixed(4));
console.log('FEVD of realinv at h = 9:', fit2.fevd(10)[9][2].map((v) => v.toFixed(3)).join(' '));
console.log('forecast of realgdp growth:', fit2.forecast(4).column('realgdp').mean().map((v) => v.toFixed(4)).join(' '));
mkdirSync('out', { recursive: true });
writeFileSync('out/var-irf.svg', await irfChartSvg({ title: 'VAR(2) orthogonalised impulse responses, 95% bootstrap bands', names, irf: irf.orthogonalized, lower: ob.lower, upper: ob.upper }));
const edges = fit2.grangerPairs('f').filter((g) => g.pValue < 0.05).map((g) => ({ causing: g.causing[0], caused: g.caused[0], p: g.pValue }));
writeFileSync('out/var-granger.svg', await grangerGraphSvg(names, edges, 'Granger causality, F test p < 0.05'));
console.log('charts written to out/var-irf.svg and out/var-granger.svg');
