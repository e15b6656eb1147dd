// Sigmoid NAR(p, H): no external fixture exists (the fit depends on random starts), so these tests
// check properties that can fail: the analytic gradient, the optimum against known truths and
// nested linear fits, determinism and the JSON round trip, and typed errors for bad input.
import { describe, it, expect } from 'vitest';
import { fitNAR, narLoss, narSSR, narSkeleton, narParamNames, narFromJSON, FittedNAR, type NARActivation, type NARSpec } from '../src/classical/nar.js';
import { fitAR } from '../src/classical/ar.js';
import { ArgumentError, DataError, type ArdiffError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { loadColumn, expectRel, expectAbs } from './fixtures.js';

/** Runs `f`, asserts it throws `cls` naming `argument`, and returns the error. */
function expectThrows(f: () => unknown, cls: typeof ArgumentError | typeof DataError, argument: string): ArdiffError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  expect((err as ArdiffError).argument).toBe(argument);
  return err as ArdiffError;
}

const lynx = loadColumn('data/r_lynx.csv', 'lynx', 'log10');

/** SSR of the OLS AR(p) with constant on t = p+1..n (statsmodels AutoReg: σ̂² = SSR/nobs). */
function arSSR(y: Float64Array, p: number): number {
  const ar = fitAR(y, { order: p });
  return ar.sigma2 * ar.nobs;
}

/** Central-difference gradient with step h·max(1, |θ_i|). */
function centralGradient(f: (t: number[]) => number, theta: readonly number[], h = 1e-5): number[] {
  return theta.map((v, i) => {
    const step = h * Math.max(1, Math.abs(v));
    const a = theta.slice(), b = theta.slice();
    a[i] = v + step;
    b[i] = v - step;
    return (f(a) - f(b)) / (2 * step);
  });
}

describe('narLoss: the analytic gradient', () => {
  const cases: { spec: NARSpec; decay: number }[] = [
    { spec: { order: 2, hidden: 3 }, decay: 1e-3 },
    { spec: { order: 2, hidden: 2, activation: 'tanh' }, decay: 0.5 },
    { spec: { order: 3, hidden: 2, skip: false }, decay: 0 },
    { spec: { order: 1, hidden: 4, activation: 'tanh', skip: false }, decay: 2 },
    { spec: { order: 2, hidden: 0 }, decay: 1 },
  ];
  for (const { spec, decay } of cases) {
    it(`equals central differences (rel 1e-6): ${JSON.stringify(spec)}, decay ${decay}`, () => {
      const k = narParamNames(spec).length;
      const rng = createRng(5 + k);
      for (let trial = 0; trial < 3; trial++) {
        const theta = Array.from({ length: k }, () => 1.5 * rng.normal());
        const { value, gradient } = narLoss(lynx, spec, theta, decay);
        expect(Number.isFinite(value)).toBe(true);
        const num = centralGradient((t) => narLoss(lynx, spec, t, decay).value, theta);
        const scale = Math.max(...num.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < k; i++) {
          const err = Math.abs(gradient[i] - num[i]);
          if (err > 1e-6 * Math.max(Math.abs(num[i]), 1e-3 * scale)) {
            expect.fail(`d/d${narParamNames(spec)[i]}: analytic ${gradient[i]}, numeric ${num[i]}`);
          }
        }
      }
    });
  }

  it('the loss is the SSR of the standardised series plus decay times the squared weights', () => {
    const spec = { order: 1, hidden: 1 };
    // θ = [w, c, v, b, phi]: z_t = b + v σ(c + w z_{t−1}) + phi z_{t−1}.
    const theta = [0.7, -0.2, 1.3, 0.1, 0.4];
    const n = lynx.length;
    const mu = lynx.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(lynx.reduce((a, b) => a + (b - mu) ** 2, 0) / n);
    const z = Array.from(lynx, (v) => (v - mu) / sd);
    let sse = 0;
    for (let t = 1; t < n; t++) {
      const f = 0.1 + 1.3 / (1 + Math.exp(-(-0.2 + 0.7 * z[t - 1]))) + 0.4 * z[t - 1];
      sse += (z[t] - f) ** 2;
    }
    expectRel(narLoss(lynx, spec, theta, 0.25).value, sse + 0.25 * (0.7 ** 2 + 1.3 ** 2), 1e-12, 0, 'loss');
  });
});

