import type { TypedArray } from '../core/dtype.js';
import { BINARY_LOOPS } from './elementwise-fast.js';
import { flatStep, forEachPlane, planes } from './strided.js';

/**
 * Elementwise unary functions: the definitions. The kernels run `UNARY_LOOPS` (and
 * `BINARY_LOOPS` for `BINARY`), the same formulas written into explicit loops.
 */
export const UNARY = {
  neg: (x: number) => -x,
  exp: Math.exp,
  log: Math.log,
  abs: Math.abs,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  // The notes' formula, kept as written so results match numpy's 1/(1+np.exp(-z)) bit for bit.
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  // Cast to bool: any non-zero (and NaN, as numpy does) is true.
  bool: (x: number) => (x !== 0 ? 1 : 0),
  identity: (x: number) => x,
} as const;
export type UnaryKind = keyof typeof UNARY;

/** Elementwise binary functions. Comparisons give 1 or 0. */
export const BINARY = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number) => a / b,
  // C's pow (numpy's): 1 ** y = 1 for every y, NaN included, and (-1) ** ±inf = 1;
  // JavaScript's ** gives NaN for both.
  pow: (a: number, b: number) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b),
  // numpy's maximum/minimum propagate NaN; Math.max does too, and orders -0 < +0 like numpy.
  maximum: (a: number, b: number) => Math.max(a, b),
  minimum: (a: number, b: number) => Math.min(a, b),
  equal: (a: number, b: number) => (a === b ? 1 : 0),
  notEqual: (a: number, b: number) => (a !== b ? 1 : 0),
  less: (a: number, b: number) => (a < b ? 1 : 0),
  lessEqual: (a: number, b: number) => (a <= b ? 1 : 0),
  greater: (a: number, b: number) => (a > b ? 1 : 0),
  greaterEqual: (a: number, b: number) => (a >= b ? 1 : 0),
} as const;
export type BinaryKind = keyof typeof BINARY;

/** A strided operand: storage, first element, strides already broadcast to the output shape. */
export interface Operand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly strides: readonly number[];
}

// where's two candidates, taken by index (see wherePlane).
const PICK = new Float64Array(2);

/** One plane of a unary op: o[q + r·cols + j] = f(x[p + r·xr + j·xc]) (see `BinaryLoop`). */
export type UnaryLoop = (o: TypedArray, q: number, x: TypedArray, p: number, xr: number, xc: number, rows: number, cols: number) => void;

