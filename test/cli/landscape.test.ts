import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lossSet } from '../../src/analysis/landscape.js';
import { lossOn } from '../../src/train/evaluate.js';
import { landscapeCommand } from '../../src/cli/landscape.js';
import { loadModelFile } from '../../src/io/files.js';
import { removeTempDirs, ROOT } from '../data/fixtures.js';
import { expectPng, expectSvg } from '../viz/helpers.js';
import { runInProcess } from './command-helper.js';
import { savedModel } from './model-fixture.js';

afterAll(removeTempDirs);

describe('tsgrad landscape', () => {
  it("writes the interpolation and the surface; the trained point's loss is the saved model's loss", async () => {
    const { file, dir, data } = await savedModel();
    const out = join(dir, 'landscape');
    const r = await runInProcess(landscapeCommand(), [file, '--out', out, '--grid', '5', '--range', '0.5', '--alpha-points', '9', '--seed', '2', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['interpolation.csv', 'interpolation.png', 'interpolation.svg', 'landscape.json', 'surface.csv', 'surface.png', 'surface.svg']);

    // The model as loaded back from its file, through its own loss.
    const m = await loadModelFile(file);
    const [tr, te] = [data.train, data.test].map((d) => lossSet(d, m.preprocessing, m.dtype)) as [ReturnType<typeof lossSet>, ReturnType<typeof lossSet>];
    const trainLoss = lossOn(m.model, tr.x, tr.labels);
    const testLoss = lossOn(m.model, te.x, te.labels);
    expect(r.stdout).toContain(`loss at the trained parameters: train ${trainLoss}, test ${testLoss}`);

    const doc = JSON.parse(await readFile(join(out, 'landscape.json'), 'utf8')) as {
      modelFile: string;
      trained: { train: number; test: number };
      interpolation: { alpha: number[]; train: number[]; test: number[] };
      surface: { x: number[]; y: number[]; train: number[][]; seed: number };
    };
    expect(doc.modelFile).toBe(file);
    expect(doc.trained).toEqual({ train: trainLoss, test: testLoss });
    const one = doc.interpolation.alpha.indexOf(1);
    expect(one).toBe(6); // -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5
    expect(doc.interpolation.train[one]).toBe(trainLoss);
    expect(doc.interpolation.test[one]).toBe(testLoss);
    expect(doc.surface.x).toEqual([-0.5, -0.25, 0, 0.25, 0.5]);
    expect(doc.surface.train[2]?.[2]).toBe(trainLoss);
    expect(doc.surface.seed).toBe(2);

    const surfaceCsv = (await readFile(join(out, 'surface.csv'), 'utf8')).trim().split('\n');
    expect(surfaceCsv).toHaveLength(26);
    expect(surfaceCsv).toContain(`0,0,${trainLoss}`);
    const lineCsv = (await readFile(join(out, 'interpolation.csv'), 'utf8')).trim().split('\n');
    expect(lineCsv[0]).toBe('alpha,train_loss,test_loss');
    expect(lineCsv).toContain(`1,${trainLoss},${testLoss}`);

    await expectSvg(join(out, 'interpolation.svg'), ['α (interpolation coefficient: 0 = initial, 1 = trained)', 'loss (mean cross-entropy, nats)', 'initial θ₀', 'trained θ*', 'learning rate 0.005 · 200 iterations']);
    await expectSvg(join(out, 'surface.svg'), ['x along direction δ (filter-normalised units)', 'y along direction η (filter-normalised units)', 'train loss (nats)', '5 x 5 grid, seed 2', 'biases left out']);
    await expectPng(join(out, 'interpolation.png'), { minWidth: 600 });
    await expectPng(join(out, 'surface.png'), { minWidth: 600, minHeight: 600 });
  });

  it('shows progress on stderr as plain lines off a terminal, and the test surface on request', async () => {
    const { file, dir } = await savedModel();
    const out = join(dir, 'landscape-progress');
    const r = await runInProcess(landscapeCommand(), [file, '--out', out, '--grid', '3', '--alpha-points', '3', '--test-surface', '--biases', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^landscape \[.*\] 100% \| 26\/26 \|/); // 2 at θ*, 3 x 2 on the line, 9 x 2 on the surfaces
    expect(r.stderr).not.toContain('\r');
    const doc = JSON.parse(r.stdout) as { files: string[]; trained: { train: number } };
    expect(doc.files.map((f) => f.slice(out.length + 1))).toContain('surface-test.png');
    await expectSvg(join(out, 'surface-test.svg'), ['Test loss surface', 'test loss (nats)', 'biases included']);
    await expectPng(join(out, 'surface-test.png'));
  });

  it('draws the replayed training trajectory on its PCA plane with --trajectory', async () => {
    const { file, dir } = await savedModel();
    const out = join(dir, 'landscape-trajectory');
    const r = await runInProcess(landscapeCommand(), [file, '--out', out, '--grid', '5', '--alpha-points', '3', '--trajectory', '--checkpoints', '4', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trajectory: 5 checkpoints, PCA directions explain \d+\.\d% and \d+\.\d%; replayed training ends [\d.e-]+ from the saved parameters/);
    expect((await readdir(out)).filter((f) => f.startsWith('trajectory')).sort()).toEqual(['trajectory.csv', 'trajectory.png', 'trajectory.svg']);
    await expectSvg(join(out, 'trajectory.svg'), ['Training trajectory on the loss surface', '1st PCA direction (', '2nd PCA direction (', 'step 0', 'trained θ*', '5 checkpoints (every 50 steps, replayed)']);
    await expectPng(join(out, 'trajectory.png'), { minWidth: 600 });
    const doc = JSON.parse(await readFile(join(out, 'landscape.json'), 'utf8')) as { trajectory: { steps: number[] } };
    expect(doc.trajectory.steps).toEqual([0, 50, 100, 150, 200]);
    expect((await readFile(join(out, 'trajectory.csv'), 'utf8')).trim().split('\n')).toHaveLength(6);
  });

  it('gives the same numbers on two worker threads as on one (the built CLI)', async () => {
    const { file, dir } = await savedModel();
    const run = (workers: string, out: string) =>
      spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'landscape', file, '--out', join(dir, out), '--grid', '5', '--alpha-points', '5', '--trajectory', '--checkpoints', '4', '--workers', workers, '--no-progress', '--json'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
    const one = run('1', 'w1');
    const two = run('2', 'w2');
    expect(one.stderr).toBe('');
    expect(two.stderr).toBe('');
    expect([one.status, two.status]).toEqual([0, 0]);
    const a = JSON.parse(await readFile(join(dir, 'w1', 'landscape.json'), 'utf8')) as Record<string, unknown>;
    const b = JSON.parse(await readFile(join(dir, 'w2', 'landscape.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['trained', 'interpolation', 'surface', 'trajectory']) expect(b[key]).toEqual(a[key]);
  });

  it('refuses bad options with exit 2 and the option named', async () => {
    for (const [args, text] of [
      [['--grid', '1'], '--grid must be an integer from 2 to 1000'],
      [['--range', '-1'], '--range must be a positive number'],
      [['--alpha-range', '2,1'], '--alpha-range must be two numbers lo,hi with lo < hi'],
      [['--alpha-range', 'a,b'], '--alpha-range'],
      [['--alpha-points', '1'], '--alpha-points must be an integer >= 2'],
      [['--seed', '-3'], '--seed must be an integer'],
      [['--checkpoints', '2'], '--checkpoints must be an integer >= 3'],
      [['--workers', '0'], '--workers must be a positive integer'],
    ] as const) {
      const r = await runInProcess(landscapeCommand(), ['m.json', '--out', 'x', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(text);
    }
  });
});
