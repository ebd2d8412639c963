/**
 * Training samples as the Gram-space kernels take them. Both span steps rest on one fact:
 * gradient descent keeps a weight row of a first dense layer in w0 + Σ_j c_j x_j, the span of
 * the samples, so they need only G = X Xᵀ (m x m), X w0 and, at the end, w0 + Xᵀ c.
 *
 * Samples are the raw uint8 pixels standing for pixels / scale (exact integer Gram sums,
 * WebAssembly SIMD where the engine has it), or float rows (m, n); float rows that are
 * exactly pixels / 255 are recognised and go the integer way.
 */
import type { FloatArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { gramFromPixels, pixelsFromRows, scoresFromPixels, weightsFromPixels } from '../kernels/logistic-gram.js';
import { wasmPixels, type WasmPixels } from '../kernels/logistic-wasm.js';
import type { Tensor } from '../tensor/index.js';

/** Which kernels run: WebAssembly SIMD when the engine has it (`auto`), or only plain TypeScript. */
export type FastBackend = 'auto' | 'wasm' | 'js';

/** m samples of n features, sample after sample, standing for u / scale. */
export interface Samples {
  u: Uint8Array | FloatArray;
  m: number;
  n: number;
  scale: number;
  /** The copy in wasm memory (uint8 only), made on first use. */
  wasm?: WasmPixels | null;
}

/**
 * x (N, ...) as samples: uint8 images standing for x / `scale`, or float rows (scale 1).
 * @example samplesOf('train', data.x, 255).u instanceof Uint8Array // true: the notes' pixels / 255
 */
export function samplesOf(op: string, x: Tensor, scale: number): Samples {
  // The same stored samples (a training set trained on, then evaluated) share one copy in wasm memory.
  const known = cache.get(x);
  if (known !== undefined && (x.dtype !== 'uint8' || known.scale === scale)) return known;
  const s = makeSamples(op, x, scale);
  cache.set(x, s);
  return s;
}

const cache = new WeakMap<Tensor, Samples>();

function makeSamples(op: string, x: Tensor, scale: number): Samples {
  if (x.ndim < 1) throw new ShapeError(op, `samples must be (N, ...), got ${formatShape(x.shape)}`, [x.shape]);
  const m = x.shape[0] as number;
  const n = m === 0 ? 0 : x.size / m;
  const v = x.contiguous().values();
  if (x.dtype === 'uint8') return { u: v as Uint8Array, m, n, scale };
  if (x.dtype !== 'float64' && x.dtype !== 'float32') throw new DTypeError(op, `samples must be uint8 pixels or float64/float32, got ${x.dtype}`, [x.dtype]);
  const u = pixelsFromRows(v as FloatArray, 255, x.dtype === 'float32');
  return u === null ? { u: v as FloatArray, m, n, scale: 1 } : { u, m, n, scale: 255 };
}

function wasmOf(s: Samples, backend: FastBackend): WasmPixels | null {
  if (backend === 'js' || !(s.u instanceof Uint8Array)) return null;
  if (s.wasm === undefined) s.wasm = wasmPixels(s.u, s.m, s.n, s.scale);
  return s.wasm;
}

/** G = X Xᵀ (m x m, row-major); exact integer sums for pixels. @example gramOf('train', samplesOf('train', x, 255), 'auto').length // 209 * 209 */
export function gramOf(op: string, s: Samples, backend: FastBackend): Float64Array {
  const G = new Float64Array(s.m * s.m);
  if (wasmOf(s, backend)?.gram(G) === true) return G;
  if (backend === 'wasm') throw new ArgumentError(op, 'backend', s.u instanceof Uint8Array ? 'WebAssembly SIMD is not available in this engine' : 'the WebAssembly kernels take uint8 pixels, these samples are floats');
  gramFromPixels(s.u, s.m, s.n, s.scale, G);
  return G;
}

/** X w, one score per sample. @example scoresOf(s, w, 'auto') // Float64Array of s.m scores */
export function scoresOf(s: Samples, w: FloatArray, backend: FastBackend): Float64Array {
  const out = new Float64Array(s.m);
  const px = wasmOf(s, backend);
  if (px !== null) px.scores(w, out);
  else scoresFromPixels(s.u, s.m, s.n, w, s.scale, out);
  return out;
}

/** w += Xᵀ c. @example addSpan(s, c, w, 'auto') // w now holds w0 + Σ c_j x_j */
export function addSpan(s: Samples, c: Float64Array, w: Float64Array, backend: FastBackend): void {
  const px = wasmOf(s, backend);
  if (px !== null) px.addWeights(c, w);
  else weightsFromPixels(s.u, s.m, s.n, c, s.scale, w);
}
