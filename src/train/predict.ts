/**
 * Your own photo through a saved model: read it with the model's input size, prepare it as
 * the training images were prepared, and give the class and its probability.
 */
import { readImageForModel, type ResizeFit } from '../data/image.js';
import { ArgumentError } from '../core/errors.js';
import type { LossModel } from './loss-model.js';
import { probabilityOfPixels } from './predict-pixels.js';

export interface PredictOptions {
  /** Refuse images with more pixels than this (default: `DEFAULT_MAX_PIXELS`, 50 megapixels). */
  maxPixels?: number;
  /** How another aspect ratio becomes the model's input (default `fill`, as the notes do). */
  fit?: ResizeFit;
}

/** One image's prediction. */
export interface ImagePrediction {
  file: string;
  /** The predicted label (P(class 1) > 0.5) and its class name. */
  label: number;
  className: string;
  /** The probability of the predicted class. */
  probability: number;
  /** The probability of each class, in the model's class order. */
  probabilities: number[];
  /** The image as stored and its EXIF orientation. */
  originalWidth: number;
  originalHeight: number;
  orientation: number;
}

/**
 * Predicts the class of one image file (JPEG, PNG or WebP).
 * @example const p = await predictImage(model, 'my-cat.jpg'); // { className: 'cat', probability: 0.93, ... }
 */
export async function predictImage(model: LossModel, file: string, opts: PredictOptions = {}): Promise<ImagePrediction> {
  const [height, width, channels] = model.inputShape;
  if (model.inputShape.length !== 3 || channels !== 3 || height === undefined || width === undefined) {
    throw new ArgumentError('predict', 'model', `takes input of shape [${model.inputShape.join(', ')}], not an RGB image (h, w, 3)`);
  }
  const img = await readImageForModel(file, { width, height, ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}), ...(opts.fit !== undefined ? { fit: opts.fit } : {}) });
  const p1 = probabilityOfPixels(model, img.pixels);
  const label = p1 > 0.5 ? 1 : 0;
  const probabilities = [1 - p1, p1];
  return {
    file,
    label,
    className: model.classes[label] ?? String(label),
    probability: probabilities[label] as number,
    probabilities,
    originalWidth: img.originalWidth,
    originalHeight: img.originalHeight,
    orientation: img.orientation,
  };
}
