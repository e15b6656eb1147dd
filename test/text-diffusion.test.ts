// The masked diffusion language model (src/diffusion/text.ts): its weighted cross-entropy op
// against TensorFlow.js' own gradient, the ELBO and the blanks' log-likelihood against their closed
// forms for a model that predicts uniformly, training (learns, seeded), the sampler's rules
// (given characters kept, every blank filled, seeded), save/load, and typed errors.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { initEngine, tf } from '../src/neural/engine/index.js';
import { weightedCrossEntropy } from '../src/neural/ops/cross-entropy.js';
import { buildTokenizer } from '../src/neural/tokenizer.js';
import { TextDiffusion, trainTextDiffusion, textDiffusionFromJSON, type TextDiffusionJSON } from '../src/diffusion/text.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliJson } from './cli-helpers.js';
import { trainGPT } from '../src/neural/gpt.js';
import { refineText } from '../src/hybrid/text-refine.js';

// A short-period text: with a context of 16 the tiny model learns to fill blanks from both sides in
// 600 steps (a bidirectional model sits at the unigram entropy for a while before it learns to look
// at its neighbours; a causal one starts from the bigram statistics).
const TEXT = 'the cat sat on the mat. '.repeat(100);

let model: TextDiffusion;
beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  model = trainTextDiffusion(TEXT, { preset: 'tiny', seed: 3, steps: 600, blockSize: 16, byteFallback: false });
}, 120_000);
afterAll(() => model?.dispose());

/** A model whose token embedding is zero: every logit is 0, so it predicts uniformly over V. */
function uniformModel(): TextDiffusion {
  const tk = buildTokenizer(TEXT, { byteFallback: false });
  const m = TextDiffusion.create({ vocabSize: tk.vocabSize, nLayer: 1, nHead: 2, dModel: 16, blockSize: 32 }, tk, createRng(1));
  const wte = m.params.get('wte');
  wte.assign(tf.zerosLike(wte));
  return m;
}

describe('weightedCrossEntropy', () => {
  it('value and gradient equal Σ w_i·(−log softmax) differentiated by TensorFlow.js (1e-5)', () => {
    const rng = createRng(2);
    const N = 7, V = 5;
    const z = Float32Array.from({ length: N * V }, () => rng.normal() * 2);
    const targets = Int32Array.from({ length: N }, () => Math.floor(rng.uniform() * V));
    const w = Float64Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : rng.uniform() * 3));
    const logits = tf.tensor2d(z, [N, V]);
    const mine = tf.valueAndGrad((x: tf.Tensor) => weightedCrossEntropy(x, targets, w))(logits);
    const ref = tf.valueAndGrad((x: tf.Tensor) => tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(targets, V)), 1), tf.tensor1d(Float32Array.from(w))))))(logits);
    expect(Math.abs(mine.value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-5 * Math.abs(ref.value.dataSync()[0]));
    const g1 = mine.grad.dataSync(), g2 = ref.grad.dataSync();
    for (let i = 0; i < g1.length; i++) expect(Math.abs(g1[i] - g2[i])).toBeLessThan(1e-5);
    for (let j = 0; j < V; j++) expect(g1[j]).toBe(0); // row 0 has weight 0
    tf.dispose([logits, mine.value, mine.grad, ref.value, ref.grad]);
  });
});

describe('closed forms for a uniform model', () => {
  it('the negative ELBO of a model that predicts uniformly is ln V (every row of the estimator is exactly ln V)', () => {
    const m = uniformModel();
    try {
      const est = m.elbo(m.tokenizer.encode(TEXT), { samples: 4, maxTokens: 512, rng: createRng(5) });
      expect(Math.abs(est - Math.log(m.config.vocabSize))).toBeLessThan(1e-12);
    } finally {
      m.dispose();
    }
  });

  it('the blanks of a uniform model have log-likelihood −(blanks)·ln V exactly (float32 logits of 0)', () => {
    const m = uniformModel();
    try {
      const ids = m.encodeBlanks('the cat ___ on the');
      const truth = m.tokenizer.encode('the cat sat on the');
      expect(m.blankLogLikelihood(ids, truth)).toBeCloseTo(-3 * Math.log(m.config.vocabSize), 10);
    } finally {
      m.dispose();
    }
  });
});

