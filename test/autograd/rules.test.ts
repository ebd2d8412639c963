// Every primitive's derivative rule against central finite differences in float64, on random
// shapes with broadcasting (fast-check, fixed seed). CASES is keyed by Primitive, so a new
// primitive without a case here does not compile, just as one without a rule does not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backward, gradCheck, noGrad, RULES, unbroadcast, variable } from '../../src/autograd/index.js';
import { RandomState } from '../../src/core/rng.js';
import type { Shape } from '../../src/core/shape.js';
import {
  abs,
  add,
  astype,
  broadcastTo,
  div,
  exp,
  fromArray,
  greater,
  log,
  matmul,
  max,
  maximum,
  min,
  minimum,
  mul,
  neg,
  ones,
  pow,
  reshape,
  sigmoid,
  slice,
  sqrt,
  sub,
  sum,
  tanh,
  transpose,
  where,
  embed,
  conv2dFilterGrad,
  conv2dWindows,
  fold2d,
  gather,
  scatterAdd,
  unfold2d,
  windowGeometry,
  type Padding,
  type WindowGeometry,
  type Primitive,
  type SliceSpec,
  type Tensor,
} from '../../src/tensor/index.js';
import { awayFromZero, baseShape, broadcastable, distinct, opsIn, seedArb, uniform } from './helpers.js';

/** Random images and a window over them that fits: kernel, stride and padding of every kind. */
const windowArb: fc.Arbitrary<{ shape: number[]; g: WindowGeometry; layout: 'patch' | 'pool'; seed: number }> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom<Padding>('valid', 'same', 0, 1, 2), layout: fc.constantFrom<'patch' | 'pool'>('patch', 'pool'), seed: seedArb,
  })
  .filter(({ h, w, kh, kw, s, padding }) => {
    const p = padding === 'same' ? 0 : padding === 'valid' ? 0 : padding;
    return padding === 'same' || (h + 2 * p >= kh && w + 2 * p >= kw && s > 0);
  })
  .map(({ n, h, w, c, kh, kw, s, padding, layout, seed }) => ({ shape: [n, h, w, c], g: windowGeometry('test', [n, h, w, c], [kh, kw], [s, s], padding), layout, seed }));

/** One random instance of an op: its differentiable inputs and the op applied to them. */
interface Case {
  inputs: Tensor[];
  f: (...xs: Tensor[]) => Tensor;
  /** Finite-difference step (default 1e-6). */
  epsilon?: number;
}

type Gen = (shape: Shape, seed: number) => Tensor;

function binaryCase(op: (a: Tensor, b: Tensor) => Tensor, genA: Gen = uniform, genB: Gen = genA): fc.Arbitrary<Case> {
  return baseShape
    .chain((base) => fc.tuple(broadcastable(base), broadcastable(base), seedArb, seedArb))
    .map(([sa, sb, s1, s2]) => ({ inputs: [genA(sa, s1), genB(sb, s2)], f: (a: Tensor, b: Tensor) => op(a, b) }));
}

function unaryCase(op: (x: Tensor) => Tensor, gen: Gen = uniform): fc.Arbitrary<Case> {
  return fc.tuple(baseShape, seedArb).map(([shape, seed]) => ({ inputs: [gen(shape, seed)], f: (x: Tensor) => op(x) }));
}

const range = (lo: number, hi: number): Gen => (shape, seed) => uniform(shape, seed, lo, hi);

function reduceCase(op: typeof sum, gen: Gen): fc.Arbitrary<Case> {
  return fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
    .chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.option(fc.subarray([...shape.keys()].map((a) => (a % 2 === 0 ? a : a - shape.length)), { minLength: 1 }), { nil: undefined }),
        fc.boolean(),
        seedArb,
      ),
    )
    .map(([shape, axis, keepdims, seed]) => ({
      inputs: [gen(shape, seed)],
      f: (x: Tensor) => op(x, { ...(axis === undefined ? {} : { axis }), keepdims }),
    }));
}

const sliceSpec = (d: number): fc.Arbitrary<SliceSpec> =>
  fc.oneof(
    fc.constant(null),
    fc.integer({ min: -d, max: d - 1 }),
    fc.record(
      {
        start: fc.integer({ min: -d - 1, max: d + 1 }),
        end: fc.integer({ min: -d - 1, max: d + 1 }),
        step: fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
      },
      { requiredKeys: [] },
    ),
  );

