// The reduction loops to the last bit: sums in the kernel's order (row-major, each output
// slot from 0; pairwise when a whole contiguous array goes to one number), max/min with NaN
// winning and the first of equal values kept (-0 before +0 stays -0). Rows short and long
// (both sides of the branch-free short-row loop), columns, middle axes, strided views,
// every input dtype, float32 outputs rounded once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../src/core/dtype.js';
import { reduceKernel, type ReduceKind } from '../../src/kernels/reduce.js';
import { sameFloat } from '../tensor/helpers.js';
import { prng, product, shuffled, unravel } from './layout.js';

const RUNS = { seed: 20240612, numRuns: 400 };
const SPECIAL = [0, -0, 1, -1, 2.5, -2.5, Infinity, -Infinity, Number.NaN, 1e300, -1e300, 1e-310];

type DT = 'float64' | 'float32' | 'int32' | 'uint8';
const MAKE: Record<DT, (n: number) => TypedArray> = {
  float64: (n) => new Float64Array(n),
  float32: (n) => new Float32Array(n),
  int32: (n) => new Int32Array(n),
  uint8: (n) => new Uint8Array(n),
};

interface View {
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  readonly data: TypedArray;
}

function posOf(v: View, idx: readonly number[]): number {
  let p = v.offset;
  idx.forEach((i, k) => (p += i * (v.strides[k] as number)));
  return p;
}

/** A contiguous view or a strided one (axes permuted, gaps, reversed axes), values mostly special or tied. */
function makeView(rand: () => number, shape: number[], dt: DT, contiguous: boolean, specials: boolean): View {
  const nd = shape.length;
  const order = contiguous ? shape.map((_, i) => i) : shuffled(rand, nd);
  const strides = new Array<number>(nd).fill(0);
  let span = 1;
  for (let k = nd - 1; k >= 0; k--) {
    const ax = order[k] as number;
    const gap = !contiguous && rand() < 0.4 ? 2 : 1;
    strides[ax] = span * gap;
    span *= Math.max(1, shape[ax] as number) * gap;
  }
  let offset = Math.floor(rand() * 3);
  const pad = offset;
  for (let ax = 0; !contiguous && ax < nd; ax++) {
    if (rand() < 0.3 && (shape[ax] as number) > 1) {
      offset += ((shape[ax] as number) - 1) * (strides[ax] as number);
      strides[ax] = -(strides[ax] as number);
    }
  }
  const data = MAKE[dt](span + pad + 2).fill(77);
  const v = { shape, strides, offset, data };
  for (let f = 0; f < product(shape); f++) {
    const u = rand();
    data[posOf(v, unravel(f, shape))] =
      specials && u < 0.3 ? (SPECIAL[Math.floor(rand() * SPECIAL.length)] as number) : u < 0.6 ? Math.floor(rand() * 5) - 2 : (rand() - 0.5) * 8;
  }
  return v;
}

/** numpy's pairwise summation, written again: blocks of 128 summed in order, halves added. */
function pairwise(xs: readonly number[]): number {
  if (xs.length <= 128) {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  }
  const half = Math.floor(xs.length / 2);
  return pairwise(xs.slice(0, half)) + pairwise(xs.slice(half));
}

/** Every slot's inputs in row-major order, then folded as the kernel promises. */
function reference(kind: ReduceKind, v: View, reduced: readonly boolean[]): number[] {
  const kept = v.shape.filter((_, ax) => !reduced[ax]);
  const slots: number[][] = Array.from({ length: product(kept) }, () => []);
  const positions: number[] = [];
  for (let f = 0; f < product(v.shape); f++) {
    const idx = unravel(f, v.shape);
    let q = 0;
    idx.forEach((i, ax) => {
      if (!reduced[ax]) q = q * (v.shape[ax] as number) + i;
    });
    positions.push(posOf(v, idx));
    slots[q]?.push(v.data[posOf(v, idx)] as number);
  }
  const contiguous = positions.every((p, i) => p === (positions[0] as number) + i);
  return slots.map((xs) => {
    if (kind === 'sum') {
      if (slots.length === 1 && contiguous) return pairwise(xs);
      let s = 0;
      for (const x of xs) s += x;
      return s;
    }
    let m = kind === 'max' ? -Infinity : Infinity;
    for (const x of xs) {
      if (Number.isNaN(m)) break;
      if (Number.isNaN(x) || (kind === 'max' ? x > m : x < m)) m = x;
    }
    return m;
  });
}

