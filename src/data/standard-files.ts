/**
 * The standard image sets' files on disk (Node): MNIST / Fashion-MNIST idx files, plain or
 * gzipped, CIFAR-10 binary batches, and the notes' HDF5 files, told apart by their contents.
 * This file only reads bytes and gunzips them; the parsing is browser-safe (./idx.ts,
 * ./cifar.ts, ./labelled-images.ts).
 */
import { open, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError, TsgradError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { CIFAR10_CLASSES, CIFAR_PIXELS, CIFAR_RECORD, looksLikeCifar, parseCifarBatch, parseCifarMeta } from './cifar.js';
import { asDataset, loadLabelledImages, type Dataset } from './dataset.js';
import { idxKind, parseIdxImages, parseIdxLabels } from './idx.js';

/** What a data file's contents say it is. @example detectFormat(bytes) // 'idx-images' */
export type DataFormat = 'hdf5' | 'idx-images' | 'idx-labels' | 'cifar';

const GZIP = [0x1f, 0x8b];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, sig: readonly number[]): boolean => sig.every((v, i) => b[i] === v);
const EXPECTED = 'expected HDF5 (signature \\x89HDF at byte 0), an idx file (magic 0x00000803 images or 0x00000801 labels, plain or gzip) or CIFAR-10 records of 3073 bytes';

/**
 * The format of bytes already read (gunzipped), from their contents; undefined when none fits.
 * @example detectFormat(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 7)) // 'idx-labels'
 */
export function detectFormat(bytes: Uint8Array): DataFormat | undefined {
  if (startsWith(bytes, HDF5)) return 'hdf5';
  const idx = idxKind(bytes);
  if (idx !== undefined) return idx === 'images' ? 'idx-images' : 'idx-labels';
  return looksLikeCifar(bytes) ? 'cifar' : undefined;
}

/**
 * A file's bytes, gunzipped when they start with the gzip magic (whatever the name says).
 * @example const bytes = await readDataBytes('t10k-labels-idx1-ubyte.gz'); bytes.length // 10008
 */
export async function readDataBytes(file: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(file, undefined, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, expected a data file' : `cannot read: ${String(code ?? e)}`);
  }
  if (!startsWith(raw, GZIP)) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new DataError(file, undefined, `starts as gzip but does not decompress (${(e as Error).message}): truncated or corrupt`);
  }
}

/**
 * MNIST / Fashion-MNIST: an idx3 images file and its idx1 labels file as one Dataset, images
 * (m, rows, cols, 1) uint8, classes named '0'..'9'.
 * @example const d = await loadIdxPair('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'); d.x.shape // [10000, 28, 28, 1]
 */
export async function loadIdxPair(imagesFile: string, labelsFile: string): Promise<Dataset> {
  const x = parseIdxImages(await readDataBytes(imagesFile), imagesFile);
  const labels = parseIdxLabels(await readDataBytes(labelsFile), labelsFile);
  const m = x.shape[0] ?? 0;
  if (labels.length !== m) throw new DataError(labelsFile, undefined, `${labels.length} labels but ${basename(imagesFile)} holds ${m} images`);
  return { file: imagesFile, x, labels: new Tensor(Float64Array.from(labels), [m], 'float64'), classes: Array.from({ length: 10 }, (_, i) => String(i)) };
}

/**
 * CIFAR-10 binary batches as one Dataset, in the order given; class names from the
 * batches.meta.txt beside the first batch when there is one, else airplane..truck.
 * @example const d = await loadCifarBatches(['data_batch_1.bin']); d.x.shape // [10000, 32, 32, 3]
 */