/** Simulates n values of a NAR with `params` and N(0, sd²) shocks; also returns the true map f(x_t). */
function simulate(spec: NARSpec, params: number[], n: number, sd: number, seed: number): { y: Float64Array; map: Float64Array } {
  const rng = createRng(seed);
  const p = spec.order;
  const y = new Float64Array(n), map = new Float64Array(n);
  for (let t = p; t < n; t++) {
    map[t] = narSkeleton(y.subarray(0, t), spec, params, 1)[0];
    y[t] = map[t] + sd * rng.normal();
  }
  // Drop a burn-in of 100 values (and keep the true map aligned).
  return { y: y.slice(100), map: map.slice(100) };
}

describe('fitNAR on data simulated from a known NAR', () => {
  // NAR(2, 2) with skip: a steep unit in y(t−1), a softer one in y(t−2), and a linear part.
  const truths: { activation: NARActivation; params: number[] }[] = [
    // w[1,1] w[1,2] c[1]  w[2,1] w[2,2] c[2]  v[1] v[2]  b    phi[1] phi[2]
    { activation: 'logistic', params: [3, 0, 0, 0, -2, 1, -2, 1.5, 0.5, 0.3, -0.2] },
    { activation: 'tanh', params: [2, 0, 0.5, 0, -1.5, 0, -1, 0.8, 0.2, 0.3, -0.2] },
  ];
  for (const truth of truths) {
    const spec: NARSpec = { order: 2, hidden: 2, activation: truth.activation };
    const sd = 0.25;
    const { y, map } = simulate(spec, truth.params, 1100, sd, 17);
    const fit = fitNAR(y, spec);

    it(`${truth.activation}: SSR no higher than at the true parameters`, () => {
      const trueSSR = narSSR(y, spec, truth.params);
      expect(fit.ssr).toBeLessThanOrEqual(trueSSR * (1 + 1e-6));
      // … and not absurdly lower either: the true SSR is ≈ nobs·σ², the fit gains O(k σ²).
      expect(fit.ssr).toBeGreaterThan(trueSSR * 0.95);
      expectRel(fit.sigma2, sd * sd, 0.1, 0, 'sigma2');
      expect(fit.converged).toBe(true);
    });

    it(`${truth.activation}: the fitted map and the skeleton forecast are close to the truth`, () => {
      // Fitted map on the sample: y_t − residual_t, against the true map (RMS ≪ σ).
      let s2 = 0;
      for (let t = 2; t < y.length; t++) s2 += (y[t] - fit.residuals[t - 2] - map[t]) ** 2;
      expect(Math.sqrt(s2 / fit.nobs)).toBeLessThan(0.25 * sd);
      // The skeleton: close for the first steps (errors grow along a nonlinear orbit).
      expectAbs(fit.skeleton(4), narSkeleton(y, spec, truth.params, 4), 0.1, 'skeleton');
    });
  }
});

describe('fitNAR nests the linear AR', () => {
  for (const p of [1, 2, 4]) {
    it(`hidden = 0: the OLS AR(${p}) fit (SSR rel 1e-6, coefficients rel 1e-8)`, () => {
      const fit = fitNAR(lynx, { order: p, hidden: 0 });
      expect(fit.params.names).toEqual(['b', ...Array.from({ length: p }, (_, i) => `phi[${i + 1}]`)]);
      expectRel(fit.ssr, arSSR(lynx, p), 1e-6, 0, 'SSR');
      expectRel(fit.params.values, fitAR(lynx, { order: p }).params.values, 1e-8, 0, 'b, phi vs const, y.L1..');
      expectRel(fit.linearSSR, arSSR(lynx, p), 1e-12, 0, 'linearSSR');
      expect(fit.nWeights).toBe(p + 1);
    });
  }

  it('huge decay: the hidden layer is switched off and the SSR is the linear AR(2) SSR (rel 1e-6)', () => {
    const fit = fitNAR(lynx, { order: 2, hidden: 3, decay: 1e6 });
    expectRel(fit.ssr, arSSR(lynx, 2), 1e-6, 0, 'SSR');
    for (let k = 1; k <= 3; k++) expect(Math.abs(fit.params.values[fit.params.names.indexOf(`v[${k}]`)])).toBeLessThan(1e-6);
  });
});

