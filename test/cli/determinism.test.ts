/**
 * Determinism, as README.md ("Determinism") states it: the same command and seed give the
 * same printed costs and bit-identical model files on every run, and the loss landscape's
 * numbers are the same on several worker threads as on one.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASETS, removeTempDirs, ROOT, tempDir } from '../data/fixtures.js';

const MAIN = join(ROOT, 'dist/cli/main.js');

function tsgrad(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A model file without its timing (the only field that differs between runs). */
async function stable(file: string): Promise<unknown> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as { version: number; training: Record<string, unknown> };
  expect(doc.version).toBe(2);
  expect(doc.training['seconds']).toBeGreaterThan(0);
  delete doc.training['seconds'];
  return doc;
}

afterAll(removeTempDirs);

describe('the same command twice gives the same bits', () => {
  it.each([
    ['single neuron, span step (wasm), 2000 iterations', ['--print-every', '500']],
    ['single neuron, course step', ['--engine', 'course', '--iterations', '30', '--print-every', '10']],
    ['single neuron, autodiff step, float32', ['--engine', 'autodiff', '--dtype', 'float32', '--iterations', '20', '--print-every', '10']],
    ['deep network, span step, momentum', ['--model', 'mlp', '--layers', '12288,7,1', '--optimizer', 'momentum', '--iterations', '60', '--print-every', '20']],
    ['deep network, autodiff step, Adam, mini-batches, dropout', ['--model', 'mlp', '--layers', '12288,7,1', '--engine', 'autodiff', '--optimizer', 'adam', '--batch-size', '64', '--epochs', '3', '--dropout', '0.2', '--print-every', '1']],
  ])('%s', async (_name, args) => {
    const dir = await tempDir();
    const runs = ['a.json', 'b.json'].map((f) => tsgrad(['train', '--data', DATASETS, ...args, '--save', join(dir, f)]));
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const text = (i: number): string => (runs[i]?.stdout ?? '').replace(/[ab]\.json/g, 'FILE');
    expect(text(1)).toBe(text(0));
    expect(runs[0]?.stdout).toMatch(/Cost after (iteration|epoch) 0: 0\.\d+/);
    expect(await stable(join(dir, 'b.json'))).toEqual(await stable(join(dir, 'a.json')));
  }, 180_000);
});

describe('threads', () => {
  it("a deep network's loss landscape: the same numbers on two worker threads as on one", async () => {
    const dir = await tempDir();
    const model = join(dir, 'deep.json');
    expect(tsgrad(['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,5,1', '--iterations', '20', '--save', model]).code).toBe(0);
    const land = (workers: string): ReturnType<typeof tsgrad> =>
      tsgrad(['landscape', model, '--data', DATASETS, '--out', join(dir, `w${workers}`), '--grid', '4', '--alpha-points', '5', '--workers', workers, '--no-progress', '--json']);
    const [one, two] = [land('1'), land('2')];
    expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0]);
    const a = JSON.parse(await readFile(join(dir, 'w1', 'landscape.json'), 'utf8')) as Record<string, unknown>;
    const b = JSON.parse(await readFile(join(dir, 'w2', 'landscape.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['trained', 'interpolation', 'surface']) {
      expect(a[key]).toBeDefined();
      expect(b[key]).toEqual(a[key]);
    }
  }, 180_000);
});
