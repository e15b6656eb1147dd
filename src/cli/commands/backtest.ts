/**
 * `ardiff backtest`: one series (`--column`): hold out the last H points, fit each named model on
 * the rest, forecast H and score on the original scale (MASE, sMAPE, CRPS, 80%/95% coverage);
 * several series (`--columns`): W rolling-origin windows of H rows, one fit, CRPS-sum, wQL,
 * energy score, 80%/90% coverage (src/backtest-multi.ts). The logic lives in src/backtest*.ts;
 * this module parses flags and prints.
 *
 *   ardiff backtest --data F --column NAME --models seasonal-naive,auto-arima --horizon H
 *                   [--seasonal-period s] [--seed S] [--epochs E] [--transform log] [--json]
 *   ardiff backtest --data F --columns a,b,c --models var,lasso-var,seasonal-naive --horizon H
 *                   [--windows W] [--paths 100] [--seed S] [--transform dlog] [--json]
 */
import { Option, type Command } from 'commander';
import { ArgumentError } from '../../core/errors.js';
import { columnExpression, findDataset, type Transform } from '../../core/series.js';
import { readTable } from '../../node/data.js';
import { backtest, formatBacktestTable, type BacktestProgress } from '../../backtest.js';
import { backtestMulti, formatMultiBacktestTable } from '../../backtest-multi.js';
import { jsonSafe, progress, type Json } from '../json.js';
import { fail, intFlag, namesFlag, asFlagError } from '../flags.js';
import { multiSeriesData } from '../data.js';

export interface BacktestFlags {
  data: string;
  column?: string;
  columns?: string;
  windows?: string;
  models: string;
  horizon: string;
  seasonalPeriod?: string;
  seed?: string;
  epochs?: string;
  context?: string;
  transform?: string;
  scoring?: string;
  paths?: string;
  json?: boolean;
}

/** Runs the backtest for parsed flags; returns the JSON object and the text table. */
export async function runBacktest(flags: BacktestFlags): Promise<{ json: Record<string, Json>; text: string }> {
  if (flags.columns !== undefined) return runMultiBacktest(flags);
  if (flags.windows !== undefined) throw new ArgumentError('--windows applies to the backtest of several series (--columns)', '--windows');
  const table = readTable(flags.data, '--data');
  const ds = findDataset(flags.data);
  const column = flags.column ?? ds?.column;
  if (!column) throw new ArgumentError('--column is required with a CSV file: name the column to backtest', '--column');
  const y = columnExpression(table, column, '--column');
  const models = flags.models.split(',').map((v) => v.trim()).filter(Boolean);
  const hs = flags.horizon.trim();
  const horizon = Number(hs);
  if (hs === '' || !Number.isInteger(horizon)) throw new ArgumentError(`--horizon must be an integer between 1 and the series length − 1; got '${flags.horizon}'`, '--horizon');
  const seasonalPeriod = intFlag(flags.seasonalPeriod, '--seasonal-period', 1) ?? ds?.frequency ?? 1;
  const seed = intFlag(flags.seed, '--seed', 0);
  const epochs = intFlag(flags.epochs, '--epochs', 1);
  const context = intFlag(flags.context, '--context', 1);
  const paths = intFlag(flags.paths, '--paths', 1) ?? 1000;
  const transform = (flags.transform ?? 'none') as Transform;
  let bt;
  try {
    const bar = modelProgress(models.length, flags);
    bt = await backtest(y, {
      models, horizon, seasonalPeriod, seed, epochs, context, transform, paths,
      scoring: (flags.scoring ?? 'auto') as 'auto' | 'sample', onModel: bar.onModel,
    });
    bar.stop();
  } catch (e) {
    // name the CLI flag rather than the library option
    throw asFlagError(e, (name) => FLAG[name]);
  }
  const json = {
    horizon: bt.horizon,
    results: bt.results.map((r) => jsonSafe({
      model: r.model, mase: r.mase, smape: r.smape, crps: r.crps, coverage80: r.coverage80, coverage95: r.coverage95,
      crpsMethod: r.crpsMethod, seconds: r.seconds,
    })),
  };
  return { json, text: formatBacktestTable(bt, { paths, seed: seed ?? 0 }) };
}

/** A line per model on stderr (a bar on a terminal) when there are several models and no --json. */
function modelProgress(total: number, flags: BacktestFlags): { onModel: (info: BacktestProgress) => void; stop: () => void } {
  const bar = progress('backtest', total, total > 1 && !flags.json, '{value}/{total} models | {model}');
  return { onModel: (info) => bar.update(info.done, { model: `${info.model} (${info.seconds.toFixed(1)} s)` }), stop: () => bar.stop() };
}

