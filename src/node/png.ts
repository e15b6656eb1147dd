/**
 * Image grids as PNG files (Node: pngjs encodes through Node's zlib): images stored as rows of
 * H·W·C values (NHWC), laid out in a grid with a gap between them.
 * Grey (C = 1) or RGB (C = 3) images; values are mapped from `range` to 0..255 and clipped.
 */
import pngjs from 'pngjs';
import { ArgumentError } from '../core/errors.js';
import { writeFileAtomic } from './files.js';

export interface ImageGridOptions {
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB); default 1. */
  channels?: number;
  /** Images per grid row (default ⌈√count⌉). */
  cols?: number;
  /** Pixels between images (default 2). */
  pad?: number;
  /** Each pixel drawn as scale×scale (default 1). */
  scale?: number;
  /** The values that map to black and white (default [0, 1]). */
  range?: readonly [number, number];
}

/** Encodes the images as one PNG grid. */
export function imageGridPng(images: ArrayLike<number>, options: ImageGridOptions): Buffer {
  const { height: h, width: w } = options;
  const c = options.channels ?? 1, pad = options.pad ?? 2, scale = options.scale ?? 1;
  const [lo, hi] = options.range ?? [0, 1];
  for (const [name, v] of [['height', h], ['width', w], ['scale', scale]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`image grid: ${name} must be a positive integer, got ${v}`, name);
  }
  if (c !== 1 && c !== 3) throw new ArgumentError(`image grid: channels must be 1 (grey) or 3 (RGB), got ${c}`, 'channels');
  if (!Number.isInteger(pad) || pad < 0) throw new ArgumentError(`image grid: pad must be an integer ≥ 0, got ${pad}`, 'pad');
  if (!(hi > lo)) throw new ArgumentError(`image grid: range must be [low, high] with high > low, got [${lo}, ${hi}]`, 'range');
  const px = h * w * c;
  if (images.length === 0 || images.length % px !== 0) throw new ArgumentError(`image grid: ${images.length} values are not whole ${h}×${w}×${c} images`, 'images');
  const count = images.length / px;
  const cols = options.cols ?? Math.ceil(Math.sqrt(count));
  if (!Number.isInteger(cols) || cols < 1) throw new ArgumentError(`image grid: cols must be a positive integer, got ${cols}`, 'cols');
  const rows = Math.ceil(count / cols);
  const cw = w * scale, ch = h * scale;
  const W = cols * cw + (cols + 1) * pad, H = rows * ch + (rows + 1) * pad;
  const png = new pngjs.PNG({ width: W, height: H });
  png.data.fill(255); // white gaps, opaque
  for (let k = 0; k < count; k++) {
    const ox = pad + (k % cols) * (cw + pad), oy = pad + Math.floor(k / cols) * (ch + pad);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const src = k * px + (Math.floor(y / scale) * w + Math.floor(x / scale)) * c;
        const dst = ((oy + y) * W + ox + x) * 4;
        for (let j = 0; j < 3; j++) {
          const v = images[src + (c === 1 ? 0 : j)];
          png.data[dst + j] = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo)))) : 0;
        }
      }
    }
  }
  return pngjs.PNG.sync.write(png);
}

/** Writes the grid to `path` (atomically). */
export function writeImageGrid(path: string, images: ArrayLike<number>, options: ImageGridOptions, argument = 'path'): void {
  writeFileAtomic(path, imageGridPng(images, options), argument);
}
