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
