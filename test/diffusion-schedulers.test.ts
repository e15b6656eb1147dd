import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  DDPMScheduler,
  DDIMScheduler,
  DPMSolverMultistepScheduler,
  EulerDiscreteScheduler,
  alphasCumprod,
  alphasFromBetas,
  betasForAlphaBar,
  makeBetas,
  snr,
  splitLearnedVariance,
  type DDIMConfig,
  type DDPMConfig,
  type DPMSolverConfig,
  type EulerConfig,
  type PredictionType,
  type SchedulerOutput,
  type TimestepSpacing,
} from '../src/diffusion/index.js';
import { ArgumentError, type ArdiffError } from '../src/core/errors.js';
import { createRng, type Rng } from '../src/core/rng.js';
import { ROOT, maxAbsDiff } from './fixtures.js';

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

const FIX = `${ROOT}test/fixtures/diffusion/`;

interface Printed {
  value: number;
  decimals: number;
}
interface GoldenCase {
  id: string;
  readme_case: string;
  scheduler: string;
  kind: 'variance' | 'loop' | 'euler_loop';
  config: Record<string, unknown>;
  t?: number[];
  eta?: number;
  expected_variance?: Printed[];
  expected_sum?: Printed;
  expected_mean?: Printed;
}
interface ExtraCase {
  id: string;
  scheduler: string;
  config: Record<string, unknown>;
  start?: number;
  expected_sum?: number;
  expected_mean: number;
}
interface TimestepCase {
  scheduler: string;
  timestepSpacing: TimestepSpacing;
  numTrainTimesteps: number;
  numInferenceSteps: number;
  stepsOffset: number;
  timesteps: number[];
}

const golden = JSON.parse(readFileSync(`${FIX}golden.json`, 'utf8')) as { provenance: string; cases: GoldenCase[] };
const extra = JSON.parse(readFileSync(`${FIX}diffusers-extra.json`, 'utf8')) as { cases: ExtraCase[] };
const timestepFixture = JSON.parse(readFileSync(`${FIX}timesteps.json`, 'utf8')) as { cases: TimestepCase[] };
const readme = readFileSync(`${FIX}README.md`, 'utf8');

const f32 = Math.fround;

/** diffusers' dummy_sample_deter: arange(768)/768 laid out [3, 8, 8, 4], permuted to [4, 3, 8, 8]. */
function sampleDeter(reverse = false): Float32Array {
  const x = new Float32Array(768);
  for (let b = 0; b < 4; b++)
    for (let c = 0; c < 3; c++)
      for (let h = 0; h < 8; h++)
        for (let w = 0; w < 8; w++) {
          const k = ((c * 8 + h) * 8 + w) * 4 + b; // row-major index in [C, H, W, B]
          x[((b * 3 + c) * 8 + h) * 8 + w] = (reverse ? 767 - k : k) / 768;
        }
  return x;
}

/** diffusers' dummy model: x · t/(t + 1) in float32. */
function model(x: Float32Array, t: number): Float32Array {
  return x.map((v) => f32(v * t) / f32(t + 1));
}

function absStats(x: Float32Array): { sum: number; mean: number } {
  let s = 0;
  for (const v of x) s += Math.abs(v);
  return { sum: s, mean: s / x.length };
}

/** Passes when within 1e-3 relative, or within half a unit of the value's last printed decimal. */
function expectGolden(actual: number, p: Printed, label: string): void {
  const err = Math.abs(actual - p.value);
  const half = 0.5 * 10 ** -p.decimals;
  expect(err <= 1e-3 * Math.abs(p.value) || err <= half, `${label}: got ${actual}, expected ${p.value} (±1e-3 rel or ±${half})`).toBe(true);
}

/** Every printed digit reproduced: |actual − value| ≤ half a unit of the last printed decimal. */
function expectAllDigits(actual: number, p: Printed, label: string): void {
  expect(Math.abs(actual - p.value), `${label}: ${actual} vs printed ${p.value}`).toBeLessThanOrEqual(0.5 * 10 ** -p.decimals);
}

