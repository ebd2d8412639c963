/**
 * Image folders: tiny folders of PNG, JPEG, WebP, GIF, TIFF and AVIF files made with sharp in
 * a temp dir, read as labelled sets (shapes, labels, class names, pixels after resizing, alpha
 * on white, EXIF orientation, grayscale), the cache (a hit decodes nothing, a changed folder
 * or corrupt file is decoded again), and every layout problem as one DataError naming it.
 */
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunData } from '../../src/app/data.js';
import { ArgumentError } from '../../src/core/errors.js';
import { imageCacheDir, isImageFolder, loadImageFolder, loadImageFolderPair, type ImageFolderOptions, type ImageSet } from '../../src/data/image-folder.js';
import { dataError, DATASETS, removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

type Rgb = readonly [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];

/** A w x h image of one colour, written in the format its name ends with. */
async function solid(file: string, w: number, h: number, rgb: Rgb): Promise<string> {
  await mkdir(join(file, '..'), { recursive: true });
  const [r, g, b] = rgb;
  const img = sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } });
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const out = ext === 'jpg' ? img.jpeg({ quality: 95 }) : ext === 'webp' ? img.webp({ lossless: true }) : ext === 'gif' ? img.gif() : ext === 'tif' ? img.tiff() : ext === 'avif' ? img.avif({ lossless: true }) : img.png();
  await out.toFile(file);
  return file;
}

/** A w x h image whose left half is red and right half blue, stored with EXIF orientation 6 (rotate 90° clockwise to view). */
async function rotated(file: string, w: number, h: number): Promise<void> {
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set(x < w / 2 ? RED : BLUE, (y * w + x) * 3);
  await sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file);
}

/** The pixel (row, col) of sample i. */
function pixel(d: ImageSet, i: number, row: number, col: number): number[] {
  const [, h = 0, w = 0, c = 0] = d.x.shape;
  const v = d.x.contiguous().values();
  const at = ((i * h + row) * w + col) * c;
  return Array.from({ length: c }, (_, k) => Number(v[at + k]));
}

const labelsOf = (d: ImageSet): number[] => Array.from(d.labels.contiguous().values(), Number);
const near = (got: number[], want: readonly number[], tol: number): void => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, k) => expect(Math.abs(g - (want[k] ?? 0)), `${got} vs ${want}`).toBeLessThanOrEqual(tol));
};

/** photos/{blue,green,red}: 3 + 3 + 3 solid images of mixed formats and sizes, plus files to skip. */
async function photos(): Promise<string> {
  const dir = await tempDir();
  await solid(join(dir, 'red', 'a.png'), 20, 10, RED);
  await solid(join(dir, 'red', 'b.JPG'), 8, 8, RED);
  await solid(join(dir, 'red', 'c.webp'), 30, 30, RED);
  await solid(join(dir, 'green', 'a.gif'), 12, 12, GREEN);
  await solid(join(dir, 'green', 'b.tif'), 9, 17, GREEN);
  await solid(join(dir, 'green', 'deeper', 'c.png'), 5, 5, GREEN);
  await solid(join(dir, 'blue', 'a.png'), 16, 16, BLUE);
  await solid(join(dir, 'blue', 'b.avif'), 16, 16, BLUE);
  await solid(join(dir, 'blue', 'c.webp'), 3, 7, BLUE);
  // Skipped: hidden files (macOS's ._ twins hold no image), other extensions, files at the top.
  await writeFile(join(dir, 'red', '._a.png'), 'not an image');
  await writeFile(join(dir, 'green', '.DS_Store'), 'x');
  await writeFile(join(dir, 'blue', 'notes.txt'), 'taken on a sunny day');
  await writeFile(join(dir, 'README.md'), '# photos');
  await mkdir(join(dir, '.thumbnails'));
  await solid(join(dir, '.thumbnails', 'x.png'), 4, 4, RED);
  return dir;
}

const NO_CACHE: ImageFolderOptions = { cacheDir: false };

