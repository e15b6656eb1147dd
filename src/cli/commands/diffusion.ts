/**
 * `ardiff diffusion train`, `sample` and `restore`: thin commands over ardiff/diffusion. They map
 * flags to a training preset's overrides (diffusion/presets.ts holds every default and why), read
 * the data, and call the library; output files are checked before any long work starts and written
 * atomically.
 *
 *   ardiff diffusion train --dataset moons|swissroll|8gaussians|mnist|FILE.csv [--columns x,y] [--steps N]
 *                          [--schedule linear|cosine] [--prediction epsilon|v] [--conditional]
 *                          [--image-size 14|28] [--levels L] [--seed S] --out model.json [--json]
 *                          [--text [--text-conditioning cross-attention|pooled]]   (mnist: text → image)
 *   ardiff diffusion sample --model model.json --n N [--scheduler ddpm|ddim|dpm++|euler]
 *                           [--inference-steps K] [--class C|all --guidance G] [--seed S]
 *                           [--out samples.csv|grid.png] [--json]
 *     (--json without --out prints the samples in the JSON, one array per row)
 *   ardiff diffusion restore --model audio.json --input noisy.wav --out restored.wav [--noise-sd S]
 *                            [--add-noise SNR --noisy-out noisy.wav] [--clean clean.wav]
 *                            [--condition lpc] [--from noisy|lpc]
 *     (a model trained with --condition lpc is conditioned on the LPC envelope of the input)
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ArgumentError, DataError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { DATASETS, numericColumn } from '../../core/series.js';
import { dataPath, readTable, resolveBundledFile } from '../../node/data.js';
import { checkOutputs, writeFileAtomic } from '../../node/files.js';
import { readWav, writeWav } from '../../node/wav.js';
import { writeImageGrid } from '../../node/png.js';
// The tensor engine and the models are imported inside the actions, so that other commands do not
// pay for loading TensorFlow.js; the modules below are light.
import type { ContextSource, DiffusionModel, DiffusionModelJSON } from '../../diffusion/model.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../../diffusion/scheduler-names.js';
import type { TrainCheckpoint } from '../../diffusion/train.js';
import type { PredictionType } from '../../diffusion/schedulers/common.js';
import { diffusionPreset, PRESET_OVERRIDE_KINDS, type DiffusionDataKind, type DiffusionFitPreset, type DiffusionPresetOverrides } from '../../diffusion/presets.js';
import { frameRecordings } from '../../diffusion/data/audio.js';
import { checkLevels, dequantizePixels, quantizePixels } from '../../core/quantize.js';
import { loadMnist } from '../../node/mnist.js';
import { SERIES_RETURNS, seriesReturns, windowColumns } from '../../diffusion/data/series.js';
import { toyDataLabelled, TOY_DATASETS, type ToyDataset } from '../../diffusion/data/toy-data.js';
import { slidingWindows } from '../../diffusion/windows.js';
import { asFlagError, choiceFlag, fail, intFlag, numberFlag } from '../flags.js';
import { readNoisyInput, snrReport } from '../audio-input.js';
import { checkLayerSize, jsonRequested, progress } from '../json.js';

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
  condition?: string;
  lpcOrder?: string;
  levels?: string;
  text?: boolean;
  textConditioning?: string;
  seed?: string;
  out: string;
  json?: boolean;
}

interface SampleFlags {
  model: string;
  n?: string;
  scheduler?: string;
  inferenceSteps?: string;
  class?: string;
  guidance?: string;
  eta?: string;
  seed?: string;
  cols?: string;
  prompt?: string;
  out?: string;
  json?: boolean;
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
  condition?: string;
  from?: string;
  seed?: string;
  json?: boolean;
}

/** --levels: 2…16, named as the flag. */
function checkLevelsFlag(levels: number): void {
  try {
    checkLevels(levels);
  } catch (e) {
    throw asFlagError(e, (name) => (name === 'levels' ? '--levels' : undefined));
  }
}

/** The files `--dataset` reads, as `--dataset` inputs: none for generated data, the WAV files, a bundled table's CSV, or the CSV file. */
function datasetInputs(flags: TrainFlags): [flag: string, path: string][] {
  const kind = dataKind(flags);
  if (kind === 'toy2d' || kind === 'mnist') return [];
  const bundled = DATASETS.find((d) => d.name === flags.dataset);
  const files = kind === 'audio' ? flags.dataset.split(',').map((f) => f.trim()) : [bundled ? dataPath(bundled.file) : flags.dataset];
  return files.map((f) => ['--dataset', f]);
}

