/**
 * ardiff's auto-ARIMA against the JavaScript forecasting library users already install most,
 * `@bsull/augurs` (Rust compiled to WebAssembly: MSTL with an AutoETS trend model), on the bundled
 * monthly and quarterly series: accuracy and time on the same hold-outs, in one process.
 *
 *   npm run build && npm run bench -- --augurs [--reps 3] [--json]
 *
 * Series: every bundled data set (`ardiff datasets`) of period 12 or 4 without missing values,
 * its main column (a column equal to an earlier one's counted once). Hold-out: the last 12 (monthly) or 8 (quarterly) values; the models fit the rest
 * and forecast that many steps. Accuracy: MASE of the point forecast, scaled by the in-sample
 * seasonal naive MAE (Hyndman & Koehler 2006). Time: fit + forecast per series, the fastest of
 * `--reps` passes over all series (after one untimed pass that loads and warms both). augurs is a
 * dev dependency; when it is missing the bench says so and stops.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { cpuModel, loadAverage } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function runAugurs(argv) {
  const json = argv.includes('--json');
  const repsAt = argv.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 3;
  let MSTL;
  try {
    const mod = await import('@bsull/augurs/mstl');
    await mod.default({ module_or_path: readFileSync(`${ROOT}node_modules/@bsull/augurs/mstl_bg.wasm`) });
    MSTL = mod.MSTL;
  } catch (e) {
    console.log(`@bsull/augurs is not installed (${e.message.split('\n')[0]}): npm install runs it; skipping`);
    return 0;
  }
  const { DATASETS, numericColumn } = await import(`${ROOT}dist/core/series.js`);
  const { readTable } = await import(`${ROOT}dist/node/data.js`);
  const { fitAutoARIMA } = await import(`${ROOT}dist/classical/auto-arima.js`);
  const { mase } = await import(`${ROOT}dist/core/metrics.js`);
  const cases = [];
  for (const ds of DATASETS) {
    if (ds.frequency !== 12 && ds.frequency !== 4) continue;
    const y = numericColumn(readTable(ds.name), ds.column);
    if (y.some((v) => !Number.isFinite(v))) continue;
    // A data set whose main column repeats another's (seatbelts' drivers = uk-driver-deaths) counts once.
    if (cases.some((c) => c.train.length + c.test.length === y.length && c.train.every((v, i) => v === y[i]))) continue;
    const h = ds.frequency === 12 ? 12 : 8;
    cases.push({ name: ds.name, m: ds.frequency, h, train: y.slice(0, y.length - h), test: y.slice(y.length - h) });
  }
  const models = {
    'ardiff auto-ARIMA': (c) => fitAutoARIMA(c.train, { period: c.m }).forecast(c.h).mean(),
    'augurs MSTL+ETS': (c) => { const f = MSTL.ets([c.m]); f.fit(c.train); return f.predict(c.h, null).point; },
  };
  const results = {};
  for (const [name, run] of Object.entries(models)) {
    const forecasts = cases.map(run); // untimed: loads and warms
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      for (const c of cases) run(c);
      best = Math.min(best, performance.now() - t0);
    }
    const scores = cases.map((c, i) => mase(c.test, forecasts[i], c.train, c.m));
    results[name] = { msPerSeries: best / cases.length, meanMase: scores.reduce((s, v) => s + v, 0) / scores.length, mase: scores };
  }
  const a = results['ardiff auto-ARIMA'], b = results['augurs MSTL+ETS'];
  const header = `auto-ARIMA vs augurs — ${new Date().toISOString()}, ${cpuModel()}, Node ${process.version}; load average ${loadAverage()}; ${cases.length} series`;
  if (json) {
    console.log(JSON.stringify({ header, series: cases.map((c) => c.name), results }));
    return 0;
  }
  console.log(header);
  console.log(`${'series'.padEnd(20)} ${'h'.padStart(3)}  ${'ardiff MASE'.padStart(11)}  ${'augurs MASE'.padStart(11)}`);
  cases.forEach((c, i) => console.log(`${c.name.padEnd(20)} ${String(c.h).padStart(3)}  ${a.mase[i].toFixed(3).padStart(11)}  ${b.mase[i].toFixed(3).padStart(11)}`));
  console.log(`${'mean'.padEnd(24)}  ${a.meanMase.toFixed(3).padStart(11)}  ${b.meanMase.toFixed(3).padStart(11)}`);
  console.log(`ms per series: ardiff ${a.msPerSeries.toFixed(1)}, augurs ${b.msPerSeries.toFixed(1)}; ardiff/augurs = ${(a.msPerSeries / b.msPerSeries).toFixed(2)}x (target ≤ 3x at equal or better mean MASE: ${a.msPerSeries <= 3 * b.msPerSeries && a.meanMase <= b.meanMase ? 'met' : 'NOT met'})`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runAugurs(process.argv.slice(2));
