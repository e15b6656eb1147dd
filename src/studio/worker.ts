/**
 * The studio's Web Worker: every model call of the page runs here, through the library's public
 * API (the registry's fitModel, backtest, the fan chart), so the page never freezes and holds no
 * model logic. The tensor engine runs on WebAssembly, its files served under /wasm/.
 */
import { ArdiffError, DataError } from '../core/errors.js';
import { applyTransform, inverseTransform, numericColumn, parseCsv, parseDecimal, type Table } from '../core/series.js';
import { modelsOf, fitModel } from '../registry.js';
import { backtestMulti, multiBacktestModelOptions } from '../backtest-multi.js';
import { multiFanChartSvg } from '../charts/multi-charts.js';
import type { MultiForecaster } from '../core/model.js';
import { backtest, backtestModelOptions } from '../backtest.js';
import { fanChartSvg } from '../charts/fan-chart.js';
import type { Forecaster } from '../core/model.js';
import type { DiffusionModel } from '../diffusion/model.js';
import type { GPT } from '../neural/gpt.js';
import type { TextToImage } from '../hybrid/text-to-image.js';
import { createRng } from '../core/rng.js';
import type { BacktestRow, DigitSettings, MultiBacktestRow, MultiFitSettings, MultiModelResult, PromptSettings, DiffusionSettings, FitSettings, GenerateSettings, GPTSettings, ModelInfo, ModelResult, Reply, Request, SampleSettings, StudioError } from './protocol.js';

interface WorkerScope {
  onmessage: ((e: { data: Request }) => void) | null;
  postMessage(message: Reply): void;
}
const scope = self as unknown as WorkerScope;

/** The columns a series may come from (a 'time' column is the x axis, not a series). */
function seriesColumns(table: Table): string[] {
  return table.columns.filter((c) => c.toLowerCase() !== 'time');
}

/** A column of numbers without gaps (a typed error naming the cell otherwise). */
function column(table: Table, name: string, argument: string): Float64Array {
  const y = numericColumn(table, name, argument);
  const gap = y.findIndex((v) => Number.isNaN(v));
  if (gap >= 0) throw new DataError(`${table.source}: column '${name}' is missing a value in row ${gap + 1}; fill the gap or choose another column`, argument);
  return y;
}

let engine: Promise<unknown> | undefined;
/** The tensor engine on WebAssembly, started once (before the first neural model). */
function startEngine(): Promise<unknown> {
  engine ??= import('../neural/engine/init.js').then(({ initEngine }) => initEngine({ backend: 'wasm', wasmPaths: new URL('/wasm/', self.location.href).href }));
  return engine;
}

async function fit(id: number, table: Table, s: FitSettings): Promise<Reply> {
  const raw = column(table, s.column, 'column');
  const y = s.transform === 'log' ? applyTransform(raw, 'log', 'transform') : raw;
  const tj = table.columns.findIndex((c) => c.toLowerCase() === 'time');
  const times = tj >= 0 ? table.rows.map((r) => parseDecimal(r[tj])) : [];
  const time = times.length > 0 && times.every(Number.isFinite) ? times : Array.from(raw, (_, i) => i + 1);
  const step = time.length > 1 ? time[1] - time[0] : 1;
  const known = new Map(modelsOf('series').map((m) => [m.name, m]));
  if (s.models.length === 0) throw new DataError('choose at least one model', 'models');
  const back = (v: number) => inverseTransform(v, s.transform);
  const results: ModelResult[] = [];
  for (const [k, name] of s.models.entries()) {
    const entry = known.get(name);
    if (!entry) throw new DataError(`unknown model '${name}'`, 'models');
    if (entry.prepare) await startEngine();
    scope.postMessage({ type: 'progress', id, stage: 'fit', model: name, done: k, total: s.models.length });
    const t0 = performance.now();
    const model = (await fitModel(name, y, { ...backtestModelOptions(name, { seasonalPeriod: s.period, seed: s.seed, ...(s.epochs === null ? {} : { epochs: s.epochs }) }) })) as Forecaster;
    const fc = model.forecast(s.horizon);
    const i80 = fc.interval(80), i95 = fc.interval(95);
    const r: ModelResult = {
      model: name, summary: model.summary(), seconds: (performance.now() - t0) / 1000,
      mean: Array.from(fc.mean(), back), lo80: Array.from(i80.lower, back), hi80: Array.from(i80.upper, back), lo95: Array.from(i95.lower, back), hi95: Array.from(i95.upper, back), svg: '',
    };
    const last = time[time.length - 1];
    r.svg = await fanChartSvg({
      title: `${s.column}: ${name}${s.transform === 'log' ? ' (fitted on log scale)' : ''}, 80% and 95% intervals`, yLabel: s.column,
      history: Array.from(raw, (v, i) => ({ t: time[i], y: v })),
      forecast: r.mean.map((m, i) => ({ t: last + (i + 1) * step, mean: m, lo80: r.lo80[i], hi80: r.hi80[i], lo95: r.lo95[i], hi95: r.hi95[i] })),
    });
    results.push(r);
    // Models on the tensor engine (LSTM, GRU) hold tensors; the page keeps only the numbers.
    (model as { dispose?: () => void }).dispose?.();
  }
  const bt = await backtest(raw, {
    models: s.models, horizon: s.horizon, seasonalPeriod: s.period, transform: s.transform, seed: s.seed, ...(s.epochs === null ? {} : { epochs: s.epochs }),
    onModel: (p) => scope.postMessage({ type: 'progress', id, stage: 'backtest', model: p.model, done: p.done, total: p.total }),
  });
  const rows: BacktestRow[] = bt.results.map((b) => ({ model: b.model, mase: b.mase, smape: b.smape, crps: b.crps, cover80: b.coverage80, cover95: b.coverage95, seconds: b.seconds }));
  return { type: 'result', id, column: s.column, n: raw.length, time, history: Array.from(raw), results, backtest: rows, backtestTable: '' };
}

