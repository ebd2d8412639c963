/**
 * Evaluating a saved model on labelled images: load the file (single neuron or deep
 * network), find the data (given, else the files it was trained on, else the usual places),
 * prepare it as at training time, and measure accuracy, precision, recall, F1 and the
 * confusion matrix on both sets.
 */
import { existsSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { LocateOptions } from '../data/locate.js';
import { predict as predictLogistic } from '../nn/logistic.js';
import type { Tensor } from '../tensor/index.js';
import { loadCatData, type CatData } from './dataset.js';
import { classificationReport, type ClassificationReport } from './metrics.js';
import { loadModel, type LoadedModel } from './model-file.js';

/** What `evaluateModelFile` measured. */
export interface Evaluation {
  file: string;
  model: LoadedModel;
  /** One line: the model type and architecture. */
  description: string;
  classes: string[];
  trainFile: string;
  testFile: string;
  train: ClassificationReport;
  test: ClassificationReport;
  /** The accuracies stored in the file at training time, when it has them. */
  recorded: { trainAccuracy?: number; testAccuracy?: number };
}

/** Where to find the data: what the user gave, else the files recorded in the model when both still exist. */
function dataLocation(model: LoadedModel, where: LocateOptions): LocateOptions {
  if (where.data !== undefined || where.train !== undefined || where.test !== undefined) return where;
  const t = model.doc.training;
  const train = t['trainFile'];
  const test = t['testFile'];
  if (typeof train === 'string' && typeof test === 'string' && existsSync(train) && existsSync(test)) return { ...where, train, test };
  return where;
}

/** Labels predicted by the model for the prepared inputs X (features, m), as (1, m). */
export function predictWith(model: LoadedModel, X: Tensor): Tensor {
  return model.type === 'logistic' ? predictLogistic(model.w, model.b, X) : model.net.predict(X);
}

/** One line describing the model. */
export function describeModel(model: LoadedModel): string {
  if (model.type === 'logistic') return `logistic (single neuron, ${model.doc.model.features} features)`;
  const { layers, hidden, output } = model.net.spec;
  return `mlp [${layers.join(', ')}], ${hidden} hidden layers, ${output} output`;
}

/**
 * Loads `file` and evaluates it on the train and test sets.
 * @example const e = await evaluateModelFile('deep.json', { data: '../shared/datasets' }); e.test.accuracy // 80
 */
export async function evaluateModelFile(file: string, where: LocateOptions = {}): Promise<Evaluation> {
  const model = await loadModel(file);
  const data: CatData = await loadCatData(dataLocation(model, where), model.doc.dtype);
  const inputShape = model.doc.model.inputShape;
  const shape = data.train.x.shape.slice(1);
  if (formatShape(shape) !== formatShape(inputShape)) {
    throw new DataError(data.train.file, `${data.train.name}_x`, `images are ${formatShape(shape)} but the model ${file} takes ${formatShape(inputShape)}`);
  }
  const classes = model.doc.classes;
  const k = Math.max(classes.length, model.type === 'mlp' ? model.net.classes : 2);
  return {
    file,
    model,
    description: describeModel(model),
    classes: Array.from({ length: k }, (_, i) => classes[i] ?? String(i)),
    trainFile: data.train.file,
    testFile: data.test.file,
    train: classificationReport(predictWith(model, data.trainX), data.trainY, k),
    test: classificationReport(predictWith(model, data.testX), data.testY, k),
    recorded: recordedAccuracies(model.doc.training),
  };
}

function recordedAccuracies(t: Record<string, unknown>): Evaluation['recorded'] {
  const out: Evaluation['recorded'] = {};
  if (typeof t['trainAccuracy'] === 'number') out.trainAccuracy = t['trainAccuracy'];
  if (typeof t['testAccuracy'] === 'number') out.testAccuracy = t['testAccuracy'];
  return out;
}
