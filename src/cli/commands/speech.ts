/**
 * `ardiff speech lpc`: linear prediction of a WAV recording (the autoregressive model of speech),
 * frame by frame; `ardiff speech denoise`: a noisy recording restored by linear prediction alone
 * (lpcDenoise: the Kalman smoother of frame-wise AR models fitted to the noisy recording).
 *
 *   ardiff speech denoise --input noisy.wav --out restored.wav [--noise-sd S] [--order 16] [--iterations 4]
 *                         [--reestimate estimate|em] [--add-noise SNR [--noisy-out noisy.wav]] [--clean clean.wav] [--json]
 *
 *   ardiff speech lpc --input speech.wav [--order 16] [--method autocorrelation|burg] [--frame-length N] [--hop H]
 *                     [--out coefficients.csv] [--resynth out.wav [--excitation noise|residual]] [--seed S] [--json]
 *
 * Reports the prediction gain (10·log10 of signal power over residual power, per frame, median
 * over frames with sound) and, with --resynth, the log-spectral distance and SNR of the
 * resynthesis against the input: `residual` excitation gives the input back (LSD 0), `noise`
 * (default) white noise at each hop's residual power through the frame's all-pole filter — the
 * envelope alone, without pitch. `--out` writes one row per frame: frame, start, error_ratio,
 * a1…ap, k1…kp. `--json` prints {"frames", "order", "method", "sampleRate", "medianGainDb",
 * "lsdDb", "snrDb", "out", "resynth"}.
 */
