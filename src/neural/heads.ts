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
  /** Mean negative log-likelihood of `target` [N] given `hidden` [N, H] (differentiable scalar). */
  loss(target: Tensor, hidden: Tensor, options?: HeadLossOptions): tf.Scalar;
  /** One draw per row of `hidden` [N, H] from `rng`, in the units of the targets. */
  sample(hidden: Tensor, rng: Rng): Float64Array;
  /** Per-row distribution parameters by name (μ, σ, ν…), for inspection and summaries. */
  distribution(hidden: Tensor): Record<string, Float32Array>;
  /** One line that names the distribution for a summary. */
  describe(): string;
  /**
   * Optional data-dependent start: set the head's biases so that, before training, every row's
   * distribution has centre `location` and spread `scale` (in target units). Training then starts
   * near the data's likelihood instead of spending its first steps shrinking a unit spread.
   */
  initFromData?(location: number, scale: number): void;
}

/** How to build and restore one kind of head. */
export interface HeadFactory {
  readonly kind: string;
  /** Parameter names and shapes under `prefix` for features of width `inputSize`. */
  shapes(inputSize: number, prefix: string): Map<string, number[]>;
  /** Adds freshly initialised parameters to `params` and returns the head. */
  create(params: ParamStore, inputSize: number, rng: Rng, prefix: string): LikelihoodHead;
  /** The head over parameters already in `params` (restored from JSON). */
  attach(params: ParamStore, inputSize: number, prefix: string): LikelihoodHead;
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

export function createHead(kind: string, params: ParamStore, inputSize: number, rng: Rng, prefix = 'head'): LikelihoodHead {
  return factoryOf(kind, 'likelihood').create(params, inputSize, rng, prefix);
}

export function attachHead(kind: string, params: ParamStore, inputSize: number, prefix = 'head'): LikelihoodHead {
  return factoryOf(kind, 'likelihood').attach(params, inputSize, prefix);
}

export function headShapes(kind: string, inputSize: number, prefix = 'head'): Map<string, number[]> {
  return factoryOf(kind, 'likelihood').shapes(inputSize, prefix);
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
  constructor(readonly inputSize: number, protected readonly w: Tensor, protected readonly b: tf.Variable) {}

  /** Bias values that make the head's distribution centre `location` with spread `scale` at h = 0. */
  protected abstract startBias(location: number, scale: number): number[];

  initFromData(location: number, scale: number): void {
    if (!Number.isFinite(location) || !(scale > 0) || !Number.isFinite(scale)) return;
    const b = tf.tensor1d(this.startBias(location, scale));
    this.b.assign(b);
    b.dispose();
  }

  /** Raw affine outputs split into columns [N] each. */
  protected columns(hidden: Tensor): Tensor[] {
    if (hidden.rank !== 2 || hidden.shape[1] !== this.inputSize) throw new ArgumentError(`${this.kind} head: hidden must be [N, ${this.inputSize}]; got [${hidden.shape.join(', ')}]`, 'hidden');
    return tf.unstack(tf.fused.matMul({ a: hidden, b: this.w, bias: this.b }), 1);
  }

  /** The distribution's parameters per row, in the order of `names`. */
  protected abstract params(hidden: Tensor): Tensor[];
  protected abstract nll(target: Tensor, p: Tensor[]): Tensor;
  protected abstract draw(p: Float32Array[], i: number, rng: Rng): number;
  abstract describe(): string;

  loss(target: Tensor, hidden: Tensor, options: HeadLossOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const nll = this.nll(tf.reshape(target, [-1]), this.params(hidden));
      if (!options.weights) return tf.mean(nll);
      const w = tf.reshape(options.weights, [-1]);
      return tf.div(tf.sum(tf.mul(nll, w)), tf.maximum(tf.sum(w), 1e-12));
    }) as tf.Scalar;
  }

  distribution(hidden: Tensor): Record<string, Float32Array> {
    // One read-back of all parameters: stack them, read once, split on the host.
    const k = this.names.length;
    const stacked = tf.tidy(() => tf.stack(this.params(hidden), 1));
    const flat = stacked.dataSync() as Float32Array;
    stacked.dispose();
    const n = flat.length / k;
    const out: Record<string, Float32Array> = {};
    this.names.forEach((name, j) => {
      const col = new Float32Array(n);
      for (let i = 0; i < n; i++) col[i] = flat[i * k + j];
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

function affineFactory(kind: string, k: number, make: (inputSize: number, w: Tensor, b: tf.Variable) => LikelihoodHead): HeadFactory {
  const shapes = (inputSize: number, prefix: string) => new Map<string, number[]>([[`${prefix}.weight`, [inputSize, k]], [`${prefix}.bias`, [k]]]);
  return {
    kind,
    shapes,
    create(params, inputSize, rng, prefix) {
      params.add(`${prefix}.weight`, [inputSize, k], { zeros: true }, rng);
      params.add(`${prefix}.bias`, [k], { zeros: true }, rng);
      return this.attach(params, inputSize, prefix);
    },
    attach(params, inputSize, prefix) {
      return make(inputSize, params.get(`${prefix}.weight`), params.get(`${prefix}.bias`));
    },
  };
}

registerHead(affineFactory('gaussian', 2, (n, w, b) => new GaussianHead(n, w, b)));
registerHead(affineFactory('student-t', 3, (n, w, b) => new StudentTHead(n, w, b)));

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
