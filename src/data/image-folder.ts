/**
 * Image folders as labelled sets (Node), as Keras's `image_dataset_from_directory` and
 * torchvision's `ImageFolder` read them: `DIR/<class>/<images>` is one set, its sorted folder
 * names the class names and a folder's index its label; `DIR/train/<class>/*` beside
 * `DIR/test/<class>/*` is a training and a test set of the same classes.
 *
 * - The folder walk is ./image-folder-list.ts (paths only), the cache ./image-folder-cache.ts.
 * - Images are the files named .jpg .jpeg .png .webp .gif .tif .tiff .avif (any case, at any
 *   depth inside a class folder, as both peers walk them); hidden files (`.*`, `__MACOSX`) are
 *   skipped, other files and looping links passed over and counted in a note. A file named as
 *   an image that does not decode stops the load with a DataError naming it, as both peers
 *   fail on it (a set that silently lost images would train on other data than the folder
 *   shows); `skipBadImages` leaves such files out and says which.
 * - Each image is decoded as `readImageForModel` decodes a photo to predict (EXIF orientation,
 *   alpha composited on white, sRGB or grayscale) and resized to a square: `fill` (stretch, the
 *   default, as Keras's default and `tsgrad predict`'s), `cover` (crop the centre) or `contain`
 *   (pad with white). GIF gives its first frame, TIFF its first page. Images of other sizes,
 *   when no size was asked for, are noted with how to choose one.
 * - Decoded pixels go straight into the set's one buffer, so memory is the decoded set, not the
 *   files: 4 images are in flight at a time whatever the folder's size.
 */
import { resolve } from 'node:path';
import { ArgumentError, DataError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { FOLDER_IMAGE_FORMATS, readImageForModel, type ResizeFit } from './image.js';
import { fromCache, imageCacheDir, pool, toCache, type Job, type Resolved, type SizeSummary } from './image-folder-cache.js';
import { listCsv } from './csv-images.js';
import { listFolder, listPair, type Listing } from './image-folder-list.js';

export { CACHE_ENV, imageCacheDir } from './image-folder-cache.js';
export { IMAGE_EXTENSIONS, isImageFolder } from './image-folder-list.js';
export { isImageCsv } from './csv-images.js';

/** The side of the square images when none is asked for. */
export const DEFAULT_IMAGE_SIZE = 64;
/** Images decoded at once: sharp runs each on libuv's pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise. */
const CONCURRENCY = 4;

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
  /** Skip the images that do not decode (noted, with how many) instead of stopping at the first. */
  skipBadImages?: boolean;
  /** A warning line to show the user (a cache that cannot be written). */
  warn?: (line: string) => void;
  /** A note line to show the user: files passed over, images skipped or resized, the cache read or written. */
  note?: (line: string) => void;
}

/** One set read from a folder; `decoded` counts the images decoded by this load (0 when the cache held them). */
export interface ImageSet extends Dataset {
  readonly decoded: number;
  /** Images that did not decode and were left out (--skip-bad-images). */
  readonly skipped: number;
}

/** What decoding one listing gives: its pixels (bad images left out when skipping), the files skipped and the stored sizes. */
async function decodeListing(l: Listing, o: Resolved, opts: ImageFolderOptions, tick: () => void): Promise<{ pixels: Uint8Array; skipped: string[]; sizes: SizeSummary }> {
  const per = o.size * o.size * o.channels;
  const pixels = new Uint8Array(l.files.length * per);
  const bad = new Set<number>();
  const sizes = new Map<string, number>();
  await pool(l.files.length, CONCURRENCY, async (i) => {
    const file = l.files[i] ?? '';
    try {
      const img = await readImageForModel(file, { width: o.size, height: o.size, fit: o.fit, channels: o.channels, formats: FOLDER_IMAGE_FORMATS, ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}) });
      pixels.set(img.pixels, i * per);
      // Orientations 5-8 turn the image a quarter: its upright size swaps width and height.
      const [w, h] = img.orientation >= 5 ? [img.originalHeight, img.originalWidth] : [img.originalWidth, img.originalHeight];
      sizes.set(`${w}x${h}`, (sizes.get(`${w}x${h}`) ?? 0) + 1);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      if (!o.skipBad) throw new DataError(e.file, undefined, `${e.message.slice(e.file.length + 2)}; --skip-bad-images skips such files`);
      bad.add(i);
    }
    tick();
  });
  // The commonest first; a thousand are plenty to count and name them in a note.
  const examples = [...sizes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 1000).map(([s]) => s);
  const summary = { distinct: sizes.size, examples };
  if (bad.size === 0) return { pixels, skipped: [], sizes: summary };
  const kept = new Uint8Array((l.files.length - bad.size) * per);
  let k = 0;
  for (let i = 0; i < l.files.length; i++) if (!bad.has(i)) kept.set(pixels.subarray(i * per, (i + 1) * per), k++ * per);
  const skipped = [...bad].map((i) => l.files[i] ?? '').sort();
  return { pixels: kept, skipped, sizes: summary };
}

