/**
 * HDF5 files as tsgrad reads them, over whichever h5wasm build the caller loaded: its Node
 * build (./hdf5.ts, files on disk) or its ESM build (./hdf5-browser.ts, bytes in memory).
 * No Node-only API, so the page's worker bundles it; both paths check a file's first bytes,
 * list and read its datasets here, and so refuse the same mistakes with the same message.
 */
import type * as h5wasm from 'h5wasm';
import { DataError, TsgradError } from '../core/errors.js';
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
 * An open, read-only HDF5 file. Valid only inside the callback that received it.
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

/** An h5wasm build's exports (`h5wasm` and `h5wasm/node` share one type). @example const lib: H5wasmLibrary = h5wasm; */
export type H5wasmLibrary = typeof h5wasm;
/** The WebAssembly module behind an h5wasm build. @example const Module: H5wasmModule = await h5wasm.ready; */
export type H5wasmModule = Awaited<H5wasmLibrary['ready']>;

/** Groups nested deeper than this, or more objects than MAX_OBJECTS, are refused before they are listed. */
export const MAX_DEPTH = 32;
export const MAX_OBJECTS = 10_000;
/** The start of every message about a file HDF5 cannot read. */
const CORRUPT_HDF5 = 'truncated or corrupt HDF5 file';
/** The largest dataset read whole: 1 GiB (some 87,000 64 x 64 RGB images). */
export const MAX_DATASET_BYTES = 2 ** 30;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Checks from its first bytes that a file of `size` bytes can be HDF5: the signature at byte
 * 0, 512, 1024, 2048, ... and a superblock whose end-of-file address is within `size`.
 * `read(pos, n)` gives up to n bytes at pos (from disk in Node, from memory in the browser).
 * A one-line DataError otherwise, because h5wasm reports all of these as `name not defined!`.
 *
 * @example
 * await checkHdf5Head('notes.txt', bytes.length, (pos, n) => bytes.subarray(pos, pos + n)); // DataError: not an HDF5 file ...
 */
export async function checkHdf5Head(file: string, size: number, read: (pos: number, n: number) => Uint8Array | Promise<Uint8Array>): Promise<void> {
  // HDF5 looks for its superblock at 0 and then at every power of two from 512, so that a
  // "user block" of any such size may precede it.
  let base = -1;
  for (let pos = 0; pos + SIGNATURE.length <= size; pos = pos === 0 ? 512 : pos * 2) {
    const head = await read(pos, SIGNATURE.length);
    if (SIGNATURE.every((b, i) => head[i] === b)) { base = pos; break; }
  }
  if (base < 0) {
    throw new DataError(file, undefined, `not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at byte 0, 512, 1024, ...; the file has ${size} bytes)`);
  }
  const needed = superblockEnd(await read(base, 128), base);
  if (needed === 'short') {
    throw new DataError(file, undefined, `${CORRUPT_HDF5} (it ends inside its superblock, after ${size} bytes)`);
  }
  if (needed !== undefined && BigInt(size) < needed) {
    throw new DataError(file, undefined, `${CORRUPT_HDF5} (it has ${size} bytes, its superblock expects ${needed})`);
  }
}

/**
 * Opens `path` with the h5wasm build `lib` and hands `use` the file as an `Hdf5File`; closes
 * it however `use` ends. HDF5's throwing error handler is on only while `use` runs, so that
 * HDF5 failures become one-line DataErrors naming `file` (the name the user knows).
 *
 * @example
 * const names = withH5wasmFile(h5wasm, await h5wasm.ready, 'a.h5', '/tmp/a.h5', (h5) => h5.datasets.map((d) => d.name));
 */
export function withH5wasmFile<T>(lib: H5wasmLibrary, Module: H5wasmModule, file: string, path: string, use: (h5: Hdf5File) => T): T {
  // HDF5's default handler prints the whole error stack to stderr; the throwing handler turns
  // it into a JS Error we can reword. It is global, so it is on only for this synchronous span.
  Module.activate_throwing_error_handler();
  try {
    const f = guard(file, undefined, 'cannot open it', () => new lib.File(path, 'r'));
    try {
      return use(new Reader(file, f, Module, lib));
    } finally {
      try { f.close(); } catch { /* a close failing after an error must not hide that error */ }
    }
  } finally {
    // After an abort every call into the instance throws; the error to report is the first.
    try { Module.deactivate_throwing_error_handler(); } catch { /* aborted: the caller decides what comes next */ }
  }
}

class Reader implements Hdf5File {
  readonly datasets: readonly Hdf5DatasetInfo[];
  private readonly handles = new Map<string, h5wasm.Dataset>();

  constructor(readonly file: string, private readonly f: h5wasm.File, private readonly Module: H5wasmModule, lib: H5wasmLibrary) {
    const infos: Hdf5DatasetInfo[] = [];
    // The tree walked here, depth first as f.paths() lists it, but bounded: paths() opens every
    // object by its full path (time growing with the square of the depth: 66 s for a chain of
    // 500 groups), and a chain or a cycle of links has no end. Data files are a few levels deep.
    let objects = 0;
    const visit = (group: h5wasm.Group, prefix: string, depth: number): void => {
      for (const key of guard(file, prefix === '' ? undefined : prefix, 'cannot list its contents', () => group.keys())) {
        if (++objects > MAX_OBJECTS) throw new DataError(file, undefined, `holds more than ${MAX_OBJECTS} objects: a data file holds a few datasets`);
        const name = prefix === '' ? key : `${prefix}/${key}`;
        const entity = guard(file, name, 'cannot open this object', () => group.get(key));
        if (entity instanceof lib.Group) {
          if (depth >= MAX_DEPTH) throw new DataError(file, name, `groups nested more than ${MAX_DEPTH} deep: tsgrad reads datasets at most ${MAX_DEPTH} groups down`);
          visit(entity, name, depth + 1);
          continue;
        }
        if (!(entity instanceof lib.Dataset)) continue;
        const meta = guard(file, name, 'cannot read its header', () => entity.metadata);
        this.handles.set(name, entity);
        infos.push({ name, shape: meta.shape ?? [], ...describe(meta) });
      }
    };
    visit(f, '', 0);
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

function readValues(Module: H5wasmModule, f: h5wasm.File, ds: h5wasm.Dataset): Hdf5Values | undefined {
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
function superblockEnd(head: Uint8Array, base: number): bigint | 'short' | undefined {
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
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const address = (at: number): bigint => (width === 8 ? view.getBigUint64(at, true)
    : BigInt(width === 4 ? view.getUint32(at, true) : view.getUint16(at, true)));
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
    throw new DataError(file, field, `${CORRUPT_HDF5}: ${what} (HDF5: ${hdf5Reason(e)})`);
  }
}

/** The innermost reason of an HDF5-DIAG error stack, e.g. `file signature not found`. */
function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const frames = [...text.matchAll(/#\d+: .* in [\w.]+\(\): (.*)$/gm)];
  const reason = frames.at(-1)?.[1] ?? text.split('\n')[0] ?? '';
  return reason.trim().slice(0, 200) || 'unknown error';
}
