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
import { hannMidpoint } from '../core/window.js';
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
  const w = hannMidpoint(L);
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

export interface LpcDenoiseOptions {
  /** Predictor order p (default 16). */
  order?: number;
  /** Samples per analysis window, centred on each hop (default 400: 25 ms at 16 kHz). */
  frameLength?: number;
  /** Samples between analysis centres (default 160). */
  hop?: number;
  /** Passes of analysis + smoothing; each re-fits the frames on the previous pass's estimate (default 4). */
  iterations?: number;
  /**
   * How later passes re-fit the frames: 'estimate' (the default) fits them to the last estimate as
   * it is, as Gibson, Koo & Gray (1991) — the spectra sharpen and silent frames go quiet, which on
   * speech gains 1–2 dB over 'em', the EM update, which adds the posterior covariances and converges
   * to the maximum-likelihood AR model (better on a stationary AR signal).
   */
  reestimate?: 'estimate' | 'em';
  /** Delay of the fixed-lag smoother in samples (default 2·order; at least the order). */
  lag?: number;
}

export interface LpcDenoised {
  /** The estimate of the clean signal. */
  signal: Float64Array;
  /** The smoother's variance of each sample's estimate (under the fitted models). */
  variance: Float64Array;
  /** n × (order + 1): Cov(s_t, s_{t+k} | data) under the last pass's models. */
  lagCovariance: Float64Array;
  /** The frame-wise AR models of the last pass (coefficients and excitation power per sample). */
  coefficients: Float64Array[];
  excitation: Float64Array;
}

/**
 * Speech in white noise, restored by the autoregressive model alone: the Kalman filter of Paliwal &
 * Basu (1987), its models re-estimated in passes as Gibson, Koo & Gray (1991) or by EM. Each frame's clean
 * speech is an AR(p) process s_t = Σ a_k s_{t−k} + w_t, Var w = q_f, seen as y_t = s_t + v_t with
 * Var v = σ² known.
 * 1. Analysis, on Hann windows of `frameLength` samples centred every `hop` samples (sample t uses
 *    the frame centred nearest it). First pass: the noisy windows' autocorrelations with the
 *    noise's share σ²·Σw² taken off r_0 (white noise adds to lag 0 only); if that leaves the
 *    Toeplitz matrix indefinite (a reflection coefficient ≥ 1), less is taken off until it is
 *    positive definite. Later passes: the autocorrelations of the previous pass's estimate ŝ
 *    (Gibson et al.), or with `reestimate: 'em'` the expected autocorrelations of the clean signal
 *    given the data, Σ w_i w_{i−k} (ŝ_i ŝ_{i−k} + Cov(s_{i−k}, s_i | y)) — the E-step of EM for an AR
 *    signal in white noise (Feder, Oppenheim & Weinstein 1989). Levinson–Durbin gives a_k and
 *    q_f = (final error)/Σw².
 * 2. A Kalman filter on the state (s_t, …, s_{t−m+1}), m = lag + 1 ≥ p, with the frame's
 *    companion transition; its last entry is the fixed-lag smoothed s_{t−lag} (Anderson & Moore
 *    1979 §7.3), so the estimate is smoothed, not filtered. O(m²) a sample.
 */
