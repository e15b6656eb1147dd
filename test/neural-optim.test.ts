// AdamW, clipping, schedules and parameter files: checked against plain scalar arithmetic.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { ParamStore } from '../src/neural/params.js';
import { AdamW, EMA, clipByGlobalNorm, trainStep, warmupCosine } from '../src/neural/optim.js';
import { createRng } from '../src/core/rng.js';
import { DataError } from '../src/core/errors.js';

beforeAll(async () => { await initEngine({ backend: 'wasm' }); });

describe('AdamW', () => {
  it('matches a scalar AdamW with decoupled decay on a quadratic', () => {
    const store = new ParamStore();
    const w0 = [0.5, -1.5, 2.0, 0.25];
    store.set('w', [2, 2], Float32Array.from(w0));
    store.set('b', [2], Float32Array.from([1, -1]));
    const c = [1, 2, -3, 0.5];
    const opt = new AdamW(store, { lr: 0.1, weightDecay: 0.05 });
    // Reference: torch.optim.AdamW's update written out per scalar.
    const w = [...w0], b = [1, -1];
    const mw = [0, 0, 0, 0], vw = [0, 0, 0, 0], mb = [0, 0], vb = [0, 0];
    for (let t = 1; t <= 5; t++) {
      trainStep(store, opt, () => tf.add(tf.sum(tf.square(tf.sub(store.get('w'), tf.tensor(c, [2, 2])))), tf.sum(tf.square(store.get('b')))) as tf.Scalar);
      const upd = (x: number[], m: number[], v: number[], g: number[], decay: boolean) => {
        for (let i = 0; i < x.length; i++) {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
          const step = (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
          if (decay) x[i] *= 1 - 0.1 * 0.05;
          x[i] -= 0.1 * step;
        }
      };
      upd(w, mw, vw, w.map((x, i) => 2 * (x - c[i])), true);
      upd(b, mb, vb, b.map((x) => 2 * x), false);
    }
    const gw = store.get('w').dataSync(), gb = store.get('b').dataSync();
    for (let i = 0; i < 4; i++) expect(gw[i]).toBeCloseTo(w[i], 5);
    for (let i = 0; i < 2; i++) expect(gb[i]).toBeCloseTo(b[i], 5);
    expect(opt.steps).toBe(5);
  });

  it('stops with a typed error when the loss is not finite', () => {
    const store = new ParamStore();
    store.set('w', [1], Float32Array.from([1]));
    const opt = new AdamW(store);
    expect(() => trainStep(store, opt, () => tf.div(tf.sum(store.get('w')), 0) as tf.Scalar)).toThrow(/loss became/);
  });
});

describe('clipping and schedules', () => {
  it('clips by the global norm', () => {
    const g = [tf.tensor([3, 0]), tf.tensor([0, 4])];
    const { grads, norm } = clipByGlobalNorm(g, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(Array.from(grads[0].dataSync())[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(grads[1].dataSync())[1]).toBeCloseTo(0.8, 5);
    const same = clipByGlobalNorm(g, 10);
    expect(Array.from(same.grads[1].dataSync())).toEqual([0, 4]);
  });

  it('warms up linearly and decays by a cosine to the floor', () => {
    expect(warmupCosine(0, 10, 110)).toBeCloseTo(0.1, 12);
    expect(warmupCosine(9, 10, 110)).toBeCloseTo(1, 12);
    expect(warmupCosine(60, 10, 110)).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
    expect(warmupCosine(110, 10, 110)).toBeCloseTo(0.1, 12);
  });

  it('keeps an exponential moving average (no warm-up)', () => {
    const store = new ParamStore();
    const v = store.set('w', [1], Float32Array.from([0]));
    const ema = new EMA(store, 0.9, false);
    v.assign(tf.tensor([1]));
    ema.update();
    v.assign(tf.tensor([2]));
    ema.update();
    expect(ema.values()[0].dataSync()[0]).toBeCloseTo(0.9 * 0.1 + 0.1 * 2, 6);
  });

  it('warms the decay up as diffusers\' EMAModel: copy, then n/(9 + n), capped at the decay; resumes its count', () => {
    const store = new ParamStore();
    const v = store.set('w', [1], Float32Array.from([0]));
    const ema = new EMA(store, 0.999);
    const want = [0, 2 / 11, 3 / 12, 4 / 13];
    let avg = 0;
    for (let n = 1; n <= 4; n++) {
      expect(ema.currentDecay()).toBeCloseTo(want[n - 1], 12);
      v.assign(tf.tensor([n]));
      ema.update();
      avg = want[n - 1] * avg + (1 - want[n - 1]) * n;
      expect(ema.values()[0].dataSync()[0]).toBeCloseTo(avg, 5);
    }
    for (let n = 5; n <= 2000; n++) ema.update();
    expect(ema.currentDecay()).toBeCloseTo(2001 / 2010, 12); // below 0.999 until n = 8991
    const short = new EMA(store, 0.9);
    for (let n = 1; n <= 100; n++) short.update();
    expect(short.currentDecay()).toBe(0.9); // 101/110 > 0.9: capped
    const again = new EMA(store, 0.999);
    again.loadState(ema.state(), 3);
    expect(again.currentDecay()).toBeCloseTo(4 / 13, 12);
  });
});

describe('ParamStore', () => {
  it('draws the same weights from the same seed and round-trips bit for bit', () => {
    const a = new ParamStore(), b = new ParamStore();
    a.add('w', [3, 4], { normal: 0.2 }, createRng(1));
    b.add('w', [3, 4], { normal: 0.2 }, createRng(1));
    expect(a.get('w').dataSync()).toEqual(b.get('w').dataSync());
    a.add('bias', [4], { zeros: true }, createRng(1));
    const back = ParamStore.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), a.shapes());
    expect(back.get('w').dataSync()).toEqual(a.get('w').dataSync());
    expect(back.count()).toBe(16);
  });

  it('rejects corrupt and mismatched files with DataError', () => {
    const a = new ParamStore();
    a.add('w', [2, 2], { uniform: 1 }, createRng(2));
    const json = a.toJSON();
    expect(() => ParamStore.fromJSON([{ ...json[0], data: json[0].data.slice(0, 8) }])).toThrow(DataError);
    expect(() => ParamStore.fromJSON(json, new Map([['w', [4]]]))).toThrow(/shape/);
    expect(() => ParamStore.fromJSON(json, new Map([['w', [2, 2]], ['v', [1]]]))).toThrow(/missing/);
  });
});

describe('memory', () => {
  it('stores, optimisers and clipping leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    const store = new ParamStore();
    store.add('w', [3, 3], { normal: 1 }, createRng(1));
    const opt = new AdamW(store);
    const ema = new EMA(store);
    for (let i = 0; i < 3; i++) trainStep(store, opt, () => tf.sum(tf.square(store.get('w'))) as tf.Scalar, { clipNorm: 0.5 });
    ema.update();
    opt.dispose();
    ema.dispose();
    store.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