describe('trainTextDiffusion', () => {
  it('learns the text: the held-out negative ELBO falls well below ln V and the unigram entropy; the training loss falls', () => {
    const r = model.training!;
    expect(r.steps).toBe(600);
    const counts = new Map<string, number>();
    for (const ch of TEXT) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let unigram = 0;
    for (const c of counts.values()) unigram -= (c / TEXT.length) * Math.log(c / TEXT.length);
    expect(r.valElbo).toBeLessThan(0.5 * unigram); // uses the context, not only the character frequencies
    expect(r.valElbo).toBeLessThan(0.7 * Math.log(model.config.vocabSize));
    const first = r.losses.slice(0, 20).reduce((a, b) => a + b, 0) / 20, last = r.losses.slice(-20).reduce((a, b) => a + b, 0) / 20;
    expect(last).toBeLessThan(0.8 * first);
  });

  it('the k-form estimator of the ELBO agrees with MDLM\'s t-form (1/t weights, independent masks) within 4 standard errors', () => {
    const tokens = model.tokenizer.encode(TEXT.slice(0, 16 * 40));
    const T = 16, V = model.config.vocabSize, rng = createRng(21);
    // MDLM's estimator, by hand: t stratified on (0, 1), each token masked with probability t, (1/t)(1/T) Σ CE.
    const rows: number[] = [];
    for (let r = 0; r < 1200; r++) {
      const s0 = T * (r % 40);
      const t = (r + rng.uniform()) / 1200;
      const z = Int32Array.from(tokens.subarray(s0, s0 + T), (v) => (rng.uniform() < t ? model.maskId : v));
      const logits = model.logits(z);
      let sum = 0;
      for (let i = 0; i < T; i++) {
        if (z[i] !== model.maskId) continue;
        const row = logits.subarray(i * V, (i + 1) * V);
        let max = -Infinity;
        for (const v of row) if (v > max) max = v;
        let e = 0;
        for (const v of row) e += Math.exp(v - max);
        sum += max + Math.log(e) - row[tokens[s0 + i]];
      }
      rows.push(sum / (t * T));
    }
    const mean = rows.reduce((a, b) => a + b, 0) / rows.length;
    const se = Math.sqrt(rows.reduce((a, b) => a + (b - mean) ** 2, 0) / (rows.length - 1) / rows.length);
    const kForm = model.elbo(tokens, { samples: 64, rng: createRng(22) });
    const kSe = 0.02 * kForm; // generous bound on the k-form's standard error (40 windows × 64 masks, weights ≤ 1)
    expect(Math.abs(kForm - mean)).toBeLessThan(4 * Math.hypot(se, kSe));
    expect(se).toBeLessThan(0.15 * mean); // the comparison has teeth
  }, 60_000);

  it('is seeded: the same seed gives the same losses, another seed other ones', () => {
    const a = trainTextDiffusion(TEXT, { preset: 'tiny', seed: 11, steps: 5 });
    const b = trainTextDiffusion(TEXT, { preset: 'tiny', seed: 11, steps: 5 });
    const c = trainTextDiffusion(TEXT, { preset: 'tiny', seed: 12, steps: 5 });
    try {
      expect(b.training!.losses).toEqual(a.training!.losses);
      expect(c.training!.losses).not.toEqual(a.training!.losses);
    } finally {
      for (const m of [a, b, c]) m.dispose();
    }
  }, 60_000);
});

