import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { trainCommand } from '../../src/cli/train.js';
import { DATASETS, images, int64, removeTempDirs, ROOT, tempDir, writeH5 } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

afterAll(removeTempDirs);

interface Report {
  accuracy: number;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
}

async function trained(...args: string[]): Promise<{ file: string; out: { trainAccuracy: number; testAccuracy: number } }> {
  const file = join(await tempDir(), 'model.json');
  const r = await runInProcess(trainCommand(), ['--data', DATASETS, ...args, '--save', file, '--json']);
  expect(r.code).toBe(0);
  return { file, out: JSON.parse(r.stdout) as { trainAccuracy: number; testAccuracy: number } };
}

describe('tsgrad evaluate', () => {
  it("reproduces a deep network's accuracies from its file, with per-class scores and the confusion matrix", async () => {
    const { file, out } = await trained('--model', 'mlp', '--layers', '12288,5,1', '--init', 'he', '--iterations', '30', '--learning-rate', '0.01');
    const r = await runInProcess(evaluateCommand(), [file, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as { arch: string; version: number; train: Report; test: Report; recorded: { trainAccuracy: number; testAccuracy: number }; classes: string[] };
    expect(e.arch).toBe('flatten,dense:5,relu,dense:1,sigmoid');
    expect(e.version).toBe(2);
    expect(e.train.accuracy).toBe(out.trainAccuracy);
    expect(e.test.accuracy).toBe(out.testAccuracy);
    expect(e.recorded).toEqual({ trainAccuracy: out.trainAccuracy, testAccuracy: out.testAccuracy });
    expect(e.classes).toEqual(['non-cat', 'cat']);
    expect(e.test.confusion.flat().reduce((s, v) => s + v, 0)).toBe(50);
    const [[tn, fp], [fn, tp]] = e.test.confusion as [[number, number], [number, number]];
    expect(e.test.accuracy).toBe((100 * (tn + tp)) / 50);
    expect(e.test.perClass[1]!.precision).toBe(tp + fp === 0 ? 0 : tp / (tp + fp));
    expect(e.test.perClass[1]!.recall).toBe(tp / (tp + fn));
  });

  it('evaluates single-neuron files too, in text', async () => {
    const { file, out } = await trained('--iterations', '101');
    const r = await runInProcess(evaluateCommand(), [file, '--data', DATASETS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`model: ${file}: flatten,dense:1,sigmoid: (64, 64, 3) inputs, 12289 parameters\n`);
    expect(r.stdout).toContain(`train accuracy: ${out.trainAccuracy} % (as when trained)\n`);
    expect(r.stdout).toContain(`test accuracy: ${out.testAccuracy.toFixed(1)} % (as when trained)\n`);
    expect(r.stdout).toMatch(/^class\s+precision\s+recall\s+F1\s+support$/m);
    expect(r.stdout).toMatch(/^non-cat\s+\d\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}\s+17$/m);
    expect(r.stdout).toMatch(/^cat\s+\d\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}\s+33$/m);
    expect(r.stdout).toMatch(/^true \\ predicted\s+non-cat\s+cat$/m);
  });

  it('refuses data whose images do not fit the model, and missing files, with exit 2', async () => {
    const { file } = await trained('--model', 'mlp', '--layers', '12288,3,1', '--iterations', '1');
    const dir = await tempDir();
    const small = await writeH5(join(dir, 'small.h5'), { train_set_x: images(4), train_set_y: int64([0, 1, 0, 1]) });
    const smallTest = await writeH5(join(dir, 'small-test.h5'), { test_set_x: images(2), test_set_y: int64([0, 1]) });
    const r = await runInProcess(evaluateCommand(), [file, '--train', small, '--test', smallTest]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('images are (2, 2, 3) but the model');
    const missing = await runInProcess(evaluateCommand(), [join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file');
  });

  it('is registered in the tsgrad command', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'evaluate', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: tsgrad evaluate [options] <file>');
  });
});
