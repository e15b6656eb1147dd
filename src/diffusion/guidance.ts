/**
 * Classifier-free guidance (Ho & Salimans 2022, eq. 6): with one network trained both with and
 * without labels, the guided prediction is ε̃ = ε(x, ∅) + s·(ε(x, c) − ε(x, ∅)); s = 1 is the plain
 * conditional model, s > 1 trades diversity for fidelity to the label. Both passes run as one
 * batch of 2B rows.
 */
import { ArgumentError } from '../core/errors.js';
import type { Denoiser } from './denoisers/types.js';

/** A host-side prediction function, what the sampling loop calls once per step. */
export type PredictFn = (x: Float32Array, t: Float32Array) => Float32Array;

/** Unguided prediction with optional labels and context (one row of contextSize per sample). */
export function plainPredict(denoiser: Denoiser, labels?: Int32Array, context?: Float32Array): PredictFn {
  return (x, t) => denoiser.predict(x, t, labels, context);
}

/** Guided prediction at scale `scale` for `labels` (one per row), both passes with the same context. */
export function guidedPredict(denoiser: Denoiser, labels: Int32Array, scale: number, context?: Float32Array): PredictFn {
  if (denoiser.numClasses === 0) throw new ArgumentError('guidance needs a conditional model (trained with class labels); this one is unconditional', 'guidance');
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new ArgumentError(`guidance scale must be a finite number ≥ 0, got ${scale}`, 'guidance');
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 0 || l >= denoiser.numClasses) throw new ArgumentError(`class ${l} is out of range: the model knows classes 0..${denoiser.numClasses - 1}`, 'class');
  }
  if (scale === 1) return plainPredict(denoiser, labels, context);
  const b = labels.length;
  const both = new Int32Array(2 * b);
  both.set(labels);
  both.fill(denoiser.numClasses, b); // the "no label" row of the class embedding
  let context2: Float32Array | undefined;
  if (context) {
    context2 = new Float32Array(2 * context.length);
    context2.set(context);
    context2.set(context, context.length);
  }
  return doubledPredict(denoiser, scale, both, context2);
}

/**
 * Both passes of classifier-free guidance as one batch of 2B rows — the conditioned rows first,
 * then the unconditioned (`labels2`, `context2`: 2B rows each, in that order) — combined as
 * ε(x, ∅) + s·(ε(x, c) − ε(x, ∅)).
 */
function doubledPredict(denoiser: Denoiser, scale: number, labels2: Int32Array | undefined, context2: Float32Array | undefined): PredictFn {
  return (x, t) => {
    const b = t.length, n = x.length;
    const x2 = new Float32Array(2 * n);
    x2.set(x);
    x2.set(x, n);
    const t2 = new Float32Array(2 * b);
    t2.set(t);
    t2.set(t, b);
    const out = denoiser.predict(x2, t2, labels2, context2);
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = out[n + i] + scale * (out[i] - out[n + i]);
    return g;
  };
}

/**
 * Classifier-free guidance on a context vector (Ho & Salimans 2022, eq. 6, with the context as the
 * condition — Imagen's guidance on its pooled text embedding): ε̃ = ε(x, ∅) + s·(ε(x, c) − ε(x, ∅)),
 * ∅ the zero context that context dropout trains. `context` holds one row per sample; both passes
 * run as one batch of 2B rows.
 */
export function contextGuidedPredict(denoiser: Denoiser, context: Float32Array, scale: number): PredictFn {
  if (denoiser.contextSize === 0) throw new ArgumentError('context guidance needs a context-conditioned model', 'guidance');
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new ArgumentError(`guidance scale must be a finite number ≥ 0, got ${scale}`, 'guidance');
  if (scale === 1) return plainPredict(denoiser, undefined, context);
  const both = new Float32Array(2 * context.length);
  both.set(context); // the second half stays 0: no context
  return doubledPredict(denoiser, scale, undefined, both);
}
