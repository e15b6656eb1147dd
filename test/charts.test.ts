// The SVG charts render headless and carry their content (titles, labels, one path per series).
import { describe, it, expect } from 'vitest';
import { fanChartSvg } from '../src/charts/fan-chart.js';
import { irfChartSvg, grangerGraphSvg } from '../src/charts/var-charts.js';
import { multiFanChartSvg, imputationChartSvg } from '../src/charts/multi-charts.js';
import { SampleMultiForecast } from '../src/core/multi-forecast.js';

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

  it('fan chart per series of a joint forecast', async () => {
    // 50 paths of 3 steps × 2 series.
    const paths = Array.from({ length: 50 }, (_, i) => [0, 1, 2].map((s) => Float64Array.of(10 + s + (i - 25) / 10, -5 - s + (i - 25) / 5)));
    const fc = new SampleMultiForecast(['north', 'south'], paths);
    const svg = await multiFanChartSvg({ title: 'multi fan test', history: [[9, 9.5, 10], [-4, -4.5, -5]], start: 100, forecast: fc });
    expect(svg.startsWith('<svg')).toBe(true);
    for (const s of ['multi fan test', 'north', 'south']) expect(svg).toContain(s);
    await expect(multiFanChartSvg({ title: 't', history: [[1, 2]], forecast: fc })).rejects.toThrow(/history has 1 series, the forecast 2/);
  });

  it('imputation chart: observed line broken at the gaps, filled values and their band', async () => {
    const observed = [1, 2, NaN, NaN, 5, 6], filled = [1, 2, 3, 4, 5, 6];
    const svg = await imputationChartSvg({ title: 'imputation test', series: [{ name: 'x', observed, filled, lower: filled.map((v) => v - 1), upper: filled.map((v) => v + 1) }] });
    expect(svg).toContain('imputation test');
    expect(svg).toContain('x');
    await expect(imputationChartSvg({ title: 't', series: [{ name: 'x', observed: [1, NaN], filled: [1, 2, 3] }] })).rejects.toThrow(/same length/);
    await expect(imputationChartSvg({ title: 't', series: [] })).rejects.toThrow(/at least one series/);
  });
});
