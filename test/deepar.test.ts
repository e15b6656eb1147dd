// DeepAR-style LSTM/GRU forecaster: the cells against a float64 reference of PyTorch's equations,
// the hand-written backpropagation through time against tfjs' generic gradients, the likelihood
// heads against closed forms, and the fitted model: it learns AirPassengers, is deterministic,
// survives a JSON round trip and rejects bad input with typed errors.
import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { RNN, type CellType } from '../src/neural/rnn.js';
import { createHead, lgammaHalfStep } from '../src/neural/heads.js';
import { ParamStore } from '../src/neural/params.js';
import { fitDeepAR, deepARFromJSON, type DeepARJSON, type FittedDeepAR } from '../src/neural/deepar.js';
import { fitSeasonalNaive } from '../src/classical/naive.js';
import { fromJSON, MODELS, type ModelJSON } from '../src/registry.js';
import { createRng } from '../src/core/rng.js';
import { mase } from '../src/core/metrics.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { numericColumn, applyTransform } from '../src/core/series.js';
import { readTable } from '../src/node/data.js';
import { runCliJson } from './cli-helpers.js';
import { maxAbsDiff, randn } from './fixtures.js';

const logAP = applyTransform(numericColumn(readTable('air-passengers'), 'AirPassengers'), 'log');

beforeAll(async () => {
  await initEngine();
});


/** log Γ(x), x > 0: Lanczos (g = 7, 9 terms), relative error ≈ 1e-15 — the float64 reference. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * PyTorch's nn.LSTM / nn.GRU (reset-after) in float64 on the host, from our stored weights
 * (W_ih [in, G·H], W_hh [H, G·H]: the transposes of PyTorch's), time-major x [T][B][in].
 */
function reference(cell: CellType, params: ParamStore, layers: number, H: number, x: number[][][]): number[][][] {
  const T = x.length, B = x[0].length;
  let input = x;
  for (let l = 0; l < layers; l++) {
    const wIh = params.get(`rnn.weight_ih_l${l}`), wHh = params.get(`rnn.weight_hh_l${l}`);
    const Wi = Array.from(wIh.dataSync()), Wh = Array.from(wHh.dataSync());
    const bi = Array.from(params.get(`rnn.bias_ih_l${l}`).dataSync()), bh = Array.from(params.get(`rnn.bias_hh_l${l}`).dataSync());
    const inSize = wIh.shape[0], G = cell === 'lstm' ? 4 : 3;
    const out: number[][][] = [];
    const h = Array.from({ length: B }, () => new Array<number>(H).fill(0));
    const c = Array.from({ length: B }, () => new Array<number>(H).fill(0));
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const gx = new Array<number>(G * H).fill(0), gh = new Array<number>(G * H).fill(0);
        for (let j = 0; j < G * H; j++) {
          gx[j] = bi[j];
          gh[j] = bh[j];
          for (let k = 0; k < inSize; k++) gx[j] += input[t][b][k] * Wi[k * G * H + j];
          for (let k = 0; k < H; k++) gh[j] += h[b][k] * Wh[k * G * H + j];
        }
        for (let u = 0; u < H; u++) {
          if (cell === 'lstm') {
            const i = sigmoid(gx[u] + gh[u]), f = sigmoid(gx[H + u] + gh[H + u]);
            const g = Math.tanh(gx[2 * H + u] + gh[2 * H + u]), o = sigmoid(gx[3 * H + u] + gh[3 * H + u]);
            c[b][u] = f * c[b][u] + i * g;
            h[b][u] = o * Math.tanh(c[b][u]);
          } else {
            const r = sigmoid(gx[u] + gh[u]), z = sigmoid(gx[H + u] + gh[H + u]);
            const n = Math.tanh(gx[2 * H + u] + r * gh[2 * H + u]);
            h[b][u] = (1 - z) * n + z * h[b][u];
          }
        }
      }
      out.push(h.map((row) => row.slice()));
    }
    input = out;
  }
  return input;
}

/**
 * Value and gradients of a random linear functional of every output (so every element's gradient
 * counts) by forwardTrain — fused kernels and plain ops — against tfjs' generic tape on forward.
 */
