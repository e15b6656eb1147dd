/**
 * The root entry `ardiff` as Node sees it (the `node` export condition): everything of
 * index.ts plus the file adapters of `ardiff/node` (readTable, readWav/writeWav, PNG grids,
 * atomic writes).
 */
export * from './index.js';
export * from './node/index.js';
