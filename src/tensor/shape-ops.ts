import { ArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, broadcastStrides, checkShape, contiguousStrides, formatShape, shapesEqual, sizeOf, type Shape } from '../core/shape.js';
import { record } from './record.js';
import { Tensor } from './tensor.js';

/**
 * The same elements in a new shape; one entry may be -1 (inferred). A view when the tensor
 * is contiguous, else a copy.
 * @example reshape(arange(6), [2, -1]).shape // [2, 3]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = resolveShape(x, shape);
  const c = x.contiguous();
  const out = new Tensor(c.data, target, c.dtype, contiguousStrides(target), c.offset);
  return record('reshape', [x], out, { from: x.shape });
}

function resolveShape(x: Tensor, shape: Shape): number[] {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ArgumentError('reshape', 'shape', `can only infer one dimension, got [${shape.join(', ')}]`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < -1) throw new ArgumentError('reshape', 'shape', `dimensions must be integers >= -1, got [${shape.join(', ')}]`);
  }
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (free === 1 && known === 0) {
    throw new ShapeError('reshape', `cannot infer -1 when another dimension is 0: size ${x.size} into ${formatShape(shape)}`, [x.shape, shape]);
  }
  const out = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (sizeOf(out) !== x.size || !out.every(Number.isInteger)) {
    throw new ShapeError('reshape', `cannot reshape array of size ${x.size} into shape ${formatShape(shape)}`, [x.shape, shape]);
  }
  return out;
}

/**
 * Axes permuted (reversed by default), as a view: no data moves.
 * @example transpose(zeros([2, 3])).shape // [3, 2]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm === undefined ? x.shape.map((_, i) => x.ndim - 1 - i) : perm.map((a) => (a < 0 ? a + x.ndim : a));
  // Validate the axes as given: an axis below -ndim must not pass as a normalised negative one.
  if (p.length !== x.ndim || !p.every((a) => Number.isInteger(a) && a >= 0 && a < x.ndim) || new Set(p).size !== x.ndim) {
    throw new ArgumentError('transpose', 'perm', `axes [${(perm ?? []).join(', ')}] do not match a tensor of ${x.ndim} dimension(s)`);
  }
  const shape = p.map((a) => x.shape[a] as number);
  const strides = p.map((a) => x.strides[a] as number);
  return record('transpose', [x], new Tensor(x.data, shape, x.dtype, strides, x.offset), { perm: p });
}

/** One axis of a basic slice: an index (drops the axis), a range, or null (the whole axis). */
export type SliceSpec = number | null | { start?: number; end?: number; step?: number };

/**
 * numpy basic slicing as a view: one spec per leading axis, the rest taken whole.
 * @example slice(X, null, { start: 0, end: 10 }) // X[:, 0:10], the first 10 columns
 * @example slice(X, 2) // X[2], the third row
 */
export function slice(x: Tensor, ...specs: SliceSpec[]): Tensor {
  if (specs.length > x.ndim) {
    throw new ArgumentError('slice', 'specs', `too many indices (${specs.length}) for shape ${formatShape(x.shape)}`);
  }
  const starts: number[] = [];
  const steps: number[] = [];
  const shape: number[] = [];
  const strides: number[] = [];
  const dropAxes: number[] = [];
  let offset = x.offset;
  for (let ax = 0; ax < x.ndim; ax++) {
    const d = x.shape[ax] as number;
    const st = x.strides[ax] as number;
    const spec = specs[ax] ?? null;
    if (typeof spec === 'number') {
      const i = spec < 0 ? spec + d : spec;
      if (!Number.isInteger(i) || i < 0 || i >= d) throw new ArgumentError('slice', `axis ${ax}`, `index ${spec} is out of bounds for size ${d}`);
      offset += i * st;
      starts.push(i);
      steps.push(1);
      dropAxes.push(ax);
      continue;
    }
    const step = spec?.step ?? 1;
    if (!Number.isInteger(step) || step === 0) throw new ArgumentError('slice', `axis ${ax}`, `step must be a non-zero integer, got ${step}`);
    const [lo, n] = sliceRange(d, spec?.start, spec?.end, step);
    offset += n > 0 ? lo * st : 0;
    starts.push(lo);
    steps.push(step);
    shape.push(n);
    strides.push(st * step);
  }
  const out = new Tensor(x.data, shape, x.dtype, strides, offset);
  return record('slice', [x], out, { from: x.shape, starts, steps, dropAxes });
}

/** Python's slice.indices: clamps start/end and counts the elements. */
function sliceRange(d: number, start: number | undefined, end: number | undefined, step: number): [number, number] {
  const norm = (v: number | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === undefined) return dflt;
    const w = v < 0 ? v + d : v;
    return Math.min(Math.max(w, lo), hi);
  };
  const lo = step > 0 ? norm(start, 0, 0, d) : norm(start, d - 1, -1, d - 1);
  const hi = step > 0 ? norm(end, d, 0, d) : norm(end, -1, -1, d - 1);
  const n = step > 0 ? Math.max(0, Math.ceil((hi - lo) / step)) : Math.max(0, Math.ceil((lo - hi) / -step));
  return [lo, n];
}

/** Rows `start` to `end` (exclusive) of a 2-D tensor, as a view. @example rows(X, 0, 5) */
export function rows(x: Tensor, start: number, end: number): Tensor {
  if (x.ndim !== 2) throw new ShapeError('rows', `needs a 2-D tensor, got shape ${formatShape(x.shape)}`, [x.shape]);
  return slice(x, { start, end });
}

/** Columns `start` to `end` (exclusive) of a 2-D tensor, as a view. @example cols(X, 0, 10) */
export function cols(x: Tensor, start: number, end: number): Tensor {
  if (x.ndim !== 2) throw new ShapeError('cols', `needs a 2-D tensor, got shape ${formatShape(x.shape)}`, [x.shape]);
  return slice(x, null, { start, end });
}

/**
 * A read-only view of `x` broadcast to `shape` (stride 0 on repeated axes).
 * @example broadcastTo(fromArray([1, 2]), [3, 2])
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkShape('broadcastTo', shape);
  const b = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(b, shape)) {
    throw new ShapeError('broadcastTo', `cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`, [x.shape, shape]);
  }
  if (shapesEqual(x.shape, shape)) return x;
  const out = new Tensor(x.data, shape, x.dtype, broadcastStrides(x.shape, x.strides, shape), x.offset);
  return record('broadcastTo', [x], out, { from: x.shape });
}

/** The tensor as 1-D. @example flatten(zeros([2, 3])).shape // [6] */
export function flatten(x: Tensor): Tensor {
  return reshape(x, [-1]);
}
