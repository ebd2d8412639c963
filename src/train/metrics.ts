/**
 * Classification metrics from predicted and true class labels (0..k-1): accuracy, the
 * confusion matrix, and per-class precision, recall and F1. Labels come as tensors of any
 * shape (read in row-major order) or plain arrays.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';

type Labels = Tensor | ArrayLike<number>;

function flat(x: Labels): ArrayLike<number> {
  return x instanceof Tensor ? x.values() : x;
}

function pair(op: string, predicted: Labels, truth: Labels): [ArrayLike<number>, ArrayLike<number>] {
  const p = flat(predicted);
  const t = flat(truth);
  if (p.length !== t.length) throw new ShapeError(op, `${p.length} predictions for ${t.length} labels`, [[p.length], [t.length]]);
  return [p, t];
}

/**
 * Percentage of predictions equal to the labels, 100·correct/m (NaN for no samples).
 * @example accuracy([1, 0, 1, 1], [1, 1, 1, 1]) // 75
 */
export function accuracy(predicted: Labels, truth: Labels): number {
  const [p, t] = pair('accuracy', predicted, truth);
  let correct = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === t[i]) correct++;
  return (100 * correct) / p.length;
}

/**
 * counts[true class][predicted class] over k classes.
 * @example confusionMatrix([0, 1, 1], [0, 0, 1], 2) // [[1, 1], [0, 1]]
 */
export function confusionMatrix(predicted: Labels, truth: Labels, k: number): number[][] {
  const [p, t] = pair('confusionMatrix', predicted, truth);
  if (!Number.isSafeInteger(k) || k < 1) throw new ArgumentError('confusionMatrix', 'k', `must be a positive integer, got ${k}`);
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < p.length; i++) {
    const a = t[i] as number;
    const b = p[i] as number;
    for (const [name, c] of [['truth', a], ['predicted', b]] as const) {
      if (!Number.isInteger(c) || c < 0 || c >= k) throw new ArgumentError('confusionMatrix', name, `label ${c} at index ${i} is not a class in 0..${k - 1}`);
    }
    (cm[a] as number[])[b] = ((cm[a] as number[])[b] as number) + 1;
  }
  return cm;
}

/** One class's scores. */
export interface ClassScores {
  /** Of the samples predicted as this class, the fraction that are (0 when none are predicted). */
  precision: number;
  /** Of the samples of this class, the fraction predicted as it (0 when there are none). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  /** Samples of this class. */
  support: number;
}

/**
 * Precision, recall and F1 of every class from a confusion matrix (rows true, columns
 * predicted). Undefined ratios (no predictions, no samples) are 0, as scikit-learn reports them.
 * @example classScores([[3, 1], [2, 4]])[1] // { precision: 0.8, recall: 0.6667, f1: 0.7273, support: 6 }
 */
export function classScores(cm: readonly (readonly number[])[]): ClassScores[] {
  const k = cm.length;
  return cm.map((row, c) => {
    const tp = row[c] ?? 0;
    const support = row.reduce((s, v) => s + v, 0);
    let predicted = 0;
    for (let r = 0; r < k; r++) predicted += cm[r]?.[c] ?? 0;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Everything `classificationReport` measures. */
export interface ClassificationReport {
  /** Percent correct. */
  accuracy: number;
  confusion: number[][];
  perClass: ClassScores[];
  /** Unweighted means over classes. */
  macro: { precision: number; recall: number; f1: number };
}

/**
 * Accuracy, confusion matrix, per-class and macro-averaged precision/recall/F1. For two
 * classes the usual "precision" is `perClass[1].precision` (class 1 as positive).
 * @example classificationReport(predict(X), Y, 2).perClass[1].f1
 */
export function classificationReport(predicted: Labels, truth: Labels, k: number): ClassificationReport {
  const confusion = confusionMatrix(predicted, truth, k);
  const perClass = classScores(confusion);
  const mean = (f: (s: ClassScores) => number): number => perClass.reduce((s, c) => s + f(c), 0) / k;
  return {
    accuracy: accuracy(predicted, truth),
    confusion,
    perClass,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
  };
}
