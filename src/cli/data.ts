/**
 * The data of `ardiff fit` for each data shape of the registry, read from the table the user named:
 * one column (`--column`, `--transform log|log10`, `--exog` with `--exog-future`), several
 * (`--columns`, `--transform log|diff|dlog`), or a regression table (`--y`, `--x`, and
 * `--weights` for spatial models).
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { nameRecord } from '../core/validate.js';
import { applyTransform, columnExpression, numericColumn, transformColumns, type ColumnsTransform, type DatasetInfo, type Table, type Transform } from '../core/series.js';
import type { MultiSeriesData, RegressionData, SpatialData } from '../core/model-entry.js';
import { readTable } from '../node/data.js';
import { namesFlag } from './flags.js';

export interface DataFlags {
  data: string;
  column?: string;
  columns?: string;
  transform?: string;
  exog?: string;
  exogFuture?: string;
  y?: string;
  x?: string;
  weights?: string;
}

/** One column, transformed by log/log10 when asked. */
export function seriesData(table: Table, flags: DataFlags, ds: DatasetInfo | undefined): { y: Float64Array; column: string; transform: Transform } {
  const column = flags.column ?? ds?.column;
  if (!column) throw new ArgumentError('--column is required with a CSV file: name the column to model', '--column');
  const transform = (flags.transform ?? 'none') as Transform;
  if (!['none', 'log', 'log10'].includes(transform)) throw new ArgumentError(`--transform ${transform} applies to models of several series; for one series use log or log10 (and difference in the model)`, '--transform');
  return { y: applyTransform(columnExpression(table, column, '--column'), transform, '--transform'), column, transform };
}

/** The named columns, transformed together when asked. */
export function multiSeriesData(table: Table, flags: DataFlags, model: string): MultiSeriesData & { transform: ColumnsTransform } {
  if (!flags.columns) throw new ArgumentError(`--model ${model} needs --columns a,b,c`, '--columns');
  const names = namesFlag(flags.columns, '--columns', 1);
  const transform = (flags.transform ?? 'none') as ColumnsTransform;
  if (!['none', 'log', 'diff', 'dlog'].includes(transform)) throw new ArgumentError(`--transform for several series must be log, diff or dlog; got '${transform}'`, '--transform');
  const raw = names.map((n) => columnExpression(table, n, '--columns'));
  return { names, columns: transformColumns(raw, names, transform, '--transform'), transform };
}

/** The dependent variable and the regressors. */
export function regressionData(table: Table, flags: DataFlags, model: string): RegressionData {
  if (!flags.y) throw new ArgumentError(`--model ${model} needs --y NAME (the dependent variable)`, '--y');
  if (!flags.x) throw new ArgumentError(`--model ${model} needs --x a,b,c (the regressors)`, '--x');
  const X = nameRecord<Float64Array>();
  for (const c of namesFlag(flags.x, '--x')) X[c] = columnExpression(table, c, '--x');
  return { y: columnExpression(table, flags.y, '--y'), yName: flags.y, X };
}

/** A regression table and the neighbour edge list (`from,to` columns; ids of the data's `id` column when it has one). */
export function spatialData(table: Table, flags: DataFlags, model: string): SpatialData {
  const reg = regressionData(table, flags, model);
  if (!flags.weights) throw new ArgumentError(`--model ${model} needs --weights EDGES.csv (columns from,to: 1-based ids of the data's id column)`, '--weights');
  const edges = readTable(flags.weights, '--weights');
  const from = numericColumn(edges, 'from', '--weights'), to = numericColumn(edges, 'to', '--weights');
  const ids = table.columns.includes('id') ? numericColumn(table, 'id', '--data') : undefined;
  return { ...reg, edges: Array.from(from, (f, i) => [f, to[i]] as const), ids };
}

/** Future values of the regressors named by --exog, one row per forecast step. */
export function futureRegressors(flags: DataFlags, names: string[], horizon: number | undefined): { exog: Record<string, Float64Array>; h: number } {
  if (!flags.exogFuture) throw new ArgumentError('--exog needs --exog-future FUTURE.csv with the regressors\' future values (one row per forecast step)', '--exog-future');
  const table = readTable(flags.exogFuture, '--exog-future');
  const exog = nameRecord<Float64Array>();
  for (const n of names) exog[n] = columnExpression(table, n, '--exog-future');
  const h = table.rows.length;
  if (horizon !== undefined && horizon !== h) {
    throw new DataError(`--exog-future has ${h} rows but --horizon is ${horizon}; give one future row per forecast step`, '--exog-future');
  }
  return { exog, h };
}
