/**
 * A small classifier of fixed-length rows (an MLP with one or two ReLU hidden layers and a softmax
 * output, trained by cross-entropy with AdamW) — the yardstick of the image demos: trained on real
 * digits, it scores how often a class-conditional diffusion model's samples are read as the class
 * they were asked to be (the "class fidelity" of guided sampling; cf. the classifier-based metrics
 * of Ho & Salimans 2022). Seeded: weights and batches come from ardiff's RNG.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { requireEngine, withHeapGuard } from './engine/init.js';
import { tf, type Tensor } from './engine/tf.js';
import { addLinear, dense } from './layers.js';
import { AdamW, trainStep, warmupCosine } from './optim.js';
import { ParamStore, type ParamJSON } from './params.js';

export interface TrainClassifierOptions {
  /** Hidden layer widths (default [256]). */
  hidden?: readonly number[];
  /** Optimisation steps (default 2000). */
  steps?: number;
  /** Rows per batch (default 128). */
  batchSize?: number;
  /** Peak learning rate (default 2e-3; warm-up and cosine decay). */
  lr?: number;
  /** AdamW weight decay (default 1e-4). */
  weightDecay?: number;
  /** Seed of weights and batches (default 0). */
  seed?: number;
}

export interface ClassifierJSON {
  readonly kind: 'classifier';
  readonly inputSize: number;
  readonly numClasses: number;
  readonly hidden: readonly number[];
  readonly params: readonly ParamJSON[];
}

export class Classifier {
  readonly kind = 'classifier' as const;
  constructor(
    readonly inputSize: number,
    readonly numClasses: number,
    readonly hidden: readonly number[],
    readonly params: ParamStore,
  ) {}

  /** The last hidden layer's activations [B, width] of x [B, inputSize] (x itself without hidden layers). */
  private hiddenOut(x: Tensor): Tensor {
    let h = x;
    this.hidden.forEach((_, i) => (h = tf.relu(dense(this.params, `h${i}`, h))));
    return h;
  }
  /** Frees the network's tensors. */
  dispose(): void {
    this.params.dispose();
  }


  /** Logits [B, numClasses] of x [B, inputSize]. */
  logits(x: Tensor): Tensor {
    return dense(this.params, 'out', this.hiddenOut(x));
  }

  /** Host rows → a [rows, inputSize] tensor (a DataError for a partial row). */
  private upload(x: Float32Array): Tensor {
    const b = x.length / this.inputSize;
    if (!Number.isInteger(b)) throw new DataError(`classifier: ${x.length} values are not whole rows of ${this.inputSize}`, 'x');
    return tf.tensor2d(x, [b, this.inputSize]);
  }

  /**
   * The last hidden layer's activations [rows × last hidden width] — the features a Fréchet
   * distance compares (as FID uses Inception's pool layer).
   */
  features(x: Float32Array): Float32Array {
    if (this.hidden.length === 0) throw new ArgumentError('classifier: a classifier without hidden layers has no features', 'hidden');
    const out = tf.tidy(() => this.hiddenOut(this.upload(x)));
    const r = Float32Array.from(out.dataSync() as Float32Array);
    out.dispose();
    return r;
  }

  /** The most probable class of each row. */
  predict(x: Float32Array): Int32Array {
    const out = tf.tidy(() => tf.argMax(this.logits(this.upload(x)), 1));
    const r = Int32Array.from(out.dataSync());
    out.dispose();
    return r;
  }

  /** Share of rows whose predicted class is `labels`' (one label for all rows, or one per row). */
  accuracy(x: Float32Array, labels: Int32Array | number): number {
    const p = this.predict(x);
    let hit = 0;
    p.forEach((c, i) => (hit += c === (typeof labels === 'number' ? labels : labels[i]) ? 1 : 0));
    return hit / p.length;
  }

  toJSON(): ClassifierJSON {
    return { kind: 'classifier', inputSize: this.inputSize, numClasses: this.numClasses, hidden: [...this.hidden], params: this.params.toJSON() };
  }

