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
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor, type Variable } from './engine/tf.js';
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

/** A layer's weights as the cells use them: tanh blocks' columns doubled (module notes). */
interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  /** Bias of the input projection (LSTM: b_ih + b_hh; GRU: b_ih). */
  bX: Tensor;
  /** GRU: b_hh. */
  bH?: Tensor;
}

/** Scalar constants of one call, made once instead of once per op. */
interface Consts {
  one: Tensor;
  two: Tensor;
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

/** tanh(x) = 2σ(2x) − 1 (the wasm Sigmoid is much faster than its Tanh). */
function tanh2(x: Tensor, k: Consts): Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, k.two)), k.two), k.one);
}

/** [G·H] column scale: 1, except 2 on the block that feeds a tanh (the third: LSTM g, GRU n). */
function tanhBlockScale(cell: CellType, H: number): Tensor {
  const m = new Float32Array(gatesOf(cell) * H).fill(1);
  m.fill(2, 2 * H, 3 * H);
  return tf.tensor1d(m);
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
    const m = tanhBlockScale(this.spec.cell, this.spec.hiddenSize);
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

/**
 * LSTM update from the (g-doubled) input projection xp [B, 4H]; h = c = null is the zero state.
 * One sigmoid gives i, f, o and σ(2a_g), from which g = 2σ(2a_g) − 1 = tanh(a_g).
 */
function lstmCell(xp: Tensor, h: Tensor | null, c: Tensor | null, w: CellWeights, H: number, k: Consts): [Tensor, Tensor] {
  const B = xp.shape[0];
  const s = tf.sigmoid(h ? tf.add(xp, tf.matMul(h, w.wHh)) : xp);
  const i = tf.slice(s, [0, 0], [B, H]);
  const g = tf.sub(tf.mul(tf.slice(s, [0, 2 * H], [B, H]), k.two), k.one);
  const ig = tf.mul(i, g);
  const c2 = c ? tf.add(tf.mul(tf.slice(s, [0, H], [B, H]), c), ig) : ig;
  return [tf.mul(tf.slice(s, [0, 3 * H], [B, H]), tanh2(c2, k)), c2];
}

/** GRU (reset-after) update from the (n-doubled) input projection xp [B, 3H]. */
function gruCell(xp: Tensor, h: Tensor, w: CellWeights, H: number, k: Consts): Tensor {
  const B = xp.shape[0];
  const gh = tf.fused.matMul({ a: h, b: w.wHh, bias: w.bH });
  const rz = tf.sigmoid(tf.add(tf.slice(xp, [0, 0], [B, 2 * H]), tf.slice(gh, [0, 0], [B, 2 * H])));
  const r = tf.slice(rz, [0, 0], [B, H]);
  const z = tf.slice(rz, [0, H], [B, H]);
  // n = tanh(a_n) = 2σ(2a_n) − 1, with 2a_n = xp_n + r ⊙ gh_n in the doubled columns.
  const n = tf.sub(tf.mul(tf.sigmoid(tf.add(tf.slice(xp, [0, 2 * H], [B, H]), tf.mul(r, tf.slice(gh, [0, 2 * H], [B, H])))), k.two), k.one);
  // (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n): three ops instead of four.
  return tf.add(n, tf.mul(z, tf.sub(h, n)));
}

/** Disposes every tensor of a state. */
export function disposeState(state: RNNState): void {
  for (const t of state.h) t.dispose();
  for (const t of state.c ?? []) t.dispose();
}

// ---------------------------------------------------------------------------------------------
// Backpropagation through time by hand.
//
// Each op maps the (tanh-block-doubled) input projection xp [T·B, G·H] and recurrent weights to
// the hidden states [T·B, H] of all steps from the zero state, computing exactly the cells above.
// The forward keeps the activations the backward needs (tf.keep inside the op, released by the
// backward) rather than through tfjs' `save`, which copies every saved tensor; forwardTrain only
// builds these ops under a gradient tape, where the backward runs. The backward walks
// t = T−1..0 with elementwise ops, one concat and one product dA_t W_hhᵀ per step; the weight
// gradient Σ_t h_{t−1}ᵀ dA_t is one product of the stacked states and gate gradients.

/** Keeps `t` past the custom op's internal scope and records it for release. */
function held<T extends Tensor>(list: Tensor[], t: T): T {
  list.push(tf.keep(t));
  return t;
}

/**
 * LSTM recurrence with a hand-written gradient. With a' the doubled-g pre-activation and
 * s = σ(a'), g = 2s_g − 1, the gradient with respect to a' is, for every block alike,
 *   dA = [di, df, dg, do] ⊙ s(1 − s) ⊙ m,   m = 1 on i, f, o and 2 on g (dg/ds_g = 2),
 * with do = dh ⊙ tanh(c_t), dc = dh ⊙ o ⊙ (1 − tanh²c_t) + dc_{t+1}, di = dc ⊙ g,
 * df = dc ⊙ c_{t−1}, dg = dc ⊙ i, dc_{t−1} ← dc ⊙ f and dh_{t−1} = dA W_hhᵀ. The factor m is
 * folded into the rows of W_hhᵀ and applied once to the stacked results, not per step.
 */
function lstmSequenceOps(T: number, B: number): (xp: Tensor, wHh: Tensor) => Tensor {
  return tf.customGrad(((xp: Tensor, wHh: Tensor, _save: tf.GradSaveFunc) => {
    const H = wHh.shape[0];
    const keep: Tensor[] = [];
    const k: Consts = { one: held(keep, tf.scalar(1)), two: tf.scalar(2) };
    const m = held(keep, tanhBlockScale('lstm', H));
    // The inputs are the caller's intermediates, freed after the forward: keep a copy for the backward.
    const wKept = held(keep, tf.clone(wHh));
    const steps = tf.unstack(tf.reshape(xp, [T, B, 4 * H]), 0);
    const hs: Tensor[] = [], cs: Tensor[] = [], tcs: Tensor[] = [], is: Tensor[] = [], fs: Tensor[] = [], gs: Tensor[] = [], os: Tensor[] = [], ds: Tensor[] = [];
    let h: Tensor | null = null, c: Tensor | null = null;
    for (let t = 0; t < T; t++) {
      const s: Tensor = tf.sigmoid(h ? tf.add(steps[t], tf.matMul(h, wHh)) : steps[t]);
      const i = held(keep, tf.slice(s, [0, 0], [B, H]));
      const f = held(keep, tf.slice(s, [0, H], [B, H]));
      const g = held(keep, tf.sub(tf.mul(tf.slice(s, [0, 2 * H], [B, H]), k.two), k.one));
      const o: Tensor = held(keep, tf.slice(s, [0, 3 * H], [B, H]));
      const ig = tf.mul(i, g);
      c = held(keep, c ? tf.add(tf.mul(f, c), ig) : ig);
      const tc = held(keep, tanh2(c, k));
      h = held(keep, tf.mul(o, tc));
      ds.push(held(keep, tf.mul(s, tf.sub(k.one, s))));
      hs.push(h); cs.push(c); tcs.push(tc); is.push(i); fs.push(f); gs.push(g); os.push(o);
    }
    const value = tf.concat(hs, 0);
    const gradFunc = (dy: Tensor): Tensor[] => {
      try {
        const dys = tf.unstack(tf.reshape(dy, [T, B, H]), 0);
        const wT = tf.mul(tf.transpose(wKept), tf.reshape(m, [4 * H, 1]));
        const dA: Tensor[] = new Array<Tensor>(T);
        let dhRec: Tensor | null = null, dcNext: Tensor | null = null;
        for (let t = T - 1; t >= 0; t--) {
          const dh: Tensor = dhRec ? tf.add(dys[t], dhRec) : dys[t];
          let dc = tf.mul(tf.mul(dh, os[t]), tf.sub(k.one, tf.square(tcs[t])));
          if (dcNext) dc = tf.add(dc, dcNext);
          const df = t > 0 ? tf.mul(dc, cs[t - 1]) : tf.zerosLike(dc);
          dA[t] = tf.mul(tf.concat([tf.mul(dc, gs[t]), df, tf.mul(dc, is[t]), tf.mul(dh, tcs[t])], 1), ds[t]);
          dcNext = t > 0 ? tf.mul(dc, fs[t]) : null;
          dhRec = t > 0 ? tf.matMul(dA[t], wT) : null;
        }
        const dXp = tf.mul(tf.concat(dA, 0), m);
        // Σ_{t≥1} h_{t−1}ᵀ dA_t (h_{−1} = 0): states of steps 0..T−2 against gradients of 1..T−1.
        const dW = T > 1
          ? tf.mul(tf.matMul(tf.concat(hs.slice(0, T - 1), 0), tf.concat(dA.slice(1), 0), true, false), m)
          : tf.zerosLike(wKept);
        return [dXp, dW];
      } finally {
        for (const t of keep) t.dispose();
      }
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]) as (xp: Tensor, wHh: Tensor) => Tensor;
}

/**
 * GRU (reset-after) recurrence with a hand-written gradient, in the doubled-n parametrisation:
 * gh = h W_hh + b_hh, a'_n = xp_n + r ⊙ gh_n, n = 2σ(a'_n) − 1, h' = n + z ⊙ (h − n), so
 * ∂n/∂a'_n = 2σ(a'_n)(1 − σ(a'_n)) = σ(a'_n)(1 − n) and
 *   da'_n = dh' ⊙ (1 − z) ⊙ σ(a'_n)(1 − n),  dz = dh' ⊙ (h − n),  dr = da'_n ⊙ gh_n,
 *   [da_r, da_z] = [dr, dz] ⊙ rz(1 − rz),  dxp = [da_r, da_z, da'_n],  dgh = [da_r, da_z, da'_n ⊙ r],
 *   dh = dh' ⊙ z + dgh W_hhᵀ,  dW_hh = Σ h_{t−1}ᵀ dgh_t,  db_hh = Σ dgh_t.
 */
function gruSequenceOps(T: number, B: number): (xp: Tensor, wHh: Tensor, bHh: Tensor) => Tensor {
  return tf.customGrad(((xp: Tensor, wHh: Tensor, bHh: Tensor, _save: tf.GradSaveFunc) => {
    const H = wHh.shape[0];
    const keep: Tensor[] = [];
    const one = tf.scalar(1), two = tf.scalar(2);
    const wKept = held(keep, tf.clone(wHh));
    const steps = tf.unstack(tf.reshape(xp, [T, B, 3 * H]), 0);
    const hs: Tensor[] = [], rs: Tensor[] = [], zs: Tensor[] = [], ghn: Tensor[] = [], hmn: Tensor[] = [], drz: Tensor[] = [], dan: Tensor[] = [];
    let h: Tensor = tf.zeros([B, H]);
    for (let t = 0; t < T; t++) {
      const gh = tf.fused.matMul({ a: h, b: wHh, bias: bHh });
      const rz = tf.sigmoid(tf.add(tf.slice(steps[t], [0, 0], [B, 2 * H]), tf.slice(gh, [0, 0], [B, 2 * H])));
      const r = held(keep, tf.slice(rz, [0, 0], [B, H]));
      const z = held(keep, tf.slice(rz, [0, H], [B, H]));
      const gn = held(keep, tf.slice(gh, [0, 2 * H], [B, H]));
      const sn = tf.sigmoid(tf.add(tf.slice(steps[t], [0, 2 * H], [B, H]), tf.mul(r, gn)));
      const n = tf.sub(tf.mul(sn, two), one);
      const d = held(keep, tf.sub(h, n));
      h = held(keep, tf.add(n, tf.mul(z, d)));
      drz.push(held(keep, tf.mul(rz, tf.sub(one, rz))));
      dan.push(held(keep, tf.mul(tf.sub(one, z), tf.mul(sn, tf.sub(one, n)))));
      hs.push(h); rs.push(r); zs.push(z); ghn.push(gn); hmn.push(d);
    }
    const value = tf.concat(hs, 0);
    const gradFunc = (dy: Tensor): Tensor[] => {
      try {
        const dys = tf.unstack(tf.reshape(dy, [T, B, H]), 0);
        const wT = tf.transpose(wKept);
        const dX: Tensor[] = new Array<Tensor>(T), dG: Tensor[] = new Array<Tensor>(T);
        let dhRec: Tensor | null = null;
        for (let t = T - 1; t >= 0; t--) {
          const dh: Tensor = dhRec ? tf.add(dys[t], dhRec) : dys[t];
          const dn = tf.mul(dh, dan[t]);
          const dRZ = tf.mul(tf.concat([tf.mul(dn, ghn[t]), tf.mul(dh, hmn[t])], 1), drz[t]);
          dX[t] = tf.concat([dRZ, dn], 1);
          dG[t] = tf.concat([dRZ, tf.mul(dn, rs[t])], 1);
          dhRec = t > 0 ? tf.add(tf.mul(dh, zs[t]), tf.matMul(dG[t], wT)) : null;
        }
        const dGh = tf.concat(dG, 0);
        const dW = T > 1
          ? tf.matMul(tf.concat(hs.slice(0, T - 1), 0), tf.concat(dG.slice(1), 0), true, false)
          : tf.zerosLike(wKept);
        return [tf.concat(dX, 0), dW, tf.sum(dGh, 0)];
      } finally {
        for (const t of keep) t.dispose();
      }
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]) as (xp: Tensor, wHh: Tensor, bHh: Tensor) => Tensor;
}

// ---------------------------------------------------------------------------------------------
// Fused cell kernels.
//
// Under tfjs every op costs 10–25 µs of bookkeeping before any arithmetic, while the elementwise
// work of one cell step on a [32, 40] batch is a few µs: a step built from ~17 ops forward and
// ~15 backward is bookkeeping-bound. These kernels do a step's elementwise work in one call each
// way, reading and writing the backend's memory directly (the wasm heap, or the cpu backend's
// arrays), so a training step costs two kernels plus two matrix products per time step. They are
// registered under ardiff's own names for the wasm and cpu backends only and called only inside
// the sequence ops below (no tape, so no gradients of their own); other backends use the ops path.

interface KernelTensor {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** Output allocation and array views for a backend's kernels. */
interface Memory {
  out(shape: number[]): KernelTensor;
  view(t: KernelTensor): Float32Array;
}

function memoryOf(backendName: string, backend: unknown): Memory {
  if (backendName === 'wasm') {
    // Views are taken after every output is made: allocating can grow (and detach) the heap.
    const b = backend as { makeOutput(shape: number[], dtype: string): KernelTensor; typedArrayFromHeap(t: KernelTensor): Float32Array };
    return { out: (shape) => b.makeOutput(shape, 'float32'), view: (t) => b.typedArrayFromHeap(t) };
  }
  const b = backend as { makeTensorInfo(shape: number[], dtype: string, values: Float32Array): KernelTensor; readSync(dataId: object): Float32Array };
  return { out: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((x, y) => x * y, 1))), view: (t) => b.readSync(t.dataId) };
}

type CellKernel = (io: { inputs: Record<string, KernelTensor | undefined>; mem: Memory; t: number; B: number; H: number }) => KernelTensor[];

/**
 * LSTM step after the gates' sigmoid: s = σ(a') = [i, f, σ(2a_g), o] (g block doubled), so
 * g = 2s_g − 1 = tanh(a_g); c = f ⊙ c_prev + i ⊙ g, tanh(c) = 2σ(2c) − 1, h = o ⊙ tanh(c).
 * Outputs h, c and tanh(c).
 */
const lstmCellKernel: CellKernel = ({ inputs, mem, B, H }) => {
  const outs = [mem.out([B, H]), mem.out([B, H]), mem.out([B, H])];
  const h = mem.view(outs[0]), c = mem.view(outs[1]), tc = mem.view(outs[2]);
  const s = mem.view(inputs.s as KernelTensor), cp = inputs.c ? mem.view(inputs.c) : null;
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const ro = b * G, ko = b * H;
    for (let u = 0; u < H; u++) {
      const ig = s[ro + u] * (2 * s[ro + 2 * H + u] - 1);
      const cv = cp ? s[ro + H + u] * cp[ko + u] + ig : ig;
      const th = 2 / (1 + Math.exp(-2 * cv)) - 1;
      c[ko + u] = cv;
      tc[ko + u] = th;
      h[ko + u] = s[ro + 3 * H + u] * th;
    }
  }
  return outs;
};

/**
 * Backward of LSTM step t: dh = dy[t] + dh_rec, dc = dh ⊙ o ⊙ (1 − tanh²c) + dc_next, and the
 * gradient with respect to a' (g block doubled, g = 2s_g − 1 so dg/da'_g = 2s_g(1 − s_g)):
 * dA = [dc⊙g⊙i(1−i), dc⊙c_prev⊙f(1−f), dc⊙i⊙2s_g(1−s_g), dh⊙tanh c⊙o(1−o)]; also dc_prev = dc ⊙ f.
 */
const lstmCellGradKernel: CellKernel = ({ inputs, mem, t, B, H }) => {
  const outs = [mem.out([B, 4 * H]), mem.out([B, H])];
  const dA = mem.view(outs[0]), dcPrev = mem.view(outs[1]);
  const dy = mem.view(inputs.dy as KernelTensor), s = mem.view(inputs.s as KernelTensor), tc = mem.view(inputs.tc as KernelTensor);
  const dhRec = inputs.dhRec ? mem.view(inputs.dhRec) : null, dcNext = inputs.dcNext ? mem.view(inputs.dcNext) : null, cp = inputs.cPrev ? mem.view(inputs.cPrev) : null;
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const ro = b * G, ko = b * H, yo = (t * B + b) * H;
    for (let u = 0; u < H; u++) {
      const k = ko + u;
      const dh = dhRec ? dy[yo + u] + dhRec[k] : dy[yo + u];
      const i = s[ro + u], f = s[ro + H + u], sg = s[ro + 2 * H + u], o = s[ro + 3 * H + u], th = tc[k];
      const dc = dcNext ? dh * o * (1 - th * th) + dcNext[k] : dh * o * (1 - th * th);
      dA[ro + u] = dc * (2 * sg - 1) * i * (1 - i);
      dA[ro + H + u] = cp ? dc * cp[k] * f * (1 - f) : 0;
      dA[ro + 2 * H + u] = 2 * dc * i * sg * (1 - sg);
      dA[ro + 3 * H + u] = dh * th * o * (1 - o);
      dcPrev[k] = dc * f;
    }
  }
  return outs;
};

/**
 * GRU (reset-after) step after σ(xp'[t] + gh) (gh = h W'_hh + b'_hh, n block doubled), whose r
 * and z blocks are the gates: n = 2σ(xp'_n + r ⊙ gh_n) − 1, h' = n + z ⊙ (h − n). Outputs h', n.
 */
const gruCellKernel: CellKernel = ({ inputs, mem, t, B, H }) => {
  const outs = [mem.out([B, H]), mem.out([B, H])];
  const hn = mem.view(outs[0]), nn = mem.view(outs[1]);
  const xp = mem.view(inputs.xp as KernelTensor), gh = mem.view(inputs.gh as KernelTensor), s = mem.view(inputs.s as KernelTensor), h = mem.view(inputs.h as KernelTensor);
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const xo = (t * B + b) * G, ro = b * G, ko = b * H;
    for (let u = 0; u < H; u++) {
      const r = s[ro + u], z = s[ro + H + u];
      const n = 2 / (1 + Math.exp(-(xp[xo + 2 * H + u] + r * gh[ro + 2 * H + u]))) - 1;
      hn[ko + u] = n + z * (h[ko + u] - n);
      nn[ko + u] = n;
    }
  }
  return outs;
};

/**
 * Backward of GRU step t: dh = dy[t] + dhA + dhB, da'_n = dh ⊙ (1 − z) ⊙ (1 − n²)/2,
 * da_z = dh ⊙ (h − n) ⊙ z(1 − z), da_r = da'_n ⊙ gh_n ⊙ r(1 − r); outputs dxp = [da_r, da_z, da'_n],
 * dgh = [da_r, da_z, da'_n ⊙ r] and the direct path dh ⊙ z to h_{t−1}.
 */
const gruCellGradKernel: CellKernel = ({ inputs, mem, t, B, H }) => {
  const outs = [mem.out([B, 3 * H]), mem.out([B, 3 * H]), mem.out([B, H])];
  const dX = mem.view(outs[0]), dG = mem.view(outs[1]), dDirect = mem.view(outs[2]);
  const dy = mem.view(inputs.dy as KernelTensor), s = mem.view(inputs.s as KernelTensor), nn = mem.view(inputs.n as KernelTensor);
  const gh = mem.view(inputs.gh as KernelTensor), h = mem.view(inputs.h as KernelTensor);
  const dhA = inputs.dhA ? mem.view(inputs.dhA) : null, dhB = inputs.dhB ? mem.view(inputs.dhB) : null;
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const ro = b * G, ko = b * H, yo = (t * B + b) * H;
    for (let u = 0; u < H; u++) {
      const k = ko + u;
      const dh = dy[yo + u] + (dhA ? dhA[k] : 0) + (dhB ? dhB[k] : 0);
      const r = s[ro + u], z = s[ro + H + u], n = nn[k];
      const dan = 0.5 * dh * (1 - z) * (1 - n * n);
      const daz = dh * (h[k] - n) * z * (1 - z);
      const dar = dan * gh[ro + 2 * H + u] * r * (1 - r);
      dX[ro + u] = dar; dX[ro + H + u] = daz; dX[ro + 2 * H + u] = dan;
      dG[ro + u] = dar; dG[ro + H + u] = daz; dG[ro + 2 * H + u] = dan * r;
      dDirect[k] = dh * z;
    }
  }
  return outs;
};

