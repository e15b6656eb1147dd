/**
 * Time series as rows for a diffusion model: overlapping windows of a series, and the statistics
 * that say whether generated windows look like the real ones — the marginal distribution of the
 * values (quantiles, excess kurtosis) and the mean autocorrelation within windows of the values
 * and of their absolute values (for returns: no linear memory, but volatility clustering).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { acf } from '../core/stats.js';

/** Rows of `length` consecutive values, starting every `stride` points. */
export function slidingWindows(y: ArrayLike<number>, length: number, stride = 1): Float64Array {
  if (!Number.isInteger(length) || length < 2) throw new ArgumentError(`window length must be an integer ≥ 2, got ${length}`, 'window');
  if (!Number.isInteger(stride) || stride < 1) throw new ArgumentError(`window stride must be a positive integer, got ${stride}`, 'stride');
  if (y.length < length + 1) throw new DataError(`the series has ${y.length} points; windows of ${length} need at least ${length + 1}`, 'window');
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new DataError(`the series has a missing or non-finite value at position ${i + 1}; fill or remove it before cutting windows`, 'data');
  const n = Math.floor((y.length - length) / stride) + 1;
  const out = new Float64Array(n * length);
  for (let w = 0; w < n; w++) for (let j = 0; j < length; j++) out[w * length + j] = y[w * stride + j];
  return out;
}

export interface WindowStats {
  /** Quantiles of all values at probabilities `probs`. */
  quantiles: number[];
  probs: number[];
  mean: number;
  sd: number;
  /** Excess kurtosis of all values. */
  kurtosis: number;
  /** Mean over windows of the lag-1..maxLag autocorrelation of the values. */
  acf: number[];
  /** The same for absolute deviations from the window mean. */
  acfAbs: number[];
}

export function windowStats(rows: ArrayLike<number>, length: number, maxLag = 5, probs = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]): WindowStats {
  const n = rows.length / length;
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`${rows.length} values are not whole windows of ${length}`, 'length');
  const all = Float64Array.from(rows).sort();
  const m = all.length;
  const mean = all.reduce((a, b) => a + b, 0) / m;
  let s2 = 0, s4 = 0;
  for (const v of all) { s2 += (v - mean) ** 2; s4 += (v - mean) ** 4; }
  s2 /= m; s4 /= m;
  const q = (p: number) => { const h = (m - 1) * p, lo = Math.floor(h); return all[lo] + (h - lo) * ((all[Math.min(m - 1, lo + 1)] ?? all[lo]) - all[lo]); };
  const acfMean = new Array<number>(maxLag).fill(0), acfAbsMean = new Array<number>(maxLag).fill(0);
  const w = new Float64Array(length), a = new Float64Array(length);
  let used = 0;
  for (let r = 0; r < n; r++) {
    let mu = 0;
    for (let j = 0; j < length; j++) { w[j] = rows[r * length + j]; mu += w[j] / length; }
    for (let j = 0; j < length; j++) a[j] = Math.abs(w[j] - mu);
    const c1 = acf(w, maxLag), c2 = acf(a, maxLag);
    if (!c1.every(Number.isFinite) || !c2.every(Number.isFinite)) continue; // a constant window
    used++;
    for (let k = 1; k <= maxLag; k++) { acfMean[k - 1] += c1[k]; acfAbsMean[k - 1] += c2[k]; }
  }
  return {
    quantiles: probs.map(q),
    probs,
    mean,
    sd: Math.sqrt(s2),
    kurtosis: s4 / (s2 * s2) - 3,
    acf: acfMean.map((v) => v / Math.max(1, used)),
    acfAbs: acfAbsMean.map((v) => v / Math.max(1, used)),
  };
}
