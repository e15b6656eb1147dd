/**
 * The part of gifenc 1.0.3 (which ships no types) that ardiff uses. The package is CommonJS with
 * an `__esModule` flag, so its default import differs by loader: Node's ES import gives
 * module.exports ({ GIFEncoder, … }: Node cannot list its named exports, so none are declared);
 * vitest and bundlers that honour the flag give exports.default, the GIFEncoder function itself.
 */
declare module 'gifenc' {
  /** Options of one `writeFrame`. */
  export interface GifEncoderFrameOptions {
    /** [r, g, b] colours; required on the first frame (the global colour table), a local table on later ones. */
    palette?: number[][];
    /** Milliseconds this frame shows (stored in 1/100 s, rounded). */
    delay?: number;
    /** On the first frame: 0 loops forever, −1 plays once (no loop block), n > 0 repeats n times. */
    repeat?: number;
  }

  export interface GifEncoderStream {
    /** Appends a frame of palette indices, row-major, width × height. */
    writeFrame(index: Uint8Array, width: number, height: number, options?: GifEncoderFrameOptions): void;
    /** Writes the trailer byte. */
    finish(): void;
    /** A copy of the bytes written so far. */
    bytes(): Uint8Array;
  }

  export type GIFEncoderFunction = (options?: { initialCapacity?: number }) => GifEncoderStream;

  const gifenc: GIFEncoderFunction | { GIFEncoder: GIFEncoderFunction };
  export default gifenc;
}
