/**
 * The single neuron again, with the gradients left to autodiff: write the cost, call
 * `backward`, read `.grad`. Same steps, options and results as ./neuron.ts, whose
 * hand-derived `propagate` (dw = 1/m X(A-Y)ᵀ, db = 1/m Σ(A-Y)) it reproduces to rounding.
 *
 * @example
 * const d = modelAutodiff(trainX, trainY, testX, testY, { numIterations: 2000, learningRate: 0.005 });
 */
import type { FloatDType } from '../core/dtype.js';
import { backward, gradCheck, noGrad, requiresGrad, variable, type GradCheckOptions, type GradCheckReport } from '../autograd/index.js';
import { RandomState } from '../core/rng.js';
import { add, fromArray, log, matmul, mul, scalar, sigmoid, sub, sum, zeros, type Tensor } from '../tensor/index.js';
import {
  checkNeuronShapes,
  checkOptimizeOptions,
  model,
  modelWith,
  type CostRecord,
  type LogisticGrads,
  type LogisticParams,
  type OptimizeOptions,
} from './neuron.js';

/**
 * The notes' cost as a tensor, from primitives only, so autodiff can differentiate it:
 * A = σ(wᵀX + b); J = -1/m Σ(Y log A + (1-Y) log(1-A)).
 * @example logisticCost(variable(w), variable(0), X, Y).backward();
 */
export function logisticCost(w: Tensor, b: Tensor | number, X: Tensor, Y: Tensor): Tensor {
  const m = X.shape[1] as number;
  const A = sigmoid(add(matmul(w.T, X), b));
  return mul(-1 / m, sum(add(mul(Y, log(A)), mul(sub(1, Y), log(sub(1, A))))));
}

/**
 * `propagate` by autodiff: the same cost, and the gradients from `backward` instead of the
 * hand-derived formulas.
 * @example const { grads, cost } = propagateAutodiff(fromArray([[1], [2]]), 2, X, Y);
 */
export function propagateAutodiff(w: Tensor, b: number, X: Tensor, Y: Tensor): { grads: LogisticGrads; cost: number } {
  checkNeuronShapes('propagateAutodiff', w, X, Y);
  const dtype: FloatDType = w.dtype === 'float32' ? 'float32' : 'float64';
  const wv = variable(w);
  const bv = variable(b, { dtype });
  const J = logisticCost(wv, bv, X, Y);
  backward(J);
  return { grads: { dw: wv.grad ?? zeros(w.shape, dtype), db: bv.grad?.item() ?? 0 }, cost: J.item() };
}

/**
 * Gradient descent with autodiff, PyTorch's loop: cost, backward, step without recording.
 * Same options and results as `optimize`.
 * @example const { params, costs } = optimizeAutodiff(w, b, X, Y, { numIterations: 100, learningRate: 0.009 });
 */
export function optimizeAutodiff(w0: Tensor, b0: number, X: Tensor, Y: Tensor, opts: OptimizeOptions): { params: LogisticParams; grads: LogisticGrads; costs: CostRecord[] } {
  checkOptimizeOptions('optimizeAutodiff', opts);
  checkNeuronShapes('optimizeAutodiff', w0, X, Y);
  const every = opts.recordEvery ?? 100;
  const dtype: FloatDType = w0.dtype === 'float32' ? 'float32' : 'float64';
  let w = variable(w0);
  let b = variable(b0, { dtype });
  const costs: CostRecord[] = [];
  let grads: LogisticGrads = { dw: zeros(w0.shape, dtype), db: 0 };
  for (let i = 0; i < opts.numIterations; i++) {
    const J = logisticCost(w, b, X, Y);
    backward(J);
    const dw = w.grad ?? zeros(w.shape, dtype);
    const db = b.grad ?? scalar(0, dtype);
    grads = { dw, db: db.item() };
    // The step makes new leaves, so no gradient carries over to the next iteration.
    [w, b] = noGrad(() => [requiresGrad(sub(w, mul(opts.learningRate, dw))), requiresGrad(sub(b, mul(opts.learningRate, db)))]);
    if (i % every === 0) {
      const cost = J.item();
      costs.push({ iteration: i, cost });
      opts.onCost?.(i, cost);
    }
  }
  return { params: { w: w.detach(), b: b.item() }, grads, costs };
}

/**
 * Gradient check of the cost J(w, b) on data (X, Y), at small random weights w ~ 0.01·N(0, 1)
 * drawn with `initSeed` and b = 0.1; `samples` limits the coordinates of w compared.
 * @example checkLogisticGradients(trainX, trainY, { samples: 50 }).maxRelativeError // ~1e-9
 */
export function checkLogisticGradients(X: Tensor, Y: Tensor, opts: GradCheckOptions & { initSeed?: number } = {}): GradCheckReport {
  const n = X.shape[0] as number;
  const rng = new RandomState(opts.initSeed ?? 1);
  const w = mul(fromArray(rng.randnArray(n), [n, 1]), 0.01);
  checkNeuronShapes('checkLogisticGradients', w, X, Y);
  return gradCheck((wv: Tensor, bv: Tensor) => logisticCost(wv, bv, X, Y), [w, scalar(0.1)], { names: ['w', 'b'], ...opts });
}

/**
 * `model` trained by autodiff: initialise with zeros, optimise with `optimizeAutodiff`,
 * predict on train and test. Same options and result as `model`.
 * @example const d = modelAutodiff(trainX, trainY, testX, testY, { numIterations: 2000, learningRate: 0.005 });
 */
export const modelAutodiff: typeof model = modelWith(optimizeAutodiff);
