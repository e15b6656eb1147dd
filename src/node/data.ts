/**
 * Tables from CSV files and the bundled data sets by path (Node). Parsing is the pure
 * {@link parseCsv} of `core/series`; this module only finds and reads the bytes.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
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
 * Reads and parses a JSON file (a model file, options): a missing, folder or unreadable path as
 * {@link readTextFile}, text that is not JSON a DataError naming `argument`, with `hint` (what to
 * give instead) after the parser's message.
 */
export function readJsonFile(path: string, argument = 'file', hint?: string, what = 'file'): unknown {
  const text = readTextFile(path, argument, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DataError(`${argument}: '${path}' is not JSON (${(e as Error).message})${hint ? `; ${hint}` : ''}`, argument);
  }
}

/**
 * Reads a CSV file, or a bundled data set when `fileOrName` names one (see {@link DATASETS};
 * `dataset:NAME` always means the data set). A plain name that is both a bundled data set and a
 * file in the working folder (`lynx` when ./lynx exists) is a {@link DataError} naming both ways
 * to say which is meant (`./lynx` or `dataset:lynx`), rather than silently reading one of them.
 */
export function readTable(fileOrName: string, argument = 'data'): Table {
  const { path, name } = tablePath(fileOrName, argument);
  return parseCsv(readTextFile(path, argument, 'data file'), name, argument);
}

/**
 * The path of a CSV file or bundled data set as {@link readTable} finds it, and the name errors
 * use; a missing file, or a name that is both, is a {@link DataError}.
 */
export function tablePath(fileOrName: string, argument = 'data'): { path: string; name: string } {
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
  if (statSync(path).isDirectory()) throw new DataError(`data file '${fileOrName}' is a folder; give a file`, argument);
  return { path, name: ds ? ds.name : fileOrName };
}

/** The files bundled in `data/audio` (speech WAVs) or `data/text` (tiny Shakespeare). */
export function bundledFiles(folder: 'audio' | 'text'): string[] {
  try {
    return readdirSync(dataPath(folder)).sort();
  } catch {
    return [];
  }
}

/**
 * Where an input file is: `source` when it exists; for `dataset:NAME`, a bare bundled file name
 * (`speech-6.wav`) or the README's repository path (`data/audio/speech-6.wav`) that does not exist
 * in the working folder, the bundled file in the package's `data/<folder>` — so the README's
 * commands work from any folder. Anything else is returned unchanged for the reader's own error.
 */
export function resolveBundledFile(source: string, folder: 'audio' | 'text', argument = 'file'): string {
  const bundled = (name: string): string | null => (bundledFiles(folder).includes(name) ? dataPath(`${folder}/${name}`) : null);
  if (source.startsWith(DATASET_PREFIX)) {
    const name = source.slice(DATASET_PREFIX.length);
    const path = bundled(name);
    if (!path) throw new DataError(`'${source}': no bundled ${folder} file '${name}'; the bundled ones are ${bundledFiles(folder).join(', ')}`, argument);
    return path;
  }
  if (existsSync(source)) return source;
  const name = basename(source);
  if (source === name || source === `data/${folder}/${name}`) return bundled(name) ?? source;
  return source;
}
