// Linear prediction of speech (src/classical/lpc.ts): Levinson–Durbin against a direct Toeplitz
// solve, the autocorrelation method against ardiff's Yule–Walker (tested against statsmodels) on
// the windowed frame, Burg against fitAR's Burg, exact resynthesis from the residual, a known AR(2)
// recovered, the prediction gain on a bundled recording, the Kalman restoration against dense
// Gaussian conditioning, and typed errors.
import { describe, it, expect } from 'vitest';
import { levinsonDurbin, lpcAnalysis, lpcResidual, lpcSynthesis, hopPower, lpcEnvelopeDb, lpcDenoise, arFixedLagSmoother } from '../src/classical/lpc.js';
import { fitAR } from '../src/classical/ar.js';
import { solve } from '../src/core/linalg.js';
import { createRng } from '../src/core/rng.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { readWav } from '../src/node/wav.js';
import { dataPath } from '../src/node/data.js';
import { logSpectralDistance, snrDb, estimateNoiseSd } from '../src/diffusion/audio.js';
import { addWhiteNoise } from '../src/diffusion/data/audio.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliJson } from './cli-helpers.js';

/** A seeded AR(2) signal x_t = 1.3 x_{t−1} − 0.6 x_{t−2} + ε_t (a resonance near 0.09 cycles/sample). */
function ar2(n: number, seed = 1): Float64Array {
  const rng = createRng(seed), x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = (t > 0 ? 1.3 * x[t - 1] : 0) - (t > 1 ? 0.6 * x[t - 2] : 0) + rng.normal();
  return x;
}

