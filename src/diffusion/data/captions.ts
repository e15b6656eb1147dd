/**
 * Captions for digit images, made from the label and from attributes measured on the image itself
 * — the data of a text-conditioned digit model. Pure functions on typed arrays.
 *
 * 1. Attributes ({@link digitAttributes}), on grey levels v ≥ 0 of a size × size image with rows
 *    running down: ink mass m = Σ v; the bounding box of the pixels with v ≥ 0.2; stroke thickness
 *    = m / (box height) (ink per row the digit spans); slant = −μ₁₁/μ₀₂ from the ink's second
 *    central moments (x to the right, y down: positive when the top leans right, the shear of an
 *    italic); size = the box's larger side in pixels.
 * 2. Bins ({@link attributeBins}): each attribute cut at its terciles over a reference set (the
 *    training digits): thin/regular/bold, leaning left/upright/leaning right, small/medium/large.
 * 3. Captions ({@link captionDigits}): a template with the digit (a number word or the numeral) and
 *    zero to three attribute phrases, words drawn from synonyms. The 'train' and 'test' splits use
 *    disjoint templates and synonym sets, so the test captions are phrasings never seen in training
 *    ("a bold seven" in training, "the digit 7, heavy" only in testing).
 */
import { ArgumentError, DataError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { checkRng } from '../../core/validate.js';

export interface DigitAttributes {
  /** Σ of the grey levels. */
  ink: Float64Array;
  /** Ink per row of the bounding box. */
  thickness: Float64Array;
  /** −μ₁₁/μ₀₂: positive leans right. */
  slant: Float64Array;
  /** The bounding box's larger side, in pixels. */
  size: Float64Array;
}

const INK = 0.2;

/** Step 1 for n images of size × size (row-major, grey levels ≥ 0). An empty image is a DataError. */
export function digitAttributes(images: ArrayLike<number>, size: number): DigitAttributes {
  if (!Number.isInteger(size) || size < 2) throw new ArgumentError(`size must be an integer ≥ 2, got ${size}`, 'size');
  const P = size * size;
  if (images.length === 0 || images.length % P !== 0) throw new DataError(`images has ${images.length} values, not whole images of ${size}×${size}`, 'images');
  const n = images.length / P;
  const ink = new Float64Array(n), thickness = new Float64Array(n), slant = new Float64Array(n), box = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0, sx = 0, sy = 0, top = size, bottom = -1, left = size, right = -1;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = images[i * P + y * size + x];
        if (!(v >= 0) || !Number.isFinite(v)) throw new DataError(`image ${i}: pixel (${y}, ${x}) is ${v}; grey levels must be finite and ≥ 0`, 'images');
        m += v; sx += v * x; sy += v * y;
        if (v >= INK) { top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x); }
      }
    }
    if (bottom < 0) throw new DataError(`image ${i} has no ink (no pixel reaches ${INK}); a caption needs a digit`, 'images');
    const cx = sx / m, cy = sy / m;
    let mu11 = 0, mu02 = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = images[i * P + y * size + x];
        mu11 += v * (x - cx) * (y - cy);
        mu02 += v * (y - cy) * (y - cy);
      }
    }
    const height = bottom - top + 1, width = right - left + 1;
    ink[i] = m;
    thickness[i] = m / height;
    slant[i] = mu02 > 0 ? -mu11 / mu02 + 0 : 0; // + 0: no −0 for an upright stroke
    box[i] = Math.max(height, width);
  }
  return { ink, thickness, slant, size: box };
}

/** The two cut points of each attribute (terciles of a reference set). */
export interface AttributeBins {
  thickness: readonly [number, number];
  slant: readonly [number, number];
  size: readonly [number, number];
}

function terciles(v: Float64Array): [number, number] {
  const s = Float64Array.from(v).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return [at(1 / 3), at(2 / 3)];
}

/** Step 2: tercile cut points of the reference attributes (at least 3 images). */
export function attributeBins(reference: DigitAttributes): AttributeBins {
  if (reference.ink.length < 3) throw new DataError('attribute bins need at least 3 reference images', 'reference');
  return { thickness: terciles(reference.thickness), slant: terciles(reference.slant), size: terciles(reference.size) };
}

