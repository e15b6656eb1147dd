/**
 * Distances between two samples of points, to score generated data against a held-out draw.
 *
 * - Sliced Wasserstein distance (Rabin et al. 2011; Bonneel et al. 2015): the mean over random
 *   unit directions θ of the 1-D Wasserstein-p distance between the projections, which for equal
 *   sample sizes is the mean |a₍ᵢ₎ − b₍ᵢ₎|ᵖ of sorted projections; reported as (·)^{1/p}.
 * - Maximum mean discrepancy (Gretton et al. 2012), unbiased MMD² with a Gaussian kernel whose
 *   bandwidth is the median pairwise distance of the pooled sample (the median heuristic).
 */
import { ArgumentError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { cholesky, matmul, symmetricEigen } from '../core/linalg.js';

function rows(a: Float32Array | Float64Array, d: number, what: string): number {
  if (!Number.isInteger(d) || d < 1 || a.length % d !== 0 || a.length === 0) throw new ArgumentError(`${what}: ${a.length} values are not whole rows of ${d}`, what);
  return a.length / d;
}

export interface SlicedWassersteinOptions {
  /** Random directions (default 200). */
  projections?: number;
  /** Order p (default 2). */
  p?: number;
  rng: Rng;
}

export function slicedWasserstein(a: Float32Array | Float64Array, b: Float32Array | Float64Array, d: number, options: SlicedWassersteinOptions): number {
  const na = rows(a, d, 'a'), nb = rows(b, d, 'b');
  const L = options.projections ?? 200, p = options.p ?? 2;
  // Unequal sizes: compare at common quantile levels (the quantile functions of the projections).
  const m = Math.max(na, nb);
  const pa = new Float64Array(na), pb = new Float64Array(nb);
  const theta = new Float64Array(d);
  let total = 0;
  for (let l = 0; l < L; l++) {
    let norm = 0;
    for (let j = 0; j < d; j++) { theta[j] = options.rng.normal(); norm += theta[j] ** 2; }
    norm = Math.sqrt(norm);
    for (let i = 0; i < na; i++) { let s = 0; for (let j = 0; j < d; j++) s += a[i * d + j] * theta[j]; pa[i] = s / norm; }
    for (let i = 0; i < nb; i++) { let s = 0; for (let j = 0; j < d; j++) s += b[i * d + j] * theta[j]; pb[i] = s / norm; }
    pa.sort();
    pb.sort();
    let w = 0;
    for (let k = 0; k < m; k++) {
      const u = (k + 0.5) / m;
      w += Math.abs(pa[Math.min(na - 1, Math.floor(u * na))] - pb[Math.min(nb - 1, Math.floor(u * nb))]) ** p;
    }
    total += w / m;
  }
  return (total / L) ** (1 / p);
}

/** Unbiased MMD² with a Gaussian kernel (median-heuristic bandwidth unless `bandwidth` is given). */
export function mmd(a: Float32Array | Float64Array, b: Float32Array | Float64Array, d: number, bandwidth?: number): number {
  const na = rows(a, d, 'a'), nb = rows(b, d, 'b');
  if (na < 2 || nb < 2) throw new ArgumentError('mmd needs at least two rows in each sample', 'a');
  const dist2 = (x: Float32Array | Float64Array, i: number, y: Float32Array | Float64Array, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x[i * d + k] - y[j * d + k]) ** 2;
    return s;
  };
  let h2 = bandwidth === undefined ? 0 : bandwidth * bandwidth;
  if (bandwidth === undefined) {
    // Median of pooled pairwise squared distances over a fixed subsample (deterministic).
    const pool: number[] = [];
    const step = Math.max(1, Math.floor((na + nb) / 400));
    const idx: [Float32Array | Float64Array, number][] = [];
    for (let i = 0; i < na; i += step) idx.push([a, i]);
    for (let j = 0; j < nb; j += step) idx.push([b, j]);
    for (let i = 0; i < idx.length; i++) for (let j = i + 1; j < idx.length; j++) pool.push(dist2(idx[i][0], idx[i][1], idx[j][0], idx[j][1]));
    pool.sort((x, y) => x - y);
    h2 = pool[pool.length >> 1] || 1;
  }
  const k = (x: Float32Array | Float64Array, i: number, y: Float32Array | Float64Array, j: number) => Math.exp(-dist2(x, i, y, j) / (2 * h2));
  let kaa = 0, kbb = 0, kab = 0;
  for (let i = 0; i < na; i++) for (let j = i + 1; j < na; j++) kaa += k(a, i, a, j);
  for (let i = 0; i < nb; i++) for (let j = i + 1; j < nb; j++) kbb += k(b, i, b, j);
  for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) kab += k(a, i, b, j);
  return (2 * kaa) / (na * (na - 1)) + (2 * kbb) / (nb * (nb - 1)) - (2 * kab) / (na * nb);
}

