/**
 * Shared helpers for the data tests: where the real datasets are, temp folders, small HDF5
 * files written with h5wasm at test time, and error catchers that return the typed error.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h5wasm from 'h5wasm/node';
import { expect } from 'vitest';
import { ArgumentError, DataError } from '../../src/core/errors.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** ../shared/datasets, relative to the repository root (read-only). */
export const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
export const TRAIN = join(DATASETS, 'train_catvnoncat.h5');
export const TEST = join(DATASETS, 'test_catvnoncat.h5');

const made: string[] = [];

/** A fresh empty folder under the OS temp dir, removed by `removeTempDirs`. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tsgrad-data-'));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made; each test file runs it in `afterAll`. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** One dataset to write: h5wasm dtype strings, e.g. '<B' uint8, '<i' int32, '<q' int64, '<d' float64 (struct-module letters, not numpy's '<f8'), 'A7' bytes. */
export interface Spec {
  data: Uint8Array | BigInt64Array | Int32Array | Float64Array | string[];
  shape?: number[];
  dtype?: string;
}

/** Writes an HDF5 file holding `datasets` (names may contain '/' for groups) and returns its path. */
export async function writeH5(path: string, datasets: Record<string, Spec>): Promise<string> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  try {
    for (const [name, spec] of Object.entries(datasets)) {
      const group = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
      if (group !== '' && f.get(group) === null) f.create_group(group);
      f.create_dataset({ name, data: spec.data, shape: spec.shape ?? null, dtype: spec.dtype ?? null });
    }
  } finally {
    f.close();
  }
  return path;
}

/** int64 labels, as h5py stores numpy's default integers. */
export function int64(values: number[]): Spec {
  return { data: BigInt64Array.from(values, BigInt), shape: [values.length], dtype: '<q' };
}

/** m images of h×w×3 uint8 pixels, pixel i = i mod 256. */
export function images(m: number, h = 2, w = 2, c = 3): Spec {
  return { data: Uint8Array.from({ length: m * h * w * c }, (_, i) => i % 256), shape: [m, h, w, c], dtype: '<B' };
}

/** m grayscale images stored (m, h, w) uint8, without a channel axis; pixel i = i mod 256. */
export function grey(m: number, h = 2, w = 2): Spec {
  return { data: Uint8Array.from({ length: m * h * w }, (_, i) => i % 256), shape: [m, h, w], dtype: '<B' };
}

/**
 * A 17 KB file whose chunked `train_set_x` / `train_set_y` are resized to 200 million samples
 * (3.8 GB if read): a decompression bomb that must be refused before HDF5 allocates it.
 */
export async function writeBomb(path: string): Promise<string> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  try {
    const x = f.create_dataset({ name: 'train_set_x', data: new Uint8Array(12), shape: [1, 2, 2, 3], dtype: '<B', maxshape: [null, 2, 2, 3], chunks: [1, 2, 2, 3] });
    const y = f.create_dataset({ name: 'train_set_y', data: new BigInt64Array(1), shape: [1], dtype: '<q', maxshape: [null], chunks: [1024] });
    x.resize([200_000_000, 2, 2, 3]);
    y.resize([200_000_000]);
  } finally {
    f.close();
  }
  return path;
}

/** A copy of the course test file with the root group's symbol table entry and object header zeroed. */
export async function writeZeroedHeaders(path: string): Promise<string> {
  const bytes = await readFile(TEST);
  bytes.fill(0, 0x60, 0x360);
  await writeFile(path, bytes);
  return path;
}

/** The notes' class list, stored the way the course files store it (fixed 7-byte strings). */
export const CLASS_LIST: Spec = { data: ['non-cat', 'cat'], shape: [2], dtype: 'A7' };

/** The error `run` rejects with, checked to be a DataError. */
export async function dataError(run: Promise<unknown>): Promise<DataError> {
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(DataError);
  if (!(e instanceof DataError)) throw new Error('expected a DataError');
  expect(e.message).not.toContain('\n');
  return e;
}

/** The error `run` throws, checked to be a DataError. */
export function dataErrorSync(run: () => unknown): DataError {
  return caught(run, DataError);
}

/** The error `run` throws, checked to be an ArgumentError. */
export function argumentErrorSync(run: () => unknown): ArgumentError {
  return caught(run, ArgumentError);
}

function caught<E extends Error>(run: () => unknown, cls: new (...args: never[]) => E): E {
  let err: unknown;
  try {
    run();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  if (!(err instanceof cls)) throw new Error(`expected a ${cls.name}`);
  expect(err.message).not.toContain('\n');
  return err;
}
