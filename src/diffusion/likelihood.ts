/**
 * The variational bound on the negative log-likelihood of discrete data under a diffusion model
 * (Ho et al. 2020, eq. 5 and §3.3; Sohl-Dickstein et al. 2015), in bits per dimension — the number
 * an autoregressive model gives exactly, here an upper bound:
 *
 *   −log p(x₀) ≤ L_T + Σ_{t=2}^{T} L_{t−1} + L_0, with
 *   L_T     = KL(q(x_T | x₀) ‖ N(0, I)) = ½ Σ_i (ᾱ_T x₀ᵢ² + (1 − ᾱ_T) − 1 − log(1 − ᾱ_T)),
 *   L_{t−1} = KL(q(x_{t−1} | x_t, x₀) ‖ p_θ(x_{t−1} | x_t)) = c_t² ‖x₀ − x̂₀(x_t, t)‖² / (2 β̃_t),
 *             c_t = √ᾱ_{t−1} β_t / (1 − ᾱ_t), β̃_t = (1 − ᾱ_{t−1}) β_t / (1 − ᾱ_t): the reverse
 *             step's mean is the posterior mean at the model's x̂₀, its variance β̃_t (fixed_small),
 *   L_0     = −log p(x₀ | x₁): each value's bin under N(x̂₀(x₁, 1), β₁), the outer bins open
 *             (DDPM's discretised decoder, with σ₁² = β₁ since β̃₁ = 0),
 *
 * x̂₀ from the network's ε, x₀ or v output. The sum over t is estimated without bias by
 * `timesteps` draws of t uniform on 2…T per row (x_t drawn from q), so the result has a standard
 * error, reported with it.
 *
 * The discrete variable: a value v of `range` [lo, hi] is level k = ⌊(v − lo)·L/(hi − lo)⌋ of L
 * (quantizePixels' levels). The model sees level k as the value lo + k·(hi − lo)/(L − 1) — the ends
 * of the range are levels, as 0 and 255 of 8-bit images (DDPM's convention), so black stays the
 * value the model was trained on — with its bin centred there, half a level wide on each side, the
 * outer bins open. The model's scaling maps the values and bin edges to its scale.
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkPositiveInt, checkRng } from '../core/validate.js';
// The one stdlib function needed, imported alone: core/distributions brings the t, χ² and
// incomplete-gamma/beta functions with it (230 KB of the browser bundle).
import normalCdfLib from '@stdlib/stats-base-dists-normal-cdf';
import { x0FromOutput } from './clip.js';
import type { DiffusionModel } from './model.js';
import { alphasCumprod, alphasFromBetas, makeBetas } from './schedules.js';

export interface BitsPerDimOptions {
  /** Equal bins of `range` the values are quantised to (e.g. 4 grey levels; 256 for 8-bit images). */
  levels: number;
  /** The data range the bins cover (default [0, 1]). */
  range?: readonly [number, number];
  rng: Rng;
  /** Draws of t per row for the sum over t (default 64). */
  timesteps?: number;
  /** Class of each row for a conditional model (default: none). */
  labels?: ArrayLike<number>;
  /** Rows per network call (default 64). */
  batchSize?: number;
}

export interface BitsPerDim {
  /** The bound, averaged over rows, in bits per value. */
  bitsPerDim: number;
  /** Its Monte Carlo standard error (over rows). */
  standardError: number;
  /** The three parts in bits per value: prior L_T, the diffusion steps Σ L_{t−1}, the decoder L_0. */
  prior: number;
  diffusion: number;
  decoder: number;
}

/** −log of the probability of [a, b] under N(μ, σ²), computed in the tail that keeps precision. */
const normalCdf = (x: number): number => normalCdfLib(x, 0, 1);
const normalSf = (x: number): number => normalCdfLib(-x, 0, 1);

function logBinProbability(a: number, b: number, mu: number, sigma: number): number {
  const za = (a - mu) / sigma, zb = (b - mu) / sigma;
  // P(za < Z < zb): from the nearer tail, so that far-out bins do not round to 0.
  const p = za > 0 ? normalSf(za) - normalSf(zb) : normalCdf(zb) - normalCdf(za);
  return -Math.log(Math.max(p, 1e-300));
}

