/**
 * The page's trainer (web/src/trainer.ts) runs the CLI's fast kernels in chunks: whatever
 * the chunks, its recorded costs and weights are bit for bit those of optimizeFast, and the
 * cost it shows after 100 iterations is the CLI's cost at iteration 100.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledImages, type LabelledImages } from '../../src/data/dataset.js';
import { optimizeFast } from '../../src/nn/logistic-fast.js';
import { zeros } from '../../src/tensor/index.js';
import { probabilities } from '../../src/nn/logistic.js';
import { div, Tensor } from '../../src/tensor/index.js';
import { NeuronTrainer, accuracyOf, alphaGrid, costOf } from '../../web/src/trainer.js';
import { recordEveryFor } from '../../web/src/record-every.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
let train: LabelledImages;
let test: LabelledImages;

beforeAll(async () => {
  train = await loadLabelledImages(join(DATASETS, 'train_catvnoncat.h5'));
  test = await loadLabelledImages(join(DATASETS, 'test_catvnoncat.h5'));
});

describe('NeuronTrainer', () => {
  it('records optimizeFast\'s costs and ends at its weights, in uneven chunks', () => {
    const t = new NeuronTrainer(train, test);
    for (const n of [7, 13, 1, 79, 50, 51]) t.advance(n, 0.005, 10, 201);
    expect(t.iterations).toBe(201);
    const ref = optimizeFast(zeros([12288, 1]), 0, train.x, train.y, { numIterations: 201, learningRate: 0.005, recordEvery: 10 });
    expect(t.costs.map((c) => c.iteration)).toEqual(ref.costs.map((c) => c.iteration));
    expect(t.costs.map((c) => c.cost)).toEqual(ref.costs.map((c) => c.cost));
    expect(t.bias).toBe(ref.params.b);
    expect([...t.weights()]).toEqual([...ref.params.w.values()]);
  });

  it('shows the reference cost after 100 iterations, and the test cost of the same parameters', () => {
    const t = new NeuronTrainer(train, test);
    t.advance(100, 0.005, 1, 100);
    const s = t.state();
    const ref = optimizeFast(zeros([12288, 1]), 0, train.x, train.y, { numIterations: 101, learningRate: 0.005, recordEvery: 100 });
    expect(s.iteration).toBe(100);
    expect(s.cost).toBe(ref.costs[1]?.cost);
    expect(s.cost.toFixed(6)).toBe('0.584508');
    expect(t.costs).toHaveLength(100);
    expect(s.testProbabilities).toHaveLength(50);
    expect(s.testCost).toBe(costOf(s.testProbabilities, Float64Array.from(test.y.values())));
  });

  it('reaches the reference accuracies after 2000 iterations', () => {
    const t = new NeuronTrainer(train, test);
    t.advance(2000, 0.005, recordEveryFor(2000), 2000);
    const s = t.state();
    expect(s.trainAccuracy).toBeCloseTo(99.04306220095694, 10);
    expect(s.testAccuracy).toBe(70);
    expect(t.costs.find((c) => c.iteration === 1900)?.cost.toFixed(6)).toBe('0.140872');
  });

  it('continues from loaded parameters and starts again from zeros on reset', () => {
    const t = new NeuronTrainer(train, test);
    t.advance(100, 0.005, 10, 100);
    const w = Float64Array.from(t.weights());
    const b = t.bias;
    const cost = t.state().cost;
    t.reset(w, b);
    expect(t.iterations).toBe(0);
    expect(t.state().cost).toBeCloseTo(cost, 12);
    t.reset();
    // The CLI's cost at iteration 0 (ln 2 summed in float64).
    expect(t.state().cost).toBe(0.693147180559946);
  });
});

describe('NeuronTrainer divergence', () => {
  // `tsgrad train --learning-rate 0.05` prints costs 0.693147 5.256765 13.437073 15.771223
  // 3.071143 for iterations 0 to 4, then stops: the cost at iteration 5 is NaN.
  it.each([[[100]], [[1, 1, 1, 1, 1, 1, 1]], [[2, 3, 4]], [[5, 1]]])('stops where the CLI does and keeps the parameters of iteration 4, in chunks %j', (chunks) => {
    const t = new NeuronTrainer(train, test);
    for (const n of chunks) t.advance(n, 0.05, 1, 100);
    expect(t.diverged).toEqual({ iteration: 5, cost: NaN, kept: 4 });
    expect(t.iterations).toBe(5);
    expect(t.costs.map((c) => c.cost.toFixed(6))).toEqual(['0.693147', '5.256765', '13.437073', '15.771223', '3.071143']);
    // No more iterations run until reset.
    expect(t.advance(10, 0.05, 1, 100)).toBe(0);
    const ref = new NeuronTrainer(train, test);
    ref.advance(4, 0.05, 1, 4);
    expect(ref.diverged).toBeUndefined();
    expect([...t.weights()]).toEqual([...ref.weights()]);
    expect(t.bias).toBe(ref.bias);
    expect(t.state().cost.toFixed(6)).toBe('3.071143');
    t.reset();
    expect(t.diverged).toBeUndefined();
    expect(t.advance(3, 0.005, 1, 3)).toBe(3);
  });
});

describe('NeuronTrainer.interpolation', () => {
  it('is the cost at (1 - α)·θ₀ + α·θ*: ln 2 at the zeros, the current cost at α = 1', () => {
    const t = new NeuronTrainer(train, test);
    t.advance(100, 0.005, 10, 100);
    const line = t.interpolation(alphaGrid(-0.5, 1.5, 41));
    expect(line.alpha).toHaveLength(41);
    expect(line.alpha[10]).toBe(0);
    expect(line.alpha[30]).toBe(1);
    expect(line.train[10]).toBeCloseTo(0.693147180559946, 14);
    expect(line.train[30]).toBeCloseTo(t.state().cost, 12);
    expect(line.test[30]).toBeCloseTo(t.state().testCost, 12);
    // α = 1.5 with the notes' tensor ops: σ((1.5 w)ᵀX + 1.5 b).
    const X = div(train.x.reshape([209, -1]).T, 255);
    const w = new Tensor(t.weights().map((v) => 1.5 * v), [12288, 1], 'float64');
    const A = probabilities(w, 1.5 * t.bias, X).values() as Float64Array;
    expect(line.train[40]).toBeCloseTo(costOf(A, Float64Array.from(train.y.values())), 12);
  });
});

describe('accuracyOf and recordEveryFor', () => {
  it('counts A > 0.5 as class 1', () => {
    expect(accuracyOf(new Float64Array([0.9, 0.2, 0.5, 0.51]), new Float64Array([1, 0, 1, 1]))).toBe(75);
  });

  it('records at most 500 costs, including iteration 100 in runs up to 50,000 iterations', () => {
    for (const n of [1, 100, 101, 2000, 10_000, 50_000, 1_000_000]) {
      const every = recordEveryFor(n);
      expect(n / every).toBeLessThanOrEqual(500);
      if (n <= 50_000) expect(100 % every).toBe(0);
    }
    expect(recordEveryFor(2000)).toBe(5);
  });
});
