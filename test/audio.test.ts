import { describe, expect, it } from 'vitest';
import { addWhiteNoise, frameCount, frameSignal, hannWindow, overlapAdd, peakNormalise } from '../src/diffusion/data/audio.js';
import { snrDb } from '../src/diffusion/audio.js';
import { readWav } from '../src/node/wav.js';
import { dataPath } from '../src/node/data.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';

function catchError(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

function expectError(f: () => unknown, cls: typeof ArgumentError | typeof DataError, argument: string): void {
  const e = catchError(f);
  expect(e).toBeInstanceOf(cls);
  expect((e as ArgumentError).argument).toBe(argument);
}

const speech = (): Float32Array => readWav(dataPath('audio/speech-4.wav')).channels[0];

describe('snrDb', () => {
  it('known cases', () => {
    expect(snrDb([1, 1, 1, 1], [0.9, 0.9, 0.9, 0.9])).toBeCloseTo(20, 10); // 4 / 0.04
    expect(snrDb([1, -1], [0, 0])).toBeCloseTo(0, 12);
    expect(snrDb([3, 4], [3, 4.5])).toBeCloseTo(10 * Math.log10(25 / 0.25), 12); // 20 dB
    expect(snrDb(Float32Array.from([2]), Float32Array.from([1]))).toBeCloseTo(10 * Math.log10(4), 12);
    expect(snrDb([3, 4], [3, 4])).toBe(Infinity);
    expect(snrDb([0, 0], [0, 1])).toBe(-Infinity);
  });

  it('argument errors', () => {
    expectError(() => snrDb([1, 2], [1]), ArgumentError, 'estimate');
    expectError(() => snrDb([], []), ArgumentError, 'clean');
    expectError(() => snrDb([1, NaN], [1, 2]), DataError, 'clean');
    expectError(() => snrDb([1, 2], [1, Infinity]), DataError, 'estimate');
  });
});

describe('addWhiteNoise', () => {
  it('hits the asked SNR on float64 signals to 1e-9 dB', () => {
    const x = Float64Array.from({ length: 4000 }, (_, i) => Math.sin(i / 7) + 0.3 * Math.cos(i / 3));
    for (const target of [-5, 0, 10, 30, 60]) {
      const y = addWhiteNoise(x, target, createRng(target + 100));
      expect(y).toBeInstanceOf(Float64Array);
      expect(Math.abs(snrDb(x, y) - target)).toBeLessThan(1e-9);
    }
  });

  it('hits the asked SNR on float32 speech to 2e-7 dB', () => {
    const x = speech();
    let worst = 0;
    for (const target of [-10, 0, 5, 10, 20, 40, 60]) {
      for (const seed of [1, 2, 3]) {
        const y = addWhiteNoise(x, target, createRng(seed));
        expect(y).toBeInstanceOf(Float32Array);
        expect(y.length).toBe(x.length);
        worst = Math.max(worst, Math.abs(snrDb(x, y) - target));
      }
    }
    expect(worst).toBeLessThan(2e-7); // unrefined float32 rounding misses by up to ~2e-6 dB
  });

  it('is deterministic in the seed and leaves the input alone', () => {
    const x = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i / 5));
    const copy = x.slice();
    const a = addWhiteNoise(x, 10, createRng(42)), b = addWhiteNoise(x, 10, createRng(42)), c = addWhiteNoise(x, 10, createRng(43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(x).toEqual(copy);
  });

  it('noise looks white and Gaussian: mean about 0, lag-1 correlation about 0', () => {
    const x = new Float64Array(20000).fill(1);
    const y = addWhiteNoise(x, 0, createRng(5)); // noise variance 1
    let m = 0, v = 0, c = 0;
    for (let i = 0; i < y.length; i++) m += y[i] - 1;
    m /= y.length;
    for (let i = 0; i < y.length; i++) v += (y[i] - 1 - m) ** 2;
    for (let i = 1; i < y.length; i++) c += (y[i] - 1 - m) * (y[i - 1] - 1 - m);
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(c / v)).toBeLessThan(0.05);
  });

  it('argument errors', () => {
    const x = Float32Array.from([1, 2, 3]);
    expectError(() => addWhiteNoise(x, NaN, createRng(1)), ArgumentError, 'snrDb');
    expectError(() => addWhiteNoise(x, Infinity, createRng(1)), ArgumentError, 'snrDb');
    expectError(() => addWhiteNoise(new Float32Array(3), 10, createRng(1)), DataError, 'x');
    expectError(() => addWhiteNoise(new Float32Array(0), 10, createRng(1)), DataError, 'x');
    expectError(() => addWhiteNoise(Float32Array.from([1, NaN]), 10, createRng(1)), DataError, 'x');
  });
});

