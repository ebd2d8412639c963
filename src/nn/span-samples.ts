/**
 * Training samples as the Gram-space kernels take them, shared by the single neuron's fast
 * path (./logistic-fast.ts) and the deep network's (./mlp-gram.ts). Both rest on one fact:
 * gradient descent keeps a weight vector (a row of the first layer) in w0 + X c, the span of
 * the samples, so they need only G = XᵀX, Xᵀw0 and, at the end, w0 + X c.
 *
 * Samples are uint8 pixels standing for pixels / 255 (exact integer Gram sums, wasm SIMD
 * where the engine has it) or a float (n_x, m) matrix; a float matrix that is exactly
 * pixels / 255 is recognised and goes the integer way.
 */
import type { FloatArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import {
  gramFromColumns,
  gramFromPixels,
  pixelsFromColumns,
  scoresFromColumns,
  scoresFromPixels,
  weightsFromColumns,
  weightsFromPixels,
} from '../kernels/logistic-gram.js';
import { wasmPixels, type WasmPixels } from '../kernels/logistic-wasm.js';
import type { Tensor } from '../tensor/index.js';

/** The notes' pixel scale: uint8 images stand for pixels / 255. */
export const PIXEL_SCALE = 255;

/** Which kernels run: WebAssembly SIMD when the engine has it (`auto`), or only plain TypeScript. */
export type FastBackend = 'auto' | 'wasm' | 'js';

export interface FastOptions {
  /** Default `auto`; `wasm` fails with an ArgumentError where wasm SIMD is missing. */
  backend?: FastBackend;
}

/** The samples as the kernels take them; pixels carry their copy in wasm memory once made. */
export type Samples =
  | { kind: 'pixels'; u: Uint8Array; m: number; n: number; wasm?: WasmPixels | null }
  | { kind: 'columns'; x: FloatArray; n: number; m: number };

function wasmOf(s: Samples & { kind: 'pixels' }, backend: FastBackend): WasmPixels | null {
  if (backend === 'js') return null;
  if (s.wasm === undefined) s.wasm = wasmPixels(s.u, s.m, s.n, PIXEL_SCALE);
  return s.wasm;
}

/**
 * X as samples: uint8 images (m, ...) or a float64/float32 (n_x, m) matrix, checked here
 * (errors name `op` and the argument `arg`).
 * @example samplesOf('fit', 'X', data.trainX).kind // 'pixels' (the notes' X is pixels / 255)
 */
export function samplesOf(op: string, arg: string, X: Tensor): Samples {
  if (X.dtype === 'uint8') {
    if (X.ndim < 2) throw new ShapeError(op, `${arg} as uint8 images must be (m, ...) with at least 2 axes, got ${arg}${formatShape(X.shape)}`, [X.shape]);
    const m = X.shape[0] as number;
    return { kind: 'pixels', u: X.values() as Uint8Array, m, n: m === 0 ? 0 : X.size / m };
  }
  if (X.dtype !== 'float64' && X.dtype !== 'float32') {
    throw new DTypeError(op, `${arg} must be uint8 images or a float64/float32 (n_x, m) matrix, got ${X.dtype}`, [X.dtype]);
  }
  if (X.ndim !== 2) throw new ShapeError(op, `${arg} must be (n_x, m), got ${arg}${formatShape(X.shape)}`, [X.shape]);
  const [n, m] = X.shape as [number, number];
  const x = X.values() as FloatArray;
  // A flattened X that is exactly pixels / 255 (the notes' preparation) goes the integer way.
  const u = pixelsFromColumns(x, n, m, PIXEL_SCALE, X.dtype === 'float32');
  return u === null ? { kind: 'columns', x, n, m } : { kind: 'pixels', u, m, n };
}

/**
 * G = XᵀX (m x m, row-major), exact integer sums for pixels.
 * @example const G = gramOf('fit', samplesOf('fit', 'X', X), 'auto');
 */
export function gramOf(op: string, s: Samples, backend: FastBackend): Float64Array {
  const G = new Float64Array(s.m * s.m);
  if (s.kind === 'pixels') {
    if (wasmOf(s, backend)?.gram(G) === true) return G;
    if (backend === 'wasm') throw new ArgumentError(op, 'backend', 'WebAssembly SIMD is not available in this engine');
    gramFromPixels(s.u, s.m, s.n, PIXEL_SCALE, G);
  } else {
    gramFromColumns(s.x, s.n, s.m, G);
  }
  return G;
}

/** Xᵀw, one score per sample. @example const z = scoresOf(s, w, 'auto'); */
export function scoresOf(s: Samples, w: FloatArray, backend: FastBackend): Float64Array {
  const out = new Float64Array(s.m);
  if (s.kind === 'columns') {
    scoresFromColumns(s.x, s.n, s.m, w, out);
  } else {
    const px = wasmOf(s, backend);
    if (px !== null) px.scores(w, out);
    else scoresFromPixels(s.u, s.m, s.n, w, PIXEL_SCALE, out);
  }
  return out;
}

/** w += X c. @example addSpan(s, c, w, 'auto'); */
export function addSpan(s: Samples, c: Float64Array, w: Float64Array, backend: FastBackend): void {
  if (s.kind === 'columns') {
    weightsFromColumns(s.x, s.n, s.m, c, w);
  } else {
    const px = wasmOf(s, backend);
    if (px !== null) px.addWeights(c, w);
    else weightsFromPixels(s.u, s.m, s.n, c, PIXEL_SCALE, w);
  }
}
