/**
 * The structural similarity index (SSIM) of greyscale images: Wang, Bovik, Sheikh & Simoncelli
 * 2004, "Image Quality Assessment: From Error Visibility to Structural Similarity", IEEE
 * Transactions on Image Processing 13(4), 600–612. At every position of a sliding window (eq. 13)
 *
 *   SSIM(x, y) = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
 *   C1 = (K1 L)²,  C2 = (K2 L)²,  L the dynamic range of the pixel values,
 *
 * where μ, σ², σxy are the local statistics under a normalised circular-symmetric Gaussian
 * window w (§III-C, eqs. 14–16): μx = Σ wᵢ xᵢ, σx² = Σ wᵢ (xᵢ − μx)², σxy = Σ wᵢ (xᵢ − μx)(yᵢ − μy),
 * computed here as E[x²] − μx² and E[xy] − μx μy (the same numbers for Σ w = 1; no
 * sample-covariance correction). The index of an image is the mean over the window positions
 * (MSSIM, eq. 17) — the 'valid' positions only, where the window lies wholly inside the image,
 * as Wang's MATLAB `ssim_index` (`filter2(w, x, 'valid')`) and pytorch_msssim's
 * `ssim(x, y, size_average=True)` do. Defaults are the paper's: an 11 × 11 window with σ = 1.5,
 * K1 = 0.01, K2 = 0.03; L defaults to 1 (images in [0, 1]; use 255 for 8-bit pixels).
 *
 * The window is separable (the outer product of a 1-D Gaussian exp(−k²/2σ²), k = −h … h,
 * normalised to sum 1), so each statistic costs two 1-D passes. Along a dimension shorter than
 * the window, the window shrinks to the largest odd length ≤ that dimension (same σ,
 * renormalised): an 8 × 8 image gets a 7 × 7 window, a 9 × 30 image a 9 × 11 one, a 1 × 40 image
 * a 1 × 11 one. (Wang's code refuses such images; pytorch_msssim skips the blur along that
 * dimension with a warning.) Everything is computed in Float64; tested against a PyTorch
 * implementation (bench/peers/torch_ssim.py) to 1e-10 relative.
 *
 * @example
 * const s = ssim(reference, generated, 28, 28);                      // images in [0, 1]
 * const s8 = ssim(ref8, gen8, 64, 64, { dataRange: 255 });           // 8-bit pixels
 * const perImage = ssimBatch(refs, gens, 16, 28, 28);                 // Float64Array(16)
 */
import { ArgumentError, DataError } from './errors.js';

/** Options of {@link ssim} and {@link ssimBatch}. */
export interface SsimOptions {
  /** L, the dynamic range of the pixel values (max − min possible): 1 (default) for [0, 1], 255 for 8-bit. Finite, > 0. */
  dataRange?: number;
  /** Side of the Gaussian window, an odd integer ≥ 1 (default 11); shrunk along a dimension shorter than it. */
  windowSize?: number;
  /** Standard deviation of the Gaussian window in pixels (default 1.5). Finite, > 0. */
  sigma?: number;
  /** K1 of C1 = (K1 L)² (default 0.01). Finite, > 0 (so that the index of two black images is defined). */
  k1?: number;
  /** K2 of C2 = (K2 L)² (default 0.03). Finite, > 0. */
  k2?: number;
}

/** The options checked and turned into what one image of a given size needs. */
interface SsimPlan {
  height: number;
  width: number;
  /** The 1-D window along the rows' direction (vertical, length ≤ height) and along a row (horizontal, length ≤ width). */
  wy: Float64Array;
  wx: Float64Array;
  c1: number;
  c2: number;
}

/**
 * The mean SSIM of two greyscale images of `height` × `width` pixels stored row-major (eq. 13
 * averaged over the valid positions of the Gaussian window; see the module comment). 1 for
 * identical images; symmetric in `a` and `b`; ≤ 1, and negative for anti-correlated images.
 *
 * @throws {ArgumentError} a size that is not a positive integer, `a` or `b` of a length other than
 *   height·width, or a bad option (the error names it).
 * @throws {DataError} a non-finite value in `a` or `b`.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, height: number, width: number, options: SsimOptions = {}): number {
  const plan = makePlan(height, width, options);
  const n = height * width;
  checkLength(a, n, 'a', `height·width = ${height}·${width}`);
  checkLength(b, n, 'b', `height·width = ${height}·${width}`);
  checkFinite(a, 'a');
  checkFinite(b, 'b');
  return ssimOne(a, b, 0, plan, new Scratch(plan));
}

/**
 * The mean SSIM of each of `count` image pairs: `a` and `b` hold `count` greyscale images of
 * `height` × `width` pixels, row-major, one after another; element i of the result is
 * ssim(image i of a, image i of b) (see {@link ssim}).
 *
 * @throws {ArgumentError} a size that is not a positive integer, `a` or `b` of a length other than
 *   count·height·width, or a bad option.
 * @throws {DataError} a non-finite value in `a` or `b`.
 */
