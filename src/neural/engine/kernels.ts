/**
 * Faster WebAssembly kernels for the operations every gradient goes through.
 *
 * The stock wasm backend of TensorFlow.js 4.22 sends a matrix product to XNNPACK only when it is a
 * single, untransposed product; with `transposeA`/`transposeB` (every matMul gradient) or a batch
 * dimension (attention) it falls back to a scalar loop that is 10–30× slower. Its `Slice` and
 * `Unpack` first copy the whole source tensor out of the heap, so taking one time step of a
 * [B, T, H] tensor costs as much as copying all T steps. `UnsortedSegmentSum`, the gradient of
 * `gather` (embeddings), is not registered at all. Nor is `Conv2DBackpropFilter`, so no
 * convolutional network can train on stock wasm, and its `Conv2DBackpropInput` (the input gradient
 * and the transposed convolution) is a scalar loop ~10× slower than the forward convolution; both
 * are rewritten below as forward convolutions, which XNNPACK runs fast (NHWC, dilation 1 — what
 * tfjs differentiates — with any strides and 'same', 'valid' or explicit padding). The
 * replacements keep the numbers of the originals (tested against the cpu backend in
 * test/neural-engine.test.ts) and only rearrange the work: transposes become an explicit
 * `Transpose` followed by the fast product, batches with shared weights fold into one product,
 * other batches loop over fast 2-D products, slices copy rows straight from heap views, and
 * convolution gradients become forward convolutions of rearranged tensors.
 *
 * These use the backend's internal calls (`makeOutput`, `typedArrayFromHeap`, `disposeData`),
 * which is why the package pins TensorFlow.js to exactly 4.22.0.
 */
import { ArdiffError, ArgumentError } from '../../core/errors.js';
import { tf } from './tf.js';

/** What the kernels need of tfjs' wasm backend (its internal surface, pinned with the version). */
interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfoLike;
  typedArrayFromHeap(info: TensorInfoLike): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}
interface KernelArgs {
  inputs: Record<string, TensorInfoLike>;
  backend: WasmBackendLike;
  attrs: Record<string, unknown>;
}
type KernelFn = (args: KernelArgs) => TensorInfoLike | TensorInfoLike[];

const WASM = 'wasm';

function original(name: string): KernelFn {
  const config = tf.getKernel(name, WASM);
  if (!config) {
    throw new ArdiffError(`engine: the wasm backend has no '${name}' kernel to build the faster ${name} on; ardiff needs @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm at exactly 4.22.0 (npm i @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0), or start the engine with initEngine({ backend: 'cpu' })`);
  }
  return config.kernelFunc as unknown as KernelFn;
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Copies `src` (heap view) into a fresh tensor of `shape` made by the backend. */
function fromRows(backend: WasmBackendLike, shape: number[], dtype: tf.DataType, fill: (out: Float32Array | Int32Array | Uint8Array) => void): TensorInfoLike {
  const out = backend.makeOutput(shape, dtype);
  fill(backend.typedArrayFromHeap(out));
  return out;
}

/**
 * Slice by copying contiguous innermost runs straight from a heap view. Views are taken after
 * `makeOutput`, because allocating can grow (and so detach) the heap.
 */
function slice({ inputs, backend, attrs }: KernelArgs): TensorInfoLike {
  const x = inputs.x;
  const [begin, sz] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, attrs.begin as number[], attrs.size as number[]);
  const rank = x.shape.length;
  const xs = strides(x.shape);
  return fromRows(backend, sz, x.dtype, (out) => {
    const src = backend.typedArrayFromHeap(x);
    if (size(sz) === 0) return;
    if (rank === 0) { out[0] = src[0]; return; }
    // Merge trailing dimensions that are taken whole into one contiguous run.
    let run = sz[rank - 1];
    let lead = rank - 1;
    while (lead > 0 && sz[lead] === x.shape[lead] && begin[lead] === 0) { lead--; run *= sz[lead]; }
    // `lead` is now the last dimension whose index varies between runs (or the first dimension).
    const outer = sz.slice(0, lead);
    const nRuns = size(outer);
    const idx = new Array<number>(lead).fill(0);
    let o = 0;
    for (let r = 0; r < nRuns; r++) {
      let off = begin[lead] * xs[lead];
      for (let d = 0; d < lead; d++) off += (begin[d] + idx[d]) * xs[d];
      out.set(src.subarray(off, off + run), o);
      o += run;
      for (let d = lead - 1; d >= 0; d--) { if (++idx[d] < outer[d]) break; idx[d] = 0; }
    }
  });
}

