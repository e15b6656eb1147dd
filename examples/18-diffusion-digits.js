// Digits from a class-conditional diffusion model with classifier-free guidance, written as a PNG
// grid (one row per digit), and inpainting: the lower half of held-out digits filled in by the model.
// A model that draws clean digits takes ~40 min of training on one core —
//   npx ardiff diffusion train --dataset mnist --conditional --steps 6000 --out mnist14.json
// — pass it as the first argument; without one this trains a small model for a minute (blurry).
import { mkdirSync, readFileSync } from 'node:fs';
import { initEngine } from 'ardiff/neural';
import { fitDiffusion, DiffusionModel } from 'ardiff/diffusion';
import { loadMnist } from 'ardiff/node';
import { createRng, writeImageGrid } from 'ardiff';

await initEngine();
const train = loadMnist({ size: 14 });
const model = process.argv[2]
  ? DiffusionModel.fromJSON(JSON.parse(readFileSync(process.argv[2], 'utf8')))
  : fitDiffusion(train.images, 196, {
    steps: 120, labels: train.labels, scaling: { center: 0.5, scale: 0.5 }, lr: 1e-3,
    denoiser: { kind: 'unet2d', height: 14, baseChannels: 8, channelMults: [1, 2] },
  });
const grid = new Float64Array(10 * 8 * 196);
for (let c = 0; c < 10; c++) grid.set(model.sample(8, { scheduler: 'dpm++', steps: 20, classLabel: c, guidance: 3, rng: createRng(c) }).samples, c * 8 * 196);
mkdirSync('out', { recursive: true });
writeImageGrid('out/digits.png', grid, { height: 14, width: 14, cols: 8, scale: 2 });

// Inpainting: keep the top 7 rows of 8 held-out digits, generate the bottom 7 (no label given).
const test = loadMnist({ size: 14, split: 'test' });
const picks = Array.from({ length: 8 }, (_, i) => i * 150);
const known = new Float64Array(8 * 196);
picks.forEach((p, i) => known.set(test.images.subarray(p * 196, (p + 1) * 196), i * 196));
const mask = Uint8Array.from({ length: 196 }, (_, j) => (j < 98 ? 1 : 0));
const filled = model.inpaint(known, mask, { scheduler: 'ddim', steps: 50, jumps: 2, rng: createRng(11) }).samples;
const both = new Float64Array(16 * 196);
both.set(known);
both.set(filled, 8 * 196);
writeImageGrid('out/digits-inpainted.png', both, { height: 14, width: 14, cols: 8, scale: 2 });
console.log(`wrote out/digits.png (digits 0–9, guidance 3) and out/digits-inpainted.png (top: held-out digits; bottom: lower halves filled in); training loss ${model.trainLoss.toFixed(3)}`);
