// `ardiff studio` end to end: the CLI starts the server (from the fresh dist/ of the full tier), and
// headless Chromium (Debian's, driven by playwright-core, which downloads nothing) loads the page
// cold, fits auto-ARIMA and the naive baseline on AirPassengers from a link, and the numbers the
// page shows must equal the library's in Node (1e-6 relative); then bad input in the page: a
// malformed CSV, a non-numeric column, a series too short for the model — a visible error naming
// the problem, the earlier results and the settings kept, the page still working. Screenshots go
// to docs/ for the README. Skipped, saying so, when no Chromium is installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH].find((p) => p && existsSync(p));
if (!CHROMIUM) console.log('no Chromium found (/usr/bin/chromium): skipping the studio tests (apt-get install chromium runs them)');

interface ShownResult {
  results: { model: string; mean: number[]; lo95: number[]; hi95: number[] }[];
  backtest: { model: string; mase: number; crps: number }[];
}

describe.skipIf(!CHROMIUM)('ardiff studio in headless Chromium', () => {
  let server: ChildProcess, url = '', browser: Browser, page: Page;
  const errors: string[] = [];
  let firstForecastSeconds = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-studio-'));
    writeFileSync(join(dir, 'mine.csv'), 'time,sales,label\n1,10,a\n2,12,b\n3,11,c\n4,13,d\n5,12,e\n6,14,f\n7,13,g\n8,15,h\n');
    server = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'studio', '--port', '0', '--data', join(dir, 'mine.csv'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => { out += d; const line = out.split('\n')[0]; if (out.includes('\n')) resolve((JSON.parse(line) as { url: string }).url); });
      server.once('exit', (code) => reject(new Error(`ardiff studio exited with ${code}`)));
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    // Cold load straight into a fit: the link holds the data set, the settings and the models.
    const t0 = performance.now();
    await page.goto(`${url}#data=air-passengers&column=AirPassengers&h=24&period=12&transform=log&models=auto-arima,naive`);
    await page.waitForSelector('#results[data-ready=true]', { timeout: 120_000 })
      .catch((e: Error) => { throw new Error(`${e.message}; page errors: ${errors.join('\n') || 'none'}`); });
    firstForecastSeconds = (performance.now() - t0) / 1000;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
  });

  it('a cold link fits auto-ARIMA and naive on AirPassengers; the page shows the library\'s numbers (1e-6)', async () => {
    expect(errors).toEqual([]);
    const shown = await page.evaluate(() => (globalThis as unknown as { studio: { last: () => ShownResult } }).studio.last());
    const { fitModel, backtest, backtestModelOptions, DATASETS, readTable, numericColumn, applyTransform } = await import('../../dist/index.node.js');
    const ds = DATASETS.find((d) => d.name === 'air-passengers')!;
    const raw = numericColumn(readTable(join(ROOT, 'data', ds.file)), ds.column);
    const y = applyTransform(raw, 'log');
    for (const name of ['auto-arima', 'naive']) {
      const fit = await fitModel(name, y, backtestModelOptions(name, { seasonalPeriod: 12, seed: 0 }));
      const fc = fit.forecast(24);
      const want = Array.from(fc.mean(), Math.exp), want95 = Array.from(fc.interval(95).upper, Math.exp);
      const got = shown.results.find((r) => r.model === name)!;
      want.forEach((v, i) => expect(Math.abs(got.mean[i] - v), `${name} mean ${i}`).toBeLessThanOrEqual(1e-6 * v));
      want95.forEach((v, i) => expect(Math.abs(got.hi95[i] - v), `${name} hi95 ${i}`).toBeLessThanOrEqual(1e-6 * v));
    }
    const bt = await backtest(raw, { models: ['auto-arima', 'naive'], horizon: 24, seasonalPeriod: 12, transform: 'log', seed: 0 });
    for (const r of bt.results) {
      const got = shown.backtest.find((b) => b.model === r.model)!;
      expect(Math.abs(got.mase - r.mase)).toBeLessThanOrEqual(1e-6 * r.mase);
      expect(Math.abs(got.crps - r.crps)).toBeLessThanOrEqual(1e-6 * r.crps);
    }
    // What is drawn: one card with a fan chart per model, the backtest table, and the view in the URL.
    expect(await page.locator('article.model svg').count()).toBe(2);
    expect(await page.locator('#backtest tbody tr').count()).toBe(2);
    expect(page.url()).toContain('models=auto-arima%2Cnaive');
    await page.screenshot({ path: join(ROOT, 'docs/studio-forecast.png'), fullPage: false });
    console.log(`studio: time to first forecast on AirPassengers (cold load, auto-ARIMA + naive + their backtest): ${firstForecastSeconds.toFixed(1)} s`);
  });

  it('exports: forecasts as CSV, a chart as SVG', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Forecasts (CSV)' }).click()]);
    expect(csv.suggestedFilename()).toBe('forecasts.csv');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.locator('article.model').first().getByRole('button', { name: 'SVG' }).click()]);
    expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  });

  it('bad input: a visible error naming the problem; the results and settings stay; the page keeps working', async () => {
    const error = page.locator('#forecast-error');
    const cards = () => page.locator('article.model').count();
    // A malformed CSV (a row with a column too many).
    await page.setInputFiles('#file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n3,4,5\n') });
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toMatch(/DataError \(data\): broken\.csv: cannot parse CSV/);
    expect(await cards()).toBe(2);
    // The user's file (--data): a non-numeric column.
    await page.selectOption('#dataset', 'mine.csv');
    await expect.poll(() => page.locator('#column option').count()).toBe(2);
    await page.selectOption('#column', 'label');
    await page.click('#fit');
    await expect.poll(() => error.textContent()).toMatch(/DataError \(column\): mine\.csv: column 'label', row 1 holds 'a', which is not a number/);
    expect(await cards()).toBe(2);
    // A series too short for the model: 8 points, a seasonal period of 12, horizon 4 (the error box
    // is reset first, so the message checked is this one).
    await page.selectOption('#column', 'sales');
    await page.fill('#horizon', '4');
    await page.fill('#period', '12');
    await page.evaluate("{ const box = document.getElementById('forecast-error'); box.textContent = ''; box.hidden = true; }");
    await page.click('#fit');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/^DataError \(\w+\): .*(too short|needs at least)/);
    expect(await page.inputValue('#horizon')).toBe('4');
    expect(await page.inputValue('#column')).toBe('sales');
    const tooShort = await error.textContent();
    // Still working: the same file with the naive model alone and no seasonal period fits.
    await page.uncheck('#models input[value=auto-arima]');
    await page.fill('#period', '1');
    await page.click('#fit');
    await expect.poll(() => page.locator('article.model').count(), { timeout: 30_000 }).toBe(1);
    console.log(`studio: a series too short for the model: "${tooShort}"`);
    expect(await error.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  }, 120_000);

  it('several series jointly: VAR and TimeGrad on two columns of a dropped CSV; the forecasts equal Node\'s (VAR 1e-6, TimeGrad 1e-5)', async () => {
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(url);
    await p.waitForSelector('body[data-ready=true]');
    const rows = Array.from({ length: 80 }, (_, i) => `${i + 1},${(10 + Math.sin(i / 3) + 0.1 * ((i * 7) % 5)).toFixed(4)},${(5 + Math.cos(i / 4) + 0.05 * ((i * 3) % 7)).toFixed(4)}`);
    const csv = `time,a,b\n${rows.join('\n')}\n`;
    await p.setInputFiles('#file', { name: 'two.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => p.locator('#columns-multi option').count()).toBe(2);
    await p.selectOption('#columns-multi', ['a', 'b']);
    await p.check('#models-multi input[value=var]');
    await p.check('#models-multi input[value=timegrad]');
    await p.fill('#horizon', '6');
    await p.fill('#period', '1');
    await p.fill('#epochs', '2');
    await p.click('#fit-multi');
    await p.waitForSelector('#results-multi[data-ready=true], #forecast-error:not([hidden])', { timeout: 120_000 });
    expect(await p.locator('#forecast-error').isVisible() ? await p.locator('#forecast-error').textContent() : '').toBe('');
    const shown = await p.evaluate(() => (globalThis as unknown as { studio: { lastMulti: () => { results: { model: string; mean: number[][] }[]; backtest: { model: string }[] } } }).studio.lastMulti());
    expect(shown.backtest.map((b) => b.model)).toEqual(['var', 'timegrad']);
    const { fitModel, multiBacktestModelOptions } = await import('../../dist/index.node.js');
    const { initEngine } = await import('../../dist/neural/index.js');
    await initEngine({ backend: 'wasm' });
    const col = (j: number) => Float64Array.from(rows, (r) => Number(r.split(',')[j]));
    const data = { names: ['a', 'b'], columns: [col(1), col(2)] };
    for (const [name, tol] of [['var', 1e-6], ['timegrad', 1e-5]] as const) {
      const fit = await fitModel(name, data, multiBacktestModelOptions(name, { seasonalPeriod: 1, seed: 0, epochs: 2 }));
      const want = fit.forecast(6).mean();
      const got = shown.results.find((r) => r.model === name)!.mean;
      want.forEach((row, i) => row.forEach((v, d) => expect(Math.abs(got[i][d] - v), `${name} step ${i + 1}, ${data.names[d]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)))));
      (fit as { dispose?: () => void }).dispose?.();
    }
    expect(await p.locator('#results-multi article.model svg').count()).toBe(2);
    // One column only: a typed error naming the columns; the joint results stay.
    await p.selectOption('#columns-multi', ['a']);
    await p.click('#fit-multi');
    await expect.poll(() => p.locator('#forecast-error').textContent()).toMatch(/DataError \(columns\): choose at least two columns/);
    expect(await p.locator('#results-multi article.model').count()).toBe(2);
    expect(errors).toEqual([]);
    await p.close();
  }, 180_000);

  it('diffusion tab: trains on the two moons in the page and samples with DPM-Solver++ 20 and DDPM 1000; the points equal Node\'s (1e-5)', async () => {
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`${url}#tab=diffusion&dataset=moons&steps=150&seed=3`);
    await p.waitForSelector('body[data-ready=true]');
    await p.click('#diff-train');
    await p.waitForSelector('#diff-sample:not([disabled])', { timeout: 60_000 });
    await p.selectOption('#diff-scheduler', 'ddpm');
    expect(await p.inputValue('#diff-sample-steps')).toBe('1000');
    await p.fill('#diff-n', '100');
    await p.click('#diff-sample');
    await p.waitForSelector('article.model[data-scheduler=ddpm]', { timeout: 60_000 });
    const ddpm = await p.evaluate(() => (globalThis as unknown as { studio: { lastSamples: () => { samples: number[] } } }).studio.lastSamples().samples);
    await p.selectOption('#diff-scheduler', 'dpm++');
    await p.click('#diff-sample');
    await p.waitForSelector('article.model[data-scheduler="dpm++"]', { timeout: 60_000 });
    const shown = await p.evaluate(() => (globalThis as unknown as { studio: { lastSamples: () => { samples: number[]; frames: number[][] } } }).studio.lastSamples());
    const { initEngine } = await import('../../dist/neural/index.js');
    const { fitDiffusion, toyData } = await import('../../dist/diffusion/index.js');
    const { createRng } = await import('../../dist/index.js');
    await initEngine({ backend: 'wasm' });
    const model = fitDiffusion(toyData('moons', 2000, createRng(3)), 2, { steps: 150, seed: 3 });
    const want = model.sample(100, { scheduler: 'dpm++', steps: 20, rng: createRng(3) }).samples;
    expect(shown.samples.length).toBe(want.length);
    want.forEach((v, i) => expect(Math.abs(shown.samples[i] - v), `sample ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    const wantDdpm = model.sample(100, { scheduler: 'ddpm', steps: 1000, rng: createRng(3) }).samples;
    wantDdpm.forEach((v, i) => expect(Math.abs(ddpm[i] - v), `DDPM sample ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    // The animation holds the reverse process, ending at the samples, starting far from them (noise).
    expect(shown.frames.at(-1)).toEqual(shown.samples);
    expect(Math.max(...shown.frames[0].map((v, i) => Math.abs(v - shown.samples[i])))).toBeGreaterThan(0.5);
    expect(await p.locator('#diff-loss svg').count()).toBe(1);
    // The digit grid of the bundled class-conditional U-Net: a 7, guidance 3, equal to Node's draws.
    await p.selectOption('#digit-class', '7');
    await p.fill('#digit-n', '4');
    await p.click('#digit-draw');
    await expect.poll(() => p.evaluate(() => (globalThis as unknown as { studio: { lastDigitGrid: () => unknown } }).studio.lastDigitGrid()), { timeout: 60_000 }).not.toBeNull();
    const grid = await p.evaluate(() => (globalThis as unknown as { studio: { lastDigitGrid: () => { images: number[]; rows: number; cols: number } } }).studio.lastDigitGrid());
    expect([grid.rows, grid.cols]).toEqual([1, 4]);
    const { DiffusionModel } = await import('../../dist/diffusion/index.js');
    const { readFileSync } = await import('node:fs');
    const digits = DiffusionModel.fromJSON(JSON.parse(readFileSync(join(ROOT, 'data/models/digits14.json'), 'utf8')));
    const sevens = digits.sample(4, { classLabel: 7, guidance: 3, scheduler: 'dpm++', steps: 20, rng: createRng(3 + 7) }).samples;
    sevens.forEach((v, i) => expect(Math.abs(grid.images[i] - Math.min(1, Math.max(0, v))), `pixel ${i}`).toBeLessThanOrEqual(1e-5));
    // A caption drawn by the bundled text → image model, equal to Node's; an empty one is an error.
    await p.fill('#digit-prompt', 'a bold seven');
    await p.click('#digit-draw-prompt');
    await expect.poll(() => p.locator('#digit-status').textContent(), { timeout: 60_000 }).toMatch(/^"a bold seven": 4 images/);
    const drawn = await p.evaluate(() => (globalThis as unknown as { studio: { lastDigitGrid: () => { images: number[] } } }).studio.lastDigitGrid().images);
    const { textToImageFromJSON } = await import('../../dist/hybrid/index.js');
    const t2i = textToImageFromJSON(JSON.parse(readFileSync(join(ROOT, 'data/models/text2image14.json'), 'utf8')));
    const boldSevens = t2i.sample('a bold seven', 4, { rng: createRng(3), guidance: 3, scheduler: 'dpm++', steps: 20 });
    boldSevens.forEach((v, i) => expect(Math.abs(drawn[i] - Math.min(1, Math.max(0, v))), `caption pixel ${i}`).toBeLessThanOrEqual(1e-5));
    t2i.dispose();
    await p.screenshot({ path: join(ROOT, 'docs/studio-diffusion.png'), fullPage: true });
    await p.fill('#digit-prompt', '   ');
    await p.click('#digit-draw-prompt');
    await expect.poll(() => p.locator('#diff-error').textContent()).toMatch(/DataError \(prompt\): caption 0 is empty/);
    expect(p.url()).toContain('tab=diffusion');
    await p.close();
  }, 120_000);

  it('text tab: a tiny GPT trained in the page generates Node\'s text for the same seed; bad model files and prompts are typed errors', async () => {
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`${url}#tab=text&tokens=80&temperature=0.8&seed=1&prompt=ROMEO%3A`);
    await p.waitForSelector('body[data-ready=true]');
    await p.fill('#text-steps', '40');
    await p.click('#text-train');
    await p.waitForSelector('#text-generate:not([disabled])', { timeout: 60_000 });
    await p.click('#text-generate');
    await expect.poll(() => p.evaluate(() => (globalThis as unknown as { studio: { lastText: () => unknown } }).studio.lastText()), { timeout: 30_000 }).not.toBeNull();
    const shown = await p.evaluate(() => (globalThis as unknown as { studio: { lastText: () => { prompt: string; text: string } } }).studio.lastText());
    const { readFileSync } = await import('node:fs');
    const { initEngine, trainGPT } = await import('../../dist/neural/index.js');
    const { createRng } = await import('../../dist/index.js');
    await initEngine({ backend: 'wasm' });
    const gpt = trainGPT(readFileSync(join(ROOT, 'data/text/tinyshakespeare.txt'), 'utf8'), { preset: 'tiny', steps: 40, seed: 1 });
    expect(shown).toEqual({ prompt: 'ROMEO:', text: gpt.generate('ROMEO:', { tokens: 80, temperature: 0.8, rng: createRng(1) }) });
    await p.screenshot({ path: join(ROOT, 'docs/studio-text.png') });
    const error = p.locator('#text-error');
    // A model file from a newer ardiff, a file that is not JSON, a model of another kind.
    const newer = { ...gpt.toJSON(), version: 99 };
    for (const [name, body, message] of [
      ['newer.json', JSON.stringify(newer), /version 99/],
      ['notes.json', 'not json', /notes\.json is not JSON/],
      ['moons.json', JSON.stringify({ kind: 'naive', y: [1, 2] }), /holds a 'naive' model|malformed|corrupt/],
    ] as const) {
      await p.setInputFiles('#text-file', { name, mimeType: 'application/json', buffer: Buffer.from(body) });
      await expect.poll(() => error.textContent(), { timeout: 15_000 }).toMatch(message);
    }
    // The trained model is still there: a prompt outside its characters names the prompt; a fine one generates.
    await p.fill('#text-prompt', 'héllo ☃');
    await p.click('#text-generate');
    await expect.poll(() => error.textContent()).toMatch(/\(prompt\)/);
    await p.fill('#text-prompt', 'JULIET:');
    await p.fill('#text-temperature', '0');
    await p.click('#text-generate');
    await expect.poll(() => error.textContent()).toMatch(/ArgumentError \(temperature\): temperature must be a number from 0\.01/);
    await p.fill('#text-temperature', '1');
    await p.click('#text-generate');
    await expect.poll(() => p.evaluate(() => (globalThis as unknown as { studio: { lastText: () => { prompt: string } } }).studio.lastText().prompt)).toBe('JULIET:');
    expect(await error.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    gpt.dispose();
    await p.close();
  }, 120_000);
});
