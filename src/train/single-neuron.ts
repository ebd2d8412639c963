/**
 * Training the single neuron on loaded data: runs the notes' `model`, times it, and packs
 * what the CLI prints or saves.
 */
import { performance } from 'node:perf_hooks';
import type { FloatDType } from '../core/dtype.js';
import { model, type CostRecord, type ModelOptions, type ModelResult } from '../nn/logistic.js';
import { modelAutodiff } from '../nn/logistic-autodiff.js';
import { modelFast } from '../nn/logistic-fast.js';
import type { Tensor } from '../tensor/index.js';
import type { CatData } from './dataset.js';
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

type Engine = (data: CatData, opts: ModelOptions, dtype: FloatDType) => ModelResult;

const ENGINES: Record<SingleNeuronEngine, Engine> = {
  plain: (d, opts) => model(d.trainX, d.trainY, d.testX, d.testY, opts),
  autodiff: (d, opts) => modelAutodiff(d.trainX, d.trainY, d.testX, d.testY, opts),
  // The raw uint8 images: the fast path scales them on the fly, exactly as u / 255.
  fast: (d, opts, dtype) => modelFast(d.train.x, d.train.y, d.test.x, d.test.y, { ...opts, dtype }),
};

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
}

/**
 * Trains from zeros by full-batch gradient descent and evaluates on both sets.
 * @example const r = trainSingleNeuron(data, { ...REFERENCE_SETTINGS, dtype: 'float64' });
 */
export function trainSingleNeuron(
  data: CatData,
  settings: SingleNeuronSettings,
  onCost?: (iteration: number, cost: number) => void,
): SingleNeuronResult {
  const t0 = performance.now();
  const opts: ModelOptions = {
    numIterations: settings.iterations,
    learningRate: settings.learningRate,
    recordEvery: settings.printEvery,
    ...(onCost ? { onCost } : {}),
  };
  const d = ENGINES[settings.engine ?? 'plain'](data, opts, settings.dtype);
  const trainingSeconds = (performance.now() - t0) / 1000;
  return { settings, costs: d.costs, trainAccuracy: d.trainAccuracy, testAccuracy: d.testAccuracy, trainingSeconds, w: d.w, b: d.b };
}

/** Saves a trained single neuron with its settings and results. */
export async function saveSingleNeuron(file: string, data: CatData, r: SingleNeuronResult): Promise<void> {
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
      init: 'zeros',
      optimizer: 'gradient-descent (full batch)',
      costs: r.costs,
      trainAccuracy: r.trainAccuracy,
      testAccuracy: r.testAccuracy,
      trainFile: data.train.file,
      testFile: data.test.file,
    },
    w: r.w,
    b: r.b,
  });
}
