/**
 * What a model declares to be registered (see src/registry.ts): its name, what data it fits (one
 * series, several series, or a regression table with spatial weights), an options schema (zod:
 * names, types, defaults and help text, from which the CLI builds its flags and the library
 * validates), `fit`, `fromJSON`, the JSON it reports for `ardiff fit --json`, and the options a
 * backtest fits it with. `fromJSON`, `ardiff fit`, `ardiff backtest` and `ardiff models` iterate
 * the entries, so adding a model is one file (the model and its entry) plus one line in the
 * registry.
 *
 * Options are checked with the schema: an unknown option name, a wrong type or a value out of
 * range throws an {@link ArgumentError} naming the option (the CLI names the flag instead).
 */
import { z } from 'zod';
import { ArgumentError } from './errors.js';
import { parseDecimal } from './series.js';
import type { Forecaster, MultiForecaster, MultiSeriesData } from './model.js';

export { z };

/** What a model is fitted to. */
export type DataShape = 'series' | 'multiseries' | 'regression' | 'spatial';

export type { MultiSeriesData };

/** A regression table: the dependent variable and named regressors of the same length. */
export interface RegressionData {
  readonly y: Float64Array;
  readonly yName: string;
  readonly X: Readonly<Record<string, Float64Array>>;
}

/** Spatial regression data: a regression table and the neighbour edges of its units. */
export interface SpatialData extends RegressionData {
  /** Edges between units as 1-based pairs [from, to] (of `ids` when given, else row numbers). */
  readonly edges: readonly (readonly [number, number])[];
  /** Unit ids of the rows, when the edges name ids rather than row numbers. */
  readonly ids?: Float64Array;
}

/** Settings a backtest passes to every model; each entry maps them onto its own options. */
export interface BacktestSettings {
  /** Seasonal period of the data (1 without a season). */
  readonly seasonalPeriod: number;
  /** Seed, when the user gave one. */
  readonly seed?: number;
  /** Training epochs for neural models, when the user gave them. */
  readonly epochs?: number;
  /** Context length (the conditioning range) of neural models, when the user gave it. */
  readonly context?: number;
}

/** Context of a report: the forecast horizon and the report options the user gave. */
export interface ReportContext {
  readonly horizon: number;
  readonly options: Record<string, unknown>;
}

/** What every entry declares, whatever its data shape. */
interface EntryBase<O, F> {
  /** Name used by the CLI (`--model`), the backtest and `ardiff models`. */
  readonly name: string;
  /** Other names that select the model (e.g. 'deepar-gru' for 'gru'). */
  readonly aliases?: readonly string[];
  /** One line for `ardiff models` and the help. */
  readonly description: string;
  /** `kind` of the fitted object (auto-arima produces an 'arima' model); also `fromJSON`'s key. */
  readonly producesKind: string;
  /** Further `kind` values `fromJSON` accepts (an earlier name of the kind). */
  readonly legacyKinds?: readonly string[];
  /** The options: names, types, defaults and help text (zod). */
  readonly options: z.ZodType<O>;
  /** Restores a fitted model from its `toJSON()`. */
  fromJSON(json: { readonly kind: string }): F;
  /**
   * The model-specific part of `ardiff fit --json` (parameters, criteria, diagnostics); the CLI
   * adds `model` and the forecast. Default: the {@link Estimates} names when the model has them.
   */
  report?(fit: F, context: ReportContext): Record<string, unknown>;
  /** One line printed above the summary by `ardiff fit` (e.g. the order auto-ARIMA chose). */
  headline?(fit: F): string;
  /** The options a backtest fits the model with. Default: `{}` (the schema's defaults). */
  backtestOptions?(settings: BacktestSettings): Partial<O>;
  /**
   * Awaited once before the first `fit` or `fromJSON` (neural models start the tensor engine
   * here); absent for models that need nothing.
   */
  readonly prepare?: () => Promise<unknown>;
  /** The forecast horizon `ardiff fit` uses when none is given (default 10). */
  defaultHorizon?(fit: F): number;
  /** How a long fit reports progress (the CLI draws a bar on a terminal). */
  readonly progress?: ProgressHook<O>;
  /** Options of the report only (e.g. the impulse-response horizon of a VAR), as a zod schema. */
  readonly reportOptions?: z.ZodType<Record<string, unknown>>;
  /** SVG charts of the fit, written by `ardiff fit --charts DIR` (file name → SVG text). */
  charts?(fit: F, reportOptions: Record<string, unknown>): Promise<Record<string, string>>;
}

/** Progress of a long fit: the number of steps, and options that report each finished step. */
export interface ProgressHook<O> {
  /** Total steps (e.g. epochs) the fit will run at most. */
  total(options: O): number;
  /** `options` with a callback that reports the steps done and a few labelled numbers. */
  attach(options: O, update: (done: number, info: Record<string, string>) => void): O;
  /** What the bar shows after the count, with {name} placeholders for the info labels. */
  readonly format: string;
}

