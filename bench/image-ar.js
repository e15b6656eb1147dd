// The two families on the same digits: an autoregressive image model (ImageGPT-style: ardiff's
// decoder-only Transformer over the pixels of 14×14 MNIST digits quantised to 4 grey levels, raster
// order, class token first) beside the class-conditional diffusion U-Net of bench/diffusion-images.js.
// 1. likelihood on the same quantisation: the AR model's exact bits per pixel, the diffusion
//    model's variational bound (diffusionBitsPerDim, DDPM's discretised decoder), on 300 held-out
//    digits (30 of each) given their class;
// 2. samples (30 of each digit, no guidance): class fidelity and the Fréchet classifier distance
//    (bench/diffusion-images.js's classifier and recipe), time per image and sequential network calls;
// 3. the lower half erased, no label: the AR model completes the top half (a prefix is all it can
//    condition on), the diffusion model inpaints (RePaint, DDIM 50, 2 jumps); the share the
//    classifier reads as the true digit.
// The AR model is trained here (or read from --model; saved there after training); the diffusion
// model is read from --diffusion-model (train it with
//   ardiff diffusion train --dataset mnist --conditional --steps 6000 --out out/mnist14.json)
// and its columns are skipped, with a message, when the file is missing.
// node bench/image-ar.js [--steps 1500] [--model out/image-gpt.json] [--diffusion-model out/mnist14.json] [--per-class 30] [--grids docs] [--json]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initEngine, trainClassifier, trainImageGPT, imageGPTFromJSON, quantizePixels, dequantizePixels } from 'ardiff/neural';
import { DiffusionModel, frechetDistance, diffusionBitsPerDim } from 'ardiff/diffusion';
import { loadMnist } from 'ardiff/node';
import { createRng, writeImageGrid } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const perClass = Number(flag('--per-class', '30'));
const steps = Number(flag('--steps', '1500'));
const grids = flag('--grids', 'docs');
const modelFile = flag('--model', 'out/image-gpt.json');
const diffusionFile = flag('--diffusion-model', 'out/mnist14.json');
const log = (s) => { if (!args.includes('--json')) console.error(s); };
const info = await initEngine();
const size = 14, P = size * size, levels = 4;
const train = loadMnist({ size }), test = loadMnist({ size, split: 'test' });
let t = performance.now();
const classifier = trainClassifier(train.images, train.labels, P, { hidden: [256, 128], steps: 3000, weightDecay: 1e-2, seed: 0 });
const clfAccuracy = classifier.accuracy(test.images, test.labels);
log(`classifier: ${(100 * clfAccuracy).toFixed(1)}% on held-out digits (${((performance.now() - t) / 1000).toFixed(0)} s)`);

function realDigits(set, k, offset) {
  const out = new Float32Array(10 * k * P);
  for (let c = 0; c < 10; c++) {
    const idx = [];
    set.labels.forEach((l, i) => { if (l === c) idx.push(i); });
    for (let j = 0; j < k; j++) out.set(set.images.subarray(idx[offset + j] * P, (idx[offset + j] + 1) * P), (c * k + j) * P);
  }
  return out;
}
const classes = Int32Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass));
const reference = realDigits(test, perClass, 0);
const refFeatures = classifier.features(reference);
const width = Math.round((refFeatures.length * P) / reference.length);
const fcd = (x) => frechetDistance(classifier.features(x), refFeatures, width);
const fidelity = (x) => classifier.accuracy(x, classes);
const quantised = (x) => dequantizePixels(quantizePixels(x, levels), levels);
const grid = (file, images) => { if (grids) writeImageGrid(`${grids}/${file}`, images, { height: size, width: size, cols: 10, scale: 2 }); };
const firstOfEach = (x, k = perClass) => x.filter((_, i) => Math.floor(i / P) % k === 0);

