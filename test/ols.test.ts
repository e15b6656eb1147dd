import { describe, it, expect } from 'vitest';
import { fitOLS } from '../src/classical/ols.js';
import { fixturesOfKind, loadColumn, expectRel, parseTol } from './fixtures.js';

describe('OLS against statsmodels fixtures', () => {
  for (const fx of fixturesOfKind('ols')) {
    it(fx.id, () => {
      const y = loadColumn(fx.dataset.file, fx.dataset.y);
      const x: Record<string, Float64Array> = {};
      for (const c of fx.dataset.x) x[c] = loadColumn(fx.dataset.file, c);
      const fit = fitOLS(y, x, { intercept: fx.model.intercept });
      const tol = fx.tolerance;
      // Longley's own tolerance is stated inside the params string: "rel 1e-9 (longley: rel 1e-7 ...)".
      const pTol = fx.id.includes('longley') ? 1e-7 : parseTol(tol.params).value;
      expect(fit.names).toEqual(fx.params.names);
      expectRel(fit.params, fx.params.values, pTol, 0, 'params');
      expectRel(fit.bse, fx.params.bse, parseTol(tol.bse).value, 0, 'bse');
      const tv = parseTol(tol['tvalues/pvalues']).value;
      expectRel(fit.tvalues, fx.params.tvalues, tv, 0, 'tvalues');
      expectRel(fit.pvalues, fx.params.pvalues, tv, 1e-14, 'pvalues');
      expectRel(fit.confInt(95).flat(), fx.params.conf_int95.flat(), pTol, 0, 'conf_int95');
      const st = parseTol(tol['rsquared/llf/aic/bic/fvalue']).value;
      expectRel(fit.rsquared, fx.rsquared, st, 0, 'rsquared');
      expectRel(fit.rsquaredAdj, fx.rsquared_adj, st, 0, 'rsquared_adj');
      expectRel(fit.llf, fx.llf, st, 0, 'llf');
      expectRel(fit.aic, fx.aic, st, 0, 'aic');
      expectRel(fit.bic, fx.bic, st, 0, 'bic');
      expectRel(fit.fvalue, fx.fvalue, st, 0, 'fvalue');
      expectRel(fit.fPvalue, fx.f_pvalue, tv, 1e-14, 'f_pvalue');
      expectRel(fit.ssr, fx.ssr, pTol, 0, 'ssr');
      expectRel(fit.scale, fx.scale_s2, pTol, 0, 'scale');
      expectRel(fit.durbinWatson, fx.durbin_watson, st, 0, 'durbin_watson');
      expect(fit.dfResid).toBe(fx.df_resid);
      expect(fit.dfModel).toBe(fx.df_model);
      // Condition number from singular values of X (statsmodels 0.13.5 fit() does the same).
      expectRel(fit.conditionNumber, fx.condition_number, st, 0, 'condition_number');
      const pr = fit.predict(fx.prediction.x_new, 95);
      const prTol = fx.id.includes('longley') ? 1e-7 : parseTol(tol.prediction).value;
      expectRel(pr.mean, fx.prediction.mean, prTol, 0, 'pred mean');
      expectRel(pr.meanSe, fx.prediction.mean_se, prTol, 0, 'pred mean_se');
      expectRel(pr.meanLower, fx.prediction.mean_ci_lower, prTol, 0, 'mean_ci_lower');
      expectRel(pr.meanUpper, fx.prediction.mean_ci_upper, prTol, 0, 'mean_ci_upper');
      expectRel(pr.obsLower, fx.prediction.obs_ci_lower, prTol, 0, 'obs_ci_lower');
      expectRel(pr.obsUpper, fx.prediction.obs_ci_upper, prTol, 0, 'obs_ci_upper');
      if (fx.nist_certified) {
        expectRel(fit.params, fx.nist_certified.params, 1e-7, 0, 'NIST params');
        expectRel(fit.bse, fx.nist_certified.bse, 1e-7, 0, 'NIST bse');
      }
    });
  }
});
