// CSDI (Tashiro et al. 2021): the denoiser against PyTorch (the reference network written in torch,
// bench/peers/torch_csdi.py, fixture test/fixtures/hybrid/csdi_torch.json): its tables, ε̂, the loss
// for a fixed noise and step, and its gradients; then the fitted model on a toy of two strongly
// correlated series (loss falls, imputation beats a flat fill, observed values kept, quantiles
// ordered, JSON round trip, seeds) and typed errors for bad input.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { ParamStore, type ParamJSON } from '../src/neural/params.js';
import { CSDINet, csdiNetShapes, csdiStepTable, csdiTimeTable, type CSDINetConfig } from '../src/hybrid/csdi-net.js';
import { fitCSDI, fittedCSDIFromJSON, csdiInitialParams, type CSDIJSON, type CSDIOptions, type FittedCSDI } from '../src/hybrid/csdi.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { ROOT } from './fixtures.js';

beforeAll(async () => {
  await initEngine();
});

const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);

/** Largest |a − b| / max(1, |b|). */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return w;
}

interface FixtureCase {
  features: number; length: number; batch: number;
  settings: { layers: number; channels: number; heads: number; feedForward: number; diffusionEmbedding: number; diffusionSteps: number; schedule: string; betaStart: number; betaEnd: number; timeEmbedding: number; featureEmbedding: number };
  params: ParamJSON[]; observed: string; observedMask: string; condMask: string; noisy: string; noise: string; t: number[];
  alphaBar: number[]; predicted: string; loss: number; grads: Record<string, string>;
}

