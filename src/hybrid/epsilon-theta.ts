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
 * Convolutions over the D axis are written as matrix products (see {@link EpsilonTheta}; their
 * kernels are 1 or 3 wide and the channels few, and every gradient stays a plain matMul one).
 * Weights are stored as
 * [taps·C_in, C_out] matrices, tap-major: W[j·C_in + c][o] = PyTorch's weight[o][c][j].
 * Initialisation as PyTorch's: U(±1/√fan_in) for linear and conv weights and biases, Kaiming
 * normal (std √(2/fan_in)) for the input, conditioner, residual-output and skip convolutions, and
 * zeros for the last convolution (so ε̂ starts at its bias).
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkBudget } from '../core/validate.js';
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
  // The dilated convolutions run as dense matrices over the D positions (see the class notes):
  // R × (D·C + D + 1) × 2·D·C float32 values, quadratic in D.
  const D = c.dim, C = c.residualChannels;
  checkBudget(c.residualLayers * (D * C + D + 1) * 2 * D * C, 4, 'dim', `float32 values of the denoiser's expanded convolutions for D = ${D} values (series, or window days × assets)`);
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

/**
 * The 0/1 tap pattern of a 3-tap convolution along an axis: `S[j][s·Lt + t] = 1` when output
 * position t reads input position s through tap j — circularly with dilation `dil`
 * (s = (t + (j − 1)·dil) mod L, Lt = Ls = L) or valid (s = t + j, Lt = Ls − 2).
 */
function tapPattern(Ls: number, circular: boolean, dil = 1): Float32Array {
  const Lt = circular ? Ls : Ls - 2;
  const S = new Float32Array(3 * Ls * Lt);
  for (let j = 0; j < 3; j++) {
    for (let t = 0; t < Lt; t++) {
      const s = circular ? (((t + (j - 1) * dil) % Ls) + Ls) % Ls : t + j;
      S[j * Ls * Lt + s * Lt + t] += 1;
    }
  }
  return S;
}

/** The circular padding by 2 of D values as a matrix P [D, D + 4]: P[d][t] = 1 when position t holds value d. */
function paddingMatrix(D: number): Float32Array {
  const L = D + 4;
  const P = new Float32Array(D * L);
  for (let t = 0; t < L; t++) P[(((t - 2) % D) + D) % D * L + t] += 1;
  return P;
}

/** An identity pattern [L, L] (position t' feeds position t only when t' = t). */
function identityPattern(L: number): Float32Array {
  const I = new Float32Array(L * L);
  for (let t = 0; t < L; t++) I[t * L + t] = 1;
  return I;
}

/**
 * The denoiser as a function of tensors. Activations are kept flat, [N, L·C] with position-major
 * columns (so [N·L, C] is the same memory). The dilated 3-tap convolution of each residual layer
 * is one matrix product with a matrix expanded from its kernel, [L·C, L·C] per half with
 * M[(s, c)][(t, o)] = Σ_j S_j[s][t]·W_j[c][o] (S the circular, dilated tap pattern); the
 * expansions of all layers are built once per call in batched products of the small kernels. The
 * conditioner and both biases enter that product as extra input columns ([y, cond, 1]), and the gate
 * and filter halves are separate products, so no output is sliced. The 1×1 convolutions (residual,
 * skip) act on each position alone: [N·L, C] × [C, C]. The step projections of all layers are one
 * product [N, R·C], broadcast over positions. The final two valid convolutions (L → L − 2 → D) are
 * expanded the same way. This costs more arithmetic than strided convolutions would (zeros in the
 * expanded matrices) but far fewer kernel launches, which is what a training step costs here.
 */
/** The matrices of one call, expanded from the weights (see {@link EpsilonTheta}). */
interface ExpandedWeights {
  inMatrix: Tensor;
  inBias: Tensor;
  /** Per residual layer: [L·C + L + 1, L·C] each. */
  gate: Tensor[];
  filter: Tensor[];
  /** Per residual layer: the residual and skip halves of the 1×1 output convolution, [C, C] and [C]. */
  residual: { w: Tensor; b: Tensor }[];
  skip: { w: Tensor; b: Tensor }[];
  skipMatrix: Tensor;
  skipBias: Tensor;
  outMatrix: Tensor;
  outBias: Tensor;
}

