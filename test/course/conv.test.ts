// The course's "Convolution model, step by step" by its names: its own checks against a numpy
// run of the same steps (test/course/fixtures/conv_course.py, inputs drawn after
// np.random.seed(1) in the course's order), the numbers the course prints, the backward
// passes against central finite differences, both passes equal to the general path's conv2d
// and pooling with their autodiff gradients, and the refusals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backward, requiresGrad } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { sizeOf, type Shape } from '../../src/core/shape.js';
import {
  convBackward,
  convForward,
  convSingleStep,
  createMaskFromWindow,
  distributeValue,
  poolBackward,
  poolForward,
  zeroPad,
  type PoolMode,
} from '../../src/course/conv.js';
import { avgPool2d, conv2d, maxPool2d } from '../../src/nn/functional/conv.js';
import { fromArray, slice, type Tensor } from '../../src/tensor/index.js';
import { caught, relDiff } from './helpers.js';

interface FixtureArray {
  shape: number[];
  values: number[];
}
type Case = Record<string, FixtureArray | number | number[] | Record<string, unknown>>;
const FIXTURE = fileURLToPath(new URL('./fixtures/conv_course.json', import.meta.url));
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Case>;

function arrayOf(c: Case | undefined, key: string): FixtureArray {
  const a = c?.[key] as FixtureArray | undefined;
  if (a === undefined) throw new Error(`the fixture has no ${key}`);
  return a;
}
function numberOf(c: Case | undefined, key: string): number {
  const v = c?.[key];
  if (typeof v !== 'number') throw new Error(`the fixture has no number ${key}`);
  return v;
}
const caseOf = (name: string, ...path: string[]): Case => path.reduce((c, k) => c[k] as Case, fixture[name] as Case);

/** The same shape as numpy's, and every element within 1e-12 of it (relative to the array's largest). */
function expectArray(actual: Tensor, expected: FixtureArray): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(relDiff(actual, expected.values)).toBeLessThan(1e-12);
}
const expectNumber = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));

/** `np.random.randn(*shape)` from the generator's current state. */
const randn = (rng: RandomState, shape: Shape): Tensor => fromArray(rng.randnArray(sizeOf(shape)), shape);
const mean = (t: Tensor): number => t.mean().item();

