/**
 * Seeded augmentation (issue 15 item 3): each output image is its input mirrored, shifted
 * with zeros, or brightened by one amount, drawn anew per (seed, epoch, batch) and the same
 * for the same three; the trainer applies it to training batches only.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { trainCommand } from '../../src/cli/train.js';
import { ArgumentError } from '../../src/core/errors.js';
import { augmentBatch, augmentText, parseAugment } from '../../src/data/transforms.js';
import { loadModelFile } from '../../src/io/files.js';
import { Tensor } from '../../src/tensor/index.js';
import { loadRunData } from '../../src/app/data.js';
import { TrainingRun } from '../../src/app/run.js';
import { NEURON, type RunSettings } from '../../src/app/settings.js';
import { restoreCheckpoint, storeCheckpoint } from '../../src/io/checkpoint.js';
import { runInProcess } from '../cli/command-helper.js';
import { DATASETS, removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

/** 16 images of 2x3 pixels, 1 channel: image i holds 10i + 1 .. 10i + 6 row by row. */
const batch = new Tensor(Float64Array.from({ length: 16 * 6 }, (_, j) => 10 * Math.floor(j / 6) + (j % 6) + 1), [16, 2, 3, 1], 'float64');
const image = (t: Tensor, i: number): number[] => Array.from(t.values().subarray(i * 6, (i + 1) * 6));

describe('parseAugment', () => {
  it('reads flip, crop:K and brightness:D, and names what it cannot read', () => {
    expect(parseAugment('flip,crop:4,brightness:0.1')).toEqual({ flip: true, crop: 4, brightness: 0.1 });
    expect(augmentText(parseAugment('brightness:0.2,flip'))).toBe('flip,brightness:0.2');
    for (const bad of ['flip:1', 'crop:0', 'crop:2.5', 'brightness:2', 'rotate', '']) {
      const e = (() => {
        try {
          parseAugment(bad);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e, bad).toBeInstanceOf(ArgumentError);
      expect((e as Error).message).toContain(`--augment: "${bad}" is not an augmentation: expected a comma-separated list of flip, crop:K`);
    }
  });
});

describe('augmentBatch', () => {
  it('flip: each image as it was or mirrored left-right, both among 16; the input unchanged', () => {
    const before = Array.from(batch.values());
    const out = augmentBatch(batch, parseAugment('flip'), 1, 0, 0);
    let mirrored = 0;
    for (let i = 0; i < 16; i++) {
      const [a, b, c, d, e, f] = image(batch, i);
      const got = image(out, i);
      if (got.join() === [c, b, a, f, e, d].join()) mirrored++;
      else expect(got).toEqual([a, b, c, d, e, f]);
    }
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThan(16);
    expect(Array.from(batch.values())).toEqual(before);
  });

  it('crop:1: each image shifted by -1..1 in each direction, zeros where it came from outside', () => {
    const out = augmentBatch(batch, parseAugment('crop:1'), 3, 2, 5);
    for (let i = 0; i < 16; i++) {
      const src = image(batch, i);
      const got = image(out, i);
      const fits = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => got.every((v, j) => {
        const r = Math.floor(j / 3) + dy;
        const c = (j % 3) + dx;
        return v === (r >= 0 && r < 2 && c >= 0 && c < 3 ? src[r * 3 + c] : 0);
      })));
      expect(fits, `image ${i}: ${got.join()}`).toBe(true);
    }
  });

  it('brightness:0.5: one amount in [-0.5, 0.5] added to all of an image; the same draws for the same seed, epoch and batch only', () => {
    const spec = parseAugment('flip,crop:1,brightness:0.5');
    const b = augmentBatch(batch, parseAugment('brightness:0.5'), 1, 0, 0);
    for (let i = 0; i < 16; i++) {
      const d = image(b, i).map((v, j) => v - (image(batch, i)[j] ?? 0));
      expect(Math.max(...d) - Math.min(...d)).toBeLessThan(1e-12);
      expect(Math.abs(d[0] ?? 9)).toBeLessThanOrEqual(0.5);
    }
    const a = Array.from(augmentBatch(batch, spec, 7, 3, 1).values());
    expect(Array.from(augmentBatch(batch, spec, 7, 3, 1).values())).toEqual(a);
    for (const [seed, epoch, n] of [[8, 3, 1], [7, 4, 1], [7, 3, 2]] as const) expect(Array.from(augmentBatch(batch, spec, seed, epoch, n).values())).not.toEqual(a);
    expect(() => augmentBatch(new Tensor(new Float64Array(4), [2, 2], 'float64'), spec, 1, 0, 0)).toThrow(ArgumentError);
  });
});