// The AR model.
let gpt;
if (existsSync(modelFile) && !args.includes('--retrain')) {
  gpt = imageGPTFromJSON(JSON.parse(readFileSync(modelFile, 'utf8')));
  log(`read ${modelFile}`);
} else {
  log(`training the image GPT (${steps} steps) …`);
  t = performance.now();
  gpt = trainImageGPT(train.images, train.labels, { levels, steps, seed: 1, onStep: ({ step, loss }) => { if (step % 100 === 0) log(`  step ${step}: ${loss.toFixed(3)} bits/pixel`); } });
  mkdirSync(dirname(modelFile), { recursive: true });
  writeFileSync(modelFile, JSON.stringify(gpt.toJSON()));
}
const ar = { parameters: gpt.parameterCount(), trainSeconds: gpt.training?.seconds ?? null, steps: gpt.training?.steps ?? null };
t = performance.now();
ar.bitsPerPixel = gpt.bitsPerPixel(reference, classes);
ar.bitsPerPixelAllTest = gpt.bitsPerPixel(test.images, test.labels);
ar.bitsPerPixelNoLabel = gpt.bitsPerPixel(reference);
ar.likelihoodSeconds = (performance.now() - t) / 1000;
log('sampling (AR) …');
t = performance.now();
const arSamples = new Float32Array(10 * perClass * P);
let calls = 0;
for (let c = 0; c < 10; c++) {
  const s = gpt.sample(perClass, { classLabel: c, rng: createRng(100 + c) });
  arSamples.set(s.images, c * perClass * P);
  calls = s.networkCalls;
}
ar.sampling = { secondsPerImage: (performance.now() - t) / 1000 / (10 * perClass), networkCalls: calls, fidelity: fidelity(arSamples), fcd: fcd(arSamples) };
grid('image-gpt-samples.png', firstOfEach(arSamples, perClass / 10 > 1 ? perClass / 10 : 1).subarray(0, 100 * P));
// The lower half erased, no label.
const known = realDigits(test, perClass, perClass);
const half = P / 2;
const erased = known.map((v, i) => (i % P < half ? v : 0));
t = performance.now();
const completed = gpt.complete(known, half, { rng: createRng(7) }).images;
ar.completion = { seconds: (performance.now() - t) / 1000, filled: classifier.accuracy(completed, classes), erased: classifier.accuracy(erased, classes), original: classifier.accuracy(known, classes), originalQuantised: classifier.accuracy(quantised(known), classes) };
const floors = {
  realTrain: { fidelity: fidelity(realDigits(train, perClass, 0)), fcd: fcd(realDigits(train, perClass, 0)) },
  realTrainQuantised: { fidelity: fidelity(quantised(realDigits(train, perClass, 0))), fcd: fcd(quantised(realDigits(train, perClass, 0))) },
};

