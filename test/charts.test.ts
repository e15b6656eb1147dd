// The SVG charts render headless and carry their content (titles, labels, one path per series).
import { describe, it, expect } from 'vitest';
import { fanChartSvg } from '../src/charts/fan-chart.js';
import { irfChartSvg, grangerGraphSvg } from '../src/charts/var-charts.js';

describe('charts', () => {
  it('fan chart', async () => {
    const svg = await fanChartSvg({
      title: 'fan test', yLabel: 'y',
      history: [1, 2, 3].map((t) => ({ t, y: t })),
      forecast: [{ t: 4, mean: 4, lo80: 3.5, hi80: 4.5, lo95: 3, hi95: 5 }],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('fan test');
  });

  it('impulse-response grid', async () => {
    const irf = [0, 1, 2].map((h) => [[1 / (h + 1), 0.1], [0.2, 0.5 ** h]]);
    const svg = await irfChartSvg({ title: 'irf test', names: ['a', 'b'], irf, lower: irf.map((m) => m.map((r) => r.map((v) => v - 0.1))), upper: irf.map((m) => m.map((r) => r.map((v) => v + 0.1))) });
    expect(svg).toContain('irf test');
    expect(svg).toContain('response of');
    expect(svg).toContain('shock to');
  });

  it('Granger graph', async () => {
    const svg = await grangerGraphSvg(['gdp', 'cons', 'inv'], [{ causing: 'cons', caused: 'gdp', p: 1e-8 }, { causing: 'gdp', caused: 'inv', p: 0.012 }], 'granger test');
    expect(svg).toContain('granger test');
    for (const nm of ['gdp', 'cons', 'inv', 'p=0.012', 'p=1e-8']) expect(svg).toContain(nm);
  });
});
