// Text → image on the digits, measured on captions of the held-out digits in phrasings that never
// occur in training: 30 held-out digits of each class, each captioned (its label and its measured
// thickness, slant and size, test-split wording); one image drawn per caption with DPM-Solver++ 20
// at guidance 1, 3 and 5 on the text. Scores: digit accuracy (bench/diffusion-images.js's
// classifier reads the digit the caption names), attribute agreement (the bin measured on the image
// equals the bin the caption names, over the captions that name it; chance 1/3), and the Fréchet
// classifier distance against 300 held-out digits. The class-label U-Net (--class-model) at the
// same guidance is the upper bound for digit accuracy. Train the model first (~20 min on one core):
//   ardiff diffusion train --dataset mnist --text --steps 6000 --out out/text2image.json
// node bench/text-to-image.js [--model out/text2image.json] [--class-model out/mnist14.json] [--phrasings test|train]
//                             [--scheduler dpm++|ddim|ddpm|euler] [--steps K] [--json]
import { existsSync, readFileSync } from 'node:fs';
import { initEngine, trainClassifier } from 'ardiff/neural';
import { DiffusionModel, frechetDistance, captionDigits, digitAttributes, attributeBins, binOf, mentionedBins } from 'ardiff/diffusion';
import { textToImageFromJSON } from 'ardiff/hybrid';
import { loadMnist } from 'ardiff/node';
import { createRng } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const perClass = 30, size = 14, P = size * size;
const info = await initEngine();
const model = textToImageFromJSON(JSON.parse(readFileSync(flag('--model', 'out/text2image.json'), 'utf8')));
const classFile = flag('--class-model', 'out/mnist14.json');
const scheduler = flag('--scheduler', 'dpm++');
const sampleSteps = Number(flag('--steps', scheduler === 'ddpm' ? '1000' : scheduler === 'dpm++' ? '20' : '50'));
const classModel = existsSync(classFile) ? DiffusionModel.fromJSON(JSON.parse(readFileSync(classFile, 'utf8'))) : null;
if (!classModel) console.error(`skipping the class-label model: ${classFile} not found`);
const train = loadMnist({ size }), test = loadMnist({ size, split: 'test' });
const classifier = trainClassifier(train.images, train.labels, P, { hidden: [256, 128], steps: 3000, weightDecay: 1e-2, seed: 0 });
const bins = attributeBins(digitAttributes(train.images, size));

function heldOut(offset) {
  const images = new Float32Array(10 * perClass * P), labels = new Int32Array(10 * perClass);
  for (let c = 0; c < 10; c++) {
    const idx = [];
    test.labels.forEach((l, i) => { if (l === c) idx.push(i); });
    for (let j = 0; j < perClass; j++) { images.set(test.images.subarray(idx[offset + j] * P, (idx[offset + j] + 1) * P), (c * perClass + j) * P); labels[c * perClass + j] = c; }
  }
  return { images, labels };
}
const reference = heldOut(0);
const refFeatures = classifier.features(reference.images);
const width = Math.round((refFeatures.length * P) / reference.images.length);
const fcd = (x) => frechetDistance(classifier.features(x), refFeatures, width);
const prompts = heldOut(perClass);
// --phrasings train: the training wording on the same held-out digits (is it the wording or the digits?).
const phrasings = flag('--phrasings', 'test');
if (phrasings !== 'test' && phrasings !== 'train') throw new Error(`--phrasings must be test or train, got ${phrasings}`);
const { captions } = captionDigits(prompts.images, prompts.labels, { bins, split: phrasings, rng: createRng(1) });
const named = captions.map((c) => mentionedBins(c, phrasings));

function score(images) {
  const attrs = digitAttributes(images.map((v) => Math.max(0, v)), size);
  const measured = [attrs.thickness, attrs.slant, attrs.size].map((a, k) => Array.from(a, (v) => binOf(v, [bins.thickness, bins.slant, bins.size][k])));
  const agree = [0, 1, 2].map((k) => {
    let hit = 0, count = 0;
    named.forEach((m, i) => { if (m[k] >= 0) { count++; if (measured[k][i] === m[k]) hit++; } });
    return { agreement: hit / count, captions: count };
  });
  return { digitAccuracy: classifier.accuracy(images, prompts.labels), thickness: agree[0], slant: agree[1], size: agree[2], fcd: fcd(images) };
}

// Chance: other real held-out digits (the reference set, same classes in the same order) scored
// against these captions — the agreement of images that ignore the attributes asked for.
const chance = score(reference.images);
const rows = [];
for (const g of [1, 3, 5]) {
  let t = performance.now();
  const images = Float32Array.from(model.sample(captions, captions.length, { rng: createRng(2), guidance: g, scheduler, steps: sampleSteps }));
  const seconds = (performance.now() - t) / 1000;
  const row = { guidance: g, seconds, ...score(images) };
  if (classModel) {
    t = performance.now();
    const byClass = new Float32Array(10 * perClass * P);
    for (let c = 0; c < 10; c++) byClass.set(classModel.sample(perClass, { classLabel: c, guidance: g, scheduler, steps: sampleSteps, rng: createRng(100 + c) }).samples, c * perClass * P);
    row.classModel = { digitAccuracy: classifier.accuracy(byClass, prompts.labels), fcd: fcd(byClass) };
  }
  rows.push(row);
}
const res = { date: new Date().toISOString(), backend: info.backend, scheduler, steps: sampleSteps, captions: captions.length, examples: captions.slice(0, 300).filter((_, i) => i % 30 === 0), chance, rows };
if (args.includes('--json')) console.log(JSON.stringify(res));
else {
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  console.log(`text → image on ${captions.length} captions of held-out digits in ${phrasings === 'test' ? 'unseen' : 'training'} phrasings (e.g. ${res.examples.slice(0, 3).map((c) => JSON.stringify(c)).join(', ')}); ${scheduler} ${sampleSteps}; backend ${info.backend}; ${res.date}`);
  console.log('\n| guidance | digit accuracy | thickness agrees | slant agrees | size agrees | Fréchet classifier distance | s per image | class-label model: digit accuracy / FCD |\n|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| real digits of the same class, other images (chance for the attributes) | ${pct(chance.digitAccuracy)} | ${pct(chance.thickness.agreement)} | ${pct(chance.slant.agreement)} | ${pct(chance.size.agreement)} | (the reference) | | |`);
  for (const r of rows) console.log(`| ${r.guidance} | ${pct(r.digitAccuracy)} | ${pct(r.thickness.agreement)} (${r.thickness.captions}) | ${pct(r.slant.agreement)} (${r.slant.captions}) | ${pct(r.size.agreement)} (${r.size.captions}) | ${r.fcd.toFixed(2)} | ${(r.seconds / captions.length).toFixed(3)} | ${r.classModel ? `${pct(r.classModel.digitAccuracy)} / ${r.classModel.fcd.toFixed(2)}` : '-'} |`);
}
