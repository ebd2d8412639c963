/**
 * The single neuron (logistic regression) in the classic notes' own steps and words:
 * `initializeWithZeros`, `propagate`, `optimize`, `predict`, `model`. Every step is written
 * with vectorised tensor ops, in the notes' order of operations, so that the numbers match a
 * numpy run of the same code: no per-sample loops here. The general path trains the same
 * neuron as `Sequential([Flatten, Dense(n, 1), Sigmoid])` in the one `Trainer`
 * (src/train/trainer.ts), which also pauses, resumes and stops at a cost that is not finite;
 * test/course/neuron.test.ts holds the two together.
 */
import { firstNonFinite, type FloatDType } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { add, astype, greater, log, matmul, mul, sigmoid, sub, sum, zeros, type Tensor } from '../tensor/index.js';

/** The neuron's parameters: weights w of shape (n_x, 1) and bias b. */
export interface LogisticParams {
  w: Tensor;
  b: number;
}

/** Gradients of the cost with respect to w and b. */
export interface LogisticGrads {
  dw: Tensor;
  db: number;
}

/**
 * Weights of zeros, shape (dim, 1), and bias 0: the notes' starting point.
 * @example const { w, b } = initializeWithZeros(12288);
 */
export function initializeWithZeros(dim: number, dtype: FloatDType = 'float64'): LogisticParams {
  if (!Number.isInteger(dim) || dim <= 0) throw new ArgumentError('initializeWithZeros', 'dim', `must be a positive integer, got ${dim}`);
  return { w: zeros([dim, 1], dtype), b: 0 };
}

/**
 * Checks the notes' layout: w (n_x, 1), X (n_x, m) with one sample per column, Y (1, m).
 * A mismatch names both shapes, which a learner transposing X by mistake needs to see.
 * @example checkNeuronShapes('propagate', w, X, Y) // ShapeError: propagate: w must be (n_x, 1) and X (n_x, m): w(3, 1) X(2, 3)
 */
export function checkNeuronShapes(op: string, w: Tensor, X: Tensor, Y?: Tensor): void {
  if (w.ndim !== 2 || w.shape[1] !== 1 || X.ndim !== 2 || w.shape[0] !== X.shape[0]) {
    throw new ShapeError(op, `w must be (n_x, 1) and X (n_x, m): w${formatShape(w.shape)} X${formatShape(X.shape)}`, [w.shape, X.shape]);
  }
  if (Y !== undefined && (Y.ndim !== 2 || Y.shape[0] !== 1 || Y.shape[1] !== X.shape[1])) {
    throw new ShapeError(op, `Y must be (1, m) for X${formatShape(X.shape)}, got Y${formatShape(Y.shape)}`, [X.shape, Y.shape]);
  }
}

/**
 * Forward and backward propagation: the cost J and its gradients, as in the notes:
 * A = σ(wᵀX + b); J = -1/m Σ(Y log A + (1-Y) log(1-A)); dw = 1/m X(A-Y)ᵀ; db = 1/m Σ(A-Y).
 * @example
 * const { grads, cost } = propagate(fromArray([[1], [2]]), 2, fromArray([[1, 2, -1], [3, 4, -3.2]]), fromArray([[1, 0, 1]]));
 * // grads.dw ≈ [[0.99845601], [2.39507239]], grads.db ≈ 0.00145558, cost ≈ 5.80154532
 */
export function propagate(w: Tensor, b: number, X: Tensor, Y: Tensor): { grads: LogisticGrads; cost: number } {
  checkNeuronShapes('propagate', w, X, Y);
  const m = X.shape[1] as number;
  // Forward: from X to the cost.
  const A = sigmoid(add(matmul(w.T, X), b));
  const cost = (-1 / m) * sum(add(mul(Y, log(A)), mul(sub(1, Y), log(sub(1, A))))).item();
  // Backward: the gradients.
  const dZ = sub(A, Y);
  const dw = mul(1 / m, matmul(X, dZ.T));
  const db = (1 / m) * sum(dZ).item();
  return { grads: { dw, db }, cost };
}

