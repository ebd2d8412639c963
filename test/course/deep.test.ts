// The course's deep network by its names: its own test cases, the hand-derived backward
// pass equal to autodiff's on the same batch-first Sequential, the loop equal to the one
// Trainer's autodiff step, and numpy's costs on catvnoncat.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import {
  computeCost,
  initializeParameters,
  initializeParametersDeep,
  linearActivationBackward,
  linearActivationForward,
  linearForward,
  lLayerModel,
  lModelBackward,
  lModelForward,
  predict,
  reluBackward,
  sigmoidBackward,
  twoLayerModel,
  updateParameters,
  type Parameters,
} from '../../src/course/deep.js';
import { parseInitializer } from '../../src/nn/init.js';
import { lossOfScores } from '../../src/nn/loss.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import type { Sequential } from '../../src/nn/sequential.js';
import { GradientDescent } from '../../src/optim/index.js';
import { fromArray, type Tensor } from '../../src/tensor/index.js';
import { takeRows } from '../../src/data/batch.js';
import { AutodiffStep } from '../../src/train/step-autodiff.js';
import { Trainer } from '../../src/train/trainer.js';
import { caught, courseData, relDiff, type CourseSet } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<'two_layer' | 'L_layer', { costs: { iteration: number; cost: number }[] }>;

const randn = (rng: RandomState, r: number, c: number): Tensor => fromArray(rng.randnArray(r * c), [r, c]);
const at = (t: Tensor, i: number, j: number): number => (t.toArray() as number[][])[i]?.[j] ?? Number.NaN;

/** The course's network as the general path builds it: [dense, relu] × (L-1), dense, sigmoid. */
function sequentialOf(dims: readonly number[], init: string): Sequential {
  const arch = dims.slice(1).map((n, i) => (i < dims.length - 2 ? `dense:${n},relu` : `dense:${n},sigmoid`)).join(',');
  return buildModel([dims[0] as number], parseArch(arch), { init: parseInitializer(init), seed: 1 });
}