/** `UNARY`'s formulas in explicit loops, one per kind (see `BINARY_LOOPS` for why). */
export const UNARY_LOOPS: Record<UnaryKind, UnaryLoop> = {
  neg(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = -v;
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = -v;
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  exp(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = Math.exp(v);
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = Math.exp(v);
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  log(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = Math.log(v);
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = Math.log(v);
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  abs(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = Math.abs(v);
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = Math.abs(v);
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  sqrt(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = Math.sqrt(v);
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = Math.sqrt(v);
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  tanh(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = Math.tanh(v);
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = Math.tanh(v);
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  sigmoid(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = 1 / (1 + Math.exp(-v));
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = 1 / (1 + Math.exp(-v));
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  bool(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = +(v !== 0);
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = +(v !== 0);
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
  identity(o, q, x, p, xr, xc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && xc === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[p + i] as number;
        o[q + i] = v;
      }
      return;
    }
    const jx = xr - cols * xc;
    for (let i = 0, j = 0; i < n; i++) {
      const v = x[p] as number;
      o[q + i] = v;
      p += xc;
      if (++j === cols) (j = 0), (p += jx);
    }
  },
};

/**
 * out[i] = f(x[i]) over `shape`, `out` contiguous.
 * @example unaryKernel('exp', { data: x, offset: 0, strides: [1] }, [x.length], out)
 */
export function unaryKernel(kind: UnaryKind, x: Operand, shape: readonly number[], out: TypedArray): void {
  const loop = UNARY_LOOPS[kind];
  const cx = flatStep(x.strides, shape);
  if (cx >= 0) {
    // The usual case, contiguous or a scalar: one row, no plan to build.
    loop(out, 0, x.data, x.offset, 0, cx, 1, out.length);
    return;
  }
  const p = planes(shape, [x.strides]);
  const xr = p.rowStride[0] as number;
  const xc = p.colStride[0] as number;
  forEachPlane(p, [x.offset], (pos, q) => loop(out, q, x.data, pos[0] as number, xr, xc, p.rows, p.cols));
}

/**
 * out[i] = f(a[i], b[i]) over the broadcast `shape`, `out` contiguous.
 * @example binaryKernel('add', { data: x, offset: 0, strides: [4, 1] }, { data: bias, offset: 0, strides: [0, 1] }, [n, 4], out)
 */
export function binaryKernel(kind: BinaryKind, a: Operand, b: Operand, shape: readonly number[], out: TypedArray): void {
  const loop = BINARY_LOOPS[kind];
  const ca = flatStep(a.strides, shape);
  const cb = flatStep(b.strides, shape);
  if (ca >= 0 && cb >= 0) {
    loop(out, 0, a.data, a.offset, 0, ca, b.data, b.offset, 0, cb, 1, out.length);
    return;
  }
  const p = planes(shape, [a.strides, b.strides]);
  const { rowStride: rs, colStride: cs } = p;
  const ar = rs[0] as number;
  const br = rs[1] as number;
  const ac = cs[0] as number;
  const bc = cs[1] as number;
  forEachPlane(p, [a.offset, b.offset], (pos, q) => loop(out, q, a.data, pos[0] as number, ar, ac, b.data, pos[1] as number, br, bc, p.rows, p.cols));
}

/**
 * where(c, a, b) over the broadcast shape: a where c is non-zero (NaN included), else b.
 * @example whereKernel(mask, z, { data: new Float64Array([0]), offset: 0, strides: [0] }, [n], out) // relu
 */
export function whereKernel(c: Operand, a: Operand, b: Operand, shape: readonly number[], out: TypedArray): void {
  const cc = flatStep(c.strides, shape);
  const ca = flatStep(a.strides, shape);
  const cb = flatStep(b.strides, shape);
  if (cc >= 0 && ca >= 0 && cb >= 0) {
    wherePlane(out, 0, c.data, c.offset, 0, cc, a.data, a.offset, 0, ca, b.data, b.offset, 0, cb, 1, out.length);
    return;
  }
  const p = planes(shape, [c.strides, a.strides, b.strides]);
  const { rowStride: rs, colStride: cs, rows, cols } = p;
  const [cr, ar, br] = [rs[0] as number, rs[1] as number, rs[2] as number];
  const [ccs, acs, bcs] = [cs[0] as number, cs[1] as number, cs[2] as number];
  forEachPlane(p, [c.offset, a.offset, b.offset], (pos, q) =>
    wherePlane(out, q, c.data, pos[0] as number, cr, ccs, a.data, pos[1] as number, ar, acs, b.data, pos[2] as number, br, bcs, rows, cols),
  );
}

// One plane of where (see `BinaryLoop`). The value is picked by index, not by branch: the
// condition follows the data's signs (relu's mask), which a branch predictor guesses wrong
// half the time.
function wherePlane(
  o: TypedArray,
  q: number,
  c: TypedArray,
  pc: number,
  cr: number,
  cc: number,
  a: TypedArray,
  pa: number,
  ar: number,
  ac: number,
  b: TypedArray,
  pb: number,
  br: number,
  bc: number,
  rows: number,
  cols: number,
): void {
  const n = rows * cols;
  if (rows === 1 && cc === 1 && ac === 1 && bc === 0) {
    // relu's where(z > 0, z, 0) and its gradient where(c, dy, 0).
    PICK[0] = b[pb] as number;
    for (let i = 0; i < n; i++) {
      PICK[1] = a[pa + i] as number;
      o[q + i] = PICK[+((c[pc + i] as number) !== 0)] as number;
    }
    return;
  }
  const jc = cr - cols * cc;
  const ja = ar - cols * ac;
  const jb = br - cols * bc;
  for (let i = 0, j = 0; i < n; i++) {
    PICK[0] = b[pb] as number;
    PICK[1] = a[pa] as number;
    o[q + i] = PICK[+((c[pc] as number) !== 0)] as number;
    pc += cc;
    pa += ac;
    pb += bc;
    if (++j === cols) (j = 0), (pc += jc), (pa += ja), (pb += jb);
  }
}
