/**
 * src/data/hdf5-browser.ts (the page's HDF5 reader, h5wasm's ESM build) held to the Node
 * reader of src/data/dataset.ts on the real files. Kept under test/web/ beside the page's tests.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { loadLabelledImages } from '../../src/data/dataset.js';
import { labelledImagesFromBytes } from '../../src/data/hdf5-browser.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

describe('labelledImagesFromBytes', () => {
  for (const name of ['train_catvnoncat.h5', 'test_catvnoncat.h5']) {
    it(`reads ${name} as loadLabelledImages does`, async () => {
      const file = join(DATASETS, name);
      const node = await loadLabelledImages(file);
      const browser = await labelledImagesFromBytes(name, new Uint8Array(await readFile(file)));
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

  it('refuses bytes that are not HDF5 with a DataError naming the file', async () => {
    const err = await labelledImagesFromBytes('notes.txt', new TextEncoder().encode('hello')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ file: 'notes.txt', field: undefined });
    expect((err as DataError).message).toMatch(/^notes\.txt: not an HDF5 file/);
  });

  it('refuses a truncated file with a DataError, not a crash', async () => {
    const bytes = new Uint8Array(await readFile(join(DATASETS, 'test_catvnoncat.h5'))).subarray(0, 4096);
    const err = await labelledImagesFromBytes('cut.h5', bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ file: 'cut.h5' });
  });
});
