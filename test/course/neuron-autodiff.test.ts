// The single neuron with its gradients left to autodiff: equal to the hand-derived
// `propagate`/`optimize`/`model` and to the general path's Sequential, and the reference
// figures on catvnoncat.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { model, optimize, propagate } from '../../src/course/neuron.js';
import { checkLogisticGradients, logisticCost, modelAutodiff, optimizeAutodiff, propagateAutodiff } from '../../src/course/neuron-autodiff.js';
import { lossOfScores } from '../../src/nn/loss.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { fromArray, mul } from '../../src/tensor/index.js';
import { caught, courseData, REFERENCE_COSTS, relDiff, type CourseSet } from './helpers.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

// The notes' small case (exercises 5-6).
const w = fromArray([[1], [2]]);
const b = 2;
const X = fromArray([[1, 2, -1], [3, 4, -3.2]]);
const Y = fromArray([[1, 0, 1]]);

describe("the single neuron by autodiff, on the notes' small case", () => {
  it("gives propagate's cost and gradients", () => {
    const hand = propagate(w, b, X, Y);
    const auto = propagateAutodiff(w, b, X, Y);
    expect(rel(auto.cost, hand.cost)).toBeLessThan(1e-12);
    expect(relDiff(auto.grads.dw, hand.grads.dw)).toBeLessThan(1e-12);
    expect(rel(auto.grads.db, hand.grads.db)).toBeLessThan(1e-12);
    expect(auto.grads.dw.toArray()).toEqual([[expect.closeTo(0.99845601, 8)], [expect.closeTo(2.39507239, 8)]]);
  });
  it("gives the general path's gradients: the Sequential dense:1, sigmoid with W1 = wᵀ", () => {
    const net = buildModel([2], parseArch('dense:1,sigmoid'), { init: { kind: 'zeros' }, seed: 1 });
    const [W1, b1] = net.parameters();
    if (W1 === undefined || b1 === undefined) throw new Error('expected W1 and b1');
    W1.value = w.reshape([1, 2]);
    b1.value = fromArray([b]);
    const J = lossOfScores(net, net.scores(X.T), Y.reshape([3]));
    backward(J);
    const auto = propagateAutodiff(w, b, X, Y);
    expect(rel(J.item(), auto.cost)).toBeLessThan(1e-12);
    expect(relDiff(W1.value.grad?.T ?? fromArray([]), auto.grads.dw)).toBeLessThan(1e-12);
    expect(rel(b1.value.grad?.item() ?? Number.NaN, auto.grads.db)).toBeLessThan(1e-12);
  });
  it("optimizes to the notes' parameters, as optimize does", () => {
    const opts = { numIterations: 100, learningRate: 0.009 };
    const hand = optimize(w, b, X, Y, opts);
    const auto = optimizeAutodiff(w, b, X, Y, opts);
    expect(relDiff(auto.params.w, hand.params.w)).toBeLessThan(1e-12);
    expect(rel(auto.params.b, hand.params.b)).toBeLessThan(1e-12);
    expect(auto.params.b).toBeCloseTo(1.92535983008, 11);
    expect(auto.params.w.requiresGrad).toBe(false);
    expect(relDiff(auto.grads.dw, hand.grads.dw)).toBeLessThan(1e-12);
    expect(auto.costs.map((c) => c.iteration)).toEqual([0]);
  });
  it('returns what model returns', () => {
    const opts = { numIterations: 300, learningRate: 0.01, recordEvery: 50 };
    const hand = model(X, Y, X, Y, opts);
    const auto = modelAutodiff(X, Y, X, Y, opts);
    expect(auto.costs.map((c) => c.iteration)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(relDiff(auto.costs.map((c) => c.cost), hand.costs.map((c) => c.cost))).toBeLessThan(1e-12);
    expect(auto.YPredictionTrain.toArray()).toEqual(hand.YPredictionTrain.toArray());
    expect(auto.trainAccuracy).toBe(hand.trainAccuracy);
    expect([auto.learningRate, auto.numIterations]).toEqual([0.01, 300]);
  });
  it('reports each recorded cost through onCost', () => {
    const seen: number[] = [];
    const r = optimizeAutodiff(w, b, X, Y, { numIterations: 12, learningRate: 0.01, recordEvery: 4, onCost: (i) => seen.push(i) });
    expect(seen).toEqual([0, 4, 8]);
    expect(r.costs.map((c) => c.iteration)).toEqual(seen);
  });
  it('keeps a float32 model in float32', () => {
    const X32 = X.astype('float32');
    const Y32 = Y.astype('float32');
    const auto = propagateAutodiff(w.astype('float32'), b, X32, Y32);
    expect(auto.grads.dw.dtype).toBe('float32');
    expect(relDiff(auto.grads.dw, propagate(w, b, X, Y).grads.dw)).toBeLessThan(1e-6);
    const d = modelAutodiff(X32, Y32, X32, Y32, { numIterations: 10, learningRate: 0.01 });
    expect(d.w.dtype).toBe('float32');
    expect(d.b).toBe(Math.fround(d.b));
  });
  it('names both shapes when X does not fit w, and refuses settings like optimize', () => {
    const e = caught(ShapeError, () => propagateAutodiff(fromArray([[1], [2], [3]]), 0, X, Y));
    expect(e.op).toBe('propagateAutodiff');
    expect(e.shapes).toEqual([[3, 1], [2, 3]]);
    expect(caught(ShapeError, () => optimizeAutodiff(w, b, X, fromArray([[1]]), { numIterations: 1, learningRate: 0.1 })).message).toBe('optimizeAutodiff: Y must be (1, m) for X(2, 3), got Y(1, 1)');
    expect(caught(ArgumentError, () => optimizeAutodiff(w, b, X, Y, { numIterations: 1.5, learningRate: 0.1 })).message).toBe('optimizeAutodiff: numIterations: must be a positive integer, got 1.5');
  });
  it("builds the cost from primitives: J matches propagate's", () => {
    expect(rel(logisticCost(w, b, X, Y).item(), propagate(w, b, X, Y).cost)).toBeLessThan(1e-15);
  });
});

describe('the single neuron by autodiff, on the cat images', () => {
  let train: CourseSet;
  let test: CourseSet;
  beforeAll(async () => {
    ({ train, test } = await courseData());
  });

  it('equals the hand-derived propagate to 1e-12, at zeros and at random weights', () => {
    const n = train.X.shape[0] as number;
    const random = mul(fromArray(new RandomState(3).randnArray(n), [n, 1]), 0.01);
    for (const [w0, b0] of [[mul(random, 0), 0], [random, 0.3]] as const) {
      const hand = propagate(w0, b0, train.X, train.Y);
      const auto = propagateAutodiff(w0, b0, train.X, train.Y);
      expect(relDiff(auto.grads.dw, hand.grads.dw)).toBeLessThan(1e-12);
      expect(Math.abs(auto.grads.db - hand.grads.db)).toBeLessThan(1e-12 * Math.max(1, Math.abs(hand.grads.db)));
      expect(rel(auto.cost, hand.cost)).toBeLessThan(1e-12);
    }
  });
  it('passes the gradient check on a sample of the weights', () => {
    const r = checkLogisticGradients(train.X, train.Y, { samples: 20 });
    expect(r.inputs.map((c) => [c.name, c.coordinates.length])).toEqual([['w', 20], ['b', 1]]);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
  });
  // The full run stays in the default suite, as before the move.
  it('reproduces the reference costs and accuracies over 2000 iterations', () => {
    const r = modelAutodiff(train.X, train.Y, test.X, test.Y, { numIterations: 2000, learningRate: 0.005 });
    expect(r.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
    expect(r.trainAccuracy).toBe(99.04306220095694);
    expect(r.testAccuracy).toBe(70);
  }, 600_000);
});
