/**
 * Issue 15 item 7, case by case: what a bad image folder (or CSV image list) does, asserted as
 * the library's error class and the file it names, and as the command's one stderr line and
 * exit code (2 for bad input; 0 with a note where the input is usable).
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainCommand } from '../../src/cli/train.js';
import { DataError } from '../../src/core/errors.js';
import { loadImageCsv, loadImageFolder, type ImageFolderOptions } from '../../src/data/image-folder.js';
import { dataError, removeTempDirs, tempDir } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

const NO_CACHE: ImageFolderOptions = { cacheDir: false, size: 4 };
let cache = '';
const previous = process.env['TSGRAD_CACHE_DIR'];

async function png(file: string, side: number, level: number, w = side): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await sharp({ create: { width: w, height: side, channels: 3, background: { r: level, g: level, b: level } } }).png().toFile(file);
}

/** cat/ (dark) and dog/ (light), n 4x4 PNGs each. */
async function folder(n = 3): Promise<string> {
  const dir = await tempDir();
  for (let i = 0; i < n; i++) {
    await png(join(dir, 'cat', `${i}.png`), 4, 40 + i);
    await png(join(dir, 'dog', `${i}.png`), 4, 200 + i);
  }
  return dir;
}

const train = (args: string[]): ReturnType<typeof runInProcess> => runInProcess(trainCommand(), [...args, '--iterations', '5']);
const lines = (s: string): string[] => s.trim().split('\n').filter((l) => l !== '');

beforeAll(async () => {
  cache = await tempDir();
  process.env['TSGRAD_CACHE_DIR'] = cache;
});

afterAll(async () => {
  if (previous === undefined) delete process.env['TSGRAD_CACHE_DIR'];
  else process.env['TSGRAD_CACHE_DIR'] = previous;
  await removeTempDirs();
});

describe('corrupt images', () => {
  it('stop the run with one line naming the file and the way round it, exit 2', async () => {
    const dir = await folder();
    const bad = join(dir, 'dog', 'broken.jpg');
    await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3]));
    const e = await dataError(loadImageFolder(dir, NO_CACHE));
    expect(e.file).toBe(bad);
    expect(e.message).toContain('; --skip-bad-images skips such files');
    const r = await train(['--data', dir, '--image-size', '4', '--validation', '0.5']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^tsgrad: error: ${bad}: cannot decode the image.*; --skip-bad-images skips such files\\n$`));
  });

  it('--skip-bad-images leaves them out, says how many and which, and caches that; a class left empty is refused', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'dog', 'a.png'), 'not a PNG');
    await writeFile(join(dir, 'cat', 'b.jpg'), 'not a JPEG');
    const set = (await loadImageFolder(dir, { ...NO_CACHE, skipBadImages: true })).train;
    expect(set.skipped).toBe(2);
    expect(set.x.shape).toEqual([6, 4, 4, 3]);
    expect([...set.labels.data].sort()).toEqual([0, 0, 0, 1, 1, 1]);
    const args = ['--data', dir, '--image-size', '4', '--validation', '0.5', '--skip-bad-images'];
    for (const run of ['decodes', 'reads the cache']) {
      const r = await train(args);
      expect(r.code, `${run}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain(`tsgrad: note: ${dir}: skipped 2 images that do not decode (--skip-bad-images): ${join(dir, 'cat', 'b.jpg')}, ${join(dir, 'dog', 'a.png')}\n`);
      expect(r.stdout).toContain('train_set_x shape: (2, 4, 4, 3)');
    }
    expect((await train(args)).stderr).toContain('from the cache');
    const gone = await folder(1);
    await writeFile(join(gone, 'dog', '0.png'), 'not a PNG');
    const e = await dataError(loadImageFolder(gone, { ...NO_CACHE, skipBadImages: true }));
    expect(e.file).toBe(join(gone, 'dog'));
    expect(e.message).toContain('no image of this class folder decodes (1 skipped by --skip-bad-images)');
    expect((await train(['--data', gone, '--validation', '0.5', '--skip-bad-images'])).code).toBe(2);
  });
});

describe('what is not an image', () => {
  it('files not named as images are passed over and counted in a note, exit 0', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'cat', 'notes.txt'), 'a cat');
    await writeFile(join(dir, 'dog', 'labels.csv'), 'x');
    await writeFile(join(dir, 'dog', '.DS_Store'), 'hidden: not counted');
    const r = await train(['--data', dir, '--image-size', '4', '--validation', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`tsgrad: note: ${dir}: passed over 2 files not named as images (${join(dir, 'cat', 'notes.txt')}, ${join(dir, 'dog', 'labels.csv')})\n`);
    expect(r.stdout).toContain('Number of training examples: m_train = 2');
  });

  it('symlink loops are passed over or refused, never followed: links that loop, links to folders, a class linking back', async () => {
    const dir = await folder();
    await symlink(join(dir, 'cat', 'y.png'), join(dir, 'cat', 'x.png'));
    await symlink(join(dir, 'cat', 'x.png'), join(dir, 'cat', 'y.png'));
    await symlink(dir, join(dir, 'dog', 'up'));
    await symlink(join(dir, 'missing.png'), join(dir, 'dog', 'gone.png'));
    const set = (await loadImageFolder(dir, NO_CACHE)).train;
    expect(set.x.shape[0]).toBe(6);
    const r = await train(['--data', dir, '--image-size', '4', '--validation', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`tsgrad: note: ${dir}: passed over 3 links that loop or lead nowhere, 1 link to folders (not followed) (`);
    const loop = await folder();
    await symlink(loop, join(loop, 'all'));
    const e = await dataError(loadImageFolder(loop, NO_CACHE));
    expect(e.file).toBe(join(loop, 'all'));
    expect(e.message).toContain(`is a link to ${loop}, which holds ${loop}: a loop, not a class folder`);
    const c = await train(['--data', loop, '--validation', '0.5']);
    expect(c.code).toBe(2);
    expect(lines(c.stderr)).toEqual([`tsgrad: error: ${e.message}`]);
  });
});

