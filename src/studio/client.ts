/**
 * What the studio's tabs share: the Web Worker that runs the library, numbered requests and their
 * replies, element lookup, error boxes, downloads and the view in the URL.
 */
import type { Reply, Request, StudioError } from './protocol.js';

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
type Progress = Extract<Reply, { type: 'progress' | 'loss' }>;
const pending = new Map<number, { resolve: (r: Reply) => void; onProgress?: (r: Progress) => void }>();

// A worker that fails to load or dies answers every open request with an error, not silence.
worker.onerror = (e: ErrorEvent) => {
  e.preventDefault();
  for (const [id, p] of pending) p.resolve({ type: 'error', id, error: { type: 'Error', argument: null, message: `the page's worker failed (${e.message || 'it could not be loaded'}); reload the page` } });
  pending.clear();
};

worker.onmessage = (e: MessageEvent<Reply>) => {
  const r = e.data, p = pending.get(r.id);
  if (!p) return;
  if (r.type === 'progress' || r.type === 'loss') { p.onProgress?.(r); return; }
  pending.delete(r.id);
  p.resolve(r);
};

/** A request before it is numbered (Omit over each member of the union). */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Sends a request to the worker; resolves with its reply (an error reply included). */
export function ask(req: WithoutId<Request>, onProgress?: (r: Progress) => void): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, { resolve, ...(onProgress ? { onProgress } : {}) });
    worker.postMessage({ ...req, id } as Request);
  });
}

/** The body of a file the server serves, or a typed error naming `what` (a stopped server, a missing file). */
export async function fetchText(url: string, what: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw Object.assign(new Error(`cannot reach the studio server for ${what} (${(e as Error).message}); is ardiff studio still running?`), { argument: what });
  }
  if (!res.ok) throw Object.assign(new Error(`the studio server could not serve ${what} (HTTP ${res.status}: ${(await res.text()).slice(0, 200)})`), { argument: what });
  return res.text();
}

/** Shows a typed error in a tab's error box (null hides it); nothing else on the page changes. */
export function showError(box: HTMLElement, error: StudioError | null): void {
  box.hidden = error === null;
  box.textContent = error ? `${error.type}${error.argument ? ` (${error.argument})` : ''}: ${error.message}` : '';
  box.dataset.type = error?.type ?? '';
  box.dataset.argument = error?.argument ?? '';
}

export function download(name: string, type: string, body: BlobPart): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([body], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.onclick = onClick;
  return b;
}

/** The view's URL parameters (after #). */
export function viewParams(): URLSearchParams {
  return new URLSearchParams(location.hash.slice(1));
}

/** Replaces the view's URL parameters with the tab's own (the tab named first). */
export function saveView(tab: string, params: Record<string, string>): void {
  const q = new URLSearchParams({ tab, ...params });
  history.replaceState(null, '', `#${q.toString()}`);
}

/** A number input's value, or a typed error naming the field when it is not a number in range. */
export function numberField(id: string, label: string, min: number, max: number, integer = true): number {
  const raw = $<HTMLInputElement>(id).value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw Object.assign(new Error(`${label} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}; got '${raw}'`), { argument: label });
  }
  return v;
}

/** An error thrown in the page itself (a field out of range) as the worker reports errors. */
export function pageError(e: unknown, type = 'ArgumentError'): StudioError {
  return { type, argument: (e as { argument?: string }).argument ?? null, message: e instanceof Error ? e.message : String(e) };
}

/** A line chart of losses (SVG string, no axes library needed for one series). */
export function lossSvg(losses: readonly number[], width = 360, height = 120): string {
  if (losses.length < 2) return '';
  const lo = Math.min(...losses), hi = Math.max(...losses);
  const x = (i: number) => (i / (losses.length - 1)) * (width - 40) + 35, y = (v: number) => height - 18 - ((v - lo) / (hi - lo || 1)) * (height - 28);
  const path = losses.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="10"><path d="${path}" fill="none" stroke="#1f4e99" stroke-width="1.5"/>`
    + `<text x="2" y="12">${hi.toPrecision(3)}</text><text x="2" y="${height - 18}">${lo.toPrecision(3)}</text><text x="${width - 70}" y="${height - 4}">step ${losses.length}</text></svg>`;
}
