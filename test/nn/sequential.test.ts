// The one model, Sequential, and its parameters: what test/nn/layers.test.ts leaves out
// (parameters keep their shape, the output heads, predictions, the loss's checks,
// withParameters, gradient checks with L2 and the logits loss, the course's L-layer network
// on cat images).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData } from '../../src/app/data.js';
import { gradCheck } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { takeRows } from '../../src/data/batch.js';
import { PIXELS, prepareInputs } from '../../src/data/preprocess.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Activation, Dropout } from '../../src/nn/layers/basic.js';
import { Dense } from '../../src/nn/layers/dense.js';
import { l2Term, lossOfScores } from '../../src/nn/loss.js';
import { EVAL, Parameter } from '../../src/nn/module.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { Sequential } from '../../src/nn/sequential.js';
import { add, fromArray, randn, zeros, type Tensor } from '../../src/tensor/index.js';
import { caught, SHARED } from '../course/helpers.js';

describe('Parameter', () => {
  it('holds a leaf that requires gradients and keeps its shape', () => {
    const p = new Parameter('W1', zeros([2, 3]));
    expect(p.value.requiresGrad).toBe(true);
    p.value = zeros([2, 3]);
    expect(p.value.requiresGrad).toBe(true);
    const e = caught(ShapeError, () => (p.value = zeros([3, 2])));
    expect(e.message).toBe('Parameter: W1 is (2, 3), cannot take a value of shape (3, 2)');
  });
  it('Dense checks W against b', () => {
    expect(caught(ShapeError, () => new Dense(zeros([2, 3]), zeros([3]), 1)).message).toBe('Dense: W must be (units, inputs) and b (units): W(2, 3) b(3,)');
  });
});

describe('Sequential', () => {
  it('a sigmoid output tells 2 classes apart, a softmax over k units k', () => {
    const sig = buildModel([4], parseArch('dense:3,relu,dense:1,sigmoid'), { init: parseInitializer('he'), seed: 1 });
    const soft = buildModel([4], parseArch('dense:3,tanh'), { init: parseInitializer('he'), seed: 1 });
    expect([sig.head, sig.classes]).toEqual(['sigmoid', 2]);
    expect([soft.head, soft.classes]).toEqual(['none', 3]);
    const k = buildModel([4], parseArch('dense:3,softmax'), { init: parseInitializer('he'), seed: 1 });
    expect([k.head, k.classes, k.parameters().map((p) => p.name)]).toEqual(['softmax', 3, ['W1', 'b1']]);
  });
  it('refuses heads that cannot work and an empty architecture', () => {
    expect(caught(ArgumentError, () => buildModel([4], parseArch('dense:1,softmax'), { init: { kind: 'zeros' }, seed: 1 })).message).toBe('model: layers: a softmax output needs at least 2 units, got (1)');
    expect(caught(ArgumentError, () => new Sequential([new Activation('sigmoid')], [2])).message).toBe('model: layers: a sigmoid output has 1 unit, got outputs of shape (2)');
    expect(caught(ArgumentError, () => parseArch(' , ')).argument).toBe('--arch');
  });
  it('predicts p > 0.5 with a sigmoid output and the most probable class with softmax', () => {
    const sig = new Sequential([new Dense(fromArray([[1]]), fromArray([0]), 1), new Activation('sigmoid')], [1]);
    expect(sig.predict(fromArray([[-1], [0], [2]])).toArray()).toEqual([0, 0, 1]);
    const soft = new Sequential([new Dense(fromArray([[1, 0], [0, 1], [-1, -1]]), zeros([3]), 1), new Activation('softmax')], [2]);
    expect(soft.predict(fromArray([[1, 0], [0, 2], [-1, -1]])).toArray()).toEqual([0, 1, 2]);
    // scores stop before the head: the logits.
    expect(soft.scores(fromArray([[1, 0]])).toArray()).toEqual([[1, 0, -1]]);
  });
  it('checks the inputs and the labels against the model', () => {
    const net = buildModel([2], parseArch('dense:3,softmax'), { init: parseInitializer('he'), seed: 1 });
    expect(caught(ShapeError, () => net.forward(zeros([4, 5]))).message).toBe('model: expects inputs of shape (N, 2), got (4, 5)');
    expect(caught(ShapeError, () => lossOfScores(net, net.scores(zeros([4, 2])), zeros([1, 4]))).message).toBe('loss: labels must be (N,) for scores (4, 3), got (1, 4)');
    expect(caught(ArgumentError, () => lossOfScores(net, net.scores(zeros([1, 2])), fromArray([3]))).message).toBe('loss: labels: label 3 at index 0 is not a class in 0..2');
    const headless = buildModel([2], parseArch('dense:3'), { init: parseInitializer('he'), seed: 1 });
    expect(caught(ArgumentError, () => lossOfScores(headless, headless.scores(zeros([1, 2])), fromArray([0]))).message).toBe('loss: model: the model needs a sigmoid or softmax output layer to be trained as a classifier');
  });
  it('withParameters evaluates other values and restores the model, even when it throws', () => {
    const net = new Sequential([new Dense(fromArray([[1]]), fromArray([0]), 1), new Activation('sigmoid')], [1]);
    const X = fromArray([[2]]);
    const before = net.probabilities(X).item();
    expect(net.withParameters([fromArray([[0]]), fromArray([0])], () => net.probabilities(X).item())).toBe(0.5);
    expect(net.probabilities(X).item()).toBe(before);
    expect(() => net.withParameters([fromArray([[0]]), fromArray([0])], () => { throw new RangeError('inside'); })).toThrow(RangeError);
    expect(net.probabilities(X).item()).toBe(before);
    expect(caught(ArgumentError, () => net.withParameters([], () => 0)).message).toBe('withParameters: values: expected 2 tensors, got 0');
  });
  it('dropout in training needs the seeded generator of the forward context', () => {
    expect(caught(ArgumentError, () => new Dropout(0.5).forward(zeros([2, 2]), { training: true })).message).toBe('Dropout: rng: training with dropout needs a seeded generator in the forward context');
  });
});

