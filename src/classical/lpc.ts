/**
 * Linear prediction of speech: the autoregressive model of a waveform, frame by frame (Makhoul
 * 1975, "Linear prediction: a tutorial review"; Rabiner & Schafer 2011 ch. 9).
 *
 * In each frame of `frameLength` samples (hop `hop`), x_t ≈ Σ_{k=1}^{p} a_k x_{t−k}:
 * 1. Analysis. 'autocorrelation' (the default): the frame times a Hann window, its biased
 *    autocorrelations r_0…r_p, and the Levinson–Durbin recursion (Makhoul eq. 38–40), which also
 *    gives the reflection coefficients k_i (the partial autocorrelations; |k_i| < 1, so the
 *    synthesis filter is stable) and the prediction error power; a white-noise floor of
 *    `lagWindow`·r_0 is added to r_0 (conditioning, as speech coders do). 'burg': Burg's lattice
 *    on the unwindowed frame (ardiff's AR estimator, `fitAR(…, { method: 'burg' })`).
 * 2. Inverse filtering (the residual): e_t = x_t − Σ a_k x_{t−k} with the coefficients of the
 *    frame whose hop contains t (a frame's coefficients cover the `hop` samples from its start).
 * 3. Synthesis: the all-pole filter x_t = e_t + Σ a_k x_{t−k} with the same switching, so the
 *    residual resynthesises the signal exactly; a white-noise excitation at each frame's residual
 *    power gives the "whispered" signal with the same spectral envelope.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkPositiveInt } from '../core/validate.js';
import { fitAR } from './ar.js';
import { partialAutocorrelations } from './estimators/polynomial.js';

export type LpcMethod = 'autocorrelation' | 'burg';

export interface LpcOptions {
  /** Predictor order p (10–20 for speech at 8–16 kHz). */
  order: number;
  /** Samples per analysis frame. Default 400 (25 ms at 16 kHz). */
  frameLength?: number;
  /** Samples between frame starts. Default 160 (10 ms at 16 kHz). */
  hop?: number;
  method?: LpcMethod;
  /** Noise floor added to r_0 as a fraction of it (autocorrelation method). Default 1e-9. */
  lagWindow?: number;
}

/** Per-frame linear prediction of a signal. */
export interface LpcAnalysis {
  order: number;
  frameLength: number;
  hop: number;
  method: LpcMethod;
  /** a_1…a_p per frame (x_t ≈ Σ a_k x_{t−k}); all 0 in a silent frame. */
  coefficients: Float64Array[];
  /** Reflection coefficients k_1…k_p per frame (autocorrelation method; Burg's partial autocorrelations). */
  reflection: Float64Array[];
  /** Prediction error power per frame relative to the frame's power (1 = no gain; 0 in a silent frame). */
  errorRatio: Float64Array;
  /** Samples of the analysed signal. */
  length: number;
}

/** The frame whose hop holds sample t. */
function frameOf(t: number, hop: number, frames: number): number {
  return Math.min(frames - 1, Math.floor(t / hop));
}

/**
 * Levinson–Durbin on autocorrelations r_0…r_p: predictor a_1…a_p, reflection coefficients and the
 * final error power (Makhoul 1975 eq. 38–40). r_0 ≤ 0 gives zeros (a silent frame).
 */
export function levinsonDurbin(r: ArrayLike<number>, p: number): { a: Float64Array; k: Float64Array; error: number } {
  const a = new Float64Array(p), k = new Float64Array(p);
  let err = r[0];
  if (!(err > 0)) return { a, k, error: 0 };
  const prev = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let acc = r[i + 1];
    for (let j = 0; j < i; j++) acc -= a[j] * r[i - j];
    const ki = acc / err;
    k[i] = ki;
    prev.set(a.subarray(0, i));
    a[i] = ki;
    for (let j = 0; j < i; j++) a[j] = prev[j] - ki * prev[i - 1 - j];
    err *= 1 - ki * ki;
    if (!(err > 0)) { err = 0; break; }
  }
  return { a, k, error: err };
}

