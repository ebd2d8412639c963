import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/core/errors.js';
import {
  abs, add, div, equal, exp, fromArray, greater, greaterEqual, less, lessEqual, log, maximum, minimum, mul, neg,
  notEqual, pow, scalar, sigmoid, slice, sqrt, sub, tanh, transpose, where, zeros, type Tensor, type TensorLike,
} from '../../src/tensor/index.js';
import { broadcastFrom, prng, product, randomValue, unravel } from '../kernels/layout.js';
import { expectError, expectTensor } from './helpers.js';

const NaN = Number.NaN;
const col = fromArray([[1], [2]]); // (2, 1)
const row = fromArray([10, 20, 30]); // (3,)

describe('binary arithmetic, hand-computed', () => {
  it('broadcasts (2, 1) with (3,) to (2, 3)', () => {
    expectTensor(add(col, row), [2, 3], 'float64', [11, 21, 31, 12, 22, 32]);
    expectTensor(sub(col, row), [2, 3], 'float64', [-9, -19, -29, -8, -18, -28]);
    expectTensor(mul(col, row), [2, 3], 'float64', [10, 20, 30, 20, 40, 60]);
    expectTensor(div(row, col), [2, 3], 'float64', [10, 20, 30, 5, 10, 15]);
  });

  it('broadcasts (2, 1, 3) with (4, 1) to (2, 4, 3) and a 0-d tensor with anything', () => {
    const a = fromArray([[[1, 2, 3]], [[4, 5, 6]]]);
    const b = fromArray([[0], [10], [20], [30]]);
    const s = add(a, b);
    expect(s.shape).toEqual([2, 4, 3]);
    expect(s.get(1, 2, 0)).toBe(24);
    expect(s.get(0, 3, 2)).toBe(33);
    expectTensor(mul(fromArray([1, 2, 3, 4, 5]), scalar(2)), [5], 'float64', [2, 4, 6, 8, 10]);
    expectTensor(sub(scalar(1), scalar(3)), [], 'float64', [-2]);
  });

  it('accepts plain numbers on either side', () => {
    expectTensor(sub(1, row), [3], 'float64', [-9, -19, -29]);
    expectTensor(div(row, 10), [3], 'float64', [1, 2, 3]);
    expectTensor(add(1, 2), [], 'float64', [3]);
  });

  it('divides by zero to ±inf and NaN, like IEEE and numpy', () => {
    expectTensor(div(fromArray([1, -1, 0, NaN]), 0), [4], 'float64', [Infinity, -Infinity, NaN, NaN]);
  });

  it('pow: squares, roots, and C semantics at the edges', () => {
    expectTensor(pow(fromArray([2, 3]), 2), [2], 'float64', [4, 9]);
    expectTensor(pow(fromArray([4, 9, -4]), 0.5), [3], 'float64', [2, 3, NaN]);
    expectTensor(pow(fromArray([1, -1, -1, NaN, 0, 0]), fromArray([NaN, Infinity, -Infinity, 0, -1, 0])), [6], 'float64', [1, 1, 1, 1, Infinity, 1]);
  });

  it('maximum / minimum: elementwise, NaN from either side wins', () => {
    const a = fromArray([1, NaN, 3, -Infinity]);
    const b = fromArray([2, 0, NaN, -5]);
    expectTensor(maximum(a, b), [4], 'float64', [2, NaN, NaN, -5]);
    expectTensor(minimum(a, b), [4], 'float64', [1, NaN, NaN, -Infinity]);
    expectTensor(maximum(fromArray([-2, 0.5, NaN]), 0), [3], 'float64', [0, 0.5, NaN]); // relu
  });

  it('propagates NaN through add/sub/mul/div', () => {
    for (const f of [add, sub, mul, div]) expectTensor(f(fromArray([NaN, 1]), fromArray([1, NaN])), [2], 'float64', [NaN, NaN]);
  });

  it('reads transposed and sliced views without copying them first', () => {
    const m = fromArray([[1, 2, 3], [4, 5, 6]]);
    expectTensor(add(transpose(m), fromArray([100, 200])), [3, 2], 'float64', [101, 204, 102, 205, 103, 206]);
    expectTensor(sub(m.slice(null, { step: -1 }), m), [2, 3], 'float64', [2, 0, -2, 2, 0, -2]);
  });
});