describe("the course's checks, each after np.random.seed(1)", () => {
  it('zero_pad: x = randn(4, 3, 3, 2), x_pad = zero_pad(x, 3)', () => {
    const fx = caseOf('zero_pad');
    const x = randn(new RandomState(1), [4, 3, 3, 2]);
    const x_pad = zeroPad(x, 3);
    expectArray(x, arrayOf(fx, 'x'));
    expectArray(x_pad, arrayOf(fx, 'x_pad'));
    expect([x.shape, x_pad.shape]).toEqual([[4, 3, 3, 2], [4, 9, 9, 2]]);
    expectArray(slice(x, 1, 1), arrayOf(fx, 'x_1_1'));
    expectArray(slice(x_pad, 1, 1), arrayOf(fx, 'x_pad_1_1'));
    expect(slice(x_pad, 1, 1).toArray()).toEqual(Array.from({ length: 9 }, () => [0, 0]));
  });

  it('conv_single_step: a_slice_prev = randn(4, 4, 3), W = randn(4, 4, 3), b = randn(1, 1, 1) gives Z = -6.99908945068', () => {
    const rng = new RandomState(1);
    const [a_slice_prev, W, b] = [randn(rng, [4, 4, 3]), randn(rng, [4, 4, 3]), randn(rng, [1, 1, 1])];
    const Z = convSingleStep(a_slice_prev, W, b);
    expectNumber(Z, numberOf(caseOf('conv_single_step'), 'Z'));
    expect(Z).toBeCloseTo(-6.99908945068, 10);
  });

  it("conv_forward: A_prev = randn(2, 5, 7, 4), W = randn(3, 3, 4, 8), b = randn(1, 1, 1, 8), pad 1, stride 2: Z's mean 0.5511276474566768", () => {
    const fx = caseOf('conv_forward');
    const rng = new RandomState(1);
    const [A_prev, W, b] = [randn(rng, [2, 5, 7, 4]), randn(rng, [3, 3, 4, 8]), randn(rng, [1, 1, 1, 8])];
    const { Z, cache } = convForward(A_prev, W, b, { pad: 1, stride: 2 });
    expectArray(Z, arrayOf(fx, 'Z'));
    expect(Z.shape).toEqual([2, 3, 4, 8]);
    expectNumber(mean(Z), numberOf(fx, 'Z_mean'));
    expect(mean(Z)).toBeCloseTo(0.5511276474566768, 12);
    expectArray(slice(Z, 0, 2, 1), arrayOf(fx, 'Z_0_2_1'));
    expect(slice(Z, 0, 2, 1).get(0)).toBeCloseTo(-2.17796037, 8);
    expectArray(slice(cache.A_prev, 1, 2, 3), arrayOf(fx, 'cache_0_1_2_3'));
    expect(cache.W).toBe(W);
    expect(cache.hparameters).toEqual({ pad: 1, stride: 2 });
  });

  it("conv_forward, the older check: A_prev = randn(10, 4, 4, 3), W = randn(2, 2, 3, 8), pad 2, stride 2: Z's mean 0.0489952035289", () => {
    const fx = caseOf('conv_forward_old');
    const rng = new RandomState(1);
    const [A_prev, W, b] = [randn(rng, [10, 4, 4, 3]), randn(rng, [2, 2, 3, 8]), randn(rng, [1, 1, 1, 8])];
    const { Z, cache } = convForward(A_prev, W, b, { pad: 2, stride: 2 });
    expectArray(Z, arrayOf(fx, 'Z'));
    expect(mean(Z)).toBeCloseTo(0.0489952035289, 12);
    expectNumber(mean(Z), numberOf(fx, 'Z_mean'));
    expectArray(slice(Z, 3, 2, 1), arrayOf(fx, 'Z_3_2_1'));
    expectArray(slice(cache.A_prev, 1, 2, 3), arrayOf(fx, 'cache_0_1_2_3'));
  });

  for (const [name, hparameters] of [['stride1', { stride: 1, f: 3 }], ['stride2', { stride: 2, f: 3 }]] as const) {
    it(`pool_forward: A_prev = randn(2, 5, 5, 3), stride ${hparameters.stride}, f 3, max and average`, () => {
      const A_prev = randn(new RandomState(1), [2, 5, 5, 3]);
      for (const mode of ['max', 'average'] as const) {
        const fx = caseOf('pool_forward', name, mode);
        const { A, cache } = poolForward(A_prev, hparameters, mode);
        expectArray(A, arrayOf(fx, 'A'));
        expect(A.shape).toEqual(fx['A_shape']);
        expectArray(slice(A, 1, 1), arrayOf(fx, 'A_1_1'));
        expect(cache).toEqual({ A_prev, hparameters });
      }
    });
  }
  it('pool_forward prints A[1, 1] = [[1.96710175, 0.84616065, 1.27375593], ...] for max, stride 1', () => {
    const { A } = poolForward(randn(new RandomState(1), [2, 5, 5, 3]), { stride: 1, f: 3 }, 'max');
    expect(slice(A, 1, 1, 0).toArray()).toEqual([expect.closeTo(1.96710175, 8), expect.closeTo(0.84616065, 8), expect.closeTo(1.27375593, 8)]);
  });

  it('conv_backward: A_prev = randn(10, 4, 4, 3), W = randn(2, 2, 3, 8), b = randn(1, 1, 1, 8), pad 2, stride 2, dZ = Z', () => {
    const fx = caseOf('conv_backward');
    const rng = new RandomState(1);
    const [A_prev, W, b] = [randn(rng, [10, 4, 4, 3]), randn(rng, [2, 2, 3, 8]), randn(rng, [1, 1, 1, 8])];
    const { Z, cache } = convForward(A_prev, W, b, { pad: 2, stride: 2 });
    const { dA_prev, dW, db } = convBackward(Z, cache);
    expectArray(dA_prev, arrayOf(fx, 'dA'));
    expectArray(dW, arrayOf(fx, 'dW'));
    expectArray(db, arrayOf(fx, 'db'));
    expect([dA_prev.shape, dW.shape, db.shape]).toEqual([A_prev.shape, W.shape, b.shape]);
    for (const [t, key] of [[dA_prev, 'dA_mean'], [dW, 'dW_mean'], [db, 'db_mean']] as const) expectNumber(mean(t), numberOf(fx, key));
    // What the course prints.
    expect(mean(dA_prev)).toBeCloseTo(1.45243777754, 10);
    expect(mean(dW)).toBeCloseTo(1.72699145831, 10);
    expect(mean(db)).toBeCloseTo(7.83923256462, 10);
  });

  it('create_mask_from_window: x = randn(2, 3) gives [[True, False, False], [False, False, False]]', () => {
    const fx = caseOf('create_mask_from_window');
    const x = randn(new RandomState(1), [2, 3]);
    expectArray(x, arrayOf(fx, 'x'));
    const mask = createMaskFromWindow(x);
    expect(mask.dtype).toBe('bool');
    expect(Array.from(mask.values())).toEqual(arrayOf(fx, 'mask').values);
    expect(mask.toArray()).toEqual([[1, 0, 0], [0, 0, 0]]);
  });

  it('distribute_value(2, (2, 2)) is [[0.5, 0.5], [0.5, 0.5]]', () => {
    expect(distributeValue(2, [2, 2]).toArray()).toEqual([[0.5, 0.5], [0.5, 0.5]]);
    expectArray(distributeValue(2, [2, 2]), arrayOf(caseOf('distribute_value'), 'a'));
  });

  it('pool_backward: A_prev = randn(5, 5, 3, 2), stride 1, f 2, then dA = randn(5, 4, 2, 2): mean of dA 0.145713902729', () => {
    const fx = caseOf('pool_backward');
    const rng = new RandomState(1);
    const A_prev = randn(rng, [5, 5, 3, 2]);
    const { A, cache } = poolForward(A_prev, { stride: 1, f: 2 });
    expectArray(A, arrayOf(fx, 'A'));
    expect([A.shape, cache.A_prev.shape]).toEqual([[5, 4, 2, 2], [5, 5, 3, 2]]);
    const dA = randn(rng, [5, 4, 2, 2]);
    expectArray(dA, arrayOf(fx, 'dA'));
    expect(mean(dA)).toBeCloseTo(0.145713902729, 11);
    const printed: Record<PoolMode, number[][]> = {
      max: [[0, 0], [5.05844394, -1.68282702], [0, 0]],
      average: [[0.08485462, 0.2787552], [1.26461098, -0.25749373], [1.17975636, -0.53624893]],
    };
    for (const mode of ['max', 'average'] as const) {
      const dA_prev = poolBackward(dA, cache, mode);
      expectArray(dA_prev, arrayOf(caseOf('pool_backward', mode), 'dA_prev'));
      expectArray(slice(dA_prev, 1, 1), arrayOf(caseOf('pool_backward', mode), 'dA_prev_1_1'));
      expect(slice(dA_prev, 1, 1).toArray()).toEqual(printed[mode].map((row) => row.map((v) => expect.closeTo(v, 8))));
    }
  });
});