describe('LPC analysis', () => {
  it('Levinson–Durbin equals the direct solve of the Toeplitz normal equations (1e-12)', () => {
    const x = ar2(2000);
    const p = 8, r = new Float64Array(p + 1);
    for (let k = 0; k <= p; k++) for (let t = k; t < x.length; t++) r[k] += x[t] * x[t - k];
    const direct = solve(Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => r[Math.abs(i - j)])), r.subarray(1));
    const { a, k } = levinsonDurbin(r, p);
    a.forEach((v, i) => expect(Math.abs(v - direct[i])).toBeLessThan(1e-12));
    k.forEach((v) => expect(Math.abs(v)).toBeLessThan(1));
  });

  it('the autocorrelation method is Yule–Walker (trend n) on the Hann-windowed frame; Burg is fitAR\'s Burg on the frame (1e-10)', () => {
    const x = ar2(1200, 3);
    const L = 400, hop = 400;
    const auto = lpcAnalysis(x, { order: 10, frameLength: L, hop, lagWindow: 0 });
    const burg = lpcAnalysis(x, { order: 10, frameLength: L, hop, method: 'burg' });
    expect(auto.coefficients.length).toBe(3);
    for (let f = 0; f < 3; f++) {
      const frame = x.subarray(f * hop, f * hop + L);
      const w = frame.map((v, i) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / L)));
      const yw = fitAR(w, { order: 10, method: 'yule-walker', trend: 'n' }).ar;
      auto.coefficients[f].forEach((v, i) => expect(Math.abs(v - yw[i])).toBeLessThan(1e-10));
      const b = fitAR(frame, { order: 10, method: 'burg', trend: 'n' }).ar;
      burg.coefficients[f].forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-12));
    }
  });

  it('recovers a known AR(2) and its prediction error ratio', () => {
    const x = ar2(8000, 5);
    const lpc = lpcAnalysis(x, { order: 2, frameLength: 8000, hop: 8000 });
    expect(Math.abs(lpc.coefficients[0][0] - 1.3)).toBeLessThan(0.05);
    expect(Math.abs(lpc.coefficients[0][1] + 0.6)).toBeLessThan(0.05);
    // Var(x) of this AR(2) is (1 − φ2)/((1 + φ2)((1 − φ2)² − φ1²)) = 1.6/(0.4·(2.56 − 1.69)) ≈ 4.60.
    expect(Math.abs(lpc.errorRatio[0] - 1 / 4.598)).toBeLessThan(0.03);
    // The envelope peaks near the resonance: cos ω = φ1(1 − φ2)/(−4φ2)·… ≈ 0.09 cycles/sample.
    const env = lpcEnvelopeDb(lpc, 0, 1, 513);
    const peak = env.indexOf(Math.max(...env)) / 512 / 2;
    expect(Math.abs(peak - 0.09)).toBeLessThan(0.02);
  });

  it('the residual resynthesises the signal exactly (frame-switched filters); noise excitation gives a finite signal of the same length', () => {
    const rng = createRng(9);
    const x = Float64Array.from({ length: 3000 }, (_, t) => Math.sin(t / 7) * (1 + t / 3000) + 0.1 * rng.normal());
    const lpc = lpcAnalysis(x, { order: 12, frameLength: 400, hop: 160 });
    const e = lpcResidual(x, lpc);
    const back = lpcSynthesis(lpc, e);
    let maxErr = 0;
    for (let t = 0; t < x.length; t++) maxErr = Math.max(maxErr, Math.abs(back[t] - x[t]));
    expect(maxErr).toBeLessThan(1e-9);
    // The residual is much weaker than the signal (a predictable signal).
    const pow = (v: ArrayLike<number>) => { let s = 0; for (let i = 0; i < v.length; i++) s += v[i] * v[i]; return s / v.length; };
    expect(pow(e)).toBeLessThan(0.05 * pow(x));
    const noisy = lpcSynthesis(lpc, { noise: createRng(2), power: hopPower(e, lpc) });
    expect(noisy.length).toBe(x.length);
    expect(noisy.every(Number.isFinite)).toBe(true);
  });

  it('speech is predictable: on a bundled recording, order 16 leaves a median error ratio below 10%', () => {
    const wav = readWav(dataPath('audio/speech-1.wav'));
    const lpc = lpcAnalysis(wav.channels[0], { order: 16, frameLength: 400, hop: 160 });
    const voiced = Array.from(lpc.errorRatio).filter((v) => v > 0).sort((a, b) => a - b);
    expect(voiced.length).toBeGreaterThan(50);
    expect(voiced[Math.floor(voiced.length / 2)]).toBeLessThan(0.1);
    // Every reflection coefficient of the autocorrelation method lies inside (−1, 1): a stable filter.
    for (const k of lpc.reflection) for (const v of k) expect(Math.abs(v)).toBeLessThan(1);
  });

  it('silence gives zero coefficients; bad arguments are typed errors', () => {
    const lpc = lpcAnalysis(new Float64Array(1000), { order: 4, frameLength: 200, hop: 100 });
    expect(lpc.coefficients.every((a) => a.every((v) => v === 0))).toBe(true);
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e as ArgumentError; } throw new Error('no error'); };
    expect(err(() => lpcAnalysis([1, 2, 3], { order: 4, frameLength: 4, hop: 4 }))).toMatchObject({ argument: 'order' });
    expect(err(() => lpcAnalysis([1, 2, 3], { order: 2, frameLength: 100, hop: 200 }))).toMatchObject({ argument: 'hop' });
    expect(err(() => lpcAnalysis([1, NaN, 3], { order: 1, frameLength: 3, hop: 3 }))).toBeInstanceOf(DataError);
    expect(err(() => lpcAnalysis([1, 2, 3], { order: 1, frameLength: 3, hop: 3, method: 'lsp' as never }))).toMatchObject({ argument: 'method' });
    expect(err(() => lpcResidual([1, 2], lpcAnalysis([1, 2, 3], { order: 1, frameLength: 3, hop: 3 })))).toMatchObject({ argument: 'x' });
  });
});

