// Deep networks (and a softmax output) through the same landscape, trajectory, plots and
// predictions as the single neuron: nothing downstream knows what the layers are.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeLandscape, initialParameters, lossSet } from '../../src/analysis/landscape.js';
import { plotData } from '../../src/analysis/plot-data.js';
import { classProbabilities } from '../../src/analysis/predict.js';
import { computeTrajectory } from '../../src/analysis/trajectory.js';
import { loadRunData, type LoadedData } from '../../src/app/data.js';
import { lossOn } from '../../src/train/evaluate.js';
import { predictImage } from '../../src/app/predict.js';
import { trainingReplay } from '../../src/app/replay.js';
import { TrainingRun, type RunResult } from '../../src/app/run.js';
import { mlpLayers, TWO_LAYER, type RunSettings } from '../../src/app/settings.js';
import { encodePng } from '../../src/data/image.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { loadModelFile } from '../../src/io/files.js';
import { parseInitializer } from '../../src/nn/init.js';
import { buildModel } from '../../src/nn/registry.js';
import { writePlots, writeTrainingPlots } from '../../src/viz/training.js';
import { saveRun } from '../cli/model-fixture.js';
import { DATASETS, removeTempDirs, tempDir } from '../data/fixtures.js';
import { expectPng, expectSvg } from '../viz/helpers.js';

afterAll(removeTempDirs);

const SMALL: RunSettings = { ...TWO_LAYER, layers: mlpLayers([3, 1]), init: 'scaled:0.01', seed: 3, learningRate: 0.01, epochs: 20, printEvery: 5 };

function train(data: LoadedData, s: RunSettings): RunResult {
  const run = new TrainingRun(data, s);
  run.advance();
  return run.result();
}

let saved: Promise<{ file: string; dir: string; data: LoadedData; r: RunResult }> | undefined;

/** A small deep network, [12288, 3, 1], trained for 20 iterations and saved. */
function smallNetwork(): NonNullable<typeof saved> {
  saved ??= (async () => {
    const data = await loadRunData({ data: DATASETS });
    const r = train(data, SMALL);
    const dir = await tempDir();
    const file = join(dir, 'deep.json');
    await saveRun(file, r, data);
    return { file, dir, data, r };
  })();
  return saved;
}

const sets = (data: LoadedData) => ({ train: lossSet(data.train, PIXELS, 'float64'), test: lossSet(data.test, PIXELS, 'float64') });

