/**
 * Restoring a noisy recording with a diffusion model trained on clean audio frames: cut the signal
 * into frames overlapping by half, treat each noisy frame as x_t at the timestep whose noise level
 * σ_t/α_t equals the noise's sd (SDEdit's `noisy` start: nothing is added, Meng et al. 2022; Kawar
 * et al. 2022 use the same identification for denoising), run the sampler down from there, and
 * join the frames again by Hann-weighted overlap-add.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { estimateNoiseSd } from './audio.js';
import { frameSignal, overlapAdd } from './data/audio.js';
import type { DiffusionModel, DiffusionSampleOptions } from './model.js';

export interface RestoreAudioOptions extends DiffusionSampleOptions {
  /** The sd of the noise on the signal's scale (default: estimated from the quietest frames). */
  noiseSd?: number;
  /** Frames overlap by length − hop samples (default hop: half a frame). */
  hop?: number;
  /** Sample rate of the signal (checked against the model's when both are known). */
  sampleRate?: number;
}

export interface RestoredAudio {
  readonly signal: Float32Array;
  /** The noise sd used (given or estimated). */
  readonly noiseSd: number;
  /** The fraction of the schedule the frames were started at. */
  readonly strength: number;
}

export function restoreAudio(model: DiffusionModel, signal: Float32Array, options: RestoreAudioOptions): RestoredAudio {
  const L = model.columns.length;
  const sr = model.extras.audio?.sampleRate;
  if (sr === undefined) throw new ArgumentError('restoreAudio needs a model trained on audio frames (ardiff diffusion train --dataset FILE.wav)', 'model');
  if (options.sampleRate !== undefined && options.sampleRate !== sr) throw new DataError(`the recording is sampled at ${options.sampleRate} Hz but the model was trained at ${sr} Hz; resample it first`, 'input');
  if (signal.length < L) throw new DataError(`the recording has ${signal.length} samples, fewer than one frame of ${L}`, 'input');
  const hop = options.hop ?? L / 2;
  if (!Number.isInteger(hop) || hop < 1 || hop > L) throw new ArgumentError(`hop must be an integer in 1..${L}, got ${hop}`, 'hop');
  const noiseSd = options.noiseSd ?? estimateNoiseSd(signal);
  if (!(noiseSd > 0) || !Number.isFinite(noiseSd)) throw new ArgumentError(`the noise sd must be a finite number > 0, got ${noiseSd}`, 'noiseSd');
  const strength = model.strengthForNoise(noiseSd);
  if (options.steps !== undefined && Math.trunc(options.steps * strength) < 1) {
    throw new ArgumentError(`${options.steps} steps over the whole schedule leave none below this noise level (${(100 * strength).toFixed(1)}% of the schedule); use at least ${Math.ceil(1 / strength)} steps`, 'steps');
  }
  const frames = frameSignal(signal, L, hop);
  const { samples } = model.restore(frames, { ...options, strength, noisy: true });
  return { signal: overlapAdd(samples, L, hop, signal.length), noiseSd, strength };
}
