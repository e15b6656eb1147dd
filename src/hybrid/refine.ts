/**
 * Refining a forecast with an unconditional diffusion model of windows of the series — the
 * "refine" use of TSDiff (Kollovieh, Ansari, Bohlke-Schneider, Zschiegner, Wang & Wang 2023,
 * "Predict, Refine, Synthesize: Self-Guiding Diffusion Models for Probabilistic Time Series
 * Forecasting", NeurIPS, §4). A diffusion model learns what windows of `context + horizon`
 * consecutive values look like; any base forecaster (ARIMA, DeepAR, seasonal naive) proposes
 * sample paths; the model then pulls each path towards windows it finds likely, with the observed
 * context held fixed. Two ways:
 *
 * - `method: 'sdedit'` — SDEdit (Meng et al. 2022) with the context inpainted: the window
 *   [context, base path] is noised `strength` of the way up the forward process and denoised,
 *   the context being replaced at every reverse step by the observed context noised to the
 *   sample's level (RePaint's replacement, Lugmayr et al. 2022) and put back exactly at the end.
 *   Small strengths keep the base path's shape; strength 1 ignores it (plain inpainting).
 * - `method: 'energy'` — TSDiff's energy-based refinement (§4, eq. 9): minimise
 *     E(y) = −log p_θ([c, y]) + λ·R(y, ŷ)
 *   over the future part y (the context c fixed), where −log p_θ is approximated, as the paper's
 *   code does, by the denoising loss Σ‖ε_θ(√ᾱ_t x + √(1−ᾱ_t) ε, t) − ε‖² of the whole window at a
 *   few timesteps t (default one: the "typical" step whose training loss is nearest the mean over
 *   steps, the reference code's `get_best_diffusion_step`), with fresh ε at every iteration; R is
 *   the Gaussian regulariser Σ(y − ŷ)² to the base path ŷ, or the quantile one: base values
 *   sorted per step, path i started at and regularised by the pinball loss at level
 *   q_i = i/(P+1) towards the i-th of them (the reference code's `quantile` guidance). The
 *   gradient of the denoising loss comes from `tf.grad` through the denoiser with respect to y.
 *   Iterations are Langevin steps (the reference's `lmc`, noise scale 0.1) or, with `noise: 0`,
 *   plain gradient descent (its `most_likely`); the regulariser is applied by its proximal map
 *   (forward–backward splitting, as proximal Langevin samplers, Durmus, Moulines & Pereyra 2018),
 *   so that any λ ≥ 0 is stable and λ → ∞ returns the base paths exactly:
 *     v = y − η ∇D(y) + √(2η)·noise·ξ,   y ← argmin_u ηλ R(u, ŷ) + ½(u − v)²
 *   (Gaussian: y = (v + 2ηλ ŷ)/(1 + 2ηλ); quantile: a soft threshold around ŷ).
 *
 * Scaling follows TSDiff: every window is divided by the mean |value| of its context (gluonts'
 * MeanScaler; `scaling: 'standard'` subtracts the context mean and divides by its sd instead,
 * for series near zero or in logs), and the diffusion model standardises the scaled windows with
 * one global mean and sd. The energy lives on that standardised scale: λ weighs squared
 * deviations measured in sds of the scaled windows. The diffusion defaults are the paper's
 * schedule (T = 100, linear β from 1e-4 to 0.1, ε-prediction) with an MLP denoiser in place of
 * its S4 network.
 *
 * @example
 * await initEngine();
 * const refiner = fitRefiner(logAir.slice(0, 120), { context: 36, horizon: 12, seed: 1 });
 * const base = (await fitModel('seasonal-naive', logAir.slice(0, 120), { period: 12 })).sample(12, { paths: 100, rng: createRng(2) });
 * const sd = refiner.refine(logAir.slice(0, 120), base, { method: 'sdedit', strength: 0.3, rng: createRng(3) });
 * const en = refiner.refine(logAir.slice(0, 120), base, { method: 'energy', lambda: 1, rng: createRng(3) });
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { fmt, keyValueBlock, settingsSummary } from '../core/format.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkRng } from '../core/validate.js';
import { clipPrediction } from '../diffusion/clip.js';
import { plainPredict, type PredictFn } from '../diffusion/guidance.js';
import { DiffusionModel, fitDiffusion, type DenoiserChoice, type DiffusionModelJSON } from '../diffusion/model.js';
import { alphasCumprod, alphasFromBetas, makeBetas, type BetaSchedule } from '../diffusion/schedules.js';
import { DDIMScheduler } from '../diffusion/schedulers/ddim.js';
import { DDPMScheduler } from '../diffusion/schedulers/ddpm.js';
import { requireEngine } from '../neural/engine/init.js';
import { tf, type Tensor } from '../neural/engine/tf.js';

/** Version of the JSON layout written by {@link Refiner.toJSON}. */
export const REFINER_JSON_VERSION = 1;

