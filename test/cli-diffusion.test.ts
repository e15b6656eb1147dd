// `ardiff diffusion train|sample|restore` end to end on tiny models, the typed errors of its flags,
// and the checks of output files before any work.
import { describe, it, expect } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli, runCliJson } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ardiff-diffusion-'));
const model = join(dir, 'm.json');
const conditional = join(dir, 'c.json');

describe('ardiff diffusion', () => {
  it('trains, samples a CSV with the training columns, and rejects bad requests', async () => {
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'moons', '--rows', '500', '--steps', '30', '--width', '16', '--blocks', '1', '--out', model]);
    expect(t.code).toBe(0);
    expect(t.json.steps).toBe(30);
    expect(t.json.columns).toEqual(['x', 'y']);
    const out = join(dir, 's.csv');
    const s = await runCli(['diffusion', 'sample', '--model', model, '--n', '7', '--scheduler', 'dpm++', '--seed', '3', '--out', out]);
    expect(s.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x,y');
    expect(lines.length).toBe(8);
    for (const l of lines.slice(1)) expect(l.split(',').map(Number).every(Number.isFinite)).toBe(true);
    // --checkpoint-every writes m.checkpoint.json; resuming from the final one gives the same model.
    const ck = await runCliJson(['diffusion', 'train', '--dataset', 'moons', '--rows', '500', '--steps', '30', '--width', '16', '--blocks', '1', '--checkpoint-every', '7', '--out', model]);
    expect(ck.code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'm.checkpoint.json'), 'utf8')) as { step: number; steps: number };
    expect([state.step, state.steps]).toEqual([30, 30]);
    const resumed = join(dir, 'resumed.json');
    expect((await runCliJson(['diffusion', 'train', '--dataset', 'moons', '--rows', '500', '--steps', '30', '--width', '16', '--blocks', '1', '--resume', join(dir, 'm.checkpoint.json'), '--out', resumed])).code).toBe(0);
    expect(readFileSync(resumed, 'utf8')).toBe(readFileSync(model, 'utf8'));
    const again = join(dir, 's2.csv');
    await runCli(['diffusion', 'sample', '--model', model, '--n', '7', '--scheduler', 'dpm++', '--seed', '3', '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));

    const err = async (args: string[], argument: string, pattern: RegExp) => {
      const r = await runCliJson(args);
      expect(r.code).toBe(2);
      const e = r.json.error as { argument: string; message: string };
      expect(e.argument).toBe(argument);
      expect(e.message).toMatch(pattern);
    };
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--inference-steps', '1001'], '--inference-steps', /cannot be larger/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--inference-steps', '0'], '--inference-steps', /integer/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--scheduler', 'heun'], '--scheduler', /unknown scheduler/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--class', '1', '--guidance', '3'], '--class', /conditional/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--guidance', '3'], '--guidance', /conditional/);
    await err(['diffusion', 'train', '--dataset', 'moons', '--prediction', 'noise', '--out', model], '--prediction', /one of epsilon, v, sample/);
    await err(['diffusion', 'train', '--dataset', 'mnist', '--image-size', '20', '--out', model], '--image-size', /14 or 28/);
    await err(['diffusion', 'train', '--dataset', 'moons', '--image-size', '14', '--out', model], '--image-size', /mnist/);
    await err(['diffusion', 'sample', '--model', model, '--n', '2', '--out', join(dir, 'g.png')], '--out', /image models/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,x\n');
    await err(['diffusion', 'train', '--dataset', bad, '--out', model], '--columns', /not a number/);
    writeFileSync(join(dir, 'corrupt.json'), '{"kind":"diffusion","version":7}');
    await err(['diffusion', 'sample', '--model', join(dir, 'corrupt.json'), '--n', '2'], 'model', /version 7/);
  }, 60_000);

  it('samples a class with guidance from a conditional model; rejects unknown classes', async () => {
    const t = await runCliJson(['diffusion', 'train', '--dataset', '8gaussians', '--conditional', '--rows', '400', '--steps', '20', '--width', '16', '--blocks', '1', '--out', conditional]);
    expect(t.json.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    const s = await runCliJson(['diffusion', 'sample', '--model', conditional, '--n', '4', '--class', '2', '--guidance', '3']);
    expect(s.code).toBe(0);
    const r = await runCliJson(['diffusion', 'sample', '--model', conditional, '--n', '4', '--class', '9']);
    expect(r.code).toBe(2);
    expect((r.json.error as { message: string }).message).toMatch(/not one of the model's classes/);
  }, 60_000);

  it('trains a class-conditional U-Net on the MNIST digits and writes a PNG grid, one row per class', async () => {
    const m = join(dir, 'mnist.json');
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'mnist', '--conditional', '--steps', '2', '--batch-size', '4', '--channels', '8', '--out', m]);
    expect(t.code).toBe(0);
    expect(t.json.rows).toBe(8495);
    expect(t.json.classes).toHaveLength(10);
    const saved = JSON.parse(readFileSync(m, 'utf8')) as { image: unknown; clipRange: number; denoiser: { kind: string } };
    expect(saved.image).toEqual({ height: 14, width: 14, channels: 1 });
    expect(saved.clipRange).toBe(1);
    expect(saved.denoiser.kind).toBe('unet2d');
    // 28×28: three levels (28 → 14 → 7).
    const m28 = join(dir, 'mnist28.json');
    expect((await runCliJson(['diffusion', 'train', '--dataset', 'mnist', '--image-size', '28', '--steps', '1', '--batch-size', '2', '--channels', '8', '--out', m28])).code).toBe(0);
    const saved28 = JSON.parse(readFileSync(m28, 'utf8')) as { image: unknown; denoiser: { config: { channelMults: number[] } } };
    expect(saved28.image).toEqual({ height: 28, width: 28, channels: 1 });
    expect(saved28.denoiser.config.channelMults).toEqual([1, 2, 2]);
    const grid = join(dir, 'grid.png');
    const s = await runCliJson(['diffusion', 'sample', '--model', m, '--n', '2', '--class', 'all', '--guidance', '3', '--scheduler', 'dpm++', '--inference-steps', '2', '--out', grid]);
    expect(s.code).toBe(0);
    expect(s.json.n).toBe(20);
    const png = readFileSync(grid);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: 2 columns and 10 rows of 28×28 cells (14×14 drawn at scale 2) with 2-pixel gaps.
    expect(png.readUInt32BE(16)).toBe(2 * 28 + 3 * 2);
    expect(png.readUInt32BE(20)).toBe(10 * 28 + 11 * 2);
  }, 120_000);

  it('trains a 1-D U-Net on WAV frames and restores a noisy recording, reporting the SNR before and after', async () => {
    const m = join(dir, 'audio.json');
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav,data/audio/speech-2.wav', '--frame', '32', '--channels', '8', '--steps', '2', '--out', m]);
    expect(t.code).toBe(0);
    expect(t.json.columns).toHaveLength(32);
    expect((JSON.parse(readFileSync(m, 'utf8')) as { audio: unknown }).audio).toEqual({ sampleRate: 16000 });
    const out = join(dir, 'restored.wav'), noisy = join(dir, 'noisy.wav');
    const r = await runCliJson(['diffusion', 'restore', '--model', m, '--input', 'data/audio/speech-6.wav', '--add-noise', '5', '--noisy-out', noisy, '--scheduler', 'dpm++', '--inference-steps', '20', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.json.snrNoisyDb as number).toBeCloseTo(5, 4);
    expect(Number.isFinite(r.json.snrRestoredDb)).toBe(true);
    expect(r.json.strength as number).toBeGreaterThan(0);
    for (const f of [out, noisy]) expect(readFileSync(f).subarray(0, 4).toString('latin1')).toBe('RIFF');
    const err = async (args: string[], argument: string, pattern: RegExp) => {
      const e = await runCliJson(args);
      expect(e.code).toBe(2);
      expect((e.json.error as { argument: string }).argument).toBe(argument);
      expect((e.json.error as { message: string }).message).toMatch(pattern);
    };
    await err(['diffusion', 'restore', '--model', m, '--input', 'data/audio/speech-6.wav', '--add-noise', '5', '--inference-steps', '4', '--out', out], '--inference-steps', /at least 7 steps/);
    await err(['diffusion', 'restore', '--model', model, '--input', 'data/audio/speech-6.wav', '--out', out], '--model', /not trained on audio/);
    await err(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav', '--frame', '30', '--out', m], '--frame', /multiple of 8/);
    await err(['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav', '--width', '30', '--out', m], '--width', /MLP/);
    const notPcm = join(dir, 'alaw.wav');
    const b = Buffer.from(readFileSync('data/audio/speech-1.wav'));
    b.writeUInt16LE(6, 20); // audioFormat → A-law
    writeFileSync(notPcm, b);
    await err(['diffusion', 'restore', '--model', m, '--input', notPcm, '--out', out], '--input', /A-law.*integer PCM/s);
  }, 120_000);

  it('trains on windows of one series (log returns) and samples windows', async () => {
    const m = join(dir, 'win.json');
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'eu-stock-markets', '--columns', 'DAX', '--window', '8', '--returns', 'log', '--stride', '4', '--steps', '3', '--width', '16', '--blocks', '1', '--out', m]);
    expect(t.code).toBe(0);
    expect(t.json.columns).toEqual(Array.from({ length: 8 }, (_, i) => `logret_${i + 1}`));
    expect(t.json.rows).toBe(Math.floor((1860 - 1 - 8) / 4) + 1);
    const s = await runCli(['diffusion', 'sample', '--model', m, '--n', '3', '--scheduler', 'ddim', '--inference-steps', '5']);
    expect(s.stdout.trim().split('\n')).toHaveLength(4);
    const e = await runCliJson(['diffusion', 'train', '--dataset', 'eu-stock-markets', '--window', '8', '--out', m]);
    expect((e.json.error as { argument: string }).argument).toBe('--columns');
  }, 60_000);

  it('writes --out into a missing folder, and refuses a folder or an input file as --out before any work', async () => {
    const fresh = join(dir, 'new', 'deeper', 'm.json');
    const t = await runCliJson(['diffusion', 'train', '--dataset', 'moons', '--rows', '200', '--steps', '2', '--width', '8', '--blocks', '1', '--out', fresh]);
    expect(t.code).toBe(0);
    expect(JSON.parse(readFileSync(fresh, 'utf8')).kind).toBe('diffusion');
    const samples = join(dir, 'new2', 's.csv');
    expect((await runCli(['diffusion', 'sample', '--model', fresh, '--n', '2', '--inference-steps', '2', '--out', samples])).code).toBe(0);
    expect(readFileSync(samples, 'utf8').split('\n')[0]).toBe('x,y');

    const refused = async (args: string[], argument: string, pattern: RegExp) => {
      const r = await runCliJson(args);
      expect(r.code).toBe(2);
      expect(r.json.error).toMatchObject({ type: 'ArgumentError', argument });
      expect((r.json.error as { message: string }).message).toMatch(pattern);
      expect(r.json.steps).toBeUndefined();
    };
    // Refused before training: no step ran, so no checkpoint was written beside --out.
    const noTraining = (out: string) => ['--steps', '3', '--checkpoint-every', '1', '--out', out];
    const checkpointOf = (out: string) => out.replace(/(\.json)?$/, '.checkpoint.json');
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { recursive: true });
    await refused(['diffusion', 'train', '--dataset', 'moons', '--rows', '200', ...noTraining(folder)], '--out', /is a folder/);
    expect(existsSync(checkpointOf(folder))).toBe(false);
    // --out equal to --dataset (CSV rows, a WAV file) or to --input: refused, the input untouched.
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, 'a,b\n1,2\n3,5\n4,4\n6,1\n');
    const before = readFileSync(csv, 'utf8');
    await refused(['diffusion', 'train', '--dataset', csv, ...noTraining(csv)], '--out', /--dataset file/);
    await refused(['diffusion', 'train', '--dataset', relative(process.cwd(), csv), ...noTraining(csv)], '--out', /--dataset file/);
    expect(readFileSync(csv, 'utf8')).toBe(before);
    expect(existsSync(checkpointOf(csv))).toBe(false);
    const wav = join(dir, 'speech.wav');
    copyFileSync('data/audio/speech-6.wav', wav);
    const wavBytes = readFileSync(wav);
    await refused(['diffusion', 'train', '--dataset', `data/audio/speech-1.wav,${wav}`, '--frame', '32', '--channels', '8', ...noTraining(wav)], '--out', /--dataset file/);
    expect(existsSync(checkpointOf(wav))).toBe(false);
    const audio = join(dir, 'audio.json'); // trained by the WAV test above
    await refused(['diffusion', 'restore', '--model', audio, '--input', wav, '--out', wav], '--out', /--input file/);
    await refused(['diffusion', 'restore', '--model', audio, '--input', wav, '--add-noise', '5', '--noisy-out', wav, '--out', join(dir, 'r.wav')], '--noisy-out', /--input file/);
    expect(readFileSync(wav).equals(wavBytes)).toBe(true);
    expect(existsSync(join(dir, 'r.wav'))).toBe(false);
  }, 60_000);
});
