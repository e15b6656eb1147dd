/**
 * A module the registry reaches without importing it when ardiff is imported (the tensor engine
 * takes about half a second to load): the module provides its functions here when it loads, and
 * `load` imports it — and starts what it needs — on first use. Before either, `get` throws a typed
 * error saying how to load it.
 */
import { ArgumentError } from './errors.js';

export interface LazyModule<T> {
  /** Called by the module when it loads. */
  provide(functions: T): void;
  /** The functions, once provided (a typed error naming `model` before). */
  get(model: string): T;
  /** Loads the module (and whatever it needs started); resolves to its functions. */
  load(): Promise<T>;
}

/**
 * @param importer imports the module (which calls `provide`) and starts what it needs
 * @param how what a user does to load it by hand, for the error message
 */
export function lazyModule<T>(importer: () => Promise<void>, how: string): LazyModule<T> {
  let provided: T | undefined;
  const get = (model: string): T => {
    if (!provided) throw new ArgumentError(`${model} runs on the tensor engine, which is not loaded yet: await the registry entry's prepare(), or ${how}`, 'model');
    return provided;
  };
  return {
    provide: (functions) => { provided = functions; },
    get,
    load: async () => {
      await importer();
      return get('the module');
    },
  };
}
