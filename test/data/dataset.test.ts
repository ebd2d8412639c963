import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabelledImages } from '../../src/data/dataset.js';
import { CLASS_LIST, TEST, TRAIN, dataError, grey, images, int64, removeTempDirs, tempDir, writeH5, type Spec } from './fixtures.js';

afterAll(removeTempDirs);

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0;
  return s;
}

describe('loadLabelledImages on the course files', () => {
  it('loads the training set as the notes do', async () => {
    const train = await loadLabelledImages(TRAIN);
    expect(train.file).toBe(TRAIN);
    expect(train.name).toBe('train_set');
    expect(train.x.shape).toEqual([209, 64, 64, 3]);
    expect(train.x.dtype).toBe('uint8');
    expect(train.y.shape).toEqual([1, 209]);
    expect(train.y.dtype).toBe('float64');
    expect(train.classes).toEqual(['non-cat', 'cat']);
    // python3 -c "import h5py; print(h5py.File('train_catvnoncat.h5')['train_set_y'][:].sum())"  -> 72
    expect(sum(train.y.values())).toBe(72);
    // python3 -c "import h5py; x=h5py.File('train_catvnoncat.h5')['train_set_x']; print(x[0,0,0], x[25,10,20], x[208,32,32], x[2,63,0])"
    const px = (i: number, r: number, c: number): number[] => [0, 1, 2].map((k) => train.x.get(i, r, c, k));
    expect(px(0, 0, 0)).toEqual([17, 31, 56]);
    expect(px(25, 10, 20)).toEqual([37, 35, 30]);
    expect(px(208, 32, 32)).toEqual([138, 80, 54]);
    expect(px(2, 63, 0)).toEqual([86, 102, 116]);
  });

  it('loads the test set', async () => {
    const test = await loadLabelledImages(TEST);
    expect(test.name).toBe('test_set');
    expect(test.x.shape).toEqual([50, 64, 64, 3]);
    expect(test.y.shape).toEqual([1, 50]);
    expect(test.classes).toEqual(['non-cat', 'cat']);
    // python3 -c "import h5py; print(h5py.File('test_catvnoncat.h5')['test_set_y'][:].sum())"  -> 33
    expect(sum(test.y.values())).toBe(33);
    // python3 -c "import h5py; x=h5py.File('test_catvnoncat.h5')['test_set_x']; print(x[0,0,0], x[25,10,20], x[49,63,63])"
    const px = (i: number, r: number, c: number): number[] => [0, 1, 2].map((k) => test.x.get(i, r, c, k));
    expect(px(0, 0, 0)).toEqual([158, 104, 83]);
    expect(px(25, 10, 20)).toEqual([147, 86, 40]);
    expect(px(49, 63, 63)).toEqual([5, 22, 5]);
  });

  it('takes an explicit prefix', async () => {
    expect((await loadLabelledImages(TEST, 'test_set')).y.shape).toEqual([1, 50]);
    const e = await dataError(loadLabelledImages(TEST, 'train_set'));
    expect([e.file, e.field]).toEqual([TEST, 'train_set_x']);
    expect(e.message).toContain('no such dataset; the file has list_classes (2,) S7, test_set_x');
  });
});

/** Writes `datasets` to a fresh temp file and returns its path. */
async function h5(datasets: Record<string, Spec>): Promise<string> {
  return writeH5(join(await tempDir(), 'set.h5'), datasets);
}

