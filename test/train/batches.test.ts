import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { arange, fromArray } from '../../src/tensor/index.js';
import { randomMiniBatches, takeColumns } from '../../src/train/batches.js';

describe('takeColumns', () => {
  it("is numpy's X[:, idx[start:end]]", () => {
    const X = fromArray([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(takeColumns(X, [3, 0, 2], 0, 2).toArray()).toEqual([[4, 1], [8, 5]]);
    expect(takeColumns(X.T.T, Int32Array.of(1)).toArray()).toEqual([[2], [6]]);
    expect(takeColumns(fromArray(new Float32Array([1, 2]), [1, 2]), [1]).dtype).toBe('float32');
  });
  it('refuses columns out of range and tensors that are not 2-D', () => {
    expect(() => takeColumns(fromArray([[1, 2]]), [2])).toThrow(ArgumentError);
    expect(() => takeColumns(fromArray([1, 2]), [0])).toThrow(ShapeError);
  });
});

describe('randomMiniBatches', () => {
  // X[i, j] = 1000 i + j and Y[0, j] = j, so every column says where it came from.
  const m = 209;
  const Xv = fromArray(Array.from({ length: 3 }, (_, i) => Array.from({ length: m }, (_, j) => 1000 * i + j)));
  const Y = arange(m).reshape([1, m]);
  it("shuffles with numpy's permutation(m) after seed(seed) and cuts batches of 64, the last of 17", () => {
    const batches = randomMiniBatches(Xv, Y, 64, 11);
    expect(batches.map((b) => b.X.shape[1])).toEqual([64, 64, 64, 17]);
    const perm = Array.from(new RandomState(11).permutation(m));
    expect(batches.flatMap((b) => Array.from(b.Y.values()))).toEqual(perm);
    for (const b of batches) {
      const cols = Array.from(b.Y.values());
      expect(b.X.toArray()).toEqual([0, 1, 2].map((i) => cols.map((j) => 1000 * i + j)));
    }
  });
  it('is one shuffled batch when the batch size covers the data, and differs by seed', () => {
    expect(randomMiniBatches(Xv, Y, 500, 1).map((b) => b.X.shape)).toEqual([[3, m]]);
    const a = Array.from(randomMiniBatches(Xv, Y, 64, 1)[0]!.Y.values());
    const b = Array.from(randomMiniBatches(Xv, Y, 64, 2)[0]!.Y.values());
    expect(a).not.toEqual(b);
  });
  it('refuses a batch size that is not a positive integer and X, Y of different sample counts', () => {
    expect(() => randomMiniBatches(Xv, Y, 0, 1)).toThrow(/batchSize: must be a positive integer, got 0/);
    expect(() => randomMiniBatches(Xv, fromArray([[1, 2]]), 2, 1)).toThrow(ShapeError);
  });
});
