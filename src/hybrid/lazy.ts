/**
 * How the model registry reaches the hybrid models without loading the tensor engine when ardiff
 * is imported: timegrad.ts provides its functions here when it is loaded, and the registry's
 * `prepare` hook loads it (and starts the engine) on first use. Importing 'ardiff/hybrid' loads
 * it too, so `fromJSON` of a TimeGrad model works after either.
 */
import { lazyModule } from '../core/lazy.js';
import type { FittedTimeGrad, TimeGradJSON, TimeGradOptions } from './timegrad.js';
import type { MultiSeriesData } from '../core/model.js';
import type { ARNetConfig } from '../neural/ar-rnn.js';

export interface HybridModels {
  fitTimeGrad(data: MultiSeriesData, options?: TimeGradOptions): FittedTimeGrad;
  fittedTimeGradFromJSON(json: TimeGradJSON): FittedTimeGrad;
  resolveTimeGradConfig(options?: TimeGradOptions): ARNetConfig;
}

const lazy = lazyModule<HybridModels>(async () => {
  await import('./timegrad.js');
  const { initEngine } = await import('../neural/engine/init.js');
  await initEngine();
}, "import 'ardiff/hybrid' and await initEngine() first");

/** Called by timegrad.ts when it loads. */
export const provideHybridModels = lazy.provide;
/** The hybrid models, once loaded (a typed error before). */
export const hybridModels = lazy.get;
/** Loads the hybrid models and starts the tensor engine. */
export const loadHybridModels = lazy.load;
