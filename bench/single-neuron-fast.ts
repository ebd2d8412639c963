/**
 * The single neuron as one whole process on the fast path: load both HDF5 files, train with
 * `modelFast` on the raw uint8 images, evaluate, print one JSON object (the fields of
 * `tsgrad train --json`). `npm run bench` times it beside the CLI and numpy.
 *
 *   node out/bench/bench/single-neuron-fast.js --dtype float32 --data ../shared/datasets
 */
import { performance } from 'node:perf_hooks';
import type { FloatDType } from '../src/core/dtype.js';
import { loadLabelledImages } from '../src/data/dataset.js';
import { locateDataFiles } from '../src/data/locate.js';
import { modelFast } from '../src/nn/logistic-fast.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const dtype: FloatDType = option('--dtype') === 'float32' ? 'float32' : 'float64';
const data = option('--data');
const t0 = performance.now();
const files = locateDataFiles(data === undefined ? {} : { data });
const train = await loadLabelledImages(files.train);
const test = await loadLabelledImages(files.test);
const t1 = performance.now();
const d = modelFast(train.x, train.y, test.x, test.y, { numIterations: 2000, learningRate: 0.005, recordEvery: 100, dtype });
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    model: 'logistic',
    dtype,
    costs: d.costs,
    trainAccuracy: d.trainAccuracy,
    testAccuracy: d.testAccuracy,
    loadSeconds: (t1 - t0) / 1000,
    trainingSeconds: (t2 - t1) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
