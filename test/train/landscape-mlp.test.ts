import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd/index.js';
import { encodePng } from '../../src/data/image.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Mlp } from '../../src/nn/mlp.js';
import { loadCatData } from '../../src/train/dataset.js';
import { computeLandscape } from '../../src/train/landscape.js';
import { computeTrajectory } from '../../src/train/trajectory.js';
import { loadLossModel } from '../../src/train/load-loss-model.js';
import { trainedValues } from '../../src/train/loss-model.js';
import { MLP_DEFAULTS, trainMlp } from '../../src/train/mlp.js';
import { saveMlp } from '../../src/train/mlp-save.js';
import { loadMlpModel } from '../../src/train/model-file.js';
import { plotData } from '../../src/train/plot-data.js';
import { predictImage } from '../../src/train/predict.js';
import { writeMlpTrainingPlots, writePlots } from '../../src/viz/training.js';
import { DATASETS, removeTempDirs, tempDir } from '../data/fixtures.js';
import { expectPng, expectSvg } from '../viz/helpers.js';

afterAll(removeTempDirs);

let saved: Promise<{ file: string; dir: string; data: Awaited<ReturnType<typeof loadCatData>>; r: ReturnType<typeof trainMlp> }> | undefined;

/** A small deep network, [12288, 3, 1], trained for 20 iterations and saved. */
function smallNetwork(): NonNullable<typeof saved> {
  saved ??= (async () => {
    const data = await loadCatData({ data: DATASETS });
    const r = trainMlp(data, { ...MLP_DEFAULTS, layers: [12288, 3, 1], init: 'scaled:0.01', seed: 3, learningRate: 0.01, epochs: 20, printEvery: 5 });
    const dir = await tempDir();
    const file = join(dir, 'deep.json');
    await saveMlp(file, data, r);
    return { file, dir, data, r };
  })();
  return saved;
}

