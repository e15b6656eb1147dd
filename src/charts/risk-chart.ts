/**
 * Exceedance chart of a VaR backtest (Vega-Lite, rendered headless to SVG): the returns of the
 * test days as points, each model's VaR as a line at −VaR (on the return scale, below the
 * returns it should bound), and each model's exceedances (r_t < −VaR_t) marked in its colour.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ArgumentError } from '../core/errors.js';
import { renderSvg } from './render-svg.js';

export interface RiskChartData {
  title: string;
  /** The returns of the test days. */
  returns: ArrayLike<number>;
  /** Time of each test day (default 1, 2, …). */
  time?: ArrayLike<number>;
  /** Per model: its VaR (positive loss) per test day. Exceedances are the days with r_t < −VaR_t. */
  models: readonly { name: string; var: ArrayLike<number> }[];
  /** Label of the return axis (default 'return'). */
  yLabel?: string;
}

/** Renders the exceedance chart as an SVG string. */
export async function riskChartSvg(data: RiskChartData): Promise<string> {
  const n = data.returns.length;
  if (!n) throw new ArgumentError('a risk chart needs at least one return', 'returns');
  if (!data.models.length) throw new ArgumentError('a risk chart needs at least one model', 'models');
  if (data.time && data.time.length !== n) throw new ArgumentError(`time (${data.time.length}) and returns (${n}) must have the same length`, 'time');
  const t = (i: number) => (data.time ? data.time[i] : i + 1);
  const returns = Array.from({ length: n }, (_, i) => ({ t: t(i), r: data.returns[i] }));
  const lines: { t: number; model: string; v: number }[] = [];
  const hits: { t: number; model: string; r: number }[] = [];
  for (const m of data.models) {
    if (m.var.length !== n) throw new ArgumentError(`model '${m.name}': VaR (${m.var.length}) and returns (${n}) must have the same length`, 'models');
    for (let i = 0; i < n; i++) {
      lines.push({ t: t(i), model: m.name, v: -m.var[i] });
      if (data.returns[i] < -m.var[i]) hits.push({ t: t(i), model: m.name, r: data.returns[i] });
    }
  }
  const names = data.models.map((m) => m.name);
  const x = { field: 't', type: 'quantitative' as const, title: 'time', axis: data.time ? { format: 'd' } : {}, scale: { zero: false } };
  const color = { field: 'model', type: 'nominal' as const, title: 'model', sort: names };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: data.title,
    width: 720,
    height: 320,
    layer: [
      { data: { values: returns }, mark: { type: 'point', filled: true, size: 6, color: '#9a9a9a', opacity: 0.8 }, encoding: { x, y: { field: 'r', type: 'quantitative', title: data.yLabel ?? 'return', scale: { zero: false } } } },
      { data: { values: lines }, mark: { type: 'line', strokeWidth: 1.2 }, encoding: { x, y: { field: 'v', type: 'quantitative' }, color } },
      { data: { values: hits }, mark: { type: 'point', shape: 'triangle-down', filled: true, size: 55, stroke: '#222222', strokeWidth: 0.7, opacity: 1 }, encoding: { x, y: { field: 'r', type: 'quantitative' }, color } },
    ],
    config: { background: 'white' },
  };
  return renderSvg(spec);
}
