// What the diffusion models do beyond plain sampling: clipping x̂₀ (any scheduler), the scalings
// (per column, global, fixed), U-Net denoisers chosen through fitDiffusion, inpainting and SDEdit
// through the model, the MNIST digits, PNG grids and the digit classifier.
import { describe, it, expect, beforeAll } from 'vitest';
import pngjs from 'pngjs';
import { initEngine } from '../src/neural/engine/index.js';
import { fitDiffusion, DiffusionModel, type DiffusionModelJSON } from '../src/diffusion/model.js';
import { clipPrediction } from '../src/diffusion/clip.js';
import { trainDenoiser, type TrainCheckpoint } from '../src/diffusion/train.js';
import { MLPDenoiser } from '../src/diffusion/denoisers/mlp.js';
import { frechetDistance } from '../src/diffusion/metrics.js';
import { alphasCumprod, alphasFromBetas, makeBetas } from '../src/diffusion/schedules.js';
import { toyData } from '../src/diffusion/data/toy-data.js';
import { loadMnist } from '../src/node/mnist.js';
import { imageGridPng } from '../src/node/png.js';
import { trainClassifier, Classifier } from '../src/neural/classifier.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

const abar = alphasCumprod(alphasFromBetas(makeBetas({})));

describe('clipPrediction', () => {
  // x̂₀ implied by an ε output at integer t (Ho et al. eq. 15).
  const x0Of = (x: number, eps: number, t: number) => (x - Math.sqrt(1 - abar[t]) * eps) / Math.sqrt(abar[t]);

  it('keeps outputs whose x̂₀ is in range and maps the others to x̂₀ = ±range, for ε, x₀ and v', () => {
    const x = Float32Array.from([0.5, 0.5, -3, 2]);
    const t = Float32Array.from([10, 900]);
    const raw = Float32Array.from([0.1, -40, 0.2, -0.3]);
    const eps = clipPrediction(() => raw, abar, 'epsilon', 2)(x, t);
    expect(eps[0]).toBe(raw[0]); // x̂₀ ≈ 0.5: untouched
    expect(x0Of(x[1], eps[1], 10)).toBeCloseTo(2, 5); // was ≈ 8.6
    for (const j of [2, 3]) {
      const before = x0Of(x[j], raw[j], 900), after = x0Of(x[j], eps[j], 900);
      expect(Math.abs(after)).toBeLessThanOrEqual(2 + 1e-5);
      if (Math.abs(before) <= 2) expect(eps[j]).toBe(raw[j]);
      else expect(Math.abs(after)).toBeCloseTo(2, 4);
    }
    expect(Array.from(clipPrediction(() => Float32Array.from([5, -0.5]), abar, 'sample', 1)(Float32Array.from([0, 0]), Float32Array.from([3])))).toEqual([1, -0.5]);
    // v = √ᾱ ε − √(1−ᾱ) x₀ → x̂₀ = √ᾱ x_t − √(1−ᾱ) v.
    const a = abar[500], v = clipPrediction(() => Float32Array.from([-10]), abar, 'v_prediction', 1)(Float32Array.from([0.3]), Float32Array.from([500]));
    expect(Math.sqrt(a) * 0.3 - Math.sqrt(1 - a) * v[0]).toBeCloseTo(1, 5);
  });

  it('interpolates σ linearly for fractional timesteps (Euler) and rejects a bad range', () => {
    const s = (t: number) => Math.sqrt((1 - abar[t]) / abar[t]);
    const sig = (s(400) + s(401)) / 2, a = 1 / (1 + sig * sig);
    const out = clipPrediction(() => Float32Array.from([-100]), abar, 'epsilon', 1)(Float32Array.from([0]), Float32Array.from([400.5]));
    expect((0 - Math.sqrt(1 - a) * out[0]) / Math.sqrt(a)).toBeCloseTo(1, 4);
    expect(() => clipPrediction(() => new Float32Array(1), abar, 'epsilon', 0)).toThrow(ArgumentError);
  });
});

