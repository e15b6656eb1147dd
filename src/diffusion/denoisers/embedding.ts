/**
 * Sinusoidal timestep embedding (Vaswani et al. 2017 §3.5, as used by DDPM, Ho et al. 2020):
 * for frequencies ω_k = exp(−ln(10000)·k/half), k = 0..half−1, the embedding of t is
 * [cos(t·ω), sin(t·ω)] (diffusers' `get_timestep_embedding` with flip_sin_to_cos = true and
 * downscale_freq_shift = 0). Computed on the host: it is B × dim numbers and needs no gradient.
 */
export function timestepEmbedding(t: ArrayLike<number>, dim: number, maxPeriod = 10000): Float32Array {
  const half = dim >> 1;
  const out = new Float32Array(t.length * dim);
  for (let b = 0; b < t.length; b++) {
    for (let k = 0; k < half; k++) {
      const arg = t[b] * Math.exp((-Math.log(maxPeriod) * k) / half);
      out[b * dim + k] = Math.cos(arg);
      out[b * dim + half + k] = Math.sin(arg);
    }
  }
  return out;
}
