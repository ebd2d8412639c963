import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, ShapeError } from '../../src/core/errors.js';
import type { DType } from '../../src/core/dtype.js';
import { arange, astype, castTo, fromArray, full, ones, scalar, transpose, zeros } from '../../src/tensor/index.js';
import { expectError, expectTensor } from './helpers.js';

const ARRAY_OF: Record<DType, unknown> = {
  float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array,
};

describe('zeros / ones / full / scalar', () => {
  it('fill float64 by default, in row-major contiguous storage', () => {
    expectTensor(zeros([2, 3]), [2, 3], 'float64', [0, 0, 0, 0, 0, 0]);
    expectTensor(ones([3]), [3], 'float64', [1, 1, 1]);
    expectTensor(full([2, 2], 7), [2, 2], 'float64', [7, 7, 7, 7]);
    const z = zeros([2, 3, 4]);
    expect(z.strides).toEqual([12, 4, 1]);
    expect(z.isContiguous).toBe(true);
  });

  it('store each dtype in its typed array', () => {
    for (const d of Object.keys(ARRAY_OF) as DType[]) {
      const t = ones([2], d);
      expect(t.dtype).toBe(d);
      expect(t.data).toBeInstanceOf(ARRAY_OF[d]);
      expect(Array.from(t.values())).toEqual([1, 1]);
    }
  });

  it('round or convert the fill value to the dtype', () => {
    expectTensor(full([2], 0.1, 'float32'), [2], 'float32', [Math.fround(0.1), Math.fround(0.1)]);
    expectTensor(full([1], 2.9, 'int32'), [1], 'int32', [2]);
    expectTensor(full([3], -5, 'bool'), [3], 'bool', [1, 1, 1]);
    expectTensor(full([1], Number.NaN, 'bool'), [1], 'bool', [1]);
    expectTensor(full([2], Number.NaN), [2], 'float64', [Number.NaN, Number.NaN]);
  });

  it('make empty and 0-d tensors', () => {
    expectTensor(zeros([0, 3]), [0, 3], 'float64', []);
    expect(zeros([0, 3]).size).toBe(0);
    expectTensor(zeros([]), [], 'float64', [0]);
    const s = scalar(2.5);
    expectTensor(s, [], 'float64', [2.5]);
    expect(s.item()).toBe(2.5);
    expect(scalar(0.1, 'float32').item()).toBe(Math.fround(0.1));
  });

  it('refuse negative or fractional dimensions', () => {
    const message = 'zeros: shape: dimensions must be non-negative integers, got [2, -1]';
    expectError(() => zeros([2, -1]), ArgumentError, { op: 'zeros', argument: 'shape', message });
    expectError(() => full([1.5], 0), ArgumentError, { op: 'full', argument: 'shape' });
    expectError(() => ones([Number.NaN]), ArgumentError, { op: 'full', argument: 'shape' });
  });
});

describe('fromArray', () => {
  it('infers the shape of nested arrays', () => {
    expectTensor(fromArray([[1, 2], [3, 4]]), [2, 2], 'float64', [1, 2, 3, 4]);
    expectTensor(fromArray([[[1], [2]], [[3], [4]], [[5], [6]]]), [3, 2, 1], 'float64', [1, 2, 3, 4, 5, 6]);
    expectTensor(fromArray([1.5, -2]), [2], 'float64', [1.5, -2]);
    expectTensor(fromArray(3), [], 'float64', [3]);
  });

  it('keeps NaN and infinities', () => {
    expectTensor(fromArray([Number.NaN, Infinity, -Infinity, -0]), [4], 'float64', [Number.NaN, Infinity, -Infinity, -0]);
  });

  it('makes empty tensors from empty arrays', () => {
    expectTensor(fromArray([]), [0], 'float64', []);
    expectTensor(fromArray([[], []]), [2, 0], 'float64', []);
    expectTensor(fromArray([], [0, 3]), [0, 3], 'float64', []);
  });

  it('takes an explicit shape and dtype', () => {
    expectTensor(fromArray([1, 2, 3, 4, 5, 6], [2, 3]), [2, 3], 'float64', [1, 2, 3, 4, 5, 6]);
    expectTensor(fromArray([0.1, 0.2], undefined, 'float32'), [2], 'float32', [Math.fround(0.1), Math.fround(0.2)]);
    expectTensor(fromArray([0, 2, -1, Number.NaN], [4], 'bool'), [4], 'bool', [0, 1, 1, 1]);
    expectTensor(fromArray([[7, 255]], undefined, 'uint8'), [1, 2], 'uint8', [7, 255]);
  });

  it('wraps typed arrays with their own dtype, or converts on request', () => {
    expectTensor(fromArray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]), [2, 3], 'float32', [1, 2, 3, 4, 5, 6]);
    expectTensor(fromArray(new Int32Array([-1, 2])), [2], 'int32', [-1, 2]);
    expectTensor(fromArray(new Uint8Array([0, 255])), [2], 'uint8', [0, 255]);
    expectTensor(fromArray(new Uint8Array([0, 3]), [2], 'bool'), [2], 'bool', [0, 1]);
    expectTensor(fromArray(new Float64Array([0.1]), [1], 'float32'), [1], 'float32', [Math.fround(0.1)]);
    expectTensor(fromArray(new Float64Array(0), [0, 5]), [0, 5], 'float64', []);
  });

  it('refuses ragged nesting with a ShapeError, whichever way it is ragged', () => {
    expectError(() => fromArray([[1, 2], [3]]), ShapeError, {
      op: 'fromArray', shapes: [[2, 2]], message: 'fromArray: ragged nested array: expected length 2 at depth 1',
    });
    expectError(() => fromArray([[1, 2], 3]), ShapeError, { op: 'fromArray' });
    expectError(() => fromArray([1, [2]]), ShapeError, {
      op: 'fromArray', message: 'fromArray: ragged nested array: expected a number at depth 1, got an array',
    });
  });

  it('refuses non-numbers, shapes that do not fit, and unknown dtypes', () => {
    const strings: unknown = ['a'];
    expectError(() => fromArray(strings as number[]), ArgumentError, {
      op: 'fromArray', argument: 'values', message: 'fromArray: values: expected a number at depth 1, got string',
    });
    expectError(() => fromArray([1, 2, 3], [2, 2]), ShapeError, {
      op: 'fromArray', shapes: [[2, 2]], message: 'fromArray: cannot view 3 elements as shape (2, 2)',
    });
    expectError(() => fromArray(new Float64Array(6), [4]), ShapeError, {
      op: 'fromArray', message: 'fromArray: cannot view 6 elements as shape (4,)',
    });
    expectError(() => fromArray([1, 2, 3, 4], [-2, -2]), ArgumentError, { op: 'fromArray', argument: 'shape' });
    expectError(() => fromArray(new Float64Array(4), [-2, -2]), ArgumentError, { op: 'fromArray', argument: 'shape' });
    const bad: unknown = 'float16';
    expectError(() => fromArray([1], undefined, bad as DType), DTypeError, { op: 'fromArray', message: "fromArray: unknown dtype 'float16'" });
  });
});