describe('loadImageFolder', () => {
  it('reads one subfolder per class: sorted names, labels, (m, size, size, 3) uint8, every format', async () => {
    const dir = await photos();
    const { train, test } = await loadImageFolder(dir, { ...NO_CACHE, size: 8 });
    expect(test).toBeUndefined();
    expect(train.file).toBe(dir);
    expect(train.classes).toEqual(['blue', 'green', 'red']);
    expect(train.x.shape).toEqual([9, 8, 8, 3]);
    expect(train.x.dtype).toBe('uint8');
    expect(train.labels.shape).toEqual([9]);
    const labels = labelsOf(train);
    expect([0, 1, 2].map((c) => labels.filter((l) => l === c).length)).toEqual([3, 3, 3]);
    // Each sample is its class's colour, after resizing (lossy JPEG within a few levels).
    const colours = [BLUE, GREEN, RED];
    for (let i = 0; i < 9; i++) for (const [r, c] of [[0, 0], [4, 3], [7, 7]] as const) near(pixel(train, i, r, c), colours[labels[i] ?? 0] ?? RED, 4);
    expect(train.decoded).toBe(9);
  });

  it('shuffles the samples in a fixed order, so the last ones hold more than one class', async () => {
    const dir = await photos();
    const a = labelsOf((await loadImageFolder(dir, { ...NO_CACHE, size: 4 })).train);
    const b = labelsOf((await loadImageFolder(dir, { ...NO_CACHE, size: 4 })).train);
    expect(a).toEqual(b);
    expect(a).not.toEqual([...a].sort());
    expect(new Set(a.slice(-4)).size).toBeGreaterThan(1);
  });

  it('gives a solid PNG exactly its colour at any size and fit', async () => {
    const dir = await tempDir();
    await solid(join(dir, 'a', 'wide.png'), 40, 20, [10, 200, 30]);
    await solid(join(dir, 'b', 'tall.png'), 20, 40, [250, 5, 128]);
    for (const fit of ['fill', 'cover'] as const) {
      const { train } = await loadImageFolder(dir, { ...NO_CACHE, size: 6, fit });
      const a = labelsOf(train).indexOf(0);
      const b = labelsOf(train).indexOf(1);
      for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) {
        expect(pixel(train, a, r, c)).toEqual([10, 200, 30]);
        expect(pixel(train, b, r, c)).toEqual([250, 5, 128]);
      }
    }
    // contain: the wide image scaled to 8x4, padded with white above and below.
    const { train } = await loadImageFolder(dir, { ...NO_CACHE, size: 8, fit: 'contain' });
    const a = labelsOf(train).indexOf(0);
    expect(pixel(train, a, 0, 4)).toEqual([255, 255, 255]);
    expect(pixel(train, a, 4, 4)).toEqual([10, 200, 30]);
    expect(pixel(train, a, 7, 4)).toEqual([255, 255, 255]);
  });

  it('composites RGBA on white, applies the EXIF orientation, and reads grayscale in 1 or 3 channels', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'alpha'));
    // Red at half opacity over white: (255, 127.5, 127.5).
    await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toFile(join(dir, 'alpha', 'half.png'));
    await mkdir(join(dir, 'clear'));
    await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(join(dir, 'clear', 'none.png'));
    await mkdir(join(dir, 'grey'));
    await sharp({ create: { width: 6, height: 9, channels: 3, background: { r: 100, g: 100, b: 100 } } }).toColourspace('b-w').png().toFile(join(dir, 'grey', 'g.png'));
    expect((await sharp(join(dir, 'grey', 'g.png')).metadata()).channels).toBe(1);
    await mkdir(join(dir, 'turned'));
    // Stored 40 wide x 20 high, left half red; viewed 20 wide x 40 high, top half red.
    await rotated(join(dir, 'turned', 'r.jpg'), 40, 20);

    const { train } = await loadImageFolder(dir, { ...NO_CACHE, size: 8 });
    expect(train.classes).toEqual(['alpha', 'clear', 'grey', 'turned']);
    const at = (label: number): number => labelsOf(train).indexOf(label);
    near(pixel(train, at(0), 4, 4), [255, 127.5, 127.5], 1);
    expect(pixel(train, at(1), 4, 4)).toEqual([255, 255, 255]);
    expect(pixel(train, at(2), 4, 4)).toEqual([100, 100, 100]);
    near(pixel(train, at(3), 1, 4), RED, 8);
    near(pixel(train, at(3), 6, 4), BLUE, 8);

    const grey = (await loadImageFolder(dir, { ...NO_CACHE, size: 8, channels: 1 })).train;
    expect(grey.x.shape).toEqual([4, 8, 8, 1]);
    expect(pixel(grey, labelsOf(grey).indexOf(2), 4, 4)).toEqual([100]);
    expect(pixel(grey, labelsOf(grey).indexOf(1), 4, 4)).toEqual([255]);
  });

  it('reads train/ and test/ of the same class folders as a training and a test set', async () => {
    const dir = await tempDir();
    for (const [set, n] of [['train', 3], ['test', 2]] as const) {
      for (let i = 0; i < n; i++) {
        await solid(join(dir, set, 'cat', `${i}.png`), 10, 10, RED);
        await solid(join(dir, set, 'dog', `${i}.jpg`), 12, 8, BLUE);
      }
    }
    const { train, test } = await loadImageFolder(dir, { ...NO_CACHE, size: 5 });
    expect(train.file).toBe(join(dir, 'train'));
    expect(test?.file).toBe(join(dir, 'test'));
    expect(train.x.shape).toEqual([6, 5, 5, 3]);
    expect(test?.x.shape).toEqual([4, 5, 5, 3]);
    expect(test?.classes).toEqual(['cat', 'dog']);
    const pair = await loadImageFolderPair(join(dir, 'train'), join(dir, 'test'), { ...NO_CACHE, size: 5 });
    expect(Buffer.from(pair.test.x.contiguous().values() as Uint8Array).equals(Buffer.from(test?.x.contiguous().values() as Uint8Array))).toBe(true);
  });
});

