// Forecast contributions: the parts of every linear model's point forecast add up to the model's
// own forecast, the lag weights are those of the unrolled predictor (checked by hand for AR(1),
// AR(2) and a VAR(2), and by perturbing one observation of the model), and the API rejects misuse.
import { describe, it, expect } from 'vitest';
import {
  forecastContributions, sumContributions, type ContributionPart, type ForecastContributions, type VARForecastContributions,
} from '../src/classical/contributions.js';
import { fitAR, FittedAR, type ARMethod } from '../src/classical/ar.js';
import { fitARIMA, FittedARIMA } from '../src/classical/arima.js';
import { fitVAR, varFromJSON, type VARTrend, type VARJSON } from '../src/classical/var.js';
import { fitLassoVAR, type VarTransform } from '../src/classical/lasso-var.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { loadColumn } from './fixtures.js';

const lake = loadColumn('data/r_LakeHuron.csv', 'LakeHuron');
const lynx = loadColumn('data/r_lynx.csv', 'lynx', 'log');
const air = loadColumn('data/r_AirPassengers.csv', 'AirPassengers', 'log');
const www = loadColumn('data/r_WWWusage.csv', 'WWWusage');
const drivers = loadColumn('data/r_Seatbelts.csv', 'drivers', 'log');
const law = loadColumn('data/r_Seatbelts.csv', 'law');
const macro = (col: string) => loadColumn('data/sm_macrodata.csv', col);

/** Σ parts = total at every horizon, relative to the larger of |total| and the largest part. */
function expectSums(parts: readonly ContributionPart[], total: ArrayLike<number>, rel = 1e-10, label = ''): void {
  const sum = sumContributions(parts);
  expect(sum.length, `${label} horizons`).toBe(total.length);
  for (let s = 0; s < total.length; s++) {
    const scale = Math.max(Math.abs(total[s]), ...parts.map((p) => Math.abs(p.values[s])));
    const err = Math.abs(sum[s] - total[s]);
    if (!(err <= rel * scale)) expect.fail(`${label} h=${s + 1}: parts sum to ${sum[s]}, forecast ${total[s]} (rel err ${(err / scale).toExponential(2)} > ${rel})`);
  }
}

/** The univariate checks every model gets: shape, total = forecast, parts sum to it. */
function checkUnivariate(c: ForecastContributions, forecast: ArrayLike<number>, h: number, label: string): void {
  expect(c.horizons).toBe(h);
  expect(c.total).toEqual(Array.from(forecast));
  for (const p of c.parts) {
    expect(p.values.length, `${label} ${p.name}`).toBe(h);
    expect(p.values.every(Number.isFinite), `${label} ${p.name} finite`).toBe(true);
  }
  expect(new Set(c.parts.map((p) => p.name)).size, `${label} distinct names`).toBe(c.parts.length);
  expectSums(c.parts, forecast, 1e-10, label);
}

const part = (c: { parts: ContributionPart[] }, name: string): ContributionPart => {
  const p = c.parts.find((q) => q.name === name);
  if (!p) throw new Error(`no part ${name} in ${c.parts.map((q) => q.name).join(', ')}`);
  return p;
};

describe('sumContributions and the checker', () => {
  it('a tampered breakdown is caught', () => {
    const fit = fitAR(lake, { order: 2 });
    const c = forecastContributions(fit, 5);
    const tampered = c.parts.map((p, k) => (k === 1 ? { ...p, values: p.values.map((v) => v * (1 + 1e-8)) } : p));
    expect(() => expectSums(tampered, c.total)).toThrow();
    expect(sumContributions([])).toEqual([]);
  });
});

