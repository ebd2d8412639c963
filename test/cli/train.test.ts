import { spawnSync } from 'node:child_process';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunData } from '../../src/app/data.js';
import { evaluate } from '../../src/train/evaluate.js';
import { prepareInputs } from '../../src/data/preprocess.js';
import { loadModelFile } from '../../src/io/files.js';
import { CLASS_LIST, DATASETS, images, int64, removeTempDirs, ROOT, tempDir, TEST, TRAIN, writeH5 } from '../data/fixtures.js';

// The CLI as users run it: the built `dist/cli/main.js` (npm test builds first).
const MAIN = join(ROOT, 'dist/cli/main.js');
// The full-length runs of the slower engines run with TSGRAD_SLOW=1.
const SLOW = process.env['TSGRAD_SLOW'] === '1';

function tsgrad(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exit 2, exactly one line on stderr, no stack trace. */
function expectUserError(r: ReturnType<typeof tsgrad>, ...words: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const w of words) expect(lines[0]).toContain(w);
}

/** The notes' reference costs every 100 iterations (../shared/datasets/README.md), as printed. */
const REFERENCE = ['0.693147', '0.584508', '0.466949', '0.376007', '0.331463', '0.303273', '0.279880', '0.260042', '0.242941', '0.228004',
  '0.214820', '0.203078', '0.192544', '0.183033', '0.174399', '0.166521', '0.159305', '0.152667', '0.146542', '0.140872'];
const printed = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('Cost after'));
const referenceLines = (n: number): string[] => REFERENCE.slice(0, n).map((c, i) => `Cost after iteration ${i * 100}: ${c}`);

interface JsonRun {
  model: string;
  engine: string;
  settings: { engine: string; optimizer: string; layers: unknown[] };
  costs: { iteration: number; cost: number }[];
  trainAccuracy: number;
  testAccuracy: number;
  train: { confusion: number[][] };
  test: { confusion: number[][] };
  trainingSeconds: number;
}

afterAll(removeTempDirs);

