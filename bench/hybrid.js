/**
 * The TimeGrad table: probabilistic forecasts of several series at once, every model on the same
 * protocol, ardiff's TimeGrad against a PyTorch TimeGrad on the same data, windows, settings and
 * initial weights.
 *
 *   npm run build && npm run bench -- --hybrid          the full table (all data sets, seeds 0 1 2)
 *   npm run bench -- --hybrid --quick                    smoke run: one seed, 3 epochs of 10 batches, 20 paths
 *   npm run bench -- --hybrid --datasets sim-nonlinear --seeds 0,1
 *   npm run bench -- --hybrid --no-peer                  without the PyTorch TimeGrad
 *   npm run bench -- --hybrid --json                     the table, then one final line of JSON:
 *                                                        {"suite":"hybrid","datasets":[…],"runs":[…],"summary":[…]}
 *   (node bench/hybrid.js takes the same flags.)
 *
 * Protocol (the one of `ardiff backtest --columns` and backtestMulti, written down in
 * docs/multivariate-protocol.md): W non-overlapping test windows of H rows at the end of the data,
 * window k starting at row n − H·(W − k); each model is fitted once, on the rows before the first
 * window (the neural models keep the last 10% of those for early stopping); every window is
 * forecast from all actual rows before it without refitting; 100 joint sample paths per window,
 * seeded (seed + 7919·k for window k). Scores (src/backtest-multi.ts scoreWindows, the same code
 * for every model, the PyTorch peer's paths included): CRPS-sum (GluonTS' m_sum_mean_wQuantileLoss,
 * 19 quantile levels, normalised by Σ|target|), the mean weighted quantile loss per series (wQL),
 * the energy score of each window's H × D vector, and the coverage of the marginal central 80% and
 * 90% intervals. Each seed is one full run (fits and paths); the table gives mean ± sd over seeds.
 *
 * Models:
 *   seasonal-naive  the value one season back, with residual-bootstrap paths (per series)
 *   var             VAR(p), p by AIC (ardiff; statsmodels-exact), Gaussian paths
 *   deepar-gru      ardiff's DeepAR with a GRU, Gaussian head, fitted to each series on its own
 *   timegrad        ardiff TimeGrad (src/hybrid/timegrad.ts), DDPM over all K steps, and the same
 *                   fit sampled with DDIM (20 steps) and DPM-Solver++ (10 steps): the cost/quality
 *                   trade-off of the fast samplers
 *   timegrad-torch  bench/peers/torch_timegrad.py: the same method in PyTorch (nn.LSTM, pytorch-ts'
 *                   EpsilonTheta, the same features, windows, early stopping and schedule), started
 *                   from ardiff's initial weights; single-threaded, as ardiff's engine is
 *
 * Hyperparameters (every one, so the table can be reproduced; TIMEGRAD below): LSTM 2 layers × 40,
 * context 2·H rows (at least 24), prediction length H, lags 1 and the season, DeepAR's features
 * (lags divided by the context mean scale mean|y|, sin/cos of the season position, log scales),
 * denoiser 8 residual layers × 8 channels, dilation cycle 2, step embedding 2 × 16 → 64, K = 100
 * diffusion steps, β linear from 1e-4 to 0.1, ε-loss at uniform random steps over all T rows of
 * the windows, AdamW lr 1e-3 (5% warm-up, cosine to 10%), batch 64, clip 10, a budget of about
 * 1000 optimiser steps (epochs of at most 50 batches; small data sets get more, shorter epochs) with
 * early stopping after 200 steps without a better validation loss (fixed noise) and the best
 * epoch's weights kept, x̂₀ never clipped. deepar-gru: GRU 2 × 40, Gaussian head, the same context,
 * lags and budget, and DeepAR's own batch 32 and lr 3e-3.
 *
 * Data (in data/, provenance in data/SOURCES.md; transforms here):
 *   eustock-returns  EuStockMarkets DAX, SMI, CAC, FTSE: daily log returns × 100 (1859 rows), H 5, W 5
 *   seatbelts        UK Seatbelts drivers, front, rear, VanKilled: monthly counts (192), H 12, W 2, s 12
 *   macro-dlog       statsmodels macrodata realgdp, realcons, realinv: 100·Δlog, quarterly (202), H 4, W 4, s 4
 *   sim-nonlinear    simulated (below, seed 2024): 4 series with nonlinear lagged and same-time
 *                    dependence, a bimodal series and volatility driven by another series (1200), H 24, W 5, s 24
 *
 * Targets (issue 11): TimeGrad's CRPS-sum within 5% of the PyTorch TimeGrad's on every data set, and
 * its training time at most 2× PyTorch's; both are checked and printed per data set.
 */
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuModel, loadAverage } from './machine.js';
import { readCsv } from './multi.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = `${ROOT}bench/.cache/`;
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const PEER_TIMEOUT_MS = 60 * 60 * 1000;
const PATHS = 100;