function tensorsOf(k: { w: ExpandedWeights; extra: Tensor; steps: Tensor }): Tensor[] {
  const w = k.w;
  return [w.inMatrix, w.inBias, ...w.gate, ...w.filter, ...w.residual.flatMap((p) => [p.w, p.b]), ...w.skip.flatMap((p) => [p.w, p.b]), w.skipMatrix, w.skipBias, w.outMatrix, w.outBias, k.extra, k.steps];
}

export class EpsilonTheta {
  private readonly table: Tensor;
  private readonly L: number;
  /** Circular padding [D, L]; tap patterns [R, 3, L·L] (one per residual layer) and [3, Ls·Lt] of the two valid convolutions; I_L. */
  private readonly pad: Tensor;
  private readonly taps: Tensor;
  private readonly skipTaps: Tensor;
  private readonly outTaps: Tensor;
  private readonly eye: Tensor;

  constructor(private readonly store: ParamStore, readonly config: EpsilonThetaConfig, private readonly prefix: string) {
    checkEpsilonThetaConfig(config);
    const D = config.dim, L = D + 4, R = config.residualLayers;
    this.L = L;
    this.table = tf.tensor2d(stepEmbeddingTable(config.maxSteps, config.timeEmbedding), [config.maxSteps, 2 * config.timeEmbedding]);
    this.pad = tf.tensor2d(paddingMatrix(D), [D, L]);
    const taps = new Float32Array(R * 3 * L * L);
    for (let i = 0; i < R; i++) taps.set(tapPattern(L, true, 2 ** (i % config.dilationCycle)), i * 3 * L * L);
    this.taps = tf.tensor3d(taps, [R, 3, L * L]);
    this.skipTaps = tf.tensor2d(tapPattern(L, false), [3, L * (L - 2)]);
    this.outTaps = tf.tensor2d(tapPattern(L - 2, false), [3, (L - 2) * D]);
    this.eye = tf.tensor2d(identityPattern(L), [L, L]);
  }

  private w(name: string): Tensor {
    return this.store.get(`${this.prefix}.${name}.w`);
  }

  private b(name: string): Tensor {
    return this.store.get(`${this.prefix}.${name}.b`);
  }

  /** The matrix [Ls·Cin, Lt·Cout] of a 3-tap convolution with kernel W [3·Cin, Cout] and tap pattern S [3, Ls·Lt]. */
  private expand(W: Tensor, S: Tensor, Ls: number, Lt: number): Tensor {
    const Cout = W.shape[1] as number, Cin = W.shape[0] / 3;
    const m = tf.matMul(S, tf.reshape(W, [3, Cin * Cout]), true, false); // [Ls·Lt, Cin·Cout]
    return tf.reshape(tf.transpose(tf.reshape(m, [Ls, Lt, Cin, Cout]), [0, 2, 1, 3]), [Ls * Cin, Lt * Cout]);
  }

  /** The per-layer parameters stacked: [R, ...shape of one]. */
  private stacked(kind: 'w' | 'b', part: string): Tensor {
    return tf.stack(Array.from({ length: this.config.residualLayers }, (_, i) => (kind === 'w' ? this.w(`res${i}.${part}`) : this.b(`res${i}.${part}`))));
  }