/** How each window is put on a common scale by its own context (see the module comment). */
export type RefinerScaling = 'mean' | 'standard';
export const REFINER_SCALINGS: readonly RefinerScaling[] = ['mean', 'standard'];

/** The noise schedule of the refiner's diffusion model. */
export interface RefinerSchedule {
  /** Diffusion steps T (default 100, TSDiff's). */
  numTrainTimesteps?: number;
  /** β of the first step (default 1e-4). */
  betaStart?: number;
  /** β of the last step (default 0.1, TSDiff's). */
  betaEnd?: number;
  /** Beta schedule (default 'linear'). */
  betaSchedule?: BetaSchedule;
}

/** Training of the refiner's diffusion model (the model is always an ε-predictor). */
export interface RefinerDiffusionOptions {
  /** Denoiser over the L = context + horizon values of a window: 'mlp' (default, width 128, 3 blocks) or 'unet1d'. */
  denoiser?: DenoiserChoice;
  /** Noise schedule (default TSDiff's: T = 100, linear β 1e-4 … 0.1). */
  schedule?: RefinerSchedule;
  /** Optimisation steps (default 2000). */
  steps?: number;
  /** Windows per batch (default 64, at most the number of windows). */
  batchSize?: number;
  /** Peak learning rate of AdamW (default 1e-3). */
  lr?: number;
  /** AdamW weight decay (default 0). */
  weightDecay?: number;
  /** Global gradient-norm clip (default 0.5, TSDiff's `gradient_clip_val`). */
  clipNorm?: number;
  /** EMA decay of the weights used for refining (default 0.995). */
  emaDecay?: number;
}

/** The diffusion training settings with every default filled in (as saved with the model). */
export interface ResolvedRefinerDiffusion {
  readonly denoiser: DenoiserChoice;
  readonly schedule: Required<RefinerSchedule>;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly clipNorm: number;
  readonly emaDecay: number;
}

export const REFINER_DIFFUSION_DEFAULTS: ResolvedRefinerDiffusion = {
  denoiser: { kind: 'mlp', width: 128, blocks: 3 },
  schedule: { numTrainTimesteps: 100, betaStart: 1e-4, betaEnd: 0.1, betaSchedule: 'linear' },
  steps: 2000,
  batchSize: 64,
  lr: 1e-3,
  weightDecay: 0,
  clipNorm: 0.5,
  emaDecay: 0.995,
};

/** Options of {@link fitRefiner}. */
export interface RefinerOptions {
  /** Observed values before the forecast that the model sees (required; TSDiff uses several seasons). */
  context: number;
  /** Forecast horizon h: the base paths' length (required). */
  horizon: number;
  /** Per-window scaling (default 'mean', TSDiff's). */
  scaling?: RefinerScaling;
  /** Start a training window every `stride` points (default 1). */
  stride?: number;
  /** Diffusion model and training (defaults: {@link REFINER_DIFFUSION_DEFAULTS}). */
  diffusion?: RefinerDiffusionOptions;
  /** Seed of the weights, batches, training noise and the typical-timestep search (default 0). */
  seed?: number;
}

/** Reverse-process samplers SDEdit refinement can run (both memoryless, on the ᾱ grid). */
export type RefineScheduler = 'ddpm' | 'ddim';

/** SDEdit refinement with the context inpainted. */
export interface SdeditRefineOptions {
  method: 'sdedit';
  /** Fraction of the noise schedule to go back, in (0, 1] (default 0.3). */
  strength?: number;
  /** Reverse sampler (default 'ddpm'). */
  scheduler?: RefineScheduler;
  /** Inference steps over the whole schedule, of which ⌊steps·strength⌋ are run (default T for ddpm, min(50, T) for ddim). */
  steps?: number;
  /** DDIM's η (ddim only; default 0). */
  eta?: number;
  /** Random source of the noise (required). */
  rng: Rng;
}

/** The regularisers R(y, ŷ) of energy refinement. */
export type RefineRegularizer = 'gaussian' | 'quantile';

/** TSDiff's energy-based refinement. */
export interface EnergyRefineOptions {
  method: 'energy';
  /** Langevin / gradient iterations (default 20, TSDiff's). */
  iterations?: number;
  /** Step size η on the standardised scale (default 0.05). */
  stepSize?: number;
  /** Weight λ ≥ 0 of the regulariser (default 1; large keeps the base). */
  lambda?: number;
  /** 'gaussian' (default): Σ(y − ŷ)²; 'quantile': pinball loss towards the sorted base values. */
  regularizer?: RefineRegularizer;
  /** Langevin noise scale: y += √(2η)·noise·ξ each iteration (default 0.1, TSDiff's lmc; 0: gradient descent). */
  noise?: number;
  /** Diffusion timesteps of the denoising-loss energy, averaged; repeat one to average more noise draws (default: the typical step found at fit time). */
  timesteps?: readonly number[];
  /** Random source of the noise (required). */
  rng: Rng;
}

