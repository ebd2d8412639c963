import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { arange, argmax, argmin, fromArray, full, max, mean, min, reshape, sum, transpose, zeros } from '../../src/tensor/index.js';
import { prng, product, randomValue, shuffled, unravel } from '../kernels/layout.js';
import { expectError, expectTensor } from './helpers.js';

const NaN = Number.NaN;
const m = fromArray([[1, 2], [3, 4]]);
const x = reshape(arange(24), [2, 3, 4]); // x[i, j, k] = 12i + 4j + k

describe('sum', () => {
  it('over all axes, one axis, negative axes', () => {
    expectTensor(sum(m), [], 'float64', [10]);
    expectTensor(sum(m, { axis: 0 }), [2], 'float64', [4, 6]);
    expectTensor(sum(m, { axis: 1 }), [2], 'float64', [3, 7]);
    expectTensor(sum(m, { axis: -1 }), [2], 'float64', [3, 7]);
    expectTensor(sum(m, { axis: -2 }), [2], 'float64', [4, 6]);
  });

  it('over several axes, in any order, with and without keepdims', () => {
    // sum over i and k of 12i + 4j + k = 8 * 4j + (0 + 12) * 4 + 2 * 6 = 32j + 60
    expectTensor(sum(x, { axis: [0, 2] }), [3], 'float64', [60, 92, 124]);
    expectTensor(sum(x, { axis: [2, 0] }), [3], 'float64', [60, 92, 124]);
    expectTensor(sum(x, { axis: [-1, 0], keepdims: true }), [1, 3, 1], 'float64', [60, 92, 124]);
    expectTensor(sum(x, { axis: [1, 2] }), [2], 'float64', [66, 210]);
    expectTensor(sum(x, { keepdims: true }), [1, 1, 1], 'float64', [276]);
    expectTensor(sum(m, { axis: 1, keepdims: true }), [2, 1], 'float64', [3, 7]);
  });

  it('over no axes is a copy; a 0-d tensor sums to itself', () => {
    expectTensor(sum(m, { axis: [] }), [2, 2], 'float64', [1, 2, 3, 4]);
    expectTensor(sum(fromArray(5)), [], 'float64', [5]);
  });

  it('reads transposed views', () => {
    expectTensor(sum(transpose(m), { axis: 0 }), [2], 'float64', [3, 7]);
    expectTensor(sum(transpose(x), { axis: 1 }), [4, 2], 'float64', [12, 48, 15, 51, 18, 54, 21, 57]);
  });

  it('propagates NaN and infinities', () => {
    const t = fromArray([[1, NaN], [2, 3], [Infinity, -Infinity]]);
    expectTensor(sum(t, { axis: 1 }), [3], 'float64', [NaN, 5, NaN]);
    expectTensor(sum(t), [], 'float64', [NaN]);
    expectTensor(sum(fromArray([Infinity, 1])), [], 'float64', [Infinity]);
  });

  it('of empty is 0, along any empty axis', () => {
    expectTensor(sum(zeros([0])), [], 'float64', [0]);
    expectTensor(sum(zeros([0, 3]), { axis: 0 }), [3], 'float64', [0, 0, 0]);
    expectTensor(sum(zeros([0, 3]), { axis: 1 }), [0], 'float64', []);
    expectTensor(sum(zeros([3, 0]), { axis: 1, keepdims: true }), [3, 1], 'float64', [0, 0, 0]);
  });

  it('keeps float32, promotes storage types to float64', () => {
    const f = full([1000], 0.1, 'float32');
    const s = sum(f);
    expect(s.dtype).toBe('float32');
    expect(s.item()).toBe(Math.fround(1000 * Math.fround(0.1))); // accumulated in float64, rounded once
    expectTensor(sum(fromArray(new Uint8Array([200, 100]))), [], 'float64', [300]);
    expectTensor(sum(fromArray([1, 0, 1], undefined, 'bool')), [], 'float64', [2]);
    expectTensor(sum(fromArray(new Int32Array([2147483647, 1]))), [], 'float64', [2147483648]);
  });
});

