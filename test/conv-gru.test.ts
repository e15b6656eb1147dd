// The ConvGRU next-frame predictor (src/neural/conv-gru.ts): every teacher-forced step's logits, the
// teacher-forced loss and a fed-back rollout against an independent float64 PyTorch implementation
// (bench/peers/torch_convgru.py, which writes test/fixtures/conv-gru.json and checks its own
// convolutions against a direct TensorFlow-'same' loop), then training on a toy moving square,
// determinism, save/load and the typed errors.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf, type Tensor } from '../src/neural/engine/index.js';
import { ConvGRUPredictor, convGRUFromJSON, trainConvGRU, type ConvGRUJSON } from '../src/neural/conv-gru.js';
import { ParamStore } from '../src/neural/params.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

interface Fixture {
  provenance: string;
  size: number;
  hidden: number;
  batch: number;
  length: number;
  weights: { name: string; shape: number[]; data: number[] }[];
  frames: number[];
  steps: number[][];
  loss: number;
  rollout: { k: number; horizon: number; context: number[]; predictions: number[] };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/conv-gru.json', import.meta.url), 'utf8')) as Fixture;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

function fixtureModel(): ConvGRUPredictor {
  const store = new ParamStore();
  for (const w of fixture.weights) store.set(w.name, w.shape, Float32Array.from(w.data));
  return new ConvGRUPredictor(fixture.size, fixture.hidden, store);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** count sequences of `length` frames of size×size: a bright 2×2 square moving one pixel right per frame. */
function movingSquares(count: number, length: number, size: number): Float32Array {
  const px = size * size, out = new Float32Array(count * length * px);
  const cols = size - length; // start columns 0 … size − length − 1 keep the square inside
  for (let s = 0; s < count; s++) {
    const row = s % (size - 1), col0 = Math.floor(s / (size - 1)) % cols;
    for (let t = 0; t < length; t++) {
      for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) out[(s * length + t) * px + (row + dr) * size + col0 + t + dc] = 1;
    }
  }
  return out;
}

describe('ConvGRU against the PyTorch reference', () => {
  it('the fixture is made by the peer and has cases', () => {
    expect(fixture.provenance).toMatch(/torch_convgru\.py/);
    expect(fixture.steps.length).toBe(fixture.length - 1);
    expect(fixture.steps.length).toBeGreaterThan(0);
    expect(fixture.rollout.predictions.length).toBe(fixture.batch * fixture.rollout.horizon * fixture.size ** 2);
    expect(fixture.weights.map((w) => w.name)).toEqual(['enc1', 'enc2', 'gates', 'cand', 'dec1', 'out'].flatMap((n) => [`${n}.w`, `${n}.b`]));
  });

  it('each teacher-forced step gives the reference logits (1e-4)', () => {
    const model = fixtureModel();
    const { size: S, batch: B, length: T, hidden: C } = fixture;
    const px = S * S;
    let h: Tensor = tf.zeros([B, S / 2, S / 2, C]);
    let worst = 0, checked = 0;
    for (let t = 0; t + 1 < T; t++) {
      const x = new Float32Array(B * px);
      for (let b = 0; b < B; b++) for (let j = 0; j < px; j++) x[b * px + j] = fixture.frames[(b * T + t) * px + j];
      const [logits, next] = tf.tidy(() => {
        const r = model.step(tf.tensor4d(x, [B, S, S, 1]), h);
        return [r.logits, r.h];
      });
      h.dispose();
      h = next;
      expect(logits.shape).toEqual([B, S, S, 1]);
      const d = maxAbsDiff(logits.dataSync() as Float32Array, fixture.steps[t]);
      logits.dispose();
      worst = Math.max(worst, d);
      checked += fixture.steps[t].length;
    }
    h.dispose();
    model.dispose();
    expect(checked).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-4);
  });

  it('the teacher-forced loss is the reference mean BCE (1e-5 relative)', () => {
    const model = fixtureModel();
    const loss = model.loss(Float32Array.from(fixture.frames), fixture.batch, fixture.length);
    const value = loss.dataSync()[0];
    loss.dispose();
    model.dispose();
    expect(fixture.loss).toBeGreaterThan(0);
    expect(Math.abs(value - fixture.loss) / fixture.loss).toBeLessThan(1e-5);
  });

  it('one-step predictions are the sigmoid of the reference teacher-forced logits (1e-5)', () => {
    const model = fixtureModel();
    const { size: S, batch: B, length: T } = fixture;
    const px = S * S;
    const out = model.oneStepPredictions(Float32Array.from(fixture.frames), T, 1);
    model.dispose();
    let worst = 0, checked = 0;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < px; j++) expect(out[b * T * px + j]).toBe(0);
      for (let t = 1; t < T; t++) {
        for (let j = 0; j < px; j++) {
          worst = Math.max(worst, Math.abs(out[(b * T + t) * px + j] - 1 / (1 + Math.exp(-fixture.steps[t - 1][b * px + j]))));
          checked++;
        }
      }
    }
    expect(checked).toBe(B * (T - 1) * px);
    expect(worst).toBeLessThan(1e-5);
  });

  it('a rollout feeding back its probabilities gives the reference frames (1e-5)', () => {
    const model = fixtureModel();
    const { k, horizon, context, predictions } = fixture.rollout;
    const out = model.predict(Float32Array.from(context), k, horizon);
    model.dispose();
    expect(predictions.length).toBeGreaterThan(0);
    expect(maxAbsDiff(out, predictions)).toBeLessThan(1e-5);
  });
});

