import { spawnSync } from 'node:child_process';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLogisticModel } from '../../src/train/model-file.js';
import { CLASS_LIST, DATASETS, images, int64, removeTempDirs, ROOT, tempDir, TEST, TRAIN, writeH5 } from '../data/fixtures.js';

// The CLI as users run it: the built `dist/cli/main.js` (npm test builds first).
const MAIN = join(ROOT, 'dist/cli/main.js');

function tsgrad(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exit 2, exactly one line on stderr, no stack trace. */
function expectUserError(r: ReturnType<typeof tsgrad>, ...words: string[]): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const w of words) expect(lines[0]).toContain(w);
}

afterAll(removeTempDirs);

describe('tsgrad train', () => {
  it('trains with --json and saves a model that loads back exactly', async () => {
    const dir = await tempDir();
    const model = join(dir, 'cat.json');
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '101', '--json', '--save', model]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { costs: { iteration: number; cost: number }[]; trainAccuracy: number; testAccuracy: number; trainingSeconds: number };
    expect(out.costs.map((c) => c.iteration)).toEqual([0, 100]);
    expect(out.costs.map((c) => c.cost.toFixed(6))).toEqual(['0.693147', '0.584508']);
    expect(out.trainingSeconds).toBeGreaterThan(0);
    const saved = await loadLogisticModel(model);
    expect(saved.w.shape).toEqual([12288, 1]);
    expect(saved.doc.classes).toEqual(['non-cat', 'cat']);
    expect(saved.doc.training['iterations']).toBe(101);
    expect(await readdir(dir)).toEqual(['cat.json']);
  });

  it("prints the notes' shapes and costs to 6 decimals with --train/--test", () => {
    const r = tsgrad(['train', '--train', TRAIN, '--test', TEST, '--iterations', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('train_set_x shape: (209, 64, 64, 3)\ntrain_set_y shape: (1, 209)\ntest_set_x shape: (50, 64, 64, 3)\ntest_set_y shape: (1, 50)');
    expect(r.stdout).toContain('Cost after iteration 0: 0.693147');
  });

  it('trains through autodiff with --autodiff and prints the same costs', () => {
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '101', '--autodiff', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { settings: { engine: string }; costs: { cost: number }[] };
    expect(out.settings.engine).toBe('autodiff');
    expect(out.costs.map((c) => c.cost.toFixed(6))).toEqual(['0.693147', '0.584508']);
  });

  it('writes the training plots with --plot', async () => {
    const dir = await tempDir();
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '201', '--plot', join(dir, 'plots')]);
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
    // The target is a directory's child that cannot be created: saving fails after training.
    const r = tsgrad(['train', '--data', DATASETS, '--iterations', '1', '--save', join(dir, 'missing-dir', 'x.json')]);
    expectUserError(r, 'x.json', 'cannot write');
    expect(await readFile(model, 'utf8')).toBe('{"good": true}\n');
    expect(await readdir(dir)).toEqual(['keep.json']);
  });
});
