/**
 * The studio page: three tabs — forecast, diffusion, text — over one Web Worker that runs the
 * library (worker.ts). The URL names the tab and its settings, so a link reproduces a view.
 */
import { $, viewParams } from './client.js';
import { initForecast, lastForecast, lastMultiForecast } from './forecast.js';
import { initDiffusion, lastDigitGrid, lastSamples } from './diffusion-tab.js';
import { initText, lastText } from './text-tab.js';

const TABS = ['forecast', 'diffusion', 'text'] as const;
type Tab = (typeof TABS)[number];

function show(tab: Tab): void {
  for (const t of TABS) {
    $(t).hidden = t !== tab;
    $(`tab-${t}`).classList.toggle('active', t === tab);
  }
}

async function start(): Promise<void> {
  const view = viewParams();
  const asked = view.get('tab') ?? 'forecast';
  const tab: Tab = (TABS as readonly string[]).includes(asked) ? (asked as Tab) : 'forecast';
  for (const t of TABS) $(`tab-${t}`).onclick = () => { show(t); history.replaceState(null, '', `#tab=${t}`); };
  show(tab);
  initDiffusion(tab === 'diffusion' ? view : null);
  initText(tab === 'text' ? view : null);
  await initForecast(tab === 'forecast' ? view : null);
  document.body.dataset.ready = 'true';
}

void start();
// For the end-to-end tests and the console: what each tab last showed.
(window as unknown as { studio: object }).studio = { last: lastForecast, lastMulti: lastMultiForecast, lastSamples, lastDigitGrid, lastText };
