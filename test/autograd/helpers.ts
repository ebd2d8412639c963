import fc from 'fast-check';
import { nodeOf } from '../../src/autograd/index.js';
import { RandomState } from '../../src/core/rng.js';
import { sizeOf, type Shape } from '../../src/core/shape.js';
import { fromArray, type Tensor } from '../../src/tensor/index.js';

/** A float64 tensor of `shape`, uniform in [lo, hi), from `seed`. */
export function uniform(shape: Shape, seed: number, lo = -2, hi = 2): Tensor {
  const rng = new RandomState(seed);
  const data = rng.randArray(sizeOf(shape)).map((u) => lo + (hi - lo) * u);
  return fromArray(data, shape);
}

/** Magnitudes in [lo, hi) with random signs: values kept away from 0 (for div, abs). */
export function awayFromZero(shape: Shape, seed: number, lo = 0.5, hi = 2): Tensor {
  const rng = new RandomState(seed);
  const data = rng.randArray(sizeOf(shape)).map((u) => (rng.random() < 0.5 ? -1 : 1) * (lo + (hi - lo) * u));
  return fromArray(data, shape);
}

/** Distinct values at least 0.08 apart, shuffled: no ties within any finite-difference step. */
export function distinct(shape: Shape, seed: number): Tensor {
  const rng = new RandomState(seed);
  const n = sizeOf(shape);
  const perm = rng.permutation(n);
  const data = Float64Array.from(perm, (p) => (p - n / 2) * 0.1 + 0.01 * rng.random());
  return fromArray(data, shape);
}

/** The primitives recorded in the graph that produced `root`. */
export function opsIn(root: Tensor): Set<string> {
  const ops = new Set<string>();
  const stack = [root];
  const seen = new Set<Tensor>();
  for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
    const node = nodeOf(t);
    if (node === null || seen.has(t)) continue;
    seen.add(t);
    ops.add(node.op);
    stack.push(...node.inputs);
  }
  return ops;
}

/** A shape of rank 0..3 with axes 1..4. */
export const baseShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });

/** A shape that broadcasts to `base`: some leading axes dropped, some axes set to 1. */
export function broadcastable(base: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: base.length }), fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }))
    .map(([drop, ones]) => base.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Expects `fn` to throw an instance of `cls`, and returns it for checks of its fields. */
export function thrown<E>(fn: () => unknown, cls: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof cls) return e;
    throw new Error(`expected ${cls.name}, got ${String(e)}`);
  }
  throw new Error(`expected ${cls.name}, nothing was thrown`);
}
