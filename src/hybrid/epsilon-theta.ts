/**
 * TimeGrad's denoiser ε_θ(x^k, k, h) (Rasul, Seward, Schuster & Vollgraf 2021, §3.2 and
 * Appendix; the network of the reference implementation, pytorch-ts `EpsilonTheta`): DiffWave's
 * residual blocks (Kong et al. 2021) run over the D values of one time step as a 1-D signal, with
 * the diffusion step k as a sinusoidal embedding and the RNN state h "upsampled" to D values as the
 * local conditioner.
 *
 * Shapes (N rows, D values, C residual channels, L = D + 4 after the circular padding of 2):
 *
 *   1. x [N, D] → circular pad 2 → [N, L] → 1×1 conv to C channels, leaky ReLU(0.4) → [N, L, C]
 *   2. k → table[k] = [sin(k·10^{4i/E}), cos(k·10^{4i/E})]_{i<E} → Linear, SiLU, Linear, SiLU → [N, R]
 *   3. h [N, H] → Linear(H → ⌊D/2⌋), leaky, Linear(→ D), leaky → circular pad 2 → [N, L]
 *   4. per residual layer i (dilation 2^(i mod cycle)):
 *        y = x + Linear(R → C)(step);  y = dilatedConv3(y) + conv1×1(cond) → [N, L, 2C]
 *        y = σ(y_gate) · tanh(y_filter) → 1×1 conv to 2C, leaky → residual, skip [N, L, C]
 *        x = (x + residual)/√2
 *   5. Σ skip/√layers → conv3 (valid, L − 2), leaky → conv3 to one channel (valid, L − 4 = D) → [N, D]
 *
 * Convolutions over the D axis are written as shifted copies and one matrix product (their
 * kernels are 1 or 3 wide and the channels few, so this is what a convolution costs anyway, and
 * it keeps every gradient a plain matMul/slice/concat one). Weights are stored as
 * [taps·C_in, C_out] matrices, tap-major: W[j·C_in + c][o] = PyTorch's weight[o][c][j].
 * Initialisation as PyTorch's: U(±1/√fan_in) for linear and conv weights and biases, Kaiming
 * normal (std √(2/fan_in)) for the input, conditioner, residual-output and skip convolutions, and
 * zeros for the last convolution (so ε̂ starts at its bias).
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor } from '../neural/engine/tf.js';
import { addLinear, dense } from '../neural/layers.js';
import { silu } from '../neural/ops/activations.js';
import type { ParamStore } from '../neural/params.js';

/** The denoiser's sizes (pytorch-ts' defaults in parentheses). */
export interface EpsilonThetaConfig {
  /** Dimension D of the denoised value (the number of series). */
  dim: number;
  /** Width H of the conditioning state (the RNN's hidden size). */
  condSize: number;
  /** Residual layers (8). */
  residualLayers: number;
  /** Residual channels C (8). */
  residualChannels: number;
  /** Dilations cycle through 1, 2, …, 2^(cycle − 1) (2). */
  dilationCycle: number;
  /** Half the width of the sinusoidal step embedding (16). */
  timeEmbedding: number;
  /** Width of the projected step embedding (64). */
  residualHidden: number;
  /** Largest diffusion step the embedding table holds (the number of steps K). */
  maxSteps: number;
}

/** The default sizes: pytorch-ts' TimeGrad. */
export const EPSILON_THETA_DEFAULTS = { residualLayers: 8, residualChannels: 8, dilationCycle: 2, timeEmbedding: 16, residualHidden: 64 } as const;

/** Checks a config; `dim` ≥ 2 (the conditioner's first layer has ⌊D/2⌋ units). */
export function checkEpsilonThetaConfig(c: EpsilonThetaConfig): EpsilonThetaConfig {
  for (const [name, v, min] of [['dim', c.dim, 2], ['condSize', c.condSize, 1], ['residualLayers', c.residualLayers, 1], ['residualChannels', c.residualChannels, 1], ['dilationCycle', c.dilationCycle, 1], ['timeEmbedding', c.timeEmbedding, 1], ['residualHidden', c.residualHidden, 1], ['maxSteps', c.maxSteps, 1]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new ArgumentError(`${name} of the TimeGrad denoiser must be an integer ≥ ${min}; got ${String(v)}${name === 'dim' ? ' (TimeGrad models two or more series jointly)' : ''}`, name);
    }
  }
  return c;
}

