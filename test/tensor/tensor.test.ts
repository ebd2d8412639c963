import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import {
  Tensor, add, arange, broadcastTo, equal, formatTensor, fromArray, reshape, rows, scalar, setRecorder, slice, sum, transpose, zeros,
  type Primitive,
} from '../../src/tensor/index.js';
import { expectError, expectTensor } from './helpers.js';

const m = reshape(arange(6), [2, 3]); // [[0, 1, 2], [3, 4, 5]]

describe('Tensor', () => {
  it('describes its storage: shape, row-major strides, dtype from the typed array', () => {
    const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.dtype).toBe('float32');
    expect([t.ndim, t.size, t.offset]).toEqual([2, 6, 0]);
    expect(new Tensor(new Uint8Array(1), []).dtype).toBe('uint8');
    expect(new Tensor(new Int32Array(0), [0, 4]).size).toBe(0);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it('refuses a shape larger than its data', () => {
    expectError(() => new Tensor(new Float64Array(5), [2, 3]), ShapeError, {
      op: 'Tensor', shapes: [[2, 3]], message: 'Tensor: shape (2, 3) needs 6 elements, data has 5',
    });
  });

  it('isContiguous: true for row-major storage and size-1 axes, false for other views', () => {
    expect(m.isContiguous).toBe(true);
    expect(transpose(m).isContiguous).toBe(false);
    expect(rows(m, 1, 2).isContiguous).toBe(true);
    expect(slice(m, null, { start: 1 }).isContiguous).toBe(false);
    expect(broadcastTo(arange(3), [2, 3]).isContiguous).toBe(false);
    expect(transpose(reshape(arange(3), [1, 3])).isContiguous).toBe(true);
  });
});

describe('get / item', () => {
  it('get reads by logical index through any view, negative indices from the end', () => {
    expect(m.get(1, 2)).toBe(5);
    expect(m.get(-1, -3)).toBe(3);
    expect(transpose(m).get(2, 0)).toBe(2);
    expect(slice(m, { step: -1 }, { step: -2 }).get(0, 1)).toBe(3);
    expect(broadcastTo(arange(3), [4, 3]).get(3, 2)).toBe(2);
    expect(scalar(7).get()).toBe(7);
  });

  it('get refuses a wrong count of indices and out-of-range or fractional indices', () => {
    expectError(() => m.get(1), ArgumentError, { op: 'get', argument: 'index', message: 'get: index: needs 2 indices for shape (2, 3), got 1' });
    expectError(() => m.get(2, 0), ArgumentError, { op: 'get', argument: 'index', message: 'get: index: index 2 is out of bounds for axis 0 with size 2' });
    expectError(() => m.get(0, -4), ArgumentError, { op: 'get', argument: 'index' });
    expectError(() => m.get(0, 0.5), ArgumentError, { op: 'get', argument: 'index' });
  });

  it('item returns the single element of any one-element view', () => {
    expect(scalar(2.5).item()).toBe(2.5);
    expect(fromArray([[4]]).item()).toBe(4);
    expect(slice(m, { start: 1 }, { start: 2 }).item()).toBe(5);
    expect(sum(m).item()).toBe(15);
    expect(scalar(Number.NaN).item()).toBeNaN();
  });

  it('item refuses tensors of other sizes', () => {
    expectError(() => m.item(), ShapeError, { op: 'item', shapes: [[2, 3]], message: 'item: needs a tensor with one element, got shape (2, 3)' });
    expectError(() => zeros([0]).item(), ShapeError, { op: 'item' });
  });
});

describe('toArray', () => {
  it('gives nested arrays like numpy tolist(), a number for 0-d', () => {
    expect(m.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(transpose(m).toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(scalar(3).toArray()).toBe(3);
    expect(zeros([0]).toArray()).toEqual([]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(fromArray([Number.NaN, -Infinity]).toArray()).toEqual([Number.NaN, -Infinity]);
    expect(equal(arange(2), 1).toArray()).toEqual([0, 1]);
  });
});

describe('contiguous / values', () => {
  it('contiguous returns itself when already row-major, else a row-major copy', () => {
    expect(m.contiguous()).toBe(m);
    const c = transpose(m).contiguous();
    expect(c.isContiguous).toBe(true);
    expect(c.strides).toEqual([2, 1]);
    expectTensor(c, [3, 2], 'float64', [0, 3, 1, 4, 2, 5]);
    expect(c.data).not.toBe(m.data);
    expect(transpose(fromArray([[1, 2]], undefined, 'float32')).contiguous().dtype).toBe('float32');
  });

  it('values is the storage itself when it is exactly the tensor, a subarray when offset, a copy otherwise', () => {
    expect(m.values()).toBe(m.data);
    const r = rows(m, 1, 2);
    const v = r.values();
    expect(Array.from(v)).toEqual([3, 4, 5]);
    expect(v.buffer).toBe(m.data.buffer);
    const t = transpose(m).values();
    expect(Array.from(t)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(t.buffer).not.toBe(m.data.buffer);
    expect(Array.from(broadcastTo(fromArray([1, 2]), [2, 2]).values())).toEqual([1, 2, 1, 2]);
    expect(zeros([0, 3]).values().length).toBe(0);
  });
});

describe('toString', () => {
  it('prints like numpy repr, with aligned columns', () => {
    expect(m.toString()).toBe('tensor([[0., 1., 2.],\n        [3., 4., 5.]], dtype=float64)');
    expect(fromArray([1.5, -2, 10]).toString()).toBe('tensor([ 1.5, -2. , 10. ], dtype=float64)');
    expect(scalar(2.5).toString()).toBe('tensor(2.5, dtype=float64)');
    expect(`${fromArray([1, 2], undefined, 'int32')}`).toBe('tensor([1, 2], dtype=int32)');
    expect(equal(arange(2), 1).toString()).toBe('tensor([False,  True], dtype=bool)');
    expect(formatTensor(fromArray([Number.NaN, Infinity, -Infinity]))).toBe('tensor([ nan,  inf, -inf], dtype=float64)');
  });

  it('separates the blocks of a 3-D tensor with a blank line', () => {
    expect(reshape(arange(4), [2, 1, 2]).toString()).toBe('tensor([[[0., 1.]],\n\n        [[2., 3.]]], dtype=float64)');
  });

  it("writes small, large and float32 numbers as numpy does (8 digits after the point at most, scientific past 1e8 or below 1e-4)", () => {
    expect(fromArray([1e-5, 123456.789]).toString()).toBe('tensor([1.00000000e-05, 1.23456789e+05], dtype=float64)');
    expect(scalar(0.1, 'float32').toString()).toBe('tensor(0.1, dtype=float32)');
    expect(scalar(1e20).toString()).toBe('tensor(1.e+20, dtype=float64)');
    expect(scalar(-2.5e-7).toString()).toBe('tensor(-2.5e-07, dtype=float64)');
  });

  it('shows the shape of empty tensors', () => {
    expect(zeros([0]).toString()).toBe('tensor([], dtype=float64)');
    expect(zeros([0, 3]).toString()).toBe('tensor([], shape=(0, 3), dtype=float64)');
  });

  it('summarises past 1000 elements with ...', () => {
    const s = arange(1001).toString();
    expect(s).toContain('...');
    // numpy's rule: the shape and dtype go on a line of their own when they would pass 75 columns.
    expect(s).toBe('tensor([   0.,    1.,    2., ...,  998.,  999., 1000.],\n       shape=(1001,), dtype=float64)');
    expect(arange(1000).toString()).not.toContain('...');
  });
});

describe('recorder hook', () => {
  afterEach(() => setRecorder(null));

  it('hears each primitive once its input requires gradients, and nothing otherwise', () => {
    const heard: Primitive[] = [];
    setRecorder((op) => {
      heard.push(op);
    });
    const x = fromArray([1, 2]);
    add(x, 1);
    expect(heard).toEqual([]);
    x.requiresGrad = true;
    const y = add(x, 1);
    sum(transpose(reshape(y, [2, 1])));
    equal(x, 1); // comparisons are not differentiable and are not recorded
    expect(heard).toEqual(['add']);
    y.requiresGrad = true;
    sum(transpose(reshape(y, [2, 1])));
    expect(heard).toEqual(['add', 'reshape']);
  });
});
