/**
 * Unconstrained minimisation: L-BFGS with a strong-Wolfe line search (Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., Alg. 7.4 and 3.5/3.6) and Nelder–Mead (Lagarias et al.
 * 1998); numerical gradients and Hessians; and Brent's (1973) bracketing zero finder in one
 * variable. Constraints are handled by the callers through smooth reparametrisation (e.g. the
 * stationarity transform of ARIMA), which is what R's `arima` and statsmodels do too.
 * Hand-written: no maintained npm package offers L-BFGS with a proper line search.
 */

export type Objective = (x: readonly number[]) => number;
export type Gradient = (x: readonly number[], fx: number) => number[];

export interface MinimizeResult {
  x: number[];
  fx: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

export interface LbfgsOptions {
  /** Analytic gradient; default central differences ({@link numericGradient}). */
  gradient?: Gradient;
  /** Memory (number of correction pairs). Default 10. */
  memory?: number;
  /** Maximum iterations. Default 500. */
  maxIter?: number;
  /** Stop when ‖g‖∞ < gtol. Default 1e-6. */
  gtol?: number;
  /** Stop when the relative decrease of f is below ftol. Default 1e-12. */
  ftol?: number;
}

/**
 * Finite-difference gradient with a step scaled to each coordinate: central differences
 * (h ≈ ε^{1/3}·max(1,|x|), error O(h²)) or, with `forwardOnly`, forward differences from the
 * known f(x) (h ≈ ε^{1/2}, half the evaluations, error O(h)).
 */
export function numericGradient(f: Objective, relStep = 1e-5, forwardOnly = false): Gradient {
  return (x, fx) => {
    const g = new Array<number>(x.length);
    const xx = x.slice();
    for (let i = 0; i < x.length; i++) {
      const h = relStep * Math.max(1, Math.abs(x[i]));
      xx[i] = x[i] + h;
      const fp = f(xx);
      if (forwardOnly) {
        xx[i] = x[i];
        // Infeasible forward point: step backwards instead.
        if (Number.isFinite(fp)) g[i] = (fp - fx) / h;
        else { xx[i] = x[i] - h; g[i] = (fx - f(xx)) / h; xx[i] = x[i]; }
        continue;
      }
      xx[i] = x[i] - h;
      const fm = f(xx);
      xx[i] = x[i];
      g[i] = (fp - fm) / (2 * h);
    }
    return g;
  };
}

/** Minimises `f` from `x0` by limited-memory BFGS. Non-finite values count as +∞ (rejected steps). */
export function lbfgs(f: Objective, x0: readonly number[], options: LbfgsOptions = {}): MinimizeResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const maxIter = options.maxIter ?? 500;
  const gtol = options.gtol ?? 1e-6;
  const ftol = options.ftol ?? 1e-12;
  let evaluations = 0;
  const fs = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  // Without an analytic gradient: forward differences while far from a stationary point
  // (half the evaluations), central differences once ‖g‖∞ < 1e-3 for an accurate finish.
  let lastNorm = Infinity;
  const forward = numericGradient(fs, 1e-7, true), central = numericGradient(fs);
  const grad: Gradient = options.gradient ?? ((x, fx) => {
    const g = lastNorm > 1e-3 ? forward(x, fx) : central(x, fx);
    lastNorm = maxAbs(g);
    return g;
  });
  let x = x0.slice();
  let fx = fs(x);
  if (!Number.isFinite(fx)) {
    return { x, fx, iterations: 0, evaluations, converged: false, message: 'objective is not finite at the start' };
  }
  if (n === 0) return { x, fx, iterations: 0, evaluations, converged: true, message: 'no parameters' };
  let g = grad(x, fx);
  const sList: number[][] = [], yList: number[][] = [], rhoList: number[] = [];
  let message = 'maximum iterations reached';
  let converged = false;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) < gtol) { converged = true; message = 'gradient below tolerance'; break; }
    // Two-loop recursion for d = -H g.
    const q = g.slice();
    const alpha = new Array<number>(sList.length);
    for (let i = sList.length - 1; i >= 0; i--) {
      alpha[i] = rhoList[i] * dotv(sList[i], q);
      axpy(-alpha[i], yList[i], q);
    }
    let gamma = 1;
    if (sList.length) {
      const last = sList.length - 1;
      gamma = dotv(sList[last], yList[last]) / dotv(yList[last], yList[last]);
    } else {
      gamma = 1 / Math.max(1, Math.sqrt(dotv(g, g)));
    }
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let i = 0; i < sList.length; i++) {
      const beta = rhoList[i] * dotv(yList[i], q);
      axpy(alpha[i] - beta, sList[i], q);
    }
    let d = q.map((v) => -v);
    let dg = dotv(d, g);
    if (!(dg < 0)) {
      // Not a descent direction: reset memory and use steepest descent.
      sList.length = yList.length = rhoList.length = 0;
      d = g.map((v) => -v / Math.max(1, Math.sqrt(dotv(g, g))));
      dg = dotv(d, g);
    }
    const ls = wolfeLineSearch(fs, grad, x, fx, g, d, dg);
    if (!ls) {
      if (sList.length) { sList.length = yList.length = rhoList.length = 0; continue; }
      message = 'line search failed';
      converged = maxAbs(g) < Math.sqrt(gtol);
      break;
    }
    const s = ls.x.map((v, i) => v - x[i]);
    const y = ls.g.map((v, i) => v - g[i]);
    const sy = dotv(s, y);
    const fOld = fx;
    x = ls.x; fx = ls.fx; g = ls.g;
    if (sy > 1e-12 * Math.sqrt(dotv(s, s) * dotv(y, y))) {
      sList.push(s); yList.push(y); rhoList.push(1 / sy);
      if (sList.length > m) { sList.shift(); yList.shift(); rhoList.shift(); }
    }
    if (Math.abs(fOld - fx) <= ftol * Math.max(1, Math.abs(fx))) {
      converged = true; message = 'relative reduction of f below tolerance'; iter++; break;
    }
  }
  return { x, fx, iterations: iter, evaluations, converged, message };
}

