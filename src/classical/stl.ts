// STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning 1990,
// J. Official Statistics 6(1), 3-73), numerically matching R `stats::stl` (R 4.2.2, which runs the
// netlib Fortran `stl`), plus the single-seasonal case of R `forecast::mstl` (forecast 8.20).
//
// Conventions of the algorithm as R runs it (kept here on purpose, they change the numbers):
//  * loess weights are tricube in |j - x| / h with h = max distance to the window ends (widened by
//    floor((len - n) / 2) when the span exceeds the series); weights within 0.001 h are exactly 1 and
//    points at distance >= 0.999 h get weight 0; degree 1 adds the local-linear correction only when
//    the weighted spread of the abscissae exceeds 0.001 * (n - 1);
//  * smoothers are evaluated every `jump` points and linearly interpolated in between;
//  * each seasonal cycle-subseries is smoothed and extrapolated one period at each end, then the
//    low-pass filter (moving averages of length np, np, 3 followed by a loess of span l.window)
//    removes the remaining low frequency from the seasonal;
//  * robustness weights are Tukey's bisquare of |residual| / (6 * median |residual|).
//
// Errors are typed (core/errors.ts): R's message first, then what to do; the argument is named.

import { ArdiffError, ArgumentError, DataError } from '../core/errors.js';

/** Options of `stl`, named after the arguments of R `stats::stl`. */
export interface StlOptions {
  /** Seasonal loess span (odd, >= 3 after adjustment) or 'periodic' (R: s.window). */
  sWindow: number | 'periodic';
  /** Degree of the seasonal loess, 0 or 1 (R: s.degree, default 0; forced to 0 when periodic). */
  sDegree?: number;
  /** Trend loess span (R: t.window, default nextodd(ceiling(1.5 * period / (1 - 1.5 / s.window)))). */
  tWindow?: number;
  /** Degree of the trend loess, 0 or 1 (R: t.degree, default 1). */
  tDegree?: number;
  /** Span of the low-pass loess (R: l.window, default nextodd(period)). */
  lWindow?: number;
  /** Degree of the low-pass loess, 0 or 1 (R: l.degree, default t.degree). */
  lDegree?: number;
  /** Evaluation step of the seasonal smoother (R: s.jump, default ceiling(s.window / 10)). */
  sJump?: number;
  /** Evaluation step of the trend smoother (R: t.jump, default ceiling(t.window / 10)). */
  tJump?: number;
  /** Evaluation step of the low-pass smoother (R: l.jump, default ceiling(l.window / 10)). */
  lJump?: number;
  /** Robust fitting with bisquare weights (R: robust, default false). */
  robust?: boolean;
  /** Inner (backfitting) iterations (R: inner, default robust ? 1 : 2). */
  inner?: number;
  /** Outer (robustness) iterations (R: outer, default robust ? 15 : 0). */
  outer?: number;
}

/** Result of `stl`: the components (seasonal + trend + remainder = y) and the settings R reports. */
export interface StlResult {
  seasonal: Float64Array;
  trend: Float64Array;
  remainder: Float64Array;
  /** Final robustness weights (all 1 when outer = 0), R `stl()$weights`. */
  weights: Float64Array;
  /** Windows as R reports them in `$win` (before the Fortran makes them odd and >= 3). */
  win: { s: number; t: number; l: number };
  deg: { s: number; t: number; l: number };
  jump: { s: number; t: number; l: number };
  inner: number;
  outer: number;
}

/** Result of `mstl` for one seasonal period (columns Trend, Seasonal<m>, Remainder of R `forecast::mstl`). */
export interface MstlResult {
  trend: Float64Array;
  seasonal: Float64Array;
  remainder: Float64Array;
}

function checkFinite(y: readonly number[], what: string): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new DataError(`${what}: missing value (NaN) at index ${i}; STL needs a complete series: fill the gap or drop the rows first`, 'y');
    }
    if (!Number.isFinite(v)) throw new DataError(`${what}: non-finite value at index ${i} (${v}); remove or replace it`, 'y');
  }
}

/** R `round()` (IEEE round-half-to-even). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The `nextodd` helper of R `stats::stl`: round, then add 1 when even. */
function nextOdd(x: number): number {
  let r = roundHalfEven(x);
  if (((r % 2) + 2) % 2 === 0) r += 1;
  return Math.trunc(r);
}

