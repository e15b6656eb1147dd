import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, SUPPORTED_WAV_FORMATS } from '../src/core/wav.js';
import { readWav, writeWav } from '../src/node/wav.js';
import { dataPath } from '../src/node/data.js';
import { ArgumentError, DataError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { maxAbsDiff } from './fixtures.js';

const SPEECH = [1, 2, 3, 4, 5, 6].map((i) => dataPath(`audio/speech-${i}.wav`));

interface HandBuilt {
  code: number;
  channels?: number;
  sampleRate?: number;
  bits: number;
  data: Uint8Array;
  /** Write a WAVE_FORMAT_EXTENSIBLE fmt chunk with this subformat code. */
  subformat?: number;
  /** Declared data size, if it should differ from data.length. */
  dataSize?: number;
}

/** Writes a RIFF/WAVE file byte by byte, independently of the code under test. */
function wavBytes(o: HandBuilt): Uint8Array {
  const channels = o.channels ?? 1, rate = o.sampleRate ?? 8000;
  const blockAlign = (channels * o.bits) / 8;
  const fmtSize = o.subformat === undefined ? 16 : 40;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + o.data.length);
  const v = new DataView(out.buffer);
  const tag = (at: number, s: string): void => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  tag(0, 'RIFF'); v.setUint32(4, out.length - 8, true); tag(8, 'WAVE');
  tag(12, 'fmt '); v.setUint32(16, fmtSize, true);
  v.setUint16(20, o.subformat === undefined ? o.code : 0xfffe, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * blockAlign, true);
  v.setUint16(32, Math.max(1, Math.floor(blockAlign)), true);
  v.setUint16(34, o.bits, true);
  if (o.subformat !== undefined) {
    v.setUint16(36, 22, true); // cbSize
    v.setUint16(38, o.bits, true); // valid bits
    v.setUint32(40, channels === 1 ? 4 : 3, true); // channel mask
    // SubFormat GUID {code-0000-0010-8000-00AA00389B71}, little-endian fields.
    out.set([o.subformat & 0xff, o.subformat >> 8, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 44);
  }
  const d = 20 + fmtSize;
  tag(d, 'data'); v.setUint32(d + 4, o.dataSize ?? o.data.length, true);
  out.set(o.data, d + 8);
  return out;
}

function le(values: number[], bytes: number, float = false): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (float && bytes === 4) v.setFloat32(i * bytes, x, true);
    else if (float) v.setFloat64(i * bytes, x, true);
    else if (bytes === 2) v.setInt16(i * bytes, x, true);
    else if (bytes === 4) v.setInt32(i * bytes, x, true);
    else if (bytes === 3) { const u = x & 0xffffff; out[i * 3] = u & 0xff; out[i * 3 + 1] = (u >> 8) & 0xff; out[i * 3 + 2] = u >> 16; }
  });
  return out;
}

function catchError(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}


describe('readWav: bundled speech', () => {
  it.each(SPEECH)('%s is 16 kHz mono 16-bit PCM, over 1 s, peak in (0, 1]', (file) => {
    const w = readWav(file);
    expect(w.sampleRate).toBe(16000);
    expect(w.channels).toHaveLength(1);
    expect(w.bitDepth).toBe(16);
    expect(w.format).toBe('pcm');
    const x = w.channels[0];
    expect(x.length).toBeGreaterThan(16000);
    let peak = 0;
    for (const v of x) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(1);
  });

  it('reads the same samples from the path and from the bytes, matching the raw int16 / 32768', () => {
    const bytes = new Uint8Array(readFileSync(SPEECH[0]));
    const a = readWav(SPEECH[0]), b = readWav(bytes);
    expect(b.channels[0]).toEqual(a.channels[0]);
    const raw = new DataView(bytes.buffer, bytes.byteOffset + 44);
    for (const i of [0, 1000, 20000, a.channels[0].length - 1]) expect(a.channels[0][i]).toBe(raw.getInt16(2 * i, true) / 32768);
  });
});

