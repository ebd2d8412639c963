import { ArgumentError, ShapeError } from './errors.js';

/** A tensor shape: one non-negative integer per axis. `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar, 0 when any axis is 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides, in elements. @example contiguousStrides([2,3]) // [3,1] */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] ?? 1;
  }
  return strides;
}

/** `(2, 3)`: numpy's way of writing a shape, used in every message. */
export function formatShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * numpy broadcasting: align on the right, each pair of axes equal or one of them 1.
 * @example broadcastShapes('add', [3,1], [4]) // [3,4]
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `cannot broadcast ${formatShape(a)} with ${formatShape(b)}`, [a, b]);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if it had `target` shape (stride 0 on
 * broadcast axes). The caller has already checked that `shape` broadcasts to `target`.
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : (strides[i] ?? 0);
  }
  return out;
}

/**
 * The one place axes are normalised: negative axes count from the end, duplicates and
 * out-of-range axes are errors, `undefined` means all axes. Returns sorted axes.
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const seen = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new ArgumentError(op, 'axis', `axis ${a} is out of bounds for a tensor of ${ndim} dimension(s)`);
    }
    const n = a < 0 ? a + ndim : a;
    if (seen.has(n)) throw new ArgumentError(op, 'axis', `repeated axis ${a}`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Checks that every entry is a non-negative integer. */
export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ArgumentError(op, 'shape', `dimensions must be non-negative integers, got [${shape.join(', ')}]`);
    }
  }
}