/** Options of {@link Refiner.refine}. */
export type RefineOptions = SdeditRefineOptions | EnergyRefineOptions;

/** Defaults of {@link Refiner.refine}. */
export const REFINE_DEFAULTS = {
  sdedit: { strength: 0.3, scheduler: 'ddpm' as RefineScheduler, eta: 0 },
  energy: { iterations: 20, stepSize: 0.05, lambda: 1, regularizer: 'gaussian' as RefineRegularizer, noise: 0.1 },
} as const;

/** Facts of the training run, saved with the model. */
export interface RefinerTraining {
  /** Length of the training series. */
  readonly observations: number;
  /** Training windows. */
  readonly windows: number;
  /** Mean ε-loss over the last 10% of steps. */
  readonly trainLoss: number;
  /** The typical timestep (training loss nearest the mean over steps): the energy's default level. */
  readonly typicalTimestep: number;
  readonly seconds: number;
}

/** Plain-JSON form of a {@link Refiner}. */
export interface RefinerJSON {
  readonly kind: 'refiner';
  readonly version: number;
  readonly context: number;
  readonly horizon: number;
  readonly scaling: RefinerScaling;
  readonly stride: number;
  readonly seed: number;
  readonly diffusion: ResolvedRefinerDiffusion;
  readonly training: RefinerTraining;
  readonly model: DiffusionModelJSON;
}

/** Settings of a fitted refiner. */
export interface RefinerConfig {
  readonly context: number;
  readonly horizon: number;
  readonly scaling: RefinerScaling;
  readonly stride: number;
  readonly seed: number;
  readonly diffusion: ResolvedRefinerDiffusion;
}

/** A diffusion model of windows that refines base forecasts; from {@link fitRefiner} or {@link refinerFromJSON}. */
export class Refiner {
  readonly kind = 'refiner' as const;
  constructor(
    /** The diffusion model of scaled windows (L = context + horizon columns). */
    readonly model: DiffusionModel,
    readonly config: RefinerConfig,
    readonly training: RefinerTraining,
  ) {}

  get context(): number {
    return this.config.context;
  }

  get horizon(): number {
    return this.config.horizon;
  }

  /**
   * Refined copies of `basePaths` (each of `horizon` values, the forecast right after `history`):
   * one refined path per base path, on the data's scale. `history` must hold at least `context`
   * values; only its last `context` are read, and they are the known part of every window.
   * With the Gaussian regulariser (and with SDEdit) path i refines base path i. With the quantile
   * regulariser, as in TSDiff, the base values are sorted per step first and path i starts from,
   * and is held towards, the i-th smallest of them (level i/(P+1)): the refined paths keep the
   * base's marginal spread but not its paths.
   */
  refine(history: ArrayLike<number>, basePaths: readonly ArrayLike<number>[], options: RefineOptions): Float64Array[] {
    requireEngine('Refiner.refine');
    if (!options || typeof options !== 'object') throw new ArgumentError("refine needs options with a method ('sdedit' or 'energy') and an rng", 'options');
    const { context: c, horizon: h } = this.config;
    const ctx = contextOf(history, c);
    const P = checkBasePaths(basePaths, h);
    const { loc, scale } = windowScale(ctx, 0, c, this.config.scaling);
    const mu = this.model.mean[0], sd = this.model.std[0];
    const toZ = (v: number) => ((v - loc) / scale - mu) / sd;
    const fromZ = (z: number) => (z * sd + mu) * scale + loc;
    const ctxZ = Float64Array.from(ctx, toZ);
    if (options.method === 'sdedit') {
      checkRng(options.rng);
      const baseZ = basePaths.map((p) => Float64Array.from(p, toZ));
      const out = this.sdedit(ctxZ, baseZ, options);
      const L = c + h;
      return Array.from({ length: P }, (_, p) => Float64Array.from(out.subarray(p * L + c, (p + 1) * L), fromZ));
    }
    if (options.method === 'energy') {
      checkRng(options.rng);
      const out = this.energy(ctxZ, basePaths.map((p) => Float64Array.from(p, toZ)), options);
      return out.map((z) => Float64Array.from(z, fromZ));
    }
    throw new ArgumentError(`unknown refinement method '${String((options as { method?: unknown }).method)}'; use 'sdedit' or 'energy'`, 'method');
  }

  /**
   * Whole refined windows: each is the last `context` values of `history`, exactly, followed by
   * the refined path ({@link refine}'s result) — the known part is never changed.
   */
  refineWindows(history: ArrayLike<number>, basePaths: readonly ArrayLike<number>[], options: RefineOptions): Float64Array[] {
    const c = this.config.context;
    const refined = this.refine(history, basePaths, options);
    const ctx = contextOf(history, c);
    return refined.map((f) => {
      const w = new Float64Array(c + f.length);
      w.set(ctx);
      w.set(f, c);
      return w;
    });
  }

