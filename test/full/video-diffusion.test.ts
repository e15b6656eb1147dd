// The frame diffusion model learns motion (src/hybrid/video.ts): on a toy — a 3×3 square moving one
// pixel right per frame in 8×8 frames — 1000 training steps (~25 s) predict the next frame of
// held-out sequences with under half copy-last-frame's error, and fill a hidden middle frame with
// under 80% of the error of copying the frame before it. (Identities, seeds and errors are in
// test/video.test.ts.)
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine } from '../../src/neural/engine/index.js';
import { fitVideoDiffusion, frameScores, copyLastFrame, type VideoDiffusion } from '../../src/hybrid/video.js';
import { createRng } from '../../src/core/rng.js';

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

function squares(count: number, length: number, seed: number): Float32Array {
  const rng = createRng(seed), size = 8, px = 64;
  const frames = new Float32Array(count * length * px);
  for (let s = 0; s < count; s++) {
    const r = Math.floor(rng.uniform() * 6), c = Math.floor(rng.uniform() * 8);
    for (let t = 0; t < length; t++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) frames[(s * length + t) * px + (r + i) * size + ((c + t + j) % size)] = 1;
  }
  return frames;
}

describe('the frame diffusion model on a moving square', () => {
  let model: VideoDiffusion;
  beforeAll(() => {
    model = fitVideoDiffusion({ frames: squares(64, 6, 1), count: 64, length: 6, size: 8 }, { steps: 1000, batchSize: 16, lr: 5e-3, baseChannels: 8, channelMults: [1, 2], framesPerSequence: 4, seed: 3 });
  }, 240_000);
  const test = squares(8, 6, 2);
  /** Frames from..from+len of each of the 8 held-out sequences. */
  const part = (from: number, len: number) => {
    const out = new Float32Array(8 * len * 64);
    for (let s = 0; s < 8; s++) out.set(test.subarray((s * 6 + from) * 64, (s * 6 + from + len) * 64), s * len * 64);
    return out;
  };

  it('predicts the next frame with under half the error of copying the last', () => {
    const p = model.predict(part(0, 3), 3, 1, { steps: 10, rng: createRng(1) });
    const mse = frameScores(p, part(3, 1), 1, 8).mse[0];
    const floor = frameScores(copyLastFrame(part(0, 3), 3, 1, 8), part(3, 1), 1, 8).mse[0];
    expect(mse).toBeLessThan(0.5 * floor);
  });

  it('fills a hidden frame with under 80% of the error of copying the one before it', () => {
    const p = model.interpolate(part(0, 2), part(3, 1), { steps: 10, rng: createRng(3) });
    const mse = frameScores(p, part(2, 1), 1, 8).mse[0];
    const prev = frameScores(copyLastFrame(part(0, 2), 2, 1, 8), part(2, 1), 1, 8).mse[0];
    expect(mse).toBeLessThan(0.8 * prev);
  });
});
