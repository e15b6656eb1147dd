/**
 * Compensated ("double-double") sums and dot products for the few places where a likelihood
 * needs more than 53 bits: a value is carried as an unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2.
 *
 * 1. Error-free transformations: TwoSum (Knuth 1969, TAOCP vol. 2 §4.2.2, theorem B) gives
 *    a + b = s + e exactly; TwoProduct (Dekker 1971, "A floating-point technique for extending
 *    the available precision", Numer. Math. 18, with Veltkamp's splitting by 2²⁷ + 1) gives
 *    a·b = p + e exactly, without a fused multiply-add (JavaScript has none).
 * 2. {@link Dot2} accumulates Σ aᵢbᵢ by these transformations, the Dot2 algorithm of Ogita, Rump
 *    & Oishi (2005, "Accurate sum and dot product", SIAM J. Sci. Comput. 26(6), algorithm 5.3):
 *    the result is as accurate as if computed in twice the working precision, and is kept
 *    unrounded as (hi, lo).
 */

/** Veltkamp's splitting constant 2²⁷ + 1. */
const SPLIT = 134217729;

/**
 * A running compensated sum of doubles and of products of doubles (Dot2). `hi` is the running
 * floating-point sum; `lo` collects the exact rounding errors of every step.
 */
export class Dot2 {
  hi = 0;
  lo = 0;

  /** Starts again at the double-double value h + l. */
  reset(h = 0, l = 0): this {
    this.hi = h;
    this.lo = l;
    return this;
  }

  /** Adds the double a exactly (TwoSum). */
  add(a: number): this {
    const s = this.hi + a;
    const bb = s - this.hi;
    this.lo += (this.hi - (s - bb)) + (a - bb);
    this.hi = s;
    return this;
  }

  /** Adds the exact product a·b (TwoProduct, then TwoSum). */
  addProd(a: number, b: number): this {
    const p = a * b;
    let c = SPLIT * a;
    const ah = c - (c - a), al = a - ah;
    c = SPLIT * b;
    const bh = c - (c - b), bl = b - bh;
    const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    this.add(p);
    this.lo += e;
    return this;
  }

  /** Adds a·(bh + bl) for a double-double b (the small product a·bl in plain arithmetic). */
  addProdDD(a: number, bh: number, bl: number): this {
    this.addProd(a, bh);
    this.lo += a * bl;
    return this;
  }

  /** The value rounded to a double. */
  value(): number {
    return this.hi + this.lo;
  }

  /** Writes the normalised pair (TwoSum of hi and lo: |low| ≤ ulp(high)/2) to out[i] and outLo[i]. */
  store(out: Float64Array, outLo: Float64Array, i: number): void {
    const s = this.hi + this.lo;
    const bb = s - this.hi;
    out[i] = s;
    outLo[i] = (this.hi - (s - bb)) + (this.lo - bb);
  }
}
