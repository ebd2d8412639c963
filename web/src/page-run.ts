/**
 * One training run as the page drives it: the app layer's `TrainingRun` (the CLI's settings,
 * step and trainer) advanced a frame at a time, so the recorded costs are the CLI's. The page
 * adds only what it shows: the test cost at the record points and a readout of the current
 * parameters, both from the app layer's `lossOn` and `evaluate`. A run counts what the CLI
 * counts: iterations (updates) with full batches, epochs with mini-batches (a CNN's).
 */
import { noGrad } from '../../src/autograd/index.js';
import { lossOfScores } from '../../src/nn/loss.js';
import { lossOn } from '../../src/train/evaluate.js';
import { classificationReport } from '../../src/train/metrics.js';
import { TrainingRun, type RunData } from '../../src/app/run.js';
import { L_LAYER, type RunSettings } from '../../src/app/settings.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { BinaryLoss } from '../../src/nn/loss.js';
import type { Sequential } from '../../src/nn/sequential.js';
import type { Tensor } from '../../src/tensor/index.js';
import type { CostRecord, UpdateInfo } from '../../src/train/trainer.js';
import type { ModelSettings, RecordedCost, RunUnit } from './protocol.js';

/** A run's length when the page decides where it stops (Iterations can grow between runs). */
const ENDLESS = 2 ** 31;

/**
 * The app layer's settings of a page run: the model's, the learning rate, and the costs
 * recorded every `recordEvery` iterations (the CLI's `--print-every`).
 * @example runSettings({ ...NEURON }, 0.005, 5).epochs // 2 ** 31: the page stops it
 */
export function runSettings(model: ModelSettings, learningRate: number, recordEvery: number): RunSettings {
  return { ...L_LAYER, ...model, learningRate, epochs: ENDLESS, printEvery: recordEvery, printLast: false };
}

/** What the readout shows of a model. @example ui.testAccuracy.textContent = `${r.readout().testAccuracy} %` */
export interface Readout {
  cost: number;
  testCost: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** P(class) per test image, one row of k per image (a sigmoid's p as [1 - p, p]). */
  testProbabilities: Float64Array<ArrayBuffer>;
}

/** One forward pass over a set: its loss (`lossOn`'s), the predicted labels (`evaluate`'s) and the probabilities (`classProbabilities`'s), from the same scores. */
function measure(model: Sequential, x: Tensor, labels: Tensor, loss: BinaryLoss): { cost: number; accuracy: number; probabilities: Tensor } {
  return noGrad(() => {
    const scores = model.scores(x);
    // From the head on: what `predict` and `probabilities` compute after the same scores.
    const head = model.layers.length - 1;
    const accuracy = classificationReport(model.predict(scores, head).values(), labels.values(), model.classes).accuracy;
    return { cost: lossOfScores(model, scores, labels, loss).item(), accuracy, probabilities: model.output(scores) };
  });
}

/**
 * The readout of `model` on both sets (inputs prepared as it takes them), one forward pass
 * each: a CNN's passes over the images are most of a readout's time.
 * @example readout(net, { train: run.inputs('train'), test: run.inputs('test') }, data).testAccuracy // 70
 */
export function readout(model: Sequential, x: { train: Tensor; test: Tensor }, data: { train: Dataset; test: Dataset }, loss: BinaryLoss = 'course'): Readout {
  const train = measure(model, x.train, data.train.labels, loss);
  const test = measure(model, x.test, data.test.labels, loss);
  // classProbabilities' rows: a sigmoid's p as [1 - p, p], a softmax's row as it is.
  const p = test.probabilities.contiguous().values();
  const rows = model.head === 'sigmoid' ? Float64Array.from({ length: 2 * p.length }, (_, i) => (i % 2 === 0 ? 1 - (p[i >> 1] as number) : (p[i >> 1] as number))) : Float64Array.from(p);
  return { cost: train.cost, testCost: test.cost, trainAccuracy: train.accuracy, testAccuracy: test.accuracy, testProbabilities: rows };
}

/**
 * A run of the app layer advanced in frames, with the test costs at its record points.
 * @example const r = new PageRun(data, NEURON, 0.005, 5); r.advance(100); r.readout().cost // 0.5845083636993078
 */
export class PageRun {
  private current: TrainingRun;
  /** Recorded (iteration, train cost, test cost). */
  readonly costs: RecordedCost[] = [];
  /** Test costs measured for the parameters at a record point (before update or epoch `at`), until recorded. */
  private readonly pending = new Map<number, number>();
  private stopAt = 0;
  private seconds = 0;

