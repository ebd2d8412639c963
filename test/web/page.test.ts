/**
 * End to end: the training page built with Vite, served by Vite's preview server on
 * 127.0.0.1, driven in Debian's chromium through playwright-core. It loads the real data,
 * pauses a run, trains the single neuron and the 2-layer network 100 iterations and holds
 * the page's costs, 2-D landscape, photo probabilities (float64 and float32 files) and model
 * files to the CLI's. Screenshots land in test-artifacts/web/ (gitignored).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledImages } from '../../src/data/dataset.js';
import { encodePng } from '../../src/data/image.js';
import { astype } from '../../src/tensor/index.js';
import { logisticLossModel } from '../../src/train/loss-model.js';
import { loadLogisticModel } from '../../src/train/model-file.js';
import { probabilityOfPixels } from '../../src/train/predict-pixels.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, 'web', 'vite.config.ts');
const DATASETS = join(ROOT, '..', 'shared', 'datasets');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const CHROMIUM = '/usr/bin/chromium';
const run = promisify(execFile);
/** How long the page may take to react: generous, since CI runs every suite at once. */
const SLOW = 30_000;

let tmp = '';
let server: PreviewServer | undefined;
let context: BrowserContext | undefined;
let page: Page;
let url = '';
let outDir = '';
let plain: Server | undefined;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: ROOT });
  return stdout;
}

