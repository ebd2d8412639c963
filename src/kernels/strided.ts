import type { TypedArray } from '../core/dtype.js';

/**
 * Visits every element of several strided views of one shape in row-major order, calling
 * `visit(pos, i)` with each view's storage position and the row-major index. One call per
 * element, for code off the hot path: the kernels loop over `planes` instead.
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
  const p = planes(shape, [strides]);
  const rs = p.rowStride[0] as number;
  const cs = p.colStride[0] as number;
  const { rows, cols } = p;
  forEachPlane(p, [offset], (pos, q) => {
    let i = q;
    for (let r = 0, row = pos[0] as number; r < rows; r++, row += rs) {
      for (let j = 0, at = row; j < cols; j++, at += cs) out[i++] = src[at] ?? 0;
    }
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
 * How a kernel may read a view as one row of the output's length: step 1 when it is
 * row-major (`isRowMajor`), 0 when it is one element repeated (every stride 0), else -1.
 * The kernels' common case, checked before building `planes`.
 * @example flatStep([0, 0], [2, 3]) // 0
 */
export function flatStep(strides: readonly number[], shape: readonly number[]): number {
  if (isRowMajor(strides, shape)) return 1;
  return strides.every((s) => s === 0) ? 0 : -1;
}

/**
 * A row-major loop over `shape` for several strided operands, cut into planes of
 * `rows` × `cols` elements. Size-1 axes are dropped and neighbouring axes that every operand
 * walks as one (stride[ax] = stride[ax + 1] · shape[ax + 1]) are merged, so the common cases
 * are one plane: a contiguous array is one row (column stride 1), a scalar has strides 0, a
 * bias (k) over (N, k) is N rows with row stride 0, a column (N, 1) over (N, k) has column
 * stride 0. Axes left before the last two (`outer`) are walked plane by plane
 * (`forEachPlane`). Visiting planes, rows and columns in order is the row-major order of
 * `shape`, so reductions keep their summation order.
 * @example planes([4, 3], [[3, 1], [0, 1]]) // rows 4, cols 3, rowStride [3, 0], colStride [1, 1]
 */
export interface Planes {
  readonly size: number;
  readonly outer: readonly number[];
  /** Per operand, its strides along the `outer` axes. */
  readonly outerStrides: readonly (readonly number[])[];
  readonly rows: number;
  readonly cols: number;
  /** Per operand, its step from one row (or column) of a plane to the next. */
  readonly rowStride: readonly number[];
  readonly colStride: readonly number[];
}

const NONE: readonly number[] = [];

/** The `Planes` of a loop over `shape` reading each operand with its strides (0 on broadcast axes). */
export function planes(shape: readonly number[], strides: readonly (readonly number[])[]): Planes {
  const k = strides.length;
  let size = 1;
  for (const d of shape) size *= d;
  const nd0 = shape.length;
  if (nd0 <= 2) {
    // The same merge without its arrays: small tensors feel every allocation.
    const two = nd0 === 2;
    const rows = two ? (shape[0] as number) : 1;
    const cols = shape[nd0 - 1] ?? 1;
    const rowStride = strides.map((s) => (two ? (s[0] ?? 0) : 0));
    const colStride = strides.map((s) => s[nd0 - 1] ?? 0);
    const outerStrides = strides.map(() => NONE);
    if (cols === 1) return { size, outer: NONE, outerStrides, rows: 1, cols: rows, rowStride: colStride, colStride: rowStride };
    if (rowStride.every((r, o) => r === (colStride[o] as number) * cols)) {
      return { size, outer: NONE, outerStrides, rows: 1, cols: size, rowStride: strides.map(() => 0), colStride };
    }
    return { size, outer: NONE, outerStrides, rows, cols, rowStride, colStride };
  }
  // Merged axes from the last one back: sizes, and st[m·k + o] operand o's stride along axis m.
  const dims: number[] = [];
  const st: number[] = [];
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    const d = shape[ax] as number;
    if (d === 1) continue;
    const m = dims.length - 1;
    let merge = m >= 0;
    for (let o = 0; merge && o < k; o++) merge = (strides[o]?.[ax] ?? 0) === (st[m * k + o] as number) * (dims[m] as number);
    if (merge) {
      dims[m] = (dims[m] as number) * d;
    } else {
      dims.push(d);
      for (let o = 0; o < k; o++) st.push(strides[o]?.[ax] ?? 0);
    }
  }
  const nd = dims.length;
  const outer: number[] = [];
  for (let m = nd - 1; m >= 2; m--) outer.push(dims[m] as number);
  const outerStrides = strides.map((_, o) => outer.map((_, i) => st[(nd - 1 - i) * k + o] as number));
  const rowStride = strides.map((_, o) => (nd >= 2 ? (st[k + o] as number) : 0));
  const colStride = strides.map((_, o) => (nd >= 1 ? (st[o] as number) : 0));
  return { size, outer, outerStrides, rows: nd >= 2 ? (dims[1] as number) : 1, cols: nd >= 1 ? (dims[0] as number) : 1, rowStride, colStride };
}

/**
 * Calls `visit(pos, q)` once per plane of `p`, in row-major order: `pos` holds each operand's
 * storage position of the plane's first element (from `start`), `q` its row-major index.
 * Nothing is visited when the loop is empty.
 * @example forEachPlane(planes([2, 3, 4], [[1, 2, 6]]), [0], (pos, q) => ...) // 1 plane: 3 rows of 4, column stride 6
 */
export function forEachPlane(p: Planes, start: readonly number[], visit: (pos: readonly number[], q: number) => void): void {
  if (p.size === 0) return;
  const nd = p.outer.length;
  if (nd === 0) {
    visit(start, 0);
    return;
  }
  const step = p.rows * p.cols;
  const idx = new Array<number>(nd).fill(0);
  const pos = [...start];
  for (let q = 0; q < p.size; q += step) {
    visit(pos, q);
    for (let ax = nd - 1; ax >= 0; ax--) {
      const c = (idx[ax] as number) + 1;
      const last = c < (p.outer[ax] as number);
      idx[ax] = last ? c : 0;
      for (let k = 0; k < pos.length; k++) {
        const s = p.outerStrides[k]?.[ax] ?? 0;
        pos[k] = (pos[k] as number) + (last ? s : -s * (c - 1));
      }
      if (last) break;
    }
  }
}
