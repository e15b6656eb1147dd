/**
 * How the model registry reaches the neural forecasters without loading the tensor engine when
 * ardiff is imported (TensorFlow.js takes about half a second to load): deepar.ts provides
 * its functions here when it is loaded, and the registry's `prepare` hook loads it on first use.
 * Importing 'ardiff/neural' loads it too, so `fromJSON` of an LSTM/GRU model works after either.
 */
import { lazyModule } from '../core/lazy.js';
import type { DeepAROptions, DeepARJSON, DeepARConfig, FittedDeepAR } from './deepar.js';

export interface NeuralForecasters {
  fitDeepAR(y: ArrayLike<number> | readonly ArrayLike<number>[], options?: DeepAROptions): FittedDeepAR;
  deepARFromJSON(json: DeepARJSON): FittedDeepAR;
  resolveDeepARConfig(options?: DeepAROptions): DeepARConfig;
}

const lazy = lazyModule<NeuralForecasters>(async () => {
  await import('./deepar.js');
  const { initEngine } = await import('./engine/init.js');
  await initEngine();
}, "import 'ardiff/neural' and await initEngine() first");

/** Called by deepar.ts when it loads. */
export const provideNeuralForecasters = lazy.provide;
/** The neural forecasters, once loaded (a typed error before). */
export const neuralForecasters = lazy.get;
/** Loads the neural forecasters and starts the tensor engine. */
export const loadNeuralForecasters = lazy.load;
