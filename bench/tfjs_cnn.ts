/**
 * The TensorFlow.js peer of bench/cnn.ts: the same small CNNs written with tf.layers (NHWC,
 * conv2d 'same' / 'valid', maxPooling2d), on the pure-JavaScript `cpu` backend or the `wasm`
 * one, in Node. The data are drawn with tsgrad's RandomState (numpy's), as by the other peers.
 * A row the backend cannot run prints its error's first line, as measured.
 *
 *   node out/bench/bench/tfjs_cnn.js --backend wasm --net signs --what grad
 *   node out/bench/bench/tfjs_cnn.js --backend cpu --net lenet --what epoch --data ../shared/datasets --epochs 2
 *
 * Prints one JSON line.
 */
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { RandomState } from '../src/core/rng.js';
import { loadIdxPair } from '../src/data/standard-files.js';

// Compiled to out/bench/bench/tfjs_cnn.js; the project root is three folders up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BATCH = 64;
/** The synthetic set of the step row: 16 batches of 64 (the course's SIGNS training set has 1080 images). */
const SYNTHETIC = 1024;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

type Net = 'signs' | 'lenet';
const NETS: Record<Net, { shape: [number, number, number]; classes: number }> = {
  signs: { shape: [64, 64, 3], classes: 6 },
  lenet: { shape: [28, 28, 1], classes: 10 },
};

/** The network's logits (no softmax: the loss takes the scores). */
function build(net: Net): tf.Sequential {
  const he = { kernelInitializer: 'heNormal' as const, biasInitializer: 'zeros' as const };
  if (net === 'signs') {
    // conv:8:4:same,relu,maxpool:8:8:same,conv:16:2:same,relu,maxpool:4:4:same,flatten,dense:6
    return tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: NETS.signs.shape, filters: 8, kernelSize: 4, padding: 'same', activation: 'relu', ...he }),
        tf.layers.maxPooling2d({ poolSize: 8, strides: 8, padding: 'same' }),
        tf.layers.conv2d({ filters: 16, kernelSize: 2, padding: 'same', activation: 'relu', ...he }),
        tf.layers.maxPooling2d({ poolSize: 4, strides: 4, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 6, ...he }),
      ],
    });
  }
  // conv:6:5:same,relu,maxpool:2:2,conv:16:5:valid,relu,maxpool:2:2,flatten,dense:120,relu,dense:84,relu,dense:10
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: NETS.lenet.shape, filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', ...he }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', ...he }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu', ...he }),
      tf.layers.dense({ units: 84, activation: 'relu', ...he }),
      tf.layers.dense({ units: 10, ...he }),
    ],
  });
}

/** Seeded uint8 images (n, h, w, c) / 255 and labels: numpy's `randint(0, 256, n·h·w·c)`, then `randint(0, k, n)`. */
function synthetic(net: Net, n: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const { shape, classes } = NETS[net];
  const rng = new RandomState(1);
  const pixels = rng.randintArray(0, 256, n * shape[0] * shape[1] * shape[2]);
  const labels = rng.randintArray(0, classes, n);
  return { x: tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [n, ...shape]), y: tf.tensor1d(Int32Array.from(labels), 'int32') };
}

/**
 * Median seconds of `fn` after warm-up (3 calls, or 1 when that takes over 2 s), of at least 3
 * calls (2 when one takes over 5 s), then more until `budget` seconds or `maxCalls`.
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

const lossOf = (model: tf.Sequential, x: tf.Tensor, y: tf.Tensor, k: number): tf.Scalar =>
  tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, k), model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;

/** One Adam step on the samples `idx` of (x, y); the batch's cost before it. */
function trainOn(model: tf.Sequential, adam: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor1D, idx: Int32Array, k: number): number {
  const cost = tf.tidy(() => {
    const i = tf.tensor1d(idx, 'int32');
    const xb = tf.gather(x, i);
    const yb = tf.gather(y, i);
    const c = adam.minimize(() => lossOf(model, xb, yb, k), true);
    if (c === null) throw new Error('adam.minimize returned no cost');
    return c;
  });
  const v = cost.dataSync()[0] ?? Number.NaN;
  cost.dispose();
  return v;
}

