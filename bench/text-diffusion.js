/**
 * The two families on text, same size, same data: the character GPT (autoregressive, exact
 * likelihood) and the masked diffusion language model (MDLM, an ELBO), trained on tiny Shakespeare
 * (data/text/tinyshakespeare.txt: first 90% for training, the last 10% held out), then
 *
 *   1. held-out nats per character: the GPT's exact loss beside the MDLM's negative ELBO (a bound);
 *   2. infilling spans of the held-out text (`--spans` of `--span` characters in the middle of a
 *      window of blockSize): log-likelihood of the true span (GPT: exact, from the left context
 *      only; MDLM: revealed left to right, seeing both sides) and exact-character accuracy of the
 *      greedy fill;
 *   3. unconditional samples of blockSize characters: time per sample and quality judged by the GPT
 *      (its loss on the samples) and by the distinct 2-, 3- and 4-gram ratios; the GPT token by token (cached)
 *      against the MDLM in K = 16, 64 and 256 parallel steps;
 *   4. draft and refine (the hybrid): GPT drafts at temperature 1; the MDLM re-masks the quarter of
 *      the characters the GPT found least probable and resamples them in 16 steps; judged by the GPT's
 *      loss and by the MDLM's negative ELBO of the texts.
 *
 *   npm run build && npm run bench -- --text-diffusion [--steps 600] [--spans 100] [--span 6] [--json]
 *
 * Both models: the GPT's 'small' architecture (2 blocks, width 128, 4 heads, context 64), batch 32,
 * its optimiser settings, `--steps` each, seed 1, one thread (wasm); held-out scores on 32,768 tokens
 * (the MDLM's ELBO with 4 masks per window).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { cpuModel, loadAverage } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function runTextDiffusion(argv) {
  const num = (flag, def) => { const i = argv.indexOf(flag); return i >= 0 ? Number(argv[i + 1]) : def; };
  const steps = num('--steps', 600), nSpans = num('--spans', 100), spanLen = num('--span', 6), nSamples = num('--samples', 10);
  const json = argv.includes('--json');
  const { initEngine } = await import(`${ROOT}dist/neural/engine/index.js`);
  const { trainGPT } = await import(`${ROOT}dist/neural/gpt.js`);
  const { trainTextDiffusion } = await import(`${ROOT}dist/diffusion/text.js`);
  const { refineText } = await import(`${ROOT}dist/hybrid/text-refine.js`);
  const { logSoftmaxAt } = await import(`${ROOT}dist/neural/ops/cross-entropy.js`);
  const { createRng } = await import(`${ROOT}dist/core/rng.js`);
  await initEngine({ backend: 'wasm' });
  const text = readFileSync(`${ROOT}data/text/tinyshakespeare.txt`, 'utf8');
  const log = (s) => process.stderr.write(`[text-diffusion] ${s}\n`);
  const opts = { preset: 'small', steps, seed: 1, evalEvery: 0, finalEvalTokens: 32768 };
  let t0 = performance.now();
  log(`training the GPT (${steps} steps) …`);
  const gpt = trainGPT(text, opts);
  const gptSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  log(`training the MDLM (${steps} steps) …`);
  const mdlm = trainTextDiffusion(text, opts);
  const mdlmSeconds = (performance.now() - t0) / 1000;
  const V = gpt.config.vocabSize, T = gpt.config.blockSize;
  const tk = gpt.tokenizer;
  const chars = [...text];
  const val = chars.slice(Math.floor(chars.length * 0.9)).join('');
  const valIds = tk.encode(val, { unknown: 'bytes' });

  // log p(ids[from…]) under the GPT given ids[0…from−1] (one pass).
  const gptLogLik = (ids, from) => {
    const z = gpt.logits(ids);
    let ll = 0;
    for (let i = Math.max(1, from); i < ids.length; i++) ll += logSoftmaxAt(z.subarray((i - 1) * V, i * V), ids[i]);
    return ll;
  };

  // 2. Infilling.
  log(`infilling ${nSpans} spans …`);
  const rng = createRng(2);
  const infill = { gptLl: 0, mdlmLl: 0, gptCorrect: 0, mdlmCorrect: 0, chars: 0 };
  const left = Math.floor((T - spanLen) / 2);
  for (let k = 0; k < nSpans; k++) {
    const s = Math.floor(rng.uniform() * (valIds.length - T));
    const window = valIds.slice(s, s + T);
    const blanks = window.slice();
    for (let i = left; i < left + spanLen; i++) blanks[i] = mdlm.maskId;
    infill.mdlmLl += mdlm.blankLogLikelihood(blanks, window);
    infill.gptLl += gptLogLik(window.slice(0, left + spanLen), left);
    const fill = tk.encode(mdlm.infill(tk.decode(window.slice(0, left)) + '\u0000'.repeat(spanLen) + tk.decode(window.slice(left + spanLen)), { topK: 1, maskChar: '\u0000', unknown: 'bytes' }), { unknown: 'bytes' });
    const gfill = tk.encode(gpt.generate(tk.decode(window.slice(0, left)), { tokens: spanLen, topK: 1, unknown: 'bytes' }), { unknown: 'bytes' });
    for (let i = 0; i < spanLen; i++) {
      if (fill[left + i] === window[left + i]) infill.mdlmCorrect++;
      if (gfill[i] === window[left + i]) infill.gptCorrect++;
    }
    infill.chars += spanLen;
  }

  // 3. Unconditional samples, judged by the GPT and by distinct n-grams (n = 2, 3, 4; over all samples).
  const judge = (samples) => {
    let ll = 0, n = 0;
    const grams = [2, 3, 4].map(() => new Set());
    const total = [0, 0, 0];
    for (const smp of samples) {
      const ids = tk.encode(smp, { unknown: 'bytes' }).slice(0, T);
      ll += gptLogLik(ids, 1);
      n += ids.length - 1;
      [2, 3, 4].forEach((g, j) => { for (let i = 0; i + g <= smp.length; i++) { grams[j].add(smp.slice(i, i + g)); total[j]++; } });
    }
    const ratio = (j) => grams[j].size / Math.max(1, total[j]);
    return { gptNats: -ll / n, distinct2: ratio(0), distinct3: ratio(1), distinct4: ratio(2) };
  };
  const sampleRows = [];
  const timed = (label, f) => {
    const r = createRng(3);
    const out = [];
    const t = performance.now();
    for (let i = 0; i < nSamples; i++) out.push(f(r));
    const ms = (performance.now() - t) / nSamples;
    sampleRows.push({ label, msPerSample: ms, ...judge(out), example: out[0] });
    return out;
  };
  log('sampling …');
  const drafts = timed(`GPT, ${T - 1} tokens (KV cache)`, (r) => gpt.generate('\n', { tokens: T - 1, rng: r }));
  for (const K of [16, 64, 256]) timed(`MDLM, ${K} steps`, (r) => mdlm.generate(T, { steps: K, rng: r }));

  // 4. Draft and refine (the library's refineText).
  log('draft and refine …');
  const refined = [];
  const rr = createRng(4);
  const t4 = performance.now();
  for (const d of drafts) refined.push(refineText(gpt, mdlm, tk.encode(d, { unknown: 'bytes' }).slice(0, T - 1), { fraction: 0.25, steps: 16, rng: rr }).text);
  const refineMs = (performance.now() - t4) / drafts.length;
  const elboOf = (samples) => samples.reduce((a, smp) => a + mdlm.elbo(tk.encode(smp, { unknown: 'bytes' }), { samples: 16, rng: createRng(5) }), 0) / samples.length;
  const refine = {
    draft: { ...judge(drafts), mdlmElbo: elboOf(drafts) },
    refined: { ...judge(refined), mdlmElbo: elboOf(refined), msPerSample: refineMs, example: refined[0] },
  };

  const res = {
    date: new Date().toISOString(), machine: cpuModel(), load: loadAverage(), steps,
    gpt: { seconds: gptSeconds, valNats: gpt.training.valLoss, trainNats: gpt.training.trainLoss, params: gpt.parameterCount() },
    mdlm: { seconds: mdlmSeconds, valElbo: mdlm.training.valElbo, trainElbo: mdlm.training.trainElbo, params: mdlm.parameterCount() },
    infill: { span: spanLen, spans: nSpans, gptNatsPerChar: -infill.gptLl / infill.chars, mdlmNatsPerChar: -infill.mdlmLl / infill.chars, gptAccuracy: infill.gptCorrect / infill.chars, mdlmAccuracy: infill.mdlmCorrect / infill.chars },
    samples: sampleRows, refine,
  };
  gpt.dispose();
  mdlm.dispose();
  if (json) { console.log(JSON.stringify(res)); return 0; }
  const f = (v, d = 3) => v.toFixed(d);
  console.log(`GPT vs masked diffusion LM on tiny Shakespeare — ${res.date}, ${res.machine}, load ${res.load}; ${steps} steps each, 'small' size`);
  console.log(`held-out nats/char: GPT ${f(res.gpt.valNats)} (exact)   MDLM ${f(res.mdlm.valElbo)} (negative ELBO, ≥ its NLL)   training: GPT ${f(res.gpt.seconds, 0)} s, MDLM ${f(res.mdlm.seconds, 0)} s`);
  console.log(`infill ${nSpans} spans of ${spanLen} chars mid-window: nats/char of the true span GPT ${f(res.infill.gptNatsPerChar)} (left only)  MDLM ${f(res.infill.mdlmNatsPerChar)} (both sides); greedy exact chars GPT ${f(res.infill.gptAccuracy)}  MDLM ${f(res.infill.mdlmAccuracy)}`);
  console.log('samples of 64 chars            ms/sample  GPT nats/char  distinct 2/3/4-grams');
  for (const s of sampleRows) console.log(`${s.label.padEnd(30)} ${f(s.msPerSample, 1).padStart(9)}  ${f(s.gptNats).padStart(13)}  ${f(s.distinct2)} / ${f(s.distinct3)} / ${f(s.distinct4)}`);
  console.log(`draft and refine: GPT draft GPT-nats ${f(refine.draft.gptNats)} MDLM-ELBO ${f(refine.draft.mdlmElbo)}; refined (25% re-masked, 16 steps, ${f(refine.refined.msPerSample, 1)} ms) GPT-nats ${f(refine.refined.gptNats)} MDLM-ELBO ${f(refine.refined.mdlmElbo)}`);
  console.log(`example MDLM sample: ${JSON.stringify(sampleRows[1].example)}`);
  console.log(`example refined draft: ${JSON.stringify(refine.refined.example)}`);
  return 0;
}
