/**
 * CSDI imputation (src/hybrid/csdi.ts) against linear interpolation, a column-mean fill and the
 * PyTorch CSDI (bench/peers/torch_csdi.py, the reference network in torch) on the same masks.
 *
 *   npm run build && node bench/csdi.js                    the three scenarios, default settings
 *   node bench/csdi.js --scenarios random10 --epochs 5     fewer / shorter runs
 *   node bench/csdi.js --no-torch                          without the PyTorch peer
 *   node bench/csdi.js --json                              the tables, then one line of JSON
 *   ARDIFF_DIST=path/to/dist/ node bench/csdi.js            another build of ardiff (default dist/)
 *
 * Data: EuStockMarkets (data/r_EuStockMarkets.csv; DAX, SMI, CAC, FTSE), daily log returns × 100,
 * the first `--rows` (default 720) of the 1859 returns. Returns, not levels: the four markets move
 * together within a day (correlations 0.5–0.7) while a return is nearly unpredictable from its
 * neighbours, so the cross-sectional information is what an imputer has to find; on the levels
 * linear interpolation between two neighbouring days is already within a daily return.
 *
 * Scenarios (entries hidden from every method, seeded): random10 / random50 — 10% / 50% of all
 * entries, chosen uniformly; block — 10% of the rows of DAX in one contiguous run.
 *
 * Methods, scored on the hidden entries only (MAE, RMSE of the point value; CRPS of the sample
 * paths — for a point method CRPS = MAE; "CRPS-q": the CSDI paper's normalised quantile CRPS,
 * 19 levels 0.05 … 0.95, Σ quantile loss / Σ|y|):
 *   linear     per column, linear interpolation between the nearest observed rows (the nearest
 *              observed value at the ends)
 *   mean       the column's observed mean
 *   kalman     per column, imputeKalman (auto-ARIMA on the column with its gaps, the Kalman
 *              smoother's mean; CRPS and CRPS-q of its Gaussian N(mean, sd²))
 *   csdi       ardiff fitCSDI on the masked data, then impute(): median of `--samples` DDPM paths
 *   csdi-torch the same method, settings, data and initial weights (csdiInitialParams) in PyTorch,
 *              one thread; its paths scored here by the same code
 *
 * Settings (both implementations): window 36, a modest network (2 residual layers × 32 channels,
 * 4 heads, feed-forward 64, step embedding 64, time embedding 64, feature embedding 16; the
 * reference's is 4 × 64 with 128/128), T = 50, quad β 1e-4 … 0.5, batch 16, lr 1e-3 (×0.1 at 75%
 * and 90% of the epochs), weight decay 1e-6, dropout 0.1, `--epochs` (20) × `--batches` (20)
 * optimiser steps, `--samples` (16) paths. The reference trains far longer (200 epochs) on a GPU.
 */
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { cpuModel, loadAverage } from './machine.js';
import { readCsv } from './multi.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = process.env.ARDIFF_DIST ? pathToFileURL(`${process.env.ARDIFF_DIST.replace(/\/?$/, '/')}`).href : new URL('../dist/', import.meta.url).href;
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const CACHE = `${ROOT}bench/.cache/`;

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const opt = {
  rows: Number(flag('--rows', '720')),
  epochs: Number(flag('--epochs', '20')),
  batches: Number(flag('--batches', '20')),
  samples: Number(flag('--samples', '16')),
  seed: Number(flag('--seed', '0')),
  scenarios: flag('--scenarios', 'random10,random50,block').split(','),
  torch: !args.includes('--no-torch'),
  json: args.includes('--json'),
};

const { initEngine } = await import(`${DIST}neural/index.js`);
const { fitCSDI, csdiInitialParams } = await import(`${DIST}hybrid/index.js`);
const { createRng } = await import(`${DIST}core/rng.js`);
const { imputeKalman, crpsGaussian } = await import(`${DIST}index.js`);
const { normalQuantile } = await import(`${DIST}core/distributions.js`);
const engine = await initEngine();

const SETTINGS = {
  window: 36, layers: 2, channels: 32, heads: 4, feedForward: 64, diffusionEmbedding: 64, timeEmbedding: 64, featureEmbedding: 16,
  diffusionSteps: 50, schedule: 'quad', betaStart: 1e-4, betaEnd: 0.5, batchSize: 16, lr: 1e-3, weightDecay: 1e-6, dropout: 0.1,
  epochs: opt.epochs, batchesPerEpoch: opt.batches, samples: opt.samples,
};

// ------------------------------------------------------------------------------- data and masks

