/**
 * A folder holding a standard image set (Node): an MNIST / Fashion-MNIST pair of idx files
 * (`*images*idx3*` + `*labels*idx1*`, gzipped or not) or CIFAR-10 binary batches
 * (`data_batch_N.bin`, `test_batch.bin`). Which set is the test set comes from the names
 * (`t10k` or `test`), as the sets ship; the contents are checked when the files are read.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import type { Dataset } from './dataset.js';
import { labelsBeside, loadCifarBatches, loadIdxPair } from './standard-files.js';

/** The files of a standard set found in a folder: how to read its training set and, when it has one, its test set. @example const d = await findStandardFolder('cifar-10-batches-bin')?.train(); */
export interface StandardFolder {
  kind: 'mnist' | 'cifar';
  /** One line naming the files, for messages. */
  describe: string;
  train: () => Promise<Dataset>;
  test?: () => Promise<Dataset>;
}

const isTestName = (name: string): boolean => /t10k|test/i.test(name);

/**
 * The standard set in `dir`, or undefined when it holds none (then it is the notes' HDF5 folder's question).
 * @example const found = findStandardFolder('../shared/datasets/mnist'); await found?.train() // 10,000 digits
 */
export function findStandardFolder(dir: string): StandardFolder | undefined {
  const names = readdirSync(dir).sort();
  const images = names.filter((n) => /images.*idx3/i.test(n));
  if (images.length > 0) return mnistFolder(dir, images);
  const batches = names.filter((n) => /^data_batch_\d+\.bin$/i.test(n));
  const tests = names.filter((n) => /^test_batch\.bin$/i.test(n));
  if (batches.length > 0 || tests.length > 0) {
    const sources = batches.length > 0 ? batches : tests;
    const test = batches.length > 0 && tests.length > 0 ? tests : [];
    return {
      kind: 'cifar',
      describe: `CIFAR-10 batches ${sources.join(', ')}${test.length > 0 ? ` and ${test.join(', ')}` : ''} in ${dir}`,
      train: () => loadCifarBatches(sources.map((n) => join(dir, n))),
      ...(test.length > 0 ? { test: () => loadCifarBatches(test.map((n) => join(dir, n))) } : {}),
    };
  }
  return undefined;
}

function mnistFolder(dir: string, images: string[]): StandardFolder {
  const pairs = images.map((n) => {
    const labels = labelsBeside(join(dir, n));
    if (labels === undefined) throw new DataError(join(dir, n), undefined, 'an idx3 images file without its labels: expected an idx1 labels file beside it named as this one with images → labels, idx3 → idx1');
    return { name: n, images: join(dir, n), labels };
  });
  const [only] = pairs;
  const testPairs = pairs.filter((p) => isTestName(p.name));
  const trainPairs = pairs.filter((p) => !isTestName(p.name));
  const [train, test] = pairs.length === 1 ? [only, undefined] : [trainPairs[0], testPairs[0]];
  if (train === undefined || (pairs.length > 1 && (test === undefined || trainPairs.length > 1 || testPairs.length > 1))) {
    throw new DataError(dir, undefined, `holds ${pairs.length} idx images files (${images.join(', ')}): expected one, or one training set and one named t10k or test`);
  }
  return {
    kind: 'mnist',
    describe: `idx files ${train.name}${test !== undefined ? ` and ${test.name}` : ''} in ${dir}`,
    train: () => loadIdxPair(train.images, train.labels),
    ...(test !== undefined ? { test: () => loadIdxPair(test.images, test.labels) } : {}),
  };
}
