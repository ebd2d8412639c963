/**
 * tsgrad's side of the `cnn` rows (bench/README.md): the small CNNs built by the registry from
 * their `--arch` text, in the data's (N, H, W, C) layout, beside bench/torch_cnn.py and
 * bench/tfjs_cnn.ts. The data are drawn as the peers draw them (RandomState is numpy's).
 *
 * - `grad`: forward + backward (the loss's gradient with respect to every parameter) on a
 *   batch of 64, the median of many calls after warm-up.
 * - `step`: the library's training loop (`TrainingRun`, autodiff + Adam) on batches of 64 of
 *   a synthetic set, the median time of one update.
 * - `epoch`: `TrainingRun` on the first 8,000 MNIST test digits (pixels / 255, Adam 0.001,
 *   batches of 64 shuffled), the time of each epoch and the accuracy on the last 2,000.
 *
 *   node out/bench/bench/cnn.js --net signs --what grad [--dtype float32]
 *   node out/bench/bench/cnn.js --net lenet --what epoch --data ../shared/datasets --epochs 2
 *
 * Prints one JSON line.
 */
import { join, resolve, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// The system BLAS where it loads, as the CLI and the package use it (TSGRAD_BACKEND forces one).
import '../src/kernels/blas-node.js';
import { TrainingRun } from '../src/app/run.js';
import { LENET5, SIGNS_CNN, type RunSettings } from '../src/app/settings.js';
import { backward, zeroGrad } from '../src/autograd/index.js';
import type { FloatDType } from '../src/core/dtype.js';
import { RandomState } from '../src/core/rng.js';
import type { Dataset } from '../src/data/dataset.js';
import { PIXELS, prepareInputs } from '../src/data/preprocess.js';
import { subset } from '../src/data/split.js';
import { loadIdxPair } from '../src/data/standard-files.js';
import { lossOfScores } from '../src/nn/loss.js';
import { buildModel, parseArch } from '../src/nn/registry.js';
import { Tensor } from '../src/tensor/index.js';

// Compiled to out/bench/bench/cnn.js; the project root is three folders up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BATCH = 64;
/** The synthetic set of the step row: 16 batches of 64 (the course's SIGNS training set has 1080 images). */
const SYNTHETIC = 1024;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

type Net = 'signs' | 'lenet';
const NETS: Record<Net, { shape: [number, number, number]; classes: number; arch: string }> = {
  signs: { shape: [64, 64, 3], classes: 6, arch: 'conv:8:4:same,relu,maxpool:8:8:same,conv:16:2:same,relu,maxpool:4:4:same,flatten,dense:6,softmax' },
  lenet: { shape: [28, 28, 1], classes: 10, arch: 'conv:6:5:same,relu,maxpool:2:2,conv:16:5:valid,relu,maxpool:2:2,flatten,dense:120,relu,dense:84,relu,dense:10,softmax' },
};

/** Seeded uint8 images (n, h, w, c) and labels: numpy's `randint(0, 256, n·h·w·c)`, then `randint(0, k, n)`. */
function synthetic(net: Net, n: number): Dataset {
  const { shape, classes } = NETS[net];
  const rng = new RandomState(1);
  const pixels = Uint8Array.from(rng.randintArray(0, 256, n * shape[0] * shape[1] * shape[2]));
  const labels = rng.randintArray(0, classes, n);
  return { file: '(synthetic)', x: new Tensor(pixels, [n, ...shape], 'uint8'), labels: new Tensor(labels, [n], 'float64'), classes: Array.from({ length: classes }, (_, i) => String(i)) };
}

/**
 * Median seconds of `fn` after warm-up (3 calls, or 1 when that takes over 2 s), of at least 3
 * calls (2 when one takes over 5 s), then more until `budget` seconds or `maxCalls`: as the peers.
 */
function timedCalls(fn: () => void, maxCalls = 30, budget = 3): { medianSeconds: number; calls: number } {
  const warm = performance.now();
  for (let i = 0; i < 3 && (i === 0 || performance.now() - warm <= 2000); i++) fn();
  const minCalls = performance.now() - warm > 5000 ? 2 : 3;
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minCalls || (times.length < maxCalls && performance.now() - start < budget * 1000)) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  const s = [...times].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { medianSeconds: s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2, calls: times.length };
}

