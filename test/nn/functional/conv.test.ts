// Convolution and pooling against naive loops (the definitions, written out), on random
// shapes, strides and paddings; their autodiff gradients against central differences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradCheck } from '../../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../../src/core/errors.js';
import { avgPool2d, conv2d, globalAvgPool2d, maxPool2d, type Padding } from '../../../src/nn/functional/conv.js';
import { conv2dFilterGrad, conv2dWindows, fromArray, matmul, mul, pad, reshape, sum, transpose, unfold2d, windowGeometry, zeros, type Tensor } from '../../../src/tensor/index.js';
import { distinct, seedArb, thrown, uniform } from '../../autograd/helpers.js';

/** out[n, i, j, o] = Σ x_padded[n, i·s + a, j·s + b, c] · w[a, b, c, o] + bias[o], by loops. */
function naiveConv(x: Tensor, w: Tensor, b: Tensor | null, stride: number, padding: Padding): number[] {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const [kh, kw, , co] = w.shape as [number, number, number, number];
  const g = windowGeometry('naive', x.shape, [kh, kw], [stride, stride], padding);
  const out: number[] = [];
  for (let q = 0; q < n; q++)
    for (let i = 0; i < g.oh; i++)
      for (let j = 0; j < g.ow; j++)
        for (let o = 0; o < co; o++) {
          let s = b === null ? 0 : b.get(o);
          for (let a = 0; a < kh; a++)
            for (let bb = 0; bb < kw; bb++) {
              const y = i * stride - g.top + a;
              const xx = j * stride - g.left + bb;
              if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
              for (let k = 0; k < c; k++) s += x.get(q, y, xx, k) * w.get(a, bb, k, o);
            }
          out.push(s);
        }
  return out;
}

/** Max or mean of each window over the pixels it covers (padding never counts), by loops. */
function naivePool(x: Tensor, size: number, stride: number, padding: 'valid' | 'same', mode: 'max' | 'avg'): number[] {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const g = windowGeometry('naive', x.shape, [size, size], [stride, stride], padding);
  const out: number[] = [];
  for (let q = 0; q < n; q++)
    for (let i = 0; i < g.oh; i++)
      for (let j = 0; j < g.ow; j++)
        for (let k = 0; k < c; k++) {
          const seen: number[] = [];
          for (let a = 0; a < size; a++)
            for (let bb = 0; bb < size; bb++) {
              const y = i * stride - g.top + a;
              const xx = j * stride - g.left + bb;
              if (y >= 0 && y < h && xx >= 0 && xx < wd) seen.push(x.get(q, y, xx, k));
            }
          out.push(mode === 'max' ? Math.max(...seen) : seen.reduce((p, v) => p + v, 0) / seen.length);
        }
  return out;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

const convArb = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), c: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 4 }), co: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom<Padding>('valid', 'same', 0, 1, 2), bias: fc.boolean(), seed: seedArb,
  })
  .filter(({ h, w, k, padding }) => padding === 'same' || (h + 2 * (padding === 'valid' ? 0 : padding) >= k && w + 2 * (padding === 'valid' ? 0 : padding) >= k));

const poolArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), c: fc.integer({ min: 1, max: 3 }),
    size: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 4 }), padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'), seed: seedArb,
  })
  .filter(({ h, w, size, padding }) => padding === 'same' || (h >= size && w >= size));

describe('conv2d', () => {
  it('equals the naive sum over windows for random shapes, strides and paddings (float64 and float32)', () => {
    fc.assert(
      fc.property(convArb, ({ n, h, w, c, k, co, stride, padding, bias, seed }) => {
        const x = uniform([n, h, w, c], seed);
        const W = uniform([k, k, c, co], seed + 1);
        const b = bias ? uniform([co], seed + 2) : null;
        const want = naiveConv(x, W, b, stride, padding);
        expect(maxDiff(conv2d(x, W, b, { stride, padding }).values(), want)).toBeLessThan(1e-12);
        const f32 = conv2d(x.astype('float32'), W.astype('float32'), b?.astype('float32') ?? null, { stride, padding });
        expect(f32.dtype).toBe('float32');
        expect(maxDiff(f32.values(), want)).toBeLessThan(1e-4);
      }),
      { seed: 1401, numRuns: 60 },
    );
  });

  it('has gradients for the images, the kernels and the bias that match central differences', () => {
    fc.assert(
      fc.property(convArb, ({ n, h, w, c, k, co, stride, padding, seed }) => {
        const x = uniform([n, h, w, c], seed);
        const W = uniform([k, k, c, co], seed + 1);
        const b = uniform([co], seed + 2);
        const R = uniform(conv2d(x, W, b, { stride, padding }).shape, seed + 3);
        const report = gradCheck((xi: Tensor, Wi: Tensor, bi: Tensor) => sum(mul(conv2d(xi, Wi, bi, { stride, padding }), R)), [x, W, b], { epsilon: 1e-6 });
        expect(report.maxRelativeError).toBeLessThan(1e-7);
      }),
      { seed: 1402, numRuns: 30 },
    );
  });

  it('names the layer and the shapes when a kernel does not fit or the channels differ', () => {
    const e = thrown(() => conv2d(zeros([1, 3, 3, 1]), zeros([5, 5, 1, 2]), null, { name: 'conv W1' }), ShapeError);
    expect(e.message).toBe('conv W1: a 5x5 window (stride 1, padding valid) does not fit inputs of shape (3, 3, 1), padded to 3x3');
    expect(thrown(() => conv2d(zeros([1, 3, 3, 2]), zeros([1, 1, 3, 2]), null), ShapeError).message).toBe('conv2d: expects images (N, H, W, 3) for kernels (1, 1, 3, 2), got (1, 3, 3, 2)');
    expect(thrown(() => conv2d(zeros([1, 3, 3, 1]), zeros([1, 1, 1, 2]), null, { stride: 0 }), ArgumentError).message).toBe('conv2d: stride: must be a positive integer, got 0');
  });
});