/** The kind of data `--dataset` (and `--window`) name: it picks the preset. */
function dataKind(flags: TrainFlags): DiffusionDataKind {
  if ((TOY_DATASETS as readonly string[]).includes(flags.dataset)) return 'toy2d';
  if (flags.dataset === 'mnist') return 'mnist';
  if (flags.dataset.split(',').every((f) => f.trim().toLowerCase().endsWith('.wav'))) return 'audio';
  return flags.window !== undefined ? 'series' : 'rows';
}

/** What each kind-specific flag applies to, for the error when it is given for other data. */
const APPLIES_TO: Partial<Record<keyof DiffusionPresetOverrides, string>> = {
  imageSize: '--dataset mnist',
  channels: '--dataset mnist or WAV files',
  frame: 'WAV files',
  window: 'a CSV series (--columns one column)',
  stride: '--window',
  returns: '--window',
  width: 'the MLP denoiser (2-D sets, CSV rows, --window); U-Nets take --channels',
  blocks: 'the MLP denoiser (2-D sets, CSV rows, --window); U-Nets take --channels',
  rows: 'the 2-D test distributions',
};

/** Preset option → the flag that sets it (errors from the preset name the flag). */
const PRESET_FLAGS: Record<string, string> = {
  steps: '--steps', schedule: '--schedule', prediction: '--prediction', batchSize: '--batch-size', lr: '--lr', emaDecay: '--ema',
  width: '--width', blocks: '--blocks', channels: '--channels', rows: '--rows', imageSize: '--image-size', frame: '--frame',
  window: '--window', stride: '--stride', returns: '--returns',
};

/** Runs `f`, re-issuing a preset error with the flag as its argument. */
function withPresetFlags<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asFlagError(e, (name) => PRESET_FLAGS[name]);
  }
}

/** --prediction's values and the parameterisations they name. */
const PREDICTION_FLAGS = ['epsilon', 'v', 'sample'] as const;
const PREDICTIONS: Record<(typeof PREDICTION_FLAGS)[number], PredictionType> = { epsilon: 'epsilon', v: 'v_prediction', sample: 'sample' };

/** The preset's overrides from the flags, each parsed and checked (a typed error naming the flag). */
function presetOverrides(flags: TrainFlags, kind: DiffusionDataKind): DiffusionPresetOverrides {
  for (const [key, kinds] of Object.entries(PRESET_OVERRIDE_KINDS)) {
    if (flags[key as keyof TrainFlags] !== undefined && !kinds.includes(kind)) {
      const flag = PRESET_FLAGS[key];
      throw new ArgumentError(`${flag} applies to ${APPLIES_TO[key as keyof DiffusionPresetOverrides]}`, flag);
    }
  }
  const prediction = choiceFlag(flags.prediction, '--prediction', PREDICTION_FLAGS);
  // Widths that cannot fit in the engine's memory are refused before the data are read.
  checkLayerSize(intFlag(flags.width, '--width'), '--width');
  checkLayerSize(intFlag(flags.channels, '--channels'), '--channels');
  return {
    steps: intFlag(flags.steps, '--steps'),
    schedule: choiceFlag(flags.schedule, '--schedule', ['linear', 'cosine'] as const),
    prediction: prediction && PREDICTIONS[prediction],
    batchSize: intFlag(flags.batchSize, '--batch-size'),
    lr: numberFlag(flags.lr, '--lr'),
    emaDecay: numberFlag(flags.ema, '--ema'),
    width: intFlag(flags.width, '--width'),
    blocks: intFlag(flags.blocks, '--blocks', 0),
    channels: intFlag(flags.channels, '--channels'),
    rows: intFlag(flags.rows, '--rows'),
    imageSize: intFlag(flags.imageSize, '--image-size'),
    frame: intFlag(flags.frame, '--frame'),
    window: intFlag(flags.window, '--window', 2),
    stride: intFlag(flags.stride, '--stride'),
    returns: choiceFlag(flags.returns, '--returns', SERIES_RETURNS),
  };
}

