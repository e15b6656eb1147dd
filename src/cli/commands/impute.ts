/**
 * `ardiff impute`: fills the gaps of the named columns of a CSV table and writes the whole table
 * back, other columns copied unchanged.
 *
 *   ardiff impute --data F.csv --columns a,b --model kalman|linear|diffusion [--seed S] [--seasonal-period s]
 *                 [--epochs N --samples N --window L --layers N --channels C (diffusion)] --out filled.csv [--json]
 *
 * Gaps are empty cells, `NA` and `NaN` (and the other missing markers of the CSV reader:
 * `nan`, `NULL`, `null`, `.`). Observed cells of a named column are copied as written; filled
 * cells hold the model's value (shortest round-trip decimal). Probabilistic models add the
 * columns `<name>_q05` and `<name>_q95` (the 5% and 95% quantiles; equal to the value where
 * observed) after the input's columns. The output path is checked (folder created, a probe file
 * written) before any model runs, and the table is written atomically (temporary file + rename).
 *
 * `--json` prints {"model", "out", "rows", "columns": [{"column", "model", "gapsFilled",
 * "label", "order", "seasonalOrder"}]} (order / seasonalOrder / label: the ARIMA model chosen for
 * the column, null for linear and for a column without gaps). Typed errors exit with code 2 and,
 * with --json, print {"error": {"type", "argument", "message"}}.
 *
 * The models live in {@link IMPUTE_MODELS}, keyed by the name --model takes: adding one is one
 * entry. Models of one series (kalman, linear) fill each column on its own; models of several
 * series (diffusion: CSDI) fill the named columns jointly, each column's gaps conditioned on the
 * other columns' values at the same rows.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { ArdiffError, ArgumentError, DataError } from '../../core/errors.js';
import { csvRow, findDataset, numericColumn, type Table } from '../../core/series.js';
import { readTable } from '../../node/data.js';
import { checkOutputPath, writeFileAtomic } from '../../node/files.js';
import { imputeKalman, imputeLinear } from '../../classical/impute.js';
import { arimaLabel } from '../../classical/arima.js';
import { fail, intFlag, namesFlag } from '../flags.js';
import { progress, type Json } from '../json.js';

interface ImputeFlags {
  data: string;
  columns: string;
  model: string;
  seed?: string;
  seasonalPeriod?: string;
  epochs?: string;
  samples?: string;
  window?: string;
  layers?: string;
  channels?: string;
  out: string;
  json?: boolean;
}

/** Settings of the trained models (diffusion), from their flags; absent ones take the model's defaults. */
export interface TrainingFlags {
  epochs?: number;
  samples?: number;
  window?: number;
  layers?: number;
  channels?: number;
}

const TRAINING_FLAGS: Record<keyof TrainingFlags, string> = { epochs: '--epochs', samples: '--samples', window: '--window', layers: '--layers', channels: '--channels' };

/** What a model gets besides the column: the seed (for sampling models), the seasonal period, the training settings. */
export interface ImputeContext {
  seed: number;
  period: number;
  training: TrainingFlags;
  /** Progress lines on stderr (off with --json). */
  showProgress: boolean;
}

/** One filled column. */
export interface ColumnFill {
  /** The column with its gaps filled (observed values unchanged). */
  filled: Float64Array;
  /** 5% and 95% quantiles per row (probabilistic models only). */
  q05?: Float64Array;
  q95?: Float64Array;
  /** The model chosen for the column (ARIMA label and orders), or null. */
  label: string | null;
  order: number[] | null;
  seasonalOrder: number[] | null;
}

/** A model of `ardiff impute`: of one series (`fill`, each column on its own) or of several (`fillJoint`). */
export interface ImputeModel {
  description: string;
  /** Writes the quantile columns `<name>_q05`, `<name>_q95`. */
  probabilistic: boolean;
  /** Takes --epochs, --samples, --window, --layers, --channels. */
  trained?: boolean;
  fill?(y: Float64Array, context: ImputeContext): ColumnFill | Promise<ColumnFill>;
  /** Fills every named column at once (all of them, gaps or not, are passed). */
  fillJoint?(names: string[], columns: Float64Array[], context: ImputeContext): Promise<ColumnFill[]>;
}

/**
 * CSDI (src/hybrid/csdi.ts) trained on the named columns, with the gaps as missing entries; the
 * engine and the model load only when this model runs, so the command line starts fast.
 */
