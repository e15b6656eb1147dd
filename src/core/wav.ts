/**
 * Decoding and encoding WAV bytes, for the audio demos (pure: no file system; `ardiff/node`
 * reads and writes files with `readWav`/`writeWav`).
 *
 * Sample packing and unpacking by `wavefile` (11.0.0). The RIFF chunk walk and the format checks
 * are done here first, because wavefile is lenient where a reader must not be: it silently
 * returns fewer samples from a truncated file, decodes WAVE_FORMAT_EXTENSIBLE 32-bit float as
 * 32-bit integers, and reads 64-bit integer PCM as float.
 *
 * Specs: Microsoft/IBM "Multimedia Programming Interface and Data Specifications 1.0" (1991),
 * RIFF and the WAVE `fmt `/`data` chunks; Microsoft "WAVEFORMATEXTENSIBLE" (mmreg.h / ksmedia.h),
 * whose SubFormat GUID is {code-0000-0010-8000-00AA00389B71}. Integer samples are scaled by
 * 2^(bits−1) (8-bit PCM is unsigned with 128 as zero), the convention of libsndfile and SciPy,
 * so integer → float → integer is exact.
 */
import * as wavefile from 'wavefile';
import { ArgumentError, DataError } from './errors.js';

// wavefile ships CommonJS (`main`, `export =`: Node's ESM loader hands its exports over as the
// default) and an ES module (`module`, which bundlers for the browser take: a named export).
const { WaveFile } = ((wavefile as unknown as { WaveFile?: unknown }).WaveFile ? wavefile : (wavefile as unknown as { default: typeof wavefile }).default);

/** How samples are stored: integer PCM or IEEE floating point. */
export type WavSampleFormat = 'pcm' | 'float';

/** A decoded WAV file. */
export interface WavAudio {
  /** Samples per second (per channel). */
  readonly sampleRate: number;
  /** One array per channel, values scaled to [-1, 1] (float files are returned as stored). */
  readonly channels: Float32Array[];
  /** Bits per stored sample: 8, 16, 24 or 32 for PCM; 32 or 64 for float. */
  readonly bitDepth: number;
  readonly format: WavSampleFormat;
}

/** Options of {@link encodeWav} (and `writeWav` of `ardiff/node`). */
export interface WavWriteOptions {
  /** 16 or 24: integer PCM; 32: IEEE float 32-bit (lossless for Float32Array). Default 16. */
  bitDepth?: 16 | 24 | 32;
}

/** The formats {@link decodeWav} decodes, as quoted in its error messages. */
export const SUPPORTED_WAV_FORMATS = 'integer PCM 8/16/24/32-bit or IEEE float 32/64-bit';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Names of common format codes (mmreg.h), so an error can say what the file actually holds. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'integer PCM',
  0x0002: 'Microsoft ADPCM',
  0x0003: 'IEEE float',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0092: 'Dolby AC-3 SPDIF',
  0x1610: 'AAC',
  0xfffe: 'WAVE_FORMAT_EXTENSIBLE',
};

/** Bytes 2–15 of every KSDATAFORMAT_SUBTYPE_* GUID; bytes 0–1 hold the format code. */
const KSDATAFORMAT_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

function describeCode(code: number): string {
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `${code} (0x${hex}${FORMAT_NAMES[code] ? `, ${FORMAT_NAMES[code]}` : ''})`;
}

const CONVERT_HINT = 'convert it first, e.g. `sox in.wav -e signed-integer -b 16 out.wav`';

interface ChunkSpan {
  readonly start: number;
  readonly size: number;
}

interface FmtInfo {
  readonly format: WavSampleFormat;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitDepth: number;
  readonly blockAlign: number;
  readonly data: ChunkSpan;
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function printable(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 4), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return bytes.length === 0 ? 'it is empty' : `it starts with '${head}'`;
}

/**
 * Walks the RIFF chunks and checks the `fmt ` chunk. Every failure is a {@link DataError} naming
 * the file; a chunk that runs past the end of the bytes means the file is truncated.
 */