/**
 * Training budget: about `steps` optimiser steps whatever the size of the data (GluonTS' fixed
 * batches per epoch), and early stopping after `patience` steps without a better validation loss.
 * An epoch here is one pass over the training windows, at most 50 batches, so a small data set
 * (a few hundred windows) gets more, shorter epochs. The training windows are counted as
 * src/neural/ar-rnn.ts counts them (positions with the largest lag and the whole window before
 * the validation part).
 */
function budget(trainRows, T, maxLag, batchSize, steps, patience) {
  const end = trainRows - Math.floor(0.1 * trainRows);
  const windows = Math.max(1, end - T + 1 - maxLag);
  const perEpoch = Math.min(Math.ceil(windows / batchSize), 50);
  return { epochs: Math.ceil(steps / perEpoch), batchesPerEpoch: 50, patience: Math.ceil(patience / perEpoch) };
}

/** TimeGrad's settings (both implementations), given the training rows, the horizon H and the season s. */
function timegradOptions(trainRows, H, s, quick) {
  const contextLength = Math.max(24, 2 * H), batchSize = 64;
  return {
    cell: 'lstm', hiddenSize: 40, layers: 2, contextLength, predictionLength: H, seasonalPeriod: s,
    ...(quick ? { epochs: 3, batchesPerEpoch: 10, patience: 10 } : budget(trainRows, contextLength + H, Math.max(1, s), batchSize, 1000, 200)),
    batchSize, lr: 1e-3, validationFraction: 0.1, clipNorm: 10,
    diffusionSteps: 100, betaStart: 1e-4, betaEnd: 0.1, residualLayers: 8, residualChannels: 8, dilationCycle: 2,
  };
}

/** DeepAR-GRU's settings (per series): the same windows and training budget, DeepAR's own batch and lr. */
function deeparOptions(trainRows, H, s, quick) {
  const contextLength = Math.max(24, 2 * H), batchSize = 32;
  return {
    hiddenSize: 40, layers: 2, contextLength, predictionLength: H, seasonalPeriod: s,
    ...(quick ? { epochs: 3, batchesPerEpoch: 10, patience: 10 } : budget(trainRows, contextLength + H, Math.max(1, s), batchSize, 1000, 200)),
    batchSize, lr: 3e-3, clipNorm: 10, likelihood: 'gaussian',
  };
}

/** The fast samplers tried on the same TimeGrad fit (DDPM over all K steps is the paper's). */
const SAMPLERS = [
  { label: 'timegrad', sampler: 'ddpm' },
  { label: 'timegrad-ddim20', sampler: 'ddim', samplerSteps: 20 },
  { label: 'timegrad-dpm++10', sampler: 'dpm++', samplerSteps: 10 },
];

// ---------------------------------------------------------------- data

const diffLog = (xs) => Float64Array.from({ length: xs.length - 1 }, (_, i) => 100 * (Math.log(xs[i + 1]) - Math.log(xs[i])));

/**
 * The simulated process (seed 2024, n rows): with e_i ~ N(0, 1) independent,
 *   a_t = 0.6 a_{t−1} + 1.5 sin(2πt/24) + e_1
 *   b_t = 0.5 b_{t−1} + 0.6 (a_{t−1}² − 1)/2 + 0.7 (e_1² − 1)/√2 + 0.5 e_2          (nonlinear in a, same-time e_1²)
 *   c_t = r_t (1 + 0.3 tanh a_{t−1}) + 0.3 e_3,  r_t = ±1 with P(+1) = σ(2 b_{t−1})  (bimodal)
 *   d_t = 0.3 d_{t−1} + √(0.2 + 0.4 a_{t−1}² / (1 + 0.1 a_{t−1}²)) e_4               (volatility from a)
 * A Gaussian VAR sees only the linear part of these; the joint law of a step is far from Gaussian.
 */
