/**
 * The classic course's deep network in its own steps and words, with the hand-derived
 * backward pass: `initializeParameters` (2-layer), `initializeParametersDeep`,
 * `linearForward`, `linearActivationForward`, `lModelForward`, `computeCost`,
 * `linearBackward`, `reluBackward`, `sigmoidBackward`, `linearActivationBackward`,
 * `lModelBackward`, `updateParameters`, `predict`, `twoLayerModel`, `lLayerModel`.
 * Vectorised tensor ops in the course's order of operations, in its (features, m) layout
 * with one sample per column. The general path is the batch-first `Sequential` of
 * [dense, relu] × (L-1), dense, sigmoid, whose gradients autodiff derives;
 * test/course/deep.test.ts holds the two together.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { RandomState } from '../core/rng.js';
import { add, astype, div, greater, matmul, mul, neg, sub, sum, where, zeros, type Tensor } from '../tensor/index.js';
import { relu, sigmoid } from '../nn/activations.js';
import { checkLayerSizes, initWeights } from '../nn/init.js';
import { binaryCrossEntropy } from '../nn/loss.js';
import { checkOptimizeOptions, type CostRecord } from './neuron.js';

/** W1, b1, …, WL, bL, keyed as the course keys its dictionary. */
export type Parameters = Map<string, Tensor>;
/** dW1, db1, …, and dA0 … dA(L-1). */
export type Gradients = Map<string, Tensor>;

/** What the forward pass keeps for the backward pass of one layer. */
export interface LayerCache {
  linear: { A: Tensor; W: Tensor; b: Tensor };
  /** Z, the activation's input. */
  activation: Tensor;
}

function get(m: Map<string, Tensor>, key: string): Tensor {
  const t = m.get(key);
  if (t === undefined) throw new ArgumentError('deep', 'parameters', `no ${key} among ${[...m.keys()].join(', ')}`);
  return t;
}

/**
 * The 2-layer model's start: `np.random.seed(seed)`; W1 = randn(n_h, n_x)·0.01, b1 = 0,
 * W2 = randn(n_y, n_h)·0.01, b2 = 0.
 * @example initializeParameters(12288, 7, 1)
 */
export function initializeParameters(nx: number, nh: number, ny: number, seed = 1): Parameters {
  checkLayerSizes('initializeParameters', [nx, nh, ny]);
  const rng = new RandomState(seed);
  const small = { kind: 'scaled', scale: 0.01 } as const;
  const W1 = initWeights(small, nh, nx, rng);
  const W2 = initWeights(small, ny, nh, rng);
  return new Map([['W1', W1], ['b1', zeros([nh, 1])], ['W2', W2], ['b2', zeros([ny, 1])]]);
}

/** The L-layer model's start: `np.random.seed(seed)`; W_l = randn(n_l, n_{l-1}) / √n_{l-1}, b_l = 0. @example initializeParametersDeep([12288, 20, 7, 5, 1]) */
export function initializeParametersDeep(layerDims: readonly number[], seed = 1): Parameters {
  checkLayerSizes('initializeParametersDeep', layerDims);
  const rng = new RandomState(seed);
  const p: Parameters = new Map();
  for (let l = 1; l < layerDims.length; l++) {
    p.set(`W${l}`, initWeights({ kind: 'course' }, layerDims[l] as number, layerDims[l - 1] as number, rng));
    p.set(`b${l}`, zeros([layerDims[l] as number, 1]));
  }
  return p;
}

/** Z = W·A + b. @example linearForward(A, W, b).Z // (n_l, m) */
export function linearForward(A: Tensor, W: Tensor, b: Tensor): { Z: Tensor; cache: LayerCache['linear'] } {
  return { Z: add(matmul(W, A), b), cache: { A, W, b } };
}

/** A = g(W·A_prev + b) with g relu or sigmoid. @example linearActivationForward(Aprev, W, b, 'relu').A */
export function linearActivationForward(Aprev: Tensor, W: Tensor, b: Tensor, activation: 'relu' | 'sigmoid'): { A: Tensor; cache: LayerCache } {
  const { Z, cache } = linearForward(Aprev, W, b);
  return { A: activation === 'relu' ? relu(Z) : sigmoid(Z), cache: { linear: cache, activation: Z } };
}

/** [linear → relu] × (L-1) → linear → sigmoid. @example const { AL, caches } = lModelForward(X, initializeParametersDeep([12288, 20, 7, 5, 1])); */
export function lModelForward(X: Tensor, parameters: Parameters): { AL: Tensor; caches: LayerCache[] } {
  const L = parameters.size / 2;
  const caches: LayerCache[] = [];
  let A = X;
  for (let l = 1; l < L; l++) {
    const r = linearActivationForward(A, get(parameters, `W${l}`), get(parameters, `b${l}`), 'relu');
    A = r.A;
    caches.push(r.cache);
  }
  const r = linearActivationForward(A, get(parameters, `W${L}`), get(parameters, `b${L}`), 'sigmoid');
  caches.push(r.cache);
  return { AL: r.A, caches };
}

/**
 * The cross-entropy cost (1/m)(-Y·log(AL)ᵀ - (1-Y)·log(1-AL)ᵀ): the general path's
 * `binaryCrossEntropy` of the same numbers laid out batch-first, the same two dot products.
 * @example computeCost(fromArray([[0.8, 0.9, 0.4]]), fromArray([[1, 1, 0]])) // 0.2797765635793422
 */
export function computeCost(AL: Tensor, Y: Tensor): number {
  if (AL.ndim !== 2 || AL.shape[0] !== 1 || Y.ndim !== 2 || formatShape(AL.shape) !== formatShape(Y.shape)) {
    throw new ShapeError('computeCost', `AL and Y must both be (1, m): AL${formatShape(AL.shape)} Y${formatShape(Y.shape)}`, [AL.shape, Y.shape]);
  }
  return binaryCrossEntropy(AL.T, Y.T).item();
}

