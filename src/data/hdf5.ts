/**
 * HDF5 files on disk (Node), read with h5wasm's Node build through ./hdf5-reader.ts, which
 * the browser's path shares. What is Node's alone lives here: the file checks in plain Node
 * before h5wasm sees it (exists, is a file, then the signature and superblock checks), because
 * h5wasm reports every one of those cases as the same `error - name not defined!` after a
 * 30-line HDF5-DIAG trace on stderr; the stderr filter; a fresh h5wasm instance after an abort.
 */
import { open, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as h5wasm from 'h5wasm/node';
import { DataError, InternalError, TsgradError } from '../core/errors.js';
import { checkHdf5Head, withH5wasmFile, type H5wasmLibrary, type Hdf5Dataset, type Hdf5DatasetInfo, type Hdf5File } from './hdf5-reader.js';

export { describeDatasets, MAX_DATASET_BYTES } from './hdf5-reader.js';
export type { Hdf5Dataset, Hdf5DatasetInfo, Hdf5File, Hdf5Kind, Hdf5NumericArray, Hdf5Values } from './hdf5-reader.js';

/*
 * h5wasm is one WebAssembly instance per process. HDF5 leaks memory on some corrupt files
 * (about 40 KB each) and, after some thousands of them in one process, can call abort(),
 * after which the instance refuses every call. A fuzz run found this (test/data/fuzz.test.ts
 * and README "When things go wrong"). An abort is noticed through emscripten's onAbort hook,
 * and the next file gets a fresh instance: the same module file imported under a new URL, so
 * its factory runs again. The dead instance's memory stays referenced by the module cache;
 * the CLI reads two files per process and never gets there.
 */
let current: H5wasmLibrary = h5wasm;
let generation = 0;
let aborted = false;

/** The h5wasm library to use now: a fresh instance after an abort. */
async function library(): Promise<H5wasmLibrary> {
  if (aborted) {
    generation += 1;
    current = (await import(`${h5wasmUrl()}?instance=${generation}`)) as H5wasmLibrary;
    aborted = false;
  }
  const Module = await current.ready;
  (Module as { onAbort?: (what: unknown) => void }).onAbort = () => {
    aborted = true;
  };
  return current;
}

/** How many fresh h5wasm instances replaced aborted ones in this process. @example hdf5Restarts() // 0 */
export function hdf5Restarts(): number {
  return generation;
}

function h5wasmUrl(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('h5wasm') ?? []) {
    const file = join(dir, 'h5wasm', 'dist', 'node', 'hdf5_hl.js');
    if (existsSync(file)) return pathToFileURL(file).href;
  }
  throw new InternalError('h5wasm: cannot find dist/node/hdf5_hl.js to start a fresh instance');
}

/**
 * Checks, without h5wasm, that `file` can be an HDF5 file: it exists, is a regular file, has
 * the HDF5 signature at byte 0, 512, 1024, 2048, ... and is not shorter than its superblock's
 * end-of-file address. Throws a one-line DataError otherwise.
 *
 * @example
 * await checkHdf5File('notes.txt'); // DataError: notes.txt: not an HDF5 file (no HDF5 signature ...)
 */
export async function checkHdf5File(file: string): Promise<void> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new DataError(file, undefined, 'is a directory, expected an HDF5 file');
    if (!st.isFile()) throw new DataError(file, undefined, 'is not a regular file, expected an HDF5 file');
    size = st.size;
  } catch (e) {
    throw fsError(file, e);
  }
  const fh = await open(file, 'r').catch((e: unknown) => { throw fsError(file, e); });
  try {
    await checkHdf5Head(file, size, async (pos, n) => {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, pos);
      return buf.subarray(0, bytesRead);
    });
  } finally {
    await fh.close();
  }
}

/**
 * Opens `file` read-only, hands it to `use`, and closes it however `use` ends. `use` must be
 * synchronous: HDF5's error printer is silenced only while it runs.
 *
 * @example
 * const y = await withHdf5File('train_catvnoncat.h5', (h5) => h5.read('train_set_y').values);
 */
export async function withHdf5File<T>(file: string, use: (h5: Hdf5File) => T): Promise<T> {
  await checkHdf5File(file);
  const h5 = await library();
  const restore = muteEmscriptenWarnings();
  try {
    return withH5wasmFile(h5, await h5.ready, file, resolve(file), use);
  } finally {
    restore();
  }
}

/**
 * h5wasm's runtime writes to stderr with a console bound at load time: warnings such as
 * `warning: Invalid UTF-8 leading byte ...` (a corrupt file's object names), `Cannot enlarge
 * memory ...` and `Aborted(...)`. The one-line DataError that follows says what is wrong, so
 * those lines are dropped while HDF5 runs. Everything else written to stderr passes through.
 * The console's own stream is filtered too: under a test runner (vitest) or any program that
 * replaced the global console, `console.error` does not write through process.stderr.
 */
function muteEmscriptenWarnings(): () => void {
  const sinks: object[] = [process.stderr];
  const own: unknown = Reflect.get(console, '_stderr');
  if (typeof own === 'object' && own !== null && own !== process.stderr && typeof Reflect.get(own, 'write') === 'function') sinks.push(own);
  const restores = sinks.map((sink) => {
    const write = Reflect.get(sink, 'write') as (...a: unknown[]) => boolean;
    const filtered = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
      if (typeof chunk === 'string' && /^(warning: Invalid UTF-8 |Aborted\(|Cannot enlarge memory)/.test(chunk)) return true;
      return write.call(this, chunk, ...rest);
    };
    Reflect.set(sink, 'write', filtered);
    return () => void Reflect.set(sink, 'write', write);
  });
  return () => {
    for (const restore of restores) restore();
  };
}

/** The datasets of `file`. @example (await listDatasets('train_catvnoncat.h5')).map((d) => d.name) */
export async function listDatasets(file: string): Promise<Hdf5DatasetInfo[]> {
  return withHdf5File(file, (h5) => [...h5.datasets]);
}

/** One dataset of `file`, read whole. @example (await readDataset('test_catvnoncat.h5', 'test_set_y')).values */
export async function readDataset(file: string, name: string): Promise<Hdf5Dataset> {
  return withHdf5File(file, (h5) => h5.read(name));
}

function fsError(file: string, e: unknown): unknown {
  if (e instanceof TsgradError) return e;
  const code = e instanceof Error && 'code' in e ? e.code : undefined;
  if (code === 'ENOENT') return new DataError(file, undefined, 'no such file');
  if (code === 'EACCES' || code === 'EPERM') return new DataError(file, undefined, 'permission denied');
  if (code === 'EISDIR') return new DataError(file, undefined, 'is a directory, expected an HDF5 file');
  return new DataError(file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
}
