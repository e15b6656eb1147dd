// Diffusion refinement of base forecasts (TSDiff, src/hybrid/refine.ts) on a toy where the truth
// is known: a low-noise sine of period 12 around 5, and base paths that are deliberately biased
// (+0.5) and too wide (a Gaussian random walk of step sd 0.15) around the noiseless continuation.
// Refinement must move the paths towards the truth by a stated margin, condition on the context,
// be reproducible by seed and across JSON, keep the base when λ is huge (and obey the closed form
// of one proximal step), and name the argument of every error.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/neural/engine/index.js';
import { fitRefiner, refinerFromJSON, type Refiner, type RefinerJSON } from '../src/hybrid/refine.js';
import { createRng } from '../src/core/rng.js';
import { meanCrpsSample } from '../src/core/metrics.js';
import { ArgumentError, DataError } from '../src/core/errors.js';

const N = 240, C = 24, H = 12, P = 40;
const truth = (t: number) => 5 + Math.sin((2 * Math.PI * t) / 12);
const noise = createRng(1);
const y = Array.from({ length: N }, (_, t) => truth(t) + 0.05 * noise.normal());
const future = Float64Array.from({ length: H }, (_, j) => truth(N + j));

/** Biased, too-wide base paths: truth + 0.5 + a random walk with step sd 0.15. */
function basePaths(seed: number, n = P, fut: ArrayLike<number> = future): Float64Array[] {
  const r = createRng(seed);
  return Array.from({ length: n }, () => {
    let rw = 0.5;
    return Float64Array.from(fut, (v) => {
      rw += 0.15 * r.normal();
      return v + rw;
    });
  });
}

/** Mean absolute error of every path value against the truth. */
function mae(paths: readonly Float64Array[], fut: ArrayLike<number> = future): number {
  let s = 0;
  for (const p of paths) for (let j = 0; j < fut.length; j++) s += Math.abs(p[j] - fut[j]);
  return s / (paths.length * fut.length);
}

let refiner: Refiner;
const base = basePaths(2);

beforeAll(async () => {
  await initEngine();
  refiner = fitRefiner(y, { context: C, horizon: H, seed: 1, diffusion: { steps: 600, denoiser: { kind: 'mlp', width: 64, blocks: 2 } } });
});

describe('refinement moves biased, too-wide base paths towards the truth', () => {
  it('the base is as bad as intended (MAE ≈ 0.65)', () => {
    expect(mae(base)).toBeGreaterThan(0.5);
  });

  // Ratios refined/base measured over fit seeds 1–3 and refinement seeds 3–4 (MAE; CRPS) are
  // given with each case; the bounds leave about 20% room above the worst of them.
  it('SDEdit (strength 0.3, DDPM): MAE ≤ 0.5×, CRPS ≤ 0.35× the base (measured 0.38–0.39; 0.23–0.25)', () => {
    const r = refiner.refine(y, base, { method: 'sdedit', strength: 0.3, rng: createRng(3) });
    expect(r).toHaveLength(P);
    expect(mae(r)).toBeLessThan(0.5 * mae(base));
    expect(meanCrpsSample(r, future)).toBeLessThan(0.35 * meanCrpsSample(base, future));
  });

  it('SDEdit with DDIM (strength 0.4, 25 steps): MAE ≤ 0.6× (measured 0.47–0.48)', () => {
    const r = refiner.refine(y, base, { method: 'sdedit', strength: 0.4, scheduler: 'ddim', steps: 25, rng: createRng(3) });
    expect(mae(r)).toBeLessThan(0.6 * mae(base));
  });

  it('energy refinement (defaults: Gaussian regulariser, λ 1, 20 Langevin steps): MAE ≤ 0.65×, CRPS ≤ 0.6× (measured 0.49–0.52; 0.47–0.50)', () => {
    const r = refiner.refine(y, base, { method: 'energy', rng: createRng(3) });
    expect(mae(r)).toBeLessThan(0.65 * mae(base));
    expect(meanCrpsSample(r, future)).toBeLessThan(0.6 * meanCrpsSample(base, future));
  });

  it('energy refinement without a regulariser (λ 0, 40 gradient steps) comes closest: MAE ≤ 0.2× (measured 0.11–0.12)', () => {
    const r = refiner.refine(y, base, { method: 'energy', lambda: 0, noise: 0, iterations: 40, rng: createRng(3) });
    expect(mae(r)).toBeLessThan(0.2 * mae(base));
  });

  it('the quantile regulariser (λ 0.3): CRPS ≤ 0.3× (measured 0.17–0.20); path i starts from the i-th smallest base value', () => {
    const r = refiner.refine(y, base, { method: 'energy', regularizer: 'quantile', lambda: 0.3, rng: createRng(3) });
    expect(meanCrpsSample(r, future)).toBeLessThan(0.3 * meanCrpsSample(base, future));
    // Paths paired with low levels stay low: the lowest-level path lies below the highest at every step.
    for (let j = 0; j < H; j++) expect(r[0][j]).toBeLessThan(r[P - 1][j]);
  });
});