async function shot(name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

const text = async (id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the page's end-to-end test needs Debian's chromium (apt-get install -y chromium)`);
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test runs tsc before vitest)`);
  tmp = await mkdtemp(join(tmpdir(), 'tsgrad-web-'));
  await mkdir(ARTIFACTS, { recursive: true });
  outDir = join(tmp, 'dist');
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  // Nothing Node-only reached the bundle (Vite would stub it as __vite-browser-external).
  for (const f of await readdir(join(outDir, 'assets'))) {
    expect(await readFile(join(outDir, 'assets', f), 'utf8'), f).not.toMatch(/__vite-browser-external|node:(?:fs|crypto|path|perf_hooks|worker_threads)/);
  }
  server = await preview({ configFile: CONFIG, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address() as AddressInfo;
  url = `http://127.0.0.1:${address.port}/`;
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  await new Promise((done) => (plain === undefined ? done(undefined) : plain.close(done)));
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

describe('the training page in chromium', () => {
  it('loads the course data in one click', async () => {
    await page.getByRole('button', { name: 'Load the course data' }).click();
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toMatch(/^Loaded 209 training images .* and 50 test images/);
    await expect.poll(() => text('iteration'), { timeout: SLOW }).toBe('0 of 2000');
    expect(await text('cost')).toBe('0.693147');
    expect(await page.locator('#grid li').count()).toBe(50);
    await shot('01-loaded');
  });

  it('pauses when Pause is pressed during training, and resumes', async () => {
    // Slowly (about 30 iterations a second), so that Pause lands mid-run even on a busy machine.
    await page.getByLabel('Speed').selectOption('1');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(async () => parseInt(await text('iteration'), 10), { timeout: SLOW }).toBeGreaterThan(5);
    const pressed = Date.now();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW, interval: 10 }).toMatch(/^Paused at iteration \d+\.$/);
    await writeFile(join(ARTIFACTS, 'pause-response.txt'), `Pause pressed to "Paused" shown: ${Date.now() - pressed} ms (including playwright's round trips)\n`);
    const status = await text('train-status');
    const at = `${/\d+/.exec(status)?.[0] ?? '?'} of 2000`;
    expect(await text('iteration')).toBe(at);
    expect(await page.getByRole('button', { name: 'Pause', exact: true }).isDisabled()).toBe(true);
    await shot('02-paused');
    await page.waitForTimeout(400);
    expect(await text('iteration')).toBe(at);
    expect(parseInt(at, 10)).toBeLessThan(2000);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(async () => parseInt(await text('iteration'), 10), { timeout: SLOW }).toBeGreaterThan(parseInt(at, 10));
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Ready: press Train.');
    await expect.poll(() => text('iteration'), { timeout: SLOW }).toBe('0 of 2000');
  });

  it('is usable by keyboard: Enter on Train, then on Pause, then Reset', async () => {
    const active = (): Promise<unknown> => page.evaluate('document.activeElement && document.activeElement.id');
    await page.getByLabel('Speed').focus();
    await page.keyboard.press('Tab');
    expect(await active()).toBe('train');
    await page.keyboard.press('Enter');
    await expect.poll(active, { timeout: SLOW }).toBe('pause');
    await shot('02b-keyboard-focus', false);
    await page.keyboard.press('Enter');
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toMatch(/^Paused at iteration \d+\.$/);
    await expect.poll(active, { timeout: SLOW }).toBe('train');
    // Pause is disabled now, so the next stop is Reset.
    await page.keyboard.press('Tab');
    expect(await active()).toBe('reset');
    await page.keyboard.press('Space');
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Ready: press Train.');
  });

  it('shows the CLI\'s cost after 100 iterations', async () => {
    const out = JSON.parse(await cli('train', '--data', DATASETS, '--iterations', '101', '--print-every', '100', '--json')) as { costs: { iteration: number; cost: number }[] };
    const cliCost = out.costs.find((c) => c.iteration === 100)?.cost;
    expect(cliCost?.toFixed(6)).toBe('0.584508');

    await page.getByLabel('Iterations').fill('100');
    await page.getByLabel('Learning rate').fill('0.005');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 100 iterations.');
    expect(await text('iteration')).toBe('100 of 100');
    expect(await text('cost')).toBe(cliCost?.toFixed(6));
    expect(Number(await page.locator('#cost').getAttribute('data-value'))).toBeCloseTo(cliCost ?? NaN, 12);
    await shot('03-trained-100');

    await page.getByRole('button', { name: 'Draw the landscape' }).click();
    await expect.poll(() => text('landscape-status'), { timeout: SLOW }).toMatch(new RegExp(`^At iteration 100: train cost 0\\.693147 at α = 0 and ${cliCost?.toFixed(6).replace('.', '\\.')} at α = 1;`));
    await page.locator('#landscape').scrollIntoViewIfNeeded();
    await shot('03b-landscape', false);
  });

  it('classifies a test image exported as PNG as the CLI does, with the model saved on the page', async () => {
    const test = await loadLabelledImages(join(DATASETS, 'test_catvnoncat.h5'));
    const size = 64 * 64 * 3;
    const png = join(tmp, 'test-image-1.png');
    await writeFile(png, await encodePng((test.x.values() as Uint8Array).subarray(size, 2 * size), 64, 64, 3));

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save model' }).click();
    const saved = join(tmp, 'page-model.json');
    await (await download).saveAs(saved);
    await page.setInputFiles('#photo-file', png);
    await expect.poll(() => page.locator('#photo-result').getAttribute('data-probability'), { timeout: SLOW }).not.toBeNull();
    const onPage = Number(await page.locator('#photo-result').getAttribute('data-probability'));

    const predicted = JSON.parse(await cli('predict', saved, png, '--json')) as { probabilities: Record<string, number> };
    expect(onPage).toBe(predicted.probabilities['cat']);

    // The same file dropped on the photo area.
    await page.evaluate("document.getElementById('photo-result').removeAttribute('data-probability')");
    const b64 = (await readFile(png)).toString('base64');
    const dropped = await page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      return dt;
    })()`);
    await page.dispatchEvent('#photo-drop', 'drop', { dataTransfer: dropped });
    await expect.poll(async () => Number(await page.locator('#photo-result').getAttribute('data-probability')), { timeout: SLOW }).toBe(predicted.probabilities['cat']);
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot('04-photo');
  });

  it('loads a model trained by the CLI and predicts as the CLI does', async () => {
    const model = join(tmp, 'cli-model.json');
    await cli('train', '--data', DATASETS, '--save', model, '--json');
    const png = join(tmp, 'test-image-1.png');
    await page.setInputFiles('#model-file', model);
    await expect.poll(() => text('model-status'), { timeout: SLOW }).toMatch(/^Loaded cli-model\.json/);
    const doc = JSON.parse(await readFile(model, 'utf8')) as { training: { trainAccuracy: number } };
    await expect.poll(() => text('train-accuracy'), { timeout: SLOW }).toBe(`${doc.training.trainAccuracy.toFixed(2)} %`);
    await page.setInputFiles('#photo-file', png);
    const predicted = JSON.parse(await cli('predict', model, png, '--json')) as { probabilities: Record<string, number> };
    await expect.poll(async () => Number(await page.locator('#photo-result').getAttribute('data-probability')), { timeout: SLOW }).toBe(predicted.probabilities['cat']);
  });

  it('trains the 2-layer network with the CLI\'s costs at iterations 0 and 100', async () => {
    const cliDeep = join(tmp, 'cli-deep.json');
    const out = JSON.parse(await cli('train', '--model', 'mlp', '--layers', '12288,7,1', '--init', 'scaled:0.01', '--learning-rate', '0.0075',
      '--iterations', '101', '--print-every', '100', '--data', DATASETS, '--save', cliDeep, '--json')) as { costs: { iteration: number; cost: number }[] };
    const at = (i: number): number => out.costs.find((c) => c.iteration === i)?.cost ?? NaN;
    expect(at(0).toFixed(6)).toBe('0.693050');

    await page.getByLabel('Model', { exact: true }).selectOption('two-layer');
    expect(await page.getByLabel('Layer sizes').inputValue()).toBe('12288,7,1');
    expect(await page.getByLabel('Initialiser').inputValue()).toBe('scaled');
    expect(await page.getByLabel('Scale K').inputValue()).toBe('0.01');
    expect(await page.getByLabel('Learning rate').inputValue()).toBe('0.0075');
    await expect.poll(() => text('iteration'), { timeout: SLOW }).toBe('0 of 2500');
    // Printed to 6 decimals on both sides. The readout is the current parameters' cost by the
    // plain forward pass; the CLI's fast engine prints it from the span form, equal to rounding
    // (the recorded costs are bit for bit the CLI's: test/web/deep-trainer.test.ts).
    expect(await text('cost')).toBe(at(0).toFixed(6));
    expect(Number(await page.locator('#cost').getAttribute('data-value'))).toBeCloseTo(at(0), 12);

    // Pause and Resume mid-run: the network continues where it stopped.
    await page.getByLabel('Iterations').fill('100');
    await page.getByLabel('Speed').selectOption('1');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(async () => parseInt(await text('iteration'), 10), { timeout: SLOW }).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toMatch(/^Paused at iteration \d+\.$/);
    const pausedAt = parseInt(await text('iteration'), 10);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Training…');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toMatch(/^Paused at iteration \d+\.$/);
    expect(parseInt(await text('iteration'), 10)).toBeGreaterThanOrEqual(pausedAt);
    await page.getByLabel('Speed').selectOption('Infinity');
    const resumedAt = parseInt(await text('iteration'), 10);
    const started = Date.now();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 100 iterations.');
    await writeFile(join(ARTIFACTS, 'two-layer-speed.txt'), `the 2-layer network on the page, flat out from iteration ${resumedAt} to 100: ${Date.now() - started} ms (including playwright's polling)\n`);
    expect(await text('cost')).toBe(at(100).toFixed(6));
    expect(Number(await page.locator('#cost').getAttribute('data-value'))).toBeCloseTo(at(100), 12);
    await shot('07-two-layer-100');
  });

  it('draws the 2-D landscape as tsgrad landscape computes it, the model\'s loss at its centre', async () => {
    await page.getByLabel('Surface grid').selectOption('5');
    await page.getByRole('button', { name: 'Draw the landscape' }).click();
    await expect.poll(() => text('landscape-status'), { timeout: SLOW }).toMatch(/Surface 5 × 5: train cost/);
    const surface = page.locator('#surface');
    const cost = Number(await page.locator('#cost').getAttribute('data-value'));
    expect(Number(await surface.getAttribute('data-centre'))).toBe(cost);
    expect(Number(await surface.getAttribute('data-trained'))).toBe(cost);
    expect(await page.locator('#landscape-progress').isHidden()).toBe(true);
    await page.locator('#surface').scrollIntoViewIfNeeded();
    await shot('08-surface', false);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save model' }).click();
    const saved = join(tmp, 'page-deep.json');
    await (await download).saveAs(saved);
    const cliLand = JSON.parse(await cli('landscape', saved, '--out', join(tmp, 'land'), '--grid', '5', '--data', DATASETS, '--no-progress', '--json')) as { trained: { train: number }; surfaceMin: number; surfaceMax: number };
    expect(cliLand.trained.train).toBe(cost);
    expect(Number(await surface.getAttribute('data-min'))).toBe(cliLand.surfaceMin);
    expect(Number(await surface.getAttribute('data-max'))).toBe(cliLand.surfaceMax);
  });

  it('a 2-layer model saved on the page predicts and evaluates in the CLI as on the page', async () => {
    const saved = join(tmp, 'page-deep.json');
    const png = join(tmp, 'test-image-1.png');
    await page.evaluate("document.getElementById('photo-result').removeAttribute('data-probability')");
    await page.setInputFiles('#photo-file', png);
    await expect.poll(() => page.locator('#photo-result').getAttribute('data-probability'), { timeout: SLOW }).not.toBeNull();
    const onPage = Number(await page.locator('#photo-result').getAttribute('data-probability'));
    const predicted = JSON.parse(await cli('predict', saved, png, '--json')) as { probabilities: Record<string, number> };
    expect(onPage).toBe(predicted.probabilities['cat']);
    const evaluated = JSON.parse(await cli('evaluate', saved, '--data', DATASETS, '--json')) as { train: { accuracy: number }; test: { accuracy: number } };
    expect(await text('train-accuracy')).toBe(`${evaluated.train.accuracy.toFixed(2)} %`);
    expect(await text('test-accuracy')).toBe(`${evaluated.test.accuracy.toFixed(2)} %`);
  });

  it('loads a 2-layer model trained by the CLI, with its settings, and predicts as the CLI does', async () => {
    const model = join(tmp, 'cli-deep.json');
    const png = join(tmp, 'test-image-1.png');
    await page.getByLabel('Model', { exact: true }).selectOption('logistic');
    await page.setInputFiles('#model-file', model);
    await expect.poll(() => text('model-status'), { timeout: SLOW }).toMatch(/^Loaded cli-deep\.json: deep network \[12288, 7, 1\]/);
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('two-layer');
    const doc = JSON.parse(await readFile(model, 'utf8')) as { training: { trainAccuracy: number; testAccuracy: number } };
    await expect.poll(() => text('train-accuracy'), { timeout: SLOW }).toBe(`${doc.training.trainAccuracy.toFixed(2)} %`);
    expect(await text('test-accuracy')).toBe(`${doc.training.testAccuracy.toFixed(2)} %`);
    await page.setInputFiles('#photo-file', png);
    const predicted = JSON.parse(await cli('predict', model, png, '--json')) as { probabilities: Record<string, number> };
    await expect.poll(async () => Number(await page.locator('#photo-result').getAttribute('data-probability')), { timeout: SLOW }).toBe(predicted.probabilities['cat']);
  });

  it('reaches every deep-network setting by keyboard, in reading order', async () => {
    const active = (): Promise<unknown> => page.evaluate('document.activeElement && document.activeElement.id');
    await page.locator('#model-kind').focus();
    const order: unknown[] = [await active()];
    for (let k = 0; k < 10; k++) {
      await page.keyboard.press('Tab');
      order.push(await active());
    }
    expect(order).toEqual(['model-kind', 'layers', 'init', 'init-scale', 'optimizer', 'seed', 'engine', 'learning-rate', 'iterations', 'speed', 'train']);
  });

  it('predicts with a float32 model file in float32, as the CLI does', async () => {
    const model = join(tmp, 'cli-f32.json');
    const png = join(tmp, 'test-image-1.png');
    await cli('train', '--data', DATASETS, '--dtype', 'float32', '--iterations', '300', '--save', model, '--json');
    await page.setInputFiles('#model-file', model);
    await expect.poll(() => text('model-status'), { timeout: SLOW }).toMatch(/^Loaded cli-f32\.json: single neuron .*, float32\./);
    await page.setInputFiles('#photo-file', png);
    const predicted = JSON.parse(await cli('predict', model, png, '--json')) as { probabilities: Record<string, number> };
    await expect.poll(async () => Number(await page.locator('#photo-result').getAttribute('data-probability')), { timeout: SLOW }).toBe(predicted.probabilities['cat']);
    // The same weights in float64 give another probability: the page really computes in float32.
    const { w, b } = await loadLogisticModel(model);
    const test = await loadLabelledImages(join(DATASETS, 'test_catvnoncat.h5'));
    const size = 64 * 64 * 3;
    const as64 = logisticLossModel(astype(w, 'float64'), b, { inputShape: [64, 64, 3], classes: ['non-cat', 'cat'] });
    const p64 = probabilityOfPixels(as64, (test.x.values() as Uint8Array).slice(size, 2 * size));
    expect(p64).not.toBe(predicted.probabilities['cat']);
    expect(p64).toBeCloseTo(predicted.probabilities['cat'] ?? NaN, 5);
  });

  it('starts the L-layer and a custom network where the CLI does, and names a bad layer size', async () => {
    const first = async (...args: string[]): Promise<number> =>
      (JSON.parse(await cli('train', '--model', 'mlp', '--iterations', '1', '--data', DATASETS, '--json', ...args)) as { costs: { cost: number }[] }).costs[0]?.cost ?? NaN;
    await page.getByLabel('Model', { exact: true }).selectOption('l-layer');
    expect(await page.getByLabel('Layer sizes').inputValue()).toBe('12288,20,7,5,1');
    expect(await page.getByLabel('Initialiser').inputValue()).toBe('course');
    const lLayer = await first();
    await expect.poll(() => text('cost'), { timeout: SLOW }).toBe(lLayer.toFixed(6));
    expect(Number(await page.locator('#cost').getAttribute('data-value'))).toBeCloseTo(lLayer, 12);
    await expect.poll(() => page.locator('#weights-caption').textContent(), { timeout: SLOW }).toMatch(/one 64×64 picture per hidden unit \(20\)/);
    // 300 iterations flat out with the fast engine, as the CLI's default trains it.
    const cliL = JSON.parse(await cli('train', '--model', 'mlp', '--iterations', '301', '--data', DATASETS, '--json')) as { costs: { iteration: number; cost: number }[] };
    const at300 = cliL.costs.find((c) => c.iteration === 300)?.cost ?? NaN;
    await page.getByLabel('Iterations').fill('300');
    await page.getByLabel('Speed').selectOption('Infinity');
    const started = Date.now();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toBe('Done: 300 iterations.');
    await writeFile(join(ARTIFACTS, 'l-layer-speed.txt'), `300 iterations of the L-layer network on the page, fast engine, flat out: ${Date.now() - started} ms (including playwright's polling)\n`);
    expect(await text('engine-used')).toBe('The fast engine trains this network.');
    expect(await text('cost')).toBe(at300.toFixed(6));
    expect(Number(await page.locator('#cost').getAttribute('data-value'))).toBeCloseTo(at300, 12);
    await shot('08b-l-layer-300');

    await page.getByLabel('Model', { exact: true }).selectOption('custom');
    await page.getByLabel('Layer sizes').fill('12288,5,1');
    await page.getByLabel('Initialiser').selectOption('he');
    await page.getByLabel('Seed').fill('3');
    await page.getByLabel('Seed').press('Enter');
    await page.getByLabel('Seed').blur();
    const custom = await first('--layers', '12288,5,1', '--init', 'he', '--seed', '3');
    await expect.poll(() => text('cost'), { timeout: SLOW }).toBe(custom.toFixed(6));
    await shot('09-custom', false);

    await page.getByLabel('Layer sizes').fill('12000,5,1');
    await page.getByLabel('Layer sizes').blur();
    await expect.poll(() => text('train-status'), { timeout: SLOW }).toMatch(/^train: layers: .*12288/);
    // The network stays what it was.
    expect(await text('cost')).toBe(custom.toFixed(6));
    await page.getByLabel('Model', { exact: true }).selectOption('logistic');
    await expect.poll(() => text('cost'), { timeout: SLOW }).toBe('0.693147');
  });

  it('reads the data from the file picker too', async () => {
    await page.setInputFiles('#data-files', [join(DATASETS, 'test_catvnoncat.h5'), join(DATASETS, 'train_catvnoncat.h5')]);
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toBe('Loaded 209 training images from train_catvnoncat.h5 and 50 test images from test_catvnoncat.h5.');
    await page.setInputFiles('#data-files', [join(ROOT, 'package.json'), join(DATASETS, 'test_catvnoncat.h5')]);
    await expect.poll(() => text('data-status'), { timeout: SLOW }).toMatch(/^package\.json: not an HDF5 file/);
  });

  it('is readable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(100);
    await shot('05-phone', false);
    await shot('06-phone-full');
    // A string, so this file needs no DOM types: runs in the page.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
  });
});

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

