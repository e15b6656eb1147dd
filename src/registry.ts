/**
 * The model registry: the single list of models. Each model's file declares its entry (see
 * core/model-entry.ts: name, data shape, options schema, fit, fromJSON, report, backtest options);
 * this list is what `fromJSON`, `ardiff fit`, `ardiff backtest`, `ardiff models` and the contract
 * tests iterate. A model that is not listed here is not finished.
 */
import { ArdiffError, ArgumentError, DataError } from './core/errors.js';
import { nonFinitePath } from './core/validate.js';
import { parseOptions, type ModelEntry, type SeriesModelEntry, type MultiSeriesModelEntry, type DataShape, type MultiSeriesData, type RegressionData, type SpatialData, type FittedRegression } from './core/model-entry.js';
import type { Forecaster, MultiForecaster } from './core/model.js';
import { arEntry } from './classical/ar.js';
import { arimaEntry } from './classical/arima.js';
import { autoARIMAEntry } from './classical/auto-arima.js';
import { bayesArEntry } from './classical/bayes-ar.js';
import { lstarEntry } from './classical/lstar.js';
import { narEntry } from './classical/nar.js';
import { garchEntry } from './classical/garch.js';
import { naiveEntry, seasonalNaiveEntry } from './classical/naive.js';
import { varEntry } from './classical/var.js';
import { lassoVarEntry, groupLassoVarEntry } from './classical/lasso-var.js';
import { olsEntry } from './classical/ols.js';
import { sarEntry, semEntry } from './classical/spatial.js';
import { lstmEntry, gruEntry } from './neural/entries.js';
import { timeGradEntry } from './hybrid/entries.js';

/** Every registered model, in the order `ardiff models` lists them. */
export const MODELS: readonly ModelEntry[] = [
  arEntry, arimaEntry, autoARIMAEntry, bayesArEntry, lstarEntry, narEntry, garchEntry, naiveEntry, seasonalNaiveEntry,
  lstmEntry, gruEntry,
  varEntry, lassoVarEntry, groupLassoVarEntry, timeGradEntry,
  olsEntry, sarEntry, semEntry,
];

/** The registered models of one data shape. */
export function modelsOf<S extends DataShape>(shape: S): Extract<ModelEntry, { shape: S }>[] {
  return MODELS.filter((m): m is Extract<ModelEntry, { shape: S }> => m.shape === shape);
}

/** Names of the registered models. */
export function modelNames(shape?: DataShape): string[] {
  return (shape ? MODELS.filter((m) => m.shape === shape) : MODELS).map((m) => m.name);
}

/** The entry of a model by name; an unknown name throws an {@link ArgumentError} listing the known ones. */
export function findModel(name: string, argument = 'model'): ModelEntry {
  const entry = MODELS.find((m) => m.name === name) ?? MODELS.find((m) => m.aliases?.includes(name));
  if (!entry) throw new ArgumentError(`unknown model '${String(name)}'; known models: ${modelNames().join(', ')}`, argument);
  return entry;
}

/** JSON of any registered fitted model: an object with its `kind`. */
export interface ModelJSON {
  readonly kind: string;
}

/** Any fitted model the registry restores. */
export type FittedModel = Forecaster | MultiForecaster | FittedRegression;

/**
 * Restores any registered fitted model from its `toJSON()` output, dispatching on `kind`. A model
 * on the tensor engine needs its entry's `prepare()` awaited first (or `import 'ardiff/neural'`).
 */
export function fromJSON(json: ModelJSON): FittedModel {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new DataError('model file: a model must be a JSON object with its kind, as written by toJSON', 'model');
  const kind = json.kind;
  const entry = MODELS.find((m) => m.producesKind === kind) ?? MODELS.find((m) => m.legacyKinds?.includes(kind));
  if (!entry) {
    const kinds = [...new Set(MODELS.map((m) => m.producesKind))];
    throw new ArgumentError(`fromJSON: unknown model kind '${String(kind)}'; known kinds: ${kinds.join(', ')}`, 'json');
  }
  // Every model: no infinite number (a tampered 1e999); an AR's mean is infinite at a unit root.
  const bad = nonFinitePath(json, '', ['mean']);
  if (bad !== undefined) throw new DataError(`model file: ${bad} of the ${String(kind)} model is not a finite number; the file is corrupt — fit the model again or restore a good copy`, 'model');
  let fit: FittedModel;
  try {
    fit = entry.fromJSON(json);
  } catch (e) {
    if (e instanceof ArdiffError) throw e;
    // A field of the wrong type or shape deep inside a model's restore (a tampered file).
    throw new DataError(`model file: the ${String(kind)} model is malformed (${(e as Error)?.message ?? String(e)}); the file is corrupt or was not written by toJSON`, 'model');
  }
  if (!entry.prepare) checkRestored(fit, String(kind));
  return fit;
}

