/**
 * Automatic ARIMA order selection — the Hyndman–Khandakar algorithm as R `forecast::auto.arima`
 * (forecast 8.20) runs it (Hyndman & Khandakar 2008, "Automatic time series forecasting: the
 * forecast package for R", J. Stat. Softw. 27(3)). Every rule, default and tie-break follows
 * docs/auto-arima-spec.md, which cites the R sources line by line:
 *
 * 1. d by repeated KPSS tests (α = 0.05), D by the STL seasonal-strength heuristic (> 0.64).
 *    With gaps, as R: the seasonal test fills them by `na.interp` and measures the strength on
 *    the observed times; KPSS runs on the observed values of the (seasonally) differenced series
 *    (see {@link differencingOrders}).
 * 2. Stepwise search from four (five) initial models over the neighbourhood moves of the spec,
 *    minimising AICc (or AIC/BIC); exhaustive search over p + q + P + Q ≤ maxOrder on request.
 * 3. Long or high-frequency series (n > 150 or s > 12) are searched with CSS fits and an IC
 *    offset, then the best models are refitted by exact ML in CSS-IC order.
 * 4. Candidates whose AR or MA polynomial has a root with modulus < 1.01, or whose coefficient
 *    variances are not positive, are rejected.
 *
 * The chosen orders are finally fitted by {@link fitARIMA}'s exact ML with restarts.
 *
 * @example
 * const fit = fitAutoARIMA(logAir, { period: 12 });
 * fit.params.order; fit.selection?.tried.length; fit.forecast(24);
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { fitARIMA, FittedARIMA, arimaLabel, arimaReport, arimaDefaultHorizon, type ARIMAJSON, type Trend, type ARIMAMethod } from './arima.js';
import { z, type SeriesModelEntry } from '../core/model-entry.js';
import { autoARIMADiffs, isConstant, diffLag, ndiffs, SEASONAL_STRENGTH_THRESHOLD, type AutoARIMADiffs } from './unit-root.js';
import { polyRoots } from './estimators/polynomial.js';
import { seasonalStrengthWithGaps } from './estimators/na-interp.js';

export type InformationCriterion = 'aicc' | 'aic' | 'bic';

export interface AutoARIMAOptions {
  /** Seasonal period (observations per cycle). Default 1 (non-seasonal). */
  period?: number;
  /** Fix d instead of testing. */
  d?: number;
  /** Fix D instead of testing. */
  D?: number;
  maxP?: number;
  maxQ?: number;
  maxSeasonalP?: number;
  maxSeasonalQ?: number;
  /** Bound on p + q + P + Q in the exhaustive search. Default 5. */
  maxOrder?: number;
  maxD?: number;
  maxSeasonalD?: number;
  /** Only stationary models (d = D = 0). */
  stationary?: boolean;
  /** Consider seasonal models. Default true. */
  seasonal?: boolean;
  /** Criterion to minimise. Default 'aicc'. */
  ic?: InformationCriterion;
  /** Stepwise (default) or exhaustive search. */
  stepwise?: boolean;
  /** Maximum number of models the stepwise search fits. Default 94. */
  nmodels?: number;
  /** Search with CSS fits. Default n > 150 or period > 12. */
  approximation?: boolean;
  allowDrift?: boolean;
  allowMean?: boolean;
  /** Receives one line per fitted candidate, like R's trace = TRUE. */
  trace?: (line: string) => void;
}

/** One model tried during the search. */
export interface Candidate {
  order: [number, number, number];
  seasonal: [number, number, number, number];
  constant: boolean;
  /** The criterion value used in the search (CSS-based while approximating); Infinity if rejected or failed. */
  ic: number;
}

/** What the search did, attached to the returned model as `selection`. */
export interface AutoARIMASelection {
  d: number;
  D: number;
  period: number;
  ic: InformationCriterion;
  stepwise: boolean;
  approximation: boolean;
  tried: Candidate[];
}

interface Orders { p: number; q: number; P: number; Q: number }

interface Context {
  y: Float64Array;
  n: number;
  m: number;
  d: number;
  D: number;
  ic: InformationCriterion;
  trace?: (line: string) => void;
}

interface Scored {
  fit: FittedARIMA | null;
  ic: number;
  aicc: number;
}

