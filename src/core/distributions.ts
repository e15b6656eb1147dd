/**
 * Probability distributions used for inference: CDFs, survival functions and quantiles of the
 * normal, Student t, F and χ² laws, and the Gaussian constant log 2π. Thin wrappers over @stdlib (well-kept, tested special
 * functions); survival functions go through the regularised incomplete beta/gamma functions so
 * that tiny p-values keep full relative precision (1 − cdf would round them to 0).
 */
import normalCdfLib from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileLib from '@stdlib/stats-base-dists-normal-quantile';
import tQuantileLib from '@stdlib/stats-base-dists-t-quantile';
import chisqQuantileLib from '@stdlib/stats-base-dists-chisquare-quantile';
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';
import type { Rng } from './rng.js';

/** log(2π), the constant of every Gaussian log-density: log φ(x) = −½(LOG2PI + x²). */
export const LOG2PI = Math.log(2 * Math.PI);

/**
 * log Γ(x) for x > 0: Lanczos approximation (g = 7, 9 terms; Press et al., "Numerical Recipes"
 * 3rd ed. §6.1 / Godfrey's coefficients), relative error ≈ 1e-15, with the reflection formula below ½.
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * LOG2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return normalCdfLib(x, 0, 1);
}

/** Standard normal upper tail 1 − Φ(x), accurate for large x. */
export function normalSf(x: number): number {
  return normalCdfLib(-x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p). */
export function normalQuantile(p: number): number {
  return normalQuantileLib(p, 0, 1);
}

/** Student t CDF with `df` degrees of freedom. */
export function tCdf(x: number, df: number): number {
  const tail = 0.5 * betainc(df / (df + x * x), df / 2, 0.5);
  return x >= 0 ? 1 - tail : tail;
}

/** Two-sided p-value P(|T| > |t|) for Student t with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return betainc(df / (df + t * t), df / 2, 0.5);
}

/** Student t quantile. */
export function tQuantile(p: number, df: number): number {
  return tQuantileLib(p, df);
}

/** Upper tail P(F > f) of the F(d1, d2) distribution. */
export function fSf(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  return betainc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** Upper tail P(X > x) of χ²(k). */
export function chisqSf(x: number, k: number): number {
  if (!(x > 0)) return 1;
  return gammainc(x / 2, k / 2, true, true);
}

/** χ²(k) quantile. */
export function chisqQuantile(p: number, k: number): number {
  return chisqQuantileLib(p, k);
}

/**
 * A Gamma(shape, 1) variate by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3): squeeze and log tests on d·(1 + c·Z)³; shape < 1 through
 * Gamma(shape + 1)·U^{1/shape}.
 */
export function gammaVariate(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.uniform(); // (0, 1]
    return gammaVariate(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}
