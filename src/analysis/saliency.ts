/**
 * Image-specific class saliency (Simonyan, Vedaldi & Zisserman 2013, "Deep Inside
 * Convolutional Networks", section 3): the gradient of a class score S_c with respect to the
 * input pixels, by autodiff through the model's layers, and the map M[h, w] = max over the
 * colour channels of |dS_c/dx[h, w, c]|. S_c is the score before the output head (a softmax
 * would couple the classes, and saturate); for a sigmoid head with one logit z, S_1 = z and
 * S_0 = −z. Any `Sequential` works: nothing here knows what its layers are. Browser-safe.
 */
import { backward, detach, requiresGrad } from '../autograd/index.js';
import { withGradMode } from '../autograd/graph.js';
import { isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { checkItemShape } from '../nn/module.js';
import type { Sequential } from '../nn/sequential.js';
import { abs, max, zeros, type Tensor } from '../tensor/index.js';
import { classProbabilities } from './predict.js';

/** A saliency map and what it was computed from. */
export interface Saliency {
  /** M = max over channels of |dS_c/dx|, shape (N, H, W) (the gradient's |.| for (N, H, W) inputs). */
  map: Tensor;
  /** dS_c/dx, the input's shape (N, H, W, C), in the model's dtype. */
  gradient: Tensor;
  /** The class c whose score was differentiated, per image. */
  target: number[];
  /** P(c) of that class, per image. */
  probability: number[];
  /** The predicted class per image (`Sequential.predict`'s rule) and every class's probability. */
  predicted: number[];
  probabilities: number[][];
}

/** Options of `saliency`. */
export interface SaliencyOptions {
  /** The class to explain, for every image (default: each image's predicted class). */
  target?: number;
}

/**
 * The saliency maps of prepared images x (N, H, W, C) (pixels already divided by the model
 * file's `preprocessing.scale`, in the model's dtype). The model's parameters and their
 * gradients are left as they were.
 *
 * @example
 * const s = saliency(net, prepareInputs(images, PIXELS, 'float64'));
 * s.map.shape;   // [N, 64, 64]
 * s.target[0];   // the predicted class of image 0; s.probability[0] its probability
 */
export function saliency(model: Sequential, x: Tensor, opts: SaliencyOptions = {}): Saliency {
  if (!isFloat(x.dtype)) throw new DTypeError('saliency', `x must be prepared float inputs (pixels / scale), got ${x.dtype}: use prepareInputs first`, [x.dtype]);
  checkItemShape('saliency', x, model.inputShape);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError('saliency', `needs images (N, H, W, C) or (N, H, W), got inputs of shape ${formatShape(x.shape)}`, [x.shape]);
  const k = model.classes;
  const c = opts.target;
  if (c !== undefined && !(Number.isSafeInteger(c) && c >= 0 && c < k)) throw new ArgumentError('saliency', 'target', `must be a class index in 0..${k - 1}, got ${c}`);

  const probabilities = classProbabilities(model, x);
  const predicted = Array.from(model.predict(x).values());
  const n = x.shape[0] as number;
  const target = Array.from({ length: n }, (_, i) => c ?? (predicted[i] as number));
  const probability = target.map((t, i) => probabilities[i]?.[t] as number);

  const gradient = inputGradient(model, x, target);
  // Channel-max of |g| for colour images; a grayscale (N, H, W) input is its own map.
  const map = x.ndim === 4 ? max(abs(gradient), { axis: 3 }) : abs(gradient);
  return { map, gradient, target, probability, predicted, probabilities };
}

/**
 * dS/dx for S = Σ_i S_{target[i]}(x_i): one backward pass for the whole batch. The model
 * evaluates each sample on its own (EVAL: no dropout), so the sum's gradient at sample i is
 * that sample's own dS_c/dx_i. The seed picks each sample's score: a one-hot row of the
 * logits, or ±1 on a sigmoid head's single logit.
 */
function inputGradient(model: Sequential, x: Tensor, target: readonly number[]): Tensor {
  const leaf = requiresGrad(detach(x));
  const params = model.parameters().map((p) => p.value);
  const flags = params.map((p) => p.requiresGrad);
  // Frozen for this pass: no parameter gradient is computed, nor added to a parameter's .grad.
  for (const p of params) requiresGrad(p, false);
  try {
    const scores = withGradMode(true, () => model.scores(leaf));
    const n = x.shape[0] as number;
    const width = scores.size / n;
    const seed = zeros(scores.shape, scores.dtype);
    const s = seed.values();
    for (let i = 0; i < n; i++) {
      const t = target[i] as number;
      if (model.head === 'sigmoid') s[i] = t === 1 ? 1 : -1;
      else s[i * width + t] = 1;
    }
    // A model whose scores do not depend on the input (no path from x) has zero gradient.
    if (scores.requiresGrad) backward(scores, seed);
    return leaf.grad ?? zeros(x.shape, x.dtype);
  } finally {
    params.forEach((p, i) => requiresGrad(p, flags[i] as boolean));
  }
}

/**
 * S_c for each image, the quantity `saliency` differentiates: logit c, or ±z for a sigmoid
 * head. For tests and finite-difference checks.
 * @example classScore(net, x, 1) // [z_0, z_1, ...]
 */
export function classScore(model: Sequential, x: Tensor, target: number): number[] {
  const scores = withGradMode(false, () => model.scores(x)).contiguous().values();
  const n = x.shape[0] as number;
  const width = scores.length / n;
  return Array.from({ length: n }, (_, i) => (model.head === 'sigmoid' ? (target === 1 ? 1 : -1) * (scores[i] as number) : (scores[i * width + target] as number)));
}
