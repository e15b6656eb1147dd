// The generative registry (src/generative.ts): every kind it lists is built here by a few training
// steps, saved, restored by the root `loadModel` (by kind, without naming the model), and saved
// again to the same JSON; forecasters go through the same call; bad files are typed errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { GENERATIVE_MODELS, loadModel, modelKinds, type GenerativeModel } from '../src/generative.js';
import { MODELS } from '../src/registry.js';
import { createRng } from '../src/core/rng.js';
import { DataError } from '../src/core/errors.js';
import { fitDiffusion } from '../src/diffusion/model.js';
import { trainTextDiffusion } from '../src/diffusion/text.js';
import { trainGPT } from '../src/neural/gpt.js';
import { trainImageGPT } from '../src/neural/image-gpt.js';
import { trainConvGRU } from '../src/neural/conv-gru.js';
import { trainClassifier } from '../src/neural/classifier.js';
import { fitTextToImage } from '../src/hybrid/text-to-image.js';
import { fitVideoDiffusion } from '../src/hybrid/video.js';
import { fitCSDI } from '../src/hybrid/csdi.js';
import { fitRefiner } from '../src/hybrid/refine.js';
import { fitScenarioDiffusion } from '../src/hybrid/scenarios.js';
import { fitModel } from '../src/registry.js';

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

const rng = createRng(7);
const normals = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
const images = Float32Array.from({ length: 8 * 16 }, (_, i) => ((i % 16) < 8 ? 0.9 : 0.1));
const labels = Int32Array.from({ length: 8 }, (_, i) => i % 2);
const frames = Float32Array.from({ length: 4 * 5 * 64 }, () => rng.uniform());
const text = 'a bold seven\na thin one\n'.repeat(10);

/** The smallest model of each kind: a few steps, the smallest sizes. */
const BUILD: Record<string, () => GenerativeModel> = {
  'diffusion': () => fitDiffusion(normals(64), 2, { steps: 2, denoiser: { kind: 'mlp', width: 8, blocks: 1 } }),
  'text-diffusion': () => trainTextDiffusion(text, { preset: 'tiny', steps: 2, blockSize: 8, evalSamples: 1 }),
  'gpt': () => trainGPT(text, { preset: 'tiny', steps: 2, blockSize: 8 }),
  'image-gpt': () => trainImageGPT(images, labels, { nLayer: 1, nHead: 2, dModel: 16, steps: 1 }),
  'conv-gru-video': () => trainConvGRU(frames, 5, 8, { hidden: 4, steps: 1 }),
  'classifier': () => trainClassifier(images, labels, 16, { hidden: [4], steps: 2 }),
  'text-to-image': () => fitTextToImage(images, ['top', 'left', 'top', 'left', 'top', 'left', 'top', 'left'], {
    encoder: { steps: 2, blockSize: 8 }, steps: 1,
    denoiser: { kind: 'unet2d', height: 4, width: 4, baseChannels: 8, channelMults: [1, 2], groups: 4, timeEmbedding: 16 },
  }),
  'video-diffusion': () => fitVideoDiffusion({ frames, count: 4, length: 5, size: 8 }, { steps: 1, batchSize: 4, baseChannels: 8, channelMults: [1, 2], framesPerSequence: 1 }),
  'csdi': () => fitCSDI({ names: ['x', 'y'], columns: [normals(24), normals(24)] }, { window: 12, layers: 1, channels: 8, heads: 2, feedForward: 16, diffusionEmbedding: 16, timeEmbedding: 8, featureEmbedding: 4, epochs: 1, batchesPerEpoch: 1, batchSize: 4 }),
  'refiner': () => fitRefiner(normals(80), { context: 8, horizon: 4, diffusion: { steps: 1, denoiser: { kind: 'mlp', width: 8, blocks: 1 } } }),
  'scenario-diffusion': () => fitScenarioDiffusion(normals(200), { window: 5, steps: 1, batchSize: 8, diffusionSteps: 5, residualLayers: 1, residualChannels: 4, paths: 4 }),
};

describe('generative registry', () => {
  it('lists every generative kind once, with a builder here for each (the loop below cannot run zero cases)', () => {
    const kinds = GENERATIVE_MODELS.map((m) => m.kind);
    expect(kinds.length).toBeGreaterThanOrEqual(11);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.keys(BUILD).sort()).toEqual([...kinds].sort());
    // No kind is both a forecaster and a generative model.
    for (const m of MODELS) expect(kinds).not.toContain(m.producesKind);
    expect(modelKinds()).toEqual(expect.arrayContaining([...kinds, 'arima', 'timegrad']));
  });

  it.each(GENERATIVE_MODELS.map((m) => [m.kind] as const))('%s: saved, restored by loadModel, saved again to the same JSON; dispose frees every tensor', async (kind) => {
    const before = tf.memory().numTensors;
    const model = BUILD[kind]();
    expect(model.kind).toBe(kind);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as unknown;
    const restored = await loadModel(json);
    expect((restored as GenerativeModel).kind).toBe(kind);
    expect(JSON.parse(JSON.stringify((restored as GenerativeModel).toJSON()))).toEqual(json);
    // A field of the wrong type deep inside: a DataError naming the model file, not a TypeError.
    const broken = { ...(json as Record<string, unknown>) };
    for (const k of Object.keys(broken)) if (k !== 'kind') broken[k] = k === 'version' ? broken[k] : 'x';
    await expect(loadModel(broken)).rejects.toMatchObject({ argument: 'model' });
    (restored as GenerativeModel).dispose?.();
    model.dispose?.();
    expect(tf.memory().numTensors, 'tensors left after dispose').toBe(before);
  }, 60_000);

  it('restores forecasters through the same call', async () => {
    const fit = await fitModel('arima', Array.from({ length: 40 }, (_, i) => Math.sin(i / 3) + i / 10), { order: [1, 0, 0] });
    const again = await loadModel(JSON.parse(JSON.stringify(fit.toJSON())));
    expect(again.toJSON()).toEqual(fit.toJSON());
  });

  it('typed errors for what is not a model file', async () => {
    for (const bad of [null, 3, 'x', [], {}, { kind: 'no-such-model' }]) {
      await expect(loadModel(bad)).rejects.toBeInstanceOf(DataError);
    }
    await expect(loadModel({ kind: 'no-such-model' })).rejects.toThrow(/unknown model kind 'no-such-model'; ardiff writes .*text-to-image/);
  });
});