/** Unstack along `axis`: one strided copy per output, no copy of the source. */
function unpack({ inputs, backend, attrs }: KernelArgs): TensorInfoLike[] {
  const x = inputs.value;
  const rank = x.shape.length;
  const axis = ((attrs.axis as number) + rank) % rank;
  const n = x.shape[axis];
  const outer = size(x.shape.slice(0, axis));
  const inner = size(x.shape.slice(axis + 1));
  const outShape = x.shape.filter((_, i) => i !== axis);
  const outs: TensorInfoLike[] = [];
  for (let i = 0; i < n; i++) outs.push(backend.makeOutput(outShape, x.dtype));
  const src = backend.typedArrayFromHeap(x);
  for (let i = 0; i < n; i++) {
    const dst = backend.typedArrayFromHeap(outs[i]);
    for (let o = 0; o < outer; o++) {
      const off = (o * n + i) * inner;
      dst.set(src.subarray(off, off + inner), o * inner);
    }
  }
  return outs;
}

/** Sum of rows of `x` into `numSegments` bins (the gradient of gather, used by embeddings). */
function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfoLike {
  const { x, segmentIds } = inputs;
  const numSegments = attrs.numSegments as number;
  const idRank = segmentIds.shape.length;
  const inner = size(x.shape.slice(idRank));
  const outShape = [numSegments, ...x.shape.slice(idRank)];
  return fromRows(backend, outShape, x.dtype, (out) => {
    out.fill(0);
    const src = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    for (let r = 0; r < ids.length; r++) {
      const s = ids[r];
      if (s < 0 || s >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
      const so = r * inner, d = s * inner;
      for (let j = 0; j < inner; j++) out[d + j] += src[so + j];
    }
  });
}

/**
 * Swaps the last two axes with a copy between heap views (the stock `Transpose` kernel costs
 * ~30 ns per element, as much as the product that follows it). Each output row is one input
 * column: contiguous writes, strided reads, ~1 ns per element — faster here than a blocked copy.
 */
function transposeLast2(backend: WasmBackendLike, x: TensorInfoLike): TensorInfoLike {
  const rank = x.shape.length;
  const r = x.shape[rank - 2], c = x.shape[rank - 1];
  const batch = size(x.shape.slice(0, -2));
  const shape = [...x.shape.slice(0, -2), c, r];
  return fromRows(backend, shape, x.dtype, (out) => {
    const src = backend.typedArrayFromHeap(x);
    if (src instanceof Float32Array && out instanceof Float32Array) transposeF32(src, out, batch, r, c);
    else transposeAny(src, out, batch, r, c);
  });
}

/** The float32 loop on its own, so the engine compiles it for one array type. */
function transposeF32(src: Float32Array, out: Float32Array, batch: number, r: number, c: number): void {
  for (let b = 0; b < batch; b++) {
    const base = b * r * c;
    for (let j = 0; j < c; j++) {
      const o = base + j * r;
      for (let i = 0; i < r; i++) out[o + i] = src[base + i * c + j];
    }
  }
}

function transposeAny(src: Float32Array | Int32Array | Uint8Array, out: Float32Array | Int32Array | Uint8Array, batch: number, r: number, c: number): void {
  for (let b = 0; b < batch; b++) {
    const base = b * r * c;
    for (let j = 0; j < c; j++) {
      const o = base + j * r;
      for (let i = 0; i < r; i++) out[o + i] = src[base + i * c + j];
    }
  }
}

/**
 * tfjs-wasm's 2-D matMul caches the XNNPACK operator, with b packed into it, under b's tensor id
 * ("we assume b is the weights"), until that tensor is disposed. A reshape shares its source's
 * id, so multiplying by b and later by a reshape of b — as gradient computations do with
 * activations and upstream gradients in the right-hand place — reused the first packing and gave
 * wrong products and NaN gradients in training (tfjs-backend-wasm 4.22, with or without ardiff's
 * kernels; a shape-changed reshape alone reproduces it). Tensor data never changes once written,
 * so the packing stays right for the shape a tensor's data was first multiplied under; under any
 * other shape the right factor is copied to a fresh tensor, which packs it anew.
 */
const rightFactorShapes = new WeakMap<object, string>();

function unaliased(backend: WasmBackendLike, b: TensorInfoLike, temps: TensorInfoLike[]): TensorInfoLike {
  const shape = b.shape.join('x');
  const seen = rightFactorShapes.get(b.dataId);
  if (seen === undefined) rightFactorShapes.set(b.dataId, shape);
  if (seen === undefined || seen === shape) return b;
  const copy = fromRows(backend, b.shape.slice(), b.dtype, (out) => out.set(backend.typedArrayFromHeap(b)));
  temps.push(copy);
  return copy;
}

function makeBatchMatMul(): KernelFn {
  const matMul = original('BatchMatMul');
  const reshape = original('Reshape');
  const reshapeTo = (backend: WasmBackendLike, x: TensorInfoLike, shape: number[]) =>
    reshape({ inputs: { x }, backend, attrs: { shape } }) as TensorInfoLike;

  return ({ inputs, backend, attrs }) => {
    let { a, b } = inputs;
    const temps: TensorInfoLike[] = [];
    if (attrs.transposeA) { a = transposeLast2(backend, a); temps.push(a); }
    if (attrs.transposeB) { b = transposeLast2(backend, b); temps.push(b); }
    const ra = a.shape.length, rb = b.shape.length;
    const m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
    const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2));
    const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const outShape = [...outBatch, m, n];
    const plain = { transposeA: false, transposeB: false, bias: undefined, activation: 'linear' };
    let result: TensorInfoLike;
    if (ra === 2 && rb === 2) {
      // A plain 2-D product (after any explicit transpose): the stock kernel as it is.
      result = matMul({ inputs: { a, b: unaliased(backend, b, temps) }, backend, attrs: plain }) as TensorInfoLike;
    } else if (batchB === 1) {
      // Shared right factor (a linear layer on [B, T, K]): one [B·M, K] × [K, N] product.
      const a2 = reshapeTo(backend, a, [batchA * m, k]);
      const b2 = reshapeTo(backend, b, [k, n]);
      const r = matMul({ inputs: { a: a2, b: unaliased(backend, b2, temps) }, backend, attrs: plain }) as TensorInfoLike;
      backend.disposeData(a2.dataId); backend.disposeData(b2.dataId);
      result = reshapeTo(backend, r, outShape);
      backend.disposeData(r.dataId);
    } else {
      // Several right factors (attention): one fast 2-D product per batch element.
      const batch = size(outBatch);
      const out = backend.makeOutput(outShape, 'float32');
      for (let i = 0; i < batch; i++) {
        const ia = batchA === 1 ? 0 : i, ib = i;
        const ai = fromRows(backend, [m, k], 'float32', (d) => d.set(backend.typedArrayFromHeap(a).subarray(ia * m * k, (ia + 1) * m * k)));
        const bi = fromRows(backend, [k, n], 'float32', (d) => d.set(backend.typedArrayFromHeap(b).subarray(ib * k * n, (ib + 1) * k * n)));
        const ri = matMul({ inputs: { a: ai, b: bi }, backend, attrs: plain }) as TensorInfoLike;
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(ri), i * m * n);
        backend.disposeData(ai.dataId); backend.disposeData(bi.dataId); backend.disposeData(ri.dataId);
      }
      result = out;
    }
    for (const t of temps) backend.disposeData(t.dataId);
    return result;
  };
}

