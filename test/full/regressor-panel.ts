// A long file of series with a regressor and its future values, for the batch tests of the full tier.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The regressor of series k at time t. */
export const panelRegressor = (k: number, t: number): number => Math.sin(t * 0.7 + k) * 5 + ((t * 37 + k * 11) % 7);

/**
 * Writes DIR/xpanel.csv (id,t,v,x: y = 10 + 3·x + deterministic noise, 40 rows a series) and
 * DIR/xfuture.csv (id,t,x: 3 future rows a series) for `series` series s0, s1, ….
 */
export function writeRegressorPanel(dir: string, series: number): void {
  const lines = ['id,t,v,x'], fut = ['id,t,x'];
  for (let k = 0; k < series; k++) {
    const x = (t: number) => panelRegressor(k, t);
    for (let t = 0; t < 40; t++) lines.push(`s${k},${t},${(10 + 3 * x(t) + ((Math.sin(t * 12.9898 + k * 78.233) * 43758.5453) % 1)).toFixed(4)},${x(t).toFixed(4)}`);
    for (let t = 40; t < 43; t++) fut.push(`s${k},${t},${x(t).toFixed(4)}`);
  }
  writeFileSync(join(dir, 'xpanel.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'xfuture.csv'), fut.join('\n') + '\n');
}
