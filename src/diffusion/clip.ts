/**
 * Clipping the model's estimate of the clean sample, x̂₀, to a known range at every sampling step —
 * for every scheduler alike. diffusers offers it per scheduler (`clip_sample` in DDPM/DDIM,
 * `thresholding` in DPM-Solver, nothing in Euler); here it wraps the prediction function instead:
 * turn the network's output into x̂₀, clip, and turn the clipped x̂₀ back into the same kind of
 * output, so the scheduler never sees an estimate outside the data's range.
 *
 * Why it matters: at the first steps of a fast sampler x̂₀ = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t, and with
 * ᾱ_T ≈ 4·10⁻⁵ (the linear schedule) an ε-error is amplified ~156× — on heavy-tailed data a few
 * samples then land far outside anything seen in training. DDPM with 1000 steps repairs such
 * errors on the way down; DDIM with 50 or DPM-Solver++ with 20 cannot (Saharia et al. 2022, §2.3,
 * on static thresholding).
 *
 * The input the model sees is the variance-preserving x_t for every scheduler (Euler hands it
 * x/√(σ²+1), which is the same thing), and t may be fractional (Euler interpolates σ linearly in t;
 * so does this).
 */
import { ArgumentError } from '../core/errors.js';
import type { PredictFn } from './guidance.js';
import type { PredictionType } from './schedulers/common.js';

/**
 * x̂₀ implied by the network's output `o` at x_t with √ᾱ = sa, √(1−ᾱ) = sb (Ho et al. 2020 eq. 15;
 * v: Salimans & Ho 2022, x̂₀ = √ᾱ x_t − √(1−ᾱ) v), in float64 (the schedulers keep their own
 * float32 form, diffusers' rounding).
 */
export function x0FromOutput(prediction: PredictionType, xt: number, o: number, sa: number, sb: number): number {
  return prediction === 'epsilon' ? (xt - sb * o) / sa : prediction === 'sample' ? o : sa * xt - sb * o;
}

/**
 * Wraps `predict` so that the implied x̂₀ lies in [−range, range]. `alphasCumprod` is the training
 * schedule's ᾱ (length T), `prediction` what the network outputs.
 */
export function clipPrediction(predict: PredictFn, alphasCumprod: Float32Array | Float64Array, prediction: PredictionType, range: number): PredictFn {
  if (!(range > 0) || !Number.isFinite(range)) throw new ArgumentError(`clip range must be a finite number > 0, got ${range}`, 'clipRange');
  const T = alphasCumprod.length;
  // σ_t = √((1−ᾱ)/ᾱ) per training step, interpolated linearly in t as the Euler scheduler does.
  const sigmas = Float64Array.from(alphasCumprod, (a) => Math.sqrt((1 - a) / a));
  const alphaAt = (t: number): number => {
    if (Number.isInteger(t) && t >= 0 && t < T) return alphasCumprod[t];
    const tc = Math.min(Math.max(t, 0), T - 1), i = Math.min(Math.floor(tc), T - 2), w = tc - i;
    const s = sigmas[i] + (sigmas[i + 1] - sigmas[i]) * w;
    return 1 / (1 + s * s);
  };
  return (x, t) => {
    const out = predict(x, t);
    const b = t.length, d = x.length / b;
    const res = new Float32Array(out.length);
    for (let r = 0; r < b; r++) {
      const a = alphaAt(t[r]), sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
      for (let j = r * d; j < (r + 1) * d; j++) {
        const xt = x[j], o = out[j];
        const x0 = x0FromOutput(prediction, xt, o, sa, sb);
        const c = x0 > range ? range : x0 < -range ? -range : x0;
        if (c === x0) {
          res[j] = o;
          continue;
        }
        // Back to the network's kind of output, consistent with x_t and the clipped x̂₀.
        const eps = (xt - sa * c) / sb;
        res[j] = prediction === 'epsilon' ? eps : prediction === 'sample' ? c : sa * eps - sb * c;
      }
    }
    return res;
  };
}
