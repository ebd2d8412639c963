import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { idxKind, parseIdxImages, parseIdxLabels } from '../../src/data/idx.js';
import { dataErrorSync } from './fixtures.js';
import { idxBytes, idxImages, idxLabels } from './idx-bytes.js';

describe('idx files', () => {
  it('reads idx3 images as (m, rows, cols, 1) uint8, row by row', () => {
    const x = parseIdxImages(idxImages(2, 2, 3), 'imgs');
    expect(x.shape).toEqual([2, 2, 3, 1]);
    expect(x.dtype).toBe('uint8');
    expect(Array.from(x.contiguous().values())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads idx1 labels and tells the kinds apart by their magic', () => {
    expect(Array.from(parseIdxLabels(idxLabels([3, 0, 9]), 'labels'))).toEqual([3, 0, 9]);
    expect(idxKind(idxImages(1))).toBe('images');
    expect(idxKind(idxLabels([1]))).toBe('labels');
    expect(idxKind(Uint8Array.of(0x89, 0x48, 0x44, 0x46))).toBeUndefined();
  });

  it.each([
    ['wrong magic', () => parseIdxImages(idxBytes([1, 1, 1], [0], 0x00000804), 'f'), 'wrong magic number 0x00000804, expected 0x00000803'],
    ['labels given as images', () => parseIdxImages(idxLabels([1]), 'f'), 'wrong magic number 0x00000801 (that is an idx1 labels file), expected 0x00000803'],
    ['truncated header', () => parseIdxImages(idxImages(1).subarray(0, 10), 'f'), 'truncated header: 10 bytes, expected 16'],
    ['truncated values', () => parseIdxImages(idxImages(2).subarray(0, 20), 'f'), 'truncated: the header gives 2 x 2 x 3 = 12 values but 4 bytes follow it'],
    ['bytes over', () => parseIdxLabels(Uint8Array.of(...idxLabels([1]), 7), 'f'), '1 bytes after the 1 values'],
    ['empty', () => parseIdxLabels(idxLabels([]), 'f'), 'empty: the header gives 0 labels'],
    ['zero-size images', () => parseIdxImages(idxBytes([1, 0, 3], []), 'f'), 'images of 0 x 3 pixels'],
    ['label > 9', () => parseIdxLabels(idxLabels([1, 10]), 'f'), 'label 10 at index 1: expected labels 0..9'],
    ['too short for a magic', () => parseIdxLabels(Uint8Array.of(0, 0), 'f'), 'truncated: 2 bytes'],
  ])('%s is one DataError naming the file', (_, run, words) => {
    const e = dataErrorSync(run);
    expect(e).toBeInstanceOf(DataError);
    expect(e.file).toBe('f');
    expect(e.message).toContain(`f: ${words}`);
  });
});
