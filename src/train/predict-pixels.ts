/**
 * One image's probability from its pixels, prepared exactly as the training images were:
 * browser-safe, so `tsgrad predict` and the web page compute it with the same ops (in the
 * model's dtype: a float32 model file predicts in float32 in both).
 */
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';
import { flattenImages } from './flatten.js';
import { trainedValues, type LossModel } from './loss-model.js';

/**
 * P(class 1) for one image given as (h, w, 3) uint8 pixels at the model's input size.
 * @example probabilityOfPixels(model, pixels) // 0.93...
 */
export function probabilityOfPixels(model: LossModel, pixels: Uint8Array): number {
  const [height, width, channels] = model.inputShape;
  if (model.inputShape.length !== 3 || channels !== 3 || height === undefined || width === undefined) {
    throw new ArgumentError('predict', 'model', `takes input of shape [${model.inputShape.join(', ')}], not an RGB image (h, w, 3)`);
  }
  if (pixels.length !== height * width * 3) {
    throw new ArgumentError('predict', 'pixels', `expected ${height}x${width}x3 = ${height * width * 3} values, got ${pixels.length}`);
  }
  // The same preparation as the training images: (1, h, w, 3) uint8 → one column / 255.
  const X = flattenImages(new Tensor(pixels, [1, height, width, 3], 'uint8'), model.dtype);
  return model.probabilities(trainedValues(model), X).item();
}
