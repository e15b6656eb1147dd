/**
 * Preparing one time series for a diffusion model of its windows: the returns transform applied
 * before cutting windows (log returns 100·log(y_t / y_{t−1}) of a price series, differences, or
 * the values as they are), and the column names of the windows. The windows themselves are cut by
 * `slidingWindows` (../windows.ts).
 */
import { ArgumentError, DataError } from '../../core/errors.js';

/** What windows are cut from: log returns in per cent, first differences, or the values. */
export type SeriesReturns = 'log' | 'diff' | 'none';
export const SERIES_RETURNS: readonly SeriesReturns[] = ['log', 'diff', 'none'];

/**
 * The series the windows are cut from: 'log' gives 100·log(y_t / y_{t−1}) (per-cent log returns;
 * every value must be > 0), 'diff' y_t − y_{t−1}, both one value shorter than `y`; 'none' a copy
 * of `y`. `name` names the series in errors.
 *
 * @example
 * seriesReturns([100, 110, 99], 'log'); // [9.531…, −10.536…]
 */
export function seriesReturns(y: ArrayLike<number>, returns: SeriesReturns, name = 'the series'): Float64Array {
  if (!SERIES_RETURNS.includes(returns)) throw new ArgumentError(`returns must be log, diff or none; got '${String(returns)}'`, 'returns');
  const v = Float64Array.from(y);
  if (returns === 'none') return v;
  if (returns === 'log' && v.some((x) => !(x > 0))) {
    throw new DataError(`returns log needs a positive series; ${name} has values ≤ 0 (take diff returns instead)`, 'returns');
  }
  return returns === 'log' ? v.slice(1).map((x, i) => 100 * Math.log(x / v[i])) : v.slice(1).map((x, i) => x - v[i]);
}

/** Column names of windows of `length`: logret_1…, diff_1… or `${name}_1`… for the values. */
export function windowColumns(length: number, returns: SeriesReturns, name: string): string[] {
  const prefix = returns === 'log' ? 'logret' : returns === 'diff' ? 'diff' : name;
  return Array.from({ length }, (_, i) => `${prefix}_${i + 1}`);
}
