// OLS with the statsmodels summary: the Longley regression (NIST StRD, condition number ~5e9).
import { fitOLS, readTable, numericColumn } from 'ardiff';

const t = readTable('longley');
const col = (name) => numericColumn(t, name);
const fit = fitOLS(col('TOTEMP'), {
  GNPDEFL: col('GNPDEFL'), GNP: col('GNP'), UNEMP: col('UNEMP'), ARMED: col('ARMED'), POP: col('POP'), YEAR: col('YEAR'),
});
console.log(fit.summary());
console.log('HC3 standard errors:', fit.robust('HC3').bse.map((v) => v.toPrecision(4)).join(', '));