/**
 * A run's settings: the presets (the net's layers, Adam, batches of 64, the Trainer's shuffles
 * from seed 10) with He init from seed 1 and Adam at 0.001, as the peers.
 */
function settings(net: Net, dtype: FloatDType, epochs: number): RunSettings {
  const preset = net === 'lenet' ? LENET5 : SIGNS_CNN;
  return { ...preset, layers: parseArch(NETS[net].arch), init: 'he', seed: 1, dtype, learningRate: 0.001, epochs, batchSize: BATCH, printEvery: 1, printLast: true, engine: 'autodiff' };
}

const net: Net = option('--net') === 'lenet' ? 'lenet' : 'signs';
const what = option('--what') ?? 'grad';
const dtype: FloatDType = option('--dtype') === 'float64' ? 'float64' : 'float32';
const epochs = Number(option('--epochs') ?? 2);
// An epoch still running after this many seconds stops; its time is extrapolated from the batches done.
const epochBudget = Number(option('--epoch-budget') ?? 20);
const data = resolve(ROOT, option('--data') ?? join('..', 'shared', 'datasets'));
const out: Record<string, unknown> = { impl: 'tsgrad', dtype, net, what };

if (what === 'grad') {
  const { shape, arch } = NETS[net];
  const model = buildModel(shape, parseArch(arch), { init: { kind: 'he' }, seed: 1, dtype });
  const set = synthetic(net, BATCH);
  const x = prepareInputs(set.x, PIXELS, dtype);
  const ctx = { training: true };
  Object.assign(out, timedCalls(() => {
    // PyTorch's zero_grad + loss.backward(): every parameter's .grad.
    const params = model.parameters().map((p) => p.value);
    zeroGrad(...params);
    backward(lossOfScores(model, model.scores(x, ctx), set.labels));
  }));
} else if (what === 'step') {
  const run = new TrainingRun({ train: synthetic(net, SYNTHETIC), preprocessing: PIXELS }, settings(net, dtype, 1000));
  // One update per call: the trainer pauses after each.
  Object.assign(out, timedCalls(() => void run.advance(() => true)));
} else if (what === 'epoch') {
  const all = await loadIdxPair(join(data, 'mnist', 't10k-images-idx3-ubyte.gz'), join(data, 'mnist', 't10k-labels-idx1-ubyte.gz'));
  const total = all.x.shape[0] as number;
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  // The first 8,000 digits to train on, the last 2,000 to test (of the 10,000).
  const train = subset(all, range(0, 8000));
  const heldOut = subset(all, range(total - 2000, total));
  const m = train.x.shape[0] as number;
  const batches = Math.ceil(m / BATCH);
  const run = new TrainingRun({ train, test: heldOut, preprocessing: PIXELS }, settings(net, dtype, epochs));
  const seconds: number[] = [];
  let t0 = performance.now();
  let first = 0;
  let done = 0;
  let partial: { batches: number; of: number; seconds: number } | undefined;
  run.advance(() => {
    done++;
    const now = performance.now();
    if (done === 1) first = (now - t0) / 1000;
    if (done === batches) {
      seconds.push((now - t0) / 1000);
      t0 = now;
      done = 0;
    } else if (now - t0 > epochBudget * 1000 && done >= 2) {
      // Too slow for the table: the first batch (warm-up) plus the mean of the others for the rest.
      const elapsed = (now - t0) / 1000;
      partial = { batches: done, of: batches, seconds: first + ((elapsed - first) / (done - 1)) * (batches - 1) };
      return true;
    }
    return false;
  });
  if (partial !== undefined) {
    const p = partial as { batches: number; of: number; seconds: number };
    Object.assign(out, { partial: { batches: p.batches, of: p.of }, epochSeconds: [p.seconds], medianSeconds: p.seconds });
  } else {
    const r = run.result();
    Object.assign(out, {
      epochSeconds: seconds,
      medianSeconds: seconds.reduce((a, b) => a + b, 0) / seconds.length,
      costs: r.records.map((c) => c.cost),
      testAccuracy: r.testAccuracy,
    });
  }
} else {
  throw new Error(`--what: expected grad, step or epoch, got '${what}'`);
}
out['maxRssBytes'] = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify(out)}\n`);
