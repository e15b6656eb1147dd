// The names of 0.1 that the naming convention (statsmodels' names; acronyms in capitals; `fitX`
// for every model) replaced still work for one release, with the same values as the new names.
import { describe, it, expect } from 'vitest';
import { fitAR } from '../src/classical/ar.js';
import { fitARIMA, fitArima, FittedARIMA, FittedArima, simulateARIMA, simulateArima } from '../src/classical/arima.js';
import { fitAutoARIMA, autoArima } from '../src/classical/auto-arima.js';
import { fitLSTAR } from '../src/classical/lstar.js';
import { fitOLS } from '../src/classical/ols.js';
import { fitLassoVAR } from '../src/classical/lasso-var.js';
import { fitVAR } from '../src/classical/var.js';
import { fitSeasonalNaive } from '../src/classical/naive.js';
import { loadColumn } from './fixtures.js';

const lynx = loadColumn('data/r_lynx.csv', 'lynx', 'log10');

describe('deprecated names of 0.1', () => {
  it('functions and classes keep their old names', () => {
    expect(fitArima).toBe(fitARIMA);
    expect(FittedArima).toBe(FittedARIMA);
    expect(simulateArima).toBe(simulateARIMA);
    expect(autoArima).toBe(fitAutoARIMA);
  });

  it('AR and LSTAR: params.names / .values / .stdErrors read the new paramNames / params / bse', () => {
    const ar = fitAR(lynx, { order: 2 });
    expect(Array.isArray(ar.params)).toBe(true);
    expect(ar.params.names).toEqual(ar.paramNames);
    expect(ar.params.values).toEqual(Array.from(ar.params));
    expect(ar.params.stdErrors).toEqual(ar.bse);
    expect(JSON.parse(JSON.stringify(ar.params))).toEqual(Array.from(ar.params));
    const lstar = fitLSTAR(lynx, { order: 2, paths: 10 });
    expect(lstar.params.values).toEqual(Array.from(lstar.params));
    expect(lstar.params.stdErrors).toEqual(lstar.bse);
  });

  it('ARIMA: names, values, stdErrors, residuals, and the fields of the old params object', () => {
    const fit = fitARIMA(lynx, { order: [2, 0, 0] });
    expect(fit.names).toEqual(fit.paramNames);
    expect(fit.values).toEqual(Array.from(fit.params));
    expect(fit.stdErrors).toEqual(fit.bse);
    expect(fit.residuals).toBe(fit.resid);
    expect(fit.params.order).toEqual([2, 0, 0]);
    expect(fit.params.ar).toEqual(fit.arimaParams.ar);
    expect(fit.params.sigma2).toBe(fit.sigma2);
  });

  it('OLS, naive, VAR and sparse VAR: fitted, residuals, names, variable, variables', () => {
    const x = Array.from(lynx, (_, i) => i);
    const ols = fitOLS(lynx, { t: x });
    expect(ols.fitted).toBe(ols.fittedValues);
    expect(ols.names).toEqual(ols.paramNames);
    const naive = fitSeasonalNaive(lynx, { period: 10 });
    expect(naive.residuals).toBe(naive.resid);
    expect(naive.fitted).toBe(naive.fittedValues);
    const data = { a: lynx.slice(1), b: lynx.slice(0, -1) };
    const fc = fitVAR(data, { lags: 1 }).forecast(3);
    expect(Array.from(fc.variable('a').mean())).toEqual(Array.from(fc.column('a').mean()));
    const lasso = fitLassoVAR(data, { lags: 1, lambda: 0.01 });
    expect(lasso.variables).toEqual(lasso.names);
  });
});