const CASES: Record<Primitive, fc.Arbitrary<Case>> = {
  add: binaryCase(add),
  sub: binaryCase(sub),
  mul: binaryCase(mul),
  div: binaryCase(div, uniform, awayFromZero),
  pow: binaryCase(pow, range(0.5, 2), range(-2, 2)),
  maximum: binaryCase(maximum),
  minimum: binaryCase(minimum),
  neg: unaryCase(neg),
  exp: unaryCase(exp),
  log: unaryCase(log, range(0.5, 3)),
  abs: unaryCase(abs, (shape, seed) => awayFromZero(shape, seed, 0.2, 2)),
  sqrt: unaryCase(sqrt, range(0.5, 3)),
  tanh: unaryCase(tanh),
  sigmoid: unaryCase(sigmoid, range(-3, 3)),
  where: baseShape
    .chain((base) => fc.tuple(broadcastable(base), broadcastable(base), broadcastable(base), seedArb, seedArb, seedArb))
    .map(([sc, sa, sb, s0, s1, s2]) => {
      const condition = greater(uniform(sc, s0), 0);
      return { inputs: [uniform(sa, s1), uniform(sb, s2)], f: (a: Tensor, b: Tensor) => where(condition, a, b) };
    }),
  sum: reduceCase(sum, uniform),
  max: reduceCase(max, distinct),
  min: reduceCase(min, distinct),
  matmul: fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom('2x2', '1x2', '2x1', '1x1', 'Tx2', '2xT', 'TxT'), seedArb, seedArb)
    .map(([m, k, n, kind, s1, s2]) =>
      kind.includes('T')
        ? {
            // Transposed views as operands (Dense's x @ Wᵀ): their gradients come in their storage's layout.
            inputs: [uniform(kind[0] === 'T' ? [k, m] : [m, k], s1), uniform(kind[2] === 'T' ? [n, k] : [k, n], s2)],
            f: (a: Tensor, b: Tensor) => matmul(kind[0] === 'T' ? transpose(a) : a, kind[2] === 'T' ? transpose(b) : b),
          }
        : {
            inputs: [uniform(kind[0] === '1' ? [k] : [m, k], s1), uniform(kind[2] === '1' ? [k] : [k, n], s2)],
            f: (a: Tensor, b: Tensor) => matmul(a, b),
          },
    ),
  reshape: fc
    .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }), fc.nat(3), seedArb)
    .map(([shape, which, seed]) => {
      const size = shape.reduce((p, d) => p * d, 1);
      const targets: Shape[] = [[size], [...shape].reverse(), [1, ...shape], [-1, 1]];
      return { inputs: [uniform(shape, seed)], f: (x: Tensor) => reshape(x, targets[which] as Shape) };
    }),
  transpose: baseShape
    .chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }), seedArb))
    .map(([shape, perm, seed]) => ({ inputs: [uniform(shape, seed)], f: (x: Tensor) => transpose(x, perm) })),
  slice: fc
    .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
    .chain((shape) => fc.tuple(fc.constant(shape), fc.tuple(...shape.map(sliceSpec)), fc.integer({ min: 0, max: shape.length }), seedArb))
    .map(([shape, specs, count, seed]) => ({ inputs: [uniform(shape, seed)], f: (x: Tensor) => slice(x, ...specs.slice(0, count)) })),
  embed: fc
    .array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 3 })
    .chain((axes) => fc.tuple(fc.constant(axes), seedArb))
    .map(([axes, seed]) => ({
      inputs: [uniform(axes.map(([d]) => d), seed)],
      f: (x: Tensor) => embed(x, axes.map(([d, start, step, after]) => start + (d - 1) * step + 1 + after), axes.map(([, start]) => start), axes.map(([, , step]) => step), 0.5),
    })),
  unfold: windowArb.map(({ shape, g, layout, seed }) => ({ inputs: [uniform(shape, seed)], f: (x: Tensor) => unfold2d(x, g, layout, 0) })),
  fold: windowArb.map(({ g, layout, seed }) => ({
    inputs: [uniform(layout === 'patch' ? [g.n, g.oh, g.ow, g.kh, g.kw, g.c] : [g.n, g.oh, g.ow, g.c, g.kh, g.kw], seed)],
    f: (x: Tensor) => fold2d(x, g, layout),
  })),
  conv: windowArb.chain((wa) => fc.tuple(fc.constant(wa), fc.integer({ min: 1, max: 3 }))).map(([{ shape, g, seed }, cout]) => ({
    inputs: [uniform(shape, seed), uniform([g.kh, g.kw, g.c, cout], seed + 1)],
    f: (x: Tensor, w: Tensor) => conv2dWindows(x, w, g),
  })),
  convFilter: windowArb.chain((wa) => fc.tuple(fc.constant(wa), fc.integer({ min: 1, max: 3 }))).map(([{ shape, g, seed }, cout]) => ({
    inputs: [uniform(shape, seed), uniform([g.n, g.oh, g.ow, cout], seed + 1)],
    f: (x: Tensor, dy: Tensor) => conv2dFilterGrad(x, dy, g, [g.kh, g.kw, g.c, cout]),
  })),
  gather: fc
    .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 6 }), seedArb)
    .map(([shape, count, seed]) => {
      const n = shape.reduce((p, d) => p * d, 1);
      const idx = Int32Array.from(new RandomState(seed).randArray(count), (u) => Math.floor(u * n));
      return { inputs: [uniform(shape, seed)], f: (x: Tensor) => gather(x, idx, [count]) };
    }),
  scatterAdd: fc
    .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 6 }), seedArb)
    .map(([into, count, seed]) => {
      const n = into.reduce((p, d) => p * d, 1);
      const idx = Int32Array.from(new RandomState(seed).randArray(count), (u) => Math.floor(u * n));
      return { inputs: [uniform([count], seed)], f: (x: Tensor) => scatterAdd(x, idx, into) };
    }),
  broadcastTo: baseShape
    .chain((base) => fc.tuple(fc.constant(base), broadcastable(base), seedArb))
    .filter(([base, from]) => from.length !== base.length || from.some((d, i) => d !== base[i]))
    .map(([base, from, seed]) => ({ inputs: [uniform(from, seed)], f: (x: Tensor) => broadcastTo(x, base) })),
  // Values on a 1/1024 grid and a step of 2⁻¹⁰ are exact in float32, so the round trip
  // through float32 loses nothing and the differences see the identity.
  cast: fc.tuple(baseShape, seedArb).map(([shape, seed]) => ({
    inputs: [fromArray(uniform(shape, seed).values().map((u) => Math.round(u * 1024) / 1024), shape)],
    f: (x: Tensor) => astype(astype(x, 'float32'), 'float64'),
    epsilon: 2 ** -10,
  })),
};

