#!/usr/bin/env node
// Entry point of the `ardiff` command (see program.ts for the commands).
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 1);
  throw e;
}
