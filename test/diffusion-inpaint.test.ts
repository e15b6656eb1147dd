/**
 * Inpainting (RePaint) and SDEdit checked against exact math: the data are Gaussian, x₀ ~ N(μ, Σ)
 * in 4 dimensions with a correlated Σ, so the ideal ε-prediction is known in closed form,
 *   E[ε | x_t] = √(1−ᾱ) (ᾱΣ + (1−ᾱ)I)⁻¹ (x_t − √ᾱ μ),
 * and every DDPM/DDIM step with it is an affine map of x_t plus Gaussian noise. The mean and
 * covariance of the loops' output can then be propagated exactly (in float64, the "oracle") and
 * compared with Monte-Carlo moments of thousands of rows; they are also compared with the targets
 * the methods aim at — the conditional Gaussian (Schur complement) for inpainting, the data
 * distribution and the probability-flow map for SDEdit — with the method's own bias stated.
 *
 * Monte-Carlo tolerances: |mean − m| ≤ 4.5·√(C_jj/n) and |cov − C| ≤ 4.5·√((C_jj C_kk + C_jk²)/n)
 * (the Gaussian standard errors), plus a stated allowance where the sampler itself is biased.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { inverse, matmul, matvec, symmetricEigen, transpose, type Matrix } from '../src/core/linalg.js';
import { createRng, type Rng } from '../src/core/rng.js';
import type { PredictFn } from '../src/diffusion/guidance.js';
import { inpaintLoop } from '../src/diffusion/inpaint.js';
import { sampleLoop } from '../src/diffusion/sample.js';
import { sigmasFromAlphasCumprod } from '../src/diffusion/schedules.js';
import { DDIMScheduler } from '../src/diffusion/schedulers/ddim.js';
import { DDPMScheduler } from '../src/diffusion/schedulers/ddpm.js';
import { DPMSolverMultistepScheduler } from '../src/diffusion/schedulers/dpm-solver.js';
import { EulerDiscreteScheduler } from '../src/diffusion/schedulers/euler.js';
import { sdeditLoop } from '../src/diffusion/sdedit.js';

// ---------------------------------------------------------------------------------------------
// The Gaussian data model and its exact denoiser

const D = 4;
const MU = [0.5, -0.3, 0.2, 0.1];
// Eigenvalues 2.45, 0.76, 0.54, 0.25: positive definite, strongly correlated.
const SIGMA: Matrix = [
  [1, 0.6, 0.5, 0.3],
  [0.6, 1, 0.4, 0.5],
  [0.5, 0.4, 1, 0.6],
  [0.3, 0.5, 0.6, 1],
];
const K = [0, 1]; // known dims
const U = [2, 3]; // dims to generate
const A_KNOWN = [1, -1]; // the observed values of dims 0–1
const N_ROWS = 4000;
const Z = 4.5;

const sub = (m: Matrix, rows: number[], cols: number[]): Matrix => rows.map((i) => cols.map((j) => m[i][j]));
const eye = (d: number): Matrix => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
const add = (a: Matrix, b: Matrix, cb = 1): Matrix => a.map((r, i) => r.map((v, j) => v + cb * b[i][j]));
const scale = (a: Matrix, c: number): Matrix => a.map((r) => r.map((v) => c * v));

/** The conditional N(μ_U + Σ_UK Σ_KK⁻¹ (a − μ_K), Σ_UU − Σ_UK Σ_KK⁻¹ Σ_KU) (Schur complement). */
function conditional(): Moments {
  const g = matmul(sub(SIGMA, U, K), inverse(sub(SIGMA, K, K)));
  const shift = matvec(g, A_KNOWN.map((v, i) => v - MU[K[i]]));
  return { mean: U.map((u, i) => MU[u] + shift[i]), cov: add(sub(SIGMA, U, U), matmul(g, sub(SIGMA, K, U)), -1) };
}

/** ᾱ at a (possibly fractional) timestep: σ = √((1−ᾱ)/ᾱ) linear in t, as Euler interpolates. */
function alphaAt(abar: Float32Array): (t: number) => number {
  const sig = sigmasFromAlphasCumprod(abar);
  return (t) => {
    if (Number.isInteger(t)) return abar[t];
    const i = Math.floor(t), w = t - i;
    const s = sig[i] + (sig[i + 1] - sig[i]) * w;
    return 1 / (1 + s * s);
  };
}

