/**
 * What the page's end-to-end test (./page.test.ts) stands on: the page built with Vite and
 * served by Vite's preview server on 127.0.0.1, Debian's chromium driven through
 * playwright-core, and the CLI the page's numbers are held to: the built `tsgrad predict`,
 * `evaluate` and `landscape` on the files the page saves, and the runs `tsgrad train` makes
 * (its app layer, in this process).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { expect } from 'vitest';
import { TrainingRun } from '../../src/app/run.js';
import type { RunSettings } from '../../src/app/settings.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
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

const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** Runs the built CLI (`npm test` builds it first) and parses its `--json` output. */
async function cli(...args: string[]): Promise<Record<string, unknown>> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test runs tsc before vitest)`);
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args, '--json'], { cwd: ROOT });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** `tsgrad predict FILE image.png`: P(cat). */
export async function cliPredict(file: string, png: string): Promise<number> {
  const out = (await cli('predict', file, png)) as { probabilities: Record<string, number> };
  return out.probabilities['cat'] ?? NaN;
}

/** `tsgrad evaluate FILE`: the accuracies on both sets. */
export async function cliEvaluate(file: string): Promise<{ train: number; test: number }> {
  const out = (await cli('evaluate', file, '--data', DATASETS)) as { train: { accuracy: number }; test: { accuracy: number } };
  return { train: out.train.accuracy, test: out.test.accuracy };
}

/** `tsgrad landscape FILE --grid N`: the trained point's loss and the surface's range. */
export async function cliLandscape(file: string, dir: string, grid: number): Promise<{ trained: { train: number }; surfaceMin: number; surfaceMax: number }> {
  return (await cli('landscape', file, '--out', dir, '--grid', String(grid), '--data', DATASETS, '--no-progress')) as { trained: { train: number }; surfaceMin: number; surfaceMax: number };
}
