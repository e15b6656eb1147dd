/**
 * Descriptive statistics and residual diagnostics shared by the models: mean, variance,
 * autocorrelation, Ljung–Box, Durbin–Watson, Jarque–Bera and the omnibus normality test.
 * References: Box, Jenkins & Reinsel (2008) §2.1 (ACF), Ljung & Box (1978), Durbin & Watson
 * (1950), Jarque & Bera (1987), D'Agostino & Pearson (1973).
 */
import { chisqSf } from './distributions.js';

/**
 * The smallest and largest values of `x`, NaN skipped ([Infinity, -Infinity] when none is left),
 * by a loop: spreading a long array into `Math.min(...x)` overflows the call stack (~1e5 values).
 */
export function extent(x: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The largest of `x` (−Infinity when empty; NaN skipped), without spreading it into arguments. */
export function maxOf(x: ArrayLike<number>): number {
  return extent(x)[1];
}

/** The smallest of `x` (Infinity when empty; NaN skipped), without spreading it into arguments. */
export function minOf(x: ArrayLike<number>): number {
  return extent(x)[0];
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Sample variance with denominator n − ddof. */
export function variance(x: ArrayLike<number>, ddof = 1): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - ddof);
}

/**
 * Mean and standard deviation (denominator n − ddof) that neither overflow nor underflow: the sums
 * run over x / max |x|, so values near ±1e308 or 1e-300 give their true moments rather than
 * Infinity or 0.
 */
export function meanSd(x: ArrayLike<number>, ddof = 1): { mean: number; sd: number } {
  let big = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i]));
  const k = big > 0 && Number.isFinite(big) ? big : 1;
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i] / k;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] / k - m) ** 2;
  return { mean: m * k, sd: Math.sqrt(v / (x.length - ddof)) * k };
}

/** Autocovariances γ(0..maxLag) with denominator n (biased, positive definite), after demeaning. */
export function acovf(x: ArrayLike<number>, maxLag: number, demean = true): number[] {
  const n = x.length;
  const m = demean ? mean(x) : 0;
  const out: number[] = [];
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let t = k; t < n; t++) s += (x[t] - m) * (x[t - k] - m);
    out.push(s / n);
  }
  return out;
}

/** Sample autocorrelations ρ(0..maxLag). */
export function acf(x: ArrayLike<number>, maxLag: number): number[] {
  const g = acovf(x, maxLag);
  return g.map((v) => v / g[0]);
}

/**
 * Ljung–Box portmanteau test Q = n(n+2) Σ ρ̂_k²/(n−k), k = 1..lags, χ² with lags − fitdf
 * degrees of freedom (R `Box.test(type="Ljung-Box")`).
 */
export function ljungBox(x: ArrayLike<number>, lags: number, fitdf = 0): { statistic: number; df: number; pValue: number } {
  const n = x.length;
  const r = acf(x, lags);
  let q = 0;
  for (let k = 1; k <= lags; k++) q += (r[k] * r[k]) / (n - k);
  q *= n * (n + 2);
  const df = lags - fitdf;
  return { statistic: q, df, pValue: df > 0 ? chisqSf(q, df) : NaN };
}

/** Durbin–Watson statistic Σ(e_t − e_{t−1})² / Σ e_t². */
export function durbinWatson(e: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let t = 0; t < e.length; t++) {
    den += e[t] * e[t];
    if (t > 0) num += (e[t] - e[t - 1]) ** 2;
  }
  return num / den;
}

/** Skewness and (non-excess) kurtosis with moments about the mean, denominator n (biased). */
export function moments(x: ArrayLike<number>): { skew: number; kurtosis: number } {
  const n = x.length;
  const m = mean(x);
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    m2 += d * d; m3 += d * d * d; m4 += d * d * d * d;
  }
  m2 /= n; m3 /= n; m4 /= n;
  return { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** Jarque–Bera normality test JB = n/6 (S² + (K−3)²/4), χ²(2). */
export function jarqueBera(x: ArrayLike<number>): { statistic: number; pValue: number; skew: number; kurtosis: number } {
  const { skew, kurtosis } = moments(x);
  const jb = (x.length / 6) * (skew * skew + ((kurtosis - 3) ** 2) / 4);
  return { statistic: jb, pValue: chisqSf(jb, 2), skew, kurtosis };
}

/**
 * D'Agostino–Pearson omnibus test K² = Z(skew)² + Z(kurtosis)², χ²(2) (scipy `normaltest`,
 * shown as "Omnibus" in the statsmodels OLS summary). Needs n ≥ 8.
 */
export function omnibusNormality(x: ArrayLike<number>): { statistic: number; pValue: number } {
  const n = x.length;
  const { skew: b1, kurtosis: b2 } = moments(x);
  // Skewness test (D'Agostino 1970).
  const y = b1 * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2 / (w2 - 1));
  const ya = y / alpha;
  const zs = delta * Math.log(ya + Math.sqrt(ya * ya + 1));
  // Kurtosis test (Anscombe & Glynn 1983).
  const e = (3 * (n - 1)) / (n + 1);
  const varb2 = (24 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
  const xk = (b2 - e) / Math.sqrt(varb2);
  const sqrtbeta1 = ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const a = 6 + (8 / sqrtbeta1) * (2 / sqrtbeta1 + Math.sqrt(1 + 4 / (sqrtbeta1 * sqrtbeta1)));
  const term1 = 1 - 2 / (9 * a);
  const denom = 1 + xk * Math.sqrt(2 / (a - 4));
  const term2 = Math.sign(denom) * Math.cbrt((1 - 2 / a) / Math.abs(denom));
  const zk = denom === 0 ? NaN : (term1 - term2) / Math.sqrt(2 / (9 * a));
  const k2 = zs * zs + zk * zk;
  return { statistic: k2, pValue: chisqSf(k2, 2) };
}