function label(o: Orders, c: Context, constant: boolean): string {
  const base = `ARIMA(${o.p},${c.d},${o.q})` + (c.m > 1 && o.P + c.D + o.Q > 0 ? `(${o.P},${c.D},${o.Q})[${c.m}]` : '');
  const diffs = c.d + c.D;
  return base + (constant ? (diffs === 0 ? ' with non-zero mean' : diffs === 1 ? ' with drift' : '') : '');
}

/** Fits one candidate and scores it as forecast's `myarima` (spec §5–6). */
function fitCandidate(c: Context, o: Orders, constant: boolean, approximation: boolean, offset: number, bestIc = -Infinity): Scored {
  const diffs = c.d + c.D;
  const trend: Trend = constant ? (diffs === 0 ? 'c' : diffs === 1 ? 't' : 'n') : 'n';
  const seasonal = c.m > 1 && o.P + c.D + o.Q > 0 ? { order: [o.P, c.D, o.Q] as [number, number, number], period: c.m } : undefined;
  const method: ARIMAMethod = approximation ? 'css' : 'css-ml';
  let fit: FittedARIMA;
  try {
    fit = fitARIMA(c.y, { order: [o.p, c.d, o.q], seasonal, trend, method, ftol: 1e-10 });
  } catch {
    c.trace?.(`${label(o, c, constant)} : Inf`);
    return { fit: null, ic: Infinity, aicc: Infinity };
  }
  const nstar = c.n - c.d - c.D * c.m;
  const npar = fit.nParams; // coefficients + σ²
  const aic = method === 'css' ? offset + nstar * Math.log(fit.sigma2) + 2 * npar : -2 * fit.llf + 2 * npar;
  const bic = aic + npar * (Math.log(nstar) - 2);
  const aicc = aic + (2 * npar * (npar + 1)) / (nstar - npar - 1);
  let ic = c.ic === 'aic' ? aic : c.ic === 'bic' ? bic : aicc;
  if (!Number.isFinite(aic)) ic = Infinity;
  // Rejection checks (spec §6.5): roots near the unit circle, non-positive coefficient variances.
  const { phi, theta } = fit.polynomials();
  let minRoot = 2;
  if (o.p + o.P > 0) minRoot = Math.min(minRoot, minModulus(phi.map((v) => -v)));
  if (o.q + o.Q > 0 && ic < Infinity) minRoot = Math.min(minRoot, minModulus(theta));
  // The variance check needs a numerical Hessian; a model that does not beat the incumbent
  // cannot change the search path whether it is rejected or not, so only contenders pay for it.
  if (minRoot < 1.01 || (ic < bestIc && badVariances(fit))) ic = Infinity;
  c.trace?.(`${label(o, c, constant)} : ${Number.isFinite(ic) ? ic.toFixed(4) : 'Inf'}`);
  return { fit, ic, aicc };
}

/** Smallest root modulus of 1 + Σ a_k z^k after dropping trailing |a_k| ≤ 1e-8. */
function minModulus(a: number[]): number {
  let k = a.length;
  while (k > 0 && Math.abs(a[k - 1]) <= 1e-8) k--;
  if (k === 0) return Infinity;
  return Math.min(...polyRoots(a.slice(0, k)).map(([r, i]) => Math.hypot(r, i)));
}

/** forecast's checkarima: some coefficient variance is negative or undefined. */
function badVariances(fit: FittedARIMA): boolean {
  const nCoef = fit.nParams - 1;
  if (nCoef === 0) return false;
  const cov = fit.cov();
  if (!cov) return true;
  for (let i = 0; i < nCoef; i++) if (!(cov[i][i] >= 0)) return true;
  return false;
}

