// Every example in examples/ runs against the built package (as the README shows them) and
// prints no NaN. The full tier's global setup (test/full/build.ts) builds dist/ first.
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../fixtures.js';

describe('examples', () => {
  for (const file of readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.js')).sort()) {
    it(file, () => {
      const r = spawnSync(process.execPath, [`${ROOT}examples/${file}`], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stdout).not.toMatch(/NaN/);
      // The longest (23-risk.js) takes about a minute alone, longer beside another test file.
    }, 180_000);
  }
});
