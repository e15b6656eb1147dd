// The tensor engine's speed in a browser against Node: the same training steps and sampling calls
// (the public API, the same seeds) timed in Node on WebAssembly, then in headless Chromium (Debian's,
// driven by playwright-core) on WebAssembly and on WebGL (SwiftShader there: software, so WebGL's
// numbers say what the page costs without a GPU, not what a GPU gives). WebGPU is tried and, where
// initEngine refuses it (headless Chromium's software adapter reads back zeros), reported so.
//
//   npm run build && node bench/browser-engine.js [--json] [--reps N]
//
// Cases (ms per step: the median interval between onStep callbacks after two warm-up steps; ms per
// call for sampling):
//   gpt-2l        trainGPT, 2 layers, width 64, 4 heads, context 64, batch 32, on tiny Shakespeare
//   ddpm-mlp      fitDiffusion, the default MLP denoiser (width 128, 3 blocks), batch 256, two moons
//   sample-dpm++  that model's sample(1000 points, DPM-Solver++ 20)
//   deepar-h40    fitDeepAR on log AirPassengers, LSTM hidden 40, 20 batches: ms per batch
//   ddpm-unet28   fitDiffusion with the 28×28 U-Net preset, batch 32 (wasm only: minutes on WebGL)
// Skipped, saying so, when no Chromium is installed.
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir, cpus } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const reps = Number(args[args.indexOf('--reps') + 1] ?? 0) || 8;

/** The timed code, run as is in Node and, bundled, in the page. */
const CASES = `
import { initEngine, fitDeepAR, trainGPT } from '${ROOT}dist/neural/index.js';
import { fitDiffusion, toyData, UNET2D_PRESETS } from '${ROOT}dist/diffusion/index.js';
import { createRng } from '${ROOT}dist/index.js';

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
/** Median ms between onStep callbacks after two warm-up steps. */
function stepTimer() {
  const at = [];
  return { onStep: () => at.push(performance.now()), ms: () => median(at.slice(2).map((t, i) => t - at[i + 1])) };
}

export async function run(data, backend, reps, wasmPaths) {
  const engine = await initEngine({ backend, ...(wasmPaths ? { wasmPaths } : {}) }).then((e) => e.backend, (e) => ({ refused: e.message }));
  if (typeof engine !== 'string') return { backend, ...engine };
  const out = { backend: engine, cases: {} };
  let t = stepTimer();
  trainGPT(data.text, { nLayer: 2, dModel: 64, nHead: 4, blockSize: 64, batchSize: 32, steps: reps + 3, seed: 0, onStep: t.onStep });
  out.cases['gpt-2l'] = t.ms();
  t = stepTimer();
  const mlp = fitDiffusion(toyData('moons', 10000, createRng(1)), 2, { steps: reps + 3, batchSize: 256, seed: 0, onStep: t.onStep });
  out.cases['ddpm-mlp'] = t.ms();
  const s = [];
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); mlp.sample(1000, { scheduler: 'dpm++', steps: 20, rng: createRng(i) }); s.push(performance.now() - t0); }
  out.cases['sample-dpm++'] = median(s);
  const t0 = performance.now();
  fitDeepAR(data.airline.map(Math.log), { hiddenSize: 40, layers: 1, epochs: 1, batchesPerEpoch: 20, seasonalPeriod: 12, seed: 3, paths: 10 });
  out.cases['deepar-h40'] = (performance.now() - t0) / 20;
  if (engine !== 'webgl') {
    const rng = createRng(2), P = 28 * 28;
    const images = Float32Array.from({ length: 64 * P }, () => rng.uniform());
    t = stepTimer();
    fitDiffusion(images, P, { denoiser: { kind: 'unet2d', ...UNET2D_PRESETS['28x28'] }, scaling: { center: 0.5, scale: 0.5 }, steps: Math.min(reps, 4) + 3, batchSize: 32, seed: 0, onStep: t.onStep });
    out.cases['ddpm-unet28'] = t.ms();
  }
  return out;
}
`;

const column = (file, col) => {
  const [head, ...rows] = readFileSync(join(ROOT, 'data', file), 'utf8').trim().split('\n');
  const j = head.split(',').map((h) => h.replace(/"/g, '')).indexOf(col);
  return rows.map((r) => Number(r.split(',')[j]));
};
const data = { airline: column('r_AirPassengers.csv', 'AirPassengers'), text: readFileSync(join(ROOT, 'data/text/tinyshakespeare.txt'), 'utf8').slice(0, 200_000) };

const dir = mkdtempSync(join(tmpdir(), 'ardiff-browser-bench-'));
writeFileSync(join(dir, 'cases.mjs'), CASES);
const { run } = await import(pathToFileURL(join(dir, 'cases.mjs')).href);
const results = [await run(data, 'wasm', reps)];

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH].find((p) => p && existsSync(p));
if (!CHROMIUM) {
  console.error('no Chromium found (/usr/bin/chromium): only Node was timed (apt-get install chromium runs the browser side)');
} else {
  await build({ entryPoints: [join(dir, 'cases.mjs')], bundle: true, splitting: true, platform: 'browser', format: 'esm', outdir: dir, entryNames: 'page', logLevel: 'silent' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module">import { run } from "./page.js"; window.run = run;</script>');
  writeFileSync(join(dir, 'data.json'), JSON.stringify(data));
  const wasmDir = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x').pathname;
    const file = url.startsWith('/wasm/') ? join(wasmDir, normalize(url.slice(6))) : join(dir, normalize(url === '/' ? 'index.html' : url.slice(1)));
    if (!existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--no-first-run', '--disable-background-networking'] });
  try {
    for (const backend of ['wasm', 'webgl', 'webgpu']) {
      // A fresh page per backend: each starts its engine from scratch.
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      // The page's own globals, as strings: this file is linted as Node code.
      await page.waitForFunction('typeof window.run === "function"');
      const r = await page.evaluate(`(async () => window.run(await (await fetch('./data.json')).json(), ${JSON.stringify(backend)}, ${reps}, '/wasm/'))()`);
      results.push({ ...r, where: 'chromium' });
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
}
results[0].where = 'node';

const names = ['gpt-2l', 'ddpm-mlp', 'sample-dpm++', 'deepar-h40', 'ddpm-unet28'];
const label = (r) => `${r.where} ${r.backend}`;
const node = results[0].cases;
console.log(`ardiff's engine in Node and in headless Chromium, ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'}; ms per step (per call for sampling), ratio to Node in brackets`);
console.log(['case', ...results.map(label)].join(' | '));
for (const n of names) {
  console.log([n, ...results.map((r) => (r.refused ? 'refused' : r.cases?.[n] === undefined ? '-' : `${r.cases[n].toFixed(1)}${r === results[0] ? '' : ` (${(r.cases[n] / node[n]).toFixed(2)}×)`}`))].join(' | '));
}
for (const r of results) if (r.refused) console.log(`${label(r)}: ${r.refused}`);
if (json) console.log(JSON.stringify({ suite: 'browser-engine', results }));
