// ardiff batch --queue and ardiff worker against a real redis-server (Debian's package; started
// here on a free loopback port and stopped at the end; skipped, saying so, where it is missing):
// two worker processes, one killed with SIGKILL mid-run, and the merged output equals the local
// run byte for byte (every series exactly once); an unreachable server, a wrong or missing
// password and a queue of another job format get typed errors with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeRegressorPanel } from './regressor-panel.js';
import { JOB_FORMAT } from '../../src/batch/queue.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) console.log('redis-server not found: skipping the Redis queue tests of ardiff batch (apt-get install redis-server runs them)');

const work = mkdtempSync(join(tmpdir(), 'ardiff-queue-'));
const at = (...p: string[]) => join(work, ...p);
const servers: ChildProcess[] = [];
const workers: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(extra: string[] = []): Promise<number> {
  const port = await freePort();
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], { stdio: 'ignore' });
  servers.push(p);
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), ...(extra.includes('--requirepass') ? ['-a', extra[extra.indexOf('--requirepass') + 1], '--no-auth-warning'] : []), 'ping'], { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return port;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('redis-server did not start');
}

function ardiff(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: work, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function startWorker(queue: string, log: string): ChildProcess {
  const p = spawn(process.execPath, [MAIN, 'worker', '--queue', queue, '--lock-seconds', '2'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  p.stderr?.on('data', (d: Buffer) => { text += d.toString(); writeFileSync(at(log), text); });
  workers.push(p);
  return p;
}

const lastJson = (s: string) => JSON.parse(s.trim().split('\n').pop() as string) as Record<string, unknown>;
const files = (out: string) => ['forecasts', 'models', 'errors'].map((f) => readFileSync(at(out, `${f}.csv`), 'utf8'));

describe.skipIf(!hasRedis)('ardiff batch on a Redis queue (BullMQ)', () => {
  let port = 0;
  beforeAll(async () => {
    port = await startRedis();
    // 80 short seasonal series (ids out of order), auto-ARIMA on each, 4 per chunk.
    const lines = ['id,t,v'];
    for (let k = 0; k < 80; k++) for (let t = 0; t < 48; t++) lines.push(`s${(k * 37) % 80},${t},${(100 + 10 * Math.sin((2 * Math.PI * t) / 12 + k) + 0.3 * t + 3 * ((Math.sin(t * 12.9898 + k * 78.233) * 43758.5453) % 1)).toFixed(3)}`);
    writeFileSync(at('panel.csv'), lines.join('\n') + '\n');
  }, 30_000);
  afterAll(() => {
    for (const p of [...workers, ...servers]) p.kill('SIGKILL');
  });
  const args = (out: string) => ['batch', '--data', 'panel.csv', '--id', 'id', '--time', 't', '--value', 'v', '--model', 'auto-arima', '--season', '12', '--horizon', '6', '--chunk-size', '4', '--out', out, '--json'];

  it('two workers, one killed (SIGKILL) mid-run: every series once, the same bytes as the local run', async () => {
    const local = ardiff([...args('local'), '--workers', '0']);
    expect(local.code, local.stderr).toBe(0);
    const queue = `redis://127.0.0.1:${port}/0?queue=panel`;
    const w1 = startWorker(queue, 'w1.log');
    startWorker(queue, 'w2.log');
    const producer = spawn(process.execPath, [MAIN, ...args('queued'), '--queue', queue], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    producer.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    // Kill worker 1 once it has finished a few chunks (it is then in the middle of another).
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000) {
      const log = existsSync(at('w1.log')) ? readFileSync(at('w1.log'), 'utf8') : '';
      if ((log.match(/done/g) ?? []).length >= 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    w1.kill('SIGKILL');
    const code = await new Promise<number | null>((r) => producer.once('exit', r));
    expect(code).toBe(0);
    const summary = lastJson(out);
    expect(summary).toMatchObject({ series: 80, failedChunks: 0, workers: 0 });
    expect(files('queued')).toEqual(files('local'));
    const ids = files('queued')[1].trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    const failed = files('queued')[2].trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(new Set([...ids, ...failed]).size).toBe(80);
    expect(ids.length + failed.length).toBe(80);
    // The run's jobs are removed from Redis once merged.
    const keys = spawnSync('redis-cli', ['-p', String(port), 'keys', 'bull:panel:*'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(keys.filter((k) => /^bull:panel:[0-9a-f]{16}-\d+$/.test(k))).toEqual([]);
    expect(keys).toContain('bull:panel:ardiff-format');
  }, 180_000);

  it('regressor columns travel in the jobs: a queue run with --exog gives the local run\'s bytes', async () => {
    writeRegressorPanel(work, 8);
    const xargs = (out: string) => ['batch', '--data', 'xpanel.csv', '--id', 'id', '--time', 't', '--value', 'v', '--model', 'arima', '--order', '1,0,0', '--exog', 'x', '--exog-future', 'xfuture.csv', '--horizon', '3', '--chunk-size', '2', '--out', out, '--json'];
    const local = ardiff([...xargs('xlocal'), '--workers', '0']);
    expect(local.code, local.stderr).toBe(0);
    const queue = `redis://127.0.0.1:${port}/0?queue=xpanel`;
    startWorker(queue, 'xw.log');
    const r = ardiff([...xargs('xqueued'), '--queue', queue]);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ series: 8, ok: 8, failed: 0 });
    expect(files('xqueued')).toEqual(files('xlocal'));
  }, 120_000);

  it('an unreachable server, a wrong or missing password and a queue of another job format: typed errors, nothing written', async () => {
    const dead = await freePort();
    let r = ardiff([...args('never1'), '--queue', `redis://127.0.0.1:${dead}`]);
    expect(r.code).toBe(2);
    expect(lastJson(r.stdout).error).toMatchObject({ type: 'ServiceError', argument: '--queue', message: expect.stringMatching(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/) });
    expect(existsSync(at('never1'))).toBe(false);
    const locked = await startRedis(['--requirepass', 'sekret']);
    r = ardiff([...args('never2'), '--queue', `redis://:wrong@127.0.0.1:${locked}`]);
    expect(lastJson(r.stdout).error).toMatchObject({ type: 'ServiceError', message: expect.stringMatching(/refused the user name or password/) });
    expect(r.stdout).not.toMatch(/wrong/);
    r = ardiff([...args('never3'), '--queue', `redis://127.0.0.1:${locked}`]);
    expect(lastJson(r.stdout).error).toMatchObject({ type: 'ServiceError', message: expect.stringMatching(/needs a password/) });
    spawnSync('redis-cli', ['-p', String(port), 'set', 'bull:old:ardiff-format', '0']);
    r = ardiff([...args('never4'), '--queue', `redis://127.0.0.1:${port}/0?queue=old`]);
    expect(lastJson(r.stdout).error).toMatchObject({ type: 'ServiceError', argument: '--queue', message: expect.stringContaining(`holds jobs of format 0, this ardiff reads format ${JOB_FORMAT}`) });
    r = ardiff(['worker', '--queue', `redis://127.0.0.1:${port}/0?queue=old`, '--json']);
    expect(r.code).toBe(2);
    expect(lastJson(r.stdout).error).toMatchObject({ type: 'ServiceError', message: expect.stringMatching(/format 0/) });
    for (const d of ['never1', 'never2', 'never3', 'never4']) expect(existsSync(at(d))).toBe(false);
    r = ardiff([...args('never5'), '--queue', 'http://x', '--workers', '2']);
    expect(lastJson(r.stdout).error).toMatchObject({ type: 'ArgumentError' });
  }, 60_000);
});
