/**
 * Padding and sliding windows, the primitives convolution and pooling are built from:
 * `embed` (a tensor written into a larger one: zero padding, and the adjoint of a slice),
 * `unfold2d` (every window of an (N, H, W, C) image as a row, im2col) and `fold2d` (its
 * adjoint). src/nn/functional/conv.ts composes them with matmul, max and sum.
 */
import { allocate, type DType } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, type Shape } from '../core/shape.js';
import { embedStrided, foldWindows, gatherFlat, maxPoolIndices, scatterAddFlat, unfoldWindows, type WindowGeometry, type WindowLayout } from '../kernels/window.js';
import { record } from './record.js';
import { Tensor } from './tensor.js';

export type { WindowGeometry, WindowLayout } from '../kernels/window.js';

/** How a window op pads: `valid` (none), `same` (TensorFlow's: output ⌈size / stride⌉, the odd pixel after), or a number of pixels on every side. */
export type Padding = 'valid' | 'same' | number;

/**
 * Where windows of `kernel` with `stride` and `padding` fall on images of shape (N, H, W, C),
 * checked: a window larger than the padded image or a stride below 1 is a ShapeError naming
 * `op` and the shapes.
 * @example windowGeometry('conv W1', [64, 64, 64, 3], [4, 4], [1, 1], 'same').oh // 64
 */
export function windowGeometry(op: string, image: Shape, kernel: readonly [number, number], stride: readonly [number, number], padding: Padding): WindowGeometry {
  if (image.length !== 4) throw new ShapeError(op, `expects images of shape (N, H, W, C), got ${formatShape(image)}`, [image]);
  const [n, h, w, c] = image as [number, number, number, number];
  const [kh, kw] = kernel;
  const [sh, sw] = stride;
  if (![kh, kw].every((k) => Number.isSafeInteger(k) && k > 0)) throw new ArgumentError(op, 'kernel', `must be positive integers, got ${kh}x${kw}`);
  if (![sh, sw].every((s) => Number.isSafeInteger(s) && s > 0)) throw new ArgumentError(op, 'stride', `must be a positive integer, got ${sh === sw ? sh : `${sh}x${sw}`}`);
  if (typeof padding === 'number' && !(Number.isSafeInteger(padding) && padding >= 0)) throw new ArgumentError(op, 'padding', `must be valid, same or a non-negative integer, got ${padding}`);
  const along = (size: number, k: number, s: number): [number, number, number] => {
    if (padding === 'same') {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + k - size, 0);
      return [out, Math.floor(total / 2), total];
    }
    const p = padding === 'valid' ? 0 : padding;
    return [Math.floor((size + 2 * p - k) / s) + 1, p, 2 * p];
  };
  const [oh, top, ph] = along(h, kh, sh);
  const [ow, left, pw] = along(w, kw, sw);
  if (!(oh >= 1 && ow >= 1) || kh > h + ph || kw > w + pw) {
    throw new ShapeError(op, `a ${kh}x${kw} window (stride ${sh}, padding ${padding}) does not fit inputs of shape (${h}, ${w}, ${c}), padded to ${h + ph}x${w + pw}`, [image]);
  }
  return { n, h, w, c, kh, kw, sh, sw, top, left, oh, ow };
}

/**
 * `x` written into a new tensor of shape `into` filled with `fill`, element i of each axis a
 * at starts[a] + i·steps[a]. The adjoint of a strided slice; `pad` is its common case.
 * @example embed(ones([2]), [5], [1], [2]) // [0, 1, 0, 1, 0]
 */
