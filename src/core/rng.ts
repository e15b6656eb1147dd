/**
 * Seeded pseudo-random numbers. Every random routine in ardiff takes an `Rng` argument; nothing
 * reads `Math.random`, so the same seed always gives the same numbers on every platform.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
 * generators"), seeded through splitmix32. Hand-written because it is the innermost loop of every
 * sampler and must serialise to four integers. Normals by the Marsaglia polar method.
 *
 * @example
 * const rng = createRng(42); rng.uniform(); rng.normal();
 */
import { ArgumentError } from './errors.js';
export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** The generator state, to resume the exact stream later with {@link createRng}. */
  state(): RngState;
}

/** Serialisable generator state. */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  readonly spare: number | null;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function isRngState(v: unknown): v is RngState {
  if (!v || typeof v !== 'object') return false;
  const { s, spare } = v as { s?: unknown; spare?: unknown };
  return Array.isArray(s) && s.length === 4 && s.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32) && !s.every((x) => x === 0)
    && (spare === null || (typeof spare === 'number' && Number.isFinite(spare)));
}

/** Creates a seeded generator from an integer seed or a saved {@link RngState}. */
export function createRng(seed: number | RngState = 0): Rng {
  let s0: number, s1: number, s2: number, s3: number;
  let spare: number | null = null;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) throw new ArgumentError(`createRng: seed must be an integer between -(2^53 - 1) and 2^53 - 1; got ${String(seed)}`, 'seed');
    // The low 32 bits seed splitmix32; higher bits (seeds beyond ±2^32) are mixed in by a second
    // splitmix32 stream, so that no two seeds share a state by folding. Seeds in [0, 2^32) keep the
    // state they always had.
    const lo = seed >>> 0, hi = Math.floor(seed / 2 ** 32);
    const sm = splitmix32(lo);
    s0 = sm(); s1 = sm(); s2 = sm(); s3 = sm();
    if (hi !== 0) {
      const sh = splitmix32(hi ^ 0x5bd1e995);
      s0 ^= sh(); s1 ^= sh(); s2 ^= sh(); s3 ^= sh();
    }
  } else if (isRngState(seed)) {
    [s0, s1, s2, s3] = seed.s;
    spare = seed.spare;
  } else {
    throw new ArgumentError(`createRng: give an integer seed or a state from rng.state(); got ${seed === null ? 'null' : typeof seed}`, 'seed');
  }
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    return result;
  };
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  return {
    uniform,
    normal(): number {
      if (spare !== null) { const v = spare; spare = null; return v; }
      let u: number, v: number, q: number;
      do {
        u = 2 * uniform() - 1;
        v = 2 * uniform() - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      spare = v * f;
      return u * f;
    },
    state: () => ({ s: [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0], spare }),
  };
}

/** Shuffles `a` in place (Fisher–Yates) with draws from `rng`. */
export function shuffle<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
