// The GARCH hybrid of the scenario generator: GARCH(1,1)-t (fitted as R fGarch, see
// garch.test.ts) supplies the scales of the window; the generator's scales are its h-step
// standard deviations, and the model restores from JSON with its GARCH models.
import { it, expect, beforeAll } from 'vitest';
import { initEngine } from '../src/neural/engine/index.js';
import { fitScenarioDiffusion, scenarioDiffusionFromJSON } from '../src/hybrid/scenarios.js';
import '../src/hybrid/garch-volatility.js';
import { fitGARCH } from '../src/classical/garch.js';
import { createRng } from '../src/core/rng.js';

beforeAll(async () => {
  await initEngine();
});

it('scales windows by GARCH(1,1)-t\'s h-step sd forecasts and restores from JSON', () => {
  // A GARCH(1,1) path: σ²_t = 0.05 + 0.1 r²_{t−1} + 0.85 σ²_{t−1}.
  const rng = createRng(4), n = 700, r = new Float64Array(n);
  let s2 = 1;
  for (let t = 0; t < n; t++) {
    r[t] = Math.sqrt(s2) * rng.normal();
    s2 = 0.05 + 0.1 * r[t] ** 2 + 0.85 * s2;
  }
  const gen = fitScenarioDiffusion(r, { volatility: 'garch', window: 4, steps: 3, batchSize: 32, diffusionSteps: 10, residualLayers: 1, residualChannels: 4, seed: 1 });
  const garch = fitGARCH(r, { order: [1, 1], dist: 'std' });
  const want = garch.varianceForecast(4).map(Math.sqrt);
  const s = gen.scenarios({ paths: 2, rng: createRng(1) });
  for (let h = 0; h < 4; h++) expect(s.scales[h] / want[h] - 1).toBeLessThan(1e-12);
  // At an earlier origin: the same parameters, the filter rerun on the shorter history.
  const early = gen.apply(r.subarray(0, 500)).scenarios({ paths: 1, rng: createRng(1) }).scales;
  expect(early[0]).toBeCloseTo(Math.sqrt(garch.apply(r.subarray(0, 500)).varianceForecast(1)[0]), 12);
  expect(gen.summary()).toMatch(/GARCH\(1,1\)-std/);
  const back = scenarioDiffusionFromJSON(JSON.parse(JSON.stringify(gen.toJSON())));
  expect(back.scenarios({ paths: 3, rng: createRng(5) })).toEqual(gen.scenarios({ paths: 3, rng: createRng(5) }));
});
