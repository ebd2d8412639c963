import { allocate, isDType, type DType, type FloatDType, type TypedArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { checkShape, formatShape, sizeOf, type Shape } from '../core/shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/** A tensor, or a plain number that broadcasts as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** A tensor of zeros. @example zeros([2, 3]) */
export function zeros(shape: Shape, dtype: DType = 'float64'): Tensor {
  checkShape('zeros', shape);
  return new Tensor(allocate(dtype, sizeOf(shape)), shape, dtype);
}

/** A tensor of ones. @example ones([3]) */
export function ones(shape: Shape, dtype: DType = 'float64'): Tensor {
  return full(shape, 1, dtype);
}

/** A tensor filled with `value`. @example full([2, 2], 7) */
export function full(shape: Shape, value: number, dtype: DType = 'float64'): Tensor {
  checkShape('full', shape);
  const data = allocate(dtype, sizeOf(shape));
  data.fill(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value);
  return new Tensor(data, shape, dtype);
}

/** A 0-d tensor. @example scalar(2.5).item() // 2.5 */
export function scalar(value: number, dtype: DType = 'float64'): Tensor {
  return full([], value, dtype);
}

/**
 * A tensor from nested arrays (shape inferred, ragged input refused) or from a flat typed
 * array with an explicit shape.
 * @example fromArray([[1, 2], [3, 4]]).shape // [2, 2]
 * @example fromArray(new Float32Array(6), [2, 3])
 */
export function fromArray(values: NestedArray | TypedArray | readonly number[], shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined && !isDType(dtype)) throw new DTypeError('fromArray', `unknown dtype '${String(dtype)}'`);
  if (ArrayBuffer.isView(values)) {
    const s = shape ?? [values.length];
    checkShape('fromArray', s);
    if (sizeOf(s) !== values.length) {
      throw new ShapeError('fromArray', `cannot view ${values.length} elements as shape ${formatShape(s)}`, [s]);
    }
    const t = new Tensor(values, s);
    return dtype === undefined || dtype === t.dtype ? t : castTo(t, dtype);
  }
  const inferred = inferShape(values);
  const flat: number[] = [];
  flatten(values, inferred, 0, flat);
  const target = shape ?? inferred;
  checkShape('fromArray', target);
  if (sizeOf(target) !== flat.length) {
    throw new ShapeError('fromArray', `cannot view ${flat.length} elements as shape ${formatShape(target)}`, [target]);
  }
  const d = dtype ?? 'float64';
  const data = allocate(d, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const x = flat[i] as number;
    data[i] = d === 'bool' ? (x !== 0 ? 1 : 0) : x;
  }
  return new Tensor(data, target, d);
}

function inferShape(v: NestedArray | readonly number[]): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function flatten(v: unknown, shape: readonly number[], axis: number, out: number[]): void {
  if (axis === shape.length) {
    // An array deeper than the first element's nesting is ragged, like a short row.
    if (Array.isArray(v)) throw new ShapeError('fromArray', `ragged nested array: expected a number at depth ${axis}, got an array`, [shape]);
    if (typeof v !== 'number') throw new ArgumentError('fromArray', 'values', `expected a number at depth ${axis}, got ${typeof v}`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[axis]) {
    throw new ShapeError('fromArray', `ragged nested array: expected length ${shape[axis]} at depth ${axis}`, [shape]);
  }
  for (const x of v) flatten(x, shape, axis + 1, out);
}

/**
 * Evenly spaced values in [start, stop), like numpy's `arange`.
 * @example arange(3).toArray() // [0, 1, 2]
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float64'): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new ArgumentError('arange', 'step', `must be a finite non-zero number, got ${step}`);
  // Without this, arange(Infinity) is a RangeError and arange(NaN) a tensor of shape [NaN].
  if (!Number.isFinite(lo)) throw new ArgumentError('arange', 'start', `must be a finite number, got ${lo}`);
  if (!Number.isFinite(hi)) throw new ArgumentError('arange', 'stop', `must be a finite number, got ${hi}`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n], dtype);
}

/** Converts element type; bool maps non-zero to 1. @example castTo(t, 'float32') */
export function castTo(t: Tensor, dtype: DType): Tensor {
  const src = t.values();
  const out = allocate(dtype, t.size);
  if (dtype === 'bool') {
    for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) !== 0 ? 1 : 0;
  } else {
    out.set(src);
  }
  return new Tensor(out, t.shape, dtype);
}

/** A generator, or a seed for a fresh one (numpy's legacy `np.random.seed(n)` stream). */
export type RandomSource = RandomState | number;

function generator(op: string, source: RandomSource): RandomState {
  if (source instanceof RandomState) return source;
  if (!Number.isInteger(source)) throw new ArgumentError(op, 'seed', `must be an integer, got ${source}`);
  return new RandomState(source);
}

/**
 * Uniform [0, 1) samples, numpy's `np.random.rand(*shape)` for the same seed and order.
 * @example rand([2, 3], 1) // np.random.seed(1); np.random.rand(2, 3)
 */
export function rand(shape: Shape, source: RandomSource, dtype: FloatDType = 'float64'): Tensor {
  checkShape('rand', shape);
  const values = generator('rand', source).randArray(sizeOf(shape));
  return new Tensor(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype);
}

/**
 * Standard normal samples, numpy's `np.random.randn(*shape)` for the same seed and order.
 * @example randn([3, 2], 1) // np.random.seed(1); np.random.randn(3, 2)
 */
export function randn(shape: Shape, source: RandomSource, dtype: FloatDType = 'float64'): Tensor {
  checkShape('randn', shape);
  const values = generator('randn', source).randnArray(sizeOf(shape));
  return new Tensor(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype);
}
