/**
 * What a newcomer meets on the training page (issue 18, items 4, 6, 8 and 9), in Debian's
 * chromium (./page-harness.ts): a file that is not HDF5 refused by name, the built page opened
 * from file:// saying how to serve it, the speed setting as iterations per frame for a deep
 * network too (counted from the worker's progress messages), the cost chart's smoothed curve
 * and read-out under the pointer, the layout at phone width (Train and the chart on one screen),
 * the loss surface's colour legend and its Cancel. Screenshots at 1280x800 and 390x844 before,
 * during and after training land in test-artifacts/web/ (gitignored).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L_LAYER, NEURON } from '../../src/app/settings.js';
import { contourLevels } from '../../src/viz/levels.js';
import { smoothCosts, smoothed } from '../../web/src/smoothing.js';
import { ARTIFACTS, cliTrain, costAt, DATASETS, ROOT, startPage, type PageHarness } from './page-harness.js';

const SLOW = 30_000;
let h: PageHarness;
let page: Page;

const text = async (id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? '';
const button = (name: string) => page.getByRole('button', { name, exact: true });
const shot = (name: string, fullPage = false): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
/** The iterations of every progress message the worker sent since the last call (recorded by the init script below). */
const progressSeen = async (): Promise<number[]> => (await page.evaluate('window.__progress.splice(0)')) as number[];

/** A bounding box, or a failed expectation. */
async function box(selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await page.locator(selector).boundingBox();
  expect(b, selector).not.toBeNull();
  return b ?? { x: NaN, y: NaN, width: NaN, height: NaN };
}

async function loadCourseData(): Promise<void> {
  await button('Load the course data').click();
  await expect.poll(() => text('data-status'), { timeout: SLOW }).toMatch(/^Loaded 209 training images/);
  await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Ready: press Train.');
}

beforeAll(async () => {
  h = await startPage();
  page = h.page;
  // Every progress message the page's worker posts, as the page receives it: the test counts
  // iterations per frame without any hook in the page's code.
  await h.context.addInitScript(`(() => {
    window.__progress = [];
    const W = window.Worker;
    window.Worker = class extends W {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => { if (e.data && e.data.type === 'progress') window.__progress.push(e.data.progress.iteration); });
      }
    };
  })()`);
  await page.reload();
});

afterAll(async () => {
  await h.close();
});

