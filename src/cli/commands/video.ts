/**
 * `ardiff video train` and `ardiff video predict`: next-frame prediction on moving digits (one or
 * two 14×14 MNIST digits bouncing in a 28×28 frame, made in code from the `mnist` package) by the
 * autoregressive ConvGRU, the frame-conditional diffusion model, and — given both — the hybrid
 * (each ConvGRU prediction refined by the diffusion model).
 *
 *   ardiff video train --model convgru|diffusion [--digits 1|2] [--sequences 2000] [--steps N]
 *                      [--batch-size B] [--lr r] [--hidden 32] [--window 10] [--teacher-frames c] [--past 2] [--channels 16]
 *                      [--condition future|ar --ar convgru.json] [--seed S] --out model.json [--json]
 *   ardiff video predict --model a.json[,b.json] [--n 3] [--digits 1|2] [--context 10] [--horizon 10]
 *                        [--scheduler dpm++] [--steps K] [--strength 0.5] [--seed S] --out strip.png
 *                        [--gif animation.gif] [--json]
 *
 * Training sequences come from the training digits, the predicted ones from the held-out digits.
 * `train --json` prints {"model", "steps", "seconds", "loss", "parameters", "out"}; `predict --json`
 * prints per model (and for copy-last-frame, the floor) the MSE and SSIM of each future frame.
 */
