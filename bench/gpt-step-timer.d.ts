// Types of bench/gpt-step-timer.js (a plain .js bench module run against dist/), for the tests
// that import it. Self-contained, so type-checking does not need a build.

/** Shape of a timed training step: a GPTConfig without vocabSize, plus the batch. */
export interface GPTStepTimerConfig {
  nLayer: number;
  nHead: number;
  /** Width of the residual stream; a multiple of nHead. */
  dModel: number;
  /** Context length T of every window. */
  blockSize: number;
  /** Windows per step (B). */
  batchSize: number;
  /** Default 65 (tiny Shakespeare's characters). */
  vocabSize?: number;
}

/**
 * Milliseconds per training step (forward, backward, clipping, AdamW) of a randomly initialised
 * GPT of the given shape on random tokens: median of `reps` timed steps after `warmup` untimed ones.
 */
export declare function timeGPTTrainStep(
  config: GPTStepTimerConfig,
  options?: { reps?: number; warmup?: number; seed?: number },
): { msPerStep: number; parameters: number; tokensPerSecond: number };
