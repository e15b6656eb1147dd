/**
 * Training presets of diffusion models by kind of data — what `ardiff diffusion train` uses, and a
 * starting point for library users: the denoiser and its size, how the data are scaled, what the
 * network predicts, the noise schedule, and the optimiser's steps, batch size, learning rate and
 * EMA decay ({@link DiffusionPreset.fit}, options of `fitDiffusion`), with the shape of the rows
 * the preset is meant for ({@link DiffusionPreset.data}: points drawn, image size, audio frame
 * and hop, series window, stride and returns). Every default says why it was chosen.
 *
 * Kinds: 'toy2d' (the 2-D test distributions of data/toy-data.ts), 'rows' (numeric columns of a
 * table), 'mnist' (digit images, data/mnist.ts), 'audio' (frames of mono recordings,
 * data/audio.ts) and 'series' (windows of one series, data/series.ts and windows.ts).
 *
 * A light module (types only from the model): the CLI reads presets without loading the engine.
 *
 * @example
 * const p = diffusionPreset('series', { window: 16, returns: 'log' });
 * const rows = slidingWindows(seriesReturns(prices, p.data.returns), p.data.window, p.data.stride);
 * const model = fitDiffusion(rows, p.data.window, { ...p.fit, columns: windowColumns(16, 'log', 'price') });
 */
import { ArgumentError } from '../core/errors.js';
import type { DenoiserChoice, DiffusionScaling, FitDiffusionOptions } from './model.js';
import type { ScheduleConfig } from './schedules.js';
import type { PredictionType } from './schedulers/common.js';
import { SERIES_RETURNS, type SeriesReturns } from './data/series.js';

export type DiffusionDataKind = 'toy2d' | 'rows' | 'mnist' | 'audio' | 'series';
export const DIFFUSION_DATA_KINDS: readonly DiffusionDataKind[] = ['toy2d', 'rows', 'mnist', 'audio', 'series'];

/** Changes to a preset; each applies to the kinds listed (others are refused). */
export interface DiffusionPresetOverrides {
  /** Every kind: optimisation steps. */
  steps?: number;
  /** Every kind: 'linear' (Ho et al. 2020) or 'cosine' (Nichol & Dhariwal 2021, diffusers' squaredcos_cap_v2). */
  schedule?: 'linear' | 'cosine';
  /** Every kind: what the network predicts. */
  prediction?: PredictionType;
  /** Every kind: rows per step. */
  batchSize?: number;
  /** Every kind: peak learning rate. */
  lr?: number;
  /** Every kind: EMA decay of the sampling weights. */
  emaDecay?: number;
  /** toy2d, rows, series: hidden width of the MLP. */
  width?: number;
  /** toy2d, rows, series: residual blocks of the MLP. */
  blocks?: number;
  /** mnist, audio: base channels of the U-Net. */
  channels?: number;
  /** toy2d: points drawn from the distribution. */
  rows?: number;
  /** mnist: 14 (2×2 averages) or 28. */
  imageSize?: number;
  /** audio: samples per frame (a multiple of 8). */
  frame?: number;
  /** series: values per window. */
  window?: number;
  /** series: a window every `stride` values. */
  stride?: number;
  /** series: what the windows are cut from. */
  returns?: SeriesReturns;
}

/** The options of `fitDiffusion` a preset sets; columns, labels, seed and callbacks come from the run. */
export interface DiffusionFitPreset extends FitDiffusionOptions {
  denoiser: DenoiserChoice;
  scaling: DiffusionScaling;
  prediction: PredictionType;
  schedule: ScheduleConfig;
  steps: number;
  batchSize: number;
  lr: number;
  emaDecay: number;
}

/** The rows each kind's preset is meant for. */
export interface DiffusionDataPresets {
  /** Points to draw from the 2-D distribution. */
  toy2d: { readonly rows: number };
  /** Rows as they are in the table. */
  rows: Readonly<Record<string, never>>;
  /** Image height and width. */
  mnist: { readonly imageSize: 14 | 28 };
  /** Samples per frame, and a frame every `hop` samples. */
  audio: { readonly frame: number; readonly hop: number };
  /** Values per window, a window every `stride` values, cut from `returns` of the series. */
  series: { readonly window: number; readonly stride: number; readonly returns: SeriesReturns };
}

