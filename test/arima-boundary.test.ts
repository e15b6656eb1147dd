// Exact ML with missing values next to the stationarity boundary (fixture arima_boundary_likelihood.json,
// scripts/arima_boundary_likelihood.py): the likelihood against a 60-digit evaluation, statsmodels and R; the
// rejection of a point exactly on the boundary; the fit of the gapped series; and the numerical building
// blocks (refined autocovariances, compensated sums, R's BFGS).
import { describe, it, expect } from 'vitest';
import { fitARIMA } from '../src/classical/arima.js';
import { imputeKalman } from '../src/classical/impute.js';
import { diffuseFilter, sarimaStateSpace, armaAutocovariance, armaInitialCovariance } from '../src/classical/estimators/kalman.js';
import { differencingPolynomial } from '../src/classical/estimators/polynomial.js';
import { Dot2 } from '../src/classical/estimators/double-double.js';
import { vmmin } from '../src/classical/estimators/vmmin.js';
import { fixturesOfKind, fixtureSeries, loadColumn } from './fixtures.js';

const fx = fixturesOfKind('arima_boundary')[0];
const y = fixtureSeries(fx);
const delta = differencingPolynomial(1, 1, 12);

/** R-convention log-likelihood of ARIMA(2,1,1)(0,1,0)[12] at (φ₁, φ₂, θ₁), σ² profiled; and n_used. */
function loglik([phi1, phi2, theta1]: readonly number[]): { llf: number; nUsed: number } {
  const f = diffuseFilter(sarimaStateSpace([phi1, phi2], [theta1], delta), [y]);
  let ssr = 0;
  for (let i = 0; i < f.nUsed; i++) ssr += f.v[0][i] ** 2 / f.F[i];
  const n = f.nUsed;
  return { llf: -0.5 * (n * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1) + f.sumLogF), nUsed: n };
}