describe('deep networks through the LossModel interface', () => {
  it("has the network's parameters, filters by row, and its initial values re-created from init and seed", async () => {
    const { file } = await smallNetwork();
    const model = await loadLossModel(file);
    const { net, doc } = await loadMlpModel(file);
    expect(model.type).toBe('mlp');
    expect(model.description).toBe('deep network [12288, 3, 1], relu hidden layers, sigmoid output');
    expect(model.parameters.map((p) => [p.name, p.role, p.unitAxis, p.value.shape])).toEqual([
      ['W1', 'weight', 0, [3, 12288]],
      ['b1', 'bias', 0, [3, 1]],
      ['W2', 'weight', 0, [1, 3]],
      ['b2', 'bias', 0, [1, 1]],
    ]);
    const fresh = Mlp.initialize({ layers: [12288, 3, 1] }, parseInitializer('scaled:0.01'), 3).parameters();
    model.initial?.forEach((t, i) => expect(t.values()).toEqual(fresh[i]?.value.values()));
    expect(model.training?.costs.map((c) => c.iteration)).toEqual([0, 5, 10, 15, 19]);
    expect(model.training?.settings).toMatchObject({ init: 'scaled:0.01', seed: 3, learningRate: 0.01, iterations: 20 });
    expect(doc.model.layers).toEqual([12288, 3, 1]);
    expect(net.spec.output).toBe('sigmoid');
  });

  it("gives exactly the saved network's cost at the trained point and at α = 0 the initial network's", async () => {
    const { file, data } = await smallNetwork();
    const model = await loadLossModel(file);
    const { net } = await loadMlpModel(file);
    const trained = noGrad(() => net.cost(data.trainX, data.trainY).item());
    const trainedTest = noGrad(() => net.cost(data.testX, data.testY).item());
    const initial = Mlp.initialize({ layers: [12288, 3, 1] }, parseInitializer('scaled:0.01'), 3);
    const l = await computeLandscape(model, { X: data.trainX, Y: data.trainY }, { X: data.testX, Y: data.testY }, { alphaPoints: 5, gridSize: 3, seed: 1 });
    expect(l.trained).toEqual({ train: trained, test: trainedTest });
    expect(l.interpolation.train[3]).toBe(trained);
    expect(l.surface.train[1]?.[1]).toBe(trained);
    expect(l.interpolation.train[1]).toBe(noGrad(() => initial.cost(data.trainX, data.trainY).item()));
    // Each row of W1 (one hidden unit) in a direction has that unit's norm.
    const d = l.surface.directions;
    expect(d.map((x) => x.name)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(d[0]?.deltaNorm).toBeCloseTo(d[0]?.trainedNorm ?? Number.NaN, 12);
    expect(d[1]?.deltaNorm).toBe(0);
  });

  it('draws the plots with one weight picture per first-layer unit', async () => {
    const { file, dir, data } = await smallNetwork();
    const model = await loadLossModel(file);
    const out = join(dir, 'plots');
    const w = await writePlots(out, plotData(model, data));
    expect(w.files).toHaveLength(9);
    const svg = await expectSvg(join(out, 'weights-figure.svg'), ['Learned first-layer weights as images', 'unit 1', 'unit 3', '3 first-layer units']);
    expect(svg.match(/<image /g)).toHaveLength(3);
    await expectSvg(join(out, 'cost.svg'), ['iteration (gradient descent steps)', 'deep network [12288, 3, 1]', 'init scaled:0.01 (seed 3)']);
    await expectPng(join(out, 'weights.png'), { width: 64, height: 64 });
    await expectPng(join(out, 'confusion.png'));
  });

  it('draws the plots of a network just trained, with epochs on the cost axis for mini-batches', async () => {
    const { dir, data, r } = await smallNetwork();
    const full = await writeMlpTrainingPlots(join(dir, 'after-training'), data, r);
    expect(full.files).toHaveLength(9);
    await expectSvg(join(dir, 'after-training', 'cost.svg'), ['iteration (gradient descent steps)', '20 iterations', 'init scaled:0.01 (seed 3)']);
    const mini = trainMlp(data, { ...MLP_DEFAULTS, layers: [12288, 2, 1], init: 'scaled:0.01', optimizer: 'adam', learningRate: 0.001, epochs: 2, batchSize: 64, printEvery: 1 });
    await writeMlpTrainingPlots(join(dir, 'mini'), data, mini);
    await expectSvg(join(dir, 'mini', 'cost.svg'), ['epoch (passes over the training set)', '2 epochs', 'batch size 64', 'adam']);
    await expectPng(join(dir, 'mini', 'cost.png'));
  });

  it('replays full-batch and mini-batch training exactly for the trajectory', async () => {
    const { file, dir, data } = await smallNetwork();
    const model = await loadLossModel(file);
    const train = { X: data.trainX, Y: data.trainY };
    const t = await computeTrajectory(model, train, { checkpoints: 4, gridSize: 3 });
    expect(t.steps).toEqual([0, 5, 10, 15, 20]);
    expect(t.replayError).toBe(0);
    expect(t.x.at(-1)).toBe(0);
    expect(t.y.at(-1)).toBe(0);
    expect(t.loss.at(-1)).toBe(model.loss(trainedValues(model), train.X, train.Y));
    expect(t.loss[0]).toBe(model.loss(model.initial ?? [], train.X, train.Y));

    const mini = trainMlp(data, { ...MLP_DEFAULTS, layers: [12288, 2, 1], init: 'he', seed: 2, optimizer: 'adam', learningRate: 0.001, epochs: 3, batchSize: 64, shuffleSeed: 5, dropout: 0.2, printEvery: 1 });
    const miniFile = join(dir, 'mini.json');
    await saveMlp(miniFile, data, mini);
    const m2 = await loadLossModel(miniFile);
    const t2 = await computeTrajectory(m2, train, { checkpoints: 3, gridSize: 3 });
    expect(t2.steps).toEqual([0, 1, 2, 3]);
    expect(t2.replayError).toBe(0);
  });

  it("predicts an exported test image with exactly the network's own probability", async () => {
    const { file, dir, data } = await smallNetwork();
    const model = await loadLossModel(file);
    const { net } = await loadMlpModel(file);
    const own = net.probabilities(data.testX).values();
    const size = 64 * 64 * 3;
    for (const i of [0, 7]) {
      const png = join(dir, `t${i}.png`);
      await writeFile(png, await encodePng(Uint8Array.from(data.test.x.values().subarray(i * size, (i + 1) * size)), 64, 64, 3));
      const p = await predictImage(model, png);
      expect(p.probabilities[1]).toBe(own[i]);
    }
    expect(model.probabilities(trainedValues(model), data.testX).values()).toEqual(own);
  });
});

