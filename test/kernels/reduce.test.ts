import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argReduceKernel, pairwiseSum, reduceKernel, type ReduceKind } from '../../src/kernels/reduce.js';
import { sameFloat } from '../tensor/helpers.js';
import { at, prng, product, randomLayout, randomValue, shapeArb, unravel } from './layout.js';

const RUNS = { seed: 42, numRuns: 200 };

/**
 * From scratch: every input element goes to the output slot named by its kept axes; sums
 * add in row-major order, max/min keep NaN once seen. Also returns the sum of |terms| per slot,
 * the scale of the rounding error a different summation order may make.
 */
function reference(kind: ReduceKind, x: Parameters<typeof at>[0], reduced: readonly boolean[]): { out: number[]; scale: number[] } {
  const kept = x.shape.filter((_, ax) => !reduced[ax]);
  const n = product(kept);
  const out = new Array<number>(n).fill(kind === 'sum' ? 0 : kind === 'max' ? -Infinity : Infinity);
  const scale = new Array<number>(n).fill(0);
  for (let f = 0; f < product(x.shape); f++) {
    const idx = unravel(f, x.shape);
    let q = 0;
    idx.forEach((i, ax) => {
      if (!reduced[ax]) q = q * (x.shape[ax] as number) + i;
    });
    const v = at(x, idx);
    const cur = out[q] as number;
    if (kind === 'sum') out[q] = cur + v;
    else if (Number.isNaN(cur) || Number.isNaN(v)) out[q] = Number.NaN;
    else out[q] = kind === 'max' ? Math.max(cur, v) : Math.min(cur, v);
    scale[q] = (scale[q] as number) + Math.abs(v);
  }
  return { out, scale };
}

describe('reduceKernel (property)', () => {
  it('sum/max/min over random axis subsets of random strided layouts match the reference', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(15), fc.constantFrom<ReduceKind>('sum', 'max', 'min'), fc.nat(), (shape, axisBits, kind, seed) => {
        const rand = prng(seed);
        const x = randomLayout(rand, shape, () => randomValue(rand, 0.05));
        const reduced = shape.map((_, ax) => ((axisBits >> ax) & 1) === 1);
        const { out: want, scale } = reference(kind, x, reduced);
        const got = new Float64Array(want.length);
        reduceKernel(kind, x.data, x.offset, x.strides, x.shape, reduced, got);
        return want.every((w, i) => {
          const g = got[i] as number;
          if (kind !== 'sum') return sameFloat(g, w);
          return sameFloat(g, w) || Math.abs(g - w) <= 1e-12 * (scale[i] as number);
        });
      }),
      RUNS,
    );
  });

  it('sums a float32 view in float64 and rounds once', () => {
    const src = new Float32Array(1000).fill(0.1);
    const out = new Float32Array(1);
    reduceKernel('sum', src, 0, [1], [1000], [true], out);
    let exact = 0;
    for (const v of src) exact += v;
    expect(out[0]).toBe(Math.fround(exact));
  });

  it('gives the identity on zero-size reduced axes (the tensor layer refuses max/min there)', () => {
    const sum = new Float64Array(3);
    reduceKernel('sum', new Float64Array(0), 0, [3, 1], [0, 3], [true, false], sum);
    expect(Array.from(sum)).toEqual([0, 0, 0]);
    const max = new Float64Array(2);
    reduceKernel('max', new Float64Array(0), 0, [0, 1], [2, 0], [false, true], max);
    expect(Array.from(max)).toEqual([-Infinity, -Infinity]);
  });
});

describe('pairwiseSum', () => {
  it('is exact on integers and agrees with a sequential sum to 1e-12 of the scale', () => {
    const rand = prng(7);
    for (const n of [0, 1, 127, 128, 129, 1000, 4097]) {
      const ints = Float64Array.from({ length: n }, () => Math.floor(rand() * 100) - 50);
      expect(pairwiseSum(ints, 0, n)).toBe(ints.reduce((s, v) => s + v, 0));
      const xs = Float64Array.from({ length: n + 3 }, () => rand() - 0.5);
      const seq = xs.subarray(3).reduce((s, v) => s + v, 0);
      const scale = xs.subarray(3).reduce((s, v) => s + Math.abs(v), 0);
      expect(Math.abs(pairwiseSum(xs, 3, n) - seq)).toBeLessThanOrEqual(1e-12 * scale);
    }
  });

  it('keeps accuracy on a long sum where a running float32 sum drifts', () => {
    // 2**20 copies of 0.1f: the exact total is 2**20 * fround(0.1).
    const n = 1 << 20;
    const src = new Float32Array(n).fill(0.1);
    expect(pairwiseSum(src, 0, n)).toBe(n * Math.fround(0.1));
  });
});

describe('argReduceKernel (property)', () => {
  it('returns the first extreme index, or the first NaN, like numpy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom<'argmax' | 'argmin'>('argmax', 'argmin'), fc.nat(), (outer, len, inner, kind, seed) => {
          const rand = prng(seed);
          // Few distinct values, so ties are common.
          const src = Float64Array.from({ length: outer * len * inner }, () => (rand() < 0.08 ? Number.NaN : Math.floor(rand() * 4)));
          const got = new Int32Array(outer * inner);
          argReduceKernel(kind, src, outer, len, inner, got);
          for (let o = 0; o < outer; o++) {
            for (let r = 0; r < inner; r++) {
              const line = Array.from({ length: len }, (_, k) => src[(o * len + k) * inner + r] as number);
              const nan = line.findIndex(Number.isNaN);
              const best = kind === 'argmax' ? Math.max(...line) : Math.min(...line);
              const want = nan >= 0 ? nan : line.indexOf(best);
              if (got[o * inner + r] !== want) return false;
            }
          }
          return true;
        }),
      RUNS,
    );
  });
});
