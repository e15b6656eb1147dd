/**
 * R's `optim(method = "BFGS")` as R 4.2 runs it: the variable-metric minimiser `vmmin` of
 * src/appl/optim.c (Nash 1990, "Compact Numerical Methods for Computers", 2nd ed., algorithm 21,
 * as re-crafted by B. D. Ripley) with optim's central-difference gradient (src/library/stats/src/
 * optim.c, `fmingr`), in the scaled coordinates p = par / parscale.
 *
 * Which local optimum a multimodal ARMA likelihood ends in depends on the minimiser's path, and
 * auto-ARIMA's search keeps or rejects a candidate by that optimum; where R starts its ML search
 * from zero coefficients (series with missing values), following R's path is what reproduces
 * R's choices. Steps of `vmmin`:
 *
 * 1. B = I (inverse-Hessian approximation, lower triangle); t = −B g; gradproj = t'g.
 * 2. Downhill (gradproj < 0): backtracking from step 1 by factors 0.2 until
 *    f(x + λt) ≤ f(x) + 10⁻⁴ λ gradproj (finite), or until no coordinate changes
 *    (10 + xᵢ == 10 + xᵢ + λtᵢ for all i).
 * 3. Stop when |f − f_old| ≤ reltol (|f_old| + reltol); otherwise take the gradient at the new point
 *    and, when D1 = s'y > 0 (s = λt, y = Δg), the BFGS update
 *    B += ((1 + y'By/D1) s s' − B y s' − s y'B) / D1; else restart from B = I.
 * 4. No progress or uphill: restart from B = I unless it was just restarted (then stop); a restart
 *    also every 2n gradients; at most maxit gradients.
 *
 * The gradient: ∂f/∂pᵢ ≈ (f(p + εeᵢ) − f(p − εeᵢ)) / 2ε, ε = ndeps (R's default 10⁻³); a
 * non-finite difference is an error in R ("non-finite finite-difference value").
 */

/** Options of {@link vmmin}, R's `optim` control list. */
export interface VmminOptions {
  /** Largest number of iterations (gradient evaluations). R's default 100. */
  maxit?: number;
  /** Relative convergence tolerance. R's default √ε = 1.490116e−8. */
  reltol?: number;
  /** Stop when f ≤ abstol. R's default −∞. */
  abstol?: number;
  /** Finite-difference step in the scaled coordinates. R's default 10⁻³. */
  ndeps?: number;
  /** Parameter scales (p = par / parscale). Default 1. */
  parscale?: readonly number[];
}

/** Result of {@link vmmin}: the minimiser in the original coordinates. */
export interface VmminResult {
  par: number[];
  value: number;
  /** 0: converged; 1: maxit reached (R's `convergence` code). */
  convergence: number;
  counts: { function: number; gradient: number };
}

const STEPREDN = 0.2, ACCTOL = 0.0001, RELTEST = 10.0;

/** Thrown when a finite-difference gradient is not finite (R: an error from optim). */
export class NonFiniteGradientError extends RangeError {}

/**
 * Minimises fn from par0 by R's BFGS (see the module comment). fn may return a non-finite value
 * (a rejected trial step) but must be finite at par0.
 */
export function vmmin(fn: (par: readonly number[]) => number, par0: readonly number[], options: VmminOptions = {}): VmminResult {
  const n = par0.length;
  const maxit = options.maxit ?? 100;
  const reltol = options.reltol ?? Math.sqrt(2.220446049250313e-16);
  const abstol = options.abstol ?? -Infinity;
  const ndeps = options.ndeps ?? 1e-3;
  const scale = options.parscale ?? new Array<number>(n).fill(1);
  const unscaled = (p: readonly number[]) => p.map((v, i) => v * scale[i]);
  let funcount = 0, gradcount = 0;
  const f = (p: readonly number[]) => fn(unscaled(p));
  const grad = (p: number[], g: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const pi = p[i];
      p[i] = pi + ndeps;
      const v1 = f(p);
      p[i] = pi - ndeps;
      const v2 = f(p);
      p[i] = pi;
      g[i] = (v1 - v2) / (2 * ndeps);
      if (!Number.isFinite(g[i])) throw new NonFiniteGradientError(`non-finite finite-difference value [${i + 1}]`);
    }
  };
  const b = par0.map((v, i) => v / scale[i]);
  if (maxit <= 0 || n === 0) {
    return { par: unscaled(b), value: f(b), convergence: 0, counts: { function: 0, gradient: 0 } };
  }
  const g = new Float64Array(n), t = new Float64Array(n), X = new Float64Array(n), c = new Float64Array(n);
  const B = Array.from({ length: n }, (_, i) => new Float64Array(i + 1)); // lower triangle
  let fv = f(b);
  if (!Number.isFinite(fv)) throw new RangeError("initial value in 'vmmin' is not finite");
  let Fmin = fv;
  funcount = gradcount = 1;
  grad(b, g);
  let iter = 1;
  let ilast = gradcount;
  let count: number;
  do {
    // 1. Restart B = I when asked.
    if (ilast === gradcount) {
      for (let i = 0; i < n; i++) { B[i].fill(0); B[i][i] = 1; }
    }
    for (let i = 0; i < n; i++) { X[i] = b[i]; c[i] = g[i]; }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i][j] * g[j];
      for (let j = i + 1; j < n; j++) s -= B[j][i] * g[j];
      t[i] = s;
      gradproj += s * g[i];
    }
    if (gradproj < 0) {
      // 2. Backtracking line search.
      let steplength = 1;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i] + steplength * t[i];
          if (RELTEST + X[i] === RELTEST + b[i]) count++;
        }
        if (count < n) {
          fv = f(b);
          funcount++;
          accpoint = Number.isFinite(fv) && fv <= Fmin + gradproj * steplength * ACCTOL;
          if (!accpoint) steplength *= STEPREDN;
        }
      } while (!(count === n || accpoint));
      // 3. Convergence test, gradient and BFGS update.
      const enough = fv > abstol && Math.abs(fv - Fmin) > reltol * (Math.abs(Fmin) + reltol);
      if (!enough) {
        count = n;
        Fmin = fv;
      }
      if (count < n) {
        Fmin = fv;
        grad(b, g);
        gradcount++;
        iter++;
        let D1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i];
          c[i] = g[i] - c[i];
          D1 += t[i] * c[i];
        }
        if (D1 > 0) {
          let D2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i][j] * c[j];
            for (let j = i + 1; j < n; j++) s += B[j][i] * c[j];
            X[i] = s;
            D2 += s * c[i];
          }
          D2 = 1 + D2 / D1;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) B[i][j] += (D2 * t[i] * t[j] - X[i] * t[j] - t[i] * X[j]) / D1;
          }
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        // 4. No progress: restart once.
        count = 0;
        ilast = gradcount;
      }
    } else {
      // 4. Uphill: restart unless just restarted.
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount; // periodic restart
  } while (count !== n || ilast !== gradcount);
  return { par: unscaled(b), value: Fmin, convergence: iter < maxit ? 0 : 1, counts: { function: funcount, gradient: gradcount } };
}
