/**
 * Your own photo through a saved model (Node): read it at the model's input size, prepare it
 * as the training images were prepared, and give the class and its probability.
 */
import { predictPixels } from '../analysis/predict.js';
import { ModelFileError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { readImageForModel, type ResizeFit } from '../data/image.js';
import type { LoadedModel } from '../io/model-file.js';

export interface PredictOptions {
  /** Refuse images with more pixels than this (default: `DEFAULT_MAX_PIXELS`, 50 megapixels). */
  maxPixels?: number;
  /** How another aspect ratio becomes the model's input (default `fill`, as the notes do). */
  fit?: ResizeFit;
}

/** One image's prediction. */
export interface ImagePrediction {
  file: string;
  /** The predicted label and its class name. */
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
 * @example const p = await predictImage(await loadModelFile('cat.json'), 'my-cat.jpg'); // { className: 'cat', probability: 0.93, ... }
 */
export async function predictImage(loaded: LoadedModel, file: string, opts: PredictOptions = {}): Promise<ImagePrediction> {
  const [height, width, channels] = loaded.inputShape;
  if (loaded.inputShape.length !== 3 || (channels !== 3 && channels !== 1) || height === undefined || width === undefined) {
    throw new ModelFileError(loaded.file, undefined, `the model takes inputs of shape ${formatShape(loaded.inputShape)}, not RGB or grayscale images (h, w, 3) or (h, w, 1), which tsgrad predict reads photos as`);
  }
  const img = await readImageForModel(file, { width, height, channels, ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}), ...(opts.fit !== undefined ? { fit: opts.fit } : {}) });
  const { label, probabilities } = predictPixels(loaded, img.pixels);
  return {
    file,
    label,
    className: loaded.classes[label] ?? String(label),
    probability: probabilities[label] as number,
    probabilities,
    originalWidth: img.originalWidth,
    originalHeight: img.originalHeight,
    orientation: img.orientation,
  };
}