describe('mean', () => {
  it('divides the sum by the count of reduced elements', () => {
    expectTensor(mean(m), [], 'float64', [2.5]);
    expectTensor(mean(m, { axis: 0 }), [2], 'float64', [2, 3]);
    expectTensor(mean(x, { axis: [0, -1], keepdims: true }), [1, 3, 1], 'float64', [7.5, 11.5, 15.5]);
    expectTensor(mean(fromArray(new Uint8Array([1, 2]))), [], 'float64', [1.5]);
    expect(mean(fromArray([1, 2], undefined, 'float32')).dtype).toBe('float32');
  });
  it('of empty is NaN, as numpy (which also warns)', () => {
    expectTensor(mean(zeros([0])), [], 'float64', [NaN]);
    expectTensor(mean(zeros([0, 2]), { axis: 0 }), [2], 'float64', [NaN, NaN]);
  });
  it('propagates NaN', () => {
    expectTensor(mean(fromArray([[1, NaN], [2, 4]]), { axis: 1 }), [2], 'float64', [NaN, 3]);
  });
});

describe('max / min', () => {
  it('over axes, hand-computed', () => {
    expectTensor(max(m), [], 'float64', [4]);
    expectTensor(min(m), [], 'float64', [1]);
    expectTensor(max(m, { axis: 0 }), [2], 'float64', [3, 4]);
    expectTensor(min(m, { axis: -1, keepdims: true }), [2, 1], 'float64', [1, 3]);
    expectTensor(max(x, { axis: [0, 2] }), [3], 'float64', [15, 19, 23]);
    expectTensor(min(transpose(x), { axis: [0, 1] }), [2], 'float64', [0, 12]);
  });
  it('propagate NaN wherever it sits in the line', () => {
    const t = fromArray([[NaN, 1, 2], [1, NaN, 2], [1, 2, NaN], [1, 2, 3]]);
    expectTensor(max(t, { axis: 1 }), [4], 'float64', [NaN, NaN, NaN, 3]);
    expectTensor(min(t, { axis: 1 }), [4], 'float64', [NaN, NaN, NaN, 1]);
    expectTensor(max(t, { axis: 0 }), [3], 'float64', [NaN, NaN, NaN]);
    expectTensor(max(t), [], 'float64', [NaN]);
  });
  it('handle infinities and all-negative lines', () => {
    expectTensor(max(fromArray([-Infinity, -Infinity])), [], 'float64', [-Infinity]);
    expectTensor(min(fromArray([Infinity])), [], 'float64', [Infinity]);
    expectTensor(max(fromArray([-5, -3, -9])), [], 'float64', [-3]);
  });
  it('of empty is a ShapeError, naming the op and the shape', () => {
    expectError(() => max(zeros([0])), ShapeError, {
      op: 'max', shapes: [[0]], message: 'max: zero-size axis has no identity for max: shape (0,)',
    });
    expectError(() => min(zeros([0, 3]), { axis: 0 }), ShapeError, { op: 'min', shapes: [[0, 3]] });
  });
  it('over a non-empty axis of an empty tensor gives an empty result', () => {
    expectTensor(max(zeros([0, 3]), { axis: 1 }), [0], 'float64', []);
  });
  it('return float64 for storage types', () => {
    expectTensor(max(fromArray(new Uint8Array([3, 250]))), [], 'float64', [250]);
  });
});

describe('argmax / argmin', () => {
  const t = fromArray([[1, 5, 5], [7, 2, 7], [0, 0, -1]]);
  it('index the flattened tensor without an axis', () => {
    expectTensor(argmax(t), [], 'int32', [3]);
    expectTensor(argmin(t), [], 'int32', [8]);
    expectTensor(argmax(t, undefined, true), [1, 1], 'int32', [3]);
  });
  it('index along an axis, first of equals wins', () => {
    expectTensor(argmax(t, 1), [3], 'int32', [1, 0, 0]);
    expectTensor(argmin(t, 0), [3], 'int32', [2, 2, 2]);
    expectTensor(argmax(t, -1, true), [3, 1], 'int32', [1, 0, 0]);
    expectTensor(argmax(x, 1), [2, 4], 'int32', [2, 2, 2, 2, 2, 2, 2, 2]);
    expectTensor(argmin(x, -3), [3, 4], 'int32', new Array<number>(12).fill(0));
  });
  it('read views in logical order', () => {
    expectTensor(argmax(transpose(t), 1), [3], 'int32', [1, 0, 1]);
    expectTensor(argmax(t.slice({ step: -1 }), 0), [3], 'int32', [1, 2, 1]);
  });
  it('return the first NaN, like numpy', () => {
    const n = fromArray([[1, NaN, 5, NaN], [NaN, 9, 1, 2], [3, 2, 1, 0]]);
    expectTensor(argmax(n, 1), [3], 'int32', [1, 0, 0]);
    expectTensor(argmin(n, 1), [3], 'int32', [1, 0, 3]);
    expectTensor(argmax(n), [], 'int32', [1]);
    expectTensor(argmin(n, 0), [4], 'int32', [1, 0, 1, 0]);
  });
  it('of a 0-d tensor is 0', () => {
    expectTensor(argmax(fromArray(3)), [], 'int32', [0]);
  });
  it('of empty is a ShapeError', () => {
    expectError(() => argmax(zeros([0])), ShapeError, {
      op: 'argmax', shapes: [[0]], message: 'argmax: attempt to get argmax of an empty sequence: shape (0,)',
    });
    expectError(() => argmin(zeros([2, 0]), 1), ShapeError, { op: 'argmin' });
  });
});

