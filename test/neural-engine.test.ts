// The patched wasm kernels must give the cpu backend's numbers, forward and gradient, on the
// shapes the models use (transposed and batched products, slices of [B, T, H], unstack, gather).
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf, PATCHED_KERNELS } from '../src/neural/engine/index.js';
import { createRng } from '../src/core/rng.js';

function randn(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

type Case = { name: string; run: () => Float32Array[] };

/** Each case returns forward values and gradients as plain arrays, so it can run on either backend. */
const cases: Case[] = [];
function gradCase(name: string, shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor, forwardOnly = false) {
  cases.push({
    name,
    run: () => tf.tidy(() => {
      const xs = shapes.map((s, i) => tf.tensor(randn(s.reduce((a, b) => a * b, 1), 11 + i), s));
      if (forwardOnly) return [f(...xs).dataSync() as Float32Array];
      const w = tf.tensor(randn(f(...xs).size, 99), f(...xs).shape);
      // A random linear functional makes every output element's gradient matter.
      const g = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), w)));
      return [f(...xs).dataSync() as Float32Array, ...g(xs).map((t) => t.dataSync() as Float32Array)];
    }),
  });
}
gradCase('matMul', [[7, 5], [5, 3]], (a, b) => tf.matMul(a, b));
gradCase('matMul transposeA', [[5, 7], [5, 3]], (a, b) => tf.matMul(a, b, true, false));
gradCase('matMul transposeB', [[7, 5], [3, 5]], (a, b) => tf.matMul(a, b, false, true));
gradCase('matMul both transposed', [[5, 7], [3, 5]], (a, b) => tf.matMul(a, b, true, true));
// tfjs-core's matMul gradient does not sum over broadcast batch dimensions (on any backend), so
// broadcasting products are checked forward only; the models reshape to 2-D before such products.
gradCase('batched matMul shared right', [[2, 4, 6, 5], [5, 3]], (a, b) => tf.matMul(a, b), true);
gradCase('batched matMul (attention scores)', [[6, 8, 4], [6, 8, 4]], (a, b) => tf.matMul(a, b, false, true));
gradCase('batched matMul broadcast left', [[1, 8, 4], [6, 4, 3]], (a, b) => tf.matMul(a, b), true);
gradCase('batched matMul 4-d', [[2, 3, 8, 4], [2, 3, 4, 5]], (a, b) => tf.matMul(a, b));
gradCase('slice middle of [B,T,H]', [[4, 9, 6]], (x) => tf.slice(x, [0, 3, 0], [4, 1, 6]));
gradCase('slice 4-d partial', [[3, 4, 5, 6]], (x) => tf.slice(x, [1, 0, 2, 1], [2, 4, 3, 4]));
gradCase('slice 1-d', [[10]], (x) => tf.slice(x, [2], [5]));
gradCase('unstack axis 1', [[3, 5, 4]], (x) => tf.stack(tf.unstack(x, 1).map((t, i) => tf.mul(t, i + 1))));
gradCase('unstack axis 0', [[5, 4]], (x) => tf.stack(tf.unstack(x, 0).map((t, i) => tf.mul(t, i + 1))));
gradCase('unstack last axis', [[3, 4, 5]], (x) => tf.stack(tf.unstack(x, 2).map((t, i) => tf.mul(t, i - 2)), 1));
cases.push({
  name: 'gather gradient (embedding)',
  run: () => tf.tidy(() => {
    const table = tf.tensor(randn(10 * 4, 5), [10, 4]);
    const ids = tf.tensor2d([[1, 3, 3, 9], [0, 1, 1, 1]], [2, 4], 'int32');
    const w = tf.tensor(randn(2 * 4 * 4, 6), [2, 4, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)));
    return [g(table).dataSync() as Float32Array];
  }),
});
cases.push({
  name: 'unsortedSegmentSum',
  run: () => tf.tidy(() => {
    const x = tf.tensor(randn(6 * 3, 8), [6, 3]);
    return [tf.unsortedSegmentSum(x, tf.tensor1d([0, 2, 2, 4, 0, 1], 'int32'), 5).dataSync() as Float32Array];
  }),
});

describe('wasm kernels match the cpu backend', () => {
  const reference = new Map<string, Float32Array[]>();
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    for (const c of cases) reference.set(c.name, c.run());
    await initEngine({ backend: 'wasm' });
  });

  it('patches the kernels it names', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect([...PATCHED_KERNELS].sort()).toEqual(['BatchMatMul', 'Slice', 'Unpack', 'UnsortedSegmentSum']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const got = c.run();
    const want = reference.get(c.name)!;
    expect(got.length).toBe(want.length);
    for (let k = 0; k < want.length; k++) {
      expect(got[k].length).toBe(want[k].length);
      for (let i = 0; i < want[k].length; i++) expect(Math.abs(got[k][i] - want[k][i])).toBeLessThan(1e-5 * (1 + Math.abs(want[k][i])));
    }
  });

  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    for (const c of cases) c.run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
