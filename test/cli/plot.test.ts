import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plotCommand } from '../../src/cli/plot.js';
import { DATASETS, removeTempDirs, ROOT, tempDir } from '../data/fixtures.js';
import { expectPng, expectSvg } from '../viz/helpers.js';
import { runInProcess } from './command-helper.js';
import { savedModel } from './model-fixture.js';

afterAll(removeTempDirs);

describe('tsgrad plot', () => {
  it("draws a saved model's plots from the data files it records", async () => {
    const { file, dir } = await savedModel();
    const out = join(dir, 'plots');
    const r = await runInProcess(plotCommand(), [file, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('flatten,dense:1,sigmoid: (64, 64, 3) inputs, 12289 parameters');
    expect(r.stdout).toMatch(/misclassified test images: \d+ of 50/);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['confusion.png', 'confusion.svg', 'cost.png', 'cost.svg', 'misclassified.png', 'misclassified.svg', 'weights-figure.png', 'weights-figure.svg', 'weights.png']);
    for (const f of files) expect(r.stdout).toContain(`wrote ${join(out, f)}`);
    await expectSvg(join(out, 'cost.svg'), ['iteration (gradient descent steps)', 'cost J (mean cross-entropy, nats)', 'learning rate 0.005 · 200 iterations']);
    for (const f of files.filter((n) => n.endsWith('.png'))) await expectPng(join(out, f));
    await expectPng(join(out, 'weights.png'), { width: 64, height: 64 });
  });

  it('takes --data over the recorded files and prints JSON', async () => {
    const { file, dir } = await savedModel();
    const out = join(dir, 'plots-json');
    const r = await runInProcess(plotCommand(), [file, '--out', out, '--data', DATASETS, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { arch: string; files: string[]; misclassified: number; confusion: { test: number[][] } };
    expect(doc.arch).toBe('flatten,dense:1,sigmoid');
    expect(doc.files).toHaveLength(9);
    expect(doc.confusion.test.flat().reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('finds the data the usual way when the recorded files are gone', async () => {
    const { file, dir } = await savedModel();
    const doc = JSON.parse(await readFile(file, 'utf8')) as { training: Record<string, unknown> };
    doc.training['trainFile'] = join(dir, 'moved', 'train.h5');
    doc.training['testFile'] = join(dir, 'moved', 'test.h5');
    const moved = join(dir, 'moved.json');
    await writeFile(moved, JSON.stringify(doc));
    const r = await runInProcess(plotCommand(), [moved, '--out', join(dir, 'p2'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('refuses a file that is not a model with one line, exit 2', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format": "something else"}');
    const r = await runInProcess(plotCommand(), [bad, '--out', join(dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('bad.json: format: expected "tsgrad-model"');
    const missing = await runInProcess(plotCommand(), [join(dir, 'none.json'), '--out', join(dir, 'x')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });

  it('needs --out', async () => {
    const r = await runInProcess(plotCommand(), ['model.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--out <dir>'");
  });
});

describe('the tsgrad binary', () => {
  it('registers plot, landscape and predict', () => {
    // npm test builds dist/ first.
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    for (const name of ['plot', 'landscape', 'predict']) expect(r.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  });
});
