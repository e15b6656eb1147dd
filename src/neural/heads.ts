/**
 * Likelihood heads: the part of a neural forecaster that turns a hidden state into a predictive
 * distribution for the next value, trains by its negative log-likelihood and draws from it.
 * The recurrent body (LSTM/GRU, later a transformer) never looks inside: it hands a head the
 * features [N, H] and the targets [N], and asks for a scalar loss or one draw per row. A head
 * owns its parameters (registered in the model's {@link ParamStore} under a prefix) and can use
 * the injected {@link Rng} in both calls — a denoising-diffusion head (TimeGrad, Rasul et al.
 * 2021) needs random noise levels and noise in training too — so a new head plugs in with
 * {@link registerHead} and nothing else changes.
 *
 * Heads here follow DeepAR (Salinas, Flunkert, Gasthaus & Januschowski 2020, §3.1, eq. 3–4):
 * an affine map of the hidden state to the distribution's parameters, positive ones through a
 * softplus:
 *
 *   gaussian:  μ = w_μᵀh + b_μ,  σ = softplus(w_σᵀh + b_σ) + 1e-6
 *              −log p(y) = log σ + ½((y − μ)/σ)² + ½ log 2π
 *   student-t: μ, σ as above, degrees of freedom ν = 2 + softplus(w_νᵀh + b_ν) > 2 (finite
 *              variance, as GluonTS' StudentTOutput),
 *              −log p(y) = −[lgamma((ν+1)/2) − lgamma(ν/2)] + ½ log(πν) + log σ + (ν+1)/2 · log1p(z²/ν),
 *              z = (y − μ)/σ.
 *
 * TensorFlow.js has no lgamma, so the difference D(x) = lgamma(x + ½) − lgamma(x) at x = ν/2 > 1
 * is computed directly and stably: the recurrence D(x) = D(x + 1) − log1p(1/(2x)) (from
 * Γ(x + 1) = xΓ(x)) shifts the argument by 4, then the asymptotic series
 * D(z) = ½ log z − 1/(8z) + 1/(192z³) − 1/(640z⁵) + 17/(14336z⁷) (from the expansion of
 * Γ(z + ½)/Γ(z), Abramowitz & Stegun 6.1.47) gives |error| < 2e-7 for x ≥ 1. Differencing two
 * float32 lgammas instead would lose the result to cancellation for large ν.
 *
 * Draws happen on the host from the model's {@link Rng} (TensorFlow.js' random ops carry their
 * own seeds): normals by the generator's polar method, Student-t as z·√(ν/V) with V ~ χ²_ν =
 * 2·Gamma(ν/2), gamma variates by Marsaglia & Tsang (2000).
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { gammaVariate } from '../core/distributions.js';
import { tf, type Tensor } from './engine/tf.js';
import type { ParamStore } from './params.js';

/**
 * What a head is built with besides its input width: the dimension D of the values it models (1:
 * one series; a TimeGrad-style model of D series forecasts the D values of a time step jointly),
 * and options of its own (a diffusion head's steps and network). Saved with the model.
 */
export interface HeadOptions {
  /** Dimension D of the modelled value. Default 1. */
  readonly dim?: number;
  readonly [key: string]: unknown;
}

/** Options of {@link LikelihoodHead.loss}. */
export interface HeadLossOptions {
  /** Per-row weights [N] (e.g. a 0/1 mask); the loss is then Σ w·nll / Σ w. Default: plain mean. */
  weights?: Tensor;
  /** Random source for heads whose loss is stochastic (diffusion). Gaussian and Student-t ignore it. */
  rng?: Rng;
}

/** A distribution head: features → predictive distribution of one value per row. */
export interface LikelihoodHead {
  /** Registry key ('gaussian', 'student-t', …). */
  readonly kind: string;
  /** Width H of the features it reads. */
  readonly inputSize: number;
  /** Dimension D of each modelled value (1 for one series). */
  readonly dim: number;
  /**
   * Mean loss of `target` ([N] when D = 1, else [N, D]) given `hidden` [N, H] (a differentiable
   * scalar): the negative log-likelihood per value, or a diffusion head's denoising loss.
   */
  loss(target: Tensor, hidden: Tensor, options?: HeadLossOptions): tf.Scalar;
  /** One draw per row of `hidden` [N, H] from `rng`, in the units of the targets: N·D values, row-major. */
  sample(hidden: Tensor, rng: Rng): Float64Array;
  /** Distribution parameters by name (μ, σ, ν…), N·D values each, for inspection and summaries. */
  distribution(hidden: Tensor): Record<string, Float32Array>;
  /** One line that names the distribution for a summary. */
  describe(): string;
  /**
   * Optional data-dependent start: set the head's biases so that, before training, every row's
   * distribution has centre `location` and spread `scale` (in target units). Training then starts
   * near the data's likelihood instead of spending its first steps shrinking a unit spread.
   */
  initFromData?(location: number | readonly number[], scale: number | readonly number[]): void;
  /** Frees tensors the head holds besides its parameters (constant tables), when it has any. */
  dispose?(): void;
}

