/**
 * The diffusion tab: a 2-D diffusion model trained live in the page on a toy data set (moons, swiss
 * roll, 8 gaussians) with its loss curve, then the reverse process animated — points flowing from
 * noise to the data — for each sampler run (DDPM 1000 beside DDIM or DPM-Solver++ 20). The worker
 * trains and samples through the library; this file only draws.
 */
import { $, ask, button, download, fetchText, lossSvg, numberField, pageError, saveView, showError } from './client.js';
import type { DiffusionSettings, Reply, SampleSettings, StudioError } from './protocol.js';

const error = (e: StudioError | null) => showError($('diff-error'), e);
/** The training data of the model the next sampler run uses (each panel keeps its own). */
let trained: number[] = [];
let last: Extract<Reply, { type: 'diffusion-sampled' }> | null = null;
const STEPS: Record<SampleSettings['scheduler'], number> = { 'ddpm': 1000, 'ddim': 20, 'dpm++': 20 };

/** Draws the training data (grey) and one frame of points (blue) on a canvas, both in [−limit, limit]². */
function draw(canvas: HTMLCanvasElement, data: readonly number[], frame: readonly number[]): void {
  const ctx = canvas.getContext('2d')!, w = canvas.width, h = canvas.height;
  let limit = 0;
  for (const v of data) limit = Math.max(limit, Math.abs(v));
  limit = 1.15 * (limit || 1);
  const px = (x: number) => ((x + limit) / (2 * limit)) * w, py = (y: number) => h - ((y + limit) / (2 * limit)) * h;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#c8c8c8';
  for (let i = 0; i < data.length; i += 2) ctx.fillRect(px(data[i]) - 1, py(data[i + 1]) - 1, 2, 2);
  ctx.fillStyle = '#1f4e99';
  for (let i = 0; i < frame.length; i += 2) ctx.fillRect(px(frame[i]) - 1.5, py(frame[i + 1]) - 1.5, 3, 3);
}

function settings(): DiffusionSettings {
  const dataset = $<HTMLSelectElement>('diff-dataset').value as DiffusionSettings['dataset'];
  return { dataset, steps: numberField('diff-steps', 'training steps', 10, 20_000), seed: numberField('diff-seed', 'seed', 0, 2 ** 31) };
}

async function train(): Promise<void> {
  let s: DiffusionSettings;
  try { s = settings(); } catch (e) { error(pageError(e)); return; }
  saveView('diffusion', { dataset: s.dataset, steps: String(s.steps), seed: String(s.seed) });
  const bar = $<HTMLProgressElement>('diff-progress'), status = $('diff-status'), chart = $('diff-loss'), go = $<HTMLButtonElement>('diff-train');
  bar.hidden = false;
  go.disabled = true;
  const losses: number[] = [];
  const r = await ask({ type: 'diffusion-train', ...s }, (p) => {
    if (p.type !== 'loss') return;
    losses.push(p.loss);
    bar.value = p.step / p.steps;
    status.textContent = `step ${p.step} of ${p.steps}, loss ${p.loss.toFixed(4)}`;
    chart.innerHTML = lossSvg(losses);
  });
  bar.hidden = true;
  go.disabled = false;
  if (r.type === 'error') { error(r.error); return; }
  if (r.type !== 'diffusion-trained') return;
  error(null);
  trained = r.data;
  chart.innerHTML = lossSvg(r.losses);
  chart.dataset.steps = String(r.losses.length);
  status.textContent = `trained ${r.losses.length} steps in ${r.seconds.toFixed(1)} s; now sample`;
  $<HTMLButtonElement>('diff-sample').disabled = false;
  $('diff-train-actions').replaceChildren(button('Loss curve (SVG)', () => download('loss.svg', 'image/svg+xml', lossSvg(r.losses))), button('Losses (CSV)', () => download('losses.csv', 'text/csv', `step,loss\n${r.losses.map((l, i) => `${i + 1},${l}`).join('\n')}\n`)));
}

