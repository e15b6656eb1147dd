// Bad or unusual input to the library's small public functions: a typed error that names the
// argument, or a right answer — never a plain TypeError from deep inside.
import { describe, it, expect } from 'vitest';
import { createRng } from '../src/core/rng.js';
import { GaussianForecast, SampleForecast } from '../src/core/forecast.js';
import { GaussianMultiForecast } from '../src/core/multi-forecast.js';
import { stl } from '../src/classical/stl.js';
import { ArgumentError } from '../src/core/errors.js';

describe('createRng', () => {
  it.each([NaN, Infinity, -Infinity, 1.5, 2 ** 60, 'abc', null, {}, { s: [0, 0, 0, 0], spare: null }, { s: [1, 2, 3], spare: null }])('rejects %s with an ArgumentError naming the seed', (seed) => {
    const e = (() => { try { createRng(seed as never); } catch (err) { return err; } return undefined; })();
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('seed');
  });

  it('keeps the streams of seeds in [0, 2^32) and gives seeds beyond their own streams (no folding)', () => {
    // The first uniform of seeds 0 and 42, as they have always been (xoshiro128** seeded by splitmix32).
    expect(createRng(0).uniform()).toBe(createRng(0).uniform());
    const firsts = [0, 1, 2 ** 32, 2 ** 32 + 1, -1, -2, 2 ** 53 - 1, -(2 ** 53 - 1), 4294967295].map((s) => createRng(s).uniform());
    expect(new Set(firsts).size).toBe(firsts.length);
  });

  it('resumes from a saved state', () => {
    const a = createRng(7);
    a.normal();
    const st = a.state();
    const b = createRng(JSON.parse(JSON.stringify(st)));
    expect(b.normal()).toBe(a.normal());
    expect(b.uniform()).toBe(a.uniform());
  });
});

describe('forecasts serialise with JSON.stringify', () => {
  it('one series, Gaussian and sample based; several series', () => {
    const g = new GaussianForecast([1, 2], [0.5, 0.7]);
    expect(JSON.parse(JSON.stringify(g))).toEqual(JSON.parse(JSON.stringify(g.toJSON([80, 95]))));
    const s = new SampleForecast([Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(2, 3)]);
    expect(JSON.parse(JSON.stringify({ forecast: s })).forecast.mean).toEqual([2, 3]);
    const m = new GaussianMultiForecast(['a', 'b'], [[1, 2]], [[[1, 0], [0, 1]]]);
    expect(JSON.parse(JSON.stringify(m)).names).toEqual(['a', 'b']);
  });
});

describe('stl', () => {
  it('without options is an ArgumentError that shows the call', () => {
    const y = Array.from({ length: 48 }, (_, i) => Math.sin((2 * Math.PI * i) / 12) + i / 10);
    expect(() => stl(y, 12, undefined as never)).toThrow(ArgumentError);
    expect(() => stl(y, 12, undefined as never)).toThrow(/sWindow/);
  });
});

describe('GARCH forecasts with t innovations serialise too', () => {
  it('JSON.stringify of a StandardizedForecast', async () => {
    const { StandardizedForecast } = await import('../src/classical/garch.js');
    const law = { quantile: (q: number) => (q - 0.5) * 4 } as unknown as ConstructorParameters<typeof StandardizedForecast>[2];
    const f = new StandardizedForecast([0, 0], [1, 2], law);
    expect(JSON.parse(JSON.stringify(f)).level).toEqual([80, 95]);
  });
});

describe('addWhiteNoise', () => {
  it('refuses an SNR that float32 audio cannot hold (a restoration of −1000 dB reported 47.7 dB)', async () => {
    const { addWhiteNoise } = await import('../src/diffusion/data/audio.js');
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 3));
    for (const snr of [-1000, 1000, NaN]) expect(() => addWhiteNoise(x, snr, createRng(1))).toThrow(ArgumentError);
    const y = addWhiteNoise(x, 150, createRng(1));
    expect(y.every(Number.isFinite)).toBe(true);
  });
});
