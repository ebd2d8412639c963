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
import { firstNonFinite } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { RandomState, type RandomStateSnapshot } from '../core/rng.js';
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
  type OptimizerState,
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
  /** Set when a cost became NaN or infinite and training stopped there. */
  diverged?: FitDivergence;
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
  for (const [name, t] of [['X', X], ['Y', Y]] as const) {
    const bad = firstNonFinite(t.values());
    if (bad >= 0) {
      const cols = t.shape[1] as number;
      throw new ArgumentError(op, name, `element (${Math.floor(bad / cols)}, ${bad % cols}) is ${t.values()[bad]}: training data must be finite numbers`);
    }
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

/** A cost that became NaN or infinite: `fit` stops there with the last good parameters. */
export interface FitDivergence {
  /** The update whose batch cost (before the update) is not finite. */
  iteration: number;
  epoch: number;
  batch: number;
  cost: number;
  /** The update whose parameters are kept: the last with a finite cost (`iteration - 1`, or 0). */
  kept: number;
}

/**
 * Where a `fit` run stands, exactly: enough to resume it and get the same bits as an
 * unbroken run. Parameter values are the model's own (`parameters()` order).
 */
export interface FitState {
  /** The next update's epoch and batch within it, and updates done. */
  epoch: number;
  batch: number;
  iteration: number;
  /** Σ cost·batch size of the current epoch's batches so far. */
  epochTotal: number;
  costs: number[];
  epochCosts: number[];
  optimizer: OptimizerState;
  /** The dropout masks' generator. */
  dropoutRng: RandomStateSnapshot;
  /** Parameter values before the last update (to go back to if the next cost is not finite). */
  previous?: Tensor[];
}

/** Settings of a resumable run: those of `fit`, and where to resume. */
export interface FitRunOptions extends FitOptions {
  /** Resume from this state; the model's parameters must hold the state's values. */
  resume?: FitState;
}

/**
 * `fit` as a run that advances in slices (see ./control.ts): `advance(pause)` trains until
 * done, diverged, or `pause()` turns true after an update; `state()` is exact, and a run
 * resumed from it (with the model's parameters set to the same values) continues bit for bit.
 * @example const run = new FitRun(net, { X, Y }, opts); while (!run.advance(tooLong)) await tick(); run.result();
 */
export class FitRun {
  private readonly optimizer: Optimizer;
  private readonly params: Parameter[];
  private readonly m: number;
  private readonly ctx: ForwardContext;
  private readonly costOpts: CostOptions;
  private readonly shuffleSeed: number;
  private epoch = 0;
  private batch = 0;
  private iteration = 0;
  private epochTotal = 0;
  private readonly costs: number[] = [];
  private readonly epochCosts: number[] = [];
  private previous: Tensor[] | undefined;
  private batches: { epoch: number; list: Batch[] } | undefined;
  private divergence: FitDivergence | undefined;
  private seconds = 0;

  constructor(
    private readonly model: Trainable,
    private readonly data: FitData,
    private readonly opts: FitRunOptions,
  ) {
    this.optimizer = checkFitOptions('fit', data, opts);
    this.params = model.parameters();
    this.m = data.X.shape[1] as number;
    this.ctx = { training: true, rng: new RandomState(opts.dropoutSeed ?? 1) };
    this.costOpts = { ctx: this.ctx, ...(opts.l2 !== undefined ? { l2: opts.l2 } : {}), ...(opts.loss !== undefined ? { loss: opts.loss } : {}) };
    this.shuffleSeed = opts.shuffleSeed ?? 10;
    const r = opts.resume;
    if (r !== undefined) {
      if (!Number.isSafeInteger(r.epoch) || r.epoch < 0 || r.epoch > opts.epochs) throw new ArgumentError('fit', 'resume.epoch', `must be an integer in 0..${opts.epochs}, got ${r.epoch}`);
      this.optimizer.setState(r.optimizer);
      this.ctx.rng?.setState(r.dropoutRng);
      this.epoch = r.epoch;
      this.batch = r.batch;
      this.iteration = r.iteration;
      this.epochTotal = r.epochTotal;
      this.costs.push(...r.costs);
      this.epochCosts.push(...r.epochCosts);
      if (r.previous !== undefined) this.previous = [...r.previous];
    }
  }

  /** Updates done so far. */
  get iterations(): number {
    return this.iteration;
  }

  get diverged(): FitDivergence | undefined {
    return this.divergence;
  }

  get done(): boolean {
    return this.divergence !== undefined || this.epoch >= this.opts.epochs;
  }

  private epochBatches(): Batch[] {
    if (this.batches?.epoch !== this.epoch) {
      const { data, opts } = this;
      this.batches = { epoch: this.epoch, list: opts.batchSize === undefined ? [data] : randomMiniBatches(data.X, data.Y, opts.batchSize, this.shuffleSeed + this.epoch + 1) };
    }
    return this.batches.list;
  }

  /** Trains until done or diverged, or until `pause()` is true after an update; true when finished. */
  advance(pause?: () => boolean): boolean {
    const t0 = performance.now();
    const { opts, optimizer, params } = this;
    try {
      while (!this.done) {
        if (opts.decay !== undefined) optimizer.learningRate = decayedLearningRate(opts.learningRate, this.epoch, opts.decay);
        const batches = this.epochBatches();
        const b = batches[this.batch] as Batch;
        const J = this.model.cost(b.X, b.Y, this.costOpts);
        const cost = J.item();
        if (!Number.isFinite(cost)) {
          // The steps overshot: go back to the parameters of the last finite cost.
          const back = this.iteration > 0 ? this.previous : undefined;
          if (back !== undefined) params.forEach((p, i) => (p.value = back[i] as Tensor));
          this.divergence = { iteration: this.iteration, epoch: this.epoch, batch: this.batch, cost, kept: back !== undefined ? this.iteration - 1 : this.iteration };
          return true;
        }
        backward(J);
        const values = params.map((p) => p.value);
        const grads = values.map((v) => v.grad ?? zeros(v.shape, v.dtype));
        const updated = optimizer.step(values, grads);
        this.previous = values;
        params.forEach((p, i) => (p.value = updated[i] as Tensor));
        this.costs.push(cost);
        this.epochTotal += cost * (b.X.shape[1] as number);
        opts.onIteration?.({ iteration: this.iteration, epoch: this.epoch, batch: this.batch, cost, learningRate: optimizer.learningRate });
        this.iteration++;
        this.batch++;
        if (this.batch === batches.length) {
          const epochCost = this.epochTotal / this.m;
          this.epochCosts.push(epochCost);
          opts.onEpoch?.({ epoch: this.epoch, cost: epochCost, learningRate: optimizer.learningRate, iterations: this.iteration });
          this.epoch++;
          this.batch = 0;
          this.epochTotal = 0;
        }
        if (pause?.() === true) break;
      }
      return this.done;
    } finally {
      this.seconds += (performance.now() - t0) / 1000;
    }
  }

  /** The exact state now, to resume from (with the model's parameter values). */
  state(): FitState {
    return {
      epoch: this.epoch,
      batch: this.batch,
      iteration: this.iteration,
      epochTotal: this.epochTotal,
      costs: [...this.costs],
      epochCosts: [...this.epochCosts],
      optimizer: this.optimizer.getState(),
      dropoutRng: (this.ctx.rng as RandomState).getState(),
      ...(this.previous !== undefined ? { previous: [...this.previous] } : {}),
    };
  }

  result(): FitResult {
    return {
      costs: [...this.costs],
      epochCosts: [...this.epochCosts],
      iterations: this.iteration,
      epochs: this.opts.epochs,
      seconds: this.seconds,
      optimizer: this.optimizer,
      ...(this.divergence !== undefined ? { diverged: this.divergence } : {}),
    };
  }
}

/**
 * Trains `model` on `data` in place (its parameters end at the trained values). A batch cost
 * that becomes NaN or infinite stops training there, with the parameters of the last finite
 * cost (`diverged` in the result).
 * @example fit(net, { X: trainX, Y: trainY }, { learningRate: 0.0007, epochs: 100, optimizer: 'adam', batchSize: 64 })
 */
export function fit(model: Trainable, data: FitData, opts: FitOptions): FitResult {
  const run = new FitRun(model, data, opts);
  run.advance();
  return run.result();
}
