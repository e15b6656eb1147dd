/**
 * Value at risk and expected shortfall of one-step predictive distributions, and the tests that
 * backtest them. Pure (no I/O): the rolling backtest that feeds them lives in `risk/backtest.ts`.
 *
 * Conventions. Returns r_t (profit positive). At a tail probability α (0.01 for the 1% VaR) the
 * predictive α-quantile is q_t = F_t⁻¹(α) and
 *
 *   VaR_t = −q_t,        ES_t = −E[r_t | r_t ≤ q_t] = −(1/α) ∫₀^α F_t⁻¹(u) du,        (1)
 *
 * both positive losses for the usual left tail. An exceedance (hit, violation) is
 *
 *   I_t = 1{r_t < −VaR_t}.                                                          (2)
 *
 * Tests, on T days with x = Σ I_t exceedances (0·log 0 = 0 throughout, as R's 0^0 = 1):
 *
 * - Kupiec (1995) proportion of failures, H0: P(I_t = 1) = α,
 *     LR_uc = −2 [ (T−x) log(1−α) + x log α − (T−x) log(1−x/T) − x log(x/T) ] ~ χ²(1).   (3)
 * - Christoffersen (1998) independence, H0: I_t is not first-order Markov, from the transition
 *   counts n_ij = #{t ≥ 2: I_{t−1} = i, I_t = j}, π_01 = n01/(n00+n01), π_11 = n11/(n10+n11),
 *   π = (n01+n11)/(T−1),
 *     LR_ind = −2 [ (n00+n10) log(1−π) + (n01+n11) log π
 *                   − n00 log(1−π01) − n01 log π01 − n10 log(1−π11) − n11 log π11 ] ~ χ²(1),  (4)
 *   and conditional coverage LR_cc = LR_uc + LR_ind ~ χ²(2) (as rugarch's VaRTest and most
 *   software: LR_uc on all T days). With no exceedance, or no exceedance before the last day
 *   (π_11 undefined with a zero count), or a single day (no pairs), the undefined terms have zero
 *   counts and drop out: LR_ind = 0, p = 1.
 * - Acerbi & Szekely (2014), "Backtesting expected shortfall", Risk, test 2 (unconditional):
 *     Z2 = 1 + Σ_t r_t I_t / (T α ES_t),                                            (5)
 *   E[Z2] = 0 under H0 (VaR and ES correct); Z2 < 0 when the ES is underestimated. One-sided
 *   p-value P_H0(Z2 ≤ z) by simulation (their section "significance"): M draws of the T returns
 *   from the predictive distributions, the VaR and ES held fixed, p = (1 + #{Z2_sim ≤ z})/(M + 1)
 *   (Davison & Hinkley 1997, eq. 4.11).
 * - The quantile (tick) loss (1/T) Σ (α − I_t)(r_t − q_t) (Koenker & Bassett 1978; Giacomini &
 *   Komunjer 2005) and the FZ0 joint loss of (VaR, ES) (Patton, Ziegel & Chen 2019, eq. 6),
 *     FZ0 = (1/T) Σ [ −I_t (q_t − r_t) / (α e_t) + q_t / e_t + log(−e_t) − 1 ],  e_t = −ES_t,   (6)
 *   both strictly consistent: lower is better, and they rank models where the tests only accept
 *   or reject.
 * - The Basel traffic light (Basel Committee 1996, "Supervisory framework for the use of
 *   backtesting"): green while the binomial probability P(X ≤ x) of at most x exceedances
 *   among T days at α is below 95%, yellow below 99.99%, red above (for T = 250 at 1%: green
 *   0–4, yellow 5–9, red ≥ 10).
 *
 * ES of a predictive distribution (1): closed form for a Gaussian forecast,
 * ES = −μ + σ φ(z_α)/α; for sample paths the type-7 α-quantile of the sample and the mean of the
 * draws at or below it; for any other forecast (an exact quantile function, e.g. Student t) the
 * integral of its quantile function by 48-point Gauss–Legendre after u = α s⁴ (smooth for tails
 * lighter than t with 4/3 degrees of freedom).
 */
