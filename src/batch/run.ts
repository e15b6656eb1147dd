/**
 * `ardiff batch` as a library function (Node): forecasts every series of a file with one
 * registered model of one series, on a pool of worker threads, and writes
 *
 *   OUT/forecasts.csv   id, step, mean, lo<l>, hi<l> …   sorted by id ({@link compareIds}) then step
 *   OUT/models.csv      id, model, order, aicc
 *   OUT/errors.csv      id, type, message               (one bad series never stops the others)
 *
 * (or the same as .parquet files with `format: 'parquet'`; the input may be a long Parquet file).
 *
 * Steps: (1) check every argument and the output folder; (2) a first pass over the input counts
 * the series and checks its layout (columns, rows of a series together) before any fit; (3) the
 * series are streamed in chunks of `chunkSize` to the workers (at most two chunks per worker in
 * flight, so memory stays bounded), and each chunk's rows are written atomically to
 * OUT/.ardiff-batch/chunk-NNNNNNNN.jsonl; (4) the chunk files are merged into the outputs and the
 * work folder is removed. With `resume`, a run killed in step 3 and started again with the same
 * arguments and input skips the chunks already written and ends with the same files, byte for
 * byte (a manifest of the arguments and the input's size and time guards against a changed run).
 * Chunks depend only on their series, so the output does not depend on the number of workers.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { ArgumentError, DataError } from '../core/errors.js';
import { checkLevel } from '../core/forecast.js';
import { parseOptions, type SeriesModelEntry } from '../core/model-entry.js';
import { checkHorizon, checkIntAtLeast } from '../core/validate.js';
import { findModel, modelNames } from '../registry.js';
import { tablePath } from '../node/data.js';
import { checkOutputDir, checkOutputPath, samePath, writeFileAtomic } from '../node/files.js';
import { chunkText, mergeChunks, readChunkHead, type ChunkHead } from './merge.js';
import { isParquet, readFutureRegressors, readSeries, type BatchInput } from './read.js';
import { ERRORS_HEADER, MODELS_HEADER, forecastHeader, type SeriesFailure, type SeriesInput, type SeriesTaskSettings } from './series-task.js';
import { chunkRunner } from './pool.js';
import type { ChunkTask } from './worker.js';
import { QueueDispatcher, checkQueue, parseQueueUrl, runId } from './queue.js';

/** Format of the work folder's manifest and chunk files. */
const BATCH_FORMAT = 1;
const WORK_DIR = '.ardiff-batch';

/** Options of {@link runBatch}. */
export interface BatchOptions extends BatchInput {
  /** A registered model of one series (see `modelNames('series')`). */
  model: string;
  /** The model's options (checked by its schema), as for `fitModel`. */
  options?: Record<string, unknown>;
  /** Forecast steps per series. */
  horizon: number;
  /** Interval levels in per cent. Default [80, 95]. */
  levels?: number[];
  /** Output folder (created). */
  out: string;
  /** Worker threads. Default: the machine's cores; 0 runs every chunk in this thread. */
  workers?: number;
  /** Series per chunk (the unit of work and of resuming). Default 100. */
  chunkSize?: number;
  /** Output files: 'csv' (forecasts.csv, …) or 'parquet' (forecasts.parquet, …; numbers as DOUBLE, a missing one null). Default 'csv'. */
  format?: 'csv' | 'parquet';
  /** Skip the chunks an interrupted run with the same arguments and input already wrote. Default false. */
  resume?: boolean;
  /**
   * A Redis queue (`redis://host:port[/db][?queue=NAME]`): the chunks go to BullMQ jobs that
   * `ardiff worker` processes on any number of hosts, instead of this machine's threads.
   */
  queue?: string;
  /**
   * A long file of the regressors' values over the forecast horizon: the id column, the time
   * column when `time` is named, and the `exog` columns, one row per series and step (CSV or
   * Parquet). Required with `exog`; read whole before the work starts.
   */
  exogFuture?: string;
  /** Called after every chunk. */
  onProgress?: (p: BatchProgress) => void;
}

