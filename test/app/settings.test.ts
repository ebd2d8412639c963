// A run's settings checked once against its data, before anything trains.
import { describe, expect, it } from 'vitest';
import { NEURON, resolveRun } from '../../src/app/settings.js';
import { ArgumentError } from '../../src/core/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import { fromArray } from '../../src/tensor/index.js';
import { caught } from '../course/helpers.js';

const images = (m: number, h: number, w: number): Dataset => ({
  file: 'set.h5',
  x: fromArray(Uint8Array.from({ length: m * h * w * 3 }, (_, i) => (i * 37) % 256), [m, h, w, 3]),
  labels: fromArray(Array.from({ length: m }, (_, j) => j % 2)),
  classes: ['non-cat', 'cat'],
});

describe('resolveRun', () => {
  it('builds the model for the items of the training set', () => {
    const r = resolveRun(NEURON, { train: images(4, 2, 2), test: images(2, 2, 2) });
    expect([r.model.inputShape, r.model.parameters().map((p) => p.value.shape), r.classes]).toEqual([[2, 2, 3], [[1, 12], [1]], ['non-cat', 'cat']]);
  });
  it('refuses test images of another size than the training images', () => {
    expect(caught(ArgumentError, () => resolveRun(NEURON, { train: images(4, 2, 2), test: images(2, 3, 2) })).message).toBe('train: data: the test samples are (3, 2, 3), the training samples (2, 2, 3)');
  });
  it('refuses labels the model cannot tell apart and settings out of range', () => {
    const three = { ...images(4, 2, 2), labels: fromArray([0, 1, 2, 0]), classes: ['a', 'b', 'c'] };
    expect(caught(ArgumentError, () => resolveRun(NEURON, { train: three })).message).toBe('train: layers: the model tells 2 classes apart, the data has 3 (a, b, c): end with dense:3,softmax');
    expect(caught(ArgumentError, () => resolveRun({ ...NEURON, seed: -1 }, { train: images(2, 1, 1) })).message).toBe('train: seed: must be an integer in 0..2**32-1, got -1');
    expect(caught(ArgumentError, () => resolveRun({ ...NEURON, l2: -0.1 }, { train: images(2, 1, 1) })).message).toBe('train: l2: must be a number >= 0, got -0.1');
  });
});
