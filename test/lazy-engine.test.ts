// Importing ardiff must not load the tensor engine (TensorFlow.js takes about half a second): the
// LSTM/GRU entries of the registry load it in `prepare`, and before that say so with a typed error.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { MODELS, fromJSON, type ModelEntry, type ModelJSON } from '../src/registry.js';
import type { DeepAROptions } from '../src/neural/deepar.js';
import { ArgumentError } from '../src/core/errors.js';
import { ROOT } from './fixtures.js';

describe('the tensor engine loads on demand', () => {
  it('a neural model before prepare() gets a typed error; after it, fits and restores', async () => {
    const lstm = (MODELS as readonly ModelEntry<unknown>[]).find((m) => m.name === 'lstm') as ModelEntry<DeepAROptions>;
    const y = Array.from({ length: 60 }, (_, i) => 10 + Math.sin(i / 2));
    expect(() => lstm.fit(y, { hiddenSize: 4, layers: 1, epochs: 1 })).toThrow(ArgumentError);
    expect(() => lstm.fit(y, { hiddenSize: 4, layers: 1, epochs: 1 })).toThrow(/prepare\(\)/);
    await lstm.prepare!();
    const fit = lstm.fit(y, { hiddenSize: 4, layers: 1, epochs: 1 });
    expect(fromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as ModelJSON).toJSON()).toEqual(fit.toJSON());
  }, 60_000);

  it("import 'ardiff' leaves @tensorflow and vega unloaded (checked in a fresh process)", () => {
    const probe = "import { createRequire } from 'node:module'; await import('ardiff'); " +
      "const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /@tensorflow|[\\\\/]vega/.test(k)); console.log(JSON.stringify(loaded));";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('the CLI loads it only for the commands that need it (`ardiff datasets` does not)', () => {
    const probe = "import { createRequire } from 'node:module'; const { buildProgram } = await import('./dist/cli/program.js'); " +
      "const log = console.log; console.log = () => {}; await buildProgram().parseAsync(['node', 'ardiff', 'datasets']); console.log = log; " +
      "console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => /@tensorflow/.test(k))));";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([]);
  });
});
