/**
 * How the model registry reaches the neural forecasters without loading the tensor engine when
 * ardiff is imported (TensorFlow.js takes about half a second to load): deepar.ts provides
 * its functions here when it is loaded, and the registry's `prepare` hook loads it on first use.
 * Importing 'ardiff/neural' loads it too, so `fromJSON` of an LSTM/GRU model works after either.
 */
import { ArgumentError } from '../core/errors.js';
import type { DeepAROptions, DeepARJSON, DeepARConfig, FittedDeepAR } from './deepar.js';

export interface NeuralForecasters {
  fitDeepAR(y: ArrayLike<number> | readonly ArrayLike<number>[], options?: DeepAROptions): FittedDeepAR;
  deepARFromJSON(json: DeepARJSON): FittedDeepAR;
  resolveDeepARConfig(options?: DeepAROptions): DeepARConfig;
}

let provided: NeuralForecasters | undefined;

/** Called by deepar.ts when it loads. */
export function provideNeuralForecasters(f: NeuralForecasters): void {
  provided = f;
}

/** The neural forecasters, once loaded (a typed error before). */
export function neuralForecasters(model: string): NeuralForecasters {
  if (!provided) {
    throw new ArgumentError(`${model} runs on the tensor engine, which is not loaded yet: await the registry entry's prepare(), or import 'ardiff/neural' and await initEngine() first`, 'model');
  }
  return provided;
}

/** Loads the neural forecasters and starts the tensor engine. */
export async function loadNeuralForecasters(): Promise<NeuralForecasters> {
  await import('./deepar.js');
  const { initEngine } = await import('./engine/init.js');
  await initEngine();
  return neuralForecasters('the neural forecasters');
}
