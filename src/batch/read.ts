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
 * Regressors (long format, models with `exog`): further columns of the same rows, complete for
 * every row, passed to the model as its exogenous regressors; their values over the forecast
 * horizon come from a second long file (`exogFuture`: the id column, the time column when one is
 * named, and the regressor columns; one row per series and forecast step), read whole by
 * {@link readFutureRegressors} (horizon × regressors numbers per series).
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
import { nameRecord } from '../core/validate.js';
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
  /** Long format: regressor columns (complete), given to the model as `exog`. */
  exog?: string[];
}

/** Each series' future regressor values (by id), or the error that fails the series. */
export type FutureRegressorsById = Map<string, Record<string, Float64Array> | DataError>;

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
async function* parquetRecords(path: string, source: string, columns: string[], flags: string[]): AsyncGenerator<string[]> {
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
export async function* readSeries(input: BatchInput, options: { values?: boolean; future?: FutureRegressorsById } = {}): AsyncGenerator<SeriesInput | SeriesFailure> {
  const withValues = options.values ?? true;
  if (input.id === undefined) {
    yield* wideSeries(input, withValues);
    return;
  }
  const { path, name: source } = tablePath(input.data, 'data');
  const exogNames = input.exog ?? [];
  const named: [string, string][] = [[input.id, 'id'], [input.value ?? '', 'value'], ...(input.time === undefined ? [] : [[input.time, 'time'] as [string, string]]), ...exogNames.map((n) => [n, 'exog'] as [string, string])];
  const records = isParquet(path) ? parquetRecords(path, source, named.map((c) => c[0]), named.map((c) => c[1])) : csvRecords(path);
  let header: string[] | null = null;
  let iId = -1, iValue = -1, iTime = -1;
  let iExog: number[] = [];
  let exogCells: string[][] = [];
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
      const order = iTime < 0 ? null : timeOrder(times, rows, what);
      const ordered = (v: readonly number[]) => (order ? Float64Array.from(order, (i) => v[i]) : Float64Array.from(v));
      if (!exogNames.length) return { id, y: ordered(y) };
      const exog = nameRecord<Float64Array>();
      exogNames.forEach((name, k) => { exog[name] = ordered(regressorValues(exogCells[k], rows, name, what)); });
      const out: SeriesInput = { id, y: ordered(y), exog };
      if (options.future) {
        const f = options.future.get(id);
        if (f === undefined) throw new DataError(`${what}: the future regressors file has no rows for it; give its regressors' values at each forecast step`, 'exogFuture');
        if (f instanceof DataError) throw f;
        out.future = f;
      }
      return out;
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
        iExog = exogNames.map((name) => columnIndex(header!, name, 'exog', source));
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
        exogCells = iExog.map(() => []);
      }
      if (withValues) {
        values.push(record[iValue]);
        if (iTime >= 0) times.push(record[iTime]);
        for (let k = 0; k < iExog.length; k++) exogCells[k].push(record[iExog[k]]);
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

/** A regressor's cells as numbers: every one present (a model's regressors must be complete). */
function regressorValues(cells: readonly string[], rows: readonly number[], name: string, what: string): number[] {
  return cells.map((c, i) => {
    const v = isMissingCell(c) ? NaN : parseDecimal(c);
    if (!Number.isFinite(v)) {
      throw new DataError(`${what}: regressor '${name}' ${isMissingCell(c) ? 'is missing' : `holds '${c}', which is not a number,`} at row ${rows[i]}; regressors must be complete (fill the value or drop the row)`, 'exog');
    }
    return v;
  });
}

/**
 * The future regressor values of every series in `file` (long: `input.id`, `input.time` when
 * named, and the `input.exog` columns; rows of a series in any place, ordered by time): a record
 * of `horizon` values per regressor for each id, or the DataError that fails that series (a
 * count other than the horizon, a missing or non-numeric value, a repeated time). A missing
 * column or an unreadable file is a DataError of the whole file (argument `exogFuture`).
 */
export async function readFutureRegressors(file: string, input: BatchInput, horizon: number): Promise<FutureRegressorsById> {
  const exogNames = input.exog ?? [];
  const id = input.id as string;
  const { path, name: source } = tablePath(file, 'exogFuture');
  const cols = [id, ...(input.time === undefined ? [] : [input.time]), ...exogNames];
  const records = isParquet(path) ? parquetRecords(path, source, cols, cols.map(() => 'exogFuture')) : csvRecords(path);
  const bySeries = new Map<string, { rows: number[]; cells: string[][] }>();
  let index: number[] | null = null;
  let row = 0;
  try {
    for await (const record of records) {
      if (!index) {
        index = cols.map((c) => columnIndex(record, c, 'exogFuture', source));
        continue;
      }
      row++;
      const key = record[index[0]];
      let g = bySeries.get(key);
      if (!g) { g = { rows: [], cells: cols.map(() => []) }; bySeries.set(key, g); }
      g.rows.push(row);
      index.forEach((j, k) => g!.cells[k].push(record[j]));
    }
  } catch (e) {
    if (e instanceof DataError) throw new DataError(e.message, 'exogFuture');
    throw new DataError(`${source}: cannot read the file (${(e as Error).message})`, 'exogFuture');
  }
  if (!index) throw new DataError(`${source}: the file is empty; it needs a header row and a row per series and forecast step`, 'exogFuture');
  const out: FutureRegressorsById = new Map();
  const t = input.time === undefined ? -1 : 1, first = t < 0 ? 1 : 2;
  for (const [key, g] of bySeries) {
    const what = `series '${key}'`;
    try {
      if (g.rows.length !== horizon) {
        throw new DataError(`${what}: ${source} has ${g.rows.length} rows for it, the horizon is ${horizon}; give one row per forecast step`, 'exogFuture');
      }
      const order = t < 0 ? g.rows.map((_, i) => i) : timeOrder(g.cells[t], g.rows, `${what} in ${source}`);
      const rec = nameRecord<Float64Array>();
      exogNames.forEach((name, k) => {
        const v = regressorValues(g.cells[first + k], g.rows, name, `${what} in ${source}`);
        rec[name] = Float64Array.from(order, (i) => v[i]);
      });
      out.set(key, rec);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      out.set(key, new DataError(e.message, 'exogFuture'));
    }
  }
  return out;
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