describe('tsgrad train --augment', () => {
  it('augments the training batches only, seeded: the same costs twice, others than without; recorded in the model file', async () => {
    const file = join(await tempDir(), 'aug.json');
    const args = ['--data', DATASETS, '--arch', 'dense:1,sigmoid', '--optimizer', 'adam', '--learning-rate', '0.001', '--batch-size', '64', '--epochs', '2', '--print-every', '1', '--json'];
    const runs: { engine: string; costs: { cost: number }[]; testAccuracy: number }[] = [];
    // One at a time: runInProcess captures this process's stdout.
    for (const extra of [['--augment', 'flip,crop:4,brightness:0.1', '--save', file], ['--augment', 'flip,crop:4,brightness:0.1'], []]) {
      const r = await runInProcess(trainCommand(), [...args, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      runs.push(JSON.parse(r.stdout) as (typeof runs)[number]);
    }
    const [a, b, plain] = runs;
    expect(a?.engine).toBe('autodiff');
    expect(a?.costs).toEqual(b?.costs);
    expect(a?.costs[0]?.cost).not.toBe(plain?.costs[0]?.cost);
    const loaded = await loadModelFile(file);
    expect(loaded.training.augment).toBe('flip,crop:4,brightness:0.1');
    // The test set is scored as stored: evaluate (no augmentation anywhere) gives the run's figure.
    const e = JSON.parse((await runInProcess(evaluateCommand(), [file, '--json'])).stdout) as { test: { accuracy: number } };
    expect(e.test.accuracy).toBe(a?.testAccuracy);
    const bad = await runInProcess(trainCommand(), ['--data', DATASETS, '--augment', 'flip', '--engine', 'span']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tsgrad: error: --augment: runs on the autodiff step, which changes each batch before its forward pass: drop --engine span\n');
  }, 60_000);
});

describe('the trainer\'s batch transform', () => {
  it('augments a run stopped and resumed exactly as one run straight through', async () => {
    const data = await loadRunData({ data: DATASETS });
    const s: RunSettings = { ...NEURON, engine: 'autodiff', optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 2, printEvery: 1 };
    const spec = parseAugment('flip,crop:4,brightness:0.1');
    const batchTransform = (x: Tensor, at: { epoch: number; batch: number }): Tensor => augmentBatch(x, spec, 1, at.epoch, at.batch);
    const whole = new TrainingRun(data, s, { batchTransform });
    whole.advance();
    const first = new TrainingRun(data, s, { batchTransform });
    let updates = 0;
    first.advance(() => ++updates === 5);
    const ck = restoreCheckpoint('(memory)', JSON.parse(JSON.stringify(storeCheckpoint(first.checkpoint(), data))) as Record<string, unknown>, first.trainer.costs);
    const second = new TrainingRun(data, ck.settings, { resume: ck, batchTransform });
    second.advance();
    expect(second.result().records).toEqual(whole.result().records);
    expect(second.model.parameters().map((p) => Array.from(p.value.values()))).toEqual(whole.model.parameters().map((p) => Array.from(p.value.values())));
    const plain = new TrainingRun(data, s);
    plain.advance();
    expect(plain.result().records).not.toEqual(whole.result().records);
    expect(() => new TrainingRun(data, { ...NEURON, engine: 'span' }, { batchTransform })).toThrow('augmentation runs on the autodiff step, not span');
  }, 60_000);
});
