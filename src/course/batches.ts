/**
 * Mini-batches as the course's `random_mini_batches` makes them: `np.random.seed(seed)`,
 * `permutation = np.random.permutation(m)`, the columns of X and Y shuffled by it, then cut
 * into batches of `batchSize` columns, the last one smaller when m is not a multiple. The
 * `Trainer` draws the same permutation for epoch e with seed `shuffleSeed + e + 1` and takes
 * the same samples as rows of its batch-first data.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { takeRows } from '../data/batch.js';
import type { Tensor } from '../tensor/index.js';

/** One batch: inputs (n, b) and labels (k, b). */
export interface Batch {
  X: Tensor;
  Y: Tensor;
}

/**
 * The course's `random_mini_batches(X, Y, mini_batch_size, seed)`.
 * @example randomMiniBatches(X, Y, 64, 11) // 4 batches for m = 209: 64, 64, 64, 17 columns
 */
export function randomMiniBatches(X: Tensor, Y: Tensor, batchSize: number, seed: number): Batch[] {
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw new ArgumentError('randomMiniBatches', 'batchSize', `must be a positive integer, got ${batchSize}`);
  if (X.ndim !== 2 || Y.ndim !== 2 || X.shape[1] !== Y.shape[1]) {
    throw new ShapeError('randomMiniBatches', `X and Y must be (n, m) and (k, m): X${formatShape(X.shape)} Y${formatShape(Y.shape)}`, [X.shape, Y.shape]);
  }
  const m = X.shape[1] as number;
  const perm = new RandomState(seed).permutation(m);
  // Samples as rows once, so each batch is a gather of rows: numpy's X[:, perm[k:k+b]].
  const [xs, ys] = [X.T.contiguous(), Y.T.contiguous()];
  const out: Batch[] = [];
  for (let k = 0; k < m; k += batchSize) {
    const end = Math.min(k + batchSize, m);
    out.push({ X: takeRows(xs, perm, k, end).T.contiguous(), Y: takeRows(ys, perm, k, end).T.contiguous() });
  }
  return out;
}
