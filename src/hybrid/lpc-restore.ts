/**
 * Restoring noisy speech with both families: linear prediction (the autoregressive model of the
 * waveform) estimates the clean spectral envelope from the noisy recording, and a diffusion model
 * of clean speech frames, conditioned on that envelope, restores the waveform — the conditioner of
 * CDiffuSE (Lu et al. 2022), which conditions its denoiser on the noisy spectrogram, with the LPC
 * envelope in its place.
 *
 * 1. The envelope ({@link lpcContext}): `lpcDenoise` (ardiff/classical: the iterated Kalman
 *    smoother of Paliwal & Basu 1987 and Gibson et al. 1991) fits an AR(p) model of the clean speech
 *    to each 25 ms window of the noisy recording; each restorer frame takes the model of the window
 *    centred nearest its own centre and its power spectrum 10·log10(q / |A(e^{iω})|²) in dB at
 *    `bins` frequencies 0…π — the context vector of that frame.
 * 2. Training ({@link lpcTrainingRows}, {@link fitLpcRestorer}): the clean frames of the training
 *    recordings, each paired with the envelope estimated from a noisy copy at every SNR of `snrs`,
 *    train a context-conditioned 1-D U-Net.
 * 3. Restoration ({@link restoreSpeech}): the noisy recording's envelopes condition the SDEdit
 *    restoration of restore-audio.ts, started from lpcDenoise's estimate taken as x_t at (twice)
 *    its standard error — the AR model drafts and the diffusion model refines — or from the noisy
 *    frames at the noise's level.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { checkPositiveInt } from '../core/validate.js';
import { lpcDenoise, type LpcDenoiseOptions } from '../classical/lpc.js';
import { estimateNoiseSd } from '../diffusion/audio.js';
import { addWhiteNoise, checkSignal, concatFloat32, frameCount, frameRecordings, type Signal } from '../diffusion/data/audio.js';
import { fitDiffusion, type ContextSource, type DiffusionModel, type FitDiffusionOptions } from '../diffusion/model.js';
import { restoreAudio, type RestoreAudioOptions, type RestoredAudio } from '../diffusion/restore-audio.js';

/** How the LPC envelopes are estimated: lpcDenoise's options and the frequencies kept. */
export interface LpcContextOptions extends LpcDenoiseOptions {
  /** Frequencies 0…π at which the envelope is read (default 32). */
  bins?: number;
}

export const LPC_CONTEXT_DEFAULTS = { order: 16, frameLength: 400, hop: 160, iterations: 4, bins: 32 } as const;

type ResolvedLpcContext = { order: number; frameLength: number; hop: number; iterations: number; bins: number; lag?: number };

function resolveLpc(options: LpcContextOptions = {}): ResolvedLpcContext {
  const r = { ...LPC_CONTEXT_DEFAULTS, ...options };
  for (const k of ['order', 'frameLength', 'hop', 'iterations', 'bins'] as const) checkPositiveInt(r[k], k);
  if (r.bins < 2 || r.bins > 1024) throw new ArgumentError(`bins must be an integer in 2…1024, got ${r.bins}`, 'bins');
  return r;
}

/** The model's record of how its contexts were made (checked when read back). */
function lpcSource(o: ResolvedLpcContext): ContextSource {
  return { kind: 'lpc', order: o.order, frameLength: o.frameLength, hop: o.hop, iterations: o.iterations, bins: o.bins, ...(o.lag === undefined ? {} : { lag: o.lag }) };
}

function lpcOptionsOf(model: DiffusionModel): ResolvedLpcContext | undefined {
  const s = model.extras.context?.source;
  if (!s || s.kind !== 'lpc') return undefined;
  const num = (k: string) => {
    const v = s[k];
    if (typeof v !== 'number') throw new DataError(`model file: the LPC context's ${k} is not a number; the file is corrupt`, 'model');
    return v;
  };
  const o = resolveLpc({ order: num('order'), frameLength: num('frameLength'), hop: num('hop'), iterations: num('iterations'), bins: num('bins'), ...(s.lag === undefined ? {} : { lag: num('lag') }) });
  if (model.extras.context?.size !== o.bins) throw new DataError(`model file: the LPC context has ${o.bins} bins but the model takes ${model.extras.context?.size} values; the file is corrupt`, 'model');
  return o;
}

export interface LpcContext {
  /** frames × bins envelope values in dB, row-major. */
  context: Float32Array;
  frames: number;
  bins: number;
  /** lpcDenoise's estimate of the clean signal (the autoregressive family's restoration). */
  denoised: Float64Array;
  /** The root mean square of the smoother's standard errors: the estimate's typical error. */
  denoisedSd: number;
}