describe('other layouts that fit', () => {
  it('any single *_x / *_y pair, labels (m, 1), a longer class list', async () => {
    const file = await h5({
      pets_x: images(3, 4, 5),
      pets_y: { data: BigInt64Array.from([2n, 0n, 1n]), shape: [3, 1], dtype: '<q' },
      list_classes: { data: ['dog', 'cat', 'fish'], shape: [3], dtype: 'A4' },
    });
    const set = await loadLabelledImages(file);
    expect(set.name).toBe('pets');
    expect(set.x.shape).toEqual([3, 4, 5, 3]);
    expect(set.y.toArray()).toEqual([[2, 0, 1]]);
    expect(set.classes).toEqual(['dog', 'cat', 'fish']);
  });

  it('labels (1, m) of another integer type, a pair inside a group with its own class list', async () => {
    const file = await h5({
      'g/a_x': images(2),
      'g/a_y': { data: Int32Array.from([1, 0]), shape: [1, 2], dtype: '<i' },
      'g/list_classes': CLASS_LIST,
    });
    const set = await loadLabelledImages(file);
    expect(set.name).toBe('g/a');
    expect(set.y.toArray()).toEqual([[1, 0]]);
    expect(set.classes).toEqual(['non-cat', 'cat']);
  });

  it('no list_classes: labels only need to be >= 0, classes are their numbers', async () => {
    const set = await loadLabelledImages(await h5({ s_x: images(3), s_y: int64([0, 2, 1]) }));
    expect(set.classes).toEqual(['0', '1', '2']);
  });

  it('several pairs are fine with a prefix', async () => {
    const file = await h5({ a_x: images(1), a_y: int64([0]), b_x: images(2), b_y: int64([1, 1]) });
    expect((await loadLabelledImages(file, 'b')).y.shape).toEqual([1, 2]);
  });
});

describe('grayscale image sets', () => {
  it.each([
    ['(m, h, w)', grey(2, 3, 2)],
    ['(m, h, w, 1)', images(2, 3, 2, 1)],
  ])('uint8 %s become (m, h, w, 1), pixels in the stored order', async (_, x) => {
    const set = await loadLabelledImages(await h5({ digits_x: x, digits_y: int64([1, 0]), list_classes: CLASS_LIST }));
    expect(set.name).toBe('digits');
    expect(set.x.shape).toEqual([2, 3, 2, 1]);
    expect(set.x.dtype).toBe('uint8');
    // Pixel i of the stored array is i mod 256: sample 1, row 2, column 1 is 1*6 + 2*2 + 1 = 11.
    expect(set.x.get(1, 2, 1, 0)).toBe(11);
    expect(set.x.get(0, 0, 1, 0)).toBe(1);
    expect(set.y.toArray()).toEqual([[1, 0]]);
    expect(set.classes).toEqual(['non-cat', 'cat']);
  });
});