/** Selects and fits an ARIMA model automatically (see the module comment). */
export function fitAutoARIMA(data: ArrayLike<number>, options: AutoARIMAOptions = {}): FittedARIMA {
  const y = Float64Array.from(data);
  const period = options.period ?? 1;
  if (!(Number.isFinite(period) && period >= 1)) {
    throw new ArgumentError(`period must be at least 1 (1 = non-seasonal); got ${period}`, 'period');
  }
  if (options.period !== undefined && period !== 1 && period < 2) {
    throw new ArgumentError(`seasonal period must be at least 2; got ${period}`, 'period');
  }
  for (const [name, v] of Object.entries({ d: options.d, D: options.D, maxP: options.maxP, maxQ: options.maxQ, maxSeasonalP: options.maxSeasonalP, maxSeasonalQ: options.maxSeasonalQ, maxOrder: options.maxOrder, maxD: options.maxD, maxSeasonalD: options.maxSeasonalD })) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 50)) {
      throw new ArgumentError(`${name} must be an integer between 0 and 50; got ${v}`, name);
    }
  }
  const ic: InformationCriterion = options.ic ?? 'aicc';
  if (!['aicc', 'aic', 'bic'].includes(ic)) throw new ArgumentError(`ic must be aicc, aic or bic; got '${ic}'`, 'ic');
  // Leading missing values are not part of the series (spec §2; R: subset(x, start = firstnonmiss)).
  // Trailing ones stay in what the differencing tests and the approximation rule see, as in R;
  // the search fits the observed stretch.
  let first = 0, last = y.length - 1;
  while (first < y.length && Number.isNaN(y[first])) first++;
  while (last >= first && Number.isNaN(y[last])) last--;
  if (first > last) throw new DataError('y has no observed values (all missing)', 'y');
  const xr = y.subarray(first);
  const x = y.subarray(first, last + 1);
  const observed = Array.from(x).filter((v) => !Number.isNaN(v));
  if (observed.some((v) => !Number.isFinite(v))) throw new DataError('y contains infinite values', 'y');
  if (isConstant(observed)) {
    throw new DataError('y is constant; there is nothing for an ARIMA model to fit (the forecast is the constant itself)', 'y');
  }
  const serieslength = observed.length;

  // 1. Orders of differencing (spec §3), on the series with its gaps in place.
  const { d, D, m } = differencingOrders(xr, period, {
    d: options.d, D: options.D, maxD: options.maxD, maxSeasonalD: options.maxSeasonalD,
    seasonal: options.seasonal, stationary: options.stationary,
  });
  let dx = D > 0 ? diffLag(Array.from(xr), m, D) : Array.from(xr);
  if (d > 0) dx = diffLag(dx, 1, d);
  dx = dx.filter((v) => !Number.isNaN(v));
  if (dx.length === 0) throw new DataError(`not enough data: ${serieslength} observations leave nothing after d = ${d}, D = ${D} differences`, 'y');
  if (isConstant(dx)) {
    throw new DataError(
      `y follows a deterministic ${D > 0 ? 'seasonal ' : ''}polynomial exactly after differencing (d = ${d}, D = ${D}); there is no noise for an ARIMA model to describe`,
      'y',
    );
  }

  // 2. Bounds (spec §2.5, §3.2, §4.1).
  let maxP = Math.min(options.maxP ?? 5, Math.floor(serieslength / 3));
  let maxQ = Math.min(options.maxQ ?? 5, Math.floor(serieslength / 3));
  let maxSP = Math.min(options.maxSeasonalP ?? 2, Math.floor(serieslength / 3 / m));
  let maxSQ = Math.min(options.maxSeasonalQ ?? 2, Math.floor(serieslength / 3 / m));
  if (m === 1) { maxSP = 0; maxSQ = 0; }
  const icUsed: InformationCriterion = serieslength <= 3 ? 'aic' : ic;
  if (m > 1) {
    if (maxSP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  const approximation = options.approximation ?? (xr.length > 150 || period > 12);
  const ctx: Context = { y: Float64Array.from(x), n: serieslength, m, d, D, ic: icUsed, trace: options.trace };

  // 3. IC offset for CSS fits: from the exact likelihood of the (0,d,0)(0,D,0) model (spec §4.2).
  let offset = 0;
  if (approximation) {
    try {
      const fit0 = fitARIMA(ctx.y, {
        order: [0, d, 0],
        seasonal: D > 0 ? { order: [0, D, 0], period: m } : undefined,
        trend: d + D === 0 ? 'c' : 'n',
        method: 'css-ml',
      });
      offset = -2 * fit0.llf - serieslength * Math.log(fit0.sigma2);
    } catch {
      offset = 0;
    }
  }
  const allowDrift = (options.allowDrift ?? true) && d + D === 1;
  const allowMean = (options.allowMean ?? true) && d + D === 0;
  const tried: Candidate[] = [];
  const record = (o: Orders, constant: boolean, s: Scored) => {
    tried.push({ order: [o.p, d, o.q], seasonal: [o.P, D, o.Q, m], constant, ic: s.ic });
  };

  let chosen: { o: Orders; constant: boolean } | null = null;
  const stepwise = options.stepwise ?? true;
  if (stepwise) {
    chosen = stepwiseSearch(ctx, { maxP, maxQ, maxSP, maxSQ }, allowDrift || allowMean, approximation, offset, options.nmodels ?? 94, record);
  } else {
    chosen = exhaustiveSearch(ctx, { maxP, maxQ, maxSP, maxSQ }, options.maxOrder ?? 5, allowDrift || allowMean, approximation, offset, record);
  }
  if (!chosen) throw new DataError('no suitable ARIMA model found: every candidate failed or was rejected', 'y');

  // 4. Final model: exact ML with restarts at the chosen orders.
  const { o, constant } = chosen;
  const trend: Trend = constant ? (d + D === 0 ? 'c' : 't') : 'n';
  const fit = fitARIMA(y, {
    order: [o.p, d, o.q],
    seasonal: m > 1 && o.P + D + o.Q > 0 ? { order: [o.P, D, o.Q], period: m } : undefined,
    trend,
    method: 'ml',
  });
  fit.selection = { d, D, period: m, ic: icUsed, stepwise, approximation, tried };
  return fit;
}

interface Bounds { maxP: number; maxQ: number; maxSP: number; maxSQ: number }

/** The differencing options of {@link fitAutoARIMA} (R: d, D, max.d, max.D, seasonal, stationary). */
interface DiffOptions { d?: number; D?: number; maxD?: number; maxSeasonalD?: number; seasonal?: boolean; stationary?: boolean }

/**
 * d and D as R forecast 8.20 `auto.arima` chooses them for x (leading gaps dropped, trailing ones
 * kept, as R keeps them). Without gaps: {@link autoARIMADiffs}. With gaps, R's own handling of NA:
 *
 * 1. m = round(period) (1 when not seasonal); D = 0 when m = 1 or length(x) ≤ 2m (gaps counted).
 * 2. Otherwise D = `nsdiffs(x)` on the series with its gaps ({@link nsdiffsWithGaps}); D drops by
 *    one if the seasonal difference is all missing.
 * 3. d = `ndiffs(diff(x, m, D))`, whose first line is `x <- na.omit(x)`: the KPSS tests run on
 *    the observed values of the seasonally differenced series — a difference across a gap is
 *    missing, not a difference of the values either side of it. d drops by one if the
 *    differenced series is all missing.
 *
 * Testing the observed values joined together instead shifts every season after a gap by one
 * position (UKgas with 7 of 108 quarters hidden: seasonal strength 0.41 against 0.97, D = 0 against R's 1).
 */
function differencingOrders(x: Float64Array, period: number, o: DiffOptions): AutoARIMADiffs {
  if (!x.some(Number.isNaN)) {
    return autoARIMADiffs(Array.from(x), period, { d: o.d, D: o.D, maxD: o.maxD, maxSeasonalD: o.maxSeasonalD, seasonal: o.seasonal, stationary: o.stationary });
  }
  const xs = Array.from(x);
  const allMissing = (v: readonly number[]) => v.every(Number.isNaN);
  // 1. The period and the fixed orders.
  let m = (o.seasonal ?? true) ? period : 1;
  m = m < 1 ? 1 : Math.round(m);
  let d = o.d, D = o.D;
  if (o.stationary) { d = 0; D = 0; }
  // 2. Seasonal differences.
  if (m === 1) D = 0;
  else if (D === undefined && xs.length <= 2 * m) D = 0;
  else if (D === undefined) {
    D = nsdiffsWithGaps(xs, period, o.maxSeasonalD ?? 1);
    if (D > 0 && allMissing(diffLag(xs, m, D))) D -= 1;
  }
  // 3. First differences, on the observed values of the seasonally differenced series.
  const dx = D > 0 ? diffLag(xs, m, D) : xs;
  if (d === undefined) {
    d = ndiffs(dx.filter((v) => !Number.isNaN(v)), { maxD: o.maxD ?? 2 });
    if (d > 0 && allMissing(diffLag(dx, 1, d))) d -= 1;
  }
  return { d, D, m };
}

/**
 * R forecast 8.20 `nsdiffs(x, test = "seas")` for x with gaps: difference while the seasonal
 * strength ({@link seasonalStrengthWithGaps}) exceeds 0.64, at most maxD times, testing again
 * only while D < maxD and length ≥ 2·period; a failed test counts as "no difference" (R's
 * tryCatch). `isConstant` is R's `is.constant`, false while values are missing.
 */
function nsdiffsWithGaps(y: readonly number[], period: number, maxD: number): number {
  let D = 0;
  let x = y.slice();
  if (isConstant(x) || period >= x.length) return D;
  let m = period;
  const runTest = (z: readonly number[]): boolean => {
    try {
      return seasonalStrengthWithGaps(z, m) > SEASONAL_STRENGTH_THRESHOLD; // NaN: false, as R's stopifnot
    } catch {
      return false;
    }
  };
  let dodiff = runTest(x);
  if (dodiff && !Number.isInteger(m)) m = Math.round(m);
  while (dodiff && D < maxD) {
    D += 1;
    x = diffLag(x, m);
    if (isConstant(x)) return D;
    dodiff = x.length >= 2 * m && D < maxD ? runTest(x) : false;
  }
  return D;
}

/** Refits candidates with exact ML in order of their CSS criterion until one succeeds (spec §7.4). */
function refitApproximated(ctx: Context, rows: { o: Orders; constant: boolean; ic: number }[]): { o: Orders; constant: boolean } | null {
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => (a.r.ic === b.r.ic ? a.i - b.i : a.r.ic < b.r.ic ? -1 : 1));
  for (const { r } of order) {
    const s = fitCandidate(ctx, r.o, r.constant, false, 0, Infinity);
    if (s.ic < Infinity) return { o: r.o, constant: r.constant };
  }
  return null;
}

