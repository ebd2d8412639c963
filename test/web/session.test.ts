/**
 * The page's worker (web/src/session.ts) driven in Node with the page's own messages: it
 * reads the data from bytes, trains in frames to the CLI's costs, saves files that
 * `readModelText` loads with the same parameters, loads a version-1 file and trains on from
 * it, predicts a float32 file in float32, sends a CNN's filters, feature maps and a photo's
 * saliency as pixel buffers, and says what went wrong in the page's words.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingRun } from '../../src/app/run.js';
import { mlpLayers, NEURON } from '../../src/app/settings.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
import { prepareInputs } from '../../src/data/preprocess.js';
import { readModelText } from '../../src/io/model-file.js';
import { parseArch } from '../../src/nn/registry.js';
import { Tensor } from '../../src/tensor/index.js';
import { NEURON_MODEL } from '../../web/src/model-file.js';
import { classProbabilities } from '../../src/analysis/predict.js';
import type { FromWorker, Progress, TrainSettings } from '../../web/src/protocol.js';
import { PageSession } from '../../web/src/session.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/model-v1/', import.meta.url));
const expected = JSON.parse(await readFile(`${FIXTURES}expected.json`, 'utf8')) as { fixtures: Record<string, { testProbabilities: number[]; trainAccuracy: number; testAccuracy: number }> };
let data: { train: Dataset; test: Dataset };

beforeAll(async () => {
  const [train, test] = await Promise.all(['train', 'test'].map(async (s) => asDataset(await loadLabelledImages(`${DATASETS}${s}_catvnoncat.h5`))));
  data = { train: train as Dataset, test: test as Dataset };
});

/** A session and everything it posted. */
function session(): { s: PageSession; seen: FromWorker[]; until: (ok: (m: FromWorker) => boolean) => Promise<FromWorker>; last: () => Progress } {
  const seen: FromWorker[] = [];
  const s = new PageSession((msg) => seen.push(msg));
  let from = 0;
  // Waits for the next message (after the last one waited for) that `ok` accepts.
  const until = async (ok: (m: FromWorker) => boolean): Promise<FromWorker> => {
    for (let k = 0; k < 6000; k++) {
      const i = seen.findIndex((m, j) => j >= from && ok(m));
      if (i >= 0) {
        from = i + 1;
        return seen[i] as FromWorker;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no such message; got ${seen.slice(from).map((m) => m.type).join(', ')}`);
  };
  const last = (): Progress => {
    const p = seen.filter((m): m is Extract<FromWorker, { type: 'progress' }> => m.type === 'progress').at(-1);
    if (p === undefined) throw new Error('no progress yet');
    return p.progress;
  };
  return { s, seen, until, last };
}

const status = (want: string) => (m: FromWorker): boolean => m.type === 'status' && m.status === want;
const neuron = (iterations: number, learningRate = 0.005, speed = Infinity): TrainSettings => ({ learningRate, iterations, speed, model: NEURON_MODEL });

async function loaded(): Promise<ReturnType<typeof session>> {
  const t = session();
  const bytes = async (name: string): Promise<{ name: string; bytes: ArrayBuffer }> => {
    const b = await readFile(`${DATASETS}${name}`);
    return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
  };
  await t.s.receive({ type: 'load', train: await bytes('train_catvnoncat.h5'), test: await bytes('test_catvnoncat.h5') });
  return t;
}

describe('the page\'s worker', () => {
  it('reads the data, sizes and class names from the files, and trains the neuron to the CLI\'s cost at 100', async () => {
    const t = await loaded();
    const msg = await t.until((m) => m.type === 'loaded');
    expect(msg).toMatchObject({ type: 'loaded', trainCount: 209, classes: ['non-cat', 'cat'], inputShape: [64, 64, 3], test: { m: 50, height: 64, width: 64 } });
    await t.until(status('ready'));
    expect(t.last().cost.toFixed(6)).toBe('0.693147');
    await t.s.receive({ type: 'train', settings: neuron(100) });
    await t.until(status('done'));
    const p = t.last();
    expect(p.iteration).toBe(100);
    expect(p.cost.toFixed(6)).toBe('0.584508');
    const ref = new TrainingRun(data, { ...NEURON, epochs: 100, printEvery: 1 });
    ref.advance();
    const r = ref.result();
    expect([...p.testProbabilities]).toEqual(classProbabilities(r.model, ref.inputs('test')).flat());
    expect(p.trainAccuracy).toBe(r.trainAccuracy);

    // The saved file: version 2, the CLI's record, the same parameters.
    await t.s.receive({ type: 'getModel', id: 7 });
    const saved = await t.until((m) => m.type === 'model');
    if (saved.type !== 'model') throw new Error('no model');
    expect(saved.fileName).toBe('tsgrad-neuron-100.json');
    const doc = readModelText(saved.fileName, saved.text);
    expect(doc.version).toBe(2);
    expect(doc.training.settings?.epochs).toBe(100);
    expect(doc.training.engine).toBe('span');
    expect(doc.training.trainFile).toBe('train_catvnoncat.h5');
    expect(doc.training.costs).toEqual(r.records);
    expect(doc.training.testAccuracy).toBe(r.testAccuracy);
    doc.model.parameters().forEach((q, i) => expect([...q.value.values()]).toEqual([...(r.model.parameters()[i]?.value.values() ?? [])]));

    // Train again at the end: nothing to do, and the page is told so.
    await t.s.receive({ type: 'train', settings: neuron(100) });
    await t.until(status('done'));
    expect(t.last().iteration).toBe(100);
  });

  it('loads a version-1 file, shows its numbers, and trains on from its parameters', async () => {
    const t = await loaded();
    await t.until(status('ready'));
    const name = 'neuron-fast.json';
    await t.s.receive({ type: 'loadModel', id: 1, name, text: await readFile(FIXTURES + name, 'utf8') });
    const reply = await t.until((m) => m.type === 'modelLoaded');
    if (reply.type !== 'modelLoaded') throw new Error('not loaded');
    expect(reply.info).toEqual({ description: 'single neuron (logistic regression) on 64×64×3 inputs', dtype: 'float64', inputShape: [64, 64, 3], classes: ['non-cat', 'cat'], model: NEURON_MODEL, learningRate: 0.005 });
    await t.until(status('ready'));
    const e = expected.fixtures[name];
    const p = t.last();
    expect(p.trainAccuracy).toBe(e?.trainAccuracy);
    expect(p.testAccuracy).toBe(e?.testAccuracy);
    e?.testProbabilities.forEach((q, j) => expect(p.testProbabilities[2 * j + 1]).toBeCloseTo(q, 12));
    const fileCost = p.cost;
    await t.s.receive({ type: 'train', settings: neuron(20) });
    await t.until(status('done'));
    const after = t.last();
    expect(after.costs[0]?.cost).toBeCloseTo(fileCost, 12);
    expect(after.cost).toBeLessThan(fileCost);
  });

  it('predicts with a float32 file in float32, as `tsgrad predict` does', async () => {
    const t = session();
    const name = 'neuron-plain-float32.json';
    const text = await readFile(FIXTURES + name, 'utf8');
    await t.s.receive({ type: 'loadModel', id: 1, name, text });
    const pixels = Uint8Array.from(data.test.x.values()).slice(12288, 2 * 12288);
    await t.s.receive({ type: 'predict', id: 2, pixels });
    const reply = await t.until((m) => m.type === 'prediction');
    if (reply.type !== 'prediction') throw new Error('no prediction');
    const m = readModelText(name, text);
    const x = new Tensor(pixels, [1, 64, 64, 3], 'uint8');
    const p32 = m.model.probabilities(prepareInputs(x, m.preprocessing, 'float32')).item();
    expect(reply.probabilities[1]).toBe(p32);
    expect(reply.probabilities[1]).toBeCloseTo(expected.fixtures[name]?.testProbabilities[1] ?? NaN, 5);
    // The same weights in float64 give another probability: the page really computes in float32.
    const p64 = m.model.withParameters(m.model.parameters().map((q) => new Tensor(Float64Array.from(q.value.values()), q.value.shape, 'float64')), () => m.model.probabilities(prepareInputs(x, m.preprocessing, 'float64')).item());
    expect(p64).not.toBe(p32);
  });

  it('sends a CNN\'s filters and feature maps, of the test image asked for, and every photo\'s saliency figure', async () => {
    const t = await loaded();
    // The neuron has no maps: the page is told once, and gets the weights as pictures.
    expect(await t.until((m) => m.type === 'pictures')).toEqual({ type: 'pictures', pictures: null });
    await t.until(status('ready'));
    expect(t.last().weights.units).toBe(1);
    const cnn: TrainSettings = { learningRate: 0.009, iterations: 1, speed: Infinity, model: { layers: parseArch('conv:4:3:same,relu,maxpool:8:8,flatten,dense:2,softmax'), init: 'glorot', seed: 1, optimizer: 'adam', engine: 'auto', batchSize: 64 } };
    await t.s.receive({ type: 'reset', settings: cnn });
    const before = await t.until((m) => m.type === 'pictures');
    if (before.type !== 'pictures' || before.pictures === null) throw new Error('no pictures');
    const p0 = before.pictures;
    expect(p0.filters).toMatchObject({ parameter: 'W1', count: 4, shape: [3, 3, 3] });
    expect(p0.layers.map((l) => [l.layer, l.kind, l.shape])).toEqual([[1, 'conv', [64, 64, 4]], [2, 'relu', [64, 64, 4]], [3, 'maxpool', [8, 8, 4]]]);
    for (const pic of [p0.filters?.picture, ...p0.layers.map((l) => l.picture)]) expect(pic?.data.length).toBe((pic?.width ?? 0) * (pic?.height ?? 0) * 4);
    expect([p0.iteration, p0.image]).toEqual([0, 0]);
    // A CNN's first layer is not a dense layer's rows: no weight pictures.
    expect(t.last()).toMatchObject({ unit: 'epoch', updatesPer: 4, weights: { units: 0 } });

    await t.s.receive({ type: 'train', settings: cnn });
    await t.until(status('done'));
    const after = t.seen.filter((m): m is Extract<FromWorker, { type: 'pictures' }> => m.type === 'pictures').at(-1)?.pictures;
    expect(after?.iteration).toBe(1);
    expect(Buffer.from(after?.filters?.picture.data ?? []).equals(Buffer.from(p0.filters?.picture.data ?? []))).toBe(false);

    await t.s.receive({ type: 'inspect', image: 99 });
    const other = await t.until((m) => m.type === 'pictures');
    expect(other.type === 'pictures' && other.pictures?.image).toBe(49);

    const pixels = Uint8Array.from(data.test.x.values()).slice(12288, 2 * 12288);
    await t.s.receive({ type: 'predict', id: 3, pixels });
    const reply = await t.until((m) => m.type === 'prediction');
    if (reply.type !== 'prediction') throw new Error('no prediction');
    // tsgrad saliency's figure at twice the image size: photo, map, overlay (128 each) and a colour bar, 4-pixel gaps.
    expect([reply.saliency.width, reply.saliency.height]).toEqual([4 + 3 * (128 + 4) + 8 + 4, 128 + 8]);
    expect(reply.saliency.data.length).toBe(reply.saliency.width * reply.saliency.height * 4);
  });

  it('pauses between frames, stops where a cost diverges, and names a bad setting by its control', async () => {
    const t = await loaded();
    await t.until(status('ready'));
    await t.s.receive({ type: 'train', settings: neuron(2000, 0.005, 1) });
    await t.until(status('training'));
    await new Promise((r) => setTimeout(r, 200));
    await t.s.receive({ type: 'pause' });
    await t.until(status('paused'));
    const at = t.last().iteration;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.last().iteration).toBe(at);

    await t.s.receive({ type: 'reset', settings: neuron(100, 0.05) });
    await t.s.receive({ type: 'train', settings: neuron(100, 0.05) });
    const diverged = await t.until((m) => m.type === 'error');
    expect(diverged).toMatchObject({ source: 'train', message: expect.stringMatching(/^Training diverged: the cost at iteration 5 is NaN; stopped there with the parameters of update 4\./) });
    expect(t.last().cost.toFixed(6)).toBe('3.071143');

    const bad = { ...neuron(100), model: { ...NEURON_MODEL, layers: mlpLayers([7, 3]), init: 'he' } };
    await t.s.receive({ type: 'reset', settings: bad });
    const error = await t.until((m) => m.type === 'error');
    expect(error).toMatchObject({ source: 'reset', message: expect.stringMatching(/^Layer sizes: the model tells 3 classes apart, the data has 2 \(non-cat, cat\)/) });
  });
});