describe('fitNAR on log10 lynx, order 2', () => {
  const fit = fitNAR(lynx, { order: 2, seed: 1, paths: 400 });

  it('beats the linear AR(2) in SSR; report and criteria are consistent', () => {
    const linear = arSSR(lynx, 2);
    expect(fit.ssr).toBeLessThan(linear);
    expectRel(fit.linearSSR, linear, 1e-12, 0, 'linearSSR');
    expect(fit.kind).toBe('nar');
    expect(fit.nobs).toBe(lynx.length - 2);
    expect(fit.params.names).toEqual(['w[1,1]', 'w[1,2]', 'c[1]', 'w[2,1]', 'w[2,2]', 'c[2]', 'w[3,1]', 'w[3,2]', 'c[3]', 'v[1]', 'v[2]', 'v[3]', 'b', 'phi[1]', 'phi[2]']);
    expect(fit.nWeights).toBe(15);
    expect(fit.restarts.length).toBe(5);
    expect(fit.objective).toBe(Math.min(...fit.restarts.map((r) => r.objective)));
    // SSR, sigma2, llf and criteria from the parameters on the scale of y.
    expectRel(fit.ssr, narSSR(lynx, { order: 2 }, fit.params.values), 1e-14, 0, 'ssr');
    expectRel(fit.sigma2, fit.ssr / fit.nobs, 1e-14, 0, 'sigma2');
    const llf = (-fit.nobs / 2) * (Math.log(2 * Math.PI * fit.sigma2) + 1);
    expectRel(fit.llf, llf, 1e-12, 0, 'llf');
    expectRel(fit.aic, -2 * llf + 2 * 16, 1e-12, 0, 'aic');
    expectRel(fit.bic, -2 * llf + Math.log(fit.nobs) * 16, 1e-12, 0, 'bic');
    // The penalised objective is on the standardised scale: SSR/sd² plus the decay term.
    expect(fit.objective).toBeGreaterThanOrEqual(fit.ssr / fit.scale.sd ** 2);
    const rep = JSON.parse(JSON.stringify(fit.report()));
    expect(rep.params.names).toEqual(fit.params.names);
    expect(rep.params.values).toEqual(fit.params.values);
    expect(rep.ssr).toBe(fit.ssr);
    expect(rep.aic).toBe(fit.aic);
    expect(rep.linearSSR).toBe(fit.linearSSR);
  });

  it('without decay the objective is exactly SSR/sd² (parameters map back to the standardised scale)', () => {
    const f0 = fitNAR(lynx, { order: 2, hidden: 2, decay: 0, restarts: 2 });
    expectRel(f0.objective, f0.ssr / f0.scale.sd ** 2, 1e-9, 0, 'objective');
    expect(f0.ssr).toBeLessThan(arSSR(lynx, 2));
  });

  it('the skeleton iterates the equation (first step by hand) and predict() is the map', () => {
    const v = (nm: string) => fit.params.values[fit.params.names.indexOf(nm)];
    const n = lynx.length;
    const x = [lynx[n - 1], lynx[n - 2]];
    let f = v('b') + v('phi[1]') * x[0] + v('phi[2]') * x[1];
    for (let k = 1; k <= 3; k++) f += v(`v[${k}]`) / (1 + Math.exp(-(v(`c[${k}]`) + v(`w[${k},1]`) * x[0] + v(`w[${k},2]`) * x[1])));
    const sk = fit.skeleton(3);
    expectRel(sk[0], f, 1e-13, 0, 'step 1');
    expectRel(fit.predict([sk[0], x[0]]), sk[1], 1e-14, 0, 'step 2');
    expect(Array.from(narSkeleton(lynx, { order: 2 }, fit.params.values, 3))).toEqual(Array.from(sk));
  });

  it('one step ahead: Gaussian paths are N(skeleton, sigma2); bootstrap paths add fitted residuals', () => {
    const N = 20000;
    const sk = fit.skeleton(2);
    const g = fit.sample(2, { paths: N, rng: createRng(9), noise: 'gaussian' });
    let s = 0, s2 = 0;
    for (const p of g) { s += p[0]; s2 += p[0] * p[0]; }
    const m = s / N, sdv = Math.sqrt(s2 / N - m * m), sd = Math.sqrt(fit.sigma2);
    expect(Math.abs(m - sk[0])).toBeLessThan((4 * sd) / Math.sqrt(N));
    expect(Math.abs(sdv / sd - 1)).toBeLessThan(0.03);
    const b = fit.sample(2, { paths: 200, rng: createRng(9), noise: 'bootstrap' });
    const res = Array.from(fit.residuals);
    for (const p of b) {
      const e = p[0] - sk[0];
      expect(Math.min(...res.map((r) => Math.abs(r - e)))).toBeLessThan(1e-12);
    }
    // The residuals sum to zero (the bias b is not penalised), so bootstrap shocks are centred.
    expect(Math.abs(res.reduce((a, c) => a + c, 0))).toBeLessThan(1e-8);
  });
});

