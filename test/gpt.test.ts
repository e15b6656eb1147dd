// Character-level GPT: tokenizer with byte fallback, training (learns, seeded), KV-cached generation
// against the plain forward pass, sampling rules, save/load, typed errors, and the CLI.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { buildTokenizer, CharTokenizer } from '../src/neural/tokenizer.js';
import { trainGPT, gptFromJSON, sampleLogits, evaluateGPT, GPT, GPT_FORMAT_VERSION, type GPTJSON } from '../src/neural/gpt.js';
import { gelu } from '../src/neural/ops/activations.js';
import { layerNorm } from '../src/neural/ops/layer-norm.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { runCli, runCliJson } from './cli-helpers.js';

// A small repetitive text: a model that learns it predicts most characters almost surely.
const VERSE = 'To be, or not to be, that is the question:\nWhether tis nobler in the mind to suffer\n';
const TEXT = VERSE.repeat(30);

let model: GPT;
beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  model = trainGPT(TEXT, { preset: 'tiny', seed: 7 });
}, 60_000);
afterAll(() => model?.dispose());

describe('tokenizer', () => {
  it('sorts the characters, appends 256 byte tokens and round-trips', () => {
    const tk = buildTokenizer('hello world');
    expect(tk.chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(tk.vocabSize).toBe(8 + 256);
    const ids = tk.encode('hello');
    expect(Array.from(ids)).toEqual([3, 2, 4, 4, 5]);
    expect(tk.decode(ids)).toBe('hello');
    expect(buildTokenizer('ab', { byteFallback: false }).vocabSize).toBe(2);
  });

  it('spells characters outside the vocabulary as UTF-8 bytes when asked (Chinese)', () => {
    const tk = buildTokenizer('ROMEO: hello');
    const text = 'ROMEO: 你好, hello';
    const ids = tk.encode(text, { unknown: 'bytes' });
    // 你 and 好 are three UTF-8 bytes each; ',' is one more unknown byte.
    expect(ids.length).toBe([...text].length + 2 * 2);
    expect(tk.decode(ids)).toBe(text);
    expect(tk.tokenName(tk.byteId(0xe4))).toBe('<0xE4>');
  });

  it('gives a large alphabet its most frequent characters and bytes for the rest', () => {
    const corpus = '我们我们我们的的的是是天地人你好';
    const tk = buildTokenizer(corpus, { maxChars: 3 });
    expect([...tk.chars].sort()).toEqual(['我', '们', '的'].sort());
    expect(tk.decode(tk.encode(corpus, { unknown: 'bytes' }))).toBe(corpus);
    expect(CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tk.toJSON()))).chars).toEqual(tk.chars);
  });

  it('names characters outside the vocabulary in a typed error', () => {
    const tk = buildTokenizer('abc');
    expect(() => tk.encode('ab你c好')).toThrow(ArgumentError);
    expect(() => tk.encode('ab你c好')).toThrow(/"你" \(U\+4F60\), "好" \(U\+597D\)/);
    const plain = buildTokenizer('abc', { byteFallback: false });
    expect(() => plain.encode('你', { unknown: 'bytes' })).toThrow(/no byte tokens/);
  });
});

describe('layers', () => {
  it('LayerNorm and GELU gradients written out match automatic differentiation', () => {
    tf.tidy(() => {
      const rng = createRng(3);
      const r = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());
      const x = tf.tensor2d(r(40, 2), [5, 8]), g = tf.tensor1d(r(8)), b = tf.tensor1d(r(8)), w = tf.tensor2d(r(40), [5, 8]);
      const refLN = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const xc = tf.sub(x, tf.mean(x, -1, true));
        return tf.add(tf.mul(tf.div(xc, tf.sqrt(tf.add(tf.mean(tf.square(xc), -1, true), 1e-5))), g), b);
      };
      const refGelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
      const close = (a: tf.Tensor, c: tf.Tensor) => expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeLessThan(1e-5);
      close(layerNorm(x, g, b), refLN(x, g, b));
      const ours = tf.grads((x, g, b) => tf.sum(tf.mul(layerNorm(x, g, b), w)))([x, g, b]);
      const ref = tf.grads((x, g, b) => tf.sum(tf.mul(refLN(x, g, b), w)))([x, g, b]);
      ours.forEach((t, i) => close(t, ref[i]));
      close(gelu(x), refGelu(x));
      close(tf.grad((x) => tf.sum(tf.mul(gelu(x), w)))(x), tf.grad((x) => tf.sum(tf.mul(refGelu(x), w)))(x));
    });
  });
});

