import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyStrided, forEachStrided } from '../../src/kernels/strided.js';
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