describe('determinism and the JSON round trip', () => {
  const fit = fitNAR(lynx, { order: 2, hidden: 2, activation: 'tanh', seed: 11, paths: 300, noise: 'bootstrap' });

  it('the same seed gives an identical fit, forecasts and samples', () => {
    const again = fitNAR(lynx, { order: 2, hidden: 2, activation: 'tanh', seed: 11, paths: 300, noise: 'bootstrap' });
    expect(again.toJSON()).toEqual(fit.toJSON());
    expect(again.params.values).toEqual(fit.params.values);
    expect(again.forecast(6).toJSON()).toEqual(fit.forecast(6).toJSON());
    expect(again.sample(5, { paths: 30, rng: createRng(2) })).toEqual(fit.sample(5, { paths: 30, rng: createRng(2) }));
    // Samples: deterministic per rng, different across rngs, shapes.
    const a = fit.sample(6, { paths: 25, rng: createRng(7) });
    const c = fit.sample(6, { paths: 25, rng: createRng(8) });
    expect(a.length).toBe(25);
    expect(a[0].length).toBe(6);
    expect(a).not.toEqual(c);
  });

  it('forecast() without rng is reproducible and uses the model noise, paths and seed', () => {
    const f1 = fit.forecast(5);
    expect(f1.paths.length).toBe(300);
    expect(f1.toJSON()).toEqual(fit.forecast(5).toJSON());
    expect(Array.from(fit.forecast(5, { rng: createRng(11) }).mean())).toEqual(Array.from(f1.mean()));
    expect(fit.forecast(5, { noise: 'gaussian' }).toJSON()).not.toEqual(f1.toJSON());
    expect(fit.forecast(5, { paths: 40 }).paths.length).toBe(40);
    const i95 = f1.interval(95), i80 = f1.interval(80);
    for (let h = 0; h < 5; h++) {
      expect(i95.lower[h]).toBeLessThanOrEqual(i80.lower[h]);
      expect(i80.upper[h]).toBeLessThanOrEqual(i95.upper[h]);
    }
  });

  it('toJSON/fromJSON: equal parameters, summary, report, skeleton, forecasts and samples', () => {
    const back = narFromJSON(JSON.parse(JSON.stringify(fit.toJSON())));
    expect(back).toBeInstanceOf(FittedNAR);
    expect(back.kind).toBe('nar');
    expect(back.params).toEqual(fit.params);
    expect(back.ssr).toBe(fit.ssr);
    expect(back.summary()).toBe(fit.summary());
    expect(back.report()).toEqual(fit.report());
    expect(back.toJSON()).toEqual(fit.toJSON());
    expect(Array.from(back.skeleton(8))).toEqual(Array.from(fit.skeleton(8)));
    expect(back.forecast(4).toJSON()).toEqual(fit.forecast(4).toJSON());
    expect(back.forecast(4, { noise: 'gaussian' }).toJSON()).toEqual(fit.forecast(4, { noise: 'gaussian' }).toJSON());
    expect(back.sample(4, { paths: 5, rng: createRng(1) })).toEqual(fit.sample(4, { paths: 5, rng: createRng(1) }));
  });

  it('summary prints the weights, the equation and the criteria without NaN', () => {
    const s = fit.summary();
    expect(s).toMatch(/Neural Network Autoregression/);
    expect(s).toMatch(/NAR\(2, 2\) with skip/);
    expect(s).toMatch(/w\[2,1\]/);
    expect(s).toMatch(/tanh/);
    expect(s).not.toMatch(/nan|NaN/);
  });
});