describe('AR(p)', () => {
  const methods: ARMethod[] = ['ols', 'yule-walker', 'burg', 'mle'];
  for (const method of methods) {
    for (const trend of ['c', 'n'] as const) {
      it(`${method}, trend ${trend}: parts sum to the forecast in both forms`, () => {
        const y = trend === 'n' ? lynx.map((v) => v - 6.5) : lynx;
        const fit = fitAR(y, { order: 3, method, trend });
        const h = 15;
        const fc = fit.forecast(h).mean();
        for (const form of ['level', 'deviation'] as const) {
          const c = forecastContributions(fit, h, { form });
          expect(c.form).toBe(form);
          checkUnivariate(c, fc, h, `${method}/${trend}/${form}`);
          expect(c.parts.map((p) => p.name)).toEqual([...(trend === 'c' ? ['const'] : []), 'y[t-1]', 'y[t-2]', 'y[t-3]']);
          expect(c.parts.filter((p) => p.kind === 'lag').map((p) => p.input)).toEqual(
            [1, 2, 3].map((j) => y[y.length - j] - (form === 'deviation' ? fit.mean : 0)),
          );
        }
        // The lag weights are the same in both forms; only the reference point differs.
        const lv = forecastContributions(fit, h), dv = forecastContributions(fit, h, { form: 'deviation' });
        for (let j = 1; j <= 3; j++) {
          const a = part(lv, `y[t-${j}]`).weight!, b = part(dv, `y[t-${j}]`).weight!;
          a.forEach((w, s) => expect(Math.abs(w - b[s])).toBeLessThan(1e-12));
        }
        if (trend === 'c') part(dv, 'const').values.forEach((v) => expect(v).toBeCloseTo(fit.mean, 10));
      });
    }
  }

  it('AR(1) by hand: y_n contributes φ^h y_n (level) and φ^h (y_n − μ) (deviation)', () => {
    const fit = fitAR(lake, { order: 1 });
    const phi = fit.ar[0], c0 = fit.intercept, mu = fit.mean, yn = lake[lake.length - 1];
    const h = 10;
    const lv = forecastContributions(fit, h);
    const dv = forecastContributions(fit, h, { form: 'deviation' });
    for (let s = 1; s <= h; s++) {
      const ph = phi ** s;
      expect(part(lv, 'y[t-1]').values[s - 1]).toBeCloseTo(ph * yn, 10);
      expect(part(lv, 'y[t-1]').weight![s - 1]).toBeCloseTo(ph, 13);
      // c (1 + φ + … + φ^{h−1}) = c (1 − φ^h)/(1 − φ)
      expect(part(lv, 'const').values[s - 1]).toBeCloseTo((c0 * (1 - ph)) / (1 - phi), 10);
      expect(part(dv, 'y[t-1]').values[s - 1]).toBeCloseTo(ph * (yn - mu), 10);
      expect(part(dv, 'const').values[s - 1]).toBeCloseTo(mu, 10);
    }
    // The hand-computed totals are the model's forecast.
    const fc = fit.forecast(h).mean();
    for (let s = 1; s <= h; s++) expect(mu + phi ** s * (yn - mu)).toBeCloseTo(fc[s - 1], 9);
  });

  it('AR(2) by hand at h = 2: weights φ1² + φ2 on y_n and φ1 φ2 on y_{n−1}, const c (1 + φ1)', () => {
    const fit = fitAR(lynx, { order: 2 });
    const [p1, p2] = fit.ar, c0 = fit.intercept, n = lynx.length;
    const c = forecastContributions(fit, 2);
    expect(part(c, 'y[t-1]').values).toEqual([expect.closeTo(p1 * lynx[n - 1], 12), expect.closeTo((p1 * p1 + p2) * lynx[n - 1], 12)]);
    expect(part(c, 'y[t-2]').values).toEqual([expect.closeTo(p2 * lynx[n - 2], 12), expect.closeTo(p1 * p2 * lynx[n - 2], 12)]);
    expect(part(c, 'const').values).toEqual([expect.closeTo(c0, 12), expect.closeTo(c0 * (1 + p1), 12)]);
  });

  it('the weight of y_{n+1−j} is the change of the forecast when that observation moves by 1', () => {
    for (const method of ['ols', 'burg', 'mle'] as const) {
      const fit = fitAR(lynx, { order: 3, method });
      const h = 8, n = lynx.length;
      const base = fit.forecast(h).mean();
      const c = forecastContributions(fit, h);
      for (const j of [1, 2, 3]) {
        const json = fit.toJSON();
        json.y[n - j] = (json.y[n - j] as number) + 1;
        if (json.arima) json.arima.y[n - j] = (json.arima.y[n - j] as number) + 1;
        const moved = FittedAR.fromJSON(json).forecast(h).mean();
        const w = part(c, `y[t-${j}]`).weight!;
        moved.forEach((v, s) => expect(Math.abs(v - base[s] - w[s]), `${method} j=${j} h=${s + 1}`).toBeLessThan(1e-9));
      }
    }
  });

  it('lags below the order sum the older lags into a remainder; beyond the order nothing changes', () => {
    const fit = fitAR(lynx, { order: 4 });
    const h = 6, fc = fit.forecast(h).mean();
    const c = forecastContributions(fit, h, { lags: 2 });
    expect(c.parts.map((p) => p.name)).toEqual(['const', 'y[t-1]', 'y[t-2]', 'y[t-3 and earlier]']);
    expectSums(c.parts, fc);
    const full = forecastContributions(fit, h);
    const rest = sumContributions([part(full, 'y[t-3]'), part(full, 'y[t-4]')]);
    part(c, 'y[t-3 and earlier]').values.forEach((v, s) => expect(v).toBeCloseTo(rest[s], 12));
    expect(forecastContributions(fit, h, { lags: 10 }).parts.length).toBe(5);
  });

  it('AR(0) is its constant; mle with a gap at the end still adds up', () => {
    const zero = fitAR(lake, { order: 0 });
    const c = forecastContributions(zero, 3);
    expect(c.parts.map((p) => p.name)).toEqual(['const']);
    checkUnivariate(c, zero.forecast(3).mean(), 3, 'AR(0)');
    const gappy = Float64Array.from(lake);
    gappy[gappy.length - 1] = NaN;
    const fit = fitAR(gappy, { order: 2, method: 'mle' });
    for (const form of ['level', 'deviation'] as const) {
      const g = forecastContributions(fit, 6, { form });
      checkUnivariate(g, fit.forecast(6).mean(), 6, `gappy ${form}`);
      // The missing observation carries no weight; older ones do (the filter reaches back).
      expect(part(g, 'y[t-1]').values).toEqual(new Array(6).fill(0));
      expect(Number.isNaN(part(g, 'y[t-1]').input!)).toBe(true);
      expect(Math.abs(part(g, 'y[t-3]').values[0])).toBeGreaterThan(1e-3);
    }
  });
});