describe("the course's steps on its test cases", () => {
  it('linear_forward: np.random.seed(1); A = randn(3, 2); W = randn(1, 3); b = randn(1, 1) gives Z = [[3.26295337, -1.23429987]]', () => {
    const rng = new RandomState(1);
    const [A, W, b] = [randn(rng, 3, 2), randn(rng, 1, 3), randn(rng, 1, 1)];
    const Z = linearForward(A, W, b).Z;
    expect([at(Z, 0, 0), at(Z, 0, 1)]).toEqual([expect.closeTo(3.26295337, 8), expect.closeTo(-1.23429987, 8)]);
  });
  it('linear_activation_forward: np.random.seed(2); A_prev = randn(3, 2), W = randn(1, 3), b = randn(1, 1)', () => {
    const rng = new RandomState(2);
    const [A, W, b] = [randn(rng, 3, 2), randn(rng, 1, 3), randn(rng, 1, 1)];
    const sig = linearActivationForward(A, W, b, 'sigmoid').A;
    const rel = linearActivationForward(A, W, b, 'relu').A;
    expect([at(sig, 0, 0), at(sig, 0, 1)]).toEqual([expect.closeTo(0.96890023, 8), expect.closeTo(0.11013289, 8)]);
    expect([at(rel, 0, 0), at(rel, 0, 1)]).toEqual([expect.closeTo(3.43896131, 8), 0]);
  });
  it('compute_cost: AL = [.8, .9, .4], Y = [1, 1, 0] gives 0.2797765635793422', () => {
    expect(computeCost(fromArray([[0.8, 0.9, 0.4]]), fromArray([[1, 1, 0]]))).toBeCloseTo(0.2797765635793422, 15);
  });
  it('compute_cost names both shapes when AL and Y are not both (1, m)', () => {
    const e = caught(ShapeError, () => computeCost(fromArray([[0.8, 0.9]]), fromArray([[1, 1, 0]])));
    expect(e.message).toBe('computeCost: AL and Y must both be (1, m): AL(1, 2) Y(1, 3)');
    expect(e.shapes).toEqual([[1, 2], [1, 3]]);
  });
  it('relu_backward and sigmoid_backward: dZ = dA where Z > 0; dZ = dA·s(1 - s)', () => {
    expect(reluBackward(fromArray([[1, 2, 3]]), fromArray([[-2, 0, 3]])).toArray()).toEqual([[0, 0, 3]]);
    expect(sigmoidBackward(fromArray([[1, 2]]), fromArray([[0, Math.log(3)]])).toArray()).toEqual([[0.25, expect.closeTo(2 * 0.75 * 0.25, 15)]]);
  });
  it('update_parameters: W - α dW and b - α db for every layer, into a new dictionary', () => {
    const p: Parameters = new Map([['W1', fromArray([[1, 2]])], ['b1', fromArray([[3]])]]);
    const g: Parameters = new Map([['dW1', fromArray([[10, 20]])], ['db1', fromArray([[30]])], ['dA0', fromArray([[0]])]]);
    const q = updateParameters(p, g, 0.1);
    expect([q.get('W1')?.toArray(), q.get('b1')?.toArray()]).toEqual([[[0, 0]], [[0]]]);
    expect(p.get('W1')?.toArray()).toEqual([[1, 2]]);
    const e = caught(ArgumentError, () => updateParameters(p, new Map([['dW1', fromArray([[0, 0]])]]), 0.1));
    expect(e.message).toBe('deep: parameters: no db1 among dW1');
  });
  it('the initialisers draw as the course and as the registry: randn·0.01, and randn / √n layer by layer', () => {
    const p = initializeParameters(3, 2, 1);
    expect(at(p.get('W1') as Tensor, 0, 0)).toBe(1.6243453636632417 * 0.01);
    expect([...p.keys()]).toEqual(['W1', 'b1', 'W2', 'b2']);
    const d = initializeParametersDeep([5, 4, 3]);
    expect(at(d.get('W1') as Tensor, 0, 0)).toBe(1.6243453636632417 / Math.sqrt(5));
    expect(d.get('W2')?.shape).toEqual([3, 4]);
    const net = sequentialOf([12288, 7, 1], 'scaled:0.01');
    const two = initializeParameters(12288, 7, 1);
    for (const q of net.parameters()) expect(Array.from(q.value.values())).toEqual(Array.from(two.get(q.name)?.values() ?? []));
  });
  it('refuses layer sizes and settings that cannot train, naming them', () => {
    expect(caught(ArgumentError, () => initializeParametersDeep([5])).argument).toBe('layers');
    const X = fromArray([[1, 2]]);
    const Y = fromArray([[1, 0]]);
    expect(caught(ArgumentError, () => lLayerModel(X, Y, [1, 1], { learningRate: 0 })).message).toBe('lLayerModel: learningRate: must be a positive number, got 0');
    expect(caught(ArgumentError, () => twoLayerModel(X, Y, [1, 2, 1], { numIterations: -1 })).message).toBe('twoLayerModel: numIterations: must be a positive integer, got -1');
  });
});

