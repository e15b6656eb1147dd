/**
 * Optimisation for the neural models: AdamW (Loshchilov & Hutter 2019, decoupled weight decay),
 * gradient clipping by global norm, warm-up + cosine learning-rate decay, an exponential moving
 * average of weights (for diffusion sampling), and one training step that frees every tensor it
 * makes (tfjs leaks the loss and gradient tensors of `minimize` unless told otherwise).
 */
import { ArgumentError, ConvergenceError, DataError } from '../core/errors.js';
import { tf, type Tensor, type Variable } from './engine/tf.js';
import { assignFromJSON, variablesToJSON, type ParamJSON, type ParamStore } from './params.js';

/** A non-trainable variable initialised from `make(v)`, freeing the temporary tensor. */
function variableLike(v: Tensor, make: (t: Tensor) => Tensor): Variable {
  const init = make(v);
  const out = tf.variable(init, false);
  init.dispose();
  return out;
}

export interface AdamWOptions {
  /** Peak learning rate (a schedule may scale it per step). Default 1e-3. */
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay λ: w ← w − lr·λ·w. Default 0. */
  weightDecay?: number;
  /** Parameters that are decayed (default: those of rank ≥ 2 — weights, not biases or norms). */
  decay?: (name: string, shape: readonly number[]) => boolean;
}

/** AdamW's resumable state: the step count and both moments per parameter. */
export interface AdamWState {
  readonly t: number;
  readonly m: readonly ParamJSON[];
  readonly v: readonly ParamJSON[];
}

/** AdamW over the parameters of one {@link ParamStore}; `state()`/`loadState()` save and restore its moments. */
export class AdamW {
  readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly names: string[];
  private readonly vars: Variable[];
  private readonly decayed: boolean[];
  private readonly m: Variable[];
  private readonly v: Variable[];
  private t = 0;