describe('the built files on a plain static server', () => {
  it('train on picked files, and say the one-click data is not served there', async () => {
    plain = createServer((req, res) => {
      const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')).replace(/^(\.\.[/\\])+/, '');
      readFile(join(outDir, path.endsWith('/') ? `${path}index.html` : path)).then(
        (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((done) => plain?.listen(0, '127.0.0.1', done));
    const port = (plain.address() as AddressInfo).port;
    const other = await context?.newPage();
    if (other === undefined) throw new Error('no browser context');
    await other.goto(`http://127.0.0.1:${port}/`);
    await other.getByRole('button', { name: 'Load the course data' }).click();
    await expect.poll(() => other.locator('#data-status').textContent(), { timeout: SLOW }).toMatch(/^The course data is not served here/);
    await other.setInputFiles('#data-files', [join(DATASETS, 'train_catvnoncat.h5'), join(DATASETS, 'test_catvnoncat.h5')]);
    await expect.poll(() => other.locator('#data-status').textContent(), { timeout: SLOW }).toMatch(/^Loaded 209 training images/);
    await other.getByLabel('Iterations').fill('100');
    await other.getByLabel('Speed').selectOption('Infinity');
    await other.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => other.locator('#train-status').textContent(), { timeout: SLOW }).toBe('Done: 100 iterations.');
    expect(await other.locator('#cost').textContent()).toBe('0.584508');
    await other.close();
  });
});
