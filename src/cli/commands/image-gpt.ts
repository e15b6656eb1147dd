/**
 * `ardiff image-gpt train` and `ardiff image-gpt sample`: the autoregressive image model
 * (ImageGPT-style, ardiff/neural `trainImageGPT`) on the MNIST digits — the pixels of each digit in
 * raster order, quantised to a few grey levels, the class first.
 *
 *   ardiff image-gpt train --dataset mnist [--image-size 14|28] [--levels 4] [--steps 1500] [--layers 2]
 *                          [--width 64] [--heads 4] [--batch-size 16] [--lr 3e-3] [--seed S] --out model.json [--json]
 *   ardiff image-gpt sample --model model.json [--class C|all|none] [--n N] [--temperature T] [--seed S]
 *                           --out grid.png [--json]
 *
 * `train --json` prints {"steps", "seconds", "bitsPerPixel" (held-out, exact), "parameters", "out"};
 * `sample --json` prints {"n", "seconds", "networkCalls", "out"}.
 */
import type { Command } from 'commander';
import { ArgumentError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { checkOutputs, writeFileAtomic } from '../../node/files.js';
import { loadMnist } from '../../node/mnist.js';
import { writeImageGrid } from '../../node/png.js';
import { readJsonFile } from '../../node/data.js';
import { choiceFlag, intFlag, numberFlag } from '../flags.js';
import { flagAction, progress } from '../json.js';

interface TrainFlags {
  dataset: string;
  imageSize?: string;
  levels?: string;
  steps?: string;
  layers?: string;
  width?: string;
  heads?: string;
  batchSize?: string;
  lr?: string;
  seed?: string;
  out: string;
  json?: boolean;
}

interface SampleFlags {
  model: string;
  class?: string;
  n?: string;
  temperature?: string;
  seed?: string;
  out: string;
  json?: boolean;
}

const FLAG_OF: Record<string, string> = {
  levels: '--levels', steps: '--steps', nLayer: '--layers', dModel: '--width', nHead: '--heads', batchSize: '--batch-size', lr: '--lr',
  classLabel: '--class', temperature: '--temperature', n: '--n', model: '--model', dataset: '--dataset',
};

async function runTrain(flags: TrainFlags): Promise<void> {
  if (flags.dataset !== 'mnist') throw new ArgumentError(`--dataset must be mnist (the digits of the 'mnist' package); got '${flags.dataset}'`, '--dataset');
  const size = Number(choiceFlag(flags.imageSize, '--image-size', ['14', '28'] as const, '14')) as 14 | 28;
  const levels = intFlag(flags.levels, '--levels', 2, 4);
  const steps = intFlag(flags.steps, '--steps', 1, 1500);
  const options = {
    levels, steps, seed: intFlag(flags.seed, '--seed', 0, 0),
    nLayer: intFlag(flags.layers, '--layers', 1), dModel: intFlag(flags.width, '--width', 1), nHead: intFlag(flags.heads, '--heads', 1),
    batchSize: intFlag(flags.batchSize, '--batch-size', 1), lr: numberFlag(flags.lr, '--lr'),
  };
  checkOutputs([['--out', flags.out]], []);
  const train = loadMnist({ size }), test = loadMnist({ size, split: 'test' });
  const [{ initEngine }, { trainImageGPT }] = await Promise.all([import('../../neural/engine/init.js'), import('../../neural/image-gpt.js')]);
  await initEngine();
  const bar = progress('train image-gpt', steps, !flags.json, '{value}/{total} steps | {loss} bits/pixel | eta {eta_formatted}');
  bar.update(0, { loss: '-' });
  let model;
  try {
    model = trainImageGPT(train.images, train.labels, { ...options, onStep: ({ step, loss }) => bar.update(step, { loss: loss.toFixed(3) }) });
  } finally {
    bar.stop();
  }
  try {
    const bitsPerPixel = model.bitsPerPixel(test.images, test.labels);
    writeFileAtomic(flags.out, JSON.stringify(model.toJSON()), '--out');
    const report = { steps, seconds: model.training?.seconds ?? 0, bitsPerPixel, parameters: model.parameterCount(), out: flags.out };
    if (flags.json) console.log(JSON.stringify(report));
    else console.log(`trained an image GPT (${report.parameters} weights, ${levels} levels, ${size}×${size}) in ${report.seconds.toFixed(0)} s: ${bitsPerPixel.toFixed(4)} bits/pixel on ${test.count} held-out digits given their class (exact); written to ${flags.out}`);
  } finally {
    model.dispose();
  }
}

async function runSample(flags: SampleFlags): Promise<void> {
  const n = intFlag(flags.n, '--n', 1, 10);
  const temperature = numberFlag(flags.temperature, '--temperature');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  checkOutputs([['--out', flags.out]], [['--model', flags.model]]);
  if (!flags.out.toLowerCase().endsWith('.png')) throw new ArgumentError(`--out writes a PNG grid of the samples; give a file name ending in .png, got '${flags.out}'`, '--out');
  const json = readJsonFile(flags.model, '--model', "give a file written by 'ardiff image-gpt train'");
  const [{ initEngine }, { imageGPTFromJSON }] = await Promise.all([import('../../neural/engine/init.js'), import('../../neural/image-gpt.js')]);
  await initEngine();
  const model = imageGPTFromJSON(json);
  try {
    const which = flags.class ?? 'all';
    // --class all draws --n of every class: checked before the labels are made.
    model.checkCount(which === 'all' ? model.classes * n : n, '--n');
    let labels: number[] | undefined;
    if (which === 'all') labels = Array.from({ length: model.classes * n }, (_, i) => Math.floor(i / n));
    else if (which !== 'none') {
      const c = Number(which);
      if (!Number.isInteger(c) || c < 0 || c >= model.classes) throw new ArgumentError(`--class must be all, none or a class 0…${model.classes - 1}; got '${which}'`, '--class');
      labels = new Array<number>(n).fill(c);
    }
    const total = labels?.length ?? n;
    const started = performance.now();
    const r = model.sample(total, { classLabel: labels, rng: createRng(seed), ...(temperature === undefined ? {} : { temperature }) });
    const seconds = (performance.now() - started) / 1000;
    writeImageGrid(flags.out, r.images, { height: model.height, width: model.width, cols: which === 'all' ? n : Math.ceil(Math.sqrt(total)), scale: 2 }, '--out');
    if (flags.json) console.log(JSON.stringify({ n: total, seconds, networkCalls: r.networkCalls, out: flags.out }));
    else console.log(`${total} images (${r.networkCalls} sequential network calls each) in ${seconds.toFixed(1)} s written to ${flags.out}`);
  } finally {
    model.dispose();
  }
}

/** Adds `ardiff image-gpt train` and `ardiff image-gpt sample`. */
export function registerImageGptCommands(program: Command): void {
  const cmd = program.command('image-gpt').description('an autoregressive image model (ImageGPT-style) on the MNIST digits: train, sample');
  cmd
    .command('train')
    .description('train the Transformer on the pixels of the digits in raster order (quantised, class first)')
    .requiredOption('--dataset <d>', 'mnist')
    .option('--image-size <s>', '14 (2×2 averages, default) or 28')
    .option('--levels <l>', 'grey levels per pixel, 2…16 (default 4)')
    .option('--steps <n>', 'training steps (default 1500)')
    .option('--layers <n>', 'Transformer blocks (default 2)')
    .option('--width <c>', 'width of the residual stream (default 64)')
    .option('--heads <h>', 'attention heads (default 4)')
    .option('--batch-size <b>', 'images per step (default 16)')
    .option('--lr <r>', 'peak learning rate (default 3e-3)')
    .option('--seed <s>', 'seed of the weights and batches (default 0)')
    .requiredOption('--out <model.json>', 'where to write the model')
    .option('--json', 'print {"steps", "seconds", "bitsPerPixel", "parameters", "out"}')
    .action(flagAction(runTrain, FLAG_OF));
  cmd
    .command('sample')
    .description('draw digits pixel by pixel (one cached network call per pixel) and write a PNG grid')
    .requiredOption('--model <model.json>', 'a model from `ardiff image-gpt train`')
    .option('--class <c>', 'all (default: --n of each class), none (no class), or one class')
    .option('--n <n>', 'images (of each class with --class all; default 10)')
    .option('--temperature <t>', 'softmax temperature (default 1)')
    .option('--seed <s>', 'seed of the draws (default 0)')
    .requiredOption('--out <grid.png>', 'where to write the grid')
    .option('--json', 'print {"n", "seconds", "networkCalls", "out"}')
    .action(flagAction(runSample, FLAG_OF));
}
