/**
 * Reusable scratch buffers for hot loops. Allocating a Float64Array of more than a few dozen
 * elements costs microseconds in V8 (an off-heap backing store), more than a whole likelihood
 * evaluation of a short series; the optimisers call those evaluations thousands of times.
 * Each caller owns a named slot; a slot's contents are only valid until its next request, and
 * callers must not hold a slot across a call that may use the same slot.
 */
const slots = new Map<string, Float64Array>();

/** A zero-filled Float64Array view of length n, reusing the slot's storage. */
export function scratch(slot: string, n: number): Float64Array {
  let buf = slots.get(slot);
  if (!buf || buf.length < n) {
    buf = new Float64Array(Math.max(n, 2 * (buf?.length ?? 0), 64));
    slots.set(slot, buf);
  }
  const view = buf.subarray(0, n);
  view.fill(0);
  return view;
}
