// Adam's fused one-pass update (src/kernels/optim.ts) against its tensor expression, bit for
// bit, over several steps, in float64 and float32 (every intermediate rounded as the ops store it).
import { describe, expect, it } from 'vitest';
import { adamUpdate } from '../../src/kernels/optim.js';
import { adamWasm } from '../../src/kernels/optim-wasm.js';
import { Adam, GradientDescent } from '../../src/optim/index.js';
import { add, div, mul, sqrt, sub, zeros, type Tensor } from '../../src/tensor/index.js';
import { uniform } from '../autograd/helpers.js';

/** The course's Adam written with tensor ops, as optimizers.ts writes it. */
function reference(steps: { p: Tensor; g: Tensor }[], lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): Tensor[] {
  let v: Tensor | null = null;
  let s: Tensor | null = null;
  let p = steps[0]?.p as Tensor;
  const out: Tensor[] = [];
  steps.forEach(({ g }, k) => {
    const t = k + 1;
    v = add(mul(b1, v ?? zeros(p.shape, p.dtype)), mul(1 - b1, g));
    s = add(mul(b2, s ?? zeros(p.shape, p.dtype)), mul(1 - b2, mul(g, g)));
    p = sub(p, div(mul(lr, div(v, 1 - b1 ** t)), add(sqrt(div(s, 1 - b2 ** t)), eps)));
    out.push(p);
  });
  return out;
}

describe('fused Adam', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`on WebAssembly SIMD (a parameter of ${61 * 37} elements, a lane tail) equals the tensor expression and the loop bit for bit (${dtype})`, () => {
      const p0 = uniform([61, 37], 7).astype(dtype);
      const grads = [8, 9, 10].map((seed) => uniform([61, 37], seed, -3, 3).astype(dtype));
      const want = reference(grads.map((g) => ({ p: p0, g })), 0.001);
      const adam = new Adam({ learningRate: 0.001 });
      let p = p0;
      // The kernels side by side on the same inputs: the SIMD one must run here (Node has SIMD).
      const n = p0.size;
      const f32 = dtype === 'float32';
      const out = () => (f32 ? new Float32Array(n) : new Float64Array(n));
      const c = { beta1: 0.9, beta2: 0.999, lr: 0.001, epsilon: 1e-8, correction1: 1 - 0.9, correction2: 1 - 0.999 };
      const [wp, wv, ws, lp, lv, ls] = [out(), out(), out(), out(), out(), out()];
      const pv = p0.values() as Float64Array;
      const gv = (grads[0] as Tensor).values() as Float64Array;
      expect(adamWasm(pv, gv, null, null, c, f32, wp, wv, ws)).toBe(true);
      adamUpdate(pv, gv, null, null, c, f32, lp, lv, ls);
      expect([...wp]).toEqual([...lp]);
      expect([...ws]).toEqual([...ls]);
      grads.forEach((g, k) => {
        [p] = adam.step([p], [g]) as [Tensor];
        expect([...p.values()]).toEqual([...(want[k] as Tensor).values()]);
      });
    });

    it(`equals the tensor expression bit for bit over 5 steps (${dtype})`, () => {
      const p0 = uniform([7, 5], 1).astype(dtype);
      const grads = [2, 3, 4, 5, 6].map((seed) => uniform([7, 5], seed, -3, 3).astype(dtype));
      const want = reference(grads.map((g) => ({ p: p0, g })), 0.01);
      const adam = new Adam({ learningRate: 0.01 });
      let p = p0;
      grads.forEach((g, k) => {
        [p] = adam.step([p], [g]) as [Tensor];
        expect(p.dtype).toBe(dtype);
        expect([...p.values()]).toEqual([...(want[k] as Tensor).values()]);
      });
      const state = adam.getState();
      expect(state.slots['v']?.[0]?.dtype).toBe(dtype);
    });
  }
});

describe('Adam state in place', () => {
  it('a state taken by getState is not changed by later steps, and resuming from it gives the same parameters', () => {
    const p0 = uniform([6, 4], 1);
    const grads = [2, 3, 4, 5].map((seed) => uniform([6, 4], seed, -3, 3));
    const a = new Adam({ learningRate: 0.01 });
    let p = p0;
    [p] = a.step([p], [grads[0] as Tensor]) as [Tensor];
    [p] = a.step([p], [grads[1] as Tensor]) as [Tensor];
    const state = a.getState();
    const v = [...(state.slots['v']?.[0] as Tensor).values()];
    const s = [...(state.slots['s']?.[0] as Tensor).values()];
    const pAt2 = p;
    [p] = a.step([p], [grads[2] as Tensor]) as [Tensor];
    [p] = a.step([p], [grads[3] as Tensor]) as [Tensor];
    expect([...(state.slots['v']?.[0] as Tensor).values()]).toEqual(v);
    expect([...(state.slots['s']?.[0] as Tensor).values()]).toEqual(s);
    const b = new Adam({ learningRate: 0.01 });
    b.setState(state);
    let q = pAt2;
    [q] = b.step([q], [grads[2] as Tensor]) as [Tensor];
    [q] = b.step([q], [grads[3] as Tensor]) as [Tensor];
    expect([...q.values()]).toEqual([...p.values()]);
    // The resumed optimiser's own steps did not write into the state it was given either.
    expect([...(state.slots['v']?.[0] as Tensor).values()]).toEqual(v);
  });
});

describe('fused gradient descent', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`equals sub(p, mul(lr, g)) bit for bit over 3 steps (${dtype})`, () => {
      const gd = new GradientDescent({ learningRate: 0.0075 });
      let p = uniform([9, 4], 1).astype(dtype);
      let want = p;
      for (const seed of [2, 3, 4]) {
        const g = uniform([9, 4], seed, -3, 3).astype(dtype);
        want = sub(want, mul(0.0075, g));
        [p] = gd.step([p], [g]) as [Tensor];
        expect(p.dtype).toBe(dtype);
        expect([...p.values()]).toEqual([...want.values()]);
      }
    });
  }
});
