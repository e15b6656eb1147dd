/**
 * The root entry `ardiff` as Node sees it (the `node` export condition): everything of
 * index.ts plus the file adapters of `ardiff/node` (readTable, readWav/writeWav, PNG grids,
 * atomic writes) and `runBatch`, the forecasting of many series on worker threads.
 */
export * from './index.js';
export * from './node/index.js';
export { runBatch, type BatchOptions, type BatchProgress, type BatchSummary } from './batch/run.js';
export { compareIds, type BatchInput } from './batch/read.js';
