import { textWidth, wrapLines } from '../../src/viz/text-width.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/data/image.js';
import { fromArray, randn } from '../../src/tensor/index.js';
import { classificationReport } from '../../src/train/metrics.js';
import { misclassifiedSvg, scaleToBytes, weightsImages, writeTrainingPlots } from '../../src/viz/training.js';
import { removeTempDirs, tempDir } from '../data/fixtures.js';
import { expectPng, expectSvg, shortTraining } from './helpers.js';

afterAll(removeTempDirs);

describe('training plots', () => {
  it('writes the cost curve, weights, misclassified grid and confusion matrix as readable pictures', async () => {
    const { data, result } = await shortTraining();
    const dir = join(await tempDir(), 'plots');
    const written = await writeTrainingPlots(dir, result, data);
    const names = ['confusion.png', 'confusion.svg', 'cost.png', 'cost.svg', 'misclassified.png', 'misclassified.svg', 'weights-figure.png', 'weights-figure.svg', 'weights.png'];
    expect((await readdir(dir)).sort()).toEqual(names);
    expect(written.files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(names);

    const settings = 'learning rate 0.005 · 200 iterations';
    await expectSvg(join(dir, 'cost.svg'), ['Cost during training', 'iteration (gradient descent steps)', 'cost J (mean cross-entropy, nats)', settings]);
    await expectPng(join(dir, 'cost.png'), { minWidth: 600, minHeight: 400 });

    // The learned weights: exactly 64x64 RGB, spanning the full byte range.
    const w = await decodeImage(join(dir, 'weights.png'));
    expect([w.width, w.height, w.channels]).toEqual([64, 64, 3]);
    expect(Math.min(...w.pixels)).toBe(0);
    expect(Math.max(...w.pixels)).toBe(255);
    await expectSvg(join(dir, 'weights-figure.svg'), ['Learned weights', 'pixel column (x, 64 px)', 'pixel row (y, 64 px)', settings]);
    await expectPng(join(dir, 'weights-figure.png'), { minWidth: 384 });

    expect(written.confusion['test']).toEqual(result.test?.confusion);
    expect(written.confusion['train']).toEqual(result.train.confusion);
    expect(written.misclassified).toBe((written.confusion['test']?.[0]?.[1] ?? 0) + (written.confusion['test']?.[1]?.[0] ?? 0));
    expect(written.misclassified).toBeGreaterThan(0);
    const grid = await expectSvg(join(dir, 'misclassified.svg'), ['Misclassified test images', `${written.misclassified} of 50 test images misclassified`, 'true: ', 'predicted: ']);
    expect(grid.match(/<image /g)).toHaveLength(written.misclassified);
    await expectPng(join(dir, 'misclassified.png'), { minWidth: 600 });

    await expectSvg(join(dir, 'confusion.svg'), ['Confusion matrix', 'predicted class', 'true class', 'train set (209 images', 'test set (50 images', 'non-cat', 'cat']);
    await expectPng(join(dir, 'confusion.png'), { minWidth: 600 });
    const total = (c: number[][] | undefined): number => (c ?? []).flat().reduce((a, b) => a + b, 0);
    expect(total(written.confusion['train'])).toBe(209);
    expect(total(written.confusion['test'])).toBe(50);
  });

  it("draws a deep network's first-layer units as a grid of pictures, each scaled on its own", async () => {
    const units = [0, 1, 2].map((u) => ({ name: `W1 unit ${u + 1}`, image: randn([8, 8, 3], u) }));
    const pd = { model: 'deep network', settings: ['lr 0.1'], classes: ['non-cat', 'cat'], costs: [], costUnit: 'iteration' as const, sets: [], weightImages: units };
    const r = await weightsImages(pd);
    expect(r).not.toBeNull();
    const svg = r?.svg ?? '';
    expect(svg.match(/<image /g)).toHaveLength(3);
    for (const u of units) expect(svg).toContain(`>${u.name}</text>`);
    expect(svg).toContain('3 first-layer units, each reshaped to 8x8x3');
    const first = await decodeImage(r?.png ?? Buffer.alloc(0));
    expect([first.width, first.height]).toEqual([8, 8]);
    expect(await weightsImages({ ...pd, weightImages: [] })).toBeNull();
  });

  it('scales weights min-max to bytes; a constant image is mid grey', () => {
    expect([...scaleToBytes(fromArray([[[-2, 0, 2]]])).pixels]).toEqual([0, 128, 255]);
    expect(scaleToBytes(fromArray([[[-2, 0, 2]]]))).toMatchObject({ min: -2, max: 2 });
    expect([...scaleToBytes(fromArray([[[5, 5, 5]]])).pixels]).toEqual([128, 128, 128]);
  });

  it('shows P(class 1) for two classes and the predicted class for more in the misclassified grid', async () => {
    const images = fromArray(Array.from({ length: 3 * 2 * 2 * 3 }, () => 1), [3, 2, 2, 3]);
    const labels = [0, 1, 2];
    const predicted = [0, 2, 1];
    const set = { name: 'test' as const, file: '', images, labels, predicted, probabilities: [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]], report: classificationReport(predicted, labels, 3) };
    const pd = { model: 'm', settings: [], classes: ['a', 'b', 'c'], costs: [], costUnit: 'iteration' as const, sets: [set], weightImages: [] };
    const { svg, count } = await misclassifiedSvg(pd, set);
    expect(count).toBe(2);
    for (const t of ['P(predicted class)', 'true: b', 'predicted: c', 'p = 0.600', 'p = 0.500']) expect(svg).toContain(t);
    const two = { ...set, labels: [0, 1, 1], predicted: [1, 1, 0], probabilities: [[0.4, 0.6], [0.2, 0.8], [0.9, 0.1]], report: classificationReport([1, 1, 0], [0, 1, 1], 2) };
    const r = await misclassifiedSvg({ ...pd, classes: ['non-cat', 'cat'], sets: [two] }, two);
    for (const t of ['P(cat)', 'p = 0.600', 'p = 0.100']) expect(r.svg).toContain(t);
  });
});

describe('subtitles that fit their figure', () => {
  it('wrapLines breaks after commas and separators so each line fits, keeping every character', () => {
    const arch = 'conv:6:5:same:1,relu,maxpool:2:2:valid,conv:16:5:valid:1,relu,maxpool:2:2:valid,flatten,dense:120,relu,dense:84,relu,dense:10,softmax: (28, 28, 1) inputs';
    const lines = wrapLines([arch, 'short'], 300, 12);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toBe('short');
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(300);
    expect(lines.slice(0, -1).join('').replace(/\s/g, '')).toBe(arch.replace(/\s/g, ''));
  });
});
