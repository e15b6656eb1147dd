/**
 * Rolling one-day VaR and expected-shortfall backtest on EuStockMarkets (issue 12 §3): per-cent
 * log returns of DAX and FTSE (SMI and CAC with --all), a window of 1000 returns, refits every
 * 50 days (the fitted parameters applied to the new data in between), 859 test days (from
 * mid-1995 to the end of the data, 1998), VaR and ES at 1% and 5%.
 *
 *   npm run build && node bench/risk.js [--all] [--refit-every K] [--sims M] [--diffusion [--diffusion-steps N]] [--json]
 *
 * Models: historical simulation (the empirical distribution of the last 1000 returns), the
 * Gaussian AR(2) of the registry (`ar`, OLS), and when `garch` is registered: GARCH(1,1) with
 * Gaussian innovations, GARCH(1,1)-t (standardized t) and AR(1)-GARCH(1,1)-t. Tests and losses
 * as in src/risk/var-tests.ts; the Z2 p-value from 1000 simulations (seed 1), every model's
 * numbers deterministic. Prints one markdown table per series and the verdict lines.
 * With --diffusion also the diffusion scenario generator (ardiff/hybrid, the tensor engine) with
 * realised-volatility scales ('diffusion') and with GARCH(1,1)-t scales ('diffusion-garch'),
 * each fitted once to the first window (N optimiser steps, default 1500; 5-day windows,
 * DPM-Solver++ in 10 steps, 4 residual layers) and conditioned on each day's volatility state after it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { riskBacktest, riskVerdict, modelNames, parseCsv, numericColumn } = await import('../dist/index.js');

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : fallback; };
const json = args.includes('--json');
const series = args.includes('--all') ? ['DAX', 'SMI', 'CAC', 'FTSE'] : ['DAX', 'FTSE'];
const refitEvery = flag('--refit-every', 50);
const sims = flag('--sims', 1000);

const table = parseCsv(readFileSync(`${ROOT}data/r_EuStockMarkets.csv`, 'utf8'), 'r_EuStockMarkets.csv');
const hasGarch = modelNames('series').includes('garch');
const models = [
  'historical',
  { label: 'ar(2)', model: 'ar', options: { order: 2 } },
  ...(hasGarch ? [
    { label: 'garch-n', model: 'garch', options: { order: [1, 1], dist: 'norm' } },
    { label: 'garch-t', model: 'garch', options: { order: [1, 1], dist: 'std' } },
    { label: 'ar-garch-t', model: 'garch', options: { order: [1, 1], meanOrder: [1, 0], dist: 'std' } },
  ] : []),
];

if (args.includes('--diffusion')) {
  const { initEngine } = await import('../dist/neural/index.js');
  await initEngine();
  const { scenarioRiskModel } = await import('../dist/hybrid/index.js');
  const steps = flag('--diffusion-steps', 1500);
  models.push(scenarioRiskModel('diffusion', { steps, seed: 1 }), scenarioRiskModel('diffusion-garch', { steps, seed: 1, volatility: 'garch' }));
}

const f = (v, d) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const out = [];
for (const name of series) {
  const p = numericColumn(table, name);
  const r = Float64Array.from({ length: p.length - 1 }, (_, i) => 100 * Math.log(p[i + 1] / p[i]));
  const t0 = performance.now();
  const bt = await riskBacktest(r, { models, window: 1000, refitEvery, levels: [0.01, 0.05], sims, seed: 0 });
  const seconds = (performance.now() - t0) / 1000;
  out.push({ series: name, bt, seconds });
  if (json) continue;
  console.log(`\n### ${name}: ${bt.days} days, window ${bt.window}, refit every ${bt.refitEvery} (${seconds.toFixed(1)} s)\n`);
  console.log('| model | level | exceed. (exp.) | Kupiec p | ind. p | cc p | Z2 (p) | mean VaR % | mean ES % | tick loss | FZ0 loss | Basel 250d |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const res of bt.results) {
    for (const l of res.levels) {
      console.log(`| ${res.model} | ${l.level * 100}% | ${l.exceedances} (${f(l.expected, 1)}) | ${f(l.kupiec.pValue, 3)} | ${f(l.independence.pValue, 3)} | ${f(l.conditionalCoverage.pValue, 3)} | ${f(l.esTest.statistic, 2)} (${f(l.esTest.pValue, 3)}) | ${f(l.meanVaR, 2)} | ${f(l.meanES, 2)} | ${f(l.quantileLoss, 4)} | ${f(l.fz0Loss, 3)} | ${l.trafficLight ? `${l.trafficLight.zone} (${l.trafficLight.exceedances})` : ''} |`);
    }
  }
  console.log('');
  for (const line of riskVerdict(bt)) console.log(`- ${line}`);
}
if (!hasGarch && !json) console.log('\n(garch is not registered in this build: GARCH rows left out)');
if (json) {
  console.log(JSON.stringify(out.map(({ series: s, bt, seconds }) => ({
    series: s, seconds, days: bt.days,
    results: bt.results.map((res) => ({ model: res.model, levels: res.levels.map((l) => ({ level: l.level, exceedances: l.exceedances, kupiec: l.kupiec.pValue, independence: l.independence.pValue, cc: l.conditionalCoverage.pValue, z2: l.esTest.statistic, z2p: l.esTest.pValue, meanVaR: l.meanVaR, meanES: l.meanES, tick: l.quantileLoss, fz0: l.fz0Loss })) })),
    verdict: riskVerdict(bt),
  }))));
}
