// Video from both families (src/diffusion/data/moving-digits.ts, src/hybrid/video.ts,
// `ardiff video`): the moving-digits generator against the closed form of a bouncing point (a
// triangle wave), the per-frame scores against hand counts, the U-Net's image context, the frame
// diffusion model (seeds, save/load, the hybrid at strength 1 equal to plain prediction), typed
// errors, and the CLI. Learning on a toy is in test/full/video-diffusion.test.ts.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { initEngine } from '../src/neural/engine/index.js';
import { movingDigits } from '../src/diffusion/data/moving-digits.js';
import { fitVideoDiffusion, videoDiffusionFromJSON, frameScores, copyLastFrame, type VideoDiffusion } from '../src/hybrid/video.js';
import { trainConvGRU } from '../src/neural/conv-gru.js';
import { UNet2DDenoiser } from '../src/diffusion/denoisers/unet2d.js';
import { fitDiffusion } from '../src/diffusion/model.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { runCli, runCliJson } from './cli-helpers.js';

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

function expectTyped(f: () => unknown, type: typeof ArgumentError | typeof DataError, argument: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    expect((e as ArgumentError).argument).toBe(argument);
    return;
  }
  throw new Error(`expected a ${type.name} naming ${argument}`);
}

/** The reflecting walk in closed form: position u unfolded, folded back into [0, 1] (a triangle wave). */
const fold = (u: number) => {
  const m = ((u % 2) + 2) % 2;
  return m <= 1 ? m : 2 - m;
};

