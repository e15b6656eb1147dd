// Video from both families on moving digits (Srivastava et al. 2015's protocol at half scale: one
// 14×14 MNIST test digit bouncing in a 28×28 frame; 10 frames in, 10 out; sequences the models
// never saw, from digits they never saw):
// 1. copy-last-frame (the floor), the autoregressive ConvGRU (rolled out on its own predictions),
//    the conditional diffusion model (MCVD-style, each frame drawn given the two before it;
//    DPM-Solver++ 20, optionally DDPM 1000 on fewer sequences) and two hybrids: each ConvGRU
//    prediction refined by SDEdit with that diffusion model at a few strengths, and a diffusion
//    model conditioned on the ConvGRU's prediction (--ar-diffusion) drawing each frame from noise
//    given it: MSE and SSIM per future frame, time per sequence;
// 2. interpolation: frame 11 hidden, drawn given frames 9–10 and 12, against the mean of its two
//    neighbours and copy-previous;
// 3. a PNG strip (truth above, each model below) and an animated GIF under --grids.
// Models are read from --convgru and --diffusion (train them with
//   ardiff video train --model convgru --out out/video-convgru.json
//   ardiff video train --model diffusion --out out/video-diffusion.json
//   ardiff video train --model diffusion --condition ar --ar out/video-convgru.json --out out/video-diffusion-ar.json);
// a missing file skips its columns with a message.
// node bench/video.js [--n 100] [--convgru out/video-convgru.json] [--diffusion out/video-diffusion.json]
//                     [--ar-diffusion out/video-diffusion-ar.json] [--strengths 0.3,0.5,0.7] [--ddpm 20] [--grids docs] [--json]
import { existsSync, readFileSync } from 'node:fs';
import { initEngine, convGRUFromJSON } from 'ardiff/neural';
import { movingDigits } from 'ardiff/diffusion';
import { videoDiffusionFromJSON, frameScores, copyLastFrame } from 'ardiff/hybrid';
import { loadMnist, writeImageGrid, writeGreyGif } from 'ardiff/node';
import { createRng } from 'ardiff';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const n = Number(flag('--n', '100'));
const grids = flag('--grids', 'docs');
const strengths = flag('--strengths', '0.3,0.5,0.7').split(',').map(Number);
const ddpmCount = Number(flag('--ddpm', '0'));
const log = (s) => { if (!args.includes('--json')) console.error(s); };
const readModel = (file, restore) => {
  if (!existsSync(file)) { log(`${file} is missing: its columns are skipped`); return undefined; }
  return restore(JSON.parse(readFileSync(file, 'utf8')));
};
const info = await initEngine();
const S = 28, px = S * S, K = 10, H = 10, T = K + H;
const test = loadMnist({ size: 14, split: 'test' });
const video = movingDigits(test.images, test.labels, 14, { count: n, frames: T, frameSize: S, rng: createRng(20261207) });
const part = (from, len, count = n) => {
  const out = new Float32Array(count * len * px);
  for (let s = 0; s < count; s++) out.set(video.frames.subarray((s * T + from) * px, (s * T + from + len) * px), s * len * px);
  return out;
};
const context = part(0, K), truth = part(K, H);
const gru = readModel(flag('--convgru', 'out/video-convgru.json'), convGRUFromJSON);
const diff = readModel(flag('--diffusion', 'out/video-diffusion.json'), videoDiffusionFromJSON);
const arDiff = readModel(flag('--ar-diffusion', 'out/video-diffusion-ar.json'), videoDiffusionFromJSON);

const rows = [];
const predictions = {};
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
function record(name, pred, seconds, count = n, t = truth) {
  const scores = frameScores(pred, t, H, S);
  rows.push({ model: name, sequences: count, msePerFrame: scores.mse, ssimPerFrame: scores.ssim, mse: mean(scores.mse), ssim: mean(scores.ssim), secondsPerSequence: seconds / count });
  predictions[name] = pred;
  log(`${name.padEnd(28)} MSE ${mean(scores.mse).toFixed(4)} (frame 1 ${scores.mse[0].toFixed(4)}, frame 10 ${scores.mse[H - 1].toFixed(4)})  SSIM ${mean(scores.ssim).toFixed(3)} (${scores.ssim[0].toFixed(3)} → ${scores.ssim[H - 1].toFixed(3)})  ${(seconds / count).toFixed(3)} s/sequence`);
}
const timed = (f) => { const t0 = performance.now(); const r = f(); return [r, (performance.now() - t0) / 1000]; };

