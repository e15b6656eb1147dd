/**
 * `ardiff batch --queue redis://…` and `ardiff worker`: the chunks of a batch as jobs on a BullMQ
 * queue in Redis, processed by any number of worker processes on any number of hosts (Node).
 *
 * The producer (`runBatch` with `queue`) adds one job per chunk, with the job id
 * `<run>-<chunk index>` where `<run>` is a hash of the batch's manifest (arguments and input), so a
 * producer restarted with `resume` finds the jobs of its run again (adding an existing id is a
 * no-op; a finished job's result is read back). A worker returns the chunk's file text
 * (`chunkText`), which the producer writes atomically as the chunk file: a chunk computed or
 * written twice gives the same file, and the final merge is the one of the local pool. A job
 * whose worker dies is handed to another worker once its lock expires (`lockSeconds`); a job that
 * throws is retried (3 attempts, exponential backoff from 1 s); a chunk that still fails puts its
 * series in errors.csv (type `JobFailed`). Errors of a series (bad cells, fits that fail) are rows
 * of the chunk's result, never job failures, so they are not retried.
 *
 * A queue holds jobs of one format: the key `<prefix>:<queue>:ardiff-format` records it, and a
 * producer or worker of another format gets a {@link ServiceError} instead of misreading jobs.
 */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { ArgumentError, ServiceError } from '../core/errors.js';
import { chunkText } from './merge.js';
import { chunkRunner } from './pool.js';
import type { ChunkTask } from './worker.js';

/**
 * Format of the jobs (their data and results); a queue holds jobs of one format. 2: series may
 * carry regressors (`exog`, `future`), which a worker of format 1 would ignore.
 */
export const JOB_FORMAT = 2;

/** Regressor columns as plain arrays (complete, so JSON keeps every value). */
function plainColumns(cols: Record<string, Float64Array | number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(cols)) Object.defineProperty(out, k, { value: Array.from(v), enumerable: true, writable: true, configurable: true });
  return out;
}
const PREFIX = 'bull';
const JOB_NAME = 'ardiff-chunk';
/** Seconds without an answer from Redis after which a producer gives up (a ServiceError). */
const LOST_SECONDS = 15;

/** A queue named by a URL. */
export interface QueueTarget {
  connection: { host: string; port: number; username?: string; password?: string; db?: number };
  /** Queue name (`?queue=NAME`, default 'ardiff-batch'). */
  name: string;
  /** The URL without its password, for messages. */
  display: string;
}

/** The data of a chunk job. */
export interface ChunkJob {
  format: number;
  task: ChunkTask;
}

/** The result of a chunk job: the chunk file's text. */
export interface ChunkJobResult {
  index: number;
  text: string;
}

/**
 * Reads `redis://[user:password@]host[:port][/db][?queue=NAME]` (or `rediss://` for TLS is not
 * supported: a typed error says so).
 */
export function parseQueueUrl(url: string, argument = 'queue'): QueueTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ArgumentError(`${argument} must be a Redis URL such as redis://127.0.0.1:6379/0?queue=ardiff-batch; got '${url}'`, argument);
  }
  if (u.protocol !== 'redis:') throw new ArgumentError(`${argument}: only redis:// URLs are supported; got '${u.protocol}//'`, argument);
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? undefined : Number(dbText);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw new ArgumentError(`${argument}: the database after the port must be a number (redis://host:port/0); got '${dbText}'`, argument);
  const name = u.searchParams.get('queue') ?? 'ardiff-batch';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ArgumentError(`${argument}: the queue name may hold letters, digits, '_', '.' and '-'; got '${name}'`, argument);
  const connection = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1', port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined ? { db } : {}),
  };
  const display = `redis://${connection.host}:${port}${db !== undefined ? `/${db}` : ''} (queue ${name})`;
  return { connection, name, display };
}

/** The error a Redis failure stands for, typed and saying what to do. */
function redisError(e: Error | undefined, target: QueueTarget, argument: string): ServiceError {
  const msg = e?.message ?? 'the connection closed';
  const code = (e as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || /ETIMEDOUT|connect/i.test(msg) && !/AUTH|PASS/.test(msg)) {
    return new ServiceError(`cannot reach Redis at ${target.display} (${msg}); start redis-server there or correct the queue URL`, argument);
  }
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) return new ServiceError(`Redis at ${target.display} refused the user name or password (${msg.split('\n')[0]}); correct them in the queue URL`, argument);
  if (/NOAUTH/i.test(msg)) return new ServiceError(`Redis at ${target.display} needs a password; give it in the queue URL (redis://:PASSWORD@host:port)`, argument);
  return new ServiceError(`Redis at ${target.display}: ${msg.split('\n')[0]}`, argument);
}