  /** SDEdit from the base windows with the context inpainted; n × L rows on the model's scale. */
  private sdedit(ctxZ: Float64Array, baseZ: Float64Array[], o: SdeditRefineOptions): Float32Array {
    const c = this.config.context, L = c + this.config.horizon, P = baseZ.length;
    const T = this.model.schedule.numTrainTimesteps;
    const d = REFINE_DEFAULTS.sdedit;
    const strength = o.strength ?? d.strength;
    if (typeof strength !== 'number' || !(strength > 0 && strength <= 1)) throw new ArgumentError(`strength must be a number in (0, 1] (the fraction of the noise schedule to go back); got ${String(strength)}`, 'strength');
    const name = o.scheduler ?? d.scheduler;
    if (name !== 'ddpm' && name !== 'ddim') throw new ArgumentError(`scheduler must be 'ddpm' or 'ddim' for SDEdit refinement (the context is re-noised on their ᾱ grid); got '${String(name)}'`, 'scheduler');
    const steps = o.steps ?? (name === 'ddpm' ? T : Math.min(50, T));
    if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new ArgumentError(`steps must be an integer in [1, ${T}] (the model's diffusion steps); got ${String(steps)}`, 'steps');
    if (o.eta !== undefined && name !== 'ddim') throw new ArgumentError(`eta applies to the ddim scheduler only, not '${name}'`, 'eta');
    const eta = o.eta ?? d.eta;
    if (typeof eta !== 'number' || !(eta >= 0 && eta <= 1)) throw new ArgumentError(`eta must be a number in [0, 1]; got ${String(eta)}`, 'eta');
    const rng = o.rng;
    const s = this.model.scheduler(name) as DDPMScheduler | DDIMScheduler;
    s.setTimesteps(steps);
    const ts = Array.from(s.timesteps);
    const N = ts.length;
    const init = Math.min(Math.trunc(N * strength), N);
    if (init < 1) throw new ArgumentError(`strength ${strength} × ${N} steps leaves no step to run; use strength ≥ 1/${N} = ${(1 / N).toPrecision(3)} or more steps`, 'strength');
    const start = N - init;
    const input = new Float32Array(P * L);
    for (let p = 0; p < P; p++) {
      input.set(ctxZ, p * L);
      input.set(baseZ[p], p * L + c);
    }
    const noise = new Float32Array(P * L);
    for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
    let x = init === N ? Float32Array.from(noise) : s.addNoise(input, noise, ts[start]);
    /** ᾱ of the level step i leaves the sample at (1: clean). */
    const alphaAfter = (t: number): number => {
      const prev = s.previousTimestep(t);
      if (prev >= 0) return s.alphasCumprod[prev];
      return s instanceof DDIMScheduler ? s.finalAlphaCumprod : 1;
    };
    // The context seen at the first step is the observed one noised to that step's level.
    const putContext = (a: number) => {
      const sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
      for (let p = 0; p < P; p++) for (let j = 0; j < c; j++) x[p * L + j] = a === 1 ? ctxZ[j] : sa * ctxZ[j] + sb * rng.normal();
    };
    putContext(s.alphasCumprod[ts[start]]);
    const predict = this.predictFn();
    const tRow = new Float32Array(P);
    const stepOpts = name === 'ddim' ? { rng, eta } : { rng };
    for (let i = start; i < N; i++) {
      const t = ts[i];
      tRow.fill(t);
      const out = predict(x, tRow);
      x = s.step(out, t, x, stepOpts).prevSample;
      putContext(i === N - 1 ? 1 : alphaAfter(t));
    }
    return x;
  }

  /** The denoiser's ε-prediction, clipped to the model's range when it has one. */
  private predictFn(): PredictFn {
    const plain = plainPredict(this.model.denoiser);
    const range = this.model.clipRange;
    return range === undefined ? plain : clipPrediction(plain, this.alphasCumprod(), this.model.prediction, range);
  }

  private alphasCumprod(): Float32Array {
    return alphasCumprod(alphasFromBetas(makeBetas(this.model.schedule)));
  }