describe('restoring speech in noise by linear prediction (lpcDenoise)', () => {
  // AR(2) of ar2(): its autocovariances γ_0 = (1 − φ₂)/((1 + φ₂)((1 − φ₂)² − φ₁²)), γ_1 = φ₁γ_0/(1 − φ₂), γ_k = φ₁γ_{k−1} + φ₂γ_{k−2}.
  const phi = [1.3, -0.6];
  const gamma = (K: number) => {
    const g = [(1 - phi[1]) / ((1 + phi[1]) * ((1 - phi[1]) ** 2 - phi[0] ** 2))];
    g.push((phi[0] * g[0]) / (1 - phi[1]));
    for (let k = 2; k <= K; k++) g.push(phi[0] * g[k - 1] + phi[1] * g[k - 2]);
    return g;
  };

  it('the fixed-lag smoother is E[s_t | y_0…y_{t+lag}] and its variance by dense Gaussian conditioning (1e-8, away from the vague start)', () => {
    const n = 130, s2 = 0.5, lag = 8;
    const s = ar2(n, 5), rng = createRng(6);
    const y = s.map((v) => v + Math.sqrt(s2) * rng.normal());
    const g = gamma(n);
    const { estimate, variance } = arFixedLagSmoother(y, [Float64Array.from(phi)], [1], s2, 1000, lag);
    let checked = 0;
    for (const t of [60, 90, 110]) {
      const k = t + lag + 1;
      const Syy = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => g[Math.abs(i - j)] + (i === j ? s2 : 0)));
      const c = Array.from({ length: k }, (_, j) => g[Math.abs(t - j)]);
      const w = solve(Syy, y.subarray(0, k));
      const mean = c.reduce((acc, v, j) => acc + v * w[j], 0);
      const u = solve(Syy, c);
      const v = g[0] - c.reduce((acc, x, j) => acc + x * u[j], 0);
      expect(Math.abs(estimate[t] - mean)).toBeLessThan(1e-8 * g[0]);
      expect(Math.abs(variance[t] - v)).toBeLessThan(1e-8 * g[0]);
      checked++;
    }
    expect(checked).toBe(3);
  });

  it('with its models estimated from the noisy signal it comes within 5% of the smoother that knows the true model (mean squared error): one pass, and EM passes; plug-in passes over-smooth', () => {
    const n = 8000, s2 = 2;
    const s = ar2(n, 7), rng = createRng(8);
    const y = s.map((v) => v + Math.sqrt(s2) * rng.normal());
    const mse = (x: ArrayLike<number>) => { let acc = 0; for (let t = 0; t < n; t++) acc += (x[t] - s[t]) ** 2; return acc / n; };
    const oracle = mse(arFixedLagSmoother(y, [Float64Array.from(phi)], [1], s2, n, 8).estimate);
    expect(oracle).toBeLessThan(0.5 * s2);
    const options = { order: 2, frameLength: 2000, hop: 1000 };
    const one = lpcDenoise(y, Math.sqrt(s2), { ...options, iterations: 1 });
    const em = lpcDenoise(y, Math.sqrt(s2), { ...options, reestimate: 'em' });
    const plugin = lpcDenoise(y, Math.sqrt(s2), options);
    expect(mse(one.signal)).toBeLessThan(1.05 * oracle);
    expect(mse(em.signal)).toBeLessThan(1.05 * oracle);
    // The models of the inner frames (2000 samples each), averaged: near the truth.
    const inner = [1, 2, 3, 4, 5, 6];
    const avg = (g: (f: number) => number) => inner.reduce((acc, f) => acc + g(f), 0) / inner.length;
    expect(Math.abs(avg((f) => em.coefficients[f][0]) - 1.3)).toBeLessThan(0.1);
    expect(Math.abs(avg((f) => em.coefficients[f][1]) + 0.6)).toBeLessThan(0.1);
    expect(Math.abs(avg((f) => em.excitation[f]) - 1)).toBeLessThan(0.25);
    // Fitting to the smoothed estimate sharpens the model (documented): the roots move out.
    expect(mse(plugin.signal)).toBeGreaterThan(1.2 * oracle);
    expect(plugin.coefficients[3][1]).toBeLessThan(-0.8);
  });

  it('on a bundled sentence at 5 dB SNR (noise sd estimated) it gains more than 7 dB (measured: 12.7 dB out)', () => {
    const clean = readWav(dataPath('audio/speech-6.wav')).channels[0];
    const noisy = addWhiteNoise(clean, 5, createRng(1));
    const r = lpcDenoise(noisy, estimateNoiseSd(noisy));
    expect(snrDb(clean, Float32Array.from(r.signal))).toBeGreaterThan(12);
    expect(r.variance.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
  });

  it('bad arguments are typed errors naming them', () => {
    const y = ar2(500);
    expect(() => lpcDenoise(y, 0)).toThrow(ArgumentError);
    expect(() => lpcDenoise(y, Number.NaN)).toThrow(/noiseSd/);
    expect(() => lpcDenoise(Float64Array.of(1, Number.NaN, 2), 1)).toThrow(DataError);
    expect(() => lpcDenoise(y, 1, { order: 8, lag: 7 })).toThrow(/lag/);
    expect(() => lpcDenoise(y, 1, { reestimate: 'ml' as 'em' })).toThrow(/reestimate/);
    expect(() => lpcDenoise(y, 1, { iterations: 0 })).toThrow(/iterations/);
    expect(() => arFixedLagSmoother(y, [Float64Array.from(phi)], [1, 2], 1, 100, 4)).toThrow(/innovation variance/);
  });
});