/** Parameter names and shapes under `prefix`. */
export function epsilonThetaShapes(c: EpsilonThetaConfig, prefix: string): Map<string, number[]> {
  const C = c.residualChannels, E = c.timeEmbedding, R = c.residualHidden, half = Math.floor(c.dim / 2);
  const m = new Map<string, number[]>();
  const lin = (name: string, i: number, o: number) => { m.set(`${prefix}.${name}.w`, [i, o]); m.set(`${prefix}.${name}.b`, [o]); };
  lin('input', 1, C);
  lin('embed1', 2 * E, R);
  lin('embed2', R, R);
  lin('cond1', c.condSize, half);
  lin('cond2', half, c.dim);
  for (let i = 0; i < c.residualLayers; i++) {
    lin(`res${i}.step`, R, C);
    lin(`res${i}.cond`, 1, 2 * C);
    lin(`res${i}.dilated`, 3 * C, 2 * C);
    lin(`res${i}.out`, C, 2 * C);
  }
  lin('skip', 3 * C, C);
  lin('output', 3 * C, 1);
  return m;
}

/** Adds freshly initialised parameters (see the module notes for the schemes). */
export function addEpsilonTheta(store: ParamStore, c: EpsilonThetaConfig, prefix: string, rng: Rng): void {
  const C = c.residualChannels, E = c.timeEmbedding, R = c.residualHidden, half = Math.floor(c.dim / 2);
  /** A convolution: Kaiming-normal weight, U(±1/√fan_in) bias (PyTorch's default bias). */
  const kaiming = (name: string, fanIn: number, o: number) => {
    store.add(`${prefix}.${name}.w`, [fanIn, o], { normal: Math.sqrt(2 / fanIn) }, rng);
    store.add(`${prefix}.${name}.b`, [o], { uniform: 1 / Math.sqrt(fanIn) }, rng);
  };
  kaiming('input', 1, C);
  addLinear(store, `${prefix}.embed1`, 2 * E, R, rng);
  addLinear(store, `${prefix}.embed2`, R, R, rng);
  addLinear(store, `${prefix}.cond1`, c.condSize, half, rng);
  addLinear(store, `${prefix}.cond2`, half, c.dim, rng);
  for (let i = 0; i < c.residualLayers; i++) {
    addLinear(store, `${prefix}.res${i}.step`, R, C, rng);
    kaiming(`res${i}.cond`, 1, 2 * C);
    addLinear(store, `${prefix}.res${i}.dilated`, 3 * C, 2 * C, rng);
    kaiming(`res${i}.out`, C, 2 * C);
  }
  kaiming('skip', 3 * C, C);
  store.add(`${prefix}.output.w`, [3 * C, 1], { zeros: true }, rng);
  store.add(`${prefix}.output.b`, [1], { uniform: 1 / Math.sqrt(3 * C) }, rng);
}

/** The sinusoidal step embedding table [maxSteps, 2E] (pytorch-ts' DiffusionEmbedding). */
export function stepEmbeddingTable(maxSteps: number, E: number): Float32Array {
  const out = new Float32Array(maxSteps * 2 * E);
  for (let k = 0; k < maxSteps; k++) {
    for (let i = 0; i < E; i++) {
      const v = k * 10 ** ((i * 4) / E);
      out[k * 2 * E + i] = Math.sin(v);
      out[k * 2 * E + E + i] = Math.cos(v);
    }
  }
  return out;
}

/** Indices of a circular padding by `pad` of a length-n axis: [n−pad, …, n−1, 0, …, n−1, 0, …, pad−1] (mod n). */
function circularIndex(n: number, pad: number): Int32Array {
  return Int32Array.from({ length: n + 2 * pad }, (_, i) => (((i - pad) % n) + n) % n);
}

/** The denoiser as a function of tensors; built once per parameter set and configuration. */
export class EpsilonTheta {
  private readonly table: Tensor;
  private readonly padIndex: Tensor;
  private readonly L: number;
  /** For each residual layer, the gather indices of its three taps over the circularly wrapped axis. */
  private readonly tapIndex: Tensor[];
  private readonly skipIndex: Tensor;
  private readonly outIndex: Tensor;

  constructor(private readonly store: ParamStore, readonly config: EpsilonThetaConfig, private readonly prefix: string) {
    checkEpsilonThetaConfig(config);
    const D = config.dim;
    this.L = D + 4;
    this.table = tf.tensor2d(stepEmbeddingTable(config.maxSteps, config.timeEmbedding), [config.maxSteps, 2 * config.timeEmbedding]);
    this.padIndex = tf.tensor1d(circularIndex(D, 2), 'int32');
    const L = this.L;
    this.tapIndex = Array.from({ length: config.residualLayers }, (_, i) => {
      const dil = 2 ** (i % config.dilationCycle);
      // tap j reads position (t + (j − 1)·dil) mod L, t = 0..L−1
      const idx = new Int32Array(3 * L);
      for (let j = 0; j < 3; j++) for (let t = 0; t < L; t++) idx[j * L + t] = (((t + (j - 1) * dil) % L) + L) % L;
      return tf.tensor1d(idx, 'int32');
    });
    const valid = (len: number) => {
      const idx = new Int32Array(3 * (len - 2));
      for (let j = 0; j < 3; j++) for (let t = 0; t < len - 2; t++) idx[j * (len - 2) + t] = t + j;
      return tf.tensor1d(idx, 'int32');
    };
    this.skipIndex = valid(L);
    this.outIndex = valid(L - 2);
  }

