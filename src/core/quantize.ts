/**
 * Grey levels quantised to a few levels and back (pure functions on arrays): what the
 * autoregressive image model (ardiff/neural ImageGPT) models as tokens, and what the diffusion
 * models and their likelihood bound see of the same discrete data.
 */
import { ArgumentError, DataError } from './errors.js';

/** Most levels a pixel may have (the image model spells each level as one hexadecimal digit). */
export const MAX_LEVELS = 16;

/** Throws unless levels is an integer in 2…MAX_LEVELS. */
export function checkLevels(levels: number): void {
  if (!Number.isInteger(levels) || levels < 2 || levels > MAX_LEVELS) throw new ArgumentError(`levels must be an integer in 2…${MAX_LEVELS}, got ${levels}`, 'levels');
}

/** Grey levels in [0, 1] → level tokens 0…levels − 1. */
export function quantizePixels(images: ArrayLike<number>, levels: number): Int32Array {
  checkLevels(levels);
  const out = new Int32Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    if (!(v >= 0 && v <= 1)) throw new DataError(`pixel ${i} is ${v}; grey levels must be numbers in [0, 1]`, 'images');
    out[i] = Math.min(levels - 1, Math.floor(v * levels));
  }
  return out;
}

/**
 * Level tokens → grey levels level/(levels − 1): 0 stays black and the top level white (as the
 * images are shown and classified); each lies in its own bin, so quantising again gives the tokens back.
 */
export function dequantizePixels(tokens: ArrayLike<number>, levels: number): Float32Array {
  checkLevels(levels);
  return Float32Array.from(tokens, (t) => t / (levels - 1));
}