function stepwiseSearch(
  ctx: Context, b: Bounds, allowConstant: boolean, approximation: boolean, offset: number, nmodels: number,
  record: (o: Orders, constant: boolean, s: Scored) => void,
): { o: Orders; constant: boolean } | null {
  let constant = allowConstant;
  // 7.1 Start values.
  let sp = 2, sq = 2, sP = 1, sQ = 1;
  if (ctx.n < 10) { sp = Math.min(sp, 1); sq = Math.min(sq, 1); sP = 0; sQ = 0; }
  let p = Math.min(sp, b.maxP), q = Math.min(sq, b.maxQ), P = Math.min(sP, b.maxSP), Q = Math.min(sQ, b.maxSQ);
  const rows: { o: Orders; constant: boolean; ic: number }[] = [];
  let best: { o: Orders; constant: boolean; ic: number; ok: boolean } | null = null;
  const fitRow = (o: Orders, c: boolean): Scored => {
    const s = fitCandidate(ctx, o, c, approximation, offset, best ? best.ic : Infinity);
    rows.push({ o, constant: c, ic: s.ic });
    record(o, c, s);
    return s;
  };
  const isNew = (o: Orders, c: boolean) => !rows.some((r) => r.o.p === o.p && r.o.q === o.q && r.o.P === o.P && r.o.Q === o.Q && r.constant === c);

  // 7.2 Initial models.
  let s = fitRow({ p, q, P, Q }, constant);
  best = { o: { p, q, P, Q }, constant, ic: s.ic, ok: s.fit !== null };
  s = fitRow({ p: 0, q: 0, P: 0, Q: 0 }, constant);
  if (s.ic < best.ic) { best = { o: { p: 0, q: 0, P: 0, Q: 0 }, constant, ic: s.ic, ok: true }; p = q = P = Q = 0; }
  if (b.maxP > 0 || b.maxSP > 0) {
    const o = { p: b.maxP > 0 ? 1 : 0, q: 0, P: ctx.m > 1 && b.maxSP > 0 ? 1 : 0, Q: 0 };
    s = fitRow(o, constant);
    if (s.ic < best.ic) { best = { o, constant, ic: s.ic, ok: true }; ({ p, q, P, Q } = o); }
  }
  if (b.maxQ > 0 || b.maxSQ > 0) {
    const o = { p: 0, q: b.maxQ > 0 ? 1 : 0, P: 0, Q: ctx.m > 1 && b.maxSQ > 0 ? 1 : 0 };
    s = fitRow(o, constant);
    if (s.ic < best.ic) { best = { o, constant, ic: s.ic, ok: true }; ({ p, q, P, Q } = o); }
  }
  if (constant) {
    const o = { p: 0, q: 0, P: 0, Q: 0 };
    s = fitRow(o, false);
    // The best model changes but the search keeps the constant flag (spec §7.2 step 5).
    if (s.ic < best.ic) { best = { o, constant: false, ic: s.ic, ok: true }; p = q = P = Q = 0; }
  }

  // 7.3 Neighbourhood moves.
  let k = rows.length;
  let startk = 0;
  outer: while (startk < k && k < nmodels) {
    startk = k;
    const moves: [boolean, Orders][] = [
      [P > 0, { p, q, P: P - 1, Q }],
      [Q > 0, { p, q, P, Q: Q - 1 }],
      [P < b.maxSP, { p, q, P: P + 1, Q }],
      [Q < b.maxSQ, { p, q, P, Q: Q + 1 }],
      [Q > 0 && P > 0, { p, q, P: P - 1, Q: Q - 1 }],
      [Q < b.maxSQ && P > 0, { p, q, P: P - 1, Q: Q + 1 }],
      [Q > 0 && P < b.maxSP, { p, q, P: P + 1, Q: Q - 1 }],
      [Q < b.maxSQ && P < b.maxSP, { p, q, P: P + 1, Q: Q + 1 }],
      [p > 0, { p: p - 1, q, P, Q }],
      [q > 0, { p, q: q - 1, P, Q }],
      [p < b.maxP, { p: p + 1, q, P, Q }],
      [q < b.maxQ, { p, q: q + 1, P, Q }],
      [q > 0 && p > 0, { p: p - 1, q: q - 1, P, Q }],
      [q < b.maxQ && p > 0, { p: p - 1, q: q + 1, P, Q }],
      [q > 0 && p < b.maxP, { p: p + 1, q: q - 1, P, Q }],
      [q < b.maxQ && p < b.maxP, { p: p + 1, q: q + 1, P, Q }],
    ];
    for (const [ok, o] of moves) {
      if (!ok || !isNew(o, constant)) continue;
      k++;
      if (k > nmodels) continue;
      const r = fitRow(o, constant);
      if (r.ic < best.ic) {
        best = { o, constant, ic: r.ic, ok: true };
        ({ p, q, P, Q } = o);
        continue outer;
      }
    }
    if (allowConstant) {
      const o = { p, q, P, Q };
      if (isNew(o, !constant)) {
        k++;
        if (k > nmodels) continue;
        const r = fitRow(o, !constant);
        if (r.ic < best.ic) {
          best = { o, constant: !constant, ic: r.ic, ok: true };
          constant = !constant;
        }
      }
    }
  }
  if (approximation && best.ok) {
    const refit = refitApproximated(ctx, rows);
    if (refit) return refit;
    return best.ic < Infinity ? { o: best.o, constant: best.constant } : null;
  }
  return best.ic < Infinity ? { o: best.o, constant: best.constant } : null;
}

