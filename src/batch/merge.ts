/**
 * Chunk files of `ardiff batch` and their merge into the three output files, CSV or Parquet (Node).
 *
 * A chunk file holds one chunk's rows as JSON lines: first `{"series", "ok", "failed", "first",
 * "last"}` (counts and the smallest and largest id), then `["F"|"M"|"E", cells…]` rows (forecasts,
 * models, errors) sorted by id ({@link compareIds}). The merge writes each output sorted by id
 * then step: when the chunks' id ranges follow one another (an input sorted by id) it
 * concatenates them; otherwise it k-way merges them, at most {@link FAN_IN} files at a time (the
 * rest in rounds of intermediate files), so neither memory nor open files grow with the input.
 */
import { createReadStream, createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ArgumentError } from '../core/errors.js';
import { csvRow } from '../core/series.js';
import { compareIds } from './read.js';
import type { SeriesRows } from './series-task.js';

/** Files merged at once. */
export const FAN_IN = 64;

/** The first line of a chunk file. */
export interface ChunkHead {
  series: number;
  ok: number;
  failed: number;
  first: string;
  last: string;
}

/** A chunk's rows as the text of its chunk file (rows sorted by id). */
export function chunkText(rows: readonly SeriesRows[]): string {
  const sorted = rows.slice().sort((a, b) => compareIds(a.id, b.id));
  const head: ChunkHead = {
    series: rows.length, ok: rows.filter((r) => !r.error).length, failed: rows.filter((r) => r.error).length,
    first: sorted[0]?.id ?? '', last: sorted[sorted.length - 1]?.id ?? '',
  };
  const lines = [JSON.stringify(head)];
  for (const r of sorted) {
    for (const f of r.forecasts) lines.push(JSON.stringify(['F', ...f]));
    if (r.model) lines.push(JSON.stringify(['M', ...r.model]));
    if (r.error) lines.push(JSON.stringify(['E', ...r.error]));
  }
  return lines.join('\n') + '\n';
}

/** The head line of a chunk file. */
export async function readChunkHead(file: string): Promise<ChunkHead> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const line of rl) return JSON.parse(line) as ChunkHead;
  } finally {
    rl.close();
  }
  throw new Error(`chunk file ${file} is empty`);
}

/** A write stream that waits for the disk when its buffer is full. */
class Sink {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    // A disk error (full, gone) surfaces at the next write or close as a typed error.
    this.stream.on('error', (e) => { this.failure = e; });
  }
  private check(): void {
    if (this.failure) throw new ArgumentError(`out: cannot write '${this.path}' (${this.failure.message}); check the output folder and free space`, 'out');
  }
  async write(text: string): Promise<void> {
    this.check();
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')]);
    this.check();
  }
  async close(): Promise<void> {
    this.check();
    this.stream.end();
    await Promise.race([once(this.stream, 'finish'), once(this.stream, 'error')]);
    this.check();
  }
}

/** An output file of rows of cells: CSV, or Parquet. */
interface RowSink {
  readonly path: string;
  write(cells: string[]): Promise<void>;
  close(): Promise<void>;
}

class CsvSink implements RowSink {
  private readonly sink: Sink;
  constructor(readonly path: string, header: readonly string[]) {
    this.sink = new Sink(path);
    void this.sink.write(csvRow(header) + '\n');
  }
  write(cells: string[]): Promise<void> {
    return this.sink.write(csvRow(cells) + '\n');
  }
  close(): Promise<void> {
    return this.sink.close();
  }
}

/** The Parquet type of an output column: text, a whole number, or a number that may be missing. */
export type ColumnKind = 'string' | 'int' | 'double';

/** Rows written to Parquet in row groups of {@link PARQUET_GROUP} rows (numbers as DOUBLE, an empty cell as null). */
const PARQUET_GROUP = 100_000;

