/**
 * Speed (and optimum-quality) benchmark of ardiff against peers measured in the same run: ARIMA
 * (below) and the multivariate/spatial cases var-macro, var-bootstrap, sar-boston, sem-boston,
 * lasso-path, lasso-default-path (data, timed calls and agreement checks: bench/multi.js).
 *
 *   npm run build && npm run bench            human-readable table
 *   npm run bench -- --json                   same, then one final line of JSON:
 *                                             {"cases":[{"name","ardiffMs","peer","peerMs","ratio",…}]}
 *   npm run bench -- --cases airline          only some cases (comma-separated)
 *   npm run bench -- --cases var-macro,var-bootstrap,sar-boston,sem-boston,lasso-path,lasso-default-path
 *                                             only the multivariate/spatial cases (~1.5 min)
 *   npm run bench -- --neural [--json] [--quick] [--cases lstm-h40,…]
 *                                             the neural cases instead (LSTM/GRU, char GPT, MLP
 *                                             diffusion training steps and sampling vs PyTorch on the
 *                                             CPU): bench/neural.js, which describes them; --cases
 *                                             naming only neural cases implies --neural
 *   npm run bench -- --hybrid [--quick] [--json] [--datasets …] [--seeds …] [--no-peer]
 *                                             the TimeGrad table instead (several series at once:
 *                                             seasonal naive, VAR, DeepAR-GRU, ardiff TimeGrad and a
 *                                             PyTorch TimeGrad on the same windows): bench/hybrid.js
 *   npm run bench -- --batch [--sizes 1000,10000] [--models auto-arima,arima111] [--workers 1,2] [--no-queue] [--no-peer]
 *                                             ardiff batch on many series: threads, a Redis queue, and R
 *                                             mclapply(auto.arima): bench/batch.js
 *   npm run bench -- --text-diffusion [--steps 600] [--spans 100] [--span 6] [--json]
 *                                             the character GPT against the masked diffusion language
 *                                             model on tiny Shakespeare: bench/text-diffusion.js
 *   npm run bench -- --augurs [--reps 3] [--json]
 *                                             auto-ARIMA against @bsull/augurs' MSTL+ETS (WebAssembly):
 *                                             MASE and time on the bundled monthly/quarterly series: bench/augurs.js
 *   npm run bench -- --garch [--reps 10] [--json]
 *                                             GARCH fits against R fGarch::garchFit and
 *                                             tseries::garch on EuStockMarkets returns: bench/garch.js
 *
 * Cases (series: bench/series.js, 200 real series from data/):
 *   airline        SARIMA(0,1,1)(0,1,1)12 on log(AirPassengers), fit + 24-step forecast (+ standard
 *                  errors); median of REPS.airline timed runs after WARMUP.airline untimed ones.
 *   arima111-x200  ARIMA(1,1,1), no constant, exact ML, on each of the 200 series, fit + 12-step
 *                  forecast (+ standard errors); median over REPS.arima111 passes of the total time.
 *                  airline and arima111-x200 are also timed without standard errors (alternating
 *                  passes), and that time is the one compared with npm arima, which computes none.
 *   auto-x200      automatic order selection (+ 12-step forecast) on the same 200 series with their
 *                  seasonal period; one timed pass.
 * Peers, each in its own process reading bench/.cache/task.json and timing only its fit+forecast
 * loop (start-up, imports and data loading excluded): statsmodels (Debian /usr/bin/python3,
 * bench/peers/sm_peer.py), R forecast (Rscript bench/peers/forecast.R), npm `arima`
 * (bench/peers/npm-arima.js); for the multivariate/spatial cases statsmodels VAR
 * (bench/peers/sm_var_peer.py), R spatialreg (bench/peers/spatialreg.R; Debian r-cran-spatialreg)
 * and R glmnet (bench/peers/glmnet.R; Debian r-cran-glmnet). ardiff is timed the same way in this
 * process. A peer that is not installed is skipped and reported as such (interpreters:
 * BENCH_PYTHON, default /usr/bin/python3, the Debian python with python3-statsmodels;
 * BENCH_RSCRIPT, default Rscript).
 * ratio = peerMs / ardiffMs (> 1: ardiff is faster).
 *
 * Agreement (airline, arima111-x200): worseThanPeer = series where ardiff's log-likelihood is below
 * the peer's by more than TOL; peerWorse = the reverse. Both on the exact likelihood of the
 * differenced data (R's convention, what ardiff's fit.llf is): R and statsmodels report an
 * approximate-diffuse llf for integrated models, so their peer scripts also re-evaluate their own
 * estimates on the exact differenced-data likelihood (llfExact), which is what is compared; the
 * counts on the llf they report are kept as worseThanPeerReported / peerWorseReported. npm arima
 * (ctsa) differences first and reports the exact value. Series where either side failed are
 * counted separately (ardiffFailed, peerFailed), not in those counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, URL } from 'node:url';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuModel, loadAverage } from './machine.js';
import { buildSeries } from './series.js';
import { MULTI_CASES, MULTI_COUNTS, loadArdiff, buildMultiTask, timeArdiffMulti, compareMulti } from './multi.js';
import { NEURAL_CASES, runNeural } from './neural.js';
import { runHybrid } from './hybrid.js';
import { runGarch } from './garch.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = `${ROOT}bench/.cache/`;
const TOL = 1e-3;
// Warm-up matters for the JIT-compiled sides (V8 for ardiff and npm arima): the first ~10 airline
// fits of a fresh process are 2–20x slower. The same counts are used for every peer.
const WARMUP = { airline: 10, arima111: 10, auto: 3 };
const REPS = { airline: 25, arima111: 3, auto: 1 };
// Interpreters (override to point at another installation).
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const RSCRIPT = process.env.BENCH_RSCRIPT || 'Rscript';
const ARIMA_CASES = ['airline', 'arima111-x200', 'auto-x200'];
const ALL_CASES = [...ARIMA_CASES, ...MULTI_CASES];
const PEER_TIMEOUT_MS = 15 * 60 * 1000;

const argv = process.argv.slice(2);
const jsonMode = argv.includes('--json');
const casesArg = argv.indexOf('--cases');
// The TimeGrad table has its own driver and peer (bench/hybrid.js).
if (argv.includes('--hybrid')) {
  const code = await runHybrid(argv.filter((a) => a !== '--hybrid'));
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(code);
}
// auto-ARIMA against @bsull/augurs' MSTL+ETS on the bundled monthly/quarterly series (bench/augurs.js).
// The character GPT against the masked diffusion language model on tiny Shakespeare (bench/text-diffusion.js).
if (argv.includes('--text-diffusion')) {
  const { runTextDiffusion } = await import('./text-diffusion.js');
  process.exit(await runTextDiffusion(argv));
}
if (argv.includes('--augurs')) {
  const { runAugurs } = await import('./augurs.js');
  process.exit(await runAugurs(argv.filter((a) => a !== '--augurs')));
}

// Many series with ardiff batch (threads, a Redis queue) against R's mclapply (bench/batch.js).
if (argv.includes('--batch')) {
  const { runBatchBench } = await import('./batch.js');
  const code = await runBatchBench(argv.filter((a) => a !== '--batch'));
  process.exit(code);
}

// The GARCH cases against R fGarch/tseries have their own driver (bench/garch.js).
if (argv.includes('--garch')) {
  const code = await runGarch(argv.filter((a) => a !== '--garch'));
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(code);
}
// The neural cases have their own driver and peer (bench/neural.js); nothing below runs for them.
if (argv.includes('--neural') || (casesArg >= 0 && argv[casesArg + 1].split(',').every((c) => NEURAL_CASES.includes(c)))) {
  const code = await runNeural(argv.filter((a) => a !== '--neural'));
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(code);
}
const cases = casesArg >= 0 ? argv[casesArg + 1].split(',') : ALL_CASES;
for (const c of cases) if (!ALL_CASES.includes(c)) throw new Error(`unknown case '${c}'; cases: ${ALL_CASES.join(', ')}`);

/** Progress goes to stderr so that stdout is the report. */
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------- ardiff (compiled API in dist/)

