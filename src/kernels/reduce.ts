import type { TypedArray } from '../core/dtype.js';
import { affineIndex, forEachStrided, isRowMajor } from './strided.js';

export type ReduceKind = 'sum' | 'max' | 'min';

/**
 * Reduces a strided view over the axes flagged in `reduced`. `out` is contiguous with the
 * kept axes' sizes in order. Sums accumulate in float64 (a float32 tensor's sum is rounded
 * once at the end); max/min propagate NaN as numpy does.
 */
export function reduceKernel(
  kind: ReduceKind,
  src: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  reduced: readonly boolean[],
  out: TypedArray,
): void {
  // Output position of each input element: stride 0 along reduced axes.
  const outStrides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (!reduced[ax]) {
      outStrides[ax] = s;
      s *= shape[ax] as number;
    }
  }
  const acc = new Float64Array(out.length);
  if (kind === 'sum') {
    sumInto(src, offset, strides, shape, outStrides, acc);
  } else {
    acc.fill(kind === 'max' ? -Infinity : Infinity);
    const better = kind === 'max' ? (x: number, y: number) => x > y : (x: number, y: number) => x < y;
    walk(shape, strides, offset, outStrides, (p, q) => {
      const x = src[p] as number;
      const cur = acc[q] as number;
      if (x !== x || better(x, cur)) {
        if (cur === cur) acc[q] = x;
      }
    });
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i] as number;
}

function sumInto(
  src: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  outStrides: readonly number[],
  acc: Float64Array,
): void {
  const nd = shape.length;
  // Whole contiguous array to one number: pairwise summation, like numpy, so long sums
  // keep their accuracy (error O(log n) instead of O(n)).
  if (acc.length === 1 && isRowMajor(strides, shape)) {
    let n = 1;
    for (const d of shape) n *= d;
    acc[0] = pairwiseSum(src, offset, n);
    return;
  }
  if (nd === 0) {
    acc[0] = src[offset] as number;
    return;
  }
  walk(shape, strides, offset, outStrides, (p, q) => {
    acc[q] = (acc[q] as number) + (src[p] as number);
  });
}

const PAIRWISE_BLOCK = 128;

/** Pairwise sum of `n` contiguous elements from `start`. */
export function pairwiseSum(src: TypedArray, start: number, n: number): number {
  if (n <= PAIRWISE_BLOCK) {
    let s = 0;
    for (let i = 0; i < n; i++) s += src[start + i] as number;
    return s;
  }
  const half = Math.floor(n / 2);
  return pairwiseSum(src, start, half) + pairwiseSum(src, start + half, n - half);
}

function walk(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  outStrides: readonly number[],
  visit: (p: number, q: number) => void,
): void {
  const nd = shape.length;
  const out = affineIndex(outStrides, shape);
  if (out !== null && isRowMajor(strides, shape)) {
    // A contiguous input reduced over leading or trailing axes (a bias's gradient, softmax's
    // row sums): the same visits in the same order, the output position by arithmetic.
    let n = 1;
    for (const d of shape) n *= d;
    for (let i = 0; i < n; i++) visit(offset + i, Math.floor(i / out.block) % out.period);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let q = 0;
  forEachStrided(shape, strides, offset, (p, i) => {
    if (i > 0) {
      // Advance the output position alongside forEachStrided's row-major order.
      for (let ax = nd - 1; ax >= 0; ax--) {
        const c = (idx[ax] as number) + 1;
        if (c < (shape[ax] as number)) {
          idx[ax] = c;
          q += outStrides[ax] as number;
          break;
        }
        idx[ax] = 0;
        q -= (outStrides[ax] as number) * (c - 1);
      }
    }
    visit(p, q);
  });
}

/**
 * Index of the largest (or smallest) element along one axis; the first NaN wins, as in numpy.
 * `outer`/`inner` are the products of the axes before and after it, `src` contiguous.
 */
export function argReduceKernel(
  kind: 'argmax' | 'argmin',
  src: TypedArray,
  outer: number,
  len: number,
  inner: number,
  out: Int32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * len * inner + r;
      let best = src[base] as number;
      let at = 0;
      if (best === best) {
        for (let k = 1; k < len; k++) {
          const x = src[base + k * inner] as number;
          if (x !== x) {
            at = k;
            break;
          }
          if (kind === 'argmax' ? x > best : x < best) {
            best = x;
            at = k;
          }
        }
      }
      out[o * inner + r] = at;
    }
  }
}