/** The rows to train on, their names and labels, and the preset's fitDiffusion options. */
interface TrainingSet {
  data: Float64Array | Float32Array;
  dim: number;
  columns: string[];
  labels?: Int32Array;
  classNames?: string[];
  sampleRate?: number;
  /** WAV training: the recordings and their framing (for --condition lpc). */
  audio?: { signals: Float32Array[]; frame: number; hop: number };
  fit: DiffusionFitPreset;
}

/**
 * Reads the training rows: a 2-D test distribution, the MNIST digits (a 2-D U-Net), frames of WAV
 * recordings (a 1-D U-Net), windows of one CSV series (--window), or numeric columns of a CSV.
 */
function readTrainingSet(flags: TrainFlags, seed: number): TrainingSet {
  const kind = dataKind(flags);
  if (flags.columns !== undefined && kind !== 'rows' && kind !== 'series') {
    throw new ArgumentError(`--columns names columns of a CSV file; --dataset ${flags.dataset} has none`, '--columns');
  }
  if (flags.levels !== undefined && kind !== 'mnist') throw new ArgumentError(`--levels quantises the MNIST digits; --dataset ${flags.dataset} is not mnist`, '--levels');
  if (flags.labelColumn !== undefined && (kind !== 'rows' || !flags.conditional)) {
    throw new ArgumentError(kind === 'rows' ? '--label-column is for --conditional models; add --conditional or drop --label-column' : `--label-column names a column of a CSV file of rows; --dataset ${flags.dataset} has none`, '--label-column');
  }
  const overrides = presetOverrides(flags, kind);
  const p = withPresetFlags(() => diffusionPreset(kind, overrides));
  const classes = (k: number) => Array.from({ length: k }, (_, i) => String(i));
  switch (p.kind) {
    case 'toy2d': {
      const { data, labels, numClasses } = toyDataLabelled(flags.dataset as ToyDataset, p.data.rows, createRng(seed + 1));
      const out: TrainingSet = { data: Float64Array.from(data), dim: 2, columns: ['x', 'y'], fit: p.fit };
      return flags.conditional ? { ...out, labels, classNames: classes(numClasses) } : out;
    }
    case 'mnist': {
      const size = p.data.imageSize;
      const { images, labels } = loadMnist({ size });
      // --levels L: the digits as the image GPT sees them (L grey levels, black 0, white 1).
      const levels = intFlag(flags.levels, '--levels', 2);
      if (levels !== undefined) checkLevelsFlag(levels);
      const data = levels === undefined ? images : dequantizePixels(quantizePixels(images, levels), levels);
      const out: TrainingSet = { data, dim: size * size, columns: Array.from({ length: size * size }, (_, i) => `p${i}`), fit: p.fit };
      return flags.conditional || flags.text ? { ...out, labels, classNames: classes(10) } : out;
    }
    case 'audio': {
      if (flags.conditional) throw new ArgumentError('--conditional needs class labels; WAV training data have none', '--conditional');
      const files = flags.dataset.split(',').map((f) => f.trim());
      let sampleRate = 0;
      const signals = files.map((f) => {
        const w = readWav(resolveBundledFile(f, 'audio', '--dataset'), '--dataset');
        if (w.channels.length !== 1) throw new DataError(`${f} has ${w.channels.length} channels; train on mono recordings (mix or split the channels first)`, '--dataset');
        if (sampleRate && w.sampleRate !== sampleRate) throw new DataError(`${f} is sampled at ${w.sampleRate} Hz, the first file at ${sampleRate} Hz; resample to one rate`, '--dataset');
        sampleRate = w.sampleRate;
        return w.channels[0];
      });
      const L = p.data.frame;
      return {
        data: frameRecordings(signals, L, p.data.hop), dim: L, columns: Array.from({ length: L }, (_, i) => `s${i + 1}`), sampleRate, fit: p.fit,
        audio: { signals, frame: L, hop: p.data.hop },
      };
    }
    case 'series': {
      const table = readTable(flags.dataset, '--dataset');
      const L = p.data.window;
      const names = flags.columns ? flags.columns.split(',').map((c) => c.trim()) : table.columns.filter((c) => c !== 'time' && c !== 'date');
      if (names.length !== 1) throw new ArgumentError(`--window cuts one series into windows; name it with --columns (one of ${names.join(', ')})`, '--columns');
      if (flags.conditional) throw new ArgumentError('--conditional needs class labels; windows of a series have none', '--conditional');
      const y = numericColumn(table, names[0], '--columns');
      y.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new DataError(`${flags.dataset}: column '${names[0]}', row ${i + 1} is missing; windows need a complete series — impute it or cut the series`, '--dataset');
      });
      const series = withPresetFlags(() => seriesReturns(y, p.data.returns, `'${names[0]}'`));
      if (series.length < L + 1) throw new DataError(`${flags.dataset}: '${names[0]}' gives ${series.length} values, too few for windows of ${L}`, '--window');
      return { data: slidingWindows(series, L, p.data.stride), dim: L, columns: windowColumns(L, p.data.returns, names[0]), fit: p.fit };
    }
    case 'rows': {
      const table = readTable(flags.dataset, '--dataset');
      const columns = flags.columns ? flags.columns.split(',').map((c) => c.trim()) : table.columns.filter((c) => c !== flags.labelColumn);
      const cols = columns.map((c) => numericColumn(table, c, '--columns'));
      const n = table.rows.length;
      const data = new Float64Array(n * columns.length);
      cols.forEach((col, j) => col.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new DataError(`${flags.dataset}: column '${columns[j]}', row ${i + 1} is missing; diffusion training needs complete rows — remove or impute it`, '--dataset');
        data[i * columns.length + j] = v;
      }));
      const out: TrainingSet = { data, dim: columns.length, columns, fit: p.fit };
      if (!flags.conditional) return out;
      if (!flags.labelColumn) throw new ArgumentError('--conditional on a CSV file needs --label-column (the column holding each row\'s class)', '--label-column');
      const j = table.columns.indexOf(flags.labelColumn);
      if (j < 0) throw new DataError(`${flags.dataset} has no column '${flags.labelColumn}'`, '--label-column');
      const classNames = [...new Set(table.rows.map((r) => r[j]))].sort();
      const labels = Int32Array.from(table.rows, (r) => classNames.indexOf(r[j]));
      return { ...out, labels, classNames };
    }
  }
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const checkpointEvery = intFlag(flags.checkpointEvery, '--checkpoint-every');
  // Checkpoints go beside the model: model.json → model.checkpoint.json.
  const checkpointFile = flags.out.replace(/(\.json)?$/, '.checkpoint.json');
  // Before any work: the model may not overwrite an input; the checkpoint may be the --resume file
  // (read in full before the run continues).
  checkOutputs([['--out', flags.out]], [...datasetInputs(flags), ['--resume', flags.resume]]);
  checkOutputs([['--checkpoint-every', checkpointEvery === undefined ? undefined : checkpointFile]], datasetInputs(flags));
  const condition = choiceFlag(flags.condition, '--condition', ['none', 'lpc'] as const) ?? 'none';
  const lpcOrder = intFlag(flags.lpcOrder, '--lpc-order', 1);
  if (lpcOrder !== undefined && condition !== 'lpc') throw new ArgumentError('--lpc-order sets the order of the LPC context; add --condition lpc', '--lpc-order');
  if (lpcOrder !== undefined && lpcOrder > 100) throw new ArgumentError(`--lpc-order must be at most 100 (speech uses 10–20); got ${lpcOrder}`, '--lpc-order');
  const textConditioning = choiceFlag(flags.textConditioning, '--text-conditioning', ['cross-attention', 'pooled'] as const);
  if (textConditioning !== undefined && !flags.text) throw new ArgumentError('--text-conditioning applies to text-to-image training; add --text', '--text-conditioning');
  if (flags.text) {
    if (dataKind(flags) !== 'mnist') throw new ArgumentError(`--text captions the MNIST digits; --dataset ${flags.dataset} is not mnist`, '--text');
    if (flags.conditional) throw new ArgumentError('--text conditions the U-Net on captions; drop --conditional', '--text');
    if (checkpointEvery !== undefined || flags.resume !== undefined) throw new ArgumentError('--text training does not write or resume checkpoints', checkpointEvery !== undefined ? '--checkpoint-every' : '--resume');
  }
  const set = readTrainingSet(flags, seed);
  const { dim, columns, labels, classNames, sampleRate, fit } = set;
  let data = set.data;
  let context: { context: Float32Array; contextSource: ContextSource } | undefined;
  if (condition === 'lpc') {
    if (!set.audio) throw new ArgumentError(`--condition lpc conditions on the LPC envelope of noisy copies of WAV recordings; --dataset ${flags.dataset} holds none`, '--condition');
    // The envelopes are estimated from noisy copies (a few seconds of work per recording and SNR).
    const { lpcTrainingRows } = await import('../../hybrid/lpc-restore.js');
    const rows = lpcTrainingRows(set.audio.signals, { frame: set.audio.frame, hop: set.audio.hop, seed, ...(lpcOrder === undefined ? {} : { lpc: { order: lpcOrder } }) });
    data = rows.data;
    context = { context: rows.context, contextSource: rows.contextSource };
  }
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
  const bar = progress('training', fit.steps, !flags.json, '{value}/{total} steps | loss {loss}');
  bar.update(resume?.step ?? 0, { loss: '-' });
  const started = performance.now();
  if (flags.text) {
    // Captions from each digit's label and measured attributes (training phrasings), a GPT encoder
    // trained on them, and the U-Net conditioned on its per-token states (cross-attention) or pooled states.
    // Attribute bins: the terciles of these digits (captionDigits' default).
    const [{ captionDigits }, { fitTextToImage }] = await Promise.all([import('../../diffusion/data/captions.js'), import('../../hybrid/text-to-image.js')]);
    const { captions } = captionDigits(data, labels!, { rng: createRng(seed + 1) });
    let t2i;
    try {
      t2i = fitTextToImage(data, captions, { ...fit, seed, ...(textConditioning ? { conditioning: textConditioning } : {}), onStep: ({ step, loss }) => bar.update(step, { loss: loss.toFixed(4) }) });
    } finally {
      bar.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    writeFileAtomic(flags.out, JSON.stringify(t2i.toJSON()), '--out');
    const summary = { steps: fit.steps, trainLoss: t2i.model.trainLoss, seconds, rows: data.length / dim, captions: captions.slice(0, 3), out: flags.out };
    console.log(flags.json ? JSON.stringify(summary) : `trained a text-conditioned U-Net (${fit.steps} steps, ${seconds.toFixed(1)} s) on ${summary.rows} captioned digits (e.g. ${captions.slice(0, 3).map((c) => JSON.stringify(c)).join(', ')}); model written to ${flags.out}`);
    t2i.dispose();
    return;
  }
  let model: DiffusionModel;
  try {
    model = fitDiffusion(data, dim, {
      ...(checkpointEvery === undefined ? {} : { checkpointEvery, onCheckpoint: (c: TrainCheckpoint) => writeFileAtomic(checkpointFile, JSON.stringify(c), '--checkpoint-every') }),
      ...(resume ? { resume } : {}),
      ...(sampleRate === undefined ? {} : { sampleRate }),
      ...(context ?? {}),
      ...fit,
      seed,
      columns,
      labels,
      classNames,
      onStep: ({ step, loss }) => bar.update(step, { loss: loss.toFixed(4) }),
    });
  } catch (e) {
    // The denoiser's own settings (a U-Net's group-norm groups divide --channels) name the flag.
    throw asFlagError(e, (name) => (name === 'groups' ? '--channels' : PRESET_FLAGS[name]));
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  writeFileAtomic(flags.out, JSON.stringify(model.toJSON()), '--out');
  const summary = { steps: fit.steps, trainLoss: model.trainLoss, seconds, rows: data.length / dim, columns, classes: classNames ?? [], out: flags.out };
  const cols = columns.length <= 8 ? columns.join(', ') : `${columns.length} columns ${columns[0]}…${columns[columns.length - 1]}`;
  console.log(flags.json ? JSON.stringify(summary) : `trained ${fit.steps} steps in ${seconds.toFixed(1)} s on ${summary.rows} rows (${cols}); final loss ${model.trainLoss.toFixed(4)}; model written to ${flags.out}`);
}

/** --scheduler (default ddim), or a typed error listing the known ones. */
function schedulerFlag(value: string | undefined): SchedulerName {
  const name = (value ?? 'ddim') as SchedulerName;
  if (!SCHEDULER_NAMES.includes(name)) throw new ArgumentError(`unknown scheduler '${value}'; use ${SCHEDULER_NAMES.join(', ')}`, '--scheduler');
  return name;
}

/** Starts the engine and reads a model file. */
/** The model file's JSON, with the engine started. */
async function readModelJSON(file: string): Promise<unknown> {
  const { initEngine } = await import('../../neural/engine/init.js');
  await initEngine();
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new DataError(`--model: cannot read '${file}' as JSON (${(e as Error).message})`, '--model');
  }
}

