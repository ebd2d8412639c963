/**
 * A deep network trained a few iterations at a time, so the worker can pause, report and
 * resume: the CLI's own code (`prepareMlp` builds and checks the network and picks the
 * engine as `tsgrad train --model mlp` does), trained by the CLI's resumable runs, `FitRun`
 * (the plain engine, `fit`) or `FitGramRun` (the fast engine, `fitGram`), advanced a slice at
 * a time. One run goes on across the slices, so the costs are bit for bit the CLI's with
 * either engine.
 */
import { noGrad } from '../../src/autograd/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import type { LabelledImages } from '../../src/data/dataset.js';
import { courseCost } from '../../src/nn/losses.js';
import type { Mlp } from '../../src/nn/mlp.js';
import type { OptimizerName } from '../../src/optim/index.js';
import { astype, greater, Tensor } from '../../src/tensor/index.js';
import type { CatData } from '../../src/train/dataset.js';
import { checkFitOptions, FitRun, type FitDivergence, type FitOptions, type IterationInfo } from '../../src/train/fit.js';
import { flattenImages } from '../../src/train/flatten.js';
import { FitGramRun, type EngineChoice, type MlpEngine } from '../../src/train/fit-gram.js';
import { mlpLossModel } from '../../src/train/loss-model-mlp.js';
import type { LossModel } from '../../src/train/loss-model.js';
import { accuracy } from '../../src/train/metrics.js';
import { MLP_DEFAULTS, mlpTrainingRecord, prepareMlp, type MlpSettings, type PrintedCost } from '../../src/train/mlp.js';
import type { Optimizer } from '../../src/optim/index.js';

/** The deep network's settings the page offers. */
export interface DeepSettings {
  /** [n_x, ..., 1]. */
  layers: number[];
  /** An initialiser name: zeros, scaled:K, xavier, he, course. */
  init: string;
  seed: number;
  optimizer: OptimizerName;
  /** The engine asked for; `prepareMlp` falls back to plain (with a note) where fast cannot train. */
  engine: MlpEngine;
}

/** Where training stands, as the page shows it. */
export interface DeepState {
  iteration: number;
  cost: number;
  testCost: number;
  trainAccuracy: number;
  testAccuracy: number;
  testProbabilities: Float64Array;
}

/**
 * The CLI's prepared data from images read in the browser: (features, m) columns / 255 and
 * (1, m) labels, as `loadCatData` makes them.
 * @example const data = catData(train, test); data.trainX.shape // [12288, 209]
 */
export function catData(train: LabelledImages, test: LabelledImages): CatData {
  return {
    train,
    test,
    trainX: flattenImages(train.x),
    trainY: astype(train.y, 'float64'),
    testX: flattenImages(test.x),
    testY: astype(test.y, 'float64'),
    classes: train.classes,
    features: train.x.size / (train.x.shape[0] as number),
  };
}

const costOf = (A: Tensor, Y: Tensor): number => courseCost(A, Y).item();
/** A run's length when the page decides where it stops (under fit's 2**32 - 1 - shuffle seed bound). */
const ENDLESS = 2 ** 31;
const accuracyOf = (A: Tensor, Y: Tensor): number => accuracy(astype(greater(A, 0.5), 'float64'), Y);

/**
 * Full-batch training of a deep network with a sigmoid output, advanced in chunks. Costs are
 * recorded every `recordEvery` iterations from 0, as the CLI's `--print-every` does.
 * @example const t = new DeepTrainer(data, { layers: [12288, 7, 1], init: 'scaled:0.01', seed: 1, optimizer: 'gd' }, 0.0075); t.advance(1, 0.0075, 1); t.costs[0].cost // 0.693049735659989
 */
export class DeepTrainer {
  readonly data: CatData;
  readonly settings: DeepSettings;
  /** Recorded (iteration, train cost, test cost). */
  readonly costs: { iteration: number; cost: number; testCost: number }[] = [];
  /** The network; with the fast engine its W1 is current only after `formed()` (see `net`). */
  private readonly network: Mlp;
  private fitOptions: FitOptions;
  private optimizer: Optimizer;
  private iteration = 0;
  private seconds = 0;
  private learningRate: number;
  /** The engine that trains, and why it is not the one asked for. */
  readonly engine: EngineChoice;
  /** The run, made at the first update (the fast engine's start reads X twice). */
  private run: FitRun | FitGramRun | null = null;
  /** What the current slice does after each update. */
  private hooks: { onIteration: (i: IterationInfo) => void; formW1: (iteration: number) => boolean } | null = null;
  /** Set when a cost became NaN or infinite: the network keeps the last good parameters. */
  diverged: FitDivergence | undefined;

  /** A fresh network as `tsgrad train --model mlp` builds it; an ArgumentError names a bad setting. */
  constructor(data: CatData, settings: DeepSettings, learningRate: number, net?: Mlp) {
    if (settings.layers.at(-1) !== 1) {
      throw new ArgumentError('train', 'layers', `the page trains a sigmoid output: the last size must be 1, got [${settings.layers.join(', ')}]`);
    }
    this.data = data;
    this.settings = settings;
    this.learningRate = learningRate;
    const prepared = prepareMlp(data, this.mlpSettings(1));
    this.network = net ?? prepared.net;
    this.fitOptions = prepared.fitOptions;
    this.engine = prepared.engine;
    this.optimizer = checkFitOptions('train', { X: data.trainX, Y: data.trainY }, this.fitOptions);
  }

  get iterations(): number {
    return this.iteration;
  }

