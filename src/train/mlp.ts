/**
 * Training a deep network on loaded image data: checks every setting against the data before
 * training, trains with `fitGram` (the fast engine: the first layer in the span of the 209
 * samples, exact to rounding; gd and momentum) or `fit` (the plain engine: autodiff through
 * every layer; Adam and RMSProp always train this way), evaluates on both sets, and saves. Two classes train a sigmoid
 * output on labels (1, m); k > 2 classes (or a last layer of k ≥ 2 units) a softmax on one-hot
 * labels.
 *
 * @example
 * const r = trainMlp(data, { ...MLP_DEFAULTS, layers: [12288, 7, 1], init: 'scaled:0.01' });
 * r.trainAccuracy; // 100
 */
import type { GradCheckOptions, GradCheckReport } from '../autograd/index.js';
import { ArgumentError } from '../core/errors.js';
import { parseActivation, type HiddenActivation } from '../nn/activations.js';
import { initializerName, parseInitializer } from '../nn/init.js';
import { checkMlpGradients, Mlp, oneHot, type BinaryLoss } from '../nn/mlp.js';
import { checkDecay, checkLearningRate, parseOptimizerName, type DecaySettings, type OptimizerName } from '../optim/index.js';
import type { Tensor } from '../tensor/index.js';
import { takeColumns } from './batches.js';
import type { CatData } from './dataset.js';
import { checkFitOptions, fit, type FitOptions, type FitResult } from './fit.js';
import { chooseMlpEngine, fitGram, type EngineChoice, type MlpEngine } from './fit-gram.js';
import { classificationReport, type ClassificationReport } from './metrics.js';

/** Everything that defines a deep-network run. */
export interface MlpSettings {
  /** [n_x, ..., n_L]; n_x must be the data's features, n_L 1 (two classes) or k. */
  layers: number[];
  hidden: HiddenActivation;
  /** An initialiser name (see `parseInitializer`): zeros, scaled:K, xavier, glorot, he, course. */
  init: string;
  /** Seed of the initial weights (`np.random.seed(seed)`). */
  seed: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Full batch: iterations. Mini-batches: passes over the data. */
  epochs: number;
  /** Columns per mini-batch; undefined: full batch. */
  batchSize?: number;
  /** Base seed of the per-epoch shuffles (the course's 10). */
  shuffleSeed: number;
  /** L2 strength λ. */
  l2: number;
  /** Probability of dropping a hidden unit (0: no dropout); the course's keep_prob is 1 - dropout. */
  dropout: number;
  dropoutSeed: number;
  decay?: DecaySettings;
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  loss: BinaryLoss;
  /** Record (and report) the cost every this many iterations, or epochs with mini-batches. */
  printEvery: number;
  /**
   * `fast` (the default): the first layer in the span of the samples (src/train/fit-gram.ts),
   * the same costs as `plain` to about 1e-13 relative and some 30 times quicker on the course's
   * L-layer run; Adam and RMSProp fall back to `plain` with a note. `plain`: autodiff through
   * every layer (`fit`).
   */
  engine?: MlpEngine;
}

/** The course's L-layer run: [n_x, 20, 7, 5, 1], relu, `course` init, seed 1, lr 0.0075, 2500 iterations. */
export const MLP_DEFAULTS: Omit<MlpSettings, 'layers'> = {
  hidden: 'relu',
  init: 'course',
  seed: 1,
  optimizer: 'gd',
  learningRate: 0.0075,
  epochs: 2500,
  shuffleSeed: 10,
  l2: 0,
  dropout: 0,
  dropoutSeed: 1,
  loss: 'course',
  printEvery: 100,
  engine: 'fast',
};

/** The course's L-layer sizes for n_x inputs. */
export const courseLayers = (nx: number): number[] => [nx, 20, 7, 5, 1];

/** A cost as printed: per iteration (full batch) or per epoch (mini-batches). */
export interface PrintedCost {
  /** `iteration` with full batches, `epoch` with mini-batches. */
  unit: 'iteration' | 'epoch';
  index: number;
  cost: number;
}

/** A trained network, what was printed, and how it scores on both sets. */
export interface MlpResult {
  settings: MlpSettings;
  net: Mlp;
  /** Number of classes and their names. */
  classes: string[];
  /** Every `printEvery`-th cost and the last one. */
  costs: PrintedCost[];
  fit: FitResult;
  trainAccuracy: number;
  testAccuracy: number;
  train: ClassificationReport;
  test: ClassificationReport;
  trainingSeconds: number;
  /** The engine that trained, and why it is not the one asked for. */
  engine: EngineChoice;
}

function largest(t: Tensor): number {
  let m = -Infinity;
  for (const v of t.values()) if (v > m) m = v;
  return m;
}

/** Labels as the network's cost takes them: (1, m) for a sigmoid output, one-hot (k, m) for softmax. */
export function targetsFor(net: Mlp, labels: Tensor): Tensor {
  return net.spec.output === 'sigmoid' ? labels : oneHot(labels, net.classes);
}

/**
 * Checks the settings against the data and builds the initial network, before any training.
 * Every problem is one ArgumentError naming the setting.
 */
