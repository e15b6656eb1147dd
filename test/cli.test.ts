// The CLI contract: `ardiff fit ... --json` reproduces the reference fixtures end to end.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliJson } from './cli-helpers.js';
import { fixturesOfKind, expectAbs, expectRel, ROOT, type Fixture } from './fixtures.js';

type J = Fixture;
const tmp = mkdtempSync(join(tmpdir(), 'ardiff-cli-'));

describe('ardiff fit --model arima --json against arima_mle fixtures', () => {
  for (const fx of fixturesOfKind('arima_mle')) {
    it(fx.id, async () => {
      const [p, d, q] = fx.model.order;
      const [P, D, Q, s] = fx.model.seasonal_order;
      const args = ['fit', '--data', ROOT + fx.dataset.file, '--column', fx.dataset.column, '--model', 'arima', '--order', `${p},${d},${q}`, '--trend', fx.model.trend, '--horizon', String(fx.forecast.h)];
      if (fx.dataset.transform !== 'none') args.push('--transform', fx.dataset.transform);
      if (s) args.push('--seasonal', `${P},${D},${Q},${s}`);
      if (fx.model.exog) {
        const file = join(tmp, `${fx.id}-future.csv`);
        writeFileSync(file, [fx.model.exog.join(','), ...fx.forecast.future_regressors.map((r: number[]) => r.join(','))].join('\n'));
        args.push('--exog', fx.model.exog.join(','), '--exog-future', file);
      }
      const { code, json } = await runCliJson(args);
      const j = json as J;
      expect(code).toBe(0);
      expect(j.model).toBe('arima');
      expect(j.order).toEqual([p, d, q]);
      expect(j.seasonalOrder).toEqual([P, D, Q, s]);
      expect(j.params.names).toEqual(fx.params.names);
      expectAbs(j.params.values.slice(0, -1), fx.params.values.slice(0, -1), 1e-3, 'params');
      expectRel(j.params.stdErrors, fx.params.bse_approx_hessian, 2e-2, 0, 'stdErrors');
      expectRel(j.sigma2, fx.sigma2, 1e-3, 0, 'sigma2');
      expectAbs(j.logLik, fx.llf, 1e-4, 'logLik');
      expectAbs([j.aic, j.aicc, j.bic], [fx.aic, fx.aicc, fx.bic], 1e-3, 'aic/aicc/bic');
      expect(j.nobs).toBe(fx.nobs_used);
      expect(j.forecast.level).toBe(95);
      expectRel(j.forecast.mean, fx.forecast.mean, 1e-4, 0, 'forecast mean');
      expectRel(j.forecast.se, fx.forecast.se, 1e-3, 0, 'forecast se');
      fx.forecast.mean.forEach((m: number, i: number) => {
        const tol = 1e-4 * Math.abs(m) + 1.959964 * 1e-3 * fx.forecast.se[i];
        expectAbs(j.forecast.lower[i], fx.forecast.lower95[i], tol, 'lower');
        expectAbs(j.forecast.upper[i], fx.forecast.upper95[i], tol, 'upper');
      });
    });
  }
});

describe('ardiff fit --model auto-arima --json against auto_arima fixtures (default search)', () => {
  for (const fx of fixturesOfKind('auto_arima')) {
    for (const s of fx.series as J[]) {
      it(`${s.column} ${s.transform}`, async () => {
        const args = ['fit', '--data', ROOT + s.file, '--column', s.column, '--model', 'auto-arima', '--seasonal-period', String(s.frequency)];
        if (s.transform !== 'none') args.push('--transform', s.transform);
        const { code, json } = await runCliJson(args);
        const j = json as J;
        expect(code).toBe(0);
        expect(j.order).toEqual(s.default.order);
        if (s.default.seasonal[3] > 1) expect(j.seasonalOrder).toEqual(s.default.seasonal);
        else expect(j.seasonalOrder.slice(0, 3)).toEqual([0, 0, 0]);
        expectAbs(j.aicc, s.default.aicc, 1e-2, 'aicc');
      });
    }
  }
});

