/**
 * Animated GIFs of greyscale frame sequences (Node: gifenc encodes): the frames of a video, the
 * truth and the predicted ones, as one file that loops. Values are mapped from `range` to 256 grey
 * levels and clipped; the palette is the 256 greys (palette index = level), so nothing is
 * quantised and every level comes back exactly.
 */
import gifenc from 'gifenc';
import { ArgumentError, DataError } from '../core/errors.js';
import { writeFileAtomic } from './files.js';

export interface GifOptions {
  /** Width of one frame, in values. */
  width: number;
  /** Height of one frame, in values. */
  height: number;
  /** frames per second, default 4 */
  fps?: number;
  /** pixel upscaling factor, default 4 */
  scale?: number;
  /** loop forever (default true) */
  loop?: boolean;
  /** value mapped to black and white, default [0, 1] */
  range?: [number, number];
}

// Node's ES import gives gifenc's module.exports, vitest and bundlers its default export (see src/types/gifenc.d.ts).
const GIFEncoder = typeof gifenc === 'function' ? gifenc : gifenc.GIFEncoder;

/** The largest width or height a GIF can store (16 bits). */
const MAX_SIDE = 65535;

/** The 256 greys: palette index = grey level. */
const GREYS: number[][] = Array.from({ length: 256 }, (_, l) => [l, l, l]);

/**
 * Encodes `frameCount` greyscale frames, stored one after another (each height × width,
 * row-major), as an animated GIF: each value v becomes the grey level
 * round(255·(v − lo)/(hi − lo)) clipped to 0..255, each pixel drawn as scale × scale, each frame
 * shown 1000/fps ms.
 */
export function encodeGreyGif(frames: ArrayLike<number>, frameCount: number, options: GifOptions): Uint8Array {
  if (options === null || typeof options !== 'object') throw new ArgumentError('GIF: options must be an object with width and height', 'options');
  const { width: w, height: h } = options;
  const fps = options.fps ?? 4, scale = options.scale ?? 4, loop = options.loop ?? true, range = options.range ?? [0, 1];
  for (const [name, v] of [['width', w], ['height', h], ['frameCount', frameCount], ['scale', scale]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`GIF: ${name} must be a positive integer, got ${v}`, name);
  }
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0) throw new ArgumentError(`GIF: fps must be a finite number > 0, got ${fps}`, 'fps');
  const delay = 1000 / fps;
  // A GIF stores the delay in 1/100 s, 16 bits: 0 would mean "as fast as the viewer likes".
  const centis = Math.round(delay / 10);
  if (centis < 1 || centis > MAX_SIDE) throw new ArgumentError(`GIF: fps ${fps} gives a frame delay of ${centis}/100 s; a GIF stores 1 to ${MAX_SIDE} hundredths (fps from about 0.0016 to 200)`, 'fps');
  if (typeof loop !== 'boolean') throw new ArgumentError(`GIF: loop must be true or false, got ${String(loop)}`, 'loop');
  const W = w * scale, H = h * scale;
  if (W > MAX_SIDE || H > MAX_SIDE) {
    const name = w > MAX_SIDE ? 'width' : h > MAX_SIDE ? 'height' : 'scale';
    throw new ArgumentError(`GIF: ${W}×${H} pixels (${w}×${h} frames at scale ${scale}) exceed the GIF limit of ${MAX_SIDE} a side; use a smaller scale`, name);
  }
  if (!Array.isArray(range) || range.length !== 2) throw new ArgumentError('GIF: range must be [low, high]', 'range');
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new ArgumentError(`GIF: range must be [low, high] with finite high > low, got [${lo}, ${hi}]`, 'range');
  if (frames === null || typeof frames !== 'object' || typeof frames.length !== 'number') throw new ArgumentError('GIF: frames must be an array of numbers', 'frames');
  const px = w * h;
  if (frames.length !== frameCount * px) {
    throw new ArgumentError(`GIF: frames holds ${frames.length} values; ${frameCount} frames of ${h}×${w} need ${frameCount * px}`, 'frames');
  }
  for (let i = 0; i < frames.length; i++) {
    const v = frames[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const k = Math.floor(i / px), r = i % px;
      throw new DataError(`GIF: frames value ${String(v)} at frame ${k + 1}, row ${Math.floor(r / w) + 1}, column ${(r % w) + 1} is not a finite number`, 'frames');
    }
  }

  const encoder = GIFEncoder({ initialCapacity: Math.min(1 << 24, Math.max(4096, frameCount * W * H)) });
  const index = new Uint8Array(W * H);
  const levels = new Uint8Array(w);
  const span = hi - lo;
  for (let k = 0; k < frameCount; k++) {
    for (let y = 0; y < h; y++) {
      const src = k * px + y * w;
      for (let x = 0; x < w; x++) levels[x] = Math.round(255 * Math.min(1, Math.max(0, (frames[src + x] - lo) / span)));
      // One upscaled row, then its copies below.
      const row = y * scale * W;
      for (let x = 0; x < W; x++) index[row + x] = levels[Math.floor(x / scale)];
      for (let j = 1; j < scale; j++) index.copyWithin(row + j * W, row, row + W);
    }
    // The palette and loop block go with the first frame (the global colour table); later frames use it.
    encoder.writeFrame(index, W, H, k === 0 ? { palette: GREYS, delay, repeat: loop ? 0 : -1 } : { delay });
  }
  encoder.finish();
  return encoder.bytes();
}

/** Writes the frames as an animated GIF to `path` (atomically); `argument` names the path in errors. */
export function writeGreyGif(path: string, frames: ArrayLike<number>, frameCount: number, options: GifOptions, argument = 'path'): void {
  writeFileAtomic(path, encodeGreyGif(frames, frameCount, options), argument);
}
