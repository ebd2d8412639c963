/**
 * Which data a saved model is looked at with: the files named on the command line, else the
 * training and test files the model file records (when they are still there), else the
 * usual search (see `locateDataFiles`).
 */
import { existsSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { LocateOptions } from '../data/locate.js';
import { loadCatData, type CatData } from './dataset.js';
import type { LossModel } from './loss-model.js';

/**
 * Loads the train and test sets for `model`, in the model's dtype, and checks that the
 * images have the model's input shape.
 * @example const data = await loadDataForModel(model, {}); // the files it was trained on
 */
export async function loadDataForModel(model: LossModel, where: LocateOptions): Promise<CatData> {
  const explicit = where.data !== undefined || where.train !== undefined || where.test !== undefined;
  const recorded = model.training;
  let from: LocateOptions = where;
  if (!explicit && recorded?.trainFile !== undefined && recorded.testFile !== undefined && existsSync(recorded.trainFile) && existsSync(recorded.testFile)) {
    from = { ...where, train: recorded.trainFile, test: recorded.testFile };
  }
  const data = await loadCatData(from, model.dtype);
  const shape = data.train.x.shape.slice(1);
  if (formatShape(shape) !== formatShape(model.inputShape)) {
    throw new DataError(data.train.file, undefined, `images are ${formatShape(shape)} but the model takes ${formatShape(model.inputShape)}`);
  }
  return data;
}
