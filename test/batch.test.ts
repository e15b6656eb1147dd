// ardiff batch in this thread (the sources; the worker threads are tested on the transpiled
// package in cli-contract.test.ts): the forecasts equal `ardiff fit --json` on each series alone,
// one bad series goes to errors.csv, ids are sorted (the k-way merge over more than FAN_IN chunk
// files included), an interrupted run resumes to the same bytes, and bad input gets typed errors
// before any work.
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runBatch, pendingChunks, type BatchOptions } from '../src/batch/run.js';
import { compareIds } from '../src/batch/read.js';
import { FAN_IN } from '../src/batch/merge.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { readTable } from '../src/node/data.js';
import { createRng } from '../src/core/rng.js';
import { fitARIMA } from '../src/classical/arima.js';
import { runCliJson } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ardiff-batch-'));
const at = (...p: string[]) => join(dir, ...p);
const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
const column = (name: string, col: string) => { const t = readTable(name); const j = t.columns.indexOf(col); return t.rows.map((r) => r[j]); };

// Three bundled monthly series in one long file, each with its rows in reverse time order, plus a
// series with a non-numeric cell and one with a missing value.
const SERIES: Record<string, string[]> = {
  ap: column('air-passengers', 'AirPassengers'),
  ldeaths: column('ldeaths', 'ldeaths'),
  mdeaths: column('mdeaths', 'mdeaths'),
  bad: ['1', '2', 'x', '4', '5', '6', '7', '8'],
};
SERIES.gappy = SERIES.mdeaths.map((v, i) => (i === 30 ? 'NA' : v));
function writeLong(file: string, ids: readonly string[]): void {
  const lines = ['id,time,value'];
  for (const id of ids) for (let i = SERIES[id].length - 1; i >= 0; i--) lines.push(`${id},${i + 1},${SERIES[id][i]}`);
  writeFileSync(file, lines.join('\n') + '\n');
}
const base = (over: Partial<BatchOptions> = {}): BatchOptions => ({
  data: at('long.csv'), id: 'id', time: 'time', value: 'value', model: 'auto-arima', options: { period: 12 }, horizon: 12, levels: [80, 95], out: at('out'), workers: 0, ...over,
});

beforeAll(() => {
  writeLong(at('long.csv'), ['mdeaths', 'ap', 'bad', 'ldeaths', 'gappy']);
});

