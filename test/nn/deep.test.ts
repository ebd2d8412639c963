import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/index.js';
import { RandomState } from '../../src/core/rng.js';
import {
  computeCost,
  initializeParameters,
  initializeParametersDeep,
  linearActivationForward,
  linearForward,
  lLayerModel,
  lModelBackward,
  lModelForward,
  predict,
  twoLayerModel,
} from '../../src/nn/deep.js';
import { Mlp } from '../../src/nn/mlp.js';
import { fromArray, type Tensor } from '../../src/tensor/index.js';
import { takeColumns } from '../../src/train/batches.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/course_dnn.json', import.meta.url));
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<'two_layer' | 'L_layer', { costs: { iteration: number; cost: number }[] }>;

const randn = (rng: RandomState, r: number, c: number): Tensor => fromArray(rng.randnArray(r * c), [r, c]);

describe("the course's steps on its test cases", () => {
  it('linear_forward: np.random.seed(1); A = randn(3, 2); W = randn(1, 3); b = randn(1, 1) gives Z = [[3.26295337, -1.23429987]]', () => {
    const rng = new RandomState(1);
    const [A, W, b] = [randn(rng, 3, 2), randn(rng, 1, 3), randn(rng, 1, 1)];
    const Z = linearForward(A, W, b).Z.toArray() as number[][];
    expect(Z[0]![0]).toBeCloseTo(3.26295337, 8);
    expect(Z[0]![1]).toBeCloseTo(-1.23429987, 8);
  });
  it('linear_activation_forward: np.random.seed(2); A_prev = randn(3, 2), W = randn(1, 3), b = randn(1, 1)', () => {
    const rng = new RandomState(2);
    const [A, W, b] = [randn(rng, 3, 2), randn(rng, 1, 3), randn(rng, 1, 1)];
    const sig = linearActivationForward(A, W, b, 'sigmoid').A.toArray() as number[][];
    const rel = linearActivationForward(A, W, b, 'relu').A.toArray() as number[][];
    expect(sig[0]).toEqual([expect.closeTo(0.96890023, 8), expect.closeTo(0.11013289, 8)]);
    expect(rel[0]).toEqual([expect.closeTo(3.43896131, 8), 0]);
  });
  it('compute_cost: AL = [.8, .9, .4], Y = [1, 1, 0] gives 0.2797765635793422', () => {
    expect(computeCost(fromArray([[0.8, 0.9, 0.4]]), fromArray([[1, 1, 0]]))).toBeCloseTo(0.2797765635793422, 15);
  });
  it('initialisers draw as the course: randn·0.01, and randn / √n layer by layer', () => {
    const p = initializeParameters(3, 2, 1);
    expect(p.get('W1')?.get(0, 0)).toBe(1.6243453636632417 * 0.01);
    expect([...p.keys()]).toEqual(['W1', 'b1', 'W2', 'b2']);
    const d = initializeParametersDeep([5, 4, 3]);
    expect(d.get('W1')?.get(0, 0)).toBe(1.6243453636632417 / Math.sqrt(5));
    expect(d.get('W2')?.shape).toEqual([3, 4]);
  });
});

describe('hand-derived backward = autodiff', () => {
  let data: CatData;
  beforeAll(async () => {
    data = await loadCatData({ data: SHARED });
  });
  it("lModelBackward's gradients equal the Mlp's autodiff gradients on cat images", () => {
    const idx = Array.from({ length: 40 }, (_, j) => j * 5);
    const X = takeColumns(data.trainX, idx);
    const Y = takeColumns(data.trainY, idx);
    const params = initializeParametersDeep([12288, 20, 7, 5, 1]);
    const { AL, caches } = lModelForward(X, params);
    const grads = lModelBackward(AL, Y, caches);
    const net = Mlp.initialize({ layers: [12288, 20, 7, 5, 1] }, { kind: 'course' }, 1);
    const J = net.cost(X, Y);
    expect(J.item()).toBe(computeCost(AL, Y));
    backward(J);
    for (const p of net.parameters()) {
      const mine = p.value.grad!.values();
      const hand = grads.get(`d${p.name}`)!.values();
      let num = 0;
      let den = 0;
      mine.forEach((v, i) => ((num += (v - hand[i]!) ** 2), (den += v * v)));
      expect(Math.sqrt(num / den), p.name).toBeLessThan(1e-13);
    }
  });
  // test/train/course-dnn.test.ts runs the autodiff path further; the L-layer model's
  // gradients are held to autodiff's above.
  it("twoLayerModel prints numpy's costs over the first 101 iterations, lLayerModel its first", () => {
    const two = twoLayerModel(data.trainX, data.trainY, [12288, 7, 1], { numIterations: 101 });
    expect(two.costs.map((c) => c.iteration)).toEqual([0, 100]);
    two.costs.forEach((c, i) => expect(Math.abs(c.cost - fixture.two_layer.costs[i]!.cost)).toBeLessThan(1e-8));
    const deep = lLayerModel(data.trainX, data.trainY, [12288, 20, 7, 5, 1], { numIterations: 1 });
    expect(deep.costs.map((c) => c.iteration)).toEqual([0]);
    expect(Math.abs(deep.costs[0]!.cost - fixture.L_layer.costs[0]!.cost)).toBeLessThan(1e-8);
    expect(predict(data.testX, deep.parameters).shape).toEqual([1, 50]);
  }, 15 * 60_000);
});
