/**
 * Issue 18 item 17: an error line starts with what the user typed (the option, the file), never
 * with a name from inside tsgrad (`train: layers: ...`, `model: layers: ...`, `arch: ...`,
 * `saliency: --out: ...`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, DataError } from '../../src/core/errors.js';
import { userMessage } from '../../src/cli/run.js';
import { settingError } from '../../src/cli/train-options.js';
import { trainCommand } from '../../src/cli/train.js';
import { landscapeCommand } from '../../src/cli/landscape.js';
import { DATASETS, removeTempDirs } from '../data/fixtures.js';
import { savedModel } from './model-fixture.js';
import { runInProcess } from './command-helper.js';

afterAll(removeTempDirs);

const train = (...args: string[]) => runInProcess(trainCommand(), ['--data', DATASETS, ...args]);

/** The one stderr line of a refused run (exit 2, nothing trained). */
async function refused(...args: string[]): Promise<string> {
  const r = await train(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).not.toContain('Cost after');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

describe('error lines name the option the user typed', () => {
  it('a sigmoid or last layer that does not fit: --arch, not model: layers / train: layers', async () => {
    expect(await refused('--arch', 'dense:2,sigmoid', '--iterations', '1')).toBe('tsgrad: error: --arch: a sigmoid output has 1 unit, got outputs of shape (2)');
    expect(await refused('--arch', 'dense:1,relu', '--iterations', '1')).toBe('tsgrad: error: --arch: the last layer must be sigmoid (1 unit, two classes) or softmax (k units, k classes)');
    expect(await refused('--layers', '12288,3,3', '--iterations', '1')).toBe('tsgrad: error: --layers: the model tells 3 classes apart, the data has 2 (non-cat, cat): end with dense:1,sigmoid');
  });
  it('a layer that does not fit its input: --arch and the layer, not arch:', async () => {
    expect(await refused('--arch', 'conv:2:3,relu,dense:1,sigmoid', '--iterations', '1')).toBe('tsgrad: error: --arch: dense:1: takes flat inputs, got items of shape (62, 62, 2): put a flatten layer before it');
  });
  it('options checked together: the option, not train:', async () => {
    expect(await refused('--layers', '12288,3,1', '--iterations', '5', '--batch-size', '4')).toBe('tsgrad: error: --iterations: with --batch-size, give the number of passes over the data as --epochs');
    expect(await refused('--test-last', '30')).toMatch(/^tsgrad: error: --test-last: the data has a test set \(.*test_catvnoncat\.h5\): --test-last is for data without one$/);
  });
  it('maps the settings field names to their options, and leaves other errors alone', () => {
    const lr = settingError(new ArgumentError('train', 'learningRate', 'must be a positive number, got 0'), {});
    expect(lr).toBeInstanceOf(ArgumentError);
    expect(userMessage(lr as ArgumentError)).toBe('--learning-rate: must be a positive number, got 0');
    expect(userMessage(settingError(new ArgumentError('train', 'batchSize', 'must be a positive integer, got 0'), {}) as ArgumentError)).toBe('--batch-size: must be a positive integer, got 0');
    expect(userMessage(settingError(new ArgumentError('model', 'layers', 'x'), { model: 'mlp' }) as ArgumentError)).toBe('--model: x');
    const data = new DataError('a.h5', 'train_set_x', 'missing');
    expect(settingError(data, {})).toBe(data);
    expect(userMessage(data)).toBe('a.h5: train_set_x: missing');
    // An op's own argument that is not an option keeps the op: it is a library call's error.
    expect(userMessage(new ArgumentError('reshape', 'shape', 'bad'))).toBe('reshape: shape: bad');
    expect(userMessage(new ArgumentError('tsgrad', 'TSGRAD_BACKEND', 'gpu: expected one of blas, wasm, js'))).toBe('TSGRAD_BACKEND: gpu: expected one of blas, wasm, js');
  });
  it('a model file without training settings: landscape names the file and field, not landscape: model:', async () => {
    const { file, dir } = await savedModel();
    const doc = JSON.parse(await readFile(file, 'utf8')) as { training: Record<string, unknown> };
    delete doc.training['settings'];
    const bare = join(dir, 'bare.json');
    await writeFile(bare, JSON.stringify(doc));
    const r = await runInProcess(landscapeCommand(), [bare, '--out', join(dir, 'land'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tsgrad: error: ${bare}: training.settings: the model records no training settings, needed to re-create its initial parameters for the 1-D interpolation\n`);
  });
});