describe('fitNAR input validation', () => {
  it('rejects a too-short series with the numbers', () => {
    // NAR(2, 3) with skip: 15 weights, so at least 2 + 15 + 1 = 18 observations.
    const e = expectThrows(() => fitNAR(lynx.subarray(0, 17), { order: 2 }), DataError, 'y');
    expect(e.message).toMatch(/15 weights .* = 18 observations; got 17/);
    expect(() => fitNAR(lynx.subarray(0, 18), { order: 2, restarts: 1 })).not.toThrow();
  });

  it('rejects missing and infinite values, naming the row', () => {
    const z = Float64Array.from(lynx);
    z[30] = NaN;
    expect(expectThrows(() => fitNAR(z, { order: 2 }), DataError, 'y').message).toMatch(/missing value .* row 31/);
    z[30] = Infinity;
    expectThrows(() => fitNAR(z, { order: 2 }), DataError, 'y');
    expectThrows(() => narSSR(z, { order: 2, hidden: 0 }, [1, 0.5, 0.1]), DataError, 'y');
    expectThrows(() => fitNAR('abc' as never, { order: 1 }), DataError, 'y');
  });

  it('rejects a constant series', () => {
    const e = expectThrows(() => fitNAR(new Float64Array(60).fill(2), { order: 1 }), DataError, 'y');
    expect(e.message).toMatch(/constant/);
  });

  it('rejects invalid order, hidden, activation, skip, decay, restarts, seed, paths, noise', () => {
    expectThrows(() => fitNAR(lynx, { order: 0 }), ArgumentError, 'order');
    expectThrows(() => fitNAR(lynx, { order: -1 }), ArgumentError, 'order');
    expectThrows(() => fitNAR(lynx, { order: 1.5 }), ArgumentError, 'order');
    expectThrows(() => fitNAR(lynx, undefined as never), ArgumentError, 'order');
    expectThrows(() => fitNAR(lynx, { order: 2, hidden: -1 }), ArgumentError, 'hidden');
    expectThrows(() => fitNAR(lynx, { order: 2, hidden: 2.5 }), ArgumentError, 'hidden');
    expectThrows(() => fitNAR(lynx, { order: 2, hidden: 0, skip: false }), ArgumentError, 'hidden');
    expectThrows(() => fitNAR(lynx, { order: 2, activation: 'relu' as never }), ArgumentError, 'activation');
    expectThrows(() => fitNAR(lynx, { order: 2, skip: 1 as never }), ArgumentError, 'skip');
    expectThrows(() => fitNAR(lynx, { order: 2, decay: -1 }), ArgumentError, 'decay');
    expectThrows(() => fitNAR(lynx, { order: 2, decay: NaN }), ArgumentError, 'decay');
    expectThrows(() => fitNAR(lynx, { order: 2, restarts: 0 }), ArgumentError, 'restarts');
    expectThrows(() => fitNAR(lynx, { order: 2, seed: Infinity }), ArgumentError, 'seed');
    expectThrows(() => fitNAR(lynx, { order: 2, paths: 0 }), ArgumentError, 'paths');
    expectThrows(() => fitNAR(lynx, { order: 2, noise: 'uniform' as never }), ArgumentError, 'noise');
    expectThrows(() => fitNAR(lynx, { order: 2, maxIter: 0 }), ArgumentError, 'maxIter');
  });

  it('rejects bad parameter vectors, horizons, forecast/sample options and foreign JSON', () => {
    expectThrows(() => narLoss(lynx, { order: 2, hidden: 1 }, [1, 2, 3]), ArgumentError, 'theta');
    expectThrows(() => narLoss(lynx, { order: 1, hidden: 1 }, [1, 2, 3, 4, 5], -1), ArgumentError, 'decay');
    expectThrows(() => narSSR(lynx, { order: 1, hidden: 1 }, [1, 2, 3, 4, NaN]), ArgumentError, 'params');
    expectThrows(() => narSkeleton(lynx, { order: 1, hidden: 1 }, [1, 2, 3, 4, 5], 0), ArgumentError, 'horizon');
    const f = fitNAR(lynx, { order: 1, hidden: 1, restarts: 1, paths: 50 });
    expectThrows(() => f.forecast(0), ArgumentError, 'horizon');
    expectThrows(() => f.forecast(3, { paths: -2 }), ArgumentError, 'paths');
    expectThrows(() => f.forecast(3, { noise: 'bad' as never }), ArgumentError, 'noise');
    expectThrows(() => f.sample(3, {} as never), ArgumentError, 'rng');
    expectThrows(() => f.forecast(3, { exog: { x: [1, 2, 3] } }), ArgumentError, 'exog');
    expectThrows(() => f.predict([1, 2]), ArgumentError, 'lags');
    expectThrows(() => FittedNAR.fromJSON({ kind: 'lstar' } as never), ArgumentError, 'json');
    const bad = { ...f.toJSON(), params: { names: ['b'], values: [1] } };
    expectThrows(() => narFromJSON(bad), ArgumentError, 'json');
    expectThrows(() => narFromJSON({ ...f.toJSON(), hidden: -3 }), ArgumentError, 'json');
  });
});