/** ε̂ = M x + c at ᾱ: M = √(1−ᾱ)(ᾱΣ + (1−ᾱ)I)⁻¹, c = −M √ᾱ μ. */
function epsAffine(a: number): { M: Matrix; c: number[] } {
  const M = scale(inverse(add(scale(SIGMA, a), scale(eye(D), 1 - a))), Math.sqrt(1 - a));
  return { M, c: matvec(M, MU).map((v) => -Math.sqrt(a) * v) };
}

/** The exact ε-prediction for the Gaussian data, as a model the loops can call. */
function gaussianPredict(abar: Float32Array): PredictFn {
  const at = alphaAt(abar);
  const cache = new Map<number, { M: Matrix; c: number[] }>();
  return (x, t) => {
    const out = new Float32Array(x.length);
    let e: { M: Matrix; c: number[] } | undefined;
    for (let r = 0; r < t.length; r++) {
      if (r === 0 || t[r] !== t[r - 1]) {
        e = cache.get(t[r]);
        if (!e) cache.set(t[r], (e = epsAffine(at(t[r]))));
      }
      const { M, c } = e as { M: Matrix; c: number[] };
      const o = r * D;
      for (let j = 0; j < D; j++) {
        let s = c[j];
        for (let k = 0; k < D; k++) s += M[j][k] * x[o + k];
        out[o + j] = s;
      }
    }
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Moments and tolerances

interface Moments {
  mean: number[];
  cov: Matrix;
}

function moments(x: Float32Array, dims: number[]): Moments {
  const n = x.length / D;
  const mean = dims.map((d) => {
    let s = 0;
    for (let r = 0; r < n; r++) s += x[r * D + d];
    return s / n;
  });
  const cov = dims.map((a, i) =>
    dims.map((b, j) => {
      let s = 0;
      for (let r = 0; r < n; r++) s += (x[r * D + a] - mean[i]) * (x[r * D + b] - mean[j]);
      return s / (n - 1);
    }),
  );
  return { mean, cov };
}

/** Largest |got − want| in standard errors (Gaussian SEs from `want`), after `allow` absolute slack. */
function expectClose(got: Moments, want: Moments, n: number, allow = { mean: 0, cov: 0 }, label = ''): void {
  want.mean.forEach((m, i) => {
    const tol = Z * Math.sqrt(want.cov[i][i] / n) + allow.mean;
    expect(Math.abs(got.mean[i] - m), `${label} mean[${i}] ${got.mean[i].toFixed(4)} vs ${m.toFixed(4)} (tol ${tol.toFixed(4)})`).toBeLessThanOrEqual(tol);
  });
  want.cov.forEach((row, i) =>
    row.forEach((c, j) => {
      const tol = Z * Math.sqrt((want.cov[i][i] * want.cov[j][j] + c * c) / n) + allow.cov;
      expect(Math.abs(got.cov[i][j] - c), `${label} cov[${i}][${j}] ${got.cov[i][j].toFixed(4)} vs ${c.toFixed(4)} (tol ${tol.toFixed(4)})`).toBeLessThanOrEqual(tol);
    }),
  );
}

const restrict = (m: Moments, dims: number[]): Moments => ({ mean: dims.map((d) => m.mean[d]), cov: sub(m.cov, dims, dims) });
const maxMeanError = (got: Moments, want: Moments): number => Math.max(...got.mean.map((v, i) => Math.abs(v - want.mean[i])));

// ---------------------------------------------------------------------------------------------
// The oracle: exact moments of the DDPM / DDIM loops with the Gaussian denoiser

interface OracleOptions {
  kind: 'ddpm' | 'ddim';
  abar: Float32Array;
  /** The scheduler's inference timesteps. */
  ts: number[];
  /** Training timesteps T. */
  T: number;
  /** First step run and the moments of x entering it (default: step 0 from N(0, I)). */
  start?: number;
  init?: Moments;
  /** Inpaint dims K with A_KNOWN (RePaint replacement). */
  inpaint?: boolean;
  eta?: number;
  fixedLarge?: boolean;
  jumps?: number;
  jumpLength?: number;
}

/**
 * Propagates mean and covariance of one row through the loop: x' = L x + b + std z with
 * x̂₀ = (x − √(1−ᾱ) ε̂)/√ᾱ and ε̂ = M x + c, then
 *   DDPM (Ho et al. 2020, eq. 7):  x' = c₀ x̂₀ + c₁ x + σ z, c₀ = √ᾱ' β/(1−ᾱ), c₁ = √(ᾱ/ᾱ') (1−ᾱ')/(1−ᾱ);
 *   DDIM (Song et al. 2021, eq. 12): x' = √ᾱ' x̂₀ + √(1−ᾱ'−σ²) ε̂ + σ z.
 * The level after a step: DDPM the next grid entry, DDIM t − T//n; ᾱ = 1 past the end.
 */
function oracle(o: OracleOptions): Moments {
  const { abar, ts } = o;
  const N = ts.length;
  const ratio = Math.floor(o.T / N);
  const prevLevel = (i: number): number => (o.kind === 'ddpm' ? (i + 1 < N ? ts[i + 1] : -1) : ts[i] - ratio);
  const aOf = (t: number): number => (t >= 0 ? abar[t] : 1);
  let m = o.init ? o.init.mean.slice() : new Array<number>(D).fill(0);
  let C = o.init ? o.init.cov.map((r) => r.slice()) : eye(D);
  const replace = (a: number): void => {
    K.forEach((k, i) => {
      m[k] = Math.sqrt(a) * A_KNOWN[i];
      for (let j = 0; j < D; j++) C[k][j] = C[j][k] = 0;
      C[k][k] = 1 - a;
    });
  };
  if (o.inpaint) replace(aOf(ts[o.start ?? 0]));
  const jumps = o.jumps ?? 1, L = o.jumpLength ?? 1;
  const used = new Array<number>(N).fill(0);
  let i = o.start ?? 0;
  while (i < N) {
    const t = ts[i];
    const a = abar[t], ap = aOf(prevLevel(i));
    const { M, c } = epsAffine(a);
    const X0 = scale(add(eye(D), M, -Math.sqrt(1 - a)), 1 / Math.sqrt(a));
    const x0c = c.map((v) => (-Math.sqrt(1 - a) * v) / Math.sqrt(a));
    let Lm: Matrix, b: number[], v: number;
    if (o.kind === 'ddpm') {
      const beta = 1 - a / ap;
      const c0 = (Math.sqrt(ap) * beta) / (1 - a), c1 = (Math.sqrt(a / ap) * (1 - ap)) / (1 - a);
      Lm = add(scale(X0, c0), scale(eye(D), c1));
      b = x0c.map((q) => c0 * q);
      v = t > 0 ? (o.fixedLarge ? beta : Math.max(((1 - ap) / (1 - a)) * beta, 1e-20)) : 0;
    } else {
      const eta = o.eta ?? 0;
      v = eta * eta * ((1 - ap) / (1 - a)) * (1 - a / ap);
      const cd = Math.sqrt(1 - ap - v);
      Lm = add(scale(X0, Math.sqrt(ap)), scale(M, cd));
      b = x0c.map((q, j) => Math.sqrt(ap) * q + cd * c[j]);
    }
    m = matvec(Lm, m).map((q, j) => q + b[j]);
    C = add(matmul(matmul(Lm, C), transpose(Lm)), scale(eye(D), v));
    if (o.inpaint) replace(i === N - 1 ? 1 : ap);
    const left = N - 1 - i;
    if (jumps > 1 && left >= 1 && (left - 1) % L === 0 && left + L <= N && used[i] < jumps - 1) {
      used[i]++;
      const back = i - L + 1;
      const r = abar[ts[back]] / ap;
      m = m.map((q) => Math.sqrt(r) * q);
      C = add(scale(C, r), scale(eye(D), 1 - r));
      i = back;
    } else i++;
  }
  return { mean: m, cov: C };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const ddpm = (large = false): DDPMScheduler => new DDPMScheduler({ clipSample: false, ...(large ? { varianceType: 'fixed_large' as const } : {}) });
const ddim = (spacing: 'leading' | 'linspace' = 'leading'): DDIMScheduler => new DDIMScheduler({ clipSample: false, timestepSpacing: spacing });
const ABAR = ddpm().alphasCumprod; // linear β 1e-4 … 0.02, T = 1000 (all four schedulers share it)
const PREDICT = gaussianPredict(ABAR);
const T_TRAIN = 1000;

const KNOWN = new Float32Array(N_ROWS * D);
for (let r = 0; r < N_ROWS; r++) {
  KNOWN[r * D] = A_KNOWN[0];
  KNOWN[r * D + 1] = A_KNOWN[1];
  KNOWN[r * D + 2] = NaN; // never read: mask 0
  KNOWN[r * D + 3] = NaN;
}
const MASK = Uint8Array.of(1, 1, 0, 0);

function inpaint(s: DDPMScheduler | DDIMScheduler | EulerDiscreteScheduler | DPMSolverMultistepScheduler, steps: number, seed: number, extra: { jumps?: number; jumpLength?: number; eta?: number } = {}): Float32Array {
  return inpaintLoop(s, PREDICT, { known: KNOWN, mask: MASK, n: N_ROWS, sampleSize: D, steps, rng: createRng(seed), ...extra }).samples;
}

function expectKnownExact(x: Float32Array): void {
  for (let r = 0; r < x.length / D; r++) for (const k of K) if (x[r * D + k] !== KNOWN[r * D + k]) throw new Error(`row ${r} dim ${k}: ${x[r * D + k]} ≠ ${KNOWN[r * D + k]}`);
}

/** A generator whose every normal draw is `z` (to see the deterministic part of each step). */
function constantRng(z: number): Rng {
  return { uniform: () => 0.5, normal: () => z, state: () => ({ s: [1, 2, 3, 4], spare: null }) };
}

// ---------------------------------------------------------------------------------------------

describe('the analytic Gaussian denoiser (sanity)', () => {
  it('sampleLoop with DDIM (η = 0), 200 steps, reproduces N(μ, Σ) (discretisation bias < 0.025, checked by the oracle)', () => {
    const s = ddim();
    const x = sampleLoop(s, PREDICT, { n: N_ROWS, sampleSize: D, steps: 200, rng: createRng(1) }).samples;
    const want = { mean: MU, cov: SIGMA };
    const exact = oracle({ kind: 'ddim', abar: ABAR, ts: Array.from(s.timesteps), T: T_TRAIN });
    expectClose(exact, want, Infinity, { mean: 0.005, cov: 0.025 }, 'oracle');
    expectClose(moments(x, [0, 1, 2, 3]), want, N_ROWS, { mean: 0.005, cov: 0.025 }, 'ddim');
  });

  it('Euler (fractional t, σ-space) and DPM-Solver++ reproduce N(μ, Σ) within 0.05 discretisation error', () => {
    const want = { mean: MU, cov: SIGMA };
    const e = sampleLoop(new EulerDiscreteScheduler(), PREDICT, { n: N_ROWS, sampleSize: D, steps: 100, rng: createRng(2) }).samples;
    expectClose(moments(e, [0, 1, 2, 3]), want, N_ROWS, { mean: 0.01, cov: 0.05 }, 'euler');
    const p = sampleLoop(new DPMSolverMultistepScheduler(), PREDICT, { n: N_ROWS, sampleSize: D, steps: 20, rng: createRng(3) }).samples;
    expectClose(moments(p, [0, 1, 2, 3]), want, N_ROWS, { mean: 0.01, cov: 0.05 }, 'dpm++');
  });
});

describe('inpaintLoop', () => {
  it('noises the known part to the level each scheduler left the sample at, and puts it back exactly at the end', () => {
    // With every normal draw = 1 the known entries after step i are √ᾱ·a + √(1−ᾱ) (VP) or a + σ (Euler's σ-space).
    const known = Float32Array.of(3, -2, NaN, NaN);
    const check = (s: DDPMScheduler | DDIMScheduler | EulerDiscreteScheduler | DPMSolverMultistepScheduler, steps: number, level: (i: number, N: number) => (a: number) => number): void => {
      const r = inpaintLoop(s, PREDICT, { known, mask: Float32Array.of(1, 1, 0, 0), n: 1, sampleSize: D, steps, rng: constantRng(1), trajectory: true });
      const traj = r.trajectory as Float32Array[];
      const N = traj.length;
      expect(N).toBe(steps);
      traj.forEach((x, i) => {
        const f = level(i, N);
        expect(x[0]).toBeCloseTo(f(3), 5);
        expect(x[1]).toBeCloseTo(f(-2), 5);
      });
      expect(Array.from(r.samples.subarray(0, 2))).toEqual([3, -2]);
      expect(r.samples.every(Number.isFinite)).toBe(true);
    };
    const vp = (ab: number) => (a: number) => Math.sqrt(ab) * a + Math.sqrt(1 - ab);
    const exact = (a: number): number => a;
    const p = ddpm();
    check(p, 20, (i, N) => (i === N - 1 ? exact : vp(ABAR[p.timesteps[i + 1]])));
    // DDIM's previous timestep is t − T//n, not the next grid entry, with `linspace` spacing.
    const d = ddim('linspace');
    check(d, 7, (i, N) => (i === N - 1 ? exact : vp(ABAR[d.timesteps[i] - Math.floor(T_TRAIN / 7)])));
    expect(d.timesteps[1]).not.toBe(d.timesteps[0] - Math.floor(T_TRAIN / 7)); // the case is real
    const e = new EulerDiscreteScheduler();
    check(e, 10, (i, N) => (i === N - 1 ? exact : (a) => a + e.sigmas[i + 1]));
    const m = new DPMSolverMultistepScheduler();
    check(m, 10, (i, N) => {
      if (i === N - 1) return exact;
      const al = 1 / Math.sqrt(m.sigmas[i + 1] ** 2 + 1);
      return (a) => al * a + m.sigmas[i + 1] * al;
    });
  });

  it('DDPM, 200 steps, no resampling: matches the exact moments of replacement sampling, which is biased away from the conditional', () => {
    const s = ddpm();
    const x = inpaint(s, 200, 11);
    expectKnownExact(x);
    const exact = oracle({ kind: 'ddpm', abar: ABAR, ts: Array.from(s.timesteps), T: T_TRAIN, inpaint: true });
    expectClose(moments(x, U), restrict(exact, U), N_ROWS, undefined, 'ddpm200');
    // Replacement alone (no resampling) conditions dims 2–3 only through noisy copies of dims 0–1:
    // for this Σ its mean of dim 3 misses the conditional by ≈ 0.19 (RePaint §4.2, "disharmony").
    expect(maxMeanError(restrict(exact, U), conditional())).toBeGreaterThan(0.15);
    expect(maxMeanError(moments(x, U), conditional())).toBeGreaterThan(0.1);
  });

  it('DDIM (η = 0), 50 steps, with and without resampling: matches the exact moments; resampling cuts the bias', () => {
    const cond = conditional();
    const bias: number[] = [];
    for (const [jumps, jumpLength, seed] of [
      [1, 1, 21],
      [5, 1, 22],
      [3, 5, 23],
    ]) {
      const s = ddim();
      const x = inpaint(s, 50, seed, { jumps, jumpLength });
      expectKnownExact(x);
      const exact = oracle({ kind: 'ddim', abar: ABAR, ts: Array.from(s.timesteps), T: T_TRAIN, inpaint: true, jumps, jumpLength });
      expectClose(moments(x, U), restrict(exact, U), N_ROWS, undefined, `ddim50 jumps ${jumps}×${jumpLength}`);
      bias.push(maxMeanError(restrict(exact, U), cond));
    }
    // Exact mean biases: 0.24 (none), 0.11 (5 × 1), 0.15 (3 × 5).
    expect(bias[1]).toBeLessThan(bias[0] / 2);
    expect(bias[2]).toBeLessThan(bias[0] * 0.7);
  });

  it('DDIM with η = 1 and jumps: matches the exact moments', () => {
    const s = ddim();
    const x = inpaint(s, 25, 31, { jumps: 4, jumpLength: 2, eta: 1 });
    const exact = oracle({ kind: 'ddim', abar: ABAR, ts: Array.from(s.timesteps), T: T_TRAIN, inpaint: true, jumps: 4, jumpLength: 2, eta: 1 });
    expectClose(moments(x, U), restrict(exact, U), N_ROWS, undefined, 'ddim25 eta1');
  });

  it('RePaint (DDPM β-variance, 25 steps × 20 resamplings) generates the conditional Gaussian (Schur complement) within 0.04 mean / 0.015 cov bias', () => {
    const s = ddpm(true);
    const x = inpaint(s, 25, 41, { jumps: 20 });
    expectKnownExact(x);
    const cond = conditional();
    const exact = oracle({ kind: 'ddpm', abar: ABAR, ts: Array.from(s.timesteps), T: T_TRAIN, inpaint: true, fixedLarge: true, jumps: 20 });
    expectClose(restrict(exact, U), cond, Infinity, { mean: 0.04, cov: 0.015 }, 'oracle vs conditional');
    expectClose(moments(x, U), restrict(exact, U), N_ROWS, undefined, 'repaint vs oracle');
    expectClose(moments(x, U), cond, N_ROWS, { mean: 0.04, cov: 0.015 }, 'repaint vs conditional');
  });

  it('Euler and DPM-Solver++ (no resampling) keep the known values and pull the rest towards the conditional', () => {
    const uncond = MU[3];
    for (const s of [new EulerDiscreteScheduler(), new DPMSolverMultistepScheduler()]) {
      const x = inpaint(s, 30, 51);
      expectKnownExact(x);
      const m = moments(x, U);
      expect(m.mean.every(Number.isFinite)).toBe(true);
      // conditional mean of dim 3 is −0.25, unconditional 0.1: replacement moves it part of the way.
      expect(m.mean[1]).toBeLessThan(uncond - 0.05);
      expect(m.mean[1]).toBeGreaterThan(-0.25 - 0.05);
    }
  });

  it('follows RePaint\'s jump schedule: each jump point redone jumps − 1 times, never after the last step', () => {
    const order = (steps: number, jumps: number, jumpLength: number): number[] => {
      const s = ddim();
      const seen: number[] = [];
      const spy: PredictFn = (x, t) => {
        seen.push(t[0]);
        return PREDICT(x, t);
      };
      inpaintLoop(s, spy, { known: KNOWN.subarray(0, 8), mask: MASK, n: 2, sampleSize: D, steps, rng: createRng(8), jumps, jumpLength });
      return seen.map((t) => Array.from(s.timesteps).indexOf(t));
    };
    // Algorithm 1 (jumpLength 1): every step but the last run `jumps` times.
    expect(order(4, 2, 1)).toEqual([0, 0, 1, 1, 2, 2, 3]);
    // Jumps of 2 steps, 3 passes, from ℓ = 1, 3, 5, 7 steps before the end.
    expect(order(10, 3, 2)).toEqual([0, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 5, 6, 5, 6, 5, 6, 7, 8, 7, 8, 7, 8, 9]);
  });

  it('a shared mask row equals the same mask repeated per row; per-row masks are honoured', () => {
    const n = 50;
    const known = KNOWN.subarray(0, n * D);
    const shared = inpaintLoop(ddim(), PREDICT, { known, mask: MASK, n, sampleSize: D, steps: 20, rng: createRng(5) }).samples;
    const full = new Uint8Array(n * D);
    for (let i = 0; i < full.length; i++) full[i] = MASK[i % D];
    const perRow = inpaintLoop(ddim(), PREDICT, { known, mask: full, n, sampleSize: D, steps: 20, rng: createRng(5) }).samples;
    expect(perRow).toEqual(shared);
    // Row 0 fully known, row 1 fully generated.
    const k2 = Float32Array.of(0.3, 0.1, -0.2, 0.7, 9, 9, 9, 9);
    const r = inpaintLoop(ddpm(), PREDICT, { known: k2, mask: Uint8Array.of(1, 1, 1, 1, 0, 0, 0, 0), n: 2, sampleSize: D, steps: 10, rng: createRng(6), trajectory: true });
    expect(Array.from(r.samples.subarray(0, 4))).toEqual(Array.from(k2.subarray(0, 4)));
    expect(Array.from(r.samples.subarray(4)).some((v) => v === 9)).toBe(false);
    expect(r.trajectory?.length).toBe(10);
    expect(r.predOriginal?.length).toBe(10);
  });

  it('rejects bad arguments with typed errors naming them', () => {
    const base = { known: KNOWN.subarray(0, 8), mask: MASK, n: 2, sampleSize: D, steps: 10, rng: createRng(0) };
    const err = (f: () => unknown, cls: typeof ArgumentError | typeof DataError, arg: string, text?: RegExp): void => {
      let e: unknown;
      try {
        f();
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(cls);
      expect((e as ArgumentError).argument).toBe(arg);
      if (text) expect((e as Error).message).toMatch(text);
    };
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, mask: Uint8Array.of(1, 2, 0, 0) }), ArgumentError, 'mask', /only 0/);
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, mask: Float32Array.of(1, 0.5, 0, 0) }), ArgumentError, 'mask');
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, mask: Uint8Array.of(1, 1, 0) }), ArgumentError, 'mask', /sampleSize = 4/);
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, known: Float32Array.of(1, 2, 3) }), ArgumentError, 'known');
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, known: Float32Array.of(1, NaN, 0, 0, 1, 1, 0, 0) }), DataError, 'known', /row 1, value 2/);
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, n: 0 }), ArgumentError, 'n');
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, steps: 2.5 }), ArgumentError, 'steps');
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, jumps: 0 }), ArgumentError, 'jumps');
    err(() => inpaintLoop(new EulerDiscreteScheduler(), PREDICT, { ...base, jumps: 3 }), ArgumentError, 'jumps', /DDPM and DDIM/);
    err(() => inpaintLoop(new DPMSolverMultistepScheduler(), PREDICT, { ...base, jumps: 3 }), ArgumentError, 'jumps', /DDPM and DDIM/);
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, jumps: 3, jumpLength: 10 }), ArgumentError, 'jumpLength');
    err(() => inpaintLoop(ddim(), PREDICT, { ...base, rng: undefined as unknown as Rng }), ArgumentError, 'rng');
    const fake = { timesteps: [1, 0], initNoiseSigma: 1, setTimesteps: () => undefined, scaleModelInput: (x: Float32Array) => x, step: (o: Float32Array) => ({ prevSample: o, predOriginal: o }) };
    err(() => inpaintLoop(fake, PREDICT, base), ArgumentError, 'scheduler');
  });
});