function exhaustiveSearch(
  ctx: Context, b: Bounds, maxOrder: number, allowConstant: boolean, approximation: boolean, offset: number,
  record: (o: Orders, constant: boolean, s: Scored) => void,
): { o: Orders; constant: boolean } | null {
  const maxK = allowConstant ? 1 : 0;
  let best: { o: Orders; constant: boolean; ic: number } | null = null;
  for (let p = 0; p <= b.maxP; p++) for (let q = 0; q <= b.maxQ; q++) for (let P = 0; P <= b.maxSP; P++) for (let Q = 0; Q <= b.maxSQ; Q++) {
    if (p + q + P + Q > maxOrder) continue;
    for (let K = 0; K <= maxK; K++) {
      const o = { p, q, P, Q };
      const s = fitCandidate(ctx, o, K === 1, approximation, offset, best?.ic ?? Infinity);
      record(o, K === 1, s);
      if (s.ic < (best?.ic ?? Infinity)) best = { o, constant: K === 1, ic: s.ic };
    }
  }
  if (!best) return null;
  if (approximation) {
    const refit = fitCandidate(ctx, best.o, best.constant, false, 0, Infinity);
    if (refit.ic === Infinity) return exhaustiveSearch(ctx, b, maxOrder, allowConstant, false, 0, record);
  }
  return { o: best.o, constant: best.constant };
}

