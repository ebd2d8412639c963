// The notes' single neuron by its names: the notes' own small cases (hand-computed), each
// function equal to the general path (the Sequential `dense:1, sigmoid` with autodiff, in
// the one Trainer), and `model` on catvnoncat giving the reference figures.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { accuracy, checkFiniteInputs, initializeWithZeros, model, modelResult, optimize, predict, probabilities, propagate } from '../../src/course/neuron.js';
import { lossOfScores } from '../../src/nn/loss.js';
import { parseArch, buildModel } from '../../src/nn/registry.js';
import type { Sequential } from '../../src/nn/sequential.js';
import { GradientDescent } from '../../src/optim/index.js';
import { fromArray, mul, type Tensor } from '../../src/tensor/index.js';
import { AutodiffStep } from '../../src/train/step-autodiff.js';
import { Trainer } from '../../src/train/trainer.js';
import { caught, courseData, REFERENCE_COSTS, relDiff, type CourseSet } from './helpers.js';

// The notes' small cases (Logistic Regression with a Neural Network mindset, exercises 5-7).
const w = fromArray([[1], [2]]);
const b = 2;
const X = fromArray([[1, 2, -1], [3, 4, -3.2]]);
const Y = fromArray([[1, 0, 1]]);

/** The same neuron on the general path: `dense:1, sigmoid` with W1 = wᵀ and b1 = [b]. */
function neuronModel(w: Tensor, b: number): Sequential {
  const n = w.shape[0] as number;
  const net = buildModel([n], parseArch('dense:1,sigmoid'), { init: { kind: 'zeros' }, seed: 1, dtype: w.dtype === 'float32' ? 'float32' : 'float64' });
  const [W1, b1] = net.parameters();
  if (W1 === undefined || b1 === undefined) throw new Error('expected W1 and b1');
  W1.value = w.reshape([1, n]);
  b1.value = fromArray([b]).astype(w.dtype);
  return net;
}

/** The general path's cost and gradients, by autodiff, on the samples as rows. */
function generalPropagate(w: Tensor, b: number, X: Tensor, Y: Tensor): { cost: number; dw: Tensor; db: number } {
  const net = neuronModel(w, b);
  const m = X.shape[1] as number;
  const J = lossOfScores(net, net.scores(X.T), Y.reshape([m]));
  backward(J);
  const [W1, b1] = net.parameters().map((p) => p.value.grad);
  if (W1 === undefined || W1 === null || b1 === undefined || b1 === null) throw new Error('expected gradients');
  return { cost: J.item(), dw: W1.T, db: b1.item() };
}