function gradientCheck(cell: CellType): void {
  const T = 6, B = 3, F = 4, H = 5, L = 2;
  const params = new ParamStore();
  const rnn = RNN.create(params, { cell, inputSize: F, hiddenSize: H, layers: L }, createRng(5));
  const x = tf.tensor3d(randn(T * B * F, 6), [T, B, F]);
  const w = tf.tensor3d(randn(T * B * H, 7), [T, B, H]);
  const before = tf.memory().numTensors;
  const auto = tf.variableGrads(() => tf.sum(tf.mul(rnn.forward(x).output, w)), params.variables());
  for (const fused of [true, false]) {
    const custom = tf.variableGrads(() => tf.sum(tf.mul(rnn.forwardTrain(x, { fused }), w)), params.variables());
    expect(Math.abs(custom.value.dataSync()[0] - auto.value.dataSync()[0])).toBeLessThan(1e-5);
    for (const v of params.variables()) {
      const a = auto.grads[v.name].dataSync(), c = custom.grads[v.name].dataSync();
      const scale = Math.max(1, ...Array.from(a, Math.abs));
      expect(maxAbsDiff(c, a) / scale, `${v.name}${fused ? ' (fused)' : ''}`).toBeLessThan(2e-6);
    }
    for (const t of [custom.value, ...Object.values(custom.grads)]) t.dispose();
  }
  for (const t of [auto.value, ...Object.values(auto.grads)]) t.dispose();
  // The custom ops release every activation they kept for their backward.
  expect(tf.memory().numTensors).toBe(before);
  x.dispose(); w.dispose(); params.dispose();
}

describe('recurrent cells (PyTorch conventions)', () => {
  const T = 6, B = 3, F = 4, H = 5, L = 2;
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: forward matches a float64 reference of torch.nn.${cell.toUpperCase()} (2 layers) within 2e-6`, () => {
      const params = new ParamStore();
      const rnn = RNN.create(params, { cell, inputSize: F, hiddenSize: H, layers: L }, createRng(1));
      const xs = randn(T * B * F, 2);
      const nested = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from(xs.subarray((t * B + b) * F, (t * B + b + 1) * F))));
      const want = reference(cell, params, L, H, nested).flat(2);
      const got = tf.tidy(() => Array.from(rnn.forward(tf.tensor3d(xs, [T, B, F])).output.dataSync()));
      expect(maxAbsDiff(got, want)).toBeLessThan(2e-6);
      params.dispose();
    });

    it(`${cell}: stepping with the handed-out state continues the sequence exactly`, () => {
      const params = new ParamStore();
      const rnn = RNN.create(params, { cell, inputSize: F, hiddenSize: H, layers: L }, createRng(3));
      const xs = randn(T * B * F, 4);
      tf.tidy(() => {
        const x = tf.tensor3d(xs, [T, B, F]);
        const full = rnn.forward(x).output;
        const head = rnn.forward(tf.slice(x, [0, 0, 0], [3, B, F]));
        let state = head.state;
        const outs: tf.Tensor[] = [tf.reshape(head.output, [3 * B * H])];
        for (let t = 3; t < T; t++) {
          const s = rnn.step(tf.reshape(tf.slice(x, [t, 0, 0], [1, B, F]), [B, F]), state);
          state = s.state;
          outs.push(tf.reshape(s.output, [B * H]));
        }
        expect(maxAbsDiff(tf.concat(outs).dataSync(), full.dataSync())).toBeLessThan(1e-6);
      });
      params.dispose();
    });

    it(`${cell}: hand-written backpropagation through time (fused kernels and ops) equals tfjs' gradients (2 layers)`, () => {
      gradientCheck(cell);
    });
  }

  it('rejects an input of the wrong width', () => {
    const params = new ParamStore();
    const rnn = RNN.create(params, { cell: 'lstm', inputSize: 3, hiddenSize: 2, layers: 1 }, createRng(0));
    expect(() => tf.tidy(() => rnn.forward(tf.zeros([2, 1, 4])))).toThrow(ArgumentError);
    params.dispose();
  });
});