function warnIfStale(rel) {
  const src = `${ROOT}src/${rel}.ts`, out = `${ROOT}dist/${rel}.js`;
  if (existsSync(src) && existsSync(out) && statSync(src).mtimeMs > statSync(out).mtimeMs) {
    progress(`warning: src/${rel}.ts is newer than dist/${rel}.js — run \`npm run build\``);
  }
}

let fitARIMA;
try {
  ({ fitARIMA } = await import('../dist/classical/arima.js'));
} catch (e) {
  console.error(`cannot load dist/classical/arima.js (${e.message}); run \`npm run build\` first`);
  process.exit(1);
}
warnIfStale('classical/arima');

let fitAutoARIMA = null;
const notes = [];
if (cases.includes('auto-x200')) {
  try {
    ({ fitAutoARIMA } = await import('../dist/classical/auto-arima.js'));
    if (typeof fitAutoARIMA !== 'function') throw new Error('no fitAutoARIMA export');
    warnIfStale('classical/auto-arima');
  } catch {
    fitAutoARIMA = null;
    notes.push('ardiff fitAutoARIMA not available yet — skipped');
  }
}
let multiMods = {};
let multiCases = cases.filter((c) => MULTI_CASES.includes(c));
if (multiCases.length) {
  try {
    multiMods = await loadArdiff(multiCases);
    for (const rel of ['classical/var', 'classical/spatial', 'classical/lasso-var']) warnIfStale(rel);
  } catch (e) {
    notes.push(`ardiff multivariate/spatial modules not loadable (${e.message}) — ${multiCases.join(', ')} skipped`);
    multiCases = [];
  }
}
const runCases = cases.filter((c) => (c !== 'auto-x200' || fitAutoARIMA) && (!MULTI_CASES.includes(c) || multiCases.includes(c)));

