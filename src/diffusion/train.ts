/**
 * Training a denoiser (Ho et al. 2020, Algorithm 1): draw a batch x₀, a timestep t ~ U{0..T−1}
 * and noise ε ~ N(0, I) per row, form x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, and regress the network's output
 * on the target of the chosen parameterisation — ε, x₀, or v = √ᾱ_t ε − √(1−ᾱ_t) x₀ (Salimans &
 * Ho 2022) — optionally weighted by min-SNR-γ (Hang et al. 2023). AdamW, gradient clipping, an EMA
 * of the weights (used for sampling; its decay warms up as diffusers' EMAModel's, n/(9 + n) at the
 * n-th step, so short runs sample from trained weights), and label dropout for classifier-free guidance (Ho & Salimans
 * 2022); a continuous context per row (conditioning vectors) rides along with its row. Batches, timesteps and noise all come from the seeded RNG.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { createRng, type RngState } from '../core/rng.js';
import { tf } from '../neural/engine/tf.js';
import { withHeapGuard } from '../neural/engine/init.js';
import { AdamW, EMA, trainStep, warmupCosine, type AdamWState } from '../neural/optim.js';
import { assignFromJSON, variablesToJSON, type ParamJSON } from '../neural/params.js';
import { alphasCumprod, alphasFromBetas, makeBetas, resolveScheduleConfig, type ScheduleConfig } from './schedules.js';
import type { PredictionType } from './schedulers/common.js';
import type { Denoiser } from './denoisers/types.js';

export interface TrainDenoiserOptions {
  /** Noise schedule of the forward process (default linear, T = 1000). */
  schedule?: ScheduleConfig;
  /** What the network predicts (default 'epsilon'). */
  prediction?: PredictionType;
  /** Optimisation steps (default 2000). */
  steps?: number;
  /** Rows per batch (default 256, at most the number of rows). */
  batchSize?: number;
  /** Peak learning rate (default 1e-3), warm-up over the first 2% of steps, cosine decay to 10%. */
  lr?: number;
  weightDecay?: number;
  /** Clip the global gradient norm (default 1). */
  clipNorm?: number;
  /** EMA decay of the weights used for sampling (default 0.995; 0 turns it off). */
  emaDecay?: number;
  /** min-SNR-γ loss weighting (off when omitted; 5 is the paper's choice). */
  minSnrGamma?: number;
  /** Class label per row (0..numClasses−1) for a conditional denoiser. */
  labels?: Int32Array;
  /** Probability of replacing a label by "no label" during training (default 0.1 when labels are given). */
  condDropout?: number;
  /** Context vector per row (rows × denoiser.contextSize, row-major) for a context-conditioned denoiser. */
  context?: Float32Array;
  /** Probability of zeroing a row's context ("no context") during training (default 0). */
  contextDropout?: number;
  /** Seed of batches, timesteps, noise and label dropout (default 0). */
  seed?: number;
  /** Called after every step. */
  onStep?: (info: { step: number; steps: number; loss: number }) => void;
  /** Hand a {@link TrainCheckpoint} to `onCheckpoint` every this many steps (and after the last). */
  checkpointEvery?: number;
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void;
  /** Continue from a checkpoint of the same denoiser, data and options: the result is the same as an uninterrupted run. */
  resume?: TrainCheckpoint;
}

/**
 * Everything needed to continue a training run exactly where it stopped (as diffusers' training
 * scripts' `--checkpointing_steps` / `--resume_from_checkpoint`): the step reached, the RNG state
 * (batches, timesteps, noise), the current and EMA weights, AdamW's moments, and the losses so far.
 */
export interface TrainCheckpoint {
  readonly kind: 'diffusion-training';
  readonly version: 1;
  readonly step: number;
  readonly steps: number;
  readonly rng: RngState;
  readonly params: readonly ParamJSON[];
  readonly ema: readonly ParamJSON[] | null;
  readonly optimizer: AdamWState;
  readonly losses: readonly number[];
}

export interface TrainDenoiserResult {
  /** Loss per step. */
  losses: Float32Array;
  seconds: number;
}

