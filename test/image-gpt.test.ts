// The autoregressive image model (ImageGPT-style, src/neural/image-gpt.ts): quantisation, the exact
// likelihood against a hand count (an untrained model's bits per pixel from its own logits, and a
// model that has learnt a deterministic toy set approaching 0 bits), cached sampling against the
// full forward pass, prefix completion, class dropout, save/load and the typed errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine } from '../src/neural/engine/index.js';
import { trainImageGPT, imageGPTFromJSON, quantizePixels, dequantizePixels, type ImageGPT } from '../src/neural/image-gpt.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliJson } from './cli-helpers.js';

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

/** Two 4×4 "classes": class 0 a bright left half, class 1 a bright top half (grey 0.9), exactly. */
function toy(n: number): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(n * 16), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 16; p++) images[i * 16 + p] = (labels[i] === 0 ? p % 4 < 2 : p < 8) ? 0.9 : 0;
  }
  return { images, labels };
}

const SMALL = { nLayer: 1, nHead: 2, dModel: 32 };

describe('ImageGPT', () => {
  it('quantises grey levels to bins and back to grey levels in those bins (black stays black, the top level white)', () => {
    expect(Array.from(quantizePixels([0, 0.24, 0.25, 0.5, 0.99, 1], 4))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(Array.from(dequantizePixels([0, 1, 2, 3], 4))).toEqual([0, 1 / 3, 2 / 3, 1].map(Math.fround));
    expect(Array.from(quantizePixels(dequantizePixels([0, 1, 2, 3, 4, 5, 6, 7], 8), 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => quantizePixels([1.5], 4)).toThrow(DataError);
    expect(() => quantizePixels([0.5], 1)).toThrow(/levels/);
  });

  it('bits per pixel is the summed −log₂ softmax of the target pixels under the forward pass (1e-5)', () => {
    const { images, labels } = toy(4);
    const m = trainImageGPT(images, labels, { ...SMALL, steps: 1, seed: 3 });
    const tokens = quantizePixels(images, 4);
    let bits = 0;
    for (let i = 0; i < 4; i++) {
      const seq = [m.classToken(labels[i]), ...tokens.subarray(i * 16, i * 16 + 15)];
      const logits = m.gpt.logits(seq);
      const V = m.gpt.config.vocabSize;
      for (let p = 0; p < 16; p++) {
        const row = logits.subarray(p * V, (p + 1) * V);
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        bits += (lse - row[tokens[i * 16 + p]]) / Math.LN2;
      }
    }
    expect(Math.abs(m.bitsPerPixel(images, labels) - bits / 64)).toBeLessThan(1e-5);
    m.dispose();
  });

  let trained: ImageGPT;
  it('learns a deterministic toy set (below 0.05 bits per pixel given the class), draws it, completes a prefix, and keeps it through save/load', () => {
    const { images, labels } = toy(64);
    trained = trainImageGPT(images, labels, { ...SMALL, steps: 300, batchSize: 16, lr: 1e-2, seed: 1, classDropout: 0.2 });
    expect(trained.training?.losses).toHaveLength(300);
    expect(trained.bitsPerPixel(images, labels)).toBeLessThan(0.05);
    // Without the class the first pixel is a coin toss between the two patterns: about 1 bit per image.
    const unconditional = trained.bitsPerPixel(images.subarray(0, 32), undefined);
    expect(unconditional * 16).toBeGreaterThan(0.5);
    expect(unconditional * 16).toBeLessThan(2);
    const s = trained.sample(4, { classLabel: [0, 1, 0, 1], rng: createRng(2) });
    expect(s.networkCalls).toBe(16);
    const q = quantizePixels(images.subarray(0, 4 * 16), 4);
    expect(Array.from(s.tokens)).toEqual(Array.from(q));
    // Seeded: the same draw again.
    expect(trained.sample(2, { classLabel: 1, rng: createRng(5) }).tokens).toEqual(trained.sample(2, { classLabel: 1, rng: createRng(5) }).tokens);
    // Without a label, the top row's first pixel (bright for both) says nothing; the second row's decides: class 0 has a bright left half.
    const half = Float32Array.from(images.subarray(0, 16));
    const done = trained.complete(half, 6, { rng: createRng(3) });
    expect(done.networkCalls).toBe(10); // the class and 6 known pixels in one pass, then one per drawn pixel but the last
    expect(Array.from(done.tokens)).toEqual(Array.from(q.subarray(0, 16)));
    const again = imageGPTFromJSON(JSON.parse(JSON.stringify(trained.toJSON())));
    expect(again.bitsPerPixel(images, labels)).toBeCloseTo(trained.bitsPerPixel(images, labels), 10);
    expect(again.sample(2, { classLabel: 0, rng: createRng(7) }).tokens).toEqual(trained.sample(2, { classLabel: 0, rng: createRng(7) }).tokens);
    again.dispose();
  }, 120_000);

  it('bad input gets typed errors naming the argument', () => {
    const { images, labels } = toy(4);
    expect(() => trainImageGPT(images, labels.subarray(0, 3), { steps: 1 })).toThrow(DataError);
    expect(() => trainImageGPT(images, Int32Array.of(0, 1, 2, -1), { steps: 1 })).toThrow(expect.objectContaining({ argument: 'labels' }));
    expect(() => trainImageGPT(images, labels, { steps: 1, levels: 17 })).toThrow(expect.objectContaining({ argument: 'levels' }));
    expect(() => trainImageGPT(images, labels, { steps: 1, classes: 1 })).toThrow(DataError);
    expect(() => trainImageGPT(images, labels, { steps: 1, classDropout: 1 })).toThrow(expect.objectContaining({ argument: 'classDropout' }));
    expect(() => trainImageGPT(Float32Array.of(...images.subarray(0, 63), 2), labels, { steps: 1 })).toThrow(/\[0, 1\]/);
    expect(() => trained.sample(2, { classLabel: 2, rng: createRng(1) })).toThrow(ArgumentError);
    expect(() => trained.sample(2, { classLabel: [0], rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'classLabel' }));
    expect(() => trained.complete(images.subarray(0, 16), 16, { rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'known' }));
    expect(() => trained.sample(1, { classLabel: 0, rng: createRng(1), temperature: 0 })).toThrow(/temperature/);
    // An absurd count is refused before any image is made.
    expect(() => trained.sample(1e9, { classLabel: 0, rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'n' }));
    const json = trained.toJSON();
    expect(() => imageGPTFromJSON({ ...json, version: 99 })).toThrow(/version 99/);
    expect(() => imageGPTFromJSON({ ...json, levels: 5 })).toThrow(/corrupt/);
    expect(() => imageGPTFromJSON({ ...json, height: 3 })).toThrow(/corrupt/);
    expect(() => imageGPTFromJSON({ ...json, kind: 'gpt' })).toThrow(DataError);
    trained.dispose();
  });

  it('CLI: image-gpt train on the digits and sample a PNG grid; flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-igpt-'));
    const m = join(dir, 'm.json'), png = join(dir, 'g.png');
    const t = await runCliJson(['image-gpt', 'train', '--dataset', 'mnist', '--steps', '2', '--layers', '1', '--width', '16', '--heads', '2', '--levels', '2', '--out', m]);
    expect(t.code).toBe(0);
    expect(t.json.bitsPerPixel as number).toBeGreaterThan(0);
    // Two steps leave it near uniform over its 13 tokens (2 levels, 10 classes, no class): log₂ 13 = 3.7 bits.
    expect(t.json.bitsPerPixel as number).toBeLessThan(4);
    expect((JSON.parse(readFileSync(m, 'utf8')) as { levels: number }).levels).toBe(2);
    const s = await runCliJson(['image-gpt', 'sample', '--model', m, '--class', 'all', '--n', '1', '--out', png]);
    expect(s.code).toBe(0);
    expect(s.json).toMatchObject({ n: 10, networkCalls: 196 });
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
    const err = async (args: string[], argument: string) => {
      const e = await runCliJson(args);
      expect(e.code).toBe(2);
      expect((e.json.error as { argument: string }).argument).toBe(argument);
    };
    await err(['image-gpt', 'train', '--dataset', 'cifar', '--out', join(dir, 'x.json')], '--dataset');
    await err(['image-gpt', 'train', '--dataset', 'mnist', '--levels', '1', '--out', join(dir, 'x.json')], '--levels');
    await err(['image-gpt', 'train', '--dataset', 'mnist', '--levels', '17', '--steps', '1', '--out', join(dir, 'x.json')], '--levels');
    await err(['image-gpt', 'sample', '--model', m, '--class', '10', '--out', png], '--class');
    await err(['image-gpt', 'sample', '--model', m, '--n', '100000000', '--out', png], '--n');
    await err(['image-gpt', 'sample', '--model', m, '--out', join(dir, 'g.csv')], '--out');
    await err(['image-gpt', 'sample', '--model', m, '--temperature', '0', '--out', png], '--temperature');
    await err(['image-gpt', 'sample', '--model', join(dir, 'missing.json'), '--out', png], '--model');
    // The diffusion U-Net trains on the same quantised digits with --levels (MNIST only).
    await err(['diffusion', 'train', '--dataset', 'moons', '--levels', '4', '--out', join(dir, 'x.json')], '--levels');
    await err(['diffusion', 'train', '--dataset', 'mnist', '--levels', '17', '--out', join(dir, 'x.json')], '--levels');
  }, 120_000);
});
