// Bench modules that import the built package (dist/, built by the full tier's global setup):
// they must run, so the figures in bench/RESULTS.md can be rerun.
import { describe, it, expect } from 'vitest';
import { timeGPTTrainStep } from '../../bench/gpt-step-timer.js';

describe('bench modules', () => {
  it('times one GPT training step', () => {
    const r = timeGPTTrainStep({ nLayer: 1, nHead: 2, dModel: 16, blockSize: 8, batchSize: 4 }, { reps: 2, warmup: 1 });
    expect(r.msPerStep).toBeGreaterThan(0);
    expect(r.parameters).toBeGreaterThan(0);
    expect(r.tokensPerSecond).toBeGreaterThan(0);
  });
});
