/**
 * `ardiff diffusion train` and `ardiff diffusion sample`: thin commands over ardiff/diffusion.
 *
 *   ardiff diffusion train --dataset moons|swissroll|8gaussians|mnist|FILE.csv [--columns x,y] [--steps N]
 *                          [--schedule linear|cosine] [--prediction epsilon|v] [--conditional]
 *                          [--image-size 14|28] [--seed S] --out model.json [--json]
 *   ardiff diffusion sample --model model.json --n N [--scheduler ddpm|ddim|dpm++|euler]
 *                           [--inference-steps K] [--class C|all --guidance G] [--seed S]
 *                           --out samples.csv|grid.png
 *   ardiff diffusion restore --model audio.json --input noisy.wav --out restored.wav [--noise-sd S]
 *                            [--add-noise SNR --noisy-out noisy.wav] [--clean clean.wav]
 */
import { Command, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { ArgumentError, DataError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { numericColumn, readTable } from '../../core/series.js';
// The tensor engine and the models are imported inside the actions, so that other commands do not
// pay for loading TensorFlow.js.
import type { DiffusionModel, DiffusionModelJSON, FitDiffusionOptions } from '../../diffusion/model.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../../diffusion/scheduler-names.js';
import type { TrainCheckpoint } from '../../diffusion/train.js';
import { addWhiteNoise, frameSignal, snrDb } from '../../diffusion/audio.js';
import { slidingWindows } from '../../diffusion/windows.js';
import { readWav, writeWav } from '../../core/wav.js';
import { toyDataLabelled, TOY_DATASETS, type ToyDataset } from '../../diffusion/toy-data.js';
import { loadMnist } from '../../diffusion/mnist.js';
import { writeImageGrid } from '../../core/png.js';
import type { PredictionType } from '../../diffusion/schedulers/common.js';

interface TrainFlags {
  dataset: string;
  columns?: string;
  labelColumn?: string;
  rows?: string;
  steps?: string;
  schedule?: string;
  prediction?: string;
  conditional?: boolean;
  width?: string;
  blocks?: string;
  batchSize?: string;
  lr?: string;
  ema?: string;
  imageSize?: string;
  channels?: string;
  frame?: string;
  window?: string;
  stride?: string;
  returns?: string;
  checkpointEvery?: string;
  resume?: string;
  seed?: string;
  out: string;
  json?: boolean;
}

interface SampleFlags {
  model: string;
  n: string;
  scheduler?: string;
  inferenceSteps?: string;
  class?: string;
  guidance?: string;
  eta?: string;
  seed?: string;
  cols?: string;
  out?: string;
  json?: boolean;
}

function int(s: string | undefined, flag: string, fallback: number, min = 1): number {
  if (s === undefined) return fallback;
  const v = Number(s);
  if (!Number.isInteger(v) || v < min) throw new ArgumentError(`${flag} must be an integer ≥ ${min}; got '${s}'`, flag);
  return v;
}

function real(s: string | undefined, flag: string): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new ArgumentError(`${flag} must be a number; got '${s}'`, flag);
  return v;
}

function progressBar(total: number, enabled: boolean): { tick: (loss: number) => void; stop: () => void } {
  if (!enabled) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'training [{bar}] {value}/{total} steps | loss {loss}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { loss: '-' });
  return { tick: (loss) => bar.increment(1, { loss: loss.toFixed(4) }), stop: () => bar.stop() };
}

/** The rows to train on and what kind of denoiser and scaling suit them. */
interface TrainingSet {
  data: Float64Array | Float32Array;
  dim: number;
  columns: string[];
  labels?: Int32Array;
  classNames?: string[];
  kind: 'rows' | 'image' | 'audio' | 'windows';
  /** Denoiser, scaling and defaults of this kind of data. */
  fit: Pick<FitDiffusionOptions, 'denoiser' | 'scaling' | 'sampleRate'> & { batchSize: number; lr: number; emaDecay: number };
}

function mlpFit(flags: TrainFlags, width: number): TrainingSet['fit'] {
  return { denoiser: { width: int(flags.width, '--width', width), blocks: int(flags.blocks, '--blocks', 3, 0) }, batchSize: 256, lr: 1e-3, emaDecay: 0.995 };
}

/** Flags that belong to one kind of data only: a typed error when given for another. */
const ONLY_FOR: Record<string, { kinds: TrainingSet['kind'][]; what: string }> = {
  imageSize: { kinds: ['image'], what: '--dataset mnist' },
  channels: { kinds: ['image', 'audio'], what: '--dataset mnist or WAV files' },
  frame: { kinds: ['audio'], what: 'WAV files' },
  window: { kinds: ['windows'], what: 'a CSV series (--columns one column)' },
  stride: { kinds: ['windows'], what: '--window' },
  returns: { kinds: ['windows'], what: '--window' },
  width: { kinds: ['rows', 'windows'], what: 'the MLP denoiser (2-D sets, CSV rows, --window); U-Nets take --channels' },
  blocks: { kinds: ['rows', 'windows'], what: 'the MLP denoiser (2-D sets, CSV rows, --window); U-Nets take --channels' },
};

/**
 * Reads the training rows: a 2-D test distribution, the MNIST digits (a 2-D U-Net), frames of WAV
 * recordings (a 1-D U-Net), windows of one CSV series (--window), or numeric columns of a CSV.
 */
function trainingData(flags: TrainFlags, seed: number): TrainingSet {
  const set = readTrainingSet(flags, seed);
  for (const [flag, rule] of Object.entries(ONLY_FOR)) {
    if (flags[flag as keyof TrainFlags] !== undefined && !rule.kinds.includes(set.kind)) {
      const name = '--' + flag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
      throw new ArgumentError(`${name} applies to ${rule.what}`, name);
    }
  }
  if (flags.rows !== undefined && !(TOY_DATASETS as readonly string[]).includes(flags.dataset)) throw new ArgumentError('--rows applies to the 2-D test distributions', '--rows');
  return set;
}

function readTrainingSet(flags: TrainFlags, seed: number): TrainingSet {
  const classes = (k: number) => Array.from({ length: k }, (_, i) => String(i));
  if ((TOY_DATASETS as readonly string[]).includes(flags.dataset)) {
    const n = int(flags.rows, '--rows', 4000);
    const { data, labels, numClasses } = toyDataLabelled(flags.dataset as ToyDataset, n, createRng(seed + 1));
    const out: TrainingSet = { data: Float64Array.from(data), dim: 2, columns: ['x', 'y'], kind: 'rows', fit: mlpFit(flags, 128) };
    return flags.conditional ? { ...out, labels, classNames: classes(numClasses) } : out;
  }
  if (flags.dataset === 'mnist') {
    const size = int(flags.imageSize, '--image-size', 14);
    if (size !== 14 && size !== 28) throw new ArgumentError(`--image-size must be 14 or 28; got ${size}`, '--image-size');
    const { images, labels } = loadMnist({ size });
    // The U-Net (14×14: two levels; 28×28: three); pixels [0, 1] → [−1, 1].
    const out: TrainingSet = {
      data: images, dim: size * size, columns: Array.from({ length: size * size }, (_, i) => `p${i}`), kind: 'image',
      fit: {
        denoiser: { kind: 'unet2d', height: size, baseChannels: int(flags.channels, '--channels', size === 14 ? 16 : 32), channelMults: size === 14 ? [1, 2] : [1, 2, 2] },
        scaling: { center: 0.5, scale: 0.5 }, batchSize: 32, lr: 5e-4, emaDecay: 0.999,
      },
    };
    return flags.conditional ? { ...out, labels, classNames: classes(10) } : out;
  }
  const files = flags.dataset.split(',').map((f) => f.trim());
  if (files.every((f) => f.toLowerCase().endsWith('.wav'))) {
    if (flags.conditional) throw new ArgumentError('--conditional needs class labels; WAV training data have none', '--conditional');
    // Frames of L samples every L/4: a 1-D U-Net of three halvings learns the waveform.
    const L = int(flags.frame, '--frame', 128);
    if (L % 8 !== 0) throw new ArgumentError(`--frame must be a multiple of 8 (the U-Net halves it three times); got ${L}`, '--frame');
    let sampleRate = 0;
    const parts = files.map((f) => {
      const w = readWav(f, '--dataset');
      if (w.channels.length !== 1) throw new DataError(`${f} has ${w.channels.length} channels; train on mono recordings (mix or split the channels first)`, '--dataset');
      if (sampleRate && w.sampleRate !== sampleRate) throw new DataError(`${f} is sampled at ${w.sampleRate} Hz, the first file at ${sampleRate} Hz; resample to one rate`, '--dataset');
      sampleRate = w.sampleRate;
      return frameSignal(w.channels[0], L, L / 4);
    });
    const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((o, p) => (data.set(p, o), o + p.length), 0);
    return {
      data, dim: L, columns: Array.from({ length: L }, (_, i) => `s${i + 1}`), kind: 'audio',
      fit: { denoiser: { kind: 'unet1d', baseChannels: int(flags.channels, '--channels', 16), depth: 3, channelMults: [1, 2, 2, 4] }, scaling: 'global', sampleRate, batchSize: 32, lr: 1e-3, emaDecay: 0.999 },
    };
  }
  const table = readTable(flags.dataset, '--dataset');
  if (flags.window !== undefined) {
    const L = int(flags.window, '--window', 24, 2);
    const names = flags.columns ? flags.columns.split(',').map((c) => c.trim()) : table.columns.filter((c) => c !== 'time' && c !== 'date');
    if (names.length !== 1) throw new ArgumentError(`--window cuts one series into windows; name it with --columns (one of ${names.join(', ')})`, '--columns');
    if (flags.conditional) throw new ArgumentError('--conditional needs class labels; windows of a series have none', '--conditional');
    const y = numericColumn(table, names[0], '--columns');
    y.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new DataError(`${flags.dataset}: column '${names[0]}', row ${i + 1} is missing; windows need a complete series — impute it or cut the series`, '--dataset');
    });
    const returns = flags.returns ?? 'none';
    let series: Float64Array;
    if (returns === 'log') {
      if (y.some((v) => !(v > 0))) throw new DataError(`--returns log needs a positive series; '${names[0]}' has values ≤ 0 (use --returns diff)`, '--returns');
      series = y.slice(1).map((v, i) => 100 * Math.log(v / y[i]));
    } else if (returns === 'diff') series = y.slice(1).map((v, i) => v - y[i]);
    else if (returns === 'none') series = y;
    else throw new ArgumentError(`--returns must be log, diff or none; got '${returns}'`, '--returns');
    const stride = int(flags.stride, '--stride', 1);
    if (series.length < L + 1) throw new DataError(`${flags.dataset}: '${names[0]}' gives ${series.length} values, too few for windows of ${L}`, '--window');
    const data = slidingWindows(series, L, stride);
    const prefix = returns === 'log' ? 'logret' : returns === 'diff' ? 'diff' : names[0];
    // Every position of a window is alike: one global scaling; a wider MLP than for 2-D points.
    return { data, dim: L, columns: Array.from({ length: L }, (_, i) => `${prefix}_${i + 1}`), kind: 'windows', fit: { ...mlpFit(flags, 256), scaling: 'global' } };
  }
  const columns = flags.columns ? flags.columns.split(',').map((c) => c.trim()) : table.columns.filter((c) => c !== flags.labelColumn);
  const cols = columns.map((c) => numericColumn(table, c, '--columns'));
  const n = table.rows.length;
  const data = new Float64Array(n * columns.length);
  cols.forEach((col, j) => col.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new DataError(`${flags.dataset}: column '${columns[j]}', row ${i + 1} is missing; diffusion training needs complete rows — remove or impute it`, '--dataset');
    data[i * columns.length + j] = v;
  }));
  const out: TrainingSet = { data, dim: columns.length, columns, kind: 'rows', fit: mlpFit(flags, 128) };
  if (!flags.conditional) return out;
  if (!flags.labelColumn) throw new ArgumentError('--conditional on a CSV file needs --label-column (the column holding each row\'s class)', '--label-column');
  const j = table.columns.indexOf(flags.labelColumn);
  if (j < 0) throw new DataError(`${flags.dataset} has no column '${flags.labelColumn}'`, '--label-column');
  const classNames = [...new Set(table.rows.map((r) => r[j]))].sort();
  const labels = Int32Array.from(table.rows, (r) => classNames.indexOf(r[j]));
  return { ...out, labels, classNames };
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const seed = int(flags.seed, '--seed', 0, 0);
  const steps = int(flags.steps, '--steps', 3000);
  const schedule = flags.schedule ?? 'linear';
  if (schedule !== 'linear' && schedule !== 'cosine') throw new ArgumentError(`--schedule must be linear or cosine; got '${schedule}'`, '--schedule');
  const { data, dim, columns, labels, classNames, fit, kind } = trainingData(flags, seed);
  const predictions: Record<string, PredictionType> = { epsilon: 'epsilon', v: 'v_prediction', sample: 'sample' };
  // Windows of returns: v-prediction keeps DDIM/DPM++ at the data's spread where ε-prediction
  // overshoots it by ~30% (bench/diffusion-series.js).
  const prediction = predictions[flags.prediction ?? (kind === 'windows' ? 'v' : 'epsilon')];
  if (!prediction) throw new ArgumentError(`--prediction must be epsilon, v or sample; got '${flags.prediction}'`, '--prediction');
  // Checkpoints go beside the model: model.json → model.checkpoint.json.
  const checkpointFile = flags.out.replace(/(\.json)?$/, '.checkpoint.json');
  const checkpointEvery = flags.checkpointEvery === undefined ? undefined : int(flags.checkpointEvery, '--checkpoint-every', 1);
  let resume: TrainCheckpoint | undefined;
  if (flags.resume !== undefined) {
    try {
      resume = JSON.parse(readFileSync(flags.resume, 'utf8')) as TrainCheckpoint;
    } catch (e) {
      throw new DataError(`--resume: cannot read '${flags.resume}' as JSON (${(e as Error).message})`, '--resume');
    }
  }
  const [{ initEngine }, { fitDiffusion }] = await Promise.all([import('../../neural/engine/init.js'), import('../../diffusion/model.js')]);
  await initEngine();
  const bar = progressBar(steps, !flags.json && !!process.stderr.isTTY);
  const started = performance.now();
  const model = fitDiffusion(data, dim, {
    ...(checkpointEvery === undefined ? {} : { checkpointEvery, onCheckpoint: (c: TrainCheckpoint) => writeFileSync(checkpointFile, JSON.stringify(c)) }),
    ...(resume ? { resume } : {}),
    ...fit,
    steps,
    seed,
    prediction,
    columns,
    labels,
    classNames,
    schedule: { betaSchedule: schedule === 'cosine' ? 'squaredcos_cap_v2' : 'linear' },
    batchSize: int(flags.batchSize, '--batch-size', fit.batchSize),
    lr: real(flags.lr, '--lr') ?? fit.lr,
    emaDecay: real(flags.ema, '--ema') ?? fit.emaDecay,
    onStep: ({ loss }) => bar.tick(loss),
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(flags.out, JSON.stringify(model.toJSON()));
  const summary = { steps, trainLoss: model.trainLoss, seconds, rows: data.length / dim, columns, classes: classNames ?? [], out: flags.out };
  const cols = columns.length <= 8 ? columns.join(', ') : `${columns.length} columns ${columns[0]}…${columns[columns.length - 1]}`;
  console.log(flags.json ? JSON.stringify(summary) : `trained ${steps} steps in ${seconds.toFixed(1)} s on ${summary.rows} rows (${cols}); final loss ${model.trainLoss.toFixed(4)}; model written to ${flags.out}`);
}

/** --scheduler (default ddim), or a typed error listing the known ones. */
function schedulerFlag(value: string | undefined): SchedulerName {
  const name = (value ?? 'ddim') as SchedulerName;
  if (!SCHEDULER_NAMES.includes(name)) throw new ArgumentError(`unknown scheduler '${value}'; use ${SCHEDULER_NAMES.join(', ')}`, '--scheduler');
  return name;
}

/** Starts the engine and reads a model file. */
async function readModel(file: string): Promise<DiffusionModel> {
  const [{ initEngine }, { DiffusionModel }] = await Promise.all([import('../../neural/engine/init.js'), import('../../diffusion/model.js')]);
  await initEngine();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`--model: cannot read '${file}' as JSON (${(e as Error).message})`, '--model');
  }
  return DiffusionModel.fromJSON(json as DiffusionModelJSON);
}

