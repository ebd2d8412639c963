/**
 * The page's deep trainer (web/src/deep-trainer.ts) runs the CLI's prepareMlp and fit or
 * fitGram in chunks: whatever the chunks, with the plain engine its recorded costs and final
 * parameters are bit for bit those of `trainMlp --engine plain` (gradient descent and Adam);
 * with the fast engine they agree with the CLI's default run to rounding.
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
    const settings = { layers: [12288, 7, 1], init: 'scaled:0.01', seed: 1, optimizer: 'gd' as const, engine: 'plain' as const };
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

  it('trains with the fast engine in slices, bit for bit the CLI\'s default, the test costs at every record', () => {
    const settings = { layers: [12288, 7, 1], init: 'scaled:0.01', seed: 1, optimizer: 'momentum' as const, engine: 'fast' as const };
    const t = new DeepTrainer(data, settings, 0.0075);
    expect(t.engine).toEqual({ engine: 'fast' });
    for (const n of [30, 1, 69, 1]) t.advance(n, 0.0075, 10, 101);
    const ref = trainMlp(cli, { ...MLP_DEFAULTS, layers: [12288, 7, 1], init: 'scaled:0.01', optimizer: 'momentum', epochs: 101, printEvery: 10 });
    expect(ref.engine.engine).toBe('fast');
    const want = ref.costs.filter((c) => c.index % 10 === 0);
    expect(t.costs.map((c) => c.iteration)).toEqual(want.map((c) => c.index));
    expect(t.costs.map((c) => c.cost)).toEqual(want.map((c) => c.cost));
    ref.net.parameters().forEach((p, i) => expect([...(t.net.parameters()[i]?.value.values() ?? [])]).toEqual([...p.value.values()]));
    // The recorded test costs (every 50 iterations) are those of the parameters at their iteration (W1 formed there).
    const plain = new DeepTrainer(data, { ...settings, engine: 'plain' }, 0.0075);
    plain.advance(101, 0.0075, 10, 101);
    expect(t.costs.filter((c) => Number.isFinite(c.testCost)).map((c) => c.iteration)).toEqual([0, 50, 100]);
    t.costs.forEach((c, i) => {
      if (Number.isFinite(c.testCost)) expect(c.testCost).toBeCloseTo(plain.costs[i]?.testCost ?? NaN, 12);
    });
    // Recording every iteration, the fast engine's test costs come every 50 (each forms W1).
    const every1 = new DeepTrainer(data, settings, 0.0075);
    every1.advance(52, 0.0075, 1);
    expect(every1.costs.map((c) => Number.isFinite(c.testCost))).toEqual(Array.from({ length: 52 }, (_, i) => i % 50 === 0));
    expect(every1.costs[50]?.testCost).toBeCloseTo(plain.costs[5]?.testCost ?? NaN, 12);
  });

  it('keeps Adam\'s state across chunks, with the plain engine and the CLI\'s note why', () => {
    const settings = { layers: [12288, 5, 3, 1], init: 'he', seed: 3, optimizer: 'adam' as const, engine: 'fast' as const };
    const t = new DeepTrainer(data, settings, 0.001);
    expect(t.engine.engine).toBe('plain');
    expect(t.engine.note).toMatch(/adam is not linear/);
    for (const n of [2, 1, 3]) t.advance(n, 0.001, 1);
    const ref = trainMlp(cli, { ...MLP_DEFAULTS, layers: settings.layers, init: 'he', seed: 3, optimizer: 'adam', learningRate: 0.001, epochs: 6, printEvery: 1 });
    expect(t.costs.map((c) => c.cost)).toEqual(ref.costs.map((c) => c.cost));
  });

  it('stops where the CLI stops when the cost diverges, with the same parameters', () => {
    const settings = { layers: [12288, 7, 1], init: 'scaled:0.01', seed: 1, optimizer: 'gd' as const, engine: 'fast' as const };
    const t = new DeepTrainer(data, settings, 40);
    for (let k = 0; k < 10 && t.diverged === undefined; k++) t.advance(5, 40, 1);
    const ref = trainMlp(cli, { ...MLP_DEFAULTS, layers: [12288, 7, 1], init: 'scaled:0.01', learningRate: 40, epochs: 50, printEvery: 1 });
    expect(ref.fit.diverged).toBeDefined();
    expect(t.diverged).toEqual(ref.fit.diverged);
    expect(t.advance(5, 40, 1)).toBe(0);
    ref.net.parameters().forEach((p, i) => expect([...(t.net.parameters()[i]?.value.values() ?? [])]).toEqual([...p.value.values()]));
  });

  it('refuses a last layer other than 1 with an ArgumentError naming layers', () => {
    expect(() => new DeepTrainer(data, { layers: [12288, 7, 2], init: 'he', seed: 1, optimizer: 'gd', engine: 'fast' }, 0.01)).toThrow(expect.objectContaining({ name: 'ArgumentError', argument: 'layers' }));
  });
});