export function prepareMlp(data: CatData, s: MlpSettings): { net: Mlp; fitOptions: FitOptions; classes: string[]; engine: EngineChoice } {
  const op = 'train';
  const nx = data.trainX.shape[0] as number;
  const k = Math.max(data.classes.length, 2);
  const layers = s.layers;
  if (layers.length < 2 || layers.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw new ArgumentError(op, 'layers', `expected at least 2 positive integer sizes, got [${layers.join(', ')}]`);
  }
  if (layers[0] !== nx) {
    throw new ArgumentError(op, 'layers', `the first size must be the ${nx} input features of the data (${data.train.x.shape.slice(1).join('x')} pixels), got ${layers[0]}`);
  }
  const nOut = layers[layers.length - 1] as number;
  const fits = k === 2 ? nOut === 1 || nOut === 2 : nOut === k;
  if (!fits) {
    const want = k === 2 ? '1 (sigmoid) or 2 (softmax)' : `${k} (softmax)`;
    throw new ArgumentError(op, 'layers', `the last size must be ${want} for the ${k} classes of the data (${data.classes.join(', ')}), got ${nOut}`);
  }
  const maxLabel = Math.max(largest(data.trainY), largest(data.testY));
  if (maxLabel >= Math.max(k, nOut)) throw new ArgumentError(op, 'layers', `labels go up to ${maxLabel} but the network has ${nOut} output(s)`);
  parseActivation(op, s.hidden);
  const init = parseInitializer(s.init, op);
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 2 ** 32 - 1) throw new ArgumentError(op, 'seed', `must be an integer in 0..2**32-1, got ${s.seed}`);
  parseOptimizerName(op, s.optimizer);
  checkLearningRate(op, s.learningRate);
  if (!(s.dropout >= 0 && s.dropout < 1)) throw new ArgumentError(op, 'dropout', `must be a probability in [0, 1), got ${s.dropout}`);
  if (s.decay !== undefined) checkDecay(op, s.decay);
  if (!Number.isSafeInteger(s.printEvery) || s.printEvery <= 0) throw new ArgumentError(op, 'printEvery', `must be a positive integer, got ${s.printEvery}`);
  const net = Mlp.initialize({ layers, hidden: s.hidden, keepProb: 1 - s.dropout }, init, s.seed);
  const fitOptions: FitOptions = {
    learningRate: s.learningRate,
    epochs: s.epochs,
    optimizer: s.optimizer,
    shuffleSeed: s.shuffleSeed,
    dropoutSeed: s.dropoutSeed,
    l2: s.l2,
    loss: s.loss,
    ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    ...(s.decay !== undefined ? { decay: s.decay } : {}),
    ...(s.beta !== undefined ? { beta: s.beta } : {}),
    ...(s.beta1 !== undefined ? { beta1: s.beta1 } : {}),
    ...(s.beta2 !== undefined ? { beta2: s.beta2 } : {}),
    ...(s.epsilon !== undefined ? { epsilon: s.epsilon } : {}),
  };
  checkFitOptions(op, { X: data.trainX, Y: targetsFor(net, data.trainY) }, fitOptions);
  const classes = net.classes === data.classes.length ? data.classes : Array.from({ length: net.classes }, (_, i) => data.classes[i] ?? String(i));
  return { net, fitOptions, classes, engine: chooseMlpEngine(net, fitOptions, s.engine, data.trainX.shape[1]) };
}

/**
 * Trains a deep network on `data` and evaluates it on both sets. `onCost` hears each printed
 * cost as it is computed (every `printEvery` iterations or epochs, and the last). `prepared`
 * is `prepareMlp(data, s)` when the caller has already checked the settings.
 */
export function trainMlp(data: CatData, s: MlpSettings, onCost?: (c: PrintedCost) => void, prepared = prepareMlp(data, s)): MlpResult {
  const { net, fitOptions, classes, engine } = prepared;
  const costs: PrintedCost[] = [];
  const record = (c: PrintedCost): void => {
    costs.push(c);
    onCost?.(c);
  };
  const last = s.epochs - 1;
  const shown = (i: number): boolean => i % s.printEvery === 0 || i === last;
  const train = engine.engine === 'fast' ? fitGram : fit;
  const r = train(net, { X: data.trainX, Y: targetsFor(net, data.trainY) }, {
    ...fitOptions,
    ...(s.batchSize === undefined
      ? { onIteration: (it) => void (shown(it.iteration) && record({ unit: 'iteration', index: it.iteration, cost: it.cost })) }
      : { onEpoch: (ep) => void (shown(ep.epoch) && record({ unit: 'epoch', index: ep.epoch, cost: ep.cost })) }),
  });
  const onTrain = evaluateNet(net, data.trainX, data.trainY);
  const onTest = evaluateNet(net, data.testX, data.testY);
  return {
    settings: s, net, classes, costs, fit: r, trainAccuracy: onTrain.accuracy, testAccuracy: onTest.accuracy, train: onTrain, test: onTest, trainingSeconds: r.seconds, engine,
  };
}

