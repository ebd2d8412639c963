/**
 * The page's runs (web/src/page-run.ts) are the app layer's `TrainingRun`, advanced a frame
 * at a time: whatever the slices, the recorded costs and final parameters are bit for bit
 * those of the same run trained straight through (what `tsgrad train` runs), with every
 * step; the single neuron shows the CLI's 0.584508 at iteration 100 and the 2-layer network
 * its 0.646432; a CNN in mini-batches counts epochs and records the CLI's epoch costs.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossOn } from '../../src/train/evaluate.js';
import { TrainingRun } from '../../src/app/run.js';
import { L_LAYER, mlpLayers, NEURON, TWO_LAYER, type RunSettings } from '../../src/app/settings.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
import { parseArch } from '../../src/nn/registry.js';
import type { Tensor } from '../../src/tensor/index.js';
import { NEURON_MODEL } from '../../web/src/model-file.js';
import { PageRun } from '../../web/src/page-run.js';
import type { ModelSettings } from '../../web/src/protocol.js';
import { recordEveryFor } from '../../web/src/record-every.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
let data: { train: Dataset; test: Dataset };

beforeAll(async () => {
  const [train, test] = await Promise.all(['train', 'test'].map(async (s) => asDataset(await loadLabelledImages(`${DATASETS}${s}_catvnoncat.h5`))));
  data = { train: train as Dataset, test: test as Dataset };
});

const values = (ts: readonly Tensor[]): number[][] => ts.map((t) => [...t.values()]);
const model = (s: RunSettings, engine: ModelSettings['engine'] = s.engine): ModelSettings => ({ layers: s.layers, init: s.init, seed: s.seed, optimizer: s.optimizer, engine });

/** The same run straight through, as the CLI trains it. */
function straight(m: ModelSettings, learningRate: number, iterations: number, every: number): TrainingRun {
  const run = new TrainingRun(data, { ...TWO_LAYER, ...m, learningRate, epochs: iterations, printEvery: every, printLast: false });
  run.advance();
  return run;
}

/** Advances in slices of these sizes. */
function inSlices(r: PageRun, slices: readonly number[]): void {
  for (const n of slices) r.advance(r.iterations + n);
}

describe('the single neuron on the page', () => {
  it('records the CLI\'s costs and ends at its parameters, in uneven slices', () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, 10);
    expect(r.run.engine).toEqual({ engine: 'span' });
    inSlices(r, [7, 13, 1, 79, 50, 51]);
    expect(r.iterations).toBe(201);
    const ref = straight(NEURON_MODEL, 0.005, 201, 10);
    expect(r.costs.map((c) => [c.iteration, c.cost])).toEqual(ref.trainer.costs.map((c) => [c.index, c.cost]));
    ref.trainer.step.sync();
    expect(values(r.synced().parameters().map((p) => p.value))).toEqual(values(ref.model.parameters().map((p) => p.value)));
  });

  it('shows the reference cost after 100 iterations, and the test cost of the same parameters', () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, 1);
    r.advance(100);
    const s = r.readout();
    const ref = straight(NEURON_MODEL, 0.005, 101, 100);
    expect(r.iterations).toBe(100);
    expect(s.cost.toFixed(6)).toBe('0.584508');
    expect(s.cost).toBeCloseTo(ref.trainer.costs[1]?.cost ?? NaN, 14);
    expect(r.costs).toHaveLength(100);
    // Two classes: [1 - p, p] for each of the 50 test images.
    expect(s.testProbabilities).toHaveLength(100);
    // Test costs where the span step forms w anyway: every 50 iterations.
    expect(r.costs.filter((c) => Number.isFinite(c.testCost)).map((c) => c.iteration)).toEqual([0, 50]);
    const at50 = new PageRun(data, NEURON_MODEL, 0.005, 1);
    at50.advance(50);
    expect(r.costs[50]?.testCost).toBe(at50.readout().testCost);
  });

  it('reaches the reference accuracies after 2000 iterations', () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, recordEveryFor(2000));
    r.advance(2000);
    const s = r.readout();
    expect(s.trainAccuracy).toBeCloseTo(99.04306220095694, 10);
    expect(s.testAccuracy).toBe(70);
    expect(r.costs.find((c) => c.iteration === 1900)?.cost.toFixed(6)).toBe('0.140872');
  });

  it('continues from given parameters, and starts from zeros without them', () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, 10);
    r.advance(100);
    const start = r.synced().parameters().map((p) => p.value);
    const cost = r.readout().cost;
    const again = new PageRun(data, NEURON_MODEL, 0.005, 10, start);
    expect(again.iterations).toBe(0);
    expect(again.readout().cost).toBe(cost);
    again.advance(50);
    r.advance(150);
    expect(again.readout().cost).toBeCloseTo(r.readout().cost, 12);
    expect(new PageRun(data, NEURON_MODEL, 0.005, 10).readout().cost).toBeCloseTo(Math.LN2, 14);
  });

  it('takes a new learning rate mid-run from where it stands, as the autodiff step does', () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, 10);
    r.advance(30);
    r.configure(0.01, 5);
    r.advance(60);
    const a = new PageRun(data, { ...NEURON_MODEL, engine: 'autodiff' }, 0.005, 10);
    a.advance(30);
    a.configure(0.01, 5);
    a.advance(60);
    expect(r.costs.map((c) => c.iteration)).toEqual([0, 10, 20, 30, 35, 40, 45, 50, 55]);
    expect(a.costs.map((c) => c.iteration)).toEqual(r.costs.map((c) => c.iteration));
    r.costs.forEach((c, i) => expect(c.cost).toBeCloseTo(a.costs[i]?.cost ?? NaN, 12));
    expect(r.readout().cost).toBeCloseTo(a.readout().cost, 12);
  });
});

