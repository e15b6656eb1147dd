// Animated greyscale GIFs (src/node/gif.ts): decoded back with omggif, every upscaled pixel is the
// expected grey level exactly; the delay, loop block and sizes are what the options ask; the file
// is written atomically and bad paths and inputs fail with typed errors naming the argument.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { GifReader } from 'omggif';
import { afterAll, describe, expect, it } from 'vitest';
import { ArdiffError, ArgumentError, DataError } from '../src/core/errors.js';
import { encodeGreyGif, writeGreyGif, type GifOptions } from '../src/node/gif.js';
import * as node from '../src/node/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ardiff-gif-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 5, H = 4, PX = W * H;
/** Frame 1: all 0. Frame 2: columns 0, 0.5, 1 and two outside [0, 1] (clipped). Frame 3: a gradient. */
const FRAMES = Float64Array.from({ length: 3 * PX }, (_, i) => {
  const k = Math.floor(i / PX), p = i % PX;
  if (k === 0) return 0;
  if (k === 1) return [0, 0.5, 1, -0.3, 1.7][p % W];
  return p / (PX - 1);
});

const level = (v: number, lo: number, hi: number): number => Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));

/** The RGBA pixels each frame should decode to: the grey level of its value at every scale × scale pixel. */
function expected(frames: ArrayLike<number>, count: number, w: number, h: number, scale: number, [lo, hi]: [number, number]): number[][] {
  return Array.from({ length: count }, (_, k) => {
    const out: number[] = [];
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const l = level(frames[k * w * h + Math.floor(y / scale) * w + Math.floor(x / scale)], lo, hi);
        out.push(l, l, l, 255);
      }
    }
    return out;
  });
}

function decode(bytes: Uint8Array): { reader: GifReader; frames: number[][] } {
  const reader = new GifReader(bytes);
  const frames = Array.from({ length: reader.numFrames() }, (_, k) => {
    const pixels = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(k, pixels);
    return Array.from(pixels);
  });
  return { reader, frames };
}

function thrown(f: () => unknown): ArdiffError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ArdiffError);
    return e as ArdiffError;
  }
  throw new Error('expected an error');
}

