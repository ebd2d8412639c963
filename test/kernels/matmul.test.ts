import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotStrided, gemm, rowTimesMatrix } from '../../src/kernels/matmul.js';
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

describe('dotStrided (against the one-accumulator loop)', () => {
  it('matches to 1e-12 of Σ|x||y| on random lengths, strides and array types', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.nat(), (n, xs, ys, f32, seed) => {
        const rand = prng(seed);
        const len = Math.max(1, n * Math.max(1, Math.abs(xs), ys));
        const x = f32 ? Float32Array.from({ length: len }, () => randomValue(rand)) : Float64Array.from({ length: len }, () => randomValue(rand));
        const y = Float64Array.from({ length: len }, () => randomValue(rand));
        const xo = xs < 0 ? (n - 1) * -xs : 0;
        let want = 0;
        let scale = 0;
        for (let i = 0; i < n; i++) {
          const t = (x[xo + i * xs] as number) * (y[i * ys] as number);
          want += t;
          scale += Math.abs(t);
        }
        return Math.abs(dotStrided(n, x, xo, xs, y, 0, ys) - want) <= 1e-12 * scale;
      }),
      RUNS,
    );
  });

  it('propagates NaN and infinities, and is 0 for n = 0', () => {
    const x = new Float64Array([1, 2, 3, 4, 5]);
    expect(dotStrided(5, x, 0, 1, new Float64Array([1, 1, Number.NaN, 1, 1]), 0, 1)).toBeNaN();
    expect(dotStrided(5, x, 0, 1, new Float64Array([1, 1, 1, 1, Number.POSITIVE_INFINITY]), 0, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(dotStrided(0, x, 0, 1, x, 0, 1)).toBe(0);
  });
});

describe('rowTimesMatrix (a batch scores each sample as a lone dot does)', () => {
  it('equals dotStrided of the row with each column, bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.boolean(), fc.nat(), (k, n, f32, transposed, seed) => {
        const rand = prng(seed);
        const x = Float64Array.from({ length: k }, () => randomValue(rand));
        const values = Array.from({ length: k * n }, () => randomValue(rand));
        const data = f32 ? Float32Array.from(values) : Float64Array.from(values);
        // b[p, j] at p*n + j (row-major) or p + j*k (a transposed view).
        const b = transposed ? { data, offset: 0, rowStride: 1, colStride: k } : { data, offset: 0, rowStride: n, colStride: 1 };
        const out = new Float64Array(n);
        rowTimesMatrix(k, n, x, 0, 1, b, out);
        for (let j = 0; j < n; j++) {
          const lone = dotStrided(k, x, 0, 1, data, j * b.colStride, b.rowStride);
          if (!Object.is(out[j], lone)) return false;
        }
        return true;
      }),
      RUNS,
    );
  });
});