/** The listing without the skipped files; a class left without images is a DataError naming its folder. */
function withoutSkipped(l: Listing, skipped: readonly string[]): Listing {
  if (skipped.length === 0) return l;
  const gone = new Set(skipped);
  const files: string[] = [];
  const labels: number[] = [];
  l.files.forEach((f, i) => {
    if (gone.has(f)) return;
    files.push(f);
    labels.push(l.labels[i] ?? 0);
  });
  l.classes.forEach((c, label) => {
    if (!labels.includes(label)) throw new DataError(resolve(l.dir, c), undefined, `no image of this class folder decodes (${skipped.length} skipped by --skip-bad-images): every class needs at least one`);
  });
  return { ...l, files, labels };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The user's notes on a load: files passed over, images skipped, sizes resized without --image-size, the cache. */
function notes(jobs: readonly Job[], o: Resolved, opts: ImageFolderOptions, label: string, seconds: number, cacheDir: string | false): string[] {
  const out: string[] = [];
  const notImages = jobs.reduce((n, j) => n + j.listing.passed.notImages, 0);
  const badLinks = jobs.reduce((n, j) => n + j.listing.passed.badLinks, 0);
  const folderLinks = jobs.reduce((n, j) => n + j.listing.passed.folderLinks, 0);
  const examples = jobs.flatMap((j) => j.listing.passed.examples).slice(0, 3);
  if (notImages + badLinks + folderLinks > 0) {
    const what = [
      notImages > 0 ? `${plural(notImages, 'file')} not named as images` : '',
      badLinks > 0 ? `${plural(badLinks, 'link')} that ${badLinks === 1 ? 'loops or leads' : 'loop or lead'} nowhere` : '',
      folderLinks > 0 ? `${plural(folderLinks, 'link')} to folders (not followed)` : '',
    ].filter((s) => s !== '').join(', ');
    out.push(`${label}: passed over ${what} (${examples.join(', ')}${notImages + badLinks + folderLinks > examples.length ? ', ...' : ''})`);
  }
  const skipped = jobs.flatMap((j) => j.skipped ?? []);
  if (skipped.length > 0) out.push(`${label}: skipped ${plural(skipped.length, 'image')} that ${skipped.length === 1 ? 'does' : 'do'} not decode (--skip-bad-images): ${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', ...' : ''}`);
  if (opts.size === undefined) {
    const sizes = new Set(jobs.flatMap((j) => j.sizes?.examples ?? []));
    const distinct = Math.max(sizes.size, ...jobs.map((j) => j.sizes?.distinct ?? 0));
    const many = distinct > sizes.size ? 'more than ' : '';
    const target = `${o.size}x${o.size}`;
    if (distinct > 1) out.push(`${label}: the images come in ${many}${sizes.size} sizes (${[...sizes].slice(0, 3).join(', ')}${distinct > 3 ? ', ...' : ''}): each is resized to ${target} (--resize ${o.fit}); choose the size with --image-size N`);
    else if (distinct === 1 && !sizes.has(target)) out.push(`${label}: the images are ${[...sizes][0] ?? '?'}: resized to ${target}; --image-size N chooses the size`);
  }
  const decoded = jobs.reduce((n, j) => n + j.decoded, 0);
  const counts = jobs.map((j) => j.listing.files.length - (j.skipped?.length ?? 0)).join(' + ');
  if (decoded === 0 && cacheDir !== false) out.push(`read ${counts} images of ${label} from the cache in ${seconds.toFixed(2)} s (${cacheDir}; --no-cache decodes them again)`);
  else if (decoded > 0) out.push(`decoded ${counts} images of ${label} in ${seconds.toFixed(1)} s${cacheDir !== false ? `; cached in ${cacheDir} for the next run` : ''}`);
  return out;
}

/** Loads listings: each from its cache when that holds it, the others decoded with one progress report, then cached. */
async function loadListings(listings: Listing[], opts: ImageFolderOptions, label: string): Promise<ImageSet[]> {
  const started = performance.now();
  const o: Resolved = { size: opts.size ?? DEFAULT_IMAGE_SIZE, fit: opts.fit ?? 'fill', channels: opts.channels ?? 3, skipBad: opts.skipBadImages === true };
  if (!Number.isSafeInteger(o.size) || o.size < 1) throw new ArgumentError('loadImageFolder', 'size', `must be a positive integer, got ${o.size}`);
  const cacheDir = opts.cacheDir ?? imageCacheDir();
  const jobs: Job[] = listings.map((listing) => ({ listing, decoded: 0 }));
  for (const job of jobs) await fromCache(job, o, cacheDir);
  const todo = jobs.filter((j) => j.pixels === undefined);
  const total = todo.reduce((n, j) => n + j.listing.files.length, 0);
  const bar = total > 0 ? opts.progress?.(total) : undefined;
  let done = 0;
  try {
    for (const job of todo) {
      const found = await decodeListing(job.listing, o, opts, () => bar?.update(++done, total));
      Object.assign(job, found, { decoded: job.listing.files.length - found.skipped.length });
      withoutSkipped(job.listing, found.skipped);
      await toCache(job, o, opts.warn);
    }
  } finally {
    bar?.stop();
  }
  const sets = jobs.map((job) => {
    const l = withoutSkipped(job.listing, job.skipped ?? []);
    const m = l.files.length;
    return {
      file: l.dir,
      x: new Tensor(job.pixels ?? new Uint8Array(0), [m, o.size, o.size, o.channels], 'uint8'),
      labels: new Tensor(Float64Array.from(l.labels), [m], 'float64'),
      classes: l.classes,
      decoded: job.decoded,
      skipped: job.skipped?.length ?? 0,
    };
  });
  for (const line of notes(jobs, o, opts, label, (performance.now() - started) / 1000, cacheDir)) opts.note?.(line);
  return sets;
}
/**
 * The sets of an image folder: `DIR/<class>/*` as `train` alone (the caller says what to test
 * on), or `DIR/train/<class>/*` and `DIR/test/<class>/*` as `train` and `test`; images (m, size,
 * size, channels) uint8, labels the class folders' indices.
 * @example const { train } = await loadImageFolder('photos', { size: 32 }); train.classes // ['cat', 'dog']
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<{ train: ImageSet; test?: ImageSet }> {
  const sets = listFolder(resolve(dir));
  const [train, test] = await loadListings(sets.test !== undefined ? [sets.train, sets.test] : [sets.train], opts, resolve(dir));
  if (train === undefined) throw new DataError(dir, undefined, 'no training set read');
  return test !== undefined ? { train, test } : { train };
}

/**
 * Two class folders given apart (`--train DIR --test DIR`), of the same classes.
 * @example const { train, test } = await loadImageFolderPair('photos/train', 'photos/test');
 */
export async function loadImageFolderPair(trainDir: string, testDir: string, opts: ImageFolderOptions = {}): Promise<{ train: ImageSet; test: ImageSet }> {
  const sets = listPair(resolve(trainDir), resolve(testDir));
  const [train, test] = await loadListings([sets.train, sets.test], opts, `${resolve(trainDir)} and ${resolve(testDir)}`);
  if (train === undefined || test === undefined) throw new DataError(trainDir, undefined, 'no sets read');
  return { train, test };
}

/**
 * The images a CSV of file,label rows names (see ./csv-images.ts), with a test CSV of the same
 * labels when given; decoded, skipped, noted and cached as a folder's are.
 * @example const { train } = await loadImageCsv('photos/labels.csv', undefined, { size: 32 }); train.classes // ['cat', 'dog']
 */
export async function loadImageCsv(trainCsv: string, testCsv?: string, opts: ImageFolderOptions = {}): Promise<{ train: ImageSet; test?: ImageSet }> {
  const sets = listCsv(trainCsv, testCsv);
  const label = testCsv !== undefined ? `${resolve(trainCsv)} and ${resolve(testCsv)}` : resolve(trainCsv);
  const [train, test] = await loadListings(sets.test !== undefined ? [sets.train, sets.test] : [sets.train], opts, label);
  if (train === undefined) throw new DataError(trainCsv, undefined, 'no training set read');
  return test !== undefined ? { train, test } : { train };
}
