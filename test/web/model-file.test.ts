/**
 * The page's model files (web/src/model-file.ts) are the CLI's: what the page saves is a
 * version-2 file that `readModelText` loads with the same parameters and record, and every
 * version-1 file loads on the page with its settings, predicting what the old code predicted.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { classProbabilities } from '../../src/analysis/predict.js';
import { TrainingRun } from '../../src/app/run.js';
import { mlpLayers, TWO_LAYER } from '../../src/app/settings.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
import { PIXELS, prepareInputs } from '../../src/data/preprocess.js';
import { modelDocument, readModelText } from '../../src/io/model-file.js';
import { buildModel } from '../../src/nn/registry.js';
import { loadedFileText, readPageModel, runFileText } from '../../web/src/model-file.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/model-v1/', import.meta.url));
const expected = JSON.parse(await readFile(`${FIXTURES}expected.json`, 'utf8')) as { fixtures: Record<string, { testProbabilities: number[] }> };
let data: { train: Dataset; test: Dataset };

beforeAll(async () => {
  const [train, test] = await Promise.all(['train', 'test'].map(async (s) => asDataset(await loadLabelledImages(`${DATASETS}${s}_catvnoncat.h5`))));
  data = { train: train as Dataset, test: test as Dataset };
});

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('model files on the page', () => {
  it('saves a run as the CLI does: version 2, its settings, costs and exact parameters', () => {
    const run = new TrainingRun(data, { ...TWO_LAYER, epochs: 2 ** 31, printEvery: 10, printLast: false });
    run.advance(() => run.trainer.iterations >= 20);
    const r = run.result();
    const text = runFileText(r, { train: 'train_catvnoncat.h5', test: 'test_catvnoncat.h5' });
    const back = readModelText('page.json', text);
    expect(back.version).toBe(2);
    expect(back.layers).toEqual(TWO_LAYER.layers);
    expect(back.preprocessing).toEqual(PIXELS);
    expect(back.training.settings).toEqual({ ...r.settings, epochs: 20 });
    expect(back.training.engine).toBe('span');
    expect(back.training.costs).toEqual(r.records);
    expect([back.training.trainAccuracy, back.training.testAccuracy]).toEqual([r.trainAccuracy, r.testAccuracy]);
    back.model.parameters().forEach((p, i) => expect([...p.value.values()]).toEqual([...(r.model.parameters()[i]?.value.values() ?? [])]));
    // Saved again from the page as it was loaded: the same file.
    expect(JSON.parse(loadedFileText(back))).toEqual(JSON.parse(text));
  });

  it('loads every version-1 file with its settings and the old code\'s probabilities', async () => {
    for (const [name, e] of Object.entries(expected.fixtures)) {
      const { loaded, info } = readPageModel(name, await readFile(FIXTURES + name, 'utf8'));
      expect(loaded.version).toBe(1);
      const p = classProbabilities(loaded.model, prepareInputs(data.test.x, loaded.preprocessing, loaded.dtype));
      p.forEach((row, j) => expect(rel(row[1] as number, e.testProbabilities[j] as number)).toBeLessThan(loaded.dtype === 'float32' ? 1e-5 : 1e-12));
      expect(info.classes).toEqual(['non-cat', 'cat']);
      expect(info.dtype).toBe(loaded.dtype);
    }
    const { info } = readPageModel('mlp-fast.json', await readFile(`${FIXTURES}mlp-fast.json`, 'utf8'));
    expect(info).toEqual({
      description: 'network flatten,dense:2,relu,dense:1,sigmoid on 64×64×3 inputs',
      dtype: 'float64',
      inputShape: [64, 64, 3],
      classes: ['non-cat', 'cat'],
      model: { layers: mlpLayers([2, 1]), init: 'scaled:0.01', seed: 1, optimizer: 'gd', engine: 'span' },
      learningRate: 0.0075,
    });
    expect(readPageModel('mlp-softmax.json', await readFile(`${FIXTURES}mlp-softmax.json`, 'utf8')).info.model.layers).toEqual(mlpLayers([2, 2]));
  });

  it('refuses a model that does not take RGB images with a ModelFileError naming model.inputShape', () => {
    const model = buildModel([64, 64, 1], mlpLayers([1]), { init: { kind: 'zeros' }, seed: 1 });
    const text = JSON.stringify(modelDocument({ model, classes: ['non-cat', 'cat'], preprocessing: PIXELS, training: { costs: [] } }));
    expect(() => readPageModel('gray.json', text)).toThrow(expect.objectContaining({ name: 'ModelFileError', field: 'model.inputShape' }));
  });
});
