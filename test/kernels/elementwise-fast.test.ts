// The specialised loops of the elementwise kernels against references written from scratch:
// every kind on every layout a fast path takes (contiguous, scalar, a bias over rows, a
// column over columns, keepdims and batch broadcasts, strided views, planes of 3-d views),
// on every input dtype, with the values fast paths get wrong (±0, ±Infinity, NaN, ±1).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../src/core/dtype.js';
import { BINARY_LOOPS } from '../../src/kernels/elementwise-fast.js';
import { BINARY, UNARY, UNARY_LOOPS, binaryKernel, unaryKernel, whereKernel, type BinaryKind, type Operand, type UnaryKind } from '../../src/kernels/elementwise.js';
import { sameFloat } from '../tensor/helpers.js';
import { prng, product, shuffled, unravel } from './layout.js';

const RUNS = { seed: 20240611, numRuns: 400 };

const SPECIAL = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, Infinity, -Infinity, Number.NaN, 1e-310, -1e300];

/** Specials half of the time, small integers (ties), else uniform in (-4, 4). */
function draw(rand: () => number): number {
  const u = rand();
  if (u < 0.5) return SPECIAL[Math.floor(rand() * SPECIAL.length)] as number;
  if (u < 0.7) return Math.floor(rand() * 5) - 2;
  return (rand() - 0.5) * 8;
}

type DT = 'float64' | 'float32' | 'int32' | 'uint8';
const DTS: readonly DT[] = ['float64', 'float32', 'int32', 'uint8'];
const MAKE: Record<DT, (n: number) => TypedArray> = {
  float64: (n) => new Float64Array(n),
  float32: (n) => new Float32Array(n),
  int32: (n) => new Int32Array(n),
  uint8: (n) => new Uint8Array(n),
};
/** v as stored in a `dt` array and read back. */
function stored(dt: DT, v: number): number {
  const t = MAKE[dt](1);
  t[0] = v;
  return t[0] as number;
}

/** A strided view: element idx at data[offset + Σ idx[k]·strides[k]]; other slots hold a sentinel. */
interface View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly data: TypedArray;
}

/** Contiguous (row-major from a random offset) or strided (axes permuted, gaps, reversed axes). */
function makeView(rand: () => number, shape: readonly number[], dt: DT, contiguous: boolean): View {
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
  if (!contiguous) {
    for (let ax = 0; ax < nd; ax++) {
      if (rand() < 0.3 && (shape[ax] as number) > 1) {
        offset += ((shape[ax] as number) - 1) * (strides[ax] as number);
        strides[ax] = -(strides[ax] as number);
      }
    }
  }
  const data = MAKE[dt](span + pad + 2).fill(dt === 'uint8' ? 201 : -12345.678);
  for (let f = 0; f < product(shape); f++) data[position({ shape, strides, offset, data }, unravel(f, shape))] = draw(rand);
  return { shape, strides, offset, data };
}

function position(v: View, idx: readonly number[]): number {
  let p = v.offset;
  idx.forEach((i, k) => (p += i * (v.strides[k] as number)));
  return p;
}

/** The element of `v` that output position `idx` reads under numpy broadcasting. */
function read(v: View, idx: readonly number[]): number {
  const lead = idx.length - v.shape.length;
  return v.data[position(v, v.shape.map((d, j) => (d === 1 ? 0 : (idx[j + lead] as number))))] as number;
}

/** The kernel's operand: `v` read as the output shape (stride 0 on broadcast and leading axes). */
function operand(v: View, out: readonly number[]): Operand {
  const lead = out.length - v.shape.length;
  const strides = out.map((d, i) => (i < lead || (v.shape[i - lead] === 1 && d !== 1) ? 0 : (v.strides[i - lead] as number)));
  return { data: v.data, offset: v.offset, strides };
}

// Operand shapes for an output, one family per fast path.
const PATTERNS = ['same', 'scalar', 'bias', 'column', 'outer', 'keepdims', 'batch', 'batchRow', 'random'] as const;
type Pattern = (typeof PATTERNS)[number];