describe('movingDigits', () => {
  it('a one-pixel digit follows the triangle wave of its start, direction and step', () => {
    const size = 9, free = size - 1, step = 0.13, frames = 40;
    const v = movingDigits([1], [7], 1, { count: 3, frames, frameSize: size, stepLength: step, rng: createRng(5) });
    // The generator's draws, in its order: image, x, y, direction.
    const rng = createRng(5);
    let checked = 0;
    for (let s = 0; s < 3; s++) {
      rng.uniform();
      const x0 = rng.uniform(), y0 = rng.uniform(), theta = rng.uniform() * 2 * Math.PI;
      for (let t = 0; t < frames; t++) {
        const x = fold(x0 + t * step * Math.sin(theta)), y = fold(y0 + t * step * Math.cos(theta));
        const frame = v.frames.subarray((s * frames + t) * size * size, (s * frames + t + 1) * size * size);
        const lit = frame.findIndex((p) => p === 1);
        expect(frame.reduce((a, b) => a + b, 0)).toBe(1);
        expect(Math.floor(lit / size)).toBe(Math.round(y * free));
        expect(lit % size).toBe(Math.round(x * free));
        checked++;
      }
    }
    expect(checked).toBe(120);
    expect(Array.from(v.labels)).toEqual([7, 7, 7]);
  });

  it('keeps each digit whole inside the frame, combines two by the maximum, and is seeded', () => {
    const rng = createRng(1);
    const images = Float32Array.from({ length: 3 * 16 }, () => rng.uniform());
    const labels = [0, 1, 2];
    const one = movingDigits(images, labels, 4, { count: 5, frames: 12, frameSize: 10, rng: createRng(2) });
    for (let f = 0; f < 5 * 12; f++) {
      const sum = one.frames.subarray(f * 100, (f + 1) * 100).reduce((a, b) => a + b, 0);
      const s = Math.floor(f / 12);
      const img = labels.indexOf(one.labels[s]);
      const digit = images.subarray(img * 16, (img + 1) * 16).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(digit, 4);
    }
    const two = movingDigits(images, labels, 4, { count: 4, frames: 6, frameSize: 10, digits: 2, rng: createRng(3) });
    expect(two.labels.length).toBe(8);
    expect(two.frames.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(movingDigits(images, labels, 4, { count: 4, frames: 6, frameSize: 10, digits: 2, rng: createRng(3) }).frames).toEqual(two.frames);
    expect(movingDigits(images, labels, 4, { count: 4, frames: 6, frameSize: 10, digits: 2, rng: createRng(4) }).frames).not.toEqual(two.frames);
  });

  it('refuses bad input with typed errors', () => {
    const img = new Float32Array(16);
    expectTyped(() => movingDigits(img, [0], 4, { count: 1, frameSize: 3, rng: createRng(0) }), ArgumentError, 'frameSize');
    expectTyped(() => movingDigits(img, [0], 4, { count: 1, digits: 3 as 1, rng: createRng(0) }), ArgumentError, 'digits');
    expectTyped(() => movingDigits(img, [0], 4, { count: 1, stepLength: 2, rng: createRng(0) }), ArgumentError, 'stepLength');
    expectTyped(() => movingDigits(img.subarray(0, 15), [0], 4, { count: 1, rng: createRng(0) }), DataError, 'images');
    expectTyped(() => movingDigits(img, [0, 1], 4, { count: 1, rng: createRng(0) }), DataError, 'labels');
    expectTyped(() => movingDigits(img, [0], 4, { count: 0, rng: createRng(0) }), ArgumentError, 'count');
    expectTyped(() => movingDigits(img, [0], 4, { count: 1e12, rng: createRng(0) }), ArgumentError, 'count');
  });
});

describe('frame scores and the copy-last floor', () => {
  it('match hand counts', () => {
    const size = 12, px = size * size;
    const truth = new Float32Array(2 * 3 * px).map((_, i) => (i % 7) / 7);
    const perfect = frameScores(truth, truth, 3, size);
    expect(perfect.mse).toEqual([0, 0, 0]);
    perfect.ssim.forEach((s) => expect(s).toBe(1));
    // A constant offset of 0.1 in every pixel: MSE 0.01 exactly (to rounding).
    const off = truth.map((v) => v + 0.1);
    frameScores(off, truth, 3, size).mse.forEach((m) => expect(m).toBeCloseTo(0.01, 6));
    const ctx = new Float32Array(2 * 2 * px).map((_, i) => i);
    const last = copyLastFrame(ctx.map((v) => (v % 5) / 5), 2, 3, size);
    for (let s = 0; s < 2; s++) for (let f = 0; f < 3; f++) for (let p = 0; p < px; p++) expect(last[(s * 3 + f) * px + p]).toBe(Math.fround(((((s * 2 + 1) * px + p) % 5) / 5)));
    expectTyped(() => frameScores(truth.subarray(1), truth, 3, size), DataError, 'predicted');
    expectTyped(() => frameScores(truth.map(() => NaN), truth, 3, size), DataError, 'predicted');
    expectTyped(() => copyLastFrame(truth, 4, 1, size), DataError, 'context');
  });
});

describe('a U-Net with an image context', () => {
  it('feeds the context as input channels (no vector map) and checks its size', () => {
    const u = new UNet2DDenoiser({ height: 8, width: 8, channelMults: [1, 2], baseChannels: 8, contextSize: 8 * 8 * 3, contextChannels: 3 });
    expect(u.params.shapes().get('in.w')).toEqual([3, 3, 4, 8]);
    expect(u.params.names()).not.toContain('context.w');
    const x = new Float32Array(2 * 64).map((_, i) => Math.sin(i));
    const t = Float32Array.from([10, 500]);
    const c1 = new Float32Array(2 * 192).map((_, i) => Math.cos(i)), c0 = new Float32Array(2 * 192);
    expect(u.predict(x, t, undefined, c1)).not.toEqual(u.predict(x, t, undefined, c0));
    // No context reads as zeros.
    expect(u.predict(x, t, undefined, c0)).toEqual(u.predict(x, t));
    expectTyped(() => new UNet2DDenoiser({ height: 8, channelMults: [1, 2], baseChannels: 8, contextSize: 10, contextChannels: 3 }), ArgumentError, 'contextSize');
    expectTyped(() => new UNet2DDenoiser({ height: 8, channelMults: [1, 2], baseChannels: 8, contextSize: 64, contextChannels: -1 }), ArgumentError, 'contextChannels');
  });

  it('fitDiffusion scales an image context by a fixed map when asked (contextScaling)', () => {
    const rng = createRng(4);
    const data = Float32Array.from({ length: 20 * 64 }, () => rng.uniform());
    const context = Float32Array.from({ length: 20 * 64 }, () => (rng.uniform() < 0.05 ? 1 : 0));
    const denoiser = { kind: 'unet2d' as const, height: 8, width: 8, channelMults: [1, 2], baseChannels: 8, contextChannels: 1 };
    const m = fitDiffusion(data, 64, { steps: 1, batchSize: 2, denoiser, scaling: { center: 0.5, scale: 0.5 }, context, contextScaling: { center: 0.5, scale: 0.5 } });
    expect(m.extras.context?.mean.every((v) => v === 0.5)).toBe(true);
    expect(m.extras.context?.std.every((v) => v === 0.5)).toBe(true);
    // Per entry, a rarely inked pixel gets a tiny sd: the default scaling would blow it up.
    const perEntry = fitDiffusion(data, 64, { steps: 1, batchSize: 2, denoiser, context });
    expect(Math.min(...perEntry.extras.context!.std)).toBeLessThan(0.25);
    expectTyped(() => fitDiffusion(data, 64, { steps: 1, denoiser, context, contextScaling: { center: 0, scale: 0 } }), ArgumentError, 'contextScaling');
    expectTyped(() => fitDiffusion(data, 64, { steps: 1, denoiser, context, contextScaling: 'global' as 'entry' }), ArgumentError, 'contextScaling');
  });
});

/** A 3×3 bright square moving one pixel right per frame (wrapping) in 8×8 frames, from random starts. */
function squares(count: number, length: number, seed: number): { frames: Float32Array; count: number; length: number; size: number } {
  const rng = createRng(seed), size = 8, px = 64;
  const frames = new Float32Array(count * length * px);
  for (let s = 0; s < count; s++) {
    const r = Math.floor(rng.uniform() * 6), c = Math.floor(rng.uniform() * 8);
    for (let t = 0; t < length; t++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) frames[(s * length + t) * px + (r + i) * size + ((c + t + j) % size)] = 1;
  }
  return { frames, count, length, size };
}

describe('the frame diffusion model and the hybrid (a few training steps: identities and errors)', () => {
  let model: VideoDiffusion;
  const data = squares(64, 6, 1);
  beforeAll(() => {
    model = fitVideoDiffusion(data, { steps: 20, batchSize: 8, baseChannels: 8, channelMults: [1, 2], framesPerSequence: 2, seed: 3 });
  });

  const test = squares(8, 6, 2);
  const ctx = (k: number) => {
    const out = new Float32Array(8 * k * 64);
    for (let s = 0; s < 8; s++) out.set(test.frames.subarray(s * 6 * 64, (s * 6 + k) * 64), s * k * 64);
    return out;
  };
  const future = (k: number, h: number) => {
    const out = new Float32Array(8 * h * 64);
    for (let s = 0; s < 8; s++) out.set(test.frames.subarray((s * 6 + k) * 64, (s * 6 + k + h) * 64), s * h * 64);
    return out;
  };

  it('is seeded, survives save/load, and the hybrid at strength 1 is plain prediction', () => {
    const a = model.predict(ctx(2), 2, 2, { steps: 5, rng: createRng(9) });
    expect(model.predict(ctx(2), 2, 2, { steps: 5, rng: createRng(9) })).toEqual(a);
    expect(model.predict(ctx(2), 2, 2, { steps: 5, rng: createRng(10) })).not.toEqual(a);
    const back = videoDiffusionFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.predict(ctx(2), 2, 2, { steps: 5, rng: createRng(9) })).toEqual(a);
    const gru = trainConvGRU(data.frames, 6, 8, { hidden: 4, steps: 3, seed: 0 });
    try {
      // Strength 1 sends the AR prediction all the way up: the draw ignores it (SDEdit = sampling).
      expect(model.refineRollout(gru, ctx(2), 2, 2, { strength: 1, steps: 5, rng: createRng(9) })).toEqual(a);
      const refined = model.refineRollout(gru, ctx(2), 2, 2, { strength: 0.3, steps: 5, rng: createRng(9) });
      expect(refined.length).toBe(a.length);
      expect(refined.every((v) => v >= 0 && v <= 1)).toBe(true);
      expectTyped(() => model.refineRollout(gru, ctx(2), 2, 2, { strength: 0, rng: createRng(0) }), ArgumentError, 'strength');
      expectTyped(() => model.refineRollout(gru, ctx(1), 1, 2, { strength: 0.5, rng: createRng(0) }), ArgumentError, 'k');
    } finally {
      gru.dispose();
    }
  });

  it('interpolates: one frame per gap, shaped as given', () => {
    const p = model.interpolate(ctx(2), future(3, 1), { steps: 3, rng: createRng(3) });
    expect(p.length).toBe(8 * 64);
    expectTyped(() => model.interpolate(ctx(2), future(3, 1).subarray(64), { rng: createRng(0) }), DataError, 'after');
  });

  it("a model conditioned on the AR prediction ('ar') refines a ConvGRU rollout and only that", () => {
    const gru = trainConvGRU(data.frames, 6, 8, { hidden: 4, steps: 3, seed: 0 });
    try {
      expectTyped(() => fitVideoDiffusion(data, { condition: 'ar', steps: 1 }), ArgumentError, 'ar');
      expectTyped(() => fitVideoDiffusion(data, { ar: gru, steps: 1 }), ArgumentError, 'ar');
      const arModel = fitVideoDiffusion(data, { condition: 'ar', ar: gru, steps: 5, batchSize: 8, baseChannels: 8, channelMults: [1, 2], framesPerSequence: 2, seed: 3 });
      expect(arModel.model.extras.context?.source).toMatchObject({ kind: 'video-frames', past: 2, condition: 'ar' });
      const a = arModel.refineRollout(gru, ctx(2), 2, 2, { steps: 4, rng: createRng(1) });
      expect(a.length).toBe(8 * 2 * 64);
      const back = videoDiffusionFromJSON(JSON.parse(JSON.stringify(arModel.toJSON())));
      expect(back.condition).toBe('ar');
      expect(back.refineRollout(gru, ctx(2), 2, 2, { steps: 4, rng: createRng(1) })).toEqual(a);
      // SDEdit from the prediction, conditioned on it, differs from a draw from noise.
      expect(arModel.refineRollout(gru, ctx(2), 2, 2, { steps: 4, strength: 0.5, rng: createRng(1) })).not.toEqual(a);
      expectTyped(() => arModel.predict(ctx(2), 2, 1, { rng: createRng(0) }), ArgumentError, 'model');
      expectTyped(() => arModel.interpolate(ctx(2), future(3, 1), { rng: createRng(0) }), ArgumentError, 'model');
      // A 'future' model needs a strength.
      expectTyped(() => model.refineRollout(gru, ctx(2), 2, 2, { rng: createRng(0) }), ArgumentError, 'strength');
    } finally {
      gru.dispose();
    }
  });

  it('refuses bad input with typed errors', () => {
    expectTyped(() => model.predict(ctx(2), 1, 2, { rng: createRng(0) }), ArgumentError, 'k');
    expectTyped(() => model.predict(ctx(2).map(() => 2), 2, 2, { rng: createRng(0) }), DataError, 'context');
    expectTyped(() => model.predict(ctx(2), 2, 0, { rng: createRng(0) }), ArgumentError, 'horizon');
    expectTyped(() => model.predict(ctx(2), 2, 1e9, { rng: createRng(0) }), ArgumentError, 'horizon');
    expectTyped(() => fitVideoDiffusion({ ...data, length: 2 }, { past: 2 }), DataError, 'length');
    expectTyped(() => fitVideoDiffusion({ ...data, count: 3 }), DataError, 'count');
    expectTyped(() => fitVideoDiffusion(data, { futureDropout: 2 }), ArgumentError, 'futureDropout');
    const json = model.toJSON();
    expectTyped(() => videoDiffusionFromJSON({ ...json, version: 99 }), DataError, 'model');
    expectTyped(() => videoDiffusionFromJSON({ ...json, past: 3 }), DataError, 'model');
    expectTyped(() => videoDiffusionFromJSON({ ...json, kind: 'diffusion' }), DataError, 'model');
  });
});

