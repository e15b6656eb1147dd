// U-Net denoisers (1-D sequences, 2-D images): shapes, seeded weights, save/load, gradients that
// reach every parameter and agree with the cpu backend, a short training run whose loss drops on a
// toy sequence distribution, and the typed errors for sizes the U-Net cannot halve.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { UNet1DDenoiser, type UNet1DDenoiserConfig } from '../src/diffusion/denoisers/unet1d.js';
import { UNet2DDenoiser, UNET2D_PRESETS, unetParamShapes, type UNet2DDenoiserConfig } from '../src/diffusion/denoisers/unet2d.js';
import type { Denoiser } from '../src/diffusion/denoisers/types.js';
import { DiffusionModel, type DiffusionModelJSON } from '../src/diffusion/model.js';
import { resolveScheduleConfig } from '../src/diffusion/schedules.js';
import { trainDenoiser } from '../src/diffusion/train.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { readFileSync } from 'node:fs';
import { ParamStore } from '../src/neural/params.js';
import { fitDiffusion } from '../src/diffusion/model.js';

// Small enough for a test, large enough to use every part: two halvings, group norm with several
// channels per group, a 1×1 skip where channels change, attention (2-D) and class embeddings.
const SMALL_1D: UNet1DDenoiserConfig = { length: 16, baseChannels: 8, depth: 2, groups: 4, timeEmbedding: 16 };
const SMALL_2D: UNet2DDenoiserConfig = { height: 8, width: 4, channels: 2, baseChannels: 8, channelMults: [1, 2], groups: 4, timeEmbedding: 16 };

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

function timesteps(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i * 397) % 1000);
}

/** Loss of the denoiser on fixed inputs, its gradient for every parameter, and the output. */
function lossAndGrads(model: Denoiser, batch: number, labels?: Int32Array): { out: Float32Array; grads: Map<string, Float32Array> } {
  const d = model.sampleSize;
  const x = normals(batch * d, 1), w = normals(batch * d, 2), t = timesteps(batch);
  const names = model.params.names();
  const vars = model.params.variables();
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.forward(tf.tensor2d(x, [batch, d]), t, labels), tf.tensor2d(w, [batch, d]))) as tf.Scalar, vars);
  const result = new Map(names.map((n, i) => [n, Float32Array.from(grads[vars[i].name].dataSync() as Float32Array)]));
  value.dispose();
  tf.dispose(Object.values(grads));
  return { out: model.predict(x, t, labels), grads: result };
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

