/**
 * Recurrent cells for the neural forecasters: multi-layer LSTM (Hochreiter & Schmidhuber 1997,
 * with the forget gate of Gers, Schmidhuber & Cummins 2000) and GRU (Cho et al. 2014), in
 * PyTorch's conventions so that weights carry over from `torch.nn.LSTM` / `torch.nn.GRU`:
 *
 *   LSTM, gate blocks in the order i, f, g, o:
 *     i = σ(x W_ii + b_ii + h W_hi + b_hi)    f = σ(x W_if + b_if + h W_hf + b_hf)
 *     g = tanh(x W_ig + b_ig + h W_hg + b_hg) o = σ(x W_io + b_io + h W_ho + b_ho)
 *     c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
 *
 *   GRU, gate blocks in the order r, z, n, "reset-after" (the reset gate multiplies the hidden
 *   product *after* the matrix product, as cuDNN and PyTorch; tf.layers' GRU is the reset-before
 *   variant of Cho et al., a different function):
 *     r = σ(x W_ir + b_ir + h W_hr + b_hr)    z = σ(x W_iz + b_iz + h W_hz + b_hz)
 *     n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)),   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Parameters are named as PyTorch's (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
 * under a prefix) and initialised as PyTorch does, U(−1/√H, 1/√H) for every weight and bias, but
 * the weight matrices are stored transposed, [in, G·H] and [H, G·H] (G = 4 gate blocks for the
 * LSTM, 3 for the GRU): PyTorch's `weight_ih_l0` is the transpose of ours. Stored that way, both
 * products are plain untransposed matMuls, the fast path of the wasm backend.
 *
 * Sequences are time-major, [T, B, in]. The input projection x W_ih + b of all T steps of a layer
 * is ONE matrix product [T·B, in] × [in, G·H]; only the recurrent product h W_hh runs per step.
 * The LSTM's two biases are folded into that projection (they only ever appear summed); the GRU
 * folds b_ih and adds b_hh per step, because b_hn sits inside the reset gate's product. The state
 * is handed in and out, so a sampler advances one step at a time ({@link RNN.step}).
 *
 * Speed. The wasm backend's Tanh is a scalar loop about 15× slower per element than its Sigmoid,
 * so every tanh is computed as tanh(a) = 2σ(2a) − 1: the columns of the LSTM's g block and of the
 * GRU's n block are doubled once per call (so the LSTM's four gates come out of ONE sigmoid) and
 * tanh(c) is 2σ(2c) − 1. Under a gradient tape ({@link RNN.forwardTrain}) each layer's recurrence
 * is one custom-gradient op with hand-written backpropagation through time, built on the wasm and
 * cpu backends from fused cell kernels (a step's elementwise work in one call each way): per time
 * step four kernel calls forward and two backward instead of ~45 on the generic tape, no copies
 * of saved tensors, and the recurrent weights' gradient as one product over all steps. A training
 * step of a 1-layer LSTM (H 40, T 24, batch 32) takes about a third of the generic tape's time.
 *
 * This module holds the network (weights, spec and shape checks, state handling); the cell math
 * and the hand-written recurrences are in ops/rnn-cells.ts, the fused kernels in ops/rnn-kernels.ts.
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor, type Variable } from './engine/tf.js';
import { gruCell, gruSequenceFused, gruSequenceOps, lstmCell, lstmSequenceFused, lstmSequenceOps, tanhBlockScale, type CellWeights, type Consts } from './ops/rnn-cells.js';
import { ensureCellKernels, runCell } from './ops/rnn-kernels.js';
import type { ParamStore } from './params.js';

/** The recurrent cell: 'lstm' or 'gru'. */
export type CellType = 'lstm' | 'gru';

export const CELL_TYPES: readonly CellType[] = ['lstm', 'gru'];

/** Architecture of a stacked recurrent network. */
export interface RNNSpec {
  readonly cell: CellType;
  /** Features per time step of the input. */
  readonly inputSize: number;
  /** Units per layer (H). */
  readonly hiddenSize: number;
  /** Stacked layers (≥ 1); layer k > 0 reads the hidden states of layer k − 1. */
  readonly layers: number;
}

/** Recurrent state: per layer, h (and, for the LSTM, the cell c), each [B, H]. */
export type RNNState = {
  h: Tensor[];
  /** LSTM cell states; absent for the GRU. */
  c?: Tensor[];
};

interface LayerWeights {
  wIh: Variable;
  wHh: Variable;
  bIh: Variable;
  bHh: Variable;
}

/** Number of gate blocks G of a cell. */
export function gatesOf(cell: CellType): number {
  return cell === 'lstm' ? 4 : 3;
}

