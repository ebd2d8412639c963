/**
 * Training the single neuron on loaded data: runs the notes' `model`, times it, and packs
 * what the CLI prints or saves.
 */
import { performance } from 'node:perf_hooks';
import type { FloatDType } from '../core/dtype.js';
import { model, type CostRecord, type ModelOptions, type ModelResult } from '../nn/logistic.js';
import { modelAutodiff } from '../nn/logistic-autodiff.js';
import type { Tensor } from '../tensor/index.js';
import type { CatData } from './dataset.js';
import { saveLogisticModel } from './model-file.js';

/** The reference settings of ../shared/datasets/README.md. */
export const REFERENCE_SETTINGS = { iterations: 2000, learningRate: 0.005, printEvery: 100 } as const;

/**
 * How gradients are computed: `plain`, the notes' hand-derived `propagate` with tensor ops;
 * `autodiff`, the same cost differentiated by the autograd layer.
 */
export type SingleNeuronEngine = 'plain' | 'autodiff';

const ENGINES: Record<SingleNeuronEngine, (XTrain: Tensor, YTrain: Tensor, XTest: Tensor, YTest: Tensor, opts: ModelOptions) => ModelResult> = {
  plain: model,
  autodiff: modelAutodiff,
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
  const d = ENGINES[settings.engine ?? 'plain'](data.trainX, data.trainY, data.testX, data.testY, {
    numIterations: settings.iterations,
    learningRate: settings.learningRate,
    recordEvery: settings.printEvery,
    ...(onCost ? { onCost } : {}),
  });
  const trainingSeconds = (performance.now() - t0) / 1000;
  return { settings, costs: d.costs, trainAccuracy: d.trainAccuracy, testAccuracy: d.testAccuracy, trainingSeconds, w: d.w, b: d.b };
}

/** Saves a trained single neuron with its settings and results. */
export async function saveSingleNeuron(file: string, data: CatData, r: SingleNeuronResult): Promise<void> {
  const inputShape = data.train.x.shape.slice(1);
  await saveLogisticModel(file, {
    model: { type: 'logistic', inputShape: [...inputShape], features: data.trainX.shape[0] as number },
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