/** How to build and restore one kind of head. */
export interface HeadFactory {
  readonly kind: string;
  /** Parameter names and shapes under `prefix` for features of width `inputSize`. */
  shapes(inputSize: number, prefix: string, options?: HeadOptions): Map<string, number[]>;
  /** Adds freshly initialised parameters to `params` and returns the head. */
  create(params: ParamStore, inputSize: number, rng: Rng, prefix: string, options?: HeadOptions): LikelihoodHead;
  /** The head over parameters already in `params` (restored from JSON). */
  attach(params: ParamStore, inputSize: number, prefix: string, options?: HeadOptions): LikelihoodHead;
}

/** The dimension of `options` (default 1), checked. */
export function headDim(options: HeadOptions | undefined): number {
  const d = options?.dim ?? 1;
  if (!Number.isInteger(d) || d < 1) throw new ArgumentError(`the head's dimension must be a positive integer; got ${String(d)}`, 'dim');
  return d;
}

const FACTORIES = new Map<string, HeadFactory>();

/** Makes a head kind available to {@link createHead}/{@link attachHead} (and so to the forecasters). */
export function registerHead(factory: HeadFactory): void {
  FACTORIES.set(factory.kind, factory);
}

/** Kinds of head registered. */
export function headKinds(): string[] {
  return [...FACTORIES.keys()];
}

function factoryOf(kind: string, argument: string): HeadFactory {
  const f = FACTORIES.get(kind);
  if (!f) throw new ArgumentError(`${argument} must be one of ${headKinds().join(', ')}; got '${String(kind)}'`, argument);
  return f;
}

/** Checks a head kind, throwing an ArgumentError naming `argument` when it is unknown. */
export function checkHeadKind(kind: string, argument = 'likelihood'): string {
  return factoryOf(kind, argument).kind;
}

export function createHead(kind: string, params: ParamStore, inputSize: number, rng: Rng, prefix = 'head', options?: HeadOptions): LikelihoodHead {
  return factoryOf(kind, 'likelihood').create(params, inputSize, rng, prefix, options);
}

export function attachHead(kind: string, params: ParamStore, inputSize: number, prefix = 'head', options?: HeadOptions): LikelihoodHead {
  return factoryOf(kind, 'likelihood').attach(params, inputSize, prefix, options);
}

