#!/usr/bin/env node
// Entry point of the `ardiff` command (see program.ts for the commands). Every failure ends here
// as the CLI's contract says (json.ts): exit 2 for bad input, exit 1 for a bug, `error: …` on
// stderr, the JSON error object on stdout with --json, and never a stack trace.
import { CommanderError } from 'commander';
import { describeFailure, reportFailure, wantsJson } from './json.js';

const argv = process.argv.slice(2);

/** Reports `e` once and exits with its code. */
function die(e: unknown): never {
  const failure = describeFailure(e, argv);
  reportFailure(failure, wantsJson(argv));
  process.exit(failure.exitCode);
}

// Registered before anything loads the tensor engine: its WebAssembly module adds listeners that
// rethrow (exit 7 with a stack trace); the first listener exits cleanly, so theirs never runs.
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

try {
  const { buildProgram } = await import('./program.js');
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  // --help and --version (commander's exit code 0); usage errors exited in program.ts already.
  if (e instanceof CommanderError && e.exitCode === 0) process.exit(0);
  die(e);
}
