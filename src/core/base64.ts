/**
 * Base64 of bytes in Node and in browsers: Node's Buffer where there is one (fast), else the
 * platform's `btoa`/`atob` (every browser, Node ≥ 16). A text that is not base64 gives null.
 */
interface NodeBuffer { from(data: Uint8Array | string, encoding?: string): Uint8Array & { toString(encoding: string): string } }
const NodeBuf = (globalThis as { Buffer?: NodeBuffer }).Buffer;

export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuf) return NodeBuf.from(bytes).toString('base64');
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function base64ToBytes(text: string): Uint8Array | null {
  if (NodeBuf) return NodeBuf.from(text, 'base64');
  try {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
