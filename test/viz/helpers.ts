/**
 * Checks on produced pictures, shared by the viz, landscape and CLI tests: PNGs are decoded
 * and must have a size and visible content; SVGs must parse as SVG, have a size and carry
 * the given texts (axis titles, titles) as text elements.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { loadRunData, type LoadedData } from '../../src/app/data.js';
import { TrainingRun, type RunResult } from '../../src/app/run.js';
import { NEURON, type RunSettings } from '../../src/app/settings.js';
import { decodeImage } from '../../src/data/image.js';
import { DATASETS } from '../data/fixtures.js';

/** Opens a PNG; checks its size and that it is not blank (enough non-background pixels, several colours). */
export async function expectPng(file: string, size: { width?: number; height?: number; minWidth?: number; minHeight?: number } = {}): Promise<{ width: number; height: number }> {
  const bytes = await readFile(file);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const img = await decodeImage(bytes);
  if (size.width !== undefined) expect(img.width).toBe(size.width);
  if (size.height !== undefined) expect(img.height).toBe(size.height);
  expect(img.width).toBeGreaterThanOrEqual(size.minWidth ?? 1);
  expect(img.height).toBeGreaterThanOrEqual(size.minHeight ?? 1);
  const c = img.channels;
  const first = img.pixels.subarray(0, c).join();
  let differing = 0;
  const colours = new Set<string>();
  for (let i = 0; i < img.pixels.length; i += c) {
    const px = img.pixels.subarray(i, i + c).join();
    if (px !== first) differing++;
    if (colours.size < 64) colours.add(px);
  }
  // Not blank: at least 1% of the pixels differ from the corner, in more than a couple of colours.
  expect(differing).toBeGreaterThan(img.width * img.height * 0.01);
  expect(colours.size).toBeGreaterThan(2);
  return { width: img.width, height: img.height };
}

/** The text content of an SVG's <text> elements, entities decoded. */
export function svgTexts(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
    const inner = (m[1] ?? '').replace(/<[^>]+>/g, '');
    out.push(inner.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
  }
  return out;
}

/** Opens an SVG; checks it is an <svg> document with a size and that each of `texts` is in a text element. */
export async function expectSvg(file: string, texts: string[]): Promise<string> {
  const svg = await readFile(file, 'utf8');
  expect(svg.trimStart()).toMatch(/^<svg\b/);
  expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  const w = Number(/<svg\b[^>]*\bwidth="([\d.]+)"/.exec(svg)?.[1]);
  const h = Number(/<svg\b[^>]*\bheight="([\d.]+)"/.exec(svg)?.[1]);
  expect(w).toBeGreaterThan(100);
  expect(h).toBeGreaterThan(100);
  const all = svgTexts(svg);
  for (const t of texts) expect(all.some((s) => s.includes(t)), `text "${t}" in ${file}`).toBe(true);
  return svg;
}

/** A short training run, trained once per test file. */
export interface ShortTraining {
  data: LoadedData;
  settings: RunSettings;
  result: RunResult;
}

let cached: Promise<ShortTraining> | undefined;

/** The cat data and the single neuron trained briefly on it (200 iterations, lr 0.005, costs every 50), once per test file. */
export function shortTraining(): Promise<ShortTraining> {
  cached ??= (async () => {
    const data = await loadRunData({ data: DATASETS });
    const settings: RunSettings = { ...NEURON, epochs: 200, printEvery: 50 };
    const run = new TrainingRun(data, settings);
    run.advance();
    return { data, settings, result: run.result() };
  })();
  return cached;
}
