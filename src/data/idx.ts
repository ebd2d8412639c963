/**
 * MNIST and Fashion-MNIST idx files, parsed from bytes (browser-safe: the Node part that
 * reads and gunzips the bytes is ./standard-files.ts). An idx file is a big-endian header,
 * `00 00 <type> <rank>`, one uint32 per dimension, then the values; tsgrad reads the two the
 * sets ship as: idx3 uint8 images (m, rows, cols) and idx1 uint8 labels (m,).
 */
import { DataError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';

/** The magic numbers: 0x08 = uint8, then the rank. @example idxKind(bytes) === 'images' // bytes start 00 00 08 03 */
export const IDX3_UBYTE = 0x00000803;
export const IDX1_UBYTE = 0x00000801;

/**
 * Which idx file the bytes start as, from the magic number alone (undefined when neither).
 * @example idxKind(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 0)) // 'images'
 */
export function idxKind(bytes: Uint8Array): 'images' | 'labels' | undefined {
  if (bytes.length < 4) return undefined;
  const magic = readU32(bytes, 0);
  return magic === IDX3_UBYTE ? 'images' : magic === IDX1_UBYTE ? 'labels' : undefined;
}

function readU32(bytes: Uint8Array, at: number): number {
  // Big-endian, as idx files are written; `>>> 0` keeps the top bit unsigned.
  return (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** The header's dimensions after the magic number checks, and the values' size checked against them. */
function header(bytes: Uint8Array, file: string, magic: number, what: string): number[] {
  const rank = magic & 0xff;
  const head = 4 + 4 * rank;
  if (bytes.length < 4) throw new DataError(file, undefined, `truncated: ${bytes.length} bytes, expected an idx ${what} file (magic ${hex(magic)})`);
  const found = readU32(bytes, 0);
  if (found !== magic) {
    const other = found === IDX3_UBYTE ? ' (that is an idx3 images file)' : found === IDX1_UBYTE ? ' (that is an idx1 labels file)' : '';
    throw new DataError(file, undefined, `wrong magic number ${hex(found)}${other}, expected ${hex(magic)} for an idx ${what} file`);
  }
  if (bytes.length < head) throw new DataError(file, undefined, `truncated header: ${bytes.length} bytes, expected ${head} for an idx ${what} file`);
  const dims = Array.from({ length: rank }, (_, i) => readU32(bytes, 4 + 4 * i));
  const count = dims.reduce((p, q) => p * q, 1);
  const have = bytes.length - head;
  if (have < count) throw new DataError(file, undefined, `truncated: the header gives ${dims.join(' x ')} = ${count} values but ${have} bytes follow it`);
  if (have > count) throw new DataError(file, undefined, `${have - count} bytes after the ${dims.join(' x ')} values the header gives: not an idx ${what} file, or two joined`);
  if (dims[0] === 0) throw new DataError(file, undefined, `empty: the header gives 0 ${what}, expected at least one`);
  return dims;
}

/**
 * idx3 uint8 images (m, rows, cols) as tsgrad holds images, (m, rows, cols, 1) uint8.
 * @example parseIdxImages(bytes, 't10k-images-idx3-ubyte').shape // [10000, 28, 28, 1]
 */
export function parseIdxImages(bytes: Uint8Array, file: string): Tensor {
  const [m = 0, rows = 0, cols = 0] = header(bytes, file, IDX3_UBYTE, 'images');
  if (rows === 0 || cols === 0) throw new DataError(file, undefined, `images of ${rows} x ${cols} pixels: expected at least 1 x 1`);
  return new Tensor(bytes.slice(16), [m, rows, cols, 1], 'uint8');
}

/**
 * idx1 uint8 labels (m,), each checked to be at most `maxLabel` (9 for the digit and clothing sets).
 * @example parseIdxLabels(bytes, 't10k-labels-idx1-ubyte').length // 10000
 */
export function parseIdxLabels(bytes: Uint8Array, file: string, maxLabel = 9): Uint8Array {
  header(bytes, file, IDX1_UBYTE, 'labels');
  const labels = bytes.slice(8);
  const bad = labels.findIndex((v) => v > maxLabel);
  if (bad >= 0) throw new DataError(file, undefined, `label ${labels[bad]} at index ${bad}: expected labels 0..${maxLabel}`);
  return labels;
}