describe('U-Net shapes and parameters', () => {
  it('1-D: [B, L] in, [B, L] out; the default depth halves L twice with 16, 32, 64 channels', () => {
    const m = new UNet1DDenoiser({ length: 32 });
    expect(m.kind).toBe('unet1d');
    expect(m.sampleSize).toBe(32);
    expect(m.spec.levelChannels).toEqual([16, 32, 64]);
    const out = tf.tidy(() => m.forward(tf.tensor2d(normals(3 * 32, 3), [3, 32]), timesteps(3)));
    expect(out.shape).toEqual([3, 32]);
    out.dispose();
    expect(m.predict(normals(2 * 32, 4), timesteps(2)).length).toBe(64);
    m.params.dispose();
  });

  it('2-D: [B, H·W·C] in and out; the default is 14×14, 16 base channels, levels 14 → 7 with attention at 7×7', () => {
    const m = new UNet2DDenoiser();
    expect(m.kind).toBe('unet2d');
    expect(m.sampleSize).toBe(196);
    expect(m.spec.levelChannels).toEqual([16, 32]);
    expect(m.params.names()).toContain('mid.attn.qkv.w');
    const out = tf.tidy(() => m.forward(tf.tensor2d(normals(2 * 196, 3), [2, 196]), timesteps(2)));
    expect(out.shape).toEqual([2, 196]);
    out.dispose();
    m.params.dispose();
    // The 28×28 preset: 32 base channels, 28 → 14 → 7; its parameters match the declared shapes.
    const big = new UNet2DDenoiser({ ...UNET2D_PRESETS['28x28'] });
    expect(big.sampleSize).toBe(784);
    expect(big.spec.levelChannels).toEqual([32, 64, 64]);
    expect(big.params.shapes()).toEqual(unetParamShapes(big.spec));
    expect(big.params.get('in.w').shape).toEqual([3, 3, 1, 32]);
    big.params.dispose();
  });

  it('non-square images with several channels, conditional on a class', () => {
    const m = new UNet2DDenoiser({ ...SMALL_2D, numClasses: 3 });
    expect(m.sampleSize).toBe(8 * 4 * 2);
    expect(m.params.get('class').shape).toEqual([4, 32]); // 3 classes + "no label", 4·base wide
    const x = normals(4 * 64, 5), t = timesteps(4);
    const labelled = m.predict(x, t, Int32Array.from([0, 1, 2, 3]));
    const unlabelled = m.predict(x, t);
    // Label 3 is "no label": the same as giving none.
    expect(Array.from(labelled.subarray(3 * 64))).toEqual(Array.from(unlabelled.subarray(3 * 64)));
    expect(labelled.subarray(0, 64)).not.toEqual(unlabelled.subarray(0, 64));
    m.params.dispose();
  });

  it('the same seed gives the same weights and outputs; another seed does not', () => {
    for (const make of [(seed: number) => new UNet1DDenoiser({ ...SMALL_1D, seed }), (seed: number) => new UNet2DDenoiser({ ...SMALL_2D, seed })]) {
      const a = make(7), b = make(7), c = make(8);
      const x = normals(2 * a.sampleSize, 6), t = timesteps(2);
      expect(Array.from(a.predict(x, t))).toEqual(Array.from(b.predict(x, t)));
      expect(a.params.toJSON()).toEqual(b.params.toJSON());
      expect(a.params.toJSON()).not.toEqual(c.params.toJSON());
      for (const m of [a, b, c]) m.params.dispose();
    }
  });

  it('does not leak tensors', () => {
    const m = new UNet2DDenoiser({ ...SMALL_2D, numClasses: 2 });
    const before = tf.memory().numTensors;
    m.predict(normals(2 * m.sampleSize, 1), timesteps(2), Int32Array.from([0, 1]));
    lossAndGrads(m, 2, Int32Array.from([1, 2]));
    expect(tf.memory().numTensors).toBe(before);
    m.params.dispose();
  });
});

describe('U-Net save and load', () => {
  it.each([
    ['unet1d', () => new UNet1DDenoiser({ ...SMALL_1D, numClasses: 2, seed: 3 }), (j: ReturnType<Denoiser['toJSON']>) => UNet1DDenoiser.fromJSON(j)],
    ['unet2d', () => new UNet2DDenoiser({ ...SMALL_2D, seed: 3 }), (j: ReturnType<Denoiser['toJSON']>) => UNet2DDenoiser.fromJSON(j)],
  ] as const)('%s: JSON round trip restores the outputs bit for bit', (_kind, make, restore) => {
    const m = make();
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const again = restore(json);
    expect(again.config).toEqual(m.config);
    const x = normals(3 * m.sampleSize, 9), t = timesteps(3);
    expect(Array.from(again.predict(x, t))).toEqual(Array.from(m.predict(x, t)));
    // A file whose weights do not fit its configuration is refused with a typed error.
    const bad = { ...json, config: { ...json.config, baseChannels: 16 } };
    expect(() => restore(bad)).toThrow(DataError);
    m.params.dispose();
    again.params.dispose();
  });

  it('a DiffusionModel holding a U-Net saves, restores by denoiser kind and samples', () => {
    const unet = new UNet1DDenoiser({ ...SMALL_1D, seed: 2 });
    const L = unet.sampleSize;
    const columns = Array.from({ length: L }, (_, i) => `t${i}`);
    const model = new DiffusionModel(unet, resolveScheduleConfig({ numTrainTimesteps: 100 }), 'epsilon', columns, [], new Float64Array(L), new Float64Array(L).fill(1), 0);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as DiffusionModelJSON;
    const again = DiffusionModel.fromJSON(json);
    expect(again.denoiser).toBeInstanceOf(UNet1DDenoiser);
    const a = model.sample(2, { scheduler: 'ddim', steps: 3, rng: createRng(1) }).samples;
    const b = again.sample(2, { scheduler: 'ddim', steps: 3, rng: createRng(1) }).samples;
    expect(a.length).toBe(2 * L);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(() => DiffusionModel.fromJSON({ ...json, denoiser: { ...json.denoiser, kind: 'constructor' } })).toThrow(DataError);
    expect(() => DiffusionModel.fromJSON({ ...json, columns: columns.slice(1), mean: json.mean.slice(1), std: json.std.slice(1) })).toThrow(DataError);
    unet.params.dispose();
    again.denoiser.params.dispose();
  });
});

