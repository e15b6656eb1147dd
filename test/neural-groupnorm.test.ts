// groupNorm / groupNormSilu (src/neural/layers.ts) write their gradient out by hand; on the cpu
// backend their values and gradients must equal tfjs' automatic gradient of the textbook formula
// (tf.moments over each sample's group, as the implementation before the hand-written gradient).
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { createRng } from '../src/core/rng.js';
import { groupNorm, groupNormSilu } from '../src/neural/layers.js';
import type { ParamStore } from '../src/neural/params.js';

function randn(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => shift + scale * rng.normal()), shape);
}

function reference(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, groups: number, silu: boolean): tf.Tensor {
  const shape = x.shape, c = shape[shape.length - 1];
  const positions = shape.slice(1, -1).reduce((a, v) => a * v, 1);
  const r = tf.reshape(x, [shape[0], positions, groups, c / groups]);
  const { mean, variance } = tf.moments(r, [1, 3], true);
  const xhat = tf.reshape(tf.div(tf.sub(r, mean), tf.sqrt(tf.add(variance, 1e-5))), shape);
  const y = tf.add(tf.mul(xhat, g), b);
  return silu ? tf.mul(y, tf.sigmoid(y)) : y;
}

const store = (g: tf.Tensor, b: tf.Tensor) => ({ get: (n: string) => (n.endsWith('.g') ? g : b) }) as unknown as ParamStore;

function worst(got: Float32Array, want: Float32Array): number {
  let w = 0;
  for (let i = 0; i < want.length; i++) w = Math.max(w, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return w;
}

describe('groupNorm with its written-out gradient', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  const settings: { shape: number[]; groups: number; silu: boolean; shift?: number }[] = [
    { shape: [3, 5, 4, 8], groups: 4, silu: false },
    { shape: [3, 5, 4, 8], groups: 4, silu: true },
    { shape: [2, 9, 6], groups: 1, silu: true },
    { shape: [2, 3, 3, 6], groups: 6, silu: false },
    // A large common offset: the centred two-pass variance keeps it exact.
    { shape: [2, 4, 4, 4], groups: 2, silu: true, shift: 50 },
  ];
  it.each(settings.map((s) => [JSON.stringify(s), s] as const))('%s', (_n, s) => {
    const c = s.shape[s.shape.length - 1];
    const x = randn(s.shape, 1, 2, s.shift ?? 0), g = randn([c], 2, 0.5, 1), b = randn([c], 3, 0.5);
    const w = randn(s.shape, 4);
    const run = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => {
      const outs = tf.tidy(() => [f(x, g, b), ...tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(f(xi, gi, bi), w)))([x, g, b])]);
      const values = outs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      tf.dispose(outs);
      return values;
    };
    const want = run((xi, gi, bi) => reference(xi, gi, bi, s.groups, s.silu));
    const got = run((xi, gi, bi) => (s.silu ? groupNormSilu : groupNorm)(store(gi, bi), 'n', xi, s.groups));
    for (let k = 0; k < want.length; k++) expect(worst(got[k], want[k]), `output ${k}`).toBeLessThan(1e-5);
    tf.dispose([x, g, b, w]);
  });

  it('refuses channels that do not split into the groups', () => {
    const x = tf.zeros([1, 2, 6]);
    expect(() => groupNorm(store(tf.ones([6]), tf.zeros([6])), 'n', x, 4)).toThrow(/6 channels cannot be split into 4 groups/);
  });
});
