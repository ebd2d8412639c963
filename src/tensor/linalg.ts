import { allocate, promoteFloat, type TypedArray } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { dotStrided, gemm, rowTimesMatrix, type MatrixOperand } from '../kernels/matmul.js';
import { gemmWasm } from '../kernels/matmul-wasm.js';
import { activeBackend } from '../kernels/backend.js';
import { record } from './record.js';
import { reshape } from './shape-ops.js';
import { Tensor } from './tensor.js';

function asMatrix(t: Tensor): MatrixOperand {
  return { data: t.data, offset: t.offset, rowStride: t.strides[0] ?? 0, colStride: t.strides[1] ?? 0 };
}

// BLAS takes a product from this many multiply-adds on; below, the call (about 0.2 µs through
// koffi) costs more than the local loops: 4³ 0.65 µs against 0.47 µs, 6³ 0.66 against 0.76,
// 16³ 1.2 against 1.8 (wasm), 64³ 9 against 38 (bench/backend-threshold.ts).
const BLAS_MIN = 128;
// From this length the 1-D inner product goes to cblas_ddot (100,000 elements: 20 µs against
// the wasm dot's 110 µs, which copies both vectors first).
const BLAS_DOT_MIN = 2048;

// The SIMD kernel wins from tiny products on (20 x 20 x 20: about 10x); a single row of a
// (m = 1) would only use a quarter of its tile, and the plain loop streams b once.
function useWasm(m: number, n: number, k: number): boolean {
  return m >= 2 && n >= 2 && m * n * k >= 256;
}

/**
 * out (m x n, contiguous, zero-filled) = a @ b on the active backend: the system BLAS when
 * the product is large enough, else WebAssembly SIMD, else the plain loops. What `matmul`
 * runs for a matrix product, for ops that multiply parts of their operands (the chunks of a
 * convolution).
 * @example gemmInto(m, n, k, { data: A, offset: 0, rowStride: k, colStride: 1 }, bm, out)
 */
export function gemmInto(m: number, n: number, k: number, am: MatrixOperand, bm: MatrixOperand, out: TypedArray): void {
  const backend = activeBackend();
  if (backend.native !== null && m * n * k >= BLAS_MIN && backend.native.gemm(m, n, k, am, bm, out)) return;
  if (backend.name === 'js' || !useWasm(m, n, k) || !gemmWasm(m, n, k, am, bm, out)) gemm(m, n, k, am, bm, out);
}

const unitF64 = (data: unknown, stride: number): data is Float64Array => stride === 1 && data instanceof Float64Array;

/**
 * Matrix product with numpy's rules for 1-D and 2-D operands: a 1-D left operand is a row,
 * a 1-D right operand a column, and the added axis is dropped from the result.
 * Transposed views are read as they are: the WebAssembly SIMD kernel (../kernels/matmul-wasm.ts)
 * copies a row- or column-major operand into its memory in one memcpy, and the plain `gemm`,
 * the fallback without wasm SIMD, reads strided views in place. Vector results (n = 1, and
 * the inner product of two vectors) use the unrolled `dotStrided`.
 * Which kernels run is chosen once (../kernels/backend.ts): a system BLAS registered by the
 * Node entry points (transposed views go in through its transpose flags, float32 through
 * sgemm), else WebAssembly SIMD, else plain TypeScript; `TSGRAD_BACKEND` forces one.
 * @example matmul(transpose(w), X) // (1, n) @ (n, m) -> (1, m)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0 || a.ndim > 2 || b.ndim > 2) {
    throw new ShapeError('matmul', `operands must be 1-D or 2-D: a${formatShape(a.shape)} b${formatShape(b.shape)}`, [a.shape, b.shape]);
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0] as number]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0] as number, 1]) : b;
  const [m, k] = a2.shape as [number, number];
  const [k2, n] = b2.shape as [number, number];
  if (k !== k2) {
    throw new ShapeError('matmul', `inner dimensions differ: a${formatShape(a.shape)} b${formatShape(b.shape)}`, [a.shape, b.shape]);
  }
  const dtype = promoteFloat(a.dtype, b.dtype);
  const out = allocate(dtype, m * n);
  const am = asMatrix(a2);
  const bm = asMatrix(b2);
  const backend = activeBackend();
  const simd = backend.name !== 'js';
  if (a.ndim === 1 && b.ndim === 1 && backend.native !== null && k >= BLAS_DOT_MIN && unitF64(am.data, am.colStride) && unitF64(bm.data, bm.rowStride)) {
    // The inner product of two vectors only: a matrix-vector product keeps dotStrided's
    // order, so a sample's score alone equals its score in a batch, bit for bit.
    out[0] = backend.native.dot(k, am.data, am.offset, bm.data, bm.offset);
  } else if (n === 1) {
    // Matrix-vector and the inner product of two vectors: one unrolled dot per row.
    for (let i = 0; i < m; i++) out[i] = dotStrided(k, am.data, am.offset + i * am.rowStride, am.colStride, bm.data, bm.offset, bm.rowStride, simd);
  } else if (m === 1) {
    // A row vector times a matrix, in the dot's order: a batch's scores equal each sample's alone.
    rowTimesMatrix(k, n, am.data, am.offset, am.colStride, bm, out);
  } else {
    gemmInto(m, n, k, am, bm, out);
  }
  const full = record('matmul', [a2, b2], new Tensor(out, [m, n], dtype), null);
  if (a.ndim === 1 && b.ndim === 1) return reshape(full, []);
  if (a.ndim === 1) return reshape(full, [n]);
  if (b.ndim === 1) return reshape(full, [m]);
  return full;
}

/**
 * numpy's `dot` for 1-D and 2-D: the inner product of two vectors, else `matmul`.
 * @example dot(fromArray([1, 2, 3]), fromArray([4, 5, 6])).item() // 32
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError('dot', `operands must be 1-D or 2-D: a${formatShape(a.shape)} b${formatShape(b.shape)}`, [a.shape, b.shape]);
  }
  return matmul(a, b);
}
