/**
 * An autoregressive video model: a convolutional GRU that predicts the next frame from the frames so
 * far (ConvLSTM of Shi et al. 2015 with the GRU cell of Cho et al. 2014 — the ConvGRU of Ballas et
 * al. 2016), trained with teacher forcing and rolled out frame by frame on its own predictions.
 *
 * 1. Encoder: frame x_t [S, S, 1] → e₁ = SiLU(conv₃ₓ₃(x_t)) [S, S, C/2] → e₂ = SiLU(conv₃ₓ₃,stride 2(e₁)) [S/2, S/2, C].
 * 2. Cell (Ballas et al. eq. 3, convolutions in place of products):
 *    z, r = σ(conv([e₂, h])), ĥ = tanh(conv([e₂, r ⊙ h])), h ← (1 − z) ⊙ h + z ⊙ ĥ; h₀ = 0.
 * 3. Decoder: nearest ×2 upsampling of h, SiLU(conv₃ₓ₃) to C/2 channels, concatenated with e₁ (the
 *    current frame's features, as a U-Net skip: the digits' appearance is copied, the state moves
 *    it), conv₃ₓ₃ → one logit per pixel; the predicted frame is σ(logit).
 * 4. Training: every frame of a window is fed in turn (teacher forcing) and each next frame is the
 *    target of a per-pixel binary cross-entropy (Srivastava et al. 2015's loss on moving digits),
 *    backpropagated through the whole window; AdamW, warm-up and cosine decay, clipping at norm 1.
 *    With `teacherFrames` c below the window, only the first c frames are given and each later input
 *    is the model's own previous prediction, gradients flowing through it — trained as it is used
 *    (free-running training; teacher forcing alone leaves the rollout on inputs it never saw).
 * 5. Prediction: the k context frames are fed, then each predicted frame (its probabilities) is fed
 *    back in as the next input; a `refine` hook may replace each prediction before it is fed back
 *    (the hybrid video model refines it by diffusion).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { checkBudget, checkPositiveInt } from '../core/validate.js';
import { createRng } from '../core/rng.js';
import { requireEngine, withHeapGuard } from './engine/init.js';
import { tf, type Tensor } from './engine/tf.js';
import { addConv, conv, upsampleNearest } from './layers.js';
import { silu } from './ops/activations.js';
import { AdamW, trainStep, warmupCosine } from './optim.js';
import { ParamStore, type ParamJSON } from './params.js';

export const CONV_GRU_VERSION = 1;

export interface ConvGRUOptions {
  /** Channels of the recurrent state (default 32; even). */
  hidden?: number;
  /** Frames per training window (default 10, or the whole sequence when shorter). */
  window?: number;
  /**
   * Frames of each window fed from the data (default: all — teacher forcing); the later inputs are
   * the model's own predictions. 1 ≤ teacherFrames ≤ window.
   */
  teacherFrames?: number;
  /** Training steps (default 1500), windows per step (default 8), peak learning rate (default 2e-3). */
  steps?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** Seed of the weights and the batches (default 0). */
  seed?: number;
  onStep?: (info: { step: number; steps: number; loss: number }) => void;
}

export interface ConvGRUTraining {
  steps: number;
  seconds: number;
  seed: number;
  /** Frames per training window, and how many of them were fed from the data. */
  window: number;
  teacherFrames: number;
  /** Per-step loss (binary cross-entropy per pixel, nats). */
  losses: number[];
}

export interface ConvGRUJSON {
  kind: 'conv-gru-video';
  version: number;
  size: number;
  hidden: number;
  params: ParamJSON[];
  training?: Omit<ConvGRUTraining, 'losses'> | null;
}

/** Parameter name → shape of a predictor of size² frames with `hidden` state channels. */
function paramShapes(hidden: number): [string, number, number][] {
  const half = hidden / 2;
  return [['enc1', 1, half], ['enc2', half, hidden], ['gates', 2 * hidden, 2 * hidden], ['cand', 2 * hidden, hidden], ['dec1', hidden, half], ['out', hidden, 1]];
}

function checkConfig(size: number, hidden: number, where: string): void {
  checkPositiveInt(size, 'size');
  checkPositiveInt(hidden, 'hidden');
  if (size % 2 !== 0 || size < 4) throw new ArgumentError(`${where}: frames of ${size}×${size} cannot be halved by the encoder; use an even size ≥ 4`, 'size');
  if (hidden % 2 !== 0) throw new ArgumentError(`${where}: hidden must be even (the encoder's first layer has hidden/2 channels), got ${hidden}`, 'hidden');
}

