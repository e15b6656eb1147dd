/**
 * Measurements on audio signals, as pure math on typed arrays: the signal-to-noise ratio of an
 * estimate against the clean signal (how well a restoration did), and the sd of white noise on a
 * recording with pauses (the noise level restoreAudio starts from when none is given). Preparing
 * audio — noise at an exact SNR, framing, overlap-add — is in data/audio.ts.
 */
import { ArgumentError } from '../core/errors.js';
import { checkSignal, type Signal } from './data/audio.js';

/**
 * Signal-to-noise ratio in decibels of an estimate against the clean signal:
 * 10·log10(Σ clean² / Σ (clean − estimate)²). Sums in float64. An exact estimate gives +Infinity;
 * a silent clean signal with a nonzero error gives −Infinity.
 */
export function snrDb(clean: Signal, estimate: Signal): number {
  if (clean.length === 0) throw new ArgumentError('clean is empty; the SNR needs at least one sample', 'clean');
  if (estimate.length !== clean.length) {
    throw new ArgumentError(`estimate has ${estimate.length} samples but clean has ${clean.length}; compare signals of the same length`, 'estimate');
  }
  checkSignal(clean, 'clean');
  checkSignal(estimate, 'estimate');
  let signal = 0, noise = 0;
  for (let i = 0; i < clean.length; i++) {
    signal += clean[i] * clean[i];
    const e = clean[i] - estimate[i];
    noise += e * e;
  }
  if (noise === 0) return Infinity;
  return 10 * Math.log10(signal / noise);
}

/**
 * The sd of white noise on a recording with pauses: the RMS of the quietest frames (the 10th
 * percentile over frames of `length` samples), where the noise is all there is. It overestimates
 * when the recording has no pause at all; give the sd explicitly then.
 */
export function estimateNoiseSd(x: Signal, length = 256): number {
  checkSignal(x, 'x');
  if (!Number.isInteger(length) || length < 1) throw new ArgumentError(`length must be a positive integer; got ${length}`, 'length');
  const count = Math.floor(x.length / length);
  if (count < 10) throw new ArgumentError(`estimating the noise needs at least 10 frames of ${length} samples; the signal has ${x.length} samples — give the noise sd instead`, 'x');
  const rms = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    let s = 0;
    for (let j = f * length; j < (f + 1) * length; j++) s += x[j] * x[j];
    rms[f] = Math.sqrt(s / length);
  }
  rms.sort();
  return rms[Math.floor(0.1 * (count - 1))];
}
