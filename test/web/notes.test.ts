/**
 * The notes page (web/notes.html) built with Vite, served on 127.0.0.1 and driven in Debian's
 * chromium (./page-harness.ts): its numbers are held to tsgrad's autograd and to the modules
 * the CLI prints from. Screenshots land in test-artifacts/web/notes-*.png (gitignored).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descentPath, networkSurface, type DescentOptimizer, type DescentPath } from '../../src/analysis/descent.js';
import { dotOperands, loopDot, vectorisedGradient, type Matrix } from '../../src/analysis/vectorise.js';
import { backward } from '../../src/autograd/index.js';
import { jGraph, neuronGraph } from '../../src/autograd/examples.js';
import { fmt } from '../../web/src/notes/format.js';
import { jModel, neuronModel, J_DEFAULTS, NEURON_DEFAULTS } from '../../web/src/notes/graph-model.js';
import { dot, fromArray } from '../../src/tensor/index.js';
import { ARTIFACTS, ROOT, startPage, type PageHarness } from './page-harness.js';

const SLOW = 30_000;
let h: PageHarness;
let page: Page;
/** Every URL the notes page asked for. */
const requests: string[] = [];

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `notes-${name}.png`), fullPage: true });
const value = async (id: string): Promise<number> => Number(await page.locator(`#${id}`).getAttribute('data-value'));
const text = async (id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? '';

async function fill(id: string, x: number): Promise<void> {
  await page.locator(`#${id}`).fill(String(x));
}

const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** The built CLI's `--json` output (`npm test` builds dist/ first). */
async function cliJson(...args: string[]): Promise<unknown> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test runs tsc before vitest)`);
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args, '--json'], { cwd: ROOT });
  return JSON.parse(stdout) as unknown;
}

/** A matrix the page shows, by its data-matrix name, as numbers. */
async function pageMatrix(name: string): Promise<number[][]> {
  return page.locator(`#vg-matrices table[data-matrix="${name}"] tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-value')))));
}

/** The page's paths, from its "paths as numbers" table: [optimizer, step, w, b, cost, dw, db] rows. */
async function pagePaths(): Promise<Record<string, number[][]>> {
  const details = page.locator('#d-numbers');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const rows = (await page.locator('#d-points tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.getAttribute('data-optimizer') ?? '', ...[...tr.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-value')))]),
  )) as [string, ...number[]][];
  const out: Record<string, number[][]> = {};
  for (const [o, ...xs] of rows) (out[o] ??= []).push(xs);
  return out;
}

/** A path's points as the same rows. */
const rowsOf = (p: DescentPath): number[][] => p.points.map((q) => [q.step, q.w, q.b, q.cost, q.dw, q.db]);