/** One panel per sampler run: the canvas, a frame slider, play, and exports. */
function panel(r: Extract<Reply, { type: 'diffusion-sampled' }>, s: SampleSettings, data: readonly number[]): HTMLElement {
  const card = document.createElement('article');
  card.className = 'model';
  card.dataset.scheduler = s.scheduler;
  const title = document.createElement('h3');
  title.textContent = `${s.scheduler.toUpperCase()} ${s.steps} steps: ${s.n} points in ${r.seconds.toFixed(2)} s`;
  const canvas = Object.assign(document.createElement('canvas'), { width: 360, height: 360 });
  const slider = Object.assign(document.createElement('input'), { type: 'range', min: '0', max: String(r.frames.length - 1), value: String(r.frames.length - 1) });
  const label = document.createElement('span');
  const show = (k: number) => { draw(canvas, data, r.frames[k]); label.textContent = ` step ${r.timesteps[k] + 1} of ${s.steps}`; };
  slider.oninput = () => show(Number(slider.value));
  let timer: ReturnType<typeof setInterval> | undefined;
  const play = button('Play', () => {
    clearInterval(timer);
    let k = 0;
    timer = setInterval(() => { slider.value = String(k); show(k); if (++k >= r.frames.length) clearInterval(timer); }, 60);
  });
  show(r.frames.length - 1);
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(play,
    button('PNG', () => canvas.toBlob((b) => { if (b) download(`${s.scheduler}-${s.steps}.png`, 'image/png', b); })),
    button('Samples (CSV)', () => download(`${s.scheduler}-${s.steps}.csv`, 'text/csv', `x,y\n${r.samples.reduce<string[]>((rows, v, i) => (i % 2 ? rows : [...rows, `${v},${r.samples[i + 1]}`]), []).join('\n')}\n`)));
  card.append(title, canvas, document.createElement('br'), slider, label, actions);
  return card;
}

async function sample(): Promise<void> {
  let s: SampleSettings;
  try {
    s = { scheduler: $<HTMLSelectElement>('diff-scheduler').value as SampleSettings['scheduler'], steps: numberField('diff-sample-steps', 'sampling steps', 1, 1000), n: numberField('diff-n', 'points', 1, 5000), seed: numberField('diff-seed', 'seed', 0, 2 ** 31) };
  } catch (e) { error(pageError(e)); return; }
  const go = $<HTMLButtonElement>('diff-sample');
  go.disabled = true;
  $('diff-status').textContent = `sampling with ${s.scheduler} (${s.steps} steps)…`;
  const data = trained;
  const r = await ask({ type: 'diffusion-sample', ...s });
  go.disabled = false;
  if (r.type === 'error') { error(r.error); return; }
  if (r.type !== 'diffusion-sampled') return;
  error(null);
  last = r;
  $('diff-status').textContent = '';
  $('diff-runs').prepend(panel(r, s, data));
}

/** Draws rows × cols grey images (values in [0, 1], size × size each) as one grid, 4× enlarged. */
function drawGrid(canvas: HTMLCanvasElement, r: Extract<Reply, { type: 'digits' }>): void {
  const zoom = 4, pad = 2, cell = r.size * zoom + pad;
  canvas.width = r.cols * cell + pad;
  canvas.height = r.rows * cell + pad;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#888';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.createImageData(r.size, r.size), px = r.size * r.size;
  const tile = document.createElement('canvas');
  tile.width = tile.height = r.size;
  const tctx = tile.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  for (let k = 0; k < r.rows * r.cols; k++) {
    for (let i = 0; i < px; i++) {
      const g = Math.round(255 * r.images[k * px + i]);
      img.data.set([g, g, g, 255], 4 * i);
    }
    tctx.putImageData(img, 0, 0);
    ctx.drawImage(tile, pad + (k % r.cols) * cell, pad + Math.floor(k / r.cols) * cell, r.size * zoom, r.size * zoom);
  }
}

let lastDigits: Extract<Reply, { type: 'digits' }> | null = null;

/** The grid's shared settings: guidance, images per row, sampling steps, seed. */
function gridSettings(): { guidance: number; n: number; steps: number; seed: number } {
  return { guidance: numberField('digit-guidance', 'guidance', 0, 20, false), n: numberField('digit-n', 'digits per class', 1, 32), steps: numberField('digit-steps', 'sampling steps', 1, 1000), seed: numberField('diff-seed', 'seed', 0, 2 ** 31) };
}