function expectThrows(f: () => unknown, argument: string): ArdiffError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected an ArgumentError naming ${argument}`).toBeInstanceOf(ArgumentError);
  expect((err as ArdiffError).argument).toBe(argument);
  return err as ArdiffError;
}

interface Stepper {
  setTimesteps(n: number): void;
  readonly timesteps: ArrayLike<number>;
  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerOutput;
}

type AnyScheduler = DDPMScheduler | DDIMScheduler | DPMSolverMultistepScheduler | EulerDiscreteScheduler;

function make(name: string, config: Record<string, unknown>): AnyScheduler {
  switch (name) {
    case 'DDPMScheduler':
      return new DDPMScheduler(config as DDPMConfig);
    case 'DDIMScheduler':
      return new DDIMScheduler(config as DDIMConfig);
    case 'DPMSolverMultistepScheduler':
      return new DPMSolverMultistepScheduler(config as DPMSolverConfig);
    case 'EulerDiscreteScheduler':
      return new EulerDiscreteScheduler(config as EulerConfig);
  }
  throw new Error(`unknown scheduler ${name}`);
}

/** The deterministic loop of diffusers' tests (`start`: begin at timesteps[start] after addNoise with the reversed sample). */
function runLoop(name: string, config: Record<string, unknown>, start?: number): Float32Array {
  const s = make(name, config);
  s.setTimesteps(10);
  const ts = Array.from(s.timesteps);
  const steps = start === undefined ? ts : ts.slice(start);
  if (s instanceof EulerDiscreteScheduler) {
    let x: Float32Array = sampleDeter().map((v) => v * s.initNoiseSigma);
    if (start !== undefined) x = s.addNoise(x, sampleDeter(true), steps[0]);
    for (const t of steps) {
      // diffusers' euler full_loop: sample = scale_model_input(sample, t); the scaled sample is stepped
      x = s.scaleModelInput(x, t);
      x = s.step(model(x, t), t, x).prevSample;
    }
    return x;
  }
  let x = sampleDeter();
  if (start !== undefined && !(s instanceof DDPMScheduler)) x = s.addNoise(x, sampleDeter(true), steps[0]);
  const stepper: Stepper = s;
  for (const t of steps) x = stepper.step(model(x, t), t, x).prevSample;
  return x;
}

// ---------------------------------------------------------------------------------------------

describe('golden loops of the fixture README (diffusers scheduler tests)', () => {
  it('golden.json says where it comes from and covers every row of the README table', () => {
    expect(golden.provenance).toMatch(/Transcribed from test\/fixtures\/diffusion\/README\.md/);
    const rows = readme.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| case') && !l.startsWith('|---'));
    expect(rows.length).toBe(5);
    expect(golden.cases.map((c) => c.readme_case).sort()).toEqual(rows.map((r) => r.split('|')[1].trim()).sort());
  });

  for (const c of golden.cases) {
    it(`${c.id}: the transcribed numbers are the README's`, () => {
      const row = readme.split('\n').find((l) => l.startsWith(`| ${c.readme_case} |`));
      expect(row, c.readme_case).toBeDefined();
      const cells = (row as string).split('|').map((s) => s.trim());
      const [sumCell, meanCell] = [cells[3], cells[4]];
      const printed = (p: Printed): string => p.value.toFixed(p.decimals).replace(/^0\.0+$/, '0').replace(/^0$/, '0');
      if (c.expected_variance) expect(meanCell.split(',').map((s) => s.trim())).toEqual(c.expected_variance.map(printed));
      if (c.expected_sum) expect(sumCell).toBe(printed(c.expected_sum));
      else expect(sumCell).toBe('—');
      if (c.expected_mean) expect(meanCell).toBe(printed(c.expected_mean));
    });

    it(`${c.id}: reproduces the README's values`, () => {
      if (c.kind === 'variance') {
        const s = new DDPMScheduler(c.config as DDPMConfig);
        const ts = c.t as number[];
        const exp = c.expected_variance as Printed[];
        ts.forEach((t, i) => {
          const v = s.getVariance(t);
          expectGolden(v, exp[i], `variance(${t})`);
          expect(Math.abs(v - exp[i].value), `variance(${t}) within diffusers' 1e-5`).toBeLessThan(1e-5);
          expectAllDigits(v, exp[i], `variance(${t})`);
        });
        return;
      }
      const x = runLoop(c.scheduler, c.config);
      const { sum, mean } = absStats(x);
      if (c.expected_sum) {
        expectGolden(sum, c.expected_sum, 'sum|x|');
        expectAllDigits(sum, c.expected_sum, 'sum|x|');
      }
      if (c.expected_mean) {
        expectGolden(mean, c.expected_mean, 'mean|x|');
        expectAllDigits(mean, c.expected_mean, 'mean|x|');
      }
    });
  }

  it('the DPM-Solver++ golden needs diffusers’ test config: the defaults (lower-order final step) end elsewhere', () => {
    const c = golden.cases.find((g) => g.id === 'dpm_solver_pp_2m') as GoldenCase;
    const { lowerOrderFinal: _l, finalSigmasType: _f, ...readmeOnly } = c.config;
    const mean = absStats(runLoop(c.scheduler, readmeOnly)).mean;
    expect(Math.abs(mean - 0.3301)).toBeGreaterThan(0.05);
    expect(mean).toBeCloseTo(0.2409, 4);
  });
});

describe('further reference values from diffusers’ scheduler tests (diffusers-extra.json)', () => {
  for (const c of extra.cases) {
    it(`${c.id}`, () => {
      const { sum, mean } = absStats(runLoop(c.scheduler, c.config, c.start));
      if (c.expected_sum !== undefined) expect(Math.abs(sum - c.expected_sum), `sum ${sum}`).toBeLessThan(1e-2);
      expect(Math.abs(mean - c.expected_mean), `mean ${mean}`).toBeLessThan(1e-3);
      if (c.expected_sum !== undefined) expect(Math.abs(sum - c.expected_sum) / c.expected_sum).toBeLessThan(1e-6);
    });
  }
});

