/**
 * What the training plots show, computed from any `Sequential` and the data: predictions
 * and scores on both sets, the cost record, the settings for titles, and the first layer's
 * weights as images. The charts (src/viz/training.ts) only draw these numbers. Browser-safe.
 */
import type { RunSettings } from '../app/settings.js';
import type { FloatDType } from '../core/dtype.js';
import { formatShape, sizeOf } from '../core/shape.js';
import type { Dataset } from '../data/dataset.js';
import { prepareInputs, type Preprocessing } from '../data/preprocess.js';
import { Dense } from '../nn/layers/dense.js';
import { archText } from '../nn/registry.js';
import type { Sequential } from '../nn/sequential.js';
import type { Tensor } from '../tensor/index.js';
import { classificationReport, type ClassificationReport } from '../train/metrics.js';
import type { CostRecord } from '../train/trainer.js';
import { classProbabilities } from './predict.js';

/** One labelled set with the model's predictions. */
export interface PlotSet {
  name: 'train' | 'test';
  file: string;
  /** The samples as stored, e.g. uint8 images (N, h, w, 3). */
  images: Tensor;
  /** True and predicted class per sample. */
  labels: number[];
  predicted: number[];
  /** P(class c) per sample and class. */
  probabilities: number[][];
  /** Accuracy, confusion matrix, per-class scores. */
  report: ClassificationReport;
}

export interface PlotData {
  /** e.g. 'flatten,dense:1,sigmoid: (64, 64, 3) inputs, 12289 parameters' */
  model: string;
  /** Settings for subtitles: 'learning rate 0.005', '2000 iterations', ... */
  settings: string[];
  classes: string[];
  costs: CostRecord[];
  /** What the costs' index counts. */
  costUnit: 'iteration' | 'epoch';
  sets: PlotSet[];
  /** Weight pictures, each in the input's layout; empty when the model has none. */
  weightImages: { name: string; image: Tensor }[];
}

/** A trained model as the plots see it: a loaded model file and a just-finished run both give one. */
export interface PlotSource {
  model: Sequential;
  classes: readonly string[];
  preprocessing: Preprocessing;
  dtype: FloatDType;
  settings?: RunSettings | undefined;
  engine?: string | undefined;
  costs: readonly CostRecord[];
}

/** One line describing a model. @example describeModel(net) // 'flatten,dense:1,sigmoid: (64, 64, 3) inputs, 12289 parameters' */
export function describeModel(model: Sequential): string {
  const count = model.parameters().reduce((s, p) => s + p.value.size, 0);
  return `${archText(model.configs())}: ${formatShape(model.inputShape)} inputs, ${count} parameters`;
}

/**
 * Human words for a run's settings, in a stable order.
 * @example describeSettings(NEURON, 'float64') // ['learning rate 0.005', '2000 iterations', 'gd', 'init zeros', 'float64']
 */
export function describeSettings(s: RunSettings | undefined, dtype: FloatDType, engine?: string): string[] {
  if (s === undefined) return [dtype];
  const dropout = s.layers.flatMap((l) => (l.kind === 'dropout' ? [l.rate] : []));
  return [
    `learning rate ${s.learningRate}`,
    s.batchSize === undefined ? `${s.epochs} iterations` : `${s.epochs} epochs`,
    ...(s.batchSize !== undefined ? [`batch size ${s.batchSize}`] : []),
    s.optimizer,
    `init ${s.init}${s.init === 'zeros' ? '' : ` (seed ${s.seed})`}`,
    ...(s.l2 > 0 ? [`L2 λ = ${s.l2}`] : []),
    ...(dropout.length > 0 ? [`dropout ${dropout.join(', ')}`] : []),
    s.dtype,
    ...(engine !== undefined ? [`${engine} step`] : []),
  ];
}

/**
 * The first layer's weights as pictures, one per unit (a row of W reshaped to the input's
 * shape), when the model starts with a dense layer on images (after a flatten).
 * @example firstLayerImages(neuron) // [{ name: 'W1', image: (64, 64, 3) }]
 */
export function firstLayerImages(model: Sequential): { name: string; image: Tensor }[] {
  const i = model.layers.findIndex((l) => l.parameters().length > 0);
  const dense = model.layers[i];
  if (!(dense instanceof Dense) || model.inputShape.length < 2 || dense.inputs !== sizeOf(model.inputShape)) return [];
  const W = dense.W.value;
  const name = (u: number): string => (dense.units === 1 ? dense.W.name : `unit ${u + 1}`);
  return Array.from({ length: dense.units }, (_, u) => ({ name: name(u), image: W.rows(u, u + 1).reshape(model.inputShape) }));
}

/**
 * Predictions, scores and records for the plots.
 * @example const pd = plotData({ ...loaded, ...loaded.training }, await loadRunData({}));
 */
export function plotData(src: PlotSource, data: { train: Dataset; test?: Dataset | undefined }): PlotData {
  const { model } = src;
  const set = (name: 'train' | 'test', d: Dataset): PlotSet => {
    const x = prepareInputs(d.x, src.preprocessing, src.dtype);
    const predicted = Array.from(model.predict(x).values());
    const labels = Array.from(d.labels.values());
    return { name, file: d.file, images: d.x, labels, predicted, probabilities: classProbabilities(model, x), report: classificationReport(predicted, labels, model.classes) };
  };
  return {
    model: describeModel(model),
    settings: describeSettings(src.settings, src.dtype, src.engine),
    classes: Array.from({ length: model.classes }, (_, c) => src.classes[c] ?? String(c)),
    costs: [...src.costs],
    costUnit: src.costs[0]?.unit ?? 'iteration',
    sets: [set('train', data.train), ...(data.test !== undefined ? [set('test', data.test)] : [])],
    weightImages: firstLayerImages(model),
  };
}
