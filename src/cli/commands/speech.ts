/**
 * `ardiff speech lpc`: linear prediction of a WAV recording (the autoregressive model of speech),
 * frame by frame.
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
import { lpcAnalysis, lpcResidual, lpcSynthesis, hopPower, type LpcMethod } from '../../classical/lpc.js';
import { logSpectralDistance, snrDb } from '../../diffusion/audio.js';
import { resolveBundledFile } from '../../node/data.js';
import { checkOutputs, writeFileAtomic } from '../../node/files.js';
import { readWav, writeWav } from '../../node/wav.js';
import { asFlagError, fail, intFlag } from '../flags.js';
import { jsonRequested } from '../json.js';

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

const FLAG_OF: Record<string, string> = { order: '--order', method: '--method', frameLength: '--frame-length', hop: '--hop', x: '--input', excitation: '--excitation' };

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
  // 25 ms frames every 10 ms at the recording's rate unless given.
  const L = frameLength ?? Math.max(order + 1, Math.round(0.025 * wav.sampleRate));
  const H = hop ?? Math.max(1, Math.round(0.01 * wav.sampleRate));
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

/** Adds `ardiff speech lpc`. */
export function registerSpeechCommands(program: Command): void {
  const speech = program.command('speech').description('speech: linear prediction (the autoregressive model of a waveform)');
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
    .action(async (flags: LpcFlags) => {
      try {
        await runLpc(flags);
      } catch (e) {
        fail(asFlagError(e, (name) => FLAG_OF[name]), jsonRequested(flags.json));
      }
    });
}