describe('frechetDistance', () => {
  it('is (μa−μb)² + (σa−σb)² per coordinate for independent Gaussian samples, 0 for identical ones', () => {
    const rng = createRng(5);
    const n = 20000;
    const a = new Float64Array(2 * n), b = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      a[2 * i] = rng.normal(); a[2 * i + 1] = 2 * rng.normal();
      b[2 * i] = 1 + 3 * rng.normal(); b[2 * i + 1] = -1 + 2 * rng.normal();
    }
    // (0−1)² + (1−3)² + (0+1)² + (2−2)² = 6, to Monte-Carlo error.
    expect(frechetDistance(a, b, 2)).toBeCloseTo(6, 1);
    expect(frechetDistance(a, a, 2)).toBeLessThan(1e-9);
    // Correlated: a rotation of a sample has the same distance to itself rotated (invariance).
    const c = 0.6, s = 0.8, rot = (x: Float64Array) => x.map((_, k) => (k % 2 === 0 ? c * x[k] - s * x[k + 1] : s * x[k - 1] + c * x[k]));
    expect(frechetDistance(rot(a), rot(b), 2)).toBeCloseTo(frechetDistance(a, b, 2), 8);
    expect(() => frechetDistance(a.subarray(0, 2), b, 2)).toThrow(ArgumentError);
  });
});

