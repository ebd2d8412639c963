/**
 * How stored samples become a model's inputs, recorded in the model file so that `predict`,
 * `evaluate` and the page prepare a photo exactly as training did: the values divided by
 * `scale` (the notes' pixels / 255) in the model's dtype, then, with `--normalize
 * standardize`, each channel (the last axis) less its mean and over its standard deviation,
 * both measured on the training set only. Browser-safe.
 */
import { allocateFloat, type FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { astype, div, Tensor } from '../tensor/index.js';

/** The recorded transform: inputs = (samples / scale - mean[c]) / std[c], c the channel (last axis); without mean and std, samples / scale. */
export interface Preprocessing {
  scale: number;
  /** Per-channel mean of samples / scale over the training set (--normalize standardize). */
  mean?: number[];
  /** Per-channel standard deviation of samples / scale over the training set (1 where it is 0). */
  std?: number[];
}

/** The notes' preparation of pixels. */
export const PIXELS: Preprocessing = { scale: 255 };

/**
 * Whether the preparation is a division only (what the fast pixel kernels compute).
 * @example isPlainScale(PIXELS) // true
 */
export function isPlainScale(p: Preprocessing): boolean {
  return p.mean === undefined && p.std === undefined;
}

/**
 * Per-channel mean and standard deviation (numpy's, ddof 0) of x / scale, channels on the last
 * axis, in float64: what `--normalize standardize` records from the training set.
 * @example standardizeOn(train.x, 255) // { scale: 255, mean: [0.43, 0.41, 0.36], std: [0.27, ...] }
 */
export function standardizeOn(x: Tensor, scale: number): Preprocessing {
  const c = x.shape[x.shape.length - 1] ?? 1;
  const v = x.contiguous().values();
  const sum = new Float64Array(c);
  const count = v.length / c;
  for (let i = 0; i < v.length; i++) sum[i % c] = (sum[i % c] as number) + (v[i] as number) / scale;
  const mean = Array.from(sum, (s) => s / count);
  const sq = new Float64Array(c);
  for (let i = 0; i < v.length; i++) {
    const d = (v[i] as number) / scale - (mean[i % c] as number);
    sq[i % c] = (sq[i % c] as number) + d * d;
  }
  // A constant channel carries nothing to scale: left as it is, not divided by 0.
  const std = Array.from(sq, (s) => Math.sqrt(s / count) || 1);
  return { scale, mean, std };
}

/**
 * Samples (N, ...) as model inputs: numpy's `x / 255.` (float64, then rounded for float32),
 * and `(x / 255. - mean) / std` per channel when the preprocessing has them.
 * @example prepareInputs(train.x, PIXELS, 'float64').shape // [209, 64, 64, 3]
 */
export function prepareInputs(x: Tensor, p: Preprocessing, dtype: FloatDType): Tensor {
  const { mean, std } = p;
  const c = mean?.length ?? 1;
  if (mean !== undefined && (x.shape[x.shape.length - 1] !== c || std?.length !== c)) {
    throw new ArgumentError('prepareInputs', 'x', `samples ${formatShape(x.shape)} do not end in the ${c} channels the preprocessing's mean and std have`);
  }
  if (x.dtype === 'uint8') {
    // Pixels: the same numbers as div(x, scale) (each u / scale in float64, then rounded to
    // the dtype), looked up among the 256 a byte can give (per channel) instead of computed one by one.
    const table = allocateFloat(dtype, 256 * c);
    for (let k = 0; k < c; k++) for (let v = 0; v < 256; v++) table[k * 256 + v] = mean === undefined ? v / p.scale : (v / p.scale - (mean[k] as number)) / (std?.[k] as number);
    const u = x.contiguous().values();
    const out = allocateFloat(dtype, u.length);
    if (c === 1) for (let i = 0; i < u.length; i++) out[i] = table[u[i] as number] as number;
    else for (let i = 0; i < u.length; i++) out[i] = table[(i % c) * 256 + (u[i] as number)] as number;
    return new Tensor(out, x.shape, dtype);
  }
  let v = div(x, p.scale);
  if (mean !== undefined && std !== undefined) {
    const w = Float64Array.from(v.contiguous().values());
    for (let i = 0; i < w.length; i++) w[i] = ((w[i] as number) - (mean[i % c] as number)) / (std[i % c] as number);
    v = new Tensor(w, x.shape, 'float64');
  }
  return dtype === 'float64' ? v : astype(v, dtype);
}
