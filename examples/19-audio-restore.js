// Restoring noisy speech with a diffusion model of clean audio: a 1-D U-Net learns 128-sample
// frames of five spoken sentences; a sixth, unseen sentence gets white noise at 5 dB SNR, and each
// noisy frame is denoised from the timestep whose noise level matches the noise (SDEdit with the
// noise as the starting point). Frames overlap by half and are joined by Hann-weighted overlap-add.
// Beside it, the autoregressive family alone: lpcDenoise, a Kalman smoother of frame-wise AR(16)
// models fitted to the noisy recording. A short training keeps this example to about a minute; the
// full-size model is
//   npx ardiff diffusion train --dataset data/audio/speech-1.wav,…,speech-5.wav --steps 1500 --out speech.json
// — pass it as the first argument. (Trained with --condition lpc, the model is conditioned on the
// LPC envelope and restoreSpeech of ardiff/hybrid joins the two: README, "Restoring noisy speech".)
import { mkdirSync, readFileSync } from 'node:fs';
import { initEngine } from 'ardiff/neural';
import { fitDiffusion, DiffusionModel, frameSignal, restoreAudio, addWhiteNoise, snrDb } from 'ardiff/diffusion';
import { lpcDenoise } from 'ardiff/classical';
import { createRng, readWav, writeWav } from 'ardiff';

await initEngine();
const clips = [1, 2, 3, 4, 5].map((k) => readWav(`data/audio/speech-${k}.wav`).channels[0]);
const frames = clips.map((c) => frameSignal(c, 128, 32));
const data = new Float32Array(frames.reduce((a, f) => a + f.length, 0));
frames.reduce((o, f) => (data.set(f, o), o + f.length), 0);
const model = process.argv[2]
  ? DiffusionModel.fromJSON(JSON.parse(readFileSync(process.argv[2], 'utf8')))
  : fitDiffusion(data, 128, {
    steps: 150, scaling: 'global', sampleRate: 16000, lr: 2e-3,
    denoiser: { kind: 'unet1d', baseChannels: 8, depth: 3, channelMults: [1, 2, 2, 4] },
  });
const clean = readWav('data/audio/speech-6.wav').channels[0];
const noisy = addWhiteNoise(clean, 5, createRng(1));
const r = restoreAudio(model, noisy, { scheduler: 'ddim', steps: 50, rng: createRng(2) });
mkdirSync('out', { recursive: true });
writeWav('out/speech-noisy.wav', noisy, 16000);
writeWav('out/speech-restored.wav', r.signal, 16000);
console.log(`noise sd ${r.noiseSd.toFixed(4)} (estimated from the quietest frames); SNR ${snrDb(clean, noisy).toFixed(2)} dB noisy → ${snrDb(clean, r.signal).toFixed(2)} dB restored`);
const ar = Float32Array.from(lpcDenoise(noisy, r.noiseSd).signal);
console.log(`linear prediction alone (lpcDenoise, same noise sd): ${snrDb(clean, ar).toFixed(2)} dB`);
console.log('wrote out/speech-noisy.wav and out/speech-restored.wav');
