import type { TypedArray } from '../core/dtype.js';
import { forEachPlane, isRowMajor, planes } from './strided.js';

export type ReduceKind = 'sum' | 'max' | 'min';

/**
 * Reduces a strided view over the axes flagged in `reduced`. `out` is contiguous with the
 * kept axes' sizes in order. Sums accumulate in float64 (a float32 tensor's sum is rounded
 * once at the end), each output from 0 in the input's row-major order, or pairwise when a
 * whole contiguous array becomes one number; max/min propagate NaN as numpy does.
 * @example reduceKernel('sum', x, 0, [4, 1], [n, 4], [false, true], rowSums)
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
  if (kind === 'sum' && acc.length === 1 && isRowMajor(strides, shape)) {
    // Whole contiguous array to one number: pairwise summation, like numpy, so long sums
    // keep their accuracy (error O(log n) instead of O(n)).
    let n = 1;
    for (const d of shape) n *= d;
    acc[0] = pairwiseSum(src, offset, n);
  } else {
    if (kind !== 'sum') acc.fill(kind === 'max' ? -Infinity : Infinity);
    // Every other case visits the input in row-major order, each element added (or compared)
    // into its output slot: reducing trailing axes gives rows, leading axes columns.
    const p = planes(shape, [strides, outStrides]);
    const loop = REDUCE_LOOPS[kind];
    const { rowStride: rs, colStride: cs, rows, cols } = p;
    const [sr, qr, sc, qc] = [rs[0] as number, rs[1] as number, cs[0] as number, cs[1] as number];
    forEachPlane(p, [offset, 0], (pos) => loop(acc, pos[1] as number, qr, qc, src, pos[0] as number, sr, sc, rows, cols));
  }
  out.set(acc);
}

/**
 * One plane of a reduction: src[p + r·sr + j·sc] goes into acc[q + r·qr + j·qc], rows and
 * columns in order. Column stride 0 (the reduced axes trail) keeps each row's running
 * value in a local.
 */
type ReduceLoop = (
  acc: Float64Array,
  q: number,
  qr: number,
  qc: number,
  src: TypedArray,
  p: number,
  sr: number,
  sc: number,
  rows: number,
  cols: number,
) => void;

// max/min: NaN wins and then stays (x !== x); otherwise the strictly larger (smaller) value,
// so the first of equal values (-0 and +0 included) is kept. In short rows (softmax's
// classes, (N, 4) boxes) the running value changes unpredictably, so it is picked by index
// instead of by branch; in long rows and in columns it rarely changes and a branch is cheaper.
const SHORT_ROW = 8;
const PICK = new Float64Array(2);

const REDUCE_LOOPS: Record<ReduceKind, ReduceLoop> = {
  sum(acc, q, qr, qc, src, p, sr, sc, rows, cols) {
    for (let r = 0; r < rows; r++, q += qr, p += sr) {
      if (qc === 0) {
        let s = acc[q] as number;
        for (let j = 0, at = p; j < cols; j++, at += sc) s += src[at] as number;
        acc[q] = s;
      } else {
        for (let j = 0, at = p, to = q; j < cols; j++, at += sc, to += qc) acc[to] = (acc[to] as number) + (src[at] as number);
      }
    }
  },
  max(acc, q, qr, qc, src, p, sr, sc, rows, cols) {
    for (let r = 0; r < rows; r++, q += qr, p += sr) {
      if (qc !== 0) {
        for (let j = 0, at = p, to = q; j < cols; j++, at += sc, to += qc) {
          const x = src[at] as number;
          const m = acc[to] as number;
          if ((x !== x || x > m) && m === m) acc[to] = x;
        }
      } else if (cols <= SHORT_ROW) {
        let m = acc[q] as number;
        for (let j = 0, at = p; j < cols; j++, at += sc) {
          const x = src[at] as number;
          PICK[0] = m;
          PICK[1] = x;
          m = PICK[(+(x !== x) | +(x > m)) & +(m === m)] as number;
        }
        acc[q] = m;
      } else {
        let m = acc[q] as number;
        for (let j = 0, at = p; j < cols; j++, at += sc) {
          const x = src[at] as number;
          if ((x !== x || x > m) && m === m) m = x;
        }
        acc[q] = m;
      }
    }
  },
  min(acc, q, qr, qc, src, p, sr, sc, rows, cols) {
    for (let r = 0; r < rows; r++, q += qr, p += sr) {
      if (qc !== 0) {
        for (let j = 0, at = p, to = q; j < cols; j++, at += sc, to += qc) {
          const x = src[at] as number;
          const m = acc[to] as number;
          if ((x !== x || x < m) && m === m) acc[to] = x;
        }
      } else if (cols <= SHORT_ROW) {
        let m = acc[q] as number;
        for (let j = 0, at = p; j < cols; j++, at += sc) {
          const x = src[at] as number;
          PICK[0] = m;
          PICK[1] = x;
          m = PICK[(+(x !== x) | +(x < m)) & +(m === m)] as number;
        }
        acc[q] = m;
      } else {
        let m = acc[q] as number;
        for (let j = 0, at = p; j < cols; j++, at += sc) {
          const x = src[at] as number;
          if ((x !== x || x < m) && m === m) m = x;
        }
        acc[q] = m;
      }
    }
  },
};

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
