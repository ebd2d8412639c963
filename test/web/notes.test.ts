/**
 * The notes page (web/notes.html) built with Vite, served on 127.0.0.1 and driven in Debian's
 * chromium (./page-harness.ts): its numbers are held to tsgrad's autograd and to the modules
 * the CLI prints from. Screenshots land in test-artifacts/web/notes-*.png (gitignored).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/index.js';
import { jGraph, neuronGraph } from '../../src/autograd/examples.js';
import { jModel, neuronModel, J_DEFAULTS, NEURON_DEFAULTS } from '../../web/src/notes/graph-model.js';
import { ARTIFACTS, startPage, type PageHarness } from './page-harness.js';

const SLOW = 30_000;
let h: PageHarness;
let page: Page;

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `notes-${name}.png`), fullPage: true });
const value = async (id: string): Promise<number> => Number(await page.locator(`#${id}`).getAttribute('data-value'));
const text = async (id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? '';

async function fill(id: string, x: number): Promise<void> {
  await page.locator(`#${id}`).fill(String(x));
}

beforeAll(async () => {
  h = await startPage();
  page = h.page;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
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
    await page.locator('#g-all').click();
    await page.locator('#n-step').click();
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot('desktop');
    await page.setViewportSize({ width: 390, height: 844 });
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
