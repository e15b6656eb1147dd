// The diffusion generator of return scenarios against the data and against GARCH-t paths, on
// held-out windows: DAX and FTSE daily log returns (%, R's EuStockMarkets 1991–1998), the
// generator fitted to the first 1300 days, then scenarios of L days drawn at every L-th origin
// of the remaining days (each from the returns before it, no refit) — with realised-volatility
// conditioning ('realised') and with GARCH(1,1)-t scales (the hybrid) — and compared with the real
// windows at the same origins, with GARCH(1,1)-t sample paths (fitted to the same 1300 days, per
// asset) and with Gaussian windows at the realised scale: quantiles, sd, excess kurtosis, the mean
// within-window autocorrelation of |r − window mean| (volatility clustering) and the same-day
// DAX–FTSE correlation.
// node bench/scenarios.js [--steps 1500] [--window 10] [--paths 50] [--json]   (several minutes on one core)
import { initEngine } from 'ardiff/neural';
import { fitScenarioDiffusion } from 'ardiff/hybrid';
import { windowStats } from 'ardiff/diffusion';
import { createRng, readTable, numericColumn, fitGARCH } from 'ardiff';
import { cpuModel, loadAverage } from './machine.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const steps = Number(flag('--steps', '1500')), L = Number(flag('--window', '10')), paths = Number(flag('--paths', '50'));
const TRAIN = 1300;
const info = await initEngine();
const table = readTable('eu-stock-markets');
const names = ['DAX', 'FTSE'];
const returns = names.map((n) => { const p = numericColumn(table, n); return Float64Array.from({ length: p.length - 1 }, (_, i) => 100 * Math.log(p[i + 1] / p[i])); });
const n = returns[0].length, A = names.length;
const origins = [];
for (let t = TRAIN; t + L <= n; t += L) origins.push(t);

/** Same-day correlation of two interleaved columns. */
function corr(rows) {
  let ma = 0, mb = 0;
  const m = rows.length / 2;
  for (let i = 0; i < m; i++) { ma += rows[2 * i] / m; mb += rows[2 * i + 1] / m; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < m; i++) { const a = rows[2 * i] - ma, b = rows[2 * i + 1] - mb; sab += a * b; saa += a * a; sbb += b * b; }
  return sab / Math.sqrt(saa * sbb);
}
const sources = {};
function add(name, interleaved, seconds) {
  sources[name] = { seconds, corr: corr(interleaved), assets: names.map((_, a) => { const col = []; for (let j = a; j < interleaved.length; j += A) col.push(interleaved[j]); return windowStats(col, L); }) };
}

// 1. The real windows.
const data = [];
for (const t of origins) for (let h = 0; h < L; h++) for (let a = 0; a < A; a++) data.push(returns[a][t + h]);
add('data', data);
// 2. GARCH(1,1)-t per asset: sample paths from each origin (no joint dependence between assets).
let t0 = performance.now();
const garch = returns.map((r) => fitGARCH(r.subarray(0, TRAIN), { order: [1, 1], dist: 'std' }));
const g = [], gauss = [];
const rngG = createRng(11), rngN = createRng(12);
for (const t of origins) {
  const per = garch.map((fit, a) => fit.apply(returns[a].subarray(0, t)).sample(L, { paths, rng: rngG }));
  for (let p = 0; p < paths; p++) for (let h = 0; h < L; h++) for (let a = 0; a < A; a++) g.push(per[a][p][h]);
  const rv = returns.map((r) => { let s = 0; for (let i = t - 22; i < t; i++) s += r[i] ** 2; return Math.sqrt(s / 22); });
  for (let p = 0; p < paths; p++) for (let h = 0; h < L; h++) for (let a = 0; a < A; a++) gauss.push(rv[a] * rngN.normal());
}
add('GARCH(1,1)-t paths', g, (performance.now() - t0) / 1000);
add('Gaussian, realised scale', gauss);
// 3. The generators.
const fits = [];
for (const volatility of ['realised', 'garch']) {
  t0 = performance.now();
  const gen = fitScenarioDiffusion({ names, columns: returns.map((r) => r.subarray(0, TRAIN)) }, { window: L, steps, seed: 1, volatility });
  const trainSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const at = gen.apply(returns).scenariosAt(returns, origins, { paths, rng: createRng(13) });
  const rows = [];
  for (const block of at) for (const row of block) rows.push(...row);
  add(`diffusion, ${volatility}`, rows, (performance.now() - t0) / 1000);
  fits.push({ volatility, trainSeconds, finalLoss: gen.training.loss.at(-1), weights: gen.nWeights });
  gen.dispose();
}

if (args.includes('--json')) console.log(JSON.stringify({ backend: info.backend, steps, window: L, paths, origins: origins.length, fits, sources }));
else {
  console.log(`Scenario generator on held-out windows — ${new Date().toISOString()}, ${cpuModel()}, engine ${info.backend}; load ${loadAverage()}`);
  console.log(`DAX and FTSE log returns (%), fitted to days 1–${TRAIN}, ${origins.length} held-out origins every ${L} days, ${paths} scenarios of ${L} days each; ${steps} optimiser steps (${fits.map((f) => `${f.volatility} ${f.trainSeconds.toFixed(0)} s`).join(', ')})`);
  console.log('| source | asset | q01 | q05 | q95 | q99 | sd | excess kurtosis | ACF(1) of \\|r\\| | DAX–FTSE corr. | sampling s |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, s] of Object.entries(sources)) {
    s.assets.forEach((x, a) => console.log(`| ${a === 0 ? name : ''} | ${names[a]} | ${x.quantiles[0].toFixed(2)} | ${x.quantiles[1].toFixed(2)} | ${x.quantiles[5].toFixed(2)} | ${x.quantiles[6].toFixed(2)} | ${x.sd.toFixed(3)} | ${x.kurtosis.toFixed(2)} | ${x.acfAbs[0].toFixed(3)} | ${a === 0 ? s.corr.toFixed(2) : ''} | ${a === 0 && s.seconds !== undefined ? s.seconds.toFixed(1) : ''} |`));
  }
}
