import { describe, expect, it } from 'vitest';
import { grad, gradCheck, noGrad, valueAndGrad, variable } from '../../src/autograd/index.js';
import { ArgumentError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { fromArray, mul, scalar, sigmoid, sum, type Tensor } from '../../src/tensor/index.js';
import { thrown } from './helpers.js';

describe('grad and valueAndGrad', () => {
  const f = (x: Tensor, y: Tensor): Tensor => sum(mul(x, y));
  it('give the value and one gradient per argument', () => {
    const [value, [dx, dy]] = valueAndGrad(f)(fromArray([1, 2]), fromArray([3, 4]));
    expect(value.item()).toBe(11);
    expect(dx.toArray()).toEqual([3, 4]);
    expect(dy.toArray()).toEqual([1, 2]);
    const [dx2] = grad((x: Tensor) => sum(mul(x, x)))(fromArray([1, 2, 3]));
    expect(dx2.toArray()).toEqual([2, 4, 6]);
  });
  it("leave the caller's tensors untouched, and give fresh gradients each call", () => {
    const x = variable([1, 2]);
    const df = grad((a: Tensor) => sum(mul(a, 5)));
    df(x);
    const [d] = df(x);
    expect(d.toArray()).toEqual([5, 5]);
    expect(x.grad).toBeNull();
  });
  it('record even inside noGrad', () => {
    const [d] = noGrad(() => grad((a: Tensor) => sum(mul(a, a)))(scalar(3)));
    expect(d.item()).toBe(6);
  });
  it('give zeros for an argument the output does not depend on', () => {
    const [, dy] = grad((x: Tensor, _y: Tensor) => sum(x))(fromArray([1, 2]), fromArray([[1, 2]]));
    expect(dy.toArray()).toEqual([[0, 0]]);
    const [, [dc]] = valueAndGrad((_c: Tensor) => scalar(4))(scalar(1));
    expect(dc.item()).toBe(0);
  });
  it('refuse a non-scalar f with a ShapeError saying to reduce it', () => {
    const e = thrown(() => grad((x: Tensor) => mul(x, 2))(fromArray([1, 2])), ShapeError);
    expect(e.op).toBe('grad');
    expect(e.shapes).toEqual([[2]]);
    expect(e.message).toContain('y.sum()');
  });
  it('refuse integer arguments with a DTypeError', () => {
    const e = thrown(() => grad((x: Tensor) => sum(x))(fromArray([1], undefined, 'int32')), DTypeError);
    expect(e.op).toBe('requiresGrad');
  });
});

describe('gradCheck', () => {
  it('passes a right gradient, reporting per input, below the notes\' 1e-7', () => {
    const r = gradCheck((w: Tensor, x: Tensor) => sigmoid(sum(mul(w, x))), [fromArray([2, -3]), fromArray([-1, -2])], { names: ['w', 'x'] });
    expect(r.passed).toBe(true);
    expect(r.threshold).toBe(1e-7);
    expect(r.epsilon).toBe(1e-7);
    expect(r.inputs.map((c) => c.name)).toEqual(['w', 'x']);
    for (const c of r.inputs) expect(c.relativeError).toBeLessThan(1e-7);
    expect(r.maxRelativeError).toBe(Math.max(...r.inputs.map((c) => c.relativeError)));
  });
  it('fails a wrong gradient: a detached factor hides half of d(x²)/dx', () => {
    const r = gradCheck((x: Tensor) => sum(mul(x, x.detach())), [fromArray([1, 2, 3])]);
    expect(r.passed).toBe(false);
    expect(r.inputs[0]?.analytic).toEqual([1, 2, 3]);
    expect(r.inputs[0]?.numeric.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([2, 4, 6]);
    expect(r.inputs[0]?.relativeError).toBeCloseTo(1 / 3, 6);
  });
  it('checks a seeded sample of coordinates when asked', () => {
    const x = fromArray(Array.from({ length: 100 }, (_, i) => i / 10));
    const r = gradCheck((a: Tensor) => sum(mul(a, a)), [x], { samples: 7, seed: 3 });
    const again = gradCheck((a: Tensor) => sum(mul(a, a)), [x], { samples: 7, seed: 3 });
    expect(r.inputs[0]?.coordinates).toHaveLength(7);
    expect(r.inputs[0]?.coordinates).toEqual(again.inputs[0]?.coordinates);
    expect(r.passed).toBe(true);
  });
  it('works in float64 whatever the inputs\' dtype', () => {
    const r = gradCheck((a: Tensor) => sum(mul(a, a)), [fromArray([1.5, 2.5], undefined, 'float32')]);
    expect(r.passed).toBe(true);
  });
  it('rejects bad settings with ArgumentErrors naming them', () => {
    const f = (a: Tensor): Tensor => sum(a);
    expect(thrown(() => gradCheck(f, [scalar(1)], { epsilon: 0 }), ArgumentError).argument).toBe('epsilon');
    expect(thrown(() => gradCheck(f, [scalar(1)], { threshold: -1 }), ArgumentError).argument).toBe('threshold');
    expect(thrown(() => gradCheck(f, [scalar(1)], { samples: 1.5 }), ArgumentError).argument).toBe('samples');
  });
});
