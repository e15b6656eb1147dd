/**
 * Named, seeded parameters of a neural model, and their plain-JSON form.
 *
 * Every weight is drawn from ardiff's own seeded RNG on the host and then uploaded, so the same
 * seed gives the same initial weights on every backend (tfjs' random ops carry their own seeds).
 * Weights serialise as base64 of little-endian float32, which restores them bit for bit.
 */
import { bytesToBase64, base64ToBytes } from '../core/base64.js';
import { ArgumentError, DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { tf, type Tensor, type Variable } from './engine/tf.js';

/** How a parameter starts: constants, N(0, std²), or U(−bound, bound). */
export type Init = { zeros: true } | { ones: true } | { constant: number } | { normal: number } | { uniform: number };

/** Serialised parameter. */
export interface ParamJSON {
  readonly name: string;
  readonly shape: readonly number[];
  /** Little-endian float32 values, base64. */
  readonly data: string;
}

function encode(values: Float32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function decode(data: string, n: number, name: string): Float32Array {
  const bytes = base64ToBytes(data);
  if (!bytes) throw new DataError(`model file: parameter '${name}' is not base64 text; the file is corrupt`, 'model');
  if (bytes.length !== n * 4) throw new DataError(`model file: parameter '${name}' has ${bytes.length / 4} values, its shape needs ${n}; the file is corrupt or from another model`, 'model');
  const out = new Float32Array(n);
  new Uint8Array(out.buffer).set(bytes);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i])) throw new DataError(`model file: parameter '${name}' holds a non-finite value (${out[i]}) at index ${i}; the file is corrupt — retrain the model or restore a good copy`, 'model');
  }
  return out;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** An ordered set of named trainable variables. */
export class ParamStore {
  private readonly byName = new Map<string, Variable>();

  /** Creates parameter `name` of `shape`, initialised from `rng` as `init` says. */
  add(name: string, shape: readonly number[], init: Init, rng: Rng): Variable {
    if (this.byName.has(name)) throw new ArgumentError(`ParamStore: parameter '${name}' exists already`, 'name');
    const n = sizeOf(shape);
    const v = new Float32Array(n);
    if ('ones' in init) v.fill(1);
    else if ('constant' in init) v.fill(init.constant);
    else if ('normal' in init) for (let i = 0; i < n; i++) v[i] = init.normal * rng.normal();
    else if ('uniform' in init) for (let i = 0; i < n; i++) v[i] = init.uniform * (2 * rng.uniform() - 1);
    return this.set(name, shape, v);
  }

  /** Adds a parameter with given values. */
  set(name: string, shape: readonly number[], values: Float32Array): Variable {
    const init = tf.tensor(values, [...shape], 'float32');
    const variable = tf.variable(init, true); // copies: free the initial tensor
    init.dispose();
    this.byName.set(name, variable);
    return variable;
  }

  get(name: string): Variable {
    const v = this.byName.get(name);
    if (!v) throw new ArgumentError(`ParamStore: no parameter '${name}'`, 'name');
    return v;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  variables(): Variable[] {
    return [...this.byName.values()];
  }

  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.byName.values()) n += v.size;
    return n;
  }

  toJSON(): ParamJSON[] {
    return [...this.byName].map(([name, v]) => ({ name, shape: v.shape, data: encode(v.dataSync() as Float32Array) }));
  }

  /** Restores a store, checking names and shapes against `expected` (name → shape) when given. */
  static fromJSON(json: readonly ParamJSON[], expected?: ReadonlyMap<string, readonly number[]>): ParamStore {
    if (!Array.isArray(json)) throw new DataError('model file: "params" must be an array of {name, shape, data}', 'model');
    const store = new ParamStore();
    for (const p of json) {
      if (typeof p?.name !== 'string' || !Array.isArray(p.shape) || !(p.shape as unknown[]).every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) || typeof p.data !== 'string') {
        throw new DataError('model file: every parameter needs a name, a shape and base64 data; the file is corrupt', 'model');
      }
      const want = expected?.get(p.name);
      if (expected && (!want || want.length !== p.shape.length || want.some((d, i) => d !== p.shape[i]))) {
        throw new DataError(`model file: parameter '${p.name}' has shape [${p.shape.join(', ')}], the model's configuration needs [${want?.join(', ') ?? 'none'}]`, 'model');
      }
      store.set(p.name, p.shape, decode(p.data, sizeOf(p.shape), p.name));
    }
    if (expected) for (const name of expected.keys()) if (!store.byName.has(name)) throw new DataError(`model file: parameter '${name}' is missing`, 'model');
    return store;
  }

  /** Name → shape, for checking a restored store. */
  shapes(): Map<string, readonly number[]> {
    return new Map([...this.byName].map(([n, v]) => [n, v.shape]));
  }

  /** Frees the variables' memory. */
  dispose(): void {
    for (const v of this.byName.values()) v.dispose();
    this.byName.clear();
  }
}

/** Variables with names as {@link ParamJSON} (optimiser moments, EMA shadows in checkpoints). */
export function variablesToJSON(names: readonly string[], vars: readonly Variable[]): ParamJSON[] {
  return vars.map((v, i) => ({ name: names[i], shape: v.shape, data: encode(v.dataSync() as Float32Array) }));
}

/** Assigns `json` to `vars` (same names, order and shapes, else a DataError naming `what`). */
export function assignFromJSON(names: readonly string[], vars: readonly Variable[], json: readonly ParamJSON[], what: string): void {
  if (!Array.isArray(json) || json.length !== vars.length) throw new DataError(`${what}: ${Array.isArray(json) ? json.length : 'no'} arrays for ${vars.length} parameters; it belongs to another model`, 'checkpoint');
  json.forEach((p, i) => {
    const v = vars[i];
    if (p?.name !== names[i] || !Array.isArray(p.shape) || p.shape.length !== v.shape.length || p.shape.some((d: number, k: number) => d !== v.shape[k])) {
      throw new DataError(`${what}: entry ${i + 1} is '${p?.name}' [${p?.shape?.join(', ')}], the model has '${names[i]}' [${v.shape.join(', ')}]; it belongs to another model or configuration`, 'checkpoint');
    }
    const t = tf.tensor(decode(p.data, v.size, p.name), v.shape, 'float32');
    v.assign(t);
    t.dispose();
  });
}

/** Values of a tensor as a fresh Float32Array (for results that leave the engine). */
export function toFloat32(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}