function shapesFor(p: Pattern, [b, n, k]: readonly number[], rand: () => number): { out: number[]; ins: number[][] } {
  const B = b as number;
  const N = n as number;
  const K = k as number;
  switch (p) {
    case 'same': return { out: [N, K], ins: [[N, K], [N, K]] };
    case 'scalar': return { out: [N, K], ins: [[N, K], rand() < 0.5 ? [] : [1, 1]] };
    case 'bias': return { out: [N, K], ins: [[N, K], [K]] };
    case 'column': return { out: [N, K], ins: [[N, K], [N, 1]] };
    case 'outer': return { out: [N, K], ins: [[N, 1], [K]] };
    case 'keepdims': return { out: [B, N, K], ins: [[B, N, K], [B, N, 1]] };
    case 'batch': return { out: [B, N, K], ins: [[B, N, K], [N, K]] };
    case 'batchRow': return { out: [B, N, K], ins: [[B, N, K], [B, 1, K]] };
    case 'random': {
      const out = Array.from({ length: Math.floor(rand() * 5) }, () => 1 + Math.floor(rand() * 4));
      const from = () => out.slice(Math.floor(rand() * (out.length + 1))).map((d) => (rand() < 0.3 ? 1 : d));
      return { out, ins: [from(), from()] };
    }
  }
}

const dims = fc.tuple(...[0, 1, 2].map(() => fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 11) })));
const layoutCase = fc.record({ pattern: fc.constantFrom(...PATTERNS), dims, swap: fc.boolean(), seed: fc.nat() });

function isCompare(kind: BinaryKind): boolean {
  return kind === 'equal' || kind === 'notEqual' || kind === 'less' || kind === 'lessEqual' || kind === 'greater' || kind === 'greaterEqual';
}

// From scratch, not from BINARY. maximum/minimum: NaN wins; of equal zeros max is +0 unless
// both are -0, min is -0 unless both are +0 (numpy, C's fmax aside).
const BIN_REF: Record<BinaryKind, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => (x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y)),
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x > y ? x : y > x ? y : Object.is(x, -0) && Object.is(y, -0) ? -0 : x === 0 ? 0 : x),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x < y ? x : y < x ? y : Object.is(x, 0) && Object.is(y, 0) ? 0 : x === 0 ? -0 : x),
  equal: (x, y) => (x === y ? 1 : 0),
  notEqual: (x, y) => (x !== y ? 1 : 0),
  less: (x, y) => (x < y ? 1 : 0),
  lessEqual: (x, y) => (x <= y ? 1 : 0),
  greater: (x, y) => (x > y ? 1 : 0),
  greaterEqual: (x, y) => (x >= y ? 1 : 0),
};
const BIN_KINDS = Object.keys(BIN_REF) as BinaryKind[];

const UN_REF: Record<UnaryKind, (x: number) => number> = {
  neg: (x) => -x,
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  abs: (x) => (x < 0 || Object.is(x, -0) ? -x : x),
  sqrt: (x) => Math.sqrt(x),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  bool: (x) => (x === 0 ? 0 : 1),
  identity: (x) => x,
};
const UN_KINDS = Object.keys(UN_REF) as UnaryKind[];

/** First output element that differs from `want(idx)`, as a message, or null. */
function mismatch(got: TypedArray, out: readonly number[], outDt: DT, want: (idx: number[]) => number): string | null {
  for (let i = 0; i < got.length; i++) {
    const w = stored(outDt, want(unravel(i, out)));
    if (!sameFloat(got[i] as number, w)) return `element ${i} of ${JSON.stringify(out)}: got ${got[i]}, want ${w}`;
  }
  return null;
}

