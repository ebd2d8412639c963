import type { TypedArray } from '../core/dtype.js';

/**
 * Visits every element of a strided view in row-major order, calling `visit(pos, i)` with its
 * storage position and its row-major index. Shared by every generic (non-contiguous) loop.
 */
export function forEachStrided(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  visit: (pos: number, i: number) => void,
): void {
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return;
  const idx = new Array<number>(nd).fill(0);
  let pos = offset;
  for (let i = 0; i < n; i++) {
    visit(pos, i);
    for (let ax = nd - 1; ax >= 0; ax--) {
      const s = strides[ax] ?? 0;
      const c = (idx[ax] ?? 0) + 1;
      if (c < (shape[ax] ?? 1)) {
        idx[ax] = c;
        pos += s;
        break;
      }
      idx[ax] = 0;
      pos -= s * (c - 1);
    }
  }
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
