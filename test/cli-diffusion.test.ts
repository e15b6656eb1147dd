// `ardiff diffusion train|sample` end to end on a tiny model, and the typed errors of its flags.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliJson } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ardiff-diffusion-'));
const model = join(dir, 'm.json');
const conditional = join(dir, 'c.json');

describe('ardiff diffusion', () => {
  it('trains, samples a CSV with the training columns, and rejects bad requests', async () => {
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'moons', '--rows', '500', '--steps', '30', '--width', '16', '--blocks', '1', '--out', model]);
    expect(t.code).toBe(0);
    expect(t.json.steps).toBe(30);
    expect(t.json.columns).toEqual(['x', 'y']);
    const out = join(dir, 's.csv');
    const s = await runCli(['diffusion', 'sample', '--model', model, '--n', '7', '--scheduler', 'dpm++', '--seed', '3', '--out', out]);
    expect(s.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x,y');
    expect(lines.length).toBe(8);
    for (const l of lines.slice(1)) expect(l.split(',').map(Number).every(Number.isFinite)).toBe(true);
    const again = join(dir, 's2.csv');
    await runCli(['diffusion', 'sample', '--model', model, '--n', '7', '--scheduler', 'dpm++', '--seed', '3', '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));

    const err = async (args: string[], argument: string, pattern: RegExp) => {
      const r = await runCliJson(args);
      expect(r.code).toBe(2);
      const e = r.json.error as { argument: string; message: string };
      expect(e.argument).toBe(argument);
      expect(e.message).toMatch(pattern);
    };
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--inference-steps', '1001'], 'numInferenceSteps', /cannot be larger/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--inference-steps', '0'], '--inference-steps', /integer/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--scheduler', 'heun'], '--scheduler', /unknown scheduler/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--class', '1', '--guidance', '3'], '--class', /conditional/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--guidance', '3'], 'guidance', /conditional/);
    await err(['diffusion', 'train', '--dataset', 'moons', '--prediction', 'noise', '--out', model], '--prediction', /epsilon, v or sample/);
    await err(['diffusion', 'train', '--dataset', 'mnist', '--out', model], '--dataset', /U-Net/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,x\n');
    await err(['diffusion', 'train', '--dataset', bad, '--out', model], '--columns', /not a number/);
    writeFileSync(join(dir, 'corrupt.json'), '{"kind":"diffusion","version":7}');
    await err(['diffusion', 'sample', '--model', join(dir, 'corrupt.json'), '--n', '2'], 'model', /version 7/);
  }, 60_000);

  it('samples a class with guidance from a conditional model; rejects unknown classes', async () => {
    const t = await runCliJson(['diffusion', 'train', '--dataset', '8gaussians', '--conditional', '--rows', '400', '--steps', '20', '--width', '16', '--blocks', '1', '--out', conditional]);
    expect(t.json.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    const s = await runCliJson(['diffusion', 'sample', '--model', conditional, '--n', '4', '--class', '2', '--guidance', '3']);
    expect(s.code).toBe(0);
    const r = await runCliJson(['diffusion', 'sample', '--model', conditional, '--n', '4', '--class', '9']);
    expect(r.code).toBe(2);
    expect((r.json.error as { message: string }).message).toMatch(/not one of the model's classes/);
  }, 60_000);
});
