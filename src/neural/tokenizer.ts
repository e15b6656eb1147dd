/**
 * Character tokenizer with a byte-level fallback, for the character-level GPT (`gpt.ts`).
 *
 * The vocabulary is the corpus's characters (Unicode code points, sorted as nanoGPT's
 * `sorted(set(text))`), optionally followed by 256 byte tokens. With the byte tokens any UTF-8 text
 * can be encoded: a character without a token of its own is written as its UTF-8 bytes, the scheme
 * of byte-fallback tokenizers (SentencePiece `byte_fallback`, Llama). This matters for corpora with
 * large alphabets (Chinese has thousands of characters): only the `maxChars` most frequent
 * characters get their own token, the rare ones are spelled in bytes, so the output layer stays
 * small and nothing is lost.
 *
 *   ids 0 … C−1       the characters, by code point
 *   ids C … C+255     the bytes 0x00 … 0xFF (only when `byteFallback` is on)
 *
 * Encoding a prompt is strict by default: a character outside the vocabulary is a typed error that
 * names it, because silently spelling it in bytes the model may never have seen as input is a
 * choice the caller should make (`unknown: 'bytes'`).
 */
import { ArgumentError, DataError } from '../core/errors.js';

/** What {@link CharTokenizer.encode} does with a character that has no token of its own. */
export type UnknownChars = 'error' | 'bytes';

export interface BuildTokenizerOptions {
  /** Append the 256 byte tokens so that any UTF-8 text can be encoded. Default true. */
  byteFallback?: boolean;
  /**
   * With `byteFallback`, the most frequent characters that get a token of their own (the rest
   * are spelled in bytes). Default 512. Without `byteFallback` every character gets a token.
   */
  maxChars?: number;
}

/** Plain-JSON form of a tokenizer (saved inside a GPT model file). */
export interface TokenizerJSON {
  readonly chars: readonly string[];
  readonly byteFallback: boolean;
}

const BYTES = 256;
const encoder = new TextEncoder();