  /** The CLI's settings for this run, `epochs` iterations long. */
  mlpSettings(epochs: number): MlpSettings {
    const { layers, init, seed, optimizer, engine } = this.settings;
    return { ...MLP_DEFAULTS, layers, init, seed, optimizer, learningRate: this.learningRate, epochs, engine };
  }

  private runFor(): FitRun | FitGramRun {
    if (this.run !== null) return this.run;
    const opts = {
      ...this.fitOptions,
      epochs: ENDLESS,
      optimizer: this.optimizer,
      onIteration: (i: IterationInfo) => this.hooks?.onIteration(i),
    };
    const XY = { X: this.data.trainX, Y: this.data.trainY };
    this.run = this.engine.engine === 'fast' ? new FitGramRun(this.network, XY, { ...opts, formW1: (it) => this.hooks?.formW1(it) === true }) : new FitRun(this.network, XY, opts);
    return this.run;
  }

  /**
   * Runs up to `count` iterations (fewer where `until` is reached, and at least one but no
   * more once `deadline`, a `performance.now()` time, has passed), recording the cost every
   * `recordEvery` iterations; returns how many ran.
   */
  advance(count: number, learningRate: number, recordEvery: number, until = Infinity, deadline = Infinity): number {
    const n = Math.max(0, Math.min(count, until - this.iteration));
    if (n === 0 || this.diverged !== undefined) return 0;
    this.learningRate = learningRate;
    this.optimizer.learningRate = learningRate;
    const start = this.iteration;
    const stopAt = start + n;
    // The test cost of the parameters before a recorded iteration's update, as fit's cost is.
    const testCost = (net: Mlp): number => noGrad(() => costOf(net.probabilities(this.data.testX), this.data.testY));
    // The fast engine forms W1 (a pass over X, longer than ten of its updates) for each test
    // cost: at the record steps that are multiples of 50 or more.
    const testEvery = this.engine.engine === 'fast' ? recordEvery * Math.ceil(50 / recordEvery) : recordEvery;
    // Between slices W1 is formed on demand (`net`); within one, where `formW1` says.
    let pendingTest = start % testEvery === 0 ? testCost(this.net) : NaN;
    this.hooks = {
      onIteration: ({ iteration: it, cost }) => {
        if (it % recordEvery === 0) this.costs.push({ iteration: it, cost, testCost: it % testEvery === 0 ? pendingTest : NaN });
        // The parameters are updated (W1 formed, with the fast engine): the next test cost is of these.
        if ((it + 1) % testEvery === 0 && it + 1 < stopAt) pendingTest = testCost(this.network);
      },
      formW1: (it) => (it + 1) % testEvery === 0 && it + 1 < stopAt,
    };
    const t0 = performance.now();
    const run = this.runFor();
    run.advance(() => run.iterations >= stopAt || performance.now() > deadline);
    this.diverged = run.diverged;
    this.hooks = null;
    this.seconds += (performance.now() - t0) / 1000;
    this.iteration = run.iterations;
    return this.iteration - start;
  }

  /**
   * The network with every parameter current: the fast engine trains W1 in span form, and
   * forming it reads X once, so it is formed when asked for, not after every slice.
   */
  get net(): Mlp {
    // FitGramRun.result forms W1 (once per iteration reached).
    if (this.run instanceof FitGramRun) this.run.result();
    return this.network;
  }

  /** Cost, accuracies and test probabilities of the current parameters. */
  state(): DeepState {
    const { trainX, trainY, testX, testY } = this.data;
    return noGrad(() => {
      const A = this.net.probabilities(trainX);
      const T = this.net.probabilities(testX);
      return {
        iteration: this.iteration,
        cost: costOf(A, trainY),
        testCost: costOf(T, testY),
        trainAccuracy: accuracyOf(A, trainY),
        testAccuracy: accuracyOf(T, testY),
        testProbabilities: Float64Array.from(T.values()),
      };
    });
  }

  /** The first layer's weights (n_1, n_x), one row per hidden unit. */
  firstLayer(): { values: Float64Array; units: number } {
    const W1 = this.net.parameters()[0]?.value;
    if (W1 === undefined) throw new ArgumentError('DeepTrainer', 'net', 'has no layers');
    return { values: Float64Array.from(W1.values()), units: W1.shape[0] as number };
  }

  /** The current network as the CLI's LossModel (its θ₀ re-created from the initialiser and seed, as for a saved file). */
  lossModel(inputShape: readonly number[], classes: readonly string[]): LossModel {
    return mlpLossModel(this.net, { inputShape, classes, loss: 'course', init: { name: this.settings.init, seed: this.settings.seed } });
  }

  /** The `training` record of the model file, as `tsgrad train --save` writes it. */
  trainingRecord(trainFile: string, testFile: string): Record<string, unknown> {
    const s = this.state();
    const costs: PrintedCost[] = this.costs.map((c) => ({ unit: 'iteration', index: c.iteration, cost: c.cost }));
    return mlpTrainingRecord(this.mlpSettings(Math.max(1, this.iteration)), {
      output: this.net.spec.output,
      costs,
      trainAccuracy: s.trainAccuracy,
      testAccuracy: s.testAccuracy,
      trainFile,
      testFile,
      trainingSeconds: this.seconds,
      engine: this.engine,
    });
  }
}

/** A tensor's values as float64 (a float32 model file continues training in float64). @example asFloat64(W1).dtype // 'float64' */
export function asFloat64(t: Tensor): Tensor {
  return t.dtype === 'float64' ? t : astype(t, 'float64');
}