/** A preset: `fitDiffusion` options and the rows they suit (a union discriminated by `kind`). */
export type DiffusionPreset<K extends DiffusionDataKind = DiffusionDataKind> = K extends DiffusionDataKind
  ? { readonly kind: K; readonly fit: DiffusionFitPreset; readonly data: DiffusionDataPresets[K] }
  : never;

/**
 * The kinds each kind-specific override applies to (steps, schedule, prediction, batchSize, lr and
 * emaDecay apply to all); {@link diffusionPreset} refuses the others.
 */
export const PRESET_OVERRIDE_KINDS: Readonly<Partial<Record<keyof DiffusionPresetOverrides, readonly DiffusionDataKind[]>>> = {
  imageSize: ['mnist'],
  channels: ['mnist', 'audio'],
  frame: ['audio'],
  window: ['series'],
  stride: ['series'],
  returns: ['series'],
  width: ['toy2d', 'rows', 'series'],
  blocks: ['toy2d', 'rows', 'series'],
  rows: ['toy2d'],
};

/** The optimiser settings of the MLP kinds and of the U-Net kinds. */
const MLP_TRAINING = {
  // trainDenoiser's defaults: an MLP step is cheap, so large batches cost little (tens of ms for
  // 256 rows, bench/RESULTS.md ddpm-mlp).
  batchSize: 256,
  lr: 1e-3,
  // A short average (~200 steps) that still follows the few thousand steps of a CLI run.
  emaDecay: 0.995,
} as const;
const UNET_TRAINING = {
  // A U-Net costs far more per row than the MLP (bench/RESULTS.md, ddpm-unet28 against ddpm-mlp):
  // small batches, fitDiffusion's own default for convolutional denoisers.
  batchSize: 32,
  // Small batches give noisy steps: a longer average (~1000 steps) smooths them.
  emaDecay: 0.999,
} as const;

/** The MLP denoiser: 3 residual blocks (MLPDenoiser's default) of `width` units. */
function mlp(o: DiffusionPresetOverrides, width: number): DenoiserChoice {
  return { width: o.width ?? width, blocks: o.blocks ?? 3 };
}

/**
 * The preset of a kind of data with `overrides` applied. Throws an ArgumentError (naming the
 * override) for an override that does not apply to the kind, an image size other than 14 or 28,
 * a frame that is not a multiple of 8, or unknown returns or schedule.
 *
 * @example
 * const p = diffusionPreset('mnist', { imageSize: 28 });
 * const { images } = loadMnist({ size: p.data.imageSize });
 * const model = fitDiffusion(images, 28 * 28, { ...p.fit, steps: 500 });
 */