describe('the page for a newcomer', () => {
  it('refuses a file that is not HDF5 at once, naming it and what was expected (item 8)', async () => {
    await page.setInputFiles('#data-files', [join(ROOT, 'README.md')]);
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toBe("README.md: not an HDF5 file; expected an HDF5 file (.h5) of the course's layout, such as train_catvnoncat.h5 or test_catvnoncat.h5.");
    // With a good file beside it: still refused, and the good one is not kept as half a pair.
    await page.setInputFiles('#data-files', [join(DATASETS, 'train_catvnoncat.h5'), join(ROOT, 'README.md')]);
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toMatch(/^README\.md: not an HDF5 file; expected/);
    await page.setInputFiles('#data-files', [join(DATASETS, 'test_catvnoncat.h5')]);
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toBe('Got test_catvnoncat.h5; now the training file.');
    expect(await button('Train').isDisabled()).toBe(true);
  });

  it('links to the notes (item 8 follow-up)', async () => {
    const link = page.getByRole('link', { name: 'The notes, hands-on' });
    expect(await link.getAttribute('href')).toBe('./notes.html');
    // The static "Starting the page" note is gone once the page's script runs.
    expect(await page.locator('#page-start').count()).toBe(0);
  });

  it('opened from file:// says why nothing works and how to serve it (item 8)', async () => {
    const other = await h.context.newPage();
    await other.goto(pathToFileURL(join(h.outDir, 'index.html')).href);
    const note = other.locator('#page-start');
    expect(await note.isVisible()).toBe(true);
    expect((await note.textContent())?.trim()).toMatch(/^This page was opened as a file \(file:\/\/\), where browsers do not run its scripts\. Serve it: npm run web /);
    // The controls that would do nothing are not shown.
    expect(await other.locator('main').isHidden()).toBe(true);
    await other.screenshot({ path: join(ARTIFACTS, 'n00-file-url.png') });
    await other.close();
  });

  it('at phone width shows the Train button and the cost chart on one screen, the landscape before the test images (item 9)', async () => {
    await loadCourseData();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('Model', { exact: true }).selectOption('two-layer');
    expect(await page.locator('#deep-settings').isVisible()).toBe(true);
    await page.getByLabel('Model', { exact: true }).selectOption('neuron');
    // The single neuron has no deep-network settings to show (disabled ones filled a screen).
    expect(await page.locator('#deep-settings').isHidden()).toBe(true);
    expect(await page.locator('#neuron-note').isVisible()).toBe(true);
    // The Train section scrolled to the top of the screen.
    await page.evaluate("window.scrollTo(0, document.querySelector('.s-train').getBoundingClientRect().top + window.scrollY)");
    const train = await box('#train');
    const chart = await box('#cost-chart');
    const within = (b: { y: number; height: number }): boolean => b.y >= 0 && b.y + b.height <= 844;
    expect(within(train), `Train at ${train.y}`).toBe(true);
    expect(within(chart), `chart from ${chart.y} to ${chart.y + chart.height}`).toBe(true);
    expect((await box('.s-landscape')).y).toBeLessThan((await box('.s-grid')).y);
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await shot('n01-phone-before');

    // During and after a run, and the same at 1280x800.
    await page.getByLabel('Iterations').fill('300');
    for (const [width, height, name] of [[390, 844, 'phone'], [1280, 800, 'wide']] as const) {
      await page.setViewportSize({ width, height });
      if (name === 'wide') await page.evaluate('window.scrollTo(0, 0)');
      if (name === 'wide') {
        // On a laptop screen the controls and the chart share the first screen, unscrolled.
        const [t, c] = [await box('#train'), await box('#cost-chart')];
        expect(t.y >= 0 && t.y + t.height <= 800 && c.y >= 0 && c.y + c.height <= 800, `Train at ${t.y}, chart at ${c.y}`).toBe(true);
        await shot('n04-wide-before');
      }
      await page.getByLabel('Speed').selectOption('1');
      await button('Train').click();
      await expect.poll(async () => parseInt(await text('iteration'), 10), { timeout: SLOW }).toBeGreaterThan(40);
      await shot(`n0${name === 'phone' ? 2 : 5}-${name}-during`);
      await page.getByLabel('Speed').selectOption('Infinity');
      await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 300 iterations.');
      await shot(`n0${name === 'phone' ? 3 : 6}-${name}-after`);
      await button('Reset').click();
      await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Ready: press Train.');
    }
    await shot('n06b-wide-after-full', true);
  });

  it('runs N iterations a frame for a deep network too, so the speed setting changes the pace (item 4)', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('l-layer');
    await expect.poll(() => text('iteration'), { timeout: SLOW }).toBe('0 of 2500');
    const cli = await cliTrain({ ...L_LAYER, epochs: 61, printEvery: 60 });
    await page.getByLabel('Iterations').fill('60');
    for (const speed of ['1', '10']) {
      await page.getByLabel('Speed').selectOption(speed);
      await progressSeen();
      await button('Reset').click();
      await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Ready: press Train.');
      // The reset's readout at iteration 0 has come; count from here.
      await expect.poll(() => page.evaluate('window.__progress.includes(0)'), { timeout: SLOW }).toBe(true);
      await progressSeen();
      await button('Train').click();
      await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 60 iterations.');
      // One readout per frame, each N iterations on from the last: 1, 2, 3, ... or 10, 20, ..., 60.
      const seen = await progressSeen();
      const n = Number(speed);
      expect(seen).toEqual(Array.from({ length: 60 / n }, (_, k) => (k + 1) * n));
    }
    // The same run whatever the pace.
    expect(await text('cost')).toBe(costAt(cli, 60).toFixed(6));
  });

  it('cancels the landscape between two of its losses, and draws nothing (item 9)', async () => {
    await page.getByLabel('Surface grid').selectOption('41');
    await button('Draw the landscape').click();
    expect(await button('Cancel').isVisible()).toBe(true);
    await expect.poll(async () => Number(await page.locator('#landscape-progress').getAttribute('value')), { timeout: SLOW }).toBeGreaterThan(0);
    await shot('n07-landscape-computing');
    await button('Cancel').click();
    await expect.poll(() => text('landscape-status'), { timeout: SLOW }).toMatch(/^Cancelled after \d+ of \d+ losses; nothing was drawn\.$/);
    expect(await page.locator('#landscape-progress').isHidden()).toBe(true);
    expect(await button('Cancel').isHidden()).toBe(true);
    expect(await button('Draw the landscape').isDisabled()).toBe(false);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('draw-landscape');
    expect(await page.locator('#landscape-figures').isHidden()).toBe(true);
    // The worker is free again: a run trains.
    await page.getByLabel('Iterations').fill('70');
    await button('Train').click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 70 iterations.');
  });

  it('smooths the cost curve, reads out the costs under the pointer, and explains the neuron\'s zig-zag (item 6)', async () => {
    expect(await page.locator('#neuron-note').isHidden()).toBe(true);
    await page.getByLabel('Model', { exact: true }).selectOption('neuron');
    expect(await page.locator('#neuron-note').textContent()).toMatch(/^Why the single neuron's cost zig-zags at first: /);
    await page.getByLabel('Iterations').fill('100');
    await page.getByLabel('Learning rate').fill('0.005');
    await page.getByLabel('Speed').selectOption('Infinity');
    await button('Train').click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 100 iterations.');
    const cli = await cliTrain({ ...NEURON, epochs: 100, printEvery: 1 });
    const costs = Array.from({ length: 41 }, (_, i) => costAt(cli, i));
    // The pointer over iteration 40 (the plot spans the canvas less 52 px on the left, 24 on the right).
    await page.evaluate("window.scrollTo(0, document.getElementById('cost-chart').getBoundingClientRect().top + window.scrollY - 120)");
    const c = await box('#cost-chart');
    await page.mouse.move(c.x + 52 + (40 / 100) * (c.width - 76), c.y + c.height * 0.75);
    await expect.poll(() => page.locator('#chart-readout').isVisible(), { timeout: SLOW }).toBe(true);
    expect(Number(await page.locator('#chart-readout').getAttribute('data-cost'))).toBe(costs[40]);
    // Recorded every iteration in a 100-iteration run: the smoothing's step is one iteration.
    const smooth = smoothed(costs, 0.9).at(-1) ?? NaN;
    expect(await text('chart-readout')).toMatch(new RegExp(`^Iteration 40: train ${(costs[40] ?? NaN).toFixed(4)} \\(smoothed ${smooth.toFixed(4)}\\); test \\(at 50\\) \\d\\.\\d{4} \\(smoothed \\d\\.\\d{4}\\)$`));
    // The zig-zag is real: the neuron's costs go up and down in turn at the start, the smoothed curve does not.
    expect((costs[3] ?? 0) > (costs[2] ?? 0) && (costs[4] ?? 0) < (costs[3] ?? 0)).toBe(true);
    await shot('n08-chart-readout');
    await page.mouse.move(0, 0);
    await expect.poll(() => page.locator('#chart-readout').isHidden(), { timeout: SLOW }).toBe(true);
  });

  it('gives the loss surface a colour legend with its levels (item 9)', async () => {
    await page.getByLabel('Surface grid').selectOption('5');
    await button('Draw the landscape').click();
    await expect.poll(() => text('landscape-status'), { timeout: SLOW }).toMatch(/Surface 5 × 5: train cost/);
    const legend = page.locator('#surface-legend');
    expect(await legend.isVisible()).toBe(true);
    const lo = Number(await page.locator('#surface').getAttribute('data-min'));
    const hi = Number(await page.locator('#surface').getAttribute('data-max'));
    expect(Number(await legend.getAttribute('data-lo'))).toBe(lo);
    expect(Number(await legend.getAttribute('data-hi'))).toBe(hi);
    expect(Number(await legend.getAttribute('data-bands'))).toBe(contourLevels(lo, hi).length - 1);
    const ticks = await legend.locator('.legend-ticks span').allTextContents();
    expect(ticks).toHaveLength(4);
    expect(Number(ticks[0])).toBeCloseTo(lo, 1);
    expect(Number(ticks[3])).toBeCloseTo(hi, 1);
    expect(await legend.locator('.legend-name').textContent()).toMatch(/^Train cost, 16 contour levels( spaced in log)?: dark is low, yellow is high\.$/);
    await page.locator('#surface').scrollIntoViewIfNeeded();
    await shot('n09-surface-legend');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#surface-legend').scrollIntoViewIfNeeded();
    await shot('n10-phone-surface-legend');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('the cost curve\'s smoothing', () => {
  it('is TensorBoard\'s debiased moving average, skipping values not measured', () => {
    expect(smoothed([0, 1], 0.8)).toEqual([0, 0.2 / 0.36]);
    expect(smoothed([0.5, 0.5, 0.5], 0.8).map((v) => v.toFixed(12))).toEqual(['0.500000000000', '0.500000000000', '0.500000000000']);
    const s = smoothed([2, NaN, 4], 0.5);
    expect(s[0]).toBe(2);
    expect(s[1]).toBeNaN();
    // The NaN is skipped but its place counts: 4 comes two steps after 2, weight 0.5 ** 2.
    expect(s[2]).toBeCloseTo((0.25 * 0.5 * 2 + 0.75 * 4) / (0.25 * 0.5 + 0.75), 15);
  });

  it('weighs a sparse series by the iterations between its points', () => {
    // Train costs every 5 iterations, test costs every 50: the test point at 50 is ten steps on.
    const points = [0, 5, 10, 50].map((iteration) => ({ iteration, cost: iteration === 50 ? 0.5 : 0.7, testCost: iteration % 50 === 0 ? (iteration === 0 ? 0.7 : 0.5) : NaN }));
    const w = 0.9 ** 10;
    const test = smoothCosts(points, 'testCost');
    expect(test[0]).toBe(0.7);
    expect(test[1]).toBeNaN();
    expect(test[3]).toBeCloseTo((w * 0.1 * 0.7 + (1 - w) * 0.5) / (w * 0.1 + (1 - w)), 15);
    // Without the gaps the test point at 50 would weigh only 0.1.
    expect(smoothed([0.7, 0.5], 0.9)[1]).toBeCloseTo((0.9 * 0.1 * 0.7 + 0.1 * 0.5) / (0.9 * 0.1 + 0.1), 15);
  });
});
