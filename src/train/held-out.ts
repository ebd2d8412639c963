/**
 * A held-out set's cost and accuracy while training runs (the per-epoch validation report,
 * as Keras's `val_loss` / `val_accuracy`): the data term of the loss (no L2 penalty, no
 * dropout) and the accuracy, a chunk of samples at a time so the set is never held as floats.
 */
import { noGrad } from '../autograd/index.js';
import type { FloatDType } from '../core/dtype.js';
import { takeRows } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { prepareInputs, type Preprocessing } from '../data/preprocess.js';
import { lossOfScores, type BinaryLoss } from '../nn/loss.js';
import type { Sequential } from '../nn/sequential.js';
import { accuracy } from './metrics.js';

/** Samples scored at a time. */
const CHUNK = 256;

/** A held-out set's figures at one point of training. @example const h: HeldOutScore = { cost: 0.31, accuracy: 92.5 }; */
export interface HeldOutScore {
  /** Mean cross-entropy (the data term, as the training cost without its L2 penalty). */
  cost: number;
  /** Per cent of samples whose predicted class is their label. */
  accuracy: number;
}

/**
 * The model's cost and accuracy on a stored set (pixels as read), in inference mode.
 * @example heldOutScore(net, validation, PIXELS, 'float64', 'course').accuracy // 92.5
 */
export function heldOutScore(model: Sequential, set: Pick<Dataset, 'x' | 'labels'>, preprocessing: Preprocessing, dtype: FloatDType, loss: BinaryLoss = 'course'): HeldOutScore {
  const n = set.x.shape[0] ?? 0;
  const predicted = new Float64Array(n);
  let total = 0;
  noGrad(() => {
    for (let start = 0; start < n; start += CHUNK) {
      const idx = Int32Array.from({ length: Math.min(CHUNK, n - start) }, (_, j) => start + j);
      const x = prepareInputs(takeRows(set.x, idx), preprocessing, dtype);
      const scores = model.scores(x);
      total += lossOfScores(model, scores, takeRows(set.labels, idx), loss).item() * idx.length;
      predicted.set(model.predict(x).values(), start);
    }
  });
  return { cost: total / n, accuracy: accuracy(predicted, set.labels.values()) };
}