  constructor(params: ParamStore, options: AdamWOptions = {}) {
    this.lr = options.lr ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.lr > 0)) throw new ArgumentError(`AdamW: lr must be > 0, got ${this.lr}`, 'lr');
    if (!(this.weightDecay >= 0)) throw new ArgumentError(`AdamW: weightDecay must be ≥ 0, got ${this.weightDecay}`, 'weightDecay');
    const decay = options.decay ?? ((_n: string, shape: readonly number[]) => shape.length >= 2);
    this.names = params.names();
    this.vars = params.variables();
    this.decayed = this.vars.map((v, i) => decay(this.names[i], v.shape));
    this.m = this.vars.map((v) => variableLike(v, tf.zerosLike));
    this.v = this.vars.map((v) => variableLike(v, tf.zerosLike));
  }

  /** Number of steps taken. */
  get steps(): number {
    return this.t;
  }

  /** Step count and moments, to resume training exactly (checkpoints). */
  state(): AdamWState {
    return { t: this.t, m: variablesToJSON(this.names, this.m), v: variablesToJSON(this.names, this.v) };
  }

  /** Restores {@link state} (same parameters, same order). */
  loadState(state: AdamWState): void {
    if (!Number.isInteger(state?.t) || state.t < 0) throw new DataError(`optimiser state: step count must be an integer ≥ 0, got ${state?.t}`, 'checkpoint');
    assignFromJSON(this.names, this.m, state.m, 'optimiser state (first moments)');
    assignFromJSON(this.names, this.v, state.v, 'optimiser state (second moments)');
    this.t = state.t;
  }

  /** One update with gradients in the store's order; `lrScale` multiplies the peak rate. */
  apply(grads: readonly Tensor[], lrScale = 1): void {
    this.t++;
    const lr = this.lr * lrScale;
    const bc1 = 1 - Math.pow(this.beta1, this.t);
    const bc2 = 1 - Math.pow(this.beta2, this.t);
    tf.tidy(() => {
      for (let i = 0; i < this.vars.length; i++) {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.eps));
        let w: Tensor = this.vars[i];
        if (this.decayed[i] && this.weightDecay > 0) w = tf.mul(w, 1 - lr * this.weightDecay);
        this.vars[i].assign(tf.sub(w, tf.mul(update, lr)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (as torch.nn.utils.clip_grad_norm_);
 * returns the new tensors and the norm before clipping.
 */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm: number): { grads: Tensor[]; norm: number } {
  const sq = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const norm = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  const scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  return { grads: grads.map((g) => (scale === 1 ? tf.clone(g) : tf.mul(g, scale))), norm };
}

/** Linear warm-up for `warmup` steps, then cosine decay to `minRatio` of the peak at `total`. */
export function warmupCosine(step: number, warmup: number, total: number, minRatio = 0.1): number {
  if (step < warmup) return (step + 1) / warmup;
  if (step >= total) return minRatio;
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

export interface TrainStepOptions {
  /** Clip the global gradient norm to this value (none when omitted). */
  clipNorm?: number;
  /** Multiplies the optimiser's peak learning rate for this step. */
  lrScale?: number;
}

/**
 * One optimisation step: loss and gradients of `loss` with respect to the store's parameters,
 * optional clipping, the AdamW update. Returns the loss value; every intermediate tensor is freed.
 * A non-finite loss stops training with a typed error instead of propagating NaN into the weights.
 */
export function trainStep(params: ParamStore, optimizer: AdamW, loss: () => tf.Scalar, options: TrainStepOptions = {}): { loss: number; gradNorm: number } {
  const vars = params.variables();
  const { value, grads } = tf.variableGrads(loss, vars);
  const lossValue = value.dataSync()[0];
  value.dispose();
  const list = vars.map((v) => grads[v.name]);
  try {
    if (!Number.isFinite(lossValue)) throw new ConvergenceError(`training: the loss became ${lossValue}; lower the learning rate or check the data for extreme values`, 'lr');
    let gradNorm = NaN;
    let use = list;
    if (options.clipNorm !== undefined) {
      const clipped = clipByGlobalNorm(list, options.clipNorm);
      use = clipped.grads;
      gradNorm = clipped.norm;
      optimizer.apply(use, options.lrScale ?? 1);
      for (const g of use) g.dispose();
    } else {
      optimizer.apply(use, options.lrScale ?? 1);
    }
    return { loss: lossValue, gradNorm };
  } finally {
    for (const g of list) g.dispose();
  }
}

/** Exponential moving average of a store's weights (shadow copies), as used to sample diffusion models. */
export class EMA {
  private readonly shadow: Variable[];
  private updates = 0;
  /**
   * `warmup` (default true) ramps the decay up as diffusers' EMAModel does without `use_ema_warmup`:
   * the first update copies the weights (decay 0) and the n-th uses min(decay, n/(9 + n)), so a short run samples from averaged trained weights rather than from
   * weights still 99% the random initial ones.
   */
  constructor(private readonly params: ParamStore, readonly decay = 0.999, readonly warmup = true) {
    if (!(decay > 0 && decay < 1)) throw new ArgumentError(`EMA: decay must be in (0, 1), got ${decay}`, 'decay');
    this.shadow = params.variables().map((v) => variableLike(v, tf.clone));
  }

  /** The decay of the next update. */
  currentDecay(): number {
    const s = this.updates; // updates made so far: the next one is the (s + 1)-th
    if (!this.warmup) return this.decay;
    return s === 0 ? 0 : Math.min(this.decay, (1 + s) / (10 + s));
  }

  update(): void {
    const vars = this.params.variables();
    const d = this.currentDecay();
    this.updates++;
    tf.tidy(() => {
      for (let i = 0; i < vars.length; i++) this.shadow[i].assign(tf.add(tf.mul(this.shadow[i], d), tf.mul(vars[i], 1 - d)));
    });
  }

  /** The averaged values, in the store's order. */
  values(): Variable[] {
    return this.shadow;
  }

  /** The averaged values as JSON (checkpoints). */
  state(): ParamJSON[] {
    return variablesToJSON(this.params.names(), this.shadow);
  }

  /** Restores the averages; `updates` is the number of updates they include (the warm-up resumes from there). */
  loadState(json: readonly ParamJSON[], updates = 0): void {
    assignFromJSON(this.params.names(), this.shadow, json, 'EMA state');
    if (!Number.isInteger(updates) || updates < 0) throw new ArgumentError(`EMA: updates must be an integer ≥ 0, got ${updates}`, 'updates');
    this.updates = updates;
  }

  dispose(): void {
    for (const s of this.shadow) s.dispose();
  }
}
