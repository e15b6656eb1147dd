/**
 * A U-Net denoiser for images (Ronneberger et al. 2015, in the form of DDPM, Ho et al. 2020,
 * Appendix B, and diffusers' UNet2DModel): residual blocks with group norm and SiLU, the timestep
 * embedding (and for conditional models a learned class embedding whose extra row `numClasses` is
 * the "no label" token of classifier-free guidance, as in mlp.ts) projected and added inside every
 * block, self-attention at the lowest resolution, stride-2 convolutions down, nearest-neighbour
 * upsampling followed by a convolution up (avoiding the checkerboard of transposed convolutions,
 * Odena et al. 2016) that, as Ronneberger et al.'s up-convolution, maps to the finer level's
 * channels (DDPM keeps the coarse channels there: at 28×28 that one convolution would cost as much
 * as the rest of the level), and skip connections concatenated from each resolution of the way
 * down.
 *
 * The network core below works on NHWC tensors [B, H, W, C] with a kh×kw kernel and a down factor
 * per axis, so the 1-D U-Net (unet1d.ts) is the same code with H = 1, 1×k kernels and factor [1, 2].
 */
import { ArgumentError } from '../../core/errors.js';
import { createRng, type Rng } from '../../core/rng.js';
import { requireEngine } from '../../neural/engine/init.js';
import { tf, type Tensor } from '../../neural/engine/tf.js';
import { addConv, addGroupNorm, addLinear, conv, dense, groupNorm, groupNormSilu, upsampleNearest } from '../../neural/layers.js';
import { silu } from '../../neural/ops/activations.js';
import { ParamStore, type Init, type ParamJSON } from '../../neural/params.js';
import { timestepEmbedding } from './embedding.js';
import { predictOnHost, type Denoiser, type DenoiserJSON } from './types.js';

/** The geometry of a U-Net, shared by the 1-D and 2-D denoisers. */
export interface UNetSpec {
  /** Input height, width and channels (1-D: height 1, width = length). */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Convolution kernel [kh, kw] (odd sizes keep 'same' padding centred). */
  readonly kernel: readonly [number, number];
  /** Down/up factor per axis between levels ([2, 2] for images, [1, 2] for sequences). */
  readonly factor: readonly [number, number];
  /** Channels at each level, finest first; one level fewer downsamplings than entries. */
  readonly levelChannels: readonly number[];
  /** Residual blocks per level on each side of the U. */
  readonly blocksPerLevel: number;
  /** Self-attention in the middle (lowest resolution). */
  readonly attention: boolean;
  /** Groups of every group norm. */
  readonly groups: number;
  /** Size of the sinusoidal timestep embedding. */
  readonly timeEmbedding: number;
  readonly numClasses: number;
  /** Size of a continuous context vector projected and added to the time embedding (0: none). */
  readonly contextSize: number;
  /**
   * Channels of a context image concatenated to the input (0: none). When > 0 the context is
   * height·width·contextChannels values per row (NHWC) — previous video frames, a coarse
   * prediction — fed to the first convolution beside x, as SR3 and MCVD condition on images, and
   * contextSize must equal that size.
   */
  readonly contextChannels: number;
  /**
   * Tokens of a sequence context attended to by cross-attention (0: none) — a text encoder's
   * per-token states, as Imagen (Saharia et al. 2022 §2.2) and Stable Diffusion condition their
   * U-Nets. When T > 0 each context row holds, for a token width D, a pooled vector of D values
   * (added to the time embedding, as the vector context), then T·D token states (row-major), then
   * T flags (1: a real token, 0: padding), so contextSize = D + T·(D + 1). Every residual block is
   * followed by a cross-attention block whose keys are the unmasked tokens plus a learned null
   * token, which is all a zero context (no text: classifier-free guidance's ∅) leaves.
   */
  readonly contextTokens: number;
}

/** Where parameters go: built for real (seeded) or only counted as shapes (to check a model file). */
interface ParamSink {
  linear(name: string, fanIn: number, fanOut: number): void;
  conv(name: string, kh: number, kw: number, cin: number, cout: number): void;
  norm(name: string, channels: number): void;
  raw(name: string, shape: number[], init: Init): void;
}

function storeSink(store: ParamStore, rng: Rng): ParamSink {
  return {
    linear: (name, i, o) => addLinear(store, name, i, o, rng),
    conv: (name, kh, kw, ci, co) => addConv(store, name, kh, kw, ci, co, rng),
    norm: (name, c) => addGroupNorm(store, name, c, rng),
    raw: (name, shape, init) => store.add(name, shape, init, rng),
  };
}

