/**
 * What a denoiser is to the rest of the diffusion code: a network (x_t, t, label?, context?) → prediction
 * (ε, x̂₀ or v, as it was trained), kept apart from the schedulers (pure math) and from guidance
 * (which wraps a denoiser). Tensors stay inside; `predict` takes and returns host arrays so the
 * sampling loop can hand its output straight to a scheduler's `step`.
 */
import type { ParamStore, ParamJSON } from '../../neural/params.js';
import { tf, type Tensor } from '../../neural/engine/tf.js';

export interface Denoiser {
  /** 'mlp', 'unet1d', 'unet2d'. */
  readonly kind: string;
  /** Values per sample (2 for points in the plane, 784 for 28×28 images). */
  readonly sampleSize: number;
  /** Class labels 0..numClasses−1 it was built for (0: unconditional). Label `numClasses` is "no label". */
  readonly numClasses: number;
  /**
   * Values of the continuous context vector each row is conditioned on (0: none). A missing
   * context reads as zeros, the "no context" of context dropout.
   */
  readonly contextSize: number;
  readonly params: ParamStore;
  /** x [B, sampleSize], one timestep per row, optional labels and context [B, contextSize] → prediction [B, sampleSize]. */
  forward(x: Tensor, t: Float32Array, labels?: Int32Array, context?: Tensor): Tensor;
  /** Host-side convenience around `forward` for the sampling loop (B = t.length; context row-major). */
  predict(x: Float32Array, t: Float32Array, labels?: Int32Array, context?: Float32Array): Float32Array;
  toJSON(): DenoiserJSON;
}

export interface DenoiserJSON {
  readonly kind: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly params: readonly ParamJSON[];
}

/**
 * `predict` for any denoiser: upload x as [B, sampleSize], run `forward` in a tidy, and read the
 * result after the tidy (tidy walks every element of a typed array it is handed back).
 */
export function predictOnHost(denoiser: Pick<Denoiser, 'forward' | 'sampleSize' | 'contextSize'>, x: Float32Array, t: Float32Array, labels?: Int32Array, context?: Float32Array): Float32Array {
  const out = tf.tidy(() => denoiser.forward(
    tf.tensor2d(x, [t.length, denoiser.sampleSize]), t, labels,
    context && denoiser.contextSize > 0 ? tf.tensor2d(context, [t.length, denoiser.contextSize]) : undefined,
  ));
  const values = Float32Array.from(out.dataSync() as Float32Array);
  out.dispose();
  return values;
}
