// Structural similarity (src/core/ssim.ts): every case of a PyTorch fixture (bench/peers/torch_ssim.py,
// which also checks itself against a direct 2-D loop) to 1e-10 relative, closed forms (identical
// images, constant images, 1 × 1 images), symmetry, the shrunken window of small images, the
// batch form, and typed errors for each bad input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ssim, ssimBatch, type SsimOptions } from '../src/core/ssim.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';

interface SsimCase {
  id: string;
  count: number;
  height: number;
  width: number;
  options: SsimOptions;
  a: number[];
  b: number[];
  ssim: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ssim.json', import.meta.url), 'utf8')) as { provenance: string; cases: SsimCase[] };
const REL = 1e-10;

function relDiff(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Uniform [0, 1) pixels from a seeded generator. */
function image(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform());
}

describe('ssim against PyTorch (test/fixtures/ssim.json)', () => {
  it('the fixture has cases and says where they came from', () => {
    expect(fixture.cases.length).toBeGreaterThan(0);
    expect(fixture.provenance).toMatch(/bench\/peers\/torch_ssim\.py.*torch/);
  });

  for (const c of fixture.cases) {
    it(c.id, () => {
      expect(c.a.length).toBe(c.count * c.height * c.width);
      expect(c.ssim.length).toBe(c.count);
      const batch = ssimBatch(c.a, c.b, c.count, c.height, c.width, c.options);
      for (let i = 0; i < c.count; i++) {
        expect(relDiff(batch[i], c.ssim[i]), `${c.id}[${i}]: ${batch[i]} vs ${c.ssim[i]}`).toBeLessThanOrEqual(REL);
      }
      if (c.count === 1) {
        const s = ssim(c.a, c.b, c.height, c.width, c.options);
        expect(relDiff(s, c.ssim[0]), `${c.id}: ${s} vs ${c.ssim[0]}`).toBeLessThanOrEqual(REL);
      }
    });
  }
});

describe('ssim closed forms and properties', () => {
  it('ssim(x, x) is exactly 1', () => {
    for (const [h, w, opts] of [[28, 28, {}], [8, 8, {}], [9, 30, {}], [1, 1, {}], [14, 14, { dataRange: 255, windowSize: 7, sigma: 1 }]] as [number, number, SsimOptions][]) {
      const scale = opts.dataRange ?? 1;
      const x = image(h * w, 7 + h * w).map((v) => Math.round(v * scale * 1e6) / 1e6);
      expect(ssim(x, x, h, w, opts)).toBe(1);
    }
  });

  it('two constant images give (2 c1 c2 + C1) / (c1² + c2² + C1)', () => {
    for (const [c1, c2, h, w, opts] of [
      [0.2, 0.7, 28, 28, {}],
      [0, 0.5, 14, 14, {}],
      [0, 0, 12, 12, {}],
      [0.9, 0.9, 8, 8, {}],
      [30, 200, 16, 20, { dataRange: 255 }],
      [0.4, 0.1, 5, 3, { k1: 0.05, windowSize: 3, sigma: 0.7 }],
    ] as [number, number, number, number, SsimOptions][]) {
      const C1 = ((opts.k1 ?? 0.01) * (opts.dataRange ?? 1)) ** 2;
      const expected = (2 * c1 * c2 + C1) / (c1 * c1 + c2 * c2 + C1);
      const s = ssim(new Float64Array(h * w).fill(c1), new Float64Array(h * w).fill(c2), h, w, opts);
      expect(Math.abs(s - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
    }
  });

  it('a 1 × 1 image has one window of one pixel: the luminance term alone', () => {
    const C1 = 1e-4;
    expect(ssim([0.3], [0.8], 1, 1)).toBeCloseTo((2 * 0.3 * 0.8 + C1) / (0.09 + 0.64 + C1), 15);
  });

  it('is symmetric, at most 1, and lower for noisier copies', () => {
    const a = image(28 * 28, 1);
    const b = image(28 * 28, 2);
    expect(ssim(a, b, 28, 28)).toBe(ssim(b, a, 28, 28));
    const rng = createRng(3);
    let last = 1;
    for (const noise of [0.01, 0.05, 0.2]) {
      const n = a.map((v) => Math.min(1, Math.max(0, v + noise * rng.normal())));
      const s = ssim(a, n, 28, 28);
      expect(s).toBe(ssim(n, a, 28, 28));
      expect(s).toBeLessThan(last);
      last = s;
    }
    expect(ssim(a, a.map((v) => 1 - v), 28, 28)).toBeLessThan(0);
  });

  it('an image smaller than the window uses the largest odd window that fits', () => {
    const a = image(64, 4);
    const b = image(64, 5);
    expect(ssim(a, b, 8, 8)).toBe(ssim(a, b, 8, 8, { windowSize: 7 }));
    const c = image(49, 6);
    const d = image(49, 7);
    expect(ssim(c, d, 7, 7)).toBe(ssim(c, d, 7, 7, { windowSize: 7 }));
  });

  it('accepts plain arrays and Float32Array', () => {
    const a = Float32Array.from(image(196, 8));
    const b = Float32Array.from(image(196, 9));
    expect(ssim(a, b, 14, 14)).toBe(ssim(Array.from(a), Array.from(b), 14, 14));
  });

  it('ssimBatch equals ssim image by image', () => {
    const [count, h, w] = [5, 12, 17];
    const a = image(count * h * w, 10);
    const b = a.map((v, i) => (i % 3 === 0 ? 1 - v : v * 0.9));
    const opts = { windowSize: 5, sigma: 1.2 };
    const batch = ssimBatch(a, b, count, h, w, opts);
    expect(batch).toBeInstanceOf(Float64Array);
    expect(batch.length).toBe(count);
    for (let i = 0; i < count; i++) {
      expect(batch[i]).toBe(ssim(a.subarray(i * h * w, (i + 1) * h * w), b.subarray(i * h * w, (i + 1) * h * w), h, w, opts));
    }
  });
});

describe('ssim typed errors', () => {
  const err = (f: () => unknown): Error & { argument?: string } => {
    try { f(); } catch (e) { return e as Error & { argument?: string }; }
    throw new Error('no error');
  };
  const x = image(16, 11);
  const y = image(16, 12);

  it('sizes and lengths', () => {
    for (const [f, arg] of [
      [() => ssim(x, y, 0, 16), 'height'],
      [() => ssim(x, y, -4, -4), 'height'],
      [() => ssim(x, y, 4, 0), 'width'],
      [() => ssim(x, y, 4.5, 4), 'height'],
      [() => ssim(x, y, 4, Number.NaN), 'width'],
      [() => ssim(x.subarray(1), y, 4, 4), 'a'],
      [() => ssim(x, y.subarray(1), 4, 4), 'b'],
      [() => ssim(x, y, 4, 5), 'a'],
      [() => ssimBatch(x, y, 0, 2, 2), 'count'],
      [() => ssimBatch(x, y, 1.5, 2, 2), 'count'],
      [() => ssimBatch(x, y, 3, 2, 2), 'a'],
      [() => ssimBatch(x, y.subarray(4), 4, 2, 2), 'b'],
      [() => ssimBatch(x, y, 4, 0, 2), 'height'],
    ] as [() => unknown, string][]) {
      expect(f).toThrow(ArgumentError);
      expect(err(f).argument).toBe(arg);
    }
  });

  it('options', () => {
    for (const [opts, arg] of [
      [{ windowSize: 10 }, 'windowSize'],
      [{ windowSize: 0 }, 'windowSize'],
      [{ windowSize: -3 }, 'windowSize'],
      [{ windowSize: 3.5 }, 'windowSize'],
      [{ sigma: 0 }, 'sigma'],
      [{ sigma: Number.POSITIVE_INFINITY }, 'sigma'],
      [{ dataRange: 0 }, 'dataRange'],
      [{ dataRange: -1 }, 'dataRange'],
      [{ dataRange: Number.NaN }, 'dataRange'],
      [{ k1: 0 }, 'k1'],
      [{ k2: -0.03 }, 'k2'],
    ] as [SsimOptions, string][]) {
      expect(() => ssim(x, y, 4, 4, opts)).toThrow(ArgumentError);
      expect(err(() => ssim(x, y, 4, 4, opts)).argument).toBe(arg);
      expect(err(() => ssimBatch(x, y, 1, 4, 4, opts)).argument).toBe(arg);
    }
  });

  it('non-finite pixel values', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const z = Float64Array.from(x);
      z[5] = bad;
      expect(() => ssim(z, y, 4, 4)).toThrow(DataError);
      expect(err(() => ssim(z, y, 4, 4)).argument).toBe('a');
      expect(err(() => ssim(x, z, 4, 4)).argument).toBe('b');
      expect(() => ssimBatch(x, z, 4, 2, 2)).toThrow(DataError);
      expect(err(() => ssimBatch(x, z, 4, 2, 2)).argument).toBe('b');
    }
  });
});