export class ConvGRUPredictor {
  readonly kind = 'conv-gru-video';
  training: ConvGRUTraining | undefined;

  /** Use {@link trainConvGRU} or {@link convGRUFromJSON}. */
  constructor(readonly size: number, readonly hidden: number, readonly params: ParamStore) {
    checkConfig(size, hidden, 'ConvGRUPredictor');
  }

  /** One step: frame x [B, S, S, 1] and state h [B, S/2, S/2, C] → next-frame logits and the new state. */
  step(x: Tensor, h: Tensor): { logits: Tensor; h: Tensor } {
    const p = this.params;
    const e1 = silu(conv(p, 'enc1', x));
    const e2 = silu(conv(p, 'enc2', e1, { stride: 2 }));
    const [z, r] = tf.split(tf.sigmoid(conv(p, 'gates', tf.concat([e2, h], 3))), 2, 3);
    const cand = tf.tanh(conv(p, 'cand', tf.concat([e2, tf.mul(r, h)], 3)));
    const next = tf.add(tf.mul(tf.sub(1, z), h), tf.mul(z, cand));
    const d1 = silu(conv(p, 'dec1', upsampleNearest(next, 2, 2)));
    return { logits: conv(p, 'out', tf.concat([d1, e1], 3)), h: next };
  }

  private zeroState(b: number): Tensor {
    return tf.zeros([b, this.size / 2, this.size / 2, this.hidden]);
  }

  /**
   * Mean binary cross-entropy per pixel of frames [B, T, S·S] (values in [0, 1]): frame t + 1's
   * pixels predicted from the inputs 1…t, for t = 1…T − 1, where the first `teacher` inputs are the
   * frames themselves and later ones the model's own previous predictions σ(logits) (default: all
   * frames — teacher forcing).
   */
  loss(frames: Float32Array, b: number, t: number, teacher = t): tf.Scalar {
    const S = this.size, px = S * S;
    const all = tf.tensor4d(frames, [b, t, px, 1]);
    let h = this.zeroState(b);
    let total: Tensor = tf.scalar(0);
    let prev: Tensor | undefined;
    for (let i = 0; i + 1 < t; i++) {
      const x = i >= teacher && prev ? tf.sigmoid(prev) : tf.reshape(tf.slice(all, [0, i, 0, 0], [b, 1, px, 1]), [b, S, S, 1]);
      const y = tf.reshape(tf.slice(all, [0, i + 1, 0, 0], [b, 1, px, 1]), [b, S, S, 1]);
      const out = this.step(x, h);
      h = out.h;
      // max(l, 0) − l·y + log(1 + e^{−|l|}): the stable binary cross-entropy with logits.
      const l = out.logits;
      prev = l;
      const bce = tf.add(tf.sub(tf.relu(l), tf.mul(l, y)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));
      total = tf.add(total, tf.mean(bce));
    }
    return tf.div(total, t - 1) as tf.Scalar;
  }

  /**
   * Feeds the `k` context frames of each of n sequences (context: n × k × S², values in [0, 1]) and
   * rolls out `horizon` frames, feeding each prediction back (after `refine`, when given: it gets the
   * n predicted frames and the future step 1…horizon, and returns the frames to keep and feed).
   * Returns n × horizon × S².
   */
  predict(context: ArrayLike<number>, k: number, horizon: number, refine?: (frames: Float32Array, step: number) => Float32Array): Float32Array {
    requireEngine('ConvGRUPredictor.predict');
    const S = this.size, px = S * S;
    checkPositiveInt(k, 'k');
    checkPositiveInt(horizon, 'horizon');
    if (!context || context.length === 0 || context.length % (k * px) !== 0) throw new DataError(`context has ${context?.length} values, not whole sequences of ${k} frames of ${S}×${S}`, 'context');
    const n = context.length / (k * px);
    checkBudget(n * horizon, px * 8, 'horizon', `predicted ${S}×${S} frames`);
    for (let i = 0; i < context.length; i++) if (!Number.isFinite(context[i])) throw new DataError(`context frame value ${i} is not finite (${context[i]})`, 'context');
    const out = new Float32Array(n * horizon * px);
    let h = this.zeroState(n);
    let next: Float32Array | undefined;
    try {
      for (let i = 0; i < k + horizon - 1; i++) {
        let frame: Float32Array;
        if (i < k) {
          frame = new Float32Array(n * px);
          for (let s = 0; s < n; s++) for (let j = 0; j < px; j++) frame[s * px + j] = context[(s * k + i) * px + j];
        } else {
          frame = next!;
        }
        let pred: Float32Array;
        ({ pred, h } = this.advance(frame, n, h));
        if (i >= k - 1) {
          const f = i - k + 1;
          if (refine) {
            pred = refine(pred, f + 1);
            if (pred.length !== n * px) throw new DataError(`refine returned ${pred.length} values for ${n} frames of ${px}`, 'refine');
          }
          for (let s = 0; s < n; s++) out.set(pred.subarray(s * px, (s + 1) * px), (s * horizon + f) * px);
        }
        next = pred;
      }
    } finally {
      h.dispose();
    }
    return out;
  }

