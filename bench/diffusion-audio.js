// Restoring noisy speech with a diffusion model of clean speech frames (train it first, ~10 min on
// one core:
//   ardiff diffusion train --dataset data/audio/speech-1.wav,…,data/audio/speech-5.wav --steps 1500 --out out/speech.json):
// the unseen sentence speech-6 with white noise at 0, 5 and 10 dB SNR, restored by DDIM 50 and
// DPM-Solver++ 20 from the noise level estimated off the quietest frames, against a moving-average
// low-pass filter whose length is picked with the clean signal (an oracle baseline).
// node bench/diffusion-audio.js [--model out/speech.json] [--json]
import { readFileSync } from 'node:fs';
import { initEngine } from 'ardiff/neural';
import { DiffusionModel, restoreAudio, addWhiteNoise, snrDb } from 'ardiff/diffusion';
import { createRng, readWav } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const info = await initEngine();
const model = DiffusionModel.fromJSON(JSON.parse(readFileSync(flag('--model', 'out/speech.json'), 'utf8')));
const clean = readWav('data/audio/speech-6.wav').channels[0];
const movingAverage = (x, k) => x.map((_, i) => {
  let s = 0, c = 0;
  for (let j = Math.max(0, i - (k >> 1)); j <= Math.min(x.length - 1, i + (k >> 1)); j++) { s += x[j]; c++; }
  return s / c;
});
const rows = [];
for (const snr of [0, 5, 10]) {
  const noisy = addWhiteNoise(clean, snr, createRng(1));
  const ma = Math.max(...[3, 5, 9].map((k) => snrDb(clean, movingAverage(noisy, k))));
  const row = { snr, noisy: snrDb(clean, noisy), movingAverage: ma };
  for (const [scheduler, steps] of [['ddim', 50], ['dpm++', 20]]) {
    const t = performance.now();
    const r = restoreAudio(model, noisy, { scheduler, steps, rng: createRng(2), sampleRate: 16000 });
    row[scheduler] = { snr: snrDb(clean, r.signal), seconds: (performance.now() - t) / 1000, noiseSd: r.noiseSd };
  }
  rows.push(row);
}
if (args.includes('--json')) console.log(JSON.stringify({ backend: info.backend, rows }));
else {
  console.log(`speech-6 (${(clean.length / 16000).toFixed(2)} s, unseen in training), 1-D U-Net on 128-sample frames, backend ${info.backend}`);
  console.log('| noisy SNR | moving average (oracle length) | DDIM 50 | DPM-Solver++ 20 | restore s (DDIM / DPM++) |\n|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.noisy.toFixed(1)} dB | ${r.movingAverage.toFixed(1)} dB | ${r.ddim.snr.toFixed(1)} dB | ${r['dpm++'].snr.toFixed(1)} dB | ${r.ddim.seconds.toFixed(1)} / ${r['dpm++'].seconds.toFixed(1)} |`);
}