describe('ardiff video', () => {
  it('trains both models, predicts a strip, a GIF and per-frame scores; flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-video-'));
    const g = join(dir, 'gru.json'), d = join(dir, 'diff.json');
    const tg = await runCliJson(['video', 'train', '--model', 'convgru', '--sequences', '8', '--steps', '2', '--hidden', '4', '--window', '6', '--teacher-frames', '3', '--out', g]);
    expect(tg.code).toBe(0);
    expect(tg.json).toMatchObject({ model: 'convgru', steps: 2, out: g });
    expect(JSON.parse(readFileSync(g, 'utf8')).training).toMatchObject({ window: 6, teacherFrames: 3 });
    const td = await runCliJson(['video', 'train', '--model', 'diffusion', '--sequences', '4', '--steps', '2', '--channels', '8', '--out', d]);
    expect(td.code).toBe(0);
    const strip = join(dir, 'strip.png'), gif = join(dir, 'a.gif');
    const p = await runCliJson(['video', 'predict', '--model', `${g},${d}`, '--n', '2', '--horizon', '2', '--steps', '5', '--strength', '0.4', '--out', strip, '--gif', gif]);
    expect(p.code).toBe(0);
    const models = p.json.models as { model: string; mse: number[]; ssim: number[] }[];
    expect(models.map((m) => m.model)).toEqual(['copy-last-frame', 'convgru', 'diffusion', 'hybrid']);
    for (const m of models) {
      expect(m.mse.length).toBe(2);
      expect(m.ssim.length).toBe(2);
      m.mse.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    }
    expect(existsSync(strip)).toBe(true);
    const reader = new GifReader(new Uint8Array(readFileSync(gif)));
    expect(reader.numFrames()).toBe(12);
    expect([reader.width, reader.height]).toEqual([4 * 28 * 3, 2 * 28 * 3]);

    const da = join(dir, 'diff-ar.json');
    const ta = await runCliJson(['video', 'train', '--model', 'diffusion', '--condition', 'ar', '--ar', g, '--sequences', '4', '--steps', '2', '--channels', '8', '--out', da]);
    expect(ta.code).toBe(0);
    const pa = await runCliJson(['video', 'predict', '--model', `${da},${g}`, '--n', '1', '--horizon', '2', '--steps', '3', '--out', strip]);
    expect(pa.code).toBe(0);
    expect((pa.json.models as { model: string }[]).map((m) => m.model)).toEqual(['copy-last-frame', 'convgru', 'hybrid']);
    const bad = async (args: string[], argument: string) => {
      const r = await runCliJson(args);
      expect(r.code).toBe(2);
      expect((r.json.error as { argument: string }).argument).toBe(argument);
    };
    await bad(['video', 'train', '--model', 'lstm', '--out', join(dir, 'x.json')], '--model');
    await bad(['video', 'train', '--model', 'convgru', '--past', '3', '--out', join(dir, 'x.json')], '--past');
    await bad(['video', 'train', '--model', 'convgru', '--window', '30', '--out', join(dir, 'x.json')], '--window');
    await bad(['video', 'train', '--model', 'convgru', '--window', '8', '--teacher-frames', '9', '--out', join(dir, 'x.json')], '--teacher-frames');
    await bad(['video', 'train', '--model', 'diffusion', '--teacher-frames', '4', '--out', join(dir, 'x.json')], '--teacher-frames');
    await bad(['video', 'train', '--model', 'diffusion', '--digits', '3', '--out', join(dir, 'x.json')], '--digits');
    await bad(['video', 'predict', '--model', g, '--strength', '0.5', '--out', strip], '--strength');
    await bad(['video', 'train', '--model', 'diffusion', '--condition', 'ar', '--out', join(dir, 'x.json')], '--ar');
    await bad(['video', 'train', '--model', 'diffusion', '--ar', g, '--out', join(dir, 'x.json')], '--ar');
    await bad(['video', 'train', '--model', 'diffusion', '--condition', 'ar', '--ar', d, '--out', join(dir, 'x.json')], '--ar');
    await bad(['video', 'train', '--model', 'convgru', '--condition', 'ar', '--out', join(dir, 'x.json')], '--condition');
    await bad(['video', 'predict', '--model', da, '--out', strip], '--model');
    await bad(['video', 'predict', '--model', g, '--out', join(dir, 's.jpg')], '--out');
    await bad(['video', 'predict', '--model', g, '--out', strip, '--gif', join(dir, 'a.png')], '--gif');
    await bad(['video', 'predict', '--model', `${g},${g}`, '--out', strip], '--model');
    await bad(['video', 'predict', '--model', join(dir, 'missing.json'), '--out', strip], '--model');
    await bad(['video', 'predict', '--model', d, '--context', '1', '--out', strip], '--context');
    await bad(['video', 'predict', '--model', g, '--n', '100000', '--out', strip], '--n');
    await bad(['video', 'predict', '--model', g, '--horizon', '1e9', '--out', strip], '--horizon');
    const plain = await runCli(['video', 'predict', '--model', g, '--out', strip, '--n', '1', '--horizon', '1']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/convgru +MSE/);
  }, 120_000);
});
