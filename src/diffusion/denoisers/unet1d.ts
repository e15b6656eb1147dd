/**
 * A 1-D U-Net denoiser for sequences and audio frames (the temporal U-Net of Janner et al. 2022,
 * "Planning with diffusion", and of DiffWave-like sequence models, here in DDPM's block form):
 * the row [B, L] is a one-channel sequence viewed as an image [B, 1, L, 1], and the network is the
 * U-Net core of unet2d.ts with 1×k kernels and down/up factors [1, 2] — residual blocks with group
 * norm, SiLU and the time (and class) embedding added per block, stride-2 convolutions down,
 * nearest upsampling + convolution up, skip connections. (tfjs' conv1d is this same 2-D kernel with
 * height 1, so nothing is lost by the view.)
 */
import { ArgumentError } from '../../core/errors.js';
import { requireEngine } from '../../neural/engine/init.js';
import { tf, type Tensor } from '../../neural/engine/tf.js';
import { ParamStore, type ParamJSON } from '../../neural/params.js';
import { predictOnHost, type Denoiser, type DenoiserJSON } from './types.js';
import { buildUNetParams, checkUNetSpec, unetForward, unetParamShapes, type UNetSharedConfig, type UNetSpec } from './unet2d.js';

export interface UNet1DDenoiserConfig extends UNetSharedConfig {
  /** Sequence length L (values per sample); must be divisible by 2^depth. */
  length: number;
  /** Number of halvings of the length (default 2: L → L/2 → L/4, or channelMults.length − 1). */
  depth?: number;
  /** Channel multiplier per level, depth + 1 entries (default 1, 2, 4, 4, …). */
  channelMults?: readonly number[];
  /** Kernel size of the convolutions (default 3; odd). */
  kernelSize?: number;
  /** Self-attention over the positions at the lowest resolution (default false). */
  attention?: boolean;
}

type Resolved1D = Required<UNet1DDenoiserConfig>;

function resolve1D(config: UNet1DDenoiserConfig): { config: Resolved1D; spec: UNetSpec } {
  const where = 'UNet1DDenoiser';
  // Without a depth, channelMults sets it (one entry per level).
  const depth = config.depth ?? (Array.isArray(config.channelMults) ? config.channelMults.length - 1 : 2);
  if (!Number.isInteger(depth) || depth < 0) throw new ArgumentError(`${where}: depth must be an integer ≥ 0, got ${depth}`, 'depth');
  const c: Resolved1D = {
    baseChannels: 16, depth, channelMults: Array.from({ length: depth + 1 }, (_, i) => Math.min(2 ** i, 4)), kernelSize: 3,
    blocksPerLevel: 1, attention: false, groups: 8, timeEmbedding: 64, numClasses: 0, contextSize: 0, seed: 0, ...config,
  };
  if (!Number.isInteger(c.length) || c.length < 1) throw new ArgumentError(`${where}: length must be a positive integer, got ${c.length}`, 'length');
  if (!Number.isInteger(c.baseChannels) || c.baseChannels < 1) throw new ArgumentError(`${where}: baseChannels must be a positive integer, got ${c.baseChannels}`, 'baseChannels');
  if (!Number.isInteger(c.kernelSize) || c.kernelSize < 1 || c.kernelSize % 2 === 0) throw new ArgumentError(`${where}: kernelSize must be a positive odd integer, got ${c.kernelSize}`, 'kernelSize');
  if (!Array.isArray(c.channelMults) || c.channelMults.length !== depth + 1 || c.channelMults.some((m) => !Number.isInteger(m) || m < 1)) {
    throw new ArgumentError(`${where}: channelMults must hold depth + 1 = ${depth + 1} positive integers, got [${String(c.channelMults)}]`, 'channelMults');
  }
  c.channelMults = [...c.channelMults];
  const f = 2 ** depth;
  if (c.length % f !== 0) {
    throw new ArgumentError(`${where}: length ${c.length} cannot be halved ${depth} time${depth === 1 ? '' : 's'} (depth ${depth}): it is not divisible by ${f}; pad or crop the sequences to a multiple of ${f} or lower the depth`, 'length');
  }
  const spec: UNetSpec = {
    height: 1, width: c.length, channels: 1, kernel: [1, c.kernelSize], factor: [1, 2],
    levelChannels: c.channelMults.map((m) => m * c.baseChannels), blocksPerLevel: c.blocksPerLevel,
    attention: c.attention, groups: c.groups, timeEmbedding: c.timeEmbedding, numClasses: c.numClasses, contextSize: c.contextSize, contextChannels: 0, contextTokens: 0,
  };
  checkUNetSpec(where, spec);
  return { config: c, spec };
}

/** U-Net denoiser for one-channel sequences stored as rows [B, L]. */
export class UNet1DDenoiser implements Denoiser {
  readonly kind = 'unet1d';
  readonly config: Resolved1D;
  readonly spec: UNetSpec;
  readonly params: ParamStore;

  constructor(config: UNet1DDenoiserConfig, params?: ParamStore) {
    requireEngine('UNet1DDenoiser');
    const r = resolve1D(config);
    this.config = r.config;
    this.spec = r.spec;
    this.params = params ?? buildUNetParams(this.spec, this.config.seed);
  }

  get sampleSize(): number {
    return this.config.length;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  get contextSize(): number {
    return this.config.contextSize;
  }

  forward(x: Tensor, t: Float32Array, labels?: Int32Array, context?: Tensor): Tensor {
    const L = this.config.length;
    const out = unetForward(this.params, this.spec, tf.reshape(x, [t.length, 1, L, 1]), t, labels, context);
    return tf.reshape(out, [t.length, L]);
  }

  predict(x: Float32Array, t: Float32Array, labels?: Int32Array, context?: Float32Array): Float32Array {
    return predictOnHost(this, x, t, labels, context);
  }

  toJSON(): DenoiserJSON {
    return { kind: this.kind, config: { ...this.config, channelMults: [...this.config.channelMults] }, params: this.params.toJSON() };
  }

  static fromJSON(json: { config: Readonly<Record<string, unknown>>; params: readonly ParamJSON[] }): UNet1DDenoiser {
    const { config, spec } = resolve1D(json.config as unknown as UNet1DDenoiserConfig);
    return new UNet1DDenoiser(config, ParamStore.fromJSON(json.params, unetParamShapes(spec)));
  }
}