describe('likelihood heads', () => {
  it('D(x) = lgamma(x + 1/2) - lgamma(x) within 2e-6 for x in [1, 1e5] (no float32 cancellation)', () => {
    const xs = [1, 1.01, 1.3, 2, 2.5, 3.7, 5, 8, 13, 30, 100, 1e3, 1e4, 1e5];
    const got = tf.tidy(() => lgammaHalfStep(tf.tensor1d(xs)).dataSync());
    xs.forEach((x, i) => expect(Math.abs(got[i] - (logGamma(x + 0.5) - logGamma(x))), `x = ${x}`).toBeLessThan(2e-6));
  });

  it('gaussian and student-t losses equal the closed-form negative log-likelihoods', () => {
    const N = 7, H = 3;
    for (const kind of ['gaussian', 'student-t']) {
      const params = new ParamStore();
      const rng = createRng(11);
      const head = createHead(kind, params, H, rng);
      params.get('head.weight').assign(tf.tensor2d(randn(H * (kind === 'gaussian' ? 2 : 3), 12), params.get('head.weight').shape as [number, number]));
      const hidden = tf.tensor2d(randn(N * H, 13), [N, H]);
      const y = tf.tensor1d(randn(N, 14));
      const d = head.distribution(hidden);
      const ys = y.dataSync();
      let want = 0;
      for (let i = 0; i < N; i++) {
        const z = (ys[i] - d.mu[i]) / d.sigma[i];
        if (kind === 'gaussian') want += Math.log(d.sigma[i]) + 0.5 * z * z + 0.5 * Math.log(2 * Math.PI);
        else {
          const v = d.df[i];
          expect(v).toBeGreaterThan(2);
          want -= logGamma((v + 1) / 2) - logGamma(v / 2) - 0.5 * Math.log(Math.PI * v) - Math.log(d.sigma[i]) - ((v + 1) / 2) * Math.log1p((z * z) / v);
        }
      }
      const got = tf.tidy(() => head.loss(y, hidden).dataSync()[0]);
      expect(Math.abs(got - want / N), kind).toBeLessThan(1e-5 * Math.max(1, Math.abs(want / N)));
      // With weights: a 0/1 mask selects rows.
      const masked = tf.tidy(() => head.loss(y, hidden, { weights: tf.tensor1d([1, 0, 0, 0, 0, 0, 0]) }).dataSync()[0]);
      const first = tf.tidy(() => head.loss(tf.slice(y, [0], [1]), tf.slice(hidden, [0, 0], [1, H])).dataSync()[0]);
      expect(Math.abs(masked - first)).toBeLessThan(1e-5);
      hidden.dispose(); y.dispose(); params.dispose();
    }
  });

  it('draws have the head\'s distribution (gaussian moments; student-t df 8 variance and 90% quantile)', () => {
    const N = 20000, H = 2;
    const params = new ParamStore();
    const g = createHead('gaussian', params, H, createRng(1), 'g');
    g.initFromData?.(0.7, 0.05); // weights start at zero: every row is N(0.7, 0.05²)
    const t = createHead('student-t', params, H, createRng(1), 't');
    // μ = 0, σ = 1, df = 2 + softplus(log(e^6 − 1)) = 8.
    params.get('t.bias').assign(tf.tensor1d([0, Math.log(Math.expm1(1)), Math.log(Math.expm1(6))]));
    const hidden = tf.zeros([N, H]);
    const gs = g.sample(hidden, createRng(2));
    let m = 0, v = 0;
    for (const x of gs) m += x;
    m /= N;
    for (const x of gs) v += (x - m) ** 2;
    expect(Math.abs(m - 0.7)).toBeLessThan((4 * 0.05) / Math.sqrt(N));
    expect(Math.abs(Math.sqrt(v / (N - 1)) / 0.05 - 1)).toBeLessThan(0.03);
    const ts = t.sample(hidden, createRng(3));
    let tv = 0, inside = 0;
    for (const x of ts) { tv += x * x; if (Math.abs(x) < 1.8595) inside++; }
    // Var t_8 = 8/6; the sample variance's relative sd is ≈ sqrt((kurtosis − 1)/N) ≈ 1.3%.
    expect(Math.abs(tv / N / (8 / 6) - 1)).toBeLessThan(0.06);
    // t_{0.95, 8} = 1.8595: 90% inside, binomial sd 0.2%.
    expect(Math.abs(inside / N - 0.9)).toBeLessThan(0.01);
    hidden.dispose(); params.dispose();
  });

  it('an unknown head kind is an ArgumentError naming likelihood', () => {
    const params = new ParamStore();
    expect(() => createHead('poisson', params, 2, createRng(0))).toThrow(ArgumentError);
    params.dispose();
  });
});

