/**
 * Training the single neuron on loaded data: runs the notes' `model`, times it, and packs
 * what the CLI prints or saves.
 */
import { performance } from 'node:perf_hooks';
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import {
  checkOptimizeOptions,
  initializeWithZeros,
  modelResult,
  optimize,
  predict,
  type CostRecord,
  type Divergence,
  type LogisticParams,
  type ModelOptions,
  type ModelResult,
} from '../nn/logistic.js';
import { optimizeAutodiff } from '../nn/logistic-autodiff.js';
import { FastModelRun } from '../nn/logistic-fast.js';
import type { Tensor } from '../tensor/index.js';
import type { CatData } from './dataset.js';
import { storeSingleNeuronCheckpoint } from './checkpoint.js';
import { saveLogisticModel } from './model-file.js';

/** The reference settings of ../shared/datasets/README.md. */
export const REFERENCE_SETTINGS = { iterations: 2000, learningRate: 0.005, printEvery: 100 } as const;

/**
 * How the neuron is trained. `plain`: the notes' hand-derived `propagate` with tensor ops,
 * the reference. `autodiff`: the same cost differentiated by the autograd layer. `fast`: the
 * exact Gram-space reformulation over the uint8 pixels (src/nn/logistic-fast.ts), tested
 * equal to `plain` to 1e-12; the default.
 */
export type SingleNeuronEngine = 'plain' | 'autodiff' | 'fast';
export const ENGINE_NAMES: readonly SingleNeuronEngine[] = ['fast', 'plain', 'autodiff'];

export interface SingleNeuronSettings {
  engine?: SingleNeuronEngine;
  iterations: number;
  learningRate: number;
  printEvery: number;
  dtype: FloatDType;
}

export interface SingleNeuronResult {
  settings: SingleNeuronSettings;
  costs: CostRecord[];
  trainAccuracy: number;
  testAccuracy: number;
  trainingSeconds: number;
  w: Tensor;
  b: number;
  /** Iterations done (fewer than `settings.iterations` when stopped or diverged). */
  iterations: number;
  /** Set when a cost became NaN or infinite: w and b are then those of `diverged.kept`. */
  diverged?: Divergence;
}

/**
 * The exact state of a stopped run, to resume from: the iteration, the engine's own variables
 * (plain and autodiff: w and b; fast: the Gram-space coefficients c with w = X c, and b), one
 * step back (for divergence), and the costs printed so far.
 */
export interface SingleNeuronCheckpoint {
  engine: SingleNeuronEngine;
  iteration: number;
  b: number;
  /** plain, autodiff: the weights. */
  w?: Tensor;
  /** fast: the coefficients (w = X c). */
  c?: Float64Array;
  /** The state before the last update. */
  previous?: { w?: Tensor; c?: Float64Array; b: number };
  costs: CostRecord[];
}

const OPTIMIZERS = { plain: optimize, autodiff: optimizeAutodiff } as const;

/**
 * A single-neuron training run that advances in slices (see ./control.ts): stop it between
 * iterations, take a checkpoint, resume from one, and get the same bits as an unbroken run.
 * A cost that turns NaN or infinite ends it early with the last good parameters.
 * @example const run = new SingleNeuronRun(data, settings, onCost); run.advance(); run.result();
 */
export class SingleNeuronRun {
  readonly engine: SingleNeuronEngine;
  private readonly fast: FastModelRun | undefined;
  // plain and autodiff: the loop's state between slices.
  private w: Tensor | undefined;
  private b = 0;
  private at = 0;
  private previous: LogisticParams | undefined;
  private divergence: Divergence | undefined;
  private readonly costs: CostRecord[] = [];
  private seconds = 0;

  constructor(
    private readonly data: CatData,
    readonly settings: SingleNeuronSettings,
    private readonly onCost?: (iteration: number, cost: number) => void,
    resume?: SingleNeuronCheckpoint,
  ) {
    this.engine = settings.engine ?? 'plain';
    const op = 'train';
    if (resume !== undefined) {
      if (resume.engine !== this.engine) throw new ArgumentError(op, 'resume', `the checkpoint is of engine ${resume.engine}, not ${this.engine}`);
      if (!Number.isSafeInteger(resume.iteration) || resume.iteration < 0 || resume.iteration > settings.iterations) {
        throw new ArgumentError(op, 'resume', `the checkpoint is at iteration ${resume.iteration}, beyond the ${settings.iterations} iterations asked for`);
      }
      this.costs.push(...resume.costs);
    }
    const opts: ModelOptions = {
      numIterations: settings.iterations,
      learningRate: settings.learningRate,
      recordEvery: settings.printEvery,
      ...(onCost ? { onCost } : {}),
    };
    if (this.engine === 'fast') {
      const c = resume?.c;
      if (resume !== undefined && c === undefined) throw new ArgumentError(op, 'resume', 'the fast engine needs the coefficients c in the checkpoint');
      const prev = resume?.previous;
      const state = resume === undefined || c === undefined ? undefined : { iteration: resume.iteration, c, b: resume.b, ...(prev?.c !== undefined ? { previous: { c: prev.c, b: prev.b } } : {}) };
      // The raw uint8 images: the fast path scales them on the fly, exactly as u / 255.
      // Building the Gram matrix counts as training time.
      const t0 = performance.now();
      this.fast = new FastModelRun(data.train.x, data.train.y, data.test.x, data.test.y, { ...opts, dtype: settings.dtype, ...(state ? { resume: state } : {}) });
      this.seconds = (performance.now() - t0) / 1000;
    } else {
      checkOptimizeOptions(op, opts as { numIterations: number; learningRate: number });
      const n = data.trainX.shape[0] as number;
      if (resume !== undefined) {
        if (resume.w === undefined || resume.w.ndim !== 2 || resume.w.shape[0] !== n || resume.w.dtype !== settings.dtype) {
          throw new ArgumentError(op, 'resume', `the checkpoint's weights must be (${n}, 1) ${settings.dtype}`);
        }
        this.w = resume.w;
        this.b = resume.b;
        this.at = resume.iteration;
        const pw = resume.previous?.w;
        if (pw !== undefined && resume.previous !== undefined) this.previous = { w: pw, b: resume.previous.b };
      } else {
        const init = initializeWithZeros(n, settings.dtype);
        this.w = init.w;
        this.b = init.b;
      }
    }
  }