// ---------------------------------------------------------------------------------------------

const PREDICTIONS: PredictionType[] = ['epsilon', 'sample', 'v_prediction'];

function uniformArray(rng: Rng, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * scale);
}
function normalArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}
/** The v target α x0 … for a Karras σ: v = α_t ε − σ_t x0, α_t = 1/√(σ²+1), σ_t = σ α_t. */
function velocityAtSigma(x0: Float32Array, eps: Float32Array, sigma: number): Float32Array {
  const a = 1 / Math.sqrt(sigma * sigma + 1);
  const s = sigma * a;
  return x0.map((v, i) => a * eps[i] - s * v);
}

describe('addNoise, then predOriginal from the true noise recovers x0', () => {
  const rng = createRng(11);
  const x0 = uniformArray(rng, 96, 0.9);
  const eps = normalArray(rng, 96);

  for (const predictionType of PREDICTIONS) {
    for (const Cls of [DDPMScheduler, DDIMScheduler]) {
      it(`${Cls.name}, ${predictionType}`, () => {
        const s = new Cls({ predictionType });
        s.setTimesteps(20);
        for (const t of s.timesteps) {
          const xt = s.addNoise(x0, eps, t);
          const out = predictionType === 'epsilon' ? eps : predictionType === 'sample' ? x0 : s.getVelocity(x0, eps, t);
          const r = s.step(out, t, xt, { rng: createRng(1) });
          // ε-prediction divides by √ᾱ_t (≈ 0.006 at t = 999): float32 error grows accordingly
          expect(maxAbsDiff(r.predOriginal, x0), `t = ${t}`).toBeLessThan(predictionType === 'epsilon' ? 2e-4 : 1e-5);
        }
      });
    }

    it(`DPMSolverMultistepScheduler, ${predictionType}`, () => {
      const s = new DPMSolverMultistepScheduler({ predictionType });
      s.setTimesteps(10);
      const ts = Array.from(s.timesteps);
      ts.forEach((t, i) => {
        s.setTimesteps(10); // resets the step counter so that the step starts at t
        const xt = s.addNoise(x0, eps, t);
        const out = predictionType === 'epsilon' ? eps : predictionType === 'sample' ? x0 : velocityAtSigma(x0, eps, s.sigmas[i]);
        expect(maxAbsDiff(s.step(out, t, xt).predOriginal, x0), `t = ${t}`).toBeLessThan(predictionType === 'epsilon' ? 2e-4 : 1e-5);
      });
    });

    it(`EulerDiscreteScheduler, ${predictionType}`, () => {
      const s = new EulerDiscreteScheduler({ predictionType });
      s.setTimesteps(10);
      s.timesteps.forEach((t, i) => {
        s.setTimesteps(10);
        const x = s.addNoise(x0, eps, t); // VE: x0 + σ ε
        s.scaleModelInput(x, t);
        const out = predictionType === 'epsilon' ? eps : predictionType === 'sample' ? x0 : velocityAtSigma(x0, eps, s.sigmas[i]);
        expect(maxAbsDiff(s.step(out, t, x).predOriginal, x0), `t = ${t}`).toBeLessThan(predictionType === 'epsilon' ? 2e-4 : 1e-4);
      });
    });
  }

  it('addNoise takes one timestep per batch item (batch-major blocks)', () => {
    const s = new DDIMScheduler();
    const t = [10, 500, 999, 0];
    const batched = s.addNoise(x0, eps, t);
    const per = x0.length / 4;
    t.forEach((tb, b) => {
      const block = s.addNoise(x0.subarray(b * per, (b + 1) * per), eps.subarray(b * per, (b + 1) * per), tb);
      expect(Array.from(batched.subarray(b * per, (b + 1) * per))).toEqual(Array.from(block));
    });
    expect(maxAbsDiff(batched.subarray(0, per), batched.subarray(per, 2 * per))).toBeGreaterThan(0); // the t differ
    expectThrows(() => s.addNoise(x0, eps, [1, 2, 3, 4, 5]), 'timesteps'); // 96 is not divisible by 5
    expectThrows(() => s.addNoise(x0, eps, 1000), 't');
    expectThrows(() => s.addNoise(x0, eps.subarray(1), 5), 'noise');
  });

  it('addNoise follows q(x_t | x_0): √ᾱ_t x0 + √(1 − ᾱ_t) ε (DDPM/DDIM), α x0 + σ_t ε (DPM), x0 + σ ε (Euler)', () => {
    const d = new DDPMScheduler();
    const a = d.alphasCumprod[300];
    expect(maxAbsDiff(d.addNoise(x0, eps, 300), x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * eps[i]))).toBeLessThan(1e-6);
    const e = new EulerDiscreteScheduler();
    e.setTimesteps(10);
    const sigma = e.sigmas[3];
    expect(sigma).toBeCloseTo(Math.sqrt((1 - e.alphasCumprod[Math.round(e.timesteps[3])]) / e.alphasCumprod[Math.round(e.timesteps[3])]), 2);
    expect(maxAbsDiff(e.addNoise(x0, eps, e.timesteps[3]), x0.map((v, i) => v + sigma * eps[i]))).toBeLessThan(1e-5);
  });
});

