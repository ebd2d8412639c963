/**
 * The page's landscape (web/src/landscape.ts) is the CLI's: for a network trained on the
 * page, the numbers equal those `tsgrad landscape` computes from the model file the page
 * saves (loadLossModel, computeLandscape with the CLI's own evaluator), to the last bit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledImages, type LabelledImages } from '../../src/data/dataset.js';
import { Tensor } from '../../src/tensor/index.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import { computeLandscape, localEvaluator } from '../../src/train/landscape.js';
import { loadLossModel } from '../../src/train/load-loss-model.js';
import { logisticLossModel } from '../../src/train/loss-model.js';
import { catData, DeepTrainer } from '../../web/src/deep-trainer.js';
import { Cancelled, pageLandscape } from '../../web/src/landscape.js';
import { deepFileText, neuronFileText } from '../../web/src/model-file.js';
import { NeuronTrainer } from '../../web/src/trainer.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const CLASSES = ['non-cat', 'cat'];
let train: LabelledImages;
let test: LabelledImages;
let cli: CatData;
let tmp = '';

beforeAll(async () => {
  train = await loadLabelledImages(join(DATASETS, 'train_catvnoncat.h5'));
  test = await loadLabelledImages(join(DATASETS, 'test_catvnoncat.h5'));
  cli = await loadCatData({ data: DATASETS });
  tmp = await mkdtemp(join(tmpdir(), 'tsgrad-web-landscape-'));
});

afterAll(async () => {
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

/** `tsgrad landscape`'s computation of a saved file, as src/cli/landscape.ts runs it on one thread. */
async function cliLandscape(file: string, grid: number): ReturnType<typeof computeLandscape> {
  const model = await loadLossModel(file);
  return computeLandscape(model, { X: cli.trainX, Y: cli.trainY }, { X: cli.testX, Y: cli.testY }, { gridSize: grid }, localEvaluator);
}

describe('the page\'s loss landscape', () => {
  it('equals tsgrad landscape on the saved 2-layer network, line and surface', async () => {
    const data = catData(train, test);
    const t = new DeepTrainer(data, { layers: [12288, 7, 1], init: 'scaled:0.01', seed: 1, optimizer: 'gd', engine: 'fast' }, 0.0075);
    t.advance(5, 0.0075, 1);
    const onPage = await pageLandscape(t.lossModel([64, 64, 3], CLASSES), { X: data.trainX, Y: data.trainY }, { X: data.testX, Y: data.testY }, 5, () => undefined, () => false);
    const file = join(tmp, 'deep.json');
    await writeFile(file, deepFileText(t.net, [64, 64, 3], CLASSES, t.trainingRecord('train_catvnoncat.h5', 'test_catvnoncat.h5')));
    const fromCli = await cliLandscape(file, 5);
    expect(onPage.trained).toEqual(fromCli.trained);
    expect(onPage.interpolation).toEqual(fromCli.interpolation);
    expect(onPage.surface).toEqual(fromCli.surface);
    // The centre of the surface is the network's own loss.
    expect(onPage.surface.train[2]?.[2]).toBe(t.state().cost);
  });

  it('equals tsgrad landscape on the saved single neuron', async () => {
    const t = new NeuronTrainer(train, test);
    t.advance(50, 0.005, 10, 50);
    const w = Float64Array.from(t.weights());
    const model = logisticLossModel(new Tensor(w, [w.length, 1], 'float64'), t.bias, { inputShape: [64, 64, 3], classes: CLASSES });
    const onPage = await pageLandscape(model, { X: cli.trainX, Y: cli.trainY }, { X: cli.testX, Y: cli.testY }, 5, () => undefined, () => false);
    const file = join(tmp, 'neuron.json');
    const training = { iterations: 50, learningRate: 0.005, costs: [], trainAccuracy: null, testAccuracy: null, trainFile: null, testFile: null };
    await writeFile(file, neuronFileText({ w, b: t.bias, inputShape: [64, 64, 3], classes: CLASSES, training }));
    const fromCli = await cliLandscape(file, 5);
    expect(onPage.surface.train).toEqual(fromCli.surface.train);
    expect(onPage.interpolation).toEqual(fromCli.interpolation);
  });

  it('reports progress up to every job, and stops when cancelled', async () => {
    const w = new Float64Array(12288);
    const model = logisticLossModel(new Tensor(w, [12288, 1], 'float64'), 0, { inputShape: [64, 64, 3], classes: CLASSES });
    const seen: [number, number][] = [];
    await pageLandscape(model, { X: cli.trainX, Y: cli.trainY }, { X: cli.testX, Y: cli.testY }, 3, (d, n) => seen.push([d, n]), () => false);
    // 2 trained losses, 41 α × 2 sets, 3 × 3 surface points.
    expect(seen.at(-1)).toEqual([93, 93]);
    expect(seen).toHaveLength(93);
    let calls = 0;
    await expect(pageLandscape(model, { X: cli.trainX, Y: cli.trainY }, { X: cli.testX, Y: cli.testY }, 3, () => undefined, () => ++calls > 4)).rejects.toBeInstanceOf(Cancelled);
  });
});
