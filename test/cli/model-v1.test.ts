// Version-1 model files (test/fixtures/model-v1, written by tsgrad before the general core)
// through the commands that read a model: predict and evaluate give the old code's numbers,
// plot and landscape draw them.
import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { landscapeCommand } from '../../src/cli/landscape.js';
import { plotCommand } from '../../src/cli/plot.js';
import { predictCommand } from '../../src/cli/predict.js';
import { asDataset, loadLabelledImages } from '../../src/data/dataset.js';
import { encodePng } from '../../src/data/image.js';
import { DATASETS, removeTempDirs, TEST, tempDir } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

afterAll(removeTempDirs);

const DIR = fileURLToPath(new URL('../fixtures/model-v1/', import.meta.url));
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { fixtures: Record<string, { testProbabilities: number[]; testAccuracy: number }> };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe.each(['neuron-fast.json', 'mlp-fast.json'])('the version-1 file %s', (name) => {
  const file = join(DIR, name);
  const e = expected.fixtures[name] as { testProbabilities: number[]; testAccuracy: number };

  it("predicts exported test images with the old code's probabilities", async () => {
    const test = asDataset(await loadLabelledImages(TEST));
    const dir = await tempDir();
    const size = 64 * 64 * 3;
    const picks = [0, 3, 17, 49];
    const pngs = await Promise.all(picks.map(async (i) => {
      const png = join(dir, `t${i}.png`);
      await writeFile(png, await encodePng(Uint8Array.from(test.x.values().subarray(i * size, (i + 1) * size)), 64, 64, 3));
      return png;
    }));
    const r = await runInProcess(predictCommand(), [file, ...pngs, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: number; probabilities: Record<string, number> });
    rows.forEach((row, k) => {
      const old = e.testProbabilities[picks[k] as number] as number;
      expect(rel(row.probabilities['cat'] as number, old)).toBeLessThan(1e-12);
      expect(row.label).toBe(old > 0.5 ? 1 : 0);
    });
  });

  it("evaluates to the old accuracies, as recorded when it was trained", async () => {
    const r = await runInProcess(evaluateCommand(), [file, '--data', DATASETS, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { version: number; train: { accuracy: number }; test: { accuracy: number }; recorded: { trainAccuracy: number; testAccuracy: number } };
    expect(doc.version).toBe(1);
    expect(doc.test.accuracy).toBe(e.testAccuracy);
    expect(doc.recorded.testAccuracy).toBe(e.testAccuracy);
    expect(doc.train.accuracy).toBe(doc.recorded.trainAccuracy);
  });

  it('draws its plots and its loss landscape, the trained point at the evaluated loss', async () => {
    const dir = await tempDir();
    const plots = await runInProcess(plotCommand(), [file, '--data', DATASETS, '--out', join(dir, 'plots'), '--json']);
    expect(plots.stderr).toBe('');
    expect(plots.code).toBe(0);
    expect((await readdir(join(dir, 'plots'))).length).toBe(9);
    const land = await runInProcess(landscapeCommand(), [file, '--data', DATASETS, '--out', join(dir, 'land'), '--grid', '3', '--alpha-points', '5', '--no-progress']);
    expect(land.stderr).toBe('');
    expect(land.code).toBe(0);
    const doc = JSON.parse(await readFile(join(dir, 'land', 'landscape.json'), 'utf8')) as { trained: { train: number }; interpolation: { train: number[] }; surface: { train: number[][] } };
    expect(doc.interpolation.train[3]).toBe(doc.trained.train); // α = -0.5, 0, 0.5, 1, 1.5
    expect(doc.surface.train[1]?.[1]).toBe(doc.trained.train);
  });
});
