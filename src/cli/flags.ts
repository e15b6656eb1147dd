/**
 * The command line's flag parsers, in one place: every command turns the text of its flags into
 * values here, and every failure is an {@link ArgumentError} that names the flag and says what
 * it takes. Also the output helpers shared by the commands (typed failure, JSON printing,
 * progress bars, library-error-to-flag mapping).
 */
import cliProgress from 'cli-progress';
import { ArdiffError, ArgumentError } from '../core/errors.js';
import { checkLevel } from '../core/forecast.js';
import { parseIntList } from '../core/model-entry.js';
import { parseDecimal } from '../core/series.js';

/** A decimal integer ≥ `min` (default 1), or `fallback` when the flag was not given ('', ' ' and hex such as '0x3' are refused). */
export function intFlag(s: string | undefined, flag: string, min?: number): number | undefined;
export function intFlag(s: string | undefined, flag: string, min: number, fallback: number): number;
export function intFlag(s: string | undefined, flag: string, min = 1, fallback?: number): number | undefined {
  if (s === undefined) return fallback;
  const v = parseDecimal(s);
  if (!Number.isInteger(v) || v < min) {
    const what = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    throw new ArgumentError(`${flag} must be ${what}; got '${s}'`, flag);
  }
  return v;
}

/** A finite decimal number (optionally within [min, max]), or `fallback` when the flag was not given. */
export function numberFlag(s: string | undefined, flag: string, range: { min?: number; max?: number } = {}, fallback?: number): number | undefined {
  if (s === undefined) return fallback;
  const v = parseDecimal(s);
  const { min = -Infinity, max = Infinity } = range;
  if (!Number.isFinite(v) || v < min || v > max) {
    const bounds = min > -Infinity && max < Infinity ? ` between ${min} and ${max}` : min > -Infinity ? ` ≥ ${min}` : max < Infinity ? ` ≤ ${max}` : '';
    throw new ArgumentError(`${flag} must be a number${bounds}; got '${s}'`, flag);
  }
  return v;
}

/** `n` comma-separated non-negative integers (e.g. an ARIMA order '1,1,1'). */
export function intListFlag(s: string, n: number, flag: string, example: string): number[] {
  return parseIntList(s, n, flag, example);
}

/** Comma-separated names (columns, models); at least `min` of them, no duplicates. */
export function namesFlag(s: string | undefined, flag: string, min = 1): string[] {
  const names = (s ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (names.length < min) throw new ArgumentError(`${flag} needs at least ${min} comma-separated name${min > 1 ? 's' : ''}; got '${s ?? ''}'`, flag);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ArgumentError(`${flag} names '${dup}' twice`, flag);
  return names;
}

/** Interval levels in per cent, e.g. '95' or '80,95'. */
export function levelsFlag(s: string, flag = '--level'): number[] {
  return String(s).split(',').map((x) => {
    const v = parseDecimal(x);
    checkLevel(v, flag);
    return v;
  });
}

/** One of `choices`, or `fallback` when the flag was not given. */
export function choiceFlag<T extends string>(s: string | undefined, flag: string, choices: readonly T[], fallback?: T): T | undefined {
  if (s === undefined) return fallback;
  if (!choices.includes(s as T)) throw new ArgumentError(`${flag} must be one of ${choices.join(', ')}; got '${s}'`, flag);
  return s as T;
}

/**
 * Rethrows a library error whose `argument` is a library option name as the same error naming
 * the CLI flag (`flagOf` maps option names to flags; unknown names stay as they are).
 */
export function asFlagError(e: unknown, flagOf: (name: string) => string | undefined): unknown {
  if (!(e instanceof ArdiffError) || !e.argument) return e;
  const flag = flagOf(e.argument);
  if (!flag || flag === e.argument) return e;
  const Ctor = e.constructor as new (m: string, a?: string) => ArdiffError;
  const message = e.message.replace(new RegExp(`^${e.argument.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`), flag);
  return new Ctor(message, flag);
}

/** Prints a typed error (as JSON too with --json) and exits with code 2; rethrows anything else. */
export function fail(e: unknown, json: boolean): never {
  if (e instanceof ArdiffError) {
    if (json) console.log(JSON.stringify({ error: { type: e.name, argument: e.argument ?? null, message: e.message } }));
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  throw e;
}

/** A progress bar on stderr when it is a terminal and `enabled`; a no-op otherwise. */
export function progressBar(label: string, total: number, enabled: boolean, format = '{value}/{total}'): { update: (done: number, info?: Record<string, string>) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} |{bar}| ${format} | {duration_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { update: (done, info) => bar.update(done, info ?? {}), stop: () => bar.stop() };
}