describe('sampling and infilling', () => {
  it('infill keeps every given character, fills every blank, and is seeded', () => {
    const text = 'the cat ___ on t';
    const a = model.infill(text, { rng: createRng(1) });
    const b = model.infill(text, { rng: createRng(1) });
    expect(a).toBe(b);
    expect([...a].length).toBe([...text].length);
    [...text].forEach((ch, i) => { if (ch !== '_') expect([...a][i]).toBe(ch); });
    expect(a).not.toContain('_');
    // A model that learnt the text fills the blank from both sides (greedy).
    expect(model.infill(text, { topK: 1 })).toBe('the cat sat on t');
  });

  it('unconditional generation: the requested length, seeded, in any number of steps', () => {
    const a = model.generate(16, { steps: 8, rng: createRng(4) });
    expect([...a].length).toBe(16);
    expect(model.generate(16, { steps: 8, rng: createRng(4) })).toBe(a);
    expect([...model.generate(16, { steps: 1, rng: createRng(4) })].length).toBe(16);
  });

  it('save/load gives the same logits and the same infill', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as TextDiffusionJSON;
    const back = textDiffusionFromJSON(json);
    try {
      const ids = model.encodeBlanks('the cat ___ on');
      expect(Array.from(back.logits(ids))).toEqual(Array.from(model.logits(ids)));
      expect(back.infill('the cat ___ on', { rng: createRng(9) })).toBe(model.infill('the cat ___ on', { rng: createRng(9) }));
      expect(back.training!.valElbo).toBe(model.training!.valElbo);
    } finally {
      back.dispose();
    }
  });
});

describe('draft and refine (GPT drafts, the diffusion model rewrites its least probable characters)', () => {
  it('re-masks the quarter of the characters the GPT found least probable and fills only those; other vocabularies and bad fractions are refused', () => {
    const gpt = trainGPT(TEXT, { preset: 'tiny', seed: 1, steps: 30, byteFallback: false });
    try {
      const draft = 'the cat sot on t';
      const r = refineText(gpt, model, draft, { rng: createRng(2), topK: 1 });
      expect(r.remasked.length).toBe(4);
      expect(r.draftLogProbs.length).toBe(16);
      // Ordered by the GPT's probability, lowest first; every other character is kept.
      for (let i = 1; i < r.remasked.length; i++) expect(r.draftLogProbs[r.remasked[i]]).toBeGreaterThanOrEqual(r.draftLogProbs[r.remasked[i - 1]]);
      const kept = [...draft].map((ch, i) => (r.remasked.includes(i) ? null : ch));
      kept.forEach((ch, i) => { if (ch !== null) expect(r.text[i]).toBe(ch); });
      expect(r.text.length).toBe(16);
      expect(() => refineText(gpt, model, draft, { fraction: 0 })).toThrow(ArgumentError);
      expect(() => refineText(gpt, model, draft.repeat(2))).toThrow(/at most 16/);
      const other = trainGPT(TEXT + 'XYZ', { preset: 'tiny', seed: 1, steps: 1, byteFallback: false });
      try {
        expect(() => refineText(other, model, draft)).toThrow(/different vocabularies/);
      } finally {
        other.dispose();
      }
    } finally {
      gpt.dispose();
    }
  }, 60_000);
});

