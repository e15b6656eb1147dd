/**
 * Deprecated aliases kept for one release when a fitted result's property changed shape under the
 * naming convention (statsmodels' names: `params` is the vector of estimates). The new vector
 * carries the old object's fields as non-enumerable, read-only properties, so `fit.params.values`
 * of 0.1 still reads while `fit.params[0]`, `JSON.stringify(fit.params)` and spreading behave
 * as for a plain array.
 */

/** A parameter vector that still answers the fields of the 0.1 object it replaced (deprecated). */
export type VectorWithLegacy<T extends object> = readonly number[] & Readonly<T>;

/** `values` with `legacy`'s fields attached as non-enumerable getters (see the module notes). */
export function vectorWithLegacy<T extends object>(values: readonly number[], legacy: () => T): VectorWithLegacy<T> {
  const out = values.slice();
  let cached: T | undefined;
  const get = (): T => (cached ??= legacy());
  for (const key of Object.keys(get()) as (keyof T & string)[]) {
    // Own properties (indices, length) stay; inherited ones are shadowed (0.1's `params.values`
    // wins over Array.prototype.values on this instance).
    if (Object.prototype.hasOwnProperty.call(out, key)) continue;
    Object.defineProperty(out, key, { get: () => get()[key], enumerable: false });
  }
  return out as unknown as VectorWithLegacy<T>;
}
