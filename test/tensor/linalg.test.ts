import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/core/errors.js';
import { dot, fromArray, matmul, reshape, arange, slice, transpose, zeros, type Tensor } from '../../src/tensor/index.js';
import { prng } from '../kernels/layout.js';
import { expectError, expectTensor } from './helpers.js';

const NaN = Number.NaN;
const a = fromArray([[1, 2], [3, 4]]);
const b = fromArray([[5, 6], [7, 8]]);

describe('matmul, hand-computed', () => {
  it('2-D @ 2-D', () => {
    expectTensor(matmul(a, b), [2, 2], 'float64', [19, 22, 43, 50]);
    expectTensor(matmul(fromArray([[1, 2, 3]]), fromArray([[1], [2], [3]])), [1, 1], 'float64', [14]);
    expectTensor(matmul(fromArray([[1], [2]]), fromArray([[3, 4]])), [2, 2], 'float64', [3, 4, 6, 8]);
  });

  it('1-D operands: a row on the left, a column on the right, the added axis dropped', () => {
    expectTensor(matmul(fromArray([1, 2]), b), [2], 'float64', [19, 22]);
    expectTensor(matmul(a, fromArray([1, 2])), [2], 'float64', [5, 11]);
    expectTensor(matmul(fromArray([1, 2, 3]), fromArray([4, 5, 6])), [], 'float64', [32]);
  });

  it('reads transposed and sliced views in place', () => {
    const at = transpose(a);
    expect(at.isContiguous).toBe(false);
    expect(at.data).toBe(a.data);
    expectTensor(matmul(at, b), [2, 2], 'float64', [26, 30, 38, 44]);
    expectTensor(matmul(a, transpose(b)), [2, 2], 'float64', [17, 23, 39, 53]);
    expectTensor(matmul(transpose(a), transpose(b)), [2, 2], 'float64', [23, 31, 34, 46]);
    const m = reshape(arange(12), [3, 4]); // rows [0..3], [4..7], [8..11]
    const rev = slice(m, { step: -2 }, { start: 1, step: 2 }); // [[9, 11], [1, 3]]
    expectTensor(matmul(rev, fromArray([1, 1])), [2], 'float64', [20, 4]);
    expectTensor(matmul(fromArray([1, -1]), rev), [2], 'float64', [8, 8]);
    const stridedVec = slice(arange(8), { start: 1, step: 2 }); // [1, 3, 5, 7]
    expectTensor(matmul(m, stridedVec), [3], 'float64', [34, 98, 162]);
  });

  it('k = 0 gives zeros; m = 0 or n = 0 give empty results', () => {
    expectTensor(matmul(zeros([2, 0]), zeros([0, 3])), [2, 3], 'float64', [0, 0, 0, 0, 0, 0]);
    expectTensor(matmul(zeros([2, 0]), zeros([0])), [2], 'float64', [0, 0]);
    expectTensor(matmul(zeros([0]), zeros([0])), [], 'float64', [0]);
    expectTensor(matmul(zeros([0, 3]), zeros([3, 2])), [0, 2], 'float64', []);
    expectTensor(matmul(zeros([2, 3]), zeros([3, 0])), [2, 0], 'float64', []);
  });

  it('propagates NaN into the rows and columns it touches', () => {
    expectTensor(matmul(fromArray([[1, NaN], [1, 1]]), b), [2, 2], 'float64', [NaN, NaN, 12, 14]);
    expectTensor(matmul(a, fromArray([[1, Infinity], [1, 0]])), [2, 2], 'float64', [3, Infinity, 7, Infinity]);
  });

  it('float32 @ float32 is float32, rounded; storage types promote to float64', () => {
    const f = fromArray([[0.1, 0.2], [0.3, 0.4]], undefined, 'float32');
    const p = matmul(f, f);
    expect(p.dtype).toBe('float32');
    for (const v of p.values()) expect(Math.fround(v)).toBe(v);
    expect(p.get(0, 0)).toBeCloseTo(0.07, 6);
    expect(matmul(f, fromArray([1, 1], undefined, 'float32')).dtype).toBe('float32');
    expect(matmul(f, a).dtype).toBe('float64');
    expectTensor(matmul(fromArray(new Int32Array([1, 2, 3, 4]), [2, 2]), b), [2, 2], 'float64', [19, 22, 43, 50]);
  });

  it('matches the method forms', () => {
    expectTensor(a.matmul(b), [2, 2], 'float64', [19, 22, 43, 50]);
    expectTensor(a.T.matmul(b), [2, 2], 'float64', [26, 30, 38, 44]);
    expectTensor(fromArray([1, 2]).dot(fromArray([3, 4])), [], 'float64', [11]);
  });
});

describe('dot', () => {
  it('is the inner product for vectors and matmul otherwise', () => {
    expectTensor(dot(fromArray([1, 2, 3]), fromArray([4, 5, 6])), [], 'float64', [32]);
    expectTensor(dot(a, b), [2, 2], 'float64', [19, 22, 43, 50]);
    expectTensor(dot(fromArray([1, 2]), a), [2], 'float64', [7, 10]);
    expectTensor(dot(zeros([0]), zeros([0])), [], 'float64', [0]);
  });
});