describe('exact likelihood with gaps next to the stationarity boundary (AirPassengers, 14 NA, ARIMA(2,1,1)(0,1,0)12)', () => {
  it('equals the 60-digit reference to 1e-6 on every path, and statsmodels where statsmodels is accurate, over all 117 observations', () => {
    expect(fx.points.length).toBe(22);
    let compared = 0;
    for (const p of fx.points) {
      const r = loglik(p.params);
      const where = `${p.path} ${p.e ?? p.k}`;
      expect(r.nUsed, where).toBe(p.n_used);
      expect(Math.abs(r.llf - p.mp), where).toBeLessThan(1e-6);
      if (p.statsmodels_accurate) {
        expect(Math.abs(r.llf - p.statsmodels), where).toBeLessThan(1e-6);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it('agrees with R arima(method = "ML") inside the region (abs 1e-4) and at both optima (abs 5e-4, R\'s kappa = 1e6 prior)', () => {
    for (const p of fx.points.filter((q: { e?: number }) => q.e === 0.1)) expect(Math.abs(loglik(p.params).llf - p.R)).toBeLessThan(1e-4);
    for (const o of Object.values(fx.optima) as { params: number[]; mp: number; R: number; statsmodels: number }[]) {
      const llf = loglik(o.params).llf;
      expect(Math.abs(llf - o.mp)).toBeLessThan(1e-8);
      expect(Math.abs(llf - o.statsmodels)).toBeLessThan(1e-8);
      expect(Math.abs(llf - o.R)).toBeLessThan(5e-4);
    }
  });

  it('rejects the point exactly on the boundary (φ₁ + φ₂ = 1 in binary, unit root shared with the MA) instead of scoring 1 of 117 observations', () => {
    const [phi1, phi2] = fx.on_boundary.params;
    expect(phi1 + phi2).toBe(1);
    expect(() => loglik(fx.on_boundary.params)).toThrow(RangeError);
    // Approaching it, the likelihood tends to the 60-digit limit (the cancelled AR(1)), far below the optimum.
    const last = fx.points[fx.points.length - 1];
    expect(loglik(last.params).llf).toBeCloseTo(-485.0276193, 6);
  });
});

describe('fitting the gapped series', () => {
  it("CSS-ML (R's path: ML from zero coefficients) reaches R's optimum: log-likelihood within 1e-3, coefficients within 1e-3", () => {
    const f = fitARIMA(y, { order: [2, 1, 1], seasonal: { order: [0, 1, 0], period: 12 }, method: 'css-ml' });
    expect(Math.abs(f.llf - fx.R_fits.css_ml.loglik)).toBeLessThan(1e-3);
    const c = [...f.params.ar, ...f.params.ma];
    fx.R_fits.css_ml.coef.forEach((v: number, i: number) => expect(Math.abs(c[i] - v)).toBeLessThan(1e-3));
  });

  it("ML with restarts ends clear of the boundary, at least at R's optimum (the higher mirror mode, R's own log-likelihood there within 5e-4)", () => {
    const f = fitARIMA(y, { order: [2, 1, 1], seasonal: { order: [0, 1, 0], period: 12 } });
    expect(Math.min(...f.roots().ar.map(([re, im]) => Math.hypot(re, im)))).toBeGreaterThan(1.1);
    expect(f.llf).toBeGreaterThanOrEqual(fx.R_fits.ml.loglik - 1e-3);
    expect(Math.abs(f.llf - fx.optima.mirror_mode.mp)).toBeLessThan(1e-5);
    expect(Math.abs(f.llf - fx.optima.mirror_mode.R)).toBeLessThan(5e-4);
    // The smoother fills the gaps with sensible values (the boundary fit gave ±1e7 with zero variance).
    const truth = loadColumn('data/r_AirPassengers.csv', 'AirPassengers');
    const s = f.smooth({ stateCov: false });
    for (const t of fx.dataset.missing_indices) {
      expect(Math.abs(s.mean[t] - truth[t])).toBeLessThan(50);
      expect(s.variance[t]).toBeGreaterThan(0);
    }
    const k = imputeKalman(y, { order: [2, 1, 1], seasonal: [0, 1, 0], period: 12 });
    expect(k.fit.llf).toBeCloseTo(f.llf, 8);
  });
});

describe('autocovariances accurate up to the boundary (iterative refinement in double-double)', () => {
  it('ARMA(1,1) with φ = 1 − 10^−k and θ = −1 (a cancelled near-unit root): γ₀ = 2/(1 + φ), γ₁ = (φ − 1)/(1 + φ) to 1e-15', () => {
    for (let k = 2; k <= 14; k++) {
      const phi = 1 - 10 ** -k;
      const [g0, g1] = armaAutocovariance([phi], [-1], 1);
      expect(Math.abs(g0 - 2 / (1 + phi)), `k=${k}`).toBeLessThan(1e-15);
      expect(Math.abs(g1 - (phi - 1) / (1 + phi)), `k=${k}`).toBeLessThan(1e-15);
      expect(armaInitialCovariance([phi], [-1], 2)[0]).toBe(g0);
    }
  });
  it('throws a RangeError on the unit circle (exactly cancelled or not) and keeps stationary values exact', () => {
    expect(() => armaAutocovariance([1], [-1], 1)).toThrow(RangeError);
    expect(() => armaAutocovariance([0.5, 0.5], [], 1)).toThrow(RangeError);
    const [g0] = armaAutocovariance([0.5], [], 0);
    expect(g0).toBe(4 / 3);
  });
});

describe('Dot2 (compensated sums and products)', () => {
  it('keeps what plain floating point loses', () => {
    expect(new Dot2().add(1e16).add(1).add(-1e16).value()).toBe(1);
    const a = 1 + 2 ** -30, b = 1 - 2 ** -30; // a·b = 1 − 2⁻⁶⁰ exactly
    const acc = new Dot2().addProd(a, b);
    expect(acc.hi).toBe(1);
    expect(acc.lo).toBe(-(2 ** -60));
    const hi = new Float64Array(1), lo = new Float64Array(1);
    new Dot2().add(1).add(2 ** -70).store(hi, lo, 0);
    expect([hi[0], lo[0]]).toEqual([1, 2 ** -70]);
  });
});

describe("vmmin = R's optim(method = 'BFGS') with numerical gradients", () => {
  const fr = (x: readonly number[]) => 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;
  it('Rosenbrock from (−1.2, 1): the same path, counts and end point as R', () => {
    for (const [key, parscale] of [['optim_bfgs_rosenbrock', undefined], ['optim_bfgs_rosenbrock_parscale', [2, 0.5]]] as const) {
      const ref = fx[key];
      const r = vmmin(fr, [-1.2, 1], { parscale });
      expect([r.counts.function, r.counts.gradient]).toEqual(ref.counts);
      expect(r.convergence).toBe(ref.convergence);
      r.par.forEach((v, i) => expect(Math.abs(v - ref.par[i])).toBeLessThan(1e-10 * Math.abs(ref.par[i])));
      expect(Math.abs(r.value - ref.value)).toBeLessThan(1e-10 * ref.value + 1e-20);
    }
  });
});
