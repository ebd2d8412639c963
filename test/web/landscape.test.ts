/**
 * The page's landscape (web/src/landscape.ts) is the CLI's: for a model trained on the page,
 * the numbers equal those `tsgrad landscape` computes from the model file the page saves
 * (readModelText, computeLandscape with the CLI's own evaluator on that thread), to the last bit.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeLandscape, localEvaluator, lossSet, type LossSet } from '../../src/analysis/landscape.js';
import { TWO_LAYER } from '../../src/app/settings.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
import { readModelText } from '../../src/io/model-file.js';
import { Cancelled, pageLandscape } from '../../web/src/landscape.js';
import { NEURON_MODEL, runFileText } from '../../web/src/model-file.js';
import { PageRun } from '../../web/src/page-run.js';
import type { ModelSettings } from '../../web/src/protocol.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const FILES = { train: 'train_catvnoncat.h5', test: 'test_catvnoncat.h5' };
let data: { train: Dataset; test: Dataset };

beforeAll(async () => {
  const [train, test] = await Promise.all(['train', 'test'].map(async (s) => asDataset(await loadLabelledImages(`${DATASETS}${s}_catvnoncat.h5`))));
  data = { train: train as Dataset, test: test as Dataset };
});

/** The page's landscape of a run, and `tsgrad landscape`'s of the file the page saves for it. */
async function both(r: PageRun, grid: number): Promise<[Awaited<ReturnType<typeof pageLandscape>>, Awaited<ReturnType<typeof computeLandscape>>]> {
  const x = { train: r.run.inputs('train'), test: r.run.inputs('test') };
  const sets = (xs: typeof x): [LossSet, LossSet] => [{ x: xs.train, labels: data.train.labels }, { x: xs.test, labels: data.test.labels }];
  const onPage = await pageLandscape({ model: r.synced(), settings: r.run.settings }, ...sets(x), grid, () => undefined, () => false);
  const file = readModelText('page.json', runFileText(r.run.result(), FILES));
  const cli = await computeLandscape({ model: file.model, settings: file.training.settings }, lossSet(data.train, file.preprocessing, file.dtype), lossSet(data.test, file.preprocessing, file.dtype), { gridSize: grid }, localEvaluator);
  return [onPage, cli];
}

describe('the page\'s loss landscape', () => {
  it('equals tsgrad landscape on the saved 2-layer network, line and surface', async () => {
    const m: ModelSettings = { layers: TWO_LAYER.layers, init: TWO_LAYER.init, seed: 1, optimizer: 'gd', engine: 'auto' };
    const r = new PageRun(data, m, 0.0075, 1);
    r.advance(5);
    const [onPage, cli] = await both(r, 5);
    expect(onPage).toEqual(cli);
    // The centre of the surface is the network's own loss.
    expect(onPage.surface.train[2]?.[2]).toBe(r.readout().cost);
  });

  it('equals tsgrad landscape on the saved single neuron, from ln 2 at the zeros', async () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, 10);
    r.advance(50);
    const [onPage, cli] = await both(r, 5);
    expect(onPage).toEqual(cli);
    expect(onPage.interpolation.train[10]).toBeCloseTo(Math.LN2, 14);
  });

  it('reports progress up to every job, and stops when cancelled', async () => {
    const r = new PageRun(data, NEURON_MODEL, 0.005, 10);
    const sets: [LossSet, LossSet] = [{ x: r.run.inputs('train'), labels: data.train.labels }, { x: r.run.inputs('test'), labels: data.test.labels }];
    const trained = { model: r.synced(), settings: r.run.settings };
    const seen: [number, number][] = [];
    await pageLandscape(trained, ...sets, 3, (d, n) => seen.push([d, n]), () => false);
    // 2 trained losses, 41 α × 2 sets, 3 × 3 surface points.
    expect(seen.at(-1)).toEqual([93, 93]);
    expect(seen).toHaveLength(93);
    let calls = 0;
    await expect(pageLandscape(trained, ...sets, 3, () => undefined, () => ++calls > 4)).rejects.toBeInstanceOf(Cancelled);
  });
});
