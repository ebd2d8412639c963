/**
 * How stored samples become a model's inputs, recorded in the model file so that `predict`,
 * `evaluate` and the page prepare a photo exactly as training did: the values divided by
 * `scale` (the notes' pixels / 255) in the model's dtype. Browser-safe.
 */
import { allocateFloat, type FloatDType } from '../core/dtype.js';
import { astype, div, Tensor } from '../tensor/index.js';

/** The recorded transform: inputs = samples / scale. */
export interface Preprocessing {
  scale: number;
}

/** The notes' preparation of pixels. */
export const PIXELS: Preprocessing = { scale: 255 };

/**
 * Samples (N, ...) as model inputs: numpy's `x / 255.` (float64, then rounded for float32).
 * @example prepareInputs(train.x, PIXELS, 'float64').shape // [209, 64, 64, 3]
 */
export function prepareInputs(x: Tensor, p: Preprocessing, dtype: FloatDType): Tensor {
  if (x.dtype === 'uint8') {
    // Pixels: the same numbers as div(x, scale) (each u / scale in float64, then rounded to
    // the dtype), looked up among the 256 a byte can give instead of divided one by one.
    const table = allocateFloat(dtype, 256);
    for (let v = 0; v < 256; v++) table[v] = v / p.scale;
    const u = x.contiguous().values();
    const out = allocateFloat(dtype, u.length);
    for (let i = 0; i < u.length; i++) out[i] = table[u[i] as number] as number;
    return new Tensor(out, x.shape, dtype);
  }
  const v = div(x, p.scale);
  return dtype === 'float64' ? v : astype(v, dtype);
}
