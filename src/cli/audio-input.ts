/**
 * The noisy recording of `diffusion restore` and `speech denoise`: --input read as mono WAV, or,
 * with --add-noise, the clean --input with seeded white noise at that SNR (written to --noisy-out
 * when asked), and the clean recording to measure against (from --add-noise or --clean).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { addWhiteNoise } from '../diffusion/data/audio.js';
import { snrDb } from '../diffusion/audio.js';
import { resolveBundledFile } from '../node/data.js';
import { readWav, writeWav } from '../node/wav.js';
import { numberFlag } from './flags.js';

export interface NoisyInputFlags {
  input: string;
  addNoise?: string;
  noisyOut?: string;
  clean?: string;
}

export interface NoisyInput {
  noisy: Float32Array;
  sampleRate: number;
  /** The clean recording, when --add-noise or --clean says what it is. */
  clean?: Float32Array;
}

/** Reads (or makes) the noisy recording; the noise of --add-noise is drawn from seed + 1. */
export function readNoisyInput(flags: NoisyInputFlags, seed: number): NoisyInput {
  const wav = readWav(resolveBundledFile(flags.input, 'audio', '--input'), '--input');
  if (wav.channels.length !== 1) throw new DataError(`${flags.input} has ${wav.channels.length} channels; restore mono recordings`, '--input');
  let clean: Float32Array | undefined;
  let noisy = wav.channels[0];
  const snrIn = numberFlag(flags.addNoise, '--add-noise');
  if (snrIn !== undefined && !(Math.abs(snrIn) <= 150)) throw new ArgumentError(`--add-noise must be an SNR between -150 and 150 dB (float32 audio cannot hold more); got ${snrIn}`, '--add-noise');
  if (snrIn !== undefined) {
    clean = noisy;
    noisy = addWhiteNoise(clean, snrIn, createRng(seed + 1));
    if (flags.noisyOut) writeWav(flags.noisyOut, noisy, wav.sampleRate, {}, '--noisy-out');
  } else if (flags.noisyOut) throw new ArgumentError('--noisy-out writes the noisy version made by --add-noise', '--noisy-out');
  if (flags.clean) {
    if (clean) throw new ArgumentError('--clean and --add-noise both say what the clean recording is; give one', '--clean');
    clean = readWav(resolveBundledFile(flags.clean, 'audio', '--clean'), '--clean').channels[0];
    if (clean.length !== noisy.length) throw new DataError(`--clean has ${clean.length} samples, --input ${noisy.length}; they must be the same recording`, '--clean');
  }
  return { noisy, sampleRate: wav.sampleRate, ...(clean ? { clean } : {}) };
}

/** The SNR before and after, when the clean recording is known. */
export function snrReport(input: NoisyInput, restored: Float32Array): { snrNoisyDb?: number; snrRestoredDb?: number } {
  return input.clean ? { snrNoisyDb: snrDb(input.clean, input.noisy), snrRestoredDb: snrDb(input.clean, restored) } : {};
}