describe('ardiff fit --model ols / ar --json', () => {
  for (const fx of fixturesOfKind('ols')) {
    it(`ols ${fx.id}`, async () => {
      const { code, json } = await runCliJson(['fit', '--data', ROOT + fx.dataset.file, '--model', 'ols', '--y', fx.dataset.y, '--x', fx.dataset.x.join(',')]);
      const j = json as J;
      expect(code).toBe(0);
      expect(j.params.names).toEqual(fx.params.names);
      expectRel(j.params.values, fx.params.values, 1e-7, 0, 'params');
      expectRel(j.params.stdErrors, fx.params.bse, 1e-7, 0, 'bse');
      expectRel(j.logLik, fx.llf, 1e-9, 0, 'llf');
      expectRel(j.rsquared, fx.rsquared, 1e-9, 0, 'r2');
    });
  }
  for (const fx of fixturesOfKind('autoreg_ols')) {
    it(`ar ${fx.id}`, async () => {
      const args = ['fit', '--data', ROOT + fx.dataset.file, '--column', fx.dataset.column, '--model', 'ar', '--order', String(fx.model.p), '--horizon', String(fx.forecast.h)];
      if (fx.dataset.transform !== 'none') args.push('--transform', fx.dataset.transform);
      const { code, json } = await runCliJson(args);
      const j = json as J;
      expect(code).toBe(0);
      expect(j.params.names).toEqual(fx.params.names);
      expectRel(j.params.values, fx.params.values, 1e-9, 0, 'params');
      expectRel(j.logLik, fx.llf, 1e-9, 0, 'llf');
      expectRel(j.forecast.mean, fx.forecast.mean, 1e-9, 0, 'forecast');
      expectRel(j.forecast.upper, fx.forecast.upper95, 1e-9, 0, 'upper95');
    });
  }
});

