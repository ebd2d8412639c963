/**
 * Losses, from primitives (autodiff derives their gradients). Each takes predictions or
 * scores of shape (k, m), one column per sample, and labels of the same shape.
 */
import { ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { abs, add, exp, log, matmul, maximum, mean, mul, neg, sub, sum, type Tensor } from '../tensor/index.js';
import { logSoftmax } from './activations.js';

function checkPair(op: string, a: string, p: Tensor, Y: Tensor): number {
  if (p.ndim !== 2 || !shapesEqual(p.shape, Y.shape)) {
    throw new ShapeError(op, `${a} and Y must both be (k, m): ${a}${formatShape(p.shape)} Y${formatShape(Y.shape)}`, [p.shape, Y.shape]);
  }
  return p.shape[1] as number;
}

/**
 * The course's cross-entropy cost, written as the course writes it:
 * J = (1/m)(-Y·log(AL)ᵀ - (1-Y)·log(1-AL)ᵀ), from probabilities AL of shape (1, m).
 * Differentiating it gives the course's dAL = -(Y/AL - (1-Y)/(1-AL)) (times 1/m). It is
 * infinite when a probability rounds to exactly 0 or 1; `binaryCrossEntropyWithLogits` is not.
 * @example courseCost(fromArray([[0.8, 0.9, 0.4]]), fromArray([[1, 1, 0]])).item() // 0.2797765635793422
 */
export function courseCost(AL: Tensor, Y: Tensor): Tensor {
  const m = checkPair('courseCost', 'AL', AL, Y);
  if (AL.shape[0] !== 1) throw new ShapeError('courseCost', `AL must be (1, m), got AL${formatShape(AL.shape)}`, [AL.shape]);
  const yes = matmul(Y, log(AL).T);
  const no = matmul(sub(1, Y), log(sub(1, AL)).T);
  return mul(1 / m, sub(neg(yes), no)).reshape([]);
}

/**
 * Binary cross-entropy from the scores z (before the sigmoid), stable for any z:
 * mean(max(z, 0) - z·y + log(1 + e^-|z|)). Equal to `courseCost(sigmoid(z), Y)` where that
 * is finite.
 * @example binaryCrossEntropyWithLogits(fromArray([[800]]), fromArray([[0]])).item() // 800
 */
export function binaryCrossEntropyWithLogits(Z: Tensor, Y: Tensor): Tensor {
  checkPair('binaryCrossEntropyWithLogits', 'Z', Z, Y);
  return mean(add(sub(maximum(Z, 0), mul(Z, Y)), log(add(1, exp(neg(abs(Z)))))));
}

/**
 * Softmax cross-entropy over k classes from scores Z (k, m) and one-hot labels Y (k, m):
 * -(1/m) Σ Y ⊙ logSoftmax(Z). Its gradient is (softmax(Z) - Y)/m.
 * @example softmaxCrossEntropy(fromArray([[0], [0]]), fromArray([[1], [0]])).item() // log 2
 */
export function softmaxCrossEntropy(Z: Tensor, Y: Tensor): Tensor {
  const m = checkPair('softmaxCrossEntropy', 'Z', Z, Y);
  return mul(-1 / m, sum(mul(Y, logSoftmax(Z, 0))));
}

/**
 * The course's L2 penalty (1/m)(λ/2) Σ‖W‖², added to the cost for regularisation.
 * @example l2Penalty([W1, W2], 0.7, 209)
 */
export function l2Penalty(weights: readonly Tensor[], lambda: number, m: number): Tensor | null {
  let total: Tensor | null = null;
  for (const W of weights) {
    const s = sum(mul(W, W));
    total = total === null ? s : add(total, s);
  }
  return total === null ? null : mul((1 / m) * (lambda / 2), total);
}