describe('fitDiffusion options', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('resumes training from a checkpoint to exactly the weights and losses of an uninterrupted run', () => {
    const data = Float32Array.from(toyData('moons', 200, createRng(1)));
    const opts = { steps: 12, batchSize: 32, seed: 4, emaDecay: 0.9 };
    const whole = new MLPDenoiser({ sampleSize: 2, width: 8, blocks: 1, seed: 1 });
    const saved: TrainCheckpoint[] = [];
    const full = trainDenoiser(whole, data, { ...opts, checkpointEvery: 5, onCheckpoint: (c) => saved.push(JSON.parse(JSON.stringify(c)) as TrainCheckpoint) });
    expect(saved.map((c) => c.step)).toEqual([5, 10, 12]);
    const again = new MLPDenoiser({ sampleSize: 2, width: 8, blocks: 1, seed: 1 });
    const rest = trainDenoiser(again, data, { ...opts, resume: saved[0] });
    expect(Array.from(rest.losses)).toEqual(Array.from(full.losses));
    expect(again.params.toJSON()).toEqual(whole.params.toJSON());
    expect(() => trainDenoiser(again, data, { ...opts, steps: 20, resume: saved[0] })).toThrow(/12 steps/);
    expect(() => trainDenoiser(again, data, { ...opts, emaDecay: 0, resume: saved[0] })).toThrow(DataError);
    const other = new MLPDenoiser({ sampleSize: 2, width: 16, blocks: 1 });
    expect(() => trainDenoiser(other, data, { ...opts, resume: saved[0] })).toThrow(/another model/);
    expect(() => trainDenoiser(again, data, { ...opts, checkpointEvery: 2 })).toThrow(ArgumentError);
  });

  it("clips at the data's largest |z| by default, at a given range, or not at all; the range survives save/load", () => {
    const data = toyData('moons', 300, createRng(1));
    const m = fitDiffusion(data, 2, { steps: 5, denoiser: { width: 8, blocks: 0 } });
    let max = 0;
    for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs((data[i] - m.mean[i % 2]) / m.std[i % 2]));
    expect(m.clipRange).toBeCloseTo(max, 5);
    const back = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as DiffusionModelJSON);
    expect(back.clipRange).toBe(m.clipRange);
    expect(fitDiffusion(data, 2, { steps: 2, clipSample: 1.5, denoiser: { width: 8, blocks: 0 } }).clipRange).toBe(1.5);
    const off = fitDiffusion(data, 2, { steps: 2, clipSample: false, denoiser: { width: 8, blocks: 0 } });
    expect(off.clipRange).toBeUndefined();
    expect('clipRange' in off.toJSON()).toBe(false);
    expect(() => fitDiffusion(data, 2, { steps: 2, clipSample: -1 })).toThrow(ArgumentError);
    // A clipped sampler never leaves the range on the model's scale (DDIM ends at x̂₀ of the last step).
    const wide = m.sample(200, { scheduler: 'ddim', steps: 5, rng: createRng(2) }).samples;
    const z = m.scale(wide);
    for (const v of z) expect(Math.abs(v)).toBeLessThanOrEqual(m.clipRange! + 0.05);
  });

  it('scales per column, globally, or by a fixed map; constant data get a typed error', () => {
    const rows = Float64Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 100 + (i % 7) : (i % 5) * 0.01));
    const col = fitDiffusion(rows, 2, { steps: 1, denoiser: { width: 8, blocks: 0 } });
    expect(col.mean[0]).toBeGreaterThan(100);
    expect(col.mean[1]).toBeLessThan(0.1);
    const glob = fitDiffusion(rows, 2, { steps: 1, scaling: 'global', denoiser: { width: 8, blocks: 0 } });
    expect(glob.mean[0]).toBe(glob.mean[1]);
    expect(glob.std[0]).toBe(glob.std[1]);
    const fixed = fitDiffusion(rows, 2, { steps: 1, scaling: { center: 0.5, scale: 0.5 }, clipSample: false, denoiser: { width: 8, blocks: 0 } });
    expect(Array.from(fixed.scale([1, 0]))).toEqual([1, -1]);
    expect(Array.from(fixed.unscale(Float32Array.from([1, -1])))).toEqual([1, 0]);
    expect(() => fitDiffusion(new Float64Array(20).fill(3), 2, { steps: 1, scaling: 'global' })).toThrow(DataError);
    expect(() => fitDiffusion(rows, 2, { steps: 1, scaling: { center: 0, scale: 0 } })).toThrow(ArgumentError);
  });

  it('trains a 1-D or 2-D U-Net through fitDiffusion; a U-Net of the wrong size is refused', () => {
    const rows = Float32Array.from({ length: 16 * 20 }, (_, i) => Math.sin(i * 0.3));
    const m1 = fitDiffusion(rows, 16, { steps: 2, scaling: 'global', denoiser: { kind: 'unet1d', baseChannels: 8, depth: 1, channelMults: [1, 2] } });
    expect(m1.denoiser.kind).toBe('unet1d');
    expect(m1.image).toBeUndefined();
    const imgs = Float32Array.from({ length: 16 * 6 }, (_, i) => (i % 3) / 2);
    const m2 = fitDiffusion(imgs, 16, { steps: 2, scaling: { center: 0.5, scale: 0.5 }, denoiser: { kind: 'unet2d', height: 4, baseChannels: 8, channelMults: [1, 2] } });
    expect(m2.image).toEqual({ height: 4, width: 4, channels: 1 });
    expect(m2.clipRange).toBe(1);
    const back = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(m2.toJSON())) as DiffusionModelJSON);
    expect(back.image).toEqual(m2.image);
    expect(Array.from(back.sample(2, { steps: 3, rng: createRng(1) }).samples)).toEqual(Array.from(m2.sample(2, { steps: 3, rng: createRng(1) }).samples));
    expect(() => fitDiffusion(imgs, 16, { steps: 1, denoiser: { kind: 'unet2d', height: 8, baseChannels: 8 } })).toThrow(/takes 64 values per row/);
  });

  it('inpaints through the model (known values kept exactly) and restores with SDEdit', () => {
    const data = toyData('moons', 500, createRng(1));
    const m = fitDiffusion(data, 2, { steps: 30, denoiser: { width: 16, blocks: 1 } });
    const known = Float64Array.from([0.25, NaN, -0.5, NaN]);
    const r = m.inpaint(known, Uint8Array.from([1, 0]), { scheduler: 'ddim', steps: 10, rng: createRng(3), jumps: 2 });
    expect(r.samples[0]).toBeCloseTo(0.25, 5);
    expect(r.samples[2]).toBeCloseTo(-0.5, 5);
    expect(Number.isFinite(r.samples[1]) && Number.isFinite(r.samples[3])).toBe(true);
    const input = Float64Array.from(data.subarray(0, 20));
    const near = m.restore(input, { scheduler: 'ddim', steps: 50, strength: 0.04, rng: createRng(4) }).samples;
    let d = 0;
    near.forEach((v, i) => (d = Math.max(d, Math.abs(v - input[i]))));
    expect(d).toBeLessThan(0.5);
    expect(() => m.restore(input, { strength: 0, rng: createRng(1) })).toThrow(ArgumentError);
    // Noise sd → the timestep of that noise level: small noise, early t; more noise, later.
    expect(m.strengthForNoise(0.01)).toBeLessThan(m.strengthForNoise(0.3));
    expect(m.strengthForNoise(0.3)).toBeLessThan(1);
  });
});