describe('ardiff human output and datasets', () => {
  it('prints a summary and a forecast table by default, bundled data by name', async () => {
    const r = await runCli(['fit', '--data', 'nile', '--model', 'arima', '--order', '0,1,1', '--horizon', '3', '--level', '80,95']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SARIMAX Results/);
    expect(r.stdout).toMatch(/lo 80 +hi 80 +lo 95 +hi 95/);
    expect(r.stdout).not.toMatch(/NaN/);
  });
  it('lists the bundled data sets', async () => {
    const r = await runCli(['datasets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^air-passengers +monthly international airline passengers/m);
  });
  it('gives several interval levels as nested arrays', async () => {
    const { json } = await runCliJson(['fit', '--data', 'lynx', '--transform', 'log10', '--model', 'ar', '--order', '2', '--horizon', '4', '--level', '80,95']);
    const j = json as J;
    expect(j.forecast.level).toEqual([80, 95]);
    expect(j.forecast.lower.length).toBe(2);
    expect(j.forecast.lower[0].length).toBe(4);
    expect(j.forecastOriginalScale.median[0]).toBeCloseTo(10 ** j.forecast.mean[0], 9);
  });
});

describe('ardiff fit --model sar|sem --json against the spatial fixtures', () => {
  for (const fx of fixturesOfKind('spatial_sar', 'spatial_sem')) {
    it(fx.id, async () => {
      const model = fx.kind === 'spatial_sar' ? 'sar' : 'sem';
      const { code, json } = await runCliJson(['fit', '--data', ROOT + fx.dataset.file, '--model', model, '--y', fx.dataset.y, '--x', fx.dataset.x.join(','), '--weights', ROOT + fx.dataset.edges]);
      const j = json as J;
      expect(code).toBe(0);
      expect(j.model).toBe(model);
      const coef = model === 'sar' ? j.rho : j.lambda;
      expectAbs(coef.value, model === 'sar' ? fx.rho : fx.lambda, 1e-6, 'rho/lambda');
      expectRel(j.params.values, fx.coef, 1e-6, 0, 'beta');
      expectAbs(j.logLik, fx.loglik, 1e-6, 'loglik');
      expectRel(j.sigma2, fx.sigma2, 1e-6, 0, 'sigma2');
      if (model === 'sar') expectRel(j.impacts.total, fx.impacts.total, 1e-6, 0, 'total impacts');
    });
  }
});

describe('ardiff fit --model bayes-ar | lstar | lasso-var --json', () => {
  for (const fx of fixturesOfKind('bayes_ar_nig')) {
    it(`bayes-ar ${fx.id}`, async () => {
      const prior = join(tmp, `${fx.id}-prior.json`);
      writeFileSync(prior, JSON.stringify({ m0: fx.prior.m0, V0: fx.prior.V0, a0: fx.prior.a0, b0: fx.prior.b0 }));
      const args = ['fit', '--data', ROOT + fx.dataset.file, '--column', fx.dataset.column, '--model', 'bayes-ar', '--order', String(fx.model.p), '--prior-json', prior, '--horizon', '4', '--seed', '3'];
      if (fx.dataset.transform !== 'none') args.push('--transform', fx.dataset.transform);
      const { code, json } = await runCliJson(args);
      const j = json as J;
      expect(code).toBe(0);
      expectRel(j.posterior.mean, fx.posterior.mn, 1e-10, 0, 'posterior mean');
      expectRel(j.posterior.cov.flat(), fx.posterior.Vn.flat(), 1e-10, 0, 'posterior cov (Vn)');
      expectRel([j.posterior.a, j.posterior.b], [fx.posterior.an, fx.posterior.bn], 1e-10, 0, 'a, b');
      const os = fx.predictive.one_step_exact;
      expectRel([j.oneStep.location, j.oneStep.scale, j.oneStep.df], [os.loc, os.scale, os.dof], 1e-10, 0, 'one-step t');
      expect(j.forecast.mean.length).toBe(4);
    });
  }
  for (const fx of fixturesOfKind('nar_lstar')) {
    it(`lstar ${fx.id}`, async () => {
      const args = ['fit', '--data', ROOT + fx.dataset.file, '--column', fx.dataset.column, '--model', 'lstar', '--order', String(fx.model.lags), '--delay', String(fx.model.transition_delay_d), '--horizon', '3'];
      if (fx.dataset.transform !== 'none') args.push('--transform', fx.dataset.transform);
      const { code, json } = await runCliJson(args);
      const j = json as J;
      expect(code).toBe(0);
      expect(j.params.names).toEqual(fx.params.names);
      // The fit must reach the reference SSR (rel 1e-6) — lower is allowed.
      expect(j.ssr).toBeLessThanOrEqual(fx.ssr * (1 + 1e-6));
      expectAbs(j.params.values.slice(0, 6), fx.params.values.slice(0, 6), 1e-3, 'a0..b2');
    });
  }
  it('lasso-var and group-lasso-var: zeros included, λ reported, Granger edges', async () => {
    for (const model of ['lasso-var', 'group-lasso-var']) {
      const { code, json } = await runCliJson(['fit', '--data', 'macrodata', '--model', model, '--columns', 'realgdp,realcons,realinv', '--transform', 'dlog', '--lags', '2', '--lambda', '0.0005']);
      const j = json as J;
      expect(code).toBe(0);
      expect(j.lambda).toBe(0.0005);
      expect(Object.keys(j.params)).toEqual(['realgdp', 'realcons', 'realinv']);
      expect(j.params.realgdp.names).toEqual(['const', 'L1.realgdp', 'L1.realcons', 'L1.realinv', 'L2.realgdp', 'L2.realcons', 'L2.realinv']);
      expect(j.params.realgdp.values.length).toBe(7);
      expect(Array.isArray(j.granger)).toBe(true);
    }
  });
});

describe('ardiff fit --model var --json against the var fixtures', () => {
  for (const fx of fixturesOfKind('var')) {
    it(fx.id, async () => {
      const transform = String(fx.dataset.transform).startsWith('y = diff(log(x))') ? ['--transform', 'dlog'] : [];
      const H = fx.irf.horizons;
      const { code, json } = await runCliJson(['fit', '--data', ROOT + fx.dataset.file, '--model', 'var', '--columns', fx.model.variables.join(','), ...transform,
        '--lags', String(fx.model.p), '--trend', fx.model.trend, '--irf', String(H), '--horizon', String(fx.forecast.h)]);
      const j = json as J;
      expect(code).toBe(0);
      expectRel(j.logLik, fx.llf, 1e-9, 0, 'llf');
      fx.params.equations.forEach((eq: string, e: number) => {
        expect(j.params[eq].names).toEqual(fx.params.row_names);
        expectRel(j.params[eq].values, fx.params.values.map((r: number[]) => r[e]), 1e-9, 1e-12, `params ${eq}`);
        expectRel(j.params[eq].stdErrors, fx.params.bse.map((r: number[]) => r[e]), 1e-9, 0, `bse ${eq}`);
      });
      for (const g of fx.granger as J[]) {
        if (g.causing.length !== 1) continue;
        const mine = j.granger.find((x: J) => x.caused === g.caused && x.causing === g.causing[0]);
        expectRel(mine.F, g.F, 1e-8, 0, `Granger F ${g.causing[0]} -> ${g.caused}`);
        expectRel(mine.p, g.F_pvalue, 1e-8, 0, 'Granger p');
        expect(mine.df).toEqual(g.F_df);
      }
      expectRel(j.irf.plain.flat(2), fx.irf.irfs.slice(0, H + 1).flat(2), 1e-9, 1e-12, 'irf');
      expectRel(j.irf.orthogonalized.flat(2), fx.irf.orth_irfs.slice(0, H + 1).flat(2), 1e-9, 1e-12, 'orth irf');
      expectRel(j.forecast.mean.flat(), fx.forecast.mean.flat(), 1e-9, 1e-12, 'forecast mean');
    });
  }
  it('selects the order on a common sample and writes the charts', async () => {
    const dir = join(tmp, 'charts');
    const fx = fixturesOfKind('var').find((f) => f.id === 'var_macrodata_dlog3');
    const { code, json } = await runCliJson(['fit', '--data', 'macrodata', '--model', 'var', '--columns', 'realgdp,realcons,realinv', '--transform', 'dlog', '--max-lags', String(fx.lag_selection.maxlags), '--ic', 'bic', '--charts', dir]);
    const j = json as J;
    expect(code).toBe(0);
    expect(j.lags).toBe(fx.lag_selection.selected.bic);
    for (const c of ['aic', 'bic', 'hqic', 'fpe']) expect(j.selection[c]).toBe(fx.lag_selection.selected[c]);
    expect(readdirSync(dir).sort()).toEqual(['forecast.svg', 'var-granger.svg', 'var-irf.svg']);
    // The fan chart has a panel per series.
    const fan = readFileSync(join(dir, 'forecast.svg'), 'utf8');
    expect(fan.startsWith('<svg')).toBe(true);
    for (const name of ['realgdp', 'realcons', 'realinv']) expect(fan).toContain(name);
    const refused = await runCliJson(['fit', '--data', 'air-passengers', '--model', 'naive', '--charts', dir]);
    expect(refused.code).toBe(2);
    expect((refused.json.error as { argument: string; message: string })).toMatchObject({ argument: '--charts' });
  });
});

describe('the command line is built from the registry', () => {
  it('ardiff models lists every registered model by data shape; ardiff models NAME its options', async () => {
    const { MODELS } = await import('../src/registry.js');
    const list = await runCli(['models']);
    expect(list.code).toBe(0);
    for (const m of MODELS) expect(list.stdout).toMatch(new RegExp(`^  ${m.name} `, 'm'));
    const { GENERATIVE_MODELS } = await import('../src/generative.js');
    expect(GENERATIVE_MODELS.length).toBeGreaterThan(0);
    for (const m of GENERATIVE_MODELS) expect(list.stdout).toMatch(new RegExp(`^  ${m.kind} .*\\(${m.entry}\\)$`, 'm'));
    const one = await runCliJson(['models', 'arima']);
    expect(one.code).toBe(0);
    const opts = one.json.options as { name: string; flag: string | null; default: unknown; required: boolean }[];
    expect(opts.find((o) => o.name === 'order')).toMatchObject({ flag: '--order', required: true });
    expect(opts.find((o) => o.name === 'method')).toMatchObject({ flag: '--method', default: 'ml' });
    expect(opts.find((o) => o.name === 'exog')?.flag).toBeNull();
    expect((await runCliJson(['models', 'nope'])).code).toBe(2);
  });

  it('every option of every model is a flag of ardiff fit, and a flag of another model is refused naming it', async () => {
    const { MODELS } = await import('../src/registry.js');
    const { optionSpecs } = await import('../src/core/model-entry.js');
    const { buildProgram } = await import('../src/cli/program.js');
    const fit = buildProgram().commands.find((c) => c.name() === 'fit')!;
    const flags = new Set(fit.options.map((o) => o.long));
    for (const m of MODELS) for (const s of optionSpecs(m.options)) if (s.flag) expect(flags.has(s.flag), `${m.name}: ${s.flag}`).toBe(true);
    const r = await runCliJson(['fit', '--data', 'lynx', '--model', 'ar', '--order', '2', '--delay', '1']);
    expect(r.code).toBe(2);
    expect(r.json.error).toMatchObject({ type: 'ArgumentError', argument: '--delay' });
    const wrongShape = await runCliJson(['fit', '--data', 'macrodata', '--model', 'var', '--column', 'realgdp']);
    expect((wrongShape.json.error as { argument: string }).argument).toBe('--column');
    const bad = await runCliJson(['fit', '--data', 'lynx', '--model', 'nar', '--order', '2', '--activation', 'relu']);
    expect(bad.json.error).toMatchObject({ argument: '--activation' });
  });

  it('models the old CLI lacked fit through the same path: naive, seasonal-naive, OLS with robust errors', async () => {
    const naive = await runCliJson(['fit', '--data', 'air-passengers', '--model', 'seasonal-naive', '--horizon', '3']);
    expect(naive.code).toBe(0);
    expect(naive.json.period).toBe(12);
    expect((naive.json.forecast as { mean: number[] }).mean.length).toBe(3);
    const ols = await runCliJson(['fit', '--data', 'longley', '--model', 'ols', '--y', 'TOTEMP', '--x', 'GNP,POP', '--cov-type', 'HC1']);
    expect(ols.code).toBe(0);
    const j = ols.json as { covType: string; params: { stdErrors: number[] }; bseHC: Record<string, number[]> };
    expect(j.covType).toBe('HC1');
    expect(j.params.stdErrors).toEqual(j.bseHC.HC1);
  });

  it('several series: the forecast is [step][column] with the names', async () => {
    const { code, json } = await runCliJson(['fit', '--data', 'macrodata', '--model', 'lasso-var', '--columns', 'realgdp,realcons', '--transform', 'dlog', '--lags', '2', '--horizon', '3', '--level', '80,95']);
    expect(code).toBe(0);
    const fc = json.forecast as { names: string[]; mean: number[][]; lower: number[][][]; level: number[] };
    expect(fc.names).toEqual(['realgdp', 'realcons']);
    expect(fc.mean.length).toBe(3);
    expect(fc.mean[0].length).toBe(2);
    expect(fc.level).toEqual([80, 95]);
    expect(fc.lower.length).toBe(2);
  });
});