function degreeCheck(deg: number, name: string): number {
  const d = Math.trunc(deg);
  if (!(d === 0 || d === 1)) throw new ArgumentError(`${name} must be 0 or 1 (local constant or local linear loess); got ${deg}`, name);
  return d;
}

function asInteger(x: number, name: string): number {
  if (!Number.isFinite(x)) throw new ArgumentError(`${name} must be a finite number; got ${x}`, name);
  return Math.trunc(x);
}

/**
 * One local (degree 0 or 1) tricube-weighted fit at abscissa xs (1-based) from points
 * nleft..nright (1-based) of y[0..n-1]; returns NaN when all weights vanish (Fortran `stlest`).
 */
function loessEstimate(
  y: Float64Array,
  n: number,
  len: number,
  ideg: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  userw: boolean,
  rw: Float64Array,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.trunc((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    const r = Math.abs(j - xs);
    if (r <= h9) {
      let wj: number;
      if (r <= h1) wj = 1;
      else {
        const q = r / h;
        const t = 1 - q * q * q;
        wj = t * t * t;
      }
      if (userw) wj = rw[j - 1] * wj;
      w[j - 1] = wj;
      a += wj;
    } else {
      w[j - 1] = 0;
    }
  }
  if (a <= 0) return Number.NaN;
  for (let j = nleft; j <= nright; j++) w[j - 1] /= a;
  if (h > 0 && ideg > 0) {
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += w[j - 1] * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) {
      const dj = j - mean;
      c += w[j - 1] * dj * dj;
    }
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j - 1] *= b * (j - mean) + 1;
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += w[j - 1] * y[j - 1];
  return ys;
}

/**
 * Loess smooth of y[0..n-1] evaluated every `njump` points with linear interpolation between
 * (Fortran `stless`); writes ys[0..n-1], uses res as weight scratch.
 */
function loessSmooth(
  y: Float64Array,
  n: number,
  len: number,
  ideg: number,
  njump: number,
  userw: boolean,
  rw: Float64Array,
  ys: Float64Array,
  res: Float64Array,
): void {
  if (n < 2) {
    ys[0] = y[0];
    return;
  }
  const newnj = Math.min(njump, n - 1);
  let nleft = 1;
  let nright = n;
  const fit = (i: number): void => {
    const v = loessEstimate(y, n, len, ideg, i, nleft, nright, res, userw, rw);
    ys[i - 1] = Number.isNaN(v) ? y[i - 1] : v;
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += newnj) fit(i);
  } else if (newnj === 1) {
    const nsh = Math.trunc((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft += 1;
        nright += 1;
      }
      fit(i);
    }
  } else {
    const nsh = Math.trunc((len + 1) / 2);
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      fit(i);
    }
  }
  if (newnj !== 1) {
    for (let i = 1; i <= n - newnj; i += newnj) {
      const delta = (ys[i + newnj - 1] - ys[i - 1]) / newnj;
      for (let j = i + 1; j <= i + newnj - 1; j++) ys[j - 1] = ys[i - 1] + delta * (j - i);
    }
    const k = Math.trunc((n - 1) / newnj) * newnj + 1;
    if (k !== n) {
      // the last point is fitted with the window left over from the loop above
      fit(n);
      if (k !== n - 1) {
        const delta = (ys[n - 1] - ys[k - 1]) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) ys[j - 1] = ys[k - 1] + delta * (j - k);
      }
    }
  }
}

/** Running mean of length len over x[0..n-1] into ave[0..n-len] (Fortran `stlma`). */
function movingAverage(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  const newn = n - len + 1;
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i];
  ave[0] = v / len;
  if (newn > 1) {
    let k = len - 1;
    let m = -1;
    for (let j = 1; j < newn; j++) {
      k += 1;
      m += 1;
      v = v - x[m] + x[k];
      ave[j] = v / len;
    }
  }
}

