// Importing ardiff must not load the tensor engine (TensorFlow.js takes about half a second) or
// Vega: checked in fresh processes against the built package (the full tier builds dist/ first).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../fixtures.js';

describe('the tensor engine and Vega load on demand', () => {
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