describe('sdeditLoop', () => {
  const Y = [2, -1, 0.5, 1.5]; // an input far from μ
  const INPUT = new Float32Array(N_ROWS * D);
  for (let i = 0; i < INPUT.length; i++) INPUT[i] = Y[i % D];
  const sd = (s: DDPMScheduler | DDIMScheduler | EulerDiscreteScheduler | DPMSolverMultistepScheduler, strength: number, steps: number, seed: number): Float32Array =>
    sdeditLoop(s, PREDICT, { input: INPUT, n: N_ROWS, sampleSize: D, strength, steps, rng: createRng(seed) }).samples;

  const rms = (z: Float32Array): number => {
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += (z[i] - INPUT[i]) ** 2;
    return Math.sqrt(sum / z.length);
  };

  it('strength → 0 returns the input; larger strengths move further from it, up to plain samples at 1', () => {
    for (const make of [() => ddpm(), () => ddim(), () => new EulerDiscreteScheduler(), () => new DPMSolverMultistepScheduler()]) {
      const d = [0.02, 0.1, 0.5, 1].map((strength, k) => rms(sd(make(), strength, 50, 61 + k)));
      const s = make();
      s.setTimesteps(50);
      const last = Number(s.timesteps[49]);
      // 0.02 × 50 steps = the last step only: from t = 0 (DDPM, DDIM, Euler) or t = 20 (DPM-Solver's
      // grid); the output is within the noise added there, √(1 − ᾱ_t) (0.01 or 0.07), plus 0.03.
      expect([0, 20]).toContain(last);
      expect(d[0], s.constructor.name).toBeLessThan(Math.sqrt(1 - ABAR[last]) + 0.03);
      for (let k = 1; k < d.length; k++) expect(d[k], `${s.constructor.name} strength order`).toBeGreaterThan(d[k - 1]);
    }
  });

  it('strength 1 is plain sampling: the same samples as sampleLoop with the same seed', () => {
    for (const make of [() => ddim(), () => new EulerDiscreteScheduler(), () => new DPMSolverMultistepScheduler()]) {
      const a = sdeditLoop(make(), PREDICT, { input: INPUT.subarray(0, 400), n: 100, sampleSize: D, strength: 1, steps: 20, rng: createRng(7) }).samples;
      const b = sampleLoop(make(), PREDICT, { n: 100, sampleSize: D, steps: 20, rng: createRng(7) }).samples;
      expect(a).toEqual(b);
    }
    // … so it has the data distribution (DPM-Solver++, 20 steps: within 0.05 discretisation error).
    const x = sd(new DPMSolverMultistepScheduler(), 1, 20, 62);
    expectClose(moments(x, [0, 1, 2, 3]), { mean: MU, cov: SIGMA }, N_ROWS, { mean: 0.01, cov: 0.05 }, 'strength 1');
  });

  it('starts at timesteps[steps − ⌊steps · strength⌋] from the input noised there by the scheduler\'s own forward process', () => {
    const y = Float32Array.from(Y);
    for (const make of [() => ddpm(), () => ddim(), () => new EulerDiscreteScheduler(), () => new DPMSolverMultistepScheduler()]) {
      const s = make();
      const seen: number[] = [];
      const inputs: Float32Array[] = [];
      const spy: PredictFn = (x, t) => {
        seen.push(t[0]);
        inputs.push(Float32Array.from(x));
        return PREDICT(x, t);
      };
      // Every normal draw = 1: the start is √ᾱ y + √(1 − ᾱ) (VP), y + σ in Euler's σ-space.
      sdeditLoop(s, spy, { input: y, n: 1, sampleSize: D, strength: 0.3, steps: 20, rng: constantRng(1) });
      const ts = Array.from(s.timesteps).map(Number);
      expect(seen, s.constructor.name).toEqual(ts.slice(20 - 6));
      const t0 = ts[14];
      // The model input is the VP x_t in every case (Euler's scaleModelInput divides by √(σ² + 1)).
      const a = s instanceof EulerDiscreteScheduler || s instanceof DPMSolverMultistepScheduler ? 1 / (1 + s.sigmas[14] ** 2) : ABAR[t0];
      inputs[0].forEach((v, i) => expect(v, s.constructor.name).toBeCloseTo(Math.sqrt(a) * Y[i] + Math.sqrt(1 - a), 5));
    }
  });

  it('DDPM, strength 0.5: the exact moments of noising to t₀ and denoising, near the posterior p(x₀ | x_t₀)', () => {
    const s = ddpm();
    const x = sd(s, 0.5, 200, 63);
    s.setTimesteps(200);
    const ts = Array.from(s.timesteps);
    const start = 200 - Math.trunc(200 * 0.5);
    const a = ABAR[ts[start]];
    const init = { mean: Y.map((v) => Math.sqrt(a) * v), cov: scale(eye(D), 1 - a) };
    const exact = oracle({ kind: 'ddpm', abar: ABAR, ts, T: T_TRAIN, start, init });
    const all = [0, 1, 2, 3];
    expectClose(moments(x, all), exact, N_ROWS, undefined, 'sdedit ddpm');
    // The ideal reverse process samples x₀ ~ p(x₀ | x_t₀): averaged over x_t₀ ~ q(· | y),
    // mean μ + ᾱΣA⁻¹(y − μ), cov Σ − ᾱΣA⁻¹Σ + ᾱ(1−ᾱ)ΣA⁻²Σ, A = ᾱΣ + (1−ᾱ)I. DDPM's β̃ variance
    // (fixed_small) loses a little variance on 100 steps: allowance 0.04.
    const Ai = inverse(add(scale(SIGMA, a), scale(eye(D), 1 - a)));
    const G = matmul(SIGMA, Ai);
    const ideal = {
      mean: matvec(G, Y.map((v, i) => v - MU[i])).map((v, i) => MU[i] + a * v),
      cov: add(add(SIGMA, matmul(G, SIGMA), -a), matmul(matmul(G, Ai), SIGMA), a * (1 - a)),
    };
    expectClose(exact, ideal, Infinity, { mean: 0.005, cov: 0.04 }, 'oracle vs posterior');
    expectClose(moments(x, all), ideal, N_ROWS, { mean: 0.005, cov: 0.04 }, 'sdedit vs posterior');
  });

  it('Euler (σ-space) and DPM-Solver++ start mid-schedule: strength 0.5 follows the exact probability-flow map', () => {
    // For Gaussian data the probability-flow ODE from level ᾱ is the linear map
    // x₀ = μ + B (x_t − √ᾱ μ), B = Σ^{1/2} (ᾱΣ + (1−ᾱ)I)^{-1/2}; with x_t = √ᾱ y + √(1−ᾱ) ε the output
    // has mean μ + √ᾱ B (y − μ) and covariance (1−ᾱ) B Bᵀ.
    const { values, vectors } = symmetricEigen(SIGMA);
    const flow = (a: number): Moments => {
      const B = vectors.map((_, i) => vectors.map((__, j) => values.reduce((s, l, k) => s + vectors[i][k] * Math.sqrt(l / (a * l + 1 - a)) * vectors[j][k], 0)));
      return { mean: matvec(B, Y.map((v, i) => v - MU[i])).map((v, i) => MU[i] + Math.sqrt(a) * v), cov: scale(matmul(B, transpose(B)), 1 - a) };
    };
    const all = [0, 1, 2, 3];
    for (const [s, steps, seed] of [
      [new EulerDiscreteScheduler(), 100, 71],
      [new DPMSolverMultistepScheduler(), 20, 72],
    ] as const) {
      const x = sd(s, 0.5, steps, seed);
      const start = steps - Math.trunc(steps * 0.5);
      const sigma = s.sigmas[start];
      const want = flow(1 / (1 + sigma * sigma));
      expectClose(moments(x, all), want, N_ROWS, { mean: 0.02, cov: 0.03 }, s.constructor.name);
    }
  });

  it('rejects bad arguments with typed errors naming them', () => {
    const base = { input: INPUT.subarray(0, 8), n: 2, sampleSize: D, strength: 0.5, steps: 10, rng: createRng(0) };
    const thrown = (f: () => unknown): ArgumentError => {
      try {
        f();
      } catch (e) {
        return e as ArgumentError;
      }
      throw new Error('no error');
    };
    for (const strength of [0, -0.1, 1.5, NaN]) {
      const e = thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, strength }));
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.argument).toBe('strength');
    }
    const few = thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, strength: 0.05 }));
    expect(few.argument).toBe('strength');
    expect(few.message).toMatch(/1\/10/);
    expect(thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, input: Float32Array.of(1) })).argument).toBe('input');
    const nan = thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, input: Float32Array.of(1, 1, 1, 1, 1, Infinity, 1, 1) }));
    expect(nan).toBeInstanceOf(DataError);
    expect(nan.argument).toBe('input');
    expect(thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, steps: 0 })).argument).toBe('steps');
    expect(thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, n: -1 })).argument).toBe('n');
    expect(thrown(() => sdeditLoop(ddim(), PREDICT, { ...base, sampleSize: 0 })).argument).toBe('sampleSize');
  });
});
