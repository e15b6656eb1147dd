/**
 * Milliseconds per training step of the character GPT, for benchmarks: forward, backward, global
 * gradient-norm clipping and AdamW (lr 1e-3, weight decay 0.1, clipNorm 1) on random tokens, the
 * step that bench/neural.js's gpt-2l / gpt-4l cases time against nanoGPT. Built only from the
 * public API of the compiled package (dist/neural/index.js, plus createRng and ArgumentError from
 * dist/core, which the package root exports), so run `npm run build` first. It lived in
 * src/neural/gpt.ts as `timeGPTTrainStep` until it moved here, out of the library.
 *
 * Importing this module starts the engine as bench/neural.js does (`initEngine()`: wasm unless
 * @tensorflow/tfjs-node is installed), so the timer can be called at once.
 *
 *   npm run build && node bench/gpt-step-timer.js       times the gpt-2l shape, prints JSON
 *
 * @example
 * import { timeGPTTrainStep } from './gpt-step-timer.js';
 * timeGPTTrainStep({ nLayer: 2, nHead: 4, dModel: 64, blockSize: 64, batchSize: 32 }, { reps: 10 });
 */
import { pathToFileURL } from 'node:url';
import { AdamW, CharTokenizer, GPT, initEngine, requireEngine, trainStep, withHeapGuard } from '../dist/neural/index.js';
import { ArgumentError } from '../dist/core/errors.js';
import { createRng } from '../dist/core/rng.js';

await initEngine();

/**
 * Shape of a timed training step: a GPTConfig without vocabSize, plus the batch.
 * @typedef {object} GPTStepTimerConfig
 * @property {number} nLayer
 * @property {number} nHead
 * @property {number} dModel width of the residual stream, a multiple of nHead
 * @property {number} blockSize context length T of every window
 * @property {number} batchSize windows per step B
 * @property {number} [vocabSize] default 65 (tiny Shakespeare's characters)
 */

function positiveInt(v, name) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${name} must be a positive integer, got ${String(v)}`, name);
  return v;
}

/**
 * Milliseconds per training step (forward, backward, clipping, AdamW) of a randomly initialised
 * GPT of the given shape on random tokens: median of `reps` timed steps after `warmup` untimed
 * ones. For benchmarks, e.g. `gpt-2l` = {nLayer 2, nHead 4, dModel 64, blockSize 64, batchSize 32}.
 * @param {GPTStepTimerConfig} config
 * @param {{ reps?: number, warmup?: number, seed?: number }} [options] reps default 5, warmup 2, seed 0
 * @returns {{ msPerStep: number, parameters: number, tokensPerSecond: number }}
 */
export function timeGPTTrainStep(config, options = {}) {
  requireEngine('timeGPTTrainStep');
  const V = config.vocabSize ?? 65;
  const reps = positiveInt(options.reps ?? 5, 'reps'), warm = options.warmup ?? 2;
  const rng = createRng(options.seed ?? 0);
  const chars = Array.from({ length: V }, (_, i) => String.fromCodePoint(0x100 + i));
  const model = GPT.create({ vocabSize: V, nLayer: config.nLayer, nHead: config.nHead, dModel: config.dModel, blockSize: config.blockSize }, new CharTokenizer(chars, false), rng);
  const opt = new AdamW(model.params, { lr: 1e-3, weightDecay: 0.1 });
  const { batchSize: B, blockSize: T } = config;
  positiveInt(B, 'batchSize');
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  const times = [];
  const parameters = model.parameterCount();
  try {
    for (let i = 0; i < warm + reps; i++) {
      for (let j = 0; j < B * T; j++) { x[j] = Math.floor(rng.uniform() * V); y[j] = Math.floor(rng.uniform() * V); }
      const t0 = performance.now();
      withHeapGuard('timeGPTTrainStep', () => trainStep(model.params, opt, () => model.loss(x, y, B, T), { clipNorm: 1 }));
      if (i >= warm) times.push(performance.now() - t0);
    }
  } finally {
    opt.dispose();
    model.dispose();
  }
  times.sort((a, b) => a - b);
  const msPerStep = times[Math.floor(times.length / 2)];
  return { msPerStep, parameters, tokensPerSecond: (B * T) / (msPerStep / 1000) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const shape = { nLayer: 2, nHead: 4, dModel: 64, blockSize: 64, batchSize: 32 };
  console.log(JSON.stringify({ case: 'gpt-2l', ...shape, ...timeGPTTrainStep(shape, { reps: 10, warmup: 3 }) }));
}
