/**
 * Refining base forecasts with a diffusion model of windows (TSDiff's "refine", src/hybrid/refine.ts):
 * does SDEdit or energy refinement improve the sample paths of seasonal naive, auto-ARIMA and
 * DeepAR-GRU on real monthly and quarterly series?
 *
 *   npm run build && node bench/refine.js               the full table (5 series, seed 0)
 *   node bench/refine.js --quick                        smoke run: 2 series, 300 training steps, 2 origins, 20 paths
 *   node bench/refine.js --series air-passengers,nottem --seed 1
 *   node bench/refine.js --scaling standard             per-window (x − mean)/sd instead of TSDiff's mean scaling
 *   node bench/refine.js --steps 4000                   diffusion training steps (default 2000)
 *   node bench/refine.js --json                         the table, then one final line of JSON
 *
 * Protocol: for each series, ORIGINS forecast origins at the end, o_k = n − h − (ORIGINS − 1 − k)·step
 * (step = h/2, so test windows overlap by half); every model — the three base forecasters and the
 * refiner — is fitted once, on the values before the first origin, and forecasts every origin from
 * all values before it without refitting (`apply(history)`); PATHS sample paths per origin. Each base
 * model's paths are refined by every refinement configuration with the same refiner. Scores on the
 * modelled scale (logs where the series is logged), averaged over origins: the sample CRPS
 * (core/metrics meanCrpsSample: mean over the h steps of the empirical CRPS of the paths) and the
 * MASE of the per-step median path (seasonal-naive scale of the training part, the series' period).
 *
 * Seeds (all randomness from them): refiner weights/batches/noise `seed`; DeepAR `seed`; base paths
 * at origin k createRng(seed + 1000 + 10·k + b) for base b; refinement at origin k createRng(seed + 5000 + 10·k + b).
 *
 * Hyperparameters (printed by the run as well):
 *   refiner      fitRefiner(train, { context, horizon: h, scaling, seed, diffusion: { steps } }) with
 *                the defaults of src/hybrid/refine.ts: MLP denoiser width 128 × 3 residual blocks, T = 100,
 *                linear β 1e-4 … 0.1, ε-loss, AdamW lr 1e-3, batch 64, clip 0.5, EMA 0.995, stride 1
 *   sdedit-0.1/0.3/0.6  { method: 'sdedit', strength } (DDPM on the 100-step grid, the last 10/30/60
 *                steps run from the noised window, context inpainted)
 *   energy-gauss { method: 'energy' }: 20 iterations, step 0.05, λ 1, Gaussian regulariser, noise 0.1,
 *                the typical timestep
 *   energy-gauss-5  the same with λ 5 (held closer to the base)
 *   energy-quant { method: 'energy', regularizer: 'quantile' }: λ 1 with TSDiff's quantile regulariser
 *   seasonal-naive { period }; auto-arima { period } (stepwise, AICc);
 *   deepar-gru   { seasonalPeriod: period, hiddenSize: 16, layers: 1, epochs: 30, predictionLength: h,
 *                contextLength: context, seed }
 *
 * Data (data/, provenance in data/SOURCES.md):
 *   air-passengers  log AirPassengers, monthly 1949–60 (144), h 12, context 24
 *   uk-gas          log UKgas, quarterly 1960–86 (108), h 8, context 16
 *   nottem          Nottingham monthly mean temperature 1920–39 (240), h 12, context 36
 *   us-acc-deaths   USAccDeaths, monthly 1973–78 (72), h 12, context 12
 *   co2             statsmodels' co2 monthly means, Mauna Loa 1958–2001 (526), h 12, context 36
 */
import { fileURLToPath, URL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readCsv } from './multi.js';

const SERIES = [
  { name: 'air-passengers', file: 'r_AirPassengers.csv', column: 'AirPassengers', log: true, period: 12, h: 12, context: 24 },
  { name: 'uk-gas', file: 'r_UKgas.csv', column: 'UKgas', log: true, period: 4, h: 8, context: 16 },
  { name: 'nottem', file: 'r_nottem.csv', column: 'nottem', log: false, period: 12, h: 12, context: 36 },
  { name: 'us-acc-deaths', file: 'r_USAccDeaths.csv', column: 'USAccDeaths', log: false, period: 12, h: 12, context: 12 },
  { name: 'co2', file: 'sm_co2_monthly.csv', column: 'co2', log: false, period: 12, h: 12, context: 36 },
];