function shapeSink(shapes: Map<string, readonly number[]>): ParamSink {
  return {
    linear: (name, i, o) => { shapes.set(`${name}.w`, [i, o]); shapes.set(`${name}.b`, [o]); },
    conv: (name, kh, kw, ci, co) => { shapes.set(`${name}.w`, [kh, kw, ci, co]); shapes.set(`${name}.b`, [co]); },
    norm: (name, c) => { shapes.set(`${name}.g`, [c]); shapes.set(`${name}.b`, [c]); },
    raw: (name, shape) => { shapes.set(name, shape); },
  };
}

/** Width of the projected time (and class) embedding: 4× the first level's channels, as DDPM. */
function condWidth(spec: UNetSpec): number {
  return 4 * spec.levelChannels[0];
}

/** Width D of each context token when the context is a token sequence (see UNetSpec.contextTokens). */
export function contextTokenWidth(spec: Pick<UNetSpec, 'contextSize' | 'contextTokens'>): number {
  return (spec.contextSize - spec.contextTokens) / (spec.contextTokens + 1);
}

/** The residual blocks of the U in order, with their input and output channels. */
function blockPlan(spec: UNetSpec): { down: { name: string; cin: number; cout: number }[][]; up: { name: string; cin: number; cout: number }[][] } {
  const ch = spec.levelChannels, L = ch.length;
  const down: { name: string; cin: number; cout: number }[][] = [];
  let c = ch[0];
  for (let i = 0; i < L; i++) {
    const level = [];
    for (let j = 0; j < spec.blocksPerLevel; j++) { level.push({ name: `down${i}.res${j}`, cin: c, cout: ch[i] }); c = ch[i]; }
    down.push(level);
  }
  const up: { name: string; cin: number; cout: number }[][] = [];
  for (let i = L - 2; i >= 0; i--) {
    const level = [];
    // The first block of a level takes the upsampled features (already at this level's channels)
    // concatenated with the skip.
    for (let j = 0; j < spec.blocksPerLevel; j++) level.push({ name: `up${i}.res${j}`, cin: j === 0 ? 2 * ch[i] : ch[i], cout: ch[i] });
    up.push(level);
  }
  return { down, up };
}

/** Declares every parameter of the U-Net, in a fixed order (so a seed fixes the weights). */
function declareUNet(spec: UNetSpec, sink: ParamSink): void {
  const [kh, kw] = spec.kernel;
  const ch = spec.levelChannels, L = ch.length, td = condWidth(spec);
  const D = spec.contextTokens > 0 ? contextTokenWidth(spec) : 0;
  const res = (name: string, cin: number, cout: number) => {
    sink.norm(`${name}.norm1`, cin);
    sink.conv(`${name}.conv1`, kh, kw, cin, cout);
    sink.linear(`${name}.time`, td, cout);
    sink.norm(`${name}.norm2`, cout);
    sink.conv(`${name}.conv2`, kh, kw, cout, cout);
    if (cin !== cout) sink.conv(`${name}.skip`, 1, 1, cin, cout);
    if (D > 0) {
      sink.norm(`${name}.xattn.norm`, cout);
      sink.linear(`${name}.xattn.q`, cout, cout);
      sink.linear(`${name}.xattn.k`, D, cout);
      sink.linear(`${name}.xattn.v`, D, cout);
      sink.linear(`${name}.xattn.proj`, cout, cout);
    }
  };
  sink.linear('time1', spec.timeEmbedding, td);
  sink.linear('time2', td, td);
  if (spec.numClasses > 0) sink.raw('class', [spec.numClasses + 1, td], { normal: 1 });
  if (spec.contextSize > 0 && spec.contextChannels === 0) sink.linear('context', D > 0 ? D : spec.contextSize, td);
  if (D > 0) sink.raw('xattn.null', [1, D], { normal: 1 });
  sink.conv('in', kh, kw, spec.channels + spec.contextChannels, ch[0]);
  const plan = blockPlan(spec);
  for (let i = 0; i < L; i++) {
    for (const b of plan.down[i]) res(b.name, b.cin, b.cout);
    if (i < L - 1) sink.conv(`down${i}.down`, kh, kw, ch[i], ch[i]);
  }
  res('mid.res1', ch[L - 1], ch[L - 1]);
  if (spec.attention) {
    sink.norm('mid.attn.norm', ch[L - 1]);
    sink.linear('mid.attn.qkv', ch[L - 1], 3 * ch[L - 1]);
    sink.linear('mid.attn.proj', ch[L - 1], ch[L - 1]);
  }
  res('mid.res2', ch[L - 1], ch[L - 1]);
  plan.up.forEach((level, k) => {
    const i = L - 2 - k;
    sink.conv(`up${i}.up`, kh, kw, ch[i + 1], ch[i]);
    for (const b of level) res(b.name, b.cin, b.cout);
  });
  sink.norm('out.norm', ch[0]);
  sink.conv('out', kh, kw, ch[0], spec.channels);
}

