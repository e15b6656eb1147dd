/**
 * WAV files on disk (Node): {@link readWav} and {@link writeWav} over the pure byte codec of
 * `core/wav` ({@link decodeWav}, {@link encodeWav}).
 */
import { existsSync, readFileSync } from 'node:fs';
import { ArgumentError, DataError } from '../core/errors.js';
import { decodeWav, encodeWav, type WavAudio, type WavWriteOptions } from '../core/wav.js';
import { writeFileAtomic } from './files.js';

/**
 * Reads a WAV file (a path, or the file's bytes) into per-channel Float32Arrays in [-1, 1]; see
 * {@link decodeWav} for the formats. A missing or unreadable file throws a {@link DataError}
 * naming the file.
 *
 * @param argument the argument name reported in errors (e.g. a CLI flag).
 * @example
 * const { sampleRate, channels } = readWav('data/audio/speech-1.wav');
 */
export function readWav(source: string | Uint8Array, argument = 'file'): WavAudio {
  if (source instanceof Uint8Array) return decodeWav(source, `WAV bytes given as '${argument}'`, argument);
  if (typeof source !== 'string') throw new ArgumentError(`${argument} must be a file path or a Uint8Array of WAV bytes`, argument);
  if (!existsSync(source)) throw new DataError(`WAV file '${source}' does not exist; give the path of a .wav file`, argument);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(source);
  } catch (e) {
    throw new DataError(`cannot read WAV file '${source}' (${(e as Error).message}); give the path of a readable .wav file`, argument);
  }
  return decodeWav(bytes, `WAV file '${source}'`, argument);
}

/**
 * Writes samples to a WAV file (see {@link encodeWav} for the encoding), atomically: the bytes go
 * to a temporary file in the same folder that is then renamed over `path`.
 *
 * @example
 * writeWav('out/restored.wav', restored, 16000);                 // 16-bit PCM
 * writeWav('out/restored-f32.wav', restored, 16000, { bitDepth: 32 }); // float
 */
export function writeWav(path: string, samples: Float32Array | Float32Array[], sampleRate: number, options: WavWriteOptions = {}, argument = 'path'): void {
  writeFileAtomic(path, encodeWav(samples, sampleRate, options), argument);
}
