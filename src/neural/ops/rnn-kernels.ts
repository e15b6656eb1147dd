/**
 * Fused LSTM / GRU cell kernels: the elementwise work of one recurrent time step (forward or
 * backward) as ONE backend kernel call, registered under ardiff's own names for the wasm and cpu
 * backends.
 *
 * Under tfjs every op costs 10–25 µs of bookkeeping before any arithmetic, while the elementwise
 * work of one cell step on a [32, 40] batch is a few µs: a step built from ~17 ops forward and
 * ~15 backward is bookkeeping-bound. These kernels do a step's elementwise work in one call each
 * way, reading and writing the backend's memory directly (the wasm heap, or the cpu backend's
 * arrays), so a training step costs two kernels plus two matrix products per time step. They are
 * called only by the fused sequence ops of rnn-cells.ts and by RNN.forward outside a tape (no tape,
 * so no gradients of their own); other backends use the ops path.
 *
 * Conventions as in rnn.ts: gate blocks LSTM i, f, g, o and GRU r, z, n, with the tanh block's
 * pre-activation doubled so that tanh(a) = 2σ(2a) − 1. Shapes: B batch rows, H units, [B, G·H]
 * gate rows; `t` indexes the step inside the [T·B, …] sequence tensors (xp, dy).
 */
import { tf, type Tensor } from '../engine/tf.js';

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

/** A fused cell kernel: a step's elementwise work on the backend's memory (t: the time step, B batch, H units). */
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
export function ensureCellKernels(): boolean {
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
export function runCell(name: string, inputs: Record<string, Tensor | null>, t: number, B: number, H: number): Tensor[] {
  const given: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) if (v) given[k] = v;
  return tf.engine().runKernel(name, given as unknown as tf.NamedTensorMap, { t, B, H } as unknown as tf.NamedAttrMap) as unknown as Tensor[];
}