export function embed(x: Tensor, into: Shape, starts: readonly number[], steps: readonly number[], fill = 0): Tensor {
  const nd = x.ndim;
  if (into.length !== nd || starts.length !== nd || steps.length !== nd) {
    throw new ArgumentError('embed', 'into', `needs one size, start and step per axis of ${formatShape(x.shape)}, got into ${formatShape(into)}`);
  }
  for (let a = 0; a < nd; a++) {
    const d = x.shape[a] as number;
    const first = starts[a] as number;
    const lastAt = first + (d - 1) * (steps[a] as number);
    if (d > 0 && (first < 0 || first >= (into[a] as number) || lastAt < 0 || lastAt >= (into[a] as number))) {
      throw new ShapeError('embed', `axis ${a} of ${formatShape(x.shape)} does not fit in ${formatShape(into)} from ${first} by ${steps[a]}`, [x.shape, into]);
    }
  }
  const data = allocate(x.dtype, sizeOf(into));
  if (fill !== 0) data.fill(fill);
  embedStrided(x.values(), x.shape, data, into, starts, steps);
  return record('embed', [x], new Tensor(data, into, x.dtype), { into, starts, steps, fill });
}

/**
 * numpy's `np.pad(x, widths, constant_values=value)`: `widths[a]` = [before, after] on axis a
 * (missing trailing axes are not padded).
 * @example pad(X, [[0, 0], [2, 2], [2, 2], [0, 0]]) // the course's zero_pad(X, 2)
 */
export function pad(x: Tensor, widths: readonly (readonly [number, number])[], value = 0): Tensor {
  if (widths.length > x.ndim || !widths.every(([b, a]) => Number.isSafeInteger(b) && Number.isSafeInteger(a) && b >= 0 && a >= 0)) {
    throw new ArgumentError('pad', 'widths', `expected up to ${x.ndim} pairs of non-negative integers for shape ${formatShape(x.shape)}, got ${JSON.stringify(widths)}`);
  }
  const w = x.shape.map((_, a) => widths[a] ?? ([0, 0] as const));
  return embed(x, x.shape.map((d, a) => d + w[a]![0] + w[a]![1]), w.map(([b]) => b), w.map(() => 1), value);
}

/**
 * The view of `x` taking `counts[a]` elements from starts[a] by steps[a] along each axis (a
 * recorded slice): what `embed` gives back its gradient through.
 * @example stridedView(fromArray([0, 1, 2, 3, 4]), [1], [2], [2]) // [1, 3]
 */
export function stridedView(x: Tensor, starts: readonly number[], steps: readonly number[], counts: readonly number[]): Tensor {
  let offset = x.offset;
  for (let a = 0; a < x.ndim; a++) offset += (counts[a] as number) > 0 ? (starts[a] as number) * (x.strides[a] as number) : 0;
  const strides = x.strides.map((s, a) => s * (steps[a] as number));
  return record('slice', [x], new Tensor(x.data, counts, x.dtype, strides, offset), { from: x.shape, starts, steps, dropAxes: [] });
}

const windowShape = (g: WindowGeometry, layout: WindowLayout): number[] =>
  layout === 'patch' ? [g.n, g.oh, g.ow, g.kh, g.kw, g.c] : [g.n, g.oh, g.ow, g.c, g.kh, g.kw];

/**
 * Every window of the images `x` (N, H, W, C) as `windowGeometry` places them: shape
 * (N, OH, OW, KH, KW, C) in the `patch` layout, (N, OH, OW, C, KH, KW) in `pool`; `fill`
 * where a window reaches into the padding (0 for a convolution, -∞ for a max pool).
 * @example unfold2d(x, windowGeometry('conv', x.shape, [3, 3], [1, 1], 1), 'patch')
 */
export function unfold2d(x: Tensor, geometry: WindowGeometry, layout: WindowLayout, fill = 0): Tensor {
  const g = geometry;
  if (x.ndim !== 4 || x.shape[0] !== g.n || x.shape[1] !== g.h || x.shape[2] !== g.w || x.shape[3] !== g.c) {
    throw new ShapeError('unfold2d', `the geometry is for images (${g.n}, ${g.h}, ${g.w}, ${g.c}), got ${formatShape(x.shape)}`, [x.shape]);
  }
  const shape = windowShape(g, layout);
  const data = allocate(x.dtype, sizeOf(shape));
  unfoldWindows(x.values(), g, layout, fill, data);
  return record('unfold', [x], new Tensor(data, shape, x.dtype), { geometry: g, layout, fill });
}

