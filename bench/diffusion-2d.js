// Diffusion on 2-D test distributions: sample quality (sliced Wasserstein-2 and MMD² against a
// held-out draw) and sampling time for DDPM 1000 steps, DDIM 50, DPM-Solver++ 20 and Euler 50,
// beside a Gaussian fit (the baseline to beat) and a second draw of the data (the floor).
// Full-size run (minutes): node bench/diffusion-2d.js [--steps 3000] [--json]
import { initEngine } from 'ardiff/neural';
import { fitDiffusion, toyData, slicedWasserstein, mmd, gaussianBaseline, TOY_DATASETS } from 'ardiff/diffusion';
import { createRng } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const steps = Number(flag('--steps', '3000'));
const datasets = flag('--datasets', TOY_DATASETS.join(',')).split(',');
const N = 2000;
const info = await initEngine();
const rows = [];
const score = (s, test) => ({ swd: slicedWasserstein(s, test, 2, { rng: createRng(9) }), mmd: mmd(s, test, 2) });
for (const ds of datasets) {
  const train = toyData(ds, 8000, createRng(1)), test = toyData(ds, N, createRng(2));
  const t0 = performance.now();
  const model = fitDiffusion(train, 2, { steps, batchSize: 256, lr: 2e-3, seed: 0 });
  const trainSeconds = (performance.now() - t0) / 1000;
  rows.push({ dataset: ds, sampler: 'data (second draw)', steps: null, seconds: null, ...score(toyData(ds, N, createRng(3)), test) });
  rows.push({ dataset: ds, sampler: 'Gaussian fit', steps: null, seconds: null, ...score(gaussianBaseline(train, 2, N, createRng(4)), test) });
  for (const [scheduler, k] of [['ddpm', 1000], ['ddim', 50], ['dpm++', 20], ['euler', 50]]) {
    const t = performance.now();
    const { samples } = model.sample(N, { scheduler, steps: k, rng: createRng(5) });
    rows.push({ dataset: ds, sampler: scheduler, steps: k, seconds: (performance.now() - t) / 1000, ...score(samples, test), trainSeconds });
  }
}
if (args.includes('--json')) console.log(JSON.stringify({ backend: info.backend, trainSteps: steps, n: N, rows }));
else {
  console.log(`MLP denoiser (width 128, 3 blocks), ${steps} training steps of 256, ${N} samples, backend ${info.backend}`);
  console.log('| data | sampler | steps | SWD₂ | MMD² | sampling s |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.dataset} | ${r.sampler} | ${r.steps ?? ''} | ${r.swd.toFixed(4)} | ${r.mmd.toFixed(5)} | ${r.seconds === null ? '' : r.seconds.toFixed(2)} |`);
}