describe('frameSignal / overlapAdd', () => {
  it('frames row-major with zero padding at the end', () => {
    const x = Float32Array.from({ length: 11 }, (_, i) => i + 1);
    expect(frameCount(11, 4, 2)).toBe(5);
    const f = frameSignal(x, 4, 2);
    expect(Array.from(f)).toEqual([1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 7, 8, 7, 8, 9, 10, 9, 10, 11, 0]);
    expect(Array.from(frameSignal([1, 2], 4, 4))).toEqual([1, 2, 0, 0]);
    expect(frameCount(10, 4, 2)).toBe(4);
    expect(frameCount(10, 4, 3)).toBe(3); // starts 0, 3, 6 → covers up to 9
    expect(frameSignal(new Float32Array(10), 4, 3)).toHaveLength(12);
  });

  it('the periodic Hann window', () => {
    expect(Array.from(hannWindow(4))).toEqual([0, 0.5, 1, 0.5].map((v, i) => (i === 1 || i === 3 ? expect.closeTo(v, 15) : v)));
    const w = hannWindow(8);
    expect(w[0]).toBe(0);
    expect(w[4]).toBe(1);
    expect(w[1]).toBeCloseTo(w[7], 15);
  });

  it.each([
    [256, 128, 4000],
    [256, 64, 4000],
    [400, 160, 16000],
    [7, 3, 50],
    [8, 4, 8],
    [8, 8, 37],
    [1, 1, 5],
    [512, 256, 100],
  ])('overlapAdd(frameSignal(x)) = x for length %i, hop %i, n = %i', (length, hop, n) => {
    const rng = createRng(length * 1000 + hop);
    const x = Float32Array.from({ length: n }, () => rng.normal() * 0.3);
    const y = overlapAdd(frameSignal(x, length, hop), length, hop, n);
    expect(y).toHaveLength(n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i] - x[i]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('reconstructs real speech', () => {
    const x = speech();
    const y = overlapAdd(frameSignal(x, 1024, 256), 1024, 256, x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i] - x[i]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('weights overlapping frames by the Hann window', () => {
    // Frame 0 all 1, frame 1 all 3; length 4 (w = 0, ½, 1, ½), hop 2.
    // Sample 2: frame 0 at weight 1, frame 1 at weight 0 → 1; sample 3: ½ and ½ → 2.
    const y = overlapAdd(Float32Array.from([1, 1, 1, 1, 3, 3, 3, 3]), 4, 2, 6);
    expect(Array.from(y)).toEqual([1, 1, 1, 2, 3, 3]);
  });

  it('argument errors name the argument', () => {
    const x = new Float32Array(10);
    expectError(() => frameSignal(x, 0, 1), ArgumentError, 'length');
    expectError(() => frameSignal(x, 2.5, 1), ArgumentError, 'length');
    expectError(() => frameSignal(x, 4, 0), ArgumentError, 'hop');
    expectError(() => frameSignal(x, 4, 5), ArgumentError, 'hop');
    expectError(() => frameSignal(x, 4, 1.5), ArgumentError, 'hop');
    expectError(() => frameSignal([], 4, 2), DataError, 'x');
    expectError(() => frameSignal([1, NaN], 4, 2), DataError, 'x');
    expectError(() => overlapAdd(new Float32Array(7), 4, 2, 6), DataError, 'frames');
    expectError(() => overlapAdd(new Float32Array(4), 4, 2, 6), DataError, 'frames');
    expectError(() => overlapAdd(new Float32Array(8), 4, 2, 0), ArgumentError, 'totalLength');
    expectError(() => overlapAdd(Float32Array.from([0, 0, 0, 0, 0, 0, 0, Infinity]), 4, 2, 6), DataError, 'frames');
    expectError(() => overlapAdd(new Float32Array(8), 4, 9, 6), ArgumentError, 'hop');
  });
});

describe('peakNormalise', () => {
  it('scales the peak to the asked value', () => {
    expect(Array.from(peakNormalise([0.1, -0.4, 0.2]))).toEqual([0.25, -1, 0.5]);
    expect(Array.from(peakNormalise(Float32Array.from([2, -1]), 0.5))).toEqual([0.5, -0.25]);
    expect(Array.from(peakNormalise([0, 0]))).toEqual([0, 0]);
    expectError(() => peakNormalise([1], 0), ArgumentError, 'peak');
    expectError(() => peakNormalise([], 1), DataError, 'x');
  });
});
