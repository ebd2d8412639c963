import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { add, arange, broadcastTo, cols, flatten, fromArray, reshape, rows, slice, transpose, zeros } from '../../src/tensor/index.js';
import { expectError, expectTensor } from './helpers.js';

const m = reshape(arange(6), [2, 3]); // [[0, 1, 2], [3, 4, 5]]
const g = reshape(arange(20), [4, 5]);

describe('reshape', () => {
  it('infers one -1 and shares storage when contiguous', () => {
    const r = reshape(arange(6), [2, -1]);
    expectTensor(r, [2, 3], 'float64', [0, 1, 2, 3, 4, 5]);
    expect(reshape(m, [-1, 2]).shape).toEqual([3, 2]);
    expect(reshape(m, [3, 2]).data).toBe(m.data);
    expectTensor(reshape(fromArray([7]), []), [], 'float64', [7]);
    expectTensor(reshape(fromArray(7), [1, 1, -1]), [1, 1, 1], 'float64', [7]);
  });

  it('copies a non-contiguous view in its logical order', () => {
    const r = reshape(transpose(m), [6]);
    expectTensor(r, [6], 'float64', [0, 3, 1, 4, 2, 5]);
    expect(r.data).not.toBe(m.data);
  });

  it('keeps a slice offset when the slice is contiguous', () => {
    expectTensor(reshape(rows(g, 2, 4), [5, 2]), [5, 2], 'float64', [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('handles empty shapes', () => {
    expectTensor(reshape(zeros([0, 3]), [-1]), [0], 'float64', []);
    expectTensor(reshape(zeros([0, 3]), [3, -1]), [3, 0], 'float64', []);
  });

  it('refuses a size mismatch, two -1s and bad entries', () => {
    expectError(() => reshape(m, [4, -1]), ShapeError, {
      op: 'reshape', shapes: [[2, 3], [4, -1]], message: 'reshape: cannot reshape array of size 6 into shape (4, -1)',
    });
    expectError(() => reshape(m, [7]), ShapeError, { op: 'reshape', message: 'reshape: cannot reshape array of size 6 into shape (7,)' });
    expectError(() => reshape(m, [-1, -1]), ArgumentError, {
      op: 'reshape', argument: 'shape', message: 'reshape: shape: can only infer one dimension, got [-1, -1]',
    });
    expectError(() => reshape(m, [-2, -3]), ArgumentError, { op: 'reshape', argument: 'shape' });
    expectError(() => reshape(m, [1.5, 4]), ArgumentError, { op: 'reshape', argument: 'shape' });
  });
});

describe('transpose', () => {
  it('reverses axes by default, as a view', () => {
    const t = transpose(m);
    expectTensor(t, [3, 2], 'float64', [0, 3, 1, 4, 2, 5]);
    expect(t.strides).toEqual([1, 3]);
    expect(t.data).toBe(m.data);
    expect(m.T.get(2, 1)).toBe(5);
    expect(transpose(zeros([2, 3, 4])).shape).toEqual([4, 3, 2]);
    expectTensor(transpose(fromArray(1)), [], 'float64', [1]);
  });

  it('takes a permutation, negative axes included', () => {
    const x = reshape(arange(24), [2, 3, 4]);
    const t = transpose(x, [1, -1, 0]);
    expect(t.shape).toEqual([3, 4, 2]);
    expect(t.get(2, 1, 1)).toBe(12 + 8 + 1);
    expect(x.transpose([2, 0, 1]).shape).toEqual([4, 2, 3]);
  });

  it('refuses permutations of the wrong length, repeated or out-of-range axes', () => {
    const message = 'transpose: perm: axes [0] do not match a tensor of 2 dimension(s)';
    expectError(() => transpose(m, [0]), ArgumentError, { op: 'transpose', argument: 'perm', message });
    expectError(() => transpose(m, [1, 1]), ArgumentError, { op: 'transpose', argument: 'perm' });
    expectError(() => transpose(m, [0, 2]), ArgumentError, { op: 'transpose', argument: 'perm' });
    // -3 is below -ndim: it must not pass as axis -1 after normalisation.
    expectError(() => transpose(m, [0, -3]), ArgumentError, { op: 'transpose', argument: 'perm' });
    expectError(() => transpose(m, [0, 0.5]), ArgumentError, { op: 'transpose', argument: 'perm' });
  });
});

describe('slice', () => {
  it('an index drops the axis; negative indices count from the end', () => {
    expectTensor(slice(g, 2), [5], 'float64', [10, 11, 12, 13, 14]);
    expectTensor(slice(g, -1), [5], 'float64', [15, 16, 17, 18, 19]);
    expectTensor(slice(g, null, 1), [4], 'float64', [1, 6, 11, 16]);
    expectTensor(slice(g, 1, -2), [], 'float64', [8]);
  });

  it('ranges with positive and negative steps, clamped like Python', () => {
    expectTensor(slice(arange(10), { start: 2, end: 8, step: 3 }), [2], 'float64', [2, 5]);
    expectTensor(slice(arange(10), { step: -3 }), [4], 'float64', [9, 6, 3, 0]);
    expectTensor(slice(arange(10), { start: -2, end: 2, step: -3 }), [2], 'float64', [8, 5]);
    expectTensor(slice(arange(5), { step: -1 }), [5], 'float64', [4, 3, 2, 1, 0]);
    expectTensor(slice(arange(5), { start: 100, end: -100, step: -2 }), [3], 'float64', [4, 2, 0]);
    expectTensor(slice(arange(5), { start: -100, end: 100 }), [5], 'float64', [0, 1, 2, 3, 4]);
    expectTensor(slice(arange(5), { start: 3, end: 1 }), [0], 'float64', []);
    expectTensor(slice(arange(5), { end: -1, step: -1 }), [0], 'float64', []); // Python: a[:-1:-1] == []
  });

  it('mixes specs per axis and composes with earlier views', () => {
    expectTensor(slice(g, { start: 1, step: 2 }, { step: -2 }), [2, 3], 'float64', [9, 7, 5, 19, 17, 15]);
    const v = slice(slice(g, { step: -1 }), null, { start: 1, end: 4 });
    expectTensor(v, [4, 3], 'float64', [16, 17, 18, 11, 12, 13, 6, 7, 8, 1, 2, 3]);
    expectTensor(slice(transpose(g), 1, { step: 2 }), [2], 'float64', [1, 11]);
    expect(slice(g, { start: 1 }).data).toBe(g.data);
  });

  it('slices empty axes to empty views', () => {
    expectTensor(slice(zeros([0, 3]), { start: 1 }), [0, 3], 'float64', []);
    expectTensor(slice(g, { start: 2, end: 2 }), [0, 5], 'float64', []);
  });

  it('refuses out-of-range indices, zero or fractional steps, too many specs', () => {
    expectError(() => slice(g, 4), ArgumentError, { op: 'slice', argument: 'axis 0', message: 'slice: axis 0: index 4 is out of bounds for size 4' });
    expectError(() => slice(g, null, -6), ArgumentError, { op: 'slice', argument: 'axis 1' });
    expectError(() => slice(g, 1.5), ArgumentError, { op: 'slice', argument: 'axis 0' });
    expectError(() => slice(g, { step: 0 }), ArgumentError, { op: 'slice', argument: 'axis 0', message: 'slice: axis 0: step must be a non-zero integer, got 0' });
    expectError(() => slice(g, null, null, 0), ArgumentError, {
      op: 'slice', argument: 'specs', message: 'slice: specs: too many indices (3) for shape (4, 5)',
    });
  });
});

describe('rows / cols', () => {
  it('take ranges of a 2-D tensor as views', () => {
    expectTensor(rows(g, 1, 3), [2, 5], 'float64', [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expectTensor(cols(g, 3, 5), [4, 2], 'float64', [3, 4, 8, 9, 13, 14, 18, 19]);
    expectTensor(g.rows(-1, 4).cols(0, 2), [1, 2], 'float64', [15, 16]);
    expect(cols(g, 0, 1).data).toBe(g.data);
  });
  it('refuse tensors that are not 2-D', () => {
    expectError(() => rows(arange(3), 0, 1), ShapeError, { op: 'rows', shapes: [[3]], message: 'rows: needs a 2-D tensor, got shape (3,)' });
    expectError(() => cols(zeros([1, 2, 3]), 0, 1), ShapeError, { op: 'cols', shapes: [[1, 2, 3]] });
  });
});

describe('broadcastTo', () => {
  it('repeats with stride 0, no copy', () => {
    const b = broadcastTo(fromArray([1, 2]), [3, 2]);
    expectTensor(b, [3, 2], 'float64', [1, 2, 1, 2, 1, 2]);
    expect(b.strides).toEqual([0, 1]);
    expectTensor(broadcastTo(fromArray([[1], [2]]), [2, 3]), [2, 3], 'float64', [1, 1, 1, 2, 2, 2]);
    expectTensor(broadcastTo(fromArray(5), [2]), [2], 'float64', [5, 5]);
    expectTensor(add(broadcastTo(fromArray([1, 2]), [2, 2]), transpose(fromArray([[10, 20], [30, 40]]))), [2, 2], 'float64', [11, 32, 21, 42]);
    expectTensor(broadcastTo(fromArray([1, 2, 3]), [0, 3]), [0, 3], 'float64', []);
  });
  it('returns the tensor itself for its own shape', () => {
    expect(broadcastTo(m, [2, 3])).toBe(m);
  });
  it('refuses shapes it cannot reach', () => {
    expectError(() => broadcastTo(zeros([3]), [4]), ShapeError, { op: 'broadcastTo', message: 'broadcastTo: cannot broadcast (3,) with (4,)' });
    expectError(() => broadcastTo(zeros([2, 3]), [3]), ShapeError, {
      op: 'broadcastTo', shapes: [[2, 3], [3]], message: 'broadcastTo: cannot broadcast (2, 3) to (3,)',
    });
    expectError(() => broadcastTo(zeros([3]), [1]), ShapeError, { op: 'broadcastTo', message: 'broadcastTo: cannot broadcast (3,) to (1,)' });
  });
});

describe('flatten', () => {
  it('gives the logical row-major order of any view', () => {
    expectTensor(flatten(m), [6], 'float64', [0, 1, 2, 3, 4, 5]);
    expectTensor(flatten(transpose(m)), [6], 'float64', [0, 3, 1, 4, 2, 5]);
    expectTensor(m.T.flatten(), [6], 'float64', [0, 3, 1, 4, 2, 5]);
    expectTensor(flatten(fromArray(3)), [1], 'float64', [3]);
    expectTensor(flatten(zeros([2, 0])), [0], 'float64', []);
  });
});

describe('shape checks found in review', () => {
  it('refuses -1 next to a zero dimension, as numpy does', () => {
    expectError(() => reshape(zeros([0, 3]), [0, -1]), ShapeError, { op: 'reshape' });
  });
  it('refuses negative target dimensions in broadcastTo', () => {
    expectError(() => broadcastTo(zeros([1]), [-1]), ArgumentError, { op: 'broadcastTo', argument: 'shape' });
  });
});
