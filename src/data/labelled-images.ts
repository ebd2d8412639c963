/**
 * Labelled image sets in the layout of the classic notes' `load_dataset()`: an HDF5 file with
 * `<name>_x` uint8 pixels (m, h, w, 3) or grayscale (m, h, w) / (m, h, w, 1), `<name>_y`
 * integer labels and, optionally, `list_classes` naming each label. Every way a file can miss
 * that layout is a one-line DataError naming the file and the dataset. Written once over
 * `Hdf5File`, so the Node reader (./dataset.ts) and the browser's (./hdf5-browser.ts) agree.
 */
import { DataError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { describeDatasets, type Hdf5DatasetInfo, type Hdf5File, type Hdf5Values } from './hdf5-reader.js';

/**
 * One labelled image set.
 *
 * @example
 * const train = await loadLabelledImages('train_catvnoncat.h5');
 * train.name;    // 'train_set'
 * train.x.shape; // [209, 64, 64, 3], uint8
 * train.y.shape; // [1, 209], float64 labels 0 or 1
 * train.classes; // ['non-cat', 'cat']
 */
export interface LabelledImages {
  /** The path the set was loaded from, as given. */
  file: string;
  /** The datasets' common prefix, e.g. `train_set` for train_set_x/train_set_y. */
  name: string;
  /** Pixels, uint8, shape (m, h, w, c) with c = 3 (RGB) or 1 (grayscale): scaling is the caller's choice. */
  x: Tensor;
  /** Labels as float64 numbers, shape (1, m), like the notes' `train_set_y.reshape((1, m))`. */
  y: Tensor;
  /**
   * The class names, `classes[label]`, from `list_classes` with its NUL padding stripped.
   * Without a `list_classes` dataset: the label numbers as text, `['0', '1', ...]`.
   */
  classes: string[];
}

const CLASSES = 'list_classes';
/** Without a class list, classes are named by their numbers 0..max: at most 65,536 of them. */
const MAX_UNLISTED_LABEL = 65535;

/**
 * Reads `<prefix>_x` / `<prefix>_y` from an open HDF5 file. Without a prefix the file must
 * hold exactly one `*_x` / `*_y` pair (train_set_x/train_set_y in the notes' files).
 *
 * @example
 * const test = await withHdf5File('test_catvnoncat.h5', (h5) => readLabelledImages(h5));
 * test.y.shape; // [1, 50]
 */
export function readLabelledImages(h5: Hdf5File, prefix?: string): LabelledImages {
  const { file } = h5;
  const name = prefix ?? findPair(h5);
  const xInfo = requireDataset(h5, `${name}_x`);
  const yInfo = requireDataset(h5, `${name}_y`);
  const shape = checkImages(file, xInfo);
  const m = shape[0];
  const labelCount = checkLabels(file, yInfo);
  if (labelCount !== m) {
    throw new DataError(file, yInfo.name, `${xInfo.name} has ${m} samples but ${yInfo.name} has ${labelCount}`);
  }
  if (m === 0) throw new DataError(file, xInfo.name, 'empty dataset: 0 samples, expected at least one image');

  const classes = readClasses(h5, name);
  const y = toLabels(file, yInfo.name, h5.read(yInfo.name).values, classes);
  const pixels = h5.read(xInfo.name).values;
  if (!(pixels instanceof Uint8Array)) throw new DataError(file, xInfo.name, 'expected uint8 pixels');
  return {
    file,
    name,
    x: new Tensor(pixels, shape, 'uint8'),
    y: new Tensor(y, [1, m], 'float64'),
    classes: classes ?? Array.from({ length: maxOf(y) + 1 }, (_, i) => String(i)),
  };
}

/** The single `<name>_x` / `<name>_y` pair's name, or a DataError listing what the file holds. */
function findPair(h5: Hdf5File): string {
  const names = new Set(h5.datasets.map((d) => d.name));
  const stems = [...names].filter((n) => n.endsWith('_x') && names.has(`${n.slice(0, -2)}_y`)).map((n) => n.slice(0, -2));
  const [only] = stems;
  if (only !== undefined && stems.length === 1) return only;
  if (stems.length === 0) {
    throw new DataError(h5.file, undefined, `no <name>_x / <name>_y dataset pair (such as train_set_x / train_set_y); the file has ${describeDatasets(h5.datasets)}`);
  }
  const pairs = stems.map((s) => `${s}_x/${s}_y`).join(', ');
  throw new DataError(h5.file, undefined, `several dataset pairs (${pairs}); give a prefix to choose one`);
}

function requireDataset(h5: Hdf5File, name: string): Hdf5DatasetInfo {
  const info = h5.dataset(name);
  if (info === undefined) throw new DataError(h5.file, name, `no such dataset; the file has ${describeDatasets(h5.datasets)}`);
  return info;
}

/**
 * The images' shape as tsgrad holds them, (m, h, w, c): uint8 RGB (m, h, w, 3), or grayscale
 * stored (m, h, w) or (m, h, w, 1), given the channel axis so that every set is (N, H, W, C).
 */
function checkImages(file: string, info: Hdf5DatasetInfo): [number, number, number, number] {
  const [m, h, w, c = 1] = info.shape;
  const rank = info.shape.length;
  if (info.dtype !== 'uint8' || (rank !== 3 && rank !== 4) || (c !== 1 && c !== 3) || m === undefined || h === undefined
    || w === undefined || h === 0 || w === 0) {
    throw new DataError(file, info.name, `expected uint8 images of shape (m, h, w), (m, h, w, 1) or (m, h, w, 3), got ${info.dtype} ${formatShape(info.shape)}`);
  }
  return [m, h, w, c];
}

/** The number of labels, checked to be integers of shape (m,), (1, m) or (m, 1). */
function checkLabels(file: string, info: Hdf5DatasetInfo): number {
  const s = info.shape;
  const count = s.length === 1 ? s[0] : s.length === 2 && s[0] === 1 ? s[1] : s.length === 2 && s[1] === 1 ? s[0] : undefined;
  if ((info.kind !== 'int' && info.kind !== 'uint') || count === undefined) {
    throw new DataError(file, info.name, `expected integer labels of shape (m,), (1, m) or (m, 1), got ${info.dtype} ${formatShape(s)}`);
  }
  return count;
}

/** `list_classes` beside the pair (same group), else at the root; undefined when there is none. */
function readClasses(h5: Hdf5File, name: string): string[] | undefined {
  const group = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
  const info = h5.dataset(group + CLASSES) ?? h5.dataset(CLASSES);
  if (info === undefined) return undefined;
  const { values } = h5.read(info.name);
  if (!Array.isArray(values) || info.shape.length !== 1) {
    throw new DataError(h5.file, info.name, `expected a 1-D list of class names (strings), got ${info.dtype} ${formatShape(info.shape)}`);
  }
  return values;
}

/**
 * Labels as float64, each checked to be an integer naming a class: in [0, classes.length), or
 * in 0..MAX_UNLISTED_LABEL without a class list. int64 labels arrive as BigInt64Array.
 */
function toLabels(file: string, field: string, raw: Hdf5Values, classes: string[] | undefined): Float64Array {
  if (Array.isArray(raw)) throw new DataError(file, field, 'expected integer labels, got strings');
  const out = new Float64Array(raw.length);
  const range = classes === undefined ? `without a ${CLASSES} dataset, labels must be integers in 0..${MAX_UNLISTED_LABEL}`
    : `${CLASSES} has ${classes.length} classes (${classes.join(', ')}), so labels must be in 0..${classes.length - 1}`;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] ?? 0;
    const n = Number(v);
    const bad = typeof v === 'bigint' ? BigInt(n) !== v : !Number.isInteger(n);
    if (bad || n < 0 || (classes !== undefined ? n >= classes.length : n > MAX_UNLISTED_LABEL)) {
      throw new DataError(file, field, `label ${String(v)} at index ${i} is outside the class list: ${range}`);
    }
    out[i] = n;
  }
  return out;
}

function maxOf(values: Float64Array): number {
  let max = -1;
  for (const v of values) if (v > max) max = v;
  return max;
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