describe('the context', () => {
  it('is kept exactly in the refined windows', () => {
    for (const options of [{ method: 'sdedit', rng: createRng(4) }, { method: 'energy', rng: createRng(4) }] as const) {
      const w = refiner.refineWindows(y, base.slice(0, 5), options);
      for (const row of w) {
        expect(row).toHaveLength(C + H);
        expect(Array.from(row.subarray(0, C))).toEqual(y.slice(N - C));
      }
    }
  });

  it('conditions the forecast: pure inpainting (strength 1) follows the phase of the context', () => {
    // Half a period later: the continuation is the negated sine; base paths carry no information.
    const shifted = Array.from({ length: N + 6 }, (_, t) => truth(t) + 0.05 * noise.normal());
    const fut6 = Float64Array.from({ length: H }, (_, j) => truth(N + 6 + j));
    const flat = Array.from({ length: P }, () => new Float64Array(H).fill(5));
    const a = refiner.refine(y, flat, { method: 'sdedit', strength: 1, rng: createRng(5) });
    const b = refiner.refine(shifted, flat, { method: 'sdedit', strength: 1, rng: createRng(5) });
    expect(mae(a, future)).toBeLessThan(0.4); // measured 0.26–0.28
    expect(mae(b, fut6)).toBeLessThan(0.4);
    expect(mae(a, fut6)).toBeGreaterThan(0.8); // the two continuations differ by 2·|sin| ≈ 1.3 on average
  });

  it('only the last context values of the history are read', () => {
    const longer = [...Array.from({ length: 30 }, () => 1000), ...y];
    const a = refiner.refine(y, base, { method: 'sdedit', rng: createRng(6) });
    const b = refiner.refine(longer, base, { method: 'sdedit', rng: createRng(6) });
    expect(b).toEqual(a);
  });
});

describe('reproducibility', () => {
  it('the same seed gives the same refined paths; another seed other paths', () => {
    for (const method of ['sdedit', 'energy'] as const) {
      const a = refiner.refine(y, base, { method, rng: createRng(7) });
      const b = refiner.refine(y, base, { method, rng: createRng(7) });
      const c = refiner.refine(y, base, { method, rng: createRng(8) });
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    }
  });

  it('a JSON round trip gives identical refinements', () => {
    const json = JSON.parse(JSON.stringify(refiner.toJSON())) as RefinerJSON;
    const back = refinerFromJSON(json);
    expect(back.training.typicalTimestep).toBe(refiner.training.typicalTimestep);
    for (const method of ['sdedit', 'energy'] as const) {
      expect(back.refine(y, base, { method, rng: createRng(9) })).toEqual(refiner.refine(y, base, { method, rng: createRng(9) }));
    }
  });

  it('two fits with the same seed are the same model', () => {
    const opts = { context: C, horizon: H, seed: 3, diffusion: { steps: 20, denoiser: { kind: 'mlp' as const, width: 16, blocks: 1 } } };
    const a = fitRefiner(y, opts), b = fitRefiner(y, opts);
    const strip = (j: RefinerJSON) => JSON.stringify({ ...j, training: { ...j.training, seconds: 0 } });
    expect(strip(b.toJSON())).toBe(strip(a.toJSON()));
  });
});

