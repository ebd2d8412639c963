/**
 * The course's deep network as a sequential model built from a list of layer sizes: dense
 * layers with a hidden activation (relu in the course) between them, optional inverted
 * dropout after each hidden activation, and a sigmoid output (one unit, two classes) or a
 * softmax output (k units, k classes). Gradients come from autodiff.
 *
 * @example
 * const net = Mlp.initialize({ layers: [12288, 20, 7, 5, 1] }, { kind: 'course' }, 1);
 * const J = net.cost(X, Y); // the course's cost; J.backward() fills each parameter's .grad
 */
import { gradCheck, noGrad, type GradCheckOptions, type GradCheckReport } from '../autograd/index.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { add, argmax, astype, fromArray, greater, sigmoid, type Tensor } from '../tensor/index.js';
import { HIDDEN_ACTIVATIONS, softmax, type HiddenActivation } from './activations.js';
import { checkLayerSizes, initializeLayers, type Initializer, type LayerParams } from './init.js';
import { Activation, Dense, Dropout, Sequential, type ForwardContext, type Parameter } from './layers.js';
import { binaryCrossEntropyWithLogits, courseCost, l2Penalty, softmaxCrossEntropy } from './losses.js';

/** The output unit(s): sigmoid for one unit (two classes), softmax for k ≥ 2 units. */
export type OutputKind = 'sigmoid' | 'softmax';

/**
 * Which binary loss a sigmoid output trains on: `course`, the course's formula on the
 * probabilities (reproduces its numbers); `logits`, the same cost computed stably from the
 * scores (finite even when a probability rounds to 0 or 1). Softmax always uses softmax
 * cross-entropy from the scores.
 */
export type BinaryLoss = 'course' | 'logits';

/** A network's architecture. */
export interface MlpSpec {
  /** [n_x, n_1, ..., n_L]: inputs, hidden layer sizes, outputs. */
  readonly layers: readonly number[];
  /** Default relu. */
  readonly hidden?: HiddenActivation;
  /** Default sigmoid when n_L = 1, softmax otherwise. */
  readonly output?: OutputKind;
  /** Inverted dropout's keep probability after each hidden activation (default 1: none). */
  readonly keepProb?: number;
}

/** Settings of `Mlp.cost`. */
export interface CostOptions {
  loss?: BinaryLoss;
  /** The course's L2 strength λ: adds (1/m)(λ/2)Σ‖W‖² (default 0). */
  l2?: number;
  /** Training context (dropout on, its generator); default: evaluation. */
  ctx?: ForwardContext;
}

/** The full, checked architecture. */
export interface ResolvedSpec {
  readonly layers: readonly number[];
  readonly hidden: HiddenActivation;
  readonly output: OutputKind;
  readonly keepProb: number;
}

/** Checks a spec once, at the public boundary, and fills in its defaults. */
export function resolveSpec(op: string, spec: MlpSpec): ResolvedSpec {
  checkLayerSizes(op, spec.layers);
  const nOut = spec.layers[spec.layers.length - 1] as number;
  const output = spec.output ?? (nOut === 1 ? 'sigmoid' : 'softmax');
  if (output === 'sigmoid' && nOut !== 1) throw new ArgumentError(op, 'layers', `a sigmoid output has 1 unit, got ${nOut} in [${spec.layers.join(', ')}]`);
  if (output === 'softmax' && nOut < 2) throw new ArgumentError(op, 'layers', `a softmax output needs at least 2 units, got ${nOut} in [${spec.layers.join(', ')}]`);
  const hidden = spec.hidden ?? 'relu';
  if (!(HIDDEN_ACTIVATIONS as readonly string[]).includes(hidden)) {
    throw new ArgumentError(op, 'hidden', `unknown activation '${String(hidden)}', expected one of ${HIDDEN_ACTIVATIONS.join(', ')}`);
  }
  const keepProb = spec.keepProb ?? 1;
  if (!(keepProb > 0 && keepProb <= 1)) throw new ArgumentError(op, 'keepProb', `must be in (0, 1], got ${keepProb}`);
  return { layers: [...spec.layers], hidden, output, keepProb };
}