/** Checks an RNN specification; throws ArgumentError naming the bad field. */
export function checkRNNSpec(spec: RNNSpec): RNNSpec {
  if (!CELL_TYPES.includes(spec.cell)) throw new ArgumentError(`cell must be one of ${CELL_TYPES.join(', ')}; got '${String(spec.cell)}'`, 'cell');
  for (const [k, v] of [['inputSize', spec.inputSize], ['hiddenSize', spec.hiddenSize], ['layers', spec.layers]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${k} must be a positive integer; got ${String(v)}`, k);
  }
  return spec;
}

/** Parameter names and shapes (ours: weights transposed relative to PyTorch) of an RNN under `prefix`. */
export function rnnShapes(spec: RNNSpec, prefix = 'rnn'): Map<string, number[]> {
  checkRNNSpec(spec);
  const G = gatesOf(spec.cell), H = spec.hiddenSize;
  const out = new Map<string, number[]>();
  for (let l = 0; l < spec.layers; l++) {
    const inSize = l === 0 ? spec.inputSize : H;
    out.set(`${prefix}.weight_ih_l${l}`, [inSize, G * H]);
    out.set(`${prefix}.weight_hh_l${l}`, [H, G * H]);
    out.set(`${prefix}.bias_ih_l${l}`, [G * H]);
    out.set(`${prefix}.bias_hh_l${l}`, [G * H]);
  }
  return out;
}

/** A stacked LSTM or GRU whose weights live in a {@link ParamStore}. */
export class RNN {
  readonly spec: RNNSpec;
  private readonly weights: LayerWeights[];

  private constructor(spec: RNNSpec, weights: LayerWeights[]) {
    this.spec = spec;
    this.weights = weights;
  }

  /** Adds freshly initialised weights (PyTorch's U(−1/√H, 1/√H)) to `params` and returns the network. */
  static create(params: ParamStore, spec: RNNSpec, rng: Rng, prefix = 'rnn'): RNN {
    const bound = 1 / Math.sqrt(spec.hiddenSize);
    for (const [name, shape] of rnnShapes(spec, prefix)) params.add(name, shape, { uniform: bound }, rng);
    return RNN.attach(params, spec, prefix);
  }

  /** The network over weights already in `params` (e.g. restored from JSON). */
  static attach(params: ParamStore, spec: RNNSpec, prefix = 'rnn'): RNN {
    checkRNNSpec(spec);
    const weights: LayerWeights[] = [];
    for (let l = 0; l < spec.layers; l++) {
      weights.push({
        wIh: params.get(`${prefix}.weight_ih_l${l}`),
        wHh: params.get(`${prefix}.weight_hh_l${l}`),
        bIh: params.get(`${prefix}.bias_ih_l${l}`),
        bHh: params.get(`${prefix}.bias_hh_l${l}`),
      });
    }
    return new RNN(spec, weights);
  }

  /** Zero state for a batch of B sequences. */
  zeroState(batch: number): RNNState {
    const H = this.spec.hiddenSize;
    const h = this.weights.map(() => tf.zeros([batch, H]));
    return this.spec.cell === 'lstm' ? { h, c: this.weights.map(() => tf.zeros([batch, H])) } : { h };
  }

  /** Layer l's weights with the tanh block doubled (differentiable: a few ops per call). */
  private cellWeights(l: number): CellWeights {
    const w = this.weights[l];
    const m = tanhBlockScale(gatesOf(this.spec.cell), this.spec.hiddenSize);
    if (this.spec.cell === 'lstm') return { wIh: tf.mul(w.wIh, m), wHh: tf.mul(w.wHh, m), bX: tf.mul(tf.add(w.bIh, w.bHh), m) };
    return { wIh: tf.mul(w.wIh, m), wHh: tf.mul(w.wHh, m), bX: tf.mul(w.bIh, m), bH: tf.mul(w.bHh, m) };
  }

  private consts(): Consts {
    return { one: tf.scalar(1), two: tf.scalar(2) };
  }

  /**
   * Runs the network over a time-major sequence x [T, B, in] from `state` (zeros when omitted).
   * Returns the top layer's hidden states [T, B, H] and the final state. Differentiable (by the
   * generic tape); call it inside `tf.tidy` or a gradient function. Outside a tape, on the wasm
   * and cpu backends, the steps run on the fused cell kernels (same values to float rounding).
   */
  forward(x: Tensor, state?: RNNState): { output: Tensor; state: RNNState } {
    const [T, B, F] = this.checkSequence(x, 'forward');
    const H = this.spec.hiddenSize, G = gatesOf(this.spec.cell);
    const fused = tf.engine().state.gradientDepth === 0 && ensureCellKernels();
    const k = this.consts();
    const hOut: Tensor[] = [], cOut: Tensor[] = [];
    let input: Tensor = tf.reshape(x, [T * B, F]);
    for (let l = 0; l < this.weights.length; l++) {
      const cw = this.cellWeights(l);
      const xp = tf.fused.matMul({ a: input, b: cw.wIh, bias: cw.bX });
      const steps = tf.unstack(tf.reshape(xp, [T, B, G * H]), 0);
      let h: Tensor | null = state ? state.h[l] : null;
      let c: Tensor | null = state?.c ? state.c[l] : null;
      const hs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        if (fused && this.spec.cell === 'lstm') {
          const s = tf.sigmoid(h ? tf.add(steps[t], tf.matMul(h, cw.wHh)) : steps[t]);
          [h, c] = runCell('ArdiffLstmCell', { s, c }, t, B, H);
        } else if (fused) {
          const hp = h ?? tf.zeros([B, H]);
          const gh = tf.fused.matMul({ a: hp, b: cw.wHh, bias: cw.bH });
          [h] = runCell('ArdiffGruCell', { xp, gh, s: tf.sigmoid(tf.add(steps[t], gh)), h: hp }, t, B, H);
        } else if (this.spec.cell === 'lstm') {
          [h, c] = lstmCell(steps[t], h, c, cw, H, k);
        } else {
          h = gruCell(steps[t], h ?? tf.zeros([B, H]), cw, H, k);
        }
        hs.push(h);
      }
      hOut.push(h as Tensor);
      if (c) cOut.push(c);
      input = tf.concat(hs, 0);
    }
    return { output: tf.reshape(input, [T, B, H]), state: this.spec.cell === 'lstm' ? { h: hOut, c: cOut } : { h: hOut } };
  }

  /**
   * Training forward from the zero state: the top layer's hidden states [T, B, H] of a time-major
   * x [T, B, in], the values of {@link RNN.forward}. Under a gradient tape each layer's recurrence
   * is one op with a hand-written backward: on the wasm and cpu backends built from fused cell
   * kernels ({@link lstmSequenceFused}: four kernel calls per step forward, two backward), on
   * others from standard ops ({@link lstmSequenceOps}); `fused: false` forces the latter. Outside
   * a tape this is `forward`.
   */
  forwardTrain(x: Tensor, options: { fused?: boolean } = {}): Tensor {
    if (tf.engine().state.gradientDepth === 0) return this.forward(x).output;
    const [T, B, F] = this.checkSequence(x, 'forwardTrain');
    const fused = options.fused !== false && ensureCellKernels();
    let input: Tensor = tf.reshape(x, [T * B, F]);
    for (let l = 0; l < this.weights.length; l++) {
      const cw = this.cellWeights(l);
      const xp = tf.fused.matMul({ a: input, b: cw.wIh, bias: cw.bX });
      if (this.spec.cell === 'lstm') input = (fused ? lstmSequenceFused : lstmSequenceOps)(T, B)(xp, cw.wHh);
      else input = (fused ? gruSequenceFused : gruSequenceOps)(T, B)(xp, cw.wHh, cw.bH as Tensor);
    }
    return tf.reshape(input, [T, B, this.spec.hiddenSize]);
  }

  /**
   * One time step: x [B, in] and the state; returns the top hidden state [B, H] (the same tensor
   * as the new state's last h: dispose the state, not both) and the new state.
   */
  step(x: Tensor, state: RNNState): { output: Tensor; state: RNNState } {
    if (x.rank !== 2 || x.shape[1] !== this.spec.inputSize) throw new ArgumentError(`RNN.step: x must be [B, ${this.spec.inputSize}]; got [${x.shape.join(', ')}]`, 'x');
    const H = this.spec.hiddenSize;
    const k = this.consts();
    const hOut: Tensor[] = [], cOut: Tensor[] = [];
    let input = x;
    for (let l = 0; l < this.weights.length; l++) {
      const cw = this.cellWeights(l);
      const xp = tf.fused.matMul({ a: input, b: cw.wIh, bias: cw.bX });
      if (this.spec.cell === 'lstm') {
        const [h, c] = lstmCell(xp, state.h[l], (state.c as Tensor[])[l], cw, H, k);
        hOut.push(h);
        cOut.push(c);
        input = h;
      } else {
        input = gruCell(xp, state.h[l], cw, H, k);
        hOut.push(input);
      }
    }
    return { output: input, state: this.spec.cell === 'lstm' ? { h: hOut, c: cOut } : { h: hOut } };
  }

  private checkSequence(x: Tensor, where: string): [number, number, number] {
    if (x.rank !== 3 || x.shape[2] !== this.spec.inputSize) throw new ArgumentError(`RNN.${where}: x must be [T, B, ${this.spec.inputSize}]; got [${x.shape.join(', ')}]`, 'x');
    const [T, B, F] = x.shape as [number, number, number];
    return [T, B, F];
  }
}

/** Disposes every tensor of a state. */
export function disposeState(state: RNNState): void {
  for (const t of state.h) t.dispose();
  for (const t of state.c ?? []) t.dispose();
}