function inspect(bytes: Uint8Array, name: string, argument: string): FmtInfo {
  const fail = (what: string): never => {
    throw new DataError(`${name}: ${what}`, argument);
  };
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'WAVE') {
    const riffx = bytes.length >= 4 && (fourcc(bytes, 0) === 'RIFX' || fourcc(bytes, 0) === 'RF64');
    fail(
      `not a RIFF/WAVE file (${printable(bytes)}${riffx ? '; big-endian RIFX and RF64 containers are not supported' : ''}); ` +
        `give a little-endian .wav file holding ${SUPPORTED_WAV_FORMATS}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: ChunkSpan | undefined;
  let data: ChunkSpan | undefined;
  // RIFF chunks: 4-byte id, 4-byte little-endian size, body padded to an even length.
  for (let at = 12; at + 8 <= bytes.length && !(fmt && data); ) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && !fmt) fmt = { start: at + 8, size };
    else if (id === 'data' && !data) data = { start: at + 8, size };
    at += 8 + size + (size & 1);
  }
  if (!fmt) return fail(`has no 'fmt ' chunk; the file is truncated or not a valid WAV file`);
  if (fmt.size < 16) return fail(`its 'fmt ' chunk holds ${fmt.size} bytes, fewer than the 16 every WAV format needs; the file is corrupt`);
  if (fmt.start + fmt.size > bytes.length) return fail(`its 'fmt ' chunk runs past the end of the file; the file is truncated`);
  const s = fmt.start;
  const code = view.getUint16(s, true);
  const channels = view.getUint16(s + 2, true);
  const sampleRate = view.getUint32(s + 4, true);
  const blockAlign = view.getUint16(s + 12, true);
  const bits = view.getUint16(s + 14, true);

  let effective = code;
  let found = `format code ${describeCode(code)}`;
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    // WAVEFORMATEXTENSIBLE: cbSize (2), validBits (2), channel mask (4), SubFormat GUID (16).
    if (fmt.size < 40 || view.getUint16(s + 16, true) < 22) {
      return fail(`format code ${describeCode(code)} needs a 40-byte 'fmt ' chunk with the SubFormat GUID, found ${fmt.size} bytes; the file is corrupt`);
    }
    const guid = bytes.subarray(s + 24, s + 40);
    const sub = view.getUint16(s + 24, true);
    if (!KSDATAFORMAT_TAIL.every((b, i) => guid[i + 2] === b)) {
      return fail(`format code ${describeCode(code)} with a SubFormat GUID that is not a standard format code is not supported; ardiff reads ${SUPPORTED_WAV_FORMATS}; ${CONVERT_HINT}`);
    }
    effective = sub;
    found = `format code ${describeCode(code)} with subformat code ${describeCode(sub)}`;
  }
  let format: WavSampleFormat;
  if (effective === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bits)) format = 'pcm';
  else if (effective === WAVE_FORMAT_IEEE_FLOAT && (bits === 32 || bits === 64)) format = 'float';
  else {
    const what = effective === WAVE_FORMAT_PCM || effective === WAVE_FORMAT_IEEE_FLOAT ? `${found} at ${bits} bits per sample` : found;
    return fail(`${what} is not supported; ardiff reads ${SUPPORTED_WAV_FORMATS}; ${CONVERT_HINT}`);
  }
  if (channels < 1) return fail(`the 'fmt ' chunk declares ${channels} channels; the file is corrupt`);
  if (sampleRate < 1) return fail(`the 'fmt ' chunk declares a sample rate of ${sampleRate} Hz; the file is corrupt`);
  if (blockAlign !== (channels * bits) / 8) {
    return fail(`the 'fmt ' chunk declares ${blockAlign} bytes per frame, but ${channels} channel(s) of ${bits} bits need ${(channels * bits) / 8}; the file is corrupt`);
  }
  if (!data) return fail(`has no 'data' chunk; the file is truncated or holds no audio`);
  if (data.size === 0) return fail(`its 'data' chunk is empty; there are no samples to read`);
  if (data.start + data.size > bytes.length) {
    return fail(`its 'data' chunk declares ${data.size} bytes but only ${bytes.length - data.start} follow; the file is truncated`);
  }
  if (data.size % blockAlign !== 0) {
    return fail(`its 'data' chunk holds ${data.size} bytes, not a whole number of ${blockAlign}-byte frames; the file is corrupt`);
  }
  return { format, channels, sampleRate, bitDepth: bits, blockAlign, data };
}

/**
 * Decodes WAV bytes: integer PCM 8/16/24/32-bit (format code 1, or WAVE_FORMAT_EXTENSIBLE with a PCM
 * subformat) and IEEE float 32/64-bit (code 3 or extensible float). Anything else — ADPCM, A-law,
 * µ-law, MP3 in WAV, bytes that are not RIFF/WAVE, a truncated or corrupt file, an empty data
 * chunk — throws a {@link DataError} naming `name`.
 *
 * @param bytes the file's bytes.
 * @param name how errors name the source (default: the argument).
 * @param argument the argument name reported in errors (e.g. a CLI flag).
 * @example
 * const { sampleRate, channels } = decodeWav(new Uint8Array(await (await fetch('a.wav')).arrayBuffer()));
 */
export function decodeWav(bytes: Uint8Array, name = 'WAV bytes', argument = 'bytes'): WavAudio {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`${argument} must be a Uint8Array of WAV bytes`, argument);
  const info = inspect(bytes, name, argument);
  // Hand wavefile only the header and the data chunk, with the extensible code replaced by the
  // subformat code: wavefile picks its sample type from the format code alone and would read
  // extensible 32-bit float as integers.
  const canonical = canonicalWav(bytes, info);
  let raw: Float64Array;
  try {
    const wav = new WaveFile(canonical);
    raw = wav.getSamples(true, Float64Array);
  } catch (e) {
    throw new DataError(`${name}: cannot decode the samples (${(e as Error).message}); the file is corrupt`, argument);
  }
  const frames = info.data.size / info.blockAlign;
  if (raw.length !== frames * info.channels) {
    throw new DataError(`${name}: decoded ${raw.length} samples where ${frames * info.channels} were expected; the file is corrupt`, argument);
  }
  // Integer scale 2^(bits−1); 8-bit PCM is unsigned, offset 128 (RIFF spec, "Data Packing for PCM").
  const scale = info.format === 'float' ? 1 : 2 ** (info.bitDepth - 1);
  const offset = info.format === 'pcm' && info.bitDepth === 8 ? 128 : 0;
  const channels: Float32Array[] = [];
  for (let c = 0; c < info.channels; c++) {
    const ch = new Float32Array(frames);
    for (let i = 0, k = c; i < frames; i++, k += info.channels) ch[i] = (raw[k] - offset) / scale;
    channels.push(ch);
  }
  return { sampleRate: info.sampleRate, channels, bitDepth: info.bitDepth, format: info.format };
}

/** A minimal RIFF/WAVE (44-byte PCM/float header + data) holding the same samples. */
function canonicalWav(bytes: Uint8Array, info: FmtInfo): Uint8Array {
  const out = new Uint8Array(44 + info.data.size);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + info.data.size, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, info.format === 'float' ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  v.setUint16(22, info.channels, true);
  v.setUint32(24, info.sampleRate, true);
  v.setUint32(28, info.sampleRate * info.blockAlign, true);
  v.setUint16(32, info.blockAlign, true);
  v.setUint16(34, info.bitDepth, true);
  ascii(36, 'data');
  v.setUint32(40, info.data.size, true);
  out.set(bytes.subarray(info.data.start, info.data.start + info.data.size), 44);
  return out;
}

/** Checks the channels and returns them as a list of equal-length arrays. */
function channelList(samples: Float32Array | Float32Array[]): Float32Array[] {
  const list = Array.isArray(samples) ? samples : [samples];
  if (list.length === 0 || !list.every((c) => c instanceof Float32Array)) {
    throw new ArgumentError('samples must be a Float32Array (mono) or a non-empty array of Float32Array channels', 'samples');
  }
  const n = list[0].length;
  if (n === 0) throw new DataError('samples are empty; a WAV file needs at least one sample per channel', 'samples');
  list.forEach((c, j) => {
    if (c.length !== n) throw new DataError(`samples: channel ${j + 1} has ${c.length} samples but channel 1 has ${n}; all channels must have the same length`, 'samples');
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(c[i])) throw new DataError(`samples: channel ${j + 1}, sample ${i} is ${c[i]}; WAV samples must be finite`, 'samples');
    }
  });
  return list;
}

/**
 * Encodes samples as WAV bytes: 16-bit integer PCM by default, 24-bit PCM, or 32-bit IEEE float.
 * Values are clipped to [-1, 1]; integers are round(x · 2^(bits−1)) clamped to the type, so a
 * file decoded by {@link decodeWav} encodes back to the same integers.
 *
 * @param samples one Float32Array (mono) or one per channel, all of the same length.
 */
export function encodeWav(samples: Float32Array | Float32Array[], sampleRate: number, options: WavWriteOptions = {}): Uint8Array {
  const list = channelList(samples);
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new ArgumentError(`sampleRate must be a positive integer number of samples per second (e.g. 16000); got ${sampleRate}`, 'sampleRate');
  }
  const bitDepth = options.bitDepth ?? 16;
  if (bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new ArgumentError(`bitDepth must be 16 or 24 (integer PCM) or 32 (IEEE float); got ${String(bitDepth)}`, 'bitDepth');
  }
  const nc = list.length, n = list[0].length;
  const isFloat = bitDepth === 32;
  const interleaved = isFloat ? new Float32Array(n * nc) : new Float64Array(n * nc);
  const scale = 2 ** (bitDepth - 1);
  for (let c = 0; c < nc; c++) {
    const ch = list[c];
    for (let i = 0, k = c; i < n; i++, k += nc) {
      const x = Math.min(1, Math.max(-1, ch[i]));
      interleaved[k] = isFloat ? x : Math.min(scale - 1, Math.round(x * scale));
    }
  }
  const wav = new WaveFile();
  wav.fromScratch(nc, sampleRate, isFloat ? '32f' : String(bitDepth), interleaved);
  // For more than two channels wavefile writes a 40-byte fmt chunk that keeps format code 1 or 3
  // (not 0xFFFE) next to a PCM SubFormat GUID; readers go by the code, so float stays float.
  return wav.toBuffer();
}
