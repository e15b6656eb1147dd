// Denoiser training and sampling end to end on 2-D data: quality against a Gaussian fit (the
// baseline a generative model must beat), every scheduler, seeds, save/load, trajectories,
// classifier-free guidance, and the typed errors of the public boundary.
import { describe, it, expect, beforeAll } from 'vitest';
import { initEngine } from '../src/neural/engine/index.js';
import { fitDiffusion, DiffusionModel, type DiffusionModelJSON } from '../src/diffusion/model.js';
import { toyData, toyDataLabelled } from '../src/diffusion/data/toy-data.js';
import { slicedWasserstein, mmd, gaussianBaseline } from '../src/diffusion/metrics.js';
import { timestepEmbedding } from '../src/diffusion/denoisers/embedding.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

const swd = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => slicedWasserstein(a, b, 2, { rng: createRng(9) });

describe('metrics', () => {
  it('sliced Wasserstein: zero for identical samples, the shift for a translated one', () => {
    const a = toyData('moons', 500, createRng(1));
    expect(swd(a, a)).toBeLessThan(1e-12);
    // Shifting every point by (3, 4) moves each projection by ⟨(3,4), θ⟩: E over θ of that² is 25/2.
    const b = a.map((v, i) => v + (i % 2 === 0 ? 3 : 4));
    expect(slicedWasserstein(a, b, 2, { rng: createRng(2), projections: 4000 })).toBeCloseTo(Math.sqrt(12.5), 1);
  });

  it('MMD² is ~0 for two draws of one distribution and clearly positive otherwise', () => {
    const a = toyData('moons', 600, createRng(1)), b = toyData('moons', 600, createRng(2));
    expect(Math.abs(mmd(a, b, 2))).toBeLessThan(2e-3);
    expect(mmd(a, toyData('8gaussians', 600, createRng(3)), 2)).toBeGreaterThan(0.05);
  });

  it('the sinusoidal embedding is [cos tω, sin tω] with ω_k = 10000^(−k/half)', () => {
    const e = timestepEmbedding([0, 10], 4);
    expect(Array.from(e.subarray(0, 4))).toEqual([1, 1, 0, 0]);
    expect(e[4]).toBeCloseTo(Math.cos(10), 6);
    expect(e[5]).toBeCloseTo(Math.cos(10 / 100), 6);
    expect(e[7]).toBeCloseTo(Math.sin(10 / 100), 6);
  });
});

describe('diffusion on two moons', () => {
  const train = toyData('moons', 2000, createRng(1));
  const test = toyData('moons', 1000, createRng(2));
  let model: DiffusionModel;
  let baseline: number;
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    model = fitDiffusion(train, 2, { steps: 1500, batchSize: 128, lr: 3e-3, denoiser: { width: 64, blocks: 2 }, columns: ['x', 'y'] });
    baseline = swd(gaussianBaseline(train, 2, 1000, createRng(3)), test);
  }, 120_000);

  // A trained model must be well below the Gaussian fit (≈ 0.19 here; a held-out draw of the
  // data itself scores ≈ 0.02; this small model trained 1500 steps scores ≈ 0.05).
  it.each([['ddim', 50], ['dpm++', 20], ['euler', 50]] as const)('%s with %i steps beats the Gaussian baseline by 2x or more', (scheduler, steps) => {
    const { samples } = model.sample(1000, { scheduler, steps, rng: createRng(4) });
    expect(samples.length).toBe(2000);
    expect(swd(samples, test)).toBeLessThan(baseline / 2);
  });

  it('ddpm samples with a reduced step count too', () => {
    const { samples } = model.sample(500, { scheduler: 'ddpm', steps: 200, rng: createRng(5) });
    expect(swd(samples, test)).toBeLessThan(baseline / 2);
  });

  it('is deterministic given the seed', () => {
    const a = model.sample(50, { rng: createRng(7), scheduler: 'dpm++' }).samples;
    expect(model.sample(50, { rng: createRng(7), scheduler: 'dpm++' }).samples).toEqual(a);
    expect(model.sample(50, { rng: createRng(8), scheduler: 'dpm++' }).samples).not.toEqual(a);
  });

  it('restores from JSON and samples identically', () => {
    const back = DiffusionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as DiffusionModelJSON);
    expect(back.columns).toEqual(['x', 'y']);
    expect(back.sample(40, { rng: createRng(3), scheduler: 'ddim', steps: 10 }).samples).toEqual(model.sample(40, { rng: createRng(3), scheduler: 'ddim', steps: 10 }).samples);
  });

  it('returns the trajectory, ending at the samples', () => {
    const r = model.sample(10, { rng: createRng(1), scheduler: 'ddim', steps: 12, trajectory: true });
    expect(r.trajectory!.length).toBe(12);
    expect(r.trajectory![11]).toEqual(r.samples);
  });

  it('rejects impossible sampling requests with typed errors', () => {
    expect(() => model.sample(5, { rng: createRng(1), scheduler: 'ddim', steps: 1001 })).toThrow(ArgumentError);
    expect(() => model.sample(5, { rng: createRng(1), scheduler: 'ddim', steps: 0 })).toThrow(ArgumentError);
    expect(() => model.sample(5, { rng: createRng(1), scheduler: 'heun' as 'ddim' })).toThrow(/unknown scheduler/);
    expect(() => model.sample(5, { rng: createRng(1), guidance: 3, classLabel: 0 })).toThrow(/conditional model/);
    expect(() => model.sample(5, { rng: createRng(1), scheduler: 'euler', eta: 1 })).toThrow(/ddim/);
  });

  it('rejects corrupt and version-mismatched model files', () => {
    const json = model.toJSON();
    expect(() => DiffusionModel.fromJSON({ ...json, version: 99 })).toThrow(/version 99/);
    expect(() => DiffusionModel.fromJSON({ ...json, mean: [0] })).toThrow(DataError);
    const params = json.denoiser.params.map((p, i) => (i === 0 ? { ...p, data: p.data.slice(0, 4) } : p));
    expect(() => DiffusionModel.fromJSON({ ...json, denoiser: { ...json.denoiser, params } })).toThrow(DataError);
  });
});