describe('ARIMA', () => {
  it('ARIMA(2,0,0) with const: the finite AR predictor, no remainder, const = μ(1 − Σw) in level form', () => {
    const fit = fitARIMA(lake, { order: [2, 0, 0] });
    const h = 12, fc = fit.forecast(h).mean();
    const c = forecastContributions(fit, h);
    expect(c.parts.map((p) => p.name)).toEqual(['const', 'y[t-1]', 'y[t-2]']);
    checkUnivariate(c, fc, h, 'ARIMA(2,0,0)');
    const mu = fit.params.beta[0];
    const w = sumContributions([{ ...part(c, 'y[t-1]'), values: part(c, 'y[t-1]').weight! }, { ...part(c, 'y[t-2]'), values: part(c, 'y[t-2]').weight! }]);
    part(c, 'const').values.forEach((v, s) => expect(v).toBeCloseTo(mu * (1 - w[s]), 10));
    const d = forecastContributions(fit, h, { form: 'deviation' });
    checkUnivariate(d, fc, h, 'ARIMA(2,0,0) deviation');
    expect(part(d, 'const').values).toEqual(new Array(h).fill(mu));
  });

  it('ARIMA(1,1,1) with drift: 24 observed lags plus a remainder; drift = δ(n + h − Σ w_j t_j) in level form', () => {
    const fit = fitARIMA(www, { order: [1, 1, 1], trend: 't' });
    const h = 10, fc = fit.forecast(h).mean();
    for (const form of ['level', 'deviation'] as const) {
      const c = forecastContributions(fit, h, { form });
      checkUnivariate(c, fc, h, `ARIMA(1,1,1) ${form}`);
      expect(c.parts.filter((p) => p.kind === 'lag').length).toBe(24);
      expect(c.parts.at(-1)!.name).toBe('y[t-25 and earlier]');
      expect(c.parts.at(-1)!.kind).toBe('remainder');
      expect(c.parts[0].name).toBe('drift');
    }
    // Under d = 1 the observation weights sum to 1 (the level carries over), and the drift part is
    // δ (n + h − Σ_j w_j t_j) with t_j = n + 1 − j the time index of y[t-j].
    const n = www.length;
    const all = forecastContributions(fit, h, { lags: n });
    expect(all.parts.some((p) => p.kind === 'remainder')).toBe(false);
    const lagList = all.parts.filter((p) => p.kind === 'lag');
    expect(lagList.length).toBe(n);
    const wsum = sumContributions(lagList.map((p) => ({ ...p, values: p.weight! })));
    wsum.forEach((v) => expect(v).toBeCloseTo(1, 8));
    const delta = fit.params.beta[0];
    part(all, 'drift').values.forEach((v, s) => {
      const wt = lagList.reduce((acc, p) => acc + p.weight![s] * (n + 1 - p.lag!), 0);
      expect(v).toBeCloseTo(delta * (n + s + 1 - wt), 8);
    });
    checkUnivariate(all, fc, h, 'ARIMA(1,1,1) all lags');
  });

  it('the MA weights agree with perturbing one observation of the model', () => {
    const fit = fitARIMA(www, { order: [1, 1, 1], trend: 't' });
    const h = 5, n = www.length, base = fit.forecast(h).mean();
    const c = forecastContributions(fit, h);
    for (const j of [1, 2, 7, 24]) {
      const json = fit.toJSON();
      json.y[n - j] = (json.y[n - j] as number) + 1;
      const moved = FittedARIMA.fromJSON(json).forecast(h).mean();
      const w = part(c, `y[t-${j}]`).weight!;
      moved.forEach((v, s) => expect(Math.abs(v - base[s] - w[s]), `j=${j} h=${s + 1}`).toBeLessThan(1e-9));
    }
  });

  it('airline model SARIMA(0,1,1)(0,1,1)12 on log AirPassengers', () => {
    const fit = fitARIMA(air, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } });
    const h = 24, fc = fit.forecast(h).mean();
    const c = forecastContributions(fit, h, { lags: 30 });
    expect(c.parts.filter((p) => p.kind === 'regression')).toEqual([]);
    checkUnivariate(c, fc, h, 'airline');
    expect(c.parts.at(-1)!.name).toBe('y[t-31 and earlier]');
  });

  it('seasonal AR with differencing: the finite span p + Ps + d + Ds', () => {
    const fit = fitARIMA(air, { order: [1, 1, 0], seasonal: { order: [1, 1, 0], period: 12 } });
    const h = 13, fc = fit.forecast(h).mean();
    const c = forecastContributions(fit, h);
    expect(c.parts.length).toBe(1 + 12 + 1 + 12);
    expect(c.parts.some((p) => p.kind === 'remainder')).toBe(false);
    checkUnivariate(c, fc, h, 'SARIMA(1,1,0)(1,1,0)');
    // h = 1 by hand: (1 − φL)(1 − ΦL^12)(1 − L)(1 − L^12) puts weight 1 + φ on y_n.
    const phi = fit.params.ar[0];
    expect(part(c, 'y[t-1]').weight![0]).toBeCloseTo(1 + phi, 12);
  });

  it('regression with ARMA errors and an exogenous regressor (Seatbelts: law)', () => {
    const fit = fitARIMA(drivers, { order: [1, 0, 1], exog: { law } });
    const h = 6;
    const future = { law: new Float64Array(h).fill(1) };
    const fc = fit.forecast(h, { exog: future }).mean();
    const lv = forecastContributions(fit, h, { exog: future });
    const dv = forecastContributions(fit, h, { exog: future, form: 'deviation' });
    checkUnivariate(lv, fc, h, 'law level');
    checkUnivariate(dv, fc, h, 'law deviation');
    expect(lv.parts.slice(0, 2).map((p) => p.name)).toEqual(['const', 'law']);
    const beta = fit.params.beta;
    expect(part(dv, 'law').values).toEqual(new Array(h).fill(beta[1]));
    expect(part(dv, 'const').values).toEqual(new Array(h).fill(beta[0]));
    // Deviation-form lag inputs are y − x'β.
    const n = drivers.length;
    expect(part(dv, 'y[t-1]').input).toBeCloseTo(drivers[n - 1] - beta[0] - beta[1] * law[n - 1], 12);
    expect(() => forecastContributions(fit, h)).toThrow(ArgumentError);
  });

  it('ARIMA with missing values in the span falls back to the Kalman weights', () => {
    const y = Float64Array.from(lake);
    y[y.length - 2] = NaN;
    y[10] = NaN;
    const fit = fitARIMA(y, { order: [2, 0, 0] });
    const c = forecastContributions(fit, 8);
    checkUnivariate(c, fit.forecast(8).mean(), 8, 'gappy ARIMA');
    expect(part(c, 'y[t-2]').values).toEqual(new Array(8).fill(0));
    expect(c.parts.some((p) => p.kind === 'remainder')).toBe(true);
  });
});