describe('axis errors', () => {
  it('out of range, repeated and fractional axes are ArgumentErrors naming op and axis', () => {
    expectError(() => sum(x, { axis: 3 }), ArgumentError, {
      op: 'sum', argument: 'axis', message: 'sum: axis: axis 3 is out of bounds for a tensor of 3 dimension(s)',
    });
    expectError(() => max(x, { axis: -4 }), ArgumentError, { op: 'max', argument: 'axis' });
    expectError(() => min(x, { axis: [0, -3] }), ArgumentError, { op: 'min', argument: 'axis', message: 'min: axis: repeated axis -3' });
    expectError(() => mean(x, { axis: 0.5 }), ArgumentError, { op: 'mean', argument: 'axis' });
    expectError(() => sum(fromArray(1), { axis: 0 }), ArgumentError, {
      op: 'sum', message: 'sum: axis: axis 0 is out of bounds for a tensor of 0 dimension(s)',
    });
    expectError(() => argmax(x, 3), ArgumentError, { op: 'argmax', argument: 'axis' });
    expectError(() => argmin(x, 1.5), ArgumentError, { op: 'argmin', argument: 'axis', message: 'argmin: axis: must be an integer, got 1.5' });
  });
});

describe('methods', () => {
  it('match the functions', () => {
    expectTensor(x.sum({ axis: 1 }).max({ axis: 0 }), [4], 'float64', [48, 51, 54, 57]);
    expectTensor(m.mean({ axis: 1 }).min(), [], 'float64', [1.5]);
    expectTensor(m.argmax(0), [2], 'int32', [1, 1]);
    expectTensor(m.argmin(undefined, true), [1, 1], 'int32', [0]);
  });
});

describe('reductions (property, public API)', () => {
  it('sum/mean/max/min over random signed axes of transposed tensors match a naive loop', () => {
    const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(shape, fc.nat(15), fc.nat(15), fc.boolean(), fc.constantFrom('sum', 'mean', 'max', 'min'), fc.nat(), (dims, axisBits, signBits, keepdims, kind, seed) => {
        const rand = prng(seed);
        const nd = dims.length;
        // Build the tensor as a transpose of its storage, so reductions read strided views.
        const perm = shuffled(rand, nd);
        const storage = fromArray(Array.from({ length: product(dims) }, () => randomValue(rand, 0.03)), perm.map((p) => dims[p] as number));
        const inv = perm.map((_, i) => perm.indexOf(i));
        const t = transpose(storage, inv);
        const axes = dims.map((_, i) => i).filter((i) => (axisBits >> i) & 1);
        const signed = axes.map((a) => ((signBits >> a) & 1 ? a - nd : a));
        const f = { sum, mean, max, min }[kind];
        const got = f(t, { axis: signed, keepdims });
        const outShape = dims.flatMap((d, i) => (axes.includes(i) ? (keepdims ? [1] : []) : [d]));
        expect(got.shape).toEqual(outShape);
        const kept = dims.map((d, i) => (axes.includes(i) ? 1 : d));
        for (let q = 0; q < product(kept); q++) {
          const base = unravel(q, kept);
          const vals: number[] = [];
          const span = dims.map((d, i) => (axes.includes(i) ? d : 1));
          for (let r = 0; r < product(span); r++) {
            const off = unravel(r, span);
            vals.push(t.get(...base.map((b, i) => b + (off[i] as number))));
          }
          const total = vals.reduce((s, v) => s + v, 0);
          const want = kind === 'sum' ? total : kind === 'mean' ? total / vals.length
            : vals.some(Number.isNaN) ? NaN : kind === 'max' ? Math.max(...vals) : Math.min(...vals);
          const g = got.values()[q] as number;
          const scale = vals.reduce((s, v) => s + Math.abs(v), 0);
          if (!(Object.is(g, want) || Math.abs(g - want) <= 1e-12 * scale)) return false;
        }
        return true;
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
