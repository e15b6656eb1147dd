/**
 * Charts for multivariate autoregressions, rendered to SVG headless with Vega-Lite like the fan
 * chart: a grid of impulse responses (response × shock, with optional bands) and a Granger
 * causality graph (variables on a circle, an arrow for every significant edge).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg as render } from './render-svg.js';

export interface IrfChartData {
  title: string;
  /** Variable names, in the order of the response and shock indices. */
  names: readonly string[];
  /** irf[h][response][shock], h = 0…H. */
  irf: readonly (readonly (readonly number[])[])[];
  /** Optional bands with the same layout. */
  lower?: readonly (readonly (readonly number[])[])[];
  upper?: readonly (readonly (readonly number[])[])[];
}

/** Impulse responses as a response × shock grid of small line charts. */
export async function irfChartSvg(data: IrfChartData): Promise<string> {
  const rows: { h: number; response: string; shock: string; value: number; lo?: number; hi?: number }[] = [];
  data.irf.forEach((m, h) => m.forEach((row, i) => row.forEach((v, j) => {
    rows.push({
      h, response: data.names[i], shock: data.names[j], value: v,
      ...(data.lower && data.upper ? { lo: data.lower[h][i][j], hi: data.upper[h][i][j] } : {}),
    });
  })));
  const x = { field: 'h', type: 'quantitative' as const, title: 'horizon' };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: data.title,
    data: { values: rows },
    facet: {
      row: { field: 'response', type: 'nominal', title: 'response of', sort: [...data.names] },
      column: { field: 'shock', type: 'nominal', title: 'shock to', sort: [...data.names] },
    },
    spec: {
      width: 160,
      height: 110,
      layer: [
        ...(data.lower ? [{ mark: { type: 'area' as const, opacity: 0.3, color: '#4c78a8' }, encoding: { x, y: { field: 'lo', type: 'quantitative' as const, title: null }, y2: { field: 'hi' } } }] : []),
        { mark: { type: 'rule' as const, color: '#999999' }, encoding: { y: { datum: 0 } } },
        { mark: { type: 'line' as const, color: '#1f4e99' }, encoding: { x, y: { field: 'value', type: 'quantitative' as const, title: null } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { background: 'white' },
  };
  return render(spec);
}

export interface GrangerEdge {
  causing: string;
  caused: string;
  /** p-value of the test, shown on the edge when given. */
  p?: number;
}

/** A directed graph of Granger-causal edges, variables placed on a circle. */
export async function grangerGraphSvg(names: readonly string[], edges: readonly GrangerEdge[], title: string): Promise<string> {
  const n = names.length;
  const pos = new Map(names.map((nm, i) => {
    const a = Math.PI / 2 - (2 * Math.PI * i) / n;
    return [nm, { x: Math.cos(a), y: Math.sin(a) }];
  }));
  // Shorten each edge at both ends so arrows stop at the node circles; arrowhead as a triangle
  // point mark rotated along the edge.
  const seg = edges.map((e, k) => {
    const a = pos.get(e.causing)!, b = pos.get(e.caused)!;
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len;
    // Offset reciprocal edges sideways so both directions stay visible.
    const ox = -uy * 0.04, oy = ux * 0.04;
    return {
      k, x: a.x + ux * 0.16 + ox, y: a.y + uy * 0.16 + oy, x2: b.x - ux * 0.2 + ox, y2: b.y - uy * 0.2 + oy,
      angle: 90 - (Math.atan2(uy, ux) * 180) / Math.PI,
      label: e.p === undefined ? '' : `p=${e.p < 1e-3 ? e.p.toExponential(0) : e.p.toFixed(3)}`,
      mx: (a.x + b.x) / 2 + ox * 3, my: (a.y + b.y) / 2 + oy * 3,
    };
  });
  const nodes = names.map((nm) => ({ name: nm, ...pos.get(nm)! }));
  const sc = { domain: [-1.35, 1.35] };
  const hidden = { axis: null, scale: sc };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    height: 420,
    layer: [
      { data: { values: seg }, mark: { type: 'rule', color: '#555555', strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative', ...hidden }, y: { field: 'y', type: 'quantitative', ...hidden }, x2: { field: 'x2' }, y2: { field: 'y2' } } },
      { data: { values: seg }, mark: { type: 'point', shape: 'triangle-up', filled: true, size: 90, color: '#555555' }, encoding: { x: { field: 'x2', type: 'quantitative', ...hidden }, y: { field: 'y2', type: 'quantitative', ...hidden }, angle: { field: 'angle', type: 'quantitative', scale: null } } },
      { data: { values: seg }, mark: { type: 'text', fontSize: 10, color: '#333333' }, encoding: { x: { field: 'mx', type: 'quantitative', ...hidden }, y: { field: 'my', type: 'quantitative', ...hidden }, text: { field: 'label' } } },
      { data: { values: nodes }, mark: { type: 'circle', size: 3600, color: '#dbe6f4', stroke: '#1f4e99' }, encoding: { x: { field: 'x', type: 'quantitative', ...hidden }, y: { field: 'y', type: 'quantitative', ...hidden } } },
      { data: { values: nodes }, mark: { type: 'text', fontSize: 11, fontWeight: 'bold' }, encoding: { x: { field: 'x', type: 'quantitative', ...hidden }, y: { field: 'y', type: 'quantitative', ...hidden }, text: { field: 'name' } } },
    ],
    config: { background: 'white', view: { stroke: null } },
  };
  return render(spec);
}
