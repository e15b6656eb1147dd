// Runs the CLI in-process (no build needed) and captures its output and exit code.
import { vi } from 'vitest';
import { buildProgram } from '../src/cli/program.js';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export async function runCli(args: string[]): Promise<CliResult> {
  const out: string[] = [], err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
  const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => { throw new Exit(code ?? 0); }) as never);
  const stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation(((s: string) => { err.push(String(s)); return true; }) as never);
  let code = 0;
  try {
    const program = buildProgram();
    program.configureOutput({ writeErr: (s) => err.push(s), writeOut: (s) => out.push(s) });
    await program.parseAsync(['node', 'ardiff', ...args]);
  } catch (e) {
    if (e instanceof Exit) code = e.code;
    else if (e && typeof e === 'object' && 'exitCode' in e) code = (e as { exitCode: number }).exitCode || 1;
    else throw e;
  } finally {
    log.mockRestore(); error.mockRestore(); exit.mockRestore(); stderrWrite.mockRestore();
  }
  return { stdout: out.join('\n'), stderr: err.join('\n'), code };
}

/** Runs with --json and parses the one JSON object printed. */
export async function runCliJson(args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const r = await runCli([...args, '--json']);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { code: r.code, json: line ? JSON.parse(line) : {}, stderr: r.stderr };
}
