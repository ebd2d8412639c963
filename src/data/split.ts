/**
 * Held-out sets cut from one labelled set (browser-safe): the last N samples as a test set,
 * or a seeded, stratified validation fraction, for data that ships without a test set.
 */
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { takeRows } from './batch.js';
import type { Dataset } from './dataset.js';

/** A set cut in two. @example const { train, heldOut } = splitLast(mnist, 2000); */
export interface Split {
  train: Dataset;
  heldOut: Dataset;
}

/**
 * The samples at `idx`, in that order, as a Dataset of the same file and classes.
 * @example subset(d, Int32Array.of(0, 2)).x.shape[0] // 2
 */
export function subset(d: Dataset, idx: ArrayLike<number>): Dataset {
  return { file: d.file, x: takeRows(d.x, idx), labels: takeRows(d.labels, idx), classes: d.classes };
}

const range = (from: number, to: number): Int32Array => Int32Array.from({ length: to - from }, (_, i) => from + i);

/**
 * The first m - n samples to train on and the last n to test on (the datasets README's
 * MNIST split: `--test-last 2000` of 10,000).
 * @example splitLast(mnist, 2000).heldOut.x.shape // [2000, 28, 28, 1]
 */
export function splitLast(d: Dataset, n: number, option = '--test-last'): Split {
  const m = d.x.shape[0] ?? 0;
  if (!Number.isInteger(n) || n < 1 || n >= m) throw new ArgumentError('train', option, `must be an integer in 1..${m - 1} (the data has ${m} samples, and some must be left to train on), got ${n}`);
  return { train: subset(d, range(0, m - n)), heldOut: subset(d, range(m - n, m)) };
}

/**
 * A validation set of about `fraction` of each class's samples, chosen by a seeded shuffle
 * of each class (so the classes keep their proportions), each set kept in the data's order.
 * Every class with at least 2 samples keeps at least one sample on each side.
 * @example stratifiedSplit(mnist, 0.2, 1).heldOut.x.shape[0] // about 2,000 of 10,000
 */
export function stratifiedSplit(d: Dataset, fraction: number, seed: number, option = '--validation'): Split {
  const m = d.x.shape[0] ?? 0;
  if (!(fraction > 0 && fraction < 1)) throw new ArgumentError('train', option, `must be a fraction in (0, 1), got ${fraction}`);
  const byClass = new Map<number, number[]>();
  const labels = d.labels.contiguous().values();
  for (let i = 0; i < m; i++) {
    const c = Number(labels[i]);
    const list = byClass.get(c) ?? [];
    list.push(i);
    byClass.set(c, list);
  }
  const rng = new RandomState(seed);
  const held = new Uint8Array(m);
  // Classes in label order, so the same seed picks the same samples however the data is ordered within.
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(c) ?? [];
    const k = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
    const order = rng.permutation(members.length);
    for (let j = 0; j < k; j++) held[members[order[j] ?? 0] ?? 0] = 1;
  }
  const heldIdx: number[] = [];
  const trainIdx: number[] = [];
  for (let i = 0; i < m; i++) (held[i] === 1 ? heldIdx : trainIdx).push(i);
  if (heldIdx.length === 0) throw new ArgumentError('train', option, `${fraction} of ${m} samples leaves no validation sample: every class needs at least 2 samples`);
  return { train: subset(d, trainIdx), heldOut: subset(d, heldIdx) };
}
