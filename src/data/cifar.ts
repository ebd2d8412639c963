/**
 * CIFAR-10 binary batches (`data_batch_1.bin` .. `test_batch.bin`), parsed from bytes
 * (browser-safe). Each record is one label byte and 3,072 pixel bytes, the red plane, then
 * green, then blue, each 32 x 32 row by row; tsgrad holds images (m, h, w, c), so the planes
 * are interleaved here.
 */
import { DataError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';

/** The side of a CIFAR image, its pixel bytes and a record's bytes. @example bytes.length % CIFAR_RECORD === 0 // whole records */
export const CIFAR_SIDE = 32;
export const CIFAR_PIXELS = 3 * CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR_RECORD = 1 + CIFAR_PIXELS;

/** CIFAR-10's class names in label order, used when no batches.meta.txt lies beside the batches. @example CIFAR10_CLASSES[3] // 'cat' */
export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * Whether bytes could be CIFAR-10 records: a whole number of 3,073-byte records with every
 * label byte 0..9 (the format has no magic number, so this is all the contents can say).
 * @example looksLikeCifar(new Uint8Array(3073)) // true
 */
export function looksLikeCifar(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) return false;
  for (let at = 0; at < bytes.length; at += CIFAR_RECORD) if ((bytes[at] ?? 0) > 9) return false;
  return true;
}

/** One batch: images (m, 32, 32, 3) uint8 and labels (m,). @example const { x, labels } = parseCifarBatch(bytes, 'test_batch.bin'); */
export interface CifarBatch {
  x: Tensor;
  labels: Uint8Array;
}

/**
 * A CIFAR-10 binary batch, every malformed one a DataError naming the file.
 * @example parseCifarBatch(bytes, 'data_batch_1.bin').x.shape // [10000, 32, 32, 3]
 */
export function parseCifarBatch(bytes: Uint8Array, file: string): CifarBatch {
  if (bytes.length === 0) throw new DataError(file, undefined, `empty: expected CIFAR-10 records of ${CIFAR_RECORD} bytes (a label byte and 32 x 32 x 3 pixels)`);
  if (bytes.length % CIFAR_RECORD !== 0) {
    throw new DataError(file, undefined, `truncated: ${bytes.length} bytes is ${Math.floor(bytes.length / CIFAR_RECORD)} CIFAR-10 records of ${CIFAR_RECORD} bytes and ${bytes.length % CIFAR_RECORD} bytes over`);
  }
  const m = bytes.length / CIFAR_RECORD;
  const labels = new Uint8Array(m);
  const pixels = new Uint8Array(m * CIFAR_PIXELS);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let i = 0; i < m; i++) {
    const at = i * CIFAR_RECORD;
    const label = bytes[at] ?? 0;
    if (label > 9) throw new DataError(file, undefined, `label ${label} in record ${i} (byte ${at}): expected CIFAR-10 labels 0..9`);
    labels[i] = label;
    const out = i * CIFAR_PIXELS;
    // CHW → HWC: pixel p of plane c goes to p * 3 + c.
    for (let c = 0; c < 3; c++) {
      const from = at + 1 + c * plane;
      for (let p = 0; p < plane; p++) pixels[out + p * 3 + c] = bytes[from + p] ?? 0;
    }
  }
  return { x: new Tensor(pixels, [m, CIFAR_SIDE, CIFAR_SIDE, 3], 'uint8'), labels };
}

/**
 * Class names from batches.meta.txt: one a line, blank lines dropped; a DataError naming the
 * file unless it lists exactly 10.
 * @example parseCifarMeta('airplane\nautomobile\n...\ntruck\n\n', 'batches.meta.txt') // 10 names
 */
export function parseCifarMeta(text: string, file: string): string[] {
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length !== 10) throw new DataError(file, undefined, `lists ${names.length} class names, expected the 10 of CIFAR-10, one a line`);
  return names;
}