/** Strong-Wolfe line search (Nocedal & Wright Alg. 3.5 with zoom, Alg. 3.6, cubic interpolation). */
function wolfeLineSearch(
  f: Objective, grad: Gradient, x: number[], fx: number, g: number[], d: number[], dg0: number,
): { x: number[]; fx: number; g: number[] } | null {
  const c1 = 1e-4, c2 = 0.9;
  const at = (a: number) => x.map((v, i) => v + a * d[i]);
  const evalAt = (a: number) => {
    const xa = at(a);
    const fa = f(xa);
    return { a, x: xa, fx: fa };
  };
  const gradAt = (p: { x: number[]; fx: number }) => grad(p.x, p.fx);
  let aPrev = 0, fPrev = fx, dgPrev = dg0;
  let a = 1;
  for (let i = 0; i < 25; i++) {
    const p = evalAt(a);
    if (!Number.isFinite(p.fx)) { a = 0.5 * (aPrev + a); continue; }
    if (p.fx > fx + c1 * a * dg0 || (i > 0 && p.fx >= fPrev)) {
      return zoom(aPrev, a, fPrev, p.fx, dgPrev);
    }
    const ga = gradAt(p);
    const dga = dotv(ga, d);
    if (Math.abs(dga) <= -c2 * dg0) return { x: p.x, fx: p.fx, g: ga };
    if (dga >= 0) return zoom(a, aPrev, p.fx, fPrev, dga);
    aPrev = a; fPrev = p.fx; dgPrev = dga;
    a *= 2;
  }
  return null;

  function zoom(lo: number, hi: number, flo: number, fhi: number, dglo: number) {
    let best: { x: number[]; fx: number; g: number[] } | null = null;
    for (let j = 0; j < 30; j++) {
      // Quadratic interpolation from lo (value, slope) and hi (value), safeguarded to the middle 80%.
      const width = hi - lo;
      let aj = lo - (dglo * width * width) / (2 * (fhi - flo - dglo * width));
      const lower = Math.min(lo, hi) + 0.1 * Math.abs(width), upper = Math.max(lo, hi) - 0.1 * Math.abs(width);
      if (!Number.isFinite(aj) || aj < lower || aj > upper) aj = 0.5 * (lo + hi);
      const p = evalAt(aj);
      if (!Number.isFinite(p.fx) || p.fx > fx + c1 * aj * dg0 || p.fx >= flo) {
        hi = aj; fhi = Number.isFinite(p.fx) ? p.fx : fhi;
      } else {
        const ga = gradAt(p);
        const dga = dotv(ga, d);
        best = { x: p.x, fx: p.fx, g: ga };
        if (Math.abs(dga) <= -c2 * dg0) return best;
        if (dga * (hi - lo) >= 0) { hi = lo; fhi = flo; }
        lo = aj; flo = p.fx; dglo = dga;
      }
      if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    return best; // sufficient decrease without curvature: still an improvement
  }
}

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate. Default 0.1·max(1, |x0_i|). */
  step?: number | number[];
  maxIter?: number;
  /** Stop when the simplex's spread in f is below this (absolute + relative). Default 1e-10. */
  ftol?: number;
  xtol?: number;
}