/** Equal to 12 significant digits (the page's V8 and this one may round exp/log differently). */
function expectRowsClose(got: number[][] | undefined, want: number[][]): void {
  expect(got?.length).toBe(want.length);
  want.forEach((row, i) => row.forEach((x, j) => expect(Math.abs((got?.[i]?.[j] ?? NaN) - x), `row ${i} column ${j}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)))));
}

beforeAll(async () => {
  h = await startPage();
  page = h.page;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${h.url}notes.html`);
  await page.waitForFunction("document.getElementById('g-status')?.textContent?.startsWith('Forward pass done: J = 45.')", undefined, { timeout: SLOW });
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await h.close();
});

describe('the graph models (Node, the same code the page runs)', () => {
  it('J = 3(a + bc) at the notes\' values: every gradient, every local gradient, every product', () => {
    const m = jModel(J_DEFAULTS);
    const grads = Object.fromEntries(m.nodes.map((n) => [n.id, n.grad]));
    expect(grads).toEqual({ a: 3, b: 6, c: 12, u: 3, v: 3, J: 1 });
    expect(m.gates.map((g) => [g.output, g.received, g.inputs.map((x) => [x.id, x.local, x.product])])).toEqual([
      ['J', 1, [['v', 3, 3]]],
      ['v', 3, [['a', 1, 3], ['u', 1, 3]]],
      ['u', 3, [['b', 2, 6], ['c', 4, 12]]],
    ]);
    const v = m.bumps.find((b) => b.id === 'v');
    expect([v?.from, v?.to, v?.outFrom]).toEqual([15, 15.001, 45]);
    expect(v?.outTo).toBeCloseTo(45.003, 12);
    const a = m.bumps.find((b) => b.id === 'a');
    expect([a?.from, a?.to]).toEqual([7, 7.001]);
    expect(a?.outTo).toBeCloseTo(45.003, 12);
  });

  it('the neuron: dz = a − y, and each gate\'s product is the gradient autodiff gives its input', () => {
    const m = neuronModel(NEURON_DEFAULTS);
    const node = (id: string) => m.nodes.find((n) => n.id === id);
    const a = 1 / (1 + Math.exp(-1));
    expect(node('z')?.value).toBe(1);
    expect(node('a')?.value).toBeCloseTo(a, 15);
    expect(node('z')?.grad).toBeCloseTo(a - 1, 15);
    for (const g of m.gates) for (const x of g.inputs) expect(x.product).toBeCloseTo(node(x.id)?.grad ?? NaN, 14);
    // dw = x dz, dx = w dz (the notes 2.6)
    expect(node('w1')?.grad).toBeCloseTo(-1 * (a - 1), 15);
    expect(node('x2')?.grad).toBeCloseTo(-3 * (a - 1), 15);
    expect(node('b')?.grad).toBeCloseTo(a - 1, 15);
  });
});

describe('the notes page in chromium', () => {
  it('draws the descent paths that descentPath computes (tsgrad demo descent --json), at any α and step count', async () => {
    expectRowsClose((await pagePaths())['gd'], rowsOf(descentPath({ learningRate: 0.1, steps: 50 })));
    expect(await value('d-r-gd-cost')).toBeCloseTo(descentPath({ learningRate: 0.1, steps: 50 }).points[50]?.cost ?? NaN, 12);
    await fill('d-lr-num', 0.5);
    await page.locator('#d-steps').fill('30');
    await page.locator('#d-opt-momentum').check();
    await page.locator('#d-opt-adam').check();
    await expect.poll(() => text('d-steps-out')).toBe('30');
    const shown = await pagePaths();
    const cli = (await cliJson('demo', 'descent', '--lr', '0.5', '--steps', '30', '--optimizer', 'gd,momentum,adam')) as { paths: DescentPath[] };
    for (const optimizer of ['gd', 'momentum', 'adam'] as DescentOptimizer[]) {
      const path = descentPath({ learningRate: 0.5, steps: 30, optimizer });
      expect(cli.paths.find((p) => p.optimizer === optimizer)).toEqual(path);
      expectRowsClose(shown[optimizer], rowsOf(path));
    }
    expect(await text('d-status')).toBe('gradient descent: J from 6.67955 to 0.453516 in 30 steps. momentum: J from 6.67955 to 1.22871 in 30 steps. Adam: J from 6.67955 to 0.823461 in 30 steps.');
    // The log slider moves α: 10^0 = 1.
    await page.locator('#d-lr').fill('0');
    await expect.poll(() => page.locator('#d-lr-num').inputValue()).toBe('1');
    expectRowsClose((await pagePaths())['adam'], rowsOf(descentPath({ learningRate: 1, steps: 30, optimizer: 'adam' })));
  });

  it('replays the paths step by step and ends where they stop', async () => {
    const last = await value('d-r-gd-cost');
    await page.locator('#d-replay').click();
    // The readout walks the steps (about 2.4 s for 30) and comes back to the last one.
    await expect.poll(() => value('d-r-gd-step'), { timeout: SLOW }).toBeLessThan(30);
    await expect.poll(() => value('d-r-gd-step'), { timeout: SLOW }).toBe(30);
    expect(await value('d-r-gd-cost')).toBe(last);
  });

  it('says so when α is too large and the path diverges', async () => {
    await fill('d-lr-num', 10);
    await expect.poll(() => text('d-status')).toBe(
      'gradient descent diverged: at step 1 the cost is no longer a finite number (α = 10 is too large; make it smaller). ' +
        'momentum diverged: at step 4 the cost is no longer a finite number (α = 10 is too large; make it smaller). ' +
        'Adam diverged: at step 2 the cost is no longer a finite number (α = 10 is too large; make it smaller).',
    );
    expect(await page.locator('#d-status').getAttribute('class')).toContain('warn');
    await fill('d-lr-num', 0);
    await expect.poll(() => text('d-status')).toBe('Learning rate α: a number above 0, at most 100');
    expect(await page.locator('#d-lr-num').getAttribute('aria-invalid')).toBe('true');
    await fill('d-lr-num', 0.1);
    await page.locator('#d-opt-momentum').uncheck();
    await page.locator('#d-opt-adam').uncheck();
    await page.locator('#d-steps').fill('50');
  });

  it('moves the start with the arrow keys and by dragging, and the path follows', async () => {
    await page.locator('#d-contours').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('#d-w0').inputValue()).toBe('-2.2');
    expect(await page.locator('#d-b0').inputValue()).toBe('2.84');
    let rows = (await pagePaths())['gd'] ?? [];
    expect(rows[0]?.[1]).toBeCloseTo(-2.2, 12);
    expect(rows[0]?.[2]).toBeCloseTo(2.84, 12);
    expectRowsClose(rows, rowsOf(descentPath({ learningRate: 0.1, steps: 50, start: { w: rows[0]?.[1] ?? NaN, b: rows[0]?.[2] ?? NaN } })));
    // Drag to (w, b) = (1, -2): the plot's frame is (W - 64) × (H - 50) canvas pixels at (52, 10) of W × H, over [-4, 4]².
    const box = await page.locator('#d-contours').boundingBox();
    if (box === null) throw new Error('no canvas box');
    const W = Number(await page.locator('#d-contours').getAttribute('width'));
    const H = Number(await page.locator('#d-contours').getAttribute('height'));
    const at = (w: number, b: number): [number, number] => [box.x + ((52 + ((w + 4) / 8) * (W - 64)) / W) * box.width, box.y + ((10 + ((4 - b) / 8) * (H - 50)) / H) * box.height];
    await page.mouse.move(...at(-2, 2));
    await page.mouse.down();
    await page.mouse.move(...at(0, 0), { steps: 4 });
    await page.mouse.move(...at(1, -2), { steps: 4 });
    await page.mouse.up();
    rows = (await pagePaths())['gd'] ?? [];
    expect(Math.abs((rows[0]?.[1] ?? NaN) - 1)).toBeLessThan(0.03);
    expect(Math.abs((rows[0]?.[2] ?? NaN) + 2)).toBeLessThan(0.03);
    expectRowsClose(rows, rowsOf(descentPath({ learningRate: 0.1, steps: 50, start: { w: rows[0]?.[1] ?? NaN, b: rows[0]?.[2] ?? NaN } })));
  });

  it('follows edited data and the squared-error model; the network surface is not a bowl', async () => {
    await page.locator('#d-model').selectOption('squared');
    await page.locator('#d-w0').fill('-3');
    await page.locator('#d-w0').dispatchEvent('change');
    await page.locator('#d-b0').fill('3');
    await page.locator('#d-b0').dispatchEvent('change');
    await page.locator('#d-data-y3').fill('2.5');
    await page.locator('#d-data-y3').dispatchEvent('change');
    const data = { x: [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5], y: [0, 0, 0, 2.5, 0, 1, 0, 1, 1, 1] };
    await expect.poll(async () => (await pagePaths())['gd']?.[0]?.[3]).toBeCloseTo(descentPath({ data, loss: 'squared', learningRate: 0.1, steps: 0 }).points[0]?.cost ?? NaN, 12);
    expectRowsClose((await pagePaths())['gd'], rowsOf(descentPath({ data, loss: 'squared', learningRate: 0.1, steps: 50 })));
    // Back to the notes' logistic model: a label of 2.5 is refused there.
    await page.locator('#d-model').selectOption('logistic');
    await expect.poll(() => text('d-data-status')).toBe('y of point 4 is 2.5: the logistic model takes labels from 0 to 1.');
    await page.getByRole('button', { name: "Back to the notes' data" }).click();
    await expect.poll(() => text('d-data-status')).toBe('10 points; the cross-entropy averages over them.');
    expectRowsClose((await pagePaths())['gd'], rowsOf(descentPath({ learningRate: 0.1, steps: 50 })));
    // The network over w1[0], v[0] in [-8, 8] (step 0.2): two valleys, the lower at (0, 6.2), a worse one at (-1.6, -0.4).
    const s = networkSurface({ n: 81, u: [-8, 8], v: [-8, 8] });
    expect(await page.locator('#d-slice').getAttribute('data-minima')).toBe('2');
    const slice = await text('slice-text');
    expect(slice).toContain(`2 separate valleys (white dots): the lowest J = ${fmt(s.cost[71]?.[40] ?? NaN, 4)} at (0, 6.2), and J = ${fmt(s.cost[38]?.[32] ?? NaN, 4)} at (−1.6, −0.4), higher: descent started near that one stays there.`);
    expect(fmt(s.cost[71]?.[40] ?? NaN, 4)).toBe('0.4696');
  });

  it('shows J = 3(a + bc) at the notes\' values and follows an edited input with autodiff\'s gradients', async () => {
    expect(await value('g-value-J')).toBe(45);
    expect([await value('g-grad-a'), await value('g-grad-b'), await value('g-grad-c')]).toEqual([3, 6, 12]);
    expect(await value('g-slope-v')).toBeCloseTo(3, 9);
    await fill('g-a', -2.5);
    await fill('g-b', 1.25);
    await fill('g-c', -4);
    const g = jGraph(-2.5, 1.25, -4);
    backward(g.J, undefined, { retainGrads: true });
    await expect.poll(() => value('g-grad-b')).toBe(g.b.grad?.item());
    expect(await value('g-grad-a')).toBe(g.a.grad?.item());
    expect(await value('g-grad-c')).toBe(g.c.grad?.item());
    expect(await value('g-value-J')).toBe(g.J.item());
    expect(await value('g-bump-grad-c')).toBe(g.c.grad?.item());
    // The same numbers as `tsgrad graph --example j --set ... --json`.
    const cli = (await cliJson('graph', '--example', 'j', '--set', 'a=-2.5,b=1.25,c=-4')) as { nodes: { name: string; value: number; grad: number }[]; bumps: { node: string; slope: number; outputBumped: number }[] };
    for (const n of cli.nodes) {
      expect(await value(`g-value-${n.name}`), n.name).toBe(n.value);
      expect(await value(`g-grad-${n.name}`), n.name).toBe(n.grad);
    }
    for (const b of cli.bumps) expect(await value(`g-slope-${b.node}`), b.node).toBe(b.slope);
    await page.getByRole('button', { name: "Back to the notes' values" }).first().click();
    await expect.poll(() => value('g-grad-c')).toBe(12);
  });

  it('steps backward one gate at a time, with the local gradient and the product', async () => {
    const step = page.locator('#g-step');
    await step.click();
    expect(await text('g-status')).toBe('Step 1 of 3: the gate making J receives dJ/dJ = 1; ∂J/∂v = 3, so dJ/dv = 1 × 3 = 3.');
    await step.click();
    expect(await text('g-status')).toBe('Step 2 of 3: the gate making v receives dJ/dv = 3; ∂v/∂a = 1, so dJ/da = 3 × 1 = 3; ∂v/∂u = 1, so dJ/du = 3 × 1 = 3.');
    expect(await page.locator('#g-svg [data-node="u"]').textContent()).toContain('dJ/du = 3');
    expect(await page.locator('#g-svg [data-node="b"]').textContent()).toContain('dJ/db = ?');
    await step.click();
    expect(await text('g-status')).toBe('Backward pass done (3 of 3): dJ/da = 3, dJ/db = 6, dJ/dc = 12.');
    expect(await step.isDisabled()).toBe(true);
    expect(await page.locator('#g-steps li').count()).toBe(3);
    expect(await page.locator('#g-steps li').nth(2).textContent()).toBe('The gate making u receives dJ/du = 3; ∂u/∂b = c = 2, so dJ/db = 3 × 2 = 6; ∂u/∂c = b = 4, so dJ/dc = 3 × 4 = 12.');
    await page.locator('#g-reset').click();
    expect(await page.locator('#g-steps li').count()).toBe(0);
    expect(await step.isDisabled()).toBe(false);
  });

  it('the neuron follows w, x, y with autodiff\'s dL/dw and dL/dx; a bad y is refused on the status line', async () => {
    expect(await value('n-value-z')).toBe(1);
    await fill('n-w1', 0.5);
    await fill('n-x2', 3);
    await fill('n-y', 0);
    const g = neuronGraph([0.5, -3, -3], [-1, 3], 0);
    backward(g.L, undefined, { retainGrads: true });
    await expect.poll(() => value('n-grad-w1')).toBe(g.w.grad?.values()[0]);
    expect(await value('n-grad-w2')).toBe(g.w.grad?.values()[1]);
    expect(await value('n-grad-b')).toBe(g.w.grad?.values()[2]);
    expect(await value('n-grad-x1')).toBe(g.x.grad?.values()[0]);
    expect(await value('n-grad-z')).toBe(g.z.grad?.item());
    expect(await value('n-value-L')).toBe(g.L.item());
    await fill('n-y', 2);
    await expect.poll(() => text('n-status')).toBe('y: a label between 0 and 1');
    expect(await page.locator('#n-y').getAttribute('aria-invalid')).toBe('true');
    expect(await value('n-value-L')).toBe(g.L.item());
    await page.locator('#n-defaults').click();
    await expect.poll(() => value('n-value-z')).toBe(1);
    expect(await page.locator('#n-y').getAttribute('aria-invalid')).toBeNull();
  });

  it('times the loop against tsgrad dot in a worker, at the size asked, and draws the bars', async () => {
    await fill('v-size', 20000);
    await fill('v-repeats', 3);
    await page.locator('#v-time').click();
    await expect.poll(() => page.locator('#v-status').getAttribute('data-loop-value'), { timeout: SLOW }).not.toBeNull();
    const [a, b] = dotOperands(20000);
    expect(Number(await page.locator('#v-status').getAttribute('data-loop-value'))).toBe(loopDot(a, b));
    const dotValue = Number(await page.locator('#v-status').getAttribute('data-dot-value'));
    expect(Math.abs(dotValue - dot(fromArray(a), fromArray(b)).item())).toBeLessThan(1e-9);
    // Timings are not asserted, only said: as a ratio, or as under the browser's clock step.
    expect(await text('v-status')).toMatch(
      /^n = 20,000: for loop [\d.e−]+ ms, tsgrad dot [\d.e−]+ ms \((js|wasm) backend; medians of 3\); (the loop takes [\d.e−]+× as long as dot|one of them is under this browser's clock step \(about 0\.1 ms\): pick a larger n for a ratio)\. The results: [\d.]+ \(loop\) and [\d.]+ \(dot\), (equal|apart by [\d.e−]+ of their size \(the sums add in a different order\))\.$/,
    );
    expect(await page.locator('#v-chart rect').count()).toBe(2);
    expect(await page.locator('#v-chart text').first().textContent()).toBe('n = 20,000');
    await fill('v-size', 5);
    await page.locator('#v-time').click();
    expect(await text('v-status')).toBe('Size n: a whole number from 1,000 to 10,000,000');
    await fill('v-size', 1000000);
  });

  it('shows the vectorised gradient as matrices with their shapes, equal to vectorisedGradient and autodiff', async () => {
    const check = async (seed: number): Promise<void> => {
      const g = vectorisedGradient(seed);
      const want: Record<string, Matrix> = { X: g.X, Y: g.Y, w: g.w, Z: g.Z, A: g.A, dZ: g.dZ, dW: g.dW, 'autodiff-dw': g.autodiff.dW };
      for (const [name, m] of Object.entries(want)) {
        const got = await pageMatrix(name);
        expect(got.length, name).toBe(m.shape[0]);
        got.forEach((row, i) => row.forEach((x, j) => expect(x, `${name}[${i}][${j}]`).toBeCloseTo(m.rows[i]?.[j] ?? NaN, 12)));
      }
      expect((await pageMatrix('db'))[0]?.[0]).toBeCloseTo(g.db, 12);
    };
    await check(1);
    const captions = await page.locator('#vg-matrices figcaption').allTextContents();
    expect(captions.slice(0, 3)).toEqual(['X  (2 × 10): the inputs, one sample per column', 'Y  (1 × 10): the labels', 'w  (2 × 1): the weights']);
    expect(captions).toContain('dW = X dZᵀ / m  (2 × 1)');
    expect(await text('vg-status')).toMatch(/^m = 10 samples, n_x = 2 features, cost J = [\d.]+; the vectorised dW and db differ from autodiff's by at most /);
    await fill('vg-seed', 7);
    await check(7);
    await fill('vg-seed', 1);
  });

  it('is static files of the build, and asks for nothing from anywhere else (works offline)', async () => {
    expect(existsSync(join(h.outDir, 'notes.html'))).toBe(true);
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.filter((u) => !u.startsWith(h.url) && !u.startsWith('data:'))).toEqual([]);
    expect(await page.locator('a[href="./index.html"]').count()).toBe(1);
    expect(await page.locator('.notes-ref cite').allTextContents()).toEqual([
      'Notes 1.1 Gradient descent', 'Notes 2.3 Computation graph', 'Notes 2.5 Logistic regression derivatives', 'Notes 3.1 Vectorization', 'Notes 3.2 Vectorizing logistic regression',
    ]);
  });

  it('every control is labelled and reachable with Tab', async () => {
    // Each control's accessible name as the page gives it: its label, aria-label or text.
    const controls = (await page.evaluate(`[...document.querySelectorAll('main input, main button, main select, main [tabindex="0"]')]
      .map((e) => ({ id: e.id, name: e.labels?.[0]?.textContent ?? e.getAttribute('aria-label') ?? e.textContent ?? '' }))`)) as { id: string; name: string }[];
    expect(controls.length).toBeGreaterThan(10);
    for (const c of controls) expect(c.name.trim(), c.id).not.toBe('');
    await page.locator('a[href="./index.html"]').focus();
    const reached = new Set<string>();
    for (let i = 0; i < controls.length + 40; i++) {
      await page.keyboard.press('Tab');
      reached.add((await page.evaluate('document.activeElement?.id ?? ""')) as string);
    }
    for (const c of controls) expect(reached.has(c.id), c.id).toBe(true);
  });

  it('screenshots at desktop and phone width', async () => {
    await page.evaluate("document.getElementById('d-numbers').open = false");
    await page.locator('#v-time').click();
    await expect.poll(() => page.locator('#v-status').getAttribute('data-size'), { timeout: SLOW }).toBe('1000000');
    await page.locator('#d-opt-momentum').check();
    await page.locator('#d-opt-adam').check();
    await page.locator('#g-all').click();
    await page.locator('#n-step').click();
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot('desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.locator('#d-contours').getAttribute('width')).toBe('360');
    await shot('phone');
    // Nothing wider than the phone: wide pictures and tables scroll inside their own boxes.
    const wide = await page.evaluate(`[...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 && e.closest('.graph-svg, .table-scroll') === null)
      .map((e) => e.tagName + '#' + e.id)`);
    expect(wide).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
