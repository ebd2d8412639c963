/**
 * The data a command trains or evaluates on (Node): the train and test files found as
 * `locateDataFiles` finds them, read as Datasets, their sample shapes checked to agree.
 */
import { DataError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { asDataset, loadLabelledImages, type Dataset } from '../data/dataset.js';
import { locateDataFiles, type LocateOptions } from '../data/locate.js';

/** Both sets, as read. */
export interface LoadedData {
  train: Dataset;
  test: Dataset;
}

/**
 * Finds and reads the train and test sets.
 * @example const { train, test } = await loadRunData({ data: '../shared/datasets' });
 */
export async function loadRunData(where: LocateOptions): Promise<LoadedData> {
  const files = locateDataFiles(where);
  const train = await loadLabelledImages(files.train);
  const test = await loadLabelledImages(files.test);
  if (formatShape(train.x.shape.slice(1)) !== formatShape(test.x.shape.slice(1))) {
    throw new DataError(files.test, test.name + '_x', `images are ${formatShape(test.x.shape.slice(1))} but the training images are ${formatShape(train.x.shape.slice(1))}`);
  }
  return { train: asDataset(train), test: asDataset(test) };
}