// ---------------------------------------------------------------------------------------------

describe('timesteps: diffusers’ set_timesteps formulas for each scheduler and spacing', () => {
  it('the fixture covers all four schedulers and three spacings, including half-way rounding cases', () => {
    const keys = new Set(timestepFixture.cases.map((c) => `${c.scheduler}/${c.timestepSpacing}`));
    expect(keys.size).toBe(12);
  });

  for (const c of timestepFixture.cases) {
    it(`${c.scheduler} ${c.timestepSpacing} T=${c.numTrainTimesteps} n=${c.numInferenceSteps} offset=${c.stepsOffset}`, () => {
      const s = make(c.scheduler, { numTrainTimesteps: c.numTrainTimesteps, timestepSpacing: c.timestepSpacing, stepsOffset: c.stepsOffset });
      s.setTimesteps(c.numInferenceSteps);
      expect(Array.from(s.timesteps)).toEqual(c.timesteps);
      if (s instanceof EulerDiscreteScheduler) expect(Array.isArray(s.timesteps)).toBe(true);
      else expect(s.timesteps).toBeInstanceOf(Int32Array);
    });
  }

  it('diffusers’ own assertion: DDIM, steps_offset 1, 5 steps → [801, 601, 401, 201, 1]', () => {
    const s = new DDIMScheduler({ stepsOffset: 1 });
    s.setTimesteps(5);
    expect(Array.from(s.timesteps)).toEqual([801, 601, 401, 201, 1]);
  });

  it('DDIM’s previous timestep is t − T//n whatever the spacing; DDPM’s is the next grid entry', () => {
    const ddim = new DDIMScheduler({ timestepSpacing: 'trailing' });
    ddim.setTimesteps(10);
    expect(ddim.timesteps[0]).toBe(999);
    expect(ddim.previousTimestep(999)).toBe(899);
    const ddpm = new DDPMScheduler({ timestepSpacing: 'linspace' });
    expect(ddpm.previousTimestep(487)).toBe(486);
    ddpm.setTimesteps(10);
    expect(Array.from(ddpm.timesteps.slice(0, 2))).toEqual([999, 888]);
    expect(ddpm.previousTimestep(999)).toBe(888);
    expect(ddpm.previousTimestep(0)).toBe(-1);
    expectThrows(() => ddpm.previousTimestep(500), 't');
  });

  it('Euler: σ interpolated linearly in t, final σ 0, initNoiseSigma per spacing', () => {
    const e = new EulerDiscreteScheduler({ numTrainTimesteps: 1100 });
    e.setTimesteps(10);
    const ac = e.alphasCumprod;
    const sig = (k: number): number => Math.sqrt((1 - ac[k]) / ac[k]);
    const t1 = e.timesteps[1];
    const lo = Math.floor(t1);
    expect(e.sigmas[1]).toBeCloseTo(sig(lo) + (sig(lo + 1) - sig(lo)) * (t1 - lo), 4);
    expect(e.sigmas[10]).toBe(0);
    expect(e.initNoiseSigma).toBe(e.sigmas[0]);
    const lead = new EulerDiscreteScheduler({ numTrainTimesteps: 1100, timestepSpacing: 'leading' });
    lead.setTimesteps(10);
    expect(lead.initNoiseSigma).toBeCloseTo(Math.sqrt(lead.sigmas[0] ** 2 + 1), 5);
  });
});

// ---------------------------------------------------------------------------------------------

