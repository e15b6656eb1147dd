/**
 * Interpolation of missing values (NaN) as R forecast 8.20 `na.interp(x, lambda = NULL)` does it
 * (Hyndman & Athanasopoulos 2021, "Forecasting: principles and practice" §13.9): what
 * `forecast::mstl`, and through it the seasonal-strength test of `nsdiffs`, runs on a series with
 * gaps.
 *
 * 1. Non-seasonal series (period ≤ 1) or at most 2·period observed values: linear interpolation
 *    between the observed neighbours, constant beyond the ends (R `approx(rule = 2)`).
 * 2. Otherwise:
 *    a. a preliminary fill by least squares on K = min(⌊period/2⌋, 5) Fourier pairs
 *       sin(2πkt/period), cos(2πkt/period) (the sine dropped where it vanishes, k = period/2) and a
 *       polynomial in t of degree min(max(⌊n/10⌋, 1), 6), with an intercept (R: `fourier`, `poly`,
 *       `lm(na.action = na.exclude)`), t = 1..n;
 *    b. a robust STL of the filled series (s.window = 11, R: `mstl(x, robust = TRUE)`);
 *    c. each gap = the seasonal component there + the linear interpolation of the seasonally
 *       adjusted observed values (x − seasonal);
 *    d. when the result leaves the observed range widened by half its width on either side, the
 *       linear interpolation of step 1 instead.
 *
 * Also the seasonal strength R computes through it on a series with gaps
 * ({@link seasonalStrengthWithGaps}).
 */
import { stl, mstl, rMean } from '../stl.js';
import { qrPivoted, qrQtVec } from '../../core/linalg.js';

/** Linear interpolation of the NaN entries of x between observed neighbours; constant beyond the ends. */
export function interpLinear(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = Float64Array.from(x);
  let prev = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && Number.isNaN(out[i])) continue;
    // out[prev] and out[i] observed (prev = −1: none before; i = n: none after); fill between.
    for (let k = prev + 1; k < i; k++) {
      if (prev < 0) out[k] = out[i];
      else if (i === n) out[k] = out[prev];
      else out[k] = out[prev] + ((out[i] - out[prev]) * (k - prev)) / (i - prev);
    }
    prev = i;
  }
  return out;
}

/**
 * Orthonormal polynomials of degree 1..deg on t = 1..n (Forsythe's three-term recurrence, the
 * column space of R `poly(t, deg)`), column by column.
 */
function orthoPoly(n: number, deg: number): Float64Array[] {
  const tbar = (n + 1) / 2;
  const cols: Float64Array[] = [];
  let prev: Float64Array = new Float64Array(n).fill(1 / Math.sqrt(n));
  let prev2: Float64Array | null = null;
  for (let d = 1; d <= deg; d++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (i + 1 - tbar) * prev[i];
    // Orthogonalise against the two previous polynomials (twice, for accuracy), then normalise.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of prev2 ? [prev, prev2] : [prev]) {
        let s = 0;
        for (let i = 0; i < n; i++) s += c[i] * q[i];
        for (let i = 0; i < n; i++) c[i] -= s * q[i];
      }
    }
    let nn = 0;
    for (let i = 0; i < n; i++) nn += c[i] * c[i];
    nn = Math.sqrt(nn);
    for (let i = 0; i < n; i++) c[i] /= nn;
    cols.push(c);
    prev2 = prev;
    prev = c;
  }
  return cols;
}

/**
 * R forecast's `na.interp(x)` (lambda = NULL) for a series of seasonal period `period`; see the
 * module comment. Returns a copy with every NaN replaced; a series without gaps is returned as is.
 */