export function diffusionBitsPerDim(model: DiffusionModel, x: ArrayLike<number>, options: BitsPerDimOptions): BitsPerDim {
  if (!options || typeof options !== 'object') throw new ArgumentError('give options with levels and a seeded rng', 'options');
  const L = options.levels;
  if (!Number.isInteger(L) || L < 2 || L > 65536) throw new ArgumentError(`levels must be an integer in 2…65536, got ${L}`, 'levels');
  const [lo, hi] = options.range ?? [0, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new ArgumentError(`range must be two finite numbers, low < high; got [${lo}, ${hi}]`, 'range');
  checkRng(options.rng);
  const rng = options.rng;
  const K = checkPositiveInt(options.timesteps ?? 64, 'timesteps');
  const batch = checkPositiveInt(options.batchSize ?? 64, 'batchSize');
  const d = model.columns.length;
  if (x.length === 0 || x.length % d !== 0) throw new DataError(`x has ${x.length} values, not whole rows of ${d}`, 'x');
  const n = x.length / d;
  const labels = options.labels;
  if (labels !== undefined) {
    if (!model.conditional) throw new ArgumentError('labels need a conditional model; this one is unconditional', 'labels');
    if (labels.length !== n) throw new DataError(`${labels.length} labels for ${n} rows`, 'labels');
    for (let i = 0; i < n; i++) { const l = labels[i]; if (!Number.isInteger(l) || l < 0 || l >= model.classNames.length) throw new DataError(`label ${l} is outside 0…${model.classNames.length - 1}`, 'labels'); }
  }
  if (model.extras.context) throw new ArgumentError('the bound of a context-conditioned model needs its context; not supported', 'model');
  const betas = makeBetas(model.schedule);
  const abar = alphasCumprod(alphasFromBetas(betas));
  const T = abar.length;
  const width = (hi - lo) / L, step = (hi - lo) / (L - 1);
  // Each value's level, the value that stands for it and its bin's edges, on the model's scale.
  const x0 = new Float64Array(n * d), edgeLo = new Float64Array(n * d), edgeHi = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) {
    const v = x[i];
    if (!(v >= lo && v <= hi)) throw new DataError(`value ${i} is ${v}, outside the range [${lo}, ${hi}] the bins cover`, 'x');
    const k = Math.min(L - 1, Math.floor((v - lo) / width));
    const j = i % d, m = model.mean[j], s = model.std[j];
    const c = lo + k * step;
    x0[i] = (c - m) / s;
    edgeLo[i] = k === 0 ? -Infinity : (c - step / 2 - m) / s;
    edgeHi[i] = k === L - 1 ? Infinity : (c + step / 2 - m) / s;
  }
  /** x̂₀ for rows `rows` at timestep index ti each (0-based: paper t = ti + 1), from x_t. */
  const predictX0 = (xt: Float32Array, ti: Int32Array, rows: Int32Array): Float32Array => {
    const m = rows.length;
    const out = model.denoiser.predict(xt, Float32Array.from(ti), labels === undefined ? undefined : Int32Array.from(rows, (r) => labels[r]));
    const x0hat = new Float32Array(m * d);
    for (let b = 0; b < m; b++) {
      const a = abar[ti[b]], sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
      for (let j = 0; j < d; j++) x0hat[b * d + j] = x0FromOutput(model.prediction, xt[b * d + j], out[b * d + j], sa, sb);
    }
    return x0hat;
  };
  const perRow = new Float64Array(n);
  let prior = 0, diffusion = 0, decoder = 0;
  // Jobs: per row, K draws of t ∈ 2…T (index 1…T−1) and one at t = 1 (index 0) for the decoder.
  const jobs: { row: number; ti: number }[] = [];
  for (let r = 0; r < n; r++) {
    jobs.push({ row: r, ti: 0 });
    for (let k = 0; k < K; k++) jobs.push({ row: r, ti: 1 + Math.min(T - 2, Math.floor(rng.uniform() * (T - 1))) });
  }
  for (let j0 = 0; j0 < jobs.length; j0 += batch) {
    const part = jobs.slice(j0, j0 + batch);
    const m = part.length;
    const xt = new Float32Array(m * d), ti = Int32Array.from(part, (p) => p.ti), rows = Int32Array.from(part, (p) => p.row);
    part.forEach((p, b) => {
      const a = abar[p.ti], sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
      for (let j = 0; j < d; j++) xt[b * d + j] = sa * x0[p.row * d + j] + sb * rng.normal();
    });
    const x0hat = predictX0(xt, ti, rows);
    part.forEach((p, b) => {
      let nats = 0;
      if (p.ti === 0) {
        const sigma = Math.sqrt(betas[0]);
        for (let j = 0; j < d; j++) { const i = p.row * d + j; nats += logBinProbability(edgeLo[i], edgeHi[i], x0hat[b * d + j], sigma); }
        decoder += nats;
      } else {
        const t = p.ti, aPrev = abar[t - 1], beta = betas[t];
        const c = (Math.sqrt(aPrev) * beta) / (1 - abar[t]);
        const tilde = ((1 - aPrev) * beta) / (1 - abar[t]);
        let sq = 0;
        for (let j = 0; j < d; j++) { const e = x0[p.row * d + j] - x0hat[b * d + j]; sq += e * e; }
        nats = ((T - 1) / K) * ((c * c * sq) / (2 * tilde));
        diffusion += nats;
      }
      perRow[p.row] += nats;
    });
  }
  const aT = abar[T - 1];
  for (let r = 0; r < n; r++) {
    let kl = 0;
    for (let j = 0; j < d; j++) { const v = x0[r * d + j]; kl += 0.5 * (aT * v * v + (1 - aT) - 1 - Math.log(1 - aT)); }
    prior += kl;
    perRow[r] += kl;
  }
  const toBits = (nats: number) => nats / (n * d * Math.LN2);
  const mean = perRow.reduce((a, v) => a + v, 0) / n;
  const variance = n > 1 ? perRow.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { bitsPerDim: toBits(mean * n), standardError: Math.sqrt(variance / n) / (d * Math.LN2), prior: toBits(prior), diffusion: toBits(diffusion), decoder: toBits(decoder) };
}