function simulateNonlinear(createRng, n, seed = 2024) {
  const rng = createRng(seed);
  const burn = 200, N = n + burn;
  const a = new Float64Array(N), b = new Float64Array(N), c = new Float64Array(N), d = new Float64Array(N);
  for (let t = 1; t < N; t++) {
    const e1 = rng.normal(), e2 = rng.normal(), e3 = rng.normal(), e4 = rng.normal();
    a[t] = 0.6 * a[t - 1] + 1.5 * Math.sin((2 * Math.PI * t) / 24) + e1;
    b[t] = 0.5 * b[t - 1] + 0.3 * (a[t - 1] ** 2 - 1) + (0.7 * (e1 * e1 - 1)) / Math.SQRT2 + 0.5 * e2;
    const up = rng.uniform() < 1 / (1 + Math.exp(-2 * b[t - 1]));
    c[t] = (up ? 1 : -1) * (1 + 0.3 * Math.tanh(a[t - 1])) + 0.3 * e3;
    d[t] = 0.3 * d[t - 1] + Math.sqrt(0.2 + (0.4 * a[t - 1] ** 2) / (1 + 0.1 * a[t - 1] ** 2)) * e4;
  }
  return { names: ['a', 'b', 'c', 'd'], columns: [a, b, c, d].map((x) => x.slice(burn)) };
}

const DATASETS = {
  'eustock-returns': {
    what: 'EuStockMarkets DAX, SMI, CAC, FTSE daily log returns × 100', horizon: 5, windows: 5, period: 1,
    load: () => { const t = readCsv(ROOT, 'r_EuStockMarkets.csv'); const names = ['DAX', 'SMI', 'CAC', 'FTSE']; return { names, columns: names.map((k) => diffLog(t[k])) }; },
  },
  seatbelts: {
    what: 'UK Seatbelts drivers, front, rear, VanKilled (monthly counts)', horizon: 12, windows: 2, period: 12,
    load: () => { const t = readCsv(ROOT, 'r_Seatbelts.csv'); const names = ['drivers', 'front', 'rear', 'VanKilled']; return { names, columns: names.map((k) => Float64Array.from(t[k])) }; },
  },
  'macro-dlog': {
    what: 'US macrodata realgdp, realcons, realinv: 100·Δlog (quarterly)', horizon: 4, windows: 4, period: 4,
    load: () => { const t = readCsv(ROOT, 'sm_macrodata.csv'); const names = ['realgdp', 'realcons', 'realinv']; return { names, columns: names.map((k) => diffLog(t[k])) }; },
  },
  'sim-nonlinear': {
    what: 'simulated 4-series nonlinear process (seed 2024)', horizon: 24, windows: 5, period: 24,
    load: (M) => simulateNonlinear(M.createRng, 1200),
  },
};

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opt = { json: false, quick: false, peer: true, datasets: Object.keys(DATASETS), seeds: [0, 1, 2] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opt.json = true;
    else if (a === '--quick') opt.quick = true;
    else if (a === '--no-peer') opt.peer = false;
    else if (a === '--hybrid') continue;
    else if (a === '--datasets') opt.datasets = argv[++i].split(',');
    else if (a === '--seeds') opt.seeds = argv[++i].split(',').map(Number);
    else throw new Error(`unknown flag '${a}'; flags: --quick --no-peer --json --datasets ${Object.keys(DATASETS).join(',')} --seeds 0,1,2`);
  }
  for (const d of opt.datasets) if (!DATASETS[d]) throw new Error(`unknown data set '${d}'; data sets: ${Object.keys(DATASETS).join(', ')}`);
  if (opt.seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds takes integers, e.g. --seeds 0,1,2');
  if (opt.quick && !argv.includes('--seeds')) opt.seeds = [0];
  return opt;
}

// ---------------------------------------------------------------- runs

const sliceRows = (data, end) => ({ names: data.names, columns: data.columns.map((c) => c.slice(0, end)) });

/** The actual rows [H][D] of each window. */
function actualWindows(data, origins, H) {
  return origins.map((o) => Array.from({ length: H }, (_, s) => Float64Array.from(data.columns, (c) => c[o + s])));
}

/** ardiff TimeGrad: one fit, then each sampler on every window (the fit moved to the window's history). */
function runTimeGrad(M, data, spec, origins, seed, options, paths, actual) {
  const H = spec.horizon;
  const t0 = performance.now();
  const fit = M.fitTimeGrad(sliceRows(data, origins[0]), { ...options, seed });
  const fitSeconds = (performance.now() - t0) / 1000;
  const out = [];
  try {
    for (const s of SAMPLERS) {
      const t1 = performance.now();
      const draws = origins.map((o, k) => {
        const m = k === 0 ? fit : fit.apply(sliceRows(data, o));
        try {
          return m.sample(H, { paths, rng: M.createRng(seed + 7919 * k), sampler: s.sampler, ...(s.samplerSteps ? { samplerSteps: s.samplerSteps } : {}) });
        } finally {
          if (m !== fit) m.dispose();
        }
      });
      out.push({ model: s.label, ...M.scoreWindows(actual, draws), fitSeconds, sampleSeconds: (performance.now() - t1) / 1000, epochsRun: fit.training.epochsRun });
    }
  } finally {
    fit.dispose();
  }
  return out;
}

