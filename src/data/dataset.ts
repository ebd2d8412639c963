/**
 * Labelled image sets from HDF5 files on disk (Node), in the notes' layout that
 * ./labelled-images.ts reads: `<name>_x` pixels, `<name>_y` labels, optionally `list_classes`.
 * The browser reads the same layout from bytes in ./hdf5-browser.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import { withHdf5File } from './hdf5.js';
import { readLabelledImages, type LabelledImages } from './labelled-images.js';

export type { LabelledImages } from './labelled-images.js';

/**
 * Loads `<prefix>_x` / `<prefix>_y` from an HDF5 file. Without a prefix the file must hold
 * exactly one `*_x` / `*_y` pair (train_set_x/train_set_y in the notes' files).
 *
 * @example
 * const test = await loadLabelledImages('../shared/datasets/test_catvnoncat.h5');
 * test.y.shape; // [1, 50]
 */
export async function loadLabelledImages(file: string, prefix?: string): Promise<LabelledImages> {
  return withHdf5File(file, (h5) => readLabelledImages(h5, prefix));
}

/**
 * A labelled data set as training takes it: N samples along axis 0 (`x`, as stored: uint8
 * pixels stay uint8), their labels (N,) as float64 class indices, and the class names.
 * @example const d = asDataset(await loadLabelledImages('train_catvnoncat.h5')); d.x.shape // [209, 64, 64, 3]
 */
export interface Dataset {
  readonly file: string;
  readonly x: Tensor;
  readonly labels: Tensor;
  readonly classes: readonly string[];
}

/** A loaded image set as a Dataset (labels (1, m) → (m,)). */
export function asDataset(s: LabelledImages): Dataset {
  const m = s.x.shape[0] as number;
  return { file: s.file, x: s.x, labels: s.y.reshape([m]), classes: s.classes };
}
