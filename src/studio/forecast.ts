/**
 * The forecast tab: data in (a bundled data set or a CSV file), settings, and the worker's results
 * drawn — fan charts, summaries, the backtest table — with exports and the view in the URL. No
 * model logic here: every computation is a message to worker.ts, which calls the library.
 */
import { $, ask, button, download, fetchText, numberField, pageError, saveView, showError, type WithoutId } from './client.js';
import type { BacktestRow, FitSettings, ModelInfo, ModelResult, MultiFitSettings, MultiModelResult, Reply, Request, StudioError } from './protocol.js';

interface Dataset {
  name: string;
  file: string;
  column: string;
  frequency: number;
  description: string;
}

// ---- state: the data in use and the view in the URL ----------------------------------------

let data: { csv: string; source: string; dataset: string | null } | null = null;
let datasets: Dataset[] = [];
let last: Extract<Reply, { type: 'result' }> | null = null;

const error = (e: StudioError | null) => showError($('forecast-error'), e);

function settings(): FitSettings {
  const models = [...document.querySelectorAll<HTMLInputElement>('#models input:checked')].map((i) => i.value);
  return {
    column: $<HTMLSelectElement>('column').value, models,
    horizon: numberField('horizon', 'horizon', 1, 10_000), period: numberField('period', 'seasonal period', 1, 10_000),
    transform: $<HTMLSelectElement>('transform').value === 'log' ? 'log' : 'none', seed: 0, epochs: epochsField(),
  };
}

/** The epochs field: empty for each neural model's default. */
function epochsField(): number | null {
  return $<HTMLInputElement>('epochs').value.trim() === '' ? null : numberField('epochs', 'epochs', 1, 10_000);
}

/** The view as URL parameters (data set, column, horizon, period, transform, models). */
function saveForecastView(s: FitSettings): void {
  saveView('forecast', { ...(data?.dataset ? { data: data.dataset } : {}), column: s.column, h: String(s.horizon), period: String(s.period), transform: s.transform, models: s.models.join(',') });
}

// ---- data -------------------------------------------------------------------------------------

/** Loads are numbered: a reply for an older load (the user picked again meanwhile) is dropped. */
let loadSeq = 0;

async function useData(csv: string, source: string, dataset: string | null, seq: number, column?: string): Promise<boolean> {
  const r = await ask({ type: 'columns', csv, source });
  if (seq !== loadSeq) return false;
  if (r.type === 'error') { error(r.error); return false; }
  if (r.type !== 'columns') return false;
  data = { csv, source, dataset };
  const select = $<HTMLSelectElement>('column');
  select.replaceChildren(...r.columns.map((c) => new Option(c, c)));
  $<HTMLSelectElement>('columns-multi').replaceChildren(...r.columns.map((c) => new Option(c, c)));
  if (column && r.columns.includes(column)) select.value = column;
  $('data-info').textContent = `${source}: ${r.rows} rows, columns ${r.columns.join(', ')}`;
  error(null);
  return true;
}

async function loadDataset(name: string, column?: string): Promise<boolean> {
  const seq = ++loadSeq;
  const ds = datasets.find((d) => d.name === name);
  if (!ds) { error({ type: 'DataError', argument: 'data', message: `no bundled data set '${name}'` }); return false; }
  let csv: string;
  try {
    csv = await fetchText(`data/${ds.file}`, 'data');
  } catch (e) {
    if (seq === loadSeq) error(pageError(e, 'DataError'));
    return false;
  }
  if (seq !== loadSeq) return false;
  const ok = await useData(csv, ds.name, ds.name, seq, column ?? (ds.column || undefined));
  if (ok && !column) $<HTMLInputElement>('period').value = String(ds.frequency);
  return ok;
}

async function loadFile(file: File): Promise<void> {
  const seq = ++loadSeq;
  $<HTMLSelectElement>('dataset').value = '';
  await useData(await file.text(), file.name, null, seq);
}

// ---- results ----------------------------------------------------------------------------------