class ParquetSink implements RowSink {
  private rows: string[][] = [];
  private writer: import('hyparquet-writer').ParquetWriter | null = null;
  constructor(readonly path: string, private readonly header: readonly string[], private readonly kinds: readonly ColumnKind[]) {}
  private async open(): Promise<import('hyparquet-writer').ParquetWriter> {
    const { ParquetWriter, fileWriter } = await import('hyparquet-writer');
    const schema = [
      { name: 'root', num_children: this.header.length },
      ...this.header.map((name, j) => this.kinds[j] === 'string' ? { name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'REQUIRED' as const }
        : this.kinds[j] === 'int' ? { name, type: 'INT32' as const, repetition_type: 'REQUIRED' as const }
          : { name, type: 'DOUBLE' as const, repetition_type: 'OPTIONAL' as const }),
    ];
    return new ParquetWriter({ writer: fileWriter(this.path), schema, createdBy: 'ardiff batch' });
  }
  private async flush(): Promise<void> {
    this.writer ??= await this.open();
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    const columnData = this.header.map((name, j) => ({
      name,
      data: this.kinds[j] === 'string' ? rows.map((r) => r[j]) : this.kinds[j] === 'int' ? Int32Array.from(rows, (r) => Number(r[j])) : rows.map((r) => (r[j] === '' ? null : Number(r[j]))),
    }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }
  async write(cells: string[]): Promise<void> {
    this.rows.push(cells);
    if (this.rows.length >= PARQUET_GROUP) await this.flush();
  }
  async close(): Promise<void> {
    await this.flush();
    this.writer?.finish();
  }
}

/** The rows of a chunk (or intermediate) file after its head line, one parsed row at a time. */
async function* rowsOf(file: string): AsyncGenerator<string[]> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let head = true;
  for await (const line of rl) {
    if (head) { head = false; continue; }
    if (line) yield JSON.parse(line) as string[];
  }
}

/** Rows of several files merged by id (a stable k-way merge: equal ids keep the files' order). */
async function* mergeRows(files: readonly string[]): AsyncGenerator<string[]> {
  const its = files.map(rowsOf);
  const heads: (string[] | null)[] = await Promise.all(its.map(async (it) => (await it.next()).value ?? null));
  // Few files per merge (≤ FAN_IN): a linear scan for the smallest head is as fast as a heap.
  for (;;) {
    let k = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && (k < 0 || compareIds(h[1], (heads[k] as string[])[1]) < 0)) k = i;
    }
    if (k < 0) return;
    yield heads[k] as string[];
    heads[k] = (await its[k].next()).value ?? null;
  }
}

/** The output files of a batch. */
export interface BatchOutputs {
  forecasts: string;
  models: string;
  errors: string;
}

/** Each output's header and column kinds. */
export interface OutputLayout {
  forecasts: { header: string[]; kinds: ColumnKind[] };
  models: { header: string[]; kinds: ColumnKind[] };
  errors: { header: string[]; kinds: ColumnKind[] };
}

/**
 * Writes the three outputs (CSV, or Parquet with `format` 'parquet') from the chunk files (in
 * chunk order), each to a temporary file renamed into place at the end; `tmpDir` holds
 * intermediate merge files.
 */
export async function mergeChunks(files: readonly string[], heads: readonly ChunkHead[], layout: OutputLayout, out: BatchOutputs, tmpDir: string, format: 'csv' | 'parquet' = 'csv'): Promise<void> {
  const inOrder = heads.every((h, i) => i === 0 || !h.series || !heads[i - 1].series || compareIds(heads[i - 1].last, h.first) < 0);
  let level = files.slice();
  let round = 0;
  // Rounds of FAN_IN-way merges until one merge is left (not needed when the chunks are in order).
  while (!inOrder && level.length > FAN_IN) {
    const next: string[] = [];
    for (let g = 0; g < level.length; g += FAN_IN) {
      const file = `${tmpDir}/merge-${round}-${next.length}.jsonl`;
      const sink = new Sink(file);
      await sink.write('{}\n');
      for await (const row of mergeRows(level.slice(g, g + FAN_IN))) await sink.write(JSON.stringify(row) + '\n');
      await sink.close();
      next.push(file);
    }
    if (round > 0) for (const f of level) rmSync(f, { force: true });
    level = next;
    round++;
  }
  const tmp = (p: string) => `${p}.${process.pid}.tmp`;
  const open = (key: keyof BatchOutputs): RowSink => (format === 'parquet'
    ? new ParquetSink(tmp(out[key]), layout[key].header, layout[key].kinds)
    : new CsvSink(tmp(out[key]), layout[key].header));
  const sinks = { F: open('forecasts'), M: open('models'), E: open('errors') };
  try {
    const rows = async function* (): AsyncGenerator<string[]> {
      if (inOrder) for (const f of level) yield* rowsOf(f);
      else yield* mergeRows(level);
    };
    for await (const [tag, ...cells] of rows()) await sinks[tag as 'F' | 'M' | 'E'].write(cells);
    for (const s of Object.values(sinks)) await s.close();
    for (const key of ['forecasts', 'models', 'errors'] as const) {
      try {
        renameSync(tmp(out[key]), out[key]);
      } catch (e) {
        throw new ArgumentError(`out: cannot write '${out[key]}' (${(e as Error).message}); check the output folder`, 'out');
      }
    }
  } catch (e) {
    for (const s of Object.values(sinks)) rmSync(s.path, { force: true });
    throw e;
  }
}
