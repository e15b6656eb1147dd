/**
 * Writing output files safely (Node): the folder is checked before any long work starts
 * ({@link checkOutputPath}, {@link checkOutputDir}, {@link checkOutputs}), and files are written
 * atomically ({@link writeFileAtomic}: a temporary file in the same folder renamed over the
 * target), so a failure never leaves half a file.
 */
import { accessSync, constants, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { ArgumentError } from '../core/errors.js';

/** Folders of the kernel and devices: never written to (and `mkdir -p` under /proc can hang). */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

function underSystemDir(path: string): string | undefined {
  return SYSTEM_DIRS.find((d) => path === d || path.startsWith(d + sep));
}

/** The nearest part of `full` (itself or a folder above it) that exists, with links resolved. */
function existingAncestor(full: string): { path: string; real: string } {
  let p = full;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  let real = p;
  try {
    real = realpathSync(p);
  } catch {
    // a dangling link or unreadable folder: the checks below report it
  }
  return { path: p, real };
}

/**
 * Checks that `dir` can hold output files: it is (or can be made) a folder outside /proc, /sys and
 * /dev, and is writable. The folder is created. Returns its absolute path. `file`: the output file
 * whose folder this is, for the messages.
 */
export function checkOutputDir(dir: string, argument = 'path', file?: string): string {
  if (typeof dir !== 'string' || !dir.trim()) throw new ArgumentError(`${argument} must be a folder path`, argument);
  const full = resolve(dir);
  // Messages name what the user gave: the folder, or the file whose folder it is.
  const subject = file === undefined ? `${argument} '${dir}'` : `the folder of ${argument} '${file}'`;
  const system = underSystemDir(full) ?? underSystemDir(existingAncestor(full).real);
  if (system) throw new ArgumentError(`${argument} '${file ?? dir}' is under ${system}, a system folder; choose a location of your own`, argument);
  const { path: existing } = existingAncestor(full);
  if (existsSync(existing) && !statSync(existing).isDirectory()) {
    throw new ArgumentError(existing === full && file === undefined
      ? `${subject} is a file, not a folder; give a folder`
      : `cannot create ${subject}: '${existing}' is a file, not a folder; choose another location`, argument);
  }
  try {
    mkdirSync(full, { recursive: true });
    accessSync(full, constants.W_OK);
  } catch (e) {
    throw new ArgumentError(`cannot create ${subject} (${(e as Error).message}); choose a writable location`, argument);
  }
  return full;
}

/**
 * Checks that `path` can be written: it is not a folder, it is not under /proc, /sys or /dev, and
 * its folder exists or can be created (it is created). Call it before the work whose result goes
 * there. Returns the absolute path.
 */
export function checkOutputPath(path: string, argument = 'path'): string {
  if (typeof path !== 'string' || !path.trim()) throw new ArgumentError(`${argument} must be a file path`, argument);
  const full = resolve(path);
  if (/[\\/]$/.test(path) || (existsSync(full) && statSync(full).isDirectory())) {
    throw new ArgumentError(`${argument} '${path}' is a folder; give a file path inside it`, argument);
  }
  checkOutputDir(dirname(full), argument, path);
  return full;
}

/** Whether two paths name the same file, however they are spelled (links resolved where the file exists). */
export function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    const full = resolve(p);
    if (existsSync(full)) return realpathSync(full);
    const { path, real: r } = existingAncestor(full);
    return r + full.slice(path.length);
  };
  return real(a) === real(b);
}

/**
 * Checks output files before any long work: none may be one of the inputs or an earlier output
 * (it would be overwritten), and each must be writable ({@link checkOutputPath}: its folder is
 * created, a folder in its place is refused). `outputs` and `inputs` pair flags with paths; absent
 * ones are skipped.
 */
export function checkOutputs(outputs: readonly (readonly [flag: string, path: string | undefined])[], inputs: readonly (readonly [flag: string, path: string | undefined])[] = []): void {
  outputs.forEach(([flag, out], k) => {
    if (out === undefined) return;
    const other = [...inputs, ...outputs.slice(0, k)].find(([, p]) => p !== undefined && samePath(out, p));
    if (other) throw new ArgumentError(`${flag} '${out}' is the ${other[0]} file, which would be overwritten; write to another path`, flag);
    checkOutputPath(out, flag);
  });
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