  /**
   * Every residual layer's gate/filter matrix, built from its kernels: [R, L·C + L + 1, 2·L·C],
   * rows [y positions·channels | conditioner positions | 1], columns [half, t, c] — the dilated
   * convolution, the conditioner's 1×1 convolution and both biases.
   */
  private layerMatrices(): { gated: Tensor } {
    const c = this.config, R = c.residualLayers, C = c.residualChannels, L = this.L;
    const ones = (shape: number[]) => tf.ones(shape);
    // Dilated convolutions: S_iᵀ [L·L, 3] × W_i [3, C·2C] → [R, s, t, cin, half, cout] → [R, s, cin, half, t, cout].
    const m = tf.matMul(this.taps, tf.reshape(this.stacked('w', 'dilated'), [R, 3, C * 2 * C]), true, false);
    const dil = tf.reshape(tf.transpose(tf.reshape(m, [R, L, L, C, 2, C]), [0, 1, 3, 4, 2, 5]), [R, L * C, 2 * L * C]);
    // Conditioner rows: position t' feeds (half, t = t', c) with weight Wc[half·C + c].
    const wc = tf.reshape(this.stacked('w', 'cond'), [R, 1, 2, 1, C]);
    const cond = tf.reshape(tf.mul(wc, tf.reshape(this.eye, [1, L, 1, L, 1])), [R, L, 2 * L * C]);
    // Bias row: (bd + bc)[half·C + c] at every position t.
    const bias = tf.reshape(tf.mul(tf.reshape(tf.add(this.stacked('b', 'dilated'), this.stacked('b', 'cond')), [R, 1, 2, 1, C]), ones([1, 1, 1, L, 1])), [R, 1, 2 * L * C]);
    const gated = tf.concat([dil, cond, bias], 1);
    return { gated };
  }

  /** ε̂ for noisy values x [N, D] at integer steps k [N] with conditioning h [N, H] → [N, D]. */
  predict(x: Tensor, k: Tensor, h: Tensor): Tensor {
    return this.run(x, this.stepProjections(tf.gather(this.table, k)), this.weights(), this.conditioner(h));
  }

  /**
   * The denoiser at fixed weights and conditioning, for the reverse process: everything that does
   * not depend on x or k — the expanded matrices, the conditioner's columns for `h` [N, H], the
   * step projections of every step k — is computed once, and `predict(x, k)` runs only the
   * residual layers. Dispose it when sampling is done (and before the weights change).
   */
  prepare(h: Tensor): { predict(x: Tensor, k: number): Tensor; dispose(): void } {
    let kept: { w: ExpandedWeights; extra: Tensor; steps: Tensor } | undefined;
    tf.tidy(() => {
      kept = { w: this.weights(), extra: this.conditioner(h), steps: this.stepProjections(this.table) };
      for (const t of tensorsOf(kept)) tf.keep(t);
    });
    const { w, extra, steps } = kept as NonNullable<typeof kept>;
    const K = this.config.maxSteps;
    return {
      predict: (x, k) => {
        if (!Number.isInteger(k) || k < 0 || k >= K) throw new ArgumentError(`diffusion step k must be an integer in 0..${K - 1}; got ${k}`, 'k');
        return this.run(x, tf.slice(steps, [k, 0], [1, -1]), w, extra);
      },
      dispose: () => tf.dispose(tensorsOf({ w, extra, steps })),
    };
  }

  /** Step embeddings e [M, 2E] → every layer's step projection at once, [M, R·C]. */
  private stepProjections(table: Tensor): Tensor {
    const R = this.config.residualLayers;
    let e = silu(dense(this.store, `${this.prefix}.embed1`, table));
    e = silu(dense(this.store, `${this.prefix}.embed2`, e)); // [M, Rh]
    return tf.add(tf.matMul(e, tf.concat(Array.from({ length: R }, (_, i) => this.w(`res${i}.step`)), 1)), tf.concat(Array.from({ length: R }, (_, i) => this.b(`res${i}.step`))));
  }

  /** The conditioner: h [N, H] → D values → padded → the extra input columns [cond positions, 1], [N, L + 1]. */
  private conditioner(h: Tensor): Tensor {
    let u = tf.leakyRelu(dense(this.store, `${this.prefix}.cond1`, h), 0.4);
    u = tf.leakyRelu(dense(this.store, `${this.prefix}.cond2`, u), 0.4);
    return tf.concat([tf.matMul(u, this.pad), tf.ones([h.shape[0], 1])], 1);
  }

