/**
 * Renders a Vega-Lite spec to SVG headless. Vega and Vega-Lite are loaded on the first chart, not
 * when ardiff is imported: they take about 0.3 s to load, which programs that never draw should
 * not pay.
 */
import type { TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ compile }, { parse, View }] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
