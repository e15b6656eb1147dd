/**
 * Moving digits, the video benchmark of Srivastava, Mansimov & Salakhutdinov (2015, "Unsupervised
 * learning of video representations using LSTMs", §3.1 and their moving_mnist generator), built in
 * code from digit images so no download is needed:
 *
 * 1. Each sequence holds one or two digits, drawn uniformly from the images given (a fresh draw per
 *    digit; with the 'test' split's images the sequences never show a training digit).
 * 2. A digit starts at a uniform position (x, y) ∈ [0, 1]² of the free range — the frame less the
 *    digit, `frameSize − digitSize` pixels — and moves in a uniform direction θ with a fixed step of
 *    `stepLength` (default 0.1, theirs) of the free range per frame: x ← x + step·sin θ,
 *    y ← y + step·cos θ.
 * 3. Bouncing: a coordinate that leaves [0, 1] is reflected back in and its velocity component
 *    flips sign (their generator clamps to the edge and flips; reflection keeps the speed constant).
 * 4. The frame is drawn with each digit's top-left corner at round(position · free range) and the
 *    digits combined by the pixelwise maximum (theirs), grey levels in [0, 1].
 *
 * At 14×14 digits in a 28×28 frame this is their 28-in-64 protocol at half the scale: one digit
 * crosses the frame in about ten frames, so 10 frames in and 10 out include bounces.
 */
import { ArgumentError, DataError } from '../../core/errors.js';
import { checkBudget, checkPositiveInt, checkRng } from '../../core/validate.js';
import type { Rng } from '../../core/rng.js';

export interface MovingDigitsOptions {
  /** Number of sequences. */
  count: number;
  /** Frames per sequence (default 20: 10 in, 10 out). */
  frames?: number;
  /** Height and width of a frame (default 28). */
  frameSize?: number;
  /** Digits per sequence, 1 or 2 (default 1). */
  digits?: 1 | 2;
  /** Distance moved per frame as a fraction of the free range (default 0.1). */
  stepLength?: number;
  rng: Rng;
}

export interface MovingDigits {
  /** count × frames × size², row-major frames one after another, grey levels in [0, 1]. */
  readonly frames: Float32Array;
  readonly count: number;
  /** Frames per sequence. */
  readonly length: number;
  /** Frame height and width. */
  readonly size: number;
  /** The class of each digit shown, `digits` per sequence. */
  readonly labels: Int32Array;
  readonly digits: number;
}

/** One coordinate's bounce: p moved by v, reflected back into [0, 1] with v flipped at each wall. */
function bounce(p: number, v: number): [number, number] {
  let q = p + v;
  if (q < 0) { q = -q; v = -v; }
  if (q > 1) { q = 2 - q; v = -v; }
  return [Math.min(1, Math.max(0, q)), v];
}

/**
 * `options.count` sequences of digits from `images` (count × digitSize², grey levels in [0, 1];
 * `labels` their classes) bouncing in `frameSize`² frames.
 */
export function movingDigits(images: ArrayLike<number>, labels: ArrayLike<number>, digitSize: number, options: MovingDigitsOptions): MovingDigits {
  checkRng(options.rng);
  const rng = options.rng;
  checkPositiveInt(digitSize, 'digitSize');
  const count = checkPositiveInt(options.count, 'count');
  const length = checkPositiveInt(options.frames ?? 20, 'frames');
  const size = checkPositiveInt(options.frameSize ?? 28, 'frameSize');
  const digits = options.digits ?? 1;
  if (digits !== 1 && digits !== 2) throw new ArgumentError(`digits must be 1 or 2, got ${String(digits)}`, 'digits');
  const step = options.stepLength ?? 0.1;
  if (!(step >= 0 && step <= 1)) throw new ArgumentError(`stepLength must be in [0, 1] (a fraction of the free range per frame), got ${step}`, 'stepLength');
  if (size < digitSize) throw new ArgumentError(`a ${size}×${size} frame cannot hold a ${digitSize}×${digitSize} digit; use frameSize ≥ ${digitSize}`, 'frameSize');
  const px = digitSize * digitSize;
  const n = images.length / px;
  if (!Number.isInteger(n) || n < 1) throw new DataError(`images: ${images.length} values are not whole ${digitSize}×${digitSize} images`, 'images');
  if (labels.length !== n) throw new DataError(`${labels.length} labels for ${n} images`, 'labels');
  checkBudget(count * length * size * size, 4, 'count', 'frame pixels');
  const frames = new Float32Array(count * length * size * size);
  const shown = new Int32Array(count * digits);
  const free = size - digitSize;
  for (let s = 0; s < count; s++) {
    for (let d = 0; d < digits; d++) {
      const img = Math.floor(rng.uniform() * n);
      shown[s * digits + d] = labels[img];
      let x = rng.uniform(), y = rng.uniform();
      const theta = rng.uniform() * 2 * Math.PI;
      let vx = step * Math.sin(theta), vy = step * Math.cos(theta);
      for (let t = 0; t < length; t++) {
        const top = Math.round(y * free), left = Math.round(x * free);
        const base = (s * length + t) * size * size;
        for (let i = 0; i < digitSize; i++) {
          for (let j = 0; j < digitSize; j++) {
            const v = images[img * px + i * digitSize + j];
            const k = base + (top + i) * size + left + j;
            if (v > frames[k]) frames[k] = v;
          }
        }
        [x, vx] = bounce(x, vx);
        [y, vy] = bounce(y, vy);
      }
    }
  }
  return { frames, count, length, size, labels: shown, digits };
}
