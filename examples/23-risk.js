// Financial returns with both families: GARCH(1,1)-t fitted as R's fGarch fits it, a rolling
// one-day VaR/ES backtest of it against historical simulation and a Gaussian AR (Kupiec,
// Christoffersen, Acerbi–Székely), an exceedance chart, and a small diffusion generator of
// joint 5-day scenarios of DAX and FTSE conditioned on GARCH volatility (the hybrid), checked
// against the data's correlation. (Small settings so it runs in a minute; the full tables are
// `node bench/risk.js --diffusion` and `node bench/scenarios.js`, see docs/finance.md.)
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitGARCH, riskBacktest, formatRiskTable, riskChartSvg, numericColumn, createRng } from 'ardiff';
import { readTable } from 'ardiff/node';
import { initEngine } from 'ardiff/neural';
import { fitScenarioDiffusion } from 'ardiff/hybrid';

const table = readTable('eu-stock-markets');
const returns = (name) => { const p = numericColumn(table, name); return Float64Array.from({ length: p.length - 1 }, (_, i) => 100 * Math.log(p[i + 1] / p[i])); };
const dax = returns('DAX'), ftse = returns('FTSE');

// 1. GARCH(1,1) with Student-t innovations: garchFit(~garch(1, 1), cond.dist = "std").
const garch = fitGARCH(dax, { order: [1, 1], dist: 'std' });
console.log(garch.summary());
const next = garch.predict(5);
console.log(`\nDAX volatility forecast (%/day) for the next 5 days: ${Array.from(next.standardDeviation, (v) => v.toFixed(3)).join(', ')}`);
console.log(`1% one-day VaR tomorrow: ${(-garch.forecast(1).quantile(0.01)[0]).toFixed(2)}%\n`);

// 2. Rolling one-day VaR and ES over the last 859 days: refits every 50 days, `apply` in between.
const bt = await riskBacktest(dax, {
  models: ['historical', { label: 'ar(2)', model: 'ar', options: { order: 2 } }, { label: 'garch-t', model: 'garch', options: { dist: 'std' } }],
  window: 1000, refitEvery: 50, levels: [0.01, 0.05], sims: 500, seed: 0,
});
console.log(formatRiskTable(bt));
const chart = join(tmpdir(), 'ardiff-risk.svg');
writeFileSync(chart, await riskChartSvg({ title: 'DAX: one-day 1% VaR and exceedances', returns: bt.returns, models: bt.results.map((r) => ({ name: r.model, var: r.levels[0].var })), yLabel: 'return (%)' }));
console.log(`exceedance chart: ${chart}\n`);

// 3. Joint 5-day scenarios of DAX and FTSE: the window scaled by each market's GARCH(1,1)-t
//    forecasts, its shape and the markets' co-movement drawn by a conditional diffusion model.
await initEngine();
const gen = fitScenarioDiffusion({ names: ['DAX', 'FTSE'], columns: [dax, ftse] }, { window: 5, volatility: 'garch', steps: 1000, seed: 1 });
const s = gen.scenarios({ paths: 1000, rng: createRng(2), sampler: 'dpm++', samplerSteps: 20 });
const week = (a) => s.paths.map((row) => row.reduce((acc, v, j) => acc + (j % 2 === a ? v : 0), 0)).sort((x, y) => x - y);
const [d5, f5] = [week(0), week(1)];
console.log(`5-day return scenarios after the data (1000 joint paths): DAX 1% / 50% / 99%: ${[d5[9], d5[499], d5[989]].map((v) => v.toFixed(2)).join(' / ')}; FTSE: ${[f5[9], f5[499], f5[989]].map((v) => v.toFixed(2)).join(' / ')}`);
const c = gen.checks({ paths: 10, rng: createRng(3), sampler: 'dpm++', samplerSteps: 20 });
console.log(`same-day DAX–FTSE correlation: data ${c.correlation.data[0][1].toFixed(2)}, scenarios ${c.correlation.diffusion[0][1].toFixed(2)}, Gaussian windows at the same scales ${c.correlation.gaussian[0][1].toFixed(2)}`);
for (const a of c.assets) console.log(`${a.asset}: 1%/99% quantiles data ${a.data.quantiles[0].toFixed(2)}/${a.data.quantiles[6].toFixed(2)}, scenarios ${a.diffusion.quantiles[0].toFixed(2)}/${a.diffusion.quantiles[6].toFixed(2)}; excess kurtosis data ${a.data.kurtosis.toFixed(1)}, scenarios ${a.diffusion.kurtosis.toFixed(1)}, Gaussian ${a.gaussian.kurtosis.toFixed(1)}`);