describe('VAR', () => {
  const dlog = (x: Float64Array) => Float64Array.from({ length: x.length - 1 }, (_, t) => 400 * (Math.log(x[t + 1]) - Math.log(x[t])));
  const data = { realgdp: dlog(macro('realgdp')), realcons: dlog(macro('realcons')), realinv: dlog(macro('realinv')) };

  function checkVAR(c: VARForecastContributions, mean: Record<string, ArrayLike<number>>, h: number, label: string): void {
    expect(c.horizons).toBe(h);
    for (const v of c.variables) {
      expect(c.total[v]).toEqual(Array.from(mean[v]));
      expectSums(c.byLag[v], mean[v], 1e-10, `${label} byLag ${v}`);
      expectSums(c.byVariable[v], mean[v], 1e-10, `${label} byVariable ${v}`);
      // A variable's part is the sum of its lag parts.
      for (const src of c.variables) {
        const lagsOf = c.byLag[v].filter((p) => p.kind === 'lag' && p.source === src);
        const whole = c.byVariable[v].find((p) => p.kind === 'variable' && p.source === src)!;
        expect(whole.values).toEqual(sumContributions(lagsOf));
      }
    }
  }

  for (const trend of ['n', 'c', 'ct'] as VARTrend[]) {
    it(`VAR(2), trend ${trend}: by lag and by variable, sums and names`, () => {
      const fit = fitVAR(data, { lags: 2, trend });
      const h = 12;
      const fc = fit.forecast(h);
      const mean = Object.fromEntries(fit.names.map((v, i) => [v, fc.mean().map((r) => r[i])]));
      const c = forecastContributions(fit, h);
      checkVAR(c, mean, h, `VAR ${trend}`);
      const det = trend === 'n' ? [] : trend === 'c' ? ['const'] : ['const', 'trend'];
      expect(c.byVariable.realgdp.map((p) => p.name)).toEqual([...det, 'realgdp (lags 1-2)', 'realcons (lags 1-2)', 'realinv (lags 1-2)']);
      expect(c.byLag.realinv.map((p) => p.name)).toEqual([
        ...det, 'realgdp[t-1]', 'realgdp[t-2]', 'realcons[t-1]', 'realcons[t-2]', 'realinv[t-1]', 'realinv[t-2]',
      ]);
    });
  }

  it('VAR(2) by hand: h = 1 parts are A_l[i][j]·y_{j,n+1−l}; h = 2 weights are A_1² + A_2 and A_1 A_2', () => {
    const fit = fitVAR(data, { lags: 2 });
    const c = forecastContributions(fit, 2);
    const [A1, A2] = fit.coefs, n = fit.nTotal, names = fit.names;
    const y = (v: string, back: number) => data[v as keyof typeof data][n - back];
    names.forEach((target, i) => {
      names.forEach((src, j) => {
        const l1 = c.byLag[target].find((p) => p.name === `${src}[t-1]`)!;
        const l2 = c.byLag[target].find((p) => p.name === `${src}[t-2]`)!;
        expect(l1.values[0]).toBeCloseTo(A1[i][j] * y(src, 1), 12);
        expect(l2.values[0]).toBeCloseTo(A2[i][j] * y(src, 2), 12);
        let w1 = A2[i][j], w2 = 0;
        for (let r = 0; r < 3; r++) { w1 += A1[i][r] * A1[r][j]; w2 += A1[i][r] * A2[r][j]; }
        expect(l1.weight![1]).toBeCloseTo(w1, 12);
        expect(l2.weight![1]).toBeCloseTo(w2, 12);
      });
      // const at h = 2: ν + A_1 ν.
      const nu = fit.intercept;
      const expected = nu[i] + A1[i].reduce((acc, a, r) => acc + a * nu[r], 0);
      expect(c.byLag[target][0].values[1]).toBeCloseTo(expected, 12);
    });
  });

  it('VAR(1) and a VAR restored from JSON give the same breakdown', () => {
    const fit = fitVAR(data, { lags: 1, trend: 'ct' });
    const c = forecastContributions(fit, 4);
    expect(c.byVariable.realcons.map((p) => p.name)).toEqual(['const', 'trend', 'realgdp (lag 1)', 'realcons (lag 1)', 'realinv (lag 1)']);
    const again = forecastContributions(varFromJSON(JSON.parse(JSON.stringify(fit.toJSON())) as VARJSON), 4);
    expect(again).toEqual(c);
  });

  it('sparse VAR (LASSO and group LASSO): sums, and zero coefficients give zero one-step parts', () => {
    const raw = { realgdp: macro('realgdp'), realcons: macro('realcons'), realinv: macro('realinv'), unemp: macro('unemp') };
    const transform: Record<string, VarTransform> = { realgdp: 'dlog100', realcons: 'dlog100', realinv: 'dlog100', unemp: 'diff' };
    for (const penalty of ['lasso', 'group'] as const) {
      const fit = fitLassoVAR(raw, { lags: 3, transform, penalty, select: 'bic' });
      const h = 8;
      const c = forecastContributions(fit, h);
      const m = fit.forecast(h).mean();
      checkVAR(c, Object.fromEntries(fit.names.map((v, i) => [v, m.map((r) => r[i])])), h, penalty);
      expect(c.variables).toEqual(fit.names);
      const A = fit.coefMatrices();
      let zeros = 0;
      fit.variables.forEach((target, i) => {
        expect(c.byLag[target][0].name).toBe('const');
        expect(c.byLag[target][0].values[0]).toBe(fit.intercepts[i]);
        fit.variables.forEach((src, j) => {
          for (let l = 1; l <= 3; l++) {
            const p = c.byLag[target].find((q) => q.name === `${src}[t-${l}]`)!;
            expect(p.values[0]).toBeCloseTo(A[l - 1][i][j] * fit.lastObservations[3 - l][j], 12);
            if (A[l - 1][i][j] === 0) { zeros++; expect(Math.abs(p.values[0])).toBe(0); }
          }
        });
      });
      expect(zeros).toBeGreaterThan(0);
    }
  });
});