// ---------------------------------------------------------------------------------------------
// Registry entry

const bound = () => z.number().int().min(0).max(50);
/** A switch flag that turns a default-on option off. */
const off = (flag: string) => ({ cli: { flag, parse: () => false } });

/** The options schema of `fitAutoARIMA` (see {@link AutoARIMAOptions}). */
export const autoARIMAOptionsSchema = z.strictObject({
  period: z.number().int().min(1).default(1).describe('seasonal period (1: non-seasonal; the CLI uses the data set\'s period)')
    .meta({ cli: { flag: '--seasonal-period', fromDataFrequency: true } }),
  d: bound().optional().describe('fix d instead of testing (KPSS)').meta({ cli: { flag: '--d' } }),
  D: bound().optional().describe('fix D instead of testing (seasonal strength)').meta({ cli: { flag: '--seasonal-d' } }),
  maxP: bound().default(5).describe('largest p'),
  maxQ: bound().default(5).describe('largest q'),
  maxSeasonalP: bound().default(2).describe('largest P'),
  maxSeasonalQ: bound().default(2).describe('largest Q'),
  maxOrder: bound().default(5).describe('bound on p + q + P + Q in the exhaustive search'),
  maxD: bound().default(2).describe('largest d'),
  maxSeasonalD: bound().default(1).describe('largest D'),
  stationary: z.boolean().default(false).describe('only stationary models (d = D = 0)'),
  seasonal: z.boolean().default(true).describe('consider seasonal models').meta(off('--non-seasonal')),
  ic: z.enum(['aicc', 'aic', 'bic']).default('aicc').describe('criterion to minimise'),
  stepwise: z.boolean().default(true).describe('stepwise search (the exhaustive one fits every order)').meta(off('--exhaustive')),
  nmodels: z.number().int().min(1).default(94).describe('most models the stepwise search fits'),
  approximation: z.boolean().optional().describe('search with CSS fits (default: n > 150 or period > 12)').meta(off('--exact-search')),
  allowDrift: z.boolean().default(true).describe('consider a drift term').meta(off('--without-drift')),
  allowMean: z.boolean().default(true).describe('consider a non-zero mean').meta(off('--without-mean')),
  trace: z.custom<(line: string) => void>((v) => typeof v === 'function').optional().describe('receives one line per fitted candidate'),
});

