import { allocate, type DType, type TypedArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { contiguousStrides, formatShape, sizeOf, type Shape } from '../core/shape.js';
import { copyStrided, isRowMajor } from '../kernels/strided.js';
import { formatTensor } from './format.js';

/** Nested JavaScript arrays, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array over a typed array, with numpy's row-major semantics: `shape`,
 * `strides` (in elements) and `offset` describe a view, so transpose and slicing copy nothing.
 * float64 by default.
 *
 * Autograd fields (`requiresGrad`, `grad`, `node`) are set by the autograd layer; the tensor
 * layer only carries them.
 *
 * @example
 * const t = new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
 * t.toArray(); // [[1, 2], [3, 4]]
 */
export class Tensor {
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly dtype: DType;
  /** Whether gradients flow to this tensor (see src/autograd). */
  requiresGrad = false;
  /** Accumulated gradient after `backward()`; same shape as this tensor. */
  grad: Tensor | null = null;
  /** The graph node that produced this tensor, owned by the autograd layer. */
  node: unknown = null;

  constructor(
    readonly data: TypedArray,
    shape: Shape,
    dtype?: DType,
    strides?: readonly number[],
    readonly offset = 0,
  ) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype ?? dtypeOfArray(data);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    if (strides === undefined && sizeOf(shape) > data.length - offset) {
      throw new ShapeError('Tensor', `shape ${formatShape(shape)} needs ${sizeOf(shape)} elements, data has ${data.length - offset}`, [shape]);
    }
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  /** True when the elements lie in row-major order from `offset` with no gaps. */
  get isContiguous(): boolean {
    return isRowMajor(this.strides, this.shape);
  }

  /** This tensor in contiguous row-major storage: itself when it already is, else a copy. */
  contiguous(): Tensor {
    if (this.isContiguous) return this;
    const out = allocate(this.dtype, this.size);
    copyStrided(this.data, this.offset, this.strides, this.shape, out);
    return new Tensor(out, this.shape, this.dtype);
  }

  /**
   * The elements in row-major order: a view of the storage when contiguous, else a copy.
   * Do not write into it unless you own the tensor.
   */
  values(): TypedArray {
    const c = this.contiguous();
    return c.offset === 0 && c.data.length === c.size ? c.data : c.data.subarray(c.offset, c.offset + c.size);
  }

  /** The single element of a one-element tensor, as a number. @example scalar(3).item() // 3 */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', `needs a tensor with one element, got shape ${formatShape(this.shape)}`, [this.shape]);
    return this.data[this.offset] ?? Number.NaN;
  }

  /** One element by index, negative indices counting from the end. @example t.get(0, -1) */
  get(...index: number[]): number {
    if (index.length !== this.ndim) {
      throw new ArgumentError('get', 'index', `needs ${this.ndim} indices for shape ${formatShape(this.shape)}, got ${index.length}`);
    }
    let pos = this.offset;
    for (let i = 0; i < index.length; i++) {
      const d = this.shape[i] ?? 0;
      const raw = index[i] ?? 0;
      const k = raw < 0 ? raw + d : raw;
      if (!Number.isInteger(k) || k < 0 || k >= d) {
        throw new ArgumentError('get', 'index', `index ${raw} is out of bounds for axis ${i} with size ${d}`);
      }
      pos += k * (this.strides[i] ?? 0);
    }
    return this.data[pos] ?? Number.NaN;
  }

  /** Nested arrays, like numpy's `tolist()`. A scalar gives a number. */
  toArray(): NestedArray {
    const flat = this.values();
    const build = (axis: number, start: number): NestedArray => {
      if (axis === this.ndim) return flat[start] ?? Number.NaN;
      const d = this.shape[axis] ?? 0;
      const step = sizeOf(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < d; i++) out.push(build(axis + 1, start + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** numpy's `repr` with numpy's default print options: `tensor([[0.99845601],\n        [2.39507239]], dtype=float64)`. */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * What `console.log(t)` and Node's `util.inspect` show: the values as `toString()` prints
   * them, not the fields. A symbol from the global registry, so browser code imports no node:util.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }
}

/** The dtype a typed array stores (Uint8Array reads as uint8, not bool). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  throw new DTypeError('Tensor', 'unsupported typed array');
}

export { formatTensor };