  /** TSDiff's energy refinement on the model's scale; returns P paths of h values. */
  private energy(ctxZ: Float64Array, baseZ: Float64Array[], o: EnergyRefineOptions): Float64Array[] {
    const d = REFINE_DEFAULTS.energy;
    const T = this.model.schedule.numTrainTimesteps;
    const iterations = o.iterations ?? d.iterations;
    if (!Number.isInteger(iterations) || iterations < 0) throw new ArgumentError(`iterations must be an integer ≥ 0; got ${String(iterations)}`, 'iterations');
    const eta = o.stepSize ?? d.stepSize;
    if (typeof eta !== 'number' || !(eta > 0) || !Number.isFinite(eta)) throw new ArgumentError(`stepSize must be a finite number > 0; got ${String(eta)}`, 'stepSize');
    const lambda = o.lambda ?? d.lambda;
    if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw new ArgumentError(`lambda must be a finite number ≥ 0 (0: no regulariser; large: keep the base); got ${String(lambda)}`, 'lambda');
    const reg = o.regularizer ?? d.regularizer;
    if (reg !== 'gaussian' && reg !== 'quantile') throw new ArgumentError(`regularizer must be 'gaussian' or 'quantile'; got '${String(reg)}'`, 'regularizer');
    const noise = o.noise ?? d.noise;
    if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise)) throw new ArgumentError(`noise must be a finite number ≥ 0 (0: gradient descent); got ${String(noise)}`, 'noise');
    const levels = o.timesteps ?? [this.training.typicalTimestep];
    if (!Array.isArray(levels) || levels.length === 0) throw new ArgumentError('timesteps must be a non-empty array of diffusion timesteps', 'timesteps');
    for (const t of levels) if (!Number.isInteger(t) || t < 0 || t >= T) throw new ArgumentError(`timesteps must be integers in [0, ${T - 1}]; got ${String(t)}`, 'timesteps');
    const rng = o.rng;
    const c = this.config.context, h = this.config.horizon, L = c + h, P = baseZ.length, K = levels.length;

    // The quantile regulariser pairs path i with the i-th smallest base value of every step.
    const base = baseZ.map((b) => Float64Array.from(b));
    const q = new Float64Array(P);
    if (reg === 'quantile') {
      const col = new Float64Array(P);
      for (let j = 0; j < h; j++) {
        for (let p = 0; p < P; p++) col[p] = base[p][j];
        col.sort();
        for (let p = 0; p < P; p++) base[p][j] = col[p];
      }
      for (let p = 0; p < P; p++) q[p] = (p + 1) / (P + 1);
    }
    const z = base.map((b) => Float64Array.from(b));
    if (iterations === 0) return z;

    const abar = this.alphasCumprod();
    const tRow = new Float32Array(K * P), sa = new Float32Array(K * P), sb = new Float32Array(K * P);
    levels.forEach((t, k) => {
      tRow.fill(t, k * P, (k + 1) * P);
      sa.fill(Math.sqrt(abar[t]), k * P, (k + 1) * P);
      sb.fill(Math.sqrt(1 - abar[t]), k * P, (k + 1) * P);
    });
    const ctxRows = new Float32Array(K * P * c);
    for (let r = 0; r < K * P; r++) for (let j = 0; j < c; j++) ctxRows[r * c + j] = ctxZ[j];
    const denoiser = this.model.denoiser;
    const a = eta * lambda;
    const sqrt2eta = Math.sqrt(2 * eta);
    const y32 = new Float32Array(P * h);
    const eps = new Float32Array(K * P * L);
    for (let it = 0; it < iterations; it++) {
      for (let p = 0; p < P; p++) for (let j = 0; j < h; j++) y32[p * h + j] = z[p][j];
      for (let i = 0; i < eps.length; i++) eps[i] = rng.normal();
      // ∇_y of the denoising loss (1/K) Σ_k Σ ‖ε_θ(√ᾱ_k [c, y] + √(1−ᾱ_k) ε_k, t_k) − ε_k‖².
      const g = tf.tidy(() => {
        const ctxT = tf.tensor2d(ctxRows, [K * P, c]);
        const epsT = tf.tensor2d(eps, [K * P, L]);
        const saT = tf.tensor2d(sa, [K * P, 1]), sbT = tf.tensor2d(sb, [K * P, 1]);
        const loss = (y: Tensor): Tensor => {
          const yk = K === 1 ? y : tf.concat(Array.from({ length: K }, () => y), 0);
          const xt = tf.add(tf.mul(tf.concat([ctxT, yk], 1), saT), tf.mul(epsT, sbT));
          return tf.div(tf.sum(tf.square(tf.sub(denoiser.forward(xt, tRow), epsT))), K);
        };
        return tf.grad(loss)(tf.tensor2d(y32, [P, h]));
      });
      const grad = g.dataSync() as Float32Array;
      for (let p = 0; p < P; p++) {
        const zp = z[p], bp = base[p];
        for (let j = 0; j < h; j++) {
          let v = zp[j] - eta * grad[p * h + j];
          if (noise > 0) v += sqrt2eta * noise * rng.normal();
          zp[j] = reg === 'gaussian' ? proxGaussian(v, bp[j], a) : proxPinball(v, bp[j], a, q[p]);
        }
      }
      g.dispose();
    }
    return z;
  }

  /** Frees the diffusion model's tensors. */
  dispose(): void {
    this.model.dispose();
  }

  toJSON(): RefinerJSON {
    const c = this.config;
    return {
      kind: 'refiner', version: REFINER_JSON_VERSION, context: c.context, horizon: c.horizon, scaling: c.scaling, stride: c.stride, seed: c.seed,
      diffusion: JSON.parse(JSON.stringify(c.diffusion)) as ResolvedRefinerDiffusion, training: { ...this.training }, model: this.model.toJSON(),
    };
  }

  /** Plain-text summary of the model and its training. */
  summary(): string {
    const c = this.config, tr = this.training, dd = c.diffusion, s = dd.schedule;
    const den = dd.denoiser;
    const denText = den.kind === 'unet1d' ? `U-Net 1-D (${JSON.stringify({ ...den, kind: undefined })})` : `MLP, width ${(den as { width?: number }).width ?? 128}, ${(den as { blocks?: number }).blocks ?? 3} residual blocks`;
    const head = keyValueBlock(
      [['Model:', 'Diffusion refiner (TSDiff)'], ['Observations:', String(tr.observations)], ['Context length:', String(c.context)], ['Horizon:', String(c.horizon)], ['Windows:', String(tr.windows)]],
      [['Train steps:', String(dd.steps)], ['Train loss:', fmt(tr.trainLoss)], ['Typical step:', `${tr.typicalTimestep} of ${s.numTrainTimesteps}`], ['Seed:', String(c.seed)], ['Seconds:', tr.seconds.toFixed(1)]],
    );
    const rows: [string, string][] = [
      ['scaling', c.scaling === 'mean' ? 'each window / mean |x| of its context (TSDiff), then one global mean and sd' : 'each window (x - mean)/sd of its context, then one global mean and sd'],
      ['diffusion', `T = ${s.numTrainTimesteps}, ${s.betaSchedule} beta ${s.betaStart}..${s.betaEnd}, epsilon-loss`],
      ['denoiser', denText],
      ['training', `AdamW lr ${dd.lr}, batch ${dd.batchSize}, clip ${dd.clipNorm}, EMA ${dd.emaDecay}, windows every ${c.stride}`],
      ['sdedit', `strength ${REFINE_DEFAULTS.sdedit.strength}, ${REFINE_DEFAULTS.sdedit.scheduler}, context inpainted (defaults)`],
      ['energy', `${REFINE_DEFAULTS.energy.iterations} iterations, step ${REFINE_DEFAULTS.energy.stepSize}, lambda ${REFINE_DEFAULTS.energy.lambda}, ${REFINE_DEFAULTS.energy.regularizer}, noise ${REFINE_DEFAULTS.energy.noise} (defaults)`],
    ];
    if (tr.windows < 50) rows.push(['note', `only ${tr.windows} training windows: the model of windows is weak and refinement may make good forecasts worse`]);
    return settingsSummary('Diffusion refiner of forecasts', head, rows);
  }
}

