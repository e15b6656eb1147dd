/**
 * Measurements on audio signals, as pure math on typed arrays: the signal-to-noise ratio of an
 * estimate against the clean signal (how well a restoration did), and the sd of white noise on a
 * recording with pauses (the noise level restoreAudio starts from when none is given). Preparing
 * audio — noise at an exact SNR, framing, overlap-add — is in data/audio.ts.
 */
import { ArgumentError } from '../core/errors.js';
import { checkSignal, type Signal } from './data/audio.js';
import { hannMidpoint } from '../core/window.js';

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

/**
 * Log-spectral distance in dB between two signals of the same length: per frame (`length`
 * samples every `hop`, Hann-windowed), the root mean square over `bins` frequencies 0…π of
 * 10·log10 P_clean − 10·log10 P_estimate, averaged over the frames where the clean signal is not
 * silent (power spectra by direct DFT, floored at 10⁻¹⁰ of the frame's peak). 0 for equal signals.
 */
export function logSpectralDistance(clean: Signal, estimate: Signal, length = 400, hop = 160, bins = 129): number {
  if (estimate.length !== clean.length) throw new ArgumentError(`estimate has ${estimate.length} samples but clean has ${clean.length}; compare signals of the same length`, 'estimate');
  checkSignal(clean, 'clean');
  checkSignal(estimate, 'estimate');
  if (!Number.isInteger(length) || length < 2 || !Number.isInteger(hop) || hop < 1) throw new ArgumentError(`length (≥ 2) and hop (≥ 1) must be integers; got ${length}, ${hop}`, 'length');
  if (clean.length < length) throw new ArgumentError(`the signals have ${clean.length} samples, fewer than one frame of ${length}`, 'clean');
  const w = hannMidpoint(length);
  const cos = new Float64Array(bins * length), sin = new Float64Array(bins * length);
  for (let b = 0; b < bins; b++) for (let i = 0; i < length; i++) { const a = (Math.PI * b * i) / (bins - 1); cos[b * length + i] = Math.cos(a); sin[b * length + i] = Math.sin(a); }
  const spectrum = (x: Signal, s: number) => {
    const out = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      let re = 0, im = 0;
      for (let i = 0; i < length; i++) { const v = x[s + i] * w[i]; re += v * cos[b * length + i]; im -= v * sin[b * length + i]; }
      out[b] = re * re + im * im;
    }
    return out;
  };
  let total = 0, frames = 0;
  for (let s = 0; s + length <= clean.length; s += hop) {
    const pc = spectrum(clean, s);
    const peak = Math.max(...pc);
    if (!(peak > 0)) continue;
    const pe = spectrum(estimate, s);
    const floor = 1e-10 * peak;
    let acc = 0;
    for (let b = 0; b < bins; b++) { const d = 10 * Math.log10(Math.max(pc[b], floor) / Math.max(pe[b], floor)); acc += d * d; }
    total += Math.sqrt(acc / bins);
    frames++;
  }
  if (!frames) throw new ArgumentError('the clean signal is silent in every frame; the log-spectral distance needs sound', 'clean');
  return total / frames;
}
