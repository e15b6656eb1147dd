// Text → image with both families (src/hybrid/text-to-image.ts): the GPT as an encoder (its final
// states are what its head reads: logits = states · wteᵀ), classifier-free guidance on a context
// against its formula, a toy whose two captions ask for two different pictures, save/load, errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine } from '../src/neural/engine/index.js';
import { trainGPT } from '../src/neural/gpt.js';
import { UNet2DDenoiser } from '../src/diffusion/denoisers/unet2d.js';
import { contextGuidedPredict, plainPredict } from '../src/diffusion/guidance.js';
import { captionTokenWidth, encodeCaptionTokens, encodeCaptions, fitTextToImage, textToImageFromJSON } from '../src/hybrid/text-to-image.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

describe('text → image', () => {
  it('the encoder\'s final states give its logits through the tied head (1e-4)', () => {
    const gpt = trainGPT('a bold seven\na thin one\n'.repeat(20), { preset: 'tiny', steps: 5, blockSize: 16 });
    const ids = gpt.tokenizer.encode('a bold');
    const h = gpt.hiddenStates(ids), logits = gpt.logits(ids);
    const C = gpt.config.dModel, V = gpt.config.vocabSize;
    const wte = gpt.params.get('wte').dataSync();
    let worst = 0;
    for (let t = 0; t < ids.length; t++) {
      for (let v = 0; v < V; v++) {
        let z = 0;
        for (let c = 0; c < C; c++) z += h[t * C + c] * wte[v * C + c];
        worst = Math.max(worst, Math.abs(z - logits[t * V + v]));
      }
    }
    expect(worst).toBeLessThan(1e-4);
    gpt.dispose();
  });

  it('a caption\'s token context is [mean state, mean embedding | per character: state, embedding (unit RMS), padded to T | flags]; repeated captions are encoded once', () => {
    const gpt = trainGPT('a bold seven\na thin one\n'.repeat(20), { preset: 'tiny', steps: 5, blockSize: 16 });
    const C = gpt.config.dModel, W = captionTokenWidth(gpt), T = 12, K = W + T * (W + 1);
    expect(W).toBe(2 * C);
    const rows = encodeCaptionTokens(gpt, ['a bold', 'thin one', 'a bold'], T);
    expect(rows.length).toBe(3 * K);
    const pooled = encodeCaptions(gpt, ['a bold', 'thin one']);
    const wte = gpt.params.get('wte').dataSync();
    ['a bold', 'thin one'].forEach((caption, r) => {
      const ids = gpt.tokenizer.encode(caption), h = gpt.hiddenStates(ids), row = rows.subarray(r * K, (r + 1) * K);
      for (let c = 0; c < C; c++) expect(row[c]).toBeCloseTo(pooled[r * C + c], 6);
      ids.forEach((v, t) => {
        const e = Array.from(wte.subarray(v * C, (v + 1) * C)), rms = Math.sqrt(e.reduce((s, x) => s + x * x, 0) / C);
        for (let c = 0; c < C; c++) {
          expect(row[W + t * W + c]).toBe(h[t * C + c]);
          expect(row[W + t * W + C + c]).toBeCloseTo(e[c] / rms, 5);
        }
      });
      let ss = 0;
      for (let c = 0; c < C; c++) ss += row[W + C + c] ** 2;
      expect(Math.sqrt(ss / C)).toBeCloseTo(1, 5);
      for (let i = ids.length * W; i < T * W; i++) expect(row[W + i]).toBe(0);
      for (let t = 0; t < T; t++) expect(row[W + T * W + t]).toBe(t < ids.length ? 1 : 0);
    });
    expect(rows.subarray(2 * K)).toEqual(rows.subarray(0, K));
    expect(() => encodeCaptionTokens(gpt, ['a bold seven and more'], 8)).toThrow(expect.objectContaining({ argument: 'prompt' }));
    expect(() => encodeCaptionTokens(gpt, ['a'], 17)).toThrow(expect.objectContaining({ argument: 'tokens' }));
    gpt.dispose();
  });

  it('guidance on a context is ε(x, 0) + s·(ε(x, c) − ε(x, 0)) (1e-5); s = 1 is the plain prediction', () => {
    const d = new UNet2DDenoiser({ height: 4, width: 4, baseChannels: 8, channelMults: [1, 2], groups: 4, timeEmbedding: 16, contextSize: 3, seed: 1 });
    const rng = createRng(2);
    const x = Float32Array.from({ length: 2 * 16 }, () => rng.normal()), t = Float32Array.of(100, 700);
    const c = Float32Array.from({ length: 6 }, () => rng.normal());
    const cond = plainPredict(d, undefined, c)(x, t), uncond = plainPredict(d, undefined, new Float32Array(6))(x, t);
    const g = contextGuidedPredict(d, c, 3)(x, t);
    g.forEach((v, i) => expect(Math.abs(v - (uncond[i] + 3 * (cond[i] - uncond[i])))).toBeLessThan(1e-5));
    expect(contextGuidedPredict(d, c, 1)(x, t)).toEqual(cond);
    expect(() => contextGuidedPredict(d, c, -1)).toThrow(ArgumentError);
  });

  it.each(['cross-attention', 'pooled'] as const)('a toy (%s): "top" and "left" captions ask for a bright top or left half, and the samples follow the prompt; save/load keeps them', (conditioning) => {
    const n = 64, P = 16, images = new Float32Array(n * P), captions: string[] = [];
    for (let i = 0; i < n; i++) {
      const top = i % 2 === 0;
      captions.push(top ? 'bright top' : 'bright left');
      for (let p = 0; p < P; p++) images[i * P + p] = (top ? p < 8 : p % 4 < 2) ? 1 : 0;
    }
    const m = fitTextToImage(images, captions, {
      encoder: { steps: 60, blockSize: 16 }, steps: 300, seed: 1, lr: 2e-3, conditioning,
      denoiser: { kind: 'unet2d', height: 4, width: 4, baseChannels: 8, channelMults: [1, 2], groups: 4, timeEmbedding: 16 },
    });
    const contrast = (x: Float64Array) => {
      // Ink in the top half minus ink in the left half, per image.
      let s = 0;
      for (let i = 0; i < x.length; i++) { const p = i % P; s += (p < 8 ? x[i] : 0) - (p % 4 < 2 ? x[i] : 0); }
      return s / (x.length / P);
    };
    const top = m.sample('bright top', 16, { rng: createRng(3), guidance: 2, scheduler: 'dpm++', steps: 20 });
    const left = m.sample('bright left', 16, { rng: createRng(3), guidance: 2, scheduler: 'dpm++', steps: 20 });
    // A perfect top image scores +4, a perfect left image −4.
    expect(contrast(top)).toBeGreaterThan(1.5);
    expect(contrast(left)).toBeLessThan(-1.5);
    expect(m.conditioning).toBe(conditioning);
    const again = textToImageFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(again.conditioning).toBe(conditioning);
    expect(again.sample('bright top', 2, { rng: createRng(4) })).toEqual(m.sample('bright top', 2, { rng: createRng(4) }));
    expect(() => m.sample('', 1, { rng: createRng(1) })).toThrow(DataError);
    expect(() => m.sample('x'.repeat(40), 1, { rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'prompt' }));
    expect(() => m.sample(['a', 'b'], 3, { rng: createRng(1) })).toThrow(/2 prompts for 3 images/);
    expect(() => m.sample('bright top', 1e9, { rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'n' }));
    expect(() => fitTextToImage(images.subarray(0, 16), ['one'])).toThrow(DataError);
    expect(() => fitTextToImage(images, captions, { captionDropout: 1 })).toThrow(expect.objectContaining({ argument: 'captionDropout' }));
    expect(() => textToImageFromJSON({ ...m.toJSON(), version: 9 })).toThrow(/version 9/);
    again.dispose();
    m.dispose();
  }, 120_000);
});