/** `optimize` on the general path: the Trainer's autodiff step and gradient descent. */
function generalOptimize(w: Tensor, b: number, X: Tensor, Y: Tensor, numIterations: number, learningRate: number, every: number) {
  const net = neuronModel(w, b);
  const m = X.shape[1] as number;
  const step = new AutodiffStep(net, X.T, Y.reshape([m]), { loss: 'course', l2: 0 });
  const t = new Trainer(step, new GradientDescent({ learningRate }), m, { epochs: numIterations, record: { every, last: false } });
  t.advance();
  const r = t.result();
  const [W1, b1] = net.parameters().map((p) => p.value);
  return { costs: r.records.map((c) => ({ iteration: c.index, cost: c.cost })), w: (W1 as Tensor).T, b: (b1 as Tensor).item() };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('initializeWithZeros', () => {
  it('gives w of zeros (dim, 1) and b = 0', () => {
    const p = initializeWithZeros(2);
    expect(p.w.shape).toEqual([2, 1]);
    expect(p.w.toArray()).toEqual([[0], [0]]);
    expect(p.b).toBe(0);
    expect(initializeWithZeros(3, 'float32').w.dtype).toBe('float32');
  });
  it('rejects a dim that is not a positive integer', () => {
    for (const dim of [0, -1, 2.5]) {
      const e = caught(ArgumentError, () => initializeWithZeros(dim));
      expect(e.message).toBe(`initializeWithZeros: dim: must be a positive integer, got ${dim}`);
    }
  });
});

describe('propagate', () => {
  it("matches the notes' figures", () => {
    const { grads, cost } = propagate(w, b, X, Y);
    const dw = grads.dw.toArray() as number[][];
    expect(dw[0]?.[0]).toBeCloseTo(0.99845601, 8);
    expect(dw[1]?.[0]).toBeCloseTo(2.39507239, 8);
    expect(grads.db).toBeCloseTo(0.001455578136784208, 15);
    expect(cost).toBeCloseTo(5.801545319394553, 14);
  });
  it("equals the general path's autodiff loss and gradients (W1 = wᵀ) on the notes' case", () => {
    const hand = propagate(w, b, X, Y);
    const general = generalPropagate(w, b, X, Y);
    expect(rel(general.cost, hand.cost)).toBeLessThan(1e-12);
    expect(relDiff(general.dw, hand.grads.dw)).toBeLessThan(1e-12);
    expect(rel(general.db, hand.grads.db)).toBeLessThan(1e-12);
  });
  it('equals the general path on random problems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 15 }), fc.nat(), (n, m, seed) => {
        const rng = new RandomState(seed);
        const w0 = fromArray(rng.randnArray(n), [n, 1]);
        const X0 = fromArray(rng.randnArray(n * m), [n, m]);
        const Y0 = fromArray(Array.from({ length: m }, () => (rng.random() < 0.5 ? 0 : 1)), [1, m]);
        const b0 = rng.randn();
        const hand = propagate(w0, b0, X0, Y0);
        const general = generalPropagate(w0, b0, X0, Y0);
        expect(rel(general.cost, hand.cost)).toBeLessThan(1e-12);
        expect(relDiff(general.dw, hand.grads.dw)).toBeLessThan(1e-12);
        // db is a difference of nearly equal sums: relative to the gradient's size.
        expect(Math.abs(general.db - hand.grads.db)).toBeLessThan(1e-12 * Math.max(1, Math.abs(hand.grads.db)));
      }),
      { seed: 13, numRuns: 60 },
    );
  });
  it('names both shapes when X does not fit w, and Y when it does not fit X', () => {
    const e = caught(ShapeError, () => propagate(fromArray([[1], [2], [3]]), 0, X, Y));
    expect(e.op).toBe('propagate');
    expect(e.shapes).toEqual([[3, 1], [2, 3]]);
    expect(e.message).toBe('propagate: w must be (n_x, 1) and X (n_x, m): w(3, 1) X(2, 3)');
    const f = caught(ShapeError, () => propagate(w, b, X, fromArray([[1, 0]])));
    expect(f.message).toBe('propagate: Y must be (1, m) for X(2, 3), got Y(1, 2)');
  });
});

