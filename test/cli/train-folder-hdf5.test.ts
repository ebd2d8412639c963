/**
 * Acceptance (issue 15): the course's HDF5 images written out as an image folder
 * (train/ and test/, each with cat/ and non-cat/). Written losslessly (PNG, 64x64, RGB) the
 * folder trains the notes' single neuron to the HDF5 run's costs and accuracies; written as
 * photos are (JPEG, grayscale, RGBA, EXIF-rotated, other sizes) it trains end to end.
 *
 * The folder's classes sort as cat (0), non-cat (1): the HDF5 file's labels flipped. From zero
 * weights gradient descent on flipped labels follows w → -w, b → -b exactly (σ(-z) = 1 - σ(z)),
 * so the costs and accuracies are the same; the samples come in another order (the folder's
 * seeded shuffle), which full-batch sums change only in the last bits: costs agree to 1e-9.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainCommand } from '../../src/cli/train.js';
import { loadLabelledImages, type LabelledImages } from '../../src/data/dataset.js';
import { DATASETS, removeTempDirs, tempDir, TEST, TRAIN } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

interface JsonRun {
  status: string;
  classes: string[];
  costs: { iteration: number; cost: number }[];
  trainAccuracy: number;
  testAccuracy: number;
}

const PX = 64 * 64 * 3;
let sets: { train: LabelledImages; test: LabelledImages };
let lossless = '';
let lossy = '';
const previous = process.env['TSGRAD_CACHE_DIR'];

const image = (s: LabelledImages, i: number): Buffer => Buffer.from(s.x.data.buffer, s.x.data.byteOffset + i * PX, PX);
const className = (s: LabelledImages, i: number): string => s.classes[s.y.data[i] ?? 0] ?? '?';
const raw = (s: LabelledImages, i: number): Sharp => sharp(image(s, i), { raw: { width: 64, height: 64, channels: 3 } });

/** Every image of both sets as DIR/<set>/<class>/<index>.png. */
async function writeLossless(dir: string): Promise<void> {
  for (const [name, s] of [['train', sets.train], ['test', sets.test]] as const) {
    for (const c of s.classes) await mkdir(join(dir, name, c), { recursive: true });
    const m = s.x.shape[0] ?? 0;
    for (let i = 0; i < m; i++) await raw(s, i).png().toFile(join(dir, name, className(s, i), `${String(i).padStart(3, '0')}.png`));
  }
}

/** The first 60 training and 20 test images as phones and the web store them, five ways in turn. */
async function writeLossy(dir: string): Promise<void> {
  for (const [name, s, m] of [['train', sets.train, 60], ['test', sets.test, 20]] as const) {
    for (const c of s.classes) await mkdir(join(dir, name, c), { recursive: true });
    for (let i = 0; i < m; i++) {
      const base = join(dir, name, className(s, i), String(i).padStart(3, '0'));
      const kind = i % 5;
      if (kind === 0) await raw(s, i).jpeg({ quality: 85 }).toFile(`${base}.jpg`);
      else if (kind === 1) await raw(s, i).grayscale().png().toFile(`${base}.png`);
      else if (kind === 2) await raw(s, i).ensureAlpha(0.6).png().toFile(`${base}.png`);
      // Stored turned a quarter left with orientation 6 (turn right to view): upright once read.
      else if (kind === 3) await sharp(await raw(s, i).rotate(-90).png().toBuffer()).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toFile(`${base}.jpg`);
      else await raw(s, i).resize(96 + i, 80, { fit: 'fill' }).webp({ quality: 80 }).toFile(`${base}.webp`);
    }
  }
}

beforeAll(async () => {
  sets = { train: await loadLabelledImages(TRAIN), test: await loadLabelledImages(TEST) };
  process.env['TSGRAD_CACHE_DIR'] = await tempDir();
  lossless = await tempDir();
  lossy = await tempDir();
  await writeLossless(lossless);
  await writeLossy(lossy);
}, 120_000);

afterAll(async () => {
  if (previous === undefined) delete process.env['TSGRAD_CACHE_DIR'];
  else process.env['TSGRAD_CACHE_DIR'] = previous;
  await removeTempDirs();
});