export function lpcDenoise(y: ArrayLike<number>, noiseSd: number, options: LpcDenoiseOptions = {}): LpcDenoised {
  if (!y || typeof y.length !== 'number' || y.length < 2) throw new ArgumentError('lpcDenoise needs a signal of at least two samples', 'y');
  const n = y.length;
  for (let t = 0; t < n; t++) if (!Number.isFinite(y[t])) throw new DataError(`the signal has a non-finite sample at ${t}`, 'y');
  if (!(noiseSd > 0) || !Number.isFinite(noiseSd)) throw new ArgumentError(`noiseSd must be a finite number > 0, got ${noiseSd}`, 'noiseSd');
  const p = checkPositiveInt(options.order ?? 16, 'order');
  const W = checkPositiveInt(options.frameLength ?? 400, 'frameLength');
  const hop = checkPositiveInt(options.hop ?? 160, 'hop');
  const iterations = checkPositiveInt(options.iterations ?? 4, 'iterations');
  if (p >= W) throw new ArgumentError(`order ${p} needs windows longer than ${p} samples; frameLength is ${W}`, 'order');
  if (hop > W) throw new ArgumentError(`hop (${hop}) must not exceed frameLength (${W})`, 'hop');
  const lag = options.lag ?? 2 * p;
  if (!Number.isInteger(lag) || lag < p || lag > 4096) throw new ArgumentError(`lag must be an integer in ${p}…4096 (the order at least), got ${lag}`, 'lag');
  const em = (options.reestimate ?? 'estimate') === 'em';
  if (options.reestimate !== undefined && options.reestimate !== 'em' && options.reestimate !== 'estimate') throw new ArgumentError(`reestimate must be 'estimate' or 'em', got '${String(options.reestimate)}'`, 'reestimate');
  const s2 = noiseSd * noiseSd;
  const w = hannMidpoint(W);
  const sumW2 = w.reduce((a, v) => a + v * v, 0);
  const frames = Math.floor((n - 1) / hop) + 1;
  let coefficients: Float64Array[] = [];
  let excitation = new Float64Array(frames);
  let smoothed: SmootherResult | undefined;
  const r = new Float64Array(p + 1), seg = new Float64Array(W);
  for (let pass = 0; pass < iterations; pass++) {
    // Step 1: AR(p) per frame.
    coefficients = [];
    excitation = new Float64Array(frames);
    for (let f = 0; f < frames; f++) {
      const start = f * hop - (W >> 1);
      const source = smoothed ? smoothed.estimate : y;
      for (let i = 0; i < W; i++) { const t = start + i; seg[i] = t >= 0 && t < n ? source[t] * w[i] : 0; }
      for (let k = 0; k <= p; k++) { let acc = 0; for (let i = k; i < W; i++) acc += seg[i] * seg[i - k]; r[k] = acc; }
      if (smoothed && em) {
        // E[s_i s_{i−k} | y] = ŝ_i ŝ_{i−k} + Cov(s_{i−k}, s_i | y): the posterior covariances of the last pass.
        const C = smoothed.lagCovariance;
        for (let k = 0; k <= p; k++) {
          let acc = 0;
          for (let i = k; i < W; i++) { const t = start + i - k; if (t >= 0 && t + k < n) acc += w[i] * w[i - k] * C[t * (p + 1) + k]; }
          r[k] += acc;
        }
      }
      const r0 = r[0];
      let take = smoothed ? 0 : s2 * sumW2;
      let fit = levinsonDurbin(r, p);
      for (let tries = 0; ; tries++) {
        r[0] = Math.max(r0 - take, 1e-9 * r0);
        fit = levinsonDurbin(r, p);
        if ((fit.error > 0 && fit.k.every((v) => Math.abs(v) < 1)) || tries >= 30 || take === 0) break;
        take *= 0.5;
      }
      if (!(fit.error > 0)) { coefficients.push(new Float64Array(p)); excitation[f] = 0; continue; }
      coefficients.push(fit.a);
      excitation[f] = fit.error / sumW2;
    }
    // Step 2: the fixed-lag Kalman smoother with the frames' models.
    smoothed = arFixedLagSmoother(y, coefficients, excitation, s2, hop, lag);
  }
  const { estimate, variance, lagCovariance } = smoothed!;
  return { signal: estimate, variance, lagCovariance, coefficients, excitation };
}

/** The fixed-lag smoother's estimate and posterior (co)variances. */
export interface SmootherResult {
  /** E[s_t | y_0…y_{t+lag}]. */
  estimate: Float64Array;
  /** Var(s_t | y_0…y_{t+lag}). */
  variance: Float64Array;
  /** n × (p + 1): Cov(s_t, s_{t+k} | data), k = 0…p (row t; 0 past the end). */
  lagCovariance: Float64Array;
}