async function fillCSDI(names: string[], columns: Float64Array[], { seed, training, showProgress }: ImputeContext): Promise<ColumnFill[]> {
  const { initEngine } = await import('../../neural/engine/init.js');
  await initEngine();
  const { fitCSDI, resolveCSDISettings } = await import('../../hybrid/csdi.js');
  const options = { seed, ...training };
  const bar = progress('impute: train CSDI', resolveCSDISettings(options, columns[0].length).epochs, showProgress, '{value}/{total} epochs | loss {loss}');
  const fit = fitCSDI({ names, columns }, { ...options, onEpoch: (e) => bar.update(e.epoch, { loss: e.loss.toFixed(4) }) });
  try {
    bar.note(`sampling ${fit.settings.samples} paths for the gaps`);
    bar.stop();
    const imp = fit.impute(undefined, { quantiles: [0.05, 0.95] });
    const [q05, q95] = imp.quantiles.map((q) => q.columns);
    const s = fit.settings;
    const label = `CSDI(${s.layers} layers × ${s.channels} channels, window ${s.window}, ${fit.training.epochs} epochs, ${imp.samples} samples)`;
    return names.map((_, j) => ({ filled: imp.columns[j], q05: q05[j], q95: q95[j], label, order: null, seasonalOrder: null }));
  } finally {
    fit.dispose();
  }
}

/** The models `--model` accepts, by name. */
export const IMPUTE_MODELS: Readonly<Record<string, ImputeModel>> = {
  kalman: {
    description: 'auto-ARIMA fitted by exact ML on the data with gaps; gaps get the Kalman smoother\'s mean, q05/q95 from its variance',
    probabilistic: true,
    fill: (y, { period }) => {
      const k = imputeKalman(y, { period, level: 90 });
      const iv = k.intervals[0];
      return { filled: k.filled, q05: iv.lower, q95: iv.upper, label: arimaLabel(k.fit), order: k.fit.order, seasonalOrder: k.fit.seasonalOrder };
    },
  },
  linear: {
    description: 'straight lines between observed neighbours; leading and trailing gaps take the nearest observed value',
    probabilistic: false,
    fill: (y) => ({ filled: imputeLinear(y).filled, label: null, order: null, seasonalOrder: null }),
  },
  diffusion: {
    description: 'CSDI, a conditional diffusion model trained on the named columns jointly (self-supervised on their observed values); gaps get the median of its sample paths, q05/q95 their quantiles',
    probabilistic: true,
    trained: true,
    fillJoint: fillCSDI,
  },
};

/** The model --model names, or the typed error listing the choices. */
function imputeModel(name: string): ImputeModel {
  if (!Object.hasOwn(IMPUTE_MODELS, name)) {
    throw new ArgumentError(`unknown model '${name}' for --model; choose one of ${Object.keys(IMPUTE_MODELS).join(', ')}`, '--model');
  }
  return IMPUTE_MODELS[name];
}

function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map(csvRow).join('\n') + '\n';
}

/** Checks that `out` can be written now (folder exists or is created, a probe file can be written). */
function checkWritable(out: string, data: string): void {
  const full = checkOutputPath(out, '--out');
  if (full === resolve(data)) throw new ArgumentError('--out is the --data file; choose another output path so the input is kept', '--out');
  const probe = `${full}.${process.pid}.probe.tmp`;
  try {
    writeFileSync(probe, '');
  } catch (e) {
    throw new ArgumentError(`cannot write --out '${out}' (${(e as Error).message}); choose a writable location`, '--out');
  } finally {
    rmSync(probe, { force: true });
  }
}

/** A library error about the series, re-issued naming the column and the flag. */
function columnError(e: unknown, column: string): unknown {
  if (!(e instanceof ArdiffError)) return e;
  const flag = e.argument === 'period' ? '--seasonal-period' : '--columns';
  const Ctor = e.constructor as new (m: string, a?: string) => ArdiffError;
  return new Ctor(`column '${column}': ${e.message}`, flag);
}

/** A library error of a joint model, re-issued naming the flag of the setting it is about (or --columns). */
function columnsError(e: unknown): unknown {
  if (!(e instanceof ArdiffError)) return e;
  const setting = Object.entries(TRAINING_FLAGS).find(([k]) => k === e.argument);
  const Ctor = e.constructor as new (m: string, a?: string) => ArdiffError;
  return new Ctor(e.message, setting ? setting[1] : '--columns');
}

