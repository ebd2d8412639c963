/**
 * Finding an image folder's images (Node): the class folders, the image files under each (at
 * any depth, sorted), what was passed over, and the samples' fixed shuffled order. Only paths
 * are held here, never file contents, so a folder of 100,000 files costs its path strings.
 *
 * - Images are the files named .jpg .jpeg .png .webp .gif .tif .tiff .avif (and .heic, .bmp,
 *   which then fail to decode by name); hidden files and folders (`.*`, `__MACOSX`) are skipped
 *   silently, other files are passed over and counted (the caller says how many).
 * - Links to files are followed; links to folders inside a class folder are not walked (no
 *   cycles) but counted, a link that loops or leads nowhere is passed over and counted, and a
 *   class folder linking back to the folder (or above) is refused: nothing is followed forever.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { DataError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';

/** File name endings taken as images (lower case). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif', '.bmp'] as const;
const SHUFFLE_SEED = 1;

/** What a walk passed over: files not named as images, and links that loop or lead nowhere (a few paths of each, for the note). */
export interface PassedOver {
  notImages: number;
  badLinks: number;
  /** Links to folders inside a class folder: not walked, so a link cannot make a cycle. */
  folderLinks: number;
  examples: string[];
}

/** One set's images as found: the class names and, per image, its path and label, in the order the samples take. @example const l: Listing = { dir: 'p', classes: ['a', 'b'], files: ['p/a/1.png', 'p/b/2.png'], labels: [0, 1], passed: { notImages: 0, badLinks: 0, folderLinks: 0, examples: [] } }; */
export interface Listing {
  dir: string;
  classes: string[];
  files: string[];
  labels: number[];
  passed: PassedOver;
}

const hidden = (name: string): boolean => name.startsWith('.') || name === '__MACOSX';
const isImageName = (name: string): boolean => (IMAGE_EXTENSIONS as readonly string[]).includes(name.slice(name.lastIndexOf('.')).toLowerCase());
const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** What a link leads to; undefined when it loops (ELOOP) or leads nowhere. */
function target(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Folders and files of `dir`, not hidden, sorted; links followed to what they name. */
function entries(dir: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (hidden(e.name)) continue;
    const kind = e.isSymbolicLink() ? target(join(dir, e.name)) : e;
    if (kind?.isDirectory()) dirs.push(e.name);
    else if (kind?.isFile()) files.push(e.name);
  }
  return { dirs: dirs.sort(), files: files.sort() };
}

function note(passed: PassedOver, p: string): void {
  if (passed.examples.length < 3) passed.examples.push(p);
}

/** The images under a class folder, at any depth, sorted by path; what is not an image is counted in `passed`. */
function imagesUnder(dir: string, passed: PassedOver): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort(byName)) {
      if (hidden(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      const kind = e.isSymbolicLink() ? target(p) : e;
      if (kind === undefined) {
        passed.badLinks++;
        note(passed, p);
      } else if (kind.isDirectory()) {
        passed.folderLinks++;
        note(passed, p);
      } else if (kind.isFile()) {
        if (isImageName(e.name)) out.push(p);
        else {
          passed.notImages++;
          note(passed, p);
        }
      }
    }
  };
  walk(dir);
  return out;
}

/** Whether any folder below `dir`, to `depth` levels, holds an image file directly. */
function holdsImages(dir: string, depth: number): boolean {
  const { dirs, files } = entries(dir);
  return files.some(isImageName) || (depth > 0 && dirs.some((d) => holdsImages(join(dir, d), depth - 1)));
}

/**
 * Whether `dir` looks like an image folder: image files in its subfolders (or directly in it,
 * which `loadImageFolder` then refuses with the layout it expects).
 * @example isImageFolder('photos') // true for photos/cat/1.jpg
 */
export function isImageFolder(dir: string): boolean {
  try {
    const { dirs, files } = entries(dir);
    return files.some(isImageName) || dirs.some((d) => holdsImages(join(dir, d), 2));
  } catch {
    return false;
  }
}

