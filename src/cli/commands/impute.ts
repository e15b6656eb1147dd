/**
 * `ardiff impute`: fills the gaps of the named columns of a CSV table and writes the whole table
 * back, other columns copied unchanged.
 *
 *   ardiff impute --data F.csv --columns a,b --model kalman|linear [--seed S] [--seasonal-period s]
 *                 --out filled.csv [--json]
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
 * entry.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { ArdiffError, ArgumentError, DataError } from '../../core/errors.js';
import { findDataset, numericColumn, type Table } from '../../core/series.js';
import { readTable } from '../../node/data.js';
import { checkOutputPath, writeFileAtomic } from '../../node/files.js';
import { imputeKalman, imputeLinear } from '../../classical/impute.js';
import { arimaLabel } from '../../classical/arima.js';
import { fail, intFlag, namesFlag } from '../flags.js';
import type { Json } from '../json.js';

interface ImputeFlags {
  data: string;
  columns: string;
  model: string;
  seed?: string;
  seasonalPeriod?: string;
  out: string;
  json?: boolean;
}

/** What a model gets besides the column: the seed (for sampling models) and the seasonal period. */
export interface ImputeContext {
  seed: number;
  period: number;
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

/** A model of `ardiff impute`. */
export interface ImputeModel {
  description: string;
  /** Writes the quantile columns `<name>_q05`, `<name>_q95`. */
  probabilistic: boolean;
  fill(y: Float64Array, context: ImputeContext): ColumnFill | Promise<ColumnFill>;
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
};

/** The model --model names, or the typed error listing the choices. */
function imputeModel(name: string): ImputeModel {
  if (!Object.hasOwn(IMPUTE_MODELS, name)) {
    throw new ArgumentError(`unknown model '${name}' for --model; choose one of ${Object.keys(IMPUTE_MODELS).join(', ')}`, '--model');
  }
  return IMPUTE_MODELS[name];
}

/** One CSV cell, quoted when it holds a comma, a quote, a line break or edge spaces (RFC 4180). */
function csvCell(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
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

/** Runs `ardiff impute` for parsed flags: writes the table and returns the JSON summary. */
export async function runImpute(flags: ImputeFlags): Promise<Record<string, Json>> {
  const model = imputeModel(flags.model);
  const names = namesFlag(flags.columns, '--columns');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const period = intFlag(flags.seasonalPeriod, '--seasonal-period', 1) ?? findDataset(flags.data)?.frequency ?? 1;
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
  for (const c of columns) {
    if (c.gaps === 0) {
      fills.push({ filled: c.y, q05: model.probabilistic ? c.y : undefined, q95: model.probabilistic ? c.y : undefined, label: null, order: null, seasonalOrder: null });
      continue;
    }
    try {
      fills.push(await model.fill(c.y, { seed, period }));
    } catch (e) {
      throw columnError(e, c.name);
    }
  }

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