describe('optimize', () => {
  it("matches the notes' 100 iterations at learning rate 0.009", () => {
    const { params, grads, costs } = optimize(w, b, X, Y, { numIterations: 100, learningRate: 0.009 });
    const pw = params.w.toArray() as number[][];
    expect(pw[0]?.[0]).toBeCloseTo(0.19033591, 8);
    expect(pw[1]?.[0]).toBeCloseTo(0.12259159, 8);
    expect(params.b).toBeCloseTo(1.92535983008, 11);
    const dw = grads.dw.toArray() as number[][];
    expect(dw[0]?.[0]).toBeCloseTo(0.67752042, 8);
    expect(dw[1]?.[0]).toBeCloseTo(1.41625495, 8);
    expect(grads.db).toBeCloseTo(0.219194504541, 11);
    expect(costs).toEqual([{ iteration: 0, cost: expect.closeTo(5.801545319394553, 14) }]);
  });
  it("equals the Trainer's autodiff step with gradient descent: costs and parameters to 1e-12", () => {
    const hand = optimize(w, b, X, Y, { numIterations: 300, learningRate: 0.009, recordEvery: 10 });
    const general = generalOptimize(w, b, X, Y, 300, 0.009, 10);
    expect(general.costs.map((c) => c.iteration)).toEqual(hand.costs.map((c) => c.iteration));
    expect(relDiff(general.costs.map((c) => c.cost), hand.costs.map((c) => c.cost))).toBeLessThan(1e-12);
    expect(relDiff(general.w, hand.params.w)).toBeLessThan(1e-12);
    expect(rel(general.b, hand.params.b)).toBeLessThan(1e-12);
  });
  it('reports each recorded cost through onCost, in order', () => {
    const seen: [number, number][] = [];
    const r = optimize(w, b, X, Y, { numIterations: 25, learningRate: 0.01, recordEvery: 7, onCost: (i, c) => seen.push([i, c]) });
    expect(seen).toEqual(r.costs.map((c) => [c.iteration, c.cost]));
    expect(seen.map(([i]) => i)).toEqual([0, 7, 14, 21]);
  });
  it('keeps a float32 model in float32, the bias rounded as numpy stores it', () => {
    const r = optimize(w.astype('float32'), b, X.astype('float32'), Y.astype('float32'), { numIterations: 10, learningRate: 0.01 });
    expect(r.params.w.dtype).toBe('float32');
    expect(Math.fround(r.params.b)).toBe(r.params.b);
  });
  it('refuses settings that cannot train, naming the setting and the value', () => {
    for (const [opts, message] of [
      [{ numIterations: 10, learningRate: 0 }, 'optimize: learningRate: must be a positive number, got 0'],
      [{ numIterations: 10, learningRate: Number.NaN }, 'optimize: learningRate: must be a positive number, got NaN'],
      [{ numIterations: 0, learningRate: 0.1 }, 'optimize: numIterations: must be a positive integer, got 0'],
      [{ numIterations: 10, learningRate: 0.1, recordEvery: 0 }, 'optimize: recordEvery: must be a positive integer, got 0'],
    ] as const) {
      expect(caught(ArgumentError, () => optimize(w, b, X, Y, opts)).message).toBe(message);
    }
  });
});

describe('predict and probabilities', () => {
  it("match the notes' example", () => {
    const p = predict(fromArray([[0.1124579], [0.23106775]]), -0.3, fromArray([[1, -1.1, -3.2], [1.2, 2, 0.1]]));
    expect(p.toArray()).toEqual([[1, 1, 0]]);
    expect(probabilities(fromArray([[0]]), Math.log(3), fromArray([[5, 7]])).toArray()).toEqual([[expect.closeTo(0.75, 15), expect.closeTo(0.75, 15)]]);
  });
  it('use a strict threshold: probability exactly 0.5 is class 0', () => {
    expect(predict(fromArray([[0]]), 0, fromArray([[5]])).toArray()).toEqual([[0]]);
  });
  it("equal the general path's predictions, sample for sample", () => {
    const rng = new RandomState(4);
    const [n, m] = [5, 40];
    const w0 = fromArray(rng.randnArray(n), [n, 1]);
    const X0 = fromArray(rng.randnArray(n * m), [n, m]);
    const net = neuronModel(w0, 0.2);
    expect(Array.from(predict(w0, 0.2, X0).values())).toEqual(Array.from(net.predict(X0.T).values()));
    expect(relDiff(probabilities(w0, 0.2, X0), net.probabilities(X0.T))).toBeLessThan(1e-15);
  });
});

