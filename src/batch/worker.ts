/**
 * The worker thread of `ardiff batch` (a piscina task): forecasts one chunk of series with
 * {@link seriesRows}. The model's `prepare` (the tensor engine) runs once per thread.
 */
import { findModel } from '../registry.js';
import { seriesRows, type SeriesFailure, type SeriesInput, type SeriesRows, type SeriesTaskSettings } from './series-task.js';

/** A chunk: its index and its series, with what to fit. */
export interface ChunkTask {
  index: number;
  settings: SeriesTaskSettings;
  series: (SeriesInput | SeriesFailure)[];
}

/** The rows of every series of a chunk, in the chunk's order. */
export interface ChunkResult {
  index: number;
  rows: SeriesRows[];
}

const prepared = new Set<string>();

/** Forecasts every series of the chunk (errors of a series become its error row). */
export async function runChunk(task: ChunkTask): Promise<ChunkResult> {
  const entry = findModel(task.settings.model);
  if (!prepared.has(entry.name)) {
    await entry.prepare?.();
    prepared.add(entry.name);
  }
  return { index: task.index, rows: task.series.map((s) => seriesRows(task.settings, s)) };
}

export default runChunk;