/**
 * A multilayer perceptron: [dense, activation, (dropout)] × (L-1), then a dense output layer
 * whose scores go through the sigmoid or softmax.
 */
export class Mlp {
  readonly spec: ResolvedSpec;
  readonly net: Sequential;
  readonly dense: readonly Dense[];

  /** A network with the given weights and biases, one pair per layer. */
  constructor(spec: MlpSpec, params: readonly LayerParams[]) {
    this.spec = resolveSpec('Mlp', spec);
    const L = this.spec.layers.length - 1;
    if (params.length !== L) throw new ArgumentError('Mlp', 'params', `${L} layers need ${L} (W, b) pairs, got ${params.length}`);
    const layers: (Dense | Activation | Dropout)[] = [];
    const dense: Dense[] = [];
    params.forEach((p, i) => {
      const nIn = this.spec.layers[i] as number;
      const nOut = this.spec.layers[i + 1] as number;
      if (p.W.shape[0] !== nOut || p.W.shape[1] !== nIn) {
        throw new ShapeError('Mlp', `W${i + 1} must be (${nOut}, ${nIn}) for layers [${this.spec.layers.join(', ')}], got ${formatShape(p.W.shape)}`, [p.W.shape]);
      }
      const d = new Dense(p.W, p.b, i + 1);
      dense.push(d);
      layers.push(d);
      if (i < L - 1) {
        layers.push(new Activation(this.spec.hidden));
        if (this.spec.keepProb < 1) layers.push(new Dropout(this.spec.keepProb));
      }
    });
    this.net = new Sequential(layers);
    this.dense = dense;
  }

  /**
   * A fresh network, weights drawn layer by layer after `np.random.seed(seed)`, biases 0.
   * @example Mlp.initialize({ layers: [12288, 7, 1] }, { kind: 'scaled', scale: 0.01 }, 1)
   */
  static initialize(spec: MlpSpec, init: Initializer, seed: number): Mlp {
    resolveSpec('Mlp.initialize', spec);
    return new Mlp(spec, initializeLayers(spec.layers, init, seed));
  }

  /** Number of classes the network tells apart (2 for a sigmoid output). */
  get classes(): number {
    return this.spec.output === 'sigmoid' ? 2 : (this.spec.layers[this.spec.layers.length - 1] as number);
  }

  /** W1, b1, W2, b2, …, in the course's order. */
  parameters(): Parameter[] {
    return this.net.parameters();
  }

  /** The weight matrices (what L2 penalises). */
  weights(): Tensor[] {
    return this.dense.map((d) => d.W.value);
  }

  /** The last layer's scores Z_L (k, m), before the sigmoid or softmax. */
  scores(X: Tensor, ctx: ForwardContext = { training: false }): Tensor {
    const nx = this.spec.layers[0] as number;
    if (X.ndim !== 2 || X.shape[0] !== nx) {
      throw new ShapeError('Mlp', `inputs must be (${nx}, m) for layers [${this.spec.layers.join(', ')}], got X${formatShape(X.shape)}`, [X.shape]);
    }
    return this.net.forward(X, ctx);
  }

  /** Output probabilities AL: (1, m) for sigmoid, (k, m) for softmax. */
  output(Z: Tensor): Tensor {
    return this.spec.output === 'sigmoid' ? sigmoid(Z) : softmax(Z, 0);
  }

  /** Probabilities for X without recording a graph (evaluation: no dropout). */
  probabilities(X: Tensor): Tensor {
    return noGrad(() => this.output(this.scores(X)));
  }

  /**
   * Class labels (1, m) as float64: p > 0.5 for a sigmoid output (the course's `predict`),
   * the most probable class for softmax.
   */
  predict(X: Tensor): Tensor {
    const p = this.probabilities(X);
    if (this.spec.output === 'sigmoid') return astype(greater(p, 0.5), 'float64');
    const m = p.shape[1] as number;
    return astype(argmax(p, 0), 'float64').reshape([1, m]);
  }