export function headShapes(kind: string, inputSize: number, prefix = 'head', options?: HeadOptions): Map<string, number[]> {
  return factoryOf(kind, 'likelihood').shapes(inputSize, prefix, options);
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_PI = 0.5 * Math.log(Math.PI);
/** Floor added to σ so that the likelihood stays finite when the softplus underflows. */
const SIGMA_FLOOR = 1e-6;

/**
 * An affine head: k distribution parameters per row from one product [N, H] × [H, k] + b. Weight
 * and bias start at zero ("zero-init of the last layer"): every row then starts from the same
 * distribution, which {@link LikelihoodHead.initFromData} places at the data; the weights move at
 * the first step and the recurrent body's gradients follow.
 */
abstract class AffineHead implements LikelihoodHead {
  abstract readonly kind: string;
  protected abstract readonly names: readonly string[];
  /**
   * With D > 1 the k parameters of each of the D values are independent outputs (a diagonal
   * model: the D values are conditionally independent given h); the weight is [H, k·D] with
   * columns ordered parameter-major (all μ, then all σ, …).
   */
  constructor(readonly inputSize: number, protected readonly w: Tensor, protected readonly b: tf.Variable, readonly dim = 1) {}

  /** Bias values that make the head's distribution centre `location` with spread `scale` at h = 0. */
  protected abstract startBias(location: number, scale: number): number[];

  initFromData(location: number | readonly number[], scale: number | readonly number[]): void {
    const D = this.dim;
    const loc = typeof location === 'number' ? new Array<number>(D).fill(location) : location;
    const sc = typeof scale === 'number' ? new Array<number>(D).fill(scale) : scale;
    if (loc.length !== D || sc.length !== D) return;
    for (let d = 0; d < D; d++) if (!Number.isFinite(loc[d]) || !(sc[d] > 0) || !Number.isFinite(sc[d])) return;
    const k = this.names.length;
    const per = loc.map((l, d) => this.startBias(l, sc[d]));
    const values = Array.from({ length: k * D }, (_, i) => per[i % D][Math.floor(i / D)]);
    const b = tf.tensor1d(values);
    this.b.assign(b);
    b.dispose();
  }

  /** Raw affine outputs split into columns: k tensors of [N] (D = 1) or [N, D]. */
  protected columns(hidden: Tensor): Tensor[] {
    if (hidden.rank !== 2 || hidden.shape[1] !== this.inputSize) throw new ArgumentError(`${this.kind} head: hidden must be [N, ${this.inputSize}]; got [${hidden.shape.join(', ')}]`, 'hidden');
    const z = tf.fused.matMul({ a: hidden, b: this.w, bias: this.b });
    if (this.dim === 1) return tf.unstack(z, 1);
    return tf.unstack(tf.reshape(z, [hidden.shape[0], this.names.length, this.dim]), 1);
  }

  /** The distribution's parameters per row, in the order of `names`. */
  protected abstract params(hidden: Tensor): Tensor[];
  protected abstract nll(target: Tensor, p: Tensor[]): Tensor;
  protected abstract draw(p: Float32Array[], i: number, rng: Rng): number;
  abstract describe(): string;

  loss(target: Tensor, hidden: Tensor, options: HeadLossOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const D = this.dim;
      const nll = this.nll(D === 1 ? tf.reshape(target, [-1]) : tf.reshape(target, [-1, D]), this.params(hidden));
      if (!options.weights) return tf.mean(nll);
      const w = D === 1 ? tf.reshape(options.weights, [-1]) : tf.reshape(options.weights, [-1, 1]);
      return tf.div(tf.sum(tf.mul(nll, w)), tf.maximum(tf.mul(tf.sum(w), D), 1e-12));
    }) as tf.Scalar;
  }

  distribution(hidden: Tensor): Record<string, Float32Array> {
    // One read-back of all parameters: stack them, read once, split on the host.
    const k = this.names.length;
    const stacked = tf.tidy(() => tf.stack(this.params(hidden), 1));
    const flat = stacked.dataSync() as Float32Array;
    stacked.dispose();
    const n = flat.length / k, D = this.dim;
    const out: Record<string, Float32Array> = {};
    // stacked is [N, k] (D = 1) or [N, k, D]; each parameter comes out as N·D values, row-major.
    this.names.forEach((name, j) => {
      const col = new Float32Array(n);
      if (D === 1) for (let i = 0; i < n; i++) col[i] = flat[i * k + j];
      else for (let e = 0; e < n; e++) col[e] = flat[(Math.floor(e / D) * k + j) * D + (e % D)];
      out[name] = col;
    });
    return out;
  }

  sample(hidden: Tensor, rng: Rng): Float64Array {
    const d = this.distribution(hidden);
    const p = this.names.map((nm) => d[nm]);
    const out = new Float64Array(p[0].length);
    for (let i = 0; i < out.length; i++) out[i] = this.draw(p, i, rng);
    return out;
  }
}

class GaussianHead extends AffineHead {
  readonly kind = 'gaussian';
  protected readonly names = ['mu', 'sigma'] as const;
  protected params(hidden: Tensor): Tensor[] {
    const [mu, s] = this.columns(hidden);
    return [mu, tf.add(tf.softplus(s), SIGMA_FLOOR)];
  }
  protected nll(y: Tensor, [mu, sigma]: Tensor[]): Tensor {
    const z = tf.div(tf.sub(y, mu), sigma);
    return tf.add(tf.add(tf.log(sigma), tf.mul(tf.square(z), 0.5)), HALF_LOG_2PI);
  }
  protected draw([mu, sigma]: Float32Array[], i: number, rng: Rng): number {
    return mu[i] + sigma[i] * rng.normal();
  }
  protected startBias(location: number, scale: number): number[] {
    return [location, softplusInverse(scale)];
  }
  describe(): string {
    return 'Gaussian, sigma = softplus(.)';
  }
}

