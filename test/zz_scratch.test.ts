import { it } from 'vitest';
import { fitAR, selectAROrder } from '../src/classical/ar.js';
import { loadColumn } from '../test/fixtures.js';
it('q', () => {
  const y = loadColumn('data/sm_sunspots.csv', 'SUNACTIVITY');
  for (const m of ['yule-walker', 'burg', 'ols', 'mle'] as const) {
    const f = fitAR(y, { order: 2, method: m });
    console.log(m, f.params, f.sigma2, f.llf, Math.sqrt(f.sigma2));
  }
  const f = fitAR(y, { order: 2, method: 'yule-walker', yuleWalkerMethod: 'adjusted' });
  console.log(f.params, Math.sqrt(f.sigma2));
  console.log(fitAR(y, { order: 3 }).summary());
  console.log(selectAROrder(y, { maxLag: 12 }).table);
});
