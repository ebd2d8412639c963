/**
 * Input preparation (issue 15 item 3): pixels / scale, and per-channel standardization with
 * the mean and standard deviation of the training set, recorded in the model file and applied
 * the same way by every command.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { trainCommand } from '../../src/cli/train.js';
import { ArgumentError, ModelFileError } from '../../src/core/errors.js';
import { isPlainScale, PIXELS, prepareInputs, standardizeOn } from '../../src/data/preprocess.js';
import { loadModelFile } from '../../src/io/files.js';
import { Tensor } from '../../src/tensor/index.js';
import { runInProcess } from '../cli/command-helper.js';
import { DATASETS, removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

/** One image of 2x1 pixels, 2 channels: channel 0 is 0 and 255, channel 1 is 255 twice. */
const tiny = new Tensor(Uint8Array.of(0, 255, 255, 255), [1, 2, 1, 2], 'uint8');

describe('standardizeOn and prepareInputs', () => {
  it('measure the mean and std per channel (last axis) and prepare (x / scale - mean) / std', () => {
    const p = standardizeOn(tiny, 255);
    // Channel 0: 0 and 1 → mean 0.5, std 0.5; channel 1: 1 and 1 → mean 1, std 0, kept as 1.
    expect(p).toEqual({ scale: 255, mean: [0.5, 1], std: [0.5, 1] });
    expect(isPlainScale(p)).toBe(false);
    expect(isPlainScale(PIXELS)).toBe(true);
    expect(Array.from(prepareInputs(tiny, p, 'float64').values())).toEqual([-1, 0, 1, 0]);
    // Float samples (not pixels) give the same numbers.
    const floats = new Tensor(Float64Array.of(0, 255, 255, 255), [1, 2, 1, 2], 'float64');
    expect(Array.from(prepareInputs(floats, p, 'float64').values())).toEqual([-1, 0, 1, 0]);
    expect(Array.from(prepareInputs(tiny, PIXELS, 'float64').values())).toEqual([0, 1, 1, 1]);
  });

  it('refuse samples whose last axis is not the recorded channels', () => {
    const e = (() => {
      try {
        prepareInputs(new Tensor(new Uint8Array(3), [1, 3], 'uint8'), { scale: 255, mean: [0.5, 1], std: [0.5, 1] }, 'float64');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as Error).message).toBe('prepareInputs: x: samples (1, 3) do not end in the 2 channels the preprocessing\'s mean and std have');
  });
});

describe('tsgrad train --normalize standardize', () => {
  it('records the training set\'s channel statistics; the span and autodiff steps agree; evaluate applies them', async () => {
    const dir = await tempDir();
    const file = join(dir, 'std.json');
    const base = ['--data', DATASETS, '--normalize', 'standardize', '--iterations', '300', '--json'];
    const span = await runInProcess(trainCommand(), [...base, '--save', file]);
    expect(span.code, span.stderr).toBe(0);
    const auto = await runInProcess(trainCommand(), [...base, '--engine', 'autodiff']);
    const a = JSON.parse(span.stdout) as { engine: string; costs: { cost: number }[]; trainAccuracy: number; testAccuracy: number };
    const b = JSON.parse(auto.stdout) as typeof a;
    expect([a.engine, b.engine]).toEqual(['span', 'autodiff']);
    a.costs.forEach((c, i) => expect(Math.abs(c.cost - (b.costs[i]?.cost ?? Number.NaN))).toBeLessThan(1e-9));
    expect(a.costs[1]?.cost).toBeLessThan(0.2); // standardized inputs train faster than pixels / 255 (0.584508 at 100)
    const loaded = await loadModelFile(file);
    expect(loaded.preprocessing.scale).toBe(255);
    expect(loaded.preprocessing.mean?.map((v) => v.toFixed(6))).toEqual(['0.435531', '0.422170', '0.354148']);
    expect(loaded.preprocessing.std?.map((v) => v.toFixed(6))).toEqual(['0.265680', '0.248621', '0.267698']);
    const e = await runInProcess(evaluateCommand(), [file, '--json']);
    expect(e.code, e.stderr).toBe(0);
    const ev = JSON.parse(e.stdout) as { train: { accuracy: number }; test: { accuracy: number } };
    expect([ev.train.accuracy, ev.test.accuracy]).toEqual([a.trainAccuracy, a.testAccuracy]);
    expect((await runInProcess(trainCommand(), ['--data', DATASETS, '--normalize', 'zscore'])).stderr).toContain('--normalize must be one of scale, standardize');
  }, 60_000);

  it('model files without mean and std load as pixels / scale; a bad mean is one line naming the field', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plain.json');
    expect((await runInProcess(trainCommand(), ['--data', DATASETS, '--iterations', '1', '--save', file])).code).toBe(0);
    expect((await loadModelFile(file)).preprocessing).toEqual({ scale: 255 });
    const doc = JSON.parse(await readFile(file, 'utf8')) as { preprocessing: Record<string, unknown> };
    doc.preprocessing = { scale: 255, mean: [0.4, 0.4], std: [0.2, 0.2, 0.2] };
    await writeFile(file, JSON.stringify(doc));
    const err = await loadModelFile(file).then(() => undefined, (x: unknown) => x);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).field).toBe('preprocessing.mean');
    expect((err as Error).message).toContain('expected 3 numbers (one per input channel) beside preprocessing.std');
  });
});
