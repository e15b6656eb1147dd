/**
 * `ardiff batch`: forecasts every series of a file with one model, on all cores (src/batch/).
 *
 *   ardiff batch --data FILE --id id --time time --value value --model M --horizon H
 *                [--levels 80,95] [--season s] [--workers N] [--chunk-size K] [--resume]
 *                [model flags, as ardiff fit] --out DIR [--json]
 *   ardiff batch --data WIDE.csv [--time t] --model M --horizon H --out DIR      (a column per series)
 *   ardiff batch … --model arima --exog price,promo --exog-future FUTURE.csv   (regressors, long format)
 *   ardiff batch … --queue redis://host:6379/0?queue=NAME      (chunks as BullMQ jobs; see `ardiff worker`)
 *   ardiff worker --queue redis://host:6379/0?queue=NAME [--concurrency N] [--lock-seconds S] [--json]
 *
 * Writes DIR/forecasts.csv (id,step,mean,lo80,hi80,lo95,hi95; sorted by id then step),
 * DIR/models.csv (id,model,order,aicc) and DIR/errors.csv (id,type,message). `--json` prints
 * {"series", "ok", "failed", "seconds", "workers", "resumedChunks", "out"} last; progress goes to
 * stderr. The forecasts equal those of `ardiff fit --json` on each series alone with the same
 * model flags (`--season s` sets the model's seasonal period, as `--seasonal-period` does in fit).
 */
import { Option, type Command } from 'commander';
import { ArgumentError } from '../../core/errors.js';
import { findModel, modelNames } from '../../registry.js';
import { runBatch, type BatchSummary } from '../../batch/run.js';
import { asFlagError, fail, intFlag, levelsFlag, namesFlag } from '../flags.js';
import { jsonRequested, progress, type Progress } from '../json.js';
import { addModelFlags, entrySpecs, flagMapper, modelOptionsFromFlags } from '../model-flags.js';

interface BatchFlags {
  data: string;
  id?: string;
  time?: string;
  value?: string;
  exog?: string;
  exogFuture?: string;
  model: string;
  horizon: string;
  levels: string;
  season?: string;
  workers?: string;
  chunkSize?: string;
  resume?: boolean;
  queue?: string;
  format?: string;
  out: string;
  json?: boolean;
  [flag: string]: unknown;
}

/** Library argument names → the flags that set them. */
const FLAGS: Record<string, string> = {
  data: '--data', id: '--id', value: '--value', time: '--time', model: '--model', horizon: '--horizon', levels: '--levels',
  workers: '--workers', chunkSize: '--chunk-size', resume: '--resume', out: '--out', queue: '--queue', format: '--format',
  exog: '--exog', exogFuture: '--exog-future',
};

/** Runs `ardiff batch` for parsed flags. */
export async function runBatchCommand(flags: BatchFlags, attrs: Map<string, string>): Promise<BatchSummary> {
  const entry = findModel(flags.model, '--model');
  if (entry.shape !== 'series') throw new ArgumentError(`--model ${entry.name} does not fit one series; batch takes ${modelNames('series').join(', ')}`, '--model');
  const season = intFlag(flags.season, '--season', 1);
  if (season !== undefined && !entrySpecs(entry).some((s) => s.cli?.fromDataFrequency)) {
    throw new ArgumentError(`--season applies to models with a seasonal period option (${modelNames('series').filter((n) => entrySpecs(findModel(n)).some((s) => s.cli?.fromDataFrequency)).join(', ')}), not --model ${entry.name}${entry.name === 'arima' ? ' (give --seasonal P,D,Q,s)' : ''}`, '--season');
  }
  const { options } = modelOptionsFromFlags(entry, flags, attrs, season);
  const hs = String(flags.horizon).trim();
  const horizon = intFlag(hs, '--horizon', 1) as number;
  const levels = levelsFlag(flags.levels, '--levels');
  const workers = intFlag(flags.workers, '--workers', 0);
  const chunkSize = intFlag(flags.chunkSize, '--chunk-size', 1);
  let bar: Progress | undefined;
  const toFlag = (name: string) => FLAGS[name] ?? flagMapper(entry)(name);
  // The producer waits for workers, however long: say so, since nothing else is printed until a chunk is done.
  if (flags.queue !== undefined && !flags.json) process.stderr.write(`batch: the chunks go to the queue ${flags.queue.replace(/\/\/[^@/]*@/, '//')}; they are processed by \`ardiff worker --queue …\` processes (start them on any host; this waits for them)\n`);
  try {
    return await runBatch({
      data: flags.data, id: flags.id, value: flags.value, time: flags.time, model: entry.name, options: options as Record<string, unknown>,
      exog: flags.exog === undefined ? undefined : namesFlag(flags.exog, '--exog'), exogFuture: flags.exogFuture,
      horizon, levels, out: flags.out, workers, chunkSize, resume: !!flags.resume, queue: flags.queue, format: flags.format as 'csv' | 'parquet' | undefined,
      onProgress: (p) => {
        bar ??= progress('batch', p.total, !flags.json, '{value}/{total} series | ok {ok} | failed {failed} | eta {eta_formatted}');
        bar.update(p.done, { ok: String(p.ok), failed: String(p.failed) });
      },
    });
  } catch (e) {
    throw asFlagError(e, toFlag);
  } finally {
    bar?.stop();
  }
}

