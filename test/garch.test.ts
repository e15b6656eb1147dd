// GARCH against R fGarch 4022.89 (garchFit with its defaults) and tseries::garch: the fixtures of
// test/fixtures/garch (written by generate.R), the innovation laws, sampling against the analytic
// forecasts, JSON, typed errors and the pinned CLI JSON.
//
// Tolerances per quantity (the largest relative differences measured on the 9 fGarch cases are
// in brackets; they come from where nlminb and ardiff's projected Newton stop, and ardiff's
// log-likelihood is never below R's):
//   coefficients      1e-4 relative, or 1e-3 of the standard error  [3e-5; ma1 of the simulated
//                     ARMA(1,1) 2e-4 relative = 7e-5 se, where ardiff's optimum is 8e-10 higher]
//   standard errors   1e-3 relative                                  [3.2e-5]
//   log-likelihood    1e-9 relative, and not below R's by more       [1.3e-12]
//   ics (AIC … HQIC)  1e-9 relative                                  [1.3e-12]
//   predict: meanForecast 1e-4 relative or 1e-5 absolute [1.8e-5]; meanError and
//   standardDeviation 1e-5 relative [2.1e-6]
//   sigma.t           1e-5 relative entrywise, sum and sum of squares 3e-6  [8e-7, 1.3e-6]
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitGARCH, FittedGARCH, garchEntry, type GARCHJSON } from '../src/classical/garch.js';
import {
  garchLayout, garchNegLogLik, garchNegLogLikGrad, innovationLaw, type GarchSpec,
} from '../src/classical/estimators/garch-likelihood.js';
import { fromJSON, findModel } from '../src/registry.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { GaussianForecast } from '../src/core/forecast.js';
import { StandardizedForecast } from '../src/classical/garch.js';
import { ROOT } from './fixtures.js';
import { runCli, runCliJson } from './cli-helpers.js';

const DIR = `${ROOT}test/fixtures/garch/`;
// Fixtures are JSON documents read by field name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fixture = any;
const ALL: Fixture[] = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(DIR + f, 'utf8')));
const FGARCH = ALL.filter((f) => f.kind === 'fgarch');
const TSERIES = ALL.filter((f) => f.kind === 'tseries');
const LAWS = ALL.find((f) => f.kind === 'laws');

/** Percent log returns 100·diff(log x) of a column of the bundled EuStockMarkets CSV (minus the mean when asked). */
function euReturns(column: string, demean = false): number[] {
  const lines = readFileSync(`${ROOT}data/r_EuStockMarkets.csv`, 'utf8').trim().split('\n');
  const j = lines[0].split(',').map((s) => s.replace(/"/g, '')).indexOf(column);
  const v = lines.slice(1).map((l) => Number(l.split(',')[j]));
  const r = v.slice(1).map((u, i) => 100 * (Math.log(u) - Math.log(v[i])));
  if (!demean) return r;
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  return r.map((u) => u - m);
}

function seriesOf(fx: Fixture): number[] {
  return fx.x ?? euReturns(fx.data.column, String(fx.data.transform).includes('minus'));
}

function relErr(a: number, e: number): number {
  return Math.abs(a - e) / Math.abs(e);
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], rel: number, abs: number, label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= Math.max(rel * Math.abs(expected[i]), abs);
    expect(ok, `${label}[${i}]: ${actual[i]} vs R ${expected[i]}`).toBe(true);
  }
}

it('has every fixture case (a loop over zero cases would be a defect)', () => {
  expect(FGARCH.map((f) => f.id)).toEqual([
    'dax_demeaned_garch11_nomean', 'dax_garch11_norm', 'dax_garch11_std', 'dax_garch21_norm', 'ftse_ar1_garch11_norm',
    'ftse_garch21_boundary', 'sim_arma11_garch11_std', 'smi_garch11_sstd', 'smi_garch12_norm',
  ]);
  expect(TSERIES.length).toBe(1);
  expect(LAWS.laws.length).toBe(5);
  for (const fx of ALL) expect(fx.provenance).toMatch(/fGarch 4022\.89; tseries 0\.10\.53/);
});