async function readModel(file: string): Promise<DiffusionModel> {
  const json = await readModelJSON(file);
  const { DiffusionModel } = await import('../../diffusion/model.js');
  return DiffusionModel.fromJSON(json as DiffusionModelJSON);
}

/** `diffusion sample` with a text-to-image model: --n images for --prompt, as a PNG grid. */
async function sampleFromText(flags: SampleFlags, json: unknown): Promise<void> {
  if (flags.prompt === undefined) throw new ArgumentError('a text-to-image model draws what a caption says: give --prompt "a bold seven"', '--prompt');
  if (flags.class !== undefined || flags.eta !== undefined) throw new ArgumentError(`${flags.class !== undefined ? '--class' : '--eta'} does not apply to a text-to-image model; it takes --prompt and --guidance`, flags.class !== undefined ? '--class' : '--eta');
  if (!flags.out?.toLowerCase().endsWith('.png')) throw new ArgumentError('a text-to-image model writes a PNG grid: give --out grid.png', '--out');
  const n = intFlag(flags.n, '--n', 1, 16);
  const cols = intFlag(flags.cols, '--cols');
  checkOutputs([['--out', flags.out]], [['--model', flags.model]]);
  const { textToImageFromJSON } = await import('../../hybrid/text-to-image.js');
  const t2i = textToImageFromJSON(json);
  try {
    const started = performance.now();
    const samples = t2i.sample(flags.prompt, n, { rng: createRng(intFlag(flags.seed, '--seed', 0, 0)), scheduler: schedulerFlag(flags.scheduler), steps: intFlag(flags.inferenceSteps, '--inference-steps'), guidance: numberFlag(flags.guidance, '--guidance') });
    const seconds = (performance.now() - started) / 1000;
    writeImageGrid(flags.out, samples, { ...t2i.model.image!, cols: cols ?? Math.ceil(Math.sqrt(n)), scale: 2 }, '--out');
    if (flags.json) console.log(JSON.stringify({ n, prompt: flags.prompt, seconds, out: flags.out }));
    else console.log(`${n} images of ${JSON.stringify(flags.prompt)} in ${seconds.toFixed(2)} s written to ${flags.out}`);
  } catch (e) {
    throw asFlagError(e, (name) => (name === 'prompt' ? '--prompt' : SAMPLING_FLAGS[name]));
  } finally {
    t2i.dispose();
  }
}

