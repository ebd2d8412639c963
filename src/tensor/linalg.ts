import { allocate, promoteFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { gemm, type MatrixOperand } from '../kernels/matmul.js';
import { record } from './record.js';
import { reshape } from './shape-ops.js';
import { Tensor } from './tensor.js';

function asMatrix(t: Tensor): MatrixOperand {
  return { data: t.data, offset: t.offset, rowStride: t.strides[0] ?? 0, colStride: t.strides[1] ?? 0 };
}

/**
 * Matrix product with numpy's rules for 1-D and 2-D operands: a 1-D left operand is a row,
 * a 1-D right operand a column, and the added axis is dropped from the result.
 * Transposed views are read in place, without a copy.
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
  gemm(m, n, k, asMatrix(a2), asMatrix(b2), out);
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