const eu = readCsv(ROOT, 'r_EuStockMarkets.csv');
const NAMES = ['DAX', 'SMI', 'CAC', 'FTSE'];
const TRUTH = NAMES.map((n) => Float64Array.from({ length: Math.min(opt.rows, eu[n].length - 1) }, (_, i) => 100 * Math.log(eu[n][i + 1] / eu[n][i])));
const n = TRUTH[0].length, K = NAMES.length;

/** Hidden entries of a scenario as [k][i] booleans. */
function mask(scenario, seed) {
  const rng = createRng(seed);
  const hide = NAMES.map(() => new Uint8Array(n));
  if (scenario === 'block') {
    const len = Math.round(0.1 * n);
    const a = Math.floor(rng.uniform() * (n - len + 1));
    for (let i = a; i < a + len; i++) hide[0][i] = 1;
    return hide;
  }
  const frac = scenario === 'random10' ? 0.1 : scenario === 'random50' ? 0.5 : NaN;
  if (Number.isNaN(frac)) throw new Error(`unknown scenario '${scenario}' (random10, random50, block)`);
  const all = Array.from({ length: n * K }, (_, j) => j);
  const m = Math.round(frac * n * K);
  for (let h = 0; h < m; h++) {
    const j = h + Math.floor(rng.uniform() * (all.length - h));
    [all[h], all[j]] = [all[j], all[h]];
    hide[Math.floor(all[h] / n)][all[h] % n] = 1;
  }
  return hide;
}

// ------------------------------------------------------------------------------- baselines and scores

function linearFill(col) {
  const out = Float64Array.from(col);
  const obs = [];
  col.forEach((v, i) => { if (!Number.isNaN(v)) obs.push(i); });
  let j = 0;
  for (let i = 0; i < col.length; i++) {
    if (!Number.isNaN(col[i])) continue;
    while (j < obs.length && obs[j] < i) j++;
    const r = obs[j], l = obs[j - 1];
    out[i] = l === undefined ? col[r] : r === undefined ? col[l] : col[l] + ((i - l) * (col[r] - col[l])) / (r - l);
  }
  return out;
}

function meanFill(col) {
  let s = 0, m = 0;
  for (const v of col) if (!Number.isNaN(v)) { s += v; m++; }
  return Float64Array.from(col, (v) => (Number.isNaN(v) ? s / m : v));
}

const LEVELS = Array.from({ length: 19 }, (_, i) => 0.05 * (i + 1));

function quantile(sorted, q) {
  const h = (sorted.length - 1) * q, lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/**
 * Scores at the hidden entries: `point(k, i)` the value, `paths(k, i)` the sample values, or
 * `gaussian(k, i)` [mean, sd] of a Gaussian predictive (neither: a point method).
 */
function score(hide, point, paths, gaussian) {
  let ae = 0, se = 0, crps = 0, ql = 0, absY = 0, m = 0;
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < n; i++) {
      if (!hide[k][i]) continue;
      const y = TRUTH[k][i], p = point(k, i);
      ae += Math.abs(p - y);
      se += (p - y) ** 2;
      absY += Math.abs(y);
      m++;
      const g = gaussian?.(k, i);
      if (g) {
        crps += crpsGaussian(g[0], g[1], y);
        for (const q of LEVELS) {
          const v = g[0] + g[1] * normalQuantile(q);
          ql += 2 * Math.abs((v - y) * ((y <= v ? 1 : 0) - q));
        }
        continue;
      }
      const xs = paths?.(k, i);
      if (!xs) {
        crps += Math.abs(p - y);
        for (const q of LEVELS) ql += 2 * Math.abs((p - y) * ((y <= p ? 1 : 0) - q));
        continue;
      }
      const s = Float64Array.from(xs).sort();
      // CRPS of the empirical distribution: E|X − y| − ½E|X − X'| (sorted: Σ_{a<b} (x_b − x_a) = Σ_j (2j − S + 1) x_j).
      let e1 = 0, e2 = 0;
      s.forEach((x, j) => { e1 += Math.abs(x - y); e2 += (2 * j - s.length + 1) * x; });
      crps += e1 / s.length - e2 / (s.length * s.length);
      for (const q of LEVELS) {
        const v = quantile(s, q);
        ql += 2 * Math.abs((v - y) * ((y <= v ? 1 : 0) - q));
      }
    }
  }
  return { entries: m, mae: ae / m, rmse: Math.sqrt(se / m), crps: crps / m, crpsQ: ql / absY / LEVELS.length };
}

// ------------------------------------------------------------------------------- the PyTorch peer