/** The models the page has trained or loaded, one of each kind at a time. */
const held: { diffusion: DiffusionModel | null; gpt: GPT | null; digits: DiffusionModel | null; text2image: TextToImage | null } = { diffusion: null, gpt: null, digits: null, text2image: null };

/** Progress of a training run: about a hundred loss reports whatever the number of steps. */
function lossReporter(id: number, steps: number): (info: { step: number; loss: number }) => void {
  const every = Math.max(1, Math.floor(steps / 100));
  return ({ step, loss }) => { if (step % every === 0 || step === steps) scope.postMessage({ type: 'loss', id, step, steps, loss }); };
}

async function trainDiffusion(id: number, s: DiffusionSettings): Promise<Reply> {
  await startEngine();
  const [{ fitDiffusion }, { toyData }] = await Promise.all([import('../diffusion/model.js'), import('../diffusion/data/toy-data.js')]);
  const data = toyData(s.dataset, 2000, createRng(s.seed));
  const t0 = performance.now();
  const losses: number[] = [];
  const report = lossReporter(id, s.steps);
  const model = fitDiffusion(data, 2, { steps: s.steps, seed: s.seed, onStep: (i) => { losses.push(i.loss); report(i); } });
  held.diffusion?.dispose();
  held.diffusion = model;
  return { type: 'diffusion-trained', id, data: Array.from(data), losses, seconds: (performance.now() - t0) / 1000 };
}

function sampleDiffusion(id: number, s: SampleSettings): Reply {
  const model = held.diffusion;
  if (!model) throw new DataError('train a model first', 'model');
  const t0 = performance.now();
  const r = model.sample(s.n, { scheduler: s.scheduler, steps: s.steps, rng: createRng(s.seed), trajectory: true });
  const seconds = (performance.now() - t0) / 1000;
  // About sixty frames of the reverse process for the animation, the last one the samples.
  const traj = r.trajectory ?? [];
  const every = Math.max(1, Math.ceil(traj.length / 60));
  const keep = traj.map((_, i) => i).filter((i) => i % every === 0 || i === traj.length - 1);
  return { type: 'diffusion-sampled', id, samples: Array.from(r.samples), frames: keep.map((i) => Array.from(traj[i])), timesteps: keep, seconds };
}

