/** JSON output helpers for the CLI: numbers that do not exist become null, never NaN. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A deep copy of plain data with NaN/±Infinity as null and typed arrays as arrays. */
export function jsonSafe(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = jsonSafe(x);
    return out;
  }
  return null;
}