/** Proximal map of a·(z − b)²: the minimiser of a(z − b)² + (z − v)²/2. */
function proxGaussian(v: number, b: number, a: number): number {
  return (v + 2 * a * b) / (1 + 2 * a);
}

/** Proximal map of a·ρ_q(b − z) (pinball loss of level q): a soft threshold around b. */
function proxPinball(v: number, b: number, a: number, q: number): number {
  if (v < b - a * q) return v + a * q;
  if (v > b + a * (1 - q)) return v - a * (1 - q);
  return b;
}

/** The last `c` values of `history`, checked. */
function contextOf(history: ArrayLike<number>, c: number): Float64Array {
  if (!history || typeof history.length !== 'number') throw new ArgumentError('history must be an array of numbers (the series up to the forecast origin)', 'history');
  if (history.length < c) throw new DataError(`history has ${history.length} values; the refiner reads the last context = ${c}: give a longer history`, 'history');
  const ctx = Float64Array.from({ length: c }, (_, j) => history[history.length - c + j]);
  for (let j = 0; j < c; j++) {
    if (!Number.isFinite(ctx[j])) throw new DataError(`history has a missing or non-finite value (${ctx[j]}) at position ${history.length - c + j + 1}, inside the context the refiner reads; fill it first`, 'history');
  }
  return ctx;
}

/** The number of base paths, each checked to hold `h` finite numbers. */
function checkBasePaths(paths: readonly ArrayLike<number>[], h: number): number {
  if (!Array.isArray(paths) || paths.length === 0) throw new ArgumentError('basePaths must be a non-empty array of sample paths (e.g. fit.sample(horizon, { paths, rng }))', 'basePaths');
  paths.forEach((p, i) => {
    if (!p || typeof p.length !== 'number') throw new ArgumentError(`basePaths[${i}] is not an array of numbers`, 'basePaths');
    if (p.length !== h) throw new ArgumentError(`basePaths[${i}] has ${p.length} values; every path must have horizon = ${h} (sample the base model with that horizon)`, 'basePaths');
    for (let j = 0; j < h; j++) if (!Number.isFinite(p[j])) throw new DataError(`basePaths[${i}] has a non-finite value (${p[j]}) at step ${j + 1}`, 'basePaths');
  });
  return paths.length;
}

