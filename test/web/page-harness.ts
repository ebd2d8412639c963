/**
 * What the page's end-to-end test (./page.test.ts) stands on: the page built with Vite and
 * served by Vite's preview server on 127.0.0.1, Debian's chromium driven through
 * playwright-core, and the CLI's own computations in this process (the app layer and the
 * model file that `tsgrad train`, `predict`, `evaluate` and `landscape` run), which the
 * page's numbers are held to.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { expect } from 'vitest';
import { computeLandscape, localEvaluator, lossSet, type Landscape } from '../../src/analysis/landscape.js';
import { predictPixels } from '../../src/analysis/predict.js';
import { evaluate } from '../../src/train/evaluate.js';
import { TrainingRun } from '../../src/app/run.js';
import type { RunSettings } from '../../src/app/settings.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
import { prepareInputs } from '../../src/data/preprocess.js';
import { readModelText, type LoadedModel } from '../../src/io/model-file.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATASETS = join(ROOT, '..', 'shared', 'datasets');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'model-v1');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const CONFIG = join(ROOT, 'web', 'vite.config.ts');
const CHROMIUM = '/usr/bin/chromium';

/** The built page, its server and the browser. */
export interface PageHarness {
  tmp: string;
  outDir: string;
  url: string;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Builds the page (checking that nothing Node-only reached the bundle), serves it and opens it in chromium. */
export async function startPage(): Promise<PageHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the page's end-to-end test needs Debian's chromium (apt-get install -y chromium)`);
  }
  const tmp = await mkdtemp(join(tmpdir(), 'tsgrad-web-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const outDir = join(tmp, 'dist');
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  // Nothing Node-only reached the bundle (Vite would stub it as __vite-browser-external).
  for (const f of await readdir(join(outDir, 'assets'))) {
    expect(await readFile(join(outDir, 'assets', f), 'utf8'), f).not.toMatch(/__vite-browser-external|node:(?:fs|crypto|path|perf_hooks|worker_threads)/);
  }
  const server: PreviewServer = await preview({ configFile: CONFIG, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`;
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  expect(errors).toEqual([]);
  return {
    tmp, outDir, url, context, page,
    async close() {
      await context.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

let sets: Promise<{ train: Dataset; test: Dataset }> | undefined;
/** The course data as the CLI reads it. */
export function courseData(): Promise<{ train: Dataset; test: Dataset }> {
  sets ??= Promise.all(['train', 'test'].map(async (s) => asDataset(await loadLabelledImages(join(DATASETS, `${s}_catvnoncat.h5`))))).then(([train, test]) => ({ train: train as Dataset, test: test as Dataset }));
  return sets;
}

/** `tsgrad train` with these settings: its run, finished. */
export async function cliTrain(settings: RunSettings): Promise<TrainingRun> {
  const run = new TrainingRun(await courseData(), settings);
  run.advance();
  return run;
}

/** The cost `tsgrad train` prints at `iteration`. */
export const costAt = (run: TrainingRun, iteration: number): number => run.trainer.costs.find((c) => c.index === iteration)?.cost ?? NaN;

/** A model file as `tsgrad predict` reads it. */
export async function cliModel(file: string): Promise<LoadedModel> {
  return readModelText(file, await readFile(file, 'utf8'));
}

/** `tsgrad predict FILE image.png` for a PNG of the model's size (read exactly): P(class 1). */
export async function cliPredict(file: string, pixels: Uint8Array): Promise<number> {
  return predictPixels(await cliModel(file), pixels).probabilities[1] ?? NaN;
}

/** `tsgrad evaluate FILE`: the accuracies on both sets. */
export async function cliEvaluate(file: string): Promise<{ train: number; test: number }> {
  const m = await cliModel(file);
  const d = await courseData();
  const acc = (s: Dataset): number => evaluate(m.model, prepareInputs(s.x, m.preprocessing, m.dtype), s.labels).accuracy;
  return { train: acc(d.train), test: acc(d.test) };
}

/** `tsgrad landscape FILE --grid N` (computed on this thread: the workers give the same numbers). */
export async function cliLandscape(file: string, grid: number): Promise<Landscape> {
  const m = await cliModel(file);
  const d = await courseData();
  return computeLandscape({ model: m.model, settings: m.training.settings }, lossSet(d.train, m.preprocessing, m.dtype), lossSet(d.test, m.preprocessing, m.dtype), { gridSize: grid }, localEvaluator);
}