describe('tsgrad train', () => {
  it('trains with --json and saves a model that loads back exactly', async () => {
    const dir = await tempDir();
    const model = join(dir, 'cat.json');
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '101', '--json', '--save', model]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as JsonRun;
    expect(out.model).toBe('flatten,dense:1,sigmoid');
    expect([out.settings.engine, out.engine]).toEqual(['auto', 'span']);
    expect(out.costs.map((c) => c.iteration)).toEqual([0, 100]);
    expect(out.costs.map((c) => c.cost.toFixed(6))).toEqual(['0.693147', '0.584508']);
    expect(out.trainingSeconds).toBeGreaterThan(0);
    const saved = await loadModelFile(model);
    expect(saved.version).toBe(2);
    expect(saved.layers).toEqual(out.settings.layers);
    expect(saved.model.parameters().map((p) => [p.name, p.value.shape])).toEqual([['W1', [1, 12288]], ['b1', [1]]]);
    expect(saved.classes).toEqual(['non-cat', 'cat']);
    expect(saved.training.settings?.epochs).toBe(101);
    expect(saved.training.engine).toBe('span');
    expect(saved.training.costs).toEqual(out.costs.map((c) => ({ unit: 'iteration', index: c.iteration, cost: c.cost })));
    expect([saved.training.trainAccuracy, saved.training.testAccuracy]).toEqual([out.trainAccuracy, out.testAccuracy]);
    // The parameters read back predict exactly what the run reported.
    const data = await loadRunData({ data: DATASETS });
    const train = evaluate(saved.model, prepareInputs(data.train.x, saved.preprocessing, saved.dtype), data.train.labels);
    const test = evaluate(saved.model, prepareInputs(data.test.x, saved.preprocessing, saved.dtype), data.test.labels);
    expect([train.accuracy, test.accuracy]).toEqual([out.trainAccuracy, out.testAccuracy]);
    expect([train.confusion, test.confusion]).toEqual([out.train.confusion, out.test.confusion]);
    expect(await readdir(dir)).toEqual(['cat.json']);
  });

  it("prints the notes' shapes, the model, its training and engine, and costs to 6 decimals with --train/--test", () => {
    const r = tsgrad(['train', '--train', TRAIN, '--test', TEST, '--iterations', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('train_set_x shape: (209, 64, 64, 3)\ntrain_set_y shape: (1, 209)\ntest_set_x shape: (50, 64, 64, 3)\ntest_set_y shape: (1, 50)\n' +
      'train_set_x_flatten shape: (12288, 209)\n' +
      'model: flatten,dense:1,sigmoid, init zeros, seed 1, float64\n' +
      'training: gd, learning rate 0.005, 1 iterations (full batch)\n' +
      'engine: span (the first layer in the span of the samples, exact)\n' +
      'Cost after iteration 0: 0.693147\n');
  });

  it("the default run prints the notes' 20 reference costs and accuracies", () => {
    const r = tsgrad(['train', '--data', DATASETS]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual(referenceLines(20));
    expect(r.stdout).toMatch(/\ntrain accuracy: 99\.04306220095694 %\ntest accuracy: 70\.0 %\n$/);
  });

  it.runIf(SLOW)("--engine course prints the notes' 20 reference costs and accuracies (TSGRAD_SLOW=1)", () => {
    const r = tsgrad(['train', '--data', DATASETS, '--engine', 'course']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("engine: course (the course's hand-derived functions)\n");
    expect(printed(r.stdout)).toEqual(referenceLines(20));
    expect(r.stdout).toMatch(/\ntrain accuracy: 99\.04306220095694 %\ntest accuracy: 70\.0 %\n$/);
  });

  it("--engine course (and tsgrad 0.1's --engine plain) trains the single neuron with the notes' functions: the reference costs", () => {
    const r = tsgrad(['train', '--data', DATASETS, '--engine', 'course', '--iterations', '201']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("engine: course (the course's hand-derived functions)\n");
    expect(printed(r.stdout)).toEqual(referenceLines(3));
    const plain = tsgrad(['train', '--data', DATASETS, '--engine', 'plain', '--iterations', '1', '--json']);
    expect(plain.code).toBe(0);
    const out = JSON.parse(plain.stdout) as JsonRun;
    expect([out.settings.engine, out.engine]).toEqual(['course', 'course']);
    expect(out.costs.map((c) => `Cost after iteration ${c.iteration}: ${c.cost.toFixed(6)}`)).toEqual(referenceLines(1));
  });

  it('trains through autodiff with --autodiff and prints the same costs', () => {
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '101', '--autodiff', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as JsonRun;
    expect([out.settings.engine, out.engine]).toEqual(['autodiff', 'autodiff']);
    expect(out.costs.map((c) => c.cost.toFixed(6))).toEqual(['0.693147', '0.584508']);
  });

  it('--engine span with --optimizer adam falls back to autodiff and says why; without --engine, adam trains by autodiff', () => {
    const span = tsgrad(['train', '--data', DATASETS, '--engine', 'span', '--optimizer', 'adam', '--iterations', '3']);
    expect(span.stderr).toBe('');
    expect(span.code).toBe(0);
    expect(span.stdout).toContain('training: adam, learning rate 0.005, 3 iterations (full batch)\n' +
      'engine: autodiff (adam is not linear in the gradient, so the first layer does not stay in the span of the samples: the span step covers gd and momentum)\n');
    const auto = tsgrad(['train', '--data', DATASETS, '--optimizer', 'adam', '--iterations', '3']);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toContain('engine: autodiff (autodiff through every layer)\n');
    expect(printed(auto.stdout)).toEqual(printed(span.stdout));
  });

  it('writes the training plots with --plot', async () => {
    const dir = await tempDir();
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '201', '--plot', join(dir, 'plots')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = await readdir(join(dir, 'plots'));
    for (const f of ['cost.svg', 'cost.png', 'weights.png', 'misclassified.png', 'confusion.svg']) expect(files).toContain(f);
    const svg = await readFile(join(dir, 'plots', 'cost.svg'), 'utf8');
    expect(svg).toContain('iteration');
    expect(svg).toContain('cost J');
  });

  it('finds the data through TSGRAD_DATA', () => {
    const r = tsgrad(['train', '--iterations', '1', '--json'], { TSGRAD_DATA: DATASETS });
    expect(r.code).toBe(0);
  });

  it('says where it looked when no folder holds the data', async () => {
    const dir = await tempDir();
    const r = tsgrad(['train', '--data', join(dir, 'nowhere')]);
    expectUserError(r, 'nowhere');
  });

  it('refuses a file that is not HDF5', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'train_catvnoncat.h5'), 'hello, not hdf5\n');
    await copyFile(TEST, join(dir, 'test_catvnoncat.h5'));
    expectUserError(tsgrad(['train', '--data', dir]), 'train_catvnoncat.h5', 'not an HDF5 file');
  });

  it('refuses HDF5 without the expected datasets', async () => {
    const dir = await tempDir();
    const train = await writeH5(join(dir, 'a.h5'), { pixels: images(3), labels: int64([0, 1, 0]) });
    expectUserError(tsgrad(['train', '--train', train, '--test', TEST]), 'a.h5', '_x');
  });

  it('refuses x and y sample counts that differ', async () => {
    const dir = await tempDir();
    const train = await writeH5(join(dir, 'b.h5'), { train_set_x: images(3), train_set_y: int64([0, 1]), list_classes: CLASS_LIST });
    expectUserError(tsgrad(['train', '--train', train, '--test', TEST]), 'b.h5', '3', '2');
  });

  it('refuses test images of another size than the training images', async () => {
    const dir = await tempDir();
    const train = await writeH5(join(dir, 'c.h5'), { train_set_x: images(3), train_set_y: int64([0, 1, 0]), list_classes: CLASS_LIST });
    expectUserError(tsgrad(['train', '--train', train, '--test', TEST]), 'test_set_x', '(64, 64, 3)', '(2, 2, 3)');
  });

  it('refuses bad option values and unknown flags with exit 2', () => {
    expectUserError(tsgrad(['train', '--iterations', '0']), '--iterations', 'positive integer');
    expectUserError(tsgrad(['train', '--learning-rate', 'abc']), '--learning-rate', 'positive number');
    expectUserError(tsgrad(['train', '--learning-rate', '-1']), '--learning-rate');
    expectUserError(tsgrad(['train', '--dtype', 'float16']), '--dtype', 'float64');
    expectUserError(tsgrad(['train', '--bogus']), '--bogus');
    expectUserError(tsgrad(['train', '--train', TRAIN]), '--test');
  });

  it('leaves an existing model untouched when the save fails', async () => {
    const dir = await tempDir();
    const model = join(dir, 'keep.json');
    await writeFile(model, '{"good": true}\n');
    // A file is in the way of the target's folder: refused before training.
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '1', '--save', join(model, 'x.json')]);
    expectUserError(r, '--save', 'x.json', `${model} is a file, not a folder`);
    expect(r.stdout).not.toContain('Cost after');
    expect(await readFile(model, 'utf8')).toBe('{"good": true}\n');
    expect(await readdir(dir)).toEqual(['keep.json']);
  });
  it('never writes over its inputs: --save onto a data file, or --plot onto the --save file, is refused before training', async () => {
    const dir = await tempDir();
    await copyFile(TRAIN, join(dir, 'train_catvnoncat.h5'));
    await copyFile(TEST, join(dir, 'test_catvnoncat.h5'));
    const before = await readFile(join(dir, 'train_catvnoncat.h5'));
    const r = tsgrad(['train', '--data', dir, '--save', join(dir, 'train_catvnoncat.h5')]);
    expectUserError(r, '--save', 'train_catvnoncat.h5', 'never writes over its input');
    expect(r.stdout).not.toContain('Cost after');
    expect((await readFile(join(dir, 'train_catvnoncat.h5'))).equals(before)).toBe(true);
    const model = join(dir, 'm.json');
    expectUserError(tsgrad(['train', '--data', dir, '--iterations', '1', '--save', model, '--plot', model]), '--plot', 'the plots need a folder of their own');
    expect((await readdir(dir)).sort()).toEqual(['test_catvnoncat.h5', 'train_catvnoncat.h5']);
  });
});
