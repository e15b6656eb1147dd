/**
 * The autoregressive recurrent network that DeepAR and TimeGrad share (Salinas et al. 2020;
 * Rasul et al. 2021): one code path for the features, the training windows, mean scaling,
 * teacher-forced training with early stopping and the ancestral roll-out, with the likelihood
 * head injected — Gaussian and Student-t (neural/heads.ts) or a denoising-diffusion head
 * (hybrid/diffusion-head.ts).
 *
 * An item is D aligned columns: DeepAR models one value per series (D = 1, many items); TimeGrad
 * models the D values of one multivariate series at each step (one item). At step t the network
 * reads
 *
 *   x_t = [y_{d,t−l}/ν_d for l in lags, d = 1..D;  sin, cos of 2π(t mod s)/s;  log ν_d − c_d for d = 1..D]
 *   h_t = RNN(h_{t−1}, x_t),      y_t/ν ~ head(h_t)     (y_t ∈ R^D, ν the D mean scales)
 *
 * with ν_d = mean |y_d| over the conditioning range (§3.3 of DeepAR, per column, without its 1 +,
 * as GluonTS's MeanScaler) and c_d the mean of log ν_d over the training windows, so that the
 * network's inputs do not depend on the data's unit (see {@link ARNetScaling}). For D = 1 these are
 * DeepAR's features in DeepAR's order.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor } from './engine/tf.js';
import { checkHeadKind, createHead, attachHead, headShapes, type HeadOptions, type LikelihoodHead } from './heads.js';
import { AdamW, trainStep, warmupCosine } from './optim.js';
import type { ParamStore } from './params.js';
import { CELL_TYPES, RNN, disposeState, rnnShapes, type CellType, type RNNState } from './rnn.js';
import { createRng, shuffle } from '../core/rng.js';

/** The network's settings (resolved: every default filled in). */
export interface ARNetConfig {
  cell: CellType;
  likelihood: string;
  hiddenSize: number;
  layers: number;
  contextLength: number;
  predictionLength: number;
  /** Seasonal period (1 when there is none). */
  seasonalPeriod: number;
  /** All lags, sorted: 1, s and the extra ones. */
  lags: number[];
  epochs: number;
  lr: number;
  batchSize: number;
  batchesPerEpoch: number;
  validationFraction: number;
  patience: number;
  clipNorm: number;
}

/** What the engine needs: the settings, the dimension D of each step's value, the head's options. */
export interface ARNetSpec {
  readonly config: ARNetConfig;
  readonly dim: number;
  readonly headOptions?: HeadOptions;
}

/** One item: its D columns, all of the same length. */
export type Item = readonly Float64Array[];

/** Progress after each epoch. */
export interface ARNetEpoch {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  trainLoss: number;
  /** Validation loss (NaN without a validation split). */
  valLoss: number;
}

/** What training did. */
export interface ARNetTraining {
  /** Epochs run (≤ `epochs`; fewer when early stopping triggered). */
  epochsRun: number;
  /** Epoch whose weights were kept (the last one without validation). */
  bestEpoch: number;
  /** Optimiser steps. */
  steps: number;
  /** Training windows per epoch. */
  windows: number;
  /** Mean training loss per epoch. */
  trainLoss: number[];
  /** Validation loss per epoch (empty without validation). */
  valLoss: number[];
  /** Wall-clock seconds of training. */
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Features

/** Where each input feature sits in x_t, and how to build inputs on the host. */
export class Layout {
  readonly features: number;
  readonly maxLag: number;
  private readonly lags: readonly number[];
  private readonly s: number;
  private readonly dim: number;
  private readonly sin: Float32Array;
  private readonly cos: Float32Array;

  /** How targets are scaled (see {@link ARNetScaling}). */
  readonly scaling: ARNetScaling;

  constructor(config: ARNetConfig, dim = 1, scaling: ARNetScaling = { offset: 0, logCentre: new Array<number>(dim).fill(0) }) {
    if (scaling.logCentre.length !== dim) throw new ArgumentError(`scaling: logCentre has ${scaling.logCentre.length} entries for ${dim} series`, 'scaling');
    this.scaling = scaling;
    this.lags = config.lags;
    this.maxLag = Math.max(...config.lags);
    this.s = config.seasonalPeriod;
    this.dim = dim;
    this.features = dim * this.lags.length + (this.s > 1 ? 2 : 0) + dim;
    this.sin = new Float32Array(this.s);
    this.cos = new Float32Array(this.s);
    for (let k = 0; k < this.s; k++) {
      this.sin[k] = Math.sin((2 * Math.PI * k) / this.s);
      this.cos[k] = Math.cos((2 * Math.PI * k) / this.s);
    }
  }

