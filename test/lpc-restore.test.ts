// Context-conditioned diffusion (a continuous vector per row added to the U-Net's time embedding)
// and the LPC-conditioned speech restorer of ardiff/hybrid: the context path against the plain
// U-Net (zero context = no context, exactly), gradients that reach the context weights, a toy run
// whose samples follow their context (closed form: the context sets the rows' mean), save/load,
// the LPC envelope against the true AR(2) spectrum, the training rows, restoration end to end
// (seeded, both starts, the CLI), and the typed errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { UNet1DDenoiser } from '../src/diffusion/denoisers/unet1d.js';
import { DiffusionModel, fitDiffusion, type DiffusionModelJSON } from '../src/diffusion/model.js';
import { trainDenoiser } from '../src/diffusion/train.js';
import { frameCount } from '../src/diffusion/data/audio.js';
import { addWhiteNoise } from '../src/diffusion/data/audio.js';
import { snrDb } from '../src/diffusion/audio.js';
import { lpcContext, lpcTrainingRows, fitLpcRestorer, restoreSpeech } from '../src/hybrid/lpc-restore.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { readWav } from '../src/node/wav.js';
import { dataPath } from '../src/node/data.js';
import { runCliJson } from './cli-helpers.js';

const SMALL = { length: 16, baseChannels: 8, depth: 1, channelMults: [1, 2], groups: 4, timeEmbedding: 16 };

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('context-conditioned U-Net', () => {
  it('a zero context is no context (exactly); a context changes the output; the weights of the rest are those of the plain U-Net of the same seed', () => {
    const B = 3, x = normals(B * 16, 1), t = Float32Array.of(10, 500, 990);
    const withCtx = new UNet1DDenoiser({ ...SMALL, contextSize: 4, seed: 2 });
    const plain = new UNet1DDenoiser({ ...SMALL, seed: 2 });
    expect(withCtx.contextSize).toBe(4);
    expect(plain.contextSize).toBe(0);
    const none = withCtx.predict(x, t);
    expect(withCtx.predict(x, t, undefined, new Float32Array(B * 4))).toEqual(none);
    expect(Array.from(withCtx.predict(x, t, undefined, normals(B * 4, 3)))).not.toEqual(Array.from(none));
    // The context weights are declared after the class embedding: everything before them is unchanged.
    expect(Array.from(withCtx.params.get('time1.w').dataSync())).toEqual(Array.from(plain.params.get('time1.w').dataSync()));
    expect(withCtx.params.names()).toContain('context.w');
  });

  it('the loss gradient reaches the context weights (and matches a central difference, 1e-2 relative)', () => {
    const m = new UNet1DDenoiser({ ...SMALL, contextSize: 2, seed: 4 });
    const B = 4, x = normals(B * 16, 5), w = normals(B * 16, 6), c = normals(B * 2, 7), t = Float32Array.of(1, 200, 600, 999);
    const loss = () => tf.sum(tf.mul(m.forward(tf.tensor2d(x, [B, 16]), t, undefined, tf.tensor2d(c, [B, 2])), tf.tensor2d(w, [B, 16]))) as tf.Scalar;
    const v = m.params.variables()[m.params.names().indexOf('context.w')];
    const { grads } = tf.variableGrads(loss, [v]);
    const g = grads[v.name].dataSync()[0];
    const base = Float32Array.from(v.dataSync() as Float32Array), h = 1e-2;
    const at = (d: number) => { const b = base.slice(); b[0] += d; v.assign(tf.tensor(b, v.shape)); return loss().dataSync()[0]; };
    const fd = (at(h) - at(-h)) / (2 * h);
    v.assign(tf.tensor(base, v.shape));
    expect(Math.abs(g)).toBeGreaterThan(0);
    expect(Math.abs(g - fd)).toBeLessThan(1e-2 * Math.abs(g) + 1e-3);
  });

  it('fitDiffusion learns a context: rows of mean c (c = ±1, noise sd 0.1) sample at mean within 0.25 of c for each context; save/load gives the same samples', () => {
    const n = 256, d = 16, rng = createRng(8);
    const ctx = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1));
    const rows = Float64Array.from({ length: n * d }, (_, j) => ctx[Math.floor(j / d)] + 0.1 * rng.normal());
    const model = fitDiffusion(rows, d, { denoiser: { kind: 'unet1d', baseChannels: 8, depth: 1, channelMults: [1, 2], groups: 4, timeEmbedding: 16 }, scaling: 'global', context: ctx, steps: 300, batchSize: 32, lr: 3e-3, seed: 1 });
    expect(model.extras.context?.size).toBe(1);
    for (const c of [-1, 1]) {
      const s = model.sample(64, { rng: createRng(9), context: [c], steps: 20 }).samples;
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      // Without the context the mean would be 0 (|mean − c| = 1).
      expect(Math.abs(mean - c)).toBeLessThan(0.25);
    }
    const again = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as DiffusionModelJSON);
    expect(again.sample(4, { rng: createRng(3), context: [1] }).samples).toEqual(model.sample(4, { rng: createRng(3), context: [1] }).samples);
    // One context per row works too, and the guided path passes it along.
    const per = model.sample(2, { rng: createRng(3), context: [1, -1] }).samples;
    expect(per.length).toBe(2 * d);
  }, 60_000);

  it('context errors are typed and name the argument', () => {
    const rows = normals(8 * 16, 10), ctx = normals(8, 11);
    const unet = { kind: 'unet1d' as const, ...SMALL };
    const { length: _l, ...unetChoice } = unet;
    expect(() => fitDiffusion(rows, 16, { context: ctx, steps: 1 })).toThrow(/U-Net/);
    expect(() => fitDiffusion(rows, 16, { denoiser: unetChoice, context: normals(7, 1), steps: 1 })).toThrow(DataError);
    expect(() => fitDiffusion(rows, 16, { denoiser: unetChoice, context: Float64Array.of(1, 2, 3, 4, 5, 6, 7, Number.NaN), steps: 1 })).toThrow(/not a finite number/);
    const m = fitDiffusion(rows, 16, { denoiser: unetChoice, context: ctx, steps: 1 });
    expect(() => m.sample(2, { rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'context' }));
    expect(() => m.sample(2, { rng: createRng(1), context: [1, 2, 3] })).toThrow(/one row of 1 or 2 rows/);
    expect(() => m.sample(2, { rng: createRng(1), context: [Number.NaN] })).toThrow(ArgumentError);
    const plain = fitDiffusion(rows, 16, { denoiser: unetChoice, steps: 1 });
    expect(() => plain.sample(2, { rng: createRng(1), context: [1] })).toThrow(/takes none/);
    const d = new UNet1DDenoiser({ ...SMALL, contextSize: 2 });
    expect(() => trainDenoiser(d, rows, { steps: 1 })).toThrow(/give options.context/);
    expect(() => trainDenoiser(d, rows, { steps: 1, context: new Float32Array(3) })).toThrow(DataError);
    expect(() => trainDenoiser(new UNet1DDenoiser(SMALL), rows, { steps: 1, context: new Float32Array(8) })).toThrow(/takes none/);
    expect(() => trainDenoiser(d, rows, { steps: 1, context: new Float32Array(16), contextDropout: 1 })).toThrow(/contextDropout/);
    const json = m.toJSON();
    expect(() => DiffusionModel.fromJSON({ ...json, context: undefined })).toThrow(/corrupt/);
    expect(() => DiffusionModel.fromJSON({ ...json, context: { ...json.context!, std: [0] } })).toThrow(/corrupt/);
  });
});

