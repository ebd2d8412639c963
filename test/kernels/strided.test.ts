import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyStrided, flatStep, forEachPlane, forEachStrided, planes } from '../../src/kernels/strided.js';
import { at, prng, product, randomLayout, randomValue, shapeArb, unravel } from './layout.js';

describe('forEachStrided / copyStrided (property)', () => {
  it('visit every element of a random strided view once, in row-major order', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), (shape, seed) => {
        const rand = prng(seed);
        const x = randomLayout(rand, shape, () => randomValue(rand));
        const order: number[] = [];
        forEachStrided(x.shape, x.strides, x.offset, (pos, i) => {
          order.push(i);
          expect(x.data[pos]).toBe(at(x, unravel(i, shape)));
        });
        expect(order).toEqual(Array.from({ length: product(shape) }, (_, i) => i));
        const out = new Float64Array(product(shape));
        copyStrided(x.data, x.offset, x.strides, x.shape, out);
        return Array.from(out).every((v, i) => v === at(x, unravel(i, shape)));
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('converts by typed-array assignment when copying into another dtype', () => {
    const out = new Int32Array(3);
    copyStrided(new Float64Array([1.9, -1.9, 7]), 2, [-1], [3], out);
    expect(Array.from(out)).toEqual([7, -1, 1]);
  });
});

describe('planes / forEachPlane (property)', () => {
  it('walk every operand through exactly the row-major positions of the shape', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 3 }), fc.nat(), (shape, k, seed) => {
        const rand = prng(seed);
        // Each operand: any strides (broadcast zeros, negatives, overlaps) from an offset, or
        // the contiguous ones, so merging happens as often as not.
        const strides = Array.from({ length: k }, () => {
          if (rand() < 0.4) return shape.map((_, ax) => shape.slice(ax + 1).reduce((p, d) => p * d, 1));
          return shape.map(() => (rand() < 0.3 ? 0 : Math.floor(rand() * 9) - 4));
        });
        const start = strides.map(() => Math.floor(rand() * 50));
        const want = strides.map((st, o) =>
          Array.from({ length: product(shape) }, (_, f) => unravel(f, shape).reduce((p, i, ax) => p + i * (st[ax] as number), start[o] as number)),
        );
        const got: number[][] = strides.map(() => []);
        const p = planes(shape, strides);
        let next = 0;
        forEachPlane(p, start, (pos, q) => {
          expect(q).toBe(next);
          for (let o = 0; o < k; o++) {
            for (let r = 0; r < p.rows; r++) {
              for (let j = 0; j < p.cols; j++) got[o]?.push((pos[o] as number) + r * (p.rowStride[o] as number) + j * (p.colStride[o] as number));
            }
          }
          next += p.rows * p.cols;
        });
        expect(p.size).toBe(product(shape));
        expect(got).toEqual(want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('merges what every operand walks as one: a contiguous array is one row, a bias over rows one plane', () => {
    const flat = planes([2, 3, 4], [[12, 4, 1]]);
    expect([flat.outer, flat.rows, flat.cols, flat.colStride]).toEqual([[], 1, 24, [1]]);
    const bias = planes([5, 2, 3], [[6, 3, 1], [0, 0, 1]]);
    expect([bias.outer, bias.rows, bias.cols, bias.rowStride, bias.colStride]).toEqual([[], 10, 3, [3, 0], [1, 1]]);
    const batch = planes([2, 3, 4], [[12, 4, 1], [4, 0, 1]]);
    expect([batch.outer, batch.outerStrides, batch.rows, batch.cols]).toEqual([[2], [[12], [4]], 3, 4]);
  });

  it('flatStep: 1 for row-major, 0 for a repeated element, -1 otherwise', () => {
    expect(flatStep([3, 1], [2, 3])).toBe(1);
    expect(flatStep([5, 1], [1, 3])).toBe(1);
    expect(flatStep([0, 0], [2, 3])).toBe(0);
    expect(flatStep([], [])).toBe(1);
    expect(flatStep([0, 1], [2, 3])).toBe(-1);
    expect(flatStep([1, 2], [2, 2])).toBe(-1);
  });
});
