/**
 * R's `optimHess(par, fn)` without a gradient function — `optimhess` with `fmingr`'s central
 * differences (src/library/stats/src/optim.c), in R's arithmetic: in the scaled coordinates
 * u = par/parscale,
 *   g_k(u) = (f((u + εe_k)·ps) − f((u − εe_k)·ps)) / 2ε,
 *   H_ij = (g_j(u + ε_i e_i) − g_j(u − ε_i e_i)) / (2 ε_i ps_i ps_j),  ε_i = ndeps/ps_i,
 * the outer step taken as R takes it (u_i += ε_i, −= 2ε_i, += ε_i), then H ← (H + Hᵀ)/2.
 * A non-finite gradient entry is R's error ("non-finite finite-difference value"), a RangeError.
 * Used by forecast's checkarima (auto-ARIMA) and by fGarch's standard errors (GARCH).
 */
import { symmetrizeInPlace, type Matrix } from '../../core/linalg.js';

export function optimHess(f: (par: readonly number[]) => number, par: readonly number[], parscale: readonly number[] = par.map(() => 1), ndeps = 1e-3): Matrix {
  const n = par.length;
  const u = par.map((v, i) => v / parscale[i]);
  const x = new Array<number>(n);
  const grad = (out: number[]) => {
    for (let k = 0; k < n; k++) x[k] = u[k] * parscale[k];
    for (let k = 0; k < n; k++) {
      x[k] = (u[k] + ndeps) * parscale[k];
      const v1 = f(x);
      x[k] = (u[k] - ndeps) * parscale[k];
      const v2 = f(x);
      out[k] = (v1 - v2) / (2 * ndeps);
      if (!Number.isFinite(out[k])) throw new RangeError(`non-finite finite-difference value [${k + 1}]`);
      x[k] = u[k] * parscale[k];
    }
  };
  const H: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const df1 = new Array<number>(n), df2 = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const eps = ndeps / parscale[i];
    u[i] += eps;
    grad(df1);
    u[i] -= 2 * eps;
    grad(df2);
    for (let j = 0; j < n; j++) H[i][j] = (df1[j] - df2[j]) / (2 * eps * parscale[i] * parscale[j]);
    u[i] += eps;
  }
  return symmetrizeInPlace(H);
}