/** A connected client, or the typed error of why not (a short timeout: no endless retries). */
async function connect(target: QueueTarget, argument: string): Promise<Redis> {
  const client = new Redis({ ...target.connection, lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false } satisfies RedisOptions);
  let last: Error | undefined;
  client.on('error', (e: Error) => { last = e; });
  try {
    await client.connect();
    await client.ping();
    // ioredis selects the database quietly on connect; an index the server does not have must fail here.
    if (target.connection.db !== undefined) await client.select(target.connection.db);
    return client;
  } catch (e) {
    client.disconnect();
    throw redisError(last ?? (e as Error), target, argument);
  }
}

/**
 * Checks the queue's job format (the producer records it when the queue has none): a queue used by
 * another format is a ServiceError naming the way out.
 */
export async function checkQueue(target: QueueTarget, role: 'producer' | 'worker', argument = 'queue'): Promise<void> {
  const client = await connect(target, argument);
  try {
    const key = `${PREFIX}:${target.name}:ardiff-format`;
    if (role === 'producer') await client.set(key, String(JOB_FORMAT), 'NX');
    const stored = await client.get(key);
    if (stored !== null && stored !== String(JOB_FORMAT)) {
      throw new ServiceError(`queue ${target.display} holds jobs of format ${stored}, this ardiff reads format ${JOB_FORMAT}; use another queue (?queue=NAME) or empty this one (redis-cli DEL ${key} and its bull:${target.name}:* keys)`, argument);
    }
  } finally {
    client.disconnect();
  }
}

/** BullMQ's connection options for a target (workers need no per-request retry limit). */
function bullConnection(target: QueueTarget): BullRedisOptions {
  return { ...target.connection, maxRetriesPerRequest: null };
}

/** The id of a run's jobs: a hash of its manifest. */
export function runId(manifest: string): string {
  return createHash('sha256').update(manifest).digest('hex').slice(0, 16);
}

/** Sends chunks to the queue and waits for their results (the producer's side). */
export class QueueDispatcher {
  /** What to do when a job's completed or failed event arrives, by job id. */
  private readonly waiters = new Map<string, () => void>();
  /** The jobs waited for, with how to fail them (Redis lost). */
  private readonly pending = new Map<string, (e: Error) => void>();
  /** When Redis last answered, and the last connection error since. */
  private lastOk = Date.now();
  private lastError: Error | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  private constructor(
    private readonly queue: import('bullmq').Queue,
    private readonly events: import('bullmq').QueueEvents,
    private readonly run: string,
    private readonly Job: typeof import('bullmq').Job,
    private readonly display: string,
  ) {
    const wake = ({ jobId }: { jobId: string }) => this.waiters.get(jobId)?.();
    events.on('completed', wake);
    events.on('failed', wake);
    // Connection errors: ioredis reconnects on its own; a server gone for LOST_SECONDS fails the run.
    const onError = (e: Error) => { this.lastError = e; };
    queue.on('error', onError);
    events.on('error', onError);
    this.watchdog = setInterval(() => {
      if (this.lastError && Date.now() - this.lastOk > LOST_SECONDS * 1000) {
        const e = new ServiceError(`lost the connection to Redis at ${this.display} for ${LOST_SECONDS} s (${this.lastError.message.split('\n')[0]}); the chunks written so far are kept: rerun with resume (--resume) once Redis is back`, 'queue');
        for (const fail of this.pending.values()) fail(e);
        this.pending.clear();
      }
    }, 1000);
  }

  static async open(target: QueueTarget, run: string, argument = 'queue'): Promise<QueueDispatcher> {
    await checkQueue(target, 'producer', argument);
    const { Queue, QueueEvents, Job } = await import('bullmq');
    const queue = new Queue(target.name, { connection: bullConnection(target), prefix: PREFIX });
    const events = new QueueEvents(target.name, { connection: bullConnection(target), prefix: PREFIX });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueDispatcher(queue, events, run, Job, target.display);
  }

