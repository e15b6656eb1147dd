/**
 * Speed benchmark of ardiff's neural models against PyTorch on the CPU, both single-threaded:
 * one training step (forward + loss + backward + AdamW update) of the recurrent forecasters, the
 * character GPT, the MLP diffusion denoiser and the 28×28 U-Net denoiser, and the sampling
 * throughput of the MLP denoiser with each scheduler.
 *
 *   npm run build && npm run bench -- --neural            human-readable table
 *   npm run bench -- --neural --json                      same, then one final line of JSON:
 *                                                         {"suite":"neural","ratio":"ardiffMs/peerMs","cases":[…]}
 *   npm run bench -- --neural --cases lstm-h40,mlp        only some cases (comma-separated)
 *   npm run bench -- --neural --quick                     smoke test: 1 warm-up step, 2 timed steps
 *   npm run bench -- --neural --warmup 2 --reps 5         override every case's counts
 *   (node bench/neural.js takes the same flags.)
 *
 * Cases (one training step unless said otherwise; "F 5" = 5 input features per step, the size of a
 * DeepAR input with lags 1 and 12, sin/cos of the season and log scale):
 *   lstm-h40    LSTM, 1 layer, hidden 40, T 24, batch 32, F 5, Gaussian likelihood head
 *   lstm-h128   LSTM, 1 layer, hidden 128, T 192, batch 64, F 5, Gaussian head
 *   gru-h128    GRU, 1 layer, hidden 128, T 192, batch 64, F 5, Gaussian head
 *               ardiff: RNN.create + createHead('gaussian') (src/neural/rnn.ts, heads.ts), loss =
 *               head.loss(y, rnn.forwardTrain(x)) — DeepAR's training loss (batchLoss in deepar.ts)
 *               — trainStep with AdamW(lr 3e-3) and clipNorm 10 (DeepAR's settings).
 *               PyTorch: nn.LSTM / nn.GRU + nn.Linear(H, 2), softplus σ, the same NLL,
 *               torch.optim.AdamW + clip_grad_norm_(10).
 *   gpt-2l      char GPT, 2 layers, d 64, 4 heads, context 64, batch 32, vocabulary 65
 *   gpt-4l      char GPT, 4 layers, d 128, 4 heads, context 128, batch 32, vocabulary 65
 *               ardiff: GPT.create + gpt.loss(x, y, B, T) + trainStep, AdamW(lr 1e-3, weight decay
 *               0.1), clipNorm 1 (src/neural/gpt.ts; the step bench/gpt-step-timer.js times).
 *               PyTorch: nanoGPT's model (weight-tied head, tril-masked attention, GELU tanh) and
 *               configure_optimizers' AdamW (decay on 2-D weights), clip_grad_norm_(1).
 *   mlp         MLP denoiser (width 128, 3 residual blocks, time embedding 64; the defaults),
 *               batch 256, 2-D points: forward + MSE against ε + backward + AdamW(lr 1e-3), no
 *               clipping, on a fixed batch (x_t, t, ε).
 *   ddpm-mlp    the whole diffusion training step of trainDenoiser on that MLP (host-side batch:
 *               rows, t ~ U{0..999}, ε, x_t; MSE; clipNorm 1; AdamW with warm-up/cosine; EMA 0.995),
 *               timed between its onStep callbacks; 10 000 moons points. PyTorch: the
 *               diffusers-example loop (torch.randint/randn, MSE, clip, AdamW, LambdaLR, EMA).
 *   sample-ddpm, sample-ddim, sample-dpm++, sample-euler
 *               n = 1000 samples of the (untrained, seed 0) MLP denoiser with DiffusionModel.sample
 *               and ddpm 1000 steps / ddim 50 / dpm++ 20 (2M) / euler 50 steps: ms per call and
 *               samples/s. PyTorch: the same network under no_grad and the schedulers' updates
 *               written by hand as diffusers computes them (diffusers itself is not used), from
 *               ardiff's starting noise, so the deterministic samplers (ddim, dpm++, euler) must end
 *               at the same samples (maxAbsDiff, relative to the largest |x|).
 *   ddpm-unet28 one trainDenoiser step of the 2-D U-Net denoiser UNet2DDenoiser with the '28x28' preset
 *               (src/diffusion/denoisers/unet2d.ts: 28×28×1 images, 32 base channels, levels 32/64/64
 *               at 28/14/7, 1 residual block per level, self-attention at 7×7, time embedding 64),
 *               batch 32, on a fixed batch made here as trainDenoiser makes one (x₀ ~ U(−1, 1) per
 *               pixel, t ~ U{0..999}, ε, x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε): trainStep with trainDenoiser's
 *               loss (per-row MSE against ε, weight 1), clipNorm 1, AdamW(lr 1e-3) scaled by
 *               warmupCosine, then the EMA (0.995) update. The host-side batch draw of
 *               trainDenoiser (~25 000 normals, well under 1% of a ~3 s step) is not timed.
 *               PyTorch: the same U-Net in nn.Conv2d / nn.GroupNorm / F.interpolate built from
 *               ardiff's weights (bench/peers/torch_unet.py), F.mse_loss, clip_grad_norm_(1), AdamW +
 *               LambdaLR, EMA. The peer first checks its initial-weight loss against ardiff's first
 *               loss (1e-5 relative) and its initial output against ardiff's element by element
 *               (max |Δ| ≤ 1e-4 · max |output|), and refuses to time a different function; the
 *               step-1 gradient norms (1e-4) and the losses after the last step are compared too.
 *               Skipped, with the reason printed, when torch is absent.
 *
 * Method: each side builds the model from the same seeded initial weights (ardiff's, handed to
 * PyTorch through bench/.cache/neural-task.json together with the fixed batch), runs `warmup`
 * untimed steps, then `reps` timed steps; the reported time is the median. PyTorch runs in its own
 * process (/usr/bin/python3, override with BENCH_PYTHON) with torch.set_num_threads(1) and
 * OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1; ardiff runs in this process on the
 * engine `initEngine()` picks (wasm unless @tensorflow/tfjs-node is installed; 1 thread).
 * ratio = ardiffMs / peerMs: how many times slower ardiff is (< 1: ardiff is faster) — the
 * inverse of bench/run.js's classical tables. loss0 is each side's loss at the first step (same
 * weights, same batch): it checks that both compute the same function (not for ddpm-mlp, whose
 * batches are random on each side). A failed agreement check of ddpm-unet28 makes the exit code 1.
 */
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuModel, loadAverage } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = `${ROOT}bench/.cache/`;
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const PEER_TIMEOUT_MS = 30 * 60 * 1000;
const SEED = 0;

