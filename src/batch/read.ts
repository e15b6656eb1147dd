/**
 * The series of a batch, read from a CSV or Parquet file (Node).
 *
 * Long format (`id`, `value` and optionally `time` columns, one row per series and time point, as
 * statsforecast's unique_id/ds/y), CSV or Parquet (`.parquet`; read one row group at a time): the
 * file is streamed, so it need not fit in memory; the rows
 * of one series must be consecutive (a file sorted by id is), and each series is ordered by its
 * time column when one is named (numbers, else dates; a repeated time is an error of that series).
 * Wide format (no id column): every column but the time column is a series named by its header;
 * the whole file is read.
 *
 * Cells follow the CSV reader's rules (decimal numbers; empty, NA, NaN, NULL, '.' are missing).
 * A cell that is not a number, or a time that repeats, makes that series a {@link SeriesFailure}
 * (its error goes to errors.csv); a missing column, a malformed file or a series whose rows are not
 * together is a {@link DataError} for the whole file.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DataError, type ArdiffError } from '../core/errors.js';
import { isMissingCell, parseDecimal } from '../core/series.js';
import { readTable, tablePath } from '../node/data.js';
import type { SeriesFailure, SeriesInput } from './series-task.js';

/** Where the series are and how the file lays them out. */
export interface BatchInput {
  /** CSV file, or a bundled data set name (wide). */
  data: string;
  /** Long format: the column of series ids (with `value`). Absent: wide format. */
  id?: string;
  /** Long format: the column of values. */
  value?: string;
  /** The column of time points that orders each series (optional; default: file order). */
  time?: string;
}

/** Order of ids in the output files: numbers by value (before other ids), then by code units. */
export function compareIds(a: string, b: string): number {
  const x = parseDecimal(a), y = parseDecimal(b);
  const xn = Number.isFinite(x), yn = Number.isFinite(y);
  if (xn && yn && x !== y) return x - y;
  if (xn !== yn) return xn ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An ISO 8601 date or date-time: 2024-01-31, 2024-01, 2024-01-31T09:30, 2024-01-31 09:30:00.5+02:00. */
const ISO_DATE = /^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

/** A series failure from a typed error. */
function failure(id: string, e: ArdiffError): SeriesFailure {
  return { id, error: { type: e.name, message: e.message } };
}

/**
 * The order of a series' rows by its time cells (`rows`: 1-based data-row numbers, for messages):
 * numbers, else dates; a repeat or a cell that is neither is a DataError of the series.
 */
export function timeOrder(times: readonly string[], rows: readonly number[], what: string): number[] {
  const idx = times.map((_, i) => i);
  let keys = times.map(parseDecimal);
  if (!keys.every(Number.isFinite)) {
    // Dates: ISO 8601 only (Date.parse would read '3' as March 2001 and order it among dates).
    keys = times.map((t) => (ISO_DATE.test(t) ? Date.parse(t) : NaN));
    const bad = keys.findIndex((k) => !Number.isFinite(k));
    if (bad >= 0) throw new DataError(`${what}: time '${times[bad]}' (row ${rows[bad]}) is not ${keys.some(Number.isFinite) ? 'a date like the others' : 'a number or an ISO date'}; give all times as numbers or all as dates such as 2024-01-31 or 2024-01-31T09:30:00Z`, 'time');
  }
  idx.sort((i, j) => keys[i] - keys[j] || i - j);
  for (let k = 1; k < idx.length; k++) {
    if (keys[idx[k]] === keys[idx[k - 1]]) {
      throw new DataError(`${what}: time '${times[idx[k]]}' appears twice (rows ${rows[idx[k - 1]]} and ${rows[idx[k]]}); keep one row per time point`, 'time');
    }
  }
  return idx;
}

/** A cell as a value: NaN when missing; a DataError naming the row when it is not a number. */
function valueOf(cell: string, row: number, what: string): number {
  if (isMissingCell(cell)) return NaN;
  const v = parseDecimal(cell);
  if (!Number.isFinite(v)) throw new DataError(`${what}: row ${row} holds '${cell}', which is not a number (decimal numbers only; mark missing values with NA)`, 'value');
  return v;
}

/** The column index of `name` in the header, or a DataError listing the columns. */
function columnIndex(header: readonly string[], name: string, flag: string, source: string): number {
  const j = header.indexOf(name);
  if (j < 0) throw new DataError(`${source} has no column '${name}' (named as the ${flag} column); its columns are ${header.join(', ')}`, flag);
  return j;
}

/** Whether a path names a Parquet file (by its extension). */
export function isParquet(path: string): boolean {
  return /\.parquet$/i.test(path);
}

/** The records of a CSV file, header first (streamed; the file is closed however the reading ends). */
async function* csvRecords(path: string): AsyncGenerator<string[]> {
  const file = createReadStream(path);
  try {
    yield* file.pipe(parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: false })) as AsyncIterable<string[]>;
  } finally {
    file.destroy();
  }
}

/**
 * A Parquet cell as the text a CSV cell would hold: numbers as shortest round-trip decimals,
 * 64-bit integers in full, dates as ISO 8601, null as empty (missing).
 */
function parquetCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * The records of the named columns of a Parquet file, header first, one row group at a time (so
 * memory holds one row group, not the file). Snappy, gzip, zstd, Brotli and LZ4 pages are read.
 */
async function* parquetRecords(path: string, source: string, columns: string[]): AsyncGenerator<string[]> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetSchema, parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  let file, metadata;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new DataError(`${source}: cannot read it as Parquet (${(e as Error).message})`, 'data');
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const flags = ['id', 'value', 'time'];
  columns.forEach((c, k) => columnIndex(names, c, flags[k], source));
  yield columns;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, columns, rowStart, rowEnd, compressors });
    for (const r of rows) yield columns.map((c) => parquetCell((r as Record<string, unknown>)[c]));
    rowStart = rowEnd;
  }
}

/**
 * The series of the input, in file order. With `values: false` only the ids are collected (a
 * cheap first pass that counts the series and checks the layout before any work).
 */
export async function* readSeries(input: BatchInput, options: { values?: boolean } = {}): AsyncGenerator<SeriesInput | SeriesFailure> {
  const withValues = options.values ?? true;
  if (input.id === undefined) {
    yield* wideSeries(input, withValues);
    return;
  }
  const { path, name: source } = tablePath(input.data, 'data');
  const records = isParquet(path) ? parquetRecords(path, source, [input.id, input.value ?? '', ...(input.time === undefined ? [] : [input.time])]) : csvRecords(path);
  let header: string[] | null = null;
  let iId = -1, iValue = -1, iTime = -1;
  // The ids seen so far (only ids: about 100 bytes each, so 1e6 series take ~100 MB).
  const seen = new Set<string>();
  let current: string | null = null;
  let values: string[] = [], times: string[] = [], rows: number[] = [];
  let row = 0;
  const finish = (): SeriesInput | SeriesFailure => {
    const id = current as string, what = `series '${id}'`;
    if (!withValues) return { id, y: [] };
    try {
      const y = values.map((c, i) => valueOf(c, rows[i], what));
      if (iTime < 0) return { id, y: Float64Array.from(y) };
      return { id, y: Float64Array.from(timeOrder(times, rows, what), (i) => y[i]) };
    } catch (e) {
      if (e instanceof DataError) return failure(id, e);
      throw e;
    }
  };
  try {
    for await (const record of records) {
      if (!header) {
        header = record;
        const twice = header.find((c, j) => header!.indexOf(c) !== j);
        if (twice !== undefined) throw new DataError(`${source}: the header names column '${twice}' twice; rename one so that every column has its own name`, 'data');
        iId = columnIndex(header, input.id, 'id', source);
        iValue = columnIndex(header, input.value ?? '', 'value', source);
        if (input.time !== undefined) iTime = columnIndex(header, input.time, 'time', source);
        continue;
      }
      row++;
      const id = record[iId];
      if (id === '') throw new DataError(`${source}: row ${row} has an empty id; every row needs the id of its series`, 'id');
      if (id !== current) {
        if (current !== null) yield finish();
        if (seen.has(id)) {
          throw new DataError(`${source}: the rows of series '${id}' are not together (it appears again at row ${row} after other series); sort the file by id so that each series' rows are consecutive`, 'id');
        }
        seen.add(id);
        current = id;
        values = []; times = []; rows = [];
      }
      if (withValues) {
        values.push(record[iValue]);
        if (iTime >= 0) times.push(record[iTime]);
        rows.push(row);
      }
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${source}: cannot read the file (${(e as Error).message})`, 'data');
  }
  if (!header) throw new DataError(`${source}: the file is empty; it needs a header row and data rows`, 'data');
  if (current === null) throw new DataError(`${source}: the file has no data rows`, 'data');
  yield finish();
}

/** Every column but the time column, as a series named by its header (the file read whole). */
async function* wideSeries(input: BatchInput, withValues: boolean): AsyncGenerator<SeriesInput | SeriesFailure> {
  const table = readTable(input.data, 'data');
  const iTime = input.time === undefined ? -1 : columnIndex(table.columns, input.time, 'time', table.source);
  const rows = table.rows.map((_, i) => i + 1);
  let order: number[] | null = null;
  if (iTime >= 0) {
    try {
      order = timeOrder(table.rows.map((r) => r[iTime]), rows, table.source);
    } catch (e) {
      // One time axis for every series: a bad one is an error of the file.
      if (e instanceof DataError) throw new DataError(e.message, 'time');
      throw e;
    }
  }
  for (let j = 0; j < table.columns.length; j++) {
    if (j === iTime) continue;
    const id = table.columns[j];
    if (!withValues) {
      yield { id, y: [] };
      continue;
    }
    try {
      const y = table.rows.map((r, i) => valueOf(r[j], i + 1, `series '${id}'`));
      yield { id, y: Float64Array.from(order ?? rows.map((_, i) => i), (i) => y[i]) };
    } catch (e) {
      if (e instanceof DataError) yield failure(id, e);
      else throw e;
    }
  }
}
