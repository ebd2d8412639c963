/**
 * End to end in chromium (./page-harness.ts): the course's SIGNS CNN chosen on the default
 * data (catvnoncat, sized to its 2 classes) trains live in the worker, its first-layer
 * filters and one test image's feature maps redrawn while it trains; a photo's saliency
 * figure is drawn for the CNN (equal to what the CLI's code draws from the page-saved model
 * file) and for the single neuron; the page stays readable at phone width; picked data of
 * six classes sizes the preset's output; and the console stays free of errors. Screenshots land in test-artifacts/web/ (gitignored).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/rng.js';
import { encodePng } from '../../src/data/image.js';
import { photoSaliency } from '../../web/src/pictures.js';
import { int64, writeH5 } from '../data/fixtures.js';
import { ARTIFACTS, cliModel, courseData, startPage, type PageHarness } from './page-harness.js';

/** Generous: CI runs every suite at once, and a CNN's update takes a few hundred ms. */
const SLOW = 60_000;
const SIZE = 64 * 64 * 3;
let h: PageHarness;
let page: Page;
let png = '';
let pngPixels: Uint8Array;
const errors: string[] = [];

/** What a canvas holds: its size, how many colours, a hash of its pixels (and the pixels, when asked). */
interface CanvasSummary {
  width: number;
  height: number;
  colours: number;
  hash: number;
  pixels?: number[];
}

