/**
 * Registry entries of the neural forecasters (DeepAR-style LSTM and GRU). This module is light:
 * it does not import the tensor engine; each entry's `prepare` loads neural/deepar.ts and starts
 * the engine on first use, so `import 'ardiff'` stays fast.
 */
import { z, type SeriesModelEntry } from '../core/model-entry.js';
import { loadNeuralForecasters, neuralForecasters } from './lazy.js';
import type { DeepAROptions, DeepARJSON, FittedDeepAR } from './deepar.js';

const int = (min: number) => z.number().int().min(min);

/** The options schema of the DeepAR forecasters (the cell is fixed by the entry). */
export const deepAROptionsSchema = z.strictObject({
  epochs: int(1).default(100).describe('most passes over the training windows (early stopping may end sooner)'),
  seed: int(0).default(0).describe('seed of the initial weights, the window order and the forecast paths'),
  seasonalPeriod: int(1).optional().describe('season length s > 1 adds the lag s and sin/cos season covariates (default 1; the CLI uses the data set\'s period)')
    .meta({ cli: { fromDataFrequency: true } }),
  contextLength: int(1).optional().describe('conditioning range in steps (default max(2·prediction length, 16))').meta({ cli: { flag: '--context' } }),
  predictionLength: int(1).optional().describe('prediction range of a training window (default s when s > 1, else 10)'),
  hiddenSize: int(1).default(40).describe('units per recurrent layer').meta({ cli: { flag: '--hidden' } }),
  layers: int(1).default(2).describe('stacked recurrent layers'),
  likelihood: z.enum(['gaussian', 'student-t']).default('gaussian').describe('distribution of the next value'),
  lr: z.number().positive().default(3e-3).describe('peak learning rate of AdamW'),
  batchSize: int(1).default(32).describe('windows per training step'),
  batchesPerEpoch: int(1).default(50).describe('most optimiser steps per epoch'),
  validationFraction: z.number().min(0).max(0.5).default(0.1).describe('fraction of the series end held out for early stopping (0: off)'),
  patience: int(1).default(20).describe('epochs without a better validation loss before stopping'),
  paths: int(1).default(1000).describe('sample paths of forecast()'),
  lags: z.array(int(1)).optional().describe('extra lag indices besides 1 and s, e.g. 2,3').meta({ cli: { flag: '--extra-lags', value: 'a,b' } }),
  clipNorm: z.number().positive().default(10).describe('global gradient-norm clip'),
  onEpoch: z.custom<DeepAROptions['onEpoch']>((v) => typeof v === 'function').optional().describe('called after every epoch'),
});

/** Options of the registered lstm/gru models. */
export type DeepAREntryOptions = z.output<typeof deepAROptionsSchema>;

function deepAREntry(cell: 'lstm' | 'gru'): SeriesModelEntry<DeepAREntryOptions, FittedDeepAR> {
  return {
    name: cell,
    aliases: [`deepar-${cell}`],
    shape: 'series',
    description: `DeepAR-style ${cell.toUpperCase()} probabilistic forecaster (Gaussian or Student-t head); forecasts by ancestral sampling`,
    producesKind: cell,
    options: deepAROptionsSchema,
    fit: (y, options) => neuralForecasters(cell).fitDeepAR(y, { ...options, cell }),
    fromJSON: (json) => neuralForecasters(json.kind).deepARFromJSON(json as DeepARJSON),
    prepare: loadNeuralForecasters,
    report: (fit) => ({
      label: `DeepAR-${cell.toUpperCase()}(${fit.config.layers}x${fit.config.hiddenSize}, ${fit.config.likelihood})`,
      config: fit.config, nWeights: fit.nWeights, training: fit.training,
    }),
    defaultHorizon: (fit) => (fit.config.seasonalPeriod > 1 ? 2 * fit.config.seasonalPeriod : 10),
    backtestOptions: ({ seasonalPeriod, epochs, seed, context }) => ({
      seasonalPeriod, ...(epochs !== undefined ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}), ...(context !== undefined ? { contextLength: context } : {}),
    }),
    progress: {
      total: (options) => neuralForecasters(cell).resolveDeepARConfig({ ...options, cell }).epochs,
      attach: (options, update) => ({
        ...options,
        onEpoch: (e) => update(e.epoch, { train: e.trainLoss.toFixed(3), val: Number.isFinite(e.valLoss) ? e.valLoss.toFixed(3) : '-' }),
      }),
      format: '{value}/{total} epochs | train NLL {train} | valid NLL {val}',
    },
    // Small (one layer of 16 units, 20 epochs) so that the contract test trains each in seconds.
    example: { dataset: 'air-passengers', transform: 'log', options: deepAROptionsSchema.parse({ seasonalPeriod: 12, hiddenSize: 16, layers: 1, epochs: 20, paths: 4000 }) },
  };
}

export const lstmEntry = deepAREntry('lstm');
export const gruEntry = deepAREntry('gru');
