/**
 * THE training loop. Epochs of (mini-)batches along the sample axis; each update asks a step
 * strategy for the batch's cost (the forward pass) and then for the update. What differs
 * between the ways of computing a step (autodiff through every layer, the exact Gram-space
 * step, the course's hand-derived functions) lives behind `StepStrategy`; the counters,
 * shuffles, learning-rate schedule, recorded costs, divergence check and roll-back, the
 * slices between which signals and the page's frames run, and the exact state for resuming
 * are written here once.
 *
 * With full batches an epoch is one update (the course's `L_layer_model` loop); with
 * mini-batches each epoch reshuffles as the course's `random_mini_batches(X, Y, size, seed +
 * epoch + 1)` does and the epoch's cost is the mean over its samples.
 *
 * @example
 * const t = new Trainer(step, optimizer, m, { epochs: 2500, record: { every: 100, last: true }, onRecord: print });
 * t.advance(); t.result();
 */
import { ArgumentError } from '../core/errors.js';
import { RandomState, type RandomStateSnapshot } from '../core/rng.js';
import type { ForwardContext } from '../nn/module.js';
import { checkDecay, decayedLearningRate, type DecaySettings, type Optimizer, type OptimizerState } from '../optim/index.js';
import type { Tensor } from '../tensor/index.js';

/** The step strategies by name: `--engine` takes these. */
export type EngineName = 'autodiff' | 'span' | 'course';
export const ENGINE_NAMES: readonly EngineName[] = ['autodiff', 'span', 'course'];
/** Whether a name read from a file or an option is a step's. @example isEngineName('span') // true */
export const isEngineName = (e: unknown): e is EngineName => typeof e === 'string' && (ENGINE_NAMES as readonly string[]).includes(e);

/** A step's exact variables by name (parameters, or a reformulation's own), for roll-back and checkpoints. */
export type Snapshot = Record<string, Tensor>;

/** A forward pass on one batch. */
export interface StepOutcome {
  /** Whether the cost is a finite number (a step may know it without computing the cost). */
  readonly finite: boolean;
  /** The batch's cost before the update (computed on demand). */
  cost(): number;
}

/**
 * One way of computing an update. `forward` computes the batch's cost (a fused step may also
 * apply its update there); `update` applies the update for the last forward. `snapshot` and
 * `restore` hold the step's exact variables: the trainer keeps the snapshot before each
 * update to go back to, and stores it in checkpoints.
 */
export interface StepStrategy {
  readonly engine: EngineName;
  /** The optimiser's parameter list may differ from the model's (a span form): the step drives it. */
  forward(batch: Int32Array | undefined, ctx: ForwardContext, transform?: BatchTransform): StepOutcome;
  update(optimizer: Optimizer): void;
  snapshot(): Snapshot;
  restore(s: Snapshot): void;
  /** Writes the current parameters into the model (a span step forms its weights here). */
  sync(): void;
}

/** Changes a training batch's inputs before the forward pass (augmentation); a step that cannot apply one is not given one. */
export type BatchTransform = (x: Tensor) => Tensor;

/** A recorded (printed) cost: per iteration with full batches, per epoch with mini-batches. */
export interface CostRecord {
  unit: 'iteration' | 'epoch';
  index: number;
  cost: number;
}

/** A cost that became NaN or infinite: training stops there with the last good parameters. */
export interface Divergence {
  /** The update whose batch cost (before the update) is not finite. */
  iteration: number;
  epoch: number;
  batch: number;
  cost: number;
  /** The update whose parameters are kept: the last with a finite cost (`iteration - 1`, or 0). */
  kept: number;
}

/** After each update (for hooks: test costs, snapshots of a replay). */
export interface UpdateInfo {
  iteration: number;
  epoch: number;
  batch: number;
  /** True after the last batch of an epoch. */
  lastBatch: boolean;
  learningRate: number;
  /** With mini-batches: the mean cost of this epoch's batches so far (for a progress bar; full batches compute a cost only when it is recorded). */
  epochCost?: number;
}

/** Settings of the loop (the optimiser and the step are given as objects). */
export interface TrainerOptions {
  /** Passes over the data; with full batches, the number of updates. */
  epochs: number;
  /** Samples per mini-batch; omitted: full batch, in the data's order. */
  batchSize?: number;
  /** Base seed of the per-epoch shuffles (the course: 10). */
  shuffleSeed?: number;
  /** Seed of the dropout masks (default 1). */
  dropoutSeed?: number;
  /** Learning-rate decay per epoch, from the optimiser's starting rate. */
  decay?: DecaySettings;
  /** Which costs are recorded: every `every` iterations (epochs with mini-batches), and the last one if `last`. */
  record?: { every: number; last: boolean };
  onRecord?: (r: CostRecord) => void;
  onUpdate?: (info: UpdateInfo) => void;
  /** The training batch's inputs as the step takes them, for each epoch and batch (seeded augmentation); test sets never pass here. */
  batchTransform?: (x: Tensor, at: { epoch: number; batch: number }) => Tensor;
}

