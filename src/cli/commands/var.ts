/**
 * `ardiff fit --model var`: vector autoregression with order selection, Granger tests, impulse
 * responses and FEVD; `--charts DIR` writes the impulse-response grid and the Granger graph.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { ArgumentError, DataError } from '../../core/errors.js';
import { columnExpression, type Table } from '../../core/series.js';
import { fitVAR, type VARTrend } from '../../classical/var.js';
import { irfChartSvg, grangerGraphSvg } from '../var-charts.js';
import { jsonSafe, type Json } from '../json.js';

export interface VarFlags {
  columns?: string;
  transform?: string;
  lags?: string;
  maxLags?: string;
  ic?: string;
  trend?: string;
  irf?: string;
  horizon?: string;
  charts?: string;
}

function positiveInt(s: string | undefined, flag: string): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${flag} must be a positive integer; got '${s}'`, flag);
  return v;
}

/**
 * Per-column transform: `log`, `diff` (first differences) or `dlog` (first differences of logs,
 * i.e. growth rates). Differencing drops the first row of every column so they stay aligned.
 */
export function transformColumns(cols: Record<string, Float64Array>, transform: string | undefined): Record<string, Float64Array> {
  const t = transform ?? 'none';
  if (!['none', 'log', 'diff', 'dlog'].includes(t)) throw new ArgumentError(`--transform for a VAR must be log, diff or dlog; got '${t}'`, '--transform');
  const out: Record<string, Float64Array> = {};
  for (const [name, x] of Object.entries(cols)) {
    let v = x;
    if (t === 'log' || t === 'dlog') {
      v = x.map((u, i) => {
        if (!(u > 0)) throw new DataError(`--transform ${t} needs positive values; '${name}' row ${i + 1} is ${u}`, '--transform');
        return Math.log(u);
      });
    }
    if (t === 'diff' || t === 'dlog') v = v.subarray(1).map((u, i) => u - v[i]);
    out[name] = v;
  }
  return out;
}

export async function runVar(table: Table, flags: VarFlags): Promise<{ json: Record<string, Json>; text: string }> {
  if (!flags.columns) throw new ArgumentError('--model var needs --columns a,b,c', '--columns');
  const names = flags.columns.split(',').map((v) => v.trim()).filter(Boolean);
  if (names.length < 2) throw new ArgumentError('--columns needs at least two variables for a VAR', '--columns');
  const raw: Record<string, Float64Array> = {};
  for (const n of names) raw[n] = columnExpression(table, n, '--columns');
  const data = transformColumns(raw, flags.transform);
  const lags = positiveInt(flags.lags, '--lags');
  const maxLags = positiveInt(flags.maxLags, '--max-lags');
  if (lags !== undefined && flags.ic) throw new ArgumentError('give either --lags p or --max-lags m --ic aic|bic|hqic, not both', '--ic');
  const ic = flags.ic as 'aic' | 'bic' | 'hqic' | 'fpe' | undefined;
  if (ic && !['aic', 'bic', 'hqic', 'fpe'].includes(ic)) throw new ArgumentError(`--ic must be aic, bic, hqic or fpe; got '${ic}'`, '--ic');
  const fit = fitVAR(data, { lags, maxLags, ic: lags === undefined && (ic || maxLags) ? ic ?? 'aic' : undefined, trend: (flags.trend ?? 'c') as VARTrend });
  const H = positiveInt(flags.irf, '--irf') ?? 10;
  const h = positiveInt(flags.horizon, '--horizon') ?? 10;
  const fc = fit.forecast(h);
  const report = fit.report(H);
  const json = jsonSafe({
    model: 'var', variables: names, lags: fit.lags, trend: fit.trend, nobs: fit.nobs,
    logLik: fit.llf, aic: fit.aic, bic: fit.bic, hqic: fit.hqic, fpe: fit.fpe, stable: fit.isStable(),
    ...report,
    forecast: fc.toJSON([95]),
  }) as Record<string, Json>;
  if (flags.charts) {
    mkdirSync(flags.charts, { recursive: true });
    const dir = flags.charts.replace(/\/$/, '');
    writeFileSync(`${dir}/var-irf.svg`, await irfChartSvg({ title: `VAR(${fit.lags}) orthogonalised impulse responses`, names, irf: report.irf.orthogonalized }));
    const edges = report.granger.filter((g) => g.p < 0.05).map((g) => ({ causing: g.causing, caused: g.caused, p: g.p }));
    writeFileSync(`${dir}/var-granger.svg`, await grangerGraphSvg(names, edges, 'Granger causality, F test p < 0.05'));
  }
  return { json, text: fit.summary() };
}