const CELL_KERNELS: Record<string, CellKernel> = {
  ArdiffLstmCell: lstmCellKernel,
  ArdiffLstmCellGrad: lstmCellGradKernel,
  ArdiffGruCell: gruCellKernel,
  ArdiffGruCellGrad: gruCellGradKernel,
};

/** Registers the fused kernels for the current backend if it is wasm or cpu; false otherwise. */
function ensureCellKernels(): boolean {
  const backendName = tf.getBackend();
  if (backendName !== 'wasm' && backendName !== 'cpu') return false;
  for (const [kernelName, run] of Object.entries(CELL_KERNELS)) {
    if (tf.getKernel(kernelName, backendName)) continue;
    const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, KernelTensor | undefined>; backend: unknown; attrs: Record<string, unknown> }) =>
      run({ inputs, mem: memoryOf(backendName, backend), t: attrs.t as number, B: attrs.B as number, H: attrs.H as number });
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return true;
}

/** Runs a fused cell kernel; inputs that are null are left out (zero state). */
function runCell(name: string, inputs: Record<string, Tensor | null>, t: number, B: number, H: number): Tensor[] {
  const given: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) if (v) given[k] = v;
  return tf.engine().runKernel(name, given as unknown as tf.NamedTensorMap, { t, B, H } as unknown as tf.NamedAttrMap) as unknown as Tensor[];
}

