/**
 * A model's first dense layer straight from uint8 pixels, for evaluation: Z1 = U W1ᵀ / scale
 * + b1 by the span kernels (integer pixel sums, WebAssembly SIMD), without making the float
 * inputs (20 MB and a pass of divisions for the notes' 209 images). Equal to the layer on
 * the prepared inputs to rounding (the sums are taken in another order).
 */
import { allocateFloat, type FloatArray } from '../core/dtype.js';
import { activeBackend } from '../kernels/backend.js';
import { Dense } from '../nn/layers/dense.js';
import type { Sequential } from '../nn/sequential.js';
import { astype, gemmInto, Tensor } from '../tensor/index.js';
import { samplesOf, scoresOf, type FastBackend } from './samples.js';

/**
 * The index of the first layer with parameters when it is dense and only flattens come before
 * it (the layer the span steps and this evaluation reformulate), else -1.
 * @example firstDense(buildModel([64, 64, 3], parseArch('flatten,dense:7,relu,dense:1,sigmoid'), init)) // 1
 */
export function firstDense(model: Sequential): number {
  const i = model.layers.findIndex((l) => l.parameters().length > 0);
  return i >= 0 && model.layers[i] instanceof Dense && model.layers.slice(0, i).every((l) => l.config().kind === 'flatten') ? i : -1;
}

/**
 * The first dense layer's output on pixels x (N, ...) standing for x / scale, and the index
 * of the layer that takes it; null when x is not uint8 or the model does not start so.
 * @example const f = firstLayerOnPixels(net, test.x, 255); if (f) net.predict(f.z, f.next);
 */
export function firstLayerOnPixels(model: Sequential, x: Tensor, scale: number, backend: FastBackend = 'auto'): { z: Tensor; next: number } | null {
  const i = firstDense(model);
  if (x.dtype !== 'uint8' || i < 0) return null;
  const d = model.layers[i] as Dense;
  if (backend === 'auto' && activeBackend().native !== null) return { z: denseOnPixelsBlas(d, x, scale), next: i + 1 };
  const s = samplesOf('evaluate', x, scale);
  const [units, n] = d.W.value.shape as [number, number];
  const W = Float64Array.from(d.W.value.values());
  const b = d.b.value.values();
  const out = new Float64Array(s.m * units);
  for (let u = 0; u < units; u++) {
    const z = scoresOf(s, W.subarray(u * n, (u + 1) * n), backend);
    for (let j = 0; j < s.m; j++) out[j * units + u] = (z[j] as number) + (b[u] as number);
  }
  const z = new Tensor(out, [s.m, units], 'float64');
  return { z: d.W.value.dtype === 'float64' ? z : astype(z, d.W.value.dtype), next: i + 1 };
}

// Pixels converted per chunk of rows: at most this many elements (8 MB of float64) at a time.
const CHUNK_ELEMENTS = 1 << 20;

/**
 * With a native BLAS: Z1 = (U / scale) W1ᵀ + b1 by chunks of rows, each chunk's pixels turned
 * into the model's dtype exactly as the prepared inputs are (u / scale in float64, rounded for
 * float32) and multiplied by one gemm: the first layer of the training step, without its
 * whole float copy of the inputs. (The per-unit pixel kernels above run one matrix-vector
 * product per unit: 128 units on 10,000 digits took 0.36 s, this 0.03 s.)
 */
function denseOnPixelsBlas(d: Dense, x: Tensor, scale: number): Tensor {
  const W = d.W.value.contiguous();
  const dtype = W.dtype === 'float32' ? 'float32' : 'float64';
  const [units, n] = W.shape as [number, number];
  const m = x.shape[0] as number;
  const u = x.contiguous().values() as Uint8Array;
  const table = allocateFloat(dtype, 256);
  for (let v = 0; v < 256; v++) table[v] = v / scale;
  const w = (dtype === W.dtype ? W : astype(W, dtype)).values() as FloatArray;
  const bias = d.b.value.values();
  const out = allocateFloat(dtype, m * units);
  const rows = Math.max(1, Math.min(m, Math.floor(CHUNK_ELEMENTS / Math.max(1, n))));
  const chunk = allocateFloat(dtype, rows * n);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    for (let e = 0, src = r0 * n; e < r * n; e++, src++) chunk[e] = table[u[src] as number] as number;
    const z = out.subarray(r0 * units, (r0 + r) * units);
    // Wᵀ read in place: element (p, j) of Wᵀ is W[j * n + p].
    gemmInto(r, units, n, { data: chunk, offset: 0, rowStride: n, colStride: 1 }, { data: w, offset: 0, rowStride: 1, colStride: n }, z);
    for (let j = 0; j < r; j++) for (let k = 0; k < units; k++) z[j * units + k] = (z[j * units + k] as number) + (bias[k] as number);
  }
  return new Tensor(out, [m, units], dtype);
}
