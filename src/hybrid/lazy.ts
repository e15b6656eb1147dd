/**
 * How the model registry reaches the hybrid models without loading the tensor engine when ardiff
 * is imported: timegrad.ts provides its functions here when it is loaded, and the registry's
 * `prepare` hook loads it (and starts the engine) on first use. Importing 'ardiff/hybrid' loads
 * it too, so `fromJSON` of a TimeGrad model works after either.
 */
import { ArgumentError } from '../core/errors.js';
import type { FittedTimeGrad, TimeGradJSON, TimeGradOptions } from './timegrad.js';
import type { MultiSeriesData } from '../core/model.js';
import type { ARNetConfig } from '../neural/ar-rnn.js';

export interface HybridModels {
  fitTimeGrad(data: MultiSeriesData, options?: TimeGradOptions): FittedTimeGrad;
  fittedTimeGradFromJSON(json: TimeGradJSON): FittedTimeGrad;
  resolveTimeGradConfig(options?: TimeGradOptions): ARNetConfig;
}

let provided: HybridModels | undefined;

/** Called by timegrad.ts when it loads. */
export function provideHybridModels(m: HybridModels): void {
  provided = m;
}

/** The hybrid models, once loaded (a typed error before). */
export function hybridModels(model: string): HybridModels {
  if (!provided) {
    throw new ArgumentError(`${model} runs on the tensor engine, which is not loaded yet: await the registry entry's prepare(), or import 'ardiff/hybrid' and await initEngine() first`, 'model');
  }
  return provided;
}

/** Loads the hybrid models and starts the tensor engine. */
export async function loadHybridModels(): Promise<HybridModels> {
  await import('./timegrad.js');
  const { initEngine } = await import('../neural/engine/init.js');
  await initEngine();
  return hybridModels('the hybrid models');
}