function torchVersion() {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function runTorch(columns, seed, name) {
  mkdirSync(CACHE, { recursive: true });
  const file = `${CACHE}csdi-${name}-${seed}.json`;
  const S = SETTINGS.samples;
  writeFileSync(file, JSON.stringify({
    seed, settings: SETTINGS, columns: columns.map((c) => Array.from(c, (v) => (Number.isNaN(v) ? null : v))),
    params: csdiInitialParams(K, { ...SETTINGS, seed }),
  }));
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(PYTHON, [`${ROOT}bench/peers/torch_csdi.py`, 'train', file], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  if (r.status !== 0) return { error: r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const res = JSON.parse(r.stdout);
  const v = new Float32Array(new Uint8Array(Buffer.from(res.samples, 'base64')).buffer);
  // Missing entries in column-major order (column 0's rows first), samples [S, M].
  const index = new Map();
  columns.forEach((c, k) => c.forEach((x, i) => { if (Number.isNaN(x)) index.set(k * n + i, index.size); }));
  const M = index.size;
  const paths = (k, i) => Array.from({ length: S }, (_, s) => v[s * M + index.get(k * n + i)]);
  const median = (k, i) => quantile(Float64Array.from(paths(k, i)).sort(), 0.5);
  return { paths, median, fitSeconds: res.fitSeconds, imputeSeconds: res.imputeSeconds, trainLoss: res.trainLoss };
}

// ------------------------------------------------------------------------------- run

const torch = opt.torch ? torchVersion() : null;
const log = (s) => console.log(s);
log(`CSDI imputation — ${new Date().toISOString()}, ${cpuModel()} (${os.cpus().length} cores), Node ${process.version}, engine ${engine.backend}; PyTorch ${torch ?? (opt.torch ? `not available at ${PYTHON}: peer skipped` : 'not run (--no-torch)')}; load average ${loadAverage()}`);
log(`EuStockMarkets log returns × 100, ${n} rows × ${K} series; window ${SETTINGS.window}, ${SETTINGS.layers} layers × ${SETTINGS.channels} channels, ${SETTINGS.heads} heads, ${opt.epochs} epochs × ${opt.batches} batches of ${SETTINGS.batchSize}, ${opt.samples} paths, seed ${opt.seed}`);
const results = [];
for (const scenario of opt.scenarios) {
  const seed = opt.seed;
  const hide = mask(scenario, 1000 + seed);
  const columns = TRUTH.map((c, k) => Float64Array.from(c, (v, i) => (hide[k][i] ? NaN : v)));
  const rows = [];
  const lin = columns.map(linearFill), mean = columns.map(meanFill);
  rows.push({ method: 'linear', ...score(hide, (k, i) => lin[k][i]) });
  rows.push({ method: 'mean', ...score(hide, (k, i) => mean[k][i]) });
  const tk = performance.now();
  const kal = columns.map((c) => imputeKalman(c));
  rows.push({ method: 'kalman', ...score(hide, (k, i) => kal[k].filled[i], undefined, (k, i) => [kal[k].mean[i], kal[k].sd[i]]), fitSeconds: (performance.now() - tk) / 1000 });
  const t0 = performance.now();
  const fit = fitCSDI({ names: NAMES, columns }, { ...SETTINGS, seed });
  const fitSeconds = (performance.now() - t0) / 1000;
  try {
    const r = fit.impute(undefined, { keepSamples: true });
    rows.push({ method: 'csdi', ...score(hide, (k, i) => r.columns[k][i], (k, i) => r.draws[k].map((d) => d[i])), fitSeconds, imputeSeconds: r.seconds, lastLoss: fit.training.trainLoss.at(-1) });
  } finally {
    fit.dispose();
  }
  if (torch) {
    const p = runTorch(columns, seed, scenario);
    if (p.error) rows.push({ method: 'csdi-torch', error: p.error });
    else rows.push({ method: 'csdi-torch', ...score(hide, p.median, p.paths), fitSeconds: p.fitSeconds, imputeSeconds: p.imputeSeconds, lastLoss: p.trainLoss.at(-1) });
  }
  results.push({ scenario, rows });
  log(`\n${scenario}: ${rows[0].entries} hidden entries`);
  log('| method | MAE | RMSE | CRPS | CRPS-q | last loss | fit s | impute s |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const f = (v, d = 4) => (v === undefined ? '' : v.toFixed(d));
  for (const x of rows) {
    if (x.error) log(`| ${x.method} | failed: ${x.error} |||||||`);
    else log(`| ${x.method} | ${f(x.mae)} | ${f(x.rmse)} | ${f(x.crps)} | ${f(x.crpsQ)} | ${f(x.lastLoss, 3)} | ${f(x.fitSeconds, 1)} | ${f(x.imputeSeconds, 1)} |`);
  }
}
if (opt.json) console.log(JSON.stringify({ suite: 'csdi', settings: SETTINGS, rows: n, torch, results }));