describe('the chunked convolution primitives', () => {
  it('equal unfold + matmul when the batch spans several chunks (float64 and float32)', () => {
    // 8 images of 32x32x3 with 5x5 kernels: 76,800 window values an image, 6 images a chunk.
    for (const dtype of ['float64', 'float32'] as const) {
      const x = uniform([8, 32, 32, 3], 21).astype(dtype);
      const w = uniform([5, 5, 3, 4], 22).astype(dtype);
      const g = windowGeometry('test', x.shape, [5, 5], [1, 1], 'same');
      const rows = 8 * 32 * 32;
      const patches = reshape(unfold2d(x, g, 'patch', 0), [rows, 75]);
      const want = matmul(patches, reshape(w, [75, 4]));
      const tol = dtype === 'float64' ? 1e-12 : 1e-4;
      expect(maxDiff(conv2dWindows(x, w, g).values(), want.values())).toBeLessThan(tol * 10);
      const dy = uniform([8, 32, 32, 4], 23).astype(dtype);
      const dW = matmul(transpose(patches), reshape(dy, [rows, 4]));
      expect(maxDiff(conv2dFilterGrad(x, dy, g, [5, 5, 3, 4]).values(), dW.values())).toBeLessThan(tol * 1000);
    }
  });
});

describe('pooling', () => {
  it('max and average pools equal the naive window max and mean (padding never counts)', () => {
    fc.assert(
      fc.property(poolArb, ({ n, h, w, c, size, stride, padding, seed }) => {
        const x = uniform([n, h, w, c], seed);
        expect(maxDiff(maxPool2d(x, { size, stride, padding }).values(), naivePool(x, size, stride, padding, 'max'))).toBe(0);
        expect(maxDiff(avgPool2d(x, { size, stride, padding }).values(), naivePool(x, size, stride, padding, 'avg'))).toBeLessThan(1e-14);
      }),
      { seed: 1403, numRuns: 80 },
    );
  });

  it('have gradients that match central differences (distinct values: no ties)', () => {
    fc.assert(
      fc.property(poolArb, ({ n, h, w, c, size, stride, padding, seed }) => {
        const x = distinct([n, h, w, c], seed);
        for (const f of [maxPool2d, avgPool2d]) {
          const R = uniform(f(x, { size, stride, padding }).shape, seed + 1);
          const report = gradCheck((xi: Tensor) => sum(mul(f(xi, { size, stride, padding }), R)), [x], { epsilon: 1e-6 });
          expect(report.maxRelativeError).toBeLessThan(1e-7);
        }
        const R = uniform([n, c], seed + 2);
        expect(gradCheck((xi: Tensor) => sum(mul(globalAvgPool2d(xi), R)), [x]).maxRelativeError).toBeLessThan(1e-7);
      }),
      { seed: 1404, numRuns: 30 },
    );
  });

  it('refuses a pool that leaves no pixels, naming the layer and the input', () => {
    expect(thrown(() => maxPool2d(zeros([1, 4, 4, 2]), { size: 8, name: 'maxpool 3' }), ShapeError).message).toBe('maxpool 3: a 8x8 window (stride 8, padding valid) does not fit inputs of shape (4, 4, 2), padded to 4x4');
    expect(maxPool2d(zeros([1, 4, 4, 2]), { size: 8, padding: 'same' }).shape).toEqual([1, 1, 1, 2]);
  });
});

describe('pad', () => {
  it('is numpy\'s constant pad and its gradient is the slice back', () => {
    expect(pad(fromArray([[1, 2]]), [[1, 0], [0, 2]], 9).toArray()).toEqual([[9, 9, 9, 9], [1, 2, 9, 9]]);
    const x = uniform([2, 3], 5);
    const R = uniform([4, 6], 6);
    expect(gradCheck((xi: Tensor) => sum(mul(pad(xi, [[1, 1], [2, 1]]), R)), [x]).maxRelativeError).toBeLessThan(1e-8);
  });
});
