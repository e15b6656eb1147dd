// TimeGrad: an LSTM reads three US macro growth series (GDP, consumption, investment, quarterly
// log differences) and a small denoising diffusion model draws the next quarter of all three
// jointly, given the LSTM's state; forecasts are sample paths, each quarter's draw fed back in.
// One fit on all but the last 3 years; the last 3 × 4 quarters scored as `ardiff backtest
// --columns` scores them (each window forecast from the rows before it with `apply`, no refit),
// VAR and seasonal naive side by side; then the next 4 quarters and a fan chart per series.
// (Small settings so it runs in seconds; the full comparison is `npm run bench -- --hybrid`.)
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from 'ardiff/neural';
import { fitTimeGrad } from 'ardiff/hybrid';
import { backtestMulti, formatMultiBacktestTable, scoreWindows, multiFanChartSvg, transformColumns, numericColumn, createRng } from 'ardiff';
import { readTable } from 'ardiff/node';

await initEngine();
const names = ['realgdp', 'realcons', 'realinv'];
const table = readTable('macrodata');
const columns = transformColumns(names.map((n) => numericColumn(table, n)), names, 'dlog').map((c) => c.map((v) => 100 * v)); // growth in %
const data = { names, columns };
const n = columns[0].length, H = 4, W = 3;
const rows = (end) => ({ names, columns: columns.map((c) => c.slice(0, end)) });

// About 170 rows give 3 batches of 64 windows per epoch: 50 epochs are 150 optimiser steps.
const origins = Array.from({ length: W }, (_, k) => n - H * (W - k));
const fit = fitTimeGrad(rows(origins[0]), { seasonalPeriod: 4, contextLength: 16, predictionLength: H, epochs: 50, patience: 50, seed: 1 });
console.log(fit.summary());

// The backtest windows: each forecast from every actual row before it, seeds as backtestMulti's.
const actual = origins.map((o) => Array.from({ length: H }, (_, s) => Float64Array.from(columns, (c) => c[o + s])));
const draws = origins.map((o, k) => {
  const m = fit.apply(rows(o));
  try {
    return m.sample(H, { paths: 100, rng: createRng(1 + 7919 * k) });
  } finally {
    m.dispose();
  }
});
const tg = scoreWindows(actual, draws);
const bt = await backtestMulti(data, { models: ['var', 'seasonal-naive'], horizon: H, windows: W, paths: 100, seed: 1, seasonalPeriod: 4 });
console.log(`\n${formatMultiBacktestTable(bt, { paths: 100, seed: 1 })}`);
console.log(`timegrad        ${tg.crpsSum.toFixed(4).padStart(8)}  ${tg.wql.toFixed(4)}  ${tg.energy.toFixed(4)}    ${tg.coverage80.toFixed(3)}    ${tg.coverage90.toFixed(3)}  ${fit.training.seconds.toFixed(2)}`);

// The next 4 quarters from all the data (the same fit, applied to the whole history).
const full = fit.apply(data);
const fc = full.forecast(H, { paths: 200, rng: createRng(2) });
const mean = fc.mean(), band = fc.interval(80);
console.log('\nNext 4 quarters, growth in % (mean and 80% band):');
mean.forEach((row, s) => console.log(`  Q+${s + 1}  ${names.map((nm, j) => `${nm} ${row[j].toFixed(2)} [${band.lower[s][j].toFixed(2)}, ${band.upper[s][j].toFixed(2)}]`).join('   ')}`));
// The same forecast with DPM-Solver++ in 10 steps instead of DDPM's 100.
const fast = full.forecast(H, { paths: 200, rng: createRng(2), sampler: 'dpm++', samplerSteps: 10 });
console.log(`DPM-Solver++ (10 steps), Q+1 means: ${Array.from(fast.mean()[0], (v) => v.toFixed(2)).join(', ')}`);
const file = join(tmpdir(), 'ardiff-timegrad-forecast.svg');
writeFileSync(file, await multiFanChartSvg({ title: 'TimeGrad forecast of quarterly growth (%)', history: columns.map((c) => c.slice(n - 40)), start: n - 39, forecast: fc }));
console.log(`Fan chart: ${file}`);
full.dispose();
fit.dispose();
