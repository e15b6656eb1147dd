import { describe, it, expect } from 'vitest';
import { fitAutoARIMA } from '../src/classical/auto-arima.js';
import { fixturesOfKind, loadColumn, expectAbs, type Fixture } from './fixtures.js';

// R forecast::auto.arima on the fixture series: the chosen orders must match exactly and the
// AICc of the chosen model to abs 1e-2 (fixture tolerance), for the default stepwise search and
// the exhaustive one.
describe('auto-ARIMA chooses R forecast::auto.arima orders', () => {
  const fixtures = fixturesOfKind('auto_arima');
  it('runs every fixture (2, with 9 series)', () => {
    expect(fixtures.length).toBe(2);
    expect(fixtures.flatMap((f) => f.series).length).toBe(9);
  });
  for (const fx of fixtures) {
    for (const s of fx.series as Fixture[]) {
      for (const mode of ['default', 'exhaustive'] as const) {
        const ref = s[mode];
        it(`${fx.id}: ${s.column}${s.transform !== 'none' ? ` (${s.transform})` : ''} ${mode} → ${ref.label}`, () => {
          const y = loadColumn(s.file, s.column, s.transform);
          const fit = fitAutoARIMA(y, { period: s.frequency, stepwise: mode === 'default' });
          const [P, D, Q, period] = fit.params.seasonalOrder;
          expect([...fit.params.order], 'order').toEqual(ref.order);
          expect([P, D, Q], 'seasonal order').toEqual(ref.seasonal.slice(0, 3));
          if (P + D + Q > 0) expect(period).toBe(ref.seasonal[3]);
          const hasConstant = ref.coef_names.includes('intercept') || ref.coef_names.includes('drift');
          expect(fit.params.beta.length > 0, 'constant term').toBe(hasConstant);
          expectAbs(fit.aicc, ref.aicc, 1e-2, 'aicc');
        });
      }
    }
  }
});