describe('every primitive matches central finite differences (float64, broadcasting)', () => {
  it('has a case for exactly the primitives that have rules', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const p of Object.keys(CASES) as Primitive[]) {
    it(p, () => {
      fc.assert(
        fc.property(CASES[p], seedArb, ({ inputs, f, epsilon }, rSeed) => {
          // A scalar loss Σ f(x)·R with random R, so every output element's gradient counts differently.
          const R = uniform(noGrad(() => f(...inputs)).shape, rSeed);
          const loss = (...xs: Tensor[]): Tensor => sum(mul(f(...xs), R));
          expect(opsIn(loss(...inputs.map((x) => variable(x))))).toContain(p);
          const report = gradCheck(loss, inputs, { epsilon: epsilon ?? 1e-6 });
          for (const c of report.inputs) expect(c.relativeError, `${p} input ${c.name} ${JSON.stringify(c.shape)}`).toBeLessThan(1e-6);
        }),
        { seed: 20240917, numRuns: 40 },
      );
    });
  }
});

describe('unbroadcast', () => {
  it('sums the axes broadcasting added or stretched', () => {
    const g = fromArray([[1, 2, 3], [4, 5, 6]]);
    expect(unbroadcast(g, [2, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(unbroadcast(g, [3]).toArray()).toEqual([5, 7, 9]);
    expect(unbroadcast(g, [2, 1]).toArray()).toEqual([[6], [15]]);
    expect(unbroadcast(g, [1, 3]).toArray()).toEqual([[5, 7, 9]]);
    expect(unbroadcast(g, []).toArray()).toBe(21);
    expect(unbroadcast(g, [1]).toArray()).toEqual([21]);
  });
  it('gives zeros to a size-1 axis stretched to size 0', () => {
    expect(unbroadcast(ones([0, 3]), [1, 3]).toArray()).toEqual([[0, 0, 0]]);
  });
});

describe('rules at kinks and special points', () => {
  const gradsOf = (f: (...xs: Tensor[]) => Tensor, ...values: number[][]): unknown[] => {
    const xs = values.map((v) => variable(v));
    backward(sum(f(...xs)));
    return xs.map((x) => x.grad?.toArray());
  };
  it('splits the gradient of a tie in half: maximum, minimum, max, min', () => {
    expect(gradsOf(maximum, [2, 1], [2, 3])).toEqual([[0.5, 0], [0.5, 1]]);
    expect(gradsOf(minimum, [2, 1], [2, 3])).toEqual([[0.5, 1], [0.5, 0]]);
    expect(gradsOf((x) => max(x), [1, 3, 3])).toEqual([[0, 0.5, 0.5]]);
    expect(gradsOf((x) => min(x), [1, 1, 3, 1])).toEqual([[1 / 3, 1 / 3, 0, 1 / 3]]);
  });
  it('takes sign(0) = 0 for abs', () => {
    expect(gradsOf(abs, [-2, 0, 3])).toEqual([[-1, 0, 1]]);
  });
  it('gives pow finite gradients at a = 0 (0 where the limit is 0)', () => {
    expect(gradsOf(pow, [0, 0, 2], [2, 0, 3])).toEqual([[0, 0, 12], [0, 0, 8 * Math.log(2)]]);
  });
  it('routes where gradients by the condition, with broadcasting', () => {
    const c = fromArray([[1, 0, 1]], undefined, 'bool');
    expect(gradsOf((a, b) => where(c, a, b), [1, 2, 3], [5])).toEqual([[1, 0, 1], [1]]);
  });
  it('scatters slice gradients back, zeros elsewhere, steps and indices included', () => {
    expect(gradsOf((x) => slice(x, { start: 4, end: 0, step: -2 }), [0, 1, 2, 3, 4, 5])).toEqual([[0, 0, 1, 0, 1, 0]]);
    const x = variable([[1, 2, 3], [4, 5, 6]]);
    backward(sum(mul(slice(x, 1, { start: 1 }), fromArray([10, 20]))));
    expect(x.grad?.toArray()).toEqual([[0, 0, 0], [0, 10, 20]]);
  });
  it('gives a weight read as Wᵀ its gradient (dyᵀ x) contiguous, equal to the untransposed product\'s', () => {
    const x = uniform([5, 3], 1);
    const W = variable(uniform([4, 3], 2));
    const c = uniform([5, 4], 3);
    backward(sum(mul(matmul(x, transpose(W)), c)));
    const g = W.grad as Tensor;
    // The rules themselves give it contiguous (backward's store would copy a strided one).
    const Wt = noGrad(() => transpose(W));
    const [, dWt] = RULES.matmul.backward({ inputs: [x, Wt], output: matmul(x, Wt), attrs: null, needs: [false, true] }, c);
    const dW = RULES.transpose.backward({ inputs: [W], output: Wt, attrs: { perm: [1, 0] }, needs: [true] }, dWt as Tensor)[0] as Tensor;
    expect(dW.strides).toEqual([3, 1]);
    expect(dW.offset).toBe(0);
    expect([...dW.values()]).toEqual([...g.values()]);
    // dW[u, p] = Σ_i c[i, u] x[i, p]
    const want = noGrad(() => matmul(transpose(c), x));
    const got = [...g.values()];
    [...want.values()].forEach((w, i) => expect(Math.abs((got[i] as number) - w)).toBeLessThanOrEqual(1e-12 * Math.abs(w)));
  });

  it('keeps a float32 leaf\'s gradient in float32', () => {
    const x = variable([1, 2], { dtype: 'float32' });
    backward(sum(mul(x, fromArray([0.5, 0.25]))));
    expect(x.grad?.dtype).toBe('float32');
    expect(x.grad?.toArray()).toEqual([0.5, 0.25]);
  });
});