describe.each(FGARCH.map((fx) => [fx.id, fx] as const))('fGarch fixture %s', (_id, fx) => {
  const x = seriesOf(fx);
  let fit: FittedGARCH;
  beforeAll(() => {
    fit = fitGARCH(x, { order: fx.model.order, meanOrder: fx.model.meanOrder, dist: fx.model['cond.dist'], includeMean: fx.model['include.mean'] });
  });

  it('reads the same returns as R', () => {
    expect(x.length).toBe(fx.x_n);
    expectClose(x.slice(0, 5), fx.x_head, 1e-13, 1e-14, 'x');
    expect(Math.abs(x.reduce((a, b) => a + b, 0) - fx.x_sum)).toBeLessThan(1e-11 * x.reduce((a, b) => a + Math.abs(b), 0));
  });

  it('estimates fGarch\'s coefficients, standard errors, log-likelihood and criteria', () => {
    expect(fit.paramNames).toEqual(fx.coef.names);
    const se: number[] = fx.coef.se.map((v: number | null) => v ?? NaN);
    fx.coef.values.forEach((b: number, i: number) => {
      const tol = Math.max(1e-4 * Math.abs(b), Number.isFinite(se[i]) ? 1e-3 * se[i] : 0);
      expect(Math.abs(fit.params[i] - b), `${fx.coef.names[i]}: ${fit.params[i]} vs R ${b}`).toBeLessThanOrEqual(tol);
    });
    expectClose(fit.bse, se, 1e-3, 0, 'se');
    expect(relErr(fit.llf, fx.logLik)).toBeLessThan(1e-9);
    expect(fit.llf).toBeGreaterThanOrEqual(fx.logLik - 1e-9 * Math.abs(fx.logLik));
    expect(fit.llf).toBeCloseTo(-fx.llh, 6); // fit@fit$llh is the negative log-likelihood
    expectClose([fit.ics.AIC, fit.ics.BIC, fit.ics.SIC, fit.ics.HQIC], [fx.ics.AIC, fx.ics.BIC, fx.ics.SIC, fx.ics.HQIC], 1e-9, 0, 'ics');
    expect(fit.aic).toBe(fit.ics.AIC);
    expect(fit.nobs).toBe(fx.nobs);
  });

  it('forecasts as fGarch\'s predict(n.ahead = 10)', () => {
    const pr = fit.predict(10);
    expectClose(pr.meanForecast, fx.predict.meanForecast, 1e-4, 1e-5, 'meanForecast');
    expectClose(pr.meanError, fx.predict.meanError, 1e-5, 0, 'meanError');
    expectClose(pr.standardDeviation, fx.predict.standardDeviation, 1e-5, 0, 'standardDeviation');
    expectClose(fit.varianceForecast(10), fx.predict.standardDeviation.map((s: number) => s * s), 2e-5, 0, 'variance');
  });

  it('has fGarch\'s conditional sd series and residuals', () => {
    const s = fit.conditionalVolatility, n = s.length;
    expectClose(s.slice(0, 10), fx.sigma.head, 1e-5, 0, 'sigma head');
    expectClose(s.slice(n - 10), fx.sigma.tail, 1e-5, 0, 'sigma tail');
    expectClose(Array.from(s).filter((_, i) => i % 100 === 0), fx.sigma.every100, 1e-5, 0, 'sigma every 100');
    expect(relErr(s.reduce((a, b) => a + b, 0), fx.sigma.sum)).toBeLessThan(3e-6);
    expect(relErr(s.reduce((a, b) => a + b * b, 0), fx.sigma.sumsq)).toBeLessThan(3e-6);
    expectClose(fit.resid.slice(0, 10), fx.residuals_head, 0, 1e-5, 'residuals');
  });

  it('evaluates fGarch\'s LLH at R\'s coefficients to 1e-12', () => {
    const spec: GarchSpec = { u: fx.model.meanOrder[0], v: fx.model.meanOrder[1], p: fx.model.order[0], q: fx.model.order[1], includeMean: fx.model['include.mean'], dist: fx.model['cond.dist'] };
    expect(relErr(garchNegLogLik(x, fx.coef.values, spec, garchLayout(spec)), fx.llh)).toBeLessThan(1e-12);
  });
});

