// Windows of a real series from a diffusion model: 24-day windows of DAX daily log returns (R's
// EuStockMarkets, 1991–1998), an MLP denoiser, and the distribution check — quantiles, sd, excess
// kurtosis (fat tails) and the mean within-window autocorrelation of the returns and of their
// absolute values (volatility clustering) — for the data, a Gaussian fit of the windows (the
// baseline: right covariance, thin tails) and each sampler, for an ε- and a v-predicting model,
// with x̂₀ clipping on (and, for ε, off).
// node bench/diffusion-series.js [--steps 1500] [--json]   (a few minutes on one core)
import { initEngine } from 'ardiff/neural';
import { fitDiffusion, slidingWindows, windowStats, gaussianBaseline } from 'ardiff/diffusion';
import { createRng, readTable, numericColumn } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const steps = Number(flag('--steps', '1500'));
const L = 24, N = 2000;
const info = await initEngine();
const dax = numericColumn(readTable('eu-stock-markets'), 'DAX');
const r = Array.from({ length: dax.length - 1 }, (_, i) => 100 * Math.log(dax[i + 1] / dax[i]));
const windows = slidingWindows(r, L);
const rows = [{ source: 'data', ...windowStats(windows, L) }, { source: 'Gaussian fit', ...windowStats(gaussianBaseline(windows, L, N, createRng(4)), L) }];
const trained = [];
for (const [prediction, label] of [['epsilon', 'ε'], ['v_prediction', 'v']]) {
  let t = performance.now();
  const model = fitDiffusion(windows, L, { steps, seed: 0, scaling: 'global', prediction, denoiser: { width: 256, blocks: 3 } });
  trained.push({ prediction, trainSeconds: (performance.now() - t) / 1000, clipRange: model.clipRange });
  for (const [scheduler, k] of [['ddpm', 1000], ['ddim', 50], ['dpm++', 20], ['euler', 50]]) {
    for (const clip of [true, false]) {
      if (!clip && (prediction !== 'epsilon' || scheduler === 'ddpm')) continue;
      t = performance.now();
      const { samples } = model.sample(N, { scheduler, steps: k, rng: createRng(5), clip });
      const seconds = (performance.now() - t) / 1000;
      let max = 0;
      for (const v of samples) max = Math.max(max, Math.abs(v));
      rows.push({ source: `${label}: ${scheduler} ${k}${clip ? '' : ' (no clipping)'}`, seconds, max, ...windowStats(samples, L) });
    }
  }
}
if (args.includes('--json')) console.log(JSON.stringify({ backend: info.backend, steps, trained, rows }));
else {
  console.log(`DAX log returns (%), windows of ${L} (${windows.length / L} windows), MLP 256×3, ${steps} steps (${trained.map((m) => `${m.prediction} ${m.trainSeconds.toFixed(0)} s`).join(', ')}), ${N} samples each; x̂₀ clip ±${trained[0].clipRange.toFixed(2)} sd; backend ${info.backend}`);
  console.log('| source | q01 | q99 | sd | excess kurtosis | ACF(1) | ACF(1) of \\|r\\| | max \\|r\\| | sampling s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of rows) {
    console.log(`| ${x.source} | ${x.quantiles[0].toFixed(2)} | ${x.quantiles[6].toFixed(2)} | ${x.sd.toFixed(3)} | ${x.kurtosis.toFixed(2)} | ${x.acf[0].toFixed(3)} | ${x.acfAbs[0].toFixed(3)} | ${x.max === undefined ? '' : x.max.toFixed(1)} | ${x.seconds === undefined ? '' : x.seconds.toFixed(1)} |`);
  }
}