describe('arange', () => {
  it('counts like numpy', () => {
    expectTensor(arange(3), [3], 'float64', [0, 1, 2]);
    expectTensor(arange(2, 5), [3], 'float64', [2, 3, 4]);
    expectTensor(arange(1, 2, 0.25), [4], 'float64', [1, 1.25, 1.5, 1.75]);
    expectTensor(arange(5, 0, -2), [3], 'float64', [5, 3, 1]);
    expect(arange(0, 1, 0.1).shape).toEqual([10]); // np.arange(0, 1, 0.1).shape == (10,)
    expectTensor(arange(0, 3, 1, 'int32'), [3], 'int32', [0, 1, 2]);
  });

  it('gives empty ranges when stop is not past start', () => {
    expectTensor(arange(0), [0], 'float64', []);
    expectTensor(arange(3, 1), [0], 'float64', []);
    expectTensor(arange(1, 3, -1), [0], 'float64', []);
  });

  it('refuses a zero or non-finite step and non-finite bounds', () => {
    expectError(() => arange(0, 3, 0), ArgumentError, { op: 'arange', argument: 'step', message: 'arange: step: must be a finite non-zero number, got 0' });
    expectError(() => arange(0, 3, Number.NaN), ArgumentError, { op: 'arange', argument: 'step' });
    expectError(() => arange(Infinity), ArgumentError, { op: 'arange', argument: 'stop', message: 'arange: stop: must be a finite number, got Infinity' });
    expectError(() => arange(Number.NaN, 3), ArgumentError, { op: 'arange', argument: 'start' });
  });
});

describe('castTo / astype', () => {
  it('round float64 to float32 to nearest', () => {
    const x = fromArray([0.1, 1 / 3, 1e-50, 3.5e38]);
    expectTensor(castTo(x, 'float32'), [4], 'float32', [Math.fround(0.1), Math.fround(1 / 3), 0, Infinity]);
    expectTensor(astype(x, 'float32'), [4], 'float32', [Math.fround(0.1), Math.fround(1 / 3), 0, Infinity]);
  });

  it('truncate toward zero into int32, like numpy astype(int32)', () => {
    expectTensor(castTo(fromArray([1.7, -1.7, 0, 2]), 'int32'), [4], 'int32', [1, -1, 0, 2]);
  });

  it('map non-zero and NaN to 1 for bool', () => {
    expectTensor(castTo(fromArray([0, -0, 0.5, -3, Number.NaN]), 'bool'), [5], 'bool', [0, 0, 1, 1, 1]);
  });

  it('widen storage types to float64 exactly', () => {
    expectTensor(castTo(fromArray(new Uint8Array([0, 128, 255])), 'float64'), [3], 'float64', [0, 128, 255]);
    expectTensor(castTo(fromArray([1, 0], undefined, 'bool'), 'float32'), [2], 'float32', [1, 0]);
  });

  it('read views in row-major order and keep the shape', () => {
    const t = transpose(fromArray([[1, 2, 3], [4, 5, 6]]));
    expectTensor(castTo(t, 'int32'), [3, 2], 'int32', [1, 4, 2, 5, 3, 6]);
    expectTensor(castTo(zeros([0, 2]), 'float32'), [0, 2], 'float32', []);
  });

  it('astype to the same dtype returns the tensor itself; the method form agrees', () => {
    const x = fromArray([1, 2]);
    expect(astype(x, 'float64')).toBe(x);
    expectTensor(x.astype('uint8'), [2], 'uint8', [1, 2]);
  });
});