const METHODS = [
  { name: 'sdedit-0.1', options: { method: 'sdedit', strength: 0.1 } },
  { name: 'sdedit-0.3', options: { method: 'sdedit', strength: 0.3 } },
  { name: 'sdedit-0.6', options: { method: 'sdedit', strength: 0.6 } },
  { name: 'energy-gauss', options: { method: 'energy' } },
  { name: 'energy-gauss-5', options: { method: 'energy', lambda: 5 } },
  { name: 'energy-quant', options: { method: 'energy', regularizer: 'quantile' } },
];

function parseArgs(argv) {
  const o = { quick: false, json: false, seed: 0, series: SERIES.map((s) => s.name), scaling: 'mean', steps: 2000, origins: 4, paths: 100 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--series') o.series = next().split(',');
    else if (a === '--scaling') o.scaling = next();
    else if (a === '--steps') o.steps = Number(next());
    else if (a === '--origins') o.origins = Number(next());
    else if (a === '--paths') o.paths = Number(next());
    else throw new Error(`unknown flag ${a}; see the header of bench/refine.js`);
  }
  for (const s of o.series) if (!SERIES.some((d) => d.name === s)) throw new Error(`unknown series '${s}'; known: ${SERIES.map((d) => d.name).join(', ')}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error('--seed must be an integer ≥ 0');
  if (o.quick) Object.assign(o, { series: o.series.slice(0, 2), steps: 300, origins: 2, paths: 20 });
  return o;
}

const median = (xs) => {
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const medianPath = (paths, h) => Float64Array.from({ length: h }, (_, j) => median(paths.map((p) => p[j])));
const pct = (x, base) => `${x < base ? '' : '+'}${((100 * (x - base)) / base).toFixed(1)}%`;

export async function runRefineBench(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv);
  const root = fileURLToPath(new URL('../', import.meta.url));
  const { fitModel, createRng, meanCrpsSample, mase } = await import('../dist/index.js');
  const { initEngine } = await import('../dist/neural/index.js');
  const { fitRefiner, REFINE_DEFAULTS, REFINER_DIFFUSION_DEFAULTS } = await import('../dist/hybrid/refine.js');
  const engine = await initEngine();
  const log = (s = '') => console.log(s);
  log(`Diffusion refinement of base forecasts (TSDiff); engine ${engine.backend}; seed ${opts.seed}; scaling ${opts.scaling}; ${opts.origins} origins; ${opts.paths} paths`);
  log(`refiner diffusion: ${JSON.stringify({ ...REFINER_DIFFUSION_DEFAULTS, steps: opts.steps })}`);
  log(`refine defaults: ${JSON.stringify(REFINE_DEFAULTS)}`);
  log(`methods: ${METHODS.map((m) => `${m.name} ${JSON.stringify(m.options)}`).join('; ')}`);
  const runs = [];
  for (const spec of SERIES.filter((s) => opts.series.includes(s.name))) {
    const raw = readCsv(root, spec.file)[spec.column];
    const y = raw.map((v) => (spec.log ? Math.log(v) : v));
    const { h, period, context } = spec;
    const n = y.length, step = Math.max(1, Math.floor(h / 2));
    const origins = Array.from({ length: opts.origins }, (_, k) => n - h - (opts.origins - 1 - k) * step);
    const train = y.slice(0, origins[0]);
    const t0 = performance.now();
    const refiner = fitRefiner(train, { context, horizon: h, scaling: opts.scaling, seed: opts.seed, diffusion: { steps: opts.steps } });
    const refSeconds = (performance.now() - t0) / 1000;
    const bases = [
      { name: 'seasonal-naive', fit: await fitModel('seasonal-naive', train, { period }) },
      { name: 'auto-arima', fit: await fitModel('auto-arima', train, { period }) },
      { name: 'deepar-gru', fit: await fitModel('deepar-gru', train, { seasonalPeriod: period, hiddenSize: 16, layers: 1, epochs: 30, predictionLength: h, contextLength: context, seed: opts.seed }) },
    ];
    log();
    log(`${spec.name}${spec.log ? ' (log)' : ''}: n ${n}, h ${h}, period ${period}, context ${context}, origins ${origins.join(', ')}; refiner trained on ${train.length} values, ${refiner.training.windows} windows, ${refSeconds.toFixed(1)} s, loss ${refiner.training.trainLoss.toFixed(3)}, typical step ${refiner.training.typicalTimestep}`);
    const scores = {};
    const add = (base, method, key, v) => {
      const k = `${base}|${method}`;
      scores[k] ??= { crps: [], mase: [], seconds: 0 };
      scores[k][key].push(v);
    };
    for (const [b, base] of bases.entries()) {
      for (const [k, o] of origins.entries()) {
        const history = y.slice(0, o), actual = y.slice(o, o + h);
        const fitted = base.fit.apply ? base.fit.apply(history) : base.fit;
        const paths = fitted.sample(h, { paths: opts.paths, rng: createRng(opts.seed + 1000 + 10 * k + b) });
        if (fitted !== base.fit && typeof fitted.dispose === 'function') fitted.dispose();
        const score = (method, ps) => {
          add(base.name, method, 'crps', meanCrpsSample(ps, actual));
          add(base.name, method, 'mase', mase(actual, medianPath(ps, h), history, period));
        };
        score('base', paths);
        for (const m of METHODS) {
          const t = performance.now();
          const refined = refiner.refine(history, paths, { ...m.options, rng: createRng(opts.seed + 5000 + 10 * k + b) });
          scores[`${base.name}|${m.name}`] ??= { crps: [], mase: [], seconds: 0 };
          scores[`${base.name}|${m.name}`].seconds += (performance.now() - t) / 1000;
          score(m.name, refined);
        }
      }
      if (typeof base.fit.dispose === 'function') base.fit.dispose();
    }
    const mean = (xs) => xs.reduce((a, v) => a + v, 0) / xs.length;
    log(`${'base'.padEnd(16)}${'method'.padEnd(16)}${'CRPS'.padStart(10)}${'ΔCRPS'.padStart(9)}${'MASE'.padStart(9)}${'ΔMASE'.padStart(9)}${'s/origin'.padStart(10)}`);
    for (const base of bases) {
      const b = scores[`${base.name}|base`];
      const bc = mean(b.crps), bm = mean(b.mase);
      for (const m of ['base', ...METHODS.map((x) => x.name)]) {
        const s = scores[`${base.name}|${m}`];
        const c = mean(s.crps), ms = mean(s.mase);
        log(`${base.name.padEnd(16)}${m.padEnd(16)}${c.toFixed(4).padStart(10)}${(m === 'base' ? '' : pct(c, bc)).padStart(9)}${ms.toFixed(3).padStart(9)}${(m === 'base' ? '' : pct(ms, bm)).padStart(9)}${(m === 'base' ? '' : (s.seconds / origins.length).toFixed(2)).padStart(10)}`);
        runs.push({ series: spec.name, base: base.name, method: m, crps: c, mase: ms, crpsBase: bc, maseBase: bm, crpsPerOrigin: s.crps, masePerOrigin: s.mase });
      }
    }
  }
  // Summary: per base and method, the mean relative change of CRPS and MASE over series, and in how many series it helped.
  log();
  log('Summary over series (relative change vs the base paths; helps = series with a lower CRPS)');
  log(`${'base'.padEnd(16)}${'method'.padEnd(16)}${'ΔCRPS'.padStart(9)}${'ΔMASE'.padStart(9)}${'helps'.padStart(8)}`);
  const summary = [];
  for (const base of ['seasonal-naive', 'auto-arima', 'deepar-gru']) {
    for (const m of METHODS.map((x) => x.name)) {
      const rs = runs.filter((r) => r.base === base && r.method === m);
      if (!rs.length) continue;
      const dc = rs.reduce((a, r) => a + (r.crps - r.crpsBase) / r.crpsBase, 0) / rs.length;
      const dm = rs.reduce((a, r) => a + (r.mase - r.maseBase) / r.maseBase, 0) / rs.length;
      const helps = rs.filter((r) => r.crps < r.crpsBase).length;
      summary.push({ base, method: m, crpsChange: dc, maseChange: dm, helps, series: rs.length });
      log(`${base.padEnd(16)}${m.padEnd(16)}${`${(100 * dc).toFixed(1)}%`.padStart(9)}${`${(100 * dm).toFixed(1)}%`.padStart(9)}${`${helps}/${rs.length}`.padStart(8)}`);
    }
  }
  if (opts.json) console.log(JSON.stringify({ suite: 'refine', options: opts, methods: METHODS, runs, summary }));
  return { runs, summary };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runRefineBench();