import betainc from '@stdlib/math-base-special-betainc';
import { ArgumentError, DataError } from '../core/errors.js';
import { GaussianForecast, SampleForecast, quantileSorted, type Forecast } from '../core/forecast.js';
import { chisqSf, normalQuantile } from '../core/distributions.js';
import type { Rng } from '../core/rng.js';

/** One day's predictive distribution of the next return, reduced to what the tests need. */
export type OneStepPredictive =
  | { readonly type: 'gaussian'; readonly mean: number; readonly sd: number }
  | { readonly type: 'sample'; /** The draws, sorted ascending. */ readonly sorted: Float64Array }
  | { readonly type: 'quantile'; /** The quantile function F⁻¹(u), u ∈ (0, 1). */ readonly quantile: (u: number) => number };

/** VaR and ES of one predictive distribution at one tail probability (eq. 1). */
export interface RiskMeasure {
  /** The α-quantile q of the return. */
  quantile: number;
  /** VaR = −q. */
  var: number;
  /** ES = −E[r | r ≤ q]. */
  es: number;
}

/** A likelihood-ratio test. */
export interface LRTest {
  /** The LR statistic (≥ 0). */
  lr: number;
  /** Degrees of freedom of its χ² law. */
  df: number;
  /** P(χ²(df) > lr). */
  pValue: number;
}

/** Checks a tail probability α ∈ (0, 1). */
export function checkAlpha(alpha: number, argument = 'level'): number {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new ArgumentError(`${argument} must be a tail probability strictly between 0 and 1 (0.01 for the 1% VaR); got ${String(alpha)}`, argument);
  }
  return alpha;
}

/**
 * The first step of a forecast as a {@link OneStepPredictive}: Gaussian for a
 * {@link GaussianForecast}, the sorted draws for a {@link SampleForecast}, else its quantile
 * function.
 */
export function oneStepPredictive(fc: Forecast): OneStepPredictive {
  if (!fc || typeof fc.quantile !== 'function') throw new ArgumentError('a forecast with a quantile method is needed', 'forecast');
  if (fc instanceof GaussianForecast) {
    const mean = fc.mean()[0], sd = fc.se[0];
    if (!Number.isFinite(mean) || !(sd > 0) || !Number.isFinite(sd)) throw new DataError(`the Gaussian forecast has mean ${mean} and standard error ${sd}; VaR needs a finite mean and a positive finite standard error`, 'forecast');
    return { type: 'gaussian', mean, sd };
  }
  if (fc instanceof SampleForecast) {
    const sorted = Float64Array.from(fc.paths, (p) => p[0]).sort();
    if (!sorted.every(Number.isFinite)) throw new DataError('the sample forecast holds non-finite draws', 'forecast');
    return { type: 'sample', sorted };
  }
  return { type: 'quantile', quantile: (u) => fc.quantile(u)[0] };
}

const SQRT2PI = Math.sqrt(2 * Math.PI);

/** VaR and ES (eq. 1) of a one-step predictive distribution at tail probability α. */
export function riskMeasures(pred: OneStepPredictive, alpha: number): RiskMeasure {
  checkAlpha(alpha);
  switch (pred.type) {
    case 'gaussian': {
      const z = normalQuantile(alpha);
      const q = pred.mean + pred.sd * z;
      const tail = pred.mean - (pred.sd * Math.exp(-0.5 * z * z)) / SQRT2PI / alpha;
      return { quantile: q, var: -q, es: -tail };
    }
    case 'sample': {
      const v = pred.sorted;
      const q = quantileSorted(v, alpha);
      let s = 0, k = 0;
      for (let i = 0; i < v.length && v[i] <= q; i++) { s += v[i]; k++; }
      return { quantile: q, var: -q, es: -(s / k) };
    }
    case 'quantile': {
      const q = pred.quantile(alpha);
      // (1/α)∫₀^α F⁻¹(u) du = ∫₀¹ F⁻¹(α s) ds = ∫₀¹ F⁻¹(α x⁴) 4x³ dx
      const { nodes, weights } = gaussLegendre01();
      let s = 0;
      for (let i = 0; i < nodes.length; i++) {
        const x = nodes[i];
        s += weights[i] * pred.quantile(alpha * x ** 4) * 4 * x ** 3;
      }
      if (!Number.isFinite(q) || !Number.isFinite(s)) throw new DataError(`the forecast's quantile function is not finite in the ${alpha} tail`, 'forecast');
      return { quantile: q, var: -q, es: -s };
    }
  }
}