export function naInterp(x: ArrayLike<number>, period: number): Float64Array {
  const n = x.length;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) idx.push(i);
  if (idx.length === n) return Float64Array.from(x);
  const linear = interpLinear(x);
  // 1. Linear for non-seasonal or short series.
  if (period <= 1 || idx.length <= 2 * period) return linear;
  let lo = Infinity, hi = -Infinity;
  for (const i of idx) { lo = Math.min(lo, x[i]); hi = Math.max(hi, x[i]); }

  // 2a. Regression on Fourier terms and a polynomial trend, fitted to the observed values.
  const K = Math.min(Math.trunc(period / 2), 5);
  const cols: Float64Array[] = [new Float64Array(n).fill(1)];
  for (let k = 1; k <= K; k++) {
    const f = k / period;
    const withSine = Math.abs(2 * f - Math.round(2 * f)) > 2.220446049250313e-16;
    const s = new Float64Array(n), c = new Float64Array(n);
    for (let t = 1; t <= n; t++) {
      // 2π f t reduced modulo 2π first (R's sinpi/cospi reduce the same way), for accuracy.
      const u = 2 * f * t;
      const r = Math.PI * (u - 2 * Math.floor(u / 2));
      s[t - 1] = Math.sin(r);
      c[t - 1] = Math.cos(r);
    }
    if (withSine) cols.push(s);
    cols.push(c);
  }
  cols.push(...orthoPoly(n, Math.min(Math.max(Math.trunc(n / 10), 1), 6)));
  const X = idx.map((i) => cols.map((c) => c[i]));
  const qr = qrPivoted(X, 1e-7);
  const qty = qrQtVec(qr, idx.map((i) => x[i]));
  // Back-substitution on the leading rank×rank block of R (R's lm drops aliased columns).
  const r = qr.rank;
  const bp = new Array<number>(r).fill(0);
  for (let i = r - 1; i >= 0; i--) {
    let v = qty[i];
    for (let j = i + 1; j < r; j++) v -= qr.qr[i][j] * bp[j];
    bp[i] = v / qr.rdiag[i];
  }
  const filled = Float64Array.from(x);
  for (let t = 0; t < n; t++) {
    if (!Number.isNaN(filled[t])) continue;
    let v = 0;
    for (let j = 0; j < r; j++) v += bp[j] * cols[qr.perm[j]][t];
    filled[t] = v;
  }
  // 2b. Robust STL of the preliminary fill.
  const seasonal = stl(Array.from(filled), period, { sWindow: 11, robust: true }).seasonal;
  // 2c. Seasonal component plus the interpolated seasonally adjusted series.
  const sa = new Float64Array(n).fill(NaN);
  for (const i of idx) sa[i] = filled[i] - seasonal[i];
  const saFilled = interpLinear(sa);
  const out = Float64Array.from(x);
  let mn = Infinity, mx = -Infinity;
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(out[t])) out[t] = saFilled[t] + seasonal[t];
    mn = Math.min(mn, out[t]);
    mx = Math.max(mx, out[t]);
  }
  // 2d. Implausible values: fall back to the linear fill.
  const half = 0.5 * (hi - lo);
  if (mx > hi + half || mn < lo - half) return linear;
  return out;
}

/**
 * R forecast 8.20 `seas.heuristic` on a series with gaps: `mstl` fills them by `na.interp`
 * ({@link naInterp}), runs STL (s.window = 11) on the filled series and sets the remainder
 * missing where x is; the strength max(0, min(1, 1 − var(R)/var(R + S))) takes both variances
 * over the observed times (`var(na.rm = TRUE)`). NaN when undefined.
 */
export function seasonalStrengthWithGaps(x: readonly number[], period: number): number {
  const fit = mstl(Array.from(naInterp(x, period)), period);
  const rem: number[] = [], rs: number[] = [];
  x.forEach((v, t) => {
    if (Number.isNaN(v)) return;
    rem.push(fit.remainder[t]);
    rs.push(fit.remainder[t] + fit.seasonal[t]);
  });
  return Math.max(0, Math.min(1, 1 - sampleVar(rem) / sampleVar(rs)));
}

/** Sample variance (denominator n − 1) with R's mean, as R `var`: NaN for n < 2. */
function sampleVar(x: readonly number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mu = rMean(x);
  let ss = 0;
  for (const v of x) ss += (v - mu) * (v - mu);
  return ss / (n - 1);
}
