// The patched wasm kernels must give the cpu backend's numbers, forward and gradient, on the
// shapes the models use (transposed and batched products, slices of [B, T, H], unstack, gather).
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf, PATCHED_KERNELS } from '../src/neural/engine/index.js';
import { groupNorm, groupNormSilu } from '../src/neural/layers.js';
import type { ParamStore } from '../src/neural/params.js';
import { randn } from './fixtures.js';


/** `tol`: relative tolerance (default 1e-5). */
type Case = { name: string; run: () => Float32Array[]; tol?: number };

/** Each case returns forward values and gradients as plain arrays, so it can run on either backend. */
const cases: Case[] = [];
function gradCase(name: string, shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor, forwardOnly = false, tol?: number) {
  cases.push({
    name,
    tol,
    run: () => {
      // Tensors leave the tidy and are read after it: tidy walks every element of a returned typed array.
      const outs = tf.tidy(() => {
        const xs = shapes.map((s, i) => tf.tensor(randn(s.reduce((a, b) => a * b, 1), 11 + i), s));
        if (forwardOnly) return [f(...xs)];
        const w = tf.tensor(randn(f(...xs).size, 99), f(...xs).shape);
        // A random linear functional makes every output element's gradient matter.
        const g = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), w)));
        return [f(...xs), ...g(xs)];
      });
      const values = outs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      tf.dispose(outs);
      return values;
    },
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
// Convolutions (NHWC): the forward is the stock XNNPACK kernel; its input gradient and the
// transposed convolution go through the patched Conv2DBackpropInput, its filter gradient through the
// patched Conv2DBackpropFilter (absent from the stock wasm backend). Sums of many products: 1e-4.
const CONV_TOL = 1e-4;
gradCase('conv2d 3×3 stride 1 same', [[2, 7, 6, 3], [3, 3, 3, 4]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), false, CONV_TOL);
gradCase('conv2d 3×3 stride 1 valid', [[2, 7, 6, 3], [3, 3, 3, 4]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'), false, CONV_TOL);
gradCase('conv2d 3×3 stride 2 same (even size)', [[2, 8, 6, 3], [3, 3, 3, 5]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), false, CONV_TOL);
gradCase('conv2d 3×3 stride 2 same (odd size)', [[2, 7, 9, 2], [3, 3, 2, 4]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), false, CONV_TOL);
gradCase('conv2d 3×3 stride 2 valid', [[2, 9, 8, 3], [3, 3, 3, 4]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'valid'), false, CONV_TOL);
gradCase('conv2d 2×4 strides [2, 3] same', [[3, 8, 10, 2], [2, 4, 2, 3]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, [2, 3], 'same'), false, CONV_TOL);
gradCase('conv2d 3×3 explicit padding', [[2, 6, 6, 2], [3, 3, 2, 3]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, [[0, 0], [2, 0], [1, 2], [0, 0]]), false, CONV_TOL);
// Padding wider than the kernel: some output rows see only padding (their gradient is dropped).
gradCase('conv2d padding wider than the kernel, stride 1', [[2, 5, 5, 2], [3, 3, 2, 3]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, [[0, 0], [3, 0], [0, 4], [0, 0]]), false, CONV_TOL);
gradCase('conv2d padding wider than the kernel, stride 2', [[2, 6, 5, 2], [3, 3, 2, 3]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, [[0, 0], [4, 3], [3, 0], [0, 0]]), false, CONV_TOL);
gradCase('conv2d 1×1 (channel mixing)', [[2, 5, 5, 6], [1, 1, 6, 4]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), false, CONV_TOL);
gradCase('conv2d 32 channels', [[4, 7, 7, 32], [3, 3, 32, 32]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), false, CONV_TOL);
gradCase('conv1d k3 stride 1 same', [[3, 16, 4], [3, 4, 5]], (x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 1, 'same'), false, CONV_TOL);
gradCase('conv1d k4 stride 2 same', [[3, 16, 4], [4, 4, 6]], (x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 2, 'same'), false, CONV_TOL);
gradCase('conv1d k5 stride 1 valid', [[2, 20, 3], [5, 3, 2]], (x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 1, 'valid'), false, CONV_TOL);
gradCase('conv2dTranspose 3×3 stride 2 same', [[2, 4, 5, 6], [3, 3, 3, 6]], (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 8, 10, 3], 2, 'same'), false, CONV_TOL);
gradCase('conv2dTranspose 4×4 stride 2 valid', [[2, 3, 3, 4], [4, 4, 2, 4]], (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 8, 8, 2], 2, 'valid'), false, CONV_TOL);
gradCase('conv2dTranspose 3×3 stride 1 same', [[2, 5, 4, 3], [3, 3, 2, 3]], (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 5, 4, 2], 1, 'same'), false, CONV_TOL);
// Sums over leading axes (bias gradients) go through the patched Sum (a product with a ones row);
// others through the stock kernel. Splits (the gradient of concat) through the patched SplitV.
gradCase('sum over leading axes (conv bias gradient)', [[4, 5, 6, 7]], (x) => tf.sum(x, [0, 1, 2]));
gradCase('sum over leading axes, keepDims', [[6, 5, 4]], (x) => tf.sum(x, [1, 0], true));
gradCase('sum over axis 0 of a matrix', [[300, 9]], (x) => tf.sum(x, 0));
gradCase('sum over middle axes (stock kernel)', [[3, 5, 4, 6]], (x) => tf.sum(x, [1, 3]));
gradCase('sum over all axes (stock kernel)', [[3, 5, 4]], (x) => tf.sum(x));
gradCase('concat along channels (its gradient splits)', [[2, 3, 4, 5], [2, 3, 4, 3]], (a, b) => tf.concat([a, b], 3));
gradCase('split into unequal pieces', [[3, 4, 6]], (x) => tf.concat(tf.split(x, [1, 3, 2], 2).map((t, i) => tf.mul(t, i + 1)), 2));
// Group norm (layers.ts) with its written-out gradient, with and without the fused SiLU.
const normStore = (g: tf.Tensor, b: tf.Tensor) => ({ get: (n: string) => (n.endsWith('.g') ? g : b) }) as unknown as ParamStore;
gradCase('groupNorm 4 groups', [[3, 5, 4, 8], [8], [8]], (x, g, b) => groupNorm(normStore(g, b), 'n', x, 4));
gradCase('groupNorm + SiLU, 2 groups', [[2, 6, 6, 8], [8], [8]], (x, g, b) => groupNormSilu(normStore(g, b), 'n', x, 2));
gradCase('groupNorm + SiLU, instance norm (groups = C)', [[2, 7, 4], [4], [4]], (x, g, b) => groupNormSilu(normStore(g, b), 'n', x, 4));
// tfjs-wasm caches the packed right factor under its tensor id, which a reshape shares: a product
// by b and then by a reshape of b must not reuse b's packing (it did: wrong products, NaN gradients).
cases.push({
  name: 'product by b, then by a reshape of b (packing cache)',
  run: () => tf.tidy(() => {
    const b = tf.tensor(randn(48, 21), [6, 8]);
    const r1 = tf.matMul(tf.tensor(randn(12, 22), [2, 6]), b);
    const r2 = tf.matMul(tf.tensor(randn(8, 23), [2, 4]), tf.reshape(b, [4, 12]));
    const r3 = tf.matMul(tf.tensor(randn(16, 24), [2, 8]), tf.reshape(b, [8, 6]));
    return [r1, r2, r3].map((t) => t.dataSync() as Float32Array);
  }),
});
// The gradient of a product whose right factor is an activation reused under two shapes.
gradCase('products by an activation and by its reshape', [[5, 6], [6, 8], [2, 5], [3, 4]], (a, w, c1, c2) => {
  const h = tf.matMul(a, w); // [5, 8], the right factor under two shapes
  return tf.concat([tf.reshape(tf.matMul(c1, h), [-1]), tf.reshape(tf.matMul(c2, tf.reshape(h, [4, 10])), [-1])]);
});
// The fast Sum is a product too, with the summed tensor in the right-hand place (a bias gradient
// of a tensor that is also a product's right factor in another shape).
cases.push({
  name: 'sum over rows of a tensor also multiplied under another shape (packing cache)',
  run: () => tf.tidy(() => {
    const y = tf.tensor(randn(6 * 4, 31), [6, 4]), dy = tf.tensor(randn(6 * 10, 32), [6, 10]);
    const p = tf.matMul(y, dy, true, false);
    const s = tf.sum(tf.reshape(dy, [2, 30]), 0);
    return [p.dataSync() as Float32Array, s.dataSync() as Float32Array];
  }),
});
gradCase('matMul transposeA, tall (weight gradient)', [[300, 9], [300, 7]], (a, b) => tf.matMul(a, b, true, false), false, 1e-4);
// Tanh as 2σ(2x) − 1 (absolute error a few 1e-8); large arguments saturate to ±1.
gradCase('tanh', [[6, 50]], (x) => tf.tanh(tf.mul(x, 3)));
cases.push({ name: 'tanh saturates', run: () => tf.tidy(() => [tf.tanh(tf.tensor1d([-1e4, -30, -1e-7, 0, 1e-7, 30, 1e4])).dataSync() as Float32Array]) });
// Identity shares data (the engine's clones of tensors saved for the backward pass).
gradCase('saved tensors reused in the backward pass', [[4, 6]], (x) => tf.mul(tf.sigmoid(x), tf.tanh(x)));
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
    expect([...PATCHED_KERNELS].sort()).toEqual(['BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity', 'Slice', 'SplitV', 'Sum', 'Tanh', 'Unpack', 'UnsortedSegmentSum']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const got = c.run();
    const want = reference.get(c.name)!;
    const tol = c.tol ?? 1e-5;
    expect(got.length).toBe(want.length);
    for (let k = 0; k < want.length; k++) {
      expect(got[k].length).toBe(want[k].length);
      // |got − want| < tol·(1 + |want|) for every element, checked as the worst ratio (one expect:
      // per-element expects cost more than the kernels); NaN counts as the worst.
      let worst = 0, at = -1;
      for (let i = 0; i < want[k].length; i++) {
        const r = Math.abs(got[k][i] - want[k][i]) / (1 + Math.abs(want[k][i]));
        if (Number.isNaN(r) || r > worst) { worst = Number.isNaN(r) ? Infinity : r; at = i; }
      }
      expect(worst, `output ${k}, element ${at}: got ${got[k][at]}, want ${want[k][at]}`).toBeLessThan(tol);
    }
  });

  it('the convolution gradient kernels refuse what they do not support, saying what', () => {
    const x = tf.zeros([1, 4, 4, 2]), dy = tf.zeros([1, 4, 4, 3]), filter = tf.zeros([3, 3, 2, 3]), small = tf.zeros([1, 2, 2, 3]);
    const attrs = { strides: 1, pad: 'same', dimRoundingMode: undefined };
    const run = (name: string, inputs: Record<string, tf.Tensor>, extra: Record<string, unknown>) => () => tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap);
    expect(run('Conv2DBackpropFilter', { x, dy }, { dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] })).toThrow(/dataFormat 'NHWC' only/);
    expect(run('Conv2DBackpropInput', { dy, filter }, { dataFormat: 'NCHW', inputShape: [1, 4, 4, 2] })).toThrow(/dataFormat 'NHWC' only/);
    expect(run('Conv2DBackpropFilter', { x, dy: small }, { dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] })).toThrow(/dy has shape \[1, 2, 2, 3\], the convolution needs \[1, 4, 4, 3\]/);
    // Dilated convolutions have no gradient in tfjs on any backend (tfjs-core refuses before the kernel).
    expect(() => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 2)))(filter)).toThrow(/dilation/);
    tf.dispose([x, dy, filter, small]);
  });

  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    for (const c of cases) c.run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