describe('binaryKernel fast paths (property, every kind, layout and dtype)', () => {
  it('match the reference bit for bit, signed zeros, infinities and NaN included', () => {
    fc.assert(
      fc.property(layoutCase, fc.constantFrom(...BIN_KINDS), (c, kind) => {
        const rand = prng(c.seed);
        const { out, ins } = shapesFor(c.pattern, c.dims, rand);
        const [sa, sb] = c.swap ? [ins[1], ins[0]] : [ins[0], ins[1]];
        const pick = (): DT => DTS[Math.floor(rand() * DTS.length)] as DT;
        const a = makeView(rand, sa as number[], pick(), rand() < 0.7);
        const b = makeView(rand, sb as number[], pick(), rand() < 0.7);
        const outDt: DT = isCompare(kind) ? (rand() < 0.7 ? 'uint8' : 'float64') : rand() < 0.7 ? 'float64' : 'float32';
        const got = MAKE[outDt](product(out));
        binaryKernel(kind, operand(a, out), operand(b, out), out, got);
        const bad = mismatch(got, out, outDt, (idx) => BIN_REF[kind](read(a, idx), read(b, idx)));
        if (bad !== null) throw new Error(`${kind} ${c.pattern}: ${bad}`);
      }),
      RUNS,
    );
  });

  it('every path of every loop equals the BINARY definition on every pair of special values', () => {
    const S = Float64Array.from(SPECIAL);
    const m = S.length;
    // Each path's plane over all m² pairs (x = S[r], y = S[j] at r·m + j), as the kernel calls it.
    const paths: Record<string, (kind: BinaryKind, o: Float64Array) => void> = {
      contiguous: (kind, o) => {
        const xs = Float64Array.from({ length: m * m }, (_, i) => S[Math.floor(i / m)] as number);
        const ys = Float64Array.from({ length: m * m }, (_, i) => S[i % m] as number);
        BINARY_LOOPS[kind](o, 0, xs, 0, 0, 1, ys, 0, 0, 1, 1, m * m);
      },
      'scalar y': (kind, o) => {
        for (let j = 0; j < m; j++) {
          const col = new Float64Array(m);
          BINARY_LOOPS[kind](col, 0, S, 0, 0, 1, S, j, 0, 0, 1, m);
          col.forEach((v, r) => (o[r * m + j] = v));
        }
      },
      'scalar x': (kind, o) => {
        for (let r = 0; r < m; r++) BINARY_LOOPS[kind](o, r * m, S, r, 0, 0, S, 0, 0, 1, 1, m);
      },
      // A column over columns and a bias over rows: the counter loop.
      counters: (kind, o) => BINARY_LOOPS[kind](o, 0, S, 0, 1, 0, S, 0, 0, 1, m, m),
    };
    for (const kind of BIN_KINDS) {
      for (const [path, run] of Object.entries(paths)) {
        const got = new Float64Array(m * m);
        run(kind, got);
        got.forEach((g, i) => {
          const [x, y] = [S[Math.floor(i / m)] as number, S[i % m] as number];
          const def = BINARY[kind](x, y);
          const ref = BIN_REF[kind](x, y);
          if (!sameFloat(g, def) || !sameFloat(def, ref)) expect.fail(`${kind}(${x}, ${y}) ${path}: loop ${g}; BINARY ${def}; reference ${ref}`);
        });
      }
    }
  });

  it('pow keeps C special cases and maximum/minimum the order of signed zeros', () => {
    const run = (kind: BinaryKind, x: number[], y: number[]) => {
      const out = new Float64Array(x.length);
      binaryKernel(kind, { data: Float64Array.from(x), offset: 0, strides: [1] }, { data: Float64Array.from(y), offset: 0, strides: [1] }, [x.length], out);
      return Array.from(out);
    };
    expect(run('pow', [1, -1, -1, Number.NaN, 0, -8], [Number.NaN, Infinity, -Infinity, 0, -1, 1 / 3])).toEqual([1, 1, 1, 1, Infinity, Number.NaN]);
    const signed = (xs: number[]) => xs.map((v) => (Object.is(v, -0) ? '-0' : v));
    expect(signed(run('maximum', [-0, 0, -0, Number.NaN, 1], [0, -0, -0, 1, Number.NaN]))).toEqual([0, 0, '-0', Number.NaN, Number.NaN]);
    expect(signed(run('minimum', [-0, 0, 0, Number.NaN, 1], [0, -0, 0, 1, Number.NaN]))).toEqual(['-0', '-0', 0, Number.NaN, Number.NaN]);
  });
});