/** Names for a message: the first 12 and the count. @example list(['a', 'b']) // 'a, b' */
export const list = (names: readonly string[]): string => (names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length})` : names.join(', '));
export const LAYOUT = 'expected one folder per class holding its images (DIR/cat/*.jpg, DIR/dog/*.jpg), or train/ and test/ each holding the same class folders';
export const IMAGE_NAMES = 'files named .jpg, .jpeg, .png, .webp, .gif, .tif, .tiff or .avif';

/**
 * Paths and labels in the fixed shuffled order every run (and the cache) takes: Keras
 * shuffles by default, and `--test-last N` then draws from every class.
 * @example shuffled(['a', 'b'], [0, 1]) // the same permutation of both, seed 1
 */
export function shuffled(paths: readonly string[], labels: readonly number[]): { files: string[]; labels: number[] } {
  const order = new RandomState(SHUFFLE_SEED).permutation(paths.length);
  return { files: Array.from(order, (i) => paths[i] ?? ''), labels: Array.from(order, (i) => labels[i] ?? 0) };
}

/** The class folders of `dir` and their images, or a DataError saying what is missing. */
function listClasses(dir: string): Listing {
  const { dirs, files } = entries(dir);
  const loose = files.filter(isImageName).length;
  if (dirs.length === 0) throw new DataError(dir, undefined, `no class subfolders${loose > 0 ? ` (it holds ${loose} images directly)` : ''}: ${LAYOUT}`);
  if (dirs.length === 1) throw new DataError(dir, undefined, `one class folder (${dirs[0]}): a classifier needs at least two, ${LAYOUT}`);
  const paths: string[] = [];
  const labels: number[] = [];
  const passed: PassedOver = { notImages: 0, badLinks: 0, folderLinks: 0, examples: [] };
  const root = realpathSync(dir);
  dirs.forEach((name, label) => {
    // A class folder that is a link to the folder itself or above it would hold every class.
    const real = realpathSync(join(dir, name));
    if (root === real || root.startsWith(`${real}${sep}`)) throw new DataError(join(dir, name), undefined, `is a link to ${real}, which holds ${dir}: a loop, not a class folder`);
    const found = imagesUnder(join(dir, name), passed);
    if (found.length === 0) throw new DataError(join(dir, name), undefined, `no images in this class folder (${IMAGE_NAMES}): every class needs at least one`);
    for (const f of found) {
      paths.push(f);
      labels.push(label);
    }
  });
  return { dir, classes: dirs, ...shuffled(paths, labels), passed };
}

/**
 * The sets of a folder: DIR/<class>/* or DIR/train/<class>/* with DIR/test/<class>/*.
 * @example listFolder('photos').train.classes // ['cat', 'dog']
 */
export function listFolder(dir: string): { train: Listing; test?: Listing } {
  const { dirs } = entries(dir);
  if (dirs.includes('train') && dirs.includes('test')) {
    const others = dirs.filter((d) => d !== 'train' && d !== 'test');
    if (others.length > 0) throw new DataError(dir, undefined, `holds train/ and test/ and also ${list(others.map((d) => `${d}/`))}: ${LAYOUT}`);
    return listPair(join(dir, 'train'), join(dir, 'test'));
  }
  return { train: listClasses(dir) };
}

/**
 * Two class folders of the same classes, as a training and a test set.
 * @example listPair('photos/train', 'photos/test').test.classes // ['cat', 'dog']
 */
export function listPair(trainDir: string, testDir: string): { train: Listing; test: Listing } {
  const train = listClasses(trainDir);
  const test = listClasses(testDir);
  if (train.classes.join('/') !== test.classes.join('/')) {
    throw new DataError(testDir, undefined, `the test classes (${list(test.classes)}) are not the training classes (${list(train.classes)} in ${trainDir}): both need the same class folders`);
  }
  return { train, test };
}
