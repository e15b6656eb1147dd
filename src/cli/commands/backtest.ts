/**
 * `ardiff backtest`: hold out the last H points, fit each named model on the rest, forecast H and
 * score on the original scale (MASE, sMAPE, CRPS, 80%/95% coverage). The logic lives in
 * src/backtest.ts; this module parses flags and prints.
 *
 *   ardiff backtest --data F --column NAME --models seasonal-naive,auto-arima --horizon H
 *                   [--seasonal-period s] [--seed S] [--epochs E] [--transform log] [--json]
 */
import { Option, type Command } from 'commander';
import { ArgumentError } from '../../core/errors.js';
import { columnExpression, findDataset, type Transform } from '../../core/series.js';
import { readTable } from '../../node/data.js';
import { backtest, formatBacktestTable } from '../../backtest.js';
import { jsonSafe, type Json } from '../json.js';
import { fail } from '../program.js';

export interface BacktestFlags {
  data: string;
  column?: string;
  models: string;
  horizon: string;
  seasonalPeriod?: string;
  seed?: string;
  epochs?: string;
  transform?: string;
  scoring?: string;
  paths?: string;
  json?: boolean;
}

function integer(s: string | undefined, flag: string, min: number): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (s.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new ArgumentError(`${flag} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer; got '${s}'`, flag);
  }
  return v;
}

/** Runs the backtest for parsed flags; returns the JSON object and the text table. */
export async function runBacktest(flags: BacktestFlags): Promise<{ json: Record<string, Json>; text: string }> {
  const table = readTable(flags.data, '--data');
  const ds = findDataset(flags.data);
  const column = flags.column ?? ds?.column;
  if (!column) throw new ArgumentError('--column is required with a CSV file: name the column to backtest', '--column');
  const y = columnExpression(table, column, '--column');
  const models = flags.models.split(',').map((v) => v.trim()).filter(Boolean);
  const hs = flags.horizon.trim();
  const horizon = Number(hs);
  if (hs === '' || !Number.isInteger(horizon)) throw new ArgumentError(`--horizon must be an integer between 1 and the series length − 1; got '${flags.horizon}'`, '--horizon');
  const seasonalPeriod = integer(flags.seasonalPeriod, '--seasonal-period', 1) ?? ds?.frequency ?? 1;
  const seed = integer(flags.seed, '--seed', 0);
  const epochs = integer(flags.epochs, '--epochs', 1);
  const paths = integer(flags.paths, '--paths', 1) ?? 1000;
  const transform = (flags.transform ?? 'none') as Transform;
  let bt;
  try {
    bt = await backtest(y, {
      models, horizon, seasonalPeriod, seed, epochs, transform, paths,
      scoring: (flags.scoring ?? 'auto') as 'auto' | 'sample',
    });
  } catch (e) {
    // name the CLI flag rather than the library option
    if (e instanceof ArgumentError && e.argument && ['horizon', 'models', 'seasonalPeriod', 'seed', 'paths', 'scoring'].includes(e.argument)) {
      const flag = { horizon: '--horizon', models: '--models', seasonalPeriod: '--seasonal-period', seed: '--seed', paths: '--paths', scoring: '--scoring' }[e.argument];
      throw new ArgumentError(e.message.replace(new RegExp(`^${e.argument}\\b`), flag!), flag);
    }
    throw e;
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

/** Adds `ardiff backtest` to the program. */
export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('hold out the last H points, fit each model on the rest and score its forecasts (MASE, sMAPE, CRPS, interval coverage)')
    .requiredOption('--data <file>', 'CSV file with a header row, or a bundled data set name (see `ardiff datasets`)')
    .option('--column <name>', 'column to backtest (default: the bundled data set\'s main column)')
    .requiredOption('--models <a,b>', 'registered models, comma-separated (e.g. naive,seasonal-naive,auto-arima)')
    .requiredOption('--horizon <H>', 'points held out and forecast (1 ≤ H < series length)')
    .option('--seasonal-period <s>', 'seasonal period for MASE and the seasonal models (default: the data set\'s frequency, else 1)')
    .option('--seed <S>', 'seed of the sample paths and of the models that take one (default 0)')
    .option('--epochs <E>', 'training epochs of the neural models (lstm, gru)')
    .addOption(new Option('--transform <t>', 'fit on the transformed series; scores are on the original scale').choices(['log', 'log10']))
    .addOption(new Option('--scoring <s>', 'auto: closed-form CRPS and intervals for Gaussian forecasts; sample: sample paths for every model').choices(['auto', 'sample']).default('auto'))
    .option('--paths <n>', 'sample paths for sample-based scoring (default 1000)')
    .option('--json', 'print {"horizon", "results": [{"model", "mase", "smape", "crps", "coverage80", "coverage95", "crpsMethod", "seconds"}]}')
    .action(async (flags: BacktestFlags) => {
      try {
        const { json, text } = await runBacktest(flags);
        console.log(flags.json ? JSON.stringify(json) : text);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
}