export function diffusionPreset<K extends DiffusionDataKind>(kind: K, overrides?: DiffusionPresetOverrides): DiffusionPreset<K>;
export function diffusionPreset(kind: DiffusionDataKind, overrides: DiffusionPresetOverrides = {}): DiffusionPreset {
  if (!DIFFUSION_DATA_KINDS.includes(kind)) throw new ArgumentError(`kind must be one of ${DIFFUSION_DATA_KINDS.join(', ')}; got '${String(kind)}'`, 'kind');
  const o = overrides;
  for (const [key, kinds] of Object.entries(PRESET_OVERRIDE_KINDS)) {
    if (o[key as keyof DiffusionPresetOverrides] !== undefined && !kinds.includes(kind)) {
      throw new ArgumentError(`${key} applies to ${kinds.join(', ')} data, not ${kind}`, key);
    }
  }
  const scheduleName = o.schedule ?? 'linear';
  if (scheduleName !== 'linear' && scheduleName !== 'cosine') throw new ArgumentError(`schedule must be linear or cosine; got '${String(scheduleName)}'`, 'schedule');
  const common = {
    // 3000 steps: about 190 passes over the 4000 points of a 2-D test set at batch 256.
    steps: o.steps ?? 3000,
    // DDPM's linear β from 1e-4 to 0.02 over 1000 steps (Ho et al. 2020); cosine on request.
    schedule: { betaSchedule: scheduleName === 'cosine' ? 'squaredcos_cap_v2' : 'linear' } satisfies ScheduleConfig,
  };
  // ε-prediction, DDPM's parameterisation (Ho et al. 2020), except for series windows below.
  const prediction = (fallback: PredictionType = 'epsilon'): PredictionType => o.prediction ?? fallback;
  const training = (defaults: { batchSize: number; lr: number; emaDecay: number }) => ({
    batchSize: o.batchSize ?? defaults.batchSize,
    lr: o.lr ?? defaults.lr,
    emaDecay: o.emaDecay ?? defaults.emaDecay,
  });
  switch (kind) {
    case 'toy2d':
    case 'rows': {
      // Each column standardised: columns of a table come in different units.
      const fit: DiffusionFitPreset = { denoiser: mlp(o, 128), scaling: 'column', prediction: prediction(), ...common, ...training(MLP_TRAINING) };
      // 4000 points show a 2-D shape clearly and train in seconds.
      return kind === 'toy2d' ? { kind, fit, data: { rows: o.rows ?? 4000 } } : { kind, fit, data: {} };
    }
    case 'series': {
      const returns = o.returns ?? 'none';
      if (!SERIES_RETURNS.includes(returns)) throw new ArgumentError(`returns must be log, diff or none; got '${String(returns)}'`, 'returns');
      return {
        kind,
        fit: {
          // A window of values is a harder target than a 2-D point: a wider MLP.
          denoiser: mlp(o, 256),
          // Every position of a window is alike: one global scaling.
          scaling: 'global',
          // v-prediction keeps DDIM/DPM++ at the data's spread where ε-prediction overshoots it by
          // ~30% (bench/diffusion-series.js).
          prediction: prediction('v_prediction'),
          ...common,
          ...training(MLP_TRAINING),
        },
        // 24 values: room for the autocorrelations up to lag 5 that windowStats reports; a window
        // at every value (stride 1) gives the most rows from a short series; the values as given
        // unless asked (log returns suit prices).
        data: { window: o.window ?? 24, stride: o.stride ?? 1, returns },
      };
    }
    case 'mnist': {
      // 14×14 (2×2 averages) by default: a 14×14 U-Net trains about 8× faster on a CPU (data/mnist.ts).
      const size = o.imageSize ?? 14;
      if (size !== 14 && size !== 28) throw new ArgumentError(`imageSize must be 14 or 28; got ${size}`, 'imageSize');
      return {
        kind,
        fit: {
          // UNET2D_PRESETS of denoisers/unet2d.ts (not imported: it loads the engine): 14×14 two
          // levels of 16/32 channels, 28×28 three of 32/64/64 (28 → 14 → 7).
          denoiser: { kind: 'unet2d', height: size, baseChannels: o.channels ?? (size === 14 ? 16 : 32), channelMults: size === 14 ? [1, 2] : [1, 2, 2] },
          // Pixels [0, 1] → [−1, 1], the data range of DDPM (Ho et al. 2020).
          scaling: { center: 0.5, scale: 0.5 },
          prediction: prediction(),
          ...common,
          // Half the MLP's learning rate for the deeper network (DDPM trained its U-Nets at 2e-4).
          ...training({ ...UNET_TRAINING, lr: 5e-4 }),
        },
        data: { imageSize: size },
      };
    }
    case 'audio': {
      // 128 samples (8 ms at 16 kHz, the rate of the bundled speech): small enough for a fast
      // U-Net, and divisible by 8.
      const frame = o.frame ?? 128;
      if (!Number.isInteger(frame) || frame < 8 || frame % 8 !== 0) throw new ArgumentError(`frame must be a positive multiple of 8 (the U-Net halves it three times); got ${frame}`, 'frame');
      return {
        kind,
        fit: {
          // Three halvings (128 → 16 samples at the lowest level), 16/32/32/64 channels.
          denoiser: { kind: 'unet1d', baseChannels: o.channels ?? 16, depth: 3, channelMults: [1, 2, 2, 4] },
          // Every sample of a frame is alike: one global scaling.
          scaling: 'global',
          prediction: prediction(),
          ...common,
          ...training({ ...UNET_TRAINING, lr: 1e-3 }),
        },
        // A frame every L/4 samples: each sample is seen at four positions in a frame, four times
        // the rows of disjoint frames.
        data: { frame, hop: frame / 4 },
      };
    }
  }
}