describe('randomness only through the injected rng', () => {
  const x = sampleDeter();
  const out = model(x, 500);

  it('DDPM: the same seed gives the same step, another seed another; the noise is rng.normal() in order', () => {
    const s = new DDPMScheduler();
    s.setTimesteps(10);
    const t = s.timesteps[3];
    const a = s.step(out, t, x, { rng: createRng(7) }).prevSample;
    const b = s.step(out, t, x, { rng: createRng(7) }).prevSample;
    const c = s.step(out, t, x, { rng: createRng(8) }).prevSample;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(maxAbsDiff(a, c)).toBeGreaterThan(1e-3);
    const r = createRng(7);
    const z = Float32Array.from({ length: x.length }, () => r.normal());
    expect(Array.from(s.step(out, t, x, { varianceNoise: z }).prevSample)).toEqual(Array.from(a));
    // the noise has the fixed_small standard deviation √β̃_t
    const mean = s.step(out, t, x, { varianceNoise: new Float32Array(x.length) }).prevSample;
    const std = Math.sqrt(s.getVariance(t));
    expect(maxAbsDiff(a, mean.map((m, i) => m + std * z[i]))).toBeLessThan(1e-6);
  });

  it('DDPM: a full seeded loop is reproducible', () => {
    const run = (seed: number): Float32Array => {
      const s = new DDPMScheduler();
      s.setTimesteps(10);
      const rng = createRng(seed);
      let y = sampleDeter();
      for (const t of s.timesteps) y = s.step(model(y, t), t, y, { rng }).prevSample;
      return y;
    };
    expect(Array.from(run(3))).toEqual(Array.from(run(3)));
    expect(maxAbsDiff(run(3), run(4))).toBeGreaterThan(1e-3);
  });

  it('DDPM: noise needs an rng at t > 0 (typed error), none at t = 0', () => {
    const s = new DDPMScheduler();
    s.setTimesteps(10);
    expectThrows(() => s.step(out, s.timesteps[0], x), 'rng');
    expect(() => s.step(out, 0, x)).not.toThrow();
  });

  it('DDIM: eta > 0 is seeded and needs an rng; eta = 0 is deterministic without one', () => {
    const s = new DDIMScheduler();
    s.setTimesteps(10);
    const t = s.timesteps[2];
    const a = s.step(out, t, x, { eta: 1, rng: createRng(5) }).prevSample;
    const b = s.step(out, t, x, { eta: 1, rng: createRng(5) }).prevSample;
    const c = s.step(out, t, x, { eta: 1, rng: createRng(6) }).prevSample;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(maxAbsDiff(a, c)).toBeGreaterThan(1e-3);
    expectThrows(() => s.step(out, t, x, { eta: 0.5 }), 'rng');
    expect(Array.from(s.step(out, t, x).prevSample)).toEqual(Array.from(s.step(out, t, x, { eta: 0 }).prevSample));
  });

  it('Euler: churn (sChurn > 0) is seeded and needs an rng', () => {
    const run = (rng?: Rng): Float32Array => {
      const s = new EulerDiscreteScheduler();
      s.setTimesteps(10);
      const t = s.timesteps[0];
      return s.step(model(s.scaleModelInput(x, t), t), t, x, { sChurn: 1, rng }).prevSample;
    };
    expect(Array.from(run(createRng(2)))).toEqual(Array.from(run(createRng(2))));
    expectThrows(() => run(), 'rng');
  });
});

// ---------------------------------------------------------------------------------------------

describe('bad options give typed errors naming the option', () => {
  const classes = [DDPMScheduler, DDIMScheduler, DPMSolverMultistepScheduler, EulerDiscreteScheduler] as const;
  for (const Cls of classes) {
    it(`${Cls.name}`, () => {
      expectThrows(() => new Cls({ betaSchedule: 'cosine' as 'linear' }), 'betaSchedule');
      expectThrows(() => new Cls({ predictionType: 'x0' as 'sample' }), 'predictionType');
      expectThrows(() => new Cls({ betaStart: 0.02, betaEnd: 0.01 }), 'betaStart');
      expectThrows(() => new Cls({ betaStart: 0.02, betaEnd: 0.02 }), 'betaStart');
      expectThrows(() => new Cls({ betaEnd: 1.5 }), 'betaEnd');
      expectThrows(() => new Cls({ numTrainTimesteps: 0 }), 'numTrainTimesteps');
      expectThrows(() => new Cls({ numTrainTimesteps: 10.5 }), 'numTrainTimesteps');
      expectThrows(() => new Cls({ timestepSpacing: 'uniform' as 'linspace' }), 'timestepSpacing');
      const s = new Cls({ numTrainTimesteps: 100 });
      expectThrows(() => s.setTimesteps(101), 'numInferenceSteps');
      expectThrows(() => s.setTimesteps(0), 'numInferenceSteps');
      s.setTimesteps(100);
      expect(s.timesteps.length).toBe(100);
      const t = s.timesteps[0];
      expectThrows(() => s.step(new Float32Array(3), t, new Float32Array(4)), 'modelOutput');
    });
  }

  it('scheduler-specific options', () => {
    expectThrows(() => new DDPMScheduler({ varianceType: 'fixed' as 'fixed_small' }), 'varianceType');
    expectThrows(() => new DDIMScheduler({ setAlphaToOne: 'yes' as unknown as boolean }), 'setAlphaToOne');
    expectThrows(() => new DPMSolverMultistepScheduler({ solverOrder: 4 }), 'solverOrder');
    expectThrows(() => new DPMSolverMultistepScheduler({ solverOrder: 0 }), 'solverOrder');
    expectThrows(() => new DPMSolverMultistepScheduler({ algorithmType: 'sde-dpmsolver++' as 'dpmsolver++' }), 'algorithmType');
    expectThrows(() => new DPMSolverMultistepScheduler({ algorithmType: 'dpmsolver' }), 'finalSigmasType');
    const ddim = new DDIMScheduler();
    expectThrows(() => ddim.step(new Float32Array(2), 10, new Float32Array(2)), 'numInferenceSteps');
    ddim.setTimesteps(10);
    expectThrows(() => ddim.step(new Float32Array(2), 900, new Float32Array(2), { eta: -1 }), 'eta');
    expectThrows(() => ddim.step(new Float32Array(2), 1000, new Float32Array(2)), 't');
    const e = new EulerDiscreteScheduler();
    e.setTimesteps(10);
    expectThrows(() => e.step(new Float32Array(2), 123.5, new Float32Array(2)), 't');
    const learned = new DDPMScheduler({ varianceType: 'learned_range' });
    expectThrows(() => learned.step(new Float32Array(2), 10, new Float32Array(2), { rng: createRng(0) }), 'predictedVariance');
  });
});

