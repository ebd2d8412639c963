import { DTypeError } from './errors.js';

/**
 * Element types. float64 and float32 are the math types; int32, uint8 and bool are storage
 * types (labels, pixels, masks) that math promotes to float, as numpy's true division does.
 */
export type DType = 'float64' | 'float32' | 'int32' | 'uint8' | 'bool';
export type FloatDType = 'float64' | 'float32';

export interface DTypeArrays {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}
export type TypedArray = DTypeArrays[DType];
export type FloatArray = Float64Array | Float32Array;

export const DTYPES: readonly DType[] = ['float64', 'float32', 'int32', 'uint8', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float64' || dtype === 'float32';
}

/** A fresh zero-filled array of `n` elements of `dtype`. */
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float64': return new Float64Array(n);
    case 'float32': return new Float32Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
  }
}

export function allocateFloat(dtype: FloatDType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Result type of arithmetic: float32 only when every operand is float32 or a narrower storage
 * type (uint8, bool) and at least one is float32; float64 otherwise (numpy's rule, with
 * int32 + float32 going to float64 as numpy does).
 */
export function promoteFloat(...dtypes: DType[]): FloatDType {
  let f32 = false;
  for (const d of dtypes) {
    if (d === 'float64' || d === 'int32') return 'float64';
    if (d === 'float32') f32 = true;
  }
  return f32 ? 'float32' : 'float64';
}

export function parseDType(op: string, x: string): DType {
  if (!isDType(x)) throw new DTypeError(op, `unknown dtype '${x}', expected one of ${DTYPES.join(', ')}`, [x]);
  return x;
}

/**
 * The index of the first NaN or ±Infinity in `values`, or -1 when all are finite: one pass,
 * for checking float inputs once at a public boundary.
 * @example firstNonFinite(new Float64Array([1, NaN])) // 1
 */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // v - v is 0 for finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0) return i;
  }
  return -1;
}
