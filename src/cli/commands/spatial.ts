/** `ardiff fit --model sar|sem`: spatial lag / spatial error regression on an edge list. */
import { ArgumentError } from '../../core/errors.js';
import { readTable, columnExpression, numericColumn, type Table } from '../../core/series.js';
import { spatialWeights, fitSAR, fitSEM } from '../../classical/spatial.js';
import { jsonSafe, type Json } from '../json.js';

export interface SpatialFlags {
  model: string;
  y?: string;
  x?: string;
  weights?: string;
}

export function runSpatial(table: Table, flags: SpatialFlags): { json: Record<string, Json>; text: string } {
  if (!flags.y) throw new ArgumentError(`--model ${flags.model} needs --y NAME (the dependent variable)`, '--y');
  if (!flags.x) throw new ArgumentError(`--model ${flags.model} needs --x a,b (the regressors)`, '--x');
  if (!flags.weights) throw new ArgumentError(`--model ${flags.model} needs --weights EDGES.csv (columns from,to: 1-based ids of the data's id column)`, '--weights');
  const y = columnExpression(table, flags.y, '--y');
  const X: Record<string, Float64Array> = {};
  for (const c of flags.x.split(',').map((v) => v.trim()).filter(Boolean)) X[c] = columnExpression(table, c, '--x');
  const edges = readTable(flags.weights, '--weights');
  const from = numericColumn(edges, 'from', '--weights'), to = numericColumn(edges, 'to', '--weights');
  const ids = table.columns.includes('id') ? numericColumn(table, 'id', '--data') : undefined;
  const W = spatialWeights(Array.from(from, (f, i) => [f, to[i]] as [number, number]), y.length, { ids });
  const fit = flags.model === 'sar' ? fitSAR(y, X, W, { yName: flags.y }) : fitSEM(y, X, W, { yName: flags.y });
  return { json: jsonSafe({ ...fit.report(), model: flags.model }) as Record<string, Json>, text: fit.summary() };
}
