/**
 * Labelled image sets from HDF5 files on disk (Node), in the notes' layout that
 * ./labelled-images.ts reads: `<name>_x` pixels, `<name>_y` labels, optionally `list_classes`.
 * The browser reads the same layout from bytes in ./hdf5-browser.ts.
 */
import { withHdf5File } from './hdf5.js';
import { readLabelledImages, type LabelledImages } from './labelled-images.js';

export { asDataset, type Dataset, type LabelledImages } from './labelled-images.js';

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