/** A model of one series. */
export interface SeriesModelEntry<O = unknown, F extends Forecaster = Forecaster> extends EntryBase<O, F> {
  readonly shape: 'series';
  /** Whether `exog` (regressors by name) is an option and forecasts need their future values. */
  readonly exog?: boolean;
  fit(y: ArrayLike<number>, options: O): F;
  /**
   * Further keys of the forecast in `ardiff fit --json`, beside mean, se and the intervals (a
   * GARCH model adds its conditional variance forecast as `variance`).
   */
  forecastExtras?(fit: F, horizon: number): Record<string, unknown>;
  /**
   * Bundled data set and options for the contract test and documentation; `dlog` takes the
   * differences of the logs (returns, one observation shorter).
   */
  readonly example: { dataset: string; transform?: 'log' | 'log10' | 'dlog'; options: O };
}

/** A model of several series forecast jointly. */
export interface MultiSeriesModelEntry<O = unknown, F extends MultiForecaster = MultiForecaster> extends EntryBase<O, F> {
  readonly shape: 'multiseries';
  fit(data: MultiSeriesData, options: O): F;
  /** Bundled data set, its columns and transform, and options for the contract test. */
  readonly example: { dataset: string; columns: readonly string[]; transform?: 'log' | 'diff' | 'dlog'; options: O };
}

/** A fitted regression: summary and JSON (no forecast). */
export interface FittedRegression {
  readonly kind: string;
  summary(): string;
  toJSON(): { readonly kind: string };
}

/** A regression on a table (OLS). */
export interface RegressionModelEntry<O = unknown, F extends FittedRegression = FittedRegression> extends EntryBase<O, F> {
  readonly shape: 'regression';
  fit(data: RegressionData, options: O): F;
  /** A file of the package's data/ folder, its columns and options, for the contract test and documentation. */
  readonly example: TableExample<O>;
}

/** An example regression: a CSV of the package's data/ folder, the columns, the edge list for spatial models. */
export interface TableExample<O> {
  readonly file: string;
  readonly y: string;
  readonly x: readonly string[];
  readonly edges?: string;
  readonly options: O;
}

/** A spatial regression on a table with neighbour edges (SAR, SEM). */
export interface SpatialModelEntry<O = unknown, F extends FittedRegression = FittedRegression> extends EntryBase<O, F> {
  readonly shape: 'spatial';
  fit(data: SpatialData, options: O): F;
  /** As for regressions, with `edges` the neighbour edge list (columns from,to). */
  readonly example: TableExample<O>;
}

/** Any registered model. */
export type ModelEntry = SeriesModelEntry | MultiSeriesModelEntry | RegressionModelEntry | SpatialModelEntry;

// ---------------------------------------------------------------------------------------------
// Option schemas: help text, CLI flags and validation

/** How the CLI reads an option from its flag. */
export interface OptionCli {
  /** The flag, when it is not `--` + the option name in kebab case. */
  flag?: string;
  /** How the flag's text is written, for the help (e.g. 'p,d,q'). */
  value?: string;
  /** Turns the flag's text into the option's value (default: by the option's type). */
  parse?: (text: string, flag: string) => unknown;
  /** The flag names a JSON file whose content is the option's value. */
  jsonFile?: boolean;
  /** When the flag is not given and the data is a bundled data set, its seasonal period. */
  fromDataFrequency?: boolean;
}

/** Metadata of an option (set with `.meta({ cli })`); `cli: false` keeps it out of the CLI. */
export interface OptionMeta {
  cli?: OptionCli | false;
}

/** What the CLI and `ardiff models` need to know of one option. */
export interface OptionSpec {
  readonly name: string;
  /** The CLI flag, or undefined for library-only options (data, callbacks). */
  readonly flag: string | undefined;
  readonly help: string;
  readonly type: 'integer' | 'number' | 'string' | 'enum' | 'boolean' | 'list' | 'object' | 'other';
  readonly values?: readonly string[];
  readonly required: boolean;
  readonly default?: unknown;
  readonly cli?: OptionCli;
}

/** kebab-case of a camelCase option name (`seasonalPeriod` → `seasonal-period`). */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

type AnySchema = z.ZodType;

/** The schema under optional/default/nullable wrappers, with what the wrappers said. */
function unwrap(schema: AnySchema): { base: AnySchema; optional: boolean; default?: unknown; description?: string; meta?: OptionMeta } {
  let s = schema;
  let optional = false;
  let dflt: unknown;
  let description = s.description;
  let meta = s.meta() as OptionMeta | undefined;
  for (;;) {
    const def = (s as unknown as { def: { type: string; innerType?: AnySchema; defaultValue?: unknown } }).def;
    if (def.type === 'optional' || def.type === 'nullable') optional = true;
    else if (def.type === 'default' || def.type === 'prefault') {
      optional = true;
      dflt = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
    } else break;
    s = def.innerType as AnySchema;
    description ??= s.description;
    meta ??= s.meta() as OptionMeta | undefined;
  }
  return { base: s, optional, default: dflt, description, meta };
}