import type { Command } from 'commander';
import { ArgumentError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { csvRow } from '../../core/series.js';
import { lpcAnalysis, lpcDenoise, lpcResidual, lpcSynthesis, hopPower, type LpcMethod } from '../../classical/lpc.js';
import { estimateNoiseSd, logSpectralDistance, snrDb } from '../../diffusion/audio.js';
import { resolveBundledFile } from '../../node/data.js';
import { checkOutputs, writeFileAtomic } from '../../node/files.js';
import { readWav, writeWav } from '../../node/wav.js';
import { asFlagError, choiceFlag, intFlag, numberFlag } from '../flags.js';
import { flagAction } from '../json.js';
import { readNoisyInput, snrReport, type NoisyInputFlags } from '../audio-input.js';

interface DenoiseFlags extends NoisyInputFlags {
  out: string;
  noiseSd?: string;
  order?: string;
  iterations?: string;
  reestimate?: string;
  seed?: string;
  json?: boolean;
}

interface LpcFlags {
  input: string;
  order?: string;
  method?: string;
  frameLength?: string;
  hop?: string;
  out?: string;
  resynth?: string;
  excitation?: string;
  seed?: string;
  json?: boolean;
}

const FLAG_OF: Record<string, string> = {
  order: '--order', method: '--method', frameLength: '--frame-length', hop: '--hop', x: '--input', y: '--input', excitation: '--excitation',
  noiseSd: '--noise-sd', iterations: '--iterations', reestimate: '--reestimate', lag: '--order',
};

/** 25 ms frames every 10 ms at the recording's rate (a frame longer than the order). */
function speechFraming(order: number, sampleRate: number): { frameLength: number; hop: number } {
  return { frameLength: Math.max(order + 1, Math.round(0.025 * sampleRate)), hop: Math.max(1, Math.round(0.01 * sampleRate)) };
}

async function runDenoise(flags: DenoiseFlags): Promise<void> {
  const order = intFlag(flags.order, '--order', 1, 16);
  if (order > 100) throw new ArgumentError(`--order must be at most 100 (speech uses 10–20); got ${order}`, '--order');
  const iterations = intFlag(flags.iterations, '--iterations', 1, 4);
  if (iterations > 50) throw new ArgumentError(`--iterations must be at most 50; got ${iterations}`, '--iterations');
  const reestimate = choiceFlag(flags.reestimate, '--reestimate', ['estimate', 'em'] as const, 'estimate');
  const noiseSdFlag = numberFlag(flags.noiseSd, '--noise-sd');
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  checkOutputs([['--out', flags.out], ['--noisy-out', flags.noisyOut]], [['--input', flags.input], ['--clean', flags.clean]]);
  const input = readNoisyInput(flags, seed);
  const noiseSd = noiseSdFlag ?? estimateNoiseSd(input.noisy);
  const started = performance.now();
  const r = lpcDenoise(input.noisy, noiseSd, { order, iterations, reestimate, ...speechFraming(order, input.sampleRate) });
  const out = Float32Array.from(r.signal);
  const seconds = (performance.now() - started) / 1000;
  writeWav(flags.out, out, input.sampleRate, {}, '--out');
  const report = { out: flags.out, seconds, noiseSd, order, iterations, reestimate, ...snrReport(input, out) };
  if (flags.json) console.log(JSON.stringify(report));
  else {
    const snr = report.snrNoisyDb === undefined ? '' : `; SNR ${report.snrNoisyDb.toFixed(2)} dB → ${(report.snrRestoredDb ?? NaN).toFixed(2)} dB`;
    console.log(`denoised ${flags.input} by linear prediction (order ${order}, ${iterations} passes; noise sd ${noiseSd.toPrecision(3)}${noiseSdFlag === undefined ? ', estimated' : ''}) in ${seconds.toFixed(1)} s${snr}; written to ${flags.out}`);
  }
}

async function runLpc(flags: LpcFlags): Promise<void> {
  const order = intFlag(flags.order, '--order', 1, 16);
  const frameLength = intFlag(flags.frameLength, '--frame-length', 2);
  const hop = intFlag(flags.hop, '--hop', 1);
  const seed = intFlag(flags.seed, '--seed', 0, 0);
  const method = (flags.method ?? 'autocorrelation') as LpcMethod;
  if (method !== 'autocorrelation' && method !== 'burg') throw new ArgumentError(`--method must be autocorrelation or burg; got '${flags.method}'`, '--method');
  const excitation = flags.excitation ?? 'noise';
  if (excitation !== 'noise' && excitation !== 'residual') throw new ArgumentError(`--excitation must be noise or residual; got '${flags.excitation}'`, '--excitation');
  if (flags.excitation !== undefined && flags.resynth === undefined) throw new ArgumentError('--excitation chooses how --resynth is driven; give --resynth out.wav', '--excitation');
  const input = resolveBundledFile(flags.input, 'audio', '--input');
  checkOutputs([['--out', flags.out], ['--resynth', flags.resynth]], [['--input', input]]);
  const wav = readWav(input, '--input');
  const x = wav.channels[0];
  const framing = speechFraming(order, wav.sampleRate);
  const L = frameLength ?? framing.frameLength, H = hop ?? framing.hop;
  let lpc;
  try {
    lpc = lpcAnalysis(x, { order, frameLength: L, hop: H, method });
  } catch (e) {
    throw asFlagError(e, (name) => FLAG_OF[name]);
  }
  const gains = Array.from(lpc.errorRatio).filter((v) => v > 0).map((v) => -10 * Math.log10(v)).sort((a, b) => a - b);
  const medianGainDb = gains.length ? gains[Math.floor(gains.length / 2)] : null;
  if (flags.out !== undefined) {
    const header = ['frame', 'start', 'error_ratio', ...Array.from({ length: order }, (_, i) => `a${i + 1}`), ...Array.from({ length: order }, (_, i) => `k${i + 1}`)];
    const rows = lpc.coefficients.map((a, f) => csvRow([String(f), String(f * H), String(lpc.errorRatio[f]), ...Array.from(a, String), ...Array.from(lpc.reflection[f], String)]));
    writeFileAtomic(flags.out, [csvRow(header), ...rows].join('\n') + '\n', '--out');
  }
  let lsdDb: number | null = null, snr: number | null = null;
  if (flags.resynth !== undefined) {
    const e = lpcResidual(x, lpc);
    const y = excitation === 'residual' ? lpcSynthesis(lpc, e) : lpcSynthesis(lpc, { noise: createRng(seed), power: hopPower(e, lpc) });
    const out = Float32Array.from(y);
    lsdDb = x.length >= L ? logSpectralDistance(x, out, L, H) : null;
    snr = snrDb(x, out);
    writeWav(flags.resynth, out, wav.sampleRate, {}, '--resynth');
  }
  const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  if (flags.json) {
    console.log(JSON.stringify({ frames: lpc.coefficients.length, order, method, sampleRate: wav.sampleRate, frameLength: L, hop: H, medianGainDb, lsdDb: finite(lsdDb), snrDb: finite(snr), out: flags.out ?? null, resynth: flags.resynth ?? null }));
  } else {
    const lines = [
      `Linear prediction (${method}, order ${order}) of ${flags.input}: ${lpc.coefficients.length} frames of ${L} samples every ${H} (${wav.sampleRate} Hz)`,
      `  median prediction gain ${medianGainDb === null ? '-' : medianGainDb.toFixed(2)} dB over frames with sound`,
    ];
    if (flags.resynth !== undefined) lines.push(`  resynthesis (${excitation} excitation) written to ${flags.resynth}: log-spectral distance ${lsdDb === null ? '-' : lsdDb.toFixed(2)} dB, SNR ${snr === null ? '-' : Number.isFinite(snr) ? snr.toFixed(2) : '∞'} dB`);
    if (flags.out !== undefined) lines.push(`  coefficients written to ${flags.out}`);
    console.log(lines.join('\n'));
  }
}

/** Adds `ardiff speech lpc` and `ardiff speech denoise`. */
export function registerSpeechCommands(program: Command): void {
  const speech = program.command('speech').description('speech: linear prediction (the autoregressive model of a waveform), and restoration by it');
  speech
    .command('lpc')
    .description('frame-wise linear prediction of a WAV recording: coefficients, prediction gain, resynthesis')
    .requiredOption('--input <in.wav>', 'the recording (first channel), or a bundled one (speech-1.wav …)')
    .option('--order <p>', 'predictor order (default 16)')
    .option('--method <m>', 'autocorrelation (Hann window, Levinson–Durbin; default) or burg')
    .option('--frame-length <n>', 'samples per frame (default 25 ms)')
    .option('--hop <h>', 'samples between frames (default 10 ms)')
    .option('--out <coefficients.csv>', 'one row per frame: frame, start, error_ratio, a1…ap, k1…kp')
    .option('--resynth <out.wav>', 'write the resynthesis and report its log-spectral distance and SNR')
    .option('--excitation <e>', 'noise (default: white noise at the residual power, the envelope alone) or residual (exact)')
    .option('--seed <s>', 'seed of the noise excitation (default 0)')
    .option('--json', 'print {"frames", "order", "method", "sampleRate", "medianGainDb", "lsdDb", "snrDb", …}')
    .action(flagAction(runLpc, FLAG_OF));
  speech
    .command('denoise')
    .description('restore a noisy WAV recording by linear prediction alone: a Kalman smoother of frame-wise AR models fitted to it')
    .requiredOption('--input <in.wav>', 'the noisy recording (or, with --add-noise, the clean one)')
    .requiredOption('--out <restored.wav>', 'where to write the estimate (16-bit PCM)')
    .option('--noise-sd <s>', 'sd of the white noise (default: estimated from the quietest frames)')
    .option('--order <p>', 'predictor order (default 16)')
    .option('--iterations <n>', 'passes of fitting and smoothing (default 4)')
    .option('--reestimate <r>', 'how later passes fit: estimate (to the last estimate, default: better on speech) or em (the EM update)')
    .option('--add-noise <snr>', 'demo: add white noise at this SNR in dB to --input first, and report the SNR before and after')
    .option('--noisy-out <noisy.wav>', 'with --add-noise: also write the noisy recording')
    .option('--clean <clean.wav>', 'the clean recording, to report the SNR before and after')
    .option('--seed <s>', 'seed of the added noise (default 0)')
    .option('--json', 'print {"out", "seconds", "noiseSd", "order", "iterations", "reestimate", "snrNoisyDb", "snrRestoredDb"}')
    .action(flagAction(runDenoise, FLAG_OF));
}
