import { allocate, isFloat, promoteFloat } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxes } from '../core/shape.js';
import { argReduceKernel, reduceKernel, type ReduceKind } from '../kernels/reduce.js';
import { div } from './elementwise.js';
import { record } from './record.js';
import { Tensor } from './tensor.js';

/** Options of every reduction: which axes (all by default) and whether to keep them as size 1. */
export interface ReduceOptions {
  axis?: number | readonly number[];
  keepdims?: boolean;
}

function reduceShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

function reduce(kind: ReduceKind, x: Tensor, opts: ReduceOptions): Tensor {
  const axes = normalizeAxes(kind, opts.axis, x.ndim);
  const keepdims = opts.keepdims ?? false;
  if (kind !== 'sum' && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(kind, `zero-size axis has no identity for ${kind}: shape ${formatShape(x.shape)}`, [x.shape]);
  }
  const dtype = isFloat(x.dtype) ? x.dtype : promoteFloat(x.dtype);
  const shape = reduceShape(x.shape, axes, keepdims);
  const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
  reduceKernel(kind, x.data, x.offset, x.strides, x.shape, x.shape.map((_, i) => axes.includes(i)), out);
  return record(kind, [x], new Tensor(out, shape, dtype), { axes, keepdims });
}

/** Sum over axes. @example sum(fromArray([[1, 2], [3, 4]]), { axis: 0 }) // [4, 6] */
export const sum = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('sum', x, opts);
/** Largest element over axes (NaN if any is NaN). */
export const max = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('max', x, opts);
/** Smallest element over axes (NaN if any is NaN). */
export const min = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('min', x, opts);

/**
 * Arithmetic mean over axes: the sum divided by the count, as numpy does (NaN when empty).
 * @example mean(fromArray([1, 2, 3, 4])).item() // 2.5
 */
export function mean(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('mean', opts.axis, x.ndim);
  const count = axes.reduce((p, a) => p * (x.shape[a] as number), 1);
  return div(sum(x, opts), count);
}

function argReduce(kind: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepdims: boolean): Tensor {
  if (x.size === 0) throw new ShapeError(kind, `attempt to get ${kind} of an empty sequence: shape ${formatShape(x.shape)}`, [x.shape]);
  const flat = x.values();
  if (axis === undefined) {
    const out = new Int32Array(1);
    argReduceKernel(kind, flat, 1, x.size, 1, out);
    return new Tensor(out, keepdims ? x.shape.map(() => 1) : [], 'int32');
  }
  if (!Number.isInteger(axis)) throw new ArgumentError(kind, 'axis', `must be an integer, got ${axis}`);
  const [a] = normalizeAxes(kind, axis, x.ndim) as [number];
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const out = new Int32Array(outer * inner);
  argReduceKernel(kind, flat, outer, x.shape[a] as number, inner, out);
  return new Tensor(out, reduceShape(x.shape, [a], keepdims), 'int32');
}

/** Index of the largest element along `axis` (of the flattened tensor without one), as int32. */
export const argmax = (x: Tensor, axis?: number, keepdims = false): Tensor => argReduce('argmax', x, axis, keepdims);
/** Index of the smallest element along `axis`. */
export const argmin = (x: Tensor, axis?: number, keepdims = false): Tensor => argReduce('argmin', x, axis, keepdims);