/** Geometry of an NHWC, dilation-1 convolution, from tfjs' own helper (so padding rules match). */
function convGeometry(kernel: string, xShape: readonly number[], filterShape: readonly number[], attrs: Record<string, unknown>): tf.backend_util.Conv2DInfo {
  const format = (attrs.dataFormat as string | undefined) ?? 'NHWC';
  if (format !== 'NHWC' && format !== 'channelsLast') {
    throw new ArgumentError(`engine: the wasm ${kernel} kernel supports dataFormat 'NHWC' only, got '${format}'; give the convolution channels-last tensors [B, H, W, C] (or run it on the cpu backend)`, 'dataFormat');
  }
  const dilations = attrs.dilations as number | number[] | undefined;
  if (dilations !== undefined && [dilations].flat().some((d) => d !== 1)) {
    throw new ArgumentError(`engine: the wasm ${kernel} kernel supports dilation 1 only, got ${JSON.stringify(dilations)}; use an undilated convolution (a larger filter or a strided one) to train on wasm`, 'dilations');
  }
  if (xShape.length !== 4 || filterShape.length !== 4) {
    throw new ArgumentError(`engine: the wasm ${kernel} kernel needs a 4-d input [B, H, W, C] and filter [KH, KW, C_in, C_out], got [${xShape.join(', ')}] and [${filterShape.join(', ')}]; reshape a 1-d signal to height 1 first`, xShape.length !== 4 ? 'x' : 'filter');
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides as number | [number, number], 1, attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined, false, 'channelsLast');
}

