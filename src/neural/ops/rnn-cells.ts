/**
 * LSTM and GRU cells as tensor ops, in the conventions of rnn.ts (PyTorch's gate order, weights
 * stored transposed, the tanh block's columns doubled so that tanh(a) = 2σ(2a) − 1): one time
 * step from standard ops ({@link lstmCell}, {@link gruCell}, used by RNN.forward and RNN.step),
 * and whole recurrences from the zero state as custom-gradient ops with backpropagation through
 * time written out — from standard ops ({@link lstmSequenceOps}, {@link gruSequenceOps}; any
 * backend) or from the fused cell kernels of rnn-kernels.ts ({@link lstmSequenceFused},
 * {@link gruSequenceFused}; wasm and cpu), which compute the same values and gradients.
 *
 * Shapes: B batch rows, H units, G gate blocks (4 LSTM, 3 GRU); a step's input projection
 * xp [B, G·H], a sequence's xp [T·B, G·H] (time-major), W_hh [H, G·H], hidden states [T·B, H].
 */
import { tf, type Tensor } from '../engine/tf.js';
import { runCell } from './rnn-kernels.js';

/** A layer's weights as the cells use them: tanh blocks' columns doubled (module notes of rnn.ts). */
export interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  /** Bias of the input projection (LSTM: b_ih + b_hh; GRU: b_ih). */
  bX: Tensor;
  /** GRU: b_hh. */
  bH?: Tensor;
}

/** Scalar constants of one call, made once instead of once per op. */
export interface Consts {
  one: Tensor;
  two: Tensor;
}

/** tanh(x) = 2σ(2x) − 1 (the wasm Sigmoid is much faster than its Tanh). */
function tanh2(x: Tensor, k: Consts): Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, k.two)), k.two), k.one);
}

/** [G·H] column scale for G gate blocks: 1, except 2 on the block that feeds a tanh (the third: LSTM g, GRU n). */
export function tanhBlockScale(G: number, H: number): Tensor {
  const m = new Float32Array(G * H).fill(1);
  m.fill(2, 2 * H, 3 * H);
  return tf.tensor1d(m);
}

/**
 * LSTM update from the (g-doubled) input projection xp [B, 4H]; h = c = null is the zero state.
 * One sigmoid gives i, f, o and σ(2a_g), from which g = 2σ(2a_g) − 1 = tanh(a_g).
 */
export function lstmCell(xp: Tensor, h: Tensor | null, c: Tensor | null, w: CellWeights, H: number, k: Consts): [Tensor, Tensor] {
  const B = xp.shape[0];
  const s = tf.sigmoid(h ? tf.add(xp, tf.matMul(h, w.wHh)) : xp);
  const i = tf.slice(s, [0, 0], [B, H]);
  const g = tf.sub(tf.mul(tf.slice(s, [0, 2 * H], [B, H]), k.two), k.one);
  const ig = tf.mul(i, g);
  const c2 = c ? tf.add(tf.mul(tf.slice(s, [0, H], [B, H]), c), ig) : ig;
  return [tf.mul(tf.slice(s, [0, 3 * H], [B, H]), tanh2(c2, k)), c2];
}

/** GRU (reset-after) update from the (n-doubled) input projection xp [B, 3H]. */
export function gruCell(xp: Tensor, h: Tensor, w: CellWeights, H: number, k: Consts): Tensor {
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
export function lstmSequenceOps(T: number, B: number): (xp: Tensor, wHh: Tensor) => Tensor {
  return tf.customGrad(((xp: Tensor, wHh: Tensor, _save: tf.GradSaveFunc) => {
    const H = wHh.shape[0];
    const keep: Tensor[] = [];
    const k: Consts = { one: held(keep, tf.scalar(1)), two: tf.scalar(2) };
    const m = held(keep, tanhBlockScale(4, H));
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
export function gruSequenceOps(T: number, B: number): (xp: Tensor, wHh: Tensor, bHh: Tensor) => Tensor {
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

/**
 * LSTM recurrence from fused kernels; same values and gradients as {@link lstmSequenceOps}. Per
 * step forward: h W', the add, one sigmoid over all gates (XNNPACK, much faster than a JS exp) and
 * the cell kernel; backward: the gradient kernel and dA W'ᵀ.
 */
export function lstmSequenceFused(T: number, B: number): (xp: Tensor, wHh: Tensor) => Tensor {
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
export function gruSequenceFused(T: number, B: number): (xp: Tensor, wHh: Tensor, bHh: Tensor) => Tensor {
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