/**
 * LSTM recurrence from fused kernels; same values and gradients as {@link lstmSequenceOps}. Per
 * step forward: h W', the add, one sigmoid over all gates (XNNPACK, much faster than a JS exp) and
 * the cell kernel; backward: the gradient kernel and dA W'ᵀ.
 */
function lstmSequenceFused(T: number, B: number): (xp: Tensor, wHh: Tensor) => Tensor {
  return tf.customGrad(((xp: Tensor, wHh: Tensor, _save: tf.GradSaveFunc) => {
    const H = wHh.shape[0];
    const keep: Tensor[] = [];
    const wKept = held(keep, tf.clone(wHh));
    const steps = tf.unstack(tf.reshape(xp, [T, B, 4 * H]), 0);
    const hs: Tensor[] = [], cs: Tensor[] = [], ss: Tensor[] = [], tcs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const s = held(keep, tf.sigmoid(t > 0 ? tf.add(steps[t], tf.matMul(hs[t - 1], wHh)) : steps[t]));
      const [h, c, tc] = runCell('ArdiffLstmCell', { s, c: t > 0 ? cs[t - 1] : null }, t, B, H);
      hs.push(held(keep, h)); cs.push(held(keep, c)); ss.push(s); tcs.push(held(keep, tc));
    }
    const value = tf.concat(hs, 0);
    const gradFunc = (dy: Tensor): Tensor[] => {
      try {
        const wT = tf.transpose(wKept);
        const dA: Tensor[] = new Array<Tensor>(T);
        let dhRec: Tensor | null = null, dcNext: Tensor | null = null;
        for (let t = T - 1; t >= 0; t--) {
          [dA[t], dcNext] = runCell('ArdiffLstmCellGrad', { dy, dhRec, dcNext, s: ss[t], cPrev: t > 0 ? cs[t - 1] : null, tc: tcs[t] }, t, B, H);
          dhRec = t > 0 ? tf.matMul(dA[t], wT) : null;
        }
        const dW = T > 1 ? tf.matMul(tf.concat(hs.slice(0, T - 1), 0), tf.concat(dA.slice(1), 0), true, false) : tf.zerosLike(wKept);
        return [tf.concat(dA, 0), dW];
      } finally {
        for (const t of keep) t.dispose();
      }
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]) as (xp: Tensor, wHh: Tensor) => Tensor;
}

/**
 * GRU recurrence from fused kernels; same values and gradients as {@link gruSequenceOps}. Per step
 * forward: gh = h W' + b', one sigmoid of xp' + gh (its r, z blocks are the gates) and the cell
 * kernel (n and h'); backward: the gradient kernel and dgh W'ᵀ.
 */
function gruSequenceFused(T: number, B: number): (xp: Tensor, wHh: Tensor, bHh: Tensor) => Tensor {
  return tf.customGrad(((xp: Tensor, wHh: Tensor, bHh: Tensor, _save: tf.GradSaveFunc) => {
    const H = wHh.shape[0];
    const keep: Tensor[] = [];
    const wKept = held(keep, tf.clone(wHh));
    const steps = tf.unstack(tf.reshape(xp, [T, B, 3 * H]), 0);
    const hs: Tensor[] = [held(keep, tf.zeros([B, H]))], ss: Tensor[] = [], ns: Tensor[] = [], ghs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const gh = held(keep, tf.fused.matMul({ a: hs[t], b: wHh, bias: bHh }));
      const s = held(keep, tf.sigmoid(tf.add(steps[t], gh)));
      const [h, n] = runCell('ArdiffGruCell', { xp, gh, s, h: hs[t] }, t, B, H);
      hs.push(held(keep, h)); ns.push(held(keep, n)); ss.push(s); ghs.push(gh);
    }
    // hs[t] is h_{t−1}; the outputs are hs[1..T].
    const value = tf.concat(hs.slice(1), 0);
    const gradFunc = (dy: Tensor): Tensor[] => {
      try {
        const wT = tf.transpose(wKept);
        const dX: Tensor[] = new Array<Tensor>(T), dG: Tensor[] = new Array<Tensor>(T);
        let dhA: Tensor | null = null, dhB: Tensor | null = null;
        for (let t = T - 1; t >= 0; t--) {
          [dX[t], dG[t], dhA] = runCell('ArdiffGruCellGrad', { dy, dhA, dhB, s: ss[t], n: ns[t], gh: ghs[t], h: hs[t] }, t, B, H);
          dhB = t > 0 ? tf.matMul(dG[t], wT) : null;
        }
        const dGh = tf.concat(dG, 0);
        const dW = T > 1 ? tf.matMul(tf.concat(hs.slice(1, T), 0), tf.concat(dG.slice(1), 0), true, false) : tf.zerosLike(wKept);
        return [tf.concat(dX, 0), dW, tf.sum(dGh, 0)];
      } finally {
        for (const t of keep) t.dispose();
      }
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]) as (xp: Tensor, wHh: Tensor, bHh: Tensor) => Tensor;
}
