// Digit images from a class-conditional diffusion model (train it first, ~40 min on one core:
//   ardiff diffusion train --dataset mnist --conditional --steps 6000 --out out/mnist14.json):
// 1. class fidelity — the share of samples of each asked-for digit that a classifier trained on
//    real digits (and scored on held-out ones) reads as that digit — at guidance 1, 3 and 5, with
//    sample grids written to docs/;
// 2. samplers side by side — DDPM 1000, DDIM 50, DPM-Solver++ 20, Euler 50 (guidance 1, no CFG
//    doubling): time, class fidelity and the Fréchet distance between the classifier's last hidden
//    layer on the samples and on as many held-out digits (FID's recipe with an MNIST classifier in
//    place of Inception; real training digits give the floor at this sample size);
// 3. inpainting — the lower half of held-out digits filled in without a label (RePaint, DDIM 50
//    with 2 jumps): the share the classifier reads as the true digit, against the half-erased
//    digits themselves.
// node bench/diffusion-images.js [--model out/mnist14.json] [--per-class 30] [--grids docs] [--json]
import { readFileSync } from 'node:fs';
import { initEngine, trainClassifier } from 'ardiff/neural';
import { DiffusionModel, frechetDistance } from 'ardiff/diffusion';
import { loadMnist } from 'ardiff/node';
import { createRng, writeImageGrid } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const perClass = Number(flag('--per-class', '30'));
const grids = flag('--grids', 'docs');
const info = await initEngine();
const model = DiffusionModel.fromJSON(JSON.parse(readFileSync(flag('--model', 'out/mnist14.json'), 'utf8')));
const size = model.image.height;
const train = loadMnist({ size }), test = loadMnist({ size, split: 'test' });
let t = performance.now();
const classifier = trainClassifier(train.images, train.labels, size * size, { hidden: [256, 128], steps: 3000, weightDecay: 1e-2, seed: 0 });
const clfSeconds = (performance.now() - t) / 1000;
const clfAccuracy = classifier.accuracy(test.images, test.labels);

// perClass samples of every digit; returns images on the pixel scale [0, 1] and the time taken.
function draw(options, k = perClass) {
  const d = size * size, all = new Float32Array(10 * k * d);
  const t0 = performance.now();
  for (let c = 0; c < 10; c++) all.set(model.sample(k, { ...options, classLabel: c, rng: createRng(100 + c) }).samples, c * k * d);
  return { images: all, seconds: (performance.now() - t0) / 1000 };
}
const fidelity = (images, k = perClass) => classifier.accuracy(images, Int32Array.from({ length: 10 * k }, (_, i) => Math.floor(i / k)));
// Held-out digits, as many of each class as drawn, for the distance.
function realDigits(set, k, offset) {
  const d = size * size, out = new Float32Array(10 * k * d);
  for (let c = 0; c < 10; c++) {
    const idx = [];
    set.labels.forEach((l, i) => { if (l === c) idx.push(i); });
    for (let j = 0; j < k; j++) out.set(set.images.subarray(idx[offset + j] * d, (idx[offset + j] + 1) * d), (c * k + j) * d);
  }
  return out;
}
const reference = realDigits(test, perClass, 0);
const refFeatures = classifier.features(reference);
const width = refFeatures.length / reference.length * size * size;
const fcd = (x) => frechetDistance(classifier.features(x), refFeatures, width);

const guidanceRows = [];
for (const g of [1, 3, 5]) {
  const r = draw({ scheduler: 'dpm++', steps: 20, guidance: g });
  guidanceRows.push({ guidance: g, fidelity: fidelity(r.images), fcd: fcd(r.images), seconds: r.seconds });
  if (grids) writeImageGrid(`${grids}/mnist-guidance-${g}.png`, r.images.filter((_, i) => Math.floor(i / (size * size)) % perClass < 10), { height: size, width: size, cols: 10, scale: 2 });
}
const samplerRows = [{ sampler: 'real digits (train split)', steps: null, seconds: null, fidelity: fidelity(realDigits(train, perClass, 0)), fcd: fcd(realDigits(train, perClass, 0)) }];
for (const [scheduler, steps] of [['ddpm', 1000], ['ddim', 50], ['dpm++', 20], ['euler', 50]]) {
  const r = draw({ scheduler, steps });
  samplerRows.push({ sampler: scheduler, steps, seconds: r.seconds, fidelity: fidelity(r.images), fcd: fcd(r.images) });
}
// Inpainting: top 7 rows known, bottom 7 generated, no label.
const known = realDigits(test, perClass, perClass);
const truth = Int32Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass));
const mask = Uint8Array.from({ length: size * size }, (_, j) => (j < (size * size) / 2 ? 1 : 0));
const erased = known.map((v, i) => (mask[i % (size * size)] ? v : 0));
t = performance.now();
const filled = Float32Array.from(model.inpaint(known, mask, { scheduler: 'ddim', steps: 50, jumps: 2, rng: createRng(7) }).samples);
const inpaint = { seconds: (performance.now() - t) / 1000, filled: classifier.accuracy(filled, truth), erased: classifier.accuracy(erased, truth), original: classifier.accuracy(known, truth) };
if (grids) {
  const pick = (x) => x.filter((_, i) => Math.floor(i / (size * size)) % perClass === 0);
  const show = new Float32Array(30 * size * size);
  show.set(pick(known), 0); show.set(pick(erased), 10 * size * size); show.set(pick(filled), 20 * size * size);
  writeImageGrid(`${grids}/mnist-inpainting.png`, show, { height: size, width: size, cols: 10, scale: 2 });
}
const n = 10 * perClass;
if (args.includes('--json')) console.log(JSON.stringify({ backend: info.backend, perClass, classifier: { testAccuracy: clfAccuracy, seconds: clfSeconds }, guidance: guidanceRows, samplers: samplerRows, inpaint }));
else {
  console.log(`${size}×${size} U-Net (${model.denoiser.params.count()} weights), ${n} samples (${perClass} per digit); classifier: MLP 256-128, ${(100 * clfAccuracy).toFixed(1)}% on ${test.count} held-out digits (${clfSeconds.toFixed(0)} s); backend ${info.backend}`);
  console.log('\n| guidance | class fidelity | Fréchet classifier distance | sampling s (DPM++ 20) |\n|---:|---:|---:|---:|');
  for (const r of guidanceRows) console.log(`| ${r.guidance} | ${(100 * r.fidelity).toFixed(1)}% | ${r.fcd.toFixed(2)} | ${r.seconds.toFixed(1)} |`);
  console.log('\n| sampler | steps | class fidelity | Fréchet classifier distance | sampling s |\n|---|---:|---:|---:|---:|');
  for (const r of samplerRows) console.log(`| ${r.sampler} | ${r.steps ?? ''} | ${(100 * r.fidelity).toFixed(1)}% | ${r.fcd.toFixed(2)} | ${r.seconds === null ? '' : r.seconds.toFixed(1)} |`);
  console.log(`\ninpainting the lower half of ${n} held-out digits (DDIM 50, 2 jumps, no label, ${inpaint.seconds.toFixed(0)} s): classifier reads the true digit in ${(100 * inpaint.filled).toFixed(1)}% (whole digits ${(100 * inpaint.original).toFixed(1)}%, lower half erased ${(100 * inpaint.erased).toFixed(1)}%)`);
}
