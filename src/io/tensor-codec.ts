/**
 * Tensors in model files: shape, dtype and the little-endian IEEE-754 bytes in base64, so
 * numbers round-trip bit for bit. Browser-safe (no Buffer).
 */
import type { FloatDType } from '../core/dtype.js';
import { firstNonFinite } from '../core/dtype.js';
import { ModelFileError, shown } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { Tensor } from '../tensor/index.js';

/** A stored tensor: shape, dtype and the bytes in base64. */
export interface StoredTensor {
  shape: number[];
  dtype: FloatDType;
  base64: string;
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(file: string, field: string, s: string): Uint8Array {
  let text: string;
  try {
    text = atob(s);
  } catch {
    throw new ModelFileError(file, field, 'not valid base64');
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Tensor → base64 of its little-endian bytes (exact).
 * @example storeTensor(fromArray([[1, 2]])) // { shape: [1, 2], dtype: 'float64', base64: 'AAAAAAAA8D8AAAAAAAAAQA==' }
 */
export function storeTensor(t: Tensor): StoredTensor {
  if (t.dtype !== 'float64' && t.dtype !== 'float32') throw new ModelFileError('(memory)', 'parameters', `cannot store dtype ${t.dtype}`);
  if (!littleEndian()) throw new ModelFileError('(memory)', 'parameters', 'saving needs a little-endian machine');
  const v = t.contiguous().values();
  return { shape: [...t.shape], dtype: t.dtype, base64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
}

/**
 * Stored tensor → Tensor, checking that the byte count fits the shape and dtype and that
 * every number is finite.
 * @example restoreTensor('m.json', 'parameters.W1', doc.parameters.W1).shape // [7, 12288]
 */
export function restoreTensor(file: string, field: string, s: unknown): Tensor {
  if (typeof s !== 'object' || s === null) throw new ModelFileError(file, field, 'expected an object with shape, dtype and base64');
  const o = s as Record<string, unknown>;
  const shape = o['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ModelFileError(file, `${field}.shape`, 'expected a list of non-negative integers');
  const dtype = o['dtype'];
  if (dtype !== 'float64' && dtype !== 'float32') throw new ModelFileError(file, `${field}.dtype`, `expected float64 or float32, got ${shown(dtype)}`);
  if (typeof o['base64'] !== 'string') throw new ModelFileError(file, `${field}.base64`, 'expected a base64 string');
  const bytes = fromBase64(file, `${field}.base64`, o['base64']);
  const width = dtype === 'float64' ? 8 : 4;
  const n = sizeOf(shape as number[]);
  if (bytes.length !== n * width) throw new ModelFileError(file, field, `shape ${formatShape(shape as number[])} ${dtype} needs ${n * width} bytes, found ${bytes.length}`);
  if (!littleEndian()) throw new ModelFileError(file, 'parameters', 'loading needs a little-endian machine');
  const data = dtype === 'float64' ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
  const bad = firstNonFinite(data);
  if (bad >= 0) throw new ModelFileError(file, field, `element ${bad} is ${data[bad]}: a model's numbers must be finite`);
  return new Tensor(data, shape as number[], dtype);
}

/** Named tensors (parameters, a step's variables) as stored tensors. @example storeTensors({ W1, b1 }) // { W1: { shape, dtype, base64 }, b1: … } */
export function storeTensors(t: Readonly<Record<string, Tensor>>): Record<string, StoredTensor> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, storeTensor(v)]));
}

/** Stored named tensors back, each checked; `field` names the object in errors. @example restoreTensors('m.json', 'checkpoint.step', doc.checkpoint.step).W1 */
export function restoreTensors(file: string, field: string, o: unknown): Record<string, Tensor> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ModelFileError(file, field, 'expected an object of stored tensors');
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, restoreTensor(file, `${field}.${k}`, v)]));
}