/**
 * Step 1: the LPC envelope (dB at `bins` frequencies) of the clean speech under `noisy`, for each
 * frame of `frameLength` samples every `frameHop` (the framing of frameSignal / restoreAudio).
 */
export function lpcContext(noisy: Signal, noiseSd: number, frameLength: number, frameHop: number, options: LpcContextOptions = {}): LpcContext {
  checkSignal(noisy, 'noisy');
  const o = resolveLpc(options);
  const { bins, ...lpcOptions } = o;
  const fit = lpcDenoise(noisy, noiseSd, lpcOptions);
  const frames = frameCount(noisy.length, frameLength, frameHop);
  const analysed = fit.coefficients.length;
  const context = new Float32Array(frames * bins);
  const cos = new Float64Array(bins * o.order), sin = new Float64Array(bins * o.order);
  for (let b = 0; b < bins; b++) for (let k = 1; k <= o.order; k++) { const w = (Math.PI * b * k) / (bins - 1); cos[b * o.order + k - 1] = Math.cos(w); sin[b * o.order + k - 1] = Math.sin(w); }
  // A silent window (q = 0) reads as −120 dB, not −∞.
  const floor = 1e-12;
  for (let f = 0; f < frames; f++) {
    const centre = f * frameHop + frameLength / 2;
    const g = Math.min(analysed - 1, Math.round(centre / o.hop));
    const a = fit.coefficients[g], q = Math.max(fit.excitation[g], floor);
    for (let b = 0; b < bins; b++) {
      let re = 1, im = 0;
      for (let k = 0; k < o.order; k++) { re -= a[k] * cos[b * o.order + k]; im += a[k] * sin[b * o.order + k]; }
      context[f * bins + b] = 10 * Math.log10(q / Math.max(re * re + im * im, 1e-300));
    }
  }
  const meanVar = fit.variance.reduce((acc, v) => acc + v, 0) / fit.variance.length;
  return { context, frames, bins, denoised: fit.signal, denoisedSd: Math.sqrt(meanVar) };
}

export interface LpcTrainingOptions {
  /** Samples per frame (default 128) and between frames (default frame / 4). */
  frame?: number;
  hop?: number;
  /** SNRs in dB of the noisy copies whose envelopes condition the clean frames (default 0, 5, 10, 15, 20). */
  snrs?: readonly number[];
  lpc?: LpcContextOptions;
  /** Seed of the noise (default 0). */
  seed?: number;
}

/**
 * Step 2's data: the clean frames of every recording, repeated once per SNR, each with the
 * envelope estimated from a noisy copy of its recording at that SNR (given the sd of the noise
 * added; restoration estimates it, within a few per cent on the bundled speech).
 */
export function lpcTrainingRows(recordings: readonly Signal[], options: LpcTrainingOptions = {}): { data: Float32Array; context: Float32Array; dim: number; contextSource: ContextSource } {
  if (!Array.isArray(recordings) || recordings.length === 0) throw new ArgumentError('give at least one clean recording', 'recordings');
  const L = checkPositiveInt(options.frame ?? 128, 'frame');
  const hop = checkPositiveInt(options.hop ?? L / 4, 'hop');
  const snrs = options.snrs ?? [0, 5, 10, 15, 20];
  if (!Array.isArray(snrs) || snrs.length === 0 || snrs.some((s) => !Number.isFinite(s) || Math.abs(s) > 100)) throw new ArgumentError(`snrs must be a non-empty list of SNRs in dB between -100 and 100, got [${String(snrs)}]`, 'snrs');
  const o = resolveLpc(options.lpc);
  const rng = createRng(options.seed ?? 0);
  const frames: Float32Array[] = [], contexts: Float32Array[] = [];
  recordings.forEach((x, i) => {
    checkSignal(x, `recordings[${i}]`);
    const clean = Float32Array.from(x);
    const rows = frameRecordings([clean], L, hop);
    for (const snr of snrs) {
      const noisy = addWhiteNoise(clean, snr, rng);
      let power = 0;
      for (let t = 0; t < clean.length; t++) power += (noisy[t] - clean[t]) ** 2;
      contexts.push(lpcContext(noisy, Math.sqrt(power / clean.length) || 1e-12, L, hop, o).context);
      frames.push(rows);
    }
  });
  return { data: concatFloat32(frames), context: concatFloat32(contexts), dim: L, contextSource: lpcSource(o) };
}

export interface FitLpcRestorerOptions extends Omit<FitDiffusionOptions, 'context' | 'contextSource' | 'sampleRate'>, LpcTrainingOptions {
  sampleRate: number;
}