/** Accuracy, confusion matrix and per-class scores of `net` on (X, labels (1, m)). */
export function evaluateNet(net: Mlp, X: Tensor, labels: Tensor): ClassificationReport {
  return classificationReport(net.predict(X), labels, net.classes);
}

/** What a deep network's model file records about its training besides the settings. */
export interface MlpOutcome {
  output: Mlp['spec']['output'];
  costs: readonly PrintedCost[];
  trainAccuracy: number;
  testAccuracy: number;
  trainFile: string;
  testFile: string;
  trainingSeconds: number;
  /** The engine that trained (recorded so that a replay runs the same arithmetic). */
  engine?: EngineChoice;
}

/**
 * The `training` record of a deep network's model file: its settings and results, as both
 * `tsgrad train --save` and the web page write it (so `tsgrad landscape` can replay either).
 * @example mlpTrainingRecord(r.settings, { ...r, output: r.net.spec.output, trainFile, testFile })
 */
export function mlpTrainingRecord(s: MlpSettings, r: MlpOutcome): Record<string, unknown> {
  return {
    init: initializerName(parseInitializer(s.init)),
    seed: s.seed,
    optimizer: s.optimizer,
    learningRate: s.learningRate,
    ...(s.batchSize === undefined ? { iterations: s.epochs } : { epochs: s.epochs, batchSize: s.batchSize, shuffleSeed: s.shuffleSeed }),
    l2: s.l2,
    dropout: s.dropout,
    ...(s.dropout > 0 ? { dropoutSeed: s.dropoutSeed } : {}),
    ...(s.decay !== undefined ? { decay: s.decay } : {}),
    ...(s.beta !== undefined ? { beta: s.beta } : {}),
    ...(s.beta1 !== undefined ? { beta1: s.beta1 } : {}),
    ...(s.beta2 !== undefined ? { beta2: s.beta2 } : {}),
    ...(s.epsilon !== undefined ? { epsilon: s.epsilon } : {}),
    loss: r.output === 'softmax' ? 'softmax-cross-entropy' : s.loss,
    costs: r.costs.map((c) => ({ [c.unit]: c.index, cost: c.cost })),
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.testAccuracy,
    trainFile: r.trainFile,
    testFile: r.testFile,
    trainingSeconds: r.trainingSeconds,
    ...(r.engine !== undefined ? { engine: r.engine.engine } : {}),
  };
}

/** Settings of `gradCheckMlp`. */
export interface MlpGradCheckSettings extends GradCheckOptions {
  layers: number[];
  hidden?: HiddenActivation;
  /** Initialiser name (default `course`). */
  init?: string;
  /** Seed of the initial weights (and of the coordinates checked, unless `seed` is given). */
  initSeed: number;
  /** Use only the first this many training images (default all). */
  examples?: number;
  l2?: number;
  loss?: BinaryLoss;
}

/**
 * The deep network's gradient check on the training images: a fresh network (the given
 * layers, initialiser and seed), its autodiff gradient against central differences.
 * @example gradCheckMlp(data, { layers: [12288, 20, 7, 5, 1], initSeed: 1, samples: 20 }).passed
 */
export function gradCheckMlp(data: CatData, s: MlpGradCheckSettings): GradCheckReport {
  const op = 'gradcheck';
  const m = data.trainX.shape[1] as number;
  const examples = s.examples ?? m;
  if (!Number.isSafeInteger(examples) || examples <= 0) throw new ArgumentError(op, 'examples', `must be a positive integer, got ${examples}`);
  const { net } = prepareMlp(data, { ...MLP_DEFAULTS, layers: s.layers, hidden: s.hidden ?? 'relu', init: s.init ?? 'course', seed: s.initSeed, l2: s.l2 ?? 0 });
  const idx = Array.from({ length: Math.min(examples, m) }, (_, j) => j);
  const X = takeColumns(data.trainX, idx);
  const Y = targetsFor(net, takeColumns(data.trainY, idx));
  const { layers: _l, hidden: _h, init: _i, initSeed, examples: _e, ...check } = s;
  return checkMlpGradients(net, X, Y, { seed: initSeed, ...check });
}

/**
 * The relative error of all checked coordinates as one vector, ‖g - g̃‖ / (‖g‖ + ‖g̃‖): the
 * course's `gradient_check_n`, which stacks every parameter into one θ. Unlike the per-input
 * errors it is not dominated by an input whose few sampled gradients are tiny (where rounding
 * in J(θ ± ε) is all the finite difference sees).
 * @example overallRelativeError(gradCheckMlp(data, { layers, initSeed: 1 })) // ~1e-8
 */
export function overallRelativeError(report: GradCheckReport): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (const c of report.inputs) {
    c.analytic.forEach((a, j) => {
      const b = c.numeric[j] as number;
      diff += (a - b) ** 2;
      na += a * a;
      nb += b * b;
    });
  }
  const denom = Math.sqrt(na) + Math.sqrt(nb);
  return denom === 0 ? (Number.isNaN(diff) ? Number.NaN : 0) : Math.sqrt(diff) / denom;
}
