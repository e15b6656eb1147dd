// `ardiff diffusion train --dataset mnist --text` and `diffusion sample --prompt` end to end (the
// encoder's 600 steps and the captioning of every training digit take ~20 s, hence the full tier).
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliJson } from '../cli-helpers.js';

describe('CLI: text → image', () => {
  it('trains on captioned digits, draws a prompt as a PNG grid; the flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-t2i-'));
    const m = join(dir, 't2i.json'), png = join(dir, 'g.png');
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'mnist', '--text', '--steps', '2', '--out', m]);
    expect(t.code).toBe(0);
    expect((t.json.captions as string[]).length).toBe(3);
    expect((JSON.parse(readFileSync(m, 'utf8')) as { kind: string }).kind).toBe('text-to-image');
    const s = await runCliJson(['diffusion', 'sample', '--model', m, '--prompt', 'a bold seven', '--n', '4', '--guidance', '3', '--scheduler', 'dpm++', '--out', png]);
    expect(s.code).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
    const err = async (args: string[], argument: string) => {
      const e = await runCliJson(args);
      expect(e.code).toBe(2);
      expect((e.json.error as { argument: string }).argument).toBe(argument);
    };
    await err(['diffusion', 'sample', '--model', m, '--n', '2', '--out', png], '--prompt');
    await err(['diffusion', 'sample', '--model', m, '--prompt', 'a seven', '--n', '1000000000', '--out', png], '--n');
    await err(['diffusion', 'sample', '--model', m, '--prompt', 'a seven', '--out', join(dir, 'x.csv')], '--out');
    await err(['diffusion', 'sample', '--model', m, '--prompt', 'x'.repeat(200), '--out', png], '--prompt');
    await err(['diffusion', 'sample', '--model', m, '--prompt', 'a seven', '--class', '3', '--out', png], '--class');
    await err(['diffusion', 'train', '--dataset', 'moons', '--text', '--out', join(dir, 'y.json')], '--text');
    await err(['diffusion', 'train', '--dataset', 'mnist', '--text', '--conditional', '--out', join(dir, 'y.json')], '--text');
    await err(['diffusion', 'train', '--dataset', 'mnist', '--text', '--text-conditioning', 'concat', '--out', join(dir, 'y.json')], '--text-conditioning');
    await err(['diffusion', 'train', '--dataset', 'mnist', '--text-conditioning', 'pooled', '--out', join(dir, 'y.json')], '--text-conditioning');
    // The default conditioning is cross-attention: the model's context names its tokens.
    const saved = JSON.parse(readFileSync(m, 'utf8')) as { diffusion: { context: { source: Record<string, unknown> } } };
    expect(saved.diffusion.context.source.tokens).toBeGreaterThan(0);
  }, 180_000);
});