describe('unary ops, hand-computed', () => {
  const x = fromArray([0, 1, -2, NaN, Infinity, -Infinity]);
  it('neg / abs', () => {
    expectTensor(neg(x), [6], 'float64', [-0, -1, 2, NaN, -Infinity, Infinity]);
    expectTensor(abs(x), [6], 'float64', [0, 1, 2, NaN, Infinity, Infinity]);
  });
  it('exp / log', () => {
    expectTensor(exp(x), [6], 'float64', [1, Math.E, Math.exp(-2), NaN, Infinity, 0]);
    expectTensor(log(fromArray([1, 0, -1, Math.E, Infinity, NaN])), [6], 'float64', [0, -Infinity, NaN, 1, Infinity, NaN]);
  });
  it('sqrt / tanh', () => {
    expectTensor(sqrt(fromArray([4, 0, -1, Infinity, NaN])), [5], 'float64', [2, 0, NaN, Infinity, NaN]);
    expectTensor(tanh(x), [6], 'float64', [0, Math.tanh(1), Math.tanh(-2), NaN, 1, -1]);
  });
  it('sigmoid: 1 / (1 + e⁻ˣ), saturating without NaN', () => {
    expectTensor(sigmoid(fromArray([0, Infinity, -Infinity, -1000, NaN])), [5], 'float64', [0.5, 1, 0, 0, NaN]);
    expect(sigmoid(scalar(2)).item()).toBe(1 / (1 + Math.exp(-2)));
  });
  it('keeps the shape of views and empty tensors', () => {
    expectTensor(exp(transpose(fromArray([[0, 1], [2, 3]]))), [2, 2], 'float64', [1, Math.exp(2), Math.E, Math.exp(3)]);
    expectTensor(neg(zeros([0, 3])), [0, 3], 'float64', []);
  });
});

describe('comparisons', () => {
  const a = fromArray([1, 2, NaN, 3]);
  const b = fromArray([1, 3, NaN, 2]);
  it('give bool tensors; NaN compares unequal to everything', () => {
    expectTensor(equal(a, b), [4], 'bool', [1, 0, 0, 0]);
    expectTensor(notEqual(a, b), [4], 'bool', [0, 1, 1, 1]);
    expectTensor(less(a, b), [4], 'bool', [0, 1, 0, 0]);
    expectTensor(lessEqual(a, b), [4], 'bool', [1, 1, 0, 0]);
    expectTensor(greater(a, b), [4], 'bool', [0, 0, 0, 1]);
    expectTensor(greaterEqual(a, b), [4], 'bool', [1, 0, 0, 1]);
  });
  it('broadcast and take numbers on either side', () => {
    expectTensor(greater(fromArray([[0.2], [0.7]]), fromArray([0.1, 0.5])), [2, 2], 'bool', [1, 0, 1, 1]);
    expectTensor(less(0.5, fromArray([0.2, 0.7])), [2], 'bool', [0, 1]);
  });
  it('compare a float32 tensor with a number rounded to float32 (numpy 2 weak scalars)', () => {
    const f = fromArray([0.1], undefined, 'float32');
    expectTensor(equal(f, 0.1), [1], 'bool', [1]);
    expectTensor(greater(f, 0.1), [1], 'bool', [0]);
  });
});

describe('where', () => {
  it('chooses elementwise and broadcasts all three operands', () => {
    const x = fromArray([[-1, 2], [3, -4]]);
    expectTensor(where(greater(x, 0), x, 0), [2, 2], 'float64', [0, 2, 3, 0]);
    expectTensor(where(fromArray([[1], [0]], undefined, 'bool'), fromArray([1, 2, 3]), -1), [2, 3], 'float64', [1, 2, 3, -1, -1, -1]);
  });
  it('treats any non-zero condition, NaN included, as true (like numpy)', () => {
    expectTensor(where(fromArray([0, 2, NaN]), 1, 0), [3], 'float64', [0, 1, 1]);
  });
  it('handles empty shapes', () => {
    expectTensor(where(zeros([0, 2]), 1, fromArray([5, 6])), [0, 2], 'float64', []);
  });
});

