/**
 * Lag polynomials of (seasonal) ARMA models and the reparametrisations that keep them
 * stationary / invertible during optimisation.
 *
 * Conventions (as R and statsmodels): φ(L) = 1 − φ₁L − … − φ_pL^p, θ(L) = 1 + θ₁L + … + θ_qL^q.
 * A coefficient vector `c` below always means the polynomial 1 − c₁L − … for AR and 1 + c₁L + …
 * for MA.
 */

/**
 * Multiplies a non-seasonal and a seasonal AR polynomial, φ(L)Φ(L^s), returning the coefficients
 * c of 1 − Σ c_k L^k (length p + P·s).
 */
export function expandAR(phi: readonly number[], Phi: readonly number[], s: number): number[] {
  const n = phi.length + Phi.length * s;
  // Work with the full polynomial a(L) = 1 + Σ a_k L^k, a = −c.
  const a = new Array<number>(n + 1).fill(0);
  a[0] = 1;
  for (let i = 0; i < phi.length; i++) a[i + 1] = -phi[i];
  const out = new Array<number>(n + 1).fill(0);
  for (let i = 0; i <= phi.length; i++) {
    out[i] += a[i];
    for (let j = 0; j < Phi.length; j++) out[i + (j + 1) * s] -= a[i] * Phi[j];
  }
  return out.slice(1).map((v) => -v);
}

/** Multiplies θ(L)Θ(L^s), returning c of 1 + Σ c_k L^k (length q + Q·s). */
export function expandMA(theta: readonly number[], Theta: readonly number[], s: number): number[] {
  const n = theta.length + Theta.length * s;
  const out = new Array<number>(n + 1).fill(0);
  const a = [1, ...theta];
  for (let i = 0; i < a.length; i++) {
    out[i] += a[i];
    for (let j = 0; j < Theta.length; j++) out[i + (j + 1) * s] += a[i] * Theta[j];
  }
  return out.slice(1);
}

/**
 * Differencing polynomial (1 − L)^d (1 − L^s)^D as δ with u_t = Σ δ_k u_{t−k} + w_t,
 * i.e. (1 − L)^d(1 − L^s)^D = 1 − Σ δ_k L^k.
 */
export function differencingPolynomial(d: number, D: number, s: number): number[] {
  let poly = [1];
  const mul = (p: number[], lag: number) => {
    const out = new Array<number>(p.length + lag).fill(0);
    for (let i = 0; i < p.length; i++) { out[i] += p[i]; out[i + lag] -= p[i]; }
    return out;
  };
  for (let i = 0; i < d; i++) poly = mul(poly, 1);
  for (let i = 0; i < D; i++) poly = mul(poly, s);
  return poly.slice(1).map((v) => -v);
}

/** Applies (1 − L)^d (1 − L^s)^D to x; the result is shorter by d + D·s (NaN propagates). */
export function difference(x: ArrayLike<number>, d: number, D: number, s: number): Float64Array {
  let cur = Float64Array.from(x);
  const once = (v: Float64Array, lag: number) => {
    const out = new Float64Array(Math.max(0, v.length - lag));
    for (let t = 0; t < out.length; t++) out[t] = v[t + lag] - v[t];
    return out;
  };
  for (let i = 0; i < d; i++) cur = once(cur, 1);
  for (let i = 0; i < D; i++) cur = once(cur, s);
  return cur;
}

/**
 * Maps unconstrained reals to the coefficients of a stationary AR polynomial: partial
 * autocorrelations r_k = tanh(x_k), then the Durbin–Levinson recursion (Jones 1980; R's
 * `arima` transform.pars).
 */
export function toStationary(x: readonly number[]): number[] {
  const p = x.length;
  const phi = x.map(Math.tanh);
  const work = phi.slice();
  for (let j = 1; j < p; j++) {
    const a = phi[j];
    for (let k = 0; k < j; k++) work[k] -= a * phi[j - k - 1];
    for (let k = 0; k < j; k++) phi[k] = work[k];
  }
  return phi;
}

/** Inverse of {@link toStationary}; throws RangeError if the polynomial is not stationary. */
export function fromStationary(phi: readonly number[]): number[] {
  const pacf = partialAutocorrelations(phi);
  if (!pacf) throw new RangeError('fromStationary: coefficients are not stationary');
  return pacf.map((r) => Math.atanh(r));
}

/**
 * Partial autocorrelations of the AR polynomial 1 − Σ φ_k L^k by the backward Levinson
 * recursion; null when some |r_k| ≥ 1 (not stationary).
 */
export function partialAutocorrelations(phi: readonly number[]): number[] | null {
  const p = phi.length;
  let a = phi.slice();
  const r = new Array<number>(p);
  for (let j = p - 1; j >= 0; j--) {
    const rj = a[j];
    if (!(Math.abs(rj) < 1)) return null;
    r[j] = rj;
    const den = 1 - rj * rj;
    const next = new Array<number>(j);
    for (let k = 0; k < j; k++) next[k] = (a[k] + rj * a[j - k - 1]) / den;
    a = next;
  }
  return r;
}

/** True when 1 − Σ φ_k z^k has all roots outside the unit circle. */
export function isStationary(phi: readonly number[]): boolean {
  return partialAutocorrelations(phi) !== null;
}