/** Settings of gradient descent. */
export interface OptimizeOptions {
  numIterations: number;
  learningRate: number;
  /** Record the cost every this many iterations (the notes: 100). */
  recordEvery?: number;
  /** Called with each recorded cost, e.g. to print it. */
  onCost?: (iteration: number, cost: number) => void;
}

/** A cost and the iteration it was computed at (before that iteration's update). */
export interface CostRecord {
  iteration: number;
  cost: number;
}

/**
 * Checks gradient descent's settings before the first iteration: a learning rate of 0 or
 * NaN would otherwise train for minutes and change nothing.
 * @example checkOptimizeOptions('optimize', { numIterations: 0, learningRate: 0.1 }) // ArgumentError: optimize: numIterations: must be a positive integer, got 0
 */
export function checkOptimizeOptions(op: string, opts: OptimizeOptions): void {
  if (!Number.isInteger(opts.numIterations) || opts.numIterations <= 0) {
    throw new ArgumentError(op, 'numIterations', `must be a positive integer, got ${opts.numIterations}`);
  }
  if (!Number.isFinite(opts.learningRate) || opts.learningRate <= 0) {
    throw new ArgumentError(op, 'learningRate', `must be a positive number, got ${opts.learningRate}`);
  }
  const every = opts.recordEvery ?? 100;
  if (!Number.isInteger(every) || every <= 0) throw new ArgumentError(op, 'recordEvery', `must be a positive integer, got ${every}`);
}

/**
 * Gradient descent: `numIterations` steps of w -= α dw, b -= α db, recording the cost every
 * `recordEvery` iterations (counting from iteration 0). Returns the last gradients too, as
 * the notes do.
 * @example const { params, costs } = optimize(w, b, X, Y, { numIterations: 100, learningRate: 0.009 });
 */
export function optimize(w: Tensor, b: number, X: Tensor, Y: Tensor, opts: OptimizeOptions): { params: LogisticParams; grads: LogisticGrads; costs: CostRecord[] } {
  checkOptimizeOptions('optimize', opts);
  const every = opts.recordEvery ?? 100;
  // A float32 model keeps its bias in float32 too, as numpy's float32 scalars would.
  const round = w.dtype === 'float32' ? Math.fround : (x: number) => x;
  const costs: CostRecord[] = [];
  let grads: LogisticGrads = { dw: zeros(w.shape, w.dtype === 'float32' ? 'float32' : 'float64'), db: 0 };
  for (let i = 0; i < opts.numIterations; i++) {
    const step = propagate(w, b, X, Y);
    grads = step.grads;
    w = sub(w, mul(opts.learningRate, grads.dw));
    b = round(b - opts.learningRate * grads.db);
    if (i % every === 0) {
      costs.push({ iteration: i, cost: step.cost });
      opts.onCost?.(i, step.cost);
    }
  }
  return { params: { w, b }, grads, costs };
}

/**
 * The probability that each sample is of class 1: σ(wᵀX + b), shape (1, m).
 * @example probabilities(w, b, X).toArray()
 */
export function probabilities(w: Tensor, b: number, X: Tensor): Tensor {
  checkNeuronShapes('predict', w, X);
  return sigmoid(add(matmul(w.T, X), b));
}

/**
 * Labels 0 or 1 for each sample (1 where the probability exceeds 0.5), shape (1, m), float64.
 * @example predict(w, b, X) // [[1, 1, 0]]
 */
export function predict(w: Tensor, b: number, X: Tensor): Tensor {
  return astype(greater(probabilities(w, b, X), 0.5), 'float64');
}

/**
 * The notes' accuracy, in percent: 100 - mean(|Ŷ - Y|) * 100.
 * @example accuracy(fromArray([[1, 0, 1, 1]]), fromArray([[1, 0, 0, 1]])) // 75
 */
export function accuracy(prediction: Tensor, Y: Tensor): number {
  return 100 - sub(prediction, Y).abs().mean().item() * 100;
}

/**
 * Checks that float inputs hold no NaN or ±Infinity (one pass each), naming the first bad
 * element: a NaN pixel would otherwise show up only as a NaN cost.
 * @example checkFiniteInputs('model', { XTrain, YTrain }) // ArgumentError: model: XTrain: element (3, 7) is NaN: ...
 */