  /**
   * The one-step predictions of whole sequences (count × length × S², values in [0, 1]): element t
   * of a sequence is σ(logits) of frame t given the true frames before it (teacher forcing; t = 0,
   * with nothing before it, is 0). What a model conditioned on the AR prediction is trained with.
   */
  oneStepPredictions(frames: ArrayLike<number>, length: number, batchSize = 64): Float32Array {
    requireEngine('ConvGRUPredictor.oneStepPredictions');
    const S = this.size, px = S * S;
    checkPositiveInt(length, 'length');
    if (!frames || frames.length === 0 || frames.length % (length * px) !== 0) throw new DataError(`frames has ${frames?.length} values, not whole sequences of ${length} frames of ${S}×${S}`, 'frames');
    const n = frames.length / (length * px);
    const out = new Float32Array(frames.length);
    for (let s0 = 0; s0 < n; s0 += batchSize) {
      const b = Math.min(batchSize, n - s0);
      const context = new Float32Array(b * (length - 1) * px);
      for (let s = 0; s < b; s++) for (let j = 0; j < (length - 1) * px; j++) context[s * (length - 1) * px + j] = frames[(s0 + s) * length * px + j];
      const steps = this.feedAll(context, b, length - 1);
      for (let s = 0; s < b; s++) out.set(steps.subarray(s * (length - 1) * px, (s + 1) * (length - 1) * px), ((s0 + s) * length + 1) * px);
    }
    return out;
  }

  /**
   * One step on the host: n frames (n × S²) and the state h → σ(logits) of the next frames and the
   * new state (h is freed).
   */
  private advance(frame: Float32Array, n: number, h: Tensor): { pred: Float32Array; h: Tensor } {
    const S = this.size;
    const [p, state] = tf.tidy(() => {
      const r = this.step(tf.tensor4d(frame, [n, S, S, 1]), h);
      return [tf.sigmoid(r.logits), r.h];
    });
    h.dispose();
    const pred = Float32Array.from(p.dataSync() as Float32Array);
    p.dispose();
    return { pred, h: state };
  }

  /** Feeds k frames of n sequences (n × k × S²) and returns the prediction after each (n × k × S²). */
  private feedAll(frames: Float32Array, n: number, k: number): Float32Array {
    const px = this.size * this.size;
    const out = new Float32Array(n * k * px);
    let h = this.zeroState(n);
    try {
      const frame = new Float32Array(n * px);
      for (let i = 0; i < k; i++) {
        for (let s = 0; s < n; s++) frame.set(frames.subarray((s * k + i) * px, (s * k + i + 1) * px), s * px);
        let pred: Float32Array;
        ({ pred, h } = this.advance(frame, n, h));
        for (let s = 0; s < n; s++) out.set(pred.subarray(s * px, (s + 1) * px), (s * k + i) * px);
      }
    } finally {
      h.dispose();
    }
    return out;
  }

  parameterCount(): number {
    return this.params.count();
  }

  toJSON(): ConvGRUJSON {
    const training = this.training ? (({ losses: _l, ...rest }) => rest)(this.training) : null;
    return { kind: 'conv-gru-video', version: CONV_GRU_VERSION, size: this.size, hidden: this.hidden, params: this.params.toJSON(), training };
  }

  dispose(): void {
    this.params.dispose();
  }
}

/**
 * Trains a ConvGRU next-frame predictor on `frames`: sequences of `length` frames of size×size
 * (count × length × size², grey levels in [0, 1], as {@link movingDigits} makes them).
 */
