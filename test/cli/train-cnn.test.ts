/**
 * Convolutional networks from the CLI: train on 600 MNIST digits cut from the shared set (a
 * few seconds), then evaluate, predict and plot the model file with the split it recorded,
 * and the one-line refusals of an --arch that does not fit the data. The full LeNet-5 run
 * (97 % on the last 2,000 digits, README) runs with TSGRAD_SLOW=1.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { featuresCommand } from '../../src/cli/features.js';
import { saliencyCommand } from '../../src/cli/saliency.js';
import { landscapeCommand } from '../../src/cli/landscape.js';
import { plotCommand } from '../../src/cli/plot.js';
import { predictCommand } from '../../src/cli/predict.js';
import { trainCommand } from '../../src/cli/train.js';
import { DATASETS, int64, removeTempDirs, tempDir, writeH5 } from '../data/fixtures.js';
import { RandomState } from '../../src/core/rng.js';
import { runInProcess } from './command-helper.js';

afterAll(removeTempDirs);
const slow = process.env['TSGRAD_SLOW'] === '1';
const MNIST = join(DATASETS, 'mnist');
const ARCH = 'conv:4:5:same,relu,maxpool:2:2,flatten,dense:10,softmax';
let dir = '';
let images: Buffer;

beforeAll(async () => {
  dir = await tempDir();
  images = gunzipSync(readFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(join(MNIST, 't10k-labels-idx1-ubyte.gz')));
  const m = 600;
  const x = Buffer.from(images.subarray(0, 16 + m * 784));
  x.writeUInt32BE(m, 4);
  const y = Buffer.from(labels.subarray(0, 8 + m));
  y.writeUInt32BE(m, 4);
  await writeFile(join(dir, 'small-images-idx3-ubyte'), x);
  await writeFile(join(dir, 'small-labels-idx1-ubyte'), y);
  // Digit 599 (the last test digit, a 9 in MNIST's order) as a PNG for predict.
  await sharp(images.subarray(16 + 599 * 784, 16 + 600 * 784), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(dir, 'digit.png'));
});

describe('tsgrad train with convolutions', () => {
  it('trains a small CNN, saves it with its split, and evaluate / predict read it back', async () => {
    const model = join(dir, 'cnn.json');
    const args = ['--data', dir, '--test-last', '100', '--arch', ARCH, '--optimizer', 'adam', '--learning-rate', '0.003', '--batch-size', '32', '--epochs', '3', '--init', 'he', '--print-every', '1', '--save', model];
    const t = await runInProcess(trainCommand(), args);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('model: conv:4:5:same:1,relu,maxpool:2:2:valid,flatten,dense:10,softmax, init he, seed 1, float64');
    expect(t.stdout).toContain('engine: autodiff');
    // The course's 17 digits, not the single neuron's 6.
    expect(t.stdout).toMatch(/Epoch 2: cost 0\.\d{12,}, test cost 0\.\d{12,}, test accuracy [\d.]+ %/);
    const test = Number(/^test accuracy: ([\d.]+) %/m.exec(t.stdout)?.[1]);
    // The epoch report scores the last parameters, as the final line does.
    expect(Number(/Epoch 2: .*test accuracy ([\d.]+) %/.exec(t.stdout)?.[1])).toBe(test);
    expect(test).toBeGreaterThan(65);
    const saved = JSON.parse(readFileSync(model, 'utf8')) as { training: { split: unknown }; parameters: Record<string, { shape: number[] }> };
    expect(saved.training.split).toEqual({ testLast: 100 });
    expect(saved.parameters['W1']?.shape).toEqual([5, 5, 1, 4]);
    // evaluate takes the recorded files and split: the same test accuracy as training printed.
    const e = await runInProcess(evaluateCommand(), [model, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { test: { accuracy: number } }).test.accuracy).toBe(test);
    const p = await runInProcess(predictCommand(), [model, join(dir, 'digit.png'), '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/"class(Name)?":"\d"/);
    // Ten classes: the three most probable, in order, beside the prediction.
    const text = await runInProcess(predictCommand(), [model, join(dir, 'digit.png')]);
    const [head, row] = text.stdout.trim().split('\n');
    expect(head).toMatch(/probability  top 3$/);
    const ranked = [...(row ?? '').matchAll(/(\d) (\d\.\d{4})/g)].map((m) => Number(m[2]));
    expect(ranked).toHaveLength(3);
    expect(ranked[0]).toBeGreaterThanOrEqual(ranked[1] ?? 1);
    expect(ranked[1]).toBeGreaterThanOrEqual(ranked[2] ?? 1);
    // Grayscale models get their saliency map and feature maps too.
    const sal = await runInProcess(saliencyCommand(), [model, join(dir, 'digit.png'), '--out', join(dir, 'sal')]);
    expect(sal.code, sal.stderr).toBe(0);
    const pic = await sharp(join(dir, 'sal', 'digit-saliency.png')).metadata();
    expect(pic.width).toBeGreaterThan(3 * 28);
    const feats = await runInProcess(featuresCommand(), [model, join(dir, 'digit.png'), '--out', join(dir, 'feats')]);
    expect(feats.code, feats.stderr).toBe(0);
    expect(feats.stdout).toContain('layer 1 conv: (28, 28, 4), 4 maps');
    // The pictures and the loss landscape of a CNN model file, on the recorded split.
    const plots = await runInProcess(plotCommand(), [model, '--out', join(dir, 'plots'), '--json']);
    expect(plots.code, plots.stderr).toBe(0);
    const land = await runInProcess(landscapeCommand(), [model, '--out', join(dir, 'land'), '--grid', '3', '--alpha-points', '3', '--workers', '1', '--json']);
    expect(land.code, land.stderr).toBe(0);
    expect(JSON.parse(land.stdout)).toMatchObject({ arch: 'conv:4:5:same:1,relu,maxpool:2:2:valid,flatten,dense:10,softmax' });
  }, 120_000);

  it('refuses an --arch that does not fit the images before training, naming the layer and its input', async () => {
    const r = await runInProcess(trainCommand(), ['--data', dir, '--test-last', '100', '--arch', 'conv:4:5,maxpool:2:2,conv:8:13,flatten,dense:10,softmax']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('tsgrad: error: --arch: conv:8:13:valid:1 (layer 3): a 13x13 window (stride 1, padding valid) does not fit inputs of shape (12, 12, 4), padded to 12x12');
    const flat = await runInProcess(trainCommand(), ['--data', dir, '--test-last', '100', '--arch', 'conv:4:5,dense:10,softmax']);
    expect(flat.code).toBe(2);
    expect(flat.stderr.trim()).toBe('tsgrad: error: --arch: dense:10: takes flat inputs, got items of shape (24, 24, 4): put a flatten layer before it');
  });

  it("trains the course's SIGNS network (--model signs-cnn) on any HDF5 file of the SIGNS layout", async () => {
    // Six classes of 64x64x3 noise, each with a bright square in its own place: learnable.
    const rng = new RandomState(5);
    const signs = (m: number): { x: Uint8Array; y: number[] } => {
      const y = Array.from({ length: m }, (_, i) => i % 6);
      const x = Uint8Array.from(rng.randArray(m * 64 * 64 * 3), (u) => Math.floor(u * 100));
      y.forEach((k, i) => {
        for (let r = 8 * k; r < 8 * k + 12; r++) for (let c = 20; c < 40; c++) for (let ch = 0; ch < 3; ch++) x[((i * 64 + r) * 64 + c) * 3 + ch] = 250;
      });
      return { x, y };
    };
    const names = ['zero', 'one', 'two', 'three', 'four', 'five'];
    const tr = signs(120);
    const te = signs(30);
    const train = await writeH5(join(dir, 'train_signs.h5'), { train_set_x: { data: tr.x, shape: [120, 64, 64, 3], dtype: '<B' }, train_set_y: int64(tr.y), list_classes: { data: names } });
    const test = await writeH5(join(dir, 'test_signs.h5'), { test_set_x: { data: te.x, shape: [30, 64, 64, 3], dtype: '<B' }, test_set_y: int64(te.y), list_classes: { data: names } });
    const model = join(dir, 'signs.json');
    const r = await runInProcess(trainCommand(), ['--train', train, '--test', test, '--model', 'signs-cnn', '--epochs', '10', '--save', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('model: conv:8:4:same:1,relu,maxpool:8:8:same,conv:16:2:same:1,relu,maxpool:4:4:same,flatten,dense:6,softmax, init glorot');
    expect(r.stdout).toContain('training: adam, learning rate 0.009, 10 epochs of mini-batches of 64');
    expect(Number(/test accuracy: ([\d.]+) %/.exec(r.stdout)?.[1])).toBeGreaterThan(80);
    const saved = JSON.parse(readFileSync(model, 'utf8')) as { classes: string[] };
    expect(saved.classes).toEqual(names);
  }, 120_000);

  it.runIf(slow)('LeNet-5 on the first 8,000 digits reaches 97 % on the last 2,000', async () => {
    const r = await runInProcess(trainCommand(), ['--data', MNIST, '--test-last', '2000', '--model', 'lenet5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { testAccuracy: number }).testAccuracy).toBeGreaterThanOrEqual(97);
  }, 1_800_000);
});