describe('layouts that do not fit', () => {
  it('renamed datasets: lists what the file has', async () => {
    const file = await h5({ images: images(2), labels: int64([0, 1]) });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, undefined]);
    expect(e.message).toContain('no <name>_x / <name>_y dataset pair');
    expect(e.message).toContain('the file has images (2, 2, 2, 3) uint8, labels (2,) int64');
  });

  it('a missing labels dataset', async () => {
    const file = await h5({ train_set_x: images(2), list_classes: CLASS_LIST });
    expect((await dataError(loadLabelledImages(file))).message).toContain('no <name>_x / <name>_y dataset pair');
    const e = await dataError(loadLabelledImages(file, 'train_set'));
    expect([e.file, e.field]).toEqual([file, 'train_set_y']);
    expect(e.message).toContain('no such dataset');
  });

  it('several pairs without a prefix', async () => {
    const file = await h5({ a_x: images(1), a_y: int64([0]), b_x: images(1), b_y: int64([1]) });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, undefined]);
    expect(e.message).toContain('several dataset pairs (a_x/a_y, b_x/b_y); give a prefix');
  });

  it('sample counts that differ', async () => {
    const file = await h5({ train_set_x: images(3), train_set_y: int64([0, 1]), list_classes: CLASS_LIST });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 'train_set_y']);
    expect(e.message).toContain('train_set_x has 3 samples but train_set_y has 2');
  });

  it.each([
    ['float64 pixels', { data: new Float64Array(12), shape: [1, 2, 2, 3], dtype: '<d' }, 'got float64 (1, 2, 2, 3)'],
    ['RGBA images', images(1, 2, 2, 4), 'got uint8 (1, 2, 2, 4)'],
    ['two channels', images(1, 2, 2, 2), 'got uint8 (1, 2, 2, 2)'],
    ['2-D pixels', { data: new Uint8Array(4), shape: [1, 4], dtype: '<B' }, 'got uint8 (1, 4)'],
    ['5-D pixels', { data: new Uint8Array(12), shape: [1, 1, 2, 2, 3], dtype: '<B' }, 'got uint8 (1, 1, 2, 2, 3)'],
    ['zero-width images', { data: new Uint8Array(0), shape: [1, 2, 0, 3], dtype: '<B' }, 'got uint8 (1, 2, 0, 3)'],
    ['zero-height grey images', { data: new Uint8Array(0), shape: [1, 0, 2], dtype: '<B' }, 'got uint8 (1, 0, 2)'],
  ])('x as %s', async (_, x, got) => {
    const file = await h5({ s_x: x, s_y: int64([0]) });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 's_x']);
    expect(e.message).toBe(`${file}: s_x: expected uint8 images of shape (m, h, w), (m, h, w, 1) or (m, h, w, 3), ${got}`);
  });

  it.each([
    ['float labels', { data: new Float64Array([0, 1]), shape: [2], dtype: '<d' }, 'got float64 (2,)'],
    ['(2, 2) labels', { data: BigInt64Array.from([0n, 1n, 1n, 0n]), shape: [2, 2], dtype: '<q' }, 'got int64 (2, 2)'],
    ['string labels', { data: ['0', '1'], shape: [2], dtype: 'A1' }, 'got S1 (2,)'],
  ])('y as %s', async (_, y, got) => {
    const file = await h5({ s_x: images(2), s_y: y });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 's_y']);
    expect(e.message).toContain('expected integer labels of shape (m,), (1, m) or (m, 1)');
    expect(e.message).toContain(got);
  });

  it('an empty dataset', async () => {
    const file = await h5({ s_x: { data: new Uint8Array(0), shape: [0, 2, 2, 3], dtype: '<B' }, s_y: int64([]) });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 's_x']);
    expect(e.message).toContain('empty dataset: 0 samples');
  });

  it('a label outside the class list', async () => {
    const file = await h5({ s_x: images(3), s_y: int64([0, 2, 1]), list_classes: CLASS_LIST });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 's_y']);
    expect(e.message).toContain('label 2 at index 1 is outside the class list');
    expect(e.message).toContain('list_classes has 2 classes (non-cat, cat), so labels must be in 0..1');
  });

  it('a negative label without a class list', async () => {
    const file = await h5({ s_x: images(2), s_y: int64([0, -1]) });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 's_y']);
    expect(e.message).toContain('label -1 at index 1');
    expect(e.message).toContain('without a list_classes dataset, labels must be integers in 0..65535');
  });

  it('a class list that is not strings', async () => {
    const file = await h5({ s_x: images(1), s_y: int64([0]), list_classes: int64([0, 1]) });
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, 'list_classes']);
    expect(e.message).toContain('expected a 1-D list of class names (strings), got int64 (2,)');
  });
});

describe('files that are not labelled images at all', () => {
  it('a missing file', async () => {
    const e = await dataError(loadLabelledImages('/nowhere/train_catvnoncat.h5'));
    expect(e.message).toBe('/nowhere/train_catvnoncat.h5: no such file');
  });

  it('a directory', async () => {
    const dir = await tempDir();
    expect((await dataError(loadLabelledImages(dir))).message).toBe(`${dir}: is a directory, expected an HDF5 file`);
  });

  it('a text file', async () => {
    const file = join(await tempDir(), 'train.h5');
    await writeFile(file, 'not hdf5\n');
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, undefined]);
    expect(e.message).toContain('not an HDF5 file');
  });

  it('a truncated copy of the test file', async () => {
    const file = join(await tempDir(), 'test.h5');
    await writeFile(file, (await readFile(TEST)).subarray(0, 300_000));
    const e = await dataError(loadLabelledImages(file));
    expect([e.file, e.field]).toEqual([file, undefined]);
    expect(e.message).toContain('truncated or corrupt HDF5 file (it has 300000 bytes, its superblock expects 616958)');
  });
});
