/**
 * A saved model looked at with data (Node): the files named on the command line, else the
 * training and test files the model file records (when they are still there), else the
 * usual search; and the model evaluated on both sets.
 */
import { existsSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { loadModelFile } from '../io/files.js';
import type { LoadedModel } from '../io/model-file.js';
import type { ClassificationReport } from '../train/metrics.js';
import { loadRunData, type DataRequest, type LoadedData } from './data.js';
import { classesAgree, classList } from './settings.js';
import { evaluateSet } from '../train/evaluate.js';
import { firstLayerOnPixels } from '../accel/pixels.js';
import { isPlainScale } from '../data/preprocess.js';

/**
 * The train and test sets for a loaded model, checked to have its input shape.
 * @example const { train, test } = await dataForModel(loaded, {}); // the files it was trained on
 */
export async function dataForModel(loaded: LoadedModel, where: DataRequest): Promise<LoadedData> {
  const explicit = where.data !== undefined || where.train !== undefined || where.test !== undefined;
  const { trainFile, testFile, split } = loaded.training;
  // No data and no split named: the split the model was trained with (its test set was cut from its files).
  const cut = !explicit && where.testLast === undefined && where.validation === undefined && split !== undefined ? { ...where, ...split } : where;
  const recorded = !explicit && trainFile !== undefined && testFile !== undefined && existsSync(trainFile) && existsSync(testFile);
  const oneFile = recorded && trainFile === testFile;
  // Image folders are decoded at the model's own input size and channels.
  const [h, w, c] = loaded.inputShape;
  const images = loaded.inputShape.length === 3 && h === w && (c === 1 || c === 3) && h !== undefined ? { images: { size: h, channels: c as 1 | 3, ...where.images } } : {};
  const data = await loadRunData(recorded ? { ...cut, ...images, train: trainFile, ...(oneFile ? {} : { test: testFile }) } : { ...cut, ...images });
  const shape = data.train.x.shape.slice(1);
  if (formatShape(shape) !== formatShape(loaded.inputShape)) {
    throw new DataError(data.train.file, undefined, `images are ${formatShape(shape)} but the model ${loaded.file} takes ${formatShape(loaded.inputShape)}`);
  }
  // Other classes than the model's: its accuracy would count one class's name as another's.
  for (const set of [data.train, data.test]) {
    if (!classesAgree(set.classes, loaded.classes)) throw new DataError(set.file, undefined, `the classes are ${classList(set.classes)} but the model ${loaded.file} tells apart ${classList(loaded.classes)}`);
    let top = -1;
    for (const v of set.labels.values()) if (v > top) top = v;
    if (top >= loaded.classes.length) throw new DataError(set.file, undefined, `labels go up to ${top} but the model ${loaded.file} tells apart ${loaded.classes.length} classes ${classList(loaded.classes)}`);
  }
  return data;
}

/** What `evaluateModelFile` measured. */
export interface Evaluation {
  file: string;
  model: LoadedModel;
  classes: string[];
  trainFile: string;
  testFile: string;
  train: ClassificationReport;
  test: ClassificationReport;
  /** The accuracies stored in the file at training time, when it has them. */
  recorded: { trainAccuracy?: number; testAccuracy?: number };
}

/**
 * Loads a model file of any version and evaluates it on the train and test sets.
 * @example const e = await evaluateModelFile('deep.json', { data: '../shared/datasets' }); e.test.accuracy // 80
 */
export async function evaluateModelFile(file: string, where: DataRequest = {}): Promise<Evaluation> {
  const loaded = await loadModelFile(file);
  const data = await dataForModel(loaded, where);
  const on = (d: LoadedData['train']): ClassificationReport => evaluateSet(loaded.model, d, loaded.preprocessing, loaded.dtype, isPlainScale(loaded.preprocessing) ? (x) => firstLayerOnPixels(loaded.model, x, loaded.preprocessing.scale) : undefined);
  const { trainAccuracy, testAccuracy } = loaded.training;
  return {
    file,
    model: loaded,
    classes: loaded.classes,
    trainFile: data.train.file,
    testFile: data.test.file,
    train: on(data.train),
    test: on(data.test),
    recorded: { ...(trainAccuracy !== undefined ? { trainAccuracy } : {}), ...(testAccuracy !== undefined ? { testAccuracy } : {}) },
  };
}