async function main(): Promise<Record<string, unknown>> {
  const backend = option('--backend') === 'wasm' ? 'wasm' : 'cpu';
  const net: Net = option('--net') === 'lenet' ? 'lenet' : 'signs';
  const what = option('--what') ?? 'grad';
  const epochs = Number(option('--epochs') ?? 2);
  // An epoch still running after this many seconds stops; its time is extrapolated from the batches done.
  const epochBudget = Number(option('--epoch-budget') ?? 20);
  const data = resolve(ROOT, option('--data') ?? join('..', 'shared', 'datasets'));
  // In Node the wasm backend reads its .wasm files from a path prefix.
  if (backend === 'wasm') setWasmPaths(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const out: Record<string, unknown> = { impl: 'tfjs', version: tf.version.tfjs, backend: tf.getBackend(), net, what };
  if (backend === 'wasm') out['wasm'] = { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
  const model = build(net);
  const { classes } = NETS[net];
  const adam = tf.train.adam(0.001, 0.9, 0.999, 1e-8);
  try {
    if (what === 'grad') {
      const { x, y } = synthetic(net, BATCH);
      Object.assign(out, timedCalls(() => {
        // The loss's gradient with respect to every trainable variable.
        const { value, grads } = tf.variableGrads(() => lossOf(model, x, y, classes));
        value.dataSync();
        tf.dispose([value, ...Object.values(grads)]);
      }));
    } else if (what === 'step') {
      const { x, y } = synthetic(net, SYNTHETIC);
      let at = 0;
      let perm: { epoch: number; order: Int32Array } = { epoch: -1, order: new Int32Array(0) };
      Object.assign(out, timedCalls(() => {
        // tsgrad's Trainer: epoch e's order is RandomState(shuffleSeed 10 + e + 1).permutation(m).
        const epoch = Math.floor(at / SYNTHETIC);
        const start = at % SYNTHETIC;
        if (perm.epoch !== epoch) perm = { epoch, order: new RandomState(10 + epoch + 1).permutation(SYNTHETIC) };
        at += BATCH;
        trainOn(model, adam, x, y, perm.order.subarray(start, start + BATCH), classes);
      }));
    } else if (what === 'epoch') {
      const all = await loadIdxPair(join(data, 'mnist', 't10k-images-idx3-ubyte.gz'), join(data, 'mnist', 't10k-labels-idx1-ubyte.gz'));
      const pixels = all.x.contiguous().values();
      const labels = all.labels.values();
      const [m, testN] = [8000, 2000];
      const size = 28 * 28;
      const x = tf.tensor4d(Float32Array.from(pixels.subarray(0, m * size), (v) => v / 255), [m, 28, 28, 1]);
      const y = tf.tensor1d(Int32Array.from(labels.subarray(0, m)), 'int32');
      const seconds: number[] = [];
      const costs: number[] = [];
      const batches = Math.ceil(m / BATCH);
      let partial: { batches: number; of: number; seconds: number } | undefined;
      for (let epoch = 0; epoch < epochs && partial === undefined; epoch++) {
        const t0 = performance.now();
        // tsgrad's Trainer: the epoch's order is RandomState(shuffleSeed 10 + epoch + 1).permutation(m).
        const perm = new RandomState(10 + epoch + 1).permutation(m);
        let total = 0;
        let done = 0;
        let first = 0;
        for (let start = 0; start < m; start += BATCH) {
          const end = Math.min(start + BATCH, m);
          total += trainOn(model, adam, x, y, perm.subarray(start, end), classes) * (end - start);
          done++;
          if (done === 1) first = (performance.now() - t0) / 1000;
          if (performance.now() - t0 > epochBudget * 1000 && done >= 2 && done < batches) break;
        }
        const elapsed = (performance.now() - t0) / 1000;
        // Too slow for the table: the first batch (warm-up) plus the mean of the others for the rest.
        if (done < batches) partial = { batches: done, of: batches, seconds: first + ((elapsed - first) / (done - 1)) * (batches - 1) };
        else {
          seconds.push(elapsed);
          costs.push(total / m);
        }
      }
      if (partial !== undefined) {
        Object.assign(out, { partial: { batches: partial.batches, of: partial.of }, epochSeconds: [partial.seconds], medianSeconds: partial.seconds });
        return out;
      }
      const xTest = tf.tensor4d(Float32Array.from(pixels.subarray(m * size, (m + testN) * size), (v) => v / 255), [testN, 28, 28, 1]);
      const pred = tf.tidy(() => (model.predict(xTest) as tf.Tensor).argMax(1)).dataSync();
      const truth = labels.subarray(m, m + testN);
      let right = 0;
      for (let i = 0; i < testN; i++) if (pred[i] === truth[i]) right++;
      Object.assign(out, { epochSeconds: seconds, medianSeconds: seconds.reduce((a, b) => a + b, 0) / seconds.length, costs, testAccuracy: (100 * right) / testN });
    } else {
      throw new Error(`--what: expected grad, step or epoch, got '${what}'`);
    }
  } catch (e) {
    // A kernel the backend lacks: the row says so (measured, not assumed).
    out['error'] = String(e instanceof Error ? e.message : e).split('\n')[0];
  }
  return out;
}

const out = await main();
out['maxRssBytes'] = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify(out)}\n`);