  private w(name: string): Tensor {
    return this.store.get(`${this.prefix}.${name}.w`);
  }

  private b(name: string): Tensor {
    return this.store.get(`${this.prefix}.${name}.b`);
  }

  /**
   * A 3-tap convolution along axis 1 of x [N, len, Cin] as gather + matMul: `index` lists, tap by
   * tap, the positions each output reads; the result is [N, len_out, Cout].
   */
  private conv3(x: Tensor, index: Tensor, name: string): Tensor {
    const [N, , Cin] = x.shape;
    const lenOut = index.shape[0] / 3;
    const taps = tf.gather(x, index, 1); // [N, 3·lenOut, Cin]
    const cols = tf.transpose(tf.reshape(taps, [N, 3, lenOut, Cin]), [0, 2, 1, 3]); // [N, lenOut, 3, Cin]
    const flat = tf.reshape(cols, [N * lenOut, 3 * Cin]);
    const out = tf.add(tf.matMul(flat, this.w(name)), this.b(name));
    return tf.reshape(out, [N, lenOut, -1]);
  }

  /** A 1×1 convolution x [N, len, Cin] → [N, len, Cout]. */
  private conv1(x: Tensor, name: string): Tensor {
    const [N, len, Cin] = x.shape;
    const out = tf.add(tf.matMul(tf.reshape(x, [N * len, Cin]), this.w(name)), this.b(name));
    return tf.reshape(out, [N, len, -1]);
  }

  /** ε̂ for noisy values x [N, D] at integer steps k [N] with conditioning h [N, H] → [N, D]. */
  predict(x: Tensor, k: Tensor, h: Tensor): Tensor {
    const c = this.config, C = c.residualChannels, L = this.L;
    const N = x.shape[0];
    const leaky = (t: Tensor) => tf.leakyRelu(t, 0.4);
    // 1. Input projection over the circularly padded values.
    let z = leaky(this.conv1(tf.reshape(tf.gather(x, this.padIndex, 1), [N, L, 1]), 'input')); // [N, L, C]
    // 2. Step embedding.
    let e = tf.gather(this.table, k);
    e = silu(dense(this.store, `${this.prefix}.embed1`, e));
    e = silu(dense(this.store, `${this.prefix}.embed2`, e)); // [N, R]
    // 3. Conditioner: h → D values → padded.
    let u = leaky(dense(this.store, `${this.prefix}.cond1`, h));
    u = leaky(dense(this.store, `${this.prefix}.cond2`, u)); // [N, D]
    const cond = tf.reshape(tf.gather(u, this.padIndex, 1), [N, L, 1]);
    // 4. Residual layers.
    let skip: Tensor | null = null;
    for (let i = 0; i < c.residualLayers; i++) {
      const step = tf.reshape(dense(this.store, `${this.prefix}.res${i}.step`, e), [N, 1, C]);
      let y = tf.add(z, step);
      y = tf.add(this.conv3(y, this.tapIndex[i], `res${i}.dilated`), this.conv1(cond, `res${i}.cond`)); // [N, L, 2C]
      const [gate, filter] = tf.split(y, 2, 2);
      y = tf.mul(tf.sigmoid(gate), tf.tanh(filter));
      y = leaky(this.conv1(y, `res${i}.out`));
      const [residual, s] = tf.split(y, 2, 2);
      z = tf.div(tf.add(z, residual), Math.SQRT2);
      skip = skip ? tf.add(skip, s) : s;
    }
    // 5. Skip and output projections (valid 3-tap convolutions: L → L − 2 → D).
    let o = tf.div(skip as Tensor, Math.sqrt(c.residualLayers));
    o = leaky(this.conv3(o, this.skipIndex, 'skip'));
    o = this.conv3(o, this.outIndex, 'output'); // [N, D, 1]
    return tf.reshape(o, [N, c.dim]);
  }

  /** Frees the constant tables (not the parameters, which the store owns). */
  dispose(): void {
    for (const t of [this.table, this.padIndex, this.skipIndex, this.outIndex, ...this.tapIndex]) t.dispose();
  }
}
