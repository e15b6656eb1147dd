/**
 * `ardiff fit --model lstm|gru`: a DeepAR-style recurrent forecaster on one column.
 *
 *   ardiff fit --data FILE.csv --column NAME --model lstm|gru [--transform log|log10]
 *              [--epochs N] [--context C] [--hidden H] [--likelihood gaussian|student-t]
 *              [--seasonal-period s] [--seed S] [--horizon H] [--level 80,95] [--json]
 *
 * The seasonal period defaults to the bundled data set's frequency. A progress bar (epochs, train
 * and validation NLL) goes to stderr when stderr is a terminal and --json is not given. `--json`
 * prints {"model", "label", "config", "nWeights", "training", "forecast": {"mean", "lower",
 * "upper", "level"}} plus "forecastOriginalScale" (back-transformed quantiles) with --transform.
 * Loaded on demand by program.ts, so other commands do not load the tensor library.
 */
import cliProgress from 'cli-progress';
import { ArdiffError, ArgumentError } from '../../core/errors.js';
import { inverseTransform, type Transform } from '../../core/series.js';
import type { Forecast } from '../../core/forecast.js';
import { initEngine } from '../../neural/engine/init.js';
import { fitDeepAR, resolveDeepARConfig, type DeepARLikelihood, type DeepAROptions, type FittedDeepAR } from '../../neural/deepar.js';
import { jsonSafe, type Json } from '../json.js';

export interface NeuralFitFlags {
  model: string;
  epochs?: string;
  context?: string;
  hidden?: string;
  likelihood?: string;
  seed?: string;
  seasonalPeriod?: string;
  json?: boolean;
}

export interface NeuralFitContext {
  /** --horizon, when given. */
  horizon?: number;
  levels: number[];
  transform: Transform;
  /** Frequency of the bundled data set, if --data named one. */
  frequency?: number;
}

/** Library option names → the flags that set them, so errors name what the user typed. */
const FLAG_OF: Record<string, string> = { epochs: '--epochs', contextLength: '--context', hiddenSize: '--hidden', likelihood: '--likelihood', seed: '--seed', seasonalPeriod: '--seasonal-period', y: '--column' };

function asFlagError(e: unknown): unknown {
  if (!(e instanceof ArdiffError) || !e.argument || !(e.argument in FLAG_OF)) return e;
  const Ctor = e.constructor as new (m: string, a?: string) => ArdiffError;
  return new Ctor(e.message, FLAG_OF[e.argument]);
}

function intFlag(s: string | undefined, flag: string, min: number): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (s.trim() === '' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${flag} must be an integer ≥ ${min}; got '${s}'`, flag);
  return v;
}

function quantiles(fc: Forecast, levels: number[], map: (v: number) => number): Record<string, unknown> {
  const ints = levels.map((l) => fc.interval(l));
  const m = (a: Float64Array) => Array.from(a, map);
  const single = levels.length === 1;
  return {
    lower: single ? m(ints[0].lower) : ints.map((i) => m(i.lower)),
    upper: single ? m(ints[0].upper) : ints.map((i) => m(i.upper)),
    level: single ? levels[0] : levels,
  };
}

function forecastTable(fc: Forecast, levels: number[]): string {
  const ints = levels.map((l) => fc.interval(l));
  const header = ['h', 'mean', ...levels.flatMap((l) => [`lo ${l}`, `hi ${l}`])];
  const rows = Array.from(fc.mean(), (m, i) => [String(i + 1), m.toPrecision(6), ...ints.flatMap((iv) => [iv.lower[i].toPrecision(6), iv.upper[i].toPrecision(6)])]);
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  return [header, ...rows].map((r) => r.map((c, j) => c.padStart(w[j])).join('  ')).join('\n');
}

/** Fits the DeepAR forecaster the flags describe to `y` (already transformed) and forecasts. */
export async function runNeuralFit(y: Float64Array, flags: NeuralFitFlags, ctx: NeuralFitContext): Promise<{ json: Record<string, Json>; text: string }> {
  const cell = flags.model;
  if (cell !== 'lstm' && cell !== 'gru') throw new ArgumentError(`--model must be lstm or gru here; got '${cell}'`, '--model');
  const epochs = intFlag(flags.epochs, '--epochs', 1);
  const contextLength = intFlag(flags.context, '--context', 1);
  const hiddenSize = intFlag(flags.hidden, '--hidden', 1);
  const seed = intFlag(flags.seed, '--seed', 0) ?? 0;
  const seasonalPeriod = intFlag(flags.seasonalPeriod, '--seasonal-period', 1) ?? ctx.frequency ?? 1;
  const likelihood = (flags.likelihood ?? 'gaussian') as DeepARLikelihood;
  if (likelihood !== 'gaussian' && likelihood !== 'student-t') throw new ArgumentError(`--likelihood must be gaussian or student-t; got '${flags.likelihood}'`, '--likelihood');
  await initEngine();
  const bar = process.stderr.isTTY && !flags.json
    ? new cliProgress.SingleBar({
      stream: process.stderr,
      format: `fit ${cell} |{bar}| {value}/{total} epochs | train NLL {train} | valid NLL {val} | {duration_formatted}`,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic)
    : undefined;
  let fit: FittedDeepAR;
  try {
    const options: DeepAROptions = { cell, epochs, contextLength, hiddenSize, likelihood, seed, seasonalPeriod };
    bar?.start(resolveDeepARConfig(options).epochs, 0, { train: '-', val: '-' });
    fit = fitDeepAR(y, {
      ...options,
      onEpoch: (e) => bar?.update(e.epoch, { train: e.trainLoss.toFixed(3), val: Number.isFinite(e.valLoss) ? e.valLoss.toFixed(3) : '-' }),
    });
  } catch (e) {
    throw asFlagError(e);
  } finally {
    bar?.stop();
  }
  try {
    const s = fit.config.seasonalPeriod;
    const h = ctx.horizon ?? (s > 1 ? 2 * s : 10);
    const fc = fit.forecast(h);
    const label = `DeepAR-${cell.toUpperCase()}(${fit.config.layers}x${fit.config.hiddenSize}, ${fit.config.likelihood})`;
    const out: Record<string, unknown> = {
      model: cell,
      label,
      config: fit.config,
      nWeights: fit.nWeights,
      training: fit.training,
      forecast: { mean: fc.mean(), ...quantiles(fc, ctx.levels, (v) => v) },
    };
    if (ctx.transform !== 'none') {
      out.forecastOriginalScale = { median: Array.from(fc.quantile(0.5), (v) => inverseTransform(v, ctx.transform)), ...quantiles(fc, ctx.levels, (v) => inverseTransform(v, ctx.transform)) };
    }
    const scale = ctx.transform === 'none' ? 'data scale' : `${ctx.transform} scale`;
    const text = `${fit.summary()}\n\nForecast (${scale}, ${fit.paths} sample paths, seed ${seed}):\n${forecastTable(fc, ctx.levels)}`;
    return { json: jsonSafe(out) as Record<string, Json>, text };
  } finally {
    fit.dispose();
  }
}
