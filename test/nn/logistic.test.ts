import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { accuracy, initializeWithZeros, model, optimize, predict, propagate } from '../../src/nn/logistic.js';
import { fromArray } from '../../src/tensor/index.js';

// The notes' small cases (Logistic Regression with a Neural Network mindset, exercises 5-7).
const w = fromArray([[1], [2]]);
const b = 2;
const X = fromArray([[1, 2, -1], [3, 4, -3.2]]);
const Y = fromArray([[1, 0, 1]]);

describe('initializeWithZeros', () => {
  it('gives w of zeros (dim, 1) and b = 0', () => {
    const p = initializeWithZeros(2);
    expect(p.w.shape).toEqual([2, 1]);
    expect(p.w.toArray()).toEqual([[0], [0]]);
    expect(p.b).toBe(0);
    expect(initializeWithZeros(3, 'float32').w.dtype).toBe('float32');
  });
  it('rejects a non-positive dim', () => {
    try {
      initializeWithZeros(0);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe('dim');
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
  it('names both shapes when X does not fit w', () => {
    try {
      propagate(fromArray([[1], [2], [3]]), 0, X, Y);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as ShapeError).op).toBe('propagate');
      expect((e as ShapeError).shapes).toEqual([[3, 1], [2, 3]]);
      expect((e as Error).message).toContain('w(3, 1) X(2, 3)');
    }
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
    expect(costs).toHaveLength(1);
    expect(costs[0]?.cost).toBeCloseTo(5.801545319394553, 14);
  });
  it('rejects a learning rate <= 0 and zero iterations', () => {
    for (const [opts, arg] of [
      [{ numIterations: 10, learningRate: 0 }, 'learningRate'],
      [{ numIterations: 0, learningRate: 0.1 }, 'numIterations'],
      [{ numIterations: 10, learningRate: Number.NaN }, 'learningRate'],
    ] as const) {
      try {
        optimize(w, b, X, Y, opts);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ArgumentError);
        expect((e as ArgumentError).argument).toBe(arg);
      }
    }
  });
});

describe('predict', () => {
  it("matches the notes' example", () => {
    const p = predict(fromArray([[0.1124579], [0.23106775]]), -0.3, fromArray([[1, -1.1, -3.2], [1.2, 2, 0.1]]));
    expect(p.toArray()).toEqual([[1, 1, 0]]);
  });
  it('uses a strict threshold: probability exactly 0.5 is class 0', () => {
    expect(predict(fromArray([[0]]), 0, fromArray([[5]])).toArray()).toEqual([[0]]);
  });
});

describe('accuracy and model', () => {
  it("computes the notes' percentage", () => {
    expect(accuracy(fromArray([[1, 0, 1, 1]]), fromArray([[1, 0, 0, 1]]))).toBe(75);
  });
  it('trains and returns costs, predictions and settings', () => {
    const d = model(X, Y, X, Y, { numIterations: 300, learningRate: 0.01 });
    expect(d.costs.map((c) => c.iteration)).toEqual([0, 100, 200]);
    expect(d.costs[0]?.cost).toBeCloseTo(0.6931471805599453, 15);
    expect(d.costs[2]!.cost).toBeLessThan(d.costs[0]!.cost);
    expect(d.YPredictionTrain.shape).toEqual([1, 3]);
    expect(d.learningRate).toBe(0.01);
    expect(d.numIterations).toBe(300);
  });
});
