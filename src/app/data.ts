/**
 * The data a command trains or evaluates on (Node): the notes' HDF5 files found as
 * `locateDataFiles` finds them, any data file by its contents (HDF5, idx, CIFAR-10), a
 * folder holding a standard set, an image folder (one subfolder per class) or a CSV of
 * file,label rows naming images; then, for data without a test set, the held-out part the
 * user asked for (`--test-last N`, `--validation FRACTION`), and the sample shapes checked to agree.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError, DataError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Dataset } from '../data/dataset.js';
import { locateDataFiles, TEST_FILE, TRAIN_FILE, type LocateOptions } from '../data/locate.js';
import { stratifiedSplit, splitLast } from '../data/split.js';
import { imageCacheDir, isImageCsv, isImageFolder, loadImageCsv, loadImageFolder, loadImageFolderPair, type ImageFolderOptions } from '../data/image-folder.js';
import { findStandardFolder } from '../data/standard-folder.js';
import { loadDataFile, type LoadedFile } from '../data/standard-files.js';
import { classesAgree, classList } from './settings.js';

/** Where the data is, and how to hold part of it out. @example const where: DataRequest = { data: 'mnist', testLast: 2000 }; */
export interface DataRequest extends LocateOptions {
  /** Hold out the last N samples as the test set (data without one). */
  testLast?: number;
  /** Hold out this fraction of the training samples, stratified by class, as a validation set. */
  validation?: number;
  /** The validation split's seed (default 1). */
  splitSeed?: number;
  /** Image folders (`DIR/<class>/*`): image size, fit, channels, cache; the cache folder defaults from `env`. */
  images?: ImageFolderOptions;
}

/** The sets, as read and split. @example (await loadRunData({ data: 'mnist', validation: 0.2 })).heldOut // 'validation' */
export interface LoadedData {
  train: Dataset;
  /** The set the run is tested on: the test set, or the validation set when the data has no test set. */
  test: Dataset;
  /** What `test` is, for the printed names. */
  heldOut: 'test' | 'validation';
  /** A validation set cut from the training set beside a real test set. */
  validation?: Dataset;
}

const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;

/** The training set and, when the data has one, its test set, before any split. */
async function readSets(where: DataRequest): Promise<{ train: Dataset; test?: LoadedFile }> {
  const cwd = where.cwd ?? process.cwd();
  const images: ImageFolderOptions = { cacheDir: imageCacheDir(where.env), ...where.images };
  const imageDir = (p: string | undefined): string | undefined => (p !== undefined && isDir(resolve(cwd, p)) && isImageFolder(resolve(cwd, p)) ? resolve(cwd, p) : undefined);
  const csv = (p: string | undefined): string | undefined => (p !== undefined && isImageCsv(resolve(cwd, p)) ? resolve(cwd, p) : undefined);
  // A CSV of file,label rows: alone (--data or --train) the split options say what to test on; --train and --test CSVs are a pair.
  const lists = [csv(where.data), csv(where.train), csv(where.test)] as const;
  if (lists[0] !== undefined && where.train === undefined && where.test === undefined) return loadImageCsv(lists[0], undefined, images);
  if (lists[1] !== undefined && (where.test === undefined || lists[2] !== undefined)) return loadImageCsv(lists[1], lists[2], images);
  // One file (or image folder) holding every sample: the split options say what to test on.
  if (where.train !== undefined && where.test === undefined && (where.testLast !== undefined || where.validation !== undefined)) {
    const dir = imageDir(where.train);
    return dir !== undefined ? loadImageFolder(dir, images) : { train: await loadDataFile(resolve(cwd, where.train)) };
  }
  // Two class folders given apart, as a model file trained on DIR/train and DIR/test records them.
  const pair = [imageDir(where.train), imageDir(where.test)] as const;
  if (pair[0] !== undefined && pair[1] !== undefined) return loadImageFolderPair(pair[0], pair[1], images);
  if (where.data !== undefined && where.train === undefined && where.test === undefined) {
    const dir = resolve(cwd, where.data);
    const notes = isDir(dir) && !existsSync(resolve(dir, TRAIN_FILE)) && !existsSync(resolve(dir, TEST_FILE));
    const found = notes ? findStandardFolder(dir) : undefined;
    if (found !== undefined) {
      const train = await found.train();
      return found.test !== undefined ? { train, test: await found.test() } : { train };
    }
    // One folder per class (or train/ and test/ of them), as Keras and torchvision read them.
    if (notes && isImageFolder(dir)) return loadImageFolder(dir, images);
  }
  const files = locateDataFiles(where);
  return { train: await loadDataFile(files.train), test: await loadDataFile(files.test) };
}

/**
 * Finds, reads and splits the train and test sets.
 * @example const { train, test } = await loadRunData({ data: '../shared/datasets' });
 * @example const mnist = await loadRunData({ data: '../shared/datasets/mnist', testLast: 2000 }); mnist.test.x.shape // [2000, 28, 28, 1]
 */
export async function loadRunData(where: DataRequest): Promise<LoadedData> {
  const sets = await readSets(where);
  let { train } = sets;
  let test = sets.test;
  let heldOut: LoadedData['heldOut'] = 'test';
  if (where.testLast !== undefined) {
    if (test !== undefined) throw new ArgumentError('train', '--test-last', `the data has a test set (${test.file}): --test-last is for data without one`);
    ({ train, heldOut: test } = splitLast(train, where.testLast));
  }
  let validation: Dataset | undefined;
  if (where.validation !== undefined) ({ train, heldOut: validation } = stratifiedSplit(train, where.validation, where.splitSeed ?? 1));
  if (test === undefined) {
    if (validation === undefined) throw new DataError(train.file, undefined, 'has no test set: pass --test-last N to test on its last N samples, or --validation FRACTION');
    [test, validation, heldOut] = [validation, undefined, 'validation'];
  }
  const item = formatShape(train.x.shape.slice(1));
  for (const d of [test, validation]) {
    if (d !== undefined && formatShape(d.x.shape.slice(1)) !== item) {
      const field = d === sets.test ? sets.test.xField : undefined;
      throw new DataError(d.file, field, `images are ${formatShape(d.x.shape.slice(1))} but the training images are ${item}`);
    }
  }
  // A test file naming its classes otherwise than the training file would report accuracies of swapped names.
  if (sets.test !== undefined && !classesAgree(sets.test.classes, train.classes)) {
    throw new DataError(sets.test.file, 'list_classes', `the classes are ${classList(sets.test.classes)} but the training file ${train.file} has ${classList(train.classes)}: a test set must name the training set's classes in the same order`);
  }
  return { train, test, heldOut, ...(validation !== undefined ? { validation } : {}) };
}
