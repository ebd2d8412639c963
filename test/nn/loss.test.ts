import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError } from '../../src/core/errors.js';
import { sigmoid, softmax } from '../../src/nn/activations.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, l2Term, softmaxCrossEntropy } from '../../src/nn/loss.js';
import { Parameter } from '../../src/nn/module.js';
import { fromArray, type Tensor } from '../../src/tensor/index.js';

describe('binaryCrossEntropy', () => {
  it("is the course's compute_cost example: AL = [.8, .9, .4], Y = [1, 1, 0] gives 0.2797765635793422", () => {
    expect(binaryCrossEntropy(fromArray([[0.8], [0.9], [0.4]]), fromArray([[1], [1], [0]])).item()).toBeCloseTo(0.2797765635793422, 15);
  });
  it("differentiates to the course's dAL = -(Y/AL - (1-Y)/(1-AL)), over m", () => {
    const AL = fromArray([[0.8], [0.9], [0.4]]);
    const Y = fromArray([[1], [1], [0]]);
    const [dAL] = grad((a: Tensor) => binaryCrossEntropy(a, Y))(AL);
    const want = [0.8, 0.9, 0.4].map((a, i) => -([1, 1, 0][i]! / a - (1 - [1, 1, 0][i]!) / (1 - a)) / 3);
    expect(Array.from(dAL.values())).toEqual(want.map((v) => expect.closeTo(v, 15)));
  });
  it('is infinite when a probability is exactly 1 for a 0 label', () => {
    expect(binaryCrossEntropy(fromArray([[1]]), fromArray([[0]])).item()).toBe(Infinity);
  });
  it('names both shapes when they differ', () => {
    try {
      binaryCrossEntropy(fromArray([[0.5], [0.5]]), fromArray([[1], [0], [1]]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as ShapeError).shapes).toEqual([[2, 1], [3, 1]]);
      expect((e as Error).message).toBe('binaryCrossEntropy: A and Y must both be (N, k): A(2, 1) Y(3, 1)');
    }
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('equals the course cost on σ(z) where that is finite, with the same gradient (σ(z) - y)/m', () => {
    const Z = fromArray([[-3], [-0.2], [0], [1.5], [4]]);
    const Y = fromArray([[0], [1], [1], [0], [1]]);
    expect(binaryCrossEntropyWithLogits(Z, Y).item()).toBeCloseTo(binaryCrossEntropy(sigmoid(Z), Y).item(), 14);
    const [g] = grad((z: Tensor) => binaryCrossEntropyWithLogits(z, Y))(Z);
    const s = sigmoid(Z).values();
    expect(Array.from(g.values())).toEqual(Array.from(s, (v, i) => expect.closeTo((v - [0, 1, 1, 0, 1][i]!) / 5, 15)));
  });
  it('stays finite where the probability rounds to 0 or 1', () => {
    expect(binaryCrossEntropyWithLogits(fromArray([[800], [-800]]), fromArray([[0], [1]])).item()).toBe(800);
    expect(binaryCrossEntropyWithLogits(fromArray([[800]]), fromArray([[1]])).item()).toBe(0);
  });
});

describe('softmaxCrossEntropy', () => {
  it('is log k for equal scores and -(1/m) Σ y log p in general', () => {
    expect(softmaxCrossEntropy(fromArray([[0, 0]]), fromArray([[1, 0]])).item()).toBeCloseTo(Math.log(2), 15);
    const Z = fromArray([[1, 2, 0.5], [-1, 0, 3]]);
    const Y = fromArray([[0, 1, 0], [0, 0, 1]]);
    const p = softmax(Z, 1).toArray() as number[][];
    expect(softmaxCrossEntropy(Z, Y).item()).toBeCloseTo(-(Math.log(p[0]![1]!) + Math.log(p[1]![2]!)) / 2, 15);
  });
  it('has gradient (softmax(Z) - Y)/m and is finite for huge scores', () => {
    const Z = fromArray([[1, 2, 0.5], [-1, 0, 3]]);
    const Y = fromArray([[0, 1, 0], [0, 0, 1]]);
    const [g] = grad((z: Tensor) => softmaxCrossEntropy(z, Y))(Z);
    const p = softmax(Z, 1).values();
    const y = Y.values();
    expect(Array.from(g.values())).toEqual(Array.from(p, (v, i) => expect.closeTo((v - y[i]!) / 2, 15)));
    expect(softmaxCrossEntropy(fromArray([[1000, 0]]), fromArray([[0, 1]])).item()).toBe(1000);
  });
});

describe('l2Term', () => {
  it("is the course's (1/m)(λ/2) Σ‖W‖² over the weights, biases left out", () => {
    const params = [new Parameter('W1', fromArray([[1, 2], [3, 4]])), new Parameter('b1', fromArray([9, 9]), 'bias'), new Parameter('W2', fromArray([[0.5, -1]]))];
    expect(l2Term(params, 0.7, 5)?.item()).toBeCloseTo((1 / 5) * (0.7 / 2) * (30 + 1.25), 15);
    expect(l2Term(params, 0, 5)).toBeNull();
  });
  it('adds λ/m · W to the gradient', () => {
    const W = fromArray([[1, -2]]);
    const [g] = grad((w: Tensor) => l2Term([new Parameter('W1', w)], 0.7, 5) as Tensor)(W);
    expect(Array.from(g.values())).toEqual([0.7 / 5, (-2 * 0.7) / 5].map((v) => expect.closeTo(v, 15)));
  });
});