/** Samples from the Gaussian fitted (mean, covariance) to `data`: the baseline a generative model must beat. */
export function gaussianBaseline(data: Float32Array | Float64Array, d: number, n: number, rng: Rng): Float64Array {
  const m = rows(data, d, 'data');
  const mean = new Float64Array(d);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / m;
  const cov: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) cov[j][k] += ((data[i * d + j] - mean[j]) * (data[i * d + k] - mean[k])) / (m - 1);
  for (let j = 0; j < d; j++) cov[j][j] += 1e-12 * (1 + cov[j][j]); // ridge for degenerate data
  const L = cholesky(cov); // cov = L Lᵀ
  const out = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) z[j] = rng.normal();
    for (let j = 0; j < d; j++) { let s = mean[j]; for (let k = 0; k <= j; k++) s += L[j][k] * z[k]; out[r * d + j] = s; }
  }
  return out;
}

/**
 * Fréchet distance between Gaussians fitted to two samples (the distance behind FID, Heusel et al.
 * 2017): ‖μ_a − μ_b‖² + tr(Σ_a + Σ_b − 2(Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}), with the matrix square
 * roots from symmetric eigendecompositions. Meant for features (e.g. a classifier's last hidden
 * layer, as FID uses Inception's); with fewer rows than dimensions the covariances are singular
 * and the estimate is biased upwards — compare distances computed at the same sample sizes.
 */
export function frechetDistance(a: Float32Array | Float64Array, b: Float32Array | Float64Array, d: number): number {
  const na = rows(a, d, 'a'), nb = rows(b, d, 'b');
  if (na < 2 || nb < 2) throw new ArgumentError('frechetDistance: each sample needs at least two rows', na < 2 ? 'a' : 'b');
  const moments = (x: Float32Array | Float64Array, n: number) => {
    const mu = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += x[i * d + j] / n;
    const cov: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const dj = x[i * d + j] - mu[j];
        if (dj === 0) continue;
        for (let k = j; k < d; k++) cov[j][k] += (dj * (x[i * d + k] - mu[k])) / (n - 1);
      }
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) cov[j][k] = cov[k][j];
    return { mu, cov };
  };
  const A = moments(a, na), B = moments(b, nb);
  // Σ_a^{1/2} = V diag(√λ) Vᵀ (negative rounding noise in λ clipped at 0).
  const ea = symmetricEigen(A.cov);
  const sqrtA = ea.vectors.map((_, i) => ea.vectors.map((__, j) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += ea.vectors[i][k] * Math.sqrt(Math.max(ea.values[k], 0)) * ea.vectors[j][k];
    return s;
  }));
  const m = matmul(matmul(sqrtA, B.cov), sqrtA);
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) m[i][j] = m[j][i] = (m[i][j] + m[j][i]) / 2;
  let trSqrt = 0;
  for (const v of symmetricEigen(m).values) trSqrt += Math.sqrt(Math.max(v, 0));
  let dist = 0;
  for (let j = 0; j < d; j++) dist += (A.mu[j] - B.mu[j]) ** 2 + A.cov[j][j] + B.cov[j][j];
  return Math.max(0, dist - 2 * trSqrt);
}