  /** The chunk's file text, computed by some worker (or read back from an earlier run's finished job). */
  async dispatch(task: ChunkTask): Promise<{ text: string } | { failed: string }> {
    const jobId = `${this.run}-${task.index}`;
    // Jobs travel as JSON: typed arrays as plain arrays (NaN, a missing value, as null).
    const plain: ChunkTask = { ...task, series: task.series.map((s) => ('y' in s ? { ...s, y: Array.from(s.y), ...(s.exog ? { exog: plainColumns(s.exog) } : {}), ...(s.future ? { future: plainColumns(s.future) } : {}) } : s)) };
    // Finished already (a resumed run), or wait for the queue's events; a periodic look covers
    // events missed. Registered before the job is added, so a Redis lost meanwhile fails it too.
    return new Promise((resolve, reject) => {
      let done = false;
      let timer: ReturnType<typeof setInterval> | undefined;
      const end = () => { done = true; clearInterval(timer); this.waiters.delete(jobId); this.pending.delete(jobId); };
      this.pending.set(jobId, (e) => { if (!done) { end(); reject(e); } });
      const look = async () => {
        try {
          // The state first, then the job: a job read before its state turned 'completed' has no result yet.
          const state = await this.queue.getJobState(jobId);
          this.lastOk = Date.now();
          this.lastError = null;
          if (done || (state !== 'completed' && state !== 'failed')) return;
          const j = await this.Job.fromId(this.queue, jobId);
          if (done || !j) return;
          end();
          // 'failed' is final: a job that will be retried waits (delayed) instead.
          if (state === 'completed') resolve({ text: (j.returnvalue as ChunkJobResult).text });
          else resolve({ failed: j.failedReason || 'the job failed' });
        } catch (e) {
          if (!done) { end(); reject(e); }
        }
      };
      this.queue.add(JOB_NAME, { format: JOB_FORMAT, task: plain } satisfies ChunkJob, {
        jobId, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false,
      }).then(() => {
        if (done) return;
        this.lastOk = Date.now();
        this.waiters.set(jobId, () => void look());
        timer = setInterval(() => void look(), 2000);
        void look();
      }, (e: unknown) => { if (!done) { end(); reject(e); } });
    });
  }

  /** Removes the run's jobs from Redis and closes the connections. */
  async close(indices: readonly number[]): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    // Redis gone: nothing to remove; close without waiting on it.
    if (this.lastError && Date.now() - this.lastOk > LOST_SECONDS * 1000) {
      await Promise.allSettled([this.events.disconnect(), this.queue.disconnect()]);
      return;
    }
    for (const k of indices) await (await this.Job.fromId(this.queue, `${this.run}-${k}`))?.remove().catch(() => undefined);
    await this.events.close();
    await this.queue.close();
  }
}

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  /** The queue's URL (as `ardiff batch --queue`). */
  queue: string;
  /** Chunks processed at once, each on its own thread. Default 1. */
  concurrency?: number;
  /** Seconds without a heartbeat after which a chunk of a dead worker goes to another. Default 30. */
  lockSeconds?: number;
  /** Stops the worker (after the chunks in hand). */
  signal?: AbortSignal;
  /** Called after every chunk. */
  onChunk?: (info: { index: number; series: number }) => void;
}

/**
 * Processes chunk jobs until `signal` aborts. Chunks run on worker threads (so the process keeps
 * renewing its locks while a chunk computes); from untranspiled sources, in this thread.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<{ chunks: number }> {
  const target = parseQueueUrl(options.queue);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ArgumentError(`concurrency must be a positive integer; got ${String(concurrency)}`, 'concurrency');
  const lockSeconds = options.lockSeconds ?? 30;
  if (!(lockSeconds >= 1 && lockSeconds <= 3600)) throw new ArgumentError(`lockSeconds must be between 1 and 3600; got ${String(lockSeconds)}`, 'lockSeconds');
  await checkQueue(target, 'worker');
  const { Worker, UnrecoverableError } = await import('bullmq');
  const pool = await chunkRunner(concurrency);
  let chunks = 0;
  const worker = new Worker(target.name, async (job) => {
    const data = job.data as ChunkJob;
    if (!data || data.format !== JOB_FORMAT) throw new UnrecoverableError(`job of format ${String(data?.format)}; this worker reads format ${JOB_FORMAT}`);
    // JSON turned NaN (a missing value) into null.
    for (const s of data.task.series) if ('y' in s) s.y = Float64Array.from(s.y as (number | null)[], (v) => (v === null ? NaN : v));
    const result = await pool.run(data.task);
    chunks++;
    options.onChunk?.({ index: data.task.index, series: data.task.series.length });
    return { index: result.index, text: chunkText(result.rows) } satisfies ChunkJobResult;
  }, {
    connection: bullConnection(target), prefix: PREFIX, concurrency,
    lockDuration: lockSeconds * 1000, stalledInterval: lockSeconds * 1000, maxStalledCount: 3,
  });
  worker.on('error', () => undefined); // connection hiccups: ioredis reconnects on its own
  try {
    await worker.waitUntilReady();
    await new Promise<void>((resolve) => {
      if (options.signal?.aborted) resolve();
      options.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await worker.close();
    await pool.destroy();
  }
  return { chunks };
}
