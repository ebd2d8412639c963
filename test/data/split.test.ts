import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import { splitLast, stratifiedSplit } from '../../src/data/split.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { argumentErrorSync } from './fixtures.js';

/** m one-pixel samples whose pixel is their index, labels cycling through `k` classes. */
function samples(m: number, k: number): Dataset {
  const x = new Tensor(Uint8Array.from({ length: m }, (_, i) => i), [m, 1, 1, 1], 'uint8');
  return { file: 'd', x, labels: new Tensor(Float64Array.from({ length: m }, (_, i) => i % k), [m], 'float64'), classes: Array.from({ length: k }, (_, i) => String(i)) };
}
const pixels = (d: Dataset): number[] => Array.from(d.x.contiguous().values());

describe('held-out sets', () => {
  it('--test-last keeps the order: the first m - n to train, the last n to test', () => {
    const { train, heldOut } = splitLast(samples(10, 3), 3);
    expect(pixels(train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pixels(heldOut)).toEqual([7, 8, 9]);
    expect(Array.from(heldOut.labels.values())).toEqual([1, 2, 0]);
    expect(heldOut.classes).toEqual(['0', '1', '2']);
  });

  it('--validation takes the fraction of each class, seeded, the rest to train', () => {
    const d = samples(100, 4);
    const a = stratifiedSplit(d, 0.2, 1);
    const counts = [0, 0, 0, 0];
    for (const v of a.heldOut.labels.values()) counts[v] = (counts[v] ?? 0) + 1;
    expect(counts).toEqual([5, 5, 5, 5]);
    expect(a.train.x.shape[0]).toBe(80);
    expect(new Set([...pixels(a.train), ...pixels(a.heldOut)]).size).toBe(100);
    expect(pixels(stratifiedSplit(d, 0.2, 1).heldOut)).toEqual(pixels(a.heldOut));
    expect(pixels(stratifiedSplit(d, 0.2, 2).heldOut)).not.toEqual(pixels(a.heldOut));
  });

  it.each([
    [() => splitLast(samples(10, 2), 10), '--test-last', 'must be an integer in 1..9 (the data has 10 samples'],
    [() => stratifiedSplit(samples(10, 2), 1, 1), '--validation', 'must be a fraction in (0, 1), got 1'],
    [() => stratifiedSplit(samples(3, 3), 0.5, 1), '--validation', 'leaves no validation sample: every class needs at least 2 samples'],
  ])('refuses a split it cannot make (%#)', (run, option, words) => {
    const e = argumentErrorSync(run);
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe(option);
    expect(e.message).toContain(words);
  });
});
