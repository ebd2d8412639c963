/**
 * The page's model files (web/src/model-file.ts) are read as `tsgrad predict` reads them: a
 * deep network stored in float32 predicts in float32 on the page and in the CLI alike, and
 * the settings the page shows come from the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledImages, type LabelledImages } from '../../src/data/dataset.js';
import { Mlp } from '../../src/nn/mlp.js';
import { astype } from '../../src/tensor/index.js';
import { loadLossModel } from '../../src/train/load-loss-model.js';
import { mlpDocument } from '../../src/train/model-document.js';
import { probabilityOfPixels } from '../../src/train/predict-pixels.js';
import { readModelFile } from '../../web/src/model-file.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
let test: LabelledImages;
let tmp = '';

beforeAll(async () => {
  test = await loadLabelledImages(join(DATASETS, 'test_catvnoncat.h5'));
  tmp = await mkdtemp(join(tmpdir(), 'tsgrad-web-model-'));
});

afterAll(async () => {
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

describe('model files on the page', () => {
  it('predict with a float32 deep network in float32, as the CLI does', async () => {
    const net64 = Mlp.initialize({ layers: [12288, 7, 1] }, { kind: 'he' }, 5);
    const as = (net: Mlp, dtype: 'float32' | 'float64'): Mlp => new Mlp(net.spec, net.dense.map((d) => ({ W: astype(d.W.value, dtype), b: astype(d.b.value, dtype) })));
    const net32 = as(net64, 'float32');
    const training = { init: 'he', seed: 5, optimizer: 'momentum', learningRate: 0.01, iterations: 1, engine: 'plain' };
    const header = { inputShape: [64, 64, 3], classes: ['non-cat', 'cat'], preprocessing: { layout: 'flatten-hwc-columns', scale: 255 } as const, training };
    const text = JSON.stringify(mlpDocument({ ...header, net: net32, dtype: 'float32' }));
    const file = join(tmp, 'deep32.json');
    await writeFile(file, text);

    const onPage = readModelFile('deep32.json', text);
    expect(onPage.info).toEqual({
      kind: 'mlp',
      description: 'deep network [12288, 7, 1], relu hidden layers, sigmoid output',
      dtype: 'float32',
      inputShape: [64, 64, 3],
      classes: ['non-cat', 'cat'],
      model: { kind: 'mlp', layers: [12288, 7, 1], init: 'he', optimizer: 'momentum', seed: 5, engine: 'plain' },
      learningRate: 0.01,
    });
    const cli = await loadLossModel(file);
    // The same weights (float32 values) in a float64 file: float64 arithmetic.
    const wide = readModelFile('deep64.json', JSON.stringify(mlpDocument({ ...header, net: as(net32, 'float64'), dtype: 'float64' }))).model;
    const size = 64 * 64 * 3;
    let differs = 0;
    for (const j of [0, 1, 7]) {
      const pixels = (test.x.values() as Uint8Array).slice(j * size, (j + 1) * size);
      const p = probabilityOfPixels(onPage.model, pixels);
      expect(p).toBe(probabilityOfPixels(cli, pixels));
      const p64 = probabilityOfPixels(wide, pixels);
      expect(p).toBeCloseTo(p64, 5);
      if (p !== p64) differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });

  it('refuses a softmax network with a ModelFileError naming model.output', () => {
    const net = Mlp.initialize({ layers: [12288, 3, 2] }, { kind: 'he' }, 1);
    const doc = mlpDocument({ inputShape: [64, 64, 3], net, dtype: 'float64', classes: ['non-cat', 'cat'], preprocessing: { layout: 'flatten-hwc-columns', scale: 255 }, training: {} });
    expect(() => readModelFile('soft.json', JSON.stringify(doc))).toThrow(expect.objectContaining({ name: 'ModelFileError', field: 'model.output' }));
  });
});