  /** The matrices expanded from the weights (see {@link layerMatrices} and the class notes). */
  private weights(): ExpandedWeights {
    const c = this.config, C = c.residualChannels, L = this.L, D = c.dim, R = c.residualLayers, LC = L * C;
    const { gated } = this.layerMatrices();
    // Gate and filter halves as separate products, so no output is sliced.
    // (With one layer no unstack: tfjs' Unpack gradient fails when the op has a single output.)
    const perLayer = (m: Tensor) => (R === 1 ? [tf.reshape(m, [-1, LC])] : tf.unstack(tf.reshape(m, [R, -1, LC])));
    const [gate, filter] = tf.split(tf.reshape(gated, [R, -1, 2, LC]), 2, 2).map(perLayer);
    const half = (name: string, j: 0 | 1) => ({ w: tf.slice(this.w(name), [0, j * C], [C, C]), b: tf.slice(this.b(name), [j * C], [C]) });
    return {
      inMatrix: tf.reshape(tf.mul(tf.reshape(this.pad, [D, L, 1]), tf.reshape(this.w('input'), [1, 1, C])), [D, LC]),
      inBias: tf.reshape(tf.mul(tf.reshape(this.b('input'), [1, C]), tf.ones([L, 1])), [LC]),
      gate, filter,
      residual: Array.from({ length: R }, (_, i) => half(`res${i}.out`, 0)),
      skip: Array.from({ length: R }, (_, i) => half(`res${i}.out`, 1)),
      skipMatrix: this.expand(this.w('skip'), this.skipTaps, L, L - 2),
      skipBias: tf.reshape(tf.mul(tf.reshape(this.b('skip'), [1, C]), tf.ones([L - 2, 1])), [(L - 2) * C]),
      outMatrix: this.expand(this.w('output'), this.outTaps, L - 2, D),
      // A new tensor (sharing the parameter's data), so disposing a prepared denoiser leaves the parameter.
      outBias: tf.clone(this.b('output')),
    };
  }

  /** The network on x [N, D], given every layer's step projection ([N, R·C], or [1, R·C] for one k), the weights and the conditioner's columns. */
  private run(x: Tensor, steps: Tensor, w: ExpandedWeights, extra: Tensor): Tensor {
    const c = this.config, C = c.residualChannels, L = this.L, R = c.residualLayers, LC = L * C;
    const N = x.shape[0];
    const leaky = (t: Tensor) => tf.leakyRelu(t, 0.4);
    // 1. Input projection over the circularly padded values: P ⊗ w_in [D, L·C].
    let z = leaky(tf.add(tf.matMul(x, w.inMatrix), w.inBias)); // [N, L·C]
    // 2. Residual layers. The residual and skip 1×1 convolutions act on each position alone:
    //    [N·L, C] × [C, C] on the flat activations.
    const perPosition = (t: Tensor, p: { w: Tensor; b: Tensor }) => tf.reshape(leaky(tf.add(tf.matMul(tf.reshape(t, [N * L, C]), p.w), p.b)), [N, LC]);
    let skip: Tensor | null = null;
    for (let i = 0; i < R; i++) {
      const zs = tf.add(tf.reshape(z, [N, L, C]), tf.reshape(tf.slice(steps, [0, i * C], [-1, C]), [-1, 1, C]));
      const y = tf.concat([tf.reshape(zs, [N, LC]), extra], 1);
      const g = tf.mul(tf.sigmoid(tf.matMul(y, w.gate[i])), tf.tanh(tf.matMul(y, w.filter[i])));
      z = tf.mul(tf.add(z, perPosition(g, w.residual[i])), Math.SQRT1_2);
      const s = perPosition(g, w.skip[i]);
      skip = skip ? tf.add(skip, s) : s;
    }
    // 3. Skip and output projections: valid 3-tap convolutions L → L − 2 → D positions.
    const o = leaky(tf.add(tf.matMul(tf.mul(skip as Tensor, 1 / Math.sqrt(R)), w.skipMatrix), w.skipBias));
    return tf.add(tf.matMul(o, w.outMatrix), w.outBias); // [N, D]
  }

  /** Frees the constant tables (not the parameters, which the store owns). */
  dispose(): void {
    for (const t of [this.table, this.pad, this.taps, this.skipTaps, this.outTaps, this.eye]) t.dispose();
  }
}
