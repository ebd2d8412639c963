import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { g17 } from '../../src/cli/format.js';
import { trainCommand } from '../../src/cli/train.js';
import { loadModelFile } from '../../src/io/files.js';
import { DATASETS, images, int64, removeTempDirs, tempDir, writeH5 } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

afterAll(removeTempDirs);

const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
  two_layer: { costs: { iteration: number; cost: number }[] };
  variants: { name: string; epochCosts: number[] }[];
};

const train = (...args: string[]) => runInProcess(trainCommand(), ['--data', DATASETS, ...args]);

interface JsonRun {
  model: string;
  engine: string;
  settings: { engine: string; optimizer: string; dtype: string };
  costs: { iteration: number; epoch: number; cost: number }[];
  classes: string[];
  trainAccuracy: number;
  test: { confusion: number[][] };
  saved?: string;
  plots?: string;
}
const json = (r: { stdout: string }): JsonRun => JSON.parse(r.stdout) as JsonRun;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** A user error: exit 2, one line on stderr naming what is wrong, nothing trained. */
function expectUserError(r: { code: number; stdout: string; stderr: string }, ...words: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  for (const w of words) expect(lines[0]).toContain(w);
  expect(r.stdout).not.toContain('Cost after');
}

describe('tsgrad train --model mlp, --layers, --arch', () => {
  it("prints the course's costs with 17 significant digits, every --print-every iterations and the last, then the accuracies", async () => {
    const r = await train('--model', 'mlp', '--layers', '12288,7,1', '--init', 'scaled:0.01', '--seed', '1', '--learning-rate', '0.0075', '--iterations', '3', '--print-every', '2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('train_set_x_flatten shape: (12288, 209)\nmodel: flatten,dense:7,relu,dense:1,sigmoid, init scaled:0.01, seed 1, float64\n');
    expect(r.stdout).toContain('training: gd, learning rate 0.0075, 3 iterations (full batch)\nengine: span (the first layer in the span of the samples, exact)\n');
    const costs = [...r.stdout.matchAll(/^Cost after iteration (\d+): (\S+)$/gm)].map((m) => [Number(m[1]), m[2] as string] as const);
    expect(costs.map((c) => c[0])).toEqual([0, 2]);
    for (const [, text] of costs) expect(text.replace(/^0\./, '').length).toBe(17);
    expect(Math.abs(Number(costs[0]![1]) - fixture.two_layer.costs[0]!.cost)).toBeLessThan(1e-8);
    expect(r.stdout).toMatch(/\ntrain accuracy: [\d.]+ %\ntest accuracy: [\d.]+ %\n$/);
  });

  it('--arch "dense:7,relu,dense:1,sigmoid" trains the costs of --layers 12288,7,1 (a flatten put first), by span and by autodiff', async () => {
    const common = ['--init', 'scaled:0.01', '--seed', '1', '--iterations', '201', '--json'];
    const [arch, flat, layers] = [
      await train('--arch', 'dense:7,relu,dense:1,sigmoid', ...common),
      await train('--arch', 'flatten,dense:7,relu,dense:1,sigmoid', ...common),
      await train('--layers', '12288,7,1', ...common),
    ];
    expect([arch, flat, layers].map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    const [a, f, l] = [json(arch), json(flat), json(layers)];
    expect([a.model, f.model, l.model]).toEqual(Array(3).fill('flatten,dense:7,relu,dense:1,sigmoid'));
    expect(a.costs).toEqual(l.costs);
    expect(f.costs).toEqual(l.costs);
    // The course's two-layer model, as numpy prints it.
    expect(a.costs.map((c) => c.iteration)).toEqual([0, 100, 200]);
    a.costs.forEach((c, i) => expect(Math.abs(c.cost - fixture.two_layer.costs[i]!.cost)).toBeLessThan(1e-8));
    const short = ['--init', 'scaled:0.01', '--iterations', '11', '--print-every', '5', '--engine', 'autodiff', '--json'];
    const [x, y] = [json(await train('--arch', 'dense:7,relu,dense:1,sigmoid', ...short)), json(await train('--layers', '12288,7,1', ...short))];
    expect([x.engine, y.engine]).toEqual(['autodiff', 'autodiff']);
    expect(x.costs).toEqual(y.costs);
    expect(x.costs.map((c) => c.iteration)).toEqual([0, 5, 10]);
  });

  it('--engine auto (the default) and span, autodiff and course print the same costs; fast and plain are span and autodiff', async () => {
    const args = ['--model', 'mlp', '--layers', '12288,5,3,1', '--init', 'course', '--iterations', '30', '--print-every', '10', '--json'];
    const engines = [[], ['--engine', 'span'], ['--engine', 'fast'], ['--engine', 'autodiff'], ['--engine', 'plain'], ['--engine', 'course']];
    const runs = [];
    for (const extra of engines) runs.push(await train(...args, ...extra));
    expect(runs.map((r) => r.stderr)).toEqual(Array(6).fill(''));
    const [byDefault, span, fast, autodiff, plain, course] = runs.map(json);
    expect(runs.map(json).map((r) => r.settings.engine)).toEqual(['auto', 'span', 'span', 'autodiff', 'autodiff', 'course']);
    expect(runs.map(json).map((r) => r.engine)).toEqual(['span', 'span', 'span', 'autodiff', 'autodiff', 'course']);
    expect(byDefault!.costs).toEqual(span!.costs);
    expect(fast!.costs).toEqual(span!.costs);
    expect(plain!.costs).toEqual(autodiff!.costs);
    expect(span!.costs.map((c) => c.iteration)).toEqual([0, 10, 20, 29]);
    span!.costs.forEach((c, i) => expect(rel(c.cost, autodiff!.costs[i]!.cost)).toBeLessThan(1e-12));
    course!.costs.forEach((c, i) => expect(rel(c.cost, autodiff!.costs[i]!.cost)).toBeLessThan(1e-12));
  });

  it('--engine span with adam falls back to autodiff with a note; by default adam trains by autodiff', async () => {
    const args = ['--model', 'mlp', '--layers', '12288,3,1', '--optimizer', 'adam', '--learning-rate', '0.001', '--iterations', '2'];
    const span = await train(...args, '--engine', 'span');
    expect(span.code).toBe(0);
    expect(span.stdout).toContain('engine: autodiff (adam is not linear in the gradient, so the first layer does not stay in the span of the samples: the span step covers gd and momentum)\n');
    const auto = await train(...args);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toContain('engine: autodiff (autodiff through every layer)\n');
    const costs = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('Cost after'));
    expect(costs(span.stdout)).toHaveLength(2);
    expect(costs(span.stdout)).toEqual(costs(auto.stdout));
  });

  it("--optimizer adam --batch-size 64 --epochs N prints epoch costs equal to numpy's", async () => {
    const ref = fixture.variants.find((v) => v.name === 'adam')!;
    const r = await train('--model', 'mlp', '--layers', '12288,5,3,1', '--init', 'he', '--seed', '3', '--learning-rate', '0.0007',
      '--optimizer', 'adam', '--batch-size', '64', '--epochs', '6', '--print-every', '1', '--json');
    expect(r.stderr).toBe('');
    const out = json(r);
    expect(out.costs.map((c) => c.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    out.costs.forEach((c, i) => expect(Math.abs(c.cost - ref.epochCosts[i]!)).toBeLessThan(1e-8));
    expect(out.model).toBe('flatten,dense:5,relu,dense:3,relu,dense:1,sigmoid');
    expect(out.settings.optimizer).toBe('adam');
    expect(out.engine).toBe('autodiff');
  });

  it('--dtype float32 trains a deep network by autodiff, to float32 precision of the float64 costs', async () => {
    const args = ['--layers', '12288,3,1', '--iterations', '3', '--print-every', '1', '--json'];
    const [f32, f64] = [await train(...args, '--dtype', 'float32'), await train(...args, '--engine', 'autodiff')];
    expect([f32.code, f32.stderr]).toEqual([0, '']);
    const [a, b] = [json(f32), json(f64)];
    expect([a.settings.dtype, a.engine]).toEqual(['float32', 'autodiff']);
    expect(a.costs.map((c) => c.iteration)).toEqual([0, 1, 2]);
    a.costs.forEach((c, i) => {
      expect(c.cost).not.toBe(b.costs[i]!.cost);
      expect(rel(c.cost, b.costs[i]!.cost)).toBeLessThan(1e-6);
    });
    const text = await train('--layers', '12288,3,1', '--iterations', '1', '--dtype', 'float32');
    expect(text.stdout).toContain('model: flatten,dense:3,relu,dense:1,sigmoid, init course, seed 1, float32\n');
  });

  it('--save stores the layers, parameters and settings', async () => {
    const dir = await tempDir();
    const file = join(dir, 'deep.json');
    const r = await train('--model', 'mlp', '--layers', '12288,4,1', '--iterations', '2', '--l2', '0.7', '--dropout', '0.2', '--save', file, '--json');
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.saved).toBe(file);
    const saved = await loadModelFile(file);
    expect(saved.layers).toEqual([{ kind: 'flatten' }, { kind: 'dense', units: 4 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.2 }, { kind: 'dense', units: 1 }, { kind: 'sigmoid' }]);
    expect(saved.model.parameters().map((p) => [p.name, p.value.shape])).toEqual([['W1', [4, 12288]], ['b1', [4]], ['W2', [1, 4]], ['b2', [1]]]);
    expect(saved.training.settings).toMatchObject({ init: 'course', seed: 1, optimizer: 'gd', learningRate: 0.0075, epochs: 2, l2: 0.7, dropoutSeed: 1, layers: saved.layers });
    expect(saved.training.engine).toBe(out.engine);
    expect(saved.training.trainAccuracy).toBe(out.trainAccuracy);
    expect(saved.classes).toEqual(['non-cat', 'cat']);
  });

  it('--plot writes the training plots of the deep network', async () => {
    const dir = await tempDir();
    const r = await train('--model', 'mlp', '--layers', '12288,3,1', '--iterations', '2', '--plot', dir, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(json(r).plots).toBe(dir);
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
    const out = json(r);
    expect(out.model).toBe('flatten,dense:5,relu,dense:3,softmax');
    expect(out.classes).toEqual(['red', 'green', 'blue']);
    expect(out.test.confusion).toHaveLength(3);
    expectUserError(
      await runInProcess(trainCommand(), ['--train', trainFile, '--test', testFile, '--model', 'mlp', '--layers', '12,5,1']),
      'layers', 'the model tells 2 classes apart, the data has 3 (red, green, blue): end with dense:3,softmax',
    );
  });

  it('refuses bad settings before training with one line and exit 2', async () => {
    expectUserError(await train('--model', 'mlp', '--layers', '100,7,1'), '--layers', 'the first size must be the 12288 input features', 'got 100');
    expectUserError(await train('--layers', '100,7,1'), '--layers', 'the first size must be the 12288 input features', 'got 100');
    expectUserError(await train('--model', 'mlp', '--layers', '12288,7,3'), 'layers', 'the model tells 3 classes apart, the data has 2 (non-cat, cat): end with dense:1,sigmoid');
    expectUserError(await train('--model', 'mlp', '--layers', '12288'), '--layers must be at least 2 positive integers');
    expectUserError(await train('--model', 'mlp', '--learning-rate', '0'), '--learning-rate must be a positive number');
    expectUserError(await train('--model', 'mlp', '--learning-rate', '-0.1'), '--learning-rate');
    expectUserError(await train('--model', 'mlp', '--optimizer', 'adagrad'), '--optimizer must be one of gd, momentum, rmsprop, adam');
    expectUserError(await train('--model', 'mlp', '--init', 'lecun'), "--init: unknown initializer 'lecun'", 'scaled:K');
    expectUserError(await train('--model', 'mlp', '--init', 'scaled:x'), '--init: scaled:K needs a finite number');
    expectUserError(await train('--model', 'mlp', '--dropout', '1'), '--dropout must be a number in [0, 1)');
    expectUserError(await train('--model', 'mlp', '--batch-size', '0'), '--batch-size must be a positive integer');
    expectUserError(await train('--model', 'mlp', '--batch-size', '64', '--iterations', '5'), '--iterations', 'give the number of passes over the data as --epochs');
    expectUserError(await train('--model', 'mlp', '--iterations', '5', '--epochs', '6'), 'disagree');
    expectUserError(await train('--model', 'mlp', '--dtype', 'float16'), '--dtype', 'float64');
    expectUserError(await train('--model', 'cnn'), '--model must be one of logistic, mlp');
    expectUserError(await train('--dropout', '0.2'), '--dropout: applies to --layers and --model mlp; with --arch put dropout:RATE layers in it');
    expectUserError(await train('--arch', 'dense:1,sigmoid', '--model', 'mlp'), '--arch', 'not both');
    expectUserError(await train('--model', 'mlp', '--engine', 'course', '--optimizer', 'adam'), "tsgrad: error: --engine: the course's functions do not cover this run: adam is not the course's full-batch gradient descent");
    expectUserError(await train('--model', 'mlp', '--engine', 'course', '--dropout', '0.1'), "tsgrad: error: --engine: the course's functions do not cover dropout");
  });

  it('every option applies to every model: --optimizer, --batch-size and --autodiff on the single neuron, --autodiff on a deep network', async () => {
    const neuron = await train('--optimizer', 'momentum', '--batch-size', '64', '--epochs', '2', '--print-every', '1', '--json');
    expect([neuron.code, neuron.stderr]).toEqual([0, '']);
    const n = json(neuron);
    expect([n.model, n.settings.optimizer, n.engine]).toEqual(['flatten,dense:1,sigmoid', 'momentum', 'span']);
    expect(n.costs.map((c) => c.epoch)).toEqual([0, 1]);
    const deep = await train('--model', 'mlp', '--layers', '12288,3,1', '--autodiff', '--iterations', '1', '--json');
    expect([deep.code, json(deep).engine]).toEqual([0, 'autodiff']);
  });

  it('leaves the single neuron exactly as it was without --model, with the three new lines', async () => {
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
      'model: flatten,dense:1,sigmoid, init zeros, seed 1, float64',
      'training: gd, learning rate 0.005, 101 iterations (full batch)',
      'engine: span (the first layer in the span of the samples, exact)',
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
