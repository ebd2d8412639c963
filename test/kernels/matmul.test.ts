import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm } from '../../src/kernels/matmul.js';
import { at, prng, randomLayout, randomValue, type Layout } from './layout.js';

const RUNS = { seed: 42, numRuns: 200 };

function operand(l: Layout) {
  return { data: l.data, offset: l.offset, rowStride: l.strides[0] as number, colStride: l.strides[1] as number };
}

/** The triple loop, reading elements through from-scratch index arithmetic. */
function naive(m: number, n: number, k: number, a: Layout, b: Layout): { out: number[]; scale: number[] } {
  const out: number[] = [];
  const scale: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        s += at(a, [i, p]) * at(b, [p, j]);
        abs += Math.abs(at(a, [i, p]) * at(b, [p, j]));
      }
      out.push(s);
      scale.push(abs);
    }
  }
  return { out, scale };
}

describe('gemm (property, against a naive triple loop)', () => {
  it('matches on random sizes (incl. 0 and the n = 1 path) and transposed, reversed, gapped views', () => {
    const dim = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 7 }) }, { weight: 1, arbitrary: fc.constant(0) });
    fc.assert(
      fc.property(dim, dim, dim, fc.nat(), (m, n, k, seed) => {
        const rand = prng(seed);
        const a = randomLayout(rand, [m, k], () => randomValue(rand));
        const b = randomLayout(rand, [k, n], () => randomValue(rand));
        const got = new Float64Array(m * n);
        gemm(m, n, k, operand(a), operand(b), got);
        const { out, scale } = naive(m, n, k, a, b);
        return out.every((w, i) => Math.abs((got[i] as number) - w) <= 1e-12 * (scale[i] as number));
      }),
      RUNS,
    );
  });

  it('propagates NaN and infinities into exactly the affected cells', () => {
    const a = { data: new Float64Array([1, Number.NaN, 2, 3]), offset: 0, rowStride: 2, colStride: 1 };
    const b = { data: new Float64Array([1, 0, 0, 1]), offset: 0, rowStride: 2, colStride: 1 };
    const out = new Float64Array(4);
    gemm(2, 2, 2, a, b, out);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 2, 3]);
  });

  it('leaves zeros for k = 0', () => {
    const out = new Float64Array(6);
    const empty = { data: new Float64Array(0), offset: 0, rowStride: 0, colStride: 1 };
    gemm(2, 3, 0, empty, empty, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    const col = new Float64Array(2);
    gemm(2, 1, 0, empty, empty, col);
    expect(Array.from(col)).toEqual([0, 0]);
  });
});