async function runSample(flags: SampleFlags): Promise<void> {
  const model = await readModel(flags.model);
  const n = int(flags.n, '--n', 1000);
  const scheduler = schedulerFlag(flags.scheduler);
  // --class all: n samples of every class in turn (one grid row per class).
  let classes: (number | undefined)[] = [undefined];
  if (flags.class !== undefined) {
    if (!model.conditional) throw new ArgumentError('--class needs a conditional model (train with --conditional); this model is unconditional', '--class');
    if (flags.class === 'all') classes = model.classNames.map((_, i) => i);
    else {
      const c = model.classNames.indexOf(flags.class);
      if (c < 0) throw new ArgumentError(`--class '${flags.class}' is not one of the model's classes: ${model.classNames.join(', ')} (or all)`, '--class');
      classes = [c];
    }
  }
  const png = flags.out?.endsWith('.png') ?? false;
  if (flags.out && !png && !flags.out.endsWith('.csv')) throw new ArgumentError(`--out must be a .csv file${model.image ? ' or a .png grid' : ''}; got '${flags.out}'`, '--out');
  if (png && !model.image) throw new ArgumentError(`--out ${flags.out}: PNG grids are for image models (trained on --dataset mnist); write a .csv file`, '--out');
  const seed = int(flags.seed, '--seed', 0, 0);
  const started = performance.now();
  const d = model.columns.length;
  const samples = new Float64Array(n * d * classes.length);
  classes.forEach((classLabel, k) => {
    const r = model.sample(n, {
      scheduler,
      steps: flags.inferenceSteps === undefined ? undefined : int(flags.inferenceSteps, '--inference-steps', 1),
      rng: createRng(seed + k),
      classLabel,
      guidance: real(flags.guidance, '--guidance'),
      eta: real(flags.eta, '--eta'),
    });
    samples.set(r.samples, k * n * d);
  });
  const seconds = (performance.now() - started) / 1000;
  const total = n * classes.length;
  if (png && model.image && flags.out) {
    writeImageGrid(flags.out, samples, { ...model.image, cols: int(flags.cols, '--cols', classes.length > 1 ? n : Math.ceil(Math.sqrt(total))), scale: 2 });
  } else {
    const lines = [model.columns.join(',')];
    for (let i = 0; i < total; i++) lines.push(Array.from(samples.subarray(i * d, (i + 1) * d), (v) => String(+v.toPrecision(7))).join(','));
    const csv = lines.join('\n') + '\n';
    if (flags.out) writeFileSync(flags.out, csv);
    else if (!flags.json) console.log(csv.trimEnd());
  }
  if (flags.json) console.log(JSON.stringify({ n: total, scheduler, seconds, columns: model.image ? d : model.columns, out: flags.out ?? null }));
  else if (flags.out) console.log(`${total} samples (${scheduler}) in ${seconds.toFixed(2)} s written to ${flags.out}`);
}