/** Smooths each cycle-subseries and extends it by one cycle at both ends (Fortran `stlss`). */
function cycleSubseriesSmooth(
  y: Float64Array,
  n: number,
  np: number,
  ns: number,
  isdeg: number,
  nsjump: number,
  userw: boolean,
  rw: Float64Array,
  season: Float64Array,
  work1: Float64Array,
  work2: Float64Array,
  work3: Float64Array,
  work4: Float64Array,
): void {
  const work2shift = work2.subarray(1);
  for (let j = 1; j <= np; j++) {
    const k = Math.trunc((n - j) / np) + 1;
    for (let i = 1; i <= k; i++) work1[i - 1] = y[(i - 1) * np + j - 1];
    if (userw) for (let i = 1; i <= k; i++) work3[i - 1] = rw[(i - 1) * np + j - 1];
    loessSmooth(work1, k, ns, isdeg, nsjump, userw, work3, work2shift, work4);
    const nright = Math.min(ns, k);
    const first = loessEstimate(work1, k, ns, isdeg, 0, 1, nright, work4, userw, work3);
    work2[0] = Number.isNaN(first) ? work2[1] : first;
    const nleft = Math.max(1, k - ns + 1);
    const last = loessEstimate(work1, k, ns, isdeg, k + 1, nleft, k, work4, userw, work3);
    work2[k + 1] = Number.isNaN(last) ? work2[k] : last;
    for (let m = 1; m <= k + 2; m++) season[(m - 1) * np + j - 1] = work2[m - 1];
  }
}

interface StlParams {
  np: number;
  ns: number;
  nt: number;
  nl: number;
  isdeg: number;
  itdeg: number;
  ildeg: number;
  nsjump: number;
  ntjump: number;
  nljump: number;
}

/** The inner loop: `ni` passes of seasonal smoothing, low-pass filtering and trend smoothing (Fortran `stlstp`). */
function innerLoop(
  y: Float64Array,
  n: number,
  p: StlParams,
  ni: number,
  userw: boolean,
  rw: Float64Array,
  season: Float64Array,
  trend: Float64Array,
  work: Float64Array[],
): void {
  const [w1, w2, w3, w4, w5] = work;
  const np = p.np;
  for (let it = 0; it < ni; it++) {
    for (let i = 0; i < n; i++) w1[i] = y[i] - trend[i];
    cycleSubseriesSmooth(w1, n, np, p.ns, p.isdeg, p.nsjump, userw, rw, w2, w3, w4, w5, season);
    // low-pass filter of the extended seasonal: MA(np), MA(np), MA(3), then loess(nl)
    movingAverage(w2, n + 2 * np, np, w3);
    movingAverage(w3, n + np + 1, np, w1);
    movingAverage(w1, n + 2, 3, w3);
    loessSmooth(w3, n, p.nl, p.ildeg, p.nljump, false, w4, w1, w5);
    for (let i = 0; i < n; i++) season[i] = w2[np + i] - w1[i];
    for (let i = 0; i < n; i++) w1[i] = y[i] - season[i];
    loessSmooth(w1, n, p.nt, p.itdeg, p.ntjump, userw, rw, trend, w3);
  }
}

/**
 * Singleton's partial quicksort (CACM algorithm 347) as in the `psort` routine of R's stl.f:
 * rearranges a[0..n-1] so that the entries at the 1-based positions `ind` hold the order
 * statistics (when `ind` is increasing). Ported statement by statement, including its behaviour
 * for a non-increasing `ind`.
 */
function partialSort(arr: Float64Array, n: number, ind: readonly number[]): void {
  const ni = ind.length;
  if (n < 2 || ni === 0) return;
  const a = (i: number): number => arr[i - 1];
  const set = (i: number, v: number): void => {
    arr[i - 1] = v;
  };
  const indu = new Int32Array(64);
  const indl = new Int32Array(64);
  const iu = new Int32Array(64);
  const il = new Int32Array(64);
  let jl = 1;
  let ju = ni;
  indl[1] = 1;
  indu[1] = ni;
  let i = 1;
  let j = n;
  let m = 1;
  let k = 0;
  let l = 0;
  let t = 0;
  let tt = 0;
  let p = 0;
  let label = 161;
  for (;;) {
    switch (label) {
      case 161:
        label = i < j ? 10 : 166;
        break;
      case 166:
        m -= 1;
        if (m === 0) return;
        i = il[m];
        j = iu[m];
        jl = indl[m];
        ju = indu[m];
        label = jl <= ju ? 173 : 166;
        break;
      case 173:
        label = j - i > 10 ? 10 : 174;
        break;
      case 10: {
        k = i;
        const ij = Math.trunc((i + j) / 2);
        t = a(ij);
        if (a(i) > t) {
          set(ij, a(i));
          set(i, t);
          t = a(ij);
        }
        l = j;
        if (a(j) < t) {
          set(ij, a(j));
          set(j, t);
          t = a(ij);
          if (a(i) > t) {
            set(ij, a(i));
            set(i, t);
            t = a(ij);
          }
        }
        label = 181;
        break;
      }
      case 181:
        l -= 1;
        if (a(l) <= t) {
          tt = a(l);
          do {
            k += 1;
          } while (!(a(k) >= t));
          if (k > l) {
            label = 183;
            break;
          }
          set(l, a(k));
          set(k, tt);
        }
        label = 181;
        break;
      case 183:
        indl[m] = jl;
        indu[m] = ju;
        p = m;
        m += 1;
        if (l - i <= j - k) {
          il[p] = k;
          iu[p] = j;
          j = l;
          for (;;) {
            if (jl > ju) {
              label = 166;
              break;
            }
            if (ind[ju - 1] > j) ju -= 1;
            else {
              indl[p] = ju + 1;
              label = 173;
              break;
            }
          }
        } else {
          il[p] = i;
          iu[p] = l;
          i = k;
          for (;;) {
            if (jl > ju) {
              label = 166;
              break;
            }
            if (ind[jl - 1] < i) jl += 1;
            else {
              indu[p] = jl - 1;
              label = 173;
              break;
            }
          }
        }
        break;
      case 174:
        if (i !== 1) {
          i -= 1;
          for (;;) {
            i += 1;
            if (i === j) break;
            t = a(i + 1);
            if (a(i) > t) {
              k = i;
              do {
                set(k + 1, a(k));
                k -= 1;
              } while (!(t >= a(k)));
              set(k + 1, t);
            }
          }
          label = 166;
        } else {
          label = 161;
        }
        break;
      default:
        throw new ArdiffError(`partialSort: internal error (unknown state ${label}); this is a bug, please report it`);
    }
  }
}