/**
 * Step 2 of {@link lpcDenoise}: E[s_t | y_0…y_{t+lag}] and its variance for s_t an AR process with
 * frame-wise coefficients a[f] and innovation variance q[f] (sample t uses frame round(t/hop)),
 * observed in white noise of variance s2 — the Kalman filter on the state (s_t, …, s_{t−lag}).
 * The last `lag` samples have only the data to the end. The state starts at 0 with variance
 * 10·max(q₀, s2) on the diagonal (a vague start, forgotten within a few frames).
 */
export function arFixedLagSmoother(y: ArrayLike<number>, a: readonly Float64Array[], q: ArrayLike<number>, s2: number, hop: number, lag: number): SmootherResult {
  const n = y.length, p = a[0]?.length ?? 0, frames = a.length, m = lag + 1;
  if (frames === 0 || q.length !== frames) throw new ArgumentError(`give one innovation variance per frame: ${q.length} for ${frames} frames`, 'q');
  if (!(s2 > 0) || !Number.isFinite(s2)) throw new ArgumentError(`the noise variance must be a finite number > 0, got ${s2}`, 's2');
  if (!Number.isInteger(lag) || lag < p) throw new ArgumentError(`lag must be an integer ≥ the order ${p}, got ${lag}`, 'lag');
  checkPositiveInt(hop, 'hop');
  const out = new Float64Array(n), v = new Float64Array(n), cov = new Float64Array(n * (p + 1));
  let x = new Float64Array(m), xp = new Float64Array(m);
  let P = new Float64Array(m * m), Pp = new Float64Array(m * m);
  const u = new Float64Array(m), c = new Float64Array(m);
  // A diffuse-ish start: the first frame's signal power on the diagonal.
  const v0 = Math.max(q[0], s2) * 10;
  for (let i = 0; i < m; i++) P[i * m + i] = v0;
  for (let t = 0; t < n; t++) {
    const f = Math.min(frames - 1, Math.round(t / hop));
    const af = a[f];
    // Predict: x⁻ = T x, P⁻ = T P T' + q e₁e₁'.
    let s0 = 0;
    for (let k = 0; k < p; k++) s0 += af[k] * x[k];
    xp[0] = s0;
    for (let i = 1; i < m; i++) xp[i] = x[i - 1];
    for (let j = 0; j < m; j++) { let acc = 0; for (let k = 0; k < p; k++) acc += af[k] * P[k * m + j]; u[j] = acc; }
    let u0 = 0;
    for (let k = 0; k < p; k++) u0 += af[k] * u[k];
    Pp[0] = u0 + q[f];
    for (let j = 1; j < m; j++) { Pp[j] = u[j - 1]; Pp[j * m] = u[j - 1]; }
    for (let i = 1; i < m; i++) for (let j = 1; j < m; j++) Pp[i * m + j] = P[(i - 1) * m + j - 1];
    // Update with y_t = s_t + v_t.
    // K = P⁻e₁/F, x = x⁻ + K·(y − x⁻₀), P = P⁻ − K·(row 0 of P⁻) (row 0 copied first: it is updated too).
    const F = Pp[0] + s2;
    const e = y[t] - xp[0];
    c.set(Pp.subarray(0, m));
    for (let i = 0; i < m; i++) {
      const ki = c[i] / F;
      xp[i] += ki * e;
      for (let j = 0; j < m; j++) Pp[i * m + j] -= ki * c[j];
    }
    [x, xp] = [xp, x];
    [P, Pp] = [Pp, P];
    // State entry j is s_{t−j}: the smoothed s_{t−lag} is the last, its covariance with s_{t−lag+k} is P[m−1][m−1−k].
    if (t >= m - 1) {
      const u = t - m + 1;
      out[u] = x[m - 1];
      for (let k = 0; k <= p; k++) cov[u * (p + 1) + k] = P[(m - 1) * m + m - 1 - k];
    }
  }
  for (let j = 0; j < Math.min(m - 1, n); j++) {
    const u = n - 1 - j;
    out[u] = x[j];
    for (let k = 0; k <= Math.min(p, j); k++) cov[u * (p + 1) + k] = P[j * m + j - k];
  }
  for (let t = 0; t < n; t++) v[t] = cov[t * (p + 1)];
  return { estimate: out, variance: v, lagCovariance: cov };
}
