// Every public entry in a real browser: ardiff, ardiff/classical, ardiff/neural,
// ardiff/diffusion and ardiff/hybrid are bundled for the browser by esbuild (from the fresh dist/
// of the full tier), served on loopback and run in headless Chromium (Debian's package, driven by
// playwright-core, which downloads nothing); the numbers must equal Node's. Tolerances: classical
// fits 1e-6 relative (browsers' JavaScript engines may round Math.exp/log differently), the
// schedulers exactly, neural and diffusion training (the same wasm kernels, same seed) 1e-5
// relative. Skipped, saying so, when no Chromium is installed (`.ci/run` installs it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH].find((p) => p && existsSync(p));
if (!CHROMIUM) console.log('no Chromium found (/usr/bin/chromium): skipping the browser tests (apt-get install chromium runs them)');

/** What the page computes, with the entry each part imports: the same code runs in Node below. */
const PAGE = `
import { fitARIMA, fitAutoARIMA } from '${ROOT}dist/classical/index.js';
import { DDIMScheduler, DPMSolverMultistepScheduler, fitDiffusion, toyData } from '${ROOT}dist/diffusion/index.js';
import { initEngine, fitDeepAR } from '${ROOT}dist/neural/index.js';
import { fitTimeGrad } from '${ROOT}dist/hybrid/index.js';
import { createRng, fitModel, parseCsv } from '${ROOT}dist/index.js';

export async function compute(data, wasmPaths) {
  const out = {};
  // Classical (ardiff/classical, and the registry of the root entry).
  const logAP = data.airline.map(Math.log);
  const airline = fitARIMA(logAP, { order: [0, 1, 1], seasonalOrder: [0, 1, 1, 12] });
  out.airline = { params: Array.from(airline.params), llf: airline.llf, mean: Array.from(airline.forecast(24).mean()) };
  const auto = fitAutoARIMA(data.lynx, {});
  out.auto = { order: auto.order, aicc: auto.aicc, mean: Array.from(auto.forecast(5).mean()) };
  const table = parseCsv('t,y\\n1,2\\n2,4.5\\n3,NA\\n', 'inline');
  out.csv = table.rows;
  out.registry = Array.from((await fitModel('naive', data.lynx, {})).forecast(3).mean());
  // Schedulers (ardiff/diffusion): exact.
  const ddim = new DDIMScheduler({ numTrainTimesteps: 1000 });
  ddim.setTimesteps(20);
  const x = Float64Array.from({ length: 6 }, (_, i) => Math.sin(i + 1)), eps = Float64Array.from({ length: 6 }, (_, i) => Math.cos(2 * i));
  out.ddim = { timesteps: Array.from(ddim.timesteps), step: Array.from(ddim.step(eps, ddim.timesteps[3], x).prevSample) };
  const dpm = new DPMSolverMultistepScheduler({ numTrainTimesteps: 1000 });
  dpm.setTimesteps(10);
  let y = x;
  for (const t of dpm.timesteps.slice(0, 4)) y = dpm.step(eps, t, y).prevSample;
  out.dpm = Array.from(y);
  // The tensor engine on WebAssembly (ardiff/neural), a DeepAR fit; a diffusion model; TimeGrad (ardiff/hybrid).
  const engine = await initEngine({ backend: 'wasm', ...(wasmPaths ? { wasmPaths } : {}) });
  out.backend = engine.backend;
  const deepar = fitDeepAR(logAP, { hiddenSize: 8, layers: 1, epochs: 2, batchesPerEpoch: 5, seasonalPeriod: 12, seed: 3, paths: 50 });
  out.deepar = { loss: deepar.training.trainLoss, mean: Array.from(deepar.forecast(6).mean()) };
  const diff = fitDiffusion(toyData('moons', 256, createRng(1)), 2, { steps: 30, denoiser: { width: 16, blocks: 1 }, seed: 2 });
  out.diffusion = Array.from(diff.sample(8, { scheduler: 'ddim', steps: 10, rng: createRng(4) }).samples);
  const tg = fitTimeGrad({ names: ['a', 'b'], columns: [logAP, logAP.map((v, i) => v + 0.1 * Math.sin(i))] }, { hiddenSize: 8, layers: 1, epochs: 1, batchesPerEpoch: 3, diffusionSteps: 10, residualLayers: 2, residualChannels: 4, seed: 5, paths: 10 });
  out.timegrad = tg.forecast(2).mean().map((r) => Array.from(r));
  // The same DeepAR on WebGL where the browser has it (float32 on the GPU), timed against wasm.
  if (typeof document !== 'undefined') {
    let t0 = performance.now();
    fitDeepAR(logAP, { hiddenSize: 8, layers: 1, epochs: 2, batchesPerEpoch: 5, seasonalPeriod: 12, seed: 3, paths: 50 }).forecast(6).mean();
    out.wasmSeconds = (performance.now() - t0) / 1000;
    await initEngine({ backend: 'webgl' });
    t0 = performance.now();
    const gl = fitDeepAR(logAP, { hiddenSize: 8, layers: 1, epochs: 2, batchesPerEpoch: 5, seasonalPeriod: 12, seed: 3, paths: 50 });
    out.webgl = { loss: gl.training.trainLoss, mean: Array.from(gl.forecast(6).mean()) };
    out.webglSeconds = (performance.now() - t0) / 1000;
    // And on WebGPU where the browser has an adapter (headless Chromium: --enable-unsafe-webgpu).
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    if (adapter) {
      try {
        await initEngine({ backend: 'webgpu' });
        t0 = performance.now();
        const gpu = fitDeepAR(logAP, { hiddenSize: 8, layers: 1, epochs: 2, batchesPerEpoch: 5, seasonalPeriod: 12, seed: 3, paths: 50 });
        out.webgpu = { loss: gpu.training.trainLoss, mean: Array.from(gpu.forecast(6).mean()) };
        out.webgpuSeconds = (performance.now() - t0) / 1000;
      } catch (e) {
        out.webgpuRefused = { name: e.name, message: e.message };
      }
    } else out.webgpuSkipped = navigator.gpu ? 'no WebGPU adapter' : 'no navigator.gpu';
    // Asked for again (refused or not), and then back on wasm: the engine still trains Node's numbers.
    out.webgpuAgain = await initEngine({ backend: 'webgpu' }).then((e) => e.backend, (e) => e.name);
    await initEngine({ backend: 'wasm' });
    out.afterWebgpu = Array.from(fitDiffusion(toyData('moons', 256, createRng(1)), 2, { steps: 30, denoiser: { width: 16, blocks: 1 }, seed: 2 }).sample(8, { scheduler: 'ddim', steps: 10, rng: createRng(4) }).samples);
  }
  return out;
}
`;