// ---------------------------------------------------------------- task shared by all peers

const air = readFileSync(`${ROOT}data/r_AirPassengers.csv`, 'utf8').trim().split(/\r?\n/);
const airCol = air[0].split(',').map((h) => h.replace(/"/g, '')).indexOf('AirPassengers');
const logAir = air.slice(1).map((line) => Math.log(Number(line.split(',')[airCol])));
const series = buildSeries();
const task = {
  cases: runCases,
  airline: { y: logAir, order: [0, 1, 1], seasonal: [0, 1, 1], period: 12, h: 24, warmup: WARMUP.airline, reps: REPS.airline },
  arima111: { order: [1, 1, 1], h: 12, warmup: WARMUP.arima111, reps: REPS.arima111 },
  auto: { h: 12, warmup: WARMUP.auto, reps: REPS.auto },
  series: series.map((s) => ({ name: s.name, period: s.period, values: s.values })),
  ...buildMultiTask(ROOT, multiCases, multiMods),
};
mkdirSync(CACHE, { recursive: true });
const taskFile = `${CACHE}task.json`;
writeFileSync(taskFile, JSON.stringify(task));

function timeArdiff() {
  const res = {};
  if (runCases.includes('airline')) {
    const a = task.airline;
    const one = (se = true) => {
      const fit = fitARIMA(a.y, { order: a.order, seasonal: { order: a.seasonal, period: a.period } });
      fit.forecast(a.h);
      if (se) void fit.bse; // R and statsmodels compute standard errors during the fit
      return fit;
    };
    for (let i = 0; i < a.warmup; i++) one();
    const samples = [], samplesNoSe = [];
    let fit;
    // Alternating with and without standard errors (npm arima computes none), so both see the same load.
    for (let i = 0; i < a.reps; i++) {
      let t0 = performance.now();
      fit = one();
      samples.push(performance.now() - t0);
      t0 = performance.now();
      one(false);
      samplesNoSe.push(performance.now() - t0);
    }
    res.airline = { ms: median(samples), msNoSe: median(samplesNoSe), samples, llf: fit.llf };
  }
  if (runCases.includes('arima111-x200')) {
    const b = task.arima111;
    const errors = new Array(series.length).fill(null);
    const one = (v, i, se = true) => {
      try {
        const fit = fitARIMA(v, { order: b.order, trend: 'n' });
        fit.forecast(b.h);
        if (se) void fit.bse;
        return Number.isFinite(fit.llf) ? fit.llf : null;
      } catch (e) {
        if (i !== undefined) errors[i] = e.message;
        return null;
      }
    };
    for (const s of series.slice(0, b.warmup)) one(s.values);
    const totals = [], totalsNoSe = [];
    let llf = [];
    for (let r = 0; r < b.reps; r++) {
      let t0 = performance.now();
      llf = series.map((s, i) => one(s.values, i));
      totals.push(performance.now() - t0);
      t0 = performance.now();
      for (const s of series) one(s.values, undefined, false);
      totalsNoSe.push(performance.now() - t0);
    }
    res['arima111-x200'] = { ms: median(totals), msNoSe: median(totalsNoSe), samples: totals, llf, errors, failed: llf.filter((v) => v === null).length };
  }
  if (runCases.includes('auto-x200')) {
    const b = task.auto;
    const errors = new Array(series.length).fill(null);
    const one = (s, i) => {
      try {
        const fit = fitAutoARIMA(s.values, { period: s.period });
        const fc = fit.forecast(b.h);
        void fit.bse;
        return fc !== undefined;
      } catch (e) {
        if (i !== undefined) errors[i] = e.message;
        return false;
      }
    };
    for (const s of series.slice(0, b.warmup)) one(s);
    const totals = [];
    let ok = [];
    for (let r = 0; r < b.reps; r++) {
      const t0 = performance.now();
      ok = series.map((s, i) => one(s, i));
      totals.push(performance.now() - t0);
    }
    res['auto-x200'] = { ms: median(totals), samples: totals, errors, failed: ok.filter((v) => !v).length };
  }
  return res;
}

// ---------------------------------------------------------------- peers

const requireHere = createRequire(import.meta.url);
const PEERS = [
  {
    id: 'statsmodels',
    label: 'statsmodels',
    cases: ['airline', 'arima111-x200'], // statsmodels has no automatic order selection
    available: () => spawnSync(PYTHON, ['-c', 'import statsmodels.tsa.arima.model'], { stdio: 'ignore' }).status === 0,
    command: (out) => [PYTHON, [`${ROOT}bench/peers/sm_peer.py`, taskFile, out]],
  },
  {
    id: 'r-forecast',
    label: 'R forecast',
    cases: ARIMA_CASES,
    available: () => spawnSync(RSCRIPT, ['-e', 'quit(status = if (requireNamespace("forecast", quietly = TRUE) && requireNamespace("jsonlite", quietly = TRUE)) 0 else 1)'], { stdio: 'ignore' }).status === 0,
    command: (out) => [RSCRIPT, [`${ROOT}bench/peers/forecast.R`, taskFile, out]],
  },
  {
    id: 'npm-arima',
    label: 'npm arima',
    cases: ARIMA_CASES,
    available: () => { try { requireHere.resolve('arima'); return true; } catch { return false; } },
    command: (out) => [process.execPath, [`${ROOT}bench/peers/npm-arima.js`, taskFile, out]],
  },
  {
    id: 'statsmodels',
    key: 'statsmodels-var', // own output file: same reported peer as the ARIMA one, another process
    label: 'statsmodels VAR',
    cases: ['var-macro', 'var-bootstrap'],
    available: () => spawnSync(PYTHON, ['-c', 'import statsmodels.tsa.vector_ar.var_model'], { stdio: 'ignore' }).status === 0,
    command: (out) => [PYTHON, [`${ROOT}bench/peers/sm_var_peer.py`, taskFile, out]],
  },
  {
    id: 'r-spatialreg',
    label: 'R spatialreg',
    cases: ['sar-boston', 'sem-boston'],
    available: () => spawnSync(RSCRIPT, ['-e', 'quit(status = if (requireNamespace("spatialreg", quietly = TRUE) && requireNamespace("spdep", quietly = TRUE) && requireNamespace("jsonlite", quietly = TRUE)) 0 else 1)'], { stdio: 'ignore' }).status === 0,
    command: (out) => [RSCRIPT, [`${ROOT}bench/peers/spatialreg.R`, taskFile, out]],
  },
  {
    id: 'r-glmnet',
    label: 'R glmnet',
    cases: ['lasso-path', 'lasso-default-path'],
    available: () => spawnSync(RSCRIPT, ['-e', 'quit(status = if (requireNamespace("glmnet", quietly = TRUE) && requireNamespace("jsonlite", quietly = TRUE)) 0 else 1)'], { stdio: 'ignore' }).status === 0,
    command: (out) => [RSCRIPT, [`${ROOT}bench/peers/glmnet.R`, taskFile, out]],
  },
];

function runPeer(peer) {
  const out = `${CACHE}${peer.key ?? peer.id}.json`;
  const [cmd, args] = peer.command(out);
  writeFileSync(out, '');
  const t0 = performance.now();
  // Single-threaded BLAS for R and numpy: ardiff is single-threaded, and BLAS threads only add
  // contention on these small problems.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: PEER_TIMEOUT_MS, maxBuffer: 64 << 20 });
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (r.status !== 0 || !text) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
    return { error: why };
  }
  progress(`${peer.label} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------- run

const started = performance.now();
const loadAtStart = loadAverage();
progress(`${series.length} series; cases: ${runCases.join(', ')}`);
for (const n of notes) progress(n);
progress('timing ardiff …');
const ardiff = { ...timeArdiff(), ...timeArdiffMulti(multiMods, task, multiCases) };
progress(`ardiff done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const peerResults = [];
for (const peer of PEERS) {
  const want = runCases.filter((c) => peer.cases.includes(c));
  if (!want.length) continue;
  if (!peer.available()) {
    const how = { 'r-spatialreg': ' (Debian: apt-get install r-cran-spatialreg)', 'r-glmnet': ' (Debian: apt-get install r-cran-glmnet)' }[peer.id] ?? '';
    notes.push(`${peer.label} not installed — skipped for ${want.join(', ')}${how}`);
    continue;
  }
  progress(`timing ${peer.label} …`);
  const res = runPeer(peer);
  if (res.error) {
    notes.push(`${peer.label} failed — skipped (${res.error})`);
    continue;
  }
  peerResults.push({ peer, res });
}
if (runCases.includes('auto-x200')) notes.push('statsmodels has no automatic ARIMA order selection — not in auto-x200');

// ---------------------------------------------------------------- compare and report

/** Indices where ardiff's llf is below the peer's by more than TOL (worse) and the reverse (better). */
function compareLlf(a, p) {
  const worse = [], better = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === null || p[i] === null || p[i] === undefined) continue;
    if (a[i] < p[i] - TOL) worse.push(i);
    if (p[i] < a[i] - TOL) better.push(i);
  }
  return { worse, better };
}

const rows = [];
const disagreements = [];
const multiRows = [];
const multiProblems = [];
for (const c of runCases) {
  const mine = ardiff[c];
  for (const { peer, res } of peerResults) {
    const theirs = res.cases?.[c];
    if (!theirs) continue;
    // npm arima computes no standard errors: it is timed against ardiff's fits without them.
    const mineMs = peer.id === 'npm-arima' && mine.msNoSe !== undefined ? mine.msNoSe : mine.ms;
    const row = { name: c, ardiffMs: mineMs, peer: peer.id, peerMs: theirs.ms, ratio: theirs.ms / mineMs, ...(mineMs !== mine.ms ? { ardiffStdErrors: false } : {}) };
    if (MULTI_CASES.includes(c)) {
      const cmp = compareMulti(c, mine, theirs, task);
      row.agreement = cmp.fields;
      rows.push(row);
      multiRows.push({ ...row, text: cmp.text });
      for (const p of cmp.problems) multiProblems.push(`  ${pad(c, 19)} ${pad(peer.label, 16)} ${p}`);
      continue;
    }
    if (c === 'airline' || c === 'arima111-x200') {
      const names = c === 'airline' ? ['log(AirPassengers)'] : series.map((s) => s.name);
      const a = c === 'airline' ? [mine.llf] : mine.llf;
      const asArray = (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : null)));
      const reported = asArray(theirs.llf);
      const exact = asArray(theirs.llfExact);
      const primary = compareLlf(a, exact ?? reported);
      row.worseThanPeer = primary.worse.length;
      row.peerWorse = primary.better.length;
      if (exact) {
        const raw = compareLlf(a, reported);
        row.worseThanPeerReported = raw.worse.length;
        row.peerWorseReported = raw.better.length;
      }
      for (const i of primary.worse) {
        disagreements.push({ c, peer: peer.label, name: names[i], ardiff: a[i], theirs: (exact ?? reported)[i], reported: exact ? reported[i] : undefined });
      }
    }
    if (c !== 'airline') {
      row.ardiffFailed = mine.failed;
      row.peerFailed = theirs.failed;
    }
    rows.push(row);
  }
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const cpu = cpuModel();