/** Where a run stands, exactly: with the model's step restored from `step`, it continues bit for bit. */
export interface TrainerState {
  engine: EngineName;
  epoch: number;
  batch: number;
  iteration: number;
  /** Σ cost·batch size of the current epoch's batches so far. */
  epochTotal: number;
  records: CostRecord[];
  optimizer: OptimizerState;
  dropoutRng: RandomStateSnapshot;
  step: Snapshot;
  /** The step's variables before the last update (to go back to if the next cost is not finite). */
  previous?: Snapshot;
}

/** What a run did. */
export interface TrainerResult {
  records: CostRecord[];
  iterations: number;
  seconds: number;
  diverged?: Divergence;
}

const MAX_SEED = 2 ** 32 - 1;

/** A stored snapshot must hold the step's variables with their shapes and dtypes. */
function checkSnapshot(field: string, want: Snapshot, got: Snapshot): void {
  for (const [name, t] of Object.entries(want)) {
    const g = got[name];
    if (g === undefined || g.shape.join() !== t.shape.join() || g.dtype !== t.dtype) {
      const was = g === undefined ? 'missing' : `(${g.shape.join(', ')}) ${g.dtype}`;
      throw new ArgumentError('train', `resume.${field}.${name}`, `expected (${t.shape.join(', ')}) ${t.dtype}, got ${was}`);
    }
  }
}

/** Checks the loop's settings once, at the public boundary. @example checkTrainerOptions('train', { epochs: 0 }) // ArgumentError: train: epochs: must be a positive integer, got 0 */
export function checkTrainerOptions(op: string, o: TrainerOptions): void {
  if (!Number.isSafeInteger(o.epochs) || o.epochs <= 0) throw new ArgumentError(op, 'epochs', `must be a positive integer, got ${o.epochs}`);
  if (o.batchSize !== undefined && (!Number.isSafeInteger(o.batchSize) || o.batchSize <= 0)) throw new ArgumentError(op, 'batchSize', `must be a positive integer, got ${o.batchSize}`);
  for (const [name, v, top, why] of [['shuffleSeed', o.shuffleSeed, MAX_SEED - o.epochs, ' (shuffle seeds run up to seed + epochs)'], ['dropoutSeed', o.dropoutSeed, MAX_SEED, '']] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > top)) throw new ArgumentError(op, name, `must be an integer in 0..${top}${why}, got ${v}`);
  }
  if (o.record !== undefined && (!Number.isSafeInteger(o.record.every) || o.record.every <= 0)) throw new ArgumentError(op, 'printEvery', `must be a positive integer, got ${o.record.every}`);
  if (o.decay !== undefined) checkDecay(op, o.decay);
}

/**
 * A training run that advances in slices: `advance(pause)` trains until done, diverged, or
 * `pause()` turns true after an update; `state()` is exact, and a trainer made with it as
 * `resume` (on the same model, data and settings) continues bit for bit.
 * @example
 * const t = new Trainer(new AutodiffStep(net, x, labels, { loss: 'course', l2: 0 }), new Adam({ learningRate: 0.001 }), 209, { epochs: 10, batchSize: 64 });
 * while (!t.advance(() => performance.now() > deadline)) await nextFrame();
 */
export class Trainer {
  private readonly lr0: number;
  private readonly ctx: ForwardContext & { rng: RandomState };
  private readonly shuffleSeed: number;
  private readonly record: { every: number; last: boolean };
  private epoch = 0;
  private batch = 0;
  private iteration = 0;
  private epochTotal = 0;
  private readonly records: CostRecord[] = [];
  private previous: Snapshot | undefined;
  private perm: { epoch: number; perm: Int32Array | undefined } | undefined;
  private divergence: Divergence | undefined;
  private seconds = 0;