function checkShape(kernel: string, what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new ArgumentError(`engine: ${kernel}: ${what} has shape [${got.join(', ')}], the convolution needs [${want.join(', ')}]; pass the ${what} of the same convolution (its output shape for the strides and padding given)`, what);
  }
}

/**
 * Input gradient of a convolution (also the forward pass of a transposed convolution), as one
 * forward `Conv2D` — the fast XNNPACK kernel — instead of the stock scalar loop. With x the input,
 * y = conv(x, f) with stride s and top/left padding p, dx[h] = Σ_{o,k : h = o·s − p + k} dy[o]·f[k],
 * which is a stride-1 'valid' correlation of dy, dilated by s (s − 1 zeros between rows) and padded
 * by K − 1 − p in front, with the filter flipped in both spatial axes and its in/out channels swapped
 * (Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep learning", §4.5 / relationship
 * 14). Entries of dy that would land outside the padded frame only touch padding and are dropped.
 */
function makeConv2DBackpropInput(): KernelFn {
  const conv2d = original('Conv2D');
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    const c = convGeometry('Conv2DBackpropInput', attrs.inputShape as number[], filter.shape, attrs);
    const { batchSize: n, inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = c;
    checkShape('Conv2DBackpropInput', 'dy', dy.shape, c.outShape);
    // f'[i, j, o, a] = f[kh−1−i, kw−1−j, a, o].
    const flipped = fromRows(backend, [kh, kw, co, ci], 'float32', (out) => {
      const f = backend.typedArrayFromHeap(filter);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co, dst = (i * kw + j) * co * ci;
          for (let a = 0; a < ci; a++) for (let o = 0; o < co; o++) out[dst + o * ci + a] = f[src + a * co + o];
        }
      }
    });
    const temps: TensorInfoLike[] = [flipped];
    const ph = H + kh - 1, pw = W + kw - 1;
    const top = kh - 1 - c.padInfo.top, left = kw - 1 - c.padInfo.left;
    const bottom = ph - top - ((oh - 1) * sh + 1), right = pw - left - ((ow - 1) * sw + 1);
    let x = dy;
    let pad: unknown = 'valid';
    if (sh === 1 && sw === 1 && top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
      // Stride 1: no dilation, and the frame is explicit padding of dy itself — no copy.
      pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
    } else {
      x = fromRows(backend, [n, ph, pw, co], 'float32', (out) => {
        out.fill(0);
        const src = backend.typedArrayFromHeap(dy);
        for (let b = 0; b < n; b++) {
          for (let r = 0; r < oh; r++) {
            const pr = r * sh + top;
            if (pr < 0 || pr >= ph) continue;
            for (let q = 0; q < ow; q++) {
              const pc = q * sw + left;
              if (pc < 0 || pc >= pw) continue;
              const s0 = ((b * oh + r) * ow + q) * co, d0 = ((b * ph + pr) * pw + pc) * co;
              for (let o = 0; o < co; o++) out[d0 + o] = src[s0 + o];
            }
          }
        }
      });
      temps.push(x);
    }
    const dx = conv2d({ inputs: { x, filter: flipped }, backend, attrs: { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined } }) as TensorInfoLike;
    for (const t of temps) backend.disposeData(t.dataId);
    return dx;
  };
}

