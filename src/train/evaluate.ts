/**
 * A model measured on labelled inputs: its loss, its predictions scored (accuracy, confusion
 * matrix, per-class precision, recall and F1), computed once for the CLI, the page, plots
 * and the loss landscape.
 */
import { noGrad } from '../autograd/index.js';
import type { FloatDType } from '../core/dtype.js';
import { takeRows } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { prepareInputs, type Preprocessing } from '../data/preprocess.js';
import { lossOfScores, type BinaryLoss } from '../nn/loss.js';
import type { Sequential } from '../nn/sequential.js';
import type { Tensor } from '../tensor/index.js';
import { classificationReport, type ClassificationReport } from './metrics.js';

/**
 * The mean cross-entropy of the model on inputs x (N, ...) with labels (N,), without recording a graph.
 * @example lossOn(net, run.inputs('test'), test.labels) // the notes' test cost
 */
export function lossOn(model: Sequential, x: Tensor, labels: Tensor, loss: BinaryLoss = 'course'): number {
  return noGrad(() => lossOfScores(model, model.scores(x), labels, loss).item());
}

/**
 * Labels the model predicts for prepared inputs, scored against the truth.
 * @example evaluate(net, x, labels).accuracy // 70
 */
export function evaluate(model: Sequential, inputs: Tensor, labels: Tensor): ClassificationReport {
  return classificationReport(model.predict(inputs).values(), labels.values(), model.classes);
}

/** A way to compute the model's first layers on the stored samples (the output and the next layer's index), or null. */
export type FirstLayer = (x: Tensor) => { z: Tensor; next: number } | null;

/** Samples prepared and predicted at a time by `evaluateSet` (32 of the notes' images: 3 MB of floats). */
const CHUNK = 32;

/**
 * `evaluate` on a stored set (uint8 pixels as read), prepared and predicted a chunk of
 * samples at a time: the whole set is never held as floats (20 MB for the notes' 209 images);
 * or from the first layers `firstLayer` computes on the stored samples.
 * @example evaluateSet(net, train, PIXELS, 'float64').accuracy // 99.04306220095694
 */
export function evaluateSet(model: Sequential, set: Pick<Dataset, 'x' | 'labels'>, preprocessing: Preprocessing, dtype: FloatDType, firstLayer?: FirstLayer): ClassificationReport {
  const early = firstLayer?.(set.x);
  if (early != null) return classificationReport(model.predict(early.z, early.next).values(), set.labels.values(), model.classes);
  const n = set.x.shape[0] ?? 0;
  const predicted = new Float64Array(n);
  for (let start = 0; start < n; start += CHUNK) {
    const idx = Int32Array.from({ length: Math.min(CHUNK, n - start) }, (_, j) => start + j);
    predicted.set(model.predict(prepareInputs(takeRows(set.x, idx), preprocessing, dtype)).values(), start);
  }
  return classificationReport(predicted, set.labels.values(), model.classes);
}
