/**
 * `ardiff models [name]`: the registered models (name, data shape, description), or one model's
 * options with their flags, types, defaults and help, all read from the registry.
 */
import type { Command } from 'commander';
import { findModel, MODELS } from '../../registry.js';
import { GENERATIVE_MODELS } from '../../generative.js';
import { jsonSafe } from '../json.js';
import { fail } from '../flags.js';
import { entrySpecs } from '../model-flags.js';
import type { ModelEntry } from '../../core/model-entry.js';

const SHAPE: Record<ModelEntry['shape'], string> = {
  series: 'one series (--column)',
  multiseries: 'several series (--columns)',
  regression: 'regression table (--y, --x)',
  spatial: 'spatial regression (--y, --x, --weights)',
};

function describeModel(entry: ModelEntry): { text: string; json: unknown } {
  const specs = entrySpecs(entry);
  const rows = specs.map((s) => {
    const type = s.cli?.value ?? (s.values ? s.values.join(' | ') : s.type === 'boolean' ? 'switch' : s.type);
    const dflt = s.default === undefined ? (s.required ? 'required' : '') : `default ${JSON.stringify(s.default)}`;
    const off = s.type === 'boolean' && s.cli?.parse ? ' (this switch turns it off)' : '';
    return { option: s.name, flag: s.flag ?? '(library only)', type, dflt, help: s.help + off };
  });
  const w = (k: 'option' | 'flag' | 'type' | 'dflt') => Math.max(k.length, ...rows.map((r) => r[k].length));
  const lines = rows.map((r) => `  ${r.flag.padEnd(w('flag'))}  ${r.type.padEnd(w('type'))}  ${r.dflt.padEnd(w('dflt'))}  ${r.help}`);
  const text = [
    `${entry.name}: ${entry.description}`,
    `fits ${SHAPE[entry.shape]}; saved models restore with fromJSON (kind '${entry.producesKind}')`,
    '',
    rows.length ? 'options:' : 'no options',
    ...lines,
  ].join('\n');
  const json = {
    name: entry.name, shape: entry.shape, description: entry.description, kind: entry.producesKind,
    options: specs.map((s) => ({ name: s.name, flag: s.flag ?? null, type: s.type, values: s.values ?? null, required: s.required, default: s.default ?? null, help: s.help })),
  };
  return { text, json };
}

/** Adds `ardiff models` to the program. */
export function registerModels(program: Command): void {
  program
    .command('models')
    .argument('[name]', 'a model to describe')
    .description('list the models, or describe one model\'s options')
    .option('--json', 'print JSON')
    .action((name: string | undefined, flags: { json?: boolean }) => {
      try {
        if (name) {
          const d = describeModel(findModel(name, 'name'));
          console.log(flags.json ? JSON.stringify(jsonSafe(d.json)) : d.text);
          return;
        }
        if (flags.json) {
          // The forecasters with their options (what `ardiff fit` takes); the generative kinds are
          // listed in the text output.
          console.log(JSON.stringify(MODELS.map((m) => describeModel(m).json)));
          return;
        }
        const w = Math.max(...MODELS.map((m) => m.name.length));
        for (const shape of Object.keys(SHAPE) as ModelEntry['shape'][]) {
          const list = MODELS.filter((m) => m.shape === shape);
          if (!list.length) continue;
          console.log(`${SHAPE[shape]}:`);
          for (const m of list) console.log(`  ${m.name.padEnd(w)}  ${m.description}`);
        }
        // The generative models are trained by their own commands (diffusion, train, image-gpt,
        // video); their files load with loadModel like the forecasters'.
        const g = Math.max(...GENERATIVE_MODELS.map((m) => m.kind.length));
        console.log('Generative models (model files by kind; loadModel restores any of them):');
        for (const m of GENERATIVE_MODELS) console.log(`  ${m.kind.padEnd(g)}  ${m.description} (${m.entry})`);
      } catch (e) {
        fail(e, !!flags.json);
      }
    });
}
