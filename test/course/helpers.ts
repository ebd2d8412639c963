/**
 * Shared by the course tests: the notes' data (X of shape (12288, m), pixels / 255, one
 * sample per column; Y of shape (1, m)), the general path's batch-first view of it, and
 * the comparisons the tests make.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadRunData, type LoadedData } from '../../src/app/data.js';
import type { Dataset } from '../../src/data/dataset.js';
import { PIXELS, prepareInputs } from '../../src/data/preprocess.js';
import { Tensor } from '../../src/tensor/index.js';

export const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
export const SLOW = process.env['TSGRAD_SLOW'] === '1';

// ../shared/datasets/README.md: float64, zeros, lr 0.005, 2000 iterations, pixels / 255.
export const REFERENCE_COSTS = [
  '0.693147', '0.584508', '0.466949', '0.376007', '0.331463', '0.303273', '0.279880', '0.260042', '0.242941', '0.228004',
  '0.214820', '0.203078', '0.192544', '0.183033', '0.174399', '0.166521', '0.159305', '0.152667', '0.146542', '0.140872',
];

/** One set in the notes' layout and in the general path's. */
export interface CourseSet {
  /** (12288, m), one sample per column: `x.reshape(m, -1).T / 255.` */
  X: Tensor;
  /** (1, m) labels. */
  Y: Tensor;
  /** (m, 12288), one sample per row: what the batch-first layers take. */
  rows: Tensor;
  /** (m,) labels. */
  labels: Tensor;
}

function courseSet(d: Dataset, dtype: 'float64' | 'float32'): CourseSet {
  const m = d.x.shape[0] as number;
  const rows = prepareInputs(d.x, PIXELS, dtype).reshape([m, -1]);
  const labels = d.labels;
  return { X: rows.T.contiguous(), Y: (dtype === 'float64' ? labels : labels.astype(dtype)).reshape([1, m]), rows, labels };
}

/** The catvnoncat train and test sets, read once per file. */
export async function courseData(dtype: 'float64' | 'float32' = 'float64'): Promise<{ raw: LoadedData; train: CourseSet; test: CourseSet }> {
  const raw = await loadRunData({ data: SHARED });
  return { raw, train: courseSet(raw.train, dtype), test: courseSet(raw.test, dtype) };
}

/** max |a - b| / max |b|: relative to the vector's size, as a per-element ratio means nothing where b ≈ 0. */
export function relDiff(a: Tensor | ArrayLike<number>, b: Tensor | ArrayLike<number>): number {
  const x = a instanceof Tensor ? a.contiguous().values() : a;
  const y = b instanceof Tensor ? b.contiguous().values() : b;
  expect(x.length).toBe(y.length);
  let d = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs((x[i] as number) - (y[i] as number)));
    s = Math.max(s, Math.abs(y[i] as number));
  }
  return s === 0 ? d : d / s;
}

/** The error `run` throws, checked to be of class `cls` with a one-line message. */
export function caught<E extends Error>(cls: abstract new (...a: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect((e as Error).message).not.toContain('\n');
    return e as E;
  }
  throw new Error(`expected a ${cls.name}`);
}
