// Captions of digit images (src/diffusion/data/captions.ts): the measured attributes against closed
// forms (a diagonal stroke's slant is exactly ±1, a vertical bar's 0; thickness is ink per row of
// the box), tercile bins, captions that name the digit and whose test phrasings never occur in
// training, seeds, and the typed errors.
import { describe, it, expect } from 'vitest';
import { digitAttributes, attributeBins, binOf, captionDigits, mentionedBins } from '../src/diffusion/data/captions.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

const S = 8;
function image(f: (y: number, x: number) => number): Float32Array {
  return Float32Array.from({ length: S * S }, (_, i) => f(Math.floor(i / S), i % S));
}

describe('digit attributes', () => {
  it('closed forms: slant 0 for a vertical bar, −1 for "\\\\", +1 for "/"; thickness = ink per row of the box; size = the box\'s larger side', () => {
    const bar = image((y, x) => (x >= 3 && x <= 4 && y >= 1 && y <= 6 ? 1 : 0));
    const wide = image((y, x) => (x >= 2 && x <= 4 && y >= 1 && y <= 6 ? 1 : 0));
    const back = image((y, x) => (x === y ? 1 : 0));
    const fwd = image((y, x) => (x === S - 1 - y ? 1 : 0));
    const a = digitAttributes(Float32Array.from([...bar, ...wide, ...back, ...fwd]), S);
    expect(Array.from(a.slant)).toEqual([0, 0, -1, 1]);
    expect(Array.from(a.thickness)).toEqual([2, 3, 1, 1]);
    expect(Array.from(a.ink)).toEqual([12, 18, 8, 8]);
    expect(Array.from(a.size)).toEqual([6, 6, 8, 8]);
  });

  it('tercile bins put a third of the reference in each bin', () => {
    const rng = createRng(1);
    const imgs: number[] = [];
    for (let i = 0; i < 30; i++) { const w = 1 + (i % 3); imgs.push(...image((y, x) => (x >= 2 && x < 2 + w && y >= 1 && y <= 1 + (i % 5) ? 0.5 + 0.5 * rng.uniform() : 0))); }
    const a = digitAttributes(imgs, S);
    const bins = attributeBins(a);
    const counts = [0, 0, 0];
    a.thickness.forEach((v) => counts[binOf(v, bins.thickness)]++);
    expect(counts.every((c) => c >= 8 && c <= 12)).toBe(true);
  });
});

describe('captions', () => {
  const rng = createRng(3);
  const images: number[] = [], labels: number[] = [];
  for (let i = 0; i < 60; i++) {
    const w = 1 + (i % 3), lean = (i % 5) - 2;
    images.push(...image((y, x) => { const c = 3 + Math.round((lean * (4 - y)) / 4); return x >= c && x < c + w && y >= 1 + (i % 2) && y <= 6 ? 0.6 + 0.4 * rng.uniform() : 0; }));
    labels.push(i % 10);
  }
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

  it('name the digit (word or numeral) in every caption; seeded; the bins are the attributes\' bins', () => {
    const r = captionDigits(images, labels, { rng: createRng(1) });
    expect(r.captions).toHaveLength(60);
    r.captions.forEach((c, i) => expect(c.includes(words[labels[i]]) || new RegExp(`\\b${labels[i]}\\b`).test(c)).toBe(true));
    expect(captionDigits(images, labels, { rng: createRng(1) }).captions).toEqual(r.captions);
    const a = digitAttributes(images, S), bins = attributeBins(a);
    labels.forEach((_, i) => expect(r.bins[3 * i + 1]).toBe(binOf(a.slant[i], bins.slant)));
    // No caption is left with the marks of an empty phrase.
    for (const c of r.captions) expect(c).not.toMatch(/\s{2}|,\s*$|:\s*,|, and |\ba [aeiou8]/);
  });

  it('the attribute words read back from a caption are the bins it was made from', () => {
    for (const split of ['train', 'test'] as const) {
      const r = captionDigits(images, labels, { rng: createRng(7), split });
      let mentioned = 0;
      r.captions.forEach((c, i) => {
        const m = mentionedBins(c, split);
        m.forEach((b, k) => { if (b >= 0) { expect(b).toBe(r.bins[3 * i + k]); mentioned++; } });
      });
      expect(mentioned).toBeGreaterThan(30);
    }
  });

  it('the test split\'s phrasings never occur in training captions', () => {
    const train = new Set<string>(), test = new Set<string>();
    for (let s = 0; s < 20; s++) {
      captionDigits(images, labels, { rng: createRng(s) }).captions.forEach((c) => train.add(c));
      captionDigits(images, labels, { rng: createRng(100 + s), split: 'test' }).captions.forEach((c) => test.add(c));
    }
    expect(train.size).toBeGreaterThan(50);
    expect(test.size).toBeGreaterThan(50);
    expect([...test].filter((c) => train.has(c))).toEqual([]);
  });

  it('bad input gets typed errors', () => {
    expect(() => digitAttributes(new Float32Array(S * S), S)).toThrow(/no ink/);
    expect(() => digitAttributes(new Float32Array(10), S)).toThrow(DataError);
    expect(() => captionDigits(images, labels.map(() => 10), { rng: createRng(1) })).toThrow(/0…9/);
    expect(() => captionDigits(images, labels, { rng: createRng(1), split: 'dev' as 'test' })).toThrow(ArgumentError);
    expect(() => captionDigits(images, labels.slice(1), { rng: createRng(1) })).toThrow(DataError);
  });
});