describe('unaryKernel fast paths (property)', () => {
  it('match the reference on contiguous, broadcast-scalar, strided and 3-d views of every dtype', () => {
    fc.assert(
      fc.property(dims, fc.constantFrom('contiguous', 'scalar', 'strided', 'strided3d'), fc.constantFrom(...UN_KINDS), fc.nat(), ([b, n, k], style, kind, seed) => {
        const rand = prng(seed);
        const out = style === 'strided3d' ? [b as number, n as number, k as number] : [n as number, k as number];
        const x = makeView(rand, style === 'scalar' ? [] : out, DTS[Math.floor(rand() * DTS.length)] as DT, style === 'contiguous');
        const outDt: DT = rand() < 0.7 ? 'float64' : 'float32';
        const got = MAKE[outDt](product(out));
        unaryKernel(kind, operand(x, out), out, got);
        const bad = mismatch(got, out, outDt, (idx) => UN_REF[kind](read(x, idx)));
        if (bad !== null) throw new Error(`${kind} ${style}: ${bad}`);
      }),
      RUNS,
    );
  });

  it('every loop equals the UNARY definition on the special values', () => {
    const xs = Float64Array.from(SPECIAL);
    for (const kind of UN_KINDS) {
      const flat = new Float64Array(xs.length);
      const counted = new Float64Array(xs.length);
      UNARY_LOOPS[kind](flat, 0, xs, 0, 0, 1, 1, xs.length);
      // Read backwards in rows of 2: row stride -2, column stride -1.
      UNARY_LOOPS[kind](counted, 0, xs, xs.length - 1, -2, -1, xs.length / 2, 2);
      xs.forEach((x, i) => {
        const def = UNARY[kind](x);
        const back = UNARY[kind](xs[xs.length - 1 - i] as number);
        if (!sameFloat(flat[i] as number, def) || !sameFloat(counted[i] as number, back) || !sameFloat(def, UN_REF[kind](x))) {
          expect.fail(`${kind}(${x}): loop ${flat[i]}, UNARY ${def}, reference ${UN_REF[kind](x)}`);
        }
      });
    }
  });
});

describe('whereKernel fast paths (property)', () => {
  it("match the reference for relu's where(c, z, 0), its mirror and broadcast or strided operands", () => {
    fc.assert(
      fc.property(layoutCase, fc.constantFrom('relu', 'mirror', 'pattern'), (c, style) => {
        const rand = prng(c.seed);
        const { out, ins } = shapesFor(c.pattern, c.dims, rand);
        const mixed = [ins[c.swap ? 1 : 0], ins[c.swap ? 0 : 1], ins[Math.floor(rand() * 2)]];
        const shapes = style === 'relu' ? [out, out, []] : style === 'mirror' ? [out, [], out] : mixed;
        const dts = [DTS[Math.floor(rand() * DTS.length)], DTS[Math.floor(rand() * DTS.length)], DTS[Math.floor(rand() * DTS.length)]] as DT[];
        const [cv, av, bv] = shapes.map((s, i) => makeView(rand, s as number[], dts[i] as DT, style !== 'pattern' || rand() < 0.7)) as [View, View, View];
        const outDt: DT = rand() < 0.7 ? 'float64' : 'float32';
        const got = MAKE[outDt](product(out));
        whereKernel(operand(cv, out), operand(av, out), operand(bv, out), out, got);
        const bad = mismatch(got, out, outDt, (idx) => (read(cv, idx) !== 0 ? read(av, idx) : read(bv, idx)));
        if (bad !== null) throw new Error(`where ${style} ${c.pattern}: ${bad}`);
      }),
      RUNS,
    );
  });
});