/** Seeded parameters of a U-Net. */
export function buildUNetParams(spec: UNetSpec, seed: number): ParamStore {
  const store = new ParamStore();
  declareUNet(spec, storeSink(store, createRng(seed)));
  return store;
}

/** Parameter name → shape of a U-Net (checks a model file without building weights). */
export function unetParamShapes(spec: UNetSpec): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  declareUNet(spec, shapeSink(shapes));
  return shapes;
}

/**
 * Single-head self-attention over the H·W positions (Vaswani et al. 2017, eq. 1; the attention
 * block of DDPM at 16×16), with group norm before and a residual connection after.
 */
function attention(p: ParamStore, name: string, x: Tensor, groups: number): Tensor {
  const [b, h, w, c] = x.shape;
  const s = h * w;
  const hn = tf.reshape(groupNorm(p, `${name}.norm`, x, groups), [b * s, c]);
  const [q, k, v] = tf.split(dense(p, `${name}.qkv`, hn), 3, 1).map((t) => tf.reshape(t, [b, s, c]));
  const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c)));
  const o = tf.reshape(tf.matMul(weights, v), [b * s, c]);
  return tf.add(x, tf.reshape(dense(p, `${name}.proj`, o), [b, h, w, c]));
}

/**
 * Cross-attention from the H·W positions to the context tokens (Vaswani et al. 2017, eq. 1, with
 * queries from the image and keys/values from the text; Rombach et al. 2022 eq. 3, single head):
 * o = softmax(q kᵀ/√C + m) v, q = W_q·GN(x), k = W_k·e, v = W_v·e over the tokens e (the learned
 * null token first), m = 0 for real tokens and −10⁹ for padding; projected and added to x.
 */
function crossAttention(p: ParamStore, name: string, x: Tensor, tokens: TokenContext, groups: number): Tensor {
  const [b, h, w, c] = x.shape;
  const s = h * w, k1 = tokens.states.shape[1] as number, d = tokens.states.shape[2] as number;
  const q = tf.reshape(dense(p, `${name}.q`, tf.reshape(groupNorm(p, `${name}.norm`, x, groups), [b * s, c])), [b, s, c]);
  const e = tf.reshape(tokens.states, [b * k1, d]);
  const k = tf.reshape(dense(p, `${name}.k`, e), [b, k1, c]);
  const v = tf.reshape(dense(p, `${name}.v`, e), [b, k1, c]);
  const weights = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c)), tokens.bias));
  const o = tf.reshape(tf.matMul(weights, v), [b * s, c]);
  return tf.add(x, tf.reshape(dense(p, `${name}.proj`, o), [b, h, w, c]));
}

/** The context tokens of a batch, the null token first: states [B, T + 1, D], additive mask [B, 1, T + 1]. */
interface TokenContext {
  states: Tensor;
  bias: Tensor;
}

/** Splits a token context [B, D + T·D + T] into its pooled vector [B, D] and the attended tokens. */
function tokenContext(p: ParamStore, spec: UNetSpec, context: Tensor | undefined, n: number): { pooled: Tensor; tokens: TokenContext } {
  const T = spec.contextTokens, D = contextTokenWidth(spec);
  const ctx = context ?? tf.zeros([n, spec.contextSize]);
  const pooled = tf.slice(ctx, [0, 0], [n, D]);
  const states = tf.reshape(tf.slice(ctx, [0, D], [n, T * D]), [n, T, D]);
  const flags = tf.slice(ctx, [0, D + T * D], [n, T]);
  const nullToken = tf.tile(tf.reshape(p.get('xattn.null'), [1, 1, D]), [n, 1, 1]);
  const mask = tf.concat([tf.ones([n, 1]), flags], 1);
  return { pooled, tokens: { states: tf.concat([nullToken, states], 1), bias: tf.reshape(tf.mul(tf.sub(mask, 1), 1e9), [n, 1, T + 1]) } };
}

