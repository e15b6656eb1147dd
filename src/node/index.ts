/**
 * `ardiff/node`: the Node-only adapters — CSV files and bundled data sets by path, WAV files,
 * PNG image grids, animated GIFs, atomic file writing. Everything else in ardiff is pure and
 * runs in browsers too; in Node the root entry `ardiff` re-exports this module as well.
 */
export { readTable, readTextFile, dataPath } from './data.js';
export { readWav, writeWav } from './wav.js';
export { imageGridPng, writeImageGrid, type ImageGridOptions } from './png.js';
export { encodeGreyGif, writeGreyGif, type GifOptions } from './gif.js';
export { checkOutputPath, writeFileAtomic } from './files.js';
export { loadMnist } from './mnist.js';