/**
 * Draws a grid with a bundled model: asks the worker, which asks for the model file once (fetched
 * here and handed over), then shows the images, a status line and the PNG export.
 */
async function drawWith(buttonId: string, modelFile: string, what: string, request: (model?: unknown) => Promise<Reply>, describe: (r: Extract<Reply, { type: 'digits' }>) => string): Promise<void> {
  const go = $<HTMLButtonElement>(buttonId), status = $('digit-status');
  go.disabled = true;
  status.textContent = 'drawing…';
  let r: Reply;
  try {
    r = await request();
    if (r.type === 'digits' && r.needsModel) {
      status.textContent = `loading the bundled ${what}…`;
      r = await request(JSON.parse(await fetchText(`data/models/${modelFile}`, 'model')) as unknown);
    }
  } catch (e) {
    status.textContent = '';
    error(pageError(e, 'DataError'));
    return;
  } finally {
    go.disabled = false;
  }
  if (r.type === 'error') { status.textContent = ''; error(r.error); return; }
  if (r.type !== 'digits') return;
  error(null);
  lastDigits = r;
  const canvas = $<HTMLCanvasElement>('digit-grid');
  drawGrid(canvas, r);
  status.textContent = describe(r);
  $('digit-actions').replaceChildren(button('PNG', () => canvas.toBlob((b) => { if (b) download('digits.png', 'image/png', b); })));
}

async function drawDigits(): Promise<void> {
  let s: ReturnType<typeof gridSettings>, digit: number | null;
  try {
    const d = $<HTMLSelectElement>('digit-class').value;
    digit = d === 'all' ? null : Number(d);
    s = gridSettings();
  } catch (e) { error(pageError(e)); return; }
  await drawWith('digit-draw', 'digits14.json', 'digit model', (model) => ask({ type: 'digits', digit, guidance: s.guidance, perClass: s.n, steps: s.steps, seed: s.seed, ...(model === undefined ? {} : { model }) }),
    (r) => `${r.rows * r.cols} digits in ${r.seconds.toFixed(2)} s (DPM-Solver++ ${s.steps}, guidance ${s.guidance})`);
}

/** Images drawn for a caption by the bundled text → image model, shown in the same grid. */
async function drawPrompt(): Promise<void> {
  let s: ReturnType<typeof gridSettings>;
  const prompt = $<HTMLInputElement>('digit-prompt').value;
  try { s = gridSettings(); } catch (e) { error(pageError(e)); return; }
  await drawWith('digit-draw-prompt', 'text2image14.json', 'text → image model', (model) => ask({ type: 'prompt', prompt, ...s, ...(model === undefined ? {} : { model }) }),
    (r) => `"${prompt}": ${r.cols} images in ${r.seconds.toFixed(2)} s (DPM-Solver++ ${s.steps}, guidance ${s.guidance})`);
}

/** The last digit grid (for the end-to-end tests and the console). */
export function lastDigitGrid(): Extract<Reply, { type: 'digits' }> | null {
  return lastDigits;
}

export function initDiffusion(view: URLSearchParams | null): void {
  const guidance = $<HTMLInputElement>('digit-guidance');
  guidance.oninput = () => { $('digit-guidance-value').textContent = guidance.value; };
  $<HTMLButtonElement>('digit-draw').onclick = () => void drawDigits();
  $<HTMLButtonElement>('digit-draw-prompt').onclick = () => void drawPrompt();
  const scheduler = $<HTMLSelectElement>('diff-scheduler');
  scheduler.onchange = () => { $<HTMLInputElement>('diff-sample-steps').value = String(STEPS[scheduler.value as SampleSettings['scheduler']]); };
  $<HTMLButtonElement>('diff-train').onclick = () => void train();
  $<HTMLButtonElement>('diff-sample').onclick = () => void sample();
  if (view?.has('dataset')) $<HTMLSelectElement>('diff-dataset').value = view.get('dataset')!;
  if (view?.has('steps')) $<HTMLInputElement>('diff-steps').value = view.get('steps')!;
  if (view?.has('seed')) $<HTMLInputElement>('diff-seed').value = view.get('seed')!;
}

/** The last sampler run as the page shows it (for the end-to-end tests and the console). */
export function lastSamples(): Extract<Reply, { type: 'diffusion-sampled' }> | null {
  return last;
}