describe('trainGPT', () => {
  it('learns a repetitive text: loss far below ln(vocabulary)', () => {
    const r = model.training!;
    const lnV = Math.log(model.config.vocabSize);
    expect(r.losses[0]).toBeGreaterThan(0.9 * lnV); // starts near uniform
    expect(r.trainLoss).toBeLessThan(0.2 * lnV);
    expect(r.valLoss).toBeLessThan(0.2 * lnV);
    expect(r.steps).toBe(150);
    expect(r.evals.at(-1)!.valLoss).toBe(r.valLoss);
    expect(model.summary()).toMatch(/parameters/);
  });

  it('gives the same losses and the same text for the same seed', () => {
    const a = trainGPT(TEXT, { preset: 'tiny', seed: 3, steps: 25 });
    const b = trainGPT(TEXT, { preset: 'tiny', seed: 3, steps: 25 });
    const c = trainGPT(TEXT, { preset: 'tiny', seed: 4, steps: 25 });
    try {
      expect(b.training!.losses).toEqual(a.training!.losses);
      expect(b.training!.valLoss).toBe(a.training!.valLoss);
      expect(c.training!.losses).not.toEqual(a.training!.losses);
      const opts = { tokens: 40, temperature: 0.9 };
      expect(b.generate('To be', { ...opts, rng: createRng(5) })).toBe(a.generate('To be', { ...opts, rng: createRng(5) }));
    } finally {
      a.dispose(); b.dispose(); c.dispose();
    }
  });

  it('reports nats per character on evenly spread held-out windows', () => {
    const ids = model.tokenizer.encode(VERSE.repeat(3));
    const whole = evaluateGPT(model, ids);
    expect(whole).toBeGreaterThan(0);
    expect(evaluateGPT(model, ids, 64)).toBeGreaterThan(0);
  });

  it('frees every tensor it makes (training, evaluation, cached generation)', () => {
    const before = tf.memory().numTensors;
    const m = trainGPT(TEXT, { preset: 'tiny', seed: 1, steps: 3 });
    m.generate('To', { tokens: 2 * m.config.blockSize });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generation', () => {
  it('the KV cache reproduces the full forward pass (prompt in one pass, then one position at a time)', () => {
    const T = model.config.blockSize, V = model.config.vocabSize;
    const ids = Array.from(model.tokenizer.encode(TEXT.slice(5, 5 + T)));
    const full = model.logits(ids);
    const cache = model.createCache();
    const cached = new Float32Array(T * V);
    cached.set(model.feed(cache, ids.slice(0, 7)), 0);
    for (let t = 7; t < T; t++) cached.set(model.feed(cache, [ids[t]]), t * V);
    expect(cache.length).toBe(T);
    cache.dispose();
    let maxDiff = 0, lo = Infinity, hi = -Infinity;
    for (let i = 0; i < full.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(full[i] - cached[i]));
      lo = Math.min(lo, full[i]); hi = Math.max(hi, full[i]);
    }
    expect(maxDiff).toBeLessThan(1e-4);
    expect(hi - lo).toBeGreaterThan(5); // the logits are far from uniform, so the check has teeth
    // Feeding past the context is refused instead of reading unlearned positions.
    const c2 = model.createCache();
    model.feed(c2, ids);
    expect(() => model.feed(c2, [ids[0]])).toThrow(/context/);
    c2.dispose();
  });

  it('continues the learned text and keeps going past the context by refilling the cache', () => {
    const out = model.generate('To be, or not', { tokens: 3 * model.config.blockSize, topK: 1 });
    expect([...out].length).toBe(3 * model.config.blockSize);
    expect(out).toContain('that is the question:\nWhether');
    expect(model.generate('', { tokens: 10, rng: createRng(2) }).length).toBe(10);
  });

  it('samples by temperature, top-k and top-p as specified', () => {
    const logits = [1, 3, 2, 0.5];
    expect(sampleLogits(logits, { topK: 1 }, createRng(1))).toBe(1);
    expect(sampleLogits(logits, { topP: 0.01 }, createRng(1))).toBe(1);
    // Frequencies at temperature 2 follow softmax(logits / 2); top-k 2 keeps only ids 1 and 2.
    const rng = createRng(9);
    const n = 20000, counts = [0, 0, 0, 0], countsK = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) { counts[sampleLogits(logits, { temperature: 2 }, rng)]++; countsK[sampleLogits(logits, { topK: 2 }, rng)]++; }
    const e = logits.map((l) => Math.exp(l / 2)), z = e.reduce((a, b) => a + b);
    counts.forEach((c, i) => expect(Math.abs(c / n - e[i] / z)).toBeLessThan(0.015));
    expect(countsK[0] + countsK[3]).toBe(0);
    expect(Math.abs(countsK[1] / n - Math.E / (Math.E + 1))).toBeLessThan(0.015);
    // Top-p 0.8 on probabilities [0.6, 0.3, 0.1] keeps the first two.
    const p = [Math.log(0.6), Math.log(0.3), Math.log(0.1)];
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(sampleLogits(p, { topP: 0.8 }, rng));
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it('saves and restores the model: same logits bit for bit, same generated text', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as GPTJSON;
    expect(json.version).toBe(GPT_FORMAT_VERSION);
    expect(json.config).toEqual(model.config);
    const back = gptFromJSON(json);
    try {
      const ids = Array.from(model.tokenizer.encode('To be'));
      expect(back.logits(ids)).toEqual(model.logits(ids));
      const opts = { tokens: 60, temperature: 0.8, topK: 10, topP: 0.95 };
      expect(back.generate('Whether', { ...opts, rng: createRng(11) })).toBe(model.generate('Whether', { ...opts, rng: createRng(11) }));
      expect(back.training!.valLoss).toBe(model.training!.valLoss);
    } finally {
      back.dispose();
    }
  });
});

describe('infill (left context only)', () => {
  it('keeps the given characters, fills each blank from the text before it only, and is seeded', () => {
    const a = model.infill('To be, or ___ to be', { rng: createRng(3) });
    expect([...a].length).toBe(19);
    expect(a.slice(0, 10)).toBe('To be, or ');
    expect(a.slice(13)).toBe(' to be');
    expect(model.infill('To be, or ___ to be', { rng: createRng(3) })).toBe(a);
    // A causal model never sees what follows a blank: another ending gives the same fill.
    expect(model.infill('To be, or ___ mind', { rng: createRng(3) }).slice(0, 13)).toBe(a.slice(0, 13));
    expect(model.infill('To be, or ___ to be', { topK: 1 }).slice(0, 12)).toBe('To be, or no'); // the verse it learnt, greedily
    expect(() => model.infill('To be')).toThrow(/no blanks/);
  });
});

describe('bad input: typed errors', () => {
  it('empty corpus', () => {
    expect(() => trainGPT('', { preset: 'tiny' })).toThrow(DataError);
    expect(() => trainGPT('abc', { preset: 'tiny' })).toThrow(/too short/);
  });

  it('prompt with characters outside the vocabulary: named, or mapped through the byte fallback when asked', () => {
    expect(() => model.generate('To 你 be', { tokens: 5 })).toThrow(ArgumentError);
    expect(() => model.generate('To 你 be', { tokens: 5 })).toThrow(/"你" \(U\+4F60\)/);
    const out = model.generate('To 你 be', { tokens: 5, unknown: 'bytes', rng: createRng(1) });
    expect(typeof out).toBe('string');
    expect(out.length).toBeGreaterThan(0);
  });

  it('temperature ≤ 0', () => {
    expect(() => model.generate('To', { temperature: 0 })).toThrow(ArgumentError);
    expect(() => model.generate('To', { temperature: -1 })).toThrow(/temperature/);
  });

  it('top-p outside (0, 1]', () => {
    expect(() => model.generate('To', { topP: 0 })).toThrow(ArgumentError);
    expect(() => model.generate('To', { topP: 1.5 })).toThrow(/topP/);
  });

  it('top-k < 1', () => {
    expect(() => model.generate('To', { topK: 0 })).toThrow(ArgumentError);
    expect(() => model.generate('To', { topK: 2.5 })).toThrow(/topK/);
  });

  it('corrupt model file', () => {
    const json = model.toJSON();
    const cut = { ...json, params: json.params.map((p, i) => (i === 0 ? { ...p, data: p.data.slice(0, 12) } : p)) };
    expect(() => gptFromJSON(cut)).toThrow(DataError);
    expect(() => gptFromJSON({ ...json, params: json.params.slice(1) })).toThrow(/missing/);
    expect(() => gptFromJSON({ ...json, config: { ...json.config, dModel: 'wide' } })).toThrow(DataError);
    expect(() => gptFromJSON({ ...json, tokenizer: { chars: ['a', 'a'], byteFallback: true } })).toThrow(DataError);
    expect(() => gptFromJSON({ ...json, training: { steps: 'many' } })).toThrow(/training/);
    expect(() => gptFromJSON([1, 2])).toThrow(DataError);
  });

  it('version-mismatched model file', () => {
    expect(() => gptFromJSON({ ...model.toJSON(), version: GPT_FORMAT_VERSION + 1 })).toThrow(DataError);
    expect(() => gptFromJSON({ ...model.toJSON(), version: 0 })).toThrow(/version 0.*reads GPT model files of version 1/);
  });
});

describe('CLI: train gpt, generate', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ardiff-gpt-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains with --json, saves, and generates the same text for the same seed', async () => {
    const text = join(dir, 'verse.txt'), out = join(dir, 'model.json');
    writeFileSync(text, TEXT);
    const r = await runCliJson(['train', 'gpt', '--text', text, '--preset', 'tiny', '--steps', '40', '--seed', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json).sort()).toEqual(['seconds', 'steps', 'trainLoss', 'valLoss', 'vocabSize']);
    expect(r.json.steps).toBe(40);
    expect(r.json.vocabSize).toBe(new Set(TEXT).size + 256);
    expect(r.json.valLoss as number).toBeLessThan(Math.log(r.json.vocabSize as number));
    expect(r.stderr).toBe(''); // no progress bar off a terminal
    expect(JSON.parse(readFileSync(out, 'utf8')).kind).toBe('gpt');
    const args = ['generate', '--model', out, '--prompt', 'To be', '--tokens', '30', '--temperature', '0.8', '--top-k', '5', '--top-p', '0.9', '--seed', '3'];
    const g1 = await runCli(args), g2 = await runCli(args);
    expect(g1.code).toBe(0);
    expect(g1.stdout.startsWith('To be')).toBe(true);
    expect([...g1.stdout].length).toBe(5 + 30);
    expect(g2.stdout).toBe(g1.stdout);
  });

  it('answers bad input with exit code 2 and a typed error naming the flag', async () => {
    const empty = join(dir, 'empty.txt'), out = join(dir, 'm.json'), bad = join(dir, 'bad.json');
    writeFileSync(empty, '');
    const e = await runCliJson(['train', 'gpt', '--text', empty, '--preset', 'tiny', '--out', out]);
    expect(e.code).toBe(2);
    expect(e.json.error).toMatchObject({ type: 'DataError', argument: '--text' });
    writeFileSync(bad, '{"kind": "gpt", "version": 99}');
    const v = await runCli(['generate', '--model', bad, '--prompt', 'To']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/--model: format version 99/);
    writeFileSync(bad, 'not json');
    expect((await runCli(['generate', '--model', bad, '--prompt', 'To'])).code).toBe(2);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(model.toJSON()));
    const u = await runCli(['generate', '--model', good, '--prompt', 'To 你']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--prompt: character not in the model's vocabulary: "你"/);
    expect((await runCli(['generate', '--model', good, '--prompt', 'To', '--temperature', '0'])).stderr).toMatch(/--temperature/);
    expect((await runCli(['generate', '--model', good, '--prompt', 'To', '--top-p', '2'])).stderr).toMatch(/--top-p/);
    expect((await runCli(['generate', '--model', good, '--prompt', 'To', '--top-k', '0'])).stderr).toMatch(/--top-k/);
  });
});
