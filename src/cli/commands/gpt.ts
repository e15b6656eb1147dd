/**
 * `ardiff train gpt`, `ardiff train text-diffusion` and `ardiff generate`: train a character-level
 * GPT (autoregressive) or masked diffusion language model on a text file, and sample from a saved one.
 *
 *   ardiff train gpt|text-diffusion --text FILE.txt [--preset tiny|small] [--steps N] [--seed S] --out model.json [--json]
 *   ardiff generate --model model.json --prompt "ROMEO:" [--tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
 *                   [--unknown error|bytes]
 *   ardiff generate --model model.json --infill "To be, or ___ to be" [--mask-char _] [--steps K] [sampling flags]
 *   ardiff generate --model text-diffusion.json [--tokens N] [--steps K]        (unconditional, N ≤ the context)
 *
 * A GPT fills blanks from the left context only; a text-diffusion model sees both sides, and
 * samples in --steps parallel unmasking steps (default: one per blank). With a text-diffusion model
 * `--prompt P --tokens N` fills N blanks after P (P and the blanks within the model's context).
 *
 * `train gpt --json` prints {"steps", "trainLoss", "valLoss", "seconds", "vocabSize"} (losses in
 * nats per character: train on the first 90% of the text, validation on the held-out last 10%).
 * Without --json, progress goes to stderr: a bar on a terminal, a line per ~10% otherwise, and a line
 * before each evaluation (the final one can take a minute and reports nothing until it ends).
 */