describe('log-spectral distance', () => {
  it('is 0 for equal signals and 20·log10(2) dB (6.0206) for a signal against its double, exactly', () => {
    const x = ar2(2000, 7);
    expect(logSpectralDistance(x, x)).toBe(0);
    expect(logSpectralDistance(x, x.map((v) => 2 * v))).toBeCloseTo(20 * Math.log10(2), 10);
    expect(() => logSpectralDistance(x, x.subarray(1))).toThrow(ArgumentError);
  });
});

describe('CLI: ardiff speech lpc', () => {
  it('reports the gain, writes the coefficients and a resynthesis (residual: the input back); flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-lpc-'));
    const out = join(dir, 'c.csv'), wav = join(dir, 'r.wav');
    const r = await runCliJson(['speech', 'lpc', '--input', 'speech-2.wav', '--order', '12', '--out', out, '--resynth', wav, '--excitation', 'residual']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ order: 12, method: 'autocorrelation', sampleRate: 16000, frameLength: 400, hop: 160 });
    expect(r.json.medianGainDb as number).toBeGreaterThan(10);
    expect(r.json.lsdDb as number).toBeLessThan(1e-6);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0].split(',').length).toBe(3 + 2 * 12);
    expect(rows.length - 1).toBe(r.json.frames);
    expect(readWav(wav).sampleRate).toBe(16000);
    const noise = await runCliJson(['speech', 'lpc', '--input', 'speech-2.wav', '--resynth', join(dir, 'n.wav')]);
    expect(noise.json.lsdDb as number).toBeGreaterThan(1); // the envelope alone: no pitch
    for (const [args, flag] of [[['--order', '0'], '--order'], [['--method', 'lsp'], '--method'], [['--excitation', 'noise'], '--excitation'], [['--frame-length', '8', '--hop', '4', '--order', '8'], '--order'], [['--hop', '500'], '--hop']] as const) {
      const e = await runCliJson(['speech', 'lpc', '--input', 'speech-2.wav', ...args]);
      expect(e.code).toBe(2);
      expect((e.json.error as { argument: string }).argument).toBe(flag);
    }
    expect((await runCli(['speech', 'lpc', '--input', join(dir, 'missing.wav')])).code).toBe(2);
  }, 60_000);

  it('speech denoise: the same estimate as lpcDenoise with the same noise, the SNR before and after; flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-lpc-'));
    const out = join(dir, 'd.wav'), noisyOut = join(dir, 'n.wav');
    const r = await runCliJson(['speech', 'denoise', '--input', 'speech-6.wav', '--add-noise', '5', '--noisy-out', noisyOut, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.json.snrNoisyDb as number).toBeCloseTo(5, 4);
    const clean = readWav(dataPath('audio/speech-6.wav')).channels[0];
    const noisy = addWhiteNoise(clean, 5, createRng(1));
    const expected = lpcDenoise(noisy, estimateNoiseSd(noisy));
    expect(r.json.snrRestoredDb as number).toBeCloseTo(snrDb(clean, Float32Array.from(expected.signal)), 6);
    expect(r.json).toMatchObject({ order: 16, iterations: 4, reestimate: 'estimate' });
    // The file holds the estimate as 16-bit PCM.
    const written = readWav(out).channels[0];
    let worst = 0;
    for (let t = 0; t < written.length; t++) worst = Math.max(worst, Math.abs(written[t] - Math.max(-1, Math.min(1, expected.signal[t]))));
    expect(worst).toBeLessThan(1e-4);
    const fromFile = await runCliJson(['speech', 'denoise', '--input', noisyOut, '--clean', 'speech-6.wav', '--noise-sd', '0.05', '--reestimate', 'em', '--iterations', '2', '--out', join(dir, 'e.wav')]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.json.snrRestoredDb as number).toBeGreaterThan(8);
    for (const [args, flag] of [[['--noise-sd', '0'], '--noise-sd'], [['--iterations', '0'], '--iterations'], [['--reestimate', 'ml'], '--reestimate'], [['--order', '500'], '--order'], [['--noisy-out', join(dir, 'x.wav')], '--noisy-out'], [['--add-noise', '1e9'], '--add-noise']] as const) {
      const e = await runCliJson(['speech', 'denoise', '--input', 'speech-6.wav', '--out', join(dir, 'y.wav'), ...args]);
      expect(e.code).toBe(2);
      expect((e.json.error as { argument: string }).argument).toBe(flag);
    }
  }, 60_000);
});
