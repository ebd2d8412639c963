/**
 * The single neuron as one whole process through the library: load both HDF5 files, train
 * the NEURON preset with `TrainingRun` (the span step on the raw uint8 images), evaluate,
 * print one JSON object (the fields of `tsgrad train --json`). `npm run bench` times it
 * beside the CLI and numpy.
 *
 *   node out/bench/bench/single-neuron-fast.js --dtype float32 --data ../shared/datasets
 */
import { performance } from 'node:perf_hooks';
import { loadRunData } from '../src/app/data.js';
import { TrainingRun } from '../src/app/run.js';
import { NEURON } from '../src/app/settings.js';
import type { FloatDType } from '../src/core/dtype.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const dtype: FloatDType = option('--dtype') === 'float32' ? 'float32' : 'float64';
const data = option('--data');
const t0 = performance.now();
const sets = await loadRunData(data === undefined ? {} : { data });
const t1 = performance.now();
const run = new TrainingRun(sets, { ...NEURON, dtype });
run.advance();
const r = run.result();
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    model: 'logistic',
    dtype,
    engine: r.engine.engine,
    costs: r.records.map((c) => ({ iteration: c.index, cost: c.cost })),
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.testAccuracy,
    loadSeconds: (t1 - t0) / 1000,
    trainingSeconds: (t2 - t1) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