function codePointLabel(ch: string): string {
  return `${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** A character vocabulary plus (optionally) byte tokens. Immutable. */
export class CharTokenizer {
  /** The characters with a token of their own; character `chars[i]` has id i. */
  readonly chars: readonly string[];
  /** Whether ids `chars.length … chars.length + 255` are the bytes 0 … 255. */
  readonly byteFallback: boolean;
  private readonly index: ReadonlyMap<string, number>;

  constructor(chars: readonly string[], byteFallback: boolean) {
    const index = new Map<string, number>();
    chars.forEach((c, i) => {
      if ([...c].length !== 1) throw new ArgumentError(`CharTokenizer: every vocabulary entry must be one character, got ${JSON.stringify(c)}`, 'chars');
      if (index.has(c)) throw new ArgumentError(`CharTokenizer: character ${codePointLabel(c)} appears twice in the vocabulary`, 'chars');
      index.set(c, i);
    });
    if (chars.length === 0 && !byteFallback) throw new ArgumentError('CharTokenizer: the vocabulary is empty; give characters or turn on byteFallback', 'chars');
    this.chars = Object.freeze([...chars]);
    this.byteFallback = byteFallback;
    this.index = index;
  }

  /** Number of token ids: characters plus 256 when byte tokens are on. */
  get vocabSize(): number {
    return this.chars.length + (this.byteFallback ? BYTES : 0);
  }

  /** Id of the byte token for `b` (0 … 255). */
  byteId(b: number): number {
    if (!this.byteFallback) throw new ArgumentError('tokenizer: this vocabulary has no byte tokens (built with byteFallback: false)', 'unknown');
    return this.chars.length + b;
  }

  /** Whether `ch` (one character) has a token of its own. */
  has(ch: string): boolean {
    return this.index.has(ch);
  }

  /** Distinct characters of `text` without a token of their own, in order of first appearance. */
  unknownChars(text: string): string[] {
    const seen = new Set<string>();
    for (const ch of text) if (!this.index.has(ch)) seen.add(ch);
    return [...seen];
  }

  /**
   * Token ids of `text`. A character without a token of its own throws an {@link ArgumentError}
   * naming it unless `unknown` is 'bytes', which spells it as its UTF-8 bytes (byte tokens needed).
   */
  encode(text: string, options: { unknown?: UnknownChars; argument?: string } = {}): Int32Array {
    const unknown = options.unknown ?? 'error';
    const argument = options.argument ?? 'text';
    if (unknown !== 'error' && unknown !== 'bytes') throw new ArgumentError(`tokenizer: unknown must be 'error' or 'bytes', got '${String(unknown)}'`, 'unknown');
    if (unknown === 'error') {
      const missing = this.unknownChars(text);
      if (missing.length > 0) {
        const shown = missing.slice(0, 10).map(codePointLabel).join(', ') + (missing.length > 10 ? `, … (${missing.length} in all)` : '');
        const them = missing.length === 1 ? 'it' : 'them';
        const fix = this.byteFallback ? `remove ${them}, or ask for ${them} to be encoded as UTF-8 byte tokens (unknown: 'bytes')` : `remove ${them} (this vocabulary has no byte tokens to spell ${them} with)`;
        throw new ArgumentError(`${argument}: ${missing.length === 1 ? 'character' : 'characters'} not in the model's vocabulary: ${shown}; ${fix}`, argument);
      }
    } else if (!this.byteFallback && this.unknownChars(text).length > 0) {
      throw new ArgumentError(`${argument}: characters ${this.unknownChars(text).slice(0, 10).map(codePointLabel).join(', ')} are not in the vocabulary and this tokenizer has no byte tokens (it was built with byteFallback: false)`, argument);
    }
    const out: number[] = [];
    for (const ch of text) {
      const id = this.index.get(ch);
      if (id !== undefined) out.push(id);
      else for (const b of encoder.encode(ch)) out.push(this.chars.length + b);
    }
    return Int32Array.from(out);
  }

  /**
   * `text` with each `maskChar` (one character, default '_') as `blankId` and the rest encoded (by
   * `unknown`'s rule). ArgumentErrors (argument 'text') when there is no blank or nothing but
   * blanks, and for a `maskChar` that is not one character (argument 'maskChar').
   */
  encodeBlanks(text: string, blankId: number, options: { maskChar?: string; unknown?: UnknownChars } = {}): Int32Array {
    if (typeof text !== 'string') throw new ArgumentError('text must be a string', 'text');
    const maskChar = options.maskChar ?? '_';
    if (typeof maskChar !== 'string' || [...maskChar].length !== 1) throw new ArgumentError(`maskChar must be one character, got ${JSON.stringify(maskChar)}`, 'maskChar');
    const ids: number[] = [];
    let given = 0, blanks = 0, run = '';
    const flush = () => {
      if (!run) return;
      ids.push(...this.encode(run, { unknown: options.unknown ?? 'error', argument: 'text' }));
      given += run.length;
      run = '';
    };
    for (const ch of text) {
      if (ch === maskChar) { flush(); ids.push(blankId); blanks++; } else run += ch;
    }
    flush();
    if (!blanks) throw new ArgumentError(`the text has no blanks to fill; mark each missing character with ${maskChar}`, 'text');
    if (!given) throw new ArgumentError('every character of the text is a blank; give some text around the blanks (or generate unconditionally)', 'text');
    return Int32Array.from(ids);
  }

  /** Text of token ids; runs of byte tokens are decoded as UTF-8 (invalid sequences become U+FFFD). */
  decode(ids: ArrayLike<number>): string {
    const C = this.chars.length, V = this.vocabSize;
    const decoder = new TextDecoder('utf-8', { fatal: false });
    let out = '';
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) { out += decoder.decode(Uint8Array.from(bytes)); bytes = []; }
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new ArgumentError(`tokenizer: token id ${id} is outside the vocabulary 0 … ${V - 1}`, 'ids');
      if (id < C) { flush(); out += this.chars[id]; } else bytes.push(id - C);
    }
    flush();
    return out;
  }

  /** Readable name of a token: the character itself, or `<0xAB>` for a byte. */
  tokenName(id: number): string {
    return id < this.chars.length ? this.chars[id] : `<0x${(id - this.chars.length).toString(16).toUpperCase().padStart(2, '0')}>`;
  }

  toJSON(): TokenizerJSON {
    return { chars: [...this.chars], byteFallback: this.byteFallback };
  }

  /** Restores a tokenizer; a malformed object is a {@link DataError} (argument 'model'). */
  static fromJSON(json: unknown): CharTokenizer {
    const j = json as Partial<TokenizerJSON> | null;
    if (!j || typeof j !== 'object' || !Array.isArray(j.chars) || typeof j.byteFallback !== 'boolean' || j.chars.some((c) => typeof c !== 'string')) {
      throw new DataError('model file: "tokenizer" must be {chars: string[], byteFallback: boolean}; the file is corrupt', 'model');
    }
    try {
      return new CharTokenizer(j.chars, j.byteFallback);
    } catch (e) {
      throw new DataError(`model file: bad tokenizer (${(e as Error).message}); the file is corrupt`, 'model');
    }
  }
}

/**
 * Builds the vocabulary of `text`: every character (sorted by code point), or with byte tokens the
 * `maxChars` most frequent ones (ties by code point) with the rest left to the bytes.
 */
export function buildTokenizer(text: string, options: BuildTokenizerOptions = {}): CharTokenizer {
  const byteFallback = options.byteFallback ?? true;
  const maxChars = options.maxChars ?? 512;
  if (typeof text !== 'string') throw new ArgumentError('buildTokenizer: text must be a string', 'text');
  if (!Number.isInteger(maxChars) || maxChars < 0) throw new ArgumentError(`buildTokenizer: maxChars must be an integer ≥ 0, got ${maxChars}`, 'maxChars');
  if (text.length === 0) throw new DataError('the training text is empty; give a text file with some characters in it', 'text');
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const byCodePoint = (a: string, b: string) => a.codePointAt(0)! - b.codePointAt(0)!;
  let chars = [...counts.keys()];
  if (byteFallback && chars.length > maxChars) {
    chars = chars.sort((a, b) => counts.get(b)! - counts.get(a)! || byCodePoint(a, b)).slice(0, maxChars);
  }
  return new CharTokenizer(chars.sort(byCodePoint), byteFallback);
}