/** The options of an entry's schema, in declaration order. */
export function optionSpecs(schema: z.ZodType): OptionSpec[] {
  const shape = (schema as unknown as { shape?: Record<string, AnySchema> }).shape;
  if (!shape) return [];
  return Object.entries(shape).map(([name, s]) => {
    const u = unwrap(s);
    const type = (u.base as unknown as { def: { type: string } }).def.type;
    const format = (u.base as unknown as { format?: string }).format;
    const kind: OptionSpec['type'] =
      type === 'number' ? (format === 'safeint' || format === 'int32' || (u.base as unknown as { isInt?: boolean }).isInt ? 'integer' : 'number')
        : type === 'string' ? 'string'
          : type === 'enum' ? 'enum'
            : type === 'boolean' ? 'boolean'
              : type === 'array' || type === 'tuple' ? 'list'
                : type === 'object' ? 'object' : 'other';
    const cli = u.meta?.cli;
    const values = kind === 'enum' ? (u.base as unknown as { options: string[] }).options.map(String) : undefined;
    const libraryOnly = cli === false || (kind === 'other' && !(cli && (cli.parse || cli.jsonFile))) || (kind === 'object' && !(cli && (cli.parse || cli.jsonFile)));
    return {
      name,
      flag: libraryOnly ? undefined : (cli && cli.flag) || `--${kebab(name)}`,
      help: u.description ?? '',
      type: kind,
      values,
      required: !u.optional,
      default: u.default,
      cli: cli || undefined,
    };
  });
}

/**
 * `n` comma-separated non-negative integers (an order such as '1,1,1'); an {@link ArgumentError}
 * naming `argument` otherwise. Shared by option parsers and the CLI.
 */
export function parseIntList(text: string, n: number, argument: string, example: string): number[] {
  const parts = String(text).split(',').map((x) => x.trim());
  const vals = parts.map(parseDecimal);
  if (parts.length !== n || vals.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ArgumentError(`${argument} needs ${n} comma-separated non-negative integers (e.g. ${example}); got '${text}'`, argument);
  }
  return vals;
}

/** The value of one CLI flag for an option, by its declared parser or its type. */
export function parseFlagValue(spec: OptionSpec, text: string | boolean, readJson?: (path: string, flag: string) => unknown): unknown {
  const flag = spec.flag ?? spec.name;
  if (spec.cli?.parse) return spec.cli.parse(String(text), flag);
  if (spec.type === 'boolean') return text === true || text === 'true';
  if (typeof text !== 'string') throw new ArgumentError(`${flag} needs a value`, flag);
  if (spec.cli?.jsonFile) {
    if (!readJson) throw new ArgumentError(`${flag} names a JSON file, which this program cannot read`, flag);
    return readJson(text, flag);
  }
  const number = (s: string): number => {
    const v = parseDecimal(s);
    if (!Number.isFinite(v) || (spec.type === 'integer' && !Number.isInteger(v))) {
      throw new ArgumentError(`${flag} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}; got '${s}'`, flag);
    }
    return v;
  };
  switch (spec.type) {
    case 'integer':
    case 'number':
      return number(text);
    case 'list':
      return text.split(',').map((s) => number(s.trim()));
    default:
      return text;
  }
}

/** zod's message for one issue, as a sentence naming the option. */
function issueMessage(issue: z.core.$ZodIssue, model: string, flagOf: (name: string) => string, given: Record<string, unknown>): { message: string; argument: string } {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    // A misspelt key inside an option's object (a prior { v0 } for { V0 }) is that option's fault.
    if (issue.path.length) {
      const arg = flagOf(String(issue.path[0]));
      return { message: `${arg} of ${model}: ${issue.path.join('.')} has no field '${key}'`, argument: arg };
    }
    return { message: `${model} has no option '${key}'`, argument: flagOf(key) };
  }
  const name = String(issue.path[0] ?? 'options');
  const arg = flagOf(name);
  const value = issue.path.length ? given[name] : undefined;
  const shown = value === undefined ? 'nothing' : typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  if (issue.code === 'invalid_type' && value === undefined) return { message: `${model} needs ${arg}`, argument: arg };
  return { message: `${arg} of ${model}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}; got ${shown}`, argument: arg };
}

/**
 * Checks `options` against an entry's schema and returns them with the defaults filled in; the
 * first problem throws an {@link ArgumentError} naming the option (with `flagOf`, the CLI flag)
 * and listing the options the model has.
 */
export function parseOptions<O>(entry: { name: string; options: z.ZodType<O> }, options: unknown, flagOf: (name: string) => string = (n) => n): O {
  const given = (options ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) throw new ArgumentError(`the options of ${entry.name} must be an object`, 'options');
  const r = entry.options.safeParse(given);
  if (r.success) return r.data;
  // A misspelt name is the likely cause of a missing one: report unknown names first.
  const issue = r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0];
  const { message, argument } = issueMessage(issue, entry.name, flagOf, given);
  const specs = optionSpecs(entry.options);
  const known = specs.map((s) => flagOf(s.name)).join(', ');
  throw new ArgumentError(`${message}. ${entry.name} takes: ${known || 'no options'} (ardiff models ${entry.name} describes them)`, argument);
}