/** Trains `denoiser` in place on `data` (rows × denoiser.sampleSize, row-major); EMA weights are kept at the end. */
export function trainDenoiser(denoiser: Denoiser, data: Float32Array, options: TrainDenoiserOptions = {}): TrainDenoiserResult {
  const d = denoiser.sampleSize;
  if (data.length === 0 || data.length % d !== 0) throw new DataError(`trainDenoiser: data has ${data.length} values, not a whole number of rows of ${d}`, 'data');
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new DataError(`trainDenoiser: row ${Math.floor(i / d) + 1} has a non-finite value (${data[i]}); remove or impute it`, 'data');
  const n = data.length / d;
  const steps = options.steps ?? 2000;
  if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`trainDenoiser: steps must be a positive integer, got ${steps}`, 'steps');
  const batch = Math.min(options.batchSize ?? 256, n);
  if (!Number.isInteger(batch) || batch < 1) throw new ArgumentError(`trainDenoiser: batchSize must be a positive integer, got ${options.batchSize}`, 'batchSize');
  const prediction = options.prediction ?? 'epsilon';
  if (!['epsilon', 'sample', 'v_prediction'].includes(prediction)) throw new ArgumentError(`trainDenoiser: unknown prediction type '${prediction}'; use epsilon, sample or v_prediction`, 'prediction');
  const labels = options.labels;
  if (labels) {
    if (denoiser.numClasses === 0) throw new ArgumentError('trainDenoiser: labels were given but the denoiser is unconditional; build it with numClasses', 'labels');
    if (labels.length !== n) throw new DataError(`trainDenoiser: ${labels.length} labels for ${n} rows`, 'labels');
    for (const l of labels) if (!Number.isInteger(l) || l < 0 || l >= denoiser.numClasses) throw new DataError(`trainDenoiser: label ${l} is outside 0..${denoiser.numClasses - 1}`, 'labels');
  }
  const condDropout = options.condDropout ?? 0.1;
  const context = options.context, cs = denoiser.contextSize;
  if (context) {
    if (cs === 0) throw new ArgumentError('trainDenoiser: a context was given but the denoiser takes none; build it with contextSize', 'context');
    if (context.length !== n * cs) throw new DataError(`trainDenoiser: context has ${context.length} values, not ${n} rows of ${cs}`, 'context');
    for (let i = 0; i < context.length; i++) if (!Number.isFinite(context[i])) throw new DataError(`trainDenoiser: context row ${Math.floor(i / cs) + 1} has a non-finite value (${context[i]})`, 'context');
  } else if (cs > 0) {
    throw new ArgumentError(`trainDenoiser: the denoiser is conditioned on a context of ${cs} values per row; give options.context`, 'context');
  }
  const contextDropout = options.contextDropout ?? 0;
  if (!(contextDropout >= 0 && contextDropout < 1)) throw new ArgumentError(`trainDenoiser: contextDropout must be in [0, 1), got ${contextDropout}`, 'contextDropout');
  const gamma = options.minSnrGamma;
  if (gamma !== undefined && !(gamma > 0)) throw new ArgumentError(`trainDenoiser: minSnrGamma must be > 0, got ${gamma}`, 'minSnrGamma');

  const schedule = resolveScheduleConfig(options.schedule);
  const abar = alphasCumprod(alphasFromBetas(makeBetas(schedule)));
  const T = schedule.numTrainTimesteps;
  const every = options.checkpointEvery;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw new ArgumentError(`trainDenoiser: checkpointEvery must be a positive integer, got ${every}`, 'checkpointEvery');
  if (every !== undefined && !options.onCheckpoint) throw new ArgumentError('trainDenoiser: checkpointEvery needs onCheckpoint to receive the checkpoints', 'onCheckpoint');
  const resume = options.resume;
  if (resume !== undefined) checkResume(resume, steps);
  const rng = createRng(resume ? resume.rng : options.seed ?? 0);
  const opt = new AdamW(denoiser.params, { lr: options.lr ?? 1e-3, weightDecay: options.weightDecay ?? 0 });
  const emaDecay = options.emaDecay ?? 0.995;
  const ema = emaDecay > 0 ? new EMA(denoiser.params, emaDecay) : undefined;
  const warmup = Math.max(1, Math.round(steps * 0.02));
  const names = denoiser.params.names(), vars = denoiser.params.variables();
  let first = 0;
  const losses = new Float32Array(steps);
  if (resume) {
    if ((resume.ema === null) !== (ema === undefined)) throw new DataError(`trainDenoiser: the checkpoint was made ${resume.ema === null ? 'without' : 'with'} an EMA of the weights; resume with the same emaDecay`, 'resume');
    assignFromJSON(names, vars, resume.params, 'checkpoint weights');
    if (ema && resume.ema) ema.loadState(resume.ema, resume.step);
    opt.loadState(resume.optimizer);
    losses.set(resume.losses);
    first = resume.step;
  }
  const checkpoint = (step: number): TrainCheckpoint => ({
    kind: 'diffusion-training', version: 1, step, steps, rng: rng.state(), params: variablesToJSON(names, vars),
    ema: ema ? ema.state() : null, optimizer: opt.state(), losses: Array.from(losses.subarray(0, step)),
  });

  const xt = new Float32Array(batch * d), target = new Float32Array(batch * d);
  const tt = new Float32Array(batch), w = new Float32Array(batch);
  const lab = new Int32Array(batch);
  const ctx = new Float32Array(batch * cs);
  const start = performance.now();
  withHeapGuard('trainDenoiser', () => {
    for (let s = first; s < steps; s++) {
      for (let b = 0; b < batch; b++) {
        const row = Math.floor(rng.uniform() * n);
        const t = Math.min(T - 1, Math.floor(rng.uniform() * T));
        const a = abar[t], sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
        tt[b] = t;
        for (let j = 0; j < d; j++) {
          const x0 = data[row * d + j], eps = rng.normal();
          xt[b * d + j] = sa * x0 + sb * eps;
          target[b * d + j] = prediction === 'epsilon' ? eps : prediction === 'sample' ? x0 : sa * eps - sb * x0;
        }
        // min-SNR-γ: weight min(SNR, γ)/SNR for ε, min(SNR, γ) for x₀, min(SNR, γ)/(SNR + 1) for v.
        const snr = a / (1 - a);
        const m = gamma === undefined ? 1 : Math.min(snr, gamma);
        w[b] = gamma === undefined ? 1 : prediction === 'epsilon' ? m / snr : prediction === 'sample' ? m : m / (snr + 1);
        if (labels) lab[b] = rng.uniform() < condDropout ? denoiser.numClasses : labels[row];
        if (context) {
          const drop = contextDropout > 0 && rng.uniform() < contextDropout;
          for (let j = 0; j < cs; j++) ctx[b * cs + j] = drop ? 0 : context[row * cs + j];
        }
      }
      const { loss } = trainStep(
        denoiser.params,
        opt,
        () => {
          const pred = denoiser.forward(tf.tensor2d(xt, [batch, d]), tt, labels ? lab : undefined, context ? tf.tensor2d(ctx, [batch, cs]) : undefined);
          const perRow = tf.mean(tf.square(tf.sub(pred, tf.tensor2d(target, [batch, d]))), 1);
          return tf.mean(tf.mul(perRow, tf.tensor1d(w))) as tf.Scalar;
        },
        { clipNorm: options.clipNorm ?? 1, lrScale: warmupCosine(s, warmup, steps) },
      );
      ema?.update();
      losses[s] = loss;
      options.onStep?.({ step: s + 1, steps, loss });
      if (every !== undefined && ((s + 1) % every === 0 || s + 1 === steps)) options.onCheckpoint?.(checkpoint(s + 1));
    }
  });
  if (ema) {
    const vars = denoiser.params.variables();
    ema.values().forEach((v, i) => vars[i].assign(v));
    ema.dispose();
  }
  opt.dispose();
  return { losses, seconds: (performance.now() - start) / 1000 };
}

function checkResume(c: TrainCheckpoint, steps: number): void {
  if (c?.kind !== 'diffusion-training') throw new DataError(`resume: expected a training checkpoint (kind 'diffusion-training'), got kind '${(c as { kind?: string })?.kind}'`, 'resume');
  if (c.version !== 1) throw new DataError(`resume: checkpoint version ${c.version} is not supported (this ardiff writes version 1)`, 'resume');
  if (c.steps !== steps) throw new DataError(`resume: the checkpoint is of a run of ${c.steps} steps, this one has ${steps}; the learning-rate schedule depends on it — use the same step count`, 'resume');
  if (!Number.isInteger(c.step) || c.step < 0 || c.step > steps || !Array.isArray(c.losses) || c.losses.length !== c.step) throw new DataError('resume: the checkpoint\'s step and loss history disagree; the file is corrupt', 'resume');
}