let GL: { nodes: Float64Array; weights: Float64Array } | undefined;

/** 48-point Gauss–Legendre nodes and weights on [0, 1] (Newton on P_n, Golub–Welsch start). */
function gaussLegendre01(n = 48): { nodes: Float64Array; weights: Float64Array } {
  if (GL) return GL;
  const nodes = new Float64Array(n), weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1; p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    nodes[i] = (1 - x) / 2;
    weights[i] = 1 / ((1 - x * x) * dp * dp);
  }
  GL = { nodes, weights };
  return GL;
}

/** The exceedance indicators I_t = 1{r_t < −VaR_t} (eq. 2). */
export function exceedances(returns: ArrayLike<number>, valueAtRisk: ArrayLike<number>): Uint8Array {
  if (returns.length !== valueAtRisk.length) throw new ArgumentError(`returns (${returns.length}) and VaR (${valueAtRisk.length}) must have the same length`, 'var');
  return Uint8Array.from({ length: returns.length }, (_, t) => (returns[t] < -valueAtRisk[t] ? 1 : 0));
}

function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

function lrTest(lr: number, df: number): LRTest {
  const v = Math.max(0, lr); // rounding can leave −1e−15
  return { lr: v, df, pValue: chisqSf(v, df) };
}

function checkHits(hits: ArrayLike<number>): void {
  if (!hits || typeof hits.length !== 'number' || hits.length < 1) throw new DataError('the exceedance series is empty; the tests need at least one day', 'hits');
  for (let t = 0; t < hits.length; t++) {
    if (hits[t] !== 0 && hits[t] !== 1) throw new DataError(`exceedance indicators must be 0 or 1; day ${t + 1} is ${hits[t]}`, 'hits');
  }
}

/** Kupiec's (1995) proportion-of-failures test (eq. 3) of x exceedances in T days at tail probability α. */
export function kupiecTest(exceeded: number, days: number, alpha: number): LRTest & { exceedances: number; days: number } {
  checkAlpha(alpha);
  if (!Number.isInteger(days) || days < 1) throw new ArgumentError(`days must be a positive integer; got ${days}`, 'days');
  if (!Number.isInteger(exceeded) || exceeded < 0 || exceeded > days) throw new ArgumentError(`exceedances must be an integer between 0 and ${days}; got ${exceeded}`, 'exceedances');
  const x = exceeded, T = days, phat = x / T;
  const lr = -2 * (xlogy(T - x, 1 - alpha) + xlogy(x, alpha) - xlogy(T - x, 1 - phat) - xlogy(x, phat));
  return { ...lrTest(lr, 1), exceedances: x, days: T };
}

/** Transition counts of an exceedance series: n_ij = #{t: I_{t−1} = i, I_t = j}. */
export interface TransitionCounts {
  n00: number;
  n01: number;
  n10: number;
  n11: number;
}

/** Christoffersen's (1998) tests (eq. 4) of an exceedance series at tail probability α. */
export interface ChristoffersenTest {
  /** Kupiec's unconditional coverage (eq. 3). */
  unconditional: LRTest;
  /** Independence against a first-order Markov chain. */
  independence: LRTest;
  /** Conditional coverage LR_uc + LR_ind, χ²(2). */
  conditional: LRTest;
  counts: TransitionCounts;
}

