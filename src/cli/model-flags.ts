/**
 * The model flags of the command line, built from the registry: every option of every registered
 * model that the CLI can set becomes one flag (`seasonalPeriod` → `--seasonal-period`, or the
 * flag its schema names); a flag shared by several models gets one help line listing what it
 * means for each. `modelOptionsFromFlags` turns the flags the user gave into a model's options.
 */
import { Option, type Command } from 'commander';
import { ArgumentError } from '../core/errors.js';
import { optionSpecs, parseFlagValue, parseOptions, type ModelEntry, type OptionSpec } from '../core/model-entry.js';
import { MODELS } from '../registry.js';
import { readJsonFile } from '../node/data.js';

/** A CLI flag with the models that use it. */
interface FlagUse {
  readonly flag: string;
  readonly boolean: boolean;
  readonly uses: { model: string; spec: OptionSpec }[];
}

/** Every option spec of an entry: its fit options and its report options. */
export function entrySpecs(entry: ModelEntry): OptionSpec[] {
  return [...optionSpecs(entry.options), ...(entry.reportOptions ? optionSpecs(entry.reportOptions) : [])];
}

/** The model flags of all registered models (one per flag name). */
export function modelFlags(entries: readonly ModelEntry[] = MODELS): FlagUse[] {
  const byFlag = new Map<string, FlagUse>();
  for (const entry of entries) {
    for (const spec of entrySpecs(entry)) {
      if (!spec.flag) continue;
      const boolean = spec.type === 'boolean';
      const use = byFlag.get(spec.flag);
      if (!use) byFlag.set(spec.flag, { flag: spec.flag, boolean, uses: [{ model: entry.name, spec }] });
      else if (use.boolean !== boolean) {
        throw new Error(`registry: ${spec.flag} is a switch for some models and takes a value for others (${entry.name}); give one of them another flag`);
      } else use.uses.push({ model: entry.name, spec });
    }
  }
  return [...byFlag.values()];
}

function describeSpec(spec: OptionSpec): string {
  if (spec.type === 'boolean' && spec.cli?.parse) return `turns off: ${spec.help}`;
  const values = spec.values ? ` (${spec.values.join(' | ')})` : '';
  const dflt = spec.default !== undefined && typeof spec.default !== 'object' ? `, default ${String(spec.default)}` : '';
  return `${spec.help}${values}${dflt}`;
}

/** The help line of a flag: what it means for each model that takes it (models with the same meaning grouped). */
function helpOf(use: FlagUse): string {
  const groups = new Map<string, string[]>();
  for (const u of use.uses) {
    const text = describeSpec(u.spec);
    groups.set(text, [...(groups.get(text) ?? []), u.model]);
  }
  return [...groups].map(([text, models]) => `${models.join(', ')}: ${text}`).join('; ');
}

/** The value placeholder of a flag in the help (`<p,d,q>`, `<n>`, …). */
function placeholder(use: FlagUse): string {
  const v = use.uses.find((u) => u.spec.cli?.value)?.spec.cli?.value;
  if (v) return `<${v}>`;
  const t = use.uses[0].spec.type;
  return t === 'integer' || t === 'number' ? '<n>' : t === 'list' ? '<a,b>' : use.uses[0].spec.cli?.jsonFile ? '<file.json>' : '<value>';
}

/** Declares every model flag on `command`; returns the flag → commander attribute map. */
export function addModelFlags(command: Command): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const use of modelFlags()) {
    const option = new Option(use.boolean ? use.flag : `${use.flag} ${placeholder(use)}`, helpOf(use));
    command.addOption(option);
    attrs.set(use.flag, option.attributeName());
  }
  return attrs;
}

/**
 * The options of `entry` from the parsed flags: values parsed by each option's type, the data
 * set's seasonal period where an option asks for it, then checked by the entry's schema. A flag
 * of another model is an {@link ArgumentError} that lists this model's flags.
 */
export function modelOptionsFromFlags(entry: ModelEntry, flags: Record<string, unknown>, attrs: Map<string, string>, frequency?: number): { options: unknown; report: Record<string, unknown> } {
  const specs = entrySpecs(entry);
  const own = new Set(specs.map((s) => s.flag).filter(Boolean));
  for (const [flag, attr] of attrs) {
    if (flags[attr] !== undefined && !own.has(flag)) {
      const mine = [...own].join(', ') || 'no model flags';
      throw new ArgumentError(`${flag} does not apply to --model ${entry.name}; it takes ${mine} (ardiff models ${entry.name} describes them)`, flag);
    }
  }
  const readJson = (path: string, flag: string): unknown => readJsonFile(path, flag, undefined, 'JSON file');
  const raw = (schemaSpecs: OptionSpec[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const spec of schemaSpecs) {
      if (!spec.flag) continue;
      const value = flags[attrs.get(spec.flag)!];
      if (value !== undefined) out[spec.name] = parseFlagValue(spec, value as string | boolean, readJson);
      else if (spec.cli?.fromDataFrequency && frequency !== undefined) out[spec.name] = frequency;
    }
    return out;
  };
  const flagOf = (name: string): string => specs.find((s) => s.name === name)?.flag ?? name;
  const options = parseOptions(entry as { name: string; options: ModelEntry['options'] }, raw(optionSpecs(entry.options)), flagOf);
  const report = entry.reportOptions
    ? parseOptions({ name: entry.name, options: entry.reportOptions }, raw(optionSpecs(entry.reportOptions)), flagOf) as Record<string, unknown>
    : {};
  return { options, report };
}

/** Library option name → CLI flag, for an entry (errors from the fit name the flag). */
export function flagMapper(entry: ModelEntry): (name: string) => string | undefined {
  const specs = entrySpecs(entry);
  return (name) => specs.find((s) => s.name === name)?.flag;
}
