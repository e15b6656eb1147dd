/**
 * Choosing and starting the tensor backend.
 *
 * Order of preference for `backend: 'auto'`: TensorFlow's native library when the user has
 * installed `@tensorflow/tfjs-node` (it is not a dependency: its install downloads a binary), else
 * WebAssembly with the kernels of `kernels.ts` — in browsers too. `webgl` (browsers with WebGL)
 * is available by name: float32 on the GPU gives numbers that differ from wasm's in the last
 * digits, and for ardiff's small recurrent and MLP models its per-kernel overhead makes it slower
 * than wasm, so 'auto' does not pick it. `webgpu` (browsers with WebGPU: `navigator.gpu` in a
 * secure context) is available by name for the same reasons, its kernels loaded on first use from
 * `@tensorflow/tfjs-backend-webgpu`. The pure-JS `cpu` backend is 10–150× slower and is meant for
 * checking numbers, not for training.
 */
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ArgumentError, ArdiffError } from '../../core/errors.js';
import { PATCHED_KERNELS, patchWasmKernels } from './kernels.js';
import { tf } from './tf.js';

export type BackendName = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'webgl' | 'webgpu';

export interface EngineOptions {
  /** Backend to use. Default 'auto' (tensorflow if `@tensorflow/tfjs-node` is installed, else wasm). */
  backend?: BackendName;
  /**
   * WebAssembly threads (opt-in; default 1). More threads help large matrix products and
   * convolutions, not small recurrent models. Takes effect only before the wasm backend first
   * starts, and only where tfjs loads its threaded build: in browsers with cross-origin isolation
   * (SharedArrayBuffer). In Node tfjs 4.22 always loads the single-threaded build.
   */
  threads?: number;
  /** Where the browser finds the `.wasm` files (a URL prefix or a map), as tfjs' `setWasmPaths`. */
  wasmPaths?: string | Record<string, string>;
}

export interface EngineInfo {
  /** Backend in use: 'wasm', 'cpu', 'tensorflow', 'webgl' or 'webgpu'. */
  readonly backend: string;
  /** Kernels replaced by ardiff's faster versions (empty off wasm). */
  readonly patchedKernels: readonly string[];
}

let current: EngineInfo | undefined;
/** Why WebGPU was refused in this page, once its check failed. */
let webgpuRefused: string | undefined;

/** The running engine, or undefined before {@link initEngine} has finished. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}

/**
 * Throws a typed error unless the engine is running: neural models call this before touching a
 * tensor so a user who forgot `await initEngine()` is told so instead of getting the slow default.
 */
export function requireEngine(where: string): EngineInfo {
  if (!current) throw new ArdiffError(`${where}: the tensor engine is not started; call 'await initEngine()' (from 'ardiff/neural') first`);
  return current;
}

async function tryTensorflowNode(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  try {
    await import(name);
    return tf.findBackend('tensorflow') !== null;
  } catch {
    return false;
  }
}

/**
 * Matrix products on the running backend, read back synchronously, equal the host's: a 2×2 one, a
 * 4×4 product of filled tensors, and a 33×17 by 17×9 one of small integers (exact in float32).
 */
function productIsRight(): boolean {
  const cases: [number, number, number][] = [[2, 2, 2], [4, 4, 4], [33, 17, 9]];
  for (const [m, k, n] of cases) {
    const a = Float32Array.from({ length: m * k }, (_, i) => (i % 7) - 3), b = Float32Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
    const ta = m === 4 ? tf.ones([m, k]) : tf.tensor2d(a, [m, k]), tb = m === 4 ? tf.ones([k, n]) : tf.tensor2d(b, [k, n]);
    const p = tf.matMul(ta, tb);
    // Read synchronously, as ardiff's training and sampling loops read.
    const got = p.dataSync();
    tf.dispose([ta, tb, p]);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let want = 0;
        for (let l = 0; l < k; l++) want += m === 4 ? 1 : a[i * k + l] * b[l * n + j];
        if (got[i * n + j] !== want) return false;
      }
    }
  }
  return true;
}

/** Starts (or switches) the tensor backend and returns what runs. Safe to call more than once. */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const requested = options.backend ?? 'auto';
  if (!['auto', 'wasm', 'cpu', 'tensorflow', 'webgl', 'webgpu'].includes(requested)) {
    throw new ArgumentError(`initEngine: unknown backend '${String(requested)}'; use auto, wasm, cpu, tensorflow, webgl or webgpu`, 'backend');
  }
  if (requested === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
    throw new ArgumentError("initEngine: backend 'webgpu' needs a browser with WebGPU (navigator.gpu, on https or localhost); use wasm or webgl", 'backend');
  }
  if (requested === 'webgl' && typeof (globalThis as { document?: unknown }).document === 'undefined') {
    throw new ArgumentError("initEngine: backend 'webgl' runs in browsers; in Node use auto, wasm or tensorflow", 'backend');
  }
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new ArgumentError(`initEngine: threads must be a positive integer, got ${threads}`, 'threads');
  if (current && (requested === 'auto' || requested === current.backend)) return current;

  let backend = requested;
  if (backend === 'auto' || backend === 'tensorflow') {
    const ok = await tryTensorflowNode();
    if (!ok && backend === 'tensorflow') {
      throw new ArgumentError("initEngine: backend 'tensorflow' needs the optional package @tensorflow/tfjs-node@4.22.0 (npm i @tensorflow/tfjs-node@4.22.0)", 'backend');
    }
    backend = ok ? 'tensorflow' : 'wasm';
  }
  if (backend === 'wasm') {
    if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
    setThreadsCount(threads);
  }
  // The WebGPU kernels are a package of their own, loaded only when asked for.
  if (backend === 'webgpu' && tf.findBackendFactory('webgpu') === null) await import('@tensorflow/tfjs-backend-webgpu');
  // Production mode: no per-op debug checks, and no advice to install the native backend.
  tf.enableProdMode();
  if (backend === 'webgpu' && webgpuRefused) throw new ArdiffError(webgpuRefused);
  // A backend that fails to start leaves tfjs pointing at it: go back to the running one.
  const fallBack = async (message: string): Promise<never> => {
    if (current) await tf.setBackend(current.backend);
    throw new ArdiffError(message);
  };
  const ok = await tf.setBackend(backend);
  if (!ok) await fallBack(`initEngine: the '${backend}' backend failed to start${backend === 'webgl' ? ' (no WebGL in this browser: use wasm)' : backend === 'webgpu' ? ' (no WebGPU adapter in this browser: use wasm)' : ''}`);
  await tf.ready();
  if (backend === 'webgpu' && !productIsRight()) {
    // Some adapters (headless Chromium's software one) return zeros when a result on the GPU is
    // read synchronously: refuse rather than train on wrong numbers (and refuse again on a retry).
    webgpuRefused = "initEngine: this browser's WebGPU adapter gives wrong results when read synchronously (a matrix product checked against the host's came back wrong; software adapters do this); use wasm";
    await fallBack(webgpuRefused);
  }
  if (backend === 'wasm') patchWasmKernels();
  current = { backend, patchedKernels: backend === 'wasm' ? PATCHED_KERNELS : [] };
  return current;
}

/**
 * Runs `f` and turns the wasm heap's exhaustion (4 GB, reported by WebAssembly as "memory access
 * out of bounds") into a typed error that says what to do.
 */
export function withHeapGuard<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && /memory access out of bounds|Out of memory|Cannot enlarge memory/i.test(e.message)) {
      throw new ArdiffError(`${where}: the WebAssembly heap is full (4 GB at most, and it never shrinks); use a smaller batch or model, or restart the process`);
    }
    throw e;
  }
}
