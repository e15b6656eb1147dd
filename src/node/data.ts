/**
 * Tables from CSV files and the bundled data sets by path (Node). Parsing is the pure
 * {@link parseCsv} of `core/series`; this module only finds and reads the bytes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from '../core/errors.js';
import { DATASETS, DATASET_PREFIX, findDataset, parseCsv, type Table } from '../core/series.js';

/** Absolute path of a file in the package's `data/` folder. */
export function dataPath(file: string): string {
  return fileURLToPath(new URL(`../../data/${file}`, import.meta.url));
}

/** Reads a text file, with a {@link DataError} naming `argument` when it is missing or unreadable. */
export function readTextFile(path: string, argument = 'file', what = 'file'): string {
  if (!existsSync(path)) throw new DataError(`${what} '${path}' does not exist`, argument);
  if (statSync(path).isDirectory()) throw new DataError(`${what} '${path}' is a folder; give a file`, argument);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read ${what} '${path}' (${(e as Error).message})`, argument);
  }
}

/**
 * Reads a CSV file, or a bundled data set when `fileOrName` names one (see {@link DATASETS};
 * `dataset:NAME` always means the data set). A plain name that is both a bundled data set and a
 * file in the working folder (`lynx` when ./lynx exists) is a {@link DataError} naming both ways
 * to say which is meant (`./lynx` or `dataset:lynx`), rather than silently reading one of them.
 */
export function readTable(fileOrName: string, argument = 'data'): Table {
  const ds = findDataset(fileOrName);
  if (ds && !fileOrName.startsWith(DATASET_PREFIX) && existsSync(fileOrName)) {
    throw new DataError(
      `'${fileOrName}' is both a bundled data set and a file in this folder; write ./${fileOrName} to read the file or ${DATASET_PREFIX}${fileOrName} for the data set`,
      argument,
    );
  }
  const path = ds ? dataPath(ds.file) : fileOrName;
  if (!existsSync(path)) {
    throw new DataError(
      `data file '${fileOrName}' does not exist; give a CSV path or a bundled data set name (${DATASETS.map((d) => d.name).join(', ')})`,
      argument,
    );
  }
  return parseCsv(readTextFile(path, argument, 'data file'), ds ? ds.name : fileOrName, argument);
}