/** Case definitions: sizes and the warm-up / timed counts (the same for both sides). */
const SPECS = {
  'lstm-h40': { kind: 'rnn', cell: 'lstm', hidden: 40, layers: 1, T: 24, B: 32, features: 5, lr: 3e-3, clipNorm: 10, warmup: 5, reps: 30 },
  'lstm-h128': { kind: 'rnn', cell: 'lstm', hidden: 128, layers: 1, T: 192, B: 64, features: 5, lr: 3e-3, clipNorm: 10, warmup: 3, reps: 10 },
  'gru-h128': { kind: 'rnn', cell: 'gru', hidden: 128, layers: 1, T: 192, B: 64, features: 5, lr: 3e-3, clipNorm: 10, warmup: 3, reps: 10 },
  'gpt-2l': { kind: 'gpt', nLayer: 2, nHead: 4, dModel: 64, blockSize: 64, B: 32, vocabSize: 65, lr: 1e-3, weightDecay: 0.1, clipNorm: 1, warmup: 3, reps: 10 },
  'gpt-4l': { kind: 'gpt', nLayer: 4, nHead: 4, dModel: 128, blockSize: 128, B: 32, vocabSize: 65, lr: 1e-3, weightDecay: 0.1, clipNorm: 1, warmup: 2, reps: 8 },
  mlp: { kind: 'mlp', B: 256, d: 2, width: 128, blocks: 3, timeEmbedding: 64, lr: 1e-3, warmup: 10, reps: 50 },
  'ddpm-mlp': { kind: 'ddpm-mlp', B: 256, d: 2, width: 128, blocks: 3, timeEmbedding: 64, rows: 10000, lr: 1e-3, clipNorm: 1, emaDecay: 0.995, warmup: 10, reps: 50 },
  'sample-ddpm': { kind: 'sample', scheduler: 'ddpm', steps: 1000, n: 1000, d: 2, width: 128, blocks: 3, timeEmbedding: 64, warmup: 1, reps: 3 },
  'sample-ddim': { kind: 'sample', scheduler: 'ddim', steps: 50, n: 1000, d: 2, width: 128, blocks: 3, timeEmbedding: 64, warmup: 1, reps: 5 },
  'sample-dpm++': { kind: 'sample', scheduler: 'dpm++', steps: 20, n: 1000, d: 2, width: 128, blocks: 3, timeEmbedding: 64, warmup: 1, reps: 5 },
  'sample-euler': { kind: 'sample', scheduler: 'euler', steps: 50, n: 1000, d: 2, width: 128, blocks: 3, timeEmbedding: 64, warmup: 1, reps: 5 },
  'ddpm-unet28': { kind: 'unet', preset: '28x28', B: 32, lr: 1e-3, clipNorm: 1, emaDecay: 0.995, lossTol: 1e-5, predTol: 1e-4, gradNormTol: 1e-4, warmup: 1, reps: 5 },
};
export const NEURAL_CASES = Object.keys(SPECS);
/** Linear DDPM schedule (ardiff's and diffusers' defaults). */
const SCHEDULE = { numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02 };
/** Agreement tolerances: relative difference of the first loss; max |Δx| / max |x| of the samples. */
const LOSS_TOL = 1e-4;
const SAMPLE_TOL = 1e-3;

