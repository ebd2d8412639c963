import type { TypedArray } from '../core/dtype.js';
import { dotWasm } from './matmul-wasm.js';

/** A strided matrix operand: element (i, j) is at data[offset + i*rowStride + j*colStride]. */
export interface MatrixOperand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * out (m x n, contiguous, zero-filled by the caller) = a (m x k) @ b (k x n).
 * i-p-j order: the inner loop walks a row of b and a row of out, both contiguous in the
 * common case, so it streams through memory.
 */
export function gemm(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: TypedArray): void {
  const ad = a.data;
  const bd = b.data;
  const { rowStride: ars, colStride: acs } = a;
  const { rowStride: brs, colStride: bcs } = b;
  if (n === 1) {
    // Matrix-vector: one dot product per row, accumulated in a float64 local.
    for (let i = 0; i < m; i++) {
      let s = 0;
      let pa = a.offset + i * ars;
      let pb = b.offset;
      for (let p = 0; p < k; p++) {
        s += (ad[pa] as number) * (bd[pb] as number);
        pa += acs;
        pb += brs;
      }
      out[i] = s;
    }
    return;
  }
  if (brs === 1 && bcs !== 1) {
    // b is a transposed view (its columns are contiguous): one dot product per output
    // element walks a row of a and a column of b, both in order.
    for (let i = 0; i < m; i++) {
      const pa0 = a.offset + i * ars;
      for (let j = 0; j < n; j++) {
        let s = 0;
        let pa = pa0;
        let pb = b.offset + j * bcs;
        for (let p = 0; p < k; p++) {
          s += (ad[pa] as number) * (bd[pb] as number);
          pa += acs;
          pb += 1;
        }
        out[i * n + j] = s;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const orow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = ad[a.offset + i * ars + p * acs] as number;
      let pb = b.offset + p * brs;
      if (bcs === 1) {
        for (let j = 0; j < n; j++) out[orow + j] = (out[orow + j] as number) + aip * (bd[pb + j] as number);
      } else {
        for (let j = 0; j < n; j++) {
          out[orow + j] = (out[orow + j] as number) + aip * (bd[pb] as number);
          pb += bcs;
        }
      }
    }
  }
}

/**
 * Σ x[xo + i·xs] · y[yo + i·ys] for i < n, in four interleaved partial sums (i mod 4), added
 * as (s0 + s1) + (s2 + s3): four independent chains keep the multiply-adds in flight where
 * one chain waits on each addition, so it runs faster than the one-accumulator loop, whose
 * result it matches to rounding (the same terms, summed in another order). `simd` false keeps
 * long unit-stride float64 dots off the wasm kernel (the forced js backend); same bits either way.
 * @example dotStrided(3, x, 0, 1, y, 0, 1) // x·y
 */
export function dotStrided(n: number, x: TypedArray, xo: number, xs: number, y: TypedArray, yo: number, ys: number, simd = true): number {
  if (xs === 1 && ys === 1 && x instanceof Float64Array && y instanceof Float64Array) return simd ? dotF64(n, x, xo, y, yo) : dotF64Plain(n, x, xo, y, yo);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let px = xo;
  let py = yo;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    s0 += (x[px] as number) * (y[py] as number);
    s1 += (x[px + xs] as number) * (y[py + ys] as number);
    s2 += (x[px + 2 * xs] as number) * (y[py + 2 * ys] as number);
    s3 += (x[px + 3 * xs] as number) * (y[py + 3 * ys] as number);
    px += 4 * xs;
    py += 4 * ys;
  }
  for (let i = n4; i < n; i++) {
    s0 += (x[px] as number) * (y[py] as number);
    px += xs;
    py += ys;
  }
  return s0 + s1 + (s2 + s3);
}

// From this length on the WebAssembly SIMD dot (same bits) beats the loop below, copies included.
const WASM_DOT_MIN = 2048;

// The common case on its own, so that V8 sees one array type and unit strides.
function dotF64(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): number {
  if (n >= WASM_DOT_MIN) {
    const s = dotWasm(n, x, xo, y, yo);
    if (s !== undefined) return s;
  }
  return dotF64Plain(n, x, xo, y, yo);
}

/**
 * The plain TypeScript inner product of unit-stride float64 vectors (the reference for the
 * SIMD `dotWasm`, which gives the same bits). @example dotF64Plain(3, x, 0, y, 0) // x·y
 */
export function dotF64Plain(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    s0 += (x[xo + i] as number) * (y[yo + i] as number);
    s1 += (x[xo + i + 1] as number) * (y[yo + i + 1] as number);
    s2 += (x[xo + i + 2] as number) * (y[yo + i + 2] as number);
    s3 += (x[xo + i + 3] as number) * (y[yo + i + 3] as number);
  }
  for (let i = n4; i < n; i++) s0 += (x[xo + i] as number) * (y[yo + i] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * out[j] = Σ_p x[xo + p·xs] · b[p, j] for a row vector x (k) and a matrix b (k x n), walking b
 * by rows, summed in exactly `dotStrided`'s order (partial sums by p mod 4, the tail in the
 * first): each out[j] equals `dotStrided` of x with column j bit for bit. So a sample's score
 * is the same whether it is computed alone (w·x) or in a batch (wᵀX).
 * @example rowTimesMatrix(3, 2, x, 0, 1, { data: B, offset: 0, rowStride: 2, colStride: 1 }, out)
 */
export function rowTimesMatrix(k: number, n: number, x: TypedArray, xo: number, xs: number, b: MatrixOperand, out: TypedArray): void {
  const acc = new Float64Array(4 * n);
  const k4 = k - (k % 4);
  const bd = b.data;
  for (let p = 0; p < k; p++) {
    const base = (p < k4 ? p & 3 : 0) * n;
    const xp = x[xo + p * xs] as number;
    let pb = b.offset + p * b.rowStride;
    const cs = b.colStride;
    for (let j = 0; j < n; j++) {
      acc[base + j] = (acc[base + j] as number) + xp * (bd[pb] as number);
      pb += cs;
    }
  }
  for (let j = 0; j < n; j++) out[j] = (acc[j] as number) + (acc[n + j] as number) + ((acc[2 * n + j] as number) + (acc[3 * n + j] as number));
}