const lines = [];
lines.push(`ardiff benchmark — Node ${process.version}, ${os.cpus().length} cores (${cpu}), load average at start ${loadAtStart}`);
for (const { peer, res } of peerResults) lines.push(`  peer ${pad(peer.key ?? peer.id, 16)} ${res.version}`);
if (runCases.some((c) => ARIMA_CASES.includes(c))) lines.push(`  timing: airline median of ${REPS.airline} runs (${WARMUP.airline} warm-up); x200 cases total for 200 series, median of ${REPS.arima111} passes (arima111) / ${REPS.auto} pass (auto)`);
lines.push('');
const arimaRun = runCases.some((c) => ARIMA_CASES.includes(c));
if (arimaRun) {
  const head = [pad('case', 15), pad('peer', 12), lpad('ardiff', 10), lpad('peer', 10), lpad('peer/ardiff', 12), lpad('llf: ardiff worse / peer worse', 31), lpad('failed: ardiff / peer', 22)];
  lines.push(head.join(' '));
  lines.push('-'.repeat(head.join(' ').length));
  for (const r of rows.filter((x) => !MULTI_CASES.includes(x.name))) {
    const agree = r.worseThanPeer === undefined ? '–' : `${r.worseThanPeer} / ${r.peerWorse}`;
    const failed = r.ardiffFailed === undefined ? '–' : `${r.ardiffFailed} / ${r.peerFailed}`;
    lines.push([pad(r.name, 15), pad(r.peer, 12), lpad(fmtMs(r.ardiffMs), 10), lpad(fmtMs(r.peerMs), 10), lpad(`${r.ratio.toFixed(2)}x`, 12), lpad(agree, 31), lpad(failed, 22)].join(' '));
  }
  lines.push('');
}
if (multiCases.length) {
  const C = MULTI_COUNTS;
  lines.push(`multivariate/spatial cases (bench/multi.js): median of timed calls after untimed warm-up — var-macro ${C.varMacro.reps} (${C.varMacro.warmup}), var-bootstrap ${C.varBoot.reps} (${C.varBoot.warmup}) of ${C.varBoot.repl} replications, sar/sem-boston ${C.spatial.reps} (${C.spatial.warmup}), lasso ${C.lasso.reps} (${C.lasso.warmup})`);
  const head = [pad('case', 19), pad('peer', 12), lpad('ardiff', 10), lpad('peer', 10), lpad('peer/ardiff', 12), '  agreement (ardiff vs peer)'];
  lines.push(head.join(' '));
  lines.push('-'.repeat(110));
  for (const r of multiRows) {
    lines.push([pad(r.name, 19), pad(r.peer, 12), lpad(fmtMs(r.ardiffMs), 10), lpad(fmtMs(r.peerMs), 10), lpad(`${r.ratio.toFixed(2)}x`, 12), `  ${r.text}`].join(' '));
    if (r.name === 'lasso-path') lines.push(`${pad('', 19)} ${pad('', 12)} ${lpad('', 10)} ${lpad(fmtMs(r.agreement.peerMsTight), 10)} ${lpad(`${(r.agreement.peerMsTight / r.ardiffMs).toFixed(2)}x`, 12)}   glmnet with thresh = 1e-16 (ardiff: exact, max KKT violation ${r.agreement.ardiffMaxKkt.toExponential(1)})`);
  }
  lines.push('');
}
for (const c of runCases) if (!rows.some((r) => r.name === c)) lines.push(`${pad(c, 19)} ardiff ${fmtMs(ardiff[c].ms)} (no peer)`);
for (const n of notes) lines.push(n);
if (multiProblems.length) {
  lines.push('', 'DISAGREEMENTS between ardiff and a peer beyond the stated tolerances (bugs to look at):', ...multiProblems);
}
if (arimaRun) {
  if (rows.some((r) => r.ardiffStdErrors === false)) lines.push('npm-arima rows: ardiff timed without standard errors (npm arima computes none); the other rows with them.');
  lines.push('"peer/ardiff" > 1 means ardiff is faster. llf columns: series where ardiff\'s log-likelihood is below the');
  lines.push(`peer's by more than ${TOL} / the reverse, on the exact likelihood of the differenced data (R convention). R and`);
  lines.push('statsmodels report an approximate-diffuse llf for integrated models; their estimates are re-evaluated on the');
  lines.push('exact likelihood by their own code (llfExact).');
} else {
  lines.push('"peer/ardiff" > 1 means ardiff is faster.');
}
if (rows.some((r) => r.worseThanPeerReported !== undefined)) lines.push('Counts on the llf they report:');
for (const r of rows) {
  if (r.worseThanPeerReported !== undefined) lines.push(`  ${pad(r.name, 15)} ${pad(r.peer, 12)} reported llf: ardiff worse ${r.worseThanPeerReported} / peer worse ${r.peerWorseReported}`);
}
if (disagreements.length) {
  lines.push('');
  lines.push(`ardiff log-likelihood below a peer's by more than ${TOL}:`);
  for (const d of disagreements) {
    const rep = d.reported === undefined || d.reported === null ? '' : `  (reported ${d.reported.toFixed(4)})`;
    lines.push(`  ${pad(d.c, 15)} ${pad(d.peer, 12)} ${pad(d.name, 34)} ardiff ${d.ardiff.toFixed(4)}  peer ${d.theirs.toFixed(4)}  Δ ${(d.theirs - d.ardiff).toFixed(4)}${rep}`);
  }
}
for (const { peer, res } of peerResults) {
  const llf = res.cases?.['arima111-x200']?.llf;
  const failed = Array.isArray(llf) ? series.filter((_, i) => llf[i] === null || llf[i] === undefined).map((s) => s.name) : [];
  if (failed.length) lines.push('', `${peer.label} failed on ${failed.length} series in arima111-x200${peer.id === 'npm-arima' ? ' (error, non-finite forecast, or non-stationary/non-invertible estimate)' : ''}: ${failed.join(', ')}`);
}
for (const c of ['arima111-x200', 'auto-x200']) {
  const errs = ardiff[c]?.errors?.map((e, i) => (e ? `  ${pad(c, 15)} ${pad(series[i].name, 34)} ${e}` : null)).filter(Boolean) ?? [];
  if (errs.length) {
    lines.push('');
    lines.push(`ardiff failed on ${errs.length} series in ${c}:`);
    lines.push(...errs);
  }
}
lines.push('');
lines.push(`total wall time ${((performance.now() - started) / 1000).toFixed(1)} s; load average at end ${loadAverage()}`);
console.log(lines.join('\n'));

if (jsonMode) {
  const round = (x) => Number(x.toFixed(3));
  const out = rows.map((r) => ({ ...r, ardiffMs: round(r.ardiffMs), peerMs: round(r.peerMs), ratio: round(r.ratio) }));
  console.log(JSON.stringify({ cases: out }));
}