  /**
   * The cost on (X, Y): Y is (1, m) of 0/1 for a sigmoid output, one-hot (k, m) for softmax
   * (see `oneHot`). A scalar tensor; call `.backward()` to get each parameter's gradient.
   */
  cost(X: Tensor, Y: Tensor, opts: CostOptions = {}): Tensor {
    const m = X.shape[1] as number;
    const k = this.spec.layers[this.spec.layers.length - 1] as number;
    if (Y.ndim !== 2 || Y.shape[0] !== k || Y.shape[1] !== m) {
      const what = this.spec.output === 'sigmoid' ? '(1, m) labels' : `one-hot (${k}, m) labels`;
      throw new ShapeError('Mlp.cost', `Y must be ${what} for X${formatShape(X.shape)}, got Y${formatShape(Y.shape)}`, [X.shape, Y.shape]);
    }
    let J = this.lossOfScores(this.scores(X, opts.ctx), Y, opts.loss);
    const l2 = opts.l2 ?? 0;
    if (l2 !== 0) {
      const penalty = l2Penalty(this.weights(), l2, m);
      if (penalty !== null) J = add(J, penalty);
    }
    return J;
  }

  /**
   * The data term of the cost from the last layer's scores Z_L (k, m): softmax cross-entropy,
   * or for a sigmoid output the course's formula (`course`) or its stable form (`logits`).
   * `cost` adds the L2 penalty to it.
   * @example net.lossOfScores(net.scores(X), Y).item()
   */
  lossOfScores(Z: Tensor, Y: Tensor, loss: BinaryLoss = 'course'): Tensor {
    if (this.spec.output === 'softmax') return softmaxCrossEntropy(Z, Y);
    return loss === 'course' ? courseCost(sigmoid(Z), Y) : binaryCrossEntropyWithLogits(Z, Y);
  }

  /**
   * Runs `fn` with the parameters temporarily set to `values` (W1, b1, …), then restores them.
   * For gradient checks and for evaluating other parameter values without copying the model.
   */
  withParameters<T>(values: readonly Tensor[], fn: () => T): T {
    const params = this.parameters();
    if (values.length !== params.length) throw new ArgumentError('Mlp.withParameters', 'values', `expected ${params.length} tensors, got ${values.length}`);
    const saved = params.map((p) => p.value);
    try {
      params.forEach((p, i) => (p.value = values[i] as Tensor));
      return fn();
    } finally {
      params.forEach((p, i) => (p.value = saved[i] as Tensor));
    }
  }
}

/**
 * Labels (1, m) or (m,) of class indices as one-hot columns (k, m).
 * @example oneHot(fromArray([[0, 2, 1]]), 3).toArray() // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 */
export function oneHot(labels: Tensor, k: number): Tensor {
  const v = labels.values();
  const m = v.length;
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError('oneHot', 'k', `must be a positive integer, got ${k}`);
  const out = new Float64Array(k * m);
  for (let j = 0; j < m; j++) {
    const c = v[j] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new ArgumentError('oneHot', 'labels', `label ${c} at index ${j} is not a class in 0..${k - 1}`);
    out[c * m + j] = 1;
  }
  return fromArray(out, [k, m]);
}

/**
 * The network's gradient checked against central differences (the course's gradient
 * checking, per parameter tensor), at its current parameters on (X, Y).
 * @example checkMlpGradients(net, X, Y, { samples: 20 }).maxRelativeError // ~1e-9
 */
export function checkMlpGradients(net: Mlp, X: Tensor, Y: Tensor, opts: GradCheckOptions & CostOptions = {}): GradCheckReport {
  const params = net.parameters();
  const { loss, l2, ...check } = opts;
  const costOpts: CostOptions = { ...(loss !== undefined ? { loss } : {}), ...(l2 !== undefined ? { l2 } : {}) };
  const f = (...values: Tensor[]): Tensor => net.withParameters(values, () => net.cost(X, Y, costOpts));
  return gradCheck(f, params.map((p) => p.value), { names: params.map((p) => p.name), ...check });
}
