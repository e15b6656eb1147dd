/**
 * The work of `ardiff batch` on one series, shared by the worker threads and the in-thread run:
 * fit a registered model of one series, forecast, and turn the result into the rows of the three
 * output files (pure: no files, no threads).
 *
 *   forecasts: id, step, mean, lo<l>, hi<l> for each level l    (one row per step)
 *   models:    id, model, order, aicc                           (one row per fitted series)
 *   errors:    id, type, message                                (one row per failed series)
 *
 * The numbers are those of `ardiff fit --json` on the series alone (the same entry, options,
 * regressors, horizon and levels; the forecast's `toJSON`), written as shortest round-trip decimals, so a
 * batch row parses back to exactly the fit's number; a non-finite value is an empty cell.
 */
import { ArdiffError } from '../core/errors.js';
import type { Forecaster } from '../core/model.js';
import type { SeriesModelEntry } from '../core/model-entry.js';
import { arimaLabel, type FittedARIMA } from '../classical/arima.js';
import { findModel, fitEntry } from '../registry.js';

/** What every series of a batch is fitted with. */
export interface SeriesTaskSettings {
  /** Registry name of a model of one series. */
  model: string;
  /** Its options, already checked by the entry's schema (plain data: they cross to worker threads). */
  options: Record<string, unknown>;
  horizon: number;
  /** Interval levels in per cent. */
  levels: number[];
}

/** One series: its id and values (NaN for missing), and its regressors when the model takes them. */
export interface SeriesInput {
  id: string;
  y: Float64Array | number[];
  /** Regressors by name over the series' time points (the model's `exog`). */
  exog?: Record<string, Float64Array | number[]>;
  /** The same regressors over the forecast horizon. */
  future?: Record<string, Float64Array | number[]>;
}

/** A series that failed before any fit (unreadable cells, duplicate times): its typed error. */
export interface SeriesFailure {
  id: string;
  error: { type: string; message: string };
}

/** The output rows of one series (cells as text, in the files' column order). */
export interface SeriesRows {
  id: string;
  forecasts: string[][];
  model: string[] | null;
  error: string[] | null;
}

/** Header of forecasts.csv for the levels: id, step, mean, lo80, hi80, lo95, hi95, … */
export function forecastHeader(levels: readonly number[]): string[] {
  return ['id', 'step', 'mean', ...levels.flatMap((l) => [`lo${l}`, `hi${l}`])];
}

export const MODELS_HEADER = ['id', 'model', 'order', 'aicc'];
export const ERRORS_HEADER = ['id', 'type', 'message'];

/** A number as its shortest round-trip decimal; non-finite numbers (and null) as an empty cell. */
export function numberCell(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** The model's order as a label: ARIMA's `(p,d,q)(P,D,Q)[s]` form, else `name(order)` when the fit has one, else ''. */
function orderLabel(entry: SeriesModelEntry, fit: Forecaster): string {
  if (entry.name === 'arima' || entry.name === 'auto-arima') return arimaLabel(fit as unknown as FittedARIMA);
  const order = (fit as { order?: unknown }).order;
  if (typeof order === 'number' || (Array.isArray(order) && order.every((v) => typeof v === 'number'))) return `${entry.name}(${String(order)})`;
  return '';
}

/**
 * Fits `settings.model` to one series and returns its rows; a failure of the series (any error)
 * becomes its error row, so that one bad series never stops the others. The entry's `prepare`
 * (the tensor engine of the neural models) must have run in this thread.
 */
export function seriesRows(settings: SeriesTaskSettings, series: SeriesInput | SeriesFailure): SeriesRows {
  if ('error' in series) return { id: series.id, forecasts: [], model: null, error: [series.id, series.error.type, series.error.message] };
  const entry = findModel(settings.model) as SeriesModelEntry;
  let fit: Forecaster | undefined;
  try {
    fit = fitEntry(entry, series.y, series.exog ? { ...settings.options, exog: series.exog } : settings.options) as Forecaster;
    const fc = fit.forecast(settings.horizon, series.future ? { exog: series.future } : undefined).toJSON(settings.levels);
    const forecasts = fc.mean.map((m, i) => [
      series.id, String(i + 1), numberCell(m),
      ...settings.levels.flatMap((_, k) => [numberCell(fc.lower[k][i]), numberCell(fc.upper[k][i])]),
    ]);
    const aicc = (fit as { aicc?: unknown }).aicc;
    return { id: series.id, forecasts, model: [series.id, entry.name, orderLabel(entry, fit), numberCell(typeof aicc === 'number' ? aicc : null)], error: null };
  } catch (e) {
    const type = e instanceof ArdiffError ? e.name : 'InternalError';
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { id: series.id, forecasts: [], model: null, error: [series.id, type, message] };
  } finally {
    (fit as { dispose?: () => void } | undefined)?.dispose?.();
  }
}