/**
 * Filter gradient of a convolution (not registered at all on the stock wasm backend):
 * df[i, j, a, o] = Σ_{b, r, q} x[b, r·s_h − p_top + i, q·s_w − p_left + j, a] · dy[b, r, q, o].
 * Read with the batch b as the channel being contracted, this is itself a forward convolution —
 * the way TensorFlow computes it on some devices — of x' [C_in, H', W', B] (x with its channels
 * and batch swapped, inside the padded frame) with dy' [OH, OW, B, C_out] as the filter, dilated
 * by the stride: df'[a, i, j, o] = Σ_{r, q, b} x'[a, i + r·s_h, j + q·s_w, b] · dy'[r, q, b, o],
 * output [C_in, KH, KW, C_out]. The fast XNNPACK forward kernel then does the work with its
 * indirection buffer, instead of an im2col matrix of K·K times the input written from JavaScript
 * (5–10× slower here).
 */
function makeConv2DBackpropFilter(): KernelFn {
  const conv2d = original('Conv2D');
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    const c = convGeometry('Conv2DBackpropFilter', x.shape, filterShape, attrs);
    const { batchSize: n, inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = c;
    checkShape('Conv2DBackpropFilter', 'dy', dy.shape, c.outShape);
    const top = c.padInfo.top, left = c.padInfo.left;
    // The frame the filter windows cover: rows −p_top … (OH−1)·s_h + KH − 1 − p_top of x.
    const hp = (oh - 1) * sh + kh, wp = (ow - 1) * sw + kw;
    const xt = fromRows(backend, [ci, hp, wp, n], 'float32', (out) => {
      out.fill(0);
      const src = backend.typedArrayFromHeap(x);
      const h0 = Math.max(0, top), h1 = Math.min(hp, H + top), w0 = Math.max(0, left), w1 = Math.min(wp, W + left);
      // Sequential writes; the strided reads are blocked over a few columns so that the cache
      // lines of x they touch are reused for every channel before being evicted.
      const BLOCK = 8, xBatch = H * W * ci, plane = hp * wp * n;
      for (let h = h0; h < h1; h++) {
        for (let wb = w0; wb < w1; wb += BLOCK) {
          const we = Math.min(w1, wb + BLOCK);
          for (let a = 0; a < ci; a++) {
            for (let w = wb; w < we; w++) {
              const s0 = ((h - top) * W + w - left) * ci + a, d0 = a * plane + (h * wp + w) * n;
              for (let b = 0; b < n; b++) out[d0 + b] = src[s0 + b * xBatch];
            }
          }
        }
      }
    });
    const dyt = fromRows(backend, [oh, ow, n, co], 'float32', (out) => {
      const src = backend.typedArrayFromHeap(dy);
      for (let b = 0; b < n; b++) {
        for (let p = 0; p < oh * ow; p++) {
          const s0 = (b * oh * ow + p) * co;
          out.set(src.subarray(s0, s0 + co), (p * n + b) * co);
        }
      }
    });
    const dft = conv2d({ inputs: { x: xt, filter: dyt }, backend, attrs: { strides: [1, 1], pad: 'valid', dilations: [sh, sw], dataFormat: 'NHWC', dimRoundingMode: undefined } }) as TensorInfoLike;
    backend.disposeData(xt.dataId); backend.disposeData(dyt.dataId);
    // [C_in, KH, KW, C_out] → [KH, KW, C_in, C_out].
    const df = fromRows(backend, filterShape, 'float32', (out) => {
      const src = backend.typedArrayFromHeap(dft);
      for (let a = 0; a < ci; a++) {
        for (let t = 0; t < kh * kw; t++) {
          const s0 = (a * kh * kw + t) * co, d0 = (t * ci + a) * co;
          for (let o = 0; o < co; o++) out[d0 + o] = src[s0 + o];
        }
      }
    });
    backend.disposeData(dft.dataId);
    return df;
  };
}

/**
 * Sum over leading axes (the bias gradient of every convolution and dense layer: dy summed over the
 * batch and positions) as one product ones [1, R] × x [R, inner] — XNNPACK's, ~20× faster than the
 * stock kernel, which first transposes the reduced axes to the end. Other reductions go to the
 * stock kernel.
 */
