import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINARY, binaryKernel, unaryKernel, whereKernel, type BinaryKind, type UnaryKind } from '../../src/kernels/elementwise.js';
import { sameFloat } from '../tensor/helpers.js';
import { atBroadcast, broadcastFrom, prng, product, randomLayout, randomValue, shapeArb, stridesFor, unravel, type Layout } from './layout.js';

const RUNS = { seed: 42, numRuns: 200 };

// References written out again, not taken from the kernel's table.
const BIN_REF: Record<Exclude<BinaryKind, 'pow'>, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (a !== a || b !== b ? Number.NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? Number.NaN : a < b ? a : b),
  equal: (a, b) => Number(a === b),
  notEqual: (a, b) => Number(a !== b),
  less: (a, b) => Number(a < b),
  lessEqual: (a, b) => Number(a <= b),
  greater: (a, b) => Number(a > b),
  greaterEqual: (a, b) => Number(a >= b),
};
const UN_REF: Partial<Record<UnaryKind, (x: number) => number>> = {
  neg: (x) => -x,
  abs: (x) => (x < 0 || Object.is(x, -0) ? -x : x),
  sqrt: Math.sqrt,
  bool: (x) => Number(x !== 0),
  identity: (x) => x,
};
const BIN_KINDS = Object.keys(BIN_REF) as (keyof typeof BIN_REF)[];
const UN_KINDS = Object.keys(UN_REF) as UnaryKind[];

function operand(l: Layout, out: readonly number[]) {
  return { data: l.data, offset: l.offset, strides: stridesFor(l, out) };
}

const binaryCase = fc.record({
  out: shapeArb,
  dropA: fc.nat(4),
  dropB: fc.nat(4),
  maskA: fc.nat(15),
  maskB: fc.nat(15),
  kind: fc.constantFrom(...BIN_KINDS),
  seed: fc.nat(),
});

describe('binaryKernel (property, against from-scratch index arithmetic)', () => {
  it('matches the reference on random broadcast pairs and strided layouts', () => {
    fc.assert(
      fc.property(binaryCase, ({ out, dropA, dropB, maskA, maskB, kind, seed }) => {
        const rand = prng(seed);
        // Signed zeros are avoided: maximum's choice between -0 and +0 is not what is under test.
        const value = () => {
          const v = randomValue(rand, 0.05);
          return v === 0 ? 1 : v;
        };
        const a = randomLayout(rand, broadcastFrom(out, dropA, maskA), value);
        const b = randomLayout(rand, broadcastFrom(out, dropB, maskB), value);
        const got = new Float64Array(product(out));
        binaryKernel(kind, operand(a, out), operand(b, out), out, got);
        const f = BIN_REF[kind];
        for (let i = 0; i < got.length; i++) {
          const idx = unravel(i, out);
          const want = f(atBroadcast(a, idx), atBroadcast(b, idx));
          if (!sameFloat(got[i] as number, want)) return false;
        }
        return true;
      }),
      RUNS,
    );
  });

  it('writes into a float32 output with one rounding per element', () => {
    const out = new Float32Array(3);
    const a = { data: new Float64Array([0.1, 0.2, 0.3]), offset: 0, strides: [1] };
    const b = { data: new Float64Array([0.7]), offset: 0, strides: [0] };
    binaryKernel('add', a, b, [3], out);
    expect(Array.from(out)).toEqual([0.1 + 0.7, 0.2 + 0.7, 0.3 + 0.7].map(Math.fround));
  });

  it('pow follows C: 1 ** NaN = 1, (-1) ** ±inf = 1, x ** 0 = 1', () => {
    const pow = BINARY.pow;
    expect(pow(1, Number.NaN)).toBe(1);
    expect(pow(-1, Infinity)).toBe(1);
    expect(pow(-1, -Infinity)).toBe(1);
    expect(pow(Number.NaN, 0)).toBe(1);
    expect(pow(Number.NaN, 1)).toBeNaN();
    expect(pow(-8, 1 / 3)).toBeNaN();
    expect(pow(0, -1)).toBe(Infinity);
    expect(pow(2, 10)).toBe(1024);
  });
});

describe('unaryKernel (property)', () => {
  it('matches the reference on random strided layouts', () => {
    fc.assert(
      fc.property(shapeArb, fc.constantFrom(...UN_KINDS), fc.nat(), (shape, kind, seed) => {
        const rand = prng(seed);
        const x = randomLayout(rand, shape, () => randomValue(rand, 0.05));
        const got = new Float64Array(product(shape));
        unaryKernel(kind, { data: x.data, offset: x.offset, strides: x.strides }, shape, got);
        const f = UN_REF[kind] ?? ((v: number) => v);
        for (let i = 0; i < got.length; i++) {
          if (!sameFloat(got[i] as number, f(atBroadcast(x, unravel(i, shape))))) return false;
        }
        return true;
      }),
      RUNS,
    );
  });
});

describe('whereKernel (property)', () => {
  it('picks a where the condition is non-zero (NaN counts as true), else b, all broadcast', () => {
    fc.assert(
      fc.property(shapeArb, fc.array(fc.nat(4), { minLength: 3, maxLength: 3 }), fc.array(fc.nat(15), { minLength: 3, maxLength: 3 }), fc.nat(), (out, drops, masks, seed) => {
        const rand = prng(seed);
        const [c, a, b] = [0, 1, 2].map((k) =>
          randomLayout(rand, broadcastFrom(out, drops[k] ?? 0, masks[k] ?? 0), () => (k === 0 ? [0, 1, -2, Number.NaN][Math.floor(rand() * 4)] ?? 0 : randomValue(rand))),
        ) as [Layout, Layout, Layout];
        const got = new Float64Array(product(out));
        whereKernel(operand(c, out), operand(a, out), operand(b, out), out, got);
        for (let i = 0; i < got.length; i++) {
          const idx = unravel(i, out);
          const want = atBroadcast(c, idx) !== 0 ? atBroadcast(a, idx) : atBroadcast(b, idx);
          if (!sameFloat(got[i] as number, want)) return false;
        }
        return true;
      }),
      RUNS,
    );
  });
});
