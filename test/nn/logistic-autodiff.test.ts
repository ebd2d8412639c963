import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { model, optimize, propagate } from '../../src/nn/logistic.js';
import { checkLogisticGradients, logisticCost, modelAutodiff, optimizeAutodiff, propagateAutodiff } from '../../src/nn/logistic-autodiff.js';
import { fromArray, mul, type Tensor } from '../../src/tensor/index.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import { thrown } from '../autograd/helpers.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const REFERENCE_COSTS = [
  '0.693147', '0.584508', '0.466949', '0.376007', '0.331463', '0.303273', '0.279880', '0.260042', '0.242941', '0.228004',
  '0.214820', '0.203078', '0.192544', '0.183033', '0.174399', '0.166521', '0.159305', '0.152667', '0.146542', '0.140872',
];

/** Largest |a - b| relative to the largest |a|: 1e-12 means agreement to 12 digits of the scale. */
function relDiff(a: Tensor, b: Tensor): number {
  const x = a.values();
  const y = b.values();
  let diff = 0;
  let scale = 0;
  x.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - (y[i] as number)));
    scale = Math.max(scale, Math.abs(v));
  });
  return scale === 0 ? diff : diff / scale;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

// The notes' small case (exercises 5-6).
const w = fromArray([[1], [2]]);
const b = 2;
const X = fromArray([[1, 2, -1], [3, 4, -3.2]]);
const Y = fromArray([[1, 0, 1]]);

describe('the single neuron by autodiff, on the notes\' small case', () => {
  it('gives propagate\'s cost and gradients', () => {
    const hand = propagate(w, b, X, Y);
    const auto = propagateAutodiff(w, b, X, Y);
    expect(close(auto.cost, hand.cost)).toBe(true);
    expect(relDiff(hand.grads.dw, auto.grads.dw)).toBeLessThan(1e-12);
    expect(close(auto.grads.db, hand.grads.db)).toBe(true);
    expect(auto.grads.dw.toArray()).toEqual([[expect.closeTo(0.99845601, 8)], [expect.closeTo(2.39507239, 8)]]);
  });
  it("optimizes to the notes' parameters, as optimize does", () => {
    const opts = { numIterations: 100, learningRate: 0.009 };
    const hand = optimize(w, b, X, Y, opts);
    const auto = optimizeAutodiff(w, b, X, Y, opts);
    expect(relDiff(hand.params.w, auto.params.w)).toBeLessThan(1e-12);
    expect(close(auto.params.b, hand.params.b)).toBe(true);
    expect(auto.params.b).toBeCloseTo(1.92535983008, 11);
    expect(auto.params.w.requiresGrad).toBe(false);
    expect(relDiff(hand.grads.dw, auto.grads.dw)).toBeLessThan(1e-12);
    expect(auto.costs.map((c) => c.iteration)).toEqual([0]);
  });
  it('returns what model returns', () => {
    const opts = { numIterations: 300, learningRate: 0.01, recordEvery: 50 };
    const hand = model(X, Y, X, Y, opts);
    const auto = modelAutodiff(X, Y, X, Y, opts);
    expect(auto.costs.map((c) => c.iteration)).toEqual(hand.costs.map((c) => c.iteration));
    auto.costs.forEach((c, i) => expect(close(c.cost, hand.costs[i]?.cost as number)).toBe(true));
    expect(auto.YPredictionTrain.toArray()).toEqual(hand.YPredictionTrain.toArray());
    expect(auto.trainAccuracy).toBe(hand.trainAccuracy);
    expect(auto.learningRate).toBe(0.01);
    expect(auto.numIterations).toBe(300);
  });
  it('keeps a float32 model in float32', () => {
    const X32 = X.astype('float32');
    const Y32 = Y.astype('float32');
    const auto = propagateAutodiff(w.astype('float32'), b, X32, Y32);
    expect(auto.grads.dw.dtype).toBe('float32');
    expect(relDiff(propagate(w, b, X, Y).grads.dw, auto.grads.dw)).toBeLessThan(1e-6);
    const d = modelAutodiff(X32, Y32, X32, Y32, { numIterations: 10, learningRate: 0.01 });
    expect(d.w.dtype).toBe('float32');
    expect(d.b).toBe(Math.fround(d.b));
  });
  it('names both shapes when X does not fit w', () => {
    const e = thrown(() => propagateAutodiff(fromArray([[1], [2], [3]]), 0, X, Y), ShapeError);
    expect(e.op).toBe('propagateAutodiff');
    expect(e.shapes).toEqual([[3, 1], [2, 3]]);
  });
  it('builds the cost from primitives: J matches propagate', () => {
    expect(close(logisticCost(w, b, X, Y).item(), propagate(w, b, X, Y).cost)).toBe(true);
  });
});

describe('the single neuron by autodiff, on the cat images', () => {
  let data: CatData;
  beforeAll(async () => {
    data = await loadCatData({ data: SHARED });
  });

  it('equals the hand-derived propagate to 1e-12, at zeros and at random weights', () => {
    const n = data.trainX.shape[0] as number;
    const random = mul(fromArray(new RandomState(3).randnArray(n), [n, 1]), 0.01);
    for (const [w0, b0] of [[mul(random, 0), 0], [random, 0.3]] as const) {
      const hand = propagate(w0, b0, data.trainX, data.trainY);
      const auto = propagateAutodiff(w0, b0, data.trainX, data.trainY);
      expect(relDiff(hand.grads.dw, auto.grads.dw)).toBeLessThan(1e-12);
      expect(close(auto.grads.db, hand.grads.db)).toBe(true);
      expect(close(auto.cost, hand.cost)).toBe(true);
    }
  });
  it('passes the gradient check on a sample of the weights', () => {
    const r = checkLogisticGradients(data.trainX, data.trainY, { samples: 20 });
    expect(r.inputs.map((c) => [c.name, c.coordinates.length])).toEqual([['w', 20], ['b', 1]]);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
  });
  it('starts on the reference costs (the first 101 iterations)', () => {
    const r = modelAutodiff(data.trainX, data.trainY, data.testX, data.testY, { numIterations: 101, learningRate: 0.005 });
    expect(r.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS.slice(0, 2));
  });
  it('reproduces the reference costs and accuracies over 2000 iterations', () => {
    const r = modelAutodiff(data.trainX, data.trainY, data.testX, data.testY, { numIterations: 2000, learningRate: 0.005 });
    expect(r.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
    expect(r.trainAccuracy).toBe(99.04306220095694);
    expect(r.testAccuracy).toBe(70.0);
  });
});
