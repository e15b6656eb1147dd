/**
 * `ardiff studio [--port 5173] [--host 127.0.0.1] [--data file.csv] [--json]`: serves the studio
 * page on this machine and prints its address (it opens nothing by itself); Ctrl-C stops it.
 * A thin shell over node/studio.ts; the page runs the library in the browser.
 */
import type { Command } from 'commander';
import { startStudio } from '../../node/studio.js';
import { intFlag } from '../flags.js';
import { flagAction } from '../json.js';

interface StudioFlags {
  port?: string;
  host?: string;
  data?: string;
  json?: boolean;
}

const FLAG_OF = { port: '--port', host: '--host', data: '--data', studio: 'studio' } as const;

async function runStudio(flags: StudioFlags): Promise<void> {
  const port = intFlag(flags.port, '--port', 0, 5173);
  const server = await startStudio({ port, ...(flags.host ? { host: flags.host } : {}), ...(flags.data ? { data: flags.data } : {}) });
  console.log(flags.json ? JSON.stringify({ url: server.url, port: server.port }) : `ardiff studio at ${server.url} (Ctrl-C stops it)`);
  const stop = () => { void server.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerStudio(program: Command): void {
  program.command('studio')
    .description('serve a local web page to fit, compare and backtest forecasting models in the browser')
    .option('--port <n>', 'port to listen on (default 5173; 0 picks a free one)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1: this machine only)')
    .option('--data <file>', 'a CSV file to offer in the page')
    .option('--json', 'print the address as JSON')
    .action(flagAction(runStudio, FLAG_OF));
}