describe('U-Net gradients', () => {
  it.each([
    ['unet1d, conditional', () => new UNet1DDenoiser({ ...SMALL_1D, numClasses: 2, attention: true })],
    ['unet2d, conditional', () => new UNet2DDenoiser({ ...SMALL_2D, numClasses: 2, blocksPerLevel: 2 })],
  ] as const)('%s: every parameter gets a finite, non-zero gradient', (_name, make) => {
    const m = make();
    // Labels 0, 1 and "no label" (2): every row of the class table is used.
    const { grads } = lossAndGrads(m, 3, Int32Array.from([0, 1, 2]));
    expect([...grads.keys()].sort()).toEqual(m.params.names().sort());
    for (const [name, g] of grads) {
      expect(g.every(Number.isFinite), name).toBe(true);
      expect(maxAbs(g), name).toBeGreaterThan(0);
    }
    m.params.dispose();
  });

  // The wasm convolution gradients (kernels.ts) against tfjs' reference cpu kernels, through the
  // whole network: every parameter's gradient within 1e-4 of the largest gradient of that parameter.
  it('wasm gradients match the cpu backend for both U-Nets', async () => {
    const make = [() => new UNet1DDenoiser({ ...SMALL_1D, numClasses: 2, attention: true }), () => new UNet2DDenoiser({ ...SMALL_2D, numClasses: 2 })];
    const labels = Int32Array.from([0, 2, 1]);
    const run = () => make.map((f) => { const m = f(); const r = lossAndGrads(m, 3, labels); m.params.dispose(); return r; });
    const wasm = run();
    await initEngine({ backend: 'cpu' });
    let cpu: ReturnType<typeof run>;
    try {
      cpu = run();
    } finally {
      await initEngine({ backend: 'wasm' });
    }
    for (let k = 0; k < make.length; k++) {
      const scale = maxAbs(cpu[k].out);
      for (let i = 0; i < cpu[k].out.length; i++) expect(Math.abs(wasm[k].out[i] - cpu[k].out[i])).toBeLessThan(1e-4 * scale);
      for (const [name, want] of cpu[k].grads) {
        const got = wasm[k].grads.get(name)!;
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        expect(worst, name).toBeLessThan(1e-4 * Math.max(maxAbs(want), 1e-3));
      }
    }
  });
});

// Cross-attention over a token context (contextTokens): against an independent float64 PyTorch
// implementation (bench/peers/torch_unet_cross.py writes the fixture with its weights and inputs).
interface CrossFixture {
  provenance: string;
  config: UNet2DDenoiserConfig & { contextTokens: number; contextSize: number };
  tokenWidth: number;
  validTokens: number[];
  weights: { name: string; shape: number[]; data: number[] }[];
  x: number[];
  t: number[];
  context: number[];
  output: number[];
}
const cross = JSON.parse(readFileSync(new URL('./fixtures/unet-cross-attention.json', import.meta.url), 'utf8')) as CrossFixture;

function crossModel(): UNet2DDenoiser {
  const store = new ParamStore();
  for (const w of cross.weights) store.set(w.name, w.shape, Float32Array.from(w.data));
  return new UNet2DDenoiser(cross.config, store);
}

