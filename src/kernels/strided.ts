import type { TypedArray } from '../core/dtype.js';

/**
 * Visits every element of several strided views of one shape in row-major order, calling
 * `visit(pos, i)` with each view's storage position and the row-major index: the one generic
 * (non-contiguous) loop every kernel falls back to.
 * @example forEachStridedN([2, 2], [[2, 1], [1, 2]], [0, 0], (p) => out.push(a[p[0]] + b[p[1]])) // a + bᵀ
 */
export function forEachStridedN(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  start: readonly number[],
  visit: (pos: readonly number[], i: number) => void,
): void {
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return;
  const idx = new Array<number>(nd).fill(0);
  const pos = [...start];
  for (let i = 0; i < n; i++) {
    visit(pos, i);
    for (let ax = nd - 1; ax >= 0; ax--) {
      const c = (idx[ax] as number) + 1;
      if (c < (shape[ax] as number)) {
        idx[ax] = c;
        for (let k = 0; k < pos.length; k++) pos[k] = (pos[k] as number) + (strides[k]?.[ax] ?? 0);
        break;
      }
      idx[ax] = 0;
      for (let k = 0; k < pos.length; k++) pos[k] = (pos[k] as number) - (strides[k]?.[ax] ?? 0) * (c - 1);
    }
  }
}

/** `forEachStridedN` for one view. @example forEachStrided([2, 3], [1, 2], 0, (pos, i) => (out[i] = src[pos])) // a transpose */
export function forEachStrided(shape: readonly number[], strides: readonly number[], offset: number, visit: (pos: number, i: number) => void): void {
  forEachStridedN(shape, [strides], [offset], (p, i) => visit(p[0] as number, i));
}

/** Copies a strided view into `out` in row-major order (values convert by typed-array assignment). */
export function copyStrided(
  src: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  out: TypedArray,
): void {
  forEachStrided(shape, strides, offset, (pos, i) => {
    out[i] = src[pos] ?? 0;
  });
}

/**
 * True when a view with these strides lies in row-major order without gaps (size-1 axes may
 * have any stride): the contiguous fast paths of every kernel test this.
 * @example isRowMajor([3, 1], [2, 3]) // true
 */
export function isRowMajor(strides: readonly number[], shape: readonly number[]): boolean {
  let expect = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 1;
    if (d !== 1 && strides[i] !== expect) return false;
    expect *= d;
  }
  return true;
}

/**
 * When a view's element for output position i (row-major over `shape`) is at
 * offset + ⌊i / block⌋ mod period, its block and period, else null: zero strides on leading
 * and trailing axes around a row-major middle. That covers a contiguous view (block 1, period
 * n), a scalar (period 1), a bias (k) added to every row of (N, k) (block 1, period k) and a
 * column (N, 1) spread over (N, k) (block k, period N), the fast paths of the kernels.
 * @example affineIndex([0, 1], [4, 3]) // { block: 1, period: 3 }
 */
export function affineIndex(strides: readonly number[], shape: readonly number[]): { block: number; period: number } | null {
  let ax = shape.length - 1;
  let block = 1;
  while (ax >= 0 && ((strides[ax] ?? 0) === 0 || shape[ax] === 1)) block *= shape[ax--] as number;
  let period = 1;
  while (ax >= 0 && (shape[ax] === 1 || strides[ax] === period)) period *= shape[ax--] as number;
  for (; ax >= 0; ax--) if ((strides[ax] ?? 0) !== 0 && shape[ax] !== 1) return null;
  return { block, period };
}