describe('bad input: typed errors', () => {
  const err = (f: () => unknown) => { try { f(); } catch (e) { return e as ArgumentError; } throw new Error('no error'); };
  it('blanks: none, all, too long, a mask of two characters; steps and length out of range', () => {
    expect(err(() => model.infill('the cat'))).toMatchObject({ argument: 'text', message: expect.stringMatching(/no blanks/) });
    expect(err(() => model.infill('_____'))).toMatchObject({ argument: 'text', message: expect.stringMatching(/every character/) });
    expect(err(() => model.infill('the c_'.repeat(5)))).toMatchObject({ argument: 'text', message: expect.stringMatching(/at most 16/) });
    expect(err(() => model.infill('the cat', { maskChar: '__' }))).toMatchObject({ argument: 'maskChar' });
    expect(err(() => model.infill('the c_t', { steps: 0 }))).toMatchObject({ argument: 'steps' });
    expect(err(() => model.generate(17))).toBeInstanceOf(ArgumentError);
    expect(err(() => model.infill('Zhe c_t'))).toMatchObject({ argument: 'text' }); // 'Z' is not in the vocabulary
  });

  it('model files: another kind, another version, a corrupt config', () => {
    const json = model.toJSON();
    expect(err(() => textDiffusionFromJSON({ ...json, kind: 'gpt' }))).toBeInstanceOf(DataError);
    expect(err(() => textDiffusionFromJSON({ ...json, version: 99 }))).toMatchObject({ argument: 'model', message: expect.stringMatching(/version 99/) });
    expect(err(() => textDiffusionFromJSON({ ...json, config: { ...json.config, nHead: 5 } }))).toBeInstanceOf(DataError);
    expect(err(() => trainTextDiffusion('short', { preset: 'tiny' }))).toBeInstanceOf(DataError);
    expect(err(() => trainTextDiffusion(TEXT, { preset: 'tiny', steps: 1e12 }))).toMatchObject({ argument: 'steps', message: expect.stringMatching(/1 GiB/) });
  });
});

describe('CLI: train text-diffusion, generate --infill', () => {
  it('trains with --json, fills blanks and samples; flags that do not apply are typed errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-mdlm-'));
    const text = join(dir, 'cat.txt'), out = join(dir, 'm.json'), gptOut = join(dir, 'g.json');
    writeFileSync(text, TEXT);
    const r = await runCliJson(['train', 'text-diffusion', '--text', text, '--preset', 'tiny', '--steps', '20', '--seed', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json).sort()).toEqual(['bound', 'seconds', 'steps', 'trainLoss', 'valLoss', 'vocabSize']);
    expect(JSON.parse(readFileSync(out, 'utf8')).kind).toBe('text-diffusion');
    const g = await runCli(['generate', '--model', out, '--infill', 'the cat ___ on the', '--steps', '2', '--seed', '1']);
    expect(g.code).toBe(0);
    expect(g.stdout.trimEnd()).toMatch(/^the cat [^\n]{3} on the$/);
    const u = await runCli(['generate', '--model', out, '--tokens', '20', '--steps', '4']);
    expect(u.code).toBe(0);
    expect([...u.stdout.replace(/\n$/, '')].length).toBe(20);
    const p = await runCli(['generate', '--model', out, '--prompt', 'the c', '--tokens', '5']);
    expect([...p.stdout.replace(/\n$/, '')].length).toBe(10);
    expect(p.stdout.startsWith('the c')).toBe(true);
    const e1 = await runCliJson(['generate', '--model', out, '--infill', 'the cat', '--json']);
    expect(e1.code).toBe(2);
    const e2 = await runCli(['generate', '--model', out, '--infill', 'the c_t', '--prompt', 'x']);
    expect(e2.stderr).toMatch(/--infill/);
    expect((await runCli(['generate', '--model', out, '--infill', 'the cat'])).stderr).toMatch(/--text|no blanks/);
    expect((await runCli(['generate', '--model', out, '--infill', 'the c_t', '--steps', '0'])).stderr).toMatch(/--steps/);
    await runCliJson(['train', 'gpt', '--text', text, '--preset', 'tiny', '--steps', '5', '--out', gptOut]);
    expect((await runCli(['generate', '--model', gptOut, '--prompt', 'the', '--steps', '3'])).stderr).toMatch(/--steps sets the unmasking steps/);
    expect((await runCli(['generate', '--model', gptOut])).stderr).toMatch(/--prompt/);
    const gi = await runCli(['generate', '--model', gptOut, '--infill', 'the c_t sat']);
    expect(gi.code).toBe(0);
    expect(gi.stdout.trimEnd()).toMatch(/^the c.t sat$/);
  }, 120_000);
});