/** Registry entry of `fitAutoARIMA` (it produces an 'arima' model). */
export const autoARIMAEntry: SeriesModelEntry<z.output<typeof autoARIMAOptionsSchema>, FittedARIMA> = {
  name: 'auto-arima',
  shape: 'series',
  description: 'automatic (S)ARIMA order selection, Hyndman-Khandakar as R forecast::auto.arima',
  producesKind: 'arima',
  options: autoARIMAOptionsSchema,
  fit: (y, options) => fitAutoARIMA(y, options),
  fromJSON: (json) => FittedARIMA.fromJSON(json as ARIMAJSON),
  report: (fit) => ({ ...arimaReport(fit), selection: { tried: fit.selection?.tried.length ?? 0, stepwise: fit.selection?.stepwise ?? true } }),
  headline: (fit) => `Selected ${arimaLabel(fit)} (${fit.selection?.tried.length ?? 0} models tried, ${fit.selection?.stepwise ? 'stepwise' : 'exhaustive'} search)`,
  defaultHorizon: arimaDefaultHorizon,
  backtestOptions: ({ seasonalPeriod }) => ({ period: seasonalPeriod }),
  example: { dataset: 'www-usage', options: autoARIMAOptionsSchema.parse({}) },
};

// ---------------------------------------------------------------------------------------------
// Names of 0.1, kept for one release

/** @deprecated renamed {@link fitAutoARIMA} (every model is fitted by a `fitX` function); kept for one release. */
export const autoArima = fitAutoARIMA;
/** @deprecated renamed {@link AutoARIMAOptions}; kept for one release. */
export type AutoArimaOptions = AutoARIMAOptions;
/** @deprecated renamed {@link AutoARIMASelection}; kept for one release. */
export type AutoArimaSelection = AutoARIMASelection;
