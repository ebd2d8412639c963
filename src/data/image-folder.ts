/**
 * Image folders as labelled sets (Node), as Keras's `image_dataset_from_directory` and
 * torchvision's `ImageFolder` read them: `DIR/<class>/<images>` is one set, its sorted folder
 * names the class names and a folder's index its label; `DIR/train/<class>/*` beside
 * `DIR/test/<class>/*` is a training and a test set of the same classes.
 *
 * - Images are the files named .jpg .jpeg .png .webp .gif .tif .tiff .avif (any case, at any
 *   depth inside a class folder, as both peers walk them); other files and hidden ones (`.*`,
 *   `__MACOSX`) are skipped, as Keras skips files of other extensions. A file named as an image
 *   that does not decode (also .bmp and .heic, which sharp does not read here) stops the load
 *   with a DataError naming it, as both peers fail on it: a set that silently lost images would
 *   train on other data than the folder shows.
 * - Each image is decoded as `readImageForModel` decodes a photo to predict (EXIF orientation,
 *   alpha composited on white, sRGB or grayscale) and resized to a square: `fill` (stretch, the
 *   default, as Keras's default and `tsgrad predict`'s), `cover` (crop the centre) or `contain`
 *   (pad with white). GIF gives its first frame, TIFF its first page.
 * - Samples come in a fixed shuffled order (seed 1, as Keras shuffles by default), so
 *   `--test-last N` draws from every class rather than the last one.
 * - The decoded set is cached (see `imageCacheDir`) under a name from the folder and the
 *   options, holding a key over every image's path, size and modification time and the
 *   decoder's version: an unchanged folder loads without decoding, a changed one is decoded
 *   again and its cache replaced. A cache file that is unreadable, corrupt or stale is ignored
 *   and rewritten; failing to write one is a warning, never an error.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ArgumentError, DataError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import type { Dataset } from './dataset.js';
import { DECODER, FOLDER_IMAGE_FORMATS, readImageForModel, type ResizeFit } from './image.js';

/** File name endings taken as images (lower case). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif', '.bmp'] as const;
/** The side of the square images when none is asked for. */
export const DEFAULT_IMAGE_SIZE = 64;
/** The cache folder's environment variable. */
export const CACHE_ENV = 'TSGRAD_CACHE_DIR';
/** Images decoded at once: sharp runs each on libuv's pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise. */
const CONCURRENCY = 4;
const CACHE_MAGIC = 'TSGRADIF';
const CACHE_VERSION = 1;
const SHUFFLE_SEED = 1;

/** Told how decoding goes (the CLI draws a bar). @example { update: (done) => log(done), stop: () => undefined } */
export interface DecodeProgress {
  update(done: number, total: number): void;
  stop(): void;
}

/** How the images become pixels, and where the decoded set is cached. @example const o: ImageFolderOptions = { size: 32, channels: 1, cacheDir: false }; */
export interface ImageFolderOptions {
  /** Width and height of every image after resizing (default 64). */
  size?: number;
  /** How an image of another aspect ratio becomes square: fill (default), cover or contain. */
  fit?: ResizeFit;
  /** 3 (RGB, the default) or 1 (grayscale). */
  channels?: 1 | 3;
  /** The cache folder, or false to neither read nor write a cache (default `imageCacheDir()`). */
  cacheDir?: string | false;
  /** Refuse images above this many pixels (`readImageForModel`'s default otherwise). */
  maxPixels?: number;
  /** Called once with the number of images to decode, when any must be: what it returns hears of each one. */
  progress?: (total: number) => DecodeProgress | undefined;
  /** A line to show the user (a cache that cannot be written). */
  warn?: (line: string) => void;
}

/** One set read from a folder; `decoded` counts the images decoded by this load (0 when the cache held them). */
export interface ImageSet extends Dataset {
  readonly decoded: number;
}

/** One set's images as found: the class names and, per image, its path and label, in the order the samples take. */
interface Listing {
  dir: string;
  classes: string[];
  files: string[];
  labels: number[];
}

