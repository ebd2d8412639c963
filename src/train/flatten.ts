/**
 * The notes' preparation of images as features, without any file reading: browser-safe, so
 * the CLI and the web page prepare pixels with the same ops.
 */
import type { FloatDType } from '../core/dtype.js';
import { astype, div, type Tensor } from '../tensor/index.js';

/**
 * Images (m, h, w, c) as a (h·w·c, m) matrix, one column per image, pixels divided by 255:
 * numpy's `x.reshape(x.shape[0], -1).T / 255.`, which `u / 255` reproduces bit for bit.
 * @example flattenImages(train.x).shape // [12288, 209]
 */
export function flattenImages(x: Tensor, dtype: FloatDType = 'float64'): Tensor {
  const m = x.shape[0] as number;
  const flat = div(x.reshape([m, -1]).T, 255);
  return dtype === 'float64' ? flat : astype(flat, dtype);
}