describe('deep networks in the loss landscape', () => {
  it("has the network's parameters and its initial values re-created from init and seed", async () => {
    const { file } = await smallNetwork();
    const m = await loadModelFile(file);
    expect(m.model.parameters().map((p) => [p.name, p.role, p.value.shape])).toEqual([
      ['W1', 'weight', [3, 12288]],
      ['b1', 'bias', [3]],
      ['W2', 'weight', [1, 3]],
      ['b2', 'bias', [1]],
    ]);
    const fresh = buildModel([64, 64, 3], SMALL.layers, { init: parseInitializer('scaled:0.01'), seed: 3 }).parameters();
    initialParameters({ model: m.model, settings: m.training.settings }).forEach((t, i) => expect(t.values()).toEqual(fresh[i]?.value.values()));
    expect(m.training.costs.map((c) => c.index)).toEqual([0, 5, 10, 15, 19]);
    expect(m.training.settings).toMatchObject({ init: 'scaled:0.01', seed: 3, learningRate: 0.01, epochs: 20 });
  });

  it("gives exactly the saved network's cost at the trained point and at α = 0 the initial network's", async () => {
    const { file, data } = await smallNetwork();
    const m = await loadModelFile(file);
    const { train: tr, test: te } = sets(data);
    const trained = lossOn(m.model, tr.x, tr.labels);
    const initial = buildModel([64, 64, 3], SMALL.layers, { init: parseInitializer('scaled:0.01'), seed: 3 });
    const l = await computeLandscape({ model: m.model, settings: m.training.settings }, tr, te, { alphaPoints: 5, gridSize: 3, seed: 1 });
    expect(l.trained).toEqual({ train: trained, test: lossOn(m.model, te.x, te.labels) });
    expect(l.interpolation.train[3]).toBe(trained);
    expect(l.surface.train[1]?.[1]).toBe(trained);
    expect(l.interpolation.train[1]).toBe(lossOn(initial, tr.x, tr.labels));
    // Each row of W1 (one hidden unit) in a direction has that unit's norm.
    const d = l.surface.directions;
    expect(d.map((x) => x.name)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(d[0]?.deltaNorm).toBeCloseTo(d[0]?.trainedNorm ?? Number.NaN, 12);
    expect(d[1]?.deltaNorm).toBe(0);
  });

  it('draws the plots with one weight picture per first-layer unit', async () => {
    const { file, dir, data } = await smallNetwork();
    const m = await loadModelFile(file);
    const out = join(dir, 'plots');
    const w = await writePlots(out, plotData({ ...m, ...m.training }, data));
    expect(w.files).toHaveLength(9);
    const svg = await expectSvg(join(out, 'weights-figure.svg'), ['Learned first-layer weights as images', 'unit 1', 'unit 3', '3 first-layer units']);
    expect(svg.match(/<image /g)).toHaveLength(3);
    await expectSvg(join(out, 'cost.svg'), ['iteration (gradient descent steps)', 'flatten,dense:3,relu,dense:1,sigmoid', 'init scaled:0.01 (seed 3)']);
    await expectPng(join(out, 'weights.png'), { width: 64, height: 64 });
    await expectPng(join(out, 'confusion.png'));
  });

  it('draws the plots of a network just trained, with epochs on the cost axis for mini-batches', async () => {
    const { dir, data, r } = await smallNetwork();
    const full = await writeTrainingPlots(join(dir, 'after-training'), r, data);
    expect(full.files).toHaveLength(9);
    await expectSvg(join(dir, 'after-training', 'cost.svg'), ['iteration (gradient descent steps)', '20 iterations', 'init scaled:0.01 (seed 3)']);
    const mini = train(data, { ...SMALL, layers: mlpLayers([2, 1]), optimizer: 'adam', learningRate: 0.001, epochs: 2, batchSize: 64, printEvery: 1 });
    await writeTrainingPlots(join(dir, 'mini'), mini, data);
    await expectSvg(join(dir, 'mini', 'cost.svg'), ['epoch (passes over the training set)', '2 epochs', 'batch size 64', 'adam']);
    await expectPng(join(dir, 'mini', 'cost.png'));
  });

  it('replays full-batch and mini-batch training exactly for the trajectory', async () => {
    const { file, dir, data } = await smallNetwork();
    const m = await loadModelFile(file);
    const { train: tr } = sets(data);
    const trained = { model: m.model, settings: m.training.settings };
    const t = await computeTrajectory(trained, tr, trainingReplay(m.training, { train: data.train }), { checkpoints: 4, gridSize: 3 });
    expect(t.steps).toEqual([0, 5, 10, 15, 20]);
    expect(t.replayError).toBe(0);
    expect(t.x.at(-1)).toBe(0);
    expect(t.y.at(-1)).toBe(0);
    expect(t.loss.at(-1)).toBe(lossOn(m.model, tr.x, tr.labels));
    const initial = buildModel([64, 64, 3], SMALL.layers, { init: parseInitializer('scaled:0.01'), seed: 3 });
    expect(t.loss[0]).toBe(lossOn(initial, tr.x, tr.labels));

    const mini = train(data, { ...SMALL, layers: mlpLayers([2, 1], 'relu', 0.2), init: 'he', seed: 2, optimizer: 'adam', learningRate: 0.001, epochs: 3, batchSize: 64, shuffleSeed: 5, printEvery: 1 });
    const miniFile = join(dir, 'mini.json');
    await saveRun(miniFile, mini, data);
    const m2 = await loadModelFile(miniFile);
    const t2 = await computeTrajectory({ model: m2.model, settings: m2.training.settings }, tr, trainingReplay(m2.training, { train: data.train }), { checkpoints: 3, gridSize: 3 });
    expect(t2.steps).toEqual([0, 1, 2, 3]);
    expect(t2.replayError).toBe(0);
  });

  it("predicts an exported test image with exactly the network's own probability", async () => {
    const { file, dir, data } = await smallNetwork();
    const m = await loadModelFile(file);
    const own = m.model.probabilities(sets(data).test.x).values();
    const size = 64 * 64 * 3;
    for (const i of [0, 7]) {
      const png = join(dir, `t${i}.png`);
      await writeFile(png, await encodePng(Uint8Array.from(data.test.x.values().subarray(i * size, (i + 1) * size)), 64, 64, 3));
      const p = await predictImage(m, png);
      expect(p.probabilities[1]).toBe(own[i]);
    }
    expect(classProbabilities(m.model, sets(data).test.x).map((p) => p[1])).toEqual(Array.from(own));
  });

  it('works the same for a softmax output: the landscape, the replay and the plots with class names', async () => {
    const { dir, data } = await smallNetwork();
    const r = train(data, { ...SMALL, layers: mlpLayers([3, 2]), epochs: 10 });
    expect(r.model.head).toBe('softmax');
    const { train: tr, test: te } = sets(data);
    const l = await computeLandscape(r, tr, te, { alphaPoints: 3, gridSize: 3 });
    expect(l.trained.train).toBe(lossOn(r.model, tr.x, tr.labels));
    const t = await computeTrajectory(r, tr, trainingReplay({ settings: r.settings, engine: r.engine.engine }, { train: data.train }), { checkpoints: 5, gridSize: 3 });
    expect(t.replayError).toBe(0);
    const out = join(dir, 'softmax');
    const w = await writeTrainingPlots(out, r, data);
    expect(w.confusion['test']).toEqual(r.test?.confusion);
    await expectSvg(join(out, 'confusion.svg'), ['non-cat', 'cat', 'test set (50 images']);
  });
});