/** Minimises `f` by the Nelder–Mead simplex method with adaptive parameters (Gao & Han 2012). */
export function nelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIter = options.maxIter ?? 200 * Math.max(1, n);
  const ftol = options.ftol ?? 1e-10, xtol = options.xtol ?? 1e-10;
  let evaluations = 0;
  const fs = (x: readonly number[]) => { evaluations++; const v = f(x); return Number.isFinite(v) ? v : Infinity; };
  if (n === 0) return { x: [], fx: fs([]), iterations: 0, evaluations, converged: true, message: 'no parameters' };
  const alpha = 1, beta = 1 + 2 / n, gamma = 0.75 - 1 / (2 * n), delta = 1 - 1 / n;
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    const st = options.step === undefined ? 0.1 * Math.max(1, Math.abs(x0[i])) : Array.isArray(options.step) ? options.step[i] : options.step;
    p[i] += st;
    simplex.push(p);
  }
  let values = simplex.map(fs);
  let iter = 0, converged = false;
  for (; iter < maxIter; iter++) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const s2 = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    for (let i = 0; i <= n; i++) simplex[i] = s2[i];
    const spreadF = Math.abs(values[n] - values[0]);
    let spreadX = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spreadX = Math.max(spreadX, Math.abs(simplex[i][j] - simplex[0][j]));
    if (spreadF <= ftol * (1 + Math.abs(values[0])) && spreadX <= xtol * (1 + maxAbs(simplex[0]))) { converged = true; break; }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
    const worst = simplex[n];
    const pt = (c: number) => centroid.map((v, j) => v + c * (v - worst[j]));
    const xr = pt(alpha), fr = fs(xr);
    if (fr < values[0]) {
      const xe = pt(alpha * beta), fe = fs(xe);
      if (fe < fr) { simplex[n] = xe; values[n] = fe; } else { simplex[n] = xr; values[n] = fr; }
    } else if (fr < values[n - 1]) {
      simplex[n] = xr; values[n] = fr;
    } else {
      const outside = fr < values[n];
      const xc = pt(outside ? alpha * gamma : -gamma), fc = fs(xc);
      if (fc < (outside ? fr : values[n])) {
        simplex[n] = xc; values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i].map((v, j) => simplex[0][j] + delta * (v - simplex[0][j]));
          values[i] = fs(simplex[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[best]) best = i;
  return { x: simplex[best].slice(), fx: values[best], iterations: iter, evaluations, converged, message: converged ? 'simplex converged' : 'maximum iterations reached' };
}

/**
 * Numerical Hessian of f at x by central differences (Dennis & Schnabel §5.6): h_i scaled to
 * |x_i|, four evaluations per off-diagonal element. `steps` overrides the per-coordinate steps.
 */
export function numericHessian(f: Objective, x: readonly number[], steps?: readonly number[]): number[][] {
  const n = x.length;
  const h = steps ?? x.map((v) => 1e-4 * Math.max(Math.abs(v), 1e-2));
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const f0 = f(x);
  const xx = x.slice();
  const at = (i: number, di: number, j: number, dj: number) => {
    xx[i] += di; xx[j] += dj;
    const v = f(xx);
    xx[i] = x[i]; xx[j] = x[j];
    return v;
  };
  for (let i = 0; i < n; i++) {
    const fp = at(i, h[i], i, 0), fm = at(i, -h[i], i, 0);
    H[i][i] = (fp - 2 * f0 + fm) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const v = (at(i, h[i], j, h[j]) - at(i, h[i], j, -h[j]) - at(i, -h[i], j, h[j]) + at(i, -h[i], j, -h[j])) / (4 * h[i] * h[j]);
      H[i][j] = v; H[j][i] = v;
    }
  }
  return H;
}

/**
 * A zero of f in [a, b] by Brent's method (Brent 1973, "Algorithms for Minimization without
 * Derivatives", ch. 4, procedure `zero`; the algorithm of R's `uniroot` and netlib `zeroin`):
 * inverse quadratic interpolation or secant steps, safeguarded by bisection so that the bracket
 * [b, c] with f(b)·f(c) ≤ 0 shrinks at least as fast as bisection would every few steps.
 *
 * Needs f(a)·f(b) ≤ 0; `fa` = f(a) and `fb` = f(b) are passed in because callers have them from
 * a bracketing search. Returns the current best estimate b (the bracket end with the smaller |f|)
 * once the bracket half-width is at most 2ε|b| + tol/2 (ε the machine epsilon, `tol` the absolute
 * tolerance, default 1e-15) or f(b) = 0, or after 200 iterations. The sign condition is not
 * checked: without a bracket the result is meaningless.
 *
 * @example brentZero((x) => x * x - 2, 0, 2, -2, 2) // ≈ Math.SQRT2 to 1 ulp
 */
export function brentZero(f: (x: number) => number, a: number, b: number, fa: number, fb: number, tol = 1e-15): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  let c = a, fc = fa, d = b - a, e = d;
  for (let iter = 0; iter < 200; iter++) {
    if (Math.abs(fc) < Math.abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      let p: number, q: number;
      const s = fb / fa;
      if (a === c) { p = 2 * m * s; q = 1 - s; } else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol1 * q), Math.abs(e * q))) { e = d; d = p / q; } else { d = m; e = m; }
    } else { d = m; e = m; }
    a = b; fa = fb;
    b += Math.abs(d) > tol1 ? d : m > 0 ? tol1 : -tol1;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) { c = a; fc = fa; d = b - a; e = d; }
  }
  return b;
}

function dotv(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
function axpy(a: number, x: readonly number[], y: number[]): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}
function maxAbs(a: readonly number[]): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