record('copy last frame', copyLastFrame(context, K, H, S), 0);
if (gru) record('ConvGRU (AR)', ...timed(() => gru.predict(context, K, H)));
if (diff) {
  record('diffusion (DPM++ 20)', ...timed(() => diff.predict(context, K, H, { scheduler: 'dpm++', steps: 20, rng: createRng(1) })));
  if (ddpmCount > 0) {
    const c = part(0, K, ddpmCount), t = part(K, H, ddpmCount);
    const [p, sec] = timed(() => diff.predict(c, K, H, { scheduler: 'ddpm', steps: 1000, rng: createRng(1) }));
    record(`diffusion (DDPM 1000, ${ddpmCount} seq.)`, p, sec, ddpmCount, t);
  }
}
if (gru && diff) {
  for (const s of strengths) record(`hybrid (strength ${s})`, ...timed(() => diff.refineRollout(gru, context, K, H, { strength: s, scheduler: 'dpm++', steps: 20, rng: createRng(1) })));
}
if (gru && arDiff) {
  record('hybrid conditioned on AR', ...timed(() => arDiff.refineRollout(gru, context, K, H, { scheduler: 'dpm++', steps: 20, rng: createRng(1) })));
  record('hybrid conditioned on AR, 0.5', ...timed(() => arDiff.refineRollout(gru, context, K, H, { strength: 0.5, scheduler: 'dpm++', steps: 20, rng: createRng(1) })));
  if (ddpmCount > 0) {
    const c = part(0, K, ddpmCount), t = part(K, H, ddpmCount);
    const [p, sec] = timed(() => arDiff.refineRollout(gru, c, K, H, { scheduler: 'ddpm', steps: 1000, rng: createRng(1) }));
    record(`hybrid cond. on AR (DDPM 1000, ${ddpmCount} seq.)`, p, sec, ddpmCount, t);
  }
}

// Interpolation of frame 11 (index 10) from frames 9–10 (indices 8, 9) and 12 (index 11).
const interp = [];
{
  const before = part(K - 2, 2), hidden = part(K, 1), after = part(K + 1, 1);
  const score = (name, pred, seconds) => {
    const s = frameScores(pred, hidden, 1, S);
    interp.push({ model: name, mse: s.mse[0], ssim: s.ssim[0], secondsPerSequence: seconds / n });
    log(`interpolation: ${name.padEnd(26)} MSE ${s.mse[0].toFixed(4)}  SSIM ${s.ssim[0].toFixed(3)}`);
  };
  const prev = before.filter((_, i) => Math.floor(i / px) % 2 === 1);
  score('copy previous', prev, 0);
  score('mean of neighbours', prev.map((v, i) => (v + after[i]) / 2), 0);
  if (diff) score('diffusion (DPM++ 20)', ...timed(() => diff.interpolate(before, after, { scheduler: 'dpm++', steps: 20, rng: createRng(2) })));
}

if (grids) {
  // Strip: 3 sequences; per sequence the truth (context and future), then each model's future
  // after a grey context.
  const show = ['copy last frame', 'ConvGRU (AR)', 'diffusion (DPM++ 20)', `hybrid (strength ${strengths[0]})`, 'hybrid conditioned on AR'].filter((m) => predictions[m]);
  const cells = [];
  for (let s = 0; s < 3; s++) {
    cells.push(video.frames.subarray(s * T * px, (s + 1) * T * px));
    for (const m of show) {
      cells.push(new Float32Array(K * px).fill(0.5));
      cells.push(predictions[m].subarray(s * H * px, (s + 1) * H * px));
    }
  }
  const strip = new Float32Array(cells.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of cells) { strip.set(c, o); o += c.length; }
  writeImageGrid(`${grids}/video-prediction.png`, strip, { height: S, width: S, cols: T, scale: 2 });
  // GIF: the first sequence, truth and each model side by side over all 20 frames.
  const cols = 1 + show.length, W = cols * S;
  const gif = new Float32Array(T * S * W);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < cols; c++) {
      const src = c === 0 || t < K ? video.frames.subarray(t * px, (t + 1) * px) : predictions[show[c - 1]].subarray((t - K) * px, (t - K + 1) * px);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) gif[t * S * W + y * W + c * S + x] = src[y * S + x];
    }
  }
  writeGreyGif(`${grids}/video-prediction.gif`, gif, T, { width: W, height: S, fps: 4, scale: 3 });
  log(`wrote ${grids}/video-prediction.png (rows: truth, ${show.join(', ')}) and ${grids}/video-prediction.gif`);
}
const res = { backend: info.backend, sequences: n, contextFrames: K, horizon: H, prediction: rows, interpolation: interp };
if (args.includes('--json')) console.log(JSON.stringify(res));