describe('fitDeepAR on log AirPassengers', () => {
  const H = 12;
  const train = logAP.slice(0, logAP.length - H), test = logAP.slice(logAP.length - H);
  let fit: FittedDeepAR;
  let seconds = 0;
  beforeAll(() => {
    const t0 = performance.now();
    fit = fitDeepAR(train, { seasonalPeriod: 12 }); // defaults: LSTM 2×40, Gaussian, early stopping
    seconds = (performance.now() - t0) / 1000;
  }, 60_000);

  it('learns the series: 12-step MASE of the mean below 0.7 and below seasonal naive; 80% interval covers ≥ 7/12', () => {
    const fc = fit.forecast(H);
    const mean = fc.mean(), i80 = fc.interval(80);
    const ours = mase(test, mean, train, 12);
    const naive = mase(test, fitSeasonalNaive(train, { period: 12 }).forecast(H).mean(), train, 12);
    console.log(`DeepAR-LSTM defaults on log AirPassengers: ${seconds.toFixed(1)} s, ${fit.training.epochsRun} epochs (best ${fit.training.bestEpoch}), MASE ${ours.toFixed(3)} vs seasonal naive ${naive.toFixed(3)}`);
    expect(ours).toBeLessThan(0.7);
    expect(ours).toBeLessThan(naive);
    let covered = 0, width = 0;
    for (let h = 0; h < H; h++) {
      if (test[h] >= i80.lower[h] && test[h] <= i80.upper[h]) covered++;
      width += (i80.upper[h] - i80.lower[h]) / H;
    }
    // Binomial(12, 0.8): P(X ≤ 6) ≈ 2%. Width: the airline model's 80% band is ≈ 0.1–0.2 wide.
    expect(covered).toBeGreaterThanOrEqual(7);
    expect(width).toBeGreaterThan(0.03);
    expect(width).toBeLessThan(0.4);
  });

  it('records its training: early stopping kept the epoch with the lowest validation loss', () => {
    const tr = fit.training;
    expect(tr.epochsRun).toBeLessThanOrEqual(fit.config.epochs);
    expect(tr.trainLoss.length).toBe(tr.epochsRun);
    expect(tr.valLoss.length).toBe(tr.epochsRun);
    expect(tr.bestEpoch).toBe(tr.valLoss.indexOf(Math.min(...tr.valLoss)) + 1);
    if (tr.epochsRun < fit.config.epochs) expect(tr.epochsRun - tr.bestEpoch).toBe(fit.config.patience);
    expect(fit.summary()).toMatch(/DeepAR-LSTM\(2x40\)/);
    expect(fit.summary()).not.toMatch(/NaN/);
  });

  it('round-trips through JSON with identical forecasts and samples; forecasts and samples free their tensors', () => {
    const json = JSON.parse(JSON.stringify(fit.toJSON())) as DeepARJSON;
    expect(json.version).toBe(2);
    const back = deepARFromJSON(json);
    const viaRegistry = fromJSON(json as ModelJSON) as FittedDeepAR;
    const before = tf.memory().numTensors;
    expect(back.forecast(H).toJSON([80, 95])).toEqual(fit.forecast(H).toJSON([80, 95]));
    expect(back.sample(H, { paths: 7, rng: createRng(9) })).toEqual(fit.sample(H, { paths: 7, rng: createRng(9) }));
    expect(back.summary()).toBe(fit.summary());
    expect(viaRegistry.sample(3, { paths: 2, rng: createRng(1) })).toEqual(fit.sample(3, { paths: 2, rng: createRng(1) }));
    expect(tf.memory().numTensors).toBe(before);
    back.dispose();
    viaRegistry.dispose();
  });
});