/** Location and scale of a window from its context x[from..to). */
function windowScale(x: ArrayLike<number>, from: number, to: number, scaling: RefinerScaling): { loc: number; scale: number } {
  const n = to - from;
  if (scaling === 'mean') {
    let m = 0;
    for (let i = from; i < to; i++) m += Math.abs(x[i]) / n;
    // gluonts' MeanScaler floors the scale; an all-zero context leaves the window unscaled.
    return { loc: 0, scale: m > 1e-10 ? m : 1 };
  }
  let m = 0;
  for (let i = from; i < to; i++) m += x[i] / n;
  let v = 0;
  for (let i = from; i < to; i++) v += (x[i] - m) ** 2 / Math.max(1, n - 1);
  const sd = Math.sqrt(v);
  return { loc: m, scale: sd > 1e-10 * Math.max(1, Math.abs(m)) ? sd : 1 };
}

function checkInt(v: unknown, min: number, argument: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${argument} must be an integer ≥ ${min} (${what}); got ${String(v)}`, argument);
  return v;
}

function resolveDiffusion(o: RefinerDiffusionOptions = {}): ResolvedRefinerDiffusion {
  if (typeof o !== 'object' || o === null) throw new ArgumentError('diffusion must be an object of training options', 'diffusion');
  const D = REFINER_DIFFUSION_DEFAULTS;
  const denoiser = o.denoiser ?? D.denoiser;
  const kind = denoiser.kind ?? 'mlp';
  if (kind !== 'mlp' && kind !== 'unet1d') throw new ArgumentError(`diffusion.denoiser.kind must be 'mlp' or 'unet1d' (windows are 1-D); got '${String(kind)}'`, 'diffusion.denoiser');
  const r: ResolvedRefinerDiffusion = {
    denoiser: { ...denoiser, kind } as DenoiserChoice,
    schedule: { ...D.schedule, ...(o.schedule ?? {}) },
    steps: o.steps ?? D.steps,
    batchSize: o.batchSize ?? D.batchSize,
    lr: o.lr ?? D.lr,
    weightDecay: o.weightDecay ?? D.weightDecay,
    clipNorm: o.clipNorm ?? D.clipNorm,
    emaDecay: o.emaDecay ?? D.emaDecay,
  };
  checkInt(r.steps, 1, 'diffusion.steps', 'optimisation steps');
  checkInt(r.batchSize, 1, 'diffusion.batchSize', 'windows per batch');
  checkInt(r.schedule.numTrainTimesteps, 2, 'diffusion.schedule.numTrainTimesteps', 'diffusion steps T');
  for (const k of ['lr', 'clipNorm'] as const) if (typeof r[k] !== 'number' || !(r[k] > 0) || !Number.isFinite(r[k])) throw new ArgumentError(`diffusion.${k} must be a finite number > 0; got ${String(r[k])}`, `diffusion.${k}`);
  if (typeof r.weightDecay !== 'number' || !(r.weightDecay >= 0)) throw new ArgumentError(`diffusion.weightDecay must be a number ≥ 0; got ${String(r.weightDecay)}`, 'diffusion.weightDecay');
  if (typeof r.emaDecay !== 'number' || !(r.emaDecay >= 0 && r.emaDecay < 1)) throw new ArgumentError(`diffusion.emaDecay must be a number in [0, 1); got ${String(r.emaDecay)}`, 'diffusion.emaDecay');
  return r;
}

/**
 * Trains a {@link Refiner} on the windows of `y`: every run of context + horizon consecutive values
 * (one every `stride`), scaled by its own context, is a training row of an unconditional diffusion
 * model. Needs the tensor engine (`await initEngine()`). For a backtest fit it on the data before
 * the first forecast origin.
 */
export function fitRefiner(y: ArrayLike<number>, options: RefinerOptions): Refiner {
  requireEngine('fitRefiner');
  if (!options || typeof options !== 'object') throw new ArgumentError('fitRefiner needs options with the context and horizon lengths', 'options');
  const c = checkInt(options.context, 1, 'context', 'observed values in a window');
  const h = checkInt(options.horizon, 1, 'horizon', 'the base paths\' length');
  const scaling = options.scaling ?? 'mean';
  if (!REFINER_SCALINGS.includes(scaling)) throw new ArgumentError(`scaling must be 'mean' or 'standard'; got '${String(scaling)}'`, 'scaling');
  if (scaling === 'standard' && c < 2) throw new ArgumentError('scaling \'standard\' needs a context of at least 2 values (its sd)', 'context');
  const stride = checkInt(options.stride ?? 1, 1, 'stride', 'points between training windows');
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be an integer ≥ 0; got ${String(seed)}`, 'seed');
  const diffusion = resolveDiffusion(options.diffusion);
  if (!y || typeof y.length !== 'number') throw new DataError('y must be an array of numbers', 'y');
  const L = c + h;
  const n = Math.floor((y.length - L) / stride) + 1;
  if (y.length < L || n < 2) throw new DataError(`y has ${y.length} values; training windows of context + horizon = ${L} need at least ${L + stride} (two windows; many more make a better model): shorten the context or give a longer series`, 'y');
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new DataError(`y has a missing or non-finite value (${y[i]}) at position ${i + 1}; fill or drop it before training`, 'y');
  const rows = new Float64Array(n * L);
  for (let w = 0; w < n; w++) {
    const o = w * stride;
    const { loc, scale } = windowScale(y, o, o + c, scaling);
    for (let j = 0; j < L; j++) rows[w * L + j] = (y[o + j] - loc) / scale;
  }
  const started = performance.now();
  const model = fitDiffusion(rows, L, {
    scaling: 'global', clipSample: false, prediction: 'epsilon', denoiser: diffusion.denoiser, schedule: diffusion.schedule,
    steps: diffusion.steps, batchSize: diffusion.batchSize, lr: diffusion.lr, weightDecay: diffusion.weightDecay, clipNorm: diffusion.clipNorm, emaDecay: diffusion.emaDecay, seed,
  });
  const typicalTimestep = typicalStep(model, rows, seed);
  const training: RefinerTraining = { observations: y.length, windows: n, trainLoss: model.trainLoss, typicalTimestep, seconds: (performance.now() - started) / 1000 };
  return new Refiner(model, { context: c, horizon: h, scaling, stride, seed, diffusion }, training);
}