describe('divergence on the page', () => {
  // `tsgrad train --learning-rate 0.05` prints costs 0.693147 5.256765 13.437073 15.771223
  // 3.071143 for iterations 0 to 4, then stops: the cost at iteration 5 is NaN.
  it.each([[[100]], [[1, 1, 1, 1, 1, 1, 1]], [[2, 3, 4]], [[5, 1]]])('stops where the CLI does and keeps the parameters of iteration 4, in slices %j', (slices) => {
    const r = new PageRun(data, NEURON_MODEL, 0.05, 1);
    inSlices(r, slices);
    expect(r.run.trainer.diverged).toEqual({ iteration: 5, epoch: 5, batch: 0, cost: NaN, kept: 4 });
    expect(r.iterations).toBe(5);
    expect(r.costs.map((c) => c.cost.toFixed(6))).toEqual(['0.693147', '5.256765', '13.437073', '15.771223', '3.071143']);
    expect(r.advance(100)).toBe(0);
    const ref = new PageRun(data, NEURON_MODEL, 0.05, 1);
    ref.advance(4);
    expect(values(r.synced().parameters().map((p) => p.value))).toEqual(values(ref.synced().parameters().map((p) => p.value)));
    expect(r.readout().cost.toFixed(6)).toBe('3.071143');
  });

  it('stops a deep network where the CLI stops, with the same parameters', () => {
    const m = model(TWO_LAYER);
    const r = new PageRun(data, m, 40, 1);
    for (let k = 0; k < 10 && r.run.trainer.diverged === undefined; k++) r.advance(r.iterations + 5);
    const ref = straight(m, 40, 50, 1);
    expect(ref.trainer.diverged).toBeDefined();
    expect(r.run.trainer.diverged).toEqual(ref.trainer.diverged);
    expect(r.advance(100)).toBe(0);
    ref.trainer.step.sync();
    expect(values(r.synced().parameters().map((p) => p.value))).toEqual(values(ref.model.parameters().map((p) => p.value)));
  });
});

