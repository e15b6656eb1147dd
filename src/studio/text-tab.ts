/**
 * The text tab: a character GPT — trained here in seconds on the bundled Shakespeare, or a model
 * file of `ardiff train gpt` — generating from a prompt with temperature, top-k and top-p. The
 * worker trains, loads and samples through the library; this file only reads fields and shows text.
 */
import { $, ask, button, download, fetchText, lossSvg, numberField, pageError, saveView, showError } from './client.js';
import type { GenerateSettings, Reply, StudioError } from './protocol.js';

const error = (e: StudioError | null) => showError($('text-error'), e);
let last: { prompt: string; text: string } | null = null;

function ready(r: Extract<Reply, { type: 'gpt-ready' }>): void {
  $('text-model').textContent = r.description + (r.seconds ? ` (${r.seconds.toFixed(1)} s)` : '');
  $<HTMLButtonElement>('text-generate').disabled = false;
}

async function train(): Promise<void> {
  let steps: number, seed: number;
  try {
    steps = numberField('text-steps', 'training steps', 1, 5000);
    seed = numberField('text-seed', 'seed', 0, 2 ** 31);
  } catch (e) { error(pageError(e)); return; }
  const go = $<HTMLButtonElement>('text-train'), bar = $<HTMLProgressElement>('text-progress'), chart = $('text-loss');
  go.disabled = true;
  bar.hidden = false;
  $('text-model').textContent = 'reading the bundled Shakespeare…';
  const losses: number[] = [];
  let r: Reply;
  try {
    const text = await fetchText('data/text/tinyshakespeare.txt', 'text');
    r = await ask({ type: 'gpt-train', text, steps, seed }, (p) => {
      if (p.type !== 'loss') return;
      losses.push(p.loss);
      bar.value = p.step / p.steps;
      $('text-model').textContent = `training: step ${p.step} of ${p.steps}, loss ${p.loss.toFixed(3)} nats/char`;
      chart.innerHTML = lossSvg(losses);
    });
  } catch (e) {
    $('text-model').textContent = '';
    error(pageError(e, 'DataError'));
    return;
  } finally {
    go.disabled = false;
    bar.hidden = true;
  }
  if (r.type === 'error') { error(r.error); return; }
  if (r.type !== 'gpt-ready') return;
  error(null);
  chart.innerHTML = lossSvg(r.losses);
  ready(r);
}

async function load(file: File): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch (e) {
    error({ type: 'DataError', argument: 'model', message: `${file.name} is not JSON (${(e as Error).message}); give a model file written by ardiff train gpt` });
    return;
  }
  const r = await ask({ type: 'gpt-load', json, source: file.name });
  if (r.type === 'error') { error(r.error); return; }
  if (r.type !== 'gpt-ready') return;
  error(null);
  ready(r);
}

function settings(): GenerateSettings {
  const optional = (id: string, label: string, min: number, max: number, integer: boolean) => ($<HTMLInputElement>(id).value.trim() === '' ? null : numberField(id, label, min, max, integer));
  return {
    prompt: $<HTMLTextAreaElement>('text-prompt').value,
    tokens: numberField('text-tokens', 'characters', 1, 5000), temperature: numberField('text-temperature', 'temperature', 0.01, 10, false),
    topK: optional('text-topk', 'top-k', 1, 100_000, true), topP: optional('text-topp', 'top-p', 0.01, 1, false), seed: numberField('text-seed', 'seed', 0, 2 ** 31),
  };
}

async function generate(): Promise<void> {
  let s: GenerateSettings;
  try { s = settings(); } catch (e) { error(pageError(e)); return; }
  saveView('text', { prompt: s.prompt, tokens: String(s.tokens), temperature: String(s.temperature), ...(s.topK === null ? {} : { topk: String(s.topK) }), ...(s.topP === null ? {} : { topp: String(s.topP) }), seed: String(s.seed) });
  const go = $<HTMLButtonElement>('text-generate');
  go.disabled = true;
  const r = await ask({ type: 'gpt-generate', ...s });
  go.disabled = false;
  if (r.type === 'error') { error(r.error); return; }
  if (r.type !== 'generated') return;
  error(null);
  last = { prompt: s.prompt, text: r.text };
  const out = $('text-output');
  out.replaceChildren(Object.assign(document.createElement('b'), { textContent: s.prompt }), r.text);
  $('text-actions').replaceChildren(
    button('Text (TXT)', () => download('generated.txt', 'text/plain', s.prompt + r.text)),
    button('With settings (JSON)', () => download('generated.json', 'application/json', JSON.stringify({ ...s, text: r.text }, null, 1))),
  );
}

export function initText(view: URLSearchParams | null): void {
  $<HTMLButtonElement>('text-train').onclick = () => void train();
  $<HTMLButtonElement>('text-generate').onclick = () => void generate();
  $<HTMLInputElement>('text-file').onchange = (e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void load(f); };
  const fields: [string, string][] = [['prompt', 'text-prompt'], ['tokens', 'text-tokens'], ['temperature', 'text-temperature'], ['topk', 'text-topk'], ['topp', 'text-topp'], ['seed', 'text-seed']];
  for (const [key, id] of fields) if (view?.has(key)) $<HTMLInputElement>(id).value = view.get(key)!;
}

/** The last generated text (for the end-to-end tests and the console). */
export function lastText(): { prompt: string; text: string } | null {
  return last;
}
