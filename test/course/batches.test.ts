// The course's `random_mini_batches` by its name, and the same batches as the one Trainer
// takes on batch-first data.
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { randomMiniBatches } from '../../src/course/batches.js';
import { takeRows } from '../../src/data/batch.js';
import { GradientDescent } from '../../src/optim/index.js';
import { arange, fromArray, scalar, type Tensor } from '../../src/tensor/index.js';
import { Trainer, type StepStrategy } from '../../src/train/trainer.js';
import { caught } from './helpers.js';

// X[i, j] = 1000 i + j and Y[0, j] = j, so every column says where it came from.
const m = 209;
const X = fromArray(Array.from({ length: 3 }, (_, i) => Array.from({ length: m }, (_, j) => 1000 * i + j)));
const Y = arange(m).reshape([1, m]);

/** A step that only records the batches the trainer hands it, as the samples' rows. */
class BatchRecorder implements StepStrategy {
  readonly engine = 'autodiff';
  readonly seen: Tensor[] = [];
  constructor(private readonly rows: Tensor) {}
  forward(batch: Int32Array | undefined) {
    this.seen.push(batch === undefined ? this.rows : takeRows(this.rows, batch));
    return { finite: true, cost: () => 0 };
  }
  update(): void {}
  snapshot() {
    return { nothing: scalar(0) };
  }
  restore(): void {}
  sync(): void {}
}

describe('randomMiniBatches', () => {
  it("shuffles with numpy's permutation(m) after seed(seed) and cuts batches of 64, the last of 17", () => {
    const batches = randomMiniBatches(X, Y, 64, 11);
    expect(batches.map((b) => b.X.shape)).toEqual([[3, 64], [3, 64], [3, 64], [3, 17]]);
    const perm = Array.from(new RandomState(11).permutation(m));
    expect(batches.flatMap((b) => Array.from(b.Y.values()))).toEqual(perm);
    for (const b of batches) {
      const cols = Array.from(b.Y.values());
      expect(b.X.toArray()).toEqual([0, 1, 2].map((i) => cols.map((j) => 1000 * i + j)));
    }
  });
  it('is one shuffled batch when the batch size covers the data, and differs by seed', () => {
    expect(randomMiniBatches(X, Y, 500, 1).map((b) => b.X.shape)).toEqual([[3, m]]);
    const first = (seed: number) => Array.from(randomMiniBatches(X, Y, 64, seed)[0]?.Y.values() ?? []);
    expect(first(1)).toEqual(Array.from(new RandomState(1).permutation(m).subarray(0, 64)));
    expect(first(1)).not.toEqual(first(2));
  });
  it('keeps float32 inputs in float32', () => {
    expect(randomMiniBatches(X.astype('float32'), Y, 100, 3)[0]?.X.dtype).toBe('float32');
  });
  it('refuses a batch size that is not a positive integer and X, Y of different sample counts', () => {
    expect(caught(ArgumentError, () => randomMiniBatches(X, Y, 0, 1)).message).toBe('randomMiniBatches: batchSize: must be a positive integer, got 0');
    expect(caught(ArgumentError, () => randomMiniBatches(X, Y, 2.5, 1)).argument).toBe('batchSize');
    const e = caught(ShapeError, () => randomMiniBatches(X, fromArray([[1, 2]]), 2, 1));
    expect(e.message).toBe('randomMiniBatches: X and Y must be (n, m) and (k, m): X(3, 209) Y(1, 2)');
  });
});

describe("randomMiniBatches equals the Trainer's shuffles", () => {
  it('epoch e with shuffle seed s takes the batches of randomMiniBatches(X, Y, size, s + e + 1), as rows', () => {
    const rows = X.T.contiguous();
    const step = new BatchRecorder(rows);
    const [size, seed, epochs] = [64, 10, 3];
    new Trainer(step, new GradientDescent({ learningRate: 0.1 }), m, { epochs, batchSize: size, shuffleSeed: seed }).advance();
    const course = Array.from({ length: epochs }, (_, e) => randomMiniBatches(X, Y, size, seed + e + 1)).flat();
    expect(step.seen.length).toBe(course.length);
    expect(step.seen.length).toBe(12);
    step.seen.forEach((b, k) => expect(b.T.toArray()).toEqual(course[k]?.X.toArray()));
  });
});