/**
 * Residual block (DDPM / diffusers ResnetBlock2D): h = conv₁(SiLU(GN(x))) + W_t·SiLU(c),
 * out = skip(x) + conv₂(SiLU(GN(h))), skip a 1×1 convolution when the channels change; c is the
 * time (+ class) embedding, added per channel at every position.
 */
function resBlock(p: ParamStore, name: string, x: Tensor, condAct: Tensor, groups: number, tokens?: TokenContext): Tensor {
  let h = conv(p, `${name}.conv1`, groupNormSilu(p, `${name}.norm1`, x, groups));
  const cout = h.shape[3] as number;
  h = tf.add(h, tf.reshape(dense(p, `${name}.time`, condAct), [condAct.shape[0], 1, 1, cout]));
  h = conv(p, `${name}.conv2`, groupNormSilu(p, `${name}.norm2`, h, groups));
  const skip = x.shape[3] === cout ? x : conv(p, `${name}.skip`, x);
  const out = tf.add(skip, h);
  return tokens ? crossAttention(p, `${name}.xattn`, out, tokens, groups) : out;
}

/**
 * The U-Net on x [B, H, W, C] with one timestep (and optional label and context [B, contextSize])
 * per row → [B, H, W, C].
 */
export function unetForward(p: ParamStore, spec: UNetSpec, x: Tensor, t: Float32Array, labels?: Int32Array, context?: Tensor): Tensor {
  const n = t.length;
  const ch = spec.levelChannels, L = ch.length;
  const [fh, fw] = spec.factor;
  const temb = tf.tensor2d(timestepEmbedding(t, spec.timeEmbedding), [n, spec.timeEmbedding]);
  let cond = dense(p, 'time2', silu(dense(p, 'time1', temb)));
  if (spec.numClasses > 0) {
    // Missing labels mean "unconditional": the extra embedding row.
    const ids = labels ?? new Int32Array(n).fill(spec.numClasses);
    cond = tf.add(cond, tf.gather(p.get('class'), tf.tensor1d(ids, 'int32')));
  }
  // The pooled-embedding conditioning of Imagen (Saharia et al. 2022 §2.2) and of CDiffuSE's
  // conditioner (Lu et al. 2022), here one linear map of the context added to the embedding; no
  // context is the zero vector.
  // With a token context (cross-attention) only its pooled part is added here.
  let tokens: TokenContext | undefined;
  if (spec.contextTokens > 0) {
    const split = tokenContext(p, spec, context, n);
    tokens = split.tokens;
    cond = tf.add(cond, dense(p, 'context', split.pooled));
  } else if (spec.contextSize > 0 && spec.contextChannels === 0) cond = tf.add(cond, dense(p, 'context', context ?? tf.zeros([n, spec.contextSize])));
  const condAct = silu(cond);
  const plan = blockPlan(spec);
  // An image context (SR3, Saharia et al. 2021 §2.4; MCVD, Voleti et al. 2022 §3) enters as extra
  // input channels; no context is zeros.
  const input = spec.contextChannels > 0
    ? tf.concat([x, context ? tf.reshape(context, [n, spec.height, spec.width, spec.contextChannels]) : tf.zeros([n, spec.height, spec.width, spec.contextChannels])], 3)
    : x;
  let h = conv(p, 'in', input);
  const skips: Tensor[] = [];
  for (let i = 0; i < L; i++) {
    for (const b of plan.down[i]) h = resBlock(p, b.name, h, condAct, spec.groups, tokens);
    if (i < L - 1) {
      skips.push(h);
      h = conv(p, `down${i}.down`, h, { stride: [fh, fw] });
    }
  }
  h = resBlock(p, 'mid.res1', h, condAct, spec.groups, tokens);
  if (spec.attention) h = attention(p, 'mid.attn', h, spec.groups);
  h = resBlock(p, 'mid.res2', h, condAct, spec.groups, tokens);
  plan.up.forEach((level, k) => {
    const i = L - 2 - k;
    h = conv(p, `up${i}.up`, upsampleNearest(h, fh, fw));
    h = tf.concat([h, skips.pop()!], 3);
    for (const b of level) h = resBlock(p, b.name, h, condAct, spec.groups, tokens);
  });
  return conv(p, 'out', groupNormSilu(p, 'out.norm', h, spec.groups));
}