// Strings, so this file needs no DOM types: they run in the page.
const summaries = (selector: string, withPixels = false): Promise<CanvasSummary[]> =>
  page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      const v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      colours.add(v);
      hash = (Math.imul(hash, 31) + v) >>> 0;
    }
    return { width: c.width, height: c.height, colours: colours.size, hash, ...(${withPixels} ? { pixels: [...d] } : {}) };
  })`);
const text = async (id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? '';
const draws = async (): Promise<number> => Number(await page.locator('#inside').getAttribute('data-draws'));
const shot = (name: string, fullPage = true): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
const button = (name: string) => page.getByRole('button', { name, exact: true });

beforeAll(async () => {
  h = await startPage();
  page = h.page;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  pngPixels = Uint8Array.from((await courseData()).test.x.values()).slice(SIZE, 2 * SIZE);
  png = join(h.tmp, 'test-image-1.png');
  await writeFile(png, await encodePng(pngPixels, 64, 64, 3));
});

afterAll(async () => {
  await h.close();
});

describe('a CNN on the page', () => {
  let first: CanvasSummary[] = [];

  it('fills in the SIGNS preset for the data\'s 2 classes and shows its filters and feature maps before training', async () => {
    await page.getByRole('button', { name: 'Load the course data' }).click();
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toMatch(/^Loaded 209 training images/);
    expect(await page.locator('#model-kind option[value="signs-cnn"]').textContent()).toBe("Course's SIGNS CNN (conv 4×4×8, conv 2×2×16, 2 classes)");
    await page.getByLabel('Model', { exact: true }).selectOption('signs-cnn');
    expect(await page.getByLabel('Layer sizes').inputValue()).toBe('conv:8:4:same:1,relu,maxpool:8:8:same,conv:16:2:same:1,relu,maxpool:4:4:same,flatten,dense:2,softmax');
    expect(await page.getByLabel('Optimiser').inputValue()).toBe('adam');
    expect(await page.getByLabel('Initialiser').inputValue()).toBe('glorot');
    expect(await page.getByLabel('Learning rate').inputValue()).toBe('0.009');
    expect(await page.getByLabel('Batch size').inputValue()).toBe('64');
    expect(await page.getByLabel('Epochs').inputValue()).toBe('100');
    await expect.poll(() => text('iteration'), { timeout: SLOW }).toBe('0 of 100');
    expect(await text('iteration-name')).toBe('Epoch');
    await expect.poll(() => page.locator('#inside').isVisible(), { timeout: SLOW }).toBe(true);
    expect(await page.locator('#weights-figure').isHidden()).toBe(true);
    expect(await text('filters-caption')).toMatch(/^The first layer's 8 filters \(W1, 4×4×3 each\)/);
    // conv, relu, maxpool, conv, relu, maxpool: every layer whose output is (H, W, C).
    expect(await page.locator('#feature-maps figcaption').allTextContents()).toEqual(['1. conv (64×64×8)', '2. relu (64×64×8)', '3. maxpool (8×8×8)', '4. conv (8×8×16)', '5. relu (8×8×16)', '6. maxpool (2×2×16)']);
    first = await summaries('#filters, #feature-maps canvas');
    expect(first).toHaveLength(7);
    for (const c of first) expect(c.colours, JSON.stringify(c)).toBeGreaterThan(2);
  });

  it('trains two epochs live in the worker, redrawing the filters and feature maps as it goes', async () => {
    await page.getByLabel('Epochs').fill('2');
    const before = await draws();
    const started = Date.now();
    await button('Train').click();
    // The page answers while the worker trains: the status line, and a redraw mid-run.
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Training…');
    await expect.poll(draws, { timeout: SLOW, interval: 50 }).toBeGreaterThan(before);
    // Pause acts after the update running, and Resume goes on from there.
    const pressed = Date.now();
    await button('Pause').click();
    await expect.poll(() => text('train-status'), { timeout: SLOW, interval: 10 }).toMatch(/^Paused at epoch [01]\.$/);
    const pauseMs = Date.now() - pressed;
    await button('Resume').click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 2 epochs.');
    const ms = Date.now() - started;
    const redraws = (await draws()) - before;
    await writeFile(join(ARTIFACTS, 'cnn-speed.txt'), `the SIGNS CNN on catvnoncat, 2 epochs of 4 mini-batches on the page: ${ms} ms with a pause, ${redraws} redraws of the filters and feature maps; Pause pressed to "Paused" shown: ${pauseMs} ms (including playwright's polling); ${await text('engine-used')}\n`);
    expect(redraws).toBeGreaterThan(1);
    expect(await text('iteration')).toBe('2 of 2');
    expect(await page.locator('#inside').getAttribute('data-iteration')).toBe('2');
    expect(await text('engine-used')).toMatch(/^The autodiff step trains this model\. About \d+ ms an update\.$/);
    const last = await summaries('#filters, #feature-maps canvas');
    expect(last.map((c) => [c.width, c.height])).toEqual(first.map((c) => [c.width, c.height]));
    for (const c of last) expect(c.colours, JSON.stringify(c)).toBeGreaterThan(2);
    // The filters and the first convolution's maps moved with the weights.
    expect(last[0]?.hash).not.toBe(first[0]?.hash);
    expect(last[1]?.hash).not.toBe(first[1]?.hash);
    expect(Number.isFinite(Number(await page.locator('#cost').getAttribute('data-value')))).toBe(true);
    await page.locator('#inside').scrollIntoViewIfNeeded();
    await shot('10-cnn-inside', false);
  });

  it('shows another test image\'s feature maps when asked', async () => {
    const before = await summaries('#feature-maps canvas');
    await page.getByLabel('Test image', { exact: true }).fill('7');
    await page.getByLabel('Test image', { exact: true }).press('Enter');
    await expect.poll(() => page.locator('#inside').getAttribute('data-image'), { timeout: SLOW }).toBe('7');
    const after = await summaries('#feature-maps canvas');
    expect(after[0]?.hash).not.toBe(before[0]?.hash);
  });

  it('draws a photo\'s saliency as the CLI\'s code draws it from the page-saved model', async () => {
    await page.setInputFiles('#photo-file', png);
    await expect.poll(() => page.locator('#photo-result').getAttribute('data-probability'), { timeout: SLOW }).not.toBeNull();
    expect(await text('photo-result')).toMatch(/^(non-cat|cat): P\(cat\) \d\.\d{6}, at epoch 2\.$/);
    expect(await page.locator('#saliency-figure').isVisible()).toBe(true);
    const [shown] = await summaries('#saliency', true);
    expect(shown?.colours).toBeGreaterThan(50);
    // The same figure from the model file in Node (src/viz's drawing of src/analysis's map): the
    // maps agree to rounding (chromium's and Node's last bits differ), so a pixel may differ by 1.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save model' }).click();
    const file = join(h.tmp, 'page-cnn.json');
    await (await download).saveAs(file);
    const want = photoSaliency(await cliModel(file), pngPixels);
    expect([shown?.width, shown?.height]).toEqual([want.width, want.height]);
    let far = 0;
    want.data.forEach((v, i) => {
      if (Math.abs(v - (shown?.pixels?.[i] ?? -9)) > 1) far++;
    });
    expect(far).toBe(0);
    await page.locator('#saliency').scrollIntoViewIfNeeded();
    await shot('11-cnn-saliency', false);
  });

  it('draws the saliency for the single neuron too, and hides the CNN panel for it', async () => {
    const [cnn] = await summaries('#saliency');
    await page.getByLabel('Model', { exact: true }).selectOption('neuron');
    await expect.poll(() => page.locator('#inside').isHidden(), { timeout: SLOW }).toBe(true);
    await expect.poll(async () => (await summaries('#saliency'))[0]?.hash, { timeout: SLOW }).not.toBe(cnn?.hash);
    expect(await page.locator('#weights-figure').isVisible()).toBe(true);
    expect(await text('photo-result')).toMatch(/, at iteration 0\.$/);
  });

  it('keeps the CNN panel below the Train button at phone width, without sideways scrolling', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('signs-cnn');
    await expect.poll(() => page.locator('#inside').isVisible(), { timeout: SLOW }).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(100);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    const train = await page.locator('#train').boundingBox();
    const chart = await page.locator('#cost-chart').boundingBox();
    const inside = await page.locator('#inside').boundingBox();
    expect(train !== null && chart !== null && inside !== null).toBe(true);
    expect((train?.y ?? 0) < (chart?.y ?? 0) && (chart?.y ?? 0) < (inside?.y ?? 0)).toBe(true);
    await page.locator('#train').scrollIntoViewIfNeeded();
    await shot('12-cnn-phone-train', false);
    await page.locator('#inside').scrollIntoViewIfNeeded();
    await shot('13-cnn-phone-inside', false);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('sizes the preset to other data\'s classes: six hand-sign classes picked as two HDF5 files', async () => {
    // The SIGNS layout (64×64×3, six classes), each class a bright square in its own place.
    const rng = new RandomState(5);
    const signs = (m: number): { x: Uint8Array; y: number[] } => {
      const y = Array.from({ length: m }, (_, i) => i % 6);
      const x = Uint8Array.from(rng.randArray(m * SIZE), (u) => Math.floor(u * 100));
      y.forEach((k, i) => {
        for (let r = 8 * k; r < 8 * k + 12; r++) for (let c = 20; c < 40; c++) for (let ch = 0; ch < 3; ch++) x[((i * 64 + r) * 64 + c) * 3 + ch] = 250;
      });
      return { x, y };
    };
    const names = ['zero', 'one', 'two', 'three', 'four', 'five'];
    const [tr, te] = [signs(60), signs(12)];
    const train = await writeH5(join(h.tmp, 'train_signs.h5'), { train_set_x: { data: tr.x, shape: [60, 64, 64, 3], dtype: '<B' }, train_set_y: int64(tr.y), list_classes: { data: names } });
    const test = await writeH5(join(h.tmp, 'test_signs.h5'), { test_set_x: { data: te.x, shape: [12, 64, 64, 3], dtype: '<B' }, test_set_y: int64(te.y), list_classes: { data: names } });
    await page.setInputFiles('#data-files', [train, test]);
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toBe('Loaded 60 training images from train_signs.h5 and 12 test images from test_signs.h5.');
    expect(await page.locator('#model-kind option[value="signs-cnn"]').textContent()).toBe("Course's SIGNS CNN (conv 4×4×8, conv 2×2×16, 6 classes)");
    await expect.poll(() => page.getByLabel('Layer sizes').inputValue(), { timeout: SLOW }).toMatch(/,flatten,dense:6,softmax$/);
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Ready: press Train.');
    await page.getByLabel('Epochs').fill('1');
    await button('Train').click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 1 epoch.');
    expect(await page.locator('#grid li').count()).toBe(12);
    expect(await page.locator('#grid li span').first().textContent()).toMatch(/^(zero|one|two|three|four|five): P\((zero|one|two|three|four|five)\) \d\.\d\d/);
  });

  it('logged no errors to the console', () => {
    expect(errors).toEqual([]);
  });
});
