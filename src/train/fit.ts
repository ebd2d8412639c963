/**
 * The training loop: epochs of (mini-)batches, each a forward pass, the cost, `backward`, and
 * an optimiser step, with callbacks after every iteration and every epoch. With full batches
 * an epoch is one iteration: the course's `L_layer_model` loop. With mini-batches it is the
 * course's optimisation `model` loop: reshuffle every epoch (`random_mini_batches` with seed
 * shuffleSeed + epoch + 1), one update per batch, the epoch's cost the mean over its samples.
 *
 * @example
 * const r = fit(net, { X, Y }, { learningRate: 0.0075, epochs: 2500, onIteration: (s) => log(s.cost) });
 */
import { backward } from '../autograd/index.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import type { ForwardContext, Parameter } from '../nn/layers.js';
import type { CostOptions } from '../nn/mlp.js';
import {
  checkDecay,
  checkLearningRate,
  createOptimizer,
  decayedLearningRate,
  parseOptimizerName,
  type DecaySettings,
  type Optimizer,
  type OptimizerSettings,
} from '../optim/index.js';
import { zeros, type Tensor } from '../tensor/index.js';
import { randomMiniBatches, type Batch } from './batches.js';

/** What `fit` trains: parameters, and a scalar cost of a batch that `backward` differentiates. */
export interface Trainable {
  parameters(): Parameter[];
  cost(X: Tensor, Y: Tensor, opts: CostOptions): Tensor;
}

/** Training data: inputs (n, m), one column per sample, and labels (k, m) as the cost takes them. */
export interface FitData {
  X: Tensor;
  Y: Tensor;
}

/** After each update. */
export interface IterationInfo {
  /** Updates so far, from 0. */
  iteration: number;
  epoch: number;
  /** Batch within the epoch, from 0. */
  batch: number;
  /** The batch's cost before the update (what the course prints). */
  cost: number;
  learningRate: number;
}

/** After each epoch. */
export interface EpochInfo {
  epoch: number;
  /** Mean cost over the epoch's samples (the batch costs weighted by batch size). */
  cost: number;
  learningRate: number;
  iterations: number;
}

/** Settings of `fit`. */
export interface FitOptions extends Omit<OptimizerSettings, 'learningRate'> {
  learningRate: number;
  /** Passes over the data; with full batches, the number of iterations. */
  epochs: number;
  /** `gd` (default), `momentum`, `rmsprop`, `adam`, or an optimiser object. */
  optimizer?: string | Optimizer;
  /** Columns per mini-batch; omitted: full batch, in the data's order. */
  batchSize?: number;
  /** Base seed of the per-epoch shuffles (the course: 10). */
  shuffleSeed?: number;
  /** Seed of the dropout masks (default 1). */
  dropoutSeed?: number;
  /** L2 strength λ (default 0). */
  l2?: number;
  loss?: CostOptions['loss'];
  /** Learning-rate decay per epoch (default none). */
  decay?: DecaySettings;
  onIteration?: (info: IterationInfo) => void;
  onEpoch?: (info: EpochInfo) => void;
}

/** What `fit` did. */
export interface FitResult {
  /** Every update's cost, in order. */
  costs: number[];
  /** Every epoch's mean cost. */
  epochCosts: number[];
  iterations: number;
  epochs: number;
  seconds: number;
  optimizer: Optimizer;
}

/**
 * Checks every setting before any training, so a bad value is one error, not a crash later.
 * Returns the optimiser to use.
 */
export function checkFitOptions(op: string, data: FitData, opts: FitOptions): Optimizer {
  checkLearningRate(op, opts.learningRate);
  if (!Number.isSafeInteger(opts.epochs) || opts.epochs <= 0) throw new ArgumentError(op, 'epochs', `must be a positive integer, got ${opts.epochs}`);
  if (opts.batchSize !== undefined && (!Number.isSafeInteger(opts.batchSize) || opts.batchSize <= 0)) {
    throw new ArgumentError(op, 'batchSize', `must be a positive integer, got ${opts.batchSize}`);
  }
  for (const [name, v] of [['shuffleSeed', opts.shuffleSeed], ['dropoutSeed', opts.dropoutSeed]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v + (name === 'shuffleSeed' ? opts.epochs : 0) > 2 ** 32 - 1)) {
      throw new ArgumentError(op, name, `must be an integer in 0..2**32-1 (shuffle seeds run up to seed + epochs), got ${v}`);
    }
  }
  const l2 = opts.l2 ?? 0;
  if (!Number.isFinite(l2) || l2 < 0) throw new ArgumentError(op, 'l2', `must be a number >= 0, got ${l2}`);
  if (opts.decay !== undefined) checkDecay(op, opts.decay);
  const { X, Y } = data;
  if (X.ndim !== 2 || Y.ndim !== 2 || X.shape[1] !== Y.shape[1] || X.shape[1] === 0) {
    throw new ShapeError(op, `data must be X (n, m) and Y (k, m) with m > 0: X${formatShape(X.shape)} Y${formatShape(Y.shape)}`, [X.shape, Y.shape]);
  }
  if (typeof opts.optimizer === 'object') return opts.optimizer;
  const name = parseOptimizerName(op, opts.optimizer ?? 'gd');
  const settings: OptimizerSettings = { learningRate: opts.learningRate };
  for (const key of ['beta', 'beta1', 'beta2', 'epsilon'] as const) {
    const v = opts[key];
    if (v !== undefined) settings[key] = v;
  }
  return createOptimizer(name, settings);
}

/**
 * Trains `model` on `data` in place (its parameters end at the trained values).
 * @example fit(net, { X: trainX, Y: trainY }, { learningRate: 0.0007, epochs: 100, optimizer: 'adam', batchSize: 64 })
 */
export function fit(model: Trainable, data: FitData, opts: FitOptions): FitResult {
  const optimizer = checkFitOptions('fit', data, opts);
  const params = model.parameters();
  const m = data.X.shape[1] as number;
  const ctx: ForwardContext = { training: true, rng: new RandomState(opts.dropoutSeed ?? 1) };
  const costOpts: CostOptions = { ctx, ...(opts.l2 !== undefined ? { l2: opts.l2 } : {}), ...(opts.loss !== undefined ? { loss: opts.loss } : {}) };
  const shuffleSeed = opts.shuffleSeed ?? 10;
  const costs: number[] = [];
  const epochCosts: number[] = [];
  const t0 = performance.now();
  let iteration = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    if (opts.decay !== undefined) optimizer.learningRate = decayedLearningRate(opts.learningRate, epoch, opts.decay);
    const batches: Batch[] = opts.batchSize === undefined ? [data] : randomMiniBatches(data.X, data.Y, opts.batchSize, shuffleSeed + epoch + 1);
    let total = 0;
    batches.forEach((b, batch) => {
      const J = model.cost(b.X, b.Y, costOpts);
      backward(J);
      const values = params.map((p) => p.value);
      const grads = values.map((v) => v.grad ?? zeros(v.shape, v.dtype));
      const updated = optimizer.step(values, grads);
      params.forEach((p, i) => (p.value = updated[i] as Tensor));
      const cost = J.item();
      costs.push(cost);
      total += cost * (b.X.shape[1] as number);
      opts.onIteration?.({ iteration, epoch, batch, cost, learningRate: optimizer.learningRate });
      iteration++;
    });
    const cost = total / m;
    epochCosts.push(cost);
    opts.onEpoch?.({ epoch, cost, learningRate: optimizer.learningRate, iterations: iteration });
  }
  return { costs, epochCosts, iterations: iteration, epochs: opts.epochs, seconds: (performance.now() - t0) / 1000, optimizer };
}