import { Command, Option } from 'commander';
import { readJsonFile, readTextFile, resolveBundledFile } from '../../node/data.js';
import { checkOutputs, writeFileAtomic } from '../../node/files.js';
import { ArdiffError, ArgumentError, DataError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
// The tensor engine and the GPT are imported inside the actions, so that other commands do not pay
// for loading TensorFlow.js.
import type { GPT, GPTPresetName } from '../../neural/gpt.js';
import type { TextDiffusion } from '../../diffusion/text.js';
import { asFlagError, fail, intFlag, numberFlag } from '../flags.js';
import { jsonRequested, progress } from '../json.js';

type TextModelKind = 'gpt' | 'text-diffusion';

interface TrainFlags {
  text: string;
  preset?: string;
  steps?: string;
  seed?: string;
  out: string;
  json?: boolean;
}

interface GenerateFlags {
  model: string;
  prompt?: string;
  infill?: string;
  maskChar?: string;
  steps?: string;
  tokens?: string;
  temperature?: string;
  topK?: string;
  topP?: string;
  seed?: string;
  unknown?: 'bytes' | 'error';
}

/** Library argument names → the flags that set them, so errors name what the user typed. */
const FLAG_OF: Record<string, string> = { text: '--text', prompt: '--prompt', model: '--model', tokens: '--tokens', temperature: '--temperature', topK: '--top-k', topP: '--top-p', steps: '--steps', seed: '--seed', preset: '--preset', unknown: '--unknown', maskChar: '--mask-char' };

/**
 * Re-issues a typed error with the CLI flag as its argument (the shared {@link asFlagError}), with
 * two GPT wordings adapted: the model file's "model file:" prefix becomes "--model:", and the
 * tokenizer's hint at `unknown: 'bytes'` names the flag that sets it, `--unknown bytes`.
 */
function gptFlagError(e: unknown): unknown {
  const mapped = asFlagError(e, (name) => FLAG_OF[name]);
  if (mapped === e || !(mapped instanceof ArdiffError)) return mapped;
  const message = mapped.message.replace(/^--model file:/, '--model:').replace(/\(unknown: 'bytes'\)/, '(--unknown bytes)');
  if (message === mapped.message) return mapped;
  const Ctor = mapped.constructor as new (m: string, a?: string) => ArdiffError;
  return new Ctor(message, mapped.argument);
}

function readText(file: string, flag: string): string {
  return readTextFile(file, flag, `${flag} file`);
}

async function runTrain(flags: TrainFlags, kind: TextModelKind): Promise<void> {
  const [{ initEngine }, { trainGPT, GPT_PRESETS }, { trainTextDiffusion }] = await Promise.all([import('../../neural/engine/init.js'), import('../../neural/gpt.js'), import('../../diffusion/text.js')]);
  const preset = (flags.preset ?? 'small') as GPTPresetName;
  if (!(preset in GPT_PRESETS)) throw new ArgumentError(`--preset must be tiny or small; got '${flags.preset}'`, '--preset');
  const steps = intFlag(flags.steps, '--steps');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const text = readText(resolveBundledFile(flags.text, 'text', '--text'), '--text');
  if (text.length === 0) throw new DataError(`--text: '${flags.text}' is empty; give a text file with some characters in it`, '--text');
  // The output is checked before training (a bad path must not cost the run); it may not be the text.
  checkOutputs([['--out', flags.out]], [['--text', flags.text]]);
  await initEngine();
  const total = steps ?? GPT_PRESETS[preset].steps;
  const { evalEvery, finalEvalTokens } = GPT_PRESETS[preset];
  const bar = progress(`train ${kind}`, total, !flags.json, '{value}/{total} steps | loss {loss} | val {val} | eta {eta_formatted}');
  bar.update(0, { loss: '-', val: '-' });
  let model: GPT | TextDiffusion;
  try {
    model = (kind === 'gpt' ? trainGPT : trainTextDiffusion)(text, {
      preset, steps, seed,
      onStep: (s) => {
        bar.update(s.step, { loss: s.loss.toFixed(3) });
        // The evaluations report nothing until they end (the final one reads up to finalEvalTokens): say so first.
        if (s.step === total) bar.note(`evaluating on the validation set (up to ${finalEvalTokens} tokens of each split)…`);
        else if (evalEvery > 0 && s.step % evalEvery === 0) bar.note(`step ${s.step}: evaluating on the validation set…`);
      },
      onEval: (e) => bar.update(e.step, { val: e.valLoss.toFixed(3) }),
    });
  } finally {
    bar.stop();
  }
  try {
    writeFileAtomic(flags.out, JSON.stringify(model.toJSON()), '--out');
    if (flags.json) {
      const r = model.training!;
      const [trainLoss, valLoss] = 'trainElbo' in r ? [r.trainElbo, r.valElbo] : [r.trainLoss, r.valLoss];
      console.log(JSON.stringify({ steps: r.steps, trainLoss, valLoss, seconds: r.seconds, vocabSize: model.config.vocabSize, ...(kind === 'text-diffusion' ? { bound: 'negative ELBO' } : {}) }));
    } else {
      console.log(`${model.summary()}\n\nModel written to ${flags.out}`);
    }
  } finally {
    model.dispose();
  }
}

async function runGenerate(flags: GenerateFlags): Promise<void> {
  const tokens = intFlag(flags.tokens, '--tokens', 0);
  const temperature = numberFlag(flags.temperature, '--temperature');
  const topK = numberFlag(flags.topK, '--top-k');
  const topP = numberFlag(flags.topP, '--top-p');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const steps = intFlag(flags.steps, '--steps');
  if (flags.prompt !== undefined && flags.infill !== undefined) throw new ArgumentError('give --prompt (continue a text) or --infill (fill its blanks), not both', '--infill');
  if (flags.maskChar !== undefined && flags.infill === undefined && flags.prompt === undefined) throw new ArgumentError('--mask-char marks the blanks of --infill; give --infill TEXT', '--mask-char');
  const json = readJsonFile(flags.model, '--model', "give a file written by 'ardiff train gpt' or 'ardiff train text-diffusion'", '--model file');
  const kind = (json as { kind?: unknown } | null)?.kind === 'text-diffusion' ? 'text-diffusion' : 'gpt';
  if (kind === 'gpt') {
    if (steps !== undefined) throw new ArgumentError('--steps sets the unmasking steps of a text-diffusion model; a GPT samples one token per pass', '--steps');
    if (flags.prompt === undefined && flags.infill === undefined) throw new ArgumentError('a GPT continues a text: give --prompt TEXT (or --infill TEXT with blanks)', '--prompt');
  }
  const [{ initEngine }, { gptFromJSON }, { textDiffusionFromJSON }] = await Promise.all([import('../../neural/engine/init.js'), import('../../neural/gpt.js'), import('../../diffusion/text.js')]);
  await initEngine();
  const sampling = { temperature, topK, topP, rng: createRng(seed), unknown: flags.unknown ?? 'error', maskChar: flags.maskChar } as const;
  if (kind === 'gpt') {
    const model = gptFromJSON(json);
    try {
      if (flags.infill !== undefined) console.log(model.infill(flags.infill, sampling));
      else console.log(flags.prompt! + model.generate(flags.prompt!, { ...sampling, tokens }));
    } finally {
      model.dispose();
    }
    return;
  }
  const model = textDiffusionFromJSON(json);
  try {
    if (flags.infill !== undefined) console.log(model.infill(flags.infill, { ...sampling, steps }));
    else if (flags.prompt !== undefined) {
      // Continuing a prompt is filling blanks after it (within the context).
      const mask = flags.maskChar ?? '_';
      if (flags.prompt.includes(mask)) throw new ArgumentError(`--prompt contains the blank character '${mask}'; use --infill to fill blanks, or --mask-char to pick another`, '--prompt');
      console.log(model.infill(flags.prompt + mask.repeat(tokens ?? 32), { ...sampling, maskChar: mask, steps }));
    } else console.log(model.generate(tokens ?? model.config.blockSize, { ...sampling, steps }));
  } finally {
    model.dispose();
  }
}

/**
 * Adds `train gpt` (under a `train` command, shared with other trainable models when one exists
 * already) and `generate` to `program`.
 */
export function registerGptCommands(program: Command): void {
  const train = program.commands.find((c) => c.name() === 'train') ?? program.command('train').description('train a neural model on your data');
  for (const [kind, description] of [
    ['gpt', 'train a character-level GPT (decoder-only Transformer) on a text file'],
    ['text-diffusion', 'train a character-level masked diffusion language model (MDLM: bidirectional Transformer, absorbing-state diffusion) on a text file'],
  ] as const) {
    train
      .command(kind)
      .description(description)
      .requiredOption('--text <file>', 'UTF-8 text file (the first 90% trains, the last 10% is held out)')
      .option('--preset <p>', 'tiny | small (default small: 2 layers, d_model 128, context 64)')
      .option('--steps <n>', 'training steps (default: the preset\'s)')
      .option('--seed <s>', 'seed of the initial weights and the batches (default 0)')
      .requiredOption('--out <file>', 'where to write the model (JSON)')
      .option('--json', `print {"steps", "trainLoss", "valLoss", "seconds", "vocabSize"${kind === 'gpt' ? '' : ', "bound"'}} instead of a summary${kind === 'gpt' ? '' : ' (losses: negative ELBOs, nats per character)'}`)
      .action(async (flags: TrainFlags) => {
        try {
          await runTrain(flags, kind);
        } catch (e) {
          fail(gptFlagError(e), jsonRequested(flags.json));
        }
      });
  }
  program
    .command('generate')
    .description('continue a prompt, fill blanks or sample with a model saved by `ardiff train gpt` or `ardiff train text-diffusion`')
    .requiredOption('--model <file>', 'model file written by `ardiff train gpt` or `ardiff train text-diffusion`')
    .option('--prompt <text>', 'text to continue (its characters must be in the model\'s vocabulary)')
    .option('--infill <text>', 'text whose blanks (--mask-char, default _) are filled: a GPT from the left, a text-diffusion model from both sides')
    .option('--mask-char <c>', 'the character that marks a blank in --infill (default _)')
    .option('--steps <k>', 'text-diffusion models: parallel unmasking steps (default: one per blank)')
    .option('--tokens <n>', 'tokens to sample (default 200; text-diffusion: 32 after --prompt, else the context)')
    .option('--temperature <t>', 'softmax temperature > 0 (default 1)')
    .option('--top-k <k>', 'sample among the k most probable tokens')
    .option('--top-p <p>', 'nucleus sampling: the smallest set of tokens with probability ≥ p, p in (0, 1]')
    .option('--seed <s>', 'seed of the sampling (default 0)')
    .addOption(new Option('--unknown <how>', 'prompt characters not in the vocabulary: error (default) or bytes (spelt as UTF-8 byte tokens, for models with byte fallback)').choices(['error', 'bytes']))
    .action(async (flags: GenerateFlags) => {
      try {
        await runGenerate(flags);
      } catch (e) {
        fail(gptFlagError(e), false);
      }
    });
}