/** `ardiff worker`: processes chunk jobs of `ardiff batch --queue` until SIGINT or SIGTERM. */
async function runWorkerCommand(flags: { queue: string; concurrency?: string; lockSeconds?: string; json?: boolean }): Promise<{ chunks: number }> {
  const concurrency = intFlag(flags.concurrency, '--concurrency', 1);
  const lockSeconds = intFlag(flags.lockSeconds, '--lock-seconds', 1);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { runQueueWorker } = await import('../../batch/queue.js');
    return await runQueueWorker({
      queue: flags.queue, concurrency, lockSeconds, signal: stop.signal,
      onChunk: ({ index, series }) => { if (!flags.json) process.stderr.write(`worker: chunk ${index} (${series} series) done\n`); },
    });
  } catch (e) {
    throw asFlagError(e, (name) => ({ queue: '--queue', concurrency: '--concurrency', lockSeconds: '--lock-seconds' })[name]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Adds `ardiff batch` to the program, with the model flags of `ardiff fit`. */
export function registerBatch(program: Command): void {
  const command = program
    .command('batch')
    .description('forecast every series of a file with one model on all cores: forecasts.csv, models.csv, errors.csv')
    .requiredOption('--data <file>', 'CSV or Parquet file: long (--id, --value, optional --time: a row per series and time) or, CSV only, wide (a column per series); or a bundled data set name')
    .option('--id <col>', 'long format: the column of series ids (the rows of one series must be consecutive)')
    .option('--value <col>', 'long format: the column of values')
    .option('--time <col>', 'the column that orders each series (numbers or dates; default: file order)')
    .option('--exog <a,b>', 'long format: regressor columns (complete) for models with regressors (arima)')
    .option('--exog-future <file>', 'long CSV or Parquet file of the regressors over the horizon: the --id, --time and --exog columns, --horizon rows per series')
    .requiredOption('--model <m>', `a model of one series: ${modelNames('series').join(' | ')}`)
    .requiredOption('--horizon <h>', 'forecast steps per series')
    .option('--levels <l>', 'interval levels in per cent', '80,95')
    .option('--season <s>', 'seasonal period given to the model (as --seasonal-period in ardiff fit)')
    .option('--workers <n>', 'worker threads (default: the cores; 0: this thread)')
    .option('--chunk-size <k>', 'series per chunk: the unit of work and of --resume (default 100)')
    .option('--resume', 'continue an interrupted run with the same arguments: skip the chunks it wrote')
    .option('--queue <url>', 'redis://host:port[/db][?queue=NAME]: send the chunks to a BullMQ queue that `ardiff worker` processes (any hosts) instead of local threads')
    .requiredOption('--out <dir>', 'output folder (created): forecasts.csv, models.csv, errors.csv')
    .addOption(new Option('--format <f>', 'output files: csv or parquet (forecasts.parquet, …)').choices(['csv', 'parquet']))
    .option('--json', 'print {"series", "ok", "failed", "seconds", …} when done');
  program
    .command('worker')
    .description('process the chunk jobs of `ardiff batch --queue` (any number of workers, on any hosts) until SIGINT or SIGTERM')
    .requiredOption('--queue <url>', 'redis://host:port[/db][?queue=NAME], as given to ardiff batch')
    .option('--concurrency <n>', 'chunks at once, each on its own thread (default 1)')
    .option('--lock-seconds <s>', 'seconds after which the chunk of a worker that stopped answering goes to another worker (default 30)')
    .option('--json', 'print {"chunks", "peakMB"} when stopped')
    .action(async (flags: { queue: string; concurrency?: string; lockSeconds?: string; json?: boolean }) => {
      try {
        const { chunks } = await runWorkerCommand(flags);
        const peakMB = process.resourceUsage().maxRSS / 1024;
        console.log(flags.json ? JSON.stringify({ chunks, peakMB }) : `worker stopped after ${chunks} chunks (peak memory ${peakMB.toFixed(0)} MB)`);
      } catch (e) {
        fail(e, jsonRequested(flags.json));
      }
    });
  const attrs = addModelFlags(command);
  command.action(async (flags: BatchFlags) => {
    try {
      const s = await runBatchCommand(flags, attrs);
      const summary = { series: s.series, ok: s.ok, failed: s.failed, seconds: s.seconds, workers: s.workers, resumedChunks: s.resumedChunks, failedChunks: s.failedChunks, out: flags.out };
      console.log(flags.json ? JSON.stringify(summary)
        : `${s.series} series: ${s.ok} forecast, ${s.failed} failed (errors.csv) in ${s.seconds.toFixed(1)} s${flags.queue ? ' on the queue' : s.workers ? ` on ${s.workers} worker thread${s.workers === 1 ? '' : 's'}` : ' in one thread'}${s.resumedChunks ? `, ${s.resumedChunks} chunks resumed` : ''}; forecasts, models and errors (.${flags.format ?? 'csv'}) written to ${flags.out}`);
    } catch (e) {
      fail(e, jsonRequested(flags.json));
    }
  });
}
