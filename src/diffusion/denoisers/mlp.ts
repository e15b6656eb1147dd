/**
 * An MLP denoiser for points and tabular rows: the input is embedded by a dense layer, the
 * sinusoidal timestep embedding (and, for conditional models, a learned class embedding — the
 * extra row `numClasses` is the "no label" token used for classifier-free guidance) is added, and
 * residual blocks h ← h + W₂·SiLU(W₁·SiLU(h)) follow (the shape of the 2-D toy models of
 * Ho et al. 2020's ancestors and of diffusers' examples), ending in a dense layer to the output.
 */
import { ArgumentError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { requireEngine } from '../../neural/engine/init.js';
import { tf, type Tensor } from '../../neural/engine/tf.js';
import { addLinear, dense } from '../../neural/layers.js';
import { silu } from '../../neural/ops/activations.js';
import { ParamStore, type ParamJSON } from '../../neural/params.js';
import { timestepEmbedding } from './embedding.js';
import { predictOnHost, type Denoiser, type DenoiserJSON } from './types.js';

export interface MLPDenoiserConfig {
  /** Values per sample (e.g. 2 for points). */
  sampleSize: number;
  /** Hidden width (default 128). */
  width?: number;
  /** Residual blocks (default 3). */
  blocks?: number;
  /** Size of the sinusoidal timestep embedding (default 64). */
  timeEmbedding?: number;
  /** Number of classes for a conditional model (default 0: unconditional). */
  numClasses?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

type Resolved = Required<MLPDenoiserConfig>;

function resolve(config: MLPDenoiserConfig): Resolved {
  const c: Resolved = { width: 128, blocks: 3, timeEmbedding: 64, numClasses: 0, seed: 0, ...config };
  for (const k of ['sampleSize', 'width', 'timeEmbedding'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new ArgumentError(`MLPDenoiser: ${k} must be a positive integer, got ${c[k]}`, k);
  }
  if (!Number.isInteger(c.blocks) || c.blocks < 0) throw new ArgumentError(`MLPDenoiser: blocks must be an integer ≥ 0, got ${c.blocks}`, 'blocks');
  if (!Number.isInteger(c.numClasses) || c.numClasses < 0) throw new ArgumentError(`MLPDenoiser: numClasses must be an integer ≥ 0, got ${c.numClasses}`, 'numClasses');
  if (c.timeEmbedding % 2 !== 0) throw new ArgumentError(`MLPDenoiser: timeEmbedding must be even, got ${c.timeEmbedding}`, 'timeEmbedding');
  return c;
}

export class MLPDenoiser implements Denoiser {
  readonly kind = 'mlp';
  readonly config: Resolved;
  readonly params: ParamStore;

  constructor(config: MLPDenoiserConfig, params?: ParamStore) {
    requireEngine('MLPDenoiser');
    this.config = resolve(config);
    const { sampleSize: d, width: w, blocks, timeEmbedding: e, numClasses, seed } = this.config;
    if (params) {
      this.params = params;
      return;
    }
    const rng = createRng(seed);
    const p = new ParamStore();
    addLinear(p, 'in', d, w, rng);
    addLinear(p, 'time1', e, w, rng);
    addLinear(p, 'time2', w, w, rng);
    if (numClasses > 0) p.add('class', [numClasses + 1, w], { normal: 1 }, rng);
    for (let i = 0; i < blocks; i++) {
      addLinear(p, `block${i}.1`, w, w, rng);
      addLinear(p, `block${i}.2`, w, w, rng);
    }
    addLinear(p, 'out', w, d, rng);
    this.params = p;
  }

  get sampleSize(): number {
    return this.config.sampleSize;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  /** The MLP takes no context vector. */
  get contextSize(): number {
    return 0;
  }

  forward(x: Tensor, t: Float32Array, labels?: Int32Array): Tensor {
    const p = this.params;
    const n = t.length;
    // temb: [B, e] → [B, w]
    const temb = tf.tensor2d(timestepEmbedding(t, this.config.timeEmbedding), [n, this.config.timeEmbedding]);
    let cond = dense(p, 'time2', silu(dense(p, 'time1', temb)));
    if (this.config.numClasses > 0) {
      // Missing labels mean "unconditional": the extra embedding row.
      const ids = labels ?? new Int32Array(n).fill(this.config.numClasses);
      cond = tf.add(cond, tf.gather(p.get('class'), tf.tensor1d(ids, 'int32')));
    }
    let h = tf.add(dense(p, 'in', x), cond); // [B, w]
    for (let i = 0; i < this.config.blocks; i++) {
      h = tf.add(h, dense(p, `block${i}.2`, silu(dense(p, `block${i}.1`, silu(h)))));
    }
    return dense(p, 'out', silu(h)); // [B, d]
  }

  predict(x: Float32Array, t: Float32Array, labels?: Int32Array): Float32Array {
    return predictOnHost(this, x, t, labels);
  }

  toJSON(): DenoiserJSON {
    return { kind: this.kind, config: { ...this.config }, params: this.params.toJSON() };
  }

  static fromJSON(json: { config: Readonly<Record<string, unknown>>; params: readonly ParamJSON[] }): MLPDenoiser {
    const config = resolve(json.config as unknown as MLPDenoiserConfig);
    const shapes = new MLPDenoiserShapes(config).shapes;
    return new MLPDenoiser(config, ParamStore.fromJSON(json.params, shapes));
  }
}

/** Expected parameter shapes for a configuration (checks model files without building weights). */
class MLPDenoiserShapes {
  readonly shapes = new Map<string, readonly number[]>();
  constructor(c: Resolved) {
    const lin = (name: string, i: number, o: number) => {
      this.shapes.set(`${name}.w`, [i, o]);
      this.shapes.set(`${name}.b`, [o]);
    };
    lin('in', c.sampleSize, c.width);
    lin('time1', c.timeEmbedding, c.width);
    lin('time2', c.width, c.width);
    if (c.numClasses > 0) this.shapes.set('class', [c.numClasses + 1, c.width]);
    for (let i = 0; i < c.blocks; i++) {
      lin(`block${i}.1`, c.width, c.width);
      lin(`block${i}.2`, c.width, c.width);
    }
    lin('out', c.width, c.sampleSize);
  }
}