/** Bisquare robustness weights from |y - fit| / (6 * median|y - fit|) (Fortran `stlrwt`). */
function robustnessWeights(y: Float64Array, n: number, fit: Float64Array, rw: Float64Array): void {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.abs(y[i] - fit[i]);
  const part = Float64Array.from(r);
  const mid1 = Math.trunc(n / 2) + 1;
  const mid2 = n - mid1 + 1;
  // R calls its partial sort with the index vector (mid1, mid2), which is decreasing for even n;
  // the routine assumes increasing indices, so a(mid2) need not be the exact order statistic.
  // Reproduce it exactly rather than taking the true median.
  partialSort(part, n, [mid1, mid2]);
  const cmad = 3.0 * (part[mid1 - 1] + part[mid2 - 1]);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const ri = r[i];
    if (ri <= c1) rw[i] = 1;
    else if (ri <= c9) {
      const u = ri / cmad;
      const t = 1 - u * u;
      rw[i] = t * t;
    } else rw[i] = 0;
  }
}

/** Mean as R computes it (sum / n, then one correction pass). */
export function rMean(x: ArrayLike<number>): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  s /= n;
  if (Number.isFinite(s)) {
    let t = 0;
    for (let i = 0; i < n; i++) t += x[i] - s;
    s += t / n;
  }
  return s;
}

