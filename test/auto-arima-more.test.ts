// auto-ARIMA on more bundled series: the orders R forecast::auto.arima chooses
// (fixture r_auto_arima_more.json, made by scripts/r_auto_arima_more.R). The default (stepwise)
// search on every series here; the exhaustive search, which fits every candidate as R's
// stats::arima does (several seconds a series), on three quick series here and on all of them in
// the full tier (test/full/auto-arima-more-exhaustive.test.ts).
import { describe, it, expect } from 'vitest';
import { fitAutoARIMA } from '../src/classical/auto-arima.js';
import { fixturesOfKind, loadColumn, expectAbs, type Fixture } from './fixtures.js';

/** Exhaustive cases of the fast tier (about a second each). */
const QUICK_EXHAUSTIVE = new Set(['JohnsonJohnson (log)', 'UKgas (log)', 'co2']);

it('has its fixture and the quick exhaustive cases', () => {
  const fxs = fixturesOfKind('auto_arima_more');
  expect(fxs.length).toBe(1);
  const names = (fxs[0].series as Fixture[]).filter((s) => s.exhaustive).map((s) => `${s.column}${s.transform === 'log' ? ' (log)' : ''}`);
  for (const q of QUICK_EXHAUSTIVE) expect(names).toContain(q);
});

for (const fx of fixturesOfKind('auto_arima_more')) {
  describe(`auto-ARIMA vs R (${fx.id})`, () => {
    for (const s of fx.series as Fixture[]) {
      for (const mode of ['default', 'exhaustive'] as const) {
        const ref = s[mode];
        if (!ref) continue;
        if (mode === 'exhaustive' && !QUICK_EXHAUSTIVE.has(`${s.column}${s.transform === 'log' ? ' (log)' : ''}`)) continue;
        const label = `${s.column}${s.transform === 'log' ? ' (log)' : ''} ${mode}: ARIMA(${ref.order})(${ref.seasonal})`;
        it(label, () => {
          const y = loadColumn(s.file, s.column, s.transform);
          const fit = fitAutoARIMA(y, { period: s.frequency, stepwise: mode === 'default' });
          const [P, D, Q] = fit.params.seasonalOrder;
          expect([...fit.params.order, P, D, Q], 'orders').toEqual([...ref.order, ...ref.seasonal.slice(0, 3)]);
          const names: string[] = Array.isArray(ref.coef_names) ? ref.coef_names : ref.coef_names ? [ref.coef_names] : [];
          expect(fit.params.beta.length > 0, 'constant').toBe(names.includes('intercept') || names.includes('drift'));
          // Against the exact likelihood at R's coefficients (R's own aicc carries its diffuse approximation).
          expectAbs(fit.aicc, ref.aicc_exact, 1e-2, 'aicc');
        });
      }
    }
  });
}