describe('fitDeepAR: determinism, many series, bad input', () => {
  const small = { seasonalPeriod: 12, hiddenSize: 8, layers: 1, epochs: 3, paths: 200 } as const;

  it('the same seed gives identical weights and samples; another seed does not; nothing leaks', () => {
    const before = tf.memory().numTensors;
    const a = fitDeepAR(logAP, { ...small, cell: 'gru', seed: 5 });
    const b = fitDeepAR(logAP, { ...small, cell: 'gru', seed: 5 });
    const c = fitDeepAR(logAP, { ...small, cell: 'gru', seed: 6 });
    expect(a.toJSON().params).toEqual(b.toJSON().params);
    expect(a.toJSON().params).not.toEqual(c.toJSON().params);
    expect(a.training.trainLoss).toEqual(b.training.trainLoss);
    expect(a.sample(6, { paths: 10, rng: createRng(1) })).toEqual(b.sample(6, { paths: 10, rng: createRng(1) }));
    expect(a.forecast(6).mean()).toEqual(b.forecast(6).mean());
    for (const f of [a, b, c]) f.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on several series and forecasts each one', () => {
    const second = logAP.map((v, i) => v + 0.5 + 0.1 * Math.sin(i));
    const epochs: number[] = [];
    const fit = fitDeepAR([logAP, second], { ...small, likelihood: 'student-t', onEpoch: (e) => epochs.push(e.epoch) });
    expect(fit.series.length).toBe(2);
    expect(epochs).toEqual([1, 2, 3]);
    const f0 = fit.forecast(4).mean(), f1 = fit.forecast(4, { series: 1 }).mean();
    // The second series sits 0.5 higher; its forecast must follow it.
    expect(f1[0] - f0[0]).toBeGreaterThan(0.2);
    expect(() => fit.forecast(4, { series: 2 })).toThrow(ArgumentError);
    expect(fit.summary()).toMatch(/Student-t/);
    fit.dispose();
  });

  it('rejects bad input with typed errors that name the argument', () => {
    const err = (f: () => unknown) => {
      try { f(); } catch (e) { return e as { constructor: unknown; argument?: string; message: string }; }
      throw new Error('expected an error');
    };
    let e = err(() => fitDeepAR(logAP, { ...small, contextLength: 200 }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('contextLength');
    const withNaN = Float64Array.from(logAP);
    withNaN[40] = NaN;
    e = err(() => fitDeepAR(withNaN, small));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/row 41.*impute/);
    e = err(() => fitDeepAR(logAP, { ...small, likelihood: 'poisson' }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('likelihood');
    e = err(() => fitDeepAR(logAP, { ...small, cell: 'rnn' as CellType }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('cell');
    expect(() => fitDeepAR(logAP, { ...small, lags: [0] })).toThrow(ArgumentError);
    expect(() => fitDeepAR(logAP, { ...small, validationFraction: 1 })).toThrow(ArgumentError);
    expect(() => fitDeepAR(logAP.slice(0, 40), small)).toThrow(DataError);
    const fit = fitDeepAR(logAP, small);
    expect(() => fit.sample(3, {} as never)).toThrow(ArgumentError);
    expect(() => fit.forecast(0)).toThrow(ArgumentError);
    fit.dispose();
  });

  it('rejects corrupt or version-mismatched model files with DataError', () => {
    const fit = fitDeepAR(logAP, small);
    const good = JSON.parse(JSON.stringify(fit.toJSON())) as DeepARJSON;
    fit.dispose();
    const bad = (edit: (j: DeepARJSON) => void) => {
      const j = JSON.parse(JSON.stringify(good)) as DeepARJSON;
      edit(j);
      return () => deepARFromJSON(j);
    };
    expect(bad((j) => { j.version = 3; })).toThrow(/version 3/);
    expect(bad((j) => { j.version = 3; })).toThrow(DataError);
    expect(bad((j) => { delete j.scaling; })).toThrow(/scaling/);
    expect(bad((j) => { j.scaling = { offset: 0, logCentre: [NaN] }; })).toThrow(DataError);
    expect(bad((j) => { j.scaling = { offset: 2 as 0, logCentre: [0] }; })).toThrow(DataError);
    expect(bad((j) => { (j.params[0] as { data: string }).data = j.params[0].data.slice(8); })).toThrow(DataError);
    expect(bad((j) => { j.config.hiddenSize = 9; })).toThrow(DataError);
    expect(bad((j) => { j.config.likelihood = 'poisson'; })).toThrow(DataError);
    expect(bad((j) => { j.series = []; })).toThrow(DataError);
    expect(bad((j) => { (j as { kind: string }).kind = 'rnn'; })).toThrow(DataError);
    expect(bad((j) => { j.params.pop(); })).toThrow(DataError);
  });
});

describe('fitDeepAR: the data\'s unit and degenerate series', () => {
  const small = { hiddenSize: 8, layers: 1, epochs: 3, contextLength: 12, predictionLength: 4, paths: 200, seed: 3 } as const;
  const y = Float64Array.from({ length: 90 }, (_, i) => 10 + 3 * Math.sin(i / 3) + 0.5 * Math.cos(i * 1.3));

  it('is equivariant to the unit: y × c for c from 1e-300 to 1e300 forecasts c × the forecasts of y (1e-12 relative)', () => {
    // ν = mean |y| (not the paper's 1 + mean |y|) and a centred log-scale covariate make the
    // network's inputs independent of c up to rounding: ×1e-300 once gave forecasts 297 orders off.
    for (const cell of ['lstm', 'gru'] as const) {
      const base = fitDeepAR(y, { ...small, cell });
      const m0 = base.forecast(4).mean(), q0 = base.forecast(4).interval(80).upper;
      base.dispose();
      for (const c of [1e-300, 1e-5, 3.7, 1e300]) {
        const fit = fitDeepAR(y.map((v) => v * c), { ...small, cell });
        const fc = fit.forecast(4);
        fit.dispose();
        for (let i = 0; i < 4; i++) {
          expect(Math.abs(fc.mean()[i] / c / m0[i] - 1), `${cell} ×${c} mean`).toBeLessThan(1e-12);
          expect(Math.abs(fc.interval(80).upper[i] / c / q0[i] - 1), `${cell} ×${c} upper`).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('a constant series forecasts its constant with a narrow interval (it once gave 6 ± 140 for 100), even after 3 epochs', () => {
    for (const v of [100, -2.5e-8]) {
      const fit = fitDeepAR(new Float64Array(90).fill(v), small);
      const fc = fit.forecast(3);
      fit.dispose();
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(fc.mean()[i] / v - 1)).toBeLessThan(1e-3);
        const { lower, upper } = fc.interval(95);
        expect((upper[i] - lower[i]) / Math.abs(v)).toBeLessThan(0.05);
      }
    }
  });

  it('a series that starts with zeros scales the all-zero contexts by the mean before them (or 1), never by 0', () => {
    const z = Float64Array.from({ length: 90 }, (_, i) => (i < 30 ? 0 : 1e-200 * (5 + Math.sin(i))));
    const fit = fitDeepAR(z, small);
    const m = fit.forecast(2).mean();
    fit.dispose();
    for (const v of m) expect(v / 1e-200).toBeGreaterThan(1);
    for (const v of m) expect(v / 1e-200).toBeLessThan(10);
  });

  it('reads format-1 model files (ν = 1 + mean |y|) with the forecasts they gave (test/fixtures/neural/format-v1.json)', () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/neural/format-v1.json', import.meta.url), 'utf8')) as { deepar: { model: DeepARJSON; forecastMean: number[] } };
    expect(fx.deepar.model.version).toBe(1);
    const fit = deepARFromJSON(fx.deepar.model);
    const m = fit.forecast(4).mean();
    expect(m.length).toBe(fx.deepar.forecastMean.length);
    for (let i = 0; i < m.length; i++) expect(m[i]).toBeCloseTo(fx.deepar.forecastMean[i], 12);
    // Saved again, it is a format-2 file that keeps the old scaling.
    const again = fit.toJSON();
    expect(again.version).toBe(2);
    expect(again.scaling).toEqual({ offset: 1, logCentre: [0] });
    fit.dispose();
  });
});

describe('registry and command line', () => {
  it('registers lstm and gru with the engine as their prepare hook', () => {
    for (const name of ['lstm', 'gru']) {
      const entry = MODELS.find((m) => m.name === name);
      expect(entry?.producesKind).toBe(name);
      expect(typeof entry?.prepare).toBe('function');
    }
  });

  it('ardiff fit --model gru --json trains, forecasts and back-transforms', async () => {
    const { code, json } = await runCliJson(['fit', '--data', 'air-passengers', '--model', 'gru', '--transform', 'log', '--epochs', '2', '--hidden', '8', '--horizon', '6', '--level', '80,95']);
    expect(code).toBe(0);
    const j = json as { model: string; config: { seasonalPeriod: number; hiddenSize: number }; forecast: { mean: number[]; lower: number[][] }; forecastOriginalScale: { median: number[] } };
    expect(j.model).toBe('gru');
    expect(j.config.seasonalPeriod).toBe(12);
    expect(j.config.hiddenSize).toBe(8);
    expect(j.forecast.mean.length).toBe(6);
    expect(j.forecast.lower.length).toBe(2);
    expect(j.forecastOriginalScale.median[0]).toBeGreaterThan(300);
  });

  it('ardiff fit --likelihood bogus is a typed error naming the flag', async () => {
    const { code, json } = await runCliJson(['fit', '--data', 'air-passengers', '--model', 'lstm', '--likelihood', 'bogus']);
    expect(code).toBe(2);
    expect((json as { error: { argument: string } }).error.argument).toBe('--likelihood');
  });
});

describe('on the cpu backend', () => {
  // The fused cell kernels are registered per backend; the cpu backend stores tensors in plain
  // arrays instead of the wasm heap.
  beforeAll(async () => { await initEngine({ backend: 'cpu' }); });
  for (const cell of ['lstm', 'gru'] as const) it(`${cell}: the same gradients as the generic tape`, () => gradientCheck(cell));
  it('switches back to wasm', async () => {
    await initEngine({ backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });
});