async function trainTinyGPT(id: number, s: GPTSettings): Promise<Reply> {
  await startEngine();
  const { trainGPT } = await import('../neural/gpt.js');
  const t0 = performance.now();
  const losses: number[] = [];
  const report = lossReporter(id, s.steps);
  const model = trainGPT(s.text, { preset: 'tiny', steps: s.steps, seed: s.seed, onStep: (i) => { losses.push(i.loss); report(i); } });
  held.gpt?.dispose();
  held.gpt = model;
  const c = model.config;
  return { type: 'gpt-ready', id, description: `GPT trained here: ${c.nLayer} layer, width ${c.dModel}, context ${c.blockSize}, ${model.tokenizer.vocabSize} characters`, losses, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A model file restored (the engine started first) and kept only if `accept` takes it; otherwise
 * its tensors are freed and a DataError says what was expected.
 */
async function restoreModel<T extends { kind: string }>(json: unknown, accept: (m: { kind: string }) => boolean, expected: string): Promise<T> {
  await startEngine();
  const { loadModel } = await import('../generative.js');
  const model = await loadModel(json) as { kind: string; dispose?: () => void };
  if (!accept(model)) {
    model.dispose?.();
    throw new DataError(`${expected}, got a '${model.kind}' model`, 'model');
  }
  return model as unknown as T;
}

/** The reply that asks the page for a bundled model file (sent once, on the first request). */
function needsModel(id: number): Reply {
  return { type: 'digits', id, images: [], size: 0, rows: 0, cols: 0, seconds: 0, needsModel: true };
}

async function loadGPT(id: number, json: unknown, source: string): Promise<Reply> {
  const kind = (json as { kind?: unknown } | null)?.kind;
  if (kind !== 'gpt') throw new DataError(`${source} holds ${typeof kind === 'string' ? `a '${kind}' model` : 'no model (no kind)'}; the text tab takes a GPT (ardiff train gpt)`, 'model');
  const model = await restoreModel<GPT>(json, (m) => m.kind === 'gpt', 'the text tab takes a GPT (ardiff train gpt)');
  held.gpt?.dispose();
  held.gpt = model;
  const c = held.gpt.config;
  return { type: 'gpt-ready', id, description: `${source}: GPT of ${c.nLayer} layer${c.nLayer === 1 ? '' : 's'}, width ${c.dModel}, context ${c.blockSize}, ${held.gpt.tokenizer.vocabSize} characters`, losses: [], seconds: 0 };
}

function generate(id: number, s: GenerateSettings): Reply {
  if (!held.gpt) throw new DataError('train or load a GPT first', 'model');
  const t0 = performance.now();
  const text = held.gpt.generate(s.prompt, { tokens: s.tokens, temperature: s.temperature, rng: createRng(s.seed), ...(s.topK === null ? {} : { topK: s.topK }), ...(s.topP === null ? {} : { topP: s.topP }) });
  return { type: 'generated', id, text, seconds: (performance.now() - t0) / 1000 };
}

/** A grid of digits (rows of 14×14 grey levels) drawn by the bundled class-conditional U-Net. */
async function digits(id: number, s: DigitSettings): Promise<Reply> {
  if (!held.digits) {
    if (s.model === undefined) return needsModel(id);
    held.digits = await restoreModel<DiffusionModel>(s.model, (m) => m.kind === 'diffusion' && (m as DiffusionModel).conditional && (m as DiffusionModel).extras.image !== undefined,
      'the digits model must be a class-conditional image diffusion model');
  }
  const m = held.digits, image = m.extras.image!;
  const classes = s.digit === null ? Array.from({ length: m.classNames.length }, (_, c) => c) : [s.digit];
  const t0 = performance.now();
  const images: number[] = [];
  for (const c of classes) {
    const r = m.sample(s.perClass, { classLabel: c, guidance: s.guidance, scheduler: 'dpm++', steps: s.steps, rng: createRng(s.seed + c) });
    for (const v of r.samples) images.push(Math.min(1, Math.max(0, v)));
  }
  return { type: 'digits', id, images, size: image.height, rows: classes.length, cols: s.perClass, seconds: (performance.now() - t0) / 1000, needsModel: false };
}

/** Images for a caption drawn by the bundled text → image model (rows of grey levels in [0, 1]). */
async function fromPrompt(id: number, s: PromptSettings): Promise<Reply> {
  if (!held.text2image) {
    if (s.model === undefined) return needsModel(id);
    held.text2image = await restoreModel<TextToImage>(s.model, (m) => m.kind === 'text-to-image', 'the caption box needs a text-to-image model');
  }
  const m = held.text2image, size = m.model.extras.image?.height ?? Math.round(Math.sqrt(m.model.columns.length));
  const t0 = performance.now();
  const samples = m.sample(s.prompt, s.n, { rng: createRng(s.seed), guidance: s.guidance, scheduler: 'dpm++', steps: s.steps });
  return { type: 'digits', id, images: Array.from(samples, (v) => Math.min(1, Math.max(0, v))), size, rows: 1, cols: s.n, seconds: (performance.now() - t0) / 1000, needsModel: false };
}

/** Several columns fitted jointly by each model, forecast, drawn one panel per series, backtested. */
async function fitMulti(id: number, table: Table, s: MultiFitSettings): Promise<Reply> {
  if (s.columns.length < 2) throw new DataError('choose at least two columns to model jointly', 'columns');
  if (s.models.length === 0) throw new DataError('choose at least one model of several series', 'models');
  const data = { names: s.columns, columns: s.columns.map((c) => column(table, c, 'columns')) };
  const known = new Map(modelsOf('multiseries').map((m) => [m.name, m]));
  const settings = { seasonalPeriod: s.period, seed: s.seed, ...(s.epochs === null ? {} : { epochs: s.epochs }) };
  const results: MultiModelResult[] = [];
  for (const [k, name] of s.models.entries()) {
    const entry = known.get(name);
    if (!entry) throw new DataError(`unknown model of several series '${name}'`, 'models');
    if (entry.prepare) await startEngine();
    scope.postMessage({ type: 'progress', id, stage: 'fit', model: name, done: k, total: s.models.length });
    const t0 = performance.now();
    const model = (await fitModel(name, data, multiBacktestModelOptions(name, settings))) as MultiForecaster;
    const fc = model.forecast(s.horizon);
    const i80 = fc.interval(80);
    const tail = Math.min(data.columns[0].length, 4 * s.horizon + 24);
    const svg = await multiFanChartSvg({ title: `${name}: ${s.columns.join(', ')}, 80% and 95% intervals`, history: data.columns.map((c) => c.subarray(c.length - tail)), start: data.columns[0].length - tail + 1, forecast: fc });
    results.push({ model: name, summary: model.summary(), names: [...fc.names], mean: fc.mean().map((r) => Array.from(r)), lo80: i80.lower.map((r) => Array.from(r)), hi80: i80.upper.map((r) => Array.from(r)), svg, seconds: (performance.now() - t0) / 1000 });
    (model as { dispose?: () => void }).dispose?.();
  }
  const bt = await backtestMulti(data, { models: s.models, horizon: s.horizon, seasonalPeriod: s.period, seed: s.seed, ...(s.epochs === null ? {} : { epochs: s.epochs }), onModel: (p) => scope.postMessage({ type: 'progress', id, stage: 'backtest', model: p.model, done: p.done, total: p.total }) });
  const rows: MultiBacktestRow[] = bt.results.map((r) => ({ model: r.model, crpsSum: r.crpsSum, wql: r.wql, energy: r.energy, cover80: r.coverage80, cover90: r.coverage90, seconds: r.fitSeconds + r.forecastSeconds }));
  return { type: 'result-multi', id, names: s.columns, n: data.columns[0].length, results, backtest: rows };
}

function errorOf(e: unknown): StudioError {
  if (e instanceof ArdiffError) return { type: e.name, argument: e.argument ?? null, message: e.message };
  return { type: 'Error', argument: null, message: e instanceof Error ? e.message : String(e) };
}

async function handle(req: Request): Promise<Reply> {
  switch (req.type) {
    case 'models': {
      const models: ModelInfo[] = [
        ...modelsOf('series').map((m) => ({ name: m.name, description: m.description, neural: m.prepare !== undefined, shape: 'series' as const })),
        ...modelsOf('multiseries').map((m) => ({ name: m.name, description: m.description, neural: m.prepare !== undefined, shape: 'multi' as const })),
      ];
      return { type: 'models', id: req.id, models };
    }
    case 'columns': {
      const table = parseCsv(req.csv, req.source, 'data');
      const columns = seriesColumns(table);
      if (columns.length === 0) throw new DataError(`${req.source} has only a time column; a series needs a column of numbers`, 'data');
      return { type: 'columns', id: req.id, columns, rows: table.rows.length };
    }
    case 'fit':
      return fit(req.id, parseCsv(req.csv, req.source, 'data'), req);
    case 'fit-multi':
      return fitMulti(req.id, parseCsv(req.csv, req.source, 'data'), req);
    case 'diffusion-train':
      return trainDiffusion(req.id, req);
    case 'diffusion-sample':
      return sampleDiffusion(req.id, req);
    case 'gpt-train':
      return trainTinyGPT(req.id, req);
    case 'gpt-load':
      return loadGPT(req.id, req.json, req.source);
    case 'gpt-generate':
      return generate(req.id, req);
    case 'digits':
      return digits(req.id, req);
    case 'prompt':
      return fromPrompt(req.id, req);
  }
}

scope.onmessage = (e) => {
  const req = e.data;
  handle(req).then((reply) => scope.postMessage(reply), (err: unknown) => scope.postMessage({ type: 'error', id: req.id, error: errorOf(err) }));
};