describe('ardiff batch: the numbers of ardiff fit, series by series', () => {
  let summary: Awaited<ReturnType<typeof runBatch>>;
  beforeAll(async () => {
    summary = await runBatch(base());
  }, 120_000);

  it('forecasts equal ardiff fit --json on each series alone, exactly (shortest round-trip decimals)', async () => {
    expect(summary).toMatchObject({ series: 5, ok: 4, failed: 1, workers: 0, resumedChunks: 0 });
    const rows = csv(summary.forecasts);
    expect(Object.keys(rows[0])).toEqual(['id', 'step', 'mean', 'lo80', 'hi80', 'lo95', 'hi95']);
    const models = csv(summary.models);
    for (const [id, data] of [['ap', 'air-passengers'], ['ldeaths', 'ldeaths'], ['mdeaths', 'mdeaths']] as const) {
      const { code, json } = await runCliJson(['fit', '--data', data, '--model', 'auto-arima', '--seasonal-period', '12', '--horizon', '12', '--level', '80,95']);
      expect(code).toBe(0);
      const f = json.forecast as { mean: number[]; lower: number[][]; upper: number[][] };
      const mine = rows.filter((r) => r.id === id);
      expect(mine.map((r) => Number(r.step))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(mine.map((r) => Number(r.mean))).toEqual(f.mean);
      expect(mine.map((r) => Number(r.lo80))).toEqual(f.lower[0]);
      expect(mine.map((r) => Number(r.hi80))).toEqual(f.upper[0]);
      expect(mine.map((r) => Number(r.lo95))).toEqual(f.lower[1]);
      expect(mine.map((r) => Number(r.hi95))).toEqual(f.upper[1]);
      const m = models.find((r) => r.id === id)!;
      expect(m.model).toBe('auto-arima');
      expect(m.order).toBe(json.label);
      expect(Number(m.aicc)).toBe(json.aicc);
    }
  });

  it('a non-numeric cell fails its series only (errors.csv names the row); a missing value is a gap the model handles', () => {
    expect(csv(summary.errors)).toEqual([{ id: 'bad', type: 'DataError', message: expect.stringMatching(/series 'bad': row \d+ holds 'x', which is not a number/) }]);
    expect(csv(summary.forecasts).filter((r) => r.id === 'gappy').length).toBe(12);
  });

  it('sorts by id then step, whatever the input order, and leaves no work folder', () => {
    const ids = csv(summary.forecasts).map((r) => r.id);
    expect([...new Set(ids)]).toEqual(['ap', 'gappy', 'ldeaths', 'mdeaths']);
    expect(csv(summary.models).map((r) => r.id)).toEqual(['ap', 'gappy', 'ldeaths', 'mdeaths']);
    expect(pendingChunks(at('out'))).toEqual([]);
    expect(existsSync(at('out', '.ardiff-batch'))).toBe(false);
  });
});

describe('ardiff batch: order, chunks and resuming', () => {
  // 70 short series with ids out of order: numbers (by value) before names; chunks of 1 give more
  // chunk files than one merge takes (FAN_IN), so the merge runs in rounds.
  const ids = Array.from({ length: 70 }, (_, i) => (i % 3 === 0 ? `s${(i * 37) % 70}` : String((i * 53) % 97)));
  beforeAll(() => {
    writeFileSync(at('many.csv'), ['id,value', ...ids.flatMap((id, k) => Array.from({ length: 6 }, (_, t) => `${id},${k + t * (k % 5)}`))].join('\n') + '\n');
  });
  const many = (over: Partial<BatchOptions> = {}): BatchOptions => ({ data: at('many.csv'), id: 'id', value: 'value', model: 'naive', horizon: 2, out: at('many'), workers: 0, chunkSize: 1, ...over });

  it('compareIds: numbers by value, then other ids by code units', () => {
    expect(['b', '10', 'a', '9', '-1', '1e1', 'A'].sort(compareIds)).toEqual(['-1', '9', '10', '1e1', 'A', 'a', 'b']);
  });

  it(`merges ${ids.length} chunk files (more than FAN_IN = ${FAN_IN}) into id order`, async () => {
    expect(ids.length).toBeGreaterThan(FAN_IN);
    const s = await runBatch(many());
    expect(s.series).toBe(70);
    const out = [...new Set(csv(s.forecasts).map((r) => r.id))];
    expect(out).toEqual(ids.slice().sort(compareIds));
    expect(csv(s.forecasts).length).toBe(140);
  });

  it('an interrupted run resumed with the same arguments writes the same bytes and skips the finished chunks', async () => {
    const full = await runBatch(many({ out: at('whole') }));
    const expected = ['forecasts', 'models', 'errors'].map((f) => readFileSync(at('whole', `${f}.csv`), 'utf8'));
    let chunks = 0;
    await expect(runBatch(many({ out: at('cut'), onProgress: () => { if (++chunks === 25) throw new Error('killed'); } }))).rejects.toThrow('killed');
    expect(pendingChunks(at('cut')).length).toBeGreaterThanOrEqual(25);
    expect(existsSync(at('cut', 'forecasts.csv'))).toBe(false);
    const again = await runBatch(many({ out: at('cut'), resume: true }));
    expect(again.resumedChunks).toBeGreaterThanOrEqual(25);
    expect(again.series).toBe(full.series);
    expect(['forecasts', 'models', 'errors'].map((f) => readFileSync(at('cut', `${f}.csv`), 'utf8'))).toEqual(expected);
  });

  it('resume with other arguments is refused (the chunks belong to another run)', async () => {
    let chunks = 0;
    await expect(runBatch(many({ out: at('cut2'), onProgress: () => { if (++chunks === 3) throw new Error('killed'); } }))).rejects.toThrow('killed');
    const e = await runBatch(many({ out: at('cut2'), resume: true, horizon: 3 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('resume');
  });

  it('a wide file: every column but the time column is a series', async () => {
    const s = await runBatch({ data: 'eu-stock-markets', time: 'time', model: 'naive', horizon: 3, levels: [90], out: at('wide'), workers: 0 });
    expect(s.series).toBe(4);
    expect(Object.keys(csv(s.forecasts)[0])).toEqual(['id', 'step', 'mean', 'lo90', 'hi90']);
    expect([...new Set(csv(s.forecasts).map((r) => r.id))]).toEqual(['CAC', 'DAX', 'FTSE', 'SMI']);
  });
});

describe('ardiff batch: Parquet in and out', () => {
  it('a long Parquet file (string ids, INT32 times, DOUBLE values with a null; row groups of 50 rows) gives the CSV run\'s numbers; Parquet outputs hold them as DOUBLE (null where missing)', async () => {
    const { parquetWriteFile } = await import('hyparquet-writer');
    const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
    const ids: string[] = [], times: number[] = [], values: (number | null)[] = [];
    for (const id of ['ldeaths', 'gappy', 'ap']) {
      SERIES[id].forEach((v, i) => { ids.push(id); times.push(i + 1); values.push(v === 'NA' ? null : Number(v)); });
    }
    parquetWriteFile({ filename: at('long.parquet'), columnData: [
      { name: 'id', data: ids, type: 'STRING' }, { name: 'time', data: Int32Array.from(times), type: 'INT32' }, { name: 'value', data: values, type: 'DOUBLE' },
    ], rowGroupSize: 50 }); // several row groups, read one at a time; a series spans them
    writeLong(at('three.csv'), ['ldeaths', 'gappy', 'ap']);
    const fromCsv = await runBatch(base({ data: at('three.csv'), out: at('three-csv') }));
    const fromParquet = await runBatch(base({ data: at('long.parquet'), out: at('three-pq'), format: 'parquet' }));
    expect(fromParquet).toMatchObject({ series: 3, ok: 3, failed: 0 });
    expect(fromParquet.forecasts).toMatch(/forecasts\.parquet$/);
    const read = async (file: string) => parquetReadObjects({ file: await asyncBufferFromFile(file) }) as Promise<Record<string, unknown>[]>;
    const rows = await read(fromParquet.forecasts);
    const csvRows = csv(fromCsv.forecasts);
    expect(rows.length).toBe(36);
    rows.forEach((r, i) => {
      expect(r.id).toBe(csvRows[i].id);
      expect(r.step).toBe(Number(csvRows[i].step));
      for (const k of ['mean', 'lo80', 'hi80', 'lo95', 'hi95']) expect(r[k]).toBe(Number(csvRows[i][k]));
    });
    const models = await read(fromParquet.models);
    expect(models.map((m) => [m.id, m.order, m.aicc])).toEqual(csv(fromCsv.models).map((m) => [m.id, m.order, Number(m.aicc)]));
    expect(await read(fromParquet.errors)).toEqual([]);
  });

  it('a Parquet file without the named columns, or read as wide, is a typed error', async () => {
    const e = await runBatch(base({ data: at('long.parquet'), value: 'y', out: at('pq-bad') })).catch((x: unknown) => x as DataError);
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).message).toMatch(/no column 'y'.*id, time, value/);
    const w = await runBatch({ data: at('long.parquet'), model: 'naive', horizon: 2, out: at('pq-bad'), workers: 0 }).catch((x: unknown) => x as ArgumentError);
    expect(w).toBeInstanceOf(ArgumentError);
  });
});

describe('ardiff batch: regressor columns in long format (--exog, --exog-future)', () => {
  // Two series y = 3 + 2·x + AR(1) noise with their own regressor x (seeded), rows in reverse time
  // order; the future file's rows shuffled across series. Series c lacks a regressor value, d has
  // no future rows, e has one future row too few.
  const H = 4;
  const rng = createRng(7);
  const make = (n: number) => {
    const x = Array.from({ length: n + H }, () => rng.normal() * 2 + 5);
    const y: number[] = [];
    let u = 0;
    for (let t = 0; t < n; t++) { u = 0.6 * u + rng.normal(); y.push(3 + 2 * x[t] + u); }
    return { x, y };
  };
  const S: Record<string, { x: number[]; y: number[] }> = { a: make(60), b: make(50), c: make(40), d: make(40), e: make(40) };
  beforeAll(() => {
    const lines = ['id,time,value,x'];
    const fut: string[] = [];
    for (const [id, { x, y }] of Object.entries(S)) {
      for (let t = y.length - 1; t >= 0; t--) lines.push(`${id},${t + 1},${y[t]},${id === 'c' && t === 10 ? 'NA' : x[t]}`);
      const steps = id === 'd' ? 0 : id === 'e' ? H - 1 : H;
      for (let k = 0; k < steps; k++) fut.push(`${id},${y.length + k + 1},${x[y.length + k]}`);
    }
    writeFileSync(at('exog.csv'), lines.join('\n') + '\n');
    const shuffled = fut.map((l, i) => [l, (i * 7919) % fut.length] as const).sort((p, q) => p[1] - q[1]).map((p) => p[0]);
    writeFileSync(at('exog-future.csv'), ['id,time,x', ...shuffled].join('\n') + '\n');
  });
  const exogBase = (over: Partial<BatchOptions> = {}) => base({ data: at('exog.csv'), model: 'arima', options: { order: [1, 0, 0] }, horizon: H, exog: ['x'], exogFuture: at('exog-future.csv'), out: at('exog-out'), ...over });

  it('forecasts equal fitARIMA with exog on each series and its future regressors, exactly; bad series go to errors.csv', async () => {
    const s = await runBatch(exogBase({ workers: 0 }));
    expect(s).toMatchObject({ series: 5, ok: 2, failed: 3 });
    const rows = csv(s.forecasts);
    for (const id of ['a', 'b']) {
      const { x, y } = S[id];
      const n = y.length;
      const fit = fitARIMA(y, { order: [1, 0, 0], exog: { x: x.slice(0, n) } });
      expect(fit.arimaParams.beta[1]).toBeGreaterThan(1.5); // the regressor's effect (2) is estimated
      const fc = fit.forecast(H, { exog: { x: x.slice(n) } }).toJSON([80, 95]);
      const mine = rows.filter((r) => r.id === id);
      expect(mine.map((r) => Number(r.mean))).toEqual(fc.mean);
      expect(mine.map((r) => Number(r.lo95))).toEqual(fc.lower[1]);
      expect(mine.map((r) => Number(r.hi80))).toEqual(fc.upper[0]);
    }
    const errors = csv(s.errors);
    expect(errors.map((r) => r.id)).toEqual(['c', 'd', 'e']);
    expect(errors[0].message).toMatch(/regressor 'x' is missing at row \d+; regressors must be complete/);
    expect(errors[1].message).toMatch(/future regressors file has no rows for it/);
    expect(errors[2].message).toMatch(/has 3 rows for it, the horizon is 4/);
  });

  it('the same bytes in chunks of one series (worker threads and the queue: test/full/batch-cli, batch-queue)', async () => {
    const one = await runBatch(exogBase({ workers: 0, out: at('exog-w0') }));
    const two = await runBatch(exogBase({ workers: 0, chunkSize: 1, out: at('exog-c1') }));
    expect(readFileSync(two.forecasts, 'utf8')).toBe(readFileSync(one.forecasts, 'utf8'));
    expect(readFileSync(two.errors, 'utf8')).toBe(readFileSync(one.errors, 'utf8'));
  });

  it('the data and the future regressors as Parquet files give the CSV run\'s bytes', async () => {
    const { parquetWriteFile } = await import('hyparquet-writer');
    const toParquet = (from: string, to: string) => {
      const rows = csv(from);
      const cols = Object.keys(rows[0]);
      parquetWriteFile({ filename: to, columnData: cols.map((c) => (c === 'id'
        ? { name: c, data: rows.map((r) => r[c]), type: 'STRING' as const }
        : { name: c, data: rows.map((r) => (r[c] === 'NA' ? null : Number(r[c]))), type: 'DOUBLE' as const })), rowGroupSize: 40 });
    };
    toParquet(at('exog.csv'), at('exog.parquet'));
    toParquet(at('exog-future.csv'), at('exog-future.parquet'));
    const fromCsv = await runBatch(exogBase({ out: at('exog-csv') }));
    const fromParquet = await runBatch(exogBase({ data: at('exog.parquet'), exogFuture: at('exog-future.parquet'), out: at('exog-pq') }));
    expect(readFileSync(fromParquet.forecasts, 'utf8')).toBe(readFileSync(fromCsv.forecasts, 'utf8'));
    expect(readFileSync(fromParquet.errors, 'utf8')).toBe(readFileSync(fromCsv.errors, 'utf8').replace('exog-future.csv', 'exog-future.parquet'));
  });

  it('typed errors before any work: a model without regressors, no future file, a future file without exog, a wide file, a name clash, missing columns', async () => {
    const err = async (o: Partial<BatchOptions>) => runBatch(exogBase({ out: at('exog-bad'), ...o })).then(() => { throw new Error('no error'); }, (e: unknown) => e as ArgumentError);
    let e = await err({ model: 'auto-arima', options: {} });
    expect([e.constructor, e.argument]).toEqual([ArgumentError, 'exog']);
    expect(e.message).toMatch(/takes no regressors; models with regressors: arima/);
    e = await err({ exogFuture: undefined });
    expect([e.constructor, e.argument]).toEqual([ArgumentError, 'exogFuture']);
    expect(e.message).toMatch(/id, time, x and 4 rows per series/);
    expect((await err({ exog: undefined })).argument).toBe('exog');
    expect((await err({ id: undefined, value: undefined })).argument).toBe('exog');
    expect((await err({ exog: ['value'] })).message).toMatch(/is the value column/);
    expect((await err({ exog: ['x', 'x'] })).message).toMatch(/names 'x' twice/);
    e = await err({ exog: ['price'] });
    expect([e.constructor, e.argument]).toEqual([DataError, 'exog']);
    expect(e.message).toMatch(/no column 'price'/);
    writeFileSync(at('fut-nocol.csv'), 'id,time,z\na,61,1\n');
    e = await err({ exogFuture: at('fut-nocol.csv') });
    expect([e.constructor, e.argument]).toEqual([DataError, 'exogFuture']);
    expect((await err({ exogFuture: at('no-such-future.csv') })).argument).toBe('exogFuture');
    expect(existsSync(at('exog-bad', '.ardiff-batch'))).toBe(false);
    const r = await runCliJson(['batch', '--data', at('exog.csv'), '--id', 'id', '--value', 'value', '--time', 'time', '--model', 'arima', '--order', '1,0,0', '--exog', 'x', '--horizon', '4', '--out', at('exog-cli')]);
    expect(r.code).toBe(2);
    expect((r.json.error as { argument: string }).argument).toBe('--exog-future');
  });
});

describe('ardiff batch: bad input gets typed errors before any work', () => {
  const err = async (o: Partial<BatchOptions>) => runBatch(base({ out: at('bad-out'), ...o })).then(() => { throw new Error('no error'); }, (e: unknown) => e as ArgumentError);

  it('rows of a series that are not together, a missing column, a repeated time', async () => {
    writeFileSync(at('split.csv'), 'id,value\na,1\na,2\nb,3\na,4\n');
    let e = await err({ data: at('split.csv'), time: undefined });
    expect(e).toBeInstanceOf(DataError);
    expect(e.argument).toBe('id');
    expect(e.message).toMatch(/rows of series 'a' are not together.*row 4/);
    expect(pendingChunks(at('bad-out'))).toEqual([]);
    e = await err({ value: 'y' });
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/no column 'y'.*id, time, value/);
    writeFileSync(at('dup.csv'), 'id,time,value\na,1,1\na,2,2\na,2,3\na,3,4\n');
    const s = await runBatch(base({ data: at('dup.csv'), model: 'naive', options: {}, out: at('dup-out') }));
    expect(csv(s.errors)[0].message).toMatch(/time '2' appears twice \(rows 2 and 3\)/);
  });

  it('outputs never overwrite or remove the input (through a link, or inside the work folder); a folder at an output name; nothing written on a typed input error', async () => {
    mkdirSync(at('real'), { recursive: true });
    copyFileSync(at('long.csv'), at('real', 'forecasts.csv'));
    symlinkSync(at('real'), at('link'));
    let e = await err({ data: at('real', 'forecasts.csv'), out: at('link') });
    expect(e.argument).toBe('out');
    expect(readFileSync(at('real', 'forecasts.csv'), 'utf8')).toBe(readFileSync(at('long.csv'), 'utf8'));
    mkdirSync(at('ow', '.ardiff-batch'), { recursive: true });
    copyFileSync(at('long.csv'), at('ow', '.ardiff-batch', 'in.csv'));
    e = await err({ data: at('ow', '.ardiff-batch', 'in.csv'), out: at('ow') });
    expect(e.message).toMatch(/work folder/);
    expect(existsSync(at('ow', '.ardiff-batch', 'in.csv'))).toBe(true);
    mkdirSync(at('odir', 'forecasts.csv'), { recursive: true });
    e = await err({ out: at('odir') });
    expect(e.message).toMatch(/is a folder/);
    writeFileSync(at('header-only.csv'), 'id,time,value\n');
    e = await err({ data: at('header-only.csv'), out: at('never') });
    expect(e).toBeInstanceOf(DataError);
    expect(existsSync(at('never', '.ardiff-batch'))).toBe(false);
  });

  it('times that mix numbers and dates fail their series (3 is not March); a header naming a column twice; a level given twice', async () => {
    writeFileSync(at('mixed.csv'), 'id,time,value\na,1,1\na,2024-01-02,2\na,3,3\nb,2024-01-01,1\nb,2024-01-03,3\nb,2024-01-02,2\n');
    const s = await runBatch(base({ data: at('mixed.csv'), model: 'naive', options: {}, horizon: 1, out: at('mixed-out') }));
    expect(csv(s.errors).map((r) => r.id)).toEqual(['a']);
    expect(csv(s.errors)[0].message).toMatch(/time '1' \(row 1\) is not a date like the others/);
    expect(Number(csv(s.forecasts)[0].mean)).toBe(3); // b ordered by date: 1, 2, 3
    writeFileSync(at('dupv.csv'), 'id,value,value\na,1,9\na,2,9\n');
    expect((await err({ data: at('dupv.csv'), time: undefined })).message).toMatch(/names column 'value' twice/);
    expect((await err({ levels: [80, 80] })).argument).toBe('levels');
  });

  it('arguments: id without value, a model of several series, bad levels and horizon, output onto the input', async () => {
    expect((await err({ value: undefined })).argument).toBe('value');
    expect((await err({ model: 'var' })).argument).toBe('model');
    expect((await err({ model: 'no-such' })).argument).toBe('model');
    expect((await err({ levels: [100] })).argument).toBe('levels');
    expect((await err({ horizon: 0 })).argument).toBe('horizon');
    expect((await err({ workers: -1 })).argument).toBe('workers');
    expect((await err({ options: { period: 0 } })).argument).toBe('period');
    writeFileSync(at('afile'), 'x');
    expect((await err({ out: at('afile') })).argument).toBe('out');
  });

  it('through the CLI: flags named, --season for a model without a seasonal period refused', async () => {
    let r = await runCliJson(['batch', '--data', at('long.csv'), '--id', 'id', '--value', 'value', '--model', 'arima', '--season', '12', '--horizon', '3', '--out', at('cli-out')]);
    expect(r.code).toBe(2);
    expect((r.json.error as { argument: string }).argument).toBe('--season');
    r = await runCliJson(['batch', '--data', at('long.csv'), '--id', 'id', '--model', 'naive', '--horizon', '3', '--out', at('cli-out')]);
    expect((r.json.error as { argument: string }).argument).toBe('--value');
    r = await runCliJson(['batch', '--data', at('long.csv'), '--id', 'id', '--value', 'value', '--time', 'time', '--model', 'naive', '--horizon', '2', '--workers', '0', '--out', at('cli-out')]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ series: 5, ok: 4, failed: 1, workers: 0 });
    expect(Object.keys(r.json).slice(0, 4)).toEqual(['series', 'ok', 'failed', 'seconds']);
  });
});