describe('the boundary fixture', () => {
  it('lands on fGarch\'s lower bound and says so', () => {
    const fx = FGARCH.find((f) => f.id === 'ftse_garch21_boundary');
    const fit = fitGARCH(seriesOf(fx), { order: [2, 1] });
    expect(fit.params[3]).toBe(1e-8);
    expect(fit.warnings.join(' ')).toMatch(/alpha2 .* lower bound/);
    expect(fit.summary()).toMatch(/Warning: alpha2/);
  });
});

describe('tseries::garch', () => {
  const tx = TSERIES[0];
  const x = euReturns('DAX', true);
  const nomean = FGARCH.find((f) => f.id === 'dax_demeaned_garch11_nomean');

  it('shares its data with the fGarch fit without a mean', () => {
    expectClose(x.slice(0, 5), tx.x_head, 1e-12, 1e-13, 'x');
    expect(nomean.coef.names).toEqual(['omega', 'alpha1', 'beta1']);
  });

  it('reproduces tseries\' likelihood convention at its coefficients', () => {
    // h_1 = mean(x²); n.likeli = ½ Σ_{t≥2} (log h_t + x_t²/h_t); logLik = −n.likeli − (n−1)/2 log 2π.
    const [a0, a1, b1] = tx.coef.values;
    let h = x.reduce((s, v) => s + v * v, 0) / x.length, nl = 0;
    for (let t = 1; t < x.length; t++) {
      h = a0 + a1 * x[t - 1] ** 2 + b1 * h;
      nl += 0.5 * (Math.log(h) + (x[t] * x[t]) / h);
    }
    expect(relErr(nl, tx['n.likeli'])).toBeLessThan(1e-9);
    expect(relErr(-nl - 0.5 * (x.length - 1) * Math.log(2 * Math.PI), tx.logLik)).toBeLessThan(1e-9);
  });

  it('is close to ardiff (fGarch conventions) on the same demeaned returns; the conventions differ as documented', () => {
    const fit = fitGARCH(x, { includeMean: false });
    // Measured: coefficients within 0.17% of tseries'. tseries conditions on the first
    // observation and starts h at mean(x²); fGarch's "mci" starts at ω + (α + β)·mean(z²) and sums
    // over every t, so its log-likelihood is lower by about the first observation's term
    // (−2594.797 against −2593.379, 5.5e-4 relative).
    expectClose(fit.params, tx.coef.values, 5e-3, 0, 'coef vs tseries');
    expect(relErr(fit.llf, tx.logLik)).toBeLessThan(1e-3);
    expect(fit.llf).toBeLessThan(tx.logLik);
    // Standard errors: tseries inverts the outer product of the gradients, fGarch the Hessian —
    // different estimators of the same covariance (tseries' are 25–40% smaller here).
    fit.bse.forEach((se, i) => {
      expect(se / tx.coef.se[i]).toBeGreaterThan(1);
      expect(se / tx.coef.se[i]).toBeLessThan(2);
    });
    expectClose(fit.params, nomean.coef.values, 1e-4, 0, 'coef vs fGarch');
  });
});

describe('innovation laws', () => {
  it('match fGarch\'s dnorm/dstd/dsstd and qnorm/qstd/qsstd', () => {
    for (const law of LAWS.laws) {
      const l = innovationLaw(law.dist, law.skew, law.shape ?? 4);
      expectClose(LAWS.e.map((e: number) => Math.exp(l.logDensity(e))), law.density, 1e-12, 0, `${law.dist} density`);
      expectClose(LAWS.p.map((p: number) => l.quantile(p)), law.quantile, 1e-9, 1e-12, `${law.dist} quantile`);
    }
  });

  it('draw with mean 0, variance 1 and the law\'s quantiles', () => {
    for (const [dist, skew, shape] of [['norm', 1, 4], ['std', 1, 7], ['sstd', 0.8, 7]] as const) {
      const l = innovationLaw(dist, skew, shape), rng = createRng(11), N = 200_000;
      const d = Float64Array.from({ length: N }, () => l.draw(rng));
      const m = d.reduce((a, b) => a + b, 0) / N;
      const v = d.reduce((a, b) => a + (b - m) ** 2, 0) / (N - 1);
      expect(Math.abs(m), dist).toBeLessThan(0.01);
      expect(Math.abs(v - 1), dist).toBeLessThan(0.03);
      const sorted = d.slice().sort();
      for (const p of [0.05, 0.5, 0.95]) expect(Math.abs(sorted[Math.floor(p * N)] - l.quantile(p)), `${dist} q${p}`).toBeLessThan(0.02);
    }
  });
});