/** STL decomposition of y with seasonal period `period`, matching R `stats::stl` (Cleveland et al. 1990). */
export function stl(y: readonly number[], period: number, options: StlOptions): StlResult {
  checkFinite(y, 'stl');
  const n = y.length;
  if (!Number.isFinite(period)) throw new ArgumentError(`stl: period must be a finite number; got ${period}`, 'period');
  if (period < 2) {
    throw new ArgumentError(`stl: series is not periodic or has less than two periods (period ${period} < 2); give the seasonal period, e.g. 12 for monthly data`, 'period');
  }
  if (n <= 2 * period) {
    throw new DataError(`stl: series is not periodic or has less than two periods (${n} values for period ${period}); give more than 2·period = ${2 * period} values`, 'y');
  }
  if (!options || typeof options !== 'object') {
    throw new ArgumentError("stl: give the options with the seasonal window, as R's s.window: stl(y, period, { sWindow: 'periodic' }) or { sWindow: 13 }", 'options');
  }
  const robust = options.robust ?? false;
  let periodic = false;
  let sWindow: number;
  let sDegreeRaw = options.sDegree ?? 0;
  if (options.sWindow === 'periodic') {
    periodic = true;
    sWindow = 10 * n + 1;
    sDegreeRaw = 0;
  } else {
    sWindow = options.sWindow;
    if (typeof sWindow !== 'number' || !Number.isFinite(sWindow)) {
      throw new ArgumentError(`stl: sWindow must be a number (the seasonal loess span, odd, ≥ 7 recommended) or "periodic"; got ${String(sWindow)}`, 'sWindow');
    }
  }
  if (periodic && !Number.isInteger(period)) throw new ArgumentError(`stl: sWindow "periodic" needs an integer period; got ${period}: round the period or give a numeric sWindow`, 'period');
  const sDegree = degreeCheck(sDegreeRaw, 'sDegree');
  const tDegree = degreeCheck(options.tDegree ?? 1, 'tDegree');
  const lDegree = degreeCheck(options.lDegree ?? tDegree, 'lDegree');
  const tWindow = options.tWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow)));
  const lWindow = options.lWindow ?? nextOdd(period);
  const sJump = options.sJump ?? Math.ceil(sWindow / 10);
  const tJump = options.tJump ?? Math.ceil(tWindow / 10);
  const lJump = options.lJump ?? Math.ceil(lWindow / 10);
  const inner = asInteger(options.inner ?? (robust ? 1 : 2), 'inner');
  const outer = asInteger(options.outer ?? (robust ? 15 : 0), 'outer');

  // integer conversion as in R's .Fortran call (as.integer truncates), then the Fortran adjustments
  const nsI = asInteger(sWindow, 'sWindow');
  const ntI = asInteger(tWindow, 'tWindow');
  const nlI = asInteger(lWindow, 'lWindow');
  const jumps = [asInteger(sJump, 'sJump'), asInteger(tJump, 'tJump'), asInteger(lJump, 'lJump')];
  const badJump = jumps.findIndex((j) => j < 1);
  if (badJump >= 0) {
    const name = ['sJump', 'tJump', 'lJump'][badJump];
    throw new ArgumentError(`stl: jumps must be >= 1; ${name} is ${jumps[badJump]} (use 1 to evaluate the smoother at every point)`, name);
  }
  const odd3 = (w: number): number => {
    const v = Math.max(3, w);
    return v % 2 === 0 ? v + 1 : v;
  };
  const params: StlParams = {
    np: Math.max(2, Math.trunc(period)),
    ns: odd3(nsI),
    nt: odd3(ntI),
    nl: odd3(nlI),
    isdeg: sDegree,
    itdeg: tDegree,
    ildeg: lDegree,
    nsjump: jumps[0],
    ntjump: jumps[1],
    nljump: jumps[2],
  };

  const yy = Float64Array.from(y);
  const season = new Float64Array(n);
  const trend = new Float64Array(n);
  const rw = new Float64Array(n);
  const wlen = n + 2 * params.np;
  const work = [0, 1, 2, 3, 4].map(() => new Float64Array(wlen));
  let userw = false;
  let k = 0;
  for (;;) {
    innerLoop(yy, n, params, inner, userw, rw, season, trend, work);
    k += 1;
    if (k > outer) break;
    const fit = work[0];
    for (let i = 0; i < n; i++) fit[i] = trend[i] + season[i];
    robustnessWeights(yy, n, fit, rw);
    userw = true;
  }
  if (outer <= 0) rw.fill(1);

  if (periodic) {
    const np = Math.trunc(period);
    for (let c = 0; c < np; c++) {
      const vals: number[] = [];
      for (let i = c; i < n; i += np) vals.push(season[i]);
      const mu = rMean(vals);
      for (let i = c; i < n; i += np) season[i] = mu;
    }
  }
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = yy[i] - season[i] - trend[i];
  return {
    seasonal: season,
    trend,
    remainder,
    weights: rw,
    win: { s: nsI, t: ntI, l: nlI },
    deg: { s: sDegree, t: tDegree, l: lDegree },
    jump: { s: jumps[0], t: jumps[1], l: jumps[2] },
    inner,
    outer,
  };
}

/**
 * R `forecast::mstl` (forecast 8.20) for a series with one seasonal period >= 2 and no missing
 * values / Box-Cox: a single `stl(x, s.window = 11)` (s.window = 7 + 4 * 1, iterate = 1);
 * remainder = (x - seasonal) - trend.
 */
export function mstl(y: readonly number[], period: number, options: { sWindow?: number } = {}): MstlResult {
  if (!(period > 1)) {
    throw new ArgumentError(`mstl: only series with a seasonal period > 1 are supported (R uses supsmu otherwise); got period ${period}: give the seasonal period, or use a trend smoother for non-seasonal data`, 'period');
  }
  const fit = stl(y, period, { sWindow: options.sWindow ?? 11 });
  const n = y.length;
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = y[i] - fit.seasonal[i] - fit.trend[i];
  return { trend: fit.trend, seasonal: fit.seasonal, remainder };
}