async function trainJson(args: string[]): Promise<JsonRun> {
  const r = await runInProcess(trainCommand(), [...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonRun;
}

describe('the course images as an image folder', () => {
  it('written as 64x64 PNGs, trains the single neuron to the HDF5 run: costs to 1e-9, the same accuracies', async () => {
    const h5 = await trainJson(['--data', DATASETS]);
    const folder = await trainJson(['--data', lossless]);
    expect(folder.classes).toEqual(['cat', 'non-cat']);
    expect(h5.classes).toEqual(['non-cat', 'cat']);
    expect(folder.costs.map((c) => c.iteration)).toEqual(h5.costs.map((c) => c.iteration));
    expect(folder.costs).toHaveLength(20);
    folder.costs.forEach((c, i) => expect(Math.abs(c.cost - (h5.costs[i]?.cost ?? Number.NaN))).toBeLessThan(1e-9));
    // The reference figures of ../shared/datasets/README.md.
    expect(folder.costs[1]?.cost.toFixed(6)).toBe('0.584508');
    expect(folder.costs[19]?.cost.toFixed(6)).toBe('0.140872');
    expect(folder.trainAccuracy).toBe(99.04306220095694);
    expect(folder.testAccuracy).toBe(70);
    expect(h5.trainAccuracy).toBe(folder.trainAccuracy);
  }, 120_000);

  it('prints the same cost lines as the HDF5 run, and the second run reads the cache', async () => {
    const first = await runInProcess(trainCommand(), ['--data', lossless, '--iterations', '300']);
    const h5 = await runInProcess(trainCommand(), ['--data', DATASETS, '--iterations', '300']);
    expect(first.code, first.stderr).toBe(0);
    const costs = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('Cost after'));
    expect(costs(first.stdout)).toEqual(['Cost after iteration 0: 0.693147', 'Cost after iteration 100: 0.584508', 'Cost after iteration 200: 0.466949']);
    expect(costs(first.stdout)).toEqual(costs(h5.stdout));
    expect(first.stdout).toContain('train_set_x shape: (209, 64, 64, 3)');
    expect(first.stdout).toContain('test_set_x shape: (50, 64, 64, 3)');
    const second = await runInProcess(trainCommand(), ['--data', lossless, '--iterations', '300']);
    expect(second.stderr).toContain(`tsgrad: note: read 209 + 50 images of ${lossless} from the cache in `);
    expect(costs(second.stdout)).toEqual(costs(first.stdout));
  }, 120_000);

  it('written as JPEG, grayscale, RGBA, EXIF-rotated and other sizes, trains end to end at 64x64 RGB, noting the sizes', async () => {
    const r = await runInProcess(trainCommand(), ['--data', lossy, '--iterations', '500', '--json', '--no-cache']);
    expect(r.code, r.stderr).toBe(0);
    // Without --image-size: 64, and a note that the sizes differed (64x64 and 96+i x 80 for i = 4, 9, ..., 59).
    expect(r.stderr).toContain(`tsgrad: note: ${lossy}: the images come in 13 sizes (64x64, 100x80, 105x80, ...): `);
    expect(r.stderr).toContain('each is resized to 64x64 (--resize fill); choose the size with --image-size N');
    const out = JSON.parse(r.stdout) as JsonRun;
    expect(out.status).toBe('done');
    expect(out.classes).toEqual(['cat', 'non-cat']);
    expect(out.costs).toHaveLength(5);
    // Zero weights: every sample's prediction is 1/2, whatever the pixels.
    expect(out.costs[0]?.cost).toBeCloseTo(Math.LN2, 12);
    for (let i = 1; i < out.costs.length; i++) expect(out.costs[i]?.cost).toBeLessThan(out.costs[i - 1]?.cost ?? 0);
    expect(out.trainAccuracy).toBeGreaterThan(80);
    const text = await runInProcess(trainCommand(), ['--data', lossy, '--image-size', '32', '--channels', '1', '--iterations', '10', '--no-cache']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('train_set_x shape: (60, 32, 32, 1)');
    expect(text.stdout).toContain('test_set_x shape: (20, 32, 32, 1)');
  }, 120_000);
});
