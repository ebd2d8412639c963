import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHdf5File, describeDatasets, listDatasets, readDataset, withHdf5File } from '../../src/data/hdf5.js';
import { CLASS_LIST, TEST, TRAIN, dataError, images, int64, removeTempDirs, tempDir, writeH5, writeZeroedHeaders } from './fixtures.js';

afterAll(removeTempDirs);

describe('listDatasets / readDataset on the course files', () => {
  it('lists names, shapes and numpy dtypes', async () => {
    expect(await listDatasets(TRAIN)).toEqual([
      { name: 'list_classes', shape: [2], dtype: 'S7', kind: 'string' },
      { name: 'train_set_x', shape: [209, 64, 64, 3], dtype: 'uint8', kind: 'uint' },
      { name: 'train_set_y', shape: [209], dtype: 'int64', kind: 'int' },
    ]);
  });

  it('reads int64 labels as BigInt64Array and NUL-padded bytes as strings', async () => {
    const y = await readDataset(TRAIN, 'train_set_y');
    expect(y.values).toBeInstanceOf(BigInt64Array);
    // python3 -c "import h5py; print(h5py.File('train_catvnoncat.h5')['train_set_y'][:20].tolist())"
    expect(Array.from(y.values.slice(0, 20), Number)).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect((await readDataset(TEST, 'list_classes')).values).toEqual(['non-cat', 'cat']);
  });

  it('describes datasets for messages', async () => {
    expect(describeDatasets(await listDatasets(TEST))).toBe('list_classes (2,) S7, test_set_x (50, 64, 64, 3) uint8, test_set_y (50,) int64');
    expect(describeDatasets([])).toBe('no datasets');
  });

  it('names the file and dataset when a dataset is missing', async () => {
    const e = await dataError(readDataset(TEST, 'nope'));
    expect(e.file).toBe(TEST);
    expect(e.field).toBe('nope');
    expect(e.message).toContain('no such dataset');
    expect(e.message).toContain('test_set_x (50, 64, 64, 3) uint8');
  });

  it('closes the file even when the callback throws', async () => {
    await expect(withHdf5File(TEST, () => { throw new RangeError('boom'); })).rejects.toThrow(RangeError);
    // A second open would fail if the first handle leaked in a locked state.
    expect((await readDataset(TEST, 'test_set_y')).shape).toEqual([50]);
  });
});

describe('written files', () => {
  it('finds datasets inside groups and decodes UTF-8 class names', async () => {
    const dir = await tempDir();
    const file = await writeH5(join(dir, 'g.h5'), {
      'cats/set_x': images(2),
      'cats/set_y': int64([0, 1]),
      // 'A' is HDF5's ASCII tag, which h5py also gives numpy bytes; the bytes here are UTF-8.
      names: { data: ['chaton', 'chat élégant'], shape: [2], dtype: 'A16' },
    });
    expect((await listDatasets(file)).map((d) => d.name)).toEqual(['cats/set_x', 'cats/set_y', 'names']);
    expect((await readDataset(file, 'names')).values).toEqual(['chaton', 'chat élégant']);
  });

  it('reads a file whose HDF5 superblock sits after a 512-byte user block', async () => {
    const dir = await tempDir();
    const plain = await writeH5(join(dir, 'plain.h5'), { set_x: images(1), set_y: int64([1]), list_classes: CLASS_LIST });
    const shifted = join(dir, 'userblock.h5');
    await writeFile(shifted, Buffer.concat([Buffer.alloc(512), await readFile(plain)]));
    await checkHdf5File(shifted);
    expect((await readDataset(shifted, 'set_y')).values).toEqual(BigInt64Array.from([1n]));
  });
});

describe('checkHdf5File and bad files', () => {
  it('a missing file', async () => {
    const e = await dataError(listDatasets('/no/such/dir/train.h5'));
    expect(e.file).toBe('/no/such/dir/train.h5');
    expect(e.field).toBeUndefined();
    expect(e.message).toBe('/no/such/dir/train.h5: no such file');
  });

  it('a directory', async () => {
    const dir = await tempDir();
    const e = await dataError(checkHdf5File(dir));
    expect(e.file).toBe(dir);
    expect(e.message).toContain('is a directory, expected an HDF5 file');
  });

  it('a text file', async () => {
    const file = join(await tempDir(), 'notes.h5');
    await writeFile(file, 'train_set_x,train_set_y\n1,2\n'.repeat(100));
    const e = await dataError(listDatasets(file));
    expect(e.file).toBe(file);
    expect(e.message).toContain('not an HDF5 file');
    expect(e.message).toContain('2800 bytes');
  });

  it('an empty file', async () => {
    const file = join(await tempDir(), 'empty.h5');
    await writeFile(file, '');
    expect((await dataError(checkHdf5File(file))).message).toContain('not an HDF5 file');
  });

  it.each([
    [100_000, 'it has 100000 bytes, its superblock expects 2572022'],
    [1_000, 'it has 1000 bytes, its superblock expects 2572022'],
    [20, 'it ends inside its superblock'],
  ])('a copy of the training file cut to %i bytes', async (n, detail) => {
    const file = join(await tempDir(), 'cut.h5');
    await writeFile(file, (await readFile(TRAIN)).subarray(0, n));
    const e = await dataError(listDatasets(file));
    expect(e.file).toBe(file);
    expect(e.field).toBeUndefined();
    expect(e.message).toContain('truncated or corrupt HDF5 file');
    expect(e.message).toContain(detail);
  });

  it('a copy whose object headers are zeroed: HDF5 reports it, reworded on one line', async () => {
    const file = await writeZeroedHeaders(join(await tempDir(), 'corrupt.h5'));
    const e = await dataError(listDatasets(file));
    expect(e.file).toBe(file);
    expect(e.message).toMatch(/truncated or corrupt HDF5 file: .* \(HDF5: [^)]+\)$/);
    expect(e.message).not.toContain('HDF5-DIAG');
  });
});
