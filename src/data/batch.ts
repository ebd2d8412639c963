/**
 * Batches along the sample axis: rows of a (N, ...) tensor gathered in a given order. Data
 * only (no gradient flows through a gather): the training loop batches its inputs with it.
 */
import { allocate } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';

/**
 * Samples `idx[start..end)` of x (N, ...), in that order, as a new contiguous tensor of the
 * same dtype: numpy's `x[idx[start:end]]`.
 * @example takeRows(fromArray([[1, 2], [3, 4], [5, 6]]), Int32Array.of(2, 0)).toArray() // [[5, 6], [1, 2]]
 */
export function takeRows(x: Tensor, idx: ArrayLike<number>, start = 0, end = idx.length): Tensor {
  const n = x.shape[0] ?? 0;
  const row = n === 0 ? 0 : x.size / n;
  const c = x.contiguous();
  const src = c.data;
  const out = allocate(c.dtype, (end - start) * row);
  for (let j = start; j < end; j++) {
    const r = idx[j] as number;
    if (!(r >= 0 && r < n)) throw new ArgumentError('takeRows', 'idx', `sample ${r} is out of range for ${n} samples`);
    const from = c.offset + r * row;
    out.set(src.subarray(from, from + row), (j - start) * row);
  }
  return new Tensor(out, [end - start, ...x.shape.slice(1)], c.dtype);
}