const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** The SVG drawn on a canvas at twice its size, as a PNG. */
async function svgToPng(svg: string): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  await new Promise<void>((resolve, reject) => { img.onload = () => resolve(); img.onerror = () => reject(new Error('the chart could not be drawn')); img.src = url; });
  const canvas = document.createElement('canvas');
  canvas.width = img.width * 2;
  canvas.height = img.height * 2;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(url);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
}

function forecastCsv(r: Extract<Reply, { type: 'result' }>): string {
  const lines = ['model,step,mean,lo80,hi80,lo95,hi95'];
  for (const m of r.results) m.mean.forEach((v, i) => lines.push([m.model, i + 1, v, m.lo80[i], m.hi80[i], m.lo95[i], m.hi95[i]].join(',')));
  return `${lines.join('\n')}\n`;
}

/**
 * A model's card: title, chart, SVG/PNG (and any further) exports, and a fold with its summary
 * (and any further details).
 */
function card(m: { model: string; seconds: number; svg: string; summary: string }, className: string, foldLabel: string, extraDetails: HTMLElement[], extraActions: HTMLButtonElement[]): HTMLElement {
  const article = document.createElement('article');
  article.className = className;
  article.dataset.model = m.model;
  const h = document.createElement('h3');
  h.textContent = `${m.model} (${m.seconds.toFixed(2)} s)`;
  const chart = document.createElement('div');
  chart.className = 'chart';
  chart.innerHTML = m.svg;
  const summary = Object.assign(document.createElement('pre'), { className: 'summary', textContent: m.summary });
  const details = document.createElement('details');
  details.append(Object.assign(document.createElement('summary'), { textContent: foldLabel }), summary, ...extraDetails);
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(
    button('SVG', () => download(`${m.model}.svg`, 'image/svg+xml', m.svg)),
    button('PNG', () => { svgToPng(m.svg).then((b) => download(`${m.model}.png`, 'image/png', b), (e: Error) => error({ type: 'Error', argument: null, message: e.message })); }),
    ...extraActions,
  );
  article.append(h, chart, actions, details);
  return article;
}

function modelCard(m: ModelResult): HTMLElement {
  const table = document.createElement('table');
  table.className = 'forecast';
  table.innerHTML = '<thead><tr><th>step</th><th>mean</th><th>lo 80</th><th>hi 80</th><th>lo 95</th><th>hi 95</th></tr></thead>';
  const body = table.createTBody();
  m.mean.forEach((v, i) => {
    const row = body.insertRow();
    row.dataset.mean = String(v);
    for (const c of [String(i + 1), fmt(v), fmt(m.lo80[i]), fmt(m.hi80[i]), fmt(m.lo95[i]), fmt(m.hi95[i])]) row.insertCell().textContent = c;
  });
  return card(m, 'model', 'summary and forecast table', [table], []);
}

function backtestTable(rows: BacktestRow[], horizon: number): HTMLElement {
  const wrap = document.createElement('section');
  wrap.innerHTML = `<h2>Backtest: the last ${horizon} points held out</h2>`;
  const table = document.createElement('table');
  table.id = 'backtest';
  table.innerHTML = '<thead><tr><th>model</th><th>MASE</th><th>sMAPE</th><th>CRPS</th><th>cover 80</th><th>cover 95</th><th>seconds</th></tr></thead>';
  const body = table.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    row.dataset.model = r.model;
    row.dataset.mase = String(r.mase);
    for (const c of [r.model, fmt(r.mase), fmt(r.smape, 2), fmt(r.crps), fmt(r.cover80, 2), fmt(r.cover95, 2), fmt(r.seconds, 2)]) row.insertCell().textContent = c;
  }
  wrap.append(table);
  return wrap;
}