describe('encodeGreyGif', () => {
  it('defaults: 3 frames upscaled ×4, 25/100 s each (4 fps), looping forever, every pixel its exact grey level', () => {
    const bytes = encodeGreyGif(FRAMES, 3, { width: W, height: H });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1')).toBe('GIF89a');
    const { reader, frames } = decode(bytes);
    expect(reader.numFrames()).toBe(3);
    expect([reader.width, reader.height]).toEqual([W * 4, H * 4]);
    expect(reader.loopCount()).toBe(0);
    for (let k = 0; k < 3; k++) {
      const info = reader.frameInfo(k);
      expect([info.x, info.y, info.width, info.height]).toEqual([0, 0, W * 4, H * 4]);
      expect(info.delay).toBe(25);
      expect(info.transparent_index).toBeNull();
      expect(info.has_local_palette).toBe(false); // one global table of 256 greys
    }
    expect(frames).toEqual(expected(FRAMES, 3, W, H, 4, [0, 1]));
    // Spot checks of the mapping itself: 0.5 → 128 (round half up), clipping at both ends.
    const row = (k: number): number[] => frames[k].filter((_, i) => i % 16 === 0).slice(0, W);
    expect(row(0)).toEqual([0, 0, 0, 0, 0]);
    expect(row(1)).toEqual([0, 128, 255, 0, 255]);
  });

  it('options: range, scale, fps, plays once without loop; plain arrays and Float32Array give the same file', () => {
    const frames = Array.from(FRAMES, (v) => 2 * v - 1);
    const options: GifOptions = { width: W, height: H, scale: 3, fps: 3, loop: false, range: [-1, 1] };
    const bytes = encodeGreyGif(frames, 3, options);
    const { reader, frames: got } = decode(bytes);
    expect([reader.width, reader.height]).toEqual([W * 3, H * 3]);
    expect(reader.loopCount()).toBeNull();
    expect([0, 1, 2].map((k) => reader.frameInfo(k).delay)).toEqual([33, 33, 33]);
    expect(got).toEqual(expected(frames, 3, W, H, 3, [-1, 1]));
    expect(encodeGreyGif(Float32Array.from(frames), 3, options)).toEqual(bytes);
    // scale 1, 10 fps, one frame of one pixel.
    const one = decode(encodeGreyGif([0.25], 1, { width: 1, height: 1, scale: 1, fps: 10 }));
    expect([one.reader.width, one.reader.height, one.reader.numFrames(), one.reader.frameInfo(0).delay]).toEqual([1, 1, 1, 10]);
    expect(one.frames[0]).toEqual([64, 64, 64, 255]);
  });

  it('all 256 grey levels come back exactly (palette index = level, no quantisation)', () => {
    const ramp = Array.from({ length: 256 }, (_, i) => i / 255);
    const { frames } = decode(encodeGreyGif([...ramp, ...ramp.reverse()], 2, { width: 16, height: 16, scale: 1 }));
    expect(frames[0].filter((_, i) => i % 4 === 0)).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(frames[1].filter((_, i) => i % 4 === 0)).toEqual(Array.from({ length: 256 }, (_, i) => 255 - i));
  });

  it('the same bytes under Node\'s own ES loader (there gifenc\'s default import is module.exports, under vitest the GIFEncoder function)', async () => {
    const bundle = await build({ entryPoints: [join(ROOT, 'src/node/gif.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, logLevel: 'silent' });
    const code = `${bundle.outputFiles[0].text}\nprocess.stdout.write(Buffer.from(encodeGreyGif(${JSON.stringify(Array.from(FRAMES))}, 3, { width: ${W}, height: ${H} })).toString('base64'));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(new Uint8Array(Buffer.from(run.stdout, 'base64'))).toEqual(encodeGreyGif(FRAMES, 3, { width: W, height: H }));
  });

  it('is exported by ardiff/node', () => {
    expect(node.encodeGreyGif).toBe(encodeGreyGif);
    expect(node.writeGreyGif).toBe(writeGreyGif);
  });
});

describe('encodeGreyGif: typed errors naming the argument', () => {
  const opts = (o: Partial<GifOptions> = {}): GifOptions => ({ width: W, height: H, ...o });
  const cases: [string, () => unknown, typeof ArgumentError | typeof DataError, string, RegExp][] = [
    ['too few values', () => encodeGreyGif(FRAMES.subarray(1), 3, opts()), ArgumentError, 'frames', /holds 59 values; 3 frames of 4×5 need 60/],
    ['too many values', () => encodeGreyGif(FRAMES, 2, opts()), ArgumentError, 'frames', /holds 60 values; 2 frames of 4×5 need 40/],
    ['frames not an array', () => encodeGreyGif(null as unknown as number[], 3, opts()), ArgumentError, 'frames', /array of numbers/],
    ['width 0', () => encodeGreyGif(FRAMES, 3, opts({ width: 0 })), ArgumentError, 'width', /width must be a positive integer, got 0/],
    ['width 2.5', () => encodeGreyGif(FRAMES, 3, opts({ width: 2.5 })), ArgumentError, 'width', /positive integer/],
    ['height −4', () => encodeGreyGif(FRAMES, 3, opts({ height: -4 })), ArgumentError, 'height', /positive integer/],
    ['frameCount 0', () => encodeGreyGif([], 0, opts()), ArgumentError, 'frameCount', /frameCount must be a positive integer/],
    ['frameCount 1.5', () => encodeGreyGif(FRAMES, 1.5, opts()), ArgumentError, 'frameCount', /positive integer/],
    ['fps 0', () => encodeGreyGif(FRAMES, 3, opts({ fps: 0 })), ArgumentError, 'fps', /fps must be a finite number > 0/],
    ['fps −2', () => encodeGreyGif(FRAMES, 3, opts({ fps: -2 })), ArgumentError, 'fps', /> 0/],
    ['fps NaN', () => encodeGreyGif(FRAMES, 3, opts({ fps: NaN })), ArgumentError, 'fps', /finite/],
    ['fps Infinity', () => encodeGreyGif(FRAMES, 3, opts({ fps: Infinity })), ArgumentError, 'fps', /finite/],
    ['fps too high for 1/100 s delays', () => encodeGreyGif(FRAMES, 3, opts({ fps: 1000 })), ArgumentError, 'fps', /delay of 0\/100 s/],
    ['scale 0', () => encodeGreyGif(FRAMES, 3, opts({ scale: 0 })), ArgumentError, 'scale', /scale must be a positive integer/],
    ['scale 1.5', () => encodeGreyGif(FRAMES, 3, opts({ scale: 1.5 })), ArgumentError, 'scale', /positive integer/],
    ['width × scale over 65535', () => encodeGreyGif([], 1, { width: 20000, height: 1, scale: 4 }), ArgumentError, 'scale', /80000×4 pixels.*65535/],
    ['height over 65535', () => encodeGreyGif([], 1, { width: 1, height: 65536, scale: 1 }), ArgumentError, 'height', /65535/],
    ['range lo = hi', () => encodeGreyGif(FRAMES, 3, opts({ range: [1, 1] })), ArgumentError, 'range', /high > low, got \[1, 1\]/],
    ['range lo > hi', () => encodeGreyGif(FRAMES, 3, opts({ range: [1, 0] })), ArgumentError, 'range', /high > low/],
    ['range not finite', () => encodeGreyGif(FRAMES, 3, opts({ range: [-Infinity, 1] })), ArgumentError, 'range', /finite/],
    ['range NaN', () => encodeGreyGif(FRAMES, 3, opts({ range: [0, NaN] })), ArgumentError, 'range', /finite/],
    ['range not a pair', () => encodeGreyGif(FRAMES, 3, opts({ range: [0] as unknown as [number, number] })), ArgumentError, 'range', /\[low, high\]/],
    ['loop not a boolean', () => encodeGreyGif(FRAMES, 3, opts({ loop: 'yes' as unknown as boolean })), ArgumentError, 'loop', /true or false/],
    ['a NaN value', () => encodeGreyGif(Float64Array.from(FRAMES, (v, i) => (i === PX + 2 * W + 3 ? NaN : v)), 3, opts()), DataError, 'frames', /NaN at frame 2, row 3, column 4 is not a finite number/],
    ['an infinite value', () => encodeGreyGif(Float64Array.from(FRAMES, (v, i) => (i === 3 * PX - 1 ? -Infinity : v)), 3, opts()), DataError, 'frames', /-Infinity at frame 3, row 4, column 5/],
  ];
  it.each(cases)('%s', (_, f, type, argument, message) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(type);
    expect(e.argument).toBe(argument);
    expect(e.message).toMatch(message);
  });
});

describe('writeGreyGif', () => {
  const opts: GifOptions = { width: W, height: H, scale: 2 };

  it('writes the GIF atomically, creating its folder; no temporary file is left', () => {
    const path = join(dir, 'new', 'deeper', 'anim.gif');
    writeGreyGif(path, FRAMES, 3, opts);
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes).toEqual(encodeGreyGif(FRAMES, 3, opts));
    expect(decode(bytes).frames).toEqual(expected(FRAMES, 3, W, H, 2, [0, 1]));
    expect(readdirSync(join(dir, 'new', 'deeper'))).toEqual(['anim.gif']);
    writeGreyGif(path, FRAMES.subarray(0, PX), 1, opts); // overwrites
    expect(decode(new Uint8Array(readFileSync(path))).reader.numFrames()).toBe(1);
  });

  it('refuses a folder as the path, a path ending in a slash, a folder that cannot be created, a system folder; with the argument named', () => {
    mkdirSync(join(dir, 'a-folder'), { recursive: true });
    writeFileSync(join(dir, 'a-file'), 'x');
    const refusals: [string, RegExp][] = [
      [join(dir, 'a-folder'), /--gif '.*a-folder' is a folder; give a file path/],
      [join(dir, 'slash') + '/', /is a folder/],
      [join(dir, 'a-file', 'anim.gif'), /cannot create the folder of --gif '.*a-file\/anim\.gif': '.*a-file' is a file, not a folder/],
      ['/proc/ardiff-gif-test/anim.gif', /is under \/proc, a system folder/],
    ];
    for (const [path, message] of refusals) {
      const e = thrown(() => writeGreyGif(path, FRAMES, 3, opts, '--gif'));
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.argument).toBe('--gif');
      expect(e.message).toMatch(message);
    }
    expect(existsSync(join(dir, 'slash'))).toBe(false);
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('x');
    expect(thrown(() => writeGreyGif(join(dir, 'a-folder'), FRAMES, 3, opts)).argument).toBe('path');
  });

  it('writes nothing (not even the folder) when the frames are bad', () => {
    const e = thrown(() => writeGreyGif(join(dir, 'never', 'anim.gif'), [NaN], 1, { width: 1, height: 1 }));
    expect(e).toBeInstanceOf(DataError);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