describe('encodeWav / readWav round trips', () => {
  it('16-bit speech round trip is exact, down to the data bytes', () => {
    const bytes = new Uint8Array(readFileSync(SPEECH[1]));
    const w = readWav(bytes);
    const again = encodeWav(w.channels[0], w.sampleRate);
    expect(Buffer.from(again.subarray(44)).equals(Buffer.from(bytes.subarray(44)))).toBe(true);
    expect(readWav(again).channels[0]).toEqual(w.channels[0]);
  });

  it('every int16 value survives int16 → float → int16', () => {
    const all = Array.from({ length: 65536 }, (_, i) => i - 32768);
    const w = readWav(wavBytes({ code: 1, bits: 16, data: le(all, 2) }));
    expect(w.channels[0][0]).toBe(-1);
    const out = readWav(encodeWav(w.channels[0], 8000));
    const v = new DataView(encodeWav(out.channels[0], 8000).buffer, 44);
    for (let i = 0; i < all.length; i++) if (v.getInt16(2 * i, true) !== all[i]) throw new Error(`sample ${i}`);
  });

  it('24-bit PCM and 32-bit float round trips are within 1e-6; float32 is exact', () => {
    const rng = createRng(7);
    const x = Float32Array.from({ length: 5000 }, () => 2 * rng.uniform() - 1);
    const w24 = readWav(encodeWav(x, 22050, { bitDepth: 24 }));
    expect(w24).toMatchObject({ sampleRate: 22050, bitDepth: 24, format: 'pcm' });
    expect(maxAbsDiff(w24.channels[0], x)).toBeLessThan(1e-6);
    expect(maxAbsDiff(w24.channels[0], x)).toBeGreaterThan(0);
    const w32 = readWav(encodeWav(x, 22050, { bitDepth: 32 }));
    expect(w32).toMatchObject({ bitDepth: 32, format: 'float' });
    expect(w32.channels[0]).toEqual(x);
  });

  it('keeps channels apart (stereo 16-bit, three-channel float)', () => {
    const l = Float32Array.from([0.5, -0.25, 0]), r = Float32Array.from([-1, 0.125, 0.75]), c = Float32Array.from([0.1, 0.2, 0.3]);
    const s = readWav(encodeWav([l, r], 44100));
    expect(s.channels).toEqual([l, r]);
    const f = readWav(encodeWav([l, r, c], 48000, { bitDepth: 32 }));
    expect(f.format).toBe('float');
    expect(f.channels).toEqual([l, r, c]);
  });

  it('clips to [-1, 1] and rounds', () => {
    const w = readWav(encodeWav(Float32Array.from([1.5, -2, 1, -1, 0.3 / 32768, 0.7 / 32768]), 8000));
    expect(Array.from(w.channels[0])).toEqual([32767 / 32768, -1, 32767 / 32768, -1, 0, 1 / 32768]);
    const f = readWav(encodeWav(Float32Array.from([1.5, -2]), 8000, { bitDepth: 32 }));
    expect(Array.from(f.channels[0])).toEqual([1, -1]);
  });

  it('writeWav writes a file readWav reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ardiff-wav-'));
    try {
      const x = Float32Array.from([0, 0.5, -0.5, 0.25]);
      const path = join(dir, 'x.wav');
      expect(writeWav(path, x, 16000)).toBeUndefined();
      const w = readWav(path);
      expect(w).toMatchObject({ sampleRate: 16000, bitDepth: 16, format: 'pcm' });
      expect(w.channels[0]).toEqual(x);
      // A missing folder is created; a folder as the target is a typed error, and no temporary
      // file is left behind.
      writeWav(join(dir, 'new-folder', 'x.wav'), x, 16000);
      expect(readWav(join(dir, 'new-folder', 'x.wav')).channels[0]).toEqual(x);
      const e = catchError(() => writeWav(join(dir, 'new-folder'), x, 16000));
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe('path');
      expect(readdirSync(join(dir, 'new-folder'))).toEqual(['x.wav']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readWav: hand-built files', () => {
  it('decodes unsigned 8-bit PCM with 128 as zero', () => {
    const w = readWav(wavBytes({ code: 1, bits: 8, data: Uint8Array.from([0, 64, 128, 192, 255]) }));
    expect(w).toMatchObject({ bitDepth: 8, format: 'pcm', sampleRate: 8000 });
    expect(Array.from(w.channels[0])).toEqual([-1, -0.5, 0, 0.5, 127 / 128]);
  });

  it('decodes 24- and 32-bit integer PCM, float64, and interleaved stereo', () => {
    expect(Array.from(readWav(wavBytes({ code: 1, bits: 24, data: le([-8388608, -4194304, 0, 4194304, 8388607], 3) })).channels[0]))
      .toEqual([-1, -0.5, 0, 0.5, Math.fround(8388607 / 8388608)]);
    expect(Array.from(readWav(wavBytes({ code: 1, bits: 32, data: le([-2147483648, 1073741824, 0], 4) })).channels[0])).toEqual([-1, 0.5, 0]);
    const f64 = readWav(wavBytes({ code: 3, bits: 64, data: le([0.25, -0.75], 8, true) }));
    expect(f64).toMatchObject({ format: 'float', bitDepth: 64 });
    expect(Array.from(f64.channels[0])).toEqual([0.25, -0.75]);
    const st = readWav(wavBytes({ code: 1, bits: 16, channels: 2, data: le([16384, -16384, 8192, -8192], 2) }));
    expect(st.channels.map((c) => Array.from(c))).toEqual([[0.5, 0.25], [-0.5, -0.25]]);
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE with PCM and float subformats', () => {
    expect(Array.from(readWav(wavBytes({ code: 0xfffe, subformat: 1, bits: 24, data: le([4194304, -8388608], 3) })).channels[0])).toEqual([0.5, -1]);
    // wavefile alone would read this one as 32-bit integers.
    const f = readWav(wavBytes({ code: 0xfffe, subformat: 3, bits: 32, data: le([0.5, -0.125], 4, true) }));
    expect(f).toMatchObject({ format: 'float', bitDepth: 32 });
    expect(Array.from(f.channels[0])).toEqual([0.5, -0.125]);
  });

  it.each([
    [2, 4, 'Microsoft ADPCM'],
    [6, 8, 'A-law'],
    [7, 8, 'µ-law'],
    [0x55, 16, 'MPEG Layer 3'],
  ])('rejects format code %i with a DataError naming the code and the supported formats', (code, bits, label) => {
    const e = catchError(() => readWav(wavBytes({ code, bits, data: new Uint8Array(16) })));
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).argument).toBe('file');
    expect(e.message).toMatch(new RegExp(`format code ${code} \\(0x[0-9A-F]{4}, ${label}\\)`));
    expect(e.message).toContain('integer PCM 8/16/24/32-bit or IEEE float 32/64-bit');
    expect(e.message).toContain(SUPPORTED_WAV_FORMATS);
  });

  it('rejects an extensible file with an A-law subformat, and PCM/float at unsupported bit depths', () => {
    const ext = catchError(() => readWav(wavBytes({ code: 0xfffe, subformat: 6, bits: 8, data: new Uint8Array(4) })));
    expect(ext).toBeInstanceOf(DataError);
    expect(ext.message).toMatch(/65534 .*subformat code 6 \(0x0006, A-law\)/);
    expect(ext.message).toContain(SUPPORTED_WAV_FORMATS);
    const pcm12 = catchError(() => readWav(wavBytes({ code: 1, bits: 12, data: new Uint8Array(4) })));
    expect(pcm12).toBeInstanceOf(DataError);
    expect(pcm12.message).toMatch(/format code 1 .*12 bits per sample/);
    const pcm64 = catchError(() => readWav(wavBytes({ code: 1, bits: 64, data: new Uint8Array(16) })));
    expect(pcm64).toBeInstanceOf(DataError);
    const f16 = catchError(() => readWav(wavBytes({ code: 3, bits: 16, data: new Uint8Array(4) })));
    expect(f16.message).toMatch(/format code 3 .*16 bits per sample/);
  });

  it('rejects bytes that are not RIFF/WAVE', () => {
    for (const bytes of [new TextEncoder().encode('time,value\n1,2\n3,4\n'), new Uint8Array(0), new Uint8Array(8)]) {
      const e = catchError(() => readWav(bytes, 'input'));
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).argument).toBe('input');
      expect(e.message).toMatch(/not a RIFF\/WAVE file/);
    }
    const rifx = new Uint8Array(readFileSync(SPEECH[0]));
    rifx.set([0x52, 0x49, 0x46, 0x58], 0); // 'RIFX'
    expect(catchError(() => readWav(rifx)).message).toMatch(/RIFX/);
  });

  it('rejects truncated and corrupt files', () => {
    const bytes = new Uint8Array(readFileSync(SPEECH[2]));
    for (const [cut, why] of [[bytes.length - 1, /truncated/], [1000, /truncated/], [40, /no 'data' chunk/], [30, /'fmt ' chunk runs past the end/], [16, /no 'fmt ' chunk/]] as const) {
      const e = catchError(() => readWav(bytes.subarray(0, cut)));
      expect(e, `cut at ${cut}`).toBeInstanceOf(DataError);
      expect(e.message).toMatch(why);
    }
    const oddSize = catchError(() => readWav(wavBytes({ code: 1, bits: 16, data: new Uint8Array(5) })));
    expect(oddSize.message).toMatch(/not a whole number of 2-byte frames/);
    const badAlign = wavBytes({ code: 1, bits: 16, channels: 2, data: new Uint8Array(8) });
    badAlign[32] = 3;
    expect(catchError(() => readWav(badAlign)).message).toMatch(/bytes per frame/);
  });

  it('rejects an empty data chunk', () => {
    const e = catchError(() => readWav(wavBytes({ code: 1, bits: 16, data: new Uint8Array(0) })));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/'data' chunk is empty/);
  });

  it('a missing file is a DataError naming the path', () => {
    const path = join(tmpdir(), 'ardiff-no-such-file-4242.wav');
    const e = catchError(() => readWav(path));
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).argument).toBe('file');
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/does not exist/);
  });
});

describe('encodeWav argument checks', () => {
  const x = Float32Array.from([0, 0.5]);
  it.each([
    [() => encodeWav(x, 0), ArgumentError, 'sampleRate'],
    [() => encodeWav(x, 44100.5), ArgumentError, 'sampleRate'],
    [() => encodeWav(x, 8000, { bitDepth: 8 as 16 }), ArgumentError, 'bitDepth'],
    [() => encodeWav(new Float32Array(0), 8000), DataError, 'samples'],
    [() => encodeWav([x, new Float32Array(3)], 8000), DataError, 'samples'],
    [() => encodeWav(Float32Array.from([0, NaN]), 8000), DataError, 'samples'],
    [() => encodeWav([], 8000), ArgumentError, 'samples'],
  ] as const)('case %#', (f, cls, argument) => {
    const e = catchError(f);
    expect(e).toBeInstanceOf(cls);
    expect((e as ArgumentError).argument).toBe(argument);
  });
});