// The diffusion model, when trained.
let diffusion = null;
if (existsSync(diffusionFile)) {
  const model = DiffusionModel.fromJSON(JSON.parse(readFileSync(diffusionFile, 'utf8')));
  log('diffusion: the bound …');
  t = performance.now();
  const bound = diffusionBitsPerDim(model, reference, { levels, labels: classes, rng: createRng(11), timesteps: 64 });
  const boundSeconds = (performance.now() - t) / 1000;
  log('diffusion: sampling …');
  const draw = (options) => {
    const all = new Float32Array(10 * perClass * P);
    const t0 = performance.now();
    for (let c = 0; c < 10; c++) all.set(model.sample(perClass, { ...options, classLabel: c, rng: createRng(100 + c) }).samples, c * perClass * P);
    return { images: all, seconds: (performance.now() - t0) / 1000 / (10 * perClass) };
  };
  const samplers = [];
  for (const [scheduler, k] of [['dpm++', 20], ['ddim', 50]]) {
    const r = draw({ scheduler, steps: k });
    samplers.push({ scheduler, networkCalls: k, secondsPerImage: r.seconds, fidelity: fidelity(r.images), fcd: fcd(r.images), fidelityQuantised: fidelity(quantised(r.images)), fcdQuantised: fcd(quantised(r.images)) });
    if (scheduler === 'dpm++') grid('image-diffusion-samples.png', firstOfEach(r.images, perClass / 10 > 1 ? perClass / 10 : 1).subarray(0, 100 * P));
  }
  log('diffusion: inpainting …');
  const mask = Uint8Array.from({ length: P }, (_, j) => (j < half ? 1 : 0));
  t = performance.now();
  const filled = Float32Array.from(model.inpaint(known, mask, { scheduler: 'ddim', steps: 50, jumps: 2, rng: createRng(7) }).samples);
  diffusion = { bound: { ...bound, seconds: boundSeconds }, samplers, inpaint: { seconds: (performance.now() - t) / 1000, filled: classifier.accuracy(filled, classes) } };
  if (grids) {
    const show = new Float32Array(40 * P);
    [known, erased, completed, filled].forEach((x, r) => show.set(firstOfEach(x), r * 10 * P));
    writeImageGrid(`${grids}/image-ar-vs-diffusion-completion.png`, show, { height: size, width: size, cols: 10, scale: 2 });
  }
} else {
  console.error(`skipping the diffusion model: ${diffusionFile} not found (train it as the header of this file says)`);
}
const res = { date: new Date().toISOString(), backend: info.backend, levels, perClass, classifierAccuracy: clfAccuracy, ar, floors, diffusion };
if (args.includes('--json')) console.log(JSON.stringify(res));
else {
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  console.log(`14×14 MNIST, ${levels} grey levels; ${10 * perClass} samples (${perClass} per digit); backend ${info.backend}; ${res.date}`);
  console.log(`AR (image GPT, ${ar.parameters} weights${ar.trainSeconds ? `, ${ar.steps} steps in ${ar.trainSeconds.toFixed(0)} s` : ''}): ${ar.bitsPerPixel.toFixed(4)} bits/pixel on the ${10 * perClass} digits given the class (exact; all ${test.count} held-out digits ${ar.bitsPerPixelAllTest.toFixed(4)}; without the class ${ar.bitsPerPixelNoLabel.toFixed(4)})`);
  if (diffusion) console.log(`diffusion: ≤ ${diffusion.bound.bitsPerDim.toFixed(4)} ± ${diffusion.bound.standardError.toFixed(4)} bits/pixel (prior ${diffusion.bound.prior.toFixed(4)}, steps ${diffusion.bound.diffusion.toFixed(4)}, decoder ${diffusion.bound.decoder.toFixed(4)}; ${diffusion.bound.seconds.toFixed(0)} s)`);
  console.log('\n| model | network calls per image (sequential) | s per image | class fidelity | Fréchet classifier distance |\n|---|---:|---:|---:|---:|');
  console.log(`| real training digits | | | ${pct(floors.realTrain.fidelity)} | ${floors.realTrain.fcd.toFixed(2)} |`);
  console.log(`| real training digits, quantised to ${levels} levels | | | ${pct(floors.realTrainQuantised.fidelity)} | ${floors.realTrainQuantised.fcd.toFixed(2)} |`);
  console.log(`| AR (image GPT, KV cache) | ${ar.sampling.networkCalls} | ${ar.sampling.secondsPerImage.toFixed(3)} | ${pct(ar.sampling.fidelity)} | ${ar.sampling.fcd.toFixed(2)} |`);
  for (const s of diffusion?.samplers ?? []) console.log(`| diffusion, ${s.scheduler} | ${s.networkCalls} | ${s.secondsPerImage.toFixed(3)} | ${pct(s.fidelity)} (quantised ${pct(s.fidelityQuantised)}) | ${s.fcd.toFixed(2)} (quantised ${s.fcdQuantised.toFixed(2)}) |`);
  console.log(`\nlower half erased, no label (classifier reads the true digit): whole digits ${pct(ar.completion.original)} (quantised ${pct(ar.completion.originalQuantised)}), erased ${pct(ar.completion.erased)}, AR completion ${pct(ar.completion.filled)} (${ar.completion.seconds.toFixed(0)} s)${diffusion ? `, diffusion inpainting ${pct(diffusion.inpaint.filled)} (${diffusion.inpaint.seconds.toFixed(0)} s)` : ''}`);
}