function makeSum(): KernelFn {
  const stock = original('Sum');
  const matMul = original('BatchMatMul');
  const reshape = original('Reshape');
  const plain = { transposeA: false, transposeB: false, bias: undefined, activation: 'linear' };
  return (args) => {
    const { inputs: { x }, backend, attrs } = args;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const k = axes.length;
    const leading = k > 0 && k < rank && axes.every((a, i) => a === i);
    const rows = size(x.shape.slice(0, k)), inner = size(x.shape.slice(k));
    if (!leading || x.dtype !== 'float32' || rows === 0 || inner === 0) return stock(args);
    const outShape = attrs.keepDims ? [...new Array<number>(k).fill(1), ...x.shape.slice(k)] : x.shape.slice(k);
    const ones = fromRows(backend, [1, rows], 'float32', (out) => out.fill(1));
    const x2 = reshape({ inputs: { x }, backend, attrs: { shape: [rows, inner] } }) as TensorInfoLike;
    // x takes the right-hand place: under a shape its data was not first multiplied with, a copy.
    const temps: TensorInfoLike[] = [];
    const r = matMul({ inputs: { a: ones, b: unaliased(backend, x2, temps) }, backend, attrs: plain }) as TensorInfoLike;
    backend.disposeData(ones.dataId); backend.disposeData(x2.dataId);
    for (const t of temps) backend.disposeData(t.dataId);
    const out = reshape({ inputs: { x: r }, backend, attrs: { shape: outShape } }) as TensorInfoLike;
    backend.disposeData(r.dataId);
    return out;
  };
}

/** Split along an axis as the fast {@link slice} of each piece (the stock kernel uses its slow Slice). */
function splitV({ inputs, backend, attrs }: KernelArgs): TensorInfoLike[] {
  const x = inputs.x;
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const sz = [...x.shape];
    sz[axis] = s;
    const piece = slice({ inputs: { x }, backend, attrs: { begin: [...begin], size: sz } });
    begin[axis] += s;
    return piece;
  });
}

/**
 * Identity without a copy. The engine clones every tensor it saves for the backward pass through
 * this kernel, and the stock one copies the data (~400 copies in one TimeGrad training step); a
 * tensor's data never changes once written, so sharing it, as the cpu backend does, is enough.
 */
function identity({ inputs: { x }, backend }: KernelArgs): TensorInfoLike {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * tanh x = 2σ(2x) − 1 through the backend's vectorised Sigmoid: the stock Tanh calls the C
 * library's tanh per element, ~15× slower (1.4 ms against 0.1 ms for 86 000 values). The
 * absolute error is that of σ near ½, a few 1e-8. Other dtypes go to the stock kernel.
 */
function makeTanh(): KernelFn {
  const stock = original('Tanh');
  const sigmoid = original('Sigmoid');
  return (args) => {
    const { inputs: { x }, backend } = args;
    if (x.dtype !== 'float32') return stock(args);
    const twice = fromRows(backend, x.shape.slice(), 'float32', (out) => {
      const src = backend.typedArrayFromHeap(x);
      for (let i = 0; i < out.length; i++) out[i] = 2 * src[i];
    });
    const s = sigmoid({ inputs: { x: twice }, backend, attrs: {} }) as TensorInfoLike;
    backend.disposeData(twice.dataId);
    const v = backend.typedArrayFromHeap(s);
    for (let i = 0; i < v.length; i++) v[i] = 2 * v[i] - 1;
    return s;
  };
}

/** Names of the kernels this module replaces or adds on the wasm backend. */
export const PATCHED_KERNELS = ['BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity', 'Slice', 'SplitV', 'Sum', 'Tanh', 'Unpack', 'UnsortedSegmentSum'] as const;

let patched = false;

/**
 * Registers the faster kernels on the wasm backend. Call after the backend is ready (the
 * originals' setup must have run); idempotent.
 */
export function patchWasmKernels(): void {
  if (patched) return;
  const replacements: Record<(typeof PATCHED_KERNELS)[number], KernelFn> = {
    BatchMatMul: makeBatchMatMul(),
    Conv2DBackpropFilter: makeConv2DBackpropFilter(),
    Conv2DBackpropInput: makeConv2DBackpropInput(),
    Identity: identity,
    Slice: slice,
    SplitV: splitV,
    Sum: makeSum(),
    Tanh: makeTanh(),
    Unpack: unpack,
    UnsortedSegmentSum: unsortedSegmentSum,
  };
  for (const [name, kernelFunc] of Object.entries(replacements)) {
    if (tf.getKernel(name, WASM)) tf.unregisterKernel(name, WASM);
    tf.registerKernel({ kernelName: name, backendName: WASM, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  patched = true;
}