interface RestoreFlags {
  model: string;
  input: string;
  out: string;
  noiseSd?: string;
  addNoise?: string;
  noisyOut?: string;
  clean?: string;
  scheduler?: string;
  inferenceSteps?: string;
  seed?: string;
  json?: boolean;
}

/** `diffusion restore`: denoise a WAV recording with a model trained on clean audio frames. */
async function runRestore(flags: RestoreFlags): Promise<void> {
  const model = await readModel(flags.model);
  const { restoreAudio } = await import('../../diffusion/restore-audio.js');
  if (!model.extras.audio) throw new ArgumentError(`${flags.model} was not trained on audio; train one with --dataset FILE.wav`, '--model');
  const wav = readWav(flags.input, '--input');
  if (wav.channels.length !== 1) throw new DataError(`${flags.input} has ${wav.channels.length} channels; restore mono recordings`, '--input');
  const seed = int(flags.seed, '--seed', 0, 0);
  const scheduler = schedulerFlag(flags.scheduler);
  // --add-noise: the input is the clean recording; make the noisy one here (seeded) to measure.
  let clean: Float32Array | undefined;
  let noisy = wav.channels[0];
  const snrIn = real(flags.addNoise, '--add-noise');
  if (snrIn !== undefined) {
    clean = noisy;
    noisy = addWhiteNoise(clean, snrIn, createRng(seed + 1));
    if (flags.noisyOut) writeWav(flags.noisyOut, noisy, wav.sampleRate);
  } else if (flags.noisyOut) throw new ArgumentError('--noisy-out writes the noisy version made by --add-noise', '--noisy-out');
  if (flags.clean) {
    if (clean) throw new ArgumentError('--clean and --add-noise both say what the clean recording is; give one', '--clean');
    clean = readWav(flags.clean, '--clean').channels[0];
    if (clean.length !== noisy.length) throw new DataError(`--clean has ${clean.length} samples, --input ${noisy.length}; they must be the same recording`, '--clean');
  }
  const noiseSd = real(flags.noiseSd, '--noise-sd');
  const started = performance.now();
  const r = restoreAudio(model, noisy, {
    scheduler,
    steps: flags.inferenceSteps === undefined ? undefined : int(flags.inferenceSteps, '--inference-steps', 1),
    rng: createRng(seed),
    noiseSd,
    sampleRate: wav.sampleRate,
  });
  const seconds = (performance.now() - started) / 1000;
  writeWav(flags.out, r.signal, wav.sampleRate);
  const report = { out: flags.out, seconds, noiseSd: r.noiseSd, strength: r.strength, ...(clean ? { snrNoisyDb: snrDb(clean, noisy), snrRestoredDb: snrDb(clean, r.signal) } : {}) };
  if (flags.json) console.log(JSON.stringify(report));
  else {
    const snr = report.snrNoisyDb === undefined ? '' : `; SNR ${report.snrNoisyDb.toFixed(2)} dB → ${(report.snrRestoredDb ?? NaN).toFixed(2)} dB`;
    console.log(`restored ${flags.input} (noise sd ${r.noiseSd.toPrecision(3)}${noiseSd === undefined ? ', estimated' : ''}, from ${(100 * r.strength).toFixed(1)}% of the schedule) in ${seconds.toFixed(1)} s${snr}; written to ${flags.out}`);
  }
}