  static fromJSON(json: ClassifierJSON): Classifier {
    if (json?.kind !== 'classifier') throw new DataError(`classifier file: expected kind 'classifier', got '${(json as { kind?: string })?.kind}'`, 'classifier');
    requireEngine('Classifier');
    const sizes = [json.inputSize, ...json.hidden, json.numClasses];
    const shapes = new Map<string, readonly number[]>();
    for (let i = 0; i + 1 < sizes.length; i++) {
      const name = i < json.hidden.length ? `h${i}` : 'out';
      shapes.set(`${name}.w`, [sizes[i], sizes[i + 1]]);
      shapes.set(`${name}.b`, [sizes[i + 1]]);
    }
    return new Classifier(json.inputSize, json.numClasses, json.hidden, ParamStore.fromJSON(json.params, shapes));
  }
}

/** Trains a classifier on rows `x` (inputSize values each) with class `labels` 0..K−1. */
export function trainClassifier(x: Float32Array, labels: Int32Array, inputSize: number, options: TrainClassifierOptions = {}): Classifier {
  requireEngine('trainClassifier');
  if (!Number.isInteger(inputSize) || inputSize < 1) throw new ArgumentError(`trainClassifier: inputSize must be a positive integer, got ${inputSize}`, 'inputSize');
  const n = x.length / inputSize;
  if (!Number.isInteger(n) || n < 2) throw new DataError(`trainClassifier: ${x.length} values are not at least two rows of ${inputSize}`, 'x');
  if (labels.length !== n) throw new DataError(`trainClassifier: ${labels.length} labels for ${n} rows`, 'labels');
  for (const v of x) if (!Number.isFinite(v)) throw new DataError('trainClassifier: x has a non-finite value; remove or impute it', 'x');
  let k = 0;
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 0) throw new DataError(`trainClassifier: label ${l} is not an integer ≥ 0`, 'labels');
    k = Math.max(k, l + 1);
  }
  if (new Set(labels).size < 2) throw new DataError('trainClassifier: the labels hold a single class; a classifier needs two or more', 'labels');
  const hidden = [...(options.hidden ?? [256])];
  for (const h of hidden) if (!Number.isInteger(h) || h < 1) throw new ArgumentError(`trainClassifier: hidden widths must be positive integers, got ${h}`, 'hidden');
  const steps = options.steps ?? 2000;
  if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`trainClassifier: steps must be a positive integer, got ${steps}`, 'steps');
  const batch = Math.min(options.batchSize ?? 128, n);
  const rng = createRng(options.seed ?? 0);
  const params = new ParamStore();
  const sizes = [inputSize, ...hidden, k];
  for (let i = 0; i + 1 < sizes.length; i++) addLinear(params, i < hidden.length ? `h${i}` : 'out', sizes[i], sizes[i + 1], rng);
  const model = new Classifier(inputSize, k, hidden, params);
  const opt = new AdamW(params, { lr: options.lr ?? 2e-3, weightDecay: options.weightDecay ?? 1e-4 });
  const xb = new Float32Array(batch * inputSize), yb = new Float32Array(batch * k);
  const warmup = Math.max(1, Math.round(steps * 0.02));
  withHeapGuard('trainClassifier', () => {
    for (let s = 0; s < steps; s++) {
      yb.fill(0);
      for (let b = 0; b < batch; b++) {
        const r = Math.floor(rng.uniform() * n);
        xb.set(x.subarray(r * inputSize, (r + 1) * inputSize), b * inputSize);
        yb[b * k + labels[r]] = 1;
      }
      trainStep(params, opt, () => {
        const logp = tf.logSoftmax(model.logits(tf.tensor2d(xb, [batch, inputSize])));
        return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.tensor2d(yb, [batch, k])), 1))) as tf.Scalar;
      }, { clipNorm: 5, lrScale: warmupCosine(s, warmup, steps) });
    }
  });
  opt.dispose();
  return model;
}