/**
 * The windows `cols` (as `unfold2d` lays them out) added back onto images (N, H, W, C):
 * overlapping windows add, padding is dropped. The adjoint of `unfold2d`.
 * @example fold2d(dPatches, g, 'patch').shape // [g.n, g.h, g.w, g.c]
 */
export function fold2d(cols: Tensor, geometry: WindowGeometry, layout: WindowLayout): Tensor {
  const g = geometry;
  const want = windowShape(g, layout);
  if (cols.ndim !== 6 || cols.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError('fold2d', `expects windows of shape ${formatShape(want)}, got ${formatShape(cols.shape)}`, [cols.shape]);
  }
  const dtype: DType = cols.dtype;
  const data = allocate(dtype, g.n * g.h * g.w * g.c);
  foldWindows(cols.values(), g, layout, data);
  return record('fold', [cols], new Tensor(data, [g.n, g.h, g.w, g.c], dtype), { geometry: g, layout });
}

/**
 * The elements of `x` at flat (row-major) positions `indices`, as a tensor of shape `shape`.
 * @example gather(fromArray([5, 6, 7]), Int32Array.of(2, 0), [2]) // [7, 5]
 */
export function gather(x: Tensor, indices: Int32Array, shape: Shape): Tensor {
  if (sizeOf(shape) !== indices.length) throw new ShapeError('gather', `${indices.length} indices cannot fill shape ${formatShape(shape)}`, [shape]);
  const n = x.size;
  for (const i of indices) if (!(i >= 0 && i < n)) throw new ArgumentError('gather', 'indices', `index ${i} is out of bounds for ${n} elements`);
  const out = allocate(x.dtype, indices.length);
  gatherFlat(x.values(), indices, out);
  return record('gather', [x], new Tensor(out, shape, x.dtype), { indices, shape });
}

/**
 * Zeros of shape `into` with x's elements added at flat positions `indices` (repeats add up):
 * the adjoint of `gather`.
 * @example scatterAdd(fromArray([1, 2]), Int32Array.of(0, 0), [3]) // [3, 0, 0]
 */
export function scatterAdd(x: Tensor, indices: Int32Array, into: Shape): Tensor {
  if (x.size !== indices.length) throw new ShapeError('scatterAdd', `${indices.length} indices for ${x.size} values`, [x.shape]);
  const n = sizeOf(into);
  for (const i of indices) if (!(i >= 0 && i < n)) throw new ArgumentError('scatterAdd', 'indices', `index ${i} is out of bounds for shape ${formatShape(into)}`);
  const out = allocate(x.dtype, n);
  scatterAddFlat(x.values(), indices, out);
  return record('scatterAdd', [x], new Tensor(out, into, x.dtype), { indices, into });
}

/**
 * Max pooling by index: each window's largest value (first on a tie, NaN if any) as
 * `gather` of x, so the gradient goes to that one element (PyTorch's and TensorFlow's rule).
 * @example maxPoolGather(x, windowGeometry('pool', x.shape, [2, 2], [2, 2], 'valid'))
 */
export function maxPoolGather(x: Tensor, geometry: WindowGeometry): Tensor {
  const g = geometry;
  const idx = new Int32Array(g.n * g.oh * g.ow * g.c);
  maxPoolIndices(x.values(), g, idx);
  const out = allocate(x.dtype, idx.length);
  gatherFlat(x.values(), idx, out);
  return record('gather', [x], new Tensor(out, [g.n, g.oh, g.ow, g.c], x.dtype), { indices: idx, shape: [g.n, g.oh, g.ow, g.c] });
}