describe('misuse', () => {
  it('rejects bad horizons, options and models', () => {
    const fit = fitAR(lake, { order: 1 });
    expect(() => forecastContributions(fit, 0)).toThrow(ArgumentError);
    expect(() => forecastContributions(fit, 1.5)).toThrow(ArgumentError);
    expect(() => forecastContributions(fit, 3, { lags: -1 })).toThrow(ArgumentError);
    expect(() => forecastContributions(fit, 3, { form: 'centred' as unknown as 'level' })).toThrow(ArgumentError);
    expect(() => forecastContributions(fit, 3, { exog: { x: [1, 2, 3] } })).toThrow(ArgumentError);
    const v = fitVAR({ a: lake, b: lynx.subarray(0, lake.length) }, { lags: 1 });
    const asUnivariate = forecastContributions as (m: unknown, h: number, o?: unknown) => unknown;
    expect(() => asUnivariate(v, 3, { form: 'deviation' })).toThrow(ArgumentError);
    expect(() => asUnivariate({ kind: 'stl' }, 3)).toThrow(/kind 'stl'/);
    expect(() => asUnivariate(null, 3)).toThrow(ArgumentError);
    const exog = fitARIMA(drivers, { order: [1, 0, 0], exog: { law } });
    expect(() => forecastContributions(exog, 3, { exog: { law: [1, 1] } })).toThrow(DataError);
  });

  it('deviation form needs a finite mean', () => {
    const fit = fitAR(lake, { order: 1 });
    const json = fit.toJSON();
    const unit = FittedAR.fromJSON({ ...json, ar: [1], intercept: 0.1, mean: Infinity });
    expect(() => forecastContributions(unit, 3, { form: 'deviation' })).toThrow(/unit root/);
    const c = forecastContributions(unit, 3);
    expectSums(c.parts, unit.forecast(3).mean());
    expect(part(c, 'const').values).toEqual([expect.closeTo(0.1, 14), expect.closeTo(0.2, 14), expect.closeTo(0.3, 14)]);
  });
});