describe('λ → large keeps the base', () => {
  it('Gaussian regulariser, λ = 1e12: the base paths to 1e-9', () => {
    const r = refiner.refine(y, base, { method: 'energy', lambda: 1e12, rng: createRng(10) });
    for (let p = 0; p < P; p++) for (let j = 0; j < H; j++) expect(Math.abs(r[p][j] - base[p][j])).toBeLessThan(1e-9);
  });

  it('quantile regulariser, λ = 1e12: the base values sorted per step', () => {
    const r = refiner.refine(y, base, { method: 'energy', regularizer: 'quantile', lambda: 1e12, rng: createRng(10) });
    for (let j = 0; j < H; j++) {
      const sorted = base.map((b) => b[j]).sort((u, v) => u - v);
      for (let p = 0; p < P; p++) expect(Math.abs(r[p][j] - sorted[p])).toBeLessThan(1e-9);
    }
  });

  it('one proximal gradient step moves the base by −η∇D/(1 + 2ηλ): the displacement × (1 + 2ηλ) does not depend on λ', () => {
    const eta = 0.05;
    const step = (lambda: number) => refiner.refine(y, base, { method: 'energy', iterations: 1, noise: 0, stepSize: eta, lambda, rng: createRng(11) });
    const d0 = step(0).map((r, p) => r.map((v, j) => v - base[p][j]));
    const worst = Math.max(...d0.map((d) => Math.max(...d.map(Math.abs))));
    expect(worst).toBeGreaterThan(1e-3); // the likelihood term does move the paths
    for (const lambda of [1, 10, 1000]) {
      const d = step(lambda).map((r, p) => r.map((v, j) => v - base[p][j]));
      for (let p = 0; p < P; p++) for (let j = 0; j < H; j++) expect(Math.abs(d[p][j] * (1 + 2 * eta * lambda) - d0[p][j])).toBeLessThan(1e-9 * Math.max(1, worst));
    }
  });

  it('zero iterations return the base (through the scaling and back: to 1e-12)', () => {
    const r = refiner.refine(y, base, { method: 'energy', iterations: 0, rng: createRng(12) });
    for (let p = 0; p < P; p++) for (let j = 0; j < H; j++) expect(Math.abs(r[p][j] - base[p][j])).toBeLessThan(1e-12);
  });
});

describe('errors name the argument', () => {
  const expectError = (fn: () => unknown, type: typeof ArgumentError | typeof DataError, argument: string) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(type);
    expect((caught as ArgumentError).argument).toBe(argument);
  };
  const rng = () => createRng(1);

  it('refine: history, basePaths, options', () => {
    expectError(() => refiner.refine(y.slice(0, C - 1), base, { method: 'sdedit', rng: rng() }), DataError, 'history');
    expectError(() => refiner.refine([...y.slice(0, N - 1), NaN], base, { method: 'sdedit', rng: rng() }), DataError, 'history');
    expectError(() => refiner.refine(y, [new Float64Array(H - 1)], { method: 'sdedit', rng: rng() }), ArgumentError, 'basePaths');
    expectError(() => refiner.refine(y, [], { method: 'sdedit', rng: rng() }), ArgumentError, 'basePaths');
    expectError(() => refiner.refine(y, [Float64Array.from(future, (v, j) => (j === 3 ? NaN : v))], { method: 'energy', rng: rng() }), DataError, 'basePaths');
    expectError(() => refiner.refine(y, base, { method: 'sdedit', strength: 0, rng: rng() }), ArgumentError, 'strength');
    expectError(() => refiner.refine(y, base, { method: 'sdedit', strength: 0.001, rng: rng() }), ArgumentError, 'strength');
    expectError(() => refiner.refine(y, base, { method: 'sdedit', scheduler: 'euler' as 'ddpm', rng: rng() }), ArgumentError, 'scheduler');
    expectError(() => refiner.refine(y, base, { method: 'sdedit', steps: 1000, rng: rng() }), ArgumentError, 'steps');
    expectError(() => refiner.refine(y, base, { method: 'sdedit', eta: 0.5, rng: rng() }), ArgumentError, 'eta');
    expectError(() => refiner.refine(y, base, { method: 'energy', lambda: -1, rng: rng() }), ArgumentError, 'lambda');
    expectError(() => refiner.refine(y, base, { method: 'energy', stepSize: 0, rng: rng() }), ArgumentError, 'stepSize');
    expectError(() => refiner.refine(y, base, { method: 'energy', iterations: 1.5, rng: rng() }), ArgumentError, 'iterations');
    expectError(() => refiner.refine(y, base, { method: 'energy', noise: -0.1, rng: rng() }), ArgumentError, 'noise');
    expectError(() => refiner.refine(y, base, { method: 'energy', timesteps: [100], rng: rng() }), ArgumentError, 'timesteps');
    expectError(() => refiner.refine(y, base, { method: 'energy', regularizer: 'huber' as 'gaussian', rng: rng() }), ArgumentError, 'regularizer');
    expectError(() => refiner.refine(y, base, { method: 'langevin' as 'energy', rng: rng() }), ArgumentError, 'method');
    expectError(() => refiner.refine(y, base, { method: 'energy' } as unknown as { method: 'energy'; rng: ReturnType<typeof createRng> }), ArgumentError, 'rng');
  });

  it('fitRefiner and refinerFromJSON', () => {
    const tiny = { steps: 1 };
    expectError(() => fitRefiner(y, { context: 0, horizon: H, diffusion: tiny }), ArgumentError, 'context');
    expectError(() => fitRefiner(y, { context: C, horizon: 2.5, diffusion: tiny }), ArgumentError, 'horizon');
    expectError(() => fitRefiner(y.slice(0, C + H), { context: C, horizon: H, diffusion: tiny }), DataError, 'y');
    expectError(() => fitRefiner([...y.slice(0, 100), NaN, ...y.slice(101)], { context: C, horizon: H, diffusion: tiny }), DataError, 'y');
    expectError(() => fitRefiner(y, { context: C, horizon: H, scaling: 'log' as 'mean', diffusion: tiny }), ArgumentError, 'scaling');
    expectError(() => fitRefiner(y, { context: C, horizon: H, diffusion: { steps: 0 } }), ArgumentError, 'diffusion.steps');
    expectError(() => fitRefiner(y, { context: C, horizon: H, diffusion: { denoiser: { kind: 'unet2d', height: 6, width: 6, channels: 1 } } }), ArgumentError, 'diffusion.denoiser');
    expectError(() => refinerFromJSON({ ...refiner.toJSON(), kind: 'diffusion' } as unknown as RefinerJSON), DataError, 'json');
    expectError(() => refinerFromJSON({ ...refiner.toJSON(), horizon: H + 1 }), DataError, 'json');
  });
});