export function ssimBatch(a: ArrayLike<number>, b: ArrayLike<number>, count: number, height: number, width: number, options: SsimOptions = {}): Float64Array {
  checkSize(count, 'count');
  const plan = makePlan(height, width, options);
  const n = height * width;
  checkLength(a, count * n, 'a', `count·height·width = ${count}·${height}·${width}`);
  checkLength(b, count * n, 'b', `count·height·width = ${count}·${height}·${width}`);
  checkFinite(a, 'a');
  checkFinite(b, 'b');
  const scratch = new Scratch(plan);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = ssimOne(a, b, i * n, plan, scratch);
  return out;
}

/** The normalised 1-D Gaussian window exp(−k²/2σ²), k = −(n−1)/2 … (n−1)/2, n odd. */
function gaussianWindow(n: number, sigma: number): Float64Array {
  const half = (n - 1) / 2;
  const w = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const k = i - half;
    w[i] = Math.exp(-(k * k) / (2 * sigma ** 2));
    sum += w[i];
  }
  for (let i = 0; i < n; i++) w[i] /= sum;
  return w;
}

/** The window length used along a dimension of `size` pixels: `windowSize`, or the largest odd number ≤ size when the image is smaller. */
function windowLength(size: number, windowSize: number): number {
  if (size >= windowSize) return windowSize;
  return size % 2 === 1 ? size : size - 1;
}

function checkSize(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${name} must be a positive integer; got ${v}`, name);
}

function checkPositive(v: number, name: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ArgumentError(`${name} must be a finite number > 0; got ${v}`, name);
}

function checkLength(x: ArrayLike<number>, n: number, name: string, what: string): void {
  if (x == null || typeof x.length !== 'number') throw new ArgumentError(`${name} must be an array of numbers`, name);
  if (x.length !== n) throw new ArgumentError(`${name} must hold ${what} = ${n} pixel values; got ${x.length}`, name);
}

function checkFinite(x: ArrayLike<number>, name: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(`${name} must hold finite numbers; element ${i} is ${String(v)}`, name);
  }
}

function makePlan(height: number, width: number, options: SsimOptions): SsimPlan {
  checkSize(height, 'height');
  checkSize(width, 'width');
  const { dataRange = 1, windowSize = 11, sigma = 1.5, k1 = 0.01, k2 = 0.03 } = options ?? {};
  checkPositive(dataRange, 'dataRange');
  if (!Number.isInteger(windowSize) || windowSize < 1 || windowSize % 2 === 0) {
    throw new ArgumentError(`windowSize must be an odd positive integer; got ${windowSize}`, 'windowSize');
  }
  checkPositive(sigma, 'sigma');
  checkPositive(k1, 'k1');
  checkPositive(k2, 'k2');
  return {
    height,
    width,
    wy: gaussianWindow(windowLength(height, windowSize), sigma),
    wx: gaussianWindow(windowLength(width, windowSize), sigma),
    c1: (k1 * dataRange) ** 2,
    c2: (k2 * dataRange) ** 2,
  };
}

/** The horizontally filtered x, y, x², y², xy of one image: height × (width − |wx| + 1) each. */
class Scratch {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly xx: Float64Array;
  readonly yy: Float64Array;
  readonly xy: Float64Array;
  constructor(plan: SsimPlan) {
    const n = plan.height * (plan.width - plan.wx.length + 1);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.xx = new Float64Array(n);
    this.yy = new Float64Array(n);
    this.xy = new Float64Array(n);
  }
}

/** Mean SSIM of the images starting at `offset` in `a` and `b` (validated by the caller). */
function ssimOne(a: ArrayLike<number>, b: ArrayLike<number>, offset: number, plan: SsimPlan, s: Scratch): number {
  const { height, width, wx, wy, c1, c2 } = plan;
  const ow = width - wx.length + 1;
  const oh = height - wy.length + 1;
  // Horizontal pass: each row filtered with wx at the valid columns.
  for (let r = 0; r < height; r++) {
    const row = offset + r * width;
    for (let j = 0; j < ow; j++) {
      let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let k = 0; k < wx.length; k++) {
        const w = wx[k];
        const x = +a[row + j + k];
        const y = +b[row + j + k];
        sx += w * x;
        sy += w * y;
        sxx += w * (x * x);
        syy += w * (y * y);
        sxy += w * (x * y);
      }
      const o = r * ow + j;
      s.x[o] = sx; s.y[o] = sy; s.xx[o] = sxx; s.yy[o] = syy; s.xy[o] = sxy;
    }
  }
  // Vertical pass with wy at the valid rows, then eq. 13 at each position.
  let total = 0;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let mx = 0, my = 0, exx = 0, eyy = 0, exy = 0;
      for (let k = 0; k < wy.length; k++) {
        const w = wy[k];
        const o = (i + k) * ow + j;
        mx += w * s.x[o];
        my += w * s.y[o];
        exx += w * s.xx[o];
        eyy += w * s.yy[o];
        exy += w * s.xy[o];
      }
      const mxy = mx * my;
      const mxx = mx * mx;
      const myy = my * my;
      const vx = exx - mxx;
      const vy = eyy - myy;
      const cxy = exy - mxy;
      total += ((2 * mxy + c1) / (mxx + myy + c1)) * ((2 * cxy + c2) / (vx + vy + c2));
    }
  }
  return total / (oh * ow);
}
