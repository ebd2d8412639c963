import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { fromArray } from '../../src/tensor/index.js';
import { accuracy, classificationReport, classScores, confusionMatrix } from '../../src/train/metrics.js';

describe('metrics', () => {
  // 10 samples: 6 cats (1), 4 non-cats (0); 4 cats and 3 non-cats recognised.
  const truth = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
  const pred = [1, 1, 1, 1, 0, 0, 0, 0, 0, 1];
  it('accuracy is 100·correct/m, from tensors or arrays', () => {
    expect(accuracy(pred, truth)).toBe(70);
    expect(accuracy(fromArray([pred]), fromArray([truth]))).toBe(70);
    // The L-layer model's 206 of 209: the figure the course prints as 0.985645933014.
    expect(accuracy(new Array(209).fill(1), [...new Array(206).fill(1), 0, 0, 0])).toBe(98.56459330143541);
  });
  it('the confusion matrix counts [true][predicted]', () => {
    expect(confusionMatrix(pred, truth, 2)).toEqual([[3, 1], [2, 4]]);
    expect(confusionMatrix([0, 2, 1, 2], [0, 1, 1, 2], 3)).toEqual([[1, 0, 0], [0, 1, 1], [0, 0, 1]]);
  });
  it('precision, recall and F1 per class, by hand', () => {
    const [neg, pos] = classScores([[3, 1], [2, 4]]);
    expect(pos).toEqual({ precision: 0.8, recall: 4 / 6, f1: (2 * 0.8 * (4 / 6)) / (0.8 + 4 / 6), support: 6 });
    expect(neg).toEqual({ precision: 3 / 5, recall: 0.75, f1: (2 * 0.6 * 0.75) / 1.35, support: 4 });
  });
  it('undefined ratios are 0, as scikit-learn reports them', () => {
    expect(classScores([[2, 0], [0, 0]])[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
  it('the report has accuracy, the matrix, per-class and macro scores', () => {
    const r = classificationReport(fromArray([pred]), fromArray([truth]), 2);
    expect(r.accuracy).toBe(70);
    expect(r.confusion).toEqual([[3, 1], [2, 4]]);
    expect(r.macro.precision).toBeCloseTo((0.6 + 0.8) / 2, 15);
    expect(r.macro.recall).toBeCloseTo((0.75 + 4 / 6) / 2, 15);
  });
  it('refuses labels outside the classes and predictions of another length', () => {
    try {
      confusionMatrix([0, 2], [0, 1], 2);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe('predicted');
      expect((e as Error).message).toBe('confusionMatrix: predicted: label 2 at index 1 is not a class in 0..1');
    }
    expect(() => accuracy([1, 0], [1])).toThrow(ShapeError);
  });
});
