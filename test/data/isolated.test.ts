/**
 * Loading HDF5 in a worker thread with a time limit (src/data/isolated.ts), through the
 * built module (a worker runs the compiled script): the same set or the same DataError as
 * in-process, and a DataError when the time runs out.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabelledImages } from '../../src/data/dataset.js';
import { isolatedLoadingAvailable as fromSources } from '../../src/data/isolated.js';
import { removeTempDirs, ROOT, tempDir, TEST } from './fixtures.js';

type Isolated = typeof import('../../src/data/isolated.js');
type Errors = typeof import('../../src/core/errors.js');
const built = async (): Promise<{ iso: Isolated; errors: Errors }> => ({
  iso: (await import(pathToFileURL(join(ROOT, 'dist/data/isolated.js')).href)) as Isolated,
  errors: (await import(pathToFileURL(join(ROOT, 'dist/core/errors.js')).href)) as Errors,
});

afterAll(removeTempDirs);

describe('loadLabelledImagesIsolated', () => {
  it('loads in a worker exactly what loads in-process', async () => {
    const { iso } = await built();
    expect(iso.isolatedLoadingAvailable()).toBe(true);
    const [a, b] = [await iso.loadLabelledImagesIsolated(TEST), await loadLabelledImages(TEST)];
    expect(a.name).toBe(b.name);
    expect(a.classes).toEqual(b.classes);
    expect(a.x.shape).toEqual(b.x.shape);
    expect(Buffer.from(a.x.values() as Uint8Array).equals(Buffer.from(b.x.values() as Uint8Array))).toBe(true);
    expect(Array.from(a.y.values())).toEqual(Array.from(b.y.values()));
  }, 30_000);

  it('gives the same one-line DataError for a corrupt file', async () => {
    const { iso, errors } = await built();
    const dir = await tempDir();
    const file = join(dir, 'notes.h5');
    await writeFile(file, 'not hdf5 at all');
    const e = await iso.loadLabelledImagesIsolated(file).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(errors.DataError);
    const inProcess = await loadLabelledImages(file).then(() => undefined, (err: unknown) => err);
    expect((e as Error).message).toBe((inProcess as Error).message);
  }, 30_000);

  it('stops the worker and says so when the time runs out', async () => {
    const { iso, errors } = await built();
    const e = await iso.loadLabelledImagesIsolated(TEST, { timeoutMs: 1 }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(errors.DataError);
    expect((e as Error).message).toBe(`${TEST}: HDF5 did not finish reading it within 0.001 s (a corrupt file?)`);
  }, 30_000);

  it('from the TypeScript sources (no compiled worker) it loads in-process', () => {
    expect(fromSources()).toBe(false);
  });
});
