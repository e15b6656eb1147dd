/**
 * Throughput of `ardiff batch` on many series: worker threads on this machine, worker processes on
 * a Redis queue (loopback), and R's `parallel::mclapply` over `forecast::auto.arima` on the same
 * series in the same run.
 *
 *   npm run build && npm run bench -- --batch [--sizes 1000,10000] [--models auto-arima,arima111]
 *                                   [--workers 1,2] [--no-queue] [--no-peer] [--json]
 *
 * Series: N series built from the benchmark's 200 real series (bench/series.js): series k is base
 * series k mod 200; copy c = floor(k / 200) > 0 is multiplied by 1 + 0.05·c and gets seeded
 * Gaussian noise of 2% of the base series' standard deviation (seed 1000·c + k mod 200), so every
 * copy is a different fitting problem of the same kind. Ids are `s0000000`… (the output order is
 * the input order). All series are fitted non-seasonal (one `--season` for the whole file; the 200
 * mix monthly, quarterly and annual data): auto-ARIMA (stepwise, AICc) and ARIMA(1,1,1) by exact
 * ML, each followed by a 12-step forecast with 80% and 95% intervals.
 *
 * Each ardiff run is a separate `ardiff batch` process under /usr/bin/time (wall seconds from its
 * JSON; peak resident memory); the queue case starts redis-server on a free loopback port, two
 * `ardiff worker` processes and the producer (chunks of 100 series), and reports the sum of their
 * peak memories. The forecasts of every run are compared byte for byte with the first one of the
 * model. R (Debian r-cran-forecast; BENCH_RSCRIPT) times `mclapply(series, function(y)
 * forecast(auto.arima(y), h = 12), mc.cores = w)` on the same series for w = 1 and 2, reading and
 * start-up excluded. A peer that is missing is skipped, saying so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath, URL } from 'node:url';
import { buildSeries } from './series.js';
import { cpuModel, loadAverage } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = `${ROOT}bench/.cache/batch/`;
const MAIN = `${ROOT}dist/cli/main.js`;
const RSCRIPT = process.env.BENCH_RSCRIPT ?? 'Rscript';
const MODELS = {
  'auto-arima': { flags: ['--model', 'auto-arima', '--season', '1'], label: 'auto-ARIMA (non-seasonal, stepwise)' },
  arima111: { flags: ['--model', 'arima', '--order', '1,1,1'], label: 'ARIMA(1,1,1), exact ML' },
};

function parseArgs(argv) {
  const opt = { sizes: [1000, 10000], models: Object.keys(MODELS), workers: [1, 2], queue: true, peer: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') opt.sizes = argv[++i].split(',').map(Number);
    else if (a === '--models') opt.models = argv[++i].split(',');
    else if (a === '--workers') opt.workers = argv[++i].split(',').map(Number);
    else if (a === '--no-queue') opt.queue = false;
    else if (a === '--no-peer') opt.peer = false;
    else if (a === '--json') opt.json = true;
    else throw new Error(`unknown flag '${a}'; flags: --sizes 1000,10000 --models ${Object.keys(MODELS).join(',')} --workers 1,2 --no-queue --no-peer --json`);
  }
  for (const m of opt.models) if (!MODELS[m]) throw new Error(`unknown model '${m}'; use ${Object.keys(MODELS).join(', ')}`);
  return opt;
}

/** A seeded standard normal generator (Box–Muller over a 32-bit LCG). */
function normal(seed) {
  let s = seed >>> 0 || 1;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** The N series of the module notes, as a long CSV file (written once per N). */
function seriesFile(N) {
  const file = `${CACHE}series-${N}.csv`;
  if (existsSync(file)) return file;
  const base = buildSeries();
  const lines = ['id,t,v'];
  for (let k = 0; k < N; k++) {
    const b = base[k % base.length].values, c = Math.floor(k / base.length);
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    const sd = Math.sqrt(b.reduce((s, v) => s + (v - mean) ** 2, 0) / (b.length - 1));
    const z = normal(1000 * c + (k % base.length));
    const id = `s${String(k).padStart(7, '0')}`;
    b.forEach((v, t) => lines.push(`${id},${t},${c === 0 ? v : +((v * (1 + 0.05 * c)) + 0.02 * sd * z()).toPrecision(10)}`));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Runs a command under /usr/bin/time; returns its stdout and peak memory (MB). */
function timed(args, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const lines = (r.stderr ?? '').trim().split('\n');
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', peakMB: Number(lines[lines.length - 1]) / 1024 };
}

const lastJson = (s) => JSON.parse(s.trim().split('\n').pop());
const md5 = (file) => createHash('md5').update(readFileSync(file)).digest('hex');

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** A batch on N series on local worker threads. */
function runLocal(file, N, model, workers) {
  const out = `${CACHE}out-${N}-${model}-w${workers}`;
  rmSync(out, { recursive: true, force: true });
  const r = timed([process.execPath, MAIN, 'batch', '--data', file, '--id', 'id', '--time', 't', '--value', 'v', ...MODELS[model].flags,
    '--horizon', '12', '--workers', String(workers), '--out', out, '--json']);
  if (r.status !== 0) throw new Error(`ardiff batch failed:\n${r.stderr}`);
  const j = lastJson(r.stdout);
  return { seconds: j.seconds, ok: j.ok, failed: j.failed, peakMB: r.peakMB, digest: md5(`${out}/forecasts.csv`) };
}

/** The same batch through a Redis queue on loopback with two worker processes. */
async function runQueue(file, N, model) {
  if (spawnSync('redis-server', ['--version']).status !== 0) return { skipped: 'redis-server not found (apt-get install redis-server)' };
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++) await sleep(50);
    const queue = `redis://127.0.0.1:${port}/0?queue=bench`;
    const workers = [0, 1].map(() => {
      const p = spawn(process.execPath, [MAIN, 'worker', '--queue', queue, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (d) => { out += d; });
      return { p, done: new Promise((r) => p.once('exit', () => r(out))) };
    });
    const out = `${CACHE}out-${N}-${model}-queue`;
    rmSync(out, { recursive: true, force: true });
    const r = await new Promise((resolve) => {
      const p = spawn('/usr/bin/time', ['-f', '%M', process.execPath, MAIN, 'batch', '--data', file, '--id', 'id', '--time', 't', '--value', 'v', ...MODELS[model].flags,
        '--horizon', '12', '--queue', queue, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      p.stdout.on('data', (d) => { stdout += d; });
      p.stderr.on('data', (d) => { stderr += d; });
      p.once('exit', (status) => resolve({ status, stdout, stderr }));
    });
    // A worker stops on SIGTERM after its chunk and prints {"chunks", "peakMB"}.
    for (const w of workers) w.p.kill('SIGTERM');
    const outs = await Promise.all(workers.map((w) => w.done));
    if (r.status !== 0) throw new Error(`ardiff batch --queue failed:\n${r.stderr}`);
    const j = lastJson(r.stdout);
    const producerMB = Number(r.stderr.trim().split('\n').pop()) / 1024;
    return { seconds: j.seconds, ok: j.ok, failed: j.failed, peakMB: producerMB + outs.reduce((s, o) => s + lastJson(o).peakMB, 0), digest: md5(`${out}/forecasts.csv`) };
  } finally {
    server.kill('SIGKILL');
  }
}

/** R: mclapply over auto.arima + forecast on the same file, w cores; seconds of the timed loop. */
function runR(file, cores) {
  const r = spawnSync(RSCRIPT, [`${ROOT}bench/peers/batch.R`, file, String(cores)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) return { skipped: `R forecast not available (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function runBatchBench(argv) {
  const opt = parseArgs(argv);
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(MAIN)) { console.error('build first: npm run build'); return 1; }
  const rows = [];
  const header = `ardiff batch benchmark — ${new Date().toISOString()}, ${cpuModel()} (${(await import('node:os')).availableParallelism()} cores), Node ${process.version}; load average ${loadAverage()}`;
  if (!opt.json) console.log(header);
  for (const N of opt.sizes) {
    const file = seriesFile(N);
    for (const model of opt.models) {
      let first = null;
      const add = (row) => {
        rows.push(row);
        if (!opt.json) console.log(row.skipped ? `${N} ${model} ${row.how}: skipped (${row.skipped})` : `${String(N).padStart(6)} ${model.padEnd(10)} ${row.how.padEnd(22)} ${row.seconds.toFixed(1).padStart(7)} s ${(N / row.seconds).toFixed(1).padStart(8)} series/s  peak ${row.peakMB?.toFixed(0) ?? '-'} MB${row.same === undefined ? '' : row.same ? '  same bytes' : '  DIFFERENT OUTPUT'}`);
      };
      for (const w of opt.workers) {
        const r = runLocal(file, N, model, w);
        first ??= r.digest;
        add({ N, model, how: `ardiff ${w} worker${w === 1 ? '' : 's'}`, workers: w, ...r, same: r.digest === first });
      }
      if (opt.queue) {
        const r = await runQueue(file, N, model);
        add({ N, model, how: 'ardiff queue, 2 workers', ...r, ...(r.digest ? { same: r.digest === first } : {}) });
      }
      if (opt.peer && model === 'auto-arima') {
        for (const cores of [1, 2]) {
          const r = runR(file, cores);
          add({ N, model, how: `R mclapply ${cores} core${cores === 1 ? '' : 's'}`, ...r });
        }
      }
      const one = rows.find((r) => r.N === N && r.model === model && r.workers === 1);
      const two = rows.find((r) => r.N === N && r.model === model && r.workers === 2);
      if (one && two && !opt.json) console.log(`${' '.repeat(7)}speed-up 1 → 2 workers: ${(one.seconds / two.seconds).toFixed(2)}x (target ≥ 1.8x)`);
    }
  }
  // The estimate for a million series, from the measured rates.
  const estimate = opt.models.map((model) => {
    const best = rows.filter((r) => r.model === model && r.workers === 2 && !r.skipped).sort((a, b) => b.N - a.N)[0];
    if (!best) return null;
    const perCore = best.N / best.seconds / 2;
    return { model, seriesPerCoreSecond: perCore, coreHoursPerMillion: 1e6 / perCore / 3600 };
  }).filter(Boolean);
  if (opt.json) console.log(JSON.stringify({ header, rows, estimate }));
  else for (const e of estimate) console.log(`1,000,000 series of ${e.model}: ${e.seriesPerCoreSecond.toFixed(1)} series per core-second here, so ${e.coreHoursPerMillion.toFixed(1)} core-hours (e.g. ${(e.coreHoursPerMillion / 64).toFixed(2)} h on 64 cores)`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runBatchBench(process.argv.slice(2));
