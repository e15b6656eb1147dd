// ARIMA with deterministic trends (drift, intercept + drift) and with missing values in differenced
// models, against the `arima_extra` fixtures (test/fixtures/classical/scripts/trend_missing.py:
// statsmodels SARIMAX exact diffuse, llf converted to R's convention; R forecast::Arima alongside).
import { describe, it, expect } from 'vitest';
import { fitArima, type Trend } from '../src/classical/arima.js';
import { armaFilter, diffuseFilter, sarimaStateSpace, type FilterResult } from '../src/classical/estimators/kalman.js';
import { expandAR, expandMA, difference, differencingPolynomial } from '../src/classical/estimators/polynomial.js';
import { fixturesOfKind, loadColumn, expectAbs, expectRel, type Fixture } from './fixtures.js';

const fixtures = fixturesOfKind('arima_extra');

/** The fixture's series with its `missing_indices` (0-based) set to NaN. */
function series(fx: Fixture): Float64Array {
  const y = loadColumn(fx.dataset.file, fx.dataset.column, fx.dataset.transform);
  for (const i of (fx.dataset.missing_indices ?? []) as number[]) y[i] = NaN;
  return y;
}

/** Deterministic regressor at t = 1..n: 'const' = 1, 'drift' = t. */
function regressor(name: string, n: number): Float64Array {
  if (name === 'const') return new Float64Array(n).fill(1);
  if (name === 'drift') return Float64Array.from({ length: n }, (_, i) => i + 1);
  throw new Error(`unknown regression column '${name}'`);
}

/** Log-likelihood (R convention) from a filter run in σ² units at a given σ². */
function llf(f: FilterResult, sigma2: number): number {
  let ss = 0;
  for (let i = 0; i < f.nUsed; i++) ss += f.v[0][i] ** 2 / f.F[i];
  return -0.5 * (f.nUsed * Math.log(2 * Math.PI * sigma2) + f.sumLogF + ss / sigma2);
}

describe('arima_extra fixtures exist', () => {
  it('finds the trend and missing-value fixtures', () => {
    expect(fixtures.map((fx) => fx.id)).toEqual(expect.arrayContaining([
      'arima_trend_nile_drift', 'arima_trend_logUKgas_drift', 'arima_trend_lakehuron_ct',
      'arima_missing_nile', 'arima_missing_airline',
    ]));
  });
});

describe('Kalman filter log-likelihood at fixed parameters (arima_extra loglike_evaluations, abs 1e-6)', () => {
  for (const fx of fixtures) {
    it(fx.id, () => {
      const y = series(fx);
      const n = y.length;
      const [, d] = fx.model.order;
      const [, D, , s0] = fx.model.seasonal_order;
      const s = s0 || 1;
      const names: string[] = fx.params.names;
      for (const ev of fx.loglike_evaluations) {
        const val = (nm: string) => ev.params[names.indexOf(nm)];
        const pick = (re: RegExp) => names.filter((nm) => re.test(nm)).map(val);
        const phi = expandAR(pick(/^ar\.L/), pick(/^ar\.S\.L/), s);
        const theta = expandMA(pick(/^ma\.L/), pick(/^ma\.S\.L/), s);
        // u = y − x'β with the deterministic regressors at their given coefficients.
        const u = Float64Array.from(y);
        for (const rc of fx.model.regression_columns as string[]) {
          const x = regressor(rc, n);
          u.forEach((v, i) => { u[i] = v - val(rc) * x[i]; });
        }
        const sigma2 = val('sigma2');
        const full = diffuseFilter(sarimaStateSpace(phi, theta, differencingPolynomial(d, D, s)), [u]);
        expect(full.nUsed).toBe(fx.nobs_used);
        expectAbs(llf(full, sigma2), ev.llf, 1e-6, 'exact diffuse filter llf');
        if (fx.dataset.n_missing === 0) {
          const fast = armaFilter(phi, theta, [difference(u, d, D, s)]);
          expectAbs(llf(fast, sigma2), ev.llf, 1e-6, 'differenced ARMA filter llf');
        }
      }
    });
  }
});

function fitFixture(fx: Fixture) {
  const [p, d, q] = fx.model.order;
  const [P, D, Q, s] = fx.model.seasonal_order;
  return fitArima(series(fx), {
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
