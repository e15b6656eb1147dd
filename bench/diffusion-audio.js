// Restoring noisy speech three ways: the autoregressive model alone (LPC: lpcDenoise, the iterated
// Kalman smoother of frame-wise AR(16) models), a diffusion model of clean speech frames (SDEdit
// from the noise level), and the hybrid — the diffusion model conditioned on the LPC envelope that
// the AR fit estimates from the noisy recording, started from the noisy recording or from the AR
// estimate (and, as an ablation, the unconditional model started from the AR estimate). The unseen sentence speech-6 with white noise at
// 0, 5 and 10 dB SNR; noise sd estimated off the quietest frames; SNR and log-spectral distance
// against the clean sentence, beside a moving-average low-pass filter whose length is picked with
// the clean signal (an oracle baseline). Train the two diffusion models first (same preset and
// steps; ~5 min each on one core):
//   ardiff diffusion train --dataset data/audio/speech-1.wav,…,data/audio/speech-5.wav --steps 1500 --out out/speech.json
//   ardiff diffusion train --dataset data/audio/speech-1.wav,…,data/audio/speech-5.wav --condition lpc --steps 1500 --out out/speech-lpc.json
// node bench/diffusion-audio.js [--model out/speech.json] [--lpc-model out/speech-lpc.json] [--json]
// (a model file that is missing is skipped with a message).
import { existsSync, readFileSync } from 'node:fs';
import { initEngine } from 'ardiff/neural';
import { DiffusionModel, addWhiteNoise, snrDb, logSpectralDistance, estimateNoiseSd, restoreAudio } from 'ardiff/diffusion';
import { restoreSpeech, lpcContext } from 'ardiff/hybrid';
import { lpcDenoise } from 'ardiff/classical';
import { createRng } from 'ardiff';
import { readWav } from 'ardiff/node';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const info = await initEngine();
const load = (file) => {
  if (existsSync(file)) return DiffusionModel.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  console.error(`skipping ${file}: not found (train it as the header of this file says)`);
  return undefined;
};
const models = [['diffusion', load(flag('--model', 'out/speech.json'))], ['lpc+diffusion', load(flag('--lpc-model', 'out/speech-lpc.json'))]];
const clean = readWav('data/audio/speech-6.wav').channels[0];
const movingAverage = (x, k) => x.map((_, i) => {
  let s = 0, c = 0;
  for (let j = Math.max(0, i - (k >> 1)); j <= Math.min(x.length - 1, i + (k >> 1)); j++) { s += x[j]; c++; }
  return s / c;
});
const measure = (x, seconds) => ({ snr: snrDb(clean, x), lsd: logSpectralDistance(clean, x), ...(seconds === undefined ? {} : { seconds }) });
const timed = (f) => { const t = performance.now(); const x = f(); return measure(x, (performance.now() - t) / 1000); };
const [plain, lpcModel] = [models.find(([n]) => n === 'diffusion')?.[1], models.find(([n]) => n === 'lpc+diffusion')?.[1]];
const rows = [];
for (const snr of [0, 5, 10]) {
  const noisy = addWhiteNoise(clean, snr, createRng(1));
  const sd = estimateNoiseSd(noisy);
  const rng = () => createRng(2);
  const row = { snr, results: {} };
  const put = (name, r) => { row.results[name] = r; };
  put('noisy', measure(noisy));
  put('moving average (oracle length)', [3, 5, 9].map((k) => measure(Float32Array.from(movingAverage(noisy, k)))).reduce((a, b) => (b.snr > a.snr ? b : a)));
  put('LPC alone (lpcDenoise)', timed(() => Float32Array.from(lpcDenoise(noisy, sd).signal)));
  if (plain) {
    put('diffusion, from noisy, DDIM 50', timed(() => restoreSpeech(plain, noisy, { scheduler: 'ddim', steps: 50, rng: rng() }).signal));
    put('diffusion, from noisy, DPM-Solver++ 20', timed(() => restoreSpeech(plain, noisy, { scheduler: 'dpm++', steps: 20, rng: rng() }).signal));
    // Ablation: the unconditional model started where the hybrid starts (the AR estimate at twice its standard error).
    put('diffusion, from the LPC estimate, DDIM 50', timed(() => {
      const c = lpcContext(noisy, sd, 128, 64);
      return restoreAudio(plain, Float32Array.from(c.denoised), { scheduler: 'ddim', steps: 50, rng: rng(), noiseSd: 2 * c.denoisedSd }).signal;
    }));
  }
  if (lpcModel) {
    put('LPC-conditioned, from noisy, DDIM 50', timed(() => restoreSpeech(lpcModel, noisy, { scheduler: 'ddim', steps: 50, rng: rng(), from: 'noisy' }).signal));
    put('LPC-conditioned, from noisy, DPM-Solver++ 20', timed(() => restoreSpeech(lpcModel, noisy, { scheduler: 'dpm++', steps: 20, rng: rng(), from: 'noisy' }).signal));
    put('LPC-conditioned, from the LPC estimate, DDIM 50 (default)', timed(() => restoreSpeech(lpcModel, noisy, { scheduler: 'ddim', steps: 50, rng: rng() }).signal));
  }
  rows.push(row);
}
if (args.includes('--json')) console.log(JSON.stringify({ backend: info.backend, rows }));
else {
  console.log(`speech-6 (${(clean.length / 16000).toFixed(2)} s, unseen in training), backend ${info.backend}; SNR dB / log-spectral distance dB (seconds)`);
  console.log(`| Method | ${rows.map((r) => `${r.snr} dB in`).join(' | ')} |\n|---|${rows.map(() => '---:').join('|')}|`);
  for (const name of Object.keys(rows[0].results)) {
    console.log(`| ${name} | ${rows.map((r) => { const m = r.results[name]; return `${m.snr.toFixed(1)} / ${m.lsd.toFixed(1)}${m.seconds === undefined ? '' : ` (${m.seconds.toFixed(1)} s)`}`; }).join(' | ')} |`);
  }
}