describe('image sizes without --image-size', () => {
  it('are noted with the size they are resized to and how to choose another, exit 0', async () => {
    const same = await folder();
    const r = await train(['--data', same, '--validation', '0.5', '--no-cache']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`tsgrad: note: ${same}: the images are 4x4: resized to 64x64; --image-size N chooses the size\n`);
    expect(r.stdout).toContain('Each image is of size: (64, 64, 3)');
    const mixed = await folder();
    await png(join(mixed, 'dog', 'wide.png'), 4, 90, 12);
    await png(join(mixed, 'cat', 'big.png'), 9, 90);
    const m = await train(['--data', mixed, '--validation', '0.5', '--no-cache']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toContain(`tsgrad: note: ${mixed}: the images come in 3 sizes (4x4, 12x4, 9x9): each is resized to 64x64 (--resize fill); choose the size with --image-size N\n`);
    // Asked for: no note.
    expect((await train(['--data', mixed, '--validation', '0.5', '--no-cache', '--image-size', '8'])).stderr).not.toContain('sizes');
  });
});

describe('a CSV of file,label rows', () => {
  async function csvFolder(): Promise<{ dir: string; csv: string }> {
    const dir = await folder();
    const rows = ['file,label', ...[0, 1, 2].flatMap((i) => [`cat/${i}.png,cat`, `dog/${i}.png,dog`])];
    const csv = join(dir, 'labels.csv');
    await writeFile(csv, `${rows.join('\n')}\n`);
    return { dir, csv };
  }

  it('trains like the folder it lists (header row optional, paths relative to the CSV)', async () => {
    const { csv } = await csvFolder();
    const r = await train(['--data', csv, '--image-size', '4', '--validation', '0.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { classes: string[]; heldOut: string };
    expect(out.classes).toEqual(['cat', 'dog']);
    const noHeader = (await readFile(csv, 'utf8')).split('\n').slice(1).join('\n');
    await writeFile(csv, noHeader);
    const set = (await loadImageCsv(csv, undefined, NO_CACHE)).train;
    expect(set.x.shape).toEqual([6, 4, 4, 3]);
    expect([...set.labels.data].sort()).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('a row naming a missing file is one line naming the CSV, the line and the file, exit 2', async () => {
    const { dir, csv } = await csvFolder();
    await writeFile(csv, 'file,label\ncat/0.png,cat\ndog/0.png,dog\ncat/9.png,cat\n');
    const e = await dataError(loadImageCsv(csv, undefined, NO_CACHE));
    expect(e).toBeInstanceOf(DataError);
    expect(e.file).toBe(csv);
    expect(e.field).toBe('line 4');
    expect(e.message).toBe(`${csv}: line 4: names cat/9.png, which does not exist (looked for ${join(dir, 'cat', '9.png')})`);
    const r = await train(['--data', csv, '--validation', '0.5']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`tsgrad: error: ${e.message}`]);
    await writeFile(csv, 'cat/0.png,cat,extra\n');
    expect((await dataError(loadImageCsv(csv, undefined, NO_CACHE))).message).toBe(`${csv}: line 1: expected 2 fields, file,label, got 3 (cat/0.png,cat,extra)`);
    await writeFile(csv, 'cat/0.png,cat\ncat/1.png,cat\n');
    expect((await dataError(loadImageCsv(csv, undefined, NO_CACHE))).message).toBe(`${csv}: one class (cat): a classifier needs at least two labels`);
  });
});

describe('an empty class folder and a single class', () => {
  it('are one line naming the folder, exit 2', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'fox'));
    const r = await train(['--data', dir, '--validation', '0.5']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`tsgrad: error: ${join(dir, 'fox')}: no images in this class folder (files named .jpg, .jpeg, .png, .webp, .gif, .tif, .tiff or .avif): every class needs at least one`]);
    const one = await tempDir();
    await png(join(one, 'cat', '0.png'), 4, 10);
    const s = await train(['--data', one, '--validation', '0.5']);
    expect(s.code).toBe(2);
    expect(lines(s.stderr)).toHaveLength(1);
    expect(s.stderr).toContain(`tsgrad: error: ${one}: one class folder (cat): a classifier needs at least two`);
  });
});

describe('a folder of many files', () => {
  it('3,000 tiny PNGs load into one buffer of the decoded set, labels in order of their folders', async () => {
    const dir = await tempDir();
    const bytes = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toBuffer();
    for (const c of ['a', 'b', 'c']) {
      await mkdir(join(dir, c));
      await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(join(dir, c, `${i}.png`), bytes)));
    }
    const set = (await loadImageFolder(dir, { cacheDir: false, size: 2 })).train;
    expect(set.decoded).toBe(3000);
    expect(set.x.shape).toEqual([3000, 2, 2, 3]);
    expect(set.x.data.length).toBe(3000 * 12);
    const counts = [0, 0, 0];
    for (const l of set.labels.data) counts[l] = (counts[l] ?? 0) + 1;
    expect(counts).toEqual([1000, 1000, 1000]);
    expect(set.x.data.every((v) => v === 128)).toBe(true);
  }, 60_000);
});