/** Christoffersen's (1998) independence and conditional-coverage tests (eq. 4), with Kupiec's. */
export function christoffersenTest(hits: ArrayLike<number>, alpha: number): ChristoffersenTest {
  checkAlpha(alpha);
  checkHits(hits);
  const c = { n00: 0, n01: 0, n10: 0, n11: 0 };
  for (let t = 1; t < hits.length; t++) {
    const a = hits[t - 1], b = hits[t];
    if (a === 0) { if (b === 0) c.n00++; else c.n01++; } else if (b === 0) c.n10++; else c.n11++;
  }
  const pairs = c.n00 + c.n01 + c.n10 + c.n11;
  const pi = pairs ? (c.n01 + c.n11) / pairs : 0;
  const pi01 = c.n00 + c.n01 ? c.n01 / (c.n00 + c.n01) : 0;
  const pi11 = c.n10 + c.n11 ? c.n11 / (c.n10 + c.n11) : 0;
  const lrInd = -2 * (xlogy(c.n00 + c.n10, 1 - pi) + xlogy(c.n01 + c.n11, pi)
    - xlogy(c.n00, 1 - pi01) - xlogy(c.n01, pi01) - xlogy(c.n10, 1 - pi11) - xlogy(c.n11, pi11));
  let x = 0;
  for (let t = 0; t < hits.length; t++) x += hits[t];
  const uc = kupiecTest(x, hits.length, alpha);
  const ind = lrTest(lrInd, 1);
  return {
    unconditional: { lr: uc.lr, df: 1, pValue: uc.pValue },
    independence: ind,
    conditional: lrTest(uc.lr + ind.lr, 2),
    counts: c,
  };
}

/** Acerbi–Szekely's Z2 statistic (eq. 5) from returns, VaR and ES (both positive losses). */
export function z2Statistic(returns: ArrayLike<number>, valueAtRisk: ArrayLike<number>, es: ArrayLike<number>, alpha: number): number {
  checkAlpha(alpha);
  const T = returns.length;
  if (T < 1) throw new DataError('the returns are empty; the test needs at least one day', 'returns');
  if (valueAtRisk.length !== T || es.length !== T) throw new ArgumentError(`returns (${T}), VaR (${valueAtRisk.length}) and ES (${es.length}) must have the same length`, 'es');
  let s = 0;
  for (let t = 0; t < T; t++) if (returns[t] < -valueAtRisk[t]) s += returns[t] / es[t];
  return 1 + s / (T * alpha);
}

/** The Acerbi–Szekely ES backtest: Z2 and its simulated one-sided p-value. */
export interface EsTest {
  /** Z2 (eq. 5): 0 expected, negative when the ES is too small. */
  statistic: number;
  /** P_H0(Z2 ≤ statistic), by simulation; NaN when some ES is not positive (Z2 is then undefined). */
  pValue: number;
  /** Number of simulated samples M. */
  sims: number;
}

/** Most simulations of {@link acerbiSzekelyTest}: enough for a p-value to 1e-5; more only burns CPU. */
export const MAX_SIMS = 100_000;

/**
 * The Acerbi & Szekely (2014) Z2 test of the ES of `predictives` (one per day) against
 * `returns`: the statistic (eq. 5) with VaR and ES from {@link riskMeasures}, and the p-value
 * from `sims` samples of the T returns drawn from the predictive distributions with `rng`. Under
 * H0 only the draws below the VaR count, so a continuous law draws u ~ U(0, 1) and, when u < α,
 * r = F⁻¹(u); a sample draws one of its draws.
 */
