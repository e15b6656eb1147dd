// Training presets by kind of data (src/diffusion/presets.ts) and the data helpers they assume:
// series returns and window names (data/series.ts), frames of several recordings (data/audio.ts).
import { describe, it, expect } from 'vitest';
import { diffusionPreset, DIFFUSION_DATA_KINDS, PRESET_OVERRIDE_KINDS } from '../src/diffusion/presets.js';
import { seriesReturns, windowColumns } from '../src/diffusion/data/series.js';
import { frameRecordings, frameSignal } from '../src/diffusion/data/audio.js';
import { UNET2D_PRESETS } from '../src/diffusion/denoisers/unet2d.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

function thrown(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

describe('diffusionPreset', () => {
  it('holds the defaults of each kind of data', () => {
    const linear = { betaSchedule: 'linear' };
    const mlp = { batchSize: 256, lr: 1e-3, emaDecay: 0.995, steps: 3000, schedule: linear };
    expect(diffusionPreset('toy2d')).toEqual({ kind: 'toy2d', fit: { denoiser: { width: 128, blocks: 3 }, scaling: 'column', prediction: 'epsilon', ...mlp }, data: { rows: 4000 } });
    expect(diffusionPreset('rows')).toEqual({ kind: 'rows', fit: { denoiser: { width: 128, blocks: 3 }, scaling: 'column', prediction: 'epsilon', ...mlp }, data: {} });
    expect(diffusionPreset('series')).toEqual({
      kind: 'series', fit: { denoiser: { width: 256, blocks: 3 }, scaling: 'global', prediction: 'v_prediction', ...mlp }, data: { window: 24, stride: 1, returns: 'none' },
    });
    expect(diffusionPreset('mnist')).toEqual({
      kind: 'mnist',
      fit: { denoiser: { kind: 'unet2d', height: 14, baseChannels: 16, channelMults: [1, 2] }, scaling: { center: 0.5, scale: 0.5 }, prediction: 'epsilon', batchSize: 32, lr: 5e-4, emaDecay: 0.999, steps: 3000, schedule: linear },
      data: { imageSize: 14 },
    });
    expect(diffusionPreset('audio')).toEqual({
      kind: 'audio',
      fit: { denoiser: { kind: 'unet1d', baseChannels: 16, depth: 3, channelMults: [1, 2, 2, 4] }, scaling: 'global', prediction: 'epsilon', batchSize: 32, lr: 1e-3, emaDecay: 0.999, steps: 3000, schedule: linear },
      data: { frame: 128, hop: 32 },
    });
  });

  it('builds the 2-D U-Nets of UNET2D_PRESETS (kept in step by hand: presets.ts does not load the engine)', () => {
    for (const [size, preset] of [[14, UNET2D_PRESETS['14x14']], [28, UNET2D_PRESETS['28x28']]] as const) {
      const d = diffusionPreset('mnist', { imageSize: size }).fit.denoiser;
      expect(d).toMatchObject({ kind: 'unet2d', height: preset.height, baseChannels: preset.baseChannels, channelMults: preset.channelMults });
      expect(preset.width).toBe(preset.height);
    }
  });

  it('applies overrides', () => {
    const p = diffusionPreset('series', { width: 64, blocks: 1, window: 8, stride: 4, returns: 'log', prediction: 'epsilon', schedule: 'cosine', steps: 10, lr: 2e-3, batchSize: 16, emaDecay: 0 });
    expect(p.fit).toMatchObject({ denoiser: { width: 64, blocks: 1 }, prediction: 'epsilon', schedule: { betaSchedule: 'squaredcos_cap_v2' }, steps: 10, lr: 2e-3, batchSize: 16, emaDecay: 0 });
    expect(p.data).toEqual({ window: 8, stride: 4, returns: 'log' });
    expect(diffusionPreset('mnist', { imageSize: 28, channels: 8 }).fit.denoiser).toEqual({ kind: 'unet2d', height: 28, baseChannels: 8, channelMults: [1, 2, 2] });
    expect(diffusionPreset('audio', { frame: 64, channels: 4 }).data).toEqual({ frame: 64, hop: 16 });
  });

  it('refuses overrides of other kinds and impossible values, naming the option', () => {
    for (const [key, kinds] of Object.entries(PRESET_OVERRIDE_KINDS)) {
      const other = DIFFUSION_DATA_KINDS.find((k) => !kinds.includes(k));
      if (!other) continue;
      const e = thrown(() => diffusionPreset(other, { [key]: key === 'returns' ? 'log' : 8 }));
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe(key);
    }
    const cases: [() => unknown, string, RegExp][] = [
      [() => diffusionPreset('mnist', { imageSize: 20 }), 'imageSize', /14 or 28/],
      [() => diffusionPreset('audio', { frame: 30 }), 'frame', /multiple of 8/],
      [() => diffusionPreset('audio', { frame: 0 }), 'frame', /multiple of 8/],
      [() => diffusionPreset('series', { returns: 'pct' as 'log' }), 'returns', /log, diff or none/],
      [() => diffusionPreset('toy2d', { schedule: 'sigmoid' as 'linear' }), 'schedule', /linear or cosine/],
      [() => diffusionPreset('images' as 'mnist'), 'kind', /toy2d, rows, mnist, audio, series/],
    ];
    for (const [f, argument, pattern] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe(argument);
      expect(e.message).toMatch(pattern);
    }
  });
});

describe('series and audio helpers', () => {
  it('seriesReturns: per-cent log returns, differences, or a copy', () => {
    const y = Float64Array.from([100, 110, 99, 99]);
    expect(Array.from(seriesReturns(y, 'log'))).toEqual([100 * Math.log(110 / 100), 100 * Math.log(99 / 110), 0]);
    expect(Array.from(seriesReturns(y, 'diff'))).toEqual([10, -11, 0]);
    const same = seriesReturns(y, 'none');
    expect(Array.from(same)).toEqual(Array.from(y));
    expect(same).not.toBe(y);
    const e = thrown(() => seriesReturns([1, 0, 2], 'log', "'x'"));
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).argument).toBe('returns');
    expect(e.message).toMatch(/'x' has values ≤ 0/);
  });

  it('windowColumns names windows by what they hold', () => {
    expect(windowColumns(3, 'log', 'DAX')).toEqual(['logret_1', 'logret_2', 'logret_3']);
    expect(windowColumns(2, 'diff', 'DAX')).toEqual(['diff_1', 'diff_2']);
    expect(windowColumns(2, 'none', 'DAX')).toEqual(['DAX_1', 'DAX_2']);
  });

  it('frameRecordings: the frames of each recording, one after another', () => {
    const a = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), b = Float32Array.from({ length: 9 }, (_, i) => i / 9);
    const rows = frameRecordings([a, b], 8, 2);
    const fa = frameSignal(a, 8, 2), fb = frameSignal(b, 8, 2);
    expect(rows.length).toBe(fa.length + fb.length);
    expect(Array.from(rows)).toEqual([...fa, ...fb]);
    expect(thrown(() => frameRecordings([], 8, 2))).toBeInstanceOf(ArgumentError);
  });
});