const skipped = (name: string): boolean => name.startsWith('.') || name === '__MACOSX';
const isImageName = (name: string): boolean => (IMAGE_EXTENSIONS as readonly string[]).includes(name.slice(name.lastIndexOf('.')).toLowerCase());

/** Folders and files of `dir`, not hidden, sorted; links followed to what they name. */
function entries(dir: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (skipped(e.name)) continue;
    const kind = e.isSymbolicLink() ? statSync(join(dir, e.name), { throwIfNoEntry: false }) : e;
    if (kind?.isDirectory()) dirs.push(e.name);
    else if (kind?.isFile()) files.push(e.name);
  }
  return { dirs: dirs.sort(), files: files.sort() };
}

/** The images under a class folder, at any depth, sorted by path (links to folders are not walked: no cycles). */
function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (skipped(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if ((e.isFile() || (e.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile() === true)) && isImageName(e.name)) out.push(p);
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

const list = (names: readonly string[]): string => (names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length})` : names.join(', '));
const LAYOUT = 'expected one folder per class holding its images (DIR/cat/*.jpg, DIR/dog/*.jpg), or train/ and test/ each holding the same class folders';

/** The class folders of `dir` and their images, or a DataError saying what is missing. */
function listClasses(dir: string): Listing {
  const { dirs, files } = entries(dir);
  const loose = files.filter(isImageName).length;
  if (dirs.length === 0) throw new DataError(dir, undefined, `no class subfolders${loose > 0 ? ` (it holds ${loose} images directly)` : ''}: ${LAYOUT}`);
  if (dirs.length === 1) throw new DataError(dir, undefined, `one class folder (${dirs[0]}): a classifier needs at least two, ${LAYOUT}`);
  const paths: string[] = [];
  const labels: number[] = [];
  dirs.forEach((name, label) => {
    const found = imagesUnder(join(dir, name));
    if (found.length === 0) throw new DataError(join(dir, name), undefined, `no images in this class folder (files named .jpg, .jpeg, .png, .webp, .gif, .tif, .tiff or .avif): every class needs at least one`);
    for (const f of found) {
      paths.push(f);
      labels.push(label);
    }
  });
  // Keras shuffles by default; a fixed seed keeps every run, and the cache, in one order.
  const order = new RandomState(SHUFFLE_SEED).permutation(paths.length);
  return { dir, classes: dirs, files: Array.from(order, (i) => paths[i] ?? ''), labels: Array.from(order, (i) => labels[i] ?? 0) };
}

/** The sets of a folder: DIR/<class>/* or DIR/train/<class>/* with DIR/test/<class>/*. */
function listFolder(dir: string): { train: Listing; test?: Listing } {
  const { dirs } = entries(dir);
  if (dirs.includes('train') && dirs.includes('test')) {
    const others = dirs.filter((d) => d !== 'train' && d !== 'test');
    if (others.length > 0) throw new DataError(dir, undefined, `holds train/ and test/ and also ${list(others.map((d) => `${d}/`))}: ${LAYOUT}`);
    return pairOf(join(dir, 'train'), join(dir, 'test'));
  }
  return { train: listClasses(dir) };
}

function pairOf(trainDir: string, testDir: string): { train: Listing; test: Listing } {
  const train = listClasses(trainDir);
  const test = listClasses(testDir);
  if (train.classes.join('/') !== test.classes.join('/')) {
    throw new DataError(testDir, undefined, `the test classes (${list(test.classes)}) are not the training classes (${list(train.classes)} in ${trainDir}): both need the same class folders`);
  }
  return { train, test };
}

/**
 * The cache folder: `$TSGRAD_CACHE_DIR`, else `$XDG_CACHE_HOME/tsgrad`, else `~/.cache/tsgrad`.
 * @example imageCacheDir({ XDG_CACHE_HOME: '/tmp/c' }) // '/tmp/c/tsgrad'
 */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env[CACHE_ENV];
  if (own !== undefined && own !== '') return resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? resolve(xdg) : join(homedir(), '.cache'), 'tsgrad');
}

interface Resolved {
  size: number;
  fit: ResizeFit;
  channels: 1 | 3;
}

const sha256 = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** Runs `work(0..n-1)`, `limit` at a time; the first failure stops the rest from starting. */
async function pool(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await work(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** Where a listing's cache lives (one file per folder and options, so a changed folder replaces its own) and the key its contents must carry. */
async function cacheKey(l: Listing, o: Resolved): Promise<{ name: string; key: string }> {
  const stats = new Array<string>(l.files.length);
  await pool(l.files.length, 32, async (i) => {
    const f = l.files[i] ?? '';
    const s = await stat(f, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
      throw new DataError(f, undefined, `cannot read (${e.code ?? e.message})`);
    });
    stats[i] = `${relative(l.dir, f)}\u0000${s.size}\u0000${s.mtimeNs}\u0000${l.labels[i]}`;
  });
  const name = sha256(JSON.stringify([CACHE_VERSION, resolve(l.dir), o.size, o.fit, o.channels])).slice(0, 32);
  const key = sha256(JSON.stringify([CACHE_VERSION, DECODER, o, l.classes, stats]));
  return { name: `${name}.bin`, key };
}

interface CacheHeader {
  key: string;
  count: number;
  size: number;
  channels: number;
  digest: string;
}

/** The cache file's bytes: magic, version, header length (uint32 LE), the JSON header, the pixels. */
function encodeCache(h: CacheHeader, pixels: Uint8Array): Uint8Array {
  const header = Buffer.from(JSON.stringify(h));
  const head = Buffer.alloc(16);
  head.write(CACHE_MAGIC, 0, 'latin1');
  head.writeUInt32LE(CACHE_VERSION, 8);
  head.writeUInt32LE(header.length, 12);
  return Buffer.concat([head, header, pixels]);
}

/** The pixels of a cache file that matches `want` in every field and in its digest; undefined for anything else. */
function decodeCache(bytes: Buffer, want: Omit<CacheHeader, 'digest'>): Uint8Array | undefined {
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== CACHE_MAGIC || bytes.readUInt32LE(8) !== CACHE_VERSION) return undefined;
  const length = bytes.readUInt32LE(12);
  if (16 + length > bytes.length) return undefined;
  let h: Partial<CacheHeader>;
  try {
    h = JSON.parse(bytes.toString('utf8', 16, 16 + length)) as Partial<CacheHeader>;
  } catch {
    return undefined;
  }
  const pixels = bytes.subarray(16 + length);
  if (h.key !== want.key || h.count !== want.count || h.size !== want.size || h.channels !== want.channels) return undefined;
  if (pixels.length !== want.count * want.size * want.size * want.channels || h.digest !== sha256(pixels)) return undefined;
  return Uint8Array.from(pixels);
}

/** One listing to load: its cache, and its pixels once known. */
interface Job {
  listing: Listing;
  cacheFile?: string;
  key?: string;
  pixels?: Uint8Array;
  decoded: number;
}

async function fromCache(job: Job, o: Resolved, cacheDir: string | false): Promise<void> {
  if (cacheDir === false) return;
  const { name, key } = await cacheKey(job.listing, o);
  job.cacheFile = join(cacheDir, 'image-folders', name);
  job.key = key;
  const bytes = await readFile(job.cacheFile).catch(() => undefined);
  const pixels = bytes === undefined ? undefined : decodeCache(bytes, { key, count: job.listing.files.length, size: o.size, channels: o.channels });
  if (pixels !== undefined) job.pixels = pixels;
}

async function toCache(job: Job, o: Resolved, pixels: Uint8Array, warn: ((line: string) => void) | undefined): Promise<void> {
  if (job.cacheFile === undefined || job.key === undefined) return;
  const header: CacheHeader = { key: job.key, count: job.listing.files.length, size: o.size, channels: o.channels, digest: sha256(pixels) };
  try {
    // writeFileAtomic makes the cache folder level by level (recursive mkdir spins under /proc).
    await writeFileAtomic(job.cacheFile, encodeCache(header, pixels));
  } catch (e) {
    warn?.(`cannot cache the decoded images of ${job.listing.dir} in ${job.cacheFile} (${(e as Error).message.split('\n')[0] ?? ''}); the next run decodes them again (--no-cache skips the cache)`);
  }
}

/** Loads listings: each from its cache when that holds it, the others decoded with one progress report, then cached. */
async function loadListings(listings: Listing[], opts: ImageFolderOptions): Promise<ImageSet[]> {
  const o: Resolved = { size: opts.size ?? DEFAULT_IMAGE_SIZE, fit: opts.fit ?? 'fill', channels: opts.channels ?? 3 };
  if (!Number.isSafeInteger(o.size) || o.size < 1) throw new ArgumentError('loadImageFolder', 'size', `must be a positive integer, got ${o.size}`);
  const cacheDir = opts.cacheDir ?? imageCacheDir();
  const jobs: Job[] = listings.map((listing) => ({ listing, decoded: 0 }));
  for (const job of jobs) await fromCache(job, o, cacheDir);
  const todo = jobs.filter((j) => j.pixels === undefined);
  const total = todo.reduce((n, j) => n + j.listing.files.length, 0);
  const bar = total > 0 ? opts.progress?.(total) : undefined;
  const per = o.size * o.size * o.channels;
  let done = 0;
  try {
    for (const job of todo) {
      const { files } = job.listing;
      const pixels = new Uint8Array(files.length * per);
      await pool(files.length, CONCURRENCY, async (i) => {
        const file = files[i] ?? '';
        const img = await readImageForModel(file, { width: o.size, height: o.size, fit: o.fit, channels: o.channels, formats: FOLDER_IMAGE_FORMATS, ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}) });
        pixels.set(img.pixels, i * per);
        bar?.update(++done, total);
      });
      job.pixels = pixels;
      job.decoded = files.length;
      await toCache(job, o, pixels, opts.warn);
    }
  } finally {
    bar?.stop();
  }
  return jobs.map(({ listing: l, pixels, decoded }) => {
    const m = l.files.length;
    return {
      file: l.dir,
      x: new Tensor(pixels ?? new Uint8Array(0), [m, o.size, o.size, o.channels], 'uint8'),
      labels: new Tensor(Float64Array.from(l.labels), [m], 'float64'),
      classes: l.classes,
      decoded,
    };
  });
}

/**
 * The sets of an image folder: `DIR/<class>/*` as `train` alone (the caller says what to test
 * on), or `DIR/train/<class>/*` and `DIR/test/<class>/*` as `train` and `test`; images (m, size,
 * size, channels) uint8, labels the class folders' indices.
 * @example const { train } = await loadImageFolder('photos', { size: 32 }); train.classes // ['cat', 'dog']
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<{ train: ImageSet; test?: ImageSet }> {
  const sets = listFolder(resolve(dir));
  const [train, test] = await loadListings(sets.test !== undefined ? [sets.train, sets.test] : [sets.train], opts);
  if (train === undefined) throw new DataError(dir, undefined, 'no training set read');
  return test !== undefined ? { train, test } : { train };
}

/**
 * Two class folders given apart (`--train DIR --test DIR`), of the same classes.
 * @example const { train, test } = await loadImageFolderPair('photos/train', 'photos/test');
 */
export async function loadImageFolderPair(trainDir: string, testDir: string, opts: ImageFolderOptions = {}): Promise<{ train: ImageSet; test: ImageSet }> {
  const sets = pairOf(resolve(trainDir), resolve(testDir));
  const [train, test] = await loadListings([sets.train, sets.test], opts);
  if (train === undefined || test === undefined) throw new DataError(trainDir, undefined, 'no sets read');
  return { train, test };
}
