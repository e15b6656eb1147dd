/**
 * `ardiff diffusion train` and `ardiff diffusion sample`: thin commands over ardiff/diffusion.
 *
 *   ardiff diffusion train --dataset moons|swissroll|8gaussians|FILE.csv [--columns x,y] [--steps N]
 *                          [--schedule linear|cosine] [--prediction epsilon|v] [--conditional]
 *                          [--seed S] --out model.json [--json]
 *   ardiff diffusion sample --model model.json --n N [--scheduler ddpm|ddim|dpm++|euler]
 *                           [--inference-steps K] [--class C --guidance G] [--seed S] --out samples.csv
 */
import { Command, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { ArgumentError, DataError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { numericColumn, readTable } from '../../core/series.js';
import { initEngine } from '../../neural/engine/init.js';
import { fitDiffusion, DiffusionModel, SCHEDULER_NAMES, type DiffusionModelJSON, type SchedulerName } from '../../diffusion/model.js';
import { toyDataLabelled, TOY_DATASETS, type ToyDataset } from '../../diffusion/toy-data.js';
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

/** Reads the training rows: a 2-D test distribution or numeric columns of a CSV. */
function trainingData(flags: TrainFlags, seed: number): { data: Float64Array; dim: number; columns: string[]; labels?: Int32Array; classNames?: string[] } {
  if ((TOY_DATASETS as readonly string[]).includes(flags.dataset)) {
    const n = int(flags.rows, '--rows', 4000);
    const { data, labels, numClasses } = toyDataLabelled(flags.dataset as ToyDataset, n, createRng(seed + 1));
    const out = { data: Float64Array.from(data), dim: 2, columns: ['x', 'y'] };
    return flags.conditional ? { ...out, labels, classNames: Array.from({ length: numClasses }, (_, i) => String(i)) } : out;
  }
  if (flags.dataset === 'mnist') throw new ArgumentError('--dataset mnist needs the image U-Net, which this version does not have yet; use moons, swissroll, 8gaussians or a CSV file', '--dataset');
  const table = readTable(flags.dataset, '--dataset');
  const columns = flags.columns ? flags.columns.split(',').map((c) => c.trim()) : table.columns.filter((c) => c !== flags.labelColumn);
  const cols = columns.map((c) => numericColumn(table, c, '--columns'));
  const n = table.rows.length;
  const data = new Float64Array(n * columns.length);
  cols.forEach((col, j) => col.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new DataError(`${flags.dataset}: column '${columns[j]}', row ${i + 1} is missing; diffusion training needs complete rows — remove or impute it`, '--dataset');
    data[i * columns.length + j] = v;
  }));
  if (!flags.conditional) return { data, dim: columns.length, columns };
  if (!flags.labelColumn) throw new ArgumentError('--conditional on a CSV file needs --label-column (the column holding each row\'s class)', '--label-column');
  const j = table.columns.indexOf(flags.labelColumn);
  if (j < 0) throw new DataError(`${flags.dataset} has no column '${flags.labelColumn}'`, '--label-column');
  const classNames = [...new Set(table.rows.map((r) => r[j]))].sort();
  const labels = Int32Array.from(table.rows, (r) => classNames.indexOf(r[j]));
  return { data, dim: columns.length, columns, labels, classNames };
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const seed = int(flags.seed, '--seed', 0, 0);
  const steps = int(flags.steps, '--steps', 3000);
  const schedule = flags.schedule ?? 'linear';
  if (schedule !== 'linear' && schedule !== 'cosine') throw new ArgumentError(`--schedule must be linear or cosine; got '${schedule}'`, '--schedule');
  const predictions: Record<string, PredictionType> = { epsilon: 'epsilon', v: 'v_prediction', sample: 'sample' };
  const prediction = predictions[flags.prediction ?? 'epsilon'];
  if (!prediction) throw new ArgumentError(`--prediction must be epsilon, v or sample; got '${flags.prediction}'`, '--prediction');
  const { data, dim, columns, labels, classNames } = trainingData(flags, seed);
  await initEngine();
  const bar = progressBar(steps, !flags.json && !!process.stderr.isTTY);
  const started = performance.now();
  const model = fitDiffusion(data, dim, {
    steps,
    seed,
    prediction,
    columns,
    labels,
    classNames,
    schedule: { betaSchedule: schedule === 'cosine' ? 'squaredcos_cap_v2' : 'linear' },
    denoiser: { width: int(flags.width, '--width', 128), blocks: int(flags.blocks, '--blocks', 3, 0) },
    batchSize: int(flags.batchSize, '--batch-size', 256),
    lr: real(flags.lr, '--lr') ?? 1e-3,
    onStep: ({ loss }) => bar.tick(loss),
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(flags.out, JSON.stringify(model.toJSON()));
  const summary = { steps, trainLoss: model.trainLoss, seconds, rows: data.length / dim, columns, classes: classNames ?? [], out: flags.out };
  console.log(flags.json ? JSON.stringify(summary) : `trained ${steps} steps in ${seconds.toFixed(1)} s on ${summary.rows} rows (${columns.join(', ')}); final loss ${model.trainLoss.toFixed(4)}; model written to ${flags.out}`);
}

function readModel(file: string): DiffusionModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`--model: cannot read '${file}' as JSON (${(e as Error).message})`, '--model');
  }
  return DiffusionModel.fromJSON(json as DiffusionModelJSON);
}

