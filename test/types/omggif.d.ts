/** The part of omggif 1.0.10 (which ships no types) that the tests use to decode GIFs. */
declare module 'omggif' {
  export interface GifFrameInfo {
    x: number;
    y: number;
    width: number;
    height: number;
    /** In 1/100 s, as the GIF stores it. */
    delay: number;
    disposal: number;
    transparent_index: number | null;
    interlaced: boolean;
    /** Whether the frame carries its own colour table (else it uses the global one). */
    has_local_palette: boolean;
  }

  export class GifReader {
    constructor(buf: Uint8Array);
    readonly width: number;
    readonly height: number;
    numFrames(): number;
    /** The Netscape loop count (0: forever), or null where the file has no loop block (plays once). */
    loopCount(): number | null;
    frameInfo(frame: number): GifFrameInfo;
    /** Draws the frame over `pixels` (width × height × 4 RGBA). */
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array | Uint8ClampedArray): void;
  }
}