describe('gradient checks of the loss through the model', () => {
  // Random biases too: with zero biases, a sample no unit of a relu layer responds to gives
  // the next layer a score of exactly 0, relu's kink, where central differences see half a
  // slope and no derivative exists.
  const randomBiases = (net: Sequential, seed: number): void => {
    const rng = new RandomState(seed);
    for (const p of net.parameters()) if (p.role === 'bias') p.value = fromArray(rng.randnArray(p.value.size), p.value.shape);
  };
  const X = randn([12, 6], 5);
  const labels = fromArray([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0]);
  const lossWith = (net: Sequential, l2: number, loss: 'course' | 'logits') => (...values: Tensor[]) =>
    net.withParameters(values, () => {
      const J = lossOfScores(net, net.scores(X), labels, loss);
      const penalty = l2Term(net.parameters(), l2, 12);
      return penalty === null ? J : add(J, penalty);
    });
  for (const hidden of ['relu', 'leaky-relu', 'tanh', 'sigmoid'] as const) {
    it(`${hidden} hidden layers, sigmoid output, with and without L2, the course's loss and the logits loss`, () => {
      const net = buildModel([6], parseArch(`dense:5,${hidden},dense:4,${hidden},dense:1,sigmoid`), { init: parseInitializer('he'), seed: 3 });
      randomBiases(net, 4);
      // A step of 1e-5 balances the differences' truncation (ε²) against rounding (1e-16/ε)
      // for these unit-sized numbers; sigmoid layers miss 1e-7 at the default 1e-7.
      for (const [l2, loss] of [[0, 'course'], [0.7, 'logits'], [0.7, 'course']] as const) {
        expect(gradCheck(lossWith(net, l2, loss), net.parameters().map((p) => p.value), { seed: 1, epsilon: 1e-5 }).maxRelativeError).toBeLessThan(1e-7);
      }
    });
  }

  let rows: Tensor;
  let y: Tensor;
  beforeAll(async () => {
    const { train } = await loadRunData({ data: SHARED });
    const idx = Int32Array.from({ length: 20 }, (_, j) => j);
    rows = takeRows(prepareInputs(train.x, PIXELS, 'float64'), idx);
    y = takeRows(train.labels, idx);
  });
  it("the course's L-layer network [12288, 20, 7, 5, 1] on cat images passes below 1e-7", () => {
    const net = buildModel([64, 64, 3], parseArch('flatten,dense:20,relu,dense:7,relu,dense:5,relu,dense:1,sigmoid'), { init: parseInitializer('course'), seed: 1 });
    const params = net.parameters();
    const r = gradCheck((...values: Tensor[]) => net.withParameters(values, () => lossOfScores(net, net.scores(rows, EVAL), y)), params.map((p) => p.value), { samples: 10, seed: 1, names: params.map((p) => p.name) });
    expect(r.inputs.map((c) => [c.name, c.coordinates.length])).toEqual([['W1', 10], ['b1', 10], ['W2', 10], ['b2', 7], ['W3', 10], ['b3', 5], ['W4', 5], ['b4', 1]]);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
  });
});
