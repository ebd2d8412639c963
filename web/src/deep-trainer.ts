/**
 * A deep network trained a few iterations at a time, so the worker can pause, report and
 * resume: the CLI's own code (`prepareMlp` builds and checks the network and picks the
 * engine as `tsgrad train --model mlp` does; `fit` or `fitGram` trains it), called in chunks
 * with one optimiser object kept across them. With the plain engine (`fit`), full-batch
 * training without dropout or decay does the same arithmetic however it is chunked, so the
 * costs are bit for bit the CLI's `--engine plain`. The fast engine (`fitGram`, the CLI's
 * default for gd and momentum) starts each chunk from the formed first layer, so its costs
 * agree with the CLI's to rounding (about 1e-13).
 */
import { noGrad } from '../../src/autograd/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import type { LabelledImages } from '../../src/data/dataset.js';
import { courseCost } from '../../src/nn/losses.js';
import type { Mlp } from '../../src/nn/mlp.js';
import type { OptimizerName } from '../../src/optim/index.js';
import { astype, greater, Tensor } from '../../src/tensor/index.js';
import type { CatData } from '../../src/train/dataset.js';
import { checkFitOptions, fit, type FitOptions } from '../../src/train/fit.js';
import { flattenImages } from '../../src/train/flatten.js';
import { fitGram, type EngineChoice, type MlpEngine } from '../../src/train/fit-gram.js';
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
  net: Mlp;
  private fitOptions: FitOptions;
  private optimizer: Optimizer;
  private iteration = 0;
  private seconds = 0;
  private learningRate: number;
  /** The engine that trains, and why it is not the one asked for. */
  readonly engine: EngineChoice;

  /** A fresh network as `tsgrad train --model mlp` builds it; an ArgumentError names a bad setting. */
  constructor(data: CatData, settings: DeepSettings, learningRate: number, net?: Mlp) {
    if (settings.layers.at(-1) !== 1) {
      throw new ArgumentError('train', 'layers', `the page trains a sigmoid output: the last size must be 1, got [${settings.layers.join(', ')}]`);
    }
    this.data = data;
    this.settings = settings;
    this.learningRate = learningRate;
    const prepared = prepareMlp(data, this.mlpSettings(1));
    this.net = net ?? prepared.net;
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

  /**
   * Runs up to `count` iterations (fewer where `until` is reached), recording the cost every
   * `recordEvery` iterations; returns how many ran.
   */
  advance(count: number, learningRate: number, recordEvery: number, until = Infinity): number {
    const n = Math.max(0, Math.min(count, until - this.iteration));
    if (n === 0) return 0;
    this.learningRate = learningRate;
    this.optimizer.learningRate = learningRate;
    const start = this.iteration;
    // The test cost of the parameters before a recorded iteration's update, as fit's cost is.
    const testCostNow = (): number => noGrad(() => costOf(this.net.probabilities(this.data.testX), this.data.testY));
    // The fast engine forms W1 (a pass over X) for each test cost: at most every 10 iterations
    // (a multiple of the page's record steps 1, 2 and 5; the others are multiples of 10).
    const testEvery = this.engine.engine === 'fast' ? Math.max(recordEvery, 10) : recordEvery;
    let pendingTest = start % testEvery === 0 ? testCostNow() : NaN;
    const t0 = performance.now();
    const options = {
      ...this.fitOptions,
      learningRate,
      epochs: n,
      optimizer: this.optimizer,
      onIteration: ({ iteration, cost }: { iteration: number; cost: number }) => {
        const it = start + iteration;
        if (it % recordEvery === 0) this.costs.push({ iteration: it, cost, testCost: it % testEvery === 0 ? pendingTest : NaN });
        // The parameters are updated: the next recorded iteration's test cost is of these.
        if ((it + 1) % testEvery === 0 && iteration + 1 < n) pendingTest = testCostNow();
      },
    };
    const XY = { X: this.data.trainX, Y: this.data.trainY };
    if (this.engine.engine === 'fast') {
      // W1 formed where the next test cost needs it.
      fitGram(this.net, XY, { ...options, formW1: (iteration) => (start + iteration + 1) % testEvery === 0 && iteration + 1 < n });
    } else {
      fit(this.net, XY, options);
    }
    this.seconds += (performance.now() - t0) / 1000;
    this.iteration += n;
    return n;
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