import type { Command } from 'commander';
import { ArgumentError, DataError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { checkOutputs, writeFileAtomic } from '../../node/files.js';
import { loadMnist } from '../../node/mnist.js';
import { writeImageGrid } from '../../node/png.js';
import { writeGreyGif } from '../../node/gif.js';
import { readJsonFile } from '../../node/data.js';
import { movingDigits } from '../../diffusion/data/moving-digits.js';
import { SCHEDULER_NAMES } from '../../diffusion/scheduler-names.js';
import type { ConvGRUPredictor } from '../../neural/conv-gru.js';
import type { VideoDiffusion } from '../../hybrid/video.js';
import { choiceFlag, intFlag, namesFlag, numberFlag } from '../flags.js';
import { flagAction, progress } from '../json.js';

interface TrainFlags {
  model: string;
  digits?: string;
  sequences?: string;
  steps?: string;
  batchSize?: string;
  lr?: string;
  hidden?: string;
  window?: string;
  teacherFrames?: string;
  past?: string;
  channels?: string;
  condition?: string;
  ar?: string;
  seed?: string;
  out: string;
  json?: boolean;
}

interface PredictFlags {
  model: string;
  n?: string;
  digits?: string;
  context?: string;
  horizon?: string;
  scheduler?: string;
  steps?: string;
  strength?: string;
  seed?: string;
  out: string;
  gif?: string;
  json?: boolean;
}

const FLAG_OF: Record<string, string> = {
  steps: '--steps', batchSize: '--batch-size', lr: '--lr', hidden: '--hidden', window: '--window', teacherFrames: '--teacher-frames', past: '--past', baseChannels: '--channels',
  count: '--sequences', digits: '--digits', k: '--context', horizon: '--horizon', strength: '--strength', scheduler: '--scheduler', model: '--model', condition: '--condition', ar: '--ar',
};

/** Frame size, digit size and frames per training sequence of the moving digits. */
const FRAME = 28, DIGIT = 14, LENGTH = 20;

function digitsFlag(s: string | undefined): 1 | 2 {
  return Number(choiceFlag(s, '--digits', ['1', '2'] as const, '1')) as 1 | 2;
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const kind = choiceFlag(flags.model, '--model', ['convgru', 'diffusion'] as const)!;
  const digits = digitsFlag(flags.digits);
  const count = intFlag(flags.sequences, '--sequences', 2, 2000);
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const steps = intFlag(flags.steps, '--steps', 1, kind === 'convgru' ? 1500 : 2000);
  const common = { steps, seed, batchSize: intFlag(flags.batchSize, '--batch-size', 1), lr: numberFlag(flags.lr, '--lr', { min: Number.MIN_VALUE }) };
  const only = (flag: string, value: string | undefined, model: string) => {
    if (value !== undefined && kind !== model) throw new ArgumentError(`${flag} sets the ${model} model; --model is ${kind}`, flag);
  };
  only('--hidden', flags.hidden, 'convgru');
  only('--window', flags.window, 'convgru');
  only('--teacher-frames', flags.teacherFrames, 'convgru');
  only('--past', flags.past, 'diffusion');
  only('--channels', flags.channels, 'diffusion');
  only('--condition', flags.condition, 'diffusion');
  const condition = choiceFlag(flags.condition, '--condition', ['future', 'ar'] as const, 'future')!;
  if (condition === 'ar' && flags.ar === undefined) throw new ArgumentError('--condition ar needs --ar, the ConvGRU model whose predictions the diffusion model is conditioned on', '--ar');
  if (condition !== 'ar' && flags.ar !== undefined) throw new ArgumentError('--ar is for --condition ar', '--ar');
  const hidden = intFlag(flags.hidden, '--hidden', 2, 32);
  const window = intFlag(flags.window, '--window', 2, 10);
  const past = intFlag(flags.past, '--past', 1, 2);
  const baseChannels = intFlag(flags.channels, '--channels', 1, 16);
  if (window > LENGTH) throw new ArgumentError(`--window must be 2…${LENGTH} frames (the training sequences' length), got ${window}`, '--window');
  const teacherFrames = intFlag(flags.teacherFrames, '--teacher-frames', 1);
  if (teacherFrames !== undefined && teacherFrames > window) throw new ArgumentError(`--teacher-frames must be 1…${window} (the window), got ${teacherFrames}`, '--teacher-frames');
  checkOutputs([['--out', flags.out]], flags.ar === undefined ? [] : [['--ar', flags.ar]]);
  const arJSON = flags.ar === undefined ? undefined : readJSON(flags.ar, '--ar');
  const train = loadMnist({ size: DIGIT });
  const video = movingDigits(train.images, train.labels, DIGIT, { count, frames: LENGTH, frameSize: FRAME, digits, rng: createRng(seed + 1) });
  const { initEngine } = await import('../../neural/engine/init.js');
  await initEngine();
  const bar = progress(`train ${kind}`, steps, !flags.json, '{value}/{total} steps | loss {loss} | eta {eta_formatted}');
  bar.update(0, { loss: '-' });
  const onStep = ({ step, loss }: { step: number; loss: number }) => bar.update(step, { loss: loss.toFixed(4) });
  let json: unknown, losses: ArrayLike<number>, parameters: number;
  const started = performance.now();
  try {
    if (kind === 'convgru') {
      const { trainConvGRU } = await import('../../neural/conv-gru.js');
      const model = trainConvGRU(video.frames, LENGTH, FRAME, { ...common, hidden, window, ...(teacherFrames === undefined ? {} : { teacherFrames }), onStep });
      json = model.toJSON();
      losses = model.training!.losses;
      parameters = model.parameterCount();
      model.dispose();
    } else {
      const [{ fitVideoDiffusion }, { convGRUFromJSON }] = await Promise.all([import('../../hybrid/video.js'), import('../../neural/conv-gru.js')]);
      const lossList: number[] = [];
      let ar: ConvGRUPredictor | undefined;
      try {
        ar = arJSON === undefined ? undefined : convGRUFromJSON(arJSON);
      } catch (e) {
        throw e instanceof DataError ? new DataError(`--ar: ${e.message}`, '--ar') : e;
      }
      let model;
      try {
        model = fitVideoDiffusion(video, { ...common, past, baseChannels, condition, ...(ar ? { ar } : {}), onStep: (i) => { lossList.push(i.loss); onStep(i); } });
      } finally {
        ar?.dispose();
      }
      json = model.toJSON();
      losses = lossList;
      parameters = model.model.denoiser.params.count();
    }
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const tail = Array.from(losses).slice(Math.floor(losses.length * 0.9));
  const loss = tail.reduce((a, b) => a + b, 0) / tail.length;
  writeFileAtomic(flags.out, JSON.stringify(json), '--out');
  const report = { model: kind, steps, seconds, loss, parameters, out: flags.out };
  if (flags.json) console.log(JSON.stringify(report));
  else console.log(`trained the ${kind === 'convgru' ? 'ConvGRU' : 'frame diffusion'} model (${parameters} weights) on ${count} sequences of ${digits} moving digit${digits === 1 ? '' : 's'} in ${seconds.toFixed(0)} s (final loss ${loss.toFixed(4)}); written to ${flags.out}`);
}

function readJSON(path: string, flag = '--model'): unknown {
  return readJsonFile(path, flag, "give a file written by 'ardiff video train'");
}

async function runPredict(flags: PredictFlags): Promise<void> {
  const files = namesFlag(flags.model, '--model');
  if (files.length > 2) throw new ArgumentError(`--model takes one ConvGRU and/or one diffusion model file, got ${files.length} files`, '--model');
  const n = intFlag(flags.n, '--n', 1, 3);
  const digits = digitsFlag(flags.digits);
  const k = intFlag(flags.context, '--context', 1, 10);
  const horizon = intFlag(flags.horizon, '--horizon', 1, 10);
  const scheduler = choiceFlag(flags.scheduler, '--scheduler', SCHEDULER_NAMES, 'dpm++')!;
  const steps = intFlag(flags.steps, '--steps', 1);
  const strength = numberFlag(flags.strength, '--strength', { min: Number.MIN_VALUE, max: 1 });
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  // n × (k + horizon) frames per model and the GIF: a generous bound checked before any work.
  if (n * (k + horizon) > 100_000) {
    const flag = k + horizon > 100_000 ? (horizon >= k ? '--horizon' : '--context') : '--n';
    throw new ArgumentError(`${flag}: ${n} sequence${n === 1 ? '' : 's'} of ${k} + ${horizon} frames is more than 100,000 frames; predict fewer`, flag);
  }
  checkOutputs([['--out', flags.out], ['--gif', flags.gif]], files.map((f) => ['--model', f] as const));
  if (!flags.out.toLowerCase().endsWith('.png')) throw new ArgumentError(`--out writes a PNG strip; give a file name ending in .png, got '${flags.out}'`, '--out');
  if (flags.gif !== undefined && !flags.gif.toLowerCase().endsWith('.gif')) throw new ArgumentError(`--gif writes an animated GIF; give a file name ending in .gif, got '${flags.gif}'`, '--gif');
  const jsons = files.map((f) => readJSON(f));
  const [{ initEngine }, { convGRUFromJSON }, { videoDiffusionFromJSON, frameScores, copyLastFrame }] = await Promise.all([
    import('../../neural/engine/init.js'), import('../../neural/conv-gru.js'), import('../../hybrid/video.js'),
  ]);
  await initEngine();
  let gru: ConvGRUPredictor | undefined, diff: VideoDiffusion | undefined;
  try {
    jsons.forEach((j, i) => {
      const kind = (j as { kind?: unknown } | null)?.kind;
      if (kind === 'conv-gru-video' && !gru) gru = convGRUFromJSON(j);
      else if (kind === 'video-diffusion' && !diff) diff = videoDiffusionFromJSON(j);
      else throw new DataError(`--model '${files[i]}' is ${kind === 'conv-gru-video' || kind === 'video-diffusion' ? 'a second model of the same kind' : `not a video model (kind '${String(kind)}')`}; give one ConvGRU and/or one diffusion model from 'ardiff video train'`, '--model');
    });
    const size = (gru ?? diff)!.size;
    if (gru && diff && gru.size !== diff.size) throw new DataError(`the ConvGRU predicts ${gru.size}×${gru.size} frames, the diffusion model ${diff.size}×${diff.size}`, '--model');
    if (size !== FRAME) throw new DataError(`the model predicts ${size}×${size} frames; the moving digits are ${FRAME}×${FRAME}`, '--model');
    if (diff && k < diff.past) throw new ArgumentError(`the diffusion model is conditioned on ${diff.past} past frames; give --context ≥ ${diff.past}`, '--context');
    if (flags.steps !== undefined && !diff) throw new ArgumentError('--steps sets the diffusion sampler; no diffusion model was given', '--steps');
    if (flags.strength !== undefined && !(gru && diff)) throw new ArgumentError('--strength sets the hybrid, which needs a ConvGRU and a diffusion model', '--strength');
    const test = loadMnist({ size: DIGIT, split: 'test' });
    const T = k + horizon, px = FRAME * FRAME;
    const video = movingDigits(test.images, test.labels, DIGIT, { count: n, frames: T, frameSize: FRAME, digits, rng: createRng(seed + 1) });
    const context = new Float32Array(n * k * px), truth = new Float32Array(n * horizon * px);
    for (let s = 0; s < n; s++) {
      context.set(video.frames.subarray(s * T * px, (s * T + k) * px), s * k * px);
      truth.set(video.frames.subarray((s * T + k) * px, (s + 1) * T * px), s * horizon * px);
    }
    const sample = { scheduler, ...(steps === undefined ? {} : { steps }), rng: createRng(seed) };
    const rows: { name: string; frames: Float32Array; seconds: number }[] = [];
    const run = (name: string, f: () => Float32Array) => {
      const t0 = performance.now();
      const frames = f();
      rows.push({ name, frames, seconds: (performance.now() - t0) / 1000 });
    };
    if (gru) run('convgru', () => gru!.predict(context, k, horizon));
    if (diff?.condition === 'ar' && !gru) throw new ArgumentError('this diffusion model is conditioned on a ConvGRU\'s predictions; give the ConvGRU too (--model gru.json,diffusion.json)', '--model');
    if (diff && diff.condition === 'future') run('diffusion', () => diff!.predict(context, k, horizon, sample));
    if (gru && diff) run('hybrid', () => diff!.refineRollout(gru!, context, k, horizon, { ...sample, strength: strength ?? (diff!.condition === 'ar' ? 1 : 0.5) }));
    const floor = copyLastFrame(context, k, horizon, FRAME);
    // The strip: per sequence the truth (context, then future), then each model's future after a grey context.
    const strip = new Float32Array(n * (1 + rows.length) * T * px);
    let o = 0;
    for (let s = 0; s < n; s++) {
      strip.set(video.frames.subarray(s * T * px, (s + 1) * T * px), o);
      o += T * px;
      for (const r of rows) {
        strip.fill(0.5, o, o + k * px);
        strip.set(r.frames.subarray(s * horizon * px, (s + 1) * horizon * px), o + k * px);
        o += T * px;
      }
    }
    writeImageGrid(flags.out, strip, { height: FRAME, width: FRAME, cols: T, scale: 2 }, '--out');
    if (flags.gif) {
      // Every sequence a row, truth then each model side by side; the context frames are shared.
      const cols = 1 + rows.length, W = cols * FRAME, Hh = n * FRAME;
      const frames = new Float32Array(T * Hh * W);
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < n; s++) {
          for (let c = 0; c < cols; c++) {
            const src = c === 0 || t < k ? video.frames.subarray((s * T + t) * px) : rows[c - 1].frames.subarray((s * horizon + t - k) * px);
            for (let y = 0; y < FRAME; y++) for (let x = 0; x < FRAME; x++) frames[t * Hh * W + (s * FRAME + y) * W + c * FRAME + x] = src[y * FRAME + x];
          }
        }
      }
      writeGreyGif(flags.gif, frames, T, { width: W, height: Hh, fps: 4, scale: 3 }, '--gif');
    }
    const scored = [{ name: 'copy-last-frame', frames: floor, seconds: 0 }, ...rows].map((r) => ({ model: r.name, seconds: r.seconds, ...frameScores(r.frames, truth, horizon, FRAME) }));
    if (flags.json) {
      console.log(JSON.stringify({ sequences: n, context: k, horizon, models: scored, out: flags.out, ...(flags.gif ? { gif: flags.gif } : {}) }));
    } else {
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      for (const r of scored) console.log(`${r.model.padEnd(16)} MSE ${mean(r.mse).toFixed(4)} (frame 1 ${r.mse[0].toFixed(4)}, frame ${horizon} ${r.mse[horizon - 1].toFixed(4)})  SSIM ${mean(r.ssim).toFixed(3)}  ${r.seconds.toFixed(1)} s`);
      console.log(`${n} held-out sequence${n === 1 ? '' : 's'} (rows: truth, ${rows.map((r) => r.name).join(', ')}) written to ${flags.out}${flags.gif ? ` and ${flags.gif}` : ''}`);
    }
  } finally {
    gru?.dispose();
  }
}