function positiveInt(where: string, name: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) < 1) throw new ArgumentError(`${where}: ${name} must be a positive integer, got ${String(v)}`, name);
}

/** Checks what both U-Nets share (each checks its own sizes against its number of halvings). */
export function checkUNetSpec(where: string, spec: UNetSpec): void {
  for (const k of ['height', 'width', 'channels', 'blocksPerLevel', 'groups', 'timeEmbedding'] as const) positiveInt(where, k, spec[k]);
  if (!Number.isInteger(spec.numClasses) || spec.numClasses < 0) throw new ArgumentError(`${where}: numClasses must be an integer ≥ 0, got ${spec.numClasses}`, 'numClasses');
  if (!Number.isInteger(spec.contextSize) || spec.contextSize < 0) throw new ArgumentError(`${where}: contextSize must be an integer ≥ 0, got ${spec.contextSize}`, 'contextSize');
  if (!Number.isInteger(spec.contextChannels) || spec.contextChannels < 0) throw new ArgumentError(`${where}: contextChannels must be an integer ≥ 0, got ${spec.contextChannels}`, 'contextChannels');
  if (spec.contextChannels > 0 && spec.contextSize !== spec.height * spec.width * spec.contextChannels) {
    throw new ArgumentError(`${where}: a context image of ${spec.contextChannels} channel${spec.contextChannels === 1 ? '' : 's'} at ${spec.height}×${spec.width} has ${spec.height * spec.width * spec.contextChannels} values, but contextSize is ${spec.contextSize}`, 'contextSize');
  }
  if (!Number.isInteger(spec.contextTokens) || spec.contextTokens < 0) throw new ArgumentError(`${where}: contextTokens must be an integer ≥ 0, got ${spec.contextTokens}`, 'contextTokens');
  if (spec.contextTokens > 0) {
    if (spec.contextChannels > 0) throw new ArgumentError(`${where}: a context is either an image (contextChannels) or a token sequence (contextTokens), not both`, 'contextTokens');
    const d = contextTokenWidth(spec);
    if (!Number.isInteger(d) || d < 1) throw new ArgumentError(`${where}: a context of ${spec.contextTokens} tokens of width D has D + ${spec.contextTokens}·(D + 1) values (the pooled vector, the states, the flags); contextSize ${spec.contextSize} is not of that form`, 'contextSize');
  }
  if (spec.timeEmbedding % 2 !== 0) throw new ArgumentError(`${where}: timeEmbedding must be even, got ${spec.timeEmbedding}`, 'timeEmbedding');
  if (spec.levelChannels.length < 1) throw new ArgumentError(`${where}: needs at least one level`, 'channelMults');
  for (const c of spec.levelChannels) {
    positiveInt(where, 'channels per level', c);
    if (c % spec.groups !== 0) throw new ArgumentError(`${where}: ${c} channels cannot be split into ${spec.groups} group-norm groups; choose channels divisible by groups`, 'groups');
  }
}

