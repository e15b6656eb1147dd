/**
 * Writing output files safely (Node): the folder is checked before any long work starts
 * ({@link checkOutputPath}), and files are written atomically ({@link writeFileAtomic}: a temporary
 * file in the same folder renamed over the target), so a failure never leaves half a file.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ArgumentError } from '../core/errors.js';

/**
 * Checks that `path` can be written: it is not a folder, and its folder exists or can be created
 * (it is created). Call it before the work whose result goes there.
 */
export function checkOutputPath(path: string, argument = 'path'): string {
  if (typeof path !== 'string' || !path.trim()) throw new ArgumentError(`${argument} must be a file path`, argument);
  const full = resolve(path);
  if (existsSync(full) && statSync(full).isDirectory()) {
    throw new ArgumentError(`${argument} '${path}' is a folder; give a file path inside it`, argument);
  }
  const dir = dirname(full);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ArgumentError(`cannot create the folder of ${argument} '${path}' (${(e as Error).message}); choose a writable location`, argument);
  }
  if (!statSync(dir).isDirectory()) throw new ArgumentError(`the folder of ${argument} '${path}' is a file; choose another path`, argument);
  return full;
}

let counter = 0;

/** Writes `data` to `path` atomically (temporary file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array, argument = 'path'): void {
  const full = checkOutputPath(path, argument);
  const tmp = `${full}.${process.pid}.${++counter}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ArgumentError(`cannot write ${argument} '${path}' (${(e as Error).message}); check that its folder is writable`, argument);
  }
}