/** Progress after a chunk. */
export interface BatchProgress {
  /** Series done (forecast or failed), and of how many. */
  done: number;
  total: number;
  ok: number;
  failed: number;
  /** Chunks taken from an interrupted run (resume). */
  resumedChunks: number;
}

/** What a batch did. */
export interface BatchSummary {
  series: number;
  ok: number;
  failed: number;
  seconds: number;
  /** Chunks taken from an interrupted run. */
  resumedChunks: number;
  /** Worker threads of this machine (0: this thread, or a queue). */
  workers: number;
  /** Chunks whose job failed for good on the queue (their series are in errors.csv as JobFailed). */
  failedChunks: number;
  forecasts: string;
  models: string;
  errors: string;
}

/** Forecasts every series of the input (see the module notes). */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  // 1. Arguments.
  if (!options || typeof options !== 'object') throw new ArgumentError('runBatch needs an options object', 'options');
  const entry = findModel(options.model, 'model');
  if (entry.shape !== 'series') throw new ArgumentError(`model '${entry.name}' does not fit one series; batch takes ${modelNames('series').join(', ')}`, 'model');
  const modelOptions = parseOptions(entry, options.options ?? {}) as Record<string, unknown>;
  checkHorizon(options.horizon, 'horizon');
  const levels = (options.levels ?? [80, 95]).map((l) => checkLevel(l, 'levels'));
  if (!levels.length) throw new ArgumentError('levels must name at least one interval level, e.g. [80, 95]', 'levels');
  if (new Set(levels).size !== levels.length) throw new ArgumentError(`levels name a level twice (${levels.join(', ')}); each gives its own lo/hi columns`, 'levels');
  if (options.queue !== undefined && options.workers !== undefined) throw new ArgumentError('workers sets the threads of this machine; with queue, start `ardiff worker` processes instead', 'workers');
  const target = options.queue === undefined ? null : parseQueueUrl(options.queue, 'queue');
  const workers = target ? 0 : options.workers === undefined ? availableParallelism() : checkIntAtLeast(options.workers, 'workers', 0);
  if (workers > 4 * availableParallelism()) throw new ArgumentError(`workers: ${workers} threads on ${availableParallelism()} cores only add memory (each holds the models); use at most ${4 * availableParallelism()}`, 'workers');
  const chunkSize = checkIntAtLeast(options.chunkSize ?? 100, 'chunkSize', 1);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ArgumentError('onProgress must be a function', 'onProgress');
  if ((options.id === undefined) !== (options.value === undefined)) {
    throw new ArgumentError(options.id === undefined ? 'value names the value column of a long file; give id too (or neither, for a wide file)' : 'id names the series column of a long file; give value too', options.id === undefined ? 'id' : 'value');
  }
  const exog = checkExog(options, entry.exog === true, entry.name);
  const input: BatchInput = { data: options.data, id: options.id, value: options.value, time: options.time, ...(exog.length ? { exog } : {}) };
  const { path } = tablePath(options.data, 'data');
  const futurePath = exog.length ? tablePath(options.exogFuture as string, 'exogFuture').path : null;
  // The queue is reachable and of this job format before anything is written.
  if (target) await checkQueue(target, 'producer');
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'parquet') throw new ArgumentError(`format must be 'csv' or 'parquet'; got '${String(format)}'`, 'format');
  if (options.id === undefined && isParquet(path)) throw new ArgumentError('a Parquet file is read in long format: name its id and value columns (id, value)', 'id');
  const out = checkOutputDir(options.out, 'out');
  const outputs = { forecasts: join(out, `forecasts.${format}`), models: join(out, `models.${format}`), errors: join(out, `errors.${format}`) };
  const work = join(out, WORK_DIR);
  // Outputs may not overwrite the input (however the paths are spelt, links included), nor may the
  // work folder, which is removed at the end, hold it; a folder where an output goes is refused.
  for (const [inputPath, what] of [[path, 'data'], ...(futurePath ? [[futurePath, 'exogFuture']] : [])] as const) {
    for (const f of Object.values(outputs)) {
      if (samePath(f, inputPath)) throw new ArgumentError(`out: '${f}' is the ${what} file, which would be overwritten; write to another folder`, 'out');
    }
    if (samePath(inputPath, work) || realpathSync(inputPath).startsWith(realpathSync(out) + sep + WORK_DIR + sep)) {
      throw new ArgumentError(`out: the ${what} file is inside ${work}, the work folder a batch removes; move it or write to another folder`, 'out');
    }
  }
  for (const f of Object.values(outputs)) checkOutputPath(f, 'out');
  const settings: SeriesTaskSettings = { model: entry.name, options: modelOptions, horizon: options.horizon, levels };

  // 2. First pass, before anything is written: count the series, check the layout (and read the
  //    future regressors).
  let total = 0;
  for await (const s of readSeries(input, { values: false })) { void s; total++; }
  const future = futurePath ? await readFutureRegressors(futurePath, input, options.horizon) : undefined;

  // The work folder: the manifest says which run its chunks belong to.
  const stat = statSync(path);
  const futureStat = futurePath ? statSync(futurePath) : null;
  const manifest = JSON.stringify({
    format: BATCH_FORMAT, data: resolve(path), size: stat.size, mtimeMs: stat.mtimeMs,
    input: { id: input.id ?? null, value: input.value ?? null, time: input.time ?? null, ...(exog.length ? { exog } : {}) },
    ...(futurePath && futureStat ? { exogFuture: { path: resolve(futurePath), size: futureStat.size, mtimeMs: futureStat.mtimeMs } } : {}),
    settings: { ...settings, options: JSON.parse(JSON.stringify(modelOptions)) as unknown }, chunkSize, output: format,
  });
  const manifestFile = join(work, 'manifest.json');
  if (options.resume && existsSync(manifestFile)) {
    if (readFileSync(manifestFile, 'utf8') !== manifest) {
      throw new ArgumentError(`resume: ${work} holds the chunks of a run with other arguments or another version of the input; rerun without resume to start over`, 'resume');
    }
  } else {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    writeFileAtomic(manifestFile, manifest, 'out');
  }

  // 3. Chunks to the workers.
  const chunkFile = (k: number) => join(work, `chunk-${String(k).padStart(8, '0')}.jsonl`);
  const heads: ChunkHead[] = [];
  const progress: BatchProgress = { done: 0, total, ok: 0, failed: 0, resumedChunks: 0 };
  const record = (k: number, head: ChunkHead) => {
    heads[k] = head;
    progress.done += head.series;
    progress.ok += head.ok;
    progress.failed += head.failed;
    options.onProgress?.({ ...progress });
  };
  // No more threads than chunks: each thread loads the models.
  const pool = await chunkRunner(Math.min(workers, Math.max(1, Math.ceil(total / chunkSize))));
  const queue = target ? await QueueDispatcher.open(target, runId(manifest)) : null;
  let failedChunks = 0;
  const inflight = new Set<Promise<void>>();
  const dispatch = async (task: ChunkTask): Promise<void> => {
    let text: string;
    if (queue) {
      const r = await queue.dispatch(task);
      if ('failed' in r) {
        // A chunk that failed on every attempt: its series are errors, so the output stays complete.
        failedChunks++;
        text = chunkText(task.series.map((s) => ({ id: s.id, forecasts: [], model: null, error: [s.id, 'JobFailed', `its chunk failed on the queue after retries: ${r.failed.split('\n')[0]}`] })));
      } else text = r.text;
    } else text = chunkText((await pool.run(task)).rows);
    writeFileAtomic(chunkFile(task.index), text, 'out');
    record(task.index, JSON.parse(text.slice(0, text.indexOf('\n'))) as ChunkHead);
  };
  // Bounded memory: at most two chunks per worker thread (or 64 on a queue) wait or run.
  const window = queue ? 64 : Math.max(1, 2 * pool.threads);
  let k = 0;
  let chunk: (SeriesInput | SeriesFailure)[] = [];
  const flush = async (): Promise<void> => {
    const index = k++;
    const series = chunk;
    chunk = [];
    if (options.resume && existsSync(chunkFile(index))) {
      progress.resumedChunks++;
      record(index, await readChunkHead(chunkFile(index)));
      return;
    }
    const p: Promise<void> = dispatch({ index, settings, series }).finally(() => inflight.delete(p));
    inflight.add(p);
    while (inflight.size >= window) await Promise.race(inflight);
  };
  try {
    let seen = 0;
    for await (const s of readSeries(input, { future })) {
      chunk.push(s);
      seen++;
      if (chunk.length === chunkSize) await flush();
    }
    if (chunk.length) await flush();
    if (seen !== total) throw new DataError(`the input changed while the batch ran (${total} series at first, ${seen} now); run it again`, 'data');
    await Promise.all(inflight);
  } finally {
    await Promise.allSettled(inflight);
    await pool.destroy();
    await queue?.close(heads.map((_, i) => i));
  }

  // 4. Merge, then remove the work folder.
  const files = heads.map((_, i) => chunkFile(i));
  const header = forecastHeader(levels);
  await mergeChunks(files, heads, {
    forecasts: { header, kinds: header.map((_, j) => (j === 0 ? 'string' : j === 1 ? 'int' : 'double')) },
    models: { header: MODELS_HEADER, kinds: ['string', 'string', 'string', 'double'] },
    errors: { header: ERRORS_HEADER, kinds: ['string', 'string', 'string'] },
  }, outputs, work, format);
  rmSync(work, { recursive: true, force: true });
  return {
    series: total, ok: progress.ok, failed: progress.failed, seconds: (performance.now() - started) / 1000,
    resumedChunks: progress.resumedChunks, workers: pool.threads, failedChunks, ...outputs,
  };
}

