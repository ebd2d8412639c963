/**
 * Listing an HDF5 file is bounded: groups nested deeper than MAX_DEPTH are refused at once,
 * naming the path and the limit (listing a 500-deep chain took 66 s before); datasets a few
 * groups down are still found, in the order f.paths() gave them.
 */
import { join } from 'node:path';
import * as h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { listDatasets } from '../../src/data/hdf5.js';
import { MAX_DEPTH } from '../../src/data/hdf5-reader.js';
import { removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

async function chain(file: string, depth: number, withData = false): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  try {
    // Each group made inside the last one (by a full path, making the chain is itself quadratic).
    let g: h5wasm.Group = f;
    for (let i = 0; i < depth; i++) g = g.create_group('g');
    if (withData) g.create_dataset({ name: 'x', data: new Uint8Array(3), shape: [3], dtype: '<B' });
    f.create_dataset({ name: 'a', data: new Uint8Array(2), shape: [2], dtype: '<B' });
  } finally {
    f.close();
  }
}

describe('bounded HDF5 listing', () => {
  it('a chain of groups deeper than the limit is a DataError naming the path and the limit', async () => {
    const file = join(await tempDir(), 'deep.h5');
    // 40 levels: h5wasm takes minutes to write a 1000-deep chain (the CLI refuses one in 0.4 s).
    await chain(file, 40);
    const e = await listDatasets(file).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).field).toBe(Array(MAX_DEPTH + 1).fill('g').join('/'));
    expect((e as Error).message).toContain(`groups nested more than ${MAX_DEPTH} deep: tsgrad reads datasets at most ${MAX_DEPTH} groups down`);
  }, 60_000);

  it('datasets some groups down are listed depth first, as before', async () => {
    const file = join(await tempDir(), 'nested.h5');
    await chain(file, 5, true);
    expect((await listDatasets(file)).map((d) => [d.name, d.shape])).toEqual([['a', [2]], ['g/g/g/g/g/x', [3]]]);
  });
});