describe('the cache of decoded images', () => {
  const bytes = (d: ImageSet): Buffer => Buffer.from(d.x.contiguous().values() as Uint8Array);

  it('is one file in the cache folder; a second load decodes nothing and gives the same bytes and labels', async () => {
    const dir = await photos();
    const cacheDir = await tempDir();
    const first = (await loadImageFolder(dir, { cacheDir, size: 8 })).train;
    expect(first.decoded).toBe(9);
    const files = await readdir(join(cacheDir, 'image-folders'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.bin$/);
    let told = 0;
    const second = (await loadImageFolder(dir, { cacheDir, size: 8, progress: () => ((told += 1), undefined) })).train;
    expect(second.decoded).toBe(0);
    expect(told).toBe(0);
    expect(bytes(second).equals(bytes(first))).toBe(true);
    expect(labelsOf(second)).toEqual(labelsOf(first));
    expect(second.classes).toEqual(first.classes);
  });

  it('decodes again when an image changes, or the options do', async () => {
    const dir = await photos();
    const cacheDir = await tempDir();
    const first = (await loadImageFolder(dir, { cacheDir, size: 8 })).train;
    // Same size in bytes, another modification time: the key changes.
    await utimes(join(dir, 'red', 'a.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = (await loadImageFolder(dir, { cacheDir, size: 8 })).train;
    expect(touched.decoded).toBe(9);
    expect(bytes(touched).equals(bytes(first))).toBe(true);
    // The same folder's cache is replaced, not added to.
    expect(await readdir(join(cacheDir, 'image-folders'))).toHaveLength(1);
    await solid(join(dir, 'red', 'a.png'), 20, 10, [200, 0, 0]);
    const changed = (await loadImageFolder(dir, { cacheDir, size: 8 })).train;
    expect(changed.decoded).toBe(9);
    expect(bytes(changed).equals(bytes(first))).toBe(false);
    expect((await loadImageFolder(dir, { cacheDir, size: 8, channels: 1 })).train.decoded).toBe(9);
    expect((await loadImageFolder(dir, { cacheDir, size: 8, fit: 'cover' })).train.decoded).toBe(9);
    expect((await loadImageFolder(dir, { cacheDir, size: 8 })).train.decoded).toBe(0);
  });

  it('ignores a corrupt, truncated or foreign cache file and writes it again', async () => {
    const dir = await photos();
    const cacheDir = await tempDir();
    const first = (await loadImageFolder(dir, { cacheDir, size: 8 })).train;
    const [name = ''] = await readdir(join(cacheDir, 'image-folders'));
    const file = join(cacheDir, 'image-folders', name);
    const good = await readFile(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] ?? 0) ^ 0xff;
    for (const bad of [flipped, good.subarray(0, good.length - 1), good.subarray(0, 10), Buffer.from('not a cache file at all'), Buffer.alloc(0)]) {
      await writeFile(file, bad);
      const again = (await loadImageFolder(dir, { cacheDir, size: 8 })).train;
      expect(again.decoded).toBe(9);
      expect(bytes(again).equals(bytes(first))).toBe(true);
      expect((await readFile(file)).equals(good)).toBe(true);
    }
  });

  it('warns, and still loads, when the cache cannot be written; --no-cache writes none', async () => {
    const dir = await photos();
    const notAFolder = join(await tempDir(), 'file');
    await writeFile(notAFolder, 'x');
    const lines: string[] = [];
    const { train } = await loadImageFolder(dir, { cacheDir: notAFolder, size: 4, warn: (l) => lines.push(l) });
    expect(train.x.shape).toEqual([9, 4, 4, 3]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('cannot cache');
    const empty = await tempDir();
    await loadRunData({ data: dir, validation: 0.34, env: { TSGRAD_CACHE_DIR: empty }, images: { cacheDir: false, size: 4 } });
    expect(await readdir(empty)).toEqual([]);
  });

  it('reports progress once per decoded image and stops the report', async () => {
    const dir = await photos();
    const seen: number[] = [];
    let totals: number[] = [];
    let stopped = 0;
    await loadImageFolder(dir, { cacheDir: false, size: 4, progress: (total) => ((totals = [...totals, total]), { update: (done) => seen.push(done), stop: () => (stopped += 1) }) });
    expect(totals).toEqual([9]);
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stopped).toBe(1);
  });

  it('lives in $TSGRAD_CACHE_DIR, else $XDG_CACHE_HOME/tsgrad, else ~/.cache/tsgrad', () => {
    expect(imageCacheDir({ TSGRAD_CACHE_DIR: '/c/own', XDG_CACHE_HOME: '/c/xdg' })).toBe('/c/own');
    expect(imageCacheDir({ XDG_CACHE_HOME: '/c/xdg' })).toBe('/c/xdg/tsgrad');
    expect(imageCacheDir({ HOME: '/h' })).toMatch(/[/\\]\.cache[/\\]tsgrad$/);
  });
});

describe('image folder problems', () => {
  it('refuses an empty class folder, naming it', async () => {
    const dir = await tempDir();
    await solid(join(dir, 'cat', 'a.png'), 4, 4, RED);
    await mkdir(join(dir, 'dog'));
    await writeFile(join(dir, 'dog', 'list.txt'), 'no images here');
    const e = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(e.file).toBe(join(dir, 'dog'));
    expect(e.message).toContain('no images in this class folder');
  });

  it('refuses a folder of images without class subfolders, and one with a single class', async () => {
    const dir = await tempDir();
    await solid(join(dir, 'a.png'), 4, 4, RED);
    await solid(join(dir, 'b.png'), 4, 4, BLUE);
    const e = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(e.file).toBe(dir);
    expect(e.message).toContain('no class subfolders (it holds 2 images directly)');
    expect(e.message).toContain('one folder per class');
    await solid(join(dir, 'only', 'c.png'), 4, 4, RED);
    const one = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(one.message).toContain('one class folder (only)');
  });

  it('refuses test classes other than the training classes, naming both lists', async () => {
    const dir = await tempDir();
    for (const c of ['cat', 'dog', 'fox']) await solid(join(dir, 'train', c, '1.png'), 4, 4, RED);
    for (const c of ['cat', 'dog']) await solid(join(dir, 'test', c, '1.png'), 4, 4, RED);
    const e = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(e.file).toBe(join(dir, 'test'));
    expect(e.message).toContain('the test classes (cat, dog) are not the training classes (cat, dog, fox');
    await mkdir(join(dir, 'validation'));
    expect((await dataError(loadImageFolder(dir, NO_CACHE))).message).toContain('holds train/ and test/ and also validation/');
  });

  it('refuses a file named as an image that does not decode, naming it (as Keras and torchvision fail on it)', async () => {
    const dir = await photos();
    const bad = join(dir, 'green', 'broken.jpg');
    await writeFile(bad, 'this is not a JPEG');
    const e = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(e.file).toBe(bad);
    expect(e.message).toContain('not a JPEG, PNG, WebP, GIF, TIFF or AVIF image');
    // A truncated PNG: the header reads, the pixels do not.
    await rm(bad);
    const png = await readFile(join(dir, 'red', 'a.png'));
    const cut = join(dir, 'red', 'cut.png');
    await writeFile(cut, png.subarray(0, png.length - 20));
    const t = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(t.file).toBe(cut);
    expect(t.message).toContain('cannot decode');
  });

  it('refuses an image size that is not a positive integer', async () => {
    const dir = await photos();
    const e = await loadImageFolder(dir, { ...NO_CACHE, size: 0 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e).toMatchObject({ op: 'loadImageFolder', argument: 'size' });
  });
});

describe('image folders as --data', () => {
  it('tells an image folder from the other data folders', async () => {
    expect(isImageFolder(await photos())).toBe(true);
    expect(isImageFolder(DATASETS)).toBe(false);
    expect(isImageFolder(join(DATASETS, 'mnist'))).toBe(false);
    expect(isImageFolder(await tempDir())).toBe(false);
  });

  it('trains on a class folder with --validation or --test-last, and on train/ + test/ as they are', async () => {
    const dir = await photos();
    const env = { TSGRAD_CACHE_DIR: await tempDir() };
    const v = await loadRunData({ data: dir, validation: 0.34, env, images: { size: 4 } });
    expect(v.heldOut).toBe('validation');
    expect(v.train.x.shape).toEqual([6, 4, 4, 3]);
    expect(v.test.x.shape).toEqual([3, 4, 4, 3]);
    expect(v.train.classes).toEqual(['blue', 'green', 'red']);
    expect(await readdir(join(env.TSGRAD_CACHE_DIR, 'image-folders'))).toHaveLength(1);
    const last = await loadRunData({ data: dir, testLast: 3, env, images: { size: 4 } });
    expect(last.test.x.shape).toEqual([3, 4, 4, 3]);
    // The folder alone, as a model file records it (--train DIR with the split).
    const again = await loadRunData({ train: dir, testLast: 3, env, images: { size: 4 } });
    expect(Buffer.from(again.test.x.contiguous().values() as Uint8Array).equals(Buffer.from(last.test.x.contiguous().values() as Uint8Array))).toBe(true);
    const none = await loadRunData({ data: dir, env, images: { size: 4 } }).catch((e: unknown) => e);
    expect(none).toMatchObject({ file: dir });
    expect(String(none)).toContain('has no test set');

    const tt = await tempDir();
    for (const set of ['train', 'test']) for (const c of ['a', 'b']) await solid(join(tt, set, c, '1.png'), 4, 4, RED);
    const both = await loadRunData({ data: tt, env, images: { size: 4, channels: 1 } });
    expect(both.heldOut).toBe('test');
    expect(both.train.x.shape).toEqual([2, 4, 4, 1]);
    expect(both.test.file).toBe(join(tt, 'test'));
    const pair = await loadRunData({ train: join(tt, 'train'), test: join(tt, 'test'), env, images: { size: 4, channels: 1 } });
    expect(pair.test.x.shape).toEqual([2, 4, 4, 1]);
  });
});