export function acerbiSzekelyTest(returns: ArrayLike<number>, predictives: readonly OneStepPredictive[], alpha: number, options: { sims?: number; rng: Rng }): EsTest {
  checkAlpha(alpha);
  const T = returns.length;
  if (predictives.length !== T) throw new ArgumentError(`returns (${T}) and predictive distributions (${predictives.length}) must have the same length`, 'predictives');
  const sims = options.sims ?? 1000;
  if (!Number.isInteger(sims) || sims < 1 || sims > MAX_SIMS) throw new ArgumentError(`sims must be an integer from 1 to ${MAX_SIMS.toLocaleString('en-US')} (a p-value to 1e-5; each simulation draws every test day); got ${sims}`, 'sims');
  if (!options.rng) throw new ArgumentError('the ES test needs a seeded rng: { rng: createRng(seed) }', 'rng');
  const risk = predictives.map((p) => riskMeasures(p, alpha));
  const VaR = Float64Array.from(risk, (r) => r.var), ES = Float64Array.from(risk, (r) => r.es);
  const statistic = z2Statistic(returns, VaR, ES, alpha);
  if (!ES.every((e) => e > 0)) return { statistic: NaN, pValue: NaN, sims };
  // For a sample, the draws that exceed the VaR are its first `below` sorted draws.
  const below = predictives.map((p, t) => {
    if (p.type !== 'sample') return 0;
    let k = 0;
    while (k < p.sorted.length && p.sorted[k] < risk[t].quantile) k++;
    return k;
  });
  const rng = options.rng;
  let atMost = 0;
  for (let m = 0; m < sims; m++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      const p = predictives[t];
      const u = rng.uniform();
      if (p.type === 'sample') {
        const k = Math.floor(u * p.sorted.length);
        if (k < below[t]) s += p.sorted[k] / ES[t];
      } else if (u < alpha && u > 0) {
        const r = p.type === 'gaussian' ? p.mean + p.sd * normalQuantile(u) : p.quantile(u);
        s += r / ES[t];
      }
    }
    if (1 + s / (T * alpha) <= statistic) atMost++;
  }
  return { statistic, pValue: (1 + atMost) / (1 + sims), sims };
}

/** Mean quantile (tick) loss (1/T) Σ (α − I_t)(r_t − q_t), with q_t = −VaR_t. */
export function quantileLoss(returns: ArrayLike<number>, valueAtRisk: ArrayLike<number>, alpha: number): number {
  checkAlpha(alpha);
  const T = returns.length;
  if (valueAtRisk.length !== T) throw new ArgumentError(`returns (${T}) and VaR (${valueAtRisk.length}) must have the same length`, 'var');
  let s = 0;
  for (let t = 0; t < T; t++) {
    const q = -valueAtRisk[t], hit = returns[t] < q ? 1 : 0;
    s += (alpha - hit) * (returns[t] - q);
  }
  return s / T;
}

/** Mean FZ0 loss (eq. 6) of (VaR, ES); NaN when some ES is not positive. */
export function fz0Loss(returns: ArrayLike<number>, valueAtRisk: ArrayLike<number>, es: ArrayLike<number>, alpha: number): number {
  checkAlpha(alpha);
  const T = returns.length;
  if (valueAtRisk.length !== T || es.length !== T) throw new ArgumentError(`returns (${T}), VaR (${valueAtRisk.length}) and ES (${es.length}) must have the same length`, 'es');
  let s = 0;
  for (let t = 0; t < T; t++) {
    const q = -valueAtRisk[t], e = -es[t];
    if (!(e < 0)) return NaN;
    const hit = returns[t] < q ? 1 : 0;
    s += (-hit * (q - returns[t])) / (alpha * e) + q / e + Math.log(-e) - 1;
  }
  return s / T;
}

/** Binomial P(X ≤ x) for X ~ Bin(T, α). */
export function binomialCdf(x: number, T: number, alpha: number): number {
  if (x < 0) return 0;
  if (x >= T) return 1;
  return betainc(1 - alpha, T - x, x + 1);
}

/** A Basel traffic-light zone. */
export type TrafficLightZone = 'green' | 'yellow' | 'red';

/** The Basel traffic-light zone of x exceedances in T days at α (see the module notes). */
export function trafficLight(exceeded: number, days: number, alpha = 0.01): { zone: TrafficLightZone; cumulativeProbability: number } {
  checkAlpha(alpha);
  if (!Number.isInteger(days) || days < 1) throw new ArgumentError(`days must be a positive integer; got ${days}`, 'days');
  if (!Number.isInteger(exceeded) || exceeded < 0 || exceeded > days) throw new ArgumentError(`exceedances must be an integer between 0 and ${days}; got ${exceeded}`, 'exceedances');
  const p = binomialCdf(exceeded, days, alpha);
  return { zone: p < 0.95 ? 'green' : p < 0.9999 ? 'yellow' : 'red', cumulativeProbability: p };
}
