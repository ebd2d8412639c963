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
import { L_LAYER } from '../../src/app/settings.js';
import { ARTIFACTS, cliTrain, costAt, DATASETS, ROOT, startPage, type PageHarness } from './page-harness.js';

const SLOW = 30_000;
let h: PageHarness;
let page: Page;

const text = async (id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? '';
const button = (name: string) => page.getByRole('button', { name, exact: true });
export const shot = (name: string, fullPage = false): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
/** The iterations of every progress message the worker sent since the last call (recorded by the init script below). */
const progressSeen = async (): Promise<number[]> => (await page.evaluate('window.__progress.splice(0)')) as number[];

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

  it('runs N iterations a frame for a deep network too, so the speed setting changes the pace (item 4)', async () => {
    await loadCourseData();
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
});