function torchVersion() {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The PyTorch TimeGrad on the same windows from ardiff's initial weights; its paths scored here. */
function runPeer(M, data, spec, origins, seed, options, paths, actual, name) {
  const train = sliceRows(data, origins[0]);
  const task = {
    columns: data.columns.map((c) => Array.from(c)), trainEnd: origins[0], origins, horizon: spec.horizon, paths, seed,
    config: M.resolveTimeGradConfig(options), diffusion: M.diffusionHeadSettings({ ...options }), params: M.timeGradInitialParams(train, { ...options, seed }),
  };
  const file = `${CACHE}timegrad-${name}-${seed}.json`;
  writeFileSync(file, JSON.stringify(task));
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(PYTHON, [`${ROOT}bench/peers/torch_timegrad.py`, file], { encoding: 'utf8', env, timeout: PEER_TIMEOUT_MS, maxBuffer: 1 << 30 });
  if (r.status !== 0) return { error: r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const res = JSON.parse(r.stdout);
  const D = data.names.length, H = spec.horizon;
  const draws = res.paths.map((b) => {
    const f = new Float32Array(new Uint8Array(Buffer.from(b, 'base64')).buffer);
    return Array.from({ length: paths }, (_, i) => Array.from({ length: H }, (_, s) => Float64Array.from({ length: D }, (_, d) => f[(i * H + s) * D + d])));
  });
  return { model: 'timegrad-torch', ...M.scoreWindows(actual, draws), fitSeconds: res.fitSeconds, sampleSeconds: res.sampleSeconds, epochsRun: res.epochsRun };
}

// ---------------------------------------------------------------- report

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => (xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)) : 0);
const pm = (xs, d) => (xs.length > 1 ? `${mean(xs).toFixed(d)} ± ${sd(xs).toFixed(d)}` : mean(xs).toFixed(d));