// ---------------------------------------------------------------------------------------------

describe('schedules', () => {
  it('linear and scaled_linear run from betaStart to betaEnd in float32', () => {
    const lin = makeBetas({ betaSchedule: 'linear', numTrainTimesteps: 1000 });
    expect(lin[0]).toBe(f32(1e-4));
    expect(lin[999]).toBe(f32(0.02));
    expect(lin[500]).toBeCloseTo(1e-4 + (0.02 - 1e-4) * (500 / 999), 8);
    const sc = makeBetas({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, numTrainTimesteps: 1000 });
    expect(sc[0]).toBeCloseTo(0.00085, 8);
    expect(sc[999]).toBeCloseTo(0.012, 8);
    expect(sc[500]).toBeCloseTo((Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) * (500 / 999)) ** 2, 8);
  });

  it('squaredcos_cap_v2 discretises ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), capped at 0.999', () => {
    const b = makeBetas({ betaSchedule: 'squaredcos_cap_v2', numTrainTimesteps: 1000 });
    expect(b).toEqual(betasForAlphaBar(1000));
    const abar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(b[10]).toBeCloseTo(1 - abar(11 / 1000) / abar(10 / 1000), 8);
    expect(b[999]).toBe(f32(0.999));
    const ac = alphasCumprod(alphasFromBetas(b));
    expect(ac[499]).toBeCloseTo(abar(0.5) / abar(0), 4);
  });

  it('sigmoid: sigmoid(linspace(−6, 6)) scaled into [betaStart, betaEnd]', () => {
    const b = makeBetas({ betaSchedule: 'sigmoid', numTrainTimesteps: 1000 });
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(b[0]).toBeCloseTo(sig(-6) * (0.02 - 1e-4) + 1e-4, 8);
    expect(b[999]).toBeCloseTo(sig(6) * (0.02 - 1e-4) + 1e-4, 8);
    for (let i = 1; i < 1000; i++) expect(b[i]).toBeGreaterThanOrEqual(b[i - 1]);
  });

  it('ᾱ_t is the float32 cumulative product; SNR = ᾱ/(1 − ᾱ) decreases', () => {
    const a = alphasFromBetas(makeBetas());
    const ac = alphasCumprod(a);
    let p = 1;
    for (let i = 0; i < 1000; i++) {
      p *= a[i];
      expect(ac[i]).toBe(f32(p));
    }
    const r = snr(ac);
    for (let i = 1; i < 1000; i++) expect(r[i]).toBeLessThan(r[i - 1]);
    expect(r[999]).toBeCloseTo(ac[999] / (1 - ac[999]), 12);
  });

  it('trainedBetas are used as given', () => {
    const betas = Float32Array.from({ length: 50 }, (_, i) => 0.001 + i * 0.0005);
    const s = new DDIMScheduler({ numTrainTimesteps: 50, trainedBetas: betas });
    expect(s.betas).toEqual(betas);
    expectThrows(() => new DDIMScheduler({ numTrainTimesteps: 40, trainedBetas: betas }), 'trainedBetas');
  });
});

// ---------------------------------------------------------------------------------------------

