/**
 * Preparing audio for the diffusion demos, as pure math on typed arrays: white noise at an exact
 * SNR (to make a noisy version of a clean recording), peak normalisation, framing into
 * fixed-length windows for a 1-D denoiser (one recording, or several one after another as
 * training rows), and weighted overlap-add to put the processed frames back together.
 *
 * Overlap-add: frame k covers samples [k·hop, k·hop + length). Each output sample is the average of
 * the frame values that cover it, weighted by a periodic Hann window w[j] = ½ − ½cos(2πj/length)
 * (Allen & Rabiner 1977, weighted overlap-add, with the summed window as normaliser). Being a convex
 * combination it returns the input exactly when the frames are untouched, for any 1 ≤ hop ≤ length,
 * and it never amplifies a frame's values; the window fades frame edges where a denoiser is least
 * reliable. hop ≤ length/2 makes every sample (but the first) covered by two frames or more, which
 * is what smooths the seams.
 */
import { ArgumentError, DataError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';

/** A signal: any array of numbers (Float32Array for audio). */
export type Signal = ArrayLike<number>;

/** Throws a DataError unless `x` holds at least one sample, all finite (shared with ../audio.ts). */
export function checkSignal(x: Signal, argument: string): void {
  if (x.length === 0) throw new DataError(`${argument} is empty; give at least one sample`, argument);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new DataError(`${argument}[${i}] is ${x[i]}; samples must be finite numbers`, argument);
  }
}

function checkFraming(length: number, hop: number): void {
  if (!Number.isInteger(length) || length < 1) {
    throw new ArgumentError(`length must be a positive integer number of samples per frame; got ${length}`, 'length');
  }
  if (!Number.isInteger(hop) || hop < 1 || hop > length) {
    throw new ArgumentError(`hop must be an integer from 1 to length (${length}); got ${hop}. Use hop ≤ length/2 for smooth overlap-add`, 'hop');
  }
}

function energy(x: Signal): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/**
 * Adds white Gaussian noise at exactly the asked SNR: draws n ~ N(0, 1) per sample from `rng`,
 * then scales it so that Σx² / Σ(s·n)² = 10^(snrDb/10). The result has the input's type; for a
 * Float32Array the scale is refined on the rounded samples, so snrDb(x, result) is the asked value
 * to about 1e-7 dB.
 *
 * @example
 * const noisy = addWhiteNoise(clean, 10, createRng(1)); // snrDb(clean, noisy) ≈ 10
 */
export function addWhiteNoise(x: Float32Array, snrDb: number, rng: Rng): Float32Array;
export function addWhiteNoise(x: Float64Array, snrDb: number, rng: Rng): Float64Array;
export function addWhiteNoise(x: Float32Array | Float64Array, snrDb: number, rng: Rng): Float32Array | Float64Array {
  checkSignal(x, 'x');
  // Beyond ±150 dB the noise (or the signal) is lost in float32 rounding and the SNR cannot be met or measured.
  if (!Number.isFinite(snrDb) || Math.abs(snrDb) > 150) throw new ArgumentError(`snrDb must be a number of decibels between -150 and 150; got ${snrDb}`, 'snrDb');
  const ex = energy(x);
  if (ex === 0) throw new DataError('x is silent (all zeros); an SNR needs a signal with nonzero energy', 'x');
  const noise = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) noise[i] = rng.normal();
  const target = ex / 10 ** (snrDb / 10); // the noise energy Σ(y − x)² to reach
  let s = Math.sqrt(target / energy(noise));
  const out = x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length);
  // Storing y in float32 perturbs the realised noise by up to half an ulp of each sample, enough to
  // miss the SNR by a few 1e-6 dB; a few fixed-point rescalings on the stored values fix it.
  for (let iter = 0; iter < 5; iter++) {
    let realised = 0;
    for (let i = 0; i < x.length; i++) {
      out[i] = x[i] + s * noise[i];
      const e = out[i] - x[i];
      realised += e * e;
    }
    if (realised === 0 || Math.abs(realised / target - 1) < 1e-12) break;
    s *= Math.sqrt(target / realised);
  }
  return out;
}

/**
 * Scales a signal so that its largest absolute value is `peak` (default 1). A silent signal is
 * returned as a silent copy, since no gain can give it a peak.
 */
