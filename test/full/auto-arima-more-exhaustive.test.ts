// Full tier: the exhaustive auto-ARIMA search (every candidate fitted as R's stats::arima fits it
// for forecast's myarima) on every series of r_auto_arima_more.json (~90 s): the orders, the
// constant and the exact AICc that R forecast::auto.arima(stepwise = FALSE) reaches.
import { describe, it, expect } from 'vitest';
import { fitAutoARIMA } from '../../src/classical/auto-arima.js';
import { fixturesOfKind, loadColumn, expectAbs, type Fixture } from '../fixtures.js';

const fx = fixturesOfKind('auto_arima_more');
const cases = fx.flatMap((f) => (f.series as Fixture[]).filter((s) => s.exhaustive));

it('has the exhaustive cases (34)', () => expect(cases.length).toBe(34));

describe('exhaustive auto-ARIMA vs R (r_auto_arima_more)', () => {
  for (const s of cases) {
    const ref = s.exhaustive;
    it(`${s.column}${s.transform === 'log' ? ' (log)' : ''}: ARIMA(${ref.order})(${ref.seasonal})`, () => {
      const y = loadColumn(s.file, s.column, s.transform);
      const fit = fitAutoARIMA(y, { period: s.frequency, stepwise: false });
      const [P, D, Q] = fit.params.seasonalOrder;
      expect([...fit.params.order, P, D, Q], 'orders').toEqual([...ref.order, ...ref.seasonal.slice(0, 3)]);
      const names: string[] = Array.isArray(ref.coef_names) ? ref.coef_names : ref.coef_names ? [ref.coef_names] : [];
      expect(fit.params.beta.length > 0, 'constant').toBe(names.includes('intercept') || names.includes('drift'));
      expectAbs(fit.aicc, ref.aicc_exact, 1e-2, 'aicc');
    });
  }
});
