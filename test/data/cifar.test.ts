import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { CIFAR10_CLASSES, looksLikeCifar, parseCifarBatch, parseCifarMeta } from '../../src/data/cifar.js';
import { dataErrorSync } from './fixtures.js';
import { cifarBytes } from './idx-bytes.js';

describe('CIFAR-10 batches', () => {
  it('reads records as (m, 32, 32, 3) HWC: the planes interleaved', () => {
    const { x, labels } = parseCifarBatch(cifarBytes([6, 2]), 'b.bin');
    expect(x.shape).toEqual([2, 32, 32, 3]);
    expect(Array.from(labels)).toEqual([6, 2]);
    const v = x.contiguous().values();
    // Image 0, pixel 5: red = 5, green = 61, blue = 62; image 1, pixel 0: 0, 21, 22.
    expect(Array.from(v.subarray(15, 18))).toEqual([5, 61, 62]);
    expect(Array.from(v.subarray(3072, 3075))).toEqual([0, 21, 22]);
  });

  it('knows the class names and reads them from batches.meta.txt', () => {
    expect(CIFAR10_CLASSES).toHaveLength(10);
    expect(CIFAR10_CLASSES[0]).toBe('airplane');
    expect(parseCifarMeta(`${CIFAR10_CLASSES.join('\n')}\n\n`, 'm.txt')).toEqual(CIFAR10_CLASSES);
    expect(looksLikeCifar(cifarBytes([9]))).toBe(true);
    expect(looksLikeCifar(new Uint8Array(3072))).toBe(false);
  });

  it.each([
    ['empty', () => parseCifarBatch(new Uint8Array(0), 'b.bin'), 'empty: expected CIFAR-10 records of 3073 bytes'],
    ['truncated', () => parseCifarBatch(cifarBytes([1, 2]).subarray(0, 5000), 'b.bin'), 'truncated: 5000 bytes is 1 CIFAR-10 records of 3073 bytes and 1927 bytes over'],
    ['label > 9', () => parseCifarBatch(cifarBytes([1, 12]), 'b.bin'), 'label 12 in record 1 (byte 3073): expected CIFAR-10 labels 0..9'],
    ['a meta file of 3 names', () => parseCifarMeta('a\nb\nc\n', 'b.bin'), 'lists 3 class names, expected the 10 of CIFAR-10'],
  ])('%s is one DataError naming the file', (_, run, words) => {
    const e = dataErrorSync(run);
    expect(e).toBeInstanceOf(DataError);
    expect(e.file).toBe('b.bin');
    expect(e.message).toContain(`b.bin: ${words}`);
  });
});