describe('the hand-derived backward pass equals autodiff on the same Sequential', () => {
  let train: CourseSet;
  let test: CourseSet;
  beforeAll(async () => {
    ({ train, test } = await courseData());
  });

  for (const [name, dims, init, start] of [
    ['the L-layer network [12288, 20, 7, 5, 1]', [12288, 20, 7, 5, 1], 'course', () => initializeParametersDeep([12288, 20, 7, 5, 1])],
    ['the 2-layer network [12288, 7, 1]', [12288, 7, 1], 'scaled:0.01', () => initializeParameters(12288, 7, 1)],
  ] as const) {
    it(`${name}: lModelBackward's dW and db equal autodiff's (batch-first, b 1-D) on 40 cat images`, () => {
      const idx = Int32Array.from({ length: 40 }, (_, j) => j * 5);
      const rows = takeRows(train.rows, idx);
      const labels = takeRows(train.labels, idx);
      const X = rows.T.contiguous();
      const Y = labels.reshape([1, 40]);
      const { AL, caches } = lModelForward(X, start());
      const grads = lModelBackward(AL, Y, caches);
      const net = sequentialOf(dims, init);
      const J = lossOfScores(net, net.scores(rows), labels);
      expect(Math.abs(J.item() - computeCost(AL, Y)) / J.item()).toBeLessThan(1e-14);
      backward(J);
      for (const p of net.parameters()) {
        const hand = grads.get(`d${p.name}`);
        // The course keeps b as (n, 1), the batch-first layers as (n): the same numbers.
        expect(hand?.shape.filter((d) => d !== 1)).toEqual(p.value.shape.filter((d) => d !== 1));
        expect(relDiff(p.value.grad ?? fromArray([]), hand ?? fromArray([])), p.name).toBeLessThan(1e-12);
      }
    });
  }

  it("lLayerModel's loop is the Trainer's full-batch gradient descent: 6 iterations to 1e-12", () => {
    const dims = [12288, 20, 7, 5, 1];
    const hand = lLayerModel(train.X, train.Y, dims, { numIterations: 6 });
    const net = sequentialOf(dims, 'course');
    const t = new Trainer(new AutodiffStep(net, train.rows, train.labels, { loss: 'course', l2: 0 }), new GradientDescent({ learningRate: 0.0075 }), 209, { epochs: 6, record: { every: 100, last: true } });
    t.advance();
    const r = t.result();
    expect(r.records.map((c) => c.index)).toEqual(hand.costs.map((c) => c.iteration));
    expect(relDiff(r.records.map((c) => c.cost), hand.costs.map((c) => c.cost))).toBeLessThan(1e-12);
    for (const p of net.parameters()) {
      expect(relDiff(p.value, hand.parameters.get(p.name) ?? fromArray([])), p.name).toBeLessThan(1e-10);
    }
    expect(Array.from(predict(test.X, hand.parameters).values())).toEqual(Array.from(net.predict(test.rows).values()));
  });

  it("twoLayerModel prints numpy's costs over the first 101 iterations, lLayerModel its first", () => {
    const two = twoLayerModel(train.X, train.Y, [12288, 7, 1], { numIterations: 101 });
    expect(two.costs.map((c) => c.iteration)).toEqual([0, 100]);
    two.costs.forEach((c, i) => expect(Math.abs(c.cost - (fixture.two_layer.costs[i]?.cost ?? Number.NaN))).toBeLessThan(1e-8));
    const seen: number[] = [];
    const deep = lLayerModel(train.X, train.Y, [12288, 20, 7, 5, 1], { numIterations: 1, onCost: (i) => seen.push(i) });
    expect(seen).toEqual([0]);
    expect(Math.abs((deep.costs[0]?.cost ?? Number.NaN) - (fixture.L_layer.costs[0]?.cost ?? Number.NaN))).toBeLessThan(1e-8);
    expect(predict(test.X, deep.parameters).shape).toEqual([1, 50]);
  }, 600_000);
});

describe('linearActivationBackward', () => {
  it('is the activation backward, then the linear backward: dW = (1/m) dZ·Aᵀ, db = (1/m) Σ dZ, dA_prev = Wᵀ·dZ', () => {
    // A 1 x 1 layer on two samples, by hand: Z = 2·[1, -1] + 0.5 = [2.5, -1.5]; relu passes the first.
    const { cache } = linearActivationForward(fromArray([[1, -1]]), fromArray([[2]]), fromArray([[0.5]]), 'relu');
    const r = linearActivationBackward(fromArray([[4, 6]]), cache, 'relu');
    expect([r.dW.toArray(), r.db.toArray(), r.dAprev.toArray()]).toEqual([[[2]], [[2]], [[8, 0]]]);
  });
});
