/**
 * The training loss of a model, batch-first: cross-entropy of its scores (N, k) against
 * labels (N,) of class indices, plus the course's L2 penalty. Written from primitives, so
 * autodiff derives every gradient.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { abs, add, astype, exp, fromArray, log, maximum, mean, mul, neg, sigmoid, sub, sum, type Tensor } from '../tensor/index.js';
import { logSoftmax } from './activations.js';
import type { Parameter } from './module.js';
import type { Sequential } from './sequential.js';

/**
 * How a sigmoid output's cross-entropy is computed: `course`, the notes' formula on the
 * probabilities (reproduces their numbers; infinite once a probability rounds to 0 or 1);
 * `logits`, the same cost computed stably from the scores. Softmax is always computed from
 * the scores.
 */
export type BinaryLoss = 'course' | 'logits';

/**
 * Labels (N,) of class indices as one-hot rows (N, k).
 * @example oneHotRows(fromArray([0, 2]), 3).toArray() // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHotRows(labels: Tensor, k: number): Tensor {
  const v = labels.values();
  const out = new Float64Array(v.length * k);
  for (let j = 0; j < v.length; j++) {
    const c = v[j] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new ArgumentError('loss', 'labels', `label ${c} at index ${j} is not a class in 0..${k - 1}`);
    out[j * k + c] = 1;
  }
  return fromArray(out, [v.length, k]);
}

function checkPair(op: string, a: string, p: Tensor, Y: Tensor): number {
  if (p.ndim !== 2 || !shapesEqual(p.shape, Y.shape)) {
    throw new ShapeError(op, `${a} and Y must both be (N, k): ${a}${formatShape(p.shape)} Y${formatShape(Y.shape)}`, [p.shape, Y.shape]);
  }
  return p.shape[0] as number;
}

/**
 * The notes' cost -(1/m) Σ (y log a + (1-y) log(1-a)) for probabilities A and labels Y, both
 * (N, 1), as the notes' `propagate` writes it (one sum over the samples, numpy's pairwise order).
 * It is infinite once a probability rounds to 0 or 1; `binaryCrossEntropyWithLogits` is not.
 * @example binaryCrossEntropy(fromArray([[0.8], [0.9], [0.4]]), fromArray([[1], [1], [0]])).item() // 0.2797765635793422
 */
export function binaryCrossEntropy(A: Tensor, Y: Tensor): Tensor {
  const m = checkPair('binaryCrossEntropy', 'A', A, Y);
  return mul(-1 / m, sum(add(mul(Y, log(A)), mul(sub(1, Y), log(sub(1, A))))));
}

/**
 * Binary cross-entropy from the scores z (before the sigmoid), stable for any z:
 * mean(max(z, 0) - z·y + log(1 + e^-|z|)). Equal to `binaryCrossEntropy(sigmoid(z), Y)` where
 * that is finite.
 * @example binaryCrossEntropyWithLogits(fromArray([[800]]), fromArray([[0]])).item() // 800
 */
export function binaryCrossEntropyWithLogits(Z: Tensor, Y: Tensor): Tensor {
  checkPair('binaryCrossEntropyWithLogits', 'Z', Z, Y);
  return mean(add(sub(maximum(Z, 0), mul(Z, Y)), log(add(1, exp(neg(abs(Z)))))));
}

/**
 * Softmax cross-entropy over k classes from scores Z (N, k) and one-hot rows Y (N, k):
 * -(1/m) Σ Y ⊙ logSoftmax(Z). Its gradient is (softmax(Z) - Y)/m.
 * @example softmaxCrossEntropy(fromArray([[0, 0]]), fromArray([[1, 0]])).item() // log 2
 */
export function softmaxCrossEntropy(Z: Tensor, Y: Tensor): Tensor {
  const m = checkPair('softmaxCrossEntropy', 'Z', Z, Y);
  return mul(-1 / m, sum(mul(Y, logSoftmax(Z, 1))));
}

/**
 * The data term of the cost from the model's scores Z (N, k) and labels (N,).
 * @example lossOfScores(net, net.scores(X), labels).item()
 */
export function lossOfScores(model: Sequential, Z: Tensor, labels: Tensor, loss: BinaryLoss = 'course'): Tensor {
  const m = Z.shape[0] as number;
  if (labels.ndim !== 1 || labels.shape[0] !== m) throw new ShapeError('loss', `labels must be (N,) for scores ${formatShape(Z.shape)}, got ${formatShape(labels.shape)}`, [Z.shape, labels.shape]);
  // Labels in the scores' dtype: float64 labels would turn a float32 model's whole backward pass into float64.
  const dtype = Z.dtype === 'float32' ? 'float32' : 'float64';
  if (model.head === 'sigmoid') {
    const Y = astype(labels.reshape([m, 1]), dtype);
    return loss === 'course' ? binaryCrossEntropy(sigmoid(Z), Y) : binaryCrossEntropyWithLogits(Z, Y);
  }
  if (model.head === 'softmax') return softmaxCrossEntropy(Z, astype(oneHotRows(labels, model.classes), dtype));
  throw new ArgumentError('loss', 'model', 'the model needs a sigmoid or softmax output layer to be trained as a classifier');
}

/** The course's L2 penalty (1/m)(λ/2) Σ‖W‖² over the weights, or null for λ = 0. @example l2Term(net.parameters(), 0.7, 209)?.item() */
export function l2Term(params: readonly Parameter[], lambda: number, m: number): Tensor | null {
  if (lambda === 0) return null;
  let total: Tensor | null = null;
  for (const p of params) {
    if (p.role !== 'weight') continue;
    const s = sum(mul(p.value, p.value));
    total = total === null ? s : add(total, s);
  }
  return total === null ? null : mul((1 / m) * (lambda / 2), total);
}
