/**
 * Imputation accuracy on real series with artificially hidden values: ardiff's Kalman smoother
 * (auto-ARIMA with the exact likelihood of the data with gaps, gaps filled with E[y_t | observed])
 * against linear interpolation and R forecast::na.interp (Rscript, when it is installed).
 *
 *   npm run build && node bench/impute.js [--seeds 3] [--json]
 *
 * Series (data/, original scale, no transform): AirPassengers (12), Nile (1), co2 (12),
 * UKgas (4), lynx (1); the seasonal period goes to auto-ARIMA and to na.interp (ts frequency).
 * Scenarios, per seed s (ardiff's createRng(1000 + s)):
 *   random10   10% of the positions hidden at random (any position, the ends included)
 *   random50   50% hidden at random
 *   gap10      one contiguous gap of round(0.1·n) values starting at round(0.5·n)
 * (gap10 does not depend on the seed and is run once.) Scores over the hidden values only:
 * MAE, RMSE, and for the Kalman smoother the coverage of its 90% interval (q05..q95).
 * Accuracy only: no timings are compared (the seconds printed are ardiff's fit + smooth time).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { imputeKalman, imputeLinear, arimaLabel } = await import('../dist/classical/index.js');
const { createRng } = await import('../dist/core/rng.js');

const SERIES = [
  { file: 'r_AirPassengers.csv', column: 'AirPassengers', period: 12 },
  { file: 'r_Nile.csv', column: 'Nile', period: 1 },
  { file: 'r_co2.csv', column: 'co2', period: 12 },
  { file: 'r_UKgas.csv', column: 'UKgas', period: 4 },
  { file: 'r_lynx.csv', column: 'lynx', period: 1 },
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const seedsArg = args.indexOf('--seeds');
const nSeeds = seedsArg >= 0 ? Number(args[seedsArg + 1]) : 1;
if (!Number.isInteger(nSeeds) || nSeeds < 1) throw new Error(`--seeds must be a positive integer; got ${args[seedsArg + 1]}`);

/** One numeric column of a data/ CSV (header row, quoted names). */
function readColumn(file, column) {
  const lines = readFileSync(join(ROOT, 'data', file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const j = header.indexOf(column);
  return Float64Array.from(lines.slice(1), (l) => Number(l.split(',')[j]));
}

/** Positions to hide: a random fraction (Fisher–Yates with ardiff's RNG) or one contiguous gap. */
function hidden(n, scenario, seed) {
  if (scenario === 'gap10') {
    const len = Math.round(0.1 * n), start = Math.round(0.5 * n);
    return Array.from({ length: len }, (_, k) => start + k);
  }
  const frac = scenario === 'random10' ? 0.1 : 0.5;
  const rng = createRng(1000 + seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, Math.round(frac * n)).sort((a, b) => a - b);
}

function scores(truth, filled, idx) {
  let ae = 0, se = 0;
  for (const t of idx) { const e = filled[t] - truth[t]; ae += Math.abs(e); se += e * e; }
  return { mae: ae / idx.length, rmse: Math.sqrt(se / idx.length) };
}

/** R's forecast::na.interp on each case (one Rscript call for all); null when R or forecast is missing. */
function naInterp(cases) {
  const probe = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(forecast)); cat(as.character(packageVersion("forecast")))'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.error(`R skipped: ${probe.error ? 'Rscript not found' : 'the R package forecast is not installed'} (the na.interp column stays empty)`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ardiff-impute-'));
  try {
    const inp = join(dir, 'in.json'), out = join(dir, 'out.json');
    writeFileSync(inp, JSON.stringify(cases.map((c) => ({ period: c.period, y: Array.from(c.y, (v) => (Number.isNaN(v) ? 'NA' : v)) }))));
    const script = `
      suppressPackageStartupMessages({ library(forecast); library(jsonlite) })
      cases <- fromJSON(${JSON.stringify(inp)}, simplifyVector = FALSE)
      res <- lapply(cases, function(cs) {
        y <- suppressWarnings(as.numeric(unlist(cs$y)))
        as.numeric(na.interp(ts(y, frequency = cs$period)))
      })
      write(toJSON(res, digits = NA), ${JSON.stringify(out)})`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(`R failed, na.interp skipped:\n${r.stderr}`); return null; }
    return { version: probe.stdout.trim(), filled: JSON.parse(readFileSync(out, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases = [];
for (const s of SERIES) {
  const truth = readColumn(s.file, s.column);
  for (const scenario of ['random10', 'random50', 'gap10']) {
    for (let seed = 0; seed < (scenario === 'gap10' ? 1 : nSeeds); seed++) {
      const idx = hidden(truth.length, scenario, seed);
      const y = truth.slice();
      for (const t of idx) y[t] = NaN;
      cases.push({ ...s, scenario, seed, truth, idx, y });
    }
  }
}
const r = naInterp(cases);
const rows = cases.map((c, i) => {
  const t0 = performance.now();
  const k = imputeKalman(c.y, { period: c.period });
  const seconds = (performance.now() - t0) / 1000;
  const q05 = k.intervals[0].lower, q95 = k.intervals[0].upper;
  const covered = c.idx.filter((t) => q05[t] <= c.truth[t] && c.truth[t] <= q95[t]).length / c.idx.length;
  return {
    series: c.column, period: c.period, scenario: c.scenario, seed: c.seed, n: c.truth.length, hidden: c.idx.length,
    model: arimaLabel(k.fit), seconds,
    kalman: scores(c.truth, k.filled, c.idx), coverage90: covered,
    linear: scores(c.truth, imputeLinear(c.y).filled, c.idx),
    naInterp: r ? scores(c.truth, r.filled[i], c.idx) : null,
  };
});

/** Means over seeds per series and scenario. */
function summarise(list) {
  const groups = new Map();
  for (const row of list) {
    const key = `${row.series}|${row.scenario}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  const avg = (g, f) => g.reduce((a, x) => a + f(x), 0) / g.length;
  return [...groups.values()].map((g) => ({
    series: g[0].series, scenario: g[0].scenario, n: g[0].n, hidden: g[0].hidden, runs: g.length,
    models: [...new Set(g.map((x) => x.model))].join('; '),
    kalmanMAE: avg(g, (x) => x.kalman.mae), kalmanRMSE: avg(g, (x) => x.kalman.rmse),
    linearMAE: avg(g, (x) => x.linear.mae), linearRMSE: avg(g, (x) => x.linear.rmse),
    naInterpMAE: r ? avg(g, (x) => x.naInterp.mae) : null, naInterpRMSE: r ? avg(g, (x) => x.naInterp.rmse) : null,
    coverage90: avg(g, (x) => x.coverage90), seconds: avg(g, (x) => x.seconds),
  }));
}

const summary = summarise(rows);
const f = (v) => (v === null ? '-' : v >= 100 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
const header = ['series', 'scenario', 'hidden', 'kalman MAE', 'linear MAE', 'na.interp MAE', 'kalman RMSE', 'linear RMSE', 'na.interp RMSE', '90% cover', 's', 'model (kalman)'];
const body = summary.map((x) => [x.series, x.scenario, `${x.hidden}/${x.n}`, f(x.kalmanMAE), f(x.linearMAE), f(x.naInterpMAE), f(x.kalmanRMSE), f(x.linearRMSE), f(x.naInterpRMSE), `${Math.round(100 * x.coverage90)}%`, x.seconds.toFixed(1), x.models]);
const w = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
console.log(`Imputation of hidden values (${nSeeds} seed${nSeeds > 1 ? 's' : ''} per random scenario; R forecast ${r ? r.version : 'not run'})\n`);
console.log([header, ...body].map((row) => row.map((c, j) => (j < 2 || j === row.length - 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ')).join('\n'));
const wins = summary.filter((x) => x.kalmanMAE < x.linearMAE && (x.naInterpMAE === null || x.kalmanMAE < x.naInterpMAE)).length;
console.log(`\nkalman has the lowest MAE in ${wins} of ${summary.length} rows`);
if (json) console.log(JSON.stringify({ nSeeds, rForecast: r ? r.version : null, rows, summary }));