function summarise(runs) {
  const groups = new Map();
  for (const r of runs) {
    const key = `${r.dataset}\u0000${r.model}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return [...groups.values()].map((rs) => {
    const pick = (k) => rs.map((r) => r[k]);
    const s = { dataset: rs[0].dataset, model: rs[0].model, seeds: rs.length };
    for (const k of ['crpsSum', 'wql', 'energy', 'coverage80', 'coverage90', 'fitSeconds', 'sampleSeconds']) s[k] = { mean: mean(pick(k)), sd: sd(pick(k)) };
    s.cells = Object.fromEntries(['crpsSum', 'wql', 'energy', 'coverage80', 'coverage90', 'fitSeconds', 'sampleSeconds'].map((k) => [k, pick(k)]));
    return s;
  });
}

function printTable(summary, datasets, log) {
  const cols = ['model', 'CRPS-sum', 'wQL', 'energy', 'cov80', 'cov90', 'fit s', 'sample s'];
  for (const name of datasets) {
    const rows = summary.filter((s) => s.dataset === name);
    if (!rows.length) continue;
    const spec = DATASETS[name];
    log(`\n${name}: ${spec.what}; H ${spec.horizon}, W ${spec.windows}, season ${spec.period}; seeds ${rows[0].seeds}`);
    const body = rows.map((s) => [s.model, pm(s.cells.crpsSum, 4), pm(s.cells.wql, 4), pm(s.cells.energy, 3), pm(s.cells.coverage80, 2), pm(s.cells.coverage90, 2), pm(s.cells.fitSeconds, 1), pm(s.cells.sampleSeconds, 1)]);
    const widths = cols.map((c, j) => Math.max(c.length, ...body.map((r) => r[j].length)));
    log(cols.map((c, j) => c.padEnd(widths[j])).join('  '));
    for (const r of body) log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    const a = rows.find((s) => s.model === 'timegrad'), p = rows.find((s) => s.model === 'timegrad-torch');
    if (a && p) {
      const rel = a.crpsSum.mean / p.crpsSum.mean - 1, speed = a.fitSeconds.mean / p.fitSeconds.mean;
      log(`targets: CRPS-sum ardiff/PyTorch − 1 = ${(100 * rel).toFixed(1)}% (target within ±5%: ${Math.abs(rel) <= 0.05 ? 'met' : 'NOT met'}); training time ardiff/PyTorch = ${speed.toFixed(2)}x (target ≤ 2x: ${speed <= 2 ? 'met' : 'NOT met'})`);
    }
  }
}

/** Runs the hybrid benchmark; returns the exit code. */
export async function runHybrid(argv) {
  const opt = parseArgs(argv);
  const log = (s) => process.stdout.write(`${s}\n`);
  const progress = (s) => process.stderr.write(`[hybrid] ${s}\n`);
  mkdirSync(CACHE, { recursive: true });
  const root = await import('../dist/index.js');
  const hybrid = await import('../dist/hybrid/index.js');
  const neural = await import('../dist/neural/index.js');
  await neural.initEngine();
  const M = { ...root, ...hybrid };
  const torch = opt.peer ? torchVersion() : null;
  const started = performance.now();
  const loadAtStart = loadAverage();
  log(`TimeGrad benchmark — ${new Date().toISOString()}, ${cpuModel()} (${os.cpus().length} cores), Node ${process.version}, engine ${neural.engineInfo().backend}; PyTorch ${torch ?? (opt.peer ? 'not installed: peer skipped (Debian: apt-get install python3-torch)' : 'not run (--no-peer)')}; ${opt.quick ? 'QUICK smoke settings (not for quoting)' : 'full settings'}; paths ${opt.quick ? 20 : PATHS}; load average ${loadAtStart}`);
  const runs = [];
  const settings = new Map();
  const paths = opt.quick ? 20 : PATHS;
  for (const name of opt.datasets) {
    const spec = DATASETS[name];
    const data = spec.load(M);
    const n = data.columns[0].length, H = spec.horizon, W = spec.windows;
    const origins = Array.from({ length: W }, (_, k) => n - H * (W - k));
    const actual = actualWindows(data, origins, H);
    const tgOptions = timegradOptions(origins[0], H, spec.period, opt.quick);
    settings.set(name, { timegrad: tgOptions, deepar: deeparOptions(origins[0], H, spec.period, opt.quick) });
    for (const seed of opt.seeds) {
      progress(`${name} seed ${seed}: baselines`);
      const bt = await M.backtestMulti(data, {
        models: ['seasonal-naive', 'var', 'deepar-gru'], horizon: H, windows: W, paths, seed, seasonalPeriod: spec.period,
        modelOptions: { 'seasonal-naive': { period: spec.period }, var: { ic: 'aic' }, 'deepar-gru': { ...deeparOptions(origins[0], H, spec.period, opt.quick), seed } },
      });
      for (const r of bt.results) runs.push({ dataset: name, seed, model: r.model, crpsSum: r.crpsSum, wql: r.wql, energy: r.energy, coverage80: r.coverage80, coverage90: r.coverage90, fitSeconds: r.fitSeconds, sampleSeconds: r.forecastSeconds });
      progress(`${name} seed ${seed}: ardiff TimeGrad`);
      for (const r of runTimeGrad(M, data, spec, origins, seed, tgOptions, paths, actual)) runs.push({ dataset: name, seed, ...r });
      if (torch) {
        progress(`${name} seed ${seed}: PyTorch TimeGrad`);
        const r = runPeer(M, data, spec, origins, seed, tgOptions, paths, actual, name);
        if (r.error) progress(`PyTorch TimeGrad failed: ${r.error}`);
        else runs.push({ dataset: name, seed, ...r });
      }
    }
  }
  const summary = summarise(runs);
  printTable(summary, opt.datasets, log);
  log('\nSettings (VAR: lags by AIC; seasonal-naive: the period s):');
  for (const [name, o] of settings) log(`  ${name}: TimeGrad (both) ${JSON.stringify(o.timegrad)}; DeepAR-GRU per series ${JSON.stringify(o.deepar)}`);
  log(`Finished in ${((performance.now() - started) / 60000).toFixed(1)} min; load average ${loadAtStart} at the start, ${loadAverage()} at the end.`);
  if (opt.json) log(JSON.stringify({ suite: 'hybrid', quick: opt.quick, seeds: opt.seeds, datasets: opt.datasets.map((d) => ({ name: d, ...DATASETS[d], load: undefined })), runs, summary: summary.map(({ cells: _cells, ...s }) => s) }));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(await runHybrid(process.argv.slice(2)));
}
