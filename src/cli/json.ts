/**
 * Output helpers for the CLI: JSON values (numbers that do not exist become null, never NaN), the
 * error contract (exit codes and the `{"error": {"type", "argument", "message"}}` object), and
 * progress on stderr (a bar on a terminal, a line per ~10% otherwise).
 */
import type { CommanderError } from 'commander';
import { ArdiffError, ArgumentError } from '../core/errors.js';
import { asFlagError, fail, progressBar } from './flags.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A deep copy of plain data with NaN/±Infinity as null and typed arrays as arrays. */
export function jsonSafe(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'object') {
    const out = Object.create(null) as { [k: string]: Json }; // keys are user text: '__proto__' must stay a key
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = jsonSafe(x);
    return out;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Errors. Every failure of a command ends in one of two ways:
//   exit 2: the input is at fault (a typed ArdiffError, a usage error of the command line, or a
//           model too large for memory), with `error: MESSAGE` on stderr;
//   exit 1: anything else (a bug), with one line `error: internal error: MESSAGE` on stderr.
// With --json the same failure is also printed on stdout as {"error": {"type", "argument", "message"}}.
// Never a stack trace.

/** A failure as the CLI reports it. */
export interface CliFailure {
  readonly exitCode: 1 | 2;
  readonly type: string;
  readonly argument: string | null;
  readonly message: string;
}

/** Whether the command line asks for JSON output (`--json` anywhere before a `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Whether a failing command should print the JSON error: its --json flag, or --json anywhere on the
 * command line (a flag missing its value may have taken it as the value).
 */
export function jsonRequested(flag: boolean | undefined): boolean {
  return !!flag || wantsJson(process.argv.slice(2));
}

/** Prints a failure: the JSON error object on stdout with `json`, one line on stderr always. */
export function reportFailure(f: CliFailure, json: boolean): void {
  if (json) console.log(JSON.stringify({ error: { type: f.type, argument: f.argument, message: f.message } }));
  console.error(`error: ${f.message}`);
}

/** The memory the tensor engine can address: WebAssembly's 32-bit heap. */
export const ENGINE_MEMORY_BYTES = 4 * 2 ** 30;

/** Flags that size a network or a batch: the ones to name when the engine runs out of memory. */
const SIZE_FLAGS = ['--hidden', '--width', '--channels', '--blocks', '--context', '--image-size', '--frame', '--window', '--batch-size', '--rows', '--n', '--samples', '--paths', '--preset'];

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toPrecision(3)} GiB`;
}

/**
 * Refuses, before any work, a layer width that cannot fit in the engine's memory: a layer of `units`
 * units has at least units² weights of 4 bytes each.
 */
export function checkLayerSize(units: number | undefined, flag: string): void {
  if (units === undefined) return;
  const bytes = units * units * 4;
  if (bytes > ENGINE_MEMORY_BYTES) {
    const max = Math.floor(Math.sqrt(ENGINE_MEMORY_BYTES / 4));
    throw new ArgumentError(`${flag} ${units} is too large: a layer of ${units} units has at least ${units}² weights, ${gib(bytes)} at 4 bytes each, over the ${gib(ENGINE_MEMORY_BYTES)} the tensor engine can hold (so ${flag} ≤ ${max}, and much less in practice); use a smaller ${flag}`, flag);
  }
}

/** An out-of-memory failure of the engine or of V8, as a typed failure naming the size flags given. */
function memoryFailure(e: unknown, argv: readonly string[]): CliFailure | undefined {
  if (!(e instanceof Error) || (e instanceof ArdiffError && e.argument !== undefined)) return undefined;
  const m = e.message;
  const v8 = e instanceof RangeError && /Invalid typed array length|Array buffer allocation failed|Invalid array length|Invalid string length/i.test(m);
  const engine = /Out of memory|Cannot enlarge memory|memory access out of bounds|WebAssembly heap is full|Failed to allocate/i.test(m);
  if (!v8 && !engine) return undefined;
  const given = SIZE_FLAGS.filter((f) => argv.some((a) => a === f || a.startsWith(`${f}=`)));
  const length = /Invalid typed array length: (\d+)/.exec(m);
  const asked = length ? `; it asked for an array of ${length[1]} values (${gib(Number(length[1]) * 4)} as float32)` : '';
  const fix = given.length ? `reduce ${given.join(' or ')}` : 'use less data or a smaller model';
  return {
    exitCode: 2,
    type: given.length ? 'ArgumentError' : 'DataError',
    argument: given[0] ?? null,
    message: `out of memory: the model or its data is too large (${m.split('\n')[0]}${asked}); the tensor engine holds at most ${gib(ENGINE_MEMORY_BYTES)}: ${fix}`,
  };
}

/** Any thrown value as the failure the CLI reports (see the contract above). */
export function describeFailure(e: unknown, argv: readonly string[]): CliFailure {
  const oom = memoryFailure(e, argv);
  if (oom) return oom;
  if (e instanceof ArdiffError) return { exitCode: 2, type: e.name, argument: e.argument ?? null, message: e.message };
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { exitCode: 1, type: 'InternalError', argument: null, message: `internal error: ${text.split('\n')[0]} (please report this with the command line)` };
}

/** The flag or command a commander error is about: the first quoted word of its message. */
function commanderArgument(err: CommanderError, commandPath: string): string | null {
  if (err.code === 'commander.help') return commandPath;
  const quoted = /'([^']+)'/.exec(err.message);
  return quoted ? quoted[1].split(/\s/)[0] : null;
}

/**
 * A usage error of commander (unknown option or command, missing or invalid value, missing
 * command) as the CLI's typed failure: an ArgumentError naming the flag or command, exit 2.
 * `commandPath` names the command that raised it (e.g. 'ardiff diffusion'); `subcommands` its
 * commands, for the message when one is missing.
 */
export function usageFailure(err: CommanderError, commandPath: string, subcommands: readonly string[]): CliFailure {
  const message = err.code === 'commander.help'
    ? `${commandPath} needs a command: ${subcommands.join(', ')} (${commandPath} --help describes them)`
    : `${err.message.replace(/^error: /, '').replace(/\n+/g, ' ')} (${commandPath} --help lists the options)`;
  return { exitCode: 2, type: 'ArgumentError', argument: commanderArgument(err, commandPath), message };
}

// ---------------------------------------------------------------------------------------------
// Progress.

/** Progress of a long phase on stderr. */
export interface Progress {
  /** `done` of the total, with the values of the format's {fields}. */
  update(done: number, info?: Record<string, string>): void;
  /** A line about what happens next (e.g. an evaluation that reports nothing until it ends). */
  note(message: string): void;
  stop(): void;
}

/**
 * Progress on stderr when `enabled`: a bar on a terminal; otherwise (a log file, a pipe) a line each
 * time another ~10% is done, and the notes as lines. `format` is the bar's, e.g.
 * '{value}/{total} steps | loss {loss}'.
 */
export function progress(label: string, total: number, enabled: boolean, format = '{value}/{total}'): Progress {
  if (!enabled) return { update: () => undefined, note: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = progressBar(label, total, true, format);
    let done = 0, stopped = false;
    return {
      update: (d, info) => { done = d; bar.update(d, info); },
      // A line under a running bar would be drawn over: notes show once the bar is complete.
      note: (message) => {
        if (done < total) return;
        if (!stopped) { bar.stop(); stopped = true; }
        process.stderr.write(`${label}: ${message}\n`);
      },
      stop: () => { if (!stopped) { bar.stop(); stopped = true; } },
    };
  }
  const started = performance.now();
  const fields: Record<string, string> = {};
  let decile = 0;
  const line = (done: number): string => {
    const elapsed = (performance.now() - started) / 1000;
    const eta = done > 0 && done < total ? `${Math.round((elapsed * (total - done)) / done)}s` : '0s';
    const text = format
      .replace(/\s*\|?\s*\{bar\}\s*\|?\s*/g, ' ')
      .replace(/\{(\w+)\}/g, (_, k: string) => (k === 'value' ? String(done) : k === 'total' ? String(total) : k === 'percentage' ? String(Math.floor((100 * done) / total))
        : k === 'eta_formatted' ? eta : k === 'duration_formatted' ? `${Math.round(elapsed)}s` : fields[k] ?? '-'));
    return `${label}: ${text.trim()} (${Math.floor((100 * done) / Math.max(total, 1))}%, ${elapsed.toFixed(1)} s)\n`;
  };
  return {
    update: (done, info) => {
      Object.assign(fields, info ?? {});
      const d = total > 0 ? Math.floor((10 * Math.min(done, total)) / total) : 10;
      if (d > decile) {
        decile = d;
        process.stderr.write(line(done));
      }
    },
    note: (message) => { process.stderr.write(`${label}: ${message}\n`); },
    stop: () => undefined,
  };
}

/**
 * A command action that runs `run` and turns any typed error into the CLI failure: library option
 * names mapped to the flags that set them (`flagOf`), JSON with --json, exit code 2.
 */
export function flagAction<F extends { json?: boolean }>(run: (flags: F) => Promise<void>, flagOf: Readonly<Record<string, string>>): (flags: F) => Promise<void> {
  return async (flags) => {
    try {
      await run(flags);
    } catch (e) {
      fail(asFlagError(e, (name) => flagOf[name]), jsonRequested(flags.json));
    }
  };
}