describe('U-Net cross-attention over context tokens', () => {
  const { contextSize: K, contextTokens: T } = cross.config;
  const D = cross.tokenWidth, B = cross.t.length;

  it('the fixture is made by the PyTorch peer and covers full, padded and empty (zero) contexts', () => {
    expect(cross.provenance).toMatch(/torch_unet_cross\.py/);
    expect(cross.validTokens).toContain(T);
    expect(cross.validTokens).toContain(0);
    expect(cross.validTokens.some((v) => v > 0 && v < T)).toBe(true);
    expect(K).toBe(D + T * (D + 1));
  });

  it('declares exactly the peer\'s parameters, with the same shapes', () => {
    const m = new UNet2DDenoiser(cross.config);
    const shapes = unetParamShapes(m.spec);
    expect([...shapes.keys()].sort()).toEqual(cross.weights.map((w) => w.name).sort());
    for (const w of cross.weights) expect(shapes.get(w.name), w.name).toEqual(w.shape);
    m.params.dispose();
  });

  it('matches PyTorch (float64) within 1e-5 of the largest output', () => {
    const m = crossModel();
    const got = m.predict(Float32Array.from(cross.x), Float32Array.from(cross.t), undefined, Float32Array.from(cross.context));
    const scale = maxAbs(cross.output);
    expect(scale).toBeGreaterThan(0.1);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - cross.output[i]));
    expect(got.length).toBe(cross.output.length);
    expect(worst).toBeLessThan(1e-5 * scale);
    m.params.dispose();
  });

  it('padded tokens are ignored; the tokens do change the output; no context is the zero context', () => {
    const m = crossModel();
    const x = Float32Array.from(cross.x), t = Float32Array.from(cross.t), ctx = Float32Array.from(cross.context);
    const base = m.predict(x, t, undefined, ctx);
    const padded = ctx.slice(), moved = ctx.slice(), rng = createRng(3);
    cross.validTokens.forEach((valid, r) => {
      for (let i = D + valid * D; i < D + T * D; i++) padded[r * K + i] = rng.normal();
      if (valid > 0) moved[r * K + D] += 1; // the first real token's first entry
    });
    expect(Array.from(m.predict(x, t, undefined, padded))).toEqual(Array.from(base));
    const changed = m.predict(x, t, undefined, moved);
    const P = cross.output.length / B;
    cross.validTokens.forEach((valid, r) => {
      let d = 0;
      for (let i = r * P; i < (r + 1) * P; i++) d = Math.max(d, Math.abs(changed[i] - base[i]));
      if (valid > 0) expect(d, `row ${r}`).toBeGreaterThan(1e-4);
      else expect(d, `row ${r}`).toBe(0);
    });
    const zeroRow = cross.validTokens.indexOf(0);
    const none = m.predict(x.subarray(zeroRow * P, (zeroRow + 1) * P), t.subarray(zeroRow, zeroRow + 1));
    for (let i = 0; i < P; i++) expect(none[i]).toBeCloseTo(base[zeroRow * P + i], 6);
    m.params.dispose();
  });

  it('every parameter gets a finite, non-zero gradient', () => {
    const m = new UNet2DDenoiser({ ...cross.config, seed: 4 });
    const d = m.sampleSize;
    const x = normals(B * d, 1), w = normals(B * d, 2), t = timesteps(B);
    const vars = m.params.variables(), names = m.params.names();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(m.forward(tf.tensor2d(x, [B, d]), t, undefined, tf.tensor2d(Float32Array.from(cross.context), [B, K])), tf.tensor2d(w, [B, d]))) as tf.Scalar, vars);
    expect(names).toContain('xattn.null');
    for (let i = 0; i < names.length; i++) {
      const g = grads[vars[i].name].dataSync() as Float32Array;
      expect(g.every(Number.isFinite), names[i]).toBe(true);
      expect(maxAbs(g), names[i]).toBeGreaterThan(0);
    }
    value.dispose();
    tf.dispose(Object.values(grads));
    m.params.dispose();
  });

  it('typed errors: a context size not of the form D + T·(D + 1), tokens with an image context, rescaled token contexts', () => {
    expect(() => new UNet2DDenoiser({ height: 8, width: 4, contextTokens: 5, contextSize: 40 })).toThrow(ArgumentError);
    expect(() => new UNet2DDenoiser({ height: 8, width: 4, contextTokens: 5, contextSize: 40 })).toThrow(/contextSize 40 is not of that form/);
    expect(() => new UNet2DDenoiser({ height: 8, width: 4, contextTokens: 2, contextChannels: 1, contextSize: 32 })).toThrow(/either an image .* or a token sequence/);
    expect(() => new UNet2DDenoiser({ contextTokens: -1 })).toThrow(/contextTokens must be an integer/);
    const images = new Float32Array(2 * 64), context = new Float32Array(2 * (2 + 3 * 3));
    expect(() => fitDiffusion(images, 64, { denoiser: { kind: 'unet2d', height: 8, contextTokens: 3 }, scaling: { center: 0.5, scale: 0.5 }, context, contextScaling: 'entry', steps: 1 })).toThrow(/token context .* is used as given/);
  });
});