export function peakNormalise(x: Signal, peak = 1): Float32Array {
  checkSignal(x, 'x');
  if (!Number.isFinite(peak) || peak <= 0) throw new ArgumentError(`peak must be a positive number; got ${peak}`, 'peak');
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  const out = Float32Array.from(x);
  if (m === 0) return out;
  const g = peak / m;
  for (let i = 0; i < out.length; i++) out[i] = x[i] * g;
  return out;
}

/** Number of frames {@link frameSignal} makes: enough that every sample is covered. */
export function frameCount(totalLength: number, length: number, hop: number): number {
  checkFraming(length, hop);
  if (!Number.isInteger(totalLength) || totalLength < 1) {
    throw new ArgumentError(`totalLength must be a positive integer number of samples; got ${totalLength}`, 'totalLength');
  }
  return totalLength <= length ? 1 : 1 + Math.ceil((totalLength - length) / hop);
}

/**
 * Cuts a signal into frames of `length` samples every `hop` samples, returned row-major in one
 * Float32Array (frame k is `out.subarray(k·length, (k+1)·length)`). The end is zero-padded so that
 * every sample lies in some frame; the frame count is {@link frameCount}.
 */
export function frameSignal(x: Signal, length: number, hop: number): Float32Array {
  checkFraming(length, hop);
  checkSignal(x, 'x');
  const count = frameCount(x.length, length, hop);
  const out = new Float32Array(count * length);
  for (let k = 0; k < count; k++) {
    const start = k * hop;
    const end = Math.min(x.length, start + length);
    for (let i = start; i < end; i++) out[k * length + i - start] = x[i];
  }
  return out;
}

/**
 * Training rows from several recordings: the frames of each ({@link frameSignal}), one recording
 * after another, in one row-major Float32Array of `length` values per row.
 */
export function frameRecordings(signals: readonly Signal[], length: number, hop: number): Float32Array {
  if (signals.length === 0) throw new ArgumentError('signals is empty; give at least one recording', 'signals');
  return concatFloat32(signals.map((x) => frameSignal(x, length, hop)));
}

/** The arrays one after another in one Float32Array. */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

/** The periodic Hann window of `length` points: ½ − ½cos(2πj/length), j = 0 … length−1. */
export function hannWindow(length: number): Float64Array {
  if (!Number.isInteger(length) || length < 1) throw new ArgumentError(`length must be a positive integer; got ${length}`, 'length');
  const w = new Float64Array(length);
  for (let j = 0; j < length; j++) w[j] = 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / length);
  return w;
}

/**
 * Puts frames made by {@link frameSignal} (and possibly processed) back into a signal of
 * `totalLength` samples by Hann-weighted overlap-add normalised by the summed window (see the
 * module comment). Where the window sum is zero — the first sample, covered only by frame 0's
 * zero-weight first point, or any sample when length is 1 — the frames are averaged unweighted.
 * Accumulates in float64.
 */
export function overlapAdd(frames: Float32Array | Float64Array, length: number, hop: number, totalLength: number): Float32Array {
  checkFraming(length, hop);
  if (!Number.isInteger(totalLength) || totalLength < 1) {
    throw new ArgumentError(`totalLength must be a positive integer number of samples; got ${totalLength}`, 'totalLength');
  }
  if (frames.length === 0 || frames.length % length !== 0) {
    throw new DataError(`frames holds ${frames.length} values, not a whole number of frames of length ${length}`, 'frames');
  }
  const count = frames.length / length;
  const needed = frameCount(totalLength, length, hop);
  if (count < needed) {
    throw new DataError(`frames holds ${count} frames but ${needed} are needed to cover ${totalLength} samples at length ${length}, hop ${hop}`, 'frames');
  }
  checkSignal(frames, 'frames');
  const w = hannWindow(length);
  const acc = new Float64Array(totalLength), wsum = new Float64Array(totalLength);
  const plain = new Float64Array(totalLength), hits = new Float64Array(totalLength);
  for (let k = 0; k < count; k++) {
    const start = k * hop;
    const end = Math.min(totalLength, start + length);
    for (let i = start; i < end; i++) {
      const v = frames[k * length + i - start];
      acc[i] += w[i - start] * v;
      wsum[i] += w[i - start];
      plain[i] += v;
      hits[i] += 1;
    }
  }
  const out = new Float32Array(totalLength);
  for (let i = 0; i < totalLength; i++) out[i] = wsum[i] > 0 ? acc[i] / wsum[i] : plain[i] / hits[i];
  return out;
}
