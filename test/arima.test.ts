import { describe, it, expect } from 'vitest';
import { fitARIMA, type Trend } from '../src/classical/arima.js';
import { fixturesOfKind, loadColumn, expectAbs, expectRel, type Fixture } from './fixtures.js';

function setup(fx: Fixture) {
  const y = loadColumn(fx.dataset.file, fx.dataset.column, fx.dataset.transform);
  const [p, d, q] = fx.model.order;
  const [P, D, Q, s] = fx.model.seasonal_order;
  const exog: Record<string, Float64Array> = {};
  for (const name of fx.model.exog ?? []) exog[name] = loadColumn(fx.dataset.file, name);
  const opts = {
    order: [p, d, q] as [number, number, number],
    seasonal: s ? { order: [P, D, Q] as [number, number, number], period: s } : undefined,
    trend: fx.model.trend as Trend,
    exog: fx.model.exog ? exog : undefined,
  };
  return { y, opts };
}

describe('ARIMA exact ML against reference fixtures', () => {
  const fixtures = fixturesOfKind('arima_mle');
  it('runs every fixture (9)', () => expect(fixtures.length).toBe(9));
  for (const fx of fixtures) {
    it(fx.id, () => {
      const { y, opts } = setup(fx);
      const fit = fitARIMA(y, opts);
      expect(fit.names).toEqual(fx.params.names);
      // Tolerances from the fixture: params abs 1e-3, llf abs 1e-4, sigma2 rel 1e-3, bse rel 2e-2 (same flavour),
      // aic/bic/aicc abs 1e-3, forecast mean rel 1e-4, se rel 1e-3.
      expectAbs(fit.llf, fx.llf, 1e-4, 'llf');
      expect(fit.nobs).toBe(fx.nobs_used);
      expectAbs(fit.values.slice(0, -1), fx.params.values.slice(0, -1), 1e-3, 'params');
      expectRel(fit.sigma2, fx.sigma2, 1e-3, 0, 'sigma2');
      expectRel(fit.stdErrors, fx.params.bse_approx_hessian, 2e-2, 0, 'bse (numerical Hessian)');
      expectRel(fit.stdErrorsOPG(), fx.params.bse_opg, 2e-2, 0, 'bse (outer product of gradients)');
      expectAbs(fit.aic, fx.aic, 1e-3, 'aic');
      expectAbs(fit.bic, fx.bic, 1e-3, 'bic');
      expectAbs(fit.aicc, fx.aicc, 1e-3, 'aicc');
      const exogFuture = fx.model.exog ? Object.fromEntries(fx.model.exog.map((n: string, j: number) => [n, fx.forecast.future_regressors.map((r: number[]) => r[j])])) : undefined;
      const fc = fit.forecast(fx.forecast.h, { exog: exogFuture });
      expectRel(fc.mean(), fx.forecast.mean, 1e-4, 0, 'forecast mean');
      expectRel(fc.se, fx.forecast.se, 1e-3, 0, 'forecast se');
      // Interval ends = mean ∓ 1.959964·se, so their tolerance follows from those of mean and se.
      const i95 = fc.interval(95);
      fx.forecast.mean.forEach((m: number, i: number) => {
        const tol = 1e-4 * Math.abs(m) + 1.959964 * 1e-3 * fx.forecast.se[i];
        expectAbs(i95.lower[i], fx.forecast.lower95[i], tol, `lower95[${i}]`);
        expectAbs(i95.upper[i], fx.forecast.upper95[i], tol, `upper95[${i}]`);
      });
    });
  }
});
