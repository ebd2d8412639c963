/**
 * `tsgrad train --data DIR` on an image folder: a generated 2-class folder of 16x16 images
 * (dark and light, with seeded noise) trains the single neuron and a small CNN, in RGB and
 * grayscale; the cache is written where TSGRAD_CACHE_DIR says; bad folders are one line, exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { trainCommand } from '../../src/cli/train.js';
import { RandomState } from '../../src/core/rng.js';
import { removeTempDirs, ROOT, tempDir } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

const CNN = 'conv:4:3:same,relu,maxpool:2:2,flatten,dense:2,softmax';
let photos = '';
let cache = '';
const previous = process.env['TSGRAD_CACHE_DIR'];

/** n 16x16 PNGs per class: `dark` around 60, `light` around 190, each pixel ±40 of seeded noise in every channel. */
async function makeFolder(dir: string, n: number): Promise<void> {
  const rng = new RandomState(5);
  for (const [name, level] of [['dark', 60], ['light', 190]] as const) {
    await mkdir(join(dir, name), { recursive: true });
    for (let i = 0; i < n; i++) {
      const px = Uint8Array.from({ length: 16 * 16 * 3 }, () => level + Math.round((rng.random() - 0.5) * 80));
      await sharp(Buffer.from(px), { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(join(dir, name, `${i}.png`));
    }
  }
}

beforeAll(async () => {
  photos = await tempDir();
  cache = await tempDir();
  process.env['TSGRAD_CACHE_DIR'] = cache;
  await makeFolder(photos, 12);
});

afterAll(async () => {
  if (previous === undefined) delete process.env['TSGRAD_CACHE_DIR'];
  else process.env['TSGRAD_CACHE_DIR'] = previous;
  await removeTempDirs();
});

const accuracy = (out: string, name: string): number => Number(new RegExp(`${name} accuracy: ([\\d.]+) %`).exec(out)?.[1]);

describe('tsgrad train on an image folder', () => {
  it('trains the single neuron with --validation, printing the shapes and accuracies, and caches the decoded set', async () => {
    const r = await runInProcess(trainCommand(), ['--data', photos, '--image-size', '16', '--validation', '0.25', '--learning-rate', '0.02', '--iterations', '600', '--print-every', '100']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Number of training examples: m_train = 18');
    expect(r.stdout).toContain('Number of testing examples: m_test = 6');
    expect(r.stdout).toContain('Each image is of size: (16, 16, 3)');
    expect(accuracy(r.stdout, 'train')).toBeGreaterThanOrEqual(90);
    expect(accuracy(r.stdout, 'validation')).toBeGreaterThanOrEqual(80);
    expect(await readdir(join(cache, 'image-folders'))).toHaveLength(1);
  }, 60_000);

  it('trains a CNN on grayscale inputs with --channels 1: (16, 16, 1)', async () => {
    const r = await runInProcess(trainCommand(), ['--data', photos, '--image-size', '16', '--channels', '1', '--validation', '0.25', '--arch', CNN, '--optimizer', 'adam', '--learning-rate', '0.01', '--epochs', '30', '--print-every', '10', '--json', '--no-cache']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { classes: string[]; heldOut: string; trainAccuracy: number; testAccuracy: number };
    expect(out.classes).toEqual(['dark', 'light']);
    expect(out.heldOut).toBe('validation');
    expect(out.trainAccuracy).toBeGreaterThanOrEqual(90);
    const saved = join(photos, '..', 'gray-cnn.json');
    const text = await runInProcess(trainCommand(), ['--data', photos, '--image-size', '16', '--channels', '1', '--validation', '0.25', '--arch', CNN, '--epochs', '1', '--save', saved]);
    expect(text.code, text.stderr).toBe(0);
    // evaluate decodes the folder at the model's size and channels, with the recorded split.
    const e = await runInProcess(evaluateCommand(), [saved, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { test: { accuracy: number } }).test.accuracy).toBe(Number(/validation accuracy: ([\d.]+) %/.exec(text.stdout)?.[1]));
    expect(text.stdout).toContain('Each image is of size: (16, 16, 1)');
    expect(text.stdout).toContain('train_set_x shape: (18, 16, 16, 1)');
    expect(text.stdout).toMatch(/validation accuracy: [\d.]+ %/);
  }, 60_000);

  it('resizes to --image-size, and --resize takes fill, cover or contain only', async () => {
    const r = await runInProcess(trainCommand(), ['--data', photos, '--image-size', '8', '--resize', 'contain', '--test-last', '6', '--iterations', '10']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Each image is of size: (8, 8, 3)');
    expect(r.stdout).toMatch(/test accuracy: [\d.]+ %/);
    const bad = await runInProcess(trainCommand(), ['--data', photos, '--resize', 'squash']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--resize must be one of fill, cover, contain');
    expect((await runInProcess(trainCommand(), ['--data', photos, '--channels', '4'])).stderr).toContain('--channels must be one of 1, 3');
    expect((await runInProcess(trainCommand(), ['--data', photos, '--image-size', '0'])).stderr).toContain('--image-size must be an integer in 1..1024');
  }, 60_000);
});

describe('tsgrad train on a bad image folder (the built CLI)', () => {
  function tsgrad(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'train', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TSGRAD_CACHE_DIR: cache } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('says in one line which file does not decode, and which classes differ', async () => {
    const dir = await tempDir();
    await makeFolder(dir, 2);
    await writeFile(join(dir, 'light', 'oops.jpg'), 'not a JPEG');
    const r = tsgrad(['--data', dir, '--validation', '0.5']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`tsgrad: error: ${join(dir, 'light', 'oops.jpg')}: not a JPEG, PNG, WebP, GIF, TIFF or AVIF image; --skip-bad-images skips such files`]);

    const tt = await tempDir();
    await makeFolder(join(tt, 'train'), 1);
    await makeFolder(join(tt, 'test'), 1);
    await mkdir(join(tt, 'test', 'grey'));
    await writeFile(join(tt, 'test', 'grey', 'x.png'), await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } }).png().toBuffer());
    const m = tsgrad(['--data', tt]);
    expect(m.code, m.stderr).toBe(2);
    const lines = m.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('the test classes (dark, grey, light) are not the training classes (dark, light');
  }, 60_000);

  it('--help names the image options, the cache folder and the alpha rule', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'train', '--help'], { cwd: ROOT, encoding: 'utf8' });
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const w of ['--image-size <n>', '--resize <fit>', '--channels <n>', '--no-cache', '$XDG_CACHE_HOME/tsgrad', '~/.cache/tsgrad', 'TSGRAD_CACHE_DIR', 'RGBA is composited on white', 'an image folder', '--skip-bad-images', 'a CSV of file,label rows', '--normalize <how>', 'measured on the training set only', '--augment <list>', 'flip,crop:4,brightness:0.1', '--no-progress']) expect(help).toContain(w);
  });
});