/**
 * The diffusion step whose ε-loss on (up to 256 of) the training windows is nearest the mean loss
 * over all steps — the reference code's `get_best_diffusion_step`, the level of the energy.
 */
function typicalStep(model: DiffusionModel, rows: Float64Array, seed: number): number {
  const L = model.columns.length, n = rows.length / L;
  const B = Math.min(n, 256);
  const z = model.scale(rows);
  const pick = new Float32Array(B * L);
  for (let b = 0; b < B; b++) pick.set(z.subarray(Math.floor((b * n) / B) * L, (Math.floor((b * n) / B) + 1) * L), b * L);
  const abar = alphasCumprod(alphasFromBetas(makeBetas(model.schedule)));
  const T = abar.length;
  const rng = createRng(seed + 7919);
  const losses = new Float64Array(T);
  const xt = new Float32Array(B * L), eps = new Float32Array(B * L), tRow = new Float32Array(B);
  for (let t = 0; t < T; t++) {
    const sa = Math.sqrt(abar[t]), sb = Math.sqrt(1 - abar[t]);
    for (let i = 0; i < xt.length; i++) {
      eps[i] = rng.normal();
      xt[i] = sa * pick[i] + sb * eps[i];
    }
    tRow.fill(t);
    const out = model.denoiser.predict(xt, tRow);
    let s = 0;
    for (let i = 0; i < out.length; i++) s += (out[i] - eps[i]) ** 2;
    losses[t] = s / out.length;
  }
  const mean = losses.reduce((a, b) => a + b, 0) / T;
  let best = 0;
  for (let t = 1; t < T; t++) if (Math.abs(losses[t] - mean) < Math.abs(losses[best] - mean)) best = t;
  return best;
}

/** Restores a refiner from {@link Refiner.toJSON}: the same refinements for the same seeds. */
export function refinerFromJSON(json: RefinerJSON): Refiner {
  requireEngine('refinerFromJSON');
  if (json?.kind !== 'refiner') throw new DataError(`refiner file: expected kind 'refiner', got '${String((json as { kind?: unknown })?.kind)}'`, 'json');
  if (json.version !== REFINER_JSON_VERSION) throw new DataError(`refiner file: version ${String(json.version)} is not supported (this ardiff reads version ${REFINER_JSON_VERSION}); refit the refiner`, 'json');
  const { context: c, horizon: h } = json;
  if (!Number.isInteger(c) || c < 1 || !Number.isInteger(h) || h < 1) throw new DataError('refiner file: context and horizon must be positive integers; the file is corrupt', 'json');
  if (!REFINER_SCALINGS.includes(json.scaling)) throw new DataError(`refiner file: unknown scaling '${String(json.scaling)}'; the file is corrupt`, 'json');
  const model = DiffusionModel.fromJSON(json.model);
  if (model.columns.length !== c + h) throw new DataError(`refiner file: the diffusion model has ${model.columns.length} columns, context + horizon is ${c + h}; the file is corrupt`, 'json');
  if (model.prediction !== 'epsilon') throw new DataError(`refiner file: the diffusion model predicts '${model.prediction}', the refiner needs 'epsilon'; the file is corrupt`, 'json');
  const T = model.schedule.numTrainTimesteps, t = json.training?.typicalTimestep;
  if (!Number.isInteger(t) || t < 0 || t >= T) throw new DataError(`refiner file: typicalTimestep ${String(t)} is outside 0..${T - 1}; the file is corrupt`, 'json');
  return new Refiner(model, { context: c, horizon: h, scaling: json.scaling, stride: json.stride, seed: json.seed, diffusion: json.diffusion }, { ...json.training });
}
