/**
 * How stored samples become a model's inputs, recorded in the model file so that `predict`,
 * `evaluate` and the page prepare a photo exactly as training did: the values divided by
 * `scale` (the notes' pixels / 255) in the model's dtype. Browser-safe.
 */
import type { FloatDType } from '../core/dtype.js';
import { astype, div, type Tensor } from '../tensor/index.js';

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
  const v = div(x, p.scale);
  return dtype === 'float64' ? v : astype(v, dtype);
}
