// Global setup of the full tier: builds dist/ from the current sources, so the examples and
// bench modules (which import the built package, as users do) and the studio page never run a stale build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const r = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the full tier builds dist/ first, and the build failed:\n${r.stdout}${r.stderr}`);
  // The studio page (dist/studio) is a browser bundle of src/studio, built by esbuild.
  const s = spawnSync(process.execPath, [`${root}scripts/build-studio.mjs`], { cwd: root, encoding: 'utf8' });
  if (s.status !== 0) throw new Error(`the full tier builds the studio page first, and the build failed:\n${s.stdout}${s.stderr}`);
}
