/**
 * GARCH speed and agreement: ardiff's fitGARCH against R fGarch::garchFit (and tseries::garch) on
 * the same daily returns, measured in the same run (Rscript started from this process).
 *
 *   npm run build && node bench/garch.js [--reps 10] [--json]
 *   npm run bench -- --garch [--reps 10] [--json]        the same, through bench/run.js
 *
 * Series: r_t = 100·diff(log x) of the DAX, SMI, CAC and FTSE closes of R's EuStockMarkets
 * (data/r_EuStockMarkets.csv, 1859 returns each). Cases (fGarch formula, innovations):
 *   dax-garch11-norm   ~garch(1,1), norm        dax-garch11-std    ~garch(1,1), std
 *   smi-garch11-sstd   ~garch(1,1), sstd        ftse-ar1-garch11   ~arma(1,0)+garch(1,1), norm
 *   dax-garch21-norm   ~garch(2,1), norm        cac-garch11-std    ~garch(1,1), std
 *   dax-tseries        tseries::garch(order = c(1,1)) on demeaned DAX returns against ardiff's
 *                      fit without a mean (different conventions: h_1 and the first observation)
 * Timing: median of --reps fits (default 10) after 3 untimed warm-up fits, on each side; ardiff's
 * fit includes its fGarch-style Hessian and standard errors, as garchFit's does. The peer
 * (bench/peers/fgarch.R) times only its fit calls. ratio = peer ms / ardiff ms (> 1: ardiff faster).
 * Agreement: Δllf = ardiff's log-likelihood − R's (≥ 0: ardiff's optimum is at least as high), and
 * the largest coefficient difference in units of R's standard error.
 * Without Rscript, fGarch or tseries the peer is skipped with a message and ardiff's times alone
 * are printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuModel, loadAverage } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = `${ROOT}bench/.cache/`;
const RSCRIPT = process.env.BENCH_RSCRIPT || 'Rscript';
const WARMUP = 3;

const CASES = [
  { name: 'dax-garch11-norm', column: 'DAX', order: [1, 1], meanOrder: [0, 0], dist: 'norm' },
  { name: 'dax-garch11-std', column: 'DAX', order: [1, 1], meanOrder: [0, 0], dist: 'std' },
  { name: 'smi-garch11-sstd', column: 'SMI', order: [1, 1], meanOrder: [0, 0], dist: 'sstd' },
  { name: 'ftse-ar1-garch11', column: 'FTSE', order: [1, 1], meanOrder: [1, 0], dist: 'norm' },
  { name: 'dax-garch21-norm', column: 'DAX', order: [2, 1], meanOrder: [0, 0], dist: 'norm' },
  { name: 'cac-garch11-std', column: 'CAC', order: [1, 1], meanOrder: [0, 0], dist: 'std' },
  { name: 'dax-tseries', column: 'DAX', order: [1, 1], meanOrder: [0, 0], dist: 'norm', tseries: true },
];

/** Percent log returns of one column of the bundled EuStockMarkets CSV (demeaned on request). */
function returns(column, demean) {
  const lines = readFileSync(`${ROOT}data/r_EuStockMarkets.csv`, 'utf8').trim().split(/\r?\n/);
  const j = lines[0].split(',').map((h) => h.replace(/"/g, '')).indexOf(column);
  const v = lines.slice(1).map((l) => Number(l.split(',')[j]));
  const r = v.slice(1).map((u, i) => 100 * (Math.log(u) - Math.log(v[i])));
  if (!demean) return r;
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  return r.map((u) => u - m);
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function formula(c) {
  const g = `garch(${c.order[0]}, ${c.order[1]})`;
  return c.meanOrder[0] + c.meanOrder[1] > 0 ? `~arma(${c.meanOrder[0]}, ${c.meanOrder[1]}) + ${g}` : `~${g}`;
}

/** Whether Rscript with fGarch, tseries and jsonlite can run; the reason when not. */
function peerAvailable() {
  const r = spawnSync(RSCRIPT, ['-e', 'suppressPackageStartupMessages({library(fGarch); library(tseries); library(jsonlite)})'], { encoding: 'utf8' });
  if (r.error) return `Rscript not found (${r.error.code}); Debian: apt-get install r-base r-cran-fgarch r-cran-tseries r-cran-jsonlite`;
  if (r.status !== 0) return `R lacks fGarch, tseries or jsonlite (${(r.stderr || '').trim().split('\n').pop()}); Debian: apt-get install r-cran-fgarch r-cran-tseries`;
  return null;
}

/** Runs the GARCH benchmark with command-line arguments `argv`; returns the exit code. */
export async function runGarch(argv) {
  const json = argv.includes('--json');
  const ri = argv.indexOf('--reps');
  const reps = ri >= 0 ? Number(argv[ri + 1]) : 10;
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps must be a positive integer; got ${argv[ri + 1]}`);
  let fitGARCH;
  try {
    ({ fitGARCH } = await import('../dist/classical/garch.js'));
  } catch (e) {
    console.error(`cannot load dist/classical/garch.js (${e.message}); run \`npm run build\` first`);
    return 1;
  }
  const log = (s) => process.stdout.write(`${s}\n`);
  const progress = (s) => process.stderr.write(`[garch] ${s}\n`);
  const series = CASES.map((c) => returns(c.column, !!c.tseries));

  // ardiff, in this process.
  const ours = CASES.map((c, k) => {
    progress(`ardiff ${c.name}`);
    const options = { order: c.order, meanOrder: c.meanOrder, dist: c.dist, includeMean: !c.tseries };
    let fit;
    for (let i = 0; i < WARMUP; i++) fit = fitGARCH(series[k], options);
    const ms = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      fit = fitGARCH(series[k], options);
      ms.push(performance.now() - t0);
    }
    return { ms: median(ms), coef: fit.params, llf: fit.llf, warnings: fit.warnings };
  });

  // R, in a child process.
  const skip = peerAvailable();
  let peer = null;
  if (skip) progress(`peer skipped: ${skip}`);
  else {
    mkdirSync(CACHE, { recursive: true });
    const taskFile = `${CACHE}garch-task.json`, outFile = `${CACHE}garch-fgarch.json`;
    writeFileSync(taskFile, JSON.stringify({
      warmup: WARMUP, reps,
      cases: CASES.map((c, k) => ({ name: c.name, engine: c.tseries ? 'tseries' : 'fgarch', formula: formula(c), dist: c.dist, includeMean: !c.tseries, x: series[k] })),
    }));
    progress(`R fGarch/tseries (${CASES.length} cases × ${WARMUP + reps} fits)`);
    const r = spawnSync(RSCRIPT, [`${ROOT}bench/peers/fgarch.R`, taskFile, outFile], { encoding: 'utf8', timeout: 30 * 60 * 1000 });
    if (r.status !== 0) progress(`peer failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' | ')}`);
    else peer = JSON.parse(readFileSync(outFile, 'utf8'));
  }

  const rows = CASES.map((c, k) => {
    const p = peer?.cases.find((x) => x.name === c.name);
    const peerMs = p ? median(p.ms.map(Number)) : null;
    const dCoefSe = p ? Math.max(...ours[k].coef.map((b, i) => Math.abs(b - p.coef[i]) / p.se[i])) : null;
    return {
      name: c.name, model: c.tseries ? 'tseries::garch(1,1)' : `${formula(c)} ${c.dist}`, n: series[k].length,
      ardiffMs: ours[k].ms, peer: p ? (c.tseries ? 'tseries' : 'fGarch') : null, peerMs, ratio: p ? peerMs / ours[k].ms : null,
      dLlf: p ? ours[k].llf - p.llf : null, maxCoefDiffInSe: dCoefSe,
    };
  });

  log(`GARCH benchmark — ${new Date().toISOString()}, ${cpuModel()} (${os.cpus().length} cores), Node ${process.version}; peer ${peer ? peer.version : `skipped (${skip ?? 'failed'})`}; median of ${reps} fits after ${WARMUP} warm-up fits; load average ${loadAverage()}`);
  const fmt = (v, d) => (v === null ? '-' : v.toFixed(d));
  const header = ['case', 'model', 'n', 'ardiff ms', 'peer', 'peer ms', 'ratio', 'Δllf', 'max|Δcoef|/se'];
  const body = rows.map((r) => [r.name, r.model, String(r.n), fmt(r.ardiffMs, 1), r.peer ?? '-', fmt(r.peerMs, 1), fmt(r.ratio, 1), r.dLlf === null ? '-' : r.dLlf.toExponential(1), r.maxCoefDiffInSe === null ? '-' : r.maxCoefDiffInSe.toExponential(1)]);
  const w = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  for (const line of [header, ...body]) log(line.map((c, j) => (j < 2 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '));
  log('ratio = peer ms / ardiff ms (> 1: ardiff faster). Δllf = ardiff − R log-likelihood. dax-tseries compares different conventions (tseries conditions on the first observation and starts h at mean(x²); ardiff follows fGarch).');
  const warned = rows.filter((_, k) => ours[k].warnings.length);
  for (const r of warned) log(`note: ${r.name}: ${ours[CASES.findIndex((c) => c.name === r.name)].warnings.join('; ')}`);
  if (json) log(JSON.stringify({ suite: 'garch', peer: peer?.version ?? null, reps, cases: rows }));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await runGarch(process.argv.slice(2));
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(code);
}