/** Runs `ardiff impute` for parsed flags: writes the table and returns the JSON summary. */
export async function runImpute(flags: ImputeFlags): Promise<Record<string, Json>> {
  const model = imputeModel(flags.model);
  const names = namesFlag(flags.columns, '--columns');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const period = intFlag(flags.seasonalPeriod, '--seasonal-period', 1) ?? findDataset(flags.data)?.frequency ?? 1;
  const training: TrainingFlags = {};
  for (const [key, flag] of Object.entries(TRAINING_FLAGS) as [keyof TrainingFlags, string][]) {
    const v = intFlag(flags[key], flag);
    if (v === undefined) continue;
    if (!model.trained) throw new ArgumentError(`${flag} applies to the trained models (${Object.keys(IMPUTE_MODELS).filter((k) => IMPUTE_MODELS[k].trained).join(', ')}), not --model ${flags.model}`, flag);
    training[key] = v;
  }
  const table: Table = readTable(flags.data, '--data');
  const columns = names.map((name) => {
    const y = numericColumn(table, name, '--columns');
    const gaps = y.reduce((c, v) => c + (Number.isNaN(v) ? 1 : 0), 0);
    if (gaps === y.length) {
      throw new DataError(`--columns: column '${name}' has no observed values (all ${y.length} rows are empty, NA or NaN); there is nothing to fill it from: drop it from --columns`, '--columns');
    }
    return { name, y, gaps };
  });
  const extra = model.probabilistic ? names.flatMap((n) => [`${n}_q05`, `${n}_q95`]) : [];
  const clash = extra.find((c) => table.columns.includes(c));
  if (clash) throw new DataError(`--data already has a column '${clash}', which --model ${flags.model} would add; rename it`, '--columns');
  // The output must be writable before any model runs.
  checkWritable(flags.out, flags.data);

  const fills: ColumnFill[] = [];
  const context: ImputeContext = { seed, period, training, showProgress: !flags.json };
  if (model.fillJoint) {
    // Jointly: every named column conditions the others' gaps.
    try {
      for (const f of await model.fillJoint(names, columns.map((c) => c.y), context)) fills.push(f);
    } catch (e) {
      throw columnsError(e);
    }
  }
  const perColumn = model.fillJoint ? [] : columns;
  const bar = progress('impute', perColumn.filter((c) => c.gaps > 0).length, perColumn.length > 1 && !flags.json, '{value}/{total} columns | {column}');
  let done = 0;
  for (const c of perColumn) {
    if (c.gaps === 0) {
      fills.push({ filled: c.y, q05: model.probabilistic ? c.y : undefined, q95: model.probabilistic ? c.y : undefined, label: null, order: null, seasonalOrder: null });
      continue;
    }
    try {
      fills.push(await model.fill!(c.y, context));
    } catch (e) {
      throw columnError(e, c.name);
    }
    bar.update(++done, { column: c.name });
  }
  bar.stop();

  const index = names.map((n) => table.columns.indexOf(n));
  const rows = table.rows.map((row, i) => {
    const out = row.slice();
    columns.forEach((c, k) => { if (Number.isNaN(c.y[i])) out[index[k]] = String(fills[k].filled[i]); });
    if (model.probabilistic) fills.forEach((f) => out.push(String(f.q05![i]), String(f.q95![i])));
    return out;
  });
  writeFileAtomic(flags.out, csvText([...table.columns, ...extra], rows), '--out');
  return {
    model: flags.model,
    out: flags.out,
    rows: table.rows.length,
    columns: columns.map((c, k) => ({
      column: c.name, model: flags.model, gapsFilled: c.gaps,
      label: fills[k].label, order: fills[k].order, seasonalOrder: fills[k].seasonalOrder,
    })),
  };
}

function textSummary(j: Record<string, Json>): string {
  const cols = j.columns as { column: string; gapsFilled: number; label: string | null }[];
  const w = Math.max(6, ...cols.map((c) => c.column.length));
  const lines = cols.map((c) => `${c.column.padEnd(w)}  ${String(c.gapsFilled).padStart(5)}  ${c.label ?? '-'}`);
  return [`${'column'.padEnd(w)}  ${'gaps'.padStart(5)}  model`, ...lines, `\n${j.rows} rows written to ${j.out} (--model ${j.model})`].join('\n');
}

/** Adds `ardiff impute` to the program. */
export function registerImpute(program: Command): void {
  program
    .command('impute')
    .description('fill the gaps (empty, NA, NaN) of columns of a CSV table and write the table back')
    .requiredOption('--data <file>', 'CSV file with a header row, or a bundled data set name (see `ardiff datasets`)')
    .requiredOption('--columns <a,b>', 'the columns whose gaps to fill (the others are copied unchanged)')
    .requiredOption('--model <name>', Object.entries(IMPUTE_MODELS).map(([k, m]) => `${k}: ${m.description}`).join('; '))
    .option('--seed <S>', 'seed of the models that sample (default 0)')
    .option('--seasonal-period <s>', 'seasonal period the kalman model\'s auto-ARIMA considers (default: the data set\'s frequency, else 1)')
    .option('--epochs <N>', 'diffusion: training epochs (default 50, of at most 40 batches)')
    .option('--samples <N>', 'diffusion: sample paths per gap (default 100)')
    .option('--window <L>', 'diffusion: rows per training and imputation window (default 36, or the data\'s length)')
    .option('--layers <N>', 'diffusion: residual layers of the denoiser (default 4)')
    .option('--channels <C>', 'diffusion: channels of the denoiser (default 64; a multiple of its 8 heads)')
    .requiredOption('--out <file>', 'where to write the filled table (CSV; probabilistic models add <column>_q05, <column>_q95)')
    .option('--json', 'print {"model", "out", "rows", "columns": [{"column", "model", "gapsFilled", "label", "order", "seasonalOrder"}]}')
    .action(async (flags: ImputeFlags) => {
      try {
        const json = await runImpute(flags);
        console.log(flags.json ? JSON.stringify(json) : textSummary(json));
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
}
