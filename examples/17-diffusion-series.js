// Windows of a real series from a diffusion model: 16-day windows of DAX daily log returns, a small
// MLP denoiser, and the distribution check — do the generated windows have the data's fat tails and
// volatility clustering, which a Gaussian fit of the windows cannot have? Then inpainting as a
// scenario generator: keep the first 12 days of the last window and let the model fill in the rest.
// (The full-size comparison of all samplers is `node bench/diffusion-series.js`.)
import { initEngine } from 'ardiff/neural';
import { fitDiffusion, slidingWindows, windowStats, gaussianBaseline } from 'ardiff/diffusion';
import { createRng, readTable, numericColumn } from 'ardiff';

await initEngine();
const dax = numericColumn(readTable('eu-stock-markets'), 'DAX');
const r = Array.from({ length: dax.length - 1 }, (_, i) => 100 * Math.log(dax[i + 1] / dax[i]));
const L = 16;
const windows = slidingWindows(r, L, 2);
const model = fitDiffusion(windows, L, { steps: 1000, batchSize: 128, scaling: 'global', prediction: 'v_prediction', denoiser: { width: 128, blocks: 2 }, lr: 2e-3 });
const { samples } = model.sample(1000, { scheduler: 'dpm++', steps: 20, rng: createRng(1) });
const row = (name, s) => {
  const w = windowStats(s, L);
  console.log(`${name.padEnd(13)} sd ${w.sd.toFixed(2)}  q01 ${w.quantiles[0].toFixed(2)}  q99 ${w.quantiles[6].toFixed(2)}  excess kurtosis ${w.kurtosis.toFixed(2)}  ACF(1) of |r| ${w.acfAbs[0].toFixed(3)}`);
};
row('data', windows);
row('diffusion', samples);
row('Gaussian fit', gaussianBaseline(windows, L, 1000, createRng(2)));

// Inpainting (RePaint): the first 12 returns are known, the last 4 are generated, 200 scenarios.
const last = windows.subarray(windows.length - L);
const known = new Float64Array(200 * L);
for (let i = 0; i < 200; i++) known.set(last, i * L);
const mask = Uint8Array.from({ length: L }, (_, j) => (j < 12 ? 1 : 0));
const filled = model.inpaint(known, mask, { scheduler: 'ddim', steps: 50, jumps: 3, rng: createRng(3) }).samples;
const sum4 = Array.from({ length: 200 }, (_, i) => filled.slice(i * L + 12, (i + 1) * L).reduce((a, b) => a + b, 0)).sort((a, b) => a - b);
console.log(`4-day return after the last 12 days: median ${sum4[100].toFixed(2)}%, 10–90% range ${sum4[20].toFixed(2)}% to ${sum4[180].toFixed(2)}%`);