/** True when 1 + Σ θ_k z^k has all roots outside the unit circle. */
export function isInvertible(theta: readonly number[]): boolean {
  return partialAutocorrelations(theta.map((v) => -v)) !== null;
}

/** Maps unconstrained reals to an invertible MA polynomial (θ = −toStationary(x)). */
export function toInvertible(x: readonly number[]): number[] {
  return toStationary(x).map((v) => -v);
}

/** Inverse of {@link toInvertible}. */
export function fromInvertible(theta: readonly number[]): number[] {
  return fromStationary(theta.map((v) => -v));
}

/**
 * Complex roots of 1 + Σ a_k z^k (a of length n) by the Aberth–Ehrlich iteration, as
 * [re, im] pairs. Used for unit-root checks and root reports.
 */
export function polyRoots(a: readonly number[]): [number, number][] {
  // Trim trailing zeros (degree may be lower than the coefficient vector).
  let n = a.length;
  while (n > 0 && a[n - 1] === 0) n--;
  if (n === 0) return [];
  // Monic form: z^n + (a_{n-1}/a_n) z^{n-1} + … + 1/a_n.
  const c = [1, ...a.slice(0, n)].map((v) => v / a[n - 1]); // c[k] multiplies z^k
  const re = new Array<number>(n), im = new Array<number>(n);
  const radius = 1 + Math.max(...c.slice(0, n).map(Math.abs));
  for (let i = 0; i < n; i++) {
    const ang = (2 * Math.PI * i) / n + 0.4;
    re[i] = radius * Math.cos(ang);
    im[i] = radius * Math.sin(ang);
  }
  const evalP = (zr: number, zi: number) => {
    // Horner for p and p'.
    let pr = 1, pi = 0, dr = 0, di = 0;
    for (let k = n - 1; k >= 0; k--) {
      const ndr = dr * zr - di * zi + pr, ndi = dr * zi + di * zr + pi;
      dr = ndr; di = ndi;
      const npr = pr * zr - pi * zi + c[k], npi = pr * zi + pi * zr;
      pr = npr; pi = npi;
    }
    return [pr, pi, dr, di];
  };
  for (let iter = 0; iter < 500; iter++) {
    let maxStep = 0;
    for (let i = 0; i < n; i++) {
      const [pr, pi, dr, di] = evalP(re[i], im[i]);
      const dd = dr * dr + di * di;
      if (dd === 0) continue;
      // w = p/p'
      const wr = (pr * dr + pi * di) / dd, wi = (pi * dr - pr * di) / dd;
      // s = Σ_{j≠i} 1/(z_i − z_j)
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const xr = re[i] - re[j], xi = im[i] - im[j];
        const xx = xr * xr + xi * xi;
        sr += xr / xx; si -= xi / xx;
      }
      // step = w / (1 − w s)
      const denr = 1 - (wr * sr - wi * si), deni = -(wr * si + wi * sr);
      const den = denr * denr + deni * deni;
      const stepr = (wr * denr + wi * deni) / den, stepi = (wi * denr - wr * deni) / den;
      re[i] -= stepr; im[i] -= stepi;
      maxStep = Math.max(maxStep, Math.hypot(stepr, stepi) / Math.max(1, Math.hypot(re[i], im[i])));
    }
    if (maxStep < 1e-14) break;
  }
  return re.map((r, i) => [r, Math.abs(im[i]) < 1e-12 * Math.max(1, Math.abs(r)) ? 0 : im[i]]);
}

/** Smallest modulus among the roots of 1 + Σ a_k z^k (Infinity for a constant polynomial). */
export function minRootModulus(a: readonly number[]): number {
  const roots = polyRoots(a);
  return roots.length ? Math.min(...roots.map(([r, i]) => Math.hypot(r, i))) : Infinity;
}

/**
 * Reflects the roots of 1 + Σ θ_k z^k that lie inside the unit circle to 1/z̄, giving the
 * invertible MA polynomial with the same autocovariances (R's `maInvert`, used after CSS).
 */
export function invertMA(theta: readonly number[]): number[] {
  let q = theta.length;
  while (q > 0 && theta[q - 1] === 0) q--;
  if (q === 0) return theta.slice();
  const roots = polyRoots(theta.slice(0, q));
  if (roots.every(([r, i]) => Math.hypot(r, i) >= 1)) return theta.slice();
  if (q === 1) return [1 / theta[0], ...new Array<number>(theta.length - 1).fill(0)];
  // Rebuild Π (1 − z/r_k) with the reflected roots (complex arithmetic on [re, im] pairs).
  let re = [1], im = [0];
  for (const [rr, ri] of roots) {
    let zr = rr, zi = ri;
    const mod2 = zr * zr + zi * zi;
    if (mod2 < 1) { zr = zr / mod2; zi = zi / mod2; } // 1/conj(z) = z/|z|²
    const d = zr * zr + zi * zi;
    const ir = zr / d, ii = -zi / d; // 1/z
    const nr = [...re, 0], ni = [...im, 0];
    for (let k = 1; k < nr.length; k++) {
      nr[k] -= re[k - 1] * ir - im[k - 1] * ii;
      ni[k] -= re[k - 1] * ii + im[k - 1] * ir;
    }
    re = nr; im = ni;
  }
  return [...re.slice(1), ...new Array<number>(theta.length - q).fill(0)];
}
