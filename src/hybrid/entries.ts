/**
 * Registry entries of the hybrid models. This module is light: it does not import the tensor
 * engine; each entry's `prepare` loads the model and starts the engine on first use.
 */
import { z, type MultiSeriesModelEntry } from '../core/model-entry.js';
import { hybridModels, loadHybridModels } from './lazy.js';
import type { FittedTimeGrad, TimeGradJSON } from './timegrad.js';

const int = (min: number) => z.number().int().min(min);
const pos = () => z.number().positive();

/** The options schema of TimeGrad (defaults: the paper's diffusion, pytorch-ts' networks). */
export const timeGradOptionsSchema = z.strictObject({
  epochs: int(1).default(40).describe('most passes over the training windows (early stopping may end sooner)'),
  seed: int(0).default(0).describe('seed of the weights, the windows, the diffusion noise and the forecast paths'),
  seasonalPeriod: int(1).optional().describe('season length s > 1 adds the lag s and sin/cos season covariates (the CLI uses the data set\'s period)')
    .meta({ cli: { fromDataFrequency: true } }),
  contextLength: int(1).optional().describe('conditioning range in steps (default max(2·prediction length, 16))').meta({ cli: { flag: '--context' } }),
  predictionLength: int(1).optional().describe('prediction range of a training window (default s when s > 1, else 10)'),
  cell: z.enum(['lstm', 'gru']).default('lstm').describe('recurrent cell'),
  hiddenSize: int(1).default(40).describe('units per recurrent layer').meta({ cli: { flag: '--hidden' } }),
  layers: int(1).default(2).describe('stacked recurrent layers'),
  lr: pos().default(1e-3).describe('peak learning rate of AdamW'),
  batchSize: int(1).default(64).describe('windows per training step'),
  batchesPerEpoch: int(1).default(50).describe('most optimiser steps per epoch'),
  validationFraction: z.number().min(0).max(0.5).default(0.1).describe('fraction of the series end held out for early stopping (0: off)'),
  patience: int(1).default(10).describe('epochs without a better validation loss before stopping'),
  paths: int(1).default(100).describe('sample paths of forecast()'),
  lags: z.array(int(1)).optional().describe('extra lag indices besides 1 and s, e.g. 2,3').meta({ cli: { flag: '--extra-lags', value: 'a,b' } }),
  clipNorm: pos().default(10).describe('global gradient-norm clip'),
  diffusionSteps: int(2).default(100).describe('diffusion steps K'),
  betaStart: pos().default(1e-4).describe('first beta of the linear schedule'),
  betaEnd: pos().lt(1).default(0.1).describe('last beta of the linear schedule'),
  residualLayers: int(1).default(8).describe('residual layers of the epsilon network'),
  residualChannels: int(1).default(8).describe('residual channels of the epsilon network'),
  dilationCycle: int(1).default(2).describe('dilations cycle through 1, 2, ..., 2^(cycle-1)'),
  timeEmbedding: int(1).default(16).describe('half width of the diffusion-step embedding'),
  residualHidden: int(1).default(64).describe('width of the projected step embedding'),
  sampler: z.enum(['ddpm', 'ddim', 'dpm++']).default('ddpm').describe('reverse-process sampler of forecasts'),
  samplerSteps: int(1).optional().describe('its steps (default K for ddpm, 20 for ddim and dpm++)'),
  onEpoch: z.custom<(info: { epoch: number; trainLoss: number; valLoss: number }) => void>((v) => typeof v === 'function').optional().describe('called after every epoch'),
});

/** Options of the registered timegrad model. */
export type TimeGradEntryOptions = z.output<typeof timeGradOptionsSchema>;

/** Registry entry of TimeGrad. */
export const timeGradEntry: MultiSeriesModelEntry<TimeGradEntryOptions, FittedTimeGrad> = {
  name: 'timegrad',
  shape: 'multiseries',
  description: 'TimeGrad: an LSTM/GRU over D series whose next step is drawn by a denoising diffusion model (Rasul et al. 2021)',
  producesKind: 'timegrad',
  options: timeGradOptionsSchema,
  fit: (data, options) => hybridModels('timegrad').fitTimeGrad(data, options),
  fromJSON: (json) => hybridModels('timegrad').fittedTimeGradFromJSON(json as TimeGradJSON),
  prepare: loadHybridModels,
  report: (fit) => ({
    label: `TimeGrad-${fit.config.cell.toUpperCase()}(${fit.config.layers}x${fit.config.hiddenSize}), K = ${fit.diffusion.diffusionSteps}`,
    config: fit.config, diffusion: fit.diffusion, sampling: fit.sampling, nWeights: fit.nWeights, training: fit.training,
  }),
  defaultHorizon: (fit) => fit.config.predictionLength,
  backtestOptions: ({ seasonalPeriod, epochs, seed, context }) => ({
    seasonalPeriod, ...(epochs !== undefined ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}), ...(context !== undefined ? { contextLength: context } : {}),
  }),
  progress: {
    total: (options) => hybridModels('timegrad').resolveTimeGradConfig(options).epochs,
    attach: (options, update) => ({
      ...options,
      onEpoch: (e) => update(e.epoch, { train: e.trainLoss.toFixed(4), val: Number.isFinite(e.valLoss) ? e.valLoss.toFixed(4) : '-' }),
    }),
    format: '{value}/{total} epochs | train loss {train} | valid loss {val}',
  },
  // Small so that the contract test trains it in seconds.
  example: {
    dataset: 'macrodata', columns: ['realgdp', 'realcons', 'realinv'], transform: 'dlog',
    options: timeGradOptionsSchema.parse({
      seasonalPeriod: 4, hiddenSize: 8, layers: 1, epochs: 2, batchesPerEpoch: 4, batchSize: 16,
      diffusionSteps: 10, residualLayers: 2, residualChannels: 4, paths: 50,
    }),
  },
};