  /**
   * Writes x_t for target index t (`value(d, i)` supplies column d at index i, observed or drawn)
   * at `out[off..off + features)`, with the columns' inverse scales and log scales.
   */
  write(out: Float32Array, off: number, t: number, value: (d: number, i: number) => number, invScale: ArrayLike<number>, logScale: ArrayLike<number>): void {
    let j = off;
    const D = this.dim;
    for (const l of this.lags) for (let d = 0; d < D; d++) out[j++] = value(d, t - l) * invScale[d];
    if (this.s > 1) {
      const k = t % this.s;
      out[j++] = this.sin[k];
      out[j++] = this.cos[k];
    }
    for (let d = 0; d < D; d++) out[j++] = logScale[d];
  }

  /** The D scales ν of an item whose context is [a, a + C), their inverses, and the centred log scales (the covariate). */
  scales(item: Item, a: number, C: number): { nu: Float64Array; inv: Float64Array; logNu: Float64Array } {
    const nu = Float64Array.from(item, (y) => meanScale(y, a, C, this.scaling.offset));
    return { nu, inv: nu.map((v) => 1 / v), logNu: nu.map((v, d) => Math.log(v) - this.scaling.logCentre[d]) };
  }
}

/**
 * How targets are scaled: y_t/ν with ν the mean |y| over the forecast's context (Salinas et al.
 * 2020 §3.3; GluonTS's MeanScaler), so that a model fitted to c·y is the model fitted to y with
 * every forecast multiplied by c; and the log ν covariate, centred on the training windows' mean
 * so that its size does not depend on the data's unit either.
 */
export interface ARNetScaling {
  /** ν = offset + mean |y|: 0 (ardiff ≥ format 2), or 1 as the DeepAR paper (models saved in format 1). */
  offset: 0 | 1;
  /** Per series: the training windows' mean log ν, subtracted from the log-scale covariate. */
  logCentre: number[];
}

/**
 * ν = mean |y| over y[a..a+C); for a context of zeros, the mean |y| over y[0..a) before it, and 1
 * when that is zero too (GluonTS falls back on a default scale the same way). With `offset` 1,
 * ν = 1 + mean |y| over the context.
 */
export function meanScale(y: Float64Array, a: number, C: number, offset: 0 | 1 = 0): number {
  let s = 0;
  for (let i = a; i < a + C; i++) s += Math.abs(y[i]);
  if (offset === 1) return 1 + s / C;
  if (s > 0 && Number.isFinite(s)) return s / C;
  if (!Number.isFinite(s)) {
    // |y| sums past the largest double: the mean of |y|/C instead.
    let m = 0;
    for (let i = a; i < a + C; i++) m += Math.abs(y[i]) / C;
    return m;
  }
  let before = 0;
  for (let i = 0; i < a; i++) before += Math.abs(y[i]);
  return before > 0 ? before / a : 1;
}

/** The scaling of a new fit: ν = mean |y|, the log-scale covariate centred on the training windows' mean. */
export function fitScaling(windows: readonly Window[], items: readonly Item[], config: ARNetConfig): ARNetScaling {
  const C = config.contextLength, D = items[0].length;
  const logCentre = new Array<number>(D).fill(0);
  for (const w of windows) for (let d = 0; d < D; d++) logCentre[d] += Math.log(meanScale(items[w.k][d], w.start, C)) / windows.length;
  return { offset: 0, logCentre };
}

/** The scaling of models saved in format 1: ν = 1 + mean |y|, log ν not centred. */
export function legacyScaling(dim: number): ARNetScaling {
  return { offset: 1, logCentre: new Array<number>(dim).fill(0) };
}

/** Checks a stored scaling record (model files); null when it is malformed. */
export function readScaling(json: unknown, dim: number): ARNetScaling | null {
  if (!json || typeof json !== 'object') return null;
  const { offset, logCentre } = json as { offset?: unknown; logCentre?: unknown };
  if ((offset !== 0 && offset !== 1) || !Array.isArray(logCentre) || logCentre.length !== dim || !logCentre.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  return { offset, logCentre: logCentre.slice() as number[] };
}

// ---------------------------------------------------------------------------------------------
// Windows

/** A training or validation window: item k, first target index `start`, optional loss mask start. */
export interface Window {
  k: number;
  start: number;
  /** Targets at window positions ≥ maskFrom count in the loss (0: all). */
  maskFrom: number;
}

/**
 * Every training window that fits before each item's validation part, and the validation windows:
 * the held-out targets in chunks of at most P, each predicted after the C (and more) values
 * before it — a full-length window with the loss on its last chunk.
 */
export function makeWindows(items: readonly Item[], config: ARNetConfig, layout: Layout): { train: Window[]; val: Window[] } {
  const C = config.contextLength, P = config.predictionLength, T = C + P, L = layout.maxLag;
  const train: Window[] = [], val: Window[] = [];
  let longest = 0;
  items.forEach((item, k) => {
    const n = item[0].length;
    longest = Math.max(longest, n);
    if (n < L + C) {
      throw new DataError(
        `series ${k + 1} has ${n} values; a forecast conditions on contextLength = ${C} values plus ${L} lagged ones, so every series needs at least ${L + C}: lower contextLength${L > 1 ? ' or the lags' : ''}, or drop the series`,
        'contextLength',
      );
    }
    const v = Math.floor(config.validationFraction * n);
    const end = n - v; // training targets are y[0..end)
    for (let a = L; a + T <= end; a++) train.push({ k, start: a, maskFrom: 0 });
    for (let a = end; a < n; a += P) {
      const len = Math.min(P, n - a);
      const start = a + len - T;
      if (start >= L) val.push({ k, start, maskFrom: T - len });
    }
  });
  if (!train.length) {
    const need = L + T;
    throw new DataError(
      `no training window fits: a window needs ${L} lagged values + contextLength ${C} + predictionLength ${P} = ${need} values before the validation part (validationFraction ${config.validationFraction}), the longest series has ${longest}; lower contextLength, predictionLength or validationFraction`,
      'contextLength',
    );
  }
  return { train, val };
}

/**
 * Location and spread of each column's scaled targets y_t/ν over the training windows: the mean,
 * and the standard deviation of the one-step changes (a rough conditional spread), for the head's start.
 */
export function targetStats(windows: readonly Window[], items: readonly Item[], config: ARNetConfig, layout: Layout): [number[], number[]] {
  const C = config.contextLength, T = C + config.predictionLength;
  const D = items[0].length;
  const loc: number[] = [], spread: number[] = [];
  for (let d = 0; d < D; d++) {
    let n = 0, sum = 0, nd = 0, sd = 0, sd2 = 0;
    for (const w of windows) {
      const y = items[w.k][d];
      const inv = 1 / meanScale(y, w.start, C, layout.scaling.offset);
      for (let p = 0; p < T; p++) {
        const z = y[w.start + p] * inv;
        sum += z;
        n++;
        if (p > 0) {
          const dz = z - y[w.start + p - 1] * inv;
          sd += dz;
          sd2 += dz * dz;
          nd++;
        }
      }
    }
    const v = nd > 1 ? (sd2 - (sd * sd) / nd) / (nd - 1) : NaN;
    loc.push(sum / n);
    // Floored: a constant series would start the head at σ = 0, where the first gradients are huge.
    spread.push(Math.max(Math.sqrt(Math.max(v, 0)), 1e-3) || 1e-3);
  }
  return [loc, spread];
}

/** Host tensors x [T, B, F], target [T, B] (D = 1) or [T, B, D] (scaled) and mask [T, B] for a list of windows. */
export function batchArrays(windows: readonly Window[], items: readonly Item[], config: ARNetConfig, layout: Layout): { x: Float32Array; target: Float32Array; mask: Float32Array | null; B: number; T: number } {
  const C = config.contextLength, T = C + config.predictionLength, F = layout.features, B = windows.length;
  const D = items[0].length;
  const x = new Float32Array(T * B * F), target = new Float32Array(T * B * D);
  const masked = windows.some((w) => w.maskFrom > 0);
  const mask = masked ? new Float32Array(T * B) : null;
  windows.forEach((w, b) => {
    const item = items[w.k];
    const { inv, logNu } = layout.scales(item, w.start, C);
    const value = (d: number, i: number) => item[d][i];
    for (let p = 0; p < T; p++) {
      const t = w.start + p;
      layout.write(x, (p * B + b) * F, t, value, inv, logNu);
      for (let d = 0; d < D; d++) target[(p * B + b) * D + d] = item[d][t] * inv[d];
      if (mask) mask[p * B + b] = p >= w.maskFrom ? 1 : 0;
    }
  });
  return { x, target, mask, B, T };
}

// ---------------------------------------------------------------------------------------------
// The network

/** The recurrent body and the head. */
export interface Net {
  rnn: RNN;
  head: LikelihoodHead;
}

function rnnSpec(spec: ARNetSpec, features: number) {
  const c = spec.config;
  return { cell: c.cell, inputSize: features, hiddenSize: c.hiddenSize, layers: c.layers };
}

/** The head's options: its dimension and its own settings. */
function headOptionsOf(spec: ARNetSpec): HeadOptions {
  return { ...(spec.headOptions ?? {}), dim: spec.dim };
}

/** A freshly initialised network in `params`. */
export function createNet(params: ParamStore, spec: ARNetSpec, layout: Layout, rng: Rng): Net {
  const rnn = RNN.create(params, rnnSpec(spec, layout.features), rng, 'rnn');
  const head = createHead(spec.config.likelihood, params, spec.config.hiddenSize, rng, 'head', headOptionsOf(spec));
  return { rnn, head };
}

/** The network over weights already in `params`. */
export function attachNet(params: ParamStore, spec: ARNetSpec, layout: Layout): Net {
  return {
    rnn: RNN.attach(params, rnnSpec(spec, layout.features), 'rnn'),
    head: attachHead(spec.config.likelihood, params, spec.config.hiddenSize, 'head', headOptionsOf(spec)),
  };
}

/** Names and shapes of every weight (to check a model file). */
export function netShapes(spec: ARNetSpec, layout: Layout): Map<string, number[]> {
  return new Map([...rnnShapes(rnnSpec(spec, layout.features), 'rnn'), ...headShapes(spec.config.likelihood, spec.config.hiddenSize, 'head', headOptionsOf(spec))]);
}

// ---------------------------------------------------------------------------------------------
// Training

function batchLoss(net: Net, x: Tensor, target: Tensor, mask: Tensor | null, train: boolean, rng: Rng): tf.Scalar {
  const [T, B] = target.shape;
  const D = net.head.dim;
  const out = train ? net.rnn.forwardTrain(x) : net.rnn.forward(x).output;
  const hidden = tf.reshape(out, [T * B, net.rnn.spec.hiddenSize]);
  const y = D === 1 ? tf.reshape(target, [T * B]) : tf.reshape(target, [T * B, D]);
  return net.head.loss(y, hidden, mask ? { weights: tf.reshape(mask, [T * B]), rng } : { rng });
}

/** Seed of the validation losses' noise (a diffusion head's loss is random; the same draws every epoch make epochs comparable). */
const VALIDATION_SEED = 0x5eed;

/**
 * Teacher-forced training (DeepAR §3.1–3.4): random windows from successive shuffles, AdamW with
 * linear warm-up and cosine decay, gradients clipped to `clipNorm`; after each epoch the loss on
 * the validation windows decides early stopping with `patience`, and the best epoch's weights are
 * restored.
 */
export function trainNet(net: Net, params: ParamStore, items: readonly Item[], config: ARNetConfig, layout: Layout, windows: Window[], val: Window[], rng: Rng, onEpoch?: (e: ARNetEpoch) => void): ARNetTraining {
  const opt = new AdamW(params, { lr: config.lr });
  const B = config.batchSize;
  const D = items[0].length;
  const stepsPerEpoch = Math.min(Math.ceil(windows.length / B), config.batchesPerEpoch);
  const total = stepsPerEpoch * config.epochs;
  const warmup = Math.max(1, Math.min(100, Math.round(0.05 * total)));
  const useVal = val.length > 0 && config.validationFraction > 0;
  const targetTensor = (a: Float32Array, T: number, Bn: number): Tensor => (D === 1 ? tf.tensor2d(a, [T, Bn]) : tf.tensor3d(a, [T, Bn, D]));
  // The validation batch never changes: upload it once.
  const valArrays = useVal ? batchArrays(val, items, config, layout) : null;
  const valX = valArrays ? tf.tensor3d(valArrays.x, [valArrays.T, valArrays.B, layout.features]) : null;
  const valY = valArrays ? targetTensor(valArrays.target, valArrays.T, valArrays.B) : null;
  const valM = valArrays?.mask ? tf.tensor2d(valArrays.mask, [valArrays.T, valArrays.B]) : null;
  const vars = params.variables();
  let best: Tensor[] | null = null;
  let bestVal = Infinity, bestEpoch = 0, since = 0, steps = 0, epoch = 0;
  const trainLoss: number[] = [], valLoss: number[] = [];
  // Windows are drawn from successive shuffles; a pass ends with a short batch, never a reused window.
  const order = windows.map((_, i) => i);
  let cursor = order.length;
  const nextBatch = (): Window[] => {
    if (cursor >= order.length) {
      shuffle(order, rng);
      cursor = 0;
    }
    const idx = order.slice(cursor, cursor + B);
    cursor += B;
    return idx.map((i) => windows[i]);
  };
  try {
    for (epoch = 1; epoch <= config.epochs; epoch++) {
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const chosen = nextBatch();
        const a = batchArrays(chosen, items, config, layout);
        const x = tf.tensor3d(a.x, [a.T, a.B, layout.features]);
        const yT = targetTensor(a.target, a.T, a.B);
        try {
          const r = trainStep(params, opt, () => batchLoss(net, x, yT, null, true, rng), { clipNorm: config.clipNorm, lrScale: warmupCosine(steps, warmup, total) });
          sum += r.loss;
        } finally {
          x.dispose();
          yT.dispose();
        }
        steps++;
      }
      trainLoss.push(sum / stepsPerEpoch);
      let v = NaN;
      if (useVal) {
        const valRng = createRng(VALIDATION_SEED);
        v = tf.tidy(() => batchLoss(net, valX as Tensor, valY as Tensor, valM, false, valRng).dataSync()[0]);
        valLoss.push(v);
        if (v < bestVal) {
          bestVal = v;
          bestEpoch = epoch;
          since = 0;
          if (best) for (const t of best) t.dispose();
          best = vars.map((w) => tf.clone(w));
        } else {
          since++;
        }
      } else {
        bestEpoch = epoch;
      }
      onEpoch?.({ epoch, trainLoss: trainLoss[trainLoss.length - 1], valLoss: v });
      if (useVal && since >= config.patience) break;
    }
    const bestWeights = best as Tensor[] | null;
    if (bestWeights) vars.forEach((w, i) => w.assign(bestWeights[i]));
  } finally {
    opt.dispose();
    for (const t of [valX, valY, valM, ...(best ?? [])]) t?.dispose();
  }
  return { epochsRun: Math.min(epoch, config.epochs), bestEpoch, steps, windows: windows.length, trainLoss, valLoss, seconds: 0 };
}


// ---------------------------------------------------------------------------------------------
// Forecasting

/**
 * The recurrent roll-out shared by sampling and one-step distributions: condition on the last C
 * observations of `item` with teacher forcing, copy the state to `P` rows, then per step j build
 * the inputs on the host (lags from the observations, or from `drawn(row, step, d)` past the data),
 * advance the network once and hand the top layer's output [P, H] to `visit` (with the D scales ν).
 */
export function rollOut(net: Net, layout: Layout, config: ARNetConfig, item: Item, P: number, h: number, visit: (hidden: Tensor, j: number, nu: Float64Array) => void, drawn: (row: number, step: number, d: number) => number): void {
  const n = item[0].length, C = config.contextLength, F = layout.features;
  const { nu, inv, logNu } = layout.scales(item, n - C, C);
  // Conditioning range: targets n−C..n−1, one sequence.
  const xc = new Float32Array(C * F);
  const obs = (d: number, i: number) => item[d][i];
  for (let p = 0; p < C; p++) layout.write(xc, p * F, n - C + p, obs, inv, logNu);
  let state: RNNState = tf.tidy(() => {
    const { state: s } = net.rnn.forward(tf.tensor3d(xc, [C, 1, F]));
    return { h: s.h.map((t) => tf.tile(t, [P, 1])), c: s.c?.map((t) => tf.tile(t, [P, 1])) };
  });
  if (!state.c) state = { h: state.h };
  const x = new Float32Array(P * F);
  try {
    for (let j = 0; j < h; j++) {
      const t = n + j;
      for (let i = 0; i < P; i++) layout.write(x, i * F, t, (d, u) => (u < n ? item[d][u] : drawn(i, u - n, d)), inv, logNu);
      const prev = state;
      const out = tf.tidy(() => net.rnn.step(tf.tensor2d(x, [P, F]), prev));
      disposeState(prev);
      state = out.state;
      // out.output is the top layer's h, owned by the state (freed with it).
      visit(out.output, j, nu);
    }
  } finally {
    disposeState(state);
  }
}

// ---------------------------------------------------------------------------------------------
// Settings

/** The settings a caller may give (every field optional; `cell` and `likelihood` by name). */
export interface ARNetOptions {
  cell?: CellType;
  likelihood?: string;
  hiddenSize?: number;
  layers?: number;
  contextLength?: number;
  predictionLength?: number;
  seasonalPeriod?: number;
  lags?: readonly number[];
  epochs?: number;
  lr?: number;
  batchSize?: number;
  batchesPerEpoch?: number;
  validationFraction?: number;
  patience?: number;
  clipNorm?: number;
}

/** A forecaster's defaults for the settings that have no data-dependent default. */
export interface ARNetDefaults {
  likelihood: string;
  hiddenSize: number;
  layers: number;
  epochs: number;
  lr: number;
  batchSize: number;
  batchesPerEpoch: number;
  validationFraction: number;
  patience: number;
  clipNorm: number;
  cell?: CellType;
}

function posInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${name} must be a positive integer; got ${String(v)}`, name);
  return v;
}

function posNum(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ArgumentError(`${name} must be a positive number; got ${String(v)}`, name);
  return v;
}

/**
 * The resolved settings for `o` with the forecaster's `defaults`: the cell and head checked, the
 * prediction length s (with a season) or 10, the context max(2·prediction length, 16), lags
 * {1} ∪ {s} ∪ extra, sorted; every value checked with an ArgumentError naming the option.
 */
export function resolveARNetConfig(o: ARNetOptions, defaults: ARNetDefaults): ARNetConfig {
  const cell = o.cell ?? defaults.cell ?? 'lstm';
  if (!CELL_TYPES.includes(cell)) throw new ArgumentError(`cell must be one of ${CELL_TYPES.join(', ')}; got '${String(cell)}'`, 'cell');
  const likelihood = checkHeadKind(o.likelihood ?? defaults.likelihood, 'likelihood');
  const sp = o.seasonalPeriod ?? 1;
  if (typeof sp !== 'number' || !Number.isInteger(sp) || sp < 1) throw new ArgumentError(`seasonalPeriod must be a positive integer (1 for none); got ${String(sp)}`, 'seasonalPeriod');
  const predictionLength = posInt(o.predictionLength ?? (sp > 1 ? sp : 10), 'predictionLength');
  const contextLength = posInt(o.contextLength ?? Math.max(2 * predictionLength, 16), 'contextLength');
  const extra = o.lags ?? [];
  if (!Array.isArray(extra)) throw new ArgumentError('lags must be an array of positive integers, e.g. [2, 3, 24]', 'lags');
  for (const l of extra) posInt(l, 'lags');
  const lags = [...new Set([1, ...(sp > 1 ? [sp] : []), ...extra])].sort((a, b) => a - b);
  const vf = o.validationFraction ?? defaults.validationFraction;
  if (typeof vf !== 'number' || !(vf >= 0 && vf < 1)) throw new ArgumentError(`validationFraction must be in [0, 1); got ${String(vf)}`, 'validationFraction');
  return {
    cell,
    likelihood,
    hiddenSize: posInt(o.hiddenSize ?? defaults.hiddenSize, 'hiddenSize'),
    layers: posInt(o.layers ?? defaults.layers, 'layers'),
    contextLength,
    predictionLength,
    seasonalPeriod: sp,
    lags,
    epochs: posInt(o.epochs ?? defaults.epochs, 'epochs'),
    lr: posNum(o.lr ?? defaults.lr, 'lr'),
    batchSize: posInt(o.batchSize ?? defaults.batchSize, 'batchSize'),
    batchesPerEpoch: posInt(o.batchesPerEpoch ?? defaults.batchesPerEpoch, 'batchesPerEpoch'),
    validationFraction: vf,
    patience: posInt(o.patience ?? defaults.patience, 'patience'),
    clipNorm: posNum(o.clipNorm ?? defaults.clipNorm, 'clipNorm'),
  };
}