/**
 * A restored model on the plain-number path (no tensor engine) must forecast a finite first
 * step (or, for a regression, hold finite coefficients): fields that are individually valid but
 * inconsistent (a negative variance, a NaN-producing combination) are refused as a corrupt file.
 */
function checkRestored(fit: FittedModel, kind: string): void {
  const fail = (what: string): never => {
    throw new DataError(`model file: the restored ${kind} model ${what}; the file is corrupt or was not written by toJSON`, 'model');
  };
  let values: ArrayLike<number>[];
  try {
    if ('forecast' in fit && typeof fit.forecast === 'function') {
      // The mean and an upper quantile: the point forecast and the spread (σ², weights) are both used.
      const fc = (fit as Forecaster | MultiForecaster).forecast(1) as { mean(): ArrayLike<number> | ArrayLike<number>[]; quantile(q: number): ArrayLike<number> | ArrayLike<number>[] };
      const rows = (m: ArrayLike<number> | ArrayLike<number>[]) => (Array.isArray(m) && typeof m[0] === 'object' ? (m as ArrayLike<number>[]) : [m as ArrayLike<number>]);
      values = [...rows(fc.mean()), ...rows(fc.quantile(0.975))];
    } else {
      values = [(fit as { params?: ArrayLike<number> }).params ?? []];
    }
  } catch (e) {
    // A model that needs future regressors to forecast: nothing to check here.
    if (e instanceof ArdiffError && e.argument?.startsWith('exog')) return;
    if (e instanceof ArdiffError) fail(`cannot forecast (${e.message})`);
    return fail(`cannot forecast (${(e as Error)?.message ?? String(e)})`);
  }
  for (const row of values) for (let i = 0; i < row.length; i++) if (!Number.isFinite(row[i])) fail(`forecasts ${row[i]}`);
}

/** Data of each shape, for {@link fitModel}. */
export interface ShapeData {
  series: ArrayLike<number>;
  multiseries: MultiSeriesData;
  regression: RegressionData;
  spatial: SpatialData;
}

/**
 * Fits a registered model by name: checks `options` against its schema (unknown names, types and
 * ranges give an {@link ArgumentError} naming the option), awaits its `prepare`, and fits.
 *
 * @example
 * const fit = await fitModel('arima', y, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } });
 */
export async function fitModel(name: string, data: ArrayLike<number>, options?: Record<string, unknown>): Promise<Forecaster>;
export async function fitModel(name: string, data: MultiSeriesData, options?: Record<string, unknown>): Promise<MultiForecaster>;
export async function fitModel(name: string, data: RegressionData | SpatialData, options?: Record<string, unknown>): Promise<FittedRegression>;
export async function fitModel(name: string, data: ShapeData[DataShape], options: Record<string, unknown> = {}): Promise<FittedModel> {
  const entry = findModel(name);
  const parsed = parseOptions(entry as { name: string; options: ModelEntry['options'] }, options);
  await entry.prepare?.();
  return fitEntry(entry, data, parsed);
}

/** Fits an entry to data of its shape with already-checked options. */
export function fitEntry(entry: ModelEntry, data: ShapeData[DataShape], options: unknown): FittedModel {
  switch (entry.shape) {
    case 'series':
      if (!isArrayLike(data)) throw new ArgumentError(`${entry.name} fits one series: give an array of numbers`, 'data');
      return (entry as SeriesModelEntry).fit(data, options);
    case 'multiseries':
      if (!isMulti(data)) throw new ArgumentError(`${entry.name} fits several series: give { names, columns }`, 'data');
      return (entry as MultiSeriesModelEntry).fit(data, options);
    case 'regression':
    case 'spatial':
      if (isArrayLike(data) || isMulti(data)) throw new ArgumentError(`${entry.name} fits a regression: give { y, yName, X${entry.shape === 'spatial' ? ', edges' : ''} }`, 'data');
      if (entry.shape === 'spatial') {
        if (!('edges' in data)) throw new ArgumentError(`${entry.name} needs the neighbour edges: give { y, yName, X, edges }`, 'data');
        return entry.fit(data, options);
      }
      return entry.fit(data, options);
  }
}

function isArrayLike(d: unknown): d is ArrayLike<number> {
  return Array.isArray(d) || ArrayBuffer.isView(d);
}

function isMulti(d: unknown): d is MultiSeriesData {
  return !!d && typeof d === 'object' && Array.isArray((d as MultiSeriesData).names) && Array.isArray((d as MultiSeriesData).columns);
}
