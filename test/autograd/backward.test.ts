import { describe, expect, it } from 'vitest';
import { backward, detach, isGradEnabled, label, nameOf, noGrad, nodeOf, requiresGrad, variable, zeroGrad } from '../../src/autograd/index.js';
import { ArgumentError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { add, fromArray, mul, ones, scalar, sum, tanh, zeros, type Tensor } from '../../src/tensor/index.js';
import { thrown } from './helpers.js';

describe('recording', () => {
  it('records only when an input requires gradients', () => {
    const plain = add(fromArray([1, 2]), 1);
    expect(plain.requiresGrad).toBe(false);
    expect(nodeOf(plain)).toBeNull();
    const w = variable([1, 2]);
    const y = mul(w, 3);
    expect(y.requiresGrad).toBe(true);
    expect(nodeOf(y)?.op).toBe('mul');
    expect(nodeOf(y)?.inputs[0]).toBe(w);
  });
  it('accepts PyTorch-style flags: t.requiresGrad = true, and requiresGrad(t)', () => {
    const a = fromArray([1, 2]);
    a.requiresGrad = true;
    const b = requiresGrad(fromArray([3, 4]));
    backward(sum(mul(a, b)));
    expect(a.grad?.toArray()).toEqual([3, 4]);
    expect(b.grad?.toArray()).toEqual([1, 2]);
  });
  it('records nothing inside noGrad, and restores recording after it, even on a throw', () => {
    const w = variable([1, 2]);
    const y = noGrad(() => mul(w, 2));
    expect(y.requiresGrad).toBe(false);
    expect(nodeOf(y)).toBeNull();
    expect(() => noGrad(() => { throw new Error('inside'); })).toThrow('inside');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => noGrad(() => undefined));
    expect(isGradEnabled()).toBe(true);
  });
  it('detach cuts the graph: no gradient flows through the detached copy', () => {
    const x = variable([2, 3]);
    backward(sum(mul(x, detach(x)))); // d(x·c)/dx = c, not 2x
    expect(x.grad?.toArray()).toEqual([2, 3]);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.data).toBe(x.data);
  });
  it('names tensors for pictures', () => {
    const a = variable(7, { name: 'a' });
    const u = label(mul(a, 2), 'u');
    expect(nameOf(a)).toBe('a');
    expect(nameOf(u)).toBe('u');
    expect(nameOf(scalar(1))).toBeUndefined();
  });
});

describe('backward', () => {
  it('computes d(Σ w²)/dw = 2w, also as a method', () => {
    const w = variable([1, -2, 3]);
    sum(mul(w, w)).backward();
    expect(w.grad?.toArray()).toEqual([2, -4, 6]);
  });
  it('adds the gradients of every path through a shared tensor', () => {
    const a = variable(3);
    const b = mul(a, a); // a used twice by one op
    backward(add(add(b, a), mul(b, 2))); // 3a² + a
    expect(a.grad?.item()).toBe(19);
  });
  it('accumulates over calls until zeroGrad', () => {
    const w = variable([1, 2]);
    const f = (): Tensor => sum(mul(w, 3));
    backward(f());
    backward(f());
    expect(w.grad?.toArray()).toEqual([6, 6]);
    zeroGrad(w);
    expect(w.grad).toBeNull();
    backward(f());
    expect(w.grad?.toArray()).toEqual([3, 3]);
  });
  it('keeps intermediate gradients only when asked', () => {
    const a = variable(2);
    const u = mul(a, 5);
    backward(mul(u, u));
    expect(u.grad).toBeNull();
    const v = mul(a, 5);
    backward(mul(v, v), undefined, { retainGrads: true });
    expect(v.grad?.item()).toBe(20);
  });
  it('takes a seed for a non-scalar output: the vector-Jacobian product', () => {
    const x = variable([1, 2, 3]);
    backward(mul(x, x), fromArray([1, 10, 100]));
    expect(x.grad?.toArray()).toEqual([2, 40, 600]);
  });
  it('gives a leaf a contiguous gradient of its own shape, even from a broadcast', () => {
    const b = variable([[1], [2]]);
    backward(sum(add(b, zeros([2, 3]))));
    expect(b.grad?.toArray()).toEqual([[3], [3]]);
    const w = variable([[1, 2]]);
    backward(sum(w));
    expect(w.grad?.isContiguous).toBe(true);
  });
  it('runs a chain of 100,000 ops without a stack overflow', () => {
    const x = variable(0.5);
    const c = 1 + 1e-6;
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = i % 2 === 0 ? mul(y, c) : add(y, 0);
    backward(y);
    expect(Math.abs((x.grad?.item() ?? 0) / c ** 50_000 - 1)).toBeLessThan(1e-9);
  });
  it('runs a deep chain of nonlinear ops too', () => {
    const x = variable(0.3);
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = tanh(y);
    backward(y);
    expect(Number.isFinite(x.grad?.item())).toBe(true);
  });
  it('differentiates a leaf with respect to itself', () => {
    const x = variable([4, 5]);
    backward(x, ones([2]));
    expect(x.grad?.toArray()).toEqual([1, 1]);
  });
});

describe('misuse gives typed errors that say what to do', () => {
  it('backward on a non-scalar without a seed: ShapeError naming the shape', () => {
    const y = mul(variable([[1, 2, 3], [4, 5, 6]]), 2);
    const e = thrown(() => backward(y), ShapeError);
    expect(e.op).toBe('backward');
    expect(e.shapes).toEqual([[2, 3]]);
    expect(e.message).toContain('(2, 3)');
    expect(e.message).toContain('seed');
    expect(e.message).toContain('y.sum()');
  });
  it('a seed of the wrong shape: ShapeError with both shapes', () => {
    const y = mul(variable([[1, 2, 3], [4, 5, 6]]), 2);
    const e = thrown(() => backward(y, ones([3])), ShapeError);
    expect(e.op).toBe('backward');
    expect(e.shapes).toEqual([[2, 3], [3]]);
    expect(e.message).toContain('seed gradient shape (3,) does not match output shape (2, 3)');
  });
  it('backward of a tensor that does not require gradients: ArgumentError saying how to mark inputs', () => {
    const e = thrown(() => backward(sum(fromArray([1, 2]))), ArgumentError);
    expect(e.op).toBe('backward');
    expect(e.argument).toBe('output');
    expect(e.message).toContain('requiresGrad(w)');
    expect(e.message).toContain('variable(');
    const inScope = thrown(() => backward(noGrad(() => sum(variable([1])))), ArgumentError);
    expect(inScope.message).toContain('outside noGrad()');
  });
  it('requiresGrad on an integer tensor: DTypeError naming the dtype', () => {
    const e = thrown(() => requiresGrad(fromArray([1, 2], undefined, 'int32')), DTypeError);
    expect(e.op).toBe('requiresGrad');
    expect(e.dtypes).toEqual(['int32']);
    expect(e.message).toContain("astype(t, 'float64')");
  });
});
