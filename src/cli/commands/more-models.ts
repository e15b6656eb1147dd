/**
 * `ardiff fit` for the models of the rest of the autoregressive family: bayes-ar, lstar, nar
 * (univariate, simulation-based forecasts) and lasso-var / group-lasso-var (multivariate).
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, DataError } from '../../core/errors.js';
import { columnExpression, type Table } from '../../core/series.js';
import type { Forecast } from '../../core/forecast.js';
import { fitBayesAR, type BayesARPrior } from '../../classical/bayes-ar.js';
import { fitLSTAR } from '../../classical/lstar.js';
import { fitNAR } from '../../classical/nar.js';
import { fitLassoVAR, type VarTransform } from '../../classical/lasso-var.js';
import { jsonSafe, type Json } from '../json.js';

export interface MoreFlags {
  model: string;
  order?: string;
  delay?: string;
  priorJson?: string;
  seed?: string;
  columns?: string;
  lags?: string;
  lambda?: string;
  select?: string;
  transform?: string;
  hidden?: string;
}

function nonNegInt(s: string | undefined, flag: string, fallback?: number): number {
  if (s === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ArgumentError(`${flag} is required`, flag);
  }
  const v = Number(s);
  if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${flag} must be a non-negative integer; got '${s}'`, flag);
  return v;
}

function sampleForecastJson(fc: Forecast, levels: number[]): Record<string, unknown> {
  const ints = levels.map((l) => fc.interval(l));
  const single = levels.length === 1;
  return {
    mean: fc.mean(),
    lower: single ? ints[0].lower : ints.map((i) => i.lower),
    upper: single ? ints[0].upper : ints.map((i) => i.upper),
    level: single ? levels[0] : levels,
  };
}

/** bayes-ar and lstar on one column (already transformed by the caller). */
export function runUnivariateExtra(y: Float64Array, flags: MoreFlags, h: number, levels: number[]): { json: Record<string, Json>; text: string } {
  const order = nonNegInt(flags.order, '--order');
  const seed = flags.seed === undefined ? 0 : nonNegInt(flags.seed, '--seed');
  if (flags.model === 'bayes-ar') {
    let prior: BayesARPrior | undefined;
    if (flags.priorJson) {
      try {
        prior = JSON.parse(readFileSync(flags.priorJson, 'utf8')) as BayesARPrior;
      } catch (e) {
        throw new DataError(`--prior-json: cannot read a JSON object {m0, V0, a0, b0} from '${flags.priorJson}' (${(e as Error).message})`, '--prior-json');
      }
    }
    const fit = fitBayesAR(y, { order, prior, seed });
    const fc = fit.forecast(h);
    return {
      json: jsonSafe({ ...fit.report(), model: 'bayes-ar', forecast: sampleForecastJson(fc, levels) }) as Record<string, Json>,
      text: `${fit.summary()}\n\nForecast (posterior predictive, Monte Carlo, seed ${seed}): ${Array.from(fc.mean(), (v) => v.toPrecision(5)).join(' ')}`,
    };
  }
  if (flags.model === 'nar') {
    const hidden = nonNegInt(flags.hidden, '--hidden', 3);
    const fit = fitNAR(y, { order, hidden, seed });
    const fc = fit.forecast(h);
    return {
      json: jsonSafe({ ...fit.report(), model: 'nar', forecast: sampleForecastJson(fc, levels) }) as Record<string, Json>,
      text: `${fit.summary()}\n\nForecast (Monte Carlo mean, seed ${seed}): ${Array.from(fc.mean(), (v) => v.toPrecision(5)).join(' ')}`,
    };
  }
  const delay = nonNegInt(flags.delay, '--delay', 1);
  const fit = fitLSTAR(y, { order, delay, seed });
  const fc = fit.forecast(h);
  return {
    json: jsonSafe({ ...fit.report(), model: 'lstar', forecast: sampleForecastJson(fc, levels) }) as Record<string, Json>,
    text: `${fit.summary()}\n\nForecast (Monte Carlo mean, seed ${seed}): ${Array.from(fc.mean(), (v) => v.toPrecision(5)).join(' ')}`,
  };
}

/** lasso-var and group-lasso-var on several columns. */
export function runLassoVar(table: Table, flags: MoreFlags, h: number): { json: Record<string, Json>; text: string } {
  if (!flags.columns) throw new ArgumentError(`--model ${flags.model} needs --columns a,b,c`, '--columns');
  const names = flags.columns.split(',').map((v) => v.trim()).filter(Boolean);
  if (names.length < 2) throw new ArgumentError('--columns needs at least two variables for a VAR', '--columns');
  const data: Record<string, Float64Array> = {};
  for (const n of names) data[n] = columnExpression(table, n, '--columns');
  const lags = nonNegInt(flags.lags, '--lags');
  const transform = (flags.transform ?? 'none') as VarTransform;
  let lambda: number | undefined;
  if (flags.lambda !== undefined) {
    lambda = Number(flags.lambda);
    if (!Number.isFinite(lambda)) throw new ArgumentError(`--lambda must be a number ≥ 0; got '${flags.lambda}'`, '--lambda');
  }
  const select = flags.select as 'bic' | 'cv' | undefined;
  const fit = fitLassoVAR(data, {
    lags, lambda, select: lambda === undefined ? select ?? 'bic' : select,
    penalty: flags.model === 'group-lasso-var' ? 'group' : 'lasso', transform,
  });
  const fc = fit.forecast(h);
  return {
    json: jsonSafe({ ...fit.report(), model: flags.model, forecast: fc }) as Record<string, Json>,
    text: fit.summary(),
  };
}
