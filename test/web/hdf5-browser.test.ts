/**
 * src/data/hdf5-browser.ts (the page's HDF5 reader, h5wasm's ESM build) held to the Node
 * reader of src/data/dataset.ts: the same sets from the same files, and the same DataError
 * (class, file, field and message) for every file either refuses. Kept under test/web/
 * beside the page's tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { loadLabelledImages, type LabelledImages } from '../../src/data/dataset.js';
import { labelledImagesFromBytes } from '../../src/data/hdf5-browser.js';
import {
  CLASS_LIST, TEST, TRAIN, grey, images, int64, removeTempDirs, tempDir, writeBomb, writeH5, writeZeroedHeaders, type Spec,
} from '../data/fixtures.js';

afterAll(removeTempDirs);

/** What a reader gave: the set's contents as plain data, or the error's class and fields. */
function outcome(run: Promise<LabelledImages>): Promise<unknown> {
  return run.then(
    (s) => ({ file: s.file, name: s.name, xShape: s.x.shape, x: [...s.x.values()], y: s.y.toArray(), classes: s.classes }),
    (e: unknown) => (e instanceof DataError ? { error: 'DataError', file: e.file, field: e.field, message: e.message } : e),
  );
}

/** Reads `file` both ways, the browser given the same name, and checks they agree. */
async function bothWays(file: string, prefix?: string): Promise<unknown> {
  const node = await outcome(loadLabelledImages(file, prefix));
  const browser = await outcome(labelledImagesFromBytes(file, new Uint8Array(await readFile(file)), prefix));
  expect(browser).toEqual(node);
  return node;
}

async function h5(datasets: Record<string, Spec>): Promise<string> {
  return writeH5(join(await tempDir(), 'set.h5'), datasets);
}

async function bytesFile(bytes: Uint8Array): Promise<string> {
  const file = join(await tempDir(), 'bytes.h5');
  await writeFile(file, bytes);
  return file;
}

describe('labelledImagesFromBytes', () => {
  for (const [name, path] of [['train_catvnoncat.h5', TRAIN], ['test_catvnoncat.h5', TEST]] as const) {
    it(`reads ${name} as loadLabelledImages does`, async () => {
      const node = await loadLabelledImages(path);
      const browser = await labelledImagesFromBytes(name, new Uint8Array(await readFile(path)));
      expect(browser.file).toBe(name);
      expect(browser.name).toBe(node.name);
      expect(browser.classes).toEqual(['non-cat', 'cat']);
      expect(browser.x.shape).toEqual(node.x.shape);
      expect(browser.x.dtype).toBe('uint8');
      expect(Buffer.from(browser.x.values() as Uint8Array).equals(Buffer.from(node.x.values() as Uint8Array))).toBe(true);
      expect(browser.y.shape).toEqual(node.y.shape);
      expect([...browser.y.values()]).toEqual([...node.y.values()]);
    });
  }

  it.each([
    ['(m, h, w)', grey(3, 2, 3)],
    ['(m, h, w, 1)', images(3, 2, 3, 1)],
  ])('reads a grayscale set stored %s as (m, h, w, 1), as the Node reader does', async (_, x) => {
    const got = await bothWays(await h5({ g_x: x, g_y: int64([0, 2, 1]) }));
    expect(got).toMatchObject({ name: 'g', xShape: [3, 2, 3, 1], y: [[0, 2, 1]], classes: ['0', '1', '2'] });
  });

  it('reads groups, labels (m, 1), a class list and a prefix as the Node reader does', async () => {
    const file = await h5({
      'g/a_x': images(2, 3, 3),
      'g/a_y': { data: Int32Array.from([1, 0]), shape: [2, 1], dtype: '<i' },
      'g/list_classes': CLASS_LIST,
      b_x: grey(1),
      b_y: int64([0]),
    });
    expect(await bothWays(file, 'g/a')).toMatchObject({ name: 'g/a', classes: ['non-cat', 'cat'] });
    expect(await bothWays(file, 'b')).toMatchObject({ name: 'b', xShape: [1, 2, 2, 1] });
  });

  it('refuses bytes that are not HDF5 with a DataError naming the file', async () => {
    const err = await labelledImagesFromBytes('notes.txt', new TextEncoder().encode('hello')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ file: 'notes.txt', field: undefined });
    expect((err as DataError).message).toMatch(/^notes\.txt: not an HDF5 file/);
  });
});

