// The diffusion model's bound on −log p of discrete data (src/diffusion/likelihood.ts) against
// closed forms: a denoiser that knows the single data point exactly leaves only the prior KL and the
// discretised decoder (computed here by hand, exactly); a denoiser that always predicts ε = 0 has
// diffusion terms of known expectation Σ_t c_t²/(2β̃_t)·d·(1 − ᾱ_t)/ᾱ_t (Monte Carlo, within 4 SE).
import { describe, it, expect } from 'vitest';
import { DiffusionModel } from '../src/diffusion/model.js';
import { diffusionBitsPerDim } from '../src/diffusion/likelihood.js';
import { resolveScheduleConfig, makeBetas, alphasFromBetas, alphasCumprod } from '../src/diffusion/schedules.js';
import type { Denoiser } from '../src/diffusion/denoisers/types.js';
import { normalCdf } from '../src/core/distributions.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import type { ParamStore } from '../src/neural/params.js';

// β₁ large enough (σ₁ = 0.22, a third of a level) that the decoder's term is not negligible.
const schedule = resolveScheduleConfig({ numTrainTimesteps: 100, betaStart: 0.05, betaEnd: 0.2 });
const betas = makeBetas(schedule), abar = alphasCumprod(alphasFromBetas(betas));
const d = 4, levels = 4;
// The four levels of [0, 1] (0, 1/3, 2/3, 1, one in each quarter); the model scale maps [0, 1] to [−1, 1].
const point = [0, 1 / 3, 2 / 3, 1];
const z0 = point.map((v) => (v - 0.5) / 0.5);

function modelWith(predict: (x: Float32Array, t: Float32Array) => Float32Array): DiffusionModel {
  const denoiser: Denoiser = {
    kind: 'test', sampleSize: d, numClasses: 0, contextSize: 0, params: {} as ParamStore,
    forward: () => { throw new Error('not used'); }, predict, toJSON: () => ({ kind: 'test', config: {}, params: [] }),
  };
  return new DiffusionModel(denoiser, schedule, 'epsilon', ['a', 'b', 'c', 'd'], [], Float64Array.from({ length: d }, () => 0.5), Float64Array.from({ length: d }, () => 0.5), 0);
}

describe('diffusionBitsPerDim', () => {
  it('a denoiser that knows the data exactly: the prior KL plus the decoder, by hand (1e-9); no Monte Carlo error', () => {
    const exact = modelWith((x, t) => Float32Array.from(x, (v, i) => {
      const a = abar[t[Math.floor(i / d)]];
      return (v - Math.sqrt(a) * z0[i % d]) / Math.sqrt(1 - a);
    }));
    const rows = [...point, ...point, ...point];
    const r = diffusionBitsPerDim(exact, rows, { levels, rng: createRng(1), timesteps: 8 });
    const aT = abar[99];
    const prior = z0.reduce((acc, v) => acc + 0.5 * (aT * v * v + (1 - aT) - 1 - Math.log(1 - aT)), 0);
    // Bins a level (2/3 on the model scale) wide centred on each level, the outer ones open; σ₁ = √β₁.
    const s = Math.sqrt(betas[0]);
    const decoder = z0.reduce((acc, v, j) => {
      const lo = j === 0 ? -Infinity : v - 1 / 3, hi = j === d - 1 ? Infinity : v + 1 / 3;
      return acc - Math.log(normalCdf((hi - v) / s) - normalCdf((lo - v) / s));
    }, 0);
    expect(Math.abs(r.prior - prior / (d * Math.LN2))).toBeLessThan(1e-9);
    expect(decoder).toBeGreaterThan(0.1);
    expect(Math.abs(r.decoder - decoder / (d * Math.LN2))).toBeLessThan(1e-9);
    // The float32 network output leaves the diffusion terms at rounding level.
    expect(r.diffusion).toBeLessThan(1e-6);
    expect(Math.abs(r.bitsPerDim - (prior + decoder) / (d * Math.LN2))).toBeLessThan(1e-6);
    expect(r.standardError).toBeLessThan(1e-6);
  });

  it('ε = 0 everywhere: the diffusion terms average to their closed-form expectation (within 4 standard errors)', () => {
    const zero = modelWith((x) => new Float32Array(x.length));
    const n = 300;
    const rows = Array.from({ length: n }, () => point).flat();
    let expected = 0;
    for (let t = 1; t < 100; t++) {
      const c = (Math.sqrt(abar[t - 1]) * betas[t]) / (1 - abar[t]);
      const tilde = ((1 - abar[t - 1]) * betas[t]) / (1 - abar[t]);
      expected += ((c * c) / (2 * tilde)) * d * ((1 - abar[t]) / abar[t]);
    }
    const r = diffusionBitsPerDim(zero, rows, { levels, rng: createRng(2), timesteps: 64 });
    const got = r.diffusion * d * Math.LN2;
    expect(r.standardError).toBeGreaterThan(0);
    expect(Math.abs(got - expected)).toBeLessThan(4 * r.standardError * d * Math.LN2);
  });

  it('bad input gets typed errors', () => {
    const m = modelWith((x) => new Float32Array(x.length));
    expect(() => diffusionBitsPerDim(m, point, { levels: 1, rng: createRng(1) })).toThrow(expect.objectContaining({ argument: 'levels' }));
    expect(() => diffusionBitsPerDim(m, [0.1, 0.2, 0.3], { levels, rng: createRng(1) })).toThrow(DataError);
    expect(() => diffusionBitsPerDim(m, [0.1, 0.2, 0.3, 1.5], { levels, rng: createRng(1) })).toThrow(/outside the range/);
    expect(() => diffusionBitsPerDim(m, point, { levels, rng: createRng(1), labels: [0] })).toThrow(ArgumentError);
    expect(() => diffusionBitsPerDim(m, point, { levels, rng: createRng(1), range: [1, 0] })).toThrow(/range/);
  });
});
