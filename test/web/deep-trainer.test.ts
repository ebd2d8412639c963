/**
 * The page's deep trainer (web/src/deep-trainer.ts) runs the CLI's prepareMlp and fit in
 * chunks: whatever the chunks, its recorded costs and final parameters are bit for bit those
 * of `trainMlp` (what `tsgrad train --model mlp` runs), for plain gradient descent and Adam.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledImages } from '../../src/data/dataset.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import { MLP_DEFAULTS, trainMlp } from '../../src/train/mlp.js';
import { catData, DeepTrainer } from '../../web/src/deep-trainer.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
let data: CatData;
let cli: CatData;

beforeAll(async () => {
  data = catData(await loadLabelledImages(join(DATASETS, 'train_catvnoncat.h5')), await loadLabelledImages(join(DATASETS, 'test_catvnoncat.h5')));
  cli = await loadCatData({ data: DATASETS });
});

describe('DeepTrainer', () => {
  it('prepares the data as loadCatData does', () => {
    expect(data.trainX.shape).toEqual([12288, 209]);
    expect([...data.trainX.values()]).toEqual([...cli.trainX.values()]);
    expect([...data.testY.values()]).toEqual([...cli.testY.values()]);
  });

  it('records the CLI\'s costs for the 2-layer model in uneven chunks (gd, iterations 0 and 100)', () => {
    const settings = { layers: [12288, 7, 1], init: 'scaled:0.01', seed: 1, optimizer: 'gd' as const };
    const t = new DeepTrainer(data, settings, 0.0075);
    expect(t.state().cost).toBe(0.693049735659989);
    for (const n of [3, 40, 1, 57, 9]) t.advance(n, 0.0075, 50, 101);
    expect(t.iterations).toBe(101);
    // The page trains with fit: bit for bit the CLI's plain engine (its fast one agrees to rounding).
    const ref = trainMlp(cli, { ...MLP_DEFAULTS, layers: [12288, 7, 1], init: 'scaled:0.01', epochs: 101, printEvery: 50, engine: 'plain' });
    const want = ref.costs.filter((c) => c.index % 50 === 0);
    expect(t.costs.map((c) => [c.iteration, c.cost])).toEqual(want.map((c) => [c.index, c.cost]));
    expect(t.costs[2]?.cost).toBe(0.6464320953428849);
    ref.net.parameters().forEach((p, i) => expect([...(t.net.parameters()[i]?.value.values() ?? [])]).toEqual([...p.value.values()]));
    const s = t.state();
    expect(s.trainAccuracy).toBe(ref.trainAccuracy);
    expect(s.testAccuracy).toBe(ref.testAccuracy);
    // The recorded test cost is that of the parameters before the recorded update.
    expect(t.costs[0]?.testCost).toBe(new DeepTrainer(data, settings, 0.0075).state().testCost);
  });

  it('keeps Adam\'s state across chunks', () => {
    const settings = { layers: [12288, 5, 3, 1], init: 'he', seed: 3, optimizer: 'adam' as const };
    const t = new DeepTrainer(data, settings, 0.001);
    for (const n of [2, 1, 3]) t.advance(n, 0.001, 1);
    const ref = trainMlp(cli, { ...MLP_DEFAULTS, layers: settings.layers, init: 'he', seed: 3, optimizer: 'adam', learningRate: 0.001, epochs: 6, printEvery: 1 });
    expect(t.costs.map((c) => c.cost)).toEqual(ref.costs.map((c) => c.cost));
  });

  it('refuses a last layer other than 1 with an ArgumentError naming layers', () => {
    expect(() => new DeepTrainer(data, { layers: [12288, 7, 2], init: 'he', seed: 1, optimizer: 'gd' }, 0.01)).toThrow(expect.objectContaining({ name: 'ArgumentError', argument: 'layers' }));
  });
});
