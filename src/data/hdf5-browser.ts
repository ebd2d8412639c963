/**
 * Labelled image sets from HDF5 bytes already in memory, for the browser (file picker, drag
 * and drop, fetch) and Web Workers: h5wasm's ESM build, whose in-memory file system holds the
 * bytes while HDF5 reads them. No Node-only API. ./dataset.ts is the Node path (files on
 * disk); this file reads the same layout (`<name>_x`, `<name>_y`, `list_classes`) and refuses
 * the same mistakes with a one-line DataError naming the file and the dataset.
 */
import * as h5wasm from 'h5wasm';
import { DataError, TsgradError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { LabelledImages } from './dataset.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
let counter = 0;

/**
 * Reads the single `<name>_x` / `<name>_y` pair (or the one `prefix` names) from the bytes
 * of an HDF5 file. `file` is the name shown in messages (the picked file's name).
 *
 * @example
 * const train = await labelledImagesFromBytes('train_catvnoncat.h5', new Uint8Array(await f.arrayBuffer()));
 * train.x.shape; // [209, 64, 64, 3], uint8
 */
export async function labelledImagesFromBytes(file: string, bytes: Uint8Array, prefix?: string): Promise<LabelledImages> {
  if (!hasSignature(bytes)) {
    throw new DataError(file, undefined, `not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at byte 0, 512, 1024, ...; the file has ${bytes.length} bytes)`);
  }
  const Module = await h5wasm.ready;
  const path = `/tsgrad-${++counter}.h5`;
  Module.FS.writeFile(path, bytes);
  Module.activate_throwing_error_handler();
  let f: h5wasm.File | undefined;
  try {
    f = guard(file, undefined, 'cannot open it', () => new h5wasm.File(path, 'r'));
    return readPair(file, f, prefix);
  } finally {
    try { f?.close(); } catch { /* a close failing after an error must not hide that error */ }
    Module.deactivate_throwing_error_handler();
    Module.FS.unlink(path);
  }
}

function hasSignature(bytes: Uint8Array): boolean {
  for (let pos = 0; pos + SIGNATURE.length <= bytes.length; pos = pos === 0 ? 512 : pos * 2) {
    if (SIGNATURE.every((b, i) => bytes[pos + i] === b)) return true;
  }
  return false;
}

function readPair(file: string, f: h5wasm.File, prefix: string | undefined): LabelledImages {
  const datasets = new Map<string, h5wasm.Dataset>();
  for (const name of guard(file, undefined, 'cannot list its contents', () => f.paths())) {
    const entity = guard(file, name, 'cannot open this object', () => f.get(name));
    if (entity instanceof h5wasm.Dataset) datasets.set(name.replace(/^\//, ''), entity);
  }
  const listing = [...datasets].map(([n, d]) => `${n} ${formatShape(d.shape ?? [])}`).join(', ') || 'no datasets';
  const stems = [...datasets.keys()].filter((n) => n.endsWith('_x') && datasets.has(`${n.slice(0, -2)}_y`)).map((n) => n.slice(0, -2));
  const name = prefix ?? (stems.length === 1 ? stems[0] : undefined);
  if (name === undefined) {
    throw new DataError(file, undefined, stems.length === 0
      ? `no <name>_x / <name>_y dataset pair (such as train_set_x / train_set_y); the file has ${listing}`
      : `several dataset pairs (${stems.map((s) => `${s}_x/${s}_y`).join(', ')}); give a prefix to choose one`);
  }
  const xs = datasets.get(`${name}_x`);
  const ys = datasets.get(`${name}_y`);
  if (xs === undefined || ys === undefined) throw new DataError(file, `${name}_x`, `no such dataset pair; the file has ${listing}`);

  const [m, h, w, c] = xs.shape ?? [];
  const pixels = guard(file, `${name}_x`, 'cannot read this dataset', () => xs.value);
  if (!(pixels instanceof Uint8Array) || m === undefined || h === undefined || w === undefined || c !== 3 || h === 0 || w === 0 || xs.shape?.length !== 4) {
    throw new DataError(file, `${name}_x`, `expected uint8 RGB images of shape (m, h, w, 3), got ${formatShape(xs.shape ?? [])}`);
  }
  if (m === 0) throw new DataError(file, `${name}_x`, 'empty dataset: 0 samples, expected at least one image');
  const classes = readClasses(file, datasets);
  const raw = guard(file, `${name}_y`, 'cannot read this dataset', () => ys.value);
  if (!(raw instanceof BigInt64Array || raw instanceof Int32Array || raw instanceof Uint8Array || raw instanceof Int8Array
    || raw instanceof Int16Array || raw instanceof Uint16Array || raw instanceof Uint32Array || raw instanceof BigUint64Array)) {
    throw new DataError(file, `${name}_y`, 'expected integer labels');
  }
  if (raw.length !== m) throw new DataError(file, `${name}_y`, `${name}_x has ${m} samples but ${name}_y has ${raw.length}`);
  const y = new Float64Array(m);
  let max = 0;
  for (let i = 0; i < m; i++) {
    const v = Number(raw[i] ?? 0);
    if (!Number.isInteger(v) || v < 0 || (classes !== undefined && v >= classes.length)) {
      throw new DataError(file, `${name}_y`, `label ${v} at index ${i} is outside the class list${classes === undefined ? '' : ` (${classes.join(', ')})`}`);
    }
    y[i] = v;
    max = Math.max(max, v);
  }
  return {
    file,
    name,
    x: new Tensor(pixels, [m, h, w, 3], 'uint8'),
    y: new Tensor(y, [1, m], 'float64'),
    classes: classes ?? Array.from({ length: max + 1 }, (_, i) => String(i)),
  };
}

function readClasses(file: string, datasets: Map<string, h5wasm.Dataset>): string[] | undefined {
  const ds = datasets.get('list_classes');
  if (ds === undefined) return undefined;
  const v = guard(file, 'list_classes', 'cannot read this dataset', () => ds.value);
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) {
    throw new DataError(file, 'list_classes', 'expected a 1-D list of class names (strings)');
  }
  // numpy's fixed-width bytes are NUL-padded.
  return v.map((s) => s.replace(/\0+$/, ''));
}

function guard<T>(file: string, field: string | undefined, what: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof TsgradError) throw e;
    const text = e instanceof Error ? e.message : String(e);
    throw new DataError(file, field, `truncated or corrupt HDF5 file: ${what} (HDF5: ${text.split('\n')[0]?.slice(0, 200) ?? 'unknown error'})`);
  }
}
