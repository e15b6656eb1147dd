// Importing ardiff must not load the tensor engine (TensorFlow.js takes about half a second): the
// LSTM/GRU entries of the registry load it in `prepare`, and before that say so with a typed error.
import { describe, it, expect } from 'vitest';
import { fromJSON, findModel, type ModelJSON } from '../src/registry.js';
import type { SeriesModelEntry } from '../src/core/model-entry.js';
import type { Forecaster } from '../src/core/model.js';
import { ArgumentError } from '../src/core/errors.js';

describe('the tensor engine loads on demand', () => {
  it('a neural model before prepare() gets a typed error; after it, fits and restores', async () => {
    const lstm = findModel('lstm') as SeriesModelEntry<Record<string, unknown>>;
    const y = Array.from({ length: 60 }, (_, i) => 10 + Math.sin(i / 2));
    expect(() => lstm.fit(y, { hiddenSize: 4, layers: 1, epochs: 1 })).toThrow(ArgumentError);
    expect(() => lstm.fit(y, { hiddenSize: 4, layers: 1, epochs: 1 })).toThrow(/prepare\(\)/);
    await lstm.prepare!();
    const fit = lstm.fit(y, { hiddenSize: 4, layers: 1, epochs: 1 });
    expect((fromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as ModelJSON) as Forecaster).toJSON()).toEqual(fit.toJSON());
  }, 60_000);
});