/**
 * Step 2: a diffusion model of clean speech frames conditioned on their LPC envelopes (a 1-D
 * U-Net, global scaling, as `ardiff diffusion train --dataset A.wav --condition lpc`).
 */
export function fitLpcRestorer(recordings: readonly Signal[], options: FitLpcRestorerOptions): DiffusionModel {
  const { frame, hop, snrs, lpc, seed, sampleRate, ...fit } = options;
  const rows = lpcTrainingRows(recordings, { frame, hop, snrs, lpc, seed });
  return fitDiffusion(rows.data, rows.dim, {
    denoiser: { kind: 'unet1d', baseChannels: 16, depth: 3, channelMults: [1, 2, 2, 4] }, scaling: 'global',
    ...fit, seed, sampleRate, context: rows.context, contextSource: rows.contextSource,
    columns: Array.from({ length: rows.dim }, (_, i) => `s${i + 1}`),
  });
}

/** What {@link restoreSpeech} returns: restoreAudio's result and, for an LPC-conditioned model, the AR estimate made on the way. */
export interface RestoredSpeech extends RestoredAudio {
  /** lpcDenoise's estimate (LPC-conditioned models only). */
  readonly lpc?: Float64Array;
}

/**
 * Step 3: for an LPC-conditioned model, the envelopes of `noisy` condition restoreAudio, started
 * from the AR estimate (default) or from the noisy recording (see {@link RestoreSpeechOptions});
 * for any other audio model, restoreAudio as it is.
 */
export interface RestoreSpeechOptions extends RestoreAudioOptions {
  /**
   * LPC-conditioned models: where the reverse process starts. 'lpc' (the default): from the AR
   * estimate lpcDenoise made, taken as x_t at the noise level `lpcErrorScale` × its RMS standard
   * error — the AR model drafts, the diffusion model refines. 'noisy': from the noisy recording at
   * the noise's level, as restoreAudio.
   */
  from?: 'noisy' | 'lpc';
  /**
   * from 'lpc': the AR estimate's error, as a multiple of the Kalman smoother's RMS standard error
   * (default 2; chosen on the training sentence speech-5 among 1, 1.5, 2 and 3: the smoother's
   * own error bars leave out the error of its estimated models).
   */
  lpcErrorScale?: number;
}

export function restoreSpeech(model: DiffusionModel, noisy: Float32Array, options: RestoreSpeechOptions): RestoredSpeech {
  const lpc = lpcOptionsOf(model);
  if (!lpc) {
    if (options.from !== undefined || options.lpcErrorScale !== undefined) throw new ArgumentError('from and lpcErrorScale apply to LPC-conditioned models (fitLpcRestorer, or diffusion train --condition lpc); this model is not one', options.from !== undefined ? 'from' : 'lpcErrorScale');
    if (model.extras.context) throw new ArgumentError('the model is conditioned on a context that is not an LPC envelope; give restoreAudio its context', 'model');
    return restoreAudio(model, noisy, options);
  }
  if (options.context !== undefined) throw new ArgumentError('restoreSpeech computes the LPC context itself; drop options.context', 'context');
  checkSignal(noisy, 'noisy');
  const L = model.columns.length;
  const hop = options.hop ?? L / 2;
  if (noisy.length < L) throw new DataError(`the recording has ${noisy.length} samples, fewer than one frame of ${L}`, 'input');
  const noiseSd = options.noiseSd ?? estimateNoiseSd(noisy);
  const c = lpcContext(noisy, noiseSd, L, hop, lpc);
  const from = options.from ?? 'lpc';
  if (from !== 'noisy' && from !== 'lpc') throw new ArgumentError(`from must be 'noisy' or 'lpc', got '${String(from)}'`, 'from');
  const scale = options.lpcErrorScale ?? 2;
  if (!(scale > 0 && scale <= 100)) throw new ArgumentError(`lpcErrorScale must be a number in (0, 100], got ${scale}`, 'lpcErrorScale');
  const { from: _f, lpcErrorScale: _s, ...rest } = options;
  // A silent recording leaves the smoother no error at all: nothing for the diffusion model to do.
  if (from === 'lpc' && !(c.denoisedSd > 0)) return { signal: Float32Array.from(c.denoised), noiseSd: 0, strength: 0, lpc: c.denoised };
  const r = from === 'noisy'
    ? restoreAudio(model, noisy, { ...rest, noiseSd, hop, context: c.context })
    : restoreAudio(model, Float32Array.from(c.denoised), { ...rest, noiseSd: scale * c.denoisedSd, hop, context: c.context });
  return { ...r, lpc: c.denoised };
}
