// CSS estimation: the adjoint gradient against central differences, and the fit against R's
// arima(method = "CSS") (R 4.2.2 values quoted in the test).
import { describe, it, expect } from 'vitest';
import { cssGradient, fitCss, cssResiduals, olsIgnoringNaN, olsScales } from '../src/classical/estimators/css.js';
import { difference } from '../src/classical/estimators/polynomial.js';
import type { Layout } from '../src/classical/estimators/layout.js';
import { numericGradient } from '../src/core/optimize.js';
import { polynomials } from '../src/classical/estimators/layout.js';
import { loadColumn, expectRel } from './fixtures.js';

describe('CSS gradient (adjoint) equals central differences', () => {
  const air = loadColumn('data/r_AirPassengers.csv', 'AirPassengers', 'log');
  const cases: [string, Layout, number[], boolean][] = [
    ['SARIMA(2,1,1)(1,1,2)12', { p: 2, q: 1, P: 1, Q: 2, s: 12, d: 1, D: 1 }, [0.3, -0.2, -0.4, 0.2, -0.5, 0.1], false],
    ['ARMA(1,2) with drift', { p: 1, q: 2, P: 0, Q: 0, s: 1, d: 1, D: 0 }, [0.5, -0.3, 0.2, 0.4], true],
  ];
  for (const [name, L, x, drift] of cases) {
    it(name, () => {
      const y = difference(air, L.d, L.D, L.s);
      const wData = drift ? [y, difference(Float64Array.from(air, (_, i) => i + 1), L.d, L.D, L.s)] : [y];
      const beta0 = olsIgnoringNaN(wData[0], wData.slice(1));
      const scale = olsScales(wData[0], wData.slice(1), beta0);
      const nArma = L.p + L.q + L.P + L.Q;
      const f = (v: readonly number[]) => {
        const w = wData[0].map((yv, t) => yv - wData.slice(1).reduce((acc, r, j) => acc + (beta0[j] + scale[j] * v[nArma + j]) * r[t], 0));
        const { phi, theta } = polynomials(L, v.slice(0, nArma));
        const { ssr, nu } = cssResiduals(w, phi, theta);
        return 0.5 * Math.log(ssr / nu);
      };
      const analytic = cssGradient(wData, L, beta0, scale, x);
      const numeric = numericGradient(f, 1e-6)(x, f(x));
      expectRel(analytic, numeric, 1e-6, 1e-9, 'gradient');
    });
  }
});

describe('fitCss', () => {
  it('returns R-convention log-likelihood over n − d − D·s', () => {
    const y = loadColumn('data/r_WWWusage.csv', 'WWWusage');
    const L: Layout = { p: 2, q: 2, P: 0, Q: 0, s: 1, d: 1, D: 0 };
    const r = fitCss([difference(y, 1, 0, 1)], L);
    // R 4.2.2: arima(WWWusage, c(2,1,2), method = "CSS"): sigma2 9.75503475, loglik -253.22519983.
    expectRel(r.sigma2, 9.75503475, 1e-7, 0, 'sigma2');
    expectRel(r.llf, -253.22519983, 1e-8, 0, 'loglik');
    expect(r.nUsed).toBe(99);
  });
});