/**
 * The regressor columns of `options.exog`: a model that takes regressors, a long file, names
 * distinct from the id, value and time columns, and their future values in `exogFuture`.
 */
function checkExog(options: BatchOptions, takesExog: boolean, model: string): string[] {
  if (options.exog === undefined) {
    if (options.exogFuture !== undefined) throw new ArgumentError('exogFuture gives future regressor values, but no regressors are named; name the columns with exog', 'exog');
    return [];
  }
  const exog = options.exog;
  if (!Array.isArray(exog) || !exog.length || !exog.every((c) => typeof c === 'string' && c !== '')) {
    throw new ArgumentError('exog must name one or more regressor columns, e.g. ["price", "promo"]', 'exog');
  }
  if (!takesExog) {
    const withExog = modelNames('series').filter((n) => (findModel(n) as SeriesModelEntry).exog === true);
    throw new ArgumentError(`model '${model}' takes no regressors; models with regressors: ${withExog.join(', ')}`, 'exog');
  }
  if (options.id === undefined) throw new ArgumentError('regressors are read from a long file: name its id and value columns (id, value)', 'exog');
  const twice = exog.find((c, j) => exog.indexOf(c) !== j);
  if (twice !== undefined) throw new ArgumentError(`exog names '${twice}' twice`, 'exog');
  const clash = exog.find((c) => c === options.id || c === options.value || c === options.time);
  if (clash !== undefined) throw new ArgumentError(`exog names '${clash}', which is the ${clash === options.id ? 'id' : clash === options.value ? 'value' : 'time'} column; name the regressor columns only`, 'exog');
  if (options.exogFuture === undefined) {
    throw new ArgumentError(`forecasts with regressors need their future values: give exogFuture, a long file with ${[options.id, ...(options.time === undefined ? [] : [options.time]), ...exog].join(', ')} and ${options.horizon} rows per series`, 'exogFuture');
  }
  return exog.slice();
}

/** The chunk files left by an interrupted run in `out` (for messages and tests). */
export function pendingChunks(out: string): string[] {
  const work = join(resolve(out), WORK_DIR);
  return existsSync(work) ? readdirSync(work).filter((f) => f.startsWith('chunk-')).sort() : [];
}