/** A seeded AR(2) x_t = 1.3 x_{t−1} − 0.6 x_{t−2} + ε_t, ε ~ N(0, 1). */
function ar2(n: number, seed: number): Float32Array {
  const rng = createRng(seed), x = new Float32Array(n);
  for (let t = 0; t < n; t++) x[t] = (t > 0 ? 1.3 * x[t - 1] : 0) - (t > 1 ? 0.6 * x[t - 2] : 0) + rng.normal();
  return x;
}

describe('the LPC envelope as a context', () => {
  it('reads the true AR(2) spectrum 10·log10(1/|A(e^{iω})|²) from a lightly noisy signal (mean error < 1.5 dB), one row per restorer frame', () => {
    const x = addWhiteNoise(ar2(6000, 1), 30, createRng(2));
    const c = lpcContext(x, 0.1, 128, 64, { order: 2, bins: 16 });
    expect(c.frames).toBe(frameCount(6000, 128, 64));
    expect(c.context.length).toBe(c.frames * 16);
    let err = 0, count = 0;
    for (let f = 10; f < c.frames - 10; f++) {
      for (let b = 0; b < 16; b++) {
        const w = (Math.PI * b) / 15;
        const re = 1 - 1.3 * Math.cos(w) + 0.6 * Math.cos(2 * w), im = 1.3 * Math.sin(w) - 0.6 * Math.sin(2 * w);
        err += Math.abs(c.context[f * 16 + b] - 10 * Math.log10(1 / (re * re + im * im)));
        count++;
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(err / count).toBeLessThan(1.5);
    expect(c.denoisedSd).toBeGreaterThan(0);
  });

  it('training rows: the clean frames once per SNR, each with the envelope of its noisy copy; the source is recorded', () => {
    const a = ar2(1000, 3), b = ar2(700, 4);
    const r = lpcTrainingRows([a, b], { frame: 32, hop: 16, snrs: [0, 10], lpc: { order: 4, bins: 8 } });
    const frames = frameCount(1000, 32, 16) + frameCount(700, 32, 16);
    expect(r.dim).toBe(32);
    expect(r.data.length).toBe(2 * frames * 32);
    expect(r.context.length).toBe(2 * frames * 8);
    expect(Array.from(r.data.subarray(0, 32))).toEqual(Array.from(a.subarray(0, 32)));
    expect(r.contextSource).toMatchObject({ kind: 'lpc', order: 4, bins: 8 });
    // The two SNRs give different envelopes of the same frames.
    const rowsA = frameCount(1000, 32, 16);
    expect(Array.from(r.context.subarray(0, 8))).not.toEqual(Array.from(r.context.subarray(rowsA * 8, rowsA * 8 + 8)));
    expect(() => lpcTrainingRows([], {})).toThrow(ArgumentError);
    expect(() => lpcTrainingRows([a], { snrs: [] })).toThrow(/snrs/);
    expect(() => lpcTrainingRows([a], { lpc: { bins: 1 } })).toThrow(/bins/);
  });
});

describe('restoring speech with the LPC-conditioned diffusion model', () => {
  const speech = () => readWav(dataPath('audio/speech-1.wav')).channels[0].subarray(0, 8000);

  it('trains on a clean recording, restores a noisy one from the LPC estimate (default) or from the noisy frames; seeded; save/load keeps the LPC settings', () => {
    const clean = Float32Array.from(speech());
    const model = fitLpcRestorer([clean], { sampleRate: 16000, frame: 32, snrs: [5], lpc: { order: 8, bins: 8 }, denoiser: { kind: 'unet1d', baseChannels: 8, depth: 2, channelMults: [1, 2, 2], groups: 4, timeEmbedding: 16 }, steps: 3, seed: 1 });
    expect(model.extras.context?.source).toMatchObject({ kind: 'lpc', order: 8, bins: 8 });
    expect(model.extras.audio?.sampleRate).toBe(16000);
    const noisy = addWhiteNoise(clean, 5, createRng(2));
    const a = restoreSpeech(model, noisy, { rng: createRng(3), steps: 50 });
    const b = restoreSpeech(model, noisy, { rng: createRng(3), steps: 50 });
    expect(a.signal).toEqual(b.signal);
    expect(a.signal.length).toBe(noisy.length);
    expect(a.lpc?.length).toBe(noisy.length);
    // Started from the AR estimate, the restoration starts lower in the schedule than from the noise.
    const fromNoisy = restoreSpeech(model, noisy, { rng: createRng(3), steps: 50, from: 'noisy' });
    expect(a.strength).toBeLessThan(fromNoisy.strength);
    expect(Number.isFinite(snrDb(clean, a.signal))).toBe(true);
    const again = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as DiffusionModelJSON);
    expect(restoreSpeech(again, noisy, { rng: createRng(3), steps: 50 }).signal).toEqual(a.signal);
    // Errors name the argument.
    expect(() => restoreSpeech(model, noisy, { rng: createRng(3), from: 'clean' as 'lpc' })).toThrow(expect.objectContaining({ argument: 'from' }));
    expect(() => restoreSpeech(model, noisy, { rng: createRng(3), lpcErrorScale: 0 })).toThrow(expect.objectContaining({ argument: 'lpcErrorScale' }));
    expect(() => restoreSpeech(model, noisy, { rng: createRng(3), context: [1] })).toThrow(expect.objectContaining({ argument: 'context' }));
    expect(() => restoreSpeech(model, noisy.subarray(0, 10), { rng: createRng(3) })).toThrow(DataError);
    const plain = fitDiffusion([clean.subarray(0, 32), clean.subarray(32, 64)], 32, { denoiser: { kind: 'unet1d', baseChannels: 8, depth: 2, channelMults: [1, 2, 2], groups: 4, timeEmbedding: 16 }, scaling: 'global', sampleRate: 16000, steps: 1 });
    expect(() => restoreSpeech(plain, noisy, { rng: createRng(3), from: 'lpc' })).toThrow(/not one/);
    const tampered = model.toJSON();
    expect(() => restoreSpeech(DiffusionModel.fromJSON({ ...tampered, context: { ...tampered.context!, source: { kind: 'lpc', order: 'x' } } }), noisy, { rng: createRng(3) })).toThrow(/corrupt/);
  }, 60_000);

  it('CLI: diffusion train --condition lpc, restore (--condition lpc, --from noisy|lpc); the flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-lpc-'));
    const m = join(dir, 'lpc.json'), plain = join(dir, 'plain.json'), out = join(dir, 'r.wav');
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav', '--condition', 'lpc', '--lpc-order', '10', '--frame', '32', '--channels', '8', '--steps', '2', '--out', m]);
    expect(t.code).toBe(0);
    const json = JSON.parse(readFileSync(m, 'utf8')) as DiffusionModelJSON;
    expect(json.context?.source).toMatchObject({ kind: 'lpc', order: 10 });
    for (const from of ['lpc', 'noisy']) {
      const r = await runCliJson(['diffusion', 'restore', '--model', m, '--condition', 'lpc', '--from', from, '--input', 'data/audio/speech-6.wav', '--add-noise', '5', '--out', out]);
      expect(r.code).toBe(0);
      expect(Number.isFinite(r.json.snrRestoredDb)).toBe(true);
    }
    expect((await runCliJson(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav', '--frame', '32', '--channels', '8', '--steps', '1', '--out', plain])).code).toBe(0);
    const err = async (args: string[], argument: string, pattern: RegExp) => {
      const e = await runCliJson(args);
      expect(e.code).toBe(2);
      expect((e.json.error as { argument: string }).argument).toBe(argument);
      expect((e.json.error as { message: string }).message).toMatch(pattern);
    };
    await err(['diffusion', 'train', '--dataset', 'moons', '--condition', 'lpc', '--steps', '1', '--out', join(dir, 'x.json')], '--condition', /WAV/);
    await err(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav', '--lpc-order', '8', '--steps', '1', '--out', join(dir, 'x.json')], '--lpc-order', /--condition lpc/);
    await err(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav', '--condition', 'mel', '--steps', '1', '--out', join(dir, 'x.json')], '--condition', /one of none, lpc/);
    await err(['diffusion', 'restore', '--model', plain, '--condition', 'lpc', '--input', 'data/audio/speech-6.wav', '--out', out], '--condition', /not conditioned/);
    await err(['diffusion', 'restore', '--model', m, '--condition', 'none', '--input', 'data/audio/speech-6.wav', '--out', out], '--condition', /drop --condition none/);
    await err(['diffusion', 'restore', '--model', plain, '--from', 'lpc', '--input', 'data/audio/speech-6.wav', '--out', out], '--from', /not LPC-conditioned/);
  }, 120_000);
});
