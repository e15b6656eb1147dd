// ARIMA with deterministic trends (drift, intercept + drift) and with missing values in differenced
// models, against the `arima_extra` fixtures (test/fixtures/classical/scripts/trend_missing.py:
// statsmodels SARIMAX exact diffuse, llf converted to R's convention; R forecast::Arima alongside).
// Their log-likelihoods at fixed parameters are tested with the filters in kalman.test.ts.
import { describe, it, expect } from 'vitest';
import { fitARIMA, type Trend } from '../src/classical/arima.js';
import { fixturesOfKind, fixtureSeries, expectAbs, expectRel, type Fixture } from './fixtures.js';

const fixtures = fixturesOfKind('arima_extra');

describe('arima_extra fixtures exist', () => {
  it('finds the trend and missing-value fixtures', () => {
    expect(fixtures.map((fx) => fx.id)).toEqual(expect.arrayContaining([
      'arima_trend_nile_drift', 'arima_trend_logUKgas_drift', 'arima_trend_lakehuron_ct',
      'arima_missing_nile', 'arima_missing_airline',
    ]));
  });
});

function fitFixture(fx: Fixture) {
  const [p, d, q] = fx.model.order;
  const [P, D, Q, s] = fx.model.seasonal_order;
  return fitARIMA(fixtureSeries(fx), {
    order: [p, d, q],
    seasonal: s ? { order: [P, D, Q], period: s } : undefined,
    trend: fx.model.trend as Trend,
  });
}

describe('ARIMA with trends / missing values: exact ML against arima_extra fixtures', () => {
  for (const fx of fixtures) {
    // Tolerances from the fixture: params abs 1e-3, sigma2 rel 1e-3, bse rel 2e-2 (numerical Hessian),
    // forecast mean rel 1e-4, se rel 1e-3; llf abs 1e-4, aic/bic/aicc abs 1e-3.
    it(`${fx.id}: estimates, standard errors, forecast`, () => {
      const fit = fitFixture(fx);
      expect(fit.names).toEqual(fx.params.names);
      expect(fit.nobs).toBe(fx.nobs_used);
      expectAbs(fit.values.slice(0, -1), fx.params.values.slice(0, -1), 1e-3, 'params');
      expectRel(fit.sigma2, fx.sigma2, 1e-3, 0, 'sigma2');
      expectRel(fit.stdErrors, fx.params.bse_approx_hessian, 2e-2, 0, 'bse (numerical Hessian)');
      expectRel(fit.stdErrorsOPG(), fx.params.bse_opg, 2e-2, 0, 'bse (outer product of gradients)');
      // Deterministic regressors continue at t = n+1..n+h inside forecast(); no exog needed.
      const fc = fit.forecast(fx.forecast.h);
      expectRel(fc.mean(), fx.forecast.mean, 1e-4, 0, 'forecast mean');
      expectRel(fc.se, fx.forecast.se, 1e-3, 0, 'forecast se');
    });

    it(`${fx.id}: log-likelihood and information criteria at the optimum`, () => {
      const fit = fitFixture(fx);
      expectAbs(fit.llf, fx.llf, 1e-4, 'llf');
      expectAbs(fit.aic, fx.aic, 1e-3, 'aic');
      expectAbs(fit.bic, fx.bic, 1e-3, 'bic');
      expectAbs(fit.aicc, fx.aicc, 1e-3, 'aicc');
    });
  }
});