export function trainConvGRU(frames: ArrayLike<number>, length: number, size: number, options: ConvGRUOptions = {}): ConvGRUPredictor {
  requireEngine('trainConvGRU');
  const hidden = options.hidden ?? 32;
  checkConfig(size, hidden, 'trainConvGRU');
  checkPositiveInt(length, 'length');
  if (length < 2) throw new ArgumentError('sequences need at least 2 frames (one to predict the next from)', 'length');
  const per = length * size * size;
  if (!frames || frames.length === 0 || frames.length % per !== 0) throw new DataError(`frames has ${frames?.length} values, not whole sequences of ${length} frames of ${size}×${size}`, 'frames');
  const n = frames.length / per;
  for (let i = 0; i < frames.length; i++) {
    if (!(frames[i] >= 0 && frames[i] <= 1)) throw new DataError(`frame value ${i} is ${frames[i]}; frames hold grey levels in [0, 1]`, 'frames');
  }
  const window = checkPositiveInt(options.window ?? Math.min(10, length), 'window');
  if (window < 2 || window > length) throw new ArgumentError(`window must be in 2…${length} frames, got ${window}`, 'window');
  const teacher = checkPositiveInt(options.teacherFrames ?? window, 'teacherFrames');
  if (teacher > window) throw new ArgumentError(`teacherFrames must be in 1…${window} (the window), got ${teacher}`, 'teacherFrames');
  const steps = checkPositiveInt(options.steps ?? 1500, 'steps');
  checkBudget(steps, 8, 'steps', 'training steps (a recorded loss each)');
  const B = Math.min(checkPositiveInt(options.batchSize ?? 8, 'batchSize'), n);
  const lr = options.lr ?? 2e-3;
  if (!(lr > 0 && Number.isFinite(lr))) throw new ArgumentError(`lr must be a finite number > 0, got ${lr}`, 'lr');
  const seed = options.seed ?? 0;
  const rng = createRng(seed);
  const params = new ParamStore();
  for (const [name, cin, cout] of paramShapes(hidden)) addConv(params, name, 3, 3, cin, cout, rng);
  const model = new ConvGRUPredictor(size, hidden, params);
  const opt = new AdamW(params, { lr, weightDecay: options.weightDecay ?? 1e-4 });
  const px = size * size;
  const batch = new Float32Array(B * window * px);
  const losses: number[] = [];
  const warmup = Math.max(1, Math.round(0.03 * steps));
  const t0 = performance.now();
  try {
    for (let s = 0; s < steps; s++) {
      for (let b = 0; b < B; b++) {
        const seq = Math.floor(rng.uniform() * n), start = Math.floor(rng.uniform() * (length - window + 1));
        const from = seq * per + start * px;
        for (let j = 0; j < window * px; j++) batch[b * window * px + j] = frames[from + j];
      }
      const { loss } = withHeapGuard('trainConvGRU', () => trainStep(params, opt, () => model.loss(batch, B, window, teacher), { clipNorm: 1, lrScale: warmupCosine(s, warmup, steps) }));
      losses.push(loss);
      options.onStep?.({ step: s + 1, steps, loss });
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    opt.dispose();
  }
  model.training = { steps, seconds: (performance.now() - t0) / 1000, seed, window, teacherFrames: teacher, losses };
  return model;
}

/** Restores a predictor saved by {@link ConvGRUPredictor.toJSON}; a corrupt or other-version file is a DataError. */
export function convGRUFromJSON(json: unknown): ConvGRUPredictor {
  const j = json as Partial<ConvGRUJSON> | null;
  if (j?.kind !== 'conv-gru-video') throw new DataError(`model file: expected a ConvGRU video model (kind 'conv-gru-video'), got kind '${String(j?.kind)}'`, 'model');
  if (j.version !== CONV_GRU_VERSION) throw new DataError(`model file: ConvGRU version ${String(j.version)} is not supported (this ardiff reads version ${CONV_GRU_VERSION}); retrain the model`, 'model');
  requireEngine('convGRUFromJSON');
  const size = j.size, hidden = j.hidden;
  if (!Number.isInteger(size) || !Number.isInteger(hidden) || (size as number) < 4 || (size as number) % 2 !== 0 || (hidden as number) < 2 || (hidden as number) % 2 !== 0) {
    throw new DataError('model file: size and hidden must be even positive integers; the file is corrupt', 'model');
  }
  const shapes = new Map<string, readonly number[]>();
  for (const [name, cin, cout] of paramShapes(hidden as number)) {
    shapes.set(`${name}.w`, [3, 3, cin, cout]);
    shapes.set(`${name}.b`, [cout]);
  }
  const model = new ConvGRUPredictor(size as number, hidden as number, ParamStore.fromJSON(j.params ?? [], shapes));
  if (j.training) model.training = { ...j.training, losses: [] };
  return model;
}