/** Adds `diffusion train` and `diffusion sample` to the program. */
export function registerDiffusionCommands(program: Command, fail: (e: unknown, json: boolean) => never): void {
  // Every action: run, and turn any error into the typed CLI failure (JSON with --json).
  const act = <F extends { json?: boolean }>(run: (flags: F) => Promise<void>) => async (flags: F): Promise<void> => {
    try {
      await run(flags);
    } catch (e) {
      fail(e, !!flags.json);
    }
  };
  const cmd = program.command('diffusion').description('train diffusion models on 2-D test data or CSV rows, and sample from them');
  cmd
    .command('train')
    .description('train a denoiser: an MLP on rows of numbers or series windows, a U-Net on digit images or audio frames')
    .requiredOption('--dataset <d>', `${TOY_DATASETS.join(' | ')} | mnist | FILE.csv | A.wav[,B.wav…]`)
    .option('--columns <a,b>', 'CSV columns to model (default: all but --label-column)')
    .option('--label-column <c>', 'CSV column with class labels (for --conditional)')
    .option('--rows <n>', 'rows drawn from a 2-D test distribution (default 4000)')
    .option('--steps <n>', 'training steps (default 3000)')
    .addOption(new Option('--schedule <s>', 'noise schedule').choices(['linear', 'cosine']))
    .option('--prediction <p>', 'what the network predicts: epsilon | v | sample (default epsilon; --window: v)')
    .option('--conditional', 'class-conditional model with label dropout (for classifier-free guidance)')
    .option('--width <w>', 'hidden width (default 128)')
    .option('--blocks <b>', 'residual blocks (default 3)')
    .option('--batch-size <b>', 'rows per step (default 256; mnist 32)')
    .option('--lr <r>', 'peak learning rate (default 1e-3; mnist 5e-4)')
    .option('--ema <d>', 'EMA decay of the sampling weights (default 0.995; mnist 0.999)')
    .option('--image-size <s>', 'mnist: 14 (2×2 averages, default) or 28')
    .option('--channels <c>', 'U-Net base channels (mnist: 16 at 14×14, 32 at 28×28; WAV: 16)')
    .option('--frame <L>', 'WAV files: samples per frame (default 128, a multiple of 8)')
    .option('--window <L>', 'CSV series: train on windows of L consecutive values of --columns (one column)')
    .option('--stride <s>', '--window: a window every s values (default 1)')
    .option('--returns <r>', '--window: log (100·log returns) | diff | none (default none)')
    .option('--checkpoint-every <n>', 'write the training state to <out>.checkpoint.json every n steps (and at the end)')
    .option('--resume <checkpoint.json>', 'continue an interrupted run from its checkpoint (same data and flags): the same model as without the interruption')
    .option('--seed <s>', 'seed of data, weights, batches and noise (default 0)')
    .requiredOption('--out <model.json>', 'where to write the model')
    .option('--json', 'print one JSON object')
    .action(act(runTrain));
  cmd
    .command('sample')
    .description('draw new rows from a trained model')
    .requiredOption('--model <model.json>', 'a model from `diffusion train`')
    .option('--n <n>', 'number of samples (default 1000)', '1000')
    .option('--scheduler <s>', `${SCHEDULER_NAMES.join(' | ')} (default ddim)`)
    .option('--inference-steps <k>', 'denoising steps (default: ddpm 1000, ddim/euler 50, dpm++ 20)')
    .option('--class <c>', 'class to generate, or all: --n of each class (conditional models)')
    .option('--guidance <g>', 'classifier-free guidance scale (default 1)')
    .option('--eta <e>', 'ddim: η (0 deterministic, 1 DDPM-like)')
    .option('--seed <s>', 'seed of the noise (default 0)')
    .option('--cols <k>', 'images per row of a PNG grid (default: --n with --class all, else ⌈√n⌉)')
    .option('--out <file>', 'samples.csv (one sample per row, the training columns; default: print) or, for image models, grid.png')
    .option('--json', 'print a JSON summary')
    .action(act(runSample));
  cmd
    .command('restore')
    .description('denoise a WAV recording with a model trained on clean audio (SDEdit from the noise level)')
    .requiredOption('--model <model.json>', 'a model from `diffusion train --dataset FILE.wav`')
    .requiredOption('--input <in.wav>', 'the noisy recording (or, with --add-noise, the clean one)')
    .requiredOption('--out <restored.wav>', 'where to write the restored recording (16-bit PCM)')
    .option('--noise-sd <s>', 'sd of the noise (default: estimated from the quietest frames)')
    .option('--add-noise <snr>', 'demo: add white noise at this SNR in dB to --input first, and report the SNR before and after')
    .option('--noisy-out <noisy.wav>', 'with --add-noise: also write the noisy recording')
    .option('--clean <clean.wav>', 'the clean recording, to report the SNR before and after')
    .option('--scheduler <s>', `${SCHEDULER_NAMES.join(' | ')} (default ddim)`)
    .option('--inference-steps <k>', 'steps of the full schedule (default: ddpm 1000, ddim/euler 50, dpm++ 20); restoration runs the part below the noise level')
    .option('--seed <s>', 'seed of the added noise and the sampler (default 0)')
    .option('--json', 'print a JSON summary')
    .action(act(runRestore));
}
