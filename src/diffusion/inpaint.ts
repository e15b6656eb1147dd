/**
 * Inpainting with an unconditional diffusion model: RePaint (Lugmayr, Danelljan, Romero, Yu,
 * Timofte & Van Gool 2022, "RePaint: Inpainting using Denoising Diffusion Probabilistic Models",
 * Algorithm 1). Each row has known values (mask 1) and values to generate (mask 0). At every reverse
 * step the unknown part comes from the scheduler's step (eq. 9) and the known part is the observed
 * data noised to the level of the new sample, x^known = √ᾱ x₀ + √(1 − ᾱ) ε with fresh ε (eq. 8),
 * combined by the mask (eq. 10), so the model always sees a sample whose known part is a draw from
 * q(x_t | x₀); after the last step the known values are put back exactly.
 *
 * Replacement alone conditions the unknown part only through noisy copies of the known part and is
 * biased (the paper's "disharmony", §4.2 Resampling; Trippe et al. 2023 show it is not exact even
 * in the limit of small steps): for a correlated 4-d Gaussian the conditional mean of an unknown
 * coordinate is missed by ≈ 0.18 even with 1000 DDPM steps (test/diffusion-inpaint.test.ts). RePaint's
 * resampling reduces it: after a step, go back up with the forward transition
 * x_t = √(ᾱ_t/ᾱ_prev) x_prev + √(1 − ᾱ_t/ᾱ_prev) z and redo the step(s) — `jumps` passes in all,
 * `jumpLength` steps per jump (§4.2, the paper's r and j; its schedule runs j steps down, then back
 * up, r times, before moving on). Resampling needs a memoryless scheduler on the
 * variance-preserving ᾱ grid: DDPM and DDIM. DPM-Solver++ keeps the previous x̂₀ of its multistep
 * update, and Euler's step counter and σ-space would both need rewinding, so `jumps > 1` is refused
 * for them.
 *
 * The level the returned sample belongs to, per scheduler:
 * - DDPM: its previous timestep = the next entry of `timesteps` (ᾱ = 1 after the last);
 * - DDIM: t − T//n whatever the spacing (diffusers' rule; with `linspace`/`trailing` grids that is not
 *   always the next entry of `timesteps`), and `finalAlphaCumprod` below zero;
 * - Euler: σ of the next step in σ-space, x = x₀ + σ ε (its `addNoise`);
 * - DPM-Solver: the next step's (α, σ) (its `addNoise`).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { checkRng } from '../core/validate.js';
import type { PredictFn } from './guidance.js';
import { checkCount, initialNoise, stepOptions, type SampleLoopOptions, type SampleLoopResult, type Scheduler } from './sample.js';
import { DDIMScheduler } from './schedulers/ddim.js';
import { DDPMScheduler } from './schedulers/ddpm.js';
import { DPMSolverMultistepScheduler } from './schedulers/dpm-solver.js';
import { EulerDiscreteScheduler } from './schedulers/euler.js';

/** The schedulers inpainting and SDEdit know how to noise data for (each has its own `addNoise`). */
export type NoisingScheduler = DDPMScheduler | DDIMScheduler | EulerDiscreteScheduler | DPMSolverMultistepScheduler;

export interface InpaintOptions extends SampleLoopOptions {
  /** The observed values, n × sampleSize row-major, on the model's scale; read only where mask = 1. */
  known: ArrayLike<number>;
  /** 1 = known, 0 = to generate: one value per entry of `known`, or one row of sampleSize shared by all rows. */
  mask: Uint8Array | Float32Array;
  /** RePaint resampling: how many times each step (block of `jumpLength` steps) is run, default 1 = none. DDPM and DDIM only. */
  jumps?: number;
  /** Steps per resampling jump, default 1 (Algorithm 1); must be below the number of steps. */
  jumpLength?: number;
}

/**
 * The scheduler as one of the four known classes, or an ArgumentError('scheduler'): inpainting and
 * SDEdit must know which space (ᾱ or σ) and which step indexing the scheduler uses.
 */
export function noisingScheduler(scheduler: Scheduler): NoisingScheduler {
  if (
    scheduler instanceof DDPMScheduler ||
    scheduler instanceof DDIMScheduler ||
    scheduler instanceof EulerDiscreteScheduler ||
    scheduler instanceof DPMSolverMultistepScheduler
  ) {
    return scheduler;
  }
  throw new ArgumentError('scheduler must be a DDPMScheduler, DDIMScheduler, EulerDiscreteScheduler or DPMSolverMultistepScheduler', 'scheduler');
}