/** Library option names → the flags that set them. */
const FLAG: Record<string, string> = {
  horizon: '--horizon', windows: '--windows', models: '--models', paths: '--paths', seed: '--seed',
  seasonalPeriod: '--seasonal-period', scoring: '--scoring', transform: '--transform', epochs: '--epochs', context: '--context',
};

/** The backtest of several series (`--columns`): rolling-origin windows, joint scores. */
async function runMultiBacktest(flags: BacktestFlags): Promise<{ json: Record<string, Json>; text: string }> {
  if (flags.column !== undefined) throw new ArgumentError('give either --column (one series) or --columns (several), not both', '--column');
  if (flags.scoring !== undefined && flags.scoring !== 'auto') throw new ArgumentError('--scoring applies to the backtest of one series; several series are scored from sample paths', '--scoring');
  const table = readTable(flags.data, '--data');
  const ds = findDataset(flags.data);
  if (flags.transform === 'log10') throw new ArgumentError('--transform for several series must be log, diff or dlog', '--transform');
  const data = multiSeriesData(table, { data: flags.data, columns: flags.columns, transform: flags.transform }, 'backtest');
  const models = namesFlag(flags.models, '--models');
  const hs = String(flags.horizon).trim();
  const horizon = Number(hs);
  if (hs === '' || !Number.isInteger(horizon) || horizon < 1) throw new ArgumentError(`--horizon must be a positive integer; got '${flags.horizon}'`, '--horizon');
  const windows = intFlag(flags.windows, '--windows', 1) ?? 1;
  const paths = intFlag(flags.paths, '--paths', 2) ?? 100;
  const seed = intFlag(flags.seed, '--seed', 0);
  const epochs = intFlag(flags.epochs, '--epochs', 1);
  const context = intFlag(flags.context, '--context', 1);
  const seasonalPeriod = intFlag(flags.seasonalPeriod, '--seasonal-period', 1) ?? ds?.frequency ?? 1;
  let bt;
  try {
    const bar = modelProgress(models.length, flags);
    bt = await backtestMulti(data, { models, horizon, windows, paths, seed, epochs, context, seasonalPeriod, onModel: bar.onModel });
    bar.stop();
  } catch (e) {
    throw asFlagError(e, (name) => FLAG[name]);
  }
  const json = {
    horizon: bt.horizon,
    windows: bt.windows,
    results: bt.results.map((r) => jsonSafe({
      model: r.model, crpsSum: r.crpsSum, wql: r.wql, energy: r.energy, coverage80: r.coverage80, coverage90: r.coverage90, fitSeconds: r.fitSeconds,
    })),
  };
  return { json, text: formatMultiBacktestTable(bt, { paths, seed: seed ?? 0 }) };
}

/** Adds `ardiff backtest` to the program. */
export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('hold out the last H points, fit each model on the rest and score its forecasts (MASE, sMAPE, CRPS, interval coverage)')
    .requiredOption('--data <file>', 'CSV file with a header row, or a bundled data set name (see `ardiff datasets`)')
    .option('--column <name>', 'one series: the column to backtest (default: the bundled data set\'s main column)')
    .option('--columns <a,b,c>', 'several series: the columns, forecast jointly by models of several series and one by one by models of one series')
    .option('--windows <W>', 'several series: rolling-origin test windows of H rows at the end (default 1)')
    .requiredOption('--models <a,b>', 'registered models, comma-separated (e.g. naive,seasonal-naive,auto-arima)')
    .requiredOption('--horizon <H>', 'points held out and forecast (1 ≤ H < series length)')
    .option('--seasonal-period <s>', 'seasonal period for MASE and the seasonal models (default: the data set\'s frequency, else 1)')
    .option('--seed <S>', 'seed of the sample paths and of the models that take one (default 0)')
    .option('--epochs <E>', 'training epochs of the neural models (lstm, gru, timegrad)')
    .option('--context <C>', 'context length (conditioning range) of the neural models (lstm, gru, timegrad; default: each model\'s own)')
    .addOption(new Option('--transform <t>', 'one series: fit on the log/log10 scale, score on the original; several: log | diff | dlog, scored on that scale').choices(['log', 'log10', 'diff', 'dlog']))
    .addOption(new Option('--scoring <s>', 'one series: auto (closed-form CRPS and intervals for Gaussian forecasts) or sample (sample paths for every model)').choices(['auto', 'sample']))
    .option('--paths <n>', 'sample paths (default 1000 for one series, 100 per window for several)')
    .option('--json', 'one series: {"horizon", "results": [{"model", "mase", "smape", "crps", "coverage80", "coverage95", "crpsMethod", "seconds"}]}; several: {"horizon", "windows", "results": [{"model", "crpsSum", "wql", "energy", "coverage80", "coverage90", "fitSeconds"}]}')
    .action(async (flags: BacktestFlags) => {
      try {
        const { json, text } = await runBacktest(flags);
        console.log(flags.json ? JSON.stringify(json) : text);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
}