function render(r: Extract<Reply, { type: 'result' }>, horizon: number): void {
  const out = $('results');
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(
    button('Forecasts (CSV)', () => download('forecasts.csv', 'text/csv', forecastCsv(r))),
    button('Results (JSON)', () => download('results.json', 'application/json', JSON.stringify({ column: r.column, n: r.n, results: r.results.map(({ svg: _s, ...rest }) => rest), backtest: r.backtest }, null, 1))),
    button('Backtest (CSV)', () => download('backtest.csv', 'text/csv', ['model,mase,smape,crps,cover80,cover95,seconds', ...r.backtest.map((b) => [b.model, b.mase, b.smape, b.crps, b.cover80, b.cover95, b.seconds].join(','))].join('\n') + '\n')),
  );
  out.replaceChildren(actions, ...r.results.map(modelCard), backtestTable(r.backtest, horizon));
  out.dataset.ready = 'true';
}

// ---- actions ----------------------------------------------------------------------------------

/**
 * Sends a fit request with its button disabled and the progress bar following the worker (each
 * model fitted, then backtested); resolves with the reply, an error reply included.
 */
async function fitWithProgress(req: WithoutId<Extract<Request, { type: 'fit' | 'fit-multi' }>>, buttonId: string, models: number, how: string): Promise<Reply> {
  const bar = $<HTMLProgressElement>('progress'), status = $('status'), go = $<HTMLButtonElement>(buttonId);
  bar.hidden = false;
  bar.value = 0;
  go.disabled = true;
  status.textContent = 'starting…';
  try {
    return await ask(req, (p) => {
      if (p.type !== 'progress') return;
      bar.value = (p.stage === 'fit' ? p.done : models + p.done) / Math.max(1, 2 * models);
      status.textContent = p.stage === 'fit' ? `fitting ${p.model}${how} (${p.done + 1} of ${p.total})` : `backtest: ${p.model} done (${p.done} of ${p.total})`;
    });
  } finally {
    go.disabled = false;
    bar.hidden = true;
  }
}