  /** Iterations done. */
  get iteration(): number {
    return this.fast?.iteration ?? this.at;
  }

  get diverged(): Divergence | undefined {
    return this.fast?.diverged ?? this.divergence;
  }

  /** Runs until done or diverged, or until `pause()` is true after an iteration; true when finished. */
  advance(pause?: () => boolean): boolean {
    const t0 = performance.now();
    try {
      if (this.fast !== undefined) return this.fast.advance(pause);
      if (this.divergence !== undefined || this.at >= this.settings.iterations) return true;
      const d = this.data;
      const r = OPTIMIZERS[this.engine === 'autodiff' ? 'autodiff' : 'plain'](this.w as Tensor, this.b, d.trainX, d.trainY, {
        numIterations: this.settings.iterations,
        learningRate: this.settings.learningRate,
        recordEvery: this.settings.printEvery,
        startIteration: this.at,
        ...(this.previous !== undefined ? { previous: this.previous } : {}),
        ...(this.onCost ? { onCost: this.onCost } : {}),
        ...(pause ? { pause } : {}),
      });
      this.w = r.params.w;
      this.b = r.params.b;
      this.at = r.iterations;
      this.previous = r.previous;
      this.costs.push(...r.costs);
      this.divergence = r.diverged;
      return this.divergence !== undefined || this.at >= this.settings.iterations;
    } finally {
      this.seconds += (performance.now() - t0) / 1000;
    }
  }

  /** The exact state now, to resume from. */
  checkpoint(): SingleNeuronCheckpoint {
    if (this.fast !== undefined) {
      const s = this.fast.state;
      const costs = [...this.costs, ...this.fast.costs];
      return { engine: 'fast', iteration: s.iteration, b: s.b, c: s.c, ...(s.previous !== undefined ? { previous: { c: s.previous.c, b: s.previous.b } } : {}), costs };
    }
    return {
      engine: this.engine,
      iteration: this.at,
      b: this.b,
      w: this.w as Tensor,
      ...(this.previous !== undefined ? { previous: { w: this.previous.w, b: this.previous.b } } : {}),
      costs: [...this.costs],
    };
  }

  /** Accuracies and parameters now (after the run, or where it stopped). */
  result(): SingleNeuronResult {
    const d = this.data;
    let m: ModelResult;
    if (this.fast !== undefined) {
      m = this.fast.result();
      m = { ...m, costs: [...this.costs, ...m.costs] };
    } else {
      const params = { w: this.w as Tensor, b: this.b };
      const predictions = { train: predict(params.w, params.b, d.trainX), test: predict(params.w, params.b, d.testX) };
      m = modelResult(params, this.costs, predictions, { train: d.trainY, test: d.testY }, { learningRate: this.settings.learningRate, numIterations: this.settings.iterations });
    }
    const diverged = this.diverged;
    return {
      settings: this.settings,
      costs: m.costs,
      trainAccuracy: m.trainAccuracy,
      testAccuracy: m.testAccuracy,
      trainingSeconds: this.seconds,
      w: m.w,
      b: m.b,
      iterations: this.iteration,
      ...(diverged !== undefined ? { diverged } : {}),
    };
  }
}

/**
 * Trains from zeros by full-batch gradient descent and evaluates on both sets. A cost that
 * becomes NaN or infinite stops training early (`diverged` in the result).
 * @example const r = trainSingleNeuron(data, { ...REFERENCE_SETTINGS, dtype: 'float64' });
 */
export function trainSingleNeuron(
  data: CatData,
  settings: SingleNeuronSettings,
  onCost?: (iteration: number, cost: number) => void,
): SingleNeuronResult {
  const run = new SingleNeuronRun(data, settings, onCost);
  run.advance();
  return run.result();
}

/** Saves a single neuron with its settings and results; with `checkpoint`, the state to resume from too. */
export async function saveSingleNeuron(file: string, data: CatData, r: SingleNeuronResult, checkpoint?: SingleNeuronCheckpoint): Promise<void> {
  const inputShape = data.train.x.shape.slice(1);
  await saveLogisticModel(file, {
    model: { type: 'logistic', inputShape: [...inputShape], features: data.features },
    dtype: r.settings.dtype,
    classes: data.classes,
    preprocessing: { layout: 'flatten-hwc-columns', scale: 255 },
    training: {
      engine: r.settings.engine ?? 'plain',
      iterations: r.settings.iterations,
      learningRate: r.settings.learningRate,
      printEvery: r.settings.printEvery,
      init: 'zeros',
      optimizer: 'gradient-descent (full batch)',
      costs: r.costs,
      trainAccuracy: r.trainAccuracy,
      testAccuracy: r.testAccuracy,
      trainFile: data.train.file,
      testFile: data.test.file,
      ...(r.iterations < r.settings.iterations ? { iterationsDone: r.iterations } : {}),
      ...(r.diverged !== undefined ? { diverged: { ...r.diverged, cost: String(r.diverged.cost) } } : {}),
    },
    w: r.w,
    b: r.b,
    ...(checkpoint !== undefined ? { checkpoint: storeSingleNeuronCheckpoint(checkpoint, data) } : {}),
  });
}
