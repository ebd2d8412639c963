import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotF64Plain, dotStrided, gemm, type MatrixOperand } from '../../src/kernels/matmul.js';
import { dotWasm, gemmWasm, matmulWasmAvailable } from '../../src/kernels/matmul-wasm.js';
import { prng, randomLayout, randomValue, type Layout } from './layout.js';

function operand(l: Layout): MatrixOperand {
  return { data: l.data, offset: l.offset, rowStride: l.strides[0] as number, colStride: l.strides[1] as number };
}

/** Σ_p |a[i,p] b[p,j]| for each output cell: the scale of its rounding error. */
function absScale(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand): Float64Array {
  const abs = (o: MatrixOperand): MatrixOperand => ({ ...o, data: o.data.map(Math.abs) });
  const out = new Float64Array(m * n);
  gemm(m, n, k, abs(a), abs(b), out);
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number>, rel: number): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(g).toBe(w);
      continue;
    }
    worst = Math.max(worst, Math.abs(g - w) / Math.max(scale[i] as number, Number.MIN_VALUE));
  }
  expect(worst).toBeLessThanOrEqual(rel);
}

describe('gemmWasm', () => {
  it('runs on this engine (Node 20 has WebAssembly SIMD)', () => {
    expect(matmulWasmAvailable()).toBe(true);
  });

  it('matches the plain gemm to 1e-12 of Σ|a||b| on random sizes and transposed, reversed, gapped views', () => {
    // Sizes around the 4 x 4 tile, the 16-panel chunks and the 256-step blocks of k.
    const dim = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 13 }) },
      { weight: 2, arbitrary: fc.integer({ min: 60, max: 70 }) },
      { weight: 1, arbitrary: fc.constantFrom(255, 256, 257, 513) },
    );
    fc.assert(
      fc.property(dim, dim, dim, fc.nat(), (m, n, k, seed) => {
        fc.pre(m * n * k <= 300_000);
        const rand = prng(seed);
        const a = operand(randomLayout(rand, [m, k], () => randomValue(rand)));
        const b = operand(randomLayout(rand, [k, n], () => randomValue(rand)));
        const want = new Float64Array(m * n);
        gemm(m, n, k, a, b, want);
        const got = new Float64Array(m * n).fill(Number.NaN);
        expect(gemmWasm(m, n, k, a, b, got)).toBe(true);
        expectClose(got, want, absScale(m, n, k, a, b), 1e-12);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('rounds float32 products once, within float32 precision of the plain path', () => {
    const rand = prng(3);
    for (const [m, n, k] of [[5, 7, 300], [20, 9, 33], [1, 6, 5], [9, 1, 17]] as const) {
      const a = { data: Float32Array.from({ length: m * k }, () => rand() - 0.5), offset: 0, rowStride: k, colStride: 1 };
      const b = { data: Float32Array.from({ length: k * n }, () => rand() - 0.5), offset: 0, rowStride: 1, colStride: k };
      const want = new Float32Array(m * n);
      gemm(m, n, k, a, b, want);
      const got = new Float32Array(m * n);
      gemmWasm(m, n, k, a, b, got);
      expectClose(got, want, absScale(m, n, k, a, b), 1e-6);
    }
  });

  it('propagates NaN and infinities into exactly the affected cells', () => {
    const m = 6;
    const n = 7;
    const k = 5;
    const a = new Float64Array(m * k).fill(1);
    const b = new Float64Array(k * n).fill(1);
    a[2 * k + 3] = Number.NaN; // row 2
    b[1 * n + 5] = Number.POSITIVE_INFINITY; // column 5
    const got = new Float64Array(m * n);
    gemmWasm(m, n, k, { data: a, offset: 0, rowStride: k, colStride: 1 }, { data: b, offset: 0, rowStride: n, colStride: 1 }, got);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const want = i === 2 ? Number.NaN : j === 5 ? Number.POSITIVE_INFINITY : k;
        expect(got[i * n + j]).toBe(want);
      }
    }
  });

  it('leaves zeros for k = 0 and accepts empty products', () => {
    const empty = { data: new Float64Array(0), offset: 0, rowStride: 0, colStride: 1 };
    const out = new Float64Array(6).fill(7);
    expect(gemmWasm(2, 3, 0, empty, empty, out)).toBe(true);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(gemmWasm(0, 3, 4, empty, empty, new Float64Array(0))).toBe(true);
  });

  it('gives the same results again after a larger product grew its memory', () => {
    const rand = prng(11);
    const small = { data: Float64Array.from({ length: 24 }, rand), offset: 0, rowStride: 6, colStride: 1 };
    const first = new Float64Array(16);
    gemmWasm(4, 4, 6, small, { ...small, rowStride: 1, colStride: 6 }, first);
    const big = { data: Float64Array.from({ length: 300 * 300 }, rand), offset: 0, rowStride: 300, colStride: 1 };
    gemmWasm(300, 300, 300, big, big, new Float64Array(300 * 300));
    const again = new Float64Array(16);
    gemmWasm(4, 4, 6, small, { ...small, rowStride: 1, colStride: 6 }, again);
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});

describe('dotWasm', () => {
  it('gives the bits of the plain dot on random lengths, offsets and values (both sides of every n mod 4)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), fc.integer(), (n, xo, yo, seed) => {
        const rand = prng(seed);
        const x = Float64Array.from({ length: n + xo }, () => randomValue(rand));
        const y = Float64Array.from({ length: n + yo }, () => randomValue(rand));
        const got = dotWasm(n, x, xo, y, yo);
        expect(got).toBeDefined();
        expect(Object.is(got, dotF64Plain(n, x, xo, y, yo))).toBe(true);
      }),
      { seed: 20261126, numRuns: 300 },
    );
  });

  it('gives NaN and infinities as the plain dot does, and 0 for no elements', () => {
    const x = Float64Array.from({ length: 9001 }, (_, i) => (i % 7) - 3);
    const y = Float64Array.from(x, (v) => v / 2);
    y[4500] = Number.POSITIVE_INFINITY;
    expect(dotWasm(9001, x, 0, y, 0)).toBe(dotF64Plain(9001, x, 0, y, 0));
    y[123] = Number.NaN;
    expect(dotWasm(9001, x, 0, y, 0)).toBeNaN();
    expect(dotWasm(0, x, 0, y, 0)).toBe(0);
  });

  it('leaves dotStrided with the plain dot\'s bits on either side of the length where it switches to wasm', () => {
    const rand = prng(7);
    const x = Float64Array.from({ length: 100_003 }, () => randomValue(rand));
    const y = Float64Array.from({ length: 100_003 }, () => randomValue(rand));
    for (const n of [2047, 2048, 2049, 100_003]) expect(dotStrided(n, x, 0, 1, y, 0, 1)).toBe(dotF64Plain(n, x, 0, y, 0));
  });
});