async function runFit(): Promise<void> {
  if (!data) { error({ type: 'DataError', argument: 'data', message: 'choose a data set or drop a CSV file first' }); return; }
  let s: FitSettings;
  try {
    s = settings();
  } catch (e) {
    error(pageError(e));
    return;
  }
  saveForecastView(s);
  const started = performance.now();
  const status = $('status');
  const r = await fitWithProgress({ type: 'fit', csv: data.csv, source: data.source, ...s }, 'fit', s.models.length, '');
  if (r.type === 'error') { status.textContent = ''; error(r.error); return; }
  if (r.type !== 'result') return;
  error(null);
  last = r;
  status.textContent = `done in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  render(r, s.horizon);
}

/** Sets up the forecast tab; with `view` (the URL's parameters for this tab) restores it, fit included. */
export async function initForecast(view: URLSearchParams | null): Promise<void> {
  let list: { datasets: Dataset[]; default: string };
  let models: Reply;
  try {
    [list, models] = await Promise.all([fetchText('api/datasets', 'data').then((t) => JSON.parse(t) as { datasets: Dataset[]; default: string }), ask({ type: 'models' })]);
  } catch (e) {
    error(pageError(e, 'DataError'));
    return;
  }
  datasets = list.datasets;
  const select = $<HTMLSelectElement>('dataset');
  select.replaceChildren(new Option('— choose —', ''), ...datasets.map((d) => new Option(`${d.name}: ${d.description}`, d.name)));
  if (models.type === 'models') {
    const box = (m: ModelInfo) => {
      const label = document.createElement('label');
      label.title = m.description;
      label.append(Object.assign(document.createElement('input'), { type: 'checkbox', value: m.name }), ` ${m.name}${m.neural ? ' (trains)' : ''}`);
      return label;
    };
    $('models').append(...models.models.filter((m) => m.shape === 'series').map(box));
    $('models-multi').append(...models.models.filter((m) => m.shape === 'multi').map(box));
  }
  select.onchange = () => { if (select.value) void loadDataset(select.value); };
  $<HTMLInputElement>('file').onchange = (e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void loadFile(f); };
  const drop = $('drop');
  drop.ondragover = (e) => { e.preventDefault(); drop.classList.add('over'); };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove('over'); const f = e.dataTransfer?.files[0]; if (f) void loadFile(f); };
  $<HTMLButtonElement>('fit').onclick = () => void runFit();
  $<HTMLButtonElement>('fit-multi').onclick = () => void runFitMulti();
  // A link reproduces a view: the data set, the settings, and (with models) the fit itself.
  const q = view ?? new URLSearchParams();
  const chosen = q.get('data') ?? list.default;
  select.value = chosen;
  const loaded = await loadDataset(chosen, q.get('column') ?? undefined);
  if (q.has('h')) $<HTMLInputElement>('horizon').value = q.get('h')!;
  if (q.has('period')) $<HTMLInputElement>('period').value = q.get('period')!;
  if (q.has('transform')) $<HTMLSelectElement>('transform').value = q.get('transform')!;
  const wanted = (q.get('models') ?? 'auto-arima,naive').split(',');
  for (const box of document.querySelectorAll<HTMLInputElement>('#models input')) box.checked = wanted.includes(box.value);
  if (loaded && q.has('models')) await runFit();
}

// ---- several series jointly ---------------------------------------------------------------------

let lastMulti: Extract<Reply, { type: 'result-multi' }> | null = null;

function multiCard(m: MultiModelResult): HTMLElement {
  const csv = () => `step,${m.names.flatMap((n) => [n, `${n} lo80`, `${n} hi80`]).join(',')}\n${m.mean.map((row, i) => [i + 1, ...row.flatMap((v, d) => [v, m.lo80[i][d], m.hi80[i][d]])].join(',')).join('\n')}\n`;
  return card(m, 'model multi', 'summary', [], [button('Forecasts (CSV)', () => download(`${m.model}-forecasts.csv`, 'text/csv', csv()))]);
}

async function runFitMulti(): Promise<void> {
  if (!data) { error({ type: 'DataError', argument: 'data', message: 'choose a data set or drop a CSV file first' }); return; }
  let s: MultiFitSettings;
  try {
    s = {
      columns: [...$<HTMLSelectElement>('columns-multi').selectedOptions].map((o) => o.value),
      models: [...document.querySelectorAll<HTMLInputElement>('#models-multi input:checked')].map((i) => i.value),
      horizon: numberField('horizon', 'horizon', 1, 10_000), period: numberField('period', 'seasonal period', 1, 10_000), seed: 0, epochs: epochsField(),
    };
  } catch (e) {
    error(pageError(e));
    return;
  }
  const status = $('status');
  const r = await fitWithProgress({ type: 'fit-multi', csv: data.csv, source: data.source, ...s }, 'fit-multi', s.models.length, ' jointly');
  if (r.type === 'error') { status.textContent = ''; error(r.error); return; }
  if (r.type !== 'result-multi') return;
  error(null);
  lastMulti = r;
  status.textContent = `${s.columns.length} series fitted jointly`;
  const table = document.createElement('table');
  table.id = 'backtest-multi';
  table.innerHTML = '<thead><tr><th>model</th><th>CRPS sum</th><th>wQL</th><th>energy</th><th>cover 80</th><th>cover 90</th><th>seconds</th></tr></thead>';
  const body = table.createTBody();
  for (const b of r.backtest) {
    const row = body.insertRow();
    row.dataset.model = b.model;
    for (const c of [b.model, fmt(b.crpsSum), fmt(b.wql, 4), fmt(b.energy), fmt(b.cover80, 2), fmt(b.cover90, 2), fmt(b.seconds, 2)]) row.insertCell().textContent = c;
  }
  const wrap = document.createElement('section');
  wrap.innerHTML = `<h2>Joint backtest: the last ${s.horizon} rows held out</h2>`;
  wrap.append(table);
  const out = $('results-multi');
  out.replaceChildren(...r.results.map(multiCard), wrap);
  out.dataset.ready = 'true';
}

/** The last joint result (for the end-to-end tests and the console). */
export function lastMultiForecast(): Extract<Reply, { type: 'result-multi' }> | null {
  return lastMulti;
}

/** The last forecast result as the page shows it (for the end-to-end tests and the console). */
export function lastForecast(): Extract<Reply, { type: 'result' }> | null {
  return last;
}