/** A row-major array of n × sampleSize values; `finite(i)` says which entries must be finite. @internal */
export function checkRows(x: ArrayLike<number>, n: number, sampleSize: number, argument: string, finite: (i: number) => boolean = () => true): void {
  if (!x || typeof x.length !== 'number') throw new ArgumentError(`${argument} must be an array of n × sampleSize = ${n * sampleSize} numbers`, argument);
  if (x.length !== n * sampleSize) {
    throw new ArgumentError(`${argument} has ${x.length} values; it must hold n × sampleSize = ${n} × ${sampleSize} = ${n * sampleSize} (row-major)`, argument);
  }
  for (let i = 0; i < x.length; i++) {
    if (finite(i) && !Number.isFinite(x[i])) {
      throw new DataError(`${argument}: row ${Math.floor(i / sampleSize) + 1}, value ${(i % sampleSize) + 1} is not a finite number (${x[i]}); replace it${argument === 'known' ? ' or mark it unknown (mask 0)' : ''}`, argument);
    }
  }
}

/** The mask expanded to one entry per value (1 = known). */
function expandMask(mask: Uint8Array | Float32Array, n: number, sampleSize: number): Uint8Array {
  if (!(mask instanceof Uint8Array || mask instanceof Float32Array)) throw new ArgumentError('mask must be a Uint8Array or Float32Array of 0 (generate) and 1 (known)', 'mask');
  const total = n * sampleSize;
  if (mask.length !== total && mask.length !== sampleSize) {
    throw new ArgumentError(`mask has ${mask.length} values; it needs one per value (n × sampleSize = ${total}) or one row of sampleSize = ${sampleSize} shared by all rows`, 'mask');
  }
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 0 && mask[i] !== 1) throw new ArgumentError(`mask must hold only 0 (generate) and 1 (known); entry ${i} is ${mask[i]}`, 'mask');
  }
  const out = new Uint8Array(total);
  for (let i = 0; i < total; i++) out[i] = mask[mask.length === total ? i : i % sampleSize];
  return out;
}

/**
 * RePaint inpainting (Lugmayr et al. 2022, Algorithm 1, with the jump schedule of §4.2): generates
 * the entries with mask 0 so that they fit the known ones; the known entries of the result equal
 * `known` exactly. Same result as {@link sampleLoop}; the trajectory holds x after every reverse
 * step, redone steps included.
 *
 * @example
 * const s = new DDPMScheduler({ clipSample: false });
 * const r = inpaintLoop(s, predict, { known, mask: Uint8Array.of(1, 1, 0, 0), n, sampleSize: 4, steps: 250, jumps: 10, jumpLength: 10, rng: createRng(1) });
 */
