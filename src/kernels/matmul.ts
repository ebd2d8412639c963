import type { TypedArray } from '../core/dtype.js';

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