/** Options of the library's sampling and restoring → the flags that set them (errors name the flag). */
const SAMPLING_FLAGS: Record<string, string> = {
  steps: '--inference-steps', numInferenceSteps: '--inference-steps', eta: '--eta', guidance: '--guidance', classLabel: '--class',
  scheduler: '--scheduler', n: '--n', noiseSd: '--noise-sd', sampleRate: '--input', signal: '--input',
};

async function runSample(flags: SampleFlags): Promise<void> {
  const json = await readModelJSON(flags.model);
  if ((json as { kind?: unknown } | null)?.kind === 'text-to-image') return sampleFromText(flags, json);
  if (flags.prompt !== undefined) throw new ArgumentError('--prompt needs a text-to-image model (diffusion train --dataset mnist --text)', '--prompt');
  const { DiffusionModel } = await import('../../diffusion/model.js');
  const model = DiffusionModel.fromJSON(json as DiffusionModelJSON);
  const n = intFlag(flags.n, '--n', 1, 1000);
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
  if (flags.cols !== undefined && !png) throw new ArgumentError('--cols sets the images per row of a PNG grid; it needs --out grid.png', '--cols');
  const cols = intFlag(flags.cols, '--cols');
  checkOutputs([['--out', flags.out]], [['--model', flags.model]]);
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const steps = intFlag(flags.inferenceSteps, '--inference-steps');
  const guidance = numberFlag(flags.guidance, '--guidance');
  const eta = numberFlag(flags.eta, '--eta');
  const started = performance.now();
  const d = model.columns.length;
  const samples = new Float64Array(n * d * classes.length);
  try {
    classes.forEach((classLabel, k) => {
      const r = model.sample(n, { scheduler, steps, rng: createRng(seed + k), classLabel, guidance, eta });
      samples.set(r.samples, k * n * d);
    });
  } catch (e) {
    throw asFlagError(e, (name) => SAMPLING_FLAGS[name]);
  }
  const seconds = (performance.now() - started) / 1000;
  const total = n * classes.length;
  if (png && model.image && flags.out) {
    writeImageGrid(flags.out, samples, { ...model.image, cols: cols ?? (classes.length > 1 ? n : Math.ceil(Math.sqrt(total))), scale: 2 }, '--out');
  }
  // One sample per row, 7 significant digits (the CSV's and, without --out, the JSON's).
  const rows = Array.from({ length: total }, (_, i) => Array.from(samples.subarray(i * d, (i + 1) * d), (v) => +v.toPrecision(7)));
  if (!png) {
    const csv = [model.columns.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
    if (flags.out) writeFileAtomic(flags.out, csv, '--out');
    else if (!flags.json) console.log(csv.trimEnd());
  }
  if (flags.json) {
    // Without --out the samples are part of the JSON: nothing drawn is thrown away.
    console.log(JSON.stringify({ n: total, scheduler, seconds, columns: model.image ? d : model.columns, out: flags.out ?? null, ...(flags.out ? {} : { samples: rows }) }));
  } else if (flags.out) console.log(`${total} samples (${scheduler}) in ${seconds.toFixed(2)} s written to ${flags.out}`);
}

/** `diffusion restore`: denoise a WAV recording with a model trained on clean audio frames. */
async function runRestore(flags: RestoreFlags): Promise<void> {
  checkOutputs([['--out', flags.out], ['--noisy-out', flags.noisyOut]], [['--input', flags.input], ['--model', flags.model], ['--clean', flags.clean]]);
  const condition = choiceFlag(flags.condition, '--condition', ['none', 'lpc'] as const);
  const from = choiceFlag(flags.from, '--from', ['noisy', 'lpc'] as const);
  const model = await readModel(flags.model);
  const { restoreSpeech } = await import('../../hybrid/lpc-restore.js');
  if (!model.extras.audio) throw new ArgumentError(`${flags.model} was not trained on audio; train one with --dataset FILE.wav`, '--model');
  const lpcModel = model.extras.context?.source?.kind === 'lpc';
  if (condition !== undefined && (condition === 'lpc') !== lpcModel) {
    throw new ArgumentError(lpcModel ? `${flags.model} is conditioned on the LPC envelope; drop --condition none` : `${flags.model} is not conditioned on the LPC envelope; train one with --condition lpc`, '--condition');
  }
  if (from !== undefined && !lpcModel) throw new ArgumentError(`--from chooses the start of an LPC-conditioned restoration; ${flags.model} is not LPC-conditioned (train with --condition lpc)`, '--from');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const scheduler = schedulerFlag(flags.scheduler);
  const input = readNoisyInput(flags, seed);
  const { noisy, sampleRate } = input;
  const noiseSd = numberFlag(flags.noiseSd, '--noise-sd');
  const started = performance.now();
  const steps = intFlag(flags.inferenceSteps, '--inference-steps');
  let r;
  try {
    r = restoreSpeech(model, noisy, { scheduler, steps, rng: createRng(seed), noiseSd, sampleRate, ...(from ? { from } : {}) });
  } catch (e) {
    throw asFlagError(e, (name) => SAMPLING_FLAGS[name]);
  }
  const seconds = (performance.now() - started) / 1000;
  writeWav(flags.out, r.signal, sampleRate, {}, '--out');
  const report = { out: flags.out, seconds, noiseSd: r.noiseSd, strength: r.strength, ...snrReport(input, r.signal) };
  if (flags.json) console.log(JSON.stringify(report));
  else {
    const snr = report.snrNoisyDb === undefined ? '' : `; SNR ${report.snrNoisyDb.toFixed(2)} dB → ${(report.snrRestoredDb ?? NaN).toFixed(2)} dB`;
    console.log(`restored ${flags.input} (noise sd ${r.noiseSd.toPrecision(3)}${noiseSd === undefined ? ', estimated' : ''}, from ${(100 * r.strength).toFixed(1)}% of the schedule) in ${seconds.toFixed(1)} s${snr}; written to ${flags.out}`);
  }
}

/**
 * Adds `diffusion train`, `sample` and `restore` to the program. `onError` reports a failure (the
 * shared {@link fail} unless a caller passes its own).
 */
export function registerDiffusionCommands(program: Command, onError: (e: unknown, json: boolean) => never = fail): void {
  // Every action: run, and turn any error into the typed CLI failure (JSON with --json).
  const act = <F extends { json?: boolean }>(run: (flags: F) => Promise<void>) => async (flags: F): Promise<void> => {
    try {
      await run(flags);
    } catch (e) {
      onError(e, jsonRequested(flags.json));
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
    .option('--text', 'mnist: captions from each digit\'s label and measured thickness, slant and size; a GPT encoder trained on them conditions the U-Net (sample with --prompt)')
    .option('--text-conditioning <c>', 'with --text: cross-attention over the encoder\'s per-token states plus their mean (default), or pooled (the mean alone)')
    .option('--width <w>', 'hidden width (default 128; --window 256)')
    .option('--blocks <b>', 'residual blocks (default 3)')
    .option('--batch-size <b>', 'rows per step (default 256; mnist and WAV 32)')
    .option('--lr <r>', 'peak learning rate (default 1e-3; mnist 5e-4)')
    .option('--ema <d>', 'EMA decay of the sampling weights (default 0.995; mnist and WAV 0.999)')
    .option('--image-size <s>', 'mnist: 14 (2×2 averages, default) or 28')
    .option('--levels <l>', 'mnist: quantise the digits to l grey levels first (2…16; as the image GPT sees them)')
    .option('--channels <c>', 'U-Net base channels (mnist: 16 at 14×14, 32 at 28×28; WAV: 16)')
    .option('--frame <L>', 'WAV files: samples per frame (default 128, a multiple of 8)')
    .option('--window <L>', 'CSV series: train on windows of L consecutive values of --columns (one column)')
    .option('--stride <s>', '--window: a window every s values (default 1)')
    .option('--returns <r>', '--window: log (100·log returns) | diff | none (default none)')
    .option('--condition <c>', 'WAV files: lpc conditions the model on the LPC envelope estimated from noisy copies (for restore); none (default)')
    .option('--lpc-order <p>', '--condition lpc: order of the linear prediction (default 16)')
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
    .option('--n <n>', 'number of samples (default 1000)')
    .option('--scheduler <s>', `${SCHEDULER_NAMES.join(' | ')} (default ddim)`)
    .option('--inference-steps <k>', 'denoising steps (default: ddpm 1000, ddim/euler 50, dpm++ 20)')
    .option('--class <c>', 'class to generate, or all: --n of each class (conditional models)')
    .option('--guidance <g>', 'classifier-free guidance scale (default 1)')
    .option('--eta <e>', 'ddim: η (0 deterministic, 1 DDPM-like)')
    .option('--seed <s>', 'seed of the noise (default 0)')
    .option('--cols <k>', 'images per row of a PNG grid (default: --n with --class all, else ⌈√n⌉)')
    .option('--prompt <text>', 'text-to-image models (train --text): the caption to draw, e.g. "a bold seven"')
    .option('--out <file>', 'samples.csv (one sample per row, the training columns; default: print) or, for image models, grid.png')
    .option('--json', 'print a JSON summary {"n", "scheduler", "seconds", "columns", "out"}; without --out it also holds the samples ("samples": one array per row, in the order of "columns")')
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
    .option('--condition <c>', 'lpc: require a model conditioned on the LPC envelope (trained with --condition lpc; such models are used so without it); none: require one that is not')
    .option('--from <f>', 'LPC-conditioned models: start from the noisy recording (noisy) or from the linear-prediction estimate (lpc); see the README for which is the default')
    .option('--seed <s>', 'seed of the added noise and the sampler (default 0)')
    .option('--json', 'print a JSON summary')
    .action(act(runRestore));
}
