/**
 * The `ardiff` command line: thin commands over the public API (parse, call, print). The model
 * commands (`fit`, `backtest`, `models`) are built from the registry.
 *
 *   ardiff fit --data FILE.csv --column NAME --model arima --order p,d,q [...] [--json]
 *   ardiff backtest --data FILE.csv --column NAME --models naive,auto-arima --horizon H
 *   ardiff impute --data FILE.csv --columns a,b --model kalman|linear --out FILLED.csv
 *   ardiff risk --data FILE.csv --column r --models historical,ar,garch [--levels 1,5] [--chart risk.svg]
 *   ardiff models [name]
 *   ardiff datasets
 *   ardiff demo
 */
import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { applyTransform, findDataset, DATASETS, numericColumn } from '../core/series.js';
import { readTable } from '../node/data.js';
import { checkOutputDir, writeFileAtomic } from '../node/files.js';
import { fitAutoARIMA } from '../classical/auto-arima.js';
import { arimaLabel } from '../classical/arima.js';
import { fanChartSvg } from '../charts/fan-chart.js';
import { fail } from './flags.js';
import { reportFailure, usageFailure, wantsJson } from './json.js';
import { registerFit } from './commands/fit.js';
import { registerModels } from './commands/models.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDiffusionCommands } from './commands/diffusion.js';
import { registerGptCommands } from './commands/gpt.js';
import { registerSpeechCommands } from './commands/speech.js';
import { registerImageGptCommands } from './commands/image-gpt.js';
import { registerVideoCommands } from './commands/video.js';
import { registerImpute } from './commands/impute.js';
import { registerRisk } from './commands/risk.js';
import { registerBatch } from './commands/batch.js';
import { registerStudio } from './commands/studio.js';

async function runDemo(outDir: string): Promise<void> {
  // The folder is checked (and made) before the work, so a bad --out costs nothing.
  checkOutputDir(outDir, '--out');
  const ds = findDataset('air-passengers')!;
  const table = readTable(ds.name);
  const raw = numericColumn(table, ds.column);
  const time = numericColumn(table, 'time');
  const y = applyTransform(raw, 'log');
  console.log(`Auto-ARIMA on AirPassengers (log scale), monthly 1949-1960, n = ${y.length}\n`);
  const t0 = performance.now();
  const fit = fitAutoARIMA(y, { period: ds.frequency });
  const ms = performance.now() - t0;
  console.log(`Selected ${arimaLabel(fit)} from ${fit.selection?.tried.length} candidate models in ${ms.toFixed(0)} ms\n`);
  console.log(fit.summary());
  const h = 24;
  const fc = fit.forecast(h);
  const i80 = fc.interval(80), i95 = fc.interval(95);
  const mean = fc.mean();
  const step = 1 / ds.frequency;
  const lastT = time[time.length - 1];
  console.log('\nForecast, passengers (thousands; back-transformed median and intervals):');
  const header = ['month', 'forecast', 'lo 80', 'hi 80', 'lo 95', 'hi 95'];
  const rows: string[][] = [];
  const points: { t: number; mean: number; lo80: number; hi80: number; lo95: number; hi95: number }[] = [];
  for (let i = 0; i < h; i++) {
    const t = lastT + (i + 1) * step;
    const year = Math.floor(t + 1e-9), month = Math.round((t - year) * 12) + 1;
    const p = { t, mean: Math.exp(mean[i]), lo80: Math.exp(i80.lower[i]), hi80: Math.exp(i80.upper[i]), lo95: Math.exp(i95.lower[i]), hi95: Math.exp(i95.upper[i]) };
    points.push(p);
    rows.push([`${year}-${String(month).padStart(2, '0')}`, p.mean.toFixed(1), p.lo80.toFixed(1), p.hi80.toFixed(1), p.lo95.toFixed(1), p.hi95.toFixed(1)]);
  }
  const w = header.map((hd, j) => Math.max(hd.length, ...rows.map((r) => r[j].length)));
  console.log([header, ...rows].map((r) => r.map((c, j) => c.padStart(w[j])).join('  ')).join('\n'));
  const svg = await fanChartSvg({
    title: `AirPassengers: ${arimaLabel(fit)} on log scale, 80% and 95% intervals`,
    yLabel: 'passengers (thousands)',
    history: Array.from(raw, (v, i) => ({ t: time[i], y: v })),
    forecast: points,
  });
  const file = `${outDir.replace(/\/$/, '')}/air-passengers-forecast.svg`;
  writeFileAtomic(file, svg, '--out');
  console.log(`\nFan chart written to ${file}`);
}

/** The package's version, read from its package.json (two folders up from src/cli or dist/cli). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Commander's own errors (unknown option or command, missing or invalid value, missing command)
 * become the CLI's usage error on `cmd` and every command under it: exit 2, `error: …` on stderr
 * and, with --json, the JSON error object on stdout. --help and --version still exit 0.
 */
function applyErrorContract(cmd: Command, root: Command, path: string): void {
  cmd.exitOverride((err: CommanderError) => {
    if (err.exitCode === 0) throw err;
    const argv = (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
    const failure = usageFailure(err, path, cmd.commands.map((c) => c.name()));
    reportFailure(failure, wantsJson(argv.slice(2)));
    process.exit(failure.exitCode);
  });
  for (const sub of cmd.commands) applyErrorContract(sub, root, `${path} ${sub.name()}`);
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('ardiff').description('Autoregressive and diffusion models: fit, forecast and compare on your data')
    .version(packageVersion(), '-V, --version', 'print the version')
    // Commander's error line is replaced by the CLI's own (see applyErrorContract); the commands inherit this.
    .configureOutput({ outputError: () => undefined });
  registerFit(program);
  registerModels(program);
  program
    .command('datasets')
    .description('list the bundled data sets')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        console.log(JSON.stringify(DATASETS));
        return;
      }
      const w = Math.max(...DATASETS.map((d) => d.name.length));
      for (const d of DATASETS) console.log(`${d.name.padEnd(w)}  ${d.description} [column ${d.column}, period ${d.frequency}]`);
    });
  program
    .command('demo')
    .description('the main job: auto-ARIMA on AirPassengers (log), summary, forecast table and an SVG fan chart')
    .option('--out <dir>', 'output folder for the chart', 'out')
    .action(async (flags: { out: string }) => {
      try {
        await runDemo(flags.out);
      } catch (e) {
        fail(e, false);
      }
    });
  registerBacktest(program);
  registerImpute(program);
  registerRisk(program);
  registerBatch(program);
  registerDiffusionCommands(program);
  registerGptCommands(program);
  registerSpeechCommands(program);
  registerImageGptCommands(program);
  registerVideoCommands(program);
  registerStudio(program);
  applyErrorContract(program, program, 'ardiff');
  return program;
}
