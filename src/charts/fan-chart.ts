/**
 * Fan chart of a forecast (history, point forecast, 80% and 95% bands) rendered to SVG with
 * Vega-Lite, headless (Vega's SVG renderer needs no browser or canvas).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg.js';

export interface FanChartData {
  title: string;
  yLabel: string;
  history: { t: number; y: number }[];
  forecast: { t: number; mean: number; lo80: number; hi80: number; lo95: number; hi95: number }[];
}

/** Renders the fan chart as an SVG string. */
export async function fanChartSvg(data: FanChartData): Promise<string> {
  const last = data.history[data.history.length - 1];
  // Join the forecast line to the last observation so the chart has no gap.
  const fc = [{ t: last.t, mean: last.y, lo80: last.y, hi80: last.y, lo95: last.y, hi95: last.y }, ...data.forecast];
  const x = { field: 't', type: 'quantitative' as const, title: 'time', axis: { format: 'd' }, scale: { zero: false } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: data.title,
    width: 640,
    height: 320,
    layer: [
      { data: { values: fc }, mark: { type: 'area', opacity: 0.25, color: '#4c78a8' }, encoding: { x, y: { field: 'lo95', type: 'quantitative', title: data.yLabel, scale: { zero: false } }, y2: { field: 'hi95' } } },
      { data: { values: fc }, mark: { type: 'area', opacity: 0.45, color: '#4c78a8' }, encoding: { x, y: { field: 'lo80', type: 'quantitative' }, y2: { field: 'hi80' } } },
      { data: { values: data.history }, mark: { type: 'line', color: '#333333', strokeWidth: 1.5 }, encoding: { x, y: { field: 'y', type: 'quantitative' } } },
      { data: { values: fc }, mark: { type: 'line', color: '#1f4e99', strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' } } },
    ],
    config: { background: 'white' },
  };
  return renderSvg(spec);
}