describe('the CSDI denoiser equals PyTorch (test/fixtures/hybrid/csdi_torch.json)', () => {
  const fx = JSON.parse(readFileSync(`${ROOT}test/fixtures/hybrid/csdi_torch.json`, 'utf8')) as {
    _provenance: string; cases: FixtureCase[]; stepTable: { steps: number; width: number; values: string }; timeTable: { length: number; width: number; values: string };
  };
  it('has its cases and provenance', () => {
    expect(fx.cases.length).toBe(5);
    expect(fx._provenance).toMatch(/torch_csdi\.py fixture; torch 1\.13/);
  });
  it('the step embedding table (T = 50, E = 128, arguments up to 4.9e5 in float32) and the time embedding (L = 36, 128) are PyTorch\'s', () => {
    expect(worst(csdiStepTable(fx.stepTable.steps, fx.stepTable.width), f32(fx.stepTable.values))).toBeLessThan(1e-6);
    expect(worst(csdiTimeTable(fx.timeTable.length, fx.timeTable.width), f32(fx.timeTable.values))).toBeLessThan(1e-6);
  });
  for (const c of fx.cases) {
    const s = c.settings;
    it(`K ${c.features}, L ${c.length}, ${s.layers} layers × ${s.channels} channels, ${s.heads} heads: ε̂, loss and gradients`, () => {
      const config: CSDINetConfig = { features: c.features, layers: s.layers, channels: s.channels, heads: s.heads, feedForward: s.feedForward, diffusionEmbedding: s.diffusionEmbedding, diffusionSteps: s.diffusionSteps, timeEmbedding: s.timeEmbedding, featureEmbedding: s.featureEmbedding };
      const store = ParamStore.fromJSON(c.params, csdiNetShapes(config, 'csdi'));
      const net = new CSDINet(store, config, 'csdi');
      const B = c.batch, N = B * c.features * c.length;
      const x = f32(c.observed), om = f32(c.observedMask), cm = f32(c.condMask), noisy = f32(c.noisy), noise = f32(c.noise);
      const input = (z: Float32Array) => { const a = new Float32Array(2 * N); for (let i = 0; i < N; i++) { a[2 * i] = cm[i] * x[i]; a[2 * i + 1] = (1 - cm[i]) * z[i]; } return tf.tensor2d(a, [N, 2]); };
      const pred = tf.tidy(() => net.predict(input(noisy), tf.tensor1d(c.t, 'int32'), net.side(tf.tensor1d(cm), B, c.length)).dataSync());
      expect(worst(pred, f32(c.predicted))).toBeLessThan(1e-5);
      // The loss at the fixture's steps and noise: x_t = √ᾱ x + √(1 − ᾱ) ε.
      const per = N / B;
      const xt = new Float32Array(N);
      for (let i = 0; i < N; i++) { const a = c.alphaBar[c.t[Math.floor(i / per)]]; xt[i] = Math.sqrt(a) * x[i] + Math.sqrt(1 - a) * noise[i]; }
      const target = om.map((v, i) => v - cm[i]);
      const count = target.reduce((a, b) => a + b, 0);
      const names = Object.keys(c.grads);
      const { value, grads } = tf.tidy(() => tf.variableGrads(() => net.loss(input(xt), tf.tensor1d(c.t, 'int32'), net.side(tf.tensor1d(cm), B, c.length), tf.tensor1d(noise), tf.tensor1d(target), count), names.map((n) => store.get(n))));
      expect(Math.abs(value.dataSync()[0] - c.loss) / c.loss).toBeLessThan(1e-5);
      for (const n of names) expect(worst(grads[store.get(n).name].dataSync(), f32(c.grads[n])), n).toBeLessThan(1e-5);
      tf.dispose([value, ...Object.values(grads)]);
      net.dispose();
      store.dispose();
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The fitted model on a toy: b is a noisy copy of a (a noisy sine of period 16); 30% of b hidden.

const N_TOY = 300;
function toy(): { a: Float64Array; b: Float64Array; truth: Float64Array; hidden: number[] } {
  const rng = createRng(7);
  const a = Float64Array.from({ length: N_TOY }, (_, i) => Math.sin((2 * Math.PI * i) / 16) + 0.1 * rng.normal());
  const b = Float64Array.from(a, (v) => v + 0.05 * rng.normal());
  const truth = b.slice();
  const hidden: number[] = [];
  for (let i = 0; i < N_TOY; i++) if (rng.uniform() < 0.3) { b[i] = NaN; hidden.push(i); }
  return { a, b, truth, hidden };
}

/** A small network that learns the toy in ~160 steps (a few seconds). */
const SMALL: CSDIOptions = { window: 12, layers: 1, channels: 16, heads: 2, feedForward: 32, diffusionEmbedding: 32, timeEmbedding: 16, featureEmbedding: 4, batchSize: 32, lr: 0.01 };

describe('fitCSDI on two strongly correlated series', () => {
  const { a, b, truth, hidden } = toy();
  const data = { names: ['a', 'b'], columns: [a, b] };
  let fit: FittedCSDI;
  beforeAll(() => {
    fit = fitCSDI(data, { ...SMALL, epochs: 20, batchesPerEpoch: 8, seed: 2, samples: 8 });
  });
  afterAll(() => fit?.dispose());

  it('the training loss falls (last 3 epochs < 0.75 × first 2)', () => {
    const l = fit.training.trainLoss;
    expect(l.length).toBe(20);
    expect(fit.training.steps).toBe(160);
    const first = (l[0] + l[1]) / 2, last = (l[17] + l[18] + l[19]) / 3;
    expect(last).toBeLessThan(0.75 * first);
  });

  it('imputes the hidden 30% of the copy far better than a flat fill (MAE < 0.6 × the mean\'s), observed values unchanged, quantiles ordered', () => {
    const r = fit.impute(undefined, { batch: 128 });
    expect(r.missing).toBe(hidden.length);
    expect(r.samples).toBe(8);
    let mean = 0, m = 0;
    b.forEach((v) => { if (!Number.isNaN(v)) { mean += v; m++; } });
    mean /= m;
    let mae = 0, flat = 0;
    for (const i of hidden) { mae += Math.abs(r.columns[1][i] - truth[i]); flat += Math.abs(mean - truth[i]); }
    expect(mae / hidden.length).toBeLessThan(0.6 * (flat / hidden.length));
    for (let i = 0; i < N_TOY; i++) {
      expect(r.columns[0][i]).toBe(a[i]);
      if (!Number.isNaN(b[i])) {
        expect(r.columns[1][i]).toBe(b[i]);
        for (const q of r.quantiles) expect(q.columns[1][i]).toBe(b[i]);
      }
    }
    expect(r.quantiles.map((q) => q.level)).toEqual([0.05, 0.5, 0.95]);
    for (const i of hidden) {
      expect(r.quantiles[0].columns[1][i]).toBeLessThanOrEqual(r.columns[1][i]);
      expect(r.quantiles[2].columns[1][i]).toBeGreaterThanOrEqual(r.columns[1][i]);
      expect(r.quantiles[1].columns[1][i]).toBe(r.columns[1][i]);
    }
  });

  it('a JSON round trip gives identical samples for the same seed; another seed other samples', () => {
    const opts = { samples: 3, seed: 11, quantiles: [0.25], keepSamples: true };
    const back = fittedCSDIFromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as CSDIJSON);
    const part = { names: ['a', 'b'], columns: [a.slice(0, 30), b.slice(0, 30)] };
    try {
      expect(back.columns[1].map((v) => (Number.isNaN(v) ? -99 : v))).toEqual(b.map((v) => (Number.isNaN(v) ? -99 : v)));
      const x = fit.impute(part, opts), y = back.impute(part, opts);
      expect(Array.from(y.columns[1])).toEqual(Array.from(x.columns[1]));
      expect(Array.from(y.quantiles[0].columns[1])).toEqual(Array.from(x.quantiles[0].columns[1]));
      expect(y.draws?.[1].map((d) => Array.from(d))).toEqual(x.draws?.[1].map((d) => Array.from(d)));
      const z = back.impute(part, { ...opts, seed: 12 });
      expect(Array.from(z.columns[1])).not.toEqual(Array.from(x.columns[1]));
      expect(back.summary()).toMatch(/CSDI/);
      expect(back.summary()).toMatch(/1 residual layers x 16 channels/);
    } finally {
      back.dispose();
    }
  });

  it('imputes other data of the same columns (a shorter stretch with a gap in a)', () => {
    const a2 = a.slice(0, 40), b2 = truth.slice(0, 40);
    for (let i = 10; i < 20; i++) a2[i] = NaN;
    const r = fit.impute({ names: ['a', 'b'], columns: [a2, b2] }, { samples: 4 });
    expect(r.missing).toBe(10);
    for (let i = 0; i < 40; i++) expect(Number.isFinite(r.columns[0][i])).toBe(true);
    expect(() => fit.impute({ names: ['b', 'a'], columns: [b2, a2] })).toThrow(DataError);
  });

  it('bad impute options are typed errors naming the option', () => {
    const arg = (f: () => unknown) => { try { f(); } catch (e) { return e instanceof ArgumentError ? e.argument : `not an ArgumentError: ${String(e)}`; } return 'no error'; };
    expect(arg(() => fit.impute(undefined, { samples: 0 }))).toBe('samples');
    expect(arg(() => fit.impute(undefined, { quantiles: [1.5] }))).toBe('quantiles');
    expect(arg(() => fit.impute(undefined, { batch: 2.5 }))).toBe('batch');
  });
});

describe('CSDI seeds and errors', () => {
  const tiny: CSDIOptions = { ...SMALL, epochs: 1, batchesPerEpoch: 2, batchSize: 4 };
  const rng = createRng(3);
  const cols = [Float64Array.from({ length: 30 }, () => rng.normal()), Float64Array.from({ length: 30 }, () => rng.normal())];
  cols[1][4] = NaN;
  const data = { names: ['x', 'y'], columns: cols };

  it('the same seed gives the same weights and losses; another seed other ones', () => {
    const f1 = fitCSDI(data, { ...tiny, seed: 5 }), f2 = fitCSDI(data, { ...tiny, seed: 5 }), f3 = fitCSDI(data, { ...tiny, seed: 6 });
    try {
      expect(f2.toJSON().params).toEqual(f1.toJSON().params);
      expect(f2.training.trainLoss).toEqual(f1.training.trainLoss);
      expect(f3.toJSON().params).not.toEqual(f1.toJSON().params);
    } finally {
      for (const f of [f1, f2, f3]) f.dispose();
    }
    expect(csdiInitialParams(2, { ...tiny, seed: 5 })).toEqual(csdiInitialParams(2, { ...tiny, seed: 5 }));
  });

  it('a single series (K = 1) and a window of the whole series train', () => {
    const f = fitCSDI({ names: ['x'], columns: [cols[0].slice(0, 12)] }, { ...tiny, window: undefined, seed: 1 });
    try {
      expect(f.settings.window).toBe(12);
      expect(f.training.windows).toBe(1);
      expect(Number.isFinite(f.training.trainLoss[0])).toBe(true);
    } finally {
      f.dispose();
    }
  });

  const fails = (f: () => unknown, cls: typeof ArgumentError | typeof DataError, argument: string, message: RegExp) => {
    let err: unknown;
    try { f(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(cls);
    expect((err as ArgumentError).argument).toBe(argument);
    expect((err as Error).message).toMatch(message);
  };

  it('bad data: no columns, a column with no observed values, infinities, unequal lengths, non-numbers', () => {
    fails(() => fitCSDI({ names: [], columns: [] }), DataError, 'data', /no columns \(K = 0\)/);
    fails(() => fitCSDI({ names: ['x', 'y'], columns: [cols[0], new Float64Array(30).fill(NaN)] }), DataError, 'data', /column 'y' has no observed values/);
    const inf = cols[0].slice(); inf[7] = Infinity;
    fails(() => fitCSDI({ names: ['x'], columns: [inf] }), DataError, 'data', /column 'x' has an infinite value at row 8; only NaN/);
    fails(() => fitCSDI({ names: ['x', 'y'], columns: [cols[0], cols[1].slice(1)] }), DataError, 'data', /same length/);
    fails(() => fitCSDI({ names: ['x'], columns: [['1', 2] as unknown as number[]] }), DataError, 'data', /non-numeric value \(1\) at row 1; use NaN/);
    fails(() => fitCSDI(null as unknown as { names: string[]; columns: number[][] }), DataError, 'data', /names/);
  });

  it('bad options name the option', () => {
    fails(() => fitCSDI(data, { window: 31 }), ArgumentError, 'window', /longer than the data \(30 rows\); use a window of at most 30/);
    fails(() => fitCSDI(data, { channels: 30, heads: 4 }), ArgumentError, 'heads', /multiple of heads/);
    fails(() => fitCSDI(data, { lr: -1 }), ArgumentError, 'lr', /positive/);
    fails(() => fitCSDI(data, { dropout: 1 }), ArgumentError, 'dropout', /\[0, 1\)/);
    fails(() => fitCSDI(data, { schedule: 'cosine' as 'quad' }), ArgumentError, 'schedule', /'quad' or 'linear'/);
    fails(() => fitCSDI(data, { betaEnd: 1.5 }), ArgumentError, 'betaEnd', /< 1/);
    fails(() => fitCSDI(data, { epochs: 0 }), ArgumentError, 'epochs', /positive integer/);
    fails(() => fitCSDI(data, { seed: NaN }), ArgumentError, 'seed', /finite/);
    fails(() => fitCSDI(data, { diffusionEmbedding: 2 }), ArgumentError, 'diffusionEmbedding', /≥ 4/);
  });

  it('a foreign or corrupt model file is a DataError', () => {
    fails(() => fittedCSDIFromJSON({ kind: 'timegrad' } as unknown as CSDIJSON), DataError, 'model', /expected kind 'csdi'/);
    fails(() => fittedCSDIFromJSON({ kind: 'csdi', version: 99 } as unknown as CSDIJSON), DataError, 'model', /version 99/);
  });
});