describe('free-running training (teacherFrames)', () => {
  it('its loss is the BCE of the reference logits for the given inputs and of the fed-back rollout after them', () => {
    // teacher = 2 of T = 4 frames: inputs f₀, f₁, then σ(logits₁). The first two predictions are
    // the reference's teacher-forced ones; the third is the reference rollout's second frame (the
    // rollout from f₀, f₁ feeds back the same σ(logits₁)).
    const model = fixtureModel();
    const { size: S, batch: B, length: T } = fixture;
    expect(T).toBe(4);
    expect(fixture.rollout.k).toBe(2);
    const px = S * S;
    const frame = (b: number, t: number, j: number) => fixture.frames[(b * T + t) * px + j];
    const bceLogit = (l: number, y: number) => Math.max(l, 0) - l * y + Math.log1p(Math.exp(-Math.abs(l)));
    const bceProb = (p: number, y: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    let total = 0;
    for (let t = 0; t < 2; t++) {
      let sum = 0;
      for (let b = 0; b < B; b++) for (let j = 0; j < px; j++) sum += bceLogit(fixture.steps[t][b * px + j], frame(b, t + 1, j));
      total += sum / (B * px);
    }
    // The rollout's context is the first k = 2 frames of each sequence.
    for (let b = 0; b < B; b++) for (let j = 0; j < 2 * px; j++) expect(fixture.rollout.context[b * 2 * px + j]).toBe(fixture.frames[b * T * px + j]);
    let sum = 0;
    const H = fixture.rollout.horizon;
    for (let b = 0; b < B; b++) for (let j = 0; j < px; j++) sum += bceProb(fixture.rollout.predictions[(b * H + 1) * px + j], frame(b, 3, j));
    total += sum / (B * px);
    const loss = model.loss(Float32Array.from(fixture.frames), B, T, 2);
    const value = loss.dataSync()[0];
    loss.dispose();
    const forced = model.loss(Float32Array.from(fixture.frames), B, T, T);
    expect(forced.dataSync()[0]).toBeCloseTo(fixture.loss, 5);
    forced.dispose();
    model.dispose();
    expect(Math.abs(value - total / 3) / (total / 3)).toBeLessThan(1e-5);
    expect(Math.abs(value - fixture.loss)).toBeGreaterThan(1e-4);
  });

  it('trains, records its window, and refuses teacherFrames outside 1…window', () => {
    const frames = movingSquares(8, 6, 8);
    const m = trainConvGRU(frames, 6, 8, { hidden: 4, steps: 3, window: 6, teacherFrames: 3 });
    expect(m.training).toMatchObject({ window: 6, teacherFrames: 3 });
    m.dispose();
    expect(() => trainConvGRU(frames, 6, 8, { hidden: 4, steps: 1, window: 4, teacherFrames: 5 })).toThrow(ArgumentError);
    expect(() => trainConvGRU(frames, 6, 8, { hidden: 4, steps: 1, teacherFrames: 0 })).toThrow(ArgumentError);
  });
});

describe('ConvGRU training, saving and errors', () => {
  const S = 8, L = 6;
  const frames = movingSquares(16, L, S);
  const opts = { hidden: 4, steps: 60, batchSize: 8, lr: 1e-2, seed: 5 };
  let model: ConvGRUPredictor;

  beforeAll(() => {
    model = trainConvGRU(frames, L, S, opts);
  });

  it('training on a moving square lowers the loss', () => {
    const losses = model.training!.losses;
    expect(losses).toHaveLength(60);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-10))).toBeLessThan(0.7 * mean(losses.slice(0, 10)));
  });

  it('the same seed gives identical parameters', () => {
    const again = trainConvGRU(frames, L, S, opts);
    expect(again.toJSON().params).toEqual(model.toJSON().params);
    again.dispose();
  });

  it('a saved model restores and predicts identically', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ConvGRUJSON;
    const restored = convGRUFromJSON(json);
    expect(restored.size).toBe(S);
    expect(restored.hidden).toBe(4);
    expect(restored.parameterCount()).toBe(model.parameterCount());
    const context = frames.subarray(0, 2 * L * S * S);
    expect(Array.from(restored.predict(context, L, 3))).toEqual(Array.from(model.predict(context, L, 3)));
    restored.dispose();
  });

  it('rejects bad configurations, data and files with typed errors', () => {
    const argErr = (f: () => unknown, argument: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ArgumentError);
        expect((e as ArgumentError).argument).toBe(argument);
        return;
      }
      throw new Error(`expected an ArgumentError about '${argument}'`);
    };
    const dataErr = (f: () => unknown, argument: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DataError);
        expect((e as DataError).argument).toBe(argument);
        return;
      }
      throw new Error(`expected a DataError about '${argument}'`);
    };
    argErr(() => trainConvGRU(new Float32Array(2 * 7 * 7), 2, 7, { hidden: 4, steps: 1 }), 'size');
    argErr(() => new ConvGRUPredictor(5, 4, new ParamStore()), 'size');
    argErr(() => trainConvGRU(frames, L, S, { hidden: 3, steps: 1 }), 'hidden');
    dataErr(() => trainConvGRU(frames.subarray(0, frames.length - 1), L, S, { hidden: 4, steps: 1 }), 'frames');
    const bright = Float32Array.from(frames);
    bright[5] = 1.5;
    dataErr(() => trainConvGRU(bright, L, S, { hidden: 4, steps: 1 }), 'frames');
    bright[5] = -0.1;
    dataErr(() => trainConvGRU(bright, L, S, { hidden: 4, steps: 1 }), 'frames');
    argErr(() => trainConvGRU(frames, L, S, { hidden: 4, steps: 1, window: L + 1 }), 'window');

    const json = model.toJSON();
    dataErr(() => convGRUFromJSON({ ...json, kind: 'image-gpt' }), 'model');
    dataErr(() => convGRUFromJSON({ ...json, version: 99 }), 'model');
    dataErr(() => convGRUFromJSON({ ...json, params: json.params.filter((p) => p.name !== 'out.b') }), 'model');
    dataErr(() => convGRUFromJSON(null), 'model');

    dataErr(() => model.predict(new Float32Array(2 * S * S + 1), 2, 1), 'context');
    dataErr(() => model.predict(new Float32Array(3 * S * S), 2, 1), 'context');
  });
});
