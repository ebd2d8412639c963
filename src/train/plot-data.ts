/**
 * What the training plots show, computed from any `LossModel` and the data: predictions on
 * both sets, the cost record, the settings for titles, and the first layer's weight images.
 * The charts themselves (src/viz/training.ts) only draw these numbers.
 */
import type { CostRecord } from '../nn/logistic.js';
import type { Tensor } from '../tensor/index.js';
import type { CatData } from './dataset.js';
import { trainedValues, type LossModel } from './loss-model.js';

/** One labelled set with the model's predictions. */
export interface PlotSet {
  name: 'train' | 'test';
  file: string;
  /** The raw images, uint8 (m, h, w, 3). */
  images: Tensor;
  /** True labels, 0 or 1. */
  labels: number[];
  /** The model's P(class 1) per image. */
  probabilities: number[];
}

export interface PlotData {
  /** e.g. 'single neuron (logistic regression), 12288 inputs' */
  model: string;
  /** Settings for subtitles: 'learning rate 0.005', '2000 iterations', ... */
  settings: string[];
  classes: string[];
  costs: CostRecord[];
  /** What the costs' `iteration` counts. */
  costUnit: 'iteration' | 'epoch';
  sets: PlotSet[];
  /** Weight pictures, each (h, w, c) in the input images' layout; empty when the model has none. */
  weightImages: { name: string; image: Tensor }[];
}

/** Human words for the settings a model file records, in a stable order. @example describeSettings({ learningRate: 0.005, iterations: 2000 }) // ['learning rate 0.005', '2000 iterations'] */
export function describeSettings(settings: Record<string, string | number>): string[] {
  const out: string[] = [];
  const s = settings;
  if (s['learningRate'] !== undefined) out.push(`learning rate ${s['learningRate']}`);
  if (s['iterations'] !== undefined) out.push(`${s['iterations']} iterations`);
  if (s['epochs'] !== undefined) out.push(`${s['epochs']} epochs`);
  if (s['batchSize'] !== undefined) out.push(`batch size ${s['batchSize']}`);
  if (s['optimizer'] !== undefined) out.push(String(s['optimizer']));
  if (s['init'] !== undefined) out.push(`init ${s['init']}${s['seed'] !== undefined ? ` (seed ${s['seed']})` : ''}`);
  if (typeof s['l2'] === 'number' && s['l2'] > 0) out.push(`L2 λ = ${s['l2']}`);
  if (typeof s['dropout'] === 'number' && s['dropout'] > 0) out.push(`dropout ${s['dropout']}`);
  if (s['dtype'] !== undefined) out.push(String(s['dtype']));
  if (s['engine'] !== undefined && s['engine'] !== 'plain') out.push(`${s['engine']} gradients`);
  return out;
}

function labelsOf(Y: Tensor): number[] {
  return Array.from(Y.values(), Number);
}

/**
 * Predictions and records for the plots.
 * @example const pd = plotData(await loadLossModel('cat.json'), await loadCatData({ data }));
 */
export function plotData(model: LossModel, data: CatData): PlotData {
  const values = trainedValues(model);
  const set = (name: 'train' | 'test'): PlotSet => {
    const raw = name === 'train' ? data.train : data.test;
    const X = name === 'train' ? data.trainX : data.testX;
    const Y = name === 'train' ? data.trainY : data.testY;
    return { name, file: raw.file, images: raw.x, labels: labelsOf(Y), probabilities: Array.from(model.probabilities(values, X).values(), Number) };
  };
  return {
    model: model.description,
    settings: describeSettings(model.training?.settings ?? { dtype: model.dtype }),
    classes: [...model.classes],
    costs: model.training?.costs ?? [],
    costUnit: model.training?.costUnit ?? 'iteration',
    sets: [set('train'), set('test')],
    weightImages: model.weightImages?.() ?? [],
  };
}

/** Counts of (true, predicted) pairs: `matrix[t][p]`, predicted = probability > 0.5. @example confusionMatrix(pd.sets[1]) // [[12, 5], [10, 23]] */
export function confusionMatrix(set: PlotSet): number[][] {
  const m = [
    [0, 0],
    [0, 0],
  ];
  set.labels.forEach((t, i) => {
    const p = (set.probabilities[i] as number) > 0.5 ? 1 : 0;
    const row = m[t === 1 ? 1 : 0] as number[];
    row[p] = (row[p] as number) + 1;
  });
  return m;
}

/** Accuracy in percent from a confusion matrix. @example accuracyOf([[12, 5], [10, 23]]) // 70 */
export function accuracyOf(matrix: number[][]): number {
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const right = matrix.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  return total === 0 ? 0 : (100 * right) / total;
}
