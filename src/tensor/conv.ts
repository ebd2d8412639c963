/**
 * The convolution as two primitives that never hold the whole im2col matrix: `conv2dWindows`
 * (images x kernels) and `conv2dFilterGrad` (its gradient with respect to the kernels, images
 * x output gradient). Each unfolds a few images at a time into a buffer small enough to stay
 * in cache and multiplies it on the active backend (`gemmInto`): the same sums as
 * unfold2d + matmul, without writing and re-reading K·K·Cin values per output pixel of the
 * whole batch (the SIGNS network's first layer: 12.6 million a batch of 64).
 */
import { allocate, promoteFloat, type DType } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { unfoldWindows, type WindowGeometry } from '../kernels/window.js';
import { gemmInto } from './linalg.js';
import { record } from './record.js';
import { Tensor } from './tensor.js';

// Elements of the im2col buffer per chunk: about 2-4 MB, a few images of a SIGNS batch.
const CHUNK_ELEMENTS = 1 << 19;

/** How many images a chunk holds, and the buffer for their windows. */
function chunking(g: WindowGeometry, dtype: DType): { per: number; rowsPer: number; k: number; buf: ReturnType<typeof allocate> } {
  const k = g.kh * g.kw * g.c;
  const rowsPer = g.oh * g.ow;
  const per = Math.max(1, Math.min(g.n, Math.floor(CHUNK_ELEMENTS / Math.max(1, rowsPer * k))));
  return { per, rowsPer, k, buf: allocate(dtype, per * rowsPer * k) };
}

function checkImages(op: string, x: Tensor, g: WindowGeometry): void {
  if (x.ndim !== 4 || x.shape[0] !== g.n || x.shape[1] !== g.h || x.shape[2] !== g.w || x.shape[3] !== g.c) {
    throw new ShapeError(op, `the geometry is for images (${g.n}, ${g.h}, ${g.w}, ${g.c}), got ${formatShape(x.shape)}`, [x.shape]);
  }
}

/**
 * The convolution of images x (N, H, W, Cin) with kernels w (KH, KW, Cin, Cout) at the windows
 * `geometry` places (no bias): (N, OH, OW, Cout).
 * @example conv2dWindows(x, W1, windowGeometry('conv W1', x.shape, [4, 4], [1, 1], 'same'))
 */
export function conv2dWindows(x: Tensor, w: Tensor, geometry: WindowGeometry): Tensor {
  const g = geometry;
  checkImages('conv2d', x, g);
  const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
  if (w.ndim !== 4 || kh !== g.kh || kw !== g.kw || cin !== g.c) throw new ShapeError('conv2d', `kernels ${formatShape(w.shape)} do not fit ${g.kh}x${g.kw} windows of ${g.c} channels`, [w.shape]);
  const dtype = promoteFloat(x.dtype, w.dtype);
  const { per, rowsPer, k, buf } = chunking(g, x.dtype);
  const out = allocate(dtype, g.n * rowsPer * cout);
  const xs = x.values();
  const wv = w.values();
  const image = g.h * g.w * g.c;
  for (let b = 0; b < g.n; b += per) {
    const count = Math.min(per, g.n - b);
    unfoldWindows(xs.subarray(b * image, (b + count) * image), { ...g, n: count }, 'patch', 0, buf);
    const rows = count * rowsPer;
    gemmInto(rows, cout, k, { data: buf, offset: 0, rowStride: k, colStride: 1 }, { data: wv, offset: 0, rowStride: cout, colStride: 1 }, out.subarray(b * rowsPer * cout, (b + count) * rowsPer * cout));
  }
  return record('conv', [x, w], new Tensor(out, [g.n, g.oh, g.ow, cout], dtype), { geometry: g });
}

/**
 * dL/dw of a convolution: Σ over the windows of window ⊗ dy, a (KH, KW, Cin, Cout) tensor from
 * images x (N, H, W, Cin) and the output's gradient dy (N, OH, OW, Cout).
 * @example conv2dFilterGrad(x, dZ, g, [4, 4, 3, 8])
 */
export function conv2dFilterGrad(x: Tensor, dy: Tensor, geometry: WindowGeometry, kernel: readonly number[]): Tensor {
  const g = geometry;
  checkImages('conv2dFilterGrad', x, g);
  const cout = kernel[3] as number;
  if (dy.ndim !== 4 || dy.shape[0] !== g.n || dy.shape[1] !== g.oh || dy.shape[2] !== g.ow || dy.shape[3] !== cout) {
    throw new ShapeError('conv2dFilterGrad', `expects an output gradient (${g.n}, ${g.oh}, ${g.ow}, ${cout}), got ${formatShape(dy.shape)}`, [dy.shape]);
  }
  const dtype = promoteFloat(x.dtype, dy.dtype);
  const { per, rowsPer, k, buf } = chunking(g, x.dtype);
  const out = allocate(dtype, k * cout);
  const part = allocate(dtype, k * cout);
  const xs = x.values();
  const dys = dy.values();
  const image = g.h * g.w * g.c;
  for (let b = 0; b < g.n; b += per) {
    const count = Math.min(per, g.n - b);
    unfoldWindows(xs.subarray(b * image, (b + count) * image), { ...g, n: count }, 'patch', 0, buf);
    const rows = count * rowsPer;
    part.fill(0);
    // The chunk's windowsᵀ (k x rows, a transposed view of the buffer) times its dy rows.
    gemmInto(k, cout, rows, { data: buf, offset: 0, rowStride: 1, colStride: k }, { data: dys, offset: b * rowsPer * cout, rowStride: cout, colStride: 1 }, part);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (part[i] as number);
  }
  return record('convFilter', [x, dy], new Tensor(out, kernel, dtype), { geometry: g, kernel });
}
