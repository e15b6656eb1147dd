// Builds the studio page (src/studio: the page, its Web Worker and index.html) into dist/studio
// with esbuild: browser ESM, code splitting (Vega and the tensor engine load when first used),
// minified. `npm run build` runs it after tsc; `ardiff studio` serves the result.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = `${root}dist/studio`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: `${root}src/studio/app.ts`, worker: `${root}src/studio/worker.ts` },
  bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true,
  outdir: out, chunkNames: 'chunks/[name]-[hash]', logLevel: 'warning', legalComments: 'none',
  // Error classes name themselves (new.target.name): keep the names the page shows.
  keepNames: true,
});
copyFileSync(`${root}src/studio/index.html`, `${out}/index.html`);