describe('summary and settings', () => {
  it('summary names the method, sizes and the typical step', () => {
    const s = refiner.summary();
    expect(s).toContain('Diffusion refiner');
    expect(s).toMatch(/Context length:\s+24/);
    expect(s).toMatch(/Windows:\s+205/); // 240 − 36 + 1
    expect(s).toContain(`${refiner.training.typicalTimestep} of 100`);
    expect(refiner.training.typicalTimestep).toBeGreaterThan(0);
    expect(refiner.training.typicalTimestep).toBeLessThan(100);
  });

  // Each window is scaled by its own context, so the refinement commutes with the scaling:
  // mean scaling with any factor a > 0, standard scaling with any a > 0 and shift b.
  const close = (u: readonly Float64Array[], v: readonly Float64Array[], tol: number) => {
    for (let p = 0; p < u.length; p++) for (let j = 0; j < H; j++) expect(Math.abs(u[p][j] - v[p][j])).toBeLessThan(tol);
  };
  it("mean scaling: refine(a·y, a·base) = a·refine(y, base)", () => {
    const a = 3.7;
    for (const method of ['sdedit', 'energy'] as const) {
      const r = refiner.refine(y, base, { method, rng: createRng(13) });
      const s = refiner.refine(y.map((v) => a * v), base.map((p) => p.map((v) => a * v)), { method, rng: createRng(13) });
      close(s, r.map((p) => p.map((v) => a * v)), 1e-4);
    }
  });

  it("'standard' scaling: refine(a·y + b, a·base + b) = a·refine(y, base) + b", () => {
    const r = fitRefiner(y, { context: C, horizon: H, seed: 1, scaling: 'standard', diffusion: { steps: 30, denoiser: { kind: 'mlp', width: 16, blocks: 1 } } });
    const a = 0.25, b = -40;
    for (const method of ['sdedit', 'energy'] as const) {
      const u = r.refine(y, base, { method, rng: createRng(14) });
      const v = r.refine(y.map((x) => a * x + b), base.map((p) => p.map((x) => a * x + b)), { method, rng: createRng(14) });
      close(v, u.map((p) => p.map((x) => a * x + b)), 1e-4);
    }
  });
});