/** Step 1 on `x` (see the module notes). */
export function lpcAnalysis(x: ArrayLike<number>, options: LpcOptions): LpcAnalysis {
  if (!x || typeof x.length !== 'number' || x.length < 1) throw new ArgumentError('lpcAnalysis needs a signal of at least one sample', 'x');
  const p = checkPositiveInt(options?.order, 'order');
  const L = checkPositiveInt(options.frameLength ?? 400, 'frameLength');
  const hop = checkPositiveInt(options.hop ?? 160, 'hop');
  if (hop > L) throw new ArgumentError(`hop (${hop}) must not exceed frameLength (${L}): every sample must lie in a frame`, 'hop');
  if (p >= L) throw new ArgumentError(`order ${p} needs frames longer than ${p} samples; frameLength is ${L}`, 'order');
  const method = options.method ?? 'autocorrelation';
  if (method !== 'autocorrelation' && method !== 'burg') throw new ArgumentError(`method must be 'autocorrelation' or 'burg', got '${String(method)}'`, 'method');
  const lag = options.lagWindow ?? 1e-9;
  if (!(lag >= 0 && lag < 1)) throw new ArgumentError(`lagWindow must be in [0, 1), got ${lag}`, 'lagWindow');
  const n = x.length;
  for (let t = 0; t < n; t++) if (!Number.isFinite(x[t])) throw new DataError(`the signal has a non-finite sample at ${t}`, 'x');
  const frames = Math.max(1, Math.ceil(n / hop));
  const coefficients: Float64Array[] = [], reflection: Float64Array[] = [];
  const errorRatio = new Float64Array(frames);
  const w = Float64Array.from({ length: L }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / L));
  const frame = new Float64Array(L);
  for (let f = 0; f < frames; f++) {
    // The frame starts at its hop and runs on (zeros past the end).
    const s = f * hop;
    for (let i = 0; i < L; i++) frame[i] = s + i < n ? x[s + i] : 0;
    let energy = 0;
    for (let i = 0; i < L; i++) energy += frame[i] * frame[i];
    if (!(energy > 0)) {
      coefficients.push(new Float64Array(p)); reflection.push(new Float64Array(p));
      continue;
    }
    if (method === 'autocorrelation') {
      const y = frame.map((v, i) => v * w[i]);
      const r = new Float64Array(p + 1);
      for (let k = 0; k <= p; k++) { let acc = 0; for (let i = k; i < L; i++) acc += y[i] * y[i - k]; r[k] = acc; }
      r[0] *= 1 + lag;
      const { a, k, error } = levinsonDurbin(r, p);
      coefficients.push(a); reflection.push(k);
      errorRatio[f] = error / r[0];
    } else {
      const used = frame.subarray(0, Math.min(L, n - s));
      if (used.length <= p + 1 || used.every((v) => v === used[0])) {
        coefficients.push(new Float64Array(p)); reflection.push(new Float64Array(p));
        errorRatio[f] = 1;
        continue;
      }
      const fit = fitAR(used, { order: p, method: 'burg', trend: 'n' });
      const a = Float64Array.from(fit.ar);
      coefficients.push(a);
      // Burg's coefficients are stationary, so their partial autocorrelations exist.
      reflection.push(Float64Array.from(partialAutocorrelations(fit.ar) ?? new Array<number>(p).fill(0)));
      let pow = 0;
      for (const v of used) pow += v * v;
      errorRatio[f] = fit.sigma2 / (pow / used.length);
    }
  }
  return { order: p, frameLength: L, hop, method, coefficients, reflection, errorRatio, length: n };
}

function checkMatches(lpc: LpcAnalysis, n: number, argument: string): void {
  if (!lpc || !Array.isArray(lpc.coefficients)) throw new ArgumentError('give the result of lpcAnalysis', 'lpc');
  if (n !== lpc.length) throw new ArgumentError(`${argument} has ${n} samples; the analysis covers ${lpc.length}`, argument);
}

/** Step 2: the prediction residual e_t = x_t − Σ a_k x_{t−k} (frame-switched coefficients). */
export function lpcResidual(x: ArrayLike<number>, lpc: LpcAnalysis): Float64Array {
  checkMatches(lpc, x.length, 'x');
  const n = x.length, p = lpc.order, frames = lpc.coefficients.length;
  const e = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = lpc.coefficients[frameOf(t, lpc.hop, frames)];
    let v = x[t];
    for (let k = 1; k <= p && k <= t; k++) v -= a[k - 1] * x[t - k];
    e[t] = v;
  }
  return e;
}

/**
 * Step 3: the all-pole synthesis x_t = e_t + Σ a_k x_{t−k}. `excitation` is a residual (the
 * signal comes back exactly), or `{ noise: rng, power }` for white noise at each frame's residual
 * power (`power[f]`, e.g. the mean square of the residual in the frame).
 */
export function lpcSynthesis(lpc: LpcAnalysis, excitation: ArrayLike<number> | { noise: Rng; power: ArrayLike<number> }): Float64Array {
  const n = lpc.length, p = lpc.order, frames = lpc.coefficients.length;
  let e: ArrayLike<number>;
  if ('noise' in excitation) {
    if (excitation.power.length !== frames) throw new ArgumentError(`power has ${excitation.power.length} values for ${frames} frames`, 'excitation');
    const rng = excitation.noise;
    const out = new Float64Array(n);
    for (let t = 0; t < n; t++) out[t] = Math.sqrt(Math.max(0, excitation.power[frameOf(t, lpc.hop, frames)])) * rng.normal();
    e = out;
  } else {
    checkMatches(lpc, excitation.length, 'excitation');
    e = excitation;
  }
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = lpc.coefficients[frameOf(t, lpc.hop, frames)];
    let v = e[t];
    for (let k = 1; k <= p && k <= t; k++) v += a[k - 1] * x[t - k];
    x[t] = v;
  }
  return x;
}

/** Mean square of `e` in each frame's hop (the excitation power for noise synthesis). */
export function hopPower(e: ArrayLike<number>, lpc: LpcAnalysis): Float64Array {
  const frames = lpc.coefficients.length;
  const sum = new Float64Array(frames), count = new Float64Array(frames);
  for (let t = 0; t < e.length; t++) { const f = frameOf(t, lpc.hop, frames); sum[f] += e[t] * e[t]; count[f]++; }
  return sum.map((v, f) => (count[f] ? v / count[f] : 0));
}

/** The LPC model's power spectrum in dB at `bins` frequencies 0…π of frame f: 10·log10(g / |A(e^{iω})|²). */
export function lpcEnvelopeDb(lpc: LpcAnalysis, f: number, gain: number, bins = 257): Float64Array {
  const a = lpc.coefficients[f];
  const out = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const w = (Math.PI * b) / (bins - 1);
    let re = 1, im = 0;
    for (let k = 1; k <= a.length; k++) { re -= a[k - 1] * Math.cos(w * k); im += a[k - 1] * Math.sin(w * k); }
    out[b] = 10 * Math.log10(gain / Math.max(re * re + im * im, 1e-300));
  }
  return out;
}