describe('accuracy, checkFiniteInputs, modelResult and model', () => {
  it("computes the notes' percentage", () => {
    expect(accuracy(fromArray([[1, 0, 1, 1]]), fromArray([[1, 0, 0, 1]]))).toBe(75);
    expect(accuracy(fromArray([[1, 1]]), fromArray([[1, 1]]))).toBe(100);
  });
  it('names the first input that is not finite, and where', () => {
    const bad = fromArray([[1, 2, 3], [4, Number.NaN, 6]]);
    expect(caught(ArgumentError, () => checkFiniteInputs('model', { XTrain: X, YTrain: bad })).message).toBe('model: YTrain: element (1, 1) is NaN: inputs must be finite numbers');
    expect(caught(ArgumentError, () => model(X, Y, fromArray([[1], [Infinity]]), fromArray([[1]]))).message).toBe('model: XTest: element (1, 0) is Infinity: inputs must be finite numbers');
  });
  it('modelResult is the notes\' dictionary d from parameters and predictions', () => {
    const d = modelResult({ w, b }, [], { train: fromArray([[1, 0, 1]]), test: fromArray([[0, 0, 0]]) }, { train: Y, test: Y }, { learningRate: 0.1, numIterations: 5 });
    expect([d.trainAccuracy, d.testAccuracy, d.learningRate, d.numIterations, d.b]).toEqual([100, expect.closeTo(100 / 3, 12), 0.1, 5, 2]);
  });
  it('model trains and returns costs, predictions and settings; the notes\' defaults are 2000 iterations at 0.5', () => {
    const d = model(X, Y, X, Y, { numIterations: 300, learningRate: 0.01 });
    expect(d.costs.map((c) => c.iteration)).toEqual([0, 100, 200]);
    expect(d.costs[0]?.cost).toBeCloseTo(Math.LN2, 15);
    expect(d.costs[2]?.cost).toBeLessThan(d.costs[0]?.cost ?? 0);
    expect(d.YPredictionTrain.shape).toEqual([1, 3]);
    expect([d.learningRate, d.numIterations]).toEqual([0.01, 300]);
    const byDefault = model(X, Y, X, Y);
    expect([byDefault.learningRate, byDefault.numIterations, byDefault.costs.length]).toEqual([0.5, 2000, 20]);
  });
});

describe('the single neuron on catvnoncat', () => {
  let train: CourseSet;
  let test: CourseSet;
  beforeAll(async () => {
    ({ train, test } = await courseData());
  });

  it('propagate equals the general path to 1e-12, at zeros and at random weights', () => {
    const n = train.X.shape[0] as number;
    const random = mul(fromArray(new RandomState(3).randnArray(n), [n, 1]), 0.01);
    for (const [w0, b0] of [[mul(random, 0), 0], [random, 0.3]] as const) {
      const hand = propagate(w0, b0, train.X, train.Y);
      const general = generalPropagate(w0, b0, train.X, train.Y);
      expect(rel(general.cost, hand.cost)).toBeLessThan(1e-12);
      expect(relDiff(general.dw, hand.grads.dw)).toBeLessThan(1e-12);
      expect(Math.abs(general.db - hand.grads.db)).toBeLessThan(1e-12 * Math.max(1, Math.abs(hand.grads.db)));
    }
  });

  it("optimize follows the Trainer's autodiff step for 21 iterations to 1e-12", () => {
    const { w: w0, b: b0 } = initializeWithZeros(12288);
    const hand = optimize(w0, b0, train.X, train.Y, { numIterations: 21, learningRate: 0.005, recordEvery: 5 });
    const general = generalOptimize(w0, b0, train.X, train.Y, 21, 0.005, 5);
    expect(general.costs.map((c) => c.iteration)).toEqual([0, 5, 10, 15, 20]);
    expect(relDiff(general.costs.map((c) => c.cost), hand.costs.map((c) => c.cost))).toBeLessThan(1e-12);
    expect(relDiff(general.w, hand.params.w)).toBeLessThan(1e-12);
    expect(rel(general.b, hand.params.b)).toBeLessThan(1e-12);
  });

  // The full run stays in the default suite, as before the move: the notes' own figures.
  it('model gives the reference costs every 100 iterations and 99.04306220095694 % / 70 %', () => {
    const d = model(train.X, train.Y, test.X, test.Y, { numIterations: 2000, learningRate: 0.005 });
    expect(d.costs.map((c) => c.iteration)).toEqual(REFERENCE_COSTS.map((_, i) => i * 100));
    expect(d.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
    expect(d.trainAccuracy).toBe(99.04306220095694);
    expect(d.testAccuracy).toBe(70);
    expect(d.YPredictionTest.shape).toEqual([1, 50]);
  }, 600_000);
});