export function checkFiniteInputs(op: string, inputs: Record<string, Tensor>): void {
  for (const [name, t] of Object.entries(inputs)) {
    const v = t.values();
    const bad = firstNonFinite(v);
    if (bad >= 0) {
      const cols = t.ndim === 2 ? (t.shape[1] as number) : 0;
      const at = cols > 0 ? `(${Math.floor(bad / cols)}, ${bad % cols})` : String(bad);
      throw new ArgumentError(op, name, `element ${at} is ${v[bad]}: inputs must be finite numbers`);
    }
  }
}

/** Settings of `model`; the notes' defaults are 2000 iterations at learning rate 0.5. */
export interface ModelOptions {
  numIterations?: number;
  learningRate?: number;
  recordEvery?: number;
  onCost?: (iteration: number, cost: number) => void;
}

/** What `model` returns: the notes' dictionary `d`, plus both accuracies. */
export interface ModelResult {
  costs: CostRecord[];
  YPredictionTest: Tensor;
  YPredictionTrain: Tensor;
  w: Tensor;
  b: number;
  learningRate: number;
  numIterations: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** An optimiser with `optimize`'s inputs and results (hand-derived, autodiff, ...). */
export type Optimizer = (w: Tensor, b: number, X: Tensor, Y: Tensor, opts: OptimizeOptions) => { params: LogisticParams; costs: CostRecord[] };

/**
 * The notes' dictionary `d` from trained parameters and both sets' predictions.
 * @example modelResult(params, costs, { train: predict(w, b, XTrain), test: predict(w, b, XTest) }, { train: YTrain, test: YTest }, settings)
 */
export function modelResult(
  params: LogisticParams,
  costs: CostRecord[],
  predictions: { train: Tensor; test: Tensor },
  Y: { train: Tensor; test: Tensor },
  settings: { learningRate: number; numIterations: number },
): ModelResult {
  return {
    costs,
    YPredictionTest: predictions.test,
    YPredictionTrain: predictions.train,
    w: params.w,
    b: params.b,
    learningRate: settings.learningRate,
    numIterations: settings.numIterations,
    trainAccuracy: accuracy(predictions.train, Y.train),
    testAccuracy: accuracy(predictions.test, Y.test),
  };
}

/**
 * The notes' `model` around any optimiser: initialise with zeros, optimise, predict on train
 * and test. `model` is `modelWith(optimize)`.
 * @example const modelAutodiff = modelWith(optimizeAutodiff);
 */
export function modelWith(optimizer: Optimizer) {
  return (XTrain: Tensor, YTrain: Tensor, XTest: Tensor, YTest: Tensor, opts: ModelOptions = {}): ModelResult => {
    const numIterations = opts.numIterations ?? 2000;
    const learningRate = opts.learningRate ?? 0.5;
    const dtype: FloatDType = XTrain.dtype === 'float32' ? 'float32' : 'float64';
    checkFiniteInputs('model', { XTrain, YTrain, XTest, YTest });
    const init = initializeWithZeros(XTrain.shape[0] as number, dtype);
    const { params, costs } = optimizer(init.w, init.b, XTrain, YTrain, {
      numIterations,
      learningRate,
      ...(opts.recordEvery !== undefined ? { recordEvery: opts.recordEvery } : {}),
      ...(opts.onCost !== undefined ? { onCost: opts.onCost } : {}),
    });
    const predictions = { train: predict(params.w, params.b, XTrain), test: predict(params.w, params.b, XTest) };
    return modelResult(params, costs, predictions, { train: YTrain, test: YTest }, { learningRate, numIterations });
  };
}

/**
 * The whole single neuron: initialise with zeros, optimise, predict on train and test.
 * @example const d = model(trainX, trainY, testX, testY, { numIterations: 2000, learningRate: 0.005 });
 */
export const model: (XTrain: Tensor, YTrain: Tensor, XTest: Tensor, YTest: Tensor, opts?: ModelOptions) => ModelResult = modelWith(optimize);