async function runSample(flags: SampleFlags): Promise<void> {
  await initEngine();
  const model = readModel(flags.model);
  const n = int(flags.n, '--n', 1000);
  const scheduler = (flags.scheduler ?? 'ddim') as SchedulerName;
  if (!SCHEDULER_NAMES.includes(scheduler)) throw new ArgumentError(`unknown scheduler '${flags.scheduler}'; use ${SCHEDULER_NAMES.join(', ')}`, '--scheduler');
  let classLabel: number | undefined;
  if (flags.class !== undefined) {
    classLabel = model.classNames.indexOf(flags.class);
    if (classLabel < 0) {
      if (!model.conditional) throw new ArgumentError('--class needs a conditional model (train with --conditional); this model is unconditional', '--class');
      throw new ArgumentError(`--class '${flags.class}' is not one of the model's classes: ${model.classNames.join(', ')}`, '--class');
    }
  }
  const started = performance.now();
  const { samples } = model.sample(n, {
    scheduler,
    steps: flags.inferenceSteps === undefined ? undefined : int(flags.inferenceSteps, '--inference-steps', 1),
    rng: createRng(int(flags.seed, '--seed', 0, 0)),
    classLabel,
    guidance: real(flags.guidance, '--guidance'),
    eta: real(flags.eta, '--eta'),
  });
  const seconds = (performance.now() - started) / 1000;
  const d = model.columns.length;
  const lines = [model.columns.join(',')];
  for (let i = 0; i < n; i++) lines.push(Array.from(samples.subarray(i * d, (i + 1) * d), (v) => String(+v.toPrecision(7))).join(','));
  const csv = lines.join('\n') + '\n';
  if (flags.out) {
    if (!flags.out.endsWith('.csv')) throw new ArgumentError(`--out must be a .csv file for this model (PNG grids are for image models); got '${flags.out}'`, '--out');
    writeFileSync(flags.out, csv);
  }
  if (flags.json) console.log(JSON.stringify({ n, scheduler, seconds, columns: model.columns, out: flags.out ?? null }));
  else if (flags.out) console.log(`${n} samples (${scheduler}) in ${seconds.toFixed(2)} s written to ${flags.out}`);
  else process.stdout.write(csv);
}

/** Adds `diffusion train` and `diffusion sample` to the program. */
export function registerDiffusionCommands(program: Command, fail: (e: unknown, json: boolean) => never): void {
  const cmd = program.command('diffusion').description('train diffusion models on 2-D test data or CSV rows, and sample from them');
  cmd
    .command('train')
    .description('train an MLP denoiser on rows of numbers')
    .requiredOption('--dataset <d>', `${TOY_DATASETS.join(' | ')} | FILE.csv`)
    .option('--columns <a,b>', 'CSV columns to model (default: all but --label-column)')
    .option('--label-column <c>', 'CSV column with class labels (for --conditional)')
    .option('--rows <n>', 'rows drawn from a 2-D test distribution (default 4000)')
    .option('--steps <n>', 'training steps (default 3000)')
    .addOption(new Option('--schedule <s>', 'noise schedule').choices(['linear', 'cosine']))
    .option('--prediction <p>', 'what the network predicts: epsilon | v | sample (default epsilon)')
    .option('--conditional', 'class-conditional model with label dropout (for classifier-free guidance)')
    .option('--width <w>', 'hidden width (default 128)')
    .option('--blocks <b>', 'residual blocks (default 3)')
    .option('--batch-size <b>', 'rows per step (default 256)')
    .option('--lr <r>', 'peak learning rate (default 1e-3)')
    .option('--seed <s>', 'seed of data, weights, batches and noise (default 0)')
    .requiredOption('--out <model.json>', 'where to write the model')
    .option('--json', 'print one JSON object')
    .action(async (flags: TrainFlags) => {
      try {
        await runTrain(flags);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
  cmd
    .command('sample')
    .description('draw new rows from a trained model')
    .requiredOption('--model <model.json>', 'a model from `diffusion train`')
    .option('--n <n>', 'number of samples (default 1000)', '1000')
    .option('--scheduler <s>', `${SCHEDULER_NAMES.join(' | ')} (default ddim)`)
    .option('--inference-steps <k>', 'denoising steps (default: ddpm 1000, ddim/euler 50, dpm++ 20)')
    .option('--class <c>', 'class to generate (conditional models)')
    .option('--guidance <g>', 'classifier-free guidance scale (default 1)')
    .option('--eta <e>', 'ddim: η (0 deterministic, 1 DDPM-like)')
    .option('--seed <s>', 'seed of the noise (default 0)')
    .option('--out <samples.csv>', 'CSV file, one sample per row with the training columns (default: print)')
    .option('--json', 'print a JSON summary')
    .action(async (flags: SampleFlags) => {
      try {
        await runSample(flags);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
}