export async function loadCifarBatches(files: readonly string[]): Promise<Dataset> {
  const [first] = files;
  if (first === undefined) throw new DataError('(no files)', undefined, 'no CIFAR-10 batches given');
  const batches = [];
  for (const f of files) batches.push(parseCifarBatch(await readDataBytes(f), f));
  const m = batches.reduce((n, b) => n + b.labels.length, 0);
  const pixels = new Uint8Array(m * CIFAR_PIXELS);
  const labels = new Float64Array(m);
  let at = 0;
  for (const b of batches) {
    pixels.set(b.x.contiguous().values() as Uint8Array, at * CIFAR_PIXELS);
    labels.set(b.labels, at);
    at += b.labels.length;
  }
  const meta = join(dirname(first), 'batches.meta.txt');
  const classes = existsSync(meta) ? parseCifarMeta(await readFile(meta, 'utf8'), meta) : [...CIFAR10_CLASSES];
  return { file: first, x: new Tensor(pixels, [m, 32, 32, 3], 'uint8'), labels: new Tensor(labels, [m], 'float64'), classes };
}

/** A data file read as a Dataset; HDF5 files also name their pixels' dataset, for messages. @example (await loadDataFile('test_catvnoncat.h5')).xField // 'test_set_x' */
export interface LoadedFile extends Dataset {
  readonly xField?: string;
}

async function hdf5File(file: string): Promise<LoadedFile> {
  const s = await loadLabelledImages(file);
  return { ...asDataset(s), xField: `${s.name}_x` };
}

/** The labels file beside an idx3 images file: `images` → `labels`, `idx3` → `idx1`, with or without .gz. @example labelsBeside('mnist/t10k-images-idx3-ubyte.gz') // 'mnist/t10k-labels-idx1-ubyte.gz' */
export function labelsBeside(imagesFile: string): string | undefined {
  const name = basename(imagesFile).replace(/images/i, 'labels').replace(/idx3/i, 'idx1');
  const stem = name.replace(/\.gz$/i, '');
  return [name, stem, `${stem}.gz`].map((n) => join(dirname(imagesFile), n)).find((p) => p !== imagesFile && existsSync(p));
}

async function head(file: string, n: number): Promise<Uint8Array> {
  const h = await open(file, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await h.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/**
 * One data file of any format tsgrad reads, told from its contents: an HDF5 file of the
 * notes' layout, an idx3 images file (its labels found beside it by name), or a CIFAR-10 batch.
 * Files named .h5 and files missing go to the HDF5 reader, whose messages name their problem.
 * @example (await loadDataFile('test_catvnoncat.h5')).x.shape // [50, 64, 64, 3]
 */
export async function loadDataFile(file: string): Promise<LoadedFile> {
  const size = await stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1);
  const first = size >= 0 ? await head(file, 8) : new Uint8Array(0);
  if (size < 0 || /\.(h5|hdf5|he5)$/i.test(file) || startsWith(first, HDF5)) return hdf5File(file);
  const sniffable = startsWith(first, GZIP) || idxKind(first) !== undefined || (size > 0 && size % CIFAR_RECORD === 0);
  const bytes = sniffable ? await readDataBytes(file) : first;
  const format = detectFormat(bytes);
  if (format === 'idx-images') {
    const labels = labelsBeside(file);
    if (labels === undefined) throw new DataError(file, undefined, 'an idx3 images file without its labels: expected an idx1 labels file beside it named as this one with images → labels, idx3 → idx1');
    return loadIdxPair(file, labels);
  }
  if (format === 'idx-labels') throw new DataError(file, undefined, 'is an idx1 labels file: give the idx3 images file (its labels are found beside it)');
  if (format === 'cifar') return loadCifarBatches([file]);
  if (format === 'hdf5') throw new DataError(file, undefined, 'a gzipped HDF5 file: gunzip it first');
  if (startsWith(first, GZIP)) throw new DataError(file, undefined, `a gzip file whose contents are not a data file: ${EXPECTED}`);
  try {
    // HDF5 may start at byte 512, 1024, ... after a user block: the HDF5 reader looks there.
    return await hdf5File(file);
  } catch (e) {
    if (e instanceof TsgradError && e.message.includes('not an HDF5 file')) {
      const start = [...first.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new DataError(file, undefined, `not a data file tsgrad reads: ${EXPECTED}; the file has ${size} bytes${size > 0 ? `, starting ${start}` : ''}`);
    }
    throw e;
  }
}