describe('errors', () => {
  it('inner dimensions that differ name both shapes', () => {
    expectError(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, {
      op: 'matmul', shapes: [[2, 3], [4, 5]], message: 'matmul: inner dimensions differ: a(2, 3) b(4, 5)',
    });
    expectError(() => matmul(zeros([3]), zeros([4])), ShapeError, { message: 'matmul: inner dimensions differ: a(3,) b(4,)' });
    expectError(() => matmul(zeros([2, 3]), zeros([2])), ShapeError, { shapes: [[2, 3], [2]] });
    expectError(() => dot(zeros([3]), zeros([2, 3])), ShapeError, { op: 'matmul', message: 'matmul: inner dimensions differ: a(3,) b(2, 3)' });
  });

  it('0-d and 3-D operands are refused', () => {
    expectError(() => matmul(zeros([]), zeros([2])), ShapeError, {
      op: 'matmul', shapes: [[], [2]], message: 'matmul: operands must be 1-D or 2-D: a() b(2,)',
    });
    expectError(() => matmul(zeros([2, 2, 2]), zeros([2, 2])), ShapeError, { op: 'matmul' });
    expectError(() => dot(zeros([2]), zeros([])), ShapeError, { op: 'dot', message: 'dot: operands must be 1-D or 2-D: a(2,) b()' });
  });
});

/** The naive triple loop through Tensor.get, which reads any view by its strides. */
function naive(x: Tensor, y: Tensor): number[] {
  const [m, k] = x.shape as [number, number];
  const n = y.shape[1] as number;
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += x.get(i, p) * y.get(p, j);
      out.push(s);
    }
  }
  return out;
}

/** A (r, c) tensor of random values, built as itself, as a transpose, or as a reversed slice. */
function randomMatrix(rand: () => number, r: number, c: number, how: number): Tensor {
  const vals = (n: number) => Array.from({ length: n }, () => Math.round((rand() - 0.5) * 2000) / 100);
  if (how === 0) return fromArray(vals(r * c), [r, c]);
  if (how === 1) return transpose(fromArray(vals(r * c), [c, r]));
  return slice(fromArray(vals(2 * r * c), [2 * r, c]), { step: -2 });
}

describe('matmul (property, public API)', () => {
  it('equals the naive triple loop on random sizes and layouts', () => {
    const dim = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(dim, dim, dim, fc.nat(2), fc.nat(2), fc.nat(), (m, k, n, ha, hb, seed) => {
        const rand = prng(seed);
        const x = randomMatrix(rand, m, k, ha);
        const y = randomMatrix(rand, k, n, hb);
        const got = Array.from(matmul(x, y).values());
        const want = naive(x, y);
        return got.length === want.length && got.every((g, i) => Math.abs(g - (want[i] as number)) <= 1e-12 * Math.max(1, Math.abs(want[i] as number)) * k);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('matmul on the SIMD path (sizes past the plain-path threshold)', () => {
  // The reference: the plain kernel through from-scratch loops over the views' logical values.
  function reference(x: Tensor, y: Tensor): number[] {
    const [m, k] = x.shape as [number, number];
    const n = y.shape[1] as number;
    const xv = x.toArray() as number[][];
    const yv = y.toArray() as number[][];
    const out: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (xv[i]?.[p] as number) * (yv[p]?.[j] as number);
        out.push(s);
      }
    }
    return out;
  }

  it('A@B, A@Bᵀ, Aᵀ@B and Aᵀ@Bᵀ in float64 and float32 agree with the triple loop', () => {
    const rand = prng(5);
    const [m, k, n] = [21, 37, 30];
    for (const dtype of ['float64', 'float32'] as const) {
      const tol = dtype === 'float64' ? 1e-12 : 1e-6;
      const A = fromArray(Array.from({ length: m * k }, () => rand() - 0.5), [m, k], dtype);
      const At = transpose(fromArray(Array.from({ length: m * k }, () => rand() - 0.5), [k, m], dtype));
      const B = fromArray(Array.from({ length: k * n }, () => rand() - 0.5), [k, n], dtype);
      const Bt = transpose(fromArray(Array.from({ length: k * n }, () => rand() - 0.5), [n, k], dtype));
      for (const [x, y] of [[A, B], [A, Bt], [At, B], [At, Bt]] as const) {
        const got = matmul(x, y);
        expect(got.dtype).toBe(dtype);
        expect(got.shape).toEqual([m, n]);
        const want = reference(x, y);
        // Every |a||b| term is below 1/4, so k/4 bounds each cell's Σ|a||b|.
        want.forEach((w, i) => expect(Math.abs((got.data[i] as number) - w)).toBeLessThanOrEqual((tol * k) / 4));
      }
    }
  });
});