describe('consistency between samplers', () => {
  /** DDIM and the first-order solvers on the same trailing grid 999, 899, ..., 99 → ᾱ = 1 at the end. */
  const rng = createRng(21);
  const xT = normalArray(rng, 192);
  const epsModel = (x: Float32Array, t: number): Float32Array => x.map((v, i) => 0.3 * v + 0.1 * Math.sin(i + t / 100));

  function ddimLoop(): Float32Array {
    const s = new DDIMScheduler({ timestepSpacing: 'trailing', clipSample: false });
    s.setTimesteps(10);
    let x: Float32Array = xT;
    for (const t of s.timesteps) x = s.step(epsModel(x, t), t, x).prevSample;
    return x;
  }

  it('DDIM with η = 1 is the DDPM posterior step (Song et al. 2021, §4.1) for the same noise', () => {
    const ddim = new DDIMScheduler({ clipSample: false });
    const ddpm = new DDPMScheduler({ clipSample: false });
    ddim.setTimesteps(10);
    ddpm.setTimesteps(10);
    expect(Array.from(ddim.timesteps)).toEqual(Array.from(ddpm.timesteps));
    const z = normalArray(createRng(9), xT.length);
    for (const t of ddim.timesteps.slice(0, 9)) {
      const out = epsModel(xT, t);
      const a = ddim.step(out, t, xT, { eta: 1, varianceNoise: z }).prevSample;
      const b = ddpm.step(out, t, xT, { varianceNoise: z }).prevSample;
      expect(maxAbsDiff(a, b), `t = ${t}`).toBeLessThan(2e-5);
    }
  });

  it('DPM-Solver++(1) is DDIM (Lu et al. 2022, §4.1)', () => {
    const s = new DPMSolverMultistepScheduler({ solverOrder: 1, timestepSpacing: 'trailing' });
    s.setTimesteps(10);
    let x: Float32Array = xT;
    for (const t of s.timesteps) x = s.step(epsModel(x, t), t, x).prevSample;
    expect(maxAbsDiff(x, ddimLoop())).toBeLessThan(1e-4);
  });

  it('Euler in σ-space is DDIM (Song et al. 2021, eq. 14) when started from x_T·√(σ_max² + 1)', () => {
    const s = new EulerDiscreteScheduler({ timestepSpacing: 'trailing' });
    s.setTimesteps(10);
    let x: Float32Array = xT.map((v) => v * Math.sqrt(s.sigmas[0] ** 2 + 1));
    for (const t of s.timesteps) x = s.step(epsModel(s.scaleModelInput(x, t), t), t, x).prevSample;
    expect(maxAbsDiff(x, ddimLoop())).toBeLessThan(1e-4);
  });

  it('DPM-Solver++ orders 1, 2, 3 differ, and order 3 uses the third-order update', () => {
    const run = (solverOrder: number): Float32Array => {
      const s = new DPMSolverMultistepScheduler({ solverOrder });
      s.setTimesteps(10);
      let x: Float32Array = xT;
      for (const t of s.timesteps) x = s.step(epsModel(x, t), t, x).prevSample;
      return x;
    };
    const [o1, o2, o3] = [run(1), run(2), run(3)];
    expect(maxAbsDiff(o1, o2)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(o2, o3)).toBeGreaterThan(1e-6);
    for (const v of o3) expect(Number.isFinite(v)).toBe(true);
  });

  it('DPM-Solver++ converges at orders 1, 2, 3 on Gaussian data, whose probability-flow ODE is exact', () => {
    // data x0 ~ N(0, s²): the exact denoiser is D(x_t) = α s²/(α² s² + σ²) · x_t, and the ODE
    // maps x_T to x_T · √(α_f² s² + σ_f²)/√(α_T² s² + σ_T²) (it carries the marginal quantiles).
    const s2 = 0.25;
    const x0 = Float32Array.from({ length: 64 }, (_, i) => (i - 32) / 10);
    const error = (solverOrder: number, n: number): number => {
      const s = new DPMSolverMultistepScheduler({ solverOrder, predictionType: 'sample', lowerOrderFinal: false, finalSigmasType: 'sigma_min' });
      s.setTimesteps(n);
      const ac = s.alphasCumprod;
      let x: Float32Array = x0;
      for (const t of s.timesteps) {
        const c = (Math.sqrt(ac[t]) * s2) / (ac[t] * s2 + 1 - ac[t]);
        x = s.step(x.map((v) => v * c), t, x).prevSample;
      }
      const aT = ac[s.timesteps[0]];
      const sf = s.sigmas[n];
      const af2 = 1 / (sf * sf + 1);
      const k = Math.sqrt(af2 * s2 + sf * sf * af2) / Math.sqrt(aT * s2 + 1 - aT);
      return maxAbsDiff(x, x0.map((v) => v * k));
    };
    const ratio = (order: number): number => error(order, 160) / error(order, 320);
    expect(ratio(1)).toBeGreaterThan(1.7);
    expect(ratio(1)).toBeLessThan(2.3);
    expect(ratio(2)).toBeGreaterThan(3.2);
    expect(ratio(2)).toBeLessThan(5.5);
    expect(ratio(3)).toBeGreaterThan(6.5);
    expect(error(3, 320)).toBeLessThan(error(2, 320) / 2);
  });

  it('DPM-Solver++ lowerOrderFinal: with fewer than 15 steps the last update is first order', () => {
    const finalStep = (lowerOrderFinal: boolean): { x: Float32Array; out: Float32Array; t: number; result: Float32Array } => {
      const s = new DPMSolverMultistepScheduler({ lowerOrderFinal, finalSigmasType: 'sigma_min' });
      s.setTimesteps(10);
      let x: Float32Array = xT;
      const ts = Array.from(s.timesteps);
      for (const t of ts.slice(0, 9)) x = s.step(epsModel(x, t), t, x).prevSample;
      const out = epsModel(x, ts[9]);
      return { x, out, t: ts[9], result: s.step(out, ts[9], x).prevSample };
    };
    const lower = finalStep(true);
    const first = new DPMSolverMultistepScheduler({ solverOrder: 1, finalSigmasType: 'sigma_min' });
    first.setTimesteps(10);
    expect(maxAbsDiff(first.step(lower.out, lower.t, lower.x).prevSample, lower.result)).toBe(0);
    const full = finalStep(false);
    first.setTimesteps(10);
    expect(maxAbsDiff(first.step(full.out, full.t, full.x).prevSample, full.result)).toBeGreaterThan(1e-4);
  });

  it('DDPM fixed_large adds √β_t z, fixed_small √β̃_t z (Ho et al. 2020, §3.2)', () => {
    for (const varianceType of ['fixed_small', 'fixed_large'] as const) {
      const s = new DDPMScheduler({ varianceType });
      s.setTimesteps(10);
      const t = s.timesteps[5];
      const x = sampleDeter();
      const out = model(x, t);
      const z = normalArray(createRng(12), x.length);
      const mean = s.step(out, t, x, { varianceNoise: new Float32Array(x.length) }).prevSample;
      const prevT = s.previousTimestep(t);
      const ac = s.alphasCumprod;
      const beta = 1 - ac[t] / ac[prevT];
      const expected = varianceType === 'fixed_large' ? beta : ((1 - ac[prevT]) / (1 - ac[t])) * beta;
      expect(s.getVariance(t)).toBeCloseTo(expected, 7);
      const noisy = s.step(out, t, x, { varianceNoise: z }).prevSample;
      expect(maxAbsDiff(noisy, mean.map((m, i) => m + Math.sqrt(expected) * z[i]))).toBeLessThan(1e-6);
    }
  });

  it('clipSample clips x̂_0 to ±clipSampleRange (DDPM, DDIM)', () => {
    const x = sampleDeter().map((v) => 4 * v - 2);
    for (const Cls of [DDPMScheduler, DDIMScheduler]) {
      const clipped = new Cls({ predictionType: 'sample' });
      const wide = new Cls({ predictionType: 'sample', clipSampleRange: 1.5 });
      const free = new Cls({ predictionType: 'sample', clipSample: false });
      for (const s of [clipped, wide, free]) s.setTimesteps(10);
      const t = clipped.timesteps[1];
      const opts = { varianceNoise: new Float32Array(x.length) };
      expect(Array.from(clipped.step(x, t, x, opts).predOriginal)).toEqual(Array.from(x, (v) => Math.min(1, Math.max(-1, v))));
      expect(Array.from(wide.step(x, t, x, opts).predOriginal)).toEqual(Array.from(x, (v) => Math.min(1.5, Math.max(-1.5, v))));
      expect(Array.from(free.step(x, t, x, opts).predOriginal)).toEqual(Array.from(x));
    }
  });

  it('DDPM learned_range interpolates between β̃_t (v = −1) and β_t (v = +1) in log space', () => {
    const s = new DDPMScheduler({ varianceType: 'learned_range' });
    s.setTimesteps(10);
    const t = s.timesteps[4];
    const x = sampleDeter();
    const z = normalArray(createRng(4), x.length);
    const eps = model(x, t);
    const mean = s.step(eps, t, x, { varianceNoise: new Float32Array(x.length), predictedVariance: new Float32Array(x.length) }).prevSample;
    const at = (v: number): Float32Array => s.step(eps, t, x, { varianceNoise: z, predictedVariance: new Float32Array(x.length).fill(v) }).prevSample;
    const small = Math.sqrt(s.getVariance(t, 'fixed_small'));
    const large = Math.sqrt(s.getVariance(t, 'fixed_large'));
    expect(maxAbsDiff(at(-1), mean.map((m, i) => m + small * z[i]))).toBeLessThan(1e-5);
    expect(maxAbsDiff(at(1), mean.map((m, i) => m + large * z[i]))).toBeLessThan(1e-5);
    const split = splitLearnedVariance(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), 2);
    expect(Array.from(split.output)).toEqual([1, 2, 5, 6]);
    expect(Array.from(split.predictedVariance)).toEqual([3, 4, 7, 8]);
  });
});

describe('DPM-Solver++ with as many steps as training timesteps', () => {
  it('stays finite where the rounded grid repeats timesteps (a zero-size step falls back to first order)', () => {
    for (const [K, order] of [[20, 2], [100, 2], [50, 3]] as const) {
      const run = (steps: number) => {
        const s = new DPMSolverMultistepScheduler({ numTrainTimesteps: K, betaStart: 1e-4, betaEnd: 0.02, betaSchedule: 'linear', predictionType: 'epsilon', solverOrder: order });
        s.setTimesteps(steps);
        let x: Float32Array = Float32Array.of(0.5, -1);
        for (const t of Array.from(s.timesteps)) x = s.step(Float32Array.from(x, (v) => 0.3 * v), t, x).prevSample;
        return x;
      };
      const all = run(K), fewer = run(K - 1);
      expect(Array.from(all).every(Number.isFinite)).toBe(true);
      // The same ODE solved on nearly the same grid.
      for (let j = 0; j < 2; j++) expect(Math.abs(all[j] - fewer[j])).toBeLessThan(0.05 * Math.abs(fewer[j]) + 1e-3);
    }
  });
});
