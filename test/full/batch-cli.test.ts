// ardiff batch on worker threads, as a user runs it (the built CLI of the full tier): the same
// bytes as in one thread; killed with SIGKILL mid-run and resumed, the same bytes again.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { panelRegressor, writeRegressorPanel } from './regressor-panel.js';

const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ardiff-batch-cli-'));
const at = (...p: string[]) => join(work, ...p);
function ardiff(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: work, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

describe('ardiff batch (real processes)', () => {
  it('batch on worker threads: the same bytes as in one thread; killed (SIGKILL) mid-run and resumed, the same bytes again', async () => {
    // 60 short seasonal series in a long file (ids out of order), auto-ARIMA on each.
    const lines = ['id,t,v'];
    for (let k = 0; k < 60; k++) for (let t = 0; t < 48; t++) lines.push(`${(k * 7) % 60 === 0 ? 'z' : ''}${(k * 41) % 61},${t},${(100 + 10 * Math.sin((2 * Math.PI * t) / 12 + k) + 0.3 * t + 3 * ((Math.sin(t * 12.9898 + k * 78.233) * 43758.5453) % 1)).toFixed(3)}`);
    writeFileSync(at('panel.csv'), lines.join('\n') + '\n');
    const args = (out: string, workers: string) => ['batch', '--data', 'panel.csv', '--id', 'id', '--time', 't', '--value', 'v', '--model', 'auto-arima', '--season', '12', '--horizon', '6', '--chunk-size', '2', '--workers', workers, '--out', out, '--json'];
    const files = (out: string) => ['forecasts', 'models', 'errors'].map((f) => readFileSync(at(out, `${f}.csv`), 'utf8'));
    const one = ardiff(args('b0', '0')), two = ardiff(args('b2', '2'));
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout.trim().split('\n').pop()!)).toMatchObject({ series: 60, ok: 60, failed: 0, workers: 2 });
    expect(files('b2')).toEqual(files('b0'));
    expect(files('b0')[0].split('\n').length).toBe(1 + 60 * 6 + 1);
    // Kill -9 once some chunks are written, then resume.
    const child = spawn(process.execPath, [main, ...args('bk', '2')], { cwd: work, stdio: 'ignore' });
    const work2 = at('bk', '.ardiff-batch');
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000) {
      if (existsSync(work2) && readdirSync(work2).filter((f) => f.startsWith('chunk-')).length >= 5) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const written = readdirSync(work2).filter((f) => f.startsWith('chunk-')).length;
    expect(written).toBeGreaterThanOrEqual(5);
    expect(written).toBeLessThan(30);
    expect(existsSync(at('bk', 'forecasts.csv'))).toBe(false);
    const resumed = ardiff([...args('bk', '2'), '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').pop()!).resumedChunks).toBeGreaterThanOrEqual(written - 2);
    expect(files('bk')).toEqual(files('b0'));
  }, 240_000);

  it('regressor columns (--exog, --exog-future) reach the worker threads: the same bytes as in one thread, and the fit uses them', () => {
    // y = 10 + 3·x + noise per series; x differs by series; ARIMA(0,0,0) with a constant and x.
    writeRegressorPanel(work, 12);
    const args = (out: string, workers: string) => ['batch', '--data', 'xpanel.csv', '--id', 'id', '--time', 't', '--value', 'v', '--model', 'arima', '--order', '0,0,0', '--exog', 'x', '--exog-future', 'xfuture.csv', '--horizon', '3', '--chunk-size', '3', '--workers', workers, '--out', out, '--json'];
    const one = ardiff(args('x0', '0')), two = ardiff(args('x2', '2'));
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout.trim().split('\n').pop()!)).toMatchObject({ series: 12, ok: 12, failed: 0, workers: 2 });
    const text = (out: string) => readFileSync(at(out, 'forecasts.csv'), 'utf8');
    expect(text('x2')).toBe(text('x0'));
    // The forecast follows the future regressor: 10 + 3·x(40) for s0, within the noise.
    const first = text('x2').split('\n')[1].split(',');
    const x40 = panelRegressor(0, 40);
    expect(first[0]).toBe('s0');
    expect(Math.abs(Number(first[2]) - (10 + 3 * x40))).toBeLessThan(1);
  }, 120_000);
});