/** Bin 0, 1 or 2 of a value against two cut points. */
export function binOf(v: number, cuts: readonly [number, number]): 0 | 1 | 2 {
  return v < cuts[0] ? 0 : v < cuts[1] ? 1 : 2;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Words and templates per split: {digit}, {thick}, {slant}, {size} are filled, empty phrases dropped. */
const PHRASES = {
  train: {
    thick: [['thin', 'light', 'slim'], [], ['bold', 'thick']],
    slant: [['leaning left', 'slanted left'], ['upright', 'straight'], ['leaning right', 'slanted right']],
    size: [['small', 'little'], [], ['large', 'big']],
    templates: ['a {size} {thick} {digit}', 'a {thick} {digit} {slant}', '{size} {digit}, {slant}', 'the number {digit}, {thick} and {slant}', 'a {digit}', '{thick} {digit} {slant}'],
  },
  test: {
    thick: [['thin-stroked', 'fine'], [], ['heavy', 'thick-stroked']],
    slant: [['tilted to the left', 'tipped left'], ['standing straight', 'not slanted'], ['tilted to the right', 'tipped right']],
    size: [['tiny', 'compact'], [], ['huge', 'wide']],
    templates: ['the digit {digit}, {thick}', 'a {size} {digit} {slant}', 'the figure {digit}: {thick}, {size}'],
  },
} as const;

export type CaptionSplit = keyof typeof PHRASES;

export interface CaptionOptions {
  /** Attribute bins (default: terciles of these images). */
  bins?: AttributeBins;
  /** Which phrasings: 'train' (default) or 'test' (templates and words never used in 'train'). */
  split?: CaptionSplit;
  rng: Rng;
  /** Image side (default: from the number of pixels per image, for n images given by labels). */
  size?: number;
}

export interface Captions {
  captions: string[];
  /** Per image: the attribute bins 0…2 of thickness, slant, size. */
  bins: Int8Array;
}

/** A filled template without the marks its empty phrases leave: doubled spaces, ", and", ": ,", a trailing comma; "a eight" → "an eight". */
function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/, and /g, ', ')
    .replace(/:\s*,\s*/g, ': ')
    .replace(/\s*[,:]\s*$/, '')
    .trim()
    .replace(/\ba (?=[aeiou8])/g, 'an ');
}

/** Step 3: one caption per image. */
export function captionDigits(images: ArrayLike<number>, labels: ArrayLike<number>, options: CaptionOptions): Captions {
  if (!options || typeof options !== 'object') throw new ArgumentError('give options with a seeded rng', 'options');
  checkRng(options.rng);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`split must be 'train' or 'test', got '${String(split)}'`, 'split');
  const n = labels.length;
  if (n < 1) throw new DataError('give at least one image and its label', 'labels');
  const size = options.size ?? Math.round(Math.sqrt(images.length / n));
  if (images.length !== n * size * size) throw new DataError(`${n} labels for ${images.length} pixels of ${size}×${size} images`, 'labels');
  const attrs = digitAttributes(images, size);
  const bins = options.bins ?? attributeBins(attrs);
  const words = PHRASES[split];
  const rng = options.rng;
  const pick = <T>(xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(rng.uniform() * xs.length))];
  const captions: string[] = [];
  const out = new Int8Array(3 * n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c > 9) throw new DataError(`label ${i} is ${c}; digits are 0…9`, 'labels');
    const b = [binOf(attrs.thickness[i], bins.thickness), binOf(attrs.slant[i], bins.slant), binOf(attrs.size[i], bins.size)];
    out.set(b, 3 * i);
    const slot = (options: readonly string[]) => (options.length ? pick(options) : '');
    const fill: Record<string, string> = {
      digit: rng.uniform() < 0.5 ? NUMBER_WORDS[c] : String(c),
      thick: slot(words.thick[b[0]]), slant: slot(words.slant[b[1]]), size: slot(words.size[b[2]]),
    };
    captions.push(tidy(pick(words.templates).replace(/\{(\w+)\}/g, (_, k: string) => fill[k])));
  }
  return { captions, bins: out };
}

/**
 * Which attribute bins a caption of `split` names, read back from its words: [thickness, slant,
 * size], each 0…2, or −1 when the caption does not mention that attribute.
 */
export function mentionedBins(caption: string, split: CaptionSplit = 'train'): [number, number, number] {
  const words = PHRASES[split];
  const find = (table: readonly (readonly string[])[]) => {
    // Longest phrases first, so "thick-stroked" is not read as "thick".
    const hits = table.flatMap((ws, b) => ws.map((w) => ({ w, b }))).sort((p, q) => q.w.length - p.w.length);
    for (const { w, b } of hits) if (new RegExp(`(^|[\\s,:])${w}($|[\\s,:])`).test(caption)) return b;
    return -1;
  };
  return [find(words.thick), find(words.slant), find(words.size)];
}
