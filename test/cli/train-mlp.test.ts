import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { g17 } from '../../src/cli/train-mlp.js';
import { trainCommand } from '../../src/cli/train.js';
import { loadMlpModel } from '../../src/train/model-file.js';
import { DATASETS, images, int64, removeTempDirs, tempDir, writeH5 } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

afterAll(removeTempDirs);

const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
  two_layer: { costs: { iteration: number; cost: number }[] };
  variants: { name: string; epochCosts: number[] }[];
};

const train = (...args: string[]) => runInProcess(trainCommand(), ['--data', DATASETS, ...args]);

/** A user error: exit 2, one line on stderr naming what is wrong, nothing trained. */
function expectUserError(r: { code: number; stdout: string; stderr: string }, ...words: string[]): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  for (const w of words) expect(lines[0]).toContain(w);
  expect(r.stdout).not.toContain('Cost after');
}

describe('tsgrad train --model mlp', () => {
  it("prints the course's costs with 17 significant digits, every --print-every iterations and the last, then the accuracies", async () => {
    const r = await train('--model', 'mlp', '--layers', '12288,7,1', '--init', 'scaled:0.01', '--seed', '1', '--learning-rate', '0.0075', '--iterations', '3', '--print-every', '2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('train_set_x_flatten shape: (12288, 209)\nnetwork: [12288, 7, 1], relu hidden layers, init scaled:0.01, seed 1\n');
    expect(r.stdout).toContain('training: gd, learning rate 0.0075, 3 iterations (full batch)\n');
    const costs = [...r.stdout.matchAll(/^Cost after iteration (\d+): (\S+)$/gm)].map((m) => [Number(m[1]), m[2] as string] as const);
    expect(costs.map((c) => c[0])).toEqual([0, 2]);
    for (const [, text] of costs) expect(text.replace(/^0\./, '').length).toBe(17);
    expect(Math.abs(Number(costs[0]![1]) - fixture.two_layer.costs[0]!.cost)).toBeLessThan(1e-8);
    expect(r.stdout).toMatch(/\ntrain accuracy: [\d.]+ %\ntest accuracy: [\d.]+ %\n$/);
  });

  it('--engine fast (the default) and --engine plain print the same costs; Adam trains plain, with a note', async () => {
    const args = ['--model', 'mlp', '--layers', '12288,5,3,1', '--init', 'course', '--iterations', '30', '--print-every', '10', '--json'];
    const runs = [];
    for (const extra of [[], ['--engine', 'fast'], ['--engine', 'plain'], ['--engine', 'autodiff']]) runs.push(await train(...args, ...extra));
    const [byDefault, fast, plain, autodiff] = runs.map((r) => JSON.parse(r.stdout) as { costs: { iteration: number; cost: number }[]; settings: { engine: string } });
    expect(runs.map((r) => r.stderr)).toEqual(['', '', '', '']);
    expect([byDefault, fast, plain, autodiff].map((r) => r!.settings.engine)).toEqual(['fast', 'fast', 'plain', 'plain']);
    expect(byDefault!.costs).toEqual(fast!.costs);
    expect(autodiff!.costs).toEqual(plain!.costs);
    expect(fast!.costs.map((c) => c.iteration)).toEqual([0, 10, 20, 29]);
    fast!.costs.forEach((c, i) => expect(Math.abs(c.cost - plain!.costs[i]!.cost) / c.cost).toBeLessThan(1e-12));
    const text = await train('--model', 'mlp', '--layers', '12288,3,1', '--iterations', '2');
    expect(text.stdout).toContain('engine: fast (first layer in the span of the samples, W1 = W1_0 + C Xᵀ)\n');
    const adam = await train('--model', 'mlp', '--layers', '12288,3,1', '--optimizer', 'adam', '--learning-rate', '0.001', '--iterations', '2');
    expect(adam.code).toBe(0);
    expect(adam.stdout).toContain('engine: plain (adam is not linear in the gradient');
  });

  it("--optimizer adam --batch-size 64 --epochs N prints epoch costs equal to numpy's", async () => {
    const ref = fixture.variants.find((v) => v.name === 'adam')!;
    const r = await train('--model', 'mlp', '--layers', '12288,5,3,1', '--init', 'he', '--seed', '3', '--learning-rate', '0.0007',
      '--optimizer', 'adam', '--batch-size', '64', '--epochs', '6', '--print-every', '1', '--json');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { costs: { epoch: number; cost: number }[]; output: string; settings: { optimizer: string } };
    expect(out.costs.map((c) => c.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    out.costs.forEach((c, i) => expect(Math.abs(c.cost - ref.epochCosts[i]!)).toBeLessThan(1e-8));
    expect(out.output).toBe('sigmoid');
    expect(out.settings.optimizer).toBe('adam');
  });

  it('--save stores architecture, parameters and settings', async () => {
    const dir = await tempDir();
    const file = join(dir, 'deep.json');
    const r = await train('--model', 'mlp', '--layers', '12288,4,1', '--iterations', '2', '--l2', '0.7', '--dropout', '0.2', '--save', file, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { trainAccuracy: number; testAccuracy: number; saved: string };
    expect(out.saved).toBe(file);
    const { doc, net } = await loadMlpModel(file);
    expect(net.spec.layers).toEqual([12288, 4, 1]);
    expect(doc.training).toMatchObject({ init: 'course', seed: 1, optimizer: 'gd', learningRate: 0.0075, iterations: 2, l2: 0.7, dropout: 0.2, dropoutSeed: 1 });
    expect(doc.training['trainAccuracy']).toBe(out.trainAccuracy);
    expect(doc.classes).toEqual(['non-cat', 'cat']);
  });

  it('--plot writes the training plots of the deep network', async () => {
    const dir = await tempDir();
    const r = await train('--model', 'mlp', '--layers', '12288,3,1', '--iterations', '2', '--plot', dir, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { plots: string }).plots).toBe(dir);
    expect((await readdir(dir)).length).toBeGreaterThan(0);
  });

  it('trains a softmax output on HDF5 files with more than two classes', async () => {
    const dir = await tempDir();
    const labels = Array.from({ length: 12 }, (_, i) => i % 3);
    const classes = { data: ['red', 'green', 'blue'], shape: [3], dtype: 'A5' };
    const trainFile = await writeH5(join(dir, 'train3.h5'), { train_set_x: images(12), train_set_y: int64(labels), list_classes: classes });
    const testFile = await writeH5(join(dir, 'test3.h5'), { test_set_x: images(6), test_set_y: int64(labels.slice(0, 6)), list_classes: classes });
    const r = await runInProcess(trainCommand(), ['--train', trainFile, '--test', testFile, '--model', 'mlp', '--layers', '12,5,3', '--init', 'he', '--learning-rate', '0.05', '--iterations', '20', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { output: string; classes: string[]; test: { confusion: number[][] } };
    expect(out.output).toBe('softmax');
    expect(out.classes).toEqual(['red', 'green', 'blue']);
    expect(out.test.confusion).toHaveLength(3);
    expectUserError(
      await runInProcess(trainCommand(), ['--train', trainFile, '--test', testFile, '--model', 'mlp', '--layers', '12,5,1']),
      'layers', 'the last size must be 3 (softmax) for the 3 classes of the data (red, green, blue), got 1',
    );
  });

  it('refuses bad settings before training with one line and exit 2', async () => {
    expectUserError(await train('--model', 'mlp', '--layers', '100,7,1'), 'layers', 'the first size must be the 12288 input features', 'got 100');
    expectUserError(await train('--model', 'mlp', '--layers', '12288,7,3'), 'the last size must be 1 (sigmoid) or 2 (softmax)');
    expectUserError(await train('--model', 'mlp', '--layers', '12288'), '--layers must be at least 2 positive integers');
    expectUserError(await train('--model', 'mlp', '--learning-rate', '0'), '--learning-rate must be a positive number');
    expectUserError(await train('--model', 'mlp', '--learning-rate', '-0.1'), '--learning-rate');
    expectUserError(await train('--model', 'mlp', '--optimizer', 'adagrad'), '--optimizer must be one of gd, momentum, rmsprop, adam');
    expectUserError(await train('--model', 'mlp', '--init', 'lecun'), "unknown initializer 'lecun'", 'scaled:K');
    expectUserError(await train('--model', 'mlp', '--init', 'scaled:x'), 'scaled:K needs a finite number');
    expectUserError(await train('--model', 'mlp', '--dropout', '1'), '--dropout must be a number in [0, 1)');
    expectUserError(await train('--model', 'mlp', '--batch-size', '0'), '--batch-size must be a positive integer');
    expectUserError(await train('--model', 'mlp', '--batch-size', '64', '--iterations', '5'), '--iterations', 'give the number of passes over the data as --epochs');
    expectUserError(await train('--model', 'mlp', '--iterations', '5', '--epochs', '6'), 'disagree');
    expectUserError(await train('--model', 'mlp', '--dtype', 'float32'), '--dtype', 'float64');
    expectUserError(await train('--model', 'mlp', '--autodiff'), '--autodiff', '--engine plain');
    expectUserError(await train('--model', 'cnn'), '--model must be one of logistic, mlp');
    expectUserError(await train('--layers', '12288,7,1'), 'train: --layers: applies to --model mlp');
    expectUserError(await train('--optimizer', 'adam'), '--optimizer: applies to --model mlp');
  });

  it('leaves the single neuron exactly as it was without --model', async () => {
    const plain = await train('--iterations', '101');
    const explicit = await train('--model', 'logistic', '--iterations', '101');
    expect(plain.code).toBe(0);
    expect(explicit.stdout).toBe(plain.stdout);
    expect(plain.stdout).toBe([
      'Number of training examples: m_train = 209',
      'Number of testing examples: m_test = 50',
      'Height/Width of each image: num_px = 64',
      'Each image is of size: (64, 64, 3)',
      'train_set_x shape: (209, 64, 64, 3)',
      'train_set_y shape: (1, 209)',
      'test_set_x shape: (50, 64, 64, 3)',
      'test_set_y shape: (1, 50)',
      'train_set_x_flatten shape: (12288, 209)',
      'Cost after iteration 0: 0.693147',
      'Cost after iteration 100: 0.584508',
      'train accuracy: 66.50717703349282 %',
      'test accuracy: 34.0 %',
      '',
    ].join('\n'));
  });
});

describe('g17', () => {
  it("prints as Python's '%.17g'", () => {
    expect(g17(0.6930497356599888)).toBe('0.69304973565998884');
    expect(g17(0.5)).toBe('0.5');
    expect(g17(0.1)).toBe('0.10000000000000001');
    expect(g17(1e-5)).toBe('1.0000000000000001e-05');
    expect(g17(123)).toBe('123');
    expect(g17(1e20)).toBe('1e+20');
    expect(g17(Number.NaN)).toBe('nan');
  });
});