describe('class-conditional diffusion with classifier-free guidance', () => {
  it('generates the asked-for moon, more faithfully with guidance', async () => {
    await initEngine({ backend: 'wasm' });
    const { data, labels } = toyDataLabelled('moons', 2000, createRng(11));
    const model = fitDiffusion(data, 2, { steps: 1500, batchSize: 128, lr: 3e-3, denoiser: { width: 64, blocks: 2 }, labels, classNames: ['upper', 'lower'], seed: 2 });
    expect(model.conditional).toBe(true);
    // Class fidelity: a 1-nearest-neighbour classifier fitted on the labelled training points.
    const classify = (x: number, y: number) => {
      let best = Infinity, lab = -1;
      for (let i = 0; i < 2000; i++) {
        const d = (data[2 * i] - x) ** 2 + (data[2 * i + 1] - y) ** 2;
        if (d < best) { best = d; lab = labels[i]; }
      }
      return lab;
    };
    const accuracy = (c: number, guidance: number) => {
      const { samples } = model.sample(300, { rng: createRng(5), scheduler: 'dpm++', classLabel: c, guidance });
      let ok = 0;
      for (let i = 0; i < 300; i++) ok += classify(samples[2 * i], samples[2 * i + 1]) === c ? 1 : 0;
      return ok / 300;
    };
    const plain = (accuracy(0, 1) + accuracy(1, 1)) / 2;
    const guided = (accuracy(0, 3) + accuracy(1, 3)) / 2;
    expect(plain).toBeGreaterThan(0.85);
    expect(guided).toBeGreaterThanOrEqual(plain - 0.02);
    expect(guided).toBeGreaterThan(0.9);
    expect(() => model.sample(5, { rng: createRng(1), classLabel: 2, guidance: 3 })).toThrow(/out of range/);
  }, 120_000);
});

describe('bad training input', () => {
  it('names the problem', async () => {
    await initEngine({ backend: 'wasm' });
    expect(() => fitDiffusion([1, 2, NaN, 4], 2, { steps: 1 })).toThrow(/not a finite number/);
    expect(() => fitDiffusion([1, 2, 3], 2, { steps: 1 })).toThrow(DataError);
    expect(() => fitDiffusion([1, 2, 1, 3, 1, 4], 2, { steps: 1 })).toThrow(/constant/);
    expect(() => fitDiffusion(toyData('moons', 10, createRng(1)), 2, { steps: 1, prediction: 'noise' as 'epsilon' })).toThrow(/prediction type/);
    expect(() => fitDiffusion(toyData('moons', 10, createRng(1)), 2, { steps: 0 })).toThrow(ArgumentError);
  });
});

describe('series windows', () => {
  it('cuts overlapping windows and describes them', async () => {
    const { slidingWindows, windowStats } = await import('../src/diffusion/windows.js');
    const w = slidingWindows([1, 2, 3, 4, 5, 6], 3, 2);
    expect(Array.from(w)).toEqual([1, 2, 3, 3, 4, 5]);
    expect(() => slidingWindows([1, 2, 3], 3)).toThrow(DataError);
    expect(() => slidingWindows([1, NaN, 3, 4], 2)).toThrow(/position 2/);
    // i.i.d. normal values: quantiles near the normal's, kurtosis near 0, no autocorrelation.
    const rng = createRng(3);
    const rows = Float64Array.from({ length: 20000 * 10 }, () => rng.normal());
    const s = windowStats(rows, 10, 3, [0.05, 0.5, 0.95]);
    expect(s.quantiles[0]).toBeCloseTo(-1.645, 1);
    expect(s.quantiles[2]).toBeCloseTo(1.645, 1);
    expect(Math.abs(s.kurtosis)).toBeLessThan(0.05);
    // Within a window of n = 10 the sample ACF at lag k is biased: E ≈ −(n − k)/(n(n − 1)).
    expect(s.acf[0]).toBeCloseTo(-9 / 90, 1);
  });
});