/** Adds `ardiff video train` and `ardiff video predict`. */
export function registerVideoCommands(program: Command): void {
  const cmd = program.command('video').description('next-frame prediction on moving digits: the ConvGRU (autoregressive), the frame diffusion model, and their hybrid');
  cmd
    .command('train')
    .description('train a video model on moving digits made from the training digits')
    .requiredOption('--model <kind>', 'convgru (autoregressive) or diffusion (frame-conditional, MCVD-style)')
    .option('--digits <d>', 'digits per sequence, 1 (default) or 2')
    .option('--sequences <n>', 'training sequences of 20 frames (default 2000)')
    .option('--steps <n>', 'training steps (default 1500 convgru, 2000 diffusion)')
    .option('--batch-size <b>', 'sequences (convgru, default 8) or frames (diffusion, default 16) per step')
    .option('--lr <r>', 'peak learning rate (default 2e-3 convgru, 5e-4 diffusion)')
    .option('--hidden <c>', 'convgru: channels of the recurrent state (default 32)')
    .option('--window <w>', 'convgru: frames per training window (default 10)')
    .option('--teacher-frames <c>', 'convgru: frames of each window given; later inputs are its own predictions (default: all, teacher forcing)')
    .option('--past <p>', 'diffusion: frames before the predicted one it is conditioned on (default 2)')
    .option('--channels <c>', 'diffusion: U-Net base channels (default 16)')
    .option('--condition <c>', 'diffusion: the last context frame is the next one (future: prediction and interpolation, default) or a ConvGRU\'s prediction (ar)')
    .option('--ar <convgru.json>', 'diffusion --condition ar: the ConvGRU model whose one-step predictions condition it')
    .option('--seed <s>', 'seed of the sequences, weights and batches (default 0)')
    .requiredOption('--out <model.json>', 'where to write the model')
    .option('--json', 'print {"model", "steps", "seconds", "loss", "parameters", "out"}')
    .action(flagAction(runTrain, FLAG_OF));
  cmd
    .command('predict')
    .description('predict the next frames of held-out sequences; write a PNG strip (truth above, each model below) and the per-frame MSE/SSIM')
    .requiredOption('--model <files>', 'a ConvGRU and/or a diffusion model from `ardiff video train`, comma-separated (both: the hybrid too)')
    .option('--n <n>', 'sequences (default 3)')
    .option('--digits <d>', 'digits per sequence, 1 (default) or 2')
    .option('--context <k>', 'frames given (default 10)')
    .option('--horizon <h>', 'frames predicted (default 10)')
    .option('--scheduler <s>', `diffusion sampler: ${SCHEDULER_NAMES.join(', ')} (default dpm++)`)
    .option('--steps <k>', 'diffusion sampling steps (default 20 dpm++, 50 ddim/euler, 1000 ddpm)')
    .option('--strength <s>', 'hybrid: share of the noise schedule each ConvGRU frame is sent back up, (0, 1] (default 0.5; 1 for a model conditioned on the ConvGRU)')
    .option('--seed <s>', 'seed of the sequences and the draws (default 0)')
    .requiredOption('--out <strip.png>', 'where to write the strip')
    .option('--gif <animation.gif>', 'also write an animated GIF (truth and each model side by side)')
    .option('--json', 'print per model the MSE and SSIM of each future frame')
    .action(flagAction(runPredict, FLAG_OF));
}