const progress = (msg) => process.stderr.write(`[bench:neural] ${msg}\n`);
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const b64 = (typed) => Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64');
const fromB64 = (s) => {
  const bytes = Buffer.from(s, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
};

function parseArgs(argv) {
  const opt = { json: argv.includes('--json'), quick: argv.includes('--quick'), cases: NEURAL_CASES, warmup: undefined, reps: undefined };
  const val = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (val('--cases') !== undefined) opt.cases = val('--cases').split(',');
  for (const c of opt.cases) if (!NEURAL_CASES.includes(c)) throw new Error(`unknown neural case '${c}'; cases: ${NEURAL_CASES.join(', ')}`);
  for (const k of ['warmup', 'reps']) {
    const v = val(`--${k}`);
    if (v !== undefined) {
      opt[k] = Number(v);
      if (!Number.isInteger(opt[k]) || opt[k] < (k === 'reps' ? 1 : 0)) throw new Error(`--${k} must be an integer ≥ ${k === 'reps' ? 1 : 0}; got ${v}`);
    }
  }
  return opt;
}

/**
 * Warm-up and timed counts of a case: its own, or the --quick smoke counts (1 warm-up and 2 timed
 * steps; 1 warm-up and 1 timed call for sampling), then --warmup / --reps when given.
 */
function counts(spec, opt) {
  const base = opt.quick ? (spec.kind === 'sample' ? { warmup: 1, reps: 1 } : { warmup: 1, reps: 2 }) : spec;
  let warmup = opt.warmup ?? base.warmup;
  const reps = opt.reps ?? base.reps;
  // trainDenoiser is timed between its onStep callbacks: the first timed step needs one before it.
  if (spec.kind === 'ddpm-mlp') warmup = Math.max(1, warmup);
  return { warmup, reps };
}

// ---------------------------------------------------------------- ardiff (compiled API in dist/)

async function loadArdiff() {
  const mods = {};
  const errors = {};
  const tryImport = async (key, rel) => {
    try {
      mods[key] = await import(`../dist/${rel}.js`);
      const src = `${ROOT}src/${rel}.ts`, out = `${ROOT}dist/${rel}.js`;
      if (existsSync(src) && statSync(src).mtimeMs > statSync(out).mtimeMs) progress(`warning: src/${rel}.ts is newer than dist/${rel}.js — run \`npm run build\``);
    } catch (e) {
      errors[key] = `dist/${rel}.js not loadable (${e.message.split('\n')[0]}); run \`npm run build\``;
    }
  };
  for (const [key, rel] of [['neural', 'neural/index'], ['engine', 'neural/engine/index'], ['rng', 'core/rng'], ['rnn', 'neural/rnn'], ['heads', 'neural/heads'], ['gpt', 'neural/gpt'], ['tokenizer', 'neural/tokenizer'], ['diffusion', 'diffusion/index']]) {
    await tryImport(key, rel);
  }
  return { mods, errors };
}

/** Why a case cannot run on the ardiff side (missing module or export), or null. */
function missingFor(spec, mods, errors) {
  const need = { rnn: [['rnn', 'RNN'], ['heads', 'createHead']], gpt: [['gpt', 'GPT'], ['tokenizer', 'CharTokenizer']], mlp: [['diffusion', 'MLPDenoiser']], 'ddpm-mlp': [['diffusion', 'MLPDenoiser'], ['diffusion', 'trainDenoiser'], ['diffusion', 'toyData']], sample: [['diffusion', 'MLPDenoiser'], ['diffusion', 'DiffusionModel'], ['diffusion', 'resolveScheduleConfig']], unet: [['diffusion', 'UNet2DDenoiser'], ['diffusion', 'UNET2D_PRESETS'], ['diffusion', 'makeBetas'], ['diffusion', 'alphasFromBetas'], ['diffusion', 'alphasCumprod'], ['neural', 'EMA'], ['neural', 'warmupCosine']] }[spec.kind];
  for (const [key, name] of [['neural', 'initEngine'], ['neural', 'AdamW'], ['neural', 'trainStep'], ['neural', 'ParamStore'], ['engine', 'tf'], ['rng', 'createRng'], ...need]) {
    if (errors[key]) return errors[key];
    if (mods[key][name] === undefined) return `dist/${key} has no export '${name}'`;
  }
  return null;
}

/** n standard normals (float32) from ardiff's seeded generator. */
function normals(rng, n) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Runs `step` warmup + reps times; returns the first and last calls' values and the timed milliseconds. */
function timeSteps(step, warmup, reps) {
  let first, last;
  const samples = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    last = step();
    const dt = performance.now() - t0;
    if (i === 0) first = last;
    if (i >= warmup) samples.push(dt);
  }
  return { first, last, samples };
}

