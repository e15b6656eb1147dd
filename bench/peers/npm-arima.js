/**
 * Peer: the npm `arima` package (ctsa compiled to WebAssembly with emscripten): SARIMA fit
 * (exact ML, its defaults: method 0, L-BFGS) + predict(h), and its AutoARIMA ({ auto: true }).
 * Usage: node bench/peers/npm-arima.js TASK.json OUT.json
 * Timings are the fit+predict loop only (module compilation and JSON parsing are outside).
 *
 * The package does not expose the log-likelihood, so it is read from the fitted C struct
 * (ctsa `struct sarimax_set`, wasm32 layout: ints N, Nused, method, optmethod, p, d, q, s, P, D,
 * Q, r, M, ncoeff; pointers phi @56, theta @60, PHI @64, THETA @68, exog, vcov; int lvcov; pointer
 * res; doubles mean @88, var @96, loglik @104). ctsa differences the series first, so its loglik
 * is the exact likelihood of the differenced data (R's convention). The layout is checked on every
 * fit against N, p, d, q, P, Q; if they do not match, llf is reported as null. A fit whose AR/MA
 * estimates are not stationary/invertible (ctsa's optimiser can leave the region, e.g. phi = 1.08)
 * has no valid exact likelihood and is reported as failed (llf null), like a fit that returns
 * non-finite forecasts.
 * The module is instantiated here (same files as the package's index.js) so that the C code's
 * console output can be silenced and its memory read.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('arima'));
const Module = require(path.join(dir, 'wasm/native-sync.js'));
const wasmBinary = require(path.join(dir, 'wrapper/native.bin.js'));
const loadARIMA = require(path.join(dir, 'load.js'));
const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

const mod = Module({ wasmBinary, print: () => {}, printErr: () => {} });
const ARIMA = loadARIMA(mod);

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Whether 1 - c1 z - … - ck z^k has all its roots outside the unit circle (step-down
 * Durbin–Levinson recursion: every partial autocorrelation strictly inside (-1, 1)).
 */
function stationary(c) {
  let a = Array.from(c);
  for (let k = a.length - 1; k >= 0; k--) {
    const r = a[k];
    if (!(Math.abs(r) < 1)) return false;
    a = a.slice(0, k).map((v, j) => (v + r * a[k - 1 - j]) / (1 - r * r));
  }
  return true;
}

/**
 * Log-likelihood of a fitted (non-auto) model; null if the struct does not look as expected or the
 * estimates are outside the stationary/invertible region (ctsa writes both AR and MA polynomials
 * as 1 - c1 z - …).
 */
function loglik(model, n, [p, d, q], [P, , Q] = [0, 0, 0]) {
  const ptr = mod.HEAPU32[model.model >> 2];
  const ints = mod.HEAP32.subarray(ptr >> 2, (ptr >> 2) + 14);
  if (ints[0] !== n || ints[4] !== p || ints[5] !== d || ints[6] !== q || ints[8] !== P || ints[10] !== Q) return null;
  const coef = (off, k) => {
    const at = mod.HEAPU32[(ptr + off) >> 2] >> 3;
    return Array.from(mod.HEAPF64.subarray(at, at + k));
  };
  if (![coef(56, p), coef(60, q), coef(64, P), coef(68, Q)].every(stationary)) return null;
  const v = mod.HEAPF64[(ptr + 104) >> 3];
  return Number.isFinite(v) ? v : null;
}

const finite = (xs) => xs.every(Number.isFinite);

const task = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const series = task.series.map((s) => ({ ...s, values: Float64Array.from(s.values) }));
const out = { peer: 'npm-arima', version: `arima ${version} (npm)`, cases: {} };

if (task.cases.includes('airline')) {
  const a = task.airline;
  const [p, d, q] = a.order;
  const [P, D, Q] = a.seasonal;
  const y = Array.from(a.y);
  const one = () => {
    const m = new ARIMA({ p, d, q, P, D, Q, s: a.period }).train(y);
    m.predict(a.h);
    return m;
  };
  for (let i = 0; i < a.warmup; i++) one().destroy();
  const samples = [];
  let llf = null;
  for (let i = 0; i < a.reps; i++) {
    const t0 = performance.now();
    const m = one();
    samples.push(performance.now() - t0);
    llf = loglik(m, y.length, a.order, a.seasonal);
    m.destroy();
  }
  out.cases.airline = { ms: median(samples), samples, llf };
}

if (task.cases.includes('arima111-x200')) {
  const b = task.arima111;
  const [p, d, q] = b.order;
  const one = (v) => {
    try {
      const m = new ARIMA({ p, d, q }).train(v);
      const [mean] = m.predict(b.h);
      const llf = finite(mean) ? loglik(m, v.length, b.order) : null;
      m.destroy();
      return llf;
    } catch {
      return null;
    }
  };
  for (const s of series.slice(0, b.warmup)) one(Array.from(s.values));
  const arrays = series.map((s) => Array.from(s.values));
  const totals = [];
  let llf = [];
  for (let r = 0; r < b.reps; r++) {
    const t0 = performance.now();
    llf = arrays.map(one);
    totals.push(performance.now() - t0);
  }
  out.cases['arima111-x200'] = { ms: median(totals), samples: totals, llf, failed: llf.filter((v) => v === null).length };
}

if (task.cases.includes('auto-x200')) {
  const b = task.auto;
  const one = (s) => {
    try {
      // s = 0 means non-seasonal for the package (it then forces P = D = Q = 0).
      const m = new ARIMA({ auto: true, s: s.period > 1 ? s.period : 0 }).train(s.values);
      const [mean] = m.predict(b.h);
      m.destroy();
      return finite(mean);
    } catch {
      return false;
    }
  };
  const arrays = series.map((s) => ({ period: s.period, values: Array.from(s.values) }));
  for (const s of arrays.slice(0, b.warmup)) one(s);
  const totals = [];
  let ok = [];
  for (let r = 0; r < b.reps; r++) {
    const t0 = performance.now();
    ok = arrays.map(one);
    totals.push(performance.now() - t0);
  }
  out.cases['auto-x200'] = { ms: median(totals), samples: totals, failed: ok.filter((v) => !v).length };
}

writeFileSync(process.argv[3], JSON.stringify(out));
