/**
 * The catvnoncat data as the notes prepare it: load both HDF5 files, reshape the labels to
 * (1, m), flatten each image into a column and scale by 1/255.
 */
import type { FloatDType } from '../core/dtype.js';
import { DataError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { loadLabelledImages, type LabelledImages } from '../data/dataset.js';
import { locateDataFiles, type LocateOptions } from '../data/locate.js';
import { astype, type Tensor } from '../tensor/index.js';
import { flattenImages } from './flatten.js';

export { flattenImages } from './flatten.js';

/** Train and test sets, raw and prepared. */
export interface CatData {
  train: LabelledImages;
  test: LabelledImages;
  /** (features, m_train), scaled to [0, 1]. */
  trainX: Tensor;
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
  classes: string[];
  /** Inputs per sample, h·w·c: the row count of trainX, known without flattening. */
  features: number;
}

/**
 * Finds and loads the train and test files (see `locateDataFiles` for where it looks).
 * @example const data = await loadCatData({ data: '../shared/datasets' });
 */
export async function loadCatData(where: LocateOptions, dtype: FloatDType = 'float64'): Promise<CatData> {
  const files = locateDataFiles(where);
  const train = await loadLabelledImages(files.train);
  const test = await loadLabelledImages(files.test);
  if (formatShape(train.x.shape.slice(1)) !== formatShape(test.x.shape.slice(1))) {
    throw new DataError(files.test, test.name + '_x', `images are ${formatShape(test.x.shape.slice(1))} but the training images are ${formatShape(train.x.shape.slice(1))}`);
  }
  // The flattened float matrices are made on first use: the fast engine trains on the uint8
  // pixels directly and never needs them (a 20 MB float64 copy of the training set).
  let trainX: Tensor | undefined;
  let testX: Tensor | undefined;
  return {
    train,
    test,
    get trainX() {
      return (trainX ??= flattenImages(train.x, dtype));
    },
    trainY: astype(train.y, dtype),
    get testX() {
      return (testX ??= flattenImages(test.x, dtype));
    },
    testY: astype(test.y, dtype),
    classes: train.classes,
    features: sizeOf(train.x.shape.slice(1)),
  };
}