/** dW = (1/m) dZ·A_prevᵀ, db = (1/m) Σ dZ over samples, dA_prev = Wᵀ·dZ. @example const { dAprev, dW, db } = linearBackward(dZ, cache.linear); */
export function linearBackward(dZ: Tensor, cache: LayerCache['linear']): { dAprev: Tensor; dW: Tensor; db: Tensor } {
  const { A, W } = cache;
  const m = A.shape[1] as number;
  const dW = mul(1 / m, matmul(dZ, A.T));
  const db = mul(1 / m, sum(dZ, { axis: 1, keepdims: true }));
  return { dAprev: matmul(W.T, dZ), dW, db };
}

/** dZ = dA where Z > 0, 0 elsewhere. @example reluBackward(fromArray([[1, 1]]), fromArray([[-2, 3]])).toArray() // [[0, 1]] */
export function reluBackward(dA: Tensor, Z: Tensor): Tensor {
  return where(greater(Z, 0), dA, 0);
}

/** dZ = dA·s·(1 - s), s = σ(Z). @example sigmoidBackward(fromArray([[1]]), fromArray([[0]])).item() // 0.25 */
export function sigmoidBackward(dA: Tensor, Z: Tensor): Tensor {
  const s = sigmoid(Z);
  return mul(mul(dA, s), sub(1, s));
}

/** One layer's backward pass: the activation's, then the linear part's. @example linearActivationBackward(dA, caches[0], 'relu').dW */
export function linearActivationBackward(dA: Tensor, cache: LayerCache, activation: 'relu' | 'sigmoid'): { dAprev: Tensor; dW: Tensor; db: Tensor } {
  const dZ = activation === 'relu' ? reluBackward(dA, cache.activation) : sigmoidBackward(dA, cache.activation);
  return linearBackward(dZ, cache.linear);
}

/** The backward pass from dAL = -(Y/AL - (1-Y)/(1-AL)), layer by layer. @example const grads = lModelBackward(AL, Y, caches); grads.get('dW1') */
export function lModelBackward(AL: Tensor, Y: Tensor, caches: readonly LayerCache[]): Gradients {
  const grads: Gradients = new Map();
  const L = caches.length;
  const dAL = neg(sub(div(Y, AL), div(sub(1, Y), sub(1, AL))));
  let r = linearActivationBackward(dAL, caches[L - 1] as LayerCache, 'sigmoid');
  grads.set(`dA${L - 1}`, r.dAprev).set(`dW${L}`, r.dW).set(`db${L}`, r.db);
  for (let l = L - 2; l >= 0; l--) {
    r = linearActivationBackward(get(grads, `dA${l + 1}`), caches[l] as LayerCache, 'relu');
    grads.set(`dA${l}`, r.dAprev).set(`dW${l + 1}`, r.dW).set(`db${l + 1}`, r.db);
  }
  return grads;
}

/** W = W - α dW, b = b - α db for every layer, into a new dictionary. @example parameters = updateParameters(parameters, grads, 0.0075); */
export function updateParameters(params: Parameters, grads: Gradients, learningRate: number): Parameters {
  const out: Parameters = new Map();
  for (const [key, value] of params) out.set(key, sub(value, mul(learningRate, get(grads, `d${key}`))));
  return out;
}

/** Labels 1 where the output probability exceeds 0.5, shape (1, m), float64. @example predict(testX, parameters).shape // [1, 50] */
export function predict(X: Tensor, parameters: Parameters): Tensor {
  return astype(greater(lModelForward(X, parameters).AL, 0.5), 'float64');
}

/** Settings of the course's models: lr 0.0075, 3000 iterations, cost every 100 (and the last). */
export interface CourseModelOptions {
  learningRate?: number;
  numIterations?: number;
  onCost?: (iteration: number, cost: number) => void;
}

function loop(op: string, X: Tensor, Y: Tensor, start: Parameters, opts: CourseModelOptions): { parameters: Parameters; costs: CostRecord[] } {
  const lr = opts.learningRate ?? 0.0075;
  const n = opts.numIterations ?? 3000;
  checkOptimizeOptions(op, { numIterations: n, learningRate: lr });
  let parameters = start;
  const costs: CostRecord[] = [];
  for (let i = 0; i < n; i++) {
    const { AL, caches } = lModelForward(X, parameters);
    const cost = computeCost(AL, Y);
    parameters = updateParameters(parameters, lModelBackward(AL, Y, caches), lr);
    if (i % 100 === 0 || i === n - 1) {
      costs.push({ iteration: i, cost });
      opts.onCost?.(i, cost);
    }
  }
  return { parameters, costs };
}

/** The course's `two_layer_model`: linear → relu → linear → sigmoid, from `initializeParameters`. @example twoLayerModel(trainX, trainY, [12288, 7, 1], { numIterations: 2500 }) */
export function twoLayerModel(X: Tensor, Y: Tensor, layersDims: readonly [number, number, number], opts: CourseModelOptions = {}) {
  return loop('twoLayerModel', X, Y, initializeParameters(...layersDims), opts);
}

/** The course's `L_layer_model`, from `initializeParametersDeep`. @example lLayerModel(trainX, trainY, [12288, 20, 7, 5, 1], { numIterations: 2500 }) */
export function lLayerModel(X: Tensor, Y: Tensor, layersDims: readonly number[], opts: CourseModelOptions = {}) {
  return loop('lLayerModel', X, Y, initializeParametersDeep(layersDims), opts);
}
