/**
 * Labelled image sets from HDF5 bytes already in memory, for the browser (file picker, drag
 * and drop, fetch) and Web Workers: h5wasm's ESM build, whose in-memory file system holds the
 * bytes while HDF5 reads them. No Node-only API. The checks, the reader and the layout are
 * the Node path's own (./hdf5-reader.ts, ./labelled-images.ts), so both refuse the same
 * mistakes with the same one-line DataError.
 */
import * as h5wasm from 'h5wasm';
import { checkHdf5Head, withH5wasmFile } from './hdf5-reader.js';
import { readLabelledImages, type LabelledImages } from './labelled-images.js';

let counter = 0;

/**
 * Reads the single `<name>_x` / `<name>_y` pair (or the one `prefix` names) from the bytes
 * of an HDF5 file. `file` is the name shown in messages (the picked file's name).
 *
 * @example
 * const train = await labelledImagesFromBytes('train_catvnoncat.h5', new Uint8Array(await f.arrayBuffer()));
 * train.x.shape; // [209, 64, 64, 3], uint8
 */
export async function labelledImagesFromBytes(file: string, bytes: Uint8Array, prefix?: string): Promise<LabelledImages> {
  await checkHdf5Head(file, bytes.length, (pos, n) => bytes.subarray(pos, pos + n));
  const Module = await h5wasm.ready;
  // A fresh name per call: two files read one after the other must not see each other's bytes.
  const path = `/tsgrad-${++counter}.h5`;
  Module.FS.writeFile(path, bytes);
  try {
    return withH5wasmFile(h5wasm, Module, file, path, (h5) => readLabelledImages(h5, prefix));
  } finally {
    Module.FS.unlink(path);
  }
}
