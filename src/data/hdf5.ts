/**
 * Read-only access to HDF5 files, the one place tsgrad touches h5wasm.
 *
 * The file is checked in plain Node before h5wasm sees it (exists, is a file, carries the HDF5
 * signature, is as long as its superblock says), because h5wasm reports every one of those
 * cases as the same `error - name not defined!` after printing a 30-line HDF5-DIAG trace to
 * stderr. What still fails inside HDF5 (a corrupt object header, a damaged B-tree) is caught
 * with HDF5's error printer swapped for h5wasm's throwing handler, so the user sees one
 * DataError line and nothing on stderr.
 */
import { open, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as h5wasm from 'h5wasm/node';
import { DataError, InternalError, TsgradError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';

/** The numeric arrays HDF5 integer and float datasets come back as (int64 as BigInt64Array). */
export type Hdf5NumericArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/** A dataset's elements in row-major order: numbers, or decoded strings. */
export type Hdf5Values = Hdf5NumericArray | string[];

/** What kind of element a dataset holds; `other` covers compound, enum, opaque and the rest. */
export type Hdf5Kind = 'int' | 'uint' | 'float' | 'string' | 'other';

/**
 * One dataset's name (its path inside the file, without the leading `/`), shape and element type.
 * `dtype` is written the numpy way: `uint8`, `int64`, `float64`, `S7` (fixed bytes), `str` (variable).
 *
 * @example
 * { name: 'train_set_x', shape: [209, 64, 64, 3], dtype: 'uint8', kind: 'uint' }
 */
export interface Hdf5DatasetInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly kind: Hdf5Kind;
}

/** A dataset read whole. @example const { shape, values } = h5.read('train_set_y'); */
export interface Hdf5Dataset extends Hdf5DatasetInfo {
  readonly values: Hdf5Values;
}

/**
 * An open, read-only HDF5 file. Valid only inside the `withHdf5File` callback that received it.
 *
 * @example
 * await withHdf5File('train_catvnoncat.h5', (h5) => h5.datasets.map((d) => d.name));
 */
export interface Hdf5File {
  /** The path as the caller gave it, used in every error message. */
  readonly file: string;
  /** Every dataset in the file, groups searched recursively. */
  readonly datasets: readonly Hdf5DatasetInfo[];
  /** The dataset called `name`, or undefined. */
  dataset(name: string): Hdf5DatasetInfo | undefined;
  /** Reads the dataset `name` whole; a DataError when it is missing, unsupported or unreadable. */
  read(name: string): Hdf5Dataset;
}

type H5Module = Awaited<typeof h5wasm.ready>;
type H5Library = typeof h5wasm;

/*
 * h5wasm is one WebAssembly instance per process. HDF5 leaks memory on some corrupt files
 * (about 40 KB each) and, after some thousands of them in one process, can call abort(),
 * after which the instance refuses every call. A fuzz run found this (test/data/fuzz.test.ts
 * and README "When things go wrong"). An abort is noticed through emscripten's onAbort hook,
 * and the next file gets a fresh instance: the same module file imported under a new URL, so
 * its factory runs again. The dead instance's memory stays referenced by the module cache;
 * the CLI reads two files per process and never gets there.
 */
let current: H5Library = h5wasm;
let generation = 0;
let aborted = false;

/** The h5wasm library to use now: a fresh instance after an abort. */
async function library(): Promise<H5Library> {
  if (aborted) {
    generation += 1;
    current = (await import(`${h5wasmUrl()}?instance=${generation}`)) as H5Library;
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

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const CORRUPT = 'truncated or corrupt HDF5 file';
/** The largest dataset read whole: 1 GiB (some 87,000 64 x 64 RGB images). */
export const MAX_DATASET_BYTES = 2 ** 30;

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
    const read = async (pos: number, n: number): Promise<Buffer> => {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, pos);
      return buf.subarray(0, bytesRead);
    };
    // HDF5 looks for its superblock at 0 and then at every power of two from 512, so that a
    // "user block" of any such size may precede it.
    let base = -1;
    for (let pos = 0; pos + SIGNATURE.length <= size; pos = pos === 0 ? 512 : pos * 2) {
      if ((await read(pos, SIGNATURE.length)).equals(SIGNATURE)) { base = pos; break; }
    }
    if (base < 0) {
      throw new DataError(file, undefined, `not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at byte 0, 512, 1024, ...; the file has ${size} bytes)`);
    }
    const needed = superblockEnd(await read(base, 128), base);
    if (needed === 'short') {
      throw new DataError(file, undefined, `${CORRUPT} (it ends inside its superblock, after ${size} bytes)`);
    }
    if (needed !== undefined && BigInt(size) < needed) {
      throw new DataError(file, undefined, `${CORRUPT} (it has ${size} bytes, its superblock expects ${needed})`);
    }
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
  const Module = await h5.ready;
  // HDF5's default handler prints the whole error stack to stderr; the throwing handler turns
  // it into a JS Error we can reword. It is global, so it is on only for this synchronous span.
  Module.activate_throwing_error_handler();
  const restore = muteEmscriptenWarnings();
  try {
    const f = guard(file, undefined, 'cannot open it', () => new h5.File(resolve(file), 'r'));
    try {
      return use(new Reader(file, f, Module, h5));
    } finally {
      try { f.close(); } catch { /* a close failing after an error must not hide that error */ }
    }
  } finally {
    restore();
    // After an abort every call into the instance throws; the error to report is the first.
    try { Module.deactivate_throwing_error_handler(); } catch { /* aborted: a fresh instance comes next time */ }
  }
}

/**
 * h5wasm's runtime writes to stderr with a console bound at load time: warnings such as
 * `warning: Invalid UTF-8 leading byte ...` (a corrupt file's object names), `Cannot enlarge
 * memory ...` and `Aborted(...)`. The one-line DataError that follows says what is wrong, so
 * those lines are dropped while HDF5 runs. Everything else written to stderr passes through.
 */
function muteEmscriptenWarnings(): () => void {
  const stderr = process.stderr;
  const write = stderr.write;
  const filtered = function (this: typeof stderr, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string' && /^(warning: Invalid UTF-8 |Aborted\(|Cannot enlarge memory)/.test(chunk)) return true;
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  stderr.write = filtered as typeof stderr.write;
  return () => {
    stderr.write = write;
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

class Reader implements Hdf5File {
  readonly datasets: readonly Hdf5DatasetInfo[];
  private readonly handles = new Map<string, h5wasm.Dataset>();

  constructor(readonly file: string, private readonly f: h5wasm.File, private readonly Module: H5Module, h5: H5Library) {
    const infos: Hdf5DatasetInfo[] = [];
    for (const name of guard(file, undefined, 'cannot list its contents', () => f.paths())) {
      const entity = guard(file, name, 'cannot open this object', () => f.get(name));
      if (!(entity instanceof h5.Dataset)) continue;
      const meta = guard(file, name, 'cannot read its header', () => entity.metadata);
      this.handles.set(name, entity);
      infos.push({ name, shape: meta.shape ?? [], ...describe(meta) });
    }
    this.datasets = infos;
  }

  dataset(name: string): Hdf5DatasetInfo | undefined {
    return this.datasets.find((d) => d.name === name);
  }

  read(name: string): Hdf5Dataset {
    const info = this.dataset(name);
    const ds = this.handles.get(name);
    if (info === undefined || ds === undefined) {
      throw new DataError(this.file, name, `no such dataset; the file has ${describeDatasets(this.datasets)}`);
    }
    if (info.kind === 'other') throw new DataError(this.file, name, `unsupported element type ${info.dtype}`);
    // A corrupt header can claim any shape: refuse before HDF5 allocates it.
    const meta = guard(this.file, name, 'cannot read its header', () => ds.metadata);
    const bytes = meta.total_size * meta.size;
    if (!(bytes <= MAX_DATASET_BYTES)) {
      throw new DataError(this.file, name, `${formatShape(info.shape)} ${info.dtype} is ${bytes} bytes, above the ${MAX_DATASET_BYTES / 2 ** 30} GiB tsgrad reads into memory (a corrupt header?)`);
    }
    const values = guard(this.file, name, 'cannot read this dataset', () => readValues(this.Module, this.f, ds));
    if (values === undefined) throw new DataError(this.file, name, `unsupported element type ${info.dtype}`);
    return { ...info, values };
  }
}

/**
 * `name (shape) dtype` for each dataset, for messages that list what a file holds.
 * @example describeDatasets(h5.datasets) // "list_classes (2,) S7, train_set_x (209, 64, 64, 3) uint8"
 */
export function describeDatasets(datasets: readonly Hdf5DatasetInfo[]): string {
  if (datasets.length === 0) return 'no datasets';
  return datasets.map((d) => `${d.name} ${formatShape(d.shape)} ${d.dtype}`).join(', ');
}

// HDF5's H5T_class_t values, part of its stable ABI.
const H5T_INTEGER = 0, H5T_FLOAT = 1, H5T_STRING = 3;
const CLASS_NAMES = ['int', 'float', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'vlen', 'array'];
const H5T_STR_SPACEPAD = 2;

function describe(meta: h5wasm.Metadata): { dtype: string; kind: Hdf5Kind } {
  if (meta.type === H5T_INTEGER) {
    const kind = meta.signed ? 'int' : 'uint';
    return { kind, dtype: `${kind}${meta.size * 8}` };
  }
  if (meta.type === H5T_FLOAT) {
    // h5wasm has no reader for float16.
    return { kind: meta.size === 4 || meta.size === 8 ? 'float' : 'other', dtype: `float${meta.size * 8}` };
  }
  if (meta.type === H5T_STRING) return { kind: 'string', dtype: meta.vlen ? 'str' : `S${meta.size}` };
  return { kind: 'other', dtype: CLASS_NAMES[meta.type] ?? `class ${meta.type}` };
}

function readValues(Module: H5Module, f: h5wasm.File, ds: h5wasm.Dataset): Hdf5Values | undefined {
  const meta = ds.metadata;
  if (meta.type === H5T_STRING && !meta.vlen) {
    // h5wasm decodes fixed-length ASCII-tagged strings as windows-1252; numpy's bytes (h5py's
    // default) are usually UTF-8, so read the raw bytes and decode them ourselves.
    const nbytes = meta.size * meta.total_size;
    const ptr = Module._malloc(Math.max(nbytes, 1));
    try {
      Module.get_dataset_data(f.file_id, ds.path, null, null, null, BigInt(ptr));
      return decodeFixedStrings(Module.HEAPU8.slice(ptr, ptr + nbytes), meta.size, meta.strpad === H5T_STR_SPACEPAD);
    } finally {
      Module._free(ptr);
    }
  }
  const v = ds.value;
  if (isNumericArray(v)) return v;
  if (Array.isArray(v) && v.every((s): s is string => typeof s === 'string')) return v;
  return undefined;
}

/** Fixed-width strings: cut at the first NUL (numpy's padding), trailing spaces too when space-padded. */
function decodeFixedStrings(bytes: Uint8Array, width: number, spacePadded: boolean): string[] {
  const decoder = new TextDecoder('utf-8');
  const out: string[] = [];
  for (let at = 0; at + width <= bytes.length; at += width) {
    const cell = bytes.subarray(at, at + width);
    const nul = cell.indexOf(0);
    const text = decoder.decode(nul < 0 ? cell : cell.subarray(0, nul));
    out.push(spacePadded ? text.trimEnd() : text);
  }
  return out;
}

function isNumericArray(v: unknown): v is Hdf5NumericArray {
  return v instanceof Uint8Array || v instanceof Int8Array || v instanceof Uint16Array || v instanceof Int16Array
    || v instanceof Uint32Array || v instanceof Int32Array || v instanceof BigInt64Array || v instanceof BigUint64Array
    || v instanceof Float32Array || v instanceof Float64Array;
}

/**
 * The absolute end-of-file address a superblock at `base` records, 'short' when `head` is
 * too short to hold it, undefined for a superblock version we do not parse (HDF5 judges those).
 */
function superblockEnd(head: Buffer, base: number): bigint | 'short' | undefined {
  const version = head[8];
  if (version === undefined) return 'short';
  // Superblock v0/v1: sizes at byte 13, base address at 24 (v1 adds 4 bytes before it), then
  // free-space and end-of-file addresses. v2/v3: sizes at byte 9, base address at 12.
  const layout = version === 0 ? { sizeAt: 13, baseAt: 24 } : version === 1 ? { sizeAt: 13, baseAt: 28 }
    : version === 2 || version === 3 ? { sizeAt: 9, baseAt: 12 } : undefined;
  if (layout === undefined) return undefined;
  const width = head[layout.sizeAt];
  if (width === undefined) return 'short';
  if (width !== 2 && width !== 4 && width !== 8) return undefined;
  const eofAt = layout.baseAt + 2 * width;
  if (head.length < eofAt + width) return 'short';
  const address = (at: number): bigint => (width === 8 ? head.readBigUInt64LE(at) : BigInt(head.readUIntLE(at, width)));
  const baseAddr = address(layout.baseAt);
  const eof = address(eofAt);
  if (eof === (1n << BigInt(8 * width)) - 1n) return undefined; // HDF5's "undefined address"
  // A file given a user block by prepending bytes still says base 0; HDF5 then takes the
  // signature's position as the base, and so do we.
  return (baseAddr === 0n ? BigInt(base) : baseAddr) + eof;
}

/** Runs one h5wasm call, turning whatever it throws into a one-line DataError. */
function guard<T>(file: string, field: string | undefined, what: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof TsgradError) throw e;
    throw new DataError(file, field, `${CORRUPT}: ${what} (HDF5: ${hdf5Reason(e)})`);
  }
}

/** The innermost reason of an HDF5-DIAG error stack, e.g. `file signature not found`. */
function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const frames = [...text.matchAll(/#\d+: .* in [\w.]+\(\): (.*)$/gm)];
  const reason = frames.at(-1)?.[1] ?? text.split('\n')[0] ?? '';
  return reason.trim().slice(0, 200) || 'unknown error';
}

function fsError(file: string, e: unknown): unknown {
  if (e instanceof TsgradError) return e;
  const code = e instanceof Error && 'code' in e ? e.code : undefined;
  if (code === 'ENOENT') return new DataError(file, undefined, 'no such file');
  if (code === 'EACCES' || code === 'EPERM') return new DataError(file, undefined, 'permission denied');
  if (code === 'EISDIR') return new DataError(file, undefined, 'is a directory, expected an HDF5 file');
  return new DataError(file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
}