/**
 * Builds and times one case on ardiff; returns its result and the task entry for the peer (sizes,
 * counts, initial weights, the fixed batch).
 */
function timeArdiffCase(name, spec, c, M) {
  const { tf } = M.engine;
  const { AdamW, trainStep, ParamStore } = M.neural;
  const rng = M.rng.createRng(SEED);
  const before = tf.memory().numTensors;
  const task = { kind: spec.kind, ...spec, ...c };
  const dispose = [];
  let res;
  try {
    if (spec.kind === 'rnn') {
      const { T, B, features: F, hidden: H } = spec;
      const params = new ParamStore();
      dispose.push(params);
      const rnn = M.rnn.RNN.create(params, { cell: spec.cell, inputSize: F, hiddenSize: H, layers: spec.layers }, rng, 'rnn');
      const head = M.heads.createHead('gaussian', params, H, rng, 'head');
      const xHost = normals(rng, T * B * F), yHost = normals(rng, T * B);
      Object.assign(task, { params: params.toJSON(), x: b64(xHost), y: b64(yHost) });
      const opt = new AdamW(params, { lr: spec.lr });
      dispose.push(opt);
      const x = tf.tensor3d(xHost, [T, B, F]), y = tf.tensor1d(yHost);
      dispose.push(x, y);
      // DeepAR's training loss (deepar.ts batchLoss): the head's mean NLL of the T·B targets.
      const loss = () => head.loss(y, tf.reshape(rnn.forwardTrain(x), [T * B, H]));
      const { first, samples } = timeSteps(() => trainStep(params, opt, loss, { clipNorm: spec.clipNorm }).loss, c.warmup, c.reps);
      res = { ms: median(samples), samples, loss0: first, parameters: params.count() };
    } else if (spec.kind === 'gpt') {
      const { vocabSize: V, blockSize: T, B } = spec;
      const chars = Array.from({ length: V }, (_, i) => String.fromCodePoint(0x100 + i));
      const model = M.gpt.GPT.create({ vocabSize: V, nLayer: spec.nLayer, nHead: spec.nHead, dModel: spec.dModel, blockSize: T }, new M.tokenizer.CharTokenizer(chars, false), rng);
      dispose.push(model);
      const x = new Int32Array(B * T), y = new Int32Array(B * T);
      for (let j = 0; j < B * T; j++) { x[j] = Math.floor(rng.uniform() * V); y[j] = Math.floor(rng.uniform() * V); }
      Object.assign(task, { params: model.params.toJSON(), x: b64(x), y: b64(y) });
      const opt = new AdamW(model.params, { lr: spec.lr, weightDecay: spec.weightDecay });
      dispose.push(opt);
      const { first, samples } = timeSteps(() => trainStep(model.params, opt, () => model.loss(x, y, B, T), { clipNorm: spec.clipNorm }).loss, c.warmup, c.reps);
      res = { ms: median(samples), samples, loss0: first, parameters: model.params.count() };
    } else if (spec.kind === 'mlp') {
      const { B, d } = spec;
      const den = new M.diffusion.MLPDenoiser({ sampleSize: d, width: spec.width, blocks: spec.blocks, timeEmbedding: spec.timeEmbedding, seed: SEED });
      dispose.push(den.params);
      const xt = normals(rng, B * d), target = normals(rng, B * d);
      const t = Float32Array.from({ length: B }, () => Math.floor(rng.uniform() * SCHEDULE.numTrainTimesteps));
      Object.assign(task, { params: den.params.toJSON(), xt: b64(xt), t: b64(t), target: b64(target) });
      const opt = new AdamW(den.params, { lr: spec.lr });
      dispose.push(opt);
      const loss = () => tf.mean(tf.square(tf.sub(den.forward(tf.tensor2d(xt, [B, d]), t), tf.tensor2d(target, [B, d]))));
      const { first, samples } = timeSteps(() => trainStep(den.params, opt, loss).loss, c.warmup, c.reps);
      res = { ms: median(samples), samples, loss0: first, parameters: den.params.count() };
    } else if (spec.kind === 'ddpm-mlp') {
      const { B, d } = spec;
      const den = new M.diffusion.MLPDenoiser({ sampleSize: d, width: spec.width, blocks: spec.blocks, timeEmbedding: spec.timeEmbedding, seed: SEED });
      dispose.push(den.params);
      const data = M.diffusion.toyData('moons', spec.rows, M.rng.createRng(SEED + 1));
      Object.assign(task, { params: den.params.toJSON(), data: b64(data), ...SCHEDULE });
      const stamps = [];
      const r = M.diffusion.trainDenoiser(den, data, {
        steps: c.warmup + c.reps, batchSize: B, lr: spec.lr, clipNorm: spec.clipNorm, emaDecay: spec.emaDecay, schedule: SCHEDULE, seed: SEED,
        onStep: () => stamps.push(performance.now()),
      });
      const samples = [];
      for (let i = c.warmup; i < c.warmup + c.reps; i++) samples.push(stamps[i] - stamps[i - 1]);
      res = { ms: median(samples), samples, loss0: r.losses[0], parameters: den.params.count() };
    } else if (spec.kind === 'sample') {
      const { n, d } = spec;
      const den = new M.diffusion.MLPDenoiser({ sampleSize: d, width: spec.width, blocks: spec.blocks, timeEmbedding: spec.timeEmbedding, seed: SEED });
      dispose.push(den.params);
      const cols = Array.from({ length: d }, (_, j) => `x${j + 1}`);
      const model = new M.diffusion.DiffusionModel(den, M.diffusion.resolveScheduleConfig(SCHEDULE), 'epsilon', cols, [], new Float64Array(d), new Float64Array(d).fill(1), NaN);
      // The loop's starting noise is the first n·d normals of the generator it is given.
      const z = normals(M.rng.createRng(SEED + 2), n * d);
      Object.assign(task, { params: den.params.toJSON(), z: b64(z), ...SCHEDULE });
      const one = () => model.sample(n, { scheduler: spec.scheduler, steps: spec.steps, rng: M.rng.createRng(SEED + 2) }).samples;
      const { last, samples } = timeSteps(one, c.warmup, c.reps);
      const ms = median(samples);
      res = { ms, samples, samplesPerSec: n / (ms / 1000), x: last };
    } else if (spec.kind === 'unet') {
      const { B } = spec;
      const den = new M.diffusion.UNet2DDenoiser({ ...M.diffusion.UNET2D_PRESETS[spec.preset], seed: SEED });
      dispose.push(den.params);
      const d = den.sampleSize;
      // The batch as trainDenoiser draws one (its per-row loop), from a fixed x₀ ~ U(−1, 1).
      const abar = M.diffusion.alphasCumprod(M.diffusion.alphasFromBetas(M.diffusion.makeBetas(SCHEDULE)));
      const T = SCHEDULE.numTrainTimesteps;
      const xt = new Float32Array(B * d), target = new Float32Array(B * d), t = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        t[b] = Math.min(T - 1, Math.floor(rng.uniform() * T));
        const a = abar[t[b]], sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
        for (let j = 0; j < d; j++) {
          const x0 = 2 * rng.uniform() - 1, eps = rng.normal();
          xt[b * d + j] = sa * x0 + sb * eps;
          target[b * d + j] = eps;
        }
      }
      const sp = den.spec;
      Object.assign(task, {
        name, params: den.params.toJSON(), xt: b64(xt), t: b64(t), target: b64(target),
        height: sp.height, width: sp.width, channels: sp.channels, levelChannels: [...sp.levelChannels], blocksPerLevel: sp.blocksPerLevel,
        attention: sp.attention, groups: sp.groups, timeEmbedding: sp.timeEmbedding, numClasses: sp.numClasses,
      });
      const opt = new AdamW(den.params, { lr: spec.lr });
      const ema = new M.neural.EMA(den.params, spec.emaDecay);
      dispose.push(opt, ema);
      // The initial network's output on the batch (untimed), for the peer's element-wise check.
      const pred0 = tf.tidy(() => den.forward(tf.tensor2d(xt, [B, d]), t));
      task.ardiffPred0 = b64(Float32Array.from(pred0.dataSync()));
      pred0.dispose();
      const w = new Float32Array(B).fill(1);
      // trainDenoiser's loss: per-row mean square error against ε, weighted (here by 1), averaged.
      const loss = () => {
        const pred = den.forward(tf.tensor2d(xt, [B, d]), t);
        const perRow = tf.mean(tf.square(tf.sub(pred, tf.tensor2d(target, [B, d]))), 1);
        return tf.mean(tf.mul(perRow, tf.tensor1d(w)));
      };
      const total = c.warmup + c.reps, warm = Math.max(1, Math.round(total * 0.02));
      let s = 0;
      const norms = [];
      const step = () => {
        const r = trainStep(den.params, opt, loss, { clipNorm: spec.clipNorm, lrScale: M.neural.warmupCosine(s++, warm, total) });
        ema.update();
        norms.push(r.gradNorm);
        return r.loss;
      };
      const { first, last, samples } = timeSteps(step, c.warmup, c.reps);
      task.ardiffLoss0 = first;
      res = { ms: median(samples), samples, loss0: first, lossLast: last, gradNorm0: norms[0], parameters: den.params.count() };
    }
  } finally {
    for (const o of dispose) o.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) res.leakedTensors = leaked;
  return { res, task };
}

