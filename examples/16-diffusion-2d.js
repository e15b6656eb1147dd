// Train a small diffusion model on two interleaving half circles and sample it with DPM-Solver++
// in 20 steps; compare with a Gaussian fitted to the same data (the baseline a generative model
// must beat) by the sliced Wasserstein distance to a held-out draw.
import { initEngine } from 'ardiff/neural';
import { fitDiffusion, toyData, slicedWasserstein, gaussianBaseline } from 'ardiff/diffusion';
import { createRng } from 'ardiff';

await initEngine();
const train = toyData('moons', 2000, createRng(1));
const heldOut = toyData('moons', 1000, createRng(2));
const model = fitDiffusion(train, 2, { steps: 1000, batchSize: 128, lr: 3e-3, denoiser: { width: 64, blocks: 2 }, columns: ['x', 'y'] });
const { samples } = model.sample(1000, { scheduler: 'dpm++', steps: 20, rng: createRng(3) });
const swd = (s) => slicedWasserstein(s, heldOut, 2, { rng: createRng(4) }).toFixed(3);
console.log(`final training loss ${model.trainLoss.toFixed(3)}`);
console.log(`sliced Wasserstein to held-out data: diffusion ${swd(samples)}, Gaussian fit ${swd(gaussianBaseline(train, 2, 1000, createRng(5)))}`);
console.log('first samples:', Array.from(samples.subarray(0, 6), (v) => v.toFixed(3)).join(' '));
