/**
 * Convolution and pooling on images in the data's (N, H, W, C) layout, written from the
 * window primitives (src/tensor/window.ts) and matmul, as tinygrad writes conv2d from a
 * window view: no derivative rule lives here, autodiff derives every gradient.
 *
 * A convolution is im2col: every KH×KW×C window of the (padded) input becomes a row of
 * (N·OH·OW, KH·KW·C), multiplied by the kernel (KH, KW, Cin, Cout) read as (KH·KW·Cin, Cout),
 * so the forward pass and both gradients are matrix products (the system BLAS where present),
 * a few images at a time (src/tensor/conv.ts).
 */
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { add, astype, conv2dWindows, div, fromArray, maxPoolGather, mean, reshape, sum, unfold2d, windowGeometry, type Padding, type Tensor, type WindowGeometry } from '../../tensor/index.js';
import { isFloat } from '../../core/dtype.js';

export type { Padding } from '../../tensor/index.js';

/** A convolution's stride and padding (`valid` by default, as Keras and PyTorch). */
export interface ConvOptions {
  readonly stride?: number;
  readonly padding?: Padding;
  /** What errors call the op, e.g. the layer's name (`conv W1`). */
  readonly name?: string;
}

/** A pooling window: its size, its stride (the size by default) and its padding. */
export interface PoolOptions {
  readonly size: number;
  readonly stride?: number;
  readonly padding?: 'valid' | 'same';
  readonly name?: string;
}

const floatOf = (x: Tensor): Tensor => (isFloat(x.dtype) ? x : astype(x, 'float64'));

/**
 * The 2-D convolution (cross-correlation, as every framework computes it) of images x
 * (N, H, W, Cin) with kernels w (KH, KW, Cin, Cout), plus a bias b (Cout) if given: Keras's
 * `Conv2D`, TensorFlow's `conv2d` with `SAME` / `VALID`, the course's `conv_forward`.
 * @example conv2d(images, W1, b1, { stride: 1, padding: 'same' }).shape // [N, 64, 64, 8]
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, opts: ConvOptions = {}): Tensor {
  const op = opts.name ?? 'conv2d';
  if (w.ndim !== 4) throw new ShapeError(op, `kernels must be (KH, KW, Cin, Cout), got ${formatShape(w.shape)}`, [w.shape]);
  const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
  if (x.ndim !== 4 || x.shape[3] !== cin) {
    throw new ShapeError(op, `expects images (N, H, W, ${cin}) for kernels ${formatShape(w.shape)}, got ${formatShape(x.shape)}`, [x.shape, w.shape]);
  }
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== cout)) throw new ShapeError(op, `the bias must be (${cout}), got ${formatShape(b.shape)}`, [b.shape]);
  const stride = opts.stride ?? 1;
  const g = windowGeometry(op, x.shape, [kh, kw], [stride, stride], opts.padding ?? 'valid');
  const z = conv2dWindows(floatOf(x), w, g);
  return b === null ? z : add(z, b);
}

function poolGeometry(x: Tensor, opts: PoolOptions, op: string): WindowGeometry {
  if (!Number.isSafeInteger(opts.size) || opts.size < 1) throw new ArgumentError(op, 'size', `must be a positive integer, got ${opts.size}`);
  const stride = opts.stride ?? opts.size;
  return windowGeometry(op, x.shape, [opts.size, opts.size], [stride, stride], opts.padding ?? 'valid');
}

/** The windows of x, each channel's KH·KW values on the last axis: (N, OH, OW, C, KH·KW). */
function windows(x: Tensor, g: WindowGeometry, fill: number): Tensor {
  return reshape(unfold2d(floatOf(x), g, 'pool', fill), [g.n, g.oh, g.ow, g.c, g.kh * g.kw]);
}

/**
 * The largest value in each window, channel by channel (Keras's `MaxPooling2D`; `same`
 * padding never wins a max). The gradient goes to the window's maximum, the first one on a
 * tie, as in PyTorch and TensorFlow (the course's mask gives every tied maximum all of it).
 * @example maxPool2d(A, { size: 8, stride: 8, padding: 'same' }).shape // [N, 8, 8, C]
 */
export function maxPool2d(x: Tensor, opts: PoolOptions): Tensor {
  const g = poolGeometry(x, opts, opts.name ?? 'maxPool2d');
  return maxPoolGather(floatOf(x), g);
}

/**
 * The mean of each window, channel by channel (Keras's `AveragePooling2D`): with `same`
 * padding, windows at the border average only the pixels they cover, as TensorFlow does.
 * @example avgPool2d(A, { size: 2 }).shape // [N, H/2, W/2, C]
 */
export function avgPool2d(x: Tensor, opts: PoolOptions): Tensor {
  const g = poolGeometry(x, opts, opts.name ?? 'avgPool2d');
  const total = sum(windows(x, g, 0), { axis: 4 });
  const full = g.kh * g.kw;
  const covered = coverCounts(g);
  return covered === null ? div(total, full) : div(total, covered);
}

/** How many image pixels each window covers, (1, OH, OW, 1); null when every window covers KH·KW. */
function coverCounts(g: WindowGeometry): Tensor | null {
  const counts = new Float64Array(g.oh * g.ow);
  let partial = false;
  const span = (o: number, s: number, pad: number, k: number, size: number): number => Math.min(o * s - pad + k, size) - Math.max(o * s - pad, 0);
  for (let oy = 0; oy < g.oh; oy++) {
    for (let ox = 0; ox < g.ow; ox++) {
      const n = span(oy, g.sh, g.top, g.kh, g.h) * span(ox, g.sw, g.left, g.kw, g.w);
      counts[oy * g.ow + ox] = n;
      if (n !== g.kh * g.kw) partial = true;
    }
  }
  return partial ? fromArray(counts, [1, g.oh, g.ow, 1]) : null;
}

/**
 * The mean of each channel over the whole image, (N, H, W, C) → (N, C) (Keras's
 * `GlobalAveragePooling2D`).
 * @example globalAvgPool2d(A).shape // [N, C]
 */
export function globalAvgPool2d(x: Tensor): Tensor {
  if (x.ndim !== 4) throw new ShapeError('globalAvgPool2d', `expects images (N, H, W, C), got ${formatShape(x.shape)}`, [x.shape]);
  return mean(floatOf(x), { axis: [1, 2] });
}