  constructor(
    readonly step: StepStrategy,
    readonly optimizer: Optimizer,
    /** Training samples. */
    private readonly m: number,
    private readonly opts: TrainerOptions,
    resume?: TrainerState,
  ) {
    checkTrainerOptions('train', opts);
    this.lr0 = optimizer.learningRate;
    this.ctx = { training: true, rng: new RandomState(opts.dropoutSeed ?? 1) };
    this.shuffleSeed = opts.shuffleSeed ?? 10;
    this.record = opts.record ?? { every: 1, last: true };
    if (resume !== undefined) {
      if (resume.engine !== step.engine) throw new ArgumentError('train', 'resume', `the checkpoint is of the ${resume.engine} step, not ${step.engine}`);
      if (!Number.isSafeInteger(resume.epoch) || resume.epoch < 0 || resume.epoch > opts.epochs) throw new ArgumentError('train', 'resume', `the checkpoint is at epoch ${resume.epoch}, beyond the ${opts.epochs} asked for`);
      const now = step.snapshot();
      checkSnapshot('step', now, resume.step);
      if (resume.previous !== undefined) checkSnapshot('previous', now, resume.previous);
      step.restore(resume.step);
      optimizer.setState(resume.optimizer);
      this.ctx.rng.setState(resume.dropoutRng);
      ({ epoch: this.epoch, batch: this.batch, iteration: this.iteration, epochTotal: this.epochTotal } = resume);
      this.records.push(...resume.records);
      this.previous = resume.previous;
    }
  }

  get iterations(): number {
    return this.iteration;
  }

  get epochs(): number {
    return this.epoch;
  }

  get diverged(): Divergence | undefined {
    return this.divergence;
  }

  get done(): boolean {
    return this.divergence !== undefined || this.epoch >= this.opts.epochs;
  }

  /** The costs recorded so far. */
  get costs(): readonly CostRecord[] {
    return this.records;
  }

  private shown(i: number): boolean {
    return i % this.record.every === 0 || (this.record.last && i === this.opts.epochs - 1);
  }

  private push(r: CostRecord): void {
    this.records.push(r);
    this.opts.onRecord?.(r);
  }

  /** This epoch's shuffle (sample indices), or undefined for full batches in order. */
  private epochPerm(): Int32Array | undefined {
    if (this.perm?.epoch !== this.epoch) {
      const perm = this.opts.batchSize === undefined ? undefined : new RandomState(this.shuffleSeed + this.epoch + 1).permutation(this.m);
      this.perm = { epoch: this.epoch, perm };
    }
    return this.perm.perm;
  }

  /** Trains until done or diverged, or until `pause()` is true after an update; true when finished. */
  advance(pause?: () => boolean): boolean {
    const t0 = performance.now();
    const { opts, optimizer, step, m } = this;
    const size = opts.batchSize ?? m;
    const full = opts.batchSize === undefined;
    try {
      while (!this.done) {
        const { epoch, batch, iteration } = this;
        if (opts.decay !== undefined) optimizer.learningRate = decayedLearningRate(this.lr0, epoch, opts.decay);
        const perm = this.epochPerm();
        const start = batch * size;
        const end = Math.min(start + size, m);
        const before = step.snapshot();
        const bt = opts.batchTransform;
        const out = step.forward(perm?.subarray(start, end), this.ctx, bt === undefined ? undefined : (x) => bt(x, { epoch, batch }));
        if (!out.finite) {
          // The steps overshot: go back to the parameters of the last finite cost.
          const back = iteration > 0 ? this.previous : undefined;
          step.restore(back ?? before);
          this.divergence = { iteration, epoch, batch, cost: out.cost(), kept: back !== undefined ? iteration - 1 : iteration };
          return true;
        }
        step.update(optimizer);
        this.previous = before;
        const lastBatch = end === m;
        if (full) {
          if (this.shown(iteration)) this.push({ unit: 'iteration', index: iteration, cost: out.cost() });
        } else {
          this.epochTotal += out.cost() * (end - start);
        }
        opts.onUpdate?.({ iteration, epoch, batch, lastBatch, learningRate: optimizer.learningRate, ...(full ? {} : { epochCost: this.epochTotal / end }) });
        this.iteration++;
        this.batch++;
        if (lastBatch) {
          if (!full && this.shown(epoch)) this.push({ unit: 'epoch', index: epoch, cost: this.epochTotal / m });
          this.epoch++;
          this.batch = 0;
          this.epochTotal = 0;
        }
        if (pause?.() === true) break;
      }
      return this.done;
    } finally {
      if (this.done) step.sync();
      this.seconds += (performance.now() - t0) / 1000;
    }
  }

  /** The exact state now, to resume from. */
  state(): TrainerState {
    return {
      engine: this.step.engine,
      epoch: this.epoch,
      batch: this.batch,
      iteration: this.iteration,
      epochTotal: this.epochTotal,
      records: [...this.records],
      optimizer: this.optimizer.getState(),
      dropoutRng: this.ctx.rng.getState(),
      step: this.step.snapshot(),
      ...(this.previous !== undefined ? { previous: this.previous } : {}),
    };
  }

  /** What the run did; the model's parameters are made current first. */
  result(): TrainerResult {
    this.step.sync();
    return { records: [...this.records], iterations: this.iteration, seconds: this.seconds, ...(this.divergence !== undefined ? { diverged: this.divergence } : {}) };
  }
}