const HTML = `<!doctype html><meta charset="utf-8"><title>ardiff in the browser</title>
<script type="module">
import { compute } from './page.js';
const data = await (await fetch('./data.json')).json();
try { window.__result = await compute(data, '/wasm/'); } catch (e) { window.__error = String(e && e.stack || e); }
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.wasm': 'application/wasm' };

describe.skipIf(!CHROMIUM)('every entry in headless Chromium, with Node\'s numbers', () => {
  let server: Server, port = 0, dir = '';
  const column = (file: string, col: string) => {
    const [head, ...rows] = readFileSync(join(ROOT, 'data', file), 'utf8').trim().split('\n');
    const j = head.split(',').map((h) => h.replace(/"/g, '')).indexOf(col);
    return rows.map((r) => Number(r.split(',')[j]));
  };
  const data = { airline: column('r_AirPassengers.csv', 'AirPassengers'), lynx: column('r_lynx.csv', 'lynx') };
  let browser: Record<string, unknown> = {}, node: Record<string, unknown> = {};

  beforeAll(async () => {
    const { build } = await import('esbuild');
    dir = mkdtempSync(join(tmpdir(), 'ardiff-browser-'));
    writeFileSync(join(dir, 'entry.js'), PAGE);
    await build({ entryPoints: [join(dir, 'entry.js')], bundle: true, splitting: true, platform: 'browser', format: 'esm', outdir: dir, entryNames: 'page', logLevel: 'silent' });
    writeFileSync(join(dir, 'index.html'), HTML);
    writeFileSync(join(dir, 'data.json'), JSON.stringify(data));
    const wasmDir = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x').pathname;
      if (url === '/favicon.ico') { res.writeHead(204).end(); return; }
      const file = url.startsWith('/wasm/') ? join(wasmDir, normalize(url.slice(6))) : join(dir, normalize(url === '/' ? 'index.html' : url.slice(1)));
      if (!existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
    const { chromium } = await import('playwright-core');
    const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await b.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => (globalThis as unknown as { __result?: unknown; __error?: unknown }).__result !== undefined || (globalThis as unknown as { __error?: unknown }).__error !== undefined, undefined, { timeout: 120_000 })
        .catch((e: Error) => { throw new Error(`${e.message}; page errors: ${errors.join('\n') || 'none'}`); });
      const err = await page.evaluate(() => (globalThis as unknown as { __error?: string }).__error);
      // The page's stack names the page's URLs, which vitest would try to read as files: the message only.
      if (err || errors.length) throw new Error(`the page failed: ${(err ?? errors.join('\n')).replace(/https?:\/\/\S+/g, '<page>')}`);
      browser = await page.evaluate(() => (globalThis as unknown as { __result: Record<string, unknown> }).__result);
    } finally {
      await b.close();
    }
    // The same code in Node, from the unbundled entries.
    writeFileSync(join(dir, 'node-entry.mjs'), PAGE);
    const mod = await import(pathToFileURL(join(dir, 'node-entry.mjs')).href) as { compute: (d: typeof data, w?: string) => Promise<Record<string, unknown>> };
    node = await mod.compute(data);
  }, 240_000);
  afterAll(() => { server?.close(); });

  const close = (a: unknown, b: unknown, rel: number, path = ''): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
    } else if (Array.isArray(a) && Array.isArray(b)) {
      expect(a.length, path).toBe(b.length);
      a.forEach((v, i) => close(v, b[i], rel, `${path}[${i}]`));
    } else if (a && b && typeof a === 'object' && typeof b === 'object') {
      expect(Object.keys(a).sort(), path).toEqual(Object.keys(b).sort());
      for (const k of Object.keys(a)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`);
    } else expect(a, path).toEqual(b);
  };

  it('classical fits and forecasts (airline SARIMA, auto-ARIMA, the registry, CSV parsing) equal Node\'s to 1e-6', () => {
    close(browser.airline, node.airline, 1e-6, 'airline');
    close(browser.auto, node.auto, 1e-6, 'auto');
    expect(browser.csv).toEqual(node.csv);
    close(browser.registry, node.registry, 1e-6, 'registry');
  });

  it('the schedulers are exact', () => {
    expect(browser.ddim).toEqual(node.ddim);
    expect(browser.dpm).toEqual(node.dpm);
  });

  it('the tensor engine runs on WebAssembly in the page: DeepAR, a diffusion model and TimeGrad train to Node\'s numbers (1e-5)', () => {
    expect(browser.backend).toBe('wasm');
    close(browser.deepar, node.deepar, 1e-5, 'deepar');
    close(browser.diffusion, node.diffusion, 1e-5, 'diffusion');
    close(browser.timegrad, node.timegrad, 1e-5, 'timegrad');
    expect(node.webgl).toBeUndefined();
  });

  it('the engine on WebGL (float32 on the GPU; SwiftShader in headless Chromium) trains the same DeepAR to within 1e-3 of wasm', () => {
    const gl = browser.webgl as { loss: number[]; mean: number[] };
    close(gl, node.deepar, 1e-3, 'webgl');
    console.log(`DeepAR fit in the page: wasm ${(browser.wasmSeconds as number).toFixed(2)} s, webgl ${(browser.webglSeconds as number).toFixed(2)} s`);
  });

  it('the engine on WebGPU: where the adapter multiplies matrices right, the DeepAR trains to within 1e-3 of wasm; where it does not (headless Chromium\'s software adapter reads back zeros), initEngine refuses with a typed error; Node refuses the backend by name', async () => {
    if (browser.webgpuSkipped) {
      console.log(`WebGPU not tested: ${String(browser.webgpuSkipped)} in this Chromium`);
    } else if (browser.webgpuRefused) {
      expect(browser.webgpuRefused).toMatchObject({ name: 'ArdiffError', message: expect.stringMatching(/WebGPU adapter gives wrong results when read synchronously/) });
      console.log(`WebGPU refused in this Chromium: ${(browser.webgpuRefused as { message: string }).message}`);
      expect(browser.webgpuAgain).toBe('ArdiffError');
    } else {
      close(browser.webgpu as { loss: number[]; mean: number[] }, node.deepar, 1e-3, 'webgpu');
      console.log(`DeepAR fit in the page on WebGPU: ${(browser.webgpuSeconds as number).toFixed(2)} s`);
    }
    // Whatever happened on WebGPU, the engine went back to wasm and trains Node's numbers.
    close(browser.afterWebgpu, node.diffusion, 1e-5, 'afterWebgpu');
    const { initEngine } = await import('../../dist/neural/index.js');
    await expect(initEngine({ backend: 'webgpu' })).rejects.toMatchObject({ argument: 'backend', message: expect.stringMatching(/needs a browser with WebGPU/) });
  });

  it('bundle sizes: the classical entry holds no TensorFlow.js', async () => {
    const { build } = await import('esbuild');
    const sizes: Record<string, string> = {};
    for (const entry of ['index', 'classical/index', 'neural/index', 'diffusion/index', 'hybrid/index']) {
      const outdir = join(dir, 'sizes', entry);
      const r = await build({ entryPoints: [join(ROOT, `dist/${entry}.js`)], bundle: true, splitting: true, outdir, platform: 'browser', format: 'esm', minify: true, write: false, metafile: true, logLevel: 'silent' });
      // What loading the entry fetches: its file and the chunks it imports statically (not the
      // ones behind a dynamic import(): the engine, the charts, which load on first use).
      const byPath = new Map(r.outputFiles.map((f) => [f.path, f.contents]));
      const outputs = r.metafile.outputs;
      const key = (p: string) => Object.keys(outputs).find((k) => join(ROOT, k) === p || k === p || p.endsWith(k))!;
      // The entry's own output (a dynamic import() is an entry point of the metafile too).
      const start = Object.keys(outputs).find((k) => outputs[k].entryPoint !== undefined && join(ROOT, outputs[k].entryPoint!) === join(ROOT, `dist/${entry}.js`))!;
      const seen = new Set<string>([start]);
      for (const k of seen) for (const imp of outputs[k].imports) if (imp.kind === 'import-statement') seen.add(key(imp.path));
      const bytes = (k: string) => [...byPath.entries()].find(([p]) => p.endsWith(k.replace(/^.*?sizes\//, 'sizes/')))![1];
      const eager = Buffer.concat([...seen].map((k) => Buffer.from(bytes(k))));
      const total = r.outputFiles.reduce((s, f) => s + f.contents.length, 0);
      sizes[entry] = `${(eager.length / 1024).toFixed(0)} KB (${(gzipSync(eager).length / 1024).toFixed(0)} KB gzip); with lazy chunks ${(total / 1024).toFixed(0)} KB`;
      if (entry === 'classical/index') {
        const inputs = Object.keys(r.metafile.inputs);
        expect(inputs.some((f) => f.includes('@tensorflow'))).toBe(false);
      }
    }
    console.log('browser bundle sizes (minified):', sizes);
  });
});