describe('deep networks on the page', () => {
  it('record the CLI\'s costs for the 2-layer model in uneven slices (autodiff, iterations 0, 50 and 100)', () => {
    const m = model(TWO_LAYER, 'autodiff');
    const r = new PageRun(data, m, 0.0075, 50);
    expect(r.readout().cost).toBeCloseTo(0.693049735659989, 14);
    inSlices(r, [3, 40, 1, 57, 9]);
    expect(r.iterations).toBe(110);
    const ref = straight(m, 0.0075, 110, 50);
    expect(r.costs.map((c) => [c.iteration, c.cost])).toEqual(ref.trainer.costs.map((c) => [c.index, c.cost]));
    expect(r.costs[2]?.cost).toBe(0.6464320953428849);
    expect(values(r.synced().parameters().map((p) => p.value))).toEqual(values(ref.model.parameters().map((p) => p.value)));
    const s = r.readout();
    const result = ref.result();
    expect(s.trainAccuracy).toBe(result.trainAccuracy);
    expect(s.testAccuracy).toBe(result.testAccuracy);
    // The recorded test cost is that of the parameters before the recorded update.
    expect(r.costs[0]?.testCost).toBe(new PageRun(data, m, 0.0075, 50).readout().testCost);
    expect(r.costs.every((c) => Number.isFinite(c.testCost))).toBe(true);
  });

  it('train with the span step in slices, bit for bit the CLI\'s default, the test costs every 50 iterations', () => {
    const m = model({ ...TWO_LAYER, optimizer: 'momentum' });
    const r = new PageRun(data, m, 0.0075, 10);
    expect(r.run.engine).toEqual({ engine: 'span' });
    inSlices(r, [30, 1, 69, 1]);
    const ref = straight(m, 0.0075, 101, 10);
    expect(ref.engine.engine).toBe('span');
    expect(r.costs.map((c) => [c.iteration, c.cost])).toEqual(ref.trainer.costs.map((c) => [c.index, c.cost]));
    ref.trainer.step.sync();
    expect(values(r.synced().parameters().map((p) => p.value))).toEqual(values(ref.model.parameters().map((p) => p.value)));
    const auto = new PageRun(data, { ...m, engine: 'autodiff' }, 0.0075, 10);
    auto.advance(101);
    expect(r.costs.filter((c) => Number.isFinite(c.testCost)).map((c) => c.iteration)).toEqual([0, 50, 100]);
    r.costs.forEach((c, i) => {
      if (Number.isFinite(c.testCost)) expect(c.testCost).toBeCloseTo(auto.costs[i]?.testCost ?? NaN, 12);
    });
    // Recording every iteration, the span step's test costs still come every 50 (each forms W1).
    const every1 = new PageRun(data, m, 0.0075, 1);
    every1.advance(52);
    expect(every1.costs.map((c) => Number.isFinite(c.testCost))).toEqual(Array.from({ length: 52 }, (_, i) => i % 50 === 0));
    expect(every1.costs[50]?.testCost).toBeCloseTo(auto.costs[5]?.testCost ?? NaN, 12);
  });

  it('keep Adam\'s state across slices, with the autodiff step and the CLI\'s note why', () => {
    const m: ModelSettings = { layers: mlpLayers([5, 3, 1]), init: 'he', seed: 3, optimizer: 'adam', engine: 'span' };
    const r = new PageRun(data, m, 0.001, 1);
    expect(r.run.engine.engine).toBe('autodiff');
    expect(r.run.engine.note).toMatch(/adam is not linear/);
    inSlices(r, [2, 1, 3]);
    expect(r.costs.map((c) => c.cost)).toEqual(straight(m, 0.001, 6, 1).trainer.costs.map((c) => c.cost));
    expect(r.secondsPerUpdate).toBeGreaterThan(0);
  });

  it('start the L-layer network at the CLI\'s first cost, and refuse a model the data cannot train with the app layer\'s ArgumentError', () => {
    const r = new PageRun(data, model(L_LAYER), 0.0075, 1);
    r.advance(1);
    expect(r.costs[0]?.cost).toBe(straight(model(L_LAYER), 0.0075, 1, 1).trainer.costs[0]?.cost);
    expect(r.costs[0]?.cost).toBeCloseTo(lossOn(new PageRun(data, model(L_LAYER), 0.0075, 1).synced(), r.run.inputs('train'), data.train.labels), 14);
    expect(() => new PageRun(data, { ...model(TWO_LAYER), layers: mlpLayers([7, 3]) }, 0.01, 1)).toThrow(expect.objectContaining({ name: 'ArgumentError', argument: 'layers' }));
  });

  it('records at most 500 costs, including iteration 100 in runs up to 50,000 iterations', () => {
    for (const n of [1, 100, 101, 2000, 10_000, 50_000, 1_000_000]) {
      const every = recordEveryFor(n);
      expect(n / every).toBeLessThanOrEqual(500);
      if (n <= 50_000) expect(100 % every).toBe(0);
    }
    expect(recordEveryFor(2000)).toBe(5);
    expect(NEURON.printEvery).toBe(100);
  });
});

describe('a CNN in mini-batches on the page', () => {
  // Small, so that the test is quick: 4 filters, then straight to the output.
  const cnn: ModelSettings = { layers: parseArch('conv:4:3:same,relu,maxpool:8:8,flatten,dense:2,softmax'), init: 'glorot', seed: 1, optimizer: 'adam', engine: 'auto', batchSize: 64 };

  it('counts epochs, and records the CLI\'s epoch costs and parameters bit for bit, one update a slice', () => {
    const r = new PageRun(data, cnn, 0.009, 1);
    expect([r.unit, r.updatesPer, r.run.engine.engine]).toEqual(['epoch', 4, 'autodiff']);
    // A deadline already passed: one mini-batch per slice, so slices end mid-epoch.
    const positions: number[] = [];
    while (r.iterations < 3) {
      expect(r.advance(3, 0)).toBe(1);
      positions.push(r.iterations);
    }
    expect(positions).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
    expect(r.run.trainer.iterations).toBe(12);
    expect(r.advance(3)).toBe(0);
    // The CLI's run, with the test cost of the parameters at each epoch's start.
    const tests: number[] = [];
    const ref = new TrainingRun(data, { ...TWO_LAYER, ...cnn, learningRate: 0.009, epochs: 3, printEvery: 1, printLast: false }, {
      onRecord: () => tests.push(lossOn(ref.model, ref.inputs('test'), data.test.labels)),
    });
    const start = lossOn(ref.model, ref.inputs('test'), data.test.labels);
    ref.advance();
    expect(r.costs.map((c) => [c.iteration, c.cost])).toEqual(ref.trainer.costs.map((c) => [c.index, c.cost]));
    expect(ref.trainer.costs.map((c) => c.unit)).toEqual(['epoch', 'epoch', 'epoch']);
    // Epoch 0 from the initial weights, epochs 1 and 2 from the weights the epoch before left.
    expect(r.costs.map((c) => c.testCost)).toEqual([start, tests[0], tests[1]]);
    expect(values(r.synced().parameters().map((p) => p.value))).toEqual(values(ref.model.parameters().map((p) => p.value)));
    expect(r.secondsPerUpdate).toBeGreaterThan(0);
  });
});