class StudentTHead extends AffineHead {
  readonly kind = 'student-t';
  protected readonly names = ['mu', 'sigma', 'df'] as const;
  protected params(hidden: Tensor): Tensor[] {
    const [mu, s, v] = this.columns(hidden);
    return [mu, tf.add(tf.softplus(s), SIGMA_FLOOR), tf.add(tf.softplus(v), 2)];
  }
  protected nll(y: Tensor, [mu, sigma, df]: Tensor[]): Tensor {
    const z = tf.div(tf.sub(y, mu), sigma);
    const halfDf = tf.mul(df, 0.5);
    const logNorm = tf.sub(lgammaHalfStep(halfDf), tf.add(tf.mul(tf.log(df), 0.5), HALF_LOG_PI));
    const tail = tf.mul(tf.add(halfDf, 0.5), tf.log1p(tf.div(tf.square(z), df)));
    return tf.add(tf.sub(tf.log(sigma), logNorm), tail);
  }
  protected startBias(location: number, scale: number): number[] {
    // df starts at 2 + softplus(0) ≈ 2.7; σ so that the standard deviation σ·√(df/(df − 2)) is `scale`.
    const df = 2 + Math.log(2);
    return [location, softplusInverse(scale * Math.sqrt((df - 2) / df)), 0];
  }
  protected draw([mu, sigma, df]: Float32Array[], i: number, rng: Rng): number {
    const nu = df[i];
    const v = 2 * gammaVariate(rng, nu / 2);
    return mu[i] + sigma[i] * rng.normal() * Math.sqrt(nu / v);
  }
  describe(): string {
    return 'Student-t, sigma = softplus(.), df = 2 + softplus(.)';
  }
}

function affineFactory(kind: string, k: number, make: (inputSize: number, w: Tensor, b: tf.Variable, dim: number) => LikelihoodHead): HeadFactory {
  const shapes = (inputSize: number, prefix: string, options?: HeadOptions) => {
    const kd = k * headDim(options);
    return new Map<string, number[]>([[`${prefix}.weight`, [inputSize, kd]], [`${prefix}.bias`, [kd]]]);
  };
  return {
    kind,
    shapes,
    create(params, inputSize, rng, prefix, options) {
      const kd = k * headDim(options);
      params.add(`${prefix}.weight`, [inputSize, kd], { zeros: true }, rng);
      params.add(`${prefix}.bias`, [kd], { zeros: true }, rng);
      return this.attach(params, inputSize, prefix, options);
    },
    attach(params, inputSize, prefix, options) {
      return make(inputSize, params.get(`${prefix}.weight`), params.get(`${prefix}.bias`), headDim(options));
    },
  };
}

registerHead(affineFactory('gaussian', 2, (n, w, b, d) => new GaussianHead(n, w, b, d)));
registerHead(affineFactory('student-t', 3, (n, w, b, d) => new StudentTHead(n, w, b, d)));

/** softplus⁻¹(y) = log(e^y − 1), written to stay finite for small and large y. */
function softplusInverse(y: number): number {
  return y > 20 ? y : Math.log(Math.expm1(Math.max(y, 1e-12)));
}

/**
 * D(x) = lgamma(x + ½) − lgamma(x) for x ≥ 1 (elementwise, differentiable): four steps of the
 * recurrence D(x) = D(x + 1) − log1p(1/(2x)), then the asymptotic series at z = x + 4 (module notes).
 */
export function lgammaHalfStep(x: Tensor): Tensor {
  return tf.tidy(() => {
    let shift: Tensor = tf.log1p(tf.div(0.5, x));
    for (let j = 1; j < 4; j++) shift = tf.add(shift, tf.log1p(tf.div(0.5, tf.add(x, j))));
    const z = tf.add(x, 4);
    const r = tf.reciprocal(z);
    const r2 = tf.square(r);
    // −1/(8z) + 1/(192z³) − 1/(640z⁵) + 17/(14336z⁷), by Horner in 1/z².
    let series: Tensor = tf.mul(r2, 17 / 14336);
    series = tf.mul(tf.add(series, -1 / 640), r2);
    series = tf.mul(tf.add(series, 1 / 192), r2);
    series = tf.mul(tf.add(series, -1 / 8), r);
    return tf.sub(tf.add(tf.mul(tf.log(z), 0.5), series), shift);
  });
}

export { gammaVariate };