describe('MNIST digits, PNG grids, the classifier', () => {
  const train = loadMnist({ size: 14 });
  const test = loadMnist({ size: 14, split: 'test' });

  it('splits each digit 85/15 without overlap, 14×14 = 2×2 means of 28×28, values in [0, 1]', () => {
    expect(train.count + test.count).toBe(10_000);
    expect(train.count).toBe(8495);
    const full = loadMnist({ size: 28, split: 'all' });
    expect(full.images.length).toBe(10_000 * 784);
    // Row 0 of 'train' is digit 0, image 0; its 14×14 pixel (3, 5) averages four 28×28 pixels.
    const f = full.images, y = 3, x = 5;
    const mean = (f[(2 * y) * 28 + 2 * x] + f[(2 * y) * 28 + 2 * x + 1] + f[(2 * y + 1) * 28 + 2 * x] + f[(2 * y + 1) * 28 + 2 * x + 1]) / 4;
    expect(train.images[y * 14 + x]).toBeCloseTo(mean, 6);
    let lo = Infinity, hi = -Infinity;
    for (const v of train.images) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(new Set(test.labels).size).toBe(10);
    expect(() => loadMnist({ size: 20 as 14 })).toThrow(ArgumentError);
  });

  it('lays images out in a PNG grid with white gaps, mapping the range to grey levels', () => {
    const imgs = Float32Array.from([0, 1, 0.5, 1, /* second image */ 1, 1, 1, 0]);
    const png = pngjs.PNG.sync.read(imageGridPng(imgs, { height: 2, width: 2, cols: 2, pad: 1 }));
    expect([png.width, png.height]).toEqual([7, 4]);
    const at = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    expect(at(0, 0)).toBe(255); // gap
    expect([at(1, 1), at(2, 1), at(1, 2), at(2, 2)]).toEqual([0, 255, 128, 255]);
    expect(at(5, 2)).toBe(0);
    const scaled = pngjs.PNG.sync.read(imageGridPng(Float32Array.from([-1, 1]), { height: 1, width: 2, pad: 0, scale: 3, range: [-1, 1] }));
    expect([scaled.width, scaled.height, scaled.data[0], scaled.data[(2 * 6 + 5) * 4]]).toEqual([6, 3, 0, 255]);
    expect(() => imageGridPng(imgs, { height: 3, width: 3 })).toThrow(/whole 3×3×1 images/);
  });

  it('a small MLP classifier reads held-out digits (> 85% after a short training) and round-trips', async () => {
    await initEngine();
    const c = trainClassifier(train.images, train.labels, 196, { steps: 300, seed: 0 });
    const acc = c.accuracy(test.images, test.labels);
    expect(acc).toBeGreaterThan(0.85);
    const back = Classifier.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(back.accuracy(test.images, test.labels)).toBe(acc);
    const f = c.features(test.images.subarray(0, 3 * 196));
    expect(f.length).toBe(3 * 256);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(0); // ReLU
    expect(() => trainClassifier(train.images.subarray(0, 392), Int32Array.from([1, 1]), 196)).toThrow(/single class/);
  }, 60_000);
});