/** Options both U-Net denoisers take, with the same meaning and defaults. */
export interface UNetSharedConfig {
  /** Channels of the first level (default 16). */
  baseChannels?: number;
  /** Residual blocks per level on each side (default 1). */
  blocksPerLevel?: number;
  /** Group-norm groups (default 8; every level's channels must be divisible by it). */
  groups?: number;
  /** Size of the sinusoidal timestep embedding (default 64). */
  timeEmbedding?: number;
  /** Number of classes for a conditional model (default 0: unconditional). */
  numClasses?: number;
  /** Size of the continuous context vector each row is conditioned on (default 0: none). */
  contextSize?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

export interface UNet2DDenoiserConfig extends UNetSharedConfig {
  /** Image height (default 14). */
  height?: number;
  /** Image width (default: the height). */
  width?: number;
  /** Image channels (default 1). */
  channels?: number;
  /**
   * Channel multiplier per level, finest first (default [1, 2]: 14×14 → 7×7). Each level after the
   * first halves height and width, so both must be divisible by 2^(levels − 1).
   */
  channelMults?: readonly number[];
  /** Self-attention at the lowest resolution (default true). */
  attention?: boolean;
  /**
   * Channels of an image context concatenated to the input (default 0: a context, if any, is a
   * vector added to the time embedding). With c > 0 the context is height·width·c values per row.
   */
  contextChannels?: number;
  /**
   * Tokens of a sequence context attended to by cross-attention after every residual block
   * (default 0: none). With T > 0 each context row is a pooled vector of D values, T·D token
   * states and T flags (1 real, 0 padding): contextSize = D + T·(D + 1).
   */
  contextTokens?: number;
}

type Resolved2D = Required<UNet2DDenoiserConfig>;

/** Ready-made sizes: 14×14 with 16 base channels (the default) and 28×28 with 32 (14 → 7 below). */
export const UNET2D_PRESETS = {
  '14x14': { height: 14, width: 14, baseChannels: 16, channelMults: [1, 2] },
  '28x28': { height: 28, width: 28, baseChannels: 32, channelMults: [1, 2, 2] },
} as const satisfies Record<string, UNet2DDenoiserConfig>;

function resolve2D(config: UNet2DDenoiserConfig): { config: Resolved2D; spec: UNetSpec } {
  const height = config.height ?? 14;
  const c: Resolved2D = {
    height, width: height, channels: 1, baseChannels: 16, channelMults: [1, 2], blocksPerLevel: 1, attention: true,
    groups: 8, timeEmbedding: 64, numClasses: 0, contextSize: 0, contextChannels: 0, contextTokens: 0, seed: 0, ...config,
  };
  const where = 'UNet2DDenoiser';
  positiveInt(where, 'baseChannels', c.baseChannels);
  if (!Array.isArray(c.channelMults) || c.channelMults.length < 1) throw new ArgumentError(`${where}: channelMults must be a non-empty array of positive integers`, 'channelMults');
  c.channelMults = [...c.channelMults];
  for (const m of c.channelMults) positiveInt(where, 'channelMults entries', m);
  const spec: UNetSpec = {
    height: c.height, width: c.width, channels: c.channels, kernel: [3, 3], factor: [2, 2],
    levelChannels: c.channelMults.map((m) => m * c.baseChannels), blocksPerLevel: c.blocksPerLevel,
    attention: c.attention, groups: c.groups, timeEmbedding: c.timeEmbedding, numClasses: c.numClasses, contextSize: c.contextSize,
    contextChannels: c.contextChannels, contextTokens: c.contextTokens,
  };
  checkUNetSpec(where, spec);
  const halvings = c.channelMults.length - 1, f = 2 ** halvings;
  for (const [name, size] of [['height', c.height], ['width', c.width]] as const) {
    if (size % f !== 0) {
      throw new ArgumentError(`${where}: a ${c.height}×${c.width} image cannot be halved ${halvings} time${halvings === 1 ? '' : 's'} (${c.channelMults.length} levels): ${name} ${size} is not divisible by ${f}; use fewer levels or a size divisible by ${f}`, name);
    }
  }
  return { config: c, spec };
}

/** U-Net denoiser for images stored as rows [B, H·W·C] in NHWC order. */
export class UNet2DDenoiser implements Denoiser {
  readonly kind = 'unet2d';
  readonly config: Resolved2D;
  readonly spec: UNetSpec;
  readonly params: ParamStore;

  constructor(config: UNet2DDenoiserConfig = {}, params?: ParamStore) {
    requireEngine('UNet2DDenoiser');
    const r = resolve2D(config);
    this.config = r.config;
    this.spec = r.spec;
    this.params = params ?? buildUNetParams(this.spec, this.config.seed);
  }

  get sampleSize(): number {
    return this.config.height * this.config.width * this.config.channels;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  get contextSize(): number {
    return this.config.contextSize;
  }

  forward(x: Tensor, t: Float32Array, labels?: Int32Array, context?: Tensor): Tensor {
    const { height, width, channels } = this.config;
    const out = unetForward(this.params, this.spec, tf.reshape(x, [t.length, height, width, channels]), t, labels, context);
    return tf.reshape(out, [t.length, this.sampleSize]);
  }

  predict(x: Float32Array, t: Float32Array, labels?: Int32Array, context?: Float32Array): Float32Array {
    return predictOnHost(this, x, t, labels, context);
  }

  toJSON(): DenoiserJSON {
    return { kind: this.kind, config: { ...this.config, channelMults: [...this.config.channelMults] }, params: this.params.toJSON() };
  }

  static fromJSON(json: { config: Readonly<Record<string, unknown>>; params: readonly ParamJSON[] }): UNet2DDenoiser {
    const { config, spec } = resolve2D(json.config as unknown as UNet2DDenoiserConfig);
    return new UNet2DDenoiser(config, ParamStore.fromJSON(json.params, unetParamShapes(spec)));
  }
}
