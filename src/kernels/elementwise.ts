import type { TypedArray } from '../core/dtype.js';
import { affineIndex, forEachStridedN, isRowMajor } from './strided.js';

/** Elementwise unary functions, one entry each so a loop can be specialised per kind. */
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

/** out[i] = f(x[i]) over `shape`, `out` contiguous. */
export function unaryKernel(kind: UnaryKind, x: Operand, shape: readonly number[], out: TypedArray): void {
  const f = UNARY[kind];
  const n = out.length;
  const src = x.data;
  if (isRowMajor(x.strides, shape)) {
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = f(src[o + i] as number);
    return;
  }
  stridedLoop(shape, x.strides, x.offset, [], 0, (pa, _pb, i) => {
    out[i] = f(src[pa] as number);
  });
}

/** out[i] = f(a[i], b[i]) over the broadcast `shape`, `out` contiguous. */
export function binaryKernel(kind: BinaryKind, a: Operand, b: Operand, shape: readonly number[], out: TypedArray): void {
  const f = BINARY[kind];
  const n = out.length;
  const da = a.data;
  const db = b.data;
  const aFlat = isRowMajor(a.strides, shape);
  const bFlat = isRowMajor(b.strides, shape);
  const aScalar = a.strides.every((s) => s === 0);
  const bScalar = b.strides.every((s) => s === 0);
  const oa = a.offset;
  const ob = b.offset;
  if (aFlat && bFlat) {
    for (let i = 0; i < n; i++) out[i] = f(da[oa + i] as number, db[ob + i] as number);
  } else if (aFlat && bScalar) {
    const y = db[ob] as number;
    for (let i = 0; i < n; i++) out[i] = f(da[oa + i] as number, y);
  } else if (aScalar && bFlat) {
    const x = da[oa] as number;
    for (let i = 0; i < n; i++) out[i] = f(x, db[ob + i] as number);
  } else {
    const ia = affineIndex(a.strides, shape);
    const ib = affineIndex(b.strides, shape);
    if (ia !== null && ib !== null) {
      // A bias over rows, a column over columns: the same pairs as the strided loop, found by arithmetic.
      for (let i = 0; i < n; i++) out[i] = f(da[oa + (Math.floor(i / ia.block) % ia.period)] as number, db[ob + (Math.floor(i / ib.block) % ib.period)] as number);
      return;
    }
    stridedLoop(shape, a.strides, oa, b.strides, ob, (pa, pb, i) => {
      out[i] = f(da[pa] as number, db[pb] as number);
    });
  }
}

/** where(c, a, b) over the broadcast shape. */
export function whereKernel(c: Operand, a: Operand, b: Operand, shape: readonly number[], out: TypedArray): void {
  const [ic, ia, ib] = [affineIndex(c.strides, shape), affineIndex(a.strides, shape), affineIndex(b.strides, shape)];
  if (ic !== null && ia !== null && ib !== null) {
    // relu's where(z > 0, z, 0) and its gradient: contiguous and scalar operands, no position bookkeeping.
    const at = (o: Operand, x: { block: number; period: number }, i: number): number => o.data[o.offset + (Math.floor(i / x.block) % x.period)] as number;
    for (let i = 0; i < out.length; i++) out[i] = at(c, ic, i) !== 0 ? at(a, ia, i) : at(b, ib, i);
    return;
  }
  const pos = [c.offset, a.offset, b.offset];
  const strides = [c.strides, a.strides, b.strides];
  forEachStridedN(shape, strides, pos, (p, i) => {
    out[i] = (c.data[p[0] as number] as number) !== 0 ? (a.data[p[1] as number] as number) : (b.data[p[2] as number] as number);
  });
}

/**
 * The one generic strided loop for two operands: row-major over `shape`, tracking each
 * operand's storage position with its own strides (0 on broadcast axes).
 */
export function stridedLoop(
  shape: readonly number[],
  sa: readonly number[],
  oa: number,
  sb: readonly number[],
  ob: number,
  visit: (pa: number, pb: number, i: number) => void,
): void {
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return;
  const inner = nd === 0 ? 1 : (shape[nd - 1] as number);
  const ia = nd === 0 ? 0 : (sa[nd - 1] ?? 0);
  const ib = nd === 0 ? 0 : (sb[nd - 1] ?? 0);
  const idx = new Array<number>(nd).fill(0);
  let pa = oa;
  let pb = ob;
  for (let i = 0; i < n; i += inner) {
    for (let j = 0; j < inner; j++) visit(pa + j * ia, pb + j * ib, i + j);
    for (let ax = nd - 2; ax >= 0; ax--) {
      const c = (idx[ax] as number) + 1;
      const xa = sa[ax] ?? 0;
      const xb = sb[ax] ?? 0;
      if (c < (shape[ax] as number)) {
        idx[ax] = c;
        pa += xa;
        pb += xb;
        break;
      }
      idx[ax] = 0;
      pa -= xa * (c - 1);
      pb -= xb * (c - 1);
    }
  }
}