describe('empty shapes', () => {
  it('flow through binary ops and broadcast against (3,) and (1, 3)', () => {
    expectTensor(add(zeros([0, 3]), fromArray([1, 2, 3])), [0, 3], 'float64', []);
    expectTensor(mul(zeros([0, 3]), zeros([1, 3])), [0, 3], 'float64', []);
    expectTensor(greater(zeros([0, 3]), 1), [0, 3], 'bool', []);
    expectTensor(add(zeros([0]), 1), [0], 'float64', []);
  });
  it('do not broadcast against non-1 sizes', () => {
    expectError(() => add(zeros([0, 3]), zeros([2, 3])), ShapeError, { op: 'add', message: 'add: cannot broadcast (0, 3) with (2, 3)' });
  });
});

describe('dtype promotion', () => {
  const u8 = fromArray(new Uint8Array([0, 51, 255]));
  const f32 = fromArray([0.1, 0.2, 0.3], undefined, 'float32');
  it('uint8 / 255 gives float64', () => {
    expectTensor(div(u8, 255), [3], 'float64', [0, 0.2, 1]);
  });
  it('float32 with a number stays float32, rounded once per element', () => {
    const want = [0.1, 0.2, 0.3].map((v) => Math.fround(Math.fround(v) + Math.fround(0.1)));
    expectTensor(add(f32, 0.1), [3], 'float32', want);
    expectTensor(mul(2, f32), [3], 'float32', [0.1, 0.2, 0.3].map((v) => Math.fround(2 * Math.fround(v))));
  });
  it('float32 results are float32 for every unary op, values rounded to float32', () => {
    for (const [f, ref] of [[exp, Math.exp], [log, Math.log], [sqrt, Math.sqrt], [tanh, Math.tanh], [neg, (v: number) => -v]] as const) {
      const got = f(f32);
      expect(got.dtype).toBe('float32');
      expect(Array.from(got.values())).toEqual(Array.from(f32.values(), (v) => Math.fround(ref(v))));
    }
  });
  it('mixes dtypes as numpy does', () => {
    const f64 = fromArray([1, 2, 3]);
    const i32 = fromArray(new Int32Array([1, 2, 3]));
    const b = fromArray([1, 0, 1], undefined, 'bool');
    const cases: [TensorLike, TensorLike, string][] = [
      [f32, f64, 'float64'], [f32, f32, 'float32'], [i32, f32, 'float64'], [u8, f32, 'float32'],
      [b, f32, 'float32'], [u8, u8, 'float64'], [i32, 2, 'float64'], [b, b, 'float64'], [u8, 2, 'float64'],
    ];
    for (const [x, y, d] of cases) {
      expect(add(x, y).dtype).toBe(d);
      expect(maximum(y, x).dtype).toBe(d);
    }
    expect(where(greater(f32, 0), f32, 0).dtype).toBe('float32');
    expect(neg(i32).dtype).toBe('float64');
    expect(exp(u8).dtype).toBe('float64');
  });
});