export function inpaintLoop(scheduler: Scheduler, predict: PredictFn, options: InpaintOptions): SampleLoopResult {
  const n = checkCount(options.n, 'n');
  const sampleSize = checkCount(options.sampleSize, 'sampleSize');
  const steps = checkCount(options.steps, 'steps');
  const rng = options.rng;
  checkRng(rng);
  const s = noisingScheduler(scheduler);
  const mask = expandMask(options.mask, n, sampleSize);
  checkRows(options.known, n, sampleSize, 'known', (i) => mask[i] === 1);
  const jumps = checkCount(options.jumps ?? 1, 'jumps');
  const memoryless = s instanceof DDPMScheduler || s instanceof DDIMScheduler;
  if (jumps > 1 && !memoryless) {
    throw new ArgumentError(
      `jumps > 1 (RePaint resampling) works with the DDPM and DDIM schedulers only: ${s.constructor.name} keeps state between steps; use jumps: 1 or switch scheduler`,
      'jumps',
    );
  }
  s.setTimesteps(steps);
  const ts = Array.from(s.timesteps);
  const N = ts.length;
  const jumpLength = checkCount(options.jumpLength ?? 1, 'jumpLength');
  if (jumps > 1 && jumpLength >= N) throw new ArgumentError(`jumpLength must be below the number of steps (${N}) to leave room to jump back; got ${jumpLength}`, 'jumpLength');

  // The known values, 0 where unknown (the caller may leave NaN there), and their positions.
  const known = new Float32Array(n * sampleSize);
  const where: number[] = [];
  for (let i = 0; i < known.length; i++) {
    if (mask[i] === 1) {
      known[i] = options.known[i];
      where.push(i);
    }
  }
  /** Writes the known entries of x: from `noised` (the known data at the sample's level), or clean. */
  const replaceKnown = (x: Float32Array, noised: Float32Array | undefined): void => {
    for (const i of where) x[i] = noised ? noised[i] : known[i];
  };
  /** Fresh noise on the known entries only (the unknown ones are not read). */
  const knownNoise = (): Float32Array => {
    const z = new Float32Array(known.length);
    for (const i of where) z[i] = rng.normal();
    return z;
  };
  /** ᾱ of the level step i leaves the sample at (DDPM/DDIM only; see the module comment). */
  const alphaAfter = (i: number): number => {
    if (s instanceof DDPMScheduler) {
      const p = s.previousTimestep(ts[i]);
      return p >= 0 ? s.alphasCumprod[p] : 1;
    }
    const d = s as DDIMScheduler;
    const p = d.previousTimestep(ts[i]);
    return p >= 0 ? d.alphasCumprod[p] : d.finalAlphaCumprod;
  };
  /** The known data noised to the level step i leaves the sample at (undefined: clean). */
  const knownAfter = (i: number): Float32Array | undefined => {
    if (i === N - 1) return undefined; // Algorithm 1, t = 1: no noise on the known part
    if (s instanceof DDPMScheduler || s instanceof DDIMScheduler) {
      const p = s.previousTimestep(ts[i]);
      if (p >= 0) return s.addNoise(known, knownNoise(), p);
      // DDIM past the end of its grid: ᾱ = finalAlphaCumprod (1 unless setAlphaToOne is false).
      const a = alphaAfter(i);
      const z = knownNoise();
      const sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
      return known.map((v, k) => sa * v + sb * z[k]);
    }
    // Euler (σ-space) and DPM-Solver: their addNoise takes the inference timestep; step i has
    // moved the sample to the σ of entry i + 1 (both advance a step index by one per call).
    return s.addNoise(known, knownNoise(), ts[i + 1]);
  };

  let x = initialNoise(rng, n * sampleSize, s.initNoiseSigma);
  // The first model call sees known data noised to the first level (Algorithm 1 starts from pure
  // noise; at ᾱ_T ≈ 0 the two agree, and this way every call sees a draw from q(x_t | x₀)).
  replaceKnown(x, s.addNoise(known, knownNoise(), ts[0]));
  const traj: Float32Array[] | undefined = options.trajectory ? [] : undefined;
  const x0s: Float32Array[] | undefined = options.trajectory ? [] : undefined;
  const tRow = new Float32Array(n);
  const opts = stepOptions(rng, options.eta);
  // RePaint's jump schedule (Lugmayr et al. 2022, §4.2, and their code's get_schedule_jump): with ℓ
  // steps left after step i, jump back `jumpLength` steps when ℓ ≥ 1, ℓ ≡ 1 (mod jumpLength) and
  // there is room above; each jump point is used jumps − 1 times. jumpLength 1 is Algorithm 1:
  // every step but the last is run `jumps` times.
  const used = new Int32Array(N);
  let i = 0;
  while (i < N) {
    const t = ts[i];
    tRow.fill(t);
    const out = predict(s.scaleModelInput(x, t), tRow);
    const r = scheduler.step(out, t, x, opts); // through the common interface: DPM-Solver's step takes no options
    x = r.prevSample;
    replaceKnown(x, knownAfter(i));
    traj?.push(x);
    x0s?.push(r.predOriginal);
    const left = N - 1 - i;
    if (jumps > 1 && left >= 1 && (left - 1) % jumpLength === 0 && left + jumpLength <= N && used[i] < jumps - 1) {
      used[i]++;
      const back = i - jumpLength + 1;
      // Forward transition q(x_t | x_prev) = N(√(ᾱ_t/ᾱ_prev) x_prev, (1 − ᾱ_t/ᾱ_prev) I) (Ho et al.
      // 2020, eq. 4 composed; RePaint Alg. 1, line 10) from the level after step i up to the level
      // step `back` starts from.
      const ratio = s.alphasCumprod[ts[back]] / alphaAfter(i);
      const c = Math.sqrt(ratio), sd = Math.sqrt(1 - ratio);
      const up = new Float32Array(x.length);
      for (let k = 0; k < x.length; k++) up[k] = c * x[k] + sd * rng.normal();
      x = up;
      i = back;
    } else {
      i++;
    }
  }
  return traj ? { samples: x, trajectory: traj, predOriginal: x0s } : { samples: x };
}