describe('gradient', () => {
  it('the analytic gradient of LLH equals central differences away from the optimum', () => {
    const x = euReturns('SMI').slice(0, 600);
    const cases: [GarchSpec, number[]][] = [
      [{ u: 0, v: 0, p: 1, q: 1, includeMean: true, dist: 'norm' }, [0.05, 0.1, 0.12, 0.8]],
      [{ u: 1, v: 1, p: 2, q: 1, includeMean: true, dist: 'std' }, [0.05, 0.2, -0.1, 0.1, 0.05, 0.07, 0.8, 5.5]],
      [{ u: 2, v: 0, p: 1, q: 2, includeMean: false, dist: 'sstd' }, [0.05, -0.03, 0.1, 0.1, 0.5, 0.3, 0.9, 6]],
    ];
    for (const [spec, th] of cases) {
      const L = garchLayout(spec);
      const { f, g } = garchNegLogLikGrad(x, th, spec, L);
      expect(relErr(f, garchNegLogLik(x, th, spec, L))).toBeLessThan(1e-13);
      th.forEach((v, i) => {
        const hstep = 1e-6 * Math.max(Math.abs(v), 1e-2);
        const a = th.slice(), b = th.slice();
        a[i] += hstep; b[i] -= hstep;
        const num = (garchNegLogLik(x, a, spec, L) - garchNegLogLik(x, b, spec, L)) / (2 * hstep);
        expect(Math.abs(g[i] - num), `${L.names[i]}: ${g[i]} vs ${num}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(num)));
      });
    }
  });
});

describe('forecasts and sampling', () => {
  const x = euReturns('DAX');
  const fitStd = fitGARCH(x, { dist: 'std' });
  const fitAr = fitGARCH(euReturns('FTSE'), { meanOrder: [1, 0] });

  it('Gaussian innovations give a GaussianForecast, t innovations a StandardizedForecast with t quantiles', () => {
    const fc = fitAr.forecast(5);
    expect(fc).toBeInstanceOf(GaussianForecast);
    expect(Array.from((fc as GaussianForecast).se)).toEqual(Array.from(fitAr.predict(5).meanError));
    const ft = fitStd.forecast(5);
    expect(ft).toBeInstanceOf(StandardizedForecast);
    const pr = fitStd.predict(5), law = fitStd.innovationLaw();
    // h = 1: the exact predictive law mean + σ_{n+1} η.
    expect(ft.quantile(0.975)[0]).toBeCloseTo(pr.meanForecast[0] + pr.standardDeviation[0] * law.quantile(0.975), 12);
    expect(ft.toJSON([95]).se).toEqual(Array.from(pr.meanError));
  });

  it('a long seeded simulation has the analytic mean and variance forecasts', () => {
    for (const fit of [fitStd, fitAr]) {
      const H = 20, paths = fit.sample(H, { paths: 40_000, rng: createRng(5) });
      const pr = fit.predict(H);
      for (const h of [0, 4, 19]) {
        const col = paths.map((p) => p[h]);
        const m = col.reduce((a, b) => a + b, 0) / col.length;
        const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / (col.length - 1);
        expect(Math.abs(m - pr.meanForecast[h])).toBeLessThan((4 * pr.meanError[h]) / Math.sqrt(col.length));
        expect(Math.abs(v / pr.meanError[h] ** 2 - 1), `variance at h=${h + 1}`).toBeLessThan(0.05);
      }
    }
  });

  it('samples deterministically from the seed', () => {
    expect(fitStd.sample(3, { paths: 4, rng: createRng(1) })).toEqual(fitStd.sample(3, { paths: 4, rng: createRng(1) }));
    expect(() => fitStd.sample(3, { paths: 0, rng: createRng(1) })).toThrow(ArgumentError);
    expect(() => fitStd.sample(3, {} as never)).toThrow(ArgumentError);
  });

  it('variance forecasts revert to the unconditional variance', () => {
    const v = fitAr.varianceForecast(3000);
    expect(relErr(v[2999], fitAr.unconditionalVariance)).toBeLessThan(1e-6);
  });
});

describe('JSON', () => {
  const fit = fitGARCH(euReturns('SMI'), { dist: 'sstd' });

  it('round-trips through the root fromJSON with identical forecasts, samples and summary', () => {
    const json = JSON.parse(JSON.stringify(fit.toJSON())) as GARCHJSON;
    expect(json.version).toBe(1);
    const back = fromJSON(json) as FittedGARCH;
    expect(back).toBeInstanceOf(FittedGARCH);
    expect(back.params).toEqual(fit.params);
    expect(back.bse).toEqual(fit.bse);
    expect(back.forecast(7).toJSON()).toEqual(fit.forecast(7).toJSON());
    expect(back.sample(4, { paths: 3, rng: createRng(2) })).toEqual(fit.sample(4, { paths: 3, rng: createRng(2) }));
    expect(back.summary()).toBe(fit.summary());
  });

  it('rejects a JSON with a wrong version, NaN or a wrong parameter list', () => {
    const json = fit.toJSON();
    expect(() => FittedGARCH.fromJSON({ ...json, version: 2 as 1 })).toThrow(/version/);
    expect(() => FittedGARCH.fromJSON({ ...json, y: [...json.y.slice(0, 5), NaN as number, ...json.y.slice(6)] })).toThrow(ArgumentError);
    expect(() => FittedGARCH.fromJSON({ ...json, params: { ...json.params, values: json.params.values.map((v, i) => (i === 1 ? Infinity : v)) } })).toThrow(/finite/);
    expect(() => FittedGARCH.fromJSON({ ...json, params: { ...json.params, names: ['mu', 'omega'] } })).toThrow(/names/);
    expect(() => FittedGARCH.fromJSON({ ...json, dist: 'ged' as 'norm' })).toThrow(/dist/);
    try {
      FittedGARCH.fromJSON({ ...json, llf: NaN });
    } catch (e) {
      expect((e as ArgumentError).argument).toBe('json');
    }
  });

  it('apply keeps the estimates and moves the forecast origin', () => {
    const y = euReturns('SMI');
    const shorter = fit.apply(y.slice(0, 1500));
    expect(shorter.params).toEqual(fit.params);
    expect(shorter.varianceForecast(3)).not.toEqual(fit.varianceForecast(3));
    expect(fit.apply(y).forecast(5).toJSON()).toEqual(fit.forecast(5).toJSON());
  });
});

describe('bad input', () => {
  const catchError = (fn: () => unknown): Error & { argument?: string } => {
    try {
      fn();
    } catch (e) {
      return e as Error & { argument?: string };
    }
    throw new Error('expected an error');
  };

  it('a series too short for the order is a DataError naming y', () => {
    const e = catchError(() => fitGARCH(euReturns('DAX').slice(0, 12), { order: [1, 1] }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('y');
    expect(e.message).toMatch(/too short .* at least .* = 13 observations; got 12/);
  });

  it('constant returns and NaN are DataErrors naming y', () => {
    const c = catchError(() => fitGARCH(new Array(300).fill(0.1)));
    expect(c).toBeInstanceOf(DataError);
    expect(c.message).toMatch(/constant/);
    const r = euReturns('DAX');
    r[17] = NaN;
    const n = catchError(() => fitGARCH(r));
    expect(n).toBeInstanceOf(DataError);
    expect(n.argument).toBe('y');
    expect(n.message).toMatch(/row 18/);
  });

  it('impossible options are ArgumentErrors naming the option', () => {
    const y = euReturns('DAX');
    expect(catchError(() => fitGARCH(y, { order: [0, 1] })).argument).toBe('order');
    expect(catchError(() => fitGARCH(y, { order: [1] as unknown as [number, number] })).argument).toBe('order');
    expect(catchError(() => fitGARCH(y, { meanOrder: [-1, 0] })).argument).toBe('meanOrder');
    expect(catchError(() => fitGARCH(y, { dist: 'ged' as 'norm' })).argument).toBe('dist');
  });

  it('estimates at the stationarity boundary come with a warning in the fit and the summary', () => {
    // An integrated GARCH path (alpha + beta = 1.02): the estimates end at or beyond 1.
    const rng = createRng(3), n = 3000, y: number[] = [];
    let h = 1, e = 0;
    for (let t = 0; t < n; t++) {
      h = 0.01 + 0.12 * e * e + 0.9 * h;
      e = Math.sqrt(h) * rng.normal();
      y.push(e);
    }
    const fit = fitGARCH(y);
    expect(fit.persistence).toBeGreaterThanOrEqual(1);
    expect(fit.warnings.some((w) => /stationarity boundary: alpha1 \+ beta1 = /.test(w))).toBe(true);
    expect(fit.summary()).toMatch(/Warning: the estimates are on or beyond the stationarity boundary/);
    expect(fit.unconditionalVariance).toBe(Infinity);
  });
});

describe('CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ardiff-garch-'));
  const csv = join(tmp, 'returns.csv');
  const dax = euReturns('DAX'), ftse = euReturns('FTSE');
  writeFileSync(csv, ['r,f', ...dax.map((v, i) => `${v},${ftse[i]}`)].join('\n'));

  it('prints the pinned JSON: model, params {names, values, stdErrors}, logLik, aic, bic, forecast {mean, variance}', async () => {
    const fx = FGARCH.find((f) => f.id === 'dax_garch11_std');
    const { code, json } = await runCliJson(['fit', '--model', 'garch', '--data', csv, '--column', 'r', '--order', '1,1', '--dist', 'std', '--horizon', '10']);
    expect(code).toBe(0);
    expect(json.model).toBe('garch');
    const params = json.params as { names: string[]; values: number[]; stdErrors: number[] };
    expect(params.names).toEqual(fx.coef.names);
    expectClose(params.values, fx.coef.values, 1e-4, 0, 'values');
    expectClose(params.stdErrors, fx.coef.se, 1e-3, 0, 'stdErrors');
    expect(relErr(json.logLik as number, fx.logLik)).toBeLessThan(1e-9);
    expect(relErr(json.aic as number, fx.ics.AIC)).toBeLessThan(1e-9);
    expect(relErr(json.bic as number, fx.ics.BIC)).toBeLessThan(1e-9);
    const fc = json.forecast as { mean: number[]; variance: number[]; se: number[] };
    expectClose(fc.mean, fx.predict.meanForecast, 1e-4, 1e-5, 'forecast.mean');
    expectClose(fc.variance, fx.predict.standardDeviation.map((s: number) => s * s), 2e-5, 0, 'forecast.variance');
    expectClose(fc.se, fx.predict.meanError, 1e-5, 0, 'forecast.se');
  });

  it('--mean-order adds the ARMA mean; the default horizon is 10', async () => {
    const fx = FGARCH.find((f) => f.id === 'ftse_ar1_garch11_norm');
    const { code, json } = await runCliJson(['fit', '--model', 'garch', '--data', csv, '--column', 'f', '--order', '1,1', '--dist', 'norm', '--mean-order', '1,0']);
    expect(code).toBe(0);
    expect((json.params as { names: string[] }).names).toEqual(['mu', 'ar1', 'omega', 'alpha1', 'beta1']);
    expectClose((json.params as { values: number[] }).values, fx.coef.values, 1e-4, 0, 'values');
    expect((json.forecast as { variance: number[] }).variance.length).toBe(10);
  });

  it('--order keeps its meaning for ar and arima; malformed orders name the flag', async () => {
    const arima = await runCliJson(['fit', '--model', 'arima', '--data', 'nile', '--order', '0,1,1']);
    expect(arima.code).toBe(0);
    const ar = await runCliJson(['fit', '--model', 'ar', '--data', 'lynx', '--order', '2']);
    expect(ar.code).toBe(0);
    const bad = await runCli(['fit', '--model', 'garch', '--data', csv, '--column', 'r', '--order', '1,1,1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--order needs 2 comma-separated/);
    const zero = await runCli(['fit', '--model', 'garch', '--data', csv, '--column', 'r', '--order', '0,1']);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toMatch(/--order/);
  });

  it('prints the summary, and warnings on stderr', async () => {
    const text = await runCli(['fit', '--model', 'garch', '--data', csv, '--column', 'f', '--order', '2,1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Error Analysis/);
    expect(text.stderr).toMatch(/warning: alpha2 = .* lower bound/);
  });

  it('is registered with a variance hook', () => {
    expect(findModel('garch')).toBe(garchEntry);
  });
});
