/**
 * A model measured on labelled inputs: its loss, its predictions scored (accuracy, confusion
 * matrix, per-class precision, recall and F1), computed once for the CLI, the page, plots
 * and the loss landscape.
 */
import { noGrad } from '../autograd/index.js';
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