  constructor(
    readonly data: RunData & { test: Dataset },
    readonly model: ModelSettings,
    learningRate: number,
    recordEvery: number,
    /** Parameters to start from (a loaded model), in the model's parameter order. */
    readonly start?: readonly Tensor[],
  ) {
    this.current = this.build(runSettings(model, learningRate, recordEvery));
  }

  private build(settings: RunSettings, resume?: ReturnType<TrainingRun['checkpoint']>): TrainingRun {
    return new TrainingRun(this.data, settings, {
      onRecord: (r) => this.recorded(r),
      onUpdate: (u) => this.updated(u),
      ...(this.start !== undefined ? { start: this.start } : {}),
      ...(resume !== undefined ? { resume } : {}),
    });
  }

  get run(): TrainingRun {
    return this.current;
  }

  /** Iterations with full batches; epochs with mini-batches (the unit of `RunSettings.epochs` and of the recorded costs). */
  get unit(): RunUnit {
    return this.current.settings.batchSize === undefined ? 'iteration' : 'epoch';
  }

  /** Updates per unit: 1, or the batches of an epoch. */
  get updatesPer(): number {
    const b = this.current.settings.batchSize;
    return b === undefined ? 1 : Math.ceil((this.data.train.x.shape[0] as number) / b);
  }

  /** Where the run stands, in its unit: updates done, or whole epochs done. */
  get iterations(): number {
    const t = this.current.trainer;
    return this.unit === 'epoch' ? t.epochs : t.iterations;
  }

  /** The test cost is measured where W1 is formed anyway: with the span step (which forms it only when read) every 50 iterations or more. */
  private get testEvery(): number {
    const every = this.current.settings.printEvery;
    return this.current.engine.engine === 'span' ? every * Math.ceil(50 / every) : every;
  }

  /**
   * A new learning rate or record interval continues from where the run stands: the same
   * parameters, optimiser state and iteration, resumed as the CLI resumes a checkpoint (the
   * neuron's span step has the learning rate built in, so it is made again).
   */
  configure(learningRate: number, recordEvery: number): void {
    const s = this.current.settings;
    if (s.learningRate === learningRate && s.printEvery === recordEvery) return;
    const ck = this.current.checkpoint();
    const settings = { ...s, learningRate, printEvery: recordEvery };
    this.current = this.build(settings, { settings, trainer: { ...ck.trainer, optimizer: { ...ck.trainer.optimizer, learningRate } } });
  }

  /**
   * Trains up to iteration `until`, and no further once `deadline` (a `performance.now()`
   * time) has passed (at least one update: a deep iteration can take longer than a frame).
   * Returns the updates done.
   */
  advance(until: number, deadline = Infinity): number {
    const t = this.current.trainer;
    const from = this.iterations;
    const updates = t.iterations;
    if (from >= until || t.done) return 0;
    this.stopAt = until;
    // At the start of an iteration or epoch (a mini-batch run can stop mid-epoch).
    const atStart = updates === from * this.updatesPer;
    if (atStart && from % this.testEvery === 0 && !this.pending.has(from)) this.measureTest(from);
    const t0 = performance.now();
    this.current.advance(() => this.iterations >= until || performance.now() > deadline);
    this.seconds += (performance.now() - t0) / 1000;
    return t.iterations - updates;
  }

  /** Seconds per update so far, test costs included (0 before the first update). */
  get secondsPerUpdate(): number {
    const updates = this.current.trainer.iterations;
    return updates === 0 ? 0 : this.seconds / updates;
  }

  private recorded(r: CostRecord): void {
    // An epoch's record comes after its last update's hook has measured the next epoch's start.
    this.costs.push({ iteration: r.index, cost: r.cost, testCost: this.pending.get(r.index) ?? Number.NaN });
    for (const at of this.pending.keys()) if (at <= r.index) this.pending.delete(at);
  }

  private updated(u: UpdateInfo): void {
    // The parameters are now those before update (or epoch) `next`: its test cost, if it is recorded.
    if (this.unit === 'epoch' && !u.lastBatch) return;
    const next = this.unit === 'epoch' ? u.epoch + 1 : u.iteration + 1;
    if (next % this.testEvery === 0 && next < this.stopAt) this.measureTest(next);
  }

  private measureTest(at: number): void {
    this.current.trainer.step.sync();
    this.pending.set(at, lossOn(this.current.model, this.current.inputs('test'), this.data.test.labels, this.current.settings.loss));
  }

  /** The model with its parameters current (the span step forms W1 here, a pass over the pixels). */
  synced(): Sequential {
    this.current.trainer.step.sync();
    return this.current.model;
  }

  /** Cost, accuracies and test probabilities of the current parameters. */
  readout(): Readout {
    const r = this.current;
    return readout(this.synced(), { train: r.inputs('train'), test: r.inputs('test') }, this.data, r.settings.loss);
  }
}
