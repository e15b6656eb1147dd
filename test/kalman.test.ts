// The Kalman filters alone: log-likelihood at fixed parameters (each fixture's loglike_evaluations),
// and agreement of the three filter forms (Chandrasekhar, Riccati, exact diffuse) with each other.
import { describe, it, expect } from 'vitest';
import { armaFilter, armaCrossProducts, diffuseFilter, sarimaStateSpace, type FilterResult } from '../src/classical/estimators/kalman.js';
import { expandAR, expandMA, difference, differencingPolynomial } from '../src/classical/estimators/polynomial.js';
import { fixturesOfKind, fixtureSeries, fixtureRegressor, expectAbs } from './fixtures.js';

function llf(f: FilterResult, sigma2: number): number {
  let ss = 0;
  for (let i = 0; i < f.nUsed; i++) ss += f.v[0][i] ** 2 / f.F[i];
  return -0.5 * (f.nUsed * Math.log(2 * Math.PI * sigma2) + f.sumLogF + ss / sigma2);
}

describe('Kalman filter log-likelihood at fixed parameters (fixture loglike_evaluations, abs 1e-6)', () => {
  const fixtures = fixturesOfKind('arima_mle', 'arima_extra');
  it('runs every fixture (16)', () => expect(fixtures.length).toBe(16));
  for (const fx of fixtures) {
    it(fx.id, () => {
      const y = fixtureSeries(fx);
      const [, d] = fx.model.order;
      const [, D, , s0] = fx.model.seasonal_order;
      const s = s0 || 1;
      const names: string[] = fx.params.names;
      for (const ev of fx.loglike_evaluations) {
        const val = (n: string) => ev.params[names.indexOf(n)];
        const pick = (re: RegExp) => names.filter((n) => re.test(n)).map(val);
        const phi = expandAR(pick(/^ar\.L/), pick(/^ar\.S\.L/), s);
        const theta = expandMA(pick(/^ma\.L/), pick(/^ma\.S\.L/), s);
        // u = y − x'β with the regression columns at their given values.
        const u = Float64Array.from(y);
        for (const rc of fx.model.regression_columns as string[]) {
          const x = fixtureRegressor(fx, rc, y.length);
          u.forEach((v, i) => { u[i] = v - val(rc) * x[i]; });
        }
        const sigma2 = val('sigma2');
        const full = diffuseFilter(sarimaStateSpace(phi, theta, differencingPolynomial(d, D, s)), [u]);
        expect(full.nUsed).toBe(fx.nobs_used);
        expectAbs(llf(full, sigma2), ev.llf, 1e-6, 'exact diffuse filter llf');
        // With gaps in a differenced model only the diffuse filter applies.
        if (d + D > 0 && y.some(Number.isNaN)) continue;
        const w = difference(u, d, D, s);
        const riccati = armaFilter(phi, theta, [w]);
        expectAbs(llf(riccati, sigma2), ev.llf, 1e-6, 'differenced ARMA filter llf');
        // Chandrasekhar sufficient statistics (complete data only) against the Riccati filter.
        if (!w.some(Number.isNaN)) {
          const cp = armaCrossProducts(phi, theta, [w]);
          const cpLlf = -0.5 * (cp.nUsed * Math.log(2 * Math.PI * sigma2) + cp.sumLogF + cp.cross[0] / sigma2);
          expectAbs(cpLlf, llf(riccati, sigma2), 1e-9, 'Chandrasekhar vs Riccati');
        }
      }
    });
  }
});