describe('both readers refuse the same mistakes with the same message', () => {
  const layouts: [string, Record<string, Spec>, string][] = [
    ['renamed datasets', { images: images(2), labels: int64([0, 1]) }, 'no <name>_x / <name>_y dataset pair'],
    ['several pairs', { a_x: images(1), a_y: int64([0]), b_x: images(1), b_y: int64([1]) }, 'several dataset pairs'],
    ['sample counts that differ', { s_x: images(3), s_y: int64([0, 1]) }, 'has 3 samples but s_y has 2'],
    ['float64 pixels', { s_x: { data: new Float64Array(12), shape: [1, 2, 2, 3], dtype: '<d' }, s_y: int64([0]) }, 'expected uint8 images'],
    ['RGBA images', { s_x: images(1, 2, 2, 4), s_y: int64([0]) }, 'expected uint8 images of shape (m, h, w), (m, h, w, 1) or (m, h, w, 3)'],
    ['zero-width grey images', { s_x: { data: new Uint8Array(0), shape: [1, 2, 0], dtype: '<B' }, s_y: int64([0]) }, 'got uint8 (1, 2, 0)'],
    ['an empty set', { s_x: { data: new Uint8Array(0), shape: [0, 2, 2], dtype: '<B' }, s_y: int64([]) }, 'empty dataset'],
    ['float labels', { s_x: images(2), s_y: { data: new Float64Array([0, 1]), shape: [2], dtype: '<d' } }, 'expected integer labels'],
    ['string labels', { s_x: images(2), s_y: { data: ['0', '1'], shape: [2], dtype: 'A1' } }, 'got S1 (2,)'],
    ['a label outside the class list', { s_x: images(2), s_y: int64([0, 2]), list_classes: CLASS_LIST }, 'so labels must be in 0..1'],
    ['a negative label', { s_x: images(2), s_y: int64([0, -1]) }, 'label -1 at index 1'],
    ['a label of 10^12 without a class list', { s_x: images(2), s_y: int64([0, 1e12]) }, 'labels must be integers in 0..65535'],
    ['a class list of numbers', { s_x: images(1), s_y: int64([0]), list_classes: int64([0, 1]) }, 'expected a 1-D list of class names'],
  ];
  it.each(layouts)('%s', async (_, datasets, words) => {
    const got = await bothWays(await h5(datasets));
    expect(got).toMatchObject({ error: 'DataError' });
    expect((got as { message: string }).message).toContain(words);
  });

  it('a prefix naming no dataset', async () => {
    const got = await bothWays(await h5({ s_x: images(1), s_y: int64([0]) }), 'train_set');
    expect(got).toMatchObject({ error: 'DataError', field: 'train_set_x' });
  });

  it('a dataset whose header claims more than 1 GiB: refused before HDF5 allocates it', async () => {
    const got = await bothWays(await writeBomb(join(await tempDir(), 'bomb.h5')));
    expect(got).toMatchObject({ error: 'DataError', field: 'train_set_y' });
    expect((got as { message: string }).message).toContain('(200000000,) int64 is 1600000000 bytes, above the 1 GiB');
  });

  it.each([
    ['text', async () => bytesFile(new TextEncoder().encode('train_set_x,train_set_y\n'.repeat(50))), 'not an HDF5 file'],
    ['empty', async () => bytesFile(new Uint8Array(0)), 'not an HDF5 file (no HDF5 signature'],
    ['cut to 100000 bytes', async () => bytesFile((await readFile(TRAIN)).subarray(0, 100_000)), 'it has 100000 bytes, its superblock expects 2572022'],
    ['cut to 20 bytes', async () => bytesFile((await readFile(TRAIN)).subarray(0, 20)), 'it ends inside its superblock'],
    ['behind a 512-byte user block', async () => bytesFile(Buffer.concat([Buffer.alloc(512), await readFile(TEST)])), undefined],
  ])('a file that is %s', async (_, make, words) => {
    const got = await bothWays(await make());
    if (words === undefined) expect(got).toMatchObject({ name: 'test_set', xShape: [50, 64, 64, 3] });
    else expect((got as { message: string }).message).toContain(words);
  });

  it('a file whose object headers are zeroed: HDF5 reports it, reworded on one line', async () => {
    const file = await writeZeroedHeaders(join(await tempDir(), 'corrupt.h5'));
    const got = await bothWays(file);
    expect((got as { message: string }).message).toMatch(/truncated or corrupt HDF5 file: .* \(HDF5: [^)]+\)$/);
  });
});
