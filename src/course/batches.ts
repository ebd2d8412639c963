/**
 * Mini-batches as the course's `random_mini_batches` makes them: `np.random.seed(seed)`,
 * `permutation = np.random.permutation(m)`, the columns of X and Y shuffled by it, then cut
 * into batches of `batchSize` columns, the last one smaller when m is not a multiple.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { fromArray, type Tensor } from '../tensor/index.js';

/** One batch: inputs (n, b) and labels (k, b). */
export interface Batch {
  X: Tensor;
  Y: Tensor;
}

/**
 * Columns `idx[start..end)` of a 2-D tensor, in that order, as a new contiguous tensor:
 * numpy's `X[:, idx[start:end]]`.
 * @example takeColumns(fromArray([[1, 2, 3]]), Int32Array.of(2, 0), 0, 2).toArray() // [[3, 1]]
 */
export function takeColumns(X: Tensor, idx: ArrayLike<number>, start = 0, end = idx.length): Tensor {
  if (X.ndim !== 2) throw new ShapeError('takeColumns', `needs a 2-D tensor, got ${formatShape(X.shape)}`, [X.shape]);
  const [n, m] = X.shape as [number, number];
  const b = end - start;
  // float32 inputs stay float32; every other dtype becomes float64, as the math would make it.
  const out = X.dtype === 'float32' ? new Float32Array(n * b) : new Float64Array(n * b);
  const src = X.values();
  for (let j = 0; j < b; j++) {
    const c = idx[start + j] as number;
    if (!(c >= 0 && c < m)) throw new ArgumentError('takeColumns', 'idx', `column ${c} is out of range for ${m} columns`);
  }
  for (let i = 0; i < n; i++) {
    const row = i * m;
    const orow = i * b;
    for (let j = 0; j < b; j++) out[orow + j] = src[row + (idx[start + j] as number)] as number;
  }
  return fromArray(out, [n, b]);
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
  const out: Batch[] = [];
  for (let k = 0; k < m; k += batchSize) {
    const end = Math.min(k + batchSize, m);
    out.push({ X: takeColumns(X, perm, k, end), Y: takeColumns(Y, perm, k, end) });
  }
  return out;
}