/** Σ over every element of f(x) · G for a fixed G: a scalar whose gradient in f's output is G. */
function weighted(out: Tensor, G: Tensor): number {
  const o = out.values();
  const g = G.values();
  let s = 0;
  for (let k = 0; k < o.length; k++) s += (o[k] as number) * (g[k] as number);
  return s;
}

/** Central differences of J(x) in every element of x, against `analytic`: ‖num - ana‖ / (‖num‖ + ‖ana‖). */
function fdError(x: Tensor, J: (x: Tensor) => number, analytic: Tensor, h = 1e-6): number {
  const base = Float64Array.from(x.values());
  const a = analytic.values();
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < base.length; k++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[k] = (base[k] as number) + h;
    minus[k] = (base[k] as number) - h;
    const num = (J(fromArray(plus, x.shape)) - J(fromArray(minus, x.shape))) / (2 * h);
    diff += (num - (a[k] as number)) ** 2;
    norm += num ** 2 + (a[k] as number) ** 2;
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

describe('the backward passes against central finite differences', () => {
  it('convBackward: dA_prev, dW, db of Σ Z · G, with overlapping windows (f 3, stride 2, pad 1)', () => {
    const rng = new RandomState(7);
    const [A_prev, W, b] = [randn(rng, [2, 5, 4, 3]), randn(rng, [3, 3, 3, 2]), randn(rng, [1, 1, 1, 2])];
    const hp = { pad: 1, stride: 2 };
    const { Z, cache } = convForward(A_prev, W, b, hp);
    const G = randn(rng, Z.shape);
    const { dA_prev, dW, db } = convBackward(G, cache);
    expect(fdError(A_prev, (x) => weighted(convForward(x, W, b, hp).Z, G), dA_prev)).toBeLessThan(1e-7);
    expect(fdError(W, (x) => weighted(convForward(A_prev, x, b, hp).Z, G), dW)).toBeLessThan(1e-7);
    expect(fdError(b, (x) => weighted(convForward(A_prev, W, x, hp).Z, G), db)).toBeLessThan(1e-7);
    // pad 0, where the course's [pad:-pad] would be empty.
    const valid = convForward(A_prev, W, b, { pad: 0, stride: 1 });
    const G0 = randn(rng, valid.Z.shape);
    const back = convBackward(G0, valid.cache);
    expect(fdError(A_prev, (x) => weighted(convForward(x, W, b, { pad: 0, stride: 1 }).Z, G0), back.dA_prev)).toBeLessThan(1e-7);
  });

  for (const mode of ['max', 'average'] as const) {
    it(`poolBackward, ${mode}: dA_prev of Σ A · G, overlapping windows (f 2, stride 1) and disjoint ones (f 2, stride 2)`, () => {
      const rng = new RandomState(3);
      // Distinct values, at least 0.01 apart: no window's maximum moves within a step of 1e-6.
      const n = 2 * 5 * 4 * 3;
      const perm = rng.permutation(n);
      const A_prev = fromArray(Float64Array.from(perm, (p) => (p - n / 2) * 0.01), [2, 5, 4, 3]);
      for (const hp of [{ f: 2, stride: 1 }, { f: 2, stride: 2 }, { f: 3, stride: 1 }]) {
        const { A, cache } = poolForward(A_prev, hp, mode);
        const G = randn(rng, A.shape);
        const dA_prev = poolBackward(G, cache, mode);
        expect(fdError(A_prev, (x) => weighted(poolForward(x, hp, mode).A, G), dA_prev)).toBeLessThan(1e-7);
      }
    });
  }

  it("gives tied maxima each the whole gradient, as the course's mask x == max(x) does", () => {
    const x = fromArray([[1, 3], [3, -1]]);
    expect(createMaskFromWindow(x).toArray()).toEqual([[0, 1], [1, 0]]);
    const A_prev = x.reshape([1, 2, 2, 1]);
    const { cache } = poolForward(A_prev, { f: 2, stride: 1 });
    expect(poolBackward(fromArray([5], [1, 1, 1, 1]), cache, 'max').reshape([2, 2]).toArray()).toEqual([[0, 5], [5, 0]]);
  });
});

describe('refusals name the function and the shapes', () => {
  const rng = new RandomState(1);
  const [A_prev, W, b] = [randn(rng, [2, 5, 7, 4]), randn(rng, [3, 3, 4, 8]), randn(rng, [1, 1, 1, 8])];

  it('convForward: a filter larger than the padded input, stride 0, negative pad', () => {
    const big = randn(rng, [9, 9, 4, 8]);
    const e = caught(ShapeError, () => convForward(A_prev, big, b, { pad: 1, stride: 1 }));
    expect(e.message).toBe('convForward: no output: the 9 × 9 filter of W(9, 9, 4, 8) is larger than A_prev(2, 5, 7, 4) padded by 1 (7 × 9)');
    expect(e.op).toBe('convForward');
    expect(e.shapes).toEqual([[2, 5, 7, 4], [9, 9, 4, 8]]);
    const s = caught(ArgumentError, () => convForward(A_prev, W, b, { pad: 1, stride: 0 }));
    expect(s.message).toBe('convForward: hparameters.stride: must be a positive integer, got 0 (A_prev(2, 5, 7, 4) W(3, 3, 4, 8))');
    expect([s.op, s.argument]).toEqual(['convForward', 'hparameters.stride']);
    expect(caught(ArgumentError, () => convForward(A_prev, W, b, { pad: -1, stride: 1 })).message).toBe(
      'convForward: hparameters.pad: must be a non-negative integer, got -1 (A_prev(2, 5, 7, 4) W(3, 3, 4, 8))',
    );
  });

  it("convForward: W's channels not A_prev's, b not (1, 1, 1, n_C); convBackward: dZ not Z's shape", () => {
    const e = caught(ShapeError, () => convForward(A_prev, randn(rng, [3, 3, 3, 8]), b, { pad: 1, stride: 2 }));
    expect(e.message).toBe(
      'convForward: A_prev must be (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C) and b (1, 1, 1, n_C): A_prev(2, 5, 7, 4) W(3, 3, 3, 8) b(1, 1, 1, 8)',
    );
    expect(caught(ShapeError, () => convForward(A_prev, W, randn(rng, [8]), { pad: 1, stride: 2 })).shapes).toEqual([[2, 5, 7, 4], [3, 3, 4, 8], [8]]);
    const { cache } = convForward(A_prev, W, b, { pad: 1, stride: 2 });
    const d = caught(ShapeError, () => convBackward(randn(rng, [2, 3, 3, 8]), cache));
    expect(d.message).toBe('convBackward: dZ must be (m, n_H, n_W, n_C) = (2, 3, 4, 8) for A_prev(2, 5, 7, 4) W(3, 3, 4, 8): got dZ(2, 3, 3, 8)');
  });

  it('poolForward and poolBackward: a window larger than the input, stride 0, an unknown mode, dA not A’s shape', () => {
    const x = randn(rng, [2, 5, 5, 3]);
    const e = caught(ShapeError, () => poolForward(x, { f: 6, stride: 1 }, 'max'));
    expect(e.message).toBe('poolForward: no output: the 6 × 6 window is larger than A_prev(2, 5, 5, 3) (5 × 5)');
    expect(e.shapes).toEqual([[2, 5, 5, 3]]);
    expect(caught(ArgumentError, () => poolForward(x, { f: 3, stride: 0 }, 'average')).message).toBe(
      'poolForward: hparameters.stride: must be a positive integer, got 0 (A_prev(2, 5, 5, 3))',
    );
    expect(caught(ArgumentError, () => poolForward(x, { f: 3, stride: 1 }, 'min' as PoolMode)).message).toBe("poolForward: mode: must be 'max' or 'average', got 'min'");
    expect(caught(ShapeError, () => poolForward(x.reshape([10, 5, 3]), { f: 3, stride: 1 })).message).toBe('poolForward: A_prev must be (m, n_H_prev, n_W_prev, n_C_prev): A_prev(10, 5, 3)');
    const { cache } = poolForward(x, { f: 3, stride: 2 });
    expect(caught(ShapeError, () => poolBackward(randn(rng, [2, 3, 3, 3]), cache, 'max')).message).toBe(
      'poolBackward: dA must be (m, n_H, n_W, n_C) = (2, 2, 2, 3) for A_prev(2, 5, 5, 3) and f = 3, stride = 2: got dA(2, 3, 3, 3)',
    );
  });

  it('zeroPad, convSingleStep, createMaskFromWindow, distributeValue', () => {
    expect(caught(ArgumentError, () => zeroPad(A_prev, 1.5)).message).toBe('zeroPad: pad: must be a non-negative integer, got 1.5 (X(2, 5, 7, 4))');
    expect(caught(ShapeError, () => zeroPad(randn(rng, [3, 3]), 1)).message).toBe('zeroPad: X must be (m, n_H, n_W, n_C): X(3, 3)');
    expect(caught(ShapeError, () => convSingleStep(randn(rng, [4, 4, 3]), randn(rng, [4, 4, 2]), 0)).message).toBe(
      'convSingleStep: aSlicePrev and W must have the same shape (f, f, n_C_prev): aSlicePrev(4, 4, 3) W(4, 4, 2)',
    );
    expect(caught(ShapeError, () => createMaskFromWindow(fromArray(new Float64Array(0), [0, 2]))).message).toBe(
      'createMaskFromWindow: x must hold at least one number: x(0, 2)',
    );
    expect(caught(ArgumentError, () => distributeValue(2, [0, 2])).message).toBe('distributeValue: shape[0]: must be a positive integer, got 0 (shape (0, 2))');
  });
});

/** A fresh leaf with the values of t (in `shape`), its gradient wanted. */
const leaf = (t: Tensor, shape: Shape = t.shape): Tensor => requiresGrad(fromArray(Float64Array.from(t.values()), shape));

describe("equal to the general path: conv2d, maxPool2d, avgPool2d and their autodiff gradients", () => {
  const convCases = [
    { shapes: [[2, 5, 7, 4], [3, 3, 4, 8], [1, 1, 1, 8]], hp: { pad: 1, stride: 2 } },
    { shapes: [[10, 4, 4, 3], [2, 2, 3, 8], [1, 1, 1, 8]], hp: { pad: 2, stride: 2 } },
    { shapes: [[2, 6, 5, 3], [3, 3, 3, 4], [1, 1, 1, 4]], hp: { pad: 0, stride: 1 } },
  ] as const;
  for (const { shapes, hp } of convCases) {
    it(`convForward is conv2d with b as (n_C) and convBackward its autodiff gradients: A_prev${JSON.stringify(shapes[0])}, pad ${hp.pad}, stride ${hp.stride}`, () => {
      const rng = new RandomState(1);
      const [A_prev, W, b] = shapes.map((s) => randn(rng, s)) as [Tensor, Tensor, Tensor];
      const n_C = shapes[1][3];
      const { Z, cache } = convForward(A_prev, W, b, hp);
      const x = leaf(A_prev);
      const w = leaf(W);
      const bias = leaf(b, [n_C]);
      const z = conv2d(x, w, bias, { stride: hp.stride, padding: hp.pad });
      expect(relDiff(Z, z)).toBeLessThan(1e-12);
      // dZ = Z, as the course's conv_backward check feeds it; autodiff's vector-Jacobian product with the same seed.
      backward(z, Z);
      const { dA_prev, dW, db } = convBackward(Z, cache);
      expect(relDiff(dA_prev, x.grad ?? [])).toBeLessThan(1e-12);
      expect(relDiff(dW, w.grad ?? [])).toBeLessThan(1e-12);
      expect(relDiff(db, bias.grad ?? [])).toBeLessThan(1e-12);
    });
  }

  const poolCases = [
    { shape: [2, 5, 5, 3], hp: { stride: 1, f: 3 } },
    { shape: [2, 5, 5, 3], hp: { stride: 2, f: 3 } },
    { shape: [5, 5, 3, 2], hp: { stride: 1, f: 2 } },
  ] as const;
  for (const { shape, hp } of poolCases) {
    it(`poolForward is maxPool2d / avgPool2d and poolBackward their autodiff gradients: A_prev${JSON.stringify(shape)}, f ${hp.f}, stride ${hp.stride}`, () => {
      // randn draws no ties, where the two paths would differ (the next test).
      const rng = new RandomState(1);
      const A_prev = randn(rng, shape);
      for (const mode of ['max', 'average'] as const) {
        const { A, cache } = poolForward(A_prev, hp, mode);
        const x = leaf(A_prev);
        const a = (mode === 'max' ? maxPool2d : avgPool2d)(x, { size: hp.f, stride: hp.stride });
        expect(relDiff(A, a)).toBeLessThan(1e-12);
        const dA = randn(rng, A.shape);
        backward(a, dA);
        expect(relDiff(poolBackward(dA, cache, mode), x.grad ?? [])).toBeLessThan(1e-12);
      }
    });
  }

  it("differs at tied maxima only: the course's mask gives each the whole gradient, maxPool2d gives it to the first (PyTorch's rule)", () => {
    const A_prev = fromArray([[1, 3], [3, -1]]).reshape([1, 2, 2, 1]);
    const { cache } = poolForward(A_prev, { f: 2, stride: 2 }, 'max');
    const dA = fromArray([5], [1, 1, 1, 1]);
    expect(poolBackward(dA, cache, 'max').reshape([2, 2]).toArray()).toEqual([[0, 5], [5, 0]]);
    const x = leaf(A_prev);
    backward(maxPool2d(x, { size: 2 }), dA);
    expect(x.grad?.reshape([2, 2]).toArray()).toEqual([[0, 5], [0, 0]]);
  });
});
