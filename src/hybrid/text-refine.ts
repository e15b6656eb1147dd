/**
 * Draft and refine, the text hybrid: an autoregressive language model writes, a masked diffusion
 * language model rewrites the characters the writer was least sure of.
 *
 * 1. The GPT scores every character of the draft by its own next-character probability
 *    log p(x_i | x_<i) (one forward pass; the first character is predicted after a newline, or
 *    token 0 when the vocabulary has none, as in generation).
 * 2. The `fraction` of the characters with the lowest probability are masked.
 * 3. The masked diffusion model fills them in `steps` parallel unmasking steps, seeing both sides
 *    of each (remasking, as in masked-diffusion samplers; Sahoo et al. 2024, Wang et al. 2025).
 *
 * Both models must share the vocabulary (trained on the same text: the tokenizer is built
 * deterministically from it), and the draft must fit both contexts.
 */
import { ArgumentError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { GPT } from '../neural/gpt.js';
import { logSoftmaxAt } from '../neural/ops/cross-entropy.js';
import type { TextDiffusion, TextSampleOptions } from '../diffusion/text.js';

export interface TextRefineOptions extends Omit<TextSampleOptions, 'maskChar'> {
  /** Fraction of the characters re-masked, in (0, 1]. Default 0.25. */
  fraction?: number;
}

export interface RefinedText {
  text: string;
  /** Token positions that were re-masked and resampled, by increasing GPT probability. */
  remasked: number[];
  /** The GPT's log-probability of each draft token (nats). */
  draftLogProbs: number[];
}

/** Steps 1–3 on `draft`, text or token ids of the shared vocabulary (see the module notes). */
export function refineText(gpt: GPT, mdlm: TextDiffusion, draft: string | ArrayLike<number>, options: TextRefineOptions = {}): RefinedText {
  const fraction = options.fraction ?? 0.25;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) throw new ArgumentError(`fraction must be in (0, 1] (the share of characters re-masked), got ${String(fraction)}`, 'fraction');
  const a = gpt.tokenizer.toJSON(), b = mdlm.tokenizer.toJSON();
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new ArgumentError('the GPT and the text-diffusion model have different vocabularies; train both on the same text', 'mdlm');
  let ids: Int32Array;
  if (typeof draft === 'string') ids = gpt.tokenizer.encode(draft, { unknown: options.unknown ?? 'error', argument: 'draft' });
  else {
    ids = Int32Array.from(draft);
    if (ids.some((v) => !(v >= 0 && v < gpt.config.vocabSize))) throw new ArgumentError(`draft: token ids must lie in 0 … ${gpt.config.vocabSize - 1}`, 'draft');
  }
  if (ids.length < 1) throw new ArgumentError('the draft is empty', 'draft');
  const limit = Math.min(gpt.config.blockSize - 1, mdlm.config.blockSize);
  if (ids.length > limit) throw new ArgumentError(`the draft is ${ids.length} tokens long; these models see at most ${limit}; refine it in pieces`, 'draft');
  // 1. The GPT's probability of each token given the ones before it.
  const start = gpt.tokenizer.has('\n') ? gpt.tokenizer.encode('\n')[0] : 0;
  const V = gpt.config.vocabSize;
  const z = gpt.logits([start, ...ids]);
  const logp = Array.from(ids, (id, i) => logSoftmaxAt(z.subarray(i * V, (i + 1) * V), id));
  // 2. Mask the least probable.
  const k = Math.max(1, Math.round(fraction * ids.length));
  const order = logp.map((_, i) => i).sort((i, j) => logp[i] - logp[j] || i - j);
  const remasked = order.slice(0, k);
  const masked = ids.slice();
  for (const i of remasked) masked[i] = mdlm.maskId;
  // 3. The diffusion model fills them from both sides.
  const filled = mdlm.unmask(masked, { ...options, rng: options.rng ?? createRng(0) });
  return { text: mdlm.tokenizer.decode(filled), remasked, draftLogProbs: logp };
}
