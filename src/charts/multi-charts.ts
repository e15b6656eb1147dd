/**
 * Charts of several series, rendered to SVG headless with Vega-Lite like the fan chart: a fan chart
 * per series of a joint forecast (history tail, mean, 80% and 95% marginal bands; one panel per
 * series, each on its own scale), and an imputation chart (the series with its filled gaps and the
 * band of the filled values).
 */
import type { TopLevelSpec } from 'vega-lite';
import { ArgumentError } from '../core/errors.js';
import type { MultiForecast } from '../core/multi-forecast.js';
import { renderSvg } from './render-svg.js';

export interface MultiFanChartData {
  title: string;
  /** The series' values (all of them, or the tail to show), one array per series, in `forecast.names` order. */
  history: readonly ArrayLike<number>[];
  /** Time index of the first history value (default 1); the forecast starts after the last. */
  start?: number;
  forecast: MultiForecast;
}

/** One panel per series: the history (tail), the forecast mean and its 80% and 95% marginal bands. */
export async function multiFanChartSvg(data: MultiFanChartData): Promise<string> {
  const names = data.forecast.names, h = data.forecast.horizon;
  if (data.history.length !== names.length) throw new ArgumentError(`history has ${data.history.length} series, the forecast ${names.length}`, 'history');
  const start = data.start ?? 1;
  const mean = data.forecast.mean(), i80 = data.forecast.interval(80), i95 = data.forecast.interval(95);
  const rows: { series: string; t: number; kind: string; y?: number; lo80?: number; hi80?: number; lo95?: number; hi95?: number }[] = [];
  names.forEach((name, j) => {
    const y = data.history[j], n = y.length;
    for (let t = 0; t < n; t++) rows.push({ series: name, t: start + t, kind: 'history', y: y[t] });
    // The forecast line and bands start at the last observation, so the chart has no gap.
    const last = y[n - 1];
    rows.push({ series: name, t: start + n - 1, kind: 'forecast', y: last, lo80: last, hi80: last, lo95: last, hi95: last });
    for (let s = 0; s < h; s++) {
      rows.push({ series: name, t: start + n + s, kind: 'forecast', y: mean[s][j], lo80: i80.lower[s][j], hi80: i80.upper[s][j], lo95: i95.lower[s][j], hi95: i95.upper[s][j] });
    }
  });
  const x = { field: 't', type: 'quantitative' as const, title: 'time', axis: { format: 'd' }, scale: { zero: false } };
  const onlyForecast = { filter: "datum.kind === 'forecast'" };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: data.title,
    data: { values: rows },
    facet: { row: { field: 'series', type: 'nominal', title: null, sort: [...names] } },
    spec: {
      width: 560,
      height: 130,
      layer: [
        { transform: [onlyForecast], mark: { type: 'area', opacity: 0.25, color: '#4c78a8' }, encoding: { x, y: { field: 'lo95', type: 'quantitative', title: null, scale: { zero: false } }, y2: { field: 'hi95' } } },
        { transform: [onlyForecast], mark: { type: 'area', opacity: 0.45, color: '#4c78a8' }, encoding: { x, y: { field: 'lo80', type: 'quantitative' }, y2: { field: 'hi80' } } },
        { transform: [{ filter: "datum.kind === 'history'" }], mark: { type: 'line', color: '#333333', strokeWidth: 1.2 }, encoding: { x, y: { field: 'y', type: 'quantitative' } } },
        { transform: [onlyForecast], mark: { type: 'line', color: '#1f4e99', strokeWidth: 2 }, encoding: { x, y: { field: 'y', type: 'quantitative' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { background: 'white' },
  };
  return renderSvg(spec);
}

export interface ImputationChartData {
  title: string;
  /** One entry per series: the observed values (NaN in the gaps), the filled series and, optionally, a band of the filled values. */
  series: readonly {
    name: string;
    observed: ArrayLike<number>;
    filled: ArrayLike<number>;
    lower?: ArrayLike<number>;
    upper?: ArrayLike<number>;
  }[];
  /** Time index of the first value (default 1). */
  start?: number;
  /** Label of the band (e.g. '90% band'). */
  bandLabel?: string;
}

/**
 * One panel per series: the observed values as a line, the filled values as points joined to their
 * neighbours (a dashed line through the gaps) and the band of each filled value.
 */
export async function imputationChartSvg(data: ImputationChartData): Promise<string> {
  if (!data.series.length) throw new ArgumentError('an imputation chart needs at least one series', 'series');
  const start = data.start ?? 1;
  const rows: { series: string; t: number; observed?: number; filled: number; gap: boolean; lo?: number; hi?: number }[] = [];
  for (const s of data.series) {
    const n = s.filled.length;
    if (s.observed.length !== n || (s.lower && s.lower.length !== n) || (s.upper && s.upper.length !== n)) {
      throw new ArgumentError(`series '${s.name}': observed, filled and band must have the same length`, 'series');
    }
    for (let t = 0; t < n; t++) {
      const gap = Number.isNaN(s.observed[t]);
      // The band is drawn on gaps and on their observed neighbours, so it joins the line.
      const nearGap = gap || (t > 0 && Number.isNaN(s.observed[t - 1])) || (t + 1 < n && Number.isNaN(s.observed[t + 1]));
      rows.push({
        series: s.name, t: start + t, filled: s.filled[t], gap,
        ...(gap ? {} : { observed: s.observed[t] }),
        ...(nearGap && s.lower && s.upper ? { lo: gap ? s.lower[t] : s.filled[t], hi: gap ? s.upper[t] : s.filled[t] } : {}),
      });
    }
  }
  const x = { field: 't', type: 'quantitative' as const, title: 'time', axis: { format: 'd' }, scale: { zero: false } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: data.title,
    data: { values: rows },
    facet: { row: { field: 'series', type: 'nominal', title: null, sort: data.series.map((s) => s.name) } },
    spec: {
      width: 560,
      height: 130,
      layer: [
        { transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'area', opacity: 0.35, color: '#e45756' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: null, scale: { zero: false } }, y2: { field: 'hi' } } },
        { mark: { type: 'line', color: '#e45756', strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { x, y: { field: 'filled', type: 'quantitative' } } },
        // Broken at the gaps instead of joined across them.
        { mark: { type: 'line', color: '#333333', strokeWidth: 1.2, invalid: 'break-paths-filter-domains' }, encoding: { x, y: { field: 'observed', type: 'quantitative' } } },
        { transform: [{ filter: 'datum.gap' }], mark: { type: 'point', color: '#e45756', filled: true, size: 14 }, encoding: { x, y: { field: 'filled', type: 'quantitative' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { background: 'white' },
  };
  return renderSvg(spec);
}
