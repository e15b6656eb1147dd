// Sparse VAR(2) by LASSO on US growth rates, λ chosen per equation by BIC; the Granger graph.
import { fitLassoVAR, readTable, numericColumn } from 'ardiff';

const t = readTable('macrodata');
const data = Object.fromEntries(['realgdp', 'realcons', 'realinv', 'realgovt', 'cpi'].map((c) => [c, numericColumn(t, c)]));
const fit = fitLassoVAR(data, { lags: 2, transform: 'dlog', select: 'bic' });
console.log('lambda per equation:', JSON.stringify(fit.report().lambda));
console.log('Granger edges:', fit.granger().map((e) => `${e.causing} -> ${e.caused}`).join(', ') || '(none)');