describe('U-Net training', () => {
  // Toy sequences: sin(2π·2·i/L + φ) with a uniformly random phase — a one-parameter family, so a
  // denoiser can learn to predict the noise well, far below the loss 1 of predicting zero.
  it('1-D U-Net on random-phase sine waves (L = 32): the ε-loss drops clearly', () => {
    const L = 32, n = 256;
    const rng = createRng(5);
    const data = new Float32Array(n * L);
    for (let r = 0; r < n; r++) {
      const phase = 2 * Math.PI * rng.uniform();
      for (let i = 0; i < L; i++) data[r * L + i] = Math.sin((2 * Math.PI * 2 * i) / L + phase);
    }
    const m = new UNet1DDenoiser({ length: L, baseChannels: 8, depth: 2, groups: 4, timeEmbedding: 32, seed: 1 });
    const { losses } = trainDenoiser(m, data, { steps: 60, batchSize: 32, lr: 3e-3, emaDecay: 0, seed: 2 });
    const last = losses.subarray(-10).reduce((s, v) => s + v, 0) / 10;
    // Measured: 1.11 at the first step, 0.12 over the last ten.
    expect(losses[0]).toBeGreaterThan(0.8);
    expect(last).toBeLessThan(0.25 * losses[0]);
    expect(last).toBeLessThan(0.25);
    m.params.dispose();
  });
});

describe('U-Net typed errors', () => {
  it('1-D: a length not divisible by 2^depth names the length', () => {
    expect(() => new UNet1DDenoiser({ length: 30 })).toThrow(ArgumentError);
    expect(() => new UNet1DDenoiser({ length: 30 })).toThrow(/length 30 .*not divisible by 4/);
    expect(() => new UNet1DDenoiser({ length: 24, depth: 4 })).toThrow(/length 24 .*not divisible by 16/);
    expect(() => new UNet1DDenoiser({ length: 24, depth: 3 })).not.toThrow();
    expect(() => new UNet1DDenoiser({ length: 16, channelMults: [1, 2], depth: 2 })).toThrow(/channelMults/);
    expect(() => new UNet1DDenoiser({ length: 16, kernelSize: 4 })).toThrow(/kernelSize/);
  });

  it('2-D: a size the U-Net cannot halve names the size', () => {
    expect(() => new UNet2DDenoiser({ height: 15 })).toThrow(ArgumentError);
    expect(() => new UNet2DDenoiser({ height: 15 })).toThrow(/15×15 .*height 15 is not divisible by 2/);
    expect(() => new UNet2DDenoiser({ height: 28, width: 28, channelMults: [1, 2, 2, 2] })).toThrow(/28×28 .*halved 3 times.*height 28 is not divisible by 8/);
    expect(() => new UNet2DDenoiser({ height: 16, width: 14, channelMults: [1, 2, 2] })).toThrow(/width 14 is not divisible by 4/);
  });

  it('channels that group norm cannot split and other bad settings', () => {
    expect(() => new UNet2DDenoiser({ baseChannels: 12 })).toThrow(/12 channels cannot be split into 8/);
    expect(() => new UNet1DDenoiser({ length: 16, timeEmbedding: 15 })).toThrow(ArgumentError);
    expect(() => new UNet2DDenoiser({ numClasses: -1 })).toThrow(ArgumentError);
  });
});