describe('broadcasting errors', () => {
  const ops: [string, (a: TensorLike, b: TensorLike) => Tensor][] = [
    ['add', add], ['sub', sub], ['mul', mul], ['div', div], ['pow', pow], ['maximum', maximum], ['minimum', minimum],
    ['equal', equal], ['notEqual', notEqual], ['less', less], ['lessEqual', lessEqual], ['greater', greater], ['greaterEqual', greaterEqual],
  ];
  it.each(ops)('%s names itself and both shapes', (name, f) => {
    expectError(() => f(zeros([2, 3]), zeros([4, 3])), ShapeError, {
      op: name, shapes: [[2, 3], [4, 3]], message: `${name}: cannot broadcast (2, 3) with (4, 3)`,
    });
  });
  it('1-D shapes are written (n,)', () => {
    expectError(() => add(zeros([3]), zeros([4])), ShapeError, { message: 'add: cannot broadcast (3,) with (4,)' });
  });
  it('where reports its own name', () => {
    expectError(() => where(zeros([2]), zeros([3]), 0), ShapeError, { op: 'where', shapes: [[2], [3]], message: 'where: cannot broadcast (2,) with (3,)' });
    expectError(() => where(zeros([3]), zeros([3]), zeros([2, 2])), ShapeError, { op: 'where', message: 'where: cannot broadcast (3,) with (2, 2)' });
  });
});

describe('methods', () => {
  it('chain like the functions', () => {
    const x = fromArray([1, -2, 3]);
    expectTensor(x.add(1).mul(2).sub(x).div(2), [3], 'float64', [1.5, 0, 2.5]);
    expectTensor(x.abs().sqrt().pow(2).neg(), [3], 'float64', [-1, -(Math.sqrt(2) ** 2), -(Math.sqrt(3) ** 2)]);
    expectTensor(x.maximum(0).minimum(2), [3], 'float64', [1, 0, 2]);
    expectTensor(x.greater(0), [3], 'bool', [1, 0, 1]);
    expectTensor(x.equal(-2), [3], 'bool', [0, 1, 0]);
    expectTensor(x.notEqual(3), [3], 'bool', [1, 1, 0]);
    expectTensor(x.lessEqual(1), [3], 'bool', [1, 1, 0]);
    expectTensor(x.greaterEqual(1), [3], 'bool', [1, 0, 1]);
    expectTensor(x.less(3), [3], 'bool', [1, 1, 0]);
    expect(x.exp().log().tanh().sigmoid().shape).toEqual([3]);
  });
});

describe('binary ops (property, public API)', () => {
  it('broadcast transposed and reversed tensors like a naive index loop', () => {
    const dims = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 4 });
    const kinds = [['add', add, (p: number, q: number) => p + q], ['mul', mul, (p: number, q: number) => p * q], ['maximum', maximum, Math.max], ['less', less, (p: number, q: number) => Number(p < q)]] as const;
    fc.assert(
      fc.property(dims, fc.nat(4), fc.nat(4), fc.nat(15), fc.nat(15), fc.nat(3), fc.nat(), (out, dropA, dropB, maskA, maskB, k, seed) => {
        const rand = prng(seed);
        const [, f, ref] = kinds[k] ?? kinds[0];
        const make = (shape: number[]): Tensor => {
          // Stored reversed-axes, then transposed back, and each axis maybe read backwards.
          const stored = fromArray(Array.from({ length: product(shape) }, () => randomValue(rand)), [...shape].reverse());
          const t = transpose(stored);
          return t.ndim === 0 ? t : slice(t, ...shape.map(() => (rand() < 0.5 ? { step: -1 } : null)));
        };
        const a = make(broadcastFrom(out, dropA, maskA));
        const b = make(broadcastFrom(out, dropB, maskB));
        // Each operand axis is its output size or 1, so the broadcast size is the larger one.
        const n = Math.max(a.ndim, b.ndim);
        const size = (t: Tensor, i: number) => t.shape[i - (n - t.ndim)] ?? 1;
        const shape = Array.from({ length: n }, (_, i) => Math.max(size(a, i), size(b, i)));
        const got = f(a, b);
        expect(got.shape).toEqual(shape);
        const pick = (t: Tensor, idx: number[]) => t.get(...t.shape.map((d, j) => (d === 1 ? 0 : (idx[j + idx.length - t.ndim] as number))));
        const vals = got.values();
        for (let i = 0; i < vals.length; i++) {
          const idx = unravel(i, shape);
          if (!Object.is(vals[i], ref(pick(a, idx), pick(b, idx)))) return false;
        }
        return true;
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
