/**
 * A training run as the CLI and the page drive it: settings checked against the data, the
 * model built, the step chosen, the one `Trainer` advanced in slices, evaluated on both
 * sets, and its exact state for a checkpoint.
 *
 * @example
 * const run = new TrainingRun({ train, test }, NEURON, { onRecord: (c) => print(c) });
 * await runInSlices(run, () => stopRequested);
 * run.result().testAccuracy // 70
 */
import { firstLayerOnPixels } from '../accel/pixels.js';
import type { FastBackend } from '../accel/samples.js';
import { ArgumentError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { isPlainScale, PIXELS, prepareInputs, type Preprocessing } from '../data/preprocess.js';
import type { Sequential } from '../nn/sequential.js';
import type { Tensor } from '../tensor/index.js';
import type { ClassificationReport } from '../train/metrics.js';
import { evaluateSet } from '../train/evaluate.js';
import { Trainer, type CostRecord, type Divergence, type TrainerState, type UpdateInfo } from '../train/trainer.js';
import { resolveRun, type RunSettings } from './settings.js';
import { chooseEngine, makeStep, type EngineChoice } from './steps.js';

/** Train and test sets (the test set is optional). */
export interface RunData {
  train: Dataset;
  test?: Dataset;
  preprocessing?: Preprocessing;
}

/** A stopped run's exact state, with the settings it ran with. */
export interface RunCheckpoint {
  settings: RunSettings;
  trainer: TrainerState;
}

/** What a run reached. */
export interface RunResult {
  settings: RunSettings;
  engine: EngineChoice;
  model: Sequential;
  classes: string[];
  records: CostRecord[];
  iterations: number;
  seconds: number;
  diverged?: Divergence;
  train: ClassificationReport;
  test?: ClassificationReport;
  trainAccuracy: number;
  testAccuracy?: number;
}

/** Options of a run. */
export interface RunOptions {
  onRecord?: (c: CostRecord) => void;
  onUpdate?: (info: UpdateInfo) => void;
  /** Training batches' inputs changed per epoch and batch (seeded augmentation; the autodiff step only). */
  batchTransform?: (x: Tensor, at: { epoch: number; batch: number }) => Tensor;
  resume?: RunCheckpoint;
  backend?: FastBackend;
  /** Parameters to start from instead of the initialiser's, in `model.parameters()` order (a loaded model trained on). */
  start?: readonly Tensor[];
}

/**
 * A training run in slices (see ../train/control.ts): `advance`, `checkpoint`, `result`.
 * @example const run = new TrainingRun(await loadRunData({}), NEURON); run.advance(); run.result().trainAccuracy // 99.04306220095694
 */
export class TrainingRun {
  readonly settings: RunSettings;
  readonly model: Sequential;
  readonly classes: string[];
  readonly engine: EngineChoice;
  readonly trainer: Trainer;
  readonly preprocessing: Preprocessing;
  private readonly prepared = new Map<'train' | 'test', Tensor>();
  private readonly backend: FastBackend;

  constructor(
    readonly data: RunData,
    settings: RunSettings,
    opts: RunOptions = {},
  ) {
    const resolved = resolveRun(opts.resume?.settings ?? settings, data);
    this.settings = resolved.settings;
    this.model = resolved.model;
    this.classes = resolved.classes;
    // Set before the step is made: the span steps read the first layer's weights when built.
    if (opts.start !== undefined) {
      const params = this.model.parameters();
      if (opts.start.length !== params.length) throw new ArgumentError('train', 'start', `expected ${params.length} tensors (${params.map((p) => p.name).join(', ')}), got ${opts.start.length}`);
      params.forEach((p, i) => (p.value = opts.start?.[i] as Tensor));
    }
    this.preprocessing = data.preprocessing ?? PIXELS;
    const m = data.train.x.shape[0] as number;
    const s = this.settings;
    const resumeEngine = opts.resume?.trainer.engine;
    this.engine = chooseEngine(this.model, resumeEngine !== undefined ? { ...s, engine: resumeEngine } : s, m);
    if (opts.batchTransform !== undefined && this.engine.engine !== 'autodiff') throw new ArgumentError('train', 'engine', `augmentation runs on the autodiff step, not ${this.engine.engine}`);
    if (resumeEngine !== undefined && this.engine.engine !== resumeEngine) {
      throw new ArgumentError('train', 'resume', `the ${resumeEngine} step cannot resume this run: ${this.engine.note ?? ''}`);
    }
    this.backend = opts.backend ?? 'auto';
    const step = makeStep(this.engine.engine, this.model, s, { train: data.train, preprocessing: this.preprocessing, inputs: () => this.inputs('train') }, this.backend);
    this.trainer = new Trainer(step, resolved.optimizer, m, {
      epochs: s.epochs,
      ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
      shuffleSeed: s.shuffleSeed,
      dropoutSeed: s.dropoutSeed,
      ...(s.decay !== undefined ? { decay: s.decay } : {}),
      record: { every: s.printEvery, last: s.printLast },
      ...(opts.onRecord !== undefined ? { onRecord: opts.onRecord } : {}),
      ...(opts.onUpdate !== undefined ? { onUpdate: opts.onUpdate } : {}),
      ...(opts.batchTransform !== undefined ? { batchTransform: opts.batchTransform } : {}),
    }, opts.resume?.trainer);
  }

  /** A set's inputs as the model takes them (made once, on first use). */
  inputs(set: 'train' | 'test'): Tensor {
    let x = this.prepared.get(set);
    if (x === undefined) {
      const d = set === 'train' ? this.data.train : this.data.test;
      if (d === undefined) throw new ArgumentError('train', 'test', 'no test set');
      x = prepareInputs(d.x, this.preprocessing, this.settings.dtype);
      this.prepared.set(set, x);
    }
    return x;
  }

  /** Trains until finished, or until `pause()` is true after an update; true when finished. */
  advance(pause?: () => boolean): boolean {
    return this.trainer.advance(pause);
  }

  /** The exact state now, to resume from. */
  checkpoint(): RunCheckpoint {
    return { settings: this.settings, trainer: this.trainer.state() };
  }

  /** The model now, the costs recorded and its scores on both sets. */
  result(): RunResult {
    const r = this.trainer.result();
    const { dtype } = this.settings;
    // The pixel kernels compute x / scale only: standardized inputs are prepared as floats.
    const pixels = isPlainScale(this.preprocessing) ? (x: Tensor) => firstLayerOnPixels(this.model, x, this.preprocessing.scale, this.backend) : undefined;
    const train = evaluateSet(this.model, this.data.train, this.preprocessing, dtype, pixels);
    const test = this.data.test !== undefined ? evaluateSet(this.model, this.data.test, this.preprocessing, dtype, pixels) : undefined;
    return {
      settings: this.settings,
      engine: this.engine,
      model: this.model,
      classes: this.classes,
      records: r.records,
      iterations: r.iterations,
      seconds: r.seconds,
      ...(r.diverged !== undefined ? { diverged: r.diverged } : {}),
      train,
      trainAccuracy: train.accuracy,
      ...(test !== undefined ? { test, testAccuracy: test.accuracy } : {}),
    };
  }
}