// ---------------------------------------------------------------- peer

function torchAvailable() {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function runPeer(taskFile) {
  const out = `${CACHE}torch-neural.json`;
  writeFileSync(out, '');
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const t0 = performance.now();
  const r = spawnSync(PYTHON, [`${ROOT}bench/peers/torch_neural.py`, taskFile, out], { encoding: 'utf8', env, timeout: PEER_TIMEOUT_MS, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (r.status !== 0 || !text) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
    return { error: why };
  }
  progress(`PyTorch done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------- run

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmtNum = (x) => (x === undefined || x === null ? '–' : Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4));

function describe(name, spec) {
  switch (spec.kind) {
    case 'rnn': return `${spec.cell.toUpperCase()} H ${spec.hidden}, T ${spec.T}, B ${spec.B}, F ${spec.features}, ${spec.layers} layer, Gaussian head`;
    case 'gpt': return `${spec.nLayer} layers, d ${spec.dModel}, ${spec.nHead} heads, ctx ${spec.blockSize}, B ${spec.B}, V ${spec.vocabSize}`;
    case 'mlp': return `MLP w ${spec.width}, ${spec.blocks} blocks, temb ${spec.timeEmbedding}, B ${spec.B}, 2-D, plain step`;
    case 'ddpm-mlp': return `trainDenoiser step (batch draw, clip 1, EMA), B ${spec.B}`;
    case 'sample': return `${spec.scheduler} ${spec.steps} steps, n ${spec.n}`;
    case 'unet': return `U-Net ${spec.preset} (c 32/64/64, attn 7×7), B ${spec.B}, clip 1, EMA`;
    default: return name;
  }
}

/** Runs the neural benchmark; returns the exit code. */
export async function runNeural(argv) {
  const opt = parseArgs(argv);
  const started = performance.now();
  const loadAtStart = loadAverage();
  const notes = [];
  const { mods, errors } = await loadArdiff();
  if (errors.neural || errors.engine) {
    console.error(`${errors.neural ?? errors.engine}`);
    return 1;
  }
  const info = await mods.neural.initEngine();
  const tfVersion = mods.engine.tf.version?.tfjs ?? mods.engine.tf.version_core ?? '?';
  progress(`engine: ${info.backend} (tfjs ${tfVersion}); cases: ${opt.cases.join(', ')}`);

  const ardiff = {};
  const skipped = {};
  const task = { order: [], cases: {} };
  let torchChecked = false, torchVersion = null;
  const torch = () => {
    if (!torchChecked) { torchVersion = torchAvailable(); torchChecked = true; }
    return torchVersion;
  };
  for (const name of opt.cases) {
    const spec = SPECS[name];
    // The U-Net case is only worth its ~20 s when there is a peer to compare with (and agree with).
    if (spec.kind === 'unet' && !torch()) {
      skipped[name] = `needs the PyTorch U-Net peer, and PyTorch is not installed (\`${PYTHON} -c "import torch"\` failed; Debian: apt-get install python3-torch)`;
      continue;
    }
    const why = missingFor(spec, mods, errors);
    if (why) {
      skipped[name] = `ardiff side not available: ${why}`;
      continue;
    }
    const c = counts(spec, opt);
    progress(`ardiff ${name} (${c.warmup} warm-up, ${c.reps} timed) …`);
    try {
      const t0 = performance.now();
      const { res, task: entry } = timeArdiffCase(name, spec, c, mods);
      ardiff[name] = res;
      task.order.push(name);
      task.cases[name] = entry;
      progress(`  ${fmtMs(res.ms)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      skipped[name] = `ardiff failed: ${e.message.split('\n')[0]}`;
    }
  }

  // PyTorch peer
  let peer = null;
  if (task.order.length) torch();
  if (task.order.length && !torchVersion) {
    notes.push(`PyTorch not installed (\`${PYTHON} -c "import torch"\` failed) — the PyTorch column is skipped (Debian: apt-get install python3-torch)`);
  } else if (task.order.length) {
    mkdirSync(CACHE, { recursive: true });
    const taskFile = `${CACHE}neural-task.json`;
    writeFileSync(taskFile, JSON.stringify(task));
    progress(`timing PyTorch ${torchVersion} …`);
    peer = runPeer(taskFile);
    if (peer.error) {
      notes.push(`PyTorch failed — skipped (${peer.error})`);
      peer = null;
    } else {
      // Agreement failures are listed under PROBLEMS below.
      for (const [name, err] of Object.entries(peer.errors ?? {})) if (!err.startsWith('AgreementError')) notes.push(`PyTorch failed on ${name}: ${err}`);
    }
  }
  const diffusersOk = spawnSync(PYTHON, ['-c', 'import diffusers'], { stdio: 'ignore' }).status === 0;
  if (opt.cases.some((c) => SPECS[c].kind === 'sample')) {
    notes.push(diffusersOk
      ? 'sampling peer: hand-written diffusers-equivalent updates in torch (diffusers is installed but not used, so both sides run the same network code)'
      : 'sampling peer: hand-written diffusers-equivalent updates in torch; diffusers is not installed, so there is no diffusers-scheduler peer');
  }

  // Rows
  const rows = [];
  const problems = [];
  let agreementFailed = false;
  for (const [name, err] of Object.entries(peer?.errors ?? {})) {
    if (err.startsWith('AgreementError')) {
      problems.push(`${name}: ${err}`);
      agreementFailed = true;
    }
  }
  for (const name of opt.cases) {
    const spec = SPECS[name];
    if (skipped[name]) {
      rows.push({ name, skipped: skipped[name] });
      continue;
    }
    const a = ardiff[name];
    const p = peer?.cases?.[name];
    const row = { name, ardiffMs: a.ms, peer: p ? 'pytorch' : null, peerMs: p ? p.ms : null, ratio: p ? a.ms / p.ms : null };
    if (spec.kind === 'sample') {
      Object.assign(row, { scheduler: spec.scheduler, steps: spec.steps, n: spec.n, ardiffSamplesPerSec: a.samplesPerSec, peerSamplesPerSec: p ? p.samplesPerSec : null });
      if (p && spec.scheduler !== 'ddpm') {
        const px = fromB64(p.x);
        let maxDiff = 0, maxAbs = 0;
        for (let i = 0; i < px.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(px[i] - a.x[i]));
          maxAbs = Math.max(maxAbs, Math.abs(a.x[i]));
        }
        row.maxAbsDiff = maxDiff;
        row.maxAbs = maxAbs;
        row.relDiff = maxDiff / Math.max(1, maxAbs);
        if (!(row.relDiff <= SAMPLE_TOL)) problems.push(`${name}: samples differ by ${maxDiff.toExponential(2)} (max |x| ${maxAbs.toExponential(2)}), above ${SAMPLE_TOL} relative`);
      }
    } else {
      row.parameters = a.parameters;
      row.ardiffLoss0 = a.loss0;
      if (p) {
        row.peerLoss0 = p.loss0;
        if (spec.kind !== 'ddpm-mlp') {
          const tol = spec.lossTol ?? LOSS_TOL;
          row.loss0RelDiff = Math.abs(a.loss0 - p.loss0) / Math.max(1e-12, Math.abs(p.loss0));
          if (!(row.loss0RelDiff <= tol)) {
            problems.push(`${name}: first-step loss ardiff ${a.loss0} vs PyTorch ${p.loss0} (rel. ${row.loss0RelDiff.toExponential(2)} > ${tol})`);
            if (spec.kind === 'unet') agreementFailed = true;
          }
        }
        if (spec.kind === 'unet') {
          Object.assign(row, { ardiffGradNorm0: a.gradNorm0, peerGradNorm0: p.gradNorm0, ardiffLossLast: a.lossLast, peerLossLast: p.lossLast, peerParameters: p.parameters });
          row.gradNorm0RelDiff = Math.abs(a.gradNorm0 - p.gradNorm0) / Math.max(1e-12, Math.abs(p.gradNorm0));
          row.lossLastRelDiff = Math.abs(a.lossLast - p.lossLast) / Math.max(1e-12, Math.abs(p.lossLast));
          if (!(row.gradNorm0RelDiff <= spec.gradNormTol)) {
            problems.push(`${name}: step-1 gradient norm ardiff ${a.gradNorm0} vs PyTorch ${p.gradNorm0} (rel. ${row.gradNorm0RelDiff.toExponential(2)} > ${spec.gradNormTol})`);
            agreementFailed = true;
          }
          notes.push(`${name}: ${a.parameters} parameters (PyTorch ${p.parameters}); peer's pre-timing check: initial loss ${fmtNum(p.checkLoss)} vs ardiff ${fmtNum(a.loss0)} (rel. ${p.checkRelDiff.toExponential(1)}), initial output max |Δ| ${p.predMaxAbsDiff.toExponential(1)} of max |ε̂| ${fmtNum(p.predMaxAbs)}; step-1 gradient norm ardiff ${fmtNum(a.gradNorm0)} / PyTorch ${fmtNum(p.gradNorm0)} (rel. ${row.gradNorm0RelDiff.toExponential(1)}); loss after ${counts(spec, opt).warmup + counts(spec, opt).reps} steps on the fixed batch ${fmtNum(a.lossLast)} / ${fmtNum(p.lossLast)} (rel. ${row.lossLastRelDiff.toExponential(1)})`);
        }
      }
    }
    // The bench disposes everything it made (models, optimisers, inputs): what is left is ardiff's.
    if (a.leakedTensors) notes.push(`${name}: ${a.leakedTensors} tensors still allocated after the case (ardiff leak; timings unaffected)`);
    rows.push(row);
  }

  // Report
  const cpu = cpuModel();
  const lines = [];
  lines.push(`ardiff neural benchmark — Node ${process.version}, ${os.cpus().length} cores (${cpu}), load average at start ${loadAtStart}`);
  lines.push(`  ardiff: engine ${info.backend}, tfjs ${tfVersion}, 1 thread; peer: ${peer ? peer.version : 'none'}`);
  lines.push(`  median of timed steps after untimed warm-up steps (counts per case below); ratio = ardiff / PyTorch (> 1: ardiff slower)${opt.quick ? '; --quick smoke counts' : ''}`);
  lines.push('');
  const head = [pad('case', 13), pad('what', 58), lpad('warm/reps', 9), lpad('ardiff', 10), lpad('PyTorch', 10), lpad('ratio', 8), '  first-step loss ardiff / PyTorch'];
  lines.push(head.join(' '));
  lines.push('-'.repeat(head.join(' ').length + 6));
  for (const r of rows) {
    if (r.skipped || SPECS[r.name].kind === 'sample') continue;
    const c = counts(SPECS[r.name], opt);
    const loss = r.peerLoss0 === undefined ? fmtNum(r.ardiffLoss0) : `${fmtNum(r.ardiffLoss0)} / ${fmtNum(r.peerLoss0)}${r.loss0RelDiff === undefined ? ' (random batches)' : ` (rel. ${r.loss0RelDiff.toExponential(1)})`}`;
    lines.push([pad(r.name, 13), pad(describe(r.name, SPECS[r.name]), 58), lpad(`${c.warmup}/${c.reps}`, 9), lpad(fmtMs(r.ardiffMs), 10), lpad(r.peerMs === null ? '–' : fmtMs(r.peerMs), 10), lpad(r.ratio === null ? '–' : `${r.ratio.toFixed(2)}x`, 8), `  ${loss}`].join(' '));
  }
  if (rows.some((r) => !r.skipped && SPECS[r.name].kind === 'sample')) {
    lines.push('');
    lines.push(`sampling, n = ${SPECS['sample-ddim'].n} samples per call (ms per call; samples/s):`);
    const h2 = [pad('case', 13), pad('what', 28), lpad('warm/reps', 9), lpad('ardiff', 10), lpad('PyTorch', 10), lpad('ardiff/s', 10), lpad('PyTorch/s', 10), lpad('ratio', 8), '  samples max |Δ| / max |x|'];
    lines.push(h2.join(' '));
    lines.push('-'.repeat(h2.join(' ').length + 6));
    for (const r of rows) {
      if (r.skipped || SPECS[r.name].kind !== 'sample') continue;
      const c = counts(SPECS[r.name], opt);
      const agree = r.maxAbsDiff === undefined ? (r.scheduler === 'ddpm' ? 'stochastic: not compared' : '–') : `${r.maxAbsDiff.toExponential(1)} / ${r.maxAbs.toExponential(1)}`;
      lines.push([pad(r.name, 13), pad(describe(r.name, SPECS[r.name]), 28), lpad(`${c.warmup}/${c.reps}`, 9), lpad(fmtMs(r.ardiffMs), 10), lpad(r.peerMs === null ? '–' : fmtMs(r.peerMs), 10), lpad(Math.round(r.ardiffSamplesPerSec), 10), lpad(r.peerSamplesPerSec === null ? '–' : Math.round(r.peerSamplesPerSec), 10), lpad(r.ratio === null ? '–' : `${r.ratio.toFixed(2)}x`, 8), `  ${agree}`].join(' '));
    }
  }
  lines.push('');
  for (const r of rows) if (r.skipped) lines.push(`${r.name} skipped: ${r.skipped}`);
  for (const n of notes) lines.push(n);
  if (problems.length) lines.push('', 'PROBLEMS (beyond the stated tolerances; bugs to look at):', ...problems.map((p) => `  ${p}`));
  lines.push('');
  lines.push(`total wall time ${((performance.now() - started) / 1000).toFixed(1)} s; load average at end ${loadAverage()}`);
  console.log(lines.join('\n'));

  if (opt.json) {
    const round = (x) => (typeof x === 'number' ? Number(x.toPrecision(6)) : x);
    const out = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])));
    console.log(JSON.stringify({ suite: 'neural', ratio: 'ardiffMs/peerMs', engine: info.backend, peerVersion: peer ? peer.version : null, cases: out }));
  }
  return agreementFailed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runNeural(process.argv.slice(2));
}
