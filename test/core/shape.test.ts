import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import {
  broadcastShapes, broadcastStrides, checkShape, contiguousStrides, formatShape, normalizeAxes, shapesEqual, sizeOf,
} from '../../src/core/shape.js';
import { expectError } from '../tensor/helpers.js';

describe('sizeOf / shapesEqual', () => {
  it('count elements: 1 for a scalar, 0 with any empty axis', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([3, 0, 5])).toBe(0);
  });
  it('compare lengths and entries', () => {
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([1, 3], [3])).toBe(false);
    expect(shapesEqual([], [])).toBe(true);
  });
});

describe('contiguousStrides', () => {
  it('gives row-major strides in elements', () => {
    expect(contiguousStrides([2, 3])).toEqual([3, 1]);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([5])).toEqual([1]);
    expect(contiguousStrides([])).toEqual([]);
    expect(contiguousStrides([4, 0, 3])).toEqual([0, 3, 1]);
  });
});

describe('formatShape', () => {
  it("writes shapes the way numpy prints them", () => {
    expect(formatShape([2, 3])).toBe('(2, 3)');
    expect(formatShape([3])).toBe('(3,)');
    expect(formatShape([])).toBe('()');
    expect(formatShape([0, 1, 2])).toBe('(0, 1, 2)');
  });
});

describe('broadcastShapes', () => {
  it('aligns on the right; 1 stretches; missing axes count as 1', () => {
    expect(broadcastShapes('add', [3, 1], [4])).toEqual([3, 4]);
    expect(broadcastShapes('add', [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes('add', [5], [])).toEqual([5]);
    expect(broadcastShapes('add', [], [])).toEqual([]);
    expect(broadcastShapes('add', [0, 3], [1, 3])).toEqual([0, 3]);
    expect(broadcastShapes('add', [1], [0])).toEqual([0]);
  });

  it('names the op and both shapes when they do not fit', () => {
    expectError(() => broadcastShapes('add', [2, 3], [4, 3]), ShapeError, {
      op: 'add', shapes: [[2, 3], [4, 3]], message: 'add: cannot broadcast (2, 3) with (4, 3)',
    });
    expectError(() => broadcastShapes('mul', [0], [2]), ShapeError, { op: 'mul', message: 'mul: cannot broadcast (0,) with (2,)' });
  });

  it('is symmetric and agrees with a from-scratch rule (property)', () => {
    const dims = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(dims, dims, (a, b) => {
        const n = Math.max(a.length, b.length);
        const pa = [...new Array<number>(n - a.length).fill(1), ...a];
        const pb = [...new Array<number>(n - b.length).fill(1), ...b];
        const fits = pa.every((d, i) => d === pb[i] || d === 1 || pb[i] === 1);
        if (!fits) {
          expect(() => broadcastShapes('op', a, b)).toThrow(ShapeError);
          expect(() => broadcastShapes('op', b, a)).toThrow(ShapeError);
          return;
        }
        const want = pa.map((d, i) => (d === 1 ? (pb[i] as number) : d));
        expect(broadcastShapes('op', a, b)).toEqual(want);
        expect(broadcastShapes('op', b, a)).toEqual(want);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('broadcastStrides', () => {
  it('puts stride 0 on stretched and added axes', () => {
    expect(broadcastStrides([3, 1], [1, 1], [3, 4])).toEqual([1, 0]);
    expect(broadcastStrides([4], [1], [3, 4])).toEqual([0, 1]);
    expect(broadcastStrides([], [], [2, 2])).toEqual([0, 0]);
    expect(broadcastStrides([2, 3], [1, 2], [2, 3])).toEqual([1, 2]);
    expect(broadcastStrides([1, 1], [5, 7], [1, 1])).toEqual([5, 7]);
  });
});

describe('normalizeAxes', () => {
  it('counts negative axes from the end and sorts', () => {
    expect(normalizeAxes('sum', -1, 3)).toEqual([2]);
    expect(normalizeAxes('sum', [2, -3], 3)).toEqual([0, 2]);
    expect(normalizeAxes('sum', [-1, -2], 3)).toEqual([1, 2]);
    expect(normalizeAxes('sum', 0, 1)).toEqual([0]);
  });

  it('undefined means all axes, [] means none', () => {
    expect(normalizeAxes('sum', undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('sum', undefined, 0)).toEqual([]);
    expect(normalizeAxes('sum', [], 3)).toEqual([]);
  });

  it('refuses out-of-range, repeated and fractional axes with an ArgumentError naming op and axis', () => {
    expectError(() => normalizeAxes('max', 3, 3), ArgumentError, {
      op: 'max', argument: 'axis', message: 'max: axis: axis 3 is out of bounds for a tensor of 3 dimension(s)',
    });
    expectError(() => normalizeAxes('max', -4, 3), ArgumentError, { op: 'max', argument: 'axis' });
    expectError(() => normalizeAxes('sum', [1, -2], 3), ArgumentError, { op: 'sum', argument: 'axis', message: 'sum: axis: repeated axis -2' });
    expectError(() => normalizeAxes('sum', 0.5, 3), ArgumentError, { op: 'sum', argument: 'axis' });
    expectError(() => normalizeAxes('sum', 0, 0), ArgumentError, { message: 'sum: axis: axis 0 is out of bounds for a tensor of 0 dimension(s)' });
  });
});

describe('checkShape', () => {
  it('accepts non-negative integers only', () => {
    expect(() => checkShape('zeros', [0, 2, 3])).not.toThrow();
    expectError(() => checkShape('zeros', [2, -1]), ArgumentError, {
      op: 'zeros', argument: 'shape', message: 'zeros: shape: dimensions must be non-negative integers, got [2, -1]',
    });
    expectError(() => checkShape('ones', [Infinity]), ArgumentError, { op: 'ones', argument: 'shape' });
  });
});