const STYLES = ['rows', 'columns', 'all', 'middle', 'random'] as const;

function caseShape(style: (typeof STYLES)[number], rand: () => number, len: number): { shape: number[]; reduced: boolean[] } {
  const d = () => 1 + Math.floor(rand() * 4);
  switch (style) {
    case 'rows': return { shape: [d(), len], reduced: [false, true] };
    case 'columns': return { shape: [len, d()], reduced: [true, false] };
    case 'all': return rand() < 0.5 ? { shape: [len * 30], reduced: [true] } : { shape: [d(), len, d()], reduced: [true, true, true] };
    case 'middle': return { shape: [d(), len, d()], reduced: [false, true, false] };
    case 'random': {
      const shape = Array.from({ length: Math.floor(rand() * 5) }, () => Math.floor(rand() * 5));
      return { shape, reduced: shape.map(() => rand() < 0.5) };
    }
  }
}

describe('reduceKernel loops (property, bit for bit)', () => {
  it('sum, max and min match the reference on rows, columns, middle axes and whole arrays of every dtype', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STYLES),
        fc.constantFrom<ReduceKind>('sum', 'max', 'min'),
        fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 40 })),
        fc.constantFrom<DT>('float64', 'float32', 'int32', 'uint8'),
        fc.boolean(),
        fc.nat(),
        (style, kind, len, dt, contiguous, seed) => {
          const rand = prng(seed);
          const { shape, reduced } = caseShape(style, rand, len);
          // Sums of specials are NaN or ±Infinity everywhere; they get ordinary values mostly.
          const v = makeView(rand, shape, dt, contiguous, kind !== 'sum' || rand() < 0.2);
          const want = reference(kind, v, reduced);
          const f32 = rand() < 0.3;
          const got = f32 ? new Float32Array(want.length) : new Float64Array(want.length);
          reduceKernel(kind, v.data, v.offset, v.strides, v.shape, reduced, got);
          want.forEach((w, i) => {
            const ww = f32 ? Math.fround(w) : w;
            if (!sameFloat(got[i] as number, ww)) {
              expect.fail(`${kind} ${style} ${JSON.stringify(shape)} ${JSON.stringify(reduced)} slot ${i}: got ${got[i]}, want ${ww}`);
            }
          });
        },
      ),
      RUNS,
    );
  });

  it('keeps the first of equal values and lets NaN win in short rows, long rows and columns', () => {
    const cases: [ReduceKind, number[], number][] = [
      ['max', [-0, 0], -0],
      ['max', [0, -0], 0],
      ['min', [0, -0], 0],
      ['min', [-0, 0, -1, Number.NaN, -5], Number.NaN],
      ['max', [Number.NaN, Infinity], Number.NaN],
      ['max', [-Infinity, -Infinity], -Infinity],
    ];
    for (const [kind, xs, want] of cases) {
      for (const reps of [1, 20]) {
        // reps 20 makes rows longer than the short-row loop takes, padded with the identity.
        const row = [...xs, ...new Array<number>(xs.length * (reps - 1)).fill(kind === 'max' ? -Infinity : Infinity)];
        const rows = new Float64Array(1);
        reduceKernel(kind, Float64Array.from(row), 0, [1], [row.length], [true], rows);
        const cols = new Float64Array(2);
        const src = Float64Array.from(row.flatMap((x) => [x, x]));
        reduceKernel(kind, src, 0, [2, 1], [row.length, 2], [true, false], cols);
        const got = [rows[0], cols[0], cols[1]];
        if (!got.every((g) => Object.is(g, want))) expect.fail(`${kind}(${xs.join(', ')}) x${reps}: row, columns ${got.join(', ')}, want ${want}`);
      }
    }
  });

  it('sums a whole contiguous array pairwise but a strided one in order', () => {
    // 1 then 2⁻⁵³s: in order each tiny term rounds away; pairwise, they add up first.
    const n = 1000;
    const xs = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 2 ** -53));
    const one = new Float64Array(1);
    reduceKernel('sum', xs, 0, [1], [n], [true], one);
    expect(one[0]).toBe(pairwise(Array.from(xs)));
    expect(one[0]).toBeGreaterThan(1);
    // Every other element, read as a view with stride 2: the sequential sum.
    reduceKernel('sum', xs, 0, [2], [n / 2], [true], one);
    expect(one[0]).toBe(1);
  });
});
