/**
 * A model's class probabilities, per sample and per class, and one image's prediction from
 * its pixels, prepared exactly as the training images were (the recorded preprocessing, in
 * the model's dtype). Browser-safe: `tsgrad predict` and the page compute it with the same ops.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { prepareInputs, type Preprocessing } from '../data/preprocess.js';
import type { Sequential } from '../nn/sequential.js';
import { Tensor } from '../tensor/index.js';

/** What predicting needs: the model and how its inputs are prepared (a `LoadedModel` is one). */
export interface Predictor {
  model: Sequential;
  preprocessing: Preprocessing;
  dtype: FloatDType;
}

/**
 * P(class c) of every sample of prepared inputs x (N, ...): rows of the softmax, or
 * [1 - p, p] for a sigmoid output.
 * @example classProbabilities(model, x)[0] // [0.31, 0.69]
 */
export function classProbabilities(model: Sequential, x: Tensor): number[][] {
  const p = model.probabilities(x).values();
  const n = x.shape[0] as number;
  const k = p.length / n;
  return Array.from({ length: n }, (_, i) => (model.head === 'sigmoid' ? [1 - (p[i] as number), p[i] as number] : Array.from(p.subarray(i * k, (i + 1) * k))));
}

/**
 * One sample's probabilities and label (`Sequential.predict`: p > 0.5 for a sigmoid, the
 * most probable class otherwise) from its raw pixels at the model's input shape, e.g. (64, 64, 3) uint8.
 * @example predictPixels(loaded, pixels) // { label: 1, probabilities: [0.07, 0.93] }
 */
export function predictPixels(p: Predictor, pixels: Uint8Array): { label: number; probabilities: number[] } {
  const shape = p.model.inputShape;
  if (pixels.length !== sizeOf(shape)) throw new ArgumentError('predict', 'pixels', `expected ${formatShape(shape)} = ${sizeOf(shape)} values, got ${pixels.length}`);
  const x = prepareInputs(new Tensor(pixels, [1, ...shape], 'uint8'), p.preprocessing, p.dtype);
  return { label: p.model.predict(x).item(), probabilities: classProbabilities(p.model, x)[0] ?? [] };
}
